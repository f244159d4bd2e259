// SPDX-License-Identifier: Apache-2.0
// The all-ServiceAccounts heat map: every SA x every resource for one verb (or any read / any write), with a risk
// score so the worst ServiceAccounts float to the top.
#pragma once

#include "models/analysis/accessmatrix.h"
#include "models/analysis/subjects.h"

#include <string>
#include <vector>

namespace rbx {

struct HeatMap
{
    std::vector<SubjectSummary> subjects; // rows
    std::vector<MatrixRow> columns; // resources someone has access to
    std::vector<Access> cells; // row-major
    std::vector<int> risk; // per subject
    std::vector<std::string> verbs; // the verbs a cell combines (best access over them)

    [[nodiscard]] Access cell(std::size_t subject, std::size_t column) const
    {
        return cells[subject * columns.size() + column];
    }
};

[[nodiscard]] std::vector<std::string> readVerbs(); // get list watch
[[nodiscard]] std::vector<std::string> writeVerbs(); // create update patch delete deletecollection
// How much a grant on this resource matters to a reviewer (1..10).
[[nodiscard]] int sensitivity(const std::string& group, const std::string& resource);

// Every ServiceAccount (existing or only bound) x the catalogue rows; a cell is the best access over `verbs`, over
// cluster scope and every namespace with RoleBindings. Columns where nobody has access are dropped.
[[nodiscard]] HeatMap heatMap(const Policy& policy, const std::vector<SubjectSummary>& subjects,
                              const MatrixRows& rows, const std::vector<std::string>& verbs);

} // namespace rbx
