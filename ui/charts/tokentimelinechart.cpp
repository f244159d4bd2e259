// SPDX-License-Identifier: Apache-2.0
#include "ui/charts/tokentimelinechart.h"

#include "models/item/tokenmodels.h"
#include "ui/charts/chartexport.h"

#include <QtCharts/QCategoryAxis>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QVXYModelMapper>

#include <QCursor>
#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollArea>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <functional>

namespace rbx {

// Wheel zooms the time axis around the cursor; a left drag pans it (a click without a drag still reaches the series).
class TimelineView final : public QChartView
{
public:
    explicit TimelineView(QChart* chart, QWidget* parent)
        : QChartView(chart, parent)
    {
        setRenderHint(QPainter::Antialiasing);
        setMouseTracking(true);
    }
    std::function<void(qreal factor, qreal x)> zoomAt;
    std::function<void(qreal dx)> panPixels;

protected:
    void wheelEvent(QWheelEvent* event) override
    {
        const auto steps = event->angleDelta().y() / 120.0;
        if (steps == 0 || !zoomAt) {
            QChartView::wheelEvent(event);
            return;
        }
        zoomAt(std::pow(1.25, steps), event->position().x());
        event->accept();
    }
    void mousePressEvent(QMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton) {
            m_dragFrom = event->position();
            m_dragging = false;
        }
        QChartView::mousePressEvent(event);
    }
    void mouseMoveEvent(QMouseEvent* event) override
    {
        if (event->buttons() & Qt::LeftButton) {
            const auto dx = event->position().x() - m_dragFrom.x();
            if (m_dragging || std::abs(dx) > 4) {
                m_dragging = true;
                if (panPixels)
                    panPixels(-dx);
                m_dragFrom = event->position();
                setCursor(Qt::ClosedHandCursor);
                event->accept();
                return;
            }
        }
        QChartView::mouseMoveEvent(event);
    }
    void mouseReleaseEvent(QMouseEvent* event) override
    {
        if (m_dragging) {
            m_dragging = false;
            unsetCursor();
            event->accept();
            return;
        }
        QChartView::mouseReleaseEvent(event);
    }

private:
    QPointF m_dragFrom;
    bool m_dragging = false;
};

class TokenTimelineChart::Private
{
public:
    enum class Phase { Idle, Teardown, Lanes };
    QChart* chart = nullptr;
    QDateTimeAxis* x = nullptr;
    QCategoryAxis* y = nullptr;
    int lanes = 0;
    int series = 0;
    // The build under way.
    Phase phase = Phase::Idle;
    QList<QAbstractSeries*> old; // series still to remove
    int nextLane = 0;
    std::vector<QPointer<QObject>> followers; // mappers and marker filters that follow the models
    QTimer stepTimer;

    void attach(QXYSeries* series, QAbstractItemModel* model, int xColumn, int yColumn, int first, int count,
                bool legend);
};

namespace {

QPen pen(const QColor& color, qreal width, Qt::PenStyle style = Qt::SolidLine)
{
    QPen p(color, width, style);
    p.setCapStyle(Qt::FlatCap);
    return p;
}

} // namespace

TokenTimelineChart::TokenTimelineChart(QWidget* parent)
    : QWidget(parent)
    , d(new Private)
    , m_scroll(new QScrollArea(this))
{
    d->chart = new QChart;
    d->chart->setAnimationOptions(QChart::NoAnimation);
    d->chart->setMargins(QMargins(4, 16, 12, 0));
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->chart->legend()->setShowToolTips(true);
    m_view = new TimelineView(d->chart, this);
    m_view->setObjectName(QStringLiteral("TokenTimelineView"));
    m_view->zoomAt = [this](qreal factor, qreal px) {
        if (!d->x)
            return;
        const auto plot = d->chart->plotArea();
        const qreal frac = plot.width() > 0 ? std::clamp((px - plot.left()) / plot.width(), 0.0, 1.0) : 0.5;
        const qreal a = static_cast<qreal>(d->x->min().toMSecsSinceEpoch());
        const qreal b = static_cast<qreal>(d->x->max().toMSecsSinceEpoch());
        const qreal at = a + frac * (b - a);
        const qreal width = std::max((b - a) / factor, 86400000.0 * 7);
        d->x->setRange(QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(at - frac * width), Qt::UTC),
                       QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(at + (1 - frac) * width), Qt::UTC));
    };
    m_view->panPixels = [this](qreal dx) {
        const auto plot = d->chart->plotArea();
        if (plot.width() > 0)
            pan(dx / plot.width());
    };
    d->stepTimer.setSingleShot(true);
    d->stepTimer.setInterval(0);
    connect(&d->stepTimer, &QTimer::timeout, this, &TokenTimelineChart::runStep);
    m_scroll->setWidget(m_view);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_scroll);
}

TokenTimelineChart::~TokenTimelineChart()
{
    delete d;
}

void TokenTimelineChart::setModels(TokenTimelineModel* timeline, TokenMilestoneModel* milestones)
{
    m_timeline = timeline;
    m_milestones = milestones;
    for (QAbstractItemModel* model : {static_cast<QAbstractItemModel*>(timeline), static_cast<QAbstractItemModel*>(milestones)}) {
        connect(model, &QAbstractItemModel::modelAboutToBeReset, this, &TokenTimelineChart::detach);
        connect(model, &QAbstractItemModel::modelReset, this, &TokenTimelineChart::scheduleRebuild);
    }
    m_dirty = true;
    ensureBuilt();
}

void TokenTimelineChart::detach()
{
    // The series are rebuilt after a reset anyway: mappers still following the models would first refill every
    // series point by point, which Qt Charts handles in quadratic time (a third of a second at 200 lanes).
    for (const auto& follower : d->followers)
        delete follower.data();
    d->followers.clear();
}

void TokenTimelineChart::scheduleRebuild()
{
    detach();
    m_dirty = true;
    d->phase = Private::Phase::Idle; // a build under way starts over on the new rows
    if (isVisible())
        queueStep();
}

void TokenTimelineChart::queueStep()
{
    // A zero timer, not a posted event: timers, layout and paint events due meanwhile run between two slices.
    if (!d->stepTimer.isActive())
        d->stepTimer.start();
}

void TokenTimelineChart::runStep()
{
    if (!m_dirty)
        return;
    buildStep(6);
    if (m_dirty)
        queueStep();
}

void TokenTimelineChart::ensureBuilt() const
{
    auto* self = const_cast<TokenTimelineChart*>(this);
    while (self->m_dirty)
        self->buildStep(-1);
}

void TokenTimelineChart::showEvent(QShowEvent* event)
{
    if (m_dirty)
        queueStep();
    QWidget::showEvent(event);
}

// One slice of a rebuild, about `budgetMs` long (< 0: to the end): the old series go, then the axes are set up, the
// lanes are added a few at a time, then the milestones and markers. The view does not repaint until it is done, so
// it shows the previous chart, never a half-built one.
void TokenTimelineChart::buildStep(int budgetMs)
{
    QElapsedTimer clock;
    clock.start();
    const auto inBudget = [&] { return budgetMs < 0 || clock.elapsed() < budgetMs; };
    if (d->phase == Private::Phase::Idle) {
        detach();
        m_view->setUpdatesEnabled(false);
        d->old = d->chart->series();
        d->phase = Private::Phase::Teardown;
    }
    if (d->phase == Private::Phase::Teardown) {
        while (!d->old.isEmpty() && inBudget()) {
            auto* series = d->old.takeLast();
            d->chart->removeSeries(series);
            delete series;
        }
        if (!d->old.isEmpty())
            return;
        setUpAxes();
        d->nextLane = 0;
        d->phase = Private::Phase::Lanes;
        if (budgetMs >= 0)
            return; // the view's new height is laid out while the chart has no series yet
    }
    if (d->phase == Private::Phase::Lanes) {
        // Lanes, then milestones, then the four marker series, one item at a time.
        const int milestones = m_timeline && m_milestones ? m_milestones->milestoneCount() : 0;
        const int items = m_timeline ? d->lanes + milestones + kMarkerSeries : 0;
        while (d->nextLane < items && inBudget()) {
            const int item = d->nextLane++;
            if (item < d->lanes)
                addLane(item);
            else if (item < d->lanes + milestones)
                addMilestone(item - d->lanes);
            else
                addMarkerSeries(item - d->lanes - milestones);
        }
        if (d->nextLane < items)
            return;
        resetZoomNow();
        d->phase = Private::Phase::Idle;
        m_dirty = false;
        m_view->setUpdatesEnabled(true);
        m_view->update();
    }
}

void TokenTimelineChart::Private::attach(QXYSeries* series, QAbstractItemModel* model, int xColumn, int yColumn,
                                         int first, int count, bool legend)
{
    // The series gets its points before it joins the chart, where each added point would update all the others.
    auto* mapper = new QVXYModelMapper(series);
    mapper->setXColumn(xColumn);
    mapper->setYColumn(yColumn);
    mapper->setFirstRow(first);
    mapper->setRowCount(count);
    mapper->setSeries(series);
    mapper->setModel(model);
    followers.emplace_back(mapper);
    chart->addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
    for (auto* marker : chart->legend()->markers(series))
        marker->setVisible(legend);
    ++this->series;
}

QFont TokenTimelineChart::smallFont() const
{
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1));
    return small;
}

void TokenTimelineChart::setUpAxes()
{
    auto* chart = d->chart;
    for (auto* axis : chart->axes())
        chart->removeAxis(axis);
    delete d->x;
    delete d->y;
    d->x = new QDateTimeAxis;
    d->y = new QCategoryAxis;
    d->series = 0;
    d->lanes = 0;
    chart->addAxis(d->x, Qt::AlignBottom);
    chart->addAxis(d->y, Qt::AlignLeft);
    d->x->setFormat(QStringLiteral("yyyy-MM"));
    d->x->setTickCount(8);
    d->x->setTitleText(tr("drag to pan, wheel to zoom; click a bar to open its ServiceAccount"));
    const QFont small = smallFont();
    d->x->setLabelsFont(small);
    QFont tiny = small;
    tiny.setPointSizeF(std::max(7.0, small.pointSizeF() - 0.5));
    d->x->setTitleFont(tiny);
    d->x->setTitleBrush(QColor(0x75, 0x75, 0x75));
    chart->legend()->setFont(small);
    d->y->setLabelsFont(small);
    d->y->setLabelsPosition(QCategoryAxis::AxisLabelsPositionCenter);
    d->y->setGridLineColor(QColor(0xec, 0xef, 0xf1));
    if (!m_timeline)
        return;
    // Qt Charts adds series in time quadratic in their number: beyond kMaxLanes tokens the chart shows the first ones
    // (in the table's order) and says so; the filters above narrow it, the table lists them all.
    const int total = m_timeline->tokenCount();
    const int n = std::min(total, kMaxLanes);
    d->lanes = n;
    if (n < total)
        d->x->setTitleText(tr("the first %1 of %2 tokens (filter to see others); drag to pan, wheel to zoom; click a "
                              "bar to open its ServiceAccount")
                               .arg(n)
                               .arg(total));
    // Lanes of 22 px; axis, legend and margins take about 130 more. Taller than the page: it scrolls.
    m_view->setMinimumHeight(std::max(240, n * 22 + 130));
    // Categories and ranges before any series is attached: a range set later updates every series' domain.
    for (int lane = n - 1; lane >= 0; --lane) {
        auto label = m_timeline->index(m_timeline->rowOfToken(lane), 0).data(TokenTimelineModel::ShortLabelRole).toString();
        if (label.size() > 30)
            label = label.left(14) + QStringLiteral("…") + label.right(14);
        d->y->append(label, n - lane);
    }
    d->y->setRange(0, std::max(1, n));
    d->y->setStartValue(0);
    resetZoomNow();
}

// Lanes: idle line under the projection under the used bar. The lane axis takes its categories bottom-up.
void TokenTimelineChart::addLane(int lane)
{
    const auto start = m_timeline->index(m_timeline->rowOfToken(lane), 0);
    const auto state = static_cast<TokenState>(start.data(TokenTimelineModel::StateRole).toInt());
    const auto color = tokenStateColor(state);
    auto* idle = new QLineSeries;
    idle->setPen(pen(QColor(0xb0, 0xbe, 0xc5), 2));
    auto* future = new QLineSeries;
    future->setPen(pen(color.lighter(130), 2, Qt::DashLine));
    auto* used = new QLineSeries;
    used->setPen(pen(color, 9));
    const int row = m_timeline->rowOfToken(lane);
    d->attach(idle, m_timeline, TokenTimelineModel::IdleXColumn, TokenTimelineModel::YColumn, row, 2, false);
    d->attach(future, m_timeline, TokenTimelineModel::FutureXColumn, TokenTimelineModel::YColumn, row, 2, false);
    d->attach(used, m_timeline, TokenTimelineModel::UsedXColumn, TokenTimelineModel::YColumn, row, 2, false);
    for (auto* s : {idle, future, used}) {
        connect(s, &QXYSeries::hovered, this, [this](const QPointF& p, bool on) { hover(p.y(), on); });
        connect(s, &QXYSeries::clicked, this, [this, lane](const QPointF&) { activateLane(lane); });
    }
}

void TokenTimelineChart::addMilestone(int k)
{
    // Milestones: vertical lines, a word at the top, the full name in the legend.
    if (!m_milestones || k < 0 || k >= m_milestones->milestoneCount())
        return;
    const QFont small = smallFont();
    const auto idx = m_milestones->index(2 * k, 0);
    const bool cluster = idx.data(TokenMilestoneModel::ClusterRole).toBool();
    const auto label = idx.data(TokenMilestoneModel::LabelRole).toString();
    const auto word = idx.data(TokenMilestoneModel::ShortLabelRole).toString();
    QPen linePen = pen(QColor(0x90, 0x90, 0x90), 1.5, Qt::DotLine);
    if (word == QLatin1String("today"))
        linePen = pen(QColor(0x21, 0x21, 0x21), 2);
    else if (word == QLatin1String("tracking"))
        linePen = pen(QColor(0x00, 0x83, 0x8f), 1.5, Qt::DashLine);
    else if (cluster)
        linePen = pen(QColor(0x28, 0x35, 0x93), 1.5, Qt::DashLine);
    auto* line = new QLineSeries;
    line->setName(label);
    line->setPen(linePen);
    d->attach(line, m_milestones, TokenMilestoneModel::XColumn, TokenMilestoneModel::YColumn, 2 * k, 2, false);
    connect(line, &QXYSeries::hovered, this, [this, label](const QPointF&, bool on) {
        if (on)
            QToolTip::showText(QCursor::pos(), label, m_view);
        else
            QToolTip::hideText();
    });
    auto* tag = new QScatterSeries;
    tag->setMarkerSize(1);
    tag->setPen(Qt::NoPen);
    tag->setBrush(Qt::transparent);
    tag->setPointLabelsFormat(word);
    tag->setPointLabelsVisible(true);
    tag->setPointLabelsClipping(false);
    tag->setPointLabelsFont(small);
    tag->setPointLabelsColor(linePen.color());
    d->attach(tag, m_milestones, TokenMilestoneModel::XColumn, TokenMilestoneModel::YColumn, 2 * k + 1, 1, false);
}

// Markers, each from the rows that have one.
void TokenTimelineChart::addMarkerSeries(int which)
{
    struct Marker
    {
        int column;
        QString name;
        QScatterSeries::MarkerShape shape;
        QColor color;
        qreal size;
    };
    const Marker markers[] = {
        {TokenTimelineModel::CreatedXColumn, tr("created"), QScatterSeries::MarkerShapeCircle, QColor(0x45, 0x5a, 0x64), 7},
        {TokenTimelineModel::InvalidSinceXColumn, tr("invalid since"), QScatterSeries::MarkerShapeRotatedRectangle,
         QColor(0xc6, 0x28, 0x28), 12},
        {TokenTimelineModel::ProjectedInvalidXColumn, tr("will be invalidated"), QScatterSeries::MarkerShapeTriangle,
         QColor(0xef, 0x6c, 0x00), 12},
        {TokenTimelineModel::ProjectedDeletionXColumn, tr("will be deleted"), QScatterSeries::MarkerShapeStar,
         QColor(0x21, 0x21, 0x21), 14},
    };
    if (which < 0 || which >= static_cast<int>(std::size(markers)))
        return;
    const auto& m = markers[which];
    auto* filter = new TimelineMarkerFilter(m.column);
    filter->setSourceModel(m_timeline);
    auto* s = new QScatterSeries;
    filter->setParent(s);
    s->setName(m.name);
    s->setMarkerShape(m.shape);
    s->setMarkerSize(m.size);
    s->setColor(m.color);
    s->setBorderColor(Qt::white);
    d->attach(s, filter, m.column, TokenTimelineModel::YColumn, 0, -1, true);
    d->followers.emplace_back(filter);
    connect(s, &QXYSeries::hovered, this, [this](const QPointF& p, bool on) { hover(p.y(), on); });
    connect(s, &QXYSeries::clicked, this,
            [this](const QPointF& p) { activateLane(m_timeline ? m_timeline->tokenAt(p.y()) : -1); });
}

void TokenTimelineChart::resetZoomNow()
{
    if (!d->x || !m_timeline)
        return;
    d->x->setRange(QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(m_timeline->rangeStart()), Qt::UTC),
                   QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(m_timeline->rangeEnd()), Qt::UTC));
}

void TokenTimelineChart::hover(qreal y, bool state)
{
    if (!state) {
        QToolTip::hideText();
        return;
    }
    const int lane = m_timeline ? m_timeline->tokenAt(y) : -1;
    if (lane >= 0)
        QToolTip::showText(QCursor::pos(), laneToolTip(lane), m_view);
}

QString TokenTimelineChart::laneToolTip(int lane) const
{
    if (!m_timeline || lane < 0 || lane >= m_timeline->tokenCount())
        return {};
    return m_timeline->index(m_timeline->rowOfToken(lane), 0).data(Qt::ToolTipRole).toString();
}

void TokenTimelineChart::activateLane(int lane)
{
    if (!m_timeline || lane < 0 || lane >= m_timeline->tokenCount())
        return;
    const auto v = m_timeline->index(m_timeline->rowOfToken(lane), 0).data(TokenTimelineModel::SubjectRole);
    if (v.isValid())
        Q_EMIT subjectActivated(v.value<SubjectRef>());
}

void TokenTimelineChart::zoomBy(qreal factor)
{
    ensureBuilt();
    const auto plot = d->chart->plotArea();
    if (m_view->zoomAt)
        m_view->zoomAt(factor, plot.center().x());
}

void TokenTimelineChart::zoomIn()
{
    zoomBy(1.5);
}

void TokenTimelineChart::zoomOut()
{
    zoomBy(1 / 1.5);
}

void TokenTimelineChart::pan(qreal fraction)
{
    ensureBuilt();
    if (!d->x)
        return;
    const auto a = d->x->min().toMSecsSinceEpoch();
    const auto b = d->x->max().toMSecsSinceEpoch();
    const auto shift = static_cast<qint64>(fraction * static_cast<qreal>(b - a));
    d->x->setRange(QDateTime::fromMSecsSinceEpoch(a + shift, Qt::UTC), QDateTime::fromMSecsSinceEpoch(b + shift, Qt::UTC));
}

void TokenTimelineChart::resetZoom()
{
    ensureBuilt();
    resetZoomNow();
}

std::pair<qreal, qreal> TokenTimelineChart::visibleRange() const
{
    ensureBuilt();
    if (!d->x)
        return {0, 0};
    return {static_cast<qreal>(d->x->min().toMSecsSinceEpoch()), static_cast<qreal>(d->x->max().toMSecsSinceEpoch())};
}

QString TokenTimelineChart::axisTitle() const
{
    ensureBuilt();
    return d->x ? d->x->titleText() : QString();
}

int TokenTimelineChart::laneCount() const
{
    ensureBuilt();
    return d->lanes;
}

int TokenTimelineChart::seriesCount() const
{
    ensureBuilt();
    return d->series;
}

QWidget* TokenTimelineChart::chartView() const
{
    ensureBuilt();
    return m_view;
}

bool TokenTimelineChart::exportImage(const QString& path) const
{
    ensureBuilt();
    return saveChartView(m_view, path);
}

} // namespace rbx
