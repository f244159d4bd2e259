// SPDX-License-Identifier: Apache-2.0
#include "ui/heatmappage.h"

#include "models/io/matrixexport.h"
#include "models/item/accessmatrixmodel.h"
#include "models/item/backgroundpool.h"
#include "ui/rotatedheader.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QJsonDocument>
#include <QPushButton>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace rbx {


HeatMapPage::HeatMapPage(QWidget* parent)
    : QWidget(parent)
    , m_verb(new QComboBox(this))
    , m_namespace(new QComboBox(this))
    , m_filter(new QLineEdit(this))
    , m_minRisk(new QSpinBox(this))
    , m_status(new QLabel(this))
    , m_view(new QTableView(this))
    , m_model(new HeatMapModel(this))
    , m_proxy(new HeatMapFilterProxy(this))
{
    m_verb->addItem(tr("any write"));
    m_verb->addItem(tr("any read"));
    for (const auto& v : defaultMatrixVerbs())
        m_verb->addItem(QString::fromStdString(v));
    m_filter->setPlaceholderText(tr("Filter ServiceAccounts…"));
    m_filter->setClearButtonEnabled(true);
    m_minRisk->setRange(0, 100000);
    m_minRisk->setPrefix(tr("risk ≥ "));
    m_proxy->setSourceModel(m_model);
    m_view->setModel(m_proxy);
    m_view->setHorizontalHeader(new RotatedHeader(HeatMapModel::FirstResourceColumn, m_view));
    m_view->setSortingEnabled(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 4);
    m_view->horizontalHeader()->setMinimumSectionSize(18);
    m_view->horizontalHeader()->setDefaultSectionSize(22);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setShowGrid(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Verb:"), this));
    bar->addWidget(m_verb);
    bar->addWidget(new QLabel(tr("Namespace:"), this));
    bar->addWidget(m_namespace);
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_minRisk);
    auto* exportButton = new QPushButton(tr("Export…"), this);
    bar->addWidget(exportButton);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const auto file = QFileDialog::getSaveFileName(this, tr("Export heat map"), {},
                                                       tr("CSV (*.csv);;JSON (*.json)"));
        if (!file.isEmpty())
            exportTo(file);
    });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    connect(m_verb, &QComboBox::currentIndexChanged, this, &HeatMapPage::recompute);
    connect(m_namespace, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setNamespace(m_namespace->currentData().toString()); });
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &HeatMapFilterProxy::setText);
    connect(m_minRisk, &QSpinBox::valueChanged, m_proxy, &HeatMapFilterProxy::setMinimumRisk);
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (const auto* s = m_model->subjectAt(m_proxy->mapToSource(index).row()))
            Q_EMIT subjectActivated(s->ref);
    });
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<HeatMap>>::finished, this, [this] {
        if (m_watcher.property("generation").toInt() != m_generation)
            return;
        auto heat = m_watcher.result();
        if (!heat)
            return;
        m_model->setHeatMap(std::move(*heat));
        m_view->resizeColumnToContents(HeatMapModel::SubjectColumn);
        m_view->resizeColumnToContents(HeatMapModel::RiskColumn);
        m_view->sortByColumn(HeatMapModel::RiskColumn, Qt::DescendingOrder);
        m_status->setText(tr("%1 ServiceAccounts x %2 resources with some access. Double-click a row to open it; "
                             "risk weighs each allowed resource by its sensitivity.")
                              .arg(m_model->rowCount())
                              .arg(m_model->columnCount() - HeatMapModel::FirstResourceColumn));
        Q_EMIT computed();
    });
}

HeatMapPage::~HeatMapPage()
{
    m_watcher.waitForFinished();
}

bool HeatMapPage::isComputing() const
{
    return m_watcher.isRunning();
}

void HeatMapPage::setPolicy(std::shared_ptr<const Policy> policy)
{
    m_policy = std::move(policy);
    const QSignalBlocker block(m_namespace);
    m_namespace->clear();
    m_namespace->addItem(tr("all"), QString());
    if (m_policy)
        for (const auto& ns : m_policy->knownNamespaces())
            m_namespace->addItem(QString::fromStdString(ns), QString::fromStdString(ns));
    m_proxy->setNamespace({});
    recompute();
}

void HeatMapPage::setVerbChoice(int index)
{
    if (index == m_verb->currentIndex())
        recompute();
    else
        m_verb->setCurrentIndex(index);
}

void HeatMapPage::recompute()
{
    if (!m_policy)
        return;
    std::vector<std::string> verbs;
    const int choice = m_verb->currentIndex();
    if (choice == 0)
        verbs = writeVerbs();
    else if (choice == 1)
        verbs = readVerbs();
    else
        verbs = {m_verb->currentText().toStdString()};
    m_status->setText(tr("Computing…"));
    const int generation = ++m_generation;
    auto policy = m_policy;
    m_watcher.setProperty("generation", generation);
    m_watcher.setFuture(runInBackground([policy, verbs]() {
        ResourceCatalog catalog(policy->snapshot());
        return std::make_shared<HeatMap>(heatMap(*policy, summarizeSubjects(*policy), matrixRows(*policy, catalog), verbs));
    }));
}

bool HeatMapPage::exportTo(const QString& file)
{
    // The whole heat map, riskiest first, as `rbx matrix --all-sas -o csv|json` writes it (filters do not apply).
    if (!m_policy || m_model->heatMap().subjects.empty())
        return false;
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    const auto& heat = m_model->heatMap();
    if (file.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        f.write(QJsonDocument(io::heatMapJson(heat)).toJson(QJsonDocument::Indented));
    else
        f.write(QByteArray::fromStdString(io::heatMapCsv(heat)));
    return true;
}

} // namespace rbx
