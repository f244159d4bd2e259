// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/tokens.h"

#include "models/analysis/identity.h"
#include "models/analysis/rulematch.h"

#include <QTimeZone>

#include <algorithm>
#include <charconv>
#include <set>

namespace rbx {

// ---- small helpers --------------------------------------------------------------------------------------------

std::optional<QDate> parseLabelDate(std::string_view s)
{
    if (s.size() != 10 || s[4] != '-' || s[7] != '-')
        return std::nullopt;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9')
            return std::nullopt;
    auto num = [&](std::size_t pos, std::size_t len) {
        int v = 0;
        std::from_chars(s.data() + pos, s.data() + pos + len, v);
        return v;
    };
    const QDate d(num(0, 4), num(5, 2), num(8, 2));
    return d.isValid() ? std::optional<QDate>(d) : std::nullopt;
}

std::optional<QDateTime> parseWhen(std::string_view s)
{
    if (auto d = parseLabelDate(s))
        return QDateTime(*d, QTime(0, 0), QTimeZone::utc());
    auto t = QDateTime::fromString(QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())), Qt::ISODate);
    if (!t.isValid())
        return std::nullopt;
    return t.toUTC();
}

namespace {

QDateTime timestamp(const std::string& s)
{
    if (s.empty())
        return {};
    auto t = QDateTime::fromString(QString::fromStdString(s), Qt::ISODate);
    return t.isValid() ? t.toUTC() : QDateTime();
}

std::string labelOrAnnotation(const ObjectMeta& meta, const char* key, bool& fromAnnotation)
{
    if (auto it = meta.labels.find(key); it != meta.labels.end())
        return it->second;
    if (auto it = meta.annotations.find(key); it != meta.annotations.end()) {
        fromAnnotation = true;
        return it->second;
    }
    return {};
}

std::string annotation(const ObjectMeta& meta, const char* key)
{
    auto it = meta.annotations.find(key);
    return it == meta.annotations.end() ? std::string() : it->second;
}

std::string viaText(const PodSecretRef& r)
{
    switch (r.via) {
    case SecretRefVia::Volume:
        return "secret volume " + r.where;
    case SecretRefVia::ProjectedVolume:
        return "projected volume " + r.where;
    case SecretRefVia::Env:
        return "env secretKeyRef in container " + r.where;
    case SecretRefVia::EnvFrom:
        return "envFrom secretRef in container " + r.where;
    case SecretRefVia::ImagePullSecret:
        break;
    }
    return "imagePullSecrets";
}

} // namespace

std::string isoDate(const std::optional<QDate>& d)
{
    return d && d->isValid() ? d->toString(Qt::ISODate).toStdString() : std::string();
}

std::string humanDuration(std::int64_t seconds)
{
    if (seconds < 0)
        seconds = -seconds;
    struct Unit
    {
        std::int64_t size;
        const char* one;
        const char* many;
    };
    static const Unit units[] = {{365 * 86400, " year", " years"}, {86400, " day", " days"}, {3600, " h", " h"},
                                 {60, " min", " min"}, {1, " s", " s"}};
    // The two largest non-zero units: "1 h 7 s" (the kubelet's 3607 s), "1 day 3 h", "2 years 5 days".
    std::string out;
    int parts = 0;
    for (const auto& u : units) {
        if (seconds >= u.size && parts < 2) {
            const auto n = seconds / u.size;
            seconds -= n * u.size;
            out += (out.empty() ? "" : " ") + std::to_string(n) + (n == 1 ? u.one : u.many);
            ++parts;
        }
    }
    return out.empty() ? std::string("0 s") : out;
}

// ---- versions ------------------------------------------------------------------------------------------------

std::optional<KubeVersion> KubeVersion::parse(std::string_view text)
{
    if (!text.empty() && (text.front() == 'v' || text.front() == 'V'))
        text.remove_prefix(1);
    KubeVersion v;
    int* parts[] = {&v.major, &v.minor, &v.patch};
    std::size_t pos = 0;
    int parsed = 0;
    for (int i = 0; i < 3; ++i) {
        const auto* begin = text.data() + pos;
        const auto* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(begin, end, *parts[i]);
        if (ec != std::errc() || ptr == begin) {
            if (i < 2)
                return std::nullopt;
            break;
        }
        pos = static_cast<std::size_t>(ptr - text.data());
        ++parsed;
        if (pos >= text.size() || text[pos] != '.')
            break;
        ++pos;
    }
    if (v.major < 1 || parsed < 2)
        return std::nullopt;
    return v;
}

std::string KubeVersion::text() const
{
    std::string t = 'v' + std::to_string(major) + '.' + std::to_string(minor);
    if (patch)
        t += '.' + std::to_string(patch);
    return t;
}

const std::vector<TokenMilestone>& upstreamTokenMilestones()
{
    // Feature-gate stages from kubernetes-semantics.md §0; dates are the v1.x.0 release tags.
    static const std::vector<TokenMilestone> milestones {
        {QDate(2022, 5, 3),
         "v1.24 released: no more auto-generated token Secrets (LegacyServiceAccountTokenNoAutoGeneration beta, on)",
         "v1.24", false},
        {QDate(2022, 12, 8),
         "v1.26 released: last-use tracking alpha (LegacyServiceAccountTokenTracking, off by default); "
         "no auto-generation GA",
         "v1.26", false},
        {QDate(2023, 4, 11), "v1.27 released: last-use tracking beta, on by default", "v1.27", false},
        {QDate(2023, 8, 15),
         "v1.28 released: last-use tracking GA; legacy-token clean-up alpha (LegacyServiceAccountTokenCleanUp, off "
         "by default)",
         "v1.28", false},
        {QDate(2023, 12, 13), "v1.29 released: legacy-token clean-up beta, on by default", "v1.29", false},
        {QDate(2024, 4, 17), "v1.30 released: legacy-token clean-up GA", "v1.30", false},
    };
    return milestones;
}

ClusterTokenBehaviour behaviourOf(std::optional<KubeVersion> version)
{
    ClusterTokenBehaviour b;
    b.version = version;
    if (!version) {
        b.assumed = true;
        b.notes.push_back("Version unknown: assuming a current release (1.30 or later), where all of the below hold.");
    }
    const auto v = version.value_or(KubeVersion {1, 30, 0});
    auto at = [&](int minor) { return v >= KubeVersion {1, minor, 0}; };
    b.autoGeneration = !at(24);
    b.tracking = at(27);
    b.cleanup = at(29);
    if (b.autoGeneration)
        b.notes.push_back("Before 1.24 the tokens controller creates a never-expiring token Secret for every "
                          "ServiceAccount and lists it in the ServiceAccount's secrets.");
    else
        b.notes.push_back("No token Secrets are generated for ServiceAccounts (from 1.24; "
                          "LegacyServiceAccountTokenNoAutoGeneration, GA in 1.26). Existing ones stay.");
    if (b.tracking)
        b.notes.push_back("The API server records the day each legacy token was last used in the label "
                          "kubernetes.io/legacy-token-last-used (LegacyServiceAccountTokenTracking, beta 1.27, GA 1.28).");
    else if (v.minor == 26 && v.major == 1)
        b.notes.push_back("Last-use tracking is alpha in 1.26: off unless the LegacyServiceAccountTokenTracking gate is "
                          "on, so last-used labels may be missing.");
    else
        b.notes.push_back("No last-use tracking before 1.26: nothing records whether a legacy token is used.");
    if (b.cleanup)
        b.notes.push_back(std::string("The legacy-token cleaner ") + (at(30) ? "(GA in 1.30)" : "(beta in 1.29, on)")
                          + " marks auto-generated tokens unused for a clean-up period as invalid "
                            "(kubernetes.io/legacy-token-invalid-since), then deletes them after a further period. "
                            "Manually created tokens and tokens a pod references are never cleaned.");
    else if (v.major == 1 && v.minor == 28)
        b.notes.push_back("The legacy-token cleaner is alpha in 1.28: off unless the LegacyServiceAccountTokenCleanUp "
                          "gate is on. Nothing is invalidated or deleted automatically.");
    else
        b.notes.push_back("No legacy-token clean-up before 1.28: legacy tokens live until someone deletes them.");
    return b;
}

// ---- grants --------------------------------------------------------------------------------------------------

std::string TokenGrants::summary() const
{
    if (clusterAdmin)
        return "cluster-admin equivalent";
    std::string s;
    for (const auto& c : capabilities)
        s += (s.empty() ? "" : "; ") + c;
    if (!s.empty())
        return s;
    return bindings ? "read-only or narrow access" : "no RBAC bindings of its own";
}

TokenGrants grantsOf(const Policy& policy, const std::string& ns, const std::string& serviceAccount)
{
    TokenGrants g;
    const auto user = impersonate(serviceAccountUsername(ns, serviceAccount), {});
    auto can = [&](const char* verb, const char* group, const char* resource, const char* sub, const std::string& where) {
        Request r;
        r.user = user;
        r.resource = {where, verb, group, "", resource, sub, ""};
        return policy.authorize(r).allowed;
    };
    if (can("*", "*", "*", "", "")) {
        g.clusterAdmin = true;
        g.risk = RiskLevel::Critical;
        g.capabilities.push_back("cluster-admin equivalent");
    }
    enum class Where : std::uint8_t { Cluster, Own, KubeSystem };
    struct Probe
    {
        const char* verb;
        const char* group;
        const char* resource;
        const char* sub;
        Where where; // all namespaces / cluster-scoped, the ServiceAccount's namespace, or kube-system
        RiskLevel risk;
        const char* text;
    };
    static const Probe probes[] = {
        {"get", "", "secrets", "", Where::Cluster, RiskLevel::High, "read Secrets in all namespaces"},
        {"create", "", "pods", "", Where::Cluster, RiskLevel::High, "create pods in all namespaces"},
        {"create", "", "pods", "", Where::KubeSystem, RiskLevel::High, "create pods in kube-system"},
        {"create", "", "serviceaccounts", "token", Where::Cluster, RiskLevel::High, "create tokens for any ServiceAccount"},
        {"impersonate", "", "users", "", Where::Cluster, RiskLevel::High, "impersonate users"},
        {"impersonate", "", "serviceaccounts", "", Where::Cluster, RiskLevel::High, "impersonate ServiceAccounts"},
        {"escalate", "rbac.authorization.k8s.io", "clusterroles", "", Where::Cluster, RiskLevel::High, "escalate ClusterRoles"},
        {"bind", "rbac.authorization.k8s.io", "clusterroles", "", Where::Cluster, RiskLevel::High, "bind ClusterRoles"},
        {"create", "rbac.authorization.k8s.io", "clusterrolebindings", "", Where::Cluster, RiskLevel::High,
         "create ClusterRoleBindings"},
        {"create", "", "pods", "exec", Where::Cluster, RiskLevel::High, "exec into any pod"},
        {"get", "", "nodes", "proxy", Where::Cluster, RiskLevel::High, "nodes/proxy"},
        {"patch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", Where::Cluster, RiskLevel::High,
         "change mutating webhooks"},
        {"get", "", "secrets", "", Where::Own, RiskLevel::Medium, "read Secrets in its namespace"},
        {"create", "", "pods", "", Where::Own, RiskLevel::Medium, "create pods in its namespace"},
        {"create", "", "pods", "exec", Where::Own, RiskLevel::Medium, "exec into pods in its namespace"},
        {"create", "", "serviceaccounts", "token", Where::Own, RiskLevel::Medium, "create tokens in its namespace"},
        {"create", "rbac.authorization.k8s.io", "rolebindings", "", Where::Own, RiskLevel::Medium,
         "create RoleBindings in its namespace"},
        {"update", "apps", "deployments", "", Where::Own, RiskLevel::Medium, "change Deployments in its namespace"},
        {"list", "", "pods", "", Where::Own, RiskLevel::Low, "list pods"},
        {"get", "", "configmaps", "", Where::Own, RiskLevel::Low, "read ConfigMaps"},
    };
    auto scope = [&](Where w) {
        return w == Where::Cluster ? std::string() : w == Where::Own ? ns : std::string("kube-system");
    };
    if (!g.clusterAdmin) {
        for (const auto& p : probes) {
            if (p.where == Where::Own && ns == "kube-system" && std::string_view(p.text) == "create pods in its namespace")
                continue; // the kube-system probe says it, as high
            if (!can(p.verb, p.group, p.resource, p.sub, scope(p.where)))
                continue;
            // A cluster-wide grant also holds in every namespace: report the widest one only.
            if (p.where != Where::Cluster
                && can(p.verb, p.group, p.resource, p.sub, std::string()))
                continue;
            g.capabilities.emplace_back(p.text);
            g.risk = std::max(g.risk, p.risk);
        }
    }
    const auto& s = policy.snapshot();
    for (const auto& b : s.bindings)
        for (const auto& subj : b.subjects)
            if (subj.kind == "ServiceAccount" && subj.name == serviceAccount
                && (subj.ns.empty() ? b.meta.ns : subj.ns) == ns) {
                ++g.bindings;
                break;
            }
    if (g.risk == RiskLevel::None && g.bindings > 0)
        g.risk = RiskLevel::Low;
    return g;
}

// ---- names ---------------------------------------------------------------------------------------------------

const char* tokenStateName(TokenState s)
{
    switch (s) {
    case TokenState::Active:
        return "active";
    case TokenState::Stale:
        return "stale";
    case TokenState::NeverUsed:
        return "never-used";
    case TokenState::Invalidated:
        return "invalidated";
    case TokenState::Orphaned:
        return "orphaned";
    case TokenState::Projected:
        break;
    }
    return "projected";
}

std::optional<TokenState> tokenStateFromName(std::string_view name)
{
    for (auto s : kTokenStates)
        if (name == tokenStateName(s))
            return s;
    return std::nullopt;
}

const char* riskName(RiskLevel r)
{
    switch (r) {
    case RiskLevel::None:
        return "none";
    case RiskLevel::Low:
        return "low";
    case RiskLevel::Medium:
        return "medium";
    case RiskLevel::High:
        return "high";
    case RiskLevel::Critical:
        break;
    }
    return "critical";
}

std::optional<RiskLevel> riskFromName(std::string_view name)
{
    for (auto r : {RiskLevel::None, RiskLevel::Low, RiskLevel::Medium, RiskLevel::High, RiskLevel::Critical})
        if (name == riskName(r))
            return r;
    return std::nullopt;
}

std::string tokenKindLabel(const TokenRecord& t)
{
    if (t.kind == TokenKind::Projected)
        return "projected";
    if (t.state == TokenState::Orphaned)
        return "orphan";
    return t.autoGenerated ? "auto" : "manual";
}

// ---- the cleaner ---------------------------------------------------------------------------------------------

QDate firstCleanerRun(const QDate& trackingSince, int periodDays)
{
    // latestPossibleTrackedSinceTime is since + 1 day; the cleaner waits a full period after it.
    return trackingSince.addDays(1 + periodDays);
}

CleanerProjection projectCleaner(const CleanerInput& in)
{
    CleanerProjection p;
    const auto invalid = in.invalidSinceLabel ? parseLabelDate(*in.invalidSinceLabel) : std::nullopt;
    if (invalid)
        p.invalidSince = invalid;
    auto skip = [&](std::string reason) {
        p.skipReason = std::move(reason);
        return p;
    };
    if (!in.cleanupEnabled)
        return skip("the cluster's version does not run the legacy-token cleaner");
    if (!in.hasNameAnnotation)
        return skip("it has no kubernetes.io/service-account.name annotation");
    if (!in.serviceAccountFound)
        return skip("its ServiceAccount is missing or has another UID");
    if (!in.listedInServiceAccount)
        return skip("it was created manually (not listed in the ServiceAccount's secrets)");
    if (in.referencedByPod)
        return skip("a pod references it");
    std::optional<QDate> lastUsed;
    if (in.lastUsedLabel) {
        lastUsed = parseLabelDate(*in.lastUsedLabel);
        if (!lastUsed)
            return skip("its last-used label is not a date");
    }
    if (!in.trackingSince)
        return skip("the tracking start date is unknown (no tracking ConfigMap)");
    p.eligible = true;
    const int period = in.periodDays;
    // Each condition as the first day D whose run satisfies it:
    //   now >= since + 1 day + P;  created < now - P;  lastUsed < (now - P) as a date.
    QDate due = firstCleanerRun(*in.trackingSince, period);
    if (in.created.isValid())
        due = std::max(due, in.created.toUTC().date().addDays(period));
    if (lastUsed)
        due = std::max(due, lastUsed->addDays(1 + period));
    QDate invalidDay;
    if (invalid) {
        invalidDay = *invalid;
    } else {
        p.invalidSinceProjected = true;
        if (due < in.today) {
            p.overdue = true;
            p.dueSince = due;
            invalidDay = in.today;
        } else {
            invalidDay = due;
        }
        p.invalidSince = invalidDay;
    }
    // Deletion: every check above still holds, and invalid-since < (now - P) as a date.
    QDate deletion = std::max(due, invalidDay.addDays(1 + period));
    if (invalid && deletion < in.today) {
        p.overdue = true;
        p.dueSince = deletion;
        deletion = in.today;
    }
    p.deletion = deletion;
    return p;
}

// ---- the inventory -------------------------------------------------------------------------------------------

std::map<TokenState, std::size_t> TokenInventory::countByState() const
{
    std::map<TokenState, std::size_t> out;
    for (auto s : kTokenStates)
        out[s] = 0;
    for (const auto& t : tokens)
        ++out[t.state];
    return out;
}

std::size_t TokenInventory::mountedLegacyCount() const
{
    return static_cast<std::size_t>(std::count_if(tokens.begin(), tokens.end(), [](const TokenRecord& t) {
        return t.kind == TokenKind::Legacy && t.mounted;
    }));
}

std::map<std::string, std::map<TokenState, std::size_t>> TokenInventory::countByNamespace() const
{
    std::map<std::string, std::map<TokenState, std::size_t>> out;
    for (const auto& t : tokens)
        ++out[t.ns][t.state];
    return out;
}

namespace {

struct NewestDate
{
    QDateTime when;
    std::string what;

    void offer(const QDateTime& t, const std::string& description)
    {
        if (t.isValid() && (!when.isValid() || t > when)) {
            when = t;
            what = description;
        }
    }
};

std::string describeNext(const TokenRecord& t, const ClusterTokenBehaviour& cluster)
{
    const auto& c = t.cleaner;
    if (t.state == TokenState::Orphaned) {
        if (!t.serviceAccountExists && t.serviceAccount.empty())
            return "Not a usable token: no kubernetes.io/service-account.name annotation.";
        return "Orphaned: ServiceAccount " + t.ns + '/' + t.serviceAccount
            + (t.uidMismatch ? " now has another UID" : " is gone")
            + ", so the token cannot authenticate; the tokens controller deletes such Secrets when it next syncs.";
    }
    std::string why = c.skipReason;
    if (t.mounted && !t.mountedBy.empty() && why == "a pod references it") {
        std::size_t i = 0; // name a pod if one references it, else the pod template
        while (i + 1 < t.mountedBy.size() && t.mountedBy[i].kind != "Pod")
            ++i;
        if (t.mountedBy[i].kind != "Pod")
            i = 0;
        const auto& m = t.mountedBy[i];
        why = m.kind + ' ' + m.ns + '/' + m.name + " references it (" + t.mountedVia[i] + ')'
            + (t.referencedByPod ? "" : ", and the pods it creates block the cleaner");
    }
    if (!t.invalidSinceRaw.empty()) {
        std::string text = "Invalid since " + (t.invalidSince ? isoDate(t.invalidSince) : '"' + t.invalidSinceRaw + '"')
            + ": the API server rejects it (401). ";
        if (c.eligible && c.deletion)
            return text + (c.overdue ? "Due for deletion now (since " + isoDate(c.dueSince) + ")."
                                     : "Deleted on or after " + isoDate(c.deletion) + " if it stays unused.");
        return text + "Never deleted automatically: " + why + ". Remove the label to re-enable it, or delete the Secret.";
    }
    if (c.eligible && c.invalidSince) {
        std::string text = c.overdue
            ? "Due for invalidation now (since " + isoDate(c.dueSince) + "): the cleaner marks it at its next run"
            : "Marked invalid on " + isoDate(c.invalidSince) + " unless used before";
        return text + ", then deleted on or after " + isoDate(c.deletion) + '.';
    }
    (void)cluster;
    return "Never cleaned automatically: " + why + ". It never expires.";
}

} // namespace

std::string shortNext(const TokenRecord& t)
{
    if (t.kind == TokenKind::Projected)
        return t.extended ? "rotated; JWT valid 1 year" : "rotated by the kubelet";
    if (t.state == TokenState::Orphaned)
        return "deleted by the tokens controller";
    const auto& c = t.cleaner;
    if (!c.eligible) {
        if (t.referencedByPod || t.mounted)
            return "never (mounted)";
        if (!t.autoGenerated)
            return "never (manual)";
        return "never";
    }
    if (!t.invalidSinceRaw.empty())
        return "delete " + isoDate(c.deletion) + (c.overdue ? " (due)" : "");
    return "invalid " + isoDate(c.invalidSince) + (c.overdue ? " (due)" : "") + ", delete " + isoDate(c.deletion);
}

TokenInventory tokenInventory(const Policy& policy, const TokenOptions& options)
{
    const auto& s = policy.snapshot();
    TokenInventory inv;
    inv.cleanupPeriodDays = options.cleanupPeriodDays;
    inv.activeDays = options.activeDays;

    // Today: given, else the newest timestamp or date the snapshot holds, else the clock.
    if (options.now) {
        inv.now = options.now->toUTC();
        inv.nowSource = "given";
    } else {
        NewestDate newest;
        auto offerMeta = [&](const char* kind, const ObjectMeta& m) {
            newest.offer(timestamp(m.creationTimestamp),
                         std::string("creationTimestamp of ") + kind + ' ' + (m.ns.empty() ? "" : m.ns + '/') + m.name);
        };
        for (const auto& o : s.namespaces)
            offerMeta("Namespace", o.meta);
        for (const auto& o : s.serviceAccounts)
            offerMeta("ServiceAccount", o.meta);
        for (const auto& o : s.roles)
            offerMeta(o.cluster ? "ClusterRole" : "Role", o.meta);
        for (const auto& o : s.bindings)
            offerMeta(o.cluster ? "ClusterRoleBinding" : "RoleBinding", o.meta);
        for (const auto& o : s.workloads)
            offerMeta(o.kind.c_str(), o.meta);
        for (const auto& o : s.nodes)
            offerMeta("Node", o.meta);
        for (const auto& o : s.crds)
            offerMeta("CustomResourceDefinition", o.meta);
        for (const auto& o : s.secrets) {
            offerMeta("Secret", o.meta);
            for (const char* key : {kLastUsedLabel, kInvalidSinceLabel}) {
                bool fromAnnotation = false;
                if (auto d = parseLabelDate(labelOrAnnotation(o.meta, key, fromAnnotation)))
                    newest.offer(QDateTime(*d, QTime(0, 0), QTimeZone::utc()),
                                 std::string(key) + " of Secret " + o.meta.ns + '/' + o.meta.name);
            }
        }
        if (newest.when.isValid()) {
            inv.now = newest.when;
            inv.nowSource = "newest date in the snapshot: " + newest.what;
        } else {
            inv.now = QDateTime::currentDateTimeUtc();
            inv.nowSource = "the clock: the snapshot holds no dates";
        }
    }
    const QDate today = inv.today();

    if (options.trackingSince) {
        inv.trackingSince = options.trackingSince;
        inv.trackingSource = "given";
    } else if (s.tokenTracking) {
        inv.trackingSince = parseLabelDate(s.tokenTracking->since);
        inv.trackingSource = inv.trackingSince
            ? std::string("ConfigMap kube-system/kube-apiserver-legacy-service-account-token-tracking")
            : "the tracking ConfigMap's since is not a date: \"" + s.tokenTracking->since + '"';
    } else {
        inv.trackingSource = "unknown: the tracking ConfigMap is not in the snapshot";
    }
    if (inv.trackingSince)
        inv.firstCleanerRun = firstCleanerRun(*inv.trackingSince, inv.cleanupPeriodDays);

    // The cluster's version: given, else the newest kubelet (the control plane is at least as new).
    std::optional<KubeVersion> version = options.version;
    std::string versionSource = options.version ? "given" : "";
    if (!version) {
        std::string node;
        for (const auto& n : s.nodes)
            if (auto v = KubeVersion::parse(n.kubeletVersion); v && (!version || *v > *version)) {
                version = v;
                node = n.meta.name;
            }
        if (version)
            versionSource = "the newest kubelet version (Node " + node + "); the control plane runs at least this";
    }
    inv.cluster = behaviourOf(version);
    if (version) {
        inv.cluster.versionSource = versionSource;
    } else {
        bool invalidLabels = false;
        bool usedLabels = s.tokenTracking.has_value();
        for (const auto& o : s.secrets) {
            bool a = false;
            invalidLabels = invalidLabels || !labelOrAnnotation(o.meta, kInvalidSinceLabel, a).empty();
            usedLabels = usedLabels || !labelOrAnnotation(o.meta, kLastUsedLabel, a).empty();
        }
        if (invalidLabels)
            inv.cluster.atLeast = KubeVersion {1, 28, 0};
        else if (usedLabels)
            inv.cluster.atLeast = KubeVersion {1, 26, 0};
        inv.cluster.versionSource = "unknown (no Node kubeletVersion in the snapshot); assuming a current release";
        if (invalidLabels)
            inv.cluster.versionSource += "; invalid-since labels show the cleaner has run (1.28 or later)";
        else if (usedLabels)
            inv.cluster.versionSource += "; last-use tracking is on (1.26 or later)";
    }

    std::map<std::pair<std::string, std::string>, TokenGrants> grantsCache;
    auto grantsFor = [&](const std::string& ns, const std::string& sa) -> const TokenGrants& {
        auto [it, inserted] = grantsCache.try_emplace({ns, sa});
        if (inserted)
            it->second = grantsOf(policy, ns, sa);
        return it->second;
    };

    // Who references which Secret: (namespace, Secret) -> the first reference of each pod or pod template.
    std::map<std::pair<std::string, std::string>, std::vector<std::pair<const Workload*, const PodSecretRef*>>> refs;
    for (const auto& w : s.workloads) {
        std::set<std::string> seen;
        for (const auto& r : w.pod.secretRefs)
            if (seen.insert(r.secretName).second)
                refs[{w.meta.ns, r.secretName}].emplace_back(&w, &r);
    }

    // Legacy tokens.
    std::vector<TokenRecord> legacy;
    for (const auto& secret : s.secrets) {
        if (secret.type != kServiceAccountTokenType)
            continue;
        TokenRecord t;
        t.kind = TokenKind::Legacy;
        t.ns = secret.meta.ns;
        t.name = secret.meta.name;
        t.secretUid = secret.meta.uid;
        t.created = timestamp(secret.meta.creationTimestamp);
        t.serviceAccount = annotation(secret.meta, "kubernetes.io/service-account.name");
        const auto uidAnnotation = annotation(secret.meta, "kubernetes.io/service-account.uid");
        t.fingerprint = secret.token ? secret.token->sha256 : std::string();
        bool fromAnnotation = false;
        t.lastUsedRaw = labelOrAnnotation(secret.meta, kLastUsedLabel, fromAnnotation);
        t.invalidSinceRaw = labelOrAnnotation(secret.meta, kInvalidSinceLabel, fromAnnotation);
        t.labelsFromAnnotations = fromAnnotation;
        t.lastUsed = parseLabelDate(t.lastUsedRaw);
        t.invalidSince = parseLabelDate(t.invalidSinceRaw);
        const auto* sa = t.serviceAccount.empty() ? nullptr : s.findServiceAccount(t.ns, t.serviceAccount);
        t.uidMismatch = sa && !uidAnnotation.empty() && !sa->meta.uid.empty() && uidAnnotation != sa->meta.uid;
        t.serviceAccountExists = sa && !t.uidMismatch;
        if (sa)
            t.autoGenerated = std::find(sa->secrets.begin(), sa->secrets.end(), t.name) != sa->secrets.end();
        if (auto it = refs.find({t.ns, t.name}); it != refs.end())
            for (const auto& [w, r] : it->second) {
                t.mountedBy.push_back({w->kind, w->meta.ns, w->meta.name});
                t.mountedVia.push_back(viaText(*r));
                t.referencedByPod = t.referencedByPod || w->kind == "Pod";
            }
        t.mounted = !t.mountedBy.empty();
        CleanerInput in;
        in.created = t.created;
        if (!t.lastUsedRaw.empty())
            in.lastUsedLabel = t.lastUsedRaw;
        if (!t.invalidSinceRaw.empty())
            in.invalidSinceLabel = t.invalidSinceRaw;
        in.hasNameAnnotation = !t.serviceAccount.empty();
        in.serviceAccountFound = t.serviceAccountExists;
        in.listedInServiceAccount = t.autoGenerated;
        // The cleaner lists pods; a pod template that references the Secret stands for the pods it creates.
        in.referencedByPod = t.mounted;
        in.trackingSince = inv.trackingSince;
        in.cleanupEnabled = inv.cluster.cleanup;
        in.today = today;
        in.periodDays = inv.cleanupPeriodDays;
        t.cleaner = projectCleaner(in);
        if (!t.serviceAccountExists)
            t.state = TokenState::Orphaned;
        else if (!t.invalidSinceRaw.empty())
            t.state = TokenState::Invalidated;
        else if (t.lastUsed)
            t.state = t.lastUsed->daysTo(today) <= inv.activeDays ? TokenState::Active : TokenState::Stale;
        else if (!t.lastUsedRaw.empty())
            t.state = TokenState::Stale;
        else
            t.state = TokenState::NeverUsed;
        if (!t.serviceAccount.empty())
            t.grants = grantsFor(t.ns, t.serviceAccount);
        t.next = describeNext(t, inv.cluster);
        legacy.push_back(std::move(t));
    }
    std::sort(legacy.begin(), legacy.end(), [](const TokenRecord& a, const TokenRecord& b) {
        return std::tie(a.ns, a.name) < std::tie(b.ns, b.name);
    });

    // Projected tokens, per pod and pod template.
    std::vector<TokenRecord> projected;
    for (const auto& w : s.workloads) {
        for (const auto& pt : w.pod.projectedTokens) {
            TokenRecord t;
            t.kind = TokenKind::Projected;
            t.state = TokenState::Projected;
            t.ns = w.meta.ns;
            t.serviceAccount = w.pod.serviceAccountName.empty() ? std::string("default") : w.pod.serviceAccountName;
            t.name = w.kind + '/' + w.meta.name;
            t.created = timestamp(w.meta.creationTimestamp);
            t.mounted = true;
            t.mountedBy.push_back({w.kind, w.meta.ns, w.meta.name});
            t.mountedVia.push_back("projected volume " + pt.volume);
            t.volume = pt.volume;
            t.audience = pt.audience;
            t.path = pt.path;
            t.expirationDefaulted = !pt.expirationSeconds.has_value();
            t.expirationSeconds = pt.expirationSeconds.value_or(3600);
            t.extended = t.expirationSeconds == 3607 && t.audience.empty();
            t.serviceAccountExists = s.findServiceAccount(t.ns, t.serviceAccount) != nullptr;
            t.grants = grantsFor(t.ns, t.serviceAccount);
            t.next = "The kubelet requests a fresh token at 80% of " + humanDuration(t.expirationSeconds)
                + " or after 24 h, bound to the pod; it dies with the pod.";
            if (t.extended)
                t.next += " Requested for 3607 s, so the JWT's exp is a year after issue (extended expiration); the "
                          "API server flags it as stale after 1 h 7 s.";
            if (!t.serviceAccountExists)
                t.next += " Its ServiceAccount is missing: new pods would be rejected.";
            projected.push_back(std::move(t));
        }
    }
    std::sort(projected.begin(), projected.end(), [](const TokenRecord& a, const TokenRecord& b) {
        return std::tie(a.ns, a.name, a.volume) < std::tie(b.ns, b.name, b.volume);
    });
    inv.tokens = std::move(legacy);
    inv.tokens.insert(inv.tokens.end(), std::make_move_iterator(projected.begin()),
                      std::make_move_iterator(projected.end()));

    // Milestones: upstream releases that changed legacy tokens, then this cluster's dates.
    inv.milestones = upstreamTokenMilestones();
    if (inv.trackingSince)
        inv.milestones.push_back({*inv.trackingSince, "tracking since " + isoDate(inv.trackingSince), "tracking", true});
    if (inv.firstCleanerRun && inv.cluster.cleanup)
        inv.milestones.push_back(
            {*inv.firstCleanerRun, "first clean-up run " + isoDate(inv.firstCleanerRun), "1st clean-up", true});
    inv.milestones.push_back({today, "today " + isoDate(today), "today", true});
    return inv;
}

// ---- filtering and export ------------------------------------------------------------------------------------

bool TokenFilter::validState(std::string_view state)
{
    return state.empty() || state == "mounted" || state == "unmounted" || state == "legacy"
        || tokenStateFromName(state).has_value();
}

bool TokenFilter::accepts(const TokenRecord& t) const
{
    if (!ns.empty() && t.ns != ns)
        return false;
    if (kind && t.kind != *kind)
        return false;
    if (mounted && t.mounted != *mounted)
        return false;
    if (t.grants.risk < minRisk)
        return false;
    if (state.empty())
        return true;
    if (state == "mounted")
        return t.kind == TokenKind::Legacy && t.mounted;
    if (state == "unmounted")
        return t.kind == TokenKind::Legacy && !t.mounted;
    if (state == "legacy")
        return t.kind == TokenKind::Legacy;
    return state == tokenStateName(t.state);
}

namespace {

std::string csvField(const std::string& v)
{
    if (v.find_first_of(",\"\n\r") == std::string::npos)
        return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + '"';
}

} // namespace

std::string tokensCsv(const TokenInventory& inv, const std::vector<const TokenRecord*>& rows)
{
    (void)inv;
    std::string text = "kind,namespace,serviceAccount,name,state,mounted,created,lastUsed,invalidSince,"
                       "projectedInvalidSince,projectedDeletion,serviceAccountExists,risk,clusterAdmin,grants,"
                       "mountedBy,audience,expirationSeconds,path,fingerprint,next\n";
    for (const auto* t : rows) {
        std::string mountedBy;
        for (std::size_t i = 0; i < t->mountedBy.size(); ++i)
            mountedBy += (i ? "; " : "") + t->mountedBy[i].kind + ' ' + t->mountedBy[i].name;
        const bool projectedInvalid = t->cleaner.eligible && t->cleaner.invalidSinceProjected;
        const std::vector<std::string> fields {
            tokenKindLabel(*t),
            t->ns,
            t->serviceAccount,
            t->name,
            tokenStateName(t->state),
            t->mounted ? "true" : "false",
            t->created.isValid() ? t->created.toString(Qt::ISODate).toStdString() : std::string(),
            t->lastUsed ? isoDate(t->lastUsed) : t->lastUsedRaw,
            t->invalidSince ? isoDate(t->invalidSince) : t->invalidSinceRaw,
            projectedInvalid ? isoDate(t->cleaner.invalidSince) : std::string(),
            t->cleaner.eligible ? isoDate(t->cleaner.deletion) : std::string(),
            t->serviceAccountExists ? "true" : "false",
            riskName(t->grants.risk),
            t->grants.clusterAdmin ? "true" : "false",
            t->grants.summary(),
            mountedBy,
            t->audience,
            t->kind == TokenKind::Projected ? std::to_string(t->expirationSeconds) : std::string(),
            t->path,
            t->fingerprint,
            t->next,
        };
        for (std::size_t i = 0; i < fields.size(); ++i)
            text += (i ? "," : "") + csvField(fields[i]);
        text += '\n';
    }
    return text;
}

} // namespace rbx
