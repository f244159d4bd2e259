// SPDX-License-Identifier: Apache-2.0
#include "models/io/generator.h"
#include "models/io/mappedfile.h"

#include <simdjson.h>
#include <yaml.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

namespace rbx::io {

namespace {

// A streaming writer for one document in block YAML (as kubectl prints it) or compact JSON.
class Writer
{
public:
    Writer(std::FILE* file, bool json)
        : m_file(file)
        , m_json(json)
    {
    }
    ~Writer()
    {
        flush();
    }
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    void beginMap()
    {
        open(true);
    }
    void endMap()
    {
        close(true);
    }
    void beginSeq()
    {
        open(false);
    }
    void endSeq()
    {
        close(false);
    }
    void key(std::string_view k)
    {
        auto& c = m_stack.back();
        if (m_json) {
            if (!c.first)
                m_buf += ',';
            jsonNewline(m_stack.size());
            appendJsonString(k);
            m_buf += ": ";
        } else {
            if (c.first && c.dash) {
                // first key of a map that is a list item: on the dash's line
            } else {
                if (c.first && c.lazyNewline)
                    m_buf += '\n';
                m_buf.append(static_cast<std::size_t>(c.indent), ' ');
            }
            m_buf += k;
            m_buf += ':';
        }
        c.first = false;
        c.lazyNewline = false;
    }
    void str(std::string_view v)
    {
        scalar([&] {
            if (m_json)
                appendJsonString(v);
            else
                appendYamlString(v);
        });
    }
    void num(long long v)
    {
        scalar([&] { m_buf += std::to_string(v); });
    }
    void boolean(bool v)
    {
        scalar([&] { m_buf += v ? "true" : "false"; });
    }
    void flush()
    {
        if (!m_buf.empty())
            std::fwrite(m_buf.data(), 1, m_buf.size(), m_file);
        m_buf.clear();
    }

private:
    struct Ctx
    {
        bool map;
        bool first = true;
        int indent = 0;
        bool dash = false; // a map that is a list item: its first key follows "- "
        bool lazyNewline = false; // value of a key: the newline comes with the first entry
    };

    template<typename F>
    void scalar(F&& write)
    {
        if (m_stack.empty()) {
            write();
            return;
        }
        auto& c = m_stack.back();
        if (m_json) {
            if (!c.map) {
                if (!c.first)
                    m_buf += ',';
                jsonNewline(m_stack.size());
            }
            write();
        } else if (c.map) {
            m_buf += ' ';
            write();
            m_buf += '\n';
        } else {
            if (c.first && c.lazyNewline)
                m_buf += '\n';
            m_buf.append(static_cast<std::size_t>(c.indent), ' ');
            m_buf += "- ";
            write();
            m_buf += '\n';
        }
        if (!c.map)
            c.first = false;
        c.lazyNewline = false;
        if (m_buf.size() > (1 << 20))
            flush();
    }

    void open(bool map)
    {
        Ctx next {map};
        if (m_json) {
            if (!m_stack.empty() && !m_stack.back().map) {
                if (!m_stack.back().first)
                    m_buf += ',';
                jsonNewline(m_stack.size());
                m_stack.back().first = false;
            }
            m_buf += map ? '{' : '[';
            m_stack.push_back(next);
            return;
        }
        if (m_stack.empty()) {
            next.indent = 0;
        } else if (m_stack.back().map) {
            // the value of a key: a map is indented, a list stays at the key's indent (kubectl's style)
            next.indent = m_stack.back().indent + (map ? 2 : 0);
            next.lazyNewline = true;
        } else {
            auto& parent = m_stack.back();
            if (parent.first && parent.lazyNewline)
                m_buf += '\n';
            m_buf.append(static_cast<std::size_t>(parent.indent), ' ');
            m_buf += "- ";
            parent.first = false;
            parent.lazyNewline = false;
            next.indent = parent.indent + 2;
            next.dash = true;
        }
        m_stack.push_back(next);
    }

    void close(bool map)
    {
        const Ctx c = m_stack.back();
        m_stack.pop_back();
        if (m_json) {
            if (!c.first)
                jsonNewline(m_stack.size());
            m_buf += map ? '}' : ']';
            if (m_stack.empty())
                m_buf += '\n';
            return;
        }
        if (c.first) // empty
            m_buf += map ? " {}\n" : " []\n";
        if (m_buf.size() > (1 << 20))
            flush();
    }

    // JSON is indented as `kubectl get -o json` writes it (four spaces a level), which is what users load.
    void jsonNewline(std::size_t depth)
    {
        m_buf += '\n';
        m_buf.append(4 * depth, ' ');
    }

    void appendJsonString(std::string_view s)
    {
        m_buf += '"';
        for (char ch : s) {
            if (ch == '"' || ch == '\\')
                m_buf += '\\';
            m_buf += ch;
        }
        m_buf += '"';
    }

    void appendYamlString(std::string_view s)
    {
        bool plain = !s.empty() && s.size() < 200;
        for (char ch : s)
            plain = plain
                && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-'
                    || ch == '.' || ch == '/' || ch == '_');
        if (plain && (s == "true" || s == "false" || s == "null" || (s[0] >= '0' && s[0] <= '9')))
            plain = false;
        if (plain) {
            m_buf += s;
            return;
        }
        appendJsonString(s); // a JSON string is a valid double-quoted YAML scalar
    }

    std::FILE* m_file;
    bool m_json;
    std::string m_buf;
    std::vector<Ctx> m_stack;
};

// kubectl's List: apiVersion, items, kind, metadata.
class Generator
{
public:
    Generator(Writer& w, const GeneratorOptions& o)
        : w(w)
        , rng(o.seed)
        , scale(o.scale)
        , heavyBindings(o.heavyBindings)
    {
    }

    GeneratedCounts run()
    {
        w.beginMap();
        w.key("apiVersion");
        w.str("v1");
        w.key("items");
        w.beginSeq();
        const auto namespaces = std::max<std::size_t>(1, static_cast<std::size_t>(500 * scale));
        clusterObjects(std::max<std::size_t>(10, static_cast<std::size_t>(200 * scale)));
        for (std::size_t n = 0; n < namespaces; ++n) {
            namespaceObjects("ns-" + std::to_string(n), n);
            heavyBindingsIn("ns-" + std::to_string(n), n, namespaces);
        }
        w.endSeq();
        w.key("kind");
        w.str("List");
        w.key("metadata");
        w.beginMap();
        w.key("resourceVersion");
        w.str("");
        w.endMap();
        w.endMap();
        w.flush();
        return counts;
    }

private:
    std::string hex(std::size_t n)
    {
        static constexpr char digits[] = "0123456789abcdef";
        std::string s(n, '0');
        for (auto& c : s)
            c = digits[rng() % 16];
        return s;
    }
    std::string uid()
    {
        return hex(8) + '-' + hex(4) + "-4" + hex(3) + "-8" + hex(3) + '-' + hex(12);
    }
    std::string b64(std::size_t n)
    {
        static constexpr char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string s(n, 'A');
        for (auto& c : s)
            c = digits[rng() % 64];
        return s;
    }

    void meta(const std::string& name, const std::string& ns, std::initializer_list<std::pair<const char*, std::string>> labels = {})
    {
        w.key("metadata");
        w.beginMap();
        w.key("creationTimestamp");
        w.str("2025-0" + std::to_string(1 + rng() % 9) + "-1" + std::to_string(rng() % 10) + "T10:00:00Z");
        if (labels.size()) {
            w.key("labels");
            w.beginMap();
            for (const auto& [k, v] : labels) {
                w.key(k);
                w.str(v);
            }
            w.endMap();
        }
        w.key("name");
        w.str(name);
        if (!ns.empty()) {
            w.key("namespace");
            w.str(ns);
        }
        w.key("resourceVersion");
        w.str(std::to_string(rng() % 10000000));
        w.key("uid");
        w.str(uid());
        w.endMap();
        ++counts.objects;
    }

    void header(const char* apiVersion, const char* kind)
    {
        w.beginMap();
        w.key("apiVersion");
        w.str(apiVersion);
        w.key("kind");
        w.str(kind);
    }

    void rule(std::initializer_list<const char*> groups, std::initializer_list<const char*> resources,
              std::initializer_list<const char*> verbs)
    {
        w.beginMap();
        w.key("apiGroups");
        w.beginSeq();
        for (const auto* g : groups)
            w.str(g);
        w.endSeq();
        w.key("resources");
        w.beginSeq();
        for (const auto* r : resources)
            w.str(r);
        w.endSeq();
        w.key("verbs");
        w.beginSeq();
        for (const auto* v : verbs)
            w.str(v);
        w.endSeq();
        w.endMap();
    }

    void clusterObjects(std::size_t roles)
    {
        for (std::size_t i = 0; i < roles; ++i) {
            header("rbac.authorization.k8s.io/v1", "ClusterRole");
            const bool aggregated = i % 20 == 0;
            meta("cluster-role-" + std::to_string(i), {}, {{"rbac.example.com/aggregate-to-ops", i % 3 ? "true" : "false"}});
            if (aggregated) {
                w.key("aggregationRule");
                w.beginMap();
                w.key("clusterRoleSelectors");
                w.beginSeq();
                w.beginMap();
                w.key("matchLabels");
                w.beginMap();
                w.key("rbac.example.com/aggregate-to-ops");
                w.str("true");
                w.endMap();
                w.endMap();
                w.endSeq();
                w.endMap();
            }
            w.key("rules");
            w.beginSeq();
            if (!aggregated) {
                rule({""}, {"pods", "services", "configmaps"}, {"get", "list", "watch"});
                rule({"apps"}, {"deployments", "deployments/scale"}, {"get", "update", "patch"});
                if (i % 7 == 0)
                    rule({""}, {"secrets"}, {"get"});
            }
            w.endSeq();
            w.endMap();
            ++counts.roles;
        }
        for (std::size_t i = 0; i < roles / 2; ++i) {
            header("rbac.authorization.k8s.io/v1", "ClusterRoleBinding");
            meta("cluster-binding-" + std::to_string(i), {});
            roleRef("ClusterRole", "cluster-role-" + std::to_string(i * 2));
            w.key("subjects");
            w.beginSeq();
            subject("ServiceAccount", "app-" + std::to_string(i % 4), "ns-" + std::to_string(i % 50));
            if (i % 5 == 0)
                subject("Group", "team-" + std::to_string(i % 10), {});
            w.endSeq();
            w.endMap();
            ++counts.bindings;
        }
        for (std::size_t i = 0; i < 20; ++i) {
            header("apiextensions.k8s.io/v1", "CustomResourceDefinition");
            const auto plural = "widgets" + std::to_string(i);
            meta(plural + ".example.com", {});
            w.key("spec");
            w.beginMap();
            w.key("group");
            w.str("example.com");
            w.key("names");
            w.beginMap();
            w.key("kind");
            w.str("Widget" + std::to_string(i));
            w.key("plural");
            w.str(plural);
            w.endMap();
            w.key("scope");
            w.str("Namespaced");
            w.key("versions");
            w.beginSeq();
            w.beginMap();
            w.key("name");
            w.str("v1");
            w.key("schema");
            w.beginMap();
            w.key("openAPIV3Schema");
            w.beginMap();
            w.key("type");
            w.str("object");
            w.key("properties");
            w.beginMap();
            for (int p = 0; p < 40; ++p) {
                w.key("field" + std::to_string(p));
                w.beginMap();
                w.key("type");
                w.str("string");
                w.key("description");
                w.str("A field of the widget, described at length so that schemas weigh what they weigh.");
                w.endMap();
            }
            w.endMap();
            w.endMap();
            w.endMap();
            w.key("served");
            w.boolean(true);
            w.key("storage");
            w.boolean(true);
            w.endMap();
            w.endSeq();
            w.endMap();
            w.endMap();
        }
    }

    void roleRef(const char* kind, const std::string& name)
    {
        w.key("roleRef");
        w.beginMap();
        w.key("apiGroup");
        w.str("rbac.authorization.k8s.io");
        w.key("kind");
        w.str(kind);
        w.key("name");
        w.str(name);
        w.endMap();
    }

    void subject(const char* kind, const std::string& name, const std::string& ns)
    {
        w.beginMap();
        w.key("kind");
        w.str(kind);
        w.key("name");
        w.str(name);
        if (!ns.empty()) {
            w.key("namespace");
            w.str(ns);
        }
        w.endMap();
    }

    // The heavy ServiceAccount (in ns-0) and binding k (k = n, n + namespaces, ...) to role-(k % 3) of namespace n.
    // Uses no random numbers, so every other object stays as it was.
    void heavyBindingsIn(const std::string& ns, std::size_t n, std::size_t namespaces)
    {
        if (heavyBindings == 0)
            return;
        if (n == 0) {
            header("v1", "ServiceAccount");
            meta("heavy-bot", ns);
            w.endMap();
            ++counts.serviceAccounts;
        }
        for (std::size_t k = n; k < heavyBindings; k += namespaces) {
            header("rbac.authorization.k8s.io/v1", "RoleBinding");
            meta("heavy-bot-" + std::to_string(k), ns);
            roleRef("Role", "role-" + std::to_string(k % 3));
            w.key("subjects");
            w.beginSeq();
            subject("ServiceAccount", "heavy-bot", "ns-0");
            w.endSeq();
            w.endMap();
            ++counts.bindings;
        }
    }

    void namespaceObjects(const std::string& ns, std::size_t n)
    {
        header("v1", "Namespace");
        meta(ns, {});
        w.key("status");
        w.beginMap();
        w.key("phase");
        w.str("Active");
        w.endMap();
        w.endMap();
        ++counts.namespaces;
        const char* sas[] = {"default", "app-0", "app-1", "app-2", "app-3"};
        for (const char* sa : sas) {
            header("v1", "ServiceAccount");
            meta(sa, ns);
            if (std::string_view(sa) != "default") {
                w.key("secrets");
                w.beginSeq();
                w.beginMap();
                w.key("name");
                w.str(std::string(sa) + "-token-" + hex(5));
                w.endMap();
                w.endSeq();
            }
            w.endMap();
            ++counts.serviceAccounts;
        }
        for (int i = 0; i < 10; ++i) {
            header("v1", "Secret");
            const bool token = i < 2;
            w.key("data");
            w.beginMap();
            if (token) {
                w.key("ca.crt");
                w.str(b64(1400));
                w.key("namespace");
                w.str(b64(12));
                w.key("token");
                w.str(b64(1200));
            } else {
                w.key("password");
                w.str(b64(40));
                w.key("config.json");
                w.str(b64(600));
            }
            w.endMap();
            if (token)
                meta("app-" + std::to_string(i) + "-token-" + hex(5), ns,
                     {{"kubernetes.io/legacy-token-last-used", "2026-0" + std::to_string(1 + rng() % 9) + "-15"}});
            else
                meta("secret-" + std::to_string(i), ns);
            w.key("type");
            w.str(token ? "kubernetes.io/service-account-token" : "Opaque");
            w.endMap();
            ++counts.secrets;
        }
        for (int i = 0; i < 3; ++i) {
            header("rbac.authorization.k8s.io/v1", "Role");
            meta("role-" + std::to_string(i), ns);
            w.key("rules");
            w.beginSeq();
            rule({""}, {"pods", "pods/log"}, {"get", "list"});
            if (i == 2)
                rule({""}, {"pods"}, {"create", "delete"});
            w.endSeq();
            w.endMap();
            ++counts.roles;
        }
        for (int i = 0; i < 4; ++i) {
            header("rbac.authorization.k8s.io/v1", "RoleBinding");
            meta("binding-" + std::to_string(i), ns);
            roleRef(i == 3 ? "ClusterRole" : "Role",
                    i == 3 ? "cluster-role-" + std::to_string(n % 40) : "role-" + std::to_string(i));
            w.key("subjects");
            w.beginSeq();
            subject("ServiceAccount", "app-" + std::to_string(i), {});
            w.endSeq();
            w.endMap();
            ++counts.bindings;
        }
        for (int d = 0; d < 4; ++d) {
            header("apps/v1", "Deployment");
            meta("app-" + std::to_string(d), ns, {{"app", "app-" + std::to_string(d)}});
            w.key("spec");
            w.beginMap();
            w.key("replicas");
            w.num(10);
            w.key("template");
            w.beginMap();
            w.key("spec");
            podSpec("app-" + std::to_string(d), false);
            w.endMap();
            w.endMap();
            w.endMap();
        }
        for (int p = 0; p < 40; ++p)
            pod(ns, p);
    }

    void podSpec(const std::string& sa, bool withToken)
    {
        w.beginMap();
        w.key("containers");
        w.beginSeq();
        for (int c = 0; c < 2; ++c) {
            w.beginMap();
            w.key("env");
            w.beginSeq();
            for (int e = 0; e < 6; ++e) {
                w.beginMap();
                w.key("name");
                w.str("VAR_" + std::to_string(e));
                w.key("value");
                w.str("value-" + hex(16));
                w.endMap();
            }
            w.endSeq();
            w.key("image");
            w.str("registry.example.com/app:" + hex(7));
            w.key("livenessProbe");
            w.beginMap();
            w.key("httpGet");
            w.beginMap();
            w.key("path");
            w.str("/healthz");
            w.key("port");
            w.num(8080);
            w.endMap();
            w.key("periodSeconds");
            w.num(10);
            w.endMap();
            w.key("name");
            w.str(c ? "sidecar" : "app");
            w.key("resources");
            w.beginMap();
            w.key("limits");
            w.beginMap();
            w.key("cpu");
            w.str("500m");
            w.key("memory");
            w.str("512Mi");
            w.endMap();
            w.endMap();
            w.key("volumeMounts");
            w.beginSeq();
            w.beginMap();
            w.key("mountPath");
            w.str("/var/run/secrets/kubernetes.io/serviceaccount");
            w.key("name");
            w.str("kube-api-access");
            w.key("readOnly");
            w.boolean(true);
            w.endMap();
            w.endSeq();
            w.endMap();
        }
        w.endSeq();
        w.key("serviceAccountName");
        w.str(sa);
        w.key("volumes");
        w.beginSeq();
        w.beginMap();
        w.key("name");
        w.str("kube-api-access");
        w.key("projected");
        w.beginMap();
        w.key("sources");
        w.beginSeq();
        w.beginMap();
        w.key("serviceAccountToken");
        w.beginMap();
        w.key("expirationSeconds");
        w.num(3607);
        w.key("path");
        w.str("token");
        w.endMap();
        w.endMap();
        w.endSeq();
        w.endMap();
        w.endMap();
        if (withToken) {
            w.beginMap();
            w.key("name");
            w.str("legacy");
            w.key("secret");
            w.beginMap();
            w.key("secretName");
            w.str("app-0-token-" + hex(5));
            w.endMap();
            w.endMap();
        }
        w.endSeq();
        w.endMap();
    }

    void pod(const std::string& ns, int p)
    {
        header("v1", "Pod");
        const auto app = "app-" + std::to_string(p % 4);
        meta(app + '-' + hex(10) + '-' + hex(5), ns, {{"app", app}, {"pod-template-hash", hex(10)}});
        w.key("spec");
        podSpec(p % 10 == 9 ? std::string("default") : app, p % 13 == 0);
        w.key("status");
        w.beginMap();
        w.key("conditions");
        w.beginSeq();
        for (const char* type : {"Initialized", "Ready", "ContainersReady", "PodScheduled"}) {
            w.beginMap();
            w.key("lastTransitionTime");
            w.str("2026-11-0" + std::to_string(1 + rng() % 9) + "T12:00:00Z");
            w.key("status");
            w.str("True");
            w.key("type");
            w.str(type);
            w.endMap();
        }
        w.endSeq();
        w.key("containerStatuses");
        w.beginSeq();
        for (int c = 0; c < 2; ++c) {
            w.beginMap();
            w.key("containerID");
            w.str("containerd://" + hex(64));
            w.key("image");
            w.str("registry.example.com/app:" + hex(7));
            w.key("imageID");
            w.str("registry.example.com/app@sha256:" + hex(64));
            w.key("name");
            w.str(c ? "sidecar" : "app");
            w.key("ready");
            w.boolean(true);
            w.key("restartCount");
            w.num(static_cast<long long>(rng() % 3));
            w.endMap();
        }
        w.endSeq();
        w.key("hostIP");
        w.str("10.0." + std::to_string(rng() % 255) + '.' + std::to_string(rng() % 255));
        w.key("phase");
        w.str("Running");
        w.endMap();
        w.endMap();
        ++counts.pods;
    }

    Writer& w;
    std::mt19937_64 rng;
    double scale;
    std::size_t heavyBindings;
    GeneratedCounts counts;
};

} // namespace

GeneratedCounts generateSnapshot(const std::string& path, bool json, const GeneratorOptions& options)
{
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f)
        return {};
    GeneratedCounts counts;
    {
        Writer w(f, json);
        Generator g(w, options);
        counts = g.run();
    }
    std::fclose(f);
    return counts;
}

std::int64_t yamlEventPass(const std::string& path)
{
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f)
        return -1;
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    std::int64_t events = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            events = -1;
            break;
        }
        const bool end = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        ++events;
        if (end)
            break;
    }
    yaml_parser_delete(&parser);
    std::fclose(f);
    return events;
}

namespace {
std::int64_t walk(simdjson::ondemand::value v)
{
    std::int64_t n = 1;
    switch (v.type().value()) {
    case simdjson::ondemand::json_type::object:
        for (auto field : v.get_object())
            n += walk(field.value());
        break;
    case simdjson::ondemand::json_type::array:
        for (auto item : v.get_array())
            n += walk(item.value());
        break;
    case simdjson::ondemand::json_type::string:
        (void)v.get_string().value();
        break;
    default:
        (void)v.raw_json_token();
    }
    return n;
}
} // namespace

std::int64_t jsonOnDemandPass(const std::string& path)
{
    try {
        // The file is mapped as our loader maps it, so that the floor is the parser's cost alone (simdjson's own
        // padded_string::load copies the file first, which costs as much again as the walk).
        std::string error;
        auto mapped = MappedFile::open(path, simdjson::SIMDJSON_PADDING, error);
        std::optional<simdjson::padded_string> copy;
        simdjson::padded_string_view view;
        if (mapped) {
            view = simdjson::padded_string_view(mapped->data().data(), mapped->data().size(), mapped->readable());
        } else {
            copy.emplace(simdjson::padded_string::load(path).value());
            view = *copy;
        }
        simdjson::ondemand::parser parser;
        auto doc = parser.iterate(view);
        simdjson::ondemand::value root = doc.get_value().value();
        return walk(root);
    } catch (const simdjson::simdjson_error&) {
        return -1;
    }
}

} // namespace rbx::io
