// SPDX-License-Identifier: Apache-2.0
// The attributes of an authorization request, as a SubjectAccessReview carries them.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace rbx {

struct UserInfo
{
    std::string name;
    std::vector<std::string> groups;
    std::string uid;
    std::map<std::string, std::vector<std::string>> extra;

    [[nodiscard]] bool inGroup(const std::string& g) const
    {
        for (const auto& x : groups)
            if (x == g)
                return true;
        return false;
    }
};

struct ResourceAttributes
{
    std::string ns;
    std::string verb;
    std::string group;
    std::string version;
    std::string resource;
    std::string subresource;
    std::string name;
};

struct NonResourceAttributes
{
    std::string path;
    std::string verb;
};

struct Request
{
    UserInfo user;
    bool resourceRequest = true;
    ResourceAttributes resource;
    NonResourceAttributes nonResource;

    [[nodiscard]] const std::string& verb() const
    {
        return resourceRequest ? resource.verb : nonResource.verb;
    }
    // Non-resource requests are always cluster-scoped.
    [[nodiscard]] std::string ns() const
    {
        return resourceRequest ? resource.ns : std::string();
    }
};

} // namespace rbx
