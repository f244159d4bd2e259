// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: SubjectAccessReview JSON lines as `rbx review` reads them, answered against a small policy.
#include "models/analysis/policy.h"
#include "models/io/accessreview.h"
#include "models/io/snapshotloader.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {
const rbx::Policy& policy()
{
    static const rbx::Policy p(rbx::io::loadFromString(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules:
- {apiGroups: ["*"], resources: ["pods", "*/scale"], resourceNames: [a, ""], verbs: [get, "*"]}
- {nonResourceURLs: ["/api*", "/healthz/*"], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {kind: ClusterRole, name: r}
subjects: [{kind: Group, name: g}, {kind: User, name: u}, {kind: ServiceAccount, name: s, namespace: n}]
)",
                                                            "policy.yaml", rbx::io::Format::Yaml));
    return p;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string line(reinterpret_cast<const char*>(data), size);
    (void)rbx::io::answerSubjectAccessReview(policy(), line);
    return 0;
}
