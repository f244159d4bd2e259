// SPDX-License-Identifier: Apache-2.0
// The posture overview: the eight ServiceAccount best practices, each pass/fail with counts and the findings behind
// it, plus what a snapshot can tell of the metrics a cluster would export (legacy tokens in use, stale tokens).
#pragma once

#include "models/analysis/findings.h"

#include <string>
#include <vector>

namespace rbx {

struct PracticeStatus
{
    int number = 0; // 1..8, as FindingRule::practice
    std::string title;
    std::string summary; // what the counts mean, one sentence
    bool pass = true;
    std::size_t failing = 0; // open (not waived) cases
    std::size_t total = 0; // the population the practice is about
    std::vector<std::string> rules; // rule ids whose findings stand behind it
    std::vector<std::string> findings; // ids of the open findings behind it
};

struct PostureMetric
{
    std::string name;
    std::string clusterMetric; // the kube-apiserver metric this mirrors, if any
    std::size_t value = 0;
    std::string detail;
};

struct Posture
{
    std::vector<PracticeStatus> practices;
    std::vector<PostureMetric> metrics;
    std::string asOf;

    [[nodiscard]] std::size_t passing() const;
};

// `findings` as computeFindings returned them, with waivers applied (waived findings count as accepted).
[[nodiscard]] Posture computePosture(const Policy& policy, const std::vector<Finding>& findings,
                                     const FindingsOptions& options = {});

} // namespace rbx
