// SPDX-License-Identifier: Apache-2.0
// Waivers: findings a reviewer accepted, with a note, kept in a small YAML file next to the snapshot
// (`<file>.rbx-waivers.yaml`, or `.rbx-waivers.yaml` inside a snapshot folder) so a later review picks them up.
#pragma once

#include "models/analysis/findings.h"

#include <optional>
#include <string>
#include <vector>

namespace rbx::io {

struct Waiver
{
    std::string finding; // Finding::id
    std::string note;
    std::string date; // YYYY-MM-DD
    std::string by;
};

struct WaiverSet
{
    std::vector<Waiver> waivers;

    [[nodiscard]] const Waiver* find(const std::string& findingId) const;
    void set(Waiver waiver); // adds or replaces the waiver of that finding
    bool remove(const std::string& findingId);
};

// Where the waivers of these snapshot inputs live: next to the first file, or inside the first folder. Empty for
// stdin-only inputs.
[[nodiscard]] std::string waiversPathFor(const std::vector<std::string>& inputs);

// A missing file is an empty set; a malformed one is nullopt with the reason in `error`.
[[nodiscard]] std::optional<WaiverSet> loadWaivers(const std::string& path, std::string* error = nullptr);
[[nodiscard]] std::string waiversYaml(const WaiverSet& set);
bool saveWaivers(const std::string& path, const WaiverSet& set, std::string* error = nullptr);

// Marks the findings that have a waiver (waived, waiverNote).
void applyWaivers(std::vector<Finding>& findings, const WaiverSet& set);

} // namespace rbx::io
