// SPDX-License-Identifier: Apache-2.0
// The desktop explorer end to end, offscreen: open the demo snapshot, pick a ServiceAccount, check the matrix and its
// why-panel against the core's own answers, ask who-can, compute the heat map, and save a screenshot of each page.
#include "ui/mainwindow.h"

#include "models/analysis/accessmatrix.h"
#include "models/analysis/heatmap.h"
#include "models/io/matrixexport.h"
#include "models/item/accessmatrixmodel.h"
#include "models/item/subjecttreemodel.h"
#include "models/item/whocanmodel.h"
#include "testutils.h"
#include "ui/dialogs.h"
#include "ui/diffpage.h"
#include "ui/heatmappage.h"
#include "ui/matrixpage.h"
#include "ui/overviewpage.h"
#include "ui/whocanpage.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace rbx;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void opensDemoSnapshot();
    void navigatorSelectsSubject();
    void matrixMatchesCore();
    void overviewAnswersCanI();
    void whoCan();
    void heatMap();
    void exports();
    void historyAndQuickOpen();
    void loadReport();
    void diffTwoSubjects();
    void diffAgainstSnapshot();
    void screenshotsAtTwoSizes();
    void cleanupTestCase();

private:
    void shoot(const QString& name);
    QString m_dir;
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::initTestCase()
{
    QCoreApplication::setOrganizationName(QStringLiteral("rbac-explorer-tests"));
    QSettings().clear();
    m_dir = qEnvironmentVariable("SCREENSHOT_DIR");
    if (m_dir.isEmpty())
        m_dir = QStringLiteral(RBX_BINARY_DIR "/screenshots");
    QDir().mkpath(m_dir);
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1366, 768);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::shoot(const QString& name)
{
    QCoreApplication::processEvents();
    QVERIFY(m_window->grab().save(m_dir + u'/' + name + QStringLiteral(".png")));
}

void TestMainWindow::opensDemoSnapshot()
{
    QSignalSpy loaded(m_window.get(), &MainWindow::snapshotLoaded);
    m_window->openSnapshots({QStringLiteral(RBX_SOURCE_DIR "/resources/demo")});
    QVERIFY(loaded.wait(30000));
    QVERIFY(m_window->policy());
    QCOMPARE(m_window->snapshot()->serviceAccounts.size(), std::size_t(83));
    new QAbstractItemModelTester(m_window->navigator()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 m_window.get());
}

void TestMainWindow::navigatorSelectsSubject()
{
    auto* tree = m_window->navigator();
    auto* model = tree->model();
    QModelIndex target;
    for (int f = 0; f < model->rowCount() && !target.isValid(); ++f) {
        const auto folder = model->index(f, 0);
        for (int r = 0; r < model->rowCount(folder); ++r) {
            const auto idx = model->index(r, 0, folder);
            const auto ref = idx.data(SubjectTreeModel::SubjectRole).value<SubjectRef>();
            if (ref.ns == "payments" && ref.name == "deployer")
                target = idx;
        }
    }
    QVERIFY(target.isValid());
    tree->setCurrentIndex(target);
    QCOMPARE(m_window->matrixPage()->model()->matrix().subject, std::string("system:serviceaccount:payments:deployer"));
    // The ServiceAccount's YAML is in the details pane.
    QVERIFY(m_window->detailsText().contains(QStringLiteral("name: deployer")));
    shoot(QStringLiteral("overview"));
}

void TestMainWindow::matrixMatchesCore()
{
    m_window->showPage(MainWindow::MatrixTab);
    auto* page = m_window->matrixPage();
    page->setScope(QStringLiteral("kube-system"));
    const auto& m = page->model()->matrix();
    QCOMPARE(m.ns, std::string("kube-system"));
    // Every cell equals the authorizer's own answer for that request.
    Request req;
    req.user = userInfoOf({SubjectKind::ServiceAccount, "payments", "deployer"});
    int yes = 0;
    for (std::size_t r = 0; r < m.rows.size(); ++r)
        for (std::size_t v = 0; v < m.verbs.size(); ++v) {
            const auto slash = m.rows[r].resource.find('/');
            req.resource = {"kube-system", m.verbs[v], m.rows[r].group, "", m.rows[r].resource.substr(0, slash),
                            slash == std::string::npos ? std::string() : m.rows[r].resource.substr(slash + 1), ""};
            const bool allowed = m_window->policy()->authorize(req).allowed;
            QCOMPARE(m.cell(r, v).access == Access::Yes, allowed);
            yes += allowed;
        }
    QVERIFY(yes > 0);
    QSignalSpy explained(page, &MatrixPage::cellExplained);
    page->selectCell(QString(), QStringLiteral("pods"), QStringLiteral("create"));
    QCOMPARE(explained.count(), 1);
    const auto text = explained.first().first().toString();
    QVERIFY2(text.startsWith(QStringLiteral("Allowed")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("RoleBinding kube-system/payments-deployer")));
    QVERIFY(text.contains(QStringLiteral("Role kube-system/pod-launcher")));
    QVERIFY(m_window->detailsText().contains(QStringLiteral("kind: Role")));
    shoot(QStringLiteral("matrix"));
}

void TestMainWindow::overviewAnswersCanI()
{
    m_window->showPage(MainWindow::OverviewTab);
    auto* page = m_window->overviewPage();
    page->ask(QStringLiteral("create"), QStringLiteral("pods"), QStringLiteral("kube-system"));
    QVERIFY(page->answerText().contains(QStringLiteral("yes")));
    page->ask(QStringLiteral("delete"), QStringLiteral("nodes"), QString());
    QVERIFY(page->answerText().contains(QStringLiteral("no")));
}

void TestMainWindow::whoCan()
{
    m_window->showPage(MainWindow::WhoCanTab);
    auto* page = m_window->whoCanPage();
    new QAbstractItemModelTester(page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest, page);
    // The page's own sorting proxy, as the view shows it.
    QVERIFY(page->view()->model() != page->model());
    new QAbstractItemModelTester(page->view()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest, page);
    page->query(QStringLiteral("create"), QStringLiteral("pods"), QStringLiteral("kube-system"));
    const auto& entries = page->model()->result().entries;
    bool deployer = false;
    for (const auto& e : entries)
        deployer = deployer || (e.subject.kind == "ServiceAccount" && e.subject.name == "deployer" && e.subject.ns == "payments");
    QVERIFY(deployer);
    QVERIFY(page->model()->rowCount() >= static_cast<int>(entries.size()));
    QCOMPARE(page->view()->model()->rowCount(), page->model()->rowCount());
    for (int c = 0; c < page->model()->columnCount(); ++c)
        page->view()->sortByColumn(c, c % 2 ? Qt::DescendingOrder : Qt::AscendingOrder);
    page->query(QStringLiteral("get"), QStringLiteral("secrets"), QStringLiteral("payments"));
    QCOMPARE(page->view()->model()->rowCount(), page->model()->rowCount());
    page->query(QStringLiteral("create"), QStringLiteral("pods"), QStringLiteral("kube-system"));
    shoot(QStringLiteral("whocan"));
}

void TestMainWindow::heatMap()
{
    m_window->showPage(MainWindow::HeatMapTab);
    auto* page = m_window->heatMapPage();
    new QAbstractItemModelTester(page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest, page);
    QSignalSpy computed(page, &HeatMapPage::computed);
    page->setVerbChoice(0);
    QVERIFY(computed.wait(30000));
    auto* view = page->view();
    QVERIFY(view->model()->rowCount() > 50);
    // Sorted by risk, descending: the cluster-admin equivalents come first.
    const auto top = view->model()->index(0, 0).data().toString();
    QVERIFY2(top == QLatin1String("legacy-apps/jenkins") || top == QLatin1String("team-a/ci-runner")
                 || top.startsWith(QLatin1String("argocd/")),
             qPrintable(top));
    shoot(QStringLiteral("heatmap"));
}

void TestMainWindow::exports()
{
    QTemporaryDir dir;
    auto read = [&](const QString& name) {
        QFile f(dir.filePath(name));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    };
    // The matrix in view (payments/deployer in kube-system, from matrixMatchesCore) as CSV and JSON.
    auto* matrix = m_window->matrixPage();
    const auto& m = matrix->model()->matrix();
    QCOMPARE(m.ns, std::string("kube-system"));
    QVERIFY(matrix->exportTo(dir.filePath(QStringLiteral("matrix.csv"))));
    const auto csv = read(QStringLiteral("matrix.csv"));
    QCOMPARE(csv, QByteArray::fromStdString(io::matrixCsv({m})));
    const auto lines = csv.split('\n');
    QVERIFY(lines.first().startsWith("namespace,group,resource,get,list,watch,create"));
    QCOMPARE(lines.size() - 2, static_cast<qsizetype>(m.rows.size())); // header, rows, trailing newline
    QVERIFY(csv.contains("kube-system,,pods,yes,yes,yes,yes,"));
    QVERIFY(matrix->exportTo(dir.filePath(QStringLiteral("matrix.json"))));
    const auto json = QJsonDocument::fromJson(read(QStringLiteral("matrix.json"))).object();
    QCOMPARE(json.value(QStringLiteral("subject")).toString(), QStringLiteral("system:serviceaccount:payments:deployer"));
    QCOMPARE(json.value(QStringLiteral("namespace")).toString(), QStringLiteral("kube-system"));
    QCOMPARE(json.value(QStringLiteral("verbs")).toArray().size(), static_cast<qsizetype>(m.verbs.size()));
    QCOMPARE(json.value(QStringLiteral("rows")).toArray().size(), static_cast<qsizetype>(m.rows.size()));
    bool pods = false;
    for (const auto& v : json.value(QStringLiteral("rows")).toArray()) {
        const auto row = v.toObject();
        if (row.value(QStringLiteral("group")).toString().isEmpty()
            && row.value(QStringLiteral("resource")).toString() == QLatin1String("pods")) {
            pods = true;
            QCOMPARE(row.value(QStringLiteral("cells")).toObject().value(QStringLiteral("create")).toString(),
                     QStringLiteral("yes"));
        }
    }
    QVERIFY(pods);
    QVERIFY(!matrix->exportTo(dir.filePath(QStringLiteral("no-such-dir/matrix.csv"))));

    // The heat map (any write, from heatMap()) exports the whole map as rbx matrix --all-sas writes it.
    auto* heat = m_window->heatMapPage();
    const auto core = rbx::heatMap(*m_window->policy(), summarizeSubjects(*m_window->policy()),
                                   matrixRows(*m_window->policy(), ResourceCatalog(m_window->policy()->snapshot())),
                                   writeVerbs());
    QVERIFY(heat->exportTo(dir.filePath(QStringLiteral("heat.csv"))));
    const auto heatCsv = read(QStringLiteral("heat.csv"));
    QCOMPARE(heatCsv, QByteArray::fromStdString(io::heatMapCsv(core)));
    QVERIFY(heatCsv.startsWith("namespace,name,risk,"));
    const auto second = heatCsv.split('\n').value(1);
    QVERIFY2(second.startsWith("legacy-apps,jenkins,") || second.startsWith("team-a,ci-runner,")
                 || second.startsWith("argocd,"),
             second.constData()); // riskiest first
    QVERIFY(heat->exportTo(dir.filePath(QStringLiteral("heat.json"))));
    const auto heatJson = QJsonDocument::fromJson(read(QStringLiteral("heat.json"))).object();
    QCOMPARE(heatJson, io::heatMapJson(core));
    QCOMPARE(heatJson.value(QStringLiteral("rows")).toArray().size(), heat->model()->rowCount());
    QCOMPARE(heatJson.value(QStringLiteral("verbs")).toArray().size(), static_cast<qsizetype>(writeVerbs().size()));
}

void TestMainWindow::historyAndQuickOpen()
{
    m_window->selectSubject({SubjectKind::ServiceAccount, "team-a", "ci-runner"});
    m_window->selectSubject({SubjectKind::ServiceAccount, "legacy-apps", "jenkins"});
    m_window->goBack();
    QCOMPARE(m_window->matrixPage()->model()->matrix().subject, std::string("system:serviceaccount:team-a:ci-runner"));
    m_window->goForward();
    QCOMPARE(m_window->matrixPage()->model()->matrix().subject, std::string("system:serviceaccount:legacy-apps:jenkins"));
    QuickOpenDialog dialog(m_window->policy(), m_window.get());
    dialog.setFilter(QStringLiteral("clusterrole cluster-admin"));
    QVERIFY(dialog.visibleCount() >= 1);
    m_window->showObject(QStringLiteral("ClusterRoleBinding"), QString(), QStringLiteral("jenkins-cluster-admin"));
    QVERIFY(m_window->detailsText().contains(QStringLiteral("name: cluster-admin")));
}

void TestMainWindow::loadReport()
{
    LoadReportDialog dialog(m_window->policy(), m_window.get());
    // The demo loads cleanly: no diagnostics, and the summary lists the kinds.
    QCOMPARE(dialog.diagnostics()->count(), 0);
}

void TestMainWindow::diffTwoSubjects()
{
    m_window->showPage(MainWindow::DiffTab);
    auto* page = m_window->diffPage();
    new QAbstractItemModelTester(page->listView()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest, page);
    new QAbstractItemModelTester(page->sideView(true)->model(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 page);
    QSignalSpy computed(page, &DiffPage::computed);
    page->setSubjects({SubjectKind::ServiceAccount, "payments", "deployer"},
                      {SubjectKind::ServiceAccount, "payments", "payments-api"});
    QVERIFY(page->isComputing()); // off the GUI thread; computed() brings it
    QVERIFY(computed.wait(20000));
    QVERIFY(!page->isComputing());
    QVERIFY(page->diff());
    QCOMPARE(page->diff()->b.name, std::string("payments-api"));
    QVERIFY(!page->diff()->equal());
    QCOMPARE(page->sideView(true)->model()->rowCount(), page->sideView(false)->model()->rowCount());
    QVERIFY(page->sideView(true)->model()->rowCount() >= 2); // pods and pods/log in kube-system
    QSignalSpy explained(page, &DiffPage::explained);
    page->listView()->setCurrentIndex(page->listView()->model()->index(0, 0));
    QCOMPARE(explained.count(), 1);
    const auto text = explained.first().first().toString();
    QVERIFY2(text.contains(QStringLiteral("A: yes")) && text.contains(QStringLiteral("B: no")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("payments-deployer")));
    QTemporaryDir dir;
    QVERIFY(page->exportTo(dir.filePath(QStringLiteral("diff.html"))));
    QFile html(dir.filePath(QStringLiteral("diff.html")));
    QVERIFY(html.open(QIODevice::ReadOnly));
    QVERIFY(html.readAll().contains("<td>pods</td>"));
    shoot(QStringLiteral("diff"));
}

void TestMainWindow::diffAgainstSnapshot()
{
    QTemporaryDir dir;
    QFile extra(dir.filePath(QStringLiteral("extra.yaml")));
    QVERIFY(extra.open(QIODevice::WriteOnly));
    extra.write("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n"
                "metadata: {name: deployer-secrets, namespace: payments}\n"
                "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n"
                "subjects: [{kind: ServiceAccount, name: deployer}]\n");
    extra.close();
    auto* page = m_window->diffPage();
    m_window->selectSubject({SubjectKind::ServiceAccount, "payments", "deployer"});
    QTRY_VERIFY_WITH_TIMEOUT(!page->isComputing(), 20000); // the same-snapshot comparison the selection started
    QSignalSpy computed(page, &DiffPage::computed);
    QSignalSpy whole(page, &DiffPage::snapshotDiffComputed);
    page->compareWithSnapshot({QStringLiteral(RBX_SOURCE_DIR "/resources/demo"), dir.filePath(QStringLiteral("extra.yaml"))});
    QVERIFY(computed.wait(30000));
    QVERIFY(page->diff());
    QCOMPARE(page->diff()->a, page->diff()->b); // the same SA, before and after
    bool gainedPods = false;
    for (const auto& c : page->diff()->cells)
        gainedPods = gainedPods || (c.ns == "payments" && c.resource == "pods" && c.verb == "list" && c.b == Access::Yes);
    QVERIFY(gainedPods); // view, through the new RoleBinding
    // The whole-snapshot list beside the matrices: the deployer is the one ServiceAccount whose access changed.
    if (whole.isEmpty())
        QVERIFY(whole.wait(30000));
    QVERIFY(page->snapshotDiff());
    QCOMPARE(page->snapshotDiff()->serviceAccounts.size(), std::size_t(1));
    QVERIFY(page->changesView()->isVisible());
    shoot(QStringLiteral("diff-snapshots"));
}

void TestMainWindow::screenshotsAtTwoSizes()
{
    m_window->selectSubject({SubjectKind::ServiceAccount, "payments", "payments-operator"});
    m_window->showPage(MainWindow::MatrixTab);
    m_window->resize(1366, 768);
    shoot(QStringLiteral("matrix-1366x768"));
    m_window->showPage(MainWindow::GraphTab);
    shoot(QStringLiteral("graph-1366x768"));
    m_window->resize(2560, 1440);
    m_window->showPage(MainWindow::OverviewTab);
    shoot(QStringLiteral("overview-2560x1440"));
    // A 4K screen at 100 %: the matrix and the diff with the whole-snapshot list.
    m_window->resize(3840, 2160);
    QCOMPARE(m_window->size(), QSize(3840, 2160));
    m_window->showPage(MainWindow::MatrixTab);
    shoot(QStringLiteral("matrix-3840x2160"));
    m_window->showPage(MainWindow::DiffTab);
    shoot(QStringLiteral("diff-3840x2160"));
    m_window->resize(1366, 768);
}

void TestMainWindow::cleanupTestCase()
{
    m_window.reset();
    QSettings().clear();
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
