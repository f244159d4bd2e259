// SPDX-License-Identifier: Apache-2.0
#include "models/item/tokenmodels.h"

#include "models/item/backgroundpool.h"

#include <QFutureWatcher>
#include <QThreadPool>
#include <QTimeZone>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <utility>

namespace rbx {

QColor tokenStateColor(TokenState state)
{
    switch (state) {
    case TokenState::Active:
        return QColor(0x2e, 0x7d, 0x32);
    case TokenState::Stale:
        return QColor(0xc7, 0x7c, 0x02);
    case TokenState::NeverUsed:
        return QColor(0x60, 0x7d, 0x8b);
    case TokenState::Invalidated:
        return QColor(0xc6, 0x28, 0x28);
    case TokenState::Orphaned:
        return QColor(0x7b, 0x1f, 0xa2);
    case TokenState::Projected:
        break;
    }
    return QColor(0x15, 0x65, 0xc0);
}

qreal chartTime(const QDate& day)
{
    return static_cast<qreal>(QDateTime(day, QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch());
}

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QString dateText(const std::optional<QDate>& d, const std::string& raw)
{
    if (d)
        return d->toString(Qt::ISODate);
    return raw.empty() ? QString() : QString(u'"' + qs(raw) + u'"');
}

} // namespace

// ---- inventory -------------------------------------------------------------------------------------------------

TokenInventoryModel::TokenInventoryModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

TokenInventoryModel::~TokenInventoryModel() = default;

const TokenInventory& TokenInventoryModel::inventory() const
{
    static const TokenInventory empty;
    return m_inventory ? *m_inventory : empty;
}

void TokenInventoryModel::setPolicy(std::shared_ptr<const Policy> policy)
{
    if (policy && policy == m_policy)
        return;
    const bool other = policy != m_policy;
    m_policy = std::move(policy);
    if (other && m_inventory && !m_inventory->tokens.empty())
        apply(nullptr); // no rows of the previous policy while this one's are computed
    recompute();
}

void TokenInventoryModel::setOptions(const TokenOptions& options)
{
    m_options = options;
    recompute();
}

void TokenInventoryModel::recompute()
{
    const quint64 generation = ++m_generation;
    if (!m_policy) {
        setComputing(false);
        apply(nullptr);
        return;
    }
    setComputing(true);
    // The worker holds its own references (policy, options), never the model: the model may be gone when it ends;
    // the watcher is the model's child and goes with it.
    auto* watcher = new QFutureWatcher<std::shared_ptr<const TokenInventory>>(this);
    connect(watcher, &QFutureWatcher<std::shared_ptr<const TokenInventory>>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_computing = false; // already, for those who read the model on inventoryChanged()
        apply(watcher->result());
        Q_EMIT computingChanged(false);
    });
    watcher->setFuture(runInBackground([policy = m_policy, options = m_options] {
        return std::make_shared<const TokenInventory>(tokenInventory(*policy, options));
    }));
}

void TokenInventoryModel::apply(std::shared_ptr<const TokenInventory> inventory)
{
    beginResetModel();
    std::swap(m_inventory, inventory);
    endResetModel();
    // Tens of thousands of records take milliseconds to free: not on the GUI thread.
    if (inventory && inventory.use_count() == 1)
        startInBackground([old = std::move(inventory)]() mutable { old.reset(); });
    Q_EMIT inventoryChanged();
}

void TokenInventoryModel::setComputing(bool computing)
{
    if (computing == m_computing)
        return;
    m_computing = computing;
    Q_EMIT computingChanged(computing);
}

const TokenRecord* TokenInventoryModel::record(int row) const
{
    const auto& tokens = inventory().tokens;
    if (row < 0 || row >= static_cast<int>(tokens.size()))
        return nullptr;
    return &tokens[static_cast<std::size_t>(row)];
}

QStringList TokenInventoryModel::namespaces() const
{
    std::set<std::string> set;
    for (const auto& t : inventory().tokens)
        set.insert(t.ns);
    QStringList out;
    for (const auto& ns : set)
        out << qs(ns);
    return out;
}

int TokenInventoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(inventory().tokens.size());
}

int TokenInventoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TokenInventoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const auto& t = inventory().tokens[static_cast<std::size_t>(index.row())];
    switch (role) {
    case RecordRole:
        return index.row();
    case StateRole:
        return static_cast<int>(t.state);
    case KindRole:
        return static_cast<int>(t.kind);
    case RiskRole:
        return static_cast<int>(t.grants.risk);
    case MountedRole:
        return t.mounted;
    case NamespaceRole:
        return qs(t.ns);
    case SubjectRole:
        return QVariant::fromValue(SubjectRef {SubjectKind::ServiceAccount, t.ns, t.serviceAccount});
    case Qt::ToolTipRole: {
        QString tip = qs(t.next);
        tip += u"\n\n" + tr("Grants: %1").arg(qs(t.grants.summary()));
        for (std::size_t i = 0; i < t.mountedBy.size(); ++i)
            tip += u'\n' + tr("Referenced by %1 %2 (%3)")
                               .arg(qs(t.mountedBy[i].kind), qs(t.mountedBy[i].name), qs(t.mountedVia[i]));
        if (!t.fingerprint.empty())
            tip += u'\n' + tr("Fingerprint sha256:%1").arg(qs(t.fingerprint));
        if (t.labelsFromAnnotations)
            tip += u'\n' + tr("Dates read from annotations (Kubernetes writes them as labels)");
        return tip;
    }
    case Qt::DecorationRole:
        return index.column() == StateColumn ? QVariant(tokenStateColor(t.state)) : QVariant();
    case Qt::ForegroundRole:
        if (index.column() == RiskColumn && t.grants.risk >= RiskLevel::High)
            return QColor(0xb7, 0x1c, 0x1c);
        return {};
    case Qt::DisplayRole:
    case SortRole:
        break;
    default:
        return {};
    }
    const bool sort = role == SortRole;
    switch (index.column()) {
    case NamespaceColumn:
        return qs(t.ns);
    case NameColumn:
        return t.kind == TokenKind::Projected ? QString(qs(t.name) + QStringLiteral(" (") + qs(t.volume) + u')')
                                              : qs(t.name);
    case KindColumn:
        return qs(tokenKindLabel(t));
    case ServiceAccountColumn:
        return QString(qs(t.serviceAccount) + (t.serviceAccountExists ? QString() : tr(" (missing)")));
    case StateColumn:
        if (sort)
            return static_cast<int>(t.state);
        return QString(QString::fromLatin1(tokenStateName(t.state))
                       + (t.kind == TokenKind::Legacy && t.mounted ? tr(", mounted") : QString()));
    case CreatedColumn:
        if (sort)
            return t.created.isValid() ? t.created.toMSecsSinceEpoch() : 0;
        return t.created.isValid() ? t.created.date().toString(Qt::ISODate) : QString();
    case LastUsedColumn:
        if (sort)
            return t.lastUsed ? t.lastUsed->toJulianDay() : 0;
        return dateText(t.lastUsed, t.lastUsedRaw);
    case InvalidSinceColumn:
        if (sort)
            return t.invalidSince ? t.invalidSince->toJulianDay() : 0;
        return dateText(t.invalidSince, t.invalidSinceRaw);
    case NextColumn:
        if (sort)
            return t.cleaner.deletion ? t.cleaner.deletion->toJulianDay() : std::numeric_limits<qint64>::max();
        return qs(shortNext(t));
    case RiskColumn:
        if (sort)
            return static_cast<int>(t.grants.risk);
        return QString::fromLatin1(riskName(t.grants.risk));
    case GrantsColumn:
        return qs(t.grants.summary());
    case MountedByColumn: {
        QStringList list;
        for (const auto& m : t.mountedBy)
            list << qs(m.kind) + u' ' + qs(m.name);
        return list.join(QStringLiteral(", "));
    }
    default:
        break;
    }
    return {};
}

QVariant TokenInventoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NamespaceColumn:
        return tr("Namespace");
    case NameColumn:
        return tr("Token");
    case KindColumn:
        return tr("Kind");
    case ServiceAccountColumn:
        return tr("ServiceAccount");
    case StateColumn:
        return tr("State");
    case CreatedColumn:
        return tr("Created");
    case LastUsedColumn:
        return tr("Last used");
    case InvalidSinceColumn:
        return tr("Invalid since");
    case NextColumn:
        return tr("Next");
    case RiskColumn:
        return tr("Risk");
    case GrantsColumn:
        return tr("Grants");
    case MountedByColumn:
        return tr("Mounted by");
    default:
        break;
    }
    return {};
}

// ---- filter ----------------------------------------------------------------------------------------------------

TokenFilterProxy::TokenFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(TokenInventoryModel::SortRole);
    setDynamicSortFilter(true);
}

void TokenFilterProxy::setNamespace(const QString& ns)
{
    m_filter.ns = ns.toStdString();
    invalidateFilter();
}

void TokenFilterProxy::setState(const QString& state)
{
    m_filter.state = state.toStdString();
    invalidateFilter();
}

void TokenFilterProxy::setMounted(std::optional<bool> mounted)
{
    m_filter.mounted = mounted;
    invalidateFilter();
}

void TokenFilterProxy::setMinRisk(RiskLevel risk)
{
    m_filter.minRisk = risk;
    invalidateFilter();
}

void TokenFilterProxy::setKind(std::optional<TokenKind> kind)
{
    m_filter.kind = kind;
    invalidateFilter();
}

void TokenFilterProxy::setText(const QString& text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

std::vector<const TokenRecord*> TokenFilterProxy::records() const
{
    std::vector<const TokenRecord*> out;
    const auto* inv = qobject_cast<const TokenInventoryModel*>(sourceModel());
    if (!inv)
        return out;
    for (int r = 0; r < rowCount(); ++r)
        if (const auto* t = inv->record(mapToSource(index(r, 0)).row()))
            out.push_back(t);
    return out;
}

bool TokenFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const auto* inv = qobject_cast<const TokenInventoryModel*>(sourceModel());
    if (!inv || sourceParent.isValid())
        return false;
    const auto* t = inv->record(sourceRow);
    if (!t || !m_filter.accepts(*t))
        return false;
    if (m_text.isEmpty())
        return true;
    for (const auto& s : {t->ns, t->name, t->serviceAccount})
        if (qs(s).contains(m_text, Qt::CaseInsensitive))
            return true;
    return false;
}

// ---- timeline --------------------------------------------------------------------------------------------------

namespace {

template<typename Model>
void follow(Model* self, QAbstractItemModel* source, void (Model::*rebuild)())
{
    auto call = [self, rebuild] { (self->*rebuild)(); };
    QObject::connect(source, &QAbstractItemModel::modelReset, self, call);
    QObject::connect(source, &QAbstractItemModel::layoutChanged, self, call);
    QObject::connect(source, &QAbstractItemModel::rowsInserted, self, call);
    QObject::connect(source, &QAbstractItemModel::rowsRemoved, self, call);
    QObject::connect(source, &QAbstractItemModel::dataChanged, self, call);
}

} // namespace

TokenTimelineModel::TokenTimelineModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

TokenTimelineModel::~TokenTimelineModel() = default;

void TokenTimelineModel::setSource(TokenFilterProxy* proxy, TokenInventoryModel* inventory)
{
    if (m_proxy)
        disconnect(m_proxy, nullptr, this, nullptr);
    m_proxy = proxy;
    m_inventory = inventory;
    if (proxy)
        follow(this, proxy, &TokenTimelineModel::rebuild);
    rebuild();
}

void TokenTimelineModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    if (m_proxy && m_inventory) {
        const auto& inv = m_inventory->inventory();
        const QDate today = inv.today();
        m_today = chartTime(today);
        QDate first = today;
        QDate last = today;
        for (int r = 0; r < m_proxy->rowCount(); ++r) {
            const int rec = m_proxy->mapToSource(m_proxy->index(r, 0)).row();
            const auto* t = m_inventory->record(rec);
            if (!t || t->kind != TokenKind::Legacy)
                continue;
            Lane lane;
            lane.record = rec;
            const QDate created = t->created.isValid() ? t->created.date() : today;
            lane.created = chartTime(created);
            lane.lastUse = t->lastUsed ? chartTime(std::max(*t->lastUsed, created)) : lane.created;
            first = std::min(first, created);
            if (t->invalidSince)
                lane.invalidSince = chartTime(*t->invalidSince);
            if (t->cleaner.eligible) {
                if (t->cleaner.invalidSinceProjected && t->cleaner.invalidSince) {
                    lane.projectedInvalid = chartTime(*t->cleaner.invalidSince);
                    last = std::max(last, *t->cleaner.invalidSince);
                }
                if (t->cleaner.deletion) {
                    lane.deletion = chartTime(*t->cleaner.deletion);
                    last = std::max(last, *t->cleaner.deletion);
                }
            }
            if (t->invalidSince)
                first = std::min(first, *t->invalidSince);
            lane.shortLabel = qs(t->name);
            m_rows.push_back(lane);
        }
        std::map<QString, int> names;
        for (const auto& lane : m_rows)
            ++names[lane.shortLabel];
        for (auto& lane : m_rows)
            if (names[lane.shortLabel] > 1)
                lane.shortLabel = qs(m_inventory->record(lane.record)->ns) + u'/' + lane.shortLabel;
        m_start = chartTime(first.addDays(-30));
        m_end = chartTime(last.addDays(45));
    }
    endResetModel();
}

int TokenTimelineModel::tokenAt(qreal y) const
{
    const int n = tokenCount();
    const int lane = static_cast<int>(std::floor(static_cast<double>(n) - y));
    return lane >= 0 && lane < n ? lane : -1;
}

int TokenTimelineModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 2 * tokenCount();
}

int TokenTimelineModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TokenTimelineModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const int token = index.row() / 2;
    const bool start = index.row() % 2 == 0;
    const auto& lane = m_rows[static_cast<std::size_t>(token)];
    const auto* t = m_inventory ? m_inventory->record(lane.record) : nullptr;
    if (!t)
        return {};
    switch (role) {
    case LabelRole:
        return qs(t->ns + '/' + t->name);
    case ShortLabelRole:
        return lane.shortLabel;
    case SubjectRole:
        return QVariant::fromValue(SubjectRef {SubjectKind::ServiceAccount, t->ns, t->serviceAccount});
    case StateRole:
        return static_cast<int>(t->state);
    case RecordRole:
        return lane.record;
    case Qt::ToolTipRole: {
        QString tip = qs(t->ns + '/' + t->name) + u'\n'
            + tr("ServiceAccount %1 — %2, %3").arg(qs(t->serviceAccount), qs(tokenKindLabel(*t)),
                                                    QString::fromLatin1(tokenStateName(t->state)));
        tip += u'\n' + tr("Created %1").arg(t->created.isValid() ? t->created.date().toString(Qt::ISODate) : tr("unknown"));
        tip += u'\n' + tr("Last used %1").arg(t->lastUsedRaw.empty() ? tr("never since tracking began") : qs(t->lastUsedRaw));
        if (!t->invalidSinceRaw.empty())
            tip += u'\n' + tr("Invalid since %1").arg(qs(t->invalidSinceRaw));
        tip += u'\n' + qs(t->next);
        tip += u'\n' + tr("Grants: %1").arg(qs(t->grants.summary()));
        return tip;
    }
    case Qt::DisplayRole:
    case Qt::EditRole:
        break;
    default:
        return {};
    }
    const qreal y = static_cast<qreal>(tokenCount() - token) - 0.5;
    const qreal today = std::max(m_today, lane.lastUse);
    const qreal futureEnd = lane.deletion ? std::max(*lane.deletion, today) : today;
    switch (index.column()) {
    case UsedXColumn:
        return start ? lane.created : lane.lastUse;
    case IdleXColumn:
        return start ? lane.lastUse : today;
    case FutureXColumn:
        return start ? today : futureEnd;
    case YColumn:
        return y;
    case CreatedXColumn:
        return start ? QVariant(lane.created) : QVariant();
    case InvalidSinceXColumn:
        return start && lane.invalidSince ? QVariant(*lane.invalidSince) : QVariant();
    case ProjectedInvalidXColumn:
        return start && lane.projectedInvalid ? QVariant(*lane.projectedInvalid) : QVariant();
    case ProjectedDeletionXColumn:
        return start && lane.deletion ? QVariant(*lane.deletion) : QVariant();
    default:
        break;
    }
    return {};
}

QVariant TokenTimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* names[] = {"used", "idle", "projected", "lane", "created", "invalid since",
                                  "projected invalid since", "projected deletion"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

TimelineMarkerFilter::TimelineMarkerFilter(int column, QObject* parent)
    : QSortFilterProxyModel(parent)
    , m_column(column)
{
}

bool TimelineMarkerFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    return sourceModel()->index(sourceRow, m_column, sourceParent).data().isValid();
}

// ---- milestones ------------------------------------------------------------------------------------------------

TokenMilestoneModel::TokenMilestoneModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

TokenMilestoneModel::~TokenMilestoneModel() = default;

void TokenMilestoneModel::setSource(TokenTimelineModel* timeline, TokenInventoryModel* inventory)
{
    if (m_timeline)
        disconnect(m_timeline, nullptr, this, nullptr);
    m_timeline = timeline;
    m_inventory = inventory;
    if (timeline)
        connect(timeline, &QAbstractItemModel::modelReset, this, &TokenMilestoneModel::rebuild);
    rebuild();
}

void TokenMilestoneModel::rebuild()
{
    beginResetModel();
    m_items.clear();
    if (m_timeline && m_inventory) {
        m_top = std::max(1, m_timeline->tokenCount());
        for (const auto& m : m_inventory->inventory().milestones) {
            const auto x = chartTime(m.date);
            if (x >= m_timeline->rangeStart() && x <= m_timeline->rangeEnd())
                m_items.push_back({x, qs(m.label), qs(m.shortLabel), m.cluster});
        }
    }
    endResetModel();
}

int TokenMilestoneModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 2 * milestoneCount();
}

int TokenMilestoneModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TokenMilestoneModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const auto& m = m_items[static_cast<std::size_t>(index.row() / 2)];
    if (role == LabelRole)
        return m.label;
    if (role == ShortLabelRole)
        return m.shortLabel;
    if (role == ClusterRole)
        return m.cluster;
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    if (index.column() == XColumn)
        return m.x;
    return index.row() % 2 == 0 ? 0.0 : m_top;
}

// ---- activity per month -----------------------------------------------------------------------------------------

TokenActivityModel::TokenActivityModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

TokenActivityModel::~TokenActivityModel() = default;

void TokenActivityModel::setSource(TokenFilterProxy* proxy, TokenInventoryModel* inventory)
{
    if (m_proxy)
        disconnect(m_proxy, nullptr, this, nullptr);
    m_proxy = proxy;
    m_inventory = inventory;
    if (proxy)
        follow(this, proxy, &TokenActivityModel::rebuild);
    rebuild();
}

void TokenActivityModel::rebuild()
{
    beginResetModel();
    m_months.clear();
    if (m_proxy && m_inventory) {
        const QDate today = m_inventory->inventory().today();
        std::vector<const TokenRecord*> legacy;
        for (const auto* t : m_proxy->records())
            if (t->kind == TokenKind::Legacy)
                legacy.push_back(t);
        QDate first(today.year(), today.month(), 1);
        for (const auto* t : legacy)
            if (t->created.isValid())
                first = std::min(first, QDate(t->created.date().year(), t->created.date().month(), 1));
        auto monthIndex = [&](const QDate& d) {
            return (d.year() - first.year()) * 12 + d.month() - first.month();
        };
        const int count = monthIndex(today) + 1;
        for (int i = 0; i < count; ++i)
            m_months.push_back({first.addMonths(i)});
        auto bump = [&](const std::optional<QDate>& d, int Month::*field) {
            if (!d)
                return;
            const int i = monthIndex(*d);
            if (i >= 0 && i < count)
                ++(m_months[static_cast<std::size_t>(i)].*field);
        };
        for (const auto* t : legacy) {
            bump(t->created.isValid() ? std::optional<QDate>(t->created.date()) : std::nullopt, &Month::created);
            bump(t->lastUsed, &Month::lastUsed);
            bump(t->invalidSince, &Month::invalidated);
        }
    }
    endResetModel();
}

int TokenActivityModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_months.size());
}

int TokenActivityModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TokenActivityModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || (role != Qt::DisplayRole && role != Qt::EditRole))
        return {};
    const auto& m = m_months[static_cast<std::size_t>(index.row())];
    switch (index.column()) {
    case MonthColumn:
        return m.first.toString(QStringLiteral("yyyy-MM"));
    case CreatedColumn:
        return m.created;
    case LastUsedColumn:
        return m.lastUsed;
    case InvalidatedColumn:
        return m.invalidated;
    default:
        break;
    }
    return {};
}

QVariant TokenActivityModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case MonthColumn:
        return tr("Month");
    case CreatedColumn:
        return tr("Created");
    case LastUsedColumn:
        return tr("Last used");
    case InvalidatedColumn:
        return tr("Invalidated");
    default:
        break;
    }
    return {};
}

// ---- TTL histogram ---------------------------------------------------------------------------------------------

TokenTtlHistogramModel::TokenTtlHistogramModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_counts(static_cast<std::size_t>(bucketLabels().size()), 0)
{
}

TokenTtlHistogramModel::~TokenTtlHistogramModel() = default;

QStringList TokenTtlHistogramModel::bucketLabels()
{
    return {tr("10 min–1 h"), tr("1 h 7 s (JWT: 1 year)"), tr("1 h–1 day"), tr("1–7 days"), tr("over 7 days")};
}

int TokenTtlHistogramModel::bucketOf(std::int64_t s)
{
    if (s == 3607)
        return 1;
    if (s <= 3600)
        return 0;
    if (s <= 86400)
        return 2;
    if (s <= 7 * 86400)
        return 3;
    return 4;
}

void TokenTtlHistogramModel::setSource(TokenFilterProxy* proxy, TokenInventoryModel* inventory)
{
    if (m_proxy)
        disconnect(m_proxy, nullptr, this, nullptr);
    m_proxy = proxy;
    m_inventory = inventory;
    if (proxy)
        follow(this, proxy, &TokenTtlHistogramModel::rebuild);
    rebuild();
}

void TokenTtlHistogramModel::rebuild()
{
    // Counts change in place: the rows (buckets) are fixed.
    // Projected tokens under the namespace, mounted and risk filters; the state filter (often "legacy only") is not
    // applied, or this chart would mostly be empty.
    std::vector<int> counts(m_counts.size(), 0);
    if (m_proxy && m_inventory) {
        auto filter = m_proxy->filter();
        filter.state.clear();
        filter.kind = TokenKind::Projected;
        for (const auto& t : m_inventory->inventory().tokens)
            if (filter.accepts(t))
                ++counts[static_cast<std::size_t>(bucketOf(t.expirationSeconds))];
    }
    if (counts == m_counts)
        return;
    m_counts = std::move(counts);
    Q_EMIT dataChanged(index(0, CountColumn), index(rowCount() - 1, CountColumn), {Qt::DisplayRole});
}

int TokenTtlHistogramModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_counts.size());
}

int TokenTtlHistogramModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TokenTtlHistogramModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || (role != Qt::DisplayRole && role != Qt::EditRole))
        return {};
    if (index.column() == BucketColumn)
        return bucketLabels().value(index.row());
    return m_counts[static_cast<std::size_t>(index.row())];
}

QVariant TokenTtlHistogramModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == BucketColumn ? tr("Lifetime") : tr("Projected tokens");
}

} // namespace rbx
