// SPDX-License-Identifier: Apache-2.0
#include "models/io/snapshotloader.h"

#include "models/io/mappedfile.h"
#include "models/io/readers.h"
#include "models/io/snapshotbuilder.h"

#include <zlib.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <optional>
#include <thread>

namespace fs = std::filesystem;

namespace rbx::io {

namespace {

constexpr std::size_t kReadPadding = 64; // simdjson::SIMDJSON_PADDING

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool isSnapshotFileName(const std::string& name)
{
    auto n = lower(name);
    if (endsWith(n, ".gz"))
        n.resize(n.size() - 3);
    return endsWith(n, ".yaml") || endsWith(n, ".yml") || endsWith(n, ".json");
}

Format formatOfName(std::string name)
{
    name = lower(std::move(name));
    if (endsWith(name, ".gz"))
        name.resize(name.size() - 3);
    if (endsWith(name, ".json"))
        return Format::Json;
    if (endsWith(name, ".yaml") || endsWith(name, ".yml"))
        return Format::Yaml;
    return Format::Auto;
}

Format sniff(std::string_view data)
{
    for (char c : data) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        return (c == '{' || c == '[') ? Format::Json : Format::Yaml;
    }
    return Format::Yaml;
}

bool isGzip(std::string_view data)
{
    return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f && static_cast<unsigned char>(data[1]) == 0x8b;
}

// Inflates gzip data (all members), refusing to produce more than `limit` bytes.
std::optional<std::string> gunzip(std::string_view in, std::uint64_t limit, std::string& error)
{
    z_stream zs {};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        error = "gzip: cannot initialise zlib";
        return std::nullopt;
    }
    std::string out;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    char buf[1 << 16];
    int rc = Z_OK;
    for (;;) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            error = std::string("gzip: ") + (zs.msg ? zs.msg : "corrupt or truncated data");
            inflateEnd(&zs);
            return std::nullopt;
        }
        out.append(buf, sizeof buf - zs.avail_out);
        if (out.size() > limit) {
            error = "gzip: decompressed size exceeds " + std::to_string(limit) + " bytes; refusing (gzip bomb?)";
            inflateEnd(&zs);
            return std::nullopt;
        }
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0)
                break;
            inflateReset(&zs); // concatenated gzip members
            continue;
        }
        if (zs.avail_in == 0 && zs.avail_out != 0) {
            error = "gzip: truncated data";
            inflateEnd(&zs);
            return std::nullopt;
        }
    }
    inflateEnd(&zs);
    return out;
}

// One file's bytes: read into a string, or mapped (large regular files).
struct Input
{
    std::string owned;
    std::optional<MappedFile> mapped;
};

void loadData(Input input, const std::string& name, Format format, SnapshotBuilder& builder,
              const LoadOptions& options, const CancelCheck& canceled)
{
    builder.setFile(name);
    builder.countFile();
    auto fileError = [&](Diagnostic::Severity severity, std::string message) {
        builder.diagnostic(severity, 0, 0, std::move(message), false);
    };
    std::string_view data = input.mapped ? input.mapped->data() : std::string_view(input.owned);
    if (isGzip(data)) {
        std::string error;
        auto inflated = gunzip(data, options.maxDecompressedBytes, error);
        input.mapped.reset();
        if (!inflated) {
            fileError(Diagnostic::Severity::Error, error);
            return;
        }
        input.owned = std::move(*inflated);
        data = input.owned;
    }
    if (data.find_first_not_of(" \t\r\n") == std::string::npos) {
        fileError(Diagnostic::Severity::Warning, "empty file");
        return;
    }
    const bool utf16 = data.size() >= 2
        && ((static_cast<unsigned char>(data[0]) == 0xff && static_cast<unsigned char>(data[1]) == 0xfe)
            || (static_cast<unsigned char>(data[0]) == 0xfe && static_cast<unsigned char>(data[1]) == 0xff));
    const unsigned threads = options.threads > 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
    auto hasNul = [&] {
        return input.mapped ? input.mapped->contains('\0', threads)
                            : std::memchr(data.data(), '\0', data.size()) != nullptr;
    };
    auto binary = [&] { fileError(Diagnostic::Severity::Error, "binary file (contains NUL bytes): not YAML or JSON"); };
    if (format == Format::Auto)
        format = sniff(data);
    // A mapped JSON file is looked through for NUL bytes by its reader, as it reads them (not in a pass of its own).
    const bool nulsByReader = !utf16 && format == Format::Json && input.mapped;
    if (!utf16 && !nulsByReader && hasNul()) {
        binary();
        return;
    }
    ReadOptions read;
    read.threads = options.threads;
    read.parallelMinBytes = options.parallelMinBytes;
    if (format == Format::Json) {
        if (input.mapped) {
            read.readable = input.mapped->readable();
        } else {
            // simdjson reads up to 64 bytes past the end: pad in place (readFile reserved room) instead of copying.
            const std::size_t size = input.owned.size();
            input.owned.append(kReadPadding, ' ');
            read.readable = input.owned.size();
            data = std::string_view(input.owned.data(), size);
        }
        if (nulsByReader)
            read.containsNul = hasNul;
        if (readJson(data, builder, canceled, read) == ReadResult::Binary) {
            binary();
            return;
        }
    } else {
        readYaml(data, builder, canceled, read);
    }
    if (input.mapped && input.mapped->changed())
        fileError(Diagnostic::Severity::Error,
                  "the file shrank while it was being read (another program rewrote it): what follows its new end "
                  "was not read; load it again");
}

// One read of the whole file into a buffer sized from its length (streams and pipes grow it as they go).
std::optional<std::string> readFile(const std::string& path, std::string& error)
{
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        error = std::string("cannot open: ") + std::strerror(errno);
        return std::nullopt;
    }
    std::string data;
    struct stat st {};
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        data.reserve(static_cast<std::size_t>(st.st_size) + 1 + kReadPadding); // + 1: EOF shows at the first read
    std::size_t size = 0;
    for (;;) {
        if (data.capacity() < size + 1 + kReadPadding)
            data.reserve(std::max<std::size_t>(data.capacity() * 2, 1 << 16));
        data.resize(data.capacity() - kReadPadding);
        const std::size_t want = data.size() - size;
        const std::size_t got = std::fread(data.data() + size, 1, want, f);
        size += got;
        if (got < want)
            break;
    }
    data.resize(size);
    const bool failed = std::ferror(f) != 0;
    const int readErrno = errno;
    std::fclose(f);
    if (failed) {
        error = std::string("cannot read: ") + std::strerror(readErrno);
        return std::nullopt;
    }
    return data;
}

} // namespace

std::vector<std::string> snapshotFilesIn(const std::string& directory)
{
    std::vector<std::string> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(directory, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code fec;
        if (it->is_regular_file(fec) && isSnapshotFileName(it->path().filename().string()))
            files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::shared_ptr<const Snapshot> loadSnapshot(const std::vector<std::string>& inputs, const LoadOptions& options,
                                             const LoadCallbacks& callbacks)
{
    SnapshotBuilder builder(options.defaultNamespace);
    struct Item
    {
        std::string path;
        bool stdinInput = false;
    };
    std::vector<Item> items;
    for (const auto& input : inputs) {
        if (input == "-") {
            items.push_back({"<stdin>", true});
            continue;
        }
        std::error_code ec;
        if (fs::is_directory(input, ec)) {
            for (auto& f : snapshotFilesIn(input))
                items.push_back({std::move(f), false});
        } else {
            items.push_back({input, false});
        }
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (callbacks.canceled && callbacks.canceled())
            break;
        if (callbacks.progress)
            callbacks.progress(i, items.size(), items[i].path);
        Input data;
        if (items[i].stdinInput) {
            data.owned.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        } else {
            std::string error;
            std::error_code ec;
            if (!fs::exists(items[i].path, ec)) {
                builder.setFile(items[i].path);
                builder.diagnostic(Diagnostic::Severity::Error, 0, 0, "no such file or folder", false);
                continue;
            }
            data.mapped = MappedFile::open(items[i].path, kReadPadding, error);
            if (!data.mapped && error.empty()) {
                auto content = readFile(items[i].path, error);
                if (content)
                    data.owned = std::move(*content);
            }
            if (!error.empty()) {
                builder.setFile(items[i].path);
                builder.diagnostic(Diagnostic::Severity::Error, 0, 0, error, false);
                continue;
            }
        }
        loadData(std::move(data), items[i].path, items[i].stdinInput ? Format::Auto : formatOfName(items[i].path),
                 builder, options, callbacks.canceled);
    }
    if (callbacks.progress)
        callbacks.progress(items.size(), items.size(), {});
    return builder.finish(inputs);
}

std::shared_ptr<const Snapshot> loadFromString(std::string_view data, const std::string& name, Format format,
                                               const LoadOptions& options)
{
    SnapshotBuilder builder(options.defaultNamespace);
    loadData({std::string(data), {}}, name, format == Format::Auto ? formatOfName(name) : format, builder, options, {});
    return builder.finish({name});
}

std::shared_ptr<Snapshot> loadBuffers(std::vector<NamedBuffer> buffers, std::vector<std::string> inputs,
                                      const LoadOptions& options)
{
    SnapshotBuilder builder(options.defaultNamespace);
    for (auto& b : buffers)
        loadData({std::move(b.data), {}}, b.name, b.format, builder, options, {});
    return builder.finish(std::move(inputs));
}

} // namespace rbx::io
