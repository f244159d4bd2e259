// SPDX-License-Identifier: Apache-2.0
#include "models/io/token.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/evp.h>

#include <array>

namespace rbx::io {

std::string sha256Hex(std::string_view data)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest {};
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha256(), nullptr);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

namespace {

int base64Value(char c, bool url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

std::optional<std::string> decodeBase64(std::string_view in, bool url)
{
    std::string out;
    out.reserve(in.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t padding = 0;
    std::size_t symbols = 0;
    for (char c : in) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (c == '=') {
            ++padding;
            continue;
        }
        if (padding > 0)
            return std::nullopt; // data after padding
        const int v = base64Value(c, url);
        if (v < 0)
            return std::nullopt;
        ++symbols;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    if (symbols % 4 == 1 || padding > 2)
        return std::nullopt;
    if (!url && padding > 0 && (symbols + padding) % 4 != 0)
        return std::nullopt;
    return out;
}

std::string compactJson(const std::string& json, std::string& error)
{
    QJsonParseError parseError {};
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &parseError);
    if (doc.isNull() || !doc.isObject()) {
        error = "not a JSON object";
        return {};
    }
    return doc.toJson(QJsonDocument::Compact).toStdString();
}

} // namespace

std::optional<std::string> base64Decode(std::string_view in)
{
    return decodeBase64(in, false);
}

std::optional<std::string> base64UrlDecode(std::string_view in)
{
    return decodeBase64(in, true);
}

TokenInfo inspectToken(std::string_view token)
{
    TokenInfo info;
    info.sha256 = sha256Hex(token);
    const auto dot1 = token.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
        info.decodeError = "not a JWT (expected three dot-separated segments)";
        return info;
    }
    const auto header = base64UrlDecode(token.substr(0, dot1));
    const auto claims = base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
    if (!header || !claims) {
        info.decodeError = "JWT segment is not base64url";
        return info;
    }
    std::string error;
    info.headerJson = compactJson(*header, error);
    if (error.empty())
        info.claimsJson = compactJson(*claims, error);
    if (!error.empty()) {
        info.headerJson.clear();
        info.claimsJson.clear();
        info.decodeError = "JWT header or claims are " + error;
    }
    return info;
}

} // namespace rbx::io
