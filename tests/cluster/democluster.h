// SPDX-License-Identifier: Apache-2.0
// The bundled demo snapshot served as a live cluster by TestApiServer: every kind the pull reads as a list (items
// without kind/apiVersion, as real servers send them), Secrets with planted payloads that only a request for full
// objects could return, legacy discovery with a custom resource, /version, and the legacy-token tracking ConfigMap.
#pragma once

#include "models/analysis/policy.h"
#include "models/domain/snapshot.h"
#include "models/io/accessreview.h"
#include "models/io/snapshotexport.h"

#include "testapiserver.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <map>
#include <optional>

namespace rbx::test {

// base64 of kPlantedSecretValue: every served Secret carries it in data (and in a last-applied annotation).
inline constexpr const char* kPlantedSecret = "UExBTlRFRC1TRUNSRVQtVkFMVUU=";
inline constexpr const char* kPlantedSecretValue = "PLANTED-SECRET-VALUE";

struct ListTarget
{
    QString path;
    QString listKind;
    QString apiVersion;
};

// Where each kind is listed, as the API server serves it.
inline std::optional<ListTarget> demoListTarget(const QString& kind)
{
    static const std::map<QString, ListTarget> map {
        {QStringLiteral("Namespace"), {QStringLiteral("/api/v1/namespaces"), QStringLiteral("NamespaceList"), QStringLiteral("v1")}},
        {QStringLiteral("Node"), {QStringLiteral("/api/v1/nodes"), QStringLiteral("NodeList"), QStringLiteral("v1")}},
        {QStringLiteral("ServiceAccount"), {QStringLiteral("/api/v1/serviceaccounts"), QStringLiteral("ServiceAccountList"), QStringLiteral("v1")}},
        {QStringLiteral("Secret"), {QStringLiteral("/api/v1/secrets"), QStringLiteral("SecretList"), QStringLiteral("v1")}},
        {QStringLiteral("Pod"), {QStringLiteral("/api/v1/pods"), QStringLiteral("PodList"), QStringLiteral("v1")}},
        {QStringLiteral("Role"), {QStringLiteral("/apis/rbac.authorization.k8s.io/v1/roles"), QStringLiteral("RoleList"), QStringLiteral("rbac.authorization.k8s.io/v1")}},
        {QStringLiteral("ClusterRole"), {QStringLiteral("/apis/rbac.authorization.k8s.io/v1/clusterroles"), QStringLiteral("ClusterRoleList"), QStringLiteral("rbac.authorization.k8s.io/v1")}},
        {QStringLiteral("RoleBinding"), {QStringLiteral("/apis/rbac.authorization.k8s.io/v1/rolebindings"), QStringLiteral("RoleBindingList"), QStringLiteral("rbac.authorization.k8s.io/v1")}},
        {QStringLiteral("ClusterRoleBinding"), {QStringLiteral("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"), QStringLiteral("ClusterRoleBindingList"), QStringLiteral("rbac.authorization.k8s.io/v1")}},
        {QStringLiteral("Deployment"), {QStringLiteral("/apis/apps/v1/deployments"), QStringLiteral("DeploymentList"), QStringLiteral("apps/v1")}},
        {QStringLiteral("StatefulSet"), {QStringLiteral("/apis/apps/v1/statefulsets"), QStringLiteral("StatefulSetList"), QStringLiteral("apps/v1")}},
        {QStringLiteral("DaemonSet"), {QStringLiteral("/apis/apps/v1/daemonsets"), QStringLiteral("DaemonSetList"), QStringLiteral("apps/v1")}},
        {QStringLiteral("ReplicaSet"), {QStringLiteral("/apis/apps/v1/replicasets"), QStringLiteral("ReplicaSetList"), QStringLiteral("apps/v1")}},
        {QStringLiteral("Job"), {QStringLiteral("/apis/batch/v1/jobs"), QStringLiteral("JobList"), QStringLiteral("batch/v1")}},
        {QStringLiteral("CronJob"), {QStringLiteral("/apis/batch/v1/cronjobs"), QStringLiteral("CronJobList"), QStringLiteral("batch/v1")}},
        {QStringLiteral("CustomResourceDefinition"), {QStringLiteral("/apis/apiextensions.k8s.io/v1/customresourcedefinitions"), QStringLiteral("CustomResourceDefinitionList"), QStringLiteral("apiextensions.k8s.io/v1")}},
    };
    const auto it = map.find(kind);
    if (it == map.end())
        return std::nullopt;
    return it->second;
}

// The snapshot's objects as snapshot export writes them (each with kind and apiVersion).
inline QJsonArray exportedItems(const Snapshot& s)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(io::exportSnapshot(s, io::ExportFormat::Json)))
        .object()
        .value(QStringLiteral("items"))
        .toArray();
}

inline QJsonObject apiResource(const char* name, const char* singular, const char* kind, const QJsonArray& verbs)
{
    return QJsonObject {{QStringLiteral("name"), QLatin1String(name)},
                        {QStringLiteral("singularName"), QLatin1String(singular)},
                        {QStringLiteral("namespaced"), true},
                        {QStringLiteral("kind"), QLatin1String(kind)},
                        {QStringLiteral("verbs"), verbs}};
}

// `demo` as a cluster. With withSecretPayloads, every Secret carries kPlantedSecret in data, in a last-applied
// annotation and under managedFields: none of it may ever reach a pulled snapshot.
inline void serveDemo(TestApiServer& server, const Snapshot& demo, bool withSecretPayloads = true)
{
    std::map<QString, QJsonArray> lists;
    for (const auto& v : exportedItems(demo)) {
        auto o = v.toObject();
        const auto kind = o.value(QStringLiteral("kind")).toString();
        if (kind == QLatin1String("ConfigMap")) {
            server.addObject(QStringLiteral("/api/v1/namespaces/kube-system/configmaps/"
                                            "kube-apiserver-legacy-service-account-token-tracking"),
                             o);
            continue;
        }
        if (kind == QLatin1String("APIResourceList"))
            continue; // the fake cluster serves its own discovery, below
        if (kind == QLatin1String("Secret") && withSecretPayloads) {
            o[QStringLiteral("data")] = QJsonObject {{QStringLiteral("token"), QLatin1String(kPlantedSecret)},
                                                     {QStringLiteral("ca.crt"), QLatin1String(kPlantedSecret)}};
            auto md = o.value(QStringLiteral("metadata")).toObject();
            auto ann = md.value(QStringLiteral("annotations")).toObject();
            ann[QStringLiteral("kubectl.kubernetes.io/last-applied-configuration")]
                = QStringLiteral("{\"data\":{\"token\":\"%1\"}}").arg(QLatin1String(kPlantedSecret));
            md[QStringLiteral("annotations")] = ann;
            md[QStringLiteral("managedFields")] = QJsonArray {QJsonObject {
                {QStringLiteral("manager"), QStringLiteral("kube-controller-manager")},
                {QStringLiteral("fieldsV1"), QJsonObject {{QStringLiteral("f:data"), QJsonObject {{QStringLiteral("f:token"), QJsonObject {}}}}}}}};
            o[QStringLiteral("metadata")] = md;
        }
        o.remove(QStringLiteral("kind"));
        o.remove(QStringLiteral("apiVersion"));
        lists[kind].append(o);
    }
    // Kinds with no object are still served, as empty lists.
    for (const auto* kind : {"Namespace", "Node", "ServiceAccount", "Secret", "Pod", "Role", "ClusterRole", "RoleBinding",
                             "ClusterRoleBinding", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
                             "CronJob", "CustomResourceDefinition"}) {
        const auto t = demoListTarget(QLatin1String(kind));
        server.addList(t->path, t->listKind, t->apiVersion, lists[QLatin1String(kind)]);
    }
    server.addObject(QStringLiteral("/version"),
                     QJsonObject {{QStringLiteral("major"), QStringLiteral("1")},
                                  {QStringLiteral("minor"), QStringLiteral("31")},
                                  {QStringLiteral("gitVersion"), QStringLiteral("v1.31.4")}});
    // Legacy discovery: /api, /apis and one group version with a custom resource and a subresource.
    const QJsonArray getList {QStringLiteral("get"), QStringLiteral("list")};
    server.addObject(QStringLiteral("/api"), QJsonObject {{QStringLiteral("kind"), QStringLiteral("APIVersions")},
                                                          {QStringLiteral("versions"), QJsonArray {QStringLiteral("v1")}}});
    server.addObject(QStringLiteral("/api/v1"),
                     QJsonObject {{QStringLiteral("kind"), QStringLiteral("APIResourceList")},
                                  {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                                  {QStringLiteral("groupVersion"), QStringLiteral("v1")},
                                  {QStringLiteral("resources"), QJsonArray {apiResource("pods", "pod", "Pod", getList)}}});
    server.addObject(QStringLiteral("/apis"),
                     QJsonObject {{QStringLiteral("kind"), QStringLiteral("APIGroupList")},
                                  {QStringLiteral("groups"),
                                   QJsonArray {QJsonObject {{QStringLiteral("name"), QStringLiteral("widgets.example.com")},
                                                            {QStringLiteral("preferredVersion"),
                                                             QJsonObject {{QStringLiteral("groupVersion"), QStringLiteral("widgets.example.com/v1")},
                                                                          {QStringLiteral("version"), QStringLiteral("v1")}}}}}}});
    server.addObject(QStringLiteral("/apis/widgets.example.com/v1"),
                     QJsonObject {{QStringLiteral("kind"), QStringLiteral("APIResourceList")},
                                  {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                                  {QStringLiteral("groupVersion"), QStringLiteral("widgets.example.com/v1")},
                                  {QStringLiteral("resources"),
                                   QJsonArray {apiResource("widgets", "widget", "Widget", {QStringLiteral("get"), QStringLiteral("create")}),
                                               apiResource("widgets/scale", "", "Scale", {QStringLiteral("get"), QStringLiteral("update")})}}});
}

// The RBAC authorizer as the fake server's SubjectAccessReview handler: what the API server would answer from
// `policy`, the review's spec read by the same parser rbx review uses.
inline bool authorizeSpec(const Policy& policy, const QJsonObject& spec, QString* reason)
{
    const QJsonObject review {{QStringLiteral("apiVersion"), QStringLiteral("authorization.k8s.io/v1")},
                              {QStringLiteral("kind"), QStringLiteral("SubjectAccessReview")},
                              {QStringLiteral("spec"), spec}};
    const auto parsed = io::parseSubjectAccessReview(QJsonDocument(review).toJson(QJsonDocument::Compact).toStdString());
    if (!parsed.request) {
        *reason = QString::fromStdString(parsed.error);
        return false;
    }
    const auto d = policy.authorize(*parsed.request);
    *reason = QString::fromStdString(d.reason);
    return d.allowed;
}

} // namespace rbx::test
