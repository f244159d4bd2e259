// SPDX-License-Identifier: Apache-2.0
// The RBAC authorizer over one snapshot: aggregated ClusterRoles resolved, bindings indexed, and every decision
// carrying its provenance (binding, subject, role, source role of aggregated rules, rule).
#pragma once

#include "models/analysis/request.h"
#include "models/domain/snapshot.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace rbx {

// A rule as a role effectively holds it: for aggregated ClusterRoles, the rule came from `sourceRole`.
struct EffectiveRule
{
    PolicyRule rule;
    std::size_t sourceRole = 0; // index into Snapshot::roles
    std::size_t sourceRuleIndex = 0; // index into that role's stored rules
};

// Why one rule of one binding applies: the provenance chain behind a grant.
struct Grant
{
    std::size_t binding = 0; // index into Snapshot::bindings
    std::size_t subject = 0; // index into that binding's subjects
    std::size_t role = 0; // index into Snapshot::roles (the role the binding references)
    std::size_t rule = 0; // index into Policy::effectiveRules(role)
};

struct Decision
{
    bool allowed = false;
    std::string reason; // the API server's form: `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to ...`
    std::optional<Grant> grant;
};

class Policy
{
public:
    explicit Policy(std::shared_ptr<const Snapshot> snapshot);

    [[nodiscard]] const Snapshot& snapshot() const
    {
        return *m_snapshot;
    }
    [[nodiscard]] const std::shared_ptr<const Snapshot>& snapshotPtr() const
    {
        return m_snapshot;
    }

    [[nodiscard]] Decision authorize(const Request& request) const;
    // Every grant that allows the request (not only the first), in evaluation order.
    [[nodiscard]] std::vector<Grant> grantsFor(const Request& request) const;

    // The rules a role effectively has (aggregation applied).
    [[nodiscard]] const std::vector<EffectiveRule>& effectiveRules(std::size_t role) const
    {
        return m_effective[role];
    }
    // Resolves a binding's roleRef: the role index, or nullopt with the API server's error text.
    [[nodiscard]] std::optional<std::size_t> resolveRoleRef(std::size_t binding, std::string* error = nullptr) const;

    // Calls `visit(grant-without-rule-check)` for every (binding, subject) that applies to `user` and can grant in
    // namespace `ns` ("" = cluster scope): all ClusterRoleBindings, then the RoleBindings of `ns`.
    using BindingVisitor = std::function<bool(std::size_t binding, std::size_t subject)>;
    void visitApplicableBindings(const UserInfo& user, const std::string& ns, const BindingVisitor& visit) const;

    // Namespaces where at least one RoleBinding names this user or one of its groups (elsewhere a namespace grants
    // the user nothing beyond cluster scope), sorted.
    [[nodiscard]] std::vector<std::string> namespacesWithRoleBindingsFor(const UserInfo& user) const;
    [[nodiscard]] std::string describeGrant(const Grant& grant) const; // the part after "RBAC: allowed by "
    [[nodiscard]] const std::vector<std::string>& warnings() const
    {
        return m_warnings; // aggregation cycles, ClusterRoleBindings to Roles, ...
    }
    // Namespaces that appear anywhere in the snapshot (objects, bindings, subjects), sorted. Computed with the policy
    // (off the GUI thread, where a load builds it): every view asks for them when a policy arrives.
    [[nodiscard]] const std::vector<std::string>& knownNamespaces() const
    {
        return m_knownNamespaces;
    }
    [[nodiscard]] const std::vector<std::size_t>& clusterBindings() const
    {
        return m_clusterBindings;
    }
    [[nodiscard]] const std::vector<std::size_t>& namespaceBindings(const std::string& ns) const;

private:
    void resolveAggregation();
    void buildSubjectIndex();

    // Which (binding, subject) pairs name a user or a group: evaluation visits only those, in the authorizer's order.
    struct IndexEntry
    {
        std::uint32_t order; // position in evaluation order (ClusterRoleBindings by name, then RoleBindings by name)
        std::uint32_t binding;
        std::uint32_t subject;
    };
    using SubjectIndex = std::unordered_map<std::string, std::vector<IndexEntry>>;
    struct ScopeIndex
    {
        SubjectIndex users; // user names (ServiceAccount subjects as their user name)
        SubjectIndex groups;
    };
    ScopeIndex m_clusterIndex;
    std::unordered_map<std::string, ScopeIndex> m_namespaceIndex;
    std::vector<std::optional<std::size_t>> m_roleOfBinding; // resolved roleRef per binding
    std::vector<std::string> m_roleErrors; // the API server's error text for unresolved roleRefs

    std::shared_ptr<const Snapshot> m_snapshot;
    std::vector<std::string> m_knownNamespaces;
    std::vector<std::vector<EffectiveRule>> m_effective; // per role
    std::unordered_map<std::string, std::size_t> m_clusterRoles; // name -> role index
    std::unordered_map<std::string, std::size_t> m_roles; // ns + '\0' + name -> role index
    std::vector<std::size_t> m_clusterBindings; // sorted by name
    std::unordered_map<std::string, std::vector<std::size_t>> m_bindingsByNamespace; // sorted by name
    std::vector<std::string> m_warnings;
};

// Go's %q for the plain strings Kubernetes puts in reasons.
[[nodiscard]] std::string goQuote(const std::string& s);

} // namespace rbx
