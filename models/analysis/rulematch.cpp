// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/rulematch.h"

namespace rbx {

namespace {
bool contains(const std::vector<std::string>& list, const std::string& value)
{
    for (const auto& x : list)
        if (x == value)
            return true;
    return false;
}
} // namespace

bool verbMatches(const PolicyRule& rule, const std::string& verb)
{
    for (const auto& v : rule.verbs)
        if (v == "*" || v == verb)
            return true;
    return false;
}

bool apiGroupMatches(const PolicyRule& rule, const std::string& group)
{
    for (const auto& g : rule.apiGroups)
        if (g == "*" || g == group)
            return true;
    return false;
}

bool resourceMatches(const PolicyRule& rule, const std::string& combined, const std::string& subresource)
{
    for (const auto& r : rule.resources) {
        if (r == "*" || r == combined)
            return true;
        // "*/sub" matches any resource's subresource `sub`, only when the request names that subresource.
        if (!subresource.empty() && r.size() == subresource.size() + 2 && r[0] == '*' && r[1] == '/'
            && r.compare(2, std::string::npos, subresource) == 0)
            return true;
    }
    return false;
}

bool resourceNameMatches(const PolicyRule& rule, const std::string& name)
{
    return rule.resourceNames.empty() || contains(rule.resourceNames, name);
}

bool nonResourceURLMatches(const PolicyRule& rule, const std::string& path)
{
    for (const auto& u : rule.nonResourceURLs) {
        if (u == "*" || u == path)
            return true;
        if (!u.empty() && u.back() == '*') {
            auto end = u.find_last_not_of('*');
            const auto prefix = end == std::string::npos ? std::string() : u.substr(0, end + 1);
            if (path.compare(0, prefix.size(), prefix) == 0)
                return true;
        }
    }
    return false;
}

std::string combinedResource(const Request& request)
{
    const auto& ra = request.resource;
    return ra.subresource.empty() ? ra.resource : ra.resource + '/' + ra.subresource;
}

bool ruleAllows(const Request& request, const PolicyRule& rule, const std::string& combined)
{
    if (request.resourceRequest) {
        const auto& ra = request.resource;
        return verbMatches(rule, ra.verb) && apiGroupMatches(rule, ra.group)
            && resourceMatches(rule, combined, ra.subresource) && resourceNameMatches(rule, ra.name);
    }
    return verbMatches(rule, request.nonResource.verb) && nonResourceURLMatches(rule, request.nonResource.path);
}

bool ruleAllows(const Request& request, const PolicyRule& rule)
{
    return ruleAllows(request, rule, request.resourceRequest ? combinedResource(request) : std::string());
}

std::string serviceAccountUsername(const std::string& ns, const std::string& name)
{
    return "system:serviceaccount:" + ns + ':' + name;
}

bool subjectApplies(const Subject& subject, const UserInfo& user, const std::string& bindingNamespace)
{
    if (subject.kind == "User")
        return user.name == subject.name;
    if (subject.kind == "Group")
        return user.inGroup(subject.name);
    if (subject.kind == "ServiceAccount") {
        const std::string& ns = subject.ns.empty() ? bindingNamespace : subject.ns;
        if (ns.empty())
            return false;
        return user.name == serviceAccountUsername(ns, subject.name);
    }
    return false;
}

} // namespace rbx
