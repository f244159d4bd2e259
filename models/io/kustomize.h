// SPDX-License-Identifier: Apache-2.0
// A remediation plan as files real tools read: a kustomize overlay (kustomization.yaml with resources and
// patchesJson6902 whose targets name the namespace, which kubectl 1.20's kustomize and current kubectl both resolve
// alike), base/ with the affected objects as the snapshot recorded them, one JSON patch per changed object (with the
// fixes, findings and reasons in its header), new objects, delete.yaml for `kubectl delete -f`, and REPORT.md.
// Also the rendered after-state as one multi-document YAML, and the report as HTML.
#pragma once

#include "models/analysis/remediation.h"

#include <string>
#include <vector>

namespace rbx::io {

struct OverlayFile
{
    std::string path; // relative to the overlay folder
    std::string content;
};

// Every file of the overlay, kustomization.yaml first.
[[nodiscard]] std::vector<OverlayFile> overlayFiles(const RemediationPlan& plan, const std::string& toolVersion = {});
bool writeOverlay(const std::string& dir, const RemediationPlan& plan, std::string* error = nullptr);

// The fixed objects (patched and new), rendered from the plan's after-state, as one YAML stream; deletions are
// listed in its header.
[[nodiscard]] std::string afterStateYaml(const RemediationPlan& plan);
// All overlay files in one text with a comment line before each, for showing the whole change at once.
[[nodiscard]] std::string combinedYaml(const RemediationPlan& plan);

[[nodiscard]] std::string reportMarkdown(const RemediationPlan& plan, const std::string& toolVersion = {});
[[nodiscard]] std::string reportHtml(const RemediationPlan& plan, const std::string& toolVersion = {});

// An object of the snapshot as a Kubernetes manifest with the fields the model keeps (no status, no Secret data).
// `header` lines become comments above it. Empty if the object is not in the snapshot.
[[nodiscard]] std::string manifestYaml(const Snapshot& snapshot, const ObjectLink& object,
                                       const std::vector<std::string>& header = {});

bool writeText(const std::string& path, const std::string& text, std::string* error = nullptr);

} // namespace rbx::io
