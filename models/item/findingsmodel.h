// SPDX-License-Identifier: Apache-2.0
// Findings as a tree: flat, or grouped by severity, namespace or rule (one top-level row per group). The proxy filters
// by severity, rule set (a posture practice's rules), text and waiver state, and sorts on SortRole.
#pragma once

#include "models/analysis/findings.h"

#include <QAbstractItemModel>
#include <QSortFilterProxyModel>
#include <QStringList>

#include <memory>

namespace rbx {

class FindingsModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindingsModel)
public:
    enum Column { SeverityColumn, RuleColumn, FindingColumn, NamespaceColumn, ObjectColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole,
        FindingIdRole, // QString
        SeverityRole, // int (Severity)
        RuleIdRole, // QString
        WaivedRole, // bool
        GroupRole, // bool: a group row
        NamespaceRole, // QString
        SearchRole, // QString: everything the text filter looks at
    };
    enum class Grouping { None, Severity, Namespace, Rule };

    explicit FindingsModel(QObject* parent = nullptr);
    ~FindingsModel() override;

    void setFindings(std::shared_ptr<const Policy> policy, std::vector<Finding> findings);
    void setGrouping(Grouping grouping);
    [[nodiscard]] Grouping grouping() const
    {
        return m_grouping;
    }
    void setWaived(const std::string& id, bool waived, const std::string& note);

    [[nodiscard]] const std::vector<Finding>& findings() const
    {
        return m_findings;
    }
    [[nodiscard]] const std::shared_ptr<const Policy>& policy() const
    {
        return m_policy;
    }
    [[nodiscard]] const Finding* finding(const QModelIndex& index) const;
    [[nodiscard]] QModelIndex indexOf(const std::string& id, int column = 0) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Group
    {
        QString label;
        QVariant sortKey;
        std::vector<int> members; // indices into m_findings
    };
    void rebuildGroups();
    [[nodiscard]] int findingRow(const QModelIndex& index) const; // -1 for group rows

    std::shared_ptr<const Policy> m_policy;
    std::vector<Finding> m_findings;
    Grouping m_grouping = Grouping::None;
    std::vector<Group> m_groups;
};

class FindingsFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit FindingsFilterProxy(QObject* parent = nullptr);

    void setMinimumSeverity(Severity severity);
    void setShowWaived(bool show);
    void setText(const QString& text);
    void setRules(const QStringList& ruleIds); // empty: every rule

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    Severity m_minimum = Severity::Info;
    bool m_showWaived = false;
    QString m_text;
    QStringList m_rules;
};

[[nodiscard]] QString severityLabel(Severity s); // "Critical", ...

} // namespace rbx
