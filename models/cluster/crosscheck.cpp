// SPDX-License-Identifier: Apache-2.0
#include "models/cluster/crosscheck.h"

#include "models/analysis/resourcecatalog.h"
#include "models/cluster/apiclient.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <deque>

namespace rbx::cluster {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

} // namespace

std::size_t CrossCheckResult::disagreements() const
{
    std::size_t n = 0;
    for (const auto& s : samples)
        n += s.disagrees() ? 1 : 0;
    return n;
}

std::size_t CrossCheckResult::failures() const
{
    std::size_t n = 0;
    for (const auto& s : samples)
        n += s.server ? 0 : 1;
    return n;
}

std::vector<Request> sampleRequests(const Policy& policy, const UserInfo& user, const std::string& ns, std::size_t max)
{
    static const std::vector<std::string> verbs {"get",    "list",   "watch",  "create",
                                                 "update", "patch",  "delete", "deletecollection"};
    const ResourceCatalog catalog(policy.snapshot());
    std::vector<Request> allowed;
    std::vector<Request> denied;
    auto add = [&](Request r) {
        (policy.authorize(r).allowed ? allowed : denied).push_back(std::move(r));
    };
    for (const auto& t : catalog.types()) {
        std::vector<std::string> subs {""};
        for (const auto& s : t.subresources)
            subs.push_back(s);
        for (const auto& sub : subs)
            for (const auto& verb : verbs) {
                Request r;
                r.user = user;
                r.resource.verb = verb;
                r.resource.group = t.group;
                r.resource.resource = t.plural;
                r.resource.subresource = sub;
                // Cluster-scoped resources are asked without a namespace: a namespaced review of them could be
                // allowed by a RoleBinding although the real request would not be.
                r.resource.ns = t.namespaced ? ns : std::string();
                add(std::move(r));
            }
    }
    for (const auto& verb : {"impersonate"})
        for (const auto* res : {"users", "groups", "serviceaccounts"}) {
            Request r;
            r.user = user;
            r.resource.verb = verb;
            r.resource.resource = res;
            if (std::string(res) == "serviceaccounts")
                r.resource.ns = ns;
            add(std::move(r));
        }
    for (const auto* url : {"/metrics", "/healthz", "/version", "/api", "/logs"}) {
        Request r;
        r.user = user;
        r.resourceRequest = false;
        r.nonResource.path = url;
        r.nonResource.verb = "get";
        add(std::move(r));
    }
    std::vector<Request> out;
    for (auto& r : allowed) {
        if (out.size() >= max / 2 + (denied.empty() ? max : 0))
            break;
        out.push_back(std::move(r));
    }
    // Denied requests: "get" of every resource first (each resource asked at least once), then a spread of the rest.
    std::vector<Request> primary;
    std::vector<Request> rest;
    for (auto& r : denied)
        (r.resourceRequest && r.resource.verb == "get" && r.resource.subresource.empty() ? primary : rest)
            .push_back(std::move(r));
    for (auto& r : primary) {
        if (out.size() >= max)
            break;
        out.push_back(std::move(r));
    }
    const std::size_t room = max > out.size() ? max - out.size() : 0;
    if (room > 0 && !rest.empty()) {
        const double step = std::max(1.0, static_cast<double>(rest.size()) / static_cast<double>(room));
        for (double i = 0; static_cast<std::size_t>(i) < rest.size() && out.size() < max; i += step)
            out.push_back(rest[static_cast<std::size_t>(i)]);
    }
    return out;
}

std::string subjectAccessReviewJson(const Request& request)
{
    QJsonObject spec;
    spec[QStringLiteral("user")] = qs(request.user.name);
    QJsonArray groups;
    for (const auto& g : request.user.groups)
        groups.append(qs(g));
    spec[QStringLiteral("groups")] = groups;
    if (!request.user.uid.empty())
        spec[QStringLiteral("uid")] = qs(request.user.uid);
    if (request.resourceRequest) {
        QJsonObject ra;
        const auto& r = request.resource;
        if (!r.ns.empty())
            ra[QStringLiteral("namespace")] = qs(r.ns);
        ra[QStringLiteral("verb")] = qs(r.verb);
        ra[QStringLiteral("group")] = qs(r.group);
        if (!r.version.empty())
            ra[QStringLiteral("version")] = qs(r.version);
        ra[QStringLiteral("resource")] = qs(r.resource);
        if (!r.subresource.empty())
            ra[QStringLiteral("subresource")] = qs(r.subresource);
        if (!r.name.empty())
            ra[QStringLiteral("name")] = qs(r.name);
        spec[QStringLiteral("resourceAttributes")] = ra;
    } else {
        spec[QStringLiteral("nonResourceAttributes")]
            = QJsonObject {{QStringLiteral("path"), qs(request.nonResource.path)},
                           {QStringLiteral("verb"), qs(request.nonResource.verb)}};
    }
    QJsonObject review;
    review[QStringLiteral("apiVersion")] = QStringLiteral("authorization.k8s.io/v1");
    review[QStringLiteral("kind")] = QStringLiteral("SubjectAccessReview");
    review[QStringLiteral("spec")] = spec;
    return QJsonDocument(review).toJson(QJsonDocument::Compact).toStdString();
}

CrossCheckResult crossCheck(const ConnectionConfig& connection, const Policy& policy,
                            const std::vector<Request>& requests, int concurrency,
                            const std::function<bool()>& canceled)
{
    CrossCheckResult result;
    ApiClient client(connection);
    client.setCanceledCheck(canceled);
    if (const auto e = client.credentialError(); !e.isEmpty()) {
        result.error = e.toStdString();
        return result;
    }
    for (const auto& r : requests) {
        CrossCheckSample s;
        s.request = r;
        const auto d = policy.authorize(r);
        s.ours = d.allowed;
        s.ourReason = d.reason;
        result.samples.push_back(std::move(s));
    }
    QEventLoop loop;
    std::size_t next = 0;
    int inFlight = 0;
    bool stop = false;
    const QString path = QStringLiteral("/apis/authorization.k8s.io/v1/subjectaccessreviews");
    std::function<void()> pump = [&] {
        while (!stop && next < result.samples.size() && inFlight < std::max(1, concurrency)) {
            const std::size_t i = next++;
            ++inFlight;
            client.postAccessReview(path, QByteArray::fromStdString(subjectAccessReviewJson(result.samples[i].request)),
                                    [&, i](const ApiResponse& r) {
                                        --inFlight;
                                        auto& s = result.samples[i];
                                        if (r.transportError || r.status == 401 || r.status == 403) {
                                            if (!stop) {
                                                stop = true;
                                                result.error = r.status == 403
                                                    ? "the server does not allow this user to create "
                                                      "subjectaccessreviews (403): "
                                                        + r.error.toStdString()
                                                    : r.status == 401 ? std::string("authentication failed (401)")
                                                                      : r.error.toStdString();
                                                client.abortAll();
                                            }
                                        } else if (!r.ok()) {
                                            s.error = "HTTP " + std::to_string(r.status) + ' ' + r.error.toStdString();
                                        } else {
                                            const auto st = QJsonDocument::fromJson(r.body)
                                                                .object()
                                                                .value(QStringLiteral("status"))
                                                                .toObject();
                                            s.server = st.value(QStringLiteral("allowed")).toBool();
                                            s.serverDenied = st.value(QStringLiteral("denied")).toBool();
                                            s.serverReason = st.value(QStringLiteral("reason")).toString().toStdString();
                                            const auto ee = st.value(QStringLiteral("evaluationError")).toString();
                                            if (!ee.isEmpty())
                                                s.error = ee.toStdString();
                                        }
                                        pump();
                                        if (inFlight == 0 && (stop || next >= result.samples.size()))
                                            loop.quit();
                                    });
        }
    };
    QTimer poll;
    if (canceled) {
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            if (canceled() && !stop) {
                stop = true;
                result.error = "canceled";
                client.abortAll();
            }
        });
        poll.start(50);
    }
    pump();
    if (inFlight > 0)
        loop.exec();
    result.ok = result.error.empty();
    return result;
}

} // namespace rbx::cluster
