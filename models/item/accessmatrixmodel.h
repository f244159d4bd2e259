// SPDX-License-Identifier: Apache-2.0
// Table models for access matrices (one subject: resources x verbs) and the all-ServiceAccounts heat map.
#pragma once

#include "models/analysis/heatmap.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <memory>

namespace rbx {

// Roles shared by the matrix-like models.
enum MatrixRole {
    AccessRole = Qt::UserRole + 100, // int(Access) of a cell
    MatrixSortRole,
    ResourceGroupRole, // QString
    ResourceNameRole, // QString, resource[/sub]
};

class AccessMatrixModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccessMatrixModel)
public:
    enum Column { ResourceColumn, FirstVerbColumn };
    explicit AccessMatrixModel(QObject* parent = nullptr);
    ~AccessMatrixModel() override;

    void setMatrix(std::shared_ptr<const Policy> policy, AccessMatrix matrix);
    [[nodiscard]] const AccessMatrix& matrix() const
    {
        return m_matrix;
    }
    // Row and verb of a cell index; false for the resource column or an invalid index.
    bool cellAt(const QModelIndex& index, std::size_t& row, std::size_t& verb) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    [[nodiscard]] static QString resourceLabel(const MatrixRow& row); // resource[.group][/sub]
    [[nodiscard]] static QVariant accessColor(Access access);
    [[nodiscard]] static QString accessSymbol(Access access);

private:
    std::shared_ptr<const Policy> m_policy;
    AccessMatrix m_matrix;
};

// Filters matrix rows: by text and (optionally) to rows where some cell is not "no".
class MatrixFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit MatrixFilterProxy(QObject* parent = nullptr);
    void setText(const QString& text);
    void setOnlyWithAccess(bool on);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    bool m_onlyWithAccess = true;
};

class HeatMapModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HeatMapModel)
public:
    enum Column { SubjectColumn, RiskColumn, FirstResourceColumn };
    explicit HeatMapModel(QObject* parent = nullptr);
    ~HeatMapModel() override;

    void setHeatMap(HeatMap heatMap);
    [[nodiscard]] const HeatMap& heatMap() const
    {
        return m_heat;
    }
    [[nodiscard]] const SubjectSummary* subjectAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    HeatMap m_heat;
};

// Heat-map rows by namespace and minimum risk; sorts on MatrixSortRole.
class HeatMapFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit HeatMapFilterProxy(QObject* parent = nullptr);
    void setNamespace(const QString& ns); // empty = all
    void setMinimumRisk(int risk);
    void setText(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_ns;
    QString m_text;
    int m_minRisk = 0;
};

} // namespace rbx
