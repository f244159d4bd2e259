// SPDX-License-Identifier: Apache-2.0
// Plain value types of the object model: what a snapshot keeps of each Kubernetes object.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rbx {

using StringMap = std::map<std::string, std::string>;

// Where an object came from: file, 1-based line/column of the object's start, 0-based document index.
struct SourceRef
{
    std::string file;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::uint32_t document = 0;
};

struct OwnerReference
{
    std::string apiVersion;
    std::string kind;
    std::string name;
    std::string uid;
    bool controller = false;
};

struct ObjectMeta
{
    std::string name;
    std::string ns;
    std::string uid;
    std::string creationTimestamp;
    StringMap labels;
    StringMap annotations; // never holds kubectl.kubernetes.io/last-applied-configuration
    std::vector<OwnerReference> ownerReferences;
    SourceRef source;
};

struct PolicyRule
{
    std::vector<std::string> verbs;
    std::vector<std::string> apiGroups;
    std::vector<std::string> resources;
    std::vector<std::string> resourceNames;
    std::vector<std::string> nonResourceURLs;

    friend bool operator==(const PolicyRule&, const PolicyRule&) = default;
};

struct LabelSelectorRequirement
{
    std::string key;
    std::string op; // In, NotIn, Exists, DoesNotExist
    std::vector<std::string> values;
};

struct LabelSelector
{
    StringMap matchLabels;
    std::vector<LabelSelectorRequirement> matchExpressions;
};

struct Role
{
    ObjectMeta meta;
    bool cluster = false; // ClusterRole
    std::vector<PolicyRule> rules; // as stored
    bool hasAggregationRule = false;
    std::vector<LabelSelector> clusterRoleSelectors;
};

struct RoleRef
{
    std::string apiGroup;
    std::string kind;
    std::string name;
};

struct Subject
{
    std::string kind; // User, Group, ServiceAccount (anything else never matches)
    std::string apiGroup;
    std::string name;
    std::string ns;
};

struct Binding
{
    ObjectMeta meta;
    bool cluster = false; // ClusterRoleBinding
    RoleRef roleRef;
    std::vector<Subject> subjects;
};

struct ServiceAccount
{
    ObjectMeta meta;
    std::optional<bool> automountServiceAccountToken;
    std::vector<std::string> secrets; // names from .secrets[]
    std::vector<std::string> imagePullSecrets;
};

// What we keep of a service-account token: never the token itself.
struct TokenInfo
{
    std::string sha256; // hex SHA-256 of the token string (data.token after base64 decoding)
    std::string headerJson; // decoded JWT header, compact JSON; empty when not a JWT
    std::string claimsJson; // decoded JWT claims, compact JSON; empty when not a JWT
    std::string decodeError; // why header/claims could not be decoded, if so
};

struct Secret
{
    ObjectMeta meta;
    std::string type;
    std::vector<std::string> dataKeys; // names of data/stringData keys; values are never kept
    std::optional<TokenInfo> token; // only for kubernetes.io/service-account-token with data.token
};

enum class SecretRefVia : std::uint8_t {
    Volume,
    ProjectedVolume,
    Env,
    EnvFrom,
    ImagePullSecret,
};

struct PodSecretRef
{
    std::string secretName;
    SecretRefVia via = SecretRefVia::Volume;
    std::string where; // volume name or container name
};

struct ProjectedTokenSource
{
    std::string volume;
    std::string audience;
    std::optional<std::int64_t> expirationSeconds;
    std::string path;
};

struct PodSpecInfo
{
    std::string serviceAccountName; // spec.serviceAccountName, else the deprecated spec.serviceAccount
    std::optional<bool> automountServiceAccountToken;
    std::string nodeName;
    std::vector<std::string> volumeNames;
    std::vector<PodSecretRef> secretRefs;
    std::vector<ProjectedTokenSource> projectedTokens;
    std::vector<std::string> containers;
};

// Pods and everything with a pod template.
struct Workload
{
    ObjectMeta meta;
    std::string kind; // Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob
    std::string apiVersion;
    PodSpecInfo pod;
};

struct Namespace
{
    ObjectMeta meta;
};

struct NodeObject
{
    ObjectMeta meta;
    std::string kubeletVersion; // status.nodeInfo.kubeletVersion (the only status field kept), e.g. "v1.30.2"
};

struct CustomResourceDefinition
{
    ObjectMeta meta;
    std::string group;
    std::string plural;
    std::string kind;
    bool namespaced = true;
    std::vector<std::string> versions;
};

// One resource of a discovery document (APIResourceList, as `kubectl get --raw /apis/GROUP/VERSION` returns it).
struct DiscoveredResource
{
    std::string group;
    std::string version;
    std::string name; // plural, or plural/subresource
    std::string singularName;
    std::string kind;
    bool namespaced = true;
    std::vector<std::string> verbs;
    std::vector<std::string> shortNames;
};

// kube-system/kube-apiserver-legacy-service-account-token-tracking: when legacy-token tracking began.
struct TokenTracking
{
    std::string since; // YYYY-MM-DD
    SourceRef source;
};

} // namespace rbx
