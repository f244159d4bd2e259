// SPDX-License-Identifier: Apache-2.0
// Findings for machines: SARIF 2.1.0 (GitHub code scanning and other CI tools) and plain JSON.
#pragma once

#include "models/analysis/findings.h"

#include <QJsonObject>

#include <string>
#include <vector>

namespace rbx::io {

// A SARIF 2.1.0 log with one run: every rule of the engine, and one result per finding (waived findings carry an
// accepted external suppression with the note). Locations point at the file and line the object was loaded from.
[[nodiscard]] QJsonObject sarifLog(const std::vector<Finding>& findings, const std::string& toolVersion);

// {"asOf", "findings": [{id, rule, severity, title, namespace, object, explanation, evidence, chains, waived...}]}
[[nodiscard]] QJsonObject findingsJson(const std::vector<Finding>& findings, const std::string& asOf);
[[nodiscard]] QJsonObject findingJson(const Finding& f);

} // namespace rbx::io
