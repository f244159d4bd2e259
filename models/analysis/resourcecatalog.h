// SPDX-License-Identifier: Apache-2.0
// The resource catalogue: Kubernetes' built-in resources (group, scope, names, subresources) for a recent release,
// extended by the CustomResourceDefinitions of a snapshot. Resolves what kubectl users type ("po", "deploy",
// "deployments.apps/scale") the way kubectl's RESTMapper would.
#pragma once

#include "models/domain/snapshot.h"

#include <optional>
#include <string>
#include <vector>

namespace rbx {

struct ResourceType
{
    std::string group; // "" = core
    std::string plural;
    std::string singular;
    std::string kind;
    bool namespaced = true;
    std::vector<std::string> shortNames;
    std::vector<std::string> subresources;
    bool builtIn = true;
    std::vector<std::string> verbs; // what the API serves for the resource itself
};

struct ResolvedResource
{
    std::string group;
    std::string resource;
    std::string subresource;
    bool namespaced = true;
    bool known = false; // found in the catalogue
};

class ResourceCatalog
{
public:
    ResourceCatalog(); // built-in resources only
    explicit ResourceCatalog(const Snapshot& snapshot); // plus the snapshot's CRDs and discovery documents

    [[nodiscard]] const std::vector<ResourceType>& types() const
    {
        return m_types;
    }
    // `spec` is RESOURCE[.GROUP][/SUBRESOURCE] as kubectl accepts it (plural, singular, short name or kind).
    [[nodiscard]] ResolvedResource resolve(const std::string& spec) const;
    [[nodiscard]] const ResourceType* find(const std::string& group, const std::string& plural) const;

private:
    std::vector<ResourceType> m_types;
};

} // namespace rbx
