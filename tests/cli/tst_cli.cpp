// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of the rbx binary: run it with QProcess on the bundled demo snapshot (resources/demo, whose
// planted problems are listed with exact object names in its README) and on the conformance suite, and check
// stdout, stderr and the exit code (0 yes/success, 1 no, 2 usage or input error).
#include "testutils.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Result
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Result run(const QStringList& args, const QByteArray& input = {})
{
    QProcess p;
    p.setProgram(QStringLiteral(RBX_CLI_PATH));
    p.setArguments(args);
    const auto o = rbx::test::runProcess(p, input, 30000);
    Result r;
    r.code = o.code;
    r.out = o.out;
    r.err = o.err;
    return r;
}

QString demoDir()
{
    return QStringLiteral(RBX_SOURCE_DIR "/resources/demo");
}

QString demoFile(const char* name)
{
    return demoDir() + u'/' + QLatin1String(name);
}

QStringList demo()
{
    return {QStringLiteral("--snapshot"), demoDir()};
}

// The demo's files concatenated into one multi-document YAML stream (for --snapshot -).
QByteArray demoStream()
{
    QByteArray all;
    const auto files = QDir(demoDir()).entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
    for (const auto& f : files) {
        QFile file(demoDir() + u'/' + f);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        all += "---\n" + file.readAll() + '\n';
    }
    return all;
}

QStringList lines(const QByteArray& text)
{
    return QString::fromUtf8(text).split(u'\n', Qt::SkipEmptyParts);
}

// Cells of a kubectl-style table row, cut at the column starts of the header (so alignment is checked too).
QStringList cells(const QString& header, const QStringList& titles, const QString& row)
{
    QList<qsizetype> starts;
    qsizetype from = 0;
    for (const auto& t : titles) {
        const auto at = header.indexOf(t, from);
        if (at < 0)
            return {};
        starts.append(at);
        from = at + t.size();
    }
    QStringList out;
    for (qsizetype i = 0; i < starts.size(); ++i) {
        const auto end = i + 1 < starts.size() ? starts[i + 1] : row.size();
        out.append(row.mid(starts[i], end - starts[i]).trimmed());
    }
    return out;
}

QStringList strings(const QJsonValue& v)
{
    QStringList out;
    for (const auto& x : v.toArray())
        out.append(x.toString());
    return out;
}

QJsonObject jsonObject(const QByteArray& text)
{
    QJsonParseError e {};
    const auto doc = QJsonDocument::fromJson(text, &e);
    return doc.isObject() ? doc.object() : QJsonObject();
}

const QStringList kListTitles {QStringLiteral("Resources"), QStringLiteral("Non-Resource URLs"),
                               QStringLiteral("Resource Names"), QStringLiteral("Verbs"), QStringLiteral("Scope")};
const QStringList kWhoTitles {QStringLiteral("KIND"), QStringLiteral("NAME"), QStringLiteral("SA-NAMESPACE"),
                              QStringLiteral("SCOPE"), QStringLiteral("VIA")};

constexpr int kDemoServiceAccounts = 83; // resources/demo/README.md: "ServiceAccount 83"

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    // help and usage
    void mainHelp();
    void commandHelp_data();
    void commandHelp();
    void usageHintsNameTheCommand_data();
    void usageHintsNameTheCommand();
    void badOptionHintNamesTheCommand_data();
    void badOptionHintNamesTheCommand();
    void unknownCommand();
    void namespaceOptionHelp_data();
    void namespaceOptionHelp();
    void usageErrors_data();
    void usageErrors();

    // can-i
    void canI_data();
    void canI();
    void denyReason();
    void asEqualsSa_data();
    void asEqualsSa();
    void why_data();
    void why();
    void quiet();
    void unknownResourceWarns();
    void listTable();
    void listJson();
    void listNoEffectGrant();

    // who-can
    void whoCanTable();
    void whoCanNamespaces();
    void whoCanResourceNames();
    void whoCanJson();
    void whoCanGroupExpansion();
    void whoCanGroupOfOneNamespace();
    void whoCanClusterScopedIgnoresRoleBindings();

    // review
    void reviewStream();
    void reviewConformance_data();
    void reviewConformance();
    void reviewConformanceComplete();

    // loading
    void snapshotFromStdin();
    void severalSnapshotsMerge();
    void loadDiagnosticsGoToStderr();
    void strictMakesDiagnosticsFatal();
    void loadJsonCounts();
    void missingSnapshotFileIsAnInputError_data();
    void missingSnapshotFileIsAnInputError();

private:
    int m_conformanceReviews = 0;
};

void TestCli::initTestCase()
{
    QVERIFY2(QFileInfo(QStringLiteral(RBX_CLI_PATH)).isExecutable(), RBX_CLI_PATH);
    QVERIFY(QFileInfo::exists(demoFile("50-planted-problems.yaml")));
}

// ---- help and usage ----------------------------------------------------------------------------------------------

void TestCli::mainHelp()
{
    for (const auto& arg : {QStringLiteral("--help"), QStringLiteral("-h"), QStringLiteral("help")}) {
        const auto r = run({arg});
        QCOMPARE(r.code, 0);
        QVERIFY(r.err.isEmpty());
        for (const char* word : {"can-i", "who-can", "matrix", "review", "load", "--snapshot", "Exit codes"})
            QVERIFY2(r.out.contains(word), word);
    }
    // No command at all: the help goes to stderr and it is a usage error.
    const auto none = run({});
    QCOMPARE(none.code, 2);
    QVERIFY(none.out.isEmpty());
    QVERIFY(none.err.contains("Usage: rbx COMMAND"));

    const auto version = run({QStringLiteral("--version")});
    QCOMPARE(version.code, 0);
    QVERIFY(version.out.startsWith("rbx "));
}

void TestCli::commandHelp_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("options");
    const QStringList common {QStringLiteral("--snapshot"), QStringLiteral("-f"), QStringLiteral("--strict"),
                              QStringLiteral("--quiet-load"), QStringLiteral("--help")};
    QTest::newRow("load") << QStringLiteral("load") << (common + QStringList {QStringLiteral("--output"), QStringLiteral("-o")});
    QTest::newRow("review") << QStringLiteral("review") << (common + QStringList {QStringLiteral("SubjectAccessReview")});
    QTest::newRow("can-i") << QStringLiteral("can-i")
                           << (common
                               + QStringList {QStringLiteral("--as"), QStringLiteral("--as-group"), QStringLiteral("--sa"),
                                              QStringLiteral("--namespace"), QStringLiteral("-n"),
                                              QStringLiteral("--all-namespaces"), QStringLiteral("-A"),
                                              QStringLiteral("--subresource"), QStringLiteral("--list"),
                                              QStringLiteral("--output"), QStringLiteral("--no-headers"),
                                              QStringLiteral("--quiet"), QStringLiteral("-q"), QStringLiteral("--why"),
                                              QStringLiteral("VERB"), QStringLiteral("RESOURCE"), QStringLiteral("NAME")});
    QTest::newRow("who-can") << QStringLiteral("who-can")
                             << (common
                                 + QStringList {QStringLiteral("--namespace"), QStringLiteral("-n"),
                                                QStringLiteral("--all-namespaces"), QStringLiteral("-A"),
                                                QStringLiteral("--subresource"), QStringLiteral("--output"),
                                                QStringLiteral("VERB"), QStringLiteral("RESOURCE")});
    QTest::newRow("matrix") << QStringLiteral("matrix")
                            << (common
                                + QStringList {QStringLiteral("--as"), QStringLiteral("--as-group"), QStringLiteral("--sa"),
                                               QStringLiteral("--namespace"), QStringLiteral("--all-namespaces"),
                                               QStringLiteral("--cluster"), QStringLiteral("--verbs"),
                                               QStringLiteral("--output"), QStringLiteral("--all-resources")});
}

void TestCli::commandHelp()
{
    QFETCH(QString, command);
    QFETCH(QStringList, options);
    const auto viaHelp = run({QStringLiteral("help"), command});
    const auto viaFlag = run({command, QStringLiteral("--help")});
    QCOMPARE(viaHelp.code, 0);
    QCOMPARE(viaFlag.code, 0);
    QVERIFY(viaHelp.err.isEmpty());
    QVERIFY(viaFlag.err.isEmpty());
    QCOMPARE(viaHelp.out, viaFlag.out); // "help CMD" is the same as "CMD --help"
    const auto text = QString::fromUtf8(viaFlag.out);
    QVERIFY2(text.contains(u"rbx " + command), qPrintable(text));
    for (const auto& o : options)
        QVERIFY2(text.contains(o), qPrintable(o));
    // -h works like --help
    QCOMPARE(run({command, QStringLiteral("-h")}).out, viaFlag.out);
}

void TestCli::usageHintsNameTheCommand_data()
{
    QTest::addColumn<QString>("command");
    for (const char* c : {"load", "review", "can-i", "who-can", "matrix"})
        QTest::newRow(c) << QString::fromLatin1(c);
}

// What -n means differs per command (a filter, the namespace of a request, of a matrix): each help says its own.
void TestCli::namespaceOptionHelp_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("says");
    QTest::addRow("tokens: a filter") << "tokens" << "Only tokens in this namespace (default: every namespace).";
    QTest::addRow("findings: a filter") << "findings" << "Only findings about this namespace.";
    QTest::addRow("matrix: the SA's own namespace") << "matrix" << "the ServiceAccount's own namespace";
    QTest::addRow("can-i: the request") << "can-i" << "Namespace of the request";
    QTest::addRow("who-can: the request") << "who-can" << "its RoleBindings count";
    QTest::addRow("crosscheck: the sampled requests") << "crosscheck" << "Namespace of the sampled requests";
    QTest::addRow("diff: one namespace") << "diff" << "Compare one namespace.";
}

void TestCli::namespaceOptionHelp()
{
    QFETCH(QString, command);
    QFETCH(QString, says);
    const auto r = run({command, QStringLiteral("--help")});
    QCOMPARE(r.code, 0);
    // The -n line and its continuation lines, joined (QCommandLineParser wraps long descriptions).
    const auto lines = QString::fromUtf8(r.out).split(u'\n');
    QString option;
    for (int i = 0; i < lines.size(); ++i) {
        if (!lines[i].trimmed().startsWith(QStringLiteral("-n, --namespace")))
            continue;
        option = lines[i];
        for (int j = i + 1; j < lines.size() && lines[j].startsWith(QStringLiteral("        "))
             && !lines[j].trimmed().startsWith(u'-');
             ++j)
            option += u' ' + lines[j].trimmed();
    }
    option = option.simplified();
    QVERIFY2(!option.isEmpty(), r.out.constData());
    QVERIFY2(option.contains(says), qPrintable(option));
    // Only commands that evaluate a request in one namespace may call -n its namespace with a "default" default.
    if (command == QLatin1String("tokens") || command == QLatin1String("findings") || command == QLatin1String("matrix"))
        QVERIFY2(!option.contains(QStringLiteral("Namespace of the request")), qPrintable(option));
}

// The help's usage line must name the subcommand (rbx CMD), not the path of the binary: following it must work.
void TestCli::usageHintsNameTheCommand()
{
    QFETCH(QString, command);
    const auto help = run({command, QStringLiteral("--help")});
    QCOMPARE(help.code, 0);
    const auto first = QString::fromUtf8(help.out).section(u'\n', 0, 0);
    const QString usage = u"Usage: rbx "_s + command + u' ';
    QVERIFY2(first.startsWith(usage), qPrintable(first));
}

void TestCli::badOptionHintNamesTheCommand_data()
{
    usageHintsNameTheCommand_data();
}

// After a bad option, the "Run '...' --help" hint must name the subcommand too.
void TestCli::badOptionHintNamesTheCommand()
{
    QFETCH(QString, command);
    const auto bad = run({command, QStringLiteral("--no-such-option")});
    QCOMPARE(bad.code, 2);
    QVERIFY(bad.out.isEmpty());
    QVERIFY(bad.err.contains("no-such-option"));
    const QByteArray hint = "Run 'rbx " + command.toUtf8() + " --help'";
    QVERIFY2(bad.err.contains(hint), bad.err.constData());
}

void TestCli::unknownCommand()
{
    const auto r = run({QStringLiteral("frobnicate"), QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(r.code, 2);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.contains("unknown command \"frobnicate\""), r.err.constData());
    QVERIFY(r.err.contains("Usage: rbx COMMAND"));

    const auto help = run({QStringLiteral("help"), QStringLiteral("frobnicate")});
    QCOMPARE(help.code, 2);
    QVERIFY(help.err.contains("unknown command \"frobnicate\""));
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("message");
    const auto d = demoDir();
    const auto s = QStringLiteral("--snapshot");
    const QStringList who {QStringLiteral("--sa"), QStringLiteral("payments:deployer")};

    QTest::newRow("can-i without --snapshot")
        << (QStringList {QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("pods")} + who) << QByteArray()
        << QByteArray("no snapshot given");
    QTest::newRow("who-can without --snapshot")
        << QStringList {QStringLiteral("who-can"), QStringLiteral("get"), QStringLiteral("pods")} << QByteArray()
        << QByteArray("no snapshot given");
    QTest::newRow("review without --snapshot") << QStringList {QStringLiteral("review")} << QByteArray("{}\n")
                                               << QByteArray("no snapshot given");
    QTest::newRow("load without --snapshot") << QStringList {QStringLiteral("load")} << QByteArray()
                                             << QByteArray("no snapshot given");
    QTest::newRow("can-i -n with -A")
        << (QStringList {QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"),
                         QStringLiteral("team-a"), QStringLiteral("-A"), s, d}
            + who)
        << QByteArray() << QByteArray("-n and -A");
    QTest::newRow("who-can -n with -A")
        << QStringList {QStringLiteral("who-can"), QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"),
                        QStringLiteral("team-a"), QStringLiteral("-A"), s, d}
        << QByteArray() << QByteArray("-n and -A");
    QTest::newRow("can-i --list -n with -A")
        << (QStringList {QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("-n"), QStringLiteral("team-a"),
                         QStringLiteral("-A"), s, d}
            + who)
        << QByteArray() << QByteArray("-n and -A");
    QTest::newRow("can-i without subject")
        << QStringList {QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("pods"), s, d} << QByteArray()
        << QByteArray("--as USER");
    QTest::newRow("can-i --sa malformed")
        << QStringList {QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("--sa"),
                        QStringLiteral("deployer"), s, d}
        << QByteArray() << QByteArray("--sa expects NS:NAME");
    QTest::newRow("can-i --sa and --as disagree")
        << QStringList {QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("--sa"),
                        QStringLiteral("payments:deployer"), QStringLiteral("--as"), QStringLiteral("alice"), s, d}
        << QByteArray() << QByteArray("different users");
    QTest::newRow("can-i verb only") << (QStringList {QStringLiteral("can-i"), QStringLiteral("get"), s, d} + who)
                                     << QByteArray() << QByteArray("expected VERB RESOURCE");
    QTest::newRow("can-i too many arguments")
        << (QStringList {QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("a"),
                         QStringLiteral("b"), s, d}
            + who)
        << QByteArray() << QByteArray("expected VERB RESOURCE");
    QTest::newRow("can-i URL with a name")
        << (QStringList {QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("/healthz"), QStringLiteral("x"),
                         s, d}
            + who)
        << QByteArray() << QByteArray("non-resource URL");
    QTest::newRow("can-i subresource twice")
        << (QStringList {QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("pods/log"),
                         QStringLiteral("--subresource"), QStringLiteral("log"), s, d}
            + who)
        << QByteArray() << QByteArray("subresource is given twice");
    QTest::newRow("can-i --list with a verb")
        << (QStringList {QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("get"), s, d} + who)
        << QByteArray() << QByteArray("takes no VERB");
    QTest::newRow("can-i --list -o yaml")
        << (QStringList {QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("-o"), QStringLiteral("yaml"),
                         s, d}
            + who)
        << QByteArray() << QByteArray("--output must be table or json");
    QTest::newRow("who-can -o yaml")
        << QStringList {QStringLiteral("who-can"), QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-o"),
                        QStringLiteral("yaml"), s, d}
        << QByteArray() << QByteArray("--output must be table or json");
    QTest::newRow("load -o yaml") << QStringList {QStringLiteral("load"), QStringLiteral("-o"), QStringLiteral("yaml"), s, d}
                                  << QByteArray() << QByteArray("--output must be text or json");
    QTest::newRow("unknown option")
        << (QStringList {QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("--bogus"),
                         s, d}
            + who)
        << QByteArray() << QByteArray("bogus");
    QTest::newRow("review with the snapshot on stdin")
        << QStringList {QStringLiteral("review"), s, QStringLiteral("-")} << QByteArray("{}\n")
        << QByteArray("stdin carries the reviews");
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, message);
    const auto r = run(args, input);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.out.isEmpty(), r.out.constData());
    QVERIFY2(r.err.contains(message), r.err.constData());
}

// ---- can-i -------------------------------------------------------------------------------------------------------

void TestCli::canI_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    auto row = [](const char* name, const QString& line, int code) {
        QTest::newRow(name) << line.split(u' ', Qt::SkipEmptyParts) << code;
    };
    // P3: Role kube-system/pod-launcher <- RoleBinding kube-system/payments-deployer -> SA payments/deployer
    row("P3 create pods in kube-system", u"create pods -n kube-system --sa payments:deployer"_s, 0);
    row("P3 --namespace long form", u"create pods --namespace kube-system --sa payments:deployer"_s, 0);
    row("P3 --as SA username", u"create pods -n kube-system --as system:serviceaccount:payments:deployer"_s, 0);
    row("P3 --sa NS/NAME", u"create pods -n kube-system --sa payments/deployer"_s, 0);
    row("P3 short name po", u"create po -n kube-system --sa payments:deployer"_s, 0);
    row("P3 not in its own namespace", u"create pods -n payments --sa payments:deployer"_s, 1);
    row("P3 default namespace is default", u"create pods --sa payments:deployer"_s, 1);
    row("P3 -A needs a cluster-wide grant", u"create pods -A --sa payments:deployer"_s, 1);
    row("P3 verb not granted", u"update pods -n kube-system --sa payments:deployer"_s, 1);
    // P12: a RoleBinding cannot grant cluster-scoped nodes
    row("P12 delete nodes", u"delete nodes --sa team-a:capacity-planner"_s, 1);
    row("P12 list nodes", u"list nodes --sa team-a:capacity-planner"_s, 1);
    row("P12 list nodes -n team-a", u"list nodes -n team-a --sa team-a:capacity-planner"_s, 1);
    row("P12 list nodes -A", u"list nodes -A --sa team-a:capacity-planner"_s, 1);
    // P8: secrets cluster-wide
    row("P8 list secrets -A", u"list secrets -A --sa legacy-apps:config-sync"_s, 0);
    row("P8 get secrets in team-a", u"get secrets -n team-a --sa legacy-apps:config-sync"_s, 0);
    row("P8 no delete", u"delete secrets -n team-a --sa legacy-apps:config-sync"_s, 1);
    // P5, P4: cluster-admin and wildcards
    row("P5 jenkins * *", u"* * --sa legacy-apps:jenkins"_s, 0);
    row("P5 jenkins delete nodes", u"delete nodes --sa legacy-apps:jenkins"_s, 0);
    row("P4 ci-runner anything", u"escalate clusterroles.rbac.authorization.k8s.io --sa team-a:ci-runner"_s, 0);
    row("P4 tiller in team-a", u"delete deployments.apps -n team-a --sa team-a:tiller"_s, 0);
    row("P4 tiller not elsewhere", u"delete deployments.apps -n payments --sa team-a:tiller"_s, 1);
    // P9
    row("P9 impersonate serviceaccounts", u"impersonate serviceaccounts -A --sa team-a:access-broker"_s, 0);
    row("P9 escalate clusterroles", u"escalate clusterroles --sa kube-system:namespace-provisioner"_s, 0);
    row("P9 bind roles", u"bind roles -n team-a --sa kube-system:namespace-provisioner"_s, 0);
    // P11: aggregated ClusterRole; the "false"-labelled role is not aggregated
    row("P11 secrets via aggregation", u"get secrets -n payments --sa payments:payments-operator"_s, 0);
    row("P11 deployments via aggregation", u"patch deployments.apps -n payments --sa payments:payments-operator"_s, 0);
    row("P11 not aggregated", u"delete namespaces --sa payments:payments-operator"_s, 1);
    // P1: edit (aggregated bootstrap role) for team-a/default
    row("P1 edit in team-a", u"create deployments.apps -n team-a --sa team-a:default"_s, 0);
    row("P1 edit reads secrets", u"get secrets -n team-a --sa team-a:default"_s, 0);
    row("P1 not in payments", u"create deployments.apps -n payments --sa team-a:default"_s, 1);
    row("P1 legacy-apps view cluster-wide", u"list pods -A --sa legacy-apps:default"_s, 0);
    row("P1 view cannot read secrets", u"get secrets -n team-a --sa legacy-apps:default"_s, 1);
    // subresources
    row("pods/log", u"get pods/log -n kube-system --sa payments:deployer"_s, 0);
    row("--subresource log", u"get pods --subresource log -n kube-system --sa payments:deployer"_s, 0);
    row("pods/log with NAME", u"get pods/log mypod -n kube-system --sa payments:deployer"_s, 0);
    row("pods/exec not granted", u"create pods/exec -n kube-system --sa payments:deployer"_s, 1);
    row("--subresource exec not granted", u"create pods --subresource exec -n kube-system --sa payments:deployer"_s, 1);
    row("pods/exec via edit", u"create pods/exec -n team-a --sa team-a:default"_s, 0);
    row("--subresource exec via edit", u"create pods --subresource exec -n team-a --sa team-a:default"_s, 0);
    row("deployments/scale via edit", u"update deployments.apps/scale -n team-a --sa team-a:default"_s, 0);
    // TYPE/NAME: an unknown "subresource" is a name (resourceNames: [cluster-info] on configmaps in kube-public)
    row("pods/mypod is a name", u"get pods/mypod -n kube-system --sa payments:deployer"_s, 0);
    row("configmaps/cluster-info is a name",
        u"update configmaps/cluster-info -n kube-public --sa kube-system:bootstrap-signer"_s, 0);
    row("cm/cluster-info is a name", u"update cm/cluster-info -n kube-public --sa kube-system:bootstrap-signer"_s, 0);
    row("configmaps NAME argument", u"update configmaps cluster-info -n kube-public --sa kube-system:bootstrap-signer"_s, 0);
    row("configmaps/other is another name",
        u"update configmaps/other -n kube-public --sa kube-system:bootstrap-signer"_s, 1);
    row("configmaps without name", u"update configmaps -n kube-public --sa kube-system:bootstrap-signer"_s, 1);
    // non-resource URLs
    row("get /healthz", u"get /healthz --sa team-a:capacity-planner"_s, 0);
    row("get /version", u"get /version --sa team-a:capacity-planner"_s, 0);
    row("post /healthz", u"post /healthz --sa team-a:capacity-planner"_s, 1);
    row("get /metrics", u"get /metrics --sa team-a:capacity-planner"_s, 1);
    row("get /metrics cluster-admin", u"get /metrics --sa legacy-apps:jenkins"_s, 0);
    row("get /openid/v1/jwks (system:serviceaccounts)", u"get /openid/v1/jwks --sa team-a:capacity-planner"_s, 0);
    // --as-group: explicit groups replace the implicit SA groups (system:authenticated is still added)
    row("--as-group replaces SA groups", u"get /openid/v1/jwks --sa team-a:capacity-planner --as-group foo"_s, 1);
    row("--as-group replaces SA groups (--as)",
        u"get /openid/v1/jwks --as system:serviceaccount:team-a:capacity-planner --as-group foo"_s, 1);
    row("--as-group keeps system:authenticated", u"get /healthz --sa team-a:capacity-planner --as-group foo"_s, 0);
    row("--as-group system:serviceaccounts:NS only",
        u"get /openid/v1/jwks --as system:serviceaccount:team-a:capacity-planner --as-group system:serviceaccounts:team-a"_s,
        1);
    row("--as-group system:serviceaccounts", u"get /openid/v1/jwks --sa team-a:capacity-planner --as-group system:serviceaccounts"_s, 0);
    row("user has no SA groups", u"get /openid/v1/jwks --as bob"_s, 1);
    row("user with --as-group", u"get /openid/v1/jwks --as bob --as-group system:serviceaccounts"_s, 0);
    row("--as-group repeated", u"delete nodes --as bob --as-group foo --as-group kubeadm:cluster-admins"_s, 0);
    row("--as-group replaces SA groups, RBAC",
        u"create pods -n kube-system --sa payments:deployer --as-group foo"_s, 0); // user subject still matches
}

void TestCli::canI()
{
    QFETCH(QStringList, args);
    QFETCH(int, code);
    const auto r = run(QStringList {QStringLiteral("can-i")} + args + demo());
    QCOMPARE(r.code, code);
    if (code == 0) {
        QCOMPARE(r.out, QByteArray("yes\n"));
    } else {
        // "no", or "no - REASON" when the API server would give one (e.g. a missing role, kubectl prints it)
        QVERIFY2(r.out == "no\n" || (r.out.startsWith("no - ") && r.out.count('\n') == 1), r.out.constData());
    }
    QVERIFY2(!r.err.contains("error"), r.err.constData());
}

// A deny names the errors met on the way, as the API server's RBAC authorizer does: P7's binding refers to the missing
// ClusterRole audit-log-reader, and config-sync is a subject of it.
void TestCli::denyReason()
{
    const auto r = run({QStringLiteral("can-i"), QStringLiteral("delete"), QStringLiteral("secrets"), QStringLiteral("-n"),
                        QStringLiteral("team-a"), QStringLiteral("--sa"), QStringLiteral("legacy-apps:config-sync"),
                        QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.startsWith("no - RBAC: ") && r.out.contains("\"audit-log-reader\" not found"), r.out.constData());
    // ... but a plain deny has no reason
    QCOMPARE(run({QStringLiteral("can-i"), QStringLiteral("delete"), QStringLiteral("nodes"), QStringLiteral("--sa"),
                  QStringLiteral("team-a:capacity-planner"), QStringLiteral("--snapshot"), demoDir()})
                 .out,
             QByteArray("no\n"));
}

void TestCli::asEqualsSa_data()
{
    QTest::addColumn<QStringList>("request");
    QTest::addColumn<QString>("sa");
    auto row = [](const char* name, const QString& line, const QString& sa) {
        QTest::newRow(name) << line.split(u' ', Qt::SkipEmptyParts) << sa;
    };
    row("P3 yes", u"create pods -n kube-system"_s, u"payments:deployer"_s);
    row("P3 no", u"create pods -n payments"_s, u"payments:deployer"_s);
    row("jwks through the SA group", u"get /openid/v1/jwks"_s, u"team-a:capacity-planner"_s);
    row("aggregated edit", u"get secrets -n team-a"_s, u"team-a:default"_s);
    row("P12", u"delete nodes"_s, u"team-a:capacity-planner"_s);
}

void TestCli::asEqualsSa()
{
    QFETCH(QStringList, request);
    QFETCH(QString, sa);
    const auto ns = sa.section(u':', 0, 0);
    const auto name = sa.section(u':', 1);
    for (const auto& extra : {QStringList {}, QStringList {QStringLiteral("--why")}}) {
        const auto bySa = run(QStringList {QStringLiteral("can-i")} + request + extra
                              + QStringList {QStringLiteral("--sa"), sa} + demo());
        const auto byAs = run(QStringList {QStringLiteral("can-i")} + request + extra
                              + QStringList {QStringLiteral("--as"), u"system:serviceaccount:"_s + ns + u':' + name}
                              + demo());
        QVERIFY(bySa.code == 0 || bySa.code == 1);
        QCOMPARE(byAs.code, bySa.code);
        QCOMPARE(byAs.out, bySa.out);
    }
    // --list too
    const auto listSa = run({QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("-n"), ns,
                             QStringLiteral("--sa"), sa, QStringLiteral("--snapshot"), demoDir()});
    const auto listAs = run({QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("-n"), ns,
                             QStringLiteral("--as"), u"system:serviceaccount:"_s + ns + u':' + name,
                             QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(listSa.code, 0);
    QCOMPARE(listAs.out, listSa.out);
}

void TestCli::why_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("expected"); // substrings of lines 2 and 3
    QTest::newRow("P3 RoleBinding -> Role")
        << u"create pods -n kube-system --sa payments:deployer"_s.split(u' ')
        << QStringList {u"RBAC: allowed by RoleBinding \"payments-deployer/kube-system\" of Role \"pod-launcher\" to "
                        "ServiceAccount \"deployer/payments\""_s,
                        u"RoleBinding kube-system/payments-deployer -> Role pod-launcher -> rule #1: verbs=[create get "
                        "list watch delete] apiGroups=[] resources=[pods]"_s};
    QTest::newRow("P3 second rule for pods/log")
        << u"get pods/log -n kube-system --sa payments:deployer"_s.split(u' ')
        << QStringList {u"RBAC: allowed by RoleBinding \"payments-deployer/kube-system\""_s,
                        u"RoleBinding kube-system/payments-deployer -> Role pod-launcher -> rule #2: verbs=[get] "
                        "apiGroups=[] resources=[pods/log]"_s};
    QTest::newRow("P11 aggregated")
        << u"get secrets -n payments --sa payments:payments-operator"_s.split(u' ')
        << QStringList {u"RBAC: allowed by RoleBinding \"payments-operator/payments\" of ClusterRole \"payments-operator\""_s,
                        u"RoleBinding payments/payments-operator -> ClusterRole payments-operator (aggregated from "
                        "ClusterRole payments-operator-secrets) -> rule #1: verbs=[get list watch create update] "
                        "apiGroups=[] resources=[secrets]"_s};
    QTest::newRow("P8 ClusterRoleBinding")
        << u"list secrets -A --sa legacy-apps:config-sync"_s.split(u' ')
        << QStringList {u"RBAC: allowed by ClusterRoleBinding \"config-sync-secret-reader\" of ClusterRole "
                        "\"secret-reader\" to ServiceAccount \"config-sync/legacy-apps\""_s,
                        u"ClusterRoleBinding config-sync-secret-reader -> ClusterRole secret-reader -> rule #1"_s};
    QTest::newRow("non-resource URL through a group")
        << u"get /openid/v1/jwks --sa team-a:capacity-planner"_s.split(u' ')
        << QStringList {u"to Group \"system:serviceaccounts\""_s,
                        u"ClusterRoleBinding system:service-account-issuer-discovery -> ClusterRole "
                        "system:service-account-issuer-discovery -> rule #1: verbs=[get] nonResourceURLs=["_s};
}

void TestCli::why()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, expected);
    const auto r = run(QStringList {QStringLiteral("can-i"), QStringLiteral("--why")} + args + demo());
    QCOMPARE(r.code, 0);
    const auto l = lines(r.out);
    QCOMPARE(l.size(), 3);
    QCOMPARE(l[0], u"yes"_s);
    QVERIFY2(l[1].contains(expected[0]), qPrintable(l[1]));
    QVERIFY2(l[2].contains(expected[1]), qPrintable(l[2]));
    // the chain names where the binding was read
    QVERIFY2(QRegularExpression(QStringLiteral("\\[[^\\]]+\\.yaml:\\d+\\]$")).match(l[2]).hasMatch(), qPrintable(l[2]));

    // --why on a "no" prints just the answer
    const auto no = run({QStringLiteral("can-i"), QStringLiteral("--why"), QStringLiteral("delete"),
                         QStringLiteral("nodes"), QStringLiteral("--sa"), QStringLiteral("team-a:capacity-planner"),
                         QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(no.code, 1);
    QVERIFY(no.out.startsWith("no"));
    QCOMPARE(lines(no.out).size(), 1);
}

void TestCli::quiet()
{
    for (const auto& q : {QStringLiteral("-q"), QStringLiteral("--quiet")}) {
        const auto yes = run({QStringLiteral("can-i"), q, QStringLiteral("create"), QStringLiteral("pods"),
                              QStringLiteral("-n"), QStringLiteral("kube-system"), QStringLiteral("--sa"),
                              QStringLiteral("payments:deployer"), QStringLiteral("--why"), QStringLiteral("--snapshot"),
                              demoDir()});
        QCOMPARE(yes.code, 0);
        QVERIFY(yes.out.isEmpty());
        QVERIFY(yes.err.isEmpty());
        const auto no = run({QStringLiteral("can-i"), q, QStringLiteral("delete"), QStringLiteral("nodes"),
                             QStringLiteral("--sa"), QStringLiteral("team-a:capacity-planner"), QStringLiteral("--snapshot"),
                             demoDir()});
        QCOMPARE(no.code, 1);
        QVERIFY(no.out.isEmpty());
        QVERIFY(no.err.isEmpty());
        const auto unknown = run({QStringLiteral("can-i"), q, QStringLiteral("get"), QStringLiteral("foos"),
                                  QStringLiteral("--sa"), QStringLiteral("team-a:capacity-planner"),
                                  QStringLiteral("--snapshot"), demoDir()});
        QCOMPARE(unknown.code, 1);
        QVERIFY(unknown.out.isEmpty());
        QVERIFY(unknown.err.isEmpty());
    }
}

void TestCli::unknownResourceWarns()
{
    const auto r = run({QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("foos"), QStringLiteral("--sa"),
                        QStringLiteral("team-a:capacity-planner"), QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(r.code, 1);
    QCOMPARE(r.out, QByteArray("no\n"));
    QVERIFY2(r.err.contains("no resource type \"foos\""), r.err.constData());
    // a wildcard role still answers yes, with the same warning
    const auto w = run({QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("foos"), QStringLiteral("--sa"),
                        QStringLiteral("legacy-apps:jenkins"), QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(w.code, 0);
    QCOMPARE(w.out, QByteArray("yes\n"));
    QVERIFY(w.err.contains("foos"));
    // -n with a cluster-scoped resource: kubectl's warning; the namespace is ignored
    const auto nodes = run({QStringLiteral("can-i"), QStringLiteral("list"), QStringLiteral("nodes"), QStringLiteral("-n"),
                            QStringLiteral("team-a"), QStringLiteral("--sa"), QStringLiteral("legacy-apps:jenkins"),
                            QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(nodes.code, 0);
    QCOMPARE(nodes.out, QByteArray("yes\n"));
    QVERIFY2(nodes.err.contains("not namespace scoped"), nodes.err.constData());
}

void TestCli::listTable()
{
    const auto r = run({QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("--sa"),
                        QStringLiteral("payments:deployer"), QStringLiteral("-n"), QStringLiteral("kube-system"),
                        QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(r.code, 0);
    QVERIFY(r.err.isEmpty());
    const auto l = lines(r.out);
    QVERIFY(l.size() > 3);
    const auto header = l[0];
    QCOMPARE(header.split(QRegularExpression(QStringLiteral("\\s{3,}"))), kListTitles);
    bool pods = false, log = false, healthz = false, review = false;
    for (qsizetype i = 1; i < l.size(); ++i) {
        const auto c = cells(header, kListTitles, l[i]);
        QCOMPARE(c.size(), 5);
        QVERIFY2(c[4] == u"cluster"_s || c[4].startsWith(u"namespace"_s), qPrintable(l[i]));
        if (c[0] == u"pods"_s) {
            pods = true;
            QCOMPARE(c[1], u"[]"_s);
            QCOMPARE(c[2], u"[]"_s);
            QCOMPARE(c[3], u"[create get list watch delete]"_s);
            QCOMPARE(c[4], u"namespace"_s);
        } else if (c[0] == u"pods/log"_s) {
            log = true;
            QCOMPARE(c[3], u"[get]"_s);
            QCOMPARE(c[4], u"namespace"_s);
        } else if (c[1] == u"[/healthz]"_s) {
            healthz = true;
            QCOMPARE(c[0], QString());
            QCOMPARE(c[3], u"[get]"_s);
            QCOMPARE(c[4], u"cluster"_s);
        } else if (c[0] == u"selfsubjectaccessreviews.authorization.k8s.io"_s) {
            review = true;
            QCOMPARE(c[3], u"[create]"_s);
            QCOMPARE(c[4], u"cluster"_s);
        }
    }
    QVERIFY(pods);
    QVERIFY(log);
    QVERIFY(healthz);
    QVERIFY(review);

    // --no-headers drops exactly the header line
    const auto nh = run({QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("--no-headers"),
                         QStringLiteral("--sa"), QStringLiteral("payments:deployer"), QStringLiteral("-n"),
                         QStringLiteral("kube-system"), QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(nh.code, 0);
    QCOMPARE(lines(nh.out).size(), l.size() - 1);
    QVERIFY(!nh.out.contains("Non-Resource URLs"));

    // In another namespace the RoleBinding of kube-system does not count; with -A only cluster-wide rules remain.
    for (const auto& scope : {QStringList {QStringLiteral("-n"), QStringLiteral("payments")},
                              QStringList {QStringLiteral("-A")}}) {
        const auto other = run(QStringList {QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("--sa"),
                                            QStringLiteral("payments:deployer"), QStringLiteral("--snapshot"), demoDir()}
                               + scope);
        QCOMPARE(other.code, 0);
        const auto ol = lines(other.out);
        for (qsizetype i = 1; i < ol.size(); ++i) {
            const auto c = cells(ol[0], kListTitles, ol[i]);
            QVERIFY2(c.value(0) != u"pods"_s, qPrintable(ol[i]));
            QCOMPARE(c.value(4), u"cluster"_s);
        }
    }

    // cluster-admin prints kubectl's *.* and [*]
    const auto admin = run({QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("--sa"),
                            QStringLiteral("legacy-apps:jenkins"), QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(admin.code, 0);
    const auto al = lines(admin.out);
    bool star = false, url = false;
    for (qsizetype i = 1; i < al.size(); ++i) {
        const auto c = cells(al[0], kListTitles, al[i]);
        if (c[0] == u"*.*"_s && c[3] == u"[*]"_s && c[4] == u"cluster"_s)
            star = true;
        if (c[1] == u"[*]"_s && c[3] == u"[*]"_s && c[4] == u"cluster"_s)
            url = true;
    }
    QVERIFY(star);
    QVERIFY(url);
}

void TestCli::listJson()
{
    const auto r = run({QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("-o"), QStringLiteral("json"),
                        QStringLiteral("--sa"), QStringLiteral("payments:deployer"), QStringLiteral("-n"),
                        QStringLiteral("kube-system"), QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(r.code, 0);
    const auto o = jsonObject(r.out);
    QVERIFY2(!o.isEmpty(), r.out.constData());
    QCOMPARE(o.value(u"user"_s).toString(), u"system:serviceaccount:payments:deployer"_s);
    QCOMPARE(strings(o.value(u"groups"_s)),
             (QStringList {u"system:serviceaccounts"_s, u"system:serviceaccounts:payments"_s,
                           u"system:authenticated"_s}));
    QCOMPARE(o.value(u"namespace"_s).toString(), u"kube-system"_s);
    const auto rules = o.value(u"rules"_s).toArray();
    QVERIFY(!rules.isEmpty());
    bool pods = false, log = false, healthz = false;
    for (const auto& v : rules) {
        const auto rule = v.toObject();
        const auto scope = rule.value(u"scope"_s).toString();
        QVERIFY2(scope == u"cluster"_s || scope == u"namespace"_s, qPrintable(scope));
        for (const char* key : {"resources", "nonResourceURLs", "resourceNames", "verbs", "grantedBy"})
            QVERIFY2(rule.value(QLatin1String(key)).isArray(), key);
        QVERIFY(!strings(rule.value(u"verbs"_s)).isEmpty());
        QVERIFY(!strings(rule.value(u"grantedBy"_s)).isEmpty());
        const auto res = strings(rule.value(u"resources"_s));
        if (res == QStringList {u"pods"_s}) {
            pods = true;
            QCOMPARE(strings(rule.value(u"verbs"_s)),
                     (QStringList {u"create"_s, u"get"_s, u"list"_s, u"watch"_s, u"delete"_s}));
            QCOMPARE(scope, u"namespace"_s);
            QVERIFY(strings(rule.value(u"grantedBy"_s)).join(u'\n').contains(u"payments-deployer"_s));
        } else if (res == QStringList {u"pods/log"_s}) {
            log = true;
            QCOMPARE(scope, u"namespace"_s);
        }
        if (strings(rule.value(u"nonResourceURLs"_s)).contains(u"/healthz"_s)) {
            healthz = true;
            QCOMPARE(scope, u"cluster"_s);
            QVERIFY(res.isEmpty());
        }
    }
    QVERIFY(pods);
    QVERIFY(log);
    QVERIFY(healthz);

    // -A: the cluster scope, only rules from ClusterRoleBindings
    const auto all = jsonObject(run({QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("-o"),
                                     QStringLiteral("json"), QStringLiteral("-A"), QStringLiteral("--sa"),
                                     QStringLiteral("payments:deployer"), QStringLiteral("--snapshot"), demoDir()})
                                    .out);
    QCOMPARE(all.value(u"namespace"_s).toString(), QString());
    QVERIFY(!all.value(u"rules"_s).toArray().isEmpty());
    for (const auto& v : all.value(u"rules"_s).toArray())
        QCOMPARE(v.toObject().value(u"scope"_s).toString(), u"cluster"_s);

    // cluster-admin: *.* with verbs [*], cluster scope
    const auto admin = jsonObject(run({QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("-o"),
                                       QStringLiteral("json"), QStringLiteral("--sa"), QStringLiteral("legacy-apps:jenkins"),
                                       QStringLiteral("--snapshot"), demoDir()})
                                      .out);
    bool star = false;
    for (const auto& v : admin.value(u"rules"_s).toArray()) {
        const auto rule = v.toObject();
        if (strings(rule.value(u"resources"_s)) == QStringList {u"*.*"_s}) {
            star = true;
            QCOMPARE(strings(rule.value(u"verbs"_s)), QStringList {u"*"_s});
            QCOMPARE(rule.value(u"scope"_s).toString(), u"cluster"_s);
        }
    }
    QVERIFY(star);
}

// P12: the RoleBinding team-a/node-inspector grants nodes (cluster-scoped): listed, but marked as having no effect.
void TestCli::listNoEffectGrant()
{
    const QStringList args {QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("--sa"),
                            QStringLiteral("team-a:capacity-planner"), QStringLiteral("-n"), QStringLiteral("team-a"),
                            QStringLiteral("--snapshot"), demoDir()};
    const auto table = run(args);
    QCOMPARE(table.code, 0);
    const auto l = lines(table.out);
    bool nodes = false;
    for (qsizetype i = 1; i < l.size(); ++i) {
        const auto c = cells(l[0], kListTitles, l[i]);
        if (c.value(0) != u"nodes"_s)
            continue;
        nodes = true;
        QCOMPARE(c[3], u"[get list watch]"_s);
        QVERIFY2(c[4].startsWith(u"namespace"_s) && c[4].contains(u"no effect"_s), qPrintable(l[i]));
    }
    QVERIFY2(nodes, table.out.constData());

    const auto json = jsonObject(run(args + QStringList {QStringLiteral("-o"), QStringLiteral("json")}).out);
    nodes = false;
    for (const auto& v : json.value(u"rules"_s).toArray()) {
        const auto rule = v.toObject();
        if (strings(rule.value(u"resources"_s)) == QStringList {u"nodes"_s}) {
            nodes = true;
            QCOMPARE(rule.value(u"scope"_s).toString(), u"namespace"_s);
            QCOMPARE(rule.value(u"effective"_s).toBool(true), false);
        } else {
            QCOMPARE(rule.value(u"effective"_s).toBool(false), true);
        }
    }
    QVERIFY(nodes);
}

// ---- who-can -----------------------------------------------------------------------------------------------------

namespace {
// Rows of a who-can table as cell lists; the Note lines are returned apart.
QList<QStringList> whoRows(const QByteArray& out, QStringList* notes = nullptr)
{
    QList<QStringList> rows;
    const auto l = lines(out);
    if (l.isEmpty())
        return rows;
    for (qsizetype i = 1; i < l.size(); ++i) {
        if (l[i].startsWith(u"Note: "_s)) {
            if (notes)
                notes->append(l[i]);
            continue;
        }
        rows.append(cells(l[0], kWhoTitles, l[i]));
    }
    return rows;
}

bool hasRow(const QList<QStringList>& rows, const QStringList& row)
{
    return rows.contains(row);
}

QString dump(const QList<QStringList>& rows)
{
    QString s;
    for (const auto& r : rows)
        s += r.join(u" | ") + u'\n';
    return s;
}
} // namespace

void TestCli::whoCanTable()
{
    const auto r = run({QStringLiteral("who-can"), QStringLiteral("create"), QStringLiteral("pods"), QStringLiteral("-n"),
                        QStringLiteral("kube-system"), QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(r.code, 0);
    QVERIFY(r.err.isEmpty());
    QCOMPARE(lines(r.out).value(0).split(QRegularExpression(QStringLiteral("\\s{3,}"))), kWhoTitles);
    QStringList notes;
    const auto rows = whoRows(r.out, &notes);
    QVERIFY2(hasRow(rows, {u"ServiceAccount"_s, u"deployer"_s, u"payments"_s, u"kube-system"_s,
                           u"RoleBinding/payments-deployer -> Role/pod-launcher"_s}),
             qPrintable(dump(rows)));
    QVERIFY(hasRow(rows, {u"ServiceAccount"_s, u"jenkins"_s, u"legacy-apps"_s, u"cluster"_s,
                          u"ClusterRoleBinding/jenkins-cluster-admin -> ClusterRole/cluster-admin"_s}));
    QVERIFY(hasRow(rows, {u"ServiceAccount"_s, u"ci-runner"_s, u"team-a"_s, u"cluster"_s,
                          u"ClusterRoleBinding/ci-runner-superuser -> ClusterRole/ci-superuser"_s}));
    QVERIFY(hasRow(rows, {u"Group"_s, u"system:masters"_s, QString(), u"cluster"_s,
                          u"ClusterRoleBinding/cluster-admin -> ClusterRole/cluster-admin"_s}));
    // README: "Create pods in kube-system (cluster-wide grants)"
    for (const char* sa : {"daemon-set-controller", "job-controller", "persistent-volume-binder", "replicaset-controller",
                           "replication-controller", "statefulset-controller"}) {
        bool found = false;
        for (const auto& row : rows)
            found = found || (row.value(1) == QLatin1String(sa) && row.value(2) == u"kube-system"_s);
        QVERIFY2(found, sa);
    }
    // nobody without the grant: capacity-planner, report-generator
    for (const auto& row : rows) {
        QVERIFY(row.value(1) != u"capacity-planner"_s);
        QVERIFY(row.value(1) != u"report-generator"_s);
    }
    QCOMPARE(notes.size(), 1);
    QVERIFY(notes[0].contains(u"system:masters"_s));
}

void TestCli::whoCanNamespaces()
{
    const QStringList deployer {u"ServiceAccount"_s, u"deployer"_s, u"payments"_s, u"kube-system"_s,
                                u"RoleBinding/payments-deployer -> Role/pod-launcher"_s};
    const QStringList teamADefault {u"ServiceAccount"_s, u"default"_s, u"team-a"_s, u"team-a"_s,
                                    u"RoleBinding/default-sa-edit -> ClusterRole/edit"_s};
    // without -n: the "default" namespace, so neither RoleBinding counts
    const auto def = whoRows(run({QStringLiteral("who-can"), QStringLiteral("create"), QStringLiteral("pods"),
                                  QStringLiteral("--snapshot"), demoDir()})
                                 .out);
    QVERIFY(!def.isEmpty());
    QVERIFY(!hasRow(def, deployer));
    QVERIFY(!hasRow(def, teamADefault));
    for (const auto& row : def)
        QCOMPARE(row.value(3), u"cluster"_s);
    // -n team-a: the edit binding, not the kube-system one
    const auto teamA = whoRows(run({QStringLiteral("who-can"), QStringLiteral("create"), QStringLiteral("pods"),
                                    QStringLiteral("-n"), QStringLiteral("team-a"), QStringLiteral("--snapshot"), demoDir()})
                                   .out);
    QVERIFY(hasRow(teamA, teamADefault));
    QVERIFY(!hasRow(teamA, deployer));
    // -A: every namespace's RoleBindings, each in its own namespace
    const auto all = whoRows(run({QStringLiteral("who-can"), QStringLiteral("create"), QStringLiteral("pods"),
                                  QStringLiteral("-A"), QStringLiteral("--snapshot"), demoDir()})
                                 .out);
    QVERIFY2(hasRow(all, deployer), qPrintable(dump(all)));
    QVERIFY(hasRow(all, teamADefault));
    QVERIFY(hasRow(all, {u"ServiceAccount"_s, u"tiller"_s, u"team-a"_s, u"team-a"_s,
                         u"RoleBinding/tiller-namespace-owner -> Role/namespace-owner"_s}));
    // subresource: pods/log in kube-system
    const auto log = whoRows(run({QStringLiteral("who-can"), QStringLiteral("get"), QStringLiteral("pods/log"),
                                  QStringLiteral("-n"), QStringLiteral("kube-system"), QStringLiteral("--snapshot"),
                                  demoDir()})
                                 .out);
    QVERIFY(hasRow(log, deployer));
    const auto exec = whoRows(run({QStringLiteral("who-can"), QStringLiteral("create"), QStringLiteral("pods"),
                                   QStringLiteral("--subresource"), QStringLiteral("exec"), QStringLiteral("-n"),
                                   QStringLiteral("kube-system"), QStringLiteral("--snapshot"), demoDir()})
                                  .out);
    QVERIFY(!exec.isEmpty());
    QVERIFY(!hasRow(exec, deployer));
    // RoleBinding subjects without a namespace resolve to the binding's namespace (Argo CD)
    const auto argo = whoRows(run({QStringLiteral("who-can"), QStringLiteral("get"), QStringLiteral("secrets"),
                                   QStringLiteral("-n"), QStringLiteral("argocd"), QStringLiteral("--snapshot"), demoDir()})
                                  .out);
    QVERIFY2(hasRow(argo, {u"ServiceAccount"_s, u"argocd-server"_s, u"argocd"_s, u"argocd"_s,
                           u"RoleBinding/argocd-server -> Role/argocd-server"_s}),
             qPrintable(dump(argo)));
}

void TestCli::whoCanResourceNames()
{
    const QStringList signer {u"ServiceAccount"_s, u"bootstrap-signer"_s, u"kube-system"_s, u"kube-public"_s,
                              u"RoleBinding/system:controller:bootstrap-signer -> Role/system:controller:bootstrap-signer"_s};
    const auto named = whoRows(run({QStringLiteral("who-can"), QStringLiteral("update"),
                                    QStringLiteral("configmaps/cluster-info"), QStringLiteral("-n"),
                                    QStringLiteral("kube-public"), QStringLiteral("--snapshot"), demoDir()})
                                   .out);
    QVERIFY2(hasRow(named, signer), qPrintable(dump(named)));
    const auto other = whoRows(run({QStringLiteral("who-can"), QStringLiteral("update"), QStringLiteral("configmaps/other"),
                                    QStringLiteral("-n"), QStringLiteral("kube-public"), QStringLiteral("--snapshot"),
                                    demoDir()})
                                   .out);
    QVERIFY(!other.isEmpty());
    QVERIFY(!hasRow(other, signer));
}

void TestCli::whoCanJson()
{
    const auto r = run({QStringLiteral("who-can"), QStringLiteral("create"), QStringLiteral("pods"), QStringLiteral("-n"),
                        QStringLiteral("kube-system"), QStringLiteral("-o"), QStringLiteral("json"),
                        QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(r.code, 0);
    const auto o = jsonObject(r.out);
    QVERIFY2(!o.isEmpty(), r.out.constData());
    QVERIFY(strings(o.value(u"notes"_s)).join(u' ').contains(u"system:masters"_s));
    const auto subjects = o.value(u"subjects"_s).toArray();
    QVERIFY(!subjects.isEmpty());
    bool deployer = false, jenkins = false;
    for (const auto& v : subjects) {
        const auto e = v.toObject();
        for (const char* key : {"binding", "role", "rule", "subject", "scope", "matchesNobody"})
            QVERIFY2(e.contains(QLatin1String(key)), key);
        const auto subject = e.value(u"subject"_s).toObject();
        const auto binding = e.value(u"binding"_s).toObject();
        const auto role = e.value(u"role"_s).toObject();
        const auto rule = e.value(u"rule"_s).toObject();
        QVERIFY(!strings(rule.value(u"verbs"_s)).isEmpty());
        if (binding.value(u"kind"_s).toString() == u"ClusterRoleBinding"_s)
            QCOMPARE(e.value(u"scope"_s).toString(), u"cluster"_s);
        else
            QCOMPARE(e.value(u"scope"_s).toString(), binding.value(u"namespace"_s).toString());
        if (subject.value(u"name"_s).toString() == u"deployer"_s) {
            deployer = true;
            QCOMPARE(subject.value(u"kind"_s).toString(), u"ServiceAccount"_s);
            QCOMPARE(subject.value(u"namespace"_s).toString(), u"payments"_s);
            QCOMPARE(binding.value(u"kind"_s).toString(), u"RoleBinding"_s);
            QCOMPARE(binding.value(u"namespace"_s).toString(), u"kube-system"_s);
            QCOMPARE(binding.value(u"name"_s).toString(), u"payments-deployer"_s);
            QCOMPARE(role.value(u"kind"_s).toString(), u"Role"_s);
            QCOMPARE(role.value(u"name"_s).toString(), u"pod-launcher"_s);
            QCOMPARE(role.value(u"namespace"_s).toString(), u"kube-system"_s);
            QCOMPARE(strings(rule.value(u"resources"_s)), QStringList {u"pods"_s});
            QVERIFY(strings(rule.value(u"verbs"_s)).contains(u"create"_s));
            QCOMPARE(e.value(u"scope"_s).toString(), u"kube-system"_s);
            QCOMPARE(e.value(u"matchesNobody"_s).toBool(), false);
            QVERIFY(!e.contains(u"serviceAccounts"_s));
        }
        if (subject.value(u"name"_s).toString() == u"jenkins"_s) {
            jenkins = true;
            QCOMPARE(binding.value(u"name"_s).toString(), u"jenkins-cluster-admin"_s);
            QCOMPARE(role.value(u"name"_s).toString(), u"cluster-admin"_s);
            QCOMPARE(e.value(u"scope"_s).toString(), u"cluster"_s);
        }
    }
    QVERIFY(deployer);
    QVERIFY(jenkins);
}

void TestCli::whoCanGroupExpansion()
{
    const QStringList args {QStringLiteral("who-can"), QStringLiteral("get"), QStringLiteral("/openid/v1/jwks"),
                            QStringLiteral("--snapshot"), demoDir()};
    const auto table = run(args);
    QCOMPARE(table.code, 0);
    const auto rows = whoRows(table.out);
    QVERIFY(hasRow(rows, {u"Group"_s, u"system:serviceaccounts"_s, QString(), u"cluster"_s,
                          u"ClusterRoleBinding/system:service-account-issuer-discovery -> "
                          "ClusterRole/system:service-account-issuer-discovery"_s}));
    int expanded = 0;
    for (const auto& l : lines(table.out))
        if (l.startsWith(u"  ServiceAccount "_s) && l.endsWith(u"via Group system:serviceaccounts"_s))
            ++expanded;
    QCOMPARE(expanded, kDemoServiceAccounts);
    QVERIFY2(hasRow(rows, {u"ServiceAccount"_s, u"capacity-planner"_s, u"team-a"_s, u"cluster"_s,
                           u"via Group system:serviceaccounts"_s}),
             qPrintable(dump(rows)));

    const auto json = jsonObject(run(args + QStringList {QStringLiteral("-o"), QStringLiteral("json")}).out);
    bool group = false;
    for (const auto& v : json.value(u"subjects"_s).toArray()) {
        const auto e = v.toObject();
        const auto subject = e.value(u"subject"_s).toObject();
        if (subject.value(u"kind"_s).toString() != u"Group"_s) {
            QVERIFY(!e.contains(u"serviceAccounts"_s));
            continue;
        }
        QVERIFY(e.value(u"serviceAccounts"_s).isArray());
        if (subject.value(u"name"_s).toString() == u"system:serviceaccounts"_s) {
            group = true;
            const auto sas = strings(e.value(u"serviceAccounts"_s));
            QCOMPARE(sas.size(), kDemoServiceAccounts);
            QVERIFY(sas.contains(u"team-a/capacity-planner"_s));
            QVERIFY(sas.contains(u"kube-system/namespace-provisioner"_s));
            QVERIFY(!sas.contains(u"payments/metrics-scraper"_s)); // P6: does not exist
        }
        if (subject.value(u"name"_s).toString() == u"system:masters"_s)
            QVERIFY(strings(e.value(u"serviceAccounts"_s)).isEmpty());
    }
    QVERIFY(group);
}

// A group of one namespace's ServiceAccounts expands to exactly those (snapshot read from stdin).
void TestCli::whoCanGroupOfOneNamespace()
{
    const QByteArray snapshot = R"(apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: ci}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: runner, namespace: ci}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cm-reader}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-readers, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cm-reader}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:serviceaccounts:ci"}
)";
    const auto r = run({QStringLiteral("who-can"), QStringLiteral("get"), QStringLiteral("configmaps"),
                        QStringLiteral("-n"), QStringLiteral("ci"), QStringLiteral("--snapshot"), QStringLiteral("-")},
                       snapshot);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.isEmpty(), r.err.constData());
    const auto rows = whoRows(r.out);
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0], (QStringList {u"Group"_s, u"system:serviceaccounts:ci"_s, QString(), u"ci"_s,
                                    u"RoleBinding/ci-readers -> ClusterRole/cm-reader"_s}));
    QCOMPARE(rows[1], (QStringList {u"ServiceAccount"_s, u"builder"_s, u"ci"_s, u"ci"_s,
                                    u"via Group system:serviceaccounts:ci"_s}));
    QCOMPARE(rows[2], (QStringList {u"ServiceAccount"_s, u"runner"_s, u"ci"_s, u"ci"_s,
                                    u"via Group system:serviceaccounts:ci"_s}));
    // and can-i agrees for a member, not for the SA of another namespace
    QCOMPARE(run({QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("configmaps"), QStringLiteral("-n"),
                  QStringLiteral("ci"), QStringLiteral("--sa"), QStringLiteral("ci:runner"), QStringLiteral("-f"),
                  QStringLiteral("-")},
                 snapshot)
                 .code,
             0);
    QCOMPARE(run({QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("configmaps"), QStringLiteral("-n"),
                  QStringLiteral("ci"), QStringLiteral("--sa"), QStringLiteral("shop:web"), QStringLiteral("-f"),
                  QStringLiteral("-")},
                 snapshot)
                 .code,
             1);
}

// P12: "RoleBinding that grants a cluster-scoped resource, which has no effect". who-can -A must not list RoleBinding
// subjects for a cluster-scoped resource: the API server never consults RoleBindings for it (can-i -A says no).
void TestCli::whoCanClusterScopedIgnoresRoleBindings()
{
    QCOMPARE(run({QStringLiteral("can-i"), QStringLiteral("list"), QStringLiteral("nodes"), QStringLiteral("-A"),
                  QStringLiteral("--sa"), QStringLiteral("team-a:capacity-planner"), QStringLiteral("--snapshot"),
                  demoDir()})
                 .code,
             1);
    for (const auto& scope : {QStringList {}, QStringList {QStringLiteral("-A")}}) {
        const auto r = run(QStringList {QStringLiteral("who-can"), QStringLiteral("list"), QStringLiteral("nodes"),
                                        QStringLiteral("--snapshot"), demoDir()}
                           + scope);
        QCOMPARE(r.code, 0);
        const auto rows = whoRows(r.out);
        QVERIFY(hasRow(rows, {u"ServiceAccount"_s, u"jenkins"_s, u"legacy-apps"_s, u"cluster"_s,
                              u"ClusterRoleBinding/jenkins-cluster-admin -> ClusterRole/cluster-admin"_s}));
        for (const auto& row : rows)
            QVERIFY2(row.value(3) == u"cluster"_s && !row.value(4).startsWith(u"RoleBinding/"_s),
                     qPrintable(scope.join(u' ') + u": " + row.join(u" | ")));
    }
}

// ---- review ------------------------------------------------------------------------------------------------------

void TestCli::reviewStream()
{
    const QByteArray input =
        R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"system:serviceaccount:payments:deployer","groups":["system:serviceaccounts","system:serviceaccounts:payments","system:authenticated"],"resourceAttributes":{"namespace":"kube-system","verb":"create","resource":"pods"}}}
this is not JSON

{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"system:serviceaccount:team-a:capacity-planner","groups":["system:serviceaccounts","system:serviceaccounts:team-a","system:authenticated"],"resourceAttributes":{"verb":"delete","resource":"nodes"}}}
[1, 2, 3]
{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"x"}}
{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"groups":["system:serviceaccounts"],"nonResourceAttributes":{"path":"/openid/v1/jwks","verb":"get"}}}
{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"system:serviceaccount:team-a:capacity-planner","nonResourceAttributes":{"path":"/openid/v1/jwks","verb":"get"}}}
)";
    const auto r = run({QStringLiteral("review"), QStringLiteral("--snapshot"), demoDir()}, input);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.isEmpty(), r.err.constData());
    const auto out = r.out.split('\n');
    QCOMPARE(out.size(), 8); // 7 answers (the blank line is skipped) + the final newline
    QVERIFY(out.last().isEmpty());
    QList<QJsonObject> answers;
    for (qsizetype i = 0; i < 7; ++i) {
        QVERIFY2(!out[i].contains('\n') && !out[i].isEmpty(), out[i].constData());
        QJsonParseError e {};
        const auto doc = QJsonDocument::fromJson(out[i], &e);
        QVERIFY2(doc.isObject(), out[i].constData());
        answers.append(doc.object());
        QCOMPARE(answers.last().value(u"apiVersion"_s).toString(), u"authorization.k8s.io/v1"_s);
        QCOMPARE(answers.last().value(u"kind"_s).toString(), u"SubjectAccessReview"_s);
        QVERIFY(answers.last().value(u"status"_s).toObject().contains(u"allowed"_s));
    }
    auto status = [&](int i) { return answers[i].value(u"status"_s).toObject(); };
    // 1: P3 allowed, with the API server's reason; spec echoed
    QCOMPARE(status(0).value(u"allowed"_s).toBool(), true);
    QCOMPARE(status(0).value(u"reason"_s).toString(),
             u"RBAC: allowed by RoleBinding \"payments-deployer/kube-system\" of Role \"pod-launcher\" to ServiceAccount "
             "\"deployer/payments\""_s);
    QCOMPARE(answers[0].value(u"spec"_s).toObject().value(u"user"_s).toString(),
             u"system:serviceaccount:payments:deployer"_s);
    QVERIFY(!status(0).contains(u"evaluationError"_s));
    // 2: malformed
    QCOMPARE(status(1).value(u"allowed"_s).toBool(), false);
    QVERIFY(!status(1).value(u"evaluationError"_s).toString().isEmpty());
    // 3: P12 denied, no error
    QCOMPARE(status(2).value(u"allowed"_s).toBool(), false);
    QVERIFY(!status(2).contains(u"evaluationError"_s));
    // 4: JSON but not an object; 5: neither resource nor non-resource attributes
    QVERIFY(!status(3).value(u"evaluationError"_s).toString().isEmpty());
    QCOMPARE(status(3).value(u"allowed"_s).toBool(), false);
    QVERIFY(!status(4).value(u"evaluationError"_s).toString().isEmpty());
    QCOMPARE(status(4).value(u"allowed"_s).toBool(), false);
    // 6: groups only
    QCOMPARE(status(5).value(u"allowed"_s).toBool(), true);
    // 7: groups are used exactly as given (none here): the SA user alone has no system:serviceaccounts
    QCOMPARE(status(6).value(u"allowed"_s).toBool(), false);
    QVERIFY(!status(6).contains(u"evaluationError"_s));
}

void TestCli::reviewConformance_data()
{
    QTest::addColumn<QString>("snapshot");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QList<bool>>("expected");
    QTest::addColumn<QStringList>("ids");
    QDir root(rbx::test::dataDir() + u"/conformance"_s);
    const auto folders = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY(!folders.isEmpty());
    m_conformanceReviews = 0;
    for (const auto& f : folders) {
        QString snapshot;
        for (const auto& name : {u"snapshot.yaml"_s, u"snapshot.json"_s, u"snapshot"_s})
            if (snapshot.isEmpty() && QFileInfo::exists(root.filePath(f) + u'/' + name))
                snapshot = root.filePath(f) + u'/' + name;
        QVERIFY2(!snapshot.isEmpty(), qPrintable(f));
        QFile reviews(root.filePath(f) + u"/reviews.jsonl"_s);
        QVERIFY(reviews.open(QIODevice::ReadOnly));
        QByteArray input;
        QList<bool> expected;
        QStringList ids;
        while (!reviews.atEnd()) {
            const auto line = reviews.readLine().trimmed();
            if (line.isEmpty())
                continue;
            const auto obj = QJsonDocument::fromJson(line).object();
            QVERIFY(obj.value(u"review"_s).isObject());
            input += QJsonDocument(obj.value(u"review"_s).toObject()).toJson(QJsonDocument::Compact) + '\n';
            expected.append(obj.value(u"expected"_s).toBool());
            ids.append(obj.value(u"id"_s).toString() + u' ' + obj.value(u"desc"_s).toString());
        }
        m_conformanceReviews += expected.size();
        QTest::newRow(qPrintable(f)) << snapshot << input << expected << ids;
    }
}

// Every conformance review through `rbx review`, one process per folder: answers in order, status.allowed as the
// API server's RBAC authorizer decides.
void TestCli::reviewConformance()
{
    QFETCH(QString, snapshot);
    QFETCH(QByteArray, input);
    QFETCH(QList<bool>, expected);
    QFETCH(QStringList, ids);
    const auto r = run({QStringLiteral("review"), QStringLiteral("--strict"), QStringLiteral("--snapshot"), snapshot}, input);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.isEmpty(), r.err.constData());
    const auto out = lines(r.out);
    QCOMPARE(out.size(), expected.size());
    QStringList wrong;
    for (qsizetype i = 0; i < out.size(); ++i) {
        const auto status = QJsonDocument::fromJson(out[i].toUtf8()).object().value(u"status"_s).toObject();
        const bool allowed = status.value(u"allowed"_s).toBool();
        if (status.contains(u"evaluationError"_s))
            wrong.append(ids[i] + u": evaluationError " + status.value(u"evaluationError"_s).toString());
        else if (allowed != expected[i])
            wrong.append(ids[i] + u": allowed=" + (allowed ? u"true"_s : u"false"_s));
        else if (allowed && !status.value(u"reason"_s).toString().startsWith(u"RBAC: allowed by "_s))
            wrong.append(ids[i] + u": reason " + status.value(u"reason"_s).toString());
    }
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));
}

void TestCli::reviewConformanceComplete()
{
    QCOMPARE(m_conformanceReviews, 268);
}

// ---- loading -----------------------------------------------------------------------------------------------------

void TestCli::snapshotFromStdin()
{
    const auto stream = demoStream();
    QVERIFY(stream.size() > 400000);
    const auto yes = run({QStringLiteral("can-i"), QStringLiteral("create"), QStringLiteral("pods"), QStringLiteral("-n"),
                          QStringLiteral("kube-system"), QStringLiteral("--sa"), QStringLiteral("payments:deployer"),
                          QStringLiteral("--snapshot"), QStringLiteral("-")},
                         stream);
    QCOMPARE(yes.code, 0);
    QCOMPARE(yes.out, QByteArray("yes\n"));
    QVERIFY2(yes.err.isEmpty(), yes.err.constData());
    const auto no = run({QStringLiteral("can-i"), QStringLiteral("delete"), QStringLiteral("nodes"), QStringLiteral("--sa"),
                         QStringLiteral("team-a:capacity-planner"), QStringLiteral("-f"), QStringLiteral("-")},
                        stream);
    QCOMPARE(no.code, 1);
    QCOMPARE(no.out, QByteArray("no\n"));
    // the same objects as loading the folder
    const auto fromStdin = jsonObject(run({QStringLiteral("load"), QStringLiteral("-o"), QStringLiteral("json"),
                                           QStringLiteral("--snapshot"), QStringLiteral("-")},
                                          stream)
                                          .out);
    const auto fromFolder = jsonObject(
        run({QStringLiteral("load"), QStringLiteral("-o"), QStringLiteral("json"), QStringLiteral("--snapshot"), demoDir()})
            .out);
    QVERIFY(!fromFolder.value(u"kept"_s).toObject().isEmpty());
    QCOMPARE(fromStdin.value(u"kept"_s).toObject(), fromFolder.value(u"kept"_s).toObject());
}

void TestCli::severalSnapshotsMerge()
{
    // RoleBinding team-a/default-sa-edit (50-planted-problems) refers to ClusterRole edit, aggregated from the
    // bootstrap roles (10-bootstrap-policy): the answer needs both files.
    const QStringList request {QStringLiteral("can-i"), QStringLiteral("create"), QStringLiteral("deployments.apps"),
                               QStringLiteral("-n"), QStringLiteral("team-a"), QStringLiteral("--sa"),
                               QStringLiteral("team-a:default")};
    const auto planted = demoFile("50-planted-problems.yaml");
    const auto bootstrap = demoFile("10-bootstrap-policy.yaml");
    QCOMPARE(run(request + QStringList {QStringLiteral("--snapshot"), planted}).code, 1);
    QCOMPARE(run(request + QStringList {QStringLiteral("--snapshot"), bootstrap}).code, 1);
    const auto both = run(request + QStringList {QStringLiteral("--snapshot"), bootstrap, QStringLiteral("-f"), planted});
    QCOMPARE(both.code, 0);
    QCOMPARE(both.out, QByteArray("yes\n"));

    // load: the counts of the two files add up (README: 10 = ClusterRole 69, ClusterRoleBinding 49, Role 7,
    // RoleBinding 7; 50 = ClusterRole 8, ClusterRoleBinding 7, Role 3, RoleBinding 8, ServiceAccount 1)
    const auto o = jsonObject(run({QStringLiteral("load"), QStringLiteral("-o"), QStringLiteral("json"),
                                   QStringLiteral("--snapshot"), bootstrap, QStringLiteral("--snapshot"), planted})
                                  .out);
    QCOMPARE(o.value(u"files"_s).toInt(), 2);
    const auto kept = o.value(u"kept"_s).toObject();
    QCOMPARE(kept.value(u"ClusterRole"_s).toInt(), 77);
    QCOMPARE(kept.value(u"ClusterRoleBinding"_s).toInt(), 56);
    QCOMPARE(kept.value(u"Role"_s).toInt(), 10);
    QCOMPARE(kept.value(u"RoleBinding"_s).toInt(), 15);
    QCOMPARE(kept.value(u"ServiceAccount"_s).toInt(), 1);
    QCOMPARE(kept.size(), 5);
}

namespace {
// A folder with the planted problems and one file with a YAML syntax error.
bool makeBrokenSnapshot(const QTemporaryDir& dir)
{
    if (!QFile::copy(demoFile("50-planted-problems.yaml"), dir.filePath(u"good.yaml"_s)))
        return false;
    QFile bad(dir.filePath(u"bad.yaml"_s));
    if (!bad.open(QIODevice::WriteOnly))
        return false;
    bad.write("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: [unclosed\n");
    return true;
}
} // namespace

void TestCli::loadDiagnosticsGoToStderr()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(makeBrokenSnapshot(dir));
    const QStringList request {QStringLiteral("can-i"), QStringLiteral("create"), QStringLiteral("pods"),
                               QStringLiteral("-n"), QStringLiteral("kube-system"), QStringLiteral("--sa"),
                               QStringLiteral("payments:deployer"), QStringLiteral("--snapshot"), dir.path()};
    const auto r = run(request);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out, QByteArray("yes\n")); // the answer still comes, from what loaded
    QVERIFY2(r.err.contains("bad.yaml:") && r.err.contains(": error: "), r.err.constData());
    QVERIFY(!r.err.contains("good.yaml"));

    const auto quiet = run(request + QStringList {QStringLiteral("--quiet-load")});
    QCOMPARE(quiet.code, 0);
    QCOMPARE(quiet.out, QByteArray("yes\n"));
    QVERIFY2(!quiet.err.contains("bad.yaml") && !quiet.err.contains("error"), quiet.err.constData());

    // who-can and review answer too
    const auto who = run({QStringLiteral("who-can"), QStringLiteral("create"), QStringLiteral("pods"), QStringLiteral("-n"),
                          QStringLiteral("kube-system"), QStringLiteral("--snapshot"), dir.path()});
    QCOMPARE(who.code, 0);
    QVERIFY(who.out.contains("payments-deployer"));
    QVERIFY(who.err.contains("bad.yaml:"));

    // load prints the diagnostic in its report (stdout) and succeeds
    const auto load = run({QStringLiteral("load"), QStringLiteral("--snapshot"), dir.path()});
    QCOMPARE(load.code, 0);
    QVERIFY(load.out.contains("Diagnostics:"));
    QVERIFY(load.out.contains("bad.yaml:"));
}

void TestCli::strictMakesDiagnosticsFatal()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(makeBrokenSnapshot(dir));
    const auto canI = run({QStringLiteral("can-i"), QStringLiteral("create"), QStringLiteral("pods"), QStringLiteral("-n"),
                           QStringLiteral("kube-system"), QStringLiteral("--sa"), QStringLiteral("payments:deployer"),
                           QStringLiteral("--snapshot"), dir.path(), QStringLiteral("--strict")});
    QCOMPARE(canI.code, 2);
    QVERIFY(canI.out.isEmpty());
    QVERIFY(canI.err.contains("bad.yaml:"));
    QVERIFY(canI.err.contains("--strict"));
    // --quiet-load does not hide the diagnostics that make --strict fail
    const auto quiet = run({QStringLiteral("can-i"), QStringLiteral("create"), QStringLiteral("pods"),
                            QStringLiteral("--sa"), QStringLiteral("payments:deployer"), QStringLiteral("--snapshot"),
                            dir.path(), QStringLiteral("--strict"), QStringLiteral("--quiet-load")});
    QCOMPARE(quiet.code, 2);
    QVERIFY(quiet.err.contains("bad.yaml:"));
    const auto list = run({QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("--sa"),
                           QStringLiteral("payments:deployer"), QStringLiteral("--snapshot"), dir.path(),
                           QStringLiteral("--strict")});
    QCOMPARE(list.code, 2);
    QVERIFY(list.out.isEmpty());
    const auto who = run({QStringLiteral("who-can"), QStringLiteral("create"), QStringLiteral("pods"),
                          QStringLiteral("--snapshot"), dir.path(), QStringLiteral("--strict")});
    QCOMPARE(who.code, 2);
    QVERIFY(who.out.isEmpty());
    const auto review = run({QStringLiteral("review"), QStringLiteral("--snapshot"), dir.path(), QStringLiteral("--strict")},
                            QByteArray(R"({"spec":{"user":"u","nonResourceAttributes":{"path":"/healthz","verb":"get"}}})"
                                       "\n"));
    QCOMPARE(review.code, 2);
    QVERIFY(review.out.isEmpty());
    const auto load = run({QStringLiteral("load"), QStringLiteral("--snapshot"), dir.path(), QStringLiteral("--strict")});
    QCOMPARE(load.code, 2);
    QVERIFY(load.out.contains("bad.yaml:")); // the report is still printed
    // without diagnostics --strict changes nothing
    const auto clean = run({QStringLiteral("can-i"), QStringLiteral("create"), QStringLiteral("pods"), QStringLiteral("-n"),
                            QStringLiteral("kube-system"), QStringLiteral("--sa"), QStringLiteral("payments:deployer"),
                            QStringLiteral("--snapshot"), demoDir(), QStringLiteral("--strict")});
    QCOMPARE(clean.code, 0);
    QCOMPARE(clean.out, QByteArray("yes\n"));
    QCOMPARE(run({QStringLiteral("load"), QStringLiteral("--strict"), QStringLiteral("--snapshot"), demoDir()}).code, 0);
}

void TestCli::loadJsonCounts()
{
    const auto r = run({QStringLiteral("load"), QStringLiteral("-o"), QStringLiteral("json"), QStringLiteral("--snapshot"),
                        demoDir()});
    QCOMPARE(r.code, 0);
    QVERIFY(r.err.isEmpty());
    const auto o = jsonObject(r.out);
    QVERIFY2(!o.isEmpty(), r.out.constData());
    // resources/demo/README.md: 8 data files; 453 objects; 6 List documents with 132 items, every other document
    // one object: 453 - 132 + 6 = 327 documents
    QCOMPARE(o.value(u"files"_s).toInt(), 8);
    QCOMPARE(o.value(u"documents"_s).toInt(), 327);
    const QJsonObject expected {{u"ClusterRole"_s, 105}, {u"ClusterRoleBinding"_s, 85}, {u"ServiceAccount"_s, 83},
                                {u"Pod"_s, 50},          {u"RoleBinding"_s, 36},        {u"Role"_s, 30},
                                {u"Deployment"_s, 28},   {u"Secret"_s, 15},             {u"Namespace"_s, 11},
                                {u"StatefulSet"_s, 4},   {u"Node"_s, 3},                {u"DaemonSet"_s, 2},
                                {u"ConfigMap"_s, 1}};
    QCOMPARE(o.value(u"kept"_s).toObject(), expected);
    QVERIFY(o.value(u"diagnostics"_s).isArray());
    QVERIFY(o.value(u"diagnostics"_s).toArray().isEmpty());
    QVERIFY(o.value(u"duplicates"_s).toArray().isEmpty());
    QVERIFY(o.value(u"skipped"_s).isObject());
    QVERIFY(o.value(u"notes"_s).isArray());

    // the text form carries the same counts
    const auto text = run({QStringLiteral("load"), QStringLiteral("--snapshot"), demoDir()});
    QCOMPARE(text.code, 0);
    QVERIFY(text.out.startsWith("Loaded 8 file(s), 327 document(s)\n"));
    QVERIFY(text.out.contains("  ClusterRole: 105\n"));
    QVERIFY(text.out.contains("  ServiceAccount: 83\n"));

    // a diagnostic in the JSON form: position and severity
    QTemporaryDir dir;
    QVERIFY(makeBrokenSnapshot(dir));
    const auto broken = jsonObject(run({QStringLiteral("load"), QStringLiteral("-o"), QStringLiteral("json"),
                                        QStringLiteral("--snapshot"), dir.path()})
                                       .out);
    const auto diags = broken.value(u"diagnostics"_s).toArray();
    QCOMPARE(diags.size(), 1);
    const auto d = diags[0].toObject();
    QCOMPARE(d.value(u"severity"_s).toString(), u"error"_s);
    QVERIFY(d.value(u"file"_s).toString().endsWith(u"bad.yaml"_s));
    QVERIFY(d.value(u"line"_s).toInt() >= 4);
    QCOMPARE(broken.value(u"files"_s).toInt(), 2);
    QCOMPARE(broken.value(u"kept"_s).toObject().value(u"RoleBinding"_s).toInt(), 8);
}

void TestCli::missingSnapshotFileIsAnInputError_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("input");
    const QStringList sa {QStringLiteral("--sa"), QStringLiteral("payments:deployer")};
    QTest::newRow("can-i") << (QStringList {QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("pods")} + sa)
                           << QByteArray();
    QTest::newRow("can-i --list") << (QStringList {QStringLiteral("can-i"), QStringLiteral("--list")} + sa) << QByteArray();
    QTest::newRow("who-can") << QStringList {QStringLiteral("who-can"), QStringLiteral("get"), QStringLiteral("pods")}
                             << QByteArray();
    QTest::newRow("review") << QStringList {QStringLiteral("review")}
                            << QByteArray(R"({"spec":{"user":"u","nonResourceAttributes":{"path":"/healthz","verb":"get"}}})"
                                          "\n");
    QTest::newRow("load") << QStringList {QStringLiteral("load")} << QByteArray();
}

// "Exit codes: 0 success / yes, 1 no (can-i), 2 usage or input error": a --snapshot path that does not exist is an
// input error (commands.h: kExitUsage = bad arguments, unreadable input). Answering "no" (exit 1) or an empty table
// (exit 0) from an empty snapshot is indistinguishable from a real answer.
void TestCli::missingSnapshotFileIsAnInputError()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, input);
    const QString missing = rbx::test::dataDir() + u"/no-such-snapshot.yaml"_s;
    const auto r = run(args + QStringList {QStringLiteral("--snapshot"), missing}, input);
    const QByteArray both = r.err + r.out; // load reports on stdout
    QVERIFY2(both.contains("no-such-snapshot.yaml"), r.err.constData());
    QCOMPARE(r.code, 2);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
