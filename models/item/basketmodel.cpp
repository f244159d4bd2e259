// SPDX-License-Identifier: Apache-2.0
#include "models/item/basketmodel.h"

#include <algorithm>

namespace rbx {

BasketModel::BasketModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

BasketModel::~BasketModel() = default;

bool BasketModel::add(Fix fix)
{
    if (contains(fix.id))
        return false;
    const int row = static_cast<int>(m_fixes.size());
    beginInsertRows({}, row, row);
    m_fixes.push_back(std::move(fix));
    endInsertRows();
    Q_EMIT changed();
    return true;
}

bool BasketModel::remove(const std::string& fixId)
{
    auto it = std::find_if(m_fixes.begin(), m_fixes.end(), [&](const Fix& f) { return f.id == fixId; });
    if (it == m_fixes.end())
        return false;
    const int row = static_cast<int>(it - m_fixes.begin());
    beginRemoveRows({}, row, row);
    m_fixes.erase(it);
    endRemoveRows();
    Q_EMIT changed();
    return true;
}

void BasketModel::clear()
{
    if (m_fixes.empty())
        return;
    beginResetModel();
    m_fixes.clear();
    endResetModel();
    Q_EMIT changed();
}

bool BasketModel::contains(const std::string& fixId) const
{
    return std::any_of(m_fixes.begin(), m_fixes.end(), [&](const Fix& f) { return f.id == fixId; });
}

int BasketModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_fixes.size());
}

QVariant BasketModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= static_cast<int>(m_fixes.size()))
        return {};
    const auto& f = m_fixes[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return QString::fromStdString(f.title);
    case Qt::ToolTipRole:
        return QString::fromStdString(f.id + "\n" + f.reason);
    case FixIdRole:
        return QString::fromStdString(f.id);
    case FindingIdRole:
        return QString::fromStdString(f.findingId);
    default:
        return {};
    }
}

} // namespace rbx
