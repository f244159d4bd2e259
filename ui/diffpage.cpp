// SPDX-License-Identifier: Apache-2.0
#include "ui/diffpage.h"

#include "models/analysis/explain.h"
#include "models/io/diffexport.h"
#include "models/item/backgroundpool.h"
#include "models/item/diffmodels.h"
#include "models/item/subjecttreemodel.h"
#include "models/loader/snapshotjob.h"
#include "ui/rotatedheader.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <set>

namespace rbx {

namespace {

void setupMatrixView(QTableView* view)
{
    view->setHorizontalHeader(new RotatedHeader(1, view));
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
}

QString subjectText(const SubjectRef& ref)
{
    return QString::fromStdString(ref.display());
}

} // namespace

DiffPage::DiffPage(QWidget* parent)
    : QWidget(parent)
    , m_job(new SnapshotJob(this))
    , m_subjectA(new QComboBox(this))
    , m_subjectB(new QComboBox(this))
    , m_scope(new QComboBox(this))
    , m_filter(new QLineEdit(this))
    , m_onlyDifferences(new QCheckBox(tr("Only differences"), this))
    , m_summary(new QLabel(this))
    , m_source(new QLabel(this))
    , m_viewA(new QTableView(this))
    , m_viewB(new QTableView(this))
    , m_list(new QTableView(this))
    , m_modelA(new DiffSideModel(DiffSideModel::Side::A, this))
    , m_modelB(new DiffSideModel(DiffSideModel::Side::B, this))
    , m_proxyA(new DiffFilterProxy(this))
    , m_proxyB(new DiffFilterProxy(this))
    , m_listModel(new DiffListModel(this))
    , m_changesPanel(new QWidget(this))
    , m_changesSummary(new QLabel(m_changesPanel))
    , m_changes(new QTreeView(m_changesPanel))
    , m_changesModel(new SnapshotDiffModel(this))
{
    for (auto* combo : {m_subjectA, m_subjectB}) {
        combo->setEditable(true);
        combo->setInsertPolicy(QComboBox::NoInsert);
        combo->setMinimumContentsLength(24);
    }
    m_scope->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_onlyDifferences->setChecked(true);
    m_filter->setPlaceholderText(tr("Filter resources…"));
    m_filter->setClearButtonEnabled(true);
    m_proxyA->setSourceModel(m_modelA);
    m_proxyB->setSourceModel(m_modelB);
    m_viewA->setModel(m_proxyA);
    m_viewB->setModel(m_proxyB);
    setupMatrixView(m_viewA);
    setupMatrixView(m_viewB);
    auto* listProxy = new QSortFilterProxyModel(this);
    listProxy->setSourceModel(m_listModel);
    listProxy->setSortRole(MatrixSortRole);
    m_list->setModel(listProxy);
    m_list->setSortingEnabled(true);
    m_list->sortByColumn(-1, Qt::AscendingOrder);
    m_list->verticalHeader()->hide();
    m_list->verticalHeader()->setDefaultSectionSize(m_list->fontMetrics().height() + 6);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->horizontalHeader()->setStretchLastSection(false);
    m_list->setWordWrap(false);
    // Both sides scroll together: their rows are the same (the filter looks at both sides).
    connect(m_viewA->verticalScrollBar(), &QScrollBar::valueChanged, m_viewB->verticalScrollBar(), &QScrollBar::setValue);
    connect(m_viewB->verticalScrollBar(), &QScrollBar::valueChanged, m_viewA->verticalScrollBar(), &QScrollBar::setValue);

    auto* other = new QPushButton(tr("Compare with snapshot…"), this);
    auto* same = new QPushButton(tr("Same snapshot"), this);
    auto* exportButton = new QPushButton(tr("Export…"), this);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("A:"), this));
    top->addWidget(m_subjectA, 1);
    top->addWidget(new QLabel(tr("B:"), this));
    top->addWidget(m_subjectB, 1);
    top->addWidget(other);
    top->addWidget(same);
    auto* second = new QHBoxLayout;
    second->addWidget(new QLabel(tr("Scope:"), this));
    second->addWidget(m_scope);
    second->addWidget(m_filter, 1);
    second->addWidget(m_onlyDifferences);
    second->addWidget(exportButton);
    auto* sides = new QSplitter(Qt::Horizontal, this);
    for (auto [view, title] : {std::pair {m_viewA, tr("A")}, std::pair {m_viewB, tr("B")}}) {
        auto* box = new QWidget(sides);
        auto* l = new QVBoxLayout(box);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(new QLabel(title, box));
        l->addWidget(view);
        sides->addWidget(box);
    }
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(sides);
    split->addWidget(m_list);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* legend = new QLabel(tr("Green: only this side has it. Red: only the other side has it. Grey: the same on "
                                 "both. Select a changed permission to see the binding → role → rule on each side."),
                              this);
    legend->setWordWrap(true);
    m_changes->setModel(m_changesModel);
    m_changes->setUniformRowHeights(true);
    m_changes->setAlternatingRowColors(true);
    m_changes->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_changes->setSelectionMode(QAbstractItemView::SingleSelection);
    m_changes->setTextElideMode(Qt::ElideRight);
    m_changes->header()->setStretchLastSection(true);
    m_changesSummary->setWordWrap(true);
    auto* changesLayout = new QVBoxLayout(m_changesPanel);
    changesLayout->setContentsMargins(0, 0, 0, 0);
    changesLayout->addWidget(new QLabel(tr("<b>Changes between the snapshots</b>"), m_changesPanel));
    changesLayout->addWidget(m_changesSummary);
    changesLayout->addWidget(m_changes, 1);
    m_changesPanel->hide();
    auto* detail = new QWidget(this);
    auto* detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_summary);
    detailLayout->addWidget(split, 1);
    auto* whole = new QSplitter(Qt::Horizontal, this);
    whole->addWidget(m_changesPanel);
    whole->addWidget(detail);
    whole->setStretchFactor(0, 2);
    whole->setStretchFactor(1, 3);
    whole->setSizes({2 * 100, 3 * 100}); // 2:3 of whatever width the page gets
    whole->setChildrenCollapsible(false);
    m_summary->setWordWrap(true);
    m_source->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(second);
    layout->addWidget(m_source);
    layout->addWidget(whole, 1);
    layout->addWidget(legend);

    connect(m_subjectA, &QComboBox::activated, this, &DiffPage::recompute);
    connect(m_subjectB, &QComboBox::activated, this, &DiffPage::recompute);
    connect(m_scope, &QComboBox::currentIndexChanged, this, &DiffPage::showScope);
    for (auto* proxy : {m_proxyA, m_proxyB}) {
        connect(m_filter, &QLineEdit::textChanged, proxy, &DiffFilterProxy::setText);
        connect(m_onlyDifferences, &QCheckBox::toggled, proxy, &DiffFilterProxy::setOnlyDifferences);
    }
    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this, listProxy](const QModelIndex& current) { explainRow(listProxy->mapToSource(current).row()); });
    connect(other, &QPushButton::clicked, this, [this] {
        const auto files = QFileDialog::getOpenFileNames(this, tr("Compare with snapshot"), {},
                                                         tr("Snapshots (*.yaml *.yml *.json *.gz);;All files (*)"));
        if (!files.isEmpty())
            compareWithSnapshot(files);
    });
    connect(same, &QPushButton::clicked, this, [this] { setOtherPolicy(nullptr); });
    connect(exportButton, &QPushButton::clicked, this, [this] {
        // Comparing snapshots, the export is the whole-snapshot diff (every changed ServiceAccount included).
        const bool whole = m_snapshotDiff != nullptr;
        const auto file = QFileDialog::getSaveFileName(this, whole ? tr("Export snapshot diff") : tr("Export diff"), {},
                                                       tr("Markdown (*.md);;HTML (*.html)"));
        if (!file.isEmpty())
            whole ? exportSnapshotDiffTo(file) : exportTo(file);
    });
    connect(m_job, &SnapshotJob::loaded, this, &DiffPage::setOtherPolicy);
    connect(m_changes->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        if (const auto sa = m_changesModel->subjectAt(current.siblingAtColumn(0)))
            showServiceAccount(*sa);
    });
    connect(&m_snapshotWatcher, &QFutureWatcher<std::shared_ptr<const SnapshotDiff>>::finished, this, [this] {
        if (m_snapshotWatcher.property("generation").toInt() != m_generation || !m_policyB)
            return;
        m_snapshotDiff = m_snapshotWatcher.result();
        m_changesModel->setDiff(m_snapshotDiff);
        // Group titles span both columns, so they are never cut by the first column's width.
        for (int r = 0; r < m_changesModel->rowCount(); ++r)
            m_changes->setFirstColumnSpanned(r, {}, true);
        m_changes->expandAll();
        m_changes->resizeColumnToContents(SnapshotDiffModel::ItemColumn);
        m_changes->setColumnWidth(SnapshotDiffModel::ItemColumn,
                                  std::min(m_changes->columnWidth(SnapshotDiffModel::ItemColumn),
                                           m_changes->viewport()->width() * 11 / 20));
        const auto& d = *m_snapshotDiff;
        m_changesSummary->setText(
            d.equal() ? tr("No difference between the snapshots.")
                      : tr("%1 ServiceAccount(s) with changed access, %2 new, %3 removed; %4 object(s) changed; "
                           "%5 token(s); %6 new and %7 resolved finding(s). Select a ServiceAccount to see its "
                           "matrices.")
                            .arg(d.serviceAccounts.size())
                            .arg(d.addedServiceAccounts.size())
                            .arg(d.removedServiceAccounts.size())
                            .arg(d.objects.size())
                            .arg(d.tokens.size())
                            .arg(d.newFindings.size())
                            .arg(d.goneFindings.size()));
        Q_EMIT snapshotDiffComputed();
    });
}

DiffPage::~DiffPage() = default;

const Policy& DiffPage::policyB() const
{
    return m_policyB ? *m_policyB : *m_policyA;
}

void DiffPage::setPolicy(std::shared_ptr<const Policy> policy)
{
    m_policyA = std::move(policy);
    m_policyB.reset();
    computeSnapshotDiff();
    ++m_diffGeneration; // a comparison still running was of the previous snapshot
    m_diffComputing = false;
    m_diff.reset();
    m_modelA->setPair(nullptr);
    m_modelB->setPair(nullptr);
    m_listModel->setDiff(nullptr);
    m_pendingA.reset();
    // Thousands of subjects in two combo boxes: filled when the page is shown or asked to compare.
    m_subjectsDirty = true;
    if (isVisible())
        ensureSubjects();
}

void DiffPage::ensureSubjects()
{
    if (!m_subjectsDirty)
        return;
    m_subjectsDirty = false;
    fillSubjects();
}

void DiffPage::showEvent(QShowEvent* event)
{
    // After the page is laid out and painted, as an event of its own: showing it and filling it are two short stalls
    // instead of one longer one.
    if (m_subjectsDirty || m_pendingA)
        QTimer::singleShot(0, this, [this] {
            if (!isVisible())
                return;
            ensureSubjects();
            if (m_pendingA) {
                const auto a = *std::exchange(m_pendingA, std::nullopt);
                setSubjectA(a);
            }
        });
    QWidget::showEvent(event);
}

void DiffPage::setOtherPolicy(std::shared_ptr<const Policy> policy)
{
    m_policyB = std::move(policy);
    m_subjectsDirty = false;
    fillSubjects();
    if (m_pendingA) {
        const int i = m_subjectA->findText(subjectText(*m_pendingA));
        if (i >= 0)
            m_subjectA->setCurrentIndex(i);
        m_pendingA.reset();
    }
    computeSnapshotDiff();
    if (m_policyB) {
        // Comparing snapshots: the same subject on both sides by default.
        const int i = m_subjectB->findText(m_subjectA->currentText());
        if (i >= 0)
            m_subjectB->setCurrentIndex(i);
    }
    recompute();
}

void DiffPage::computeSnapshotDiff()
{
    const int generation = ++m_generation;
    m_snapshotDiff.reset();
    m_changesModel->setDiff(nullptr);
    m_changesPanel->setVisible(m_policyA && m_policyB);
    if (!m_policyA || !m_policyB)
        return;
    m_changesSummary->setText(tr("Comparing every ServiceAccount…"));
    m_snapshotWatcher.setProperty("generation", generation);
    m_snapshotWatcher.setFuture(runInBackground([a = m_policyA, b = m_policyB]() -> std::shared_ptr<const SnapshotDiff> {
        return std::make_shared<const SnapshotDiff>(diffSnapshots(*a, *b));
    }));
}

void DiffPage::selectSubject(QComboBox* combo, const SubjectRef& ref)
{
    int i = combo->findText(subjectText(ref));
    if (i < 0) {
        // A ServiceAccount only one snapshot has: still comparable (the other side has no access, no object).
        combo->addItem(subjectText(ref), QVariant::fromValue(ref));
        i = combo->count() - 1;
    }
    combo->setCurrentIndex(i);
}

void DiffPage::showServiceAccount(const SubjectRef& sa)
{
    ensureSubjects();
    m_pendingA.reset();
    selectSubject(m_subjectA, sa);
    selectSubject(m_subjectB, sa);
    recompute();
}

bool DiffPage::exportSnapshotDiffTo(const QString& file)
{
    if (!m_snapshotDiff || !m_policyB)
        return false;
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    const auto md = io::snapshotDiffMarkdown(*m_policyA, *m_policyB, *m_snapshotDiff);
    f.write(QByteArray::fromStdString(file.endsWith(QLatin1String(".html"), Qt::CaseInsensitive)
                                          ? io::markdownToHtml(md, "RBAC Explorer snapshot diff")
                                          : md));
    return true;
}

void DiffPage::compareWithSnapshot(const QStringList& paths)
{
    m_source->setText(tr("Loading %1…").arg(paths.join(QStringLiteral(", "))));
    m_job->start(paths);
}

void DiffPage::fillSubjects()
{
    const QSignalBlocker blockA(m_subjectA);
    const QSignalBlocker blockB(m_subjectB);
    const auto keepA = m_subjectA->currentText();
    const auto keepB = m_subjectB->currentText();
    m_subjectA->clear();
    m_subjectB->clear();
    if (!m_policyA)
        return;
    auto fill = [](QComboBox* combo, const std::vector<SubjectSummary>& subjects) {
        for (const auto& s : subjects)
            combo->addItem(subjectText(s.ref), QVariant::fromValue(s.ref));
    };
    const auto subjectsA = summarizeSubjects(*m_policyA);
    fill(m_subjectA, subjectsA);
    fill(m_subjectB, m_policyB ? summarizeSubjects(*m_policyB) : subjectsA); // one snapshot: summarized once
    m_subjectA->setCurrentIndex(std::max(0, m_subjectA->findText(keepA)));
    m_subjectB->setCurrentIndex(std::max(0, m_subjectB->findText(keepB)));
    m_source->setText(m_policyB ? tr("A: %1    B: %2")
                                      .arg(QString::fromStdString(m_policyA->snapshot().report.inputs.empty()
                                                                      ? std::string()
                                                                      : m_policyA->snapshot().report.inputs.front()),
                                           QString::fromStdString(m_policyB->snapshot().report.inputs.empty()
                                                                      ? std::string()
                                                                      : m_policyB->snapshot().report.inputs.front()))
                                : tr("A and B from the same snapshot"));
}

void DiffPage::setSubjects(const SubjectRef& a, const SubjectRef& b)
{
    ensureSubjects();
    m_pendingA.reset();
    const int ia = m_subjectA->findText(subjectText(a));
    const int ib = m_subjectB->findText(subjectText(b));
    if (ia >= 0)
        m_subjectA->setCurrentIndex(ia);
    if (ib >= 0)
        m_subjectB->setCurrentIndex(ib);
    recompute();
}

void DiffPage::setSubjectA(const SubjectRef& a)
{
    if (!isVisible()) {
        // Following the navigator while hidden: compared when the page is shown.
        m_pendingA = a;
        return;
    }
    ensureSubjects();
    const int ia = m_subjectA->findText(subjectText(a));
    if (ia >= 0)
        m_subjectA->setCurrentIndex(ia);
    if (m_policyB) {
        const int ib = m_subjectB->findText(subjectText(a));
        if (ib >= 0)
            m_subjectB->setCurrentIndex(ib);
    }
    recompute();
}

void DiffPage::setScope(const QString& ns)
{
    const int i = m_scope->findData(ns);
    if (i >= 0)
        m_scope->setCurrentIndex(i);
}

namespace {

// Both sides' matrices of one scope, over the resources either snapshot knows.
std::shared_ptr<const MatrixPair> matrixPair(const Policy& policyA, const Policy* otherB, const SubjectDiff& diff,
                                             const std::string& ns)
{
    auto pair = std::make_shared<MatrixPair>();
    std::vector<MatrixRow> rows = matrixRows(policyA, ResourceCatalog(policyA.snapshot()));
    if (otherB) {
        std::set<std::pair<std::string, std::string>> seen;
        for (const auto& r : rows)
            seen.insert({r.group, r.resource});
        for (auto& r : matrixRows(*otherB, ResourceCatalog(otherB->snapshot())))
            if (seen.insert({r.group, r.resource}).second)
                rows.push_back(std::move(r));
    }
    pair->a = accessMatrix(policyA, userInfoOf(diff.a), ns, diff.verbs, rows);
    pair->b = accessMatrix(otherB ? *otherB : policyA, userInfoOf(diff.b), ns, diff.verbs, rows);
    return pair;
}

// Stay on the scope in view if it differs there, else open the first scope that differs.
std::string scopeToShow(const SubjectDiff& diff, const std::string& keep)
{
    const bool keepDiffers = std::any_of(diff.cells.begin(), diff.cells.end(), [&](const CellDiff& c) { return c.ns == keep; });
    if (!diff.cells.empty() && !keepDiffers)
        return diff.cells.front().ns;
    if (std::find(diff.scopes.begin(), diff.scopes.end(), keep) != diff.scopes.end())
        return keep;
    return diff.scopes.empty() ? std::string() : diff.scopes.front();
}

} // namespace

struct DiffPage::Result
{
    std::shared_ptr<const SubjectDiff> diff;
    std::string scope;
    std::shared_ptr<const MatrixPair> pair;
};

void DiffPage::recompute()
{
    if (!m_policyA || m_subjectA->currentIndex() < 0 || m_subjectB->currentIndex() < 0)
        return;
    const auto a = m_subjectA->currentData().value<SubjectRef>();
    const auto b = m_subjectB->currentData().value<SubjectRef>();
    const quint64 generation = ++m_diffGeneration;
    m_diffComputing = true;
    m_summary->setText(tr("<i>Comparing %1 with %2…</i>").arg(subjectText(a).toHtmlEscaped(), subjectText(b).toHtmlEscaped()));
    // The worker owns what it reads (the policies, the subjects); the page may be gone when it ends, and then its
    // watcher, a child of the page, went with it.
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_diffGeneration)
            return; // a newer comparison was asked for
        m_diffComputing = false;
        applyDiff(watcher->result());
    });
    watcher->setFuture(runInBackground([policyA = m_policyA, policyB = m_policyB, a, b,
                                        keep = m_scope->currentData().toString().toStdString()] {
        Result r;
        auto diff = std::make_shared<const SubjectDiff>(diffSubjects(*policyA, a, policyB ? *policyB : *policyA, b));
        r.scope = scopeToShow(*diff, keep);
        r.pair = matrixPair(*policyA, policyB.get(), *diff, r.scope);
        r.diff = std::move(diff);
        return r;
    }));
}

void DiffPage::applyDiff(const Result& result)
{
    m_diff = result.diff;
    m_listModel->setDiff(m_diff);
    m_list->resizeColumnsToContents();
    std::size_t gained = 0;
    for (const auto& c : m_diff->cells)
        gained += c.b > c.a;
    m_summary->setText(m_diff->equal() ? tr("<b>No difference</b> (%1 allowed cells are the same).").arg(m_diff->sameAllowed)
                                       : tr("<b>%1</b> cell(s) only B has, <b>%2</b> only A has, %3 the same; "
                                            "structure: %4 binding(s), %5 role(s), %6 token(s) differ.")
                                             .arg(gained)
                                             .arg(m_diff->cells.size() - gained)
                                             .arg(m_diff->sameAllowed)
                                             .arg(m_diff->structure.bindings.onlyA.size()
                                                  + m_diff->structure.bindings.onlyB.size())
                                             .arg(m_diff->structure.roles.onlyA.size() + m_diff->structure.roles.onlyB.size())
                                             .arg(m_diff->structure.tokens.onlyA.size()
                                                  + m_diff->structure.tokens.onlyB.size()));
    {
        const QSignalBlocker block(m_scope);
        m_scope->clear();
        for (const auto& ns : m_diff->scopes)
            m_scope->addItem(ns.empty() ? tr("Cluster scope") : QString::fromStdString(ns), QString::fromStdString(ns));
        m_scope->setCurrentIndex(std::max(0, m_scope->findData(QString::fromStdString(result.scope))));
    }
    if (result.pair && m_scope->currentData().toString().toStdString() == result.scope)
        applyPair(result.pair);
    else
        showScope();
    Q_EMIT computed();
}

void DiffPage::showScope()
{
    if (!m_diff)
        return;
    applyPair(matrixPair(*m_policyA, m_policyB.get(), *m_diff, m_scope->currentData().toString().toStdString()));
}

void DiffPage::applyPair(std::shared_ptr<const MatrixPair> pair)
{
    m_modelA->setPair(pair);
    m_modelB->setPair(pair);
    for (auto* view : {m_viewA, m_viewB}) {
        view->resizeColumnToContents(0);
        view->setColumnWidth(0, std::min(view->columnWidth(0), 190));
        for (int c = 1; c < view->model()->columnCount(); ++c)
            view->setColumnWidth(c, view->fontMetrics().height() + 14);
    }
}

void DiffPage::explainRow(int row)
{
    const auto* c = m_listModel->cellAt(row);
    if (!c)
        return;
    auto side = [&](const char* title, const Policy& policy, Access access, const std::vector<Grant>& grants) {
        QString text = QString::fromLatin1(title) + QStringLiteral(": ") + QString::fromLatin1(accessName(access)) + u'\n';
        for (const auto& g : grants) {
            QStringList steps;
            for (const auto& step : provenanceChain(policy, g))
                steps << QString::fromStdString(step.kind + ' ' + (step.ns.empty() || step.kind == "Rule" ? "" : step.ns + '/')
                                                + step.name + (step.kind == "Rule" ? " (" + step.detail + ')' : ""));
            text += QStringLiteral("  ") + steps.join(QStringLiteral(" → ")) + u'\n';
        }
        if (grants.empty())
            text += tr("  nothing grants it\n");
        return text;
    };
    const QString what = QString::fromStdString(c->verb + ' ' + c->resource + (c->group.empty() ? "" : " (" + c->group + ')'))
        + (c->ns.empty() ? tr(" cluster-wide") : tr(" in %1").arg(QString::fromStdString(c->ns)));
    Q_EMIT explained(what + u'\n' + side("A", *m_policyA, c->a, c->whyA) + side("B", policyB(), c->b, c->whyB));
}

bool DiffPage::exportTo(const QString& file)
{
    if (!m_diff)
        return false;
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    const auto md = "# Access diff\n\n" + io::subjectDiffMarkdown(*m_policyA, policyB(), *m_diff);
    f.write(QByteArray::fromStdString(file.endsWith(QLatin1String(".html"), Qt::CaseInsensitive)
                                          ? io::markdownToHtml(md, "RBAC Explorer diff")
                                          : md));
    return true;
}

} // namespace rbx
