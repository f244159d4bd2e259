// SPDX-License-Identifier: Apache-2.0
// Who-can results as a table: one row per subject (and per ServiceAccount a group subject covers).
#pragma once

#include "models/analysis/queries.h"

#include <QAbstractTableModel>

#include <memory>

namespace rbx {

class WhoCanModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WhoCanModel)
public:
    enum Column { KindColumn, NameColumn, NamespaceColumn, ScopeColumn, BindingColumn, RoleColumn, RuleColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole, EntryRole /* int index into result().entries */ };

    explicit WhoCanModel(QObject* parent = nullptr);
    ~WhoCanModel() override;

    void setResult(std::shared_ptr<const Policy> policy, WhoCanResult result);
    [[nodiscard]] const WhoCanResult& result() const
    {
        return m_result;
    }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        std::size_t entry;
        std::string viaGroupSa; // "ns/name" for a ServiceAccount a group covers; empty for the subject itself
    };
    std::shared_ptr<const Policy> m_policy;
    WhoCanResult m_result;
    std::vector<Row> m_rows;
};

} // namespace rbx
