// SPDX-License-Identifier: Apache-2.0
// Reading Lists on several threads gives the model and the diagnostics, in the same order, of a read on one thread:
// on the demo snapshot, the real fixtures, generated snapshots, and inputs made to break the cut between items.
#include "models/domain/snapshot.h"
#include "models/io/generator.h"
#include "models/io/readers.h"
#include "models/io/snapshotloader.h"
#include "testutils.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sstream>
#include <string>

using namespace rbx;
using rbx::test::qs;
using namespace Qt::Literals::StringLiterals;

namespace {

// Everything a load produces, as text: objects with every field and source position, the report, diagnostics.
std::string dump(const Snapshot& s)
{
    std::ostringstream o;
    auto strings = [&](const std::vector<std::string>& v) {
        o << '[';
        for (const auto& x : v)
            o << x << ';';
        o << ']';
    };
    auto map = [&](const StringMap& m) {
        o << '{';
        for (const auto& [k, v] : m)
            o << k << '=' << v << ';';
        o << '}';
    };
    auto meta = [&](const ObjectMeta& m) {
        o << m.ns << '/' << m.name << " uid=" << m.uid << " created=" << m.creationTimestamp << " labels=";
        map(m.labels);
        o << " annotations=";
        map(m.annotations);
        for (const auto& r : m.ownerReferences)
            o << " owner=" << r.apiVersion << ',' << r.kind << ',' << r.name << ',' << r.uid << ',' << r.controller;
        o << " at " << m.source.file << ':' << m.source.line << ':' << m.source.column << '#' << m.source.document;
    };
    auto rules = [&](const std::vector<PolicyRule>& rs) {
        for (const auto& r : rs) {
            o << " rule ";
            strings(r.verbs);
            strings(r.apiGroups);
            strings(r.resources);
            strings(r.resourceNames);
            strings(r.nonResourceURLs);
        }
    };
    for (const auto& x : s.namespaces) {
        o << "Namespace ";
        meta(x.meta);
        o << '\n';
    }
    for (const auto& x : s.serviceAccounts) {
        o << "ServiceAccount ";
        meta(x.meta);
        o << " automount=" << (x.automountServiceAccountToken ? int(*x.automountServiceAccountToken) : -1);
        strings(x.secrets);
        strings(x.imagePullSecrets);
        o << '\n';
    }
    for (const auto& x : s.secrets) {
        o << "Secret ";
        meta(x.meta);
        o << " type=" << x.type;
        strings(x.dataKeys);
        if (x.token)
            o << " token=" << x.token->sha256 << ',' << x.token->headerJson << ',' << x.token->claimsJson << ','
              << x.token->decodeError;
        o << '\n';
    }
    for (const auto& x : s.roles) {
        o << (x.cluster ? "ClusterRole " : "Role ");
        meta(x.meta);
        rules(x.rules);
        o << " aggregated=" << x.hasAggregationRule;
        for (const auto& sel : x.clusterRoleSelectors) {
            o << " selector=";
            map(sel.matchLabels);
            for (const auto& e : sel.matchExpressions) {
                o << e.key << ' ' << e.op;
                strings(e.values);
            }
        }
        o << '\n';
    }
    for (const auto& x : s.bindings) {
        o << (x.cluster ? "ClusterRoleBinding " : "RoleBinding ");
        meta(x.meta);
        o << " ref=" << x.roleRef.apiGroup << ',' << x.roleRef.kind << ',' << x.roleRef.name;
        for (const auto& sub : x.subjects)
            o << " subject=" << sub.kind << ',' << sub.apiGroup << ',' << sub.name << ',' << sub.ns;
        o << '\n';
    }
    for (const auto& x : s.workloads) {
        o << x.kind << ' ' << x.apiVersion << ' ';
        meta(x.meta);
        const auto& p = x.pod;
        o << " sa=" << p.serviceAccountName << " automount="
          << (p.automountServiceAccountToken ? int(*p.automountServiceAccountToken) : -1) << " node=" << p.nodeName;
        strings(p.volumeNames);
        strings(p.containers);
        for (const auto& r : p.secretRefs)
            o << " ref=" << r.secretName << ',' << int(r.via) << ',' << r.where;
        for (const auto& t : p.projectedTokens)
            o << " projected=" << t.volume << ',' << t.audience << ',' << t.expirationSeconds.value_or(-1) << ','
              << t.path;
        o << '\n';
    }
    for (const auto& x : s.nodes) {
        o << "Node ";
        meta(x.meta);
        o << ' ' << x.kubeletVersion << '\n';
    }
    for (const auto& x : s.crds) {
        o << "CRD ";
        meta(x.meta);
        o << ' ' << x.group << ' ' << x.plural << ' ' << x.kind << ' ' << x.namespaced;
        strings(x.versions);
        o << '\n';
    }
    for (const auto& d : s.discovery) {
        o << "Discovered " << d.group << '/' << d.version << ' ' << d.name << ' ' << d.singularName << ' ' << d.kind
          << ' ' << d.namespaced;
        strings(d.verbs);
        strings(d.shortNames);
        o << '\n';
    }
    if (s.tokenTracking)
        o << "TokenTracking " << s.tokenTracking->since << ' ' << s.tokenTracking->source.file << ':'
          << s.tokenTracking->source.line << '\n';
    const auto& r = s.report;
    o << "files=" << r.files << " documents=" << r.documents << '\n';
    for (const auto& k : r.kept)
        o << "kept " << k.kind << ' ' << k.count << '\n';
    for (const auto& k : r.skipped)
        o << "skipped " << k.kind << ' ' << k.count << '\n';
    for (const auto& d : r.duplicates)
        o << "duplicate " << d << '\n';
    for (const auto& n : r.notes)
        o << "note " << n << '\n';
    for (const auto& d : r.diagnostics)
        o << "diagnostic " << d.toString() << '\n';
    return o.str();
}

io::LoadOptions serial()
{
    io::LoadOptions o;
    o.threads = 1;
    return o;
}

// Every document on the parallel path, cut into many parts (more threads than cores is fine).
io::LoadOptions parallel(unsigned threads)
{
    io::LoadOptions o;
    o.threads = threads;
    o.parallelMinBytes = 0;
    return o;
}

std::size_t parallelReads()
{
    return io::detail::parallelReads.load();
}

} // namespace

class TestParallelLoad : public QObject
{
    Q_OBJECT

private:
    // Returns how many documents the parallel path read.
    std::size_t compareFiles(const std::vector<std::string>& inputs)
    {
        const auto expected = dump(*io::loadSnapshot(inputs, serial()));
        const auto before = parallelReads();
        for (unsigned threads : {2U, 3U, 7U}) {
            const auto got = dump(*io::loadSnapshot(inputs, parallel(threads)));
            if (got != expected) {
                [&] { QCOMPARE(qs(got), qs(expected)); }();
                return 0;
            }
        }
        return parallelReads() - before;
    }

    std::size_t compareText(const std::string& text, io::Format format)
    {
        const auto name = format == io::Format::Json ? std::string("t.json") : std::string("t.yaml");
        const auto expected = dump(*io::loadFromString(text, name, format, serial()));
        const auto before = parallelReads();
        for (unsigned threads : {2U, 3U, 16U}) {
            const auto got = dump(*io::loadFromString(text, name, format, parallel(threads)));
            if (got != expected) {
                [&] { QCOMPARE(qs(got), qs(expected)); }();
                return 0;
            }
        }
        return parallelReads() - before;
    }

private slots:
    void demoSnapshot()
    {
        const auto demo = test::dataDir().toStdString() + "/../../resources/demo";
        QVERIFY(!io::snapshotFilesIn(demo).empty());
        QVERIFY(compareFiles({demo}) > 0);
    }

    void fixtures()
    {
        const auto files = io::snapshotFilesIn(test::dataDir().toStdString() + "/fixtures");
        QVERIFY(files.size() > 10);
        std::size_t parallelDocs = 0;
        for (const auto& f : files) {
            parallelDocs += compareFiles({f});
            if (QTest::currentTestFailed())
                QFAIL(f.c_str());
        }
        QVERIFY(parallelDocs > 0);
        QVERIFY(compareFiles({test::dataDir().toStdString() + "/fixtures"}) > 0); // all at once: duplicates
    }

    void generated_data()
    {
        QTest::addColumn<bool>("json");
        QTest::addRow("yaml") << false;
        QTest::addRow("json") << true;
    }
    void generated()
    {
        QFETCH(bool, json);
        QTemporaryDir dir;
        const auto path = dir.filePath(json ? QStringLiteral("g.json") : QStringLiteral("g.yaml")).toStdString();
        QVERIFY(io::generateSnapshot(path, json, {0.02, 42}).objects > 100);
        const auto lineCuts = io::detail::lineCutReads.load();
        QCOMPARE(compareFiles({path}), std::size_t(3));
        // The generator writes JSON as kubectl does: the benchmark's JSON load is the line cut tested here.
        QCOMPARE(io::detail::lineCutReads.load() - lineCuts, json ? std::size_t(3) : std::size_t(0));
        // Loaded twice: every object a duplicate, in the same order.
        QCOMPARE(compareFiles({path, path}), std::size_t(6));
    }

    // A mapped JSON file is looked through for NUL bytes as the line cut reads it, not in a pass of its own: a NUL
    // anywhere (in an item, between items, before or after them, in a part of an item the reader skips) still makes
    // it a binary file that nothing is read from, on every path.
    void jsonNulBytes_data()
    {
        QTest::addColumn<QString>("where"); // the NUL replaces a character of this text
        QTest::addColumn<int>("occurrence"); // 0: the first, -1: the last
        QTest::addColumn<int>("offset"); // which character
        QTest::addRow("none") << QString() << 0 << 0;
        QTest::addRow("in the List's head") << u"v1\",\n    \"items\""_s << 0 << 0;
        QTest::addRow("in the List's tail") << u"resourceVersion"_s << 0 << 0;
        QTest::addRow("in the first item") << u"ClusterRole"_s << 0 << 0;
        QTest::addRow("in a skipped status") << u"Running"_s << 100 << 0;
        QTest::addRow("in the last item") << u"Running"_s << -1 << 0;
        QTest::addRow("between items") << u"\n        {\n"_s << 50 << 1;
        // After a number, where simdjson takes it for part of the number, in a subtree the reader skips unread: only
        // looking at every byte finds it.
        QTest::addRow("after a skipped number") << u"\"restartCount\": 1\n"_s << 10 << 17;
    }
    void jsonNulBytes()
    {
        QFETCH(QString, where);
        QFETCH(int, occurrence);
        QFETCH(int, offset);
        QTemporaryDir dir;
        const auto path = dir.filePath(QStringLiteral("g.json"));
        QVERIFY(io::generateSnapshot(path.toStdString(), true, {0.02, 42}).objects > 100);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray text = f.readAll();
        f.close();
        QVERIFY(text.size() > (2 << 20)); // mapped, and cut into several segments
        if (!where.isEmpty()) {
            const QByteArray needle = where.toUtf8();
            qsizetype at = occurrence < 0 ? text.lastIndexOf(needle) : text.indexOf(needle);
            for (int i = 0; i < occurrence && at >= 0; ++i)
                at = text.indexOf(needle, at + 1);
            QVERIFY(at >= 0);
            text[at + offset] = '\0';
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(text);
            f.close();
        }
        for (const auto& [options, wide] : {std::pair {serial(), true}, std::pair {parallel(2), true},
                                            std::pair {parallel(3), true}, std::pair {parallel(2), false}}) {
            io::detail::wideLineScan = wide;
            const auto lineCuts = io::detail::lineCutReads.load();
            const auto snapshot = io::loadSnapshot({path.toStdString()}, options);
            io::detail::wideLineScan = true;
            const auto& diagnostics = snapshot->report.diagnostics;
            if (where.isEmpty()) {
                QVERIFY(snapshot->objectCount() > 100);
                QVERIFY(diagnostics.empty());
                QCOMPARE(io::detail::lineCutReads.load() - lineCuts, options.threads > 1 ? 1U : 0U);
                continue;
            }
            QCOMPARE(snapshot->objectCount(), std::size_t(0));
            QCOMPARE(diagnostics.size(), std::size_t(1));
            QCOMPARE(qs(diagnostics[0].message), u"binary file (contains NUL bytes): not YAML or JSON"_s);
            QCOMPARE(io::detail::lineCutReads.load(), lineCuts);
        }
    }

    // A List read into a copy of the builder after another file: the copy counts its kinds itself (the count of the
    // last kind committed before must not be carried over into the builder it was copied from).
    void countsAfterAnotherFile()
    {
        QTemporaryDir dir;
        const auto big = dir.filePath(QStringLiteral("g.json")).toStdString();
        QVERIFY(io::generateSnapshot(big, true, {0.02, 42}).objects > 100);
        const auto small = dir.filePath(QStringLiteral("a.yaml")).toStdString();
        {
            QFile f(QString::fromStdString(small));
            QVERIFY(f.open(QIODevice::WriteOnly));
            // The generated List starts with ClusterRoles: this file ends with one.
            f.write("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: first-file-role\n");
        }
        QVERIFY(compareFiles({small, big}) > 0);
        const auto snapshot = io::loadSnapshot({small, big}, parallel(2));
        std::size_t clusterRoles = 0;
        for (const auto& r : snapshot->roles)
            clusterRoles += r.cluster;
        bool counted = false;
        for (const auto& k : snapshot->report.kept)
            if (k.kind == "ClusterRole") {
                QCOMPARE(k.count, clusterRoles);
                counted = true;
            }
        QVERIFY(counted);
    }

    // After a file with many objects, a List's items are no longer committed into a copy of the builder while later
    // items still parse, but replayed into it at the end: the same model and diagnostics either way.
    void generatedAfterLargeFile()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath(QStringLiteral("g.json")).toStdString();
        QVERIFY(io::generateSnapshot(path, true, {0.2, 42}).objects > 4096);
        QVERIFY(io::loadSnapshot({path}, serial())->objectCount() > 4096);
        QCOMPARE(compareFiles({path, path}), std::size_t(6));
    }

    // Lines that look like item boundaries but are not, and input the cut cannot prove exact: the parallel read
    // gives up and the result is that of one thread.
    void yamlCuts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("parallel"); // whether the parallel path can keep it
        const QString sa = u"- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    name: sa%1\n    namespace: ns\n"_s;
        auto items = [&](int n) {
            QString s;
            for (int i = 0; i < n; ++i)
                s += sa.arg(i);
            return s;
        };
        QTest::addRow("plain") << (u"apiVersion: v1\nitems:\n"_s + items(6) + u"kind: List\nmetadata: {}\n"_s) << true;
        QTest::addRow("comments and blank lines")
            << (u"# header\napiVersion: v1\nitems: # the items\n\n# first\n"_s + items(3) + u"\n# between\n"_s
                + items(3) + u"# after\nkind: List\n"_s)
            << true;
        QTest::addRow("indented entries") << (u"apiVersion: v1\nkind: List\nitems:\n  - kind: ServiceAccount\n"
                                              "    apiVersion: v1\n    metadata: {name: a, namespace: x}\n"
                                              "  - kind: ServiceAccount\n    apiVersion: v1\n"
                                              "    metadata: {name: b, namespace: x}\nmetadata: {}\n"_s)
                                          << true;
        QTest::addRow("duplicate keys in items")
            << (u"apiVersion: v1\nitems:\n"_s + items(2)
                + u"- apiVersion: v1\n  kind: ServiceAccount\n  kind: ServiceAccount\n  metadata: {name: d, "
                  "namespace: ns, name: e}\n"_s
                + items(3) + u"kind: List\nkind: List\n"_s)
            << true;
        QTest::addRow("entry inside a quoted scalar")
            << (u"apiVersion: v1\nitems:\n"_s + items(2)
                + u"- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    name: q\n    annotations:\n"
                  "      note: \"one\n- two\n  three\"\n"_s
                + items(2) + u"kind: List\n"_s)
            << false;
        QTest::addRow("entry inside a flow sequence")
            << (u"apiVersion: v1\nitems:\n"_s + items(2) + u"- apiVersion: v1\n  kind: ServiceAccount\n"
                                                             "  metadata: {name: f, labels: [a,\n- b]}\n"_s
                + items(2) + u"kind: List\n"_s)
            << false;
        QTest::addRow("items key inside a quoted scalar")
            << (u"apiVersion: v1\nnote: \"x\nitems:\n"_s + items(3) + u"kind: List\"\nkind: List\nitems: []\n"_s)
            << false;
        QTest::addRow("block scalar in an item") << (u"apiVersion: v1\nitems:\n"_s + items(2)
                                                     + u"- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n"
                                                       "    name: b\n    annotations:\n      text: |\n"
                                                       "        - not an item\n        -\n"_s
                                                     + items(2) + u"kind: List\n"_s)
                                                 << true;
        QTest::addRow("alias to an earlier item")
            << (u"apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: &m {name: a, "
                "namespace: x}\n"_s
                + items(4) + u"- apiVersion: v1\n  kind: ServiceAccount\n  metadata: *m\n"_s + u"kind: List\n"_s)
            << false;
        QTest::addRow("alias in the tail") << (u"apiVersion: v1\nitems:\n- apiVersion: &v v1\n  kind: ServiceAccount\n"
                                               "  metadata: {name: a, namespace: x}\n"_s
                                               + items(3) + u"kind: List\nmetadata: {v: *v}\n"_s)
                                           << false;
        QTest::addRow("decode error in an item")
            << (u"apiVersion: v1\nitems:\n"_s + items(3) + u"- apiVersion: v1\n  kind: ServiceAccount\n"
                                                             "  metadata: {name: [x]}\n"_s
                + items(3) + u"kind: List\n"_s)
            << false;
        QTest::addRow("syntax error in an item")
            << (u"apiVersion: v1\nitems:\n"_s + items(3) + u"- apiVersion: v1\n  kind: [ServiceAccount\n"_s
                + items(3) + u"kind: List\n"_s)
            << false;
        QTest::addRow("typed list, items without kind")
            << (u"apiVersion: v1\nkind: ServiceAccountList\nitems:\n- metadata: {name: a, namespace: x}\n"
                "- metadata: {name: b, namespace: x}\n"_s)
            << false;
        QTest::addRow("not a list kind") << (u"apiVersion: v1\nkind: Pod\nitems:\n"_s + items(3)) << true;
        QTest::addRow("CRLF") << (u"apiVersion: v1\r\nitems:\r\n"_s + items(3).replace(u"\n"_s, u"\r\n"_s)
                                  + u"kind: List\r\n"_s)
                              << true;
        QTest::addRow("lone CR") << (u"apiVersion: v1\ritems:\n"_s + items(3) + u"kind: List\n"_s) << false;
        QTest::addRow("NEL in a scalar") << (u"apiVersion: v1\nitems:\n"_s + items(2)
                                             + u"- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: "
                                               "\"a\u0085b\", namespace: x}\n"_s
                                             + items(2) + u"kind: List\n"_s)
                                         << false;
        QTest::addRow("several documents") << (u"apiVersion: v1\nitems:\n"_s + items(3) + u"kind: List\n---\n"_s
                                               + u"apiVersion: v1\nitems:\n"_s + items(3) + u"kind: List\n"_s)
                                           << true;
        QTest::addRow("entry indented by a tab") << (u"apiVersion: v1\nitems:\n"_s + items(2) + u"\t- x\n"_s
                                                     + items(2) + u"kind: List\n"_s)
                                                 << false;
    }
    void yamlCuts()
    {
        QFETCH(QString, text);
        QFETCH(bool, parallel);
        const auto reads = compareText(text.toStdString(), io::Format::Yaml);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(reads > 0, parallel);
    }

    void jsonCuts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("parallel");
        const QString sa = u"{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"sa%1\","
                           "\"namespace\":\"ns\"}}"_s;
        auto items = [&](int n) {
            QStringList s;
            for (int i = 0; i < n; ++i)
                s << sa.arg(i);
            return s.join(u",\n  "_s);
        };
        QTest::addRow("plain") << (u"{\"apiVersion\":\"v1\",\"items\":[\n  "_s + items(7) + u"],\"kind\":\"List\"}"_s)
                               << true;
        QTest::addRow("duplicate keys")
            << (u"{\"kind\":\"List\",\"kind\":\"List\",\"items\":["_s + items(3)
                + u",{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"d\",\"name\":\"e\"}},"_s
                + items(3) + u"],\"apiVersion\":\"v1\",\"metadata\":{\"a\":1,\"a\":2}}"_s)
            << true;
        QTest::addRow("decode error") << (u"{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":["_s + items(3)
                                          + u",{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":7},"_s
                                          + items(3) + u"]}"_s)
                                      << false;
        QTest::addRow("bad literal in an item") << (u"{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":["_s + items(3)
                                                    + u",{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\","
                                                      "\"automountServiceAccountToken\":tru,\"metadata\":{\"name\":\"x\"}},"_s
                                                    + items(3) + u"]}"_s)
                                                << false;
        QTest::addRow("typed list, items without kind")
            << u"{\"kind\":\"ServiceAccountList\",\"apiVersion\":\"v1\",\"items\":[{\"metadata\":{\"name\":\"a\"}},"
               "{\"metadata\":{\"name\":\"b\"}}]}"_s
            << false;
        QTest::addRow("scalar item") << (u"{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":["_s + items(3)
                                         + u",7]}"_s)
                                     << false;
        QTest::addRow("trailing content") << (u"{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":["_s + items(3)
                                              + u"]} {}"_s)
                                          << false;
        QTest::addRow("truncated") << (u"{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":["_s + items(3)) << false;
        QTest::addRow("array of objects") << (u"["_s + items(3) + u"]"_s) << false;
        QTest::addRow("not a list kind, after the items")
            << (u"{\"apiVersion\":\"v1\",\"items\":["_s + items(300) + u"],\"kind\":\"Pod\"}"_s) << false;
        QTest::addRow("list kind replaced after the items")
            << (u"{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":["_s + items(300) + u"],\"kind\":\"Pod\"}"_s)
            << false;
        // Many items: decoded in chunks, the first chunks committed while later ones still parse.
        QTest::addRow("many items") << (u"{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":[\n  "_s + items(1000)
                                        + u"],\"metadata\":{\"a\":1,\"a\":2}}"_s)
                                    << true;
        QTest::addRow("two items arrays")
            << (u"{\"kind\":\"List\",\"items\":["_s + items(300) + u"],\"apiVersion\":\"v1\",\"items\":["_s + items(500)
                + u"]}"_s)
            << true;
        QTest::addRow("duplicate key in a late item")
            << (u"{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":["_s + items(700)
                + u",{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\","
                  "\"metadata\":{\"name\":\"d\",\"name\":\"e\"}},"_s
                + items(100) + u"]}"_s)
            << true;
        QTest::addRow("decode error in a late item")
            << (u"{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":["_s + items(900)
                + u",{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":7},"_s + items(3) + u"]}"_s)
            << false;
        QTest::addRow("syntax error in a late item")
            << (u"{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":["_s + items(900)
                + u",{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":tru}},"_s + items(3)
                + u"]}"_s)
            << false;
        QTest::addRow("truncated after many items")
            << (u"{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":["_s + items(900)) << false;
        QTest::addRow("not a list kind") << (u"{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"items\":["_s + items(3)
                                             + u"]}"_s)
                                         << true;
    }
    // Items are parsed in place in the file's buffer, each followed by the rest of the file: damaged items (a byte
    // removed, replaced or inserted, at deterministic places) must give exactly what one thread gives.
    void jsonDamagedItems()
    {
        const QString role = u"{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\","
                             "\"metadata\":{\"name\":\"r%1\",\"namespace\":\"ns\"},"
                             "\"rules\":[{\"verbs\":[\"get\",\"list\"],\"resources\":[\"pods\"],"
                             "\"apiGroups\":[\"\"]}]}"_s;
        const QString sa = u"{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"sa%1\","
                           "\"namespace\":\"ns\",\"labels\":{\"a\":\"b\"}},\"automountServiceAccountToken\":false}"_s;
        QStringList items;
        for (int i = 0; i < 200; ++i)
            items << (i % 3 == 0 ? role : sa).arg(i);
        const QString list
            = u"{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n  "_s + items.join(u",\n  "_s) + u"\n]}"_s;
        const std::string text = list.toStdString();
        const std::string damage = std::string("{}[],:") + '"' + '\\' + " 0tn";
        std::uint32_t seed = 12345;
        auto next = [&] { return seed = seed * 1103515245U + 12345U, seed >> 8; };
        std::size_t parallelDocs = 0;
        for (int round = 0; round < 150; ++round) {
            std::string t = text;
            const std::size_t at = 40 + next() % (t.size() - 42);
            switch (next() % 3) {
            case 0:
                t.erase(at, 1);
                break;
            case 1:
                t[at] = damage[next() % damage.size()];
                break;
            default:
                t.insert(at, 1, damage[next() % damage.size()]);
            }
            parallelDocs += compareText(t, io::Format::Json);
            if (QTest::currentTestFailed())
                QFAIL(t.c_str());
        }
        QVERIFY(parallelDocs > 0); // some damage (e.g. in a name) leaves valid JSON
    }

    // Indented JSON (as kubectl writes it) is cut at the lines that open items, without a first pass over the whole
    // document; layouts that only look like it must give exactly what one thread gives, through another path.
    void jsonLineCuts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("lineCut");
        QJsonArray items;
        for (int i = 0; i < 400; ++i) {
            QJsonObject metadata {{u"name"_s, u"sa-%1"_s.arg(i)}, {u"namespace"_s, u"ns-%1"_s.arg(i % 7)}};
            if (i % 5 == 0)
                metadata.insert(u"labels"_s, QJsonObject {{u"app"_s, u"a\"b"_s}, {u"tier"_s, u"x"_s}});
            QJsonObject sa {{u"apiVersion"_s, u"v1"_s}, {u"kind"_s, u"ServiceAccount"_s}, {u"metadata"_s, metadata}};
            if (i % 3 == 0)
                sa.insert(u"secrets"_s, QJsonArray {QJsonObject {{u"name"_s, u"tok-%1"_s.arg(i)}}});
            if (i % 4 == 0) { // an object in an array, one level in: deeper than the items
                sa = QJsonObject {{u"apiVersion"_s, u"rbac.authorization.k8s.io/v1"_s}, {u"kind"_s, u"Role"_s},
                                  {u"metadata"_s, metadata},
                                  {u"rules"_s, QJsonArray {QJsonObject {{u"verbs"_s, QJsonArray {u"get"_s}},
                                                                        {u"apiGroups"_s, QJsonArray {u""_s}},
                                                                        {u"resources"_s, QJsonArray {u"pods"_s}}}}}};
            }
            items.append(sa);
        }
        const QJsonObject list {{u"apiVersion"_s, u"v1"_s}, {u"kind"_s, u"List"_s}, {u"items"_s, items},
                                {u"metadata"_s, QJsonObject {{u"resourceVersion"_s, u""_s}}}};
        const QString text = QString::fromUtf8(QJsonDocument(list).toJson(QJsonDocument::Indented));
        QVERIFY(text.contains(u"\"items\": [\n        {\n"_s));
        QTest::addRow("as kubectl writes it") << text << true;
        QString crlf = text;
        QTest::addRow("CRLF line ends") << crlf.replace(u"\n"_s, u"\r\n"_s) << true;
        QString dup = text;
        QTest::addRow("duplicate key after the items")
            << dup.replace(u"\"resourceVersion\": \"\""_s, u"\"a\": 1,\n        \"a\": 2"_s) << true;
        QString lateDup = text;
        QTest::addRow("duplicate key in a late item") // its warning's line is counted from its segment's start
            << lateDup.replace(u"\"name\": \"sa-377\""_s, u"\"name\": \"x\",\n                \"name\": \"sa-377\""_s)
            << true;
        QString blank = text;
        QTest::addRow("blank lines between items") << blank.replace(u"},\n        {"_s, u"},\n\n   \n        {"_s)
                                                   << true;
        QString deep = text;
        deep.replace(u"\n        "_s, u"\n                                                "_s); // 48 spaces
        QTest::addRow("deeper than 32 spaces") << deep << true;
        QString misindented = text;
        const auto nested = misindented.indexOf(u"            \"rules\": [\n                {"_s);
        QVERIFY(nested > 0);
        misindented.replace(nested, 43, u"            \"rules\": [\n        {"_s);
        QTest::addRow("an object inside an item at the items' indent") << misindented << false;
        QString scalar = text;
        QTest::addRow("a number between items")
            << scalar.replace(scalar.indexOf(u"},\n        {"_s), 12, u"},\n        7,\n        {"_s) << false;
        QString twoOnALine = text;
        const auto second = twoOnALine.indexOf(u"},\n        {"_s);
        twoOnALine.replace(second, 12, u"}, {\"apiVersion\": \"v1\", \"kind\": \"ServiceAccount\", "
                                       "\"metadata\": {\"name\": \"inline\"}},\n        {"_s);
        QTest::addRow("two items on one line") << twoOnALine << false;
        QString tabs = text;
        QTest::addRow("tab indented") << tabs.replace(u"    "_s, u"\t"_s) << false;
        QString escaped = text;
        QTest::addRow("escaped key before the items") << escaped.replace(u"\"apiVersion\": \"v1\",\n    \"items\""_s,
                                                                         u"\"api\\u0056ersion\": \"v1\",\n    \"items\""_s)
                                                      << false;
        QString trailingArray = text;
        trailingArray.replace(u"\"kind\": \"List\","_s,
                              u"\"extra\": [\n        {\n            \"a\": 1\n        }\n    ],\n    \"kind\": \"List\","_s);
        QTest::addRow("an array of objects after the items") << trailingArray << false;
        QString secondItems = text;
        secondItems.replace(u"\"kind\": \"List\","_s, u"\"kind\": \"List\",\n    \"items\": [],"_s);
        QTest::addRow("a second items array") << secondItems << false;
        QString syntax = text;
        QTest::addRow("syntax error in an item") << syntax.replace(u"\"sa-201\""_s, u"tru"_s) << false;
        QString garbage = text;
        QTest::addRow("garbage after an item's close")
            << garbage.replace(garbage.indexOf(u"},\n        {"_s), 12, u"}, x\n        {"_s) << false;
        QString truncated = text;
        QTest::addRow("truncated") << truncated.left(truncated.size() / 2) << false;
        QString notList = text;
        // Known only after the items: the whole document is rejected, as on one thread.
        QTest::addRow("not a list kind") << notList.replace(u"\"kind\": \"List\""_s, u"\"kind\": \"Pod\""_s) << false;
    }
    void jsonLineCuts()
    {
        QFETCH(QString, text);
        QFETCH(bool, lineCut);
        // With the scan the processor allows (AVX2 on most), and with the SSE2 one; in one segment and in many (each
        // segment's first item found on its own and chained to the one before).
        for (const auto& [wide, segment] : {std::pair {true, std::size_t(1) << 20}, std::pair {false, std::size_t(1) << 20},
                                            std::pair {true, std::size_t(64)}, std::pair {true, std::size_t(700)},
                                            std::pair {false, std::size_t(3000)}}) {
            io::detail::wideLineScan = wide;
            io::detail::lineCutSegmentBytes = segment;
            const auto before = io::detail::lineCutReads.load();
            (void)compareText(text.toStdString(), io::Format::Json);
            io::detail::wideLineScan = true;
            io::detail::lineCutSegmentBytes = std::size_t(1) << 20;
            if (QTest::currentTestFailed())
                return;
            QCOMPARE(io::detail::lineCutReads.load() > before, lineCut);
        }
    }

    void jsonCuts()
    {
        QFETCH(QString, text);
        QFETCH(bool, parallel);
        const auto reads = compareText(text.toStdString(), io::Format::Json);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(reads > 0, parallel);
    }
};

QTEST_GUILESS_MAIN(TestParallelLoad)
#include "tst_parallelload.moc"
