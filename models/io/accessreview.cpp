// SPDX-License-Identifier: Apache-2.0
#include "models/io/accessreview.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace rbx::io {

namespace {

std::string str(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString().toStdString();
}

} // namespace

ParsedReview parseSubjectAccessReview(const std::string& json)
{
    ParsedReview out;
    QJsonParseError error {};
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &error);
    if (doc.isNull()) {
        out.error = "invalid JSON: " + error.errorString().toStdString() + " at offset " + std::to_string(error.offset);
        return out;
    }
    if (!doc.isObject()) {
        out.error = "expected a SubjectAccessReview object";
        return out;
    }
    const auto root = doc.object();
    const auto kind = str(root, "kind");
    if (!kind.empty() && kind != "SubjectAccessReview" && kind != "LocalSubjectAccessReview") {
        out.error = "expected kind SubjectAccessReview, got " + kind;
        return out;
    }
    const auto spec = root.value(QLatin1String("spec")).toObject();
    Request r;
    r.user.name = str(spec, "user");
    r.user.uid = str(spec, "uid");
    for (const auto& g : spec.value(QLatin1String("groups")).toArray())
        r.user.groups.push_back(g.toString().toStdString());
    const auto ra = spec.value(QLatin1String("resourceAttributes"));
    const auto nra = spec.value(QLatin1String("nonResourceAttributes"));
    if (ra.isObject() == nra.isObject()) {
        out.error = "exactly one of spec.resourceAttributes and spec.nonResourceAttributes must be set";
        return out;
    }
    if (ra.isObject()) {
        const auto o = ra.toObject();
        r.resourceRequest = true;
        r.resource.ns = str(o, "namespace");
        r.resource.verb = str(o, "verb");
        r.resource.group = str(o, "group");
        r.resource.version = str(o, "version");
        r.resource.resource = str(o, "resource");
        r.resource.subresource = str(o, "subresource");
        r.resource.name = str(o, "name");
        if (kind == "LocalSubjectAccessReview") {
            const auto ns = root.value(QLatin1String("metadata")).toObject().value(QLatin1String("namespace")).toString();
            if (!ns.isEmpty() && ns.toStdString() != r.resource.ns) {
                out.error = "spec.resourceAttributes.namespace must match metadata.namespace";
                return out;
            }
        }
    } else {
        const auto o = nra.toObject();
        r.resourceRequest = false;
        r.nonResource.path = str(o, "path");
        r.nonResource.verb = str(o, "verb");
    }
    if (r.user.name.empty() && r.user.groups.empty()) {
        out.error = "at least one of spec.user and spec.groups must be set";
        return out;
    }
    out.request = std::move(r);
    return out;
}

std::string answerSubjectAccessReview(const Policy& policy, const std::string& json)
{
    const auto parsed = parseSubjectAccessReview(json);
    QJsonObject root;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(json));
    if (doc.isObject())
        root = doc.object();
    if (!root.contains(QLatin1String("apiVersion")))
        root.insert(QLatin1String("apiVersion"), QLatin1String("authorization.k8s.io/v1"));
    if (!root.contains(QLatin1String("kind")))
        root.insert(QLatin1String("kind"), QLatin1String("SubjectAccessReview"));
    QJsonObject status;
    if (!parsed.request) {
        status.insert(QLatin1String("allowed"), false);
        status.insert(QLatin1String("evaluationError"), QString::fromStdString(parsed.error));
    } else {
        const auto d = policy.authorize(*parsed.request);
        status.insert(QLatin1String("allowed"), d.allowed);
        if (!d.reason.empty())
            status.insert(QLatin1String("reason"), QString::fromStdString(d.reason));
    }
    root.insert(QLatin1String("status"), status);
    return QJsonDocument(root).toJson(QJsonDocument::Compact).toStdString();
}

} // namespace rbx::io
