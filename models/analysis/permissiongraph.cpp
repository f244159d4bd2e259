// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/permissiongraph.h"

#include "models/analysis/explain.h"

#include <QtGlobal>

#include <algorithm>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>

// Graphviz last: its headers define many short macros.
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

namespace rbx {

namespace {

constexpr std::size_t kRuleLineChars = 40;
constexpr std::size_t kMaxRuleLines = 12;
constexpr std::size_t kPodsShown = 4; // more pods of one controller are one "N Pods" node
constexpr double kPadX = 12; // points around the label text
constexpr double kPadY = 7;

bool sameGrant(const Grant& a, const Grant& b)
{
    return a.binding == b.binding && a.subject == b.subject && a.role == b.role && a.rule == b.rule;
}

// Greedy word wrap at spaces; long words keep their own line. Beyond `maxLines` the text ends in an ellipsis.
std::string wrap(const std::string& text, std::size_t width, std::size_t maxLines)
{
    std::vector<std::string> lines;
    std::string line;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find(' ', pos);
        if (end == std::string::npos)
            end = text.size();
        const std::string word = text.substr(pos, end - pos);
        pos = end + 1;
        if (!line.empty() && line.size() + 1 + word.size() > width) {
            lines.push_back(line);
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
    }
    if (!line.empty())
        lines.push_back(line);
    if (lines.size() > maxLines) {
        lines.resize(maxLines);
        lines.back() += " \u2026";
    }
    std::string out;
    for (const auto& l : lines)
        out += (out.empty() ? "" : "\n") + l;
    return out;
}

std::string qualified(const std::string& ns, const std::string& name)
{
    return ns.empty() ? name : ns + '/' + name;
}

class GraphBuilder
{
public:
    // Returns the node with `id`, creating it from `proto` the first time.
    std::size_t node(GraphNode proto)
    {
        auto [it, inserted] = m_index.emplace(proto.id, graph.nodes.size());
        if (inserted)
            graph.nodes.push_back(std::move(proto));
        return it->second;
    }
    [[nodiscard]] const std::string& id(std::size_t n) const
    {
        return graph.nodes[n].id;
    }
    [[nodiscard]] std::optional<std::size_t> find(const std::string& id) const
    {
        auto it = m_index.find(id);
        return it == m_index.end() ? std::nullopt : std::optional<std::size_t>(it->second);
    }
    void edge(std::size_t from, std::size_t to)
    {
        if (m_edges.emplace(from, to).second)
            graph.edges.push_back({from, to, {}});
    }
    void addGrant(std::size_t n, const Grant& g) // each (binding, rule) is visited once: no duplicates
    {
        graph.nodes[n].grants.push_back(g);
    }

    PermissionGraph graph;

private:
    std::map<std::string, std::size_t> m_index;
    std::set<std::pair<std::size_t, std::size_t>> m_edges;
};

GraphNode makeNode(GraphNode::Kind kind, std::string id, std::string label, std::string objectKind, std::string ns,
                   std::string name)
{
    GraphNode n;
    n.kind = kind;
    n.id = std::move(id);
    n.label = std::move(label);
    n.objectKind = std::move(objectKind);
    n.ns = std::move(ns);
    n.name = std::move(name);
    return n;
}

std::string subjectKindName(SubjectKind kind)
{
    switch (kind) {
    case SubjectKind::ServiceAccount:
        return "ServiceAccount";
    case SubjectKind::User:
        return "User";
    case SubjectKind::Group:
        break;
    }
    return "Group";
}

void addWorkloads(GraphBuilder& b, const Snapshot& s, const SubjectRef& subject, std::size_t subjectNode)
{
    if (subject.kind != SubjectKind::ServiceAccount)
        return;
    std::vector<std::pair<const Workload*, std::size_t>> workloads;
    std::vector<const Workload*> pods;
    for (const auto& w : s.workloads) {
        const auto& sa = w.pod.serviceAccountName.empty() ? std::string("default") : w.pod.serviceAccountName;
        if (w.meta.ns != subject.ns || sa != subject.name)
            continue;
        if (w.kind == "Pod")
            pods.push_back(&w);
        else
            workloads.emplace_back(&w, b.node(makeNode(GraphNode::Kind::Workload,
                                                       "workload:" + w.kind + '/' + w.meta.name,
                                                       w.kind + '\n' + w.meta.name, w.kind, w.meta.ns, w.meta.name)));
    }
    // Pods and ReplicaSets point at their controller when it runs as the same ServiceAccount; a ReplicaSet or Job
    // that is not in the snapshot is matched to its Deployment or CronJob by the generated name's prefix.
    auto owner = [&](const Workload& w) {
        for (const auto& ref : w.meta.ownerReferences) {
            if (!ref.controller && w.meta.ownerReferences.size() > 1)
                continue;
            if (auto n = b.find("workload:" + ref.kind + '/' + ref.name))
                return *n;
            const auto dash = ref.name.rfind('-');
            const auto parentKind = ref.kind == "ReplicaSet" ? "Deployment" : ref.kind == "Job" ? "CronJob" : "";
            if (dash != std::string::npos && *parentKind)
                if (auto n = b.find("workload:" + std::string(parentKind) + '/' + ref.name.substr(0, dash)))
                    return *n;
        }
        return subjectNode;
    };
    for (const auto& [w, n] : workloads) {
        const auto o = owner(*w);
        b.edge(n, o != n ? o : subjectNode);
    }
    // Replicas of one controller become one "N pods" node.
    std::map<std::size_t, std::vector<const Workload*>> podsByOwner;
    for (const auto* pod : pods)
        podsByOwner[owner(*pod)].push_back(pod);
    for (const auto& [target, list] : podsByOwner) {
        if (list.size() > kPodsShown) {
            const auto* first = list.front();
            const auto label = std::to_string(list.size()) + " Pods\n" + first->meta.name + ", \u2026";
            const auto n = b.node(makeNode(GraphNode::Kind::Pod, "pods:" + b.id(target), label, "Pod", first->meta.ns,
                                           first->meta.name));
            b.edge(n, target);
            continue;
        }
        for (const auto* pod : list) {
            const auto n = b.node(makeNode(GraphNode::Kind::Pod, "pod:" + pod->meta.name, "Pod\n" + pod->meta.name,
                                           "Pod", pod->meta.ns, pod->meta.name));
            b.edge(n, target);
        }
    }
}

} // namespace

PermissionGraph buildPermissionGraph(const Policy& policy, const SubjectRef& subject,
                                     const std::set<std::string>& expandedRoles, bool collapseRoles)
{
    const auto& s = policy.snapshot();
    const auto user = userInfoOf(subject);
    GraphBuilder b;

    const auto subjectKind = subjectKindName(subject.kind);
    const auto subjectNode = b.node(makeNode(GraphNode::Kind::Subject, "subject",
                                             subjectKind + '\n' + qualified(subject.ns, subject.name), subjectKind,
                                             subject.ns, subject.name));
    addWorkloads(b, s, subject, subjectNode);

    std::vector<std::pair<std::size_t, std::size_t>> applicable; // (binding, subject index), first visit wins
    std::set<std::size_t> seen;
    auto collect = [&](std::size_t binding, std::size_t sub) {
        if (seen.insert(binding).second)
            applicable.emplace_back(binding, sub);
        return true;
    };
    policy.visitApplicableBindings(user, "", collect);
    for (const auto& ns : policy.knownNamespaces())
        policy.visitApplicableBindings(user, ns, collect);

    const bool group = collapseRoles || applicable.size() > kGroupRulesAboveBindings;
    for (const auto& [bi, si] : applicable) {
        const auto& binding = s.bindings[bi];
        const auto& matched = binding.subjects[si];
        const auto bindingKind = binding.cluster ? std::string("ClusterRoleBinding") : std::string("RoleBinding");
        auto label = bindingKind + '\n' + qualified(binding.meta.ns, binding.meta.name);
        if (matched.kind != subjectKind)
            label += "\nvia " + matched.kind + ' ' + matched.name;
        const auto bindingNode = b.node(makeNode(GraphNode::Kind::Binding, "binding:" + std::to_string(bi), label,
                                                 bindingKind, binding.meta.ns, binding.meta.name));
        b.edge(subjectNode, bindingNode);

        const auto role = policy.resolveRoleRef(bi);
        if (!role) {
            const auto ns = binding.roleRef.kind == "Role" ? binding.meta.ns : std::string();
            const auto missing =
                b.node(makeNode(GraphNode::Kind::Role, "missing:" + std::to_string(bi),
                                binding.roleRef.kind + " (not found)\n" + qualified(ns, binding.roleRef.name),
                                binding.roleRef.kind, ns, binding.roleRef.name));
            b.edge(bindingNode, missing);
            continue;
        }
        const auto& r = s.roles[*role];
        const auto roleKind = r.cluster ? std::string("ClusterRole") : std::string("Role");
        const auto roleId = "role:" + std::to_string(*role);
        const auto roleNode = b.node(makeNode(GraphNode::Kind::Role, roleId,
                                              roleKind + (r.hasAggregationRule ? " (aggregated)" : "") + '\n'
                                                  + qualified(r.meta.ns, r.meta.name),
                                              roleKind, r.meta.ns, r.meta.name));
        b.edge(bindingNode, roleNode);

        const auto& rules = policy.effectiveRules(*role);
        const bool grouped = group && rules.size() > 1 && !expandedRoles.count(roleId);
        std::optional<std::size_t> groupNode;
        if (grouped) {
            groupNode = b.node(makeNode(GraphNode::Kind::RuleGroup, "rules:" + std::to_string(*role),
                                        std::to_string(rules.size()) + " rules\ndouble-click to expand", roleKind,
                                        r.meta.ns, r.meta.name));
            b.edge(roleNode, *groupNode);
        }
        for (std::size_t i = 0; i < rules.size(); ++i) {
            const Grant grant {bi, si, *role, i};
            for (auto n : {subjectNode, bindingNode, roleNode})
                b.addGrant(n, grant);
            if (groupNode) {
                b.addGrant(*groupNode, grant);
                continue;
            }
            const auto& er = rules[i];
            const auto& source = s.roles[er.sourceRole];
            auto parent = roleNode;
            if (er.sourceRole != *role) {
                parent = b.node(makeNode(GraphNode::Kind::SourceRole,
                                         "source:" + std::to_string(*role) + ':' + std::to_string(er.sourceRole),
                                         "aggregated from ClusterRole\n" + source.meta.name, "ClusterRole", {},
                                         source.meta.name));
                b.edge(roleNode, parent);
                b.addGrant(parent, grant);
            }
            const auto ruleNode =
                b.node(makeNode(GraphNode::Kind::Rule, "rule:" + std::to_string(*role) + ':' + std::to_string(i),
                                "rule #" + std::to_string(er.sourceRuleIndex + 1) + '\n'
                                    + wrap(ruleText(er.rule), kRuleLineChars, kMaxRuleLines),
                                source.cluster ? "ClusterRole" : "Role", source.meta.ns, source.meta.name));
            b.edge(parent, ruleNode);
            b.addGrant(ruleNode, grant);
        }
    }
    // Workloads and pods lie on every path through their ServiceAccount.
    for (auto& n : b.graph.nodes)
        if (n.kind == GraphNode::Kind::Workload || n.kind == GraphNode::Kind::Pod)
            n.grants = b.graph.nodes[subjectNode].grants;
    return std::move(b.graph);
}

bool nodeOnGrants(const GraphNode& node, const std::vector<Grant>& grants)
{
    return std::any_of(node.grants.begin(), node.grants.end(), [&](const Grant& g) {
        return std::any_of(grants.begin(), grants.end(), [&](const Grant& x) { return sameGrant(g, x); });
    });
}

bool edgeOnGrants(const PermissionGraph& graph, const GraphEdge& edge, const std::vector<Grant>& grants)
{
    const auto& to = graph.nodes[edge.to].grants;
    return std::any_of(grants.begin(), grants.end(), [&](const Grant& g) {
        auto has = [&](const std::vector<Grant>& list) {
            return std::any_of(list.begin(), list.end(), [&](const Grant& x) { return sameGrant(g, x); });
        };
        return has(graph.nodes[edge.from].grants) && has(to);
    });
}

namespace {

std::pair<double, double> approximateLabel(const GraphNode& node)
{
    std::size_t lines = 0, widest = 0, chars = 0;
    for (std::size_t i = 0; i <= node.label.size(); ++i) {
        if (i == node.label.size() || node.label[i] == '\n') {
            ++lines;
            widest = std::max(widest, chars);
            chars = 0;
        } else if ((static_cast<unsigned char>(node.label[i]) & 0xC0) != 0x80) { // count UTF-8 code points
            ++chars;
        }
    }
    return {7.0 * static_cast<double>(widest), 15.0 * static_cast<double>(lines)};
}

// Graphviz reads numbers with strtod: keep LC_NUMERIC at "C" while it parses our attributes.
class NumericLocale
{
public:
    NumericLocale()
    {
        const char* current = std::setlocale(LC_NUMERIC, nullptr);
        m_saved = current ? current : "C";
        std::setlocale(LC_NUMERIC, "C");
    }
    ~NumericLocale()
    {
        std::setlocale(LC_NUMERIC, m_saved.c_str());
    }
    NumericLocale(const NumericLocale&) = delete;
    NumericLocale& operator=(const NumericLocale&) = delete;

private:
    std::string m_saved;
};

// One Graphviz context for the process: freeing it unloads the dot plugin, whose static buffers then leak. Graphviz
// is not re-entrant, hence the lock.
std::mutex graphvizMutex;

GVC_t* graphvizContext()
{
    static GVC_t* const gvc = [] {
        agseterr(AGERR); // no warnings on stderr
        return gvContext();
    }();
    return gvc;
}

// cgraph's API predates const.
char* str(const char* s)
{
    return const_cast<char*>(s);
}

std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
}

} // namespace

void layoutPermissionGraph(PermissionGraph& graph)
{
    layoutPermissionGraph(graph, approximateLabel);
}

void layoutPermissionGraph(PermissionGraph& graph, const LabelMeasure& measure)
{
    for (auto& n : graph.nodes) {
        const auto [w, h] = measure ? measure(n) : approximateLabel(n);
        n.width = std::ceil(w + 2 * kPadX);
        n.height = std::ceil(h + 2 * kPadY);
    }
    if (graph.nodes.empty()) {
        graph.width = graph.height = 0;
        return;
    }

    const std::lock_guard lock(graphvizMutex);
    NumericLocale locale;
    GVC_t* gvc = graphvizContext();
    if (!gvc) {
        qWarning("Graphviz could not be initialised");
        graph.width = graph.height = 0;
        return;
    }
    Agraph_t* g = agopen(str("permissions"), Agdirected, nullptr);
    agsafeset(g, str("rankdir"), str("LR"), str(""));
    agsafeset(g, str("nodesep"), str("0.2"), str(""));
    agsafeset(g, str("ranksep"), str("0.5"), str(""));
    agsafeset(g, str("splines"), str("spline"), str(""));

    std::vector<Agnode_t*> nodes;
    nodes.reserve(graph.nodes.size());
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const auto& n = graph.nodes[i];
        Agnode_t* v = agnode(g, str(("n" + std::to_string(i)).c_str()), 1);
        // Qt draws the text; Graphviz gets fixed sizes and no text to measure (its pango plugin's font cache
        // outlives the GVC context in 2.42, a use-after-free on the next layout).
        agsafeset(v, str("label"), str(""), str(""));
        agsafeset(v, str("shape"), str("box"), str(""));
        agsafeset(v, str("fixedsize"), str("true"), str(""));
        agsafeset(v, str("width"), str(number(n.width / 72.0).c_str()), str(""));
        agsafeset(v, str("height"), str(number(n.height / 72.0).c_str()), str(""));
        nodes.push_back(v);
    }
    std::vector<Agedge_t*> edges;
    edges.reserve(graph.edges.size());
    for (const auto& e : graph.edges) {
        Agedge_t* edge = agedge(g, nodes[e.from], nodes[e.to], nullptr, 1);
        agsafeset(edge, str("arrowhead"), str("none"), str("")); // the spline then ends on the node; Qt draws the arrow
        edges.push_back(edge);
    }

    if (gvLayout(gvc, g, "dot") != 0) {
        qWarning("Graphviz could not lay out the permission graph (is the dot layout plugin installed?)");
        agclose(g);
        graph.width = graph.height = 0;
        return;
    }
    const boxf bb = GD_bb(g);
    auto flip = [&](pointf p) { return std::pair<double, double> {p.x - bb.LL.x, bb.UR.y - p.y}; };
    graph.width = bb.UR.x - bb.LL.x;
    graph.height = bb.UR.y - bb.LL.y;
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        auto& n = graph.nodes[i];
        const auto [cx, cy] = flip(ND_coord(nodes[i]));
        n.width = ND_width(nodes[i]) * 72.0;
        n.height = ND_height(nodes[i]) * 72.0;
        n.x = cx - n.width / 2;
        n.y = cy - n.height / 2;
    }
    for (std::size_t i = 0; i < graph.edges.size(); ++i) {
        auto& e = graph.edges[i];
        e.points.clear();
        if (const splines* spl = ED_spl(edges[i])) {
            for (int k = 0; k < spl->size; ++k)
                for (int j = 0; j < spl->list[k].size; ++j)
                    if (k == 0 || j > 0) // consecutive beziers share their joint
                        e.points.push_back(flip(spl->list[k].list[j]));
        }
        if (e.points.size() < 4) { // no route: a straight cubic from the source's right edge to the target's left edge
            const auto& a = graph.nodes[e.from];
            const auto& z = graph.nodes[e.to];
            const std::pair<double, double> p0 {a.x + a.width, a.y + a.height / 2}, p3 {z.x, z.y + z.height / 2};
            e.points = {p0, p0, p3, p3};
        }
    }
    gvFreeLayout(gvc, g);
    agclose(g);
}

} // namespace rbx
