// SPDX-License-Identifier: Apache-2.0
// Plain-language provenance: the binding -> role -> rule chain behind a grant, and why a cell is denied.
#pragma once

#include "models/analysis/accessmatrix.h"

#include <string>
#include <vector>

namespace rbx {

struct ChainStep
{
    std::string kind; // ClusterRoleBinding, RoleBinding, ClusterRole, Role, Rule, Subject
    std::string ns;
    std::string name;
    std::string detail; // e.g. the rule as text, or "aggregated from ClusterRole x"
};

// Subject -> binding -> role (-> source role of an aggregated rule) -> rule.
[[nodiscard]] std::vector<ChainStep> provenanceChain(const Policy& policy, const Grant& grant);
[[nodiscard]] std::string ruleText(const PolicyRule& rule);
// A short paragraph for a matrix cell: what allows it, what limits it (resourceNames) or why it is denied.
[[nodiscard]] std::string explainCell(const Policy& policy, const UserInfo& user, const AccessMatrix& matrix,
                                      std::size_t row, std::size_t verb);

} // namespace rbx
