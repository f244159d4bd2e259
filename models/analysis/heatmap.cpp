// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/heatmap.h"

#include <algorithm>

namespace rbx {

std::vector<std::string> readVerbs()
{
    return {"get", "list", "watch"};
}

std::vector<std::string> writeVerbs()
{
    return {"create", "update", "patch", "delete", "deletecollection"};
}

int sensitivity(const std::string& group, const std::string& resource)
{
    struct Entry
    {
        const char* group;
        const char* resource;
        int weight;
    };
    static const Entry table[] = {
        {"", "secrets", 10},
        {"", "serviceaccounts/token", 9},
        {"", "nodes/proxy", 9},
        {"", "pods/exec", 8},
        {"", "pods/attach", 8},
        {"", "pods/ephemeralcontainers", 8},
        {"", "pods", 6},
        {"", "serviceaccounts", 5},
        {"", "users", 9},
        {"", "groups", 9},
        {"rbac.authorization.k8s.io", "clusterrolebindings", 9},
        {"rbac.authorization.k8s.io", "clusterroles", 8},
        {"rbac.authorization.k8s.io", "rolebindings", 7},
        {"rbac.authorization.k8s.io", "roles", 6},
        {"certificates.k8s.io", "certificatesigningrequests/approval", 8},
        {"certificates.k8s.io", "signers", 7},
        {"admissionregistration.k8s.io", "mutatingwebhookconfigurations", 8},
        {"admissionregistration.k8s.io", "validatingwebhookconfigurations", 7},
        {"authentication.k8s.io", "tokenreviews", 3},
        {"apps", "deployments", 5},
        {"apps", "daemonsets", 6},
        {"apps", "statefulsets", 5},
        {"apps", "replicasets", 5},
        {"batch", "jobs", 5},
        {"batch", "cronjobs", 5},
        {"", "configmaps", 3},
        {"", "nodes", 4},
        {"", "persistentvolumes", 4},
        {"", "namespaces", 4},
    };
    for (const auto& e : table)
        if (group == e.group && resource == e.resource)
            return e.weight;
    return 1;
}

HeatMap heatMap(const Policy& policy, const std::vector<SubjectSummary>& subjects, const MatrixRows& rows,
                const std::vector<std::string>& verbs)
{
    HeatMap h;
    h.verbs = verbs;
    for (const auto& s : subjects)
        if (s.ref.kind == SubjectKind::ServiceAccount)
            h.subjects.push_back(s);
    std::vector<Access> full(h.subjects.size() * rows.size(), Access::No);
    for (std::size_t i = 0; i < h.subjects.size(); ++i) {
        const auto user = userInfoOf(h.subjects[i].ref);
        // Cluster scope, plus only the namespaces whose RoleBindings name this subject (or its groups).
        std::vector<std::string> scopes {std::string()};
        for (auto& ns : policy.namespacesWithRoleBindingsFor(user))
            scopes.push_back(std::move(ns));
        for (const auto& ns : scopes) {
            const auto m = accessMatrix(policy, user, ns, verbs, rows);
            for (std::size_t r = 0; r < rows.size(); ++r)
                for (std::size_t v = 0; v < verbs.size(); ++v)
                    full[i * rows.size() + r] = std::max(full[i * rows.size() + r], m.cell(r, v).access);
        }
    }
    std::vector<std::size_t> keep;
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t i = 0; i < h.subjects.size(); ++i)
            if (full[i * rows.size() + r] != Access::No) {
                keep.push_back(r);
                break;
            }
    for (std::size_t r : keep)
        h.columns.push_back(rows[r]);
    h.cells.reserve(h.subjects.size() * keep.size());
    h.risk.assign(h.subjects.size(), 0);
    for (std::size_t i = 0; i < h.subjects.size(); ++i) {
        for (std::size_t r : keep) {
            const auto a = full[i * rows.size() + r];
            h.cells.push_back(a);
            h.risk[i] += (a == Access::Yes ? 2 : a == Access::Partial ? 1 : 0) * sensitivity(rows[r].group, rows[r].resource);
        }
        if (h.subjects[i].clusterAdminEquivalent)
            h.risk[i] += 1000;
    }
    return h;
}

} // namespace rbx
