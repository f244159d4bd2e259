// SPDX-License-Identifier: Apache-2.0
// rbac-explorer: the desktop application's composition root.
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

namespace {

// The bundled demo snapshot: installed beside the binary's data dir, or found in the source tree.
QString demoSnapshotPath()
{
    const QString appDir = QCoreApplication::applicationDirPath();
    const QStringList candidates {appDir + QStringLiteral("/../share/rbac-explorer/demo"),
                                  QStringLiteral(RBX_SOURCE_DIR "/resources/demo")};
    for (const auto& candidate : candidates) {
        if (QFileInfo(candidate).isDir())
            return QDir(candidate).absolutePath();
    }
    return {};
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("rbac-explorer"));
    QApplication::setApplicationDisplayName(QStringLiteral("RBAC Explorer"));
    QApplication::setApplicationVersion(QStringLiteral(RBX_VERSION));
    QApplication::setOrganizationName(QStringLiteral("rbac-explorer"));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.rbacexplorer.RbacExplorer"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Explore what every Kubernetes ServiceAccount can do, and why."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the bundled demo snapshot."));
    parser.addOption(demo);
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Snapshot files or folders to open."),
                                 QStringLiteral("[PATH...]"));
    parser.process(app);

    rbx::MainWindow window;
    const auto demoPath = demoSnapshotPath();
    window.setDemoPath(demoPath);
    QStringList paths = parser.positionalArguments();
    if (parser.isSet(demo) && !demoPath.isEmpty())
        paths << demoPath;
    if (!paths.isEmpty())
        window.openSnapshots(paths);
    window.show();
    return QApplication::exec();
}
