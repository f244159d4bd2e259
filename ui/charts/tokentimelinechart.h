// SPDX-License-Identifier: Apache-2.0
// The legacy-token timeline (Qt Charts): one lane per token, bars from creation to last use, an idle line to today, a
// dashed projection to the cleaner's deletion date, markers for invalid-since and the projected dates, and vertical
// lines for version milestones and today. Everything is read from TokenTimelineModel and TokenMilestoneModel with
// model mappers. Wheel or buttons zoom the time axis, dragging pans it; hover shows details, a click opens the SA.
#pragma once

#include "models/analysis/subjects.h"

#include <QWidget>

#include <utility>

class QScrollArea;

namespace rbx {

class TokenTimelineModel;
class TokenMilestoneModel;
class TimelineView;

class TokenTimelineChart final : public QWidget
{
    Q_OBJECT
public:
    explicit TokenTimelineChart(QWidget* parent = nullptr);
    ~TokenTimelineChart() override;

    void setModels(TokenTimelineModel* timeline, TokenMilestoneModel* milestones);

    void zoomBy(qreal factor); // > 1 zooms in, around the middle of the visible range
    void zoomIn();
    void zoomOut();
    void pan(qreal fraction); // of the visible range; > 0 moves later in time
    void resetZoom();
    [[nodiscard]] std::pair<qreal, qreal> visibleRange() const; // ms since the epoch

    [[nodiscard]] int laneCount() const;
    // Lanes drawn at most (three series each): 2200 px of chart, more than a reviewer scans, and the first paint of
    // more (all series at once) stalls the event loop for over 40 ms when the tab opens.
    static constexpr int kMaxLanes = 100;
    [[nodiscard]] QString axisTitle() const; // the time axis' title, which says when lanes were left out
    [[nodiscard]] int seriesCount() const;
    void activateLane(int lane); // as a click on its bar does
    [[nodiscard]] QString laneToolTip(int lane) const;

    [[nodiscard]] QWidget* chartView() const;
    bool exportImage(const QString& path) const; // PNG, or SVG when the path ends in .svg

Q_SIGNALS:
    void subjectActivated(const rbx::SubjectRef& subject);

protected:
    void showEvent(QShowEvent* event) override;

private:
    // A rebuild adds three series per lane, and Qt Charts adds and removes series in time quadratic in their number
    // (seconds for a thousand lanes): it waits until the chart is shown, model resets that come together (the
    // timeline and its milestones) make one rebuild, and it runs in slices of a few milliseconds between events.
    // Anything that reads the chart (counts, export, zoom) finishes a pending build first (ensureBuilt).
    void detach();
    void scheduleRebuild();
    void queueStep();
    void runStep();
    void buildStep(int budgetMs);
    void ensureBuilt() const;
    void setUpAxes();
    void addLane(int lane);
    void addMilestone(int k);
    static constexpr int kMarkerSeries = 4; // created, invalid since, will be invalidated, will be deleted
    void addMarkerSeries(int which);
    void resetZoomNow();
    [[nodiscard]] QFont smallFont() const;
    void hover(qreal y, bool state);

    class Private;
    Private* d;
    TimelineView* m_view;
    QScrollArea* m_scroll;
    TokenTimelineModel* m_timeline = nullptr;
    TokenMilestoneModel* m_milestones = nullptr;
    bool m_dirty = false;
};

} // namespace rbx
