// SPDX-License-Identifier: Apache-2.0
#include "models/cluster/clusterpull.h"

#include "models/cluster/apiclient.h"
#include "models/io/snapshotloader.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QUrl>

#include <simdjson.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

namespace rbx::cluster {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

constexpr const char* kJson = "application/json";
// Secrets: metadata only, and no fallback representation a server could answer with payloads.
constexpr const char* kMetadataOnly = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
constexpr const char* kAggregatedDiscovery
    = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

struct ListSpec
{
    std::string key; // plural resource, as shown in coverage and progress
    std::string groupVersion; // "v1" or "apps/v1"
    bool namespaced = true;
    bool secrets = false;
    std::string meaning; // what missing it means
};

const std::vector<ListSpec>& listSpecs()
{
    static const std::vector<ListSpec> specs {
        {"namespaces", "v1", false, false, "namespaces are known only from the objects in them"},
        {"serviceaccounts", "v1", true, false,
         "ServiceAccounts are known only from bindings and pods: automount, token and unused-account findings are "
         "incomplete"},
        {"secrets", "v1", true, true,
         "no Secrets: the legacy-token view is incomplete (tokens are known only by the names in ServiceAccount "
         "secrets and pod references)"},
        {"clusterroles", "rbac.authorization.k8s.io/v1", false, false,
         "ClusterRoles missing: grants through them are not seen, answers may say no where the cluster says yes"},
        {"roles", "rbac.authorization.k8s.io/v1", true, false,
         "Roles missing: grants through them are not seen, answers may say no where the cluster says yes"},
        {"clusterrolebindings", "rbac.authorization.k8s.io/v1", false, false,
         "ClusterRoleBindings missing: cluster-wide grants are not seen, answers may say no where the cluster says "
         "yes"},
        {"rolebindings", "rbac.authorization.k8s.io/v1", true, false,
         "RoleBindings missing: namespaced grants are not seen, answers may say no where the cluster says yes"},
        {"pods", "v1", true, false, "who runs as which ServiceAccount is incomplete (pods not read)"},
        {"deployments", "apps/v1", true, false, "workloads incomplete (Deployments not read)"},
        {"statefulsets", "apps/v1", true, false, "workloads incomplete (StatefulSets not read)"},
        {"daemonsets", "apps/v1", true, false, "workloads incomplete (DaemonSets not read)"},
        {"replicasets", "apps/v1", true, false, "workloads incomplete (ReplicaSets not read)"},
        {"jobs", "batch/v1", true, false, "workloads incomplete (Jobs not read)"},
        {"cronjobs", "batch/v1", true, false, "workloads incomplete (CronJobs not read)"},
        {"nodes", "v1", false, false, "the Kubernetes version comes from /version only"},
        {"customresourcedefinitions", "apiextensions.k8s.io/v1", false, false,
         "custom resources are known from discovery only"},
    };
    return specs;
}

QString listPath(const ListSpec& spec, const std::string& ns, const std::string& cont, int limit)
{
    QString path = spec.groupVersion == "v1" ? QStringLiteral("/api/v1") : QStringLiteral("/apis/") + qs(spec.groupVersion);
    if (!ns.empty())
        path += QStringLiteral("/namespaces/") + QString::fromLatin1(QUrl::toPercentEncoding(qs(ns)));
    path += u'/' + qs(spec.key);
    // Built by hand: a continue token is base64 and its '+' must reach the server encoded (QUrlQuery leaves it).
    QString query = QStringLiteral("limit=") + QString::number(limit);
    if (!cont.empty())
        query += QStringLiteral("&continue=") + QString::fromLatin1(QUrl::toPercentEncoding(qs(cont)));
    if (spec.secrets)
        query += QStringLiteral("&fieldSelector=type%3Dkubernetes.io%2Fservice-account-token");
    return path + u'?' + query;
}

struct PageInfo
{
    bool ok = false;
    std::string kind;
    std::string cont;
    std::size_t items = 0;
};

PageInfo pageInfo(const QByteArray& body)
{
    PageInfo info;
    try {
        simdjson::padded_string padded(body.constData(), static_cast<std::size_t>(body.size()));
        simdjson::ondemand::parser parser;
        auto doc = parser.iterate(padded);
        simdjson::ondemand::object root = doc.get_object();
        for (auto field : root) {
            const std::string_view key = field.unescaped_key().value();
            if (key == "kind") {
                info.kind = std::string(field.value().get_string().value());
            } else if (key == "metadata") {
                simdjson::ondemand::object md = field.value().get_object();
                for (auto m : md)
                    if (m.unescaped_key().value() == "continue")
                        info.cont = std::string(m.value().get_string().value());
            } else if (key == "items") {
                auto v = field.value();
                if (v.type().value() == simdjson::ondemand::json_type::array) {
                    simdjson::ondemand::array items = v.get_array().value();
                    info.items = items.count_elements().value();
                }
            }
        }
        info.ok = true;
    } catch (const simdjson::simdjson_error&) {
        info.ok = false;
    }
    return info;
}

QJsonObject jsonObject(const QByteArray& body)
{
    return QJsonDocument::fromJson(body).object();
}

class Puller
{
public:
    Puller(const ConnectionConfig& connection, const PullOptions& options)
        : m_client(connection)
        , m_opt(options)
    {
        m_client.setCanceledCheck(options.canceled);
        for (const auto& spec : listSpecs()) {
            ListState st;
            st.spec = spec;
            st.cov.resource = spec.secrets ? "secrets (service-account-token, metadata only)" : spec.key;
            st.cov.meaning = spec.meaning;
            m_lists.push_back(std::move(st));
        }
    }

    PullResult run();

private:
    struct ListState
    {
        ListSpec spec;
        std::map<std::string, std::vector<QByteArray>> pages; // namespace ("" = all) -> pages, in order
        int restarts = 0;
        int chains = 0; // page chains in flight
        bool waitingForNamespaces = false;
        bool finished = false;
        ResourceCoverage cov;
    };

    void enqueue(std::function<void()> start)
    {
        m_queue.push_back(std::move(start));
    }
    void request(const QString& path, const QByteArray& accept, std::function<void(const ApiResponse&)> handler)
    {
        enqueue([this, path, accept, handler = std::move(handler)]() mutable {
            ++m_inFlight;
            m_client.get(path, accept, [this, handler = std::move(handler)](const ApiResponse& r) {
                --m_inFlight;
                if (!m_fatal)
                    handler(r);
                pump();
            });
        });
    }
    void later(int ms, std::function<void()> fn)
    {
        ++m_timers;
        QTimer::singleShot(ms, &m_loop, [this, fn = std::move(fn)] {
            --m_timers;
            if (!m_fatal)
                fn();
            pump();
        });
    }
    void pump()
    {
        while (!m_fatal && !m_queue.empty() && m_inFlight < std::max(1, m_opt.concurrency)) {
            auto start = std::move(m_queue.front());
            m_queue.pop_front();
            start();
        }
        if (m_inFlight == 0 && m_timers == 0 && (m_queue.empty() || m_fatal))
            m_loop.quit();
    }
    void fatal(const std::string& message)
    {
        if (m_fatal)
            return;
        m_fatal = true;
        m_result.error = message;
        m_queue.clear();
        m_client.abortAll();
    }
    // Common handling of answers that end the whole pull; true when the caller must stop.
    bool fatalAnswer(const ApiResponse& r, const QString& path)
    {
        if (r.canceled) {
            m_result.canceled = true;
            fatal("canceled");
            return true;
        }
        if (r.status == 401) {
            fatal("authentication failed (401 Unauthorized) on GET " + path.section(u'?', 0, 0).toStdString()
                  + " as user \"" + m_client.connection().userName + "\" with "
                  + authMethodName(m_client.connection().auth)
                  + ": the server rejected the credentials (expired or revoked token, certificate not trusted "
                    "by the server, wrong user)");
            return true;
        }
        return false;
    }
    void progress(const ListState& st)
    {
        if (!m_opt.progress)
            return;
        PullProgress p;
        p.resource = st.spec.key;
        p.items = st.cov.items;
        p.done = m_listsDone;
        p.total = static_cast<int>(m_lists.size());
        m_opt.progress(p);
    }

    void startList(std::size_t li, const std::string& ns)
    {
        ++m_lists[li].chains;
        listPage(li, ns, {}, 0);
    }
    void listPage(std::size_t li, const std::string& ns, const std::string& cont, int attempt);
    void chainDone(std::size_t li);
    void finishList(std::size_t li);
    void startPerNamespace();
    void discovery(const QString& path, bool core);

    ApiClient m_client;
    PullOptions m_opt;
    PullResult m_result;
    QEventLoop m_loop;
    std::deque<std::function<void()>> m_queue;
    int m_inFlight = 0;
    int m_timers = 0;
    bool m_fatal = false;
    int m_listsDone = 0;
    std::vector<ListState> m_lists;
    std::map<std::string, std::string> m_discovery; // groupVersion -> APIResourceList JSON
    ResourceCoverage m_discoveryCoverage {"discovery", ResourceCoverage::State::Complete, 0, 0, {}, {},
                                          "the resource catalogue is the built-in one (no CRD subresources or "
                                          "aggregated APIs)"};
    QByteArray m_tracking;
    bool m_namespacesKnown = false;
    std::vector<std::string> m_namespaceNames;
};

void Puller::listPage(std::size_t li, const std::string& ns, const std::string& cont, int attempt)
{
    const QString path = listPath(m_lists[li].spec, ns, cont, m_opt.pageSize);
    const QByteArray accept = m_lists[li].spec.secrets ? QByteArray(kMetadataOnly) : QByteArray(kJson);
    request(path, accept, [this, li, ns, cont, attempt, path](const ApiResponse& r) {
        auto& st = m_lists[li];
        if (fatalAnswer(r, path))
            return;
        if (r.transportError) {
            if (attempt < 2) {
                later(300 * (attempt + 1), [this, li, ns, cont, attempt] { listPage(li, ns, cont, attempt + 1); });
                return;
            }
            fatal("lost the connection while listing " + st.spec.key + ": " + r.error.toStdString());
            return;
        }
        if ((r.status == 429 || r.status == 503 || r.status == 504) && attempt < 4) {
            const int wait = std::clamp(r.retryAfterSeconds < 0 ? 1 : r.retryAfterSeconds, 0, 10);
            later(wait * 1000, [this, li, ns, cont, attempt] { listPage(li, ns, cont, attempt + 1); });
            return;
        }
        if (r.status == 410) {
            // The continue token expired (etcd compaction): restart this list for a consistent result.
            st.pages[ns].clear();
            if (++st.restarts > m_opt.maxRestarts) {
                st.cov.state = ResourceCoverage::State::Failed;
                st.cov.message = "the list kept expiring (410 Gone) after " + std::to_string(m_opt.maxRestarts)
                    + " restarts";
                chainDone(li);
                return;
            }
            listPage(li, ns, {}, 0);
            return;
        }
        if (r.status == 403) {
            if (ns.empty() && st.spec.namespaced && cont.empty()) {
                st.cov.message = r.error.toStdString();
                st.waitingForNamespaces = true;
                chainDone(li);
                return;
            }
            if (!ns.empty()) {
                st.cov.forbiddenNamespaces.push_back(ns);
                if (st.cov.message.empty())
                    st.cov.message = r.error.toStdString();
            } else {
                st.cov.state = ResourceCoverage::State::Forbidden;
                st.cov.message = r.error.toStdString();
            }
            st.pages[ns].clear();
            chainDone(li);
            return;
        }
        if (r.status == 404) {
            st.cov.state = ResourceCoverage::State::NotServed;
            st.cov.message = "not served by this API server (" + path.section(u'?', 0, 0).toStdString() + ')';
            chainDone(li);
            return;
        }
        if (r.status == 406 && st.spec.secrets) {
            st.cov.state = ResourceCoverage::State::Skipped;
            st.cov.message = "the server cannot return Secret metadata only (406); Secrets were not read, and RBAC "
                             "Explorer never asks for full Secrets";
            chainDone(li);
            return;
        }
        if (!r.ok()) {
            st.cov.state = ResourceCoverage::State::Failed;
            st.cov.message = "HTTP " + std::to_string(r.status)
                + (r.error.isEmpty() ? std::string() : ": " + r.error.toStdString());
            st.pages[ns].clear();
            chainDone(li);
            return;
        }
        QByteArray body = r.body;
        if (st.spec.secrets) {
            // Only a metadata-only answer is kept; anything else is dropped unread, payloads and all.
            auto converted = r.contentType.contains("as=PartialObjectMetadataList")
                ? secretMetadataToList(body.toStdString())
                : std::string();
            body.clear();
            if (converted.empty()) {
                st.cov.state = ResourceCoverage::State::Skipped;
                st.cov.message = "the server did not answer with metadata only; the answer was discarded unread";
                st.pages[ns].clear();
                chainDone(li);
                return;
            }
            body = QByteArray::fromStdString(converted);
        }
        const auto info = pageInfo(body);
        if (!info.ok) {
            st.cov.state = ResourceCoverage::State::Failed;
            st.cov.message = "the answer to " + path.section(u'?', 0, 0).toStdString() + " is not JSON";
            chainDone(li);
            return;
        }
        st.cov.items += info.items;
        ++st.cov.pages;
        st.pages[ns].push_back(std::move(body));
        progress(st);
        if (!info.cont.empty()) {
            listPage(li, ns, info.cont, 0);
            return;
        }
        chainDone(li);
    });
}

void Puller::chainDone(std::size_t li)
{
    auto& st = m_lists[li];
    if (--st.chains > 0)
        return;
    if (st.waitingForNamespaces) {
        if (m_namespacesKnown)
            startPerNamespace(); // else resumed when the namespaces are in
        return;
    }
    finishList(li);
}

void Puller::finishList(std::size_t li)
{
    auto& st = m_lists[li];
    if (st.finished)
        return;
    st.finished = true;
    ++m_listsDone;
    if (st.cov.state == ResourceCoverage::State::Complete && !st.cov.forbiddenNamespaces.empty()) {
        bool any = false;
        for (const auto& [ns, pages] : st.pages)
            any = any || !pages.empty();
        st.cov.state = any || st.cov.forbiddenNamespaces.size() < m_namespaceNames.size()
            ? ResourceCoverage::State::Partial
            : ResourceCoverage::State::Forbidden;
    }
    progress(st);
    if (li == 0) {
        // Namespaces are in: the names serve the per-namespace fallback of lists that were forbidden cluster-wide.
        for (const auto& [ns, pages] : st.pages)
            for (const auto& page : pages) {
                const auto items = jsonObject(page).value(QStringLiteral("items")).toArray();
                for (const auto& item : items) {
                    const auto name = item.toObject()
                                          .value(QStringLiteral("metadata"))
                                          .toObject()
                                          .value(QStringLiteral("name"))
                                          .toString()
                                          .toStdString();
                    if (!name.empty())
                        m_namespaceNames.push_back(name);
                }
            }
        if (m_namespaceNames.empty()) {
            m_namespaceNames = m_opt.namespaces;
            if (m_namespaceNames.empty() && !m_client.connection().ns.empty())
                m_namespaceNames.push_back(m_client.connection().ns);
        }
        std::sort(m_namespaceNames.begin(), m_namespaceNames.end());
        m_namespaceNames.erase(std::unique(m_namespaceNames.begin(), m_namespaceNames.end()), m_namespaceNames.end());
        m_namespacesKnown = true;
        startPerNamespace();
    }
}

void Puller::startPerNamespace()
{
    for (std::size_t li = 0; li < m_lists.size(); ++li) {
        auto& st = m_lists[li];
        if (!st.waitingForNamespaces || st.finished || st.chains > 0)
            continue;
        st.waitingForNamespaces = false;
        if (m_namespaceNames.empty()) {
            st.cov.state = ResourceCoverage::State::Forbidden;
            finishList(li);
            continue;
        }
        for (const auto& ns : m_namespaceNames)
            startList(li, ns);
    }
}

void Puller::discovery(const QString& path, bool core)
{
    request(path, kAggregatedDiscovery, [this, path, core](const ApiResponse& r) {
        if (fatalAnswer(r, path))
            return;
        if (!r.ok()) {
            m_discoveryCoverage.state = ResourceCoverage::State::Partial;
            m_discoveryCoverage.message = "GET " + path.toStdString() + ": "
                + (r.transportError ? r.error.toStdString() : "HTTP " + std::to_string(r.status));
            return;
        }
        const auto o = jsonObject(r.body);
        const auto kind = o.value(QStringLiteral("kind")).toString();
        if (kind == QLatin1String("APIGroupDiscoveryList")) {
            for (auto& list : aggregatedToResourceLists(r.body.toStdString())) {
                const auto gv = jsonObject(QByteArray::fromStdString(list)).value(QStringLiteral("groupVersion"));
                m_discovery[gv.toString().toStdString()] = std::move(list);
            }
            return;
        }
        std::vector<QString> versions;
        if (core) {
            for (const auto& v : o.value(QStringLiteral("versions")).toArray())
                versions.push_back(QStringLiteral("/api/") + v.toString());
        } else {
            for (const auto& g : o.value(QStringLiteral("groups")).toArray()) {
                const auto gv = g.toObject()
                                    .value(QStringLiteral("preferredVersion"))
                                    .toObject()
                                    .value(QStringLiteral("groupVersion"))
                                    .toString();
                if (!gv.isEmpty())
                    versions.push_back(QStringLiteral("/apis/") + gv);
            }
        }
        for (const auto& v : versions)
            request(v, kJson, [this, v](const ApiResponse& rr) {
                if (fatalAnswer(rr, v))
                    return;
                if (!rr.ok()) {
                    // Aggregated APIs that are down answer 503: the rest of discovery still counts.
                    m_discoveryCoverage.state = ResourceCoverage::State::Partial;
                    m_discoveryCoverage.message = "GET " + v.toStdString() + ": "
                        + (rr.transportError ? rr.error.toStdString() : "HTTP " + std::to_string(rr.status));
                    return;
                }
                const auto gv = jsonObject(rr.body).value(QStringLiteral("groupVersion")).toString().toStdString();
                if (!gv.empty())
                    m_discovery[gv] = rr.body.toStdString();
            });
    });
}

PullResult Puller::run()
{
    const auto& c = m_client.connection();
    m_result.warnings = c.warnings;
    if (const auto e = m_client.credentialError(); !e.isEmpty()) {
        m_result.error = e.toStdString();
        return m_result;
    }
    // /version first: an unreachable server, a TLS problem or rejected credentials end the pull here.
    const auto version = m_client.getSync(QStringLiteral("/version"));
    if (version.canceled || (m_opt.canceled && m_opt.canceled())) {
        m_result.canceled = true;
        m_result.error = "canceled";
        return m_result;
    }
    if (version.transportError) {
        m_result.error = version.error.toStdString();
        m_result.requests = m_client.requestsSent();
        return m_result;
    }
    if (version.status == 401) {
        m_result.error = "authentication failed (401 Unauthorized) as user \"" + c.userName + "\" with "
            + authMethodName(c.auth) + " (" + c.userOrigin
            + "): the server rejected the credentials (expired or revoked token, client certificate not trusted "
              "by the server)";
        m_result.requests = m_client.requestsSent();
        return m_result;
    }
    if (version.ok())
        m_result.serverVersion = jsonObject(version.body).value(QStringLiteral("gitVersion")).toString().toStdString();
    else
        m_result.warnings.push_back("GET /version answered HTTP " + std::to_string(version.status)
                                    + "; the Kubernetes version comes from the Nodes, if readable");

    QTimer cancelPoll;
    if (m_opt.canceled) {
        QObject::connect(&cancelPoll, &QTimer::timeout, &m_loop, [this] {
            if (m_opt.canceled()) {
                m_result.canceled = true;
                fatal("canceled");
                pump();
            }
        });
        cancelPoll.start(50);
    }

    discovery(QStringLiteral("/api"), true);
    discovery(QStringLiteral("/apis"), false);
    for (std::size_t li = 0; li < m_lists.size(); ++li)
        startList(li, {});
    const QString trackingPath
        = QStringLiteral("/api/v1/namespaces/kube-system/configmaps/kube-apiserver-legacy-service-account-token-tracking");
    request(trackingPath, kJson, [this, trackingPath](const ApiResponse& r) {
        if (fatalAnswer(r, trackingPath))
            return;
        if (r.ok())
            m_tracking = r.body;
        else if (r.status == 403)
            m_result.coverage.push_back({"configmaps (legacy-token tracking)", ResourceCoverage::State::Forbidden, 0, 0,
                                         {}, r.error.toStdString(),
                                         "when legacy-token tracking began is unknown: the cleaner's dates are "
                                         "estimates"});
    });
    request(QStringLiteral("/.well-known/openid-configuration"), kJson, [this](const ApiResponse& r) {
        if (r.ok())
            m_result.oidcDiscovery = r.body.toStdString();
    });
    request(QStringLiteral("/openid/v1/jwks"), "application/jwk-set+json, application/json", [this](const ApiResponse& r) {
        if (r.ok())
            m_result.jwks = r.body.toStdString();
    });
    pump();
    if (m_inFlight > 0 || m_timers > 0 || !m_queue.empty())
        m_loop.exec();
    cancelPoll.stop();
    m_result.requests = m_client.requestsSent();
    m_result.refusedRequests = m_client.requestsRefused();
    if (m_fatal)
        return m_result;

    // The model is built from the pages in a fixed order, whatever order the answers came in.
    const std::string origin = "cluster:" + c.context;
    std::vector<io::NamedBuffer> buffers;
    for (const auto& st : m_lists) {
        for (const auto& [ns, pages] : st.pages)
            for (std::size_t i = 0; i < pages.size(); ++i) {
                std::string name = origin + ' ' + listPath(st.spec, ns, {}, m_opt.pageSize).section(u'?', 0, 0).toStdString();
                if (pages.size() > 1)
                    name += " (page " + std::to_string(i + 1) + ')';
                buffers.push_back({std::move(name), pages[i].toStdString(), io::Format::Json});
            }
        m_result.coverage.push_back(st.cov);
    }
    if (!m_tracking.isEmpty())
        buffers.push_back({origin + " configmaps/kube-apiserver-legacy-service-account-token-tracking",
                           m_tracking.toStdString(), io::Format::Json});
    for (auto& [gv, doc] : m_discovery)
        buffers.push_back({origin + " discovery " + gv, doc, io::Format::Json});
    m_discoveryCoverage.items = m_discovery.size();
    m_result.coverage.insert(m_result.coverage.begin(), m_discoveryCoverage);

    m_result.snapshot = io::loadBuffers(std::move(buffers), {origin + " (" + c.server + ')'});
    auto& notes = m_result.snapshot->report.notes;
    if (!m_result.serverVersion.empty())
        notes.insert(notes.begin(), "pulled from " + c.describe() + ", Kubernetes " + m_result.serverVersion);
    for (const auto& st : m_lists)
        if (st.cov.state != ResourceCoverage::State::Complete && st.cov.state != ResourceCoverage::State::NotServed)
            m_result.snapshot->unreadable.push_back(st.spec.key);
    for (const auto& cov : m_result.coverage) {
        if (cov.state == ResourceCoverage::State::Complete || cov.state == ResourceCoverage::State::NotServed)
            continue;
        std::string n = cov.resource + ": " + coverageStateName(cov.state);
        if (!cov.forbiddenNamespaces.empty()) {
            n += " (forbidden in";
            for (const auto& ns : cov.forbiddenNamespaces)
                n += ' ' + ns;
            n += ')';
        }
        if (!cov.message.empty())
            n += " — " + cov.message;
        n += "; " + cov.meaning;
        notes.push_back(std::move(n));
    }
    for (const auto& w : m_result.warnings)
        notes.push_back(w);
    m_result.ok = true;
    return m_result;
}

} // namespace

std::string coverageStateName(ResourceCoverage::State s)
{
    switch (s) {
    case ResourceCoverage::State::Complete:
        return "complete";
    case ResourceCoverage::State::Partial:
        return "partial";
    case ResourceCoverage::State::Forbidden:
        return "forbidden";
    case ResourceCoverage::State::NotServed:
        return "not served";
    case ResourceCoverage::State::Skipped:
        return "skipped";
    case ResourceCoverage::State::Failed:
        return "failed";
    }
    return {};
}

bool PullResult::complete() const
{
    if (!ok)
        return false;
    for (const auto& c : coverage)
        if (c.state != ResourceCoverage::State::Complete && c.state != ResourceCoverage::State::NotServed)
            return false;
    return true;
}

PullResult pullSnapshot(const ConnectionConfig& connection, const PullOptions& options)
{
    Puller puller(connection, options);
    return puller.run();
}

std::vector<std::string> aggregatedToResourceLists(const std::string& json)
{
    std::vector<std::string> out;
    const auto root = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
    for (const auto& g : root.value(QStringLiteral("items")).toArray()) {
        const auto group = g.toObject();
        const auto name = group.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString();
        const auto versions = group.value(QStringLiteral("versions")).toArray();
        if (versions.isEmpty())
            continue;
        // Versions are listed in preference order: the first is the preferred one.
        const auto v = versions.first().toObject();
        const auto version = v.value(QStringLiteral("version")).toString();
        QJsonArray resources;
        for (const auto& rv : v.value(QStringLiteral("resources")).toArray()) {
            const auto r = rv.toObject();
            const auto plural = r.value(QStringLiteral("resource")).toString();
            const bool namespaced = r.value(QStringLiteral("scope")).toString() == QLatin1String("Namespaced");
            QJsonObject e;
            e[QStringLiteral("name")] = plural;
            e[QStringLiteral("singularName")] = r.value(QStringLiteral("singularResource"));
            e[QStringLiteral("namespaced")] = namespaced;
            e[QStringLiteral("kind")] = r.value(QStringLiteral("responseKind")).toObject().value(QStringLiteral("kind"));
            e[QStringLiteral("verbs")] = r.value(QStringLiteral("verbs"));
            if (r.contains(QStringLiteral("shortNames")))
                e[QStringLiteral("shortNames")] = r.value(QStringLiteral("shortNames"));
            resources.append(e);
            for (const auto& sv : r.value(QStringLiteral("subresources")).toArray()) {
                const auto s = sv.toObject();
                QJsonObject se;
                se[QStringLiteral("name")] = QString(plural + u'/' + s.value(QStringLiteral("subresource")).toString());
                se[QStringLiteral("singularName")] = QString();
                se[QStringLiteral("namespaced")] = namespaced;
                se[QStringLiteral("kind")]
                    = s.value(QStringLiteral("responseKind")).toObject().value(QStringLiteral("kind"));
                se[QStringLiteral("verbs")] = s.value(QStringLiteral("verbs"));
                resources.append(se);
            }
        }
        QJsonObject list;
        list[QStringLiteral("kind")] = QStringLiteral("APIResourceList");
        list[QStringLiteral("apiVersion")] = QStringLiteral("v1");
        list[QStringLiteral("groupVersion")] = name.isEmpty() ? version : name + u'/' + version;
        list[QStringLiteral("resources")] = resources;
        out.push_back(QJsonDocument(list).toJson(QJsonDocument::Compact).toStdString());
    }
    return out;
}

std::string secretMetadataToList(const std::string& json)
{
    const auto root = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
    if (root.value(QStringLiteral("kind")).toString() != QLatin1String("PartialObjectMetadataList"))
        return {};
    QJsonArray items;
    for (const auto& iv : root.value(QStringLiteral("items")).toArray()) {
        auto md = iv.toObject().value(QStringLiteral("metadata")).toObject();
        md.remove(QStringLiteral("managedFields"));
        auto annotations = md.value(QStringLiteral("annotations")).toObject();
        if (annotations.contains(QStringLiteral("kubectl.kubernetes.io/last-applied-configuration"))) {
            annotations.remove(QStringLiteral("kubectl.kubernetes.io/last-applied-configuration"));
            md[QStringLiteral("annotations")] = annotations;
        }
        QJsonObject item;
        item[QStringLiteral("metadata")] = md;
        item[QStringLiteral("type")] = QStringLiteral("kubernetes.io/service-account-token");
        items.append(item);
    }
    QJsonObject list;
    list[QStringLiteral("kind")] = QStringLiteral("SecretList");
    list[QStringLiteral("apiVersion")] = QStringLiteral("v1");
    list[QStringLiteral("metadata")] = root.value(QStringLiteral("metadata"));
    list[QStringLiteral("items")] = items;
    return QJsonDocument(list).toJson(QJsonDocument::Compact).toStdString();
}

} // namespace rbx::cluster
