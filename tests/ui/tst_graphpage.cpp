// SPDX-License-Identifier: Apache-2.0
// The graph page offscreen: a demo ServiceAccount's graph, clicking a node, highlighting a grant path, grouping and
// expanding rules, PNG and SVG export. Screenshots land in build/screenshots (or $SCREENSHOT_DIR).
#include "ui/graphpage.h"
#include "models/analysis/identity.h"
#include "models/io/snapshotloader.h"
#include "testutils.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QGraphicsItem>
#include <QGraphicsView>
#include <QImage>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QWheelEvent>

using namespace rbx;

namespace {

// QGraphicsItem::data() keys the page sets on node items.
enum ItemData { NodeIndexData, ObjectKindData, NamespaceData, NameData, NodeIdData };

QString screenshotDir()
{
    QString dir = qEnvironmentVariable("SCREENSHOT_DIR");
    if (dir.isEmpty())
        dir = QStringLiteral(RBX_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    return dir;
}

QList<QGraphicsItem*> nodeItems(QGraphicsView* view)
{
    QList<QGraphicsItem*> nodes;
    const auto items = view->scene()->items();
    for (auto* item : items)
        if (item->data(NodeIndexData).isValid())
            nodes << item;
    return nodes;
}

QGraphicsItem* findItem(QGraphicsView* view, const QString& kind, const QString& name)
{
    const auto nodes = nodeItems(view);
    for (auto* item : nodes)
        if (item->data(ObjectKindData).toString() == kind && item->data(NameData).toString() == name)
            return item;
    return nullptr;
}

QGraphicsItem* findById(QGraphicsView* view, const QString& prefix, const QString& name)
{
    const auto nodes = nodeItems(view);
    for (auto* item : nodes)
        if (item->data(NodeIdData).toString().startsWith(prefix) && item->data(NameData).toString() == name)
            return item;
    return nullptr;
}

QPoint viewportPos(QGraphicsView* view, QGraphicsItem* item)
{
    return view->mapFromScene(item->sceneBoundingRect().center());
}

QAction* action(GraphPage& page, const QString& text)
{
    const auto actions = page.findChild<QToolBar*>()->actions();
    for (auto* a : actions)
        if (a->text() == text)
            return a;
    return nullptr;
}

} // namespace

class TestGraphPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void showsServiceAccount_data();
    void showsServiceAccount();
    void zoomPanAndFit();
    void highlightsGrantPath();
    void groupsAndExpandsRules();
    void exportsPngAndSvg();
    void sixtyBindings();
    void hiddenTabWaitsUntilShown();

private:
    std::shared_ptr<const Policy> m_policy;
};

void TestGraphPage::initTestCase()
{
    m_policy = std::make_shared<const Policy>(io::loadSnapshot({RBX_SOURCE_DIR "/resources/demo"}));
    QVERIFY(m_policy->snapshot().serviceAccounts.size() > 50);
}

void TestGraphPage::showsServiceAccount_data()
{
    QTest::addColumn<QString>("ns");
    QTest::addColumn<QString>("sa");
    QTest::addColumn<QString>("bindingKind");
    QTest::addColumn<QString>("bindingNs");
    QTest::addColumn<QString>("binding");
    QTest::addRow("aggregated ClusterRole") << "payments" << "payments-operator" << "RoleBinding" << "payments"
                                            << "payments-operator";
    QTest::addRow("wildcard ClusterRole") << "team-a" << "ci-runner" << "ClusterRoleBinding" << ""
                                          << "ci-runner-superuser";
}

void TestGraphPage::showsServiceAccount()
{
    QFETCH(QString, ns);
    QFETCH(QString, sa);
    QFETCH(QString, bindingKind);
    QFETCH(QString, bindingNs);
    QFETCH(QString, binding);
    GraphPage page;
    page.resize(1366, 768);
    page.setPolicy(m_policy);
    page.showSubject({SubjectKind::ServiceAccount, ns.toStdString(), sa.toStdString()});
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    auto* view = page.findChild<QGraphicsView*>();
    QVERIFY(view);
    QVERIFY(nodeItems(view).size() > 10);
    QVERIFY(findItem(view, QStringLiteral("ServiceAccount"), sa));
    QVERIFY(findItem(view, QStringLiteral("Deployment"), sa));
    // Fitted: the whole graph is in view.
    const auto graphInView = view->mapFromScene(view->sceneRect()).boundingRect().adjusted(2, 2, -2, -2);
    QVERIFY(view->viewport()->rect().contains(graphInView));
    QVERIFY(page.grab().save(screenshotDir() + QStringLiteral("/graph-%1.png").arg(sa)));

    auto* item = findItem(view, bindingKind, binding);
    QVERIFY(item);
    QSignalSpy activated(&page, &GraphPage::objectActivated);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, viewportPos(view, item));
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), bindingKind);
    QCOMPARE(activated.at(0).at(1).toString(), bindingNs);
    QCOMPARE(activated.at(0).at(2).toString(), binding);

    // A click on the background activates nothing; a drag pans instead of clicking.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, QPoint(3, 3));
    QCOMPARE(activated.count(), 1);
}

void TestGraphPage::zoomPanAndFit()
{
    GraphPage page;
    page.resize(1366, 768);
    page.setPolicy(m_policy);
    page.showSubject({SubjectKind::ServiceAccount, "team-a", "ci-runner"});
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    auto* view = page.findChild<QGraphicsView*>();
    view->setFocus();
    const double fitted = view->transform().m11();
    QVERIFY(fitted > 0.3 && fitted <= 1.0);
    QTest::keyClick(view, Qt::Key_Plus);
    QVERIFY(view->transform().m11() > fitted);
    QTest::keyClick(view, Qt::Key_Minus);
    QTest::keyClick(view, Qt::Key_Minus);
    QVERIFY(view->transform().m11() < fitted);
    QTest::keyClick(view, Qt::Key_F);
    QCOMPARE(view->transform().m11(), fitted);

    // Ctrl+wheel zooms, around the mouse.
    const QPointF at = view->viewport()->rect().center();
    QWheelEvent wheel(at, view->viewport()->mapToGlobal(at), {}, QPoint(0, 240), Qt::NoButton, Qt::ControlModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(view->viewport(), &wheel);
    const double zoomed = view->transform().m11();
    QVERIFY(zoomed > fitted * 1.4);

    // Dragging the background pans and activates nothing.
    QSignalSpy activated(&page, &GraphPage::objectActivated);
    const int h = view->horizontalScrollBar()->value();
    const int v = view->verticalScrollBar()->value();
    const QPoint start = view->viewport()->rect().center();
    QTest::mousePress(view->viewport(), Qt::LeftButton, {}, start);
    QTest::mouseMove(view->viewport(), start + QPoint(-60, -40));
    QTest::mouseMove(view->viewport(), start + QPoint(-120, -80));
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, start + QPoint(-120, -80));
    QVERIFY(view->horizontalScrollBar()->value() != h || view->verticalScrollBar()->value() != v);
    QCOMPARE(activated.count(), 0);
    QCOMPARE(view->transform().m11(), zoomed);

    // The toolbar's Fit button fits again.
    action(page, QStringLiteral("Fit"))->trigger();
    QCOMPARE(view->transform().m11(), fitted);
}

void TestGraphPage::highlightsGrantPath()
{
    GraphPage page;
    page.resize(1366, 768);
    page.setPolicy(m_policy);
    const SubjectRef subject {SubjectKind::ServiceAccount, "payments", "payments-operator"};
    page.showSubject(subject);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    Request req;
    req.user = userInfoOf(subject);
    req.resource = {"payments", "get", "", "v1", "secrets", "", ""};
    const auto grants = m_policy->grantsFor(req);
    QCOMPARE(grants.size(), std::size_t(1));
    page.highlightGrants(grants);
    auto* view = page.findChild<QGraphicsView*>();
    auto* secretsRule = findById(view, QStringLiteral("rule:"), QStringLiteral("payments-operator-secrets"));
    auto* source = findItem(view, QStringLiteral("ClusterRole"), QStringLiteral("payments-operator-secrets"));
    auto* binding = findItem(view, QStringLiteral("RoleBinding"), QStringLiteral("payments-operator"));
    auto* other = findById(view, QStringLiteral("rule:"), QStringLiteral("payments-operator-workloads"));
    auto* discovery = findItem(view, QStringLiteral("ClusterRoleBinding"), QStringLiteral("system:discovery"));
    QVERIFY(secretsRule && source && binding && other && discovery);
    QCOMPARE(secretsRule->opacity(), 1.0);
    QCOMPARE(source->opacity(), 1.0);
    QCOMPARE(binding->opacity(), 1.0);
    QVERIFY(other->opacity() < 0.5);
    QVERIFY(discovery->opacity() < 0.5);
    QVERIFY(page.grab().save(screenshotDir() + QStringLiteral("/graph-payments-operator-highlight.png")));
    page.highlightGrants({});
    QCOMPARE(discovery->opacity(), 1.0);
}

void TestGraphPage::groupsAndExpandsRules()
{
    GraphPage page;
    page.resize(1366, 768);
    page.setPolicy(m_policy);
    page.showSubject({SubjectKind::ServiceAccount, "payments", "payments-operator"});
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    auto* view = page.findChild<QGraphicsView*>();
    const auto expandedCount = nodeItems(view).size();
    auto* collapse = action(page, QStringLiteral("Collapse Roles"));
    QVERIFY(collapse && collapse->isCheckable());
    collapse->trigger();
    QVERIFY(nodeItems(view).size() < expandedCount);
    QVERIFY(!findById(view, QStringLiteral("source:"), QStringLiteral("payments-operator-secrets")));
    auto* group = findById(view, QStringLiteral("rules:"), QStringLiteral("payments-operator"));
    QVERIFY(group);
    QVERIFY(page.grab().save(screenshotDir() + QStringLiteral("/graph-payments-operator-collapsed.png")));

    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, viewportPos(view, group));
    QVERIFY(!findById(view, QStringLiteral("rules:"), QStringLiteral("payments-operator")));
    QVERIFY(findById(view, QStringLiteral("source:"), QStringLiteral("payments-operator-secrets")));
    QVERIFY(findById(view, QStringLiteral("rule:"), QStringLiteral("payments-operator-secrets")));
    // Double-clicking the role groups its rules again.
    auto* role = findById(view, QStringLiteral("role:"), QStringLiteral("payments-operator"));
    QVERIFY(role);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, viewportPos(view, role));
    QVERIFY(findById(view, QStringLiteral("rules:"), QStringLiteral("payments-operator")));

    collapse->trigger();
    QCOMPARE(nodeItems(view).size(), expandedCount);
}

void TestGraphPage::exportsPngAndSvg()
{
    GraphPage page;
    page.setPolicy(m_policy);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(!page.exportPng(dir.filePath(QStringLiteral("empty.png")))); // nothing shown yet
    page.showSubject({SubjectKind::ServiceAccount, "payments", "payments-operator"});

    const auto png = dir.filePath(QStringLiteral("graph.png"));
    QVERIFY(page.exportPng(png));
    QVERIFY(QFileInfo(png).size() > 0);
    const QImage image(png);
    QVERIFY(!image.isNull());
    auto* view = page.findChild<QGraphicsView*>();
    QVERIFY(image.width() >= view->sceneRect().width());

    const auto svg = dir.filePath(QStringLiteral("graph.svg"));
    QVERIFY(page.exportSvg(svg));
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto text = QString::fromUtf8(file.readAll());
    QVERIFY(text.startsWith(QLatin1String("<?xml")));
    for (const auto* label : {"ServiceAccount", "payments/payments-operator", "RoleBinding",
                              "ClusterRole (aggregated)", "payments-operator-secrets", "payments-operator-workloads",
                              "rule #1", "verbs [get, list"})
        QVERIFY2(text.contains(QString::fromUtf8(label)), label);
}

void TestGraphPage::sixtyBindings()
{
    std::string yaml = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: bot, namespace: apps}\n";
    for (int i = 0; i < 60; ++i) {
        const auto n = std::to_string(i);
        yaml += "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: role-" + n
            + ", namespace: ns-" + n + "}\nrules:\n- {apiGroups: [\"\"], resources: [configmaps], verbs: [get]}\n"
                                       "- {apiGroups: [apps], resources: [deployments], verbs: [list]}\n";
        yaml += "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: bind-" + n
            + ", namespace: ns-" + n + "}\nroleRef: {kind: Role, name: role-" + n
            + "}\nsubjects: [{kind: ServiceAccount, name: bot, namespace: apps}]\n";
    }
    GraphPage page;
    page.resize(1366, 768);
    const auto policy = std::make_shared<const Policy>(test::yaml(yaml));
    page.setPolicy(policy);
    page.showSubject({SubjectKind::ServiceAccount, "apps", "bot"});
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    auto* view = page.findChild<QGraphicsView*>();
    QCOMPARE(nodeItems(view).size(), qsizetype(1 + 60 + 60 + 60)); // rules grouped per role
    auto* collapse = action(page, QStringLiteral("Collapse Roles"));
    QVERIFY(collapse->isChecked()); // the toggle shows that roles are collapsed
    QVERIFY(page.grab().save(screenshotDir() + QStringLiteral("/graph-bot-60-bindings.png")));
    collapse->trigger(); // expand all
    QCOMPARE(nodeItems(view).size(), qsizetype(1 + 60 + 60 + 120));
    collapse->trigger();
    QCOMPARE(nodeItems(view).size(), qsizetype(1 + 60 + 60 + 60));

    // Highlighting a grant of the first binding scrolls its rules into view.
    auto* firstGroup = findById(view, QStringLiteral("rules:"), QStringLiteral("role-0"));
    QVERIFY(firstGroup);
    QVERIFY(!view->viewport()->rect().contains(viewportPos(view, firstGroup)));
    Request req;
    req.user = userInfoOf({SubjectKind::ServiceAccount, "apps", "bot"});
    req.resource = {"ns-0", "get", "", "v1", "configmaps", "", ""};
    page.highlightGrants(policy->grantsFor(req));
    QVERIFY(view->viewport()->rect().contains(viewportPos(view, firstGroup)));
    QCOMPARE(firstGroup->opacity(), 1.0);
    QVERIFY(findById(view, QStringLiteral("rules:"), QStringLiteral("role-1"))->opacity() < 0.5);
    page.highlightGrants({});
    // Zoom in on one group and expand it.
    QTest::keyClick(view, Qt::Key_0);
    auto* group = findById(view, QStringLiteral("rules:"), QStringLiteral("role-42"));
    QVERIFY(group);
    view->centerOn(group);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, viewportPos(view, group));
    QCOMPARE(nodeItems(view).size(), qsizetype(1 + 60 + 60 + 59 + 2));
    auto* rule = findById(view, QStringLiteral("rule:"), QStringLiteral("role-42"));
    QVERIFY(rule);
    QVERIFY(view->viewport()->rect().contains(viewportPos(view, rule)));
    QVERIFY(page.grab().save(screenshotDir() + QStringLiteral("/graph-bot-expanded.png")));
}

// A hidden tab lays its subject out when it is shown (the navigator's selection costs nothing there), and whatever
// reads the graph before that (a highlight, an export) gets the subject's graph, not the one before.
void TestGraphPage::hiddenTabWaitsUntilShown()
{
    QTabWidget tabs;
    tabs.resize(1366, 768);
    auto* first = new QWidget;
    auto* page = new GraphPage;
    tabs.addTab(first, QStringLiteral("first"));
    tabs.addTab(page, QStringLiteral("graph"));
    tabs.show();
    QVERIFY(QTest::qWaitForWindowExposed(&tabs));
    page->setPolicy(m_policy);
    auto* view = page->findChild<QGraphicsView*>();
    QVERIFY(view);
    page->showSubject({SubjectKind::ServiceAccount, "team-a", "ci-runner"});
    QVERIFY(!findItem(view, QStringLiteral("ServiceAccount"), QStringLiteral("ci-runner"))); // not laid out yet
    tabs.setCurrentWidget(page);
    QVERIFY(findItem(view, QStringLiteral("ServiceAccount"), QStringLiteral("ci-runner")));

    // Hidden again, another subject: an export lays it out first.
    tabs.setCurrentWidget(first);
    page->showSubject({SubjectKind::ServiceAccount, "payments", "payments-operator"});
    QVERIFY(findItem(view, QStringLiteral("ServiceAccount"), QStringLiteral("ci-runner")));
    QTemporaryDir dir;
    QVERIFY(page->exportSvg(dir.filePath(QStringLiteral("g.svg"))));
    QVERIFY(findItem(view, QStringLiteral("ServiceAccount"), QStringLiteral("payments-operator")));
    QVERIFY(!findItem(view, QStringLiteral("ServiceAccount"), QStringLiteral("ci-runner")));
    tabs.setCurrentWidget(page); // nothing left to lay out
    QVERIFY(findItem(view, QStringLiteral("ServiceAccount"), QStringLiteral("payments-operator")));
}

QTEST_MAIN(TestGraphPage)
#include "tst_graphpage.moc"
