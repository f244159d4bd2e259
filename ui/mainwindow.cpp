// SPDX-License-Identifier: Apache-2.0
#include "ui/mainwindow.h"

#include "models/loader/snapshotjob.h"

#include <QAction>
#include <QFileDialog>
#include <QFontDatabase>
#include <QLabel>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>

namespace rbx {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_job(new SnapshotJob(this))
    , m_report(new QPlainTextEdit(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_status(new QLabel(this))
{
    setWindowTitle(tr("RBAC Explorer"));
    m_report->setReadOnly(true);
    m_report->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_report->setPlaceholderText(tr("Open a snapshot (File > Open) to see what every ServiceAccount can do."));
    setCentralWidget(m_report);

    auto* file = menuBar()->addMenu(tr("&File"));
    auto* open = file->addAction(tr("&Open…"));
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, [this] {
        const auto files = QFileDialog::getOpenFileNames(this, tr("Open snapshot"), {},
                                                         tr("Snapshots (*.yaml *.yml *.json *.gz);;All files (*)"));
        if (!files.isEmpty())
            openSnapshots(files);
    });
    auto* quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    m_progress->setRange(0, 1000);
    m_progress->hide();
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, m_job, &SnapshotJob::cancel);
    connect(m_job, &SnapshotJob::progressChanged, this, [this](int permille, const QString& stage) {
        m_progress->setValue(permille);
        m_status->setText(tr("Loading %1").arg(stage));
    });
    connect(m_job, &SnapshotJob::loaded, this, &MainWindow::showSnapshot);
    connect(m_job, &SnapshotJob::canceled, this, [this] {
        m_progress->hide();
        m_cancel->hide();
        m_status->setText(tr("Loading canceled"));
    });
    resize(1100, 700);
}

MainWindow::~MainWindow() = default;

void MainWindow::openSnapshots(const QStringList& paths)
{
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    m_status->setText(tr("Loading…"));
    m_job->start(paths);
}

void MainWindow::showSnapshot(std::shared_ptr<const Snapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
    m_progress->hide();
    m_cancel->hide();
    const auto& r = m_snapshot->report;
    m_report->setPlainText(QString::fromStdString(r.toText()));
    m_status->setText(tr("%n object(s) loaded", nullptr, static_cast<int>(m_snapshot->objectCount()))
                      + (r.diagnostics.empty() ? QString() : tr(", %n diagnostic(s)", nullptr,
                                                                 static_cast<int>(r.diagnostics.size()))));
    Q_EMIT snapshotLoaded();
}

} // namespace rbx
