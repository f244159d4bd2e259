// SPDX-License-Identifier: Apache-2.0
// Diff page: two subjects (or one subject across two snapshots) side by side, cells coloured gained/lost/same, the
// changed permissions grouped by resource, the provenance of both sides, export as Markdown or HTML.
#pragma once

#include "models/analysis/diff.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace rbx {

class DiffSideModel;
class DiffFilterProxy;
class DiffListModel;
class SnapshotJob;

class DiffPage final : public QWidget
{
    Q_OBJECT
public:
    explicit DiffPage(QWidget* parent = nullptr);
    ~DiffPage() override;

    void setPolicy(std::shared_ptr<const Policy> policy); // side A (and B, until another snapshot is opened)
    void setOtherPolicy(std::shared_ptr<const Policy> policy); // side B from another snapshot; nullptr = same
    void compareWithSnapshot(const QStringList& paths); // loads side B off the GUI thread
    void setSubjects(const SubjectRef& a, const SubjectRef& b);
    void setSubjectA(const SubjectRef& a); // keeps B (B = A when comparing snapshots)
    void setScope(const QString& ns); // "" cluster
    [[nodiscard]] const SubjectDiff* diff() const
    {
        return m_diff.get();
    }
    [[nodiscard]] QTableView* sideView(bool a) const
    {
        return a ? m_viewA : m_viewB;
    }
    [[nodiscard]] QTableView* listView() const
    {
        return m_list;
    }
    bool exportTo(const QString& file); // .md or .html

Q_SIGNALS:
    void explained(const QString& text);
    void computed();

private:
    void fillSubjects();
    void recompute();
    void showScope();
    void explainRow(int row);
    [[nodiscard]] const Policy& policyB() const;

    std::shared_ptr<const Policy> m_policyA;
    std::shared_ptr<const Policy> m_policyB; // nullptr: same snapshot as A
    std::shared_ptr<const SubjectDiff> m_diff;
    SnapshotJob* m_job;
    QComboBox* m_subjectA;
    QComboBox* m_subjectB;
    QComboBox* m_scope;
    QLineEdit* m_filter;
    QCheckBox* m_onlyDifferences;
    QLabel* m_summary;
    QLabel* m_source;
    QTableView* m_viewA;
    QTableView* m_viewB;
    QTableView* m_list;
    DiffSideModel* m_modelA;
    DiffSideModel* m_modelB;
    DiffFilterProxy* m_proxyA;
    DiffFilterProxy* m_proxyB;
    DiffListModel* m_listModel;
};

} // namespace rbx
