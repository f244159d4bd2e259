// SPDX-License-Identifier: Apache-2.0
#include "models/item/accessmatrixmodel.h"

#include "models/analysis/explain.h"

#include <QColor>

namespace rbx {

AccessMatrixModel::AccessMatrixModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

AccessMatrixModel::~AccessMatrixModel() = default;

void AccessMatrixModel::setMatrix(std::shared_ptr<const Policy> policy, AccessMatrix matrix)
{
    beginResetModel();
    m_policy = std::move(policy);
    m_matrix = std::move(matrix);
    endResetModel();
}

bool AccessMatrixModel::cellAt(const QModelIndex& index, std::size_t& row, std::size_t& verb) const
{
    if (!index.isValid() || index.model() != this || index.column() < FirstVerbColumn)
        return false;
    row = static_cast<std::size_t>(index.row());
    verb = static_cast<std::size_t>(index.column() - FirstVerbColumn);
    return row < m_matrix.rows.size() && verb < m_matrix.verbs.size();
}

int AccessMatrixModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_matrix.rows.size());
}

int AccessMatrixModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_matrix.verbs.size()) + FirstVerbColumn;
}

QString AccessMatrixModel::resourceLabel(const MatrixRow& row)
{
    const auto res = QString::fromStdString(row.resource);
    if (row.group.empty())
        return res;
    const auto slash = res.indexOf(u'/');
    const auto group = QString::fromStdString(row.group);
    if (slash < 0)
        return res + u'.' + group;
    return res.left(slash) + u'.' + group + res.mid(slash);
}

QVariant AccessMatrixModel::accessColor(Access access)
{
    switch (access) {
    case Access::Yes:
        return QColor(0xd7, 0x3a, 0x2f, 0xd0); // allowed: a red the eye finds first
    case Access::Partial:
        return QColor(0xf0, 0xa2, 0x02, 0xc0);
    case Access::No:
        break;
    }
    return {};
}

QString AccessMatrixModel::accessSymbol(Access access)
{
    switch (access) {
    case Access::Yes:
        return QStringLiteral("\u2714"); // check mark
    case Access::Partial:
        return QStringLiteral("\u25D0"); // half circle
    case Access::No:
        break;
    }
    return QStringLiteral("\u00B7"); // middle dot
}

QVariant AccessMatrixModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const auto& mr = m_matrix.rows[static_cast<std::size_t>(index.row())];
    if (index.column() == ResourceColumn) {
        switch (role) {
        case Qt::DisplayRole:
        case MatrixSortRole:
            return resourceLabel(mr);
        case Qt::ToolTipRole:
            return mr.namespaced ? tr("namespaced") : tr("cluster-scoped");
        case ResourceGroupRole:
            return QString::fromStdString(mr.group);
        case ResourceNameRole:
            return QString::fromStdString(mr.resource);
        default:
            return {};
        }
    }
    std::size_t row = 0;
    std::size_t verb = 0;
    cellAt(index, row, verb);
    const auto& cell = m_matrix.cell(row, verb);
    switch (role) {
    case Qt::DisplayRole:
        return accessSymbol(cell.access);
    case Qt::TextAlignmentRole:
        return int(Qt::AlignCenter);
    case Qt::BackgroundRole:
        return accessColor(cell.access);
    case Qt::ToolTipRole: {
        if (!m_policy)
            return {};
        UserInfo user; // the explanation's "why not" needs the subject; the matrix carries its name
        user.name = m_matrix.subject;
        return QString::fromStdString(explainCell(*m_policy, user, m_matrix, row, verb)).trimmed();
    }
    case AccessRole:
    case MatrixSortRole:
        return static_cast<int>(cell.access);
    case ResourceGroupRole:
        return QString::fromStdString(mr.group);
    case ResourceNameRole:
        return QString::fromStdString(mr.resource);
    default:
        return {};
    }
}

QVariant AccessMatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    if (section == ResourceColumn)
        return tr("Resource");
    const auto v = static_cast<std::size_t>(section - FirstVerbColumn);
    return v < m_matrix.verbs.size() ? QString::fromStdString(m_matrix.verbs[v]) : QVariant();
}

MatrixFilterProxy::MatrixFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(MatrixSortRole);
    setDynamicSortFilter(true);
}

void MatrixFilterProxy::setText(const QString& text)
{
    m_text = text;
    invalidateFilter();
}

void MatrixFilterProxy::setOnlyWithAccess(bool on)
{
    m_onlyWithAccess = on;
    invalidateFilter();
}

bool MatrixFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const auto* src = sourceModel();
    if (!m_text.isEmpty()
        && !src->index(sourceRow, 0, sourceParent).data().toString().contains(m_text, Qt::CaseInsensitive))
        return false;
    if (!m_onlyWithAccess)
        return true;
    for (int c = 1; c < src->columnCount(sourceParent); ++c)
        if (src->index(sourceRow, c, sourceParent).data(AccessRole).toInt() != static_cast<int>(Access::No))
            return true;
    return false;
}

HeatMapModel::HeatMapModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

HeatMapModel::~HeatMapModel() = default;

void HeatMapModel::setHeatMap(HeatMap heatMap)
{
    beginResetModel();
    m_heat = std::move(heatMap);
    endResetModel();
}

const SubjectSummary* HeatMapModel::subjectAt(int row) const
{
    return row >= 0 && row < static_cast<int>(m_heat.subjects.size()) ? &m_heat.subjects[static_cast<std::size_t>(row)]
                                                                     : nullptr;
}

int HeatMapModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_heat.subjects.size());
}

int HeatMapModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_heat.columns.size()) + FirstResourceColumn;
}

QVariant HeatMapModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const auto row = static_cast<std::size_t>(index.row());
    const auto& subject = m_heat.subjects[row];
    if (index.column() == SubjectColumn) {
        switch (role) {
        case Qt::DisplayRole:
        case MatrixSortRole:
            return QString::fromStdString(subject.ref.display());
        case Qt::ToolTipRole:
            return QString::fromStdString(subject.ref.username());
        default:
            return {};
        }
    }
    if (index.column() == RiskColumn) {
        switch (role) {
        case Qt::DisplayRole:
        case MatrixSortRole:
            return m_heat.risk[row];
        case Qt::TextAlignmentRole:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        case Qt::ToolTipRole:
            return subject.clusterAdminEquivalent ? tr("cluster-admin equivalent") : QVariant();
        default:
            return {};
        }
    }
    const auto col = static_cast<std::size_t>(index.column() - FirstResourceColumn);
    const auto access = m_heat.cell(row, col);
    switch (role) {
    case Qt::BackgroundRole:
        return AccessMatrixModel::accessColor(access);
    case Qt::ToolTipRole:
        return QStringLiteral("%1 — %2: %3")
            .arg(QString::fromStdString(subject.ref.display()), AccessMatrixModel::resourceLabel(m_heat.columns[col]),
                 QString::fromLatin1(accessName(access)));
    case AccessRole:
    case MatrixSortRole:
        return static_cast<int>(access);
    case ResourceGroupRole:
        return QString::fromStdString(m_heat.columns[col].group);
    case ResourceNameRole:
        return QString::fromStdString(m_heat.columns[col].resource);
    default:
        return {};
    }
}

QVariant HeatMapModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        if (section == SubjectColumn)
            return tr("ServiceAccount");
        if (section == RiskColumn)
            return tr("Risk");
        const auto c = static_cast<std::size_t>(section - FirstResourceColumn);
        return c < m_heat.columns.size() ? AccessMatrixModel::resourceLabel(m_heat.columns[c]) : QVariant();
    }
    if (role == Qt::ToolTipRole && section >= FirstResourceColumn) {
        const auto c = static_cast<std::size_t>(section - FirstResourceColumn);
        return c < m_heat.columns.size() ? tr("sensitivity %1").arg(sensitivity(m_heat.columns[c].group,
                                                                                m_heat.columns[c].resource))
                                         : QVariant();
    }
    return {};
}

HeatMapFilterProxy::HeatMapFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(MatrixSortRole);
    setDynamicSortFilter(true);
}

void HeatMapFilterProxy::setNamespace(const QString& ns)
{
    m_ns = ns;
    invalidateFilter();
}

void HeatMapFilterProxy::setMinimumRisk(int risk)
{
    m_minRisk = risk;
    invalidateFilter();
}

void HeatMapFilterProxy::setText(const QString& text)
{
    m_text = text;
    invalidateFilter();
}

bool HeatMapFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const auto name = sourceModel()->index(sourceRow, HeatMapModel::SubjectColumn, sourceParent).data().toString();
    if (!m_ns.isEmpty() && !name.startsWith(m_ns + u'/'))
        return false;
    if (!m_text.isEmpty() && !name.contains(m_text, Qt::CaseInsensitive))
        return false;
    return sourceModel()->index(sourceRow, HeatMapModel::RiskColumn, sourceParent).data(MatrixSortRole).toInt()
        >= m_minRisk;
}

} // namespace rbx
