// SPDX-License-Identifier: Apache-2.0
#include "models/io/node.h"

#include <array>

namespace rbx::io {

namespace {

bool isContainerList(std::string_view key)
{
    return key == "containers" || key == "initContainers" || key == "ephemeralContainers";
}

bool keptContainerField(std::string_view key)
{
    static constexpr std::array kept {std::string_view("name"), std::string_view("env"), std::string_view("envFrom"),
                                      std::string_view("image"), std::string_view("volumeMounts")};
    for (auto k : kept)
        if (k == key)
            return true;
    return false;
}

} // namespace

bool MapBuilder::set(std::string_view key, Node child)
{
    bool fresh = true;
    slot(key, fresh) = std::move(child);
    return fresh;
}

Node& MapBuilder::slot(std::string_view key, bool& fresh)
{
    auto& map = m_node.map;
    constexpr std::size_t kLinear = 16;
    std::size_t existing = map.size();
    if (map.size() < kLinear) {
        for (std::size_t i = 0; i < map.size(); ++i)
            if (map[i].first == key) {
                existing = i;
                break;
            }
    } else {
        if (m_index.empty())
            for (std::size_t i = 0; i < map.size(); ++i)
                m_index.emplace(std::string(map[i].first), i);
        auto [it, inserted] = m_index.try_emplace(std::string(key), map.size());
        if (!inserted)
            existing = it->second;
    }
    fresh = existing == map.size();
    if (!fresh) {
        Node& value = map[existing].second;
        value = Node(Node::allocator_type(map.get_allocator()));
        return value;
    }
    if (map.capacity() == 0)
        map.reserve(8); // most mappings hold a few keys: one allocation instead of four
    return map.emplace_back(std::piecewise_construct, std::forward_as_tuple(key), std::forward_as_tuple()).second;
}

bool shouldSkip(const std::vector<std::string_view>& path)
{
    const auto n = path.size();
    if (n == 0)
        return false;
    const auto first = path[0];
    if (n == 1)
        return first == "binaryData";
    // Of status, only Node status.nodeInfo.kubeletVersion is read (the cluster's version for the token views).
    if (first == "status")
        return n == 2 ? path[1] != "nodeInfo" : n == 3 && path[2] != "kubeletVersion";
    if (first == "metadata")
        return path[1] == "managedFields"
            || (n == 3 && path[1] == "annotations" && path[2] == "kubectl.kubernetes.io/last-applied-configuration");
    // Secret and ConfigMap payloads: only the service-account token (fingerprinted, then dropped) and the
    // token-tracking ConfigMap's date are ever read. Key names survive as skipped entries.
    if (first == "data")
        return n == 2 ? (path[1] != "token" && path[1] != "since") : false;
    if (first == "stringData")
        return n == 2 ? path[1] != "token" : false;
    if (first == "spec") {
        // CRD schemas are large and never read.
        if (n == 4 && path[1] == "versions" && path[3] == "schema")
            return true;
        if (n == 2 && path[1] == "validation")
            return true;
        // Container fields other than identity, env references and mounts (probes, resources, commands...).
        if (n >= 3 && path[n - 2].empty() && isContainerList(path[n - 3]))
            return !keptContainerField(path[n - 1]);
        // Literal env values may hold credentials: never keep them.
        if (n >= 3 && path[n - 1] == "value" && path[n - 2].empty() && path[n - 3] == "env")
            return true;
    }
    return false;
}

} // namespace rbx::io
