// SPDX-License-Identifier: Apache-2.0
// ServiceAccount JWTs: decoding (legacy and bound claims), signature verification with OpenSSL against a JWKS, an
// OIDC discovery document or PEM public keys, and an offline TokenReview as the API server would answer it.
// The token itself is only ever read from the caller's buffer: nothing here stores, logs or returns it (only its
// SHA-256 fingerprint). Semantics: kubernetes-semantics.md §4, §5 (TokenReview), §6 (OIDC).
#pragma once

#include "models/domain/snapshot.h"

#include <QByteArray>
#include <QJsonObject>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rbx::io {

inline constexpr const char* kLegacyIssuer = "kubernetes/serviceaccount";

// What a token says about itself. Unverified until verifyJwt says otherwise.
struct JwtInfo
{
    std::string error; // non-empty: not a JWT that can be decoded
    std::string fingerprint; // SHA-256 hex of the token (same as the loader keeps for Secrets)
    QJsonObject header;
    QJsonObject claims;
    std::string alg;
    std::string kid;
    std::string typ;
    std::string iss;
    std::string sub;
    std::string jti;
    std::vector<std::string> aud; // a string `aud` becomes one element
    bool hasAud = false;
    std::optional<std::int64_t> exp;
    std::optional<std::int64_t> iat;
    std::optional<std::int64_t> nbf;
    std::optional<std::int64_t> warnafter; // kubernetes.io.warnafter (extended-expiration tokens)
    bool legacy = false; // Secret-based: kubernetes.io/serviceaccount/* claims (issuer kubernetes/serviceaccount)
    std::string ns;
    std::string serviceAccount;
    std::string serviceAccountUid;
    std::string secretName; // legacy: its Secret; bound: the Secret it is bound to
    std::string secretUid;
    std::string podName;
    std::string podUid;
    std::string nodeName;
    std::string nodeUid;

    [[nodiscard]] bool ok() const
    {
        return error.empty();
    }
};

[[nodiscard]] JwtInfo decodeJwt(std::string_view token);
[[nodiscard]] std::string base64UrlEncode(std::string_view data); // no padding

// A public key to verify with. Every key is kept as DER SubjectPublicKeyInfo, whatever it was read from.
struct PublicKey
{
    std::string kid; // the JWKS `kid` (empty for PEM keys)
    std::string kty; // RSA, EC
    std::string alg; // the JWK's `alg`, if any
    std::string crv; // EC: P-256, P-384, P-521
    std::string derivedKid; // base64url(SHA-256(DER SubjectPublicKeyInfo)): what Kubernetes puts in `kid`
    std::string spki; // DER SubjectPublicKeyInfo
    std::string source; // "jwks.json key #1"
    int bits = 0;
};

struct KeySet
{
    std::vector<PublicKey> keys;
    std::string issuer; // from an OIDC discovery document
    std::string jwksUri;
    std::vector<std::string> algorithms; // id_token_signing_alg_values_supported
    std::vector<std::string> errors; // keys that could not be used, and why
    std::vector<std::string> sources;

    void merge(KeySet other);
};

// A JWKS ({"keys": [...]}), a single JWK, an OIDC discovery document, or PEM public keys ("BEGIN PUBLIC KEY").
[[nodiscard]] KeySet parseKeySet(const QByteArray& data, const std::string& source);

enum class JwtVerdict : std::uint8_t {
    Valid,
    Expired,
    NotYetValid,
    WrongAudience,
    WrongIssuer,
    UnknownKey,
    BadSignature,
    UnsupportedAlgorithm,
    Malformed,
    NoKeys,
};
[[nodiscard]] const char* verdictName(JwtVerdict v); // "valid", "expired", "wrong-audience", ...

struct VerifyOptions
{
    std::optional<std::int64_t> now; // seconds since the epoch; default the clock
    std::vector<std::string> audiences; // at least one must be in `aud`; empty: not checked
    std::vector<std::string> issuers; // `iss` must be one; empty: the discovery issuer if any, else not checked
    std::int64_t leewaySeconds = 60; // go-jose's default leeway, as the API server uses
};

struct VerifyResult
{
    JwtVerdict verdict = JwtVerdict::Malformed;
    std::string message; // one sentence for the verdict
    bool signatureValid = false;
    const PublicKey* key = nullptr; // the key that verified the signature (points into the KeySet)
    std::vector<std::string> checks; // every check made, in order, in words
};

[[nodiscard]] VerifyResult verifyJwt(std::string_view token, const KeySet& keys, const VerifyOptions& options);

// The API server's answer to an authentication.k8s.io/v1 TokenReview, offline. spec.token is never written back.
struct TokenReviewOptions
{
    VerifyOptions verify; // verify.audiences = the review's spec.audiences; verify.issuers = the accepted issuers
    std::vector<std::string> apiAudiences; // --api-audiences; default: the accepted issuers
    const Snapshot* snapshot = nullptr; // lookup: the Secret, ServiceAccount, Pod... must still exist
};

struct TokenReviewResult
{
    QJsonObject review; // the TokenReview with status
    bool authenticated = false;
    std::string error;
    std::vector<std::string> notes; // what could not be checked offline, assumptions made
};

[[nodiscard]] TokenReviewResult tokenReview(std::string_view token, const KeySet& keys, const TokenReviewOptions& options);

} // namespace rbx::io
