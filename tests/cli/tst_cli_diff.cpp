// SPDX-License-Identifier: Apache-2.0
// rbx diff end to end: exit codes like diff(1), JSON/YAML/Markdown/HTML output, snapshot-to-snapshot.
#include "testutils.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCliDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void exitCodes_data();
    void exitCodes();
    void jsonShape();
    void formats_data();
    void formats();
    void snapshotAgainstSnapshot();
    void findingsAndTokens_data();
    void findingsAndTokens();

private:
    struct Result
    {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };
    static Result rbx(const QStringList& args);
};

TestCliDiff::Result TestCliDiff::rbx(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral(RBX_CLI_PATH), QStringList {QStringLiteral("diff")} + args);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000))
        return {};
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

namespace {
const QString kDemo = QStringLiteral(RBX_SOURCE_DIR "/resources/demo");
}

void TestCliDiff::exitCodes_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    const QString snap = QStringLiteral("--snapshot=") + kDemo;
    QTest::addRow("different SAs") << QStringList {snap, QStringLiteral("--sa=payments:deployer"),
                                                   QStringLiteral("--sa=payments:payments-api")}
                                   << 1;
    QTest::addRow("same SA") << QStringList {snap, QStringLiteral("--sa=payments:deployer"),
                                             QStringLiteral("--sa=payments:deployer")}
                             << 0;
    QTest::addRow("same snapshot twice") << QStringList {snap, QStringLiteral("--against=") + kDemo} << 0;
    QTest::addRow("same access cluster-wide, different structure")
        << QStringList {snap, QStringLiteral("--sa=payments:deployer"), QStringLiteral("--sa=payments:payments-api"),
                        QStringLiteral("--cluster")}
        << 1;
    QTest::addRow("one namespace") << QStringList {snap, QStringLiteral("--sa=team-a:ci-runner"),
                                                   QStringLiteral("--sa=team-a:ci-runner"), QStringLiteral("-n"),
                                                   QStringLiteral("team-a")}
                                   << 0;
    QTest::addRow("user vs group") << QStringList {snap, QStringLiteral("--user=system:serviceaccount:team-a:ci-runner"),
                                                   QStringLiteral("--group=system:masters")}
                                   << 1;
    QTest::addRow("one subject without --against") << QStringList {snap, QStringLiteral("--sa=payments:deployer")} << 2;
    QTest::addRow("three subjects") << QStringList {snap, QStringLiteral("--sa=a:b"), QStringLiteral("--sa=a:c"),
                                                    QStringLiteral("--sa=a:d")}
                                    << 2;
    QTest::addRow("bad format") << QStringList {snap, QStringLiteral("--sa=a:b"), QStringLiteral("--sa=a:c"),
                                                QStringLiteral("-o"), QStringLiteral("xml")}
                                << 2;
    QTest::addRow("missing against") << QStringList {snap, QStringLiteral("--against=/nonexistent")} << 2;
}

void TestCliDiff::exitCodes()
{
    QFETCH(QStringList, args);
    QFETCH(int, code);
    const auto r = rbx(args);
    QVERIFY2(r.code == code, QByteArray(r.out.left(400) + r.err.left(400)).constData());
}

void TestCliDiff::jsonShape()
{
    const auto r = rbx({QStringLiteral("--snapshot=") + kDemo, QStringLiteral("--sa=payments:deployer"),
                        QStringLiteral("--sa=payments:payments-api"), QStringLiteral("-o"), QStringLiteral("json")});
    QCOMPARE(r.code, 1);
    const auto o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("a")).toString(), QStringLiteral("system:serviceaccount:payments:deployer"));
    QCOMPARE(o.value(QStringLiteral("b")).toString(), QStringLiteral("system:serviceaccount:payments:payments-api"));
    bool podsCreate = false;
    for (const auto& v : o.value(QStringLiteral("cells")).toArray()) {
        const auto c = v.toObject();
        if (c.value(QStringLiteral("namespace")).toString() == QLatin1String("kube-system")
            && c.value(QStringLiteral("resource")).toString() == QLatin1String("pods")
            && c.value(QStringLiteral("verb")).toString() == QLatin1String("create")) {
            podsCreate = true;
            QCOMPARE(c.value(QStringLiteral("a")).toString(), QStringLiteral("yes"));
            QCOMPARE(c.value(QStringLiteral("b")).toString(), QStringLiteral("no"));
            const auto why = c.value(QStringLiteral("whyA")).toArray().first().toObject();
            QCOMPARE(why.value(QStringLiteral("binding")).toObject().value(QStringLiteral("name")).toString(),
                     QStringLiteral("payments-deployer"));
            QVERIFY(c.value(QStringLiteral("whyB")).toArray().isEmpty());
        }
    }
    QVERIFY(podsCreate);
    QVERIFY(o.value(QStringLiteral("structure")).toObject().contains(QStringLiteral("bindings")));
}

void TestCliDiff::formats_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("needle");
    QTest::addRow("table") << "table" << "kube-system";
    QTest::addRow("yaml") << "yaml" << "whyA:";
    QTest::addRow("markdown") << "markdown" << "| kube-system | pods | create | yes | no |";
    QTest::addRow("html") << "html" << "<td>pods</td>";
}

void TestCliDiff::formats()
{
    QFETCH(QString, format);
    QFETCH(QString, needle);
    const auto r = rbx({QStringLiteral("--snapshot=") + kDemo, QStringLiteral("--sa=payments:deployer"),
                        QStringLiteral("--sa=payments:payments-api"), QStringLiteral("-o"), format});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains(needle.toUtf8()), r.out.left(600).constData());
}

void TestCliDiff::snapshotAgainstSnapshot()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile extra(dir.filePath(QStringLiteral("extra.yaml")));
    QVERIFY(extra.open(QIODevice::WriteOnly));
    extra.write("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
                "metadata: {name: payments-api-admin}\n"
                "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n"
                "subjects: [{kind: ServiceAccount, name: payments-api, namespace: payments}]\n");
    extra.close();
    const auto r = rbx({QStringLiteral("--snapshot=") + kDemo, QStringLiteral("--against=") + kDemo,
                        QStringLiteral("--against=") + dir.filePath(QStringLiteral("extra.yaml")), QStringLiteral("-o"),
                        QStringLiteral("json")});
    QCOMPARE(r.code, 1);
    const auto o = QJsonDocument::fromJson(r.out).object();
    const auto objects = o.value(QStringLiteral("objects")).toArray();
    QCOMPARE(objects.size(), 1);
    QCOMPARE(objects.first().toObject().value(QStringLiteral("change")).toString(), QStringLiteral("added"));
    const auto sas = o.value(QStringLiteral("serviceAccounts")).toArray();
    QCOMPARE(sas.size(), 1);
    QCOMPARE(sas.first().toObject().value(QStringLiteral("a")).toString(),
             QStringLiteral("system:serviceaccount:payments:payments-api"));
    // The same SA on both sides, and the one way it went: only gains.
    for (const auto& v : sas.first().toObject().value(QStringLiteral("cells")).toArray())
        QCOMPARE(v.toObject().value(QStringLiteral("a")).toString(), QStringLiteral("no"));
}

namespace {

// Before: a ServiceAccount with a legacy token in use. After: the token is invalidated, a new one appears, and a
// RoleBinding names a ServiceAccount that does not exist (a new finding); the default SA now mounts no token (a
// finding gone).
const char* kBefore = R"(apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: app-token
  namespace: shop
  creationTimestamp: "2024-01-01T00:00:00Z"
  labels: {kubernetes.io/legacy-token-last-used: "2024-05-01"}
  annotations: {kubernetes.io/service-account.name: app}
)";

const char* kAfter = R"(apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: app-token
  namespace: shop
  creationTimestamp: "2024-01-01T00:00:00Z"
  labels: {kubernetes.io/legacy-token-last-used: "2024-05-01", kubernetes.io/legacy-token-invalid-since: "2025-05-02"}
  annotations: {kubernetes.io/service-account.name: app}
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: app-token-2
  namespace: shop
  creationTimestamp: "2025-05-01T00:00:00Z"
  annotations: {kubernetes.io/service-account.name: app}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ghost-view, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: ghost, namespace: shop}]
)";

} // namespace

void TestCliDiff::findingsAndTokens_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QStringList>("needles");
    QTest::addRow("table") << "table"
                           << QStringList {QStringLiteral("New findings:"), QStringLiteral("RBX-BND-002"),
                                           QStringLiteral("Resolved findings:"), QStringLiteral("RBX-SA-001"),
                                           QStringLiteral("shop/app-token (app): now invalid since 2025-05-02"),
                                           QStringLiteral("shop/app-token-2 (app): new legacy token (manually created, "
                                                          "never used since tracking began)")};
    QTest::addRow("yaml") << "yaml"
                          << QStringList {QStringLiteral("newFindings:"), QStringLiteral("ruleId: \"RBX-BND-002\""),
                                          QStringLiteral("goneFindings:"), QStringLiteral("- \"now invalid since 2025-05-02\"")};
    QTest::addRow("markdown") << "markdown"
                              << QStringList {QStringLiteral("## New findings"), QStringLiteral("| RBX-BND-002 |"),
                                              QStringLiteral("## Resolved findings"),
                                              QStringLiteral("| shop/app-token | app | now invalid since 2025-05-02 |")};
    QTest::addRow("html") << "html"
                          << QStringList {QStringLiteral("<h2>New findings</h2>"), QStringLiteral("<td>RBX-BND-002</td>"),
                                          QStringLiteral("<td>now invalid since 2025-05-02</td>")};
}

void TestCliDiff::findingsAndTokens()
{
    QFETCH(QString, format);
    QFETCH(QStringList, needles);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto before = dir.filePath(QStringLiteral("before.yaml"));
    const auto after = dir.filePath(QStringLiteral("after.yaml"));
    QVERIFY(rbx::test::writeFile(before, kBefore));
    QVERIFY(rbx::test::writeFile(after, kAfter));
    const auto r = rbx({QStringLiteral("--snapshot=") + before, QStringLiteral("--against=") + after,
                        QStringLiteral("-o"), format});
    QCOMPARE(r.code, 1);
    for (const auto& needle : needles)
        QVERIFY2(r.out.contains(needle.toUtf8()), qPrintable(needle + QStringLiteral(" not in:\n")
                                                             + QString::fromUtf8(r.out.left(3000))));
    // Reversed, the new finding is gone and the gone one new.
    const auto back = rbx({QStringLiteral("--snapshot=") + after, QStringLiteral("--against=") + before,
                           QStringLiteral("-o"), QStringLiteral("json")});
    QCOMPARE(back.code, 1);
    const auto o = QJsonDocument::fromJson(back.out).object();
    auto rules = [&](const char* key) {
        QStringList ids;
        for (const auto& v : o.value(QLatin1String(key)).toArray())
            ids << v.toObject().value(QStringLiteral("ruleId")).toString();
        return ids;
    };
    QVERIFY(rules("goneFindings").contains(QStringLiteral("RBX-BND-002")));
    QVERIFY(rules("newFindings").contains(QStringLiteral("RBX-SA-001")));
    const auto tokens = o.value(QStringLiteral("tokens")).toArray();
    QStringList words;
    for (const auto& t : tokens)
        for (const auto& c : t.toObject().value(QStringLiteral("changes")).toArray())
            words << c.toString();
    QVERIFY2(words.contains(QStringLiteral("legacy token deleted (was never-used)")), qPrintable(words.join(u'|')));
    QVERIFY2(words.contains(QStringLiteral("no longer invalid (the invalid-since label was removed: the token "
                                           "authenticates again)")),
             qPrintable(words.join(u'|')));
}

QTEST_GUILESS_MAIN(TestCliDiff)
#include "tst_cli_diff.moc"
