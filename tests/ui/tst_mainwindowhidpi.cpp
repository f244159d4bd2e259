// SPDX-License-Identifier: Apache-2.0
// The main window on a 4K screen at 200 % (device pixel ratio 2, 1920x1080 logical = 3840x2160 pixels), offscreen:
// screenshots of the overview, the matrix and the findings, saved in build/screenshots (or $SCREENSHOT_DIR).
#include "ui/mainwindow.h"

#include "testutils.h"

#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace rbx;

class TestMainWindowHiDpi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void screenshotsAtDevicePixelRatio2_data();
    void screenshotsAtDevicePixelRatio2();
    void cleanupTestCase();

private:
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindowHiDpi::screenshotsAtDevicePixelRatio2_data()
{
    QTest::addColumn<int>("page");
    QTest::addColumn<QString>("name");
    QTest::addRow("overview") << int(MainWindow::OverviewTab) << "overview-3840x2160-dpr2";
    QTest::addRow("matrix") << int(MainWindow::MatrixTab) << "matrix-3840x2160-dpr2";
    QTest::addRow("findings") << int(MainWindow::FindingsTab) << "findings-3840x2160-dpr2";
}

void TestMainWindowHiDpi::screenshotsAtDevicePixelRatio2()
{
    QFETCH(int, page);
    QFETCH(QString, name);
    QCOMPARE(qApp->devicePixelRatio(), 2.0);
    auto& window = m_window;
    if (!window) {
        window = std::make_unique<MainWindow>();
        window->setProperty("rbxNoDialogs", true);
        window->resize(1920, 1080);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        QSignalSpy loaded(window.get(), &MainWindow::snapshotLoaded);
        window->openSnapshots({QStringLiteral(RBX_SOURCE_DIR "/resources/demo")});
        QVERIFY(loaded.wait(30000));
        window->selectSubject({SubjectKind::ServiceAccount, "payments", "payments-operator"});
    }
    window->showPage(static_cast<MainWindow::Page>(page));
    QTest::qWait(200); // the findings are computed off the GUI thread
    QString dir = qEnvironmentVariable("SCREENSHOT_DIR");
    if (dir.isEmpty())
        dir = QStringLiteral(RBX_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    const auto shot = window->grab();
    QCOMPARE(shot.size(), QSize(3840, 2160)); // physical pixels
    QCOMPARE(shot.devicePixelRatio(), 2.0);
    QVERIFY(shot.save(dir + u'/' + name + QStringLiteral(".png")));
}

void TestMainWindowHiDpi::cleanupTestCase()
{
    m_window.reset();
    QSettings().clear();
}

int main(int argc, char** argv)
{
    // Before the application exists: the offscreen screen then reports a device pixel ratio of 2.
    qputenv("QT_SCALE_FACTOR", "2");
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("rbac-explorer-hidpi-tests"));
    QSettings().clear();
    TestMainWindowHiDpi test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_mainwindowhidpi.moc"
