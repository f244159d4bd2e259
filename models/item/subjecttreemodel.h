// SPDX-License-Identifier: Apache-2.0
// The subject navigator's model: namespaces -> ServiceAccounts, then Users and Groups found in bindings, with badges.
#pragma once

#include "models/analysis/subjects.h"

#include <QAbstractItemModel>
#include <QSortFilterProxyModel>

#include <memory>

Q_DECLARE_METATYPE(rbx::SubjectRef)

namespace rbx {

class SubjectTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SubjectTreeModel)
public:
    enum Badge {
        DefaultBadge = 1 << 0,
        AutomountBadge = 1 << 1,
        LegacyTokenBadge = 1 << 2,
        ClusterAdminBadge = 1 << 3,
        UnusedBadge = 1 << 4,
        DanglingBadge = 1 << 5,
        CloudIdentityBadge = 1 << 6,
    };
    enum Role {
        SortRole = Qt::UserRole,
        SubjectRole, // SubjectRef (subject rows only)
        BadgesRole, // int, Badge flags
        IsSubjectRole, // bool: false for the namespace/Users/Groups folders
        SearchTextRole, // what the filter matches
    };

    explicit SubjectTreeModel(QObject* parent = nullptr);
    ~SubjectTreeModel() override;

    void setPolicy(std::shared_ptr<const Policy> policy);
    [[nodiscard]] QModelIndex indexOf(const SubjectRef& ref) const;
    [[nodiscard]] const SubjectSummary* summary(const QModelIndex& index) const;
    [[nodiscard]] static QString badgeText(int badges); // human-readable list

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Folder
    {
        QString title;
        std::vector<std::size_t> subjects; // indices into m_subjects
    };
    static constexpr quintptr kFolderId = 0; // internalId of folder rows; subject rows carry folder index + 1

    std::shared_ptr<const Policy> m_policy;
    std::vector<SubjectSummary> m_subjects;
    std::vector<Folder> m_folders;
};

// Text and badge filtering for the navigator (recursive: folders stay while a subject matches).
class SubjectFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit SubjectFilterProxy(QObject* parent = nullptr);
    void setText(const QString& text);
    void setRequiredBadges(int badges);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    int m_badges = 0;
};

} // namespace rbx
