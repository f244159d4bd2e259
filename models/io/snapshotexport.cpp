// SPDX-License-Identifier: Apache-2.0
#include "models/io/snapshotexport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <yaml-cpp/yaml.h>
#include <zlib.h>

#include <fstream>
#include <map>

namespace rbx::io {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QJsonArray strings(const std::vector<std::string>& v)
{
    QJsonArray a;
    for (const auto& s : v)
        a.append(qs(s));
    return a;
}

QJsonObject stringMap(const StringMap& m)
{
    QJsonObject o;
    for (const auto& [k, v] : m)
        o[qs(k)] = qs(v);
    return o;
}

QJsonObject metadata(const ObjectMeta& m)
{
    QJsonObject o;
    o[QStringLiteral("name")] = qs(m.name);
    if (!m.ns.empty())
        o[QStringLiteral("namespace")] = qs(m.ns);
    if (!m.uid.empty())
        o[QStringLiteral("uid")] = qs(m.uid);
    if (!m.creationTimestamp.empty())
        o[QStringLiteral("creationTimestamp")] = qs(m.creationTimestamp);
    if (!m.labels.empty())
        o[QStringLiteral("labels")] = stringMap(m.labels);
    if (!m.annotations.empty())
        o[QStringLiteral("annotations")] = stringMap(m.annotations);
    if (!m.ownerReferences.empty()) {
        QJsonArray owners;
        for (const auto& r : m.ownerReferences) {
            QJsonObject e;
            e[QStringLiteral("apiVersion")] = qs(r.apiVersion);
            e[QStringLiteral("kind")] = qs(r.kind);
            e[QStringLiteral("name")] = qs(r.name);
            if (!r.uid.empty())
                e[QStringLiteral("uid")] = qs(r.uid);
            if (r.controller)
                e[QStringLiteral("controller")] = true;
            owners.append(e);
        }
        o[QStringLiteral("ownerReferences")] = owners;
    }
    return o;
}

QJsonObject head(const char* apiVersion, const char* kind, const ObjectMeta& m)
{
    QJsonObject o;
    o[QStringLiteral("apiVersion")] = QLatin1String(apiVersion);
    o[QStringLiteral("kind")] = QLatin1String(kind);
    o[QStringLiteral("metadata")] = metadata(m);
    return o;
}

QJsonArray names(const std::vector<std::string>& v)
{
    QJsonArray a;
    for (const auto& n : v)
        a.append(QJsonObject {{QStringLiteral("name"), qs(n)}});
    return a;
}

QJsonObject role(const Role& r)
{
    auto o = head("rbac.authorization.k8s.io/v1", r.cluster ? "ClusterRole" : "Role", r.meta);
    QJsonArray rules;
    for (const auto& rule : r.rules) {
        QJsonObject e;
        e[QStringLiteral("verbs")] = strings(rule.verbs);
        if (!rule.apiGroups.empty())
            e[QStringLiteral("apiGroups")] = strings(rule.apiGroups);
        if (!rule.resources.empty())
            e[QStringLiteral("resources")] = strings(rule.resources);
        if (!rule.resourceNames.empty())
            e[QStringLiteral("resourceNames")] = strings(rule.resourceNames);
        if (!rule.nonResourceURLs.empty())
            e[QStringLiteral("nonResourceURLs")] = strings(rule.nonResourceURLs);
        rules.append(e);
    }
    o[QStringLiteral("rules")] = rules;
    if (r.hasAggregationRule) {
        QJsonArray selectors;
        for (const auto& sel : r.clusterRoleSelectors) {
            QJsonObject s;
            if (!sel.matchLabels.empty())
                s[QStringLiteral("matchLabels")] = stringMap(sel.matchLabels);
            if (!sel.matchExpressions.empty()) {
                QJsonArray exprs;
                for (const auto& x : sel.matchExpressions) {
                    QJsonObject e;
                    e[QStringLiteral("key")] = qs(x.key);
                    e[QStringLiteral("operator")] = qs(x.op);
                    if (!x.values.empty())
                        e[QStringLiteral("values")] = strings(x.values);
                    exprs.append(e);
                }
                s[QStringLiteral("matchExpressions")] = exprs;
            }
            selectors.append(s);
        }
        o[QStringLiteral("aggregationRule")] = QJsonObject {{QStringLiteral("clusterRoleSelectors"), selectors}};
    }
    return o;
}

QJsonObject binding(const Binding& b)
{
    auto o = head("rbac.authorization.k8s.io/v1", b.cluster ? "ClusterRoleBinding" : "RoleBinding", b.meta);
    QJsonObject ref;
    ref[QStringLiteral("apiGroup")] = qs(b.roleRef.apiGroup);
    ref[QStringLiteral("kind")] = qs(b.roleRef.kind);
    ref[QStringLiteral("name")] = qs(b.roleRef.name);
    o[QStringLiteral("roleRef")] = ref;
    QJsonArray subjects;
    for (const auto& s : b.subjects) {
        QJsonObject e;
        e[QStringLiteral("kind")] = qs(s.kind);
        if (!s.apiGroup.empty())
            e[QStringLiteral("apiGroup")] = qs(s.apiGroup);
        e[QStringLiteral("name")] = qs(s.name);
        if (!s.ns.empty())
            e[QStringLiteral("namespace")] = qs(s.ns);
        subjects.append(e);
    }
    if (!subjects.isEmpty())
        o[QStringLiteral("subjects")] = subjects;
    return o;
}

// The pod spec the loader reads back into the same PodSpecInfo: volumes in order (with their secret and projected
// sources), containers in order with their secret references, image pull secrets.
QJsonObject podSpec(const PodSpecInfo& p)
{
    QJsonObject spec;
    if (!p.serviceAccountName.empty())
        spec[QStringLiteral("serviceAccountName")] = qs(p.serviceAccountName);
    if (p.automountServiceAccountToken)
        spec[QStringLiteral("automountServiceAccountToken")] = *p.automountServiceAccountToken;
    if (!p.nodeName.empty())
        spec[QStringLiteral("nodeName")] = qs(p.nodeName);
    QJsonArray volumes;
    for (const auto& v : p.volumeNames) {
        QJsonObject vol;
        vol[QStringLiteral("name")] = qs(v);
        QJsonArray sources;
        for (const auto& r : p.secretRefs) {
            if (r.where != v)
                continue;
            if (r.via == SecretRefVia::Volume)
                vol[QStringLiteral("secret")] = QJsonObject {{QStringLiteral("secretName"), qs(r.secretName)}};
            else if (r.via == SecretRefVia::ProjectedVolume)
                sources.append(QJsonObject {
                    {QStringLiteral("secret"), QJsonObject {{QStringLiteral("name"), qs(r.secretName)}}}});
        }
        for (const auto& t : p.projectedTokens) {
            if (t.volume != v)
                continue;
            QJsonObject sat;
            if (!t.audience.empty())
                sat[QStringLiteral("audience")] = qs(t.audience);
            if (t.expirationSeconds)
                sat[QStringLiteral("expirationSeconds")] = static_cast<qint64>(*t.expirationSeconds);
            if (!t.path.empty())
                sat[QStringLiteral("path")] = qs(t.path);
            sources.append(QJsonObject {{QStringLiteral("serviceAccountToken"), sat}});
        }
        if (!sources.isEmpty())
            vol[QStringLiteral("projected")] = QJsonObject {{QStringLiteral("sources"), sources}};
        volumes.append(vol);
    }
    if (!volumes.isEmpty())
        spec[QStringLiteral("volumes")] = volumes;
    QJsonArray containers;
    for (const auto& c : p.containers) {
        QJsonObject e;
        e[QStringLiteral("name")] = qs(c);
        QJsonArray env;
        QJsonArray envFrom;
        for (const auto& r : p.secretRefs) {
            if (r.where != c)
                continue;
            if (r.via == SecretRefVia::Env)
                env.append(QJsonObject {
                    {QStringLiteral("name"), QStringLiteral("SECRET_REF_%1").arg(env.size())},
                    {QStringLiteral("valueFrom"),
                     QJsonObject {{QStringLiteral("secretKeyRef"), QJsonObject {{QStringLiteral("name"), qs(r.secretName)}}}}}});
            else if (r.via == SecretRefVia::EnvFrom)
                envFrom.append(QJsonObject {
                    {QStringLiteral("secretRef"), QJsonObject {{QStringLiteral("name"), qs(r.secretName)}}}});
        }
        if (!env.isEmpty())
            e[QStringLiteral("env")] = env;
        if (!envFrom.isEmpty())
            e[QStringLiteral("envFrom")] = envFrom;
        containers.append(e);
    }
    spec[QStringLiteral("containers")] = containers;
    QJsonArray pulls;
    for (const auto& r : p.secretRefs)
        if (r.via == SecretRefVia::ImagePullSecret)
            pulls.append(QJsonObject {{QStringLiteral("name"), qs(r.secretName)}});
    if (!pulls.isEmpty())
        spec[QStringLiteral("imagePullSecrets")] = pulls;
    return spec;
}

QJsonObject workload(const Workload& w)
{
    QJsonObject o;
    o[QStringLiteral("apiVersion")] = qs(w.apiVersion.empty() ? (w.kind == "Pod" ? std::string("v1")
                                                                  : w.kind == "Job" || w.kind == "CronJob"
                                                                  ? std::string("batch/v1")
                                                                  : std::string("apps/v1"))
                                                             : w.apiVersion);
    o[QStringLiteral("kind")] = qs(w.kind);
    o[QStringLiteral("metadata")] = metadata(w.meta);
    const auto spec = podSpec(w.pod);
    if (w.kind == "Pod")
        o[QStringLiteral("spec")] = spec;
    else if (w.kind == "CronJob")
        o[QStringLiteral("spec")] = QJsonObject {
            {QStringLiteral("jobTemplate"),
             QJsonObject {{QStringLiteral("spec"),
                           QJsonObject {{QStringLiteral("template"), QJsonObject {{QStringLiteral("spec"), spec}}}}}}}};
    else
        o[QStringLiteral("spec")] = QJsonObject {{QStringLiteral("template"), QJsonObject {{QStringLiteral("spec"), spec}}}};
    return o;
}

QJsonArray items(const Snapshot& s)
{
    QJsonArray a;
    for (const auto& n : s.namespaces)
        a.append(head("v1", "Namespace", n.meta));
    for (const auto& n : s.nodes) {
        auto o = head("v1", "Node", n.meta);
        if (!n.kubeletVersion.empty())
            o[QStringLiteral("status")] = QJsonObject {
                {QStringLiteral("nodeInfo"), QJsonObject {{QStringLiteral("kubeletVersion"), qs(n.kubeletVersion)}}}};
        a.append(o);
    }
    for (const auto& c : s.crds) {
        auto o = head("apiextensions.k8s.io/v1", "CustomResourceDefinition", c.meta);
        QJsonObject spec;
        spec[QStringLiteral("group")] = qs(c.group);
        spec[QStringLiteral("scope")] = c.namespaced ? QStringLiteral("Namespaced") : QStringLiteral("Cluster");
        spec[QStringLiteral("names")] = QJsonObject {{QStringLiteral("plural"), qs(c.plural)}, {QStringLiteral("kind"), qs(c.kind)}};
        QJsonArray versions;
        for (const auto& v : c.versions)
            versions.append(QJsonObject {{QStringLiteral("name"), qs(v)}});
        spec[QStringLiteral("versions")] = versions;
        o[QStringLiteral("spec")] = spec;
        a.append(o);
    }
    for (const auto& sa : s.serviceAccounts) {
        auto o = head("v1", "ServiceAccount", sa.meta);
        if (sa.automountServiceAccountToken)
            o[QStringLiteral("automountServiceAccountToken")] = *sa.automountServiceAccountToken;
        if (!sa.secrets.empty())
            o[QStringLiteral("secrets")] = names(sa.secrets);
        if (!sa.imagePullSecrets.empty())
            o[QStringLiteral("imagePullSecrets")] = names(sa.imagePullSecrets);
        a.append(o);
    }
    for (const auto& sec : s.secrets) {
        auto o = head("v1", "Secret", sec.meta);
        o[QStringLiteral("type")] = qs(sec.type);
        a.append(o); // never data: the model has none
    }
    for (const auto& r : s.roles)
        a.append(role(r));
    for (const auto& b : s.bindings)
        a.append(binding(b));
    for (const auto& w : s.workloads)
        a.append(workload(w));
    if (s.tokenTracking) {
        QJsonObject o;
        o[QStringLiteral("apiVersion")] = QStringLiteral("v1");
        o[QStringLiteral("kind")] = QStringLiteral("ConfigMap");
        o[QStringLiteral("metadata")] = QJsonObject {{QStringLiteral("name"),
                                                      QStringLiteral("kube-apiserver-legacy-service-account-token-tracking")},
                                                     {QStringLiteral("namespace"), QStringLiteral("kube-system")}};
        o[QStringLiteral("data")] = QJsonObject {{QStringLiteral("since"), qs(s.tokenTracking->since)}};
        a.append(o);
    }
    // Discovery: one APIResourceList per group version, in the order first seen.
    std::vector<std::string> order;
    std::map<std::string, QJsonArray> byGv;
    for (const auto& d : s.discovery) {
        const auto gv = d.group.empty() ? d.version : d.group + '/' + d.version;
        if (!byGv.count(gv))
            order.push_back(gv);
        QJsonObject r;
        r[QStringLiteral("name")] = qs(d.name);
        r[QStringLiteral("singularName")] = qs(d.singularName);
        r[QStringLiteral("namespaced")] = d.namespaced;
        r[QStringLiteral("kind")] = qs(d.kind);
        r[QStringLiteral("verbs")] = strings(d.verbs);
        if (!d.shortNames.empty())
            r[QStringLiteral("shortNames")] = strings(d.shortNames);
        byGv[gv].append(r);
    }
    for (const auto& gv : order) {
        QJsonObject o;
        o[QStringLiteral("kind")] = QStringLiteral("APIResourceList");
        o[QStringLiteral("apiVersion")] = QStringLiteral("v1");
        o[QStringLiteral("groupVersion")] = qs(gv);
        o[QStringLiteral("resources")] = byGv[gv];
        a.append(o);
    }
    return a;
}

void emitYaml(YAML::Emitter& out, const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Object: {
        const auto o = v.toObject();
        if (o.isEmpty()) {
            out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
            return;
        }
        out << YAML::BeginMap;
        for (auto it = o.begin(); it != o.end(); ++it) {
            out << YAML::Key << YAML::DoubleQuoted << it.key().toStdString() << YAML::Value;
            emitYaml(out, it.value());
        }
        out << YAML::EndMap;
        return;
    }
    case QJsonValue::Array: {
        const auto a = v.toArray();
        if (a.isEmpty()) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            return;
        }
        out << YAML::BeginSeq;
        for (const auto& e : a)
            emitYaml(out, e);
        out << YAML::EndSeq;
        return;
    }
    case QJsonValue::Bool:
        out << (v.toBool() ? "true" : "false");
        return;
    case QJsonValue::Double:
        out << static_cast<long long>(v.toInteger());
        return;
    case QJsonValue::String:
        out << YAML::DoubleQuoted << v.toString().toStdString();
        return;
    default:
        out << YAML::Null;
        return;
    }
}

} // namespace

std::string exportSnapshot(const Snapshot& snapshot, ExportFormat format)
{
    QJsonObject list;
    list[QStringLiteral("apiVersion")] = QStringLiteral("v1");
    list[QStringLiteral("kind")] = QStringLiteral("List");
    list[QStringLiteral("metadata")] = QJsonObject {{QStringLiteral("resourceVersion"), QString()}};
    list[QStringLiteral("items")] = items(snapshot);
    if (format == ExportFormat::Json)
        return QJsonDocument(list).toJson(QJsonDocument::Indented).toStdString();
    YAML::Emitter out;
    out.SetIndent(2);
    emitYaml(out, list);
    std::string header = "# RBAC Explorer snapshot: what the model holds, as a kind: List (no Secret data, no status)\n";
    for (const auto& input : snapshot.report.inputs)
        header += "# from " + input + '\n';
    if (!snapshot.unreadable.empty()) {
        header += "# incomplete: could not read";
        for (const auto& r : snapshot.unreadable)
            header += ' ' + r;
        header += " (what is absent of these is unknown, not empty)\n";
    }
    return header + out.c_str() + '\n';
}

std::string gzip(const std::string& data)
{
    z_stream zs {};
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    std::string out;
    out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return rc == Z_STREAM_END ? out : std::string();
}

bool writeSnapshotFile(const std::string& path, const Snapshot& snapshot, std::string* error)
{
    std::string name = path;
    const bool gz = name.ends_with(".gz");
    if (gz)
        name.resize(name.size() - 3);
    const auto format = name.ends_with(".json") ? ExportFormat::Json : ExportFormat::Yaml;
    std::string text = exportSnapshot(snapshot, format);
    if (gz)
        text = gzip(text);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) {
        if (error)
            *error = "cannot write " + path;
        return false;
    }
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.close();
    if (!f) {
        if (error)
            *error = "cannot write " + path;
        return false;
    }
    return true;
}

} // namespace rbx::io
