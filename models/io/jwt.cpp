// SPDX-License-Identifier: Apache-2.0
#include "models/io/jwt.h"

#include "models/io/token.h"

#include <QDateTime>
#include <QTimeZone>
#include <QJsonArray>
#include <QJsonDocument>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>

namespace rbx::io {

namespace {

template<typename T, void (*F)(T*)>
struct Deleter
{
    void operator()(T* p) const
    {
        F(p);
    }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using EcSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

std::string fromHex(const std::string& hex)
{
    std::string out;
    out.reserve(hex.size() / 2);
    auto v = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out += static_cast<char>(v(hex[i]) << 4 | v(hex[i + 1]));
    return out;
}

std::string str(const QJsonValue& v)
{
    return v.isString() ? v.toString().toStdString() : std::string();
}

std::optional<std::int64_t> numericDate(const QJsonValue& v)
{
    if (!v.isDouble())
        return std::nullopt;
    return static_cast<std::int64_t>(v.toDouble());
}

std::string isoTime(std::int64_t secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'")).toStdString();
}

std::string relative(std::int64_t delta)
{
    // "in 58 min" / "3 days ago"
    std::int64_t a = delta < 0 ? -delta : delta;
    std::string unit;
    std::int64_t n = 0;
    if (a < 90) {
        n = a;
        unit = " s";
    } else if (a < 90 * 60) {
        n = (a + 30) / 60;
        unit = " min";
    } else if (a < 36 * 3600) {
        n = (a + 1800) / 3600;
        unit = " h";
    } else if (a < 400 * 86400) {
        n = (a + 43200) / 86400;
        unit = n == 1 ? " day" : " days";
    } else {
        n = a / (365 * 86400);
        unit = n == 1 ? " year" : " years";
    }
    return delta >= 0 ? "in " + std::to_string(n) + unit : std::to_string(n) + unit + " ago";
}

std::string goQuotedList(const std::vector<std::string>& v)
{
    // Go's %q of a []string: ["a" "b"]
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i)
        s += (i ? " \"" : "\"") + v[i] + '"';
    return s + ']';
}

struct Segments
{
    std::string_view header;
    std::string_view payload;
    std::string_view signature;
    std::string_view signingInput;
};

std::optional<Segments> split(std::string_view token)
{
    const auto d1 = token.find('.');
    if (d1 == std::string_view::npos)
        return std::nullopt;
    const auto d2 = token.find('.', d1 + 1);
    if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
        return std::nullopt;
    return Segments {token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1), token.substr(d2 + 1),
                     token.substr(0, d2)};
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// ---- keys -----------------------------------------------------------------------------------------------------

const char* curveGroup(const std::string& crv)
{
    if (crv == "P-256")
        return "prime256v1";
    if (crv == "P-384")
        return "secp384r1";
    if (crv == "P-521")
        return "secp521r1";
    return nullptr;
}

int curveBytes(const std::string& crv)
{
    return crv == "P-256" ? 32 : crv == "P-384" ? 48 : crv == "P-521" ? 66 : 0;
}

std::string curveOfGroup(const std::string& group)
{
    if (group == "prime256v1" || group == "P-256")
        return "P-256";
    if (group == "secp384r1" || group == "P-384")
        return "P-384";
    if (group == "secp521r1" || group == "P-521")
        return "P-521";
    return group;
}

std::string derOf(EVP_PKEY* pkey)
{
    unsigned char* buf = nullptr;
    const int len = i2d_PUBKEY(pkey, &buf);
    if (len <= 0)
        return {};
    std::string der(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len));
    OPENSSL_free(buf);
    return der;
}

PkeyPtr pkeyOf(const std::string& der)
{
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    return PkeyPtr(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
}

bool publicCheck(EVP_PKEY* pkey)
{
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    return ctx && EVP_PKEY_public_check(ctx.get()) == 1;
}

// Fills kty/crv/bits/derivedKid/spki from an OpenSSL key.
bool describe(EVP_PKEY* pkey, PublicKey& key, std::string& error)
{
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        key.kty = "RSA";
    } else if (EVP_PKEY_is_a(pkey, "EC")) {
        key.kty = "EC";
        char group[64] = {};
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) {
            error = "EC key without a named curve";
            return false;
        }
        key.crv = curveOfGroup(group);
        if (!curveGroup(key.crv)) {
            error = "unsupported curve " + key.crv;
            return false;
        }
    } else {
        error = "unsupported key type (only RSA and EC keys sign ServiceAccount tokens)";
        return false;
    }
    key.bits = EVP_PKEY_get_bits(pkey);
    key.spki = derOf(pkey);
    if (key.spki.empty()) {
        error = "cannot encode the public key";
        return false;
    }
    key.derivedKid = base64UrlEncode(fromHex(sha256Hex(key.spki)));
    return true;
}

PkeyPtr fromData(const char* type, OSSL_PARAM_BLD* bld)
{
    ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* pkey = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1
        || EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return nullptr;
    return PkeyPtr(pkey);
}

std::optional<PublicKey> keyFromJwk(const QJsonObject& jwk, std::string& error)
{
    PublicKey key;
    key.kid = str(jwk.value(QStringLiteral("kid")));
    key.alg = str(jwk.value(QStringLiteral("alg")));
    const auto kty = str(jwk.value(QStringLiteral("kty")));
    auto b64 = [&](const char* name) -> std::optional<std::string> {
        const auto v = jwk.value(QLatin1String(name));
        if (!v.isString())
            return std::nullopt;
        return base64UrlDecode(v.toString().toStdString());
    };
    PkeyPtr pkey;
    if (kty == "RSA") {
        const auto n = b64("n");
        const auto e = b64("e");
        if (!n || !e || n->empty() || e->empty()) {
            error = "RSA key without valid n and e";
            return std::nullopt;
        }
        BnPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr));
        BnPtr be(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr));
        ParamBldPtr bld(OSSL_PARAM_BLD_new());
        if (!bn || !be || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) != 1
            || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1) {
            error = "cannot build the RSA key";
            return std::nullopt;
        }
        pkey = fromData("RSA", bld.get());
    } else if (kty == "EC") {
        const auto crv = str(jwk.value(QStringLiteral("crv")));
        const char* group = curveGroup(crv);
        const auto x = b64("x");
        const auto y = b64("y");
        const auto size = static_cast<std::size_t>(curveBytes(crv));
        if (!group) {
            error = "unsupported curve \"" + crv + '"';
            return std::nullopt;
        }
        if (!x || !y || x->size() > size || y->size() > size || x->empty() || y->empty()) {
            error = "EC key without valid x and y";
            return std::nullopt;
        }
        std::string point(1, '\x04');
        point += std::string(size - x->size(), '\0') + *x + std::string(size - y->size(), '\0') + *y;
        ParamBldPtr bld(OSSL_PARAM_BLD_new());
        if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1
            || OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
            error = "cannot build the EC key";
            return std::nullopt;
        }
        pkey = fromData("EC", bld.get());
    } else {
        error = kty.empty() ? std::string("no kty") : "unsupported kty \"" + kty + '"';
        return std::nullopt;
    }
    if (!pkey || !publicCheck(pkey.get())) {
        error = "invalid " + kty + " public key";
        return std::nullopt;
    }
    if (!describe(pkey.get(), key, error))
        return std::nullopt;
    return key;
}

// ---- signatures -----------------------------------------------------------------------------------------------

const EVP_MD* digestOf(const std::string& alg)
{
    const auto bits = alg.size() == 5 ? alg.substr(2) : std::string();
    if (bits == "256")
        return EVP_sha256();
    if (bits == "384")
        return EVP_sha384();
    if (bits == "512")
        return EVP_sha512();
    return nullptr;
}

bool supportedAlg(const std::string& alg)
{
    static const char* algs[] = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"};
    return std::any_of(std::begin(algs), std::end(algs), [&](const char* a) { return alg == a; });
}

// The key type an algorithm needs: "RSA", or the EC curve.
std::string keyFor(const std::string& alg)
{
    if (alg.rfind("RS", 0) == 0 || alg.rfind("PS", 0) == 0)
        return "RSA";
    if (alg == "ES256")
        return "P-256";
    if (alg == "ES384")
        return "P-384";
    return "P-521";
}

bool compatible(const PublicKey& key, const std::string& alg)
{
    const auto need = keyFor(alg);
    if (need == "RSA" ? key.kty != "RSA" : (key.kty != "EC" || key.crv != need))
        return false;
    return key.alg.empty() || key.alg == alg;
}

bool verifySignature(const PublicKey& key, const std::string& alg, std::string_view input, const std::string& signature)
{
    auto pkey = pkeyOf(key.spki);
    const EVP_MD* md = digestOf(alg);
    if (!pkey || !md)
        return false;
    std::string sig = signature;
    if (alg[0] == 'E') {
        // JWS carries ECDSA signatures as raw r || s; OpenSSL wants a DER ECDSA-Sig-Value.
        const auto size = static_cast<std::size_t>(curveBytes(key.crv));
        if (signature.size() != 2 * size)
            return false;
        EcSigPtr ec(ECDSA_SIG_new());
        BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), static_cast<int>(size), nullptr);
        BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()) + size, static_cast<int>(size),
                              nullptr);
        if (!ec || !r || !s || ECDSA_SIG_set0(ec.get(), r, s) != 1) {
            BN_free(r);
            BN_free(s);
            return false;
        }
        unsigned char* der = nullptr;
        const int len = i2d_ECDSA_SIG(ec.get(), &der);
        if (len <= 0)
            return false;
        sig.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
        OPENSSL_free(der);
    }
    MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, pkey.get()) != 1)
        return false;
    if (alg[0] == 'P') {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1
            || EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)
            return false;
    } else if (alg[0] == 'R') {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
            return false;
    }
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(input.data()), input.size())
        == 1;
}

} // namespace

std::string base64UrlEncode(std::string_view data)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((data.size() * 4 + 2) / 3);
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : data) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += alphabet[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0)
        out += alphabet[(acc << (6 - bits)) & 0x3f];
    return out;
}

// ---- decoding -------------------------------------------------------------------------------------------------

JwtInfo decodeJwt(std::string_view token)
{
    token = trimmed(token);
    JwtInfo info;
    info.fingerprint = sha256Hex(token);
    const auto parts = split(token);
    if (!parts) {
        info.error = "not a JWT: expected three dot-separated segments";
        return info;
    }
    const auto header = base64UrlDecode(parts->header);
    const auto payload = base64UrlDecode(parts->payload);
    if (!header || !payload) {
        info.error = "not a JWT: a segment is not base64url";
        return info;
    }
    const auto h = QJsonDocument::fromJson(QByteArray::fromStdString(*header));
    const auto c = QJsonDocument::fromJson(QByteArray::fromStdString(*payload));
    if (!h.isObject() || !c.isObject()) {
        info.error = "not a JWT: the header or the claims are not a JSON object";
        return info;
    }
    info.header = h.object();
    info.claims = c.object();
    info.alg = str(info.header.value(QStringLiteral("alg")));
    info.kid = str(info.header.value(QStringLiteral("kid")));
    info.typ = str(info.header.value(QStringLiteral("typ")));
    const auto& cl = info.claims;
    info.iss = str(cl.value(QStringLiteral("iss")));
    info.sub = str(cl.value(QStringLiteral("sub")));
    info.jti = str(cl.value(QStringLiteral("jti")));
    const auto aud = cl.value(QStringLiteral("aud"));
    info.hasAud = !aud.isUndefined() && !aud.isNull();
    if (aud.isString())
        info.aud.push_back(aud.toString().toStdString());
    for (const auto& a : aud.toArray())
        info.aud.push_back(str(a));
    info.exp = numericDate(cl.value(QStringLiteral("exp")));
    info.iat = numericDate(cl.value(QStringLiteral("iat")));
    info.nbf = numericDate(cl.value(QStringLiteral("nbf")));
    const auto legacyNs = cl.value(QStringLiteral("kubernetes.io/serviceaccount/namespace"));
    if (!legacyNs.isUndefined() || info.iss == kLegacyIssuer) {
        info.legacy = true;
        info.ns = str(legacyNs);
        info.secretName = str(cl.value(QStringLiteral("kubernetes.io/serviceaccount/secret.name")));
        info.serviceAccount = str(cl.value(QStringLiteral("kubernetes.io/serviceaccount/service-account.name")));
        info.serviceAccountUid = str(cl.value(QStringLiteral("kubernetes.io/serviceaccount/service-account.uid")));
    }
    const auto k = cl.value(QStringLiteral("kubernetes.io")).toObject();
    if (!k.isEmpty()) {
        auto ref = [&](const char* key, std::string& name, std::string& uid) {
            const auto o = k.value(QLatin1String(key)).toObject();
            name = str(o.value(QStringLiteral("name")));
            uid = str(o.value(QStringLiteral("uid")));
        };
        info.ns = str(k.value(QStringLiteral("namespace")));
        ref("serviceaccount", info.serviceAccount, info.serviceAccountUid);
        ref("pod", info.podName, info.podUid);
        ref("secret", info.secretName, info.secretUid);
        ref("node", info.nodeName, info.nodeUid);
        info.warnafter = numericDate(k.value(QStringLiteral("warnafter")));
    }
    return info;
}

// ---- key sets -------------------------------------------------------------------------------------------------

void KeySet::merge(KeySet other)
{
    for (auto& k : other.keys)
        keys.push_back(std::move(k));
    for (auto& e : other.errors)
        errors.push_back(std::move(e));
    for (auto& s : other.sources)
        sources.push_back(std::move(s));
    for (auto& a : other.algorithms)
        if (std::find(algorithms.begin(), algorithms.end(), a) == algorithms.end())
            algorithms.push_back(std::move(a));
    if (issuer.empty())
        issuer = std::move(other.issuer);
    if (jwksUri.empty())
        jwksUri = std::move(other.jwksUri);
}

KeySet parseKeySet(const QByteArray& data, const std::string& source)
{
    KeySet set;
    set.sources.push_back(source);
    const auto text = data.trimmed();
    if (text.startsWith("-----BEGIN")) {
        BioPtr bio(BIO_new_mem_buf(text.constData(), static_cast<int>(text.size())));
        int n = 0;
        while (EVP_PKEY* raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)) {
            PkeyPtr pkey(raw);
            ++n;
            PublicKey key;
            key.source = source + " key #" + std::to_string(n);
            std::string error;
            if (describe(pkey.get(), key, error))
                set.keys.push_back(std::move(key));
            else
                set.errors.push_back(key.source + ": " + error);
        }
        if (n == 0)
            set.errors.push_back(source + ": no PEM public key (BEGIN PUBLIC KEY) found");
        return set;
    }
    QJsonParseError perr {};
    const auto doc = QJsonDocument::fromJson(text, &perr);
    if (!doc.isObject()) {
        set.errors.push_back(source + ": not a JWKS, a JWK, an OIDC discovery document or a PEM public key");
        return set;
    }
    const auto o = doc.object();
    QJsonArray jwks;
    if (o.contains(QStringLiteral("keys")))
        jwks = o.value(QStringLiteral("keys")).toArray();
    else if (o.contains(QStringLiteral("kty")))
        jwks.append(o);
    if (o.contains(QStringLiteral("issuer")) || o.contains(QStringLiteral("jwks_uri"))) {
        set.issuer = str(o.value(QStringLiteral("issuer")));
        set.jwksUri = str(o.value(QStringLiteral("jwks_uri")));
        for (const auto& a : o.value(QStringLiteral("id_token_signing_alg_values_supported")).toArray())
            set.algorithms.push_back(str(a));
    }
    for (qsizetype i = 0; i < jwks.size(); ++i) {
        const auto jwk = jwks.at(i).toObject();
        const auto label = source + " key #" + std::to_string(i + 1)
            + (jwk.contains(QStringLiteral("kid")) ? " (kid " + str(jwk.value(QStringLiteral("kid"))) + ')' : "");
        const auto use = str(jwk.value(QStringLiteral("use")));
        if (!use.empty() && use != "sig") {
            set.errors.push_back(label + ": use \"" + use + "\", not a signing key");
            continue;
        }
        std::string error;
        auto key = keyFromJwk(jwk, error);
        if (!key) {
            set.errors.push_back(label + ": " + error);
            continue;
        }
        key->source = label;
        if (jwk.contains(QStringLiteral("d")))
            set.errors.push_back(label + ": holds private key material (d); only the public part is used");
        set.keys.push_back(std::move(*key));
    }
    return set;
}

const char* verdictName(JwtVerdict v)
{
    switch (v) {
    case JwtVerdict::Valid:
        return "valid";
    case JwtVerdict::Expired:
        return "expired";
    case JwtVerdict::NotYetValid:
        return "not-yet-valid";
    case JwtVerdict::WrongAudience:
        return "wrong-audience";
    case JwtVerdict::WrongIssuer:
        return "wrong-issuer";
    case JwtVerdict::UnknownKey:
        return "unknown-key";
    case JwtVerdict::BadSignature:
        return "bad-signature";
    case JwtVerdict::UnsupportedAlgorithm:
        return "unsupported-algorithm";
    case JwtVerdict::Malformed:
        return "malformed";
    case JwtVerdict::NoKeys:
        break;
    }
    return "no-keys";
}

// ---- verification ---------------------------------------------------------------------------------------------

namespace {

struct SignatureCheck
{
    JwtVerdict verdict = JwtVerdict::Valid;
    std::string message;
    const PublicKey* key = nullptr;
};

// Signature only: algorithm, key selection by kid, OpenSSL verification.
SignatureCheck checkSignature(std::string_view token, const JwtInfo& info, const KeySet& keys)
{
    SignatureCheck r;
    auto fail = [&](JwtVerdict v, std::string m) {
        r.verdict = v;
        r.message = std::move(m);
        return r;
    };
    if (info.alg == "none" || info.alg.empty())
        return fail(JwtVerdict::UnsupportedAlgorithm,
                    "the token is unsigned (alg \"" + info.alg + "\"): unsigned tokens are never accepted");
    if (info.alg.rfind("HS", 0) == 0)
        return fail(JwtVerdict::UnsupportedAlgorithm,
                    "alg " + info.alg + " is a shared-secret algorithm; ServiceAccount tokens are signed with RSA or "
                    "ECDSA keys, and a public key is never used as an HMAC secret");
    if (!supportedAlg(info.alg))
        return fail(JwtVerdict::UnsupportedAlgorithm, "unsupported signing algorithm \"" + info.alg + '"');
    if (!keys.algorithms.empty()
        && std::find(keys.algorithms.begin(), keys.algorithms.end(), info.alg) == keys.algorithms.end())
        return fail(JwtVerdict::UnsupportedAlgorithm,
                    "alg " + info.alg + " is not among the algorithms the issuer advertises");
    if (keys.keys.empty())
        return fail(JwtVerdict::NoKeys, "no public keys to verify with (give a JWKS or PEM public key)");
    std::vector<const PublicKey*> candidates;
    for (const auto& k : keys.keys)
        if (info.kid.empty() || k.kid == info.kid || (k.kid.empty() && k.derivedKid == info.kid))
            candidates.push_back(&k);
    if (candidates.empty()) {
        std::string known;
        for (const auto& k : keys.keys)
            known += (known.empty() ? "" : ", ") + (k.kid.empty() ? k.derivedKid : k.kid);
        return fail(JwtVerdict::UnknownKey, "no key has kid \"" + info.kid + "\" (known: " + known + ')');
    }
    std::erase_if(candidates, [&](const PublicKey* k) { return !compatible(*k, info.alg); });
    if (candidates.empty())
        return fail(JwtVerdict::UnknownKey,
                    "no " + keyFor(info.alg) + " key for alg " + info.alg + " has kid \"" + info.kid + '"');
    const auto parts = split(trimmed(token));
    const auto signature = base64UrlDecode(parts->signature);
    if (!signature || signature->empty())
        return fail(JwtVerdict::BadSignature, "the signature segment is empty or not base64url");
    for (const auto* k : candidates)
        if (verifySignature(*k, info.alg, parts->signingInput, *signature)) {
            r.key = k;
            r.message = info.alg + " signature verified with " + k->source;
            return r;
        }
    return fail(JwtVerdict::BadSignature,
                "the " + info.alg + " signature does not verify with "
                    + (candidates.size() == 1 ? candidates.front()->source : std::to_string(candidates.size()) + " keys"));
}

std::int64_t nowOf(const VerifyOptions& o)
{
    return o.now ? *o.now : QDateTime::currentSecsSinceEpoch();
}

} // namespace

VerifyResult verifyJwt(std::string_view token, const KeySet& keys, const VerifyOptions& options)
{
    VerifyResult r;
    const auto info = decodeJwt(token);
    if (!info.ok()) {
        r.verdict = JwtVerdict::Malformed;
        r.message = info.error;
        r.checks.push_back("format: " + info.error);
        return r;
    }
    r.checks.push_back("format: JWT, alg " + info.alg + (info.kid.empty() ? ", no kid" : ", kid " + info.kid));
    const auto sig = checkSignature(token, info, keys);
    if (sig.verdict != JwtVerdict::Valid) {
        r.verdict = sig.verdict;
        r.message = sig.message;
        r.checks.push_back("signature: " + sig.message);
        return r;
    }
    r.signatureValid = true;
    r.key = sig.key;
    std::string keyNote = sig.message;
    if (!sig.key->kid.empty() && sig.key->kid != sig.key->derivedKid)
        keyNote += " (its JWKS kid differs from the kid Kubernetes derives from the key, " + sig.key->derivedKid + ')';
    r.checks.push_back("signature: " + keyNote);

    auto issuers = options.issuers;
    if (issuers.empty() && !keys.issuer.empty())
        issuers.push_back(keys.issuer);
    if (issuers.empty()) {
        r.checks.push_back("issuer: " + info.iss + " (not checked: no issuer given)");
    } else if (std::find(issuers.begin(), issuers.end(), info.iss) == issuers.end()) {
        r.verdict = JwtVerdict::WrongIssuer;
        r.message = "issuer \"" + info.iss + "\" is not the expected " + goQuotedList(issuers);
        if (info.legacy)
            r.message += " (a legacy token is not verifiable through OIDC discovery: give the API server's "
                         "--service-account-key-file public key instead)";
        r.checks.push_back("issuer: " + r.message);
        return r;
    } else {
        r.checks.push_back("issuer: " + info.iss + " accepted");
    }

    if (options.audiences.empty()) {
        r.checks.push_back("audience: not checked (no audience given)");
    } else {
        bool match = false;
        for (const auto& a : info.aud)
            match = match || std::find(options.audiences.begin(), options.audiences.end(), a) != options.audiences.end();
        if (!match) {
            r.verdict = JwtVerdict::WrongAudience;
            r.message = info.hasAud ? "token audiences " + goQuotedList(info.aud) + " do not include "
                    + goQuotedList(options.audiences)
                                    : "the token has no audience (a legacy token), expected " + goQuotedList(options.audiences);
            r.checks.push_back("audience: " + r.message);
            return r;
        }
        r.checks.push_back("audience: " + goQuotedList(info.aud) + " includes an expected audience");
    }

    const auto now = nowOf(options);
    const auto leeway = options.leewaySeconds;
    if (info.exp && now > *info.exp + leeway) {
        r.verdict = JwtVerdict::Expired;
        r.message = "expired " + relative(*info.exp - now) + " (" + isoTime(*info.exp) + ')';
        r.checks.push_back("time: " + r.message);
        return r;
    }
    if (info.nbf && now < *info.nbf - leeway) {
        r.verdict = JwtVerdict::NotYetValid;
        r.message = "not valid before " + isoTime(*info.nbf) + " (" + relative(*info.nbf - now) + ')';
        r.checks.push_back("time: " + r.message);
        return r;
    }
    if (info.iat && now < *info.iat - leeway) {
        r.verdict = JwtVerdict::NotYetValid;
        r.message = "issued in the future (" + isoTime(*info.iat) + ')';
        r.checks.push_back("time: " + r.message);
        return r;
    }
    r.checks.push_back(info.exp ? "time: valid, expires " + relative(*info.exp - now) + " (" + isoTime(*info.exp) + ')'
                                : std::string("time: no exp claim, never expires"));
    r.verdict = JwtVerdict::Valid;
    r.message = "valid";
    return r;
}

// ---- TokenReview ----------------------------------------------------------------------------------------------

namespace {

std::vector<std::string> intersect(const std::vector<std::string>& a, const std::vector<std::string>& b)
{
    std::vector<std::string> out;
    for (const auto& x : a)
        if (std::find(b.begin(), b.end(), x) != b.end() && std::find(out.begin(), out.end(), x) == out.end())
            out.push_back(x);
    return out;
}

// The validators' checks after signature, issuer and audience: legacy.go Validate and claims.go Validate.
std::string validateClaims(const JwtInfo& info, const TokenReviewOptions& o, std::int64_t now,
                           std::vector<std::string>& notes)
{
    const Snapshot* s = o.snapshot;
    const auto saName = "system:serviceaccount:" + info.ns + ':' + info.serviceAccount;
    if (info.legacy) {
        if (info.sub.empty())
            return "sub claim is missing";
        if (info.ns.empty())
            return "namespace claim is missing";
        if (info.secretName.empty())
            return "secretName claim is missing";
        if (info.serviceAccount.empty())
            return "serviceAccountName claim is missing";
        if (info.serviceAccountUid.empty())
            return "serviceAccountUID claim is missing";
        if (info.sub != saName)
            return "sub claim is invalid";
        if (!s) {
            notes.push_back("legacy token: the Secret and ServiceAccount lookups were not made (no snapshot)");
            return {};
        }
        const auto* secret = s->findSecret(info.ns, info.secretName);
        if (!secret)
            return "Token has been invalidated";
        if (!secret->token || secret->token->sha256 != info.fingerprint)
            return "Token does not match server's copy";
        const auto* sa = s->findServiceAccount(info.ns, info.serviceAccount);
        if (!sa)
            return "serviceaccounts \"" + info.serviceAccount + "\" not found";
        if (sa->meta.uid != info.serviceAccountUid)
            return "ServiceAccount UID (" + sa->meta.uid + ") does not match claim (" + info.serviceAccountUid + ')';
        const auto inv = secret->meta.labels.find("kubernetes.io/legacy-token-invalid-since");
        if (inv != secret->meta.labels.end() && !inv->second.empty())
            return "the token in secret " + info.ns + '/' + info.secretName + " for service account " + info.ns + '/'
                + info.serviceAccount
                + " has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based "
                  "tokens, or remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to "
                  "temporarily allow use of this token";
        return {};
    }
    const auto leeway = o.verify.leewaySeconds;
    if (info.exp && now > *info.exp + leeway)
        return "service account token has expired";
    if (info.nbf && now < *info.nbf - leeway)
        return "service account token is not valid yet";
    if (info.iat && now < *info.iat - leeway)
        return "service account token claims could not be validated due to unexpected validation error";
    if (!s) {
        notes.push_back("bound token: the ServiceAccount, Pod, Secret and Node lookups were not made (no snapshot)");
        return {};
    }
    const auto* sa = s->findServiceAccount(info.ns, info.serviceAccount);
    if (!sa)
        return "serviceaccounts \"" + info.serviceAccount + "\" not found";
    if (sa->meta.uid != info.serviceAccountUid)
        return "service account UID (" + sa->meta.uid + ") does not match claim (" + info.serviceAccountUid + ')';
    if (!info.secretName.empty()) {
        const auto* secret = s->findSecret(info.ns, info.secretName);
        if (!secret)
            return "service account token has been invalidated";
        if (secret->meta.uid != info.secretUid)
            return "secret UID (" + secret->meta.uid + ") does not match service account secret ref claim ("
                + info.secretUid + ')';
    }
    if (!info.podName.empty()) {
        const auto* pod = s->findPod(info.ns, info.podName);
        if (!pod)
            return "service account token has been invalidated";
        if (pod->meta.uid != info.podUid)
            return "pod UID (" + pod->meta.uid + ") does not match service account pod ref claim (" + info.podUid + ')';
    } else if (!info.nodeName.empty()) {
        const auto* node = s->findNode(info.nodeName);
        if (!node)
            return "service account token has been invalidated";
        if (!info.nodeUid.empty() && node->meta.uid != info.nodeUid)
            return "node UID (" + node->meta.uid + ") does not match service account node ref claim (" + info.nodeUid
                + ')';
    }
    if (info.warnafter && now > *info.warnafter)
        notes.push_back("stale token: presented " + std::to_string(now - *info.warnafter)
                        + " s after its warnafter; the API server adds the audit annotation "
                          "authentication.k8s.io/stale-token but still accepts it");
    return {};
}

} // namespace

TokenReviewResult tokenReview(std::string_view token, const KeySet& keys, const TokenReviewOptions& o)
{
    TokenReviewResult res;
    const auto info = decodeJwt(token);
    const auto now = nowOf(o.verify);
    std::vector<std::string> issuers = o.verify.issuers;
    if (!keys.issuer.empty() && std::find(issuers.begin(), issuers.end(), keys.issuer) == issuers.end())
        issuers.push_back(keys.issuer);
    auto apiAudiences = o.apiAudiences.empty() ? issuers : o.apiAudiences;
    const auto& requested = o.verify.audiences;

    QJsonObject spec;
    if (!requested.empty()) {
        QJsonArray a;
        for (const auto& x : requested)
            a.append(QString::fromStdString(x));
        spec.insert(QStringLiteral("audiences"), a);
    }
    auto finish = [&](const std::string& error, const QJsonObject& user, const std::vector<std::string>& auds) {
        QJsonObject status;
        status.insert(QStringLiteral("authenticated"), error.empty());
        status.insert(QStringLiteral("user"), user);
        if (!auds.empty()) {
            QJsonArray a;
            for (const auto& x : auds)
                a.append(QString::fromStdString(x));
            status.insert(QStringLiteral("audiences"), a);
        }
        if (!error.empty())
            status.insert(QStringLiteral("error"), QString::fromStdString("[invalid bearer token, " + error + ']'));
        res.authenticated = error.empty();
        res.error = error;
        res.review = QJsonObject {{QStringLiteral("apiVersion"), QStringLiteral("authentication.k8s.io/v1")},
                                  {QStringLiteral("kind"), QStringLiteral("TokenReview")},
                                  {QStringLiteral("metadata"), QJsonObject {{QStringLiteral("creationTimestamp"), QJsonValue()}}},
                                  {QStringLiteral("spec"), spec},
                                  {QStringLiteral("status"), status}};
        return res;
    };

    if (!info.ok())
        return finish(info.error, {}, {});
    // The ServiceAccount authenticators only look at tokens whose issuer they accept.
    const bool legacyIssuer = info.iss == kLegacyIssuer;
    if (!legacyIssuer) {
        if (issuers.empty())
            res.notes.push_back("issuer " + info.iss + " accepted without a check: give --issuer or a discovery document");
        else if (std::find(issuers.begin(), issuers.end(), info.iss) == issuers.end())
            return finish("token issuer \"" + info.iss + "\" is not one of the accepted issuers " + goQuotedList(issuers),
                          {}, {});
    }
    const auto sig = checkSignature(token, info, keys);
    if (sig.verdict != JwtVerdict::Valid) {
        res.notes.push_back(std::string(verdictName(sig.verdict)) + ": " + sig.message);
        const auto error = sig.verdict == JwtVerdict::BadSignature ? std::string("go-jose/go-jose: error in cryptographic primitive")
                                                                   : sig.message;
        return finish(error, {}, {});
    }
    // Audiences: tokens without aud (legacy) carry the API audiences.
    std::vector<std::string> tokenAuds = info.aud;
    if (tokenAuds.empty())
        tokenAuds = apiAudiences;
    const auto& target = requested.empty() ? apiAudiences : requested;
    std::vector<std::string> auds;
    if (apiAudiences.empty()) {
        res.notes.push_back("the API server's audiences are unknown (give --api-audience or --issuer): the audience "
                            "check was skipped");
        auds = requested.empty() ? tokenAuds : info.legacy ? requested : intersect(tokenAuds, requested);
        if (!requested.empty() && auds.empty())
            return finish("token audiences " + goQuotedList(tokenAuds) + " is invalid for the target audiences "
                              + goQuotedList(requested),
                          {}, {});
    } else {
        auds = intersect(tokenAuds, target);
        if (auds.empty())
            return finish("token audiences " + goQuotedList(tokenAuds) + " is invalid for the target audiences "
                              + goQuotedList(target),
                          {}, {});
    }
    if (const auto error = validateClaims(info, o, now, res.notes); !error.empty())
        return finish(error, {}, {});

    QJsonObject user;
    user.insert(QStringLiteral("username"), QString::fromStdString("system:serviceaccount:" + info.ns + ':' + info.serviceAccount));
    user.insert(QStringLiteral("uid"), QString::fromStdString(info.serviceAccountUid));
    user.insert(QStringLiteral("groups"),
                QJsonArray {QStringLiteral("system:serviceaccounts"),
                            QString::fromStdString("system:serviceaccounts:" + info.ns),
                            QStringLiteral("system:authenticated")});
    if (!info.legacy) {
        QJsonObject extra;
        auto put = [&](const char* key, const std::string& v) {
            if (!v.empty())
                extra.insert(QLatin1String(key), QJsonArray {QString::fromStdString(v)});
        };
        if (!info.podName.empty()) {
            put("authentication.kubernetes.io/pod-name", info.podName);
            put("authentication.kubernetes.io/pod-uid", info.podUid);
        }
        put("authentication.kubernetes.io/node-name", info.nodeName);
        put("authentication.kubernetes.io/node-uid", info.nodeUid);
        if (!info.jti.empty())
            put("authentication.kubernetes.io/credential-id", "JTI=" + info.jti);
        if (!extra.isEmpty())
            user.insert(QStringLiteral("extra"), extra);
    }
    return finish({}, user, auds);
}

} // namespace rbx::io
