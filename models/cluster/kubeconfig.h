// SPDX-License-Identifier: Apache-2.0
// kubeconfig files as client-go reads them (tools/clientcmd): KUBECONFIG merging (the first file that names a cluster,
// user or context wins it whole; current-context from the first file that sets it), relative paths against the file
// that holds them, *-data over file paths, and the validation client-go does before it connects. Credentials are kept
// in memory only and never printed: describe() and every error name fields, not values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rbx::cluster {

struct ExecEnvVar
{
    std::string name;
    std::string value;
};

// users[].user.exec (client.authentication.k8s.io/v1 or v1beta1).
struct ExecConfig
{
    std::string command;
    std::vector<std::string> args;
    std::vector<ExecEnvVar> env;
    std::string apiVersion;
    std::string installHint;
    bool provideClusterInfo = false;
    std::string interactiveMode; // Never, IfAvailable, Always ("" = the apiVersion's default)
    std::string baseDir; // folder of the kubeconfig that defined it: a relative command resolves against it
};

struct ClusterEntry
{
    std::string name;
    std::string server;
    std::string certificateAuthority; // file path, resolved against the kubeconfig's folder
    std::string certificateAuthorityData; // decoded PEM
    bool insecureSkipTlsVerify = false;
    std::string tlsServerName;
    std::string proxyUrl;
    std::string origin; // the kubeconfig file it came from
};

struct UserEntry
{
    std::string name;
    std::string token; // sensitive
    std::string tokenFile;
    std::string clientCertificate;
    std::string clientCertificateData; // decoded PEM
    std::string clientKey;
    std::string clientKeyData; // decoded PEM; sensitive
    std::string username;
    std::string password; // sensitive
    std::string as;
    std::string asUid;
    std::vector<std::string> asGroups;
    std::map<std::string, std::vector<std::string>> asUserExtra;
    std::string authProvider; // auth-provider.name (gcp, azure, oidc, ...)
    std::map<std::string, std::string> authProviderConfig; // sensitive (oidc id-token, refresh-token)
    std::optional<ExecConfig> exec;
    std::string origin;
};

struct ContextEntry
{
    std::string name;
    std::string cluster;
    std::string user;
    std::string ns;
    std::string origin;
};

struct Kubeconfig
{
    std::vector<ClusterEntry> clusters;
    std::vector<UserEntry> users;
    std::vector<ContextEntry> contexts;
    std::string currentContext;
    std::vector<std::string> files; // the files that were read, in merge order
    std::vector<std::string> warnings;

    [[nodiscard]] const ClusterEntry* cluster(const std::string& name) const;
    [[nodiscard]] const UserEntry* user(const std::string& name) const;
    [[nodiscard]] const ContextEntry* context(const std::string& name) const;
    // Adds what `next` defines and this does not (first wins, whole entries; current-context likewise).
    void merge(Kubeconfig next);
};

struct KubeconfigError
{
    std::string file;
    int line = 0; // 1-based; 0 = whole file
    int column = 0;
    std::string message;
    [[nodiscard]] std::string toString() const;
};

// One kubeconfig document. Throws KubeconfigError on YAML errors and on fields of the wrong type.
[[nodiscard]] Kubeconfig parseKubeconfig(std::string_view text, const std::string& file);

struct KubeconfigSource
{
    std::string explicitPath; // --kubeconfig: loaded alone, must exist
    std::optional<std::string> kubeconfigEnv; // $KUBECONFIG (':'-separated); nullopt = unset
    std::string home; // for ~/.kube/config
};
// The environment's KUBECONFIG and HOME.
[[nodiscard]] KubeconfigSource kubeconfigSourceFromEnvironment(const std::string& explicitPath = {});

// Loads and merges as kubectl does: an explicit path alone; else every file of KUBECONFIG (duplicates removed, missing
// files skipped, a warning when all are missing); else ~/.kube/config. nullopt with `error` set on unreadable or
// invalid files.
[[nodiscard]] std::optional<Kubeconfig> loadKubeconfig(const KubeconfigSource& source, std::string* error);

enum class AuthMethod : std::uint8_t { None, Token, TokenFile, ClientCertificate, Basic, Exec, OidcIdToken };

// Everything needed to talk to one context's cluster as its user.
struct ConnectionConfig
{
    std::string context;
    std::string clusterName;
    std::string userName;
    std::string server; // https://host:port[/prefix]
    std::string ns; // the context's namespace ("" = none set)
    std::string caPem; // empty = the system's trust store
    std::string caOrigin; // where the CA came from: a file path or "certificate-authority-data in FILE"
    bool insecureSkipTlsVerify = false;
    std::string tlsServerName;
    std::string proxyUrl;

    AuthMethod auth = AuthMethod::None;
    std::string token; // sensitive: Token and OidcIdToken
    std::string tokenFile;
    std::string clientCertPem;
    std::string clientKeyPem; // sensitive
    std::string clientCertOrigin; // file path or "client-certificate-data in FILE"
    std::string username;
    std::string password; // sensitive
    std::optional<ExecConfig> exec;
    std::string as;
    std::string asUid;
    std::vector<std::string> asGroups;
    std::map<std::string, std::vector<std::string>> asUserExtra;
    std::string userOrigin; // kubeconfig file of the user entry
    std::vector<std::string> warnings; // e.g. insecure-skip-tls-verify, oidc without refresh

    // "context prod (cluster prod-eu at https://…, user alice: client certificate)" — never a credential.
    [[nodiscard]] std::string describe() const;
};

// Resolves a context (empty = current-context), reads CA/cert/key files and validates as client-go does.
// nullopt with `error` in plain words (which context, which field, which file).
[[nodiscard]] std::optional<ConnectionConfig> resolveContext(const Kubeconfig& config, const std::string& context,
                                                             std::string* error);

[[nodiscard]] std::string authMethodName(AuthMethod m);

} // namespace rbx::cluster
