// SPDX-License-Identifier: Apache-2.0
// Access matrix of one subject (resources x verbs) in a chosen scope; a click on a cell explains it.
#pragma once

#include "models/analysis/subjects.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QTableView;

namespace rbx {

class AccessMatrixModel;
class MatrixFilterProxy;
struct Grant;

class MatrixPage final : public QWidget
{
    Q_OBJECT
public:
    explicit MatrixPage(QWidget* parent = nullptr);
    ~MatrixPage() override;

    void setPolicy(std::shared_ptr<const Policy> policy);
    void showSubject(const SubjectRef& subject);
    void setScope(const QString& ns); // "" = cluster scope
    [[nodiscard]] AccessMatrixModel* model() const
    {
        return m_model;
    }
    [[nodiscard]] QTableView* view() const
    {
        return m_view;
    }
    bool exportTo(const QString& file); // .csv or .json
    void selectCell(const QString& group, const QString& resource, const QString& verb);

Q_SIGNALS:
    // A cell was selected: the explanation text and the grants behind it (for the details pane and the graph).
    void cellExplained(const QString& text, const std::vector<rbx::Grant>& grants);

private:
    void rebuild();
    void explain(const QModelIndex& proxyIndex);

    std::shared_ptr<const Policy> m_policy;
    SubjectRef m_subject;
    bool m_hasSubject = false;
    QComboBox* m_scope;
    QLineEdit* m_filter;
    QCheckBox* m_onlyAccess;
    QTableView* m_view;
    AccessMatrixModel* m_model;
    MatrixFilterProxy* m_proxy;
};

} // namespace rbx
