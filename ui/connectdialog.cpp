// SPDX-License-Identifier: Apache-2.0
#include "ui/connectdialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace rbx {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QString authOf(const cluster::Kubeconfig& config, const cluster::ContextEntry& ctx)
{
    const auto* u = config.user(ctx.user);
    if (!u)
        return ctx.user.empty() ? ConnectDialog::tr("anonymous") : ConnectDialog::tr("missing user");
    if (u->exec)
        return ConnectDialog::tr("exec plugin %1").arg(qs(u->exec->command));
    if (!u->tokenFile.empty())
        return ConnectDialog::tr("token file");
    if (!u->token.empty())
        return ConnectDialog::tr("bearer token");
    if (!u->clientCertificate.empty() || !u->clientCertificateData.empty())
        return ConnectDialog::tr("client certificate");
    if (!u->username.empty())
        return ConnectDialog::tr("basic auth");
    if (!u->authProvider.empty())
        return ConnectDialog::tr("auth-provider %1").arg(qs(u->authProvider));
    return ConnectDialog::tr("none");
}

} // namespace

ConnectDialog::ConnectDialog(QWidget* parent)
    : QDialog(parent)
    , m_path(new QLineEdit(this))
    , m_contexts(new QTreeWidget(this))
    , m_hint(new QLabel(this))
    , m_message(new QLabel(this))
    , m_connect(nullptr)
{
    setWindowTitle(tr("Connect to Cluster"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("RBAC Explorer reads the cluster <b>read-only</b>: GET requests only (and access "
                                "reviews when you ask for a cross-check), ServiceAccount token Secrets as metadata "
                                "only. Nothing is written to the cluster, and credentials never leave memory."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(new QLabel(tr("&Kubeconfig:"), this));
    m_path->setPlaceholderText(tr("$KUBECONFIG or ~/.kube/config (merged as kubectl does)"));
    m_path->setClearButtonEnabled(true);
    pathRow->addWidget(m_path, 1);
    auto* browse = new QPushButton(tr("&Browse…"), this);
    pathRow->addWidget(browse);
    layout->addLayout(pathRow);
    static_cast<QLabel*>(pathRow->itemAt(0)->widget())->setBuddy(m_path);

    m_contexts->setColumnCount(6);
    m_contexts->setHeaderLabels({tr("Context"), tr("Cluster"), tr("Server"), tr("User"), tr("Authentication"),
                                 tr("Namespace")});
    m_contexts->setRootIsDecorated(false);
    m_contexts->setAlternatingRowColors(true);
    m_contexts->setUniformRowHeights(true);
    m_contexts->header()->setStretchLastSection(false);
    m_contexts->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_contexts->setMinimumHeight(160);
    layout->addWidget(m_contexts, 1);

    m_hint->setWordWrap(true);
    layout->addWidget(m_hint);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_connect = buttons->addButton(tr("&Connect"), QDialogButtonBox::AcceptRole);
    m_connect->setDefault(true);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, [this] {
        const auto file = QFileDialog::getOpenFileName(this, tr("Choose a kubeconfig"), m_path->text());
        if (!file.isEmpty())
            setKubeconfigPath(file);
    });
    connect(m_path, &QLineEdit::editingFinished, this, &ConnectDialog::reload);
    connect(m_contexts, &QTreeWidget::currentItemChanged, this, &ConnectDialog::updateHint);
    connect(m_contexts, &QTreeWidget::itemDoubleClicked, this, &ConnectDialog::accept);

    QSettings settings;
    m_path->setText(settings.value(QStringLiteral("cluster/kubeconfig")).toString());
    reload();
    const auto last = settings.value(QStringLiteral("cluster/context")).toString();
    if (!last.isEmpty())
        selectContext(last);
    resize(860, 420);
}

void ConnectDialog::setKubeconfigPath(const QString& path)
{
    m_path->setText(path);
    reload();
}

QString ConnectDialog::kubeconfigPath() const
{
    return m_path->text();
}

void ConnectDialog::reload()
{
    m_contexts->clear();
    m_message->clear();
    std::string error;
    m_config = cluster::loadKubeconfig(cluster::kubeconfigSourceFromEnvironment(m_path->text().toStdString()), &error);
    if (!m_config) {
        m_message->setText(QStringLiteral("<span style='color:#b00020'>%1</span>").arg(qs(error).toHtmlEscaped()));
        m_connect->setEnabled(false);
        updateHint();
        return;
    }
    QTreeWidgetItem* current = nullptr;
    for (const auto& ctx : m_config->contexts) {
        const auto* cl = m_config->cluster(ctx.cluster);
        auto* item = new QTreeWidgetItem(m_contexts, {qs(ctx.name), qs(ctx.cluster), cl ? qs(cl->server) : tr("(missing)"),
                                                      qs(ctx.user), authOf(*m_config, ctx), qs(ctx.ns)});
        item->setData(0, Qt::UserRole, qs(ctx.name));
        item->setToolTip(0, tr("from %1").arg(qs(ctx.origin)));
        if (ctx.name == m_config->currentContext) {
            auto f = item->font(0);
            f.setBold(true);
            item->setFont(0, f);
            item->setText(0, qs(ctx.name) + tr(" (current)"));
            current = item;
        }
    }
    if (!current && m_contexts->topLevelItemCount() > 0)
        current = m_contexts->topLevelItem(0);
    m_contexts->setCurrentItem(current);
    m_connect->setEnabled(current != nullptr);
    if (m_config->contexts.empty())
        m_message->setText(m_config->warnings.empty() ? tr("The kubeconfig defines no context.")
                                                       : qs(m_config->warnings.front()).toHtmlEscaped());
    updateHint();
}

void ConnectDialog::updateHint()
{
    const QString name = selectedContext();
    if (!m_config || name.isEmpty()) {
        m_hint->clear();
        return;
    }
    const auto* ctx = m_config->context(name.toStdString());
    const auto* cl = ctx ? m_config->cluster(ctx->cluster) : nullptr;
    const auto* u = ctx ? m_config->user(ctx->user) : nullptr;
    QStringList lines;
    if (u && u->exec)
        lines << tr("Connecting runs the exec plugin <b>%1</b> named by this kubeconfig (%2) to get credentials, "
                    "without a terminal.")
                     .arg(qs(u->exec->command).toHtmlEscaped(), qs(u->origin).toHtmlEscaped());
    if (cl && cl->insecureSkipTlsVerify)
        lines << QStringLiteral("<span style='color:#b00020'><b>%1</b></span>")
                     .arg(tr("Warning: this cluster sets insecure-skip-tls-verify. The server's certificate will NOT "
                             "be verified: anyone on the network path could impersonate it and read the credentials "
                             "sent."));
    m_hint->setText(lines.join(QStringLiteral("<br>")));
}

void ConnectDialog::selectContext(const QString& name)
{
    for (int i = 0; i < m_contexts->topLevelItemCount(); ++i)
        if (m_contexts->topLevelItem(i)->data(0, Qt::UserRole).toString() == name)
            m_contexts->setCurrentItem(m_contexts->topLevelItem(i));
}

QString ConnectDialog::selectedContext() const
{
    const auto* item = m_contexts->currentItem();
    return item ? item->data(0, Qt::UserRole).toString() : QString();
}

int ConnectDialog::contextCount() const
{
    return m_contexts->topLevelItemCount();
}

QString ConnectDialog::message() const
{
    return m_message->text();
}

void ConnectDialog::accept()
{
    if (!m_config || selectedContext().isEmpty())
        return;
    std::string error;
    m_connection = cluster::resolveContext(*m_config, selectedContext().toStdString(), &error);
    if (!m_connection) {
        m_message->setText(QStringLiteral("<span style='color:#b00020'>%1</span>").arg(qs(error).toHtmlEscaped()));
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("cluster/kubeconfig"), m_path->text()); // a path and a name: no credential
    settings.setValue(QStringLiteral("cluster/context"), selectedContext());
    QDialog::accept();
}

} // namespace rbx
