// SPDX-License-Identifier: Apache-2.0
// Pulls what RBAC Explorer needs from a live cluster, read-only: /version, discovery (aggregated when offered),
// namespaces, ServiceAccounts, RBAC objects, pods and workload kinds, Nodes, CRDs, the legacy-token tracking
// ConfigMap, the OIDC discovery document and JWKS, and Secrets of type service-account-token as metadata only
// (PartialObjectMetadataList, never a fallback that could return payloads). Lists are paginated (limit/continue,
// restart on 410 Gone), run in parallel with a bounded number of requests in flight, and a 403 on one resource
// does not fail the pull: it falls back to per-namespace lists and is reported with what it means for the results.
#pragma once

#include "models/cluster/kubeconfig.h"
#include "models/domain/snapshot.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rbx::cluster {

struct ResourceCoverage
{
    enum class State : std::uint8_t { Complete, Partial, Forbidden, NotServed, Skipped, Failed };
    std::string resource; // "pods", "secrets (service-account-token, metadata only)", ...
    State state = State::Complete;
    std::size_t items = 0;
    std::size_t pages = 0;
    std::vector<std::string> forbiddenNamespaces; // Partial: the namespaces that could not be listed
    std::string message; // the server's words (403 message, ...)
    std::string meaning; // what this means for the results, for the load report
};

[[nodiscard]] std::string coverageStateName(ResourceCoverage::State s);

struct PullProgress
{
    std::string resource;
    std::size_t items = 0; // of that resource so far
    int done = 0; // resources finished
    int total = 0;
};

struct PullOptions
{
    int concurrency = 4; // requests in flight at once
    int pageSize = 500;
    int maxRestarts = 3; // per list, on 410 Gone
    std::vector<std::string> namespaces; // for per-namespace fallback when namespaces cannot be listed
    std::function<bool()> canceled;
    std::function<void(const PullProgress&)> progress;
};

struct PullResult
{
    bool ok = false;
    bool canceled = false;
    std::string error; // fatal, in plain words (unreachable, TLS, 401, canceled)
    std::shared_ptr<Snapshot> snapshot;
    std::vector<ResourceCoverage> coverage;
    std::vector<std::string> warnings; // insecure TLS, ...
    std::string serverVersion; // /version gitVersion
    std::string oidcDiscovery; // /.well-known/openid-configuration, when readable
    std::string jwks; // /openid/v1/jwks, when readable
    int requests = 0;
    int refusedRequests = 0; // requests the read-only gate refused (always 0 unless a bug asked for one)

    [[nodiscard]] bool complete() const; // every resource read in full
};

// Blocks until done (runs its own event loop: call it from a thread that may run one, e.g. the CLI's main thread or a
// worker). Never throws.
[[nodiscard]] PullResult pullSnapshot(const ConnectionConfig& connection, const PullOptions& options = {});

// Converts an aggregated discovery document (APIGroupDiscoveryList, apidiscovery.k8s.io v2/v2beta1) into
// APIResourceList documents, one per group version, as JSON. Exposed for tests.
[[nodiscard]] std::vector<std::string> aggregatedToResourceLists(const std::string& apiGroupDiscoveryListJson);

// Turns a PartialObjectMetadataList of Secrets into a SecretList of type service-account-token that carries metadata
// only: managedFields and the last-applied-configuration annotation are dropped, and anything but metadata in an
// item is ignored. Empty if the document is not a PartialObjectMetadataList.
[[nodiscard]] std::string secretMetadataToList(const std::string& partialObjectMetadataListJson);

} // namespace rbx::cluster
