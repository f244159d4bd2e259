// SPDX-License-Identifier: Apache-2.0
#include "models/item/diffmodels.h"

#include <QColor>

namespace rbx {

namespace {

QColor moreColor()
{
    return {0x2e, 0x7d, 0x32, 0xb0}; // this side has it, the other does not
}

QColor lessColor()
{
    return {0xc6, 0x28, 0x28, 0x60}; // the other side has it
}

QColor sameColor()
{
    return {0x90, 0x90, 0x90, 0x40}; // allowed on both
}

QString accessWithNames(Access a, const std::vector<std::string>& names)
{
    QString s = QString::fromLatin1(accessName(a));
    if (a == Access::Partial && !names.empty()) {
        QStringList n;
        for (const auto& x : names)
            n << QString::fromStdString(x);
        s += QStringLiteral(" (") + n.join(QStringLiteral(", ")) + u')';
    }
    return s;
}

} // namespace

DiffSideModel::DiffSideModel(Side side, QObject* parent)
    : QAbstractTableModel(parent)
    , m_side(side)
{
}

DiffSideModel::~DiffSideModel() = default;

void DiffSideModel::setPair(std::shared_ptr<const MatrixPair> pair)
{
    beginResetModel();
    m_pair = std::move(pair);
    endResetModel();
}

int DiffSideModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_pair ? 0 : static_cast<int>(m_pair->a.rows.size());
}

int DiffSideModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_pair ? 0 : static_cast<int>(m_pair->a.verbs.size()) + 1;
}

QVariant DiffSideModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const auto row = static_cast<std::size_t>(index.row());
    const auto& mine = m_side == Side::A ? m_pair->a : m_pair->b;
    const auto& other = m_side == Side::A ? m_pair->b : m_pair->a;
    if (index.column() == 0) {
        if (role == Qt::DisplayRole || role == MatrixSortRole)
            return AccessMatrixModel::resourceLabel(mine.rows[row]);
        if (role == DiffStateRole) {
            int state = 0;
            for (std::size_t v = 0; v < mine.verbs.size() && state == 0; ++v)
                state = mine.cell(row, v).access == other.cell(row, v).access
                        && mine.cell(row, v).names == other.cell(row, v).names
                    ? 0
                    : 1;
            return state;
        }
        if (role == AccessRole) {
            int best = 0;
            for (std::size_t v = 0; v < mine.verbs.size(); ++v)
                best = std::max({best, int(mine.cell(row, v).access), int(other.cell(row, v).access)});
            return best;
        }
        return {};
    }
    const auto verb = static_cast<std::size_t>(index.column() - 1);
    const auto& a = mine.cell(row, verb);
    const auto& b = other.cell(row, verb);
    const int state = a.access > b.access ? 1 : a.access < b.access ? -1 : (a.names == b.names ? 0 : 1);
    switch (role) {
    case Qt::DisplayRole:
        return AccessMatrixModel::accessSymbol(a.access);
    case Qt::TextAlignmentRole:
        return int(Qt::AlignCenter);
    case Qt::BackgroundRole:
        if (state > 0)
            return moreColor();
        if (state < 0)
            return lessColor();
        return a.access == Access::No ? QVariant() : QVariant(sameColor());
    case Qt::ToolTipRole:
        return QStringLiteral("%1 %2: %3 here, %4 on the other side")
            .arg(QString::fromStdString(mine.verbs[verb]), AccessMatrixModel::resourceLabel(mine.rows[row]),
                 accessWithNames(a.access, a.names), accessWithNames(b.access, b.names));
    case AccessRole:
    case MatrixSortRole:
        return static_cast<int>(a.access);
    case DiffStateRole:
        return state;
    default:
        return {};
    }
}

QVariant DiffSideModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || !m_pair)
        return {};
    if (section == 0)
        return tr("Resource");
    const auto v = static_cast<std::size_t>(section - 1);
    return v < m_pair->a.verbs.size() ? QString::fromStdString(m_pair->a.verbs[v]) : QVariant();
}

DiffFilterProxy::DiffFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(MatrixSortRole);
    setDynamicSortFilter(true);
}

void DiffFilterProxy::setText(const QString& text)
{
    m_text = text;
    invalidateFilter();
}

void DiffFilterProxy::setOnlyDifferences(bool on)
{
    m_onlyDifferences = on;
    invalidateFilter();
}

void DiffFilterProxy::setHideEmpty(bool on)
{
    m_hideEmpty = on;
    invalidateFilter();
}

bool DiffFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const auto idx = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_text.isEmpty() && !idx.data().toString().contains(m_text, Qt::CaseInsensitive))
        return false;
    if (m_onlyDifferences)
        return idx.data(DiffStateRole).toInt() != 0;
    return !m_hideEmpty || idx.data(AccessRole).toInt() != static_cast<int>(Access::No);
}

DiffListModel::DiffListModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

DiffListModel::~DiffListModel() = default;

void DiffListModel::setDiff(std::shared_ptr<const SubjectDiff> diff)
{
    beginResetModel();
    m_diff = std::move(diff);
    endResetModel();
}

const CellDiff* DiffListModel::cellAt(int row) const
{
    return m_diff && row >= 0 && row < static_cast<int>(m_diff->cells.size()) ? &m_diff->cells[static_cast<std::size_t>(row)]
                                                                              : nullptr;
}

int DiffListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_diff ? 0 : static_cast<int>(m_diff->cells.size());
}

int DiffListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DiffListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const auto& c = m_diff->cells[static_cast<std::size_t>(index.row())];
    if (role == Qt::BackgroundRole && (index.column() == AColumn || index.column() == BColumn)) {
        const bool aSide = index.column() == AColumn;
        const auto mine = aSide ? c.a : c.b;
        const auto other = aSide ? c.b : c.a;
        return mine > other ? QVariant(moreColor()) : QVariant();
    }
    if (role != Qt::DisplayRole && role != MatrixSortRole)
        return {};
    switch (index.column()) {
    case ScopeColumn:
        return c.ns.empty() ? tr("cluster") : QString::fromStdString(c.ns);
    case ResourceColumn:
        return AccessMatrixModel::resourceLabel({c.group, c.resource, true, true});
    case VerbColumn:
        return QString::fromStdString(c.verb);
    case AColumn:
        return accessWithNames(c.a, c.namesA);
    case BColumn:
        return accessWithNames(c.b, c.namesB);
    default:
        return {};
    }
}

QVariant DiffListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ScopeColumn:
        return tr("Scope");
    case ResourceColumn:
        return tr("Resource");
    case VerbColumn:
        return tr("Verb");
    case AColumn:
        return tr("A");
    case BColumn:
        return tr("B");
    default:
        return {};
    }
}

} // namespace rbx
