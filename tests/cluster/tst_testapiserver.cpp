// SPDX-License-Identifier: Apache-2.0
// The fake API server itself, driven by a plain QNetworkAccessManager (and raw QSslSockets): authentication by
// bearer, basic and client certificate, keep-alive and concurrent connections over HTTP/1.1, pagination, expired
// continue tokens, 403/404/405/406, per-namespace lists, metadata-only lists, aggregated discovery, access reviews,
// injected statuses and delays, and server certificate verification.
#include "cluster/testapiserver.h"
#include "cluster/testpki.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSet>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

#include <memory>

using namespace rbx::test;

namespace {

constexpr int kTimeoutMs = 5000;
const QString kSecrets = QStringLiteral("/api/v1/secrets");
const QString kServiceAccounts = QStringLiteral("/api/v1/serviceaccounts");
const QString kRbac = QStringLiteral("/apis/rbac.authorization.k8s.io/v1");
const QString kSar = QStringLiteral("/apis/authorization.k8s.io/v1/subjectaccessreviews");
const QString kSsar = QStringLiteral("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
const QByteArray kPartialAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

QString enc(const QString& s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s));
}

QJsonObject meta(const QString& ns, const QString& name)
{
    QJsonObject m {{QLatin1String("name"), name}, {QLatin1String("uid"), QString(u"uid-" + ns + u'-' + name)}};
    if (!ns.isEmpty())
        m.insert(QLatin1String("namespace"), ns);
    return m;
}

QJsonObject object(const QString& ns, const QString& name, const QJsonObject& extra = {})
{
    QJsonObject o = extra;
    o.insert(QLatin1String("metadata"), meta(ns, name));
    return o;
}

QStringList names(const QJsonArray& items)
{
    QStringList out;
    for (const QJsonValue& v : items) {
        const QJsonObject m = v.toObject().value(QLatin1String("metadata")).toObject();
        const QString ns = m.value(QLatin1String("namespace")).toString();
        const QString name = m.value(QLatin1String("name")).toString();
        out << (ns.isEmpty() ? name : QString(ns + u'/' + name));
    }
    return out;
}

struct Options
{
    QByteArray method = "GET";
    QByteArray body;
    QByteArray authorization = "Bearer tok-123";
    QByteArray accept;
    QByteArray caPem; // default: the test CA
    QByteArray certPem; // client certificate
    QByteArray keyPem;
};

struct Reply
{
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QByteArray contentType;
    QByteArray retryAfter;
    bool http2 = false;
    bool finished = false;
};

// Reads HTTP/1.1 responses with Content-Length bodies from a blocking socket; heads[i]: response i has no body.
QList<QPair<int, QByteArray>> readResponses(QSslSocket& socket, const QList<bool>& heads)
{
    const qsizetype n = heads.size();
    QList<QPair<int, QByteArray>> out;
    QByteArray buffer;
    QElapsedTimer timer;
    timer.start();
    while (out.size() < n && timer.elapsed() < kTimeoutMs) {
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd >= 0) {
            const QByteArray head = buffer.left(headerEnd).toLower();
            const qsizetype cl = head.indexOf("content-length:");
            const qsizetype length = cl < 0 || heads[out.size()]
                ? 0
                : head.mid(cl + 15, head.indexOf('\r', cl) - cl - 15).trimmed().toLongLong();
            if (buffer.size() >= headerEnd + 4 + length) {
                out.append({buffer.mid(9, 3).toInt(), buffer.mid(headerEnd + 4, length)});
                buffer.remove(0, headerEnd + 4 + length);
                continue;
            }
        }
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(kTimeoutMs - static_cast<int>(timer.elapsed())))
            break;
        buffer += socket.readAll();
    }
    return out;
}

} // namespace

class TestTestApiServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void pkiLoadsInQt_data();
    void pkiLoadsInQt();
    void pkiContents();
    void passwordAndTokenAuth_data();
    void passwordAndTokenAuth();
    void clientCertAuth_data();
    void clientCertAuth();
    void keepAliveOverHttp1();
    void concurrentConnections();
    void rawPipelinedAndChunked();
    void pagination();
    void pageSizeCap();
    void continueTokenMustBeEncoded();
    void expiredContinue();
    void forbidden_data();
    void forbidden();
    void perNamespace_data();
    void perNamespace();
    void singleObjects_data();
    void singleObjects();
    void metadataOnlySecrets_data();
    void metadataOnlySecrets();
    void notAcceptable_data();
    void notAcceptable();
    void aggregatedDiscovery_data();
    void aggregatedDiscovery();
    void methodNotAllowed_data();
    void methodNotAllowed();
    void unknownPath_data();
    void unknownPath();
    void accessReviews_data();
    void accessReviews();
    void accessReviewErrors_data();
    void accessReviewErrors();
    void statusOverride_data();
    void statusOverride();
    void delay();
    void serverVerification_data();
    void serverVerification();
    void otherCaFailsForNam();
    void recordsEverything();
    void stopAndRestart();
    void childProcessWhileBlocked();

private:
    Reply send(const QString& target, const Options& o = {});
    QNetworkReply* start(const QString& target, const Options& o = {});
    static Reply collect(QNetworkReply* reply);
    QSslConfiguration clientTls(const QByteArray& caPem) const;
    QStringList pageThrough(const QString& path, int limit, QStringList* versions);

    Pki m_pki;
    std::unique_ptr<TestApiServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QJsonArray m_manyItems;
};

void TestTestApiServer::initTestCase()
{
    QVERIFY(QSslSocket::supportsSsl());
    QCOMPARE(QSslSocket::activeBackend(), QStringLiteral("openssl"));
    QElapsedTimer timer;
    timer.start();
    m_pki = Pki::generate(QStringLiteral("jane"), {QStringLiteral("reviewers"), QStringLiteral("auditors")});
    qInfo("PKI generated in %lld ms", timer.elapsed());
    for (int i = 0; i < 1200; ++i)
        m_manyItems.append(
            object(QStringLiteral("ns-%1").arg(i % 7), QStringLiteral("cm-%1").arg(i, 4, 10, QLatin1Char('0'))));
}

void TestTestApiServer::init()
{
    m_server = std::make_unique<TestApiServer>(m_pki);
    m_server->acceptBearer(
        "tok-123", QStringLiteral("alice"), {QStringLiteral("devs"), QStringLiteral("system:authenticated")});
    m_server->acceptBasic("admin", "s3cret", QStringLiteral("admin-user"));

    m_server->addObject(QStringLiteral("/version"),
        {{QLatin1String("major"), QStringLiteral("1")}, {QLatin1String("minor"), QStringLiteral("30")},
            {QLatin1String("gitVersion"), QStringLiteral("v1.30.2")}});
    m_server->addObject(QStringLiteral("/apis"),
        {{QLatin1String("kind"), QStringLiteral("APIGroupList")}, {QLatin1String("apiVersion"), QStringLiteral("v1")},
            {QLatin1String("groups"), QJsonArray()}});
    m_server->addAggregatedDiscovery(QStringLiteral("/apis"),
        {{QLatin1String("kind"), QStringLiteral("APIGroupDiscoveryList")},
            {QLatin1String("apiVersion"), QStringLiteral("apidiscovery.k8s.io/v2")},
            {QLatin1String("metadata"), QJsonObject()}, {QLatin1String("items"), QJsonArray()}});
    m_server->addList(kServiceAccounts, QStringLiteral("ServiceAccountList"), QStringLiteral("v1"),
        {object(QStringLiteral("a"), QStringLiteral("default")),
            object(QStringLiteral("a"), QStringLiteral("deployer")),
            object(QStringLiteral("b"), QStringLiteral("default")),
            object(QStringLiteral("kube-system"), QStringLiteral("default"))});
    const QString saToken = QStringLiteral("kubernetes.io/service-account-token");
    QJsonObject legacy = object(QStringLiteral("b"), QStringLiteral("legacy-token"),
        {{QLatin1String("type"), saToken},
            {QLatin1String("data"), QJsonObject {{QLatin1String("token"), QStringLiteral("UExBTlRFRC1UT0tFTg==")}}}});
    QJsonObject legacyMeta = legacy.value(QLatin1String("metadata")).toObject();
    legacyMeta.insert(QLatin1String("managedFields"),
        QJsonArray {QJsonObject {{QLatin1String("manager"), QStringLiteral("kube-controller-manager")},
            {QLatin1String("operation"), QStringLiteral("Update")}}});
    legacy.insert(QLatin1String("metadata"), legacyMeta);
    m_server->addList(kSecrets, QStringLiteral("SecretList"), QStringLiteral("v1"),
        {object(QStringLiteral("a"), QStringLiteral("deployer-token"),
             {{QLatin1String("type"), saToken},
                 {QLatin1String("data"), QJsonObject {{QLatin1String("token"), QStringLiteral("UExBTlRFRC1BQUFB")}}}}),
            object(QStringLiteral("a"), QStringLiteral("db-password"),
                {{QLatin1String("type"), QStringLiteral("Opaque")},
                    {QLatin1String("data"),
                        QJsonObject {{QLatin1String("password"), QStringLiteral("UExBTlRFRC1QQVNT")}}}}),
            legacy});
    m_server->addList(kRbac + QLatin1String("/rolebindings"), QStringLiteral("RoleBindingList"),
        QStringLiteral("rbac.authorization.k8s.io/v1"),
        {object(QStringLiteral("a"), QStringLiteral("rb-a")), object(QStringLiteral("b"), QStringLiteral("rb-b"))});
    m_server->addList(kRbac + QLatin1String("/clusterroles"), QStringLiteral("ClusterRoleList"),
        QStringLiteral("rbac.authorization.k8s.io/v1"),
        {object({}, QStringLiteral("view")), object({}, QStringLiteral("edit"))});
    m_server->addList(
        QStringLiteral("/api/v1/configmaps"), QStringLiteral("ConfigMapList"), QStringLiteral("v1"), m_manyItems);
    QVERIFY(m_server->start() > 0);
    m_nam = std::make_unique<QNetworkAccessManager>();
}

void TestTestApiServer::cleanup()
{
    m_nam.reset();
    m_server.reset();
}

QSslConfiguration TestTestApiServer::clientTls(const QByteArray& caPem) const
{
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setCaCertificates(QSslCertificate::fromData(caPem.isEmpty() ? m_pki.caCertPem : caPem, QSsl::Pem));
    conf.setPeerVerifyMode(QSslSocket::VerifyPeer);
    return conf;
}

QNetworkReply* TestTestApiServer::start(const QString& target, const Options& o)
{
    QNetworkRequest request(QUrl(m_server->url() + target));
    QSslConfiguration conf = clientTls(o.caPem);
    if (!o.certPem.isEmpty()) {
        const QSslCertificate cert(o.certPem, QSsl::Pem);
        conf.setLocalCertificate(cert);
        conf.setPrivateKey(QSslKey(o.keyPem, cert.publicKey().algorithm(), QSsl::Pem, QSsl::PrivateKey));
    }
    request.setSslConfiguration(conf);
    request.setTransferTimeout(kTimeoutMs);
    if (!o.authorization.isEmpty())
        request.setRawHeader("Authorization", o.authorization);
    if (!o.accept.isEmpty())
        request.setRawHeader("Accept", o.accept);
    if (!o.body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    return m_nam->sendCustomRequest(request, o.method, o.body);
}

Reply TestTestApiServer::collect(QNetworkReply* reply)
{
    if (!reply->isFinished()) {
        QSignalSpy spy(reply, &QNetworkReply::finished);
        spy.wait(kTimeoutMs);
    }
    Reply r;
    r.finished = reply->isFinished();
    r.error = reply->error();
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.json = QJsonDocument::fromJson(r.body).object();
    r.contentType = reply->rawHeader("Content-Type");
    r.retryAfter = reply->rawHeader("Retry-After");
    r.http2 = reply->attribute(QNetworkRequest::Http2WasUsedAttribute).toBool();
    reply->deleteLater();
    return r;
}

Reply TestTestApiServer::send(const QString& target, const Options& o)
{
    return collect(start(target, o));
}

QStringList TestTestApiServer::pageThrough(const QString& path, int limit, QStringList* versions)
{
    QStringList all;
    QString token;
    for (int page = 0; page < 100; ++page) {
        QString target = path + QStringLiteral("?limit=%1").arg(limit);
        if (!token.isEmpty())
            target += QStringLiteral("&continue=") + enc(token);
        const Reply r = send(target);
        if (r.status != 200)
            return {};
        const QJsonObject m = r.json.value(QLatin1String("metadata")).toObject();
        versions->append(m.value(QLatin1String("resourceVersion")).toString());
        all += names(r.json.value(QLatin1String("items")).toArray());
        token = m.value(QLatin1String("continue")).toString();
        if (token.isEmpty())
            break;
    }
    return all;
}

void TestTestApiServer::pkiLoadsInQt_data()
{
    QTest::addColumn<QByteArray>("cert");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QSsl::KeyAlgorithm>("algorithm");
    QTest::addColumn<QByteArray>("keyHeader");
    QTest::addRow("ca") << m_pki.caCertPem << m_pki.caKeyPem << QSsl::Ec << QByteArray("-----BEGIN PRIVATE KEY-----");
    QTest::addRow("server") << m_pki.serverCertPem << m_pki.serverKeyPem << QSsl::Ec
                            << QByteArray("-----BEGIN PRIVATE KEY-----");
    QTest::addRow("client") << m_pki.clientCertPem << m_pki.clientKeyPem << QSsl::Rsa
                            << QByteArray("-----BEGIN RSA PRIVATE KEY-----");
    QTest::addRow("expired client") << m_pki.expiredClientCertPem << m_pki.expiredClientKeyPem << QSsl::Ec
                                    << QByteArray("-----BEGIN EC PRIVATE KEY-----");
    QTest::addRow("untrusted client") << m_pki.untrustedClientCertPem << m_pki.untrustedClientKeyPem << QSsl::Ec
                                      << QByteArray("-----BEGIN PRIVATE KEY-----");
}

void TestTestApiServer::pkiLoadsInQt()
{
    QFETCH(QByteArray, cert);
    QFETCH(QByteArray, key);
    QFETCH(QSsl::KeyAlgorithm, algorithm);
    QFETCH(QByteArray, keyHeader);
    const QSslCertificate c(cert, QSsl::Pem);
    QVERIFY(!c.isNull());
    QCOMPARE(c.publicKey().algorithm(), algorithm);
    QVERIFY(key.startsWith(keyHeader));
    const QSslKey k(key, algorithm, QSsl::Pem, QSsl::PrivateKey);
    QVERIFY(!k.isNull());
    QCOMPARE(k.algorithm(), algorithm);
    QCOMPARE(k.length(), algorithm == QSsl::Rsa ? 2048 : 256);
}

void TestTestApiServer::pkiContents()
{
    const QSslCertificate ca(m_pki.caCertPem, QSsl::Pem);
    QVERIFY(ca.isSelfSigned());
    QCOMPARE(ca.subjectInfo(QSslCertificate::CommonName), QStringList {QStringLiteral("rbx-test-ca")});

    const QSslCertificate server(m_pki.serverCertPem, QSsl::Pem);
    QCOMPARE(server.issuerInfo(QSslCertificate::CommonName), QStringList {QStringLiteral("rbx-test-ca")});
    const auto san = server.subjectAlternativeNames();
    QCOMPARE(QStringList(san.values(QSsl::DnsEntry)).size(), 2);
    QVERIFY(san.values(QSsl::DnsEntry).contains(QStringLiteral("localhost")));
    QVERIFY(san.values(QSsl::DnsEntry).contains(QStringLiteral("kubernetes.test")));
    QCOMPARE(san.values(QSsl::IpAddressEntry), QList<QString> {QStringLiteral("127.0.0.1")});
    QVERIFY(server.effectiveDate() < QDateTime::currentDateTimeUtc());
    QVERIFY(server.expiryDate() > QDateTime::currentDateTimeUtc());

    const QSslCertificate client(m_pki.clientCertPem, QSsl::Pem);
    QCOMPARE(client.subjectInfo(QSslCertificate::CommonName), QStringList {QStringLiteral("jane")});
    QStringList organizations = client.subjectInfo(QSslCertificate::Organization);
    organizations.sort(); // Qt lists repeated attributes in reverse; the server reads them in order with OpenSSL
    QCOMPARE(organizations, (QStringList {QStringLiteral("auditors"), QStringLiteral("reviewers")}));
    QCOMPARE(client.issuerInfo(QSslCertificate::CommonName), QStringList {QStringLiteral("rbx-test-ca")});

    const QSslCertificate expired(m_pki.expiredClientCertPem, QSsl::Pem);
    QVERIFY(expired.expiryDate() < QDateTime::currentDateTimeUtc());
    QCOMPARE(expired.subjectInfo(QSslCertificate::CommonName), QStringList {QStringLiteral("jane")});

    const QSslCertificate other(m_pki.otherCaCertPem, QSsl::Pem);
    QVERIFY(other.isSelfSigned());
    QVERIFY(other != ca);
    const QSslCertificate untrusted(m_pki.untrustedClientCertPem, QSsl::Pem);
    QCOMPARE(untrusted.issuerInfo(QSslCertificate::CommonName), QStringList {QStringLiteral("rbx-other-ca")});

    const Pki defaults = Pki::generate();
    const QSslCertificate defaultClient(defaults.clientCertPem, QSsl::Pem);
    QCOMPARE(defaultClient.subjectInfo(QSslCertificate::CommonName), QStringList {QStringLiteral("jane")});
    QCOMPARE(defaultClient.subjectInfo(QSslCertificate::Organization), QStringList {QStringLiteral("reviewers")});
    QVERIFY(defaults.caCertPem != m_pki.caCertPem);
}

void TestTestApiServer::passwordAndTokenAuth_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QStringList>("groups");
    const QStringList aliceGroups {QStringLiteral("devs"), QStringLiteral("system:authenticated")};
    QTest::addRow("bearer") << QByteArray("Bearer tok-123") << 200 << QStringLiteral("alice") << aliceGroups;
    QTest::addRow("bearer, lower-case scheme")
        << QByteArray("bearer tok-123") << 200 << QStringLiteral("alice") << aliceGroups;
    QTest::addRow("unknown bearer") << QByteArray("Bearer tok-999") << 401 << QString() << QStringList();
    QTest::addRow("empty bearer") << QByteArray("Bearer ") << 401 << QString() << QStringList();
    QTest::addRow("no credentials") << QByteArray() << 401 << QString() << QStringList();
    QTest::addRow("basic") << QByteArray("Basic " + QByteArray("admin:s3cret").toBase64()) << 200
                           << QStringLiteral("admin-user") << QStringList();
    QTest::addRow("basic, wrong password")
        << QByteArray("Basic " + QByteArray("admin:guess").toBase64()) << 401 << QString() << QStringList();
    QTest::addRow("basic credentials as bearer")
        << QByteArray("Bearer " + QByteArray("admin:s3cret").toBase64()) << 401 << QString() << QStringList();
}

void TestTestApiServer::passwordAndTokenAuth()
{
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    QFETCH(QString, user);
    QFETCH(QStringList, groups);
    Options o;
    o.authorization = authorization;
    const Reply r = send(QStringLiteral("/version"), o);
    QVERIFY(r.finished);
    QCOMPARE(r.status, status);
    if (status == 401) {
        QCOMPARE(r.json.value(QLatin1String("kind")).toString(), QStringLiteral("Status"));
        QCOMPARE(r.json.value(QLatin1String("reason")).toString(), QStringLiteral("Unauthorized"));
        QCOMPARE(r.json.value(QLatin1String("code")).toInt(), 401);
    } else {
        QCOMPARE(r.json.value(QLatin1String("gitVersion")).toString(), QStringLiteral("v1.30.2"));
    }
    const auto recorded = m_server->requests();
    QCOMPARE(recorded.size(), 1);
    QCOMPARE(recorded[0].authorization, authorization.trimmed());
    QCOMPARE(recorded[0].user, user);
    QCOMPARE(recorded[0].groups, groups);
    QCOMPARE(recorded[0].status, status);
}

void TestTestApiServer::clientCertAuth_data()
{
    QTest::addColumn<QByteArray>("cert");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<bool>("request");
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QStringList>("groups");
    const QStringList janeGroups {QStringLiteral("reviewers"), QStringLiteral("auditors")};
    const QStringList aliceGroups {QStringLiteral("devs"), QStringLiteral("system:authenticated")};
    const QByteArray none;
    const QByteArray bearer("Bearer tok-123");
    QTest::addRow("valid certificate: CN and O")
        << m_pki.clientCertPem << m_pki.clientKeyPem << true << none << 200 << QStringLiteral("jane") << janeGroups;
    QTest::addRow("certificate wins over a bad token")
        << m_pki.clientCertPem << m_pki.clientKeyPem << true << QByteArray("Bearer nope") << 200
        << QStringLiteral("jane") << janeGroups;
    QTest::addRow("expired certificate") << m_pki.expiredClientCertPem << m_pki.expiredClientKeyPem << true << none
                                         << 401 << QString() << QStringList();
    QTest::addRow("certificate from an unknown CA") << m_pki.untrustedClientCertPem << m_pki.untrustedClientKeyPem
                                                    << true << none << 401 << QString() << QStringList();
    QTest::addRow("server certificate (no clientAuth)")
        << m_pki.serverCertPem << m_pki.serverKeyPem << true << none << 401 << QString() << QStringList();
    QTest::addRow("no certificate, bearer")
        << none << none << true << bearer << 200 << QStringLiteral("alice") << aliceGroups;
    QTest::addRow("expired certificate, bearer") << m_pki.expiredClientCertPem << m_pki.expiredClientKeyPem << true
                                                 << bearer << 200 << QStringLiteral("alice") << aliceGroups;
    QTest::addRow("no certificate, nothing") << none << none << true << none << 401 << QString() << QStringList();
    QTest::addRow("certificate not requested")
        << m_pki.clientCertPem << m_pki.clientKeyPem << false << none << 401 << QString() << QStringList();
}

void TestTestApiServer::clientCertAuth()
{
    QFETCH(QByteArray, cert);
    QFETCH(QByteArray, key);
    QFETCH(bool, request);
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    QFETCH(QString, user);
    QFETCH(QStringList, groups);
    m_server->setRequireClientCert(request);
    Options o;
    o.certPem = cert;
    o.keyPem = key;
    o.authorization = authorization;
    const Reply r = send(kServiceAccounts, o);
    QCOMPARE(r.error == QNetworkReply::NoError, status == 200);
    QCOMPARE(r.status, status);
    const auto recorded = m_server->requests();
    QCOMPARE(recorded.size(), 1);
    QCOMPARE(recorded[0].user, user);
    QCOMPARE(recorded[0].groups, groups);
}

void TestTestApiServer::keepAliveOverHttp1()
{
    for (int i = 0; i < 5; ++i) {
        const Reply r = send(QStringLiteral("/version"));
        QCOMPARE(r.status, 200);
        QVERIFY(!r.http2); // Qt offers h2 by ALPN; the server does not answer, so HTTP/1.1 it is
    }
    const auto recorded = m_server->requests();
    QCOMPARE(recorded.size(), 5);
    for (const auto& r : recorded)
        QCOMPARE(r.connection, recorded[0].connection);
}

void TestTestApiServer::concurrentConnections()
{
    m_server->setDelay(QStringLiteral("/version"), 150);
    QElapsedTimer timer;
    timer.start();
    QList<QNetworkReply*> replies;
    for (int i = 0; i < 12; ++i)
        replies << start(QStringLiteral("/version"));
    for (QNetworkReply* reply : std::as_const(replies))
        QCOMPARE(collect(reply).status, 200);
    const qint64 elapsed = timer.elapsed();
    QSet<int> connections;
    for (const auto& r : m_server->requests())
        connections.insert(r.connection);
    QVERIFY2(connections.size() > 1 && connections.size() <= 6, qPrintable(QString::number(connections.size())));
    QVERIFY2(elapsed < 12 * 150, qPrintable(QString::number(elapsed))); // served in parallel, not one by one
}

void TestTestApiServer::rawPipelinedAndChunked()
{
    // The test thread blocks here without an event loop: the server answers from its own thread.
    QSslSocket socket;
    socket.setSslConfiguration(clientTls({}));
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_server->port());
    QVERIFY2(socket.waitForEncrypted(kTimeoutMs), qPrintable(socket.errorString()));
    const QByteArray review = R"({"kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":"list"}}})";
    QByteArray chunked;
    for (qsizetype i = 0; i < review.size(); i += 10)
        chunked += QByteArray::number(review.mid(i, 10).size(), 16) + "\r\n" + review.mid(i, 10) + "\r\n";
    chunked += "0\r\n\r\n";
    const QByteArray auth = "Authorization: Bearer tok-123\r\n";
    socket.write("GET /version HTTP/1.1\r\nHost: x\r\n" + auth
        + "\r\n"
          "POST "
        + kSsar.toLatin1() + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: " + QByteArray::number(review.size())
        + "\r\n\r\n" + review + "POST " + kSsar.toLatin1() + " HTTP/1.1\r\nHost: x\r\n" + auth
        + "Transfer-Encoding: chunked\r\n\r\n" + chunked + "HEAD /version HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"
        + "GET /api/v1/namespaces/a/serviceaccounts HTTP/1.1\r\nHost: x\r\n" + auth + "Connection: close\r\n\r\n");
    const auto responses = readResponses(socket, {false, false, false, true, false});
    QCOMPARE(responses.size(), 5);
    QCOMPARE(responses[0].first, 200);
    QCOMPARE(responses[1].first, 201);
    QCOMPARE(responses[2].first, 201);
    QCOMPARE(responses[3].first, 405); // HEAD is not GET; the framing survives the bodiless answer
    QCOMPARE(responses[4].first, 200);
    QCOMPARE(names(QJsonDocument::fromJson(responses[4].second).object().value(QLatin1String("items")).toArray()),
        (QStringList {QStringLiteral("a/default"), QStringLiteral("a/deployer")}));
    QVERIFY(socket.state() == QAbstractSocket::UnconnectedState || socket.waitForDisconnected(kTimeoutMs));

    const auto recorded = m_server->requests();
    QCOMPARE(recorded.size(), 5);
    for (const auto& r : recorded)
        QCOMPARE(r.connection, recorded[0].connection);
    QCOMPARE(recorded[1].body, review);
    QCOMPARE(recorded[2].body, review);
    QCOMPARE(recorded[3].method, QByteArray("HEAD"));
}

void TestTestApiServer::pagination()
{
    QStringList versions;
    const QStringList all = pageThrough(QStringLiteral("/api/v1/configmaps"), 500, &versions);
    QCOMPARE(all, names(m_manyItems));
    QCOMPARE(versions.size(), 3);
    QCOMPARE(QSet<QString>(versions.begin(), versions.end()).size(), 1);
    QVERIFY(!versions[0].isEmpty());

    const auto recorded = m_server->requests();
    QCOMPARE(recorded.size(), 3);
    QVERIFY(!recorded[0].query.hasQueryItem(QStringLiteral("continue")));
    QVERIFY(recorded[1].query.hasQueryItem(QStringLiteral("continue")));
    for (const auto& r : recorded)
        QCOMPARE(r.query.queryItemValue(QStringLiteral("limit")), QStringLiteral("500"));

    // remainingItemCount on every page but the last
    const Reply first = send(QStringLiteral("/api/v1/configmaps?limit=500"));
    const QJsonObject m1 = first.json.value(QLatin1String("metadata")).toObject();
    QCOMPARE(first.json.value(QLatin1String("kind")).toString(), QStringLiteral("ConfigMapList"));
    QCOMPARE(first.json.value(QLatin1String("items")).toArray().size(), 500);
    QCOMPARE(m1.value(QLatin1String("remainingItemCount")).toInt(), 700);
    const QString token = m1.value(QLatin1String("continue")).toString();
    const Reply second = send(QStringLiteral("/api/v1/configmaps?limit=1000&continue=") + enc(token));
    const QJsonObject m2 = second.json.value(QLatin1String("metadata")).toObject();
    QCOMPARE(second.json.value(QLatin1String("items")).toArray().size(), 700);
    QVERIFY(!m2.contains(QLatin1String("continue")));
    QVERIFY(!m2.contains(QLatin1String("remainingItemCount")));
    QCOMPARE(
        m2.value(QLatin1String("resourceVersion")).toString(), m1.value(QLatin1String("resourceVersion")).toString());

    // a per-namespace list paginates on its own
    QStringList nsVersions;
    const QStringList ns3 = pageThrough(QStringLiteral("/api/v1/namespaces/ns-3/configmaps"), 50, &nsVersions);
    QCOMPARE(ns3.size(), 171);
    QCOMPARE(nsVersions.size(), 4);
    QVERIFY(ns3.first().startsWith(QLatin1String("ns-3/")));
    // a token of one list is no good for another
    const Reply wrongList = send(QStringLiteral("/api/v1/namespaces/ns-3/configmaps?limit=50&continue=") + enc(token));
    QCOMPARE(wrongList.status, 400);
    QCOMPARE(wrongList.json.value(QLatin1String("reason")).toString(), QStringLiteral("BadRequest"));
}

void TestTestApiServer::pageSizeCap()
{
    m_server->listPageSizeCap = 100;
    const Reply capped = send(QStringLiteral("/api/v1/configmaps?limit=500"));
    QCOMPARE(capped.json.value(QLatin1String("items")).toArray().size(), 100);
    QCOMPARE(capped.json.value(QLatin1String("metadata")).toObject().value(QLatin1String("remainingItemCount")).toInt(),
        1100);
    QStringList versions;
    QCOMPARE(pageThrough(QStringLiteral("/api/v1/configmaps"), 500, &versions), names(m_manyItems));
    QCOMPARE(versions.size(), 12);
    // without a limit the server sends everything, as the API server does
    QCOMPARE(send(QStringLiteral("/api/v1/configmaps")).json.value(QLatin1String("items")).toArray().size(), 1200);
}

void TestTestApiServer::continueTokenMustBeEncoded()
{
    const Reply first = send(QStringLiteral("/api/v1/configmaps?limit=10"));
    const QString token
        = first.json.value(QLatin1String("metadata")).toObject().value(QLatin1String("continue")).toString();
    QVERIFY(token.contains(u'+'));
    QCOMPARE(send(QStringLiteral("/api/v1/configmaps?limit=10&continue=") + token).status, 400); // '+' read as ' '
    QCOMPARE(send(QStringLiteral("/api/v1/configmaps?limit=10&continue=") + enc(token)).status, 200);
    QCOMPARE(send(QStringLiteral("/api/v1/configmaps?limit=10&continue=garbage")).status, 400);
}

void TestTestApiServer::expiredContinue()
{
    const QString path = QStringLiteral("/api/v1/configmaps");
    m_server->expireContinueOnce(path);
    const Reply first = send(path + QStringLiteral("?limit=500"));
    QCOMPARE(first.status, 200);
    const QString token
        = first.json.value(QLatin1String("metadata")).toObject().value(QLatin1String("continue")).toString();
    const Reply expired = send(path + QStringLiteral("?limit=500&continue=") + enc(token));
    QCOMPARE(expired.status, 410);
    QCOMPARE(expired.error, QNetworkReply::ContentGoneError);
    QCOMPARE(expired.json.value(QLatin1String("reason")).toString(), QStringLiteral("Expired"));
    QVERIFY(expired.json.value(QLatin1String("message"))
                .toString()
                .startsWith(QLatin1String("The provided continue parameter is too old")));
    QCOMPARE(send(path + QStringLiteral("?limit=500&continue=") + enc(token)).status, 200); // only once

    // replacing the list invalidates older tokens too
    m_server->addList(path, QStringLiteral("ConfigMapList"), QStringLiteral("v1"), m_manyItems);
    QCOMPARE(send(path + QStringLiteral("?limit=500&continue=") + enc(token)).status, 410);
}

void TestTestApiServer::forbidden_data()
{
    QTest::addColumn<QString>("rule");
    QTest::addColumn<bool>("exact");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("expected");
    const QString rb = kRbac + QLatin1String("/rolebindings");
    const QString rbA = kRbac + QLatin1String("/namespaces/a/rolebindings");
    QTest::addRow("all-namespaces list") << kSecrets << true << QString() << kSecrets << 403
                                         << QStringLiteral("secrets is forbidden: User \"alice\" cannot list resource "
                                                           "\"secrets\" in API group \"\" at the cluster scope");
    QTest::addRow("all-namespaces list, query ignored")
        << kSecrets << true << QString() << QString(kSecrets + u"?limit=5&fieldSelector=type%3DOpaque") << 403
        << QString();
    QTest::addRow("exact leaves per-namespace lists alone")
        << kSecrets << true << QString() << QStringLiteral("/api/v1/namespaces/a/secrets") << 200 << QString();
    QTest::addRow("exact leaves other paths with the same prefix alone")
        << QStringLiteral("/api/v1/secret") << true << QString() << kSecrets << 200 << QString();
    QTest::addRow("prefix covers paths below")
        << kRbac << false << QString() << rbA << 403
        << QStringLiteral(
               "rolebindings is forbidden: User \"alice\" cannot list resource \"rolebindings\" in API group "
               "\"rbac.authorization.k8s.io\" in the namespace \"a\"");
    QTest::addRow("prefix covers itself") << rb << false << QString() << rb << 403 << QString();
    QTest::addRow("prefix needs a '/' boundary")
        << QString(kRbac + u"/role") << false << QString() << rb << 200 << QString();
    QTest::addRow("named object")
        << QStringLiteral("/api/v1/namespaces/a/secrets") << false << QString()
        << QStringLiteral("/api/v1/namespaces/a/secrets/db-password") << 403
        << QStringLiteral("secrets \"db-password\" is forbidden: User \"alice\" cannot get resource \"secrets\" in API "
                          "group \"\" in the namespace \"a\"");
    QTest::addRow("non-resource path") << QStringLiteral("/version") << true << QString() << QStringLiteral("/version")
                                       << 403
                                       << QStringLiteral("forbidden: User \"alice\" cannot get path \"/version\"");
    QTest::addRow("custom message") << kSecrets << true << QStringLiteral("no secrets for you") << kSecrets << 403
                                    << QStringLiteral("no secrets for you");
}

void TestTestApiServer::forbidden()
{
    QFETCH(QString, rule);
    QFETCH(bool, exact);
    QFETCH(QString, message);
    QFETCH(QString, target);
    QFETCH(int, status);
    QFETCH(QString, expected);
    m_server->forbid(rule, message, exact);
    const Reply r = send(target);
    QCOMPARE(r.status, status);
    if (status != 403)
        return;
    QCOMPARE(r.error, QNetworkReply::ContentAccessDenied);
    QCOMPARE(r.json.value(QLatin1String("reason")).toString(), QStringLiteral("Forbidden"));
    QCOMPARE(r.json.value(QLatin1String("code")).toInt(), 403);
    if (!expected.isEmpty())
        QCOMPARE(r.json.value(QLatin1String("message")).toString(), expected);
}

void TestTestApiServer::perNamespace_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("all namespaces") << kServiceAccounts << 200
                                    << QStringList {QStringLiteral("a/default"), QStringLiteral("a/deployer"),
                                           QStringLiteral("b/default"), QStringLiteral("kube-system/default")};
    QTest::addRow("core, namespace a") << QStringLiteral("/api/v1/namespaces/a/serviceaccounts") << 200
                                       << QStringList {QStringLiteral("a/default"), QStringLiteral("a/deployer")};
    QTest::addRow("empty namespace") << QStringLiteral("/api/v1/namespaces/nowhere/serviceaccounts") << 200
                                     << QStringList();
    QTest::addRow("group, namespace b") << QString(kRbac + u"/namespaces/b/rolebindings") << 200
                                        << QStringList {QStringLiteral("b/rb-b")};
    QTest::addRow("cluster-scoped") << QString(kRbac + u"/clusterroles") << 200
                                    << QStringList {QStringLiteral("view"), QStringLiteral("edit")};
    QTest::addRow("cluster-scoped has no per-namespace path")
        << QString(kRbac + u"/namespaces/a/clusterroles") << 404 << QStringList();
    QTest::addRow("field selector on namespace")
        << QString(kServiceAccounts + u"?fieldSelector=" + enc(QStringLiteral("metadata.namespace=b"))) << 200
        << QStringList {QStringLiteral("b/default")};
    QTest::addRow("field selector !=") << QString(
        kServiceAccounts + u"?fieldSelector=" + enc(QStringLiteral("metadata.name!=default")))
                                       << 200 << QStringList {QStringLiteral("a/deployer")};
}

void TestTestApiServer::perNamespace()
{
    QFETCH(QString, target);
    QFETCH(int, status);
    QFETCH(QStringList, expected);
    const Reply r = send(target);
    QCOMPARE(r.status, status);
    if (status != 200)
        return;
    const QJsonArray items = r.json.value(QLatin1String("items")).toArray();
    QCOMPARE(names(items), expected);
    for (const QJsonValue& v : items) // as real servers send them
        QVERIFY(!v.toObject().contains(QLatin1String("kind")));
}

void TestTestApiServer::singleObjects_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("apiVersion");
    QTest::addRow("namespaced") << QStringLiteral("/api/v1/namespaces/a/serviceaccounts/deployer") << 200
                                << QStringLiteral("ServiceAccount") << QStringLiteral("v1");
    QTest::addRow("cluster-scoped") << QString(kRbac + u"/clusterroles/view") << 200 << QStringLiteral("ClusterRole")
                                    << QStringLiteral("rbac.authorization.k8s.io/v1");
    QTest::addRow("wrong namespace") << QStringLiteral("/api/v1/namespaces/b/serviceaccounts/deployer") << 404
                                     << QString() << QString();
    QTest::addRow("namespaced object without namespace")
        << QStringLiteral("/api/v1/serviceaccounts/deployer") << 404 << QString() << QString();
    QTest::addRow("subresource") << QStringLiteral("/api/v1/namespaces/a/serviceaccounts/deployer/token") << 404
                                 << QString() << QString();
}

void TestTestApiServer::singleObjects()
{
    QFETCH(QString, target);
    QFETCH(int, status);
    QFETCH(QString, kind);
    QFETCH(QString, apiVersion);
    const Reply r = send(target);
    QCOMPARE(r.status, status);
    if (status == 200) {
        QCOMPARE(r.json.value(QLatin1String("kind")).toString(), kind);
        QCOMPARE(r.json.value(QLatin1String("apiVersion")).toString(), apiVersion);
    } else {
        QCOMPARE(r.json.value(QLatin1String("reason")).toString(), QStringLiteral("NotFound"));
    }
    if (target.endsWith(QLatin1String("b/serviceaccounts/deployer")))
        QCOMPARE(r.json.value(QLatin1String("message")).toString(),
            QStringLiteral("serviceaccounts \"deployer\" not found"));
}

void TestTestApiServer::metadataOnlySecrets_data()
{
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<QString>("query");
    QTest::addColumn<bool>("partial");
    QTest::addColumn<QStringList>("expected");
    const QStringList all {
        QStringLiteral("a/deployer-token"), QStringLiteral("a/db-password"), QStringLiteral("b/legacy-token")};
    const QStringList tokens {QStringLiteral("a/deployer-token"), QStringLiteral("b/legacy-token")};
    const QString tokenSelector
        = QStringLiteral("?fieldSelector=") + enc(QStringLiteral("type=kubernetes.io/service-account-token"));
    QTest::addRow("client-go metadata Accept") << kPartialAccept << QString() << true << all;
    QTest::addRow("metadata only, with protobuf first") << QByteArray(
        "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1," + kPartialAccept)
                                                        << QString() << true << all;
    QTest::addRow("metadata only, token secrets") << kPartialAccept << tokenSelector << true << tokens;
    QTest::addRow("plain JSON") << QByteArray("application/json") << QString() << false << all;
    QTest::addRow("plain JSON, token secrets") << QByteArray("application/json") << tokenSelector << false << tokens;
    QTest::addRow("no Accept") << QByteArray() << QString() << false << all;
    QTest::addRow("*/*") << QByteArray("*/*") << QString() << false << all;
}

void TestTestApiServer::metadataOnlySecrets()
{
    QFETCH(QByteArray, accept);
    QFETCH(QString, query);
    QFETCH(bool, partial);
    QFETCH(QStringList, expected);
    Options o;
    o.accept = accept;
    const Reply r = send(kSecrets + query, o);
    QCOMPARE(r.status, 200);
    const QJsonArray items = r.json.value(QLatin1String("items")).toArray();
    QCOMPARE(names(items), expected);
    QVERIFY(!r.json.value(QLatin1String("metadata"))
                 .toObject()
                 .value(QLatin1String("resourceVersion"))
                 .toString()
                 .isEmpty());
    if (partial) {
        QCOMPARE(r.contentType, QByteArray("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"));
        QCOMPARE(r.json.value(QLatin1String("kind")).toString(), QStringLiteral("PartialObjectMetadataList"));
        QCOMPARE(r.json.value(QLatin1String("apiVersion")).toString(), QStringLiteral("meta.k8s.io/v1"));
        QVERIFY(!r.body.contains("PLANTED") && !r.body.contains("UExBTlRFRC")); // no value, not even base64
        QVERIFY(!r.body.contains("\"data\""));
        for (const QJsonValue& v : items) {
            const QJsonObject item = v.toObject();
            QCOMPARE(item.keys(),
                (QStringList {QStringLiteral("apiVersion"), QStringLiteral("kind"), QStringLiteral("metadata")}));
            QCOMPARE(item.value(QLatin1String("kind")).toString(), QStringLiteral("PartialObjectMetadata"));
        }
        if (expected.contains(QStringLiteral("b/legacy-token"))) {
            const QJsonObject last = items.last().toObject().value(QLatin1String("metadata")).toObject();
            QCOMPARE(last.value(QLatin1String("managedFields")).toArray().size(), 1);
        }
    } else {
        QCOMPARE(r.contentType, QByteArray("application/json"));
        QCOMPARE(r.json.value(QLatin1String("kind")).toString(), QStringLiteral("SecretList"));
        for (const QJsonValue& v : items)
            QVERIFY(v.toObject().contains(QLatin1String("data")));
    }
    QCOMPARE(m_server->requests().last().accept, accept);
}

void TestTestApiServer::notAcceptable_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<int>("status");
    QTest::addRow("protobuf only") << kServiceAccounts << QByteArray("application/vnd.kubernetes.protobuf") << 406;
    QTest::addRow("table only") << kServiceAccounts << QByteArray("application/json;as=Table;v=v1;g=meta.k8s.io")
                                << 406;
    QTest::addRow("table, then JSON") << kServiceAccounts
                                      << QByteArray("application/json;as=Table;v=v1;g=meta.k8s.io, application/json")
                                      << 200;
    QTest::addRow("YAML only, object") << QStringLiteral("/version") << QByteArray("application/yaml") << 406;
    QTest::addRow("JSON with parameters")
        << QStringLiteral("/version") << QByteArray("application/json; charset=utf-8") << 200;
}

void TestTestApiServer::notAcceptable()
{
    QFETCH(QString, target);
    QFETCH(QByteArray, accept);
    QFETCH(int, status);
    Options o;
    o.accept = accept;
    const Reply r = send(target, o);
    QCOMPARE(r.status, status);
    if (status == 406)
        QCOMPARE(r.json.value(QLatin1String("reason")).toString(), QStringLiteral("NotAcceptable"));
}

void TestTestApiServer::aggregatedDiscovery_data()
{
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("contentType");
    const QByteArray legacyType("application/json");
    QTest::addRow("v2, with fallback") << QByteArray(
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")
                                       << QStringLiteral("APIGroupDiscoveryList")
                                       << QByteArray(
                                              "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    QTest::addRow("v2beta1 only asked, v2 served elsewhere")
        << QByteArray("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")
        << QStringLiteral("APIGroupList") << legacyType;
    QTest::addRow("plain JSON") << QByteArray("application/json") << QStringLiteral("APIGroupList") << legacyType;
    QTest::addRow("no Accept") << QByteArray() << QStringLiteral("APIGroupList") << legacyType;
}

void TestTestApiServer::aggregatedDiscovery()
{
    QFETCH(QByteArray, accept);
    QFETCH(QString, kind);
    QFETCH(QByteArray, contentType);
    Options o;
    o.accept = accept;
    const Reply r = send(QStringLiteral("/apis"), o);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QLatin1String("kind")).toString(), kind);
    QCOMPARE(r.contentType, contentType);
}

void TestTestApiServer::methodNotAllowed_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("target");
    QTest::addRow("PUT") << QByteArray("PUT") << QStringLiteral("/api/v1/namespaces/a/serviceaccounts/default");
    QTest::addRow("DELETE") << QByteArray("DELETE") << QStringLiteral("/api/v1/namespaces/a/serviceaccounts/default");
    QTest::addRow("PATCH") << QByteArray("PATCH") << QStringLiteral("/api/v1/namespaces/a/serviceaccounts/default");
    QTest::addRow("POST to a list") << QByteArray("POST") << kServiceAccounts;
    QTest::addRow("POST to tokenreviews")
        << QByteArray("POST") << QStringLiteral("/apis/authentication.k8s.io/v1/tokenreviews");
    QTest::addRow("GET on an access review") << QByteArray("GET") << kSar;
}

void TestTestApiServer::methodNotAllowed()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, target);
    Options o;
    o.method = method;
    o.body = R"({"metadata":{"name":"default"}})";
    const Reply r = send(target, o);
    QCOMPARE(r.status, 405);
    QCOMPARE(r.json.value(QLatin1String("reason")).toString(), QStringLiteral("MethodNotAllowed"));
    const auto recorded = m_server->requests();
    QCOMPARE(recorded.size(), 1);
    QCOMPARE(recorded[0].method, method);
    QCOMPARE(recorded[0].status, 405);
    QCOMPARE(recorded[0].body, o.body);
}

void TestTestApiServer::unknownPath_data()
{
    QTest::addColumn<QString>("target");
    QTest::addRow("unknown group") << QStringLiteral("/apis/nope.example.com/v1/things");
    QTest::addRow("unknown core resource") << QStringLiteral("/api/v1/pods");
    QTest::addRow("not an API path") << QStringLiteral("/healthz");
    QTest::addRow("unknown name") << QStringLiteral("/api/v1/namespaces/a/secrets/nope");
}

void TestTestApiServer::unknownPath()
{
    QFETCH(QString, target);
    const Reply r = send(target);
    QCOMPARE(r.status, 404);
    QCOMPARE(r.error, QNetworkReply::ContentNotFoundError);
    QCOMPARE(r.json.value(QLatin1String("kind")).toString(), QStringLiteral("Status"));
    QCOMPARE(r.json.value(QLatin1String("reason")).toString(), QStringLiteral("NotFound"));
}

void TestTestApiServer::accessReviews_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<QString>("handlerUser");
    QTest::addRow("SubjectAccessReview, allowed")
        << kSar
        << QByteArray(
               R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":)"
               R"("system:serviceaccount:a:deployer","resourceAttributes":{"verb":"get","resource":"secrets","namespace":"a"}}})")
        << true << QStringLiteral("system:serviceaccount:a:deployer");
    QTest::addRow("SubjectAccessReview, denied")
        << kSar
        << QByteArray(R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"bob",)"
                      R"("resourceAttributes":{"verb":"delete","resource":"secrets"}}})")
        << false << QStringLiteral("bob");
    QTest::addRow("SelfSubjectAccessReview carries the requester to the handler")
        << kSsar
        << QByteArray(R"({"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":)"
                      R"({"resourceAttributes":{"verb":"get","resource":"pods"}}})")
        << true << QStringLiteral("alice");
    QTest::addRow("no kind") << kSsar
                             << QByteArray(R"({"spec":{"nonResourceAttributes":{"verb":"get","path":"/metrics"}}})")
                             << true << QStringLiteral("alice");
}

void TestTestApiServer::accessReviews()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(bool, allowed);
    QFETCH(QString, handlerUser);
    QList<QJsonObject> seen;
    m_server->setAccessReviewHandler([&seen](const QJsonObject& spec, QString* reason) {
        seen << spec;
        const QString verb = spec.value(QLatin1String("resourceAttributes"))
                                 .toObject()
                                 .value(QLatin1String("verb"))
                                 .toString(spec.value(QLatin1String("nonResourceAttributes"))
                                               .toObject()
                                               .value(QLatin1String("verb"))
                                               .toString());
        *reason = verb == QLatin1String("get") ? QStringLiteral("RBAC: allowed by test") : QString();
        return verb == QLatin1String("get");
    });
    Options o;
    o.method = "POST";
    o.body = body;
    const Reply r = send(path, o);
    QCOMPARE(m_server->requests().last().body, body); // also orders the handler's writes before our reads of `seen`
    QCOMPARE(r.status, 201);
    const bool self = path == kSsar;
    QCOMPARE(r.json.value(QLatin1String("kind")).toString(),
        self ? QStringLiteral("SelfSubjectAccessReview") : QStringLiteral("SubjectAccessReview"));
    QCOMPARE(r.json.value(QLatin1String("apiVersion")).toString(), QStringLiteral("authorization.k8s.io/v1"));
    const QJsonObject sentSpec = QJsonDocument::fromJson(body).object().value(QLatin1String("spec")).toObject();
    QCOMPARE(r.json.value(QLatin1String("spec")).toObject(), sentSpec); // echoed as sent
    const QJsonObject status = r.json.value(QLatin1String("status")).toObject();
    QCOMPARE(status.value(QLatin1String("allowed")).toBool(), allowed);
    QCOMPARE(status.value(QLatin1String("reason")).toString(),
        allowed ? QStringLiteral("RBAC: allowed by test") : QString());

    QCOMPARE(seen.size(), 1);
    QCOMPARE(seen[0].value(QLatin1String("user")).toString(), handlerUser);
    if (self)
        QCOMPARE(seen[0].value(QLatin1String("groups")).toArray(),
            QJsonArray::fromStringList({QStringLiteral("devs"), QStringLiteral("system:authenticated")}));
}

void TestTestApiServer::accessReviewErrors_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("handler");
    QTest::addColumn<int>("status");
    QTest::addRow("no handler: denied") << kSsar << QByteArray(R"({"spec":{}})") << false << 201;
    QTest::addRow("not JSON") << kSsar << QByteArray("spec: {}") << true << 400;
    QTest::addRow("wrong kind") << kSar << QByteArray(R"({"kind":"SelfSubjectAccessReview","spec":{}})") << true << 400;
}

void TestTestApiServer::accessReviewErrors()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(bool, handler);
    QFETCH(int, status);
    if (handler)
        m_server->setAccessReviewHandler([](const QJsonObject&, QString*) { return true; });
    Options o;
    o.method = "POST";
    o.body = body;
    const Reply r = send(path, o);
    QCOMPARE(r.status, status);
    if (status == 201)
        QCOMPARE(r.json.value(QLatin1String("status")).toObject().value(QLatin1String("allowed")).toBool(), false);
    else
        QCOMPARE(r.json.value(QLatin1String("reason")).toString(), QStringLiteral("BadRequest"));
}

void TestTestApiServer::statusOverride_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("times");
    QTest::addColumn<QString>("reason");
    QTest::addRow("406") << 406 << QByteArray() << -1 << QStringLiteral("NotAcceptable");
    QTest::addRow("429 once, with Retry-After") << 429 << QByteArray() << 1 << QStringLiteral("TooManyRequests");
    QTest::addRow("500 twice") << 500 << QByteArray() << 2 << QStringLiteral("InternalError");
    QTest::addRow("503, custom body") << 503 << QByteArray(R"({"kind":"Status","reason":"Custom"})") << -1
                                      << QStringLiteral("Custom");
    QTest::addRow("502, text body") << 502 << QByteArray("upstream connect error") << -1 << QString();
}

void TestTestApiServer::statusOverride()
{
    QFETCH(int, code);
    QFETCH(QByteArray, body);
    QFETCH(int, times);
    QFETCH(QString, reason);
    m_server->setStatusOverride(kServiceAccounts, code, body, times);
    const int rounds = times < 0 ? 3 : times;
    for (int i = 0; i < rounds; ++i) {
        const Reply r = send(kServiceAccounts);
        QCOMPARE(r.status, code);
        QCOMPARE(r.json.value(QLatin1String("reason")).toString(), reason);
        if (!body.isEmpty())
            QCOMPARE(r.body, body);
        QCOMPARE(r.retryAfter, code == 429 ? QByteArray("1") : QByteArray());
    }
    QCOMPARE(send(kServiceAccounts).status, times < 0 ? code : 200);
    QCOMPARE(send(QStringLiteral("/version")).status, 200); // other paths unaffected
}

void TestTestApiServer::delay()
{
    m_server->setDelay(kServiceAccounts, 400);
    QElapsedTimer timer;
    timer.start();
    QNetworkReply* slow = start(kServiceAccounts);
    QNetworkReply* fast = start(QStringLiteral("/version"));
    const Reply fastReply = collect(fast);
    const qint64 fastElapsed = timer.elapsed();
    QCOMPARE(fastReply.status, 200);
    QVERIFY(!slow->isFinished());
    const Reply slowReply = collect(slow);
    const qint64 slowElapsed = timer.elapsed();
    QCOMPARE(slowReply.status, 200);
    QVERIFY2(slowElapsed >= 400, qPrintable(QString::number(slowElapsed)));
    QVERIFY2(fastElapsed < 400, qPrintable(QString::number(fastElapsed)));
    // recorded before the delayed response went out
    QCOMPARE(m_server->requests().size(), 2);
}

void TestTestApiServer::serverVerification_data()
{
    QTest::addColumn<bool>("otherCa");
    QTest::addColumn<QString>("peerName");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QSslError::SslError>("error");
    QTest::addRow("test CA, 127.0.0.1") << false << QString() << true << QSslError::NoError;
    QTest::addRow("test CA, localhost") << false << QStringLiteral("localhost") << true << QSslError::NoError;
    QTest::addRow("test CA, kubernetes.test")
        << false << QStringLiteral("kubernetes.test") << true << QSslError::NoError;
    QTest::addRow("test CA, wrong name") << false << QStringLiteral("other.test") << false
                                         << QSslError::HostNameMismatch;
    QTest::addRow("other CA") << true << QString() << false << QSslError::UnableToGetLocalIssuerCertificate;
}

void TestTestApiServer::serverVerification()
{
    QFETCH(bool, otherCa);
    QFETCH(QString, peerName);
    QFETCH(bool, ok);
    QFETCH(QSslError::SslError, error);
    QSslSocket socket;
    socket.setSslConfiguration(clientTls(otherCa ? m_pki.otherCaCertPem : m_pki.caCertPem));
    QList<QSslError> errors;
    connect(&socket, &QSslSocket::sslErrors, this, [&errors](const QList<QSslError>& e) { errors = e; });
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_server->port(), peerName);
    QCOMPARE(socket.waitForEncrypted(kTimeoutMs), ok);
    if (ok) {
        QVERIFY(errors.isEmpty());
        QCOMPARE(socket.peerCertificate(), QSslCertificate(m_pki.serverCertPem, QSsl::Pem));
        QCOMPARE(socket.peerCertificateChain().size(), 1); // the leaf only, as kube-apiserver sends it
        return;
    }
    QVERIFY(!errors.isEmpty());
    QCOMPARE(errors.first().error(), error);
}

void TestTestApiServer::otherCaFailsForNam()
{
    Options o;
    o.caPem = m_pki.otherCaCertPem;
    const Reply r = send(QStringLiteral("/version"), o);
    QCOMPARE(r.error, QNetworkReply::SslHandshakeFailedError);
    QCOMPARE(r.status, 0);
    QVERIFY(m_server->requests().isEmpty());
}

void TestTestApiServer::recordsEverything()
{
    Options anonymous;
    anonymous.authorization.clear();
    Options put;
    put.method = "PUT";
    put.body = "{}";
    Options partial;
    partial.accept = kPartialAccept;
    QCOMPARE(send(QStringLiteral("/version"), anonymous).status, 401);
    QCOMPARE(send(kServiceAccounts, put).status, 405);
    QCOMPARE(
        send(QStringLiteral("/api/v1/namespaces/a/secrets?limit=1&fieldSelector=type%3DOpaque"), partial).status, 200);
    const auto recorded = m_server->requests();
    QCOMPARE(recorded.size(), 3);
    QCOMPARE(recorded[0].status, 401);
    QCOMPARE(recorded[0].user, QString());
    QCOMPARE(recorded[0].authorization, QByteArray());
    QCOMPARE(recorded[1].method, QByteArray("PUT"));
    QCOMPARE(recorded[1].user, QStringLiteral("alice"));
    QCOMPARE(recorded[2].path, QStringLiteral("/api/v1/namespaces/a/secrets"));
    QCOMPARE(recorded[2].query.queryItemValue(QStringLiteral("fieldSelector"), QUrl::FullyDecoded),
        QStringLiteral("type=Opaque"));
    QCOMPARE(recorded[2].query.queryItemValue(QStringLiteral("limit")), QStringLiteral("1"));
    QCOMPARE(recorded[2].accept, kPartialAccept);
    QCOMPARE(recorded[2].headers.value("authorization"), QByteArray("Bearer tok-123"));
    QVERIFY(recorded[2].headers.contains("host"));
    m_server->clearRequests();
    QVERIFY(m_server->requests().isEmpty());
}

void TestTestApiServer::stopAndRestart()
{
    QCOMPARE(send(QStringLiteral("/version")).status, 200);
    m_server->stop();
    QCOMPARE(m_server->port(), quint16(0));
    const quint16 port = m_server->start();
    QVERIFY(port > 0);
    m_nam = std::make_unique<QNetworkAccessManager>();
    QCOMPARE(send(QStringLiteral("/version")).status, 200);
    QCOMPARE(m_server->requests().size(), 2);
}

void TestTestApiServer::childProcessWhileBlocked()
{
    // What the CLI tests will do: the test thread blocks in waitForFinished while a child process talks to the server.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile ca(dir.filePath(QStringLiteral("ca.crt")));
    QVERIFY(ca.open(QIODevice::WriteOnly));
    ca.write(m_pki.caCertPem);
    ca.close();
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("RBX_TESTAPISERVER_CHILD_URL"),
        m_server->url() + QStringLiteral("/api/v1/namespaces/a/serviceaccounts"));
    env.insert(QStringLiteral("RBX_TESTAPISERVER_CHILD_CA"), ca.fileName());
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(child.waitForFinished(kTimeoutMs));
    QCOMPARE(child.exitCode(), 0);
    QCOMPARE(child.readAllStandardOutput().trimmed(), QByteArray("200 a/default a/deployer"));
    QCOMPARE(m_server->requests().size(), 1);
}

namespace {

// The child of childProcessWhileBlocked(): one GET with a bearer token, prints "STATUS name...".
int childMain(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QNetworkAccessManager nam;
    QNetworkRequest request(QUrl(qEnvironmentVariable("RBX_TESTAPISERVER_CHILD_URL")));
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setCaCertificates(QSslCertificate::fromPath(qEnvironmentVariable("RBX_TESTAPISERVER_CHILD_CA")));
    request.setSslConfiguration(conf);
    request.setRawHeader("Authorization", "Bearer tok-123");
    request.setTransferTimeout(kTimeoutMs);
    QNetworkReply* reply = nam.get(request);
    QObject::connect(reply, &QNetworkReply::finished, &app, &QCoreApplication::quit);
    app.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QStringList items
        = names(QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("items")).toArray());
    QTextStream(stdout) << status << ' ' << items.join(u' ') << Qt::endl;
    return status == 200 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsSet("RBX_TESTAPISERVER_CHILD_URL"))
        return childMain(argc, argv);
    QCoreApplication app(argc, argv);
    TestTestApiServer test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_testapiserver.moc"
