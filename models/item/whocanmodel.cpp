// SPDX-License-Identifier: Apache-2.0
#include "models/item/whocanmodel.h"

#include "models/analysis/explain.h"

namespace rbx {

WhoCanModel::WhoCanModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

WhoCanModel::~WhoCanModel() = default;

void WhoCanModel::setResult(std::shared_ptr<const Policy> policy, WhoCanResult result)
{
    beginResetModel();
    m_policy = std::move(policy);
    m_result = std::move(result);
    m_rows.clear();
    for (std::size_t i = 0; i < m_result.entries.size(); ++i) {
        m_rows.push_back({i, {}});
        for (const auto& sa : m_result.entries[i].serviceAccounts)
            m_rows.push_back({i, sa});
    }
    endResetModel();
}

int WhoCanModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int WhoCanModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WhoCanModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || !m_policy)
        return {};
    const auto& row = m_rows[static_cast<std::size_t>(index.row())];
    const auto& e = m_result.entries[row.entry];
    const auto& s = m_policy->snapshot();
    if (role == EntryRole)
        return static_cast<int>(row.entry);
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    const bool expanded = !row.viaGroupSa.empty();
    const auto slash = row.viaGroupSa.find('/');
    switch (index.column()) {
    case KindColumn:
        return expanded ? QStringLiteral("  ServiceAccount") : QString::fromStdString(e.subject.kind);
    case NameColumn:
        if (expanded)
            return QString::fromStdString(row.viaGroupSa.substr(slash + 1));
        return QString(QString::fromStdString(e.subject.name) + (e.matchesNobody ? tr(" (matches nobody)") : QString()));
    case NamespaceColumn:
        if (expanded)
            return QString::fromStdString(row.viaGroupSa.substr(0, slash));
        return e.subject.kind == "ServiceAccount" ? QString::fromStdString(e.subject.ns) : QString();
    case ScopeColumn:
        return e.scope.empty() ? tr("cluster-wide") : QString::fromStdString(e.scope);
    case BindingColumn: {
        const auto& b = s.bindings[e.binding];
        if (expanded)
            return tr("via Group %1").arg(QString::fromStdString(e.subject.name));
        return QString((b.cluster ? QStringLiteral("ClusterRoleBinding ") : QStringLiteral("RoleBinding "))
                       + QString::fromStdString(b.meta.name));
    }
    case RoleColumn: {
        const auto& r = s.roles[e.role];
        const auto& er = m_policy->effectiveRules(e.role)[e.rule];
        QString text = (r.cluster ? QStringLiteral("ClusterRole ") : QStringLiteral("Role ")) + QString::fromStdString(r.meta.name);
        if (er.sourceRole != e.role)
            text += tr(" (from %1)").arg(QString::fromStdString(s.roles[er.sourceRole].meta.name));
        return text;
    }
    case RuleColumn:
        return QString::fromStdString(ruleText(m_policy->effectiveRules(e.role)[e.rule].rule));
    default:
        return {};
    }
}

QVariant WhoCanModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KindColumn:
        return tr("Kind");
    case NameColumn:
        return tr("Subject");
    case NamespaceColumn:
        return tr("SA namespace");
    case ScopeColumn:
        return tr("Scope");
    case BindingColumn:
        return tr("Binding");
    case RoleColumn:
        return tr("Role");
    case RuleColumn:
        return tr("Rule");
    default:
        return {};
    }
}

} // namespace rbx
