// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/posture.h"

#include <algorithm>
#include <set>

namespace rbx {

std::size_t Posture::passing() const
{
    return static_cast<std::size_t>(
        std::count_if(practices.begin(), practices.end(), [](const PracticeStatus& p) { return p.pass; }));
}

namespace {

struct Counter
{
    const std::vector<Finding>& findings;

    // Open findings of these rules (at or above `min`), added to the practice.
    std::size_t collect(PracticeStatus& p, std::initializer_list<const char*> rules, Severity min = Severity::Info) const
    {
        std::size_t n = 0;
        for (const char* r : rules)
            if (std::find(p.rules.begin(), p.rules.end(), r) == p.rules.end())
                p.rules.emplace_back(r);
        for (const auto& f : findings) {
            if (f.waived || f.severity < min)
                continue;
            for (const char* r : rules)
                if (f.ruleId == r) {
                    if (std::find(p.findings.begin(), p.findings.end(), f.id) == p.findings.end())
                        p.findings.push_back(f.id);
                    ++n;
                }
        }
        return n;
    }
};

std::string plural(std::size_t n, const char* one, const char* many)
{
    return std::to_string(n) + ' ' + (n == 1 ? one : many);
}

} // namespace

Posture computePosture(const Policy& policy, const std::vector<Finding>& findings, const FindingsOptions& options)
{
    const auto& s = policy.snapshot();
    Posture posture;
    posture.asOf = options.asOf.empty() ? snapshotDate(s) : options.asOf;
    const Counter count {findings};

    std::size_t roots = 0;
    for (std::size_t i = 0; i < s.workloads.size(); ++i)
        if (!isMirrorPod(s.workloads[i]) && rootWorkload(s, i) == i)
            ++roots;
    std::size_t defaults = 0, dedicated = 0, cloudSas = 0;
    for (const auto& sa : s.serviceAccounts) {
        (sa.meta.name == "default" ? defaults : dedicated) += 1;
        for (const auto& key : cloudIdentityAnnotations())
            if (sa.meta.annotations.count(key)) {
                ++cloudSas;
                break;
            }
    }
    const auto tokens = legacyTokens(s, posture.asOf, options.staleDays);

    {
        PracticeStatus p {1, "One dedicated ServiceAccount per workload", {}, true, 0, roots, {}, {}};
        p.failing = count.collect(p, {"RBX-WL-001"});
        count.collect(p, {"RBX-SA-002"});
        p.summary = plural(p.failing, "workload runs", "workloads run") + " as a default ServiceAccount, of "
            + plural(roots, "workload", "workloads") + '.';
        p.pass = p.failing == 0;
        posture.practices.push_back(std::move(p));
    }
    {
        PracticeStatus p {2, "Default ServiceAccounts do not mount tokens", {}, true, 0, defaults, {}, {}};
        p.failing = count.collect(p, {"RBX-SA-001"});
        p.summary = plural(p.failing, "default ServiceAccount mounts", "default ServiceAccounts mount")
            + " a token into pods, of " + std::to_string(defaults) + '.';
        p.pass = p.failing == 0;
        posture.practices.push_back(std::move(p));
    }
    {
        PracticeStatus p {3, "Dedicated ServiceAccounts off by default, pods opt in", {}, true, 0, dedicated, {}, {}};
        p.failing = count.collect(p, {"RBX-SA-003"});
        const auto unneeded = count.collect(p, {"RBX-WL-002"});
        p.summary = plural(p.failing, "ServiceAccount mounts", "ServiceAccounts mount") + " tokens by default (of "
            + std::to_string(dedicated) + "); " + plural(unneeded, "workload gets", "workloads get")
            + " a token it shows no use for.";
        p.failing += unneeded;
        p.pass = p.failing == 0;
        posture.practices.push_back(std::move(p));
    }
    {
        PracticeStatus p {4, "No legacy token Secrets", {}, true, 0, tokens.size(), {}, {}};
        const auto inUse = count.collect(p, {"RBX-TOK-001"});
        const auto stale = count.collect(p, {"RBX-TOK-002"});
        const auto mounted = count.collect(p, {"RBX-TOK-003"});
        p.failing = inUse + stale;
        p.summary = plural(tokens.size(), "legacy token Secret", "legacy token Secrets") + ": "
            + std::to_string(inUse) + " in use, " + std::to_string(stale) + " stale, "
            + plural(mounted, "workload mounts one", "workloads mount one") + '.';
        p.pass = p.failing == 0 && mounted == 0;
        posture.practices.push_back(std::move(p));
    }
    {
        PracticeStatus p {5, "Short token lifetimes", {}, true, 0, 0, {}, {}};
        std::size_t longLived = 0;
        for (std::size_t i = 0; i < s.workloads.size(); ++i)
            for (const auto& t : s.workloads[i].pod.projectedTokens) {
                ++p.total;
                if (t.expirationSeconds.value_or(3600) > 3607)
                    ++longLived;
            }
        const auto open = count.collect(p, {"RBX-TOK-004"});
        p.failing = open;
        p.summary = plural(longLived, "projected token lives", "projected tokens live") + " longer than an hour, of "
            + std::to_string(p.total) + " in pods and templates; " + plural(open, "ServiceAccount needs", "ServiceAccounts need")
            + " a shorter cloud token lifetime.";
        p.pass = open == 0;
        posture.practices.push_back(std::move(p));
    }
    {
        PracticeStatus p {6, "Workload identity instead of static cloud keys", {}, true, 0, cloudSas, {}, {}};
        p.failing = count.collect(p, {"RBX-CLD-002"});
        p.summary = plural(p.failing, "Secret holds", "Secrets hold") + " static cloud credentials; "
            + plural(cloudSas, "ServiceAccount uses", "ServiceAccounts use") + " workload identity.";
        p.pass = p.failing == 0;
        posture.practices.push_back(std::move(p));
    }
    {
        PracticeStatus p {7, "Permissions reviewed", {}, true, 0, 0, {}, {}};
        const auto rules = {"RBX-RBAC-001", "RBX-RBAC-002", "RBX-RBAC-003", "RBX-RBAC-004", "RBX-ESC-001",
                            "RBX-ESC-002",  "RBX-ESC-003",  "RBX-ESC-004",  "RBX-ESC-005",  "RBX-ESC-006",
                            "RBX-ESC-007",  "RBX-ESC-008",  "RBX-ESC-009",  "RBX-ESC-010",  "RBX-CLD-001",
                            "RBX-BND-001",  "RBX-BND-002",  "RBX-BND-003",  "RBX-BND-004",  "RBX-BND-005",
                            "RBX-UNU-001",  "RBX-UNU-002",  "RBX-UNU-003"};
        for (const auto& f : findings)
            for (const char* r : rules)
                if (f.ruleId == r && f.severity >= Severity::Medium)
                    ++p.total;
        p.failing = count.collect(p, rules, Severity::Medium);
        p.summary = plural(p.failing, "permission finding", "permission findings")
            + " (medium or worse) not reviewed yet, of " + std::to_string(p.total)
            + ". A waiver with a note records a review.";
        p.pass = p.failing == 0;
        posture.practices.push_back(std::move(p));
    }
    {
        PracticeStatus p {8, "Nothing for the default-SA and legacy-token alerts to catch", {}, true, 0, 0, {}, {}};
        // Default ServiceAccounts that pods use with a token and that hold permissions: their API calls are what the
        // "default ServiceAccount used" alert fires on. Legacy tokens in use: what the legacy-token alert fires on.
        std::set<std::string> alerting;
        for (const auto& f : findings)
            if (!f.waived && f.ruleId == "RBX-SA-002")
                for (const auto& e : f.evidence)
                    if (e.relation == "workload" || e.relation == "pod")
                        alerting.insert(f.id);
        p.rules = {"RBX-SA-002", "RBX-TOK-001"};
        std::size_t inUse = 0;
        for (const auto& f : findings)
            if (!f.waived && (alerting.count(f.id) || f.ruleId == "RBX-TOK-001")) {
                p.findings.push_back(f.id);
                inUse += f.ruleId == "RBX-TOK-001";
            }
        p.failing = alerting.size() + inUse;
        p.total = defaults + tokens.size();
        p.summary = plural(alerting.size(), "default ServiceAccount", "default ServiceAccounts")
            + " with permissions run pods; " + plural(inUse, "legacy token was", "legacy tokens were")
            + " used recently. Each would raise an alert.";
        p.pass = p.failing == 0;
        posture.practices.push_back(std::move(p));
    }

    std::size_t inUse = 0, stale = 0, mounted = 0;
    for (const auto& t : tokens) {
        inUse += t.inUse;
        stale += t.stale;
        mounted += !t.referencedBy.empty();
    }
    // Projected tokens requested for 3607 s with the API server's audiences: the JWT lives a year (extended
    // expiration); presented after 1 h 7 s it still works and counts in serviceaccount_stale_tokens_total.
    std::size_t extended = 0;
    for (const auto& w : s.workloads)
        for (const auto& pt : w.pod.projectedTokens)
            extended += pt.expirationSeconds.value_or(3600) == 3607 && pt.audience.empty();
    posture.metrics.push_back({"Legacy tokens in use", "serviceaccount_legacy_tokens_total", inUse,
                               "token Secrets whose kubernetes.io/legacy-token-last-used label is recent; the API "
                               "server counts every use of a legacy token"});
    // No API server metric counts unused legacy tokens: serviceaccount_stale_tokens_total is about projected tokens.
    posture.metrics.push_back({"Stale legacy tokens", {}, stale,
                               "unused for " + std::to_string(options.staleDays)
                                   + " days or more, invalidated, or orphaned"});
    posture.metrics.push_back({"Legacy token Secrets", {}, tokens.size(), "type kubernetes.io/service-account-token"});
    posture.metrics.push_back({"Legacy tokens referenced by pods", {}, mounted, "volume, projected or env references"});
    posture.metrics.push_back({"Projected tokens with extended expiration", "serviceaccount_stale_tokens_total",
                               extended,
                               "pods and templates requesting 3607 s: the token is valid for a year, and each use "
                               "after 1 h 7 s counts as a stale projected token"});
    return posture;
}

} // namespace rbx
