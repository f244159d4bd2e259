// SPDX-License-Identifier: Apache-2.0
#include "models/cluster/kubeconfig.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>

#include <yaml-cpp/yaml.h>

#include <set>

namespace rbx::cluster {

namespace {

[[noreturn]] void fail(const std::string& file, const YAML::Node& n, const std::string& message)
{
    KubeconfigError e;
    e.file = file;
    if (n.IsDefined()) {
        e.line = n.Mark().line + 1;
        e.column = n.Mark().column + 1;
    }
    e.message = message;
    throw e;
}

std::string str(const std::string& file, const YAML::Node& map, const char* key, const std::string& where)
{
    const YAML::Node n = map[key];
    if (!n.IsDefined() || n.IsNull())
        return {};
    if (!n.IsScalar())
        fail(file, n, where + '.' + key + ": expected a string");
    return n.Scalar();
}

bool boolean(const std::string& file, const YAML::Node& map, const char* key, const std::string& where)
{
    const YAML::Node n = map[key];
    if (!n.IsDefined() || n.IsNull())
        return false;
    if (!n.IsScalar())
        fail(file, n, where + '.' + key + ": expected true or false");
    // kubectl reads kubeconfigs with go-yaml v2 (YAML 1.1 booleans): yes/no and on/off count too.
    static const std::set<std::string> truthy {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"};
    static const std::set<std::string> falsy {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"};
    const auto& s = n.Scalar();
    if (truthy.count(s))
        return true;
    if (falsy.count(s))
        return false;
    fail(file, n, where + '.' + key + ": expected true or false, got \"" + s + '"');
}

std::vector<std::string> strings(const std::string& file, const YAML::Node& map, const char* key,
                                 const std::string& where)
{
    const YAML::Node n = map[key];
    std::vector<std::string> out;
    if (!n.IsDefined() || n.IsNull())
        return out;
    if (!n.IsSequence())
        fail(file, n, where + '.' + key + ": expected a list of strings");
    for (const auto& item : n) {
        if (!item.IsScalar())
            fail(file, item, where + '.' + key + "[]: expected a string");
        out.push_back(item.Scalar());
    }
    return out;
}

std::string base64(const std::string& file, const YAML::Node& map, const char* key, const std::string& where)
{
    const auto text = str(file, map, key, where);
    if (text.empty())
        return {};
    auto decoded = QByteArray::fromBase64Encoding(QByteArray::fromStdString(text), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        fail(file, map[key], where + '.' + key + ": not valid base64");
    return decoded.decoded.toStdString();
}

// Relative paths resolve against the folder of the kubeconfig that holds them (clientcmd ResolvePaths).
std::string resolvePath(const std::string& file, const std::string& path)
{
    if (path.empty() || QDir::isAbsolutePath(QString::fromStdString(path)))
        return path;
    if (path.starts_with("~/")) {
        const auto home = QDir::homePath().toStdString();
        return home + path.substr(1);
    }
    const QFileInfo info(QString::fromStdString(file));
    return QDir(info.absolutePath()).filePath(QString::fromStdString(path)).toStdString();
}

// clusters/users/contexts: a list of {name, <stanza>}.
template <typename F>
void entries(const std::string& file, const YAML::Node& root, const char* key, const char* stanza, F&& each)
{
    const YAML::Node list = root[key];
    if (!list.IsDefined() || list.IsNull())
        return;
    if (!list.IsSequence())
        fail(file, list, std::string(key) + ": expected a list");
    for (const auto& item : list) {
        if (!item.IsMap())
            fail(file, item, std::string(key) + "[]: expected a mapping with name and " + stanza);
        const auto name = str(file, item, "name", key);
        if (name.empty())
            fail(file, item, std::string(key) + "[]: name is missing");
        YAML::Node body = item[stanza];
        if (body.IsDefined() && !body.IsNull() && !body.IsMap())
            fail(file, body, std::string(key) + "[" + name + "]." + stanza + ": expected a mapping");
        each(name, body.IsDefined() && body.IsMap() ? body : YAML::Node(YAML::NodeType::Map));
    }
}

std::optional<std::string> readFile(const std::string& path, std::string* error, const std::string& what)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = what + ": cannot read " + path + " (" + f.errorString().toStdString() + ')';
        return std::nullopt;
    }
    return f.readAll().toStdString();
}

// A PEM given inline (`*-data`, which wins, as in client-go) or as a file: into `pem`, with where it came from.
// False if the file cannot be read (`error` says so).
bool inlineOrFile(const std::string& data, const std::string& dataOrigin, const std::string& file,
                  const std::string& what, std::string& pem, std::string& origin, std::string* error)
{
    if (!data.empty()) {
        pem = data;
        origin = dataOrigin;
    } else if (!file.empty()) {
        auto text = readFile(file, error, what);
        if (!text)
            return false;
        pem = std::move(*text);
        origin = file;
    }
    return true;
}

} // namespace

std::string KubeconfigError::toString() const
{
    std::string s = file;
    if (line > 0)
        s += ':' + std::to_string(line) + ':' + std::to_string(column);
    return s + ": error: " + message;
}

const ClusterEntry* Kubeconfig::cluster(const std::string& name) const
{
    for (const auto& c : clusters)
        if (c.name == name)
            return &c;
    return nullptr;
}

const UserEntry* Kubeconfig::user(const std::string& name) const
{
    for (const auto& u : users)
        if (u.name == name)
            return &u;
    return nullptr;
}

const ContextEntry* Kubeconfig::context(const std::string& name) const
{
    for (const auto& c : contexts)
        if (c.name == name)
            return &c;
    return nullptr;
}

void Kubeconfig::merge(Kubeconfig next)
{
    for (auto& c : next.clusters)
        if (!cluster(c.name))
            clusters.push_back(std::move(c));
    for (auto& u : next.users)
        if (!user(u.name))
            users.push_back(std::move(u));
    for (auto& c : next.contexts)
        if (!context(c.name))
            contexts.push_back(std::move(c));
    if (currentContext.empty())
        currentContext = next.currentContext;
    for (auto& f : next.files)
        files.push_back(std::move(f));
    for (auto& w : next.warnings)
        warnings.push_back(std::move(w));
}

namespace {
Kubeconfig parseKubeconfigUnchecked(std::string_view text, const std::string& file);
}

Kubeconfig parseKubeconfig(std::string_view text, const std::string& file)
{
    try {
        return parseKubeconfigUnchecked(text, file);
    } catch (const YAML::Exception& e) {
        // Anything yaml-cpp objects to beyond the checks above (odd node types) is still a clear error, never a crash.
        KubeconfigError err;
        err.file = file;
        err.line = e.mark.line + 1;
        err.column = e.mark.column + 1;
        err.message = "unexpected structure: " + e.msg;
        throw err;
    }
}

namespace {

Kubeconfig parseKubeconfigUnchecked(std::string_view text, const std::string& file)
{
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        KubeconfigError err;
        err.file = file;
        err.line = e.mark.line + 1;
        err.column = e.mark.column + 1;
        err.message = "not valid YAML: " + e.msg;
        throw err;
    }
    Kubeconfig config;
    config.files.push_back(file);
    if (!root.IsDefined() || root.IsNull())
        return config; // an empty kubeconfig is valid (kubectl treats it as no configuration)
    if (!root.IsMap())
        fail(file, root, "expected a kubeconfig (a mapping with clusters, users and contexts)");
    const auto kind = str(file, root, "kind", "kubeconfig");
    if (!kind.empty() && kind != "Config")
        fail(file, root["kind"], "kind: expected Config, got \"" + kind + '"');
    config.currentContext = str(file, root, "current-context", "kubeconfig");

    std::set<std::string> seen;
    entries(file, root, "clusters", "cluster", [&](const std::string& name, const YAML::Node& c) {
        if (!seen.insert("c/" + name).second)
            return; // a second entry of the same name in one file: the first wins, as in client-go's map
        const std::string where = "clusters[" + name + "].cluster";
        ClusterEntry e;
        e.name = name;
        e.origin = file;
        e.server = str(file, c, "server", where);
        e.certificateAuthority = resolvePath(file, str(file, c, "certificate-authority", where));
        e.certificateAuthorityData = base64(file, c, "certificate-authority-data", where);
        e.insecureSkipTlsVerify = boolean(file, c, "insecure-skip-tls-verify", where);
        e.tlsServerName = str(file, c, "tls-server-name", where);
        e.proxyUrl = str(file, c, "proxy-url", where);
        config.clusters.push_back(std::move(e));
    });
    entries(file, root, "users", "user", [&](const std::string& name, const YAML::Node& u) {
        if (!seen.insert("u/" + name).second)
            return;
        const std::string where = "users[" + name + "].user";
        UserEntry e;
        e.name = name;
        e.origin = file;
        e.token = str(file, u, "token", where);
        e.tokenFile = resolvePath(file, str(file, u, "tokenFile", where));
        e.clientCertificate = resolvePath(file, str(file, u, "client-certificate", where));
        e.clientCertificateData = base64(file, u, "client-certificate-data", where);
        e.clientKey = resolvePath(file, str(file, u, "client-key", where));
        e.clientKeyData = base64(file, u, "client-key-data", where);
        e.username = str(file, u, "username", where);
        e.password = str(file, u, "password", where);
        e.as = str(file, u, "as", where);
        e.asUid = str(file, u, "as-uid", where);
        e.asGroups = strings(file, u, "as-groups", where);
        if (const YAML::Node extra = u["as-user-extra"]; extra.IsDefined() && !extra.IsNull()) {
            if (!extra.IsMap())
                fail(file, extra, where + ".as-user-extra: expected a mapping of lists");
            for (const auto& kv : extra) {
                std::vector<std::string> values;
                if (kv.second.IsSequence())
                    for (const auto& v : kv.second)
                        values.push_back(v.as<std::string>(""));
                e.asUserExtra[kv.first.as<std::string>("")] = std::move(values);
            }
        }
        if (const YAML::Node ap = u["auth-provider"]; ap.IsDefined() && !ap.IsNull()) {
            if (!ap.IsMap())
                fail(file, ap, where + ".auth-provider: expected a mapping");
            e.authProvider = str(file, ap, "name", where + ".auth-provider");
            if (const YAML::Node cfg = ap["config"]; cfg.IsDefined() && cfg.IsMap())
                for (const auto& kv : cfg)
                    if (kv.second.IsScalar())
                        e.authProviderConfig[kv.first.as<std::string>("")] = kv.second.Scalar();
        }
        if (const YAML::Node ex = u["exec"]; ex.IsDefined() && !ex.IsNull()) {
            if (!ex.IsMap())
                fail(file, ex, where + ".exec: expected a mapping");
            ExecConfig x;
            const std::string w = where + ".exec";
            x.command = str(file, ex, "command", w);
            x.args = strings(file, ex, "args", w);
            x.apiVersion = str(file, ex, "apiVersion", w);
            x.installHint = str(file, ex, "installHint", w);
            x.provideClusterInfo = boolean(file, ex, "provideClusterInfo", w);
            x.interactiveMode = str(file, ex, "interactiveMode", w);
            x.baseDir = QFileInfo(QString::fromStdString(file)).absolutePath().toStdString();
            if (const YAML::Node env = ex["env"]; env.IsDefined() && !env.IsNull()) {
                if (!env.IsSequence())
                    fail(file, env, w + ".env: expected a list of {name, value}");
                for (const auto& v : env) {
                    if (!v.IsMap())
                        fail(file, v, w + ".env[]: expected {name, value}");
                    x.env.push_back({str(file, v, "name", w + ".env[]"), str(file, v, "value", w + ".env[]")});
                }
            }
            e.exec = std::move(x);
        }
        config.users.push_back(std::move(e));
    });
    entries(file, root, "contexts", "context", [&](const std::string& name, const YAML::Node& c) {
        if (!seen.insert("x/" + name).second)
            return;
        const std::string where = "contexts[" + name + "].context";
        ContextEntry e;
        e.name = name;
        e.origin = file;
        e.cluster = str(file, c, "cluster", where);
        e.user = str(file, c, "user", where);
        e.ns = str(file, c, "namespace", where);
        config.contexts.push_back(std::move(e));
    });
    return config;
}

} // namespace

KubeconfigSource kubeconfigSourceFromEnvironment(const std::string& explicitPath)
{
    KubeconfigSource s;
    s.explicitPath = explicitPath;
    const auto env = QProcessEnvironment::systemEnvironment();
    if (env.contains(QStringLiteral("KUBECONFIG")))
        s.kubeconfigEnv = env.value(QStringLiteral("KUBECONFIG")).toStdString();
    s.home = QDir::homePath().toStdString();
    return s;
}

std::optional<Kubeconfig> loadKubeconfig(const KubeconfigSource& source, std::string* error)
{
    auto parseFile = [&](const std::string& path) -> std::optional<Kubeconfig> {
        auto text = readFile(path, error, "kubeconfig");
        if (!text)
            return std::nullopt;
        try {
            return parseKubeconfig(*text, path);
        } catch (const KubeconfigError& e) {
            if (error)
                *error = e.toString();
            return std::nullopt;
        }
    };
    if (!source.explicitPath.empty()) {
        if (!QFileInfo::exists(QString::fromStdString(source.explicitPath))) {
            if (error)
                *error = "kubeconfig " + source.explicitPath + " does not exist";
            return std::nullopt;
        }
        return parseFile(source.explicitPath);
    }
    std::vector<std::string> paths;
    if (source.kubeconfigEnv && !source.kubeconfigEnv->empty()) {
        std::set<std::string> seen;
        const auto parts = QString::fromStdString(*source.kubeconfigEnv).split(QDir::listSeparator(), Qt::SkipEmptyParts);
        for (const auto& p : parts) {
            const auto path = p.toStdString();
            if (seen.insert(path).second)
                paths.push_back(path);
        }
    } else {
        paths.push_back(source.home + "/.kube/config");
    }
    Kubeconfig merged;
    std::vector<std::string> missing;
    for (const auto& path : paths) {
        if (!QFileInfo::exists(QString::fromStdString(path))) {
            missing.push_back(path);
            continue;
        }
        auto one = parseFile(path);
        if (!one)
            return std::nullopt;
        merged.merge(std::move(*one));
    }
    if (merged.files.empty()) {
        std::string list;
        for (const auto& m : missing)
            list += (list.empty() ? "" : ", ") + m;
        merged.warnings.push_back("no kubeconfig found (" + list + ')');
    }
    return merged;
}

std::string authMethodName(AuthMethod m)
{
    switch (m) {
    case AuthMethod::None:
        return "no credentials";
    case AuthMethod::Token:
        return "bearer token";
    case AuthMethod::TokenFile:
        return "token file";
    case AuthMethod::ClientCertificate:
        return "client certificate";
    case AuthMethod::Basic:
        return "basic auth";
    case AuthMethod::Exec:
        return "exec plugin";
    case AuthMethod::OidcIdToken:
        return "oidc id-token";
    }
    return {};
}

std::string ConnectionConfig::describe() const
{
    std::string s = "context " + context + " (cluster " + clusterName + " at " + server + ", user " + userName + ": "
        + authMethodName(auth);
    if (auth == AuthMethod::Exec && exec)
        s += ' ' + exec->command;
    if (auth == AuthMethod::TokenFile)
        s += ' ' + tokenFile;
    if (!clientCertPem.empty() && auth != AuthMethod::ClientCertificate)
        s += " + client certificate";
    if (!as.empty())
        s += ", impersonating " + as;
    return s + ')';
}

std::optional<ConnectionConfig> resolveContext(const Kubeconfig& config, const std::string& contextName,
                                               std::string* error)
{
    auto bad = [&](const std::string& message) -> std::optional<ConnectionConfig> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    const std::string name = contextName.empty() ? config.currentContext : contextName;
    if (name.empty())
        return bad(config.contexts.empty() ? "the kubeconfig defines no context"
                                           : "no current-context is set; choose one with --context");
    const auto* ctx = config.context(name);
    if (!ctx)
        return bad("context \"" + name + "\" is not in the kubeconfig");
    const auto* cl = config.cluster(ctx->cluster);
    if (!cl)
        return bad("context \"" + name + "\": cluster \"" + ctx->cluster + "\" is not defined");
    ConnectionConfig c;
    c.context = name;
    c.clusterName = cl->name;
    c.ns = ctx->ns;
    c.server = cl->server;
    if (c.server.empty())
        return bad("context \"" + name + "\": cluster \"" + cl->name + "\" has no server (" + cl->origin + ')');
    while (c.server.size() > 8 && c.server.back() == '/')
        c.server.pop_back();
    if (!c.server.starts_with("https://") && !c.server.starts_with("http://"))
        c.server = "https://" + c.server;
    if (c.server.starts_with("http://"))
        return bad("context \"" + name + "\": server " + c.server
                   + " is plain HTTP; RBAC Explorer only connects over TLS");
    c.tlsServerName = cl->tlsServerName;
    c.proxyUrl = cl->proxyUrl;
    c.insecureSkipTlsVerify = cl->insecureSkipTlsVerify;
    if (!inlineOrFile(cl->certificateAuthorityData, "certificate-authority-data in " + cl->origin,
                      cl->certificateAuthority,
                      "context \"" + name + "\": certificate-authority of cluster \"" + cl->name + '"', c.caPem,
                      c.caOrigin, error))
        return std::nullopt;
    if (c.insecureSkipTlsVerify) {
        if (!c.caPem.empty())
            return bad("context \"" + name + "\": cluster \"" + cl->name
                       + "\" sets both insecure-skip-tls-verify and a certificate authority; choose one ("
                       + cl->origin + ')');
        c.warnings.push_back("WARNING: cluster \"" + cl->name
                             + "\" sets insecure-skip-tls-verify: the server's certificate is NOT verified, and "
                               "anyone on the network path can impersonate it and read the credentials sent");
    }

    if (ctx->user.empty())
        return c; // anonymous
    const auto* u = config.user(ctx->user);
    if (!u)
        return bad("context \"" + name + "\": user \"" + ctx->user + "\" is not defined");
    c.userName = u->name;
    c.userOrigin = u->origin;
    const std::string who = "context \"" + name + "\", user \"" + u->name + "\" (" + u->origin + ')';

    // client-go validation (tools/clientcmd/validation.go).
    const bool hasToken = !u->token.empty() || !u->tokenFile.empty();
    const bool hasBasic = !u->username.empty() || !u->password.empty();
    if (hasToken && hasBasic)
        return bad(who + ": more than one authentication method found (token and username/password)");
    if (!u->authProvider.empty() && u->exec)
        return bad(who + ": auth-provider and exec cannot both be set");
    if (u->as.empty() && (!u->asUid.empty() || !u->asGroups.empty() || !u->asUserExtra.empty()))
        return bad(who + ": as-uid, as-groups and as-user-extra need as");
    if (u->exec) {
        if (u->exec->command.empty())
            return bad(who + ": exec.command is missing");
        if (u->exec->apiVersion != "client.authentication.k8s.io/v1"
            && u->exec->apiVersion != "client.authentication.k8s.io/v1beta1")
            return bad(who + ": exec.apiVersion must be client.authentication.k8s.io/v1 or v1beta1, got \""
                       + u->exec->apiVersion + '"'
                       + (u->exec->apiVersion == "client.authentication.k8s.io/v1alpha1" ? " (v1alpha1 was removed)"
                                                                                         : ""));
        const auto& mode = u->exec->interactiveMode;
        if (u->exec->apiVersion == "client.authentication.k8s.io/v1" && mode.empty())
            return bad(who + ": exec.interactiveMode is required for client.authentication.k8s.io/v1");
        if (!mode.empty() && mode != "Never" && mode != "IfAvailable" && mode != "Always")
            return bad(who + ": exec.interactiveMode must be Never, IfAvailable or Always, got \"" + mode + '"');
    }
    if (!u->authProvider.empty()) {
        if (u->authProvider == "gcp" || u->authProvider == "azure")
            return bad(who + ": the " + u->authProvider
                       + " auth-provider has been removed from Kubernetes clients; switch the kubeconfig to an "
                         "exec plugin ("
                       + (u->authProvider == "gcp" ? "gke-gcloud-auth-plugin" : "kubelogin") + ')');
        if (u->authProvider != "oidc")
            return bad(who + ": unknown auth-provider \"" + u->authProvider
                       + "\"; only oidc remains, use an exec plugin instead");
    }

    // Client certificate: a key is required with a certificate.
    std::string keyOrigin;
    if (!inlineOrFile(u->clientCertificateData, "client-certificate-data in " + u->origin, u->clientCertificate,
                      who + ": client-certificate", c.clientCertPem, c.clientCertOrigin, error)
        || !inlineOrFile(u->clientKeyData, {}, u->clientKey, who + ": client-key", c.clientKeyPem, keyOrigin, error))
        return std::nullopt;
    if (c.clientCertPem.empty() != c.clientKeyPem.empty())
        return bad(who + (c.clientCertPem.empty() ? ": client-key is set without client-certificate"
                                                  : ": client-certificate is set without client-key"));

    c.as = u->as;
    c.asUid = u->asUid;
    c.asGroups = u->asGroups;
    c.asUserExtra = u->asUserExtra;
    if (u->exec) {
        c.auth = AuthMethod::Exec;
        c.exec = u->exec;
    } else if (!u->tokenFile.empty()) {
        // tokenFile wins over token when readable (client-go's cached file token source).
        if (QFileInfo(QString::fromStdString(u->tokenFile)).isReadable()) {
            c.auth = AuthMethod::TokenFile;
            c.tokenFile = u->tokenFile;
        } else if (!u->token.empty()) {
            c.auth = AuthMethod::Token;
            c.token = u->token;
        } else {
            return bad(who + ": tokenFile " + u->tokenFile + " cannot be read");
        }
    } else if (!u->token.empty()) {
        c.auth = AuthMethod::Token;
        c.token = u->token;
    } else if (hasBasic) {
        c.auth = AuthMethod::Basic;
        c.username = u->username;
        c.password = u->password;
    } else if (u->authProvider == "oidc") {
        const auto it = u->authProviderConfig.find("id-token");
        if (it == u->authProviderConfig.end() || it->second.empty())
            return bad(who + ": the oidc auth-provider has no id-token; log in with your OIDC tool first, or switch "
                             "to an exec plugin (kubelogin)");
        c.auth = AuthMethod::OidcIdToken;
        c.token = it->second;
        c.warnings.push_back("user \"" + u->name
                             + "\" uses the deprecated oidc auth-provider: its id-token is used as is and never "
                               "refreshed; prefer an exec plugin");
    } else if (!c.clientCertPem.empty()) {
        c.auth = AuthMethod::ClientCertificate;
    }
    return c;
}

} // namespace rbx::cluster
