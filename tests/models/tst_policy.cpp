// SPDX-License-Identifier: Apache-2.0
// The authorizer beyond single rules: aggregation, provenance, the API server's reason strings, who-can,
// can-i --list, identities and the resource catalogue.
#include "models/analysis/identity.h"
#include "models/analysis/policy.h"
#include "models/analysis/queries.h"
#include "models/analysis/resourcecatalog.h"
#include "testutils.h"

#include <QTest>

using namespace rbx;

namespace {

QStringList SL(std::initializer_list<const char*> items)
{
    QStringList out;
    for (const char* i : items)
        out << QString::fromUtf8(i);
    return out;
}

Request resourceRequest(const std::string& user, std::vector<std::string> groups, const std::string& verb,
                        const std::string& resource, const std::string& ns, const std::string& group = {},
                        const std::string& sub = {}, const std::string& name = {})
{
    Request r;
    r.user.name = user;
    r.user.groups = std::move(groups);
    r.resource = {ns, verb, group, "v1", resource, sub, name};
    return r;
}

const char* kAggregation = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.example.com/aggregate-to-view: "true"}
rules:
- {apiGroups: [""], resources: [stale], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: edit}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.example.com/aggregate-to-edit: "true"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: view-pods
  labels: {rbac.example.com/aggregate-to-view: "true", rbac.example.com/aggregate-to-edit: "true"}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: edit-pods
  labels: {rbac.example.com/aggregate-to-edit: "true"}
rules:
- {apiGroups: [""], resources: [pods], verbs: [create]}
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: expr
  labels: {tier: web}
aggregationRule:
  clusterRoleSelectors:
  - matchExpressions:
    - {key: tier, operator: NotIn, values: [db]}
    - {key: rbac.example.com/aggregate-to-edit, operator: DoesNotExist}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: broken-selector}
aggregationRule:
  clusterRoleSelectors:
  - matchExpressions: [{key: a, operator: Matches, values: [x]}]
rules:
- {apiGroups: [""], resources: [kept], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-edit, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: User, name: alice}]
)";

} // namespace

class TestPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aggregationChainAndProvenance();
    void aggregationSelectors();
    void aggregationCycleWarned();
    void reasonStrings();
    void deniedReasonNamesDanglingRoles();
    void clusterRoleBindingToRole();
    void allGrants();
    void whoCanExpandsGroups();
    void rulesForCompactsLikeKubectl();
    void impersonation_data();
    void impersonation();
    void serviceAccountNames_data();
    void serviceAccountNames();
    void catalogue_data();
    void catalogue();
    void catalogueIncludesCrds();
    void catalogueIncludesDiscovery();
};

void TestPolicy::aggregationChainAndProvenance()
{
    auto snap = test::yaml(kAggregation);
    QCOMPARE(snap->report.errorCount(), std::size_t(0));
    Policy policy(snap);
    const auto* edit = snap->findClusterRole("edit");
    const auto* view = snap->findClusterRole("view");
    QVERIFY(edit && view);
    const auto editIndex = static_cast<std::size_t>(edit - snap->roles.data());
    const auto viewIndex = static_cast<std::size_t>(view - snap->roles.data());
    // view: the stale stored rule is replaced by the union of what it selects.
    QCOMPARE(policy.effectiveRules(viewIndex).size(), std::size_t(1));
    QCOMPARE(policy.effectiveRules(viewIndex)[0].rule.resources, std::vector<std::string> {"pods"});
    // edit: edit-pods' create rule, plus the get/list rule once (de-duplicated), in ClusterRole-name order.
    const auto& rules = policy.effectiveRules(editIndex);
    QCOMPARE(rules.size(), std::size_t(2));
    QCOMPARE(snap->roles[rules[0].sourceRole].meta.name, std::string("edit-pods"));
    QCOMPARE(rules[0].rule.verbs, (std::vector<std::string> {"create"}));
    QCOMPARE(snap->roles[rules[1].sourceRole].meta.name, std::string("edit-pods"));
    QCOMPARE(rules[1].sourceRuleIndex, std::size_t(1));

    const auto d = policy.authorize(resourceRequest("alice", {}, "create", "pods", "ns1"));
    QVERIFY(d.allowed);
    {
        const std::string expectedReason = R"(RBAC: allowed by RoleBinding "alice-edit/ns1" of ClusterRole "edit" to User "alice")";
        QCOMPARE(d.reason, expectedReason);
    }
    QCOMPARE(d.grant->role, editIndex);
    QCOMPARE(snap->roles[policy.effectiveRules(d.grant->role)[d.grant->rule].sourceRole].meta.name,
             std::string("edit-pods"));
    QVERIFY(!policy.authorize(resourceRequest("alice", {}, "get", "stale", "ns1")).allowed);
    QVERIFY(!policy.authorize(resourceRequest("alice", {}, "create", "pods", "ns2")).allowed);
    QVERIFY(!policy.authorize(resourceRequest("alice", {}, "create", "pods", "")).allowed);
}

void TestPolicy::aggregationSelectors()
{
    auto snap = test::yaml(kAggregation);
    Policy policy(snap);
    auto index = [&](const char* name) {
        return static_cast<std::size_t>(snap->findClusterRole(name) - snap->roles.data());
    };
    // NotIn matches roles without the label; DoesNotExist excludes edit-pods and view-pods; never itself. So expr
    // selects broken-selector, edit and view (name order); view's rule repeats one of edit's and is dropped.
    std::vector<std::string> sources;
    for (const auto& r : policy.effectiveRules(index("expr")))
        sources.push_back(snap->roles[r.sourceRole].meta.name);
    QCOMPARE(sources, (std::vector<std::string> {"broken-selector", "edit-pods", "edit-pods"}));
    // An invalid selector keeps the stored rules, with a warning.
    QCOMPARE(policy.effectiveRules(index("broken-selector")).size(), std::size_t(1));
    bool warned = false;
    for (const auto& w : policy.warnings())
        warned = warned || w.find("broken-selector") != std::string::npos;
    QVERIFY(warned);
}

void TestPolicy::aggregationCycleWarned()
{
    auto snap = test::yaml(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: a, labels: {agg: b}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: a}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: b, labels: {agg: a}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: b}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: leaf, labels: {agg: a}}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
)");
    Policy policy(snap);
    bool warned = false;
    for (const auto& w : policy.warnings())
        warned = warned || w.find("aggregation cycle") != std::string::npos;
    QVERIFY(warned);
    const auto a = static_cast<std::size_t>(snap->findClusterRole("a") - snap->roles.data());
    const auto b = static_cast<std::size_t>(snap->findClusterRole("b") - snap->roles.data());
    QCOMPARE(policy.effectiveRules(a).size(), std::size_t(1)); // leaf's rule (b holds nothing of its own)
    QCOMPARE(policy.effectiveRules(b).size(), std::size_t(1)); // a's aggregated rules, through the cycle
}

void TestPolicy::reasonStrings()
{
    auto snap = test::yaml(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: ServiceAccount, name: robot, namespace: tools}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: local, namespace: ns1}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: local}
subjects: [{kind: ServiceAccount, name: robot}, {kind: Group, name: 'quote"d'}]
)");
    Policy policy(snap);
    auto d = policy.authorize(resourceRequest("system:serviceaccount:tools:robot", {}, "get", "pods", "x"));
    {
        const std::string expectedReason = R"(RBAC: allowed by ClusterRoleBinding "crb" of ClusterRole "reader" to ServiceAccount "robot/tools")";
        QCOMPARE(d.reason, expectedReason);
    }
    d = policy.authorize(resourceRequest("system:serviceaccount:ns1:robot", {}, "get", "configmaps", "ns1"));
    {
        const std::string expectedReason = R"(RBAC: allowed by RoleBinding "rb/ns1" of Role "local" to ServiceAccount "robot/ns1")";
        QCOMPARE(d.reason, expectedReason);
    }
    d = policy.authorize(resourceRequest("someone", {"quote\"d"}, "get", "configmaps", "ns1"));
    {
        const std::string expectedReason = R"(RBAC: allowed by RoleBinding "rb/ns1" of Role "local" to Group "quote\"d")";
        QCOMPARE(d.reason, expectedReason);
    }
    d = policy.authorize(resourceRequest("someone", {}, "get", "configmaps", "ns1"));
    QVERIFY(!d.allowed);
    QCOMPARE(d.reason, std::string());
}

void TestPolicy::deniedReasonNamesDanglingRoles()
{
    auto snap = test::yaml(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: missing}
subjects: [{kind: User, name: bob}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b2, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gone}
subjects: [{kind: User, name: bob}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b3, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gone}
subjects: [{kind: User, name: carol}]
)");
    Policy policy(snap);
    auto d = policy.authorize(resourceRequest("bob", {}, "get", "pods", "ns1"));
    QVERIFY(!d.allowed);
    {
        const std::string expectedReason = R"(RBAC: [clusterrole.rbac.authorization.k8s.io "missing" not found, role.rbac.authorization.k8s.io "gone" not found])";
        QCOMPARE(d.reason, expectedReason);
    }
    d = policy.authorize(resourceRequest("bob", {}, "get", "pods", ""));
    {
        const std::string expectedReason = R"(RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found)";
        QCOMPARE(d.reason, expectedReason);
    }
    // Bindings that do not apply to the user contribute no errors.
    d = policy.authorize(resourceRequest("dave", {}, "get", "pods", "ns1"));
    QCOMPARE(d.reason, std::string());
}

void TestPolicy::clusterRoleBindingToRole()
{
    auto snap = test::yaml(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: default}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: odd}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: User, name: eve}]
)");
    Policy policy(snap);
    QVERIFY(!policy.authorize(resourceRequest("eve", {}, "get", "pods", "default")).allowed);
    QCOMPARE(policy.warnings().size(), std::size_t(1));
}

void TestPolicy::allGrants()
{
    auto snap = test::yaml(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: a}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}, {apiGroups: ["*"], resources: ["*"], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: one}
roleRef: {kind: ClusterRole, name: a}
subjects: [{kind: Group, name: g}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: two, namespace: n}
roleRef: {kind: ClusterRole, name: a}
subjects: [{kind: User, name: u}]
)");
    Policy policy(snap);
    const auto grants = policy.grantsFor(resourceRequest("u", {"g"}, "get", "pods", "n"));
    QCOMPARE(grants.size(), std::size_t(4)); // two rules through each of two bindings
    QCOMPARE(snap->bindings[grants.front().binding].meta.name, std::string("one")); // ClusterRoleBindings first
    QCOMPARE(snap->bindings[grants.back().binding].meta.name, std::string("two"));
}

void TestPolicy::whoCanExpandsGroups()
{
    auto snap = test::yaml(R"(
apiVersion: v1
kind: ServiceAccount
metadata: {name: a, namespace: n1}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: b, namespace: n2}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-sas}
roleRef: {kind: ClusterRole, name: reader}
subjects:
- {kind: Group, name: "system:serviceaccounts:n2"}
- {kind: ServiceAccount, name: nobody}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: local, namespace: n1}
roleRef: {kind: ClusterRole, name: reader}
subjects: [{kind: ServiceAccount, name: a}]
)");
    Policy policy(snap);
    Request req = resourceRequest({}, {}, "get", "secrets", "n1");
    auto result = whoCan(policy, req, false);
    QCOMPARE(result.entries.size(), std::size_t(3));
    QCOMPARE(result.entries[0].subject.name, std::string("system:serviceaccounts:n2"));
    QCOMPARE(result.entries[0].serviceAccounts, std::vector<std::string> {"n2/b"});
    QVERIFY(result.entries[1].matchesNobody); // SA subject without namespace in a ClusterRoleBinding
    QCOMPARE(result.entries[2].subject.ns, std::string("n1")); // defaulted from the RoleBinding
    QCOMPARE(result.entries[2].scope, std::string("n1"));
    req.resource.ns = "n2";
    QCOMPARE(whoCan(policy, req, false).entries.size(), std::size_t(2));
    req.resource.ns.clear();
    QCOMPARE(whoCan(policy, req, true).entries.size(), std::size_t(3));
    QCOMPARE(whoCan(policy, req, false).entries.size(), std::size_t(2));
    QCOMPARE(serviceAccountsInGroup(*snap, "system:authenticated"), (std::vector<std::string> {"n1/a", "n2/b"}));
}

void TestPolicy::rulesForCompactsLikeKubectl()
{
    auto snap = test::yaml(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: c}
rules:
- {apiGroups: ["", apps], resources: [pods, deployments/scale], verbs: [get]}
- {apiGroups: [""], resources: [pods], verbs: [list]}
- {nonResourceURLs: [/healthz], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: c}
roleRef: {kind: ClusterRole, name: c}
subjects: [{kind: User, name: u}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: n}
rules: [{apiGroups: [""], resources: [configmaps], resourceNames: [cfg], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: r, namespace: n}
roleRef: {kind: Role, name: r}
subjects: [{kind: User, name: u}]
)");
    Policy policy(snap);
    UserInfo u;
    u.name = "u";
    const auto rows = rulesFor(policy, u, "n");
    std::vector<std::string> printed;
    for (const auto& r : rows) {
        std::string line = (r.resources.empty() ? std::string() : r.resources.front()) + '|'
            + (r.nonResourceURLs.empty() ? std::string() : r.nonResourceURLs.front()) + '|';
        for (const auto& n : r.resourceNames)
            line += n;
        line += '|';
        for (const auto& v : r.verbs)
            line += v + ' ';
        line += r.clusterWide ? "cluster" : "namespace";
        printed.push_back(line);
    }
    // Sorted by the Go protobuf String() of each rule, as kubectl does: verbs first ("[get list]" < "[get]"),
    // then API groups (core "[]" before "[apps]"), then resources.
    const std::vector<std::string> expected {
        "pods|||get list cluster",
        "|/healthz||get cluster",
        "configmaps||cfg|get namespace",
        "deployments/scale|||get cluster",
        "deployments.apps/scale|||get cluster",
        "pods.apps|||get cluster",
    };
    if (printed != expected)
        for (const auto& p : printed)
            qWarning("%s", p.c_str());
    QCOMPARE(printed, expected);
    QCOMPARE(rulesFor(policy, u, "").size(), std::size_t(5)); // cluster scope: no RoleBindings
}

void TestPolicy::impersonation_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QStringList>("given");
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("sa gets sa groups")
        << "system:serviceaccount:ns1:bot" << SL({})
        << SL({"system:serviceaccounts", "system:serviceaccounts:ns1", "system:authenticated"});
    QTest::addRow("explicit groups replace sa groups")
        << "system:serviceaccount:ns1:bot" << SL({"team"}) << SL({"team", "system:authenticated"});
    QTest::addRow("authenticated not duplicated")
        << "alice" << SL({"system:authenticated"}) << SL({"system:authenticated"});
    QTest::addRow("unauthenticated suppresses authenticated")
        << "alice" << SL({"system:unauthenticated"}) << SL({"system:unauthenticated"});
    QTest::addRow("anonymous") << "system:anonymous" << SL({}) << SL({"system:unauthenticated"});
    QTest::addRow("invalid sa name is a plain user")
        << "system:serviceaccount:ns:a:b" << SL({}) << SL({"system:authenticated"});
    QTest::addRow("upper-case namespace is a plain user")
        << "system:serviceaccount:NS:bot" << SL({}) << SL({"system:authenticated"});
}

void TestPolicy::impersonation()
{
    QFETCH(QString, user);
    QFETCH(QStringList, given);
    QFETCH(QStringList, expected);
    std::vector<std::string> groups;
    for (const auto& g : given)
        groups.push_back(g.toStdString());
    const auto info = impersonate(user.toStdString(), groups);
    QStringList got;
    for (const auto& g : info.groups)
        got << QString::fromStdString(g);
    QCOMPARE(got, expected);
    QCOMPARE(info.name, user.toStdString());
}

void TestPolicy::serviceAccountNames_data()
{
    QTest::addColumn<QString>("shorthand");
    QTest::addColumn<QString>("username");
    QTest::addRow("colon") << "kube-system:coredns" << "system:serviceaccount:kube-system:coredns";
    QTest::addRow("slash") << "ns/sa.with.dots" << "system:serviceaccount:ns:sa.with.dots";
    QTest::addRow("missing name") << "ns:" << "";
    QTest::addRow("upper case") << "NS:sa" << "";
    QTest::addRow("no separator") << "justone" << "";
}

void TestPolicy::serviceAccountNames()
{
    QFETCH(QString, shorthand);
    QFETCH(QString, username);
    const auto got = serviceAccountShorthand(shorthand.toStdString());
    QCOMPARE(QString::fromStdString(got.value_or(std::string())), username);
}

void TestPolicy::catalogue_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("group");
    QTest::addColumn<QString>("resource");
    QTest::addColumn<QString>("sub");
    QTest::addColumn<bool>("namespaced");
    QTest::addRow("short name") << "po" << "" << "pods" << "" << true;
    QTest::addRow("singular") << "deployment" << "apps" << "deployments" << "" << true;
    QTest::addRow("kind") << "ClusterRole" << "rbac.authorization.k8s.io" << "clusterroles" << "" << false;
    QTest::addRow("group given") << "deployments.apps/scale" << "apps" << "deployments" << "scale" << true;
    QTest::addRow("core preferred") << "events" << "" << "events" << "" << true;
    QTest::addRow("other group explicit") << "events.events.k8s.io" << "events.k8s.io" << "events" << "" << true;
    QTest::addRow("cluster scoped") << "nodes/proxy" << "" << "nodes" << "proxy" << false;
    QTest::addRow("unknown kept") << "widgets.example.com" << "example.com" << "widgets" << "" << true;
}

void TestPolicy::catalogue()
{
    QFETCH(QString, spec);
    QFETCH(QString, group);
    QFETCH(QString, resource);
    QFETCH(QString, sub);
    QFETCH(bool, namespaced);
    ResourceCatalog catalog;
    const auto r = catalog.resolve(spec.toStdString());
    QCOMPARE(QString::fromStdString(r.group), group);
    QCOMPARE(QString::fromStdString(r.resource), resource);
    QCOMPARE(QString::fromStdString(r.subresource), sub);
    QCOMPARE(r.namespaced, namespaced);
}

void TestPolicy::catalogueIncludesCrds()
{
    auto snap = test::yaml(R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: certificates.cert-manager.io}
spec:
  group: cert-manager.io
  scope: Namespaced
  names: {plural: certificates, kind: Certificate}
  versions: [{name: v1, schema: {openAPIV3Schema: {type: object}}}]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: clusterissuers.cert-manager.io}
spec:
  group: cert-manager.io
  scope: Cluster
  names: {plural: clusterissuers, kind: ClusterIssuer}
)");
    ResourceCatalog catalog(*snap);
    auto r = catalog.resolve("certificate");
    QVERIFY(r.known);
    QCOMPARE(r.group, std::string("cert-manager.io"));
    r = catalog.resolve("clusterissuers");
    QVERIFY(!r.namespaced);
}

void TestPolicy::catalogueIncludesDiscovery()
{
    // As `kubectl get --raw /apis/widgets.example.com/v1` returns it.
    auto snap = test::json(R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"widgets.example.com/v1",
      "resources":[{"name":"gizmos","singularName":"gizmo","namespaced":false,"kind":"Gizmo",
                    "verbs":["get","list"],"shortNames":["gz"]},
                   {"name":"gizmos/status","singularName":"","namespaced":false,"kind":"Gizmo","verbs":["get"]}]})");
    QCOMPARE(snap->report.errorCount(), std::size_t(0));
    QCOMPARE(snap->discovery.size(), std::size_t(2));
    QCOMPARE(snap->report.keptCount("APIResourceList"), std::size_t(1));
    ResourceCatalog catalog(*snap);
    const auto r = catalog.resolve("gz/status");
    QVERIFY(r.known);
    QCOMPARE(r.group, std::string("widgets.example.com"));
    QCOMPARE(r.resource, std::string("gizmos"));
    QCOMPARE(r.subresource, std::string("status"));
    QVERIFY(!r.namespaced);
    const auto* t = catalog.find("widgets.example.com", "gizmos");
    QVERIFY(t);
    QCOMPARE(t->verbs, (std::vector<std::string> {"get", "list"}));
}

QTEST_GUILESS_MAIN(TestPolicy)
#include "tst_policy.moc"
