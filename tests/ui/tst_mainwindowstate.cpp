// SPDX-License-Identifier: Apache-2.0
// The main window as a user drives it, offscreen: back/forward through real Alt+Left/Alt+Right key events, the last
// page and the details splitter restored by the next window, the recent-files menu after opening, and a click on a
// diagnostic of the load report showing the lines around it. Settings live in QStandardPaths' test locations.
#include "ui/mainwindow.h"

#include "models/item/accessmatrixmodel.h"
#include "testutils.h"
#include "ui/dialogs.h"
#include "ui/matrixpage.h"

#include <QAction>
#include <QApplication>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>

using namespace rbx;

namespace {

const QString kDemo = QStringLiteral(RBX_SOURCE_DIR "/resources/demo");

std::string matrixSubject(const MainWindow& w)
{
    return w.matrixPage()->model()->matrix().subject;
}

QMenu* recentMenu(const MainWindow& w)
{
    for (auto* menu : w.findChildren<QMenu*>())
        if (menu->title() == MainWindow::tr("Open &Recent"))
            return menu;
    return nullptr;
}

QStringList recentEntries(const MainWindow& w)
{
    QStringList out;
    if (auto* menu = recentMenu(w))
        for (auto* a : menu->actions())
            out << a->text();
    return out;
}

} // namespace

class TestMainWindowState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void backAndForwardByKeys();
    void pageAndSplitterRestored();
    void recentFilesAfterOpening();
    void loadReportDiagnosticShowsExcerpt();
    void cleanupTestCase();

private:
    static std::unique_ptr<MainWindow> openWindow(const QStringList& paths);
};

void TestMainWindowState::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("rbac-explorer-state-tests"));
    // The settings file must be a test location, never the user's own configuration.
    QVERIFY2(QSettings().fileName().contains(QStringLiteral("qttest")), qPrintable(QSettings().fileName()));
}

void TestMainWindowState::init()
{
    QSettings().clear();
}

std::unique_ptr<MainWindow> TestMainWindowState::openWindow(const QStringList& paths)
{
    auto w = std::make_unique<MainWindow>();
    w->setProperty("rbxNoDialogs", true);
    w->show();
    if (!QTest::qWaitForWindowExposed(w.get()))
        return nullptr;
    if (!paths.isEmpty()) {
        QSignalSpy loaded(w.get(), &MainWindow::snapshotLoaded);
        w->openSnapshots(paths);
        if (!loaded.wait(30000))
            return nullptr;
    }
    return w;
}

void TestMainWindowState::backAndForwardByKeys()
{
    auto w = openWindow({kDemo});
    QVERIFY(w);
    QApplication::setActiveWindow(w.get());
    QVERIFY(QTest::qWaitForWindowActive(w.get()));
    const std::string ciRunner = "system:serviceaccount:team-a:ci-runner";
    const std::string jenkins = "system:serviceaccount:legacy-apps:jenkins";
    const std::string deployer = "system:serviceaccount:payments:deployer";
    w->selectSubject({SubjectKind::ServiceAccount, "team-a", "ci-runner"});
    w->selectSubject({SubjectKind::ServiceAccount, "legacy-apps", "jenkins"});
    w->selectSubject({SubjectKind::ServiceAccount, "payments", "deployer"});
    QCOMPARE(matrixSubject(*w), deployer);
    // Keys go where a user's would: to the focused widget of the window (the navigator), through the shortcut map.
    w->navigator()->setFocus();
    QTest::keyClick(w.get(), Qt::Key_Left, Qt::AltModifier);
    QCOMPARE(matrixSubject(*w), jenkins);
    QTest::keyClick(w.get(), Qt::Key_Left, Qt::AltModifier);
    QCOMPARE(matrixSubject(*w), ciRunner);
    QTest::keyClick(w.get(), Qt::Key_Left, Qt::AltModifier); // at the start: stays
    QCOMPARE(matrixSubject(*w), ciRunner);
    QTest::keyClick(w.get(), Qt::Key_Right, Qt::AltModifier);
    QCOMPARE(matrixSubject(*w), jenkins);
    // A new selection after going back drops the forward history.
    w->selectSubject({SubjectKind::ServiceAccount, "payments", "payments-api"});
    QTest::keyClick(w.get(), Qt::Key_Right, Qt::AltModifier);
    QCOMPARE(matrixSubject(*w), std::string("system:serviceaccount:payments:payments-api"));
    QTest::keyClick(w.get(), Qt::Key_Left, Qt::AltModifier);
    QCOMPARE(matrixSubject(*w), jenkins);
    // The navigator follows.
    const auto current = w->navigator()->currentIndex().data(Qt::DisplayRole).toString();
    QVERIFY2(current.contains(QStringLiteral("jenkins")), qPrintable(current));
}

void TestMainWindowState::pageAndSplitterRestored()
{
    QList<int> sizes;
    {
        auto w = openWindow({});
        QVERIFY(w);
        w->resize(1366, 768);
        w->showPage(MainWindow::TokensTab);
        auto* splitter = w->findChild<QSplitter*>(QStringLiteral("DetailsSplitter"));
        QVERIFY(splitter);
        const int total = splitter->sizes().value(0) + splitter->sizes().value(1);
        QVERIFY(total > 200);
        splitter->setSizes({total - 150, 150}); // not the default 1:2
        QCoreApplication::processEvents();
        sizes = splitter->sizes();
        QVERIFY(w->close());
    }
    auto w = openWindow({});
    QVERIFY(w);
    auto* pages = qobject_cast<QTabWidget*>(w->centralWidget());
    QVERIFY(pages);
    QCOMPARE(pages->currentIndex(), int(MainWindow::TokensTab));
    QCOMPARE(w->size(), QSize(1366, 768));
    auto* splitter = w->findChild<QSplitter*>(QStringLiteral("DetailsSplitter"));
    QVERIFY(splitter);
    QCoreApplication::processEvents();
    const auto restored = splitter->sizes();
    QCOMPARE(restored.size(), 2);
    QVERIFY2(std::abs(restored[1] - sizes[1]) <= 2 && std::abs(restored[0] - sizes[0]) <= 2,
             qPrintable(QStringLiteral("%1/%2 vs %3/%4").arg(restored[0]).arg(restored[1]).arg(sizes[0]).arg(sizes[1])));
    // Another page next time, to show it is the last page and not a fixed one.
    w->showPage(MainWindow::FindingsTab);
    QVERIFY(w->close());
    w = openWindow({});
    QCOMPARE(qobject_cast<QTabWidget*>(w->centralWidget())->currentIndex(), int(MainWindow::FindingsTab));
}

void TestMainWindowState::recentFilesAfterOpening()
{
    QTemporaryDir dir;
    QVERIFY(test::writeFile(dir.filePath(QStringLiteral("sa.yaml")),
                            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: shop}\n"));
    auto w = openWindow({});
    QVERIFY(w);
    QVERIFY(recentMenu(*w));
    QVERIFY(!recentMenu(*w)->isEnabled()); // nothing opened yet
    QSignalSpy loaded(w.get(), &MainWindow::snapshotLoaded);
    w->openSnapshots({kDemo});
    QVERIFY(loaded.wait(30000));
    w->openSnapshots({dir.path()});
    QVERIFY(loaded.wait(30000));
    QCOMPARE(w->snapshot()->serviceAccounts.size(), std::size_t(1));
    // Newest first, each once.
    QCOMPARE(recentEntries(*w), (QStringList {dir.path(), kDemo}));
    QVERIFY(recentMenu(*w)->isEnabled());
    // Choosing an entry opens it again and moves it to the top.
    recentMenu(*w)->actions().at(1)->trigger();
    QVERIFY(loaded.wait(30000));
    QCOMPARE(w->snapshot()->serviceAccounts.size(), std::size_t(83));
    QCOMPARE(recentEntries(*w), (QStringList {kDemo, dir.path()}));
    // The next window has the same list.
    QVERIFY(w->close());
    w.reset();
    auto next = openWindow({});
    QVERIFY(next);
    QCOMPARE(recentEntries(*next), (QStringList {kDemo, dir.path()}));
}

void TestMainWindowState::loadReportDiagnosticShowsExcerpt()
{
    QTemporaryDir dir;
    QVERIFY(test::writeFile(dir.filePath(QStringLiteral("good.yaml")),
                            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: shop}\n"));
    // Two broken files, so that a click has to move the excerpt from one to the other.
    QVERIFY(test::writeFile(dir.filePath(QStringLiteral("broken-a.yaml")),
                            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: other, namespace: shop}\n---\n"
                            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: shop}\n"
                            "rules:\n  - verbs: [get\n    resources: [pods]\n"));
    QVERIFY(test::writeFile(dir.filePath(QStringLiteral("broken-b.yaml")),
                            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: shop}\ndata:\n"
                            "  key: \"unterminated\n  other: value-b\n"));
    auto w = openWindow({dir.path()});
    QVERIFY(w);
    QPushButton* report = nullptr;
    for (auto* b : w->statusBar()->findChildren<QPushButton*>())
        if (b->isVisible() && b->text() == w->reportButtonText())
            report = b;
    QVERIFY(report);
    // The dialog is modal: drive it from inside its own event loop.
    QStringList excerpts; // after clicking each diagnostic, in list order
    QStringList files;
    bool sawDialog = false;
    QTimer::singleShot(0, this, [&] {
        auto* dialog = qobject_cast<LoadReportDialog*>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        sawDialog = true;
        auto* list = dialog->diagnostics();
        for (int i = list->count() - 1; i >= 0; --i) { // last first: the first may already be current
            const auto rect = list->visualItemRect(list->item(i));
            QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
            excerpts.prepend(dialog->excerpt());
            files.prepend(list->item(i)->text());
        }
        dialog->reject();
    });
    QTest::mouseClick(report, Qt::LeftButton);
    QVERIFY(sawDialog);
    QCOMPARE(excerpts.size(), 2);
    for (int i = 0; i < 2; ++i) {
        const bool a = files[i].contains(QStringLiteral("broken-a.yaml"));
        QVERIFY2(a || files[i].contains(QStringLiteral("broken-b.yaml")), qPrintable(files[i]));
        // The lines around the diagnostic, from its own file only.
        const auto& e = excerpts[i];
        QVERIFY2(e.contains(a ? QStringLiteral("- verbs: [get") : QStringLiteral("key: \"unterminated")), qPrintable(e));
        QVERIFY2(!e.contains(a ? QStringLiteral("value-b") : QStringLiteral("resources: [pods]")), qPrintable(e));
        QVERIFY2(!e.contains(QStringLiteral("name: app")), qPrintable(e));
    }
    QVERIFY(excerpts[0] != excerpts[1]);
}

void TestMainWindowState::cleanupTestCase()
{
    QSettings().clear();
}

QTEST_MAIN(TestMainWindowState)
#include "tst_mainwindowstate.moc"
