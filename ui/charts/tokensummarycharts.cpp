// SPDX-License-Identifier: Apache-2.0
#include "ui/charts/tokensummarycharts.h"

#include "models/item/tokenmodels.h"
#include "ui/charts/chartexport.h"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QValueAxis>
#include <QtCharts/QVBarModelMapper>

#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace rbx {

namespace {

QChart* newChart(const QString& title)
{
    auto* chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(title);
    chart->setMargins(QMargins(4, 4, 8, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

QStringList columnTexts(QAbstractItemModel* model, int column)
{
    QStringList out;
    for (int r = 0; r < model->rowCount(); ++r)
        out << model->index(r, column).data().toString();
    return out;
}

// A value axis from 0 with whole-number ticks.
QValueAxis* countAxis(qreal max, const QFont& font)
{
    auto* y = new QValueAxis;
    const int top = std::max(1, static_cast<int>(std::ceil(max)));
    y->setRange(0, top);
    y->setTickCount(std::min(top, 6) + 1);
    y->setLabelFormat(QStringLiteral("%d"));
    y->setLabelsFont(font);
    return y;
}

} // namespace

static QChartView* newView(QChart* chart, QWidget* parent)
{
    auto* view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    auto* layout = new QVBoxLayout(parent);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view);
    return view;
}

TokenActivityChart::TokenActivityChart(QWidget* parent)
    : QWidget(parent)
    , m_view(newView(newChart(tr("Legacy tokens per month")), this))
{
}

TokenActivityChart::~TokenActivityChart() = default;

void TokenActivityChart::setModel(TokenActivityModel* model)
{
    m_model = model;
    connect(model, &QAbstractItemModel::modelReset, this, &TokenActivityChart::rebuild);
    rebuild();
}

bool TokenActivityChart::exportImage(const QString& path) const
{
    return saveChartView(m_view, path);
}

bool TokenTtlChart::exportImage(const QString& path) const
{
    return saveChartView(m_view, path);
}

int TokenActivityChart::categoryCount() const
{
    for (auto* axis : m_view->chart()->axes(Qt::Horizontal))
        if (auto* c = qobject_cast<QBarCategoryAxis*>(axis))
            return static_cast<int>(c->count());
    return 0;
}

void TokenActivityChart::rebuild()
{
    auto* c = m_view->chart();
    c->removeAllSeries();
    for (auto* axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
    if (!m_model)
        return;
    auto* series = new QBarSeries;
    auto* mapper = new QVBarModelMapper(series);
    mapper->setFirstBarSetColumn(TokenActivityModel::CreatedColumn);
    mapper->setLastBarSetColumn(TokenActivityModel::InvalidatedColumn);
    mapper->setFirstRow(0);
    mapper->setRowCount(-1);
    mapper->setSeries(series);
    mapper->setModel(m_model);
    c->addSeries(series);
    const QColor colors[] = {QColor(0x60, 0x7d, 0x8b), QColor(0x2e, 0x7d, 0x32), QColor(0xc6, 0x28, 0x28)};
    const auto sets = series->barSets();
    qreal max = 0;
    for (int i = 0; i < sets.size(); ++i) {
        sets[i]->setColor(colors[std::min(i, 2)]);
        sets[i]->setBorderColor(colors[std::min(i, 2)]);
        for (int k = 0; k < sets[i]->count(); ++k)
            max = std::max(max, sets[i]->at(k));
    }
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1));
    auto* x = new QBarCategoryAxis;
    x->append(columnTexts(m_model, TokenActivityModel::MonthColumn));
    x->setLabelsAngle(-90);
    x->setLabelsFont(small);
    c->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    auto* y = countAxis(max, small);
    y->setTitleText(tr("tokens"));
    c->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
}

TokenTtlChart::TokenTtlChart(QWidget* parent)
    : QWidget(parent)
    , m_view(newView(newChart(tr("Projected tokens by requested lifetime (pods and pod templates)")), this))
{
}

TokenTtlChart::~TokenTtlChart() = default;

void TokenTtlChart::setModel(TokenTtlHistogramModel* model)
{
    m_model = model;
    connect(model, &QAbstractItemModel::modelReset, this, &TokenTtlChart::rebuild);
    connect(model, &QAbstractItemModel::dataChanged, this, &TokenTtlChart::rebuild);
    rebuild();
}

int TokenTtlChart::total() const
{
    int sum = 0;
    if (m_model)
        for (int r = 0; r < m_model->rowCount(); ++r)
            sum += m_model->index(r, TokenTtlHistogramModel::CountColumn).data().toInt();
    return sum;
}

void TokenTtlChart::rebuild()
{
    auto* c = m_view->chart();
    c->removeAllSeries();
    for (auto* axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
    if (!m_model)
        return;
    auto* series = new QBarSeries;
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    auto* mapper = new QVBarModelMapper(series);
    mapper->setFirstBarSetColumn(TokenTtlHistogramModel::CountColumn);
    mapper->setLastBarSetColumn(TokenTtlHistogramModel::CountColumn);
    mapper->setSeries(series);
    mapper->setModel(m_model);
    c->addSeries(series);
    c->legend()->hide();
    qreal max = 0;
    for (auto* set : series->barSets()) {
        set->setColor(tokenStateColor(TokenState::Projected));
        set->setBorderColor(tokenStateColor(TokenState::Projected));
        for (int k = 0; k < set->count(); ++k)
            max = std::max(max, set->at(k));
    }
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1));
    auto* x = new QBarCategoryAxis;
    x->append(columnTexts(m_model, TokenTtlHistogramModel::BucketColumn));
    x->setLabelsFont(small);
    x->setTitleText(tr("expirationSeconds (the 3607 s default is extended to a one-year JWT)"));
    c->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    auto* y = countAxis(max * 1.15, small);
    y->setTitleText(tr("tokens"));
    c->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
}

} // namespace rbx
