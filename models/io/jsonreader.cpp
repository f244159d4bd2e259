// SPDX-License-Identifier: Apache-2.0
#include "models/io/readers.h"
#include "models/io/snapshotbuilder.h"

#include <simdjson.h>

namespace rbx::io {

namespace {

namespace od = simdjson::ondemand;

struct StructureError
{
    std::string message;
};

// Maps byte offsets to 1-based line/column; offsets arrive in increasing order, so counting is linear overall.
class LineCounter
{
public:
    explicit LineCounter(std::string_view data)
        : m_data(data)
    {
    }
    std::pair<std::uint32_t, std::uint32_t> at(std::size_t offset)
    {
        if (offset < m_offset) {
            m_offset = 0;
            m_line = 1;
            m_lineStart = 0;
        }
        offset = std::min(offset, m_data.size());
        while (m_offset < offset) {
            const void* nl = std::memchr(m_data.data() + m_offset, '\n', offset - m_offset);
            if (!nl) {
                m_offset = offset;
                break;
            }
            m_offset = static_cast<std::size_t>(static_cast<const char*>(nl) - m_data.data()) + 1;
            m_lineStart = m_offset;
            ++m_line;
        }
        return {m_line, static_cast<std::uint32_t>(offset - m_lineStart) + 1};
    }

private:
    std::string_view m_data;
    std::size_t m_offset = 0;
    std::size_t m_lineStart = 0;
    std::uint32_t m_line = 1;
};

class JsonWalker
{
public:
    JsonWalker(const char* base, std::string_view data, SnapshotBuilder& builder)
        : m_base(base)
        , m_lines(data)
        , m_builder(builder)
    {
    }

    std::size_t lastOffset() const
    {
        return m_lastOffset;
    }
    std::pair<std::uint32_t, std::uint32_t> position(std::size_t offset)
    {
        return m_lines.at(offset);
    }

    template<typename V>
    void locate(Node& n, V& v)
    {
        const std::string_view tok = v.raw_json_token();
        m_lastOffset = static_cast<std::size_t>(tok.data() - m_base);
        std::tie(n.line, n.column) = m_lines.at(m_lastOffset);
    }

    template<typename V>
    Node value(V&& v, std::vector<std::string_view>& path, int depth)
    {
        Node n;
        locate(n, v);
        if (depth > kMaxDepth)
            throw StructureError {"nesting deeper than " + std::to_string(kMaxDepth) + " levels"};
        if (++m_nodes > kMaxNodesPerDocument)
            throw StructureError {"document too large: more than " + std::to_string(kMaxNodesPerDocument) + " nodes"};
        switch (v.type().value()) {
        case od::json_type::object: {
            n.type = Node::Type::Map;
            MapBuilder builder(n);
            for (auto fieldResult : v.get_object()) {
                od::field field;
                if (auto error = std::move(fieldResult).get(field))
                    throw simdjson::simdjson_error(error);
                const char* rawKey = field.key().raw();
                std::string key(field.unescaped_key().value());
                path.push_back(key);
                Node child;
                if (shouldSkip(path)) {
                    child.type = Node::Type::Skipped; // On-Demand skips the unread value itself
                } else {
                    child = value(field.value(), path, depth + 1);
                }
                path.pop_back();
                if (!builder.set(key, std::move(child)))
                    duplicate(key, rawKey);
            }
            break;
        }
        case od::json_type::array: {
            n.type = Node::Type::Seq;
            path.emplace_back();
            for (auto item : v.get_array())
                n.seq.push_back(value(item.value(), path, depth + 1));
            path.pop_back();
            break;
        }
        case od::json_type::string:
            n.type = Node::Type::Scalar;
            n.jsonString = true;
            n.style = Node::ScalarStyle::Quoted;
            n.scalar = std::string(v.get_string().value());
            break;
        case od::json_type::boolean:
            n.type = Node::Type::Scalar;
            n.scalar = v.get_bool().value() ? "true" : "false";
            break;
        case od::json_type::number: {
            n.type = Node::Type::Scalar;
            std::string_view raw = v.raw_json_token();
            while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t'))
                raw.remove_suffix(1);
            n.scalar = std::string(raw);
            break;
        }
        case od::json_type::null:
            if (!v.is_null().value())
                throw StructureError {"invalid literal"};
            n.type = Node::Type::Null;
            break;
        }
        return n;
    }

    void duplicate(const std::string& key, const char* rawKey)
    {
        // raw() points just after the key's opening quote.
        auto [line, column] = m_lines.at(static_cast<std::size_t>(rawKey - m_base) - 1);
        m_builder.diagnostic(Diagnostic::Severity::Warning, line, column,
                             "duplicate key \"" + key + "\": the last value wins");
    }

    void resetBudget()
    {
        m_nodes = 0;
    }

    // The root object: `items` of a List are decoded one at a time.
    void root(od::object obj, Node& rootNode)
    {
        rootNode.type = Node::Type::Map;
        std::vector<std::string_view> path;
        bool isList = false;
        MapBuilder builder(rootNode);
        for (auto fieldResult : obj) {
            od::field field;
            if (auto error = std::move(fieldResult).get(field))
                throw simdjson::simdjson_error(error);
            const char* rawKey = field.key().raw();
            std::string key(field.unescaped_key().value());
            od::value val = field.value();
            if (key == "items" && val.type().value() == od::json_type::array) {
                isList = true;
                for (auto item : val.get_array()) {
                    resetBudget();
                    std::vector<std::string_view> itemPath;
                    Node o = value(item.value(), itemPath, 2);
                    const Node* k = o.isMap() ? o.get("kind") : nullptr;
                    const Node* a = o.isMap() ? o.get("apiVersion") : nullptr;
                    if (k && a && k->isScalar() && a->isScalar() && !m_builder.hasPendingListItems())
                        m_builder.addObject(o);
                    else
                        m_builder.addPendingListItem(std::move(o));
                }
                continue;
            }
            path.push_back(key);
            Node child;
            if (shouldSkip(path))
                child.type = Node::Type::Skipped;
            else
                child = value(val, path, 2);
            path.pop_back();
            if (!builder.set(key, std::move(child)))
                duplicate(key, rawKey);
        }
        if (isList)
            m_builder.endList(rootNode);
        else
            m_builder.addObject(rootNode);
    }

private:
    const char* m_base;
    LineCounter m_lines;
    SnapshotBuilder& m_builder;
    std::size_t m_lastOffset = 0;
    std::size_t m_nodes = 0;
};

} // namespace

namespace {

// Where the first JSON value of `data` ends (after its closing bracket), by matching brackets outside strings;
// npos if it does not end. Used to name trailing content, which simdjson reports as a structure error.
std::size_t firstValueEnd(std::string_view data)
{
    int depth = 0;
    bool inString = false;
    bool started = false;
    for (std::size_t i = 0; i < data.size(); ++i) {
        const char c = data[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            ++depth;
            started = true;
        } else if (c == '}' || c == ']') {
            if (--depth == 0 && started)
                return i + 1;
            if (depth < 0)
                return std::string_view::npos;
        }
    }
    return std::string_view::npos;
}

// Offset of the first byte that is not valid UTF-8, or npos.
std::size_t firstInvalidUtf8(std::string_view data)
{
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    const std::size_t n = data.size();
    for (std::size_t i = 0; i < n;) {
        const unsigned char c = p[i];
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        if (len == 0 || i + len > n)
            return i;
        for (std::size_t k = 1; k < len; ++k)
            if ((p[i + k] & 0xc0) != 0x80)
                return i;
        if ((len == 2 && c < 0xc2) || (len == 3 && c == 0xe0 && p[i + 1] < 0xa0) || (len == 4 && c == 0xf0 && p[i + 1] < 0x90)
            || (len == 4 && c > 0xf4) || (len == 3 && c == 0xed && p[i + 1] >= 0xa0))
            return i;
        i += len;
    }
    return std::string_view::npos;
}

} // namespace

void readJson(std::string_view data, SnapshotBuilder& builder, const CancelCheck& canceled)
{
    (void)canceled;
    if (data.starts_with("\xEF\xBB\xBF"))
        data.remove_prefix(3); // a UTF-8 byte-order mark, as kubectl tolerates it
    simdjson::padded_string padded(data);
    od::parser parser(std::max<std::size_t>(padded.size(), 1) + 64);
    JsonWalker walker(padded.data(), data, builder);
    builder.beginDocument(0);
    try {
        od::document doc = parser.iterate(padded);
        switch (doc.type().value()) {
        case od::json_type::object: {
            Node root;
            walker.locate(root, doc);
            walker.root(doc.get_object().value(), root);
            break;
        }
        case od::json_type::array: {
            std::vector<std::string_view> path;
            for (auto item : doc.get_array()) {
                walker.resetBudget();
                builder.addObject(walker.value(item.value(), path, 1));
            }
            break;
        }
        default:
            builder.diagnostic(Diagnostic::Severity::Error, 1, 1,
                               "expected a JSON object (a Kubernetes object or List) or an array of objects");
            builder.failDocument();
        }
        const char* rest = nullptr;
        if (!builder.failedCurrentDocument() && doc.current_location().get(rest) == simdjson::SUCCESS && rest) {
            auto [line, column] = walker.position(static_cast<std::size_t>(rest - padded.data()));
            builder.diagnostic(Diagnostic::Severity::Error, line, column, "JSON: unexpected content after the value");
            builder.failDocument();
        }
    } catch (const simdjson::simdjson_error& e) {
        const auto end = firstValueEnd(data);
        const auto rest = end == std::string_view::npos ? end : data.find_first_not_of(" \t\r\n", end);
        const auto badUtf8 = e.error() == simdjson::UTF8_ERROR ? firstInvalidUtf8(data) : std::string_view::npos;
        if (badUtf8 != std::string_view::npos) {
            auto [line, column] = walker.position(badUtf8);
            builder.diagnostic(Diagnostic::Severity::Error, line, column, "JSON: invalid UTF-8 here");
        } else if (rest != std::string_view::npos) {
            auto [line, column] = walker.position(rest);
            builder.diagnostic(Diagnostic::Severity::Error, line, column, "JSON: unexpected content after the value");
        } else {
            auto [line, column] = walker.position(walker.lastOffset());
            builder.diagnostic(Diagnostic::Severity::Error, line, column,
                               std::string("JSON: ") + simdjson::error_message(e.error())
                                   + " (at or after this position)");
        }
        builder.failDocument();
    } catch (const StructureError& e) {
        auto [line, column] = walker.position(walker.lastOffset());
        builder.diagnostic(Diagnostic::Severity::Error, line, column, e.message);
        builder.failDocument();
    }
    builder.endDocument(true);
}

} // namespace rbx::io
