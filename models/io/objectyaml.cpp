// SPDX-License-Identifier: Apache-2.0
#include "models/io/objectyaml.h"

#include <yaml-cpp/yaml.h>

#include <fstream>

namespace rbx::io {

namespace {

void meta(YAML::Emitter& out, const ObjectMeta& m)
{
    out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << m.name;
    if (!m.ns.empty())
        out << YAML::Key << "namespace" << YAML::Value << m.ns;
    if (!m.uid.empty())
        out << YAML::Key << "uid" << YAML::Value << m.uid;
    if (!m.creationTimestamp.empty())
        out << YAML::Key << "creationTimestamp" << YAML::Value << m.creationTimestamp;
    for (const auto* map : {&m.labels, &m.annotations}) {
        if (map->empty())
            continue;
        out << YAML::Key << (map == &m.labels ? "labels" : "annotations") << YAML::Value << YAML::BeginMap;
        for (const auto& [k, v] : *map)
            out << YAML::Key << k << YAML::Value << YAML::DoubleQuoted << v;
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

void list(YAML::Emitter& out, const char* key, const std::vector<std::string>& v)
{
    if (v.empty())
        return;
    out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& s : v)
        out << YAML::DoubleQuoted << s;
    out << YAML::EndSeq;
}

void rules(YAML::Emitter& out, const char* key, const std::vector<PolicyRule>& rs,
           const std::vector<std::string>& comments = {})
{
    out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
    for (std::size_t i = 0; i < rs.size(); ++i) {
        if (i < comments.size() && !comments[i].empty())
            out << YAML::Comment(comments[i]);
        out << YAML::BeginMap;
        list(out, "apiGroups", rs[i].apiGroups);
        list(out, "resources", rs[i].resources);
        list(out, "resourceNames", rs[i].resourceNames);
        list(out, "nonResourceURLs", rs[i].nonResourceURLs);
        list(out, "verbs", rs[i].verbs);
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

void source(YAML::Emitter& out, const SourceRef& s)
{
    if (!s.file.empty())
        out << YAML::Comment("from " + s.file + ':' + std::to_string(s.line));
}

} // namespace

std::string objectYaml(const Policy& policy, const std::string& kind, const std::string& ns, const std::string& name)
{
    const auto& s = policy.snapshot();
    YAML::Emitter out;
    if (kind == "Role" || kind == "ClusterRole") {
        for (std::size_t i = 0; i < s.roles.size(); ++i) {
            const auto& r = s.roles[i];
            if (r.cluster != (kind == "ClusterRole") || r.meta.name != name || (!r.cluster && r.meta.ns != ns))
                continue;
            source(out, r.meta.source);
            out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "rbac.authorization.k8s.io/v1";
            out << YAML::Key << "kind" << YAML::Value << kind;
            meta(out, r.meta);
            if (r.hasAggregationRule) {
                out << YAML::Key << "aggregationRule" << YAML::Value << YAML::BeginMap << YAML::Key
                    << "clusterRoleSelectors" << YAML::Value << YAML::BeginSeq;
                for (const auto& sel : r.clusterRoleSelectors) {
                    out << YAML::BeginMap;
                    if (!sel.matchLabels.empty()) {
                        out << YAML::Key << "matchLabels" << YAML::Value << YAML::BeginMap;
                        for (const auto& [k, v] : sel.matchLabels)
                            out << YAML::Key << k << YAML::Value << YAML::DoubleQuoted << v;
                        out << YAML::EndMap;
                    }
                    if (!sel.matchExpressions.empty()) {
                        out << YAML::Key << "matchExpressions" << YAML::Value << YAML::BeginSeq;
                        for (const auto& e : sel.matchExpressions) {
                            out << YAML::Flow << YAML::BeginMap << YAML::Key << "key" << YAML::Value << e.key
                                << YAML::Key << "operator" << YAML::Value << e.op;
                            list(out, "values", e.values);
                            out << YAML::EndMap;
                        }
                        out << YAML::EndSeq;
                    }
                    out << YAML::EndMap;
                }
                out << YAML::EndSeq << YAML::EndMap;
                std::vector<PolicyRule> effective;
                std::vector<std::string> comments;
                for (const auto& er : policy.effectiveRules(i)) {
                    effective.push_back(er.rule);
                    comments.push_back("aggregated from ClusterRole " + s.roles[er.sourceRole].meta.name);
                }
                out << YAML::Comment("rules as the aggregation controller computes them");
                rules(out, "rules", effective, comments);
            } else {
                rules(out, "rules", r.rules);
            }
            out << YAML::EndMap;
            return out.c_str();
        }
        return {};
    }
    if (kind == "RoleBinding" || kind == "ClusterRoleBinding") {
        for (const auto& b : s.bindings) {
            if (b.cluster != (kind == "ClusterRoleBinding") || b.meta.name != name || (!b.cluster && b.meta.ns != ns))
                continue;
            source(out, b.meta.source);
            out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "rbac.authorization.k8s.io/v1";
            out << YAML::Key << "kind" << YAML::Value << kind;
            meta(out, b.meta);
            out << YAML::Key << "roleRef" << YAML::Value << YAML::BeginMap << YAML::Key << "apiGroup" << YAML::Value
                << b.roleRef.apiGroup << YAML::Key << "kind" << YAML::Value << b.roleRef.kind << YAML::Key << "name"
                << YAML::Value << b.roleRef.name << YAML::EndMap;
            out << YAML::Key << "subjects" << YAML::Value << YAML::BeginSeq;
            for (const auto& sub : b.subjects) {
                out << YAML::BeginMap << YAML::Key << "kind" << YAML::Value << sub.kind;
                if (!sub.apiGroup.empty())
                    out << YAML::Key << "apiGroup" << YAML::Value << sub.apiGroup;
                out << YAML::Key << "name" << YAML::Value << sub.name;
                if (!sub.ns.empty())
                    out << YAML::Key << "namespace" << YAML::Value << sub.ns;
                out << YAML::EndMap;
            }
            out << YAML::EndSeq << YAML::EndMap;
            return out.c_str();
        }
        return {};
    }
    if (kind == "ServiceAccount") {
        const auto* sa = s.findServiceAccount(ns, name);
        if (!sa)
            return {};
        source(out, sa->meta.source);
        out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "v1" << YAML::Key << "kind" << YAML::Value
            << kind;
        meta(out, sa->meta);
        if (sa->automountServiceAccountToken)
            out << YAML::Key << "automountServiceAccountToken" << YAML::Value << *sa->automountServiceAccountToken;
        if (!sa->secrets.empty()) {
            out << YAML::Key << "secrets" << YAML::Value << YAML::BeginSeq;
            for (const auto& n : sa->secrets)
                out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << n << YAML::EndMap;
            out << YAML::EndSeq;
        }
        out << YAML::EndMap;
        return out.c_str();
    }
    if (kind == "Secret") {
        for (const auto& sec : s.secrets) {
            if (sec.meta.ns != ns || sec.meta.name != name)
                continue;
            source(out, sec.meta.source);
            out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "v1" << YAML::Key << "kind"
                << YAML::Value << kind;
            meta(out, sec.meta);
            out << YAML::Key << "type" << YAML::Value << sec.type;
            out << YAML::Comment("values are never loaded; keys only");
            list(out, "dataKeys", sec.dataKeys);
            if (sec.token) {
                out << YAML::Key << "token" << YAML::Value << YAML::BeginMap << YAML::Key << "sha256" << YAML::Value
                    << sec.token->sha256;
                if (!sec.token->claimsJson.empty())
                    out << YAML::Key << "claims" << YAML::Value << sec.token->claimsJson;
                out << YAML::EndMap;
            }
            out << YAML::EndMap;
            return out.c_str();
        }
        return {};
    }
    for (const auto& w : s.workloads) {
        if (w.kind != kind || w.meta.ns != ns || w.meta.name != name)
            continue;
        source(out, w.meta.source);
        out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << w.apiVersion << YAML::Key << "kind"
            << YAML::Value << kind;
        meta(out, w.meta);
        out << YAML::Comment("pod template: what RBAC Explorer reads");
        out << YAML::Key << "podSpec" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "serviceAccountName" << YAML::Value
            << (w.pod.serviceAccountName.empty() ? std::string("default") : w.pod.serviceAccountName);
        if (w.pod.automountServiceAccountToken)
            out << YAML::Key << "automountServiceAccountToken" << YAML::Value << *w.pod.automountServiceAccountToken;
        if (!w.pod.nodeName.empty())
            out << YAML::Key << "nodeName" << YAML::Value << w.pod.nodeName;
        list(out, "containers", w.pod.containers);
        list(out, "volumes", w.pod.volumeNames);
        if (!w.pod.secretRefs.empty()) {
            out << YAML::Key << "secretReferences" << YAML::Value << YAML::BeginSeq;
            for (const auto& r : w.pod.secretRefs)
                out << r.secretName;
            out << YAML::EndSeq;
        }
        out << YAML::EndMap << YAML::EndMap;
        return out.c_str();
    }
    return {};
}

std::string fileExcerpt(const std::string& path, std::uint32_t line, std::uint32_t context)
{
    std::ifstream in(path);
    if (!in)
        return {};
    std::string text;
    std::string l;
    const std::uint32_t first = line > context ? line - context : 1;
    for (std::uint32_t n = 1; std::getline(in, l) && n <= line + context; ++n) {
        if (n < first)
            continue;
        if (l.size() > 300)
            l = l.substr(0, 300) + "…";
        text += (n == line ? "> " : "  ") + std::to_string(n) + ": " + l + '\n';
    }
    return text;
}

} // namespace rbx::io
