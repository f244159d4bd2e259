// SPDX-License-Identifier: Apache-2.0
#include "ui/crosscheckdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace rbx {

namespace {

QString describe(const Request& r)
{
    if (!r.resourceRequest)
        return QString::fromStdString(r.nonResource.verb + ' ' + r.nonResource.path);
    std::string res = r.resource.resource;
    if (!r.resource.group.empty())
        res += '.' + r.resource.group;
    if (!r.resource.subresource.empty())
        res += '/' + r.resource.subresource;
    return QString::fromStdString(r.resource.verb + ' ' + res
                                  + (r.resource.ns.empty() ? std::string(" (cluster)") : " in " + r.resource.ns));
}

} // namespace

CrossCheckDialog::CrossCheckDialog(const cluster::ConnectionConfig& connection, std::shared_ptr<const Policy> policy,
                                   const UserInfo& user, const std::string& ns, QWidget* parent)
    : QDialog(parent)
    , m_policy(std::move(policy))
    , m_cancel(std::make_shared<std::atomic_bool>(false))
    , m_summary(new QLabel(this))
    , m_showAll(new QCheckBox(tr("Show &agreements too"), this))
    , m_list(new QTreeWidget(this))
{
    setWindowTitle(tr("Cross-check %1 with %2").arg(QString::fromStdString(user.name),
                                                     QString::fromStdString(connection.context)));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Sample requests for <b>%1</b> are evaluated here and asked of the API server as "
                                "SubjectAccessReviews (they change nothing). A disagreement means the cluster "
                                "authorizes by more than RBAC (webhook or Node authorizers, system:masters), or "
                                "the snapshot has drifted.")
                                 .arg(QString::fromStdString(user.name).toHtmlEscaped()),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_summary->setText(tr("Asking the server…"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_list->setColumnCount(4);
    m_list->setHeaderLabels({tr("Request"), tr("RBAC Explorer"), tr("Server"), tr("Server's reason")});
    m_list->setRootIsDecorated(false);
    m_list->setAlternatingRowColors(true);
    m_list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_showAll);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_showAll, &QCheckBox::toggled, this, &CrossCheckDialog::showResult);
    resize(900, 520);

    const auto requests = cluster::sampleRequests(*m_policy, user, ns, 200);
    auto flag = m_cancel;
    auto policyRef = m_policy;
    m_watcher.setFuture(QtConcurrent::run([connection, policyRef, requests, flag] {
        return cluster::crossCheck(connection, *policyRef, requests, 4, [flag] { return flag->load(); });
    }));
    connect(&m_watcher, &QFutureWatcher<cluster::CrossCheckResult>::finished, this, [this] {
        m_result = m_watcher.result();
        showResult();
        Q_EMIT finished();
    });
}

CrossCheckDialog::~CrossCheckDialog()
{
    m_cancel->store(true);
    m_watcher.waitForFinished();
}

bool CrossCheckDialog::isRunning() const
{
    return m_watcher.isRunning();
}

QString CrossCheckDialog::summary() const
{
    return m_summary->text();
}

int CrossCheckDialog::rowCount() const
{
    return m_list->topLevelItemCount();
}

void CrossCheckDialog::showResult()
{
    if (m_watcher.isRunning())
        return;
    m_list->clear();
    if (!m_result.ok) {
        m_summary->setText(QStringLiteral("<span style='color:#b00020'>%1</span>")
                               .arg(QString::fromStdString(m_result.error).toHtmlEscaped()));
        return;
    }
    const auto disagreements = m_result.disagreements();
    m_summary->setText(
        tr("%1 requests compared: <b>%2 disagreement(s)</b>, %3 failed review(s).")
            .arg(m_result.samples.size())
            .arg(disagreements)
            .arg(m_result.failures()));
    for (const auto& s : m_result.samples) {
        if (!m_showAll->isChecked() && !s.disagrees() && s.server)
            continue;
        auto* item = new QTreeWidgetItem(
            m_list, {describe(s.request), s.ours ? tr("yes") : tr("no"),
                     s.server ? (*s.server ? tr("yes") : tr("no")) : tr("error: %1").arg(QString::fromStdString(s.error)),
                     QString::fromStdString(s.serverReason)});
        item->setToolTip(1, QString::fromStdString(s.ourReason));
        if (s.disagrees())
            for (int c = 0; c < 4; ++c)
                item->setForeground(c, QColor(0xb0, 0x00, 0x20));
    }
}

} // namespace rbx
