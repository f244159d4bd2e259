// SPDX-License-Identifier: Apache-2.0
#include "app/rbx/cli.h"

#include "models/analysis/identity.h"
#include "models/io/snapshotloader.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonDocument>

#include <algorithm>
#include <cstdio>

#include <unistd.h>

namespace rbx::cli {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

void err(const std::string& s)
{
    std::fputs(s.c_str(), stderr);
    if (s.empty() || s.back() != '\n')
        std::fputc('\n', stderr);
}

void out(const std::string& s)
{
    std::fwrite(s.data(), 1, s.size(), stdout);
}

QJsonArray jsonList(const std::vector<std::string>& v)
{
    QJsonArray a;
    for (const auto& s : v)
        a.append(qs(s));
    return a;
}

// Columns separated by three spaces, as kubectl's tabwriter prints them.
std::string table(const std::vector<std::vector<std::string>>& rows)
{
    std::vector<std::size_t> width;
    for (const auto& r : rows)
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (width.size() <= i)
                width.push_back(0);
            width[i] = std::max(width[i], static_cast<std::size_t>(QString::fromStdString(r[i]).size()));
        }
    std::string text;
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size())
                line += std::string(width[i] - static_cast<std::size_t>(QString::fromStdString(r[i]).size()) + 3, ' ');
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        text += line + '\n';
    }
    return text;
}

std::string goList(const std::vector<std::string>& v)
{
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i)
        s += (i ? " " : "") + v[i];
    return s + ']';
}




void addCommon(QCommandLineParser& p, const Common& c)
{
    p.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    p.addOption(c.snapshot);
    p.addOption(c.strict);
    p.addOption(c.quietLoad);
    p.addOption(c.kubeconfig);
    p.addOption(c.context);
    p.addOption(c.live);
}

// Parses; returns false (and the exit code in `code`) when the command must stop here.
bool parse(QCommandLineParser& p, const QString& command, const QStringList& args, int& code)
{
    if (!p.parse(args)) {
        err("rbx: " + p.errorText().toStdString() + "\nRun 'rbx " + command.toStdString() + " --help' for usage.");
        code = kExitUsage;
        return false;
    }
    if (p.isSet(QStringLiteral("help")) || p.isSet(QStringLiteral("help-all"))) {
        // Qt's usage line names the executable's path; ours names the command as it is typed.
        auto text = p.helpText();
        const auto program = QCoreApplication::arguments().value(0);
        if (text.startsWith(QStringLiteral("Usage: ") + program))
            text.replace(7, program.size(), QStringLiteral("rbx ") + command);
        out(text.toStdString());
        code = kExitOk;
        return false;
    }
    return true;
}

// The --snapshot inputs, each checked to exist; nullopt (and the exit code) if none is given or one is missing.
std::optional<std::vector<std::string>> snapshotInputs(const QCommandLineParser& p, const Common& c, int& code)
{
    const auto paths = p.values(c.snapshot);
    if (paths.isEmpty()) {
        err("rbx: no snapshot given: use --snapshot PATH (a file, a folder or -), or --context NAME for a live "
            "cluster");
        code = kExitUsage;
        return std::nullopt;
    }
    std::vector<std::string> inputs;
    for (const auto& s : paths) {
        if (s != QLatin1String("-") && !QFileInfo::exists(s)) {
            err("rbx: " + s.toStdString() + ": no such file or folder");
            code = kExitUsage;
            return std::nullopt;
        }
        inputs.push_back(s.toStdString());
    }
    return inputs;
}

namespace {
std::string g_contextNamespace; // set once a live context is resolved
} // namespace

std::string defaultNamespace()
{
    return g_contextNamespace.empty() ? std::string("default") : g_contextNamespace;
}

bool isLive(const QCommandLineParser& p, const Common& c)
{
    return p.isSet(c.kubeconfig) || p.isSet(c.context) || p.isSet(c.live);
}

std::optional<cluster::ConnectionConfig> liveConnection(const QCommandLineParser& p, const Common& c, int& code)
{
    std::string error;
    const auto source = cluster::kubeconfigSourceFromEnvironment(p.value(c.kubeconfig).toStdString());
    const auto config = cluster::loadKubeconfig(source, &error);
    if (!config) {
        err("rbx: " + error);
        code = kExitUsage;
        return std::nullopt;
    }
    for (const auto& w : config->warnings)
        err("rbx: warning: " + w);
    auto connection = cluster::resolveContext(*config, p.value(c.context).toStdString(), &error);
    if (!connection) {
        err("rbx: " + error);
        code = kExitUsage;
        return std::nullopt;
    }
    for (const auto& w : connection->warnings)
        err("rbx: " + w);
    g_contextNamespace = connection->ns;
    return connection;
}

std::shared_ptr<const Snapshot> loadLive(const QCommandLineParser& p, const Common& c, int& code,
                                         cluster::PullResult* result, const cluster::ConnectionConfig* resolved)
{
    if (p.isSet(c.snapshot)) {
        err("rbx: give either --snapshot or a live cluster (--kubeconfig/--context/--live), not both");
        code = kExitUsage;
        return nullptr;
    }
    const auto connection = resolved ? std::optional<cluster::ConnectionConfig>(*resolved) : liveConnection(p, c, code);
    if (!connection)
        return nullptr;
    cluster::PullOptions options;
    const bool tty = isatty(fileno(stderr));
    if (tty)
        options.progress = [](const cluster::PullProgress& pr) {
            std::fprintf(stderr, "\r\033[Kreading %s: %zu (%d/%d resources)", pr.resource.c_str(), pr.items, pr.done,
                         pr.total);
            std::fflush(stderr);
        };
    auto pulled = cluster::pullSnapshot(*connection, options);
    if (tty)
        std::fputs("\r\033[K", stderr);
    if (!pulled.ok) {
        err("rbx: " + connection->context + ": " + pulled.error);
        code = kExitUsage;
        if (result)
            *result = std::move(pulled);
        return nullptr;
    }
    auto snapshot = pulled.snapshot;
    const bool quiet = p.isSet(c.quietLoad) && !p.isSet(c.strict);
    if (!quiet) {
        for (const auto& cov : pulled.coverage) {
            if (cov.state == cluster::ResourceCoverage::State::Complete
                || cov.state == cluster::ResourceCoverage::State::NotServed)
                continue;
            std::string line = "rbx: warning: " + cov.resource + ": " + cluster::coverageStateName(cov.state);
            if (!cov.forbiddenNamespaces.empty()) {
                line += " (forbidden in";
                for (const auto& ns : cov.forbiddenNamespaces)
                    line += ' ' + ns;
                line += ')';
            }
            err(line + "; " + cov.meaning);
        }
        for (const auto& d : snapshot->report.diagnostics)
            err(d.toString());
    }
    if (p.isSet(c.strict) && (!pulled.complete() || !snapshot->report.diagnostics.empty())) {
        err("rbx: the cluster could not be read in full and --strict is set");
        code = kExitUsage;
        return nullptr;
    }
    if (result)
        *result = std::move(pulled);
    return snapshot;
}

std::shared_ptr<const Snapshot> load(const QCommandLineParser& p, const Common& c, int& code)
{
    if (isLive(p, c))
        return loadLive(p, c, code);
    const auto inputs = snapshotInputs(p, c, code);
    if (!inputs)
        return nullptr;
    auto snapshot = io::loadSnapshot(*inputs);
    if (!p.isSet(c.quietLoad) || p.isSet(c.strict))
        for (const auto& d : snapshot->report.diagnostics)
            err(d.toString());
    if (p.isSet(c.strict) && !snapshot->report.diagnostics.empty()) {
        err("rbx: " + std::to_string(snapshot->report.diagnostics.size())
            + " load diagnostic(s) and --strict is set");
        code = kExitUsage;
        return nullptr;
    }
    return snapshot;
}

// The subject of --as/--as-group/--sa; false with a message if none or both.
bool identity(const QCommandLineParser& p, const Identity& id, UserInfo& user, int& code)
{
    std::string name;
    if (p.isSet(id.sa)) {
        auto u = serviceAccountShorthand(p.value(id.sa).toStdString());
        if (!u) {
            err("rbx: --sa expects NS:NAME with a valid namespace and name, got \"" + p.value(id.sa).toStdString()
                + '"');
            code = kExitUsage;
            return false;
        }
        name = *u;
        if (p.isSet(id.as) && p.value(id.as).toStdString() != name) {
            err("rbx: --sa and --as name different users");
            code = kExitUsage;
            return false;
        }
    } else if (p.isSet(id.as)) {
        name = p.value(id.as).toStdString();
    } else {
        err("rbx: say whom to evaluate: --as USER [--as-group GROUP]... or --sa NS:NAME");
        code = kExitUsage;
        return false;
    }
    std::vector<std::string> groups;
    for (const auto& g : p.values(id.asGroup))
        groups.push_back(g.toStdString());
    user = impersonate(name, groups);
    return true;
}


// VERB RESOURCE[/SUB] [NAME] or VERB /non-resource-url, scoped by -n/-A the way kubectl scopes it.
bool target(const QCommandLineParser& p, const Scope& sc, const QStringList& positional, const ResourceCatalog& catalog,
            Target& t, int& code)
{
    if (positional.size() < 2 || positional.size() > 3) {
        err("rbx: expected VERB RESOURCE[/SUBRESOURCE] [NAME] or VERB /NON-RESOURCE-URL");
        code = kExitUsage;
        return false;
    }
    const auto verb = positional[0].toStdString();
    const auto what = positional[1].toStdString();
    if (p.isSet(sc.ns) && p.isSet(sc.all)) {
        err("rbx: -n and -A exclude each other");
        code = kExitUsage;
        return false;
    }
    t.allNamespaces = p.isSet(sc.all);
    if (!what.empty() && what.front() == '/') {
        if (positional.size() == 3 || p.isSet(sc.subresource)) {
            err("rbx: a non-resource URL takes no name or subresource");
            code = kExitUsage;
            return false;
        }
        t.request.resourceRequest = false;
        t.request.nonResource = {what, verb};
        t.allNamespaces = false; // non-resource requests are cluster-scoped
        return true;
    }
    auto resolved = catalog.resolve(what);
    // A cluster-scoped resource is only ever requested with namespace "": RoleBindings cannot grant it.
    if (!resolved.namespaced)
        t.allNamespaces = false;
    std::string name = positional.size() == 3 ? positional[2].toStdString() : std::string();
    if (!resolved.subresource.empty()) {
        // kubectl reads TYPE/NAME; `pods/log` names a subresource. A known subresource (or an explicit NAME
        // argument) makes it a subresource; otherwise it is the name.
        const auto* type = catalog.find(resolved.group, resolved.resource);
        const bool knownSub = type
            && std::find(type->subresources.begin(), type->subresources.end(), resolved.subresource)
                != type->subresources.end();
        if (!knownSub && positional.size() < 3 && !p.isSet(sc.subresource)) {
            name = resolved.subresource;
            resolved.subresource.clear();
        }
    }
    if (p.isSet(sc.subresource)) {
        if (!resolved.subresource.empty()) {
            err("rbx: the subresource is given twice");
            code = kExitUsage;
            return false;
        }
        resolved.subresource = p.value(sc.subresource).toStdString();
    }
    if (!resolved.known)
        t.warnings.push_back("Warning: the snapshot's catalogue has no resource type \"" + what + '"');
    if (resolved.known && !resolved.namespaced && p.isSet(sc.ns)) // as kubectl warns (kubernetes#76014)
        t.warnings.push_back("Warning: resource '" + resolved.resource + "' is not namespace scoped");
    auto& ra = t.request.resource;
    ra.verb = verb;
    ra.group = resolved.group;
    ra.resource = resolved.resource;
    ra.subresource = resolved.subresource;
    ra.name = name;
    if (t.allNamespaces || !resolved.namespaced)
        ra.ns.clear();
    else
        ra.ns = p.isSet(sc.ns) ? p.value(sc.ns).toStdString() : defaultNamespace();
    return true;
}

std::string chain(const Policy& policy, const Grant& g)
{
    const auto& s = policy.snapshot();
    const auto& b = s.bindings[g.binding];
    const auto& role = s.roles[g.role];
    const auto& er = policy.effectiveRules(g.role)[g.rule];
    const auto& source = s.roles[er.sourceRole];
    std::string text = (b.cluster ? "ClusterRoleBinding " + b.meta.name : "RoleBinding " + b.meta.ns + '/' + b.meta.name)
        + " -> " + (role.cluster ? "ClusterRole " : "Role ") + role.meta.name;
    if (er.sourceRole != g.role)
        text += " (aggregated from ClusterRole " + source.meta.name + ')';
    const auto& r = er.rule;
    text += " -> rule #" + std::to_string(er.sourceRuleIndex + 1) + ": verbs=" + goList(r.verbs);
    if (!r.nonResourceURLs.empty()) {
        text += " nonResourceURLs=" + goList(r.nonResourceURLs);
    } else {
        text += " apiGroups=" + goList(r.apiGroups) + " resources=" + goList(r.resources);
        if (!r.resourceNames.empty())
            text += " resourceNames=" + goList(r.resourceNames);
    }
    text += "  [" + b.meta.source.file + ':' + std::to_string(b.meta.source.line) + ']';
    return text;
}

void printJson(const QJsonValue& v)
{
    QJsonDocument doc = v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    out(doc.toJson(QJsonDocument::Indented).toStdString());
}

std::vector<CommandInfo>& commandRegistry()
{
    static std::vector<CommandInfo> commands;
    return commands;
}

RegisterCommand::RegisterCommand(const char* name, const char* summary, int (*run)(const QStringList&))
{
    commandRegistry().push_back({name, summary, run});
}

} // namespace rbx::cli
