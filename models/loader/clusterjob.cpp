// SPDX-License-Identifier: Apache-2.0
#include "models/loader/clusterjob.h"

#include "models/analysis/diff.h"
#include "models/io/diffexport.h"

#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace rbx {

ClusterJob::ClusterJob(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<std::shared_ptr<const rbx::ClusterLoad>>();
}

ClusterJob::~ClusterJob()
{
    cancel();
    m_watcher.waitForFinished();
}

bool ClusterJob::isRunning() const
{
    return m_watcher.isRunning();
}

void ClusterJob::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void ClusterJob::start(const cluster::ConnectionConfig& connection, std::shared_ptr<const Policy> previous)
{
    cancel();
    m_cancel = std::make_shared<std::atomic_bool>(false);
    const int generation = ++m_generation;
    auto flag = m_cancel;
    QPointer<ClusterJob> self(this);
    auto future = QtConcurrent::run([connection, previous, flag, self, generation]() -> Outcome {
        cluster::PullOptions options;
        options.canceled = [flag] { return flag->load(); };
        options.progress = [self, generation](const cluster::PullProgress& p) {
            if (!self)
                return;
            const int permille = p.total ? std::min(950, p.done * 950 / p.total) : 0;
            const QString stage = QStringLiteral("%1 (%2)").arg(QString::fromStdString(p.resource)).arg(p.items);
            QMetaObject::invokeMethod(
                self.data(),
                [self, generation, permille, stage] {
                    if (self && self->m_generation == generation)
                        Q_EMIT self->progressChanged(permille, stage);
                },
                Qt::QueuedConnection);
        };
        // The pull runs its own event loop in this worker thread: the GUI thread only sees progress.
        auto pulled = cluster::pullSnapshot(connection, options);
        Outcome out;
        if (pulled.canceled || flag->load()) {
            out.canceled = true;
            return out;
        }
        if (!pulled.ok) {
            out.error = QString::fromStdString(pulled.error);
            return out;
        }
        auto load = std::make_shared<ClusterLoad>();
        load->policy = std::make_shared<const Policy>(std::shared_ptr<const Snapshot>(pulled.snapshot));
        load->connection = connection;
        load->coverage = pulled.coverage;
        load->warnings = pulled.warnings;
        load->serverVersion = pulled.serverVersion;
        load->requests = pulled.requests;
        load->complete = pulled.complete();
        if (previous) {
            load->refreshed = true;
            const auto diff = diffSnapshots(*previous, *load->policy);
            load->changed = !diff.equal();
            load->changesMarkdown = io::snapshotDiffMarkdown(*previous, *load->policy, diff);
            load->changesHtml = io::markdownToHtml(load->changesMarkdown, "Changes since the last pull");
        }
        out.load = std::move(load);
        return out;
    });
    disconnect(&m_watcher, nullptr, this, nullptr);
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, [this, generation, flag] {
        if (generation != m_generation)
            return;
        const auto out = m_watcher.result();
        if (out.canceled || flag->load())
            Q_EMIT canceled();
        else if (!out.error.isEmpty())
            Q_EMIT failed(out.error);
        else
            Q_EMIT loaded(out.load);
    });
    m_watcher.setFuture(future);
}

} // namespace rbx
