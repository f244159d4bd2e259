// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/accessmatrix.h"

#include "models/analysis/rulematch.h"

#include <algorithm>
#include <set>

namespace rbx {

const char* accessName(Access a)
{
    switch (a) {
    case Access::Yes:
        return "yes";
    case Access::Partial:
        return "partial";
    case Access::No:
        break;
    }
    return "no";
}

std::vector<std::string> defaultMatrixVerbs()
{
    return {"get",         "list", "watch", "create",   "update", "patch", "delete", "deletecollection",
            "impersonate", "bind", "escalate", "use", "*"};
}

std::vector<MatrixRow> matrixRows(const Policy& policy, const ResourceCatalog& catalog)
{
    std::set<std::pair<std::string, std::string>> seen;
    std::vector<MatrixRow> rows;
    for (const auto& t : catalog.types()) {
        if (seen.insert({t.group, t.plural}).second)
            rows.push_back({t.group, t.plural, t.namespaced, true});
        for (const auto& sub : t.subresources)
            if (seen.insert({t.group, t.plural + '/' + sub}).second)
                rows.push_back({t.group, t.plural + '/' + sub, t.namespaced, true});
    }
    // Resources that rules name but the catalogue lacks (custom resources without their CRD in the snapshot).
    const auto& s = policy.snapshot();
    for (std::size_t i = 0; i < s.roles.size(); ++i) {
        for (const auto& er : policy.effectiveRules(i)) {
            for (const auto& g : er.rule.apiGroups) {
                if (g == "*")
                    continue;
                for (const auto& r : er.rule.resources) {
                    if (r == "*" || r.find('*') != std::string::npos)
                        continue;
                    if (seen.insert({g, r}).second) {
                        const auto slash = r.find('/');
                        const auto* parent = catalog.find(g, r.substr(0, slash));
                        rows.push_back({g, r, parent ? parent->namespaced : true, false});
                    }
                }
            }
        }
    }
    std::sort(rows.begin(), rows.end(), [](const MatrixRow& a, const MatrixRow& b) {
        return std::tie(a.group, a.resource) < std::tie(b.group, b.resource);
    });
    return rows;
}

AccessMatrix accessMatrix(const Policy& policy, const UserInfo& user, const std::string& ns,
                          const std::vector<std::string>& verbs, const MatrixRows& rows)
{
    AccessMatrix m;
    m.subject = user.name;
    m.ns = ns;
    m.verbs = verbs;
    m.rows = rows;
    m.cells.resize(rows.size() * verbs.size());

    // The rules that apply to this subject in this scope, in the authorizer's order, with their grant.
    struct Applicable
    {
        const PolicyRule* rule;
        Grant grant;
    };
    std::vector<Applicable> rules;
    policy.visitApplicableBindings(user, ns, [&](std::size_t b, std::size_t s) {
        if (auto role = policy.resolveRoleRef(b)) {
            const auto& effective = policy.effectiveRules(*role);
            for (std::size_t r = 0; r < effective.size(); ++r)
                if (!effective[r].rule.resources.empty())
                    rules.push_back({&effective[r].rule, Grant {b, s, *role, r}});
        }
        return true;
    });

    for (std::size_t row = 0; row < rows.size(); ++row) {
        const auto& mr = rows[row];
        const auto slash = mr.resource.find('/');
        const std::string sub = slash == std::string::npos ? std::string() : mr.resource.substr(slash + 1);
        for (std::size_t v = 0; v < verbs.size(); ++v) {
            auto& cell = m.cells[row * verbs.size() + v];
            std::set<std::string> names;
            for (const auto& a : rules) {
                const auto& r = *a.rule;
                if (!verbMatches(r, verbs[v]) || !apiGroupMatches(r, mr.group) || !resourceMatches(r, mr.resource, sub))
                    continue;
                if (r.resourceNames.empty()) {
                    if (cell.access != Access::Yes) {
                        cell.access = Access::Yes;
                        cell.grants.clear();
                        cell.names.clear();
                    }
                    cell.grants.push_back(a.grant);
                } else if (cell.access != Access::Yes) {
                    // A request without a name only matches a rule listing "" (ResourceNameMatches).
                    if (std::find(r.resourceNames.begin(), r.resourceNames.end(), std::string()) != r.resourceNames.end()) {
                        cell.access = Access::Yes;
                        cell.grants.assign(1, a.grant);
                        cell.names.clear();
                        continue;
                    }
                    cell.access = Access::Partial;
                    cell.grants.push_back(a.grant);
                    names.insert(r.resourceNames.begin(), r.resourceNames.end());
                }
            }
            if (cell.access == Access::Partial)
                cell.names.assign(names.begin(), names.end());
        }
    }
    return m;
}

AccessMatrix accessMatrixAnyNamespace(const Policy& policy, const UserInfo& user, const std::vector<std::string>& verbs,
                                      const MatrixRows& rows)
{
    AccessMatrix result = accessMatrix(policy, user, std::string(), verbs, rows);
    result.ns = "*";
    for (const auto& ns : policy.namespacesWithRoleBindingsFor(user)) {
        const auto m = accessMatrix(policy, user, ns, verbs, rows);
        for (std::size_t i = 0; i < m.cells.size(); ++i) {
            auto& into = result.cells[i];
            const auto& from = m.cells[i];
            if (from.access == Access::No)
                continue;
            // ClusterRoleBinding grants repeat in every namespace: add only the RoleBinding ones.
            for (const auto& g : from.grants)
                if (!policy.snapshot().bindings[g.binding].cluster)
                    into.grants.push_back(g);
            if (from.access == Access::Yes && into.access != Access::Yes) {
                into.access = Access::Yes;
                into.names.clear();
            } else if (from.access == Access::Partial && into.access != Access::Yes) {
                into.access = Access::Partial;
                std::set<std::string> names(into.names.begin(), into.names.end());
                names.insert(from.names.begin(), from.names.end());
                into.names.assign(names.begin(), names.end());
            }
        }
    }
    return result;
}

} // namespace rbx
