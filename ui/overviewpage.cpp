// SPDX-License-Identifier: Apache-2.0
#include "ui/overviewpage.h"

#include "models/analysis/explain.h"
#include "models/analysis/resourcecatalog.h"
#include "models/analysis/subjectdetails.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace rbx {

namespace {

QString esc(const std::string& s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString link(const ObjectLink& o)
{
    const auto text = o.ns.empty() ? QString::fromStdString(o.name) : QString::fromStdString(o.ns + '/' + o.name);
    return objectLink(QString::fromStdString(o.kind), QString::fromStdString(o.ns), QString::fromStdString(o.name),
                      text);
}

} // namespace

QString objectLink(const QString& kind, const QString& ns, const QString& name, const QString& text)
{
    QUrl url;
    url.setScheme(QStringLiteral("rbx"));
    url.setHost(kind.toLower());
    url.setPath(u'/' + ns + u'/' + name);
    return QStringLiteral("<a href=\"%1\">%2</a>").arg(url.toString(QUrl::FullyEncoded).toHtmlEscaped(), text.toHtmlEscaped());
}

bool parseObjectLink(const QUrl& url, QString& kind, QString& ns, QString& name)
{
    if (url.scheme() != QLatin1String("rbx"))
        return false;
    static const QStringList kinds {QStringLiteral("ServiceAccount"), QStringLiteral("User"), QStringLiteral("Group"),
                                    QStringLiteral("RoleBinding"), QStringLiteral("ClusterRoleBinding"),
                                    QStringLiteral("Role"), QStringLiteral("ClusterRole"), QStringLiteral("Secret"),
                                    QStringLiteral("Pod"), QStringLiteral("Deployment"), QStringLiteral("StatefulSet"),
                                    QStringLiteral("DaemonSet"), QStringLiteral("ReplicaSet"), QStringLiteral("Job"),
                                    QStringLiteral("CronJob")};
    kind.clear();
    for (const auto& k : kinds)
        if (k.toLower() == url.host())
            kind = k;
    const auto parts = url.path().split(u'/');
    if (kind.isEmpty() || parts.size() < 3)
        return false;
    ns = parts[1];
    name = parts.mid(2).join(u'/');
    return true;
}

OverviewPage::OverviewPage(QWidget* parent)
    : QWidget(parent)
    , m_text(new QTextBrowser(this))
    , m_verb(new QLineEdit(QStringLiteral("get"), this))
    , m_resource(new QLineEdit(QStringLiteral("secrets"), this))
    , m_namespace(new QComboBox(this))
    , m_name(new QLineEdit(this))
    , m_answer(new QLabel(this))
    , m_why(new QTextBrowser(this))
{
    m_text->setOpenLinks(false);
    m_why->setOpenLinks(false);
    m_why->setMaximumHeight(96);
    m_namespace->setEditable(true);
    m_name->setPlaceholderText(tr("any name"));
    m_resource->setToolTip(tr("RESOURCE[.GROUP][/SUBRESOURCE] (pods, deployments.apps/scale, pods/exec) or a "
                              "non-resource URL such as /metrics"));
    auto* ask = new QPushButton(tr("Ask"), this);
    auto* box = new QGroupBox(tr("Can this subject…"), this);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("verb"), box));
    row->addWidget(m_verb, 1);
    row->addWidget(new QLabel(tr("resource"), box));
    row->addWidget(m_resource, 2);
    row->addWidget(new QLabel(tr("namespace"), box));
    row->addWidget(m_namespace, 2);
    row->addWidget(new QLabel(tr("name"), box));
    row->addWidget(m_name, 1);
    row->addWidget(ask);
    auto* boxLayout = new QVBoxLayout(box);
    boxLayout->addLayout(row);
    boxLayout->addWidget(m_answer);
    boxLayout->addWidget(m_why);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text, 1);
    layout->addWidget(box);
    for (auto* edit : {m_verb, m_resource, m_name})
        connect(edit, &QLineEdit::returnPressed, this, &OverviewPage::evaluate);
    connect(ask, &QPushButton::clicked, this, &OverviewPage::evaluate);
    auto onLink = [this](const QUrl& url) {
        QString kind, ns, name;
        if (parseObjectLink(url, kind, ns, name))
            Q_EMIT objectActivated(kind, ns, name);
    };
    connect(m_text, &QTextBrowser::anchorClicked, this, onLink);
    connect(m_why, &QTextBrowser::anchorClicked, this, onLink);
}

OverviewPage::~OverviewPage() = default;

void OverviewPage::setPolicy(std::shared_ptr<const Policy> policy)
{
    m_policy = std::move(policy);
    m_hasSubject = false;
    m_text->clear();
    m_answer->clear();
    m_why->clear();
    m_namespace->clear();
    m_namespace->addItem(tr("(cluster scope)"), QString());
    if (m_policy)
        for (const auto& ns : m_policy->knownNamespaces())
            m_namespace->addItem(QString::fromStdString(ns), QString::fromStdString(ns));
}

void OverviewPage::showSubject(const SubjectRef& subject)
{
    if (!m_policy)
        return;
    m_subject = subject;
    m_hasSubject = true;
    const auto d = subjectDetails(*m_policy, subject);
    QString html;
    html += QStringLiteral("<h2>%1</h2>").arg(esc(subject.display()));
    html += QStringLiteral("<p><b>%1</b> <code>%2</code><br><b>%3</b> %4</p>")
                .arg(tr("Authenticates as"), esc(d.user.name), tr("Groups"),
                     esc([&] {
                         std::string g;
                         for (const auto& x : d.user.groups)
                             g += (g.empty() ? "" : ", ") + x;
                         return g.empty() ? std::string("(none)") : g;
                     }()));
    QStringList facts;
    const auto& s = d.summary;
    if (subject.kind == SubjectKind::ServiceAccount) {
        if (!s.exists)
            facts << tr("<span style='color:#6a1b9a'><b>The ServiceAccount does not exist</b></span>: bindings name "
                        "it, so one created later with this name silently inherits them.");
        if (s.isDefault)
            facts << tr("This is the namespace's <b>default</b> ServiceAccount: every pod without "
                        "serviceAccountName runs as it.");
        if (s.exists)
            facts << (s.automountOn() ? tr("Token automount: <b>on</b>%1")
                                            .arg(s.automount ? QString() : tr(" (not set: defaults to on)"))
                                      : tr("Token automount: off"));
    }
    if (s.clusterAdminEquivalent)
        facts << tr("<span style='color:#c62828'><b>Cluster-admin equivalent</b></span>: every verb on every "
                    "resource, cluster-wide.");
    for (const auto& c : s.cloudIdentity)
        facts << tr("Cloud workload identity: <code>%1</code>").arg(esc(c));
    if (!facts.isEmpty())
        html += QStringLiteral("<ul><li>") + facts.join(QStringLiteral("</li><li>")) + QStringLiteral("</li></ul>");

    html += QStringLiteral("<h3>%1 (%2)</h3>").arg(tr("Bindings")).arg(d.bindings.size());
    if (d.bindings.empty()) {
        html += tr("<p>No binding applies to this subject.</p>");
    } else {
        html += QStringLiteral("<table cellspacing=6><tr><th align=left>%1</th><th align=left>%2</th><th "
                               "align=left>%3</th><th align=left>%4</th></tr>")
                    .arg(tr("Binding"), tr("Role"), tr("Scope"), tr("Via"));
        for (const auto& b : d.bindings)
            html += QStringLiteral("<tr><td>%1 %2</td><td>%3 %4%5</td><td>%6</td><td>%7</td></tr>")
                        .arg(esc(b.binding.kind), link(b.binding), esc(b.role.kind), link(b.role),
                             b.roleMissing ? tr(" <span style='color:#6a1b9a'>(missing: grants nothing)</span>")
                                           : QString(),
                             esc(b.scope), esc(b.via));
        html += QStringLiteral("</table>");
    }
    if (subject.kind == SubjectKind::ServiceAccount) {
        html += QStringLiteral("<h3>%1 (%2)</h3>").arg(tr("Pods and workloads using it")).arg(d.workloads.size());
        if (d.workloads.empty())
            html += tr("<p>None in the snapshot.</p>");
        else {
            QStringList items;
            for (const auto& w : d.workloads)
                items << esc(w.kind) + u' ' + link(w);
            html += QStringLiteral("<p>") + items.join(QStringLiteral("<br>")) + QStringLiteral("</p>");
        }
        html += QStringLiteral("<h3>%1 (%2)</h3>").arg(tr("Legacy token Secrets")).arg(d.tokens.size());
        for (const auto& t : d.tokens) {
            QStringList parts;
            parts << (t.autoGenerated ? tr("auto-generated") : tr("manually created"));
            parts << tr("created %1").arg(esc(t.created.empty() ? std::string("?") : t.created));
            parts << (t.lastUsed.empty() ? tr("never used since tracking began") : tr("last used %1").arg(esc(t.lastUsed)));
            if (!t.invalidSince.empty())
                parts << tr("<b>invalid since %1</b>").arg(esc(t.invalidSince));
            if (!t.fingerprint.empty())
                parts << tr("SHA-256 %1…").arg(esc(t.fingerprint.substr(0, 16)));
            for (const auto& m : t.mountedBy)
                parts << tr("mounted by %1 %2").arg(esc(m.kind), link(m));
            html += QStringLiteral("<p>%1: %2</p>").arg(link(t.secret), parts.join(QStringLiteral(", ")));
        }
        if (!d.annotations.empty()) {
            html += QStringLiteral("<h3>%1</h3><table cellspacing=4>").arg(tr("Annotations"));
            for (const auto& [k, v] : d.annotations)
                html += QStringLiteral("<tr><td><code>%1</code></td><td><code>%2</code></td></tr>").arg(esc(k), esc(v));
            html += QStringLiteral("</table>");
        }
    }
    m_text->setHtml(html);
    if (subject.kind == SubjectKind::ServiceAccount) {
        const int i = m_namespace->findData(QString::fromStdString(subject.ns));
        if (i >= 0)
            m_namespace->setCurrentIndex(i);
    }
    evaluate();
}

void OverviewPage::ask(const QString& verb, const QString& resource, const QString& ns, const QString& name)
{
    m_verb->setText(verb);
    m_resource->setText(resource);
    const int i = m_namespace->findData(ns);
    if (i >= 0)
        m_namespace->setCurrentIndex(i);
    else
        m_namespace->setEditText(ns);
    m_name->setText(name);
    evaluate();
}

QString OverviewPage::answerText() const
{
    return m_answer->text();
}

void OverviewPage::evaluate()
{
    if (!m_policy || !m_hasSubject)
        return;
    Request req;
    req.user = userInfoOf(m_subject);
    const auto resource = m_resource->text().trimmed().toStdString();
    const auto verb = m_verb->text().trimmed().toStdString();
    QString ns = m_namespace->currentData().toString();
    if (m_namespace->currentText() != m_namespace->itemText(m_namespace->currentIndex()))
        ns = m_namespace->currentText().trimmed();
    if (!resource.empty() && resource.front() == '/') {
        req.resourceRequest = false;
        req.nonResource = {resource, verb};
    } else {
        ResourceCatalog catalog(m_policy->snapshot());
        const auto r = catalog.resolve(resource);
        req.resource = {r.namespaced ? ns.toStdString() : std::string(), verb, r.group, "", r.resource,
                        r.subresource, m_name->text().trimmed().toStdString()};
    }
    const auto d = m_policy->authorize(req);
    m_answer->setText(d.allowed ? tr("<b style='color:#c62828'>yes</b>") : tr("<b>no</b>"));
    if (!d.allowed) {
        m_why->setHtml(d.reason.empty() ? tr("No binding grants this.") : esc(d.reason));
        return;
    }
    QString html = esc(d.reason) + QStringLiteral("<br>");
    for (const auto& step : provenanceChain(*m_policy, *d.grant)) {
        if (step.kind == "Rule")
            html += QStringLiteral(" → rule %1: <code>%2</code>").arg(esc(step.name), esc(step.detail));
        else
            html += QStringLiteral(" → %1 %2").arg(esc(step.kind), link({step.kind, step.ns, step.name}));
    }
    m_why->setHtml(html);
}

} // namespace rbx
