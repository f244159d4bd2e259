// SPDX-License-Identifier: Apache-2.0
// A large snapshot file mapped into memory instead of copied: the parsers read the page cache directly (reading a
// 175 MB file into a buffer costs ~100 ms here, mapping it ~13 ms).
//
// A mapped file that shrinks while it is read (another program rewrites it with `>`) would raise SIGBUS on the
// pages past its new end. A process-wide SIGBUS handler puts zero pages over the rest of such a mapping and marks it
// changed: the parser then meets NUL bytes (a syntax error in that file), the loader reports that the file changed
// while it was read, and the load goes on. A SIGBUS outside our mappings goes to the handler that was there before.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rbx::io {

class MappedFile
{
public:
    // Maps a regular file read-only, with at least `padding` readable bytes after its end (zeros). nullopt, with
    // `error` empty, if the file is not worth or not able to be mapped (the caller reads it instead); nullopt with
    // `error` set if it cannot be opened.
    [[nodiscard]] static std::optional<MappedFile> open(const std::string& path, std::size_t padding,
                                                        std::string& error);

    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    [[nodiscard]] std::string_view data() const
    {
        return {m_data, m_size};
    }
    // Bytes readable from data().data(): the size plus the padding, at least.
    [[nodiscard]] std::size_t readable() const
    {
        return m_mapped;
    }
    // Whether the file holds `byte`, searched on `threads` threads at once (the loader's check for binary files).
    [[nodiscard]] bool contains(char byte, unsigned threads) const;

    // The file shrank under the mapping while it was read (its tail now reads as zeros).
    [[nodiscard]] bool changed() const;

    // Files smaller than this are read, not mapped.
    static constexpr std::size_t kMinSize = 1U << 20;

private:
    MappedFile() = default;
    void release();

    const char* m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_mapped = 0; // length of the whole mapping
    int m_slot = -1; // its entry in the SIGBUS handler's table
};

} // namespace rbx::io
