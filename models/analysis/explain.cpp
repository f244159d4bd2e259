// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/explain.h"

namespace rbx {

namespace {
std::string list(const std::vector<std::string>& v)
{
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i)
        s += (i ? ", " : "") + (v[i].empty() ? std::string("\"\"") : v[i]);
    return s + ']';
}
} // namespace

std::string ruleText(const PolicyRule& r)
{
    std::string text = "verbs " + list(r.verbs);
    if (!r.nonResourceURLs.empty())
        return text + ", nonResourceURLs " + list(r.nonResourceURLs);
    text += ", apiGroups " + list(r.apiGroups) + ", resources " + list(r.resources);
    if (!r.resourceNames.empty())
        text += ", resourceNames " + list(r.resourceNames);
    return text;
}

std::vector<ChainStep> provenanceChain(const Policy& policy, const Grant& g)
{
    const auto& s = policy.snapshot();
    const auto& b = s.bindings[g.binding];
    const auto& subject = b.subjects[g.subject];
    const auto& role = s.roles[g.role];
    const auto& er = policy.effectiveRules(g.role)[g.rule];
    std::vector<ChainStep> steps;
    steps.push_back({subject.kind, subject.kind == "ServiceAccount" ? (subject.ns.empty() ? b.meta.ns : subject.ns) : "",
                     subject.name, {}});
    steps.push_back({b.cluster ? "ClusterRoleBinding" : "RoleBinding", b.meta.ns, b.meta.name,
                     b.cluster ? "grants in every namespace and cluster-wide" : "grants in namespace " + b.meta.ns});
    steps.push_back({role.cluster ? "ClusterRole" : "Role", role.meta.ns, role.meta.name,
                     role.hasAggregationRule ? "aggregated" : ""});
    if (er.sourceRole != g.role) {
        const auto& source = s.roles[er.sourceRole];
        steps.push_back({"ClusterRole", {}, source.meta.name, "aggregated into " + role.meta.name});
    }
    steps.push_back({"Rule", {}, "#" + std::to_string(er.sourceRuleIndex + 1), ruleText(er.rule)});
    return steps;
}

std::string explainCell(const Policy& policy, const UserInfo& user, const AccessMatrix& m, std::size_t row,
                        std::size_t verb)
{
    const auto& cell = m.cell(row, verb);
    const auto& r = m.rows[row];
    const std::string what = m.verbs[verb] + ' ' + r.resource + (r.group.empty() ? "" : " (" + r.group + ')');
    const std::string where = m.ns.empty() ? "cluster-wide" : m.ns == "*" ? "in at least one namespace" : "in namespace " + m.ns;
    auto chainText = [&](const Grant& g) {
        std::string text;
        for (const auto& step : provenanceChain(policy, g)) {
            if (!text.empty())
                text += " -> ";
            text += step.kind + ' ' + (step.ns.empty() || step.kind == "Rule" ? "" : step.ns + '/') + step.name;
            if (step.kind == "Rule")
                text += " (" + step.detail + ')';
        }
        return text;
    };
    std::string text;
    switch (cell.access) {
    case Access::Yes:
        text = "Allowed: " + what + ' ' + where + ".\n";
        for (const auto& g : cell.grants)
            text += "  " + chainText(g) + '\n';
        break;
    case Access::Partial: {
        text = "Partly allowed: " + what + ' ' + where + " only for the names " + list(cell.names)
            + " (a request without a name, such as list or create, is denied).\n";
        for (const auto& g : cell.grants)
            text += "  " + chainText(g) + '\n';
        break;
    }
    case Access::No: {
        text = "Denied: no rule grants " + what + ' ' + where + ".\n";
        std::size_t applicable = 0;
        policy.visitApplicableBindings(user, m.ns == "*" ? std::string() : m.ns, [&](std::size_t b, std::size_t) {
            ++applicable;
            std::string error;
            if (!policy.resolveRoleRef(b, &error))
                text += "  Binding " + policy.snapshot().bindings[b].meta.name + " grants nothing: " + error + '\n';
            return true;
        });
        text += "  " + std::to_string(applicable) + " binding(s) apply to this subject " + where
            + "; none has a rule matching verb, API group and resource together.\n";
        if (!m.ns.empty() && m.ns != "*" && !r.namespaced)
            text += "  Note: " + r.resource + " is cluster-scoped; only a ClusterRoleBinding grants it.\n";
        break;
    }
    }
    return text;
}

} // namespace rbx
