// SPDX-License-Identifier: Apache-2.0
// Loads a snapshot off the GUI thread and prepares its Policy (aggregation resolved, bindings indexed), with progress
// and cancel; stale results of a superseded load are dropped.
#pragma once

#include "models/analysis/policy.h"

#include <QFutureWatcher>
#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>

namespace rbx {

class SnapshotJob final : public QObject
{
    Q_OBJECT
public:
    explicit SnapshotJob(QObject* parent = nullptr);
    ~SnapshotJob() override;

    void start(const QStringList& inputs);
    void cancel();
    [[nodiscard]] bool isRunning() const;

Q_SIGNALS:
    void progressChanged(int permille, const QString& stage);
    void loaded(std::shared_ptr<const rbx::Policy> policy);
    void canceled();

private:
    QFutureWatcher<std::shared_ptr<const Policy>> m_watcher;
    std::shared_ptr<std::atomic_bool> m_cancel;
    int m_generation = 0;
};

} // namespace rbx

Q_DECLARE_METATYPE(std::shared_ptr<const rbx::Snapshot>)
Q_DECLARE_METATYPE(std::shared_ptr<const rbx::Policy>)
