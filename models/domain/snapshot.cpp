// SPDX-License-Identifier: Apache-2.0
#include "models/domain/snapshot.h"

#include <algorithm>

namespace rbx {

std::string Diagnostic::toString() const
{
    std::string out = file;
    if (line > 0) {
        out += ':' + std::to_string(line);
        if (column > 0)
            out += ':' + std::to_string(column);
    }
    out += severity == Severity::Error ? ": error: " : ": warning: ";
    if (document >= 0)
        out += "document " + std::to_string(document + 1) + ": ";
    out += message;
    return out;
}

std::size_t LoadReport::keptCount(const std::string& kind) const
{
    auto it = std::find_if(kept.begin(), kept.end(), [&](const KindCount& k) { return k.kind == kind; });
    return it == kept.end() ? 0 : it->count;
}

std::size_t LoadReport::errorCount() const
{
    return std::count_if(diagnostics.begin(), diagnostics.end(),
                         [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::Error; });
}

std::string LoadReport::toText() const
{
    std::string out;
    out += "Loaded " + std::to_string(files) + " file(s), " + std::to_string(documents) + " document(s)\n";
    out += "Kept:\n";
    for (const auto& k : kept)
        out += "  " + k.kind + ": " + std::to_string(k.count) + '\n';
    if (!skipped.empty()) {
        out += "Skipped (not used by RBAC Explorer):\n";
        for (const auto& k : skipped)
            out += "  " + k.kind + ": " + std::to_string(k.count) + '\n';
    }
    if (!duplicates.empty()) {
        out += "Duplicates (the last one is kept):\n";
        for (const auto& d : duplicates)
            out += "  " + d + '\n';
    }
    for (const auto& n : notes)
        out += "Note: " + n + '\n';
    if (!diagnostics.empty()) {
        out += "Diagnostics:\n";
        for (const auto& d : diagnostics)
            out += "  " + d.toString() + '\n';
    }
    return out;
}

const ServiceAccount* Snapshot::findServiceAccount(const std::string& ns, const std::string& name) const
{
    for (const auto& sa : serviceAccounts)
        if (sa.meta.name == name && sa.meta.ns == ns)
            return &sa;
    return nullptr;
}

const Workload* Snapshot::findPod(const std::string& ns, const std::string& name) const
{
    for (const auto& w : workloads)
        if (w.kind == "Pod" && w.meta.ns == ns && w.meta.name == name)
            return &w;
    return nullptr;
}

const Secret* Snapshot::findSecret(const std::string& ns, const std::string& name) const
{
    for (const auto& x : secrets)
        if (x.meta.ns == ns && x.meta.name == name)
            return &x;
    return nullptr;
}

const NodeObject* Snapshot::findNode(const std::string& name) const
{
    for (const auto& n : nodes)
        if (n.meta.name == name)
            return &n;
    return nullptr;
}

const Role* Snapshot::findClusterRole(const std::string& name) const
{
    for (const auto& r : roles)
        if (r.cluster && r.meta.name == name)
            return &r;
    return nullptr;
}

const Role* Snapshot::findRole(const std::string& ns, const std::string& name) const
{
    for (const auto& r : roles)
        if (!r.cluster && r.meta.name == name && r.meta.ns == ns)
            return &r;
    return nullptr;
}

std::size_t Snapshot::objectCount() const
{
    return namespaces.size() + serviceAccounts.size() + secrets.size() + roles.size() + bindings.size()
        + workloads.size() + nodes.size() + crds.size() + (tokenTracking ? 1 : 0);
}

bool Snapshot::readable(const std::string& resource) const
{
    return std::find(unreadable.begin(), unreadable.end(), resource) == unreadable.end();
}

bool Snapshot::workloadsComplete() const
{
    for (const auto* r : {"pods", "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs"})
        if (!readable(r))
            return false;
    return true;
}

} // namespace rbx
