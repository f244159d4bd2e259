// SPDX-License-Identifier: Apache-2.0
#include "models/analysis/tokeninspection.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

namespace rbx {

std::string relativeTime(std::int64_t delta)
{
    const std::int64_t a = delta < 0 ? -delta : delta;
    std::string text;
    if (a < 90)
        text = std::to_string(a) + " s";
    else if (a < 90 * 60)
        text = std::to_string((a + 30) / 60) + " min";
    else if (a < 36 * 3600)
        text = std::to_string((a + 1800) / 3600) + " h";
    else if (a < 400 * 86400) {
        const auto d = (a + 43200) / 86400;
        text = std::to_string(d) + (d == 1 ? " day" : " days");
    } else {
        const auto y = a / (365 * 86400);
        const auto d = (a - y * 365 * 86400) / 86400;
        text = std::to_string(y) + (y == 1 ? " year" : " years") + (d ? ' ' + std::to_string(d) + (d == 1 ? " day" : " days") : "");
    }
    return delta >= 0 ? "in " + text : text + " ago";
}

std::string utcTime(std::int64_t secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc())
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"))
        .toStdString();
}

namespace {

std::string secretNote(const Secret& secret, const Snapshot& s)
{
    std::string note;
    auto add = [&](const std::string& t) { note += (note.empty() ? "" : "; ") + t; };
    auto label = [&](const char* key) -> std::string {
        if (auto it = secret.meta.labels.find(key); it != secret.meta.labels.end())
            return it->second;
        if (auto it = secret.meta.annotations.find(key); it != secret.meta.annotations.end())
            return it->second;
        return {};
    };
    const auto lastUsed = label(kLastUsedLabel);
    const auto invalid = label(kInvalidSinceLabel);
    add(lastUsed.empty() ? std::string("never used since tracking began") : "last used " + lastUsed);
    if (!invalid.empty())
        add("invalid since " + invalid + " (the API server rejects it)");
    for (const auto& w : s.workloads)
        if (w.meta.ns == secret.meta.ns)
            for (const auto& r : w.pod.secretRefs)
                if (r.secretName == secret.meta.name) {
                    add("referenced by " + w.kind + ' ' + w.meta.ns + '/' + w.meta.name);
                    break;
                }
    return note;
}

std::string yesNo(bool b, const char* yes, const char* no)
{
    return b ? yes : no;
}

} // namespace

TokenInspection inspectJwt(const Policy* policy, std::string_view token, const io::KeySet* keys,
                           const io::VerifyOptions& options)
{
    TokenInspection r;
    r.jwt = io::decodeJwt(token);
    r.now = options.now ? *options.now : QDateTime::currentSecsSinceEpoch();
    const auto& j = r.jwt;
    if (keys)
        r.verification = io::verifyJwt(token, *keys, options);
    if (!j.ok()) {
        r.type = "not a JWT";
        return r;
    }
    if (j.legacy)
        r.type = "legacy ServiceAccount token (Secret-based)";
    else if (!j.podName.empty())
        r.type = "bound ServiceAccount token (pod)";
    else if (!j.secretName.empty())
        r.type = "bound ServiceAccount token (Secret)";
    else if (!j.nodeName.empty())
        r.type = "bound ServiceAccount token (node)";
    else if (!j.serviceAccount.empty())
        r.type = "bound ServiceAccount token (TokenRequest, no object binding)";
    else
        r.type = "JWT (not a Kubernetes ServiceAccount token)";

    if (j.exp) {
        r.expiry = (r.now > *j.exp ? "EXPIRED " : "") + relativeTime(*j.exp - r.now) + " (" + utcTime(*j.exp) + ')';
        if (j.iat) {
            r.expiry += "; lifetime " + humanDuration(*j.exp - *j.iat);
            if (j.warnafter)
                r.expiry += " (extended: requested for " + humanDuration(*j.warnafter - *j.iat) + ", the kubelet's 3607 s)";
        }
    } else if (j.legacy) {
        r.expiry = "never (no exp claim): valid as long as Secret " + j.ns + '/' + j.secretName
            + " exists and is not marked invalid";
    } else {
        r.expiry = "never (no exp claim)";
    }
    if (j.warnafter && r.now > *j.warnafter)
        r.findings.push_back("past its warnafter (" + utcTime(*j.warnafter)
                             + "): the API server still accepts it but audits it as a stale token");
    if (j.alg == "none")
        r.findings.push_back("unsigned (alg none): no Kubernetes API server accepts it");

    if (!policy)
        return r;
    r.snapshotLoaded = true;
    const auto& s = policy->snapshot();
    if (!j.serviceAccount.empty() && !j.ns.empty()) {
        InspectedObject o;
        o.object = {"ServiceAccount", j.ns, j.serviceAccount};
        const auto* sa = s.findServiceAccount(j.ns, j.serviceAccount);
        o.exists = sa != nullptr;
        o.uidMatches = sa && (j.serviceAccountUid.empty() || sa->meta.uid == j.serviceAccountUid);
        if (!sa)
            o.note = "not in the snapshot: the token no longer authenticates";
        else if (!o.uidMatches)
            o.note = "its UID is " + sa->meta.uid + ": the ServiceAccount was re-created, so the token is dead";
        r.serviceAccount = o;
        r.grants = grantsOf(*policy, j.ns, j.serviceAccount);
    }
    if (!j.secretName.empty()) {
        InspectedObject o;
        o.object = {"Secret", j.ns, j.secretName};
        const auto* secret = s.findSecret(j.ns, j.secretName);
        o.exists = secret != nullptr;
        o.uidMatches = secret && (j.secretUid.empty() || secret->meta.uid == j.secretUid);
        if (secret) {
            o.note = secretNote(*secret, s);
            if (j.legacy && (!secret->token || secret->token->sha256 != j.fingerprint))
                o.note += "; its data.token is a different token: this one is rejected";
        } else {
            o.note = "not in the snapshot: the token no longer authenticates";
        }
        r.secret = o;
    }
    for (const auto& secret : s.secrets)
        if (secret.token && secret.token->sha256 == j.fingerprint) {
            InspectedObject o;
            o.object = {"Secret", secret.meta.ns, secret.meta.name};
            o.exists = true;
            o.uidMatches = true;
            o.note = "its data.token is this token (same SHA-256); " + secretNote(secret, s);
            r.secretByFingerprint = o;
            break;
        }
    if (!j.podName.empty()) {
        InspectedObject o;
        o.object = {"Pod", j.ns, j.podName};
        const auto* pod = s.findPod(j.ns, j.podName);
        o.exists = pod != nullptr;
        o.uidMatches = pod && (j.podUid.empty() || pod->meta.uid == j.podUid);
        if (!pod)
            o.note = "not in the snapshot: a pod-bound token dies with its pod";
        else if (!o.uidMatches)
            o.note = "its UID is " + pod->meta.uid + ": a newer pod of the same name, so the token is dead";
        r.pod = o;
    }
    if (!j.nodeName.empty()) {
        InspectedObject o;
        o.object = {"Node", {}, j.nodeName};
        for (const auto& n : s.nodes)
            if (n.meta.name == j.nodeName) {
                o.exists = true;
                o.uidMatches = j.nodeUid.empty() || n.meta.uid == j.nodeUid;
            }
        if (!o.exists)
            o.note = "not in the snapshot";
        r.node = o;
    }
    if (!r.serviceAccount && !r.secretByFingerprint)
        r.findings.push_back("no ServiceAccount claims: this is not a ServiceAccount token of this cluster");
    return r;
}

std::string inspectionText(const TokenInspection& r)
{
    const auto& j = r.jwt;
    std::string out;
    auto line = [&](const std::string& label, const std::string& value) {
        std::string l = label;
        l.resize(std::max<std::size_t>(l.size() + 1, 18), ' ');
        out += l + value + '\n';
    };
    line("Fingerprint", "sha256:" + j.fingerprint + " (the token itself is never shown or stored)");
    if (!j.ok()) {
        line("Error", j.error);
        return out;
    }
    line("Type", r.type);
    line("Header", QJsonDocument(j.header).toJson(QJsonDocument::Compact).toStdString());
    line("Issuer", j.iss.empty() ? "(none)" : j.iss);
    line("Subject", j.sub.empty() ? "(none)" : j.sub);
    if (j.hasAud) {
        std::string a;
        for (const auto& x : j.aud)
            a += (a.empty() ? "" : ", ") + x;
        line("Audience", a);
    } else {
        line("Audience", j.legacy ? "(none: legacy tokens count as the API server's own audiences)" : "(none)");
    }
    if (j.iat)
        line("Issued", utcTime(*j.iat) + " (" + relativeTime(*j.iat - r.now) + ')');
    if (j.nbf)
        line("Not before", utcTime(*j.nbf));
    line("Expires", r.expiry);
    if (j.warnafter)
        line("Warn after", utcTime(*j.warnafter) + " (" + relativeTime(*j.warnafter - r.now) + ')');
    if (!j.jti.empty())
        line("JWT ID", j.jti + " (credential-id JTI=" + j.jti + " in audit logs)");
    if (!j.ns.empty())
        line("Namespace", j.ns);
    if (!j.serviceAccount.empty())
        line("ServiceAccount", j.serviceAccount + (j.serviceAccountUid.empty() ? "" : " (uid " + j.serviceAccountUid + ')'));
    if (!j.secretName.empty())
        line(j.legacy ? "Secret" : "Bound Secret", j.secretName + (j.secretUid.empty() ? "" : " (uid " + j.secretUid + ')'));
    if (!j.podName.empty())
        line("Bound pod", j.podName + (j.podUid.empty() ? "" : " (uid " + j.podUid + ')'));
    if (!j.nodeName.empty())
        line("Node", j.nodeName + (j.nodeUid.empty() ? "" : " (uid " + j.nodeUid + ')'));
    if (r.snapshotLoaded) {
        out += "\nIn the snapshot\n";
        auto obj = [&](const char* label, const std::optional<InspectedObject>& o, bool withKind) {
            if (!o)
                return;
            const auto& l = o->object;
            std::string v = (withKind ? l.kind + ' ' : std::string()) + (l.ns.empty() ? "" : l.ns + '/') + l.name + ": "
                + yesNo(o->exists, o->uidMatches ? "exists" : "exists, UID differs", "missing");
            if (!o->note.empty())
                v += " - " + o->note;
            line(std::string("  ") + label, v);
        };
        obj("ServiceAccount", r.serviceAccount, false);
        obj(r.jwt.legacy ? "Secret" : "Bound Secret", r.secret, false);
        if (r.secretByFingerprint && r.secret && r.secretByFingerprint->object.ns == r.secret->object.ns
            && r.secretByFingerprint->object.name == r.secret->object.name)
            line("  Fingerprint", "the Secret's data.token is this very token (same SHA-256)");
        else if (r.secretByFingerprint)
            obj("Fingerprint", r.secretByFingerprint, true);
        else
            line("  Fingerprint", "no Secret of the snapshot holds this token");
        obj("Pod", r.pod, false);
        obj("Node", r.node, false);
        if (r.grants)
            line("  Can do", r.grants->summary() + " (risk " + riskName(r.grants->risk) + ')');
    } else {
        out += "\nNo snapshot loaded: the token is not mapped to objects.\n";
    }
    if (r.verification) {
        out += "\nVerification: " + std::string(io::verdictName(r.verification->verdict)) + " - "
            + r.verification->message + '\n';
        for (const auto& c : r.verification->checks)
            out += "  " + c + '\n';
    } else {
        out += "\nVerification: not done (no JWKS, discovery document or public key given)\n";
    }
    for (const auto& f : r.findings)
        out += "Warning: " + f + '\n';
    out += "\nClaims\n" + QJsonDocument(j.claims).toJson(QJsonDocument::Indented).toStdString();
    return out;
}

QJsonObject inspectionJson(const TokenInspection& r)
{
    const auto& j = r.jwt;
    auto qs = [](const std::string& s) { return QString::fromStdString(s); };
    QJsonObject o;
    o.insert(QStringLiteral("fingerprint"), qs("sha256:" + j.fingerprint));
    if (!j.ok()) {
        o.insert(QStringLiteral("error"), qs(j.error));
        return o;
    }
    o.insert(QStringLiteral("type"), qs(r.type));
    o.insert(QStringLiteral("legacy"), j.legacy);
    o.insert(QStringLiteral("header"), j.header);
    o.insert(QStringLiteral("claims"), j.claims);
    o.insert(QStringLiteral("expiry"), qs(r.expiry));
    if (j.exp) {
        o.insert(QStringLiteral("expiresAt"), qs(utcTime(*j.exp)));
        o.insert(QStringLiteral("expired"), r.now > *j.exp);
    }
    auto objJson = [&](const std::optional<InspectedObject>& x) {
        QJsonObject v;
        v.insert(QStringLiteral("kind"), qs(x->object.kind));
        if (!x->object.ns.empty())
            v.insert(QStringLiteral("namespace"), qs(x->object.ns));
        v.insert(QStringLiteral("name"), qs(x->object.name));
        v.insert(QStringLiteral("exists"), x->exists);
        v.insert(QStringLiteral("uidMatches"), x->uidMatches);
        if (!x->note.empty())
            v.insert(QStringLiteral("note"), qs(x->note));
        return v;
    };
    if (r.snapshotLoaded) {
        QJsonObject snap;
        if (r.serviceAccount)
            snap.insert(QStringLiteral("serviceAccount"), objJson(r.serviceAccount));
        if (r.secret)
            snap.insert(QStringLiteral("secret"), objJson(r.secret));
        if (r.secretByFingerprint)
            snap.insert(QStringLiteral("secretByFingerprint"), objJson(r.secretByFingerprint));
        if (r.pod)
            snap.insert(QStringLiteral("pod"), objJson(r.pod));
        if (r.node)
            snap.insert(QStringLiteral("node"), objJson(r.node));
        if (r.grants) {
            QJsonArray caps;
            for (const auto& c : r.grants->capabilities)
                caps.append(qs(c));
            snap.insert(QStringLiteral("grants"),
                        QJsonObject {{QStringLiteral("risk"), QString::fromLatin1(riskName(r.grants->risk))},
                                     {QStringLiteral("clusterAdmin"), r.grants->clusterAdmin},
                                     {QStringLiteral("summary"), qs(r.grants->summary())},
                                     {QStringLiteral("capabilities"), caps}});
        }
        o.insert(QStringLiteral("snapshot"), snap);
    }
    if (r.verification) {
        QJsonArray checks;
        for (const auto& c : r.verification->checks)
            checks.append(qs(c));
        QJsonObject v {{QStringLiteral("verdict"), QString::fromLatin1(io::verdictName(r.verification->verdict))},
                       {QStringLiteral("message"), qs(r.verification->message)},
                       {QStringLiteral("signatureValid"), r.verification->signatureValid},
                       {QStringLiteral("checks"), checks}};
        if (r.verification->key)
            v.insert(QStringLiteral("key"), qs(r.verification->key->source));
        o.insert(QStringLiteral("verification"), v);
    }
    QJsonArray findings;
    for (const auto& f : r.findings)
        findings.append(qs(f));
    o.insert(QStringLiteral("findings"), findings);
    return o;
}

} // namespace rbx
