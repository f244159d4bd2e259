// SPDX-License-Identifier: Apache-2.0
#include "models/item/subjecttreemodel.h"

#include <map>

namespace rbx {

SubjectTreeModel::SubjectTreeModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

SubjectTreeModel::~SubjectTreeModel() = default;

void SubjectTreeModel::setPolicy(std::shared_ptr<const Policy> policy)
{
    beginResetModel();
    m_policy = std::move(policy);
    m_subjects = m_policy ? summarizeSubjects(*m_policy) : std::vector<SubjectSummary>();
    m_folders.clear();
    if (m_policy) {
        std::map<std::string, std::size_t> byNamespace;
        for (const auto& ns : m_policy->knownNamespaces())
            byNamespace.emplace(ns, 0);
        for (auto& [ns, folder] : byNamespace) {
            folder = m_folders.size();
            m_folders.push_back({QString::fromStdString(ns), {}});
        }
        Folder users {tr("Users"), {}};
        Folder groups {tr("Groups"), {}};
        for (std::size_t i = 0; i < m_subjects.size(); ++i) {
            const auto& ref = m_subjects[i].ref;
            if (ref.kind == SubjectKind::ServiceAccount) {
                auto [it, inserted] = byNamespace.try_emplace(ref.ns, m_folders.size());
                if (inserted)
                    m_folders.push_back({QString::fromStdString(ref.ns), {}});
                m_folders[it->second].subjects.push_back(i);
            } else {
                (ref.kind == SubjectKind::User ? users : groups).subjects.push_back(i);
            }
        }
        if (!users.subjects.empty())
            m_folders.push_back(std::move(users));
        if (!groups.subjects.empty())
            m_folders.push_back(std::move(groups));
    }
    endResetModel();
}

QModelIndex SubjectTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column != 0)
        return {};
    if (!parent.isValid())
        return row < static_cast<int>(m_folders.size()) ? createIndex(row, 0, kFolderId) : QModelIndex();
    if (parent.internalId() != kFolderId)
        return {};
    const auto& folder = m_folders[static_cast<std::size_t>(parent.row())];
    if (row >= static_cast<int>(folder.subjects.size()))
        return {};
    return createIndex(row, 0, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex SubjectTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == kFolderId)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kFolderId);
}

int SubjectTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_folders.size());
    if (parent.internalId() != kFolderId || parent.column() != 0)
        return 0;
    return static_cast<int>(m_folders[static_cast<std::size_t>(parent.row())].subjects.size());
}

int SubjectTreeModel::columnCount(const QModelIndex&) const
{
    return 1;
}

const SubjectSummary* SubjectTreeModel::summary(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != this || index.internalId() == kFolderId)
        return nullptr;
    const auto& folder = m_folders[static_cast<std::size_t>(index.internalId() - 1)];
    return &m_subjects[folder.subjects[static_cast<std::size_t>(index.row())]];
}

QModelIndex SubjectTreeModel::indexOf(const SubjectRef& ref) const
{
    for (std::size_t f = 0; f < m_folders.size(); ++f)
        for (std::size_t r = 0; r < m_folders[f].subjects.size(); ++r)
            if (m_subjects[m_folders[f].subjects[r]].ref == ref)
                return createIndex(static_cast<int>(r), 0, static_cast<quintptr>(f) + 1);
    return {};
}

QString SubjectTreeModel::badgeText(int badges)
{
    QStringList parts;
    if (badges & ClusterAdminBadge)
        parts << tr("cluster-admin equivalent");
    if (badges & DanglingBadge)
        parts << tr("bound or used, but the ServiceAccount does not exist");
    if (badges & DefaultBadge)
        parts << tr("default ServiceAccount");
    if (badges & AutomountBadge)
        parts << tr("token automount on");
    if (badges & LegacyTokenBadge)
        parts << tr("legacy token Secret present");
    if (badges & UnusedBadge)
        parts << tr("unused (no pod or workload)");
    if (badges & CloudIdentityBadge)
        parts << tr("cloud workload identity");
    return parts.join(QStringLiteral(", "));
}

QVariant SubjectTreeModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kFolderId) {
        const auto& folder = m_folders[static_cast<std::size_t>(index.row())];
        switch (role) {
        case Qt::DisplayRole:
            return folder.title;
        case Qt::ToolTipRole:
            return tr("%n subject(s)", nullptr, static_cast<int>(folder.subjects.size()));
        case SortRole:
        case SearchTextRole:
            return folder.title;
        case IsSubjectRole:
            return false;
        case BadgesRole:
            return 0;
        default:
            return {};
        }
    }
    const auto* s = summary(index);
    int badges = 0;
    if (s->ref.kind == SubjectKind::ServiceAccount) {
        if (s->isDefault)
            badges |= DefaultBadge;
        if (s->exists && s->automountOn())
            badges |= AutomountBadge;
        if (s->legacyTokens > 0)
            badges |= LegacyTokenBadge;
        if (s->unused() && s->exists)
            badges |= UnusedBadge;
        if (!s->exists)
            badges |= DanglingBadge;
        if (!s->cloudIdentity.empty())
            badges |= CloudIdentityBadge;
    }
    if (s->clusterAdminEquivalent)
        badges |= ClusterAdminBadge;
    const auto name = QString::fromStdString(s->ref.name);
    switch (role) {
    case Qt::DisplayRole:
    case SortRole:
        return name;
    case SearchTextRole:
        return QString::fromStdString(s->ref.display());
    case Qt::ToolTipRole: {
        const auto text = badgeText(badges);
        return text.isEmpty() ? QString::fromStdString(s->ref.username())
                              : QString::fromStdString(s->ref.username()) + u'\n' + text;
    }
    case SubjectRole:
        return QVariant::fromValue(s->ref);
    case BadgesRole:
        return badges;
    case IsSubjectRole:
        return true;
    default:
        return {};
    }
}

QVariant SubjectTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (section == 0 && orientation == Qt::Horizontal && role == Qt::DisplayRole)
        return tr("Subject");
    return {};
}

SubjectFilterProxy::SubjectFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    setDynamicSortFilter(true);
    setSortRole(SubjectTreeModel::SortRole);
}

void SubjectFilterProxy::setText(const QString& text)
{
    m_text = text;
    invalidateFilter();
}

void SubjectFilterProxy::setRequiredBadges(int badges)
{
    m_badges = badges;
    invalidateFilter();
}

bool SubjectFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const auto idx = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!idx.data(SubjectTreeModel::IsSubjectRole).toBool())
        return m_text.isEmpty() && m_badges == 0; // folders show when a child matches (recursive filtering)
    if (m_badges && (idx.data(SubjectTreeModel::BadgesRole).toInt() & m_badges) != m_badges)
        return false;
    return m_text.isEmpty() || idx.data(SubjectTreeModel::SearchTextRole).toString().contains(m_text, Qt::CaseInsensitive);
}

} // namespace rbx
