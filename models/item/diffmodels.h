// SPDX-License-Identifier: Apache-2.0
// Item models of the Diff page: one side of two matrices compared cell by cell, and the list of changed cells.
#pragma once

#include "models/analysis/diff.h"
#include "models/item/accessmatrixmodel.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <memory>
#include <optional>

namespace rbx {

// Two matrices over the same rows and verbs (A and B), for one scope.
struct MatrixPair
{
    AccessMatrix a;
    AccessMatrix b;
};

enum DiffRole {
    DiffStateRole = Qt::UserRole + 200, // int: +1 this side has more, -1 less, 0 the same
};

class DiffSideModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DiffSideModel)
public:
    enum class Side { A, B };
    explicit DiffSideModel(Side side, QObject* parent = nullptr);
    ~DiffSideModel() override;

    void setPair(std::shared_ptr<const MatrixPair> pair);
    [[nodiscard]] const std::shared_ptr<const MatrixPair>& pair() const
    {
        return m_pair;
    }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    Side m_side;
    std::shared_ptr<const MatrixPair> m_pair;
};

// Rows by resource text and, optionally, only rows where the two sides differ.
class DiffFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit DiffFilterProxy(QObject* parent = nullptr);
    void setText(const QString& text);
    void setOnlyDifferences(bool on);
    void setHideEmpty(bool on); // rows where neither side has any access

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    bool m_onlyDifferences = true;
    bool m_hideEmpty = true;
};

// The changed permissions of a SubjectDiff: one row per differing cell, sortable by resource to group them.
class DiffListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DiffListModel)
public:
    enum Column { ScopeColumn, ResourceColumn, VerbColumn, AColumn, BColumn, ColumnCount };
    explicit DiffListModel(QObject* parent = nullptr);
    ~DiffListModel() override;

    void setDiff(std::shared_ptr<const SubjectDiff> diff);
    [[nodiscard]] const CellDiff* cellAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const SubjectDiff> m_diff;
};

// A whole-snapshot diff as a two-level tree: groups ("ServiceAccounts with changed access", "New ServiceAccounts",
// "Bindings", "Roles", "Legacy tokens", "New findings", ...) holding one row per changed item. Empty groups are left
// out. ServiceAccount rows carry their SubjectRef, so selecting one can show its side-by-side matrices.
class SnapshotDiffModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SnapshotDiffModel)
public:
    enum Column { ItemColumn, ChangeColumn, ColumnCount };
    enum Role {
        SubjectRole = Qt::UserRole + 210, // SubjectRef of a ServiceAccount row; invalid elsewhere
        GroupRole, // int: the Group of the row (or of the group header)
    };
    enum Group {
        AccessGroup, // SAs whose access or structure changed
        AddedServiceAccountsGroup,
        RemovedServiceAccountsGroup,
        ServiceAccountObjectsGroup, // ServiceAccount objects changed or recreated (automount, secrets, UID)
        BindingsGroup,
        RolesGroup,
        TokensGroup,
        NewFindingsGroup,
        GoneFindingsGroup,
        GroupCount
    };
    explicit SnapshotDiffModel(QObject* parent = nullptr);
    ~SnapshotDiffModel() override;

    void setDiff(std::shared_ptr<const SnapshotDiff> diff);
    [[nodiscard]] const std::shared_ptr<const SnapshotDiff>& diff() const
    {
        return m_diff;
    }
    [[nodiscard]] std::optional<SubjectRef> subjectAt(const QModelIndex& index) const;
    [[nodiscard]] QModelIndex groupIndex(Group group) const; // invalid when the group is empty
    [[nodiscard]] static QString groupTitle(Group group);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString item;
        QString change;
        QString tooltip;
        std::optional<SubjectRef> subject;
    };
    struct GroupRows
    {
        Group group;
        std::vector<Row> rows;
    };
    std::shared_ptr<const SnapshotDiff> m_diff;
    std::vector<GroupRows> m_groups; // non-empty groups only, in Group order
};

} // namespace rbx
