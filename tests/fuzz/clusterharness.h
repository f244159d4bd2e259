// SPDX-License-Identifier: Apache-2.0
// What the live-cluster fuzz targets run on one input, shared with tst_fuzzregressions so that a saved reproducer
// replays exactly what the fuzzer did. Each returns false when an invariant breaks (the fuzzer then traps).
#pragma once

#include "models/cluster/clusterpull.h"
#include "models/cluster/execcredential.h"
#include "models/cluster/kubeconfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <string>
#include <string_view>

namespace rbx::fuzz {

// kubeconfig: parse, merge with itself, resolve every context and the current one. The files an input names
// (certificate-authority, client-certificate, client-key, tokenFile) never reach the file system as written: each
// becomes `readableFile` or a path that does not exist, so an input cannot make the fuzzer read /dev/zero.
inline bool kubeconfig(std::string_view text, const std::string& readableFile)
{
    cluster::Kubeconfig config;
    try {
        config = cluster::parseKubeconfig(text, "/fuzz/kubeconfig");
    } catch (const cluster::KubeconfigError& e) {
        return !e.toString().empty();
    }
    auto redirect = [&](std::string& path) {
        if (!path.empty())
            path = path.size() % 2 ? readableFile : std::string("/nonexistent/rbx-fuzz");
    };
    for (auto& c : config.clusters)
        redirect(c.certificateAuthority);
    for (auto& u : config.users) {
        redirect(u.clientCertificate);
        redirect(u.clientKey);
        redirect(u.tokenFile);
    }
    cluster::Kubeconfig twice = config;
    twice.merge(config); // first wins: the merge adds nothing
    if (twice.clusters.size() != config.clusters.size() || twice.users.size() != config.users.size()
        || twice.contexts.size() != config.contexts.size())
        return false;
    std::vector<std::string> names {std::string()};
    for (const auto& c : config.contexts)
        names.push_back(c.name);
    for (const auto& name : names) {
        std::string error;
        const auto connection = cluster::resolveContext(config, name, &error);
        if (!connection) {
            if (error.empty())
                return false; // a refusal always says why
            continue;
        }
        if (!connection->server.starts_with("https://"))
            return false; // never anything but TLS
        (void)connection->describe();
        if (connection->exec)
            (void)cluster::execInfoJson(*connection);
    }
    return true;
}

// ExecCredential as either apiVersion reads it: a credential, or an error in words, never both or neither.
inline bool execCredential(std::string_view text)
{
    for (const char* apiVersion : {"client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"}) {
        const auto r = cluster::parseExecCredential(std::string(text), apiVersion);
        if (r.credential.has_value() == !r.error.empty())
            return false;
        if (r.credential && r.credential->token.empty() && r.credential->clientCertificatePem.empty())
            return false;
    }
    return true;
}

// The JSON documents the pull rewrites: aggregated discovery into APIResourceLists, and metadata-only Secrets into a
// SecretList that carries nothing but metadata (no managedFields, no last-applied-configuration) and the type.
inline bool clusterJson(std::string_view text)
{
    for (const auto& list : cluster::aggregatedToResourceLists(std::string(text))) {
        const auto o = QJsonDocument::fromJson(QByteArray::fromStdString(list)).object();
        if (o.value(QStringLiteral("kind")).toString() != QLatin1String("APIResourceList"))
            return false;
    }
    const auto secrets = cluster::secretMetadataToList(std::string(text));
    if (secrets.empty())
        return true;
    const auto root = QJsonDocument::fromJson(QByteArray::fromStdString(secrets)).object();
    if (root.value(QStringLiteral("kind")).toString() != QLatin1String("SecretList"))
        return false;
    for (const auto& v : root.value(QStringLiteral("items")).toArray()) {
        const auto item = v.toObject();
        for (const auto& key : item.keys())
            if (key != QLatin1String("metadata") && key != QLatin1String("type"))
                return false; // data, stringData or anything else a full Secret carries
        const auto md = item.value(QStringLiteral("metadata")).toObject();
        if (md.contains(QStringLiteral("managedFields")))
            return false;
        if (md.value(QStringLiteral("annotations"))
                .toObject()
                .contains(QStringLiteral("kubectl.kubernetes.io/last-applied-configuration")))
            return false;
    }
    return true;
}

} // namespace rbx::fuzz
