// SPDX-License-Identifier: Apache-2.0
// What every rbx command shares: kubectl-style options (--snapshot, --as/--sa, -n/-A, -o), loading with diagnostics,
// output helpers, and the command registry (a command in its own file registers itself with RegisterCommand).
#pragma once

#include "models/analysis/policy.h"
#include "models/analysis/resourcecatalog.h"
#include "models/cluster/clusterpull.h"
#include "models/cluster/kubeconfig.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rbx::cli {

inline constexpr int kExitOk = 0; // also: "yes" for can-i
inline constexpr int kExitNo = 1; // can-i: "no" (as kubectl); diff: different; findings: at or above --fail-on
inline constexpr int kExitUsage = 2; // bad arguments, unreadable input, --strict with diagnostics

struct Common
{
    QCommandLineOption snapshot {QStringList {QStringLiteral("snapshot"), QStringLiteral("f")},
                                 QStringLiteral("Snapshot to load: a file, a folder (recursive) or - for stdin. "
                                                "Repeat to merge several."),
                                 QStringLiteral("PATH")};
    QCommandLineOption strict {QStringLiteral("strict"),
                               QStringLiteral("Treat load diagnostics as fatal (exit 2) instead of answering from "
                                              "what loaded.")};
    QCommandLineOption quietLoad {QStringLiteral("quiet-load"),
                                  QStringLiteral("Do not print load diagnostics on stderr.")};
    // Live clusters, read-only: instead of --snapshot, pull what is needed through a kubeconfig context.
    QCommandLineOption kubeconfig {QStringLiteral("kubeconfig"),
                                   QStringLiteral("Read a live cluster (read-only: GET only) through this kubeconfig, "
                                                  "loaded alone, instead of --snapshot."),
                                   QStringLiteral("FILE")};
    QCommandLineOption context {QStringLiteral("context"),
                                QStringLiteral("Read a live cluster (read-only) through this context of the "
                                               "kubeconfig ($KUBECONFIG, else ~/.kube/config) instead of --snapshot."),
                                QStringLiteral("NAME")};
    QCommandLineOption live {QStringLiteral("live"),
                             QStringLiteral("Read a live cluster (read-only) through the kubeconfig's current "
                                            "context instead of --snapshot.")};
};

struct Identity
{
    QCommandLineOption as {QStringLiteral("as"),
                           QStringLiteral("User to evaluate as, e.g. system:serviceaccount:NS:NAME."),
                           QStringLiteral("USER")};
    QCommandLineOption asGroup {QStringLiteral("as-group"),
                                QStringLiteral("Group to evaluate as (repeatable). Without it, a ServiceAccount user "
                                               "gets system:serviceaccounts, system:serviceaccounts:NS and "
                                               "system:authenticated, as the API server's impersonation does."),
                                QStringLiteral("GROUP")};
    QCommandLineOption sa {QStringLiteral("sa"), QStringLiteral("ServiceAccount to evaluate as: NS:NAME (same as "
                                                                "--as system:serviceaccount:NS:NAME)."),
                           QStringLiteral("NS:NAME")};
};

struct Scope
{
    QCommandLineOption ns {QStringList {QStringLiteral("n"), QStringLiteral("namespace")},
                           QStringLiteral("Namespace of the request (default: the context's namespace when live, "
                                          "else \"default\"; cluster-scoped resources have none)."),
                           QStringLiteral("NS")};
    QCommandLineOption all {QStringList {QStringLiteral("A"), QStringLiteral("all-namespaces")},
                            QStringLiteral("All namespaces.")};
    QCommandLineOption subresource {QStringLiteral("subresource"), QStringLiteral("Subresource, e.g. log or exec."),
                                    QStringLiteral("SUB")};
};

struct Target
{
    Request request;
    bool allNamespaces = false;
    std::vector<std::string> warnings;
};

[[nodiscard]] QString qs(const std::string& s);
void err(const std::string& s); // to stderr, with a newline
void out(const std::string& s); // to stdout, as is
[[nodiscard]] QJsonArray jsonList(const std::vector<std::string>& v);
// Columns separated by three spaces, as kubectl's tabwriter prints them.
[[nodiscard]] std::string table(const std::vector<std::vector<std::string>>& rows);
[[nodiscard]] std::string goList(const std::vector<std::string>& v); // [a b c]
void printJson(const QJsonValue& v); // indented

void addCommon(QCommandLineParser& p, const Common& c);
// Parses; false (with the exit code in `code`) when the command must stop here (error or --help).
bool parse(QCommandLineParser& p, const QString& command, const QStringList& args, int& code);
[[nodiscard]] std::optional<std::vector<std::string>> snapshotInputs(const QCommandLineParser& p, const Common& c,
                                                                     int& code);
// The namespace a request goes to without -n: the live context's namespace when it sets one (as kubectl does), else
// "default".
[[nodiscard]] std::string defaultNamespace();
// True when --kubeconfig, --context or --live asks for a live cluster.
[[nodiscard]] bool isLive(const QCommandLineParser& p, const Common& c);
// The kubeconfig context of --kubeconfig/--context/--live, resolved and validated; nullopt (and exit code 2) with
// the reason on stderr. Its warnings (insecure TLS, ...) are printed on stderr.
[[nodiscard]] std::optional<cluster::ConnectionConfig> liveConnection(const QCommandLineParser& p, const Common& c,
                                                                      int& code);
// Pulls the live cluster (progress on stderr when it is a terminal); nullptr (and exit code 2) when the pull fails.
// Coverage gaps are printed on stderr; with --strict they are fatal.
// `resolved`: the connection liveConnection() returned already (its warnings are not printed again).
[[nodiscard]] std::shared_ptr<const Snapshot> loadLive(const QCommandLineParser& p, const Common& c, int& code,
                                                       cluster::PullResult* result = nullptr,
                                                       const cluster::ConnectionConfig* resolved = nullptr);
// Loads --snapshot inputs (or the live cluster); prints diagnostics on stderr; nullptr (and the exit code) on input
// errors or --strict.
[[nodiscard]] std::shared_ptr<const Snapshot> load(const QCommandLineParser& p, const Common& c, int& code);
// The subject of --as/--as-group/--sa.
bool identity(const QCommandLineParser& p, const Identity& id, UserInfo& user, int& code);
// VERB RESOURCE[/SUB] [NAME] or VERB /URL, scoped by -n/-A as kubectl scopes it.
bool target(const QCommandLineParser& p, const Scope& sc, const QStringList& positional, const ResourceCatalog& catalog,
            Target& t, int& code);
[[nodiscard]] std::string chain(const Policy& policy, const Grant& g); // binding -> role -> rule, one line

struct CommandInfo
{
    const char* name;
    const char* summary;
    int (*run)(const QStringList& args);
};
std::vector<CommandInfo>& commandRegistry();
// `static RegisterCommand reg {"diff", "Compare ...", &cmdDiff};` in a command's own .cpp file.
struct RegisterCommand
{
    RegisterCommand(const char* name, const char* summary, int (*run)(const QStringList&));
};

} // namespace rbx::cli
