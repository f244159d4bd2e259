// SPDX-License-Identifier: Apache-2.0
// An immutable snapshot of a cluster as loaded from files, plus the report of that load.
#pragma once

#include "models/domain/objects.h"

#include <cstddef>
#include <string>
#include <vector>

namespace rbx {

struct Diagnostic
{
    enum class Severity : std::uint8_t { Warning, Error };
    Severity severity = Severity::Error;
    std::string file;
    std::uint32_t line = 0; // 1-based; 0 = whole file
    std::uint32_t column = 0; // 1-based
    std::int32_t document = -1; // 0-based document index in the file; -1 = not tied to a document
    std::string message;

    [[nodiscard]] std::string toString() const; // file:line:col: error: [document N] message
};

struct KindCount
{
    std::string kind; // "Role", or "apps/v1 Widget" for skipped kinds
    std::size_t count = 0;
};

struct LoadReport
{
    std::vector<std::string> inputs;
    std::size_t files = 0;
    std::size_t documents = 0;
    std::vector<KindCount> kept; // sorted by kind
    std::vector<KindCount> skipped; // sorted by kind
    std::vector<std::string> duplicates; // "Role ns/name: <file:line> replaces <file:line>"
    std::vector<std::string> notes; // e.g. namespaced objects that carried no namespace
    std::vector<Diagnostic> diagnostics;

    [[nodiscard]] std::size_t keptCount(const std::string& kind) const;
    [[nodiscard]] std::size_t errorCount() const;
    [[nodiscard]] std::string toText() const;
};

struct Snapshot
{
    std::vector<Namespace> namespaces;
    std::vector<ServiceAccount> serviceAccounts;
    std::vector<Secret> secrets;
    std::vector<Role> roles; // Roles and ClusterRoles (Role::cluster tells)
    std::vector<Binding> bindings; // RoleBindings and ClusterRoleBindings (Binding::cluster tells)
    std::vector<Workload> workloads;
    std::vector<NodeObject> nodes;
    std::vector<CustomResourceDefinition> crds;
    std::vector<DiscoveredResource> discovery; // from APIResourceList documents
    std::optional<TokenTracking> tokenTracking;
    // Resources a live pull could not read in full (403, failures), e.g. "pods": what is absent of them is unknown,
    // not empty. Always empty for snapshots loaded from files.
    std::vector<std::string> unreadable;
    LoadReport report;

    [[nodiscard]] bool readable(const std::string& resource) const;
    // Whether "no pod or workload runs as it" can be concluded: pods and every workload kind were read in full.
    [[nodiscard]] bool workloadsComplete() const;

    [[nodiscard]] const ServiceAccount* findServiceAccount(const std::string& ns, const std::string& name) const;
    [[nodiscard]] const Role* findClusterRole(const std::string& name) const;
    [[nodiscard]] const Role* findRole(const std::string& ns, const std::string& name) const;
    [[nodiscard]] const Workload* findPod(const std::string& ns, const std::string& name) const;
    [[nodiscard]] const Secret* findSecret(const std::string& ns, const std::string& name) const;
    [[nodiscard]] const NodeObject* findNode(const std::string& name) const;
    [[nodiscard]] std::size_t objectCount() const;
};

} // namespace rbx
