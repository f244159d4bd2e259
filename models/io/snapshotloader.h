// SPDX-License-Identifier: Apache-2.0
// Loads files, folders (recursive), gzip-compressed files and stdin ("-") into one Snapshot.
#pragma once

#include "models/domain/snapshot.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rbx::io {

struct LoadOptions
{
    std::string defaultNamespace = "default"; // for namespaced objects without metadata.namespace
    std::uint64_t maxDecompressedBytes = 4ULL << 30; // gzip bomb guard
    // Large Lists are read on several threads with the same result as on one (see models/io/readers.h).
    unsigned threads = 0; // 0: one per core; 1: one thread
    std::size_t parallelMinBytes = 4U << 20; // documents smaller than this are read on one thread
};

struct LoadCallbacks
{
    std::function<bool()> canceled; // polled between files and documents
    std::function<void(std::size_t done, std::size_t total, const std::string& file)> progress;
};

enum class Format { Auto, Yaml, Json };

[[nodiscard]] std::shared_ptr<const Snapshot> loadSnapshot(const std::vector<std::string>& inputs,
                                                           const LoadOptions& options = {},
                                                           const LoadCallbacks& callbacks = {});
// In-memory input (tests, stdin): `name` is used in diagnostics.
[[nodiscard]] std::shared_ptr<const Snapshot> loadFromString(std::string_view data, const std::string& name,
                                                             Format format = Format::Auto,
                                                             const LoadOptions& options = {});
// In-memory documents loaded as one snapshot, in order (the pages a live pull received); each name appears in
// diagnostics and as the objects' source file.
struct NamedBuffer
{
    std::string name;
    std::string data;
    Format format = Format::Json;
};
[[nodiscard]] std::shared_ptr<Snapshot> loadBuffers(std::vector<NamedBuffer> buffers, std::vector<std::string> inputs,
                                                    const LoadOptions& options = {});
// Files a folder contributes, in load order (sorted paths): *.yaml, *.yml, *.json and those with .gz.
[[nodiscard]] std::vector<std::string> snapshotFilesIn(const std::string& directory);

} // namespace rbx::io
