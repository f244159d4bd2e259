// SPDX-License-Identifier: Apache-2.0
#include "models/io/readers.h"
#include "models/io/snapshotbuilder.h"

#include <yaml.h>

#include <cstring>
#include <optional>
#include <tuple>
#include <unordered_map>

namespace rbx::io {

namespace {

struct Event
{
    yaml_event_t e {};
    bool valid = false;
    Event() = default;
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;
    ~Event()
    {
        reset();
    }
    void reset()
    {
        if (valid)
            yaml_event_delete(&e);
        valid = false;
    }
    [[nodiscard]] yaml_event_type_t type() const
    {
        return e.type;
    }
    [[nodiscard]] std::uint32_t line() const
    {
        return static_cast<std::uint32_t>(e.start_mark.line);
    }
    [[nodiscard]] std::uint32_t column() const
    {
        return static_cast<std::uint32_t>(e.start_mark.column) + 1;
    }
};

struct SyntaxError
{
};

using detail::Abandon;
using detail::DocumentSink;

// Where a parallel read replaced the items of a List by a one-line placeholder (`- 0`): lines after it are shifted
// back to their place in the file, and the placeholder's sequence stands for the items read elsewhere.
struct Placeholder
{
    std::uint32_t line = 0; // 0-based, in the text parsed
    std::uint32_t column = 0; // 0-based
    std::uint32_t shift = 0; // lines the items took in the file, minus one
    std::size_t lastItemNodes = 0; // the node budget the last item left (the tail counts on top of it)
    std::function<void()> splice;
};

// Parses one chunk (the text between document markers) of a YAML stream.
class ChunkParser
{
public:
    ChunkParser(std::string_view chunk, std::uint32_t firstLine, DocumentSink& builder, std::uint32_t& docIndex)
        : m_firstLine(firstLine)
        , m_builder(builder)
        , m_docIndex(docIndex)
    {
        yaml_parser_initialize(&m_parser);
        yaml_parser_set_input_string(&m_parser, reinterpret_cast<const unsigned char*>(chunk.data()), chunk.size());
    }
    ~ChunkParser()
    {
        yaml_parser_delete(&m_parser);
    }
    ChunkParser(const ChunkParser&) = delete;
    ChunkParser& operator=(const ChunkParser&) = delete;

    void run()
    {
        bool inDocument = false;
        try {
            Event ev;
            pull(ev); // STREAM_START
            for (;;) {
                pull(ev);
                if (ev.type() == YAML_STREAM_END_EVENT)
                    return;
                if (ev.type() != YAML_DOCUMENT_START_EVENT)
                    return; // cannot happen with a conforming parser
                m_builder.beginDocument(m_docIndex++);
                inDocument = true;
                m_anchors.clear();
                m_nodes = 0;
                document();
                pull(ev); // DOCUMENT_END
                m_builder.endDocument(true);
                inDocument = false;
            }
        } catch (const SyntaxError&) {
            if (!inDocument)
                m_builder.beginDocument(m_docIndex++);
            std::string message = m_parser.problem ? m_parser.problem : "YAML syntax error";
            if (m_parser.context)
                message = std::string(m_parser.context) + ": " + message;
            std::uint32_t line = m_firstLine + static_cast<std::uint32_t>(m_parser.problem_mark.line);
            std::uint32_t column = static_cast<std::uint32_t>(m_parser.problem_mark.column) + 1;
            if (m_parser.error == YAML_READER_ERROR) {
                message = "invalid text (" + message + "); YAML must be UTF-8 or UTF-16";
                std::tie(line, column) = positionOfOffset(m_parser.problem_offset);
            }
            m_builder.diagnostic(Diagnostic::Severity::Error, line, column, "YAML: " + message);
            m_builder.endDocument(false);
        }
    }

    void setText(std::string_view chunk)
    {
        m_chunk = chunk;
    }
    void setPlaceholder(Placeholder* placeholder)
    {
        m_placeholder = placeholder;
    }
    [[nodiscard]] bool placeholderSeen() const
    {
        return m_placeholderSeen;
    }

    // Parses a part of a List's items cut out of a document (a block sequence starting at its first line), as
    // streamItems() would have inside the whole document. Returns the node budget the last item used.
    std::size_t runItems()
    {
        try {
            Event ev;
            pull(ev);
            pull(ev);
            if (ev.type() != YAML_DOCUMENT_START_EVENT)
                throw Abandon {};
            pull(ev);
            if (ev.type() != YAML_SEQUENCE_START_EVENT || anchorOf(ev))
                throw Abandon {};
            streamItems();
            pull(ev);
            if (ev.type() != YAML_DOCUMENT_END_EVENT)
                throw Abandon {};
            pull(ev);
            if (ev.type() != YAML_STREAM_END_EVENT)
                throw Abandon {};
        } catch (const SyntaxError&) {
            throw Abandon {};
        }
        return m_nodes;
    }

private:
    void pull(Event& ev)
    {
        ev.reset();
        if (!yaml_parser_parse(&m_parser, &ev.e))
            throw SyntaxError {};
        ev.valid = true;
    }

    std::pair<std::uint32_t, std::uint32_t> positionOfOffset(std::size_t offset) const
    {
        std::uint32_t line = m_firstLine;
        std::size_t lineStart = 0;
        for (std::size_t i = 0; i < offset && i < m_chunk.size(); ++i)
            if (m_chunk[i] == '\n') {
                ++line;
                lineStart = i + 1;
            }
        return {line, static_cast<std::uint32_t>(offset - lineStart) + 1};
    }

    [[nodiscard]] std::uint32_t lineOf(const Event& ev) const
    {
        const auto line = ev.line();
        return m_firstLine + line + (m_placeholder && line > m_placeholder->line ? m_placeholder->shift : 0);
    }

    void position(Node& n, const Event& ev) const
    {
        n.line = lineOf(ev);
        n.column = ev.column();
    }

    void error(const Event& ev, std::string message)
    {
        if (!m_builder.failedCurrentDocument())
            m_builder.diagnostic(Diagnostic::Severity::Error, lineOf(ev), ev.column(), std::move(message));
        m_builder.failDocument();
        m_failed = true;
    }

    static const yaml_char_t* anchorOf(const Event& ev)
    {
        switch (ev.type()) {
        case YAML_SCALAR_EVENT:
            return ev.e.data.scalar.anchor;
        case YAML_MAPPING_START_EVENT:
            return ev.e.data.mapping_start.anchor;
        case YAML_SEQUENCE_START_EVENT:
            return ev.e.data.sequence_start.anchor;
        default:
            return nullptr;
        }
    }

    // Consumes the rest of the node whose start event is `ev`, without building it, except anchored nodes inside
    // it: a later alias may refer to them.
    void skip(Event& ev)
    {
        if (anchorOf(ev) && !m_failed) {
            std::vector<std::string_view> unskipped {std::string_view("\x01")};
            (void)value(ev, unskipped, 2);
            return;
        }
        if (ev.type() != YAML_MAPPING_START_EVENT && ev.type() != YAML_SEQUENCE_START_EVENT)
            return;
        int depth = 1;
        Event inner;
        while (depth > 0) {
            pull(inner);
            if (anchorOf(inner) && !m_failed) {
                std::vector<std::string_view> unskipped {std::string_view("\x01")};
                (void)value(inner, unskipped, 2); // builds and remembers it, consuming the whole subtree
                continue;
            }
            if (inner.type() == YAML_MAPPING_START_EVENT || inner.type() == YAML_SEQUENCE_START_EVENT)
                ++depth;
            else if (inner.type() == YAML_MAPPING_END_EVENT || inner.type() == YAML_SEQUENCE_END_EVENT)
                --depth;
        }
    }

    static std::size_t countNodes(const Node& n)
    {
        std::size_t c = 1;
        for (const auto& [k, v] : n.map)
            c += countNodes(v);
        for (const auto& v : n.seq)
            c += countNodes(v);
        return c;
    }

    void remember(const Event& ev, const Node& n)
    {
        const yaml_char_t* anchor = anchorOf(ev);
        if (anchor)
            m_anchors[reinterpret_cast<const char*>(anchor)] = {n, countNodes(n)};
    }

    bool budget(const Event& ev, std::size_t nodes)
    {
        m_nodes += nodes;
        if (m_nodes <= kMaxNodesPerDocument)
            return true;
        error(ev, "document too large: more than " + std::to_string(kMaxNodesPerDocument)
                      + " nodes (alias expansion bomb?)");
        return false;
    }

    // Builds the node whose start event is `ev`. Paths drive skipping; depth guards hostile nesting.
    Node value(Event& ev, std::vector<std::string_view>& path, int depth)
    {
        Node n;
        position(n, ev);
        if (m_failed) {
            skip(ev);
            return n;
        }
        if (depth > kMaxDepth) {
            error(ev, "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
            skip(ev);
            return n;
        }
        if (!budget(ev, 1)) {
            skip(ev);
            return n;
        }
        switch (ev.type()) {
        case YAML_ALIAS_EVENT: {
            const auto name = std::string(reinterpret_cast<const char*>(ev.e.data.alias.anchor));
            auto it = m_anchors.find(name);
            if (it == m_anchors.end()) {
                error(ev, "unknown alias *" + name);
                return n;
            }
            if (!budget(ev, it->second.second))
                return n;
            Node copy = it->second.first;
            position(copy, ev);
            return copy;
        }
        case YAML_SCALAR_EVENT: {
            const auto& s = ev.e.data.scalar;
            n.type = Node::Type::Scalar;
            n.scalar.assign(reinterpret_cast<const char*>(s.value), s.length);
            const bool strTag = s.tag && std::string_view(reinterpret_cast<const char*>(s.tag)) == "tag:yaml.org,2002:str";
            n.style = (s.style == YAML_PLAIN_SCALAR_STYLE && !strTag) ? Node::ScalarStyle::Plain
                                                                       : Node::ScalarStyle::Quoted;
            if (n.style == Node::ScalarStyle::Plain && (n.scalar.empty() || n.scalar == "~" || n.scalar == "null"))
                n.type = Node::Type::Null;
            remember(ev, n);
            return n;
        }
        case YAML_SEQUENCE_START_EVENT: {
            if (isPlaceholder(ev))
                throw Abandon {}; // the items' placeholder anywhere but as the root's items
            n.type = Node::Type::Seq;
            Event item;
            path.emplace_back();
            for (;;) {
                pull(item);
                if (item.type() == YAML_SEQUENCE_END_EVENT)
                    break;
                n.seq.push_back(value(item, path, depth + 1));
            }
            path.pop_back();
            remember(ev, n);
            return n;
        }
        case YAML_MAPPING_START_EVENT: {
            n.type = Node::Type::Map;
            mapping(n, path, depth);
            remember(ev, n);
            return n;
        }
        default:
            error(ev, "unexpected YAML event");
            return n;
        }
    }

    // Reads a mapping's entries into `n`. At a document's root (`root`), the items of a List are streamed to the
    // builder one object at a time instead of being collected.
    void mapping(Node& n, std::vector<std::string_view>& path, int depth, bool root = false)
    {
        Event key;
        Event val;
        std::vector<Node> merges;
        MapBuilder builder(n);
        for (;;) {
            pull(key);
            if (key.type() == YAML_MAPPING_END_EVENT)
                break;
            std::string keyText;
            bool plainKey = false;
            if (key.type() == YAML_SCALAR_EVENT) {
                keyText.assign(reinterpret_cast<const char*>(key.e.data.scalar.value), key.e.data.scalar.length);
                plainKey = key.e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            } else if (key.type() == YAML_ALIAS_EVENT) {
                auto k = value(key, path, depth + 1);
                keyText = k.scalar;
            } else {
                error(key, "a mapping key must be a scalar");
                skip(key);
                pull(val);
                skip(val);
                continue;
            }
            pull(val);
            if (keyText == "<<" && plainKey) {
                merges.push_back(value(val, path, depth + 1));
                continue;
            }
            if (root && keyText == "items" && val.type() == YAML_SEQUENCE_START_EVENT) {
                m_isList = true;
                if (isPlaceholder(val))
                    splicePlaceholder();
                else
                    streamItems();
                continue;
            }
            path.push_back(keyText);
            Node child;
            if (shouldSkip(path)) {
                position(child, val);
                child.type = Node::Type::Skipped;
                skip(val);
            } else {
                child = value(val, path, depth + 1);
            }
            path.pop_back();
            if (!builder.set(keyText, std::move(child)) && !m_failed)
                m_builder.diagnostic(Diagnostic::Severity::Warning, lineOf(key), key.column(),
                                     "duplicate key \"" + keyText + "\": the last value wins");
        }
        // Merge keys (<<): explicit keys win over merged ones.
        for (auto& m : merges) {
            std::vector<Node*> sources;
            if (m.isMap())
                sources.push_back(&m);
            else if (m.isSeq())
                for (auto& src : m.seq)
                    if (src.isMap())
                        sources.push_back(&src);
            for (Node* src : sources)
                for (auto& [k, v] : src->map)
                    if (!n.get(k))
                        n.map.emplace_back(k, v);
        }
    }

    [[nodiscard]] bool isPlaceholder(const Event& ev) const
    {
        return m_placeholder && ev.line() == m_placeholder->line && ev.e.start_mark.column == m_placeholder->column;
    }

    void splicePlaceholder()
    {
        Event ev;
        pull(ev);
        if (ev.type() != YAML_SCALAR_EVENT || m_placeholderSeen)
            throw Abandon {};
        pull(ev);
        if (ev.type() != YAML_SEQUENCE_END_EVENT)
            throw Abandon {};
        m_placeholderSeen = true;
        m_placeholder->splice();
        m_nodes = m_placeholder->lastItemNodes;
    }

    void streamItems()
    {
        Event item;
        for (;;) {
            pull(item);
            if (item.type() == YAML_SEQUENCE_END_EVENT)
                break;
            m_nodes = 0;
            std::vector<std::string_view> itemPath;
            Node obj = value(item, itemPath, 2);
            if (m_failed)
                continue;
            const Node* k = obj.isMap() ? obj.get("kind") : nullptr;
            const Node* v = obj.isMap() ? obj.get("apiVersion") : nullptr;
            // Items are decoded in document order; once one waits for the list's kind, all later ones wait too.
            if (k && v && k->isScalar() && v->isScalar() && !m_builder.hasPendingListItems())
                m_builder.addObject(obj);
            else
                m_builder.addPendingListItem(std::move(obj));
        }
    }

    void document()
    {
        Event ev;
        pull(ev);
        std::vector<std::string_view> path;
        m_failed = false;
        m_isList = false;
        if (ev.type() != YAML_MAPPING_START_EVENT) {
            Node root = value(ev, path, 1);
            if (!m_failed)
                m_builder.addObject(root);
            return;
        }
        Node root;
        position(root, ev);
        root.type = Node::Type::Map;
        mapping(root, path, 1, true);
        remember(ev, root);
        if (m_failed)
            return;
        if (m_isList)
            m_builder.endList(root);
        else
            m_builder.addObject(root);
    }

    yaml_parser_t m_parser {};
    std::uint32_t m_firstLine;
    DocumentSink& m_builder;
    std::uint32_t& m_docIndex;
    Placeholder* m_placeholder = nullptr;
    bool m_placeholderSeen = false;
    std::string_view m_chunk;
    std::unordered_map<std::string, std::pair<Node, std::size_t>> m_anchors;
    std::size_t m_nodes = 0;
    bool m_failed = false;
    bool m_isList = false;
};

bool isMarker(std::string_view line, std::string_view marker)
{
    return line.starts_with(marker)
        && (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r' || line[3] == '\n');
}

// libyaml counts a lone CR and the Unicode breaks NEL, LS and PS as line ends; cut positions count only LF.
bool hasOtherLineBreaks(std::string_view text)
{
    for (std::size_t at = 0; (at = text.find('\r', at)) != std::string_view::npos; ++at)
        if (at + 1 == text.size() || text[at + 1] != '\n')
            return true;
    for (std::size_t at = 0; (at = text.find('\xC2', at)) != std::string_view::npos; ++at)
        if (at + 1 < text.size() && text[at + 1] == '\x85')
            return true;
    for (std::size_t at = 0; (at = text.find('\xE2', at)) != std::string_view::npos; ++at)
        if (at + 2 < text.size() && text[at + 1] == '\x80' && (text[at + 2] == '\xA8' || text[at + 2] == '\xA9'))
            return true;
    return false;
}

// Where a document's List items are, found from line starts alone: a root `items:` line (column 0) followed by
// entries `- ` at one indentation, up to the first line at column 0 that is no entry, comment or blank line.
struct ItemsLayout
{
    std::size_t regionStart = 0; // first entry
    std::size_t tailStart = 0; // the document after the items
    std::uint32_t regionLine = 0; // 0-based line of the first entry in the chunk
    std::uint32_t regionLines = 0;
    std::uint32_t indent = 0;
    std::vector<std::pair<std::size_t, std::uint32_t>> entries; // (offset, 0-based line) of each entry
};

std::optional<ItemsLayout> findItems(std::string_view chunk)
{
    ItemsLayout layout;
    enum class State { Header, AfterKey, Items } state = State::Header;
    std::size_t pos = 0;
    std::uint32_t line = 0;
    while (pos < chunk.size()) {
        const auto eol = chunk.find('\n', pos);
        const std::size_t next = eol == std::string_view::npos ? chunk.size() : eol + 1;
        const auto text = chunk.substr(pos, next - pos);
        const auto first = text.find_first_not_of(" \t\r\n");
        const bool blank = first == std::string_view::npos || text[first] == '#';
        switch (state) {
        case State::Header:
            if (text.starts_with("items:")) {
                const auto rest = text.substr(6);
                const auto more = rest.find_first_not_of(" \t\r\n");
                if (more == std::string_view::npos || (rest[more] == '#' && more > 0))
                    state = State::AfterKey;
            }
            break;
        case State::AfterKey:
        case State::Items: {
            if (blank)
                break;
            const auto spaces = text.find_first_not_of(' ');
            const bool entry = text[spaces] == '-'
                && (spaces + 1 == text.size() || std::strchr(" \t\r\n", text[spaces + 1]) != nullptr);
            if (state == State::AfterKey) {
                if (!entry)
                    return std::nullopt;
                state = State::Items;
                layout.indent = static_cast<std::uint32_t>(spaces);
                layout.regionStart = pos;
                layout.regionLine = line;
            }
            if (spaces > layout.indent)
                break;
            if (spaces == layout.indent && entry) {
                layout.entries.emplace_back(pos, line);
                break;
            }
            // The end of the items must be a token at column 0, so that the rest parses as it would after them.
            if (spaces != 0 || std::strchr(" \t-#", text[0]) != nullptr)
                return std::nullopt;
            layout.tailStart = pos;
            layout.regionLines = line - layout.regionLine;
            return layout;
        }
        }
        pos = next;
        ++line;
    }
    if (state != State::Items)
        return std::nullopt;
    layout.tailStart = chunk.size();
    layout.regionLines = line - layout.regionLine;
    return layout;
}

// Reads a List document on several threads (see readers.h); false if it did not, with the builder untouched.
bool readListInParallel(std::string_view chunk, std::uint32_t firstLine, SnapshotBuilder& builder,
                        std::uint32_t& docIndex, unsigned threads)
{
    if (hasOtherLineBreaks(chunk))
        return false;
    auto layout = findItems(chunk);
    if (!layout || layout->entries.size() < 2)
        return false;
    // Parts of about equal size, several per thread so that uneven items still balance.
    const auto& entries = layout->entries;
    const std::size_t partCount = std::min<std::size_t>(entries.size(), std::size_t(threads) * 8);
    const std::size_t regionBytes = layout->tailStart - layout->regionStart;
    std::vector<std::size_t> cuts {0}; // indexes into entries
    for (std::size_t e = 1; e < entries.size() && cuts.size() < partCount; ++e)
        if (entries[e].first - layout->regionStart >= regionBytes * cuts.size() / partCount)
            cuts.push_back(e);
    std::atomic<bool> abandoned {false};
    std::vector<detail::Recorder> parts(cuts.size(), detail::Recorder(builder.defaultNamespace(), &abandoned));
    std::vector<std::size_t> partNodes(cuts.size(), 0);
    const bool ok = detail::runParts(cuts.size(), threads, abandoned, [&](std::size_t i) {
        const auto& [start, line] = entries[cuts[i]];
        const std::size_t end = i + 1 < cuts.size() ? entries[cuts[i + 1]].first : layout->tailStart;
        std::uint32_t unusedIndex = 0;
        ChunkParser parser(chunk.substr(start, end - start), firstLine + line, parts[i], unusedIndex);
        partNodes[i] = parser.runItems();
    });
    if (!ok)
        return false;

    // The document without its items: header, a one-line placeholder at the items' indentation, and the rest.
    std::string skeleton(chunk.substr(0, layout->regionStart));
    const auto placeholderLine = static_cast<std::uint32_t>(layout->regionLine);
    skeleton.append(layout->indent, ' ').append("- 0\n").append(chunk.substr(layout->tailStart));
    detail::Recorder document(builder.defaultNamespace(), nullptr);
    Placeholder placeholder {placeholderLine, layout->indent, layout->regionLines - 1, partNodes.back(),
                             [&] { document.splice(std::move(parts)); }};
    std::uint32_t index = docIndex;
    try {
        ChunkParser parser(skeleton, firstLine, document, index);
        parser.setText(skeleton);
        parser.setPlaceholder(&placeholder);
        parser.run();
        if (!parser.placeholderSeen())
            return false;
    } catch (const Abandon&) {
        return false;
    }
    document.replay(builder);
    docIndex = index;
    ++detail::parallelReads;
    return true;
}

} // namespace

void readYaml(std::string_view data, SnapshotBuilder& builder, const CancelCheck& canceled, const ReadOptions& options)
{
    detail::BuilderSink sink(builder);
    const unsigned threads = detail::threadCount(options);
    // Split the stream at document markers so that a syntax error (after which libyaml cannot resume) costs only
    // its own document. Marker lines cannot occur inside YAML content, so the split is exact. Directives (%YAML,
    // %TAG) and comments before a `---` stay with the document they introduce.
    std::uint32_t docIndex = 0;
    std::size_t chunkStart = 0;
    std::uint32_t chunkLine = 0; // 0-based line of the chunk's first line
    bool chunkHasContent = false;
    auto flush = [&](std::size_t end) {
        if (end > chunkStart && chunkHasContent) {
            const auto chunk = data.substr(chunkStart, end - chunkStart);
            if (threads > 1 && chunk.size() >= options.parallelMinBytes
                && readListInParallel(chunk, chunkLine + 1, builder, docIndex, threads))
                return;
            ChunkParser parser(chunk, chunkLine + 1, sink, docIndex);
            parser.setText(chunk);
            parser.run();
        }
    };
    std::size_t pos = 0;
    std::uint32_t line = 0;
    while (pos < data.size()) {
        if (canceled && canceled())
            return;
        const auto eol = data.find('\n', pos);
        const std::size_t next = eol == std::string_view::npos ? data.size() : eol + 1;
        const auto text = data.substr(pos, next - pos);
        const auto first = text.find_first_not_of(" \t\r\n");
        const bool blank = first == std::string_view::npos || text[first] == '#';
        if (isMarker(text, "---")) {
            if (chunkHasContent) {
                flush(pos);
                chunkStart = pos;
                chunkLine = line;
            }
            chunkHasContent = true; // an explicit document, even if empty
        } else if (isMarker(text, "...")) {
            flush(next);
            chunkStart = next;
            chunkLine = line + 1;
            chunkHasContent = false;
        } else if (!blank && !(first == 0 && text[0] == '%' && !chunkHasContent)) {
            chunkHasContent = true;
        }
        pos = next;
        ++line;
    }
    flush(data.size());
}

} // namespace rbx::io
