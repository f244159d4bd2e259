// SPDX-License-Identifier: Apache-2.0
// JWTs: decoding legacy and bound claims, signature verification with keys OpenSSL generates here (RSA; EC P-256,
// P-384, P-521; RS*, PS*, ES*), rejection of tampered, expired, wrong-kid, wrong-audience and alg-none tokens, the
// Kubernetes kid derivation, JWKS / discovery / PEM key sets, and the offline TokenReview.
#include "jwttestutils.h"
#include "models/analysis/tokeninspection.h"
#include "models/io/jwt.h"
#include "models/io/token.h"
#include "testutils.h"

#include <QRegularExpression>

#include <openssl/hmac.h>
#include <QTest>

using namespace rbx;

namespace {

constexpr qint64 kNow = 1795000000; // 2026-11-18T11:06:40Z
const QString kIssuer = QStringLiteral("https://oidc.demo.example");

QString demoToken(const char* secret)
{
    QFile f(QStringLiteral(RBX_SOURCE_DIR "/resources/demo/40-tokens.yaml"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const auto text = QString::fromUtf8(f.readAll());
    const QRegularExpression re(QStringLiteral("name: ") + QString::fromLatin1(secret)
                                + QStringLiteral("\\n(?:.|\\n)*?\\n  token: (\\S+)"));
    const auto m = re.match(text);
    return m.hasMatch() ? QString::fromUtf8(QByteArray::fromBase64(m.captured(1).toLatin1())) : QString();
}

} // namespace

class TestJwt : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void decodesLegacyDemoToken();
    void decodesBoundClaims();
    void rejectsNonJwt_data();
    void rejectsNonJwt();
    void verifiesEveryAlgorithm_data();
    void verifiesEveryAlgorithm();
    void rejects_data();
    void rejects();
    void leeway_data();
    void leeway();
    void kidDerivation();
    void keySets();
    void discoveryDocument();
    void tokenReviewBound_data();
    void tokenReviewBound();
    void tokenReviewLegacy_data();
    void tokenReviewLegacy();
    void tokenReviewNeverEchoesToken();
    void inspectionMapsToSnapshot();

private:
    test::Key m_rsa;
    test::Key m_rsa2;
    test::Key m_p256;
    test::Key m_p384;
    test::Key m_p521;
    io::KeySet m_keys;
};

void TestJwt::initTestCase()
{
    m_rsa = test::rsaKey();
    m_rsa2 = test::rsaKey();
    m_p256 = test::ecKey("P-256");
    m_p384 = test::ecKey("P-384");
    m_p521 = test::ecKey("P-521");
    QVERIFY(m_rsa && m_rsa2 && m_p256 && m_p384 && m_p521);
    m_keys = io::parseKeySet(test::jwks({test::jwkOf(m_rsa.get(), "rsa-1"), test::jwkOf(m_p256.get(), "ec-256"),
                                         test::jwkOf(m_p384.get(), "ec-384"), test::jwkOf(m_p521.get(), "ec-521")}),
                             "jwks.json");
    QCOMPARE(m_keys.keys.size(), std::size_t(4));
    QVERIFY2(m_keys.errors.empty(), m_keys.errors.empty() ? "" : m_keys.errors.front().c_str());
}

void TestJwt::decodesLegacyDemoToken()
{
    const auto token = demoToken("jenkins-token-4kq9z");
    QVERIFY(token.startsWith(QStringLiteral("eyJ")));
    const auto j = io::decodeJwt(token.toStdString());
    QVERIFY2(j.ok(), j.error.c_str());
    QVERIFY(j.legacy);
    QCOMPARE(j.alg, std::string("RS256"));
    QCOMPARE(j.kid, std::string("demo-key-1"));
    QCOMPARE(j.iss, std::string("kubernetes/serviceaccount"));
    QCOMPARE(j.sub, std::string("system:serviceaccount:legacy-apps:jenkins"));
    QCOMPARE(j.ns, std::string("legacy-apps"));
    QCOMPARE(j.secretName, std::string("jenkins-token-4kq9z"));
    QCOMPARE(j.serviceAccount, std::string("jenkins"));
    QCOMPARE(j.serviceAccountUid, std::string("4698c971-a3c2-5a96-adfe-2afdc4444c34"));
    QVERIFY(!j.exp && !j.hasAud);
    // The same fingerprint the loader keeps for the Secret.
    QCOMPARE(j.fingerprint, io::sha256Hex(token.toStdString()));
    // Surrounding whitespace (a token file with a newline) does not change it.
    QCOMPARE(io::decodeJwt(QString(token + QStringLiteral("\n")).toStdString()).fingerprint, j.fingerprint);
}

void TestJwt::decodesBoundClaims()
{
    auto claims = test::boundClaims(kNow, 3607, QStringLiteral("team-a"), QStringLiteral("ci-runner"),
                                    QStringLiteral("sa-uid"), QStringLiteral("ci-runner-0"), QStringLiteral("pod-uid"),
                                    kIssuer, {QStringLiteral("https://kubernetes.default.svc")});
    auto k = claims.value(QStringLiteral("kubernetes.io")).toObject();
    k.insert(QStringLiteral("warnafter"), kNow + 3607);
    claims.insert(QStringLiteral("kubernetes.io"), k);
    claims.insert(QStringLiteral("exp"), kNow + 365 * 86400);
    claims.insert(QStringLiteral("aud"), QStringLiteral("single-audience")); // RFC 7519 allows a string
    const auto token = test::signJwt(m_rsa.get(), "RS256", claims, "rsa-1");
    const auto j = io::decodeJwt(token);
    QVERIFY(j.ok());
    QVERIFY(!j.legacy);
    QCOMPARE(j.ns, std::string("team-a"));
    QCOMPARE(j.serviceAccount, std::string("ci-runner"));
    QCOMPARE(j.serviceAccountUid, std::string("sa-uid"));
    QCOMPARE(j.podName, std::string("ci-runner-0"));
    QCOMPARE(j.podUid, std::string("pod-uid"));
    QCOMPARE(j.nodeName, std::string("worker-1"));
    QCOMPARE(j.aud, std::vector<std::string> {"single-audience"});
    QCOMPARE(*j.warnafter, kNow + 3607);
    QCOMPARE(*j.iat, kNow);
    QCOMPARE(*j.nbf, kNow);
    QCOMPARE(*j.exp, kNow + 365 * 86400);
    QCOMPARE(j.jti, std::string("6e2b3a52-1f0e-4d7c-9e51-0c7f3b1a2d44"));
}

void TestJwt::rejectsNonJwt_data()
{
    QTest::addColumn<QString>("token");
    QTest::addRow("empty") << QString();
    QTest::addRow("two segments") << QStringLiteral("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0");
    QTest::addRow("four segments") << QStringLiteral("a.b.c.d");
    QTest::addRow("not base64url") << QStringLiteral("e$J.e$J.sig");
    QTest::addRow("header not JSON") << QString(QString::fromStdString(test::b64url("nope")) + QStringLiteral(".e30.c2ln"));
    QTest::addRow("claims an array") << QString(QString::fromStdString(test::b64url("{\"alg\":\"RS256\"}")) + u'.'
                                                + QString::fromStdString(test::b64url("[1]")) + QStringLiteral(".c2ln"));
}

void TestJwt::rejectsNonJwt()
{
    QFETCH(QString, token);
    const auto j = io::decodeJwt(token.toStdString());
    QVERIFY(!j.ok());
    const auto v = io::verifyJwt(token.toStdString(), m_keys, {});
    QCOMPARE(v.verdict, io::JwtVerdict::Malformed);
}

void TestJwt::verifiesEveryAlgorithm_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<QString>("kid");
    for (const char* a : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
        QTest::addRow("%s", a) << QString::fromLatin1(a) << QStringLiteral("rsa-1");
    QTest::addRow("ES256") << QStringLiteral("ES256") << QStringLiteral("ec-256");
    QTest::addRow("ES384") << QStringLiteral("ES384") << QStringLiteral("ec-384");
    QTest::addRow("ES512") << QStringLiteral("ES512") << QStringLiteral("ec-521");
}

void TestJwt::verifiesEveryAlgorithm()
{
    QFETCH(QString, alg);
    QFETCH(QString, kid);
    EVP_PKEY* key = kid == QLatin1String("rsa-1") ? m_rsa.get()
        : kid == QLatin1String("ec-256")          ? m_p256.get()
        : kid == QLatin1String("ec-384")          ? m_p384.get()
                                                  : m_p521.get();
    const auto claims = test::boundClaims(kNow - 60, 3600, QStringLiteral("ns"), QStringLiteral("sa"),
                                          QStringLiteral("u"), QStringLiteral("p"), QStringLiteral("pu"), kIssuer,
                                          {QStringLiteral("api")});
    const auto token = test::signJwt(key, alg.toStdString(), claims, kid.toStdString());
    io::VerifyOptions o;
    o.now = kNow;
    o.audiences = {"api"};
    o.issuers = {kIssuer.toStdString()};
    const auto v = io::verifyJwt(token, m_keys, o);
    QVERIFY2(v.verdict == io::JwtVerdict::Valid, v.message.c_str());
    QVERIFY(v.signatureValid);
    QVERIFY(v.key);
    QCOMPARE(v.key->kid, kid.toStdString());
    QVERIFY(v.checks.size() >= 5);
}

void TestJwt::rejects_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<int>("verdict");
    QTest::addColumn<QString>("message");
    auto row = [](const char* name, io::JwtVerdict v, const char* msg) {
        QTest::addRow("%s", name) << QString::fromLatin1(name) << static_cast<int>(v) << QString::fromLatin1(msg);
    };
    row("tampered claims", io::JwtVerdict::BadSignature, "does not verify");
    row("tampered signature", io::JwtVerdict::BadSignature, "does not verify");
    row("signed by another key", io::JwtVerdict::BadSignature, "does not verify");
    row("ES256 signature truncated", io::JwtVerdict::BadSignature, "does not verify");
    row("expired", io::JwtVerdict::Expired, "expired");
    row("not yet valid", io::JwtVerdict::NotYetValid, "not valid before");
    row("issued in the future", io::JwtVerdict::NotYetValid, "issued in the future");
    row("wrong kid", io::JwtVerdict::UnknownKey, "no key has kid \"nobody\"");
    row("EC token claims an RSA kid", io::JwtVerdict::UnknownKey, "no P-256 key");
    row("alg none", io::JwtVerdict::UnsupportedAlgorithm, "unsigned");
    row("alg none, no signature", io::JwtVerdict::UnsupportedAlgorithm, "unsigned");
    row("HS256 with the public key as secret", io::JwtVerdict::UnsupportedAlgorithm, "shared-secret");
    row("EdDSA", io::JwtVerdict::UnsupportedAlgorithm, "unsupported signing algorithm");
    row("wrong audience", io::JwtVerdict::WrongAudience, "do not include");
    row("no audience", io::JwtVerdict::WrongAudience, "no audience");
    row("wrong issuer", io::JwtVerdict::WrongIssuer, "is not the expected");
    row("no keys", io::JwtVerdict::NoKeys, "no public keys");
}

void TestJwt::rejects()
{
    QFETCH(QString, what);
    QFETCH(int, verdict);
    QFETCH(QString, message);
    auto claims = test::boundClaims(kNow - 60, 3600, QStringLiteral("ns"), QStringLiteral("sa"), QStringLiteral("u"),
                                    QStringLiteral("p"), QStringLiteral("pu"), kIssuer, {QStringLiteral("api")});
    io::VerifyOptions o;
    o.now = kNow;
    o.audiences = {"api"};
    o.issuers = {kIssuer.toStdString()};
    io::KeySet keys = m_keys;
    std::string token = test::signJwt(m_rsa.get(), "RS256", claims, "rsa-1");
    const auto dot1 = token.find('.');
    const auto dot2 = token.rfind('.');
    if (what == QLatin1String("tampered claims")) {
        auto tampered = claims;
        tampered.insert(QStringLiteral("sub"), QStringLiteral("system:serviceaccount:kube-system:admin"));
        token = token.substr(0, dot1 + 1) + test::b64url(test::compact(tampered)) + token.substr(dot2);
    } else if (what == QLatin1String("tampered signature")) {
        auto sig = *io::base64UrlDecode(token.substr(dot2 + 1));
        sig[10] = static_cast<char>(sig[10] ^ 0x01);
        token = token.substr(0, dot2 + 1) + test::b64url(sig);
    } else if (what == QLatin1String("signed by another key")) {
        token = test::signJwt(m_rsa2.get(), "RS256", claims, "rsa-1");
    } else if (what == QLatin1String("ES256 signature truncated")) {
        token = test::signJwt(m_p256.get(), "ES256", claims, "ec-256");
        token.resize(token.size() - 4);
    } else if (what == QLatin1String("expired")) {
        claims.insert(QStringLiteral("exp"), kNow - 3600);
        token = test::signJwt(m_rsa.get(), "RS256", claims, "rsa-1");
    } else if (what == QLatin1String("not yet valid")) {
        claims.insert(QStringLiteral("nbf"), kNow + 600);
        token = test::signJwt(m_rsa.get(), "RS256", claims, "rsa-1");
    } else if (what == QLatin1String("issued in the future")) {
        claims.insert(QStringLiteral("iat"), kNow + 600);
        claims.insert(QStringLiteral("nbf"), kNow - 600);
        token = test::signJwt(m_rsa.get(), "RS256", claims, "rsa-1");
    } else if (what == QLatin1String("wrong kid")) {
        token = test::signJwt(m_rsa.get(), "RS256", claims, "nobody");
    } else if (what == QLatin1String("EC token claims an RSA kid")) {
        token = test::signJwt(m_p256.get(), "ES256", claims, "rsa-1");
    } else if (what == QLatin1String("alg none")) {
        const auto input = test::b64url("{\"alg\":\"none\",\"kid\":\"rsa-1\"}") + '.' + test::b64url(test::compact(claims));
        token = input + '.' + token.substr(dot2 + 1); // a real signature does not rescue it
    } else if (what == QLatin1String("alg none, no signature")) {
        token = test::b64url("{\"alg\":\"none\"}") + '.' + test::b64url(test::compact(claims)) + '.';
    } else if (what == QLatin1String("HS256 with the public key as secret")) {
        // The classic algorithm-confusion attack: HMAC keyed with the PEM of the public key.
        const auto pem = test::pemOf(m_rsa.get());
        const auto input = test::b64url("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}") + '.' + test::b64url(test::compact(claims));
        unsigned char mac[32];
        unsigned int len = 0;
        HMAC(EVP_sha256(), pem.constData(), static_cast<int>(pem.size()),
             reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
        token = input + '.' + test::b64url(std::string(reinterpret_cast<const char*>(mac), len));
    } else if (what == QLatin1String("EdDSA")) {
        token = test::b64url("{\"alg\":\"EdDSA\",\"kid\":\"rsa-1\"}") + '.' + test::b64url(test::compact(claims)) + ".c2ln";
    } else if (what == QLatin1String("wrong audience")) {
        o.audiences = {"vault"};
    } else if (what == QLatin1String("no audience")) {
        claims.remove(QStringLiteral("aud"));
        token = test::signJwt(m_rsa.get(), "RS256", claims, "rsa-1");
    } else if (what == QLatin1String("wrong issuer")) {
        o.issuers = {"https://elsewhere.example"};
    } else if (what == QLatin1String("no keys")) {
        keys = {};
    }
    const auto v = io::verifyJwt(token, keys, o);
    QCOMPARE(static_cast<int>(v.verdict), verdict);
    QVERIFY2(QString::fromStdString(v.message).contains(message), v.message.c_str());
    if (v.verdict == io::JwtVerdict::BadSignature || v.verdict == io::JwtVerdict::UnsupportedAlgorithm
        || v.verdict == io::JwtVerdict::UnknownKey)
        QVERIFY(!v.signatureValid);
}

void TestJwt::leeway_data()
{
    QTest::addColumn<qint64>("expOffset");
    QTest::addColumn<bool>("valid");
    QTest::addRow("expired 30 s ago: within the minute of leeway") << qint64(-30) << true;
    QTest::addRow("expired 60 s ago: at the edge") << qint64(-60) << true;
    QTest::addRow("expired 61 s ago") << qint64(-61) << false;
    QTest::addRow("expires in 1 s") << qint64(1) << true;
}

void TestJwt::leeway()
{
    QFETCH(qint64, expOffset);
    QFETCH(bool, valid);
    auto claims = test::boundClaims(kNow - 3600, 3600, QStringLiteral("ns"), QStringLiteral("sa"), QStringLiteral("u"),
                                    QStringLiteral("p"), QStringLiteral("pu"), kIssuer, {QStringLiteral("api")});
    claims.insert(QStringLiteral("exp"), kNow + expOffset);
    const auto token = test::signJwt(m_p384.get(), "ES384", claims, "ec-384");
    io::VerifyOptions o;
    o.now = kNow;
    QCOMPARE(io::verifyJwt(token, m_keys, o).verdict == io::JwtVerdict::Valid, valid);
}

void TestJwt::kidDerivation()
{
    // PEM keys have no kid: Kubernetes derives one, base64url(SHA-256(DER SubjectPublicKeyInfo)), and puts it in tokens.
    const auto set = io::parseKeySet(test::pemOf(m_rsa.get()) + test::pemOf(m_p256.get()), "sa.pub");
    QCOMPARE(set.keys.size(), std::size_t(2));
    QCOMPARE(set.keys[0].derivedKid, test::kubernetesKid(m_rsa.get()));
    QCOMPARE(set.keys[1].derivedKid, test::kubernetesKid(m_p256.get()));
    QCOMPARE(set.keys[0].derivedKid.size(), std::size_t(43)); // 32 bytes, unpadded
    QVERIFY(set.keys[0].kid.empty());
    QCOMPARE(set.keys[1].crv, std::string("P-256"));
    // JWKS keys derive the same kid as their PEM.
    QCOMPARE(m_keys.keys[0].derivedKid, test::kubernetesKid(m_rsa.get()));
    // A token carrying the derived kid verifies against the PEM key.
    const auto claims = test::legacyClaims(QStringLiteral("ns"), QStringLiteral("sa"), QStringLiteral("u"),
                                           QStringLiteral("sa-token-abcde"));
    const auto token = test::signJwt(m_rsa.get(), "RS256", claims, test::kubernetesKid(m_rsa.get()));
    QCOMPARE(io::verifyJwt(token, set, {}).verdict, io::JwtVerdict::Valid);
    // Without a kid every key is tried.
    QCOMPARE(io::verifyJwt(test::signJwt(m_p256.get(), "ES256", claims, ""), set, {}).verdict, io::JwtVerdict::Valid);
}

void TestJwt::keySets()
{
    auto broken = test::jwkOf(m_p256.get(), "bad-point");
    broken.insert(QStringLiteral("y"), broken.value(QStringLiteral("x"))); // not on the curve
    QJsonObject noN {{QStringLiteral("kty"), QStringLiteral("RSA")}, {QStringLiteral("e"), QStringLiteral("AQAB")}};
    QJsonObject enc = test::jwkOf(m_rsa.get(), "enc-key");
    enc.insert(QStringLiteral("use"), QStringLiteral("enc"));
    QJsonObject oct {{QStringLiteral("kty"), QStringLiteral("oct")}, {QStringLiteral("k"), QStringLiteral("c2VjcmV0")}};
    const auto set = io::parseKeySet(test::jwks({broken, noN, enc, oct, test::jwkOf(m_p521.get(), "ok")}), "mixed.json");
    QCOMPARE(set.keys.size(), std::size_t(1));
    QCOMPARE(set.keys[0].kid, std::string("ok"));
    QCOMPARE(set.errors.size(), std::size_t(4));
    // A single JWK is a key set of one.
    QCOMPARE(io::parseKeySet(QJsonDocument(test::jwkOf(m_p384.get(), "one")).toJson(), "one.json").keys.size(),
             std::size_t(1));
    // Garbage is an error, not a crash.
    QVERIFY(io::parseKeySet("not json", "x").keys.empty());
    QVERIFY(!io::parseKeySet("not json", "x").errors.empty());
    QVERIFY(!io::parseKeySet("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "bad.pem").errors.empty());
    // A JWK that pins its alg is not used for another.
    const auto pinned = io::parseKeySet(test::jwks({test::jwkOf(m_rsa.get(), "rsa-1", "PS256")}), "pinned.json");
    const auto claims = test::legacyClaims(QStringLiteral("ns"), QStringLiteral("sa"), QStringLiteral("u"), QStringLiteral("s"));
    QCOMPARE(io::verifyJwt(test::signJwt(m_rsa.get(), "RS256", claims, "rsa-1"), pinned, {}).verdict,
             io::JwtVerdict::UnknownKey);
    QCOMPARE(io::verifyJwt(test::signJwt(m_rsa.get(), "PS256", claims, "rsa-1"), pinned, {}).verdict,
             io::JwtVerdict::Valid);
}

void TestJwt::discoveryDocument()
{
    const QByteArray discovery = QJsonDocument(QJsonObject {
                                                   {QStringLiteral("issuer"), kIssuer},
                                                   {QStringLiteral("jwks_uri"), QString(kIssuer + QStringLiteral("/openid/v1/jwks"))},
                                                   {QStringLiteral("response_types_supported"), QJsonArray {QStringLiteral("id_token")}},
                                                   {QStringLiteral("subject_types_supported"), QJsonArray {QStringLiteral("public")}},
                                                   {QStringLiteral("id_token_signing_alg_values_supported"),
                                                    QJsonArray {QStringLiteral("ES256"), QStringLiteral("RS256")}},
                                               })
                                     .toJson();
    auto set = io::parseKeySet(discovery, "openid-configuration");
    QCOMPARE(set.issuer, kIssuer.toStdString());
    QCOMPARE(set.jwksUri, QString(kIssuer + QStringLiteral("/openid/v1/jwks")).toStdString());
    QVERIFY(set.keys.empty());
    set.merge(m_keys);
    const auto claims = test::boundClaims(kNow - 60, 3600, QStringLiteral("ns"), QStringLiteral("sa"), QStringLiteral("u"),
                                          QStringLiteral("p"), QStringLiteral("pu"), kIssuer, {QStringLiteral("api")});
    io::VerifyOptions o;
    o.now = kNow;
    // The discovery issuer is checked without --issuer.
    QCOMPARE(io::verifyJwt(test::signJwt(m_p256.get(), "ES256", claims, "ec-256"), set, o).verdict, io::JwtVerdict::Valid);
    auto other = claims;
    other.insert(QStringLiteral("iss"), QStringLiteral("https://evil.example"));
    QCOMPARE(io::verifyJwt(test::signJwt(m_p256.get(), "ES256", other, "ec-256"), set, o).verdict,
             io::JwtVerdict::WrongIssuer);
    // ES384 is not advertised.
    QCOMPARE(io::verifyJwt(test::signJwt(m_p384.get(), "ES384", claims, "ec-384"), set, o).verdict,
             io::JwtVerdict::UnsupportedAlgorithm);
}

namespace {

const char* kReviewSnapshot = R"(
apiVersion: v1
kind: ServiceAccount
metadata: {name: ci-runner, namespace: team-a, uid: sa-uid}
---
apiVersion: v1
kind: Pod
metadata: {name: ci-runner-0, namespace: team-a, uid: pod-uid}
spec: {serviceAccountName: ci-runner, nodeName: worker-1}
---
apiVersion: v1
kind: Node
metadata: {name: worker-1, uid: node-uid-1}
)";

} // namespace

void TestJwt::tokenReviewBound_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QStringList>("requested");
    QTest::addColumn<bool>("authenticated");
    QTest::addColumn<QString>("error");
    const QStringList none;
    QTest::addRow("valid, API audience") << QString() << none << true << QString();
    QTest::addRow("valid, requested audience") << QString() << QStringList {QStringLiteral("vault")} << true << QString();
    QTest::addRow("audience not requested")
        << QString() << QStringList {QStringLiteral("sts.amazonaws.com")} << false
        << QStringLiteral("[invalid bearer token, token audiences [\"https://oidc.demo.example\" \"vault\"] is invalid "
                          "for the target audiences [\"sts.amazonaws.com\"]]");
    QTest::addRow("expired") << QStringLiteral("expired") << none << false
                             << QStringLiteral("[invalid bearer token, service account token has expired]");
    QTest::addRow("not yet valid") << QStringLiteral("nbf") << none << false
                                   << QStringLiteral("[invalid bearer token, service account token is not valid yet]");
    QTest::addRow("pod gone") << QStringLiteral("pod gone") << none << false
                              << QStringLiteral("[invalid bearer token, service account token has been invalidated]");
    QTest::addRow("pod re-created") << QStringLiteral("pod uid") << none << false
                                    << QStringLiteral("[invalid bearer token, pod UID (pod-uid) does not match service "
                                                      "account pod ref claim (old-pod-uid)]");
    QTest::addRow("ServiceAccount gone") << QStringLiteral("sa gone") << none << false
                                         << QStringLiteral("[invalid bearer token, serviceaccounts \"builder\" not found]");
    QTest::addRow("ServiceAccount re-created") << QStringLiteral("sa uid") << none << false
                                               << QStringLiteral("[invalid bearer token, service account UID (sa-uid) "
                                                                 "does not match claim (old-sa-uid)]");
    QTest::addRow("bad signature") << QStringLiteral("other key") << none << false
                                   << QStringLiteral("[invalid bearer token, go-jose/go-jose: error in cryptographic primitive]");
    QTest::addRow("other issuer") << QStringLiteral("issuer") << none << false
                                  << QStringLiteral("is not one of the accepted issuers");
}

void TestJwt::tokenReviewBound()
{
    QFETCH(QString, change);
    QFETCH(QStringList, requested);
    QFETCH(bool, authenticated);
    QFETCH(QString, error);
    auto snapshot = test::yaml(kReviewSnapshot);
    QCOMPARE(snapshot->report.diagnostics.size(), std::size_t(0));
    QString sa = QStringLiteral("ci-runner");
    QString saUid = QStringLiteral("sa-uid");
    QString pod = QStringLiteral("ci-runner-0");
    QString podUid = QStringLiteral("pod-uid");
    if (change == QLatin1String("pod gone"))
        pod = QStringLiteral("ci-runner-1");
    if (change == QLatin1String("pod uid"))
        podUid = QStringLiteral("old-pod-uid");
    if (change == QLatin1String("sa gone"))
        sa = QStringLiteral("builder");
    if (change == QLatin1String("sa uid"))
        saUid = QStringLiteral("old-sa-uid");
    auto claims = test::boundClaims(kNow - 600, 3600, QStringLiteral("team-a"), sa, saUid, pod, podUid, kIssuer,
                                    {kIssuer, QStringLiteral("vault")});
    if (change == QLatin1String("expired"))
        claims.insert(QStringLiteral("exp"), kNow - 120);
    if (change == QLatin1String("nbf"))
        claims.insert(QStringLiteral("nbf"), kNow + 120);
    if (change == QLatin1String("issuer"))
        claims.insert(QStringLiteral("iss"), QStringLiteral("https://other.example"));
    const auto token = test::signJwt(change == QLatin1String("other key") ? m_rsa2.get() : m_rsa.get(), "RS256", claims, "rsa-1");
    io::TokenReviewOptions o;
    o.verify.now = kNow;
    o.verify.issuers = {kIssuer.toStdString()};
    for (const auto& r : requested)
        o.verify.audiences.push_back(r.toStdString());
    o.snapshot = snapshot.get();
    const auto r = io::tokenReview(token, m_keys, o);
    const auto status = r.review.value(QStringLiteral("status")).toObject();
    QCOMPARE(r.review.value(QStringLiteral("apiVersion")).toString(), QStringLiteral("authentication.k8s.io/v1"));
    QCOMPARE(r.review.value(QStringLiteral("kind")).toString(), QStringLiteral("TokenReview"));
    QCOMPARE(status.value(QStringLiteral("authenticated")).toBool(), authenticated);
    QCOMPARE(r.authenticated, authenticated);
    if (!authenticated) {
        QVERIFY2(status.value(QStringLiteral("error")).toString().contains(error),
                 qPrintable(status.value(QStringLiteral("error")).toString()));
        QVERIFY(status.value(QStringLiteral("user")).toObject().isEmpty());
        return;
    }
    const auto user = status.value(QStringLiteral("user")).toObject();
    QCOMPARE(user.value(QStringLiteral("username")).toString(), QStringLiteral("system:serviceaccount:team-a:ci-runner"));
    QCOMPARE(user.value(QStringLiteral("uid")).toString(), QStringLiteral("sa-uid"));
    QCOMPARE(user.value(QStringLiteral("groups")).toArray(),
             (QJsonArray {QStringLiteral("system:serviceaccounts"), QStringLiteral("system:serviceaccounts:team-a"),
                          QStringLiteral("system:authenticated")}));
    const auto extra = user.value(QStringLiteral("extra")).toObject();
    QCOMPARE(extra.value(QStringLiteral("authentication.kubernetes.io/pod-name")).toArray().first().toString(),
             QStringLiteral("ci-runner-0"));
    QCOMPARE(extra.value(QStringLiteral("authentication.kubernetes.io/pod-uid")).toArray().first().toString(),
             QStringLiteral("pod-uid"));
    QCOMPARE(extra.value(QStringLiteral("authentication.kubernetes.io/node-name")).toArray().first().toString(),
             QStringLiteral("worker-1"));
    QCOMPARE(extra.value(QStringLiteral("authentication.kubernetes.io/credential-id")).toArray().first().toString(),
             QStringLiteral("JTI=6e2b3a52-1f0e-4d7c-9e51-0c7f3b1a2d44"));
    const auto auds = status.value(QStringLiteral("audiences")).toArray();
    QCOMPARE(auds, requested.isEmpty() ? QJsonArray {kIssuer} : QJsonArray {QStringLiteral("vault")});
}

void TestJwt::tokenReviewLegacy_data()
{
    QTest::addColumn<QString>("labels");
    QTest::addColumn<bool>("sameToken");
    QTest::addColumn<bool>("authenticated");
    QTest::addColumn<QString>("error");
    QTest::addRow("valid") << QString() << true << true << QString();
    QTest::addRow("marked invalid")
        << QStringLiteral("kubernetes.io/legacy-token-invalid-since: '2026-01-16'") << true << false
        << QStringLiteral("the token in secret legacy-apps/builder-token-x1 for service account legacy-apps/builder has "
                          "been marked invalid. Use tokens from the TokenRequest API or manually created secret-based "
                          "tokens, or remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to "
                          "temporarily allow use of this token");
    QTest::addRow("Secret holds another token") << QString() << false << false
                                                << QStringLiteral("Token does not match server's copy");
}

void TestJwt::tokenReviewLegacy()
{
    QFETCH(QString, labels);
    QFETCH(bool, sameToken);
    QFETCH(bool, authenticated);
    QFETCH(QString, error);
    const auto claims = test::legacyClaims(QStringLiteral("legacy-apps"), QStringLiteral("builder"),
                                           QStringLiteral("builder-uid"), QStringLiteral("builder-token-x1"));
    const auto token = test::signJwt(m_rsa.get(), "RS256", claims, "rsa-1");
    const auto stored = sameToken ? token : test::signJwt(m_rsa.get(), "RS384", claims, "rsa-1");
    const std::string yaml = R"(
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: legacy-apps, uid: builder-uid}
secrets: [{name: builder-token-x1}]
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: builder-token-x1
  namespace: legacy-apps
  annotations: {kubernetes.io/service-account.name: builder, kubernetes.io/service-account.uid: builder-uid}
  labels: {)" + labels.toStdString() + R"(}
data:
  token: )" + QByteArray::fromStdString(stored).toBase64().toStdString() + "\n";
    auto snapshot = test::yaml(yaml);
    QCOMPARE(snapshot->report.diagnostics.size(), std::size_t(0));
    io::TokenReviewOptions o;
    o.verify.now = kNow;
    o.apiAudiences = {"https://kubernetes.default.svc"};
    o.snapshot = snapshot.get();
    const auto r = io::tokenReview(token, m_keys, o);
    QCOMPARE(r.authenticated, authenticated);
    const auto status = r.review.value(QStringLiteral("status")).toObject();
    if (authenticated) {
        const auto user = status.value(QStringLiteral("user")).toObject();
        QCOMPARE(user.value(QStringLiteral("username")).toString(),
                 QStringLiteral("system:serviceaccount:legacy-apps:builder"));
        QVERIFY(!user.contains(QStringLiteral("extra"))); // legacy tokens carry no extra
        QCOMPARE(status.value(QStringLiteral("audiences")).toArray(), QJsonArray {QStringLiteral("https://kubernetes.default.svc")});
        // A legacy token requested for another audience is rejected.
        o.verify.audiences = {"vault"};
        const auto r2 = io::tokenReview(token, m_keys, o);
        QVERIFY(!r2.authenticated);
        QVERIFY(QString::fromStdString(r2.error).contains(QStringLiteral("is invalid for the target audiences")));
    } else {
        QCOMPARE(status.value(QStringLiteral("error")).toString(),
                 QString(QStringLiteral("[invalid bearer token, ") + error + u']'));
    }
}

void TestJwt::tokenReviewNeverEchoesToken()
{
    const auto token = test::signJwt(m_rsa.get(), "RS256",
                                     test::legacyClaims(QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                                        QStringLiteral("d")),
                                     "rsa-1");
    for (bool ok : {true, false}) {
        io::TokenReviewOptions o;
        o.verify.audiences = {"x"};
        const auto r = io::tokenReview(ok ? token : token + "x", m_keys, o);
        const auto json = QJsonDocument(r.review).toJson();
        QVERIFY(!json.contains(QByteArray::fromStdString(token.substr(0, 40))));
        QVERIFY(!json.contains(QByteArray::fromStdString(token.substr(token.rfind('.') + 1))));
        QVERIFY(!r.review.value(QStringLiteral("spec")).toObject().contains(QStringLiteral("token")));
    }
}

void TestJwt::inspectionMapsToSnapshot()
{
    auto snapshot = io::loadSnapshot({std::string(RBX_SOURCE_DIR) + "/resources/demo"});
    Policy policy(snapshot);
    const auto token = demoToken("jenkins-token-4kq9z").toStdString();
    io::VerifyOptions o;
    o.now = kNow;
    const auto r = inspectJwt(&policy, token, nullptr, o);
    QVERIFY(r.serviceAccount && r.serviceAccount->exists && r.serviceAccount->uidMatches);
    QVERIFY(r.secret && r.secret->exists);
    QVERIFY(r.secretByFingerprint);
    QCOMPARE(r.secretByFingerprint->object.name, std::string("jenkins-token-4kq9z"));
    QVERIFY(r.grants && r.grants->clusterAdmin);
    QVERIFY(r.expiry.find("never") != std::string::npos);
    const auto text = inspectionText(r);
    QVERIFY(text.find("cluster-admin equivalent") != std::string::npos);
    QVERIFY(text.find("Verification: not done") != std::string::npos);
    QVERIFY(text.find(token.substr(0, 30)) == std::string::npos);
    QVERIFY(QJsonDocument(inspectionJson(r)).toJson().indexOf(QByteArray::fromStdString(token.substr(0, 30))) < 0);
    // The orphan's token: its ServiceAccount is gone.
    const auto orphan = inspectJwt(&policy, demoToken("old-ci-token").toStdString(), nullptr, o);
    QVERIFY(orphan.serviceAccount && !orphan.serviceAccount->exists);
    // A bound token with an expiry in words, verified against a JWKS.
    const auto bound = test::boundClaims(kNow - 600, 3607, QStringLiteral("team-a"), QStringLiteral("ci-runner"),
                                         QStringLiteral("x"), QStringLiteral("gone-pod"), QStringLiteral("y"), kIssuer,
                                         {kIssuer});
    const auto b = inspectJwt(&policy, test::signJwt(m_rsa.get(), "RS256", bound, "rsa-1"), &m_keys, o);
    QCOMPARE(b.type, std::string("bound ServiceAccount token (pod)"));
    QVERIFY2(b.expiry.rfind("in 50 min (", 0) == 0, b.expiry.c_str());
    QVERIFY2(b.expiry.find("lifetime 1 h 7 s") != std::string::npos, b.expiry.c_str());
    QVERIFY(b.verification && b.verification->verdict == io::JwtVerdict::Valid);
    QVERIFY(b.pod && !b.pod->exists);
    QVERIFY(b.serviceAccount && b.serviceAccount->exists && !b.serviceAccount->uidMatches);
}

QTEST_GUILESS_MAIN(TestJwt)
#include "tst_jwt.moc"
