// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/resourcecatalog.h"

#include <algorithm>
#include <cctype>

namespace rbx {

namespace {

struct Entry
{
    const char* group;
    const char* plural;
    const char* singular;
    const char* kind;
    bool namespaced;
    const char* shortNames; // space-separated
    const char* subresources; // space-separated
};

// Built-in API resources of Kubernetes 1.31-1.34 as served by discovery (facts from the API reference).
constexpr Entry kBuiltIn[] = {
    {"", "bindings", "binding", "Binding", true, "", ""},
    {"", "componentstatuses", "componentstatus", "ComponentStatus", false, "cs", ""},
    {"", "configmaps", "configmap", "ConfigMap", true, "cm", ""},
    {"", "endpoints", "endpoints", "Endpoints", true, "ep", ""},
    {"", "events", "event", "Event", true, "ev", ""},
    {"", "limitranges", "limitrange", "LimitRange", true, "limits", ""},
    {"", "namespaces", "namespace", "Namespace", false, "ns", "finalize status"},
    {"", "nodes", "node", "Node", false, "no", "proxy status"},
    {"", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, "pvc", "status"},
    {"", "persistentvolumes", "persistentvolume", "PersistentVolume", false, "pv", "status"},
    {"", "pods", "pod", "Pod", true, "po",
     "attach binding ephemeralcontainers eviction exec log portforward proxy resize status"},
    {"", "podtemplates", "podtemplate", "PodTemplate", true, "", ""},
    {"", "replicationcontrollers", "replicationcontroller", "ReplicationController", true, "rc", "scale status"},
    {"", "resourcequotas", "resourcequota", "ResourceQuota", true, "quota", "status"},
    {"", "secrets", "secret", "Secret", true, "", ""},
    {"", "serviceaccounts", "serviceaccount", "ServiceAccount", true, "sa", "token"},
    {"", "services", "service", "Service", true, "svc", "proxy status"},
    {"admissionregistration.k8s.io", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration",
     "MutatingWebhookConfiguration", false, "", ""},
    {"admissionregistration.k8s.io", "validatingwebhookconfigurations", "validatingwebhookconfiguration",
     "ValidatingWebhookConfiguration", false, "", ""},
    {"admissionregistration.k8s.io", "validatingadmissionpolicies", "validatingadmissionpolicy",
     "ValidatingAdmissionPolicy", false, "", "status"},
    {"admissionregistration.k8s.io", "validatingadmissionpolicybindings", "validatingadmissionpolicybinding",
     "ValidatingAdmissionPolicyBinding", false, "", ""},
    {"apiextensions.k8s.io", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition",
     false, "crd crds", "status"},
    {"apiregistration.k8s.io", "apiservices", "apiservice", "APIService", false, "", "status"},
    {"apps", "controllerrevisions", "controllerrevision", "ControllerRevision", true, "", ""},
    {"apps", "daemonsets", "daemonset", "DaemonSet", true, "ds", "status"},
    {"apps", "deployments", "deployment", "Deployment", true, "deploy", "scale status"},
    {"apps", "replicasets", "replicaset", "ReplicaSet", true, "rs", "scale status"},
    {"apps", "statefulsets", "statefulset", "StatefulSet", true, "sts", "scale status"},
    {"authentication.k8s.io", "selfsubjectreviews", "selfsubjectreview", "SelfSubjectReview", false, "", ""},
    {"authentication.k8s.io", "tokenreviews", "tokenreview", "TokenReview", false, "", ""},
    {"authorization.k8s.io", "localsubjectaccessreviews", "localsubjectaccessreview", "LocalSubjectAccessReview",
     true, "", ""},
    {"authorization.k8s.io", "selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview", false,
     "", ""},
    {"authorization.k8s.io", "selfsubjectrulesreviews", "selfsubjectrulesreview", "SelfSubjectRulesReview", false, "",
     ""},
    {"authorization.k8s.io", "subjectaccessreviews", "subjectaccessreview", "SubjectAccessReview", false, "", ""},
    {"autoscaling", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true, "hpa",
     "status"},
    {"batch", "cronjobs", "cronjob", "CronJob", true, "cj", "status"},
    {"batch", "jobs", "job", "Job", true, "", "status"},
    {"certificates.k8s.io", "certificatesigningrequests", "certificatesigningrequest", "CertificateSigningRequest",
     false, "csr", "approval status"},
    {"certificates.k8s.io", "signers", "signer", "Signer", false, "", ""},
    {"coordination.k8s.io", "leases", "lease", "Lease", true, "", ""},
    {"discovery.k8s.io", "endpointslices", "endpointslice", "EndpointSlice", true, "", ""},
    {"events.k8s.io", "events", "event", "Event", true, "ev", ""},
    {"flowcontrol.apiserver.k8s.io", "flowschemas", "flowschema", "FlowSchema", false, "", "status"},
    {"flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", "prioritylevelconfiguration",
     "PriorityLevelConfiguration", false, "", "status"},
    {"networking.k8s.io", "ingressclasses", "ingressclass", "IngressClass", false, "", ""},
    {"networking.k8s.io", "ingresses", "ingress", "Ingress", true, "ing", "status"},
    {"networking.k8s.io", "networkpolicies", "networkpolicy", "NetworkPolicy", true, "netpol", ""},
    {"node.k8s.io", "runtimeclasses", "runtimeclass", "RuntimeClass", false, "", ""},
    {"policy", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true, "pdb", "status"},
    {"rbac.authorization.k8s.io", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, "", ""},
    {"rbac.authorization.k8s.io", "clusterroles", "clusterrole", "ClusterRole", false, "", ""},
    {"rbac.authorization.k8s.io", "rolebindings", "rolebinding", "RoleBinding", true, "", ""},
    {"rbac.authorization.k8s.io", "roles", "role", "Role", true, "", ""},
    {"scheduling.k8s.io", "priorityclasses", "priorityclass", "PriorityClass", false, "pc", ""},
    {"storage.k8s.io", "csidrivers", "csidriver", "CSIDriver", false, "", ""},
    {"storage.k8s.io", "csinodes", "csinode", "CSINode", false, "", ""},
    {"storage.k8s.io", "csistoragecapacities", "csistoragecapacity", "CSIStorageCapacity", true, "", ""},
    {"storage.k8s.io", "storageclasses", "storageclass", "StorageClass", false, "sc", ""},
    {"storage.k8s.io", "volumeattachments", "volumeattachment", "VolumeAttachment", false, "", "status"},
};

std::vector<std::string> split(const char* s)
{
    std::vector<std::string> out;
    std::string cur;
    for (const char* p = s; *p; ++p) {
        if (*p == ' ') {
            if (!cur.empty())
                out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += *p;
        }
    }
    if (!cur.empty())
        out.push_back(std::move(cur));
    return out;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::vector<std::string> verbsFor(const std::string& plural)
{
    if (plural.ends_with("reviews") || plural == "bindings")
        return {"create"};
    if (plural == "componentstatuses")
        return {"get", "list"};
    return {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
}

} // namespace

ResourceCatalog::ResourceCatalog()
{
    for (const auto& e : kBuiltIn)
        m_types.push_back({e.group, e.plural, e.singular, e.kind, e.namespaced, split(e.shortNames),
                           split(e.subresources), true, verbsFor(e.plural)});
}

ResourceCatalog::ResourceCatalog(const Snapshot& snapshot)
    : ResourceCatalog()
{
    for (const auto& crd : snapshot.crds) {
        if (crd.plural.empty() || find(crd.group, crd.plural))
            continue;
        m_types.push_back({crd.group, crd.plural, lower(crd.kind), crd.kind, crd.namespaced, {}, {"status"}, false,
                           verbsFor(crd.plural)});
    }
    // Discovery documents: resources first, then their subresources.
    for (const auto& d : snapshot.discovery) {
        if (d.name.find('/') != std::string::npos || find(d.group, d.name))
            continue;
        m_types.push_back({d.group, d.name, d.singularName.empty() ? lower(d.kind) : d.singularName, d.kind,
                           d.namespaced, d.shortNames, {}, false, d.verbs});
    }
    for (const auto& d : snapshot.discovery) {
        const auto slash = d.name.find('/');
        if (slash == std::string::npos)
            continue;
        for (auto& t : m_types)
            if (t.group == d.group && t.plural == d.name.substr(0, slash)) {
                const auto sub = d.name.substr(slash + 1);
                if (std::find(t.subresources.begin(), t.subresources.end(), sub) == t.subresources.end())
                    t.subresources.push_back(sub);
            }
    }
}

const ResourceType* ResourceCatalog::find(const std::string& group, const std::string& plural) const
{
    for (const auto& t : m_types)
        if (t.group == group && t.plural == plural)
            return &t;
    return nullptr;
}

ResolvedResource ResourceCatalog::resolve(const std::string& spec) const
{
    ResolvedResource out;
    std::string head = spec;
    if (auto slash = spec.find('/'); slash != std::string::npos) {
        head = spec.substr(0, slash);
        out.subresource = spec.substr(slash + 1);
    }
    std::string name = head;
    std::string group;
    bool groupGiven = false;
    if (auto dot = head.find('.'); dot != std::string::npos) {
        name = head.substr(0, dot);
        group = head.substr(dot + 1);
        groupGiven = true;
    }
    const auto lname = lower(name);
    auto matches = [&](const ResourceType& t) {
        if (groupGiven && t.group != group)
            return false;
        if (t.plural == lname || t.singular == lname || lower(t.kind) == lname)
            return true;
        return std::find(t.shortNames.begin(), t.shortNames.end(), lname) != t.shortNames.end();
    };
    // Core and well-known groups first, as kubectl's priority RESTMapper does (core before events.k8s.io).
    const ResourceType* best = nullptr;
    for (const auto& t : m_types) {
        if (!matches(t))
            continue;
        if (!best || (best->group != "" && t.group == ""))
            best = &t;
    }
    if (best) {
        out.group = best->group;
        out.resource = best->plural;
        out.namespaced = best->namespaced;
        out.known = true;
    } else {
        out.group = group;
        out.resource = name;
        out.namespaced = true;
    }
    return out;
}

} // namespace rbx
