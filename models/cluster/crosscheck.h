// SPDX-License-Identifier: Apache-2.0
// Cross-check: our evaluation of sample requests against the live API server's SubjectAccessReview answers. A
// disagreement means the cluster authorizes by more than RBAC (webhook or Node authorizers, system:masters), or the
// snapshot drifted from the cluster, or part of it could not be read.
#pragma once

#include "models/analysis/policy.h"
#include "models/cluster/kubeconfig.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rbx::cluster {

struct CrossCheckSample
{
    Request request;
    bool ours = false;
    std::string ourReason;
    std::optional<bool> server; // nullopt: the review failed (see error)
    bool serverDenied = false; // status.denied: an authorizer said no outright
    std::string serverReason;
    std::string error;

    [[nodiscard]] bool disagrees() const
    {
        return server && *server != ours;
    }
};

struct CrossCheckResult
{
    bool ok = false;
    std::string error; // fatal: cannot reach, 401, not allowed to create subjectaccessreviews
    std::vector<CrossCheckSample> samples;
    [[nodiscard]] std::size_t disagreements() const;
    [[nodiscard]] std::size_t failures() const;
};

// Up to `max` requests for `user` in namespace `ns` (and cluster scope for cluster-scoped resources), deterministic:
// every request our evaluation allows comes first (as far as room allows), then denied ones spread over the catalogue.
[[nodiscard]] std::vector<Request> sampleRequests(const Policy& policy, const UserInfo& user, const std::string& ns,
                                                  std::size_t max);

// The SubjectAccessReview (authorization.k8s.io/v1) the API server is asked for `request`, as compact JSON.
[[nodiscard]] std::string subjectAccessReviewJson(const Request& request);

// Posts one SubjectAccessReview per request (a few at a time) and compares the answers with `policy`.
[[nodiscard]] CrossCheckResult crossCheck(const ConnectionConfig& connection, const Policy& policy,
                                          const std::vector<Request>& requests, int concurrency = 4,
                                          const std::function<bool()>& canceled = {});

} // namespace rbx::cluster
