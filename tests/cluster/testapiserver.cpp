// SPDX-License-Identifier: Apache-2.0
#include "testapiserver.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QMutex>
#include <QMutexLocker>
#include <QSemaphore>
#include <QSet>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <optional>

namespace rbx::test {
namespace {

constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
constexpr qsizetype kMaxBodyBytes = 16 * 1024 * 1024;
const QString kReviewPrefix = QStringLiteral("/apis/authorization.k8s.io/v1/");
// A fixed prefix that base64-encodes to "++++": a client that does not percent-encode '+' in the continue token
// (QUrlQuery leaves it alone) gets it back as spaces, exactly as from a Go server, and fails.
const QByteArray kTokenMagic = QByteArray::fromHex("fbefbe");

struct Identity
{
    QString user;
    QStringList groups;
};

struct ListEntry
{
    QString kind;
    QString apiVersion;
    QJsonArray items;
    quint64 generation = 0;
    bool namespaced = false;
};

struct ForbidRule
{
    QString path;
    QString message;
    bool exact = true;
};

struct Override
{
    int status = 0;
    QByteArray body;
    int remaining = -1;
};

struct HttpRequest
{
    QByteArray method;
    QByteArray target;
    QByteArray version;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
};

struct HttpResponse
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int delayMs = 0;
};

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 406:
        return QByteArrayLiteral("Not Acceptable");
    case 410:
        return QByteArrayLiteral("Gone");
    case 413:
        return QByteArrayLiteral("Payload Too Large");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 504:
        return QByteArrayLiteral("Gateway Timeout");
    default:
        return QByteArrayLiteral("Status");
    }
}

// The Status reason and a default message, as the API server words them.
QPair<QString, QString> statusReason(int code)
{
    switch (code) {
    case 400:
        return {QStringLiteral("BadRequest"), QStringLiteral("the server rejected our request for an unknown reason")};
    case 401:
        return {QStringLiteral("Unauthorized"), QStringLiteral("Unauthorized")};
    case 403:
        return {QStringLiteral("Forbidden"), QStringLiteral("forbidden")};
    case 404:
        return {QStringLiteral("NotFound"), QStringLiteral("the server could not find the requested resource")};
    case 405:
        return {QStringLiteral("MethodNotAllowed"),
            QStringLiteral("the server does not allow this method on the requested resource")};
    case 406:
        return {QStringLiteral("NotAcceptable"),
            QStringLiteral("the server was unable to respond with a content type that the client supports")};
    case 410:
        return {QStringLiteral("Expired"),
            QStringLiteral("The provided continue parameter is too old to display a consistent list result. You "
                           "can start a new list without the continue parameter.")};
    case 429:
        return {QStringLiteral("TooManyRequests"), QStringLiteral("Too many requests, please try again later.")};
    case 500:
        return {QStringLiteral("InternalError"), QStringLiteral("Internal error occurred: injected by TestApiServer")};
    case 503:
        return {QStringLiteral("ServiceUnavailable"),
            QStringLiteral("the server is currently unable to handle the request")};
    case 504:
        return {QStringLiteral("Timeout"),
            QStringLiteral("the server was unable to return a response in the time allotted")};
    default:
        return {QString(), QStringLiteral("injected by TestApiServer")};
    }
}

QByteArray json(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

HttpResponse statusResponse(int code, const QString& message = {}, const QJsonObject& details = {})
{
    const auto [reason, defaultMessage] = statusReason(code);
    QJsonObject o {{QLatin1String("kind"), QStringLiteral("Status")},
        {QLatin1String("apiVersion"), QStringLiteral("v1")}, {QLatin1String("metadata"), QJsonObject()},
        {QLatin1String("status"), QStringLiteral("Failure")},
        {QLatin1String("message"), message.isEmpty() ? defaultMessage : message}, {QLatin1String("code"), code}};
    if (!reason.isEmpty())
        o.insert(QLatin1String("reason"), reason);
    QJsonObject d = details;
    HttpResponse r;
    if (code == 429) {
        d.insert(QLatin1String("retryAfterSeconds"), 1);
        r.headers.append({QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")});
    }
    if (!d.isEmpty())
        o.insert(QLatin1String("details"), d);
    r.status = code;
    r.body = json(o);
    return r;
}

HttpResponse jsonResponse(int code, const QJsonObject& o, const QByteArray& contentType = "application/json")
{
    HttpResponse r;
    r.status = code;
    r.body = json(o);
    r.contentType = contentType;
    return r;
}

// Go's url.ParseQuery: '+' is a space, then percent-decoding.
QList<QPair<QString, QString>> parseQuery(const QByteArray& raw)
{
    QList<QPair<QString, QString>> out;
    for (QByteArray part : raw.split('&')) {
        if (part.isEmpty())
            continue;
        part.replace('+', ' ');
        const qsizetype eq = part.indexOf('=');
        const QByteArray key = eq < 0 ? part : part.left(eq);
        const QByteArray value = eq < 0 ? QByteArray() : part.mid(eq + 1);
        out.append({QUrl::fromPercentEncoding(key), QUrl::fromPercentEncoding(value)});
    }
    return out;
}

QString queryValue(const QList<QPair<QString, QString>>& query, QLatin1String key)
{
    for (const auto& [k, v] : query)
        if (k == key)
            return v;
    return {};
}

bool hasQueryKey(const QList<QPair<QString, QString>>& query, QLatin1String key)
{
    for (const auto& kv : query)
        if (kv.first == key)
            return true;
    return false;
}

QUrlQuery toUrlQuery(const QList<QPair<QString, QString>>& query)
{
    QStringList parts;
    for (const auto& [k, v] : query)
        parts << QString::fromLatin1(QByteArray(QUrl::toPercentEncoding(k) + '=' + QUrl::toPercentEncoding(v)));
    return QUrlQuery(parts.join(u'&'));
}

struct MediaRange
{
    QByteArray type; // "application/json"
    QHash<QByteArray, QByteArray> params;
};

QList<MediaRange> parseAccept(const QByteArray& accept)
{
    QList<MediaRange> out;
    if (accept.trimmed().isEmpty())
        return {MediaRange {QByteArrayLiteral("*/*"), {}}};
    for (const QByteArray& range : accept.split(',')) {
        const QList<QByteArray> parts = range.split(';');
        MediaRange m {parts.value(0).trimmed().toLower(), {}};
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const qsizetype eq = parts[i].indexOf('=');
            if (eq > 0)
                m.params.insert(parts[i].left(eq).trimmed().toLower(), parts[i].mid(eq + 1).trimmed());
        }
        out.append(m);
    }
    return out;
}

bool isJsonType(const QByteArray& type)
{
    return type == "application/json" || type == "application/*" || type == "*/*";
}

// A range without "as=" that JSON satisfies.
bool acceptsPlainJson(const QList<MediaRange>& ranges)
{
    for (const auto& m : ranges)
        if (isJsonType(m.type) && !m.params.contains("as"))
            return true;
    return false;
}

bool acceptsAs(const QList<MediaRange>& ranges, const QByteArray& as, const QByteArray& version = {})
{
    for (const auto& m : ranges) {
        if (m.type != "application/json" || m.params.value("as") != as)
            continue;
        if (!version.isEmpty() && m.params.contains("v") && m.params.value("v") != version)
            continue;
        return true;
    }
    return false;
}

// A Kubernetes resource path: /api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUB]] or /apis/GROUP/VERSION/...
struct ResourcePath
{
    bool valid = false;
    QString prefix; // "/api/v1", "/apis/apps/v1"
    QString group, ns, resource, name, subresource;
};

ResourcePath parseResourcePath(const QString& path)
{
    ResourcePath r;
    const QStringList segs = path.split(u'/', Qt::SkipEmptyParts);
    QStringList rest;
    if (segs.size() >= 3 && segs[0] == QLatin1String("api")) {
        r.prefix = QStringLiteral("/api/") + segs[1];
        rest = segs.mid(2);
    } else if (segs.size() >= 4 && segs[0] == QLatin1String("apis")) {
        r.prefix = QStringLiteral("/apis/") + segs[1] + u'/' + segs[2];
        r.group = segs[1];
        rest = segs.mid(3);
    } else {
        return r;
    }
    if (rest.size() >= 3 && rest[0] == QLatin1String("namespaces")) {
        r.ns = rest[1];
        rest = rest.mid(2);
    }
    if (rest.size() > 3)
        return r;
    r.resource = rest.value(0);
    r.name = rest.value(1);
    r.subresource = rest.value(2);
    r.valid = true;
    return r;
}

QString forbiddenMessage(const QString& path, const QList<QPair<QString, QString>>& query, const QString& user)
{
    const ResourcePath rp = parseResourcePath(path);
    if (!rp.valid)
        return QStringLiteral("forbidden: User \"%1\" cannot get path \"%2\"").arg(user, path);
    const bool watch = queryValue(query, QLatin1String("watch")) == QLatin1String("true");
    const QString verb = watch ? QStringLiteral("watch")
        : rp.name.isEmpty()    ? QStringLiteral("list")
                               : QStringLiteral("get");
    const QString resource = rp.subresource.isEmpty() ? rp.resource : QString(rp.resource + u'/' + rp.subresource);
    const QString what = rp.name.isEmpty() ? resource : QStringLiteral("%1 \"%2\"").arg(resource, rp.name);
    const QString scope = rp.ns.isEmpty() ? QStringLiteral("at the cluster scope")
                                          : QStringLiteral("in the namespace \"%1\"").arg(rp.ns);
    return QStringLiteral("%1 is forbidden: User \"%2\" cannot %3 resource \"%4\" in API group \"%5\" %6")
        .arg(what, user, verb, resource, rp.group, scope);
}

QJsonValue fieldValue(const QJsonObject& item, const QString& dottedPath)
{
    QJsonValue v = item;
    for (const QString& part : dottedPath.split(u'.'))
        v = v.toObject().value(part);
    return v;
}

QString fieldString(const QJsonObject& item, const QString& dottedPath)
{
    const QJsonValue v = fieldValue(item, dottedPath);
    if (v.isString())
        return v.toString();
    if (v.isUndefined() || v.isNull())
        return {};
    return v.toVariant().toString();
}

struct Requirement
{
    QString key;
    enum Op
    {
        Equals,
        NotEquals,
        Exists,
        NotExists
    } op
        = Equals;
    QString value;
};

// Equality-based selectors ("a=b,c==d,e!=f", and for labels also "k" and "!k"); nullopt if unsupported.
std::optional<QList<Requirement>> parseSelector(const QString& selector, bool labels)
{
    QList<Requirement> out;
    for (QString term : selector.split(u',', Qt::SkipEmptyParts)) {
        term = term.trimmed();
        Requirement r;
        if (qsizetype i = term.indexOf(QLatin1String("!=")); i > 0) {
            r = {term.left(i).trimmed(), Requirement::NotEquals, term.mid(i + 2).trimmed()};
        } else if (qsizetype j = term.indexOf(QLatin1String("==")); j > 0) {
            r = {term.left(j).trimmed(), Requirement::Equals, term.mid(j + 2).trimmed()};
        } else if (qsizetype k = term.indexOf(u'='); k > 0) {
            r = {term.left(k).trimmed(), Requirement::Equals, term.mid(k + 1).trimmed()};
        } else if (labels && term.startsWith(u'!')) {
            r = {term.mid(1).trimmed(), Requirement::NotExists, {}};
        } else if (labels) {
            r = {term, Requirement::Exists, {}};
        } else {
            return std::nullopt;
        }
        if (r.key.isEmpty() || r.key.contains(u' ') || r.value.contains(u' ') || r.value.contains(u'('))
            return std::nullopt;
        out.append(r);
    }
    return out;
}

bool matches(const QJsonObject& item, const QList<Requirement>& reqs, bool labels)
{
    const QJsonObject labelMap
        = item.value(QLatin1String("metadata")).toObject().value(QLatin1String("labels")).toObject();
    for (const Requirement& r : reqs) {
        const bool present = labels ? labelMap.contains(r.key) : true;
        const QString value = labels ? labelMap.value(r.key).toString() : fieldString(item, r.key);
        switch (r.op) {
        case Requirement::Equals:
            if (!present || value != r.value)
                return false;
            break;
        case Requirement::NotEquals:
            if (present && value == r.value)
                return false;
            break;
        case Requirement::Exists:
            if (!present)
                return false;
            break;
        case Requirement::NotExists:
            if (present)
                return false;
            break;
        }
    }
    return true;
}

QByteArray encodeContinue(const QString& path, quint64 generation, qsizetype start)
{
    const QJsonObject o {{QLatin1String("v"), QStringLiteral("meta.k8s.io/v1")},
        {QLatin1String("rv"), QString::number(generation)}, {QLatin1String("start"), static_cast<qint64>(start)},
        {QLatin1String("path"), path}};
    return QByteArray(kTokenMagic + json(o)).toBase64();
}

std::optional<QPair<quint64, qsizetype>> decodeContinue(const QString& token, const QString& path)
{
    const auto decoded = QByteArray::fromBase64Encoding(token.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || !decoded.decoded.startsWith(kTokenMagic))
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(decoded.decoded.mid(kTokenMagic.size())).object();
    bool ok = false;
    const quint64 rv = o.value(QLatin1String("rv")).toString().toULongLong(&ok);
    const qint64 start = o.value(QLatin1String("start")).toInteger(-1);
    if (!ok || start < 0 || o.value(QLatin1String("path")).toString() != path)
        return std::nullopt;
    return QPair<quint64, qsizetype>(rv, static_cast<qsizetype>(start));
}

QString metadataString(const QJsonObject& item, QLatin1String key)
{
    return item.value(QLatin1String("metadata")).toObject().value(key).toString();
}

QString singular(const QString& listKind)
{
    return listKind.endsWith(QLatin1String("List")) ? listKind.chopped(4) : listKind;
}

std::optional<Identity> verifyClientCertificate(
    const QSslCertificate& leaf, const QList<QSslCertificate>& chain, const QByteArray& caPem)
{
    if (leaf.isNull())
        return std::nullopt;
    auto fromDer = [](const QSslCertificate& c) {
        const QByteArray der = c.toDer();
        const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
        return d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    };
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(caPem.constData(), static_cast<int>(caPem.size())), &BIO_free);
    std::unique_ptr<X509, decltype(&X509_free)> ca(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(fromDer(leaf), &X509_free);
    std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), &X509_STORE_free);
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(), &X509_STORE_CTX_free);
    auto freeStack = [](STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); };
    std::unique_ptr<STACK_OF(X509), decltype(freeStack)> untrusted(sk_X509_new_null(), freeStack);
    if (!ca || !cert || !store || !ctx || !untrusted || X509_STORE_add_cert(store.get(), ca.get()) != 1)
        return std::nullopt;
    for (const QSslCertificate& c : chain) {
        if (c == leaf)
            continue;
        if (X509* x = fromDer(c))
            sk_X509_push(untrusted.get(), x);
    }
    if (X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), untrusted.get()) != 1
        || X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT) != 1 || X509_verify_cert(ctx.get()) != 1)
        return std::nullopt;
    // Read the subject with OpenSSL: QSslCertificate::subjectInfo() lists repeated attributes in reverse order, and
    // the groups must come in certificate order, as the API server's x509 authenticator reports them.
    auto entries = [name = X509_get_subject_name(cert.get())](int nid) {
        QStringList out;
        for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0; i = X509_NAME_get_index_by_NID(name, nid, i)) {
            unsigned char* utf8 = nullptr;
            const int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
            if (len >= 0)
                out << QString::fromUtf8(reinterpret_cast<const char*>(utf8), len);
            OPENSSL_free(utf8);
        }
        return out;
    };
    const QStringList cn = entries(NID_commonName);
    if (cn.isEmpty() || cn.last().isEmpty())
        return std::nullopt;
    return Identity {cn.last(), entries(NID_organizationName)}; // Go keeps the last CN
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------
// Shared state: configured from the test thread, read by the server thread, always under the mutex.

class TestApiServer::Private
{
public:
    explicit Private(const Pki& p);
    ~Private();

    HttpResponse handle(const HttpRequest& http, const std::optional<Identity>& certIdentity, int connection);
    QSslConfiguration tlsConfiguration() const;

    const Pki pki;
    const std::atomic<int>* pageCap = nullptr;
    class Thread;
    std::unique_ptr<Thread> thread;
    quint16 port = 0;

    mutable QMutex mutex;
    QHash<QByteArray, Identity> bearer;
    QHash<QByteArray, Identity> basic; // "username:password"
    bool requireClientCert = false;
    QHash<QString, ListEntry> lists;
    QHash<QString, QJsonObject> objects;
    QHash<QString, QJsonObject> aggregated;
    QList<ForbidRule> forbids;
    QHash<QString, int> delays;
    QSet<QString> expireOnce;
    QHash<QString, Override> overrides;
    std::function<bool(const QJsonObject&, QString*)> reviewHandler;
    quint64 generation = 1000;
    int connections = 0;
    QList<RecordedRequest> recorded;

private:
    HttpResponse route(const HttpRequest& http, const QString& path, const QList<QPair<QString, QString>>& query,
        const Identity& who, QMutexLocker<QMutex>& lock);
    HttpResponse serveList(const QString& listPath, const ListEntry& list, const QString& ns,
        const QList<QPair<QString, QString>>& query, const QList<MediaRange>& accept);
    HttpResponse review(const HttpRequest& http, bool self, const Identity& who, QMutexLocker<QMutex>& lock);
};

QSslConfiguration TestApiServer::Private::tlsConfiguration() const
{
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    const QSslCertificate cert(pki.serverCertPem, QSsl::Pem);
    conf.setLocalCertificate(cert);
    conf.setPrivateKey(QSslKey(pki.serverKeyPem, cert.publicKey().algorithm(), QSsl::Pem, QSsl::PrivateKey));
    conf.setProtocol(QSsl::TlsV1_2OrLater);
    // No CA certificates: OpenSSL would otherwise send the CA along with the leaf, and kube-apiserver sends the leaf.
    conf.setCaCertificates({});
    conf.setAllowedNextProtocols({}); // no ALPN answer: clients fall back to HTTP/1.1
    QMutexLocker lock(&mutex);
    // QueryPeer asks for a certificate without requiring one, and leaves verification to us: like the API server,
    // a missing or bad client certificate does not stop a bearer token from authenticating.
    conf.setPeerVerifyMode(requireClientCert ? QSslSocket::QueryPeer : QSslSocket::VerifyNone);
    return conf;
}

HttpResponse TestApiServer::Private::handle(
    const HttpRequest& http, const std::optional<Identity>& certIdentity, int connection)
{
    RecordedRequest rec;
    rec.method = http.method;
    const qsizetype q = http.target.indexOf('?');
    rec.path = QUrl::fromPercentEncoding(q < 0 ? http.target : http.target.left(q));
    const auto query = parseQuery(q < 0 ? QByteArray() : http.target.mid(q + 1));
    rec.query = toUrlQuery(query);
    rec.accept = http.headers.value("accept");
    rec.authorization = http.headers.value("authorization");
    rec.body = http.body;
    rec.connection = connection;
    rec.headers = http.headers;

    QMutexLocker lock(&mutex);
    std::optional<Identity> who = certIdentity;
    if (!who && !rec.authorization.isEmpty()) {
        const qsizetype sp = rec.authorization.indexOf(' ');
        const QByteArray scheme = rec.authorization.left(sp).toLower();
        const QByteArray credentials = sp < 0 ? QByteArray() : rec.authorization.mid(sp + 1).trimmed();
        if (scheme == "bearer" && !credentials.isEmpty() && bearer.contains(credentials))
            who = bearer.value(credentials);
        else if (scheme == "basic" && basic.contains(QByteArray::fromBase64(credentials)))
            who = basic.value(QByteArray::fromBase64(credentials));
    }
    const int delay = delays.value(rec.path);

    HttpResponse response;
    if (!who) {
        response = statusResponse(401);
    } else {
        rec.user = who->user;
        rec.groups = who->groups;
        response = route(http, rec.path, query, *who, lock);
    }
    if (!lock.isLocked())
        lock.relock();
    rec.status = response.status;
    recorded.append(rec);
    response.delayMs = delay;
    return response;
}

HttpResponse TestApiServer::Private::route(const HttpRequest& http, const QString& path,
    const QList<QPair<QString, QString>>& query, const Identity& who, QMutexLocker<QMutex>& lock)
{
    const bool sar = path == kReviewPrefix + QLatin1String("subjectaccessreviews");
    const bool ssar = path == kReviewPrefix + QLatin1String("selfsubjectaccessreviews");
    if (http.method != ((sar || ssar) ? "POST" : "GET")) {
        HttpResponse r = statusResponse(405);
        r.headers.append(
            {QByteArrayLiteral("Allow"), (sar || ssar) ? QByteArrayLiteral("POST") : QByteArrayLiteral("GET")});
        return r;
    }

    if (auto it = overrides.find(path); it != overrides.end() && it->remaining != 0) {
        if (it->remaining > 0)
            --it->remaining;
        if (it->body.isEmpty())
            return statusResponse(it->status);
        HttpResponse r;
        r.status = it->status;
        r.body = it->body;
        r.contentType
            = it->body.startsWith('{') ? QByteArrayLiteral("application/json") : QByteArrayLiteral("text/plain");
        if (it->status == 429)
            r.headers.append({QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")});
        return r;
    }

    for (const ForbidRule& f : std::as_const(forbids)) {
        if (path == f.path || (!f.exact && path.startsWith(QString(f.path + u'/')))) {
            const ResourcePath rp = parseResourcePath(path);
            QJsonObject details;
            if (rp.valid) {
                if (!rp.name.isEmpty())
                    details.insert(QLatin1String("name"), rp.name);
                if (!rp.group.isEmpty())
                    details.insert(QLatin1String("group"), rp.group);
                details.insert(QLatin1String("kind"), rp.resource);
            }
            return statusResponse(
                403, f.message.isEmpty() ? forbiddenMessage(path, query, who.user) : f.message, details);
        }
    }

    if (sar || ssar)
        return review(http, ssar, who, lock);

    if (queryValue(query, QLatin1String("watch")) == QLatin1String("true")
        || queryValue(query, QLatin1String("watch")) == QLatin1String("1"))
        return statusResponse(400, QStringLiteral("watch is not supported by TestApiServer"));

    const QList<MediaRange> accept = parseAccept(http.headers.value("accept"));
    if (auto it = aggregated.constFind(path); it != aggregated.cend()) {
        const QByteArray version = it->value(QLatin1String("apiVersion")).toString().section(u'/', 1).toLatin1();
        if (acceptsAs(accept, "APIGroupDiscoveryList", version))
            return jsonResponse(
                200, *it, "application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList");
    }
    if (auto it = objects.constFind(path); it != objects.cend())
        return acceptsPlainJson(accept) ? jsonResponse(200, *it) : statusResponse(406);
    if (auto it = lists.constFind(path); it != lists.cend())
        return serveList(path, *it, {}, query, accept);

    const ResourcePath rp = parseResourcePath(path);
    if (!rp.valid)
        return statusResponse(404);
    const QString listPath = rp.prefix + u'/' + rp.resource;
    const auto it = lists.constFind(listPath);
    if (it == lists.cend() || (!rp.ns.isEmpty() && !it->namespaced) || !rp.subresource.isEmpty())
        return statusResponse(404);
    if (rp.name.isEmpty())
        return serveList(path, *it, rp.ns, query, accept);
    if (it->namespaced && rp.ns.isEmpty())
        return statusResponse(404);
    for (const QJsonValue& v : it->items) {
        QJsonObject item = v.toObject();
        if (metadataString(item, QLatin1String("name")) != rp.name
            || metadataString(item, QLatin1String("namespace")) != rp.ns)
            continue;
        if (acceptsAs(accept, "PartialObjectMetadata")) {
            return jsonResponse(200,
                {{QLatin1String("kind"), QStringLiteral("PartialObjectMetadata")},
                    {QLatin1String("apiVersion"), QStringLiteral("meta.k8s.io/v1")},
                    {QLatin1String("metadata"), item.value(QLatin1String("metadata"))}},
                "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1");
        }
        if (!acceptsPlainJson(accept))
            return statusResponse(406);
        item.insert(QLatin1String("kind"), singular(it->kind));
        item.insert(QLatin1String("apiVersion"), it->apiVersion);
        return jsonResponse(200, item);
    }
    QJsonObject details {{QLatin1String("name"), rp.name}, {QLatin1String("kind"), rp.resource}};
    if (!rp.group.isEmpty())
        details.insert(QLatin1String("group"), rp.group);
    const QString what = rp.group.isEmpty() ? rp.resource : QString(rp.resource + u'.' + rp.group);
    return statusResponse(404, QStringLiteral("%1 \"%2\" not found").arg(what, rp.name), details);
}

HttpResponse TestApiServer::Private::serveList(const QString& requestPath, const ListEntry& list, const QString& ns,
    const QList<QPair<QString, QString>>& query, const QList<MediaRange>& accept)
{
    const bool partial = acceptsAs(accept, "PartialObjectMetadataList");
    if (!partial && !acceptsPlainJson(accept))
        return statusResponse(406);

    const auto fields = parseSelector(queryValue(query, QLatin1String("fieldSelector")), false);
    if (!fields)
        return statusResponse(400, QStringLiteral("invalid field selector (TestApiServer supports a=b, a==b, a!=b)"));
    const auto labels = parseSelector(queryValue(query, QLatin1String("labelSelector")), true);
    if (!labels)
        return statusResponse(400, QStringLiteral("invalid label selector (TestApiServer supports k=v, k!=v, k, !k)"));
    QJsonArray items;
    for (const QJsonValue& v : list.items) {
        const QJsonObject item = v.toObject();
        if (!ns.isEmpty() && metadataString(item, QLatin1String("namespace")) != ns)
            continue;
        if (matches(item, *fields, false) && matches(item, *labels, true))
            items.append(item);
    }

    qsizetype start = 0;
    if (hasQueryKey(query, QLatin1String("continue"))) {
        if (expireOnce.remove(requestPath))
            return statusResponse(410);
        const auto token = decodeContinue(queryValue(query, QLatin1String("continue")), requestPath);
        if (!token)
            return statusResponse(
                400, QStringLiteral("continue key is not valid: the token was not issued for this list"));
        if (token->first != list.generation)
            return statusResponse(410);
        start = std::min(token->second, items.size());
    }
    bool limitOk = false;
    qsizetype limit = queryValue(query, QLatin1String("limit")).toLongLong(&limitOk);
    if (!limitOk || limit <= 0)
        limit = 0;
    if (const int cap = pageCap ? pageCap->load() : 0; limit > 0 && cap > 0)
        limit = std::min<qsizetype>(limit, cap);
    const qsizetype end = limit > 0 ? std::min(items.size(), start + limit) : items.size();

    QJsonObject metadata {{QLatin1String("resourceVersion"), QString::number(list.generation)}};
    if (end < items.size()) {
        metadata.insert(
            QLatin1String("continue"), QString::fromLatin1(encodeContinue(requestPath, list.generation, end)));
        metadata.insert(QLatin1String("remainingItemCount"), static_cast<qint64>(items.size() - end));
    }
    QJsonArray page;
    for (qsizetype i = start; i < end; ++i) {
        if (partial) {
            page.append(QJsonObject {{QLatin1String("kind"), QStringLiteral("PartialObjectMetadata")},
                {QLatin1String("apiVersion"), QStringLiteral("meta.k8s.io/v1")},
                {QLatin1String("metadata"), items[i].toObject().value(QLatin1String("metadata"))}});
        } else {
            page.append(items[i]);
        }
    }
    if (partial) {
        return jsonResponse(200,
            {{QLatin1String("kind"), QStringLiteral("PartialObjectMetadataList")},
                {QLatin1String("apiVersion"), QStringLiteral("meta.k8s.io/v1")}, {QLatin1String("metadata"), metadata},
                {QLatin1String("items"), page}},
            "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");
    }
    return jsonResponse(200,
        {{QLatin1String("kind"), list.kind}, {QLatin1String("apiVersion"), list.apiVersion},
            {QLatin1String("metadata"), metadata}, {QLatin1String("items"), page}});
}

HttpResponse TestApiServer::Private::review(
    const HttpRequest& http, bool self, const Identity& who, QMutexLocker<QMutex>& lock)
{
    const QString kind = self ? QStringLiteral("SelfSubjectAccessReview") : QStringLiteral("SubjectAccessReview");
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(http.body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return statusResponse(400, QStringLiteral("the request body is not a JSON object"));
    QJsonObject object = doc.object();
    const QString sentKind = object.value(QLatin1String("kind")).toString();
    if (!sentKind.isEmpty() && sentKind != kind)
        return statusResponse(400, QStringLiteral("the body is a %1, expected a %2").arg(sentKind, kind));
    const QJsonObject spec = object.value(QLatin1String("spec")).toObject();
    QJsonObject handlerSpec = spec;
    if (self) {
        handlerSpec.insert(QLatin1String("user"), who.user);
        handlerSpec.insert(QLatin1String("groups"), QJsonArray::fromStringList(who.groups));
    }
    const auto handler = reviewHandler;
    lock.unlock(); // the handler may call back into the server (requests(), ...)
    QString reason;
    const bool allowed = handler ? handler(handlerSpec, &reason) : false;

    object.insert(QLatin1String("kind"), kind);
    object.insert(QLatin1String("apiVersion"), QStringLiteral("authorization.k8s.io/v1"));
    if (!object.contains(QLatin1String("metadata")))
        object.insert(QLatin1String("metadata"), QJsonObject {{QLatin1String("creationTimestamp"), QJsonValue::Null}});
    QJsonObject status {{QLatin1String("allowed"), allowed}};
    if (!reason.isEmpty())
        status.insert(QLatin1String("reason"), reason);
    object.insert(QLatin1String("status"), status);
    return jsonResponse(201, object);
}

// ---------------------------------------------------------------------------------------------------------------
// The server thread: a QTcpServer whose connections are QSslSockets, all living and dying in this thread.

namespace {

class Connection : public QObject
{
public:
    Connection(QSslSocket* socket, int id,
        std::function<HttpResponse(const HttpRequest&, const std::optional<Identity>&, int)> handler, QByteArray caPem,
        QObject* parent)
        : QObject(parent)
        , m_socket(socket)
        , m_id(id)
        , m_handler(std::move(handler))
        , m_caPem(std::move(caPem))
    {
        m_socket->setParent(this);
        connect(m_socket, &QIODevice::readyRead, this, &Connection::process);
        connect(m_socket, &QAbstractSocket::disconnected, this, &QObject::deleteLater);
        connect(m_socket, &QAbstractSocket::errorOccurred, this, [this] {
            m_socket->abort();
            deleteLater();
        });
        // Peer verification is ours (QueryPeer): never let Qt fail the handshake over the client's certificate.
        connect(m_socket, &QSslSocket::sslErrors, this, [this] { m_socket->ignoreSslErrors(); });
        connect(m_socket, &QSslSocket::encrypted, this, [this] {
            m_identity
                = verifyClientCertificate(m_socket->peerCertificate(), m_socket->peerCertificateChain(), m_caPem);
        });
    }

private:
    enum class Parse
    {
        Incomplete,
        Complete,
        Bad,
        TooLarge
    };

    Parse parse(HttpRequest* out)
    {
        const qsizetype headerEnd = m_buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return m_buffer.size() > kMaxHeaderBytes ? Parse::TooLarge : Parse::Incomplete;
        const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        if (requestLine.size() != 3 || !requestLine[1].startsWith('/') || !requestLine[2].startsWith("HTTP/1."))
            return Parse::Bad;
        HttpRequest r {requestLine[0], requestLine[1], requestLine[2], {}, {}};
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon <= 0)
                return Parse::Bad;
            const QByteArray name = lines[i].left(colon).trimmed().toLower();
            const QByteArray value = lines[i].mid(colon + 1).trimmed();
            r.headers.insert(name, r.headers.contains(name) ? QByteArray(r.headers.value(name) + ", " + value) : value);
        }
        qsizetype consumed = headerEnd + 4;
        if (r.headers.value("transfer-encoding").toLower().contains("chunked")) {
            qsizetype pos = consumed;
            for (;;) {
                const qsizetype eol = m_buffer.indexOf("\r\n", pos);
                if (eol < 0)
                    return Parse::Incomplete;
                bool ok = false;
                const qsizetype size = m_buffer.mid(pos, eol - pos).split(';').value(0).trimmed().toLongLong(&ok, 16);
                if (!ok || size < 0)
                    return Parse::Bad;
                if (r.body.size() + size > kMaxBodyBytes)
                    return Parse::TooLarge;
                if (size == 0) {
                    if (m_buffer.size() < eol + 4)
                        return Parse::Incomplete;
                    if (m_buffer.mid(eol + 2, 2) == "\r\n") {
                        consumed = eol + 4;
                        break;
                    }
                    const qsizetype trailersEnd = m_buffer.indexOf("\r\n\r\n", eol + 2);
                    if (trailersEnd < 0)
                        return Parse::Incomplete;
                    consumed = trailersEnd + 4;
                    break;
                }
                if (m_buffer.size() < eol + 2 + size + 2)
                    return Parse::Incomplete;
                r.body += m_buffer.mid(eol + 2, size);
                pos = eol + 2 + size + 2;
            }
        } else if (r.headers.contains("content-length")) {
            bool ok = false;
            const qsizetype length = r.headers.value("content-length").toLongLong(&ok);
            if (!ok || length < 0)
                return Parse::Bad;
            if (length > kMaxBodyBytes)
                return Parse::TooLarge;
            if (m_buffer.size() < consumed + length)
                return Parse::Incomplete;
            r.body = m_buffer.mid(consumed, length);
            consumed += length;
        }
        m_buffer.remove(0, consumed);
        *out = std::move(r);
        return Parse::Complete;
    }

    void write(const HttpResponse& r, bool close, bool head = false)
    {
        QByteArray out = "HTTP/1.1 " + QByteArray::number(r.status) + ' ' + reasonPhrase(r.status) + "\r\n";
        out += "Content-Type: " + r.contentType + "\r\n";
        out += "Content-Length: " + QByteArray::number(r.body.size()) + "\r\n";
        out += "Cache-Control: no-cache, private\r\n";
        for (const auto& [name, value] : r.headers)
            out += name + ": " + value + "\r\n";
        if (close)
            out += "Connection: close\r\n";
        out += "\r\n";
        if (!head)
            out += r.body;
        m_socket->write(out);
        if (close)
            m_socket->disconnectFromHost();
    }

    void process()
    {
        m_buffer += m_socket->readAll();
        while (!m_busy && !m_closing) {
            HttpRequest request;
            const Parse p = parse(&request);
            if (p == Parse::Incomplete)
                return;
            if (p != Parse::Complete) {
                m_closing = true;
                write(statusResponse(p == Parse::TooLarge ? 413 : 400), true);
                return;
            }
            const QByteArray connection = request.headers.value("connection").toLower();
            const bool close
                = connection.contains("close") || (request.version == "HTTP/1.0" && !connection.contains("keep-alive"));
            const bool head = request.method == "HEAD";
            const HttpResponse response = m_handler(request, m_identity, m_id);
            if (response.delayMs > 0) {
                m_busy = true;
                QTimer::singleShot(response.delayMs, this, [this, response, close, head] {
                    m_busy = false;
                    finish(response, close, head);
                    if (!m_closing)
                        process();
                });
                return;
            }
            finish(response, close, head);
        }
    }

    void finish(const HttpResponse& response, bool close, bool head)
    {
        m_closing = close;
        write(response, close, head);
    }

    QSslSocket* m_socket;
    int m_id;
    std::function<HttpResponse(const HttpRequest&, const std::optional<Identity>&, int)> m_handler;
    QByteArray m_caPem;
    std::optional<Identity> m_identity;
    QByteArray m_buffer;
    bool m_busy = false;
    bool m_closing = false;
};

} // namespace

class TestApiServer::Private::Thread : public QThread
{
public:
    explicit Thread(Private* d)
        : m_d(d)
    {
    }

    quint16 startAndListen()
    {
        start();
        m_ready.acquire();
        return m_port;
    }

protected:
    void run() override
    {
        Listener listener(m_d);
        if (listener.listen(QHostAddress::LocalHost, 0))
            m_port = listener.serverPort();
        m_ready.release();
        if (m_port)
            exec();
    }

private:
    class Listener : public QTcpServer
    {
    public:
        explicit Listener(Private* d)
            : m_d(d)
        {
        }

    protected:
        void incomingConnection(qintptr descriptor) override
        {
            auto* socket = new QSslSocket;
            if (!socket->setSocketDescriptor(descriptor)) {
                delete socket;
                return;
            }
            socket->setSslConfiguration(m_d->tlsConfiguration());
            int id = 0;
            {
                QMutexLocker lock(&m_d->mutex);
                id = ++m_d->connections;
            }
            Private* d = m_d;
            new Connection(
                socket, id,
                [d](const HttpRequest& r, const std::optional<Identity>& who, int c) { return d->handle(r, who, c); },
                d->pki.caCertPem, this);
            socket->startServerEncryption();
        }

    private:
        Private* m_d;
    };

    Private* m_d;
    QSemaphore m_ready;
    quint16 m_port = 0;
};

TestApiServer::Private::Private(const Pki& p)
    : pki(p)
{
}

TestApiServer::Private::~Private() = default;

// ---------------------------------------------------------------------------------------------------------------

TestApiServer::TestApiServer(const Pki& pki)
    : d(std::make_unique<Private>(pki))
{
    d->pageCap = &listPageSizeCap;
}

TestApiServer::~TestApiServer()
{
    stop();
}

quint16 TestApiServer::start()
{
    if (d->thread)
        return d->port;
    QSslSocket::supportsSsl(); // load the TLS backend plugin here, not first in the server thread
    d->thread = std::make_unique<Private::Thread>(d.get());
    d->port = d->thread->startAndListen();
    if (!d->port)
        d->thread->wait();
    return d->port;
}

void TestApiServer::stop()
{
    if (!d->thread)
        return;
    d->thread->quit();
    d->thread->wait();
    d->thread.reset();
    d->port = 0;
}

QString TestApiServer::url() const
{
    return QStringLiteral("https://127.0.0.1:%1").arg(d->port);
}

quint16 TestApiServer::port() const
{
    return d->port;
}

void TestApiServer::acceptBearer(const QByteArray& token, const QString& user, const QStringList& groups)
{
    QMutexLocker lock(&d->mutex);
    d->bearer.insert(token, Identity {user, groups});
}

void TestApiServer::acceptBasic(const QByteArray& username, const QByteArray& password, const QString& user)
{
    QMutexLocker lock(&d->mutex);
    d->basic.insert(username + ':' + password, Identity {user, {}});
}

void TestApiServer::setRequireClientCert(bool require)
{
    QMutexLocker lock(&d->mutex);
    d->requireClientCert = require;
}

void TestApiServer::addList(
    const QString& listPath, const QString& listKind, const QString& apiVersion, const QJsonArray& items)
{
    static const QSet<QString> clusterScoped = {QStringLiteral("namespaces"), QStringLiteral("nodes"),
        QStringLiteral("clusterroles"), QStringLiteral("clusterrolebindings"), QStringLiteral("persistentvolumes"),
        QStringLiteral("customresourcedefinitions"), QStringLiteral("apiservices"), QStringLiteral("storageclasses"),
        QStringLiteral("priorityclasses"), QStringLiteral("validatingwebhookconfigurations"),
        QStringLiteral("mutatingwebhookconfigurations")};
    ListEntry e {listKind, apiVersion, items, 0, false};
    for (const QJsonValue& v : items)
        e.namespaced = e.namespaced || !metadataString(v.toObject(), QLatin1String("namespace")).isEmpty();
    if (items.isEmpty())
        e.namespaced = !clusterScoped.contains(listPath.section(u'/', -1));
    QMutexLocker lock(&d->mutex);
    e.generation = ++d->generation;
    d->lists.insert(listPath, e);
}

void TestApiServer::addObject(const QString& path, const QJsonObject& object)
{
    QMutexLocker lock(&d->mutex);
    d->objects.insert(path, object);
}

void TestApiServer::addAggregatedDiscovery(const QString& path, const QJsonObject& apiGroupDiscoveryList)
{
    QMutexLocker lock(&d->mutex);
    d->aggregated.insert(path, apiGroupDiscoveryList);
}

void TestApiServer::forbid(const QString& pathPrefix, const QString& message, bool exact)
{
    QMutexLocker lock(&d->mutex);
    d->forbids.append(ForbidRule {pathPrefix, message, exact});
}

void TestApiServer::setDelay(const QString& path, int milliseconds)
{
    QMutexLocker lock(&d->mutex);
    d->delays.insert(path, milliseconds);
}

void TestApiServer::expireContinueOnce(const QString& path)
{
    QMutexLocker lock(&d->mutex);
    d->expireOnce.insert(path);
}

void TestApiServer::setStatusOverride(const QString& path, int httpStatus, const QByteArray& body, int times)
{
    QMutexLocker lock(&d->mutex);
    d->overrides.insert(path, Override {httpStatus, body, times});
}

void TestApiServer::setAccessReviewHandler(std::function<bool(const QJsonObject& spec, QString* reason)> handler)
{
    QMutexLocker lock(&d->mutex);
    d->reviewHandler = std::move(handler);
}

QList<RecordedRequest> TestApiServer::requests() const
{
    QMutexLocker lock(&d->mutex);
    return d->recorded;
}

void TestApiServer::clearRequests()
{
    QMutexLocker lock(&d->mutex);
    d->recorded.clear();
}

} // namespace rbx::test
