// SPDX-License-Identifier: Apache-2.0
// The live-cluster mode against an in-process HTTPS API server (TLS with a CA made at test time): every auth method,
// pagination with expired continue tokens, partial access, metadata-only Secrets, the read-only guarantee, cancel,
// cross-checks, and export -> reload equality. The fake cluster serves the bundled demo snapshot.
#include "models/analysis/policy.h"
#include "models/analysis/subjects.h"
#include "models/cluster/apiclient.h"
#include "models/cluster/clusterpull.h"
#include "models/cluster/crosscheck.h"
#include "models/io/snapshotexport.h"
#include "models/io/snapshotloader.h"

#include "democluster.h"
#include "testapiserver.h"
#include "testpki.h"
#include "testutils.h"

#include <QDirIterator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace rbx;
using namespace rbx::cluster;
using rbx::test::exportedItems;
using rbx::test::kPlantedSecret;
using rbx::test::Pki;
using rbx::test::TestApiServer;

namespace {

constexpr const char* kToken = "rbx-test-bearer-0123456789abcdef";

// kind/ns/name -> the exported item: comparing two snapshots object by object, whatever their order.
std::map<QString, QByteArray> byIdentity(const Snapshot& s)
{
    std::map<QString, QByteArray> out;
    for (const auto& v : exportedItems(s)) {
        const auto o = v.toObject();
        const auto md = o.value(QStringLiteral("metadata")).toObject();
        QString key = o.value(QStringLiteral("kind")).toString() + u' ' + md.value(QStringLiteral("namespace")).toString()
            + u'/' + md.value(QStringLiteral("name")).toString();
        if (o.value(QStringLiteral("kind")).toString() == QLatin1String("APIResourceList"))
            key += o.value(QStringLiteral("groupVersion")).toString();
        out[key] = QJsonDocument(o).toJson(QJsonDocument::Compact);
    }
    return out;
}

QString firstDifference(const std::map<QString, QByteArray>& a, const std::map<QString, QByteArray>& b)
{
    for (const auto& [k, v] : a) {
        const auto it = b.find(k);
        if (it == b.end())
            return QStringLiteral("only in expected: ") + k;
        if (it->second != v)
            return QStringLiteral("differs: ") + k + u'\n' + QString::fromUtf8(v) + u'\n' + QString::fromUtf8(it->second);
    }
    for (const auto& [k, v] : b)
        if (!a.count(k))
            return QStringLiteral("only in pulled: ") + k;
    return {};
}

// An HTTP CONNECT proxy on loopback, serviced by the event loop of the thread that pulls: records every tunnel.
class ConnectProxy : public QObject
{
public:
    ConnectProxy()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (auto* client = m_server.nextPendingConnection()) {
                auto* upstream = new QTcpSocket(client);
                auto buffer = std::make_shared<QByteArray>();
                connect(client, &QTcpSocket::readyRead, client, [this, client, upstream, buffer] {
                    if (upstream->state() == QAbstractSocket::ConnectedState) {
                        upstream->write(client->readAll());
                        return;
                    }
                    *buffer += client->readAll();
                    const auto end = buffer->indexOf("\r\n\r\n");
                    if (end < 0 || upstream->state() != QAbstractSocket::UnconnectedState)
                        return;
                    const auto line = buffer->left(buffer->indexOf("\r\n")).split(' ');
                    if (line.size() < 2 || line[0] != "CONNECT") {
                        client->write("HTTP/1.1 405 Method Not Allowed\r\n\r\n");
                        client->disconnectFromHost();
                        return;
                    }
                    tunnels << QString::fromLatin1(line[1]);
                    const auto hostPort = line[1].split(':');
                    const QByteArray rest = buffer->mid(end + 4);
                    connect(upstream, &QTcpSocket::connected, client, [client, upstream, rest] {
                        client->write("HTTP/1.1 200 Connection Established\r\n\r\n");
                        if (!rest.isEmpty())
                            upstream->write(rest);
                    });
                    connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] { client->write(upstream->readAll()); });
                    connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
                    upstream->connectToHost(QString::fromLatin1(hostPort.value(0)), hostPort.value(1).toUShort());
                });
                connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
            }
        });
    }
    [[nodiscard]] quint16 port() const
    {
        return m_server.serverPort();
    }
    QStringList tunnels;

private:
    QTcpServer m_server;
};

} // namespace

class TestLivePull : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void pullsTheDemoInFull();
    void exportReloadsToTheSameModel_data();
    void exportReloadsToTheSameModel();
    void aggregatedDiscovery();
    void authMethods_data();
    void authMethods();
    void execPluginCachedAndRerunOn401();
    void failures_data();
    void failures();
    void partialAccess();
    void expiredContinueRestarts();
    void secretsNeverWithPayloads();
    void retriesTooManyRequests();
    void cancelDuringSlowResponses();
    void readOnlyGate_data();
    void readOnlyGate();
    void readOnlyGateRefusesBeforeSending();
    void onlyTheApiClientTalksToTheNetwork();
    void crossCheckFindsTheWebhook();
    void throughProxyUrl();

private:
    ConnectionConfig connection(AuthMethod auth = AuthMethod::Token) const;
    std::shared_ptr<const Snapshot> expectedDemo() const;

    Pki m_pki;
    std::shared_ptr<const Snapshot> m_demo;
    std::unique_ptr<TestApiServer> m_server;
    QTemporaryDir m_dir;
};

void TestLivePull::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_pki = Pki::generate(QStringLiteral("jane"), {QStringLiteral("reviewers")});
    m_demo = io::loadSnapshot({std::string(RBX_SOURCE_DIR) + "/resources/demo"});
    QVERIFY(m_demo->objectCount() > 300);
}

void TestLivePull::init()
{
    m_server = std::make_unique<TestApiServer>(m_pki);
    m_server->acceptBearer(kToken, QStringLiteral("jane"), {QStringLiteral("reviewers")});
    test::serveDemo(*m_server, *m_demo);
    QVERIFY(m_server->start() > 0);
}

void TestLivePull::cleanup()
{
    m_server.reset();
}

// What a metadata-only pull of the demo must give: the demo, but only token Secrets (the field selector) and the
// discovery documents the fake cluster serves.
std::shared_ptr<const Snapshot> TestLivePull::expectedDemo() const
{
    auto s = std::make_shared<Snapshot>(*m_demo);
    std::erase_if(s->secrets, [](const Secret& x) { return x.type != "kubernetes.io/service-account-token"; });
    s->discovery.clear();
    s->discovery.push_back({"", "v1", "pods", "pod", "Pod", true, {"get", "list"}, {}});
    s->discovery.push_back({"widgets.example.com", "v1", "widgets", "widget", "Widget", true, {"get", "create"}, {}});
    s->discovery.push_back({"widgets.example.com", "v1", "widgets/scale", "", "Scale", true, {"get", "update"}, {}});
    return s;
}

ConnectionConfig TestLivePull::connection(AuthMethod auth) const
{
    ConnectionConfig c;
    c.context = "test";
    c.clusterName = "test-cluster";
    c.userName = "jane";
    c.server = m_server->url().toStdString();
    c.caPem = m_pki.caCertPem.toStdString();
    c.caOrigin = "test CA";
    c.auth = auth;
    if (auth == AuthMethod::Token)
        c.token = kToken;
    return c;
}

void TestLivePull::pullsTheDemoInFull()
{
    m_server->listPageSizeCap = 7; // many pages for every list
    PullOptions options;
    std::vector<std::string> progress;
    options.progress = [&](const PullProgress& p) { progress.push_back(p.resource); };
    const auto r = pullSnapshot(connection(), options);
    QVERIFY2(r.ok, r.error.c_str());
    QVERIFY2(r.complete(), "every resource read in full");
    QCOMPARE(r.serverVersion, std::string("v1.31.4"));
    QCOMPARE(r.refusedRequests, 0);
    QVERIFY(!progress.empty());
    QCOMPARE(r.snapshot->report.diagnostics.size(), std::size_t(0));
    const auto diff = firstDifference(byIdentity(*expectedDemo()), byIdentity(*r.snapshot));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));

    const auto requests = m_server->requests();
    QCOMPARE(static_cast<int>(requests.size()), r.requests);
    int pages = 0;
    for (const auto& q : requests) {
        QCOMPARE(q.method, QByteArray("GET")); // read-only, whatever was asked
        QCOMPARE(q.user, QStringLiteral("jane"));
        if (q.path.endsWith(QLatin1String("/secrets"))) {
            // Metadata only, and no fallback representation that could carry payloads.
            QCOMPARE(q.accept, QByteArray("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"));
            QCOMPARE(q.query.queryItemValue(QStringLiteral("fieldSelector"), QUrl::FullyDecoded),
                     QStringLiteral("type=kubernetes.io/service-account-token"));
        }
        if (q.query.hasQueryItem(QStringLiteral("continue")))
            ++pages;
    }
    QVERIFY2(pages > 20, "lists were paginated");
    // The same answers as from the files: a few decisions and the heat map's input.
    const Policy fromFiles(m_demo);
    const Policy live(r.snapshot);
    Request q;
    q.user.name = "system:serviceaccount:payments:deployer";
    q.user.groups = {"system:serviceaccounts", "system:serviceaccounts:payments", "system:authenticated"};
    q.resource = {"kube-system", "create", "", "v1", "pods", "", ""};
    QCOMPARE(live.authorize(q).allowed, fromFiles.authorize(q).allowed);
    QCOMPARE(live.authorize(q).reason, fromFiles.authorize(q).reason);
    QVERIFY(live.authorize(q).allowed);
    // The load report says where it came from.
    QVERIFY(r.snapshot->report.inputs.front().find("cluster:test") == 0);
    QVERIFY(r.snapshot->report.notes.front().find("v1.31.4") != std::string::npos);
}

void TestLivePull::exportReloadsToTheSameModel_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("json") << QStringLiteral("pulled.json");
    QTest::newRow("yaml") << QStringLiteral("pulled.yaml");
    QTest::newRow("yaml.gz") << QStringLiteral("pulled.yaml.gz");
    QTest::newRow("json.gz") << QStringLiteral("pulled.json.gz");
}

void TestLivePull::exportReloadsToTheSameModel()
{
    QFETCH(QString, file);
    const auto r = pullSnapshot(connection());
    QVERIFY2(r.ok, r.error.c_str());
    const auto path = m_dir.filePath(file).toStdString();
    std::string error;
    QVERIFY2(io::writeSnapshotFile(path, *r.snapshot, &error), error.c_str());
    const auto reloaded = io::loadSnapshot({path});
    QCOMPARE(reloaded->report.diagnostics.size(), std::size_t(0));
    QCOMPARE(test::objectsOf(*reloaded), test::objectsOf(*r.snapshot)); // same objects, same order
    const auto diff = firstDifference(byIdentity(*r.snapshot), byIdentity(*reloaded));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QCOMPARE(reloaded->discovery.size(), r.snapshot->discovery.size());
    QCOMPARE(reloaded->tokenTracking.has_value(), r.snapshot->tokenTracking.has_value());
    // Every item carries kind and apiVersion (list responses omit them).
    for (const auto& v : exportedItems(*r.snapshot)) {
        QVERIFY(!v.toObject().value(QStringLiteral("kind")).toString().isEmpty());
        QVERIFY(!v.toObject().value(QStringLiteral("apiVersion")).toString().isEmpty());
    }
    // Nothing secret reached the file.
    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto bytes = f.readAll();
    const auto text = file.endsWith(QLatin1String(".gz")) ? QByteArray() : bytes;
    if (!text.isEmpty()) {
        QVERIFY(!text.contains(kPlantedSecret));
        QVERIFY(!text.contains("last-applied-configuration"));
        QVERIFY(!text.contains("managedFields"));
    }
}

void TestLivePull::aggregatedDiscovery()
{
    const QJsonObject agg {
        {QStringLiteral("kind"), QStringLiteral("APIGroupDiscoveryList")},
        {QStringLiteral("apiVersion"), QStringLiteral("apidiscovery.k8s.io/v2")},
        {QStringLiteral("items"),
         QJsonArray {QJsonObject {
             {QStringLiteral("metadata"), QJsonObject {{QStringLiteral("name"), QStringLiteral("gadgets.example.com")}}},
             {QStringLiteral("versions"),
              QJsonArray {QJsonObject {{QStringLiteral("version"), QStringLiteral("v2")},
                                       {QStringLiteral("resources"),
                                        QJsonArray {QJsonObject {
                                            {QStringLiteral("resource"), QStringLiteral("gadgets")},
                                            {QStringLiteral("responseKind"), QJsonObject {{QStringLiteral("kind"), QStringLiteral("Gadget")}}},
                                            {QStringLiteral("scope"), QStringLiteral("Cluster")},
                                            {QStringLiteral("singularResource"), QStringLiteral("gadget")},
                                            {QStringLiteral("verbs"), QJsonArray {QStringLiteral("get"), QStringLiteral("list")}},
                                            {QStringLiteral("subresources"),
                                             QJsonArray {QJsonObject {{QStringLiteral("subresource"), QStringLiteral("status")},
                                                                      {QStringLiteral("verbs"), QJsonArray {QStringLiteral("patch")}}}}}}}}},
                          QJsonObject {{QStringLiteral("version"), QStringLiteral("v1")}, {QStringLiteral("resources"), QJsonArray {}}}}}}}}};
    m_server->addAggregatedDiscovery(QStringLiteral("/apis"), agg);
    const auto r = pullSnapshot(connection());
    QVERIFY2(r.ok, r.error.c_str());
    bool gadgets = false;
    bool status = false;
    for (const auto& d : r.snapshot->discovery) {
        if (d.group == "gadgets.example.com" && d.version == "v2" && d.name == "gadgets") {
            gadgets = true;
            QVERIFY(!d.namespaced);
            QCOMPARE(d.kind, std::string("Gadget"));
        }
        status = status || (d.group == "gadgets.example.com" && d.name == "gadgets/status");
        QVERIFY2(d.group != "widgets.example.com", "the aggregated document replaces the per-group ones");
    }
    QVERIFY(gadgets);
    QVERIFY(status);
    bool asked = false;
    for (const auto& q : m_server->requests())
        asked = asked || (q.path == QLatin1String("/apis") && q.accept.contains("as=APIGroupDiscoveryList"));
    QVERIFY(asked);
}

void TestLivePull::authMethods_data()
{
    QTest::addColumn<int>("method");
    QTest::newRow("token") << int(AuthMethod::Token);
    QTest::newRow("token file") << int(AuthMethod::TokenFile);
    QTest::newRow("basic") << int(AuthMethod::Basic);
    QTest::newRow("client certificate") << int(AuthMethod::ClientCertificate);
    QTest::newRow("exec plugin, token") << int(AuthMethod::Exec);
    QTest::newRow("exec plugin, client certificate") << int(AuthMethod::Exec) + 100;
}

void TestLivePull::authMethods()
{
    QFETCH(int, method);
    auto c = connection(AuthMethod(method % 100));
    c.token.clear();
    QString expectedUser = QStringLiteral("jane");
    switch (AuthMethod(method % 100)) {
    case AuthMethod::Token:
        c.token = kToken;
        break;
    case AuthMethod::TokenFile: {
        c.tokenFile = m_dir.filePath(QStringLiteral("token")).toStdString();
        test::writeFile(QString::fromStdString(c.tokenFile), QByteArray(kToken) + '\n');
        break;
    }
    case AuthMethod::Basic:
        m_server->acceptBasic("admin", "pa55", QStringLiteral("basic-admin"));
        c.username = "admin";
        c.password = "pa55";
        expectedUser = QStringLiteral("basic-admin");
        break;
    case AuthMethod::ClientCertificate:
        m_server->setRequireClientCert(true);
        m_server->stop();
        m_server->start();
        c.server = m_server->url().toStdString();
        c.clientCertPem = m_pki.clientCertPem.toStdString();
        c.clientKeyPem = m_pki.clientKeyPem.toStdString();
        break;
    case AuthMethod::Exec: {
        const auto script = m_dir.filePath(QStringLiteral("plugin-%1.sh").arg(method));
        QByteArray status;
        if (method > 100) {
            m_server->setRequireClientCert(true);
            m_server->stop();
            m_server->start();
            c.server = m_server->url().toStdString();
            status = "{\"clientCertificateData\":" + QJsonDocument(QJsonArray {QString::fromLatin1(m_pki.clientCertPem)}).toJson(QJsonDocument::Compact).mid(1).chopped(1)
                + ",\"clientKeyData\":" + QJsonDocument(QJsonArray {QString::fromLatin1(m_pki.clientKeyPem)}).toJson(QJsonDocument::Compact).mid(1).chopped(1) + '}';
        } else {
            status = QByteArray("{\"token\":\"") + kToken + "\"}";
        }
        test::writeFile(script, "#!/bin/sh\ncat <<'EOF'\n{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":"
                                    + status + "}\nEOF\n");
        QFile::setPermissions(script, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        ExecConfig x;
        x.command = script.toStdString();
        x.apiVersion = "client.authentication.k8s.io/v1";
        x.interactiveMode = "Never";
        c.exec = x;
        break;
    }
    default:
        QFAIL("unknown method");
    }
    const auto r = pullSnapshot(c);
    QVERIFY2(r.ok, r.error.c_str());
    QVERIFY(r.complete());
    for (const auto& q : m_server->requests())
        QCOMPARE(q.user, expectedUser);
}

void TestLivePull::execPluginCachedAndRerunOn401()
{
    // The plugin hands out a stale token first, then a good one: one 401, one re-run, then the pull goes through.
    const auto counter = m_dir.filePath(QStringLiteral("runs"));
    QFile::remove(counter);
    const auto script = m_dir.filePath(QStringLiteral("rotating.sh"));
    test::writeFile(script, "#!/bin/sh\necho x >> '" + counter.toUtf8()
                                + "'\nif [ $(wc -l < '" + counter.toUtf8()
                                + "') -eq 1 ]; then t=stale; else t=" + kToken
                                + "; fi\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
                                  "\"status\":{\"token\":\"'$t'\"}}'\n");
    QFile::setPermissions(script, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    auto c = connection(AuthMethod::Exec);
    c.token.clear();
    ExecConfig x;
    x.command = script.toStdString();
    x.apiVersion = "client.authentication.k8s.io/v1beta1";
    c.exec = x;
    const auto r = pullSnapshot(c);
    QVERIFY2(r.ok, r.error.c_str());
    QFile f(counter);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll().count('\n'), 2); // cached for the other 30-odd requests
    int unauthorized = 0;
    for (const auto& q : m_server->requests())
        unauthorized += q.status == 401 ? 1 : 0;
    QCOMPARE(unauthorized, 1);
}

void TestLivePull::failures_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<QString>("expected");
    QTest::newRow("wrong token") << QStringLiteral("token") << QStringLiteral("401 Unauthorized");
    QTest::newRow("unknown CA") << QStringLiteral("ca") << QStringLiteral("not signed by a known certificate authority");
    QTest::newRow("unreachable") << QStringLiteral("port") << QStringLiteral("connection refused");
    QTest::newRow("expired client certificate") << QStringLiteral("expired") << QStringLiteral("expired on");
    QTest::newRow("wrong server name") << QStringLiteral("name") << QStringLiteral("is not valid for the name \"wrong.test\"");
    QTest::newRow("client cert from another CA") << QStringLiteral("untrusted") << QStringLiteral("401 Unauthorized");
    QTest::newRow("exec plugin fails") << QStringLiteral("exec") << QStringLiteral("exit code 4");
}

void TestLivePull::failures()
{
    QFETCH(QString, what);
    QFETCH(QString, expected);
    auto c = connection();
    if (what == QLatin1String("token")) {
        c.token = "not-the-token";
    } else if (what == QLatin1String("ca")) {
        c.caPem = m_pki.otherCaCertPem.toStdString();
    } else if (what == QLatin1String("port")) {
        m_server->stop();
    } else if (what == QLatin1String("expired")) {
        c.auth = AuthMethod::ClientCertificate;
        c.token.clear();
        c.clientCertPem = m_pki.expiredClientCertPem.toStdString();
        c.clientKeyPem = m_pki.expiredClientKeyPem.toStdString();
    } else if (what == QLatin1String("name")) {
        c.tlsServerName = "wrong.test";
    } else if (what == QLatin1String("untrusted")) {
        m_server->setRequireClientCert(true);
        m_server->stop();
        m_server->start();
        c.server = m_server->url().toStdString();
        c.auth = AuthMethod::ClientCertificate;
        c.token.clear();
        c.clientCertPem = m_pki.untrustedClientCertPem.toStdString();
        c.clientKeyPem = m_pki.untrustedClientKeyPem.toStdString();
    } else if (what == QLatin1String("exec")) {
        c.auth = AuthMethod::Exec;
        c.token.clear();
        ExecConfig x;
        x.command = "/bin/sh";
        x.args = {"-c", "echo 'login required' >&2; exit 4"};
        x.apiVersion = "client.authentication.k8s.io/v1";
        x.interactiveMode = "Never";
        c.exec = x;
    }
    const auto r = pullSnapshot(c);
    QVERIFY(!r.ok);
    QVERIFY(!r.snapshot);
    QVERIFY2(QString::fromStdString(r.error).contains(expected), r.error.c_str());
    QVERIFY2(r.error.find(kToken) == std::string::npos, "no credential in an error");
}

void TestLivePull::partialAccess()
{
    // Secrets: forbidden cluster-wide, readable per namespace except kube-system. Pods: forbidden everywhere.
    // Roles: forbidden cluster-wide, readable in every namespace.
    m_server.reset();
    m_server = std::make_unique<TestApiServer>(m_pki);
    m_server->acceptBearer(kToken, QStringLiteral("jane"));
    test::serveDemo(*m_server, *m_demo);
    m_server->forbid(QStringLiteral("/api/v1/secrets"));
    m_server->forbid(QStringLiteral("/api/v1/namespaces/kube-system/secrets"));
    m_server->forbid(QStringLiteral("/api/v1/pods"));
    for (const auto& ns : m_demo->namespaces)
        m_server->forbid(QStringLiteral("/api/v1/namespaces/%1/pods").arg(QString::fromStdString(ns.meta.name)));
    m_server->forbid(QStringLiteral("/apis/rbac.authorization.k8s.io/v1/roles"));
    m_server->start();
    const auto r = pullSnapshot(connection());
    QVERIFY2(r.ok, r.error.c_str()); // a 403 never fails the pull
    QVERIFY(!r.complete());
    std::map<std::string, ResourceCoverage> cov;
    for (const auto& c : r.coverage)
        cov[c.resource] = c;
    const auto& secrets = cov["secrets (service-account-token, metadata only)"];
    QCOMPARE(coverageStateName(secrets.state), std::string("partial"));
    QCOMPARE(secrets.forbiddenNamespaces, std::vector<std::string> {"kube-system"});
    QVERIFY(secrets.meaning.find("legacy-token view is incomplete") != std::string::npos);
    QCOMPARE(coverageStateName(cov["pods"].state), std::string("forbidden"));
    QVERIFY(cov["pods"].meaning.find("who runs as which ServiceAccount") != std::string::npos);
    QVERIFY(cov["pods"].message.find("forbidden") != std::string::npos);
    QCOMPARE(coverageStateName(cov["roles"].state), std::string("complete")); // listed namespace by namespace
    // What could be read is there; what could not is absent, and the report says so.
    std::size_t roles = 0;
    for (const auto& role : r.snapshot->roles)
        roles += role.cluster ? 0 : 1;
    std::size_t demoRoles = 0;
    for (const auto& role : m_demo->roles)
        demoRoles += role.cluster ? 0 : 1;
    QCOMPARE(roles, demoRoles);
    for (const auto& s : r.snapshot->secrets)
        QVERIFY(s.meta.ns != "kube-system");
    for (const auto& w : r.snapshot->workloads)
        QVERIFY(w.kind != "Pod");
    bool noted = false;
    for (const auto& n : r.snapshot->report.notes)
        noted = noted || (n.find("pods: forbidden") == 0 && n.find("incomplete") != std::string::npos);
    QVERIFY2(noted, "the load report says what could not be read and what that means");
    // Forbidden is not empty: no ServiceAccount is called unused when pods could not be read.
    QCOMPARE(r.snapshot->unreadable, (std::vector<std::string> {"secrets", "pods"}));
    QVERIFY(!r.snapshot->workloadsComplete());
    const Policy policy(r.snapshot);
    for (const auto& s : summarizeSubjects(policy))
        QVERIFY2(!s.unused(), s.ref.display().c_str());
}

void TestLivePull::expiredContinueRestarts()
{
    m_server->listPageSizeCap = 5;
    m_server->expireContinueOnce(QStringLiteral("/api/v1/pods"));
    const auto r = pullSnapshot(connection());
    QVERIFY2(r.ok, r.error.c_str());
    QVERIFY(r.complete());
    std::size_t pods = 0;
    for (const auto& w : r.snapshot->workloads)
        pods += w.kind == "Pod" ? 1 : 0;
    std::size_t demoPods = 0;
    for (const auto& w : m_demo->workloads)
        demoPods += w.kind == "Pod" ? 1 : 0;
    QCOMPARE(pods, demoPods); // no duplicates from the abandoned pages, nothing missing
    int gone = 0;
    int fresh = 0;
    for (const auto& q : m_server->requests()) {
        if (q.path != QLatin1String("/api/v1/pods"))
            continue;
        gone += q.status == 410 ? 1 : 0;
        fresh += q.query.hasQueryItem(QStringLiteral("continue")) ? 0 : 1;
    }
    QCOMPARE(gone, 1);
    QCOMPARE(fresh, 2); // the list restarted from the beginning
}

void TestLivePull::secretsNeverWithPayloads()
{
    // A server that cannot answer metadata-only (406): Secrets are skipped, never asked for in full.
    m_server->setStatusOverride(QStringLiteral("/api/v1/secrets"), 406);
    auto r = pullSnapshot(connection());
    QVERIFY2(r.ok, r.error.c_str());
    QVERIFY(r.snapshot->secrets.empty());
    bool skipped = false;
    for (const auto& c : r.coverage)
        skipped = skipped || (c.resource.find("secrets") == 0 && c.state == ResourceCoverage::State::Skipped);
    QVERIFY(skipped);
    for (const auto& q : m_server->requests())
        if (q.path.contains(QLatin1String("secrets")))
            QVERIFY(q.accept.contains("as=PartialObjectMetadataList") && !q.accept.contains(','));
    // A metadata-only answer keeps names, labels and annotations, minus last-applied and managedFields.
    const auto converted = secretMetadataToList(
        R"({"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{},"items":[{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"t","namespace":"n","annotations":{"kubernetes.io/service-account.name":"sa","kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"token\":\"X\"}}"},"managedFields":[{"fieldsV1":{"f:data":{}}}]},"data":{"token":"SHOULD-NOT-SURVIVE"}}]})");
    QVERIFY(!converted.empty());
    QVERIFY(converted.find("SHOULD-NOT-SURVIVE") == std::string::npos);
    QVERIFY(converted.find("last-applied") == std::string::npos);
    QVERIFY(converted.find("managedFields") == std::string::npos);
    const auto s = test::json(converted);
    QCOMPARE(s->secrets.size(), std::size_t(1));
    QCOMPARE(s->secrets[0].type, std::string("kubernetes.io/service-account-token"));
    QCOMPARE(s->secrets[0].meta.annotations.at("kubernetes.io/service-account.name"), std::string("sa"));
    QVERIFY(secretMetadataToList(R"({"kind":"SecretList","items":[]})").empty());
}

void TestLivePull::retriesTooManyRequests()
{
    m_server->setStatusOverride(QStringLiteral("/apis/rbac.authorization.k8s.io/v1/clusterroles"), 429, {}, 1);
    const auto r = pullSnapshot(connection());
    QVERIFY2(r.ok, r.error.c_str());
    QVERIFY(r.complete());
    std::size_t clusterRoles = 0;
    for (const auto& role : r.snapshot->roles)
        clusterRoles += role.cluster ? 1 : 0;
    QVERIFY(clusterRoles > 50);
}

void TestLivePull::cancelDuringSlowResponses()
{
    m_server->setDelay(QStringLiteral("/api/v1/pods"), 5000);
    QElapsedTimer t;
    t.start();
    PullOptions options;
    options.canceled = [&] { return t.elapsed() > 300; };
    const auto r = pullSnapshot(connection(), options);
    QVERIFY(!r.ok);
    QVERIFY(r.canceled);
    QVERIFY(!r.snapshot);
    QVERIFY2(t.elapsed() < 3000, "cancel does not wait for slow answers");
}

void TestLivePull::readOnlyGate_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("permitted");
    QTest::newRow("GET list") << QByteArray("GET") << QStringLiteral("/api/v1/pods?limit=500") << true;
    QTest::newRow("GET discovery") << QByteArray("GET") << QStringLiteral("/apis") << true;
    QTest::newRow("POST SAR") << QByteArray("POST") << QStringLiteral("/apis/authorization.k8s.io/v1/subjectaccessreviews") << true;
    QTest::newRow("POST SSAR") << QByteArray("POST") << QStringLiteral("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews") << true;
    QTest::newRow("POST SSRR") << QByteArray("POST") << QStringLiteral("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews") << true;
    QTest::newRow("POST LSAR") << QByteArray("POST") << QStringLiteral("/apis/authorization.k8s.io/v1/namespaces/a/localsubjectaccessreviews") << true;
    QTest::newRow("POST pod") << QByteArray("POST") << QStringLiteral("/api/v1/namespaces/a/pods") << false;
    QTest::newRow("POST token request") << QByteArray("POST") << QStringLiteral("/api/v1/namespaces/a/serviceaccounts/s/token") << false;
    QTest::newRow("POST TokenReview") << QByteArray("POST") << QStringLiteral("/apis/authentication.k8s.io/v1/tokenreviews") << false;
    QTest::newRow("POST SAR lookalike") << QByteArray("POST") << QStringLiteral("/apis/authorization.k8s.io/v1/subjectaccessreviews/x") << false;
    QTest::newRow("POST traversal") << QByteArray("POST") << QStringLiteral("/apis/authorization.k8s.io/v1/../../api/v1/namespaces/a/pods") << false;
    QTest::newRow("PUT") << QByteArray("PUT") << QStringLiteral("/api/v1/namespaces/a") << false;
    QTest::newRow("PATCH") << QByteArray("PATCH") << QStringLiteral("/api/v1/namespaces/a") << false;
    QTest::newRow("DELETE") << QByteArray("DELETE") << QStringLiteral("/api/v1/namespaces/a") << false;
    QTest::newRow("get lower-case") << QByteArray("get") << QStringLiteral("/api") << false;
    QTest::newRow("GET relative") << QByteArray("GET") << QStringLiteral("api/v1") << false;
    QTest::newRow("GET traversal") << QByteArray("GET") << QStringLiteral("/api/../x") << false;
}

void TestLivePull::readOnlyGate()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(bool, permitted);
    QString why;
    QCOMPARE(ApiClient::isPermitted(method, path, &why), permitted);
    if (!permitted)
        QVERIFY(!why.isEmpty());
}

void TestLivePull::readOnlyGateRefusesBeforeSending()
{
    ApiClient client(connection());
    const auto refused = client.postAccessReviewSync(QStringLiteral("/api/v1/namespaces/default/pods"), "{}");
    QVERIFY(refused.transportError);
    QVERIFY(refused.error.contains(QLatin1String("read-only")));
    QCOMPARE(client.requestsRefused(), 1);
    QCOMPARE(client.requestsSent(), 0);
    QVERIFY(m_server->requests().isEmpty()); // not a byte went out
    const auto ok = client.getSync(QStringLiteral("/version"));
    QVERIFY(ok.ok());
    QCOMPARE(m_server->requests().size(), 1);
}

void TestLivePull::onlyTheApiClientTalksToTheNetwork()
{
    // The read-only gate is only a guarantee if nothing else can send: no other source creates a network manager,
    // socket or reply of its own.
    const QStringList forbidden {QStringLiteral("QNetworkAccessManager"), QStringLiteral("QTcpSocket"),
                                 QStringLiteral("QSslSocket"), QStringLiteral("QUdpSocket"), QStringLiteral("curl_"),
                                 QStringLiteral("QNetworkRequest")};
    int scanned = 0;
    for (const auto* dir : {"models", "ui", "app"}) {
        QDirIterator it(QStringLiteral(RBX_SOURCE_DIR) + u'/' + QLatin1String(dir), {QStringLiteral("*.cpp"), QStringLiteral("*.h")},
                        QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const auto path = it.next();
            ++scanned;
            if (path.endsWith(QLatin1String("models/cluster/apiclient.cpp"))
                || path.endsWith(QLatin1String("models/cluster/apiclient.h")))
                continue;
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const auto text = QString::fromUtf8(f.readAll());
            for (const auto& word : forbidden)
                QVERIFY2(!text.contains(word), qPrintable(path + QStringLiteral(" uses ") + word));
        }
    }
    QVERIFY(scanned > 100);
}

void TestLivePull::crossCheckFindsTheWebhook()
{
    const auto pulled = pullSnapshot(connection());
    QVERIFY2(pulled.ok, pulled.error.c_str());
    auto policy = std::make_shared<Policy>(pulled.snapshot);
    // The server answers as RBAC would, plus a "webhook" that lets everyone get nodes.
    m_server->setAccessReviewHandler([policy](const QJsonObject& spec, QString* reason) {
        const auto ra = spec.value(QStringLiteral("resourceAttributes")).toObject();
        if (ra.value(QStringLiteral("resource")).toString() == QLatin1String("nodes")
            && ra.value(QStringLiteral("verb")).toString() == QLatin1String("get")
            && ra.value(QStringLiteral("subresource")).toString().isEmpty()) {
            *reason = QStringLiteral("allowed by webhook");
            return true;
        }
        return test::authorizeSpec(*policy, spec, reason);
    });
    UserInfo user;
    user.name = "system:serviceaccount:payments:deployer";
    user.groups = {"system:serviceaccounts", "system:serviceaccounts:payments", "system:authenticated"};
    const auto requests = sampleRequests(*policy, user, "kube-system", 400);
    QVERIFY(requests.size() > 100);
    bool hasNodes = false;
    for (const auto& r : requests)
        hasNodes = hasNodes || (r.resource.resource == "nodes" && r.resource.verb == "get" && r.resource.subresource.empty());
    QVERIFY2(hasNodes, "the samples cover cluster-scoped resources");
    const auto result = crossCheck(connection(), *policy, requests);
    QVERIFY2(result.ok, result.error.c_str());
    QCOMPARE(result.failures(), std::size_t(0));
    QCOMPARE(result.disagreements(), std::size_t(1));
    for (const auto& s : result.samples)
        if (s.disagrees()) {
            QCOMPARE(s.request.resource.resource, std::string("nodes"));
            QVERIFY(!s.ours);
            QCOMPARE(s.serverReason, std::string("allowed by webhook"));
        }
    int posts = 0;
    for (const auto& q : m_server->requests())
        if (q.method == "POST") {
            ++posts;
            QCOMPARE(q.path, QStringLiteral("/apis/authorization.k8s.io/v1/subjectaccessreviews"));
        }
    QCOMPARE(posts, static_cast<int>(requests.size()));

    // A user who may not create subjectaccessreviews gets a clear error.
    m_server->forbid(QStringLiteral("/apis/authorization.k8s.io/v1/subjectaccessreviews"));
    const auto denied = crossCheck(connection(), *policy, requests);
    QVERIFY(!denied.ok);
    QVERIFY2(denied.error.find("may not") != std::string::npos || denied.error.find("does not allow") != std::string::npos,
             denied.error.c_str());
}

void TestLivePull::throughProxyUrl()
{
    // proxy-url: every request goes through the CONNECT tunnel, TLS still verified end to end.
    ConnectProxy proxy;
    QVERIFY(proxy.port() > 0);
    auto c = connection();
    c.proxyUrl = "http://127.0.0.1:" + std::to_string(proxy.port());
    const auto r = pullSnapshot(c);
    QVERIFY2(r.ok, r.error.c_str());
    QVERIFY(!proxy.tunnels.isEmpty());
    for (const auto& t : proxy.tunnels)
        QCOMPARE(t, QStringLiteral("127.0.0.1:%1").arg(m_server->port()));
    // A proxy that is not there fails plainly.
    c.proxyUrl = "http://127.0.0.1:1";
    const auto failed = pullSnapshot(c);
    QVERIFY(!failed.ok);
    QVERIFY2(failed.error.find("proxy") != std::string::npos, failed.error.c_str());
}

QTEST_GUILESS_MAIN(TestLivePull)
#include "tst_livepull.moc"
