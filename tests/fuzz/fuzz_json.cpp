// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the JSON snapshot reader (simdjson On-Demand -> object trees -> domain objects).
#include "models/analysis/policy.h"
#include "models/io/snapshotloader.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto snapshot = rbx::io::loadFromString(text, "fuzz.json", rbx::io::Format::Json);
    rbx::Policy policy(snapshot);
    (void)policy.knownNamespaces();
    return 0;
}
