// SPDX-License-Identifier: Apache-2.0
// Every ServiceAccount x every resource for one verb (or any read / any write), worst first. Computed off the GUI
// thread.
#pragma once

#include "models/analysis/subjects.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableView;

namespace rbx {

class HeatMapModel;
class HeatMapFilterProxy;
struct HeatMap;

class HeatMapPage final : public QWidget
{
    Q_OBJECT
public:
    explicit HeatMapPage(QWidget* parent = nullptr);
    ~HeatMapPage() override;

    void setPolicy(std::shared_ptr<const Policy> policy);
    void setVerbChoice(int index); // 0 any write, 1 any read, then each verb
    [[nodiscard]] HeatMapModel* model() const
    {
        return m_model;
    }
    [[nodiscard]] QTableView* view() const
    {
        return m_view;
    }
    [[nodiscard]] bool isComputing() const;
    bool exportTo(const QString& file); // .csv or .json: the whole heat map, as rbx matrix --all-sas writes it

Q_SIGNALS:
    void subjectActivated(const rbx::SubjectRef& subject);
    void computed();

private:
    void recompute();

    std::shared_ptr<const Policy> m_policy;
    QComboBox* m_verb;
    QComboBox* m_namespace;
    QLineEdit* m_filter;
    QSpinBox* m_minRisk;
    QLabel* m_status;
    QTableView* m_view;
    HeatMapModel* m_model;
    HeatMapFilterProxy* m_proxy;
    QFutureWatcher<std::shared_ptr<HeatMap>> m_watcher;
    int m_generation = 0;
};

} // namespace rbx
