// SPDX-License-Identifier: Apache-2.0
// The JWT inspector's analysis: what a pasted token says (legacy or bound claims, expiry in words), which
// ServiceAccount, Secret, Pod and Node of the loaded snapshot it maps to (by claims and by fingerprint), what it can
// do there, and, given keys, whether its signature and claims verify. The token itself is never kept.
#pragma once

#include "models/analysis/tokens.h"
#include "models/io/jwt.h"

#include <QJsonObject>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rbx {

struct InspectedObject
{
    ObjectLink object;
    bool exists = false;
    bool uidMatches = false; // the claim's uid equals the object's (true when the claim has no uid)
    std::string note; // "last used 2026-11-28; invalid since ...", "its data.token has this fingerprint"
};

struct TokenInspection
{
    io::JwtInfo jwt;
    std::int64_t now = 0; // seconds since the epoch the expiry is judged at
    std::string type; // "legacy ServiceAccount token (Secret-based)", "bound token (pod)", ...
    std::string expiry; // in words
    std::optional<io::VerifyResult> verification; // when keys were given
    bool snapshotLoaded = false;
    std::optional<InspectedObject> serviceAccount;
    std::optional<InspectedObject> secret; // named by the claims (legacy: its Secret; bound: the bound Secret)
    std::optional<InspectedObject> secretByFingerprint; // the Secret whose data.token has this SHA-256
    std::optional<InspectedObject> pod;
    std::optional<InspectedObject> node;
    std::optional<TokenGrants> grants;
    std::vector<std::string> findings; // warnings in words
};

// `policy` may be null (no snapshot loaded), `keys` too (no verification).
[[nodiscard]] TokenInspection inspectJwt(const Policy* policy, std::string_view token, const io::KeySet* keys,
                                         const io::VerifyOptions& options);
[[nodiscard]] std::string inspectionText(const TokenInspection& inspection);
[[nodiscard]] QJsonObject inspectionJson(const TokenInspection& inspection);

// "in 58 min", "3 days ago": `delta` seconds from now.
[[nodiscard]] std::string relativeTime(std::int64_t delta);
[[nodiscard]] std::string utcTime(std::int64_t secondsSinceEpoch); // "2026-11-29 10:00:00 UTC"

} // namespace rbx
