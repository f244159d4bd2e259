// SPDX-License-Identifier: Apache-2.0
// Access matrices as CSV and JSON: one format for `rbx matrix` and the GUI's export.
#pragma once

#include "models/analysis/accessmatrix.h"

#include <QJsonArray>
#include <QJsonObject>

#include <string>
#include <vector>

namespace rbx::io {

// `namespace,group,resource,<verb>...` with yes/no/partial cells.
[[nodiscard]] std::string matrixCsv(const std::vector<AccessMatrix>& matrices);
// {"subject","namespace","verbs","rows":[{"group","resource","cells":{verb: yes|no|partial},"resourceNames","why"}]}
[[nodiscard]] QJsonObject matrixJson(const Policy& policy, const AccessMatrix& matrix);
// The provenance of one grant: binding, role, aggregatedFrom, rule, subject.
[[nodiscard]] QJsonObject grantJson(const Policy& policy, const Grant& grant);

} // namespace rbx::io
