// SPDX-License-Identifier: Apache-2.0
#include "models/io/snapshotbuilder.h"

#include "models/io/token.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace rbx::io {

namespace {

[[noreturn]] void fail(const Node& at, std::string message)
{
    throw DecodeError {at.line, at.column, std::move(message)};
}

std::string typeName(const Node& n)
{
    switch (n.type) {
    case Node::Type::Scalar:
        return "a scalar";
    case Node::Type::Map:
        return "a mapping";
    case Node::Type::Seq:
        return "a list";
    default:
        return "null";
    }
}

// A YAML plain null (`~`, `null`) reads as absent, as sigs.k8s.io/yaml does.
const std::pmr::vector<Node> kNoNodes;

bool isAbsent(const Node* n)
{
    if (!n || n->isNull())
        return true;
    if (n->isScalar() && n->style == Node::ScalarStyle::Plain && !n->jsonString) {
        const auto t = n->text();
        return t == "null" || t == "~" || t == "Null" || t == "NULL";
    }
    return false;
}

const Node* field(const Node& map, std::string_view key)
{
    const Node* n = map.get(key);
    return isAbsent(n) ? nullptr : n;
}

const Node& expectMap(const Node& n, std::string_view what)
{
    if (!n.isMap())
        fail(n, std::string(what) + ": expected a mapping, got " + typeName(n));
    return n;
}

std::string scalarOf(const Node& n, std::string_view what)
{
    if (!n.isScalar())
        fail(n, std::string(what) + ": expected a string, got " + typeName(n));
    return std::string(n.text());
}

std::string stringField(const Node& map, std::string_view key, std::string_view what)
{
    const Node* n = field(map, key);
    return n ? scalarOf(*n, std::string(what) + '.' + std::string(key)) : std::string();
}

std::vector<std::string> stringList(const Node& map, std::string_view key, std::string_view what)
{
    std::vector<std::string> out;
    const Node* n = field(map, key);
    if (!n)
        return out;
    const auto path = std::string(what) + '.' + std::string(key);
    if (!n->isSeq())
        fail(*n, path + ": expected a list of strings, got " + typeName(*n));
    out.reserve(n->seq.size());
    for (const auto& item : n->seq) {
        if (isAbsent(&item)) {
            out.emplace_back(); // null in a string list decodes to "" in Go
            continue;
        }
        out.push_back(scalarOf(item, path + "[]"));
    }
    return out;
}

StringMap stringMap(const Node& map, std::string_view key, std::string_view what)
{
    StringMap out;
    const Node* n = field(map, key);
    if (!n)
        return out;
    const auto path = std::string(what) + '.' + std::string(key);
    expectMap(*n, path);
    for (const auto& [k, v] : n->map) {
        if (v.type == Node::Type::Skipped)
            continue;
        if (isAbsent(&v)) {
            out[std::string(k)] = std::string();
            continue;
        }
        out[std::string(k)] = scalarOf(v, path + '.' + std::string(k));
    }
    return out;
}

std::optional<bool> boolField(const Node& map, std::string_view key, std::string_view what)
{
    const Node* n = field(map, key);
    if (!n)
        return std::nullopt;
    const auto path = std::string(what) + '.' + std::string(key);
    if (n->isScalar() && n->style == Node::ScalarStyle::Plain && !n->jsonString) {
        static const char* truthy[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"};
        static const char* falsy[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"};
        for (const char* t : truthy)
            if (n->text() == t)
                return true;
        for (const char* f : falsy)
            if (n->text() == f)
                return false;
    }
    fail(*n, path + ": expected a boolean, got " + (n->isScalar() ? '"' + std::string(n->text()) + '"' : typeName(*n)));
}

std::optional<std::int64_t> intField(const Node& map, std::string_view key, std::string_view what)
{
    const Node* n = field(map, key);
    if (!n)
        return std::nullopt;
    const auto path = std::string(what) + '.' + std::string(key);
    if (!n->isScalar() || n->jsonString || n->style != Node::ScalarStyle::Plain)
        fail(*n, path + ": expected an integer");
    std::int64_t v = 0;
    const auto* b = n->text().data();
    const auto* e = b + n->text().size();
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec != std::errc() || p != e)
        fail(*n, path + ": expected an integer, got \"" + std::string(n->text()) + '"');
    return v;
}

std::string group(const std::string& apiVersion)
{
    const auto slash = apiVersion.find('/');
    return slash == std::string::npos ? std::string() : apiVersion.substr(0, slash);
}

enum class Scope { Namespaced, Cluster };

ObjectMeta decodeMeta(const Node& obj, Scope scope, bool& namespaceDefaulted, const std::string& defaultNamespace)
{
    ObjectMeta meta;
    meta.source.line = obj.line;
    meta.source.column = obj.column;
    const Node* m = field(obj, "metadata");
    if (!m)
        fail(obj, "metadata: missing (every object needs metadata.name)");
    expectMap(*m, "metadata");
    meta.name = stringField(*m, "name", "metadata");
    if (meta.name.empty()) {
        const Node* gn = field(*m, "generateName");
        fail(gn ? *gn : *m,
             gn ? "metadata.name: missing (generateName objects have no name until created)" : "metadata.name: missing");
    }
    meta.ns = stringField(*m, "namespace", "metadata");
    if (scope == Scope::Cluster) {
        meta.ns.clear(); // the API server ignores a namespace on cluster-scoped objects
    } else if (meta.ns.empty()) {
        meta.ns = defaultNamespace;
        namespaceDefaulted = true;
    }
    meta.uid = stringField(*m, "uid", "metadata");
    meta.creationTimestamp = stringField(*m, "creationTimestamp", "metadata");
    meta.labels = stringMap(*m, "labels", "metadata");
    meta.annotations = stringMap(*m, "annotations", "metadata");
    meta.annotations.erase("kubectl.kubernetes.io/last-applied-configuration");
    if (const Node* owners = field(*m, "ownerReferences")) {
        if (!owners->isSeq())
            fail(*owners, "metadata.ownerReferences: expected a list, got " + typeName(*owners));
        for (const auto& o : owners->seq) {
            expectMap(o, "metadata.ownerReferences[]");
            OwnerReference ref;
            ref.apiVersion = stringField(o, "apiVersion", "ownerReferences[]");
            ref.kind = stringField(o, "kind", "ownerReferences[]");
            ref.name = stringField(o, "name", "ownerReferences[]");
            ref.uid = stringField(o, "uid", "ownerReferences[]");
            ref.controller = boolField(o, "controller", "ownerReferences[]").value_or(false);
            meta.ownerReferences.push_back(std::move(ref));
        }
    }
    return meta;
}

std::vector<PolicyRule> decodeRules(const Node& obj)
{
    std::vector<PolicyRule> rules;
    const Node* n = field(obj, "rules");
    if (!n)
        return rules; // rules: null = no rules
    if (!n->isSeq())
        fail(*n, "rules: expected a list of rules, got " + typeName(*n));
    rules.reserve(n->seq.size());
    for (const auto& r : n->seq) {
        expectMap(r, "rules[]");
        PolicyRule rule;
        rule.verbs = stringList(r, "verbs", "rules[]");
        rule.apiGroups = stringList(r, "apiGroups", "rules[]");
        rule.resources = stringList(r, "resources", "rules[]");
        rule.resourceNames = stringList(r, "resourceNames", "rules[]");
        rule.nonResourceURLs = stringList(r, "nonResourceURLs", "rules[]");
        rules.push_back(std::move(rule));
    }
    return rules;
}

LabelSelector decodeSelector(const Node& n, std::string_view what)
{
    expectMap(n, what);
    LabelSelector sel;
    sel.matchLabels = stringMap(n, "matchLabels", what);
    if (const Node* exprs = field(n, "matchExpressions")) {
        if (!exprs->isSeq())
            fail(*exprs, std::string(what) + ".matchExpressions: expected a list, got " + typeName(*exprs));
        for (const auto& e : exprs->seq) {
            expectMap(e, "matchExpressions[]");
            LabelSelectorRequirement req;
            req.key = stringField(e, "key", "matchExpressions[]");
            req.op = stringField(e, "operator", "matchExpressions[]");
            req.values = stringList(e, "values", "matchExpressions[]");
            sel.matchExpressions.push_back(std::move(req));
        }
    }
    return sel;
}

Role decodeRole(const Node& obj, bool cluster, ObjectMeta meta)
{
    Role role;
    role.meta = std::move(meta);
    role.cluster = cluster;
    role.rules = decodeRules(obj);
    if (const Node* agg = field(obj, "aggregationRule"); agg && cluster) {
        expectMap(*agg, "aggregationRule");
        role.hasAggregationRule = true;
        if (const Node* sels = field(*agg, "clusterRoleSelectors")) {
            if (!sels->isSeq())
                fail(*sels, "aggregationRule.clusterRoleSelectors: expected a list, got " + typeName(*sels));
            for (const auto& s : sels->seq)
                role.clusterRoleSelectors.push_back(decodeSelector(s, "clusterRoleSelectors[]"));
        }
    }
    return role;
}

Binding decodeBinding(const Node& obj, bool cluster, ObjectMeta meta)
{
    Binding b;
    b.meta = std::move(meta);
    b.cluster = cluster;
    const Node* ref = field(obj, "roleRef");
    if (!ref)
        fail(obj, "roleRef: missing");
    expectMap(*ref, "roleRef");
    b.roleRef.apiGroup = stringField(*ref, "apiGroup", "roleRef");
    b.roleRef.kind = stringField(*ref, "kind", "roleRef");
    b.roleRef.name = stringField(*ref, "name", "roleRef");
    if (const Node* subjects = field(obj, "subjects")) {
        if (!subjects->isSeq())
            fail(*subjects, "subjects: expected a list, got " + typeName(*subjects));
        for (const auto& s : subjects->seq) {
            expectMap(s, "subjects[]");
            Subject sub;
            sub.kind = stringField(s, "kind", "subjects[]");
            sub.apiGroup = stringField(s, "apiGroup", "subjects[]");
            sub.name = stringField(s, "name", "subjects[]");
            sub.ns = stringField(s, "namespace", "subjects[]");
            b.subjects.push_back(std::move(sub));
        }
    }
    return b;
}

void addContainerRefs(const Node& spec, std::string_view list, PodSpecInfo& pod)
{
    const Node* containers = field(spec, list);
    if (!containers)
        return;
    const auto what = "spec." + std::string(list);
    if (!containers->isSeq())
        fail(*containers, what + ": expected a list, got " + typeName(*containers));
    for (const auto& c : containers->seq) {
        expectMap(c, what + "[]");
        const auto name = stringField(c, "name", what);
        pod.containers.push_back(name);
        if (const Node* env = field(c, "env")) {
            if (!env->isSeq())
                fail(*env, what + "[].env: expected a list");
            for (const auto& e : env->seq) {
                expectMap(e, "env[]");
                const Node* from = field(e, "valueFrom");
                const Node* ref = from && from->isMap() ? field(*from, "secretKeyRef") : nullptr;
                if (ref && ref->isMap())
                    pod.secretRefs.push_back({stringField(*ref, "name", "secretKeyRef"), SecretRefVia::Env, name});
            }
        }
        if (const Node* envFrom = field(c, "envFrom")) {
            if (!envFrom->isSeq())
                fail(*envFrom, what + "[].envFrom: expected a list");
            for (const auto& e : envFrom->seq) {
                expectMap(e, "envFrom[]");
                const Node* ref = field(e, "secretRef");
                if (ref && ref->isMap())
                    pod.secretRefs.push_back({stringField(*ref, "name", "secretRef"), SecretRefVia::EnvFrom, name});
            }
        }
    }
}

PodSpecInfo decodePodSpec(const Node& spec)
{
    expectMap(spec, "pod spec");
    PodSpecInfo pod;
    pod.serviceAccountName = stringField(spec, "serviceAccountName", "spec");
    if (pod.serviceAccountName.empty())
        pod.serviceAccountName = stringField(spec, "serviceAccount", "spec");
    pod.automountServiceAccountToken = boolField(spec, "automountServiceAccountToken", "spec");
    pod.nodeName = stringField(spec, "nodeName", "spec");
    if (const Node* volumes = field(spec, "volumes")) {
        if (!volumes->isSeq())
            fail(*volumes, "spec.volumes: expected a list, got " + typeName(*volumes));
        for (const auto& v : volumes->seq) {
            expectMap(v, "spec.volumes[]");
            const auto name = stringField(v, "name", "volumes[]");
            pod.volumeNames.push_back(name);
            if (const Node* secret = field(v, "secret")) {
                expectMap(*secret, "volumes[].secret");
                pod.secretRefs.push_back({stringField(*secret, "secretName", "secret"), SecretRefVia::Volume, name});
            }
            if (const Node* projected = field(v, "projected")) {
                expectMap(*projected, "volumes[].projected");
                const Node* sources = field(*projected, "sources");
                if (sources && !sources->isSeq())
                    fail(*sources, "projected.sources: expected a list");
                for (const auto& s : sources ? sources->seq : kNoNodes) {
                    expectMap(s, "projected.sources[]");
                    if (const Node* secret = field(s, "secret")) {
                        expectMap(*secret, "sources[].secret");
                        pod.secretRefs.push_back(
                            {stringField(*secret, "name", "secret"), SecretRefVia::ProjectedVolume, name});
                    }
                    if (const Node* sat = field(s, "serviceAccountToken")) {
                        expectMap(*sat, "sources[].serviceAccountToken");
                        ProjectedTokenSource t;
                        t.volume = name;
                        t.audience = stringField(*sat, "audience", "serviceAccountToken");
                        t.expirationSeconds = intField(*sat, "expirationSeconds", "serviceAccountToken");
                        t.path = stringField(*sat, "path", "serviceAccountToken");
                        pod.projectedTokens.push_back(std::move(t));
                    }
                }
            }
        }
    }
    addContainerRefs(spec, "initContainers", pod);
    addContainerRefs(spec, "containers", pod);
    addContainerRefs(spec, "ephemeralContainers", pod);
    if (const Node* pulls = field(spec, "imagePullSecrets")) {
        if (!pulls->isSeq())
            fail(*pulls, "spec.imagePullSecrets: expected a list");
        for (const auto& p : pulls->seq) {
            expectMap(p, "imagePullSecrets[]");
            pod.secretRefs.push_back({stringField(p, "name", "imagePullSecrets[]"), SecretRefVia::ImagePullSecret, {}});
        }
    }
    return pod;
}

const Node* podSpecOf(const Node& obj, const std::string& kind)
{
    const Node* spec = field(obj, "spec");
    if (!spec)
        return nullptr;
    expectMap(*spec, "spec");
    if (kind == "Pod")
        return spec;
    const Node* tmpl = nullptr;
    if (kind == "CronJob") {
        const Node* jt = field(*spec, "jobTemplate");
        if (!jt)
            return nullptr;
        expectMap(*jt, "spec.jobTemplate");
        const Node* jspec = field(*jt, "spec");
        if (!jspec)
            return nullptr;
        expectMap(*jspec, "spec.jobTemplate.spec");
        tmpl = field(*jspec, "template");
    } else {
        tmpl = field(*spec, "template");
    }
    if (!tmpl)
        return nullptr;
    expectMap(*tmpl, "template");
    return field(*tmpl, "spec");
}

bool isWorkloadKind(const std::string& kind, const std::string& grp)
{
    if (kind == "Pod")
        return grp.empty();
    if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" || kind == "ReplicaSet")
        return grp == "apps" || grp == "extensions";
    if (kind == "Job" || kind == "CronJob")
        return grp == "batch";
    return false;
}

} // namespace

SnapshotBuilder::SnapshotBuilder(std::string defaultNamespace)
    : m_defaultNamespace(std::move(defaultNamespace))
{
}

void SnapshotBuilder::setFile(const std::string& file)
{
    flushSuppressed();
    m_file = file;
    m_fileDiagnostics = 0;
}

void SnapshotBuilder::flushSuppressed()
{
    if (m_suppressed == 0)
        return;
    Diagnostic d;
    d.severity = Diagnostic::Severity::Warning;
    d.file = m_file;
    d.message = std::to_string(m_suppressed) + " more diagnostic(s) in this file are not shown";
    m_snapshot.report.diagnostics.push_back(std::move(d));
    m_suppressed = 0;
}

void SnapshotBuilder::beginDocument(std::uint32_t documentIndex)
{
    m_document = documentIndex;
    m_documentFailed = false;
    m_pending.clear();
    m_pendingItems.clear();
    ++m_documents;
}

void SnapshotBuilder::diagnostic(Diagnostic::Severity severity, std::uint32_t line, std::uint32_t column,
                                 std::string message, bool inDocument)
{
    if (++m_fileDiagnostics > kMaxDiagnosticsPerFile) {
        ++m_suppressed;
        return;
    }
    Diagnostic d;
    d.severity = severity;
    d.file = m_file;
    d.line = line;
    d.column = column;
    d.document = inDocument ? static_cast<std::int32_t>(m_document) : -1;
    d.message = std::move(message);
    m_snapshot.report.diagnostics.push_back(std::move(d));
}

std::optional<DecodedObject> SnapshotBuilder::decode(const Node& obj, const std::string& kind,
                                                     const std::string& apiVersion, bool& namespaceDefaulted,
                                                     const std::string& defaultNamespace)
{
    const auto grp = group(apiVersion);
    const bool rbac = grp == "rbac.authorization.k8s.io";
    const bool core = apiVersion == "v1";
    auto meta = [&](Scope scope) { return decodeMeta(obj, scope, namespaceDefaulted, defaultNamespace); };

    if (rbac && (kind == "Role" || kind == "ClusterRole")) {
        const bool cluster = kind == "ClusterRole";
        return decodeRole(obj, cluster, meta(cluster ? Scope::Cluster : Scope::Namespaced));
    }
    if (rbac && (kind == "RoleBinding" || kind == "ClusterRoleBinding")) {
        const bool cluster = kind == "ClusterRoleBinding";
        return decodeBinding(obj, cluster, meta(cluster ? Scope::Cluster : Scope::Namespaced));
    }
    if (core && kind == "ServiceAccount") {
        ServiceAccount sa;
        sa.meta = meta(Scope::Namespaced);
        sa.automountServiceAccountToken = boolField(obj, "automountServiceAccountToken", "serviceaccount");
        for (const char* key : {"secrets", "imagePullSecrets"}) {
            const Node* list = field(obj, key);
            if (!list)
                continue;
            if (!list->isSeq())
                fail(*list, std::string(key) + ": expected a list, got " + typeName(*list));
            for (const auto& s : list->seq) {
                expectMap(s, std::string(key) + "[]");
                (std::string_view(key) == "secrets" ? sa.secrets : sa.imagePullSecrets)
                    .push_back(stringField(s, "name", key));
            }
        }
        return sa;
    }
    if (core && kind == "Secret") {
        Secret secret;
        secret.meta = meta(Scope::Namespaced);
        secret.type = stringField(obj, "type", "secret");
        if (secret.type.empty())
            secret.type = "Opaque";
        std::optional<std::string> token;
        std::set<std::string_view> seenKeys;
        for (const char* key : {"data", "stringData"}) {
            const Node* data = field(obj, key);
            if (!data)
                continue;
            expectMap(*data, key);
            for (const auto& [k, v] : data->map) {
                if (seenKeys.insert(std::string_view(k)).second)
                    secret.dataKeys.emplace_back(k);
                if (k != "token" || v.type == Node::Type::Skipped || isAbsent(&v))
                    continue;
                const auto value = scalarOf(v, std::string(key) + ".token");
                if (std::string_view(key) == "stringData") {
                    token = value;
                } else if (auto decoded = base64Decode(value)) {
                    token = std::move(decoded);
                } else {
                    fail(v, "data.token: not valid base64");
                }
            }
        }
        if (token && secret.type == "kubernetes.io/service-account-token")
            secret.token = inspectToken(*token);
        return secret; // `token` (the credential) goes out of scope here
    }
    if (core && kind == "Namespace")
        return Namespace {meta(Scope::Cluster)};
    if (core && kind == "Node") {
        NodeObject node {meta(Scope::Cluster), {}};
        const Node* status = field(obj, "status");
        const Node* info = status && status->isMap() ? field(*status, "nodeInfo") : nullptr;
        if (info && info->isMap())
            node.kubeletVersion = stringField(*info, "kubeletVersion", "status.nodeInfo");
        return node;
    }
    if (core && kind == "ConfigMap") {
        // Only one ConfigMap matters: look at its name before reading (and validating) the rest.
        const Node* md = field(obj, "metadata");
        const Node* n = md && md->isMap() ? field(*md, "name") : nullptr;
        if (!n || !n->isScalar() || n->text() != "kube-apiserver-legacy-service-account-token-tracking")
            return std::nullopt;
        auto m = meta(Scope::Namespaced);
        if (m.ns != "kube-system" || m.name != "kube-apiserver-legacy-service-account-token-tracking")
            return std::nullopt;
        TokenTrackingObject t;
        if (const Node* data = field(obj, "data")) {
            expectMap(*data, "data");
            t.tracking.since = stringField(*data, "since", "data");
        }
        t.tracking.source = m.source;
        t.meta = std::move(m);
        return t;
    }
    if (isWorkloadKind(kind, grp)) {
        Workload w;
        w.meta = meta(Scope::Namespaced);
        w.kind = kind;
        w.apiVersion = apiVersion;
        if (const Node* spec = podSpecOf(obj, kind))
            w.pod = decodePodSpec(*spec);
        return w;
    }
    if (grp == "apiextensions.k8s.io" && kind == "CustomResourceDefinition") {
        CustomResourceDefinition crd;
        crd.meta = meta(Scope::Cluster);
        if (const Node* spec = field(obj, "spec")) {
            expectMap(*spec, "spec");
            crd.group = stringField(*spec, "group", "spec");
            crd.namespaced = stringField(*spec, "scope", "spec") != "Cluster";
            if (const Node* names = field(*spec, "names")) {
                expectMap(*names, "spec.names");
                crd.plural = stringField(*names, "plural", "spec.names");
                crd.kind = stringField(*names, "kind", "spec.names");
            }
            if (const Node* versions = field(*spec, "versions"); versions && versions->isSeq())
                for (const auto& v : versions->seq)
                    if (v.isMap())
                        crd.versions.push_back(stringField(v, "name", "spec.versions[]"));
        }
        return crd;
    }
    return std::nullopt;
}

namespace {

// APIResourceList: the discovery document of one group/version. Not an object (no metadata): kept for the catalogue.
std::vector<DiscoveredResource> decodeDiscovery(const Node& obj)
{
    std::vector<DiscoveredResource> out;
    const auto gv = stringField(obj, "groupVersion", "APIResourceList");
    const auto slash = gv.find('/');
    const std::string grp = slash == std::string::npos ? std::string() : gv.substr(0, slash);
    const std::string version = slash == std::string::npos ? gv : gv.substr(slash + 1);
    const Node* resources = field(obj, "resources");
    if (!resources)
        return out;
    if (!resources->isSeq())
        fail(*resources, "resources: expected a list, got " + typeName(*resources));
    for (const auto& r : resources->seq) {
        expectMap(r, "resources[]");
        DiscoveredResource d;
        d.group = stringField(r, "group", "resources[]");
        if (d.group.empty())
            d.group = grp;
        d.version = version;
        d.name = stringField(r, "name", "resources[]");
        d.singularName = stringField(r, "singularName", "resources[]");
        d.kind = stringField(r, "kind", "resources[]");
        d.namespaced = boolField(r, "namespaced", "resources[]").value_or(true);
        d.verbs = stringList(r, "verbs", "resources[]");
        d.shortNames = stringList(r, "shortNames", "resources[]");
        if (!d.name.empty())
            out.push_back(std::move(d));
    }
    return out;
}

} // namespace

namespace {

std::string kindName(const DecodedObject& o);

// Returns false when it stopped at an error (the document is rejected; nothing after it counts).
bool prepareInto(const Node& object, const std::string& defaultNamespace, const std::string& fallbackKind,
                 const std::string& fallbackApiVersion, bool listItem, PreparedObject& out)
{
    if (object.isNull())
        return true; // empty document
    if (!object.isMap()) {
        out.push_back({DecodeError {object.line, object.column,
                                    "expected a Kubernetes object (a mapping with apiVersion and kind), got "
                                        + typeName(object)},
                       false, {}});
        return false;
    }
    try {
        auto kind = stringField(object, "kind", "object");
        auto apiVersion = stringField(object, "apiVersion", "object");
        if (kind.empty())
            kind = fallbackKind;
        if (apiVersion.empty())
            apiVersion = fallbackApiVersion;
        if (kind.empty())
            fail(object, "kind: missing");
        if (apiVersion.empty())
            fail(object, "apiVersion: missing");
        if (kind == "APIResourceList" && apiVersion == "v1") {
            out.push_back({decodeDiscovery(object), false, {}});
            return true;
        }
        if (kind == "List" || (kind.size() > 4 && kind.ends_with("List") && object.get("items"))) {
            if (listItem)
                fail(object, "a List inside a List is not supported");
            // A list the reader did not stream (items: null, or items that are not a sequence).
            const Node* items = field(object, "items");
            if (items && !items->isSeq())
                fail(*items, "items: expected a list, got " + typeName(*items));
            const std::string itemKind = kind == "List" ? std::string() : kind.substr(0, kind.size() - 4);
            const std::string itemApiVersion = kind == "List" ? std::string() : apiVersion;
            for (const auto& item : items ? items->seq : kNoNodes)
                if (!prepareInto(item, defaultNamespace, itemKind, itemApiVersion, true, out))
                    return false;
            return true;
        }
        bool defaulted = false;
        auto decoded = SnapshotBuilder::decode(object, kind, apiVersion, defaulted, defaultNamespace);
        if (!decoded) {
            out.push_back({apiVersion + ' ' + kind, false, {}});
            return true;
        }
        const ObjectMeta& meta = std::visit([](const auto& v) -> const ObjectMeta& { return v.meta; }, *decoded);
        std::string key = kindName(*decoded);
        key.reserve(key.size() + meta.ns.size() + meta.name.size() + 2);
        key += '\0';
        key += meta.ns;
        key += '\0';
        key += meta.name;
        auto& step = out.emplace_back(); // built in place: a Workload is large, every move of it counts
        step.what.emplace<DecodedObject>(std::move(*decoded));
        step.namespaceDefaulted = defaulted;
        step.key = std::move(key);
    } catch (const DecodeError& e) {
        // The whole document is rejected: a half-read object must never grant anything.
        out.push_back({e, false, {}});
        return false;
    }
    return true;
}

} // namespace

void SnapshotBuilder::prepare(const Node& object, const std::string& defaultNamespace, PreparedObject& out,
                              const std::string& fallbackKind, const std::string& fallbackApiVersion, bool listItem)
{
    prepareInto(object, defaultNamespace, fallbackKind, fallbackApiVersion, listItem, out);
}

void SnapshotBuilder::addPrepared(PreparedStep&& step)
{
    if (m_documentFailed)
        return;
    if (auto* o = std::get_if<DecodedObject>(&step.what)) {
        std::visit(
            [&](auto& v) {
                if (v.meta.source.file != m_file) // usually set already by the thread that decoded it
                    v.meta.source.file = m_file;
                v.meta.source.document = m_document;
            },
            *o);
        if (step.namespaceDefaulted)
            ++m_pendingDefaulted;
        m_pending.push_back(std::move(step));
    } else if (auto* skipped = std::get_if<std::string>(&step.what)) {
        m_pendingSkipped.push_back(std::move(*skipped));
    } else if (auto* found = std::get_if<std::vector<DiscoveredResource>>(&step.what)) {
        ++m_pendingDiscoveryLists;
        for (auto& d : *found)
            m_pendingDiscovery.push_back(std::move(d));
    } else {
        auto& e = std::get<DecodeError>(step.what);
        diagnostic(Diagnostic::Severity::Error, e.line, e.column, std::move(e.message));
        m_documentFailed = true;
    }
}

void SnapshotBuilder::addObject(const Node& object, const std::string& fallbackKind,
                                const std::string& fallbackApiVersion, bool listItem)
{
    if (m_documentFailed)
        return;
    PreparedObject steps;
    prepare(object, m_defaultNamespace, steps, fallbackKind, fallbackApiVersion, listItem);
    for (auto& step : steps)
        addPrepared(std::move(step));
}

void SnapshotBuilder::addPendingListItem(Node item)
{
    m_pendingItems.push_back(std::move(item));
}

void SnapshotBuilder::endList(const Node& listRoot)
{
    std::string kind;
    std::string apiVersion;
    if (const Node* k = field(listRoot, "kind"); k && k->isScalar())
        kind = k->text();
    if (const Node* v = field(listRoot, "apiVersion"); v && v->isScalar())
        apiVersion = v->text();
    if (kind.empty())
        kind = "List"; // some dumps omit the list's kind; their items carry their own
    if (kind != "List" && !kind.ends_with("List")) {
        diagnostic(Diagnostic::Severity::Error, listRoot.line, listRoot.column,
                   "a document with items must be a List (kind: List or e.g. RoleList), got kind \"" + kind + '"');
        m_documentFailed = true;
    }
    // Items of a typed list (RoleList) without kind/apiVersion take them from the list, as API servers send them.
    const std::string itemKind = kind == "List" ? std::string() : kind.substr(0, kind.size() - 4);
    const std::string itemApiVersion = kind == "List" ? std::string() : apiVersion;
    for (const auto& item : m_pendingItems)
        addObject(item, itemKind, itemApiVersion, true);
    m_pendingItems.clear();
}

void SnapshotBuilder::commitPendingObjects()
{
    for (auto& o : m_pending)
        commit(std::move(o));
    m_pending.clear();
}

void SnapshotBuilder::endDocument(bool ok)
{
    if (!ok || m_documentFailed) {
        m_pendingDiscovery.clear();
        m_pendingDiscoveryLists = 0;
        m_pending.clear();
        m_pendingItems.clear();
        m_pendingSkipped.clear();
        m_pendingDefaulted = 0;
        return;
    }
    commitPendingObjects();
    for (const auto& s : m_pendingSkipped)
        ++m_skippedCounts[s];
    m_pendingSkipped.clear();
    m_namespaceDefaulted += m_pendingDefaulted;
    m_pendingDefaulted = 0;
    // Counted per APIResourceList, not per document: a List of two counts two, as two files would.
    if (m_pendingDiscoveryLists > 0)
        m_keptCounts["APIResourceList"] += m_pendingDiscoveryLists;
    m_pendingDiscoveryLists = 0;
    for (auto& d : m_pendingDiscovery)
        m_snapshot.discovery.push_back(std::move(d));
    m_pendingDiscovery.clear();
}

namespace {

std::string kindName(const DecodedObject& o)
{
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, Namespace>)
                return "Namespace";
            else if constexpr (std::is_same_v<T, ServiceAccount>)
                return "ServiceAccount";
            else if constexpr (std::is_same_v<T, Secret>)
                return "Secret";
            else if constexpr (std::is_same_v<T, Role>)
                return v.cluster ? "ClusterRole" : "Role";
            else if constexpr (std::is_same_v<T, Binding>)
                return v.cluster ? "ClusterRoleBinding" : "RoleBinding";
            else if constexpr (std::is_same_v<T, Workload>)
                return v.kind;
            else if constexpr (std::is_same_v<T, NodeObject>)
                return "Node";
            else if constexpr (std::is_same_v<T, CustomResourceDefinition>)
                return "CustomResourceDefinition";
            else
                return "ConfigMap";
        },
        o);
}

std::string where(const SourceRef& s)
{
    return s.file + ':' + std::to_string(s.line);
}

template<typename T>
void place(std::vector<T>& list, T&& value, std::size_t* existing)
{
    if (existing) {
        list[*existing] = std::move(value);
    } else {
        list.push_back(std::move(value));
    }
}

} // namespace

void SnapshotBuilder::commit(PreparedStep&& step)
{
    auto& object = std::get<DecodedObject>(step.what);
    const ObjectMeta& meta = std::visit([](const auto& v) -> const ObjectMeta& { return v.meta; }, object);
    const auto emplaced = m_index.try_emplace(std::move(step.key), 0); // moved from only if it is new
    const auto it = emplaced.first; // not a structured binding: clang 14 cannot capture those in lambdas
    const std::string_view kind(it->first.data(), it->first.find('\0'));
    std::size_t* existing = emplaced.second ? nullptr : &it->second;
    auto& s = m_snapshot;

    auto sourceOf = [&](std::size_t pos) -> SourceRef {
        return std::visit(
            [&](const auto& v) -> SourceRef {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, Namespace>)
                    return s.namespaces[pos].meta.source;
                else if constexpr (std::is_same_v<T, ServiceAccount>)
                    return s.serviceAccounts[pos].meta.source;
                else if constexpr (std::is_same_v<T, Secret>)
                    return s.secrets[pos].meta.source;
                else if constexpr (std::is_same_v<T, Role>)
                    return s.roles[pos].meta.source;
                else if constexpr (std::is_same_v<T, Binding>)
                    return s.bindings[pos].meta.source;
                else if constexpr (std::is_same_v<T, Workload>)
                    return s.workloads[pos].meta.source;
                else if constexpr (std::is_same_v<T, NodeObject>)
                    return s.nodes[pos].meta.source;
                else if constexpr (std::is_same_v<T, CustomResourceDefinition>)
                    return s.crds[pos].meta.source;
                else
                    return s.tokenTracking ? s.tokenTracking->source : SourceRef {};
            },
            object);
    };
    if (existing) {
        std::string name = meta.ns.empty() ? meta.name : meta.ns + '/' + meta.name;
        m_snapshot.report.duplicates.push_back(std::string(kind) + ' ' + name + ": " + where(meta.source)
                                               + " replaces " + where(sourceOf(*existing)));
    } else {
        if (kind != m_runKind) {
            countRun();
            m_runKind = kind;
        }
        ++m_runCount;
    }

    std::visit(
        [&](auto&& v) {
            using T = std::decay_t<decltype(v)>;
            std::size_t size = 0;
            if constexpr (std::is_same_v<T, Namespace>) {
                size = s.namespaces.size();
                place(s.namespaces, std::move(v), existing);
            } else if constexpr (std::is_same_v<T, ServiceAccount>) {
                size = s.serviceAccounts.size();
                place(s.serviceAccounts, std::move(v), existing);
            } else if constexpr (std::is_same_v<T, Secret>) {
                size = s.secrets.size();
                place(s.secrets, std::move(v), existing);
            } else if constexpr (std::is_same_v<T, Role>) {
                size = s.roles.size();
                place(s.roles, std::move(v), existing);
            } else if constexpr (std::is_same_v<T, Binding>) {
                size = s.bindings.size();
                place(s.bindings, std::move(v), existing);
            } else if constexpr (std::is_same_v<T, Workload>) {
                size = s.workloads.size();
                place(s.workloads, std::move(v), existing);
            } else if constexpr (std::is_same_v<T, NodeObject>) {
                size = s.nodes.size();
                place(s.nodes, std::move(v), existing);
            } else if constexpr (std::is_same_v<T, CustomResourceDefinition>) {
                size = s.crds.size();
                place(s.crds, std::move(v), existing);
            } else {
                s.tokenTracking = std::move(v.tracking);
                s.tokenTracking->source = v.meta.source;
            }
            if (!existing)
                it->second = size;
        },
        std::move(object));
}

void SnapshotBuilder::countRun()
{
    if (m_runCount > 0)
        m_keptCounts[m_runKind] += m_runCount;
    m_runCount = 0;
}

std::shared_ptr<Snapshot> SnapshotBuilder::finish(std::vector<std::string> inputs)
{
    flushSuppressed();
    countRun();
    auto& r = m_snapshot.report;
    r.inputs = std::move(inputs);
    r.files = m_files;
    r.documents = m_documents;
    for (const auto& [k, c] : m_keptCounts)
        r.kept.push_back({k, c});
    for (const auto& [k, c] : m_skippedCounts)
        r.skipped.push_back({k, c});
    if (m_namespaceDefaulted > 0)
        r.notes.push_back(std::to_string(m_namespaceDefaulted)
                          + " namespaced object(s) carried no metadata.namespace and were placed in \""
                          + m_defaultNamespace + "\" (as kubectl does with its context's namespace)");
    return std::make_shared<Snapshot>(std::move(m_snapshot));
}

} // namespace rbx::io
