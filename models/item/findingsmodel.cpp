// SPDX-License-Identifier: Apache-2.0
#include "models/item/findingsmodel.h"

#include "models/item/backgroundpool.h"

#include <QBrush>
#include <QColor>
#include <QCoreApplication>
#include <QFont>
#include <QThreadPool>

#include <algorithm>
#include <map>

namespace rbx {

QString severityLabel(Severity s)
{
    switch (s) {
    case Severity::Critical:
        return QCoreApplication::translate("rbx", "Critical");
    case Severity::High:
        return QCoreApplication::translate("rbx", "High");
    case Severity::Medium:
        return QCoreApplication::translate("rbx", "Medium");
    case Severity::Low:
        return QCoreApplication::translate("rbx", "Low");
    case Severity::Info:
        break;
    }
    return QCoreApplication::translate("rbx", "Info");
}

namespace {

QColor severityColor(Severity s)
{
    switch (s) {
    case Severity::Critical:
        return QColor(0xb0, 0x1c, 0x1c);
    case Severity::High:
        return QColor(0xd0, 0x52, 0x1c);
    case Severity::Medium:
        return QColor(0xb0, 0x80, 0x00);
    case Severity::Low:
        return QColor(0x2a, 0x6a, 0xb0);
    case Severity::Info:
        break;
    }
    return QColor(0x70, 0x70, 0x70);
}

QString objectText(const ObjectLink& o)
{
    return QString::fromStdString(o.kind + ' ' + (o.ns.empty() ? o.name : o.ns + '/' + o.name));
}

} // namespace

FindingsModel::FindingsModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

FindingsModel::~FindingsModel() = default;

void FindingsModel::setFindings(std::shared_ptr<const Policy> policy, std::vector<Finding> findings)
{
    beginResetModel();
    m_policy = std::move(policy);
    std::swap(m_findings, findings);
    rebuildGroups();
    endResetModel();
    // Thousands of findings take milliseconds to free: not on the GUI thread.
    if (!findings.empty())
        startInBackground([old = std::make_shared<std::vector<Finding>>(std::move(findings))]() mutable { old.reset(); });
}

void FindingsModel::setGrouping(Grouping grouping)
{
    if (grouping == m_grouping)
        return;
    beginResetModel();
    m_grouping = grouping;
    rebuildGroups();
    endResetModel();
}

void FindingsModel::rebuildGroups()
{
    m_groups.clear();
    if (m_grouping == Grouping::None)
        return;
    std::map<QString, Group> groups;
    for (int i = 0; i < static_cast<int>(m_findings.size()); ++i) {
        const auto& f = m_findings[static_cast<std::size_t>(i)];
        QString key;
        Group g;
        switch (m_grouping) {
        case Grouping::Severity:
            key = QString::number(9 - static_cast<int>(f.severity));
            g.label = severityLabel(f.severity);
            g.sortKey = static_cast<int>(f.severity);
            break;
        case Grouping::Namespace:
            key = QString::fromStdString(f.ns.empty() ? std::string("\x01") : f.ns);
            g.label = f.ns.empty() ? tr("(cluster-scoped)") : QString::fromStdString(f.ns);
            g.sortKey = key;
            break;
        case Grouping::Rule: {
            key = QString::fromStdString(f.ruleId);
            const auto* rule = findingRule(f.ruleId);
            g.label = QString(QString::fromStdString(f.ruleId) + QStringLiteral("  ")
                              + (rule ? QString::fromUtf8(rule->title) : QString()));
            g.sortKey = key;
            break;
        }
        case Grouping::None:
            break;
        }
        auto [it, inserted] = groups.try_emplace(key, g);
        it->second.members.push_back(i);
    }
    for (auto& [k, g] : groups) {
        g.label += QStringLiteral(" (%1)").arg(g.members.size());
        m_groups.push_back(std::move(g));
    }
}

void FindingsModel::setWaived(const std::string& id, bool waived, const std::string& note)
{
    for (auto& f : m_findings)
        if (f.id == id) {
            f.waived = waived;
            f.waiverNote = waived ? note : std::string();
            const auto first = indexOf(id, 0);
            const auto last = indexOf(id, ColumnCount - 1);
            if (first.isValid())
                Q_EMIT dataChanged(first, last);
            return;
        }
}

int FindingsModel::findingRow(const QModelIndex& index) const
{
    if (!index.isValid())
        return -1;
    if (m_grouping == Grouping::None)
        return index.row();
    if (index.internalId() == 0)
        return -1;
    const auto& g = m_groups[static_cast<std::size_t>(index.internalId() - 1)];
    return g.members[static_cast<std::size_t>(index.row())];
}

const Finding* FindingsModel::finding(const QModelIndex& index) const
{
    const int row = findingRow(index);
    return row < 0 ? nullptr : &m_findings[static_cast<std::size_t>(row)];
}

QModelIndex FindingsModel::indexOf(const std::string& id, int column) const
{
    for (int i = 0; i < static_cast<int>(m_findings.size()); ++i) {
        if (m_findings[static_cast<std::size_t>(i)].id != id)
            continue;
        if (m_grouping == Grouping::None)
            return createIndex(i, column, quintptr(0));
        for (std::size_t g = 0; g < m_groups.size(); ++g) {
            const auto& members = m_groups[g].members;
            auto it = std::find(members.begin(), members.end(), i);
            if (it != members.end())
                return createIndex(static_cast<int>(it - members.begin()), column, quintptr(g + 1));
        }
    }
    return {};
}

QModelIndex FindingsModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid()) {
        const int rows = m_grouping == Grouping::None ? static_cast<int>(m_findings.size()) : static_cast<int>(m_groups.size());
        return row < rows ? createIndex(row, column, quintptr(0)) : QModelIndex();
    }
    if (m_grouping == Grouping::None || parent.internalId() != 0 || parent.column() != 0)
        return {};
    const auto& g = m_groups[static_cast<std::size_t>(parent.row())];
    return row < static_cast<int>(g.members.size()) ? createIndex(row, column, quintptr(parent.row() + 1)) : QModelIndex();
}

QModelIndex FindingsModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, quintptr(0));
}

int FindingsModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return m_grouping == Grouping::None ? static_cast<int>(m_findings.size()) : static_cast<int>(m_groups.size());
    if (m_grouping == Grouping::None || parent.internalId() != 0 || parent.column() != 0)
        return 0;
    return static_cast<int>(m_groups[static_cast<std::size_t>(parent.row())].members.size());
}

int FindingsModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant FindingsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const auto* f = finding(index);
    if (!f) {
        const auto& g = m_groups[static_cast<std::size_t>(index.row())];
        switch (role) {
        case Qt::DisplayRole:
            return index.column() == 0 ? g.label : QVariant();
        case SortRole:
            return g.sortKey;
        case GroupRole:
            return true;
        case Qt::FontRole:
            if (index.column() == 0) {
                QFont font;
                font.setBold(true);
                return font;
            }
            return {};
        default:
            return {};
        }
    }
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeverityColumn:
            return f->waived ? QString(severityLabel(f->severity) + tr(" (waived)")) : severityLabel(f->severity);
        case RuleColumn:
            return QString::fromStdString(f->ruleId);
        case FindingColumn:
            return QString::fromStdString(f->title);
        case NamespaceColumn:
            return QString::fromStdString(f->ns);
        case ObjectColumn:
            return objectText(f->object);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return QString(QString::fromStdString(f->id + '\n' + f->explanation)
                       + (f->waived ? QString(tr("\nWaived: ") + QString::fromStdString(f->waiverNote)) : QString()));
    case Qt::ForegroundRole:
        if (index.column() == SeverityColumn && !f->waived)
            return QBrush(severityColor(f->severity));
        if (f->waived)
            return QBrush(QColor(0x80, 0x80, 0x80));
        return {};
    case SortRole:
        switch (index.column()) {
        case SeverityColumn:
            return static_cast<int>(f->severity);
        case RuleColumn:
            return QString::fromStdString(f->ruleId);
        case FindingColumn:
            return QString::fromStdString(f->title);
        case NamespaceColumn:
            return QString::fromStdString(f->ns);
        case ObjectColumn:
            return objectText(f->object);
        default:
            return {};
        }
    case FindingIdRole:
        return QString::fromStdString(f->id);
    case SeverityRole:
        return static_cast<int>(f->severity);
    case RuleIdRole:
        return QString::fromStdString(f->ruleId);
    case WaivedRole:
        return f->waived;
    case GroupRole:
        return false;
    case NamespaceRole:
        return QString::fromStdString(f->ns);
    case SearchRole:
        return QString::fromStdString(f->id + ' ' + f->title + ' ' + f->explanation);
    default:
        return {};
    }
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case RuleColumn:
        return tr("Rule");
    case FindingColumn:
        return tr("Finding");
    case NamespaceColumn:
        return tr("Namespace");
    case ObjectColumn:
        return tr("Object");
    default:
        return {};
    }
}

FindingsFilterProxy::FindingsFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    setDynamicSortFilter(true);
    setSortRole(FindingsModel::SortRole);
}

void FindingsFilterProxy::setMinimumSeverity(Severity severity)
{
    m_minimum = severity;
    invalidateFilter();
}

void FindingsFilterProxy::setShowWaived(bool show)
{
    m_showWaived = show;
    invalidateFilter();
}

void FindingsFilterProxy::setText(const QString& text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

void FindingsFilterProxy::setRules(const QStringList& ruleIds)
{
    m_rules = ruleIds;
    invalidateFilter();
}

bool FindingsFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const auto index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (index.data(FindingsModel::GroupRole).toBool())
        return false; // shown when a finding below it is (recursive filtering)
    if (index.data(FindingsModel::SeverityRole).toInt() < static_cast<int>(m_minimum))
        return false;
    if (!m_showWaived && index.data(FindingsModel::WaivedRole).toBool())
        return false;
    if (!m_rules.isEmpty() && !m_rules.contains(index.data(FindingsModel::RuleIdRole).toString()))
        return false;
    if (!m_text.isEmpty() && !index.data(FindingsModel::SearchRole).toString().contains(m_text, Qt::CaseInsensitive))
        return false;
    return true;
}

bool FindingsFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const auto a = left.data(FindingsModel::SortRole);
    const auto b = right.data(FindingsModel::SortRole);
    if (a.typeId() == QMetaType::Int && b.typeId() == QMetaType::Int)
        return a.toInt() < b.toInt();
    return QString::localeAwareCompare(a.toString(), b.toString()) < 0;
}

} // namespace rbx
