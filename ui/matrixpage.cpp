// SPDX-License-Identifier: Apache-2.0
#include "ui/matrixpage.h"

#include "models/analysis/explain.h"
#include "models/io/matrixexport.h"
#include "models/item/accessmatrixmodel.h"
#include "ui/rotatedheader.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace rbx {

MatrixPage::MatrixPage(QWidget* parent)
    : QWidget(parent)
    , m_scope(new QComboBox(this))
    , m_filter(new QLineEdit(this))
    , m_onlyAccess(new QCheckBox(tr("Only resources with access"), this))
    , m_view(new QTableView(this))
    , m_model(new AccessMatrixModel(this))
    , m_proxy(new MatrixFilterProxy(this))
{
    m_filter->setPlaceholderText(tr("Filter resources…"));
    m_filter->setClearButtonEnabled(true);
    m_onlyAccess->setChecked(true);
    m_proxy->setSourceModel(m_model);
    m_view->setModel(m_proxy);
    m_view->setHorizontalHeader(new RotatedHeader(AccessMatrixModel::FirstVerbColumn, m_view));
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setMinimumSectionSize(24);
    m_view->setAlternatingRowColors(true);
    auto* exportButton = new QPushButton(tr("Export…"), this);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Scope:"), this));
    bar->addWidget(m_scope);
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_onlyAccess);
    bar->addWidget(exportButton);
    auto* legend = new QLabel(tr("\u2714 allowed   \u25D0 only some names (resourceNames)   \u00B7 denied — click a cell "
                                 "for the binding \u2192 role \u2192 rule behind it"),
                              this);
    legend->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(legend);
    connect(m_scope, &QComboBox::currentIndexChanged, this, &MatrixPage::rebuild);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &MatrixFilterProxy::setText);
    connect(m_onlyAccess, &QCheckBox::toggled, m_proxy, &MatrixFilterProxy::setOnlyWithAccess);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { explain(current); });
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const auto file = QFileDialog::getSaveFileName(this, tr("Export access matrix"), {},
                                                       tr("CSV (*.csv);;JSON (*.json)"));
        if (!file.isEmpty())
            exportTo(file);
    });
}

MatrixPage::~MatrixPage() = default;

void MatrixPage::setPolicy(std::shared_ptr<const Policy> policy)
{
    m_policy = std::move(policy);
    m_hasSubject = false;
    const QSignalBlocker block(m_scope);
    m_scope->clear();
    m_scope->addItem(tr("Cluster scope"), QString());
    m_scope->addItem(tr("Any namespace"), QStringLiteral("*"));
    if (m_policy)
        for (const auto& ns : m_policy->knownNamespaces())
            m_scope->addItem(QString::fromStdString(ns), QString::fromStdString(ns));
    m_model->setMatrix(m_policy, {});
}

void MatrixPage::showSubject(const SubjectRef& subject)
{
    m_subject = subject;
    m_hasSubject = true;
    if (subject.kind == SubjectKind::ServiceAccount) {
        const int i = m_scope->findData(QString::fromStdString(subject.ns));
        if (i >= 0 && i != m_scope->currentIndex()) {
            m_scope->setCurrentIndex(i); // rebuilds
            return;
        }
    }
    rebuild();
}

void MatrixPage::setScope(const QString& ns)
{
    const int i = m_scope->findData(ns);
    if (i >= 0)
        m_scope->setCurrentIndex(i);
}

void MatrixPage::rebuild()
{
    if (!m_policy || !m_hasSubject)
        return;
    ResourceCatalog catalog(m_policy->snapshot());
    const auto rows = matrixRows(*m_policy, catalog);
    const auto scope = m_scope->currentData().toString().toStdString();
    const auto user = userInfoOf(m_subject);
    m_model->setMatrix(m_policy, scope == "*" ? accessMatrixAnyNamespace(*m_policy, user, defaultMatrixVerbs(), rows)
                                              : accessMatrix(*m_policy, user, scope, defaultMatrixVerbs(), rows));
    m_view->resizeColumnToContents(AccessMatrixModel::ResourceColumn);
    for (int c = AccessMatrixModel::FirstVerbColumn; c < m_model->columnCount(); ++c)
        m_view->setColumnWidth(c, m_view->fontMetrics().height() + 14);
}

void MatrixPage::explain(const QModelIndex& proxyIndex)
{
    std::size_t row = 0;
    std::size_t verb = 0;
    if (!m_policy || !m_model->cellAt(m_proxy->mapToSource(proxyIndex), row, verb))
        return;
    const auto& m = m_model->matrix();
    const auto text = explainCell(*m_policy, userInfoOf(m_subject), m, row, verb);
    Q_EMIT cellExplained(QString::fromStdString(text), m.cell(row, verb).grants);
}

void MatrixPage::selectCell(const QString& group, const QString& resource, const QString& verb)
{
    const auto& m = m_model->matrix();
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        if (QString::fromStdString(m.rows[r].group) != group || QString::fromStdString(m.rows[r].resource) != resource)
            continue;
        for (std::size_t v = 0; v < m.verbs.size(); ++v) {
            if (QString::fromStdString(m.verbs[v]) != verb)
                continue;
            const auto source = m_model->index(static_cast<int>(r), static_cast<int>(v) + AccessMatrixModel::FirstVerbColumn);
            const auto proxy = m_proxy->mapFromSource(source);
            if (proxy.isValid()) {
                m_view->setCurrentIndex(proxy);
                m_view->scrollTo(proxy);
            } else {
                explain(QModelIndex()); // hidden by the filter: nothing to select
            }
            return;
        }
    }
}

bool MatrixPage::exportTo(const QString& file)
{
    if (!m_policy)
        return false;
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    const auto& m = m_model->matrix();
    if (file.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        f.write(QJsonDocument(io::matrixJson(*m_policy, m)).toJson(QJsonDocument::Indented));
    else
        f.write(QByteArray::fromStdString(io::matrixCsv({m})));
    return true;
}

} // namespace rbx
