// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/queries.h"

#include "models/analysis/identity.h"
#include "models/analysis/rulematch.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace rbx {

std::vector<std::string> serviceAccountsInGroup(const Snapshot& snapshot, const std::string& group)
{
    std::vector<std::string> out;
    static const std::string prefix = "system:serviceaccounts:";
    const bool all = group == "system:serviceaccounts" || group == "system:authenticated";
    const bool oneNs = group.compare(0, prefix.size(), prefix) == 0;
    if (!all && !oneNs)
        return out;
    const auto ns = oneNs ? group.substr(prefix.size()) : std::string();
    for (const auto& sa : snapshot.serviceAccounts)
        if (all || sa.meta.ns == ns)
            out.push_back(sa.meta.ns + '/' + sa.meta.name);
    std::sort(out.begin(), out.end());
    return out;
}

WhoCanResult whoCan(const Policy& policy, const Request& request, bool allNamespaces)
{
    WhoCanResult result;
    const auto& s = policy.snapshot();
    std::vector<std::size_t> candidates = policy.clusterBindings();
    if (allNamespaces) {
        for (const auto& ns : policy.knownNamespaces())
            for (std::size_t b : policy.namespaceBindings(ns))
                candidates.push_back(b);
    } else if (!request.ns().empty()) {
        for (std::size_t b : policy.namespaceBindings(request.ns()))
            candidates.push_back(b);
    }
    for (std::size_t b : candidates) {
        auto role = policy.resolveRoleRef(b);
        if (!role)
            continue;
        const auto& rules = policy.effectiveRules(*role);
        std::size_t ruleIndex = rules.size();
        for (std::size_t r = 0; r < rules.size(); ++r)
            if (ruleAllows(request, rules[r].rule)) {
                ruleIndex = r;
                break;
            }
        if (ruleIndex == rules.size())
            continue;
        const auto& binding = s.bindings[b];
        for (const auto& subject : binding.subjects) {
            WhoCanEntry e;
            e.subject = subject;
            e.scope = binding.cluster ? std::string() : binding.meta.ns;
            e.binding = b;
            e.role = *role;
            e.rule = ruleIndex;
            if (subject.kind == "ServiceAccount" && subject.ns.empty()) {
                if (binding.cluster)
                    e.matchesNobody = true;
                else
                    e.subject.ns = binding.meta.ns;
            } else if (subject.kind != "User" && subject.kind != "Group" && subject.kind != "ServiceAccount") {
                e.matchesNobody = true;
            }
            if (subject.kind == "Group")
                e.serviceAccounts = serviceAccountsInGroup(s, subject.name);
            result.entries.push_back(std::move(e));
        }
    }
    result.notes.push_back("members of group system:masters are allowed everything by the API server's "
                           "privileged-group authorizer, outside RBAC");
    return result;
}

namespace {

std::string goList(const std::vector<std::string>& v)
{
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i)
            out += ' ';
        out += v[i];
    }
    return out + ']';
}

std::string combineResourceGroup(const std::string& resource, const std::string& group)
{
    if (group.empty())
        return resource;
    const auto slash = resource.find('/');
    if (slash == std::string::npos)
        return resource + '.' + group;
    return resource.substr(0, slash) + '.' + group + resource.substr(slash);
}

struct Broken
{
    std::string group;
    std::string resource;
    std::string name; // kubectl breaks resourceNames down to one per rule
    bool hasName = false;
    std::string url;
    std::string urlVerb; // non-resource rules are never merged: one row per URL and verb
    bool clusterWide = false;
    auto key() const
    {
        return std::tie(group, resource, hasName, name, url, urlVerb, clusterWide);
    }
};

} // namespace

std::vector<RuleRow> rulesFor(const Policy& policy, const UserInfo& user, const std::string& ns)
{
    // kubectl's BreakdownRule + CompactRules: one verb/group/resource/name per rule, then the verbs of identical
    // targets merged; non-resource rules stay one URL and verb each.
    using Key = std::tuple<std::string, std::string, bool, std::string, std::string, std::string, bool>;
    std::map<Key, std::pair<std::vector<std::string>, std::set<std::string>>> compact;
    policy.visitApplicableBindings(user, ns, [&](std::size_t b, std::size_t s) {
        auto role = policy.resolveRoleRef(b);
        if (!role)
            return true;
        const bool clusterWide = policy.snapshot().bindings[b].cluster;
        const auto by = policy.describeGrant({b, s, *role, 0});
        for (const auto& er : policy.effectiveRules(*role)) {
            const auto& r = er.rule;
            auto add = [&](const Broken& k, const std::string& verb) {
                auto [it, inserted] = compact.try_emplace(k.key());
                auto& [verbs, sources] = it->second;
                if (std::find(verbs.begin(), verbs.end(), verb) == verbs.end())
                    verbs.push_back(verb);
                sources.insert(by);
            };
            for (const auto& g : r.apiGroups)
                for (const auto& res : r.resources)
                    for (const auto& verb : r.verbs) {
                        if (r.resourceNames.empty())
                            add({g, res, {}, false, {}, {}, clusterWide}, verb);
                        for (const auto& name : r.resourceNames)
                            add({g, res, name, true, {}, {}, clusterWide}, verb);
                    }
            for (const auto& url : r.nonResourceURLs)
                for (const auto& verb : r.verbs)
                    add({{}, {}, {}, false, url, verb, clusterWide}, verb);
        }
        return true;
    });
    std::vector<RuleRow> rows;
    for (auto& [key, value] : compact) {
        const auto& [group, resource, hasName, name, url, urlVerb, clusterWide] = key;
        RuleRow row;
        if (!url.empty()) {
            row.nonResourceURLs.push_back(url);
        } else {
            row.resources.push_back(combineResourceGroup(resource, group));
        }
        if (hasName)
            row.resourceNames.push_back(name);
        row.verbs = value.first;
        row.clusterWide = clusterWide;
        row.grantedBy.assign(value.second.begin(), value.second.end());
        rows.push_back(std::move(row));
    }
    // kubectl sorts by the rule's printed (protobuf String()) form, which starts with the verbs.
    auto printed = [](const RuleRow& r) {
        std::vector<std::string> groups;
        std::vector<std::string> resources;
        for (const auto& res : r.resources) {
            // undo combineResourceGroup: resource[.group][/sub]
            const auto slash = res.find('/');
            const auto head = res.substr(0, slash);
            const auto dot = head.find('.');
            groups.push_back(dot == std::string::npos ? std::string() : head.substr(dot + 1));
            resources.push_back(head.substr(0, dot) + (slash == std::string::npos ? std::string() : res.substr(slash)));
        }
        return "&PolicyRule{Verbs:" + goList(r.verbs) + ",APIGroups:" + goList(groups) + ",Resources:"
            + goList(resources) + ",ResourceNames:" + goList(r.resourceNames)
            + ",NonResourceURLs:" + goList(r.nonResourceURLs) + ",}";
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const RuleRow& a, const RuleRow& b) {
        return std::make_pair(printed(a), a.clusterWide) < std::make_pair(printed(b), b.clusterWide);
    });
    return rows;
}

} // namespace rbx
