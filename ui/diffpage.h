// SPDX-License-Identifier: Apache-2.0
// Diff page: two subjects (or one subject across two snapshots) side by side, cells coloured gained/lost/same, the
// changed permissions grouped by resource, the provenance of both sides, export as Markdown or HTML.
#pragma once

#include "models/analysis/diff.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTreeView;

namespace rbx {

class DiffSideModel;
class DiffFilterProxy;
class DiffListModel;
struct MatrixPair;
class SnapshotDiffModel;
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
    // Comparing runs off the GUI thread: computed() says when diff() and the matrices are the new subjects'.
    void setSubjects(const SubjectRef& a, const SubjectRef& b);
    void setSubjectA(const SubjectRef& a); // keeps B (B = A when comparing snapshots)
    [[nodiscard]] bool isComputing() const
    {
        return m_diffComputing;
    }
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
    // Comparing snapshots: every change between them (computed off the GUI thread), listed beside the matrices.
    [[nodiscard]] const SnapshotDiff* snapshotDiff() const
    {
        return m_snapshotDiff.get();
    }
    [[nodiscard]] QTreeView* changesView() const
    {
        return m_changes;
    }
    [[nodiscard]] SnapshotDiffModel* changesModel() const
    {
        return m_changesModel;
    }
    void showServiceAccount(const SubjectRef& sa); // the same SA on both sides
    bool exportSnapshotDiffTo(const QString& file); // .md or .html of the whole-snapshot diff

Q_SIGNALS:
    void explained(const QString& text);
    void computed();
    void snapshotDiffComputed();

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Result;
    void ensureSubjects();
    void fillSubjects();
    void recompute();
    void applyDiff(const Result& result);
    void showScope();
    void applyPair(std::shared_ptr<const MatrixPair> pair);
    void explainRow(int row);
    [[nodiscard]] const Policy& policyB() const;
    void computeSnapshotDiff();
    void selectSubject(QComboBox* combo, const SubjectRef& ref);

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
    QWidget* m_changesPanel;
    QLabel* m_changesSummary;
    QTreeView* m_changes;
    SnapshotDiffModel* m_changesModel;
    std::shared_ptr<const SnapshotDiff> m_snapshotDiff;
    QFutureWatcher<std::shared_ptr<const SnapshotDiff>> m_snapshotWatcher;
    int m_generation = 0;
    quint64 m_diffGeneration = 0; // of the newest subject comparison; older results are dropped
    bool m_diffComputing = false;
    bool m_subjectsDirty = false; // the combo boxes are not the policy's subjects yet
    std::optional<SubjectRef> m_pendingA; // the navigator's subject, for when the page is shown
};

} // namespace rbx
