// SPDX-License-Identifier: Apache-2.0
#include "testpki.h"

#include <QList>
#include <QPair>
#include <QtGlobal>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace rbx::test {
namespace {

template <auto Fn>
struct Free
{
    template <typename T>
    void operator()(T* p) const
    {
        Fn(p);
    }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Free<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Free<BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION_free>>;

[[noreturn]] void fail(const char* what)
{
    char buf[256] = {};
    ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
    qFatal("rbx::test::Pki: %s failed: %s", what, buf);
}

template <typename T>
T* check(T* p, const char* what)
{
    if (!p)
        fail(what);
    return p;
}

void check(int rc, const char* what)
{
    if (rc <= 0)
        fail(what);
}

KeyPtr ecKey()
{
    return KeyPtr(check(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), "EC key generation"));
}

KeyPtr rsaKey()
{
    return KeyPtr(check(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t {2048}), "RSA key generation"));
}

enum class Role
{
    Ca,
    Server,
    Client
};

struct CertSpec
{
    QList<QPair<const char*, QString>> subject; // in order, e.g. {"O", "reviewers"}, {"CN", "jane"}
    Role role = Role::Client;
    long notBefore = -3600; // seconds from now
    long notAfter = 7 * 24 * 3600;
};

void addExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value)
{
    ExtPtr ext(check(X509V3_EXT_conf_nid(nullptr, ctx, nid, value), "X509V3_EXT_conf_nid"));
    check(X509_add_ext(cert, ext.get(), -1), "X509_add_ext");
}

// issuer/issuerKey null: self-signed with subjectKey.
CertPtr makeCert(const CertSpec& spec, EVP_PKEY* subjectKey, X509* issuer, EVP_PKEY* issuerKey)
{
    CertPtr cert(check(X509_new(), "X509_new"));
    check(X509_set_version(cert.get(), X509_VERSION_3), "X509_set_version");

    unsigned char serial[16];
    check(RAND_bytes(serial, sizeof serial), "RAND_bytes");
    serial[0] &= 0x7f; // positive
    serial[0] |= 0x01; // and without a leading zero byte
    BnPtr bn(check(BN_bin2bn(serial, sizeof serial, nullptr), "BN_bin2bn"));
    check(BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())), "BN_to_ASN1_INTEGER");

    check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.notBefore), "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.notAfter), "notAfter");

    X509_NAME* name = X509_get_subject_name(cert.get());
    for (const auto& [field, value] : spec.subject) {
        const QByteArray utf8 = value.toUtf8();
        check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                  reinterpret_cast<const unsigned char*>(utf8.constData()), static_cast<int>(utf8.size()), -1, 0),
            "X509_NAME_add_entry_by_txt");
    }
    check(X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name), "X509_set_issuer_name");
    check(X509_set_pubkey(cert.get(), subjectKey), "X509_set_pubkey");

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
    const bool rsa = EVP_PKEY_is_a(subjectKey, "RSA");
    switch (spec.role) {
    case Role::Ca:
        addExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE");
        addExtension(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
        addExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
        break;
    case Role::Server:
        addExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
        addExtension(cert.get(), &ctx, NID_key_usage,
            rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
        addExtension(cert.get(), &ctx, NID_ext_key_usage, "serverAuth");
        addExtension(cert.get(), &ctx, NID_subject_alt_name, "DNS:localhost,DNS:kubernetes.test,IP:127.0.0.1");
        addExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
        break;
    case Role::Client:
        addExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
        addExtension(cert.get(), &ctx, NID_key_usage,
            rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
        addExtension(cert.get(), &ctx, NID_ext_key_usage, "clientAuth");
        addExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
        break;
    }

    check(X509_sign(cert.get(), issuerKey ? issuerKey : subjectKey, EVP_sha256()), "X509_sign");
    return cert;
}

QByteArray bioBytes(BIO* bio)
{
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    return QByteArray(data, static_cast<qsizetype>(len));
}

QByteArray certPem(X509* cert)
{
    BioPtr bio(check(BIO_new(BIO_s_mem()), "BIO_new"));
    check(PEM_write_bio_X509(bio.get(), cert), "PEM_write_bio_X509");
    return bioBytes(bio.get());
}

enum class KeyFormat
{
    Pkcs8,
    Traditional
};

QByteArray keyPem(EVP_PKEY* key, KeyFormat format)
{
    BioPtr bio(check(BIO_new(BIO_s_mem()), "BIO_new"));
    if (format == KeyFormat::Pkcs8)
        check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
            "PEM_write_bio_PrivateKey");
    else
        check(PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
            "PEM_write_bio_PrivateKey_traditional");
    return bioBytes(bio.get());
}

CertSpec clientSpec(const QString& user, const QStringList& groups)
{
    CertSpec spec;
    spec.role = Role::Client;
    for (const QString& g : groups)
        spec.subject.append({"O", g});
    spec.subject.append({"CN", user});
    return spec;
}

} // namespace

Pki Pki::generate(const QString& clientUser, const QStringList& clientGroups)
{
    Pki pki;

    const KeyPtr caKey = ecKey();
    CertSpec caSpec;
    caSpec.role = Role::Ca;
    caSpec.subject = {{"CN", QStringLiteral("rbx-test-ca")}};
    caSpec.notAfter = 30 * 24 * 3600;
    const CertPtr ca = makeCert(caSpec, caKey.get(), nullptr, nullptr);
    pki.caCertPem = certPem(ca.get());
    pki.caKeyPem = keyPem(caKey.get(), KeyFormat::Pkcs8);

    const KeyPtr serverKey = ecKey();
    CertSpec serverSpec;
    serverSpec.role = Role::Server;
    serverSpec.subject = {{"CN", QStringLiteral("kube-apiserver")}};
    pki.serverCertPem = certPem(makeCert(serverSpec, serverKey.get(), ca.get(), caKey.get()).get());
    pki.serverKeyPem = keyPem(serverKey.get(), KeyFormat::Pkcs8);

    const KeyPtr clientKey = rsaKey();
    pki.clientCertPem
        = certPem(makeCert(clientSpec(clientUser, clientGroups), clientKey.get(), ca.get(), caKey.get()).get());
    pki.clientKeyPem = keyPem(clientKey.get(), KeyFormat::Traditional);

    const KeyPtr expiredKey = ecKey();
    CertSpec expiredSpec = clientSpec(clientUser, clientGroups);
    expiredSpec.notBefore = -2 * 24 * 3600;
    expiredSpec.notAfter = -24 * 3600;
    pki.expiredClientCertPem = certPem(makeCert(expiredSpec, expiredKey.get(), ca.get(), caKey.get()).get());
    pki.expiredClientKeyPem = keyPem(expiredKey.get(), KeyFormat::Traditional);

    const KeyPtr otherCaKey = ecKey();
    CertSpec otherCaSpec = caSpec;
    otherCaSpec.subject = {{"CN", QStringLiteral("rbx-other-ca")}};
    const CertPtr otherCa = makeCert(otherCaSpec, otherCaKey.get(), nullptr, nullptr);
    pki.otherCaCertPem = certPem(otherCa.get());

    const KeyPtr untrustedKey = ecKey();
    pki.untrustedClientCertPem
        = certPem(makeCert(clientSpec(QStringLiteral("mallory"), {QStringLiteral("system:masters")}),
            untrustedKey.get(), otherCa.get(), otherCaKey.get())
                      .get());
    pki.untrustedClientKeyPem = keyPem(untrustedKey.get(), KeyFormat::Pkcs8);

    return pki;
}

} // namespace rbx::test
