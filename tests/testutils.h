// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the tests: where the test data lives, and small snapshot builders.
#pragma once

#include "models/analysis/policy.h"
#include "models/io/snapshotloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
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

} // namespace rbx::test
