// SPDX-License-Identifier: Apache-2.0
// Permission graph: subject -> bindings -> roles (-> source roles) -> rules, workloads and pods, grouping of rules,
// and a Graphviz layout with no overlapping nodes.
#include "models/analysis/explain.h"
#include "models/analysis/identity.h"
#include "models/analysis/permissiongraph.h"
#include "testutils.h"

#include <QRectF>
#include <QTest>

#include <algorithm>

using namespace rbx;

namespace {

const char* kSnapshot = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {agg: "true"}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg-a, labels: {agg: "true"}}
rules:
- {apiGroups: [apps], resources: [deployments], verbs: [get, list]}
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg-b, labels: {agg: "true"}}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: apps}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
- {apiGroups: [""], resources: [pods/log], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb-agg, namespace: apps}
roleRef: {kind: ClusterRole, name: agg}
subjects: [{kind: ServiceAccount, name: bot}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb-reader}
roleRef: {kind: ClusterRole, name: reader}
subjects: [{kind: Group, name: "system:serviceaccounts:apps"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb-r, namespace: apps}
roleRef: {kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: bot, namespace: apps}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb-missing, namespace: other}
roleRef: {kind: Role, name: gone}
subjects: [{kind: ServiceAccount, name: bot, namespace: apps}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb-unrelated, namespace: other}
roleRef: {kind: ClusterRole, name: reader}
subjects: [{kind: ServiceAccount, name: x}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: bot, namespace: apps}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: apps}
spec:
  template:
    spec:
      serviceAccountName: bot
      containers: [{name: web, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata:
  name: web-5d9c7-abcde
  namespace: apps
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d9c7, uid: u1, controller: true}]
spec:
  serviceAccountName: bot
  containers: [{name: web, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: lone, namespace: apps}
spec:
  serviceAccountName: bot
  containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: other-pod, namespace: apps}
spec:
  containers: [{name: c, image: busybox}]
)";

const SubjectRef kBot {SubjectKind::ServiceAccount, "apps", "bot"};

std::size_t countKind(const PermissionGraph& g, GraphNode::Kind kind)
{
    return static_cast<std::size_t>(
        std::count_if(g.nodes.begin(), g.nodes.end(), [&](const GraphNode& n) { return n.kind == kind; }));
}

const GraphNode* findNode(const PermissionGraph& g, GraphNode::Kind kind, const std::string& name)
{
    for (const auto& n : g.nodes)
        if (n.kind == kind && n.name == name)
            return &n;
    return nullptr;
}

std::size_t indexOf(const PermissionGraph& g, const GraphNode* n)
{
    return static_cast<std::size_t>(n - g.nodes.data());
}

bool hasEdge(const PermissionGraph& g, const GraphNode* from, const GraphNode* to)
{
    return from && to && std::any_of(g.edges.begin(), g.edges.end(), [&](const GraphEdge& e) {
        return e.from == indexOf(g, from) && e.to == indexOf(g, to);
    });
}

QRectF rectOf(const GraphNode& n)
{
    return {n.x, n.y, n.width, n.height};
}

// Every node placed inside the graph's box, no two nodes overlapping, every edge a spline from its source to its
// target going left to right. Returns what is wrong, or an empty string.
QString layoutProblem(const PermissionGraph& g)
{
    if (g.width <= 0 || g.height <= 0)
        return QStringLiteral("graph has no size");
    const QRectF box = QRectF(0, 0, g.width, g.height).adjusted(-1, -1, 1, 1);
    for (const auto& n : g.nodes) {
        if (n.width <= 0 || n.height <= 0 || !box.contains(rectOf(n)))
            return QStringLiteral("node %1 not placed").arg(QString::fromStdString(n.id));
    }
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
        for (std::size_t j = i + 1; j < g.nodes.size(); ++j)
            if (rectOf(g.nodes[i]).intersects(rectOf(g.nodes[j]).adjusted(0.5, 0.5, -0.5, -0.5)))
                return QStringLiteral("nodes %1 and %2 overlap")
                    .arg(QString::fromStdString(g.nodes[i].id), QString::fromStdString(g.nodes[j].id));
    for (const auto& e : g.edges) {
        const auto& from = g.nodes[e.from];
        const auto& to = g.nodes[e.to];
        if (e.points.size() < 4 || (e.points.size() - 1) % 3 != 0)
            return QStringLiteral("edge %1 has %2 points").arg(QString::fromStdString(from.id)).arg(e.points.size());
        const QPointF first(e.points.front().first, e.points.front().second);
        const QPointF last(e.points.back().first, e.points.back().second);
        if (!rectOf(from).adjusted(-2, -2, 2, 2).contains(first) || !rectOf(to).adjusted(-2, -2, 2, 2).contains(last))
            return QStringLiteral("edge %1 -> %2 does not join its nodes")
                .arg(QString::fromStdString(from.id), QString::fromStdString(to.id));
        if (from.x + from.width > to.x)
            return QStringLiteral("edge %1 -> %2 goes right to left")
                .arg(QString::fromStdString(from.id), QString::fromStdString(to.id));
    }
    return {};
}

std::string sixtyBindings()
{
    std::string yaml = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: bot, namespace: apps}\n"
                       "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: apps}\n"
                       "spec: {template: {spec: {serviceAccountName: bot, containers: [{name: c, image: i}]}}}\n";
    for (int i = 0; i < 6; ++i)
        yaml += "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api-7f9c-" + std::to_string(i)
            + "\n  namespace: apps\n  ownerReferences: [{kind: ReplicaSet, name: api-7f9c, controller: true}]\n"
              "spec: {serviceAccountName: bot, containers: [{name: c, image: i}]}\n";
    for (int i = 0; i < 60; ++i) {
        const auto ns = "ns-" + std::to_string(i);
        yaml += "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: role-" + std::to_string(i)
            + ", namespace: " + ns + "}\nrules:\n"
              "- {apiGroups: [\"\"], resources: [configmaps], verbs: [get, list]}\n"
              "- {apiGroups: [apps], resources: [deployments], verbs: [get, list, watch]}\n"
              "- {apiGroups: [batch], resources: [jobs, cronjobs], verbs: [create, delete]}\n";
        yaml += "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: bind-"
            + std::to_string(i) + ", namespace: " + ns + "}\nroleRef: {kind: Role, name: role-" + std::to_string(i)
            + "}\nsubjects: [{kind: ServiceAccount, name: bot, namespace: apps}]\n";
    }
    return yaml;
}

} // namespace

class TestPermissionGraph : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void structure();
    void workloadsAndPods();
    void grantsOnNodes();
    void grantsMatchAuthorizer_data();
    void grantsMatchAuthorizer();
    void collapseRoles();
    void layoutHasNoOverlaps();
    void layoutUsesMeasure();
    void demoAggregatedRole();
    void demoCiRunner();
    void sixtyBindingsStayReadable();

private:
    std::shared_ptr<Policy> m_policy;
    std::shared_ptr<Policy> m_demo;
    PermissionGraph m_graph;
};

void TestPermissionGraph::initTestCase()
{
    m_policy = std::make_shared<Policy>(test::yaml(kSnapshot));
    m_graph = buildPermissionGraph(*m_policy, kBot);
    m_demo = std::make_shared<Policy>(io::loadSnapshot({RBX_SOURCE_DIR "/resources/demo"}));
    QVERIFY(m_demo->snapshot().roles.size() > 50);
}

void TestPermissionGraph::structure()
{
    const auto& g = m_graph;
    QCOMPARE(countKind(g, GraphNode::Kind::Subject), std::size_t(1));
    QCOMPARE(countKind(g, GraphNode::Kind::Binding), std::size_t(4)); // rb-unrelated names another SA
    QCOMPARE(countKind(g, GraphNode::Kind::Role), std::size_t(4)); // agg, reader, r and the missing Role gone
    QCOMPARE(countKind(g, GraphNode::Kind::SourceRole), std::size_t(2));
    QCOMPARE(countKind(g, GraphNode::Kind::Rule), std::size_t(3 + 1 + 2));
    QCOMPARE(countKind(g, GraphNode::Kind::RuleGroup), std::size_t(0));
    QVERIFY(!findNode(g, GraphNode::Kind::Binding, "rb-unrelated"));

    const auto* subject = &g.nodes.front();
    QCOMPARE(subject->kind, GraphNode::Kind::Subject);
    QCOMPARE(subject->objectKind, std::string("ServiceAccount"));
    QCOMPARE(subject->label, std::string("ServiceAccount\napps/bot"));

    const auto* rbAgg = findNode(g, GraphNode::Kind::Binding, "rb-agg");
    const auto* crb = findNode(g, GraphNode::Kind::Binding, "crb-reader");
    const auto* rbMissing = findNode(g, GraphNode::Kind::Binding, "rb-missing");
    QVERIFY(rbAgg && crb && rbMissing);
    QCOMPARE(rbAgg->objectKind, std::string("RoleBinding"));
    QCOMPARE(rbAgg->ns, std::string("apps"));
    QCOMPARE(crb->objectKind, std::string("ClusterRoleBinding"));
    QVERIFY(crb->label.find("via Group system:serviceaccounts:apps") != std::string::npos);
    for (const auto* b : {rbAgg, crb, rbMissing})
        QVERIFY(hasEdge(g, subject, b));

    const auto* agg = findNode(g, GraphNode::Kind::Role, "agg");
    QVERIFY(agg);
    QCOMPARE(agg->objectKind, std::string("ClusterRole"));
    QVERIFY(agg->label.find("aggregated") != std::string::npos);
    QVERIFY(hasEdge(g, rbAgg, agg));
    const auto* gone = findNode(g, GraphNode::Kind::Role, "gone");
    QVERIFY(gone);
    QVERIFY(gone->label.find("not found") != std::string::npos);
    QVERIFY(gone->grants.empty());
    QVERIFY(hasEdge(g, rbMissing, gone));

    // Aggregated rules hang below the ClusterRole they came from.
    const auto* srcA = findNode(g, GraphNode::Kind::SourceRole, "agg-a");
    const auto* srcB = findNode(g, GraphNode::Kind::SourceRole, "agg-b");
    QVERIFY(srcA && srcB);
    QVERIFY(hasEdge(g, agg, srcA));
    QVERIFY(hasEdge(g, agg, srcB));
    std::size_t rulesUnderA = 0;
    for (const auto& e : g.edges) {
        if (e.from != indexOf(g, srcA))
            continue;
        const auto& rule = g.nodes[e.to];
        QCOMPARE(rule.kind, GraphNode::Kind::Rule);
        QCOMPARE(rule.name, std::string("agg-a"));
        ++rulesUnderA;
    }
    QCOMPARE(rulesUnderA, std::size_t(2));

    // Rules show their text, wrapped into lines.
    const auto* reader = findNode(g, GraphNode::Kind::Role, "reader");
    const auto* nodesRule = findNode(g, GraphNode::Kind::Rule, "reader");
    QVERIFY(hasEdge(g, reader, nodesRule));
    auto unwrapped = nodesRule->label;
    std::replace(unwrapped.begin(), unwrapped.end(), '\n', ' ');
    QCOMPARE(unwrapped, "rule #1 " + ruleText(m_policy->snapshot().roles[nodesRule->grants.front().role].rules[0]));

    // Ids are unique and edges valid.
    std::set<std::string> ids;
    for (const auto& n : g.nodes)
        QVERIFY(ids.insert(n.id).second);
    for (const auto& e : g.edges)
        QVERIFY(e.from < g.nodes.size() && e.to < g.nodes.size() && e.from != e.to);
}

void TestPermissionGraph::workloadsAndPods()
{
    const auto& g = m_graph;
    const auto* subject = &g.nodes.front();
    const auto* web = findNode(g, GraphNode::Kind::Workload, "web");
    const auto* webPod = findNode(g, GraphNode::Kind::Pod, "web-5d9c7-abcde");
    const auto* lone = findNode(g, GraphNode::Kind::Pod, "lone");
    QVERIFY(web && webPod && lone);
    QCOMPARE(web->objectKind, std::string("Deployment"));
    QCOMPARE(lone->objectKind, std::string("Pod"));
    QVERIFY(!findNode(g, GraphNode::Kind::Pod, "other-pod")); // runs as apps/default
    QVERIFY(hasEdge(g, web, subject));
    QVERIFY(hasEdge(g, webPod, web)); // through its ReplicaSet's name
    QVERIFY(hasEdge(g, lone, subject));
    QCOMPARE(web->grants.size(), subject->grants.size());

    const auto defaultSa = buildPermissionGraph(*m_policy, {SubjectKind::ServiceAccount, "apps", "default"});
    QVERIFY(findNode(defaultSa, GraphNode::Kind::Pod, "other-pod"));
    const auto group = buildPermissionGraph(*m_policy, {SubjectKind::Group, {}, "system:serviceaccounts:apps"});
    QCOMPARE(countKind(group, GraphNode::Kind::Binding), std::size_t(1));
    QCOMPARE(countKind(group, GraphNode::Kind::Pod), std::size_t(0));
}

void TestPermissionGraph::grantsOnNodes()
{
    const auto& g = m_graph;
    QCOMPARE(g.nodes.front().grants.size(), std::size_t(3 + 1 + 2)); // the subject lies on every grant
    const auto* rbR = findNode(g, GraphNode::Kind::Binding, "rb-r");
    const auto* rbAgg = findNode(g, GraphNode::Kind::Binding, "rb-agg");
    QCOMPARE(rbR->grants.size(), std::size_t(2));
    const std::vector<Grant> selected {rbR->grants.front()};
    QVERIFY(nodeOnGrants(*rbR, selected));
    QVERIFY(!nodeOnGrants(*rbAgg, selected));
    QVERIFY(nodeOnGrants(g.nodes.front(), selected));
    std::size_t onPath = 0;
    for (const auto& e : g.edges)
        onPath += edgeOnGrants(g, e, selected) ? 1 : 0;
    QCOMPARE(onPath, std::size_t(3 + 3)); // web, its pod and lone -> subject -> rb-r -> Role r -> rule #1
    std::size_t rulesOnPath = 0;
    for (const auto& n : g.nodes)
        rulesOnPath += n.kind == GraphNode::Kind::Rule && nodeOnGrants(n, selected) ? 1 : 0;
    QCOMPARE(rulesOnPath, std::size_t(1));
}

void TestPermissionGraph::grantsMatchAuthorizer_data()
{
    QTest::addColumn<QString>("ns");
    QTest::addColumn<QString>("verb");
    QTest::addColumn<QString>("group");
    QTest::addColumn<QString>("resource");
    QTest::addColumn<QString>("subresource");
    QTest::addColumn<QString>("ruleRole");
    QTest::addRow("secrets via aggregation") << "apps" << "watch" << "" << "secrets" << "" << "agg-b";
    QTest::addRow("deployments via aggregation") << "apps" << "list" << "apps" << "deployments" << "" << "agg-a";
    QTest::addRow("nodes via group") << "" << "get" << "" << "nodes" << "" << "reader";
    QTest::addRow("pod logs via role") << "apps" << "get" << "" << "pods" << "log" << "r";
}

void TestPermissionGraph::grantsMatchAuthorizer()
{
    QFETCH(QString, ns);
    QFETCH(QString, verb);
    QFETCH(QString, group);
    QFETCH(QString, resource);
    QFETCH(QString, subresource);
    QFETCH(QString, ruleRole);
    Request req;
    req.user = userInfoOf(kBot);
    req.resource = {ns.toStdString(), verb.toStdString(), group.toStdString(), "v1", resource.toStdString(),
                    subresource.toStdString(), ""};
    const auto grants = m_policy->grantsFor(req);
    QCOMPARE(grants.size(), std::size_t(1));
    // Exactly one rule node carries the grant, and it is the rule of the role that stores it.
    std::vector<const GraphNode*> rules;
    for (const auto& n : m_graph.nodes)
        if (n.kind == GraphNode::Kind::Rule && nodeOnGrants(n, grants))
            rules.push_back(&n);
    QCOMPARE(rules.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(rules.front()->name), ruleRole);
}

void TestPermissionGraph::collapseRoles()
{
    const auto collapsed = buildPermissionGraph(*m_policy, kBot, {}, true);
    QVERIFY(collapsed.nodes.size() < m_graph.nodes.size());
    // agg (3 rules) and r (2 rules) become "N rules" nodes; reader keeps its single rule.
    QCOMPARE(countKind(collapsed, GraphNode::Kind::RuleGroup), std::size_t(2));
    QCOMPARE(countKind(collapsed, GraphNode::Kind::SourceRole), std::size_t(0));
    QCOMPARE(countKind(collapsed, GraphNode::Kind::Rule), std::size_t(1));
    const auto* group = findNode(collapsed, GraphNode::Kind::RuleGroup, "agg");
    QVERIFY(group);
    QVERIFY(group->label.rfind("3 rules", 0) == 0);
    QCOMPARE(group->grants.size(), std::size_t(3));
    QVERIFY(hasEdge(collapsed, findNode(collapsed, GraphNode::Kind::Role, "agg"), group));

    // Expanding one role brings back its rules and source roles only.
    const auto* agg = findNode(collapsed, GraphNode::Kind::Role, "agg");
    const auto expanded = buildPermissionGraph(*m_policy, kBot, {agg->id}, true);
    QCOMPARE(countKind(expanded, GraphNode::Kind::RuleGroup), std::size_t(1));
    QCOMPARE(countKind(expanded, GraphNode::Kind::SourceRole), std::size_t(2));
    QCOMPARE(countKind(expanded, GraphNode::Kind::Rule), std::size_t(3 + 1));
}

void TestPermissionGraph::layoutHasNoOverlaps()
{
    auto g = m_graph;
    layoutPermissionGraph(g);
    const auto problem = layoutProblem(g);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    // Left to right: pods, workload, subject, bindings, roles, source roles, rules.
    const auto* pod = findNode(g, GraphNode::Kind::Pod, "web-5d9c7-abcde");
    const auto* subject = &g.nodes.front();
    const auto* rule = findNode(g, GraphNode::Kind::Rule, "agg-b");
    QVERIFY(pod->x < subject->x && subject->x < rule->x);
    // Node sizes follow the label: the widest line at ~7 pt per character, ~15 pt per line, plus padding.
    const auto lines = QString::fromStdString(rule->label).split(u'\n');
    qsizetype widest = 0;
    for (const auto& line : lines)
        widest = std::max(widest, line.size());
    QVERIFY(lines.size() >= 3);
    QVERIFY(qAbs(rule->width - (7.0 * double(widest) + 24)) < 1.5);
    QVERIFY(qAbs(rule->height - (15.0 * double(lines.size()) + 14)) < 1.5);
}

void TestPermissionGraph::layoutUsesMeasure()
{
    auto g = m_graph;
    layoutPermissionGraph(g, [](const GraphNode& n) {
        return std::pair<double, double> {n.kind == GraphNode::Kind::Rule ? 300.0 : 100.0, 40.0};
    });
    QVERIFY(layoutProblem(g).isEmpty());
    for (const auto& n : g.nodes) {
        QVERIFY(qAbs(n.width - ((n.kind == GraphNode::Kind::Rule ? 300.0 : 100.0) + 24)) < 1);
        QVERIFY(qAbs(n.height - 54) < 1);
    }
}

void TestPermissionGraph::demoAggregatedRole()
{
    auto g = buildPermissionGraph(*m_demo, {SubjectKind::ServiceAccount, "payments", "payments-operator"});
    const auto* rb = findNode(g, GraphNode::Kind::Binding, "payments-operator");
    QVERIFY(rb);
    QCOMPARE(rb->objectKind, std::string("RoleBinding"));
    const auto* role = findNode(g, GraphNode::Kind::Role, "payments-operator");
    QVERIFY(role);
    QVERIFY(hasEdge(g, rb, role));
    const auto* workloads = findNode(g, GraphNode::Kind::SourceRole, "payments-operator-workloads");
    const auto* secrets = findNode(g, GraphNode::Kind::SourceRole, "payments-operator-secrets");
    QVERIFY(workloads && secrets);
    QVERIFY(hasEdge(g, role, workloads));
    QVERIFY(hasEdge(g, role, secrets));
    QVERIFY(!findNode(g, GraphNode::Kind::SourceRole, "payments-operator-namespaces")); // label value "false"
    const auto* secretRule = findNode(g, GraphNode::Kind::Rule, "payments-operator-secrets");
    QVERIFY(secretRule && secretRule->label.find("secrets") != std::string::npos);
    QVERIFY(hasEdge(g, secrets, secretRule));
    const auto* deployment = findNode(g, GraphNode::Kind::Workload, "payments-operator");
    QVERIFY(deployment);
    QVERIFY(hasEdge(g, deployment, &g.nodes.front()));
    layoutPermissionGraph(g);
    const auto problem = layoutProblem(g);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestPermissionGraph::demoCiRunner()
{
    auto g = buildPermissionGraph(*m_demo, {SubjectKind::ServiceAccount, "team-a", "ci-runner"});
    const auto* crb = findNode(g, GraphNode::Kind::Binding, "ci-runner-superuser");
    QVERIFY(crb);
    QCOMPARE(crb->objectKind, std::string("ClusterRoleBinding"));
    const auto* role = findNode(g, GraphNode::Kind::Role, "ci-superuser");
    QVERIFY(hasEdge(g, &g.nodes.front(), crb));
    QVERIFY(hasEdge(g, crb, role));
    const auto* rule = findNode(g, GraphNode::Kind::Rule, "ci-superuser");
    QVERIFY(rule && rule->label.find("verbs [*]") != std::string::npos);
    const auto* deployment = findNode(g, GraphNode::Kind::Workload, "ci-runner");
    const auto* pod = findNode(g, GraphNode::Kind::Pod, "ci-runner-glvk9vqhbb-cs45x");
    QVERIFY(deployment && pod);
    QVERIFY(hasEdge(g, pod, deployment));
    // Bootstrap bindings to system:authenticated apply too, through the group.
    QVERIFY(std::any_of(g.nodes.begin(), g.nodes.end(), [](const GraphNode& n) {
        return n.kind == GraphNode::Kind::Binding
            && n.label.find("via Group system:authenticated") != std::string::npos;
    }));
    layoutPermissionGraph(g);
    const auto problem = layoutProblem(g);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestPermissionGraph::sixtyBindingsStayReadable()
{
    const Policy policy(test::yaml(sixtyBindings()));
    // More than kGroupRulesAboveBindings bindings: each role's rules become one "3 rules" node.
    auto grouped = buildPermissionGraph(policy, kBot);
    QCOMPARE(countKind(grouped, GraphNode::Kind::Binding), std::size_t(60));
    QCOMPARE(countKind(grouped, GraphNode::Kind::Role), std::size_t(60));
    QCOMPARE(countKind(grouped, GraphNode::Kind::RuleGroup), std::size_t(60));
    QCOMPARE(countKind(grouped, GraphNode::Kind::Rule), std::size_t(0));
    // Six replicas of one Deployment are one "6 Pods" node.
    QCOMPARE(countKind(grouped, GraphNode::Kind::Pod), std::size_t(1));
    const auto* pods = findNode(grouped, GraphNode::Kind::Pod, "api-7f9c-0");
    QVERIFY(pods && pods->label.rfind("6 Pods\n", 0) == 0);
    QVERIFY(hasEdge(grouped, pods, findNode(grouped, GraphNode::Kind::Workload, "api")));
    std::set<std::string> roles;
    for (const auto& n : grouped.nodes)
        if (n.kind == GraphNode::Kind::Role)
            roles.insert(n.id);
    auto expanded = buildPermissionGraph(policy, kBot, roles);
    QCOMPARE(countKind(expanded, GraphNode::Kind::Rule), std::size_t(180));
    QCOMPARE(countKind(expanded, GraphNode::Kind::RuleGroup), std::size_t(0));
    QVERIFY(grouped.nodes.size() < expanded.nodes.size());

    layoutPermissionGraph(grouped);
    auto problem = layoutProblem(grouped);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(grouped.height > grouped.width); // one tall column per rank, left to right
    layoutPermissionGraph(expanded);
    problem = layoutProblem(expanded);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

QTEST_GUILESS_MAIN(TestPermissionGraph)
#include "tst_permissiongraph.moc"
