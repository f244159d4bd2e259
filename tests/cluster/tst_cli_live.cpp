// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of the live-cluster mode of the rbx binary: rbx runs as a child process against the in-process HTTPS
// fake API server (its own thread, so the test may block while rbx talks to it), which serves the demo snapshot. The
// kubeconfigs are written by the test, with the test CA as certificate-authority-data. Every command's stdout and
// stderr (and every file it writes) is checked for the credentials and the planted Secret payloads in cleanup(), and
// the server's request log for anything but GET (and, for crosscheck, SubjectAccessReview POSTs).
#include "models/analysis/policy.h"
#include "models/io/snapshotloader.h"

#include "democluster.h"
#include "testapiserver.h"
#include "testpki.h"
#include "jwttestutils.h"

#include <QDateTime>
#include "testutils.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <tuple>

using namespace rbx;
using rbx::test::authorizeSpec;
using rbx::test::Pki;
using rbx::test::TestApiServer;

namespace {

constexpr const char* kToken = "rbx-cli-bearer-5f0c1d9e7a2b4c6d";
constexpr const char* kExecToken = "rbx-cli-exec-token-8e3a71c2d4f6";
constexpr const char* kStaleToken = "rbx-cli-revoked-token-0b9d2e4f";
constexpr const char* kPassword = "rbx-cli-basic-pa55w0rd-71f3";
constexpr const char* kBasicUser = "admin";
constexpr const char* kReviewPath = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

struct Result
{
    int code = -1; // -1: did not start, crashed or timed out
    QByteArray out;
    QByteArray err;

    // For a failed check: the exit code and what rbx said on stderr.
    [[nodiscard]] const char* why() const
    {
        m_why = "exit code " + QByteArray::number(code) + ", stderr:\n" + err;
        return m_why.constData();
    }

private:
    mutable QByteArray m_why;
};

QString rbxPath()
{
    return QStringLiteral(RBX_BINARY_DIR "/app/rbx");
}

QString demoDir()
{
    return QStringLiteral(RBX_SOURCE_DIR "/resources/demo");
}

QStringList demo()
{
    return {QStringLiteral("--snapshot"), demoDir()};
}

// "can-i create pods" -> {"can-i", "create", "pods"}
QStringList words(const char* text)
{
    return QString::fromUtf8(text).split(u' ', Qt::SkipEmptyParts);
}

QJsonObject jsonObject(const QByteArray& text)
{
    return QJsonDocument::fromJson(text).object();
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool isCreatePodsInKubeSystem(const QJsonObject& spec)
{
    const auto ra = spec.value(QStringLiteral("resourceAttributes")).toObject();
    return ra.value(QStringLiteral("verb")).toString() == QLatin1String("create")
        && ra.value(QStringLiteral("resource")).toString() == QLatin1String("pods")
        && ra.value(QStringLiteral("subresource")).toString().isEmpty()
        && ra.value(QStringLiteral("namespace")).toString() == QLatin1String("kube-system");
}

} // namespace

class TestCliLive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokenInspectUsesTheClusterKeys();
    void initTestCase();
    void init();
    void cleanup();

    void snapshotLoadsToTheSameCounts_data();
    void snapshotLoadsToTheSameCounts();
    void failedPullWritesNothing_data();
    void failedPullWritesNothing();
    void canIAnswersAsTheSnapshot_data();
    void canIAnswersAsTheSnapshot();
    void whoCanAnswersAsTheSnapshot();
    void kubeconfigEnvMergesFirstWins();
    void contextsTable();
    void contextsJson();
    void crosscheckAgrees();
    void crosscheckDisagreesOnce();
    void partialAccessWarnsAndStillAnswers();
    void execPluginUser();
    void insecureSkipTlsVerifyWarnsLoudly();
    void secretHygiene_data();
    void secretHygiene();

private:
    Result run(const QStringList& args, const QStringList& kubeconfigs = {}, const QByteArray& input = {});
    void writeKubeconfig();
    QByteArray kubeconfigFor(const QByteArray& currentContext, const QByteArray& clusters, const QByteArray& users,
                             const QByteArray& contexts) const;
    QByteArray cluster(const char* name, const QByteArray& caPem = {}, bool insecure = false) const;
    QList<QByteArray> secrets() const;
    void checkNoSecrets(const QByteArray& text, const QString& where);
    void checkNoSecretsInFiles(const QString& dir);
    QStringList requestProblems(bool allowReviews) const;

    Pki m_pki;
    std::shared_ptr<const Snapshot> m_demo;
    std::shared_ptr<const Policy> m_demoPolicy;
    std::unique_ptr<TestApiServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir; // per test function
    QString m_kubeconfig; // the main kubeconfig: one context per auth method and failure
    QString m_execScript;
    QString m_execRuns; // the exec plugin appends a line here each time it runs
    QList<QPair<QString, QByteArray>> m_outputs; // every stdout/stderr of this test function, checked in cleanup()
    bool m_crosscheckRan = false; // then SubjectAccessReview POSTs are expected too
};

void TestCliLive::tokenInspectUsesTheClusterKeys()
{
    // The cluster's /openid/v1/jwks and discovery document verify a token without --jwks.
    const auto key = test::rsaKey();
    const auto kid = test::kubernetesKid(key.get());
    const QString issuer = QStringLiteral("https://kubernetes.default.svc.cluster.local");
    m_server->addObject(QStringLiteral("/openid/v1/jwks"),
                        QJsonDocument::fromJson(test::jwks({test::jwkOf(key.get(), kid, "RS256")})).object());
    m_server->addObject(QStringLiteral("/.well-known/openid-configuration"),
                        QJsonObject {{QStringLiteral("issuer"), issuer},
                                     {QStringLiteral("jwks_uri"), QString(issuer + QStringLiteral("/openid/v1/jwks"))},
                                     {QStringLiteral("id_token_signing_alg_values_supported"),
                                      QJsonArray {QStringLiteral("RS256")}}});
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto token = test::signJwt(key.get(), "RS256",
                                    test::boundClaims(now - 60, 3600, QStringLiteral("payments"), QStringLiteral("deployer"),
                                                     QStringLiteral("sa-uid"), QStringLiteral("deployer-0"),
                                                     QStringLiteral("pod-uid"), issuer, {QStringLiteral("vault")}),
                                    kid);
    const auto ok = run(words("token inspect - --context demo"), {}, QByteArray::fromStdString(token));
    QVERIFY2(ok.code == 0, ok.why());
    // Signed by another key: the cluster's keys reject it.
    const auto other = test::rsaKey();
    const auto forged = test::signJwt(other.get(), "RS256",
                                     test::boundClaims(now - 60, 3600, QStringLiteral("payments"), QStringLiteral("deployer"),
                                                      QStringLiteral("sa-uid"), QStringLiteral("deployer-0"),
                                                      QStringLiteral("pod-uid"), issuer, {QStringLiteral("vault")}),
                                     kid);
    const auto bad = run(words("token inspect - --context demo"), {}, QByteArray::fromStdString(forged));
    QCOMPARE(bad.code, 1);
    QVERIFY(!bad.out.contains(QByteArray::fromStdString(forged)));
    QVERIFY(!ok.out.contains(QByteArray::fromStdString(token)));
}

void TestCliLive::initTestCase()
{
    QVERIFY2(QFileInfo(rbxPath()).isExecutable(), qPrintable(rbxPath()));
    m_pki = Pki::generate(QStringLiteral("jane"), {QStringLiteral("reviewers")});
    m_demo = io::loadSnapshot({demoDir().toStdString()});
    QVERIFY(m_demo->objectCount() > 300);
    m_demoPolicy = std::make_shared<Policy>(m_demo);
}

void TestCliLive::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_outputs.clear();
    m_crosscheckRan = false;
    m_server = std::make_unique<TestApiServer>(m_pki);
    m_server->acceptBearer(kToken, QStringLiteral("jane"), {QStringLiteral("reviewers")});
    m_server->acceptBearer(kExecToken, QStringLiteral("exec-jane"), {QStringLiteral("reviewers")});
    m_server->acceptBasic(kBasicUser, kPassword, QStringLiteral("basic-admin"));
    m_server->setRequireClientCert(true); // asks for a certificate; bearer and basic still authenticate without one
    test::serveDemo(*m_server, *m_demo);
    QVERIFY(m_server->start() > 0);
    writeKubeconfig();
}

void TestCliLive::cleanup()
{
    // Whatever the test did: no credential and no Secret payload in any output, and nothing but reads went out.
    for (const auto& [where, text] : std::as_const(m_outputs))
        checkNoSecrets(text, where);
    if (!m_server)
        return; // init() failed
    const auto problems = requestProblems(m_crosscheckRan);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    m_server.reset();
    m_dir.reset();
}

// The server's request log: only GET, plus (when allowed) POST of SubjectAccessReviews.
QStringList TestCliLive::requestProblems(bool allowReviews) const
{
    QStringList problems;
    for (const auto& q : m_server->requests()) {
        if (q.method == "GET")
            continue;
        if (allowReviews && q.method == "POST" && q.path == QLatin1String(kReviewPath))
            continue;
        problems << QString::fromLatin1(q.method) + u' ' + q.path;
    }
    return problems;
}

QByteArray TestCliLive::cluster(const char* name, const QByteArray& caPem, bool insecure) const
{
    QByteArray y = QByteArray("- name: ") + name + "\n  cluster:\n    server: " + m_server->url().toUtf8() + '\n';
    if (!caPem.isEmpty())
        y += "    certificate-authority-data: " + caPem.toBase64() + '\n';
    if (insecure)
        y += "    insecure-skip-tls-verify: true\n";
    return y;
}

QByteArray TestCliLive::kubeconfigFor(const QByteArray& currentContext, const QByteArray& clusters,
                                      const QByteArray& users, const QByteArray& contexts) const
{
    QByteArray y = "apiVersion: v1\nkind: Config\n";
    if (!currentContext.isEmpty())
        y += "current-context: " + currentContext + '\n';
    return y + "clusters:\n" + clusters + "users:\n" + users + "contexts:\n" + contexts;
}

void TestCliLive::writeKubeconfig()
{
    m_execRuns = m_dir->filePath(QStringLiteral("exec-runs"));
    m_execScript = m_dir->filePath(QStringLiteral("credential-plugin.sh"));
    QVERIFY(test::writeFile(m_execScript,
                            "#!/bin/sh\necho run >> '" + m_execRuns.toUtf8()
                                + "'\ncat <<'EOF'\n{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                                  "\"kind\":\"ExecCredential\",\"status\":{\"token\":\""
                                + kExecToken + "\"}}\nEOF\n"));
    QFile::setPermissions(m_execScript, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);

    const QByteArray clusters = cluster("demo", m_pki.caCertPem) + cluster("other-ca", m_pki.otherCaCertPem)
        + cluster("insecure", {}, true);
    const QByteArray users = QByteArray("- name: jane\n  user:\n    token: ") + kToken + '\n'
        + "- name: basic\n  user:\n    username: " + kBasicUser + "\n    password: " + kPassword + '\n'
        + "- name: cert\n  user:\n    client-certificate-data: " + m_pki.clientCertPem.toBase64()
        + "\n    client-key-data: " + m_pki.clientKeyPem.toBase64() + '\n'
        + "- name: exec\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: '"
        + m_execScript.toUtf8() + "'\n      interactiveMode: Never\n"
        + "- name: revoked\n  user:\n    token: " + kStaleToken + '\n';
    QByteArray contexts;
    for (const auto& [name, clusterName, user] :
         {std::tuple {"demo", "demo", "jane"}, std::tuple {"basic", "demo", "basic"}, std::tuple {"cert", "demo", "cert"},
          std::tuple {"exec", "demo", "exec"}, std::tuple {"wrong-token", "demo", "revoked"},
          std::tuple {"unknown-ca", "other-ca", "jane"}, std::tuple {"insecure", "insecure", "jane"}})
        contexts += QByteArray("- name: ") + name + "\n  context:\n    cluster: " + clusterName + "\n    user: " + user
            + '\n';
    m_kubeconfig = m_dir->filePath(QStringLiteral("kubeconfig"));
    QVERIFY(test::writeFile(m_kubeconfig, kubeconfigFor("demo", clusters, users, contexts)));
}

// Runs rbx with HOME in the test's folder (no ~/.kube/config of the machine) and KUBECONFIG set to `kubeconfigs`
// (the main kubeconfig when empty).
Result TestCliLive::run(const QStringList& args, const QStringList& kubeconfigs, const QByteArray& input)
{
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_dir->path());
    // Under ASan: OpenSSL's own exit-time state is not ours to report (see the file), and the report of what was
    // suppressed must not end up in the stderr the tests check. Without ASan these variables do nothing.
    auto append = [&env](const QString& option) {
        const auto value = env.value(QStringLiteral("LSAN_OPTIONS"));
        if (!value.contains(option.section(u'=', 0, 0) + u'='))
            env.insert(QStringLiteral("LSAN_OPTIONS"), value.isEmpty() ? option : QString(value + u':' + option));
    };
    append(QStringLiteral("suppressions=" RBX_SOURCE_DIR "/tests/cluster/lsan-openssl.supp"));
    append(QStringLiteral("print_suppressions=0"));
    env.insert(QStringLiteral("KUBECONFIG"), kubeconfigs.isEmpty() ? m_kubeconfig : kubeconfigs.join(u':'));
    p.setProcessEnvironment(env);
    p.setProgram(rbxPath());
    p.setArguments(args);
    const auto o = test::runProcess(p, input);
    Result r;
    r.code = o.code;
    r.out = o.out;
    r.err = o.err;
    const QString command = QStringLiteral("rbx ") + args.join(u' ');
    m_outputs.append({command + QStringLiteral(" (stdout)"), r.out});
    m_outputs.append({command + QStringLiteral(" (stderr)"), r.err});
    m_crosscheckRan = m_crosscheckRan || args.value(0) == QLatin1String("crosscheck");
    return r;
}

// Everything that must never be printed or saved: the credentials of the kubeconfig (as written there and as
// decoded), what the exec plugin hands out, and the Secret payloads the server holds.
QList<QByteArray> TestCliLive::secrets() const
{
    QList<QByteArray> s {kToken, kExecToken, kStaleToken, kPassword, test::kPlantedSecret, test::kPlantedSecretValue,
                         m_pki.clientKeyPem.toBase64(), QByteArray(kBasicUser) + ':' + kPassword,
                         QByteArray(QByteArray(kBasicUser) + ':' + kPassword).toBase64()};
    for (const auto& line : m_pki.clientKeyPem.split('\n'))
        if (!line.startsWith("-----") && line.size() >= 16)
            s << line; // each line of the key's base64 body
    return s;
}

void TestCliLive::checkNoSecrets(const QByteArray& text, const QString& where)
{
    for (const auto& secret : secrets())
        QVERIFY2(!text.contains(secret), qPrintable(where + QStringLiteral(" contains the secret ")
                                                    + QString::fromLatin1(secret.left(12)) + QStringLiteral("...")));
}

void TestCliLive::checkNoSecretsInFiles(const QString& dir)
{
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    int n = 0;
    while (it.hasNext()) {
        const auto path = it.next();
        if (path == m_kubeconfig || path == m_execScript)
            continue; // the credentials' own home
        ++n;
        checkNoSecrets(readAll(path), path);
    }
    QVERIFY2(n > 0, "the command wrote something to check");
}

void TestCliLive::snapshotLoadsToTheSameCounts_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("json") << QStringLiteral("out.json");
    QTest::newRow("yaml.gz") << QStringLiteral("out.yaml.gz");
}

void TestCliLive::snapshotLoadsToTheSameCounts()
{
    QFETCH(QString, file);
    const auto path = m_dir->filePath(file);
    const auto saved = run(words("snapshot -o") << path << QStringLiteral("--kubeconfig") << m_kubeconfig);
    QVERIFY2(saved.code == 0, saved.why());
    QVERIFY(saved.out.isEmpty());
    QVERIFY2(saved.err.startsWith(QByteArray("wrote " + path.toUtf8() + ": ")), saved.err.constData());
    QVERIFY2(saved.err.contains("Kubernetes v1.31.4"), saved.err.constData());
    QVERIFY2(!saved.err.contains("incomplete"), saved.err.constData());
    const auto bytes = readAll(path);
    if (file.endsWith(QLatin1String(".gz")))
        QVERIFY(bytes.startsWith("\x1f\x8b")); // gzip
    else
        QVERIFY(jsonObject(bytes).value(QStringLiteral("kind")) == QStringLiteral("List"));

    const auto fromFile = run(words("load --strict -o json --snapshot") << path);
    QVERIFY2(fromFile.code == 0, fromFile.why());
    QVERIFY2(fromFile.err.isEmpty(), fromFile.err.constData());
    const auto live = run(words("load -o json --kubeconfig") << m_kubeconfig);
    QVERIFY2(live.code == 0, live.why());
    QVERIFY2(live.err.isEmpty(), live.err.constData());
    const auto a = jsonObject(fromFile.out);
    const auto b = jsonObject(live.out);
    auto kept = a.value(QStringLiteral("kept")).toObject();
    auto keptLive = b.value(QStringLiteral("kept")).toObject();
    QVERIFY(!kept.isEmpty());
    // Discovery counts per APIResourceList: the pull's two documents are two items of one List in the file.
    QCOMPARE(keptLive.value(QStringLiteral("APIResourceList")).toInt(), 2);
    QCOMPARE(kept, keptLive);
    QCOMPARE(a.value(QStringLiteral("skipped")).toObject(), b.value(QStringLiteral("skipped")).toObject());
    QCOMPARE(a.value(QStringLiteral("diagnostics")).toArray().size(), 0);
    // The demo's ServiceAccounts, RBAC objects and token Secrets all made it (the fake cluster serves only those).
    QCOMPARE(kept.value(QStringLiteral("ServiceAccount")).toInt(), static_cast<int>(m_demo->serviceAccounts.size()));
    QCOMPARE(kept.value(QStringLiteral("RoleBinding")).toInt() + kept.value(QStringLiteral("ClusterRoleBinding")).toInt(),
             static_cast<int>(m_demo->bindings.size()));
    QVERIFY(kept.value(QStringLiteral("Secret")).toInt() > 0);
    checkNoSecrets(bytes, path);
}

void TestCliLive::failedPullWritesNothing_data()
{
    QTest::addColumn<QString>("context");
    QTest::addColumn<QString>("expected");
    QTest::newRow("wrong token: 401") << QStringLiteral("wrong-token") << QStringLiteral("401 Unauthorized");
    QTest::newRow("unknown CA") << QStringLiteral("unknown-ca")
                                << QStringLiteral("not signed by a known certificate authority");
    QTest::newRow("server stopped") << QStringLiteral("demo") << QStringLiteral("connection refused");
}

void TestCliLive::failedPullWritesNothing()
{
    QFETCH(QString, context);
    QFETCH(QString, expected);
    if (qstrcmp(QTest::currentDataTag(), "server stopped") == 0)
        m_server->stop();
    const auto path = m_dir->filePath(QStringLiteral("pulled.json"));
    const auto args = words("snapshot --context") << context << QStringLiteral("-o") << path;
    auto check = [&](const Result& r) {
        QVERIFY2(r.code == 2, r.why());
        QVERIFY(r.out.isEmpty());
        const auto text = QString::fromUtf8(r.err);
        // One plain message that names the context and says what went wrong.
        QVERIFY2(text.startsWith(QStringLiteral("rbx: ") + context + QStringLiteral(": ")), qPrintable(text));
        QVERIFY2(text.contains(expected), qPrintable(text));
        QVERIFY2(text.trimmed().count(u'\n') == 0, qPrintable(text));
        QVERIFY2(!text.contains(QLatin1String("wrote")), qPrintable(text));
    };
    check(run(args));
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(!QFileInfo::exists(path), "a failed pull writes no file");
    QCOMPARE(QDir(m_dir->path()).entryList({QStringLiteral("pulled*")}, QDir::Files | QDir::Hidden).size(), 0);

    // An existing file at that path is left as it was.
    const QByteArray before = "{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":[]}\n";
    QVERIFY(test::writeFile(path, before));
    check(run(args));
    QCOMPARE(readAll(path), before);
    QCOMPARE(QDir(m_dir->path()).entryList({QStringLiteral("pulled*")}, QDir::Files | QDir::Hidden).size(), 1);
}

void TestCliLive::canIAnswersAsTheSnapshot_data()
{
    QTest::addColumn<QStringList>("question");
    QTest::addColumn<int>("code");
    QTest::newRow("create pods -n kube-system: yes") << words("create pods -n kube-system --sa payments:deployer") << 0;
    QTest::newRow("delete nodes: no") << words("delete nodes --sa payments:deployer") << 1;
    QTest::newRow("get secrets -n payments (aggregated): yes")
        << words("get secrets -n payments --sa payments:payments-operator") << 0;
}

void TestCliLive::canIAnswersAsTheSnapshot()
{
    QFETCH(QStringList, question);
    QFETCH(int, code);
    const auto offline = run(words("can-i") + question + demo());
    const auto live = run(words("can-i") + question + words("--context demo"));
    QCOMPARE(offline.code, code);
    QCOMPARE(live.code, offline.code);
    QCOMPARE(live.out, offline.out);
    QVERIFY2(live.err.isEmpty(), live.err.constData());
    QVERIFY(!m_server->requests().isEmpty());
}

void TestCliLive::whoCanAnswersAsTheSnapshot()
{
    const auto question = words("who-can create pods/exec -n payments");
    const auto offline = run(question + demo());
    const auto live = run(question + words("--context demo"));
    QVERIFY2(offline.code == 0, offline.why());
    QVERIFY2(live.code == 0, live.why());
    QVERIFY(offline.out.count('\n') > 3);
    QCOMPARE(live.out, offline.out);
    QVERIFY2(live.err.isEmpty(), live.err.constData());

    const auto json = words("who-can get secrets -A -o json");
    const auto offlineJson = run(json + demo());
    const auto liveJson = run(json + words("--context demo"));
    QVERIFY2(offlineJson.code == 0, offlineJson.why());
    QVERIFY2(liveJson.code == 0, liveJson.why());
    QVERIFY(jsonObject(offlineJson.out).value(QStringLiteral("subjects")).toArray().size() > 5);
    QCOMPARE(jsonObject(liveJson.out), jsonObject(offlineJson.out));
}

void TestCliLive::kubeconfigEnvMergesFirstWins()
{
    // a: current-context "shared" with a good token. b: its own "shared" context, cluster and user (a revoked token),
    // a current-context of its own, and "only-b" with basic auth. kubectl's rule: the first file to name an entry
    // wins it whole.
    const QByteArray clusterA = cluster("shared", m_pki.caCertPem);
    const QByteArray clusterB = cluster("shared", m_pki.caCertPem) + cluster("b", m_pki.caCertPem);
    const auto a = m_dir->filePath(QStringLiteral("a.yaml"));
    const auto b = m_dir->filePath(QStringLiteral("b.yaml"));
    QVERIFY(test::writeFile(a, kubeconfigFor("shared", clusterA,
                                             QByteArray("- name: shared\n  user:\n    token: ") + kToken + '\n',
                                             "- name: shared\n  context: {cluster: shared, user: shared}\n")));
    QVERIFY(test::writeFile(
        b, kubeconfigFor("only-b", clusterB,
                         QByteArray("- name: shared\n  user:\n    token: ") + kStaleToken + "\n- name: b-user\n  user:\n"
                             + "    username: " + kBasicUser + "\n    password: " + kPassword + '\n',
                         "- name: shared\n  context: {cluster: b, user: shared, namespace: from-b}\n"
                         "- name: only-b\n  context: {cluster: b, user: b-user}\n")));
    auto users = [this] {
        QSet<QString> u;
        for (const auto& q : m_server->requests())
            u << q.user;
        m_server->clearRequests();
        return u;
    };

    const auto current = run(words("load --live"), {a, b});
    QVERIFY2(current.code == 0, current.why());
    QCOMPARE(users(), QSet<QString> {QStringLiteral("jane")}); // a's current-context, a's user
    QVERIFY2(current.out.contains("pulled from context shared (cluster shared at"), current.out.constData());

    const auto shared = run(words("load --context shared"), {a, b});
    QVERIFY2(shared.code == 0, shared.why());
    QCOMPARE(users(), QSet<QString> {QStringLiteral("jane")});

    const auto onlyB = run(words("load --context only-b"), {a, b});
    QVERIFY2(onlyB.code == 0, onlyB.why());
    QCOMPARE(users(), QSet<QString> {QStringLiteral("basic-admin")});

    // The other order: b's "shared" wins, with its revoked token.
    const auto reversed = run(words("load --context shared"), {b, a});
    QVERIFY2(reversed.code == 2, reversed.why());
    QVERIFY2(reversed.err.contains("401"), reversed.err.constData());
    QCOMPARE(users(), QSet<QString> {QString()}); // rejected, authenticated as nobody

    const auto contexts = run(words("contexts -o json"), {a, b});
    QVERIFY2(contexts.code == 0, contexts.why());
    const auto list = QJsonDocument::fromJson(contexts.out).array();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list[0].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("shared"));
    QCOMPARE(list[0].toObject().value(QStringLiteral("file")).toString(), a);
    QCOMPARE(list[0].toObject().value(QStringLiteral("namespace")).toString(), QString()); // a's, whole
    QVERIFY(list[0].toObject().value(QStringLiteral("current")).toBool());
    QCOMPARE(list[1].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("only-b"));
    QCOMPARE(list[1].toObject().value(QStringLiteral("file")).toString(), b);
    QVERIFY(!list[1].toObject().value(QStringLiteral("current")).toBool());
    QVERIFY(m_server->requests().isEmpty()); // listing contexts talks to no server
}

void TestCliLive::contextsTable()
{
    const auto r = run({QStringLiteral("contexts"), QStringLiteral("--kubeconfig"), m_kubeconfig});
    QVERIFY2(r.code == 0, r.why());
    QVERIFY2(r.err.isEmpty(), r.err.constData());
    const auto lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 8);
    QVERIFY(lines[0].startsWith(QLatin1String("CURRENT   NAME")));
    for (const char* column : {"CLUSTER", "AUTHINFO", "NAMESPACE", "AUTH"})
        QVERIFY(lines[0].contains(QLatin1String(column)));
    QMap<QString, QString> rows;
    int current = 0;
    for (const auto& line : lines.mid(1)) {
        const auto cells = line.split(u' ', Qt::SkipEmptyParts);
        if (line.startsWith(u'*')) {
            ++current;
            QCOMPARE(cells.value(1), QStringLiteral("demo"));
            rows[cells.value(1)] = line;
        } else {
            rows[cells.value(0)] = line;
        }
    }
    QCOMPARE(current, 1);
    QCOMPARE(rows.size(), 7);
    QVERIFY(rows[QStringLiteral("demo")].endsWith(QLatin1String("   token")));
    QVERIFY(rows[QStringLiteral("basic")].endsWith(QLatin1String("basic auth")));
    QVERIFY(rows[QStringLiteral("cert")].endsWith(QLatin1String("client certificate")));
    QVERIFY(rows[QStringLiteral("exec")].endsWith(QStringLiteral("exec ") + m_execScript));
    QVERIFY(rows[QStringLiteral("unknown-ca")].contains(QLatin1String("other-ca")));
    QVERIFY(!QFileInfo::exists(m_execRuns)); // listing never runs a credential plugin
    QVERIFY(m_server->requests().isEmpty());
}

void TestCliLive::contextsJson()
{
    const auto r = run(words("contexts -o json"));
    QVERIFY2(r.code == 0, r.why());
    const auto list = QJsonDocument::fromJson(r.out).array();
    QCOMPARE(list.size(), 7);
    QStringList current;
    QMap<QString, QJsonObject> byName;
    for (const auto& v : list) {
        const auto o = v.toObject();
        byName[o.value(QStringLiteral("name")).toString()] = o;
        if (o.value(QStringLiteral("current")).toBool())
            current << o.value(QStringLiteral("name")).toString();
        for (const char* key : {"name", "current", "cluster", "server", "user", "namespace", "auth", "file"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        QCOMPARE(o.size(), 8); // nothing more: no credential field
        QCOMPARE(o.value(QStringLiteral("file")).toString(), m_kubeconfig);
    }
    QCOMPARE(current, QStringList {QStringLiteral("demo")});
    QCOMPARE(byName[QStringLiteral("demo")].value(QStringLiteral("server")).toString(), m_server->url());
    QCOMPARE(byName[QStringLiteral("demo")].value(QStringLiteral("auth")).toString(), QStringLiteral("token"));
    QCOMPARE(byName[QStringLiteral("basic")].value(QStringLiteral("auth")).toString(), QStringLiteral("basic auth"));
    QCOMPARE(byName[QStringLiteral("cert")].value(QStringLiteral("auth")).toString(),
             QStringLiteral("client certificate"));
    QCOMPARE(byName[QStringLiteral("exec")].value(QStringLiteral("auth")).toString(),
             QStringLiteral("exec ") + m_execScript);
    QCOMPARE(byName[QStringLiteral("insecure")].value(QStringLiteral("cluster")).toString(), QStringLiteral("insecure"));
    QVERIFY(!QFileInfo::exists(m_execRuns));
    QVERIFY(m_server->requests().isEmpty());
}

void TestCliLive::crosscheckAgrees()
{
    const auto policy = m_demoPolicy;
    m_server->setAccessReviewHandler(
        [policy](const QJsonObject& spec, QString* reason) { return authorizeSpec(*policy, spec, reason); });
    const auto r = run(words("crosscheck --sa payments:deployer -n kube-system --samples 40 --kubeconfig")
                       << m_kubeconfig);
    QVERIFY2(r.code == 0, r.why());
    QCOMPARE(r.out, QByteArray("40 requests compared for system:serviceaccount:payments:deployer: 0 disagreement(s), "
                               "0 failed review(s)\n"));
    int posts = 0;
    int gets = 0;
    for (const auto& q : m_server->requests()) {
        if (q.method == "POST") {
            ++posts;
            QCOMPARE(q.path, QLatin1String(kReviewPath));
            const auto spec = jsonObject(q.body).value(QStringLiteral("spec")).toObject();
            QCOMPARE(spec.value(QStringLiteral("user")).toString(),
                     QStringLiteral("system:serviceaccount:payments:deployer"));
        } else {
            QCOMPARE(q.method, QByteArray("GET"));
            ++gets;
        }
    }
    QCOMPARE(posts, 40);
    QVERIFY(gets > 10);
}

void TestCliLive::crosscheckDisagreesOnce()
{
    // The server denies one request RBAC allows (a deny webhook, or drift): exactly that one is reported.
    const auto policy = m_demoPolicy;
    m_server->setAccessReviewHandler([policy](const QJsonObject& spec, QString* reason) {
        if (isCreatePodsInKubeSystem(spec)) {
            *reason = QStringLiteral("denied by the admission-policy webhook");
            return false;
        }
        return authorizeSpec(*policy, spec, reason);
    });
    const auto args = words("crosscheck --sa payments:deployer -n kube-system --samples 40 --context demo");
    const auto r = run(args);
    QVERIFY2(r.code == 1, r.why());
    const auto lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QVERIFY2(lines[0].startsWith(QLatin1String("REQUEST")) && lines[0].contains(QLatin1String("SERVER REASON")),
             qPrintable(lines[0]));
    const auto cells = lines[1].split(QStringLiteral("   "), Qt::SkipEmptyParts);
    QCOMPARE(cells.value(0).trimmed(), QStringLiteral("create pods -n kube-system"));
    QCOMPARE(cells.value(1).trimmed(), QStringLiteral("yes"));
    QCOMPARE(cells.value(2).trimmed(), QStringLiteral("no"));
    QCOMPARE(cells.value(3).trimmed(), QStringLiteral("denied by the admission-policy webhook"));
    QCOMPARE(lines[2], QStringLiteral("40 requests compared for system:serviceaccount:payments:deployer: "
                                      "1 disagreement(s), 0 failed review(s)"));

    const auto json = run(args + words("-o json"));
    QVERIFY2(json.code == 1, json.why());
    const auto o = jsonObject(json.out);
    QCOMPARE(o.value(QStringLiteral("disagreements")).toInt(), 1);
    QCOMPARE(o.value(QStringLiteral("samples")).toInt(), 40);
    QCOMPARE(o.value(QStringLiteral("context")).toString(), QStringLiteral("demo"));
    int disagreeing = 0;
    for (const auto& v : o.value(QStringLiteral("results")).toArray())
        if (!v.toObject().value(QStringLiteral("agree")).toBool()) {
            ++disagreeing;
            QCOMPARE(v.toObject().value(QStringLiteral("request")).toString(),
                     QStringLiteral("create pods -n kube-system"));
            QVERIFY(v.toObject().value(QStringLiteral("ours")).toBool());
            QVERIFY(!v.toObject().value(QStringLiteral("server")).toBool());
        }
    QCOMPARE(disagreeing, 1);
}

void TestCliLive::partialAccessWarnsAndStillAnswers()
{
    m_server->forbid(QStringLiteral("/api/v1/pods"));
    for (const auto& ns : m_demo->namespaces)
        m_server->forbid(QStringLiteral("/api/v1/namespaces/%1/pods").arg(QString::fromStdString(ns.meta.name)));
    const auto question = words("can-i create pods -n kube-system --sa payments:deployer --kubeconfig") << m_kubeconfig;
    const auto r = run(question);
    QVERIFY2(r.code == 0, r.why());
    QCOMPARE(r.out, QByteArray("yes\n"));
    QVERIFY2(r.err.contains("rbx: warning: pods: forbidden"), r.err.constData());
    QVERIFY2(r.err.contains("who runs as which ServiceAccount"), r.err.constData()); // what it means
    QVERIFY2(!r.err.contains("secrets"), r.err.constData()); // only what was actually missing

    const auto strict = run(question + words("--strict"));
    QVERIFY2(strict.code == 2, strict.why());
    QVERIFY(strict.out.isEmpty());
    QVERIFY2(strict.err.contains("rbx: warning: pods: forbidden"), strict.err.constData());
    QVERIFY2(strict.err.contains("could not be read in full and --strict is set"), strict.err.constData());

    // rbx snapshot saves what could be read and says it is incomplete; --strict saves nothing.
    const auto path = m_dir->filePath(QStringLiteral("partial.json"));
    const auto saved = run(words("snapshot --context demo -o") << path);
    QVERIFY2(saved.code == 0, saved.why());
    QVERIFY2(saved.err.contains("(incomplete: see the warnings above)"), saved.err.constData());
    QVERIFY(QFileInfo::exists(path));
    const auto strictPath = m_dir->filePath(QStringLiteral("strict.json"));
    const auto refused = run(words("snapshot --strict --context demo -o") << strictPath);
    QVERIFY2(refused.code == 2, refused.why());
    QVERIFY(!QFileInfo::exists(strictPath));
}

void TestCliLive::execPluginUser()
{
    const auto r = run(words("load --context exec -o json"));
    QVERIFY2(r.code == 0, r.why());
    QVERIFY2(r.err.isEmpty(), r.err.constData());
    QVERIFY(jsonObject(r.out).value(QStringLiteral("kept")).toObject().value(QStringLiteral("ServiceAccount")).toInt()
            > 50);
    const auto requests = m_server->requests();
    QVERIFY(requests.size() > 10);
    for (const auto& q : requests) {
        QCOMPARE(q.user, QStringLiteral("exec-jane"));
        QCOMPARE(q.authorization, QByteArray("Bearer ") + kExecToken);
    }
    QCOMPARE(readAll(m_execRuns), QByteArray("run\n")); // run once, its credential cached for the whole pull

    const auto canI = run(words("can-i create pods -n kube-system --sa payments:deployer --context exec"));
    QVERIFY2(canI.code == 0, canI.why());
    QCOMPARE(canI.out, QByteArray("yes\n"));

    // A cross-check is one command too: its reviews could reuse the pull's credential.
    QVERIFY(QFile::remove(m_execRuns));
    const auto crosscheck = run(words("crosscheck --samples 5 --sa payments:deployer --context exec"));
    QVERIFY2(crosscheck.code == 0 || crosscheck.code == 1, crosscheck.why());
    QCOMPARE(readAll(m_execRuns), QByteArray("run\n"));
}

void TestCliLive::insecureSkipTlsVerifyWarnsLoudly()
{
    const auto r = run(words("load --context insecure"));
    QVERIFY2(r.code == 0, r.why());
    const auto text = QString::fromUtf8(r.err);
    QVERIFY2(text.contains(QLatin1String("WARNING: cluster \"insecure\" sets insecure-skip-tls-verify")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("NOT verified")), qPrintable(text));
    QCOMPARE(text.count(QLatin1String("WARNING")), 1);
    const auto crosscheck = run(words("crosscheck --sa payments:deployer --samples 5 --context insecure"));
    QVERIFY2(crosscheck.code == 0 || crosscheck.code == 1, crosscheck.why());
    QVERIFY2(crosscheck.err.contains("WARNING: cluster \"insecure\" sets insecure-skip-tls-verify"),
             crosscheck.err.constData());
    QCOMPARE(crosscheck.err.count("WARNING"), 1);
    // A verified context says nothing of the kind.
    const auto verified = run(words("load --context demo"));
    QVERIFY2(verified.code == 0, verified.why());
    QVERIFY(!verified.err.contains("WARNING"));
}

void TestCliLive::secretHygiene_data()
{
    QTest::addColumn<QString>("context");
    QTest::addColumn<QStringList>("args"); // @DIR@: a folder of the test's; @DEMO@: resources/demo
    QTest::addColumn<QByteArray>("input");
    const QByteArray review = R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{)"
                              R"("user":"system:serviceaccount:payments:deployer","resourceAttributes":{)"
                              R"("namespace":"kube-system","verb":"create","resource":"pods"}}})"
                              "\n";
    // Every command that reads a cluster, with the token user...
    for (const char* command :
         {"load", "load -o json", "snapshot -o @DIR@/s.json", "snapshot -o @DIR@/s.yaml",
          "can-i create pods -n kube-system --why --sa payments:deployer",
          "can-i --list -A -o json --sa payments:deployer", "who-can get secrets -A -o json",
          "matrix -o json --sa payments:deployer", "review", "tokens -o json", "findings -o json", "findings -o sarif",
          "remediate --all -o @DIR@/fixes", "diff --against @DEMO@ -o json --sa payments:deployer", "contexts",
          "contexts -o json", "crosscheck --samples 20 -o json --sa payments:deployer"})
        QTest::addRow("%s", command) << QStringLiteral("demo") << words(command)
                                     << (qstrcmp(command, "review") == 0 ? review : QByteArray());
    // ... and the pulls and cross-checks with every other way to authenticate, and the failures.
    for (const char* context : {"basic", "cert", "exec"}) {
        QTest::addRow("snapshot, %s", context) << QString::fromLatin1(context) << words("snapshot -o @DIR@/s.json")
                                               << QByteArray();
        QTest::addRow("crosscheck, %s", context)
            << QString::fromLatin1(context) << words("crosscheck --samples 20 --sa payments:deployer") << QByteArray();
    }
    for (const char* context : {"wrong-token", "unknown-ca"})
        QTest::addRow("snapshot, %s", context) << QString::fromLatin1(context) << words("snapshot -o @DIR@/s.json")
                                               << QByteArray();
}

void TestCliLive::secretHygiene()
{
    QFETCH(QString, context);
    QFETCH(QStringList, args);
    QFETCH(QByteArray, input);
    const auto policy = m_demoPolicy;
    m_server->setAccessReviewHandler(
        [policy](const QJsonObject& spec, QString* reason) { return authorizeSpec(*policy, spec, reason); });
    const QString out = m_dir->filePath(QStringLiteral("out"));
    QVERIFY(QDir().mkpath(out));
    for (auto& a : args)
        a.replace(QLatin1String("@DIR@"), out).replace(QLatin1String("@DEMO@"), demoDir());
    const bool contexts = args.first() == QLatin1String("contexts");
    if (!contexts)
        args << QStringLiteral("--context") << context;
    const auto r = run(args, {}, input);
    const bool failure = context == QLatin1String("wrong-token") || context == QLatin1String("unknown-ca");
    if (failure)
        QVERIFY2(r.code == 2, r.why());
    else
        QVERIFY2(r.code == 0 || r.code == 1, r.why()); // findings and diffs may answer 1
    QVERIFY2(!r.out.isEmpty() || !r.err.isEmpty(), "the command said something");
    if (args.first() == QLatin1String("snapshot") || args.first() == QLatin1String("remediate")) {
        if (failure)
            QCOMPARE(QDir(out).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).size(), 0);
        else
            checkNoSecretsInFiles(out);
    }

    // Only reads went out; a cross-check adds its SubjectAccessReviews, and nothing else.
    const auto requests = m_server->requests();
    if (contexts || context == QLatin1String("unknown-ca")) {
        QVERIFY(requests.isEmpty()); // no server, or no request past the TLS handshake
        return;
    }
    QVERIFY(!requests.isEmpty());
    const QMap<QString, QString> users {{QStringLiteral("demo"), QStringLiteral("jane")},
                                        {QStringLiteral("basic"), QStringLiteral("basic-admin")},
                                        {QStringLiteral("cert"), QStringLiteral("jane")},
                                        {QStringLiteral("exec"), QStringLiteral("exec-jane")},
                                        {QStringLiteral("wrong-token"), QString()}};
    int posts = 0;
    for (const auto& q : requests) {
        QCOMPARE(q.user, users.value(context)); // authenticated the way the context says
        if (context == QLatin1String("cert"))
            QVERIFY(q.authorization.isEmpty());
        if (q.method == "POST" && args.first() == QLatin1String("crosscheck") && q.path == QLatin1String(kReviewPath)) {
            ++posts;
            continue;
        }
        QVERIFY2(q.method == "GET", qPrintable(QString::fromLatin1(q.method) + u' ' + q.path));
        // No request that could return a Secret's data: Secrets are only ever listed as metadata.
        if (q.path.contains(QLatin1String("/secrets")))
            QCOMPARE(q.accept, QByteArray("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"));
    }
    if (args.first() == QLatin1String("crosscheck"))
        QCOMPARE(posts, 20);
    else
        QCOMPARE(posts, 0);
}

QTEST_GUILESS_MAIN(TestCliLive)
#include "tst_cli_live.moc"
