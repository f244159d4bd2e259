// SPDX-License-Identifier: Apache-2.0
// authorization.k8s.io/v1 SubjectAccessReview objects in and out (JSON), for `rbx review` and the tests.
#pragma once

#include "models/analysis/policy.h"
#include "models/analysis/request.h"

#include <optional>
#include <string>

namespace rbx::io {

struct ParsedReview
{
    std::optional<Request> request; // nullopt: see error
    std::string error;
};

[[nodiscard]] ParsedReview parseSubjectAccessReview(const std::string& json);
// Evaluates one review line and returns it, compact, with status.allowed/reason (or status.evaluationError).
[[nodiscard]] std::string answerSubjectAccessReview(const Policy& policy, const std::string& json);

} // namespace rbx::io
