// SPDX-License-Identifier: Apache-2.0
// Rule matching exactly as pkg/apis/rbac/v1/evaluation_helpers.go and rbac.go RuleAllows do it.
#include "models/analysis/rulematch.h"

#include <QTest>

using namespace rbx;

Q_DECLARE_METATYPE(std::vector<std::string>)

namespace {
std::vector<std::string> L(std::initializer_list<const char*> items)
{
    std::vector<std::string> out;
    for (const char* i : items)
        out.emplace_back(i);
    return out;
}
} // namespace

class TestRuleMatch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void verbs_data();
    void verbs();
    void groups_data();
    void groups();
    void resources_data();
    void resources();
    void resourceNames_data();
    void resourceNames();
    void nonResourceURLs_data();
    void nonResourceURLs();
    void ruleIndependence();
    void subjects_data();
    void subjects();
};

void TestRuleMatch::verbs_data()
{
    QTest::addColumn<std::vector<std::string>>("rule");
    QTest::addColumn<QString>("verb");
    QTest::addColumn<bool>("match");
    QTest::addRow("listed") << L({"get", "list"}) << "list" << true;
    QTest::addRow("not listed") << L({"get"}) << "watch" << false;
    QTest::addRow("case-sensitive") << L({"get"}) << "GET" << false;
    QTest::addRow("star matches any") << L({"*"}) << "escalate" << true;
    QTest::addRow("star matches empty verb") << L({"*"}) << "" << true;
    QTest::addRow("request star is literal") << L({"get"}) << "*" << false;
    QTest::addRow("no verbs") << L({}) << "get" << false;
}

void TestRuleMatch::verbs()
{
    QFETCH(std::vector<std::string>, rule);
    QFETCH(QString, verb);
    QFETCH(bool, match);
    PolicyRule r;
    r.verbs = rule;
    QCOMPARE(verbMatches(r, verb.toStdString()), match);
}

void TestRuleMatch::groups_data()
{
    QTest::addColumn<std::vector<std::string>>("rule");
    QTest::addColumn<QString>("group");
    QTest::addColumn<bool>("match");
    QTest::addRow("core") << L({""}) << "" << true;
    QTest::addRow("core literal is not core") << L({"core"}) << "" << false;
    QTest::addRow("named") << L({"apps"}) << "apps" << true;
    QTest::addRow("other group") << L({"apps"}) << "extensions" << false;
    QTest::addRow("star matches core") << L({"*"}) << "" << true;
    QTest::addRow("star matches named") << L({"*"}) << "batch" << true;
    QTest::addRow("no groups") << L({}) << "" << false;
}

void TestRuleMatch::groups()
{
    QFETCH(std::vector<std::string>, rule);
    QFETCH(QString, group);
    QFETCH(bool, match);
    PolicyRule r;
    r.apiGroups = rule;
    QCOMPARE(apiGroupMatches(r, group.toStdString()), match);
}

void TestRuleMatch::resources_data()
{
    QTest::addColumn<std::vector<std::string>>("rule");
    QTest::addColumn<QString>("resource");
    QTest::addColumn<QString>("subresource");
    QTest::addColumn<bool>("match");
    QTest::addRow("exact") << L({"pods"}) << "pods" << "" << true;
    QTest::addRow("parent does not cover sub") << L({"pods"}) << "pods" << "log" << false;
    QTest::addRow("sub exact") << L({"pods/log"}) << "pods" << "log" << true;
    QTest::addRow("star covers sub") << L({"*"}) << "pods" << "exec" << true;
    QTest::addRow("*/scale any resource") << L({"*/scale"}) << "deployments" << "scale" << true;
    QTest::addRow("*/scale not parent") << L({"*/scale"}) << "deployments" << "" << false;
    QTest::addRow("*/scale not other sub") << L({"*/scale"}) << "deployments" << "status" << false;
    QTest::addRow("pods/* is literal") << L({"pods/*"}) << "pods" << "log" << false;
    QTest::addRow("pods/* matches sub '*'") << L({"pods/*"}) << "pods" << "*" << true;
    QTest::addRow("case-sensitive") << L({"Pods"}) << "pods" << "" << false;
}

void TestRuleMatch::resources()
{
    QFETCH(std::vector<std::string>, rule);
    QFETCH(QString, resource);
    QFETCH(QString, subresource);
    QFETCH(bool, match);
    PolicyRule r;
    r.resources = rule;
    const auto combined = subresource.isEmpty() ? resource : resource + u'/' + subresource;
    QCOMPARE(resourceMatches(r, combined.toStdString(), subresource.toStdString()), match);
}

void TestRuleMatch::resourceNames_data()
{
    QTest::addColumn<std::vector<std::string>>("rule");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("match");
    QTest::addRow("empty list any name") << L({}) << "x" << true;
    QTest::addRow("empty list no name") << L({}) << "" << true;
    QTest::addRow("listed") << L({"a", "b"}) << "b" << true;
    QTest::addRow("unlisted") << L({"a"}) << "c" << false;
    QTest::addRow("no name vs names") << L({"a"}) << "" << false;
    QTest::addRow("star literal") << L({"*"}) << "x" << false;
    QTest::addRow("star literal matches star") << L({"*"}) << "*" << true;
    QTest::addRow("empty string listed") << L({""}) << "" << true;
}

void TestRuleMatch::resourceNames()
{
    QFETCH(std::vector<std::string>, rule);
    QFETCH(QString, name);
    QFETCH(bool, match);
    PolicyRule r;
    r.resourceNames = rule;
    QCOMPARE(resourceNameMatches(r, name.toStdString()), match);
}

void TestRuleMatch::nonResourceURLs_data()
{
    QTest::addColumn<std::vector<std::string>>("rule");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("match");
    QTest::addRow("exact") << L({"/healthz"}) << "/healthz" << true;
    QTest::addRow("no implicit prefix") << L({"/healthz"}) << "/healthz/ready" << false;
    QTest::addRow("prefix includes itself") << L({"/api*"}) << "/api" << true;
    QTest::addRow("plain string prefix") << L({"/api*"}) << "/apis/apps" << true;
    QTest::addRow("slash star not parent") << L({"/healthz/*"}) << "/healthz" << false;
    QTest::addRow("slash star child") << L({"/healthz/*"}) << "/healthz/x" << true;
    QTest::addRow("all trailing stars trimmed") << L({"/logs/**"}) << "/logs/a" << true;
    QTest::addRow("double star not parent") << L({"/logs/**"}) << "/logs" << false;
    QTest::addRow("mid star literal") << L({"/a*/b"}) << "/a*/b" << true;
    QTest::addRow("mid star no glob") << L({"/a*/b"}) << "/ax/b" << false;
    QTest::addRow("star any") << L({"*"}) << "/" << true;
}

void TestRuleMatch::nonResourceURLs()
{
    QFETCH(std::vector<std::string>, rule);
    QFETCH(QString, path);
    QFETCH(bool, match);
    PolicyRule r;
    r.nonResourceURLs = rule;
    QCOMPARE(nonResourceURLMatches(r, path.toStdString()), match);
}

void TestRuleMatch::ruleIndependence()
{
    PolicyRule resourceRule;
    resourceRule.verbs = L({"get"});
    resourceRule.apiGroups = L({""});
    resourceRule.resources = L({"pods"});
    PolicyRule urlRule;
    urlRule.verbs = L({"get"});
    urlRule.nonResourceURLs = L({"*"});
    Request resource;
    resource.resource = {"ns", "get", "", "v1", "pods", "", ""};
    Request url;
    url.resourceRequest = false;
    url.nonResource = {"/healthz", "get"};
    QVERIFY(ruleAllows(resource, resourceRule));
    QVERIFY(!ruleAllows(url, resourceRule)); // resource rules never match non-resource requests
    QVERIFY(ruleAllows(url, urlRule));
    QVERIFY(!ruleAllows(resource, urlRule)); // and the other way round
    resource.resource.group = "apps";
    QVERIFY(!ruleAllows(resource, resourceRule));
}

void TestRuleMatch::subjects_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("subjectNs");
    QTest::addColumn<QString>("bindingNs");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("group");
    QTest::addColumn<bool>("match");
    QTest::addRow("user exact") << "User" << "alice" << "" << "" << "alice" << "" << true;
    QTest::addRow("user case") << "User" << "alice" << "" << "" << "Alice" << "" << false;
    QTest::addRow("user star literal") << "User" << "*" << "" << "" << "bob" << "" << false;
    QTest::addRow("group member") << "Group" << "devs" << "" << "" << "bob" << "devs" << true;
    QTest::addRow("group is not user") << "Group" << "bob" << "" << "" << "bob" << "" << false;
    QTest::addRow("user is not group") << "User" << "devs" << "" << "" << "bob" << "devs" << false;
    QTest::addRow("sa with ns") << "ServiceAccount" << "x" << "a" << "b" << "system:serviceaccount:a:x" << "" << true;
    QTest::addRow("sa defaults to binding ns")
        << "ServiceAccount" << "x" << "" << "b" << "system:serviceaccount:b:x" << "" << true;
    QTest::addRow("sa without ns in crb")
        << "ServiceAccount" << "x" << "" << "" << "system:serviceaccount::x" << "" << false;
    QTest::addRow("sa never via group")
        << "ServiceAccount" << "x" << "a" << "" << "bob" << "system:serviceaccount:a:x" << false;
    QTest::addRow("unknown kind") << "Robot" << "alice" << "" << "" << "alice" << "" << false;
}

void TestRuleMatch::subjects()
{
    QFETCH(QString, kind);
    QFETCH(QString, name);
    QFETCH(QString, subjectNs);
    QFETCH(QString, bindingNs);
    QFETCH(QString, user);
    QFETCH(QString, group);
    QFETCH(bool, match);
    Subject s {kind.toStdString(), {}, name.toStdString(), subjectNs.toStdString()};
    UserInfo u;
    u.name = user.toStdString();
    if (!group.isEmpty())
        u.groups.push_back(group.toStdString());
    QCOMPARE(subjectApplies(s, u, bindingNs.toStdString()), match);
}

QTEST_GUILESS_MAIN(TestRuleMatch)
#include "tst_rulematch.moc"
