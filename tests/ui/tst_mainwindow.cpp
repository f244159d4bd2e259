// SPDX-License-Identifier: Apache-2.0
// The main window opens the demo snapshot off the GUI thread and shows the load report.
#include "ui/mainwindow.h"
#include "testutils.h"

#include <QDir>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTest>

using namespace rbx;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void opensDemoSnapshot();
};

void TestMainWindow::opensDemoSnapshot()
{
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy loaded(&window, &MainWindow::snapshotLoaded);
    window.openSnapshots({QStringLiteral(RBX_SOURCE_DIR "/resources/demo")});
    QVERIFY(loaded.wait(20000));
    QVERIFY(window.snapshot());
    QVERIFY(window.snapshot()->serviceAccounts.size() > 50);
    auto* report = window.findChild<QPlainTextEdit*>();
    QVERIFY(report);
    QVERIFY(report->toPlainText().contains(QStringLiteral("ServiceAccount: ")));
    QString dir = qEnvironmentVariable("SCREENSHOT_DIR");
    if (dir.isEmpty())
        dir = QStringLiteral(RBX_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    QVERIFY(window.grab().save(dir + QStringLiteral("/mainwindow-placeholder.png")));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
