// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/policy.h"

#include "models/analysis/rulematch.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace rbx {

namespace {

// The characters of s as Go's %q writes them between its quotes.
void appendGoEscaped(std::string& out, std::string_view s)
{
    for (unsigned char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
}

// Go's %q of a, or of a + '/' + b: appended to out (a decision's reason is built in one string, without temporaries).
void appendGoQuoted(std::string& out, std::string_view a)
{
    out += '"';
    appendGoEscaped(out, a);
    out += '"';
}
void appendGoQuoted(std::string& out, std::string_view a, std::string_view b)
{
    out += '"';
    appendGoEscaped(out, a);
    out += '/';
    appendGoEscaped(out, b);
    out += '"';
}

} // namespace

std::string goQuote(const std::string& s)
{
    std::string out;
    appendGoQuoted(out, s);
    return out;
}

namespace {

enum class SelectorValidity { Valid, Invalid };

SelectorValidity validate(const LabelSelector& sel)
{
    for (const auto& e : sel.matchExpressions) {
        if (e.op == "In" || e.op == "NotIn") {
            if (e.values.empty())
                return SelectorValidity::Invalid;
        } else if (e.op == "Exists" || e.op == "DoesNotExist") {
            if (!e.values.empty())
                return SelectorValidity::Invalid;
        } else {
            return SelectorValidity::Invalid;
        }
    }
    return SelectorValidity::Valid;
}

bool selects(const LabelSelector& sel, const StringMap& labels)
{
    for (const auto& [k, v] : sel.matchLabels) {
        auto it = labels.find(k);
        if (it == labels.end() || it->second != v)
            return false;
    }
    for (const auto& e : sel.matchExpressions) {
        auto it = labels.find(e.key);
        const bool present = it != labels.end();
        const bool listed = present && std::find(e.values.begin(), e.values.end(), it->second) != e.values.end();
        if (e.op == "In" && !listed)
            return false;
        if (e.op == "NotIn" && listed)
            return false;
        if (e.op == "Exists" && !present)
            return false;
        if (e.op == "DoesNotExist" && present)
            return false;
    }
    return true;
}

std::string aggregateErrors(const std::vector<std::string>& errors)
{
    std::vector<std::string> unique;
    for (const auto& e : errors)
        if (std::find(unique.begin(), unique.end(), e) == unique.end())
            unique.push_back(e);
    if (unique.size() == 1)
        return unique.front();
    std::string out = "[";
    for (std::size_t i = 0; i < unique.size(); ++i) {
        if (i)
            out += ", ";
        out += unique[i];
    }
    return out + ']';
}

} // namespace

namespace {

std::vector<std::string> namespacesIn(const Snapshot& s)
{
    std::set<std::string> names;
    for (const auto& n : s.namespaces)
        names.insert(n.meta.name);
    for (const auto& x : s.serviceAccounts)
        names.insert(x.meta.ns);
    for (const auto& x : s.roles)
        if (!x.cluster)
            names.insert(x.meta.ns);
    for (const auto& x : s.bindings) {
        if (!x.cluster)
            names.insert(x.meta.ns);
        for (const auto& sub : x.subjects)
            if (sub.kind == "ServiceAccount" && !sub.ns.empty())
                names.insert(sub.ns);
    }
    for (const auto& x : s.workloads)
        names.insert(x.meta.ns);
    for (const auto& x : s.secrets)
        names.insert(x.meta.ns);
    names.erase(std::string());
    return {names.begin(), names.end()};
}

} // namespace

Policy::Policy(std::shared_ptr<const Snapshot> snapshot)
    : m_snapshot(std::move(snapshot))
{
    const auto& s = *m_snapshot;
    for (std::size_t i = 0; i < s.roles.size(); ++i) {
        const auto& r = s.roles[i];
        if (r.cluster)
            m_clusterRoles[r.meta.name] = i;
        else
            m_roles[r.meta.ns + '\0' + r.meta.name] = i;
    }
    for (std::size_t i = 0; i < s.bindings.size(); ++i) {
        const auto& b = s.bindings[i];
        if (b.cluster) {
            m_clusterBindings.push_back(i);
            if (b.roleRef.kind == "Role")
                m_warnings.push_back("ClusterRoleBinding " + goQuote(b.meta.name)
                                     + " references a Role: the API server rejects this, it grants nothing");
        } else {
            m_bindingsByNamespace[b.meta.ns].push_back(i);
        }
    }
    auto byName = [&](std::size_t a, std::size_t b) { return s.bindings[a].meta.name < s.bindings[b].meta.name; };
    std::sort(m_clusterBindings.begin(), m_clusterBindings.end(), byName);
    for (auto& [ns, list] : m_bindingsByNamespace)
        std::sort(list.begin(), list.end(), byName);
    resolveAggregation();
    buildSubjectIndex();
    m_knownNamespaces = namespacesIn(s);
}

void Policy::buildSubjectIndex()
{
    const auto& s = *m_snapshot;
    auto add = [](ScopeIndex& index, const Subject& subject, const std::string& bindingNs, IndexEntry e) {
        if (subject.kind == "User") {
            index.users[subject.name].push_back(e);
        } else if (subject.kind == "Group") {
            index.groups[subject.name].push_back(e);
        } else if (subject.kind == "ServiceAccount") {
            const std::string& ns = subject.ns.empty() ? bindingNs : subject.ns;
            if (!ns.empty()) // in a ClusterRoleBinding an SA subject without namespace matches nobody
                index.users[serviceAccountUsername(ns, subject.name)].push_back(e);
        }
    };
    std::uint32_t order = 0;
    for (std::size_t b : m_clusterBindings) {
        const auto& binding = s.bindings[b];
        for (std::size_t i = 0; i < binding.subjects.size(); ++i)
            add(m_clusterIndex, binding.subjects[i], std::string(),
                {order, static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(i)});
        ++order;
    }
    for (const auto& [ns, list] : m_bindingsByNamespace) {
        auto& index = m_namespaceIndex[ns];
        std::uint32_t nsOrder = order;
        for (std::size_t b : list) {
            const auto& binding = s.bindings[b];
            for (std::size_t i = 0; i < binding.subjects.size(); ++i)
                add(index, binding.subjects[i], binding.meta.ns,
                    {nsOrder, static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(i)});
            ++nsOrder;
        }
    }
    m_roleOfBinding.resize(s.bindings.size());
    m_roleErrors.resize(s.bindings.size());
    for (std::size_t b = 0; b < s.bindings.size(); ++b) {
        std::string error;
        m_roleOfBinding[b] = resolveRoleRef(b, &error);
        m_roleErrors[b] = std::move(error);
    }
}

void Policy::resolveAggregation()
{
    const auto& s = *m_snapshot;
    m_effective.resize(s.roles.size());
    std::vector<std::size_t> clusterRoles; // by name, as the aggregation controller orders them
    std::vector<std::size_t> aggregated;
    for (std::size_t i = 0; i < s.roles.size(); ++i) {
        if (s.roles[i].cluster)
            clusterRoles.push_back(i);
        const bool agg = s.roles[i].cluster && s.roles[i].hasAggregationRule;
        bool valid = true;
        if (agg) {
            for (const auto& sel : s.roles[i].clusterRoleSelectors)
                valid = valid && validate(sel) == SelectorValidity::Valid;
            if (!valid)
                m_warnings.push_back("ClusterRole " + goQuote(s.roles[i].meta.name)
                                     + " has an invalid aggregation selector: its stored rules are kept");
        }
        if (agg && valid) {
            aggregated.push_back(i);
            if (!s.roles[i].rules.empty() && s.roles[i].clusterRoleSelectors.empty())
                m_warnings.push_back("ClusterRole " + goQuote(s.roles[i].meta.name)
                                     + " aggregates nothing: its stored rules are treated as cleared");
            continue; // starts empty: the least fixed point of the controller's union
        }
        for (std::size_t r = 0; r < s.roles[i].rules.size(); ++r)
            m_effective[i].push_back({s.roles[i].rules[r], i, r});
    }
    std::sort(clusterRoles.begin(), clusterRoles.end(),
              [&](std::size_t a, std::size_t b) { return s.roles[a].meta.name < s.roles[b].meta.name; });
    std::sort(aggregated.begin(), aggregated.end(),
              [&](std::size_t a, std::size_t b) { return s.roles[a].meta.name < s.roles[b].meta.name; });

    // Which cluster roles each aggregated role selects (never itself).
    std::vector<std::vector<std::size_t>> selected(aggregated.size());
    for (std::size_t a = 0; a < aggregated.size(); ++a) {
        const auto& role = s.roles[aggregated[a]];
        for (std::size_t c : clusterRoles) {
            if (c == aggregated[a])
                continue;
            for (const auto& sel : role.clusterRoleSelectors) {
                if (selects(sel, s.roles[c].meta.labels)) {
                    selected[a].push_back(c);
                    break;
                }
            }
        }
    }
    // Iterate to the fixed point the controller converges to (it re-syncs on every ClusterRole change).
    const std::size_t limit = aggregated.size() + 2;
    bool changed = true;
    std::size_t rounds = 0;
    for (; changed && rounds < limit; ++rounds) {
        changed = false;
        for (std::size_t a = 0; a < aggregated.size(); ++a) {
            std::vector<EffectiveRule> rules;
            for (std::size_t c : selected[a])
                for (const auto& er : m_effective[c])
                    if (std::none_of(rules.begin(), rules.end(),
                                     [&](const EffectiveRule& x) { return x.rule == er.rule; }))
                        rules.push_back(er);
            auto& current = m_effective[aggregated[a]];
            const bool same = current.size() == rules.size()
                && std::equal(current.begin(), current.end(), rules.begin(),
                              [](const EffectiveRule& x, const EffectiveRule& y) { return x.rule == y.rule; });
            if (!same) {
                current = std::move(rules);
                changed = true;
            }
        }
    }
    // Cycles between aggregated roles make the controller's result depend on its sync order: say so.
    std::vector<int> state(s.roles.size(), 0);
    std::vector<std::size_t> indexOf(s.roles.size(), SIZE_MAX);
    for (std::size_t a = 0; a < aggregated.size(); ++a)
        indexOf[aggregated[a]] = a;
    std::set<std::string> inCycle;
    std::function<void(std::size_t, std::vector<std::size_t>&)> dfs = [&](std::size_t a, std::vector<std::size_t>& stack) {
        state[aggregated[a]] = 1;
        stack.push_back(aggregated[a]);
        for (std::size_t c : selected[a]) {
            if (indexOf[c] == SIZE_MAX)
                continue;
            if (state[c] == 1) {
                for (auto it = std::find(stack.begin(), stack.end(), c); it != stack.end(); ++it)
                    inCycle.insert(s.roles[*it].meta.name);
            } else if (state[c] == 0) {
                dfs(indexOf[c], stack);
            }
        }
        stack.pop_back();
        state[aggregated[a]] = 2;
    };
    for (std::size_t a = 0; a < aggregated.size(); ++a) {
        std::vector<std::size_t> stack;
        if (state[aggregated[a]] == 0)
            dfs(a, stack);
    }
    if (!inCycle.empty()) {
        std::string names;
        for (const auto& n : inCycle)
            names += (names.empty() ? "" : ", ") + goQuote(n);
        m_warnings.push_back("aggregation cycle between ClusterRoles " + names
                             + ": the controller's result depends on its sync order (shown: the union)");
    }
}

std::optional<std::size_t> Policy::resolveRoleRef(std::size_t binding, std::string* error) const
{
    const auto& b = m_snapshot->bindings[binding];
    const auto& ref = b.roleRef;
    if (ref.kind == "ClusterRole") {
        auto it = m_clusterRoles.find(ref.name);
        if (it != m_clusterRoles.end())
            return it->second;
        if (error)
            *error = "clusterrole.rbac.authorization.k8s.io " + goQuote(ref.name) + " not found";
        return std::nullopt;
    }
    if (ref.kind == "Role") {
        const std::string& ns = b.cluster ? std::string() : b.meta.ns;
        auto it = m_roles.find(ns + '\0' + ref.name);
        if (it != m_roles.end())
            return it->second;
        if (error)
            *error = "role.rbac.authorization.k8s.io " + goQuote(ref.name) + " not found";
        return std::nullopt;
    }
    if (error)
        *error = "unsupported role reference kind: " + goQuote(ref.kind);
    return std::nullopt;
}

const std::vector<std::size_t>& Policy::namespaceBindings(const std::string& ns) const
{
    static const std::vector<std::size_t> none;
    auto it = m_bindingsByNamespace.find(ns);
    return it == m_bindingsByNamespace.end() ? none : it->second;
}

void Policy::visitApplicableBindings(const UserInfo& user, const std::string& ns, const BindingVisitor& visit) const
{
    // Collect the (binding, subject) pairs naming this user or one of its groups, then visit each binding once, in
    // evaluation order, with its first applicable subject (as rule.go's appliesTo does).
    auto collect = [&](const ScopeIndex& index, std::vector<IndexEntry>& out) {
        if (auto it = index.users.find(user.name); it != index.users.end())
            out.insert(out.end(), it->second.begin(), it->second.end());
        for (const auto& g : user.groups)
            if (auto it = index.groups.find(g); it != index.groups.end())
                out.insert(out.end(), it->second.begin(), it->second.end());
    };
    std::vector<IndexEntry> entries;
    collect(m_clusterIndex, entries);
    if (!ns.empty())
        if (auto it = m_namespaceIndex.find(ns); it != m_namespaceIndex.end())
            collect(it->second, entries);
    std::sort(entries.begin(), entries.end(), [](const IndexEntry& a, const IndexEntry& b) {
        return a.order != b.order ? a.order < b.order : a.subject < b.subject;
    });
    std::uint32_t last = UINT32_MAX;
    for (const auto& e : entries) {
        if (e.order == last)
            continue;
        last = e.order;
        if (!visit(e.binding, e.subject))
            return;
    }
}

std::vector<std::string> Policy::namespacesWithRoleBindingsFor(const UserInfo& user) const
{
    std::vector<std::string> out;
    for (const auto& [ns, index] : m_namespaceIndex) {
        bool found = index.users.count(user.name) > 0;
        for (std::size_t i = 0; !found && i < user.groups.size(); ++i)
            found = index.groups.count(user.groups[i]) > 0;
        if (found)
            out.push_back(ns);
    }
    std::sort(out.begin(), out.end());
    return out;
}

namespace {

// The API server's words for a grant: `RoleBinding "b/ns" of ClusterRole "r" to ServiceAccount "sa/ns"`.
void appendGrant(std::string& out, const Snapshot& snapshot, const Grant& g)
{
    const auto& b = snapshot.bindings[g.binding];
    const auto& subject = b.subjects[g.subject];
    out.reserve(out.size() + 96 + b.meta.name.size() + b.meta.ns.size() + b.roleRef.name.size() + subject.name.size());
    if (b.cluster) {
        out += "ClusterRoleBinding ";
        appendGoQuoted(out, b.meta.name);
    } else {
        out += "RoleBinding ";
        appendGoQuoted(out, b.meta.name, b.meta.ns);
    }
    out += " of ";
    out += b.roleRef.kind;
    out += ' ';
    appendGoQuoted(out, b.roleRef.name);
    out += " to ";
    out += subject.kind;
    out += ' ';
    if (subject.kind == "ServiceAccount")
        appendGoQuoted(out, subject.name, subject.ns.empty() ? b.meta.ns : subject.ns);
    else
        appendGoQuoted(out, subject.name);
}

} // namespace

std::string Policy::describeGrant(const Grant& g) const
{
    std::string out;
    appendGrant(out, *m_snapshot, g);
    return out;
}

Decision Policy::authorize(const Request& request) const
{
    Decision d;
    std::vector<std::string> errors;
    const std::string combined = request.resourceRequest ? combinedResource(request) : std::string();
    visitApplicableBindings(request.user, request.ns(), [&](std::size_t b, std::size_t s) {
        const auto& role = m_roleOfBinding[b];
        if (!role) {
            errors.push_back(m_roleErrors[b]);
            return true;
        }
        const auto& rules = m_effective[*role];
        for (std::size_t r = 0; r < rules.size(); ++r) {
            if (ruleAllows(request, rules[r].rule, combined)) {
                d.allowed = true;
                d.grant = Grant {b, s, *role, r};
                return false;
            }
        }
        return true;
    });
    if (d.allowed) {
        d.reason = "RBAC: allowed by "; // built in place: the reason is most of what a decision costs
        appendGrant(d.reason, *m_snapshot, *d.grant);
    }
    else if (!errors.empty())
        d.reason = "RBAC: " + aggregateErrors(errors);
    return d;
}

std::vector<Grant> Policy::grantsFor(const Request& request) const
{
    std::vector<Grant> grants;
    visitApplicableBindings(request.user, request.ns(), [&](std::size_t b, std::size_t s) {
        auto role = resolveRoleRef(b);
        if (!role)
            return true;
        const auto& rules = m_effective[*role];
        for (std::size_t r = 0; r < rules.size(); ++r)
            if (ruleAllows(request, rules[r].rule))
                grants.push_back({b, s, *role, r});
        return true;
    });
    return grants;
}

} // namespace rbx
