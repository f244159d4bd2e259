// SPDX-License-Identifier: Apache-2.0
#include "ui/findingspage.h"

#include "models/analysis/remediation.h"
#include "models/item/backgroundpool.h"
#include "models/item/basketmodel.h"
#include "ui/remediationbasket.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDate>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace rbx {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QString esc(const std::string& s)
{
    return qs(s).toHtmlEscaped();
}

// Links in the details: rbx:KIND/NAMESPACE/NAME (namespace empty for cluster-scoped objects).
QString objectLink(const ObjectLink& o)
{
    const auto text = esc(o.kind + ' ' + (o.ns.empty() ? o.name : o.ns + '/' + o.name));
    return QStringLiteral("<a href=\"rbx:%1/%2/%3\">%4</a>")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(qs(o.kind))), QString::fromLatin1(QUrl::toPercentEncoding(qs(o.ns))),
             QString::fromLatin1(QUrl::toPercentEncoding(qs(o.name))), text);
}

QString severityColor(Severity s)
{
    switch (s) {
    case Severity::Critical:
        return QStringLiteral("#b01c1c");
    case Severity::High:
        return QStringLiteral("#d0521c");
    case Severity::Medium:
        return QStringLiteral("#b08000");
    case Severity::Low:
        return QStringLiteral("#2a6ab0");
    case Severity::Info:
        break;
    }
    return QStringLiteral("#707070");
}

} // namespace

FindingsPage::FindingsPage(QWidget* parent)
    : QWidget(parent)
    , m_tabs(new QTabWidget(this))
    , m_posture(new QTableWidget(this))
    , m_metrics(new QTableWidget(this))
    , m_postureSummary(new QLabel(this))
    , m_filter(new QLineEdit(this))
    , m_severity(new QComboBox(this))
    , m_grouping(new QComboBox(this))
    , m_showWaived(new QCheckBox(tr("Show waived"), this))
    , m_practiceChip(new QLabel(this))
    , m_clearPractice(new QPushButton(tr("All findings"), this))
    , m_view(new QTreeView(this))
    , m_model(new FindingsModel(this))
    , m_proxy(new FindingsFilterProxy(this))
    , m_details(new QTextBrowser(this))
    , m_fixBox(new QWidget(this))
    , m_fixLayout(new QVBoxLayout(m_fixBox))
    , m_waive(new QPushButton(tr("Waive…"), this))
    , m_basket(new BasketModel(this))
    , m_basketWidget(new RemediationBasketWidget(m_basket, this))
{
    // Posture tab.
    auto* postureTab = new QWidget(this);
    auto* postureLayout = new QVBoxLayout(postureTab);
    postureLayout->setContentsMargins(4, 4, 4, 4);
    m_postureSummary->setWordWrap(true);
    m_posture->setColumnCount(4);
    m_posture->setHorizontalHeaderLabels({tr("#"), tr("Practice"), tr("Status"), tr("What the snapshot shows")});
    m_posture->verticalHeader()->hide();
    m_posture->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_posture->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_posture->setSelectionMode(QAbstractItemView::SingleSelection);
    m_posture->setWordWrap(true);
    m_posture->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_posture->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Interactive);
    m_posture->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_posture->horizontalHeader()->setStretchLastSection(true);
    m_posture->setColumnWidth(1, 230);
    m_metrics->setColumnCount(3);
    m_metrics->setHorizontalHeaderLabels({tr("Metric"), tr("Value"), tr("Cluster metric it mirrors")});
    m_metrics->verticalHeader()->hide();
    m_metrics->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_metrics->horizontalHeader()->setStretchLastSection(true);
    m_metrics->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_metrics->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    for (auto* t : {m_posture, m_metrics}) {
        // Rows follow the wrapped text whenever the columns change width (a row sized once, in a narrow window,
        // stays tall after the window grows).
        t->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        t->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
        t->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        t->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Maximum);
    }
    auto* postureHint = new QLabel(tr("Double-click a practice to see the findings behind it."), postureTab);
    postureHint->setEnabled(false);
    postureLayout->addWidget(m_postureSummary);
    postureLayout->addWidget(m_posture);
    postureLayout->addWidget(postureHint);
    postureLayout->addSpacing(8);
    postureLayout->addWidget(new QLabel(tr("Token metrics, as far as a snapshot can tell:"), postureTab));
    postureLayout->addWidget(m_metrics);
    postureLayout->addStretch(1);

    // Findings tab.
    auto* findingsTab = new QWidget(this);
    m_filter->setPlaceholderText(tr("Filter findings…"));
    m_filter->setClearButtonEnabled(true);
    for (auto s : {Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical})
        m_severity->addItem(tr("≥ %1").arg(severityLabel(s)), static_cast<int>(s));
    m_severity->setToolTip(tr("Lowest severity shown"));
    m_grouping->addItem(tr("No grouping"), static_cast<int>(FindingsModel::Grouping::None));
    m_grouping->addItem(tr("By severity"), static_cast<int>(FindingsModel::Grouping::Severity));
    m_grouping->addItem(tr("By namespace"), static_cast<int>(FindingsModel::Grouping::Namespace));
    m_grouping->addItem(tr("By rule"), static_cast<int>(FindingsModel::Grouping::Rule));
    m_practiceChip->hide();
    m_clearPractice->hide();
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_filter, 2);
    bar->addWidget(m_severity);
    bar->addWidget(m_grouping);
    bar->addWidget(m_showWaived);
    auto* chipBar = new QHBoxLayout;
    chipBar->addWidget(m_practiceChip, 1);
    chipBar->addWidget(m_clearPractice);

    m_proxy->setSourceModel(m_model);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(FindingsModel::SeverityColumn, Qt::DescendingOrder);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(FindingsModel::FindingColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(FindingsModel::SeverityColumn, 92);
    m_view->setColumnWidth(FindingsModel::RuleColumn, 100);
    m_view->setColumnWidth(FindingsModel::NamespaceColumn, 104);
    m_view->setColumnWidth(FindingsModel::ObjectColumn, 200);
    m_view->setColumnHidden(FindingsModel::ObjectColumn, true); // the title names it; the header menu shows it
    m_view->header()->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* objectColumn = new QAction(tr("Show the Object column"), m_view->header());
    objectColumn->setCheckable(true);
    connect(objectColumn, &QAction::toggled, this,
            [this](bool on) { m_view->setColumnHidden(FindingsModel::ObjectColumn, !on); });
    m_view->header()->addAction(objectColumn);

    m_details->setOpenLinks(false);
    m_details->setObjectName(QStringLiteral("FindingDetails"));
    m_fixLayout->setContentsMargins(0, 0, 0, 0);
    m_fixLayout->setSpacing(2);
    auto* detailsPane = new QWidget(this);
    auto* detailsLayout = new QVBoxLayout(detailsPane);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    detailsLayout->addWidget(m_details, 1);
    auto* fixHeader = new QHBoxLayout;
    auto* fixTitle = new QLabel(tr("<b>Fixes</b>"), detailsPane);
    fixHeader->addWidget(fixTitle);
    fixHeader->addStretch(1);
    fixHeader->addWidget(m_waive);
    detailsLayout->addLayout(fixHeader);
    detailsLayout->addWidget(m_fixBox);
    m_waive->setEnabled(false);

    auto* split = new QSplitter(Qt::Vertical, findingsTab);
    split->setObjectName(QStringLiteral("FindingsSplitter"));
    split->addWidget(m_view);
    split->addWidget(detailsPane);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* findingsLayout = new QVBoxLayout(findingsTab);
    findingsLayout->setContentsMargins(4, 4, 4, 4);
    findingsLayout->addLayout(bar);
    findingsLayout->addLayout(chipBar);
    findingsLayout->addWidget(split, 1);

    m_tabs->setDocumentMode(true);
    m_tabs->addTab(postureTab, tr("Posture"));
    m_tabs->addTab(findingsTab, tr("Findings"));
    m_tabs->addTab(m_basketWidget, tr("Basket"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& t) {
        m_proxy->setText(t);
        if (m_model->grouping() != FindingsModel::Grouping::None)
            m_view->expandAll();
    });
    connect(m_severity, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setMinimumSeverity(static_cast<Severity>(m_severity->currentData().toInt()));
    });
    connect(m_grouping, &QComboBox::currentIndexChanged, this, [this] {
        setGrouping(static_cast<FindingsModel::Grouping>(m_grouping->currentData().toInt()));
    });
    connect(m_showWaived, &QCheckBox::toggled, this, [this](bool on) { m_proxy->setShowWaived(on); });
    connect(m_clearPractice, &QPushButton::clicked, this, &FindingsPage::clearPractice);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& index) {
        showFinding(m_model->finding(m_proxy->mapToSource(index)));
    });
    connect(m_posture, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { showPractice(row + 1); });
    connect(m_details, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() != QLatin1String("rbx"))
            return;
        const auto parts = url.path(QUrl::FullyDecoded).split(u'/');
        if (parts.size() != 3)
            return;
        if (parts[0] == QLatin1String("ServiceAccount"))
            Q_EMIT subjectActivated({SubjectKind::ServiceAccount, parts[1].toStdString(), parts[2].toStdString()});
        else
            Q_EMIT objectActivated(parts[0], parts[1], parts[2]);
    });
    connect(m_waive, &QPushButton::clicked, this, &FindingsPage::askWaiver);
    connect(m_basket, &BasketModel::changed, this, [this] {
        updateTabTitles();
        showFinding(m_model->finding(m_proxy->mapToSource(m_view->currentIndex())));
    });
    connect(m_basketWidget, &RemediationBasketWidget::objectActivated, this, &FindingsPage::objectActivated);
    showFinding(nullptr);
    updateTabTitles();
}

FindingsPage::~FindingsPage() = default;

void FindingsPage::setPolicy(std::shared_ptr<const Policy> policy, const QStringList& snapshotPaths)
{
    m_policy = std::move(policy);
    m_basket->clear();
    std::vector<std::string> inputs;
    for (const auto& p : snapshotPaths)
        inputs.push_back(p.toStdString());
    m_waiversPath = qs(io::waiversPathFor(inputs));
    m_waivers = {};
    m_model->setFindings(m_policy, {});
    m_basketWidget->setContext(m_policy, {});
    m_postureData = {};
    showPosture();
    showFinding(nullptr);
    ++m_generation;
    if (!m_policy) {
        m_computing = false;
        updateTabTitles();
        return;
    }
    std::string error;
    if (auto set = io::loadWaivers(m_waiversPath.toStdString(), &error))
        m_waivers = *set;
    else
        QMessageBox::warning(this, tr("Waivers not loaded"), qs(error));
    m_computing = true;
    m_postureSummary->setText(tr("Computing findings…"));
    updateTabTitles();
    // The rules visit every ServiceAccount in every namespace: on a large snapshot that takes a moment, so it runs off
    // the GUI thread; a newer snapshot makes the result of an older run stale (generation).
    struct Result
    {
        std::vector<Finding> findings;
        std::vector<Finding> basketCopy; // made here too: copying thousands of findings is work
        Posture posture;
    };
    auto* watcher = new QFutureWatcher<Result>(this);
    const auto generation = m_generation;
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        auto result = watcher->future().takeResult();
        applyFindings(std::move(result.findings), std::move(result.basketCopy), std::move(result.posture));
    });
    watcher->setFuture(runInBackground([policy = m_policy, waivers = m_waivers] {
        auto findings = computeFindings(*policy);
        io::applyWaivers(findings, waivers);
        auto posture = computePosture(*policy, findings);
        auto copy = findings;
        return Result {std::move(findings), std::move(copy), std::move(posture)};
    }));
}

void FindingsPage::applyFindings(std::vector<Finding> findings, std::vector<Finding> basketCopy, Posture posture)
{
    m_computing = false;
    m_model->setFindings(m_policy, std::move(findings));
    m_basketWidget->setContext(m_policy, std::move(basketCopy));
    if (m_model->grouping() != FindingsModel::Grouping::None)
        m_view->expandAll();
    m_postureData = std::move(posture);
    showPosture();
    showFinding(nullptr);
    updateTabTitles();
    Q_EMIT findingsReady();
}

void FindingsPage::refreshPosture()
{
    m_postureData = m_policy ? computePosture(*m_policy, m_model->findings()) : Posture {};
    showPosture();
}

void FindingsPage::showPosture()
{
    m_posture->setRowCount(0);
    m_metrics->setRowCount(0);
    if (!m_policy || m_postureData.practices.empty()) {
        m_postureSummary->clear();
        return;
    }
    const auto& p = m_postureData;
    std::size_t open = 0;
    for (const auto& f : m_model->findings())
        open += !f.waived;
    m_postureSummary->setText(tr("<b>%1 of %2 practices pass</b> · %3 open finding(s), %4 waived · as of %5")
                                  .arg(p.passing())
                                  .arg(p.practices.size())
                                  .arg(open)
                                  .arg(m_model->findings().size() - open)
                                  .arg(qs(p.asOf)));
    m_posture->setRowCount(static_cast<int>(p.practices.size()));
    for (int r = 0; r < static_cast<int>(p.practices.size()); ++r) {
        const auto& pr = p.practices[static_cast<std::size_t>(r)];
        auto* number = new QTableWidgetItem(QString::number(pr.number));
        auto* title = new QTableWidgetItem(qs(pr.title));
        auto* status = new QTableWidgetItem(pr.pass ? tr("✔ pass") : tr("✘ %1 open").arg(pr.failing));
        status->setForeground(pr.pass ? QColor(0x1f, 0x7a, 0x1f) : QColor(0xb0, 0x1c, 0x1c));
        auto* summary = new QTableWidgetItem(qs(pr.summary));
        QStringList rules;
        for (const auto& rule : pr.rules)
            rules << qs(rule);
        for (auto* item : {number, title, status, summary})
            item->setToolTip(tr("%1\nRules: %2\nDouble-click for the findings.").arg(qs(pr.summary), rules.join(QStringLiteral(", "))));
        m_posture->setItem(r, 0, number);
        m_posture->setItem(r, 1, title);
        m_posture->setItem(r, 2, status);
        m_posture->setItem(r, 3, summary);
    }
    m_posture->resizeRowsToContents();
    m_metrics->setRowCount(static_cast<int>(p.metrics.size()));
    for (int r = 0; r < static_cast<int>(p.metrics.size()); ++r) {
        const auto& m = p.metrics[static_cast<std::size_t>(r)];
        auto* name = new QTableWidgetItem(qs(m.name));
        name->setToolTip(qs(m.detail));
        m_metrics->setItem(r, 0, name);
        m_metrics->setItem(r, 1, new QTableWidgetItem(QString::number(m.value)));
        m_metrics->setItem(r, 2, new QTableWidgetItem(m.clusterMetric.empty() ? qs(m.detail) : qs(m.clusterMetric)));
    }
    m_metrics->resizeRowsToContents();
}

void FindingsPage::updateTabTitles()
{
    std::size_t open = 0;
    for (const auto& f : m_model->findings())
        open += !f.waived;
    m_tabs->setTabText(PostureTab, m_policy ? tr("Posture (%1/%2)").arg(m_postureData.passing()).arg(m_postureData.practices.size())
                                            : tr("Posture"));
    m_tabs->setTabText(FindingsTab, m_computing ? tr("Findings (…)") : tr("Findings (%1)").arg(open));
    m_tabs->setTabText(BasketTab, tr("Basket (%1)").arg(m_basket->rowCount()));
}

void FindingsPage::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(static_cast<int>(tab));
}

void FindingsPage::showPractice(int number)
{
    for (const auto& pr : m_postureData.practices) {
        if (pr.number != number)
            continue;
        QStringList rules;
        for (const auto& r : pr.rules)
            rules << qs(r);
        m_practice = number;
        m_proxy->setRules(rules);
        m_practiceChip->setText(tr("Practice %1: <b>%2</b> — %3").arg(number).arg(qs(pr.title).toHtmlEscaped(),
                                                                              rules.join(QStringLiteral(", "))));
        m_practiceChip->show();
        m_clearPractice->show();
        if (m_model->grouping() != FindingsModel::Grouping::None)
            m_view->expandAll();
        showTab(FindingsTab);
        return;
    }
}

void FindingsPage::clearPractice()
{
    m_practice = 0;
    m_proxy->setRules({});
    m_practiceChip->hide();
    m_clearPractice->hide();
}

void FindingsPage::setGrouping(FindingsModel::Grouping grouping)
{
    const auto current = currentFindingId();
    m_model->setGrouping(grouping);
    const int i = m_grouping->findData(static_cast<int>(grouping));
    if (i >= 0 && i != m_grouping->currentIndex()) {
        const QSignalBlocker block(m_grouping);
        m_grouping->setCurrentIndex(i);
    }
    if (grouping != FindingsModel::Grouping::None)
        m_view->expandAll();
    if (!current.isEmpty())
        selectFinding(current);
}

void FindingsPage::setShowWaived(bool show)
{
    m_showWaived->setChecked(show);
}

bool FindingsPage::selectFinding(const QString& id)
{
    const auto source = m_model->indexOf(id.toStdString());
    const auto index = m_proxy->mapFromSource(source);
    if (!index.isValid())
        return false;
    m_view->scrollTo(index);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

QString FindingsPage::currentFindingId() const
{
    const auto* f = m_model->finding(m_proxy->mapToSource(m_view->currentIndex()));
    return f ? qs(f->id) : QString();
}

QString FindingsPage::detailsText() const
{
    return m_details->toPlainText();
}

void FindingsPage::showFinding(const Finding* f)
{
    for (auto* b : m_fixButtons)
        b->deleteLater();
    m_fixButtons.clear();
    while (auto* item = m_fixLayout->takeAt(0)) {
        if (auto* w = item->widget())
            w->deleteLater();
        delete item;
    }
    m_waive->setEnabled(f != nullptr && !m_waiversPath.isEmpty());
    if (!f) {
        m_details->setHtml(tr("<p>Pick a finding to see what is wrong, the objects behind it, the binding → role → rule "
                              "chains, what to do, and its fixes.</p>"));
        m_waive->setText(tr("Waive…"));
        return;
    }
    m_waive->setText(f->waived ? tr("Remove waiver") : tr("Waive…"));
    const auto* rule = findingRule(f->ruleId);
    QString html;
    html += QStringLiteral("<p><span style=\"color:%1\"><b>%2</b></span> · <code>%3</code> · %4</p>")
                .arg(severityColor(f->severity), severityLabel(f->severity), esc(f->id), objectLink(f->object));
    html += QStringLiteral("<h3>%1</h3><p>%2</p>").arg(esc(f->title), esc(f->explanation));
    if (f->waived)
        html += tr("<p><i>Waived: %1</i></p>").arg(esc(f->waiverNote));
    if (rule)
        html += QStringLiteral("<p>%1</p>").arg(esc(rule->description));
    html += tr("<p><b>Evidence</b></p><ul>");
    for (const auto& e : f->evidence)
        html += QStringLiteral("<li>%1: %2%3</li>")
                    .arg(esc(e.relation), objectLink(e.object), e.detail.empty() ? QString() : QStringLiteral(" — ") + esc(e.detail));
    html += QStringLiteral("</ul>");
    if (!f->chains.empty()) {
        html += tr("<p><b>Why</b> (binding → role → rule)</p><ul>");
        for (const auto& c : f->chains)
            html += QStringLiteral("<li><code>%1</code></li>").arg(esc(c));
        html += QStringLiteral("</ul>");
    }
    if (rule)
        html += tr("<p><b>What to do</b></p><p>%1</p>").arg(esc(rule->runbook).replace(u'\n', QStringLiteral("<br>")));
    m_details->setHtml(html);

    const auto fixes = m_policy ? fixesFor(*m_policy, *f) : std::vector<Fix>();
    if (fixes.empty()) {
        auto* none = new QLabel(tr("No generated fix: %1.").arg(qs(m_policy ? noFixReason(*m_policy, *f) : std::string())), m_fixBox);
        none->setWordWrap(true);
        m_fixLayout->addWidget(none);
        return;
    }
    for (const auto& fix : fixes) {
        auto* row = new QWidget(m_fixBox);
        auto* rowLayout = new QHBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        auto* label = new QLabel(qs(fix.title), row);
        label->setWordWrap(true);
        QStringList tip {qs(fix.reason)};
        for (const auto& n : fix.notes)
            tip << QStringLiteral("• ") + qs(n);
        label->setToolTip(tip.join(u'\n'));
        auto* add = new QPushButton(row);
        const bool in = m_basket->contains(fix.id);
        add->setText(in ? tr("In basket") : tr("Add to basket"));
        add->setEnabled(!in);
        add->setProperty("fixId", qs(fix.id));
        add->setToolTip(tip.join(u'\n'));
        rowLayout->addWidget(label, 1);
        rowLayout->addWidget(add);
        m_fixLayout->addWidget(row);
        m_fixButtons << add;
        const auto id = qs(fix.id);
        connect(add, &QPushButton::clicked, this, [this, id] { addToBasket(id); });
    }
}

bool FindingsPage::addToBasket(const QString& fixId)
{
    if (!m_policy)
        return false;
    const auto id = fixId.toStdString();
    for (const auto& f : m_model->findings())
        for (auto& fix : fixesFor(*m_policy, f))
            if (fix.id == id)
                return m_basket->add(std::move(fix));
    return false;
}

bool FindingsPage::saveWaivers()
{
    std::string error;
    if (!io::saveWaivers(m_waiversPath.toStdString(), m_waivers, &error)) {
        QMessageBox::warning(this, tr("Waivers not saved"), qs(error));
        return false;
    }
    return true;
}

bool FindingsPage::waive(const QString& findingId, const QString& note)
{
    if (m_waiversPath.isEmpty() || !m_model->indexOf(findingId.toStdString()).isValid())
        return false;
    m_waivers.set({findingId.toStdString(), note.toStdString(), QDate::currentDate().toString(Qt::ISODate).toStdString(), {}});
    if (!saveWaivers())
        return false;
    m_model->setWaived(findingId.toStdString(), true, note.toStdString());
    m_basketWidget->setContext(m_policy, m_model->findings());
    refreshPosture();
    updateTabTitles();
    return true;
}

bool FindingsPage::unwaive(const QString& findingId)
{
    if (!m_waivers.remove(findingId.toStdString()) || !saveWaivers())
        return false;
    m_model->setWaived(findingId.toStdString(), false, {});
    m_basketWidget->setContext(m_policy, m_model->findings());
    refreshPosture();
    updateTabTitles();
    return true;
}

void FindingsPage::askWaiver()
{
    const auto* f = m_model->finding(m_proxy->mapToSource(m_view->currentIndex()));
    if (!f)
        return;
    const auto id = qs(f->id);
    if (f->waived) {
        unwaive(id);
        return;
    }
    bool ok = false;
    const auto note = QInputDialog::getMultiLineText(this, tr("Waive finding"),
                                                     tr("Why is %1 accepted? The note is kept in %2.").arg(id, m_waiversPath),
                                                     {}, &ok);
    if (ok && !note.trimmed().isEmpty())
        waive(id, note.trimmed());
}

} // namespace rbx
