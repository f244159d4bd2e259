// SPDX-License-Identifier: Apache-2.0
// The Diff page comparing two whole snapshots, offscreen: after "Compare with snapshot…" it lists every ServiceAccount
// whose access changed, new and removed ServiceAccounts, bindings, roles, legacy tokens and findings; selecting a
// ServiceAccount shows its matrices side by side. Saves a screenshot at 1366x768 (build/screenshots or
// $SCREENSHOT_DIR).
#include "ui/diffpage.h"

#include "models/item/backgroundpool.h"
#include "models/item/diffmodels.h"
#include "testutils.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QHeaderView>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QTreeView>

using namespace rbx;

namespace {

// Before the change: the demo plus a ServiceAccount that is retired later, with its legacy token.
const char* kRetired = R"(apiVersion: v1
kind: ServiceAccount
metadata: {name: retired-bot, namespace: team-a}
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: retired-bot-token
  namespace: team-a
  creationTimestamp: "2025-01-10T00:00:00Z"
  labels: {kubernetes.io/legacy-token-last-used: "2026-11-20"}
  annotations: {kubernetes.io/service-account.name: retired-bot}
)";

// After: deployer can read everything in payments, and a new release bot is cluster-admin.
const char* kAdded = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployer-view, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: deployer}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: release-bot, namespace: payments}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: release-bot-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: release-bot, namespace: payments}]
)";

} // namespace

class TestDiffPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void listsEveryChange();
    void selectingAServiceAccountShowsItsMatrices();
    void removedServiceAccountIsComparable();
    void exportsTheWholeDiff();
    void hiddenPageComparesWhenShown();
    void newestComparisonWins();
    void sameSnapshotHidesTheList();

private:
    [[nodiscard]] QModelIndex rowOf(SnapshotDiffModel::Group group, const QString& item) const;
    QTemporaryDir m_dir;
    QString m_shots;
    std::shared_ptr<const Policy> m_before;
    std::unique_ptr<DiffPage> m_page;
};

void TestDiffPage::initTestCase()
{
    m_shots = qEnvironmentVariable("SCREENSHOT_DIR");
    if (m_shots.isEmpty())
        m_shots = QStringLiteral(RBX_BINARY_DIR "/screenshots");
    QDir().mkpath(m_shots);
    QVERIFY(m_dir.isValid());
    QVERIFY(test::writeFile(m_dir.filePath(QStringLiteral("retired.yaml")), kRetired));
    QVERIFY(test::writeFile(m_dir.filePath(QStringLiteral("added.yaml")), kAdded));
    m_before = std::make_shared<Policy>(
        io::loadSnapshot({RBX_SOURCE_DIR "/resources/demo", m_dir.filePath(QStringLiteral("retired.yaml")).toStdString()}));
    m_page = std::make_unique<DiffPage>();
    new QAbstractItemModelTester(m_page->changesModel(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 m_page.get());
    m_page->resize(1366, 768);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    m_page->setPolicy(m_before);
    QVERIFY(!m_page->changesView()->isVisible()); // one snapshot: nothing to list yet
    QSignalSpy ready(m_page.get(), &DiffPage::snapshotDiffComputed);
    m_page->compareWithSnapshot(
        {QStringLiteral(RBX_SOURCE_DIR "/resources/demo"), m_dir.filePath(QStringLiteral("added.yaml"))});
    QVERIFY(ready.wait(60000));
    QVERIFY(m_page->snapshotDiff());
    QVERIFY(m_page->changesView()->isVisible());
}

QModelIndex TestDiffPage::rowOf(SnapshotDiffModel::Group group, const QString& item) const
{
    auto* model = m_page->changesModel();
    const auto parent = model->groupIndex(group);
    for (int r = 0; r < model->rowCount(parent); ++r)
        if (model->index(r, SnapshotDiffModel::ItemColumn, parent).data().toString() == item)
            return model->index(r, SnapshotDiffModel::ItemColumn, parent);
    return {};
}

void TestDiffPage::listsEveryChange()
{
    const auto& d = *m_page->snapshotDiff();
    auto* model = m_page->changesModel();
    using M = SnapshotDiffModel;
    // Every group that has something is there, with as many rows as the diff has entries.
    QCOMPARE(model->rowCount(model->groupIndex(M::AccessGroup)), static_cast<int>(d.serviceAccounts.size()));
    QCOMPARE(model->rowCount(model->groupIndex(M::NewFindingsGroup)), static_cast<int>(d.newFindings.size()));
    QCOMPARE(model->rowCount(model->groupIndex(M::TokensGroup)), static_cast<int>(d.tokens.size()));
    QVERIFY(rowOf(M::AccessGroup, QStringLiteral("payments/deployer")).isValid());
    QVERIFY(rowOf(M::AccessGroup, QStringLiteral("payments/release-bot")).isValid());
    QVERIFY(rowOf(M::AddedServiceAccountsGroup, QStringLiteral("payments/release-bot")).isValid());
    QVERIFY(rowOf(M::RemovedServiceAccountsGroup, QStringLiteral("team-a/retired-bot")).isValid());
    QVERIFY(rowOf(M::BindingsGroup, QStringLiteral("RoleBinding payments/deployer-view")).isValid());
    QVERIFY(rowOf(M::BindingsGroup, QStringLiteral("ClusterRoleBinding release-bot-admin")).isValid());
    const auto token = rowOf(M::TokensGroup, QStringLiteral("team-a/retired-bot-token"));
    QVERIFY(token.isValid());
    QCOMPARE(token.siblingAtColumn(M::ChangeColumn).data().toString(),
             QStringLiteral("legacy token deleted (was active)"));
    QVERIFY(rowOf(M::NewFindingsGroup, QStringLiteral("RBX-RBAC-001 payments/release-bot")).isValid());
    // Nothing about roles changed: no empty group is shown.
    QVERIFY(!model->groupIndex(M::RolesGroup).isValid());
    // The deployer's row says what it gained, in words.
    const auto deployer = rowOf(M::AccessGroup, QStringLiteral("payments/deployer"));
    QVERIFY2(deployer.siblingAtColumn(M::ChangeColumn).data().toString().startsWith(u'+'),
             qPrintable(deployer.siblingAtColumn(M::ChangeColumn).data().toString()));
    QCOMPARE(model->subjectAt(deployer), std::optional<SubjectRef>(SubjectRef {SubjectKind::ServiceAccount, "payments", "deployer"}));
    QVERIFY(!model->subjectAt(token)); // a token row opens no matrices
}

void TestDiffPage::selectingAServiceAccountShowsItsMatrices()
{
    QSignalSpy computed(m_page.get(), &DiffPage::computed);
    const auto deployer = rowOf(SnapshotDiffModel::AccessGroup, QStringLiteral("payments/deployer"));
    m_page->changesView()->setCurrentIndex(deployer);
    QVERIFY(m_page->isComputing());
    QVERIFY(computed.wait(20000));
    QCOMPARE(computed.count(), 1);
    QVERIFY(m_page->diff());
    const SubjectRef ref {SubjectKind::ServiceAccount, "payments", "deployer"};
    QCOMPARE(m_page->diff()->a, ref);
    QCOMPARE(m_page->diff()->b, ref);
    bool gained = false;
    for (const auto& c : m_page->diff()->cells)
        gained = gained || (c.ns == "payments" && c.resource == "configmaps" && c.verb == "list" && c.b == Access::Yes
                            && c.a == Access::No);
    QVERIFY(gained);
    // Both matrices show the same (differing) rows.
    QVERIFY(m_page->sideView(true)->model()->rowCount() > 0);
    QCOMPARE(m_page->sideView(true)->model()->rowCount(), m_page->sideView(false)->model()->rowCount());
    QVERIFY(m_page->listView()->model()->rowCount() > 0);
    QCoreApplication::processEvents();
    QVERIFY(m_page->grab().save(m_shots + QStringLiteral("/diff-whole-snapshot-1366x768.png")));
}

void TestDiffPage::removedServiceAccountIsComparable()
{
    const auto retired = rowOf(SnapshotDiffModel::RemovedServiceAccountsGroup, QStringLiteral("team-a/retired-bot"));
    QVERIFY(retired.isValid());
    QSignalSpy computed(m_page.get(), &DiffPage::computed);
    m_page->changesView()->setCurrentIndex(retired);
    QVERIFY(computed.wait(20000));
    QVERIFY(m_page->diff());
    QCOMPARE(m_page->diff()->a.name, std::string("retired-bot"));
    QVERIFY(m_page->diff()->structure.existsA);
    QVERIFY(!m_page->diff()->structure.existsB);
    QCOMPARE(m_page->diff()->structure.tokens.onlyA.size(), std::size_t(1));
}

void TestDiffPage::exportsTheWholeDiff()
{
    QTemporaryDir dir;
    const auto file = dir.filePath(QStringLiteral("snapshot-diff.md"));
    QVERIFY(m_page->exportSnapshotDiffTo(file));
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto md = f.readAll();
    QVERIFY(md.contains("- new: payments/release-bot"));
    QVERIFY(md.contains("- removed: team-a/retired-bot"));
    QVERIFY(md.contains("## New findings"));
    QVERIFY(md.contains("| team-a/retired-bot-token | retired-bot | legacy token deleted (was active) |"));
}

void TestDiffPage::hiddenPageComparesWhenShown()
{
    const SubjectRef deployer {SubjectKind::ServiceAccount, "payments", "deployer"};
    const SubjectRef retired {SubjectKind::ServiceAccount, "team-a", "retired-bot"};
    QSignalSpy computed(m_page.get(), &DiffPage::computed);
    m_page->showServiceAccount(retired);
    QVERIFY(computed.wait(20000));
    m_page->hide();
    m_page->setSubjectA(deployer); // following the navigator while hidden: nothing computed yet
    QVERIFY(!m_page->isComputing());
    QCOMPARE(m_page->diff()->a, retired);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    QTRY_COMPARE_WITH_TIMEOUT(computed.count(), 2, 20000); // compared once shown
    QCOMPARE(m_page->diff()->a, deployer);
    QCOMPARE(m_page->diff()->b, deployer); // comparing snapshots: the same SA on both sides
}

void TestDiffPage::newestComparisonWins()
{
    const SubjectRef deployer {SubjectKind::ServiceAccount, "payments", "deployer"};
    const SubjectRef retired {SubjectKind::ServiceAccount, "team-a", "retired-bot"};
    QSignalSpy computed(m_page.get(), &DiffPage::computed);
    m_page->showServiceAccount(deployer);
    m_page->showServiceAccount(retired); // asked before the first result arrived: the first one is dropped
    QVERIFY(computed.wait(20000));
    backgroundPool()->waitForDone();
    QCoreApplication::processEvents();
    QCOMPARE(computed.count(), 1);
    QVERIFY(!m_page->isComputing());
    QCOMPARE(m_page->diff()->a, retired);
}

void TestDiffPage::sameSnapshotHidesTheList()
{
    m_page->setOtherPolicy(nullptr);
    QVERIFY(!m_page->snapshotDiff());
    QCOMPARE(m_page->changesModel()->rowCount(), 0);
    QVERIFY(!m_page->changesView()->isVisible());
}

QTEST_MAIN(TestDiffPage)
#include "tst_diffpage.moc"
