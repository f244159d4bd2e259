// SPDX-License-Identifier: Apache-2.0
#include "models/io/readers.h"
#include "models/io/snapshotbuilder.h"

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#define RBX_SCAN_AVX2 1 // compiled for AVX2 with a target attribute, used where the processor has it
#include <immintrin.h>
#endif

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <memory_resource>
#include <optional>

namespace rbx::io {

namespace {

namespace od = simdjson::ondemand;
using detail::Abandon;
using detail::DocumentSink;

struct StructureError
{
    std::string message;
};

// Maps byte offsets to 1-based line/column; offsets arrive in increasing order, so counting is linear overall.
// A counter over a part of a file starts at the part's position in the file.
class LineCounter
{
public:
    explicit LineCounter(std::string_view data, std::uint32_t line = 1, std::uint32_t column = 1)
        : m_data(data)
        , m_firstLine(line)
        , m_firstColumn(column)
        , m_line(line)
    {
    }
    std::pair<std::uint32_t, std::uint32_t> at(std::size_t offset)
    {
        if (offset < m_offset) {
            m_offset = 0;
            m_line = m_firstLine;
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
        const auto column = static_cast<std::uint32_t>(offset - m_lineStart) + 1;
        return {m_line, m_line == m_firstLine ? column + m_firstColumn - 1 : column};
    }

    // Continues from a position whose line is known (counting up to it again would cost a pass over the file).
    void seek(std::size_t offset, std::uint32_t line, std::size_t lineStart)
    {
        m_offset = offset;
        m_line = line;
        m_lineStart = lineStart;
    }

private:
    std::string_view m_data;
    std::uint32_t m_firstLine;
    std::uint32_t m_firstColumn;
    std::size_t m_offset = 0;
    std::size_t m_lineStart = 0;
    std::uint32_t m_line;
};

struct ItemText
{
    std::string_view text;
    std::uint32_t line;
    std::uint32_t column;
};

class JsonWalker;
class IndentedItems;

// Receives the items of a List that are read on other threads, as the walker finds their boundaries.
class ItemSink
{
public:
    virtual ~ItemSink() = default;
    // `root`: the List's fields before its items.
    virtual void beginItems(const Node& root) = 0;
    virtual void add(const ItemText& item) = 0;
    // Instead of add(): the items of an indented List, read in segments (see IndentedItems).
    virtual void readCut(const IndentedItems& cut) = 0;
    // After the last item: every item is decoded and committed in order (throws Abandon if one could not be).
    virtual void endItems(JsonWalker& walker) = 0;
};

// An indented List, as kubectl and client-go write one: `{ ..., "items": [` then one item per block of lines, each
// opening with a line of `indent` spaces and `{` and closing with one of `indent` spaces and `}` (`},` between items).
// A JSON string cannot hold a raw newline, so a line start is never inside a string, and the items can be cut at
// their lines without a first pass over the whole document. The cut is then proved exact: every item is parsed on
// its own and must be exactly one object, only commas and whitespace lie between items, and the List without its
// items (its text before the '[' and from the ']') must parse as a List whose items array is that '['.
struct IndentedLayout
{
    std::size_t open = 0; // the items' '['
    std::size_t firstLineStart = 0; // the first item's line
    std::uint32_t firstLine = 0;
    std::size_t indent = 0;
    std::size_t lastClose = 0; // the last item's '}'
    std::size_t close = 0; // the items' ']'
};

// The bits set in a 16-bit mask (without POPCNT, which the baseline x86-64 lacks: __builtin_popcount is a call there).
inline std::uint32_t bits16(unsigned x)
{
    x = x - ((x >> 1) & 0x5555U);
    x = (x & 0x3333U) + ((x >> 2) & 0x3333U);
    x = (x + (x >> 4)) & 0x0f0fU;
    return (x + (x >> 8)) & 0x1fU;
}

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

std::optional<IndentedLayout> findIndentedLayout(std::string_view d)
{
    constexpr std::size_t kHeadLimit = 1U << 20; // the List's fields before its items
    constexpr std::size_t kTailLimit = 1U << 20; // ... and after them
    IndentedLayout layout;
    std::size_t i = 0;
    while (i < d.size() && isJsonSpace(d[i]))
        ++i;
    if (i >= d.size() || d[i] != '{')
        return std::nullopt;
    // The root's "items" key: strings and nesting are followed, the first key at depth 1 named items wins.
    int depth = 0;
    bool found = false;
    for (const std::size_t limit = std::min(d.size(), kHeadLimit); i < limit && !found; ++i) {
        const char c = d[i];
        if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth <= 0)
                return std::nullopt;
        } else if (c == '"') {
            const std::size_t begin = i + 1;
            std::size_t end = begin;
            while (end < limit && d[end] != '"' && d[end] != '\\' && d[end] != '\n')
                ++end;
            if (end >= limit || d[end] != '"')
                return std::nullopt; // escapes in the head: not worth following
            i = end;
            if (depth != 1 || d.substr(begin, end - begin) != "items")
                continue;
            std::size_t j = end + 1;
            while (j < limit && isJsonSpace(d[j]))
                ++j;
            if (j >= limit || d[j] != ':')
                continue; // a value, not a key
            ++j;
            while (j < limit && isJsonSpace(d[j]))
                ++j;
            if (j >= limit || d[j] != '[')
                return std::nullopt;
            layout.open = j;
            found = true;
        }
    }
    if (!found)
        return std::nullopt;
    // The first item: on a line of its own after the '[', indented by spaces only.
    std::size_t first = layout.open + 1;
    while (first < d.size() && isJsonSpace(d[first]))
        ++first;
    if (first >= d.size() || d[first] != '{')
        return std::nullopt;
    std::size_t lineStart = first;
    while (lineStart > layout.open + 1 && d[lineStart - 1] == ' ')
        --lineStart;
    if (d[lineStart - 1] != '\n' || lineStart == first)
        return std::nullopt;
    layout.firstLineStart = lineStart;
    layout.indent = first - lineStart;
    layout.firstLine = static_cast<std::uint32_t>(std::count(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(lineStart), '\n')) + 1;
    // The last item: the last line of `indent` spaces and `}` that only whitespace separates from a ']'.
    std::size_t end = d.size();
    while (end > 0 && isJsonSpace(d[end - 1]))
        --end;
    if (end == 0 || d[end - 1] != '}')
        return std::nullopt;
    const std::size_t tailStop = end > kTailLimit ? end - kTailLimit : 0;
    std::size_t lineEnd = end;
    while (lineEnd > tailStop && lineEnd > layout.open) {
        const void* nl = memrchr(d.data() + tailStop, '\n', lineEnd - tailStop);
        if (!nl)
            return std::nullopt;
        const auto at = static_cast<std::size_t>(static_cast<const char*>(nl) - d.data());
        const std::size_t ls = at + 1;
        std::size_t k = ls;
        while (k < lineEnd && d[k] == ' ')
            ++k;
        if (k - ls == layout.indent && k < lineEnd && d[k] == '}') {
            std::size_t after = k + 1;
            while (after < d.size() && isJsonSpace(d[after]))
                ++after;
            if (after < d.size() && d[after] == ']') {
                layout.lastClose = k;
                layout.close = after;
                return layout.lastClose > first ? std::optional(layout) : std::nullopt;
            }
        }
        lineEnd = at;
    }
    return std::nullopt;
}

// The block loop of IndentedItems::scan: the newlines in [i, to), in blocks of 16 or 32 bytes, and of those the
// candidate line starts (a space at column `indent` and '{' or '}' after it), handed to hit(lineStart, line) in order
// (`line` counted on from the one given); hit() returns false to stop. Returns where the blocks end (the caller scans
// the rest byte by byte), and sets `nul` if a counted block holds a NUL byte.
struct Blocks
{
    const char* d;
    std::size_t to;
    std::size_t size; // readable: the loads reach indent + 1 bytes past a block
    std::size_t indent;
    bool counted; // look for NUL bytes too
};

#if defined(__SSE2__)
template<typename Hit>
std::size_t scanBlocksSse2(const Blocks& b, std::size_t i, std::uint32_t& line, bool& nul, Hit&& hit)
{
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i space = _mm_set1_epi8(' ');
    const __m128i open = _mm_set1_epi8('{');
    const __m128i close = _mm_set1_epi8('}');
    const __m128i zero = _mm_setzero_si128();
    __m128i nuls = zero;
    auto load = [](const char* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
    bool going = true;
    for (; going && i + 16 <= b.to && i + b.indent + 17 <= b.size; i += 16) {
        const __m128i bytes = load(b.d + i);
        if (b.counted)
            nuls = _mm_or_si128(nuls, _mm_cmpeq_epi8(bytes, zero));
        const auto nl = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline)));
        if (nl == 0)
            continue;
        const __m128i at = load(b.d + i + b.indent + 1);
        const auto marks = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(load(b.d + i + b.indent), space),
                                            _mm_or_si128(_mm_cmpeq_epi8(at, open), _mm_cmpeq_epi8(at, close)))));
        for (unsigned hits = nl & marks; hits != 0 && going; hits &= hits - 1) {
            const auto bit = static_cast<unsigned>(__builtin_ctz(hits));
            going = hit(i + bit + 1, line + bits16(nl & ((2U << bit) - 1)));
        }
        line += bits16(nl);
    }
    nul = nul || _mm_movemask_epi8(nuls) != 0;
    return i;
}
#endif

#if defined(RBX_SCAN_AVX2)
// The same in 32-byte blocks, where the processor has AVX2 (twice as fast: the scan is compute-bound).
template<typename Hit>
__attribute__((target("avx2,popcnt"))) std::size_t scanBlocksAvx2(const Blocks& b, std::size_t i, std::uint32_t& line,
                                                                  bool& nul, Hit&& hit)
{
    const __m256i newline = _mm256_set1_epi8('\n');
    const __m256i space = _mm256_set1_epi8(' ');
    const __m256i open = _mm256_set1_epi8('{');
    const __m256i close = _mm256_set1_epi8('}');
    const __m256i zero = _mm256_setzero_si256();
    __m256i nuls = zero;
    bool going = true;
    for (; going && i + 32 <= b.to && i + b.indent + 33 <= b.size; i += 32) {
        const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.d + i));
        if (b.counted)
            nuls = _mm256_or_si256(nuls, _mm256_cmpeq_epi8(bytes, zero));
        const auto nl = static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, newline)));
        if (nl == 0)
            continue;
        const __m256i at = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.d + i + b.indent + 1));
        const __m256i before = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.d + i + b.indent));
        const auto marks = static_cast<unsigned>(_mm256_movemask_epi8(_mm256_and_si256(
            _mm256_cmpeq_epi8(before, space), _mm256_or_si256(_mm256_cmpeq_epi8(at, open), _mm256_cmpeq_epi8(at, close)))));
        for (unsigned hits = nl & marks; hits != 0 && going; hits &= hits - 1) {
            const auto bit = static_cast<unsigned>(__builtin_ctz(hits));
            const unsigned upTo = bit == 31 ? ~0U : (2U << bit) - 1;
            going = hit(i + bit + 1, line + static_cast<std::uint32_t>(__builtin_popcount(nl & upTo)));
        }
        line += static_cast<std::uint32_t>(__builtin_popcount(nl));
    }
    nul = nul || _mm256_movemask_epi8(nuls) != 0;
    return i;
}

bool hasAvx2()
{
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
    return has;
}
#endif

// The items of an indented List, found by their lines. The lines from the first item to the last are cut into
// segments at line starts, and each segment is scanned on its own, on any thread, right before its items are parsed
// (so that they are still in the cache): the walker of the List without its items hands the segments to the sink
// when it reaches the (empty) items array at open().
//
// Only candidate lines are looked at: those with a space at column `indent` and '{' or '}' after it. Every line that
// opens or closes an item is one. A segment's items are those whose opening line starts in it; the lines before its
// first opening belong to the item or the gap before, which the segment holding that item checks: inside an item,
// a line of `indent` spaces and '{' abandons the cut, and between items only a comma and whitespace may lie up to the
// next opening, the first line of `indent` spaces and '{' after them. So the segments' first openings chain up
// exactly as one scan from the first item to the last would find them.
class IndentedItems
{
public:
    // `rejectNul`: a NUL byte anywhere in the file abandons the cut (the bytes outside the segments are looked at
    // here, those in them as they are scanned).
    IndentedItems(std::string_view data, const IndentedLayout& layout, bool rejectNul)
        : m_data(data)
        , m_layout(layout)
        , m_rejectNul(rejectNul)
    {
        if (rejectNul
            && (std::memchr(data.data(), '\0', layout.firstLineStart)
                || std::memchr(data.data() + layout.lastClose, '\0', data.size() - layout.lastClose)))
            throw Abandon {};
    }

    [[nodiscard]] std::size_t open() const // the items' '[', in the List without them too
    {
        return m_layout.open;
    }
    [[nodiscard]] std::uint32_t firstLine() const
    {
        return m_layout.firstLine;
    }

    // Where the segments start (line starts, the first item's line first), then where the last one ends (the last
    // item's '}').
    [[nodiscard]] std::vector<std::size_t> cuts(std::size_t segmentBytes) const
    {
        std::vector<std::size_t> cuts {m_layout.firstLineStart};
        for (std::size_t at = m_layout.firstLineStart + segmentBytes; at < m_layout.lastClose; at += segmentBytes) {
            const void* nl = std::memchr(m_data.data() + at, '\n', m_layout.lastClose - at);
            if (!nl)
                break;
            at = static_cast<std::size_t>(static_cast<const char*>(nl) - m_data.data()) + 1;
            if (at >= m_layout.lastClose)
                break;
            cuts.push_back(at);
        }
        cuts.push_back(m_layout.lastClose);
        return cuts;
    }

    struct Segment
    {
        std::uint32_t newlines = 0; // in [begin, end)
        bool last = false; // it holds the last item
    };

    // Hands the items of the segment [begin, end) to item(ItemText), their lines counted from 1 at `begin`, and says
    // how many lines the segment spans. Throws Abandon if the cut cannot be proved exact.
    template<typename Item>
    Segment scan(std::size_t begin, std::size_t end, Item&& item) const
    {
        const char* d = m_data.data();
        const std::size_t indent = m_layout.indent;
        const std::size_t stop = m_layout.lastClose;
        enum class State { Prefix, InItem, Gap, Stopped };
        State state = State::Prefix;
        std::size_t itemBegin = 0;
        std::uint32_t itemLine = 0;
        std::size_t gapFrom = 0;
        Segment result;
        // One candidate line start; `line` is its line counted from `begin` (0 past `end`, where no item opens).
        auto atLine = [&](std::size_t ls, std::uint32_t line) {
            const std::size_t mark = ls + indent;
            const char c = d[mark];
            const bool ours = std::memcmp(d + ls, kSpaces.data(), std::min(indent, kSpaces.size())) == 0
                && (indent <= kSpaces.size() || onlySpaces(ls, mark));
            switch (state) {
            case State::Prefix:
                if (ls >= end) {
                    state = State::Stopped; // no item opens in this segment
                    return;
                }
                if (!ours || c == '}')
                    return; // the tail of an item opened before: the segment holding it checks it
                if (!restIsBlank(mark + 1))
                    throw Abandon {};
                break;
            case State::InItem:
                if (!ours)
                    return;
                if (c == '{')
                    throw Abandon {}; // an object at the items' indent inside an item: not the layout we cut by
                item(ItemText {m_data.substr(itemBegin, mark + 1 - itemBegin), itemLine,
                               static_cast<std::uint32_t>(indent + 1)});
                if (mark == stop) {
                    if (!restIsBlank(mark + 1))
                        throw Abandon {};
                    result.last = true;
                    state = State::Stopped;
                    return;
                }
                if (d[mark + 1] != ',')
                    throw Abandon {};
                gapFrom = mark + 2;
                state = State::Gap;
                return;
            case State::Gap:
                if (!ours || c != '{' || !restIsBlank(mark + 1) || !onlyWhitespace(gapFrom, ls))
                    throw Abandon {}; // something other than an item between items
                if (ls >= end) {
                    state = State::Stopped; // the next segment's first item
                    return;
                }
                break;
            case State::Stopped:
                return;
            }
            state = State::InItem;
            itemBegin = mark;
            itemLine = line;
        };
        auto candidate = [&](std::size_t ls) {
            const std::size_t mark = ls + indent;
            return mark < m_data.size() && d[mark - 1] == ' ' && (d[mark] == '{' || d[mark] == '}');
        };
        if (candidate(begin))
            atLine(begin, 1);
        // The newlines in [from, to): each one starts a line. Returns how many there were up to where it stopped.
        auto lines = [&](std::size_t from, std::size_t to, bool counted) {
            std::uint32_t line = 1; // of the line being scanned, counted from `begin`
            std::size_t i = from;
            const Blocks blocks {d, to, m_data.size(), indent, counted};
            auto hit = [&](std::size_t ls, std::uint32_t at) {
                atLine(ls, counted ? at : 0);
                return state != State::Stopped;
            };
            bool nul = false;
#if defined(RBX_SCAN_AVX2)
            if (hasAvx2() && detail::wideLineScan.load(std::memory_order_relaxed))
                i = scanBlocksAvx2(blocks, i, line, nul, hit);
#endif
#if defined(__SSE2__)
            if (state != State::Stopped)
                i = scanBlocksSse2(blocks, i, line, nul, hit);
#endif
            if (m_rejectNul && nul)
                throw Abandon {};
            for (; state != State::Stopped && i < to; ++i) {
                if (m_rejectNul && counted && d[i] == '\0')
                    throw Abandon {};
                if (d[i] != '\n')
                    continue;
                ++line;
                if (candidate(i + 1))
                    atLine(i + 1, counted ? line : 0);
            }
            // The rest, had the scan stopped before `to` (a segment's own lines are counted, all of them).
            if (counted && i < to) {
                if (m_rejectNul && std::memchr(d + i, '\0', to - i))
                    throw Abandon {};
                line += static_cast<std::uint32_t>(std::count(d + i, d + to, '\n'));
            }
            return line - 1;
        };
        result.newlines = lines(begin, end, true);
        if (state != State::Prefix && state != State::Stopped)
            lines(end, stop, false); // the last item's tail and the gap to the next segment's first item
        if (state != State::Prefix && state != State::Stopped)
            throw Abandon {};
        return result;
    }

    // Where the List resumes after its items, given the line of the last item's '}': the line of the items' ']' and
    // the offset that line starts at.
    void resume(std::uint32_t lineOfLastClose, std::uint32_t& lineAfter, std::size_t& lineStartAfter) const
    {
        std::uint32_t line = lineOfLastClose;
        for (std::size_t k = m_layout.lastClose; k < m_layout.close; ++k)
            line += m_data[k] == '\n';
        const std::size_t ls = m_data.rfind('\n', m_layout.close);
        lineAfter = line;
        lineStartAfter = ls == std::string_view::npos ? 0 : ls + 1;
    }

private:
    static constexpr std::string_view kSpaces = "                                "; // 32

    [[nodiscard]] bool onlySpaces(std::size_t from, std::size_t to) const
    {
        for (std::size_t k = from; k < to; ++k)
            if (m_data[k] != ' ')
                return false;
        return true;
    }
    [[nodiscard]] bool onlyWhitespace(std::size_t from, std::size_t to) const
    {
        for (std::size_t k = from; k < to; ++k)
            if (!isJsonSpace(m_data[k]))
                return false;
        return true;
    }
    // From `from` to the end of its line: whitespace only.
    [[nodiscard]] bool restIsBlank(std::size_t from) const
    {
        for (std::size_t k = from; k < m_data.size() && m_data[k] != '\n'; ++k)
            if (m_data[k] != ' ' && m_data[k] != '\t' && m_data[k] != '\r')
                return false;
        return true;
    }

    std::string_view m_data;
    IndentedLayout m_layout;
    bool m_rejectNul;
};

class JsonWalker
{
public:
    JsonWalker(const char* base, std::string_view data, DocumentSink& builder, std::uint32_t line = 1,
               std::uint32_t column = 1)
        : m_base(base)
        , m_lines(data, line, column)
        , m_builder(builder)
    {
    }

    // Items of a List read on other threads: handed to the sink instead of being decoded here.
    ItemSink* m_parallelItems = nullptr;
    // Nodes deeper than this get no position: on the parallel path only an item's own position is ever used (any
    // error abandons the attempt, and the single-threaded read reports it).
    int m_locateDepth = kMaxDepth + 1;
    std::size_t nodes() const
    {
        return m_nodes;
    }
    void setNodes(std::size_t nodes)
    {
        m_nodes = nodes;
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
        m_lastOffset = fileOffset(static_cast<std::size_t>(tok.data() - m_base));
        std::tie(n.line, n.column) = m_lines.at(m_lastOffset);
    }

    // Walking the List without its items: offsets past the cut are moved back to where they are in the file, and
    // the line counter jumps over the items (their lines are known).
    IndentedItems* m_lineCut = nullptr;
    std::size_t m_gapAt = std::string_view::npos;
    std::size_t m_gapShift = 0;
    std::uint32_t m_lineAfterGap = 0;
    std::size_t m_lineStartAfterGap = 0;
    [[nodiscard]] std::size_t fileOffset(std::size_t offset)
    {
        if (offset < m_gapAt)
            return offset;
        if (m_lineAfterGap != 0) {
            m_lines.seek(m_gapAt + m_gapShift, m_lineAfterGap, m_lineStartAfterGap);
            m_lineAfterGap = 0;
        }
        return offset + m_gapShift;
    }

    template<typename V>
    Node value(V&& v, std::vector<std::string_view>& path, int depth)
    {
        Node n {Node::allocator_type(m_resource)};
        fill(v, n, path, depth);
        return n;
    }

    // Reads `v` into `n`, a null node: mappings and lists are filled in place, entry by entry (a node is large, and
    // moving each one into its parent cost more than reading it).
    template<typename V>
    void fill(V&& v, Node& n, std::vector<std::string_view>& path, int depth)
    {
        if (depth <= m_locateDepth)
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
                // In the parser's string buffer, which only grows while a document is read.
                const std::string_view key = field.unescaped_key().value();
                path.push_back(key);
                bool fresh = true;
                Node& child = builder.slot(key, fresh);
                // On-Demand skips an unread value itself.
                if (shouldSkip(path))
                    child.type = Node::Type::Skipped;
                else
                    fill(field.value(), child, path, depth + 1);
                path.pop_back();
                if (!fresh)
                    duplicate(key, rawKey);
            }
            break;
        }
        case od::json_type::array: {
            n.type = Node::Type::Seq;
            path.emplace_back();
            for (auto item : v.get_array()) {
                if (n.seq.capacity() == 0)
                    n.seq.reserve(4);
                fill(item.value(), n.seq.emplace_back(), path, depth + 1);
            }
            path.pop_back();
            break;
        }
        case od::json_type::string:
            n.type = Node::Type::Scalar;
            n.jsonString = true;
            n.style = Node::ScalarStyle::Quoted;
            setScalar(n, v.get_string().value());
            break;
        case od::json_type::boolean:
            n.type = Node::Type::Scalar;
            setScalar(n, v.get_bool().value() ? std::string_view("true") : std::string_view("false"));
            break;
        case od::json_type::number: {
            n.type = Node::Type::Scalar;
            std::string_view raw = v.raw_json_token();
            while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t'))
                raw.remove_suffix(1);
            setScalar(n, raw);
            break;
        }
        case od::json_type::null:
            if (!v.is_null().value())
                throw StructureError {"invalid literal"};
            n.type = Node::Type::Null;
            break;
        }
    }

    // Nodes that are decoded before the parser moves on may point at the parser's strings and the file, and live in
    // an arena (see Node).
    bool m_viewScalars = false;
    std::pmr::memory_resource* m_resource = std::pmr::get_default_resource();
    void setScalar(Node& n, std::string_view text) const
    {
        if (m_viewScalars)
            n.view = text;
        else
            n.scalar = std::string(text);
    }

    void duplicate(std::string_view key, const char* rawKey)
    {
        // raw() points just after the key's opening quote.
        auto [line, column] = m_lines.at(fileOffset(static_cast<std::size_t>(rawKey - m_base) - 1));
        m_builder.diagnostic(Diagnostic::Severity::Warning, line, column,
                             "duplicate key \"" + std::string(key) + "\": the last value wins");
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
                if (m_lineCut) {
                    if (static_cast<std::size_t>(val.raw_json_token().data() - m_base) != m_lineCut->open())
                        throw Abandon {};
                    m_parallelItems->beginItems(rootNode);
                    m_parallelItems->readCut(*m_lineCut);
                    m_lineCut = nullptr; // a second items array is walked as usual
                    for (auto item : val.get_array()) {
                        (void)item;
                        throw Abandon {}; // not the List without its items after all
                    }
                    m_parallelItems->endItems(*this);
                    continue;
                }
                if (m_parallelItems) {
                    if (m_gapAt != std::string_view::npos)
                        throw Abandon {}; // a second items array in the List without its first: not worth it
                    m_parallelItems->beginItems(rootNode);
                    for (auto item : val.get_array()) {
                        od::value v = item.value();
                        if (v.type().value() != od::json_type::object)
                            throw Abandon {};
                        const std::string_view text = v.get_object().value().raw_json().value();
                        const auto [line, column] = m_lines.at(static_cast<std::size_t>(text.data() - m_base));
                        m_parallelItems->add({text, line, column});
                    }
                    m_parallelItems->endItems(*this);
                    continue;
                }
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
    DocumentSink& m_builder;
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


// Reads one JSON file into `builder` on one thread. `padded` is the file with simdjson's padding after it.
void readJsonSerial(std::string_view data, simdjson::padded_string_view padded, DocumentSink& builder)
{
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

// Items of a List, parsed and decoded in chunks on every thread while the main thread still finds the later items'
// boundaries, and committed in file order as they complete: the main thread commits a chunk as soon as it and all
// before it are done, and parses chunks itself when there is nothing to commit.
class ItemPipeline final : public ItemSink
{
public:
    // `listKind`: the List's kind, as far as it is known before its items, lets them commit (a kind that is known
    // before them and is not a list kind will reject the whole document).
    using Commit = std::function<void(detail::Recorder& chunk, bool listKind)>;

    ItemPipeline(const std::string& defaultNamespace, const std::string& file, const char* readableEnd,
                 unsigned threads, Commit commit)
        : m_defaultNamespace(defaultNamespace)
        , m_file(file)
        , m_readableEnd(readableEnd)
        , m_threads(threads)
        , m_commit(std::move(commit))
    {
    }
    ItemPipeline(const ItemPipeline&) = delete;
    ItemPipeline& operator=(const ItemPipeline&) = delete;
    ~ItemPipeline() override
    {
        stop();
    }

    void beginItems(const Node& root) override
    {
        const Node* kind = root.get("kind");
        m_listKind = !kind || (kind->isScalar() && (kind->text() == "List" || kind->text().ends_with("List")));
        stop();
        m_chunks.clear();
        m_open = {};
        m_closed = false;
        m_nextClaim = 0;
        m_nextCommit = 0;
        m_cut = nullptr;
        m_sawLastItem = false;
        m_lastNodes = 0;
        for (unsigned t = 1; t < m_threads; ++t)
            m_helpers.emplace_back([this] { help(); });
    }

    void add(const ItemText& item) override
    {
        if (m_abandoned.load(std::memory_order_relaxed))
            throw Abandon {};
        m_open.push_back(item);
        if (m_open.size() >= kChunkItems) {
            publish();
            commitReady();
        }
    }

    void endItems(JsonWalker& walker) override
    {
        publish();
        {
            const std::lock_guard lock(m_mutex);
            m_closed = true;
        }
        m_wake.notify_all();
        for (;;) {
            commitReady();
            std::unique_lock lock(m_mutex);
            if (m_abandoned.load(std::memory_order_relaxed) || m_nextCommit == m_chunks.size())
                break;
            if (m_nextClaim < m_chunks.size()) {
                Chunk* chunk = &m_chunks[m_nextClaim++];
                lock.unlock();
                parse(*chunk);
                continue;
            }
            m_wake.wait(lock, [&] {
                return m_abandoned.load(std::memory_order_relaxed) || m_nextCommit == m_chunks.size()
                    || m_chunks[m_nextCommit].done;
            });
        }
        stop();
        if (m_failure)
            std::rethrow_exception(m_failure);
        if (m_abandoned)
            throw Abandon {};
        if (m_cut) {
            if (!m_sawLastItem)
                throw Abandon {};
            m_cut->resume(m_nextLine, walker.m_lineAfterGap, walker.m_lineStartAfterGap);
            m_cut = nullptr;
        }
        // The single-threaded read counts the root's later fields on from the last item's count.
        if (m_lastNodes != 0)
            walker.setNodes(m_lastNodes);
    }

    void readCut(const IndentedItems& cut) override
    {
        const auto cuts = cut.cuts(std::max<std::size_t>(detail::lineCutSegmentBytes.load(), 1));
        m_cut = &cut;
        m_nextLine = cut.firstLine();
        {
            const std::lock_guard lock(m_mutex);
            for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
                m_chunks.push_back({{}, detail::Recorder(m_defaultNamespace, &m_abandoned, &m_file), 0, false, cuts[k],
                                    cuts[k + 1], {}});
                auto& chunk = m_chunks.back();
                chunk.recorder.reserve((chunk.end - chunk.begin) / 4096 + 4);
            }
        }
        m_wake.notify_all();
    }

private:
    static constexpr std::size_t kChunkItems = 64;
    static constexpr std::size_t kArenaBytes = 256U << 10;

    struct Chunk
    {
        std::vector<ItemText> items; // or, with a line cut, the segment [begin, end)
        detail::Recorder recorder;
        std::size_t lastNodes = 0; // 0: no item
        bool done = false; // guarded by m_mutex
        std::size_t begin = 0;
        std::size_t end = 0;
        IndentedItems::Segment segment;
    };

    void publish()
    {
        if (m_open.empty())
            return;
        {
            const std::lock_guard lock(m_mutex);
            m_chunks.push_back(
                {std::move(m_open), detail::Recorder(m_defaultNamespace, &m_abandoned, &m_file), 0, false, 0, 0, {}});
            m_chunks.back().recorder.reserve(m_chunks.back().items.size());
        }
        m_open = {};
        m_wake.notify_all();
    }

    // Commits, in order, the chunks that are done (on the main thread, outside the lock).
    void commitReady()
    {
        for (;;) {
            Chunk* chunk = nullptr;
            {
                const std::lock_guard lock(m_mutex);
                if (m_abandoned.load(std::memory_order_relaxed) || m_nextCommit >= m_chunks.size()
                    || !m_chunks[m_nextCommit].done)
                    return;
                chunk = &m_chunks[m_nextCommit];
            }
            if (m_cut) {
                // The segment's lines were counted from its start.
                chunk->recorder.setLineOffset(m_nextLine - 1);
                m_nextLine += chunk->segment.newlines;
                m_sawLastItem = m_sawLastItem || chunk->segment.last;
            }
            if (chunk->lastNodes != 0)
                m_lastNodes = chunk->lastNodes;
            m_commit(chunk->recorder, m_listKind);
            chunk->items = {};
            {
                const std::lock_guard lock(m_mutex);
                ++m_nextCommit;
            }
            m_wake.notify_all();
        }
    }

    void help()
    {
        for (;;) {
            Chunk* chunk = nullptr;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [&] {
                    return m_abandoned.load(std::memory_order_relaxed) || m_stopping || m_closed
                        || m_nextClaim < m_chunks.size();
                });
                if (m_abandoned.load(std::memory_order_relaxed) || m_stopping || m_nextClaim >= m_chunks.size())
                    return;
                chunk = &m_chunks[m_nextClaim++];
            }
            parse(*chunk);
        }
    }

    // Decodes one chunk into its recorder (any thread); anything unusual abandons the whole attempt.
    void parse(Chunk& chunk)
    {
        try {
            od::parser parser;
            std::vector<std::string_view> path;
            // One arena for the nodes of one item at a time: most items fit in its first buffer.
            thread_local std::unique_ptr<std::byte[]> arenaBuffer(new std::byte[kArenaBytes]);
            std::pmr::monotonic_buffer_resource arena(arenaBuffer.get(), kArenaBytes);
            auto one = [&](const ItemText& item) { parseItem(chunk, item, parser, path, arena); };
            if (m_cut)
                chunk.segment = m_cut->scan(chunk.begin, chunk.end, one);
            else
                for (const auto& item : chunk.items)
                    one(item);
        } catch (const Abandon&) {
            m_abandoned = true;
        } catch (...) {
            const std::lock_guard lock(m_mutex);
            if (!m_failure)
                m_failure = std::current_exception();
            m_abandoned = true;
        }
        {
            const std::lock_guard lock(m_mutex);
            chunk.done = true;
        }
        m_wake.notify_all();
    }

    void parseItem(Chunk& chunk, const ItemText& item, od::parser& parser, std::vector<std::string_view>& path,
                   std::pmr::monotonic_buffer_resource& arena)
    {
        arena.release();
        if (m_abandoned.load(std::memory_order_relaxed))
            throw Abandon {};
        // Parsed in place: simdjson's first stage reads only the item's bytes (what follows it in the file is
        // padding to it), and the file's buffer stays readable SIMDJSON_PADDING bytes past its end.
        const char* begin = item.text.data();
        JsonWalker walker(begin, item.text, chunk.recorder, item.line, item.column);
        walker.m_locateDepth = 2;
        walker.m_viewScalars = true; // `o` is decoded below, before the parser reads the next item
        walker.m_resource = &arena;
        try {
            od::document doc = parser.iterate(begin, item.text.size(), static_cast<std::size_t>(m_readableEnd - begin));
            // Built in the arena and never destroyed: all it holds is in the arena (keys and lists) or views
            // (scalars), and the arena is released before the next item.
            alignas(Node) std::byte storage[sizeof(Node)];
            Node& o = *new (storage) Node(walker.value(doc.get_value().value(), path, 2));
            const char* rest = nullptr;
            if (doc.current_location().get(rest) == simdjson::SUCCESS && rest)
                throw Abandon {}; // a line cut that did not hold exactly one object
            const Node* kind = o.get("kind");
            const Node* apiVersion = o.get("apiVersion");
            if (!kind || !apiVersion || !kind->isScalar() || !apiVersion->isScalar())
                throw Abandon {}; // waits for the list's kind: read on one thread
            chunk.recorder.addObject(o);
            chunk.lastNodes = walker.nodes();
        } catch (const simdjson::simdjson_error&) {
            throw Abandon {};
        } catch (const StructureError&) {
            throw Abandon {};
        }
    }

    void stop()
    {
        {
            const std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_all();
        for (auto& h : m_helpers)
            h.join();
        m_helpers.clear();
        m_stopping = false;
    }

    const std::string& m_defaultNamespace;
    const std::string& m_file;
    const char* m_readableEnd;
    unsigned m_threads;
    Commit m_commit;
    std::vector<std::thread> m_helpers;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Chunk> m_chunks; // elements stay put as chunks are added; indexed under m_mutex only
    std::vector<ItemText> m_open; // the chunk being filled (main thread)
    std::size_t m_nextClaim = 0; // guarded by m_mutex
    std::size_t m_nextCommit = 0; // guarded by m_mutex
    bool m_listKind = true;
    const IndentedItems* m_cut = nullptr; // reading a line cut's segments
    std::uint32_t m_nextLine = 0; // of the next segment to commit
    bool m_sawLastItem = false;
    std::size_t m_lastNodes = 0;
    bool m_closed = false; // guarded by m_mutex
    bool m_stopping = false; // guarded by m_mutex
    std::atomic<bool> m_abandoned {false};
    std::exception_ptr m_failure; // guarded by m_mutex
};

// Reads a List's items on several threads (see readers.h); false if it did not, with the builder untouched.
// The chunks are committed into a copy of the builder as they complete (while later ones still parse), which
// replaces the builder once the whole document has been read; when the builder already holds many objects, copying
// it would cost more than it saves, and the chunks are replayed into it at the end instead.
// With `layout`, the items are cut at their lines and the List is walked without them (see IndentedLayout);
// otherwise a first pass over the whole document finds where each item ends.
bool readJsonInParallel(std::string_view data, simdjson::padded_string_view padded, SnapshotBuilder& builder,
                        unsigned threads, const IndentedLayout* layout = nullptr, bool rejectNul = false)
{
    constexpr std::size_t kMaxObjectsToCopy = 4096;
    std::optional<SnapshotBuilder> scratch;
    if (builder.committedObjects() <= kMaxObjectsToCopy)
        scratch.emplace(builder);
    detail::Recorder document(builder.defaultNamespace(), nullptr);
    std::optional<simdjson::padded_string> withoutItems;
    std::optional<IndentedItems> lineCut;
    if (layout) {
        std::string text;
        text.reserve(layout->open + 1 + data.size() - layout->close);
        text.append(data.substr(0, layout->open + 1));
        text.append(data.substr(layout->close));
        withoutItems.emplace(text);
        try {
            lineCut.emplace(data, *layout, rejectNul);
        } catch (const Abandon&) {
            return false;
        }
    }
    const simdjson::padded_string_view walked = withoutItems ? simdjson::padded_string_view(*withoutItems) : padded;
    od::parser parser(std::max<std::size_t>(walked.size(), 1) + 64);
    JsonWalker walker(walked.data(), data, document);
    if (layout) {
        walker.m_lineCut = &*lineCut;
        walker.m_gapAt = layout->open + 1;
        walker.m_gapShift = layout->close - (layout->open + 1);
    }
    bool committedEarly = false;
    ItemPipeline items(builder.defaultNamespace(), builder.file(), padded.data() + padded.capacity(), threads,
                       [&](detail::Recorder& chunk, bool listKind) {
                           if (scratch) {
                               document.replay(*scratch); // what precedes the items (a no-op after the first chunk)
                               chunk.replay(*scratch);
                               if (listKind) {
                                   // Into the copy, before the document ends: if it then fails, the copy is dropped.
                                   scratch->commitPendingObjects();
                                   committedEarly = true;
                               }
                           } else {
                               std::vector<detail::Recorder> part;
                               part.push_back(std::move(chunk));
                               document.splice(std::move(part));
                           }
                       });
    walker.m_parallelItems = &items;
    document.beginDocument(0);
    try {
        od::document doc = parser.iterate(walked);
        if (doc.type().value() != od::json_type::object)
            return false;
        Node root;
        walker.locate(root, doc);
        walker.root(doc.get_object().value(), root);
        const char* rest = nullptr;
        if (doc.current_location().get(rest) == simdjson::SUCCESS && rest)
            return false;
        if (walker.m_lineCut)
            return false; // the items array was not where the cut said
    } catch (const simdjson::simdjson_error&) {
        return false;
    } catch (const StructureError&) {
        return false;
    } catch (const Abandon&) {
        return false;
    }
    document.endDocument(true);
    if (scratch) {
        document.replay(*scratch);
        if (committedEarly && scratch->failedCurrentDocument())
            return false; // its objects are in the copy: read it again on one thread, which commits none of them
        builder = std::move(*scratch);
    } else {
        document.replay(builder);
    }
    ++detail::parallelReads;
    return true;
}

} // namespace

ReadResult readJson(std::string_view data, SnapshotBuilder& builder, const CancelCheck& canceled,
                    const ReadOptions& options)
{
    (void)canceled;
    std::size_t readable = options.readable;
    if (data.starts_with("\xEF\xBB\xBF")) {
        data.remove_prefix(3); // a UTF-8 byte-order mark, as kubectl tolerates it
        readable = readable >= 3 ? readable - 3 : 0;
    }
    // NUL bytes: looked for by a line cut as it reads, else asked for once before any other read.
    bool nulsLookedFor = !options.containsNul;
    auto binary = [&] {
        if (nulsLookedFor)
            return false;
        nulsLookedFor = true;
        return options.containsNul();
    };
    std::optional<simdjson::padded_string> copy;
    simdjson::padded_string_view padded;
    if (readable >= data.size() + simdjson::SIMDJSON_PADDING) {
        padded = simdjson::padded_string_view(data.data(), data.size(), readable);
    } else {
        copy.emplace(data);
        padded = *copy;
    }
    const unsigned threads = detail::threadCount(options);
    const auto first = data.find_first_not_of(" \t\r\n");
    if (threads > 1 && data.size() >= options.parallelMinBytes && first != std::string_view::npos && data[first] == '{') {
        const auto layout = findIndentedLayout(data);
        if (layout && readJsonInParallel(data, padded, builder, threads, &*layout, !nulsLookedFor)) {
            ++detail::lineCutReads;
            return ReadResult::Read;
        }
        if (binary())
            return ReadResult::Binary;
        if (readJsonInParallel(data, padded, builder, threads))
            return ReadResult::Read;
    }
    if (binary())
        return ReadResult::Binary;
    detail::BuilderSink sink(builder);
    readJsonSerial(data, padded, sink);
    return ReadResult::Read;
}

} // namespace rbx::io
