// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/identity.h"

#include <algorithm>

namespace rbx {

namespace {
bool alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
} // namespace

bool isDns1123Label(const std::string& s)
{
    if (s.empty() || s.size() > 63 || !alnum(s.front()) || !alnum(s.back()))
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return alnum(c) || c == '-'; });
}

bool isDns1123Subdomain(const std::string& s)
{
    if (s.empty() || s.size() > 253)
        return false;
    std::size_t start = 0;
    for (;;) {
        const auto dot = s.find('.', start);
        const auto part = s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!isDns1123Label(part))
            return false;
        if (dot == std::string::npos)
            return true;
        start = dot + 1;
    }
}

std::optional<ServiceAccountName> parseServiceAccountUsername(const std::string& user)
{
    static const std::string prefix = "system:serviceaccount:";
    if (user.compare(0, prefix.size(), prefix) != 0)
        return std::nullopt;
    const auto rest = user.substr(prefix.size());
    const auto colon = rest.find(':');
    if (colon == std::string::npos)
        return std::nullopt;
    ServiceAccountName sa {rest.substr(0, colon), rest.substr(colon + 1)};
    if (!isDns1123Label(sa.ns) || !isDns1123Subdomain(sa.name))
        return std::nullopt;
    return sa;
}

std::optional<std::string> serviceAccountShorthand(const std::string& value)
{
    auto sep = value.find(':');
    if (sep == std::string::npos)
        sep = value.find('/');
    if (sep == std::string::npos || sep == 0 || sep + 1 >= value.size())
        return std::nullopt;
    const auto ns = value.substr(0, sep);
    const auto name = value.substr(sep + 1);
    if (!isDns1123Label(ns) || !isDns1123Subdomain(name))
        return std::nullopt;
    return "system:serviceaccount:" + ns + ':' + name;
}

UserInfo impersonate(const std::string& user, const std::vector<std::string>& groups)
{
    UserInfo info;
    info.name = user;
    info.groups = groups;
    if (groups.empty()) {
        if (auto sa = parseServiceAccountUsername(user)) {
            info.groups.push_back("system:serviceaccounts");
            info.groups.push_back("system:serviceaccounts:" + sa->ns);
        }
    }
    if (user == "system:anonymous") {
        if (!info.inGroup("system:unauthenticated"))
            info.groups.push_back("system:unauthenticated");
    } else if (!info.inGroup("system:authenticated") && !info.inGroup("system:unauthenticated")) {
        info.groups.push_back("system:authenticated");
    }
    return info;
}

} // namespace rbx
