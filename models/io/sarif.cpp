// SPDX-License-Identifier: Apache-2.0
#include "models/io/sarif.h"

#include <QDir>
#include <QJsonArray>
#include <QUrl>

#include <map>

namespace rbx::io {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QString level(Severity s)
{
    switch (s) {
    case Severity::Critical:
    case Severity::High:
        return QStringLiteral("error");
    case Severity::Medium:
        return QStringLiteral("warning");
    case Severity::Low:
    case Severity::Info:
        break;
    }
    return QStringLiteral("note");
}

// GitHub code scanning ranks security results by this number (0.1 .. 10).
QString securitySeverity(Severity s)
{
    switch (s) {
    case Severity::Critical:
        return QStringLiteral("9.5");
    case Severity::High:
        return QStringLiteral("8.0");
    case Severity::Medium:
        return QStringLiteral("5.5");
    case Severity::Low:
        return QStringLiteral("3.0");
    case Severity::Info:
        break;
    }
    return QStringLiteral("1.0");
}

QString artifactUri(const std::string& file)
{
    const auto path = qs(file);
    if (QDir::isAbsolutePath(path))
        return QUrl::fromLocalFile(path).toString(QUrl::FullyEncoded);
    return QString::fromLatin1(QUrl::toPercentEncoding(QDir::fromNativeSeparators(path), "/"));
}

QJsonObject link(const ObjectLink& o)
{
    return {{QStringLiteral("kind"), qs(o.kind)}, {QStringLiteral("namespace"), qs(o.ns)}, {QStringLiteral("name"), qs(o.name)}};
}

} // namespace

QJsonObject findingJson(const Finding& f)
{
    QJsonArray evidence;
    for (const auto& e : f.evidence) {
        auto o = link(e.object);
        o.insert(QStringLiteral("relation"), qs(e.relation));
        o.insert(QStringLiteral("detail"), qs(e.detail));
        evidence.append(o);
    }
    QJsonArray chains;
    for (const auto& c : f.chains)
        chains.append(qs(c));
    const auto* rule = findingRule(f.ruleId);
    QJsonObject o {{QStringLiteral("id"), qs(f.id)},
                   {QStringLiteral("rule"), qs(f.ruleId)},
                   {QStringLiteral("ruleTitle"), rule ? QString::fromUtf8(rule->title) : QString()},
                   {QStringLiteral("practice"), rule ? rule->practice : 0},
                   {QStringLiteral("severity"), QString::fromLatin1(severityName(f.severity))},
                   {QStringLiteral("title"), qs(f.title)},
                   {QStringLiteral("namespace"), qs(f.ns)},
                   {QStringLiteral("object"), link(f.object)},
                   {QStringLiteral("explanation"), qs(f.explanation)},
                   {QStringLiteral("evidence"), evidence},
                   {QStringLiteral("chains"), chains},
                   {QStringLiteral("waived"), f.waived}};
    if (f.waived)
        o.insert(QStringLiteral("waiverNote"), qs(f.waiverNote));
    if (!f.source.file.empty())
        o.insert(QStringLiteral("source"), QJsonObject {{QStringLiteral("file"), qs(f.source.file)},
                                                        {QStringLiteral("line"), static_cast<int>(f.source.line)}});
    return o;
}

QJsonObject findingsJson(const std::vector<Finding>& findings, const std::string& asOf)
{
    QJsonArray list;
    std::map<std::string, int> bySeverity;
    for (const auto& f : findings) {
        list.append(findingJson(f));
        if (!f.waived)
            ++bySeverity[severityName(f.severity)];
    }
    QJsonObject counts;
    for (auto s : {Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info})
        counts.insert(QString::fromLatin1(severityName(s)), bySeverity[severityName(s)]);
    return {{QStringLiteral("asOf"), qs(asOf)}, {QStringLiteral("counts"), counts}, {QStringLiteral("findings"), list}};
}

QJsonObject sarifLog(const std::vector<Finding>& findings, const std::string& toolVersion)
{
    QJsonArray rules;
    std::map<std::string, int> ruleIndex;
    for (const auto& r : findingRules()) {
        ruleIndex[r.id] = static_cast<int>(rules.size());
        const QString help = QString::fromUtf8(r.description) + QStringLiteral("\n\nWhat to do:\n") + QString::fromUtf8(r.runbook);
        rules.append(QJsonObject {
            {QStringLiteral("id"), QString::fromLatin1(r.id)},
            {QStringLiteral("name"), QString::fromLatin1(r.name)},
            {QStringLiteral("shortDescription"), QJsonObject {{QStringLiteral("text"), QString::fromUtf8(r.title)}}},
            {QStringLiteral("fullDescription"), QJsonObject {{QStringLiteral("text"), QString::fromUtf8(r.description)}}},
            {QStringLiteral("help"),
             QJsonObject {{QStringLiteral("text"), help},
                          {QStringLiteral("markdown"), QString(QString::fromUtf8(r.description) + QStringLiteral("\n\n**What to do**\n\n")
                                                           + QString::fromUtf8(r.runbook))}}},
            {QStringLiteral("defaultConfiguration"), QJsonObject {{QStringLiteral("level"), level(r.severity)}}},
            {QStringLiteral("properties"),
             QJsonObject {{QStringLiteral("tags"), QJsonArray {QStringLiteral("security"), QStringLiteral("kubernetes"),
                                                               QStringLiteral("rbac")}},
                          {QStringLiteral("precision"), QStringLiteral("high")},
                          {QStringLiteral("security-severity"), securitySeverity(r.severity)},
                          {QStringLiteral("practice"), r.practice}}}});
    }
    QJsonArray results;
    for (const auto& f : findings) {
        QJsonArray locations;
        QJsonObject location {{QStringLiteral("logicalLocations"),
                               QJsonArray {QJsonObject {
                                   {QStringLiteral("name"), qs(f.object.name)},
                                   {QStringLiteral("fullyQualifiedName"),
                                    qs(f.object.kind + '/' + (f.object.ns.empty() ? std::string() : f.object.ns + '/')
                                       + f.object.name)},
                                   {QStringLiteral("kind"), QStringLiteral("resource")}}}}};
        if (!f.source.file.empty() && f.source.file != "-") {
            QJsonObject physical {{QStringLiteral("artifactLocation"),
                                   QJsonObject {{QStringLiteral("uri"), artifactUri(f.source.file)}}}};
            if (f.source.line > 0)
                physical.insert(QStringLiteral("region"),
                                QJsonObject {{QStringLiteral("startLine"), static_cast<int>(f.source.line)},
                                             {QStringLiteral("startColumn"), static_cast<int>(std::max(1u, f.source.column))}});
            location.insert(QStringLiteral("physicalLocation"), physical);
        }
        locations.append(location);
        QString message = QString(qs(f.title) + QStringLiteral(". ") + qs(f.explanation));
        if (!f.chains.empty())
            message += QStringLiteral(" Via: ") + qs(f.chains.front()) + u'.';
        QJsonObject result {{QStringLiteral("ruleId"), qs(f.ruleId)},
                            {QStringLiteral("level"), level(f.severity)},
                            {QStringLiteral("message"), QJsonObject {{QStringLiteral("text"), message}}},
                            {QStringLiteral("locations"), locations},
                            {QStringLiteral("partialFingerprints"),
                             QJsonObject {{QStringLiteral("rbxFindingId/v1"), qs(f.id)}}},
                            {QStringLiteral("properties"), QJsonObject {{QStringLiteral("severity"),
                                                                         QString::fromLatin1(severityName(f.severity))},
                                                                        {QStringLiteral("findingId"), qs(f.id)},
                                                                        {QStringLiteral("namespace"), qs(f.ns)}}}};
        if (auto it = ruleIndex.find(f.ruleId); it != ruleIndex.end())
            result.insert(QStringLiteral("ruleIndex"), it->second);
        if (f.waived)
            result.insert(QStringLiteral("suppressions"),
                          QJsonArray {QJsonObject {{QStringLiteral("kind"), QStringLiteral("external")},
                                                   {QStringLiteral("status"), QStringLiteral("accepted")},
                                                   {QStringLiteral("justification"), qs(f.waiverNote)}}});
        results.append(result);
    }
    QJsonObject driver {{QStringLiteral("name"), QStringLiteral("rbx")},
                        {QStringLiteral("fullName"), QStringLiteral("RBAC Explorer")},
                        {QStringLiteral("version"), qs(toolVersion)},
                        {QStringLiteral("semanticVersion"), qs(toolVersion)},
                        {QStringLiteral("informationUri"), QStringLiteral("https://github.com/rbac-explorer/rbac-explorer")},
                        {QStringLiteral("rules"), rules}};
    QJsonObject run {{QStringLiteral("tool"), QJsonObject {{QStringLiteral("driver"), driver}}},
                     {QStringLiteral("columnKind"), QStringLiteral("unicodeCodePoints")},
                     {QStringLiteral("invocations"),
                      QJsonArray {QJsonObject {{QStringLiteral("executionSuccessful"), true}}}},
                     {QStringLiteral("results"), results}};
    return {{QStringLiteral("$schema"), QStringLiteral("https://json.schemastore.org/sarif-2.1.0.json")},
            {QStringLiteral("version"), QStringLiteral("2.1.0")},
            {QStringLiteral("runs"), QJsonArray {run}}};
}

} // namespace rbx::io
