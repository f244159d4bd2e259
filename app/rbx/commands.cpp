// SPDX-License-Identifier: Apache-2.0
#include "app/rbx/commands.h"

#include "app/rbx/cli.h"

#include "models/analysis/accessmatrix.h"
#include "models/analysis/heatmap.h"
#include "models/analysis/identity.h"
#include "models/analysis/subjects.h"
#include "models/analysis/policy.h"
#include "models/analysis/queries.h"
#include "models/analysis/resourcecatalog.h"
#include "models/analysis/rulematch.h"
#include "models/io/accessreview.h"
#include "models/io/matrixexport.h"
#include "models/io/snapshotloader.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rbx::cli {

namespace {

// ---- commands ---------------------------------------------------------------------------------------------------

int cmdLoad(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Load snapshots and print the load report: objects per kind, skipped "
                                               "kinds, duplicates and diagnostics (file:line:column).\n\n"
                                               "Usage: rbx load --snapshot PATH... [-o text|json]\n"
                                               "       rbx load --context NAME [-o text|json]"));
    Common c;
    addCommon(p, c);
    QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("text or json."),
                              QStringLiteral("FORMAT"), QStringLiteral("text"));
    p.addOption(output);
    int code = 0;
    if (!parse(p, QStringLiteral("load"), args, code))
        return code;
    std::shared_ptr<const Snapshot> snapshot;
    if (isLive(p, c)) {
        snapshot = loadLive(p, c, code);
        if (!snapshot)
            return code;
    } else {
        const auto inputs = snapshotInputs(p, c, code);
        if (!inputs)
            return code;
        snapshot = io::loadSnapshot(*inputs);
    }
    const auto& r = snapshot->report;
    if (p.value(output) == QLatin1String("json")) {
        QJsonObject o;
        QJsonObject kept;
        for (const auto& k : r.kept)
            kept.insert(qs(k.kind), static_cast<qint64>(k.count));
        QJsonObject skipped;
        for (const auto& k : r.skipped)
            skipped.insert(qs(k.kind), static_cast<qint64>(k.count));
        QJsonArray diags;
        for (const auto& d : r.diagnostics)
            diags.append(QJsonObject {{QStringLiteral("severity"), d.severity == Diagnostic::Severity::Error
                                                                        ? QStringLiteral("error")
                                                                        : QStringLiteral("warning")},
                                      {QStringLiteral("file"), qs(d.file)},
                                      {QStringLiteral("line"), static_cast<int>(d.line)},
                                      {QStringLiteral("column"), static_cast<int>(d.column)},
                                      {QStringLiteral("document"), d.document},
                                      {QStringLiteral("message"), qs(d.message)}});
        o.insert(QStringLiteral("files"), static_cast<qint64>(r.files));
        o.insert(QStringLiteral("documents"), static_cast<qint64>(r.documents));
        o.insert(QStringLiteral("kept"), kept);
        o.insert(QStringLiteral("skipped"), skipped);
        o.insert(QStringLiteral("duplicates"), jsonList(r.duplicates));
        o.insert(QStringLiteral("notes"), jsonList(r.notes));
        o.insert(QStringLiteral("diagnostics"), diags);
        printJson(o);
    } else if (p.value(output) == QLatin1String("text")) {
        out(r.toText());
        Policy policy(snapshot);
        for (const auto& w : policy.warnings())
            out("Warning: " + w + '\n');
    } else {
        err("rbx: --output must be text or json");
        return kExitUsage;
    }
    return p.isSet(c.strict) && !r.diagnostics.empty() ? kExitUsage : kExitOk;
}

int cmdReview(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Answer authorization.k8s.io/v1 SubjectAccessReviews read as JSON, one per line, on stdin. "
                       "Each is written back on its own line, in order, with status.allowed and status.reason filled "
                       "in; a malformed line gets status.evaluationError and the stream goes on. Groups are used "
                       "exactly as given, as the API server does.\n\n"
                       "Usage: rbx review --snapshot PATH... < reviews.jsonl"));
    Common c;
    addCommon(p, c);
    int code = 0;
    if (!parse(p, QStringLiteral("review"), args, code))
        return code;
    for (const auto& s : p.values(c.snapshot))
        if (s == QLatin1String("-")) {
            err("rbx review: stdin carries the reviews; give the snapshot as a file or folder");
            return kExitUsage;
        }
    auto snapshot = load(p, c, code);
    if (!snapshot)
        return code;
    Policy policy(snapshot);
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        out(io::answerSubjectAccessReview(policy, line) + '\n');
        std::fflush(stdout);
    }
    return kExitOk;
}

int cmdCanI(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Check whether a subject may perform an action, as `kubectl auth can-i` does, offline.\n\n"
        "Usage:\n"
        "  rbx can-i VERB RESOURCE[/SUBRESOURCE] [NAME] --as USER [--as-group GROUP]... [-n NS|-A]\n"
        "  rbx can-i VERB /NON-RESOURCE-URL --sa NS:NAME\n"
        "  rbx can-i --list --sa NS:NAME [-n NS] [-o table|json]\n\n"
        "RESOURCE is a plural, singular, short name or kind, optionally with .GROUP (deployments.apps). "
        "RESOURCE/X is a subresource when X is one (pods/log), else a name, as kubectl reads TYPE/NAME.\n"
        "Prints yes or no. Exit code: 0 yes, 1 no, 2 error. --why prints the binding -> role -> rule behind a yes.\n"
        "--list adds a Scope column: cluster (a ClusterRoleBinding: holds in every namespace) or namespace."));
    Common c;
    Identity id;
    Scope sc;
    addCommon(p, c);
    p.addOptions({id.as, id.asGroup, id.sa, sc.ns, sc.all, sc.subresource});
    QCommandLineOption list(QStringLiteral("list"), QStringLiteral("List everything the subject can do."));
    QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                              QStringLiteral("For --list: table or json."), QStringLiteral("FORMAT"),
                              QStringLiteral("table"));
    QCommandLineOption noHeaders(QStringLiteral("no-headers"), QStringLiteral("For --list: no header line."));
    QCommandLineOption quiet({QStringLiteral("q"), QStringLiteral("quiet")},
                             QStringLiteral("Print nothing; only the exit code answers."));
    QCommandLineOption why(QStringLiteral("why"), QStringLiteral("Explain the answer (provenance of a yes)."));
    p.addOptions({list, output, noHeaders, quiet, why});
    p.addPositionalArgument(QStringLiteral("VERB"), QStringLiteral("get, list, create, impersonate, ..."));
    p.addPositionalArgument(QStringLiteral("RESOURCE"), QStringLiteral("RESOURCE[.GROUP][/SUBRESOURCE] or /URL"));
    p.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("Resource name (optional)"), QStringLiteral("[NAME]"));
    int code = 0;
    if (!parse(p, QStringLiteral("can-i"), args, code))
        return code;
    UserInfo user;
    if (!identity(p, id, user, code))
        return code;
    if (p.isSet(list)) {
        if (!p.positionalArguments().isEmpty()) {
            err("rbx can-i --list takes no VERB or RESOURCE");
            return kExitUsage;
        }
        if (p.isSet(sc.ns) && p.isSet(sc.all)) {
            err("rbx: -n and -A exclude each other");
            return kExitUsage;
        }
        const auto fmt = p.value(output);
        if (fmt != QLatin1String("table") && fmt != QLatin1String("json")) {
            err("rbx: --output must be table or json");
            return kExitUsage;
        }
        auto snapshot = load(p, c, code);
        if (!snapshot)
            return code;
        Policy policy(snapshot);
        const std::string ns = p.isSet(sc.all) ? std::string()
            : p.isSet(sc.ns)                   ? p.value(sc.ns).toStdString()
                                               : defaultNamespace();
        const auto rows = rulesFor(policy, user, ns);
        ResourceCatalog catalog(*snapshot);
        // A RoleBinding's grant on a cluster-scoped resource has no effect (kubernetes#87955): say so.
        auto scopeOf = [&](const RuleRow& r) -> std::string {
            if (r.clusterWide)
                return "cluster";
            for (const auto& res : r.resources) {
                const auto resolved = catalog.resolve(res);
                if (resolved.known && !resolved.namespaced)
                    return "namespace (no effect: cluster-scoped)";
            }
            return "namespace";
        };
        if (fmt == QLatin1String("json")) {
            QJsonArray rules;
            for (const auto& r : rows)
                rules.append(QJsonObject {{QStringLiteral("resources"), jsonList(r.resources)},
                                          {QStringLiteral("nonResourceURLs"), jsonList(r.nonResourceURLs)},
                                          {QStringLiteral("resourceNames"), jsonList(r.resourceNames)},
                                          {QStringLiteral("verbs"), jsonList(r.verbs)},
                                          {QStringLiteral("scope"), r.clusterWide ? QStringLiteral("cluster")
                                                                                  : QStringLiteral("namespace")},
                                          {QStringLiteral("effective"), scopeOf(r).find("no effect") == std::string::npos},
                                          {QStringLiteral("grantedBy"), jsonList(r.grantedBy)}});
            printJson(QJsonObject {{QStringLiteral("user"), qs(user.name)},
                                   {QStringLiteral("groups"), jsonList(user.groups)},
                                   {QStringLiteral("namespace"), qs(ns)},
                                   {QStringLiteral("rules"), rules}});
        } else {
            std::vector<std::vector<std::string>> t;
            if (!p.isSet(noHeaders))
                t.push_back({"Resources", "Non-Resource URLs", "Resource Names", "Verbs", "Scope"});
            for (const auto& r : rows) {
                std::string res;
                for (const auto& x : r.resources)
                    res += (res.empty() ? "" : ", ") + x;
                t.push_back({res, goList(r.nonResourceURLs), goList(r.resourceNames), goList(r.verbs), scopeOf(r)});
            }
            out(table(t));
        }
        return kExitOk;
    }
    auto snapshot = load(p, c, code);
    if (!snapshot)
        return code;
    Policy policy(snapshot);
    ResourceCatalog catalog(*snapshot);
    Target t;
    if (!target(p, sc, p.positionalArguments(), catalog, t, code))
        return code;
    if (!p.isSet(quiet))
        for (const auto& w : t.warnings)
            err(w);
    t.request.user = user;
    const auto d = policy.authorize(t.request);
    if (!p.isSet(quiet)) {
        if (d.allowed) {
            out("yes\n");
            if (p.isSet(why))
                out("  " + d.reason + "\n  " + chain(policy, *d.grant) + '\n');
        } else {
            out(d.reason.empty() ? "no\n" : "no - " + d.reason + '\n');
        }
        if (!d.allowed && user.inGroup("system:masters"))
            err("note: group system:masters is allowed everything by the API server outside RBAC");
        if (auto sa = parseServiceAccountUsername(user.name); sa && !snapshot->findServiceAccount(sa->ns, sa->name))
            err("note: ServiceAccount " + sa->ns + '/' + sa->name + " does not exist in the snapshot");
    }
    return d.allowed ? kExitOk : kExitNo;
}

int cmdWhoCan(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "List every subject that can perform an action, with the binding and role behind it. Group subjects are "
        "expanded to the snapshot's ServiceAccounts they cover (system:serviceaccounts[:NS], "
        "system:authenticated).\n\n"
        "Usage:\n"
        "  rbx who-can VERB RESOURCE[/SUBRESOURCE] [NAME] [-n NS|-A] [-o table|json]\n"
        "  rbx who-can VERB /NON-RESOURCE-URL\n\n"
        "Without -A: the ClusterRoleBindings plus the RoleBindings of the namespace (default \"default\"). With -A: "
        "RoleBindings of every namespace count, each in its own namespace (SCOPE column)."));
    Common c;
    Scope sc;
    addCommon(p, c);
    sc.ns.setDescription(QStringLiteral("Namespace of the request: its RoleBindings count (default: the context's "
                                        "namespace when live, else \"default\")."));
    sc.all.setDescription(QStringLiteral("Every namespace: RoleBindings count each in its own namespace."));
    p.addOptions({sc.ns, sc.all, sc.subresource});
    QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("table or json."),
                              QStringLiteral("FORMAT"), QStringLiteral("table"));
    p.addOption(output);
    p.addPositionalArgument(QStringLiteral("VERB"), QStringLiteral("get, list, create, ..."));
    p.addPositionalArgument(QStringLiteral("RESOURCE"), QStringLiteral("RESOURCE[.GROUP][/SUBRESOURCE] or /URL"));
    p.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("Resource name (optional)"), QStringLiteral("[NAME]"));
    int code = 0;
    if (!parse(p, QStringLiteral("who-can"), args, code))
        return code;
    const auto fmt = p.value(output);
    if (fmt != QLatin1String("table") && fmt != QLatin1String("json")) {
        err("rbx: --output must be table or json");
        return kExitUsage;
    }
    auto snapshot = load(p, c, code);
    if (!snapshot)
        return code;
    Policy policy(snapshot);
    ResourceCatalog catalog(*snapshot);
    Target t;
    if (!target(p, sc, p.positionalArguments(), catalog, t, code))
        return code;
    for (const auto& w : t.warnings)
        err(w);
    const auto result = whoCan(policy, t.request, t.allNamespaces);
    const auto& s = *snapshot;
    auto via = [&](const WhoCanEntry& e) {
        const auto& b = s.bindings[e.binding];
        const auto& role = s.roles[e.role];
        return (b.cluster ? "ClusterRoleBinding/" + b.meta.name : "RoleBinding/" + b.meta.name) + " -> "
            + (role.cluster ? "ClusterRole/" : "Role/") + role.meta.name;
    };
    if (fmt == QLatin1String("json")) {
        QJsonArray entries;
        for (const auto& e : result.entries) {
            QJsonObject o = io::grantJson(policy, Grant {e.binding, 0, e.role, e.rule});
            o.insert(QStringLiteral("subject"), QJsonObject {{QStringLiteral("kind"), qs(e.subject.kind)},
                                                             {QStringLiteral("name"), qs(e.subject.name)},
                                                             {QStringLiteral("namespace"), qs(e.subject.ns)}});
            o.insert(QStringLiteral("scope"), e.scope.empty() ? QStringLiteral("cluster") : qs(e.scope));
            o.insert(QStringLiteral("matchesNobody"), e.matchesNobody);
            if (e.subject.kind == "Group")
                o.insert(QStringLiteral("serviceAccounts"), jsonList(e.serviceAccounts));
            entries.append(o);
        }
        printJson(QJsonObject {{QStringLiteral("subjects"), entries}, {QStringLiteral("notes"), jsonList(result.notes)}});
        return kExitOk;
    }
    std::vector<std::vector<std::string>> rows {{"KIND", "NAME", "SA-NAMESPACE", "SCOPE", "VIA"}};
    for (const auto& e : result.entries) {
        rows.push_back({e.subject.kind, e.subject.name + (e.matchesNobody ? " (matches nobody)" : ""),
                        e.subject.kind == "ServiceAccount" ? e.subject.ns : "",
                        e.scope.empty() ? "cluster" : e.scope, via(e)});
        for (const auto& sa : e.serviceAccounts) {
            const auto slash = sa.find('/');
            rows.push_back({"  ServiceAccount", sa.substr(slash + 1), sa.substr(0, slash),
                            e.scope.empty() ? "cluster" : e.scope, "via Group " + e.subject.name});
        }
    }
    out(table(rows));
    for (const auto& n : result.notes)
        out("Note: " + n + '\n');
    return kExitOk;
}


std::string rowLabel(const MatrixRow& r)
{
    if (r.group.empty())
        return r.resource;
    const auto slash = r.resource.find('/');
    return slash == std::string::npos ? r.resource + '.' + r.group
                                      : r.resource.substr(0, slash) + '.' + r.group + r.resource.substr(slash);
}

int heatMapCommand(const QCommandLineParser& p, const Common& c, const QString& verb, const QString& fmt)
{
    int code = 0;
    auto snapshot = load(p, c, code);
    if (!snapshot)
        return code;
    Policy policy(snapshot);
    ResourceCatalog catalog(*snapshot);
    const auto verbs = verb == QLatin1String("any-write") ? writeVerbs()
        : verb == QLatin1String("any-read")              ? readVerbs()
                                                         : std::vector<std::string> {verb.toStdString()};
    const auto heat = heatMap(policy, summarizeSubjects(policy), matrixRows(policy, catalog), verbs);
    const auto order = io::heatMapOrder(heat);
    if (fmt == QLatin1String("json")) {
        printJson(io::heatMapJson(heat));
        return kExitOk;
    }
    if (fmt == QLatin1String("csv")) {
        out(io::heatMapCsv(heat));
        return kExitOk;
    }
    std::vector<std::vector<std::string>> t {{"SERVICEACCOUNT", "RISK", "RESOURCES (yes; ~ = some names)"}};
    for (std::size_t i : order) {
        // Most sensitive first: secrets, tokens, exec, RBAC objects...
        std::vector<std::pair<int, std::string>> reach;
        for (std::size_t col = 0; col < heat.columns.size(); ++col)
            if (const auto a = heat.cell(i, col); a != Access::No)
                reach.emplace_back(sensitivity(heat.columns[col].group, heat.columns[col].resource),
                                   (a == Access::Partial ? "~" : "") + rowLabel(heat.columns[col]));
        std::stable_sort(reach.begin(), reach.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        std::string resources;
        for (std::size_t k = 0; k < reach.size() && k < 8; ++k)
            resources += (k ? ", " : "") + reach[k].second;
        if (reach.size() > 8)
            resources += ", ... (" + std::to_string(reach.size()) + " in all)";
        if (resources.empty())
            continue;
        t.push_back({heat.subjects[i].ref.display() + (heat.subjects[i].clusterAdminEquivalent ? " (cluster-admin)" : ""),
                     std::to_string(heat.risk[i]), resources});
    }
    out(table(t));
    return kExitOk;
}

int cmdMatrix(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "The access matrix of one subject (rakkess-style): resources x verbs, each cell yes, no or partial (only some "
        "resourceNames), with the grants behind it in JSON.\n\n"
        "Usage: rbx matrix --sa NS:NAME | --as USER [--as-group G]... [-n NS|-A] [--verbs V,V...] [-o table|csv|json]\n"
        "       rbx matrix --all-sas [--verb VERB|any-write|any-read] [-o table|csv|json]\n\n"
        "--all-sas is the heat map: every ServiceAccount x every resource someone can reach, for one verb (default "
        "any-write), best access over cluster scope and every namespace, with a risk score, riskiest first.\n\n"
        "Scope: -n NS (default: the ServiceAccount's own namespace, else \"default\"); --cluster for cluster scope "
        "(ClusterRoleBindings only); -A for cluster scope plus every namespace of the snapshot, one matrix each.\n"
        "The table lists resources with some access (--all-resources for every row); csv and json list every row."));
    Common c;
    Identity id;
    Scope sc;
    addCommon(p, c);
    sc.ns.setDescription(
        QStringLiteral("Namespace of the matrix (default: the ServiceAccount's own namespace, else \"default\")."));
    sc.all.setDescription(QStringLiteral("Cluster scope plus every namespace of the snapshot, one matrix each."));
    p.addOptions({id.as, id.asGroup, id.sa, sc.ns, sc.all});
    QCommandLineOption cluster(QStringLiteral("cluster"), QStringLiteral("Cluster scope: ClusterRoleBindings only."));
    QCommandLineOption verbsOpt(QStringLiteral("verbs"), QStringLiteral("Comma-separated verbs (default: get list watch "
                                                                         "create update patch delete deletecollection "
                                                                         "impersonate bind escalate use *)."),
                                QStringLiteral("VERBS"));
    QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("table, csv or json."),
                              QStringLiteral("FORMAT"), QStringLiteral("table"));
    QCommandLineOption allRows(QStringLiteral("all-resources"), QStringLiteral("Table: show rows without access too."));
    QCommandLineOption allSas(QStringLiteral("all-sas"), QStringLiteral("Heat map of every ServiceAccount."));
    QCommandLineOption verbOpt(QStringLiteral("verb"), QStringLiteral("With --all-sas: a verb, any-write or any-read."),
                               QStringLiteral("VERB"), QStringLiteral("any-write"));
    p.addOptions({cluster, verbsOpt, output, allRows, allSas, verbOpt});
    int code = 0;
    if (!parse(p, QStringLiteral("matrix"), args, code))
        return code;
    const auto fmt = p.value(output);
    if (fmt != QLatin1String("table") && fmt != QLatin1String("csv") && fmt != QLatin1String("json")) {
        err("rbx: --output must be table, csv or json");
        return kExitUsage;
    }
    if (p.isSet(allSas))
        return heatMapCommand(p, c, p.value(verbOpt), fmt);
    if (int(p.isSet(sc.ns)) + int(p.isSet(sc.all)) + int(p.isSet(cluster)) > 1) {
        err("rbx: -n, -A and --cluster exclude each other");
        return kExitUsage;
    }
    UserInfo user;
    if (!identity(p, id, user, code))
        return code;
    auto snapshot = load(p, c, code);
    if (!snapshot)
        return code;
    Policy policy(snapshot);
    ResourceCatalog catalog(*snapshot);
    std::vector<std::string> verbs = defaultMatrixVerbs();
    if (p.isSet(verbsOpt)) {
        verbs.clear();
        for (const auto& v : p.value(verbsOpt).split(u',', Qt::SkipEmptyParts))
            verbs.push_back(v.trimmed().toStdString());
    }
    std::vector<std::string> scopes;
    if (p.isSet(sc.all)) {
        scopes.emplace_back();
        for (const auto& ns : policy.knownNamespaces())
            scopes.push_back(ns);
    } else if (p.isSet(cluster)) {
        scopes.emplace_back();
    } else if (p.isSet(sc.ns)) {
        scopes.push_back(p.value(sc.ns).toStdString());
    } else {
        const auto sa = parseServiceAccountUsername(user.name);
        scopes.push_back(sa ? sa->ns : std::string("default"));
    }
    const MatrixRows rows(matrixRows(policy, catalog));
    std::vector<AccessMatrix> matrices;
    for (const auto& ns : scopes)
        matrices.push_back(accessMatrix(policy, user, ns, verbs, rows));

    auto rowName = [](const MatrixRow& r) {
        if (r.group.empty())
            return r.resource;
        const auto slash = r.resource.find('/');
        return slash == std::string::npos ? r.resource + '.' + r.group
                                          : r.resource.substr(0, slash) + '.' + r.group + r.resource.substr(slash);
    };
    if (fmt == QLatin1String("json")) {
        QJsonArray all;
        for (const auto& m : matrices)
            all.append(io::matrixJson(policy, m));
        if (p.isSet(sc.all))
            printJson(all);
        else
            printJson(all.first());
        return kExitOk;
    }
    if (fmt == QLatin1String("csv")) {
        out(io::matrixCsv(matrices));
        return kExitOk;
    }
    for (const auto& m : matrices) {
        out((m.ns.empty() ? std::string("Cluster scope") : "Namespace " + m.ns) + " - " + m.subject + '\n');
        std::vector<std::vector<std::string>> t;
        std::vector<std::string> header {"NAME"};
        header.insert(header.end(), verbs.begin(), verbs.end());
        t.push_back(header);
        for (std::size_t r = 0; r < m.rows.size(); ++r) {
            std::vector<std::string> line {rowName(m.rows[r])};
            bool any = false;
            for (std::size_t v = 0; v < verbs.size(); ++v) {
                const auto a = m.cell(r, v).access;
                any = any || a != Access::No;
                line.push_back(a == Access::Yes ? "yes" : a == Access::Partial ? "some" : "-");
            }
            if (any || p.isSet(allRows))
                t.push_back(std::move(line));
        }
        out(table(t) + '\n');
    }
    out("yes: allowed for any name; some: only the resourceNames listed in -o json; -: denied\n");
    return kExitOk;
}

} // namespace

std::string mainHelp()
{
    std::string text = "rbx - RBAC Explorer on the command line: what every ServiceAccount can do, and why.\n"
                       "\n"
                       "Usage: rbx COMMAND [options]\n"
                       "\n"
                       "Commands:\n";
    std::vector<std::pair<std::string, std::string>> rows {
        {"can-i", "Check whether a subject can do something (kubectl auth can-i, offline; --list too)"},
        {"who-can", "List every subject that can do something, with binding and role"},
        {"matrix", "Access matrix of one subject: resources x verbs, with provenance (-o table|csv|json)"},
        {"review", "Answer SubjectAccessReview JSON lines from stdin"},
        {"load", "Load snapshots and print the load report"},
    };
    auto extra = commandRegistry();
    std::sort(extra.begin(), extra.end(), [](const CommandInfo& a, const CommandInfo& b) {
        return std::string_view(a.name) < std::string_view(b.name);
    });
    for (const auto& c : extra)
        rows.emplace_back(c.name, c.summary);
    rows.emplace_back("help CMD", "Show the help of a command (same as rbx CMD --help)");
    std::size_t width = 0;
    for (const auto& r : rows)
        width = std::max(width, r.first.size());
    for (auto& [name, summary] : rows) {
        name.resize(width, ' ');
        text += "  " + name + "  " + summary + '\n';
    }
    text += "\n"
            "Every command reads --snapshot PATH (repeatable): a YAML/JSON file (kubectl get -o yaml|json, "
            "List or multi-document), a folder (recursive; *.yaml, *.yml, *.json, also .gz), or - for stdin.\n"
            "Load diagnostics go to stderr; answers come from what loaded unless --strict.\n"
            "Instead of --snapshot, --context NAME (or --kubeconfig FILE, or --live for the current context) reads a "
            "live cluster, read-only: GET requests only (and SubjectAccessReview POSTs for crosscheck), Secrets as "
            "metadata only.\n"
            "\n"
            "Exit codes: 0 success / yes, 1 no (can-i) / different (diff) / findings (--fail-on), 2 usage or input "
            "error.\n";
    return text;
}

int run(const QString& command, const QStringList& args)
{
    if (command == QLatin1String("load"))
        return cmdLoad(args);
    if (command == QLatin1String("review"))
        return cmdReview(args);
    if (command == QLatin1String("can-i"))
        return cmdCanI(args);
    if (command == QLatin1String("who-can"))
        return cmdWhoCan(args);
    if (command == QLatin1String("matrix"))
        return cmdMatrix(args);
    for (const auto& c : commandRegistry())
        if (command == QLatin1String(c.name))
            return c.run(args);
    err("rbx: unknown command \"" + command.toStdString() + "\"\n\n" + mainHelp());
    return kExitUsage;
}

} // namespace rbx::cli
