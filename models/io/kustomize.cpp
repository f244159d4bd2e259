// SPDX-License-Identifier: Apache-2.0
#include "models/io/kustomize.h"

#include "models/analysis/explain.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QString>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace rbx::io {

namespace {

// ---- a small ordered YAML tree, so that every scalar gets the style Kubernetes needs ------------------------------

struct Y
{
    enum class T : std::uint8_t { Map, Seq, Str, Bool, Int, Null } t = T::Map;
    std::vector<std::pair<std::string, Y>> map;
    std::vector<Y> seq;
    std::string s;
    bool b = false;
    long long i = 0;

    // Declared here and defaulted below the struct: Y holds containers of itself, so its special members can only be
    // generated where Y is complete (clang, unlike GCC, insists).
    Y();
    Y(const Y&);
    Y(Y&&) noexcept;
    Y& operator=(const Y&);
    Y& operator=(Y&&) noexcept;
    ~Y();

    static Y str(std::string v);
    static Y boolean(bool v);
    static Y integer(long long v);
    static Y list();
    static Y strings(const std::vector<std::string>& v);
    Y& operator[](const std::string& key);
    Y& push(Y v);
};

Y::Y() = default;
Y::Y(const Y&) = default;
Y::Y(Y&&) noexcept = default;
Y& Y::operator=(const Y&) = default;
Y& Y::operator=(Y&&) noexcept = default;
Y::~Y() = default;

Y Y::str(std::string v)
{
    Y y;
    y.t = T::Str;
    y.s = std::move(v);
    return y;
}

Y Y::boolean(bool v)
{
    Y y;
    y.t = T::Bool;
    y.b = v;
    return y;
}

Y Y::integer(long long v)
{
    Y y;
    y.t = T::Int;
    y.i = v;
    return y;
}

Y Y::list()
{
    Y y;
    y.t = T::Seq;
    return y;
}

Y Y::strings(const std::vector<std::string>& v)
{
    Y y = list();
    for (const auto& x : v)
        y.seq.push_back(str(x));
    return y;
}

Y& Y::operator[](const std::string& key)
{
    for (auto& [k, v] : map)
        if (k == key)
            return v;
    map.emplace_back(key, Y {});
    return map.back().second;
}

Y& Y::push(Y v)
{
    seq.push_back(std::move(v));
    return seq.back();
}

bool plainSafe(const std::string& s)
{
    if (s.empty() || s.back() == ':')
        return false;
    const unsigned char first = static_cast<unsigned char>(s.front());
    if (!(std::isalpha(first) || first == '_' || first == '/'))
        return false;
    for (unsigned char c : s)
        if (!(std::isalnum(c) || c == '_' || c == '.' || c == '/' || c == '-' || c == ':' || c == '@' || c == '='
              || c == '+'))
            return false;
    static const std::set<std::string> reserved {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"};
    std::string lower;
    for (unsigned char c : s)
        lower += static_cast<char>(std::tolower(c));
    return !reserved.count(lower);
}

void emitY(YAML::Emitter& out, const Y& y)
{
    switch (y.t) {
    case Y::T::Map:
        out << YAML::BeginMap;
        for (const auto& [k, v] : y.map) {
            out << YAML::Key;
            if (plainSafe(k))
                out << k;
            else
                out << YAML::DoubleQuoted << k;
            out << YAML::Value;
            emitY(out, v);
        }
        out << YAML::EndMap;
        break;
    case Y::T::Seq:
        if (y.seq.empty()) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            break;
        }
        out << YAML::BeginSeq;
        for (const auto& v : y.seq)
            emitY(out, v);
        out << YAML::EndSeq;
        break;
    case Y::T::Str:
        if (plainSafe(y.s))
            out << y.s;
        else
            out << YAML::DoubleQuoted << y.s;
        break;
    case Y::T::Bool:
        out << y.b;
        break;
    case Y::T::Int:
        out << y.i;
        break;
    case Y::T::Null:
        out << YAML::Null;
        break;
    }
}

std::string toYaml(const Y& y, const std::vector<std::string>& header = {})
{
    YAML::Emitter out;
    out.SetNullFormat(YAML::LowerNull);
    out.SetIndent(2);
    out.SetSeqFormat(YAML::Block);
    emitY(out, y);
    std::string text;
    for (const auto& h : header)
        text += h.empty() ? std::string("#\n") : "# " + h + '\n';
    // Block sequences under a key are indented the way kubectl prints them ("- " at the key's indentation + 2).
    return text + out.c_str() + '\n';
}

std::string display(const std::string& ns, const std::string& name)
{
    return ns.empty() ? name : ns + '/' + name;
}

std::string describe(const ObjectLink& o)
{
    return o.kind + ' ' + display(o.ns, o.name);
}

bool sameObject(const ObjectLink& a, const ObjectLink& b)
{
    return a.kind == b.kind && a.ns == b.ns && a.name == b.name;
}

// ---- manifests from the model -------------------------------------------------------------------------------------

Y metadata(const ObjectMeta& m, bool withLabels = true)
{
    Y y;
    y["name"] = Y::str(m.name);
    if (!m.ns.empty())
        y["namespace"] = Y::str(m.ns);
    if (withLabels) {
        if (!m.labels.empty()) {
            Y& labels = y["labels"];
            for (const auto& [k, v] : m.labels)
                labels[k] = Y::str(v);
        }
        if (!m.annotations.empty()) {
            Y& annotations = y["annotations"];
            for (const auto& [k, v] : m.annotations)
                annotations[k] = Y::str(v);
        }
    }
    return y;
}

Y head(const std::string& apiVersion, const std::string& kind, Y meta)
{
    Y y;
    y["apiVersion"] = Y::str(apiVersion);
    y["kind"] = Y::str(kind);
    y["metadata"] = std::move(meta);
    return y;
}

Y rulesYaml(const std::vector<PolicyRule>& rules)
{
    Y list = Y::list();
    for (const auto& r : rules) {
        Y y;
        if (!r.apiGroups.empty())
            y["apiGroups"] = Y::strings(r.apiGroups);
        if (!r.resources.empty())
            y["resources"] = Y::strings(r.resources);
        if (!r.resourceNames.empty())
            y["resourceNames"] = Y::strings(r.resourceNames);
        if (!r.nonResourceURLs.empty())
            y["nonResourceURLs"] = Y::strings(r.nonResourceURLs);
        y["verbs"] = Y::strings(r.verbs);
        list.push(std::move(y));
    }
    return list;
}

Y podSpecYaml(const Workload& w)
{
    Y spec;
    const auto& p = w.pod;
    if (!p.serviceAccountName.empty())
        spec["serviceAccountName"] = Y::str(p.serviceAccountName);
    if (p.automountServiceAccountToken)
        spec["automountServiceAccountToken"] = Y::boolean(*p.automountServiceAccountToken);
    if (!p.nodeName.empty() && w.kind == "Pod")
        spec["nodeName"] = Y::str(p.nodeName);
    Y containers = Y::list();
    for (const auto& c : p.containers) {
        Y y;
        y["name"] = Y::str(c);
        containers.push(std::move(y));
    }
    spec["containers"] = std::move(containers);
    if (!p.volumeNames.empty()) {
        Y volumes = Y::list();
        for (const auto& v : p.volumeNames) {
            Y y;
            y["name"] = Y::str(v);
            for (const auto& r : p.secretRefs)
                if (r.via == SecretRefVia::Volume && r.where == v)
                    y["secret"]["secretName"] = Y::str(r.secretName);
            Y sources = Y::list();
            for (const auto& t : p.projectedTokens)
                if (t.volume == v) {
                    Y token;
                    if (!t.audience.empty())
                        token["audience"] = Y::str(t.audience);
                    if (t.expirationSeconds)
                        token["expirationSeconds"] = Y::integer(*t.expirationSeconds);
                    token["path"] = Y::str(t.path.empty() ? std::string("token") : t.path);
                    Y src;
                    src["serviceAccountToken"] = std::move(token);
                    sources.push(std::move(src));
                }
            for (const auto& r : p.secretRefs)
                if (r.via == SecretRefVia::ProjectedVolume && r.where == v) {
                    Y src;
                    src["secret"]["name"] = Y::str(r.secretName);
                    sources.push(std::move(src));
                }
            if (!sources.seq.empty())
                y["projected"]["sources"] = std::move(sources);
            volumes.push(std::move(y));
        }
        spec["volumes"] = std::move(volumes);
    }
    Y pullSecrets = Y::list();
    for (const auto& r : p.secretRefs)
        if (r.via == SecretRefVia::ImagePullSecret) {
            Y y;
            y["name"] = Y::str(r.secretName);
            pullSecrets.push(std::move(y));
        }
    if (!pullSecrets.seq.empty())
        spec["imagePullSecrets"] = std::move(pullSecrets);
    return spec;
}

// Where the pod spec sits in a workload of this kind.
std::vector<std::string> podSpecPath(const std::string& kind)
{
    if (kind == "Pod")
        return {"spec"};
    if (kind == "CronJob")
        return {"spec", "jobTemplate", "spec", "template", "spec"};
    return {"spec", "template", "spec"};
}

Y& at(Y& root, const std::vector<std::string>& path)
{
    Y* y = &root;
    for (const auto& k : path)
        y = &(*y)[k];
    return *y;
}

std::optional<Y> objectYaml(const Snapshot& s, const ObjectLink& o)
{
    if (o.kind == "ServiceAccount") {
        const auto* sa = s.findServiceAccount(o.ns, o.name);
        if (!sa)
            return std::nullopt;
        Y y = head("v1", "ServiceAccount", metadata(sa->meta));
        if (sa->automountServiceAccountToken)
            y["automountServiceAccountToken"] = Y::boolean(*sa->automountServiceAccountToken);
        if (!sa->secrets.empty()) {
            Y list = Y::list();
            for (const auto& n : sa->secrets) {
                Y e;
                e["name"] = Y::str(n);
                list.push(std::move(e));
            }
            y["secrets"] = std::move(list);
        }
        if (!sa->imagePullSecrets.empty()) {
            Y list = Y::list();
            for (const auto& n : sa->imagePullSecrets) {
                Y e;
                e["name"] = Y::str(n);
                list.push(std::move(e));
            }
            y["imagePullSecrets"] = std::move(list);
        }
        return y;
    }
    if (o.kind == "Role" || o.kind == "ClusterRole") {
        for (const auto& r : s.roles) {
            if (r.cluster != (o.kind == "ClusterRole") || r.meta.name != o.name || (!r.cluster && r.meta.ns != o.ns))
                continue;
            Y y = head("rbac.authorization.k8s.io/v1", o.kind, metadata(r.meta));
            if (r.hasAggregationRule) {
                Y selectors = Y::list();
                for (const auto& sel : r.clusterRoleSelectors) {
                    Y e;
                    if (!sel.matchLabels.empty())
                        for (const auto& [k, v] : sel.matchLabels)
                            e["matchLabels"][k] = Y::str(v);
                    if (!sel.matchExpressions.empty()) {
                        Y exprs = Y::list();
                        for (const auto& x : sel.matchExpressions) {
                            Y ex;
                            ex["key"] = Y::str(x.key);
                            ex["operator"] = Y::str(x.op);
                            if (!x.values.empty())
                                ex["values"] = Y::strings(x.values);
                            exprs.push(std::move(ex));
                        }
                        e["matchExpressions"] = std::move(exprs);
                    }
                    selectors.push(std::move(e));
                }
                y["aggregationRule"]["clusterRoleSelectors"] = std::move(selectors);
            }
            y["rules"] = rulesYaml(r.rules);
            return y;
        }
        return std::nullopt;
    }
    if (o.kind == "RoleBinding" || o.kind == "ClusterRoleBinding") {
        for (const auto& b : s.bindings) {
            if (b.cluster != (o.kind == "ClusterRoleBinding") || b.meta.name != o.name || (!b.cluster && b.meta.ns != o.ns))
                continue;
            Y y = head("rbac.authorization.k8s.io/v1", o.kind, metadata(b.meta));
            Y& ref = y["roleRef"];
            ref["apiGroup"] = Y::str(b.roleRef.apiGroup.empty() ? std::string("rbac.authorization.k8s.io") : b.roleRef.apiGroup);
            ref["kind"] = Y::str(b.roleRef.kind);
            ref["name"] = Y::str(b.roleRef.name);
            Y subjects = Y::list();
            for (const auto& sub : b.subjects) {
                Y e;
                e["kind"] = Y::str(sub.kind);
                if (!sub.apiGroup.empty())
                    e["apiGroup"] = Y::str(sub.apiGroup);
                e["name"] = Y::str(sub.name);
                if (!sub.ns.empty())
                    e["namespace"] = Y::str(sub.ns);
                subjects.push(std::move(e));
            }
            y["subjects"] = std::move(subjects);
            return y;
        }
        return std::nullopt;
    }
    if (o.kind == "Secret") {
        for (const auto& sec : s.secrets)
            if (sec.meta.ns == o.ns && sec.meta.name == o.name) {
                Y y = head("v1", "Secret", metadata(sec.meta));
                y["type"] = Y::str(sec.type);
                return y; // never data: the model has none, and a manifest must not pretend otherwise
            }
        return std::nullopt;
    }
    for (const auto& w : s.workloads) {
        if (w.kind != o.kind || w.meta.ns != o.ns || w.meta.name != o.name)
            continue;
        Y y = head(w.apiVersion.empty() ? apiVersionOf(s, o) : w.apiVersion, w.kind, metadata(w.meta));
        at(y, podSpecPath(w.kind)) = podSpecYaml(w);
        return y;
    }
    return std::nullopt;
}

// ---- files --------------------------------------------------------------------------------------------------------

std::string slug(const std::string& s)
{
    std::string out;
    for (unsigned char c : s) {
        const char l = static_cast<char>(std::tolower(c));
        out += std::isalnum(c) || c == '.' || c == '-' ? l : '_';
    }
    return out;
}

std::string fileName(const ObjectLink& o)
{
    return slug(o.kind) + (o.ns.empty() ? std::string() : '-' + slug(o.ns)) + '-' + slug(o.name) + ".yaml";
}

std::string kubectlResource(const std::string& kind)
{
    std::string lower;
    for (unsigned char c : kind)
        lower += static_cast<char>(std::tolower(c));
    return lower;
}

std::string nsFlag(const ObjectLink& o)
{
    return o.ns.empty() ? std::string() : " -n " + o.ns;
}

std::string groupOf(const std::string& apiVersion)
{
    const auto slash = apiVersion.find('/');
    return slash == std::string::npos ? std::string() : apiVersion.substr(0, slash);
}

std::string versionOf(const std::string& apiVersion)
{
    const auto slash = apiVersion.find('/');
    return slash == std::string::npos ? apiVersion : apiVersion.substr(slash + 1);
}

bool isCreate(const Operation& op)
{
    return op.kind == Operation::Kind::CreateServiceAccount || op.kind == Operation::Kind::CreateRoleBinding
        || op.kind == Operation::Kind::CreateKyvernoPolicy;
}

std::string opText(const PlannedStep& step)
{
    const auto& op = step.op;
    switch (op.kind) {
    case Operation::Kind::SetServiceAccountAutomount:
    case Operation::Kind::SetPodAutomount:
        return std::string("automountServiceAccountToken: ") + (op.flag ? "true" : "false")
            + (op.kind == Operation::Kind::SetPodAutomount ? " in the pod template" : "");
    case Operation::Kind::SetServiceAccountName:
        return "serviceAccountName: " + op.value;
    case Operation::Kind::ReplaceSecretVolume:
        return "volume " + op.value + ": Secret " + op.value2 + " -> projected serviceAccountToken (3600 s)";
    case Operation::Kind::RemoveSubject:
        return "remove subject " + op.subject.kind + ' '
            + (op.subject.ns.empty() ? op.subject.name : op.subject.ns + '/' + op.subject.name);
    case Operation::Kind::ReplaceRules:
        return "rules: " + std::to_string(op.rules.size()) + " explicit rule(s)";
    case Operation::Kind::SetAnnotation:
        return "annotation " + op.value + ": \"" + op.value2 + '"';
    case Operation::Kind::Delete:
        return "delete";
    case Operation::Kind::CreateServiceAccount:
        return "new ServiceAccount, automountServiceAccountToken: false";
    case Operation::Kind::CreateRoleBinding:
        return "new RoleBinding of " + op.roleRef.kind + ' ' + op.roleRef.name;
    case Operation::Kind::CreateKyvernoPolicy:
        return "new Kyverno ClusterPolicy";
    }
    return {};
}

// The object's metadata in the snapshot, for the kinds RBAC Explorer models.
const ObjectMeta* metaOf(const Snapshot& s, const ObjectLink& o)
{
    if (o.kind == "ServiceAccount") {
        for (const auto& x : s.serviceAccounts)
            if (x.meta.ns == o.ns && x.meta.name == o.name)
                return &x.meta;
        return nullptr;
    }
    if (o.kind == "Secret") {
        for (const auto& x : s.secrets)
            if (x.meta.ns == o.ns && x.meta.name == o.name)
                return &x.meta;
        return nullptr;
    }
    if (o.kind == "Role" || o.kind == "ClusterRole") {
        for (const auto& x : s.roles)
            if (x.cluster == (o.kind == "ClusterRole") && x.meta.name == o.name && x.meta.ns == o.ns)
                return &x.meta;
        return nullptr;
    }
    if (o.kind == "RoleBinding" || o.kind == "ClusterRoleBinding") {
        for (const auto& x : s.bindings)
            if (x.cluster == (o.kind == "ClusterRoleBinding") && x.meta.name == o.name && x.meta.ns == o.ns)
                return &x.meta;
        return nullptr;
    }
    for (const auto& x : s.workloads)
        if (x.kind == o.kind && x.meta.ns == o.ns && x.meta.name == o.name)
            return &x.meta;
    return nullptr;
}

const Workload* workloadOf(const Snapshot& s, const ObjectLink& o)
{
    for (const auto& w : s.workloads)
        if (w.kind == o.kind && w.meta.ns == o.ns && w.meta.name == o.name)
            return &w;
    return nullptr;
}

// A JSON Pointer (RFC 6901) from keys, escaped.
std::string pointer(const std::vector<std::string>& keys)
{
    std::string out;
    for (const auto& k : keys) {
        out += '/';
        for (char c : k)
            out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    }
    return out;
}

std::vector<std::string> podSpecPathTo(const std::string& kind, std::initializer_list<std::string> rest)
{
    auto path = podSpecPath(kind);
    path.insert(path.end(), rest.begin(), rest.end());
    return path;
}

Y jsonOp(const char* op, const std::string& path)
{
    Y y;
    y["op"] = Y::str(op);
    y["path"] = Y::str(path);
    return y;
}

Y jsonOp(const char* op, const std::string& path, Y value)
{
    Y y = jsonOp(op, path);
    y["value"] = std::move(value);
    return y;
}

// The volume that replaces a legacy token Secret volume: the same files (token, ca.crt, namespace) as the
// kube-api-access volume Kubernetes projects, with a token that expires after an hour.
Y projectedTokenVolume(const std::string& name)
{
    Y v;
    v["name"] = Y::str(name);
    Y& projected = v["projected"];
    projected["defaultMode"] = Y::integer(420);
    Y sources = Y::list();
    Y token;
    token["serviceAccountToken"]["expirationSeconds"] = Y::integer(3600);
    token["serviceAccountToken"]["path"] = Y::str("token");
    sources.push(std::move(token));
    Y ca;
    ca["configMap"]["name"] = Y::str("kube-root-ca.crt");
    Y item;
    item["key"] = Y::str("ca.crt");
    item["path"] = Y::str("ca.crt");
    ca["configMap"]["items"] = Y::list();
    ca["configMap"]["items"].push(std::move(item));
    sources.push(std::move(ca));
    Y ns;
    Y nsItem;
    nsItem["path"] = Y::str("namespace");
    nsItem["fieldRef"]["apiVersion"] = Y::str("v1");
    nsItem["fieldRef"]["fieldPath"] = Y::str("metadata.namespace");
    ns["downwardAPI"]["items"] = Y::list();
    ns["downwardAPI"]["items"].push(std::move(nsItem));
    sources.push(std::move(ns));
    projected["sources"] = std::move(sources);
    return v;
}

// One JSON patch (RFC 6902) with every step on one object, in the plan's order. Each operation names the field it
// changes; list elements are addressed by index, with `test` operations first that make the patch fail instead of
// changing another element when the object differs from the snapshot.
Y jsonPatch(const Snapshot& before, const std::vector<const PlannedStep*>& steps)
{
    Y ops = Y::list();
    if (steps.empty())
        return ops;
    const auto& target = steps.front()->op.target;
    const auto* meta = metaOf(before, target);
    bool haveAnnotations = meta && !meta->annotations.empty();
    for (const auto* step : steps) {
        const auto& op = step->op;
        switch (op.kind) {
        case Operation::Kind::SetServiceAccountAutomount:
            ops.push(jsonOp("add", pointer({ "automountServiceAccountToken" }), Y::boolean(op.flag)));
            break;
        case Operation::Kind::SetPodAutomount:
            ops.push(jsonOp(
                "add", pointer(podSpecPathTo(target.kind, { "automountServiceAccountToken" })), Y::boolean(op.flag)));
            break;
        case Operation::Kind::SetServiceAccountName:
            ops.push(jsonOp("add", pointer(podSpecPathTo(target.kind, { "serviceAccountName" })), Y::str(op.value)));
            break;
        case Operation::Kind::ReplaceSecretVolume: {
            // Replacing a volume never moves the others, so its index is the snapshot's.
            const auto* w = workloadOf(before, target);
            if (!w)
                break;
            const auto& names = w->pod.volumeNames;
            const auto it = std::find(names.begin(), names.end(), op.value);
            if (it == names.end())
                break;
            const auto index = std::to_string(it - names.begin());
            ops.push(
                jsonOp("test", pointer(podSpecPathTo(target.kind, { "volumes", index, "name" })), Y::str(op.value)));
            ops.push(jsonOp("test", pointer(podSpecPathTo(target.kind, { "volumes", index, "secret", "secretName" })),
                Y::str(op.value2)));
            ops.push(jsonOp(
                "replace", pointer(podSpecPathTo(target.kind, { "volumes", index })), projectedTokenVolume(op.value)));
            break;
        }
        case Operation::Kind::RemoveSubject: {
            // The plan's index counts the subjects earlier steps removed.
            const auto index = std::to_string(step->subjectIndex);
            ops.push(jsonOp("test", pointer({ "subjects", index, "kind" }), Y::str(op.subject.kind)));
            ops.push(jsonOp("test", pointer({ "subjects", index, "name" }), Y::str(op.subject.name)));
            ops.push(jsonOp("remove", pointer({ "subjects", index })));
            break;
        }
        case Operation::Kind::ReplaceRules:
            ops.push(jsonOp("add", pointer({ "rules" }), rulesYaml(op.rules)));
            break;
        case Operation::Kind::SetAnnotation:
            if (haveAnnotations) {
                ops.push(jsonOp("add", pointer({ "metadata", "annotations", op.value }), Y::str(op.value2)));
            } else {
                // JSON patch cannot add a key to a map that is not there.
                Y annotations;
                annotations[op.value] = Y::str(op.value2);
                ops.push(jsonOp("add", pointer({ "metadata", "annotations" }), std::move(annotations)));
                haveAnnotations = true;
            }
            break;
        default:
            break;
        }
    }
    return ops;
}

Y createdObject(const PlannedStep& step)
{
    const auto& op = step.op;
    ObjectMeta meta;
    meta.name = op.target.name;
    meta.ns = op.target.ns;
    if (op.kind == Operation::Kind::CreateServiceAccount) {
        Y y = head("v1", "ServiceAccount", metadata(meta, false));
        y["automountServiceAccountToken"] = Y::boolean(op.flag);
        return y;
    }
    if (op.kind == Operation::Kind::CreateRoleBinding) {
        Y y = head("rbac.authorization.k8s.io/v1", "RoleBinding", metadata(meta, false));
        y["roleRef"]["apiGroup"] = Y::str("rbac.authorization.k8s.io");
        y["roleRef"]["kind"] = Y::str(op.roleRef.kind);
        y["roleRef"]["name"] = Y::str(op.roleRef.name);
        Y subjects = Y::list();
        for (const auto& sub : op.subjects) {
            Y e;
            e["kind"] = Y::str(sub.kind);
            e["name"] = Y::str(sub.name);
            if (!sub.ns.empty())
                e["namespace"] = Y::str(sub.ns);
            subjects.push(std::move(e));
        }
        y["subjects"] = std::move(subjects);
        return y;
    }
    // Kyverno: mutate every ServiceAccount named default on admission.
    Y y = head("kyverno.io/v1", "ClusterPolicy", metadata(meta, false));
    y["metadata"]["annotations"]["policies.kyverno.io/title"] = Y::str("Default ServiceAccounts never mount tokens");
    y["metadata"]["annotations"]["policies.kyverno.io/category"] = Y::str("Security");
    y["metadata"]["annotations"]["policies.kyverno.io/subject"] = Y::str("ServiceAccount");
    y["metadata"]["annotations"]["policies.kyverno.io/description"] =
        Y::str("Pods that name no ServiceAccount run as their namespace's default one. Keeping its "
               "automountServiceAccountToken false means they get no API token unless their template asks for one.");
    y["spec"]["background"] = Y::boolean(false);
    Y rule;
    rule["name"] = Y::str("default-serviceaccount-automount-off");
    Y match;
    match["resources"]["kinds"] = Y::strings({"ServiceAccount"});
    match["resources"]["names"] = Y::strings({"default"});
    rule["match"]["any"] = Y::list();
    rule["match"]["any"].push(std::move(match));
    rule["mutate"]["patchStrategicMerge"]["automountServiceAccountToken"] = Y::boolean(false);
    y["spec"]["rules"] = Y::list();
    y["spec"]["rules"].push(std::move(rule));
    return y;
}

struct PatchFile
{
    std::string path;
    ObjectLink target;
    std::string apiVersion;
    std::vector<const PlannedStep*> steps; // every step on the object, in the plan's order
};

// One JSON patch per changed object, in the order the plan first changes them. kubectl 1.20's kustomize (v2.0.3)
// applies the JSON patches of a kustomization in both orders and fails when the results differ, so the steps of
// several fixes on one object must share a file: removing two subjects by index does not commute.
std::vector<PatchFile> patchFiles(const RemediationPlan& plan)
{
    std::vector<PatchFile> files;
    for (const auto& step : plan.steps) {
        if (isCreate(step.op))
            continue;
        auto into = std::find_if(
            files.begin(), files.end(), [&](const PatchFile& f) { return sameObject(f.target, step.op.target); });
        if (into == files.end()) {
            files.push_back({ {}, step.op.target, step.apiVersion, {} });
            into = files.end() - 1;
        }
        into->steps.push_back(&step);
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        auto& f = files[i];
        std::set<std::string> rules;
        for (const auto* s : f.steps)
            rules.insert(s->findingId.substr(0, s->findingId.find(':')));
        const auto rule = rules.size() == 1 ? *rules.begin() : std::string();
        char number[24];
        std::snprintf(number, sizeof number, "%03zu", i + 1);
        f.path = std::string("patches/") + number + '-' + (rule.empty() ? std::string() : slug(rule) + '-')
            + fileName(f.target);
    }
    return files;
}

const Finding* findingOf(const RemediationPlan& plan, const std::string& id)
{
    for (const auto& f : plan.findings)
        if (f.id == id)
            return &f;
    return nullptr;
}

std::string patchCommand(const PatchFile& f)
{
    const auto& t = f.target;
    return "kubectl patch " + kubectlResource(t.kind) + ' ' + t.name + nsFlag(t) + " --type json --patch \"$(cat "
        + f.path + ")\"";
}

std::vector<std::string> patchHeader(const RemediationPlan& plan, const PatchFile& f)
{
    std::vector<std::string> h;
    h.push_back("JSON patch (RFC 6902) of " + describe(f.target));
    // The fixes it carries, each with its finding, reason and changes.
    std::vector<std::string> fixIds;
    for (const auto* s : f.steps)
        if (std::find(fixIds.begin(), fixIds.end(), s->fixId) == fixIds.end())
            fixIds.push_back(s->fixId);
    for (const auto& id : fixIds) {
        const PlannedStep* first = nullptr;
        for (const auto* s : f.steps)
            if (s->fixId == id && !first)
                first = s;
        if (fixIds.size() > 1)
            h.emplace_back();
        h.push_back("Fix " + id);
        if (const auto* finding = findingOf(plan, first->findingId))
            h.push_back("Finding " + finding->id + " (" + severityName(finding->severity) + "): " + finding->title);
        h.push_back("Reason: " + first->reason);
        for (const auto* s : f.steps)
            if (s->fixId == id)
                h.push_back("Change: " + opText(*s));
    }
    if (fixIds.size() > 1)
        h.emplace_back();
    h.push_back("It changes only these fields; to apply it on its own:");
    h.push_back("  " + patchCommand(f));
    return h;
}

std::vector<std::string> baseHeader(const Snapshot& s, const ObjectLink& o)
{
    std::vector<std::string> h {"Base: " + describe(o) + " as the snapshot recorded it"};
    SourceRef src;
    if (const auto* meta = metaOf(s, o))
        src = meta->source;
    if (!src.file.empty())
        h.back() += " (" + src.file + ':' + std::to_string(src.line) + ')';
    h.push_back("It holds what RBAC Explorer reads: metadata name, namespace, labels and annotations, and the");
    h.push_back("RBAC, ServiceAccount and pod-template fields it keeps. Fields it does not read are not reproduced.");
    if (o.kind != "ServiceAccount" && o.kind.find("Role") == std::string::npos) {
        h.push_back("For review and as the target of the patches: apply the patches to the live object");
        h.push_back("(see REPORT.md), not this file.");
    }
    return h;
}

// ---- the report, as a tiny document rendered to Markdown and HTML -------------------------------------------------

struct Block
{
    enum class T : std::uint8_t { H1, H2, H3, P, List, Code, Table } t;
    std::vector<std::string> lines; // P: one; List: items; Code: lines; Table: header then rows, cells split by '\t'
};

std::vector<Block> report(const RemediationPlan& plan, const std::string& toolVersion)
{
    std::vector<Block> doc;
    const auto& s = *plan.before;
    auto inputs = s.report.inputs;
    std::string snap;
    for (const auto& i : inputs)
        snap += (snap.empty() ? "" : ", ") + i;
    const auto patches = patchFiles(plan);
    const auto created = plan.created();
    doc.push_back({Block::T::H1, {"RBAC Explorer remediation report"}});
    doc.push_back({Block::T::P,
                   {"Snapshot " + (snap.empty() ? std::string("(unnamed)") : snap) + ", judged as of "
                    + snapshotDate(s) + ". Generated by rbx " + (toolVersion.empty() ? std::string("") : toolVersion)
                    + ". " + std::to_string(plan.fixes.size()) + " fix(es) for "
                    + std::to_string(plan.findingIds().size()) + " finding(s): " + std::to_string(patches.size())
                    + " patch file(s) to " + std::to_string(plan.base.size()) + " object(s), "
                    + std::to_string(created.size()) + " new object(s), " + std::to_string(plan.deletions.size())
                    + " deletion(s)."}});

    doc.push_back({Block::T::H2, {"How to review and apply"}});
    doc.push_back({ Block::T::List,
        { "Review: `kubectl kustomize .` renders every fixed object offline (base/ with the patches applied, "
          "plus new/).",
            "ServiceAccounts, roles and bindings are reproduced in base/ in full, so `kubectl apply -k .` "
            "applies them as rendered.",
            "Workloads: base/ holds only the pod-template fields RBAC Explorer reads, not images, probes or "
            "replicas. Do not client-side apply them. Either patch each workload with the `kubectl patch` "
            "command in its patch file (listed below), or use server-side apply, which merges by field and "
            "leaves fields it does not own alone: `kubectl apply -k . --server-side "
            "--field-manager=rbac-explorer --force-conflicts`.",
            "Patches that replace a legacy Secret volume remove the `secret` field; apply never removes a field "
            "it does not own, so use their `kubectl patch` command.",
            "The patches are JSON patches: list elements (volumes, binding subjects) are addressed by index "
            "behind `test` operations, so a patch fails rather than change another element when the live "
            "object no longer matches the snapshot; take a fresh snapshot and generate the fixes again.",
            "New objects are in new/. The Kyverno ClusterPolicy needs Kyverno installed.",
            "After the workloads rolled out: `kubectl delete -f delete.yaml` (reviewed list below).",
            "base/ holds what the snapshot recorded: fields RBAC Explorer does not read are not reproduced, "
            "and Secret data never is. The overlay is for review and for applying the fields it changes." } });

    doc.push_back({Block::T::H2, {"Findings addressed"}});
    Block findings {Block::T::Table, {"Severity\tFinding\tWhat"}};
    for (const auto& id : plan.findingIds())
        if (const auto* f = findingOf(plan, id))
            findings.lines.push_back(std::string(severityName(f->severity)) + '\t' + "`" + f->id + "`\t" + f->title);
    doc.push_back(findings);

    doc.push_back({Block::T::H2, {"Fixes"}});
    for (const auto& fix : plan.fixes) {
        doc.push_back({Block::T::H3, {fix.title}});
        std::vector<std::string> items {"Fix `" + fix.id + "`" + (fix.findingId.empty() ? std::string() : " for `" + fix.findingId + "`"),
                                        "Why: " + fix.reason};
        for (const auto& step : plan.steps)
            if (step.fixId == fix.id)
                items.push_back("Change " + describe(step.op.target) + ": " + opText(step));
        for (const auto& d : plan.deletions)
            if (d.fixId == fix.id)
                items.push_back("Delete " + describe(d.object));
        for (const auto& n : fix.notes)
            items.push_back("Note: " + n);
        if (!fix.resolves)
            items.push_back("Note: this fix alone does not make the finding go away in the snapshot.");
        for (const auto& r : fix.residual)
            items.push_back("May remain or appear: `" + r + "`");
        doc.push_back({Block::T::List, items});
    }

    doc.push_back({Block::T::H2, {"What each ServiceAccount loses"}});
    if (plan.access.empty()) {
        doc.push_back({Block::T::P, {"No ServiceAccount's RBAC access changes."}});
    } else {
        Block t {Block::T::Table, {"ServiceAccount\tScope\tLoses\tGains or keeps"}};
        for (const auto& a : plan.access) {
            std::string lost, gained;
            for (const auto& l : a.lost)
                lost += (lost.empty() ? "" : "; ") + l;
            for (const auto& g : a.gained)
                gained += (gained.empty() ? "" : "; ") + g;
            t.lines.push_back(a.subject + '\t' + a.scope + '\t' + (lost.empty() ? "-" : lost) + '\t'
                              + (gained.empty() ? "-" : gained));
        }
        doc.push_back(t);
        doc.push_back({Block::T::P,
                       {"Scopes: cluster-wide covers cluster-scoped resources and requests across all namespaces; a "
                        "namespace row lists what changes there beyond that (\"kept here\" marks cluster-wide losses "
                        "that the namespace does not see)."}});
    }
    if (!plan.workloads.empty()) {
        doc.push_back({Block::T::H2, {"Workloads"}});
        Block t {Block::T::Table, {"Workload\tBefore\tAfter"}};
        for (const auto& w : plan.workloads)
            t.lines.push_back(describe(w.workload) + '\t' + w.before + '\t' + w.after);
        doc.push_back(t);
    }
    doc.push_back({Block::T::H2, {"Patches"}});
    if (patches.empty()) {
        doc.push_back({Block::T::P, {"None."}});
    } else {
        Block t {Block::T::Table, {"File\tObject\tApply on its own"}};
        for (const auto& p : patches)
            t.lines.push_back("`" + p.path + "`\t" + describe(p.target) + "\t`" + patchCommand(p) + "`");
        doc.push_back(t);
    }
    if (!created.empty()) {
        doc.push_back({Block::T::H2, {"New objects"}});
        std::vector<std::string> items;
        for (const auto* c : created)
            items.push_back("`new/" + fileName(c->op.target) + "`: " + describe(c->op.target) + " (" + opText(*c) + ')');
        doc.push_back({Block::T::List, items});
    }
    doc.push_back({Block::T::H2, {"Deletions"}});
    if (plan.deletions.empty()) {
        doc.push_back({Block::T::P, {"None."}});
    } else {
        doc.push_back({Block::T::P, {"`kubectl delete -f delete.yaml` removes them all; one by one:"}});
        Block code {Block::T::Code, {}};
        for (const auto& d : plan.deletions)
            code.lines.push_back("kubectl delete " + kubectlResource(d.object.kind) + ' ' + d.object.name + nsFlag(d.object)
                                 + "   # " + d.reason);
        doc.push_back(code);
    }
    if (!plan.skipped.empty()) {
        doc.push_back({Block::T::H2, {"Left out"}});
        doc.push_back({Block::T::List, plan.skipped});
    }
    return doc;
}

std::string escapeHtml(const std::string& s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

// `code` spans to <code>.
std::string inlineHtml(const std::string& s)
{
    std::string out;
    bool code = false;
    std::string chunk;
    for (char c : s) {
        if (c == '`') {
            out += code ? "<code>" + escapeHtml(chunk) + "</code>" : escapeHtml(chunk);
            chunk.clear();
            code = !code;
        } else {
            chunk += c;
        }
    }
    out += escapeHtml(chunk);
    return out;
}

std::vector<std::string> cells(const std::string& line)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const auto tab = line.find('\t', start);
        out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos)
            break;
        start = tab + 1;
    }
    return out;
}

std::string mdCell(std::string s)
{
    std::string out;
    for (char c : s)
        out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

} // namespace

std::string manifestYaml(const Snapshot& snapshot, const ObjectLink& object, const std::vector<std::string>& header)
{
    auto y = objectYaml(snapshot, object);
    return y ? toYaml(*y, header) : std::string();
}

std::vector<OverlayFile> overlayFiles(const RemediationPlan& plan, const std::string& toolVersion)
{
    std::vector<OverlayFile> files;
    const auto& before = *plan.before;
    const auto patches = patchFiles(plan);
    std::vector<std::string> resources;
    std::vector<OverlayFile> baseFiles, newFiles;
    for (const auto& o : plan.base) {
        OverlayFile f {"base/" + fileName(o), manifestYaml(before, o, baseHeader(before, o))};
        resources.push_back(f.path);
        baseFiles.push_back(std::move(f));
    }
    for (const auto* c : plan.created()) {
        std::vector<std::string> h {"New object: " + describe(c->op.target), "Fix " + c->fixId, "Reason: " + c->reason};
        OverlayFile f {"new/" + fileName(c->op.target), toYaml(createdObject(*c), h)};
        resources.push_back(f.path);
        newFiles.push_back(std::move(f));
    }

    // kustomization.yaml. kubectl 1.20's kustomize (v2.0.3) rewrites the text "patches" followed by a colon to the
    // strategic-merge field before parsing, so that text must not appear in this file, not even in a comment. It
    // also matches strategic-merge patches to objects by kind and name alone, which is ambiguous as soon as the
    // overlay holds same-named objects of several namespaces (every namespace's default ServiceAccount): so every
    // patch is a JSON patch whose target names group, version, kind, name and namespace, which both it and current
    // kustomize resolve exactly.
    Y k;
    k["apiVersion"] = Y::str("kustomize.config.k8s.io/v1beta1");
    k["kind"] = Y::str("Kustomization");
    k["resources"] = Y::strings(resources);
    Y json = Y::list();
    for (const auto& p : patches) {
        Y e;
        Y& target = e["target"];
        if (!groupOf(p.apiVersion).empty())
            target["group"] = Y::str(groupOf(p.apiVersion));
        target["version"] = Y::str(versionOf(p.apiVersion));
        target["kind"] = Y::str(p.target.kind);
        target["name"] = Y::str(p.target.name);
        if (!p.target.ns.empty())
            target["namespace"] = Y::str(p.target.ns);
        e["path"] = Y::str(p.path);
        json.push(std::move(e));
    }
    if (!json.seq.empty())
        k["patchesJson6902"] = std::move(json);
    std::vector<std::string> kh { "Remediation overlay by RBAC Explorer"
            + (toolVersion.empty() ? std::string() : " (rbx " + toolVersion + ')'),
        "Review: kubectl kustomize <this folder>. Apply and delete: see REPORT.md.",
        "base/ holds the affected objects as the snapshot recorded them; the files in",
        "patches/ change them (one JSON patch per object, its target naming the namespace);",
        "new/ adds objects; delete.yaml lists objects to remove." };
    files.push_back({"kustomization.yaml", toYaml(k, kh)});
    for (auto& f : baseFiles)
        files.push_back(std::move(f));
    for (const auto& p : patches) {
        const auto header = patchHeader(plan, p);
        files.push_back({ p.path, toYaml(jsonPatch(before, p.steps), header) });
    }
    for (auto& f : newFiles)
        files.push_back(std::move(f));

    std::string del = "# Objects to remove, reviewed: kubectl delete -f delete.yaml\n"
                      "# Delete legacy token Secrets only after the pods that used them rolled out.\n";
    if (plan.deletions.empty())
        del += "# (nothing to delete)\n";
    for (const auto& d : plan.deletions) {
        ObjectMeta meta;
        meta.name = d.object.name;
        meta.ns = d.object.ns;
        std::vector<std::string> h {describe(d.object) + ": " + d.reason};
        if (!d.fixId.empty())
            h.push_back("Fix " + d.fixId);
        h.push_back("kubectl delete " + kubectlResource(d.object.kind) + ' ' + d.object.name + nsFlag(d.object));
        del += "---\n" + toYaml(head(d.apiVersion, d.object.kind, metadata(meta, false)), h);
    }
    files.push_back({"delete.yaml", del});
    files.push_back({"REPORT.md", reportMarkdown(plan, toolVersion)});
    return files;
}

bool writeText(const std::string& path, const std::string& text, std::string* error)
{
    const QFileInfo info(QString::fromStdString(path));
    QDir().mkpath(info.absolutePath());
    QSaveFile file(info.absoluteFilePath());
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = path + ": " + file.errorString().toStdString();
        return false;
    }
    file.write(text.data(), static_cast<qint64>(text.size()));
    if (!file.commit()) {
        if (error)
            *error = path + ": " + file.errorString().toStdString();
        return false;
    }
    return true;
}

bool writeOverlay(const std::string& dir, const RemediationPlan& plan, std::string* error)
{
    if (!QDir().mkpath(QString::fromStdString(dir))) {
        if (error)
            *error = dir + ": cannot create the folder";
        return false;
    }
    for (const auto& f : overlayFiles(plan, RBX_VERSION))
        if (!writeText(dir + '/' + f.path, f.content, error))
            return false;
    return true;
}

std::string afterStateYaml(const RemediationPlan& plan)
{
    std::string text = "# The fixed objects, as RBAC Explorer's remediation leaves them (" + std::to_string(plan.fixes.size())
        + " fix(es)).\n# Fields RBAC Explorer does not read are not reproduced; Secret data never is.\n";
    for (const auto& d : plan.deletions)
        text += "# deleted: " + describe(d.object) + " (" + d.reason + ")\n";
    auto add = [&](const std::string& yaml) {
        if (yaml.empty())
            return;
        text += "---\n" + yaml;
    };
    for (const auto& o : plan.base)
        add(manifestYaml(*plan.after, o));
    for (const auto* c : plan.created()) {
        if (c->op.kind == Operation::Kind::CreateKyvernoPolicy)
            add(toYaml(createdObject(*c)));
        else
            add(manifestYaml(*plan.after, c->op.target));
    }
    return text;
}

std::string combinedYaml(const RemediationPlan& plan)
{
    std::string text;
    for (const auto& f : overlayFiles(plan, RBX_VERSION)) {
        if (f.path == "REPORT.md")
            continue;
        text += "# ==== " + f.path + " ====\n" + f.content;
        if (!text.empty() && text.back() != '\n')
            text += '\n';
        text += '\n';
    }
    return text;
}

std::string reportMarkdown(const RemediationPlan& plan, const std::string& toolVersion)
{
    std::string md;
    for (const auto& b : report(plan, toolVersion)) {
        switch (b.t) {
        case Block::T::H1:
            md += "# " + b.lines.front() + "\n\n";
            break;
        case Block::T::H2:
            md += "## " + b.lines.front() + "\n\n";
            break;
        case Block::T::H3:
            md += "### " + b.lines.front() + "\n\n";
            break;
        case Block::T::P:
            md += b.lines.front() + "\n\n";
            break;
        case Block::T::List:
            for (const auto& l : b.lines)
                md += "- " + l + '\n';
            md += '\n';
            break;
        case Block::T::Code:
            md += "```sh\n";
            for (const auto& l : b.lines)
                md += l + '\n';
            md += "```\n\n";
            break;
        case Block::T::Table: {
            for (std::size_t i = 0; i < b.lines.size(); ++i) {
                const auto row = cells(b.lines[i]);
                md += '|';
                for (const auto& c : row)
                    md += ' ' + mdCell(c) + " |";
                md += '\n';
                if (i == 0) {
                    md += '|';
                    for (std::size_t k = 0; k < row.size(); ++k)
                        md += "---|";
                    md += '\n';
                }
            }
            md += '\n';
            break;
        }
        }
    }
    return md;
}

std::string reportHtml(const RemediationPlan& plan, const std::string& toolVersion)
{
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>RBAC Explorer "
                       "remediation report</title>\n<style>body{font-family:sans-serif;max-width:72em;margin:2em auto;"
                       "line-height:1.4}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;"
                       "padding:.3em .5em;vertical-align:top;text-align:left}th{background:#eee}code,pre{background:"
                       "#f4f4f4;font-family:monospace}pre{padding:.6em;overflow-x:auto}</style></head><body>\n";
    for (const auto& b : report(plan, toolVersion)) {
        switch (b.t) {
        case Block::T::H1:
            html += "<h1>" + inlineHtml(b.lines.front()) + "</h1>\n";
            break;
        case Block::T::H2:
            html += "<h2>" + inlineHtml(b.lines.front()) + "</h2>\n";
            break;
        case Block::T::H3:
            html += "<h3>" + inlineHtml(b.lines.front()) + "</h3>\n";
            break;
        case Block::T::P:
            html += "<p>" + inlineHtml(b.lines.front()) + "</p>\n";
            break;
        case Block::T::List:
            html += "<ul>\n";
            for (const auto& l : b.lines)
                html += "<li>" + inlineHtml(l) + "</li>\n";
            html += "</ul>\n";
            break;
        case Block::T::Code:
            html += "<pre>";
            for (const auto& l : b.lines)
                html += escapeHtml(l) + '\n';
            html += "</pre>\n";
            break;
        case Block::T::Table:
            html += "<table>\n";
            for (std::size_t i = 0; i < b.lines.size(); ++i) {
                html += "<tr>";
                for (const auto& c : cells(b.lines[i]))
                    html += (i == 0 ? "<th>" : "<td>") + inlineHtml(c) + (i == 0 ? "</th>" : "</td>");
                html += "</tr>\n";
            }
            html += "</table>\n";
            break;
        }
    }
    return html + "</body></html>\n";
}

} // namespace rbx::io
