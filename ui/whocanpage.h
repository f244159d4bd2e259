// SPDX-License-Identifier: Apache-2.0
// Who can do X? Verb + resource (+ name, namespace) or a non-resource URL -> every subject, with provenance.
#pragma once

#include "models/analysis/subjects.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QSortFilterProxyModel;

namespace rbx {

class WhoCanModel;

class WhoCanPage final : public QWidget
{
    Q_OBJECT
public:
    explicit WhoCanPage(QWidget* parent = nullptr);
    ~WhoCanPage() override;

    void setPolicy(std::shared_ptr<const Policy> policy);
    void query(const QString& verb, const QString& resource, const QString& ns, const QString& name = {});
    [[nodiscard]] WhoCanModel* model() const
    {
        return m_model;
    }
    [[nodiscard]] QTableView* view() const // its model is the sorting proxy over model()
    {
        return m_view;
    }

Q_SIGNALS:
    void subjectActivated(const rbx::SubjectRef& subject);
    void objectActivated(const QString& kind, const QString& ns, const QString& name);

private:
    void run();

    std::shared_ptr<const Policy> m_policy;
    QLineEdit* m_verb;
    QLineEdit* m_resource;
    QComboBox* m_namespace;
    QLineEdit* m_name;
    QLabel* m_notes;
    QTableView* m_view;
    WhoCanModel* m_model;
    QSortFilterProxyModel* m_proxy;
};

} // namespace rbx
