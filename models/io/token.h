// SPDX-License-Identifier: Apache-2.0
// Token handling that never keeps the token: fingerprints, and the decoded (unverified) JWT header and claims.
#pragma once

#include "models/domain/objects.h"

#include <optional>
#include <string>
#include <string_view>

namespace rbx::io {

[[nodiscard]] std::string sha256Hex(std::string_view data);
// Standard (RFC 4648 §4) base64 as Kubernetes writes Secret data; whitespace is ignored. nullopt if invalid.
[[nodiscard]] std::optional<std::string> base64Decode(std::string_view in);
// base64url without padding (RFC 7515 JWS segments); padding is tolerated. nullopt if invalid.
[[nodiscard]] std::optional<std::string> base64UrlDecode(std::string_view in);
// Fingerprint and, if the token is a JWT, its header and claims as compact JSON.
[[nodiscard]] TokenInfo inspectToken(std::string_view token);

} // namespace rbx::io
