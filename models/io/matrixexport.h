// SPDX-License-Identifier: Apache-2.0
// Access matrices as CSV and JSON: one format for `rbx matrix` and the GUI's export.
#pragma once

#include "models/analysis/accessmatrix.h"
#include "models/analysis/heatmap.h"

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

// The heat map, riskiest ServiceAccount first (stable for equal risk): one format for `rbx matrix --all-sas` and the
// Heat map page's export.
[[nodiscard]] std::vector<std::size_t> heatMapOrder(const HeatMap& heat);
// `namespace,name,risk,"<resource (group)>"...` with yes/no/partial cells.
[[nodiscard]] std::string heatMapCsv(const HeatMap& heat);
// {"verbs","columns":[{group,resource}],"rows":[{subject,namespace,name,exists,clusterAdminEquivalent,risk,cells}]}
[[nodiscard]] QJsonObject heatMapJson(const HeatMap& heat);

} // namespace rbx::io
