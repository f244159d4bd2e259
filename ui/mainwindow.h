// SPDX-License-Identifier: Apache-2.0
// The main window. For now a thin shell: open snapshots off the GUI thread and show the load report.
#pragma once

#include "models/domain/snapshot.h"

#include <QMainWindow>

#include <memory>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace rbx {

class SnapshotJob;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void openSnapshots(const QStringList& paths);
    [[nodiscard]] std::shared_ptr<const Snapshot> snapshot() const
    {
        return m_snapshot;
    }

Q_SIGNALS:
    void snapshotLoaded();

private:
    void showSnapshot(std::shared_ptr<const Snapshot> snapshot);

    SnapshotJob* m_job;
    QPlainTextEdit* m_report;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QLabel* m_status;
    std::shared_ptr<const Snapshot> m_snapshot;
};

} // namespace rbx
