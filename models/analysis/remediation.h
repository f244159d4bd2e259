// SPDX-License-Identifier: Apache-2.0
// Remediation: the fixes a finding offers, as operations on the snapshot's objects, and a plan that combines the
// fixes a reviewer picked (in order, conflicts and duplicates resolved), applies them to a copy of the snapshot (the
// after-state) and says what each ServiceAccount loses. models/io/kustomize turns a plan into YAML.
#pragma once

#include "models/analysis/findings.h"

#include <memory>
#include <string>
#include <vector>

namespace rbx {

struct Operation
{
    enum class Kind : std::uint8_t {
        SetServiceAccountAutomount, // ServiceAccount: automountServiceAccountToken = flag
        SetPodAutomount, // pod template: automountServiceAccountToken = flag
        SetServiceAccountName, // pod template: serviceAccountName = value
        ReplaceSecretVolume, // pod template: volume `value` (secret `value2`) -> projected serviceAccountToken
        RemoveSubject, // binding: remove `subject`
        ReplaceRules, // role: rules = `rules`
        SetAnnotation, // any object: metadata.annotations[value] = value2
        Delete, // any object
        CreateServiceAccount, // new ServiceAccount, automountServiceAccountToken = flag
        CreateRoleBinding, // new RoleBinding: roleRef, subjects
        CreateKyvernoPolicy, // new kyverno.io/v1 ClusterPolicy: default ServiceAccounts never automount
    };
    Kind kind = Kind::Delete;
    ObjectLink target;
    bool flag = false;
    std::string value;
    std::string value2;
    Subject subject;
    std::vector<PolicyRule> rules;
    RoleRef roleRef;
    std::vector<Subject> subjects;
};

struct Fix
{
    std::string id; // "<finding id>#<n>", or a shared id for fixes several findings offer
    std::string findingId;
    std::string title;
    std::string reason; // why, in one or two sentences (goes into the patch headers)
    std::vector<Operation> ops;
    std::vector<std::string> notes; // caveats a reviewer must know
    std::vector<std::string> residual; // finding ids this fix leaves behind or brings up by design
    bool resolves = true; // false: preventive (does not change the snapshot's objects) or partial
};

// The fixes of one finding, best first; empty when none can be generated (noFixReason says why).
[[nodiscard]] std::vector<Fix> fixesFor(const Policy& policy, const Finding& finding);
[[nodiscard]] std::string noFixReason(const Policy& policy, const Finding& finding);

// The shared Kyverno fix (enforce automountServiceAccountToken: false on every default ServiceAccount).
[[nodiscard]] Fix kyvernoDefaultServiceAccountFix();
inline constexpr const char* kKyvernoFixId = "RBX-FIX-KYVERNO-DEFAULT-SA";

// One step of a plan: an operation of a fix, in the order the overlay applies it.
struct PlannedStep
{
    Operation op;
    std::string fixId;
    std::string findingId;
    std::string reason;
    std::string apiVersion; // of the target
    int subjectIndex = -1; // RemoveSubject: index of the subject when this step applies (JSON patch path)
};

struct PlannedDeletion
{
    ObjectLink object;
    std::string apiVersion;
    std::string reason;
    std::string fixId; // empty for clean-ups that follow from the fixes
};

struct AccessChange
{
    std::string subject; // ServiceAccount "ns/name"
    std::string scope; // "cluster-wide" or a namespace
    std::vector<std::string> lost; // "get, list, watch secrets"
    std::vector<std::string> gained;
};

struct WorkloadChange
{
    ObjectLink workload;
    std::string before;
    std::string after;
};

struct RemediationPlan
{
    std::shared_ptr<const Snapshot> before;
    std::vector<Fix> fixes; // as selected (fixes that changed nothing are kept, with a note in `skipped`)
    std::vector<Finding> findings; // the findings the fixes address
    std::vector<PlannedStep> steps; // patches and creations, in order
    std::vector<ObjectLink> base; // existing objects that are patched (before-state in the overlay's base/)
    std::vector<PlannedDeletion> deletions;
    std::vector<std::string> skipped; // operations dropped: duplicates, conflicts, objects deleted anyway
    std::shared_ptr<const Snapshot> after;
    std::vector<AccessChange> access;
    std::vector<WorkloadChange> workloads;

    [[nodiscard]] std::vector<std::string> findingIds() const;
    [[nodiscard]] std::vector<const PlannedStep*> created() const; // Create* steps
    [[nodiscard]] std::vector<const PlannedStep*> patchSteps() const; // steps on existing objects
};

[[nodiscard]] RemediationPlan planRemediation(const Policy& before, const std::vector<Finding>& findings,
                                              const std::vector<Fix>& fixes);

// ---- after-states from elsewhere (verification) -------------------------------------------------------------------

// `base` with every object of `overlay` replacing (or adding) the object of the same kind, namespace and name.
[[nodiscard]] std::shared_ptr<Snapshot> overlaySnapshot(const Snapshot& base, const Snapshot& overlay);
// `snapshot` without these objects.
[[nodiscard]] std::shared_ptr<Snapshot> withoutObjects(const Snapshot& snapshot, const std::vector<ObjectLink>& objects);
// Every object of a snapshot as kind/namespace/name.
[[nodiscard]] std::vector<ObjectLink> objectLinks(const Snapshot& snapshot);

[[nodiscard]] std::string apiVersionOf(const Snapshot& snapshot, const ObjectLink& object);

} // namespace rbx
