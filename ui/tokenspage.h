// SPDX-License-Identifier: Apache-2.0
// Tokens: every token credential of the snapshot. Filters (namespace, state, mounted, risk) drive one proxy that the
// inventory table and the charts (timeline, activity per month, projected-token lifetimes) all follow. Exports the
// current chart as PNG or SVG and the filtered inventory as CSV (fingerprints only: a token value is never held).
#pragma once

#include "models/analysis/subjects.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QTabWidget;
class QTableView;

namespace rbx {

class TokenInventoryModel;
class TokenFilterProxy;
class TokenTimelineModel;
class TokenMilestoneModel;
class TokenActivityModel;
class TokenTtlHistogramModel;
class TokenTimelineChart;
class TokenActivityChart;
class TokenTtlChart;

class TokensPage final : public QWidget
{
    Q_OBJECT
public:
    enum Chart { TimelineChart, ActivityChart, TtlChart };
    enum SortKey { SortByNamespace, SortByServiceAccount, SortByRisk, SortByCreated, SortByLastUsed, SortByState };

    explicit TokensPage(QWidget* parent = nullptr);
    ~TokensPage() override;

    // Returns at once: the inventory is computed off the GUI thread (the context line says so meanwhile); the same
    // policy again changes nothing.
    void setPolicy(std::shared_ptr<const Policy> policy);
    [[nodiscard]] bool isComputing() const;

    void setNamespaceFilter(const QString& ns); // "" = all
    void setStateFilter(const QString& state); // "" = all; active, stale, ..., mounted, unmounted, legacy
    void setMountedFilter(int mode); // 0 all, 1 mounted, 2 not mounted
    void setRiskFilter(int minRisk); // RiskLevel as int
    void setSortKey(SortKey key);
    void showChart(Chart chart);

    bool exportChart(const QString& path) const; // .png or .svg: the chart on show
    bool exportCsv(const QString& path) const; // the filtered inventory

    [[nodiscard]] QString contextText() const;
    [[nodiscard]] TokenInventoryModel* model() const
    {
        return m_model;
    }
    [[nodiscard]] TokenFilterProxy* proxy() const
    {
        return m_proxy;
    }
    [[nodiscard]] TokenTimelineModel* timelineModel() const
    {
        return m_timeline;
    }
    [[nodiscard]] TokenActivityModel* activityModel() const
    {
        return m_activity;
    }
    [[nodiscard]] TokenTtlHistogramModel* ttlModel() const
    {
        return m_ttl;
    }
    [[nodiscard]] TokenTimelineChart* timelineChart() const
    {
        return m_timelineChart;
    }
    [[nodiscard]] TokenTtlChart* ttlChart() const
    {
        return m_ttlChart;
    }
    [[nodiscard]] TokenActivityChart* activityChart() const
    {
        return m_activityChart;
    }
    [[nodiscard]] QTableView* view() const
    {
        return m_view;
    }

Q_SIGNALS:
    void subjectActivated(const rbx::SubjectRef& subject);
    void inspectorRequested();
    void computingChanged(bool computing); // false once the inventory in view is the policy's

protected:
    void showEvent(QShowEvent* event) override;

private:
    void applyInventory();
    void fitColumns();
    void updateContext();
    void exportDialog(int what);

    std::shared_ptr<const Policy> m_policy;
    TokenInventoryModel* m_model;
    TokenFilterProxy* m_proxy;
    TokenTimelineModel* m_timeline;
    TokenMilestoneModel* m_milestones;
    TokenActivityModel* m_activity;
    TokenTtlHistogramModel* m_ttl;
    QComboBox* m_namespace;
    QComboBox* m_state;
    QComboBox* m_mounted;
    QComboBox* m_risk;
    QComboBox* m_sort;
    QLabel* m_context;
    QTabWidget* m_charts;
    TokenTimelineChart* m_timelineChart;
    TokenActivityChart* m_activityChart;
    TokenTtlChart* m_ttlChart;
    QTableView* m_view;
    bool m_columnsDirty = false;
};

} // namespace rbx
