// SPDX-License-Identifier: Apache-2.0
// Every subject a reviewer can look at (ServiceAccounts, and Users and Groups named in bindings), with the facts
// the navigator shows as badges.
#pragma once

#include "models/analysis/policy.h"

#include <string>
#include <vector>

namespace rbx {

enum class SubjectKind : std::uint8_t { ServiceAccount, User, Group };

struct SubjectRef
{
    SubjectKind kind = SubjectKind::ServiceAccount;
    std::string ns; // ServiceAccounts only
    std::string name;

    [[nodiscard]] std::string username() const; // what the API server sees (for Groups: the group name)
    [[nodiscard]] std::string display() const; // "ns/name", "User alice", "Group devs"
    friend bool operator==(const SubjectRef&, const SubjectRef&) = default;
};

struct SubjectSummary
{
    SubjectRef ref;
    bool exists = true; // ServiceAccount object present (false: only bound or used, "dangling")
    bool isDefault = false; // the namespace's `default` ServiceAccount
    std::optional<bool> automount; // the ServiceAccount's own setting (nullopt: unset, which means on)
    std::size_t legacyTokens = 0; // kubernetes.io/service-account-token Secrets naming it
    std::size_t workloads = 0; // pod templates (Deployments, ...) running as it
    std::size_t pods = 0;
    std::vector<std::size_t> bindings; // bindings naming it directly
    bool clusterAdminEquivalent = false; // "*" on "*" in "*" cluster-wide
    std::vector<std::string> cloudIdentity; // workload-identity annotations (eks role-arn, GKE, Azure)
    bool usageKnown = true; // false when pods or workloads could not be read (live pull without access)

    [[nodiscard]] bool automountOn() const
    {
        return automount.value_or(true);
    }
    [[nodiscard]] bool unused() const
    {
        return ref.kind == SubjectKind::ServiceAccount && usageKnown && workloads == 0 && pods == 0;
    }
};

// The UserInfo a subject authenticates as (ServiceAccounts get their groups and system:authenticated).
[[nodiscard]] UserInfo userInfoOf(const SubjectRef& ref);

// All subjects, ServiceAccounts first (by namespace, name), then Users, then Groups.
[[nodiscard]] std::vector<SubjectSummary> summarizeSubjects(const Policy& policy);

} // namespace rbx
