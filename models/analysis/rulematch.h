// SPDX-License-Identifier: Apache-2.0
// Kubernetes' RBAC rule matching (pkg/apis/rbac/v1/evaluation_helpers.go, plugin/pkg/auth/authorizer/rbac/rbac.go).
#pragma once

#include "models/analysis/request.h"
#include "models/domain/objects.h"

#include <string>
#include <vector>

namespace rbx {

[[nodiscard]] bool verbMatches(const PolicyRule& rule, const std::string& verb);
[[nodiscard]] bool apiGroupMatches(const PolicyRule& rule, const std::string& group);
// `combined` is resource or resource/subresource; `subresource` is the request's subresource ("" if none).
[[nodiscard]] bool resourceMatches(const PolicyRule& rule, const std::string& combined, const std::string& subresource);
[[nodiscard]] bool resourceNameMatches(const PolicyRule& rule, const std::string& name);
[[nodiscard]] bool nonResourceURLMatches(const PolicyRule& rule, const std::string& path);
// One rule against one request: every attribute must match within this rule.
[[nodiscard]] bool ruleAllows(const Request& request, const PolicyRule& rule);
// The same with the request's resource[/subresource] string computed once by the caller.
[[nodiscard]] bool ruleAllows(const Request& request, const PolicyRule& rule, const std::string& combinedResource);
[[nodiscard]] std::string combinedResource(const Request& request);

// Subject matching (pkg/registry/rbac/validation/rule.go appliesToUser): bindingNamespace is "" for
// ClusterRoleBindings, where a ServiceAccount subject without namespace never matches.
[[nodiscard]] bool subjectApplies(const Subject& subject, const UserInfo& user, const std::string& bindingNamespace);
[[nodiscard]] std::string serviceAccountUsername(const std::string& ns, const std::string& name);

} // namespace rbx
