// SPDX-License-Identifier: Apache-2.0
#include "ui/remediationbasket.h"

#include "models/io/kustomize.h"
#include "models/item/basketmodel.h"
#include "ui/yamlhighlighter.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <set>

namespace rbx {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QString objectText(const ObjectLink& o)
{
    return qs(o.kind + ' ' + (o.ns.empty() ? o.name : o.ns + '/' + o.name));
}

constexpr int kKindRole = Qt::UserRole;
constexpr int kNsRole = Qt::UserRole + 1;
constexpr int kNameRole = Qt::UserRole + 2;

QTreeWidgetItem* objectItem(QTreeWidgetItem* parent, const ObjectLink& o, const QString& what)
{
    auto* item = new QTreeWidgetItem(parent, {objectText(o), what});
    item->setData(0, kKindRole, qs(o.kind));
    item->setData(0, kNsRole, qs(o.ns));
    item->setData(0, kNameRole, qs(o.name));
    item->setToolTip(1, what);
    return item;
}

} // namespace

RemediationBasketWidget::RemediationBasketWidget(BasketModel* basket, QWidget* parent)
    : QWidget(parent)
    , m_basket(basket)
    , m_list(new QListView(this))
    , m_summary(new QLabel(this))
    , m_views(new QTabWidget(this))
    , m_yaml(new QPlainTextEdit(this))
    , m_objects(new QTreeWidget(this))
    , m_access(new QTextBrowser(this))
    , m_remove(new QPushButton(tr("Remove"), this))
    , m_clear(new QPushButton(tr("Clear"), this))
{
    m_list->setModel(m_basket);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setWordWrap(true);
    m_list->setTextElideMode(Qt::ElideRight);
    m_summary->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("BasketSummary"));

    m_yaml->setReadOnly(true);
    m_yaml->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_yaml->setLineWrapMode(QPlainTextEdit::NoWrap);
    new YamlHighlighter(m_yaml->document());
    m_objects->setHeaderLabels({tr("Object"), tr("Change")});
    m_objects->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_objects->setRootIsDecorated(true);
    m_access->setOpenLinks(false);
    m_access->setObjectName(QStringLiteral("AccessDiff"));
    m_list->setAlternatingRowColors(true);
    m_list->setSpacing(1);
    m_views->setDocumentMode(true);
    m_views->addTab(m_yaml, tr("YAML"));
    m_views->addTab(m_objects, tr("Affected objects"));
    m_views->addTab(m_access, tr("Access diff"));

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(tr("Fixes in the basket:"), left));
    leftLayout->addWidget(m_list, 1);
    auto* listButtons = new QHBoxLayout;
    listButtons->addWidget(m_remove);
    listButtons->addWidget(m_clear);
    listButtons->addStretch(1);
    leftLayout->addLayout(listButtons);
    leftLayout->addWidget(m_summary);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(QStringLiteral("BasketSplitter"));
    split->addWidget(left);
    split->addWidget(m_views);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({240, 520});

    auto* exports = new QHBoxLayout;
    const QStringList labels {tr("Export overlay…"), tr("Export fixed YAML…"), tr("Export report…")};
    const QStringList tips {tr("A kustomize overlay: kustomization.yaml, base/, patches/, new/, delete.yaml, REPORT.md"),
                            tr("The fixed objects, rendered, as one multi-document YAML file"),
                            tr("The findings, fixes and access diff as HTML or Markdown")};
    for (int i = 0; i < labels.size(); ++i) {
        auto* b = new QPushButton(labels[i], this);
        b->setToolTip(tips[i]);
        connect(b, &QPushButton::clicked, this, [this, i] { chooseExport(i); });
        exports->addWidget(b);
        m_exports << b;
    }
    exports->addStretch(1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split, 1);
    layout->addLayout(exports);

    connect(m_basket, &BasketModel::changed, this, &RemediationBasketWidget::refresh);
    connect(m_remove, &QPushButton::clicked, this, [this] {
        std::vector<std::string> ids;
        for (const auto& index : m_list->selectionModel()->selectedIndexes())
            ids.push_back(index.data(BasketModel::FixIdRole).toString().toStdString());
        for (const auto& id : ids)
            m_basket->remove(id);
    });
    connect(m_clear, &QPushButton::clicked, m_basket, &BasketModel::clear);
    auto activate = [this](QTreeWidgetItem* item) {
        if (item && item->data(0, kKindRole).isValid())
            Q_EMIT objectActivated(item->data(0, kKindRole).toString(), item->data(0, kNsRole).toString(),
                                   item->data(0, kNameRole).toString());
    };
    connect(m_objects, &QTreeWidget::itemDoubleClicked, this, activate);
    connect(m_access, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        const auto parts = url.path(QUrl::FullyDecoded).split(u'/');
        if (url.scheme() == QLatin1String("rbx") && parts.size() == 3)
            Q_EMIT objectActivated(parts[0], parts[1], parts[2]);
    });
    refresh();
}

RemediationBasketWidget::~RemediationBasketWidget() = default;

void RemediationBasketWidget::setContext(std::shared_ptr<const Policy> policy, std::vector<Finding> findings)
{
    m_policy = std::move(policy);
    m_findings = std::move(findings);
    refresh();
}

QString RemediationBasketWidget::yamlText() const
{
    return m_yaml->toPlainText();
}

void RemediationBasketWidget::refresh()
{
    m_plan.reset();
    m_objects->clear();
    m_access->clear();
    const bool any = m_policy && !m_basket->fixes().empty();
    for (auto* b : m_exports)
        b->setEnabled(any);
    m_remove->setEnabled(any);
    m_clear->setEnabled(any);
    if (!any) {
        m_yaml->setPlainText(tr("# The basket is empty.\n# On the Findings tab, pick a finding and click \"Add to basket\" "
                                "on one of its fixes."));
        m_summary->setText(tr("No fixes yet."));
        return;
    }
    m_plan = planRemediation(*m_policy, m_findings, m_basket->fixes());
    const auto& plan = *m_plan;
    m_yaml->setPlainText(QString::fromStdString(io::combinedYaml(plan)));

    auto* patched = new QTreeWidgetItem(m_objects, {tr("Patched (%1)").arg(plan.base.size())});
    for (const auto& o : plan.base) {
        QStringList changes;
        for (const auto* s : plan.patchSteps())
            if (s->op.target.kind == o.kind && s->op.target.ns == o.ns && s->op.target.name == o.name)
                changes << qs(s->fixId.substr(0, s->fixId.find(':')));
        changes.removeDuplicates();
        objectItem(patched, o, tr("patched by %1").arg(changes.join(QStringLiteral(", "))));
    }
    const auto created = plan.created();
    auto* added = new QTreeWidgetItem(m_objects, {tr("New (%1)").arg(created.size())});
    for (const auto* c : created)
        objectItem(added, c->op.target, tr("new, for %1").arg(qs(c->fixId.substr(0, c->fixId.find(':')))));
    auto* deleted = new QTreeWidgetItem(m_objects, {tr("Deleted (%1)").arg(plan.deletions.size())});
    for (const auto& d : plan.deletions)
        objectItem(deleted, d.object, qs(d.reason));
    m_objects->expandAll();

    // What each ServiceAccount loses, as a table that wraps.
    auto link = [](const ObjectLink& o) {
        return QStringLiteral("<a href=\"rbx:%1/%2/%3\">%4</a>")
            .arg(qs(o.kind), qs(o.ns), qs(o.name), objectText(o).toHtmlEscaped());
    };
    std::set<std::string> subjects;
    QString html = tr("<p>Click a name to open it. <i>(kept here)</i> marks cluster-wide access that stays in that "
                      "namespace.</p>");
    if (plan.access.empty())
        html += tr("<p>No ServiceAccount's RBAC access changes.</p>");
    else
        html += tr("<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\"><tr><th>ServiceAccount</th>"
                   "<th>Scope</th><th>Loses</th><th>Gains or keeps</th></tr>");
    for (const auto& a : plan.access) {
        QStringList lost, gained;
        for (const auto& l : a.lost)
            lost << qs(l).toHtmlEscaped();
        for (const auto& g : a.gained)
            gained << qs(g).toHtmlEscaped();
        const auto slash = a.subject.find('/');
        const bool first = subjects.insert(a.subject).second;
        html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>")
                    .arg(first ? link({"ServiceAccount", a.subject.substr(0, slash), a.subject.substr(slash + 1)})
                               : QString(),
                         qs(a.scope).toHtmlEscaped(), lost.join(QStringLiteral("<br>")),
                         gained.join(QStringLiteral("<br>")));
    }
    if (!plan.access.empty())
        html += QStringLiteral("</table>");
    if (!plan.workloads.empty()) {
        html += tr("<p><b>Workloads</b></p><table border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\">"
                   "<tr><th>Workload</th><th>Before</th><th>After</th></tr>");
        for (const auto& w : plan.workloads)
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>")
                        .arg(link(w.workload), qs(w.before).toHtmlEscaped(), qs(w.after).toHtmlEscaped());
        html += QStringLiteral("</table>");
    }
    m_access->setHtml(html);

    m_summary->setText(tr("%1 fix(es) for %2 finding(s): %3 object(s) patched, %4 new, %5 deleted; %6 ServiceAccount(s) "
                          "lose access.%7")
                           .arg(plan.fixes.size())
                           .arg(plan.findingIds().size())
                           .arg(plan.base.size())
                           .arg(created.size())
                           .arg(plan.deletions.size())
                           .arg(subjects.size())
                           .arg(plan.skipped.empty() ? QString()
                                                     : tr(" %n change(s) left out (duplicates or overlaps).", nullptr,
                                                          static_cast<int>(plan.skipped.size()))));
}

bool RemediationBasketWidget::exportOverlay(const QString& dir, QString* error)
{
    if (!m_plan)
        return false;
    std::string e;
    const bool ok = io::writeOverlay(dir.toStdString(), *m_plan, &e);
    if (!ok && error)
        *error = qs(e);
    return ok;
}

bool RemediationBasketWidget::exportAfterState(const QString& file, QString* error)
{
    if (!m_plan)
        return false;
    std::string e;
    const bool ok = io::writeText(file.toStdString(), io::afterStateYaml(*m_plan), &e);
    if (!ok && error)
        *error = qs(e);
    return ok;
}

bool RemediationBasketWidget::exportReport(const QString& file, QString* error)
{
    if (!m_plan)
        return false;
    const auto suffix = QFileInfo(file).suffix().toLower();
    const auto text = suffix == QLatin1String("html") || suffix == QLatin1String("htm")
        ? io::reportHtml(*m_plan, RBX_VERSION)
        : io::reportMarkdown(*m_plan, RBX_VERSION);
    std::string e;
    const bool ok = io::writeText(file.toStdString(), text, &e);
    if (!ok && error)
        *error = qs(e);
    return ok;
}

void RemediationBasketWidget::chooseExport(int what)
{
    QString target;
    bool ok = false;
    QString error;
    if (what == 0) {
        target = QFileDialog::getExistingDirectory(this, tr("Export the overlay into a folder"));
        if (target.isEmpty())
            return;
        if (!QDir(target).isEmpty()
            && QMessageBox::question(this, tr("Folder not empty"),
                                     tr("%1 is not empty. Write the overlay into it anyway?").arg(target))
                != QMessageBox::Yes)
            return;
        ok = exportOverlay(target, &error);
    } else if (what == 1) {
        target = QFileDialog::getSaveFileName(this, tr("Export the fixed objects"), QStringLiteral("fixed.yaml"),
                                              tr("YAML (*.yaml *.yml)"));
        if (target.isEmpty())
            return;
        ok = exportAfterState(target, &error);
    } else {
        target = QFileDialog::getSaveFileName(this, tr("Export the report"), QStringLiteral("remediation-report.html"),
                                              tr("HTML (*.html);;Markdown (*.md)"));
        if (target.isEmpty())
            return;
        ok = exportReport(target, &error);
    }
    if (!ok)
        QMessageBox::warning(this, tr("Export failed"), error.isEmpty() ? tr("Could not write %1").arg(target) : error);
}

} // namespace rbx
