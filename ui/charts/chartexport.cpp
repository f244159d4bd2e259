// SPDX-License-Identifier: Apache-2.0
#include "ui/charts/chartexport.h"

#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>

#include <QCoreApplication>
#include <QPainter>
#include <QSvgGenerator>

namespace rbx {

bool saveChartView(QChartView* view, const QString& path)
{
    // Qt Charts lays out axis labels and the legend on posted LayoutRequests: deliver them before painting elsewhere.
    if (auto* chart = view->chart()) {
        QCoreApplication::sendPostedEvents(chart->legend(), QEvent::LayoutRequest);
        QCoreApplication::sendPostedEvents(chart, QEvent::LayoutRequest);
    }
    if (!path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive))
        return view->grab().save(path, "PNG");
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(view->size());
    svg.setViewBox(QRect(QPoint(0, 0), view->size()));
    svg.setResolution(view->logicalDpiX()); // the screen's font metrics, so no label is elided
    svg.setTitle(view->chart() ? view->chart()->title() : QString());
    QPainter painter;
    if (!painter.begin(&svg))
        return false;
    view->render(&painter);
    return painter.end();
}

} // namespace rbx
