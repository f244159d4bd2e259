// SPDX-License-Identifier: Apache-2.0
#include "models/cluster/execcredential.h"

#include <QDir>
#include <QElapsedTimer>
#include <QMutex>
#include <QMutexLocker>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>

#include <map>

namespace rbx::cluster {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

std::string firstLines(QByteArray text, int max = 400)
{
    text = text.trimmed();
    if (text.size() > max)
        text = text.left(max) + "…";
    return text.toStdString();
}

} // namespace

std::string execInfoJson(const ConnectionConfig& c)
{
    QJsonObject spec;
    spec[QStringLiteral("interactive")] = false;
    if (c.exec && c.exec->provideClusterInfo) {
        QJsonObject cluster;
        cluster[QStringLiteral("server")] = qs(c.server);
        if (!c.tlsServerName.empty())
            cluster[QStringLiteral("tls-server-name")] = qs(c.tlsServerName);
        if (c.insecureSkipTlsVerify)
            cluster[QStringLiteral("insecure-skip-tls-verify")] = true;
        if (!c.caPem.empty())
            cluster[QStringLiteral("certificate-authority-data")]
                = QString::fromLatin1(QByteArray::fromStdString(c.caPem).toBase64());
        if (!c.proxyUrl.empty())
            cluster[QStringLiteral("proxy-url")] = qs(c.proxyUrl);
        spec[QStringLiteral("cluster")] = cluster;
    }
    QJsonObject info;
    info[QStringLiteral("apiVersion")] = qs(c.exec ? c.exec->apiVersion : std::string());
    info[QStringLiteral("kind")] = QStringLiteral("ExecCredential");
    info[QStringLiteral("spec")] = spec;
    return QJsonDocument(info).toJson(QJsonDocument::Compact).toStdString();
}

ExecResult parseExecCredential(const std::string& text, const std::string& apiVersion)
{
    ExecResult r;
    QJsonParseError pe {};
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(text), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        r.error = "the plugin's output is not an ExecCredential JSON object"
            + (pe.error != QJsonParseError::NoError ? " (" + pe.errorString().toStdString() + " at byte "
                       + std::to_string(pe.offset) + ')'
                                                    : std::string());
        return r;
    }
    const auto o = doc.object();
    if (o.value(QStringLiteral("kind")).toString() != QLatin1String("ExecCredential")) {
        r.error = "the plugin's output has kind \"" + o.value(QStringLiteral("kind")).toString().toStdString()
            + "\", expected ExecCredential";
        return r;
    }
    const auto got = o.value(QStringLiteral("apiVersion")).toString().toStdString();
    if (got != apiVersion) {
        r.error = "the plugin answered with apiVersion \"" + got + "\" but the kubeconfig asks for \"" + apiVersion
            + '"';
        return r;
    }
    const auto status = o.value(QStringLiteral("status"));
    if (!status.isObject()) {
        r.error = "the plugin's ExecCredential has no status";
        return r;
    }
    const auto s = status.toObject();
    ExecCredential c;
    c.token = s.value(QStringLiteral("token")).toString().toStdString();
    c.clientCertificatePem = s.value(QStringLiteral("clientCertificateData")).toString().toStdString();
    c.clientKeyPem = s.value(QStringLiteral("clientKeyData")).toString().toStdString();
    if (c.clientCertificatePem.empty() != c.clientKeyPem.empty()) {
        r.error = "the plugin's ExecCredential has clientCertificateData without clientKeyData, or the reverse";
        return r;
    }
    if (c.token.empty() && c.clientCertificatePem.empty()) {
        r.error = "the plugin's ExecCredential carries neither a token nor a client certificate";
        return r;
    }
    if (const auto exp = s.value(QStringLiteral("expirationTimestamp")); exp.isString() && !exp.toString().isEmpty()) {
        auto t = QDateTime::fromString(exp.toString(), Qt::ISODateWithMs);
        if (!t.isValid())
            t = QDateTime::fromString(exp.toString(), Qt::ISODate);
        if (!t.isValid()) {
            r.error = "the plugin's expirationTimestamp \"" + exp.toString().toStdString() + "\" is not RFC 3339";
            return r;
        }
        c.expiration = t;
    }
    r.credential = std::move(c);
    return r;
}

ExecResult runExecPlugin(const ConnectionConfig& c, int timeoutMs, const std::function<bool()>& canceled)
{
    ExecResult r;
    if (!c.exec) {
        r.error = "no exec plugin is configured";
        return r;
    }
    const auto& x = *c.exec;
    const std::string who = "exec plugin \"" + x.command + "\" of user \"" + c.userName + '"';
    if (x.interactiveMode == "Always") {
        r.error = who
            + " needs an interactive terminal (interactiveMode: Always); RBAC Explorer cannot lend it one. Log in "
              "with kubectl first or set interactiveMode: IfAvailable";
        return r;
    }
    // A command with a path separator resolves against the kubeconfig's folder; a bare name is looked up on PATH.
    QString program = qs(x.command);
    if (program.contains(u'/') && QDir::isRelativePath(program))
        program = QDir(qs(x.baseDir)).filePath(program);
    else if (!program.contains(u'/'))
        program = QStandardPaths::findExecutable(program);
    if (program.isEmpty() || !QFileInfo(program).isExecutable()) {
        r.error = who + " was not found or is not executable" + (x.installHint.empty() ? "" : ": " + x.installHint);
        return r;
    }
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    for (const auto& e : x.env)
        env.insert(qs(e.name), qs(e.value));
    env.insert(QStringLiteral("KUBERNETES_EXEC_INFO"), qs(execInfoJson(c)));
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.setStandardInputFile(QProcess::nullDevice());
    QStringList args;
    for (const auto& a : x.args)
        args << qs(a);
    p.start(program, args, QIODevice::ReadOnly);
    if (!p.waitForStarted(10000)) {
        r.error = who + " could not be started: " + p.errorString().toStdString();
        return r;
    }
    QElapsedTimer timer;
    timer.start();
    while (!p.waitForFinished(50)) {
        if (p.state() == QProcess::NotRunning)
            break;
        if ((canceled && canceled()) || timer.elapsed() > timeoutMs) {
            p.kill();
            p.waitForFinished(2000);
            r.error = who + (canceled && canceled() ? " was canceled" : " did not finish within "
                                     + std::to_string(timeoutMs / 1000) + " s");
            return r;
        }
    }
    const QByteArray out = p.readAllStandardOutput();
    const QByteArray errText = p.readAllStandardError();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        r.error = who + " failed (exit code " + std::to_string(p.exitCode()) + ')'
            + (errText.trimmed().isEmpty() ? std::string() : ": " + firstLines(errText))
            + (x.installHint.empty() ? std::string() : " — " + x.installHint);
        return r;
    }
    r = parseExecCredential(out.toStdString(), x.apiVersion);
    if (!r.credential)
        r.error = who + ": " + r.error;
    return r;
}

namespace {

std::string cacheKey(const ConnectionConfig& c)
{
    std::string key = c.server + '\n' + c.userName + '\n' + c.exec->command + '\n' + c.exec->apiVersion;
    for (const auto& a : c.exec->args)
        key += '\n' + a;
    for (const auto& e : c.exec->env)
        key += '\n' + e.name + '=' + e.value;
    return key;
}

} // namespace

ExecResult execCredential(const ConnectionConfig& c, bool refresh, int timeoutMs, const std::function<bool()>& canceled)
{
    static QMutex mutex;
    static std::map<std::string, ExecCredential> cache; // in memory only, never written anywhere
    if (!c.exec) {
        ExecResult r;
        r.error = "no exec plugin is configured";
        return r;
    }
    const auto key = cacheKey(c);
    {
        QMutexLocker lock(&mutex);
        const auto it = cache.find(key);
        if (it != cache.end()) {
            const bool expired = it->second.expiration && *it->second.expiration <= QDateTime::currentDateTimeUtc();
            if (refresh || expired)
                cache.erase(it);
            else
                return ExecResult {it->second, {}};
        }
    }
    auto r = runExecPlugin(c, timeoutMs, canceled);
    if (r.credential) {
        QMutexLocker lock(&mutex);
        cache[key] = *r.credential;
    }
    return r;
}

} // namespace rbx::cluster
