// SPDX-License-Identifier: Apache-2.0
#include "ui/whocanpage.h"

#include "models/analysis/resourcecatalog.h"
#include "models/item/whocanmodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace rbx {

WhoCanPage::WhoCanPage(QWidget* parent)
    : QWidget(parent)
    , m_verb(new QLineEdit(QStringLiteral("get"), this))
    , m_resource(new QLineEdit(QStringLiteral("secrets"), this))
    , m_namespace(new QComboBox(this))
    , m_name(new QLineEdit(this))
    , m_notes(new QLabel(this))
    , m_view(new QTableView(this))
    , m_model(new WhoCanModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    m_name->setPlaceholderText(tr("any name"));
    m_resource->setToolTip(tr("RESOURCE[.GROUP][/SUBRESOURCE] or a non-resource URL such as /metrics"));
    m_notes->setWordWrap(true);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(WhoCanModel::SortRole);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->setWordWrap(false);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setAlternatingRowColors(true);
    auto* go = new QPushButton(tr("Who can?"), this);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("verb"), this));
    bar->addWidget(m_verb, 1);
    bar->addWidget(new QLabel(tr("resource"), this));
    bar->addWidget(m_resource, 2);
    bar->addWidget(new QLabel(tr("namespace"), this));
    bar->addWidget(m_namespace, 2);
    bar->addWidget(new QLabel(tr("name"), this));
    bar->addWidget(m_name, 1);
    bar->addWidget(go);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_notes);
    connect(go, &QPushButton::clicked, this, &WhoCanPage::run);
    for (auto* e : {m_verb, m_resource, m_name})
        connect(e, &QLineEdit::returnPressed, this, &WhoCanPage::run);
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const auto src = m_proxy->mapToSource(index);
        const auto entry = src.data(WhoCanModel::EntryRole).toInt();
        if (m_policy && (src.column() == WhoCanModel::BindingColumn || src.column() == WhoCanModel::RoleColumn)) {
            const auto& e = m_model->result().entries[static_cast<std::size_t>(entry)];
            const auto& s = m_policy->snapshot();
            if (src.column() == WhoCanModel::BindingColumn) {
                const auto& b = s.bindings[e.binding];
                Q_EMIT objectActivated(b.cluster ? QStringLiteral("ClusterRoleBinding") : QStringLiteral("RoleBinding"),
                                       QString::fromStdString(b.meta.ns), QString::fromStdString(b.meta.name));
            } else {
                const auto& r = s.roles[e.role];
                Q_EMIT objectActivated(r.cluster ? QStringLiteral("ClusterRole") : QStringLiteral("Role"),
                                       QString::fromStdString(r.meta.ns), QString::fromStdString(r.meta.name));
            }
            return;
        }
        const auto kind = m_model->index(src.row(), WhoCanModel::KindColumn).data().toString().trimmed();
        const auto name = m_model->index(src.row(), WhoCanModel::NameColumn).data().toString();
        const auto ns = m_model->index(src.row(), WhoCanModel::NamespaceColumn).data().toString();
        if (kind == QLatin1String("ServiceAccount"))
            Q_EMIT subjectActivated({SubjectKind::ServiceAccount, ns.toStdString(), name.toStdString()});
        else if (kind == QLatin1String("User"))
            Q_EMIT subjectActivated({SubjectKind::User, {}, name.toStdString()});
        else if (kind == QLatin1String("Group"))
            Q_EMIT subjectActivated({SubjectKind::Group, {}, name.toStdString()});
    });
}

WhoCanPage::~WhoCanPage() = default;

void WhoCanPage::setPolicy(std::shared_ptr<const Policy> policy)
{
    m_policy = std::move(policy);
    m_namespace->clear();
    m_namespace->addItem(tr("(all namespaces)"), QStringLiteral("*"));
    m_namespace->addItem(tr("(cluster scope)"), QString());
    if (m_policy)
        for (const auto& ns : m_policy->knownNamespaces())
            m_namespace->addItem(QString::fromStdString(ns), QString::fromStdString(ns));
    m_model->setResult(m_policy, {});
}

void WhoCanPage::query(const QString& verb, const QString& resource, const QString& ns, const QString& name)
{
    m_verb->setText(verb);
    m_resource->setText(resource);
    const int i = m_namespace->findData(ns);
    if (i >= 0)
        m_namespace->setCurrentIndex(i);
    m_name->setText(name);
    run();
}

void WhoCanPage::run()
{
    if (!m_policy)
        return;
    Request req;
    const auto what = m_resource->text().trimmed().toStdString();
    const auto verb = m_verb->text().trimmed().toStdString();
    const auto ns = m_namespace->currentData().toString();
    bool all = ns == QLatin1String("*");
    if (!what.empty() && what.front() == '/') {
        req.resourceRequest = false;
        req.nonResource = {what, verb};
        all = false;
    } else {
        ResourceCatalog catalog(m_policy->snapshot());
        const auto r = catalog.resolve(what);
        if (!r.namespaced)
            all = false;
        req.resource = {all || !r.namespaced ? std::string() : ns.toStdString(), verb, r.group, "", r.resource,
                        r.subresource, m_name->text().trimmed().toStdString()};
    }
    auto result = whoCan(*m_policy, req, all);
    QStringList notes;
    for (const auto& n : result.notes) {
        auto note = QString::fromStdString(n);
        note[0] = note[0].toUpper();
        notes << note + u'.';
    }
    m_notes->setText(tr("%n subject(s). ", nullptr, static_cast<int>(result.entries.size()))
                     + notes.join(QStringLiteral(" "))
                     + tr(" Double-click a subject to open it, a binding or role to see its YAML."));
    m_model->setResult(m_policy, std::move(result));
    m_view->resizeColumnsToContents();
}

} // namespace rbx
