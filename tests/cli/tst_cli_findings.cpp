// SPDX-License-Identifier: Apache-2.0
// rbx findings and rbx remediate end to end on the demo snapshot: table, JSON and SARIF output, --fail-on exit codes,
// filters, the posture overview, waivers written next to the snapshot, and remediation overlays that the real kubectl
// renders, once per kubectl found (PATH's, and Debian's 1.20 in build/tools/, see .ci/setup; skipped when none).
#include "kubectls.h"
#include "testutils.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Result
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Result run(const QStringList& args)
{
    QProcess p;
    p.setProgram(QStringLiteral(RBX_CLI_PATH));
    p.setArguments(args);
    const auto o = rbx::test::runProcess(p);
    return Result {o.code, o.out, o.err};
}

QStringList demo()
{
    return {QStringLiteral("--snapshot"), QStringLiteral(RBX_SOURCE_DIR "/resources/demo")};
}

QJsonObject json(const QByteArray& text)
{
    return QJsonDocument::fromJson(text).object();
}

} // namespace

class TestCliFindings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void table();
    void jsonOutput();
    void sarifOutput();
    void failOn_data();
    void failOn();
    void filters();
    void posture();
    void explain();
    void waivers();
    void remediateOverlay();
    void remediateOverlayRenders_data();
    void remediateOverlayRenders();
    void remediateRenderedFile();
    void remediateUsage();
    void help();

private:
    QTemporaryDir m_copy; // the demo, copied: waivers are written next to the snapshot
    QStringList copy() const
    {
        return {QStringLiteral("--snapshot"), m_copy.path()};
    }
};

void TestCliFindings::initTestCase()
{
    QVERIFY(m_copy.isValid());
    const QDir src(QStringLiteral(RBX_SOURCE_DIR "/resources/demo"));
    for (const auto& f : src.entryList({QStringLiteral("*.yaml")}, QDir::Files))
        QVERIFY(QFile::copy(src.filePath(f), m_copy.filePath(f)));
}

void TestCliFindings::table()
{
    const auto r = run(QStringList {QStringLiteral("findings")} + demo());
    QCOMPARE(r.code, 0);
    const auto out = QString::fromUtf8(r.out);
    QVERIFY(out.startsWith(QStringLiteral("SEVERITY")));
    for (const char* id : {"RBX-SA-001:ServiceAccount/team-a/default", "RBX-WL-001:Deployment/default/hello-web",
                           "RBX-ESC-001:ServiceAccount/payments/deployer", "RBX-RBAC-001:ServiceAccount/legacy-apps/jenkins",
                           "RBX-BND-002:RoleBinding/payments/metrics-scraper-view@payments/metrics-scraper",
                           "RBX-BND-003:ClusterRoleBinding/config-sync-audit-reader", "RBX-BND-004:RoleBinding/team-a/node-inspector",
                           "RBX-UNU-001:ServiceAccount/team-a/report-generator", "RBX-CLD-001:ServiceAccount/team-a/ci-runner"})
        QVERIFY2(out.contains(QLatin1String(id)), id);
    QVERIFY(out.contains(QStringLiteral("finding(s): ")));
    QVERIFY(out.contains(QStringLiteral("As of 2026-11-29")));
}

void TestCliFindings::jsonOutput()
{
    const auto r = run(QStringList {QStringLiteral("findings"), QStringLiteral("-o"), QStringLiteral("json")} + demo());
    QCOMPARE(r.code, 0);
    const auto o = json(r.out);
    QCOMPARE(o.value(QStringLiteral("asOf")).toString(), QStringLiteral("2026-11-29"));
    const auto findings = o.value(QStringLiteral("findings")).toArray();
    QVERIFY(findings.size() > 100);
    const auto first = findings.first().toObject();
    for (const char* key : {"id", "rule", "severity", "title", "namespace", "object", "explanation", "evidence", "chains",
                            "waived", "practice"})
        QVERIFY2(first.contains(QLatin1String(key)), key);
    QCOMPARE(first.value(QStringLiteral("severity")).toString(), QStringLiteral("critical"));
    int total = 0;
    const auto counts = o.value(QStringLiteral("counts")).toObject();
    for (const auto& k : counts.keys())
        total += counts.value(k).toInt();
    QCOMPARE(total, static_cast<int>(findings.size()));
}

void TestCliFindings::sarifOutput()
{
    const auto r = run(QStringList {QStringLiteral("findings"), QStringLiteral("-o"), QStringLiteral("sarif")} + demo());
    QCOMPARE(r.code, 0);
    const auto log = json(r.out);
    QCOMPARE(log.value(QStringLiteral("version")).toString(), QStringLiteral("2.1.0"));
    const auto run0 = log.value(QStringLiteral("runs")).toArray().first().toObject();
    const auto results = run0.value(QStringLiteral("results")).toArray();
    const auto plain = json(run(QStringList {QStringLiteral("findings"), QStringLiteral("-o"), QStringLiteral("json")} + demo()).out);
    QCOMPARE(results.size(), plain.value(QStringLiteral("findings")).toArray().size());
    const auto uri = results.first()
                         .toObject()
                         .value(QStringLiteral("locations"))
                         .toArray()
                         .first()
                         .toObject()
                         .value(QStringLiteral("physicalLocation"))
                         .toObject()
                         .value(QStringLiteral("artifactLocation"))
                         .toObject()
                         .value(QStringLiteral("uri"))
                         .toString();
    QVERIFY2(uri.contains(QStringLiteral("resources/demo/")), qPrintable(uri));
}

void TestCliFindings::failOn_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<int>("code");
    QTest::addRow("no --fail-on") << QStringList {} << 0;
    QTest::addRow("high") << QStringList {QStringLiteral("--fail-on"), QStringLiteral("high")} << 1;
    QTest::addRow("critical on a medium rule")
        << QStringList {QStringLiteral("--fail-on"), QStringLiteral("critical"), QStringLiteral("--rule"), QStringLiteral("RBX-SA-001")}
        << 0;
    QTest::addRow("medium on a medium rule")
        << QStringList {QStringLiteral("--fail-on"), QStringLiteral("MEDIUM"), QStringLiteral("--rule"), QStringLiteral("RBX-SA-001")}
        << 1;
    QTest::addRow("sarif output too") << QStringList {QStringLiteral("-o"), QStringLiteral("sarif"), QStringLiteral("--fail-on"), QStringLiteral("low")} << 1;
    QTest::addRow("none") << QStringList {QStringLiteral("--fail-on"), QStringLiteral("none")} << 0;
    QTest::addRow("bad severity") << QStringList {QStringLiteral("--fail-on"), QStringLiteral("severe")} << 2;
    QTest::addRow("bad output") << QStringList {QStringLiteral("-o"), QStringLiteral("xml")} << 2;
    QTest::addRow("unknown rule") << QStringList {QStringLiteral("--rule"), QStringLiteral("RBX-NOPE-001")} << 2;
}

void TestCliFindings::failOn()
{
    QFETCH(QStringList, extra);
    QFETCH(int, code);
    const auto r = run(QStringList {QStringLiteral("findings")} + demo() + extra);
    QCOMPARE(r.code, code);
}

void TestCliFindings::filters()
{
    const auto wl = run(QStringList {QStringLiteral("findings"), QStringLiteral("--rule"), QStringLiteral("RBX-WL-001")} + demo());
    QCOMPARE(wl.code, 0);
    QCOMPARE(QString::fromUtf8(wl.out).count(QStringLiteral("RBX-WL-001:")), 3);
    const auto high = json(run(QStringList {QStringLiteral("findings"), QStringLiteral("-o"), QStringLiteral("json"),
                                            QStringLiteral("--min-severity"), QStringLiteral("high")}
                               + demo())
                               .out);
    for (const auto& f : high.value(QStringLiteral("findings")).toArray()) {
        const auto s = f.toObject().value(QStringLiteral("severity")).toString();
        QVERIFY(s == QLatin1String("high") || s == QLatin1String("critical"));
    }
    const auto ns = json(run(QStringList {QStringLiteral("findings"), QStringLiteral("-o"), QStringLiteral("json"),
                                          QStringLiteral("-n"), QStringLiteral("team-a")}
                             + demo())
                             .out);
    QVERIFY(!ns.value(QStringLiteral("findings")).toArray().isEmpty());
    for (const auto& f : ns.value(QStringLiteral("findings")).toArray())
        QCOMPARE(f.toObject().value(QStringLiteral("namespace")).toString(), QStringLiteral("team-a"));
}

void TestCliFindings::posture()
{
    const auto r = run(QStringList {QStringLiteral("findings"), QStringLiteral("--posture")} + demo());
    QCOMPARE(r.code, 0);
    const auto out = QString::fromUtf8(r.out);
    QVERIFY(out.contains(QStringLiteral("practices pass")));
    QVERIFY(out.contains(QStringLiteral("One dedicated ServiceAccount per workload")));
    QVERIFY(out.contains(QStringLiteral("serviceaccount_stale_tokens_total")));
    const auto j = json(run(QStringList {QStringLiteral("findings"), QStringLiteral("--posture"), QStringLiteral("-o"),
                                         QStringLiteral("json")}
                            + demo())
                            .out);
    QCOMPARE(j.value(QStringLiteral("practices")).toArray().size(), 8);
    QCOMPARE(j.value(QStringLiteral("metrics")).toArray().first().toObject().value(QStringLiteral("value")).toInt(), 3);
}

void TestCliFindings::explain()
{
    const auto r = run(QStringList {QStringLiteral("findings"), QStringLiteral("--explain"),
                                    QStringLiteral("RBX-RBAC-003:ServiceAccount/legacy-apps/config-sync")}
                       + demo());
    QCOMPARE(r.code, 0);
    const auto out = QString::fromUtf8(r.out);
    QVERIFY(out.contains(QStringLiteral("ClusterRoleBinding config-sync-secret-reader -> ClusterRole secret-reader")));
    QVERIFY(out.contains(QStringLiteral("What to do:")));
    QVERIFY(out.contains(QStringLiteral("RBX-RBAC-003:ServiceAccount/legacy-apps/config-sync#1")));
    QVERIFY(out.contains(QStringLiteral("#2  Narrow")));
    const auto bootstrap = run(QStringList {QStringLiteral("findings"), QStringLiteral("--explain"),
                                            QStringLiteral("RBX-RBAC-003:ServiceAccount/kube-system/generic-garbage-collector")}
                               + demo());
    QVERIFY(QString::fromUtf8(bootstrap.out).contains(QStringLiteral("bootstrap policy")));
    QCOMPARE(run(QStringList {QStringLiteral("findings"), QStringLiteral("--explain"), QStringLiteral("RBX-X:nope")} + demo()).code, 2);
}

void TestCliFindings::waivers()
{
    const QString id = QStringLiteral("RBX-SA-001:ServiceAccount/team-a/default");
    QCOMPARE(run(QStringList {QStringLiteral("findings"), QStringLiteral("--waive"), id} + copy()).code, 2); // no --note
    const auto w = run(QStringList {QStringLiteral("findings"), QStringLiteral("--waive"), id, QStringLiteral("--note"),
                                    QStringLiteral("accepted until the migration"), QStringLiteral("--by"), QStringLiteral("ci")}
                       + copy());
    QCOMPARE(w.code, 0);
    QVERIFY(QFile::exists(m_copy.filePath(QStringLiteral(".rbx-waivers.yaml"))));
    // Hidden from the table, shown with --show-waived, marked in JSON, suppressed in SARIF, ignored by --fail-on.
    QVERIFY(!run(QStringList {QStringLiteral("findings")} + copy()).out.contains(QByteArray(id.toUtf8() + ' ')));
    QVERIFY(run(QStringList {QStringLiteral("findings"), QStringLiteral("--show-waived")} + copy()).out.contains("(waived)"));
    const auto j = json(run(QStringList {QStringLiteral("findings"), QStringLiteral("-o"), QStringLiteral("json")} + copy()).out);
    bool marked = false;
    for (const auto& f : j.value(QStringLiteral("findings")).toArray())
        if (f.toObject().value(QStringLiteral("id")).toString() == id)
            marked = f.toObject().value(QStringLiteral("waived")).toBool()
                && f.toObject().value(QStringLiteral("waiverNote")).toString() == QLatin1String("accepted until the migration");
    QVERIFY(marked);
    QVERIFY(run(QStringList {QStringLiteral("findings"), QStringLiteral("-o"), QStringLiteral("sarif")} + copy())
                .out.contains("\"justification\": \"accepted until the migration\""));
    // The only other RBX-SA-001 findings in team-a... none: so --fail-on for that rule in team-a passes now.
    QCOMPARE(run(QStringList {QStringLiteral("findings"), QStringLiteral("--rule"), QStringLiteral("RBX-SA-001"),
                              QStringLiteral("-n"), QStringLiteral("team-a"), QStringLiteral("--fail-on"), QStringLiteral("low")}
                 + copy())
                 .code,
             0);
    QCOMPARE(run(QStringList {QStringLiteral("findings"), QStringLiteral("--unwaive"), id} + copy()).code, 0);
    QCOMPARE(run(QStringList {QStringLiteral("findings"), QStringLiteral("--unwaive"), id} + copy()).code, 2);
    QCOMPARE(run(QStringList {QStringLiteral("findings"), QStringLiteral("--waive"), QStringLiteral("RBX-NOPE:x"),
                              QStringLiteral("--note"), QStringLiteral("n")}
                 + copy())
                 .code,
             2);
    // An explicit waivers file works for stdin-free inputs too.
    QTemporaryDir other;
    const auto file = other.filePath(QStringLiteral("w.yaml"));
    QCOMPARE(run(QStringList {QStringLiteral("findings"), QStringLiteral("--waivers"), file, QStringLiteral("--waive"), id,
                              QStringLiteral("--note"), QStringLiteral("x")}
                 + demo())
                 .code,
             0);
    QVERIFY(QFile::exists(file));
}

void TestCliFindings::remediateOverlay()
{
    QTemporaryDir out;
    const auto dir = out.filePath(QStringLiteral("overlay"));
    const auto r = run(QStringList {QStringLiteral("remediate"), QStringLiteral("--finding"), QStringLiteral("RBX-WL-001"),
                                    QStringLiteral("--finding"), QStringLiteral("RBX-TOK-003:Secret/legacy-apps/jenkins-token-4kq9z@StatefulSet/legacy-apps/jenkins"),
                                    QStringLiteral("--finding"), QStringLiteral("RBX-BND-004:RoleBinding/team-a/node-inspector"),
                                    QStringLiteral("-o"), dir}
                       + demo());
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(r.out.startsWith("wrote "));
    for (const char* f : {"kustomization.yaml", "delete.yaml", "REPORT.md", "new/serviceaccount-team-a-frontend.yaml",
                          "base/deployment-team-a-frontend.yaml", "base/statefulset-legacy-apps-jenkins.yaml"})
        QVERIFY2(QFile::exists(dir + u'/' + QLatin1String(f)), f);
    QFile del(dir + QStringLiteral("/delete.yaml"));
    QVERIFY(del.open(QIODevice::ReadOnly));
    const auto deletions = del.readAll();
    QVERIFY(deletions.contains("name: node-inspector"));
    QVERIFY(deletions.contains("kubectl delete rolebinding node-inspector -n team-a"));
    // Writing again into the same folder needs --force.
    QCOMPARE(run(QStringList {QStringLiteral("remediate"), QStringLiteral("--finding"), QStringLiteral("RBX-WL-001"),
                              QStringLiteral("-o"), dir}
                 + demo())
                 .code,
             2);
    QCOMPARE(run(QStringList {QStringLiteral("remediate"), QStringLiteral("--finding"), QStringLiteral("RBX-WL-001"),
                              QStringLiteral("-o"), dir, QStringLiteral("--force")}
                 + demo())
                 .code,
             0);
    QFile k(dir + QStringLiteral("/kustomization.yaml"));
    QVERIFY(k.open(QIODevice::ReadOnly));
    const auto kustomization = k.readAll();
    QVERIFY(kustomization.contains("patchesJson6902:"));
    QVERIFY(!kustomization.contains("patchesStrategicMerge"));
}

void TestCliFindings::remediateOverlayRenders_data()
{
    QTest::addColumn<QString>("kubectl");
    QTest::addColumn<QStringList>("select");
    const std::pair<const char*, QStringList> cases[] = {
        { "workloads",
            { QStringLiteral("--finding"), QStringLiteral("RBX-WL-001"), QStringLiteral("--finding"),
                QStringLiteral(
                    "RBX-TOK-003:Secret/legacy-apps/jenkins-token-4kq9z@StatefulSet/legacy-apps/jenkins") } },
        // Every namespace's default ServiceAccount: the same kind and name in nine namespaces.
        { "RBX-SA-001", { QStringLiteral("--finding"), QStringLiteral("RBX-SA-001") } },
        { "all", { QStringLiteral("--all") } },
        { "all fixes", { QStringLiteral("--all"), QStringLiteral("--all-fixes") } },
    };
    for (const auto& k : rbx::test::kubectlRows())
        for (const auto& [name, select] : cases)
            QTest::addRow("%s: %s", qPrintable(k.name), name) << k.path << select;
}

// `kubectl kustomize DIR` renders the overlay, and the objects it renders are the ones `-o FILE.yaml` writes.
void TestCliFindings::remediateOverlayRenders()
{
    QFETCH(QString, kubectl);
    QFETCH(QStringList, select);
    if (kubectl.isEmpty())
        QSKIP(rbx::test::kNoKubectl);
    QTemporaryDir out;
    const auto dir = out.filePath(QStringLiteral("overlay"));
    const auto file = out.filePath(QStringLiteral("fixed.yaml"));
    const auto a = run(
        QStringList { QStringLiteral("remediate") } + select + QStringList { QStringLiteral("-o"), dir } + demo());
    QVERIFY2(a.code == 0, a.err.constData());
    const auto b = run(
        QStringList { QStringLiteral("remediate") } + select + QStringList { QStringLiteral("-o"), file } + demo());
    QVERIFY2(b.code == 0, b.err.constData());
    QProcess p;
    p.setProcessEnvironment(rbx::test::kubectlEnvironment());
    p.start(kubectl, {QStringLiteral("kustomize"), dir});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, p.readAllStandardError().constData());
    const auto rendered = rbx::test::yaml(p.readAllStandardOutput().toStdString(), "rendered.yaml");
    QVERIFY(rendered->report.diagnostics.empty());
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto fixed = rbx::test::yaml(f.readAll().toStdString(), "fixed.yaml");
    QVERIFY(fixed->report.diagnostics.empty());
    auto sorted = [](QStringList l) {
        l.sort();
        return l;
    };
    QCOMPARE(sorted(rbx::test::objectsOf(*rendered)), sorted(rbx::test::objectsOf(*fixed)));
    QVERIFY(!rbx::test::objectsOf(*rendered).isEmpty());
    for (const auto& sa : rendered->serviceAccounts) {
        const auto* other = fixed->findServiceAccount(sa.meta.ns, sa.meta.name);
        QVERIFY(other);
        QVERIFY2(sa.automountServiceAccountToken == other->automountServiceAccountToken, sa.meta.name.c_str());
        if (sa.meta.name == "default" && select.contains(QStringLiteral("RBX-SA-001")))
            QVERIFY2(sa.automountServiceAccountToken == std::optional<bool>(false), sa.meta.ns.c_str());
    }
    for (const auto& w : rendered->workloads) {
        const auto other = std::find_if(fixed->workloads.begin(), fixed->workloads.end(),
            [&](const auto& x) { return x.kind == w.kind && x.meta.ns == w.meta.ns && x.meta.name == w.meta.name; });
        QVERIFY(other != fixed->workloads.end());
        QCOMPARE(w.pod.serviceAccountName, other->pod.serviceAccountName);
        QVERIFY2(w.pod.automountServiceAccountToken == other->pod.automountServiceAccountToken, w.meta.name.c_str());
        QCOMPARE(w.pod.volumeNames, other->pod.volumeNames);
        QCOMPARE(w.pod.secretRefs.size(), other->pod.secretRefs.size());
        QCOMPARE(w.pod.projectedTokens.size(), other->pod.projectedTokens.size());
    }
    for (const auto& x : rendered->bindings) {
        const auto other = std::find_if(fixed->bindings.begin(), fixed->bindings.end(), [&](const auto& y) {
            return y.cluster == x.cluster && y.meta.ns == x.meta.ns && y.meta.name == x.meta.name;
        });
        QVERIFY(other != fixed->bindings.end());
        QCOMPARE(x.subjects.size(), other->subjects.size());
    }
    for (const auto& x : rendered->roles) {
        const auto other = std::find_if(fixed->roles.begin(), fixed->roles.end(), [&](const auto& y) {
            return y.cluster == x.cluster && y.meta.ns == x.meta.ns && y.meta.name == x.meta.name;
        });
        QVERIFY(other != fixed->roles.end());
        QVERIFY(x.rules == other->rules);
    }
    if (select.first() == QLatin1String("--finding") && select.contains(QStringLiteral("RBX-WL-001"))) {
        const auto frontend = std::find_if(rendered->workloads.begin(), rendered->workloads.end(),
            [](const auto& w) { return w.meta.name == "frontend"; });
        QVERIFY(frontend != rendered->workloads.end());
        QCOMPARE(frontend->pod.serviceAccountName, std::string("frontend"));
    }
}

void TestCliFindings::remediateRenderedFile()
{
    QTemporaryDir out;
    const auto file = out.filePath(QStringLiteral("fixed.yaml"));
    const auto r = run(QStringList {QStringLiteral("remediate"), QStringLiteral("--finding"), QStringLiteral("RBX-SA-001"),
                                    QStringLiteral("-o"), file}
                       + demo());
    QVERIFY2(r.code == 0, r.err.constData());
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto text = f.readAll();
    QVERIFY(text.count("kind: ServiceAccount") >= 9);
    QVERIFY(text.contains("automountServiceAccountToken: false"));
    const auto loaded = rbx::test::yaml(text.toStdString());
    QVERIFY(loaded->report.diagnostics.empty());
    for (const auto& sa : loaded->serviceAccounts)
        if (sa.meta.name == "default")
            QCOMPARE(sa.automountServiceAccountToken, std::optional<bool>(false));
}

void TestCliFindings::remediateUsage()
{
    QCOMPARE(run(QStringList {QStringLiteral("remediate"), QStringLiteral("-o"), QStringLiteral("/tmp/x")} + demo()).code, 2);
    QCOMPARE(run(QStringList {QStringLiteral("remediate"), QStringLiteral("--finding"), QStringLiteral("RBX-WL-001")} + demo()).code, 2);
    QCOMPARE(run(QStringList {QStringLiteral("remediate"), QStringLiteral("--finding"), QStringLiteral("nope"),
                              QStringLiteral("-o"), QStringLiteral("/tmp/x")}
                 + demo())
                 .code,
             2);
    QCOMPARE(run(QStringList {QStringLiteral("remediate"), QStringLiteral("--fix"), QStringLiteral("nope#1"),
                              QStringLiteral("-o"), QStringLiteral("/tmp/x")}
                 + demo())
                 .code,
             2);
    const auto list = run(QStringList {QStringLiteral("remediate"), QStringLiteral("--list"), QStringLiteral("--finding"),
                                       QStringLiteral("RBX-SA-001:ServiceAccount/team-a/default")}
                          + demo());
    QCOMPARE(list.code, 0);
    QVERIFY(list.out.contains("RBX-SA-001:ServiceAccount/team-a/default#1"));
    QVERIFY(list.out.contains("RBX-FIX-KYVERNO-DEFAULT-SA"));
    // A fix chosen by ID: the Kyverno policy alone.
    QTemporaryDir out;
    const auto r = run(QStringList {QStringLiteral("remediate"), QStringLiteral("--fix"), QStringLiteral("RBX-FIX-KYVERNO-DEFAULT-SA"),
                                    QStringLiteral("-o"), out.filePath(QStringLiteral("k"))}
                       + demo());
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(QFile::exists(out.filePath(QStringLiteral("k/new/clusterpolicy-rbx-default-serviceaccount-no-automount.yaml"))));
}

void TestCliFindings::help()
{
    const auto main = run({QStringLiteral("--help")});
    QVERIFY(main.out.contains("findings"));
    QVERIFY(main.out.contains("remediate"));
    const auto h = run({QStringLiteral("help"), QStringLiteral("findings")});
    QCOMPARE(h.code, 0);
    QVERIFY(h.out.contains("--fail-on"));
    QVERIFY(h.out.contains("sarif"));
    const auto r = run({QStringLiteral("remediate"), QStringLiteral("--help")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("patchesJson6902"));
}

QTEST_GUILESS_MAIN(TestCliFindings)
#include "tst_cli_findings.moc"
