// SPDX-License-Identifier: Apache-2.0
// Snapshot loading on well-formed input: formats, lists, folders, gzip, merging, the kinds kept, pod templates,
// secret hygiene, namespace defaulting, source positions, and YAML anchors/merge keys.
#include "models/domain/snapshot.h"
#include "models/io/snapshotloader.h"
#include "testutils.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace rbx;
using rbx::test::objectsOf;
using rbx::test::qs;
using rbx::test::writeFile;

namespace {


QByteArray qb(const std::string& s)
{
    return QByteArray::fromStdString(s);
}


const ObjectMeta* findMeta(const Snapshot& s, const QString& kindAndName)
{
    const ObjectMeta* found = nullptr;
    auto check = [&](const QString& kind, const ObjectMeta& m) {
        const QString id = kind + u' ' + (m.ns.empty() ? qs(m.name) : QString(qs(m.ns) + u'/' + qs(m.name)));
        if (id == kindAndName)
            found = &m;
    };
    for (const auto& o : s.namespaces)
        check(QStringLiteral("Namespace"), o.meta);
    for (const auto& o : s.serviceAccounts)
        check(QStringLiteral("ServiceAccount"), o.meta);
    for (const auto& o : s.secrets)
        check(QStringLiteral("Secret"), o.meta);
    for (const auto& o : s.roles)
        check(o.cluster ? QStringLiteral("ClusterRole") : QStringLiteral("Role"), o.meta);
    for (const auto& o : s.bindings)
        check(o.cluster ? QStringLiteral("ClusterRoleBinding") : QStringLiteral("RoleBinding"), o.meta);
    for (const auto& o : s.workloads)
        check(qs(o.kind), o.meta);
    for (const auto& o : s.nodes)
        check(QStringLiteral("Node"), o.meta);
    for (const auto& o : s.crds)
        check(QStringLiteral("CustomResourceDefinition"), o.meta);
    return found;
}

// Every string the snapshot holds, one per line: used to prove that secrets appear nowhere.
std::string dumpSnapshot(const Snapshot& s)
{
    std::string out;
    auto add = [&](const std::string& v) {
        out += v;
        out += '\n';
    };
    auto meta = [&](const ObjectMeta& m) {
        add(m.name);
        add(m.ns);
        add(m.uid);
        add(m.creationTimestamp);
        for (const auto& [k, v] : m.labels) {
            add(k);
            add(v);
        }
        for (const auto& [k, v] : m.annotations) {
            add(k);
            add(v);
        }
        for (const auto& o : m.ownerReferences) {
            add(o.apiVersion);
            add(o.kind);
            add(o.name);
            add(o.uid);
        }
        add(m.source.file);
    };
    auto list = [&](const std::vector<std::string>& l) {
        for (const auto& v : l)
            add(v);
    };
    for (const auto& o : s.namespaces)
        meta(o.meta);
    for (const auto& o : s.nodes)
        meta(o.meta);
    for (const auto& o : s.serviceAccounts) {
        meta(o.meta);
        list(o.secrets);
        list(o.imagePullSecrets);
    }
    for (const auto& o : s.secrets) {
        meta(o.meta);
        add(o.type);
        list(o.dataKeys);
        if (o.token) {
            add(o.token->sha256);
            add(o.token->headerJson);
            add(o.token->claimsJson);
            add(o.token->decodeError);
        }
    }
    for (const auto& o : s.roles) {
        meta(o.meta);
        for (const auto& r : o.rules) {
            list(r.verbs);
            list(r.apiGroups);
            list(r.resources);
            list(r.resourceNames);
            list(r.nonResourceURLs);
        }
        for (const auto& sel : o.clusterRoleSelectors) {
            for (const auto& [k, v] : sel.matchLabels) {
                add(k);
                add(v);
            }
            for (const auto& e : sel.matchExpressions) {
                add(e.key);
                add(e.op);
                list(e.values);
            }
        }
    }
    for (const auto& o : s.bindings) {
        meta(o.meta);
        add(o.roleRef.apiGroup);
        add(o.roleRef.kind);
        add(o.roleRef.name);
        for (const auto& sub : o.subjects) {
            add(sub.kind);
            add(sub.apiGroup);
            add(sub.name);
            add(sub.ns);
        }
    }
    for (const auto& o : s.workloads) {
        meta(o.meta);
        add(o.kind);
        add(o.apiVersion);
        add(o.pod.serviceAccountName);
        add(o.pod.nodeName);
        list(o.pod.volumeNames);
        list(o.pod.containers);
        for (const auto& r : o.pod.secretRefs) {
            add(r.secretName);
            add(r.where);
        }
        for (const auto& t : o.pod.projectedTokens) {
            add(t.volume);
            add(t.audience);
            add(t.path);
        }
    }
    for (const auto& o : s.crds) {
        meta(o.meta);
        add(o.group);
        add(o.plural);
        add(o.kind);
        list(o.versions);
    }
    if (s.tokenTracking) {
        add(s.tokenTracking->since);
        add(s.tokenTracking->source.file);
    }
    add(s.report.toText());
    for (const auto& d : s.report.diagnostics)
        add(d.toString());
    return out;
}


// Writes a gzip file through zlib's gzFile API.
bool writeGzipFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    gzFile gz = gzopen(QFile::encodeName(path).constData(), "wb");
    if (!gz)
        return false;
    const int written = gzwrite(gz, data.constData(), static_cast<unsigned>(data.size()));
    return gzclose(gz) == Z_OK && written == data.size();
}

QByteArray roleYaml(const char* name, const char* ns, const char* verb)
{
    return QByteArray("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ") + name
        + "\n  namespace: " + ns + "\nrules:\n- apiGroups: [\"\"]\n  resources: [pods]\n  verbs: [" + verb + "]\n";
}

QByteArray indent(const QByteArray& text, int spaces)
{
    const QByteArray pad(spaces, ' ');
    QByteArray out;
    for (const auto& line : text.split('\n')) {
        if (line.isEmpty())
            continue;
        out += pad + line + '\n';
    }
    return out;
}

QString refText(const PodSecretRef& r)
{
    static const char* names[] = {"Volume", "ProjectedVolume", "Env", "EnvFrom", "ImagePullSecret"};
    return QString::fromLatin1(names[static_cast<int>(r.via)]) + u':' + qs(r.secretName) + u':' + qs(r.where);
}

QByteArray b64url(const QByteArray& data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

} // namespace

class TestLoader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void yamlSingleDocument();
    void yamlMultiDocument();
    void yamlDirectives();
    void jsonObject();
    void lists_data();
    void lists();
    void typedListKeepsDocumentOrderForDuplicates();
    void folderRecursiveFilteredSorted();
    void gzipFiles_data();
    void gzipFiles();
    void multipleInputsMergeAndDuplicates();
    void keptAndSkippedKinds();
    void clusterRoleAggregation();
    void podTemplates_data();
    void podTemplates();
    void deprecatedServiceAccountFallback_data();
    void deprecatedServiceAccountFallback();
    void secretHygiene_data();
    void secretHygiene();
    void serviceAccountTokenVariants();
    void namespaceDefaulting();
    void sourcePositions_data();
    void sourcePositions();
    void anchorsAliasesAndMergeKeys();
    void mergeKeyAtDocumentRoot();
    void aliasOfAnchorInUnreadSubtree();
    void progressAndCancel();
};

void TestLoader::yamlSingleDocument()
{
    auto s = test::yaml(roleYaml("reader", "team-a", "get").toStdString());
    QCOMPARE(s->report.errorCount(), std::size_t(0));
    QCOMPARE(s->report.diagnostics.size(), std::size_t(0));
    QCOMPARE(s->report.files, std::size_t(1));
    QCOMPARE(s->report.documents, std::size_t(1));
    QCOMPARE(objectsOf(*s), QStringList {QStringLiteral("Role team-a/reader")});
    const Role* r = s->findRole("team-a", "reader");
    QVERIFY(r);
    QCOMPARE(r->rules.size(), std::size_t(1));
    QCOMPARE(r->rules[0].verbs, std::vector<std::string> {"get"});
    QCOMPARE(r->rules[0].apiGroups, std::vector<std::string> {""});
    QCOMPARE(r->rules[0].resources, std::vector<std::string> {"pods"});
    QCOMPARE(s->report.keptCount("Role"), std::size_t(1));
    QCOMPARE(s->objectCount(), std::size_t(1));
}

void TestLoader::yamlMultiDocument()
{
    // Leading comment, `---`, `...`, comment-only and empty documents, CRLF-free. Document indices as PyYAML counts.
    const std::string text = "# leading comment\n" // 1
                             "---\n" // 2
                             "apiVersion: v1\n" // 3  doc 0
                             "kind: Namespace\n" // 4
                             "metadata:\n" // 5
                             "  name: one # trailing comment\n" // 6
                             "...\n" // 7
                             "# comment between documents\n" // 8
                             "---\n" // 9  doc 1 (only a comment)
                             "# only a comment: an empty document\n" // 10
                             "---\n" // 11 doc 2 (empty)
                             "---\n" // 12 doc 3
                             "apiVersion: v1\n" // 13
                             "kind: Namespace\n" // 14
                             "metadata: {name: two}\n" // 15
                             "---\n" // 16 doc 4
                             "\n" // 17
                             "# comment before the object\n" // 18
                             "apiVersion: rbac.authorization.k8s.io/v1\n" // 19
                             "kind: ClusterRole\n" // 20
                             "metadata:\n" // 21
                             "  name: \"system:controller:x\"\n" // 22
                             "rules: []\n" // 23
                             "---\n"; // 24 doc 5 (empty, trailing)
    auto s = test::yaml(text);
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QCOMPARE(objectsOf(*s),
             (QStringList {QStringLiteral("Namespace one"), QStringLiteral("Namespace two"),
                           QStringLiteral("ClusterRole system:controller:x")}));
    QCOMPARE(s->report.documents, std::size_t(6));
    QCOMPARE(s->namespaces[0].meta.source.line, 3u);
    QCOMPARE(s->namespaces[0].meta.source.document, 0u);
    QCOMPARE(s->namespaces[1].meta.source.line, 13u);
    QCOMPARE(s->namespaces[1].meta.source.document, 3u);
    QCOMPARE(s->roles[0].meta.source.line, 19u);
    QCOMPARE(s->roles[0].meta.source.column, 1u);
    QCOMPARE(s->roles[0].meta.source.document, 4u);
    QCOMPARE(qs(s->roles[0].meta.source.file), QStringLiteral("test.yaml"));

    // The same stream with CRLF line endings loads the same objects.
    std::string crlf;
    for (char c : text) {
        if (c == '\n')
            crlf += '\r';
        crlf += c;
    }
    auto w = test::yaml(crlf);
    QVERIFY2(w->report.diagnostics.empty(), w->report.toText().c_str());
    QCOMPARE(objectsOf(*w), objectsOf(*s));
    QCOMPARE(w->roles[0].meta.source.line, 19u);
}

void TestLoader::yamlDirectives()
{
    // Directives belong to the document that follows them.
    const std::string text = "%YAML 1.1\n" // 1
                             "---\n" // 2
                             "apiVersion: v1\n" // 3  doc 0
                             "kind: Namespace\n" // 4
                             "metadata: {name: a}\n" // 5
                             "...\n" // 6
                             "%YAML 1.1\n" // 7
                             "%TAG !e! tag:example.com,2000:\n" // 8
                             "---\n" // 9
                             "apiVersion: v1\n" // 10 doc 1
                             "kind: Namespace\n" // 11
                             "metadata: {name: b}\n"; // 12
    auto s = test::yaml(text);
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QCOMPARE(objectsOf(*s), (QStringList {QStringLiteral("Namespace a"), QStringLiteral("Namespace b")}));
    QCOMPARE(s->report.documents, std::size_t(2));
    QCOMPARE(s->namespaces[0].meta.source.line, 3u);
    QCOMPARE(s->namespaces[0].meta.source.document, 0u);
    QCOMPARE(s->namespaces[1].meta.source.line, 10u);
    QCOMPARE(s->namespaces[1].meta.source.document, 1u);
}

void TestLoader::jsonObject()
{
    const std::string text = R"json({
  "apiVersion": "rbac.authorization.k8s.io/v1",
  "kind": "ClusterRoleBinding",
  "metadata": {"name": "admins", "namespace": "ignored", "labels": {"team": "core"}},
  "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
  "subjects": [
    {"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "admins"},
    {"kind": "ServiceAccount", "name": "robot", "namespace": "ops"}
  ]
}
)json";
    auto s = test::json(text);
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QCOMPARE(objectsOf(*s), QStringList {QStringLiteral("ClusterRoleBinding admins")});
    const auto& b = s->bindings[0];
    QVERIFY(b.cluster);
    QCOMPARE(qs(b.roleRef.kind), QStringLiteral("ClusterRole"));
    QCOMPARE(qs(b.roleRef.name), QStringLiteral("cluster-admin"));
    QCOMPARE(qs(b.roleRef.apiGroup), QStringLiteral("rbac.authorization.k8s.io"));
    QCOMPARE(b.subjects.size(), std::size_t(2));
    QCOMPARE(qs(b.subjects[0].kind), QStringLiteral("Group"));
    QCOMPARE(qs(b.subjects[0].name), QStringLiteral("admins"));
    QCOMPARE(qs(b.subjects[1].kind), QStringLiteral("ServiceAccount"));
    QCOMPARE(qs(b.subjects[1].ns), QStringLiteral("ops"));
    QCOMPARE(qs(b.meta.labels.at("team")), QStringLiteral("core"));
    QCOMPARE(b.meta.source.line, 1u);
    QCOMPARE(b.meta.source.column, 1u);
    QCOMPARE(s->report.documents, std::size_t(1));

    // Auto-detection by content for a name without extension.
    auto a = io::loadFromString(text, "stdin-like");
    QVERIFY2(a->report.diagnostics.empty(), a->report.toText().c_str());
    QCOMPARE(objectsOf(*a), objectsOf(*s));
}

void TestLoader::lists_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("isJson");
    QTest::addColumn<QStringList>("objects");

    QTest::newRow("yaml kind: List") << QByteArray(R"yaml(apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: robot, namespace: ops}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: viewer}
  rules: []
)yaml") << false
                                     << QStringList {QStringLiteral("ServiceAccount ops/robot"),
                                                     QStringLiteral("ClusterRole viewer")};

    QTest::newRow("json kind: List") << QByteArray(R"json({"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "robot", "namespace": "ops"}},
  {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "viewer"}, "rules": []}
]})json") << true
                                     << QStringList {QStringLiteral("ServiceAccount ops/robot"),
                                                     QStringLiteral("ClusterRole viewer")};

    QTest::newRow("yaml RoleList, items without kind/apiVersion") << QByteArray(R"yaml(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleList
items:
- metadata: {name: a, namespace: x}
  rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
- metadata: {name: b, namespace: y}
  rules: []
metadata: {resourceVersion: "12"}
)yaml") << false << QStringList {QStringLiteral("Role x/a"), QStringLiteral("Role y/b")};

    QTest::newRow("json ClusterRoleBindingList, items without kind/apiVersion") << QByteArray(R"json({
  "kind": "ClusterRoleBindingList",
  "apiVersion": "rbac.authorization.k8s.io/v1",
  "metadata": {"resourceVersion": "7"},
  "items": [
    {"metadata": {"name": "one"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
     "subjects": [{"kind": "User", "name": "u"}]},
    {"metadata": {"name": "two"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"}}
  ]
})json") << true << QStringList {QStringLiteral("ClusterRoleBinding one"), QStringLiteral("ClusterRoleBinding two")};

    QTest::newRow("json kind last in a typed list") << QByteArray(R"json({"items": [
  {"metadata": {"name": "a", "namespace": "x"}, "rules": []}],
  "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleList"})json") << true
                                                    << QStringList {QStringLiteral("Role x/a")};

    QTest::newRow("yaml List without kind, items with kinds") << QByteArray(R"yaml(apiVersion: v1
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: n1}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: rb, namespace: n1}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
)yaml") << false << QStringList {QStringLiteral("Namespace n1"), QStringLiteral("RoleBinding n1/rb")};

    QTest::newRow("json List without kind, items with kinds") << QByteArray(R"json({"items": [
  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n1"}},
  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker-1"}}
]})json") << true << QStringList {QStringLiteral("Namespace n1"), QStringLiteral("Node worker-1")};

    QTest::newRow("json array of objects") << QByteArray(R"json([
  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n1"}},
  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker-1"}}
])json") << true << QStringList {QStringLiteral("Namespace n1"), QStringLiteral("Node worker-1")};

    QTest::newRow("yaml empty List") << QByteArray("apiVersion: v1\nkind: List\nitems: []\n") << false << QStringList {};
    // Go marshals a nil slice as null: an empty list, not a nested one.
    QTest::newRow("yaml List with items: null") << QByteArray("apiVersion: v1\nkind: List\nitems: null\n") << false
                                                << QStringList {};
    QTest::newRow("json RoleList with items: null")
        << QByteArray(R"({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleList", "items": null})") << true
        << QStringList {};
}

void TestLoader::lists()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, isJson);
    QFETCH(QStringList, objects);
    auto s = isJson ? test::json(text.toStdString()) : test::yaml(text.toStdString());
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QCOMPARE(objectsOf(*s), objects);
    QCOMPARE(s->report.documents, std::size_t(1));
    // Items of typed lists become the list kind without "List"; the apiVersion comes from the list.
    for (const auto& b : s->bindings)
        QCOMPARE(qs(b.roleRef.apiGroup), QStringLiteral("rbac.authorization.k8s.io"));
    if (QByteArray(QTest::currentDataTag()).startsWith("yaml RoleList")) {
        QCOMPARE(s->roles[0].rules.size(), std::size_t(1));
        QCOMPARE(s->roles[0].rules[0].verbs, std::vector<std::string> {"get"});
        QVERIFY(!s->roles[0].cluster);
        QCOMPARE(s->report.keptCount("Role"), std::size_t(2));
    }
    if (QByteArray(QTest::currentDataTag()).startsWith("json ClusterRoleBindingList")) {
        QVERIFY(s->bindings[0].cluster);
        QVERIFY(s->bindings[1].cluster);
        QCOMPARE(qs(s->bindings[0].roleRef.name), QStringLiteral("view"));
        QCOMPARE(s->bindings[0].subjects.size(), std::size_t(1));
        QCOMPARE(qs(s->bindings[1].roleRef.name), QStringLiteral("edit"));
        QCOMPARE(s->report.keptCount("ClusterRoleBinding"), std::size_t(2));
    }
}

void TestLoader::typedListKeepsDocumentOrderForDuplicates()
{
    // Two items with the same identity in one RoleList: the first without kind/apiVersion, the second with them.
    // The later item (line 6) must win, and the duplicate note must say so.
    const std::string text = "apiVersion: rbac.authorization.k8s.io/v1\n" // 1
                             "kind: RoleList\n" // 2
                             "items:\n" // 3
                             "- metadata: {name: r, namespace: ns}\n" // 4
                             "  rules: []\n" // 5
                             "- apiVersion: rbac.authorization.k8s.io/v1\n" // 6
                             "  kind: Role\n" // 7
                             "  metadata: {name: r, namespace: ns}\n" // 8
                             "  rules: [{apiGroups: [\"\"], resources: [pods], verbs: [get]}]\n"; // 9
    auto s = test::yaml(text);
    QCOMPARE(s->report.errorCount(), std::size_t(0));
    QCOMPARE(s->roles.size(), std::size_t(1));
    QCOMPARE(s->report.duplicates.size(), std::size_t(1));
    QCOMPARE(qs(s->report.duplicates[0]), QStringLiteral("Role ns/r: test.yaml:6 replaces test.yaml:4"));
    QCOMPARE(s->roles[0].meta.source.line, 6u);
    QCOMPARE(s->roles[0].rules.size(), std::size_t(1));
}

void TestLoader::folderRecursiveFilteredSorted()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString root = tmp.path();
    // Every file holds a valid object, so an ignored file would show up if it were loaded.
    QVERIFY(writeFile(root + QStringLiteral("/b.yaml"), roleYaml("b", "ns", "get")));
    QVERIFY(writeFile(root + QStringLiteral("/a/z.yml"), roleYaml("az", "ns", "get")));
    QVERIFY(writeFile(root + QStringLiteral("/a.yaml"), roleYaml("a", "ns", "get")));
    QVERIFY(writeFile(root + QStringLiteral("/c.json"),
                      R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"c"}})"));
    QVERIFY(writeFile(root + QStringLiteral("/deep/er/still/UPPER.YAML"), roleYaml("upper", "ns", "get")));
    QVERIFY(writeGzipFile(root + QStringLiteral("/deep/d.yaml.gz"), roleYaml("gz", "ns", "get")));
    QVERIFY(writeGzipFile(root + QStringLiteral("/e.json.gz"),
                          R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"e"}})"));
    // Ignored: not YAML/JSON by name.
    QVERIFY(writeFile(root + QStringLiteral("/notes.txt"), roleYaml("notes", "ns", "get")));
    QVERIFY(writeFile(root + QStringLiteral("/README.md"), roleYaml("readme", "ns", "get")));
    QVERIFY(writeFile(root + QStringLiteral("/role.yaml.bak"), roleYaml("bak", "ns", "get")));
    QVERIFY(writeFile(root + QStringLiteral("/noext"), roleYaml("noext", "ns", "get")));
    QVERIFY(writeGzipFile(root + QStringLiteral("/notes.txt.gz"), roleYaml("notesgz", "ns", "get")));
    QVERIFY(writeGzipFile(root + QStringLiteral("/plain.gz"), roleYaml("plaingz", "ns", "get")));
    QVERIFY(QDir(root).mkpath(QStringLiteral("empty-dir.yaml"))); // a folder named like a file

    const auto r = root.toStdString();
    const std::vector<std::string> expected {r + "/a.yaml", r + "/a/z.yml", r + "/b.yaml", r + "/c.json",
                                             r + "/deep/d.yaml.gz", r + "/deep/er/still/UPPER.YAML",
                                             r + "/e.json.gz"};
    const auto files = io::snapshotFilesIn(r);
    QStringList got;
    for (const auto& f : files)
        got << qs(f);
    QStringList want;
    for (const auto& f : expected)
        want << qs(f);
    QCOMPARE(got, want);

    auto s = io::loadSnapshot({r});
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QCOMPARE(s->report.files, std::size_t(7));
    QCOMPARE(s->report.inputs, std::vector<std::string> {r});
    // Roles and namespaces in load (sorted path) order.
    QCOMPARE(objectsOf(*s),
             (QStringList {QStringLiteral("Namespace c"), QStringLiteral("Namespace e"), QStringLiteral("Role ns/a"),
                           QStringLiteral("Role ns/az"), QStringLiteral("Role ns/b"), QStringLiteral("Role ns/gz"),
                           QStringLiteral("Role ns/upper")}));
    QCOMPARE(qs(s->findRole("ns", "gz")->meta.source.file), qs(r + "/deep/d.yaml.gz"));
    QCOMPARE(s->findRole("ns", "gz")->meta.source.line, 1u);
}

void TestLoader::gzipFiles_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QStringList>("objects");
    QTest::newRow("yaml.gz") << QStringLiteral("snap.yaml.gz")
                             << QByteArray(roleYaml("r", "ns", "get") + "---\n" + roleYaml("s", "ns", "list"))
                             << QStringList {QStringLiteral("Role ns/r"), QStringLiteral("Role ns/s")};
    QTest::newRow("json.gz") << QStringLiteral("snap.json.gz")
                             << QByteArray(R"({"apiVersion":"v1","kind":"List","items":[)"
                                           R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n"}}]})")
                             << QStringList {QStringLiteral("Namespace n")};
    QTest::newRow("yml.gz, gzip detected by content") << QStringLiteral("snap.yml.gz") << roleYaml("g", "ns", "get")
                                                      << QStringList {QStringLiteral("Role ns/g")};
}

void TestLoader::gzipFiles()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(QStringList, objects);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath(name);
    QVERIFY(writeGzipFile(path, content));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto head = f.read(2);
    QCOMPARE(head, QByteArray("\x1f\x8b")); // really compressed
    auto s = io::loadSnapshot({path.toStdString()});
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QCOMPARE(objectsOf(*s), objects);
    QCOMPARE(s->report.files, std::size_t(1));
}

void TestLoader::multipleInputsMergeAndDuplicates()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString one = tmp.filePath(QStringLiteral("one.yaml"));
    const QString two = tmp.filePath(QStringLiteral("two.yaml"));
    const QString dir = tmp.filePath(QStringLiteral("more"));
    // one.yaml: Role dup (get) at line 1, SA robot at line 11.
    QVERIFY(writeFile(one, roleYaml("dup", "ns", "get") + "---\napiVersion: v1\nkind: ServiceAccount\n"
                                                          "metadata: {name: robot, namespace: ns}\n"));
    // two.yaml: other Role, then Role dup (list) at line 11.
    QVERIFY(writeFile(two, roleYaml("other", "ns", "get") + "---\n" + roleYaml("dup", "ns", "list")));
    // more/x.yaml: Role dup in another namespace (not a duplicate) and the SA again (a duplicate).
    QVERIFY(writeFile(dir + QStringLiteral("/x.yaml"),
                      roleYaml("dup", "other-ns", "watch")
                          + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: robot, namespace: ns}\n"
                            "automountServiceAccountToken: false\n"));

    auto s = io::loadSnapshot({one.toStdString(), two.toStdString(), dir.toStdString()});
    QCOMPARE(s->report.errorCount(), std::size_t(0));
    QCOMPARE(s->report.files, std::size_t(3));
    QCOMPARE(s->report.documents, std::size_t(6));
    QCOMPARE(s->roles.size(), std::size_t(3));
    QCOMPARE(s->serviceAccounts.size(), std::size_t(1));
    QCOMPARE(s->report.keptCount("Role"), std::size_t(3));
    QCOMPARE(s->report.keptCount("ServiceAccount"), std::size_t(1));
    const Role* dup = s->findRole("ns", "dup");
    QVERIFY(dup);
    QCOMPARE(dup->rules.at(0).verbs, std::vector<std::string> {"list"}); // the last one wins
    QCOMPARE(qs(dup->meta.source.file), two);
    QCOMPARE(dup->meta.source.line, 11u);
    QCOMPARE(dup->meta.source.document, 1u);
    QCOMPARE(s->findRole("other-ns", "dup")->rules.at(0).verbs, std::vector<std::string> {"watch"});
    QCOMPARE(s->serviceAccounts[0].automountServiceAccountToken, std::optional<bool>(false));
    QCOMPARE(s->report.duplicates.size(), std::size_t(2));
    QCOMPARE(qs(s->report.duplicates[0]),
             QString(QStringLiteral("Role ns/dup: ") + two + QStringLiteral(":11 replaces ") + one + QStringLiteral(":1")));
    QCOMPARE(qs(s->report.duplicates[1]), QString(QStringLiteral("ServiceAccount ns/robot: ") + dir
                                                  + QStringLiteral("/x.yaml:11 replaces ") + one + QStringLiteral(":11")));
    QVERIFY(s->report.toText().find("Duplicates (the last one is kept)") != std::string::npos);
}

void TestLoader::keptAndSkippedKinds()
{
    const std::string text = R"yaml(apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa, namespace: team-a}
secrets: [{name: sa-token}]
imagePullSecrets: [{name: regcred}]
automountServiceAccountToken: true
---
apiVersion: v1
kind: Secret
metadata: {name: opaque, namespace: team-a}
data: {k: dg==}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: team-a}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cr}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team-a}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: team-a}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ss, namespace: team-a}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds, namespace: team-a}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs, namespace: team-a}
---
apiVersion: batch/v1
kind: Job
metadata: {name: j, namespace: team-a}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cj, namespace: team-a}
---
apiVersion: v1
kind: Node
metadata: {name: worker-1}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object}}
  - name: v2
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-apiserver-legacy-service-account-token-tracking, namespace: kube-system}
data: {since: "2023-05-10"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other, namespace: kube-system}
data: {since: "2020-01-01"}
---
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: team-a}
---
apiVersion: v1
kind: Service
metadata: {name: svc2, namespace: team-a}
---
apiVersion: example.com/v1
kind: Role
metadata: {name: not-rbac, namespace: team-a}
rules: 5
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
---
apiVersion: example.com/v1
kind: Deployment
metadata: {name: not-apps, namespace: team-a}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing, namespace: team-a}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Widget
metadata: {name: rbac-widget}
)yaml";
    auto s = test::yaml(text);
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QCOMPARE(s->report.documents, std::size_t(25));

    QStringList kept;
    for (const auto& k : s->report.kept)
        kept << qs(k.kind) + u'=' + QString::number(k.count);
    QCOMPARE(kept,
             (QStringList {QStringLiteral("ClusterRole=1"), QStringLiteral("ClusterRoleBinding=1"),
                           QStringLiteral("ConfigMap=1"), QStringLiteral("CronJob=1"),
                           QStringLiteral("CustomResourceDefinition=1"), QStringLiteral("DaemonSet=1"),
                           QStringLiteral("Deployment=1"), QStringLiteral("Job=1"), QStringLiteral("Namespace=1"),
                           QStringLiteral("Node=1"), QStringLiteral("Pod=1"), QStringLiteral("ReplicaSet=1"),
                           QStringLiteral("Role=1"), QStringLiteral("RoleBinding=1"), QStringLiteral("Secret=1"),
                           QStringLiteral("ServiceAccount=1"), QStringLiteral("StatefulSet=1")}));
    QStringList skipped;
    for (const auto& k : s->report.skipped)
        skipped << qs(k.kind) + u'=' + QString::number(k.count);
    QCOMPARE(skipped,
             (QStringList {QStringLiteral("example.com/v1 Deployment=1"), QStringLiteral("example.com/v1 Role=1"),
                           QStringLiteral("example.com/v1 Widget=1"), QStringLiteral("networking.k8s.io/v1 Ingress=1"),
                           QStringLiteral("rbac.authorization.k8s.io/v1 Widget=1"), QStringLiteral("v1 ConfigMap=1"),
                           QStringLiteral("v1 Service=2")}));

    QCOMPARE(s->namespaces.size(), std::size_t(1));
    QCOMPARE(s->serviceAccounts.size(), std::size_t(1));
    QCOMPARE(s->secrets.size(), std::size_t(1));
    QCOMPARE(s->roles.size(), std::size_t(2));
    QVERIFY(!s->findRole("team-a", "not-rbac"));
    QCOMPARE(s->bindings.size(), std::size_t(2));
    QCOMPARE(s->workloads.size(), std::size_t(7));
    QCOMPARE(s->nodes.size(), std::size_t(1));
    QCOMPARE(s->crds.size(), std::size_t(1));
    QCOMPARE(s->objectCount(), std::size_t(17));
    QStringList workloadKinds;
    for (const auto& w : s->workloads)
        workloadKinds << qs(w.kind) + u' ' + qs(w.apiVersion);
    QCOMPARE(workloadKinds,
             (QStringList {QStringLiteral("Pod v1"), QStringLiteral("Deployment apps/v1"),
                           QStringLiteral("StatefulSet apps/v1"), QStringLiteral("DaemonSet apps/v1"),
                           QStringLiteral("ReplicaSet apps/v1"), QStringLiteral("Job batch/v1"),
                           QStringLiteral("CronJob batch/v1")}));

    const auto& sa = s->serviceAccounts[0];
    QCOMPARE(sa.secrets, std::vector<std::string> {"sa-token"});
    QCOMPARE(sa.imagePullSecrets, std::vector<std::string> {"regcred"});
    QCOMPARE(sa.automountServiceAccountToken, std::optional<bool>(true));

    const auto& crd = s->crds[0];
    QCOMPARE(qs(crd.meta.name), QStringLiteral("widgets.example.com"));
    QCOMPARE(qs(crd.group), QStringLiteral("example.com"));
    QCOMPARE(qs(crd.plural), QStringLiteral("widgets"));
    QCOMPARE(qs(crd.kind), QStringLiteral("Widget"));
    QVERIFY(!crd.namespaced);
    QCOMPARE(crd.versions, (std::vector<std::string> {"v1", "v2"}));

    QVERIFY(s->tokenTracking.has_value());
    QCOMPARE(qs(s->tokenTracking->since), QStringLiteral("2023-05-10"));
    QCOMPARE(qs(s->tokenTracking->source.file), QStringLiteral("test.yaml"));
    QCOMPARE(s->tokenTracking->source.line, 83u); // the ConfigMap's apiVersion line

    const auto text2 = s->report.toText();
    QVERIFY(text2.find("Skipped (not used by RBAC Explorer):\n") != std::string::npos);
    QVERIFY(text2.find("  v1 Service: 2\n") != std::string::npos);
}

void TestLoader::clusterRoleAggregation()
{
    const std::string text = R"yaml(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels:
      rbac.example.com/aggregate-to-monitoring: "true"
  - matchExpressions:
    - {key: tier, operator: In, values: [a, b]}
    - {key: legacy, operator: DoesNotExist}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: empty-aggregation}
aggregationRule: {}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: plain}
rules:
- nonResourceURLs: ["/healthz", "/metrics"]
  verbs: [get]
)yaml";
    auto s = test::yaml(text);
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    const Role* mon = s->findClusterRole("monitoring");
    QVERIFY(mon);
    QVERIFY(mon->cluster);
    QVERIFY(mon->hasAggregationRule);
    QCOMPARE(mon->clusterRoleSelectors.size(), std::size_t(2));
    QCOMPARE(qs(mon->clusterRoleSelectors[0].matchLabels.at("rbac.example.com/aggregate-to-monitoring")),
             QStringLiteral("true"));
    const auto& exprs = mon->clusterRoleSelectors[1].matchExpressions;
    QCOMPARE(exprs.size(), std::size_t(2));
    QCOMPARE(qs(exprs[0].key), QStringLiteral("tier"));
    QCOMPARE(qs(exprs[0].op), QStringLiteral("In"));
    QCOMPARE(exprs[0].values, (std::vector<std::string> {"a", "b"}));
    QCOMPARE(qs(exprs[1].op), QStringLiteral("DoesNotExist"));
    QVERIFY(exprs[1].values.empty());
    const Role* empty = s->findClusterRole("empty-aggregation");
    QVERIFY(empty);
    QVERIFY(empty->hasAggregationRule);
    QVERIFY(empty->clusterRoleSelectors.empty());
    const Role* plain = s->findClusterRole("plain");
    QVERIFY(plain);
    QVERIFY(!plain->hasAggregationRule);
    QCOMPARE(plain->rules.at(0).nonResourceURLs, (std::vector<std::string> {"/healthz", "/metrics"}));
}

namespace {

// A pod spec exercising every extracted field; `value:` holds a planted literal that must never be kept.
const QByteArray kPodSpec = R"yaml(serviceAccountName: builder
serviceAccount: ignored-because-serviceAccountName-is-set
automountServiceAccountToken: false
nodeName: node-1
imagePullSecrets:
- name: regcred
volumes:
- name: secret-vol
  secret:
    secretName: s-volume
    defaultMode: 420
- name: projected-vol
  projected:
    sources:
    - secret:
        name: s-projected
        items: [{key: k, path: p}]
    - serviceAccountToken:
        audience: vault
        expirationSeconds: 3600
        path: vault-token
    - serviceAccountToken:
        path: token
    - configMap: {name: kube-root-ca.crt}
- name: scratch
  emptyDir: {}
initContainers:
- name: init
  image: busybox
  envFrom:
  - secretRef:
      name: s-envfrom
  - configMapRef:
      name: cm
containers:
- name: app
  image: nginx
  command: [sh, -c, "echo command-planted-value"]
  env:
  - name: LITERAL
    value: env-literal-planted-value
  - name: FROM_SECRET
    valueFrom:
      secretKeyRef:
        name: s-env
        key: password
  - name: FROM_CM
    valueFrom:
      configMapKeyRef: {name: cm, key: k}
)yaml";

const QByteArray kOwner = R"yaml(  ownerReferences:
  - apiVersion: apps/v1
    kind: ReplicaSet
    name: rs-1
    uid: uid-rs-1
    controller: true
  - apiVersion: v1
    kind: Node
    name: n
    uid: uid-n
)yaml";

} // namespace

void TestLoader::podTemplates_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("isJson");
    QTest::addColumn<QString>("kind");

    const QByteArray meta = "metadata:\n  name: w\n  namespace: ns\n" + kOwner;
    QTest::newRow("Pod: spec") << QByteArray("apiVersion: v1\nkind: Pod\n" + meta + "spec:\n" + indent(kPodSpec, 2))
                               << false << QStringLiteral("Pod");
    for (const char* kind : {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})
        QTest::addRow("%s: spec.template.spec", kind)
            << QByteArray("apiVersion: apps/v1\nkind: " + QByteArray(kind) + '\n' + meta
                          + "spec:\n  replicas: 1\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n"
                          + indent(kPodSpec, 6))
            << false << QString::fromLatin1(kind);
    QTest::newRow("Job: spec.template.spec")
        << QByteArray("apiVersion: batch/v1\nkind: Job\n" + meta + "spec:\n  template:\n    spec:\n"
                      + indent(kPodSpec, 6))
        << false << QStringLiteral("Job");
    QTest::newRow("CronJob: spec.jobTemplate.spec.template.spec")
        << QByteArray("apiVersion: batch/v1\nkind: CronJob\n" + meta
                      + "spec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
                      + indent(kPodSpec, 10))
        << false << QStringLiteral("CronJob");

    // The same Pod in JSON.
    QTest::newRow("Pod in JSON") << QByteArray(R"json({
  "apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "w", "namespace": "ns", "ownerReferences": [
    {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs-1", "uid": "uid-rs-1", "controller": true},
    {"apiVersion": "v1", "kind": "Node", "name": "n", "uid": "uid-n"}]},
  "spec": {
    "serviceAccountName": "builder",
    "serviceAccount": "ignored-because-serviceAccountName-is-set",
    "automountServiceAccountToken": false,
    "nodeName": "node-1",
    "imagePullSecrets": [{"name": "regcred"}],
    "volumes": [
      {"name": "secret-vol", "secret": {"secretName": "s-volume", "defaultMode": 420}},
      {"name": "projected-vol", "projected": {"sources": [
        {"secret": {"name": "s-projected", "items": [{"key": "k", "path": "p"}]}},
        {"serviceAccountToken": {"audience": "vault", "expirationSeconds": 3600, "path": "vault-token"}},
        {"serviceAccountToken": {"path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt"}}]}},
      {"name": "scratch", "emptyDir": {}}],
    "initContainers": [{"name": "init", "image": "busybox",
      "envFrom": [{"secretRef": {"name": "s-envfrom"}}, {"configMapRef": {"name": "cm"}}]}],
    "containers": [{"name": "app", "image": "nginx", "command": ["sh", "-c", "echo command-planted-value"],
      "env": [{"name": "LITERAL", "value": "env-literal-planted-value"},
              {"name": "FROM_SECRET", "valueFrom": {"secretKeyRef": {"name": "s-env", "key": "password"}}},
              {"name": "FROM_CM", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "k"}}}]}]
  }
})json") << true << QStringLiteral("Pod");
}

void TestLoader::podTemplates()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, isJson);
    QFETCH(QString, kind);
    auto s = isJson ? test::json(text.toStdString()) : test::yaml(text.toStdString());
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QCOMPARE(s->workloads.size(), std::size_t(1));
    const auto& w = s->workloads[0];
    QCOMPARE(qs(w.kind), kind);
    QCOMPARE(qs(w.meta.name), QStringLiteral("w"));
    QCOMPARE(qs(w.meta.ns), QStringLiteral("ns"));
    const auto& p = w.pod;
    QCOMPARE(qs(p.serviceAccountName), QStringLiteral("builder"));
    QCOMPARE(p.automountServiceAccountToken, std::optional<bool>(false));
    QCOMPARE(qs(p.nodeName), QStringLiteral("node-1"));
    QCOMPARE(p.volumeNames, (std::vector<std::string> {"secret-vol", "projected-vol", "scratch"}));
    QCOMPARE(p.containers, (std::vector<std::string> {"init", "app"}));

    QStringList refs;
    for (const auto& r : p.secretRefs)
        refs << refText(r);
    refs.sort();
    QCOMPARE(refs,
             (QStringList {QStringLiteral("Env:s-env:app"), QStringLiteral("EnvFrom:s-envfrom:init"),
                           QStringLiteral("ImagePullSecret:regcred:"),
                           QStringLiteral("ProjectedVolume:s-projected:projected-vol"),
                           QStringLiteral("Volume:s-volume:secret-vol")}));

    QCOMPARE(p.projectedTokens.size(), std::size_t(2));
    QCOMPARE(qs(p.projectedTokens[0].volume), QStringLiteral("projected-vol"));
    QCOMPARE(qs(p.projectedTokens[0].audience), QStringLiteral("vault"));
    QCOMPARE(p.projectedTokens[0].expirationSeconds, std::optional<std::int64_t>(3600));
    QCOMPARE(qs(p.projectedTokens[0].path), QStringLiteral("vault-token"));
    QCOMPARE(qs(p.projectedTokens[1].audience), QString());
    QVERIFY(!p.projectedTokens[1].expirationSeconds.has_value());
    QCOMPARE(qs(p.projectedTokens[1].path), QStringLiteral("token"));

    QCOMPARE(w.meta.ownerReferences.size(), std::size_t(2));
    const auto& o = w.meta.ownerReferences[0];
    QCOMPARE(qs(o.apiVersion), QStringLiteral("apps/v1"));
    QCOMPARE(qs(o.kind), QStringLiteral("ReplicaSet"));
    QCOMPARE(qs(o.name), QStringLiteral("rs-1"));
    QCOMPARE(qs(o.uid), QStringLiteral("uid-rs-1"));
    QVERIFY(o.controller);
    QVERIFY(!w.meta.ownerReferences[1].controller);

    // Literal env values (and commands) are never kept.
    const auto dump = dumpSnapshot(*s);
    QVERIFY(dump.find("env-literal-planted-value") == std::string::npos);
    QVERIFY(dump.find("command-planted-value") == std::string::npos);
}

void TestLoader::deprecatedServiceAccountFallback_data()
{
    QTest::addColumn<QByteArray>("spec");
    QTest::addColumn<QString>("expected");
    QTest::newRow("only serviceAccount") << QByteArray("serviceAccount: legacy") << QStringLiteral("legacy");
    QTest::newRow("both: serviceAccountName wins")
        << QByteArray("serviceAccount: legacy\n  serviceAccountName: modern") << QStringLiteral("modern");
    QTest::newRow("neither") << QByteArray("nodeName: n") << QString();
}

void TestLoader::deprecatedServiceAccountFallback()
{
    QFETCH(QByteArray, spec);
    QFETCH(QString, expected);
    auto s = test::yaml(
        QByteArray("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  " + spec + '\n')
            .toStdString());
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QCOMPARE(s->workloads.size(), std::size_t(1));
    QCOMPARE(qs(s->workloads[0].pod.serviceAccountName), expected);
    QVERIFY(!s->workloads[0].pod.automountServiceAccountToken.has_value());
}

namespace {

struct PlantedToken
{
    QByteArray jwt;
    QByteArray signature;
    QJsonObject header;
    QJsonObject claims;
};

PlantedToken makeJwt()
{
    PlantedToken t;
    t.header = QJsonObject {{QStringLiteral("alg"), QStringLiteral("RS256")}, {QStringLiteral("kid"), QStringLiteral("key-1")}};
    t.claims = QJsonObject {{QStringLiteral("iss"), QStringLiteral("kubernetes/serviceaccount")},
                            {QStringLiteral("kubernetes.io/serviceaccount/namespace"), QStringLiteral("ns")},
                            {QStringLiteral("kubernetes.io/serviceaccount/service-account.name"), QStringLiteral("sa")},
                            {QStringLiteral("sub"), QStringLiteral("system:serviceaccount:ns:sa")}};
    t.signature = b64url("planted-signature-bytes-9f8e7d6c5b4a");
    t.jwt = b64url(QJsonDocument(t.header).toJson(QJsonDocument::Compact)) + '.'
        + b64url(QJsonDocument(t.claims).toJson(QJsonDocument::Compact)) + '.' + t.signature;
    return t;
}

} // namespace

void TestLoader::secretHygiene_data()
{
    QTest::addColumn<bool>("isJson");
    QTest::newRow("yaml") << false;
    QTest::newRow("json") << true;
}

void TestLoader::secretHygiene()
{
    QFETCH(bool, isJson);
    const auto tok = makeJwt();
    const QByteArray tokenB64 = tok.jwt.toBase64();
    const QByteArray opaqueValue = "hunter2-planted-opaque-value";
    const QByteArray opaqueB64 = opaqueValue.toBase64();
    const QByteArray stringDataValue = "planted-stringData-password";
    const QByteArray caB64 = QByteArray("planted-ca-certificate").toBase64();
    const QByteArray lastApplied = "{\"data\":{\"password\":\"" + opaqueB64 + "\",\"token\":\"" + tokenB64 + "\"}}";

    QByteArray text;
    if (!isJson) {
        text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: sa-token\n  namespace: ns\n  annotations:\n"
               "    kubernetes.io/service-account.name: sa\n"
               "    kubectl.kubernetes.io/last-applied-configuration: '"
            + lastApplied
            + "'\ntype: kubernetes.io/service-account-token\ndata:\n  ca.crt: " + caB64 + "\n  namespace: "
            + QByteArray("ns").toBase64() + "\n  token: " + tokenB64
            + "\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: opaque\n  namespace: ns\n  labels: {app: db}\n"
              "  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      "
            + lastApplied + "\ntype: Opaque\ndata:\n  password: " + opaqueB64 + "\n  token: " + tokenB64
            + "\nstringData:\n  extra: " + stringDataValue + "\n  password: " + stringDataValue
            + "\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  namespace: ns\n  annotations:\n"
              "    kubectl.kubernetes.io/last-applied-configuration: '"
            + lastApplied + "'\n    keep: me\n";
    } else {
        QByteArray la = lastApplied;
        la.replace("\"", "\\\"");
        text = "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
               "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"sa-token\", \"namespace\": "
               "\"ns\", \"annotations\": {\"kubernetes.io/service-account.name\": \"sa\", "
               "\"kubectl.kubernetes.io/last-applied-configuration\": \""
            + la + "\"}}, \"type\": \"kubernetes.io/service-account-token\", \"data\": {\"ca.crt\": \"" + caB64
            + "\", \"namespace\": \"" + QByteArray("ns").toBase64() + "\", \"token\": \"" + tokenB64
            + "\"}},\n"
              "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"opaque\", \"namespace\": "
              "\"ns\", \"labels\": {\"app\": \"db\"}, \"annotations\": "
              "{\"kubectl.kubernetes.io/last-applied-configuration\": \""
            + la + "\"}}, \"type\": \"Opaque\", \"data\": {\"password\": \"" + opaqueB64 + "\", \"token\": \""
            + tokenB64 + "\"}, \"stringData\": {\"extra\": \"" + stringDataValue + "\", \"password\": \""
            + stringDataValue
            + "\"}},\n"
              "{\"apiVersion\": \"v1\", \"kind\": \"ServiceAccount\", \"metadata\": {\"name\": \"sa\", \"namespace\": "
              "\"ns\", \"annotations\": {\"kubectl.kubernetes.io/last-applied-configuration\": \""
            + la + "\", \"keep\": \"me\"}}}\n]}\n";
    }
    auto s = isJson ? test::json(text.toStdString()) : test::yaml(text.toStdString());
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QCOMPARE(s->secrets.size(), std::size_t(2));
    QCOMPARE(s->serviceAccounts.size(), std::size_t(1));

    const Secret& sat = s->secrets[0];
    QCOMPARE(qs(sat.meta.name), QStringLiteral("sa-token"));
    QCOMPARE(qs(sat.type), QStringLiteral("kubernetes.io/service-account-token"));
    QCOMPARE(sat.dataKeys, (std::vector<std::string> {"ca.crt", "namespace", "token"}));
    QVERIFY(sat.token.has_value());
    const QByteArray expectedSha = QCryptographicHash::hash(tok.jwt, QCryptographicHash::Sha256).toHex();
    QCOMPARE(qb(sat.token->sha256), expectedSha);
    QCOMPARE(QJsonDocument::fromJson(qb(sat.token->headerJson)).object(), tok.header);
    QCOMPARE(QJsonDocument::fromJson(qb(sat.token->claimsJson)).object(), tok.claims);
    QCOMPARE(qs(sat.token->decodeError), QString());
    QCOMPARE(sat.meta.annotations.size(), std::size_t(1));
    QCOMPARE(qs(sat.meta.annotations.at("kubernetes.io/service-account.name")), QStringLiteral("sa"));

    const Secret& opaque = s->secrets[1];
    QCOMPARE(qs(opaque.type), QStringLiteral("Opaque"));
    QCOMPARE(opaque.dataKeys, (std::vector<std::string> {"password", "token", "extra"}));
    QVERIFY(!opaque.token.has_value()); // only service-account-token Secrets get a fingerprint
    QVERIFY(opaque.meta.annotations.empty());
    QCOMPARE(qs(opaque.meta.labels.at("app")), QStringLiteral("db"));

    const auto& sa = s->serviceAccounts[0];
    QCOMPARE(sa.meta.annotations.size(), std::size_t(1));
    QCOMPARE(qs(sa.meta.annotations.at("keep")), QStringLiteral("me"));
    for (const auto& o : s->secrets)
        QVERIFY(!o.meta.annotations.contains("kubectl.kubernetes.io/last-applied-configuration"));

    const auto dump = dumpSnapshot(*s);
    const QByteArray segments[] = {tok.jwt, tokenB64, tok.signature, tok.jwt.left(tok.jwt.indexOf('.') + 1)
                                       + tok.jwt.mid(tok.jwt.indexOf('.') + 1, 12),
                                   opaqueValue, opaqueB64, stringDataValue, caB64, "planted-ca-certificate",
                                   "last-applied-configuration"};
    for (const auto& planted : segments)
        QVERIFY2(dump.find(planted.toStdString()) == std::string::npos, planted.constData());
    // Sanity: the dump does hold what it should.
    QVERIFY(dump.find(expectedSha.toStdString()) != std::string::npos);
    QVERIFY(dump.find("sa-token") != std::string::npos);
}

void TestLoader::serviceAccountTokenVariants()
{
    const auto tok = makeJwt();
    const QByteArray notJwt = "planted-opaque-token-not-a-jwt";
    const QByteArray text = "apiVersion: v1\nkind: Secret\nmetadata: {name: from-stringdata, namespace: ns}\n"
                            "type: kubernetes.io/service-account-token\n"
                            "data:\n  token: " + QByteArray("ignored-by-the-api-server").toBase64() + "\n"
                            "stringData:\n  token: " + tok.jwt + "\n"
                            "---\napiVersion: v1\nkind: Secret\nmetadata: {name: not-a-jwt, namespace: ns}\n"
                            "type: kubernetes.io/service-account-token\n"
                            "data:\n  token: |\n    " + notJwt.toBase64().insert(12, "\n    ") + "\n"
                            "---\napiVersion: v1\nkind: Secret\nmetadata: {name: no-token-yet, namespace: ns}\n"
                            "type: kubernetes.io/service-account-token\n"
                            "data: {ca.crt: " + QByteArray("ca").toBase64() + "}\n";
    auto s = test::yaml(text.toStdString());
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QCOMPARE(s->secrets.size(), std::size_t(3));
    // stringData wins over data, as on the API server; stringData values are not base64.
    QVERIFY(s->secrets[0].token.has_value());
    QCOMPARE(QByteArray::fromStdString(s->secrets[0].token->sha256),
             QCryptographicHash::hash(tok.jwt, QCryptographicHash::Sha256).toHex());
    QCOMPARE(QJsonDocument::fromJson(qb(s->secrets[0].token->claimsJson)).object(), tok.claims);
    QCOMPARE(s->secrets[0].dataKeys, std::vector<std::string> {"token"});
    // Not a JWT: fingerprint (of the base64-decoded value, whitespace ignored), no header/claims, a reason.
    QVERIFY(s->secrets[1].token.has_value());
    QCOMPARE(QByteArray::fromStdString(s->secrets[1].token->sha256),
             QCryptographicHash::hash(notJwt, QCryptographicHash::Sha256).toHex());
    QVERIFY(s->secrets[1].token->headerJson.empty());
    QVERIFY(s->secrets[1].token->claimsJson.empty());
    QVERIFY(!s->secrets[1].token->decodeError.empty());
    QVERIFY(!s->secrets[2].token.has_value());
    const auto dump = dumpSnapshot(*s);
    QVERIFY(dump.find(tok.jwt.toStdString()) == std::string::npos);
    QVERIFY(dump.find(notJwt.toStdString()) == std::string::npos);
    QVERIFY(dump.find("ignored-by-the-api-server") == std::string::npos);
}

void TestLoader::namespaceDefaulting()
{
    const std::string text = R"yaml(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
---
apiVersion: v1
kind: Secret
metadata: {name: s, namespace: explicit}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cr, namespace: should-be-dropped}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb, namespace: should-be-dropped}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr}
---
apiVersion: v1
kind: Namespace
metadata: {name: n, namespace: should-be-dropped}
---
apiVersion: v1
kind: Node
metadata: {name: node, namespace: should-be-dropped}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: a.b.c, namespace: should-be-dropped}
)yaml";
    auto s = test::yaml(text);
    QCOMPARE(s->report.errorCount(), std::size_t(0));
    QCOMPARE(objectsOf(*s),
             (QStringList {QStringLiteral("Namespace n"), QStringLiteral("ServiceAccount default/sa"),
                           QStringLiteral("Secret explicit/s"), QStringLiteral("Role default/r"),
                           QStringLiteral("ClusterRole cr"), QStringLiteral("ClusterRoleBinding crb"),
                           QStringLiteral("Node node"), QStringLiteral("CustomResourceDefinition a.b.c")}));
    QCOMPARE(s->report.notes.size(), std::size_t(1));
    QVERIFY2(s->report.notes[0].starts_with("2 namespaced object(s)"), s->report.notes[0].c_str());
    QVERIFY(s->report.notes[0].find("\"default\"") != std::string::npos);
    QVERIFY(s->report.toText().find("Note: 2 namespaced object(s)") != std::string::npos);

    io::LoadOptions options;
    options.defaultNamespace = "team-a";
    auto t = io::loadFromString(text, "t.yaml", io::Format::Yaml, options);
    QVERIFY(t->findRole("team-a", "r"));
    QVERIFY(t->findServiceAccount("team-a", "sa"));
    QVERIFY(!t->findRole("default", "r"));
    QCOMPARE(t->report.notes.size(), std::size_t(1));
    QVERIFY(t->report.notes[0].find("\"team-a\"") != std::string::npos);

    // No note when every namespaced object names its namespace.
    auto u = test::yaml(roleYaml("r", "x", "get").toStdString());
    QVERIFY(u->report.notes.empty());
}

void TestLoader::sourcePositions_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("isJson");
    QTest::addColumn<QStringList>("positions"); // "Kind ns/name line:column#document"

    QTest::newRow("yaml List items") << QByteArray("apiVersion: v1\n" // 1
                                                   "kind: List\n" // 2
                                                   "items:\n" // 3
                                                   "- apiVersion: v1\n" // 4
                                                   "  kind: Namespace\n" // 5
                                                   "  metadata:\n" // 6
                                                   "    name: a\n" // 7
                                                   "-   apiVersion: v1\n" // 8
                                                   "    kind: Namespace\n" // 9
                                                   "    metadata: {name: b}\n" // 10
                                                   "---\n" // 11
                                                   "# comment\n" // 12
                                                   "  \n" // 13
                                                   "  apiVersion: v1\n" // 14
                                                   "  kind: Node\n" // 15
                                                   "  metadata: {name: c}\n") // 16
                                     << false
                                     << QStringList {QStringLiteral("Namespace a 4:3#0"),
                                                     QStringLiteral("Namespace b 8:5#0"),
                                                     QStringLiteral("Node c 14:3#1")};
    QTest::newRow("yaml typed list") << QByteArray("kind: RoleList\n" // 1
                                                   "apiVersion: rbac.authorization.k8s.io/v1\n" // 2
                                                   "items:\n" // 3
                                                   "  - metadata: {name: a, namespace: x}\n" // 4
                                                   "  - {metadata: {name: b, namespace: x}}\n") // 5
                                     << false
                                     << QStringList {QStringLiteral("Role x/a 4:5#0"), QStringLiteral("Role x/b 5:5#0")};
    QTest::newRow("json List") << QByteArray("{\n" // 1
                                             "  \"apiVersion\": \"v1\",\n" // 2
                                             "  \"kind\": \"List\",\n" // 3
                                             "  \"items\": [\n" // 4
                                             "    {\n" // 5
                                             "      \"apiVersion\": \"v1\",\n" // 6
                                             "      \"kind\": \"Namespace\",\n" // 7
                                             "      \"metadata\": {\"name\": \"a\"}\n" // 8
                                             "    },\n" // 9
                                             "    {\"apiVersion\": \"v1\", \"kind\": \"Namespace\", " // 10
                                             "\"metadata\": {\"name\": \"b\"}},   {\"apiVersion\": \"v1\", "
                                             "\"kind\": \"Node\", \"metadata\": {\"name\": \"c\"}}\n"
                                             "  ]\n" // 11
                                             "}\n") // 12
                               << true
                               << QStringList {QStringLiteral("Namespace a 5:5#0"), QStringLiteral("Namespace b 10:5#0"),
                                               QStringLiteral("Node c 10:77#0")};
    QTest::newRow("json object after blank lines") << QByteArray("\n\n   {\"apiVersion\": \"v1\", \"kind\": \"Node\", "
                                                                 "\"metadata\": {\"name\": \"n\"}}\n")
                                                   << true << QStringList {QStringLiteral("Node n 3:4#0")};
    QTest::newRow("json array") << QByteArray("[\n  {\"apiVersion\": \"v1\", \"kind\": \"Node\", \"metadata\": "
                                              "{\"name\": \"n\"}},\n\t{\"apiVersion\": \"v1\", \"kind\": \"Node\", "
                                              "\"metadata\": {\"name\": \"m\"}}\n]\n")
                                << true
                                << QStringList {QStringLiteral("Node n 2:3#0"), QStringLiteral("Node m 3:2#0")};
}

void TestLoader::sourcePositions()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, isJson);
    QFETCH(QStringList, positions);
    auto s = isJson ? test::json(text.toStdString(), "pos.json") : test::yaml(text.toStdString(), "pos.yaml");
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QStringList got;
    for (const auto& id : objectsOf(*s)) {
        const ObjectMeta* m = findMeta(*s, id);
        QVERIFY(m);
        QCOMPARE(qs(m->source.file), isJson ? QStringLiteral("pos.json") : QStringLiteral("pos.yaml"));
        got << id + u' ' + QString::number(m->source.line) + u':' + QString::number(m->source.column) + u'#'
                + QString::number(m->source.document);
    }
    QCOMPARE(got, positions);
}

void TestLoader::anchorsAliasesAndMergeKeys()
{
    const std::string text = R"yaml(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: &name anchored
  namespace: ns
  labels: &labels
    app: web
    tier: front
  annotations:
    <<: *labels
    tier: overridden
    named: *name
rules:
- &readPods
  apiGroups: [""]
  resources: [pods]
  verbs: &readVerbs [get, list]
- *readPods
- <<: *readPods
  resources: [services]
- apiGroups: ["apps"]
  resources: [deployments]
  verbs: *readVerbs
- <<: [{verbs: [create]}, {resources: [secrets], verbs: [delete]}]
  apiGroups: [""]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
  namespace: ns
roleRef: &ref {apiGroup: rbac.authorization.k8s.io, kind: Role, name: anchored}
subjects:
- &alice {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
- <<: *alice
  name: bob
)yaml";
    auto s = test::yaml(text);
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    const Role* r = s->findRole("ns", "anchored");
    QVERIFY(r);
    QCOMPARE(r->meta.labels, (StringMap {{"app", "web"}, {"tier", "front"}}));
    QCOMPARE(r->meta.annotations, (StringMap {{"app", "web"}, {"tier", "overridden"}, {"named", "anchored"}}));
    QCOMPARE(r->rules.size(), std::size_t(5));
    const PolicyRule readPods {{"get", "list"}, {""}, {"pods"}, {}, {}};
    QCOMPARE(r->rules[0], readPods);
    QCOMPARE(r->rules[1], readPods);
    QCOMPARE(r->rules[2], (PolicyRule {{"get", "list"}, {""}, {"services"}, {}, {}}));
    QCOMPARE(r->rules[3], (PolicyRule {{"get", "list"}, {"apps"}, {"deployments"}, {}, {}}));
    // In a merge sequence, earlier maps win over later ones.
    QCOMPARE(r->rules[4], (PolicyRule {{"create"}, {""}, {"secrets"}, {}, {}}));

    QCOMPARE(s->bindings.size(), std::size_t(1));
    const auto& b = s->bindings[0];
    QCOMPARE(qs(b.roleRef.name), QStringLiteral("anchored"));
    QCOMPARE(b.subjects.size(), std::size_t(2));
    QCOMPARE(qs(b.subjects[1].kind), QStringLiteral("User"));
    QCOMPARE(qs(b.subjects[1].name), QStringLiteral("bob"));
    QCOMPARE(qs(b.subjects[1].apiGroup), QStringLiteral("rbac.authorization.k8s.io"));
}

void TestLoader::mergeKeyAtDocumentRoot()
{
    // A merge key directly in the document's root mapping (as sigs.k8s.io/yaml accepts it).
    const std::string text = "x-common: &common\n"
                             "  apiVersion: rbac.authorization.k8s.io/v1\n"
                             "  kind: ClusterRole\n"
                             "<<: *common\n"
                             "metadata:\n"
                             "  name: merged\n"
                             "rules: []\n";
    auto s = test::yaml(text);
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QVERIFY(s->findClusterRole("merged"));
}

void TestLoader::aliasOfAnchorInUnreadSubtree()
{
    // The anchor sits in a subtree the reader never needs (a container's command); the alias is in a field it reads.
    const std::string text = "apiVersion: v1\n"
                             "kind: Pod\n"
                             "metadata: {name: p, namespace: ns}\n"
                             "spec:\n"
                             "  containers:\n"
                             "  - name: app\n"
                             "    workingDir: &who runner\n"
                             "  serviceAccountName: *who\n";
    auto s = test::yaml(text);
    QVERIFY2(s->report.diagnostics.empty(), s->report.toText().c_str());
    QCOMPARE(s->workloads.size(), std::size_t(1));
    QCOMPARE(qs(s->workloads[0].pod.serviceAccountName), QStringLiteral("runner"));
}

void TestLoader::progressAndCancel()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QVERIFY(writeFile(tmp.filePath(QStringLiteral("a.yaml")), roleYaml("a", "ns", "get")));
    QVERIFY(writeFile(tmp.filePath(QStringLiteral("b.yaml")), roleYaml("b", "ns", "get")));
    QStringList calls;
    io::LoadCallbacks cb;
    cb.progress = [&](std::size_t done, std::size_t total, const std::string& file) {
        calls << QString::number(done) + u'/' + QString::number(total) + u' ' + QFileInfo(qs(file)).fileName();
    };
    auto s = io::loadSnapshot({tmp.path().toStdString()}, {}, cb);
    QCOMPARE(s->roles.size(), std::size_t(2));
    QCOMPARE(calls, (QStringList {QStringLiteral("0/2 a.yaml"), QStringLiteral("1/2 b.yaml"), QStringLiteral("2/2 ")}));

    // Cancel once the second file is announced: the first file is loaded, the second is not.
    bool secondAnnounced = false;
    cb.progress = [&](std::size_t done, std::size_t, const std::string&) { secondAnnounced = done >= 1; };
    cb.canceled = [&] { return secondAnnounced; };
    auto c = io::loadSnapshot({tmp.path().toStdString()}, {}, cb);
    QCOMPARE(objectsOf(*c), QStringList {QStringLiteral("Role ns/a")});
}

QTEST_GUILESS_MAIN(TestLoader)
#include "tst_loader.moc"
