// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the tests: where the test data lives, and small snapshot builders.
#pragma once

#include "models/analysis/policy.h"
#include "models/io/snapshotloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>
#include <string>

namespace rbx::test {

inline QString dataDir()
{
    return QStringLiteral(RBX_TEST_DATA_DIR);
}

inline std::string dataPath(const char* relative)
{
    return std::string(RBX_TEST_DATA_DIR) + '/' + relative;
}

inline std::shared_ptr<const Snapshot> yaml(const std::string& text, const std::string& name = "test.yaml")
{
    return io::loadFromString(text, name, io::Format::Yaml);
}

inline std::shared_ptr<const Snapshot> json(const std::string& text, const std::string& name = "test.json")
{
    return io::loadFromString(text, name, io::Format::Json);
}

inline QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

inline bool writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(data) == data.size();
}

// "Kind ns/name" for every object of the snapshot, in the snapshot's order (category by category).
inline QStringList objectsOf(const Snapshot& s)
{
    QStringList out;
    auto add = [&](const QString& kind, const ObjectMeta& m) {
        out << QString(kind + u' ' + (m.ns.empty() ? qs(m.name) : QString(qs(m.ns) + u'/' + qs(m.name))));
    };
    for (const auto& o : s.namespaces)
        add(QStringLiteral("Namespace"), o.meta);
    for (const auto& o : s.serviceAccounts)
        add(QStringLiteral("ServiceAccount"), o.meta);
    for (const auto& o : s.secrets)
        add(QStringLiteral("Secret"), o.meta);
    for (const auto& o : s.roles)
        add(o.cluster ? QStringLiteral("ClusterRole") : QStringLiteral("Role"), o.meta);
    for (const auto& o : s.bindings)
        add(o.cluster ? QStringLiteral("ClusterRoleBinding") : QStringLiteral("RoleBinding"), o.meta);
    for (const auto& o : s.workloads)
        add(qs(o.kind), o.meta);
    for (const auto& o : s.nodes)
        add(QStringLiteral("Node"), o.meta);
    for (const auto& o : s.crds)
        add(QStringLiteral("CustomResourceDefinition"), o.meta);
    return out;
}

// Starts a prepared process (program, arguments, environment set), writes `input` to its stdin and waits for it.
// code -1: it did not start, crashed or timed out (then it is killed).
struct ProcessOutput
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

inline ProcessOutput runProcess(QProcess& p, const QByteArray& input = {}, int timeoutMs = 60000)
{
    ProcessOutput r;
    p.start();
    if (!p.waitForStarted(10000))
        return r;
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace rbx::test
