// SPDX-License-Identifier: Apache-2.0
// The remediation basket: the fixes picked so far, their combined YAML (the kustomize overlay, highlighted), the
// objects they touch, and what each ServiceAccount loses. Exports the overlay, the rendered after-state and a report.
#pragma once

#include "models/analysis/remediation.h"

#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTextBrowser;
class QTreeWidget;

namespace rbx {

class BasketModel;

class RemediationBasketWidget final : public QWidget
{
    Q_OBJECT
public:
    explicit RemediationBasketWidget(BasketModel* basket, QWidget* parent = nullptr);
    ~RemediationBasketWidget() override;

    // The policy and findings the fixes apply to (findings carry the titles the report shows).
    void setContext(std::shared_ptr<const Policy> policy, std::vector<Finding> findings);

    [[nodiscard]] const RemediationPlan* plan() const
    {
        return m_plan ? &*m_plan : nullptr;
    }
    [[nodiscard]] QString yamlText() const;
    [[nodiscard]] QTabWidget* views() const
    {
        return m_views;
    }
    [[nodiscard]] QTreeWidget* objectsView() const
    {
        return m_objects;
    }
    [[nodiscard]] QTextBrowser* accessView() const
    {
        return m_access;
    }

    bool exportOverlay(const QString& dir, QString* error = nullptr);
    bool exportAfterState(const QString& file, QString* error = nullptr);
    bool exportReport(const QString& file, QString* error = nullptr); // HTML for *.html/*.htm, else Markdown

Q_SIGNALS:
    void objectActivated(const QString& kind, const QString& ns, const QString& name);

private:
    void refresh();
    void chooseExport(int what);

    BasketModel* m_basket;
    std::shared_ptr<const Policy> m_policy;
    std::vector<Finding> m_findings;
    std::optional<RemediationPlan> m_plan;

    QListView* m_list;
    QLabel* m_summary;
    QTabWidget* m_views;
    QPlainTextEdit* m_yaml;
    QTreeWidget* m_objects;
    QTextBrowser* m_access;
    QPushButton* m_remove;
    QPushButton* m_clear;
    QList<QPushButton*> m_exports;
};

} // namespace rbx
