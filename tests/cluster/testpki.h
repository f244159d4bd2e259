// SPDX-License-Identifier: Apache-2.0
// A throw-away PKI generated at test time with OpenSSL: a CA, a server certificate for 127.0.0.1, client
// certificates (valid, expired, and one from an unrelated CA), all as PEM.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace rbx::test {

struct Pki
{
    QByteArray caCertPem, caKeyPem; // self-signed CA "rbx-test-ca" (EC P-256, PKCS#8 key)
    // Signed by the CA; SAN DNS:localhost, DNS:kubernetes.test, IP:127.0.0.1; serverAuth. EC P-256, PKCS#8 key.
    QByteArray serverCertPem, serverKeyPem;
    // Signed by the CA; CN = clientUser, one O per clientGroups entry; clientAuth. RSA 2048, "BEGIN RSA PRIVATE KEY".
    QByteArray clientCertPem, clientKeyPem;
    // Signed by the CA, same subject as the client certificate, notAfter yesterday. EC, "BEGIN EC PRIVATE KEY".
    QByteArray expiredClientCertPem, expiredClientKeyPem;
    QByteArray otherCaCertPem; // an unrelated self-signed CA "rbx-other-ca"
    // Signed by the unrelated CA: CN "mallory", O "system:masters"; clientAuth. EC, PKCS#8 key.
    QByteArray untrustedClientCertPem, untrustedClientKeyPem;

    static Pki generate(const QString& clientUser = QStringLiteral("jane"),
        const QStringList& clientGroups = {QStringLiteral("reviewers")});
};

} // namespace rbx::test
