// SPDX-License-Identifier: Apache-2.0
// kubeconfig exec credential plugins (client-go plugin/pkg/client/auth/exec): runs the plugin the user's kubeconfig
// names, with the environment it documents (KUBERNETES_EXEC_INFO, the exec.env entries), never interactively, and reads
// the ExecCredential it prints. The credential is kept in memory only.
#pragma once

#include "models/cluster/kubeconfig.h"

#include <QDateTime>

#include <functional>
#include <optional>
#include <string>

namespace rbx::cluster {

struct ExecCredential
{
    std::string token; // sensitive
    std::string clientCertificatePem;
    std::string clientKeyPem; // sensitive
    std::optional<QDateTime> expiration; // nullopt = valid until a 401
};

struct ExecResult
{
    std::optional<ExecCredential> credential;
    std::string error; // plain words, never the plugin's stdout
};

// The KUBERNETES_EXEC_INFO document for this plugin and cluster (spec.interactive is always false: RBAC Explorer has
// no terminal to lend a plugin).
[[nodiscard]] std::string execInfoJson(const ConnectionConfig& connection);

// Parses a plugin's stdout as the ExecCredential of `apiVersion`. Exposed for tests and the fuzzer.
[[nodiscard]] ExecResult parseExecCredential(const std::string& stdoutText, const std::string& apiVersion);

// The credentials exec plugins handed out in this process, as client-go caches them: reused by every client of the same
// plugin, user and cluster until their expirationTimestamp; `refresh` (after a 401) runs the plugin again.
[[nodiscard]] ExecResult execCredential(const ConnectionConfig& connection, bool refresh, int timeoutMs = 60000,
                                        const std::function<bool()>& canceled = {});

// Runs connection.exec (which must be set) and waits at most `timeoutMs`; `canceled` is polled while it runs.
[[nodiscard]] ExecResult runExecPlugin(const ConnectionConfig& connection, int timeoutMs = 60000,
                                       const std::function<bool()>& canceled = {});

} // namespace rbx::cluster
