// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the kubeconfig parser (yaml-cpp -> clusters, users, contexts) and context resolution with
// client-go's validation, without reading the files an input names (see clusterharness.h).
#include "clusterharness.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {
char g_readablePath[1024]; // plain storage, still valid in the exit handler (Qt and std::string are gone by then)

// One small readable file for every path an input names half of the time; removed at exit.
const std::string& readableFile()
{
    static const std::string path = [] {
        const auto p = QDir::temp().filePath(
            QStringLiteral("rbx-fuzz-kubeconfig-%1.pem").arg(QCoreApplication::applicationPid()));
        QFile f(p);
        if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            f.write("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        std::snprintf(g_readablePath, sizeof g_readablePath, "%s", QFile::encodeName(p).constData());
        std::atexit([] { std::remove(g_readablePath); });
        return p.toStdString();
    }();
    return path;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (!rbx::fuzz::kubeconfig(text, readableFile()))
        __builtin_trap();
    return 0;
}
