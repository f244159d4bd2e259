// SPDX-License-Identifier: Apache-2.0
// rbx: the headless RBAC Explorer. kubectl conventions: -n, -A, --as, --as-group, -o; exit codes as documented.
#include "app/rbx/commands.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("rbx"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RBX_VERSION));
    QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h")
        || args[1] == QLatin1String("help")) {
        if (args.size() >= 3 && args[1] == QLatin1String("help"))
            return rbx::cli::run(args[2], {args[0], QStringLiteral("--help")});
        std::fputs(rbx::cli::mainHelp().c_str(), args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? rbx::cli::kExitUsage : 0;
    }
    if (args[1] == QLatin1String("--version") || args[1] == QLatin1String("version")) {
        std::printf("rbx %s\n", RBX_VERSION);
        return 0;
    }
    const QString command = args[1];
    args.removeAt(1);
    return rbx::cli::run(command, args);
}
