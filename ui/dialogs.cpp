// SPDX-License-Identifier: Apache-2.0
#include "ui/dialogs.h"

#include "models/io/objectyaml.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace rbx {

namespace {
enum ItemRole { FileRole = Qt::UserRole, LineRole, KindRole, NamespaceRole, NameRole };
}

LoadReportDialog::LoadReportDialog(std::shared_ptr<const Policy> policy, QWidget* parent)
    : QDialog(parent)
    , m_policy(std::move(policy))
    , m_list(new QListWidget(this))
    , m_excerpt(new QPlainTextEdit(this))
{
    setWindowTitle(tr("Load report"));
    const auto& r = m_policy->snapshot().report;
    auto* summary = new QPlainTextEdit(this);
    summary->setReadOnly(true);
    summary->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    QString text = QString::fromStdString(r.toText());
    for (const auto& w : m_policy->warnings())
        text += tr("Warning: %1\n").arg(QString::fromStdString(w));
    summary->setPlainText(text);
    m_excerpt->setReadOnly(true);
    m_excerpt->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_excerpt->setPlaceholderText(tr("Select a diagnostic to see the lines around it."));
    for (const auto& d : r.diagnostics) {
        auto* item = new QListWidgetItem(QString::fromStdString(d.toString()), m_list);
        item->setData(FileRole, QString::fromStdString(d.file));
        item->setData(LineRole, static_cast<int>(d.line));
    }
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (!item)
            return;
        const auto line = static_cast<std::uint32_t>(item->data(LineRole).toInt());
        const auto excerpt = line ? io::fileExcerpt(item->data(FileRole).toString().toStdString(), line) : std::string();
        m_excerpt->setPlainText(excerpt.empty() ? item->text() : QString::fromStdString(excerpt));
    });
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary, 2);
    layout->addWidget(new QLabel(tr("Diagnostics (%1):").arg(r.diagnostics.size()), this));
    layout->addWidget(m_list, 1);
    layout->addWidget(m_excerpt, 1);
    layout->addWidget(buttons);
    resize(900, 640);
}

QString LoadReportDialog::excerpt() const
{
    return m_excerpt->toPlainText();
}

QuickOpenDialog::QuickOpenDialog(std::shared_ptr<const Policy> policy, QWidget* parent)
    : QDialog(parent)
    , m_edit(new QLineEdit(this))
    , m_list(new QListWidget(this))
{
    setWindowTitle(tr("Quick open"));
    m_edit->setPlaceholderText(tr("Type part of a name: ServiceAccount, role, binding, workload…"));
    const auto& s = policy->snapshot();
    auto add = [this](const QString& kind, const std::string& ns, const std::string& name) {
        const QString label = kind + u' ' + (ns.empty() ? QString() : QString::fromStdString(ns) + u'/')
            + QString::fromStdString(name);
        auto* item = new QListWidgetItem(label, m_list);
        item->setData(KindRole, kind);
        item->setData(NamespaceRole, QString::fromStdString(ns));
        item->setData(NameRole, QString::fromStdString(name));
    };
    for (const auto& x : s.serviceAccounts)
        add(QStringLiteral("ServiceAccount"), x.meta.ns, x.meta.name);
    for (const auto& x : s.roles)
        add(x.cluster ? QStringLiteral("ClusterRole") : QStringLiteral("Role"), x.meta.ns, x.meta.name);
    for (const auto& x : s.bindings)
        add(x.cluster ? QStringLiteral("ClusterRoleBinding") : QStringLiteral("RoleBinding"), x.meta.ns, x.meta.name);
    for (const auto& x : s.workloads)
        add(QString::fromStdString(x.kind), x.meta.ns, x.meta.name);
    for (const auto& x : s.secrets)
        add(QStringLiteral("Secret"), x.meta.ns, x.meta.name);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_edit);
    layout->addWidget(m_list);
    connect(m_edit, &QLineEdit::textChanged, this, &QuickOpenDialog::setFilter);
    connect(m_edit, &QLineEdit::returnPressed, this, &QuickOpenDialog::choose);
    connect(m_list, &QListWidget::itemActivated, this, &QuickOpenDialog::choose);
    resize(640, 480);
}

void QuickOpenDialog::setFilter(const QString& text)
{
    const auto words = text.split(u' ', Qt::SkipEmptyParts);
    QListWidgetItem* first = nullptr;
    for (int i = 0; i < m_list->count(); ++i) {
        auto* item = m_list->item(i);
        bool match = true;
        for (const auto& w : words)
            match = match && item->text().contains(w, Qt::CaseInsensitive);
        item->setHidden(!match);
        if (match && !first)
            first = item;
    }
    m_list->setCurrentItem(first);
}

int QuickOpenDialog::visibleCount() const
{
    int n = 0;
    for (int i = 0; i < m_list->count(); ++i)
        n += m_list->item(i)->isHidden() ? 0 : 1;
    return n;
}

void QuickOpenDialog::choose()
{
    auto* item = m_list->currentItem();
    if (!item || item->isHidden())
        return;
    m_kind = item->data(KindRole).toString();
    m_ns = item->data(NamespaceRole).toString();
    m_name = item->data(NameRole).toString();
    accept();
}

} // namespace rbx
