// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: token inspection (base64url segments, JWT header/claims decoding, fingerprint).
#include "models/io/token.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)rbx::io::inspectToken(text);
    (void)rbx::io::base64Decode(text);
    return 0;
}
