// SPDX-License-Identifier: Apache-2.0
// Live clusters, read-only: rbx snapshot (pull and save a snapshot file), rbx contexts (the kubeconfig's contexts),
// rbx crosscheck (our answers against the server's SubjectAccessReviews).
#include "app/rbx/cli.h"

#include "models/analysis/explain.h"
#include "models/analysis/identity.h"
#include "models/cluster/crosscheck.h"
#include "models/io/snapshotexport.h"
#include "models/io/snapshotloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace rbx::cli {

namespace {

std::string describeRequest(const Request& r)
{
    if (!r.resourceRequest)
        return r.nonResource.verb + ' ' + r.nonResource.path;
    std::string res = r.resource.resource;
    if (!r.resource.group.empty())
        res += '.' + r.resource.group;
    if (!r.resource.subresource.empty())
        res += '/' + r.resource.subresource;
    return r.resource.verb + ' ' + res + (r.resource.ns.empty() ? std::string(" (cluster)") : " -n " + r.resource.ns);
}

int cmdSnapshot(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Save a snapshot file: pull a live cluster read-only (GET requests only; Secrets of type "
        "service-account-token as metadata only), or re-write --snapshot inputs, as one kind: List that rbx and the "
        "GUI load into the same model. Every item carries kind and apiVersion; no Secret data, no status (but a "
        "Node's kubelet version), no last-applied-configuration, no literal env values. The format follows the name: "
        ".json, .yaml/.yml, each optionally .gz. A failed pull (unreachable server, TLS error, 401) writes nothing "
        "and exits 2; resources the credentials may not read (403) are reported and the rest is saved.\n\n"
        "Usage: rbx snapshot [--kubeconfig FILE] [--context NAME | --live] -o FILE\n"
        "       rbx snapshot --snapshot PATH... -o FILE"));
    Common c;
    addCommon(p, c);
    QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                              QStringLiteral("File to write (.json, .yaml, .yml, optionally .gz)."),
                              QStringLiteral("FILE"));
    p.addOption(output);
    int code = 0;
    if (!parse(p, QStringLiteral("snapshot"), args, code))
        return code;
    const QString file = p.value(output);
    if (file.isEmpty()) {
        err("rbx snapshot: say where to write: -o FILE (.json, .yaml or .yml, optionally .gz)");
        return kExitUsage;
    }
    QString base = file.endsWith(QLatin1String(".gz")) ? file.chopped(3) : file;
    if (!base.endsWith(QLatin1String(".json")) && !base.endsWith(QLatin1String(".yaml"))
        && !base.endsWith(QLatin1String(".yml"))) {
        err("rbx snapshot: -o must end in .json, .yaml or .yml (optionally .gz)");
        return kExitUsage;
    }
    cluster::PullResult pulled;
    std::shared_ptr<const Snapshot> snapshot = isLive(p, c) ? loadLive(p, c, code, &pulled) : load(p, c, code);
    if (!snapshot)
        return code;
    // Write beside the target and rename: a failure never leaves half a file.
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly)) {
        err("rbx snapshot: cannot write " + file.toStdString() + ": " + out.errorString().toStdString());
        return kExitUsage;
    }
    std::string text = io::exportSnapshot(*snapshot, base.endsWith(QLatin1String(".json")) ? io::ExportFormat::Json
                                                                                            : io::ExportFormat::Yaml);
    if (file.endsWith(QLatin1String(".gz")))
        text = io::gzip(text);
    out.write(text.data(), static_cast<qint64>(text.size()));
    if (!out.commit()) {
        err("rbx snapshot: cannot write " + file.toStdString() + ": " + out.errorString().toStdString());
        return kExitUsage;
    }
    std::string summary = "wrote " + file.toStdString() + ": " + std::to_string(snapshot->objectCount()) + " objects";
    if (isLive(p, c))
        summary += " from " + snapshot->report.inputs.front() + " in " + std::to_string(pulled.requests)
            + " requests" + (pulled.serverVersion.empty() ? std::string() : ", Kubernetes " + pulled.serverVersion)
            + (pulled.complete() ? std::string() : " (incomplete: see the warnings above)");
    err(summary);
    return kExitOk;
}

int cmdContexts(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "List the kubeconfig's contexts as kubectl config get-contexts does, with the way each one authenticates "
        "(never a credential). KUBECONFIG files are merged as kubectl merges them: the first file that names a "
        "context, cluster or user wins it.\n\nUsage: rbx contexts [--kubeconfig FILE] [-o table|json]"));
    p.addHelpOption();
    Common c;
    p.addOption(c.kubeconfig);
    QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("table or json."),
                              QStringLiteral("FORMAT"), QStringLiteral("table"));
    p.addOption(output);
    int code = 0;
    if (!parse(p, QStringLiteral("contexts"), args, code))
        return code;
    std::string error;
    const auto config = cluster::loadKubeconfig(cluster::kubeconfigSourceFromEnvironment(p.value(c.kubeconfig).toStdString()),
                                                &error);
    if (!config) {
        err("rbx: " + error);
        return kExitUsage;
    }
    for (const auto& w : config->warnings)
        err("rbx: warning: " + w);
    auto authOf = [&](const cluster::ContextEntry& ctx) -> std::string {
        const auto* u = config->user(ctx.user);
        if (!u)
            return ctx.user.empty() ? "anonymous" : "missing user";
        if (u->exec)
            return "exec " + u->exec->command;
        if (!u->tokenFile.empty())
            return "token file";
        if (!u->token.empty())
            return "token";
        if (!u->clientCertificate.empty() || !u->clientCertificateData.empty())
            return "client certificate";
        if (!u->username.empty())
            return "basic auth";
        if (!u->authProvider.empty())
            return "auth-provider " + u->authProvider;
        return "none";
    };
    if (p.value(output) == QLatin1String("json")) {
        QJsonArray a;
        for (const auto& ctx : config->contexts) {
            const auto* cl = config->cluster(ctx.cluster);
            a.append(QJsonObject {{QStringLiteral("name"), qs(ctx.name)},
                                  {QStringLiteral("current"), ctx.name == config->currentContext},
                                  {QStringLiteral("cluster"), qs(ctx.cluster)},
                                  {QStringLiteral("server"), qs(cl ? cl->server : std::string())},
                                  {QStringLiteral("user"), qs(ctx.user)},
                                  {QStringLiteral("namespace"), qs(ctx.ns)},
                                  {QStringLiteral("auth"), qs(authOf(ctx))},
                                  {QStringLiteral("file"), qs(ctx.origin)}});
        }
        printJson(a);
        return kExitOk;
    }
    std::vector<std::vector<std::string>> rows {{"CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE", "AUTH"}};
    for (const auto& ctx : config->contexts)
        rows.push_back({ctx.name == config->currentContext ? "*" : "", ctx.name, ctx.cluster, ctx.user, ctx.ns,
                        authOf(ctx)});
    out(table(rows));
    return kExitOk;
}

int cmdCrosscheck(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Pull the live cluster (read-only), evaluate sample requests for a subject, and ask the API server the same "
        "questions as SubjectAccessReviews (POST, the only write-shaped request RBAC Explorer sends; it changes "
        "nothing). Prints every disagreement: the server allowing more than RBAC shows webhook or Node authorizers "
        "or system:masters; less shows drift or a deny webhook. Needs permission to create subjectaccessreviews.\n"
        "Exit 0 when all agree, 1 on a disagreement, 2 on errors.\n\n"
        "Usage: rbx crosscheck --sa NS:NAME [--context NAME] [-n NS] [--samples N] [-o table|json]"));
    Common c;
    addCommon(p, c);
    Identity id;
    p.addOption(id.as);
    p.addOption(id.asGroup);
    p.addOption(id.sa);
    Scope sc;
    sc.ns.setDescription(QStringLiteral("Namespace of the sampled requests (default: the context's namespace, else "
                                        "\"default\")."));
    p.addOption(sc.ns);
    QCommandLineOption samples(QStringLiteral("samples"), QStringLiteral("How many requests to compare (default 200)."),
                               QStringLiteral("N"), QStringLiteral("200"));
    p.addOption(samples);
    QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("table or json."),
                              QStringLiteral("FORMAT"), QStringLiteral("table"));
    p.addOption(output);
    int code = 0;
    if (!parse(p, QStringLiteral("crosscheck"), args, code))
        return code;
    UserInfo user;
    if (!identity(p, id, user, code))
        return code;
    if (p.isSet(c.snapshot)) {
        err("rbx crosscheck: compares the live cluster with itself; give --context (or --live), not --snapshot");
        return kExitUsage;
    }
    bool okN = false;
    const int n = p.value(samples).toInt(&okN);
    if (!okN || n <= 0) {
        err("rbx crosscheck: --samples takes a positive number");
        return kExitUsage;
    }
    const auto connection = liveConnection(p, c, code);
    if (!connection)
        return code;
    cluster::PullResult pulled;
    auto snapshot = loadLive(p, c, code, &pulled, &*connection);
    if (!snapshot)
        return code;
    const Policy policy(snapshot);
    std::string ns = p.value(sc.ns).toStdString();
    if (ns.empty())
        ns = connection->ns.empty() ? std::string("default") : connection->ns;
    const auto requests = cluster::sampleRequests(policy, user, ns, static_cast<std::size_t>(n));
    const auto result = cluster::crossCheck(*connection, policy, requests);
    if (!result.ok) {
        err("rbx crosscheck: " + connection->context + ": " + result.error);
        return kExitUsage;
    }
    if (p.value(output) == QLatin1String("json")) {
        QJsonArray items;
        for (const auto& s : result.samples) {
            QJsonObject o;
            o[QStringLiteral("request")] = qs(describeRequest(s.request));
            o[QStringLiteral("ours")] = s.ours;
            o[QStringLiteral("ourReason")] = qs(s.ourReason);
            if (s.server)
                o[QStringLiteral("server")] = *s.server;
            o[QStringLiteral("serverReason")] = qs(s.serverReason);
            if (!s.error.empty())
                o[QStringLiteral("error")] = qs(s.error);
            o[QStringLiteral("agree")] = !s.disagrees();
            items.append(o);
        }
        printJson(QJsonObject {{QStringLiteral("user"), qs(user.name)},
                               {QStringLiteral("context"), qs(connection->context)},
                               {QStringLiteral("samples"), static_cast<qint64>(result.samples.size())},
                               {QStringLiteral("disagreements"), static_cast<qint64>(result.disagreements())},
                               {QStringLiteral("failures"), static_cast<qint64>(result.failures())},
                               {QStringLiteral("results"), items}});
    } else {
        std::vector<std::vector<std::string>> rows {{"REQUEST", "RBX", "SERVER", "SERVER REASON"}};
        for (const auto& s : result.samples)
            if (s.disagrees() || !s.server)
                rows.push_back({describeRequest(s.request), s.ours ? "yes" : "no",
                                s.server ? (*s.server ? "yes" : "no") : "error: " + s.error, s.serverReason});
        if (rows.size() > 1)
            out(table(rows));
        out(std::to_string(result.samples.size()) + " requests compared for " + user.name + ": "
            + std::to_string(result.disagreements()) + " disagreement(s), " + std::to_string(result.failures())
            + " failed review(s)\n");
    }
    return result.disagreements() > 0 ? kExitNo : kExitOk;
}

const RegisterCommand regSnapshot {"snapshot", "Save a snapshot file, pulled read-only from a live cluster (--context)",
                                   &cmdSnapshot};
const RegisterCommand regContexts {"contexts", "List the kubeconfig's contexts and how each authenticates",
                                   &cmdContexts};
const RegisterCommand regCrosscheck {"crosscheck",
                                     "Compare our answers with the live server's SubjectAccessReviews for a subject",
                                     &cmdCrosscheck};

} // namespace

} // namespace rbx::cli
