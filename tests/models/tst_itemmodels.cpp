// SPDX-License-Identifier: Apache-2.0
// Every item model and proxy under QAbstractItemModelTester, on the demo snapshot, while data, filters and sorting
// change; plus what the models say about the planted problems.
#include "models/analysis/identity.h"
#include "models/item/accessmatrixmodel.h"
#include "models/item/subjecttreemodel.h"
#include "models/item/whocanmodel.h"
#include "testutils.h"

#include <QAbstractItemModelTester>
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

QTEST_GUILESS_MAIN(TestItemModels)
#include "tst_itemmodels.moc"
