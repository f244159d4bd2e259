// SPDX-License-Identifier: Apache-2.0
// A deterministic generator of large, realistic cluster snapshots (for benchmarks and scale tests), and the
// parser floors a load is measured against: a libyaml event-only pass and a simdjson On-Demand walk.
#pragma once

#include <cstdint>
#include <string>

namespace rbx::io {

struct GeneratorOptions
{
    double scale = 1.0; // 1.0: 500 namespaces, 20k pods, 2.5k ServiceAccounts, 5k Secrets (~75 MB of YAML)
    std::uint64_t seed = 42;
    // > 0: also a ServiceAccount ns-0/heavy-bot bound by this many RoleBindings, spread over the namespaces (the GUI
    // benchmark's 50-binding graph). 0 leaves the snapshot exactly as before.
    std::size_t heavyBindings = 0;
};

struct GeneratedCounts
{
    std::size_t namespaces = 0;
    std::size_t serviceAccounts = 0;
    std::size_t secrets = 0;
    std::size_t pods = 0;
    std::size_t roles = 0;
    std::size_t bindings = 0;
    std::size_t objects = 0;
};

// Writes one `kind: List` snapshot, as `kubectl get -o yaml|json` would: pods with full specs and status, legacy
// token Secrets with data, Roles, ClusterRoles (some aggregated), bindings, Deployments, CRDs.
GeneratedCounts generateSnapshot(const std::string& path, bool json, const GeneratorOptions& options = {});

// The floors: the cheapest complete pass each parser can make over the file (every event / every value touched);
// JSON is walked over the mapped file, as the loader reads it.
// Returns the number of events (YAML) or values (JSON) seen, or -1 if the file could not be read or parsed.
std::int64_t yamlEventPass(const std::string& path);
std::int64_t jsonOnDemandPass(const std::string& path);

} // namespace rbx::io
