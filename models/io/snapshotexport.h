// SPDX-License-Identifier: Apache-2.0
// A snapshot written back as one `kind: List` (JSON or YAML, optionally gzip-compressed) that the loader reads into the
// same model: every item with its kind and apiVersion (which list responses omit), every field the model keeps, and
// nothing it does not (no status but a Node's kubelet version, never Secret data: the model has none). Discovery
// documents become APIResourceList items. What a file-loaded Secret knew of its token (the fingerprint and claims) is
// not written, since only the token itself could reproduce it.
#pragma once

#include "models/domain/snapshot.h"

#include <string>

namespace rbx::io {

enum class ExportFormat : std::uint8_t { Json, Yaml };

[[nodiscard]] std::string exportSnapshot(const Snapshot& snapshot, ExportFormat format);
// Format from the name (.json / .yaml / .yml, each optionally .gz); gzip when it ends in .gz.
bool writeSnapshotFile(const std::string& path, const Snapshot& snapshot, std::string* error = nullptr);
// gzip (RFC 1952) of `data`.
[[nodiscard]] std::string gzip(const std::string& data);

} // namespace rbx::io
