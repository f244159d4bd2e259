// SPDX-License-Identifier: Apache-2.0
// kubeconfig loading as client-go does it: KUBECONFIG merging (first wins, whole entries), relative paths, *-data over
// files, validation, and exec credential plugins run with their documented environment.
#include "models/cluster/execcredential.h"
#include "models/cluster/kubeconfig.h"
#include "testutils.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace rbx;
using namespace rbx::cluster;

namespace {

QByteArray b64(const char* s)
{
    return QByteArray(s).toBase64();
}

// A kubeconfig with one cluster, user and context, each named NAME.
QByteArray simple(const char* name, const char* server, const QByteArray& user = "    token: t0ken-abc\n",
    const char* current = nullptr)
{
    QByteArray y = "apiVersion: v1\nkind: Config\n";
    if (current)
        y += QByteArray("current-context: ") + current + '\n';
    y += QByteArray("clusters:\n- name: ") + name + "\n  cluster:\n    server: " + server + '\n';
    y += QByteArray("users:\n- name: ") + name + "\n  user:\n" + user;
    y += QByteArray("contexts:\n- name: ") + name + "\n  context:\n    cluster: " + name + "\n    user: " + name + '\n';
    return y;
}

} // namespace

class TestKubeconfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void mergeFirstWins();
    void explicitPathAlone();
    void missingAndInvalidFiles();
    void relativePathsAndDataWins();
    void validation_data();
    void validation();
    void tokenFilePrecedence();
    void insecureSkipTlsVerify();
    void describeNeverShowsCredentials();
    void execCredentialParsing_data();
    void execCredentialParsing();
    void execPluginEnvironment();
    void execPluginFailures();
    void kubeconfigInSnapshotFolderNeverRuns();

private:
    QString write(const QString& name, const QByteArray& text)
    {
        const QString path = m_dir.filePath(name);
        if (!test::writeFile(path, text))
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }
    std::optional<ConnectionConfig> resolveText(
        const QByteArray& yaml, std::string* error, const std::string& context = {})
    {
        const auto config = parseKubeconfig(yaml.toStdString(), m_dir.filePath(QStringLiteral("k.yaml")).toStdString());
        return resolveContext(config, context, error);
    }
    QTemporaryDir m_dir;
};

void TestKubeconfig::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestKubeconfig::mergeFirstWins()
{
    // a.yaml and b.yaml both define "shared": a's cluster, user and context win whole (no field merge).
    const auto a = write(QStringLiteral("a.yaml"),
        "clusters:\n- name: shared\n  cluster:\n    server: https://a.example:6443\n"
        "users:\n- name: shared\n  user:\n    token: from-a\n"
        "contexts:\n- name: shared\n  context: {cluster: shared, user: shared}\n");
    const auto b = write(QStringLiteral("b.yaml"),
        "current-context: only-b\n"
        "clusters:\n- name: shared\n  cluster:\n    server: https://b.example:6443\n"
        "    tls-server-name: b-only\n"
        "- name: b\n  cluster:\n    server: https://b2.example\n"
        "users:\n- name: shared\n  user:\n    username: bob\n    password: pw\n"
        "contexts:\n- name: shared\n  context: {cluster: b, user: shared, namespace: from-b}\n"
        "- name: only-b\n  context: {cluster: b, user: shared}\n");
    KubeconfigSource source;
    source.kubeconfigEnv = QString(a + u':' + b + u':' + a).toStdString(); // a duplicate entry is read once
    std::string error;
    const auto config = loadKubeconfig(source, &error);
    QVERIFY2(config, error.c_str());
    QCOMPARE(config->files.size(), std::size_t(2));
    QCOMPARE(config->currentContext, std::string("only-b")); // a sets none: the first that sets it wins
    QCOMPARE(config->clusters.size(), std::size_t(2));
    QCOMPARE(config->cluster("shared")->server, std::string("https://a.example:6443"));
    QVERIFY(config->cluster("shared")->tlsServerName.empty()); // whole entries, not fields
    QCOMPARE(config->user("shared")->token, std::string("from-a"));
    QVERIFY(config->user("shared")->username.empty());
    QCOMPARE(config->context("shared")->cluster, std::string("shared"));
    QVERIFY(config->context("shared")->ns.empty());
    const auto c = resolveContext(*config, {}, &error);
    QVERIFY2(c, error.c_str());
    QCOMPARE(c->context, std::string("only-b"));
    QCOMPARE(c->server, std::string("https://b2.example"));
    QCOMPARE(c->auth, AuthMethod::Token); // the user "shared" of a.yaml
}

void TestKubeconfig::explicitPathAlone()
{
    const auto a = write(QStringLiteral("x.yaml"), simple("x", "https://x.example", "    token: tx\n", "x"));
    KubeconfigSource source;
    source.explicitPath = a.toStdString();
    source.kubeconfigEnv = m_dir.filePath(QStringLiteral("a.yaml")).toStdString(); // ignored with an explicit path
    std::string error;
    auto config = loadKubeconfig(source, &error);
    QVERIFY2(config, error.c_str());
    QCOMPARE(config->files.size(), std::size_t(1));
    QVERIFY(!config->context("shared"));
    source.explicitPath = m_dir.filePath(QStringLiteral("nope.yaml")).toStdString();
    QVERIFY(!loadKubeconfig(source, &error));
    QVERIFY2(error.find("does not exist") != std::string::npos, error.c_str());
}

void TestKubeconfig::missingAndInvalidFiles()
{
    std::string error;
    KubeconfigSource source;
    source.kubeconfigEnv = m_dir.filePath(QStringLiteral("missing1")).toStdString() + ':'
        + m_dir.filePath(QStringLiteral("missing2")).toStdString();
    auto config = loadKubeconfig(source, &error);
    QVERIFY(config); // all missing: a warning, no error (kubectl then runs without configuration)
    QCOMPARE(config->warnings.size(), std::size_t(1));
    QVERIFY(config->warnings.front().find("missing1") != std::string::npos);

    const auto bad = write(QStringLiteral("bad.yaml"), "clusters:\n- name: a\n  cluster:\n    server: [1, 2\n");
    source.kubeconfigEnv = bad.toStdString();
    QVERIFY(!loadKubeconfig(source, &error));
    QVERIFY2(error.starts_with(bad.toStdString() + ':'), error.c_str());
    QVERIFY2(error.find("not valid YAML") != std::string::npos, error.c_str());

    const auto wrong
        = write(QStringLiteral("wrong.yaml"), "clusters:\n- name: a\n  cluster:\n    server:\n      x: 1\n");
    source.kubeconfigEnv = wrong.toStdString();
    QVERIFY(!loadKubeconfig(source, &error));
    QVERIFY2(error.find(wrong.toStdString() + ":5:") == 0, error.c_str()); // line of the offending value
    QVERIFY2(error.find("clusters[a].cluster.server: expected a string") != std::string::npos, error.c_str());

    // ~/.kube/config when KUBECONFIG is unset.
    QDir(m_dir.path()).mkpath(QStringLiteral("home/.kube"));
    write(QStringLiteral("home/.kube/config"), simple("home", "https://home.example", "    token: th\n", "home"));
    KubeconfigSource homeOnly;
    homeOnly.home = m_dir.filePath(QStringLiteral("home")).toStdString();
    config = loadKubeconfig(homeOnly, &error);
    QVERIFY2(config, error.c_str());
    QCOMPARE(config->currentContext, std::string("home"));
}

void TestKubeconfig::relativePathsAndDataWins()
{
    QDir(m_dir.path()).mkpath(QStringLiteral("sub/certs"));
    test::writeFile(m_dir.filePath(QStringLiteral("sub/certs/ca.pem")), "CA FROM FILE");
    test::writeFile(m_dir.filePath(QStringLiteral("sub/certs/client.pem")), "CERT FROM FILE");
    test::writeFile(m_dir.filePath(QStringLiteral("sub/certs/client.key")), "KEY FROM FILE");
    const auto path = write(QStringLiteral("sub/config"),
        "current-context: c\n"
        "clusters:\n- name: c\n  cluster:\n    server: https://c.example\n"
        "    certificate-authority: certs/ca.pem\n"
        "users:\n- name: c\n  user:\n    client-certificate: certs/client.pem\n"
        "    client-key: certs/client.key\n"
        "contexts:\n- name: c\n  context: {cluster: c, user: c}\n");
    KubeconfigSource source;
    source.explicitPath = path.toStdString();
    std::string error;
    auto config = loadKubeconfig(source, &error);
    QVERIFY2(config, error.c_str());
    QCOMPARE(
        config->cluster("c")->certificateAuthority, m_dir.filePath(QStringLiteral("sub/certs/ca.pem")).toStdString());
    auto c = resolveContext(*config, {}, &error);
    QVERIFY2(c, error.c_str());
    QCOMPARE(c->caPem, std::string("CA FROM FILE"));
    QCOMPARE(c->clientCertPem, std::string("CERT FROM FILE"));
    QCOMPARE(c->clientKeyPem, std::string("KEY FROM FILE"));
    QCOMPARE(c->auth, AuthMethod::ClientCertificate);

    // *-data wins over the file fields.
    const QByteArray withData = "current-context: c\n"
                                "clusters:\n- name: c\n  cluster:\n    server: https://c.example\n"
                                "    certificate-authority: /nonexistent/ca.pem\n"
                                "    certificate-authority-data: "
        + b64("CA FROM DATA")
        + "\nusers:\n- name: c\n  user:\n    client-certificate: /nonexistent/c.pem\n"
          "    client-certificate-data: "
        + b64("CERT FROM DATA") + "\n    client-key-data: " + b64("KEY FROM DATA")
        + "\ncontexts:\n- name: c\n  context: {cluster: c, user: c}\n";
    c = resolveText(withData, &error);
    QVERIFY2(c, error.c_str());
    QCOMPARE(c->caPem, std::string("CA FROM DATA"));
    QCOMPARE(c->clientCertPem, std::string("CERT FROM DATA"));
    QCOMPARE(c->clientKeyPem, std::string("KEY FROM DATA"));

    // Bad base64 is a parse error at its line.
    const QByteArray badData = "clusters:\n- name: c\n  cluster:\n    server: https://c\n"
                               "    certificate-authority-data: '@@not base64@@'\n";
    try {
        (void)parseKubeconfig(badData.toStdString(), "bad.yaml");
        QFAIL("no error for bad base64");
    } catch (const KubeconfigError& e) {
        QCOMPARE(e.line, 5);
        QVERIFY(e.message.find("not valid base64") != std::string::npos);
    }
}

void TestKubeconfig::validation_data()
{
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QString>("context");
    QTest::addColumn<QString>("expected"); // part of the error; empty = valid

    QTest::newRow("token") << QByteArray("    token: abc\n") << QString() << QString();
    QTest::newRow("token and basic") << QByteArray("    token: abc\n    username: u\n    password: p\n") << QString()
                                     << QStringLiteral("more than one authentication method");
    QTest::newRow("cert and token are fine") << QByteArray(
        "    token: abc\n    client-certificate-data: " + b64("C") + "\n    client-key-data: " + b64("K") + '\n')
                                             << QString() << QString();
    QTest::newRow("cert without key") << QByteArray("    client-certificate-data: " + b64("C") + '\n') << QString()
                                      << QStringLiteral("client-certificate is set without client-key");
    QTest::newRow("key without cert") << QByteArray("    client-key-data: " + b64("K") + '\n') << QString()
                                      << QStringLiteral("client-key is set without client-certificate");
    QTest::newRow("as-groups without as")
        << QByteArray("    token: a\n    as-groups: [g]\n") << QString() << QStringLiteral("need as");
    QTest::newRow("exec and auth-provider")
        << QByteArray("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: x\n"
                      "      interactiveMode: Never\n    auth-provider:\n      name: oidc\n")
        << QString() << QStringLiteral("auth-provider and exec cannot both be set");
    QTest::newRow("exec v1 needs interactiveMode")
        << QByteArray("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: x\n") << QString()
        << QStringLiteral("interactiveMode is required");
    QTest::newRow("exec v1beta1 defaults interactiveMode")
        << QByteArray("    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: x\n")
        << QString() << QString();
    QTest::newRow("exec v1alpha1 removed")
        << QByteArray("    exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n      command: x\n")
        << QString() << QStringLiteral("v1alpha1 was removed");
    QTest::newRow("exec bad interactiveMode")
        << QByteArray("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: x\n"
                      "      interactiveMode: Sometimes\n")
        << QString() << QStringLiteral("must be Never, IfAvailable or Always");
    QTest::newRow("gcp auth-provider removed")
        << QByteArray("    auth-provider:\n      name: gcp\n") << QString() << QStringLiteral("gke-gcloud-auth-plugin");
    QTest::newRow("azure auth-provider removed")
        << QByteArray("    auth-provider:\n      name: azure\n") << QString() << QStringLiteral("has been removed");
    QTest::newRow("oidc without id-token")
        << QByteArray("    auth-provider:\n      name: oidc\n") << QString() << QStringLiteral("no id-token");
    QTest::newRow("oidc with id-token") << QByteArray(
        "    auth-provider:\n      name: oidc\n      config:\n        id-token: eyJ.x.y\n")
                                        << QString() << QString();
    QTest::newRow("unknown context") << QByteArray("    token: a\n") << QStringLiteral("nope")
                                     << QStringLiteral("context \"nope\" is not in the kubeconfig");
}

void TestKubeconfig::validation()
{
    QFETCH(QByteArray, user);
    QFETCH(QString, context);
    QFETCH(QString, expected);
    std::string error;
    const auto c = resolveText(simple("v", "https://v.example:6443", user, "v"), &error, context.toStdString());
    if (expected.isEmpty()) {
        QVERIFY2(c, error.c_str());
        QCOMPARE(c->server, std::string("https://v.example:6443"));
    } else {
        QVERIFY(!c);
        QVERIFY2(QString::fromStdString(error).contains(expected), error.c_str());
        QVERIFY2(error.find("abc") == std::string::npos, "an error must not show a token");
    }
}

void TestKubeconfig::tokenFilePrecedence()
{
    const auto file = m_dir.filePath(QStringLiteral("token.txt"));
    test::writeFile(file, "from-file\n");
    std::string error;
    auto c = resolveText(
        simple("t", "https://t", "    token: inline\n    tokenFile: " + file.toUtf8() + '\n', "t"), &error);
    QVERIFY2(c, error.c_str());
    QCOMPARE(c->auth, AuthMethod::TokenFile); // a readable tokenFile wins over token
    QCOMPARE(c->tokenFile, file.toStdString());
    c = resolveText(simple("t", "https://t", "    token: inline\n    tokenFile: /nonexistent/t\n", "t"), &error);
    QVERIFY2(c, error.c_str());
    QCOMPARE(c->auth, AuthMethod::Token);
    QCOMPARE(c->token, std::string("inline"));
    QVERIFY(!resolveText(simple("t", "https://t", "    tokenFile: /nonexistent/t\n", "t"), &error));
    QVERIFY2(error.find("cannot be read") != std::string::npos, error.c_str());
    // Plain HTTP is refused: credentials would cross the network in clear.
    QVERIFY(!resolveText(simple("h", "http://h.example", "    token: a\n", "h"), &error));
    QVERIFY2(error.find("plain HTTP") != std::string::npos, error.c_str());
    // A bare host:port is https, as client-go defaults it.
    c = resolveText(simple("h", "h.example:6443", "    token: a\n", "h"), &error);
    QVERIFY2(c, error.c_str());
    QCOMPARE(c->server, std::string("https://h.example:6443"));
}

void TestKubeconfig::insecureSkipTlsVerify()
{
    std::string error;
    QByteArray y = simple("i", "https://i.example", "    token: a\n", "i");
    y.replace("    server: https://i.example\n", "    server: https://i.example\n    insecure-skip-tls-verify: true\n");
    auto c = resolveText(y, &error);
    QVERIFY2(c, error.c_str());
    QVERIFY(c->insecureSkipTlsVerify);
    QCOMPARE(c->warnings.size(), std::size_t(1));
    QVERIFY(c->warnings.front().find("NOT verified") != std::string::npos);
    // YAML 1.1 booleans, as kubectl's go-yaml v2 reads them.
    QByteArray yes = y;
    yes.replace("insecure-skip-tls-verify: true", "insecure-skip-tls-verify: yes");
    c = resolveText(yes, &error);
    QVERIFY2(c && c->insecureSkipTlsVerify, error.c_str());
    y.replace("    insecure-skip-tls-verify: true\n",
        QByteArray("    insecure-skip-tls-verify: true\n    certificate-authority-data: " + b64("CA") + '\n'));
    QVERIFY(!resolveText(y, &error));
    QVERIFY2(
        error.find("both insecure-skip-tls-verify and a certificate authority") != std::string::npos, error.c_str());
}

void TestKubeconfig::describeNeverShowsCredentials()
{
    std::string error;
    const auto c
        = resolveText(simple("d", "https://d.example", "    token: s3cr3t-token-value\n    as: alice\n", "d"), &error);
    QVERIFY2(c, error.c_str());
    const auto text = c->describe();
    QVERIFY(text.find("s3cr3t") == std::string::npos);
    QVERIFY(text.find("bearer token") != std::string::npos);
    QVERIFY(text.find("impersonating alice") != std::string::npos);
}

void TestKubeconfig::execCredentialParsing_data()
{
    QTest::addColumn<QString>("output");
    QTest::addColumn<QString>("apiVersion");
    QTest::addColumn<QString>("expectedError"); // empty = ok
    QTest::addColumn<QString>("token");
    const QString v1 = QStringLiteral("client.authentication.k8s.io/v1");
    QTest::newRow("token") << QStringLiteral(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tk"}})")
                           << v1 << QString() << QStringLiteral("tk");
    QTest::newRow("expiry") << QStringLiteral(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tk","expirationTimestamp":"2030-01-02T03:04:05Z"}})")
                            << v1 << QString() << QStringLiteral("tk");
    QTest::newRow("cert") << QStringLiteral(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"C","clientKeyData":"K"}})")
                          << v1 << QString() << QString();
    QTest::newRow("cert without key") << QStringLiteral(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"C"}})")
                                      << v1 << QStringLiteral("without clientKeyData") << QString();
    QTest::newRow("no status") << QStringLiteral(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"})")
                               << v1 << QStringLiteral("has no status") << QString();
    QTest::newRow("empty status") << QStringLiteral(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})")
                                  << v1 << QStringLiteral("neither a token nor a client certificate") << QString();
    QTest::newRow("wrong apiVersion") << QStringLiteral(
        R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}})")
                                      << v1 << QStringLiteral("but the kubeconfig asks for") << QString();
    QTest::newRow("wrong kind") << QStringLiteral(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Secret","status":{"token":"t"}})")
                                << v1 << QStringLiteral("expected ExecCredential") << QString();
    QTest::newRow("not json") << QStringLiteral("Please log in at https://login.example") << v1
                              << QStringLiteral("not an ExecCredential JSON object") << QString();
    QTest::newRow("bad expiry") << QStringLiteral(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"tomorrow"}})")
                                << v1 << QStringLiteral("is not RFC 3339") << QString();
}

void TestKubeconfig::execCredentialParsing()
{
    QFETCH(QString, output);
    QFETCH(QString, apiVersion);
    QFETCH(QString, expectedError);
    QFETCH(QString, token);
    const auto r = parseExecCredential(output.toStdString(), apiVersion.toStdString());
    if (expectedError.isEmpty()) {
        QVERIFY2(r.credential, r.error.c_str());
        QCOMPARE(QString::fromStdString(r.credential->token), token);
    } else {
        QVERIFY(!r.credential);
        QVERIFY2(QString::fromStdString(r.error).contains(expectedError), r.error.c_str());
    }
}

void TestKubeconfig::execPluginEnvironment()
{
    // A plugin relative to the kubeconfig's folder, seeing KUBERNETES_EXEC_INFO and its exec.env, with no stdin.
    QDir(m_dir.path()).mkpath(QStringLiteral("plugins"));
    const auto script = m_dir.filePath(QStringLiteral("plugins/cred.sh"));
    const auto seen = m_dir.filePath(QStringLiteral("seen.json"));
    test::writeFile(script,
        "#!/bin/sh\nprintf '%s' \"$KUBERNETES_EXEC_INFO\" > '" + seen.toUtf8()
            + "'\nread line && exit 9\n"
              "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
              "\"status\":{\"token\":\"'\"$PREFIX\"'-'\"$1\"'\",\"expirationTimestamp\":\"2099-01-01T00:00:00Z\"}}'\n");
    QFile::setPermissions(script, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const QByteArray user
        = "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: plugins/cred.sh\n"
          "      args: [arg1]\n      env:\n      - name: PREFIX\n        value: pfx\n"
          "      interactiveMode: IfAvailable\n      provideClusterInfo: true\n";
    std::string error;
    const auto c = resolveText(simple("e", "https://e.example:6443", user, "e"), &error);
    QVERIFY2(c, error.c_str());
    QCOMPARE(c->auth, AuthMethod::Exec);
    const auto r = runExecPlugin(*c, 20000);
    QVERIFY2(r.credential, r.error.c_str());
    QCOMPARE(r.credential->token, std::string("pfx-arg1"));
    QVERIFY(r.credential->expiration);
    QCOMPARE(r.credential->expiration->date().year(), 2099);
    QFile f(seen);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto info = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(info.value(QStringLiteral("kind")).toString(), QStringLiteral("ExecCredential"));
    QCOMPARE(info.value(QStringLiteral("apiVersion")).toString(), QStringLiteral("client.authentication.k8s.io/v1"));
    const auto spec = info.value(QStringLiteral("spec")).toObject();
    QCOMPARE(spec.value(QStringLiteral("interactive")).toBool(true), false);
    QCOMPARE(spec.value(QStringLiteral("cluster")).toObject().value(QStringLiteral("server")).toString(),
        QStringLiteral("https://e.example:6443"));
}

void TestKubeconfig::execPluginFailures()
{
    std::string error;
    auto withCommand = [&](const QByteArray& command, const QByteArray& mode = "Never") {
        return resolveText(simple("e", "https://e",
                               "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: " + command
                                   + "\n      interactiveMode: " + mode + "\n      installHint: install the-plugin\n",
                               "e"),
            &error);
    };
    // Not found: the install hint is part of the message.
    auto c = withCommand("no-such-plugin-rbx-test");
    QVERIFY2(c, error.c_str());
    auto r = runExecPlugin(*c, 5000);
    QVERIFY(!r.credential);
    QVERIFY2(
        r.error.find("was not found") != std::string::npos && r.error.find("install the-plugin") != std::string::npos,
        r.error.c_str());
    // Always needs a terminal RBAC Explorer does not have.
    c = withCommand("/bin/true", "Always");
    QVERIFY2(c, error.c_str());
    r = runExecPlugin(*c, 5000);
    QVERIFY(!r.credential);
    QVERIFY2(r.error.find("interactive terminal") != std::string::npos, r.error.c_str());
    // A failing plugin: exit code and its stderr.
    const auto script = m_dir.filePath(QStringLiteral("fail.sh"));
    test::writeFile(script, "#!/bin/sh\necho 'token expired, run login' >&2\nexit 3\n");
    QFile::setPermissions(script, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    c = withCommand(script.toUtf8());
    QVERIFY2(c, error.c_str());
    r = runExecPlugin(*c, 5000);
    QVERIFY(!r.credential);
    QVERIFY2(r.error.find("exit code 3") != std::string::npos && r.error.find("run login") != std::string::npos,
        r.error.c_str());
    // A plugin that hangs is stopped.
    const auto slow = m_dir.filePath(QStringLiteral("slow.sh"));
    test::writeFile(slow, "#!/bin/sh\nexec sleep 30\n");
    QFile::setPermissions(slow, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    c = withCommand(slow.toUtf8());
    QVERIFY2(c, error.c_str());
    QElapsedTimer t;
    t.start();
    r = runExecPlugin(*c, 500);
    QVERIFY(!r.credential);
    QVERIFY2(r.error.find("did not finish") != std::string::npos, r.error.c_str());
    QVERIFY(t.elapsed() < 10000);
}

void TestKubeconfig::kubeconfigInSnapshotFolderNeverRuns()
{
    // A snapshot folder that carries a kubeconfig with an exec plugin: loading the folder reads it as one more
    // (skipped) document and runs nothing.
    QDir(m_dir.path()).mkpath(QStringLiteral("dump"));
    const auto marker = m_dir.filePath(QStringLiteral("plugin-ran"));
    const auto plugin = m_dir.filePath(QStringLiteral("dump/evil.sh"));
    test::writeFile(plugin, "#!/bin/sh\ntouch '" + marker.toUtf8() + "'\n");
    QFile::setPermissions(plugin, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    test::writeFile(m_dir.filePath(QStringLiteral("dump/kubeconfig.yaml")),
                    simple("x", "https://x.example",
                           "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ./evil.sh\n"
                           "      interactiveMode: Never\n",
                           "x"));
    test::writeFile(m_dir.filePath(QStringLiteral("dump/sa.yaml")),
                    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: n}\n");
    const auto s = io::loadSnapshot({m_dir.filePath(QStringLiteral("dump")).toStdString()});
    QCOMPARE(s->serviceAccounts.size(), std::size_t(1));
    bool skipped = false;
    for (const auto& k : s->report.skipped)
        skipped = skipped || k.kind == "v1 Config";
    QVERIFY2(skipped, "the kubeconfig is counted as a skipped kind");
    QTest::qWait(200);
    QVERIFY2(!QFileInfo::exists(marker), "nothing in a snapshot is executed");
}

QTEST_GUILESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
