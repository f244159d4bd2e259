// SPDX-License-Identifier: Apache-2.0
// Turns object trees from the readers into domain objects, document by document: a document is committed whole or
// rejected whole, duplicates keep the last object, and every problem becomes a Diagnostic with its position.
#pragma once

#include "models/domain/snapshot.h"
#include "models/io/node.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <variant>

namespace rbx::io {

// A file with a million broken documents reports the first ones and how many more there were.
inline constexpr std::size_t kMaxDiagnosticsPerFile = 1000;

struct DecodeError
{
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::string message;
};

struct TokenTrackingObject
{
    TokenTracking tracking;
    ObjectMeta meta;
};

using DecodedObject = std::variant<Namespace, ServiceAccount, Secret, Role, Binding, Workload, NodeObject,
                                   CustomResourceDefinition, TokenTrackingObject>;

// One effect of addObject on the current document, computed without the builder (so worker threads can decode):
// an object, a skipped kind ("apiVersion kind"), discovery entries, or the error that rejects the document.
struct PreparedStep
{
    std::variant<DecodedObject, std::string, std::vector<DiscoveredResource>, DecodeError> what;
    bool namespaceDefaulted = false;
    // Of an object: what makes it unique (kind, namespace, name), computed where it was decoded so that the
    // thread committing it in load order has no key to build.
    std::string key;
};
using PreparedObject = std::vector<PreparedStep>;

class SnapshotBuilder
{
public:
    explicit SnapshotBuilder(std::string defaultNamespace = "default");

    void setFile(const std::string& file);
    void beginDocument(std::uint32_t documentIndex);
    // One object (a whole document, or one item of a List). Kind/apiVersion fall back to the given ones (typed lists).
    void addObject(const Node& object, const std::string& fallbackKind = {}, const std::string& fallbackApiVersion = {},
                   bool listItem = false);
    // addObject in two halves: prepare() is pure and thread-safe, addPrepared() applies its result in load order.
    // prepare() appends its steps to `out`.
    static void prepare(const Node& object, const std::string& defaultNamespace, PreparedObject& out,
                        const std::string& fallbackKind = {}, const std::string& fallbackApiVersion = {},
                        bool listItem = false);
    void addPrepared(PreparedStep&& step);
    [[nodiscard]] const std::string& defaultNamespace() const
    {
        return m_defaultNamespace;
    }
    [[nodiscard]] const std::string& file() const
    {
        return m_file;
    }
    // Commits the current document's objects so far, before the document ends. Only for a builder that is thrown
    // away if the document then fails (a failed document must commit nothing).
    void commitPendingObjects();
    // Objects committed so far (what copying the builder costs, roughly).
    [[nodiscard]] std::size_t committedObjects() const
    {
        return m_index.size();
    }
    // Items of a list whose kind/apiVersion are not known yet: kept until endList().
    void addPendingListItem(Node item);
    [[nodiscard]] bool hasPendingListItems() const
    {
        return !m_pendingItems.empty();
    }
    void endList(const Node& listRoot);
    // Commit (ok) or drop (syntax error) the current document's objects.
    void endDocument(bool ok);
    void diagnostic(Diagnostic::Severity severity, std::uint32_t line, std::uint32_t column, std::string message,
                    bool inDocument = true);
    void countFile()
    {
        ++m_files;
    }
    void failDocument()
    {
        m_documentFailed = true;
    }
    [[nodiscard]] bool failedCurrentDocument() const
    {
        return m_documentFailed;
    }

    [[nodiscard]] std::shared_ptr<Snapshot> finish(std::vector<std::string> inputs);

    // Decoding of one object, exposed for tests. Throws DecodeError.
    [[nodiscard]] static std::optional<DecodedObject> decode(const Node& object, const std::string& kind,
                                                             const std::string& apiVersion, bool& namespaceDefaulted,
                                                             const std::string& defaultNamespace);

private:
    void commit(PreparedStep&& step);
    void countRun();
    void flushSuppressed();

    Snapshot m_snapshot;
    std::string m_defaultNamespace;
    std::string m_file;
    std::uint32_t m_document = 0;
    bool m_documentFailed = false;
    std::size_t m_files = 0;
    std::size_t m_fileDiagnostics = 0; // of the current file
    std::size_t m_suppressed = 0; // of the current file, beyond kMaxDiagnosticsPerFile
    std::size_t m_documents = 0;
    std::size_t m_namespaceDefaulted = 0;
    std::vector<PreparedStep> m_pending; // objects of the current document
    std::vector<Node> m_pendingItems; // list items waiting for the list's kind
    std::map<std::string, std::size_t> m_keptCounts;
    // Objects come in runs of one kind: the current run is counted here and added to m_keptCounts when the kind
    // changes (values, not a pointer into the map: a copy of the builder counts into its own map).
    std::string m_runKind;
    std::size_t m_runCount = 0;
    std::map<std::string, std::size_t> m_skippedCounts;
    std::unordered_map<std::string, std::size_t> m_index; // PreparedStep::key -> position in its list
    std::vector<std::string> m_pendingSkipped;
    std::vector<DiscoveredResource> m_pendingDiscovery;
    std::size_t m_pendingDiscoveryLists = 0; // APIResourceList objects of the current document
    std::size_t m_pendingDefaulted = 0;
};

} // namespace rbx::io
