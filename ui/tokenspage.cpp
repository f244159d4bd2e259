// SPDX-License-Identifier: Apache-2.0
#include "ui/tokenspage.h"

#include "models/item/tokenmodels.h"
#include "ui/charts/tokensummarycharts.h"
#include "ui/charts/tokentimelinechart.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace rbx {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QToolButton* toolButton(const QString& text, const QString& tip, QWidget* parent)
{
    auto* b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    return b;
}

} // namespace

TokensPage::TokensPage(QWidget* parent)
    : QWidget(parent)
    , m_model(new TokenInventoryModel(this))
    , m_proxy(new TokenFilterProxy(this))
    , m_timeline(new TokenTimelineModel(this))
    , m_milestones(new TokenMilestoneModel(this))
    , m_activity(new TokenActivityModel(this))
    , m_ttl(new TokenTtlHistogramModel(this))
    , m_namespace(new QComboBox(this))
    , m_state(new QComboBox(this))
    , m_mounted(new QComboBox(this))
    , m_risk(new QComboBox(this))
    , m_sort(new QComboBox(this))
    , m_context(new QLabel(this))
    , m_charts(new QTabWidget(this))
    , m_timelineChart(new TokenTimelineChart(this))
    , m_activityChart(new TokenActivityChart(this))
    , m_ttlChart(new TokenTtlChart(this))
    , m_view(new QTableView(this))
{
    m_proxy->setSourceModel(m_model);
    m_timeline->setSource(m_proxy, m_model);
    m_milestones->setSource(m_timeline, m_model);
    m_activity->setSource(m_proxy, m_model);
    m_ttl->setSource(m_proxy, m_model);
    m_timelineChart->setModels(m_timeline, m_milestones);
    m_activityChart->setModel(m_activity);
    m_ttlChart->setModel(m_ttl);

    // Filters.
    m_namespace->addItem(tr("All namespaces"), QString());
    m_namespace->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    const std::pair<QString, QString> states[] = {
        {tr("Any state"), QString()},
        {tr("Legacy tokens only"), QStringLiteral("legacy")},
        {tr("Active"), QStringLiteral("active")},
        {tr("Stale"), QStringLiteral("stale")},
        {tr("Never used"), QStringLiteral("never-used")},
        {tr("Invalidated"), QStringLiteral("invalidated")},
        {tr("Orphaned"), QStringLiteral("orphaned")},
        {tr("Projected"), QStringLiteral("projected")},
    };
    for (const auto& [label, value] : states)
        m_state->addItem(label, value);
    m_mounted->addItems({tr("Mounted or not"), tr("Mounted by pods"), tr("Not mounted")});
    m_risk->addItems({tr("Any risk"), tr("Risk ≥ low"), tr("Risk ≥ medium"), tr("Risk ≥ high"), tr("Critical only")});
    m_sort->addItems({tr("Namespace"), tr("ServiceAccount"), tr("Risk"), tr("Created"), tr("Last used"), tr("State")});
    m_state->setToolTip(tr("Active: used in the last %1 days. Stale: used before. Never used: no last-used label "
                           "since tracking began. Invalidated: has the invalid-since label (rejected). Orphaned: its "
                           "ServiceAccount is gone.")
                            .arg(m_model->options().activeDays));
    connect(m_namespace, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setNamespace(m_namespace->currentData().toString()); });
    connect(m_state, &QComboBox::currentIndexChanged, this, [this] { m_proxy->setState(m_state->currentData().toString()); });
    connect(m_mounted, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_proxy->setMounted(i == 0 ? std::nullopt : std::optional<bool>(i == 1));
    });
    connect(m_risk, &QComboBox::currentIndexChanged, this,
            [this](int i) { m_proxy->setMinRisk(static_cast<RiskLevel>(std::max(0, i))); });
    connect(m_sort, &QComboBox::currentIndexChanged, this, [this](int i) { setSortKey(static_cast<SortKey>(i)); });

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_namespace);
    filters->addWidget(m_state);
    filters->addWidget(m_mounted);
    filters->addWidget(m_risk);
    filters->addWidget(new QLabel(tr("Sort by"), this));
    filters->addWidget(m_sort);
    filters->addStretch(1);

    // Chart tools.
    auto* zoomIn = toolButton(tr("+"), tr("Zoom in on the time axis (or use the mouse wheel)"), this);
    auto* zoomOut = toolButton(tr("−"), tr("Zoom out on the time axis"), this);
    auto* reset = toolButton(tr("Fit"), tr("Show the whole time range"), this);
    auto* left = toolButton(tr("◀"), tr("Earlier (or drag the chart)"), this);
    auto* right = toolButton(tr("▶"), tr("Later (or drag the chart)"), this);
    connect(zoomIn, &QToolButton::clicked, m_timelineChart, &TokenTimelineChart::zoomIn);
    connect(zoomOut, &QToolButton::clicked, m_timelineChart, &TokenTimelineChart::zoomOut);
    connect(reset, &QToolButton::clicked, m_timelineChart, &TokenTimelineChart::resetZoom);
    connect(left, &QToolButton::clicked, this, [this] { m_timelineChart->pan(-0.25); });
    connect(right, &QToolButton::clicked, this, [this] { m_timelineChart->pan(0.25); });
    auto* exportButton = toolButton(tr("Export"), tr("Export the chart or the inventory"), this);
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(exportButton);
    exportMenu->addAction(tr("Chart as PNG…"), this, [this] { exportDialog(0); });
    exportMenu->addAction(tr("Chart as SVG…"), this, [this] { exportDialog(1); });
    exportMenu->addAction(tr("Inventory as CSV…"), this, [this] { exportDialog(2); });
    exportButton->setMenu(exportMenu);
    auto* inspector = toolButton(tr("Inspect JWT…"), tr("Decode and verify a token (it stays in the inspector)"), this);
    connect(inspector, &QToolButton::clicked, this, &TokensPage::inspectorRequested);
    auto* tools = new QHBoxLayout;
    for (auto* b : {zoomOut, zoomIn, reset, left, right})
        tools->addWidget(b);
    tools->addSpacing(8);
    tools->addWidget(exportButton);
    tools->addWidget(inspector);
    tools->setContentsMargins(0, 0, 0, 0);
    tools->setSpacing(0);
    auto* corner = new QWidget(this);
    corner->setLayout(tools);

    m_context->setWordWrap(true);
    m_context->setTextFormat(Qt::RichText);
    m_context->setContentsMargins(4, 2, 4, 2);

    m_charts->setDocumentMode(true);
    m_charts->addTab(m_timelineChart, tr("Timeline"));
    m_charts->addTab(m_activityChart, tr("Per month"));
    m_charts->addTab(m_ttlChart, tr("Projected lifetimes"));
    m_charts->setCornerWidget(corner, Qt::TopRightCorner);
    connect(m_charts, &QTabWidget::currentChanged, this,
            [zoomOut, zoomIn, reset, left, right](int i) {
                for (auto* b : {zoomOut, zoomIn, reset, left, right})
                    b->setEnabled(i == TimelineChart);
            });

    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->setWordWrap(false);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->horizontalHeader()->setStretchLastSection(true);
    // Column widths from the first hundred rows, not a thousand (Qt's default): 12 columns of them cost 50 ms.
    m_view->horizontalHeader()->setResizeContentsPrecision(100);
    m_view->setToolTip(tr("Double-click a token to open its ServiceAccount"));
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const auto v = index.data(TokenInventoryModel::SubjectRole);
        if (v.isValid())
            Q_EMIT subjectActivated(v.value<SubjectRef>());
    });
    connect(m_timelineChart, &TokenTimelineChart::subjectActivated, this, &TokensPage::subjectActivated);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("TokensSplitter"));
    split->addWidget(m_charts);
    split->addWidget(m_view);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(filters);
    layout->addWidget(m_context);
    layout->addWidget(split, 1);
    split->setSizes({420, 240});

    connect(m_model, &TokenInventoryModel::inventoryChanged, this, &TokensPage::applyInventory);
    connect(m_model, &TokenInventoryModel::computingChanged, this, [this](bool computing) {
        if (computing)
            updateContext();
        Q_EMIT computingChanged(computing);
    });
    setSortKey(SortByNamespace);
    // Legacy tokens are the story here; projected ones are one filter away (and always in the lifetimes chart).
    setStateFilter(QStringLiteral("legacy"));
}

TokensPage::~TokensPage() = default;

void TokensPage::setPolicy(std::shared_ptr<const Policy> policy)
{
    if (policy && policy == m_policy)
        return; // the same snapshot: the inventory in view is still its inventory
    m_policy = std::move(policy);
    {
        const QSignalBlocker block(m_namespace);
        m_namespace->setCurrentIndex(0);
    }
    m_proxy->setNamespace({});
    m_model->setPolicy(m_policy); // off the GUI thread; inventoryChanged() brings the rows
    updateContext();
}

void TokensPage::applyInventory()
{
    const auto keep = m_namespace->currentData().toString();
    {
        const QSignalBlocker block(m_namespace);
        while (m_namespace->count() > 1)
            m_namespace->removeItem(1);
        for (const auto& ns : m_model->namespaces())
            m_namespace->addItem(ns, ns);
        m_namespace->setCurrentIndex(std::max(0, m_namespace->findData(keep)));
    }
    if (m_namespace->currentIndex() == 0 && !keep.isEmpty())
        m_proxy->setNamespace({});
    updateContext();
    // Sizing columns reads the rows in view: only worth it on a page someone looks at.
    m_columnsDirty = true;
    if (isVisible())
        fitColumns();
}

void TokensPage::fitColumns()
{
    m_columnsDirty = false;
    m_view->resizeColumnsToContents();
    const int cap = m_view->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 18;
    for (int c = 0; c < TokenInventoryModel::ColumnCount; ++c)
        m_view->setColumnWidth(c, std::min(m_view->columnWidth(c), cap));
}

void TokensPage::showEvent(QShowEvent* event)
{
    if (m_columnsDirty)
        fitColumns();
    QWidget::showEvent(event);
}

bool TokensPage::isComputing() const
{
    return m_model->isComputing();
}

void TokensPage::updateContext()
{
    const auto& inv = m_model->inventory();
    if (!m_policy) {
        m_context->clear();
        return;
    }
    if (m_model->isComputing()) {
        m_context->setText(tr("<i>Computing the token inventory…</i>"));
        m_context->setToolTip({});
        return;
    }
    const auto& c = inv.cluster;
    QString version;
    if (c.version) {
        version = tr("%1 (%2)").arg(qs(c.version->text()), qs(c.versionSource));
    } else {
        version = tr("unknown — assuming a current release (1.30 or later)");
        if (c.atLeast)
            version += tr("; the labels show %1 or later").arg(qs(c.atLeast->text()));
    }
    QStringList does;
    does << (c.autoGeneration ? tr("auto-generates token Secrets") : tr("no auto-generated tokens"));
    does << (c.tracking ? tr("tracks last use") : tr("no last-use tracking"));
    does << (c.cleanup ? tr("cleans up unused auto-generated tokens") : tr("no clean-up"));
    const auto counts = inv.countByState();
    std::size_t legacy = 0;
    for (const auto& t : inv.tokens)
        legacy += t.kind == TokenKind::Legacy;
    QStringList stateCounts;
    for (auto s : {TokenState::Active, TokenState::Stale, TokenState::NeverUsed, TokenState::Invalidated,
                   TokenState::Orphaned})
        if (const auto n = counts.at(s))
            stateCounts << QStringLiteral("<span style='color:%1'>■</span> %2 %3")
                               .arg(tokenStateColor(s).name())
                               .arg(n)
                               .arg(QString::fromLatin1(tokenStateName(s)));
    QString text = tr("<b>Today</b> %1 · <b>Kubernetes</b> %2: %3.")
                       .arg(inv.today().toString(Qt::ISODate), version.toHtmlEscaped(), does.join(QStringLiteral(", ")));
    text += u' '
        + tr("<b>Tracking since</b> %1 · <b>clean-up period</b> %2 days%3.")
              .arg(inv.trackingSince ? inv.trackingSince->toString(Qt::ISODate) : tr("unknown"))
              .arg(inv.cleanupPeriodDays)
              .arg(inv.firstCleanerRun && c.cleanup ? tr(", first run %1").arg(inv.firstCleanerRun->toString(Qt::ISODate))
                                                    : QString());
    text += QStringLiteral("<br>")
        + tr("<b>%1 legacy tokens</b>: %2; %3 mounted by pods. <b>%4 projected tokens</b>.")
              .arg(legacy)
              .arg(stateCounts.join(QStringLiteral(", ")))
              .arg(inv.mountedLegacyCount())
              .arg(counts.at(TokenState::Projected));
    m_context->setText(text);
    QString tip = tr("Today: %1").arg(qs(inv.nowSource)) + u'\n' + tr("Version: %1").arg(qs(c.versionSource)) + u'\n'
        + tr("Tracking start: %1").arg(qs(inv.trackingSource));
    for (const auto& n : c.notes)
        tip += u'\n' + QStringLiteral("• ") + qs(n);
    m_context->setToolTip(tip);
}

QString TokensPage::contextText() const
{
    return m_context->text();
}

void TokensPage::setNamespaceFilter(const QString& ns)
{
    const int i = m_namespace->findData(ns);
    m_namespace->setCurrentIndex(std::max(0, i));
}

void TokensPage::setStateFilter(const QString& state)
{
    const int i = m_state->findData(state);
    m_state->setCurrentIndex(std::max(0, i));
}

void TokensPage::setMountedFilter(int mode)
{
    m_mounted->setCurrentIndex(std::clamp(mode, 0, 2));
}

void TokensPage::setRiskFilter(int minRisk)
{
    m_risk->setCurrentIndex(std::clamp(minRisk, 0, 4));
}

void TokensPage::setSortKey(SortKey key)
{
    if (m_sort->currentIndex() != key) {
        const QSignalBlocker block(m_sort);
        m_sort->setCurrentIndex(key);
    }
    switch (key) {
    case SortByNamespace:
        m_view->sortByColumn(TokenInventoryModel::NamespaceColumn, Qt::AscendingOrder);
        break;
    case SortByServiceAccount:
        m_view->sortByColumn(TokenInventoryModel::ServiceAccountColumn, Qt::AscendingOrder);
        break;
    case SortByRisk:
        m_view->sortByColumn(TokenInventoryModel::RiskColumn, Qt::DescendingOrder);
        break;
    case SortByCreated:
        m_view->sortByColumn(TokenInventoryModel::CreatedColumn, Qt::AscendingOrder);
        break;
    case SortByLastUsed:
        m_view->sortByColumn(TokenInventoryModel::LastUsedColumn, Qt::DescendingOrder);
        break;
    case SortByState:
        m_view->sortByColumn(TokenInventoryModel::StateColumn, Qt::AscendingOrder);
        break;
    }
}

void TokensPage::showChart(Chart chart)
{
    m_charts->setCurrentIndex(chart);
}

bool TokensPage::exportChart(const QString& path) const
{
    switch (m_charts->currentIndex()) {
    case ActivityChart:
        return m_activityChart->exportImage(path);
    case TtlChart:
        return m_ttlChart->exportImage(path);
    default:
        break;
    }
    return m_timelineChart->exportImage(path);
}

bool TokensPage::exportCsv(const QString& path) const
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    const auto text = tokensCsv(m_model->inventory(), m_proxy->records());
    return f.write(text.data(), static_cast<qint64>(text.size())) == static_cast<qint64>(text.size());
}

void TokensPage::exportDialog(int what)
{
    const QString filters[] = {tr("PNG image (*.png)"), tr("SVG image (*.svg)"), tr("CSV (*.csv)")};
    const QString names[] = {QStringLiteral("tokens.png"), QStringLiteral("tokens.svg"), QStringLiteral("tokens.csv")};
    const auto path = QFileDialog::getSaveFileName(this, tr("Export"), names[what], filters[what]);
    if (path.isEmpty())
        return;
    const bool ok = what == 2 ? exportCsv(path) : exportChart(path);
    if (!ok)
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1").arg(path));
}

} // namespace rbx
