// SPDX-License-Identifier: Apache-2.0
// Item models of the Tokens page: the inventory table and its filter proxy, and the chart tables the Qt Charts
// views in ui/charts/ map with model mappers (timeline segments and markers, milestones, monthly activity, the
// projected-token TTL histogram). The chart tables follow the filter proxy: what the table shows, the charts show.
#pragma once

#include "models/analysis/tokens.h"
#include "models/item/subjecttreemodel.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QPointer>
#include <QSortFilterProxyModel>

#include <memory>
#include <optional>
#include <vector>

namespace rbx {

[[nodiscard]] QColor tokenStateColor(TokenState state);
// Chart x values: milliseconds since the epoch at 12:00 UTC of the day, so no time zone moves a day across midnight.
[[nodiscard]] qreal chartTime(const QDate& day);

class TokenInventoryModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenInventoryModel)
public:
    enum Column { // what a reviewer reads first comes first
        NamespaceColumn,
        NameColumn,
        ServiceAccountColumn,
        StateColumn,
        LastUsedColumn,
        NextColumn,
        RiskColumn,
        KindColumn,
        CreatedColumn,
        InvalidSinceColumn,
        GrantsColumn,
        MountedByColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole,
        RecordRole, // int: index into inventory().tokens
        StateRole, // int (TokenState)
        KindRole, // int (TokenKind)
        RiskRole, // int (RiskLevel)
        MountedRole, // bool
        NamespaceRole, // QString
        SubjectRole, // SubjectRef of the token's ServiceAccount
    };

    explicit TokenInventoryModel(QObject* parent = nullptr);
    ~TokenInventoryModel() override;

    // The inventory is computed off the GUI thread: setPolicy() and setOptions() return at once, the model keeps what
    // it shows (nothing, for another policy) until the result is applied in one reset, then inventoryChanged(). A
    // newer request wins over one still running; the same policy again is not recomputed. A null policy empties the
    // model at once.
    void setPolicy(std::shared_ptr<const Policy> policy);
    void setOptions(const TokenOptions& options); // recomputes
    [[nodiscard]] const TokenOptions& options() const
    {
        return m_options;
    }
    [[nodiscard]] const TokenInventory& inventory() const;
    [[nodiscard]] bool isComputing() const
    {
        return m_computing;
    }
    [[nodiscard]] const TokenRecord* record(int row) const;
    [[nodiscard]] QStringList namespaces() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void inventoryChanged();
    void computingChanged(bool computing);

private:
    void recompute();
    void apply(std::shared_ptr<const TokenInventory> inventory);
    void setComputing(bool computing);

    std::shared_ptr<const Policy> m_policy;
    TokenOptions m_options;
    std::shared_ptr<const TokenInventory> m_inventory;
    quint64 m_generation = 0; // of the newest request; an older result is dropped
    bool m_computing = false;
};

// Filters by namespace, state (also "mounted"/"unmounted"/"legacy"), mounted, minimum risk, kind and text; sorts on
// SortRole.
class TokenFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit TokenFilterProxy(QObject* parent = nullptr);

    void setNamespace(const QString& ns);
    void setState(const QString& state);
    void setMounted(std::optional<bool> mounted);
    void setMinRisk(RiskLevel risk);
    void setKind(std::optional<TokenKind> kind);
    void setText(const QString& text);
    [[nodiscard]] const TokenFilter& filter() const
    {
        return m_filter;
    }
    // The records the proxy shows, in its order.
    [[nodiscard]] std::vector<const TokenRecord*> records() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    TokenFilter m_filter;
    QString m_text;
};

// The legacy-token timeline, as rows a QVXYModelMapper reads: two rows per token (2i = start, 2i+1 = end), with
// the x of three segments (used: created -> last use; idle: -> today; projected: today -> deletion) and the y of the
// token's lane. Marker columns (created, invalid since, projected invalidation and deletion) are set on the start
// row only, and empty elsewhere; TimelineMarkerFilter keeps the rows that have one.
class TokenTimelineModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenTimelineModel)
public:
    enum Column {
        UsedXColumn,
        IdleXColumn,
        FutureXColumn,
        YColumn,
        CreatedXColumn,
        InvalidSinceXColumn,
        ProjectedInvalidXColumn,
        ProjectedDeletionXColumn,
        ColumnCount
    };
    enum Role {
        LabelRole = Qt::UserRole + 100, // QString "ns/secret"
        ShortLabelRole, // the Secret's name, or "ns/secret" when the name is not unique among the lanes
        SubjectRole, // SubjectRef
        StateRole, // int (TokenState)
        RecordRole, // int: index into the inventory
    };

    explicit TokenTimelineModel(QObject* parent = nullptr);
    ~TokenTimelineModel() override;

    // Follows `proxy` (its legacy rows, in its order) over `inventory`.
    void setSource(TokenFilterProxy* proxy, TokenInventoryModel* inventory);
    [[nodiscard]] int tokenCount() const
    {
        return static_cast<int>(m_rows.size());
    }
    [[nodiscard]] int rowOfToken(int token) const
    {
        return 2 * token;
    }
    // Lane of a y value (as the chart reports it) -> token index, or -1.
    [[nodiscard]] int tokenAt(qreal y) const;
    [[nodiscard]] qreal rangeStart() const
    {
        return m_start;
    }
    [[nodiscard]] qreal rangeEnd() const
    {
        return m_end;
    }
    [[nodiscard]] qreal today() const
    {
        return m_today;
    }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();
    struct Lane
    {
        int record = 0;
        qreal created = 0;
        qreal lastUse = 0; // end of the used segment (created when never used)
        std::optional<qreal> invalidSince;
        std::optional<qreal> projectedInvalid;
        std::optional<qreal> deletion;
        QString shortLabel;
    };
    QPointer<TokenFilterProxy> m_proxy;
    QPointer<TokenInventoryModel> m_inventory;
    std::vector<Lane> m_rows;
    qreal m_start = 0;
    qreal m_end = 0;
    qreal m_today = 0;
};

// Rows of a TokenTimelineModel that have a value in one marker column.
class TimelineMarkerFilter final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit TimelineMarkerFilter(int column, QObject* parent = nullptr);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    int m_column;
};

// Vertical lines of the timeline: two rows per milestone (bottom and top of the chart), x and y, plus its label.
class TokenMilestoneModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenMilestoneModel)
public:
    enum Column { XColumn, YColumn, ColumnCount };
    enum Role {
        LabelRole = Qt::UserRole + 100, // "tracking since 2025-01-15"
        ShortLabelRole, // "tracking", "today": what the chart writes at the line
        ClusterRole, // bool: this cluster's date, not an upstream release
    };

    explicit TokenMilestoneModel(QObject* parent = nullptr);
    ~TokenMilestoneModel() override;

    // Milestones of the inventory within the timeline's range, lines from y 0 to the timeline's lane count.
    void setSource(TokenTimelineModel* timeline, TokenInventoryModel* inventory);
    [[nodiscard]] int milestoneCount() const
    {
        return static_cast<int>(m_items.size());
    }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    void rebuild();
    struct Item
    {
        qreal x;
        QString label;
        QString shortLabel;
        bool cluster;
    };
    QPointer<TokenTimelineModel> m_timeline;
    QPointer<TokenInventoryModel> m_inventory;
    std::vector<Item> m_items;
    qreal m_top = 1;
};

// Legacy tokens per month: how many were created, last used and invalidated in that month.
class TokenActivityModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenActivityModel)
public:
    enum Column { MonthColumn, CreatedColumn, LastUsedColumn, InvalidatedColumn, ColumnCount };

    explicit TokenActivityModel(QObject* parent = nullptr);
    ~TokenActivityModel() override;

    void setSource(TokenFilterProxy* proxy, TokenInventoryModel* inventory);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();
    struct Month
    {
        QDate first;
        int created = 0;
        int lastUsed = 0;
        int invalidated = 0;
    };
    QPointer<TokenFilterProxy> m_proxy;
    QPointer<TokenInventoryModel> m_inventory;
    std::vector<Month> m_months;
};

// Projected tokens by effective lifetime (expirationSeconds), in fixed buckets. Follows the proxy's namespace,
// mounted and risk filters, not its state filter.
class TokenTtlHistogramModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenTtlHistogramModel)
public:
    enum Column { BucketColumn, CountColumn, ColumnCount };

    explicit TokenTtlHistogramModel(QObject* parent = nullptr);
    ~TokenTtlHistogramModel() override;

    void setSource(TokenFilterProxy* proxy, TokenInventoryModel* inventory);
    [[nodiscard]] static int bucketOf(std::int64_t expirationSeconds);
    [[nodiscard]] static QStringList bucketLabels();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();
    QPointer<TokenFilterProxy> m_proxy;
    QPointer<TokenInventoryModel> m_inventory;
    std::vector<int> m_counts;
};

} // namespace rbx
