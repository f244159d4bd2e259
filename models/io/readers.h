// SPDX-License-Identifier: Apache-2.0
// Streaming readers: YAML through libyaml's event parser, JSON through simdjson On-Demand. Both build one small
// tree per object (never per file), skip subtrees nobody reads, and hand objects to a SnapshotBuilder.
#pragma once

#include <functional>
#include <string_view>

namespace rbx::io {

class SnapshotBuilder;
using CancelCheck = std::function<bool()>;

// `data` is one file's content. Documents are isolated: a syntax error loses only its own document.
void readYaml(std::string_view data, SnapshotBuilder& builder, const CancelCheck& canceled = {});
// `data` is one file's content: one JSON value (an object, a List, or an array of objects).
void readJson(std::string_view data, SnapshotBuilder& builder, const CancelCheck& canceled = {});

} // namespace rbx::io
