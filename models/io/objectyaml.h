// SPDX-License-Identifier: Apache-2.0
// What the snapshot holds of an object, as YAML (yaml-cpp emitter) for the details pane. Secret values are never
// part of it: the model does not have them, and token data appears as its fingerprint only.
#pragma once

#include "models/analysis/policy.h"

#include <string>

namespace rbx::io {

// kind: ServiceAccount, Role, ClusterRole, RoleBinding, ClusterRoleBinding, Secret, Pod, Deployment, ...
// Empty string if the object is not in the snapshot.
[[nodiscard]] std::string objectYaml(const Policy& policy, const std::string& kind, const std::string& ns,
                                     const std::string& name);

// Lines [line-context, line+context] of a file (1-based), for showing a diagnostic in place.
[[nodiscard]] std::string fileExcerpt(const std::string& path, std::uint32_t line, std::uint32_t context = 3);

} // namespace rbx::io
