// SPDX-License-Identifier: Apache-2.0
// A small tree holding one Kubernetes object while it is decoded. Readers (YAML events, JSON On-Demand) build one
// per object, with the subtrees we never use already skipped, so no reader ever holds a whole file as a tree.
#pragma once

#include <cstdint>
#include <memory_resource>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rbx::io {

// Its lists live in a memory resource: the default (new/delete) everywhere but where a reader decodes a node before
// it reads the next one, which builds it in an arena (no allocation per mapping or list, nothing to free after it).
// Copies always go to the default resource; a node built in an arena must not outlive it.
struct Node
{
    using allocator_type = std::pmr::polymorphic_allocator<std::byte>;

    enum class Type : std::uint8_t { Null, Scalar, Map, Seq, Skipped }; // Skipped: present, value not read
    enum class ScalarStyle : std::uint8_t { Plain, Quoted }; // Quoted: YAML quoted/block scalar or JSON string

    Type type = Type::Null;
    ScalarStyle style = ScalarStyle::Plain;
    bool jsonString = false; // JSON: the scalar was a string token (not number/bool)
    std::uint32_t line = 0; // 1-based
    std::uint32_t column = 0; // 1-based
    std::string scalar;
    // Set instead of `scalar` by the JSON reader of List items on several threads: the text in simdjson's string
    // buffer or the file, which outlive the node there (it is decoded before the next item is parsed).
    std::string_view view;
    std::pmr::vector<std::pair<std::pmr::string, Node>> map; // keys in document order
    std::pmr::vector<Node> seq;

    // Declared here, defined below where Node is complete (a vector of pairs holding Node needs that with clang).
    Node();
    explicit Node(const allocator_type& allocator);
    Node(const Node&);
    Node(const Node& other, const allocator_type& allocator);
    Node(Node&&) noexcept;
    Node(Node&& other, const allocator_type& allocator);
    Node& operator=(const Node&);
    Node& operator=(Node&&) noexcept;
    ~Node();

    [[nodiscard]] const Node* get(std::string_view key) const; // defined below: Node must be complete
    // A scalar's text, wherever it is held.
    [[nodiscard]] std::string_view text() const
    {
        return view.data() ? view : std::string_view(scalar);
    }
    [[nodiscard]] bool isNull() const
    {
        return type == Type::Null || type == Type::Skipped;
    }
    [[nodiscard]] bool isScalar() const
    {
        return type == Type::Scalar;
    }
    [[nodiscard]] bool isMap() const
    {
        return type == Type::Map;
    }
    [[nodiscard]] bool isSeq() const
    {
        return type == Type::Seq;
    }
};

inline Node::Node() = default;
inline Node::Node(const allocator_type& allocator)
    : map(allocator)
    , seq(allocator)
{
}
inline Node::Node(const Node&) = default;
inline Node::Node(const Node& o, const allocator_type& allocator)
    : type(o.type)
    , style(o.style)
    , jsonString(o.jsonString)
    , line(o.line)
    , column(o.column)
    , scalar(o.scalar)
    , view(o.view)
    , map(o.map, allocator)
    , seq(o.seq, allocator)
{
}
inline Node::Node(Node&&) noexcept = default;
inline Node::Node(Node&& o, const allocator_type& allocator)
    : type(o.type)
    , style(o.style)
    , jsonString(o.jsonString)
    , line(o.line)
    , column(o.column)
    , scalar(std::move(o.scalar))
    , view(o.view)
    , map(std::move(o.map), allocator)
    , seq(std::move(o.seq), allocator)
{
}
inline Node& Node::operator=(const Node&) = default;
inline Node& Node::operator=(Node&&) noexcept = default;
inline Node::~Node() = default;

inline const Node* Node::get(std::string_view key) const
{
    for (const auto& [k, v] : map)
        if (k == key)
            return &v;
    return nullptr;
}

// Fills a mapping node, keeping keys unique: a repeated key replaces the earlier value (the last one wins, as in
// sigs.k8s.io/yaml). Lookups stay linear for small mappings and use an index for wide ones.
class MapBuilder
{
public:
    explicit MapBuilder(Node& node)
        : m_node(node)
    {
    }
    // Returns false if the key was already present (its value is replaced).
    bool set(std::string_view key, Node child);
    // The value to fill for `key`, a null node: a new entry, or (fresh = false) the earlier one's, emptied.
    Node& slot(std::string_view key, bool& fresh);

private:
    Node& m_node;
    std::unordered_map<std::string, std::size_t> m_index;
};

// Decides which subtrees a reader may skip. `path` is the chain of map keys from the object's root ("" stands for
// a sequence element). Keeps only what the decoders read; drops status, managedFields, secret payloads, etc.
[[nodiscard]] bool shouldSkip(const std::vector<std::string_view>& path);

// Limits that keep hostile input bounded.
inline constexpr int kMaxDepth = 512;
inline constexpr std::size_t kMaxNodesPerDocument = 1'000'000;

} // namespace rbx::io
