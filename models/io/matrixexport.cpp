// SPDX-License-Identifier: Apache-2.0
#include "models/io/matrixexport.h"

#include <algorithm>

namespace rbx::io {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QJsonArray jsonList(const std::vector<std::string>& v)
{
    QJsonArray a;
    for (const auto& s : v)
        a.append(qs(s));
    return a;
}

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + '"';
}

} // namespace

std::string matrixCsv(const std::vector<AccessMatrix>& matrices)
{
    std::string text = "namespace,group,resource";
    if (!matrices.empty())
        for (const auto& v : matrices.front().verbs)
            text += ',' + csvField(v);
    text += '\n';
    for (const auto& m : matrices)
        for (std::size_t r = 0; r < m.rows.size(); ++r) {
            text += csvField(m.ns) + ',' + csvField(m.rows[r].group) + ',' + csvField(m.rows[r].resource);
            for (std::size_t v = 0; v < m.verbs.size(); ++v)
                text += std::string(",") + accessName(m.cell(r, v).access);
            text += '\n';
        }
    return text;
}

QJsonObject grantJson(const Policy& policy, const Grant& g)
{
    const auto& s = policy.snapshot();
    const auto& b = s.bindings[g.binding];
    const auto& role = s.roles[g.role];
    const auto& er = policy.effectiveRules(g.role)[g.rule];
    QJsonObject o;
    o.insert(QStringLiteral("binding"),
             QJsonObject {{QStringLiteral("kind"), b.cluster ? QStringLiteral("ClusterRoleBinding")
                                                             : QStringLiteral("RoleBinding")},
                          {QStringLiteral("namespace"), qs(b.meta.ns)},
                          {QStringLiteral("name"), qs(b.meta.name)}});
    o.insert(QStringLiteral("role"),
             QJsonObject {{QStringLiteral("kind"), role.cluster ? QStringLiteral("ClusterRole") : QStringLiteral("Role")},
                          {QStringLiteral("namespace"), qs(role.meta.ns)},
                          {QStringLiteral("name"), qs(role.meta.name)}});
    if (er.sourceRole != g.role)
        o.insert(QStringLiteral("aggregatedFrom"), qs(s.roles[er.sourceRole].meta.name));
    QJsonObject rule;
    rule.insert(QStringLiteral("index"), static_cast<int>(er.sourceRuleIndex));
    rule.insert(QStringLiteral("verbs"), jsonList(er.rule.verbs));
    if (!er.rule.apiGroups.empty())
        rule.insert(QStringLiteral("apiGroups"), jsonList(er.rule.apiGroups));
    if (!er.rule.resources.empty())
        rule.insert(QStringLiteral("resources"), jsonList(er.rule.resources));
    if (!er.rule.resourceNames.empty())
        rule.insert(QStringLiteral("resourceNames"), jsonList(er.rule.resourceNames));
    if (!er.rule.nonResourceURLs.empty())
        rule.insert(QStringLiteral("nonResourceURLs"), jsonList(er.rule.nonResourceURLs));
    o.insert(QStringLiteral("rule"), rule);
    const auto& subject = b.subjects[g.subject];
    o.insert(QStringLiteral("subject"), QJsonObject {{QStringLiteral("kind"), qs(subject.kind)},
                                                     {QStringLiteral("name"), qs(subject.name)},
                                                     {QStringLiteral("namespace"), qs(subject.ns)}});
    return o;
}

QJsonObject matrixJson(const Policy& policy, const AccessMatrix& m)
{
    QJsonArray rows;
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        QJsonObject cells;
        QJsonObject why;
        QJsonObject names;
        for (std::size_t v = 0; v < m.verbs.size(); ++v) {
            const auto& cell = m.cell(r, v);
            cells.insert(qs(m.verbs[v]), QString::fromLatin1(accessName(cell.access)));
            if (!cell.grants.empty()) {
                QJsonArray chain;
                for (const auto& g : cell.grants)
                    chain.append(grantJson(policy, g));
                why.insert(qs(m.verbs[v]), chain);
            }
            if (!cell.names.empty())
                names.insert(qs(m.verbs[v]), jsonList(cell.names));
        }
        QJsonObject row {{QStringLiteral("group"), qs(m.rows[r].group)},
                         {QStringLiteral("resource"), qs(m.rows[r].resource)},
                         {QStringLiteral("cells"), cells}};
        if (!names.isEmpty())
            row.insert(QStringLiteral("resourceNames"), names);
        if (!why.isEmpty())
            row.insert(QStringLiteral("why"), why);
        rows.append(row);
    }
    return {{QStringLiteral("subject"), qs(m.subject)},
            {QStringLiteral("namespace"), qs(m.ns)},
            {QStringLiteral("verbs"), jsonList(m.verbs)},
            {QStringLiteral("rows"), rows}};
}

std::vector<std::size_t> heatMapOrder(const HeatMap& heat)
{
    std::vector<std::size_t> order(heat.subjects.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return heat.risk[a] > heat.risk[b]; });
    return order;
}

std::string heatMapCsv(const HeatMap& heat)
{
    std::string text = "namespace,name,risk";
    for (const auto& col : heat.columns)
        text += ",\"" + (col.group.empty() ? col.resource : col.resource + " (" + col.group + ')') + '"';
    text += '\n';
    for (std::size_t i : heatMapOrder(heat)) {
        text += heat.subjects[i].ref.ns + ',' + heat.subjects[i].ref.name + ',' + std::to_string(heat.risk[i]);
        for (std::size_t col = 0; col < heat.columns.size(); ++col)
            text += std::string(",") + accessName(heat.cell(i, col));
        text += '\n';
    }
    return text;
}

QJsonObject heatMapJson(const HeatMap& heat)
{
    QJsonArray columns;
    for (const auto& col : heat.columns)
        columns.append(QJsonObject {{QStringLiteral("group"), qs(col.group)}, {QStringLiteral("resource"), qs(col.resource)}});
    QJsonArray rows;
    for (std::size_t i : heatMapOrder(heat)) {
        const auto& s = heat.subjects[i];
        QJsonArray cells;
        for (std::size_t col = 0; col < heat.columns.size(); ++col)
            cells.append(QString::fromLatin1(accessName(heat.cell(i, col))));
        rows.append(QJsonObject {{QStringLiteral("subject"), qs(s.ref.username())},
                                 {QStringLiteral("namespace"), qs(s.ref.ns)},
                                 {QStringLiteral("name"), qs(s.ref.name)},
                                 {QStringLiteral("exists"), s.exists},
                                 {QStringLiteral("clusterAdminEquivalent"), s.clusterAdminEquivalent},
                                 {QStringLiteral("risk"), heat.risk[i]},
                                 {QStringLiteral("cells"), cells}});
    }
    return {{QStringLiteral("verbs"), jsonList(heat.verbs)},
            {QStringLiteral("columns"), columns},
            {QStringLiteral("rows"), rows}};
}

} // namespace rbx::io
