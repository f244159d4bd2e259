// SPDX-License-Identifier: Apache-2.0
// The load report (counts, notes, diagnostics you can click to see the line) and quick-open (Ctrl+K).
#pragma once

#include "models/analysis/policy.h"

#include <QDialog>

#include <memory>

class QLineEdit;
class QListWidget;
class QPlainTextEdit;

namespace rbx {

class LoadReportDialog final : public QDialog
{
    Q_OBJECT
public:
    LoadReportDialog(std::shared_ptr<const Policy> policy, QWidget* parent = nullptr);
    [[nodiscard]] QListWidget* diagnostics() const
    {
        return m_list;
    }
    [[nodiscard]] QString excerpt() const;

private:
    std::shared_ptr<const Policy> m_policy;
    QListWidget* m_list;
    QPlainTextEdit* m_excerpt;
};

class QuickOpenDialog final : public QDialog
{
    Q_OBJECT
public:
    QuickOpenDialog(std::shared_ptr<const Policy> policy, QWidget* parent = nullptr);
    [[nodiscard]] QString kind() const
    {
        return m_kind;
    }
    [[nodiscard]] QString ns() const
    {
        return m_ns;
    }
    [[nodiscard]] QString name() const
    {
        return m_name;
    }
    void setFilter(const QString& text);
    [[nodiscard]] int visibleCount() const;

private:
    void choose();

    QLineEdit* m_edit;
    QListWidget* m_list;
    QString m_kind;
    QString m_ns;
    QString m_name;
};

} // namespace rbx
