// SPDX-License-Identifier: Apache-2.0
// Every item model and proxy under QAbstractItemModelTester, on the demo snapshot, while data, filters and sorting
// change; plus what the models say about the planted problems.
#include "models/analysis/findings.h"
#include "models/analysis/identity.h"
#include "models/item/accessmatrixmodel.h"
#include "models/item/basketmodel.h"
#include "models/item/diffmodels.h"
#include "models/item/subjecttreemodel.h"
#include "models/item/whocanmodel.h"
#include "testutils.h"

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace rbx;

class TestItemModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void subjectTree();
    void subjectBadges_data();
    void subjectBadges();
    void accessMatrix();
    void anyNamespaceMatrix();
    void heatMap();
    void whoCan();
    void whoCanProxy();
    void basket();
    void diffSides_data();
    void diffSides();
    void diffList();
    void snapshotDiff();

private:
    std::shared_ptr<const Policy> m_policy;
};

void TestItemModels::initTestCase()
{
    auto snapshot = io::loadSnapshot({RBX_SOURCE_DIR "/resources/demo"});
    QCOMPARE(snapshot->report.errorCount(), std::size_t(0));
    m_policy = std::make_shared<Policy>(snapshot);
}

void TestItemModels::subjectTree()
{
    SubjectTreeModel model;
    SubjectFilterProxy proxy;
    QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(&model);
    QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPolicy(m_policy);
    QVERIFY(model.rowCount() >= 11); // namespaces, then Users and Groups
    proxy.setText(QStringLiteral("deployer"));
    QCOMPARE(proxy.rowCount(), 1); // only the payments folder keeps a match
    QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("payments"));
    proxy.setText({});
    proxy.setRequiredBadges(SubjectTreeModel::ClusterAdminBadge);
    int admins = 0;
    for (int f = 0; f < proxy.rowCount(); ++f)
        admins += proxy.rowCount(proxy.index(f, 0));
    QVERIFY(admins >= 3); // jenkins, ci-runner, argocd-application-controller (+ groups such as system:masters)
    proxy.setRequiredBadges(0);
    proxy.sort(0, Qt::DescendingOrder);
    model.setPolicy(nullptr);
    QCOMPARE(model.rowCount(), 0);
}

void TestItemModels::subjectBadges_data()
{
    QTest::addColumn<QString>("ns");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("present");
    QTest::addColumn<int>("absent");
    using M = SubjectTreeModel;
    QTest::addRow("ci-runner") << "team-a" << "ci-runner"
                               << int(M::ClusterAdminBadge | M::LegacyTokenBadge | M::CloudIdentityBadge)
                               << int(M::DanglingBadge | M::DefaultBadge);
    QTest::addRow("binding to a missing SA") << "payments" << "metrics-scraper" << int(M::DanglingBadge)
                                             << int(M::AutomountBadge);
    QTest::addRow("orphaned token") << "legacy-apps" << "old-ci" << int(M::DanglingBadge | M::LegacyTokenBadge) << 0;
    QTest::addRow("default, automount off") << "payments" << "default" << int(M::DefaultBadge)
                                            << int(M::AutomountBadge);
    QTest::addRow("default, automount on, token") << "team-a" << "default"
                                                  << int(M::DefaultBadge | M::AutomountBadge | M::LegacyTokenBadge)
                                                  << int(M::UnusedBadge);
    QTest::addRow("unused") << "team-a" << "report-generator" << int(M::UnusedBadge) << int(M::ClusterAdminBadge);
}

void TestItemModels::subjectBadges()
{
    QFETCH(QString, ns);
    QFETCH(QString, name);
    QFETCH(int, present);
    QFETCH(int, absent);
    SubjectTreeModel model;
    model.setPolicy(m_policy);
    const auto index = model.indexOf({SubjectKind::ServiceAccount, ns.toStdString(), name.toStdString()});
    QVERIFY(index.isValid());
    const int badges = index.data(SubjectTreeModel::BadgesRole).toInt();
    QCOMPARE(badges & present, present);
    QCOMPARE(badges & absent, 0);
    QVERIFY(!SubjectTreeModel::badgeText(badges).isEmpty() || badges == 0);
}

void TestItemModels::accessMatrix()
{
    AccessMatrixModel model;
    MatrixFilterProxy proxy;
    QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(&model);
    QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ResourceCatalog catalog(m_policy->snapshot());
    const auto user = impersonate("system:serviceaccount:payments:payments-operator", {});
    model.setMatrix(m_policy, rbx::accessMatrix(*m_policy, user, "payments", defaultMatrixVerbs(),
                                                matrixRows(*m_policy, catalog)));
    QVERIFY(model.rowCount() > 100);
    QCOMPARE(model.columnCount(), 1 + static_cast<int>(defaultMatrixVerbs().size()));
    QCOMPARE(proxy.rowCount(), 8); // configmaps, secrets, services, deployments, statefulsets, 3 self-reviews
    proxy.setText(QStringLiteral("apps"));
    QCOMPARE(proxy.rowCount(), 2);
    proxy.setOnlyWithAccess(false);
    QVERIFY(proxy.rowCount() > 2);
    proxy.sort(1, Qt::DescendingOrder);
    // The tooltip of an allowed cell explains it with the chain.
    std::size_t row = 0;
    for (; row < model.matrix().rows.size(); ++row)
        if (model.matrix().rows[row].resource == "secrets")
            break;
    const auto tip = model.index(static_cast<int>(row), AccessMatrixModel::FirstVerbColumn).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("payments-operator-secrets")), qPrintable(tip)); // the aggregated source role
}

void TestItemModels::anyNamespaceMatrix()
{
    ResourceCatalog catalog(m_policy->snapshot());
    const auto rows = matrixRows(*m_policy, catalog);
    const auto user = impersonate("system:serviceaccount:payments:deployer", {});
    const auto any = accessMatrixAnyNamespace(*m_policy, user, {"create"}, rows);
    const auto own = rbx::accessMatrix(*m_policy, user, "payments", {"create"}, rows);
    const auto kubeSystem = rbx::accessMatrix(*m_policy, user, "kube-system", {"create"}, rows);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const auto best = std::max(own.cell(r, 0).access, kubeSystem.cell(r, 0).access);
        QVERIFY(any.cell(r, 0).access >= best);
        if (rows[r].group.empty() && rows[r].resource == "pods")
            QCOMPARE(any.cell(r, 0).access, Access::Yes); // through the kube-system RoleBinding
    }
}

void TestItemModels::heatMap()
{
    HeatMapModel model;
    HeatMapFilterProxy proxy;
    QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(&model);
    QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ResourceCatalog catalog(m_policy->snapshot());
    model.setHeatMap(rbx::heatMap(*m_policy, summarizeSubjects(*m_policy), matrixRows(*m_policy, catalog), writeVerbs()));
    QVERIFY(model.rowCount() > 80);
    proxy.sort(HeatMapModel::RiskColumn, Qt::DescendingOrder);
    const auto top = proxy.index(0, HeatMapModel::SubjectColumn).data().toString();
    QVERIFY2(top == QLatin1String("legacy-apps/jenkins") || top == QLatin1String("team-a/ci-runner")
                 || top == QLatin1String("argocd/argocd-application-controller"),
             qPrintable(top));
    proxy.setNamespace(QStringLiteral("payments"));
    for (int r = 0; r < proxy.rowCount(); ++r)
        QVERIFY(proxy.index(r, 0).data().toString().startsWith(QStringLiteral("payments/")));
    proxy.setMinimumRisk(1000000);
    QCOMPARE(proxy.rowCount(), 0);
}

void TestItemModels::whoCan()
{
    WhoCanModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Request req;
    req.resource = {"kube-system", "create", "", "", "pods", "", ""};
    model.setResult(m_policy, rbx::whoCan(*m_policy, req, false));
    QVERIFY(model.rowCount() >= 10);
    bool found = false;
    for (int r = 0; r < model.rowCount(); ++r)
        found = found || (model.index(r, WhoCanModel::NameColumn).data().toString() == QLatin1String("deployer")
                          && model.index(r, WhoCanModel::BindingColumn).data().toString().contains(QStringLiteral("payments-deployer")));
    QVERIFY(found);
    model.setResult(m_policy, {});
    QCOMPARE(model.rowCount(), 0);
}

void TestItemModels::whoCanProxy()
{
    // The Who-can page's stack: the model behind a QSortFilterProxyModel sorting on SortRole.
    WhoCanModel model;
    QSortFilterProxyModel proxy;
    proxy.setSortRole(WhoCanModel::SortRole);
    proxy.setDynamicSortFilter(true);
    proxy.setSourceModel(&model);
    QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(WhoCanModel::NameColumn, Qt::AscendingOrder);
    Request req;
    req.resource = {"kube-system", "create", "", "", "pods", "", ""};
    model.setResult(m_policy, rbx::whoCan(*m_policy, req, false));
    QCOMPARE(proxy.rowCount(), model.rowCount());
    QVERIFY(proxy.rowCount() >= 10);
    for (int c = 0; c < model.columnCount(); ++c) {
        proxy.sort(c, Qt::DescendingOrder);
        proxy.sort(c, Qt::AscendingOrder);
    }
    req.resource = {"payments", "get", "", "", "secrets", "", ""};
    model.setResult(m_policy, rbx::whoCan(*m_policy, req, false));
    QCOMPARE(proxy.rowCount(), model.rowCount());
    model.setResult(m_policy, {});
    QCOMPARE(proxy.rowCount(), 0);
}

void TestItemModels::basket()
{
    BasketModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<Fix> fixes;
    for (const auto& f : computeFindings(*m_policy))
        for (auto& fix : fixesFor(*m_policy, f))
            if (fixes.size() < 4 && std::none_of(fixes.begin(), fixes.end(), [&](const Fix& x) { return x.id == fix.id; }))
                fixes.push_back(std::move(fix));
    QCOMPARE(fixes.size(), std::size_t(4));
    for (const auto& fix : fixes)
        QVERIFY(model.add(fix));
    QVERIFY(!model.add(fixes.front())); // once only
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.index(2, 0).data(BasketModel::FixIdRole).toString(), test::qs(fixes[2].id));
    QCOMPARE(model.index(2, 0).data(BasketModel::FindingIdRole).toString(), test::qs(fixes[2].findingId));
    QVERIFY(!model.index(0, 0).data().toString().isEmpty());
    QVERIFY(model.remove(fixes[1].id)); // from the middle
    QVERIFY(!model.remove(fixes[1].id));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(1, 0).data(BasketModel::FixIdRole).toString(), test::qs(fixes[2].id));
    QVERIFY(!model.contains(fixes[1].id));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    model.clear(); // clearing an empty basket is fine too
}

void TestItemModels::diffSides_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<QString>("ns");
    QTest::addRow("deployer vs payments-api in kube-system") << "payments:deployer" << "payments:payments-api"
                                                             << "kube-system";
    QTest::addRow("operator vs itself in payments") << "payments:payments-operator" << "payments:payments-operator"
                                                    << "payments";
    QTest::addRow("ci-runner vs default, cluster scope") << "team-a:ci-runner" << "team-a:default" << "";
}

void TestItemModels::diffSides()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(QString, ns);
    DiffSideModel modelA(DiffSideModel::Side::A);
    DiffSideModel modelB(DiffSideModel::Side::B);
    DiffFilterProxy proxyA;
    DiffFilterProxy proxyB;
    proxyA.setSourceModel(&modelA);
    proxyB.setSourceModel(&modelB);
    QAbstractItemModelTester t1(&modelA, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&modelB, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t3(&proxyA, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t4(&proxyB, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto pair = std::make_shared<MatrixPair>();
    const auto rows = matrixRows(*m_policy, ResourceCatalog(m_policy->snapshot()));
    pair->a = rbx::accessMatrix(*m_policy, impersonate(serviceAccountShorthand(a.toStdString()).value(), {}),
                                ns.toStdString(), defaultMatrixVerbs(), rows);
    pair->b = rbx::accessMatrix(*m_policy, impersonate(serviceAccountShorthand(b.toStdString()).value(), {}),
                                ns.toStdString(), defaultMatrixVerbs(), rows);
    modelA.setPair(pair);
    modelB.setPair(pair);
    QCOMPARE(modelA.rowCount(), static_cast<int>(rows.size()));
    // Only differences: both sides show the same rows, and each cell's state is the mirror of the other side's.
    QCOMPARE(proxyA.rowCount(), proxyB.rowCount());
    int differing = 0;
    for (int r = 0; r < proxyA.rowCount(); ++r) {
        QCOMPARE(proxyA.index(r, 0).data().toString(), proxyB.index(r, 0).data().toString());
        for (int c = 1; c < proxyA.columnCount(); ++c) {
            const int sa = proxyA.index(r, c).data(DiffStateRole).toInt();
            const int sb = proxyB.index(r, c).data(DiffStateRole).toInt();
            if (sa == 1 && sb == 1)
                continue; // partial on both sides with different names
            QCOMPARE(sa, -sb);
            differing += sa != 0;
        }
    }
    if (a == b)
        QCOMPARE(proxyA.rowCount(), 0);
    else
        QVERIFY(differing > 0);
    // Everything, then only rows someone has access to, then a text filter, while the testers watch.
    proxyA.setOnlyDifferences(false);
    proxyA.setHideEmpty(false);
    QCOMPARE(proxyA.rowCount(), modelA.rowCount());
    proxyA.setHideEmpty(true);
    QVERIFY(proxyA.rowCount() <= modelA.rowCount());
    proxyA.setText(QStringLiteral("pods"));
    for (int r = 0; r < proxyA.rowCount(); ++r)
        QVERIFY(proxyA.index(r, 0).data().toString().contains(QStringLiteral("pods")));
    proxyA.sort(1, Qt::DescendingOrder);
    proxyA.sort(0, Qt::AscendingOrder);
    modelA.setPair(nullptr);
    modelB.setPair(nullptr);
    QCOMPARE(proxyA.rowCount(), 0);
}

void TestItemModels::diffList()
{
    DiffListModel model;
    QSortFilterProxyModel proxy; // as the Diff page sorts it
    proxy.setSortRole(MatrixSortRole);
    proxy.setSourceModel(&model);
    QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const SubjectRef deployer {SubjectKind::ServiceAccount, "payments", "deployer"};
    const SubjectRef api {SubjectKind::ServiceAccount, "payments", "payments-api"};
    auto d = std::make_shared<SubjectDiff>(diffSubjects(*m_policy, deployer, *m_policy, api));
    model.setDiff(d);
    QCOMPARE(model.rowCount(), static_cast<int>(d->cells.size()));
    QCOMPARE(model.columnCount(), int(DiffListModel::ColumnCount));
    bool podsCreate = false;
    for (int r = 0; r < model.rowCount(); ++r) {
        const auto* cell = model.cellAt(r);
        QVERIFY(cell);
        QCOMPARE(model.index(r, DiffListModel::VerbColumn).data().toString(), test::qs(cell->verb));
        podsCreate = podsCreate
            || (cell->ns == "kube-system" && cell->resource == "pods" && cell->verb == "create"
                && model.index(r, DiffListModel::AColumn).data().toString() == QLatin1String("yes")
                && model.index(r, DiffListModel::BColumn).data().toString() == QLatin1String("no"));
    }
    QVERIFY(podsCreate);
    QVERIFY(!model.cellAt(model.rowCount()));
    for (int c = 0; c < DiffListModel::ColumnCount; ++c)
        proxy.sort(c, Qt::DescendingOrder);
    model.setDiff(std::make_shared<SubjectDiff>(diffSubjects(*m_policy, deployer, *m_policy, deployer)));
    QCOMPARE(model.rowCount(), 0);
    model.setDiff(nullptr);
    QCOMPARE(proxy.rowCount(), 0);
}

void TestItemModels::snapshotDiff()
{
    SnapshotDiffModel model;
    QSortFilterProxyModel proxy;
    proxy.setRecursiveFilteringEnabled(true);
    proxy.setSourceModel(&model);
    QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto after = std::make_shared<Policy>(test::yaml(R"(apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-reader, namespace: shop}
roleRef: {kind: ClusterRole, name: reader}
subjects: [{kind: ServiceAccount, name: app}]
)"));
    auto before = std::make_shared<Policy>(test::yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"));
    model.setDiff(std::make_shared<SnapshotDiff>(diffSnapshots(*before, *after)));
    using M = SnapshotDiffModel;
    const auto access = model.groupIndex(M::AccessGroup);
    QVERIFY(access.isValid());
    QCOMPARE(model.rowCount(access), 1);
    const auto app = model.index(0, M::ItemColumn, access);
    QCOMPARE(app.data().toString(), QStringLiteral("shop/app"));
    QCOMPARE(app.data(M::SubjectRole).value<SubjectRef>(), (SubjectRef {SubjectKind::ServiceAccount, "shop", "app"}));
    QCOMPARE(app.data(M::GroupRole).toInt(), int(M::AccessGroup));
    QVERIFY(model.rowCount(app) == 0); // two levels only
    QCOMPARE(model.rowCount(model.groupIndex(M::AddedServiceAccountsGroup)), 1);
    QCOMPARE(model.rowCount(model.groupIndex(M::BindingsGroup)), 1);
    QCOMPARE(model.rowCount(model.groupIndex(M::RolesGroup)), 1);
    QVERIFY(!model.groupIndex(M::RemovedServiceAccountsGroup).isValid()); // empty groups are left out
    QVERIFY(!model.groupIndex(M::TokensGroup).isValid());
    QVERIFY(model.index(0, M::ItemColumn).data().toString().endsWith(QStringLiteral("(1)")));
    proxy.setFilterFixedString(QStringLiteral("app-reader"));
    proxy.setFilterKeyColumn(M::ItemColumn);
    QCOMPARE(proxy.rowCount(), 1); // the Bindings group, kept for its matching child
    proxy.setFilterFixedString({});
    proxy.sort(M::ItemColumn, Qt::DescendingOrder);
    // The other way round, the same changes are removals.
    model.setDiff(std::make_shared<SnapshotDiff>(diffSnapshots(*after, *before)));
    QCOMPARE(model.rowCount(model.groupIndex(M::RemovedServiceAccountsGroup)), 1);
    model.setDiff(std::make_shared<SnapshotDiff>(diffSnapshots(*after, *after)));
    QCOMPARE(model.rowCount(), 0);
    model.setDiff(nullptr);
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestItemModels)
#include "tst_itemmodels.moc"
