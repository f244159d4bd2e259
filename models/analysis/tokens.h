// SPDX-License-Identifier: Apache-2.0
// Every token credential of a snapshot: legacy (Secret-based) ServiceAccount tokens with their last-use and
// invalid-since labels and what the legacy-token cleaner will do to them next, and projected (bound) tokens of
// pods and pod templates. Plus what the cluster's Kubernetes version does on its own, and what a token grants.
// Semantics: kubernetes-semantics.md §0, §2.3–2.6, §3.
#pragma once

#include "models/analysis/policy.h"
#include "models/analysis/subjectdetails.h"
#include "models/analysis/subjects.h"

#include <QDate>
#include <QDateTime>

#include <array>
#include <compare>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rbx {

inline constexpr const char* kLastUsedLabel = "kubernetes.io/legacy-token-last-used";
inline constexpr const char* kInvalidSinceLabel = "kubernetes.io/legacy-token-invalid-since";
inline constexpr const char* kServiceAccountTokenType = "kubernetes.io/service-account-token";

struct KubeVersion
{
    int major = 0;
    int minor = 0;
    int patch = 0;

    [[nodiscard]] static std::optional<KubeVersion> parse(std::string_view text); // "v1.30.2", "1.29", "v1.28.3-eks-1"
    [[nodiscard]] std::string text() const; // "v1.30.2" ("v1.30" when patch is 0)
    friend auto operator<=>(const KubeVersion&, const KubeVersion&) = default;
};

// What the control plane does with legacy tokens on its own, at a given version (semantics §0).
struct ClusterTokenBehaviour
{
    std::optional<KubeVersion> version; // nullopt: not known
    std::optional<KubeVersion> atLeast; // a lower bound inferred from what the snapshot shows
    std::string versionSource; // where the version came from, or what is assumed
    bool assumed = false; // no version given or found: the current behaviour is assumed
    bool autoGeneration = false; // the tokens controller creates a token Secret per ServiceAccount (< 1.24)
    bool tracking = true; // the API server writes the last-used label (beta on from 1.27)
    bool cleanup = true; // the cleaner invalidates, then deletes, unused auto-generated tokens (beta on from 1.29)
    std::vector<std::string> notes; // one sentence per feature
};

[[nodiscard]] ClusterTokenBehaviour behaviourOf(std::optional<KubeVersion> version);

// A dated event on the timeline: Kubernetes releases that changed token handling, and the cluster's own dates.
struct TokenMilestone
{
    QDate date;
    std::string label;
    std::string shortLabel; // a word or two, for the chart
    bool cluster = false; // this cluster's (tracking start, first clean-up run, today) vs. an upstream release
};

// The upstream releases that changed legacy tokens, oldest first: no auto-generation (1.24), tracking alpha (1.26),
// beta (1.27) and GA (1.28), clean-up alpha (1.28), beta (1.29) and GA (1.30).
[[nodiscard]] const std::vector<TokenMilestone>& upstreamTokenMilestones();

struct TokenOptions
{
    std::optional<QDateTime> now; // "today": default the newest timestamp or date in the snapshot, else the clock
    int cleanupPeriodDays = 365; // KCM --legacy-service-account-token-clean-up-period (default 8760h)
    int activeDays = 30; // last use within this many days = active
    std::optional<KubeVersion> version; // else the nodes' kubelet version, else assumed current
    std::optional<QDate> trackingSince; // else the tracking ConfigMap's `since`
};

enum class TokenKind : std::uint8_t { Legacy, Projected };
// One state per token, in this order of precedence: orphaned, invalidated, then by use.
enum class TokenState : std::uint8_t { Active, Stale, NeverUsed, Invalidated, Orphaned, Projected };
enum class RiskLevel : std::uint8_t { None, Low, Medium, High, Critical };

[[nodiscard]] const char* tokenStateName(TokenState s); // "active", "stale", "never-used", "invalidated", ...
[[nodiscard]] std::optional<TokenState> tokenStateFromName(std::string_view name);
[[nodiscard]] const char* riskName(RiskLevel r); // "none", "low", "medium", "high", "critical"
[[nodiscard]] std::optional<RiskLevel> riskFromName(std::string_view name);
inline constexpr std::array<TokenState, 6> kTokenStates {TokenState::Active, TokenState::Stale, TokenState::NeverUsed,
                                                         TokenState::Invalidated, TokenState::Orphaned,
                                                         TokenState::Projected};

// What a ServiceAccount's token lets its holder do, probed with the authorizer.
struct TokenGrants
{
    RiskLevel risk = RiskLevel::None;
    bool clusterAdmin = false; // "*" on "*" cluster-wide
    std::vector<std::string> capabilities; // "read secrets in all namespaces", ... (worst first)
    std::size_t bindings = 0; // bindings naming the ServiceAccount directly

    [[nodiscard]] std::string summary() const; // "cluster-admin equivalent" / "read secrets in all namespaces; ..."
};

[[nodiscard]] TokenGrants grantsOf(const Policy& policy, const std::string& ns, const std::string& serviceAccount);

// The legacy-token cleaner's decision for one Secret, projected from today on the assumption that nothing changes
// (no further use, no pod starts referencing it). Dates are UTC days; the cleaner runs daily.
struct CleanerInput
{
    QDateTime created; // the Secret's creationTimestamp (UTC)
    std::optional<std::string> lastUsedLabel; // raw label value, if present
    std::optional<std::string> invalidSinceLabel; // raw label value, if present
    bool hasNameAnnotation = true; // kubernetes.io/service-account.name
    bool serviceAccountFound = true; // exists, and the uid annotation is empty or equal to its UID
    bool listedInServiceAccount = true; // in the ServiceAccount's .secrets: "auto-generated"
    bool referencedByPod = false; // any pod in the namespace references the Secret by any path
    std::optional<QDate> trackingSince; // the tracking ConfigMap's `since`
    bool cleanupEnabled = true; // LegacyServiceAccountTokenCleanUp on in the cluster's version
    QDate today;
    int periodDays = 365;
};

struct CleanerProjection
{
    bool eligible = false; // the cleaner will act on it (now or later)
    std::string skipReason; // why it never will, when not eligible
    std::optional<QDate> invalidSince; // the label's date (actual) or the projected marking date
    bool invalidSinceProjected = false;
    std::optional<QDate> deletion; // projected deletion date
    bool overdue = false; // the cleaner would already have acted: due at its next run (today)
    std::optional<QDate> dueSince; // when overdue: the day it first became due
};

[[nodiscard]] CleanerProjection projectCleaner(const CleanerInput& in);
// The first day the cleaner may act at all: since + 1 day + period.
[[nodiscard]] QDate firstCleanerRun(const QDate& trackingSince, int periodDays);

struct TokenRecord
{
    TokenKind kind = TokenKind::Legacy;
    std::string ns;
    std::string serviceAccount;
    std::string name; // legacy: the Secret; projected: "Kind/name" of the pod or pod template
    QDateTime created; // invalid if unknown
    TokenState state = TokenState::NeverUsed;
    bool mounted = false; // referenced by a pod or a pod template (legacy), always true for projected tokens
    std::vector<ObjectLink> mountedBy; // pods and pod templates referencing the Secret (projected: the object itself)
    std::vector<std::string> mountedVia; // parallel to mountedBy: "secret volume x", "env secretKeyRef in c", ...
    bool serviceAccountExists = true;
    TokenGrants grants;
    std::string next; // what happens to it next, in words

    // Legacy tokens
    std::string secretUid;
    std::string fingerprint; // SHA-256 of data.token; empty when the Secret has no token data
    std::optional<QDate> lastUsed;
    std::optional<QDate> invalidSince;
    std::string lastUsedRaw; // label (or annotation) value as found, also when malformed
    std::string invalidSinceRaw;
    bool labelsFromAnnotations = false; // found as annotations, not labels (accepted; Kubernetes writes labels)
    bool autoGenerated = false; // listed in the ServiceAccount's .secrets
    bool uidMismatch = false; // the uid annotation names another ServiceAccount object
    bool referencedByPod = false; // by a Pod (the cleaner looks at pods only)
    CleanerProjection cleaner;

    // Projected tokens
    std::string volume;
    std::string audience; // empty: the API server's audiences
    std::int64_t expirationSeconds = 0; // as effective (default 3600)
    bool expirationDefaulted = false;
    bool extended = false; // 3607 s in a pod: the JWT lives a year (semantics §3.4)
    std::string path;
};

struct TokenInventory
{
    QDateTime now;
    std::string nowSource; // "given", "newest date in the snapshot (...)", "the clock"
    std::optional<QDate> trackingSince;
    std::string trackingSource;
    std::optional<QDate> firstCleanerRun;
    int cleanupPeriodDays = 365;
    int activeDays = 30;
    ClusterTokenBehaviour cluster;
    std::vector<TokenRecord> tokens; // legacy first (namespace, Secret), then projected (namespace, object, volume)
    std::vector<TokenMilestone> milestones;

    [[nodiscard]] QDate today() const
    {
        return now.date();
    }
    [[nodiscard]] std::map<TokenState, std::size_t> countByState() const;
    [[nodiscard]] std::size_t mountedLegacyCount() const;
    // namespace -> state -> count
    [[nodiscard]] std::map<std::string, std::map<TokenState, std::size_t>> countByNamespace() const;
};

[[nodiscard]] TokenInventory tokenInventory(const Policy& policy, const TokenOptions& options = {});

// Filtering shared by the CLI and the views. `state` also accepts "mounted" / "unmounted".
struct TokenFilter
{
    std::string ns;
    std::string state;
    std::optional<bool> mounted;
    RiskLevel minRisk = RiskLevel::None;
    std::optional<TokenKind> kind;

    [[nodiscard]] bool accepts(const TokenRecord& t) const;
    [[nodiscard]] static bool validState(std::string_view state);
};

// "2026-11-29", "3 days", "1 h 7 s" and friends.
[[nodiscard]] std::string isoDate(const std::optional<QDate>& d);
[[nodiscard]] std::string humanDuration(std::int64_t seconds);
[[nodiscard]] std::string shortNext(const TokenRecord& t); // a compact form of `next` for tables
[[nodiscard]] std::string tokenKindLabel(const TokenRecord& t); // "auto", "manual", "orphan", "projected"

// CSV and JSON of the inventory: never a token value, only fingerprints.
[[nodiscard]] std::string tokensCsv(const TokenInventory& inv, const std::vector<const TokenRecord*>& rows);

// Parses YYYY-MM-DD strictly (Go's 2006-01-02 layout).
[[nodiscard]] std::optional<QDate> parseLabelDate(std::string_view s);
// YYYY-MM-DD or an RFC 3339 timestamp; dates are 00:00 UTC.
[[nodiscard]] std::optional<QDateTime> parseWhen(std::string_view s);

} // namespace rbx
