// SPDX-License-Identifier: Apache-2.0
#include "models/cluster/apiclient.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcessEnvironment>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QUrl>

#include <algorithm>

namespace rbx::cluster {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

// The access reviews a read-only client may POST: they read the authorizer's answer and change nothing.
bool isAccessReviewPath(const QString& path)
{
    static const QString base = QStringLiteral("/apis/authorization.k8s.io/v1/");
    if (!path.startsWith(base))
        return false;
    const QString rest = path.mid(base.size());
    if (rest == QLatin1String("subjectaccessreviews") || rest == QLatin1String("selfsubjectaccessreviews")
        || rest == QLatin1String("selfsubjectrulesreviews"))
        return true;
    // namespaces/{ns}/localsubjectaccessreviews
    const auto parts = rest.split(u'/');
    return parts.size() == 3 && parts[0] == QLatin1String("namespaces") && !parts[1].isEmpty()
        && parts[2] == QLatin1String("localsubjectaccessreviews");
}

std::optional<QSslKey> privateKey(const QByteArray& pem)
{
    for (auto alg : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        QSslKey key(pem, alg, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    return std::nullopt;
}

// HTTPS_PROXY / NO_PROXY as Go's net/http reads them, when the kubeconfig names no proxy-url.
std::optional<QNetworkProxy> proxyFor(const std::string& proxyUrl, const QUrl& server)
{
    QString url = qs(proxyUrl);
    if (url.isEmpty()) {
        const auto env = QProcessEnvironment::systemEnvironment();
        url = env.value(QStringLiteral("HTTPS_PROXY"), env.value(QStringLiteral("https_proxy")));
        const auto noProxy = env.value(QStringLiteral("NO_PROXY"), env.value(QStringLiteral("no_proxy")));
        const auto host = server.host();
        for (auto entry : noProxy.split(u',', Qt::SkipEmptyParts)) {
            entry = entry.trimmed();
            if (entry == QLatin1String("*") || host == entry
                || (entry.startsWith(u'.') ? host.endsWith(entry) : host.endsWith(u'.' + entry)))
                return QNetworkProxy(QNetworkProxy::NoProxy);
        }
        if (host == QLatin1String("127.0.0.1") || host == QLatin1String("localhost") || host == QLatin1String("::1"))
            return QNetworkProxy(QNetworkProxy::NoProxy);
    }
    if (url.isEmpty())
        return QNetworkProxy(QNetworkProxy::NoProxy);
    const QUrl u(url);
    if (!u.isValid() || u.host().isEmpty())
        return std::nullopt;
    const auto scheme = u.scheme();
    QNetworkProxy p(scheme.startsWith(QLatin1String("socks5")) ? QNetworkProxy::Socks5Proxy
                                                                : QNetworkProxy::HttpProxy,
                    u.host(), static_cast<quint16>(u.port(scheme == QLatin1String("https") ? 443 : 1080)),
                    u.userName(), u.password());
    if (scheme == QLatin1String("http") || scheme == QLatin1String("https"))
        p.setPort(static_cast<quint16>(u.port(scheme == QLatin1String("https") ? 443 : 80)));
    return p;
}

void readStatus(ApiResponse& r)
{
    const auto doc = QJsonDocument::fromJson(r.body);
    if (!doc.isObject())
        return;
    const auto o = doc.object();
    if (o.value(QStringLiteral("kind")).toString() != QLatin1String("Status"))
        return;
    r.error = o.value(QStringLiteral("message")).toString();
    r.statusReason = o.value(QStringLiteral("reason")).toString();
}

} // namespace

ApiClient::ApiClient(ConnectionConfig connection, QObject* parent)
    : QObject(parent)
    , m_connection(std::move(connection))
    , m_nam(new QNetworkAccessManager(this))
{
    // Never follow redirects: a redirect could take the credentials to another host.
    m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_nam->setAutoDeleteReplies(false);
    if (auto proxy = proxyFor(m_connection.proxyUrl, QUrl(qs(m_connection.server))))
        m_nam->setProxy(*proxy);
    else
        m_credentialError = QStringLiteral("proxy-url \"%1\" of cluster \"%2\" is not a valid URL")
                                .arg(qs(m_connection.proxyUrl), qs(m_connection.clusterName));
}

ApiClient::~ApiClient()
{
    abortAll();
}

bool ApiClient::isPermitted(const QByteArray& method, const QString& pathAndQuery, QString* why)
{
    const QString path = pathAndQuery.section(u'?', 0, 0);
    auto refuse = [&](const QString& reason) {
        if (why)
            *why = reason;
        return false;
    };
    if (!path.startsWith(u'/') || path.contains(QLatin1String("/../")) || path.endsWith(QLatin1String("/.."))
        || path.contains(u'#'))
        return refuse(QStringLiteral("refused: \"%1\" is not a plain API path").arg(path));
    if (method == "GET")
        return true;
    if (method == "POST" && isAccessReviewPath(path))
        return true;
    return refuse(QStringLiteral("refused: %1 %2 — RBAC Explorer is read-only (GET, and POST of access reviews only)")
                      .arg(QString::fromLatin1(method), path));
}

QString ApiClient::credentialError()
{
    if (!m_credentialsReady && m_credentialError.isEmpty())
        prepareCredentials(false, &m_credentialError);
    return m_credentialError;
}

bool ApiClient::prepareCredentials(bool refresh, QString* error)
{
    auto fail = [&](const QString& message) {
        m_credentialsReady = false;
        if (error)
            *error = message;
        return false;
    };
    const auto& c = m_connection;
    if (c.asGroups.size() > 1)
        return fail(QStringLiteral("context \"%1\": impersonating more than one group (as-groups) is not supported")
                        .arg(qs(c.context)));
    if (c.auth == AuthMethod::Exec && (refresh || !m_exec
                                       || (m_exec->expiration && *m_exec->expiration <= QDateTime::currentDateTimeUtc()))) {
        const bool hadCert = m_exec && !m_exec->clientCertificatePem.empty();
        m_exec.reset();
        auto r = execCredential(c, refresh, 60000, m_canceled);
        if (!r.credential)
            return fail(qs(r.error));
        m_exec = std::move(r.credential);
        // Connections are reused whatever their TLS settings: a new client certificate needs new connections.
        if (hadCert || !m_exec->clientCertificatePem.empty())
            m_nam->clearConnectionCache();
    }
    if (c.auth == AuthMethod::TokenFile && (refresh || m_fileToken.empty())) {
        QFile f(qs(c.tokenFile));
        if (!f.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("user \"%1\": tokenFile %2 cannot be read (%3)")
                            .arg(qs(c.userName), qs(c.tokenFile), f.errorString()));
        m_fileToken = f.readAll().trimmed().toStdString();
        if (m_fileToken.empty())
            return fail(QStringLiteral("user \"%1\": tokenFile %2 is empty").arg(qs(c.userName), qs(c.tokenFile)));
    }
    // A client certificate that has expired fails the TLS handshake with an obscure alert: say it before trying.
    const std::string certPem = m_exec && !m_exec->clientCertificatePem.empty() ? m_exec->clientCertificatePem
                                                                                 : c.clientCertPem;
    const std::string keyPem = m_exec && !m_exec->clientKeyPem.empty() ? m_exec->clientKeyPem : c.clientKeyPem;
    if (!certPem.empty()) {
        const auto certs = QSslCertificate::fromData(QByteArray::fromStdString(certPem), QSsl::Pem);
        const QString origin = m_exec && !m_exec->clientCertificatePem.empty() ? QStringLiteral("from the exec plugin")
                                                                                : qs(c.clientCertOrigin);
        if (certs.isEmpty())
            return fail(QStringLiteral("user \"%1\": the client certificate (%2) is not a PEM certificate")
                            .arg(qs(c.userName), origin));
        const auto& cert = certs.front();
        const auto now = QDateTime::currentDateTimeUtc();
        if (cert.expiryDate() < now)
            return fail(QStringLiteral("user \"%1\": the client certificate (%2) expired on %3; renew it")
                            .arg(qs(c.userName), origin, cert.expiryDate().toString(Qt::ISODate)));
        if (cert.effectiveDate() > now)
            return fail(QStringLiteral("user \"%1\": the client certificate (%2) is not valid before %3")
                            .arg(qs(c.userName), origin, cert.effectiveDate().toString(Qt::ISODate)));
        if (!privateKey(QByteArray::fromStdString(keyPem)))
            return fail(QStringLiteral("user \"%1\": the client key is not a PEM private key (RSA, EC or DSA)")
                            .arg(qs(c.userName)));
    }
    if (!c.caPem.empty() && QSslCertificate::fromData(QByteArray::fromStdString(c.caPem), QSsl::Pem).isEmpty())
        return fail(QStringLiteral("cluster \"%1\": the certificate authority (%2) holds no PEM certificate")
                        .arg(qs(c.clusterName), qs(c.caOrigin)));
    m_credentialsReady = true;
    m_credentialError.clear();
    return true;
}

QNetworkRequest ApiClient::makeRequest(const QString& pathAndQuery, const QByteArray& accept) const
{
    const auto& c = m_connection;
    QNetworkRequest req(QUrl(qs(c.server) + pathAndQuery, QUrl::StrictMode));
    req.setRawHeader("Accept", accept.isEmpty() ? QByteArray("application/json") : accept);
    req.setRawHeader("User-Agent", "rbac-explorer/" RBX_VERSION " (read-only)");
    req.setTransferTimeout(m_timeoutMs);
    req.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    req.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    req.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    req.setAttribute(QNetworkRequest::AuthenticationReuseAttribute, QNetworkRequest::Manual);
    if (!c.tlsServerName.empty())
        req.setPeerVerifyName(qs(c.tlsServerName));

    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    if (!c.caPem.empty())
        tls.setCaCertificates(QSslCertificate::fromData(QByteArray::fromStdString(c.caPem), QSsl::Pem));
    tls.setPeerVerifyMode(c.insecureSkipTlsVerify ? QSslSocket::VerifyNone : QSslSocket::VerifyPeer);
    const bool execCert = m_exec && !m_exec->clientCertificatePem.empty();
    const std::string certPem = execCert ? m_exec->clientCertificatePem : c.clientCertPem;
    const std::string keyPem = execCert ? m_exec->clientKeyPem : c.clientKeyPem;
    if (!certPem.empty()) {
        const auto certs = QSslCertificate::fromData(QByteArray::fromStdString(certPem), QSsl::Pem);
        if (!certs.isEmpty())
            tls.setLocalCertificateChain(certs);
        if (auto key = privateKey(QByteArray::fromStdString(keyPem)))
            tls.setPrivateKey(*key);
    }
    req.setSslConfiguration(tls);

    std::string bearer;
    if (m_exec && !m_exec->token.empty())
        bearer = m_exec->token;
    else if (c.auth == AuthMethod::TokenFile)
        bearer = m_fileToken;
    else if (c.auth == AuthMethod::Token || c.auth == AuthMethod::OidcIdToken)
        bearer = c.token;
    if (!bearer.empty())
        req.setRawHeader("Authorization", "Bearer " + QByteArray::fromStdString(bearer));
    else if (c.auth == AuthMethod::Basic)
        req.setRawHeader("Authorization",
                         "Basic " + QByteArray::fromStdString(c.username + ':' + c.password).toBase64());
    if (!c.as.empty()) {
        req.setRawHeader("Impersonate-User", QByteArray::fromStdString(c.as));
        if (!c.asUid.empty())
            req.setRawHeader("Impersonate-Uid", QByteArray::fromStdString(c.asUid));
        if (!c.asGroups.empty())
            req.setRawHeader("Impersonate-Group", QByteArray::fromStdString(c.asGroups.front()));
        for (const auto& [k, v] : c.asUserExtra)
            if (!v.empty())
                req.setRawHeader("Impersonate-Extra-" + QUrl::toPercentEncoding(qs(k)),
                                 QByteArray::fromStdString(v.front()));
    }
    return req;
}

void ApiClient::get(const QString& pathAndQuery, const QByteArray& accept, Callback done)
{
    send("GET", pathAndQuery, accept, {}, std::move(done), false);
}

void ApiClient::postAccessReview(const QString& path, const QByteArray& json, Callback done)
{
    send("POST", path, "application/json", json, std::move(done), false);
}

void ApiClient::send(const QByteArray& method, const QString& pathAndQuery, const QByteArray& accept,
                     const QByteArray& body, Callback done, bool isRetry)
{
    auto failNow = [&](const QString& message) {
        ApiResponse r;
        r.transportError = true;
        r.error = message;
        done(r);
    };
    QString why;
    if (!isPermitted(method, pathAndQuery, &why)) {
        ++m_refused;
        failNow(why);
        return;
    }
    if (m_canceled && m_canceled()) {
        ApiResponse r;
        r.transportError = r.canceled = true;
        r.error = QStringLiteral("canceled");
        done(r);
        return;
    }
    if (!m_credentialsReady || (m_exec && m_exec->expiration && *m_exec->expiration <= QDateTime::currentDateTimeUtc())) {
        if (!m_credentialError.isEmpty() && !isRetry) {
            failNow(m_credentialError);
            return;
        }
        if (!prepareCredentials(false, &m_credentialError)) {
            failNow(m_credentialError);
            return;
        }
    }
    QNetworkRequest req = makeRequest(pathAndQuery, accept);
    QNetworkReply* reply = nullptr;
    ++m_sent;
    if (method == "GET") {
        reply = m_nam->get(req);
    } else {
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        reply = m_nam->post(req, body);
    }
    m_replies.emplace_back(reply);
    auto sslErrors = std::make_shared<QList<QSslError>>();
    connect(reply, &QNetworkReply::sslErrors, this,
            [sslErrors](const QList<QSslError>& errors) { *sslErrors << errors; });
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, sslErrors, method, pathAndQuery, accept, body, done = std::move(done), isRetry]() mutable {
                std::erase_if(m_replies, [reply](const QPointer<QNetworkReply>& r) { return !r || r == reply; });
                ApiResponse r;
                const auto status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
                if (status.isValid() && status.toInt() > 0) {
                    r.status = status.toInt();
                    if (reply->isOpen())
                        r.body = reply->readAll();
                    r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
                    bool ok = false;
                    const int retry = reply->rawHeader("Retry-After").toInt(&ok);
                    if (ok)
                        r.retryAfterSeconds = retry;
                    if (!r.ok())
                        readStatus(r);
                } else {
                    r.transportError = true;
                    r.canceled = reply->error() == QNetworkReply::OperationCanceledError;
                    r.error = r.canceled ? QStringLiteral("canceled") : describeTransportError(reply, *sslErrors);
                }
                reply->deleteLater();
                // A 401 re-runs the exec plugin (or re-reads the token file) once, as client-go does.
                if (r.status == 401 && !isRetry
                    && (m_connection.auth == AuthMethod::Exec || m_connection.auth == AuthMethod::TokenFile)) {
                    QString error;
                    if (prepareCredentials(true, &error)) {
                        send(method, pathAndQuery, accept, body, std::move(done), true);
                        return;
                    }
                    r.error = error;
                }
                done(r);
            });
}

QString ApiClient::describeTransportError(QNetworkReply* reply, const QList<QSslError>& sslErrors) const
{
    const auto& c = m_connection;
    const QString server = qs(c.server);
    const QString ca = c.caPem.empty() ? QStringLiteral("the system's trusted CAs") : qs(c.caOrigin);
    for (const auto& e : sslErrors) {
        switch (e.error()) {
        case QSslError::UnableToGetLocalIssuerCertificate:
        case QSslError::UnableToGetIssuerCertificate:
        case QSslError::SelfSignedCertificate:
        case QSslError::SelfSignedCertificateInChain:
        case QSslError::UnableToVerifyFirstCertificate:
        case QSslError::CertificateUntrusted:
        case QSslError::CertificateSignatureFailed:
            return QStringLiteral("TLS: the certificate of %1 is not signed by a known certificate authority (checked "
                                  "against %2 for cluster \"%3\"); the server is not the one the kubeconfig trusts, "
                                  "or the CA is wrong")
                .arg(server, ca, qs(c.clusterName));
        case QSslError::HostNameMismatch:
            return QStringLiteral("TLS: the certificate of %1 is not valid for the name \"%2\"%3")
                .arg(server, c.tlsServerName.empty() ? reply->url().host() : qs(c.tlsServerName),
                     c.tlsServerName.empty() ? QStringLiteral(" (tls-server-name can name the one it is for)")
                                             : QString());
        case QSslError::CertificateExpired:
            return QStringLiteral("TLS: the certificate of %1 expired on %2")
                .arg(server, e.certificate().expiryDate().toString(Qt::ISODate));
        case QSslError::CertificateNotYetValid:
            return QStringLiteral("TLS: the certificate of %1 is not valid yet (check the clock)").arg(server);
        default:
            break;
        }
    }
    if (!sslErrors.isEmpty())
        return QStringLiteral("TLS: %1 (%2)").arg(sslErrors.front().errorString(), server);
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        if (!c.proxyUrl.empty())
            break;
        return QStringLiteral("cannot reach %1: connection refused (is the server running, is the port right?)")
            .arg(server);
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("cannot reach %1: the host name is not known").arg(server);
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return QStringLiteral("cannot reach %1: no answer in time").arg(server);
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("TLS handshake with %1 failed: %2%3")
            .arg(server, reply->errorString(),
                 c.clientCertPem.empty() && !(m_exec && !m_exec->clientCertificatePem.empty())
                     ? QString()
                     : QStringLiteral(" (the server may have rejected the client certificate %1)")
                           .arg(qs(c.clientCertOrigin)));
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyAuthenticationRequiredError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
        return QStringLiteral("proxy %1: %2").arg(qs(c.proxyUrl), reply->errorString());
    default:
        if (!c.proxyUrl.empty())
            return QStringLiteral("cannot reach %1 through proxy %2: %3")
                .arg(server, qs(c.proxyUrl), reply->errorString());
        return QStringLiteral("cannot reach %1: %2").arg(server, reply->errorString());
    }
    return QStringLiteral("cannot reach %1 through proxy %2: %3").arg(server, qs(c.proxyUrl), reply->errorString());
}

void ApiClient::abortAll()
{
    const auto replies = m_replies;
    for (const auto& r : replies)
        if (r)
            r->abort();
}

namespace {

template <typename Start>
ApiResponse runSync(Start&& start)
{
    QEventLoop loop;
    ApiResponse result;
    bool finished = false;
    start([&](const ApiResponse& r) {
        result = r;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return result;
}

} // namespace

ApiResponse ApiClient::getSync(const QString& pathAndQuery, const QByteArray& accept)
{
    return runSync([&](Callback cb) { get(pathAndQuery, accept, std::move(cb)); });
}

ApiResponse ApiClient::postAccessReviewSync(const QString& path, const QByteArray& json)
{
    return runSync([&](Callback cb) { postAccessReview(path, json, std::move(cb)); });
}

} // namespace rbx::cluster
