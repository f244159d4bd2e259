// SPDX-License-Identifier: Apache-2.0
// The remediation basket: the fixes a reviewer picked, in the order picked. The plan (YAML, affected objects, access
// diff) is computed from it by models/analysis/remediation.
#pragma once

#include "models/analysis/remediation.h"

#include <QAbstractListModel>

namespace rbx {

class BasketModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BasketModel)
public:
    enum Role { FixIdRole = Qt::UserRole, FindingIdRole };

    explicit BasketModel(QObject* parent = nullptr);
    ~BasketModel() override;

    bool add(Fix fix); // false if it is in the basket already
    bool remove(const std::string& fixId);
    void clear();
    [[nodiscard]] bool contains(const std::string& fixId) const;
    [[nodiscard]] const std::vector<Fix>& fixes() const
    {
        return m_fixes;
    }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void changed();

private:
    std::vector<Fix> m_fixes;
};

} // namespace rbx
