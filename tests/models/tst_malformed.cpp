// SPDX-License-Identifier: Apache-2.0
// Malformed and hostile input: every case yields a Diagnostic with file, line, column (where meaningful), document
// index and a clear message; the other documents (or files) still load; nothing crashes or hangs.
#include "models/domain/snapshot.h"
#include "models/io/snapshotloader.h"
#include "testutils.h"

#include <QByteArray>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include <unistd.h>

#include <string>
#include <vector>

using namespace rbx;
using rbx::test::objectsOf;
using rbx::test::qs;
using rbx::test::writeFile;

namespace {




// gzip (RFC 1952) bytes of `data`, made with zlib.
QByteArray gzip(const QByteArray& data)
{
    z_stream zs {};
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    QByteArray out;
    out.resize(static_cast<qsizetype>(deflateBound(&zs, static_cast<uLong>(data.size()))) + 64);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(static_cast<qsizetype>(zs.total_out));
    deflateEnd(&zs);
    return rc == Z_STREAM_END ? out : QByteArray();
}

// Document 1 (lines 1-6) and document 3 around a document 2 that starts on line 8.
const QByteArray kDoc1 = "apiVersion: rbac.authorization.k8s.io/v1\n" // 1
                         "kind: Role\n" // 2
                         "metadata:\n" // 3
                         "  name: first\n" // 4
                         "  namespace: ns\n" // 5
                         "rules: [{verbs: [get], apiGroups: [\"\"], resources: [pods]}]\n" // 6
                         "---\n"; // 7
constexpr int kDoc2FirstLine = 8;
const QByteArray kDoc3 = "---\n"
                         "apiVersion: rbac.authorization.k8s.io/v1\n"
                         "kind: RoleBinding\n"
                         "metadata: {name: third, namespace: ns}\n"
                         "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: first}\n"
                         "subjects: [{kind: User, name: alice}]\n";
const QStringList kGoodObjects {QStringLiteral("Role ns/first"), QStringLiteral("RoleBinding ns/third")};

QByteArray goodRole(const char* name)
{
    return QByteArray("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: ") + name
        + ", namespace: ns}\nrules: []\n";
}

QByteArray billionLaughs()
{
    QByteArray out = "apiVersion: v1\nkind: Namespace\nmetadata: {name: lol}\nx:\n"
                     "  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    char prev = 'a';
    for (char c = 'b'; c <= 'i'; ++c) {
        out += QByteArray("  ") + c + ": &" + c + " [";
        for (int i = 0; i < 9; ++i)
            out += QByteArray(i ? ",*" : "*") + prev;
        out += "]\n";
        prev = c;
    }
    return out;
}

} // namespace

class TestMalformed : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void yamlDocumentErrors_data();
    void yamlDocumentErrors();
    void brokenBindingGrantsNothing();
    void duplicateKeys_data();
    void duplicateKeys();
    void jsonErrors_data();
    void jsonErrors();
    void fileErrors_data();
    void fileErrors();
    void nonexistentPath();
    void unreadableFileInFolder();
    void hugeScalar_data();
    void hugeScalar();
    void wideMappings_data();
    void wideMappings();
    void diagnosticToString();
};

void TestMalformed::yamlDocumentErrors_data()
{
    QTest::addColumn<QByteArray>("doc2");
    QTest::addColumn<int>("line"); // within document 2 (1 = its first line)
    QTest::addColumn<int>("column"); // 0: not checked
    QTest::addColumn<QString>("message"); // contained in the diagnostic's message

    const QByteArray role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: second, namespace: ns}\n";
    const QByteArray binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n"
                               "metadata: {name: second, namespace: ns}\n"
                               "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: first}\n";

    QTest::newRow("YAML syntax error") << QByteArray("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a: b\n") << 4
                                       << 10 << QStringLiteral("YAML: mapping values are not allowed in this context");
    QTest::newRow("YAML tab indentation") << QByteArray("apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: a\n") << 4
                                          << 1 << QStringLiteral("found character that cannot start any token");
    QTest::newRow("YAML unclosed flow sequence")
        << QByteArray("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\nx: [1, 2\n") << 5 << 1
        << QStringLiteral("did not find expected ',' or ']'");
    QTest::newRow("invalid UTF-8") << QByteArray("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad\xff\n") << 4
                                   << 12 << QStringLiteral("invalid text (invalid leading UTF-8 octet)");
    QTest::newRow("nesting deeper than 512 levels")
        << QByteArray("apiVersion: v1\nkind: Namespace\nmetadata: {name: deep}\nx: " + QByteArray(600, '[')
                      + QByteArray(600, ']') + '\n')
        << 4 << 3 + 512 << QStringLiteral("nesting deeper than 512 levels");
    QTest::newRow("rules: 5") << QByteArray(role + "rules: 5\n") << 4 << 8
                              << QStringLiteral("rules: expected a list of rules, got a scalar");
    QTest::newRow("rules: [5]") << QByteArray(role + "rules: [5]\n") << 4 << 9
                                << QStringLiteral("rules[]: expected a mapping, got a scalar");
    QTest::newRow("verbs: {a: b}") << QByteArray(role + "rules:\n- verbs: {a: b}\n  resources: [pods]\n") << 5 << 10
                                   << QStringLiteral("rules[].verbs: expected a list of strings, got a mapping");
    QTest::newRow("subjects: \"x\"") << QByteArray(binding + "subjects: \"x\"\n") << 5 << 11
                                     << QStringLiteral("subjects: expected a list, got a scalar");
    QTest::newRow("subject that is a scalar")
        << QByteArray(binding + "subjects:\n- kind: User\n  name: mallory\n- system:masters\n") << 8 << 3
        << QStringLiteral("subjects[]: expected a mapping, got a scalar");
    QTest::newRow("roleRef missing")
        << QByteArray("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb}\n"
                      "subjects: [{kind: User, name: u}]\n")
        << 1 << 1 << QStringLiteral("roleRef: missing");
    QTest::newRow("missing metadata.name")
        << QByteArray("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  namespace: ns\nrules: []\n")
        << 4 << 3 << QStringLiteral("metadata.name: missing");
    QTest::newRow("generateName only")
        << QByteArray("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {generateName: x-, namespace: ns}\n")
        << 3 << 26 << QStringLiteral("metadata.name: missing (generateName objects have no name until created)");
    QTest::newRow("missing metadata") << QByteArray("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nrules: []\n")
                                      << 1 << 1 << QStringLiteral("metadata: missing");
    QTest::newRow("missing kind")
        << QByteArray("apiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: second, namespace: ns}\nrules: []\n")
        << 1 << 1 << QStringLiteral("kind: missing");
    QTest::newRow("missing apiVersion") << QByteArray("\nkind: Role\nmetadata: {name: second, namespace: ns}\nrules: []\n")
                                        << 2 << 1 << QStringLiteral("apiVersion: missing");
    QTest::newRow("kind is a mapping") << QByteArray("apiVersion: v1\nkind: {a: b}\nmetadata: {name: x}\n") << 2 << 7
                                       << QStringLiteral("object.kind: expected a string, got a mapping");
    QTest::newRow("billion laughs") << billionLaughs() << 11 << 0 << QStringLiteral("alias expansion bomb");
    QTest::newRow("unknown alias") << QByteArray("apiVersion: v1\nkind: Namespace\nmetadata: {name: *nope}\n") << 3 << 18
                                   << QStringLiteral("unknown alias *nope");
    QTest::newRow("top-level scalar") << QByteArray("just a string\n") << 1 << 1
                                      << QStringLiteral(
                                             "expected a Kubernetes object (a mapping with apiVersion and kind), got a scalar");
    QTest::newRow("top-level sequence")
        << QByteArray("- apiVersion: v1\n  kind: Namespace\n  metadata: {name: x}\n") << 1 << 1
        << QStringLiteral("expected a Kubernetes object (a mapping with apiVersion and kind), got a list");
    QTest::newRow("mapping as a mapping key")
        << QByteArray("apiVersion: v1\nkind: Namespace\nmetadata:\n  ? {a: b}\n  : c\n  name: x\n") << 4 << 5
        << QStringLiteral("a mapping key must be a scalar");
    QTest::newRow("boolean that is not") << QByteArray("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa, "
                                                       "namespace: ns}\nautomountServiceAccountToken: maybe\n")
                                         << 4 << 31 << QStringLiteral("expected a boolean, got \"maybe\"");
    QTest::newRow("service-account token that is not base64")
        << QByteArray("apiVersion: v1\nkind: Secret\nmetadata: {name: t, namespace: ns}\n"
                      "type: kubernetes.io/service-account-token\ndata: {token: \"!!!not-base64\"}\n")
        << 5 << 15 << QStringLiteral("data.token: not valid base64");
    // A List is one document: one bad item rejects the whole List (committed whole or not at all).
    QTest::newRow("List with one bad item")
        << QByteArray("apiVersion: v1\nkind: List\nitems:\n"
                      "- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n  metadata: {name: second-a, namespace: ns}\n"
                      "  rules: []\n"
                      "- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n  metadata: {name: second-b, namespace: ns}\n"
                      "  rules: 5\n")
        << 11 << 10 << QStringLiteral("rules: expected a list of rules, got a scalar");
    QTest::newRow("typed List item without metadata")
        << QByteArray("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleList\nitems:\n"
                      "- metadata: {name: second-a, namespace: ns}\n- rules: []\n")
        << 5 << 3 << QStringLiteral("metadata: missing");
    QTest::newRow("items in something that is not a List")
        << QByteArray("apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\nitems:\n"
                      "- {apiVersion: v1, kind: Namespace, metadata: {name: inner}}\n")
        << 1 << 1 << QStringLiteral("a document with items must be a List");
}

void TestMalformed::yamlDocumentErrors()
{
    QFETCH(QByteArray, doc2);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, message);
    QElapsedTimer timer;
    timer.start();
    auto s = test::yaml(QByteArray(kDoc1 + doc2 + kDoc3).toStdString());
    QVERIFY2(timer.elapsed() < 20000, "took too long");
    const auto& r = s->report;
    QCOMPARE(objectsOf(*s), kGoodObjects); // documents 1 and 3 load, nothing of document 2
    QCOMPARE(r.documents, std::size_t(3));
    QVERIFY2(r.diagnostics.size() == 1, r.toText().c_str());
    QCOMPARE(r.errorCount(), std::size_t(1));
    const auto& d = r.diagnostics[0];
    QCOMPARE(d.severity, Diagnostic::Severity::Error);
    QCOMPARE(qs(d.file), QStringLiteral("test.yaml"));
    QCOMPARE(d.document, 1);
    QCOMPARE(int(d.line), kDoc2FirstLine + line - 1);
    if (column > 0)
        QCOMPARE(int(d.column), column);
    else
        QVERIFY(d.column > 0);
    QVERIFY2(qs(d.message).contains(message), d.message.c_str());
    QCOMPARE(qs(d.toString()), QStringLiteral("test.yaml:%1:%2: error: document 2: %3")
                                   .arg(d.line)
                                   .arg(d.column)
                                   .arg(qs(d.message)));
    // The kept counts agree with the objects.
    QCOMPARE(r.keptCount("Role"), std::size_t(1));
    QCOMPARE(r.keptCount("RoleBinding"), std::size_t(1));
    QVERIFY(r.skipped.empty());
    QVERIFY(r.duplicates.empty());
}

void TestMalformed::brokenBindingGrantsNothing()
{
    // A ClusterRoleBinding with one good subject and one broken subject: nothing of it may survive, in YAML or JSON.
    const std::string yaml = "apiVersion: rbac.authorization.k8s.io/v1\n"
                             "kind: ClusterRoleBinding\n"
                             "metadata: {name: admins}\n"
                             "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n"
                             "subjects:\n"
                             "- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}\n"
                             "- [kind, User]\n"
                             "- {kind: User, name: bob, apiGroup: rbac.authorization.k8s.io}\n";
    auto s = test::yaml(yaml);
    QVERIFY(s->bindings.empty());
    QCOMPARE(s->report.errorCount(), std::size_t(1));
    QCOMPARE(s->report.diagnostics[0].line, 7u);
    QCOMPARE(s->report.diagnostics[0].column, 3u);
    QCOMPARE(qs(s->report.diagnostics[0].message), QStringLiteral("subjects[]: expected a mapping, got a list"));
    QCOMPARE(s->report.keptCount("ClusterRoleBinding"), std::size_t(0));

    const std::string json = "{\"apiVersion\": \"rbac.authorization.k8s.io/v1\", \"kind\": \"ClusterRoleBinding\",\n"
                             " \"metadata\": {\"name\": \"admins\"},\n"
                             " \"roleRef\": {\"apiGroup\": \"rbac.authorization.k8s.io\", \"kind\": \"ClusterRole\", "
                             "\"name\": \"cluster-admin\"},\n"
                             " \"subjects\": [{\"kind\": \"User\", \"name\": \"alice\"}, {\"kind\": \"User\", \"name\": "
                             "{\"x\": 1}}]}\n";
    auto j = test::json(json);
    QVERIFY(j->bindings.empty());
    QCOMPARE(j->report.errorCount(), std::size_t(1));
    QCOMPARE(j->report.diagnostics[0].line, 4u);
    QCOMPARE(j->report.diagnostics[0].column, 75u);
    QCOMPARE(qs(j->report.diagnostics[0].message), QStringLiteral("subjects[].name: expected a string, got a mapping"));
}

void TestMalformed::duplicateKeys_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("isJson");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("key");

    QTest::newRow("yaml nested key") << QByteArray("apiVersion: rbac.authorization.k8s.io/v1\n" // 1
                                                   "kind: Role\n" // 2
                                                   "metadata: {name: dup, namespace: ns}\n" // 3
                                                   "rules:\n" // 4
                                                   "- apiGroups: [\"\"]\n" // 5
                                                   "  resources: [pods]\n" // 6
                                                   "  verbs: [get]\n" // 7
                                                   "  verbs: [list]\n") // 8
                                     << false << 8 << 3 << QStringLiteral("verbs");
    QTest::newRow("yaml key of the root mapping")
        << QByteArray("apiVersion: rbac.authorization.k8s.io/v1\n" // 1
                      "kind: Role\n" // 2
                      "metadata: {name: dup, namespace: ns}\n" // 3
                      "rules: [{apiGroups: [\"\"], resources: [pods], verbs: [get]}]\n" // 4
                      "rules: [{apiGroups: [\"\"], resources: [pods], verbs: [list]}]\n") // 5
        << false << 5 << 1 << QStringLiteral("rules");
    QTest::newRow("json nested key") << QByteArray("{\n" // 1
                                                   "  \"apiVersion\": \"rbac.authorization.k8s.io/v1\",\n" // 2
                                                   "  \"kind\": \"Role\",\n" // 3
                                                   "  \"metadata\": {\"name\": \"dup\", \"namespace\": \"ns\"},\n" // 4
                                                   "  \"rules\": [{\n" // 5
                                                   "    \"apiGroups\": [\"\"],\n" // 6
                                                   "    \"resources\": [\"pods\"],\n" // 7
                                                   "    \"verbs\": [\"get\"],\n" // 8
                                                   "    \"verbs\": [\"list\"]\n" // 9
                                                   "  }]\n" // 10
                                                   "}\n") // 11
                                     << true << 9 << 5 << QStringLiteral("verbs");
    QTest::newRow("json key of the root object")
        << QByteArray("{\n" // 1
                      "  \"apiVersion\": \"rbac.authorization.k8s.io/v1\",\n" // 2
                      "  \"kind\": \"Role\",\n" // 3
                      "  \"metadata\": {\"name\": \"dup\", \"namespace\": \"ns\"},\n" // 4
                      "  \"rules\": [{\"apiGroups\": [\"\"], \"resources\": [\"pods\"], \"verbs\": [\"get\"]}],\n" // 5
                      "  \"rules\": [{\"apiGroups\": [\"\"], \"resources\": [\"pods\"], \"verbs\": [\"list\"]}]\n" // 6
                      "}\n")
        << true << 6 << 3 << QStringLiteral("rules");
}

void TestMalformed::duplicateKeys()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, isJson);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, key);
    auto s = isJson ? test::json(text.toStdString()) : test::yaml(text.toStdString());
    const auto& r = s->report;
    QCOMPARE(r.errorCount(), std::size_t(0));
    QCOMPARE(objectsOf(*s), QStringList {QStringLiteral("Role ns/dup")});
    // The last value wins.
    QCOMPARE(s->roles[0].rules.size(), std::size_t(1));
    QCOMPARE(s->roles[0].rules[0].verbs, std::vector<std::string> {"list"});
    // One warning, at the repeated key.
    QVERIFY2(r.diagnostics.size() == 1, r.toText().c_str());
    const auto& d = r.diagnostics[0];
    QCOMPARE(d.severity, Diagnostic::Severity::Warning);
    QCOMPARE(d.document, 0);
    QCOMPARE(qs(d.message), QStringLiteral("duplicate key \"%1\": the last value wins").arg(key));
    QCOMPARE(int(d.line), line);
    QCOMPARE(int(d.column), column);
    QCOMPARE(qs(d.toString()), QStringLiteral("%1:%2:%3: warning: document 1: duplicate key \"%4\": the last value wins")
                                   .arg(isJson ? QStringLiteral("test.json") : QStringLiteral("test.yaml"))
                                   .arg(line)
                                   .arg(column)
                                   .arg(key));
}

void TestMalformed::jsonErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line"); // 0: not checked
    QTest::addColumn<int>("minColumn"); // the reported column lies in [minColumn, maxColumn]
    QTest::addColumn<int>("maxColumn");
    QTest::addColumn<QString>("message");

    const QByteArray ns = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Namespace\",\n  \"metadata\": {\"name\": \"a\"}\n}\n";
    // Syntax errors are reported at the last value read before the error ("at or after this position"): the column
    // is at most the offending character's.
    QTest::newRow("syntax error: trailing comma")
        << QByteArray("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Namespace\",\n  \"metadata\": {\"name\": \"a\",}\n}\n")
        << 4 << 1 << 28 << QStringLiteral("JSON: ");
    QTest::newRow("syntax error: missing comma in the third List item")
        << QByteArray("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n"
                      "    {\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"a\"}},\n"
                      "    {\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"b\"}},\n"
                      "    {\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"c\" \"x\": 1}}\n"
                      "  ]\n}\n")
        << 7 << 1 << 72 << QStringLiteral("JSON: ");
    QTest::newRow("syntax error: invalid literal")
        << QByteArray("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Namespace\",\n  \"metadata\": {\"name\": tru}\n}\n")
        << 4 << 1 << 24 << QStringLiteral("JSON: ");
    QTest::newRow("trailing garbage") << QByteArray(ns + "xyz\n") << 6 << 1 << 1
                                      << QStringLiteral("JSON: unexpected content after the value");
    QTest::newRow("trailing closing bracket") << QByteArray(ns + "]\n") << 6 << 1 << 1
                                              << QStringLiteral("JSON: unexpected content after the value");
    QTest::newRow("a second value after the first") << QByteArray(ns + "{\"a\": 1}\n") << 6 << 1 << 1
                                                    << QStringLiteral("JSON: unexpected content after the value");
    QTest::newRow("truncated") << QByteArray(ns.left(ns.size() - 3)) << 0 << 1 << 100000 << QStringLiteral("JSON: ");
    QTest::newRow("top-level string") << QByteArray("\"hello\"\n") << 1 << 1 << 1
                                      << QStringLiteral(
                                             "expected a JSON object (a Kubernetes object or List) or an array of objects");
    QTest::newRow("array with a scalar item")
        << QByteArray("[{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"a\"}}, 5]\n") << 1
        << 72 << 72 << QStringLiteral("got a scalar");
    QTest::newRow("rules: 5") << QByteArray("{\"apiVersion\": \"rbac.authorization.k8s.io/v1\", \"kind\": \"Role\",\n"
                                            " \"metadata\": {\"name\": \"x\", \"namespace\": \"ns\"},\n \"rules\": 5}\n")
                              << 3 << 11 << 11 << QStringLiteral("rules: expected a list of rules, got a scalar");
    QTest::newRow("nesting deeper than 512 levels")
        << QByteArray("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"a\"},\n\"x\": "
                      + QByteArray(600, '[') + QByteArray(600, ']') + "}\n")
        << 2 << 5 + 512 << 5 + 512 << QStringLiteral("nesting deeper than 512 levels");
    QTest::newRow("empty object") << QByteArray("{}\n") << 1 << 1 << 1 << QStringLiteral("kind: missing");
    QTest::newRow("YAML in a .json file") << QByteArray("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n") << 1 << 1
                                          << 1 << QStringLiteral("JSON: ");
    QTest::newRow("invalid UTF-8")
        << QByteArray("{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"bad\xff\"}}\n") << 0
        << 1 << 100000 << QStringLiteral("UTF-8");
}

void TestMalformed::jsonErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(int, minColumn);
    QFETCH(int, maxColumn);
    QFETCH(QString, message);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString before = tmp.filePath(QStringLiteral("a.yaml"));
    const QString bad = tmp.filePath(QStringLiteral("b.json"));
    const QString after = tmp.filePath(QStringLiteral("c.json"));
    QVERIFY(writeFile(before, goodRole("before")));
    QVERIFY(writeFile(bad, text));
    QVERIFY(writeFile(after, "{\"apiVersion\": \"rbac.authorization.k8s.io/v1\", \"kind\": \"Role\", "
                             "\"metadata\": {\"name\": \"after\", \"namespace\": \"ns\"}}"));
    QElapsedTimer timer;
    timer.start();
    auto s = io::loadSnapshot({tmp.path().toStdString()});
    QVERIFY2(timer.elapsed() < 20000, "took too long");
    const auto& r = s->report;
    // The other files load; nothing of the broken file does.
    QCOMPARE(objectsOf(*s), (QStringList {QStringLiteral("Role ns/before"), QStringLiteral("Role ns/after")}));
    QCOMPARE(r.files, std::size_t(3));
    QVERIFY2(r.diagnostics.size() == 1, r.toText().c_str());
    const auto& d = r.diagnostics[0];
    QCOMPARE(d.severity, Diagnostic::Severity::Error);
    QCOMPARE(qs(d.file), bad);
    QCOMPARE(d.document, 0);
    if (line > 0)
        QCOMPARE(int(d.line), line);
    else
        QVERIFY(d.line >= 1);
    QVERIFY2(int(d.column) >= minColumn && int(d.column) <= maxColumn, qPrintable(QString::number(d.column)));
    QVERIFY2(qs(d.message).contains(message), d.message.c_str());
    QCOMPARE(qs(d.toString()),
             QString(bad + QStringLiteral(":%1:%2: error: document 1: ").arg(d.line).arg(d.column) + qs(d.message)));
}

void TestMalformed::fileErrors_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<quint64>("maxDecompressed"); // 0: default
    QTest::addColumn<bool>("isError");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty file") << QStringLiteral("b.yaml") << QByteArray() << quint64(0) << false
                                << QStringLiteral("empty file");
    QTest::newRow("whitespace only") << QStringLiteral("b.yaml") << QByteArray(" \n\t\n  \r\n\n") << quint64(0) << false
                                     << QStringLiteral("empty file");
    QTest::newRow("empty json") << QStringLiteral("b.json") << QByteArray("\n") << quint64(0) << false
                                << QStringLiteral("empty file");
    QTest::newRow("binary file") << QStringLiteral("b.yaml")
                                 << QByteArray("\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>", 20)
                                 << quint64(0) << true
                                 << QStringLiteral("binary file (contains NUL bytes): not YAML or JSON");
    QTest::newRow("NUL byte inside YAML") << QStringLiteral("b.yaml")
                                          << QByteArray(goodRole("nul") + QByteArray(1, '\0') + goodRole("nul2"))
                                          << quint64(0) << true
                                          << QStringLiteral("binary file (contains NUL bytes): not YAML or JSON");
    QTest::newRow("gzip with corrupt data")
        << QStringLiteral("b.yaml.gz")
        << QByteArray("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" "this is not deflate data at all....", 45) << quint64(0)
        << true << QStringLiteral("gzip: ");
    const QByteArray gz = gzip(goodRole("truncated").repeated(50));
    QTest::newRow("truncated gzip") << QStringLiteral("b.yaml.gz") << gz.left(gz.size() / 2) << quint64(0) << true
                                    << QStringLiteral("gzip: ");
    QTest::newRow("gzip with a bad checksum")
        << QStringLiteral("b.yaml.gz") << QByteArray(gz.left(gz.size() - 8) + QByteArray(8, '\x55')) << quint64(0)
        << true << QStringLiteral("gzip: ");
    QTest::newRow("gzip bomb") << QStringLiteral("b.yaml.gz") << gzip(QByteArray(10 * 1024 * 1024, '\0'))
                               << quint64(1024 * 1024) << true
                               << QStringLiteral(
                                      "gzip: decompressed size exceeds 1048576 bytes; refusing (gzip bomb?)");
    QTest::newRow("gzip bomb of valid YAML")
        << QStringLiteral("b.yaml.gz")
        << gzip(QByteArray("apiVersion: v1\nkind: Namespace\nmetadata: {name: big}\n#" + QByteArray(10 * 1024 * 1024, 'x')
                           + '\n'))
        << quint64(1024 * 1024) << true
        << QStringLiteral("gzip: decompressed size exceeds 1048576 bytes; refusing (gzip bomb?)");
}

void TestMalformed::fileErrors()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(quint64, maxDecompressed);
    QFETCH(bool, isError);
    QFETCH(QString, message);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString bad = tmp.filePath(name);
    QVERIFY(writeFile(tmp.filePath(QStringLiteral("a.yaml")), goodRole("before")));
    QVERIFY(writeFile(bad, content));
    QVERIFY(writeFile(tmp.filePath(QStringLiteral("c.yaml")), goodRole("after")));
    io::LoadOptions options;
    if (maxDecompressed > 0)
        options.maxDecompressedBytes = maxDecompressed;
    QElapsedTimer timer;
    timer.start();
    auto s = io::loadSnapshot({tmp.path().toStdString()}, options);
    QVERIFY2(timer.elapsed() < 20000, "took too long");
    const auto& r = s->report;
    QCOMPARE(objectsOf(*s), (QStringList {QStringLiteral("Role ns/before"), QStringLiteral("Role ns/after")}));
    QCOMPARE(r.files, std::size_t(3));
    QVERIFY2(r.diagnostics.size() == 1, r.toText().c_str());
    QCOMPARE(r.errorCount(), std::size_t(isError ? 1 : 0));
    const auto& d = r.diagnostics[0];
    QCOMPARE(d.severity, isError ? Diagnostic::Severity::Error : Diagnostic::Severity::Warning);
    QCOMPARE(qs(d.file), bad);
    QCOMPARE(d.line, 0u); // the whole file
    QCOMPARE(d.column, 0u);
    QCOMPARE(d.document, -1);
    QVERIFY2(qs(d.message).startsWith(message), d.message.c_str());
    QCOMPARE(qs(d.toString()), QString(bad + (isError ? QStringLiteral(": error: ") : QStringLiteral(": warning: "))
                                       + qs(d.message)));
}

void TestMalformed::nonexistentPath()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString good = tmp.filePath(QStringLiteral("good.yaml"));
    QVERIFY(writeFile(good, goodRole("good")));
    const QString missingFile = tmp.filePath(QStringLiteral("missing.yaml"));
    const QString missingDir = tmp.filePath(QStringLiteral("no/such/folder"));
    auto s = io::loadSnapshot({missingFile.toStdString(), good.toStdString(), missingDir.toStdString()});
    QCOMPARE(objectsOf(*s), QStringList {QStringLiteral("Role ns/good")});
    const auto& r = s->report;
    QCOMPARE(r.errorCount(), std::size_t(2));
    QCOMPARE(r.diagnostics.size(), std::size_t(2));
    QCOMPARE(qs(r.diagnostics[0].file), missingFile);
    QCOMPARE(qs(r.diagnostics[1].file), missingDir);
    for (const auto& d : r.diagnostics) {
        QCOMPARE(d.line, 0u);
        QCOMPARE(d.document, -1);
        QCOMPARE(qs(d.message), QStringLiteral("no such file or folder"));
        QCOMPARE(qs(d.toString()), QString(qs(d.file) + QStringLiteral(": error: no such file or folder")));
    }
    QCOMPARE(r.inputs.size(), std::size_t(3));
}

void TestMalformed::unreadableFileInFolder()
{
    if (::geteuid() == 0)
        QSKIP("running as root: chmod 000 does not stop root from reading");
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QVERIFY(writeFile(tmp.filePath(QStringLiteral("a.yaml")), goodRole("readable")));
    const QString locked = tmp.filePath(QStringLiteral("b.yaml"));
    QVERIFY(writeFile(locked, goodRole("locked")));
    QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions()));
    auto s = io::loadSnapshot({tmp.path().toStdString()});
    QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QCOMPARE(objectsOf(*s), QStringList {QStringLiteral("Role ns/readable")});
    const auto& r = s->report;
    QVERIFY2(r.diagnostics.size() == 1, r.toText().c_str());
    const auto& d = r.diagnostics[0];
    QCOMPARE(d.severity, Diagnostic::Severity::Error);
    QCOMPARE(qs(d.file), locked);
    QCOMPARE(d.line, 0u);
    QCOMPARE(d.document, -1);
    QVERIFY2(qs(d.message).startsWith(QStringLiteral("cannot open")), d.message.c_str());
}

void TestMalformed::hugeScalar_data()
{
    QTest::addColumn<bool>("isJson");
    QTest::newRow("yaml") << false;
    QTest::newRow("json") << true;
}

void TestMalformed::hugeScalar()
{
    QFETCH(bool, isJson);
    const qsizetype size = 8 * 1024 * 1024;
    QByteArray value(size, 'v');
    value[0] = 'A';
    value[size - 1] = 'Z';
    QByteArray text;
    if (isJson)
        text = "[{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"first\"}},\n"
               "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"big\", "
               "\"annotations\": {\"huge\": \""
            + value + "\"}}},\n{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"third\"}}]\n";
    else
        text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: first}\n---\napiVersion: v1\nkind: Namespace\n"
               "metadata:\n  name: big\n  annotations:\n    huge: "
            + value + "\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: third}\n";
    QElapsedTimer timer;
    timer.start();
    auto s = isJson ? test::json(text.toStdString()) : test::yaml(text.toStdString());
    QVERIFY2(timer.elapsed() < 30000, "took too long");
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().substr(0, 2000).c_str());
    QCOMPARE(objectsOf(*s), (QStringList {QStringLiteral("Namespace first"), QStringLiteral("Namespace big"),
                                          QStringLiteral("Namespace third")}));
    const auto& huge = s->namespaces[1].meta.annotations.at("huge");
    QCOMPARE(qsizetype(huge.size()), size);
    QCOMPARE(huge.front(), 'A');
    QCOMPARE(huge.back(), 'Z');
    QCOMPARE(s->namespaces[2].meta.source.line, isJson ? 3u : 12u);
}

void TestMalformed::wideMappings_data()
{
    // Hostile but well-formed: one mapping with many keys. Loading must stay roughly linear in the mapping's size:
    // 6 times the keys may cost 12 times the time (plus slack), which a quadratic reader (36 times) cannot meet.
    QTest::addColumn<QByteArray>("kind"); // ConfigMap (a skipped kind: the reader alone) or Secret (reader + dataKeys)
    QTest::addColumn<bool>("isJson");
    QTest::newRow("yaml ConfigMap data") << QByteArray("ConfigMap") << false;
    QTest::newRow("yaml Secret data") << QByteArray("Secret") << false;
    QTest::newRow("json Secret data") << QByteArray("Secret") << true;
}

namespace {
QByteArray wideObject(const QByteArray& kind, bool isJson, int keys)
{
    QByteArray out = isJson ? QByteArray("{\"apiVersion\": \"v1\", \"kind\": \"" + kind
                                         + "\", \"metadata\": {\"name\": \"wide\", \"namespace\": \"ns\"}, \"data\": {")
                            : QByteArray("apiVersion: v1\nkind: " + kind + "\nmetadata: {name: wide, namespace: ns}\ndata:\n");
    for (int i = 0; i < keys; ++i) {
        const QByteArray k = "key" + QByteArray::number(i);
        out += isJson ? QByteArray((i ? ", \"" : "\"") + k + "\": \"dg==\"") : QByteArray("  " + k + ": dg==\n");
    }
    if (isJson)
        out += "}}\n";
    return out;
}
} // namespace

void TestMalformed::wideMappings()
{
    QFETCH(QByteArray, kind);
    QFETCH(bool, isJson);
    constexpr int small = 10000;
    constexpr int large = 60000;
    qint64 elapsed[2] = {};
    std::shared_ptr<const Snapshot> s;
    for (int run = 0; run < 2; ++run) {
        const auto text = wideObject(kind, isJson, run ? large : small).toStdString();
        QElapsedTimer timer;
        timer.start();
        s = isJson ? test::json(text) : test::yaml(text);
        elapsed[run] = timer.elapsed();
        QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    }
    if (kind == "Secret") {
        QCOMPARE(s->secrets.size(), std::size_t(1));
        QCOMPARE(int(s->secrets[0].dataKeys.size()), large);
    } else {
        QCOMPARE(s->report.skipped.size(), std::size_t(1));
    }
    QVERIFY2(elapsed[1] <= 12 * elapsed[0] + 150,
             qPrintable(QStringLiteral("%1 keys: %2 ms, %3 keys: %4 ms (quadratic?)")
                            .arg(small)
                            .arg(elapsed[0])
                            .arg(large)
                            .arg(elapsed[1])));
}

void TestMalformed::diagnosticToString()
{
    Diagnostic d;
    d.severity = Diagnostic::Severity::Error;
    d.file = "dir/f.yaml";
    d.line = 12;
    d.column = 7;
    d.document = 2;
    d.message = "rules: expected a list of rules, got a scalar";
    QCOMPARE(qs(d.toString()), QStringLiteral("dir/f.yaml:12:7: error: document 3: rules: expected a list of rules, got a scalar"));
    d.document = 0;
    QCOMPARE(qs(d.toString()), QStringLiteral("dir/f.yaml:12:7: error: document 1: rules: expected a list of rules, got a scalar"));
    d.severity = Diagnostic::Severity::Warning;
    d.column = 0;
    QCOMPARE(qs(d.toString()), QStringLiteral("dir/f.yaml:12: warning: document 1: rules: expected a list of rules, got a scalar"));
    d.line = 0;
    d.document = -1;
    d.message = "empty file";
    QCOMPARE(qs(d.toString()), QStringLiteral("dir/f.yaml: warning: empty file"));

    // From a real load: a syntax error in document 2 of 3, and the report's text lists it.
    auto s = test::yaml(QByteArray(kDoc1 + "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a: b\n" + kDoc3).toStdString(),
                        "cluster.yaml");
    QCOMPARE(s->report.diagnostics.size(), std::size_t(1));
    const auto expected = std::string("cluster.yaml:11:10: error: document 2: YAML: mapping values are not allowed in this context");
    QCOMPARE(qs(s->report.diagnostics[0].toString()), qs(expected));
    QVERIFY(s->report.toText().find("Diagnostics:\n  " + expected + '\n') != std::string::npos);
}

QTEST_GUILESS_MAIN(TestMalformed)
#include "tst_malformed.moc"
