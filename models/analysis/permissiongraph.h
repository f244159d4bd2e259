// SPDX-License-Identifier: Apache-2.0
// The permission graph of one subject: workloads/pods -> subject -> bindings -> roles (-> source roles of
// aggregated ClusterRoles) -> rules, laid out left to right by Graphviz (dot).
#pragma once

#include "models/analysis/policy.h"
#include "models/analysis/subjects.h"

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace rbx {

struct GraphNode
{
    enum class Kind { Subject, Workload, Pod, Binding, Role, SourceRole, Rule, RuleGroup };
    Kind kind = Kind::Subject;
    std::string id; // stable across rebuilds: "subject", "binding:<i>", "role:<i>", "rules:<role>", "pods:<owner>", ...
    std::string label; // lines separated by '\n'; the first line is the heading
    // The Kubernetes object the node stands for. Rule and RuleGroup nodes name the role that stores the rules
    // (for aggregated rules: the source ClusterRole); an "N Pods" node (replicas of one controller) its first pod.
    std::string ns;
    std::string name;
    std::string objectKind; // e.g. "RoleBinding", "ClusterRole", "Deployment", "Pod", "ServiceAccount"
    std::vector<Grant> grants; // grants this node lies on
    double x = 0, y = 0, width = 0, height = 0; // layout, points: top-left corner, y pointing down
};

struct GraphEdge
{
    std::size_t from = 0, to = 0; // indices into PermissionGraph::nodes
    std::vector<std::pair<double, double>> points; // cubic B-spline control points from Graphviz (1 + 3n), y down
};

struct PermissionGraph
{
    std::vector<GraphNode> nodes;
    std::vector<GraphEdge> edges;
    double width = 0, height = 0; // bounding box of the layout, points
};

// Above this many bindings, each role's rules are grouped into one "N rules" node unless the role is expanded.
inline constexpr std::size_t kGroupRulesAboveBindings = 12;

// Everything that grants to `subject` in any scope: ClusterRoleBindings and the RoleBindings of every namespace
// (also those that apply through groups), their roles and rules, and the workloads and pods running as a
// ServiceAccount. `expandedRoles` holds Role node ids whose rules stay visible when rules are grouped
// (`collapseRoles`, or more than kGroupRulesAboveBindings bindings). Not laid out yet.
[[nodiscard]] PermissionGraph buildPermissionGraph(const Policy& policy, const SubjectRef& subject,
                                                   const std::set<std::string>& expandedRoles = {},
                                                   bool collapseRoles = false);

// Size (width, height, in points) of a node's label text; the layout adds the padding around it.
using LabelMeasure = std::function<std::pair<double, double>(const GraphNode& node)>;

// Sizes the nodes from their labels (about 7 pt per character and 15 pt per line) and lays the graph out with
// Graphviz dot, left to right. Fills GraphNode x/y/width/height, GraphEdge::points and the graph size.
void layoutPermissionGraph(PermissionGraph& graph);
// The same with the caller's text metrics (the UI passes its fonts' metrics so labels fit exactly).
void layoutPermissionGraph(PermissionGraph& graph, const LabelMeasure& measure);

// Highlighting: whether a node, or an edge (both its ends on one same grant), lies on the path behind `grants`.
[[nodiscard]] bool nodeOnGrants(const GraphNode& node, const std::vector<Grant>& grants);
[[nodiscard]] bool edgeOnGrants(const PermissionGraph& graph, const GraphEdge& edge, const std::vector<Grant>& grants);

} // namespace rbx
