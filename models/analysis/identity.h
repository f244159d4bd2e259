// SPDX-License-Identifier: Apache-2.0
// Who a request runs as: `--as`/`--as-group` resolved the way the API server's impersonation filter does.
#pragma once

#include "models/analysis/request.h"

#include <optional>
#include <string>
#include <vector>

namespace rbx {

struct ServiceAccountName
{
    std::string ns;
    std::string name;
};

// `system:serviceaccount:NS:NAME` with a valid namespace (DNS-1123 label) and name (DNS-1123 subdomain).
[[nodiscard]] std::optional<ServiceAccountName> parseServiceAccountUsername(const std::string& user);
// `NS:NAME` or `NS/NAME` (the --sa shorthand) to a username; nullopt if malformed.
[[nodiscard]] std::optional<std::string> serviceAccountShorthand(const std::string& value);

// Impersonation: explicit groups are kept as given; without them a valid SA user gets system:serviceaccounts and
// system:serviceaccounts:NS; every non-anonymous user gets system:authenticated unless system:authenticated or
// system:unauthenticated is present; system:anonymous gets system:unauthenticated.
[[nodiscard]] UserInfo impersonate(const std::string& user, const std::vector<std::string>& groups);

[[nodiscard]] bool isDns1123Label(const std::string& s);
[[nodiscard]] bool isDns1123Subdomain(const std::string& s);

} // namespace rbx
