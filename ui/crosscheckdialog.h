// SPDX-License-Identifier: Apache-2.0
// Tools ▸ Cross-check with Cluster: the selected subject's sample requests, evaluated here and asked of the live API
// server as SubjectAccessReviews (off the GUI thread), with every disagreement listed.
#pragma once

#include "models/analysis/policy.h"
#include "models/cluster/crosscheck.h"
#include "models/cluster/kubeconfig.h"

#include <QDialog>
#include <QFutureWatcher>

#include <atomic>
#include <memory>

class QCheckBox;
class QLabel;
class QTreeWidget;

namespace rbx {

class CrossCheckDialog final : public QDialog
{
    Q_OBJECT
public:
    CrossCheckDialog(const cluster::ConnectionConfig& connection, std::shared_ptr<const Policy> policy,
                     const UserInfo& user, const std::string& ns, QWidget* parent = nullptr);
    ~CrossCheckDialog() override;

    [[nodiscard]] bool isRunning() const;
    [[nodiscard]] QString summary() const;
    [[nodiscard]] int rowCount() const;

Q_SIGNALS:
    void finished(); // results are shown

private:
    void showResult();

    std::shared_ptr<const Policy> m_policy;
    std::shared_ptr<std::atomic_bool> m_cancel;
    QFutureWatcher<cluster::CrossCheckResult> m_watcher;
    cluster::CrossCheckResult m_result;
    QLabel* m_summary;
    QCheckBox* m_showAll;
    QTreeWidget* m_list;
};

} // namespace rbx
