// SPDX-License-Identifier: Apache-2.0
// Access matrix cells: yes / partial (resourceNames) / no, scope, rows from the catalogue and from rules.
#include "models/analysis/accessmatrix.h"
#include "models/analysis/identity.h"
#include "testutils.h"

#include <QTest>

using namespace rbx;

namespace {

const char* kSnapshot = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: apps}
rules:
- {apiGroups: [""], resources: [configmaps], resourceNames: [b, a], verbs: [get, update]}
- {apiGroups: [""], resources: [configmaps], resourceNames: [c], verbs: [get]}
- {apiGroups: [""], resources: [secrets], resourceNames: [""], verbs: [list]}
- {apiGroups: ["*"], resources: ["*/scale"], verbs: [patch]}
- {apiGroups: [widgets.example.com], resources: [gadgets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: r, namespace: apps}
roleRef: {kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: bot}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-reader}
rules: [{apiGroups: [""], resources: [nodes], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: node-reader}
roleRef: {kind: ClusterRole, name: node-reader}
subjects: [{kind: Group, name: "system:serviceaccounts:apps"}]
)";

std::size_t rowOf(const AccessMatrix& m, const std::string& group, const std::string& resource)
{
    for (std::size_t i = 0; i < m.rows.size(); ++i)
        if (m.rows[i].group == group && m.rows[i].resource == resource)
            return i;
    return SIZE_MAX;
}

std::size_t verbOf(const AccessMatrix& m, const std::string& verb)
{
    return static_cast<std::size_t>(std::find(m.verbs.begin(), m.verbs.end(), verb) - m.verbs.begin());
}

} // namespace

class TestAccessMatrix : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cells_data();
    void cells();
    void partialNamesAndGrants();
    void rowsIncludeRuleOnlyResources();

private:
    std::shared_ptr<Policy> m_policy;
    AccessMatrix m_ns;
    AccessMatrix m_cluster;
};

void TestAccessMatrix::initTestCase()
{
    m_policy = std::make_shared<Policy>(test::yaml(kSnapshot));
    ResourceCatalog catalog(m_policy->snapshot());
    const auto rows = matrixRows(*m_policy, catalog);
    const auto user = impersonate("system:serviceaccount:apps:bot", {});
    m_ns = accessMatrix(*m_policy, user, "apps", defaultMatrixVerbs(), rows);
    m_cluster = accessMatrix(*m_policy, user, "", defaultMatrixVerbs(), rows);
}

void TestAccessMatrix::cells_data()
{
    QTest::addColumn<bool>("cluster");
    QTest::addColumn<QString>("group");
    QTest::addColumn<QString>("resource");
    QTest::addColumn<QString>("verb");
    QTest::addColumn<QString>("access");
    QTest::addRow("named configmaps get") << false << "" << "configmaps" << "get" << "partial";
    QTest::addRow("named configmaps update") << false << "" << "configmaps" << "update" << "partial";
    QTest::addRow("configmaps list has no name") << false << "" << "configmaps" << "list" << "no";
    QTest::addRow("empty-name entry grants list") << false << "" << "secrets" << "list" << "yes";
    QTest::addRow("*/scale on deployments") << false << "apps" << "deployments/scale" << "patch" << "yes";
    QTest::addRow("*/scale not the parent") << false << "apps" << "deployments" << "patch" << "no";
    QTest::addRow("*/scale on statefulsets") << false << "apps" << "statefulsets/scale" << "patch" << "yes";
    QTest::addRow("nodes via group crb") << false << "" << "nodes" << "list" << "yes";
    QTest::addRow("star verb is literal") << false << "" << "nodes" << "*" << "no";
    QTest::addRow("cluster scope ignores rolebinding") << true << "" << "secrets" << "list" << "no";
    QTest::addRow("cluster scope keeps crb") << true << "" << "nodes" << "get" << "yes";
}

void TestAccessMatrix::cells()
{
    QFETCH(bool, cluster);
    QFETCH(QString, group);
    QFETCH(QString, resource);
    QFETCH(QString, verb);
    QFETCH(QString, access);
    const auto& m = cluster ? m_cluster : m_ns;
    const auto row = rowOf(m, group.toStdString(), resource.toStdString());
    QVERIFY(row != SIZE_MAX);
    const auto v = verbOf(m, verb.toStdString());
    QVERIFY(v < m.verbs.size());
    QCOMPARE(QString::fromLatin1(accessName(m.cell(row, v).access)), access);
    // Every allow is backed by a grant the authorizer itself would give.
    if (access == QLatin1String("yes")) {
        Request req;
        req.user = impersonate("system:serviceaccount:apps:bot", {});
        const auto slash = resource.indexOf(u'/');
        req.resource = {cluster ? std::string() : std::string("apps"), verb.toStdString(), group.toStdString(), "v1",
                        resource.left(slash).toStdString(),
                        slash < 0 ? std::string() : resource.mid(slash + 1).toStdString(), ""};
        const auto d = m_policy->authorize(req);
        QVERIFY(d.allowed);
        QCOMPARE(m.cell(row, v).grants.front().binding, d.grant->binding);
    }
}

void TestAccessMatrix::partialNamesAndGrants()
{
    const auto row = rowOf(m_ns, "", "configmaps");
    const auto& get = m_ns.cell(row, verbOf(m_ns, "get"));
    QCOMPARE(get.names, (std::vector<std::string> {"a", "b", "c"}));
    QCOMPARE(get.grants.size(), std::size_t(2));
    const auto& update = m_ns.cell(row, verbOf(m_ns, "update"));
    QCOMPARE(update.names, (std::vector<std::string> {"a", "b"}));
}

void TestAccessMatrix::rowsIncludeRuleOnlyResources()
{
    const auto row = rowOf(m_ns, "widgets.example.com", "gadgets");
    QVERIFY(row != SIZE_MAX);
    QVERIFY(!m_ns.rows[row].fromCatalogue);
    QCOMPARE(m_ns.cell(row, verbOf(m_ns, "get")).access, Access::Yes);
    QVERIFY(rowOf(m_ns, "", "pods/exec") != SIZE_MAX); // catalogue subresources are rows
}

QTEST_GUILESS_MAIN(TestAccessMatrix)
#include "tst_accessmatrix.moc"
