// SPDX-License-Identifier: Apache-2.0
// The main window: a thin shell of actions, docks and pages. Loading runs off the GUI thread (SnapshotJob); the pages
// get the Policy and the selected subject, and talk back in domain keys (SubjectRef, object kind/namespace/name).
#pragma once

#include "models/analysis/subjects.h"
#include "models/cluster/kubeconfig.h"

#include <QMainWindow>
#include <QPointer>

#include <memory>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTextBrowser;
class QPlainTextEdit;
class QTreeView;
class QMenu;

namespace rbx {

class SnapshotJob;
class ClusterJob;
struct ClusterLoad;
class SubjectTreeModel;
class SubjectFilterProxy;
class OverviewPage;
class MatrixPage;
class GraphPage;
class HeatMapPage;
class WhoCanPage;
class DiffPage;
class TokensPage;
class FindingsPage;
class JwtInspector;
class CrossCheckDialog;
struct Grant;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    enum Page { OverviewTab, MatrixTab, GraphTab, HeatMapTab, WhoCanTab, TokensTab, DiffTab, FindingsTab };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void setDemoPath(const QString& path);
    void openSnapshots(const QStringList& paths);
    // Live clusters, read-only: pull through a resolved kubeconfig context (File ▸ Connect to Cluster), pull it again
    // and show what changed (File ▸ Refresh), save what was loaded as a snapshot file (File ▸ Save Snapshot As).
    void connectToCluster(const cluster::ConnectionConfig& connection);
    void refreshFromCluster();
    // Tools ▸ Cross-check with Cluster for the selected subject (live only); the dialog deletes itself on close.
    CrossCheckDialog* openCrossCheck();
    bool saveSnapshotAs(const QString& file, QString* error = nullptr);
    [[nodiscard]] bool isLive() const
    {
        return m_live.has_value();
    }
    [[nodiscard]] QString statusText() const;
    [[nodiscard]] QString reportButtonText() const;
    void selectSubject(const SubjectRef& subject, bool recordHistory = true);
    void showObject(const QString& kind, const QString& ns, const QString& name);
    void showPage(Page page);
    void goBack();
    void goForward();
    void openJwtInspector();

    [[nodiscard]] std::shared_ptr<const Policy> policy() const
    {
        return m_policy;
    }
    [[nodiscard]] std::shared_ptr<const Snapshot> snapshot() const;
    [[nodiscard]] OverviewPage* overviewPage() const
    {
        return m_overview;
    }
    [[nodiscard]] TokensPage* tokensPage() const
    {
        return m_tokens;
    }
    [[nodiscard]] JwtInspector* jwtInspector() const;
    [[nodiscard]] FindingsPage* findingsPage() const
    {
        return m_findings;
    }
    [[nodiscard]] MatrixPage* matrixPage() const
    {
        return m_matrix;
    }
    [[nodiscard]] GraphPage* graphPage() const
    {
        return m_graph;
    }
    [[nodiscard]] HeatMapPage* heatMapPage() const
    {
        return m_heatMap;
    }
    [[nodiscard]] WhoCanPage* whoCanPage() const
    {
        return m_whoCan;
    }
    [[nodiscard]] DiffPage* diffPage() const
    {
        return m_diff;
    }
    [[nodiscard]] QTreeView* navigator() const
    {
        return m_tree;
    }
    [[nodiscard]] QString detailsText() const;

Q_SIGNALS:
    void snapshotLoaded();
    void clusterFailed(const QString& message);
    void changesShown(const QString& html);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void setPolicy(std::shared_ptr<const Policy> policy);
    void setClusterLoad(std::shared_ptr<const ClusterLoad> load);
    void startBusy(const QString& text);
    void stopBusy();
    void showCellExplanation(const QString& text, const std::vector<Grant>& grants);
    void showLoadReport();
    void quickOpen();
    void addRecent(const QStringList& paths);
    void rebuildRecentMenu();
    void updateHistoryActions();

    SnapshotJob* m_job;
    ClusterJob* m_clusterJob;
    std::shared_ptr<const Policy> m_policy;
    std::optional<cluster::ConnectionConfig> m_live; // the cluster the current policy was pulled from
    std::shared_ptr<const ClusterLoad> m_lastPull;
    std::optional<cluster::ConnectionConfig> m_pendingLive; // the pull under way
    QString m_sourceLabel; // what the window title and status bar name as the source
    QString m_demoPath;
    QStringList m_currentPaths;

    SubjectTreeModel* m_subjects;
    SubjectFilterProxy* m_subjectProxy;
    QLineEdit* m_filter;
    QTreeView* m_tree;
    QTabWidget* m_pages;
    OverviewPage* m_overview;
    MatrixPage* m_matrix;
    GraphPage* m_graph;
    HeatMapPage* m_heatMap;
    WhoCanPage* m_whoCan;
    DiffPage* m_diff;
    TokensPage* m_tokens;
    FindingsPage* m_findings;
    QTextBrowser* m_explanation;
    QPlainTextEdit* m_yaml;

    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QPushButton* m_reportButton;
    QLabel* m_status;
    QMenu* m_recentMenu = nullptr;
    QAction* m_backAction = nullptr;
    QAction* m_forwardAction = nullptr;
    QList<QAction*> m_loadActions;
    QAction* m_refreshAction = nullptr;
    QAction* m_crossCheckAction = nullptr;
    QPointer<JwtInspector> m_inspector;

    std::vector<SubjectRef> m_history;
    std::size_t m_historyPos = 0;
    SubjectRef m_current;
    bool m_hasCurrent = false;
};

} // namespace rbx
