// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/remediation.h"

#include "models/analysis/accessmatrix.h"
#include "models/analysis/identity.h"
#include "models/analysis/resourcecatalog.h"
#include "models/analysis/rulematch.h"
#include "models/analysis/subjects.h"

#include <algorithm>
#include <map>
#include <set>

namespace rbx {

namespace {

const char* kTokenType = "kubernetes.io/service-account-token";

std::string display(const std::string& ns, const std::string& name)
{
    return ns.empty() ? name : ns + '/' + name;
}

std::string describe(const ObjectLink& o)
{
    return o.kind + ' ' + display(o.ns, o.name);
}

bool sameObject(const ObjectLink& a, const ObjectLink& b)
{
    return a.kind == b.kind && a.ns == b.ns && a.name == b.name;
}

bool sameSubject(const Subject& a, const Subject& b)
{
    return a.kind == b.kind && a.name == b.name && a.ns == b.ns && a.apiGroup == b.apiGroup;
}

std::string bindingKind(const Binding& b)
{
    return b.cluster ? "ClusterRoleBinding" : "RoleBinding";
}

std::string roleKind(const Role& r)
{
    return r.cluster ? "ClusterRole" : "Role";
}

// ---- object lookup in a snapshot (const and mutable) -------------------------------------------------------------

template<typename S>
auto* findServiceAccount(S& s, const std::string& ns, const std::string& name)
{
    for (auto& x : s.serviceAccounts)
        if (x.meta.ns == ns && x.meta.name == name)
            return &x;
    return static_cast<decltype(&s.serviceAccounts.front())>(nullptr);
}

template<typename S>
auto* findBinding(S& s, const ObjectLink& o)
{
    for (auto& x : s.bindings)
        if (x.cluster == (o.kind == "ClusterRoleBinding") && x.meta.name == o.name && (x.cluster || x.meta.ns == o.ns))
            return &x;
    return static_cast<decltype(&s.bindings.front())>(nullptr);
}

template<typename S>
auto* findRoleObject(S& s, const ObjectLink& o)
{
    for (auto& x : s.roles)
        if (x.cluster == (o.kind == "ClusterRole") && x.meta.name == o.name && (x.cluster || x.meta.ns == o.ns))
            return &x;
    return static_cast<decltype(&s.roles.front())>(nullptr);
}

template<typename S>
auto* findWorkload(S& s, const ObjectLink& o)
{
    for (auto& x : s.workloads)
        if (x.kind == o.kind && x.meta.ns == o.ns && x.meta.name == o.name)
            return &x;
    return static_cast<decltype(&s.workloads.front())>(nullptr);
}

template<typename S>
auto* findSecret(S& s, const ObjectLink& o)
{
    for (auto& x : s.secrets)
        if (x.meta.ns == o.ns && x.meta.name == o.name)
            return &x;
    return static_cast<decltype(&s.secrets.front())>(nullptr);
}

bool exists(const Snapshot& s, const ObjectLink& o)
{
    if (o.kind == "ServiceAccount")
        return s.findServiceAccount(o.ns, o.name) != nullptr;
    if (o.kind == "RoleBinding" || o.kind == "ClusterRoleBinding")
        return findBinding(s, o) != nullptr;
    if (o.kind == "Role" || o.kind == "ClusterRole")
        return findRoleObject(s, o) != nullptr;
    if (o.kind == "Secret")
        return findSecret(s, o) != nullptr;
    return findWorkload(s, o) != nullptr;
}

template<typename T>
void eraseMeta(std::vector<T>& v, const ObjectLink& o, bool clusterKind, bool (*cluster)(const T&))
{
    v.erase(std::remove_if(v.begin(), v.end(),
                           [&](const T& x) {
                               return x.meta.name == o.name && cluster(x) == clusterKind && (clusterKind || x.meta.ns == o.ns);
                           }),
            v.end());
}

void eraseObject(Snapshot& s, const ObjectLink& o)
{
    if (o.kind == "ServiceAccount") {
        s.serviceAccounts.erase(std::remove_if(s.serviceAccounts.begin(), s.serviceAccounts.end(),
                                               [&](const ServiceAccount& x) { return x.meta.ns == o.ns && x.meta.name == o.name; }),
                                s.serviceAccounts.end());
    } else if (o.kind == "RoleBinding" || o.kind == "ClusterRoleBinding") {
        eraseMeta<Binding>(s.bindings, o, o.kind == "ClusterRoleBinding", [](const Binding& b) { return b.cluster; });
    } else if (o.kind == "Role" || o.kind == "ClusterRole") {
        eraseMeta<Role>(s.roles, o, o.kind == "ClusterRole", [](const Role& r) { return r.cluster; });
    } else if (o.kind == "Secret") {
        s.secrets.erase(std::remove_if(s.secrets.begin(), s.secrets.end(),
                                       [&](const Secret& x) { return x.meta.ns == o.ns && x.meta.name == o.name; }),
                        s.secrets.end());
    } else {
        s.workloads.erase(std::remove_if(s.workloads.begin(), s.workloads.end(),
                                         [&](const Workload& x) {
                                             return x.kind == o.kind && x.meta.ns == o.ns && x.meta.name == o.name;
                                         }),
                          s.workloads.end());
    }
}

// ---- building blocks of fixes -------------------------------------------------------------------------------------

bool namesServiceAccount(const Binding& b, const Subject& sub, const std::string& ns, const std::string& name)
{
    if (sub.kind == "ServiceAccount")
        return sub.name == name && (sub.ns.empty() ? (!b.cluster && b.meta.ns == ns) : sub.ns == ns);
    return sub.kind == "User" && sub.name == serviceAccountUsername(ns, name);
}

// Removes the ServiceAccount from the binding, or deletes the binding when nothing else is left in it.
void removeServiceAccount(const Binding& b, const std::string& ns, const std::string& name, Fix& fix)
{
    const ObjectLink link {bindingKind(b), b.meta.ns, b.meta.name};
    std::vector<Subject> matching;
    for (const auto& sub : b.subjects)
        if (namesServiceAccount(b, sub, ns, name))
            matching.push_back(sub);
    if (matching.empty())
        return;
    if (matching.size() == b.subjects.size()) {
        Operation op;
        op.kind = Operation::Kind::Delete;
        op.target = link;
        fix.ops.push_back(op);
        return;
    }
    for (const auto& sub : matching) {
        Operation op;
        op.kind = Operation::Kind::RemoveSubject;
        op.target = link;
        op.subject = sub;
        fix.ops.push_back(op);
    }
}

void removeSubject(const Binding& b, const Subject& sub, Fix& fix)
{
    const ObjectLink link {bindingKind(b), b.meta.ns, b.meta.name};
    Operation op;
    op.target = link;
    if (b.subjects.size() <= 1) {
        op.kind = Operation::Kind::Delete;
    } else {
        op.kind = Operation::Kind::RemoveSubject;
        op.subject = sub;
    }
    fix.ops.push_back(op);
}

std::string uniqueName(const Snapshot& s, const std::string& kind, const std::string& ns, std::string name)
{
    auto taken = [&](const std::string& n) { return exists(s, {kind, ns, n}); };
    if (!taken(name))
        return name;
    for (int i = 2;; ++i) {
        const auto candidate = name + (kind == "ServiceAccount" ? "-sa" : "-narrowed") + (i > 2 ? std::to_string(i - 1) : "");
        if (!taken(candidate))
            return candidate;
    }
}

// Narrows a ClusterRoleBinding for one ServiceAccount to a RoleBinding in the ServiceAccount's namespace.
void narrow(const Snapshot& s, const Binding& b, const std::string& ns, const std::string& name, Fix& fix)
{
    removeServiceAccount(b, ns, name, fix);
    Operation create;
    create.kind = Operation::Kind::CreateRoleBinding;
    create.target = {"RoleBinding", ns, uniqueName(s, "RoleBinding", ns, b.meta.name)};
    // What the ClusterRole grants on cluster-scoped resources does nothing through a RoleBinding: that is lost.
    fix.residual.push_back("RBX-BND-004:RoleBinding/" + ns + '/' + create.target.name);
    create.roleRef = b.roleRef;
    create.subjects = {{"ServiceAccount", {}, name, ns}};
    fix.ops.push_back(create);
}

// The bindings behind a finding's grants that a patch can change: not Kubernetes' bootstrap policy (the API server
// restores it) and naming the ServiceAccount itself, not a group.
struct GrantSplit
{
    std::vector<std::size_t> removable;
    std::vector<std::string> kept; // why the rest stays
};

GrantSplit splitGrants(const Snapshot& s, const Finding& f)
{
    GrantSplit out;
    std::set<std::size_t> seen;
    for (const auto& g : f.grants) {
        if (!seen.insert(g.binding).second)
            continue;
        const auto& b = s.bindings[g.binding];
        const auto& sub = b.subjects[g.subject];
        if (isBootstrapManaged(b.meta))
            out.kept.push_back(bindingKind(b) + ' ' + display(b.meta.ns, b.meta.name)
                               + " is Kubernetes' bootstrap policy (the API server restores it)");
        else if (sub.kind == "Group")
            out.kept.push_back(bindingKind(b) + ' ' + display(b.meta.ns, b.meta.name) + " grants through group "
                               + sub.name + ", which covers other identities too");
        else
            out.removable.push_back(g.binding);
    }
    return out;
}

Fix makeFix(const Finding& f, int n, std::string title, std::string reason)
{
    Fix fix;
    fix.id = f.id + '#' + std::to_string(n);
    fix.findingId = f.id;
    fix.title = std::move(title);
    fix.reason = std::move(reason);
    return fix;
}

bool isTemplate(const Workload& w)
{
    return w.kind != "Pod";
}

// Findings a removal may bring up by design: pods whose ServiceAccount loses its last grant now hold a token they have
// no use for (RBX-WL-002), and a ServiceAccount that loses a cluster-wide grant may keep the namespace-level one.
void removalResidual(const Snapshot& s, const std::string& ns, const std::string& name, Fix& fix)
{
    auto add = [&](std::string id) {
        if (std::find(fix.residual.begin(), fix.residual.end(), id) == fix.residual.end())
            fix.residual.push_back(std::move(id));
    };
    for (std::size_t i = 0; i < s.workloads.size(); ++i) {
        const auto& w = s.workloads[i];
        if (w.meta.ns == ns && (name.empty() || serviceAccountOf(w) == name) && !isMirrorPod(w) && rootWorkload(s, i) == i)
            add("RBX-WL-002:" + w.kind + '/' + w.meta.ns + '/' + w.meta.name);
    }
    if (!name.empty())
        add("RBX-RBAC-004:ServiceAccount/" + ns + '/' + name);
}

// A note for pod templates that another controller generates from its own resource.
void ownerNote(const Workload& w, Fix& fix)
{
    for (const auto& o : w.meta.ownerReferences)
        if (o.controller)
            fix.notes.push_back(w.kind + ' ' + display(w.meta.ns, w.meta.name) + " is managed by " + o.kind + ' '
                                + o.name + " (" + o.apiVersion + "): make the same change there, or the controller "
                                + "may undo it.");
}

// Pod templates that run as this ServiceAccount, inherit its automount setting and show API use: they get an
// explicit opt-in so that turning the ServiceAccount's setting off does not take their token away.
void optInDependents(const Policy& policy, const std::string& ns, const std::string& name, Fix& fix)
{
    const auto& s = policy.snapshot();
    for (std::size_t i = 0; i < s.workloads.size(); ++i) {
        const auto& w = s.workloads[i];
        if (w.meta.ns != ns || serviceAccountOf(w) != name || isMirrorPod(w) || rootWorkload(s, i) != i)
            continue;
        if (w.pod.automountServiceAccountToken)
            continue;
        if (!isTemplate(w)) {
            fix.notes.push_back("Pod " + display(ns, w.meta.name) + " keeps the token it was admitted with; a "
                                + "re-created copy gets none unless it opts in.");
            continue;
        }
        if (!apiUseEvidence(policy, w))
            continue;
        Operation op;
        op.kind = Operation::Kind::SetPodAutomount;
        op.target = {w.kind, ns, w.meta.name};
        op.flag = true;
        fix.ops.push_back(op);
        ownerNote(w, fix);
    }
}

const std::set<std::string>& escalationSubresources()
{
    static const std::set<std::string> s {"pods/exec",
                                          "pods/attach",
                                          "pods/portforward",
                                          "pods/proxy",
                                          "pods/ephemeralcontainers",
                                          "nodes/proxy",
                                          "services/proxy",
                                          "serviceaccounts/token",
                                          "certificatesigningrequests/approval"};
    return s;
}

// Explicit rules for a role's wildcard rules: the resource types this cluster serves, the ordinary verbs, no
// escalation verbs or subresources.
std::vector<PolicyRule> expandWildcards(const Snapshot& s, const Role& role, bool namespacedOnly,
                                        std::vector<std::string>& notes)
{
    const ResourceCatalog catalog(s);
    const std::vector<std::string> verbs {"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"};
    std::vector<PolicyRule> out;
    auto has = [](const std::vector<std::string>& v, const char* x) { return std::find(v.begin(), v.end(), x) != v.end(); };
    for (const auto& rule : role.rules) {
        const bool wildVerbs = has(rule.verbs, "*");
        if (!rule.nonResourceURLs.empty()) {
            PolicyRule r = rule;
            if (has(rule.nonResourceURLs, "*")) {
                r.nonResourceURLs = {"/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/readyz", "/version"};
                notes.push_back("nonResourceURLs \"*\" became the discovery, health and version endpoints.");
            }
            if (wildVerbs)
                r.verbs = {"get"};
            out.push_back(std::move(r));
            continue;
        }
        const bool wildGroups = has(rule.apiGroups, "*");
        const bool wildResources = has(rule.resources, "*");
        if (!wildVerbs && !wildGroups && !wildResources) {
            out.push_back(rule);
            continue;
        }
        std::map<std::string, std::set<std::string>> byGroup;
        for (const auto& t : catalog.types()) {
            if (!wildGroups && !has(rule.apiGroups, t.group.c_str()))
                continue;
            if (namespacedOnly && !t.namespaced)
                continue;
            auto add = [&](const std::string& res) {
                if (wildResources || has(rule.resources, res.c_str()))
                    if (!escalationSubresources().count(res))
                        byGroup[t.group].insert(res);
            };
            add(t.plural);
            for (const auto& sub : t.subresources)
                add(t.plural + '/' + sub);
        }
        // Resources the rule names that the catalogue does not know stay as they are, in the groups named.
        if (!wildResources && !wildGroups)
            for (const auto& g : rule.apiGroups)
                for (const auto& r : rule.resources)
                    if (!catalog.find(g, r.substr(0, r.find('/'))))
                        byGroup[g].insert(r);
        for (const auto& [group, resources] : byGroup) {
            PolicyRule r;
            r.apiGroups = {group};
            r.resources.assign(resources.begin(), resources.end());
            r.resourceNames = rule.resourceNames;
            if (wildVerbs) {
                r.verbs = verbs;
            } else {
                for (const auto& v : rule.verbs)
                    r.verbs.push_back(v);
            }
            out.push_back(std::move(r));
        }
    }
    if (std::any_of(role.rules.begin(), role.rules.end(), [&](const PolicyRule& r) { return has(r.verbs, "*"); }))
        notes.push_back("Verbs \"*\" became get, list, watch, create, update, patch, delete, deletecollection: bind, "
                        "escalate, impersonate, approve and the like are gone.");
    notes.push_back("Resources \"*\" became the " + std::string(namespacedOnly ? "namespaced " : "")
                    + "resource types this cluster serves (built-in and custom), without exec, attach, port-forward, "
                      "proxy, ephemeral containers, token requests and CSR approval. Cut the list down to what the "
                      "workload uses.");
    return out;
}

std::string workloadLabel(const Workload& w)
{
    return w.kind + ' ' + display(w.meta.ns, w.meta.name);
}

} // namespace

// ---- fixes per rule -----------------------------------------------------------------------------------------------

Fix kyvernoDefaultServiceAccountFix()
{
    Fix fix;
    fix.id = kKyvernoFixId;
    fix.title = "Kyverno ClusterPolicy: default ServiceAccounts never mount tokens";
    fix.reason = "Admission keeps automountServiceAccountToken: false on every ServiceAccount named default, including "
                 "those of namespaces created later.";
    Operation op;
    op.kind = Operation::Kind::CreateKyvernoPolicy;
    op.target = {"ClusterPolicy", {}, "rbx-default-serviceaccount-no-automount"};
    fix.ops.push_back(op);
    fix.notes.push_back("Needs Kyverno in the cluster (kyverno.io/v1 ClusterPolicy). It mutates ServiceAccounts when "
                        "they are created or updated: existing ones change only with the patches of RBX-SA-001.");
    fix.resolves = false;
    return fix;
}

std::vector<Fix> fixesFor(const Policy& policy, const Finding& f)
{
    const auto& s = policy.snapshot();
    std::vector<Fix> fixes;
    const auto& rule = f.ruleId;
    const ObjectLink& obj = f.object;

    auto saRemovalFixes = [&](const std::string& what) {
        const auto split = splitGrants(s, f);
        if (split.removable.empty())
            return;
        auto fix = makeFix(f, 1, "Remove " + display(obj.ns, obj.name) + " from the binding(s) that " + what,
                           "Removing the ServiceAccount from these bindings takes the grant away (they " + what
                               + ") and leaves the roles to their other subjects.");
        for (auto b : split.removable)
            removeServiceAccount(s.bindings[b], obj.ns, obj.name, fix);
        fix.notes = split.kept;
        fix.resolves = split.kept.empty();
        removalResidual(s, obj.ns, obj.name, fix);
        fixes.push_back(std::move(fix));
        // Narrowing: ClusterRoleBindings become RoleBindings in the ServiceAccount's own namespace.
        std::vector<std::size_t> clusterOnes;
        for (auto b : split.removable)
            if (s.bindings[b].cluster)
                clusterOnes.push_back(b);
        if (clusterOnes.empty() || !split.kept.empty())
            return;
        auto n = makeFix(f, 2, "Narrow the ClusterRoleBinding(s) to a RoleBinding in " + obj.ns,
                         "The ServiceAccount keeps the role where its workloads run (namespace " + obj.ns
                             + ") and loses it everywhere else.");
        for (auto b : clusterOnes)
            narrow(s, s.bindings[b], obj.ns, obj.name, n);
        for (auto b : split.removable)
            if (!s.bindings[b].cluster)
                removeServiceAccount(s.bindings[b], obj.ns, obj.name, n);
        removalResidual(s, obj.ns, obj.name, n);
        n.notes.push_back("Within " + obj.ns + " the role still grants everything it did.");
        // Rules about cluster-wide access go away; the others stay, limited to the namespace.
        n.resolves = rule == "RBX-RBAC-001" || rule == "RBX-RBAC-003";
        if (!n.resolves)
            n.notes.push_back("The finding stays, limited to namespace " + obj.ns + '.');
        fixes.push_back(std::move(n));
    };

    if (rule == "RBX-SA-001" || rule == "RBX-SA-003") {
        auto fix = makeFix(f, 1, "Turn off token automount on ServiceAccount " + display(obj.ns, obj.name),
                           "Pods get a token only when their template asks for one. Templates that use the API keep "
                           "their token through an explicit automountServiceAccountToken: true.");
        Operation op;
        op.kind = Operation::Kind::SetServiceAccountAutomount;
        op.target = obj;
        op.flag = false;
        fix.ops.push_back(op);
        optInDependents(policy, obj.ns, obj.name, fix);
        fix.notes.push_back("Running pods keep the token they were admitted with until they are replaced.");
        fixes.push_back(std::move(fix));
        if (rule == "RBX-SA-001") {
            auto k = kyvernoDefaultServiceAccountFix();
            k.findingId = f.id;
            fixes.push_back(std::move(k));
        }
    } else if (rule == "RBX-SA-002") {
        auto fix = makeFix(f, 1, "Remove the default ServiceAccount of " + obj.ns + " from its bindings",
                           "Permissions given to the default ServiceAccount reach every pod that names no "
                           "ServiceAccount; they belong to dedicated ServiceAccounts of the workloads that need them.");
        std::vector<std::string> kept;
        for (const auto& e : f.evidence) {
            if (e.relation != "binding")
                continue;
            const auto* b = findBinding(s, e.object);
            if (!b)
                continue;
            if (isBootstrapManaged(b->meta)) {
                kept.push_back(describe(e.object) + " is Kubernetes' bootstrap policy");
                continue;
            }
            removeServiceAccount(*b, obj.ns, "default", fix);
        }
        removalResidual(s, obj.ns, "default", fix);
        fix.notes = kept;
        fix.resolves = kept.empty();
        if (!fix.ops.empty())
            fixes.push_back(std::move(fix));
    } else if (rule == "RBX-WL-001" || rule == "RBX-WL-002") {
        const auto* w = findWorkload(s, obj);
        if (w && isTemplate(*w)) {
            if (rule == "RBX-WL-001") {
                const auto name = uniqueName(s, "ServiceAccount", obj.ns, w->meta.name);
                const bool evidence = apiUseEvidence(policy, *w);
                const bool mounted = automountOf(s, *w).mounted;
                auto fix = makeFix(f, 1, "Run " + workloadLabel(*w) + " as a new ServiceAccount " + display(obj.ns, name),
                                   "A ServiceAccount of its own lets the workload's permissions be granted and reviewed "
                                   "alone, and takes it off the namespace's shared default identity.");
                Operation create;
                create.kind = Operation::Kind::CreateServiceAccount;
                create.target = {"ServiceAccount", obj.ns, name};
                create.flag = false;
                fix.ops.push_back(create);
                Operation sa;
                sa.kind = Operation::Kind::SetServiceAccountName;
                sa.target = obj;
                sa.value = name;
                fix.ops.push_back(sa);
                Operation am;
                am.kind = Operation::Kind::SetPodAutomount;
                am.target = obj;
                am.flag = mounted && evidence;
                fix.ops.push_back(am);
                if (am.flag)
                    fix.notes.push_back("The pods keep a token (explicit opt-in), but the new ServiceAccount has no "
                                        "permissions yet: bind it to what the workload uses before rolling out.");
                else
                    fix.notes.push_back("The pods get no token any more: nothing shows that they call the API.");
                ownerNote(*w, fix);
                fixes.push_back(std::move(fix));
            } else {
                auto fix = makeFix(f, 1, "Stop mounting a token into " + workloadLabel(*w),
                                   "Nothing shows that these pods call the API; without a token, a break-in to the "
                                   "container cannot use their ServiceAccount.");
                Operation am;
                am.kind = Operation::Kind::SetPodAutomount;
                am.target = obj;
                am.flag = false;
                fix.ops.push_back(am);
                ownerNote(*w, fix);
                fixes.push_back(std::move(fix));
            }
        }
    } else if (rule == "RBX-TOK-001" || rule == "RBX-TOK-002" || rule == "RBX-TOK-003") {
        // The token Secret and the templates that reference it.
        ObjectLink secretLink = obj;
        if (rule == "RBX-TOK-003")
            for (const auto& e : f.evidence)
                if (e.object.kind == "Secret")
                    secretLink = e.object;
        const auto* secret = findSecret(s, secretLink);
        if (!secret)
            return fixes;
        std::vector<Operation> volumeOps;
        std::vector<std::string> blockers;
        std::set<std::size_t> roots;
        for (std::size_t i = 0; i < s.workloads.size(); ++i) {
            const auto& w = s.workloads[i];
            if (w.meta.ns != secret->meta.ns)
                continue;
            for (const auto& r : w.pod.secretRefs)
                if (r.secretName == secret->meta.name && r.via != SecretRefVia::ImagePullSecret)
                    roots.insert(rootWorkload(s, i));
        }
        for (auto r : roots) {
            const auto& w = s.workloads[r];
            if (rule == "RBX-TOK-003" && !sameObject({w.kind, w.meta.ns, w.meta.name}, obj))
                continue;
            for (const auto& ref : w.pod.secretRefs) {
                if (ref.secretName != secret->meta.name)
                    continue;
                if (ref.via == SecretRefVia::Volume && isTemplate(w)) {
                    Operation op;
                    op.kind = Operation::Kind::ReplaceSecretVolume;
                    op.target = {w.kind, w.meta.ns, w.meta.name};
                    op.value = ref.where;
                    op.value2 = secret->meta.name;
                    volumeOps.push_back(op);
                } else {
                    blockers.push_back(workloadLabel(w) + " references it through "
                                       + (ref.via == SecretRefVia::Volume ? "a volume of a bare pod"
                                          : ref.via == SecretRefVia::ProjectedVolume ? "a projected volume"
                                                                                     : "the environment"));
                }
            }
        }
        if (!blockers.empty())
            return fixes;
        std::string saName;
        if (auto it = secret->meta.annotations.find("kubernetes.io/service-account.name");
            it != secret->meta.annotations.end())
            saName = it->second;
        if (!volumeOps.empty()) {
            auto fix = makeFix(f, 1,
                               rule == "RBX-TOK-003" ? "Mount a projected, expiring token instead of Secret " + secret->meta.name
                                                     : "Move pods to a projected token, then delete Secret " + secret->meta.name,
                               "A projected serviceAccountToken volume holds a token that expires after an hour, is "
                               "bound to the pod and is refreshed by the kubelet; the files (token, ca.crt, namespace) "
                               "and the mount path stay the same.");
            for (auto& op : volumeOps) {
                const auto* w = findWorkload(s, op.target);
                if (w && serviceAccountOf(*w) != saName)
                    fix.notes.push_back(workloadLabel(*w) + " runs as " + serviceAccountOf(*w) + ", but the Secret holds a "
                                        + "token of " + saName + ": the projected token is " + serviceAccountOf(*w)
                                        + "'s, so the pods change identity.");
                if (w)
                    ownerNote(*w, fix);
                fix.ops.push_back(op);
            }
            if (rule != "RBX-TOK-003") {
                Operation del;
                del.kind = Operation::Kind::Delete;
                del.target = secretLink;
                fix.ops.push_back(del);
                fix.notes.push_back("Delete the Secret only after the pods have rolled out with the projected volume.");
            }
            fixes.push_back(std::move(fix));
        } else if (rule != "RBX-TOK-003") {
            auto fix = makeFix(f, 1, "Delete legacy token Secret " + display(secret->meta.ns, secret->meta.name),
                               rule == "RBX-TOK-002"
                                   ? "The token is stale; deleting the Secret revokes a credential nobody uses."
                                   : "The token never expires; its users should request short-lived tokens "
                                     "(kubectl create token, TokenRequest) instead.");
            Operation del;
            del.kind = Operation::Kind::Delete;
            del.target = secretLink;
            fix.ops.push_back(del);
            if (rule == "RBX-TOK-001")
                fix.notes.push_back("It was used recently: move its users to short-lived tokens first, or they break.");
            fixes.push_back(std::move(fix));
        }
    } else if (rule == "RBX-TOK-004") {
        auto fix = makeFix(f, 1, "Limit cloud tokens of " + display(obj.ns, obj.name) + " to one hour",
                           "The EKS pod identity webhook reads eks.amazonaws.com/token-expiration from the "
                           "ServiceAccount and projects tokens with that lifetime.");
        Operation op;
        op.kind = Operation::Kind::SetAnnotation;
        op.target = obj;
        op.value = "eks.amazonaws.com/token-expiration";
        op.value2 = "3600";
        fix.ops.push_back(op);
        fix.notes.push_back("Takes effect for pods created after the change.");
        fixes.push_back(std::move(fix));
    } else if (rule == "RBX-RBAC-001") {
        saRemovalFixes("make it cluster-admin");
    } else if (rule == "RBX-RBAC-003") {
        saRemovalFixes("let it read Secrets in every namespace");
    } else if (rule == "RBX-RBAC-004") {
        saRemovalFixes("let it read Secrets");
    } else if (rule.rfind("RBX-ESC-", 0) == 0) {
        std::string what = f.title;
        const auto at = what.find(" can ");
        saRemovalFixes(at == std::string::npos ? std::string("grant this") : "let it " + what.substr(at + 5));
    } else if (rule == "RBX-CLD-001") {
        saRemovalFixes("give it broad permissions");
    } else if (rule == "RBX-RBAC-002") {
        const auto* role = findRoleObject(s, obj);
        if (role && !isBootstrapManaged(role->meta) && !role->hasAggregationRule) {
            bool clusterBound = false;
            for (const auto& b : s.bindings)
                if (b.cluster && b.roleRef.kind == "ClusterRole" && role->cluster && b.roleRef.name == role->meta.name)
                    clusterBound = true;
            auto fix = makeFix(f, 1, "Replace the wildcards of " + describe(obj) + " by explicit lists",
                               "Explicit resources and verbs stop the role from growing with every new resource type "
                               "and drop the escalation verbs and subresources.");
            Operation op;
            op.kind = Operation::Kind::ReplaceRules;
            op.target = obj;
            op.rules = expandWildcards(s, *role, !clusterBound, fix.notes);
            fix.ops.push_back(op);
            fixes.push_back(std::move(fix));
        }
    } else if (rule == "RBX-BND-001" || rule == "RBX-BND-002") {
        const auto* b = findBinding(s, obj);
        if (b && !isBootstrapManaged(b->meta)) {
            const auto at = f.id.rfind('@');
            const auto who = f.id.substr(at + 1);
            const auto slash = who.find('/');
            const auto sns = who.substr(0, slash), sname = who.substr(slash + 1);
            auto fix = makeFix(f, 1,
                               "Remove " + sns + '/' + sname + " from " + describe(obj),
                               rule == "RBX-BND-001"
                                   ? "The ServiceAccount of namespace " + sns + " loses what the binding grants in "
                                         + obj.ns + '.'
                                   : "Nobody holds the grant today; removing the subject keeps a future ServiceAccount "
                                     "of that name from inheriting it.");
            removeServiceAccount(*b, sns, sname, fix);
            removalResidual(s, sns, sname, fix);
            fixes.push_back(std::move(fix));
        }
    } else if (rule == "RBX-BND-003" || rule == "RBX-UNU-003") {
        const auto* b = findBinding(s, obj);
        if (b && !isBootstrapManaged(b->meta)) {
            auto fix = makeFix(f, 1, "Delete " + describe(obj),
                               rule == "RBX-BND-003" ? "It grants nothing today and would grant at once if the role "
                                                       "appeared."
                                                     : "It applies to nobody.");
            Operation del;
            del.kind = Operation::Kind::Delete;
            del.target = obj;
            fix.ops.push_back(del);
            fixes.push_back(std::move(fix));
        }
    } else if (rule == "RBX-BND-004") {
        const auto* b = findBinding(s, obj);
        if (b && !isBootstrapManaged(b->meta)) {
            const ObjectLink roleLink {b->roleRef.kind, b->roleRef.kind == "Role" ? b->meta.ns : std::string(),
                                       b->roleRef.name};
            const auto* role = findRoleObject(s, roleLink);
            if (role && !isBootstrapManaged(role->meta) && !role->hasAggregationRule) {
                const ResourceCatalog catalog(s);
                std::vector<PolicyRule> kept;
                for (const auto& r : role->rules) {
                    if (!r.nonResourceURLs.empty())
                        continue;
                    PolicyRule copy = r;
                    copy.resources.clear();
                    for (const auto& res : r.resources) {
                        bool clusterScoped = res != "*";
                        for (const auto& g : r.apiGroups) {
                            const auto* t = catalog.find(g, res.substr(0, res.find('/')));
                            clusterScoped = clusterScoped && g != "*" && t && !t->namespaced;
                        }
                        if (!clusterScoped)
                            copy.resources.push_back(res);
                    }
                    if (!copy.resources.empty())
                        kept.push_back(std::move(copy));
                }
                if (kept.empty()) {
                    auto fix = makeFix(f, 1, "Delete " + describe(obj) + " and " + describe(roleLink),
                                       "Everything the role names is cluster-scoped, so through a RoleBinding it grants "
                                       "nothing: both objects only mislead.");
                    Operation del;
                    del.kind = Operation::Kind::Delete;
                    del.target = obj;
                    fix.ops.push_back(del);
                    bool otherUse = false;
                    for (const auto& other : s.bindings)
                        if (!sameObject({bindingKind(other), other.meta.ns, other.meta.name}, obj)
                            && other.roleRef.kind == roleLink.kind && other.roleRef.name == roleLink.name
                            && (roleLink.kind == "ClusterRole" || other.meta.ns == roleLink.ns))
                            otherUse = true;
                    if (!otherUse) {
                        Operation delRole;
                        delRole.kind = Operation::Kind::Delete;
                        delRole.target = roleLink;
                        fix.ops.push_back(delRole);
                    }
                    fix.notes.push_back("If the ServiceAccount needs these resources, grant them on purpose with a "
                                        "ClusterRole and a ClusterRoleBinding.");
                    for (const auto& sub : b->subjects)
                        if (sub.kind == "ServiceAccount")
                            removalResidual(s, sub.ns.empty() ? b->meta.ns : sub.ns, sub.name, fix);
                    fixes.push_back(std::move(fix));
                } else {
                    auto fix = makeFix(f, 1, "Remove the cluster-scoped resources from " + describe(roleLink),
                                       "Through a RoleBinding these rules grant nothing; removing them makes the role "
                                       "say what it does.");
                    Operation op;
                    op.kind = Operation::Kind::ReplaceRules;
                    op.target = roleLink;
                    op.rules = kept;
                    fix.ops.push_back(op);
                    fixes.push_back(std::move(fix));
                }
            }
        }
    } else if (rule == "RBX-BND-005") {
        const auto* b = findBinding(s, obj);
        if (b) {
            const auto group = f.id.substr(f.id.rfind('@') + 1);
            auto fix = makeFix(f, 1, "Remove group " + group + " from " + describe(obj),
                               "The group stands for far more identities than the role was meant for.");
            for (const auto& sub : b->subjects)
                if (sub.kind == "Group" && sub.name == group)
                    removeSubject(*b, sub, fix);
            const std::string prefix = "system:serviceaccounts:";
            for (const auto& ns : policy.knownNamespaces())
                if (group.rfind(prefix, 0) != 0 || group.substr(prefix.size()) == ns)
                    removalResidual(s, ns, {}, fix);
            fix.notes.push_back("Bind the ServiceAccounts that need the role by name instead.");
            fixes.push_back(std::move(fix));
        }
    } else if (rule == "RBX-UNU-001") {
        const auto* sa = s.findServiceAccount(obj.ns, obj.name);
        if (sa) {
            auto fix = makeFix(f, 1, "Delete ServiceAccount " + display(obj.ns, obj.name) + ", its tokens and bindings",
                               "Nothing runs as it; its permissions and tokens can only be misused.");
            bool blocked = false;
            for (const auto& t : legacyTokens(s, snapshotDate(s), 90)) {
                const auto& secret = s.secrets[t.secret];
                if (secret.meta.ns != obj.ns || t.serviceAccount != obj.name)
                    continue;
                if (!t.referencedBy.empty())
                    blocked = true;
                Operation del;
                del.kind = Operation::Kind::Delete;
                del.target = {"Secret", secret.meta.ns, secret.meta.name};
                fix.ops.push_back(del);
                if (!t.lastUsed.empty())
                    fix.notes.push_back("Token " + secret.meta.name + " was last used " + t.lastUsed
                                        + ": check who holds it first.");
            }
            for (const auto& b : s.bindings) {
                if (isBootstrapManaged(b.meta))
                    continue;
                removeServiceAccount(b, obj.ns, obj.name, fix);
            }
            Operation del;
            del.kind = Operation::Kind::Delete;
            del.target = obj;
            fix.ops.push_back(del);
            if (!blocked)
                fixes.push_back(std::move(fix));
        }
    } else if (rule == "RBX-UNU-002") {
        const auto* role = findRoleObject(s, obj);
        if (role) {
            auto fix = makeFix(f, 1, "Delete " + describe(obj), "No binding uses it and no aggregation selects it.");
            Operation del;
            del.kind = Operation::Kind::Delete;
            del.target = obj;
            fix.ops.push_back(del);
            fixes.push_back(std::move(fix));
        }
    } else if (rule == "RBX-CLD-002") {
        auto fix = makeFix(f, 1, "Delete Secret " + display(obj.ns, obj.name) + " after moving to workload identity",
                           "Static cloud keys do not expire; workload identity issues short-lived ones.");
        Operation del;
        del.kind = Operation::Kind::Delete;
        del.target = obj;
        fix.ops.push_back(del);
        fix.notes.push_back("First annotate the workload's ServiceAccount for workload identity, remove the keys from "
                            "its pods and deactivate them at the cloud provider.");
        fixes.push_back(std::move(fix));
    }
    // A fix without operations helps nobody.
    fixes.erase(std::remove_if(fixes.begin(), fixes.end(), [](const Fix& x) { return x.ops.empty(); }), fixes.end());
    return fixes;
}

std::string noFixReason(const Policy& policy, const Finding& f)
{
    const auto& s = policy.snapshot();
    if (const auto split = splitGrants(s, f); !f.grants.empty() && split.removable.empty() && !split.kept.empty())
        return split.kept.front() + "; waive the finding with a note if the access is expected";
    if (f.ruleId.rfind("RBX-WL-", 0) == 0)
        return "a bare pod cannot change its ServiceAccount or automount setting; change what creates it";
    if (f.ruleId.rfind("RBX-TOK-", 0) == 0)
        return "pods reference the token through the environment or a projected volume: change the application to "
               "read a projected token file first";
    if (f.ruleId == "RBX-UNU-001")
        return "a pod references one of its token Secrets";
    for (const auto& e : f.evidence)
        if ((e.relation == "binding" || e.relation == "role")) {
            const auto* b = findBinding(s, e.object);
            const auto* r = findRoleObject(s, e.object);
            if ((b && isBootstrapManaged(b->meta)) || (r && isBootstrapManaged(r->meta)))
                return describe(e.object) + " is Kubernetes' bootstrap policy, which the API server restores; waive the "
                                            "finding with a note if the access is expected";
        }
    return "no automatic fix for this case; follow the runbook";
}

// ---- the plan -----------------------------------------------------------------------------------------------------

std::vector<std::string> RemediationPlan::findingIds() const
{
    std::vector<std::string> ids;
    for (const auto& f : fixes)
        if (!f.findingId.empty() && std::find(ids.begin(), ids.end(), f.findingId) == ids.end())
            ids.push_back(f.findingId);
    return ids;
}

std::vector<const PlannedStep*> RemediationPlan::created() const
{
    std::vector<const PlannedStep*> out;
    for (const auto& s : steps)
        if (s.op.kind == Operation::Kind::CreateServiceAccount || s.op.kind == Operation::Kind::CreateRoleBinding
            || s.op.kind == Operation::Kind::CreateKyvernoPolicy)
            out.push_back(&s);
    return out;
}

std::vector<const PlannedStep*> RemediationPlan::patchSteps() const
{
    std::vector<const PlannedStep*> out;
    for (const auto& s : steps)
        if (s.op.kind != Operation::Kind::CreateServiceAccount && s.op.kind != Operation::Kind::CreateRoleBinding
            && s.op.kind != Operation::Kind::CreateKyvernoPolicy)
            out.push_back(&s);
    return out;
}

std::string apiVersionOf(const Snapshot& s, const ObjectLink& o)
{
    if (o.kind == "ServiceAccount" || o.kind == "Secret" || o.kind == "Namespace")
        return "v1";
    if (o.kind == "Role" || o.kind == "ClusterRole" || o.kind == "RoleBinding" || o.kind == "ClusterRoleBinding")
        return "rbac.authorization.k8s.io/v1";
    if (o.kind == "ClusterPolicy")
        return "kyverno.io/v1";
    if (const auto* w = findWorkload(s, o); w && !w->apiVersion.empty())
        return w->apiVersion;
    if (o.kind == "Pod")
        return "v1";
    if (o.kind == "Job" || o.kind == "CronJob")
        return "batch/v1";
    return "apps/v1";
}

namespace {

SourceRef newSource(const ObjectLink& o)
{
    SourceRef src;
    src.file = "(new) " + o.kind + ' ' + display(o.ns, o.name);
    return src;
}

// Applies one operation to the after-state. Returns false (with why) when it does not apply.
bool apply(Snapshot& s, PlannedStep& step, std::string& why)
{
    auto& op = step.op;
    switch (op.kind) {
    case Operation::Kind::SetServiceAccountAutomount: {
        auto* sa = findServiceAccount(s, op.target.ns, op.target.name);
        if (!sa) {
            why = "not in the snapshot";
            return false;
        }
        sa->automountServiceAccountToken = op.flag;
        return true;
    }
    case Operation::Kind::SetPodAutomount:
    case Operation::Kind::SetServiceAccountName:
    case Operation::Kind::ReplaceSecretVolume: {
        auto* w = findWorkload(s, op.target);
        if (!w) {
            why = "not in the snapshot";
            return false;
        }
        if (op.kind == Operation::Kind::SetPodAutomount) {
            w->pod.automountServiceAccountToken = op.flag;
        } else if (op.kind == Operation::Kind::SetServiceAccountName) {
            w->pod.serviceAccountName = op.value;
        } else {
            auto& refs = w->pod.secretRefs;
            const auto before = refs.size();
            refs.erase(std::remove_if(refs.begin(), refs.end(),
                                      [&](const PodSecretRef& r) {
                                          return r.via == SecretRefVia::Volume && r.where == op.value
                                              && r.secretName == op.value2;
                                      }),
                       refs.end());
            if (refs.size() == before) {
                why = "volume " + op.value + " no longer mounts Secret " + op.value2;
                return false;
            }
            w->pod.projectedTokens.push_back({op.value, {}, 3600, "token"});
        }
        return true;
    }
    case Operation::Kind::RemoveSubject: {
        auto* b = findBinding(s, op.target);
        if (!b) {
            why = "not in the snapshot";
            return false;
        }
        for (std::size_t i = 0; i < b->subjects.size(); ++i)
            if (sameSubject(b->subjects[i], op.subject)) {
                step.subjectIndex = static_cast<int>(i);
                b->subjects.erase(b->subjects.begin() + static_cast<std::ptrdiff_t>(i));
                return true;
            }
        why = "the subject is no longer in it";
        return false;
    }
    case Operation::Kind::ReplaceRules: {
        auto* r = findRoleObject(s, op.target);
        if (!r) {
            why = "not in the snapshot";
            return false;
        }
        r->rules = op.rules;
        return true;
    }
    case Operation::Kind::SetAnnotation: {
        ObjectMeta* meta = nullptr;
        if (auto* sa = findServiceAccount(s, op.target.ns, op.target.name); sa && op.target.kind == "ServiceAccount")
            meta = &sa->meta;
        else if (auto* w = findWorkload(s, op.target))
            meta = &w->meta;
        if (!meta) {
            why = "not in the snapshot";
            return false;
        }
        meta->annotations[op.value] = op.value2;
        return true;
    }
    case Operation::Kind::Delete:
        if (!exists(s, op.target)) {
            why = "not in the snapshot";
            return false;
        }
        eraseObject(s, op.target);
        return true;
    case Operation::Kind::CreateServiceAccount: {
        if (exists(s, op.target)) {
            why = "an object of that name exists";
            return false;
        }
        ServiceAccount sa;
        sa.meta.name = op.target.name;
        sa.meta.ns = op.target.ns;
        sa.meta.source = newSource(op.target);
        sa.automountServiceAccountToken = op.flag;
        s.serviceAccounts.push_back(std::move(sa));
        return true;
    }
    case Operation::Kind::CreateRoleBinding: {
        if (exists(s, op.target)) {
            why = "an object of that name exists";
            return false;
        }
        Binding b;
        b.meta.name = op.target.name;
        b.meta.ns = op.target.ns;
        b.meta.source = newSource(op.target);
        b.roleRef = op.roleRef;
        b.subjects = op.subjects;
        s.bindings.push_back(std::move(b));
        return true;
    }
    case Operation::Kind::CreateKyvernoPolicy:
        return true; // not a kind the snapshot models
    }
    return false;
}

bool sameOperation(const Operation& a, const Operation& b)
{
    return a.kind == b.kind && sameObject(a.target, b.target) && a.flag == b.flag && a.value == b.value
        && a.value2 == b.value2 && sameSubject(a.subject, b.subject) && a.rules == b.rules;
}

// Operations on the same field that disagree.
bool conflicts(const Operation& a, const Operation& b)
{
    if (a.kind != b.kind || !sameObject(a.target, b.target))
        return false;
    switch (a.kind) {
    case Operation::Kind::SetServiceAccountAutomount:
    case Operation::Kind::SetPodAutomount:
        return a.flag != b.flag;
    case Operation::Kind::SetServiceAccountName:
        return a.value != b.value;
    case Operation::Kind::ReplaceRules:
        return a.rules != b.rules;
    case Operation::Kind::SetAnnotation:
        return a.value == b.value && a.value2 != b.value2;
    default:
        return false;
    }
}

std::vector<std::string> verbsLine(const std::map<std::string, std::vector<std::string>>& byResource)
{
    std::vector<std::string> out;
    for (const auto& [res, verbs] : byResource) {
        std::string line;
        for (const auto& v : verbs)
            line += (line.empty() ? "" : ", ") + v;
        out.push_back(line + ' ' + res);
    }
    return out;
}

std::string rowName(const MatrixRow& r)
{
    if (r.group.empty())
        return r.resource;
    const auto slash = r.resource.find('/');
    return slash == std::string::npos ? r.resource + '.' + r.group
                                      : r.resource.substr(0, slash) + '.' + r.group + r.resource.substr(slash);
}

void accessDiff(const Policy& before, const Policy& after, RemediationPlan& plan)
{
    const auto& bs = before.snapshot();
    std::set<std::pair<std::string, std::string>> sas;
    auto addSubjects = [&](const Binding& b) {
        for (const auto& sub : b.subjects) {
            if (sub.kind == "ServiceAccount") {
                const auto ns = sub.ns.empty() ? b.meta.ns : sub.ns;
                if (!ns.empty())
                    sas.insert({ns, sub.name});
            } else if (sub.kind == "User") {
                if (auto p = parseServiceAccountUsername(sub.name))
                    sas.insert({p->ns, p->name});
            }
        }
    };
    auto touched = [&](const ObjectLink& o) {
        if (o.kind == "RoleBinding" || o.kind == "ClusterRoleBinding") {
            if (const auto* b = findBinding(bs, o))
                addSubjects(*b);
        } else if (o.kind == "Role" || o.kind == "ClusterRole") {
            for (const auto& b : bs.bindings)
                if (b.roleRef.kind == o.kind && b.roleRef.name == o.name && (o.kind == "ClusterRole" || b.meta.ns == o.ns))
                    addSubjects(b);
        } else if (o.kind == "ServiceAccount") {
            sas.insert({o.ns, o.name});
        }
    };
    for (const auto& step : plan.steps) {
        touched(step.op.target);
        for (const auto& sub : step.op.subjects)
            if (sub.kind == "ServiceAccount")
                sas.insert({sub.ns.empty() ? step.op.target.ns : sub.ns, sub.name});
    }
    for (const auto& d : plan.deletions)
        touched(d.object);
    if (sas.empty())
        return;
    const ResourceCatalog catalog(bs);
    auto verbs = defaultMatrixVerbs();
    verbs.erase(std::remove(verbs.begin(), verbs.end(), "*"), verbs.end());
    const MatrixRows rows(matrixRows(before, catalog));
    std::set<std::string> namespaces;
    for (const auto& ns : before.knownNamespaces())
        if (!before.namespaceBindings(ns).empty())
            namespaces.insert(ns);
    for (const auto& ns : after.knownNamespaces())
        if (!after.namespaceBindings(ns).empty())
            namespaces.insert(ns);
    for (const auto& [ns, name] : sas) {
        const auto user = userInfoOf({SubjectKind::ServiceAccount, ns, name});
        // Lines "verb resource" lost and gained per scope.
        auto diff = [&](const std::string& scope) {
            const auto a = accessMatrix(before, user, scope, verbs, rows);
            const auto b = accessMatrix(after, user, scope, verbs, rows);
            std::map<std::string, std::vector<std::string>> lost, gained;
            for (std::size_t r = 0; r < rows.size(); ++r)
                for (std::size_t v = 0; v < verbs.size(); ++v) {
                    const auto x = a.cell(r, v).access, y = b.cell(r, v).access;
                    if (x == y)
                        continue;
                    if (static_cast<int>(x) > static_cast<int>(y))
                        lost[rowName(rows[r])].push_back(verbs[v] + (y == Access::Partial ? " (all names)" : ""));
                    else
                        gained[rowName(rows[r])].push_back(verbs[v]);
                }
            return std::make_pair(verbsLine(lost), verbsLine(gained));
        };
        const auto cluster = diff({});
        const std::string who = ns + '/' + name;
        if (!cluster.first.empty() || !cluster.second.empty())
            plan.access.push_back({who, "cluster-wide", cluster.first, cluster.second});
        for (const auto& scope : namespaces) {
            auto d = diff(scope);
            std::vector<std::string> lost, gained;
            for (const auto& l : d.first)
                if (std::find(cluster.first.begin(), cluster.first.end(), l) == cluster.first.end())
                    lost.push_back(l);
            for (const auto& g : d.second)
                if (std::find(cluster.second.begin(), cluster.second.end(), g) == cluster.second.end())
                    gained.push_back(g);
            // Cluster-wide losses this namespace does not see: the access stays here.
            for (const auto& l : cluster.first)
                if (std::find(d.first.begin(), d.first.end(), l) == d.first.end())
                    gained.push_back(l + " (kept here)");
            if (!lost.empty() || !gained.empty())
                plan.access.push_back({who, scope, lost, gained});
        }
    }
}

std::string tokenState(const Snapshot& s, const Workload& w, const Snapshot& before)
{
    const auto d = automountOf(s, w);
    std::string text = "runs as " + serviceAccountOf(w);
    if (!before.findServiceAccount(w.meta.ns, serviceAccountOf(w)))
        text += " (new)";
    text += d.mounted ? ", token mounted" : ", no token";
    text += d.from == AutomountDecision::From::Pod ? " (pod template)"
        : d.from == AutomountDecision::From::ServiceAccount ? " (ServiceAccount)"
                                                            : " (default)";
    for (const auto& r : w.pod.secretRefs)
        if (r.via == SecretRefVia::Volume)
            for (const auto& sec : s.secrets)
                if (sec.meta.ns == w.meta.ns && sec.meta.name == r.secretName && sec.type == kTokenType)
                    text += ", legacy token " + r.secretName + " in volume " + r.where;
    for (const auto& t : w.pod.projectedTokens)
        if (t.audience.empty() && t.volume.rfind("kube-api-access-", 0) != 0)
            text += ", projected token in volume " + t.volume;
    return text;
}

} // namespace

RemediationPlan planRemediation(const Policy& before, const std::vector<Finding>& findings, const std::vector<Fix>& fixes)
{
    RemediationPlan plan;
    plan.before = before.snapshotPtr();
    plan.fixes = fixes;
    const auto& bs = before.snapshot();
    auto after = std::make_shared<Snapshot>(bs);
    for (const auto& fix : fixes)
        for (const auto& f : findings)
            if (f.id == fix.findingId) {
                if (std::none_of(plan.findings.begin(), plan.findings.end(), [&](const Finding& x) { return x.id == f.id; }))
                    plan.findings.push_back(f);
                break;
            }
    std::vector<std::pair<ObjectLink, std::string>> deleted; // object, by fix
    for (const auto& fix : fixes) {
        std::size_t applied = 0;
        for (const auto& op : fix.ops) {
            PlannedStep step {op, fix.id, fix.findingId, fix.reason, apiVersionOf(bs, op.target), -1};
            const auto what = describe(op.target);
            if (auto gone = std::find_if(deleted.begin(), deleted.end(),
                                         [&](const auto& d) { return sameObject(d.first, op.target); });
                gone != deleted.end()) {
                plan.skipped.push_back(fix.id + ": " + what + " is deleted by " + gone->second);
                continue;
            }
            bool drop = false;
            for (const auto& prior : plan.steps) {
                if (sameOperation(prior.op, op) && op.kind != Operation::Kind::CreateKyvernoPolicy) {
                    plan.skipped.push_back(fix.id + ": same change to " + what + " as " + prior.fixId);
                    drop = true;
                    break;
                }
                if (op.kind == Operation::Kind::CreateKyvernoPolicy && prior.op.kind == op.kind) {
                    drop = true; // one policy serves every default ServiceAccount
                    break;
                }
                if (conflicts(prior.op, op)) {
                    plan.skipped.push_back(fix.id + ": conflicts with " + prior.fixId + " on " + what + "; kept "
                                           + prior.fixId);
                    drop = true;
                    break;
                }
            }
            if (drop)
                continue;
            std::string why;
            if (!apply(*after, step, why)) {
                plan.skipped.push_back(fix.id + ": " + what + ": " + why);
                continue;
            }
            ++applied;
            if (op.kind == Operation::Kind::Delete) {
                deleted.emplace_back(op.target, fix.id);
                plan.deletions.push_back({op.target, step.apiVersion, fix.reason, fix.id});
                // Earlier patches to the object are moot.
                for (auto it = plan.steps.begin(); it != plan.steps.end();)
                    if (sameObject(it->op.target, op.target)) {
                        plan.skipped.push_back(it->fixId + ": " + what + " is deleted by " + fix.id);
                        it = plan.steps.erase(it);
                    } else {
                        ++it;
                    }
                continue;
            }
            plan.steps.push_back(std::move(step));
        }
        if (applied == 0 && !fix.ops.empty())
            plan.skipped.push_back(fix.id + ": nothing left to change");
    }

    // Clean-ups that follow: bindings left without subjects, and custom roles no binding references any more.
    for (const auto& b : bs.bindings) {
        const ObjectLink link {bindingKind(b), b.meta.ns, b.meta.name};
        const auto* now = findBinding(*after, link);
        if (!now || !now->subjects.empty() || b.subjects.empty())
            continue;
        for (auto it = plan.steps.begin(); it != plan.steps.end();)
            it = sameObject(it->op.target, link) ? plan.steps.erase(it) : it + 1;
        eraseObject(*after, link);
        plan.deletions.push_back({link, "rbac.authorization.k8s.io/v1", "the fixes remove its last subject", {}});
    }
    {
        auto referenced = [](const Policy& p) {
            std::set<std::string> refs;
            const auto& s = p.snapshot();
            for (std::size_t b = 0; b < s.bindings.size(); ++b)
                if (auto r = p.resolveRoleRef(b))
                    refs.insert(roleKind(s.roles[*r]) + '/' + s.roles[*r].meta.ns + '/' + s.roles[*r].meta.name);
            for (std::size_t r = 0; r < s.roles.size(); ++r)
                for (const auto& er : p.effectiveRules(r))
                    if (er.sourceRole != r)
                        refs.insert("ClusterRole//" + s.roles[er.sourceRole].meta.name);
            return refs;
        };
        const auto was = referenced(before);
        // Deleting an aggregated ClusterRole can leave its source roles unreferenced in turn: repeat.
        for (int round = 0; round < 8; ++round) {
            const Policy afterPolicy(std::make_shared<const Snapshot>(*after));
            const auto now = referenced(afterPolicy);
            std::vector<ObjectLink> orphans;
            for (const auto& role : after->roles) {
                const auto key = roleKind(role) + '/' + role.meta.ns + '/' + role.meta.name;
                if (!was.count(key) || now.count(key) || isBootstrapManaged(role.meta))
                    continue;
                bool aggregationSource = false; // may feed a ClusterRole outside the snapshot
                for (const auto& [k, v] : role.meta.labels)
                    aggregationSource = aggregationSource || k.rfind("rbac.authorization.k8s.io/aggregate-to-", 0) == 0;
                if (!aggregationSource)
                    orphans.push_back({roleKind(role), role.meta.ns, role.meta.name});
            }
            if (orphans.empty())
                break;
            for (const auto& o : orphans) {
                plan.deletions.push_back({o, "rbac.authorization.k8s.io/v1", "no binding references it after these fixes",
                                          {}});
                for (auto it = plan.steps.begin(); it != plan.steps.end();)
                    it = sameObject(it->op.target, o) ? plan.steps.erase(it) : it + 1;
                eraseObject(*after, o);
            }
        }
    }

    // The base: existing objects that patches change.
    for (const auto& step : plan.steps) {
        if (step.op.kind == Operation::Kind::CreateServiceAccount || step.op.kind == Operation::Kind::CreateRoleBinding
            || step.op.kind == Operation::Kind::CreateKyvernoPolicy)
            continue;
        if (std::none_of(plan.base.begin(), plan.base.end(), [&](const ObjectLink& o) { return sameObject(o, step.op.target); }))
            plan.base.push_back(step.op.target);
    }
    // JSON patch indices depend on the order the steps run in: recompute them now that clean-ups removed steps.
    {
        Snapshot replay = bs;
        for (auto& step : plan.steps) {
            std::string why;
            if (!apply(replay, step, why))
                plan.skipped.push_back(step.fixId + ": " + describe(step.op.target) + ": " + why);
        }
    }

    plan.after = after;
    const Policy afterPolicy(plan.after);
    accessDiff(before, afterPolicy, plan);
    for (const auto& step : plan.steps) {
        if (step.op.kind != Operation::Kind::SetPodAutomount && step.op.kind != Operation::Kind::SetServiceAccountName
            && step.op.kind != Operation::Kind::ReplaceSecretVolume)
            continue;
        if (std::any_of(plan.workloads.begin(), plan.workloads.end(),
                        [&](const WorkloadChange& c) { return sameObject(c.workload, step.op.target); }))
            continue;
        const auto* w0 = findWorkload(bs, step.op.target);
        const auto* w1 = findWorkload(*after, step.op.target);
        if (w0 && w1)
            plan.workloads.push_back({step.op.target, tokenState(bs, *w0, bs), tokenState(*after, *w1, bs)});
    }
    return plan;
}

// ---- after-states from elsewhere ----------------------------------------------------------------------------------

std::vector<ObjectLink> objectLinks(const Snapshot& s)
{
    std::vector<ObjectLink> out;
    for (const auto& x : s.serviceAccounts)
        out.push_back({"ServiceAccount", x.meta.ns, x.meta.name});
    for (const auto& x : s.secrets)
        out.push_back({"Secret", x.meta.ns, x.meta.name});
    for (const auto& x : s.roles)
        out.push_back({roleKind(x), x.meta.ns, x.meta.name});
    for (const auto& x : s.bindings)
        out.push_back({bindingKind(x), x.meta.ns, x.meta.name});
    for (const auto& x : s.workloads)
        out.push_back({x.kind, x.meta.ns, x.meta.name});
    return out;
}

std::shared_ptr<Snapshot> withoutObjects(const Snapshot& snapshot, const std::vector<ObjectLink>& objects)
{
    auto out = std::make_shared<Snapshot>(snapshot);
    for (const auto& o : objects)
        eraseObject(*out, o);
    return out;
}

std::shared_ptr<Snapshot> overlaySnapshot(const Snapshot& base, const Snapshot& overlay)
{
    auto out = std::make_shared<Snapshot>(base);
    auto replace = [](auto& list, const auto& item, auto same) {
        for (auto& x : list)
            if (same(x, item)) {
                x = item;
                return;
            }
        list.push_back(item);
    };
    for (const auto& x : overlay.serviceAccounts)
        replace(out->serviceAccounts, x, [](const auto& a, const auto& b) { return a.meta.ns == b.meta.ns && a.meta.name == b.meta.name; });
    for (const auto& x : overlay.secrets)
        replace(out->secrets, x, [](const auto& a, const auto& b) { return a.meta.ns == b.meta.ns && a.meta.name == b.meta.name; });
    for (const auto& x : overlay.roles)
        replace(out->roles, x, [](const auto& a, const auto& b) {
            return a.cluster == b.cluster && a.meta.ns == b.meta.ns && a.meta.name == b.meta.name;
        });
    for (const auto& x : overlay.bindings)
        replace(out->bindings, x, [](const auto& a, const auto& b) {
            return a.cluster == b.cluster && a.meta.ns == b.meta.ns && a.meta.name == b.meta.name;
        });
    for (const auto& x : overlay.workloads)
        replace(out->workloads, x, [](const auto& a, const auto& b) {
            return a.kind == b.kind && a.meta.ns == b.meta.ns && a.meta.name == b.meta.name;
        });
    return out;
}

} // namespace rbx
