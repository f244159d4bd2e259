// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the API server answers the live pull rewrites (aggregated discovery, metadata-only Secrets).
#include "clusterharness.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (!rbx::fuzz::clusterJson(text))
        __builtin_trap();
    return 0;
}
