// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/subjects.h"

#include "models/analysis/identity.h"
#include "models/analysis/rulematch.h"

#include <map>
#include <set>

namespace rbx {

std::string SubjectRef::username() const
{
    switch (kind) {
    case SubjectKind::ServiceAccount:
        return serviceAccountUsername(ns, name);
    case SubjectKind::User:
    case SubjectKind::Group:
        break;
    }
    return name;
}

std::string SubjectRef::display() const
{
    switch (kind) {
    case SubjectKind::ServiceAccount:
        return ns + '/' + name;
    case SubjectKind::User:
        return "User " + name;
    case SubjectKind::Group:
        break;
    }
    return "Group " + name;
}

UserInfo userInfoOf(const SubjectRef& ref)
{
    if (ref.kind == SubjectKind::Group) {
        UserInfo u;
        u.name = "(member of " + ref.name + ')';
        u.groups = {ref.name};
        return u;
    }
    return impersonate(ref.username(), {});
}

namespace {

const char* kCloudIdentityAnnotations[] = {
    "eks.amazonaws.com/role-arn",
    "iam.gke.io/gcp-service-account",
    "azure.workload.identity/client-id",
};

} // namespace

std::vector<SubjectSummary> summarizeSubjects(const Policy& policy)
{
    const auto& s = policy.snapshot();
    std::map<std::pair<std::string, std::string>, SubjectSummary> sas;
    std::map<std::string, SubjectSummary> users;
    std::map<std::string, SubjectSummary> groups;
    auto sa = [&](const std::string& ns, const std::string& name) -> SubjectSummary& {
        auto [it, inserted] = sas.try_emplace({ns, name});
        if (inserted) {
            it->second.ref = {SubjectKind::ServiceAccount, ns, name};
            it->second.exists = false;
            it->second.isDefault = name == "default";
        }
        return it->second;
    };
    for (const auto& x : s.serviceAccounts) {
        auto& e = sa(x.meta.ns, x.meta.name);
        e.exists = true;
        e.automount = x.automountServiceAccountToken;
        for (const char* key : kCloudIdentityAnnotations)
            if (auto it = x.meta.annotations.find(key); it != x.meta.annotations.end())
                e.cloudIdentity.push_back(std::string(key) + '=' + it->second);
    }
    for (const auto& w : s.workloads) {
        const auto& name = w.pod.serviceAccountName.empty() ? std::string("default") : w.pod.serviceAccountName;
        auto& e = sa(w.meta.ns, name);
        if (w.kind == "Pod")
            ++e.pods;
        else
            ++e.workloads;
    }
    for (const auto& secret : s.secrets) {
        if (secret.type != "kubernetes.io/service-account-token")
            continue;
        auto it = secret.meta.annotations.find("kubernetes.io/service-account.name");
        if (it != secret.meta.annotations.end() && !it->second.empty())
            ++sa(secret.meta.ns, it->second).legacyTokens;
    }
    for (std::size_t b = 0; b < s.bindings.size(); ++b) {
        const auto& binding = s.bindings[b];
        for (const auto& subject : binding.subjects) {
            SubjectSummary* e = nullptr;
            if (subject.kind == "ServiceAccount") {
                const auto& ns = subject.ns.empty() ? binding.meta.ns : subject.ns;
                if (ns.empty())
                    continue; // matches nobody
                e = &sa(ns, subject.name);
            } else if (subject.kind == "User") {
                if (auto parsed = parseServiceAccountUsername(subject.name)) {
                    e = &sa(parsed->ns, parsed->name);
                } else {
                    auto [it, inserted] = users.try_emplace(subject.name);
                    if (inserted)
                        it->second.ref = {SubjectKind::User, {}, subject.name};
                    e = &it->second;
                }
            } else if (subject.kind == "Group") {
                auto [it, inserted] = groups.try_emplace(subject.name);
                if (inserted)
                    it->second.ref = {SubjectKind::Group, {}, subject.name};
                e = &it->second;
            }
            if (e && (e->bindings.empty() || e->bindings.back() != b))
                e->bindings.push_back(b);
        }
    }
    std::vector<SubjectSummary> out;
    out.reserve(sas.size() + users.size() + groups.size());
    for (auto& [k, v] : sas)
        out.push_back(std::move(v));
    for (auto& [k, v] : users) {
        v.exists = true;
        out.push_back(std::move(v));
    }
    for (auto& [k, v] : groups) {
        v.exists = true;
        out.push_back(std::move(v));
    }
    Request all;
    all.resource = {"", "*", "*", "", "*", "", ""};
    const bool usageKnown = s.workloadsComplete();
    for (auto& e : out) {
        e.usageKnown = usageKnown;
        all.user = userInfoOf(e.ref);
        e.clusterAdminEquivalent = policy.authorize(all).allowed;
    }
    return out;
}

} // namespace rbx
