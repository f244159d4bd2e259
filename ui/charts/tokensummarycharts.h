// SPDX-License-Identifier: Apache-2.0
// The Tokens page's summary charts (Qt Charts, kept behind plain widgets): legacy tokens created, last used and
// invalidated per month, and projected tokens by requested lifetime. Both map their table models with
// QVBarModelMapper.
#pragma once

#include <QWidget>

QT_BEGIN_NAMESPACE
class QChartView;
QT_END_NAMESPACE

namespace rbx {

class TokenActivityModel;
class TokenTtlHistogramModel;

class TokenActivityChart final : public QWidget
{
    Q_OBJECT
public:
    explicit TokenActivityChart(QWidget* parent = nullptr);
    ~TokenActivityChart() override;

    void setModel(TokenActivityModel* model);
    [[nodiscard]] int categoryCount() const;
    bool exportImage(const QString& path) const; // PNG, or SVG when the path ends in .svg

private:
    void rebuild();
    QChartView* m_view;
    TokenActivityModel* m_model = nullptr;
};

class TokenTtlChart final : public QWidget
{
    Q_OBJECT
public:
    explicit TokenTtlChart(QWidget* parent = nullptr);
    ~TokenTtlChart() override;

    void setModel(TokenTtlHistogramModel* model);
    [[nodiscard]] int total() const; // projected tokens counted
    bool exportImage(const QString& path) const;

private:
    void rebuild();
    QChartView* m_view;
    TokenTtlHistogramModel* m_model = nullptr;
};

} // namespace rbx
