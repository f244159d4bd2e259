// SPDX-License-Identifier: Apache-2.0
// Differences at permission level (access-matrix cells, with the provenance of each side) and at structure level
// (bindings, roles, tokens, automount, workloads): between two subjects of one snapshot, one subject across two
// snapshots, or every ServiceAccount between two snapshots.
#pragma once

#include "models/analysis/accessmatrix.h"
#include "models/analysis/findings.h"
#include "models/analysis/subjects.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rbx {

struct CellDiff
{
    std::string ns; // "" = cluster scope
    std::string group;
    std::string resource;
    std::string verb;
    Access a = Access::No;
    Access b = Access::No;
    std::vector<std::string> namesA; // partial cells: the allowed names
    std::vector<std::string> namesB;
    std::vector<Grant> whyA; // grants in side A's policy
    std::vector<Grant> whyB;
};

struct ChangeList
{
    std::vector<std::string> onlyA;
    std::vector<std::string> onlyB;
    [[nodiscard]] bool empty() const
    {
        return onlyA.empty() && onlyB.empty();
    }
};

struct SubjectStructureDiff
{
    ChangeList bindings; // "RoleBinding ns/name -> Role r (scope)"
    ChangeList roles; // roles reachable through those bindings
    ChangeList tokens; // legacy token Secrets (with their state)
    ChangeList workloads;
    std::string automountA; // "on", "off", "unset (on)", "" for non-ServiceAccounts
    std::string automountB;
    bool existsA = true;
    bool existsB = true;
    [[nodiscard]] bool empty() const
    {
        return bindings.empty() && roles.empty() && tokens.empty() && workloads.empty() && automountA == automountB
            && existsA == existsB;
    }
};

struct SubjectDiff
{
    SubjectRef a;
    SubjectRef b;
    std::vector<std::string> scopes; // compared scopes ("" = cluster)
    std::vector<std::string> verbs;
    std::vector<CellDiff> cells; // differing cells only, by scope, group, resource, verb
    std::size_t sameAllowed = 0; // cells allowed (or partial) on both sides with the same access
    std::vector<CellDiff> same; // those cells, with their provenance on each side (a == b)
    SubjectStructureDiff structure;

    [[nodiscard]] bool equal() const
    {
        return cells.empty() && structure.empty();
    }
};

struct DiffOptions
{
    // Scopes to compare: a namespace, "" for cluster scope. Empty = cluster scope plus every namespace where either
    // side has RoleBindings (elsewhere a namespace adds nothing to cluster scope).
    std::vector<std::string> scopes;
    std::vector<std::string> verbs = defaultMatrixVerbs();
};

[[nodiscard]] SubjectDiff diffSubjects(const Policy& policyA, const SubjectRef& a, const Policy& policyB,
                                       const SubjectRef& b, const DiffOptions& options = {});

struct ObjectChange
{
    std::string kind;
    std::string ns;
    std::string name;
    std::string change; // "added", "removed", "changed", "recreated (new UID)"
    std::string detail;
};

// A legacy token Secret whose state changed between the snapshots, in plain words.
struct TokenChange
{
    std::string ns;
    std::string secret;
    std::string serviceAccount;
    std::vector<std::string> changes; // "new legacy token (auto-generated)", "now invalid since 2024-05-01", ...

    [[nodiscard]] std::string text() const; // the changes joined with "; "
};

struct SnapshotDiff
{
    std::vector<ObjectChange> objects; // ServiceAccounts, roles, bindings, token Secrets that changed
    std::vector<SubjectDiff> serviceAccounts; // SAs whose access or structure changed (only differences)
    std::vector<std::string> addedServiceAccounts;
    std::vector<std::string> removedServiceAccounts;
    std::vector<TokenChange> tokens; // legacy tokens added, removed or in another state
    // Findings matched by finding id and the object they are about; each snapshot is judged at its own date.
    std::vector<Finding> newFindings; // in `after` only
    std::vector<Finding> goneFindings; // in `before` only

    [[nodiscard]] bool equal() const
    {
        return objects.empty() && serviceAccounts.empty() && tokens.empty() && newFindings.empty()
            && goneFindings.empty();
    }
};

// The token-state changes alone (also part of diffSnapshots).
[[nodiscard]] std::vector<TokenChange> diffTokens(const Policy& before, const Policy& after);
// The findings of `after` that `before` does not have (by id and object), and those it no longer has.
[[nodiscard]] std::pair<std::vector<Finding>, std::vector<Finding>> diffFindings(const std::vector<Finding>& before,
                                                                                 const std::vector<Finding>& after);

// Every ServiceAccount of either snapshot compared with itself across the two; objects matched by kind/ns/name.
[[nodiscard]] SnapshotDiff diffSnapshots(const Policy& before, const Policy& after, const DiffOptions& options = {});

} // namespace rbx
