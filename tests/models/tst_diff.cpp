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

QTEST_GUILESS_MAIN(TestDiff)
#include "tst_diff.moc"
