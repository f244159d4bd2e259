// SPDX-License-Identifier: Apache-2.0
// The kubectl programs the tests run: the one on PATH, and Debian 12's (kubectl 1.20 with kustomize v2.0.3) that
// .ci/setup unpacks into build/tools/ when PATH has another one. Duplicates (same `kubectl version --client`
// output) are dropped. Tests that need kubectl take them as data rows, so every version present is exercised; with
// none, a single "no kubectl" row with an empty path lets the test skip.
#pragma once

#include <QByteArray>
#include <QFileInfo>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTest>

namespace rbx::test {

struct Kubectl
{
    QString path; // empty: no kubectl found
    QString name; // "kubectl v1.20.2", "kubectl v1.32.4 (kustomize v5.5.0)"
};

// Offline: no kubeconfig, so no cluster is ever contacted.
inline QProcessEnvironment kubectlEnvironment()
{
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("KUBECONFIG"), QStringLiteral("/dev/null"));
    return env;
}

// "Client Version: v1.32.4\nKustomize Version: v5.5.0" (kubectl 1.28 and later) or
// `Client Version: version.Info{Major:"1", ..., GitVersion:"v1.20.2", ...}` (older).
inline QString kubectlName(const QByteArray& versionOutput)
{
    const auto text = QString::fromUtf8(versionOutput);
    QString name = QStringLiteral("kubectl");
    const QRegularExpression client(QStringLiteral(R"((?:Client Version: |GitVersion:")(v[0-9][^\s"]*))"));
    if (const auto m = client.match(text); m.hasMatch())
        name += u' ' + m.captured(1);
    const QRegularExpression kustomize(QStringLiteral(R"(Kustomize Version: (\S+))"));
    if (const auto m = kustomize.match(text); m.hasMatch())
        name += QStringLiteral(" (kustomize ") + m.captured(1) + u')';
    return name;
}

inline QList<Kubectl> findKubectls()
{
    QStringList candidates;
    if (const auto onPath = QStandardPaths::findExecutable(QStringLiteral("kubectl")); !onPath.isEmpty())
        candidates << onPath;
    // .ci/setup's copy: build/tools/ of the source tree, and of this build tree when it is another one.
    candidates << QStringLiteral(RBX_SOURCE_DIR "/build/tools/kubernetes-client/usr/bin/kubectl")
               << QStringLiteral(RBX_BINARY_DIR "/tools/kubernetes-client/usr/bin/kubectl");
    QList<Kubectl> found;
    QSet<QByteArray> seen;
    for (const auto& path : candidates) {
        const QFileInfo info(path);
        if (!info.isFile() || !info.isExecutable())
            continue;
        QProcess p;
        p.setProcessEnvironment(kubectlEnvironment());
        p.start(path, { QStringLiteral("version"), QStringLiteral("--client") });
        if (!p.waitForStarted(10000) || !p.waitForFinished(30000) || p.exitStatus() != QProcess::NormalExit
            || p.exitCode() != 0)
            continue;
        const auto version = p.readAllStandardOutput().trimmed();
        if (version.isEmpty() || seen.contains(version))
            continue;
        seen.insert(version);
        found.push_back({ info.absoluteFilePath(), kubectlName(version) });
    }
    return found;
}

inline const QList<Kubectl>& kubectls()
{
    static const QList<Kubectl> list = findKubectls();
    return list;
}

// The rows of a data function: one per kubectl, or one "no kubectl" row with an empty path.
inline QList<Kubectl> kubectlRows()
{
    auto rows = kubectls();
    if (rows.isEmpty())
        rows.push_back({ QString(), QStringLiteral("no kubectl") });
    return rows;
}

// Adds the column "kubectl" (the program's path) and its rows, for tests whose only data is the kubectl.
inline void addKubectlData()
{
    QTest::addColumn<QString>("kubectl");
    for (const auto& k : kubectlRows())
        QTest::newRow(qPrintable(k.name)) << k.path;
}

inline constexpr const char* kNoKubectl = "no kubectl: neither on PATH nor in build/tools (see .ci/setup)";

} // namespace rbx::test
