// SPDX-License-Identifier: Apache-2.0
// Subject and snapshot diffs: permission cells with provenance on both sides, structure, group-inherited grants,
// aggregated roles changing underneath, resourceNames narrowing, recreated objects, exports.
#include "models/analysis/diff.h"
#include "models/io/diffexport.h"
#include "testutils.h"

#include <QJsonArray>
#include <QTest>

using namespace rbx;

namespace {

const char* kBase = R"(
apiVersion: v1
kind: ServiceAccount
metadata: {name: a, namespace: ns1, uid: uid-a}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: b, namespace: ns1, uid: uid-b}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: c, namespace: ns2}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ns-reader}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: all-sas-in-ns1, namespace: ns1}
roleRef: {kind: ClusterRole, name: ns-reader}
subjects: [{kind: Group, name: "system:serviceaccounts:ns1"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: "true"}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: leaf, labels: {agg: "true"}}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: a-agg, namespace: ns1}
roleRef: {kind: ClusterRole, name: agg}
subjects: [{kind: ServiceAccount, name: a}]
)";

std::shared_ptr<Policy> policyOf(const std::string& yaml)
{
    auto s = test::yaml(yaml);
    return std::make_shared<Policy>(s);
}

const CellDiff* findCell(const SubjectDiff& d, const std::string& ns, const std::string& resource, const std::string& verb)
{
    for (const auto& c : d.cells)
        if (c.ns == ns && c.resource == resource && c.verb == verb)
            return &c;
    return nullptr;
}

std::string replaced(std::string s, const std::string& from, const std::string& to)
{
    const auto pos = s.find(from);
    if (pos != std::string::npos)
        s.replace(pos, from.size(), to);
    return s;
}

const SubjectRef kA {SubjectKind::ServiceAccount, "ns1", "a"};
const SubjectRef kB {SubjectKind::ServiceAccount, "ns1", "b"};
const SubjectRef kC {SubjectKind::ServiceAccount, "ns2", "c"};

} // namespace

class TestDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sameSubjectIsEqual();
    void twoSubjectsWithProvenance();
    void groupInheritedGrantsAreShared();
    void aggregatedRoleChangesUnderneath();
    void resourceNamesNarrowing();
    void recreatedAndChangedObjects();
    void realFixturesClusterVersusNamespaceInstall();
    void exports();
    void symmetricOnDemo_data();
    void symmetricOnDemo();
    void newAndGoneFindings_data();
    void newAndGoneFindings();
    void tokenStateChanges_data();
    void tokenStateChanges();
    void snapshotDiffExportsFindingsAndTokens();
};

void TestDiff::sameSubjectIsEqual()
{
    auto p = policyOf(kBase);
    const auto d = diffSubjects(*p, kA, *p, kA);
    QVERIFY(d.equal());
    QVERIFY(d.sameAllowed > 0);
}

void TestDiff::twoSubjectsWithProvenance()
{
    auto p = policyOf(kBase);
    const auto d = diffSubjects(*p, kA, *p, kB);
    QVERIFY(!d.equal());
    const auto* secrets = findCell(d, "ns1", "secrets", "get");
    QVERIFY(secrets);
    QCOMPARE(secrets->a, Access::Yes);
    QCOMPARE(secrets->b, Access::No);
    QCOMPARE(secrets->whyA.size(), std::size_t(1));
    QVERIFY(secrets->whyB.empty());
    // The provenance names the aggregated role and its source.
    const auto& er = p->effectiveRules(secrets->whyA.front().role)[secrets->whyA.front().rule];
    QCOMPARE(p->snapshot().roles[er.sourceRole].meta.name, std::string("leaf"));
    QCOMPARE(d.structure.bindings.onlyA.size(), std::size_t(1));
    QVERIFY(d.structure.bindings.onlyB.empty());
    QCOMPARE(d.structure.roles.onlyA, std::vector<std::string> {"ClusterRole agg"});
    // Only ns1 differs; cluster scope holds nothing for either.
    for (const auto& c : d.cells)
        QCOMPARE(c.ns, std::string("ns1"));
}

void TestDiff::groupInheritedGrantsAreShared()
{
    auto p = policyOf(kBase);
    // a and b both read configmaps in ns1 through the group system:serviceaccounts:ns1: not a difference.
    const auto ab = diffSubjects(*p, kA, *p, kB);
    QVERIFY(!findCell(ab, "ns1", "configmaps", "get"));
    // c (ns2) is not in that group: b has it, c does not, and the why names the group binding.
    const auto bc = diffSubjects(*p, kB, *p, kC);
    const auto* cell = findCell(bc, "ns1", "configmaps", "list");
    QVERIFY(cell);
    QCOMPARE(cell->a, Access::Yes);
    QCOMPARE(cell->b, Access::No);
    const auto& binding = p->snapshot().bindings[cell->whyA.front().binding];
    QCOMPARE(binding.meta.name, std::string("all-sas-in-ns1"));
    QCOMPARE(binding.subjects[cell->whyA.front().subject].kind, std::string("Group"));
}

void TestDiff::aggregatedRoleChangesUnderneath()
{
    auto before = policyOf(kBase);
    // A new labelled ClusterRole joins the aggregation: nothing changes on a's binding, yet a gains access.
    auto after = policyOf(std::string(kBase) + R"(
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: leaf2, labels: {agg: "true"}}
rules: [{apiGroups: [apps], resources: [deployments], verbs: [delete]}]
)");
    const auto d = diffSnapshots(*before, *after);
    QVERIFY(!d.equal());
    bool aggChanged = false;
    bool leafAdded = false;
    for (const auto& o : d.objects) {
        aggChanged = aggChanged || (o.kind == "ClusterRole" && o.name == "agg" && o.change == "changed");
        leafAdded = leafAdded || (o.kind == "ClusterRole" && o.name == "leaf2" && o.change == "added");
    }
    QVERIFY(aggChanged);
    QVERIFY(leafAdded);
    QCOMPARE(d.serviceAccounts.size(), std::size_t(1));
    const auto& sa = d.serviceAccounts.front();
    QCOMPARE(sa.a, kA);
    const auto* cell = findCell(sa, "ns1", "deployments", "delete");
    QVERIFY(cell);
    QCOMPARE(cell->a, Access::No);
    QCOMPARE(cell->b, Access::Yes);
    const auto& er = after->effectiveRules(cell->whyB.front().role)[cell->whyB.front().rule];
    QCOMPARE(after->snapshot().roles[er.sourceRole].meta.name, std::string("leaf2"));
}

void TestDiff::resourceNamesNarrowing()
{
    auto before = policyOf(kBase);
    auto after = policyOf(replaced(kBase, "rules: [{apiGroups: [\"\"], resources: [secrets], verbs: [get]}]",
                                   "rules: [{apiGroups: [\"\"], resources: [secrets], resourceNames: [tls], verbs: [get]}]"));
    const auto d = diffSubjects(*before, kA, *after, kA);
    const auto* cell = findCell(d, "ns1", "secrets", "get");
    QVERIFY(cell);
    QCOMPARE(cell->a, Access::Yes);
    QCOMPARE(cell->b, Access::Partial);
    QCOMPARE(cell->namesB, std::vector<std::string> {"tls"});
}

void TestDiff::recreatedAndChangedObjects()
{
    auto before = policyOf(kBase);
    auto after = policyOf(replaced(replaced(kBase, "uid: uid-b", "uid: uid-b2"), "metadata: {name: c, namespace: ns2}",
                                   "metadata: {name: c, namespace: ns2}\nautomountServiceAccountToken: false"));
    const auto d = diffSnapshots(*before, *after);
    std::vector<std::string> changes;
    for (const auto& o : d.objects)
        changes.push_back(o.kind + ' ' + o.ns + '/' + o.name + ": " + o.change);
    QCOMPARE(changes, (std::vector<std::string> {"ServiceAccount ns1/b: recreated (new UID)",
                                                 "ServiceAccount ns2/c: changed"}));
    QCOMPARE(d.serviceAccounts.size(), std::size_t(1)); // c's automount changed; access did not
    QCOMPARE(d.serviceAccounts.front().structure.automountA, std::string("unset (on)"));
    QCOMPARE(d.serviceAccounts.front().structure.automountB, std::string("off"));
}

void TestDiff::realFixturesClusterVersusNamespaceInstall()
{
    // Argo CD's cluster-wide install against its namespace-scoped install (both real manifests, namespace argocd by
    // default: their namespaced objects carry none).
    io::LoadOptions options;
    options.defaultNamespace = "argocd";
    auto cluster = std::make_shared<Policy>(io::loadSnapshot({test::dataPath("fixtures/argo-cd/install.yaml")}, options));
    auto scoped =
        std::make_shared<Policy>(io::loadSnapshot({test::dataPath("fixtures/argo-cd/namespace-install.yaml")}, options));
    const SubjectRef controller {SubjectKind::ServiceAccount, "argocd", "argocd-application-controller"};
    const auto d = diffSubjects(*cluster, controller, *scoped, controller);
    QVERIFY(!d.equal());
    // Cluster-wide, the controller loses everything (its ClusterRoleBinding is gone); in argocd it keeps its Role.
    std::size_t lostClusterWide = 0;
    for (const auto& c : d.cells) {
        if (c.ns.empty())
            lostClusterWide += c.a != Access::No && c.b == Access::No;
        QVERIFY(!(c.b != Access::No && c.a == Access::No && c.ns.empty())); // nothing gained cluster-wide
    }
    QVERIFY(lostClusterWide > 100);
    QVERIFY(!d.structure.bindings.onlyA.empty());
    const auto snap = diffSnapshots(*cluster, *scoped);
    bool crbRemoved = false;
    for (const auto& o : snap.objects)
        crbRemoved = crbRemoved || (o.kind == "ClusterRoleBinding" && o.change == "removed");
    QVERIFY(crbRemoved);
}

void TestDiff::exports()
{
    auto p = policyOf(kBase);
    const auto d = diffSubjects(*p, kA, *p, kB);
    const auto json = io::subjectDiffJson(*p, *p, d);
    QCOMPARE(json.value(QStringLiteral("a")).toString(), QStringLiteral("system:serviceaccount:ns1:a"));
    QCOMPARE(json.value(QStringLiteral("equal")).toBool(), false);
    const auto cells = json.value(QStringLiteral("cells")).toArray();
    QCOMPARE(cells.size(), static_cast<qsizetype>(d.cells.size()));
    const auto first = cells.first().toObject();
    for (const char* key : {"namespace", "group", "resource", "verb", "a", "b", "whyA", "whyB"})
        QVERIFY2(first.contains(QLatin1String(key)), key);
    const auto yaml = io::jsonToYaml(json);
    QVERIFY(yaml.find("a: \"system:serviceaccount:ns1:a\"") != std::string::npos);
    const auto md = io::subjectDiffMarkdown(*p, *p, d);
    QVERIFY(md.find("| ns1 | secrets | get | yes | no |") != std::string::npos);
    const auto html = io::markdownToHtml(md, "diff");
    QVERIFY(html.find("<table>") != std::string::npos);
    QVERIFY(html.find("<td>secrets</td>") != std::string::npos);
}

void TestDiff::symmetricOnDemo_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("equal");
    QTest::addRow("deployer vs payments-api") << "payments:deployer" << "payments:payments-api" << false;
    QTest::addRow("ci-runner vs jenkins (both cluster-admin)") << "team-a:ci-runner" << "legacy-apps:jenkins" << false;
    QTest::addRow("default vs default") << "team-a:default" << "legacy-apps:default" << false;
    QTest::addRow("itself") << "payments:payments-operator" << "payments:payments-operator" << true;
    QTest::addRow("missing SA vs existing") << "payments:metrics-scraper" << "payments:default" << false;
}

void TestDiff::symmetricOnDemo()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, equal);
    static const auto demo = std::make_shared<Policy>(io::loadSnapshot({RBX_SOURCE_DIR "/resources/demo"}));
    auto ref = [](const QString& s) {
        const auto parts = s.split(u':');
        return SubjectRef {SubjectKind::ServiceAccount, parts[0].toStdString(), parts[1].toStdString()};
    };
    const auto ab = diffSubjects(*demo, ref(a), *demo, ref(b));
    const auto ba = diffSubjects(*demo, ref(b), *demo, ref(a));
    QCOMPARE(ab.equal(), equal);
    QCOMPARE(ab.cells.size(), ba.cells.size());
    QCOMPARE(ab.sameAllowed, ba.sameAllowed);
    QCOMPARE(ab.same.size(), ab.sameAllowed);
    for (std::size_t i = 0; i < ab.cells.size(); ++i) {
        QCOMPARE(ab.cells[i].a, ba.cells[i].b);
        QCOMPARE(ab.cells[i].b, ba.cells[i].a);
        QCOMPARE(ab.cells[i].whyA.size(), ba.cells[i].whyB.size());
        // Every allowed side carries its provenance, every denied side none.
        QCOMPARE(ab.cells[i].whyA.empty(), ab.cells[i].a == Access::No);
    }
    QCOMPARE(ab.structure.bindings.onlyA, ba.structure.bindings.onlyB);
}

namespace {

QStringList findingIds(const std::vector<Finding>& findings)
{
    QStringList ids;
    for (const auto& f : findings)
        ids << test::qs(f.id);
    return ids;
}

// A legacy token Secret of ServiceAccount ns1/a; empty label values leave the label out.
std::string tokenSecret(const std::string& name, const std::string& created, const std::string& lastUsed,
                        const std::string& invalidSince = {})
{
    std::string labels;
    if (!lastUsed.empty())
        labels += "kubernetes.io/legacy-token-last-used: \"" + lastUsed + "\", ";
    if (!invalidSince.empty())
        labels += "kubernetes.io/legacy-token-invalid-since: \"" + invalidSince + "\", ";
    return "\n---\napiVersion: v1\nkind: Secret\ntype: kubernetes.io/service-account-token\nmetadata: {name: " + name
        + ", namespace: ns1, creationTimestamp: \"" + created + "T00:00:00Z\", labels: {" + labels
        + "}, annotations: {kubernetes.io/service-account.name: a}}\n";
}

// Something dated, so that "today" of a snapshot (its newest date) moves on.
std::string datedNamespace(const std::string& date)
{
    return "\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns1, creationTimestamp: \"" + date
        + "T00:00:00Z\"}\n";
}

} // namespace

void TestDiff::newAndGoneFindings_data()
{
    QTest::addColumn<QString>("after"); // replacement "from=>to" applied to kBase, or "+yaml" appended
    QTest::addColumn<QStringList>("added");
    QTest::addColumn<QStringList>("gone");
    QTest::addRow("automount off on c") << QStringLiteral("metadata: {name: c, namespace: ns2}=>metadata: {name: c, "
                                                         "namespace: ns2}\nautomountServiceAccountToken: false")
                                        << QStringList {} << QStringList {QStringLiteral("RBX-SA-003:ServiceAccount/ns2/c")};
    QTest::addRow("binding to a missing SA")
        << QStringLiteral("+\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: ghost, "
                          "namespace: ns1}\nroleRef: {kind: ClusterRole, name: ns-reader}\nsubjects: [{kind: "
                          "ServiceAccount, name: ghost, namespace: ns1}]\n")
        << QStringList {QStringLiteral("RBX-BND-002:")} << QStringList {};
    QTest::addRow("a loses secrets")
        << QStringLiteral("subjects: [{kind: ServiceAccount, name: a}]=>subjects: [{kind: ServiceAccount, name: b, "
                          "namespace: ns2}]")
        << QStringList {QStringLiteral("RBX-BND-002:")} << QStringList {QStringLiteral("RBX-RBAC-004:ServiceAccount/ns1/a")};
    QTest::addRow("nothing changes") << QString() << QStringList {} << QStringList {};
}

void TestDiff::newAndGoneFindings()
{
    QFETCH(QString, after);
    QFETCH(QStringList, added);
    QFETCH(QStringList, gone);
    std::string yaml = kBase;
    if (after.startsWith(u'+')) {
        yaml += after.mid(1).toStdString();
    } else if (!after.isEmpty()) {
        const auto parts = after.split(QStringLiteral("=>"));
        yaml = replaced(yaml, parts[0].toStdString(), parts[1].toStdString());
        QVERIFY(yaml != kBase);
    }
    auto a = policyOf(kBase);
    auto b = policyOf(yaml);
    const auto d = diffSnapshots(*a, *b);
    const auto newIds = findingIds(d.newFindings);
    const auto goneIds = findingIds(d.goneFindings);
    auto containsPrefix = [](const QStringList& ids, const QString& prefix) {
        return std::any_of(ids.begin(), ids.end(), [&](const QString& id) { return id.startsWith(prefix); });
    };
    for (const auto& id : added)
        QVERIFY2(containsPrefix(newIds, id), qPrintable(id + QStringLiteral(" not in ") + newIds.join(u',')));
    for (const auto& id : gone)
        QVERIFY2(containsPrefix(goneIds, id), qPrintable(id + QStringLiteral(" not in ") + goneIds.join(u',')));
    if (added.isEmpty())
        QVERIFY2(newIds.isEmpty(), qPrintable(newIds.join(u',')));
    if (gone.isEmpty())
        QVERIFY2(goneIds.isEmpty(), qPrintable(goneIds.join(u',')));
    QCOMPARE(d.equal(), after.isEmpty());
    // A finding on both sides is neither new nor gone.
    for (const auto& id : newIds)
        QVERIFY(!goneIds.contains(id));
    // The engine's own helper agrees, and is symmetric.
    const auto [back, forth] = diffFindings(computeFindings(*b), computeFindings(*a));
    QCOMPARE(findingIds(back), goneIds);
    QCOMPARE(findingIds(forth), newIds);
}

void TestDiff::tokenStateChanges_data()
{
    QTest::addColumn<QString>("before");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QString>("change"); // what the diff says, in words (a prefix of one change); "" = none
    const auto t = [](const std::string& s) { return test::qs(s); };
    QTest::addRow("new legacy token") << QString() << t(tokenSecret("tok", "2024-01-01", "2024-05-01"))
                                      << QStringLiteral("new legacy token (manually created, last used 2024-05-01)");
    QTest::addRow("deleted") << t(tokenSecret("tok", "2024-01-01", "2024-05-01")) << QString()
                             << QStringLiteral("legacy token deleted (was active)");
    QTest::addRow("now invalid") << t(tokenSecret("tok", "2024-01-01", "2024-05-01"))
                                 << t(tokenSecret("tok", "2024-01-01", "2024-05-01", "2025-05-02"))
                                 << QStringLiteral("now invalid since 2025-05-02");
    QTest::addRow("now unused") << t(tokenSecret("tok", "2024-01-01", "2024-05-01"))
                                << t(tokenSecret("tok", "2024-01-01", "2024-05-01") + datedNamespace("2024-08-01"))
                                << QStringLiteral("now unused (last used 2024-05-01, not within 30 days)");
    QTest::addRow("in use again") << t(tokenSecret("tok", "2024-01-01", "2024-05-01") + datedNamespace("2024-08-01"))
                                  << t(tokenSecret("tok", "2024-01-01", "2024-08-01"))
                                  << QStringLiteral("in use again (last used 2024-08-01)");
    QTest::addRow("first use") << t(tokenSecret("tok", "2024-05-01", ""))
                               << t(tokenSecret("tok", "2024-05-01", "2024-05-02"))
                               << QStringLiteral("used for the first time (last used 2024-05-02)");
    QTest::addRow("unchanged") << t(tokenSecret("tok", "2024-01-01", "2024-05-01"))
                               << t(tokenSecret("tok", "2024-01-01", "2024-05-01")) << QString();
}

void TestDiff::tokenStateChanges()
{
    QFETCH(QString, before);
    QFETCH(QString, after);
    QFETCH(QString, change);
    auto a = policyOf(std::string(kBase) + before.toStdString());
    auto b = policyOf(std::string(kBase) + after.toStdString());
    const auto d = diffSnapshots(*a, *b);
    if (change.isEmpty()) {
        QVERIFY(d.tokens.empty());
        return;
    }
    QCOMPARE(d.tokens.size(), std::size_t(1));
    const auto& tc = d.tokens.front();
    QCOMPARE(tc.ns, std::string("ns1"));
    QCOMPARE(tc.secret, std::string("tok"));
    QCOMPARE(tc.serviceAccount, std::string("a"));
    QVERIFY2(test::qs(tc.text()).startsWith(change), tc.text().c_str());
    QVERIFY(!d.equal());
    // The object list says the same in words, not as raw label values.
    for (const auto& o : d.objects)
        if (o.kind == "Secret" && o.change == "changed")
            QCOMPARE(o.detail, tc.text());
}

void TestDiff::snapshotDiffExportsFindingsAndTokens()
{
    auto a = policyOf(std::string(kBase) + tokenSecret("tok", "2024-01-01", "2024-05-01"));
    auto b = policyOf(std::string(kBase) + tokenSecret("tok", "2024-01-01", "2024-05-01", "2025-05-02")
                      + "\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: ghost, "
                        "namespace: ns1}\nroleRef: {kind: ClusterRole, name: ns-reader}\nsubjects: [{kind: "
                        "ServiceAccount, name: ghost, namespace: ns1}]\n");
    const auto d = diffSnapshots(*a, *b);
    QVERIFY(!d.newFindings.empty());
    const auto json = io::snapshotDiffJson(*a, *b, d);
    const auto tokens = json.value(QStringLiteral("tokens")).toArray();
    QCOMPARE(tokens.size(), 1);
    QCOMPARE(tokens.first().toObject().value(QStringLiteral("secret")).toString(), QStringLiteral("tok"));
    QVERIFY(tokens.first()
                .toObject()
                .value(QStringLiteral("changes"))
                .toArray()
                .contains(QStringLiteral("now invalid since 2025-05-02")));
    const auto added = json.value(QStringLiteral("newFindings")).toArray();
    QCOMPARE(added.size(), static_cast<qsizetype>(d.newFindings.size()));
    bool ghost = false;
    for (const auto& v : added) {
        const auto f = v.toObject();
        for (const char* key : {"id", "ruleId", "severity", "title", "object"})
            QVERIFY2(f.contains(QLatin1String(key)), key);
        ghost = ghost || f.value(QStringLiteral("ruleId")).toString() == QLatin1String("RBX-BND-002");
    }
    QVERIFY(ghost);
    QVERIFY(json.value(QStringLiteral("goneFindings")).isArray());
    const auto md = io::snapshotDiffMarkdown(*a, *b, d);
    QVERIFY(md.find("## New findings") != std::string::npos);
    QVERIFY(md.find("| RBX-BND-002 |") != std::string::npos);
    QVERIFY(md.find("## Legacy tokens") != std::string::npos);
    QVERIFY(md.find("| ns1/tok | a | now invalid since 2025-05-02") != std::string::npos);
    const auto html = io::markdownToHtml(md, "diff");
    QVERIFY(html.find("<h2>New findings</h2>") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestDiff)
#include "tst_diff.moc"
