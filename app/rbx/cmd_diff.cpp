// SPDX-License-Identifier: Apache-2.0
// rbx diff: two subjects, one subject across two snapshots, or two whole snapshots. Exit 0 when equal, 1 when
// different (like diff(1)), 2 on errors.
#include "app/rbx/cli.h"

#include "models/analysis/diff.h"
#include "models/analysis/explain.h"
#include "models/analysis/identity.h"
#include "models/io/diffexport.h"
#include "models/io/snapshotloader.h"

#include <QFileInfo>

namespace rbx::cli {

namespace {

std::optional<SubjectRef> parseSubject(const QString& kind, const QString& value)
{
    const auto v = value.toStdString();
    if (kind == QLatin1String("sa")) {
        const auto user = serviceAccountShorthand(v);
        if (!user)
            return std::nullopt;
        const auto sa = parseServiceAccountUsername(*user);
        return SubjectRef {SubjectKind::ServiceAccount, sa->ns, sa->name};
    }
    if (kind == QLatin1String("user")) {
        if (const auto sa = parseServiceAccountUsername(v))
            return SubjectRef {SubjectKind::ServiceAccount, sa->ns, sa->name};
        return SubjectRef {SubjectKind::User, {}, v};
    }
    if (kind == QLatin1String("group"))
        return SubjectRef {SubjectKind::Group, {}, v};
    return std::nullopt;
}

std::string accessText(Access a, const std::vector<std::string>& names)
{
    if (a != Access::Partial)
        return accessName(a);
    std::string s = "partial(";
    for (std::size_t i = 0; i < names.size(); ++i)
        s += (i ? "," : "") + names[i];
    return s + ')';
}

std::string subjectTable(const SubjectDiff& d)
{
    std::string text = "A: " + d.a.display() + "   B: " + d.b.display() + '\n';
    if (d.equal())
        return text + "equal (" + std::to_string(d.sameAllowed) + " allowed cells on both sides)\n";
    // One line per scope and resource: the verbs only one side has (partial access shows its names).
    std::vector<std::vector<std::string>> rows {{"SCOPE", "RESOURCE", "ONLY A", "ONLY B"}};
    for (std::size_t i = 0; i < d.cells.size();) {
        const auto& first = d.cells[i];
        std::string onlyA;
        std::string onlyB;
        std::size_t j = i;
        for (; j < d.cells.size() && d.cells[j].ns == first.ns && d.cells[j].group == first.group
             && d.cells[j].resource == first.resource;
             ++j) {
            const auto& c = d.cells[j];
            auto& side = c.a > c.b ? onlyA : onlyB;
            const auto& names = c.a > c.b ? c.namesA : c.namesB;
            side += (side.empty() ? "" : " ") + c.verb
                + (std::max(c.a, c.b) == Access::Partial ? accessText(Access::Partial, names).substr(7) : std::string());
            if (c.a == Access::Partial && c.b == Access::Partial)
                side += "(names differ)";
        }
        rows.push_back({first.ns.empty() ? std::string("cluster") : first.ns,
                        first.group.empty() ? first.resource : first.resource + '.' + first.group,
                        onlyA.empty() ? "-" : onlyA, onlyB.empty() ? "-" : onlyB});
        i = j;
    }
    if (!d.cells.empty())
        text += table(rows);
    auto list = [&](const char* what, const ChangeList& c) {
        for (const auto& x : c.onlyA)
            text += std::string("only A ") + what + ": " + x + '\n';
        for (const auto& x : c.onlyB)
            text += std::string("only B ") + what + ": " + x + '\n';
    };
    const auto& s = d.structure;
    list("binding", s.bindings);
    list("role", s.roles);
    list("token", s.tokens);
    list("workload", s.workloads);
    if (s.automountA != s.automountB)
        text += "automount: A " + s.automountA + ", B " + s.automountB + '\n';
    return text;
}

int cmdDiff(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Compare access: two subjects, one subject across two snapshots, or every ServiceAccount of two snapshots.\n\n"
        "Usage:\n"
        "  rbx diff --sa NS:A --sa NS:B --snapshot X [-n NS|--cluster|-A] [-o table|json|yaml|markdown|html]\n"
        "  rbx diff --sa NS:NAME --snapshot X --against Y      (the same subject before and after)\n"
        "  rbx diff --sa NS:A --sa NS:B --snapshot X --against Y  (A in X, B in Y)\n"
        "  rbx diff --snapshot X --against Y                   (every ServiceAccount, plus changed objects)\n\n"
        "Subjects: --sa NS:NAME, --user NAME, --group NAME (repeatable; A is the first, B the second, in the order "
        "--sa, --user, --group). A ServiceAccount is evaluated with its groups (system:serviceaccounts, "
        "system:serviceaccounts:NS, system:authenticated).\n"
        "Scope: every namespace with RoleBindings plus cluster scope (default, same as -A), one namespace (-n), or "
        "cluster scope only (--cluster). A namespace is reported only where its RoleBindings change something.\n"
        "Exit code: 0 equal, 1 different, 2 error."));
    Common c;
    addCommon(p, c);
    QCommandLineOption against(QStringLiteral("against"), QStringLiteral("Second snapshot (B side); repeatable."),
                               QStringLiteral("PATH"));
    QCommandLineOption sa(QStringLiteral("sa"), QStringLiteral("ServiceAccount subject NS:NAME (repeatable)."),
                          QStringLiteral("NS:NAME"));
    QCommandLineOption user(QStringLiteral("user"), QStringLiteral("User subject (repeatable)."), QStringLiteral("NAME"));
    QCommandLineOption group(QStringLiteral("group"), QStringLiteral("Group subject (repeatable)."),
                             QStringLiteral("NAME"));
    QCommandLineOption ns({QStringLiteral("n"), QStringLiteral("namespace")}, QStringLiteral("Compare one namespace."),
                          QStringLiteral("NS"));
    QCommandLineOption all({QStringLiteral("A"), QStringLiteral("all-namespaces")},
                           QStringLiteral("Cluster scope and every namespace with RoleBindings (the default)."));
    QCommandLineOption cluster(QStringLiteral("cluster"), QStringLiteral("Cluster scope only."));
    QCommandLineOption verbs(QStringLiteral("verbs"), QStringLiteral("Comma-separated verbs (default: the matrix's)."),
                             QStringLiteral("VERBS"));
    QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                              QStringLiteral("table, json, yaml, markdown or html."), QStringLiteral("FORMAT"),
                              QStringLiteral("table"));
    QCommandLineOption showSame(QStringLiteral("show-same"),
                                QStringLiteral("JSON/YAML: also list the cells both sides have (\"same\"), with "
                                               "their provenance on each side."));
    p.addOptions({against, sa, user, group, ns, all, cluster, verbs, output, showSame});
    int code = 0;
    if (!parse(p, QStringLiteral("diff"), args, code))
        return code;
    const auto fmt = p.value(output);
    const QStringList formats {QStringLiteral("table"), QStringLiteral("json"), QStringLiteral("yaml"),
                               QStringLiteral("markdown"), QStringLiteral("html")};
    if (!formats.contains(fmt)) {
        err("rbx: --output must be table, json, yaml, markdown or html");
        return kExitUsage;
    }
    if (int(p.isSet(ns)) + int(p.isSet(all)) + int(p.isSet(cluster)) > 1) {
        err("rbx: -n, -A and --cluster exclude each other");
        return kExitUsage;
    }
    std::vector<SubjectRef> subjects;
    for (const auto& [option, kind] : {std::pair {&sa, "sa"}, std::pair {&user, "user"}, std::pair {&group, "group"}})
        for (const auto& v : p.values(*option)) {
            auto ref = parseSubject(QString::fromLatin1(kind), v);
            if (!ref) {
                err("rbx: --" + std::string(kind) + " expects NS:NAME with a valid namespace and name, got \""
                    + v.toStdString() + '"');
                return kExitUsage;
            }
            subjects.push_back(*ref);
        }
    if (subjects.size() > 2) {
        err("rbx: diff compares two subjects; got " + std::to_string(subjects.size()));
        return kExitUsage;
    }
    if (!p.isSet(against) && subjects.size() != 2) {
        err("rbx: say what to compare: two subjects (--sa A --sa B), or a second snapshot (--against PATH)");
        return kExitUsage;
    }
    auto before = load(p, c, code);
    if (!before)
        return code;
    std::shared_ptr<const Snapshot> afterSnapshot;
    if (p.isSet(against)) {
        std::vector<std::string> inputs;
        for (const auto& path : p.values(against)) {
            if (path != QLatin1String("-") && !QFileInfo::exists(path)) {
                err("rbx: " + path.toStdString() + ": no such file or folder");
                return kExitUsage;
            }
            inputs.push_back(path.toStdString());
        }
        afterSnapshot = io::loadSnapshot(inputs);
        for (const auto& d : afterSnapshot->report.diagnostics)
            err(d.toString());
        if (p.isSet(c.strict) && !afterSnapshot->report.diagnostics.empty())
            return kExitUsage;
    }
    const Policy policyA(before);
    const auto policyBHolder = afterSnapshot ? std::make_unique<Policy>(afterSnapshot) : nullptr;
    const Policy& policyB = policyBHolder ? *policyBHolder : policyA;

    DiffOptions options;
    if (p.isSet(ns))
        options.scopes = {p.value(ns).toStdString()};
    else if (p.isSet(cluster))
        options.scopes = {std::string()};
    if (p.isSet(verbs)) {
        options.verbs.clear();
        for (const auto& v : p.value(verbs).split(u',', Qt::SkipEmptyParts))
            options.verbs.push_back(v.trimmed().toStdString());
    }

    QJsonObject json;
    std::string markdown;
    std::string text;
    bool equal = false;
    if (subjects.empty()) {
        const auto d = diffSnapshots(policyA, policyB, options);
        equal = d.equal();
        json = io::snapshotDiffJson(policyA, policyB, d);
        if (fmt == QLatin1String("markdown") || fmt == QLatin1String("html"))
            markdown = io::snapshotDiffMarkdown(policyA, policyB, d);
        if (fmt == QLatin1String("table")) {
            if (equal)
                text = "equal\n";
            for (const auto& s : d.addedServiceAccounts)
                text += "new ServiceAccount: " + s + '\n';
            for (const auto& s : d.removedServiceAccounts)
                text += "removed ServiceAccount: " + s + '\n';
            if (!d.objects.empty()) {
                std::vector<std::vector<std::string>> rows {{"KIND", "OBJECT", "CHANGE"}};
                for (const auto& o : d.objects)
                    rows.push_back({o.kind, o.ns.empty() ? o.name : o.ns + '/' + o.name, o.change});
                text += table(rows);
            }
            if (!d.tokens.empty()) {
                text += "\nLegacy tokens:\n";
                for (const auto& t : d.tokens)
                    text += "  " + t.ns + '/' + t.secret + " (" + t.serviceAccount + "): " + t.text() + '\n';
            }
            auto findings = [&](const char* title, const std::vector<Finding>& v) {
                if (v.empty())
                    return;
                text += std::string("\n") + title + ":\n";
                std::vector<std::vector<std::string>> rows {{"SEVERITY", "RULE", "OBJECT", "FINDING"}};
                for (const auto& f : v)
                    rows.push_back({severityName(f.severity), f.ruleId,
                                    f.object.kind + ' ' + (f.object.ns.empty() ? f.object.name : f.object.ns + '/' + f.object.name),
                                    f.title});
                text += table(rows);
            };
            findings("New findings", d.newFindings);
            findings("Resolved findings", d.goneFindings);
            for (const auto& s : d.serviceAccounts)
                text += '\n' + subjectTable(s);
        }
    } else {
        const auto& a = subjects.front();
        const auto& b = subjects.size() == 2 ? subjects.back() : subjects.front();
        const auto d = diffSubjects(policyA, a, policyB, b, options);
        equal = d.equal();
        json = io::subjectDiffJson(policyA, policyB, d, p.isSet(showSame));
        if (fmt == QLatin1String("markdown") || fmt == QLatin1String("html"))
            markdown = "# Access diff\n\n" + io::subjectDiffMarkdown(policyA, policyB, d);
        if (fmt == QLatin1String("table"))
            text = subjectTable(d);
    }
    if (fmt == QLatin1String("json"))
        printJson(json);
    else if (fmt == QLatin1String("yaml"))
        out(io::jsonToYaml(json));
    else if (fmt == QLatin1String("markdown"))
        out(markdown);
    else if (fmt == QLatin1String("html"))
        out(io::markdownToHtml(markdown, "RBAC Explorer diff"));
    else
        out(text);
    return equal ? kExitOk : kExitNo;
}

const RegisterCommand registration {"diff", "Compare two subjects, or a subject or every SA across two snapshots",
                                    &cmdDiff};

} // namespace

} // namespace rbx::cli
