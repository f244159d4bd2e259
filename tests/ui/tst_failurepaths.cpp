// SPDX-License-Identifier: Apache-2.0
// The GUI survives every failure path: a load error, cancel mid-load, a second load while one runs, closing during a
// load. Run under ASan (the asan preset) this also proves there is no leak or use-after-free on those paths.
#include "ui/mainwindow.h"
#include "testutils.h"

#include <QFile>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rbx;

class TestFailurePaths : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void loadError();
    void cancelMidLoad();
    void secondLoadWhileOneRuns();
    void closeDuringLoad();
    void cleanupTestCase();

private:
    QTemporaryDir m_big;
};

void TestFailurePaths::initTestCase()
{
    QCoreApplication::setOrganizationName(QStringLiteral("rbac-explorer-tests-failures"));
    QSettings().clear();
    for (int i = 0; i < 600; ++i)
        QVERIFY(rbx::test::writeFile(
            m_big.filePath(QStringLiteral("f%1.yaml").arg(i, 4, 10, QLatin1Char('0'))),
            QStringLiteral("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa-%1, namespace: ns}\n").arg(i).toUtf8()));
}

void TestFailurePaths::loadError()
{
    MainWindow w;
    w.show();
    QSignalSpy loaded(&w, &MainWindow::snapshotLoaded);
    QTemporaryDir dir;
    QVERIFY(rbx::test::writeFile(dir.filePath(QStringLiteral("bad.yaml")), "apiVersion: v1\nkind: [\n"));
    w.openSnapshots({dir.filePath(QStringLiteral("bad.yaml")), dir.filePath(QStringLiteral("missing.yaml"))});
    QVERIFY(loaded.wait(20000));
    QCOMPARE(w.snapshot()->report.errorCount(), std::size_t(2));
    w.selectSubject({SubjectKind::ServiceAccount, "nope", "nope"}); // nothing to select: no crash
}

void TestFailurePaths::cancelMidLoad()
{
    MainWindow w;
    w.show();
    QSignalSpy loaded(&w, &MainWindow::snapshotLoaded);
    w.openSnapshots({m_big.path()});
    QPushButton* cancel = nullptr;
    for (auto* b : w.findChildren<QPushButton*>())
        if (b->text() == QLatin1String("Cancel"))
            cancel = b;
    QVERIFY(cancel);
    QVERIFY(cancel->isVisible());
    cancel->click();
    QTRY_VERIFY_WITH_TIMEOUT(!cancel->isVisible(), 20000);
    QTest::qWait(200);
    QCOMPARE(loaded.count(), 0);
    QVERIFY(!w.policy());
    // The window is usable again: the next load works.
    w.openSnapshots({QStringLiteral(RBX_SOURCE_DIR "/resources/demo")});
    QVERIFY(loaded.wait(30000));
}

void TestFailurePaths::secondLoadWhileOneRuns()
{
    MainWindow w;
    w.show();
    QSignalSpy loaded(&w, &MainWindow::snapshotLoaded);
    w.openSnapshots({m_big.path()});
    w.openSnapshots({QStringLiteral(RBX_SOURCE_DIR "/resources/demo")});
    QVERIFY(loaded.wait(30000));
    QTest::qWait(200);
    QCOMPARE(loaded.count(), 1); // the first load never reports
    QCOMPARE(w.snapshot()->serviceAccounts.size(), std::size_t(83));
}

void TestFailurePaths::closeDuringLoad()
{
    auto* w = new MainWindow;
    w->show();
    w->openSnapshots({m_big.path()});
    w->close();
    delete w; // the loader's destructor waits for its worker; nothing runs against a dead window
    QTest::qWait(100);
}

void TestFailurePaths::cleanupTestCase()
{
    QSettings().clear();
}

QTEST_MAIN(TestFailurePaths)
#include "tst_failurepaths.moc"
