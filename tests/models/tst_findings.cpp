// SPDX-License-Identifier: Apache-2.0
// The findings engine on the demo snapshot (every planted problem P1-P13 of resources/demo/README.md, and its negative
// controls), the automount precedence on small fixtures, legacy-token staleness, the posture overview, waivers kept in
// a sidecar file, SARIF 2.1.0 output, and the findings item model and proxy under QAbstractItemModelTester.
#include "models/analysis/findings.h"
#include "models/analysis/posture.h"
#include "models/io/sarif.h"
#include "models/io/waivers.h"
#include "models/item/findingsmodel.h"
#include "testutils.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace rbx;

namespace {

QString demoDir()
{
    return QStringLiteral(RBX_SOURCE_DIR "/resources/demo");
}

const Finding* byId(const std::vector<Finding>& findings, const std::string& id)
{
    for (const auto& f : findings)
        if (f.id == id)
            return &f;
    return nullptr;
}

bool hasEvidence(const Finding& f, const std::string& kind, const std::string& ns, const std::string& name)
{
    for (const auto& e : f.evidence)
        if (e.object.kind == kind && e.object.ns == ns && e.object.name == name)
            return true;
    return false;
}

std::vector<Finding> findingsOf(const std::string& yaml)
{
    const auto snapshot = test::yaml(yaml);
    return computeFindings(Policy(snapshot));
}

} // namespace

class TestFindings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void plantedProblems_data();
    void plantedProblems();
    void negativeControls();
    void evidenceAndChains();
    void idsAreStableAndUnique();
    void automountPrecedence_data();
    void automountPrecedence();
    void legacyTokenStaleness();
    void escalationPrimitives_data();
    void escalationPrimitives();
    void bootstrapPolicyIsInfo();
    void bindingsAndCloudSecrets_data();
    void bindingsAndCloudSecrets();
    void posture();
    void waiversRoundTrip();
    void sarif();
    void itemModelAndProxy();

private:
    std::shared_ptr<const Policy> m_policy;
    std::vector<Finding> m_findings;
};

void TestFindings::initTestCase()
{
    m_policy = std::make_shared<const Policy>(io::loadSnapshot({demoDir().toStdString()}));
    m_findings = computeFindings(*m_policy);
}

void TestFindings::plantedProblems_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("severityAtLeast");
    QTest::addRow("P1 team-a default automount") << "RBX-SA-001:ServiceAccount/team-a/default" << "medium";
    QTest::addRow("P1 legacy-apps default automount") << "RBX-SA-001:ServiceAccount/legacy-apps/default" << "medium";
    QTest::addRow("P1 team-a default bound") << "RBX-SA-002:ServiceAccount/team-a/default" << "medium";
    QTest::addRow("P1 legacy-apps default bound") << "RBX-SA-002:ServiceAccount/legacy-apps/default" << "medium";
    QTest::addRow("P2 hello-web") << "RBX-WL-001:Deployment/default/hello-web" << "low";
    QTest::addRow("P2 frontend") << "RBX-WL-001:Deployment/team-a/frontend" << "medium";
    QTest::addRow("P2 inventory") << "RBX-WL-001:Deployment/legacy-apps/inventory" << "medium";
    QTest::addRow("P3 create pods in kube-system") << "RBX-ESC-001:ServiceAccount/payments/deployer" << "critical";
    QTest::addRow("P3 cross-namespace binding") << "RBX-BND-001:RoleBinding/kube-system/payments-deployer@payments/deployer"
                                                << "high";
    QTest::addRow("P4 ci-superuser") << "RBX-RBAC-002:ClusterRole/ci-superuser" << "critical";
    QTest::addRow("P4 namespace-owner") << "RBX-RBAC-002:Role/team-a/namespace-owner" << "high";
    QTest::addRow("P4 ci-runner is cluster-admin") << "RBX-RBAC-001:ServiceAccount/team-a/ci-runner" << "critical";
    QTest::addRow("P5 jenkins") << "RBX-RBAC-001:ServiceAccount/legacy-apps/jenkins" << "critical";
    QTest::addRow("P6 missing SA") << "RBX-BND-002:RoleBinding/payments/metrics-scraper-view@payments/metrics-scraper"
                                   << "medium";
    QTest::addRow("P7 missing role") << "RBX-BND-003:ClusterRoleBinding/config-sync-audit-reader" << "medium";
    QTest::addRow("P8 secrets cluster-wide") << "RBX-RBAC-003:ServiceAccount/legacy-apps/config-sync" << "high";
    QTest::addRow("P9 impersonate") << "RBX-ESC-004:ServiceAccount/team-a/access-broker" << "high";
    QTest::addRow("P9 bind/escalate") << "RBX-ESC-005:ServiceAccount/kube-system/namespace-provisioner" << "high";
    QTest::addRow("P9 write bindings") << "RBX-ESC-006:ServiceAccount/kube-system/namespace-provisioner" << "high";
    QTest::addRow("P10 cloud identity + broad RBAC") << "RBX-CLD-001:ServiceAccount/team-a/ci-runner" << "high";
    QTest::addRow("P10 24-hour cloud token") << "RBX-TOK-004:ServiceAccount/team-a/ci-runner" << "low";
    QTest::addRow("P11 aggregated secrets") << "RBX-RBAC-004:ServiceAccount/payments/payments-operator" << "medium";
    QTest::addRow("P11 aggregated create secrets") << "RBX-ESC-003:ServiceAccount/payments/payments-operator" << "high";
    QTest::addRow("P11 unselected role") << "RBX-UNU-002:ClusterRole/payments-operator-namespaces" << "low";
    QTest::addRow("P12 no-effect grant") << "RBX-BND-004:RoleBinding/team-a/node-inspector" << "low";
    QTest::addRow("P13 unused SA") << "RBX-UNU-001:ServiceAccount/team-a/report-generator" << "medium";
    QTest::addRow("P13 its stale token") << "RBX-TOK-002:Secret/team-a/report-generator-token" << "medium";
    QTest::addRow("T1 mounted cluster-admin token") << "RBX-TOK-003:Secret/legacy-apps/jenkins-token-4kq9z@StatefulSet/legacy-apps/jenkins"
                                                   << "critical";
    QTest::addRow("T6 token in use") << "RBX-TOK-001:Secret/team-a/ci-runner-token" << "high";
}

void TestFindings::plantedProblems()
{
    QFETCH(QString, id);
    QFETCH(QString, severityAtLeast);
    const auto* f = byId(m_findings, id.toStdString());
    QVERIFY2(f, qPrintable(id));
    QVERIFY2(f->severity >= *parseSeverity(severityAtLeast.toStdString()),
             qPrintable(id + QStringLiteral(" is ") + QString::fromLatin1(severityName(f->severity))));
    QVERIFY(!f->title.empty());
    QVERIFY(!f->explanation.empty());
    QVERIFY(!f->evidence.empty());
    const auto* rule = findingRule(f->ruleId);
    QVERIFY(rule);
    QVERIFY(std::string(rule->runbook).size() > 40);
    QVERIFY(rule->practice >= 1 && rule->practice <= 8);
}

void TestFindings::negativeControls()
{
    // P1: payments/default turns automount off; it is bound (to view) but must not be "automount on".
    QVERIFY(!byId(m_findings, "RBX-SA-001:ServiceAccount/payments/default"));
    QVERIFY(byId(m_findings, "RBX-SA-002:ServiceAccount/payments/default"));
    // P11: payments-operator-namespaces is not aggregated, so no namespace deletion through payments-operator.
    for (const auto& f : m_findings)
        for (const auto& c : f.chains)
            QVERIFY2(c.find("aggregated from ClusterRole payments-operator-namespaces") == std::string::npos, c.c_str());
    // Tokens in use are not stale; stale ones are not "in use".
    QVERIFY(!byId(m_findings, "RBX-TOK-002:Secret/team-a/ci-runner-token"));
    QVERIFY(!byId(m_findings, "RBX-TOK-002:Secret/payments/payments-api-token"));
    QVERIFY(!byId(m_findings, "RBX-TOK-001:Secret/team-a/report-generator-token"));
    // kube-controller-manager's in-process identities are not "unused", and not automount findings.
    QVERIFY(!byId(m_findings, "RBX-UNU-001:ServiceAccount/kube-system/replicaset-controller"));
    QVERIFY(!byId(m_findings, "RBX-SA-003:ServiceAccount/kube-system/replicaset-controller"));
    // Pod templates that opt in explicitly (kube-prometheus) are not "token without API use".
    QVERIFY(!byId(m_findings, "RBX-WL-002:Deployment/monitoring/kube-state-metrics"));
    // Mirror pods are not workloads on the default ServiceAccount.
    for (const auto& f : m_findings)
        QVERIFY2(f.id.find("Pod/kube-system/kube-apiserver-cp-1") == std::string::npos, f.id.c_str());
    // Every finding has a known rule; the bootstrap ones are only informational.
    for (const auto& f : m_findings)
        QVERIFY(findingRule(f.ruleId));
}

void TestFindings::evidenceAndChains()
{
    const auto* p3 = byId(m_findings, "RBX-ESC-001:ServiceAccount/payments/deployer");
    QVERIFY(p3);
    QVERIFY(hasEvidence(*p3, "RoleBinding", "kube-system", "payments-deployer"));
    QVERIFY(hasEvidence(*p3, "Role", "kube-system", "pod-launcher"));
    QVERIFY(!p3->chains.empty());
    QVERIFY(p3->chains.front().find("RoleBinding kube-system/payments-deployer -> Role kube-system/pod-launcher") == 0);
    QVERIFY(!p3->grants.empty());
    QVERIFY(p3->explanation.find("kube-system") != std::string::npos);
    // P11: the chain names the source role of the aggregated rule.
    const auto* p11 = byId(m_findings, "RBX-RBAC-004:ServiceAccount/payments/payments-operator");
    QVERIFY(p11);
    bool viaSource = false;
    for (const auto& c : p11->chains)
        viaSource = viaSource || c.find("(aggregated from ClusterRole payments-operator-secrets)") != std::string::npos;
    QVERIFY(viaSource);
    // P2: the pods behind the Deployment are evidence.
    const auto* p2 = byId(m_findings, "RBX-WL-001:Deployment/team-a/frontend");
    QVERIFY(p2);
    QVERIFY(hasEvidence(*p2, "Pod", "team-a", "frontend-pwrhl8br7-8sgh4"));
    QVERIFY(hasEvidence(*p2, "Pod", "team-a", "frontend-pwrhl8br7-s8lbq"));
    // Source locations for SARIF.
    QVERIFY(p2->source.file.find("30-workloads.yaml") != std::string::npos);
    QVERIFY(p2->source.line > 0);
    // T1: the mount is attributed to the StatefulSet, the pod is evidence.
    const auto* t1 = byId(m_findings, "RBX-TOK-003:Secret/legacy-apps/jenkins-token-4kq9z@StatefulSet/legacy-apps/jenkins");
    QVERIFY(t1);
    QVERIFY(hasEvidence(*t1, "Pod", "legacy-apps", "jenkins-0"));
}

void TestFindings::idsAreStableAndUnique()
{
    std::set<std::string> ids;
    for (const auto& f : m_findings) {
        QVERIFY2(ids.insert(f.id).second, f.id.c_str());
        QVERIFY(f.id.rfind(f.ruleId + ':', 0) == 0);
    }
    // The same snapshot loaded again gives the same IDs in the same order.
    const auto again = computeFindings(Policy(io::loadSnapshot({demoDir().toStdString()})));
    QCOMPARE(again.size(), m_findings.size());
    for (std::size_t i = 0; i < again.size(); ++i)
        QCOMPARE(again[i].id, m_findings[i].id);
    // Sorted worst first.
    for (std::size_t i = 1; i < m_findings.size(); ++i)
        QVERIFY(m_findings[i - 1].severity >= m_findings[i].severity);
}

void TestFindings::automountPrecedence_data()
{
    QTest::addColumn<QString>("saSetting");
    QTest::addColumn<QString>("podSetting");
    QTest::addColumn<bool>("mounted");
    // The guide's table: the pod's field wins over the ServiceAccount's, unset means on.
    QTest::addRow("sa unset, pod unset") << "" << "" << true;
    QTest::addRow("sa true, pod true") << "true" << "true" << true;
    QTest::addRow("sa true, pod false") << "true" << "false" << false;
    QTest::addRow("sa false, pod unset") << "false" << "" << false;
    QTest::addRow("sa false, pod true") << "false" << "true" << true;
    QTest::addRow("sa false, pod false") << "false" << "false" << false;
}

void TestFindings::automountPrecedence()
{
    QFETCH(QString, saSetting);
    QFETCH(QString, podSetting);
    QFETCH(bool, mounted);
    const std::string sa = saSetting.isEmpty() ? "" : "automountServiceAccountToken: " + saSetting.toStdString() + '\n';
    const std::string pod = podSetting.isEmpty() ? "" : "      automountServiceAccountToken: " + podSetting.toStdString() + '\n';
    const auto snapshot = test::yaml("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: ns}\n" + sa
                                     + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ns}\n"
                                       "spec:\n  template:\n    spec:\n      serviceAccountName: app\n"
                                     + pod + "      containers: [{name: c}]\n");
    const Policy policy(snapshot);
    QCOMPARE(automountOf(*snapshot, snapshot->workloads.front()).mounted, mounted);
    const auto findings = computeFindings(policy);
    // No grants and no explicit opt-in: a mounted token is "no API use" unless the pod itself says true.
    const bool expectWl002 = mounted && podSetting != QLatin1String("true");
    QCOMPARE(byId(findings, "RBX-WL-002:Deployment/ns/web") != nullptr, expectWl002);
    QCOMPARE(byId(findings, "RBX-SA-003:ServiceAccount/ns/app") != nullptr, saSetting != QLatin1String("false"));
}

void TestFindings::legacyTokenStaleness()
{
    const auto& s = m_policy->snapshot();
    const auto tokens = legacyTokens(s, snapshotDate(s), 90);
    QCOMPARE(tokens.size(), std::size_t(10));
    QCOMPARE(snapshotDate(s), std::string("2026-11-29"));
    std::set<std::string> stale, inUse;
    for (const auto& t : tokens) {
        const auto name = s.secrets[t.secret].meta.name;
        if (t.stale)
            stale.insert(name);
        if (t.inUse)
            inUse.insert(name);
    }
    // README: T2, T3, T4 invalidated; T5, T7 never used for long; T9 unused since 2025-05; T10 orphan.
    QCOMPARE(stale, (std::set<std::string> {"default-token-8xw2m", "default-token-r7t5n", "config-sync-token-p2v6c",
                                            "deployer-token-5hdlm", "report-generator-token", "namespace-provisioner-token",
                                            "old-ci-token"}));
    QCOMPARE(inUse, (std::set<std::string> {"jenkins-token-4kq9z", "ci-runner-token", "payments-api-token"}));
    // A later reference date makes more tokens stale; --stale-days changes the window.
    const auto later = legacyTokens(s, "2027-06-01", 90);
    QVERIFY(std::count_if(later.begin(), later.end(), [](const LegacyToken& t) { return t.stale; }) == 10);
    const auto strict = legacyTokens(s, snapshotDate(s), 2);
    QVERIFY(std::count_if(strict.begin(), strict.end(), [](const LegacyToken& t) { return t.stale; }) == 8); // T8, last used 4 days before, joins them
}

void TestFindings::escalationPrimitives_data()
{
    QTest::addColumn<QString>("rule");
    QTest::addColumn<QString>("rules");
    QTest::addColumn<bool>("clusterWide");
    QTest::addRow("create pods") << "RBX-ESC-001" << R"([{apiGroups: [""], resources: [pods], verbs: [create]}])" << false;
    QTest::addRow("patch deployments") << "RBX-ESC-001" << R"([{apiGroups: [apps], resources: [deployments], verbs: [patch]}])" << false;
    QTest::addRow("token request") << "RBX-ESC-002" << R"([{apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}])" << false;
    QTest::addRow("create secrets") << "RBX-ESC-003" << R"([{apiGroups: [""], resources: [secrets], verbs: [create]}])" << false;
    QTest::addRow("impersonate groups") << "RBX-ESC-004" << R"([{apiGroups: [""], resources: [groups], verbs: [impersonate]}])" << true;
    QTest::addRow("escalate") << "RBX-ESC-005" << R"([{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate]}])" << true;
    QTest::addRow("write bindings") << "RBX-ESC-006" << R"([{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}])" << false;
    QTest::addRow("nodes/proxy") << "RBX-ESC-007" << R"([{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}])" << true;
    QTest::addRow("exec") << "RBX-ESC-008" << R"([{apiGroups: [""], resources: [pods/exec], verbs: [create]}])" << false;
    QTest::addRow("ephemeral containers") << "RBX-ESC-008" << R"([{apiGroups: [""], resources: [pods/ephemeralcontainers], verbs: [patch]}])" << false;
    QTest::addRow("csr approval") << "RBX-ESC-009"
                                  << R"([{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}, {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve]}])"
                                  << true;
    QTest::addRow("webhooks") << "RBX-ESC-010" << R"([{apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [patch]}])" << true;
    QTest::addRow("secrets in namespace") << "RBX-RBAC-004" << R"([{apiGroups: [""], resources: [secrets], verbs: [list]}])" << false;
    QTest::addRow("secrets cluster-wide") << "RBX-RBAC-003" << R"([{apiGroups: [""], resources: [secrets], verbs: [watch]}])" << true;
}

void TestFindings::escalationPrimitives()
{
    QFETCH(QString, rule);
    QFETCH(QString, rules);
    QFETCH(bool, clusterWide);
    const std::string binding = clusterWide
        ? "kind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, "
          "name: r}\n"
        : "kind: RoleBinding\nmetadata: {name: b, namespace: ns}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: "
          "ClusterRole, name: r}\n";
    const auto findings = findingsOf(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: ns}\n---\n"
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: "
        + rules.toStdString() + "\n---\napiVersion: rbac.authorization.k8s.io/v1\n" + binding
        + "subjects: [{kind: ServiceAccount, name: app, namespace: ns}]\n");
    const auto* f = byId(findings, rule.toStdString() + ":ServiceAccount/ns/app");
    QVERIFY2(f, qPrintable(rule));
    QVERIFY(f->severity >= Severity::Medium);
    QVERIFY(!f->grants.empty());
    // Only the primitive itself: a Secret reader is not a pod creator.
    if (rule != QLatin1String("RBX-ESC-001"))
        QVERIFY(!byId(findings, "RBX-ESC-001:ServiceAccount/ns/app"));
}

void TestFindings::bootstrapPolicyIsInfo()
{
    // Kubernetes' own controllers hold these by design: informational, so --fail-on high does not trip on them.
    const auto* gc = byId(m_findings, "RBX-RBAC-003:ServiceAccount/kube-system/generic-garbage-collector");
    QVERIFY(gc);
    QCOMPARE(gc->severity, Severity::Info);
    const auto* dns = byId(m_findings, "RBX-BND-002:ClusterRoleBinding/system:kube-dns@kube-system/kube-dns");
    QVERIFY(dns);
    QCOMPARE(dns->severity, Severity::Info);
}

void TestFindings::bindingsAndCloudSecrets_data()
{
    QTest::addColumn<QString>("yaml"); // appended to a namespace ns1 with ServiceAccount app and ClusterRole reader
    QTest::addColumn<QString>("ruleId");
    QTest::addColumn<QString>("id"); // the expected finding of that rule; empty: the rule must not fire
    QTest::addColumn<int>("severity");
    QTest::addColumn<QString>("evidence"); // "Kind ns/name" that must be in the evidence
    const auto rb = [](const char* kind, const char* ns, const char* name, const char* role, const char* subjects) {
        return QStringLiteral("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: %1\nmetadata: {name: %2%3}\n"
                              "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: %4}\nsubjects: %5\n")
            .arg(QLatin1String(kind), QLatin1String(name),
                 *ns ? QStringLiteral(", namespace: ") + QLatin1String(ns) : QString(), QLatin1String(role),
                 QLatin1String(subjects));
    };
    const int low = int(Severity::Low);
    const int medium = int(Severity::Medium);
    const int high = int(Severity::High);
    // RBX-UNU-003: a binding no request can match.
    QTest::addRow("UNU-003 no subjects") << rb("RoleBinding", "ns1", "empty", "reader", "[]") << "RBX-UNU-003"
                                         << "RBX-UNU-003:RoleBinding/ns1/empty" << low << "RoleBinding ns1/empty";
    QTest::addRow("UNU-003 no subjects key") << rb("RoleBinding", "ns1", "empty", "reader", "null") << "RBX-UNU-003"
                                             << "RBX-UNU-003:RoleBinding/ns1/empty" << low << "RoleBinding ns1/empty";
    QTest::addRow("UNU-003 SA without namespace in a ClusterRoleBinding")
        << rb("ClusterRoleBinding", "", "crb", "reader", "[{kind: ServiceAccount, name: app}]") << "RBX-UNU-003"
        << "RBX-UNU-003:ClusterRoleBinding/crb" << low << "ClusterRoleBinding crb";
    QTest::addRow("UNU-003 unknown subject kind")
        << rb("RoleBinding", "ns1", "robots", "reader", "[{kind: Robot, name: r2d2}]") << "RBX-UNU-003"
        << "RBX-UNU-003:RoleBinding/ns1/robots" << low << "RoleBinding ns1/robots";
    QTest::addRow("UNU-003 not: SA without namespace in a RoleBinding (its own namespace)")
        << rb("RoleBinding", "ns1", "ok", "reader", "[{kind: ServiceAccount, name: app}]") << "RBX-UNU-003" << ""
        << 0 << "";
    QTest::addRow("UNU-003 not: one matchable subject among unknown ones")
        << rb("RoleBinding", "ns1", "mixed", "reader", "[{kind: Robot, name: r2d2}, {kind: User, name: alice}]")
        << "RBX-UNU-003" << "" << 0 << "";
    // RBX-BND-005: grants to every ServiceAccount, every signed-in identity, or anyone.
    QTest::addRow("BND-005 every ServiceAccount")
        << rb("ClusterRoleBinding", "", "all-sas", "reader",
              "[{kind: Group, apiGroup: rbac.authorization.k8s.io, name: \"system:serviceaccounts\"}]")
        << "RBX-BND-005" << "RBX-BND-005:ClusterRoleBinding/all-sas@system:serviceaccounts" << medium
        << "ClusterRole reader";
    QTest::addRow("BND-005 every ServiceAccount of a namespace")
        << rb("RoleBinding", "ns1", "ns-sas", "reader", "[{kind: Group, name: \"system:serviceaccounts:ns1\"}]")
        << "RBX-BND-005" << "RBX-BND-005:RoleBinding/ns1/ns-sas@system:serviceaccounts:ns1" << medium
        << "RoleBinding ns1/ns-sas";
    QTest::addRow("BND-005 every signed-in identity")
        << rb("RoleBinding", "ns1", "authn", "reader", "[{kind: Group, name: \"system:authenticated\"}]")
        << "RBX-BND-005" << "RBX-BND-005:RoleBinding/ns1/authn@system:authenticated" << medium
        << "RoleBinding ns1/authn";
    QTest::addRow("BND-005 anyone is worse")
        << rb("ClusterRoleBinding", "", "anon", "reader", "[{kind: Group, name: \"system:unauthenticated\"}]")
        << "RBX-BND-005" << "RBX-BND-005:ClusterRoleBinding/anon@system:unauthenticated" << high
        << "ClusterRoleBinding anon";
    QTest::addRow("BND-005 not: an ordinary group")
        << rb("ClusterRoleBinding", "", "devs", "reader", "[{kind: Group, name: developers}]") << "RBX-BND-005" << ""
        << 0 << "";
    QTest::addRow("BND-005 not: a role without rules")
        << QString(QStringLiteral("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
                                  "metadata: {name: nothing}\nrules: []\n")
                   + rb("ClusterRoleBinding", "", "all-nothing", "nothing",
                        "[{kind: Group, name: \"system:authenticated\"}]"))
        << "RBX-BND-005" << "" << 0 << "";
    QTest::addRow("BND-005 not: a missing role")
        << rb("ClusterRoleBinding", "", "all-missing", "does-not-exist", "[{kind: Group, name: \"system:authenticated\"}]")
        << "RBX-BND-005" << "" << 0 << "";
    // RBX-CLD-002: static cloud keys in a Secret, worse when pods use them.
    const auto secret = [](const char* name, const char* type, const char* keys) {
        return QStringLiteral("---\napiVersion: v1\nkind: Secret\nmetadata: {name: %1, namespace: ns1}\ntype: %2\n"
                              "data: {%3}\n")
            .arg(QLatin1String(name), QLatin1String(type), QLatin1String(keys));
    };
    QTest::addRow("CLD-002 AWS keys, unused")
        << secret("aws", "Opaque", "aws_access_key_id: QUtJQQ==, aws_secret_access_key: c2VjcmV0") << "RBX-CLD-002"
        << "RBX-CLD-002:Secret/ns1/aws" << medium << "Secret ns1/aws";
    QTest::addRow("CLD-002 key names in any case")
        << secret("gcp", "Opaque", "GOOGLE-CREDENTIALS.JSON: e30=") << "RBX-CLD-002" << "RBX-CLD-002:Secret/ns1/gcp"
        << medium << "Secret ns1/gcp";
    QTest::addRow("CLD-002 used by a pod")
        << QString(secret("azure", "Opaque", "azure_client_secret: c2VjcmV0")
                   + QStringLiteral("---\napiVersion: v1\nkind: Pod\nmetadata: {name: uploader, namespace: ns1}\n"
                                    "spec:\n  serviceAccountName: app\n  containers:\n  - name: c\n    image: x\n"
                                    "    env:\n    - name: AZURE_CLIENT_SECRET\n      valueFrom: {secretKeyRef: "
                                    "{name: azure, key: azure_client_secret}}\n"))
        << "RBX-CLD-002" << "RBX-CLD-002:Secret/ns1/azure" << high << "Pod ns1/uploader";
    QTest::addRow("CLD-002 not: other key names")
        << secret("app-config", "Opaque", "aws_region: ZXUtd2VzdC0x, password: cGFzcw==") << "RBX-CLD-002" << "" << 0
        << "";
    QTest::addRow("CLD-002 not: a ServiceAccount token Secret")
        << QStringLiteral("---\napiVersion: v1\nkind: Secret\nmetadata: {name: tok, namespace: ns1, annotations: "
                          "{kubernetes.io/service-account.name: app}}\ntype: kubernetes.io/service-account-token\n"
                          "data: {credentials.json: e30=}\n")
        << "RBX-CLD-002" << "" << 0 << "";
}

void TestFindings::bindingsAndCloudSecrets()
{
    QFETCH(QString, yaml);
    QFETCH(QString, ruleId);
    QFETCH(QString, id);
    QFETCH(int, severity);
    QFETCH(QString, evidence);
    const std::string base = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1}\n---\napiVersion: v1\n"
                             "kind: ServiceAccount\nmetadata: {name: app, namespace: ns1}\n---\n"
                             "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n"
                             "rules: [{apiGroups: [\"\"], resources: [configmaps], verbs: [get]}]\n";
    const auto findings = findingsOf(base + yaml.toStdString());
    QStringList ofRule;
    for (const auto& f : findings)
        if (test::qs(f.ruleId) == ruleId)
            ofRule << test::qs(f.id);
    if (id.isEmpty()) {
        QVERIFY2(ofRule.isEmpty(), qPrintable(ofRule.join(u',')));
        return;
    }
    QCOMPARE(ofRule, QStringList {id});
    const auto* f = byId(findings, id.toStdString());
    QVERIFY(f);
    QCOMPARE(int(f->severity), severity);
    QVERIFY(!f->title.empty());
    QVERIFY(!f->explanation.empty());
    const auto* rule = findingRule(f->ruleId);
    QVERIFY(rule);
    QCOMPARE(rule->practice, ruleId == QLatin1String("RBX-CLD-002") ? 6 : 7);
    const auto space = evidence.indexOf(u' ');
    const auto kind = evidence.left(space).toStdString();
    const auto path = evidence.mid(space + 1);
    const auto slash = path.indexOf(u'/');
    const auto ns = slash < 0 ? std::string() : path.left(slash).toStdString();
    const auto name = (slash < 0 ? path : path.mid(slash + 1)).toStdString();
    QVERIFY2(hasEvidence(*f, kind, ns, name) || (f->object.kind == kind && f->object.ns == ns && f->object.name == name),
             qPrintable(evidence));
}

void TestFindings::posture()
{
    const auto p = computePosture(*m_policy, m_findings);
    QCOMPARE(p.practices.size(), std::size_t(8));
    for (int i = 0; i < 8; ++i)
        QCOMPARE(p.practices[static_cast<std::size_t>(i)].number, i + 1);
    const auto& dedicated = p.practices[0];
    QVERIFY(!dedicated.pass);
    QCOMPARE(dedicated.failing, std::size_t(3)); // P2: hello-web, frontend, inventory
    QCOMPARE(p.practices[1].failing, std::size_t(9)); // every default SA but payments' (and none waived)
    QCOMPARE(p.practices[1].total, std::size_t(11));
    QVERIFY(!p.practices[3].pass); // legacy tokens
    QVERIFY(p.practices[5].pass); // no static cloud keys in the demo
    for (const auto& pr : p.practices) {
        QVERIFY(!pr.rules.empty());
        QVERIFY(!pr.summary.empty());
        for (const auto& id : pr.findings)
            QVERIFY(byId(m_findings, id));
    }
    QCOMPARE(p.metrics.size(), std::size_t(5));
    QCOMPARE(p.metrics[0].clusterMetric, std::string("serviceaccount_legacy_tokens_total"));
    QCOMPARE(p.metrics[0].value, std::size_t(3));
    // kube-apiserver's serviceaccount_stale_tokens_total counts stale *projected* tokens (used after warnafter),
    // not unused legacy ones: stale legacy tokens mirror no metric...
    QCOMPARE(p.metrics[1].name, std::string("Stale legacy tokens"));
    QCOMPARE(p.metrics[1].clusterMetric, std::string());
    QCOMPARE(p.metrics[1].value, std::size_t(7));
    // ...and the metric maps to the projected tokens with extended expiration (3607 s): the demo's 37 pods with the
    // admission-injected kube-api-access volume, not the one with an sts.amazonaws.com audience.
    QCOMPARE(p.metrics[4].clusterMetric, std::string("serviceaccount_stale_tokens_total"));
    QCOMPARE(p.metrics[4].value, std::size_t(37));
    for (const auto& m : p.metrics)
        if (m.name.find("legacy") != std::string::npos || m.name.find("Legacy") != std::string::npos)
            QVERIFY2(m.clusterMetric != "serviceaccount_stale_tokens_total", m.name.c_str());
    // Waiving every finding behind a practice makes it pass.
    auto waived = m_findings;
    for (auto& f : waived)
        if (f.ruleId == "RBX-WL-001")
            f.waived = true;
    QVERIFY(computePosture(*m_policy, waived).practices[0].pass);
}

void TestFindings::waiversRoundTrip()
{
    QTemporaryDir dir;
    // A snapshot folder keeps .rbx-waivers.yaml inside; a file gets <file>.rbx-waivers.yaml beside it.
    QCOMPARE(io::waiversPathFor({dir.path().toStdString()}), dir.path().toStdString() + "/.rbx-waivers.yaml");
    QCOMPARE(io::waiversPathFor({dir.path().toStdString() + "/dump.yaml"}),
             dir.path().toStdString() + "/dump.yaml.rbx-waivers.yaml");
    QCOMPARE(io::waiversPathFor({"-"}), std::string());
    const auto path = dir.path().toStdString() + "/.rbx-waivers.yaml";
    auto empty = io::loadWaivers(path);
    QVERIFY(empty && empty->waivers.empty()); // missing file
    io::WaiverSet set;
    set.set({"RBX-RBAC-002:ClusterRole/argocd-application-controller", "Argo CD syncs anything: \"by design\"", "2026-11-30", "alice"});
    set.set({"RBX-SA-001:ServiceAccount/kube-public/default", "nothing runs in kube-public", "2026-11-30", {}});
    set.set({"RBX-SA-001:ServiceAccount/kube-public/default", "nothing runs there", "2026-12-01", "bob"}); // replaces
    std::string error;
    QVERIFY(io::saveWaivers(path, set, &error));
    const auto loaded = io::loadWaivers(path, &error);
    QVERIFY2(loaded, error.c_str());
    QCOMPARE(loaded->waivers.size(), std::size_t(2));
    QCOMPARE(loaded->find("RBX-SA-001:ServiceAccount/kube-public/default")->note, std::string("nothing runs there"));
    QCOMPARE(loaded->find("RBX-SA-001:ServiceAccount/kube-public/default")->by, std::string("bob"));
    QCOMPARE(loaded->find("RBX-RBAC-002:ClusterRole/argocd-application-controller")->note,
             std::string("Argo CD syncs anything: \"by design\""));
    auto findings = m_findings;
    io::applyWaivers(findings, *loaded);
    QVERIFY(byId(findings, "RBX-SA-001:ServiceAccount/kube-public/default")->waived);
    QVERIFY(!byId(findings, "RBX-SA-001:ServiceAccount/team-a/default")->waived);
    auto copy = *loaded;
    QVERIFY(copy.remove("RBX-SA-001:ServiceAccount/kube-public/default"));
    QVERIFY(!copy.remove("RBX-SA-001:ServiceAccount/kube-public/default"));
    // Malformed files are reported, not ignored.
    QVERIFY(test::writeFile(QString::fromStdString(path), "waivers: {not: a list}\n"));
    QVERIFY(!io::loadWaivers(path, &error));
    QVERIFY(error.find("waivers") != std::string::npos);
}

void TestFindings::sarif()
{
    auto findings = m_findings;
    io::WaiverSet set;
    set.set({"RBX-SA-001:ServiceAccount/kube-public/default", "empty namespace", "2026-11-30", {}});
    io::applyWaivers(findings, set);
    const auto log = io::sarifLog(findings, "1.2.3");
    QCOMPARE(log.value(QStringLiteral("version")).toString(), QStringLiteral("2.1.0"));
    QVERIFY(log.value(QStringLiteral("$schema")).toString().contains(QStringLiteral("sarif-2.1.0")));
    const auto runs = log.value(QStringLiteral("runs")).toArray();
    QCOMPARE(runs.size(), 1);
    const auto run = runs.first().toObject();
    const auto driver = run.value(QStringLiteral("tool")).toObject().value(QStringLiteral("driver")).toObject();
    QCOMPARE(driver.value(QStringLiteral("name")).toString(), QStringLiteral("rbx"));
    const auto rules = driver.value(QStringLiteral("rules")).toArray();
    QCOMPARE(rules.size(), static_cast<qsizetype>(findingRules().size()));
    for (const auto& r : rules) {
        const auto o = r.toObject();
        QVERIFY(o.value(QStringLiteral("id")).toString().startsWith(QStringLiteral("RBX-")));
        QVERIFY(!o.value(QStringLiteral("shortDescription")).toObject().value(QStringLiteral("text")).toString().isEmpty());
        QVERIFY(!o.value(QStringLiteral("help")).toObject().value(QStringLiteral("text")).toString().isEmpty());
        const auto level = o.value(QStringLiteral("defaultConfiguration")).toObject().value(QStringLiteral("level")).toString();
        QVERIFY(level == QLatin1String("error") || level == QLatin1String("warning") || level == QLatin1String("note"));
        QVERIFY(!o.value(QStringLiteral("properties")).toObject().value(QStringLiteral("security-severity")).toString().isEmpty());
    }
    const auto results = run.value(QStringLiteral("results")).toArray();
    QCOMPARE(results.size(), static_cast<qsizetype>(findings.size()));
    int suppressed = 0;
    for (const auto& r : results) {
        const auto o = r.toObject();
        const auto ruleIndex = o.value(QStringLiteral("ruleIndex")).toInt(-1);
        QVERIFY(ruleIndex >= 0 && ruleIndex < rules.size());
        QCOMPARE(rules[ruleIndex].toObject().value(QStringLiteral("id")).toString(), o.value(QStringLiteral("ruleId")).toString());
        QVERIFY(!o.value(QStringLiteral("message")).toObject().value(QStringLiteral("text")).toString().isEmpty());
        QVERIFY(!o.value(QStringLiteral("partialFingerprints")).toObject().isEmpty());
        const auto loc = o.value(QStringLiteral("locations")).toArray().first().toObject();
        QVERIFY(loc.contains(QStringLiteral("logicalLocations")));
        if (loc.contains(QStringLiteral("physicalLocation"))) {
            const auto phys = loc.value(QStringLiteral("physicalLocation")).toObject();
            QVERIFY(phys.value(QStringLiteral("artifactLocation")).toObject().value(QStringLiteral("uri")).toString().contains(
                QStringLiteral("resources/demo/")));
            QVERIFY(phys.value(QStringLiteral("region")).toObject().value(QStringLiteral("startLine")).toInt() >= 1);
        }
        if (o.contains(QStringLiteral("suppressions"))) {
            ++suppressed;
            QCOMPARE(o.value(QStringLiteral("suppressions")).toArray().first().toObject().value(QStringLiteral("kind")).toString(),
                     QStringLiteral("external"));
        }
    }
    QCOMPARE(suppressed, 1);
    // And it is valid JSON text.
    QVERIFY(!QJsonDocument(log).toJson().isEmpty());
}

void TestFindings::itemModelAndProxy()
{
    FindingsModel model;
    FindingsFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto findings = m_findings;
    findings.front().waived = true;
    model.setFindings(m_policy, findings);
    QCOMPARE(model.rowCount(), static_cast<int>(findings.size()));
    QCOMPARE(proxy.rowCount(), static_cast<int>(findings.size()) - 1); // waived hidden by default
    proxy.setShowWaived(true);
    QCOMPARE(proxy.rowCount(), static_cast<int>(findings.size()));
    proxy.setMinimumSeverity(Severity::Critical);
    for (int r = 0; r < proxy.rowCount(); ++r)
        QCOMPARE(proxy.index(r, 0).data(FindingsModel::SeverityRole).toInt(), static_cast<int>(Severity::Critical));
    proxy.setMinimumSeverity(Severity::Info);
    proxy.setText(QStringLiteral("report-generator"));
    QVERIFY(proxy.rowCount() >= 2);
    proxy.setText({});
    proxy.setRules({QStringLiteral("RBX-WL-001")});
    QCOMPARE(proxy.rowCount(), 3);
    proxy.setRules({});
    // Grouped: one top-level row per severity, findings below; filtering hides empty groups.
    model.setGrouping(FindingsModel::Grouping::Severity);
    QCOMPARE(model.rowCount(), 5);
    QVERIFY(model.index(0, 0).data(FindingsModel::GroupRole).toBool());
    QVERIFY(model.index(0, 0).data().toString().startsWith(QStringLiteral("Critical")));
    proxy.setRules({QStringLiteral("RBX-WL-001")});
    QCOMPARE(proxy.rowCount(), 2); // medium and low
    proxy.setRules({});
    model.setGrouping(FindingsModel::Grouping::Namespace);
    QVERIFY(model.rowCount() > 8);
    model.setGrouping(FindingsModel::Grouping::Rule);
    QVERIFY(model.rowCount() > 15);
    // Sorting by severity puts the worst first; by rule groups rule IDs.
    model.setGrouping(FindingsModel::Grouping::None);
    proxy.sort(FindingsModel::SeverityColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, 0).data(FindingsModel::SeverityRole).toInt(), static_cast<int>(Severity::Critical));
    proxy.sort(FindingsModel::RuleColumn, Qt::AscendingOrder);
    QVERIFY(proxy.index(0, FindingsModel::RuleColumn).data().toString() <= proxy.index(1, FindingsModel::RuleColumn).data().toString());
    // Waiving updates in place.
    const auto id = m_findings[5].id;
    model.setWaived(id, true, "checked");
    const auto idx = model.indexOf(id);
    QVERIFY(idx.isValid());
    QVERIFY(idx.data(FindingsModel::WaivedRole).toBool());
    QCOMPARE(model.finding(idx)->waiverNote, std::string("checked"));
    model.setFindings(nullptr, {});
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestFindings)
#include "tst_findings.moc"
