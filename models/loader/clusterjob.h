// SPDX-License-Identifier: Apache-2.0
// Pulls a live cluster off the GUI thread (read-only, see models/cluster/) and prepares its Policy, with per-resource
// progress and cancel; on a refresh, also what changed since the previous pull (the snapshot diff, as HTML).
#pragma once

#include "models/analysis/policy.h"
#include "models/cluster/clusterpull.h"
#include "models/cluster/kubeconfig.h"

#include <QFutureWatcher>
#include <QObject>

#include <atomic>
#include <memory>

namespace rbx {

struct ClusterLoad
{
    std::shared_ptr<const Policy> policy;
    cluster::ConnectionConfig connection; // what was pulled from (credentials stay in memory)
    std::vector<cluster::ResourceCoverage> coverage;
    std::vector<std::string> warnings;
    std::string serverVersion;
    int requests = 0;
    bool complete = true;
    bool refreshed = false; // a previous pull was compared
    bool changed = false;
    std::string changesHtml; // the snapshot diff against the previous pull, when refreshed
    std::string changesMarkdown;
};

class ClusterJob final : public QObject
{
    Q_OBJECT
public:
    explicit ClusterJob(QObject* parent = nullptr);
    ~ClusterJob() override;

    // `previous`: the policy of the last pull of this cluster, to report what changed (nullptr: none).
    void start(const cluster::ConnectionConfig& connection, std::shared_ptr<const Policy> previous = {});
    void cancel();
    [[nodiscard]] bool isRunning() const;

Q_SIGNALS:
    void progressChanged(int permille, const QString& stage);
    void loaded(std::shared_ptr<const rbx::ClusterLoad> load);
    void failed(const QString& message);
    void canceled();

private:
    struct Outcome
    {
        std::shared_ptr<const ClusterLoad> load;
        QString error;
        bool canceled = false;
    };
    QFutureWatcher<Outcome> m_watcher;
    std::shared_ptr<std::atomic_bool> m_cancel;
    int m_generation = 0;
};

} // namespace rbx

Q_DECLARE_METATYPE(std::shared_ptr<const rbx::ClusterLoad>)
