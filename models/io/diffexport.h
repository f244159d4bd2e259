// SPDX-License-Identifier: Apache-2.0
// Diffs as JSON, YAML, Markdown and HTML (for CI and for review tickets).
#pragma once

#include "models/analysis/diff.h"

#include <QJsonObject>

#include <string>

namespace rbx::io {

// {"a","b","scopes","verbs","equal","cells":[{namespace,group,resource,verb,a,b,namesA,namesB,whyA,whyB}],
//  "sameAllowed","structure":{bindings,roles,tokens,workloads:{onlyA,onlyB},automount:{a,b},exists:{a,b}}}
[[nodiscard]] QJsonObject subjectDiffJson(const Policy& policyA, const Policy& policyB, const SubjectDiff& diff,
                                          bool withSame = false); // withSame: also "same": the cells both have
// {"before","after","equal","objects","addedServiceAccounts","removedServiceAccounts",
//  "tokens":[{namespace,secret,serviceAccount,changes:[...]}],
//  "newFindings"/"goneFindings":[{id,ruleId,severity,title,namespace,object:{kind,namespace,name},explanation}],
//  "serviceAccounts":[subjectDiffJson...]}
[[nodiscard]] QJsonObject snapshotDiffJson(const Policy& before, const Policy& after, const SnapshotDiff& diff);
// Any JSON value as block YAML (yaml-cpp emitter), keys in JSON order.
[[nodiscard]] std::string jsonToYaml(const QJsonValue& value);
[[nodiscard]] std::string subjectDiffMarkdown(const Policy& policyA, const Policy& policyB, const SubjectDiff& diff);
[[nodiscard]] std::string snapshotDiffMarkdown(const Policy& before, const Policy& after, const SnapshotDiff& diff);
// A self-contained HTML page of Markdown produced above (tables, headings, lists, code).
[[nodiscard]] std::string markdownToHtml(const std::string& markdown, const std::string& title);

} // namespace rbx::io
