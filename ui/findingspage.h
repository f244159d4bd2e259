// SPDX-License-Identifier: Apache-2.0
// Findings: the posture overview (the eight ServiceAccount practices), the findings (sortable, grouped, filtered, with
// evidence that clicks through to the objects and a runbook), waivers with notes, and the remediation basket.
#pragma once

#include "models/analysis/posture.h"
#include "models/analysis/subjects.h"
#include "models/io/waivers.h"
#include "models/item/findingsmodel.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QTextBrowser;
class QTreeView;
class QVBoxLayout;

namespace rbx {

class BasketModel;
class RemediationBasketWidget;

class FindingsPage final : public QWidget
{
    Q_OBJECT
public:
    enum Tab { PostureTab, FindingsTab, BasketTab };

    explicit FindingsPage(QWidget* parent = nullptr);
    ~FindingsPage() override;

    // `snapshotPaths` locate the waivers file (next to the first file, or inside the first folder).
    void setPolicy(std::shared_ptr<const Policy> policy, const QStringList& snapshotPaths = {});

    void showTab(Tab tab);
    void showPractice(int number); // the findings behind one practice
    void clearPractice();
    bool selectFinding(const QString& id);
    [[nodiscard]] QString currentFindingId() const;
    bool addToBasket(const QString& fixId);
    bool waive(const QString& findingId, const QString& note);
    bool unwaive(const QString& findingId);
    void setGrouping(FindingsModel::Grouping grouping);
    void setShowWaived(bool show);

    [[nodiscard]] FindingsModel* model() const
    {
        return m_model;
    }
    [[nodiscard]] FindingsFilterProxy* proxy() const
    {
        return m_proxy;
    }
    [[nodiscard]] BasketModel* basket() const
    {
        return m_basket;
    }
    [[nodiscard]] RemediationBasketWidget* basketWidget() const
    {
        return m_basketWidget;
    }
    [[nodiscard]] QTreeView* view() const
    {
        return m_view;
    }
    [[nodiscard]] QTableWidget* postureTable() const
    {
        return m_posture;
    }
    [[nodiscard]] QString detailsText() const;
    [[nodiscard]] QString waiversPath() const
    {
        return m_waiversPath;
    }
    [[nodiscard]] const Posture& posture() const
    {
        return m_postureData;
    }
    [[nodiscard]] QList<QPushButton*> fixButtons() const
    {
        return m_fixButtons;
    }

    [[nodiscard]] bool isComputing() const
    {
        return m_computing;
    }

Q_SIGNALS:
    void findingsReady(); // after setPolicy, once the findings (computed off the GUI thread) are shown
    void objectActivated(const QString& kind, const QString& ns, const QString& name);
    void subjectActivated(const rbx::SubjectRef& subject);

private:
    void applyFindings(std::vector<Finding> findings, std::vector<Finding> basketCopy, Posture posture);
    void showFinding(const Finding* finding);
    void refreshPosture();
    void showPosture();
    void updateTabTitles();
    void askWaiver();
    bool saveWaivers();

    std::shared_ptr<const Policy> m_policy;
    QString m_waiversPath;
    io::WaiverSet m_waivers;
    Posture m_postureData;
    int m_practice = 0;
    quint64 m_generation = 0;
    bool m_computing = false;

    QTabWidget* m_tabs;
    QTableWidget* m_posture;
    QTableWidget* m_metrics;
    QLabel* m_postureSummary;
    QLineEdit* m_filter;
    QComboBox* m_severity;
    QComboBox* m_grouping;
    QCheckBox* m_showWaived;
    QLabel* m_practiceChip;
    QPushButton* m_clearPractice;
    QTreeView* m_view;
    FindingsModel* m_model;
    FindingsFilterProxy* m_proxy;
    QTextBrowser* m_details;
    QWidget* m_fixBox;
    QVBoxLayout* m_fixLayout;
    QPushButton* m_waive;
    QList<QPushButton*> m_fixButtons;
    BasketModel* m_basket;
    RemediationBasketWidget* m_basketWidget;
};

} // namespace rbx
