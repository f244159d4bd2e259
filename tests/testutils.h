// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the tests: where the test data lives, and small snapshot builders.
#pragma once

#include "models/analysis/policy.h"
#include "models/io/snapshotloader.h"

#include <QString>

#include <memory>
#include <string>

namespace rbx::test {

inline QString dataDir()
{
    return QStringLiteral(RBX_TEST_DATA_DIR);
}

inline std::string dataPath(const char* relative)
{
    return std::string(RBX_TEST_DATA_DIR) + '/' + relative;
}

inline std::shared_ptr<const Snapshot> yaml(const std::string& text, const std::string& name = "test.yaml")
{
    return io::loadFromString(text, name, io::Format::Yaml);
}

inline std::shared_ptr<const Snapshot> json(const std::string& text, const std::string& name = "test.json")
{
    return io::loadFromString(text, name, io::Format::Json);
}

} // namespace rbx::test
