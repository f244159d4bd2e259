// SPDX-License-Identifier: Apache-2.0
#include "ui/mainwindow.h"

#include "models/io/objectyaml.h"
#include "models/item/subjecttreemodel.h"
#include "models/io/snapshotexport.h"
#include "models/loader/clusterjob.h"
#include "models/loader/snapshotjob.h"
#include "ui/connectdialog.h"
#include "ui/crosscheckdialog.h"
#include "ui/badgedelegate.h"
#include "ui/dialogs.h"
#include "ui/diffpage.h"
#include "ui/findingspage.h"
#include "ui/graphpage.h"
#include "ui/heatmappage.h"
#include "ui/jwtinspector.h"
#include "ui/matrixpage.h"
#include "ui/overviewpage.h"
#include "ui/tokenspage.h"
#include "ui/whocanpage.h"
#include "ui/yamlhighlighter.h"

#include <QAction>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

namespace rbx {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_job(new SnapshotJob(this))
    , m_clusterJob(new ClusterJob(this))
    , m_subjects(new SubjectTreeModel(this))
    , m_subjectProxy(new SubjectFilterProxy(this))
    , m_filter(new QLineEdit(this))
    , m_tree(new QTreeView(this))
    , m_pages(new QTabWidget(this))
    , m_overview(new OverviewPage(this))
    , m_matrix(new MatrixPage(this))
    , m_graph(new GraphPage(this))
    , m_heatMap(new HeatMapPage(this))
    , m_whoCan(new WhoCanPage(this))
    , m_diff(new DiffPage(this))
    , m_tokens(new TokensPage(this))
    , m_findings(new FindingsPage(this))
    , m_explanation(new QTextBrowser(this))
    , m_yaml(new QPlainTextEdit(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_reportButton(new QPushButton(this))
    , m_status(new QLabel(this))
{
    setWindowTitle(tr("RBAC Explorer"));
    setObjectName(QStringLiteral("MainWindow"));
    m_cancel->setObjectName(QStringLiteral("CancelButton"));
    setAcceptDrops(true);

    // Left: the subject navigator.
    m_subjectProxy->setSourceModel(m_subjects);
    m_tree->setModel(m_subjectProxy);
    m_tree->setItemDelegate(new BadgeDelegate(m_tree));
    m_tree->setHeaderHidden(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(0, Qt::AscendingOrder);
    m_filter->setPlaceholderText(tr("Filter subjects (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    auto* navigator = new QWidget(this);
    auto* navLayout = new QVBoxLayout(navigator);
    navLayout->setContentsMargins(2, 2, 2, 2);
    navLayout->addWidget(m_filter);
    navLayout->addWidget(m_tree);
    auto* navDock = new QDockWidget(tr("Subjects"), this);
    navDock->setObjectName(QStringLiteral("SubjectsDock"));
    navDock->setWidget(navigator);
    addDockWidget(Qt::LeftDockWidgetArea, navDock);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_subjectProxy->setText(text);
        if (!text.isEmpty())
            m_tree->expandAll();
    });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& index) {
        const auto v = index.data(SubjectTreeModel::SubjectRole);
        if (v.isValid())
            selectSubject(v.value<SubjectRef>());
    });

    // Centre: one page per view.
    m_pages->setDocumentMode(true);
    m_pages->addTab(m_overview, tr("&Overview"));
    m_pages->addTab(m_matrix, tr("Access &matrix"));
    m_pages->addTab(m_graph, tr("&Graph"));
    m_pages->addTab(m_heatMap, tr("&Heat map"));
    m_pages->addTab(m_whoCan, tr("&Who can"));
    m_pages->addTab(m_tokens, tr("&Tokens"));
    m_pages->addTab(m_diff, tr("&Diff"));
    m_pages->addTab(m_findings, tr("F&indings"));
    setCentralWidget(m_pages);

    // Right: details of whatever is selected (a cell's why, an object's YAML).
    m_yaml->setReadOnly(true);
    m_yaml->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_yaml->setLineWrapMode(QPlainTextEdit::NoWrap);
    new YamlHighlighter(m_yaml->document());
    m_explanation->setOpenLinks(false);
    auto* details = new QSplitter(Qt::Vertical, this);
    details->setObjectName(QStringLiteral("DetailsSplitter"));
    details->addWidget(m_explanation);
    details->addWidget(m_yaml);
    details->setStretchFactor(1, 2);
    auto* detailsDock = new QDockWidget(tr("Details"), this);
    detailsDock->setObjectName(QStringLiteral("DetailsDock"));
    detailsDock->setWidget(details);
    addDockWidget(Qt::RightDockWidgetArea, detailsDock);

    auto activate = [this](const QString& kind, const QString& ns, const QString& name) { showObject(kind, ns, name); };
    connect(m_overview, &OverviewPage::objectActivated, this, activate);
    connect(m_graph, &GraphPage::objectActivated, this, activate);
    connect(m_whoCan, &WhoCanPage::objectActivated, this, activate);
    connect(m_matrix, &MatrixPage::cellExplained, this, &MainWindow::showCellExplanation);
    connect(m_diff, &DiffPage::explained, m_explanation, &QTextBrowser::setPlainText);
    connect(m_tokens, &TokensPage::subjectActivated, this, [this](const SubjectRef& s) {
        selectSubject(s);
        showPage(OverviewTab);
    });
    connect(m_tokens, &TokensPage::inspectorRequested, this, &MainWindow::openJwtInspector);
    connect(m_findings, &FindingsPage::objectActivated, this, activate);
    connect(m_findings, &FindingsPage::subjectActivated, this, [this](const SubjectRef& s) { selectSubject(s); });
    connect(m_heatMap, &HeatMapPage::subjectActivated, this, [this](const SubjectRef& s) {
        selectSubject(s);
        showPage(MatrixTab);
    });
    connect(m_whoCan, &WhoCanPage::subjectActivated, this, [this](const SubjectRef& s) {
        selectSubject(s);
        showPage(OverviewTab);
    });

    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_reportButton);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    m_reportButton->setFlat(true);
    m_reportButton->hide();
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(220);
    m_progress->hide();
    m_cancel->hide();
    connect(m_reportButton, &QPushButton::clicked, this, &MainWindow::showLoadReport);
    connect(m_cancel, &QPushButton::clicked, m_job, &SnapshotJob::cancel);
    connect(m_job, &SnapshotJob::progressChanged, this, [this](int permille, const QString& stage) {
        m_progress->setValue(permille);
        m_status->setText(stage.isEmpty() ? tr("Resolving roles…") : tr("Loading %1").arg(stage));
    });
    connect(m_job, &SnapshotJob::loaded, this, &MainWindow::setPolicy);
    connect(m_job, &SnapshotJob::canceled, this, [this] {
        if (m_clusterJob->isRunning())
            return; // superseded by a pull, which owns the progress bar now
        stopBusy();
        m_status->setText(tr("Loading canceled"));
    });
    connect(m_cancel, &QPushButton::clicked, m_clusterJob, &ClusterJob::cancel);
    connect(m_clusterJob, &ClusterJob::progressChanged, this, [this](int permille, const QString& stage) {
        m_progress->setValue(permille);
        m_status->setText(tr("Reading %1 from %2 (read-only)…").arg(stage, m_sourceLabel));
    });
    connect(m_clusterJob, &ClusterJob::loaded, this, &MainWindow::setClusterLoad);
    connect(m_clusterJob, &ClusterJob::canceled, this, [this] {
        if (m_job->isRunning())
            return; // superseded by a file load
        stopBusy();
        m_status->setText(tr("Reading the cluster canceled"));
    });
    connect(m_clusterJob, &ClusterJob::failed, this, [this](const QString& message) {
        stopBusy();
        m_status->setText(tr("Could not read the cluster"));
        Q_EMIT clusterFailed(message);
        if (!property("rbxNoDialogs").toBool())
            QMessageBox::critical(this, tr("Could not read the cluster"), message);
    });

    createActions();
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_pages->setCurrentIndex(settings.value(QStringLiteral("window/page"), 0).toInt());
    details->restoreState(settings.value(QStringLiteral("window/details")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1366, 768);
    if (!settings.contains(QStringLiteral("window/state")))
        resizeDocks({navDock, detailsDock}, {310, 300}, Qt::Horizontal);
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* openFiles = file->addAction(tr("&Open Files…"), this, [this] {
        const auto files = QFileDialog::getOpenFileNames(this, tr("Open snapshot files"), {},
                                                         tr("Snapshots (*.yaml *.yml *.json *.gz);;All files (*)"));
        if (!files.isEmpty())
            openSnapshots(files);
    });
    openFiles->setShortcut(QKeySequence::Open);
    auto* openFolder = file->addAction(tr("Open &Folder…"), this, [this] {
        const auto dir = QFileDialog::getExistingDirectory(this, tr("Open snapshot folder"));
        if (!dir.isEmpty())
            openSnapshots({dir});
    });
    auto* demo = file->addAction(tr("Open &Demo Snapshot"), this, [this] {
        if (!m_demoPath.isEmpty())
            openSnapshots({m_demoPath});
    });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    auto* connectAction = file->addAction(tr("&Connect to Cluster…"), this, [this] {
        ConnectDialog dialog(this);
        if (dialog.exec() == QDialog::Accepted && dialog.connection())
            connectToCluster(*dialog.connection());
    });
    connectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_refreshAction = file->addAction(tr("Re&fresh from Cluster"), this, &MainWindow::refreshFromCluster);
    m_refreshAction->setShortcut(QKeySequence::Refresh);
    m_refreshAction->setEnabled(false);
    file->addAction(tr("&Save Snapshot As…"), this, [this] {
        if (!m_policy)
            return;
        const auto name = QFileDialog::getSaveFileName(this, tr("Save snapshot"), {},
                                                       tr("JSON (*.json);;YAML (*.yaml);;Compressed JSON (*.json.gz);;"
                                                          "Compressed YAML (*.yaml.gz)"));
        QString error;
        if (!name.isEmpty() && !saveSnapshotAs(name, &error))
            QMessageBox::warning(this, tr("Save failed"), error);
    });
    m_loadActions = {openFiles, openFolder, demo, connectAction};
    rebuildRecentMenu();
    file->addSeparator();
    file->addAction(tr("Load &Report…"), this, &MainWindow::showLoadReport);
    file->addAction(tr("&Export Access Matrix…"), this, [this] {
        const auto name = QFileDialog::getSaveFileName(this, tr("Export access matrix"), {},
                                                       tr("CSV (*.csv);;JSON (*.json)"));
        if (!name.isEmpty() && !m_matrix->exportTo(name))
            QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1").arg(name));
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    auto* go = menuBar()->addMenu(tr("&Go"));
    m_backAction = go->addAction(tr("&Back"), QKeySequence(Qt::ALT | Qt::Key_Left), this, &MainWindow::goBack);
    m_forwardAction = go->addAction(tr("&Forward"), QKeySequence(Qt::ALT | Qt::Key_Right), this, &MainWindow::goForward);
    go->addSeparator();
    go->addAction(tr("&Find Subject"), QKeySequence::Find, this, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    go->addAction(tr("&Quick Open…"), QKeySequence(Qt::CTRL | Qt::Key_K), this, &MainWindow::quickOpen);
    updateHistoryActions();

    auto* view = menuBar()->addMenu(tr("&View"));
    const QStringList titles {tr("Overview"), tr("Access Matrix"), tr("Graph"), tr("Heat Map"),
                              tr("Who Can"),  tr("Tokens"),        tr("Diff"),  tr("Findings")};
    for (int i = 0; i < titles.size(); ++i)
        view->addAction(titles[i], QKeySequence(Qt::CTRL | (Qt::Key_1 + i)), this,
                        [this, i] { showPage(static_cast<Page>(i)); });

    auto* tools = menuBar()->addMenu(tr("&Tools"));
    tools->addAction(tr("&JWT Inspector…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_J), this,
                     &MainWindow::openJwtInspector);
    m_crossCheckAction = tools->addAction(tr("&Cross-check with Cluster…"), this, [this] { openCrossCheck(); });
    m_crossCheckAction->setEnabled(false);

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About RBAC Explorer"), this, [this] {
        QMessageBox::about(this, tr("About RBAC Explorer"),
                           tr("<h3>RBAC Explorer %1</h3><p>What every Kubernetes ServiceAccount can do, why, and how "
                              "to fix it. RBAC is evaluated exactly as the Kubernetes API server does, offline.</p>")
                               .arg(QCoreApplication::applicationVersion()));
    });
}

void MainWindow::setDemoPath(const QString& path)
{
    m_demoPath = path;
}

std::shared_ptr<const Snapshot> MainWindow::snapshot() const
{
    return m_policy ? m_policy->snapshotPtr() : nullptr;
}

void MainWindow::startBusy(const QString& text)
{
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    for (auto* a : m_loadActions)
        a->setEnabled(false);
    m_refreshAction->setEnabled(false);
    m_status->setText(text);
}

void MainWindow::stopBusy()
{
    m_progress->hide();
    m_cancel->hide();
    for (auto* a : m_loadActions)
        a->setEnabled(true);
    m_refreshAction->setEnabled(m_live.has_value());
    m_crossCheckAction->setEnabled(m_live.has_value() && m_hasCurrent);
}

void MainWindow::openSnapshots(const QStringList& paths)
{
    m_clusterJob->cancel();
    m_currentPaths = paths;
    m_pendingLive.reset();
    m_sourceLabel = paths.join(QStringLiteral(", "));
    startBusy(tr("Loading…"));
    m_job->start(paths);
}

void MainWindow::connectToCluster(const cluster::ConnectionConfig& connection)
{
    m_job->cancel();
    // A refresh of the same context compares with what was pulled before.
    const bool sameCluster = m_live && m_live->context == connection.context && m_live->server == connection.server;
    auto previous = sameCluster && m_lastPull ? m_lastPull->policy : std::shared_ptr<const Policy>();
    m_pendingLive = connection;
    m_sourceLabel = tr("context %1").arg(QString::fromStdString(connection.context));
    startBusy(tr("Connecting to %1 (read-only)…").arg(QString::fromStdString(connection.server)));
    for (const auto& w : connection.warnings)
        m_status->setText(QString::fromStdString(w));
    m_clusterJob->start(connection, previous);
}

CrossCheckDialog* MainWindow::openCrossCheck()
{
    if (!m_live || !m_policy || !m_hasCurrent)
        return nullptr;
    const std::string ns = !m_current.ns.empty() ? m_current.ns : (m_live->ns.empty() ? "default" : m_live->ns);
    auto* dialog = new CrossCheckDialog(*m_live, m_policy, userInfoOf(m_current), ns, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void MainWindow::refreshFromCluster()
{
    if (m_live)
        connectToCluster(*m_live);
}

bool MainWindow::saveSnapshotAs(const QString& file, QString* error)
{
    if (!m_policy) {
        if (error)
            *error = tr("Nothing is loaded.");
        return false;
    }
    std::string e;
    if (!io::writeSnapshotFile(file.toStdString(), m_policy->snapshot(), &e)) {
        if (error)
            *error = QString::fromStdString(e);
        return false;
    }
    m_status->setText(tr("Saved %1 (no Secret data, no credentials)").arg(file));
    return true;
}

void MainWindow::setClusterLoad(std::shared_ptr<const ClusterLoad> load)
{
    m_lastPull = load;
    m_live = m_pendingLive ? m_pendingLive : std::optional<cluster::ConnectionConfig>(load->connection);
    m_pendingLive.reset();
    m_currentPaths.clear();
    setPolicy(load->policy);
    QStringList gaps;
    for (const auto& c : load->coverage)
        if (c.state != cluster::ResourceCoverage::State::Complete
            && c.state != cluster::ResourceCoverage::State::NotServed)
            gaps << QString::fromStdString(c.resource).section(u' ', 0, 0);
    m_status->setText(tr("Live, read-only: %1 at %2%3 — %n object(s) in %4 requests", nullptr,
                         static_cast<int>(m_policy->snapshot().objectCount()))
                          .arg(QString::fromStdString(load->connection.context),
                               QString::fromStdString(load->connection.server),
                               load->serverVersion.empty() ? QString()
                                                           : QStringLiteral(", Kubernetes ")
                                       + QString::fromStdString(load->serverVersion))
                          .arg(load->requests));
    if (!gaps.isEmpty())
        m_reportButton->setText(tr("⚠ incomplete: %1").arg(gaps.join(QStringLiteral(", "))));
    if (load->refreshed) {
        if (!load->changed) {
            m_status->setText(m_status->text() + tr(" · no changes since the last pull"));
        } else {
            const auto html = QString::fromStdString(load->changesHtml);
            Q_EMIT changesShown(html);
            if (!property("rbxNoDialogs").toBool()) {
                auto* dialog = new QDialog(this);
                dialog->setAttribute(Qt::WA_DeleteOnClose);
                dialog->setWindowTitle(tr("Changes since the last pull"));
                auto* layout = new QVBoxLayout(dialog);
                auto* view = new QTextBrowser(dialog);
                view->setHtml(html);
                layout->addWidget(view);
                dialog->resize(900, 600);
                dialog->show();
            }
        }
    }
}

QString MainWindow::statusText() const
{
    return m_status->text();
}

QString MainWindow::reportButtonText() const
{
    return m_reportButton->text();
}

void MainWindow::setPolicy(std::shared_ptr<const Policy> policy)
{
    m_policy = std::move(policy);
    if (!m_currentPaths.isEmpty()) {
        m_live.reset(); // files replace the cluster
        m_lastPull.reset();
        addRecent(m_currentPaths);
    }
    stopBusy();
    m_history.clear();
    m_historyPos = 0;
    m_hasCurrent = false;
    updateHistoryActions();
    m_subjects->setPolicy(m_policy);
    m_overview->setPolicy(m_policy);
    m_matrix->setPolicy(m_policy);
    m_graph->setPolicy(m_policy);
    m_heatMap->setPolicy(m_policy);
    m_whoCan->setPolicy(m_policy);
    m_diff->setPolicy(m_policy);
    m_tokens->setPolicy(m_policy);
    m_findings->setPolicy(m_policy, m_currentPaths);
    if (m_inspector)
        m_inspector->setPolicy(m_policy);
    m_explanation->clear();
    m_yaml->clear();
    const auto& r = m_policy->snapshot().report;
    m_status->setText(tr("%n object(s) from %1", nullptr, static_cast<int>(m_policy->snapshot().objectCount()))
                          .arg(m_sourceLabel));
    const auto problems = r.diagnostics.size() + m_policy->warnings().size();
    m_reportButton->setText(problems ? tr("⚠ %n load problem(s)", nullptr, static_cast<int>(problems))
                                     : tr("Load report"));
    m_reportButton->show();
    setWindowTitle(m_live || m_pendingLive ? tr("RBAC Explorer — %1 (live, read-only)").arg(m_sourceLabel)
                                           : tr("RBAC Explorer — %1").arg(m_sourceLabel));
    // Start where a reviewer looks first: the riskiest ServiceAccount's folder stays collapsed, the tree shows all.
    m_tree->expandToDepth(0);
    Q_EMIT snapshotLoaded();
}

void MainWindow::selectSubject(const SubjectRef& subject, bool recordHistory)
{
    if (!m_policy || (m_hasCurrent && subject == m_current))
        return;
    m_current = subject;
    m_hasCurrent = true;
    m_crossCheckAction->setEnabled(m_live.has_value());
    if (recordHistory) {
        m_history.resize(m_history.empty() ? 0 : m_historyPos + 1);
        m_history.push_back(subject);
        m_historyPos = m_history.size() - 1;
    }
    updateHistoryActions();
    m_explanation->clear();
    const auto source = m_subjects->indexOf(subject);
    const auto proxy = m_subjectProxy->mapFromSource(source);
    if (proxy.isValid() && m_tree->currentIndex() != proxy) {
        const QSignalBlocker block(m_tree->selectionModel());
        m_tree->setCurrentIndex(proxy);
        m_tree->scrollTo(proxy);
    }
    m_overview->showSubject(subject);
    m_matrix->showSubject(subject);
    m_graph->showSubject(subject);
    m_diff->setSubjectA(subject);
    if (subject.kind == SubjectKind::ServiceAccount)
        showObject(QStringLiteral("ServiceAccount"), QString::fromStdString(subject.ns),
                   QString::fromStdString(subject.name));
}

void MainWindow::showObject(const QString& kind, const QString& ns, const QString& name)
{
    if (!m_policy)
        return;
    if (kind == QLatin1String("ServiceAccount") && !(m_hasCurrent && m_current.kind == SubjectKind::ServiceAccount
                                                     && m_current.ns == ns.toStdString()
                                                     && m_current.name == name.toStdString())) {
        selectSubject({SubjectKind::ServiceAccount, ns.toStdString(), name.toStdString()});
        return;
    }
    if (kind == QLatin1String("User") || kind == QLatin1String("Group")) {
        selectSubject({kind == QLatin1String("User") ? SubjectKind::User : SubjectKind::Group, {}, name.toStdString()});
        return;
    }
    const auto yaml = io::objectYaml(*m_policy, kind.toStdString(), ns.toStdString(), name.toStdString());
    m_yaml->setPlainText(yaml.empty() ? tr("# %1 %2 is not in the snapshot")
                                            .arg(kind, ns.isEmpty() ? name : ns + u'/' + name)
                                      : QString::fromStdString(yaml));
}

void MainWindow::showCellExplanation(const QString& text, const std::vector<Grant>& grants)
{
    m_explanation->setPlainText(text);
    m_graph->highlightGrants(grants);
    if (!grants.empty()) {
        const auto& s = m_policy->snapshot();
        const auto& role = s.roles[grants.front().role];
        showObject(role.cluster ? QStringLiteral("ClusterRole") : QStringLiteral("Role"),
                   QString::fromStdString(role.meta.ns), QString::fromStdString(role.meta.name));
    }
}

QString MainWindow::detailsText() const
{
    return m_explanation->toPlainText() + u'\n' + m_yaml->toPlainText();
}

void MainWindow::showPage(Page page)
{
    m_pages->setCurrentIndex(static_cast<int>(page));
}

void MainWindow::goBack()
{
    if (m_historyPos == 0 || m_history.empty())
        return;
    --m_historyPos;
    selectSubject(m_history[m_historyPos], false);
}

void MainWindow::goForward()
{
    if (m_historyPos + 1 >= m_history.size())
        return;
    ++m_historyPos;
    selectSubject(m_history[m_historyPos], false);
}

void MainWindow::updateHistoryActions()
{
    if (m_backAction)
        m_backAction->setEnabled(m_historyPos > 0 && !m_history.empty());
    if (m_forwardAction)
        m_forwardAction->setEnabled(m_historyPos + 1 < m_history.size());
}

void MainWindow::openJwtInspector()
{
    if (!m_inspector) {
        m_inspector = new JwtInspector(m_policy, this);
        m_inspector->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_inspector, &JwtInspector::subjectActivated, this, [this](const SubjectRef& s) {
            selectSubject(s);
            showPage(OverviewTab);
        });
    }
    m_inspector->show();
    m_inspector->raise();
    m_inspector->activateWindow();
}

JwtInspector* MainWindow::jwtInspector() const
{
    return m_inspector;
}

void MainWindow::showLoadReport()
{
    if (!m_policy)
        return;
    LoadReportDialog dialog(m_policy, this);
    dialog.exec();
}

void MainWindow::quickOpen()
{
    if (!m_policy)
        return;
    QuickOpenDialog dialog(m_policy, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    showObject(dialog.kind(), dialog.ns(), dialog.name());
}

void MainWindow::addRecent(const QStringList& paths)
{
    if (paths.isEmpty())
        return;
    QSettings settings;
    auto recent = settings.value(QStringLiteral("recent")).toStringList();
    const auto entry = paths.join(u'\n');
    recent.removeAll(entry);
    recent.prepend(entry);
    while (recent.size() > 10)
        recent.removeLast();
    settings.setValue(QStringLiteral("recent"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const auto recent = QSettings().value(QStringLiteral("recent")).toStringList();
    for (const auto& entry : recent) {
        const auto paths = entry.split(u'\n');
        m_recentMenu->addAction(paths.join(QStringLiteral(", ")), this, [this, paths] { openSnapshots(paths); });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_job->cancel();
    m_clusterJob->cancel();
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/page"), m_pages->currentIndex());
    if (auto* details = findChild<QSplitter*>(QStringLiteral("DetailsSplitter")))
        settings.setValue(QStringLiteral("window/details"), details->saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const auto& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (!paths.isEmpty())
        openSnapshots(paths);
}

} // namespace rbx
