// SPDX-License-Identifier: Apache-2.0
// Streaming readers: YAML through libyaml's event parser, JSON through simdjson On-Demand. Both build one small
// tree per object (never per file), skip subtrees nobody reads, and hand objects to a SnapshotBuilder.
//
// Large Lists are read on several threads: the items are cut at their boundaries, each part is parsed and decoded
// into a Recorder, and the recorders are replayed into the builder in file order, so the model and the diagnostics
// are those of a single-threaded read. Any error, or anything the cut cannot prove exact, abandons the parallel
// attempt and the file is read again on one thread.
#pragma once

#include "models/io/snapshotbuilder.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

namespace rbx::io {

using CancelCheck = std::function<bool()>;

struct ReadOptions
{
    unsigned threads = 0; // 0: one per core; 1: read on the calling thread only
    std::size_t parallelMinBytes = 4U << 20; // smaller documents are read on one thread
    // Bytes readable at data.data() (>= data.size() + 64 lets the JSON reader skip its padded copy).
    std::size_t readable = 0;
    // Set when nobody has looked for NUL bytes yet (a file with one is binary, not read): the JSON reader looks for
    // them itself where it reads every byte anyway (a line cut), and calls this where it does not.
    std::function<bool()> containsNul;
};

enum class ReadResult { Read, Binary }; // Binary: `data` holds a NUL byte (only with ReadOptions::containsNul)

// `data` is one file's content. Documents are isolated: a syntax error loses only its own document.
void readYaml(std::string_view data, SnapshotBuilder& builder, const CancelCheck& canceled = {},
              const ReadOptions& options = {});
// `data` is one file's content: one JSON value (an object, a List, or an array of objects).
ReadResult readJson(std::string_view data, SnapshotBuilder& builder, const CancelCheck& canceled = {},
                    const ReadOptions& options = {});

namespace detail {

// Documents read by the parallel path (tests check that it ran, not only that it fell back).
inline std::atomic<std::size_t> parallelReads {0};
// JSON Lists among them whose items were cut at their lines (indented as kubectl writes them).
inline std::atomic<std::size_t> lineCutReads {0};
// The size of the segments that cut scans (tests make them small, to cut their Lists into many).
inline std::atomic<std::size_t> lineCutSegmentBytes {1U << 20};
// Whether that cut may scan with AVX2 where the processor has it (tests turn it off to cover the SSE2 scan too).
inline std::atomic<bool> wideLineScan {true};

[[nodiscard]] inline unsigned threadCount(const ReadOptions& options)
{
    if (options.threads > 0)
        return options.threads;
    return std::max(1U, std::thread::hardware_concurrency());
}

// What the readers call while reading a document.
class DocumentSink
{
public:
    virtual ~DocumentSink() = default;
    virtual void beginDocument(std::uint32_t index) = 0;
    virtual void endDocument(bool ok) = 0;
    virtual void diagnostic(Diagnostic::Severity severity, std::uint32_t line, std::uint32_t column,
                            std::string message) = 0;
    virtual void failDocument() = 0;
    [[nodiscard]] virtual bool failedCurrentDocument() const = 0;
    virtual void addObject(const Node& object) = 0;
    virtual void addPendingListItem(Node item) = 0;
    [[nodiscard]] virtual bool hasPendingListItems() const = 0;
    virtual void endList(const Node& listRoot) = 0;
};

class BuilderSink final : public DocumentSink
{
public:
    explicit BuilderSink(SnapshotBuilder& builder)
        : m_builder(builder)
    {
    }
    void beginDocument(std::uint32_t index) override
    {
        m_builder.beginDocument(index);
    }
    void endDocument(bool ok) override
    {
        m_builder.endDocument(ok);
    }
    void diagnostic(Diagnostic::Severity severity, std::uint32_t line, std::uint32_t column,
                    std::string message) override
    {
        m_builder.diagnostic(severity, line, column, std::move(message));
    }
    void failDocument() override
    {
        m_builder.failDocument();
    }
    [[nodiscard]] bool failedCurrentDocument() const override
    {
        return m_builder.failedCurrentDocument();
    }
    void addObject(const Node& object) override
    {
        m_builder.addObject(object);
    }
    void addPendingListItem(Node item) override
    {
        m_builder.addPendingListItem(std::move(item));
    }
    [[nodiscard]] bool hasPendingListItems() const override
    {
        return m_builder.hasPendingListItems();
    }
    void endList(const Node& listRoot) override
    {
        m_builder.endList(listRoot);
    }

private:
    SnapshotBuilder& m_builder;
};

// Thrown to give up a parallel attempt; the caller reads the input again on one thread.
struct Abandon
{
};

// Records what a reader did, for a parallel attempt. It only follows clean input: an error, a failed document or a
// list item waiting for its list's kind abandons the attempt (the single-threaded read reports those exactly).
// Objects are decoded here, on the recording thread.
class Recorder final : public DocumentSink
{
public:
    struct Begin
    {
        std::uint32_t index;
    };
    struct End
    {
        bool ok;
    };
    struct Warning
    {
        std::uint32_t line;
        std::uint32_t column;
        std::string message;
    };
    struct EndList
    {
        Node root;
    };
    struct Steps // the next `count` of the recorded steps
    {
        std::size_t count;
    };
    struct Splice // the items read by other recorders, in order
    {
        std::vector<Recorder> parts;
    };
    using Op = std::variant<Begin, End, Warning, Steps, EndList, Splice>;

    // `file`, if given, is set on the decoded objects here (the builder then has no copy to make).
    Recorder(const std::string& defaultNamespace, const std::atomic<bool>* abandoned, const std::string* file = nullptr)
        : m_defaultNamespace(&defaultNamespace)
        , m_abandoned(abandoned)
        , m_file(file)
    {
    }

    void beginDocument(std::uint32_t index) override
    {
        m_ops.emplace_back(Begin {index});
    }
    void endDocument(bool ok) override
    {
        if (!ok)
            throw Abandon {};
        m_ops.emplace_back(End {ok});
    }
    void diagnostic(Diagnostic::Severity severity, std::uint32_t line, std::uint32_t column,
                    std::string message) override
    {
        if (severity == Diagnostic::Severity::Error)
            throw Abandon {};
        m_ops.emplace_back(Warning {line, column, std::move(message)});
    }
    void failDocument() override
    {
        throw Abandon {};
    }
    [[nodiscard]] bool failedCurrentDocument() const override
    {
        return false;
    }
    void addObject(const Node& object) override
    {
        if (m_abandoned && m_abandoned->load(std::memory_order_relaxed))
            throw Abandon {};
        // Steps are decoded straight into the recorder: a vector per object, allocated here and freed by the thread
        // that replays it, had the two threads contend for the allocator's locks.
        const std::size_t first = m_steps.size();
        SnapshotBuilder::prepare(object, *m_defaultNamespace, m_steps);
        if (m_steps.size() > first && std::holds_alternative<DecodeError>(m_steps.back().what))
            throw Abandon {};
        if (m_file)
            for (std::size_t i = first; i < m_steps.size(); ++i)
                if (auto* o = std::get_if<DecodedObject>(&m_steps[i].what))
                    std::visit([&](auto& v) { v.meta.source.file = *m_file; }, *o);
        if (!m_ops.empty())
            if (auto* steps = std::get_if<Steps>(&m_ops.back())) {
                steps->count += m_steps.size() - first;
                return;
            }
        m_ops.emplace_back(Steps {m_steps.size() - first});
    }
    void addPendingListItem(Node) override
    {
        throw Abandon {};
    }
    [[nodiscard]] bool hasPendingListItems() const override
    {
        return false;
    }
    void endList(const Node& listRoot) override
    {
        m_ops.emplace_back(EndList {listRoot});
    }
    // Added to every line replayed (a part whose lines were counted from its own start).
    void setLineOffset(std::uint32_t offset)
    {
        m_lineOffset = offset;
    }
    void reserve(std::size_t steps)
    {
        m_steps.reserve(steps);
    }
    void splice(std::vector<Recorder> parts)
    {
        m_ops.emplace_back(Splice {std::move(parts)});
    }

    void replay(SnapshotBuilder& builder)
    {
        std::size_t next = 0;
        for (auto& op : m_ops) {
            if (auto* b = std::get_if<Begin>(&op))
                builder.beginDocument(b->index);
            else if (auto* e = std::get_if<End>(&op))
                builder.endDocument(e->ok);
            else if (auto* w = std::get_if<Warning>(&op))
                builder.diagnostic(Diagnostic::Severity::Warning, w->line + m_lineOffset, w->column,
                                   std::move(w->message));
            else if (auto* p = std::get_if<Steps>(&op))
                for (const std::size_t end = next + p->count; next < end; ++next) {
                    if (auto* o = std::get_if<DecodedObject>(&m_steps[next].what); o && m_lineOffset != 0)
                        std::visit([&](auto& v) { v.meta.source.line += m_lineOffset; }, *o);
                    builder.addPrepared(std::move(m_steps[next]));
                }
            else if (auto* l = std::get_if<EndList>(&op))
                builder.endList(l->root);
            else
                for (auto& part : std::get<Splice>(op).parts)
                    part.replay(builder);
        }
        m_ops.clear();
        m_steps.clear();
    }

private:
    std::vector<Op> m_ops;
    PreparedObject m_steps; // the objects' steps, in order
    std::uint32_t m_lineOffset = 0;
    const std::string* m_defaultNamespace;
    const std::atomic<bool>* m_abandoned;
    const std::string* m_file;
};

// Runs part(i) for every i in [0, count) on up to `threads` threads, the caller being one of them. Returns false if
// a part abandoned (the others stop at their next object); rethrows anything else a part threw.
template<typename Part>
[[nodiscard]] bool runParts(std::size_t count, unsigned threads, std::atomic<bool>& abandoned, Part&& part)
{
    if (count == 0)
        return true;
    std::atomic<std::size_t> next {0};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto work = [&] {
        for (std::size_t i; !abandoned.load(std::memory_order_relaxed) && (i = next.fetch_add(1)) < count;) {
            try {
                part(i);
            } catch (const Abandon&) {
                abandoned = true;
            } catch (...) {
                const std::lock_guard lock(failureMutex);
                if (!failure)
                    failure = std::current_exception();
                abandoned = true;
            }
        }
    };
    std::vector<std::thread> helpers;
    const auto extra = std::min<std::size_t>(threads, count) - 1;
    for (std::size_t t = 0; t < extra; ++t)
        helpers.emplace_back(work);
    work();
    for (auto& h : helpers)
        h.join();
    if (failure)
        std::rethrow_exception(failure);
    return !abandoned;
}

} // namespace detail

} // namespace rbx::io
