// SPDX-License-Identifier: Apache-2.0
// rbx tokens: the token inventory (legacy token Secrets and projected tokens) with what the cleaner does next.
// rbx token inspect: decode a JWT, map it to the snapshot, verify it. rbx token review: an offline TokenReview.
// A token read here is never printed, logged or written anywhere: only its SHA-256 fingerprint is.
#include "app/rbx/cli.h"

#include "models/analysis/tokeninspection.h"
#include "models/analysis/tokens.h"
#include "models/io/jwt.h"
#include "models/io/snapshotloader.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

namespace rbx::cli {

namespace {

QCommandLineOption nowOption()
{
    return {QStringLiteral("now"),
            QStringLiteral("The time to judge at: YYYY-MM-DD or an RFC 3339 timestamp (default: the newest date in the "
                           "snapshot for tokens, the clock for JWTs)."),
            QStringLiteral("WHEN")};
}

// "365", "365d", "8760h", "8760h0m0s" -> days
std::optional<int> parsePeriodDays(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+)(d|h(0m(0s)?)?)?$"));
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    bool ok = false;
    const auto n = m.captured(1).toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    const auto days = m.captured(2).startsWith(u'h') ? n / 24 : n;
    if (days < 1 || days > 36500)
        return std::nullopt;
    return static_cast<int>(days);
}

std::optional<std::string> readToken(const QString& path, std::string& error)
{
    std::string data;
    if (path == QLatin1String("-")) {
        data.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            error = path.toStdString() + ": " + f.errorString().toStdString();
            return std::nullopt;
        }
        data = f.readAll().toStdString();
    }
    auto b = data.find_first_not_of(" \t\r\n");
    auto e = data.find_last_not_of(" \t\r\n");
    if (b == std::string::npos) {
        error = "no token given";
        return std::nullopt;
    }
    data = data.substr(b, e - b + 1);
    if (data.rfind("Bearer ", 0) == 0)
        data = data.substr(7);
    return data;
}

bool loadKeys(const QStringList& files, io::KeySet& keys)
{
    for (const auto& f : files) {
        QFile file(f);
        if (!file.open(QIODevice::ReadOnly)) {
            err("rbx: " + f.toStdString() + ": " + file.errorString().toStdString());
            return false;
        }
        keys.merge(io::parseKeySet(file.readAll(), QFileInfo(f).fileName().toStdString()));
    }
    for (const auto& e : keys.errors)
        err("rbx: note: " + e);
    if (!keys.jwksUri.empty() && keys.keys.empty())
        err("rbx: note: the discovery document names jwks_uri " + keys.jwksUri + "; give that JWKS with --jwks too");
    return true;
}

// What a token command maps the token against, if anything: a live pull (whose JWKS can verify it) or --snapshot
// files. False (with `code`) when the command must stop.
bool tokenSnapshot(const QCommandLineParser& p, const Common& c, bool tokenOnStdin, const std::string& command,
                   std::shared_ptr<const Snapshot>& snapshot, cluster::PullResult& pulled, int& code)
{
    if (isLive(p, c)) {
        snapshot = loadLive(p, c, code, &pulled);
        return snapshot != nullptr;
    }
    if (!p.isSet(c.snapshot))
        return true;
    if (tokenOnStdin && p.values(c.snapshot).contains(QStringLiteral("-"))) {
        err(command + ": stdin carries the token; give the snapshot as a file or folder");
        code = kExitUsage;
        return false;
    }
    snapshot = load(p, c, code);
    return snapshot != nullptr;
}

// The keys a live pull read: /openid/v1/jwks and the OIDC discovery document (its issuer and algorithms). False when
// the cluster offered no JWKS.
bool addClusterKeys(const cluster::PullResult& pulled, io::KeySet& keys)
{
    if (pulled.jwks.empty())
        return false;
    if (!pulled.oidcDiscovery.empty())
        keys.merge(io::parseKeySet(QByteArray::fromStdString(pulled.oidcDiscovery), "cluster OIDC discovery"));
    keys.merge(io::parseKeySet(QByteArray::fromStdString(pulled.jwks), "cluster JWKS"));
    return !keys.keys.empty();
}

std::vector<std::string> values(const QCommandLineParser& p, const QCommandLineOption& o)
{
    std::vector<std::string> out;
    for (const auto& v : p.values(o))
        for (const auto& part : v.split(u',', Qt::SkipEmptyParts))
            out.push_back(part.trimmed().toStdString());
    return out;
}

bool parseNow(const QCommandLineParser& p, const QCommandLineOption& o, std::optional<QDateTime>& now)
{
    if (!p.isSet(o))
        return true;
    now = parseWhen(p.value(o).toStdString());
    if (!now) {
        err("rbx: --now expects YYYY-MM-DD or an RFC 3339 timestamp, got \"" + p.value(o).toStdString() + '"');
        return false;
    }
    return true;
}

// ---- rbx tokens -------------------------------------------------------------------------------------------------

QJsonObject recordJson(const TokenRecord& t)
{
    QJsonObject o {{QStringLiteral("kind"), qs(tokenKindLabel(t))},
                   {QStringLiteral("namespace"), qs(t.ns)},
                   {QStringLiteral("serviceAccount"), qs(t.serviceAccount)},
                   {QStringLiteral("name"), qs(t.name)},
                   {QStringLiteral("state"), QString::fromLatin1(tokenStateName(t.state))},
                   {QStringLiteral("mounted"), t.mounted},
                   {QStringLiteral("serviceAccountExists"), t.serviceAccountExists},
                   {QStringLiteral("next"), qs(t.next)}};
    if (t.created.isValid())
        o.insert(QStringLiteral("created"), t.created.toString(Qt::ISODate));
    QJsonArray mounted;
    for (std::size_t i = 0; i < t.mountedBy.size(); ++i)
        mounted.append(QJsonObject {{QStringLiteral("kind"), qs(t.mountedBy[i].kind)},
                                    {QStringLiteral("name"), qs(t.mountedBy[i].name)},
                                    {QStringLiteral("via"), qs(t.mountedVia[i])}});
    o.insert(QStringLiteral("mountedBy"), mounted);
    QJsonArray caps;
    for (const auto& c : t.grants.capabilities)
        caps.append(qs(c));
    o.insert(QStringLiteral("grants"), QJsonObject {{QStringLiteral("risk"), QString::fromLatin1(riskName(t.grants.risk))},
                                                    {QStringLiteral("clusterAdmin"), t.grants.clusterAdmin},
                                                    {QStringLiteral("summary"), qs(t.grants.summary())},
                                                    {QStringLiteral("capabilities"), caps}});
    if (t.kind == TokenKind::Legacy) {
        o.insert(QStringLiteral("autoGenerated"), t.autoGenerated);
        o.insert(QStringLiteral("fingerprint"), t.fingerprint.empty() ? QJsonValue() : QJsonValue(qs("sha256:" + t.fingerprint)));
        o.insert(QStringLiteral("lastUsed"), t.lastUsedRaw.empty() ? QJsonValue() : QJsonValue(qs(t.lastUsedRaw)));
        o.insert(QStringLiteral("invalidSince"), t.invalidSinceRaw.empty() ? QJsonValue() : QJsonValue(qs(t.invalidSinceRaw)));
        if (t.labelsFromAnnotations)
            o.insert(QStringLiteral("datesFromAnnotations"), true);
        QJsonObject cleaner {{QStringLiteral("eligible"), t.cleaner.eligible}};
        if (t.cleaner.eligible) {
            if (t.cleaner.invalidSinceProjected)
                cleaner.insert(QStringLiteral("invalidSince"), qs(isoDate(t.cleaner.invalidSince)));
            cleaner.insert(QStringLiteral("deletion"), qs(isoDate(t.cleaner.deletion)));
            cleaner.insert(QStringLiteral("overdue"), t.cleaner.overdue);
        } else {
            cleaner.insert(QStringLiteral("skipReason"), qs(t.cleaner.skipReason));
        }
        o.insert(QStringLiteral("cleaner"), cleaner);
    } else {
        o.insert(QStringLiteral("volume"), qs(t.volume));
        o.insert(QStringLiteral("audience"), t.audience.empty() ? QJsonValue() : QJsonValue(qs(t.audience)));
        o.insert(QStringLiteral("expirationSeconds"), static_cast<qint64>(t.expirationSeconds));
        o.insert(QStringLiteral("expirationDefaulted"), t.expirationDefaulted);
        o.insert(QStringLiteral("extendedExpiration"), t.extended);
        o.insert(QStringLiteral("path"), qs(t.path));
    }
    return o;
}

QJsonObject contextJson(const TokenInventory& inv)
{
    const auto& c = inv.cluster;
    QJsonObject cluster {{QStringLiteral("version"), c.version ? qs(c.version->text()) : QJsonValue()},
                         {QStringLiteral("versionSource"), qs(c.versionSource)},
                         {QStringLiteral("assumed"), c.assumed},
                         {QStringLiteral("autoGeneration"), c.autoGeneration},
                         {QStringLiteral("tracking"), c.tracking},
                         {QStringLiteral("cleanup"), c.cleanup},
                         {QStringLiteral("notes"), jsonList(c.notes)}};
    if (c.atLeast)
        cluster.insert(QStringLiteral("atLeast"), qs(c.atLeast->text()));
    return QJsonObject {{QStringLiteral("today"), qs(isoDate(inv.today()))},
                        {QStringLiteral("todaySource"), qs(inv.nowSource)},
                        {QStringLiteral("trackingSince"), inv.trackingSince ? QJsonValue(qs(isoDate(inv.trackingSince))) : QJsonValue()},
                        {QStringLiteral("trackingSource"), qs(inv.trackingSource)},
                        {QStringLiteral("firstCleanerRun"), inv.firstCleanerRun ? QJsonValue(qs(isoDate(inv.firstCleanerRun))) : QJsonValue()},
                        {QStringLiteral("cleanupPeriodDays"), inv.cleanupPeriodDays},
                        {QStringLiteral("activeDays"), inv.activeDays},
                        {QStringLiteral("cluster"), cluster}};
}

int cmdTokens(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Every token credential of the snapshot: legacy ServiceAccount token Secrets (auto-generated and manual) "
        "with their last-used and invalid-since labels, what the legacy-token cleaner does to each next, and the "
        "projected tokens of pods and pod templates; who mounts each, and what it grants.\n\n"
        "Usage: rbx tokens --snapshot PATH... [-n NS] [--state STATE] [-o table|json|csv]\n\n"
        "STATE: active, stale, never-used, invalidated, orphaned, projected, or mounted, unmounted, legacy.\n"
        "Today is --now, else the newest date in the snapshot. The version is --k8s-version, else the newest kubelet "
        "version of the snapshot's Nodes, else a current release is assumed (and said so)."));
    Common c;
    Scope sc;
    addCommon(p, c);
    // A filter here, not the namespace of a request: without it every namespace is listed.
    sc.ns.setDescription(QStringLiteral("Only tokens in this namespace (default: every namespace)."));
    p.addOption(sc.ns);
    QCommandLineOption state(QStringLiteral("state"), QStringLiteral("Only tokens in this state."), QStringLiteral("STATE"));
    QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("table, json or csv."),
                              QStringLiteral("FORMAT"), QStringLiteral("table"));
    QCommandLineOption now = nowOption();
    QCommandLineOption version(QStringLiteral("k8s-version"),
                               QStringLiteral("The cluster's Kubernetes version, e.g. 1.29 (what it does on its own)."),
                               QStringLiteral("VERSION"));
    QCommandLineOption period(QStringLiteral("cleanup-period"),
                              QStringLiteral("kube-controller-manager's --legacy-service-account-token-clean-up-period: "
                                             "days (365), 365d or 8760h. Default one year."),
                              QStringLiteral("PERIOD"));
    QCommandLineOption active(QStringLiteral("active-days"),
                              QStringLiteral("A token used within this many days is active (default 30)."),
                              QStringLiteral("DAYS"));
    QCommandLineOption since(QStringLiteral("tracking-since"),
                             QStringLiteral("When last-use tracking began, if the tracking ConfigMap is not in the "
                                            "snapshot (YYYY-MM-DD)."),
                             QStringLiteral("DATE"));
    p.addOptions({state, output, now, version, period, active, since});
    int code = 0;
    if (!parse(p, QStringLiteral("tokens"), args, code))
        return code;
    const auto fmt = p.value(output);
    if (fmt != QLatin1String("table") && fmt != QLatin1String("json") && fmt != QLatin1String("csv")) {
        err("rbx: --output must be table, json or csv");
        return kExitUsage;
    }
    TokenFilter filter;
    filter.ns = p.value(sc.ns).toStdString();
    filter.state = p.value(state).toStdString();
    if (!TokenFilter::validState(filter.state)) {
        err("rbx: --state must be one of active, stale, never-used, invalidated, orphaned, projected, mounted, "
            "unmounted, legacy");
        return kExitUsage;
    }
    TokenOptions opts;
    if (!parseNow(p, now, opts.now))
        return kExitUsage;
    if (p.isSet(version)) {
        opts.version = KubeVersion::parse(p.value(version).toStdString());
        if (!opts.version) {
            err("rbx: --k8s-version expects a version such as 1.29 or v1.30.2");
            return kExitUsage;
        }
    }
    if (p.isSet(period)) {
        const auto days = parsePeriodDays(p.value(period));
        if (!days) {
            err("rbx: --cleanup-period expects days (365), 365d or hours (8760h)");
            return kExitUsage;
        }
        opts.cleanupPeriodDays = *days;
    }
    if (p.isSet(active)) {
        bool ok = false;
        opts.activeDays = p.value(active).toInt(&ok);
        if (!ok || opts.activeDays < 0) {
            err("rbx: --active-days expects a number of days");
            return kExitUsage;
        }
    }
    if (p.isSet(since)) {
        opts.trackingSince = parseLabelDate(p.value(since).toStdString());
        if (!opts.trackingSince) {
            err("rbx: --tracking-since expects YYYY-MM-DD");
            return kExitUsage;
        }
    }
    auto snapshot = load(p, c, code);
    if (!snapshot)
        return code;
    Policy policy(snapshot);
    const auto inv = tokenInventory(policy, opts);
    std::vector<const TokenRecord*> rows;
    for (const auto& t : inv.tokens)
        if (filter.accepts(t))
            rows.push_back(&t);

    if (fmt == QLatin1String("csv")) {
        out(tokensCsv(inv, rows));
        return kExitOk;
    }
    if (fmt == QLatin1String("json")) {
        QJsonArray tokens;
        for (const auto* t : rows)
            tokens.append(recordJson(*t));
        QJsonObject byState;
        QJsonObject byNs;
        std::map<std::string, std::map<TokenState, std::size_t>> nsCounts;
        std::map<TokenState, std::size_t> counts;
        std::size_t mounted = 0;
        for (const auto* t : rows) {
            ++counts[t->state];
            ++nsCounts[t->ns][t->state];
            mounted += t->kind == TokenKind::Legacy && t->mounted;
        }
        for (auto s : kTokenStates)
            byState.insert(QString::fromLatin1(tokenStateName(s)), static_cast<qint64>(counts[s]));
        for (const auto& [ns, m] : nsCounts) {
            QJsonObject o;
            for (const auto& [s, n] : m)
                o.insert(QString::fromLatin1(tokenStateName(s)), static_cast<qint64>(n));
            byNs.insert(qs(ns), o);
        }
        auto ctx = contextJson(inv);
        ctx.insert(QStringLiteral("counts"), QJsonObject {{QStringLiteral("byState"), byState},
                                                          {QStringLiteral("mountedLegacy"), static_cast<qint64>(mounted)},
                                                          {QStringLiteral("byNamespace"), byNs},
                                                          {QStringLiteral("total"), static_cast<qint64>(rows.size())}});
        ctx.insert(QStringLiteral("tokens"), tokens);
        printJson(ctx);
        return kExitOk;
    }
    std::vector<std::vector<std::string>> t {
        {"NAMESPACE", "NAME", "KIND", "SERVICEACCOUNT", "STATE", "CREATED", "LAST-USED", "INVALID-SINCE", "NEXT", "RISK"}};
    for (const auto* r : rows) {
        std::string name = r->name;
        if (r->kind == TokenKind::Projected)
            name += " (" + r->volume + ')';
        std::string state = tokenStateName(r->state);
        if (r->kind == TokenKind::Legacy && r->mounted)
            state += ",mounted";
        t.push_back({r->ns, name, tokenKindLabel(*r), r->serviceAccount, state,
                     r->created.isValid() ? r->created.date().toString(Qt::ISODate).toStdString() : "-",
                     r->lastUsedRaw.empty() ? "-" : r->lastUsedRaw,
                     r->invalidSinceRaw.empty() ? "-" : r->invalidSinceRaw, shortNext(*r),
                     std::string(riskName(r->grants.risk)) + (r->grants.clusterAdmin ? " (cluster-admin)" : "")});
    }
    out(table(t));
    std::string counts;
    std::map<TokenState, std::size_t> n;
    for (const auto* r : rows)
        ++n[r->state];
    for (auto s : kTokenStates)
        if (n[s])
            counts += (counts.empty() ? "" : ", ") + std::to_string(n[s]) + ' ' + tokenStateName(s);
    out("\nToday: " + isoDate(inv.today()) + " (" + inv.nowSource + ")\n");
    out("Cluster: " + (inv.cluster.version ? inv.cluster.version->text() + " (" + inv.cluster.versionSource + ')'
                                           : inv.cluster.versionSource)
        + '\n');
    out("Tracking since: " + (inv.trackingSince ? isoDate(inv.trackingSince) : std::string("unknown")) + " ("
        + inv.trackingSource + "); clean-up period " + std::to_string(inv.cleanupPeriodDays) + " days"
        + (inv.firstCleanerRun && inv.cluster.cleanup ? "; first clean-up run " + isoDate(inv.firstCleanerRun) : "")
        + '\n');
    out("Tokens: " + std::to_string(rows.size()) + (counts.empty() ? "" : " (" + counts + ')') + '\n');
    return kExitOk;
}

// ---- rbx token inspect / review ---------------------------------------------------------------------------------

int cmdTokenInspect(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Decode a ServiceAccount JWT (legacy or bound), show its claims and expiry in words, map it to the "
        "ServiceAccount, Secret, Pod and Node of the snapshot (by claims and by SHA-256 fingerprint), say what it "
        "can do, and with --jwks verify its signature and claims. The token is never printed.\n\n"
        "Usage: rbx token inspect FILE|- [--snapshot PATH...] [--jwks FILE...] [--audience A] [--issuer I] "
        "[-o text|json]\n\n"
        "--jwks takes a JWKS (/openid/v1/jwks), an OIDC discovery document (/.well-known/openid-configuration) or a "
        "PEM public key (--service-account-key-file). Exit code: 0 decoded (and valid, when verified), 1 verification "
        "failed, 2 not a JWT or a usage error."));
    Common c;
    addCommon(p, c);
    QCommandLineOption jwks(QStringLiteral("jwks"), QStringLiteral("JWKS, OIDC discovery document or PEM public key "
                                                                   "(repeatable)."),
                            QStringLiteral("FILE"));
    QCommandLineOption audience(QStringLiteral("audience"), QStringLiteral("Expected audience (repeatable)."),
                                QStringLiteral("AUD"));
    QCommandLineOption issuer(QStringLiteral("issuer"), QStringLiteral("Expected issuer (repeatable)."),
                              QStringLiteral("ISS"));
    QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("text or json."),
                              QStringLiteral("FORMAT"), QStringLiteral("text"));
    QCommandLineOption now = nowOption();
    p.addOptions({jwks, audience, issuer, output, now});
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The token file, or - for stdin."));
    int code = 0;
    if (!parse(p, QStringLiteral("token inspect"), args, code))
        return code;
    const auto fmt = p.value(output);
    if (fmt != QLatin1String("text") && fmt != QLatin1String("json")) {
        err("rbx: --output must be text or json");
        return kExitUsage;
    }
    if (p.positionalArguments().size() != 1) {
        err("rbx token inspect: give the token file, or - for stdin");
        return kExitUsage;
    }
    std::optional<QDateTime> when;
    if (!parseNow(p, now, when))
        return kExitUsage;
    std::shared_ptr<const Snapshot> snapshot;
    cluster::PullResult pulled;
    if (!tokenSnapshot(p, c, p.positionalArguments().first() == QLatin1String("-"), "rbx token inspect", snapshot,
                       pulled, code))
        return code;
    io::KeySet keys;
    if (!loadKeys(p.values(jwks), keys))
        return kExitUsage;
    const bool liveKeys = !p.isSet(jwks) && addClusterKeys(pulled, keys);
    std::string error;
    const auto token = readToken(p.positionalArguments().first(), error);
    if (!token) {
        err("rbx: " + error);
        return kExitUsage;
    }
    io::VerifyOptions vo;
    if (when)
        vo.now = when->toSecsSinceEpoch();
    vo.audiences = values(p, audience);
    vo.issuers = values(p, issuer);
    std::unique_ptr<Policy> policy;
    if (snapshot)
        policy = std::make_unique<Policy>(snapshot);
    const auto r = inspectJwt(policy.get(), *token, p.isSet(jwks) || liveKeys ? &keys : nullptr, vo);
    if (fmt == QLatin1String("json"))
        printJson(inspectionJson(r));
    else
        out(inspectionText(r));
    if (!r.jwt.ok())
        return kExitUsage;
    return r.verification && r.verification->verdict != io::JwtVerdict::Valid ? kExitNo : kExitOk;
}

int cmdTokenReview(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Answer an authentication.k8s.io/v1 TokenReview offline, as the API server's ServiceAccount authenticators "
        "would: signature (against --jwks), issuer, audiences, expiry with one minute of leeway, and with --snapshot "
        "the lookups (the ServiceAccount, the legacy token's Secret and its invalid-since label, the bound Pod or "
        "Secret must still exist with the same UID).\n\n"
        "Usage: rbx token review --jwks FILE... [--audience A]... [--issuer ISS]... [--api-audience A]... "
        "[--snapshot PATH...] < token\n\n"
        "stdin holds the token, or a TokenReview JSON (spec.token, spec.audiences). The answer is the TokenReview "
        "with status filled in; spec.token is never written back. Notes go to stderr. Exit code: 0 authenticated, "
        "1 not authenticated, 2 usage error."));
    Common c;
    addCommon(p, c);
    QCommandLineOption jwks(QStringLiteral("jwks"), QStringLiteral("JWKS, OIDC discovery document or PEM public key "
                                                                   "(repeatable)."),
                            QStringLiteral("FILE"));
    QCommandLineOption audience(QStringLiteral("audience"),
                                QStringLiteral("Requested audience, spec.audiences (repeatable)."), QStringLiteral("AUD"));
    QCommandLineOption apiAudience(QStringLiteral("api-audience"),
                                   QStringLiteral("The API server's --api-audiences (default: the issuers)."),
                                   QStringLiteral("AUD"));
    QCommandLineOption issuer(QStringLiteral("issuer"),
                              QStringLiteral("An accepted --service-account-issuer (repeatable; default: the discovery "
                                             "document's issuer)."),
                              QStringLiteral("ISS"));
    QCommandLineOption now = nowOption();
    p.addOptions({jwks, audience, apiAudience, issuer, now});
    int code = 0;
    if (!parse(p, QStringLiteral("token review"), args, code))
        return code;
    if (!p.isSet(jwks) && !isLive(p, c)) {
        err("rbx token review: give the keys to verify with: --jwks FILE (or --context NAME to read the cluster's "
            "JWKS)");
        return kExitUsage;
    }
    std::optional<QDateTime> when;
    if (!parseNow(p, now, when))
        return kExitUsage;
    std::shared_ptr<const Snapshot> snapshot;
    cluster::PullResult pulled;
    if (!tokenSnapshot(p, c, true, "rbx token review", snapshot, pulled, code))
        return code;
    io::KeySet keys;
    if (!loadKeys(p.values(jwks), keys))
        return kExitUsage;
    if (!p.isSet(jwks) && !addClusterKeys(pulled, keys)) {
        err("rbx token review: the cluster's JWKS (/openid/v1/jwks) could not be read; give it with --jwks FILE");
        return kExitUsage;
    }
    std::string error;
    auto token = readToken(QStringLiteral("-"), error);
    if (!token) {
        err("rbx: " + error);
        return kExitUsage;
    }
    io::TokenReviewOptions o;
    o.verify.audiences = values(p, audience);
    if (token->front() == '{') {
        const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(*token));
        const auto spec = doc.object().value(QStringLiteral("spec")).toObject();
        if (!doc.isObject() || !spec.value(QStringLiteral("token")).isString()) {
            err("rbx token review: stdin is JSON but not a TokenReview with spec.token");
            return kExitUsage;
        }
        *token = spec.value(QStringLiteral("token")).toString().toStdString();
        if (o.verify.audiences.empty())
            for (const auto& a : spec.value(QStringLiteral("audiences")).toArray())
                o.verify.audiences.push_back(a.toString().toStdString());
    }
    if (when)
        o.verify.now = when->toSecsSinceEpoch();
    o.verify.issuers = values(p, issuer);
    o.apiAudiences = values(p, apiAudience);
    o.snapshot = snapshot.get();
    const auto r = io::tokenReview(*token, keys, o);
    printJson(r.review);
    for (const auto& n : r.notes)
        err("rbx: note: " + n);
    return r.authenticated ? kExitOk : kExitNo;
}

int cmdToken(const QStringList& args)
{
    const QString sub = args.value(1);
    QStringList rest = args;
    if (rest.size() > 1)
        rest.removeAt(1);
    if (sub == QLatin1String("inspect"))
        return cmdTokenInspect(rest);
    if (sub == QLatin1String("review"))
        return cmdTokenReview(rest);
    const std::string help = "Usage:\n"
                             "  rbx token inspect FILE|- [--snapshot PATH...] [--jwks FILE...] [-o text|json]\n"
                             "  rbx token review --jwks FILE... [--audience A]... [--snapshot PATH...] < token\n"
                             "\n"
                             "inspect  Decode a JWT, map it to the snapshot, say what it can do, verify it\n"
                             "review   Answer a TokenReview offline, as the API server would\n"
                             "\n"
                             "Run 'rbx token SUBCOMMAND --help' for the options.\n";
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h") || sub == QLatin1String("help")) {
        out(help);
        return kExitOk;
    }
    err(sub.isEmpty() ? help : "rbx token: unknown subcommand \"" + sub.toStdString() + "\"\n\n" + help);
    return kExitUsage;
}

RegisterCommand regTokens {"tokens", "Token inventory: legacy token Secrets and projected tokens, states, clean-up "
                                     "dates (-o table|json|csv)",
                           &cmdTokens};
RegisterCommand regToken {"token", "Inspect a JWT (claims, snapshot mapping, signature) or review it offline "
                                   "(TokenReview)",
                          &cmdToken};

} // namespace

} // namespace rbx::cli
