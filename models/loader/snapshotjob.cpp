// SPDX-License-Identifier: Apache-2.0
#include "models/loader/snapshotjob.h"

#include "models/io/snapshotloader.h"

#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace rbx {

SnapshotJob::SnapshotJob(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<std::shared_ptr<const rbx::Snapshot>>();
    qRegisterMetaType<std::shared_ptr<const rbx::Policy>>();
}

SnapshotJob::~SnapshotJob()
{
    cancel();
    m_watcher.waitForFinished(); // the worker holds no pointer to us, but finish before members go
}

bool SnapshotJob::isRunning() const
{
    return m_watcher.isRunning();
}

void SnapshotJob::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void SnapshotJob::start(const QStringList& inputs)
{
    cancel();
    m_cancel = std::make_shared<std::atomic_bool>(false);
    const int generation = ++m_generation;
    std::vector<std::string> paths;
    for (const auto& i : inputs)
        paths.push_back(i.toStdString());
    auto flag = m_cancel;
    QPointer<SnapshotJob> self(this);
    auto future = QtConcurrent::run([paths, flag, self, generation]() -> std::shared_ptr<const Policy> {
        io::LoadCallbacks callbacks;
        callbacks.canceled = [flag] { return flag->load(); };
        callbacks.progress = [self, generation](std::size_t done, std::size_t total, const std::string& file) {
            if (!self)
                return;
            const int permille = total ? static_cast<int>(done * 1000 / total) : 1000;
            QMetaObject::invokeMethod(
                self.data(),
                [self, generation, permille, f = QString::fromStdString(file)] {
                    if (self && self->m_generation == generation)
                        Q_EMIT self->progressChanged(permille, f);
                },
                Qt::QueuedConnection);
        };
        auto snapshot = io::loadSnapshot(paths, {}, callbacks);
        if (flag->load())
            return nullptr;
        return std::make_shared<const Policy>(std::move(snapshot));
    });
    disconnect(&m_watcher, nullptr, this, nullptr);
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<const Policy>>::finished, this, [this, generation, flag] {
        if (generation != m_generation)
            return;
        if (flag->load()) {
            Q_EMIT canceled();
            return;
        }
        Q_EMIT loaded(m_watcher.result());
    });
    m_watcher.setFuture(future);
}

} // namespace rbx
