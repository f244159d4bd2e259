// SPDX-License-Identifier: Apache-2.0
// Overview of one subject: identity, groups, workload identity, workloads, token Secrets, bindings, and a can-i box.
#pragma once

#include "models/analysis/subjects.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QTextBrowser;

namespace rbx {

class OverviewPage final : public QWidget
{
    Q_OBJECT
public:
    explicit OverviewPage(QWidget* parent = nullptr);
    ~OverviewPage() override;

    void setPolicy(std::shared_ptr<const Policy> policy);
    void showSubject(const SubjectRef& subject);
    // The can-i box: evaluates and shows the answer with its provenance.
    void ask(const QString& verb, const QString& resource, const QString& ns, const QString& name = {});
    [[nodiscard]] QString answerText() const;

Q_SIGNALS:
    // A link to an object (kind "ServiceAccount", "RoleBinding", ...) was clicked.
    void objectActivated(const QString& kind, const QString& ns, const QString& name);

private:
    void evaluate();

    std::shared_ptr<const Policy> m_policy;
    SubjectRef m_subject;
    bool m_hasSubject = false;
    QTextBrowser* m_text;
    QLineEdit* m_verb;
    QLineEdit* m_resource;
    QComboBox* m_namespace;
    QLineEdit* m_name;
    QLabel* m_answer;
    QTextBrowser* m_why;
};

// `rbx://Kind/namespace/name` links used in the HTML of the pages.
[[nodiscard]] QString objectLink(const QString& kind, const QString& ns, const QString& name, const QString& text);
bool parseObjectLink(const QUrl& url, QString& kind, QString& ns, QString& name);

} // namespace rbx
