// SPDX-License-Identifier: Apache-2.0
// rbx findings: what is wrong (table, JSON, SARIF for CI), and rbx remediate: reviewed fixes as a kustomize overlay.
#include "app/rbx/cli.h"

#include "models/analysis/findings.h"
#include "models/analysis/posture.h"
#include "models/analysis/remediation.h"
#include "models/io/kustomize.h"
#include "models/io/sarif.h"
#include "models/io/waivers.h"

#include <QCommandLineParser>
#include <QDate>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

#include <algorithm>
#include <set>

namespace rbx::cli {

namespace {

struct FindingOptions
{
    QCommandLineOption waivers {QStringLiteral("waivers"),
                                QStringLiteral("Waivers file (default: <snapshot>.rbx-waivers.yaml, or "
                                               ".rbx-waivers.yaml inside a snapshot folder)."),
                                QStringLiteral("FILE")};
    QCommandLineOption asOf {QStringLiteral("as-of"),
                             QStringLiteral("Judge the snapshot at this date, YYYY-MM-DD (default: the latest date "
                                            "the snapshot records)."),
                             QStringLiteral("DATE")};
    QCommandLineOption staleDays {QStringLiteral("stale-days"),
                                  QStringLiteral("A legacy token unused this many days is stale (default 90)."),
                                  QStringLiteral("DAYS"), QStringLiteral("90")};
};

void addFindingOptions(QCommandLineParser& p, const FindingOptions& o)
{
    p.addOptions({o.waivers, o.asOf, o.staleDays});
}

bool findingsOptions(const QCommandLineParser& p, const FindingOptions& o, FindingsOptions& out, int& code)
{
    if (p.isSet(o.asOf)) {
        const auto d = QDate::fromString(p.value(o.asOf), Qt::ISODate);
        if (!d.isValid()) {
            err("rbx: --as-of expects YYYY-MM-DD");
            code = kExitUsage;
            return false;
        }
        out.asOf = d.toString(Qt::ISODate).toStdString();
    }
    bool ok = false;
    out.staleDays = p.value(o.staleDays).toInt(&ok);
    if (!ok || out.staleDays < 1) {
        err("rbx: --stale-days expects a positive number");
        code = kExitUsage;
        return false;
    }
    return true;
}

std::string waiversPath(const QCommandLineParser& p, const Common& c, const FindingOptions& o)
{
    if (p.isSet(o.waivers))
        return p.value(o.waivers).toStdString();
    std::vector<std::string> inputs;
    for (const auto& s : p.values(c.snapshot))
        inputs.push_back(s.toStdString());
    return io::waiversPathFor(inputs);
}

// Loads findings with waivers applied; false with the exit code on errors.
bool loadFindings(const QCommandLineParser& p, const Common& c, const FindingOptions& o,
                  std::shared_ptr<const Policy>& policy, std::vector<Finding>& findings, FindingsOptions& opts,
                  std::string& waiverFile, io::WaiverSet& waivers, int& code)
{
    if (!findingsOptions(p, o, opts, code))
        return false;
    auto snapshot = load(p, c, code);
    if (!snapshot)
        return false;
    policy = std::make_shared<const Policy>(snapshot);
    findings = computeFindings(*policy, opts);
    waiverFile = waiversPath(p, c, o);
    std::string error;
    auto set = io::loadWaivers(waiverFile, &error);
    if (!set) {
        err("rbx: " + error);
        code = kExitUsage;
        return false;
    }
    waivers = *set;
    io::applyWaivers(findings, waivers);
    return true;
}

std::string shortObject(const ObjectLink& o)
{
    return o.kind + '/' + (o.ns.empty() ? std::string() : o.ns + '/') + o.name;
}

int cmdFindings(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "What is wrong with the ServiceAccounts and RBAC of a snapshot: one finding per problem, with a stable ID "
        "(RULE:OBJECT), a severity, the objects and binding -> role -> rule chains behind it, and what to do.\n\n"
        "Usage: rbx findings --snapshot PATH... [-o table|json|sarif] [--fail-on SEVERITY] [--min-severity S]\n"
        "                    [--rule ID]... [-n NS] [--show-waived] [--posture] [--explain ID]\n"
        "       rbx findings --snapshot PATH --waive ID --note TEXT   (record a reviewed finding)\n"
        "       rbx findings --snapshot PATH --unwaive ID\n\n"
        "Severities: critical, high, medium, low, info. Waived findings (see --waivers) are left out of the table "
        "and of --fail-on; JSON marks them, SARIF carries them as accepted suppressions.\n"
        "Exit code: 0, or 1 when an open finding is at or above --fail-on; 2 on errors."));
    Common c;
    addCommon(p, c);
    FindingOptions fo;
    addFindingOptions(p, fo);
    QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("table, json or sarif."),
                              QStringLiteral("FORMAT"), QStringLiteral("table"));
    QCommandLineOption failOn(QStringLiteral("fail-on"),
                              QStringLiteral("Exit 1 if an open finding has this severity or worse (default: none)."),
                              QStringLiteral("SEVERITY"), QStringLiteral("none"));
    QCommandLineOption minSeverity(QStringLiteral("min-severity"),
                                   QStringLiteral("Report only findings of this severity or worse (default: info)."),
                                   QStringLiteral("SEVERITY"), QStringLiteral("info"));
    QCommandLineOption rule(QStringLiteral("rule"), QStringLiteral("Only this rule (repeatable), e.g. RBX-SA-001."),
                            QStringLiteral("ID"));
    QCommandLineOption ns({QStringLiteral("n"), QStringLiteral("namespace")},
                          QStringLiteral("Only findings about this namespace."), QStringLiteral("NS"));
    QCommandLineOption showWaived(QStringLiteral("show-waived"), QStringLiteral("Table: include waived findings."));
    QCommandLineOption posture(QStringLiteral("posture"),
                               QStringLiteral("Print the posture overview: the eight ServiceAccount practices."));
    QCommandLineOption explain(QStringLiteral("explain"),
                               QStringLiteral("Print one finding in full: explanation, evidence, chains, runbook, "
                                              "fixes."),
                               QStringLiteral("ID"));
    QCommandLineOption waive(QStringLiteral("waive"), QStringLiteral("Waive this finding (with --note)."),
                             QStringLiteral("ID"));
    QCommandLineOption unwaive(QStringLiteral("unwaive"), QStringLiteral("Remove the waiver of this finding."),
                               QStringLiteral("ID"));
    QCommandLineOption note(QStringLiteral("note"), QStringLiteral("Why the finding is accepted."),
                            QStringLiteral("TEXT"));
    QCommandLineOption by(QStringLiteral("by"), QStringLiteral("Who reviewed it (for --waive)."),
                          QStringLiteral("NAME"));
    p.addOptions({output, failOn, minSeverity, rule, ns, showWaived, posture, explain, waive, unwaive, note, by});
    int code = 0;
    if (!parse(p, QStringLiteral("findings"), args, code))
        return code;
    const auto fmt = p.value(output);
    if (fmt != QLatin1String("table") && fmt != QLatin1String("json") && fmt != QLatin1String("sarif")) {
        err("rbx: --output must be table, json or sarif");
        return kExitUsage;
    }
    std::optional<Severity> failLevel;
    if (p.value(failOn).toLower() != QLatin1String("none")) {
        failLevel = parseSeverity(p.value(failOn).toStdString());
        if (!failLevel) {
            err("rbx: --fail-on expects none, info, low, medium, high or critical");
            return kExitUsage;
        }
    }
    const auto minLevel = parseSeverity(p.value(minSeverity).toStdString());
    if (!minLevel) {
        err("rbx: --min-severity expects info, low, medium, high or critical");
        return kExitUsage;
    }
    for (const auto& r : p.values(rule))
        if (!findingRule(r.toStdString())) {
            err("rbx: unknown rule \"" + r.toStdString() + "\"");
            return kExitUsage;
        }
    if (p.isSet(waive) && !p.isSet(note)) {
        err("rbx: --waive needs --note saying why the finding is accepted");
        return kExitUsage;
    }

    std::shared_ptr<const Policy> policy;
    std::vector<Finding> findings;
    FindingsOptions opts;
    std::string waiverFile;
    io::WaiverSet waivers;
    if (!loadFindings(p, c, fo, policy, findings, opts, waiverFile, waivers, code))
        return code;
    const auto asOf = opts.asOf.empty() ? snapshotDate(policy->snapshot()) : opts.asOf;

    if (p.isSet(waive) || p.isSet(unwaive)) {
        if (waiverFile.empty()) {
            err("rbx: the snapshot comes from stdin: give --waivers FILE");
            return kExitUsage;
        }
        if (p.isSet(waive)) {
            const auto id = p.value(waive).toStdString();
            if (std::none_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; })) {
                err("rbx: no finding \"" + id + "\" in this snapshot");
                return kExitUsage;
            }
            waivers.set({id, p.value(note).toStdString(), QDate::currentDate().toString(Qt::ISODate).toStdString(),
                         p.value(by).toStdString()});
        } else if (!waivers.remove(p.value(unwaive).toStdString())) {
            err("rbx: no waiver for \"" + p.value(unwaive).toStdString() + "\"");
            return kExitUsage;
        }
        std::string error;
        if (!io::saveWaivers(waiverFile, waivers, &error)) {
            err("rbx: " + error);
            return kExitUsage;
        }
        out(std::string(p.isSet(waive) ? "waived " : "unwaived ")
            + (p.isSet(waive) ? p.value(waive) : p.value(unwaive)).toStdString() + " in " + waiverFile + '\n');
        return kExitOk;
    }

    if (p.isSet(explain)) {
        const auto id = p.value(explain).toStdString();
        auto it = std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
        if (it == findings.end()) {
            err("rbx: no finding \"" + id + "\" in this snapshot");
            return kExitUsage;
        }
        const auto* r = findingRule(it->ruleId);
        std::string text = it->id + "\n" + severityName(it->severity) + ": " + it->title + "\n\n" + it->explanation
            + "\n\n" + r->description + "\n\nEvidence:\n";
        for (const auto& e : it->evidence)
            text += "  " + e.relation + ": " + shortObject(e.object) + (e.detail.empty() ? "" : " (" + e.detail + ')')
                + '\n';
        if (!it->chains.empty()) {
            text += "\nChains:\n";
            for (const auto& ch : it->chains)
                text += "  " + ch + '\n';
        }
        text += "\nWhat to do:\n" + std::string(r->runbook) + "\n";
        const auto fixes = fixesFor(*policy, *it);
        text += "\nFixes (rbx remediate --fix ID):\n";
        if (fixes.empty())
            text += "  none generated: " + noFixReason(*policy, *it) + '\n';
        for (const auto& f : fixes)
            text += "  " + f.id + "  " + f.title + '\n';
        if (it->waived)
            text += "\nWaived: " + it->waiverNote + '\n';
        out(text);
        return kExitOk;
    }

    // Filters.
    std::set<std::string> rules;
    for (const auto& r : p.values(rule))
        rules.insert(r.toStdString());
    std::vector<Finding> shown;
    for (const auto& f : findings) {
        if (f.severity < *minLevel || (!rules.empty() && !rules.count(f.ruleId))
            || (p.isSet(ns) && f.ns != p.value(ns).toStdString()))
            continue;
        shown.push_back(f);
    }

    if (p.isSet(posture)) {
        const auto pos = computePosture(*policy, findings, opts);
        if (fmt == QLatin1String("json")) {
            QJsonArray practices;
            for (const auto& pr : pos.practices)
                practices.append(QJsonObject {{QStringLiteral("number"), pr.number},
                                              {QStringLiteral("title"), qs(pr.title)},
                                              {QStringLiteral("pass"), pr.pass},
                                              {QStringLiteral("failing"), static_cast<qint64>(pr.failing)},
                                              {QStringLiteral("total"), static_cast<qint64>(pr.total)},
                                              {QStringLiteral("summary"), qs(pr.summary)},
                                              {QStringLiteral("rules"), jsonList(pr.rules)},
                                              {QStringLiteral("findings"), jsonList(pr.findings)}});
            QJsonArray metrics;
            for (const auto& m : pos.metrics)
                metrics.append(QJsonObject {{QStringLiteral("name"), qs(m.name)},
                                            {QStringLiteral("clusterMetric"), qs(m.clusterMetric)},
                                            {QStringLiteral("value"), static_cast<qint64>(m.value)},
                                            {QStringLiteral("detail"), qs(m.detail)}});
            printJson(QJsonObject {{QStringLiteral("asOf"), qs(pos.asOf)},
                                   {QStringLiteral("practices"), practices},
                                   {QStringLiteral("metrics"), metrics}});
        } else {
            std::vector<std::vector<std::string>> t {{"#", "PRACTICE", "STATUS", "SUMMARY"}};
            for (const auto& pr : pos.practices)
                t.push_back({std::to_string(pr.number), pr.title, pr.pass ? "pass" : "FAIL", pr.summary});
            out("Posture as of " + pos.asOf + ": " + std::to_string(pos.passing()) + " of "
                + std::to_string(pos.practices.size()) + " practices pass\n\n" + table(t) + '\n');
            std::vector<std::vector<std::string>> m {{"METRIC", "VALUE", "CLUSTER METRIC", "MEANING"}};
            for (const auto& x : pos.metrics)
                m.push_back({x.name, std::to_string(x.value), x.clusterMetric.empty() ? "-" : x.clusterMetric, x.detail});
            out(table(m));
        }
    } else if (fmt == QLatin1String("sarif")) {
        printJson(io::sarifLog(shown, RBX_VERSION));
    } else if (fmt == QLatin1String("json")) {
        printJson(io::findingsJson(shown, asOf));
    } else {
        std::vector<std::vector<std::string>> t {{"SEVERITY", "ID", "FINDING"}};
        std::size_t waived = 0;
        for (const auto& f : shown) {
            if (f.waived && !p.isSet(showWaived)) {
                ++waived;
                continue;
            }
            t.push_back({std::string(severityName(f.severity)) + (f.waived ? " (waived)" : ""), f.id, f.title});
        }
        out(table(t));
        std::map<Severity, std::size_t> counts;
        for (const auto& f : shown)
            if (!f.waived)
                ++counts[f.severity];
        std::string summary = "\n" + std::to_string(shown.size() - waived) + " finding(s)";
        std::string parts;
        for (auto s : {Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info})
            if (counts[s])
                parts += (parts.empty() ? "" : ", ") + std::to_string(counts[s]) + ' ' + severityName(s);
        if (!parts.empty())
            summary += ": " + parts;
        if (waived)
            summary += "; " + std::to_string(waived) + " waived (--show-waived)";
        out(summary + ". As of " + asOf + ". rbx findings --explain ID for details, rbx remediate for fixes.\n");
    }
    if (failLevel)
        for (const auto& f : shown)
            if (!f.waived && f.severity >= *failLevel)
                return kExitNo;
    return kExitOk;
}

int cmdRemediate(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Generate reviewed fixes for findings, as YAML against the snapshot's objects.\n\n"
        "Usage: rbx remediate --snapshot PATH... (--finding ID... | --fix ID... | --all) [--all-fixes] -o DIR|FILE.yaml\n"
        "       rbx remediate --snapshot PATH... --list [--finding ID... | --all]\n\n"
        "--finding takes a finding ID (RULE:OBJECT, see rbx findings) or a rule ID (all its open findings); --all "
        "takes every open finding. Each finding gets its first fix unless --all-fixes, or --fix names one.\n\n"
        "-o DIR writes a kustomize overlay: DIR/kustomization.yaml, DIR/base/ (the affected objects as the snapshot "
        "recorded them, never Secret data), DIR/patches/ (one JSON patch per changed object, with a header naming "
        "the findings, the reasons and the kubectl patch command), DIR/new/ (new objects), DIR/delete.yaml (for "
        "kubectl delete -f) and DIR/REPORT.md. `kubectl kustomize DIR` renders the fixed objects; it uses resources "
        "and patchesJson6902 only, each patch's target naming kind, name and namespace, which kubectl 1.20 and "
        "current kubectl both read and resolve alike.\n"
        "-o FILE.yaml (or .yml) writes the fixed objects, rendered, as one multi-document YAML."));
    Common c;
    addCommon(p, c);
    FindingOptions fo;
    addFindingOptions(p, fo);
    QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                              QStringLiteral("A folder for the overlay, or FILE.yaml for the rendered objects."),
                              QStringLiteral("PATH"));
    QCommandLineOption finding(QStringLiteral("finding"), QStringLiteral("Finding or rule ID (repeatable)."),
                               QStringLiteral("ID"));
    QCommandLineOption fix(QStringLiteral("fix"), QStringLiteral("Fix ID (repeatable), as --list shows them."),
                           QStringLiteral("ID"));
    QCommandLineOption allFixes(QStringLiteral("all-fixes"),
                                QStringLiteral("Every fix of each finding, not only the first (alternatives may "
                                               "overlap)."));
    QCommandLineOption list(QStringLiteral("list"), QStringLiteral("List the fixes instead of writing them."));
    QCommandLineOption force(QStringLiteral("force"), QStringLiteral("Write into a folder that is not empty."));
    QCommandLineOption all(QStringLiteral("all"), QStringLiteral("Every open (not waived) finding."));
    p.addOptions({output, finding, fix, allFixes, list, force, all});
    int code = 0;
    if (!parse(p, QStringLiteral("remediate"), args, code))
        return code;
    if (!p.isSet(list) && !p.isSet(output)) {
        err("rbx: say where to write: -o DIR (kustomize overlay) or -o FILE.yaml (rendered objects)");
        return kExitUsage;
    }
    std::shared_ptr<const Policy> policy;
    std::vector<Finding> findings;
    FindingsOptions opts;
    std::string waiverFile;
    io::WaiverSet waivers;
    if (!loadFindings(p, c, fo, policy, findings, opts, waiverFile, waivers, code))
        return code;

    // Which findings, which fixes.
    std::vector<const Finding*> selected;
    const auto wanted = p.values(finding);
    for (const auto& w : wanted) {
        const auto id = w.toStdString();
        bool any = false;
        for (const auto& f : findings)
            if (f.id == id || (f.ruleId == id && !f.waived)) {
                if (std::find(selected.begin(), selected.end(), &f) == selected.end())
                    selected.push_back(&f);
                any = true;
            }
        if (!any) {
            err("rbx: no " + std::string(findingRule(id) ? "open finding of rule" : "finding") + " \"" + id + "\"");
            return kExitUsage;
        }
    }
    if (p.isSet(all) || (p.isSet(list) && wanted.isEmpty()))
        for (const auto& f : findings)
            if (!f.waived && std::find(selected.begin(), selected.end(), &f) == selected.end())
                selected.push_back(&f);
    if (selected.empty() && !p.isSet(fix) && !p.isSet(list)) {
        err("rbx: say what to fix: --finding ID (a finding or rule ID), --fix ID, or --all");
        return kExitUsage;
    }
    std::vector<Fix> fixes;
    std::set<std::string> fixIds;
    for (const auto& x : p.values(fix))
        fixIds.insert(x.toStdString());
    std::set<std::string> found;
    auto candidates = [&](const Finding& f) { return fixesFor(*policy, f); };
    if (p.isSet(list)) {
        std::vector<std::vector<std::string>> t {{"FIX", "FINDING", "WHAT"}};
        for (const auto* f : selected)
            for (const auto& x : candidates(*f))
                t.push_back({x.id, f->id, x.title});
        out(table(t));
        return kExitOk;
    }
    if (!fixIds.empty()) {
        for (const auto& f : findings)
            for (auto& x : candidates(f))
                if (fixIds.count(x.id) && !found.count(x.id)) {
                    found.insert(x.id);
                    fixes.push_back(std::move(x));
                }
        for (const auto& id : fixIds)
            if (!found.count(id)) {
                err("rbx: no fix \"" + id + "\" (rbx remediate --list shows them)");
                return kExitUsage;
            }
    }
    for (const auto* f : selected) {
        auto cands = candidates(*f);
        if (cands.empty())
            continue;
        if (p.isSet(allFixes)) {
            for (auto& x : cands)
                if (found.insert(x.id).second)
                    fixes.push_back(std::move(x));
        } else if (found.insert(cands.front().id).second) {
            fixes.push_back(std::move(cands.front()));
        }
    }
    if (fixes.empty()) {
        err("rbx: nothing to fix: the selected findings have no generated fix");
        return kExitNo;
    }
    const auto plan = planRemediation(*policy, findings, fixes);
    const auto target = p.value(output);
    std::string error;
    if (target.endsWith(QLatin1String(".yaml")) || target.endsWith(QLatin1String(".yml"))) {
        if (!io::writeText(target.toStdString(), io::afterStateYaml(plan), &error)) {
            err("rbx: " + error);
            return kExitUsage;
        }
    } else {
        const QDir dir(target);
        if (dir.exists() && !dir.isEmpty() && !p.isSet(force)) {
            err("rbx: " + target.toStdString() + " is not empty (use --force to write into it)");
            return kExitUsage;
        }
        if (!io::writeOverlay(target.toStdString(), plan, &error)) {
            err("rbx: " + error);
            return kExitUsage;
        }
    }
    std::string summary = "wrote " + target.toStdString() + ": " + std::to_string(plan.fixes.size()) + " fix(es) for "
        + std::to_string(plan.findingIds().size()) + " finding(s); " + std::to_string(plan.patchSteps().size())
        + " change(s) to " + std::to_string(plan.base.size()) + " object(s), " + std::to_string(plan.created().size())
        + " new object(s), "
        + std::to_string(plan.deletions.size()) + " deletion(s)";
    if (!plan.skipped.empty())
        summary += "; " + std::to_string(plan.skipped.size())
            + " change(s) left out as duplicates or covered by other fixes (REPORT.md lists them)";
    out(summary + '\n');
    return kExitOk;
}

RegisterCommand regFindings {"findings", "Findings: what is wrong, with evidence and runbook (-o table|json|sarif)",
                             &cmdFindings};
RegisterCommand regRemediate {"remediate", "Fixes for findings as a kustomize overlay or rendered YAML",
                              &cmdRemediate};

} // namespace

} // namespace rbx::cli
