// SPDX-License-Identifier: Apache-2.0
#include "models/item/diffmodels.h"

#include "models/item/subjecttreemodel.h"

#include <QColor>
#include <QFont>

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

// ---- SnapshotDiffModel -------------------------------------------------------------------------------------------

namespace {

// Child rows store their group's position + 1 as internal id; group rows store 0.
constexpr quintptr kGroupRow = 0;

QString objectText(const std::string& kind, const std::string& ns, const std::string& name)
{
    return QString::fromStdString(kind + ' ' + (ns.empty() ? name : ns + '/' + name));
}

std::optional<SubjectRef> serviceAccountRef(const std::string& nsSlashName)
{
    const auto slash = nsSlashName.find('/');
    if (slash == std::string::npos)
        return std::nullopt;
    return SubjectRef {SubjectKind::ServiceAccount, nsSlashName.substr(0, slash), nsSlashName.substr(slash + 1)};
}

} // namespace

SnapshotDiffModel::SnapshotDiffModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

SnapshotDiffModel::~SnapshotDiffModel() = default;

QString SnapshotDiffModel::groupTitle(Group group)
{
    switch (group) {
    case AccessGroup:
        return tr("ServiceAccounts with changed access");
    case AddedServiceAccountsGroup:
        return tr("New ServiceAccounts");
    case RemovedServiceAccountsGroup:
        return tr("Removed ServiceAccounts");
    case ServiceAccountObjectsGroup:
        return tr("ServiceAccount objects");
    case BindingsGroup:
        return tr("Bindings");
    case RolesGroup:
        return tr("Roles");
    case TokensGroup:
        return tr("Legacy tokens");
    case NewFindingsGroup:
        return tr("New findings");
    case GoneFindingsGroup:
        return tr("Resolved findings");
    case GroupCount:
        break;
    }
    return {};
}

void SnapshotDiffModel::setDiff(std::shared_ptr<const SnapshotDiff> diff)
{
    beginResetModel();
    m_diff = std::move(diff);
    m_groups.clear();
    if (m_diff) {
        std::vector<std::vector<Row>> rows(GroupCount);
        for (const auto& sd : m_diff->serviceAccounts) {
            std::size_t gained = 0;
            for (const auto& c : sd.cells)
                gained += c.b > c.a;
            const std::size_t lost = sd.cells.size() - gained;
            QStringList parts;
            if (gained)
                parts << tr("+%n permission(s)", nullptr, static_cast<int>(gained));
            if (lost)
                parts << tr("−%n permission(s)", nullptr, static_cast<int>(lost));
            const auto& st = sd.structure;
            if (!st.bindings.empty())
                parts << tr("bindings");
            if (!st.tokens.empty())
                parts << tr("tokens");
            if (!st.workloads.empty())
                parts << tr("workloads");
            if (st.automountA != st.automountB)
                parts << tr("automount %1 → %2").arg(QString::fromStdString(st.automountA),
                                                      QString::fromStdString(st.automountB));
            if (st.existsA != st.existsB)
                parts << (st.existsB ? tr("created") : tr("deleted"));
            rows[AccessGroup].push_back({QString::fromStdString(sd.a.ns + '/' + sd.a.name), parts.join(QStringLiteral(", ")),
                                         {}, sd.a});
        }
        for (const auto& sa : m_diff->addedServiceAccounts)
            rows[AddedServiceAccountsGroup].push_back({QString::fromStdString(sa), tr("new"), {}, serviceAccountRef(sa)});
        for (const auto& sa : m_diff->removedServiceAccounts)
            rows[RemovedServiceAccountsGroup].push_back(
                {QString::fromStdString(sa), tr("removed"), {}, serviceAccountRef(sa)});
        for (const auto& o : m_diff->objects) {
            Group g = GroupCount;
            if (o.kind == "RoleBinding" || o.kind == "ClusterRoleBinding")
                g = BindingsGroup;
            else if (o.kind == "Role" || o.kind == "ClusterRole")
                g = RolesGroup;
            else if (o.kind == "ServiceAccount" && o.change != "added" && o.change != "removed")
                g = ServiceAccountObjectsGroup; // added/removed ones have their own groups
            if (g == GroupCount)
                continue;
            std::optional<SubjectRef> ref;
            if (g == ServiceAccountObjectsGroup)
                ref = SubjectRef {SubjectKind::ServiceAccount, o.ns, o.name};
            rows[g].push_back({objectText(o.kind, o.ns, o.name), QString::fromStdString(o.change),
                               QString::fromStdString(o.detail), ref});
        }
        for (const auto& t : m_diff->tokens)
            rows[TokensGroup].push_back({QString::fromStdString(t.ns + '/' + t.secret), QString::fromStdString(t.text()),
                                         tr("ServiceAccount %1").arg(QString::fromStdString(t.serviceAccount)),
                                         std::nullopt});
        auto findings = [&](Group g, const std::vector<Finding>& v) {
            for (const auto& f : v)
                rows[g].push_back({QString::fromStdString(f.ruleId + ' '
                                                          + (f.object.ns.empty() ? f.object.name
                                                                                 : f.object.ns + '/' + f.object.name)),
                                   // The rule's short title: the item column already names the object.
                                   QString::fromLatin1(severityName(f.severity)) + QStringLiteral(": ")
                                       + QString::fromUtf8(findingRule(f.ruleId) ? findingRule(f.ruleId)->title
                                                                                 : f.title.c_str()),
                                   QString::fromStdString(f.title) + QStringLiteral("\n")
                                       + QString::fromStdString(f.explanation),
                                   std::nullopt});
        };
        findings(NewFindingsGroup, m_diff->newFindings);
        findings(GoneFindingsGroup, m_diff->goneFindings);
        for (int g = 0; g < GroupCount; ++g)
            if (!rows[g].empty())
                m_groups.push_back({static_cast<Group>(g), std::move(rows[g])});
    }
    endResetModel();
}

std::optional<SubjectRef> SnapshotDiffModel::subjectAt(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != this || index.internalId() == kGroupRow)
        return std::nullopt;
    return m_groups[index.internalId() - 1].rows[index.row()].subject;
}

QModelIndex SnapshotDiffModel::groupIndex(Group group) const
{
    for (std::size_t i = 0; i < m_groups.size(); ++i)
        if (m_groups[i].group == group)
            return createIndex(static_cast<int>(i), 0, kGroupRow);
    return {};
}

QModelIndex SnapshotDiffModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return row < static_cast<int>(m_groups.size()) ? createIndex(row, column, kGroupRow) : QModelIndex();
    if (parent.internalId() != kGroupRow || parent.column() != 0 || parent.row() >= static_cast<int>(m_groups.size()))
        return {};
    if (row >= static_cast<int>(m_groups[parent.row()].rows.size()))
        return {};
    return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex SnapshotDiffModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == kGroupRow)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kGroupRow);
}

int SnapshotDiffModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_groups.size());
    if (parent.internalId() != kGroupRow || parent.column() != 0)
        return 0;
    return static_cast<int>(m_groups[parent.row()].rows.size());
}

int SnapshotDiffModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant SnapshotDiffModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kGroupRow) {
        const auto& g = m_groups[index.row()];
        switch (role) {
        case Qt::DisplayRole:
            return index.column() == ItemColumn
                ? QString(groupTitle(g.group) + QStringLiteral(" (") + QString::number(g.rows.size()) + u')')
                : QVariant();
        case GroupRole:
            return static_cast<int>(g.group);
        case Qt::FontRole: {
            QFont f;
            f.setBold(true);
            return f;
        }
        default:
            return {};
        }
    }
    const auto& group = m_groups[index.internalId() - 1];
    const auto& r = group.rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == ItemColumn ? r.item : r.change;
    case Qt::ToolTipRole:
        return r.tooltip.isEmpty() ? (index.column() == ItemColumn ? r.item : r.change) : r.tooltip;
    case SubjectRole:
        return r.subject ? QVariant::fromValue(*r.subject) : QVariant();
    case GroupRole:
        return static_cast<int>(group.group);
    default:
        return {};
    }
}

QVariant SnapshotDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ItemColumn:
        return tr("Changed");
    case ChangeColumn:
        return tr("What changed");
    default:
        return {};
    }
}

} // namespace rbx
