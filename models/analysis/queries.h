// SPDX-License-Identifier: Apache-2.0
// Questions a reviewer asks of a Policy: who can do X (with provenance), and what can S do in a namespace.
#pragma once

#include "models/analysis/policy.h"

#include <string>
#include <vector>

namespace rbx {

struct WhoCanEntry
{
    Subject subject; // ServiceAccount subjects carry their effective namespace
    std::string scope; // "" = cluster-wide (ClusterRoleBinding), else the RoleBinding's namespace
    std::size_t binding = 0;
    std::size_t role = 0;
    std::size_t rule = 0; // index into Policy::effectiveRules(role)
    bool matchesNobody = false; // e.g. a ServiceAccount subject without namespace in a ClusterRoleBinding
    std::vector<std::string> serviceAccounts; // for Group subjects: "ns/name" of the snapshot's SAs it covers
};

struct WhoCanResult
{
    std::vector<WhoCanEntry> entries;
    std::vector<std::string> notes;
};

// `request.user` is ignored. With allNamespaces, RoleBindings of every namespace count (each in its namespace);
// otherwise the ClusterRoleBindings plus the RoleBindings of the request's namespace.
[[nodiscard]] WhoCanResult whoCan(const Policy& policy, const Request& request, bool allNamespaces);

// The ServiceAccounts of the snapshot a group name covers (system:serviceaccounts, system:serviceaccounts:NS,
// system:authenticated), as "ns/name".
[[nodiscard]] std::vector<std::string> serviceAccountsInGroup(const Snapshot& snapshot, const std::string& group);

// One line of `kubectl auth can-i --list`, plus where it comes from.
struct RuleRow
{
    std::vector<std::string> resources; // "resource[.group][/sub]" as kubectl prints them
    std::vector<std::string> nonResourceURLs;
    std::vector<std::string> resourceNames;
    std::vector<std::string> verbs;
    bool clusterWide = false; // granted by a ClusterRoleBinding (holds in every namespace)
    std::vector<std::string> grantedBy; // binding descriptions
};

// The rules that apply to `user` in `ns` ("" = cluster scope), broken down, compacted and sorted as kubectl does.
[[nodiscard]] std::vector<RuleRow> rulesFor(const Policy& policy, const UserInfo& user, const std::string& ns);

} // namespace rbx
