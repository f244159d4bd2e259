// SPDX-License-Identifier: Apache-2.0
// Remediation end to end: fixes for the demo's findings become a kustomize overlay; the real kubectl renders it
// (`kubectl kustomize`) and applies each patch offline (`kubectl patch --local`); the rendered after-state is loaded,
// the findings are run again, and each fixed finding must be gone with no new finding beyond what the fix declares.
// The in-memory after-state of the plan must agree with kubectl's. Each kubectl test runs once per kubectl found
// (PATH's, and Debian's 1.20 with kustomize v2.0.3 that .ci/setup unpacks into build/tools/), as data rows, and
// skips when there is none; both versions must render the same objects.
#include "kubectls.h"
#include "models/analysis/findings.h"
#include "models/analysis/remediation.h"
#include "models/io/kustomize.h"
#include "testutils.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <map>
#include <set>

using namespace rbx;

namespace {

QString demoDir()
{
    return QStringLiteral(RBX_SOURCE_DIR "/resources/demo");
}

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Run kubectl(const QString& program, const QStringList& args)
{
    QProcess p;
    p.setProgram(program);
    p.setArguments(args);
    p.setProcessEnvironment(test::kubectlEnvironment()); // offline: no kubeconfig, no cluster
    p.start();
    Run r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(60000))
        return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

// The objects of delete.yaml: documents of apiVersion, kind and metadata name/namespace only, as kubectl delete -f
// reads them.
std::vector<ObjectLink> deleteList(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    std::vector<ObjectLink> out;
    for (const auto& doc : QString::fromUtf8(f.readAll()).split(QStringLiteral("---\n"))) {
        ObjectLink o;
        for (const auto& line : doc.split(u'\n')) {
            const auto t = line.trimmed();
            if (line.startsWith(QLatin1String("kind: ")))
                o.kind = t.mid(6).toStdString();
            else if (t.startsWith(QLatin1String("name: ")))
                o.name = t.mid(6).remove(u'"').toStdString();
            else if (t.startsWith(QLatin1String("namespace: ")))
                o.ns = t.mid(11).remove(u'"').toStdString();
        }
        if (!o.kind.empty())
            out.push_back(o);
    }
    return out;
}

std::set<std::string> ids(const std::vector<Finding>& findings)
{
    std::set<std::string> out;
    for (const auto& f : findings)
        out.insert(f.id);
    return out;
}

QString joined(const std::set<std::string>& s)
{
    QStringList l;
    for (const auto& x : s)
        l << QString::fromStdString(x);
    return l.join(QStringLiteral(", "));
}

// The documents of kubectl kustomize's output, sorted: kustomize versions order objects differently.
QStringList documents(const QByteArray& rendered)
{
    QStringList docs;
    for (const auto& d : QString::fromUtf8(rendered).split(QRegularExpression(QStringLiteral("(^|\\n)---\\n"))))
        if (!d.trimmed().isEmpty())
            docs << d.trimmed();
    docs.sort();
    return docs;
}

// The kustomization's patchesJson6902 entries: target "kind ns/name" (or "kind name") -> patch path.
std::vector<std::pair<QString, QString>> jsonPatchEntries(const std::string& kustomization)
{
    std::vector<std::pair<QString, QString>> out;
    QString kind, name, ns;
    bool inJson = false;
    for (const auto& line : QString::fromStdString(kustomization).split(u'\n')) {
        if (!line.startsWith(u' ') && !line.startsWith(u'#'))
            inJson = line.startsWith(QLatin1String("patchesJson6902:"));
        if (!inJson)
            continue;
        const auto t = line.trimmed();
        if (t.startsWith(QLatin1String("- target:")))
            kind.clear(), name.clear(), ns.clear();
        else if (t.startsWith(QLatin1String("kind: ")))
            kind = t.mid(6);
        else if (t.startsWith(QLatin1String("name: ")))
            name = t.mid(6);
        else if (t.startsWith(QLatin1String("namespace: ")))
            ns = t.mid(11);
        else if (t.startsWith(QLatin1String("path: ")))
            out.emplace_back(kind + u' ' + (ns.isEmpty() ? name : ns + u'/' + name), t.mid(6));
    }
    return out;
}

} // namespace

class TestRemediation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void overlayShape();
    void inMemoryAfterStateResolvesEachFix();
    void kubectlRendersEachRule_data();
    void kubectlRendersEachRule();
    void kubectlRendersSameNamesInSeveralNamespaces_data();
    void kubectlRendersSameNamesInSeveralNamespaces();
    void kubectlRendersCombinedPlan_data();
    void kubectlRendersCombinedPlan();
    void kubectlPatchLocalEachPatch_data();
    void kubectlPatchLocalEachPatch();
    void kubectlVersionsRenderAlike();
    void afterStateFile();
    void kubectlReadsAfterStateFile_data();
    void kubectlReadsAfterStateFile();
    void conflictsAndDuplicates();
    void accessDiffSaysWhatIsLost();
    void jsonPatchIndicesFollowEarlierRemovals_data();
    void jsonPatchIndicesFollowEarlierRemovals();

private:
    // Writes the plan as an overlay, renders it with kubectl and returns the after-state (the snapshot with the
    // rendered objects in place and delete.yaml's objects removed); `output`, if given, receives kubectl's output.
    std::shared_ptr<const Snapshot> renderedAfter(const RemediationPlan& plan, const QString& dir,
        const QString& program, QString* error, QByteArray* output = nullptr);
    void verify(const RemediationPlan& plan, const std::vector<Finding>& after, const QString& what);
    // The first fix of every open finding, in one plan.
    RemediationPlan combinedPlan() const;
    // The first fix of every finding of the rule.
    RemediationPlan rulePlan(const std::string& rule) const;

    std::shared_ptr<const Snapshot> m_snapshot;
    std::shared_ptr<const Policy> m_policy;
    std::vector<Finding> m_findings;
    std::set<std::string> m_before;
    QTemporaryDir m_extra;
};

void TestRemediation::initTestCase()
{
    // The demo, plus a binding with several subjects (one from another namespace) for JSON patches.
    QVERIFY(m_extra.isValid());
    QVERIFY(test::writeFile(m_extra.path() + QStringLiteral("/60-shared.yaml"), R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: shared-readers
  namespace: payments
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: payments-api, namespace: payments}
- {kind: ServiceAccount, name: capacity-planner, namespace: team-a}
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: payments-oncall}
)"));
    m_snapshot = io::loadSnapshot({demoDir().toStdString(), m_extra.path().toStdString()});
    m_policy = std::make_shared<const Policy>(m_snapshot);
    m_findings = computeFindings(*m_policy);
    m_before = ids(m_findings);
    QVERIFY(m_findings.size() > 50);
    for (const auto& k : test::kubectls())
        qInfo("%s: %s", qPrintable(k.name), qPrintable(k.path));
    if (test::kubectls().isEmpty())
        qInfo("%s", test::kNoKubectl);
}

RemediationPlan TestRemediation::combinedPlan() const
{
    std::vector<Fix> fixes;
    for (const auto& f : m_findings) {
        auto list = fixesFor(*m_policy, f);
        if (!list.empty())
            fixes.push_back(std::move(list.front()));
    }
    return planRemediation(*m_policy, m_findings, fixes);
}

RemediationPlan TestRemediation::rulePlan(const std::string& rule) const
{
    std::vector<Fix> fixes;
    for (const auto& f : m_findings)
        if (f.ruleId == rule)
            if (auto list = fixesFor(*m_policy, f); !list.empty())
                fixes.push_back(std::move(list.front()));
    return planRemediation(*m_policy, m_findings, fixes);
}

std::shared_ptr<const Snapshot> TestRemediation::renderedAfter(
    const RemediationPlan& plan, const QString& dir, const QString& program, QString* error, QByteArray* output)
{
    std::string werr;
    if (!io::writeOverlay(dir.toStdString(), plan, &werr)) {
        *error = QString::fromStdString(werr);
        return nullptr;
    }
    const auto r = kubectl(program, { QStringLiteral("kustomize"), dir });
    if (r.code != 0) {
        *error = QStringLiteral("kubectl kustomize failed: ") + QString::fromUtf8(r.err);
        return nullptr;
    }
    if (output)
        *output = r.out;
    auto rendered = std::make_shared<const Snapshot>(); // an overlay that only deletes renders nothing
    if (!r.out.trimmed().isEmpty()) {
        rendered = io::loadFromString(r.out.toStdString(), "rendered.yaml", io::Format::Yaml);
        if (!rendered->report.diagnostics.empty()) {
            *error = QStringLiteral("rendered YAML does not load: ")
                + QString::fromStdString(rendered->report.diagnostics.front().toString());
            return nullptr;
        }
    }
    auto merged = overlaySnapshot(*m_snapshot, *rendered);
    return withoutObjects(*merged, deleteList(dir + QStringLiteral("/delete.yaml")));
}

void TestRemediation::verify(const RemediationPlan& plan, const std::vector<Finding>& after, const QString& what)
{
    const auto now = ids(after);
    std::set<std::string> allowed;
    std::set<std::string> applied;
    for (const auto& fix : plan.fixes) {
        allowed.insert(fix.residual.begin(), fix.residual.end());
        for (const auto& step : plan.steps)
            if (step.fixId == fix.id)
                applied.insert(fix.id);
        for (const auto& d : plan.deletions)
            if (d.fixId == fix.id)
                applied.insert(fix.id);
    }
    for (const auto& fix : plan.fixes) {
        if (!fix.resolves || !applied.count(fix.id) || fix.findingId.empty())
            continue;
        QVERIFY2(!now.count(fix.findingId),
                 qPrintable(what + QStringLiteral(": ") + QString::fromStdString(fix.findingId) + QStringLiteral(" is still there after ")
                            + QString::fromStdString(fix.id)));
    }
    std::set<std::string> appeared;
    for (const auto& id : now)
        if (!m_before.count(id) && !allowed.count(id))
            appeared.insert(id);
    QVERIFY2(appeared.empty(), qPrintable(what + QStringLiteral(": new findings ") + joined(appeared)));
}

void TestRemediation::overlayShape()
{
    std::vector<Fix> fixes;
    for (const auto& f : m_findings)
        if (f.id == "RBX-TOK-003:Secret/legacy-apps/jenkins-token-4kq9z@StatefulSet/legacy-apps/jenkins"
            || f.id == "RBX-SA-001:ServiceAccount/team-a/default" || f.id == "RBX-BND-001:RoleBinding/payments/shared-readers@team-a/capacity-planner"
            || f.id == "RBX-WL-001:Deployment/default/hello-web")
            for (auto& x : fixesFor(*m_policy, f))
                fixes.push_back(std::move(x)); // all fixes, the Kyverno policy included
    QCOMPARE(fixes.size(), std::size_t(5));
    const auto plan = planRemediation(*m_policy, m_findings, fixes);
    const auto files = io::overlayFiles(plan, "test");
    std::map<std::string, std::string> byPath;
    for (const auto& f : files)
        byPath[f.path] = f.content;
    QVERIFY(byPath.count("kustomization.yaml"));
    QVERIFY(byPath.count("delete.yaml"));
    QVERIFY(byPath.count("REPORT.md"));
    const auto& k = byPath["kustomization.yaml"];
    // Only fields kubectl 1.20's kustomize (v2.0.3) knows, and not the text it rewrites before parsing. No
    // strategic-merge patches: v2.0.3 matches them by kind and name only, ambiguous across namespaces.
    QVERIFY(k.find("patches:") == std::string::npos);
    QVERIFY(k.find("patchesStrategicMerge") == std::string::npos);
    QVERIFY(k.find("patchesJson6902:") != std::string::npos);
    QVERIFY(k.find("resources:") != std::string::npos);
    for (const auto& line : QString::fromStdString(k).split(u'\n')) {
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u' ') || line.startsWith(u'-'))
            continue;
        const auto key = line.section(u':', 0, 0);
        QVERIFY2(QStringList({ QStringLiteral("apiVersion"), QStringLiteral("kind"), QStringLiteral("resources"),
                                 QStringLiteral("patchesJson6902") })
                     .contains(key),
            qPrintable(key));
    }
    // One entry per patch file and per object, every namespaced target with its namespace.
    const auto entries = jsonPatchEntries(k);
    std::set<QString> targets, paths;
    for (const auto& [target, path] : entries) {
        QVERIFY2(targets.insert(target).second, qPrintable(target));
        QVERIFY2(paths.insert(path).second, qPrintable(path));
        QVERIFY2(byPath.count(path.toStdString()), qPrintable(path));
        if (!target.startsWith(QLatin1String("Cluster")))
            QVERIFY2(target.contains(u'/'), qPrintable(target));
    }
    std::size_t patchFiles = 0;
    for (const auto& [path, content] : byPath)
        patchFiles += path.rfind("patches/", 0) == 0;
    QCOMPARE(entries.size(), patchFiles);
    QVERIFY(targets.count(QStringLiteral("ServiceAccount team-a/default")));
    QVERIFY(targets.count(QStringLiteral("RoleBinding payments/shared-readers")));
    bool sawBase = false, sawPatch = false, sawNew = false;
    for (const auto& [path, content] : byPath) {
        if (path.rfind("base/", 0) == 0) {
            sawBase = true;
            QVERIFY(content.find("# Base: ") == 0);
            QVERIFY(content.find("not reproduced") != std::string::npos);
            QVERIFY(content.find("status:") == std::string::npos);
            QVERIFY(content.find("\ndata:") == std::string::npos);
            QVERIFY(content.find("k8s.io/last-applied") == std::string::npos);
        } else if (path.rfind("patches/", 0) == 0) {
            sawPatch = true;
            QVERIFY(content.find("# JSON patch (RFC 6902) of ") == 0);
            QVERIFY(content.find("# Finding RBX-") != std::string::npos);
            QVERIFY(content.find("# Reason: ") != std::string::npos);
            QVERIFY(content.find("kubectl patch ") != std::string::npos);
            QVERIFY(content.find(" --type json --patch \"$(cat " + path + ")\"") != std::string::npos);
            // Comments, then the list of operations.
            const auto body = content.find("\n- op: ");
            QVERIFY2(body != std::string::npos, path.c_str());
            QVERIFY(content.find("\n#", body) == std::string::npos);
        } else if (path.rfind("new/", 0) == 0) {
            sawNew = true;
        }
    }
    QVERIFY(sawBase && sawPatch && sawNew);
    QVERIFY(byPath.count("new/serviceaccount-default-hello-web.yaml"));
    QVERIFY(byPath.count("new/clusterpolicy-rbx-default-serviceaccount-no-automount.yaml"));
    const auto& kyverno = byPath["new/clusterpolicy-rbx-default-serviceaccount-no-automount.yaml"];
    QVERIFY(kyverno.find("apiVersion: kyverno.io/v1") != std::string::npos);
    QVERIFY(kyverno.find("kind: ClusterPolicy") != std::string::npos);
    QVERIFY(kyverno.find("names:") != std::string::npos);
    QVERIFY(kyverno.find("automountServiceAccountToken: false") != std::string::npos);
    const auto& report = byPath["REPORT.md"];
    for (const char* section : {"## How to review and apply", "## Findings addressed", "## Fixes",
                                "## What each ServiceAccount loses", "## Patches", "## Deletions"})
        QVERIFY2(report.find(section) != std::string::npos, section);
    QVERIFY(report.find("not reproduced") != std::string::npos);
    QVERIFY(report.find("team-a/capacity-planner") != std::string::npos); // loses view in payments
    const auto html = io::reportHtml(plan, "test");
    QVERIFY(html.find("<table>") != std::string::npos);
    QVERIFY(html.find("<h2>Fixes</h2>") != std::string::npos);
}

// Every fix of every finding, alone, in memory: the finding goes away and nothing new appears.
void TestRemediation::inMemoryAfterStateResolvesEachFix()
{
    std::size_t checked = 0;
    std::set<std::string> rulesWithFixes;
    for (const auto& f : m_findings) {
        for (const auto& fix : fixesFor(*m_policy, f)) {
            const auto plan = planRemediation(*m_policy, m_findings, {fix});
            QVERIFY(plan.after);
            const Policy after(plan.after);
            verify(plan, computeFindings(after), QString::fromStdString(fix.id));
            ++checked;
            rulesWithFixes.insert(f.ruleId);
        }
    }
    QVERIFY(checked > 100);
    // Every rule that fires on the demo and concerns objects a patch may change offers a fix somewhere.
    for (const char* rule : {"RBX-SA-001", "RBX-SA-002", "RBX-SA-003", "RBX-WL-001", "RBX-WL-002", "RBX-TOK-001",
                             "RBX-TOK-002", "RBX-TOK-003", "RBX-TOK-004", "RBX-RBAC-001", "RBX-RBAC-002", "RBX-RBAC-003",
                             "RBX-RBAC-004", "RBX-ESC-001", "RBX-ESC-004", "RBX-ESC-005", "RBX-BND-001", "RBX-BND-002",
                             "RBX-BND-003", "RBX-BND-004", "RBX-UNU-001", "RBX-UNU-002", "RBX-CLD-001"})
        QVERIFY2(rulesWithFixes.count(rule), rule);
}

void TestRemediation::kubectlRendersEachRule_data()
{
    QTest::addColumn<QString>("kubectl");
    QTest::addColumn<QString>("finding");
    // One finding per rule (the first non-bootstrap one), with every fix it offers.
    QStringList findings;
    std::set<std::string> seen;
    for (const auto& f : m_findings) {
        if (seen.count(f.ruleId) || fixesFor(*m_policy, f).empty())
            continue;
        seen.insert(f.ruleId);
        findings << QString::fromStdString(f.id);
    }
    // And a subject removed from a binding that keeps others.
    findings << QStringLiteral("RBX-BND-001:RoleBinding/payments/shared-readers@team-a/capacity-planner");
    if (test::kubectls().isEmpty())
        QTest::newRow("no kubectl") << QString() << QString();
    for (const auto& k : test::kubectls())
        for (const auto& f : findings)
            QTest::addRow("%s: %s", qPrintable(k.name), qPrintable(f)) << k.path << f;
}

void TestRemediation::kubectlRendersEachRule()
{
    QFETCH(QString, kubectl);
    QFETCH(QString, finding);
    if (kubectl.isEmpty())
        QSKIP(test::kNoKubectl);
    const auto it = std::find_if(m_findings.begin(), m_findings.end(),
                                 [&](const Finding& f) { return f.id == finding.toStdString(); });
    QVERIFY(it != m_findings.end());
    for (const auto& fix : fixesFor(*m_policy, *it)) {
        const auto plan = planRemediation(*m_policy, m_findings, {fix});
        QTemporaryDir dir;
        QString error;
        const auto after = renderedAfter(plan, dir.path(), kubectl, &error);
        QVERIFY2(after, qPrintable(QString::fromStdString(fix.id) + QStringLiteral(": ") + error));
        const Policy policy(after);
        const auto rendered = computeFindings(policy);
        verify(plan, rendered, QString::fromStdString(fix.id) + QStringLiteral(" (kubectl)"));
        // kubectl's after-state and the plan's own agree.
        const auto memory = ids(computeFindings(Policy(plan.after)));
        QCOMPARE(joined(ids(rendered)), joined(memory));
    }
}

// Every namespace's default ServiceAccount in one overlay: same kind and name, several namespaces. kustomize v2.0.3
// (kubectl 1.20) found strategic-merge patches of them ambiguous; JSON patch targets name the namespace.
void TestRemediation::kubectlRendersSameNamesInSeveralNamespaces_data()
{
    test::addKubectlData();
}

void TestRemediation::kubectlRendersSameNamesInSeveralNamespaces()
{
    QFETCH(QString, kubectl);
    const auto plan = rulePlan("RBX-SA-001");
    std::set<std::string> namespaces;
    for (const auto& o : plan.base)
        if (o.kind == "ServiceAccount" && o.name == "default")
            namespaces.insert(o.ns);
    QVERIFY(namespaces.size() >= 5);
    if (kubectl.isEmpty())
        QSKIP(test::kNoKubectl);
    QTemporaryDir dir;
    QString error;
    const auto after = renderedAfter(plan, dir.path(), kubectl, &error);
    QVERIFY2(after, qPrintable(error));
    for (const auto& ns : namespaces) {
        const auto* sa = after->findServiceAccount(ns, "default");
        QVERIFY2(sa, ns.c_str());
        QVERIFY2(sa->automountServiceAccountToken == std::optional<bool>(false), ns.c_str());
    }
    const auto rendered = computeFindings(Policy(after));
    verify(plan, rendered, QStringLiteral("RBX-SA-001 everywhere (kubectl)"));
    QCOMPARE(joined(ids(rendered)), joined(ids(computeFindings(Policy(plan.after)))));
}

void TestRemediation::kubectlRendersCombinedPlan_data()
{
    test::addKubectlData();
}

void TestRemediation::kubectlRendersCombinedPlan()
{
    QFETCH(QString, kubectl);
    if (kubectl.isEmpty())
        QSKIP(test::kNoKubectl);
    // The first fix of every open finding, in one overlay.
    const auto plan = combinedPlan();
    QVERIFY(plan.steps.size() > 20);
    QVERIFY(plan.deletions.size() > 10);
    QTemporaryDir dir;
    QString error;
    const auto after = renderedAfter(plan, dir.path(), kubectl, &error);
    QVERIFY2(after, qPrintable(error));
    const auto rendered = computeFindings(Policy(after));
    verify(plan, rendered, QStringLiteral("combined plan (kubectl)"));
    QCOMPARE(joined(ids(rendered)), joined(ids(computeFindings(Policy(plan.after)))));
    // The planted problems that have a fix are gone.
    const auto now = ids(rendered);
    for (const char* planted : {"RBX-SA-001:ServiceAccount/team-a/default", "RBX-WL-001:Deployment/team-a/frontend",
                                "RBX-RBAC-001:ServiceAccount/legacy-apps/jenkins", "RBX-BND-003:ClusterRoleBinding/config-sync-audit-reader",
                                "RBX-BND-002:RoleBinding/payments/metrics-scraper-view@payments/metrics-scraper",
                                "RBX-TOK-003:Secret/legacy-apps/jenkins-token-4kq9z@StatefulSet/legacy-apps/jenkins",
                                "RBX-UNU-001:ServiceAccount/team-a/report-generator"})
        QVERIFY2(!now.count(planted), planted);
}

void TestRemediation::kubectlPatchLocalEachPatch_data()
{
    test::addKubectlData();
}

void TestRemediation::kubectlPatchLocalEachPatch()
{
    QFETCH(QString, kubectl);
    if (kubectl.isEmpty())
        QSKIP(test::kNoKubectl);
    std::vector<Fix> fixes;
    for (const auto& f : m_findings) {
        auto list = fixesFor(*m_policy, f);
        for (auto& x : list)
            if (x.id.find("#2") == std::string::npos) // alternatives overlap with the first fixes
                fixes.push_back(std::move(x));
    }
    fixes.push_back(fixesFor(*m_policy, *std::find_if(m_findings.begin(), m_findings.end(), [](const Finding& f) {
                        return f.id == "RBX-BND-001:RoleBinding/payments/shared-readers@team-a/capacity-planner";
                    })).front());
    const auto plan = planRemediation(*m_policy, m_findings, fixes);
    QTemporaryDir dir;
    std::string error;
    QVERIFY(io::writeOverlay(dir.path().toStdString(), plan, &error));
    const auto files = io::overlayFiles(plan);
    std::size_t patched = 0, json = 0;
    for (const auto& f : files) {
        if (f.path.rfind("patches/", 0) != 0)
            continue;
        // The patch file's own header names the command; run it against the base file, offline.
        const QString content = QString::fromStdString(f.content);
        const QRegularExpression cmd(QStringLiteral("kubectl patch (\\S+) (\\S+)(?: -n (\\S+))? --type (\\w+)"));
        const auto m = cmd.match(content);
        QVERIFY2(m.hasMatch(), f.path.c_str());
        const auto kind = m.captured(1);
        const auto name = m.captured(2);
        const auto ns = m.captured(3);
        // The base file of that very object (kind, namespace and name: a ServiceAccount and its workload share both).
        const QString base = QStringLiteral("base/") + kind + (ns.isEmpty() ? QString() : u'-' + ns) + u'-' + name
            + QStringLiteral(".yaml");
        QVERIFY2(std::any_of(files.begin(), files.end(),
                     [&](const io::OverlayFile& b) { return b.path == base.toStdString(); }),
            qPrintable(base));
        const auto r = ::kubectl(kubectl,
            { QStringLiteral("patch"), QStringLiteral("--local"), QStringLiteral("-f"), dir.path() + u'/' + base,
                QStringLiteral("--type"), m.captured(4), QStringLiteral("--patch"), content, QStringLiteral("-o"),
                QStringLiteral("yaml") });
        QVERIFY2(r.code == 0, qPrintable(QString::fromStdString(f.path) + QStringLiteral(": ") + QString::fromUtf8(r.err)));
        QVERIFY(r.out.contains("kind: "));
        json += m.captured(4) == QLatin1String("json");
        ++patched;
    }
    QVERIFY(patched > 20);
    QCOMPARE(json, patched);
}

// Every kubectl found renders the same objects from the same overlays (kustomize versions only order them
// differently), and its output is what the plan's after-state says.
void TestRemediation::kubectlVersionsRenderAlike()
{
    const auto& all = test::kubectls();
    if (all.size() < 2)
        QSKIP("fewer than two kubectl versions found (PATH and build/tools, see .ci/setup)");
    const std::vector<std::pair<QString, RemediationPlan>> plans { { QStringLiteral("RBX-SA-001"),
                                                                       rulePlan("RBX-SA-001") },
        { QStringLiteral("RBX-SA-003"), rulePlan("RBX-SA-003") }, { QStringLiteral("combined"), combinedPlan() } };
    for (const auto& [what, plan] : plans) {
        QStringList first;
        for (const auto& k : all) {
            QTemporaryDir dir;
            QString error;
            QByteArray out;
            QVERIFY2(
                renderedAfter(plan, dir.path(), k.path, &error, &out), qPrintable(what + u' ' + k.name + u' ' + error));
            const auto docs = documents(out);
            QVERIFY(!docs.isEmpty());
            if (first.isEmpty()) {
                first = docs;
                continue;
            }
            QCOMPARE(docs.size(), first.size());
            for (int i = 0; i < docs.size(); ++i)
                QVERIFY2(docs[i] == first[i],
                    qPrintable(what + u' ' + all.front().name + QStringLiteral(":\n") + first[i] + u'\n' + k.name
                        + QStringLiteral(":\n") + docs[i]));
        }
    }
}

void TestRemediation::afterStateFile()
{
    std::vector<Fix> fixes;
    for (const auto& f : m_findings)
        if (f.ruleId == "RBX-WL-001" || f.ruleId == "RBX-TOK-003" || f.ruleId == "RBX-BND-004")
            for (auto& x : fixesFor(*m_policy, f))
                fixes.push_back(std::move(x));
    const auto plan = planRemediation(*m_policy, m_findings, fixes);
    const auto text = io::afterStateYaml(plan);
    QVERIFY(text.find("# deleted: RoleBinding team-a/node-inspector") != std::string::npos);
    const auto loaded = io::loadFromString(text, "after.yaml", io::Format::Yaml);
    QVERIFY(loaded->report.diagnostics.empty());
    const auto* frontend = [&]() -> const Workload* {
        for (const auto& w : loaded->workloads)
            if (w.meta.name == "frontend")
                return &w;
        return nullptr;
    }();
    QVERIFY(frontend);
    QCOMPARE(frontend->pod.serviceAccountName, std::string("frontend"));
    QVERIFY(loaded->findServiceAccount("team-a", "frontend"));
    QCOMPARE(loaded->findServiceAccount("team-a", "frontend")->automountServiceAccountToken, std::optional<bool>(false));
    bool jenkinsProjected = false;
    for (const auto& w : loaded->workloads)
        if (w.meta.name == "jenkins")
            for (const auto& t : w.pod.projectedTokens)
                jenkinsProjected = jenkinsProjected || (t.volume == "jenkins-token" && t.expirationSeconds == 3600);
    QVERIFY(jenkinsProjected);
}

void TestRemediation::kubectlReadsAfterStateFile_data()
{
    test::addKubectlData();
}

void TestRemediation::kubectlReadsAfterStateFile()
{
    QFETCH(QString, kubectl);
    if (kubectl.isEmpty())
        QSKIP(test::kNoKubectl);
    const auto text = io::afterStateYaml(combinedPlan());
    QTemporaryDir dir;
    QVERIFY(test::writeFile(dir.path() + QStringLiteral("/after.yaml"), QByteArray::fromStdString(text)));
    // kubectl reads the whole stream offline.
    const auto r = ::kubectl(kubectl,
        { QStringLiteral("create"), QStringLiteral("--dry-run=client"), QStringLiteral("-o"), QStringLiteral("name"),
            QStringLiteral("-f"), dir.path() + QStringLiteral("/after.yaml"), QStringLiteral("--validate=false") });
    QVERIFY(r.code != -1);
    // Without an API server kubectl cannot map kinds; it must at least parse every document.
    QVERIFY2(!r.err.contains("error converting YAML") && !r.err.contains("yaml:"), r.err.constData());
}

void TestRemediation::conflictsAndDuplicates()
{
    // The same fix twice: the second changes nothing.
    const auto f = std::find_if(m_findings.begin(), m_findings.end(),
                                [](const Finding& x) { return x.id == "RBX-SA-001:ServiceAccount/team-a/default"; });
    QVERIFY(f != m_findings.end());
    const auto fix = fixesFor(*m_policy, *f).front();
    const auto plan = planRemediation(*m_policy, m_findings, {fix, fix});
    QCOMPARE(plan.base.size(), planRemediation(*m_policy, m_findings, {fix}).base.size());
    QVERIFY(!plan.skipped.empty());
    // Opposite automount settings on one pod template: the first wins and the conflict is reported.
    Fix on;
    on.id = "on";
    Operation a;
    a.kind = Operation::Kind::SetPodAutomount;
    a.target = {"Deployment", "team-a", "frontend"};
    a.flag = true;
    on.ops = {a};
    Fix off = on;
    off.id = "off";
    off.ops.front().flag = false;
    const auto both = planRemediation(*m_policy, m_findings, {on, off});
    QCOMPARE(both.steps.size(), std::size_t(1));
    QVERIFY(both.steps.front().op.flag);
    QVERIFY(std::any_of(both.skipped.begin(), both.skipped.end(),
                        [](const std::string& s) { return s.find("conflicts with on") != std::string::npos; }));
    // A patch to an object another fix deletes is dropped.
    const auto del = std::find_if(m_findings.begin(), m_findings.end(), [](const Finding& x) {
        return x.id == "RBX-UNU-001:ServiceAccount/team-a/report-generator";
    });
    const auto sa3 = std::find_if(m_findings.begin(), m_findings.end(), [](const Finding& x) {
        return x.id == "RBX-SA-003:ServiceAccount/team-a/report-generator";
    });
    QVERIFY(del != m_findings.end() && sa3 != m_findings.end());
    const auto mixed = planRemediation(*m_policy, m_findings, {fixesFor(*m_policy, *sa3).front(), fixesFor(*m_policy, *del).front()});
    for (const auto& step : mixed.steps)
        QVERIFY(step.op.target.name != "report-generator");
    QVERIFY(std::any_of(mixed.deletions.begin(), mixed.deletions.end(),
                        [](const PlannedDeletion& d) { return d.object.kind == "ServiceAccount" && d.object.name == "report-generator"; }));
    // Clean-up: the custom Role that only the deleted binding used goes too.
    const auto p3 = std::find_if(m_findings.begin(), m_findings.end(), [](const Finding& x) {
        return x.id == "RBX-BND-001:RoleBinding/kube-system/payments-deployer@payments/deployer";
    });
    const auto cleanup = planRemediation(*m_policy, m_findings, {fixesFor(*m_policy, *p3).front()});
    QVERIFY(std::any_of(cleanup.deletions.begin(), cleanup.deletions.end(), [](const PlannedDeletion& d) {
        return d.object.kind == "Role" && d.object.name == "pod-launcher" && d.fixId.empty();
    }));
}

void TestRemediation::accessDiffSaysWhatIsLost()
{
    const auto f = std::find_if(m_findings.begin(), m_findings.end(),
                                [](const Finding& x) { return x.id == "RBX-RBAC-003:ServiceAccount/legacy-apps/config-sync"; });
    QVERIFY(f != m_findings.end());
    const auto fixes = fixesFor(*m_policy, *f);
    QCOMPARE(fixes.size(), std::size_t(2)); // remove, narrow
    const auto plan = planRemediation(*m_policy, m_findings, {fixes.front()});
    bool lostSecrets = false;
    for (const auto& a : plan.access)
        if (a.subject == "legacy-apps/config-sync" && a.scope == "cluster-wide")
            for (const auto& l : a.lost)
                lostSecrets = lostSecrets || l == "get, list, watch secrets";
    QVERIFY(lostSecrets);
    // Narrowing keeps the access in the ServiceAccount's namespace.
    const auto narrowed = planRemediation(*m_policy, m_findings, {fixes[1]});
    bool kept = false;
    for (const auto& a : narrowed.access)
        if (a.subject == "legacy-apps/config-sync" && a.scope == "legacy-apps")
            for (const auto& g : a.gained)
                kept = kept || g == "get, list, watch secrets (kept here)";
    QVERIFY(kept);
    QCOMPARE(narrowed.created().size(), std::size_t(1));
    QCOMPARE(narrowed.created().front()->op.target.ns, std::string("legacy-apps"));
    // A workload moved to its own ServiceAccount.
    const auto wl = std::find_if(m_findings.begin(), m_findings.end(),
                                 [](const Finding& x) { return x.id == "RBX-WL-001:Deployment/team-a/frontend"; });
    const auto moved = planRemediation(*m_policy, m_findings, {fixesFor(*m_policy, *wl).front()});
    QCOMPARE(moved.workloads.size(), std::size_t(1));
    QVERIFY(moved.workloads.front().before.find("runs as default") == 0);
    QVERIFY(moved.workloads.front().after.find("runs as frontend") == 0);
}

void TestRemediation::jsonPatchIndicesFollowEarlierRemovals_data()
{
    test::addKubectlData();
}

void TestRemediation::jsonPatchIndicesFollowEarlierRemovals()
{
    QFETCH(QString, kubectl);
    // Two subjects removed from one binding by two fixes: the second removal's index accounts for the first. Both
    // are in one JSON patch: kustomize v2.0.3 applies separate JSON patches of one object in both orders.
    const auto snapshot = test::yaml(R"(
apiVersion: v1
kind: ServiceAccount
metadata: {name: a, namespace: ns}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: b, namespace: ns}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: c, namespace: ns}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: ns}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: other}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: a, namespace: ns}
- {kind: ServiceAccount, name: b, namespace: ns}
- {kind: ServiceAccount, name: c, namespace: other}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get]}
)");
    const Policy policy(snapshot);
    const auto findings = computeFindings(policy);
    std::vector<Fix> fixes;
    for (const auto& f : findings)
        if (f.ruleId == "RBX-BND-001")
            fixes.push_back(fixesFor(policy, f).front());
    QCOMPARE(fixes.size(), std::size_t(2));
    const auto plan = planRemediation(policy, findings, fixes);
    QCOMPARE(plan.steps.size(), std::size_t(2));
    QCOMPARE(plan.steps[0].subjectIndex, 0);
    QCOMPARE(plan.steps[1].subjectIndex, 0); // b moved up when a was removed
    std::map<std::string, std::string> byPath;
    for (const auto& f : io::overlayFiles(plan))
        byPath[f.path] = f.content;
    const auto entries = jsonPatchEntries(byPath["kustomization.yaml"]);
    QCOMPARE(entries.size(), std::size_t(1));
    QCOMPARE(entries.front().first, QStringLiteral("RoleBinding other/rb"));
    const auto& patch = byPath[entries.front().second.toStdString()];
    for (const auto& fix : fixes)
        QVERIFY2(patch.find("# Fix " + fix.id + '\n') != std::string::npos, fix.id.c_str());
    const auto removeA = patch.find("path: /subjects/0/name\n  value: a\n");
    const auto removeB = patch.find("path: /subjects/0/name\n  value: b\n");
    QVERIFY(removeA != std::string::npos && removeB != std::string::npos && removeA < removeB);
    if (kubectl.isEmpty())
        QSKIP(test::kNoKubectl);
    QTemporaryDir dir;
    std::string error;
    QVERIFY(io::writeOverlay(dir.path().toStdString(), plan, &error));
    const auto r = ::kubectl(kubectl, { QStringLiteral("kustomize"), dir.path() });
    QVERIFY2(r.code == 0, r.err.constData());
    const auto rendered = io::loadFromString(r.out.toStdString(), "rendered.yaml", io::Format::Yaml);
    QCOMPARE(rendered->bindings.size(), std::size_t(1));
    QCOMPARE(rendered->bindings.front().subjects.size(), std::size_t(1));
    QCOMPARE(rendered->bindings.front().subjects.front().name, std::string("c"));
}

QTEST_GUILESS_MAIN(TestRemediation)
#include "tst_remediation.moc"
