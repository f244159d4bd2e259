// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/findings.h"

#include "models/analysis/explain.h"
#include "models/analysis/identity.h"
#include "models/analysis/resourcecatalog.h"
#include "models/analysis/rulematch.h"
#include "models/analysis/subjects.h"

#include <QDate>
#include <QDateTime>
#include <QString>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace rbx {

namespace {

const char* kTokenType = "kubernetes.io/service-account-token";

std::string lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

const char* severityName(Severity s)
{
    switch (s) {
    case Severity::Critical:
        return "critical";
    case Severity::High:
        return "high";
    case Severity::Medium:
        return "medium";
    case Severity::Low:
        return "low";
    case Severity::Info:
        break;
    }
    return "info";
}

std::optional<Severity> parseSeverity(std::string_view name)
{
    const auto n = lower(name);
    for (auto s : {Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical})
        if (n == severityName(s))
            return s;
    return std::nullopt;
}

const std::vector<FindingRule>& findingRules()
{
    static const std::vector<FindingRule> rules {
        {"RBX-SA-001", "DefaultServiceAccountAutomount", "Default ServiceAccount mounts its token", Severity::Low, 2,
         "Every pod that names no ServiceAccount runs as its namespace's default ServiceAccount. While that "
         "ServiceAccount leaves automountServiceAccountToken unset (or true), each such pod receives an API token "
         "whether it needs one or not, and whatever RBAC the default ServiceAccount collects over time goes to all "
         "of them.",
         "1. List the pods that run as the default ServiceAccount here and check which of them call the API.\n"
         "2. Give those a dedicated ServiceAccount (or, for now, an explicit automountServiceAccountToken: true in "
         "their pod template).\n"
         "3. Set automountServiceAccountToken: false on the default ServiceAccount.\n"
         "4. Keep it off in new namespaces with an admission policy (the Kyverno ClusterPolicy fix)."},
        {"RBX-SA-002", "DefaultServiceAccountBound", "Default ServiceAccount holds RBAC permissions", Severity::Medium,
         1,
         "A binding to the default ServiceAccount gives its permissions to every pod of the namespace that names no "
         "ServiceAccount, including pods added later by anyone who can create pods there. A compromise of any one of "
         "them exposes the lot.",
         "1. Find the workloads that really use the permission (audit log: user system:serviceaccount:NS:default).\n"
         "2. Create a dedicated ServiceAccount for each of them and bind the permission there.\n"
         "3. Remove the default ServiceAccount from the binding.\n"
         "4. This is configuration hygiene, not an incident, unless the permissions are high: then check the audit "
         "log for their use as you would for a leaked token."},
        {"RBX-SA-003", "ServiceAccountAutomount", "ServiceAccount mounts its token into every pod", Severity::Low, 3,
         "A ServiceAccount that leaves automountServiceAccountToken on hands a token to every pod that runs as it. "
         "Turning it off on the ServiceAccount and opting pods in one by one adds a second safeguard: a pod that "
         "names this ServiceAccount by mistake still gets no token.",
         "1. Set automountServiceAccountToken: false on the ServiceAccount.\n"
         "2. In the pod templates that call the API, set automountServiceAccountToken: true (the pod's setting wins "
         "over the ServiceAccount's).\n"
         "3. Roll the workloads out: running pods keep the token they were admitted with until they are replaced."},
        {"RBX-WL-001", "WorkloadUsesDefaultServiceAccount", "Workload runs as the default ServiceAccount",
         Severity::Medium, 1,
         "The pods of this workload name no ServiceAccount, so they share the namespace's default identity with every "
         "other such pod. Their permissions cannot be narrowed without touching the others, and a compromise of one "
         "reaches what all of them can do.",
         "1. Create a ServiceAccount named after the workload, with automountServiceAccountToken: false.\n"
         "2. Point the pod template at it (serviceAccountName); opt in to a token only if the workload calls the "
         "API.\n"
         "3. Bind the new ServiceAccount to what the workload needs and nothing else.\n"
         "4. Roll out and check that the pods start and work."},
        {"RBX-WL-002", "TokenWithoutApiUse", "Token mounted into pods that show no API use", Severity::Low, 3,
         "These pods receive a ServiceAccount token (the pod's automountServiceAccountToken decides, else the "
         "ServiceAccount's, else it is on), yet nothing shows that they call the Kubernetes API: no explicit opt-in "
         "and no RBAC grant to their ServiceAccount. The token is of no use to the application and of use to anyone "
         "who breaks into the container.",
         "1. Confirm the application does not talk to the API server (no client library, no in-cluster config).\n"
         "2. Set automountServiceAccountToken: false in the pod template.\n"
         "3. Roll out. If the application fails, it needed the token: opt back in explicitly and grant its "
         "ServiceAccount what it uses."},
        {"RBX-TOK-001", "LegacyTokenInUse", "Legacy ServiceAccount token in use", Severity::Medium, 4,
         "A Secret of type kubernetes.io/service-account-token holds a token that never expires, is bound to no pod "
         "and stays valid until the Secret is deleted. The API server recorded its use recently, so something still "
         "relies on it.",
         "1. Find the holder: pods that reference the Secret (evidence), CI systems, kubeconfigs.\n"
         "2. Pods: replace the Secret volume by a projected serviceAccountToken volume. External systems: request "
         "short-lived tokens instead (kubectl create token, the TokenRequest API).\n"
         "3. Watch the kubernetes.io/legacy-token-last-used label stop moving.\n"
         "4. Delete the Secret."},
        {"RBX-TOK-002", "LegacyTokenStale", "Stale legacy ServiceAccount token", Severity::Medium, 4,
         "This never-expiring token has not been used for a long time (or it was invalidated, or its ServiceAccount "
         "is gone). Deleting it costs nothing and removes a credential that stays valid forever if it ever leaks. "
         "The token cleaner never deletes manually created token Secrets.",
         "1. Check that no pod references the Secret (evidence).\n"
         "2. Review the kubectl delete command of the remediation and run it.\n"
         "3. If something breaks, its owner should move to short-lived tokens rather than get the Secret back."},
        {"RBX-TOK-003", "LegacyTokenMounted", "Pods use a legacy ServiceAccount token", Severity::High, 4,
         "Pods reference a legacy token Secret directly (a secret volume, a projected secret or the environment). The "
         "token never expires, works outside the pod, and the reference keeps the Secret away from the cleaner.",
         "1. Replace the secret volume by a projected volume with a serviceAccountToken source (plus ca.crt and "
         "namespace) under the same volume name, so the mount path stays.\n"
         "2. For environment references, change the application to read the token file.\n"
         "3. Roll out, then delete the Secret."},
        {"RBX-TOK-004", "LongLivedCloudToken", "Cloud identity token valid for more than an hour", Severity::Low, 5,
         "Pods of this ServiceAccount receive a projected token for cloud identity federation that stays valid for "
         "more than an hour (the EKS pod identity webhook issues 24-hour tokens unless told otherwise). A shorter "
         "lifetime narrows the window in which a stolen token works; the kubelet refreshes it in time.",
         "1. Check that the application's SDK re-reads the token file (current AWS SDKs do).\n"
         "2. Set the annotation eks.amazonaws.com/token-expiration: \"3600\" on the ServiceAccount.\n"
         "3. Restart the pods so that the webhook injects the shorter lifetime."},
        {"RBX-RBAC-001", "ClusterAdminServiceAccount", "ServiceAccount is cluster-admin", Severity::Critical, 7,
         "The ServiceAccount can do anything to any resource in any namespace: it is bound to cluster-admin, or to a "
         "role with * verbs on * resources in * API groups, cluster-wide. Its token is the cluster.",
         "1. Find out what the workload really does (audit log for its user name).\n"
         "2. Grant that with a role of its own, in the namespaces it works in.\n"
         "3. Remove the cluster-wide binding.\n"
         "4. Its token may have leaked already: check the audit log for unexpected use and for bindings it created."},
        {"RBX-RBAC-002", "WildcardGrant", "Role with wildcards bound to ServiceAccounts", Severity::High, 7,
         "A rule with * in verbs, resources or API groups grants everything that exists and everything added later: "
         "new custom resources, new subresources, and the escalation verbs bind, escalate and impersonate.",
         "1. Work out which resources and verbs the ServiceAccounts need (audit log, the application's "
         "documentation).\n"
         "2. Replace each wildcard by an explicit list. The fix proposes the resource types this cluster serves, "
         "without the escalation verbs and subresources, as a starting point to cut down further.\n"
         "3. Apply, then watch the workload's logs for Forbidden errors."},
        {"RBX-RBAC-003", "ReadSecretsClusterWide", "ServiceAccount can read Secrets in every namespace", Severity::High,
         7,
         "get, list or watch on secrets through a ClusterRoleBinding returns every Secret of the cluster: other "
         "ServiceAccounts' legacy tokens, TLS keys, registry and cloud credentials. list and watch return the "
         "payloads as well.",
         "1. Find out which Secrets the workload reads.\n"
         "2. Grant those with RoleBindings in their namespaces, or a role with resourceNames.\n"
         "3. Remove the cluster-wide grant."},
        {"RBX-RBAC-004", "ReadSecretsInNamespace", "ServiceAccount can read Secrets in a namespace", Severity::Medium,
         7,
         "get, list or watch on secrets in a namespace exposes every Secret there, legacy tokens of more powerful "
         "ServiceAccounts included.",
         "1. Check whether the workload reads Secrets at all; if it reads a few, restrict the rule with "
         "resourceNames.\n"
         "2. Otherwise remove the ServiceAccount from the binding."},
        {"RBX-ESC-001", "CreateWorkloads", "ServiceAccount can create pods or workloads", Severity::High, 7,
         "Creating a pod, directly or through a Deployment, Job, DaemonSet and the like, lets the ServiceAccount run "
         "code as any ServiceAccount of that namespace and mount any of its Secrets: admission only checks that the "
         "named ServiceAccount exists. In kube-system that includes controllers that hold bind and escalate.",
         "1. Confirm the workload deploys things on purpose (CI, operators).\n"
         "2. Limit it to the namespaces it deploys to, never kube-system.\n"
         "3. Enforce Pod Security (baseline or restricted) there and consider an admission policy on "
         "serviceAccountName."},
        {"RBX-ESC-002", "CreateServiceAccountTokens", "ServiceAccount can mint tokens for other ServiceAccounts",
         Severity::High, 7,
         "create on serviceaccounts/token issues tokens for any ServiceAccount in reach, up to the maximum lifetime, "
         "so the holder can act as each of them.",
         "1. Restrict the rule to the ServiceAccounts it must mint tokens for (resourceNames).\n"
         "2. Otherwise remove it."},
        {"RBX-ESC-003", "CreateSecrets", "ServiceAccount can create Secrets", Severity::High, 7,
         "A new Secret of type kubernetes.io/service-account-token that names any ServiceAccount of the namespace is "
         "filled by the token controller with a token that never expires. RBAC cannot restrict create by Secret "
         "type.",
         "1. Check whether the workload must create Secrets.\n"
         "2. If it must, keep it to its own namespace and alert on new service-account-token Secrets.\n"
         "3. Otherwise remove the grant."},
        {"RBX-ESC-004", "Impersonate", "ServiceAccount can impersonate other identities", Severity::High, 7,
         "impersonate lets the holder act as other users, groups or ServiceAccounts. With groups that includes "
         "system:masters, which the API server allows everything outside RBAC.",
         "1. Limit impersonation to named identities (resourceNames).\n"
         "2. Never allow impersonating groups.\n"
         "3. Remove it wherever it is not a deliberate access broker."},
        {"RBX-ESC-005", "BindOrEscalate", "ServiceAccount can bind or escalate roles", Severity::High, 7,
         "bind lets the holder bind any role, cluster-admin included, without holding its permissions; escalate lets "
         "it write roles with permissions it does not have. Either one leads to cluster-admin.",
         "1. Restrict bind to the roles it hands out (resourceNames).\n"
         "2. Remove escalate: it is for RBAC controllers only."},
        {"RBX-ESC-006", "WriteBindings", "ServiceAccount can create or change role bindings", Severity::High, 7,
         "Writing RoleBindings or ClusterRoleBindings passes every permission the holder has to any identity it "
         "chooses; with bind, or a wildcard role, that is every permission there is.",
         "1. Keep binding writes to provisioning tools, in the namespaces they manage.\n"
         "2. Review the bindings they create periodically."},
        {"RBX-ESC-007", "NodesProxy", "ServiceAccount can reach the kubelet API (nodes/proxy)", Severity::Critical, 7,
         "nodes/proxy talks to the kubelet directly: exec into every pod of the node and read their tokens, with no "
         "admission and no pod-level audit. Over websockets, get is enough.",
         "1. Remove nodes/proxy.\n"
         "2. Monitoring needs nodes/metrics and nodes/stats, which can be granted on their own."},
        {"RBX-ESC-008", "ExecIntoPods", "ServiceAccount can exec into pods", Severity::High, 7,
         "pods/exec and pods/attach open a shell in running pods, with their ServiceAccount tokens and mounted "
         "Secrets; pods/ephemeralcontainers adds a container to a running pod.",
         "1. Keep exec for people with short-lived credentials.\n"
         "2. Remove it from ServiceAccounts, or restrict it to named pods."},
        {"RBX-ESC-009", "ApproveCsr", "ServiceAccount can approve certificate signing requests", Severity::Critical, 7,
         "Approving requests for the kube-apiserver-client signer issues client certificates for any user and group, "
         "system:masters included.",
         "1. Only the controller manager's approvers need this.\n"
         "2. Remove it from workload ServiceAccounts."},
        {"RBX-ESC-010", "WebhookConfigurations", "ServiceAccount can change admission webhooks", Severity::High, 7,
         "A webhook configuration decides which server sees every admitted object: a mutating webhook can inject "
         "containers, tokens or ServiceAccounts into any pod, a validating one sees every Secret that is written.",
         "1. Keep webhook configuration writes to the cluster's installers.\n"
         "2. Controllers that manage their own webhook configuration should be limited to it by name "
         "(resourceNames)."},
        {"RBX-BND-001", "CrossNamespaceBinding", "RoleBinding grants to a ServiceAccount of another namespace",
         Severity::Medium, 7,
         "The binding gives a ServiceAccount from another namespace permissions here. That is sometimes intended "
         "(monitoring, leader election), but it crosses the boundary that usually separates teams and is easy to "
         "miss when either namespace is reviewed.",
         "1. Confirm the access is intended.\n"
         "2. If it is, waive this finding with a note saying why.\n"
         "3. If not, remove the subject from the binding."},
        {"RBX-BND-002", "BindingToMissingServiceAccount", "Binding names a ServiceAccount that does not exist",
         Severity::Medium, 7,
         "Nobody holds this grant today, but whoever creates a ServiceAccount with that name later (anyone allowed "
         "to create ServiceAccounts in the namespace) silently inherits it.",
         "1. Check whether the ServiceAccount was renamed or removed.\n"
         "2. Remove the subject from the binding, or delete the binding if it was its only subject."},
        {"RBX-BND-003", "BindingToMissingRole", "Binding references a role that does not exist", Severity::Medium, 7,
         "The binding grants nothing today. A role created later with that name takes effect for its subjects at "
         "once, which turns creating that role into a hidden grant.",
         "1. Delete the binding, or create the role it was meant for, on purpose."},
        {"RBX-BND-004", "NoEffectClusterScopedGrant", "RoleBinding grants cluster-scoped resources (no effect)",
         Severity::Low, 7,
         "A RoleBinding grants only inside its namespace, and cluster-scoped resources (nodes, namespaces, "
         "persistentvolumes...) and non-resource URLs are never requested in a namespace, so these rules do nothing. "
         "They mislead reviewers, and the owner believes in an access that does not exist.",
         "1. Remove the cluster-scoped resources from the role.\n"
         "2. If the workload needs them, grant them on purpose with a ClusterRole and a ClusterRoleBinding."},
        {"RBX-BND-005", "BroadGroupBinding", "Binding grants to every ServiceAccount or every user", Severity::Medium,
         7,
         "system:serviceaccounts, system:serviceaccounts:NS, system:authenticated and system:unauthenticated stand "
         "for every ServiceAccount (of a namespace), every signed-in identity, or anyone. A grant to them reaches "
         "identities it was never meant for, present and future.",
         "1. Replace the group by the ServiceAccounts that need the access."},
        {"RBX-UNU-001", "UnusedServiceAccount", "ServiceAccount is not used by any pod", Severity::Low, 7,
         "No pod or workload runs as this ServiceAccount. Its permissions and tokens are of use only to someone who "
         "should not have them.",
         "1. Check it is not used from outside the cluster (its tokens' last-used label, the audit log).\n"
         "2. Delete it, its token Secrets and its bindings."},
        {"RBX-UNU-002", "UnusedRole", "Role is not bound", Severity::Low, 7,
         "No binding references this role and no aggregated ClusterRole picks it up. Dead roles add review work, and "
         "a binding created later puts them back to work without anyone looking at their rules again.",
         "1. Delete the role, or waive this finding with a note saying why it is kept."},
        {"RBX-UNU-003", "UnusedBinding", "Binding applies to nobody", Severity::Low, 7,
         "The binding has no subject that can match a request: no subjects, only unknown kinds, or a ServiceAccount "
         "subject without namespace in a ClusterRoleBinding.",
         "1. Delete the binding, or correct its subjects."},
        {"RBX-CLD-001", "CloudIdentityWithBroadRbac", "ServiceAccount with a cloud identity also holds broad RBAC",
         Severity::High, 7,
         "The ServiceAccount is federated to a cloud IAM role and its Kubernetes permissions are broad as well. "
         "Workload identity should carry the cloud permissions only; a compromise of these pods reaches both the "
         "cluster and the cloud account.",
         "1. Keep the ServiceAccount's RBAC minimal: remove the broad bindings.\n"
         "2. Grant only what the workload does inside the cluster."},
        {"RBX-CLD-002", "StaticCloudCredentials", "Static cloud credentials stored in a Secret", Severity::Medium, 6,
         "By its key names, the Secret holds long-lived cloud access keys. Workload identity (EKS, GKE, Azure) gives "
         "pods short-lived, automatically rotated credentials with an audit trail instead.",
         "1. Annotate the workload's ServiceAccount for workload identity and grant the cloud role there.\n"
         "2. Remove the keys from the pods.\n"
         "3. Deactivate the keys at the cloud provider, then delete the Secret."},
    };
    return rules;
}

const FindingRule* findingRule(std::string_view id)
{
    for (const auto& r : findingRules())
        if (id == r.id)
            return &r;
    return nullptr;
}

// ---- shared helpers -----------------------------------------------------------------------------------------------

const std::vector<std::string>& cloudIdentityAnnotations()
{
    static const std::vector<std::string> keys {"eks.amazonaws.com/role-arn", "iam.gke.io/gcp-service-account",
                                                "azure.workload.identity/client-id"};
    return keys;
}

std::optional<long long> daysBetween(const std::string& from, const std::string& to)
{
    const auto a = QDate::fromString(QString::fromStdString(from.substr(0, 10)), Qt::ISODate);
    const auto b = QDate::fromString(QString::fromStdString(to.substr(0, 10)), Qt::ISODate);
    if (!a.isValid() || !b.isValid())
        return std::nullopt;
    return a.daysTo(b);
}

namespace {

std::string labelOrAnnotation(const ObjectMeta& meta, const std::string& key)
{
    if (auto it = meta.labels.find(key); it != meta.labels.end())
        return it->second;
    if (auto it = meta.annotations.find(key); it != meta.annotations.end())
        return it->second;
    return {};
}

void latest(std::string& best, const std::string& candidate)
{
    if (candidate.size() < 10)
        return;
    const auto day = candidate.substr(0, 10);
    if (!QDate::fromString(QString::fromStdString(day), Qt::ISODate).isValid())
        return;
    if (day > best)
        best = day;
}

} // namespace

std::string snapshotDate(const Snapshot& s)
{
    std::string best;
    auto meta = [&](const ObjectMeta& m) { latest(best, m.creationTimestamp); };
    for (const auto& x : s.namespaces)
        meta(x.meta);
    for (const auto& x : s.serviceAccounts)
        meta(x.meta);
    for (const auto& x : s.roles)
        meta(x.meta);
    for (const auto& x : s.bindings)
        meta(x.meta);
    for (const auto& x : s.workloads)
        meta(x.meta);
    for (const auto& x : s.secrets) {
        meta(x.meta);
        latest(best, labelOrAnnotation(x.meta, "kubernetes.io/legacy-token-last-used"));
        latest(best, labelOrAnnotation(x.meta, "kubernetes.io/legacy-token-invalid-since"));
    }
    if (s.tokenTracking)
        latest(best, s.tokenTracking->since);
    if (best.empty())
        best = QDate::currentDate().toString(Qt::ISODate).toStdString();
    return best;
}

bool isBootstrapManaged(const ObjectMeta& meta)
{
    if (auto it = meta.labels.find("kubernetes.io/bootstrapping"); it != meta.labels.end() && it->second == "rbac-defaults")
        return true;
    auto it = meta.annotations.find("rbac.authorization.kubernetes.io/autoupdate");
    return it != meta.annotations.end() && it->second == "true";
}

bool isMirrorPod(const Workload& w)
{
    if (w.kind != "Pod")
        return false;
    if (w.meta.annotations.count("kubernetes.io/config.mirror"))
        return true;
    for (const auto& o : w.meta.ownerReferences)
        if (o.kind == "Node")
            return true;
    return false;
}

std::string serviceAccountOf(const Workload& w)
{
    return w.pod.serviceAccountName.empty() ? std::string("default") : w.pod.serviceAccountName;
}

std::optional<std::size_t> controllerOf(const Snapshot& s, std::size_t index)
{
    const auto& w = s.workloads[index];
    for (const auto& o : w.meta.ownerReferences) {
        if (!o.controller)
            continue;
        for (std::size_t i = 0; i < s.workloads.size(); ++i) {
            const auto& c = s.workloads[i];
            if (i != index && c.kind == o.kind && c.meta.name == o.name && c.meta.ns == w.meta.ns)
                return i;
        }
        // Pods of a Deployment name a ReplicaSet "<deployment>-<pod-template-hash>" the snapshot may not hold.
        if (o.kind == "ReplicaSet") {
            auto hash = w.meta.labels.find("pod-template-hash");
            for (std::size_t i = 0; i < s.workloads.size(); ++i) {
                const auto& c = s.workloads[i];
                if (c.kind != "Deployment" || c.meta.ns != w.meta.ns)
                    continue;
                if (hash != w.meta.labels.end() ? o.name == c.meta.name + '-' + hash->second
                                                : o.name.rfind(c.meta.name + '-', 0) == 0
                                                    && o.name.find('-', c.meta.name.size() + 1) == std::string::npos)
                    return i;
            }
        }
    }
    return std::nullopt;
}

std::size_t rootWorkload(const Snapshot& s, std::size_t index)
{
    std::size_t current = index;
    for (int depth = 0; depth < 8; ++depth) {
        auto c = controllerOf(s, current);
        if (!c)
            break;
        current = *c;
    }
    return current;
}

AutomountDecision automountOf(const Snapshot& s, const Workload& w)
{
    if (w.pod.automountServiceAccountToken)
        return {*w.pod.automountServiceAccountToken, AutomountDecision::From::Pod};
    if (const auto* sa = s.findServiceAccount(w.meta.ns, serviceAccountOf(w)); sa && sa->automountServiceAccountToken)
        return {*sa->automountServiceAccountToken, AutomountDecision::From::ServiceAccount};
    return {true, AutomountDecision::From::Default};
}

bool hasDirectGrants(const Policy& policy, const std::string& ns, const std::string& name)
{
    const auto& s = policy.snapshot();
    const auto user = serviceAccountUsername(ns, name);
    for (std::size_t b = 0; b < s.bindings.size(); ++b) {
        const auto& binding = s.bindings[b];
        bool names = false;
        for (const auto& sub : binding.subjects) {
            if (sub.kind == "ServiceAccount" && sub.name == name
                && (sub.ns.empty() ? (!binding.cluster && binding.meta.ns == ns) : sub.ns == ns))
                names = true;
            if (sub.kind == "User" && sub.name == user)
                names = true;
        }
        if (!names)
            continue;
        if (auto role = policy.resolveRoleRef(b); role && !policy.effectiveRules(*role).empty())
            return true;
    }
    return false;
}

bool apiUseEvidence(const Policy& policy, const Workload& w)
{
    if (w.pod.automountServiceAccountToken.value_or(false))
        return true;
    return hasDirectGrants(policy, w.meta.ns, serviceAccountOf(w));
}

std::vector<LegacyToken> legacyTokens(const Snapshot& s, const std::string& asOf, int staleDays)
{
    std::vector<LegacyToken> out;
    for (std::size_t i = 0; i < s.secrets.size(); ++i) {
        const auto& secret = s.secrets[i];
        if (secret.type != kTokenType)
            continue;
        LegacyToken t;
        t.secret = i;
        if (auto it = secret.meta.annotations.find("kubernetes.io/service-account.name");
            it != secret.meta.annotations.end())
            t.serviceAccount = it->second;
        const auto* sa = s.findServiceAccount(secret.meta.ns, t.serviceAccount);
        t.orphan = sa == nullptr;
        if (sa)
            t.autoGenerated = std::find(sa->secrets.begin(), sa->secrets.end(), secret.meta.name) != sa->secrets.end();
        t.created = secret.meta.creationTimestamp.substr(0, std::min<std::size_t>(10, secret.meta.creationTimestamp.size()));
        t.lastUsed = labelOrAnnotation(secret.meta, "kubernetes.io/legacy-token-last-used");
        t.invalidSince = labelOrAnnotation(secret.meta, "kubernetes.io/legacy-token-invalid-since");
        for (std::size_t w = 0; w < s.workloads.size(); ++w) {
            const auto& wl = s.workloads[w];
            if (wl.meta.ns != secret.meta.ns)
                continue;
            for (const auto& r : wl.pod.secretRefs)
                if (r.secretName == secret.meta.name && r.via != SecretRefVia::ImagePullSecret) {
                    t.referencedBy.push_back(w);
                    break;
                }
        }
        const auto sinceUseOpt = t.lastUsed.empty() ? std::optional<long long>() : daysBetween(t.lastUsed, asOf);
        const bool haveUse = sinceUseOpt.has_value();
        const long long sinceUse = sinceUseOpt.value_or(0);
        if (!t.invalidSince.empty()) {
            t.stale = true;
            t.staleReason = "invalidated since " + t.invalidSince + " (the API server rejects it)";
        } else if (t.orphan) {
            t.stale = true;
            t.staleReason = "its ServiceAccount " + t.serviceAccount + " does not exist";
        } else if (haveUse) {
            if (sinceUse >= staleDays) {
                t.stale = true;
                t.staleReason = "last used " + t.lastUsed + ", " + std::to_string(sinceUse) + " days before " + asOf;
            }
        } else {
            // Never used since tracking began (or since it was created, if later).
            std::string from = t.created;
            if (s.tokenTracking && s.tokenTracking->since > from)
                from = s.tokenTracking->since;
            const auto unused = daysBetween(from, asOf);
            if (unused && *unused >= staleDays) {
                t.stale = true;
                t.staleReason = "no recorded use since " + from + " (" + std::to_string(*unused) + " days)";
            }
        }
        t.inUse = !t.lastUsed.empty() && !t.stale;
        out.push_back(std::move(t));
    }
    return out;
}

// ---- the engine ---------------------------------------------------------------------------------------------------

namespace {

struct Req
{
    const char* verb;
    const char* group;
    const char* resource;
    const char* subresource;
    const char* name = "";
};

struct Primitive
{
    const char* rule;
    const char* what; // "create pods or workloads"
    std::vector<Req> requests;
    Severity namespaced;
    Severity clusterWide;
};

const std::vector<Primitive>& primitives()
{
    static const std::vector<Primitive> list {
        {"RBX-ESC-001", "create pods or workloads",
         {{"create", "", "pods", ""},
          {"create", "apps", "deployments", ""},
          {"create", "apps", "daemonsets", ""},
          {"create", "apps", "statefulsets", ""},
          {"create", "apps", "replicasets", ""},
          {"create", "batch", "jobs", ""},
          {"create", "batch", "cronjobs", ""},
          {"create", "", "replicationcontrollers", ""},
          {"patch", "apps", "deployments", ""},
          {"update", "apps", "deployments", ""},
          {"patch", "apps", "daemonsets", ""},
          {"patch", "apps", "statefulsets", ""}},
         Severity::High, Severity::Critical},
        {"RBX-ESC-002", "create tokens for ServiceAccounts", {{"create", "", "serviceaccounts", "token"}}, Severity::High,
         Severity::Critical},
        {"RBX-ESC-003", "create Secrets", {{"create", "", "secrets", ""}}, Severity::High, Severity::Critical},
        {"RBX-ESC-004", "impersonate",
         {{"impersonate", "", "users", ""},
          {"impersonate", "", "groups", ""},
          {"impersonate", "", "serviceaccounts", ""},
          {"impersonate", "authentication.k8s.io", "uids", ""},
          {"impersonate", "authentication.k8s.io", "userextras", "scopes"}},
         Severity::High, Severity::Critical},
        {"RBX-ESC-005", "bind or escalate roles",
         {{"bind", "rbac.authorization.k8s.io", "clusterroles", ""},
          {"escalate", "rbac.authorization.k8s.io", "clusterroles", ""},
          {"bind", "rbac.authorization.k8s.io", "roles", ""},
          {"escalate", "rbac.authorization.k8s.io", "roles", ""}},
         Severity::High, Severity::Critical},
        {"RBX-ESC-006", "create or change role bindings",
         {{"create", "rbac.authorization.k8s.io", "clusterrolebindings", ""},
          {"patch", "rbac.authorization.k8s.io", "clusterrolebindings", ""},
          {"update", "rbac.authorization.k8s.io", "clusterrolebindings", ""},
          {"create", "rbac.authorization.k8s.io", "rolebindings", ""},
          {"patch", "rbac.authorization.k8s.io", "rolebindings", ""},
          {"update", "rbac.authorization.k8s.io", "rolebindings", ""}},
         Severity::Medium, Severity::High},
        {"RBX-ESC-007", "reach the kubelet API through nodes/proxy",
         {{"get", "", "nodes", "proxy"}, {"create", "", "nodes", "proxy"}}, Severity::Critical, Severity::Critical},
        {"RBX-ESC-008", "exec or attach into pods",
         {{"create", "", "pods", "exec"},
          {"get", "", "pods", "exec"},
          {"create", "", "pods", "attach"},
          {"patch", "", "pods", "ephemeralcontainers"},
          {"update", "", "pods", "ephemeralcontainers"}},
         Severity::High, Severity::Critical},
        {"RBX-ESC-009", "approve certificate signing requests",
         {{"update", "certificates.k8s.io", "certificatesigningrequests", "approval"}}, Severity::Critical,
         Severity::Critical},
        {"RBX-ESC-010", "change admission webhook configurations",
         {{"create", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", ""},
          {"patch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", ""},
          {"update", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", ""},
          {"create", "admissionregistration.k8s.io", "validatingwebhookconfigurations", ""},
          {"patch", "admissionregistration.k8s.io", "validatingwebhookconfigurations", ""},
          {"update", "admissionregistration.k8s.io", "validatingwebhookconfigurations", ""}},
         Severity::High, Severity::High},
    };
    return list;
}

bool clusterScopedResource(const ResourceCatalog& catalog, const std::string& group, const std::string& resource)
{
    const auto slash = resource.find('/');
    const auto* t = catalog.find(group, resource.substr(0, slash));
    return t && !t->namespaced;
}

std::string objectPath(const std::string& kind, const std::string& ns, const std::string& name)
{
    return ns.empty() ? kind + '/' + name : kind + '/' + ns + '/' + name;
}

std::string display(const std::string& ns, const std::string& name)
{
    return ns.empty() ? name : ns + '/' + name;
}

std::string bindingKind(const Binding& b)
{
    return b.cluster ? "ClusterRoleBinding" : "RoleBinding";
}

std::string roleKind(const Role& r)
{
    return r.cluster ? "ClusterRole" : "Role";
}

class Engine
{
public:
    Engine(const Policy& policy, const FindingsOptions& options)
        : m_policy(policy)
        , m_s(policy.snapshot())
        , m_catalog(policy.snapshot())
        , m_asOf(options.asOf.empty() ? snapshotDate(policy.snapshot()) : options.asOf)
        , m_staleDays(options.staleDays)
    {
    }

    std::vector<Finding> run()
    {
        m_summaries = summarizeSubjects(m_policy);
        rbacPerServiceAccount();
        wildcardRoles();
        defaultServiceAccounts();
        serviceAccountAutomount();
        workloads();
        tokens();
        bindings();
        unused();
        cloud();
        std::stable_sort(m_out.begin(), m_out.end(), [](const Finding& a, const Finding& b) {
            if (a.severity != b.severity)
                return a.severity > b.severity;
            return a.id < b.id;
        });
        return std::move(m_out);
    }

private:
    Finding& add(const char* ruleId, const std::string& key, Severity severity, std::string title, std::string ns,
                 ObjectLink object)
    {
        Finding f;
        f.ruleId = ruleId;
        f.id = std::string(ruleId) + ':' + key;
        f.severity = severity;
        f.title = std::move(title);
        f.ns = std::move(ns);
        f.object = std::move(object);
        f.source = sourceOf(f.object);
        m_out.push_back(std::move(f));
        return m_out.back();
    }

    SourceRef sourceOf(const ObjectLink& o) const
    {
        auto match = [&](const ObjectMeta& m) { return m.name == o.name && m.ns == o.ns; };
        if (o.kind == "ServiceAccount") {
            if (const auto* sa = m_s.findServiceAccount(o.ns, o.name))
                return sa->meta.source;
        } else if (o.kind == "Secret") {
            for (const auto& x : m_s.secrets)
                if (match(x.meta))
                    return x.meta.source;
        } else if (o.kind == "Role" || o.kind == "ClusterRole") {
            for (const auto& x : m_s.roles)
                if (x.cluster == (o.kind == "ClusterRole") && match(x.meta))
                    return x.meta.source;
        } else if (o.kind == "RoleBinding" || o.kind == "ClusterRoleBinding") {
            for (const auto& x : m_s.bindings)
                if (x.cluster == (o.kind == "ClusterRoleBinding") && match(x.meta))
                    return x.meta.source;
        } else {
            for (const auto& x : m_s.workloads)
                if (x.kind == o.kind && match(x.meta))
                    return x.meta.source;
        }
        return {};
    }

    void addGrant(Finding& f, const Grant& g)
    {
        for (const auto& x : f.grants)
            if (x.binding == g.binding && x.role == g.role && x.rule == g.rule)
                return;
        f.grants.push_back(g);
        const auto& b = m_s.bindings[g.binding];
        const auto& role = m_s.roles[g.role];
        const auto& er = m_policy.effectiveRules(g.role)[g.rule];
        std::string chain = bindingKind(b) + ' ' + display(b.meta.ns, b.meta.name) + " -> " + roleKind(role) + ' '
            + display(role.meta.ns, role.meta.name);
        if (er.sourceRole != g.role)
            chain += " (aggregated from ClusterRole " + m_s.roles[er.sourceRole].meta.name + ')';
        chain += " -> rule #" + std::to_string(er.sourceRuleIndex + 1) + ": " + ruleText(er.rule);
        const auto& subject = b.subjects[g.subject];
        if (subject.kind == "Group")
            chain = "Group " + subject.name + " -> " + chain;
        f.chains.push_back(chain);
        addEvidence(f, {bindingKind(b), b.meta.ns, b.meta.name}, "binding",
                    (b.cluster ? "cluster-wide" : "in namespace " + b.meta.ns) + std::string(", role ")
                        + roleKind(role) + ' ' + role.meta.name);
        addEvidence(f, {roleKind(role), role.meta.ns, role.meta.name}, "role", ruleText(er.rule));
    }

    static void addEvidence(Finding& f, ObjectLink o, std::string relation, std::string detail)
    {
        for (const auto& e : f.evidence)
            if (e.object.kind == o.kind && e.object.ns == o.ns && e.object.name == o.name && e.relation == relation)
                return;
        f.evidence.push_back({std::move(o), std::move(relation), std::move(detail)});
    }

    bool allBootstrap(const std::vector<Grant>& grants) const
    {
        if (grants.empty())
            return false;
        for (const auto& g : grants)
            if (!isBootstrapManaged(m_s.bindings[g.binding].meta))
                return false;
        return true;
    }

    // The rules that apply to `user` in scope `ns` ("" = cluster scope: ClusterRoleBindings only).
    struct Applicable
    {
        const PolicyRule* rule;
        Grant grant;
    };
    std::vector<Applicable> applicable(const UserInfo& user, const std::string& ns) const
    {
        std::vector<Applicable> rules;
        m_policy.visitApplicableBindings(user, ns, [&](std::size_t b, std::size_t s) {
            if (!ns.empty() && m_s.bindings[b].cluster)
                return true; // cluster grants are evaluated once, at cluster scope
            if (auto role = m_policy.resolveRoleRef(b)) {
                const auto& effective = m_policy.effectiveRules(*role);
                for (std::size_t r = 0; r < effective.size(); ++r)
                    if (!effective[r].rule.resources.empty())
                        rules.push_back({&effective[r].rule, Grant {b, s, *role, r}});
            }
            return true;
        });
        return rules;
    }

    static std::vector<Grant> match(const std::vector<Applicable>& rules, const Req& q, std::string* matched = nullptr)
    {
        std::vector<Grant> grants;
        const std::string combined = *q.subresource ? std::string(q.resource) + '/' + q.subresource : q.resource;
        for (const auto& a : rules) {
            const auto& r = *a.rule;
            if (verbMatches(r, q.verb) && apiGroupMatches(r, q.group) && resourceMatches(r, combined, q.subresource)
                && resourceNameMatches(r, q.name)) {
                grants.push_back(a.grant);
                if (matched && matched->find(std::string(q.verb) + ' ' + combined) == std::string::npos)
                    *matched += (matched->empty() ? "" : ", ") + std::string(q.verb) + ' ' + combined;
            }
        }
        return grants;
    }

    // RBAC-001, RBAC-003/004 and the escalation primitives, per existing ServiceAccount.
    void rbacPerServiceAccount()
    {
        std::vector<std::string> namespaces;
        for (const auto& ns : m_policy.knownNamespaces())
            if (!m_policy.namespaceBindings(ns).empty())
                namespaces.push_back(ns);
        for (const auto& summary : m_summaries) {
            if (summary.ref.kind != SubjectKind::ServiceAccount || !summary.exists)
                continue;
            const auto& ns = summary.ref.ns;
            const auto& name = summary.ref.name;
            const auto user = userInfoOf(summary.ref);
            const ObjectLink sa {"ServiceAccount", ns, name};
            const std::string key = objectPath("ServiceAccount", ns, name);
            const auto cluster = applicable(user, {});
            std::vector<std::pair<std::string, std::vector<Applicable>>> scoped;
            for (const auto& n : namespaces) {
                auto rules = applicable(user, n);
                if (!rules.empty())
                    scoped.emplace_back(n, std::move(rules));
            }
            auto& broad = m_broad[key];

            // Cluster-admin: everything everywhere, through ClusterRoleBindings.
            {
                const Req all {"*", "*", "*", ""};
                auto grants = match(cluster, all);
                std::vector<Grant> adminGrants;
                for (const auto& a : cluster)
                    if (m_s.bindings[a.grant.binding].roleRef.kind == "ClusterRole"
                        && m_s.bindings[a.grant.binding].roleRef.name == "cluster-admin")
                        adminGrants.push_back(a.grant);
                if (!grants.empty() || !adminGrants.empty()) {
                    if (grants.empty())
                        grants = adminGrants;
                    auto& f = add("RBX-RBAC-001", key,
                                  allBootstrap(grants) ? Severity::Info : Severity::Critical,
                                  "ServiceAccount " + display(ns, name) + " is cluster-admin", ns, sa);
                    f.explanation = "It can perform every verb on every resource of every API group, in every "
                                    "namespace and cluster-wide.";
                    addEvidence(f, sa, "subject", "ServiceAccount");
                    for (const auto& g : grants)
                        addGrant(f, g);
                    broad = broad || f.severity > Severity::Info;
                }
            }

            // Reading Secrets.
            {
                std::vector<Grant> grants;
                for (const char* verb : {"get", "list", "watch"}) {
                    auto g = match(cluster, {verb, "", "secrets", ""});
                    grants.insert(grants.end(), g.begin(), g.end());
                }
                if (!grants.empty()) {
                    auto& f = add("RBX-RBAC-003", key, allBootstrap(grants) ? Severity::Info : Severity::High,
                                  "ServiceAccount " + display(ns, name) + " can read Secrets in every namespace", ns,
                                  sa);
                    f.explanation = "A ClusterRoleBinding lets it get, list or watch every Secret of the cluster.";
                    addEvidence(f, sa, "subject", "ServiceAccount");
                    for (const auto& g : grants)
                        addGrant(f, g);
                    broad = broad || f.severity > Severity::Info;
                } else {
                    std::vector<std::string> where;
                    for (const auto& [n, rules] : scoped) {
                        std::vector<Grant> nsGrants;
                        for (const char* verb : {"get", "list", "watch"}) {
                            auto g = match(rules, {verb, "", "secrets", ""});
                            nsGrants.insert(nsGrants.end(), g.begin(), g.end());
                        }
                        if (!nsGrants.empty()) {
                            where.push_back(n);
                            grants.insert(grants.end(), nsGrants.begin(), nsGrants.end());
                        }
                    }
                    if (!grants.empty()) {
                        std::string list;
                        for (const auto& w : where)
                            list += (list.empty() ? "" : ", ") + w;
                        auto& f = add("RBX-RBAC-004", key, allBootstrap(grants) ? Severity::Info : Severity::Medium,
                                      "ServiceAccount " + display(ns, name) + " can read Secrets in " + list, ns, sa);
                        f.explanation = "RoleBindings let it get, list or watch the Secrets of namespace(s) " + list
                            + ".";
                        addEvidence(f, sa, "subject", "ServiceAccount");
                        for (const auto& g : grants)
                            addGrant(f, g);
                        broad = broad || f.severity > Severity::Info;
                    }
                }
            }

            // Escalation primitives.
            for (const auto& p : primitives()) {
                std::vector<Grant> grants;
                std::string matched;
                bool clusterWide = false;
                std::vector<std::string> where;
                if (p.rule == std::string_view("RBX-ESC-009")) {
                    // Approval needs both the approval subresource and approve on the signer.
                    auto a = match(cluster, p.requests[0], &matched);
                    auto b = match(cluster, {"approve", "certificates.k8s.io", "signers", "",
                                             "kubernetes.io/kube-apiserver-client"},
                                   &matched);
                    if (!a.empty() && !b.empty()) {
                        grants = a;
                        grants.insert(grants.end(), b.begin(), b.end());
                        clusterWide = true;
                    }
                } else {
                    for (const auto& q : p.requests) {
                        auto g = match(cluster, q, &matched);
                        grants.insert(grants.end(), g.begin(), g.end());
                    }
                    clusterWide = !grants.empty();
                    if (!clusterWide) {
                        for (const auto& [n, rules] : scoped) {
                            std::vector<Grant> nsGrants;
                            for (const auto& q : p.requests) {
                                if (clusterScopedResource(m_catalog, q.group, q.resource))
                                    continue; // no effect through a RoleBinding
                                auto g = match(rules, q, &matched);
                                nsGrants.insert(nsGrants.end(), g.begin(), g.end());
                            }
                            if (!nsGrants.empty()) {
                                where.push_back(n);
                                grants.insert(grants.end(), nsGrants.begin(), nsGrants.end());
                            }
                        }
                    }
                }
                if (grants.empty())
                    continue;
                std::string scope;
                Severity sev = clusterWide ? p.clusterWide : p.namespaced;
                if (clusterWide) {
                    scope = "in every namespace";
                } else {
                    for (const auto& w : where)
                        scope += (scope.empty() ? "in " : ", ") + w;
                    if (p.rule == std::string_view("RBX-ESC-001")
                        && std::find(where.begin(), where.end(), "kube-system") != where.end())
                        sev = Severity::Critical;
                }
                if (allBootstrap(grants))
                    sev = Severity::Info;
                auto& f = add(p.rule, key, sev, "ServiceAccount " + display(ns, name) + " can " + p.what + ' ' + scope,
                              ns, sa);
                f.explanation = "Allowed: " + matched + " (" + scope + ").";
                if (p.rule == std::string_view("RBX-ESC-001")) {
                    f.explanation += " A pod it creates may run as any ServiceAccount of ";
                    f.explanation += clusterWide ? std::string("any namespace") : scope.substr(3);
                    f.explanation += '.';
                }
                addEvidence(f, sa, "subject", "ServiceAccount");
                for (const auto& g : grants)
                    addGrant(f, g);
                broad = broad || sev > Severity::Info;
            }
        }
    }

    // RBAC-002: roles with wildcards bound to ServiceAccounts.
    void wildcardRoles()
    {
        for (std::size_t r = 0; r < m_s.roles.size(); ++r) {
            const auto& role = m_s.roles[r];
            if (isBootstrapManaged(role.meta) || role.hasAggregationRule)
                continue;
            std::vector<std::size_t> wildRules;
            for (std::size_t i = 0; i < role.rules.size(); ++i) {
                const auto& rule = role.rules[i];
                auto has = [](const std::vector<std::string>& v) {
                    return std::find(v.begin(), v.end(), "*") != v.end();
                };
                if (has(rule.verbs) || has(rule.resources) || has(rule.apiGroups) || has(rule.nonResourceURLs))
                    wildRules.push_back(i);
            }
            if (wildRules.empty())
                continue;
            // Bound to ServiceAccounts?
            std::vector<std::pair<std::size_t, std::size_t>> sas; // binding, subject
            bool full = false;
            for (std::size_t b = 0; b < m_s.bindings.size(); ++b) {
                auto resolved = m_policy.resolveRoleRef(b);
                if (!resolved || *resolved != r)
                    continue;
                const auto& binding = m_s.bindings[b];
                for (std::size_t k = 0; k < binding.subjects.size(); ++k) {
                    const auto& sub = binding.subjects[k];
                    if (sub.kind == "ServiceAccount" || (sub.kind == "User" && parseServiceAccountUsername(sub.name))) {
                        sas.emplace_back(b, k);
                        for (auto i : wildRules) {
                            const auto& rule = role.rules[i];
                            auto all = [](const std::vector<std::string>& v) {
                                return std::find(v.begin(), v.end(), "*") != v.end();
                            };
                            if (binding.cluster && all(rule.verbs) && all(rule.resources) && all(rule.apiGroups))
                                full = true;
                        }
                    }
                }
            }
            if (sas.empty())
                continue;
            const std::string kind = roleKind(role);
            auto& f = add("RBX-RBAC-002", objectPath(kind, role.meta.ns, role.meta.name),
                          full ? Severity::Critical : Severity::High,
                          kind + ' ' + display(role.meta.ns, role.meta.name) + " grants wildcards to "
                              + std::to_string(sas.size()) + " ServiceAccount subject(s)",
                          role.meta.ns, {kind, role.meta.ns, role.meta.name});
            f.explanation = "Rule(s) ";
            for (std::size_t k = 0; k < wildRules.size(); ++k)
                f.explanation += (k ? ", #" : "#") + std::to_string(wildRules[k] + 1) + " ("
                    + ruleText(role.rules[wildRules[k]]) + ')';
            f.explanation += " use * and so cover every current and future resource, verb or API group they name.";
            addEvidence(f, f.object, "role", std::to_string(wildRules.size()) + " wildcard rule(s)");
            for (const auto& [b, k] : sas) {
                const auto& binding = m_s.bindings[b];
                const auto& sub = binding.subjects[k];
                std::string sns = sub.ns.empty() ? binding.meta.ns : sub.ns;
                std::string sname = sub.name;
                if (sub.kind == "User")
                    if (auto p = parseServiceAccountUsername(sub.name)) {
                        sns = p->ns;
                        sname = p->name;
                    }
                addEvidence(f, {bindingKind(binding), binding.meta.ns, binding.meta.name}, "binding",
                            binding.cluster ? "cluster-wide" : "in namespace " + binding.meta.ns);
                addEvidence(f, {"ServiceAccount", sns, sname}, "subject", "bound through " + binding.meta.name);
                for (auto i : wildRules)
                    for (std::size_t e = 0; e < m_policy.effectiveRules(r).size(); ++e)
                        if (m_policy.effectiveRules(r)[e].sourceRuleIndex == i && m_policy.effectiveRules(r)[e].sourceRole == r) {
                            Grant g {b, k, r, e};
                            bool have = false;
                            for (const auto& x : f.grants)
                                have = have || (x.binding == b && x.rule == e);
                            if (!have) {
                                f.grants.push_back(g);
                                f.chains.push_back(bindingKind(binding) + ' ' + display(binding.meta.ns, binding.meta.name)
                                                   + " -> " + kind + ' ' + display(role.meta.ns, role.meta.name)
                                                   + " -> rule #" + std::to_string(i + 1) + ": "
                                                   + ruleText(role.rules[i]));
                            }
                        }
            }
        }
    }

    // kube-controller-manager runs its controllers in-process under kube-system ServiceAccounts
    // (--use-service-account-credentials): no pod uses them, and automount means nothing for them.
    bool controllerIdentity(const std::string& ns, const std::string& name) const
    {
        if (ns != "kube-system" || !workloadsOf(ns, name).empty())
            return false;
        for (const auto& b : m_s.bindings)
            if (isBootstrapManaged(b.meta))
                for (const auto& sub : b.subjects)
                    if (sub.kind == "ServiceAccount" && sub.name == name && (sub.ns.empty() ? b.meta.ns : sub.ns) == ns)
                        return true;
        for (const char* suffix : {"-controller", "-collector", "-binder", "-cleaner", "-publisher", "-signer",
                                   "-autoscaler"}) {
            const std::string x(suffix);
            if (name.size() > x.size() && name.compare(name.size() - x.size(), x.size(), x) == 0)
                return true;
        }
        return false;
    }

    std::vector<std::size_t> workloadsOf(const std::string& ns, const std::string& name) const
    {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < m_s.workloads.size(); ++i)
            if (m_s.workloads[i].meta.ns == ns && serviceAccountOf(m_s.workloads[i]) == name
                && !isMirrorPod(m_s.workloads[i]))
                out.push_back(i);
        return out;
    }

    // Pods of a workload (or the workload itself for a pod) that carry an automounted token right now.
    static bool hasAccessVolume(const Workload& w)
    {
        for (const auto& v : w.pod.volumeNames)
            if (v.rfind("kube-api-access-", 0) == 0)
                return true;
        return false;
    }

    // SA-001, SA-002: the default ServiceAccounts.
    void defaultServiceAccounts()
    {
        for (const auto& sa : m_s.serviceAccounts) {
            if (sa.meta.name != "default")
                continue;
            const auto& ns = sa.meta.ns;
            const ObjectLink link {"ServiceAccount", ns, "default"};
            const std::string key = objectPath("ServiceAccount", ns, "default");
            const bool grants = hasDirectGrants(m_policy, ns, "default");
            if (sa.automountServiceAccountToken.value_or(true)) {
                auto& f = add("RBX-SA-001", key, grants ? Severity::Medium : Severity::Low,
                              "Default ServiceAccount of " + ns + " mounts its token into pods", ns, link);
                f.explanation = sa.automountServiceAccountToken
                    ? "automountServiceAccountToken is set to true."
                    : "automountServiceAccountToken is not set, which means on.";
                if (grants)
                    f.explanation += " The ServiceAccount also holds RBAC permissions, which every such pod receives.";
                addEvidence(f, link, "subject", "automountServiceAccountToken: "
                                + std::string(sa.automountServiceAccountToken ? "true" : "unset (on)"));
                for (auto w : workloadsOf(ns, "default")) {
                    const auto& wl = m_s.workloads[w];
                    if (automountOf(m_s, wl).mounted)
                        addEvidence(f, {wl.kind, ns, wl.meta.name}, wl.kind == "Pod" ? "pod" : "workload",
                                    "runs as default with a token");
                }
            }
            // Bindings naming the default SA directly.
            std::vector<std::size_t> named;
            const auto user = serviceAccountUsername(ns, "default");
            for (std::size_t b = 0; b < m_s.bindings.size(); ++b) {
                const auto& binding = m_s.bindings[b];
                for (const auto& sub : binding.subjects)
                    if ((sub.kind == "ServiceAccount" && sub.name == "default"
                         && (sub.ns.empty() ? (!binding.cluster && binding.meta.ns == ns) : sub.ns == ns))
                        || (sub.kind == "User" && sub.name == user)) {
                        named.push_back(b);
                        break;
                    }
            }
            if (named.empty())
                continue;
            bool boot = true;
            for (auto b : named)
                boot = boot && isBootstrapManaged(m_s.bindings[b].meta);
            const bool high = m_broad.count(key) && m_broad.at(key);
            auto& f = add("RBX-SA-002", key, boot ? Severity::Info : (high ? Severity::High : Severity::Medium),
                          "Default ServiceAccount of " + ns + " is bound to " + std::to_string(named.size())
                              + " role(s)",
                          ns, link);
            f.explanation = "Every pod of " + ns + " that names no ServiceAccount receives these permissions";
            f.explanation += high ? ", and they include reading Secrets or escalation paths." : ".";
            addEvidence(f, link, "subject", "ServiceAccount");
            for (auto b : named) {
                const auto& binding = m_s.bindings[b];
                addEvidence(f, {bindingKind(binding), binding.meta.ns, binding.meta.name}, "binding",
                            binding.roleRef.kind + ' ' + binding.roleRef.name
                                + (binding.cluster ? ", cluster-wide" : ", in namespace " + binding.meta.ns));
                if (auto role = m_policy.resolveRoleRef(b))
                    for (std::size_t r = 0; r < m_policy.effectiveRules(*role).size() && r < 3; ++r) {
                        std::size_t subject = 0;
                        for (std::size_t k = 0; k < binding.subjects.size(); ++k)
                            if (binding.subjects[k].name == "default" || binding.subjects[k].name == user)
                                subject = k;
                        addGrant(f, {b, subject, *role, r});
                    }
            }
            for (auto w : workloadsOf(ns, "default")) {
                const auto& wl = m_s.workloads[w];
                addEvidence(f, {wl.kind, ns, wl.meta.name}, wl.kind == "Pod" ? "pod" : "workload", "runs as default");
            }
        }
    }

    // SA-003: dedicated ServiceAccounts with automount on.
    void serviceAccountAutomount()
    {
        for (const auto& sa : m_s.serviceAccounts) {
            if (sa.meta.name == "default" || !sa.automountServiceAccountToken.value_or(true)
                || controllerIdentity(sa.meta.ns, sa.meta.name))
                continue;
            const auto& ns = sa.meta.ns;
            const ObjectLink link {"ServiceAccount", ns, sa.meta.name};
            auto& f = add("RBX-SA-003", objectPath("ServiceAccount", ns, sa.meta.name), Severity::Low,
                          "ServiceAccount " + display(ns, sa.meta.name) + " mounts its token into every pod", ns, link);
            f.explanation = sa.automountServiceAccountToken
                ? "automountServiceAccountToken is set to true on the ServiceAccount."
                : "automountServiceAccountToken is not set on the ServiceAccount, which means on.";
            addEvidence(f, link, "subject", "automountServiceAccountToken: "
                            + std::string(sa.automountServiceAccountToken ? "true" : "unset (on)"));
            for (auto w : workloadsOf(ns, sa.meta.name)) {
                const auto& wl = m_s.workloads[w];
                const auto d = automountOf(m_s, wl);
                addEvidence(f, {wl.kind, ns, wl.meta.name}, wl.kind == "Pod" ? "pod" : "workload",
                            d.from == AutomountDecision::From::Pod
                                ? std::string("sets automountServiceAccountToken: ") + (d.mounted ? "true" : "false")
                                : "inherits the ServiceAccount's setting");
            }
        }
    }

    // WL-001, WL-002: pod templates and pods without a controller in the snapshot.
    void workloads()
    {
        std::map<std::size_t, std::vector<std::size_t>> podsOf; // root -> controlled pods/workloads
        std::vector<std::size_t> roots;
        for (std::size_t i = 0; i < m_s.workloads.size(); ++i) {
            if (isMirrorPod(m_s.workloads[i]))
                continue;
            const auto root = rootWorkload(m_s, i);
            if (root == i)
                roots.push_back(i);
            else
                podsOf[root].push_back(i);
        }
        for (auto i : roots) {
            const auto& w = m_s.workloads[i];
            const auto& ns = w.meta.ns;
            const ObjectLink link {w.kind, ns, w.meta.name};
            const std::string key = objectPath(w.kind, ns, w.meta.name);
            const auto sa = serviceAccountOf(w);
            const auto decision = automountOf(m_s, w);
            auto podEvidence = [&](Finding& f, bool tokenOnly) {
                for (auto p : podsOf[i]) {
                    const auto& pod = m_s.workloads[p];
                    const bool token = hasAccessVolume(pod);
                    if (tokenOnly && !token)
                        continue;
                    addEvidence(f, {pod.kind, pod.meta.ns, pod.meta.name}, pod.kind == "Pod" ? "pod" : "workload",
                                token ? "carries an automounted token (kube-api-access volume)" : "controlled by "
                                        + w.kind + ' ' + w.meta.name);
                }
            };
            const char* from = decision.from == AutomountDecision::From::Pod ? "the pod template sets it"
                : decision.from == AutomountDecision::From::ServiceAccount ? "the ServiceAccount sets it"
                                                                           : "neither sets it, so it defaults to on";
            if (sa == "default") {
                const bool grants = hasDirectGrants(m_policy, ns, "default");
                auto& f = add("RBX-WL-001", key,
                              decision.mounted && grants ? Severity::Medium : Severity::Low,
                              w.kind + ' ' + display(ns, w.meta.name) + " runs as the default ServiceAccount", ns, link);
                f.explanation = "It names no serviceAccountName. Token automount: "
                    + std::string(decision.mounted ? "on" : "off") + " (" + from + ").";
                if (decision.mounted && grants)
                    f.explanation += " The default ServiceAccount holds RBAC permissions, so these pods have them.";
                addEvidence(f, link, w.kind == "Pod" ? "pod" : "workload", "serviceAccountName unset");
                addEvidence(f, {"ServiceAccount", ns, "default"}, "subject", "the namespace's default identity");
                podEvidence(f, false);
            }
            if (decision.mounted && !apiUseEvidence(m_policy, w)) {
                auto& f = add("RBX-WL-002", key, Severity::Low,
                              w.kind + ' ' + display(ns, w.meta.name) + " gets a token it shows no use for", ns, link);
                f.explanation = std::string("Token automount is on: ") + from
                    + ". Its ServiceAccount " + sa + " has no RBAC grant and the pod does not opt in explicitly.";
                addEvidence(f, link, w.kind == "Pod" ? "pod" : "workload",
                            w.pod.automountServiceAccountToken ? "automountServiceAccountToken: true"
                                                               : "automountServiceAccountToken unset");
                addEvidence(f, {"ServiceAccount", ns, sa}, "subject",
                            decision.from == AutomountDecision::From::ServiceAccount ? "automountServiceAccountToken: true"
                                                                                     : "no RBAC grants");
                podEvidence(f, true);
            }
        }
    }

    // TOK-001..004.
    void tokens()
    {
        for (const auto& t : legacyTokens(m_s, m_asOf, m_staleDays)) {
            const auto& secret = m_s.secrets[t.secret];
            const auto& ns = secret.meta.ns;
            const ObjectLink link {"Secret", ns, secret.meta.name};
            const std::string key = objectPath("Secret", ns, secret.meta.name);
            auto common = [&](Finding& f) {
                addEvidence(f, link, "token", std::string(t.autoGenerated ? "auto-generated" : t.orphan ? "orphan" : "manual")
                                + ", created " + (t.created.empty() ? std::string("?") : t.created) + ", last used "
                                + (t.lastUsed.empty() ? std::string("never (recorded)") : t.lastUsed)
                                + (t.invalidSince.empty() ? std::string() : ", invalid since " + t.invalidSince));
                if (!t.serviceAccount.empty())
                    addEvidence(f, {"ServiceAccount", ns, t.serviceAccount}, "subject",
                                t.orphan ? "does not exist" : "the token's identity");
                for (auto w : t.referencedBy) {
                    const auto& wl = m_s.workloads[w];
                    addEvidence(f, {wl.kind, ns, wl.meta.name}, wl.kind == "Pod" ? "pod" : "workload",
                                "references the Secret");
                }
            };
            const auto saKey = objectPath("ServiceAccount", ns, t.serviceAccount);
            const bool powerful = m_broad.count(saKey) && m_broad.at(saKey);
            if (t.stale) {
                auto& f = add("RBX-TOK-002", key, Severity::Medium,
                              "Stale legacy token " + display(ns, secret.meta.name) + " of " + t.serviceAccount, ns, link);
                f.explanation = "Stale: " + t.staleReason + '.';
                common(f);
            } else {
                auto& f = add("RBX-TOK-001", key, powerful ? Severity::High : Severity::Medium,
                              "Legacy token " + display(ns, secret.meta.name) + " of " + t.serviceAccount + " is in use",
                              ns, link);
                f.explanation = t.lastUsed.empty() ? "It was created " + t.created + " and is not old enough to call stale."
                                                   : "The API server recorded its use on " + t.lastUsed + '.';
                if (powerful)
                    f.explanation += " Its ServiceAccount holds broad permissions, which this never-expiring token "
                                     "carries.";
                common(f);
            }
            // Mounted: attribute references to the pod templates that hold them.
            std::set<std::size_t> roots;
            for (auto w : t.referencedBy)
                roots.insert(rootWorkload(m_s, w));
            for (auto r : roots) {
                const auto& wl = m_s.workloads[r];
                std::string via;
                for (const auto& ref : wl.pod.secretRefs)
                    if (ref.secretName == secret.meta.name) {
                        const char* how = ref.via == SecretRefVia::Volume ? "secret volume "
                            : ref.via == SecretRefVia::ProjectedVolume ? "projected volume "
                            : ref.via == SecretRefVia::Env             ? "env of container "
                                                                       : "envFrom of container ";
                        via += (via.empty() ? "" : ", ") + std::string(how) + ref.where;
                    }
                if (via.empty())
                    continue;
                auto& f = add("RBX-TOK-003", key + '@' + objectPath(wl.kind, ns, wl.meta.name),
                              powerful ? Severity::Critical : Severity::High,
                              wl.kind + ' ' + display(ns, wl.meta.name) + " uses legacy token " + secret.meta.name, ns,
                              {wl.kind, ns, wl.meta.name});
                f.explanation = "Referenced through " + via + ". The token belongs to ServiceAccount "
                    + t.serviceAccount + (serviceAccountOf(wl) == t.serviceAccount ? std::string()
                                                                                   : " (the pods run as " + serviceAccountOf(wl) + ')')
                    + " and never expires.";
                addEvidence(f, {wl.kind, ns, wl.meta.name}, wl.kind == "Pod" ? "pod" : "workload", via);
                common(f);
            }
        }
        // TOK-004: the EKS pod identity webhook's token lifetime, set per ServiceAccount.
        for (const auto& sa : m_s.serviceAccounts) {
            if (!sa.meta.annotations.count("eks.amazonaws.com/role-arn"))
                continue;
            std::int64_t longest = 0;
            std::vector<std::size_t> pods;
            for (auto w : workloadsOf(sa.meta.ns, sa.meta.name))
                for (const auto& p : m_s.workloads[w].pod.projectedTokens)
                    if (p.audience == "sts.amazonaws.com" && p.expirationSeconds.value_or(0) > 3607) {
                        longest = std::max(longest, *p.expirationSeconds);
                        pods.push_back(w);
                    }
            if (auto it = sa.meta.annotations.find("eks.amazonaws.com/token-expiration");
                it != sa.meta.annotations.end()) {
                bool ok = false;
                const auto v = QString::fromStdString(it->second).toLongLong(&ok);
                if (ok && v <= 3607)
                    continue; // pods still carry the old lifetime until they are replaced
            }
            if (pods.empty())
                continue;
            const ObjectLink link {"ServiceAccount", sa.meta.ns, sa.meta.name};
            auto& f = add("RBX-TOK-004", objectPath("ServiceAccount", sa.meta.ns, sa.meta.name), Severity::Low,
                          "Cloud tokens of " + display(sa.meta.ns, sa.meta.name) + " live "
                              + std::to_string(longest / 3600) + " hours",
                          sa.meta.ns, link);
            f.explanation = "Its pods carry a projected token for audience sts.amazonaws.com valid for "
                + std::to_string(longest) + " seconds; the ServiceAccount sets no shorter "
                                            "eks.amazonaws.com/token-expiration.";
            addEvidence(f, link, "subject", "eks.amazonaws.com/role-arn=" + sa.meta.annotations.at("eks.amazonaws.com/role-arn"));
            for (auto w : pods)
                addEvidence(f, {m_s.workloads[w].kind, sa.meta.ns, m_s.workloads[w].meta.name}, "pod",
                            "projected cloud token, " + std::to_string(longest) + " s");
        }
    }

    // BND-001..005.
    void bindings()
    {
        static const Req dangerous[] = {{"create", "", "pods", ""},
                                        {"create", "", "secrets", ""},
                                        {"get", "", "secrets", ""},
                                        {"create", "", "serviceaccounts", "token"},
                                        {"create", "", "pods", "exec"},
                                        {"bind", "rbac.authorization.k8s.io", "roles", ""},
                                        {"create", "rbac.authorization.k8s.io", "rolebindings", ""}};
        std::set<std::string> clusterBoundRoles;
        for (const auto& b : m_s.bindings)
            if (b.cluster && b.roleRef.kind == "ClusterRole")
                clusterBoundRoles.insert(b.roleRef.name);
        for (std::size_t b = 0; b < m_s.bindings.size(); ++b) {
            const auto& binding = m_s.bindings[b];
            const auto kind = bindingKind(binding);
            const ObjectLink link {kind, binding.meta.ns, binding.meta.name};
            const auto key = objectPath(kind, binding.meta.ns, binding.meta.name);
            const bool boot = isBootstrapManaged(binding.meta);
            const auto role = m_policy.resolveRoleRef(b);
            auto roleEvidence = [&](Finding& f) {
                addEvidence(f, link, "binding", binding.roleRef.kind + ' ' + binding.roleRef.name);
                if (role) {
                    const auto& r = m_s.roles[*role];
                    addEvidence(f, {roleKind(r), r.meta.ns, r.meta.name}, "role",
                                std::to_string(m_policy.effectiveRules(*role).size()) + " rule(s)");
                    for (std::size_t i = 0; i < m_policy.effectiveRules(*role).size() && i < 4; ++i)
                        f.chains.push_back(kind + ' ' + display(binding.meta.ns, binding.meta.name) + " -> "
                                           + roleKind(r) + ' ' + display(r.meta.ns, r.meta.name) + " -> rule #"
                                           + std::to_string(i + 1) + ": "
                                           + ruleText(m_policy.effectiveRules(*role)[i].rule));
                }
            };
            bool anyMatchable = false;
            for (std::size_t k = 0; k < binding.subjects.size(); ++k) {
                const auto& sub = binding.subjects[k];
                if (sub.kind == "User" || sub.kind == "Group"
                    || (sub.kind == "ServiceAccount" && !(binding.cluster && sub.ns.empty())))
                    anyMatchable = true;
                if (sub.kind == "ServiceAccount") {
                    const auto sns = sub.ns.empty() ? binding.meta.ns : sub.ns;
                    if (sns.empty())
                        continue;
                    const std::string subjectKey = key + '@' + sns + '/' + sub.name;
                    if (!binding.cluster && sns != binding.meta.ns) {
                        bool risky = false;
                        if (role)
                            for (const auto& er : m_policy.effectiveRules(*role))
                                for (const auto& q : dangerous) {
                                    const std::string combined = *q.subresource ? std::string(q.resource) + '/' + q.subresource
                                                                                : q.resource;
                                    if (verbMatches(er.rule, q.verb) && apiGroupMatches(er.rule, q.group)
                                        && resourceMatches(er.rule, combined, q.subresource)
                                        && er.rule.resourceNames.empty())
                                        risky = true;
                                }
                        auto& f = add("RBX-BND-001", subjectKey,
                                      boot ? Severity::Info : risky ? Severity::High : Severity::Medium,
                                      kind + ' ' + display(binding.meta.ns, binding.meta.name) + " grants "
                                          + binding.roleRef.name + " to " + sns + '/' + sub.name,
                                      binding.meta.ns, link);
                        f.explanation = "ServiceAccount " + sns + '/' + sub.name + " lives in " + sns
                            + " but receives " + binding.roleRef.kind + ' ' + binding.roleRef.name + " in "
                            + binding.meta.ns + '.';
                        if (risky)
                            f.explanation += " The role lets it create pods, read or create Secrets, exec into pods "
                                             "or write bindings there.";
                        roleEvidence(f);
                        addEvidence(f, {"ServiceAccount", sns, sub.name}, "subject", "from namespace " + sns);
                    }
                    if (!m_s.findServiceAccount(sns, sub.name)) {
                        auto& f = add("RBX-BND-002", subjectKey, boot ? Severity::Info : Severity::Medium,
                                      kind + ' ' + display(binding.meta.ns, binding.meta.name)
                                          + " names missing ServiceAccount " + sns + '/' + sub.name,
                                      binding.meta.ns.empty() ? sns : binding.meta.ns, link);
                        f.explanation = "No ServiceAccount " + sns + '/' + sub.name + " exists. If one is created, it "
                            + "receives " + binding.roleRef.kind + ' ' + binding.roleRef.name
                            + (binding.cluster ? " cluster-wide" : " in " + binding.meta.ns) + " at once.";
                        roleEvidence(f);
                        addEvidence(f, {"ServiceAccount", sns, sub.name}, "subject", "missing");
                    }
                } else if (sub.kind == "Group" && !boot) {
                    const bool broadGroup = sub.name == "system:authenticated" || sub.name == "system:unauthenticated"
                        || sub.name == "system:serviceaccounts" || sub.name.rfind("system:serviceaccounts:", 0) == 0;
                    if (broadGroup && role && !m_policy.effectiveRules(*role).empty()) {
                        auto& f = add("RBX-BND-005", key + '@' + sub.name,
                                      sub.name == "system:unauthenticated" ? Severity::High : Severity::Medium,
                                      kind + ' ' + display(binding.meta.ns, binding.meta.name) + " grants "
                                          + binding.roleRef.name + " to group " + sub.name,
                                      binding.meta.ns, link);
                        f.explanation = "Group " + sub.name + " receives " + binding.roleRef.kind + ' '
                            + binding.roleRef.name + (binding.cluster ? " cluster-wide." : " in " + binding.meta.ns + '.');
                        roleEvidence(f);
                    }
                }
            }
            if (!role) {
                auto& f = add("RBX-BND-003", key, boot ? Severity::Info : Severity::Medium,
                              kind + ' ' + display(binding.meta.ns, binding.meta.name) + " references missing "
                                  + binding.roleRef.kind + ' ' + binding.roleRef.name,
                              binding.meta.ns, link);
                std::string error;
                (void)m_policy.resolveRoleRef(b, &error);
                f.explanation = "The API server reports: " + error + ". A " + binding.roleRef.kind + " created later "
                    + "with this name takes effect for its subjects immediately.";
                addEvidence(f, link, "binding", "roleRef " + binding.roleRef.kind + ' ' + binding.roleRef.name);
                for (const auto& sub : binding.subjects)
                    if (sub.kind == "ServiceAccount")
                        addEvidence(f, {"ServiceAccount", sub.ns.empty() ? binding.meta.ns : sub.ns, sub.name},
                                    "subject", "would receive it");
            }
            if (!anyMatchable) {
                auto& f = add("RBX-UNU-003", key, boot ? Severity::Info : Severity::Low,
                              kind + ' ' + display(binding.meta.ns, binding.meta.name) + " applies to nobody",
                              binding.meta.ns, link);
                f.explanation = binding.subjects.empty()
                    ? std::string("It has no subjects.")
                    : std::string("None of its subjects can match a request.");
                addEvidence(f, link, "binding", std::to_string(binding.subjects.size()) + " subject(s)");
            }
            // RoleBinding -> rules on cluster-scoped resources.
            if (!binding.cluster && role) {
                const auto& r = m_s.roles[*role];
                if (r.cluster && clusterBoundRoles.count(r.meta.name))
                    continue; // a ClusterRole also bound cluster-wide: the rules have a purpose there
                if (isBootstrapManaged(r.meta) || r.hasAggregationRule)
                    continue; // built to be bound either way
                std::vector<std::string> names;
                for (const auto& er : m_policy.effectiveRules(*role)) {
                    for (const auto& res : er.rule.resources)
                        for (const auto& g : er.rule.apiGroups)
                            if (res != "*" && g != "*" && clusterScopedResource(m_catalog, g, res)
                                && std::find(names.begin(), names.end(), res) == names.end())
                                names.push_back(res);
                    for (const auto& url : er.rule.nonResourceURLs)
                        if (std::find(names.begin(), names.end(), url) == names.end())
                            names.push_back(url);
                }
                if (!names.empty()) {
                    std::string list;
                    for (const auto& n : names)
                        list += (list.empty() ? "" : ", ") + n;
                    auto& f = add("RBX-BND-004", key, boot ? Severity::Info : Severity::Low,
                                  kind + ' ' + display(binding.meta.ns, binding.meta.name) + " grants " + list
                                      + ", which has no effect",
                                  binding.meta.ns, link);
                    f.explanation = roleKind(r) + ' ' + r.meta.name + " names " + list
                        + "; through a RoleBinding in " + binding.meta.ns
                        + " these are never granted, because requests for them carry no namespace.";
                    roleEvidence(f);
                    for (const auto& sub : binding.subjects)
                        if (sub.kind == "ServiceAccount")
                            addEvidence(f, {"ServiceAccount", sub.ns.empty() ? binding.meta.ns : sub.ns, sub.name},
                                        "subject", "believes it has this access");
                }
            }
        }
    }

    // UNU-001, UNU-002.
    void unused()
    {
        for (const auto& summary : m_summaries) {
            if (summary.ref.kind != SubjectKind::ServiceAccount || !summary.exists || summary.isDefault
                || !summary.unused())
                continue;
            const auto& ns = summary.ref.ns;
            const auto& name = summary.ref.name;
            if (controllerIdentity(ns, name))
                continue;
            const bool grants = hasDirectGrants(m_policy, ns, name);
            const ObjectLink link {"ServiceAccount", ns, name};
            auto& f = add("RBX-UNU-001", objectPath("ServiceAccount", ns, name),
                          grants || summary.legacyTokens ? Severity::Medium : Severity::Low,
                          "ServiceAccount " + display(ns, name) + " is used by no pod", ns, link);
            f.explanation = "No pod or workload of the snapshot runs as it.";
            if (grants)
                f.explanation += " It still holds RBAC permissions.";
            if (summary.legacyTokens)
                f.explanation += " It still has " + std::to_string(summary.legacyTokens) + " legacy token Secret(s).";
            addEvidence(f, link, "subject", "no pods");
            for (auto b : summary.bindings) {
                const auto& binding = m_s.bindings[b];
                addEvidence(f, {bindingKind(binding), binding.meta.ns, binding.meta.name}, "binding",
                            binding.roleRef.kind + ' ' + binding.roleRef.name);
            }
            for (const auto& secret : m_s.secrets)
                if (secret.type == kTokenType && secret.meta.ns == ns) {
                    auto it = secret.meta.annotations.find("kubernetes.io/service-account.name");
                    if (it != secret.meta.annotations.end() && it->second == name)
                        addEvidence(f, {"Secret", ns, secret.meta.name}, "token", "legacy token");
                }
        }
        // Roles nobody binds and no aggregation selects.
        std::set<std::size_t> referenced;
        for (std::size_t b = 0; b < m_s.bindings.size(); ++b)
            if (auto r = m_policy.resolveRoleRef(b))
                referenced.insert(*r);
        for (std::size_t r = 0; r < m_s.roles.size(); ++r)
            for (const auto& er : m_policy.effectiveRules(r))
                if (er.sourceRole != r)
                    referenced.insert(er.sourceRole);
        for (std::size_t r = 0; r < m_s.roles.size(); ++r) {
            const auto& role = m_s.roles[r];
            if (referenced.count(r) || isBootstrapManaged(role.meta))
                continue;
            bool aggregationSource = false; // labelled for aggregation (maybe into a role outside the snapshot)
            for (const auto& [k, v] : role.meta.labels)
                if (k.rfind("rbac.authorization.k8s.io/aggregate-to-", 0) == 0 && v == "true")
                    aggregationSource = true;
            if (aggregationSource)
                continue;
            const auto kind = roleKind(role);
            auto& f = add("RBX-UNU-002", objectPath(kind, role.meta.ns, role.meta.name), Severity::Low,
                          kind + ' ' + display(role.meta.ns, role.meta.name) + " is not bound", role.meta.ns,
                          {kind, role.meta.ns, role.meta.name});
            f.explanation = "No binding references it and no aggregated ClusterRole selects it.";
            addEvidence(f, f.object, "role", std::to_string(role.rules.size()) + " rule(s)");
        }
    }

    // CLD-001, CLD-002.
    void cloud()
    {
        for (const auto& summary : m_summaries) {
            if (summary.ref.kind != SubjectKind::ServiceAccount || summary.cloudIdentity.empty() || !summary.exists)
                continue;
            const auto key = objectPath("ServiceAccount", summary.ref.ns, summary.ref.name);
            std::vector<const Finding*> broad;
            for (const auto& f : m_out)
                if (f.severity > Severity::Info && f.object.kind == "ServiceAccount" && f.object.ns == summary.ref.ns
                    && f.object.name == summary.ref.name
                    && (f.ruleId.rfind("RBX-RBAC-", 0) == 0 || f.ruleId.rfind("RBX-ESC-", 0) == 0))
                    broad.push_back(&f);
            if (broad.empty())
                continue;
            const ObjectLink link {"ServiceAccount", summary.ref.ns, summary.ref.name};
            Finding f;
            f.ruleId = "RBX-CLD-001";
            f.id = "RBX-CLD-001:" + key;
            f.severity = Severity::High;
            f.title = "ServiceAccount " + display(summary.ref.ns, summary.ref.name)
                + " has a cloud identity and broad RBAC";
            f.ns = summary.ref.ns;
            f.object = link;
            f.source = sourceOf(link);
            f.explanation = "Workload identity: " + summary.cloudIdentity.front() + ". In Kubernetes it also: ";
            for (std::size_t i = 0; i < broad.size(); ++i)
            {
                const auto who = display(summary.ref.ns, summary.ref.name);
                const auto at = broad[i]->title.find(who);
                f.explanation += (i ? "; " : "")
                    + (at == std::string::npos ? broad[i]->title : broad[i]->title.substr(at + who.size() + 1));
            }
            f.explanation += '.';
            addEvidence(f, link, "subject", summary.cloudIdentity.front());
            for (const auto* b : broad) {
                for (std::size_t i = 0; i < b->grants.size(); ++i) {
                    bool have = false;
                    for (const auto& g : f.grants)
                        have = have || (g.binding == b->grants[i].binding && g.rule == b->grants[i].rule);
                    if (!have)
                        f.grants.push_back(b->grants[i]);
                }
                for (const auto& e : b->evidence)
                    if (e.relation == "binding" || e.relation == "role")
                        addEvidence(f, e.object, e.relation, e.detail);
            }
            for (const auto* b : broad)
                for (const auto& c : b->chains)
                    if (std::find(f.chains.begin(), f.chains.end(), c) == f.chains.end())
                        f.chains.push_back(c);
            m_out.push_back(std::move(f));
        }
        static const char* keyHints[] = {"aws_access_key_id", "aws_secret_access_key", "aws-access-key-id",
                                         "aws-secret-access-key", "azure_client_secret", "azure-client-secret",
                                         "gcp-credentials.json", "google-credentials.json", "service-account.json",
                                         "application_default_credentials.json", "key.json", "credentials.json"};
        for (const auto& secret : m_s.secrets) {
            if (secret.type == kTokenType)
                continue;
            std::vector<std::string> hits;
            for (const auto& k : secret.dataKeys) {
                const auto lk = lower(k);
                for (const char* h : keyHints)
                    if (lk == h)
                        hits.push_back(k);
            }
            if (hits.empty())
                continue;
            const ObjectLink link {"Secret", secret.meta.ns, secret.meta.name};
            std::vector<std::size_t> users;
            for (std::size_t w = 0; w < m_s.workloads.size(); ++w)
                if (m_s.workloads[w].meta.ns == secret.meta.ns)
                    for (const auto& r : m_s.workloads[w].pod.secretRefs)
                        if (r.secretName == secret.meta.name) {
                            users.push_back(w);
                            break;
                        }
            std::string keys;
            for (const auto& h : hits)
                keys += (keys.empty() ? "" : ", ") + h;
            auto& f = add("RBX-CLD-002", objectPath("Secret", secret.meta.ns, secret.meta.name),
                          users.empty() ? Severity::Medium : Severity::High,
                          "Secret " + display(secret.meta.ns, secret.meta.name) + " holds static cloud credentials",
                          secret.meta.ns, link);
            f.explanation = "Its keys (" + keys + ") are those of long-lived cloud credentials.";
            addEvidence(f, link, "secret", keys);
            for (auto w : users)
                addEvidence(f, {m_s.workloads[w].kind, secret.meta.ns, m_s.workloads[w].meta.name}, "workload",
                            "uses the Secret");
        }
    }

    const Policy& m_policy;
    const Snapshot& m_s;
    ResourceCatalog m_catalog;
    std::string m_asOf;
    int m_staleDays;
    std::vector<SubjectSummary> m_summaries;
    std::map<std::string, bool> m_broad; // SA key -> holds broad (non-bootstrap) permissions
    std::vector<Finding> m_out;
};

} // namespace

std::vector<Finding> computeFindings(const Policy& policy, const FindingsOptions& options)
{
    return Engine(policy, options).run();
}

} // namespace rbx
