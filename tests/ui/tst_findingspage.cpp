// SPDX-License-Identifier: Apache-2.0
// The Findings page inside the main window, offscreen, on a copy of the demo snapshot: posture with click-through to
// the findings behind a practice, sorting and grouping, evidence that opens the objects, one-click "Add to basket",
// the basket's YAML, affected objects and access diff, exports, and waivers kept next to the snapshot and reloaded.
// Saves screenshots at 1366x768 (build/screenshots or $SCREENSHOT_DIR).
#include "ui/mainwindow.h"

#include "models/analysis/findings.h"
#include "models/item/basketmodel.h"
#include "models/item/findingsmodel.h"
#include "testutils.h"
#include "ui/findingspage.h"
#include "ui/remediationbasket.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QDirIterator>
#include <QHeaderView>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>
#include <QTreeWidget>

using namespace rbx;

class TestFindingsPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void listsEveryFinding();
    void postureClickThrough();
    void sortingAndGrouping();
    void evidenceClickThrough();
    void oneClickBasket();
    void basketExports();
    void waiversPersist();
    void screenshots();
    void cleanupTestCase();

private:
    void load();
    void shoot(QWidget* w, const QString& name);
    FindingsPage* page() const
    {
        return m_window->findingsPage();
    }

    QTemporaryDir m_snapshotDir;
    QString m_shots;
    std::unique_ptr<MainWindow> m_window;
    std::size_t m_expected = 0;
};

void TestFindingsPage::initTestCase()
{
    QCoreApplication::setOrganizationName(QStringLiteral("rbac-explorer-tests"));
    QSettings().clear();
    m_shots = qEnvironmentVariable("SCREENSHOT_DIR");
    if (m_shots.isEmpty())
        m_shots = QStringLiteral(RBX_BINARY_DIR "/screenshots");
    QDir().mkpath(m_shots);
    // A copy of the demo: the waivers file is written next to the snapshot.
    QVERIFY(m_snapshotDir.isValid());
    const QDir demo(QStringLiteral(RBX_SOURCE_DIR "/resources/demo"));
    for (const auto& f : demo.entryList({QStringLiteral("*.yaml")}, QDir::Files))
        QVERIFY(QFile::copy(demo.filePath(f), m_snapshotDir.filePath(f)));
    m_expected = computeFindings(Policy(io::loadSnapshot({m_snapshotDir.path().toStdString()}))).size();
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1366, 768);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    load();
}

void TestFindingsPage::load()
{
    QSignalSpy loaded(m_window.get(), &MainWindow::snapshotLoaded);
    QSignalSpy ready(page(), &FindingsPage::findingsReady);
    m_window->openSnapshots({m_snapshotDir.path()});
    QVERIFY(loaded.wait(30000));
    // The findings are computed off the GUI thread after the load.
    if (ready.isEmpty())
        QVERIFY(ready.wait(30000));
    QVERIFY(!page()->isComputing());
}

void TestFindingsPage::shoot(QWidget* w, const QString& name)
{
    QCoreApplication::processEvents();
    QVERIFY(w->grab().save(m_shots + u'/' + name + QStringLiteral(".png")));
}

void TestFindingsPage::listsEveryFinding()
{
    m_window->showPage(MainWindow::FindingsTab);
    auto* tabs = m_window->findChild<QTabWidget*>();
    QVERIFY(tabs);
    QCOMPARE(page()->model()->findings().size(), m_expected);
    QCOMPARE(page()->proxy()->rowCount(), static_cast<int>(m_expected));
    new QAbstractItemModelTester(page()->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest, page());
    // Worst first by default.
    QCOMPARE(page()->view()->model()->index(0, 0).data(FindingsModel::SeverityRole).toInt(),
             static_cast<int>(Severity::Critical));
    QVERIFY(page()->waiversPath().startsWith(m_snapshotDir.path()));
}

void TestFindingsPage::postureClickThrough()
{
    page()->showTab(FindingsPage::PostureTab);
    auto* table = page()->postureTable();
    QCOMPARE(table->rowCount(), 8);
    QVERIFY(table->item(1, 2)->text().contains(QStringLiteral("open")));
    // Double-click "Default ServiceAccounts do not mount tokens": only RBX-SA-001 findings remain.
    Q_EMIT table->cellDoubleClicked(1, 1);
    const auto* proxy = page()->proxy();
    QVERIFY(proxy->rowCount() > 0);
    for (int r = 0; r < proxy->rowCount(); ++r)
        QCOMPARE(proxy->index(r, 0).data(FindingsModel::RuleIdRole).toString(), QStringLiteral("RBX-SA-001"));
    QCOMPARE(proxy->rowCount(), static_cast<int>(page()->posture().practices[1].failing));
    page()->clearPractice();
    QCOMPARE(proxy->rowCount(), static_cast<int>(m_expected));
}

void TestFindingsPage::sortingAndGrouping()
{
    page()->showTab(FindingsPage::FindingsTab);
    auto* view = page()->view();
    view->sortByColumn(FindingsModel::RuleColumn, Qt::AscendingOrder);
    const auto* model = view->model();
    for (int r = 1; r < model->rowCount(); ++r)
        QVERIFY(model->index(r - 1, FindingsModel::RuleColumn).data().toString()
                <= model->index(r, FindingsModel::RuleColumn).data().toString());
    view->sortByColumn(FindingsModel::NamespaceColumn, Qt::AscendingOrder);
    QVERIFY(model->index(0, FindingsModel::NamespaceColumn).data().toString()
            <= model->index(model->rowCount() - 1, FindingsModel::NamespaceColumn).data().toString());
    page()->setGrouping(FindingsModel::Grouping::Namespace);
    QVERIFY(model->rowCount() >= 10);
    QVERIFY(model->index(0, 0).data(FindingsModel::GroupRole).toBool());
    QVERIFY(view->isExpanded(model->index(0, 0)));
    page()->setGrouping(FindingsModel::Grouping::Severity);
    QCOMPARE(model->rowCount(), 5);
    view->sortByColumn(FindingsModel::SeverityColumn, Qt::DescendingOrder);
    QVERIFY(model->index(0, 0).data().toString().startsWith(QStringLiteral("Critical")));
    page()->setGrouping(FindingsModel::Grouping::None);
    view->sortByColumn(FindingsModel::SeverityColumn, Qt::DescendingOrder);
}

void TestFindingsPage::evidenceClickThrough()
{
    QVERIFY(page()->selectFinding(QStringLiteral("RBX-ESC-001:ServiceAccount/payments/deployer")));
    QVERIFY(page()->detailsText().contains(QStringLiteral("can create pods or workloads")));
    QVERIFY(page()->detailsText().contains(QStringLiteral("RoleBinding kube-system/payments-deployer -> Role kube-system/pod-launcher")));
    QVERIFY(page()->detailsText().contains(QStringLiteral("What to do")));
    auto* details = page()->findChild<QTextBrowser*>(QStringLiteral("FindingDetails"));
    QVERIFY(details);
    QSignalSpy objects(page(), &FindingsPage::objectActivated);
    Q_EMIT details->anchorClicked(QUrl(QStringLiteral("rbx:Role/kube-system/pod-launcher")));
    QCOMPARE(objects.size(), 1);
    QVERIFY(m_window->detailsText().contains(QStringLiteral("name: pod-launcher")));
    QSignalSpy subjects(page(), &FindingsPage::subjectActivated);
    Q_EMIT details->anchorClicked(QUrl(QStringLiteral("rbx:ServiceAccount/payments/deployer")));
    QCOMPARE(subjects.size(), 1);
    QCOMPARE(subjects.first().first().value<SubjectRef>().name, std::string("deployer"));
    QVERIFY(m_window->detailsText().contains(QStringLiteral("kind: ServiceAccount")));
}

void TestFindingsPage::oneClickBasket()
{
    QVERIFY(page()->selectFinding(QStringLiteral("RBX-SA-001:ServiceAccount/team-a/default")));
    const auto buttons = page()->fixButtons();
    QCOMPARE(buttons.size(), 2); // patch the ServiceAccount; Kyverno policy
    QTest::mouseClick(buttons.first(), Qt::LeftButton);
    QCOMPARE(page()->basket()->rowCount(), 1);
    // The button now says so; a second click cannot add it twice.
    QVERIFY(!page()->fixButtons().first()->isEnabled());
    QCOMPARE(page()->fixButtons().first()->text(), QStringLiteral("In basket"));
    QVERIFY(page()->selectFinding(QStringLiteral("RBX-BND-001:RoleBinding/kube-system/payments-deployer@payments/deployer")));
    QTest::mouseClick(page()->fixButtons().first(), Qt::LeftButton);
    QVERIFY(page()->selectFinding(QStringLiteral("RBX-RBAC-002:ClusterRole/ci-superuser")));
    QTest::mouseClick(page()->fixButtons().first(), Qt::LeftButton);
    QVERIFY(page()->selectFinding(QStringLiteral("RBX-WL-001:Deployment/team-a/frontend")));
    QTest::mouseClick(page()->fixButtons().first(), Qt::LeftButton);
    QCOMPARE(page()->basket()->rowCount(), 4);
    auto* tabs = page()->findChild<QTabWidget*>();
    QCOMPARE(tabs->tabText(FindingsPage::BasketTab), QStringLiteral("Basket (4)"));

    auto* basket = page()->basketWidget();
    QVERIFY(basket->plan());
    const auto yaml = basket->yamlText();
    QVERIFY(yaml.contains(QStringLiteral("# ==== kustomization.yaml ====")));
    QVERIFY(yaml.contains(QStringLiteral("patchesJson6902")));
    QVERIFY(yaml.contains(QStringLiteral("automountServiceAccountToken: false")));
    QVERIFY(yaml.contains(QStringLiteral("# ==== delete.yaml ====")));
    QVERIFY(yaml.contains(QStringLiteral("name: payments-deployer")));
    // Affected objects: patched, new (the frontend ServiceAccount), deleted (the binding and its orphaned Role).
    auto* objects = basket->objectsView();
    QCOMPARE(objects->topLevelItemCount(), 3);
    QVERIFY(objects->topLevelItem(1)->text(0).startsWith(QStringLiteral("New (1)")));
    QVERIFY(objects->topLevelItem(2)->text(0).startsWith(QStringLiteral("Deleted (2)")));
    // What each ServiceAccount loses: payments/deployer loses creating pods in kube-system.
    const auto access = basket->accessView()->toPlainText();
    QVERIFY(access.contains(QStringLiteral("payments/deployer")));
    QVERIFY(access.contains(QStringLiteral("get, list, watch, create, delete pods")));
    QVERIFY(access.contains(QStringLiteral("runs as frontend (new)")));
    QSignalSpy objectsSpy(page(), &FindingsPage::objectActivated);
    Q_EMIT objects->itemDoubleClicked(objects->topLevelItem(2)->child(0), 0);
    QCOMPARE(objectsSpy.size(), 1);
}

void TestFindingsPage::basketExports()
{
    auto* basket = page()->basketWidget();
    QTemporaryDir out;
    QString error;
    QVERIFY2(basket->exportOverlay(out.filePath(QStringLiteral("overlay")), &error), qPrintable(error));
    for (const char* f : {"kustomization.yaml", "delete.yaml", "REPORT.md"})
        QVERIFY2(QFile::exists(out.filePath(QStringLiteral("overlay/") + QLatin1String(f))), f);
    QVERIFY(QDir(out.filePath(QStringLiteral("overlay/base"))).count() > 2);
    QVERIFY(basket->exportAfterState(out.filePath(QStringLiteral("fixed.yaml")), &error));
    QVERIFY(basket->exportReport(out.filePath(QStringLiteral("report.html")), &error));
    QVERIFY(basket->exportReport(out.filePath(QStringLiteral("report.md")), &error));
    QFile html(out.filePath(QStringLiteral("report.html")));
    QVERIFY(html.open(QIODevice::ReadOnly));
    QVERIFY(html.readAll().contains("<h2>What each ServiceAccount loses</h2>"));
    QFile md(out.filePath(QStringLiteral("report.md")));
    QVERIFY(md.open(QIODevice::ReadOnly));
    QVERIFY(md.readAll().startsWith("# RBAC Explorer remediation report"));
    const auto kubectl = QStandardPaths::findExecutable(QStringLiteral("kubectl"));
    if (kubectl.isEmpty())
        QSKIP("kubectl is not on PATH");
    QProcess p;
    p.start(kubectl, {QStringLiteral("kustomize"), out.filePath(QStringLiteral("overlay"))});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QVERIFY(p.readAllStandardOutput().contains("name: frontend"));
}

void TestFindingsPage::waiversPersist()
{
    const auto id = QStringLiteral("RBX-SA-001:ServiceAccount/kube-public/default");
    QVERIFY(page()->waive(id, QStringLiteral("nothing runs in kube-public")));
    QVERIFY(QFile::exists(m_snapshotDir.filePath(QStringLiteral(".rbx-waivers.yaml"))));
    QVERIFY(!page()->selectFinding(id)); // hidden by default
    page()->setShowWaived(true);
    QVERIFY(page()->selectFinding(id));
    QVERIFY(page()->detailsText().contains(QStringLiteral("Waived: nothing runs in kube-public")));
    page()->setShowWaived(false);
    const auto failingBefore = page()->posture().practices[1].failing;
    // Load again: the waiver comes back from the sidecar file.
    load();
    QVERIFY(page()->model()->finding(page()->model()->indexOf(id.toStdString()))->waived);
    QCOMPARE(page()->posture().practices[1].failing, failingBefore);
    QCOMPARE(page()->proxy()->rowCount(), static_cast<int>(m_expected) - 1);
    QVERIFY(page()->unwaive(id));
    QCOMPARE(page()->proxy()->rowCount(), static_cast<int>(m_expected));
}

void TestFindingsPage::screenshots()
{
    m_window->showPage(MainWindow::FindingsTab);
    page()->setGrouping(FindingsModel::Grouping::None);
    page()->showTab(FindingsPage::FindingsTab);
    QVERIFY(page()->selectFinding(QStringLiteral("RBX-ESC-001:ServiceAccount/payments/deployer")));
    shoot(m_window.get(), QStringLiteral("findings"));
    page()->showTab(FindingsPage::PostureTab);
    shoot(m_window.get(), QStringLiteral("findings-posture"));
    // The basket with the fixes of the previous tests.
    for (const auto& id : {"RBX-SA-001:ServiceAccount/team-a/default#1",
                           "RBX-BND-001:RoleBinding/kube-system/payments-deployer@payments/deployer#1",
                           "RBX-WL-001:Deployment/team-a/frontend#1"})
        page()->addToBasket(QString::fromLatin1(id));
    page()->showTab(FindingsPage::BasketTab);
    shoot(m_window.get(), QStringLiteral("findings-basket"));
    page()->basketWidget()->views()->setCurrentIndex(2);
    shoot(m_window.get(), QStringLiteral("findings-access-diff"));
    page()->showTab(FindingsPage::FindingsTab);
    // Text fits at 1366x768: the finding column is wide enough for a typical title.
    QVERIFY(page()->view()->header()->sectionSize(FindingsModel::FindingColumn) > 250);
}

void TestFindingsPage::cleanupTestCase()
{
    m_window.reset();
    QSettings().clear();
}

QTEST_MAIN(TestFindingsPage)
#include "tst_findingspage.moc"
