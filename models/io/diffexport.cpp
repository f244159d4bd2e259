// SPDX-License-Identifier: Apache-2.0
#include "models/io/diffexport.h"

#include "models/analysis/explain.h"
#include "models/io/matrixexport.h"

#include <QJsonArray>

#include <yaml-cpp/yaml.h>

namespace rbx::io {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QJsonArray list(const std::vector<std::string>& v)
{
    QJsonArray a;
    for (const auto& s : v)
        a.append(qs(s));
    return a;
}

QJsonObject changes(const ChangeList& c)
{
    return {{QStringLiteral("onlyA"), list(c.onlyA)}, {QStringLiteral("onlyB"), list(c.onlyB)}};
}

std::string resourceLabel(const CellDiff& c)
{
    return c.group.empty() ? c.resource : c.resource + " (" + c.group + ')';
}

std::string scopeLabel(const std::string& ns)
{
    return ns.empty() ? std::string("cluster") : ns;
}

std::string access(Access a, const std::vector<std::string>& names)
{
    std::string s = accessName(a);
    if (a == Access::Partial) {
        s += " (";
        for (std::size_t i = 0; i < names.size(); ++i)
            s += (i ? ", " : "") + names[i];
        s += ')';
    }
    return s;
}

std::string chainText(const Policy& policy, const Grant& g)
{
    std::string text;
    for (const auto& step : provenanceChain(policy, g)) {
        if (step.kind == "Rule" || step.kind == "ServiceAccount" || step.kind == "User" || step.kind == "Group")
            continue;
        text += (text.empty() ? "" : " → ") + step.kind + ' ' + (step.ns.empty() ? "" : step.ns + '/') + step.name;
    }
    return text;
}

std::string mdEscape(std::string s)
{
    std::string out;
    for (char c : s)
        out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

void emitYaml(YAML::Emitter& out, const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Object: {
        const auto o = v.toObject();
        out << YAML::BeginMap;
        for (auto it = o.begin(); it != o.end(); ++it) {
            out << YAML::Key << it.key().toStdString() << YAML::Value;
            emitYaml(out, it.value());
        }
        out << YAML::EndMap;
        break;
    }
    case QJsonValue::Array: {
        out << YAML::BeginSeq;
        for (const auto& x : v.toArray())
            emitYaml(out, x);
        out << YAML::EndSeq;
        break;
    }
    case QJsonValue::Bool:
        out << v.toBool();
        break;
    case QJsonValue::Double:
        out << v.toDouble();
        break;
    case QJsonValue::String:
        out << YAML::DoubleQuoted << v.toString().toStdString();
        break;
    default:
        out << YAML::Null;
    }
}

} // namespace

QJsonObject subjectDiffJson(const Policy& policyA, const Policy& policyB, const SubjectDiff& d, bool withSame)
{
    auto cellsJson = [&](const std::vector<CellDiff>& entries) {
    QJsonArray cells;
    for (const auto& c : entries) {
        QJsonArray whyA;
        for (const auto& g : c.whyA)
            whyA.append(grantJson(policyA, g));
        QJsonArray whyB;
        for (const auto& g : c.whyB)
            whyB.append(grantJson(policyB, g));
        QJsonObject cell {{QStringLiteral("namespace"), qs(c.ns)},
                          {QStringLiteral("group"), qs(c.group)},
                          {QStringLiteral("resource"), qs(c.resource)},
                          {QStringLiteral("verb"), qs(c.verb)},
                          {QStringLiteral("a"), QString::fromLatin1(accessName(c.a))},
                          {QStringLiteral("b"), QString::fromLatin1(accessName(c.b))},
                          {QStringLiteral("whyA"), whyA},
                          {QStringLiteral("whyB"), whyB}};
        if (!c.namesA.empty())
            cell.insert(QStringLiteral("namesA"), list(c.namesA));
        if (!c.namesB.empty())
            cell.insert(QStringLiteral("namesB"), list(c.namesB));
        cells.append(cell);
    }
    return cells;
    };
    const auto cells = cellsJson(d.cells);
    const auto& s = d.structure;
    QJsonObject structure {{QStringLiteral("bindings"), changes(s.bindings)},
                           {QStringLiteral("roles"), changes(s.roles)},
                           {QStringLiteral("tokens"), changes(s.tokens)},
                           {QStringLiteral("workloads"), changes(s.workloads)},
                           {QStringLiteral("automount"), QJsonObject {{QStringLiteral("a"), qs(s.automountA)},
                                                                      {QStringLiteral("b"), qs(s.automountB)}}},
                           {QStringLiteral("exists"), QJsonObject {{QStringLiteral("a"), s.existsA},
                                                                   {QStringLiteral("b"), s.existsB}}}};
    QJsonObject o {{QStringLiteral("a"), qs(d.a.username())},
                   {QStringLiteral("b"), qs(d.b.username())},
                   {QStringLiteral("equal"), d.equal()},
                   {QStringLiteral("scopes"), list(d.scopes)},
                   {QStringLiteral("verbs"), list(d.verbs)},
                   {QStringLiteral("sameAllowed"), static_cast<qint64>(d.sameAllowed)},
                   {QStringLiteral("cells"), cells},
                   {QStringLiteral("structure"), structure}};
    if (withSame)
        o.insert(QStringLiteral("same"), cellsJson(d.same));
    return o;
}

QJsonObject snapshotDiffJson(const Policy& before, const Policy& after, const SnapshotDiff& d)
{
    QJsonArray objects;
    for (const auto& o : d.objects)
        objects.append(QJsonObject {{QStringLiteral("kind"), qs(o.kind)},
                                    {QStringLiteral("namespace"), qs(o.ns)},
                                    {QStringLiteral("name"), qs(o.name)},
                                    {QStringLiteral("change"), qs(o.change)},
                                    {QStringLiteral("detail"), qs(o.detail)}});
    QJsonArray sas;
    for (const auto& s : d.serviceAccounts)
        sas.append(subjectDiffJson(before, after, s));
    QJsonArray tokens;
    for (const auto& t : d.tokens)
        tokens.append(QJsonObject {{QStringLiteral("namespace"), qs(t.ns)},
                                   {QStringLiteral("secret"), qs(t.secret)},
                                   {QStringLiteral("serviceAccount"), qs(t.serviceAccount)},
                                   {QStringLiteral("changes"), list(t.changes)}});
    auto findings = [](const std::vector<Finding>& v) {
        QJsonArray a;
        for (const auto& f : v)
            a.append(QJsonObject {{QStringLiteral("id"), qs(f.id)},
                                  {QStringLiteral("ruleId"), qs(f.ruleId)},
                                  {QStringLiteral("severity"), QString::fromLatin1(severityName(f.severity))},
                                  {QStringLiteral("title"), qs(f.title)},
                                  {QStringLiteral("namespace"), qs(f.ns)},
                                  {QStringLiteral("object"), QJsonObject {{QStringLiteral("kind"), qs(f.object.kind)},
                                                                          {QStringLiteral("namespace"), qs(f.object.ns)},
                                                                          {QStringLiteral("name"), qs(f.object.name)}}},
                                  {QStringLiteral("explanation"), qs(f.explanation)}});
        return a;
    };
    return {{QStringLiteral("before"), list(before.snapshot().report.inputs)},
            {QStringLiteral("after"), list(after.snapshot().report.inputs)},
            {QStringLiteral("equal"), d.equal()},
            {QStringLiteral("objects"), objects},
            {QStringLiteral("addedServiceAccounts"), list(d.addedServiceAccounts)},
            {QStringLiteral("removedServiceAccounts"), list(d.removedServiceAccounts)},
            {QStringLiteral("tokens"), tokens},
            {QStringLiteral("newFindings"), findings(d.newFindings)},
            {QStringLiteral("goneFindings"), findings(d.goneFindings)},
            {QStringLiteral("serviceAccounts"), sas}};
}

std::string jsonToYaml(const QJsonValue& value)
{
    YAML::Emitter out;
    emitYaml(out, value);
    return std::string(out.c_str()) + '\n';
}

std::string subjectDiffMarkdown(const Policy& policyA, const Policy& policyB, const SubjectDiff& d)
{
    std::string md = "## " + d.a.display() + " vs " + d.b.display() + "\n\n";
    if (d.equal()) {
        md += "No difference: the same access in every compared scope (" + std::to_string(d.sameAllowed)
            + " allowed cells on both sides).\n\n";
        return md;
    }
    std::size_t gained = 0;
    std::size_t lost = 0;
    for (const auto& c : d.cells)
        (c.a < c.b ? gained : lost) += 1;
    md += "- Only **" + d.b.display() + "** (B) has more: " + std::to_string(gained) + " cell(s); only **"
        + d.a.display() + "** (A) has more: " + std::to_string(lost) + " cell(s); the same: "
        + std::to_string(d.sameAllowed) + ".\n\n";
    if (!d.cells.empty()) {
        md += "| Scope | Resource | Verb | A | B | Why A | Why B |\n|---|---|---|---|---|---|---|\n";
        for (const auto& c : d.cells) {
            std::string whyA;
            for (const auto& g : c.whyA)
                whyA += (whyA.empty() ? "" : "<br>") + chainText(policyA, g);
            std::string whyB;
            for (const auto& g : c.whyB)
                whyB += (whyB.empty() ? "" : "<br>") + chainText(policyB, g);
            md += "| " + scopeLabel(c.ns) + " | " + mdEscape(resourceLabel(c)) + " | " + mdEscape(c.verb) + " | "
                + access(c.a, c.namesA) + " | " + access(c.b, c.namesB) + " | " + mdEscape(whyA) + " | "
                + mdEscape(whyB) + " |\n";
        }
        md += '\n';
    }
    const auto& s = d.structure;
    auto section = [&](const char* title, const ChangeList& c) {
        if (c.empty())
            return;
        md += std::string("### ") + title + "\n\n";
        for (const auto& x : c.onlyA)
            md += "- only A: " + x + '\n';
        for (const auto& x : c.onlyB)
            md += "- only B: " + x + '\n';
        md += '\n';
    };
    section("Bindings", s.bindings);
    section("Roles", s.roles);
    section("Legacy tokens", s.tokens);
    section("Workloads", s.workloads);
    if (s.automountA != s.automountB)
        md += "### Token automount\n\n- A: " + s.automountA + "\n- B: " + s.automountB + "\n\n";
    return md;
}

std::string snapshotDiffMarkdown(const Policy& before, const Policy& after, const SnapshotDiff& d)
{
    auto inputs = [](const Policy& p) {
        std::string s;
        for (const auto& i : p.snapshot().report.inputs)
            s += (s.empty() ? "" : ", ") + i;
        return s;
    };
    std::string md = "# Snapshot diff\n\n- Before (A): " + inputs(before) + "\n- After (B): " + inputs(after) + "\n\n";
    if (d.equal())
        return md + "No difference in ServiceAccounts, roles, bindings, token Secrets, findings or access.\n";
    if (!d.addedServiceAccounts.empty() || !d.removedServiceAccounts.empty()) {
        md += "## ServiceAccounts\n\n";
        for (const auto& s : d.addedServiceAccounts)
            md += "- new: " + s + '\n';
        for (const auto& s : d.removedServiceAccounts)
            md += "- removed: " + s + '\n';
        md += '\n';
    }
    if (!d.objects.empty()) {
        md += "## Objects\n\n| Kind | Object | Change | Detail |\n|---|---|---|---|\n";
        for (const auto& o : d.objects)
            md += "| " + o.kind + " | " + (o.ns.empty() ? o.name : o.ns + '/' + o.name) + " | " + o.change + " | "
                + mdEscape(o.detail) + " |\n";
        md += '\n';
    }
    if (!d.tokens.empty()) {
        md += "## Legacy tokens\n\n| Secret | ServiceAccount | Change |\n|---|---|---|\n";
        for (const auto& t : d.tokens)
            md += "| " + t.ns + '/' + t.secret + " | " + mdEscape(t.serviceAccount) + " | " + mdEscape(t.text()) + " |\n";
        md += '\n';
    }
    auto findings = [&](const char* title, const std::vector<Finding>& v) {
        if (v.empty())
            return;
        md += std::string("## ") + title + "\n\n| Severity | Rule | Object | Finding |\n|---|---|---|---|\n";
        for (const auto& f : v)
            md += std::string("| ") + severityName(f.severity) + " | " + f.ruleId + " | "
                + mdEscape(f.object.kind + ' ' + (f.object.ns.empty() ? f.object.name : f.object.ns + '/' + f.object.name))
                + " | " + mdEscape(f.title) + " |\n";
        md += '\n';
    };
    findings("New findings", d.newFindings);
    findings("Resolved findings", d.goneFindings);
    for (const auto& s : d.serviceAccounts)
        md += '#' + subjectDiffMarkdown(before, after, s);
    return md;
}

std::string markdownToHtml(const std::string& markdown, const std::string& title)
{
    auto esc = [](const std::string& s) {
        std::string o;
        for (char c : s) {
            switch (c) {
            case '<':
                o += "&lt;";
                break;
            case '>':
                o += "&gt;";
                break;
            case '&':
                o += "&amp;";
                break;
            default:
                o += c;
            }
        }
        // The Markdown above uses <br> inside cells and **bold**: restore those two.
        for (std::size_t p; (p = o.find("&lt;br&gt;")) != std::string::npos;)
            o.replace(p, 10, "<br>");
        for (bool open = true;;) {
            const auto p = o.find("**");
            if (p == std::string::npos)
                break;
            o.replace(p, 2, open ? "<b>" : "</b>");
            open = !open;
        }
        return o;
    };
    std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + esc(title)
        + "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
          "th{background:#f0f0f0}</style></head><body>\n";
    bool inList = false;
    bool inTable = false;
    std::size_t pos = 0;
    while (pos <= markdown.size()) {
        auto eol = markdown.find('\n', pos);
        if (eol == std::string::npos)
            eol = markdown.size();
        const std::string line = markdown.substr(pos, eol - pos);
        pos = eol + 1;
        if (inList && line.rfind("- ", 0) != 0) {
            html += "</ul>\n";
            inList = false;
        }
        if (inTable && line.rfind('|', 0) != 0) {
            html += "</table>\n";
            inTable = false;
        }
        if (line.rfind('#', 0) == 0) {
            const auto level = line.find_first_not_of('#');
            const auto h = std::to_string(std::min<std::size_t>(level, 6));
            html += "<h" + h + '>' + esc(line.substr(level + 1)) + "</h" + h + ">\n";
        } else if (line.rfind("- ", 0) == 0) {
            if (!inList)
                html += "<ul>\n";
            inList = true;
            html += "<li>" + esc(line.substr(2)) + "</li>\n";
        } else if (line.rfind('|', 0) == 0) {
            if (line.rfind("|---", 0) == 0)
                continue;
            std::vector<std::string> cells;
            std::string cur;
            for (std::size_t i = 1; i < line.size(); ++i) {
                if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
                    cur += '|';
                    ++i;
                } else if (line[i] == '|') {
                    cells.push_back(cur);
                    cur.clear();
                } else {
                    cur += line[i];
                }
            }
            const char* tag = inTable ? "td" : "th";
            if (!inTable)
                html += "<table>\n";
            inTable = true;
            html += "<tr>";
            for (auto& c : cells) {
                const auto first = c.find_first_not_of(' ');
                const auto last = c.find_last_not_of(' ');
                c = first == std::string::npos ? std::string() : c.substr(first, last - first + 1);
                html += std::string("<") + tag + '>' + esc(c) + "</" + tag + '>';
            }
            html += "</tr>\n";
        } else if (!line.empty()) {
            html += "<p>" + esc(line) + "</p>\n";
        }
        if (eol == markdown.size())
            break;
    }
    if (inList)
        html += "</ul>\n";
    if (inTable)
        html += "</table>\n";
    return html + "</body></html>\n";
}

} // namespace rbx::io
