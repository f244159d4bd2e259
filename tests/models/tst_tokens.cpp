// SPDX-License-Identifier: Apache-2.0
// The token inventory: the legacy-token cleaner's projection (data-driven, dates computed by hand from the rules in
// kubernetes-semantics.md §2.4), the demo's ten legacy tokens T1-T10, label and annotation spellings, the cluster
// version and what it does, projected tokens, and the item models under QAbstractItemModelTester.
#include "models/analysis/tokens.h"
#include "models/item/backgroundpool.h"
#include "models/item/tokenmodels.h"
#include "testutils.h"

#include <QAbstractItemModelTester>
#include <QPointer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QThreadPool>

using namespace rbx;

namespace {

QDate d(const char* s)
{
    return *parseLabelDate(s);
}

std::shared_ptr<const Snapshot> demo()
{
    static auto s = io::loadSnapshot({std::string(RBX_SOURCE_DIR) + "/resources/demo"});
    return s;
}

const TokenRecord* find(const TokenInventory& inv, const std::string& ns, const std::string& name)
{
    for (const auto& t : inv.tokens)
        if (t.ns == ns && t.name == name)
            return &t;
    return nullptr;
}

// The model computes off the GUI thread: run the event loop until its result is applied.
bool settled(const TokenInventoryModel& model)
{
    return QTest::qWaitFor([&] { return !model.isComputing(); }, 20000);
}

// Two auto-generated tokens of one ServiceAccount that differ only in how the dates are spelled.
const char* kSpellings = R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-apiserver-legacy-service-account-token-tracking, namespace: kube-system}
data: {since: '2024-03-01'}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: ci, uid: b-uid, creationTimestamp: '2023-01-01T00:00:00Z'}
secrets: [{name: as-labels}, {name: as-annotations}]
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: as-labels
  namespace: ci
  creationTimestamp: '2023-02-01T09:00:00Z'
  labels: {kubernetes.io/legacy-token-last-used: '2024-05-10', kubernetes.io/legacy-token-invalid-since: '2025-05-11'}
  annotations: {kubernetes.io/service-account.name: builder, kubernetes.io/service-account.uid: b-uid}
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: as-annotations
  namespace: ci
  creationTimestamp: '2023-02-01T09:00:00Z'
  annotations:
    kubernetes.io/service-account.name: builder
    kubernetes.io/service-account.uid: b-uid
    kubernetes.io/legacy-token-last-used: '2024-05-10'
    kubernetes.io/legacy-token-invalid-since: '2025-05-11'
)";

} // namespace

class TestTokens : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsing_data();
    void parsing();
    void versions_data();
    void versions();
    void durations_data();
    void durations();
    void behaviour_data();
    void behaviour();
    void projection_data();
    void projection();
    void demoContext();
    void upstreamMilestones_data();
    void upstreamMilestones();
    void demoTokens_data();
    void demoTokens();
    void demoCounts();
    void demoProjected();
    void spellings();
    void clusterVersionFromNodes();
    void todayFromSnapshot();
    void filter_data();
    void filter();
    void csvHasNoTokenValues();
    void itemModels();
    void inventoryOffTheGuiThread();
    void destroyedWhileComputing();
};

void TestTokens::parsing_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addRow("date") << QStringLiteral("2026-11-29") << true;
    QTest::addRow("leap day") << QStringLiteral("2028-02-29") << true;
    QTest::addRow("no leap day") << QStringLiteral("2027-02-29") << false;
    QTest::addRow("timestamp") << QStringLiteral("2026-11-29T10:00:00Z") << false;
    QTest::addRow("slashes") << QStringLiteral("2026/11/29") << false;
    QTest::addRow("short") << QStringLiteral("2026-1-29") << false;
    QTest::addRow("empty") << QString() << false;
}

void TestTokens::parsing()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QCOMPARE(parseLabelDate(text.toStdString()).has_value(), valid);
}

void TestTokens::versions_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("parsed");
    QTest::addRow("kubelet") << QStringLiteral("v1.30.2") << QStringLiteral("v1.30.2");
    QTest::addRow("minor only") << QStringLiteral("1.29") << QStringLiteral("v1.29");
    QTest::addRow("vendor suffix") << QStringLiteral("v1.28.3-eks-4f4795d") << QStringLiteral("v1.28.3");
    QTest::addRow("k3s") << QStringLiteral("v1.27.4+k3s1") << QStringLiteral("v1.27.4");
    QTest::addRow("garbage") << QStringLiteral("latest") << QString();
    QTest::addRow("major only") << QStringLiteral("1") << QString();
}

void TestTokens::versions()
{
    QFETCH(QString, text);
    QFETCH(QString, parsed);
    const auto v = KubeVersion::parse(text.toStdString());
    QCOMPARE(v ? QString::fromStdString(v->text()) : QString(), parsed);
}

void TestTokens::durations_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");
    QTest::addRow("kubelet default") << qint64(3607) << QStringLiteral("1 h 7 s");
    QTest::addRow("an hour") << qint64(3600) << QStringLiteral("1 h");
    QTest::addRow("minimum") << qint64(600) << QStringLiteral("10 min");
    QTest::addRow("a day and an hour") << qint64(90061) << QStringLiteral("1 day 1 h");
    QTest::addRow("a year") << qint64(365 * 86400) << QStringLiteral("1 year");
    QTest::addRow("2^32 s") << qint64(4294967296) << QStringLiteral("136 years 70 days");
    QTest::addRow("zero") << qint64(0) << QStringLiteral("0 s");
}

void TestTokens::durations()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    QCOMPARE(QString::fromStdString(humanDuration(seconds)), text);
}

void TestTokens::behaviour_data()
{
    QTest::addColumn<QString>("version");
    QTest::addColumn<bool>("autoGeneration");
    QTest::addColumn<bool>("tracking");
    QTest::addColumn<bool>("cleanup");
    QTest::addRow("1.23") << QStringLiteral("1.23") << true << false << false;
    QTest::addRow("1.24: no auto-generation") << QStringLiteral("1.24") << false << false << false;
    QTest::addRow("1.26: tracking alpha (off)") << QStringLiteral("1.26") << false << false << false;
    QTest::addRow("1.27: tracking beta") << QStringLiteral("1.27") << false << true << false;
    QTest::addRow("1.28: clean-up alpha (off)") << QStringLiteral("1.28") << false << true << false;
    QTest::addRow("1.29: clean-up beta") << QStringLiteral("1.29") << false << true << true;
    QTest::addRow("1.30: clean-up GA") << QStringLiteral("v1.30.1") << false << true << true;
    QTest::addRow("unknown: current assumed") << QString() << false << true << true;
}

void TestTokens::behaviour()
{
    QFETCH(QString, version);
    QFETCH(bool, autoGeneration);
    QFETCH(bool, tracking);
    QFETCH(bool, cleanup);
    const auto b = behaviourOf(version.isEmpty() ? std::nullopt : KubeVersion::parse(version.toStdString()));
    QCOMPARE(b.autoGeneration, autoGeneration);
    QCOMPARE(b.tracking, tracking);
    QCOMPARE(b.cleanup, cleanup);
    QCOMPARE(b.assumed, version.isEmpty());
    QVERIFY(b.notes.size() >= 3);
}

void TestTokens::projection_data()
{
    // Inputs, then the expected decision. Dates by hand: first run = since + 1 + P; created + P; last used + 1 + P;
    // deletion = max(those, invalid-since + 1 + P). P = 365 days unless said otherwise.
    QTest::addColumn<QString>("created");
    QTest::addColumn<QString>("lastUsed");
    QTest::addColumn<QString>("invalidSince");
    QTest::addColumn<QString>("flags"); // manual, mounted, orphan, noname, disabled, untracked
    QTest::addColumn<QString>("since");
    QTest::addColumn<QString>("today");
    QTest::addColumn<int>("period");
    QTest::addColumn<bool>("eligible");
    QTest::addColumn<QString>("expectInvalid");
    QTest::addColumn<QString>("expectDeletion");
    QTest::addColumn<bool>("overdue");
    QTest::addColumn<QString>("skip");
    const QString none;
    auto row = [](const char* name, const char* created, const char* lastUsed, const char* invalid, const char* flags,
                  const char* since, const char* today, int period, bool eligible, const char* inv, const char* del,
                  bool overdue, const char* skip) {
        QTest::addRow("%s", name) << QString::fromLatin1(created) << QString::fromLatin1(lastUsed)
                                  << QString::fromLatin1(invalid) << QString::fromLatin1(flags)
                                  << QString::fromLatin1(since) << QString::fromLatin1(today) << period << eligible
                                  << QString::fromLatin1(inv) << QString::fromLatin1(del) << overdue
                                  << QString::fromLatin1(skip);
    };
    // The first possible run bounds an old, never-used token: 2025-01-15 + 1 + 365 = 2026-01-16.
    row("never used, waits for the first run", "2024-12-03T10:12:11Z", "", "", "", "2025-01-15", "2025-06-01", 365, true,
        "2026-01-16", "2027-01-17", false, "");
    // Used yesterday: 2026-11-28 + 1 + 365 = 2027-11-29; deletion 2027-11-30 + 365 = 2028-11-29 (2028 is a leap year).
    row("used yesterday", "2024-12-03T10:12:11Z", "2026-11-28", "", "", "2025-01-15", "2026-11-29", 365, true,
        "2027-11-29", "2028-11-29", false, "");
    // Created 2026-02-20: not before 2027-02-20 (T5); deleted 2027-02-21 + 365 = 2028-02-21.
    row("too young (T5)", "2026-02-20T08:00:00Z", "", "", "", "2025-01-15", "2026-11-29", 365, true, "2027-02-20",
        "2028-02-21", false, "");
    // Invalidated 2026-01-16 and unused: deleted once invalid-since < today - P: 2027-01-17 (T2).
    row("invalidated, unused (T2)", "2024-12-03T10:12:11Z", "", "2026-01-16", "", "2025-01-15", "2026-11-29", 365, true,
        "2026-01-16", "2027-01-17", false, "");
    // Invalidated one year after last use (T3): deletion 2026-03-12 + 365 = 2027-03-12.
    row("invalidated after last use (T3)", "2024-12-03T10:12:11Z", "2025-03-10", "2026-03-11", "", "2025-01-15",
        "2026-11-29", 365, true, "2026-03-11", "2027-03-12", false, "");
    // Used after invalidation (T4): the last use pushes deletion to 2026-06-15 + 365 = 2027-06-15.
    row("used after invalidation (T4)", "2024-12-03T10:12:11Z", "2026-06-14", "2026-01-16", "", "2025-01-15",
        "2026-11-29", 365, true, "2026-01-16", "2027-06-15", false, "");
    // Last used exactly P days ago: last-used >= cut today, so marked tomorrow.
    row("last used exactly a period ago", "2024-01-01T00:00:00Z", "2025-11-29", "", "", "2024-01-01", "2026-11-29", 365,
        true, "2026-11-30", "2027-12-01", false, "");
    // The first run is today: due today, not overdue. 2025-11-28 + 1 + 365 = 2026-11-29.
    row("first run today", "2020-01-01T00:00:00Z", "", "", "", "2025-11-28", "2026-11-29", 365, true, "2026-11-29",
        "2027-11-30", false, "");
    // Due since 2023-01-02 but not marked: the cleaner marks it at its next run (today), deletes 2027-11-30.
    row("overdue invalidation", "2020-01-01T00:00:00Z", "", "", "", "2022-01-01", "2026-11-29", 365, true, "2026-11-29",
        "2027-11-30", true, "");
    // Marked 2024-01-01, deletion due 2025-01-01 (2024 is a leap year: 2024-01-02 + 365 = 2025-01-01), still there.
    row("overdue deletion", "2020-01-01T00:00:00Z", "", "2024-01-01", "", "2022-01-01", "2026-11-29", 365, true,
        "2024-01-01", "2026-11-29", true, "");
    // An unparseable invalid-since is re-marked with today's date.
    row("malformed invalid-since", "2024-12-03T10:12:11Z", "", "yesterday", "", "2025-01-15", "2026-11-29", 365, true,
        "2026-11-29", "2027-11-30", true, "");
    // A 30-day period: first run 2025-02-15; created + 30 = 2026-01-31; last used + 31 = 2026-11-01.
    row("30-day period", "2026-01-01T00:00:00Z", "2026-10-01", "", "", "2025-01-15", "2026-10-15", 30, true,
        "2026-11-01", "2026-12-02", false, "");
    row("manual token", "2024-12-03T10:12:11Z", "", "", "manual", "2025-01-15", "2026-11-29", 365, false, "", "", false,
        "created manually");
    row("mounted by a pod (T1)", "2024-12-03T10:12:11Z", "2026-11-28", "", "mounted", "2025-01-15", "2026-11-29", 365,
        false, "", "", false, "pod references it");
    row("ServiceAccount gone", "2024-12-03T10:12:11Z", "", "", "orphan", "2025-01-15", "2026-11-29", 365, false, "", "",
        false, "ServiceAccount is missing");
    row("no name annotation", "2024-12-03T10:12:11Z", "", "", "noname", "2025-01-15", "2026-11-29", 365, false, "", "",
        false, "annotation");
    row("malformed last-used", "2024-12-03T10:12:11Z", "2026/01/01", "", "", "2025-01-15", "2026-11-29", 365, false, "",
        "", false, "not a date");
    row("tracking start unknown", "2024-12-03T10:12:11Z", "", "", "untracked", "", "2026-11-29", 365, false, "", "",
        false, "tracking start");
    row("clean-up off in this version", "2024-12-03T10:12:11Z", "", "", "disabled", "2025-01-15", "2026-11-29", 365,
        false, "", "", false, "version");
    // Invalidated but manual: stays invalid, never deleted.
    row("invalidated manual token", "2024-12-03T10:12:11Z", "", "2026-01-16", "manual", "2025-01-15", "2026-11-29", 365,
        false, "2026-01-16", "", false, "created manually");
}

void TestTokens::projection()
{
    QFETCH(QString, created);
    QFETCH(QString, lastUsed);
    QFETCH(QString, invalidSince);
    QFETCH(QString, flags);
    QFETCH(QString, since);
    QFETCH(QString, today);
    QFETCH(int, period);
    QFETCH(bool, eligible);
    QFETCH(QString, expectInvalid);
    QFETCH(QString, expectDeletion);
    QFETCH(bool, overdue);
    QFETCH(QString, skip);
    CleanerInput in;
    in.created = *parseWhen(created.toStdString());
    if (!lastUsed.isEmpty())
        in.lastUsedLabel = lastUsed.toStdString();
    if (!invalidSince.isEmpty())
        in.invalidSinceLabel = invalidSince.toStdString();
    in.listedInServiceAccount = !flags.contains(QLatin1String("manual"));
    in.referencedByPod = flags.contains(QLatin1String("mounted"));
    in.serviceAccountFound = !flags.contains(QLatin1String("orphan"));
    in.hasNameAnnotation = !flags.contains(QLatin1String("noname"));
    in.cleanupEnabled = !flags.contains(QLatin1String("disabled"));
    if (!since.isEmpty())
        in.trackingSince = parseLabelDate(since.toStdString());
    in.today = d(today.toLatin1().constData());
    in.periodDays = period;
    const auto p = projectCleaner(in);
    QCOMPARE(p.eligible, eligible);
    QCOMPARE(QString::fromStdString(isoDate(p.invalidSince)), expectInvalid);
    QCOMPARE(QString::fromStdString(isoDate(p.deletion)), expectDeletion);
    QCOMPARE(p.overdue, overdue);
    if (skip.isEmpty())
        QVERIFY(p.skipReason.empty());
    else
        QVERIFY2(QString::fromStdString(p.skipReason).contains(skip), p.skipReason.c_str());
}

void TestTokens::demoContext()
{
    Policy policy(demo());
    const auto inv = tokenInventory(policy);
    QCOMPARE(inv.today(), d("2026-11-29"));
    QVERIFY2(inv.nowSource.find("team-a/ci-runner-token") != std::string::npos, inv.nowSource.c_str());
    QCOMPARE(*inv.trackingSince, d("2025-01-15"));
    QCOMPARE(*inv.firstCleanerRun, d("2026-01-16")); // the README's first possible run
    QVERIFY(inv.cluster.assumed);
    QVERIFY(!inv.cluster.version);
    QCOMPARE(inv.cluster.atLeast->text(), std::string("v1.28"));
    QVERIFY(inv.cluster.cleanup && inv.cluster.tracking && !inv.cluster.autoGeneration);
    // Milestones: six upstream releases (1.24, 1.26 to 1.30), then tracking start, first clean-up run and today.
    QCOMPARE(inv.milestones.size(), std::size_t(9));
    QCOMPARE(inv.milestones[6].date, d("2025-01-15"));
    QCOMPARE(inv.milestones[7].date, d("2026-01-16"));
    QCOMPARE(inv.milestones.back().date, d("2026-11-29"));
    for (std::size_t i = 0; i < 6; ++i)
        QVERIFY(!inv.milestones[i].cluster);
    for (std::size_t i = 6; i < 9; ++i)
        QVERIFY(inv.milestones[i].cluster);
}

void TestTokens::upstreamMilestones_data()
{
    // kubernetes-semantics.md §0: NoAutoGeneration beta 1.24 / GA 1.26; Tracking alpha 1.26 / beta 1.27 / GA 1.28;
    // CleanUp alpha 1.28 / beta 1.29 / GA 1.30. Dates: the v1.x.0 release tags.
    QTest::addColumn<int>("minor");
    QTest::addColumn<QString>("date");
    QTest::addColumn<QStringList>("says");
    // What behaviourOf() gains at this release compared with the one before ("" = no default-on change).
    QTest::addColumn<QString>("switchesOn");
    QTest::addRow("1.24") << 24 << "2022-05-03" << QStringList {QStringLiteral("no more auto-generated")} << "no-autogen";
    QTest::addRow("1.26") << 26 << "2022-12-08"
                          << QStringList {QStringLiteral("tracking alpha"), QStringLiteral("off by default"),
                                          QStringLiteral("no auto-generation GA")}
                          << "";
    QTest::addRow("1.27") << 27 << "2023-04-11"
                          << QStringList {QStringLiteral("tracking beta"), QStringLiteral("on by default")} << "tracking";
    QTest::addRow("1.28") << 28 << "2023-08-15"
                          << QStringList {QStringLiteral("tracking GA"), QStringLiteral("clean-up alpha"),
                                          QStringLiteral("off by default")}
                          << "";
    QTest::addRow("1.29") << 29 << "2023-12-13"
                          << QStringList {QStringLiteral("clean-up beta"), QStringLiteral("on by default")} << "cleanup";
    QTest::addRow("1.30") << 30 << "2024-04-17" << QStringList {QStringLiteral("clean-up GA")} << "";
}

void TestTokens::upstreamMilestones()
{
    QFETCH(int, minor);
    QFETCH(QString, date);
    QFETCH(QStringList, says);
    QFETCH(QString, switchesOn);
    const auto& all = upstreamTokenMilestones();
    QCOMPARE(all.size(), std::size_t(6));
    for (std::size_t i = 1; i < all.size(); ++i)
        QVERIFY(all[i - 1].date < all[i].date); // oldest first
    const auto version = QStringLiteral("v1.%1").arg(minor);
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const TokenMilestone& m) { return QString::fromStdString(m.shortLabel) == version; });
    QVERIFY2(it != all.end(), qPrintable(version));
    QCOMPARE(it->date, d(date.toLatin1().constData()));
    QVERIFY(!it->cluster);
    const auto label = QString::fromStdString(it->label);
    QVERIFY2(label.startsWith(version + QStringLiteral(" released: ")), qPrintable(label));
    for (const auto& s : says)
        QVERIFY2(label.contains(s), qPrintable(label + QStringLiteral(" lacks ") + s));
    // The milestone agrees with what the version does by default.
    const auto now = behaviourOf(KubeVersion {1, minor, 0});
    const auto before = behaviourOf(KubeVersion {1, minor - 1, 0});
    QCOMPARE(!now.autoGeneration && before.autoGeneration, switchesOn == QLatin1String("no-autogen"));
    QCOMPARE(now.tracking && !before.tracking, switchesOn == QLatin1String("tracking"));
    QCOMPARE(now.cleanup && !before.cleanup, switchesOn == QLatin1String("cleanup"));
}

void TestTokens::demoTokens_data()
{
    // resources/demo/README.md, "Legacy tokens": T1-T10, with the projected dates computed by hand.
    QTest::addColumn<QString>("ns");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("sa");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("state");
    QTest::addColumn<bool>("mounted");
    QTest::addColumn<QString>("lastUsed");
    QTest::addColumn<QString>("invalidSince");
    QTest::addColumn<QString>("projectedInvalid");
    QTest::addColumn<QString>("deletion");
    QTest::addColumn<QString>("risk");
    QTest::addColumn<QString>("next");
    auto row = [](const char* id, const char* ns, const char* secret, const char* sa, const char* kind, const char* state,
                  bool mounted, const char* lastUsed, const char* invalid, const char* projected, const char* deletion,
                  const char* risk, const char* next) {
        QTest::addRow("%s", id) << QString::fromLatin1(ns) << QString::fromLatin1(secret) << QString::fromLatin1(sa)
                                << QString::fromLatin1(kind) << QString::fromLatin1(state) << mounted
                                << QString::fromLatin1(lastUsed) << QString::fromLatin1(invalid)
                                << QString::fromLatin1(projected) << QString::fromLatin1(deletion)
                                << QString::fromLatin1(risk) << QString::fromLatin1(next);
    };
    row("T1", "legacy-apps", "jenkins-token-4kq9z", "jenkins", "auto", "active", true, "2026-11-28", "", "", "",
        "critical", "Pod legacy-apps/jenkins-0 references it (secret volume");
    row("T2", "legacy-apps", "default-token-8xw2m", "default", "auto", "invalidated", false, "", "2026-01-16", "",
        "2027-01-17", "low", "Deleted on or after 2027-01-17");
    row("T3", "team-a", "default-token-r7t5n", "default", "auto", "invalidated", false, "2025-03-10", "2026-03-11", "",
        "2027-03-12", "medium", "Invalid since 2026-03-11");
    row("T4", "legacy-apps", "config-sync-token-p2v6c", "config-sync", "auto", "invalidated", false, "2026-06-14",
        "2026-01-16", "", "2027-06-15", "high", "Deleted on or after 2027-06-15");
    row("T5", "payments", "deployer-token-5hdlm", "deployer", "auto", "never-used", false, "", "", "2027-02-20",
        "2028-02-21", "high", "Marked invalid on 2027-02-20");
    row("T6", "team-a", "ci-runner-token", "ci-runner", "manual", "active", false, "2026-11-29", "", "", "", "critical",
        "created manually");
    row("T7", "team-a", "report-generator-token", "report-generator", "manual", "never-used", false, "", "", "", "",
        "low", "It never expires");
    row("T8", "payments", "payments-api-token", "payments-api", "manual", "active", false, "2026-11-25", "", "", "",
        "none", "created manually");
    row("T9", "kube-system", "namespace-provisioner-token", "namespace-provisioner", "manual", "stale", false,
        "2025-05-02", "", "", "", "high", "created manually");
    row("T10", "legacy-apps", "old-ci-token", "old-ci", "orphan", "orphaned", false, "2025-09-30", "", "", "", "none",
        "is gone");
}

void TestTokens::demoTokens()
{
    QFETCH(QString, ns);
    QFETCH(QString, secret);
    QFETCH(QString, sa);
    QFETCH(QString, kind);
    QFETCH(QString, state);
    QFETCH(bool, mounted);
    QFETCH(QString, lastUsed);
    QFETCH(QString, invalidSince);
    QFETCH(QString, projectedInvalid);
    QFETCH(QString, deletion);
    QFETCH(QString, risk);
    QFETCH(QString, next);
    Policy policy(demo());
    const auto inv = tokenInventory(policy);
    const auto* t = find(inv, ns.toStdString(), secret.toStdString());
    QVERIFY(t);
    QCOMPARE(t->kind, TokenKind::Legacy);
    QCOMPARE(QString::fromStdString(t->serviceAccount), sa);
    QCOMPARE(QString::fromStdString(tokenKindLabel(*t)), kind);
    QCOMPARE(QString::fromLatin1(tokenStateName(t->state)), state);
    QCOMPARE(t->mounted, mounted);
    QCOMPARE(QString::fromStdString(isoDate(t->lastUsed)), lastUsed);
    QCOMPARE(QString::fromStdString(isoDate(t->invalidSince)), invalidSince);
    QCOMPARE(QString::fromStdString(t->cleaner.invalidSinceProjected ? isoDate(t->cleaner.invalidSince) : std::string()),
             projectedInvalid);
    QCOMPARE(QString::fromStdString(t->cleaner.eligible ? isoDate(t->cleaner.deletion) : std::string()), deletion);
    QVERIFY(!t->cleaner.overdue);
    QCOMPARE(QString::fromLatin1(riskName(t->grants.risk)), risk);
    QVERIFY2(QString::fromStdString(t->next).contains(next), t->next.c_str());
    QVERIFY(!t->fingerprint.empty());
    QVERIFY(!t->labelsFromAnnotations);
}

void TestTokens::demoCounts()
{
    Policy policy(demo());
    const auto inv = tokenInventory(policy);
    const auto counts = inv.countByState();
    QCOMPARE(counts.at(TokenState::Active), std::size_t(3));
    QCOMPARE(counts.at(TokenState::Stale), std::size_t(1));
    QCOMPARE(counts.at(TokenState::NeverUsed), std::size_t(2));
    QCOMPARE(counts.at(TokenState::Invalidated), std::size_t(3));
    QCOMPARE(counts.at(TokenState::Orphaned), std::size_t(1));
    QCOMPARE(counts.at(TokenState::Projected), std::size_t(38));
    QCOMPARE(inv.mountedLegacyCount(), std::size_t(1));
    const auto byNs = inv.countByNamespace();
    QCOMPARE(byNs.at("legacy-apps").at(TokenState::Invalidated), std::size_t(2));
    QCOMPARE(byNs.at("team-a").at(TokenState::Active), std::size_t(1));
    // Jenkins' token: the pod reference names the volume; the StatefulSet template references it too.
    const auto* t1 = find(inv, "legacy-apps", "jenkins-token-4kq9z");
    QCOMPARE(t1->mountedBy.size(), std::size_t(2));
    QVERIFY(t1->referencedByPod);
    QVERIFY(t1->grants.clusterAdmin);
    QVERIFY(t1->autoGenerated);
}

void TestTokens::demoProjected()
{
    Policy policy(demo());
    const auto inv = tokenInventory(policy);
    int extended = 0;
    const TokenRecord* aws = nullptr;
    for (const auto& t : inv.tokens) {
        if (t.kind != TokenKind::Projected)
            continue;
        QCOMPARE(t.state, TokenState::Projected);
        QVERIFY(t.mounted);
        extended += t.extended;
        if (t.audience == "sts.amazonaws.com")
            aws = &t;
    }
    QCOMPARE(extended, 37); // every kube-api-access-* volume: 3607 s, extended to a one-year JWT
    QVERIFY(aws);
    QCOMPARE(aws->name, std::string("Pod/ci-runner-glvk9vqhbb-cs45x"));
    QCOMPARE(aws->volume, std::string("aws-iam-token"));
    QCOMPARE(aws->expirationSeconds, std::int64_t(86400));
    QVERIFY(!aws->extended);
    QCOMPARE(aws->path, std::string("token"));
    QVERIFY(aws->grants.clusterAdmin); // ci-runner is bound to a wildcard ClusterRole (P4/P10)
    QCOMPARE(TokenTtlHistogramModel::bucketOf(3607), 1);
    QCOMPARE(TokenTtlHistogramModel::bucketOf(3600), 0);
    QCOMPARE(TokenTtlHistogramModel::bucketOf(86400), 2);
    QCOMPARE(TokenTtlHistogramModel::bucketOf(86401), 3);
    QCOMPARE(TokenTtlHistogramModel::bucketOf(8 * 86400), 4);
}

void TestTokens::spellings()
{
    auto snapshot = test::yaml(kSpellings);
    QCOMPARE(snapshot->report.diagnostics.size(), std::size_t(0));
    Policy policy(snapshot);
    TokenOptions o;
    o.now = parseWhen("2025-07-01");
    const auto inv = tokenInventory(policy, o);
    const auto* labels = find(inv, "ci", "as-labels");
    const auto* annotations = find(inv, "ci", "as-annotations");
    QVERIFY(labels && annotations);
    QVERIFY(!labels->labelsFromAnnotations);
    QVERIFY(annotations->labelsFromAnnotations);
    for (const auto* t : {labels, annotations}) {
        QCOMPARE(*t->lastUsed, d("2024-05-10"));
        QCOMPARE(*t->invalidSince, d("2025-05-11"));
        QCOMPARE(t->state, TokenState::Invalidated);
        QVERIFY(t->autoGenerated);
        // Deletion: max(2024-03-02 + 365 = 2025-03-02, 2024-05-11 + 365 = 2025-05-11, 2025-05-12 + 365 = 2026-05-12).
        QCOMPARE(isoDate(t->cleaner.deletion), std::string("2026-05-12"));
    }
    QCOMPARE(inv.today(), d("2025-07-01"));
    QCOMPARE(inv.nowSource, std::string("given"));
}

void TestTokens::clusterVersionFromNodes()
{
    const std::string nodes = R"(
apiVersion: v1
kind: Node
metadata: {name: cp-1, uid: n1}
status:
  nodeInfo: {kubeletVersion: v1.27.3, osImage: Ubuntu, containerRuntimeVersion: containerd://1.7}
  conditions: [{type: Ready, status: 'True'}]
---
apiVersion: v1
kind: Node
metadata: {name: old-1, uid: n2}
status: {nodeInfo: {kubeletVersion: v1.26.9}}
)";
    auto snapshot = test::yaml(std::string(kSpellings) + "---" + nodes);
    QCOMPARE(snapshot->report.diagnostics.size(), std::size_t(0));
    QCOMPARE(snapshot->nodes.size(), std::size_t(2));
    QCOMPARE(snapshot->nodes[0].kubeletVersion, std::string("v1.27.3"));
    Policy policy(snapshot);
    TokenOptions o;
    o.now = parseWhen("2025-07-01");
    auto inv = tokenInventory(policy, o);
    QCOMPARE(inv.cluster.version->text(), std::string("v1.27.3"));
    QVERIFY(!inv.cluster.assumed);
    QVERIFY(inv.cluster.versionSource.find("cp-1") != std::string::npos);
    QVERIFY(!inv.cluster.cleanup);
    // 1.27 does not clean up: the labels stay, nothing is projected.
    const auto* t = find(inv, "ci", "as-labels");
    QVERIFY(!t->cleaner.eligible);
    QVERIFY(t->cleaner.skipReason.find("version") != std::string::npos);
    // The option wins over the nodes.
    o.version = KubeVersion::parse("1.30");
    inv = tokenInventory(policy, o);
    QCOMPARE(inv.cluster.version->text(), std::string("v1.30"));
    QVERIFY(find(inv, "ci", "as-labels")->cleaner.eligible);
    // JSON input keeps the kubelet version too.
    auto json = test::json(R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"j"},
        "status":{"nodeInfo":{"kubeletVersion":"v1.31.0","machineID":"x"},"images":[{"names":["a"]}]}})");
    QCOMPARE(json->nodes.at(0).kubeletVersion, std::string("v1.31.0"));
}

void TestTokens::todayFromSnapshot()
{
    auto snapshot = test::yaml(R"(
apiVersion: v1
kind: ServiceAccount
metadata: {name: a, namespace: x, creationTimestamp: '2024-02-03T04:05:06Z'}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: b, namespace: x, creationTimestamp: '2024-06-07T08:09:10Z'}
)");
    Policy policy(snapshot);
    const auto inv = tokenInventory(policy);
    QCOMPARE(inv.now, *parseWhen("2024-06-07T08:09:10Z"));
    QVERIFY(inv.nowSource.find("ServiceAccount x/b") != std::string::npos);
    QVERIFY(!inv.trackingSince);
    QVERIFY(inv.tokens.empty());
    // Nothing dated at all: the clock.
    Policy empty(test::yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n"));
    QVERIFY(tokenInventory(empty).nowSource.find("clock") != std::string::npos);
}

void TestTokens::filter_data()
{
    QTest::addColumn<QString>("ns");
    QTest::addColumn<QString>("state");
    QTest::addColumn<int>("minRisk");
    QTest::addColumn<int>("expected");
    QTest::addRow("all") << QString() << QString() << 0 << 48;
    QTest::addRow("legacy") << QString() << QStringLiteral("legacy") << 0 << 10;
    QTest::addRow("invalidated") << QString() << QStringLiteral("invalidated") << 0 << 3;
    QTest::addRow("legacy-apps invalidated") << QStringLiteral("legacy-apps") << QStringLiteral("invalidated") << 0 << 2;
    QTest::addRow("mounted") << QString() << QStringLiteral("mounted") << 0 << 1;
    QTest::addRow("unmounted") << QString() << QStringLiteral("unmounted") << 0 << 9;
    QTest::addRow("never-used") << QString() << QStringLiteral("never-used") << 0 << 2;
    QTest::addRow("legacy, critical") << QString() << QStringLiteral("legacy") << 4 << 2;
    QTest::addRow("legacy, high or worse") << QString() << QStringLiteral("legacy") << 3 << 5;
    QTest::addRow("projected in team-a") << QStringLiteral("team-a") << QStringLiteral("projected") << 0 << 7;
}

void TestTokens::filter()
{
    QFETCH(QString, ns);
    QFETCH(QString, state);
    QFETCH(int, minRisk);
    QFETCH(int, expected);
    Policy policy(demo());
    const auto inv = tokenInventory(policy);
    TokenFilter f;
    f.ns = ns.toStdString();
    f.state = state.toStdString();
    f.minRisk = static_cast<RiskLevel>(minRisk);
    QVERIFY(TokenFilter::validState(f.state));
    int n = 0;
    for (const auto& t : inv.tokens)
        n += f.accepts(t);
    QCOMPARE(n, expected);
    QVERIFY(!TokenFilter::validState("dormant"));
}

void TestTokens::csvHasNoTokenValues()
{
    Policy policy(demo());
    const auto inv = tokenInventory(policy);
    std::vector<const TokenRecord*> rows;
    for (const auto& t : inv.tokens)
        rows.push_back(&t);
    const auto csv = QString::fromStdString(tokensCsv(inv, rows));
    QCOMPARE(csv.count(u'\n'), 49);
    QVERIFY(csv.startsWith(QStringLiteral("kind,namespace,serviceAccount,name,state,")));
    QFile f(QStringLiteral(RBX_SOURCE_DIR "/resources/demo/40-tokens.yaml"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QRegularExpression re(QStringLiteral("\\n  token: (\\S+)"));
    int checked = 0;
    for (auto it = re.globalMatch(QString::fromUtf8(f.readAll())); it.hasNext(); ++checked) {
        const auto b64 = it.next().captured(1);
        const auto jwt = QString::fromUtf8(QByteArray::fromBase64(b64.toLatin1()));
        QVERIFY(!csv.contains(b64.left(40)));
        QVERIFY(!csv.contains(jwt.section(u'.', 2))); // the signature
        QVERIFY(!csv.contains(jwt.left(60)));
    }
    QCOMPARE(checked, 10);
}

void TestTokens::itemModels()
{
    TokenInventoryModel model;
    TokenFilterProxy proxy;
    TokenTimelineModel timeline;
    TokenMilestoneModel milestones;
    TokenActivityModel activity;
    TokenTtlHistogramModel ttl;
    TimelineMarkerFilter invalidMarkers(TokenTimelineModel::InvalidSinceXColumn);
    const auto mode = QAbstractItemModelTester::FailureReportingMode::QtTest;
    QAbstractItemModelTester t1(&model, mode);
    QAbstractItemModelTester t2(&proxy, mode);
    QAbstractItemModelTester t3(&timeline, mode);
    QAbstractItemModelTester t4(&milestones, mode);
    QAbstractItemModelTester t5(&activity, mode);
    QAbstractItemModelTester t6(&ttl, mode);
    QAbstractItemModelTester t7(&invalidMarkers, mode);
    proxy.setSourceModel(&model);
    timeline.setSource(&proxy, &model);
    milestones.setSource(&timeline, &model);
    activity.setSource(&proxy, &model);
    ttl.setSource(&proxy, &model);
    invalidMarkers.setSourceModel(&timeline);

    model.setPolicy(std::make_shared<Policy>(demo()));
    QVERIFY(settled(model));
    QCOMPARE(model.rowCount(), 48);
    QCOMPARE(timeline.tokenCount(), 10);
    QCOMPARE(timeline.rowCount(), 20);
    QCOMPARE(invalidMarkers.rowCount(), 3); // T2, T3, T4
    QCOMPARE(milestones.milestoneCount(), 3); // tracking since, first clean-up run, today (releases are out of range)
    QCOMPARE(milestones.rowCount(), 6);
    // Months from 2024-12 (first token) to 2026-11 (today).
    QCOMPARE(activity.rowCount(), 24);
    QCOMPARE(activity.index(0, TokenActivityModel::MonthColumn).data().toString(), QStringLiteral("2024-12"));
    QCOMPARE(activity.index(0, TokenActivityModel::CreatedColumn).data().toInt(), 4); // T1-T4, on 2024-12-03
    QCOMPARE(activity.index(23, TokenActivityModel::LastUsedColumn).data().toInt(), 3); // T1, T6, T8 in 2026-11
    QCOMPARE(ttl.index(1, TokenTtlHistogramModel::CountColumn).data().toInt(), 37);
    QCOMPARE(ttl.index(2, TokenTtlHistogramModel::CountColumn).data().toInt(), 1);

    // Lanes follow the proxy's order: sort by risk, worst first.
    proxy.sort(TokenInventoryModel::RiskColumn, Qt::DescendingOrder);
    QCOMPARE(timeline.tokenCount(), 10);
    const auto top = timeline.index(0, 0).data(TokenTimelineModel::LabelRole).toString();
    QVERIFY2(top == QLatin1String("legacy-apps/jenkins-token-4kq9z") || top == QLatin1String("team-a/ci-runner-token"),
             qPrintable(top));
    QCOMPARE(timeline.index(0, TokenTimelineModel::YColumn).data().toDouble(), 9.5);
    QCOMPARE(timeline.tokenAt(9.5), 0);
    QCOMPARE(timeline.tokenAt(0.2), 9);
    QCOMPARE(timeline.tokenAt(10.5), -1);

    // Filters drive every chart table.
    proxy.setNamespace(QStringLiteral("legacy-apps"));
    QCOMPARE(timeline.tokenCount(), 4);
    QCOMPARE(invalidMarkers.rowCount(), 2);
    proxy.setState(QStringLiteral("invalidated"));
    QCOMPARE(proxy.rowCount(), 2);
    QCOMPARE(proxy.records().size(), std::size_t(2));
    proxy.setNamespace({});
    proxy.setState({});
    proxy.setMounted(true);
    QCOMPARE(timeline.tokenCount(), 1);
    proxy.setMounted(std::nullopt);
    proxy.setKind(TokenKind::Projected);
    QCOMPARE(timeline.tokenCount(), 0);
    QCOMPARE(activity.index(0, TokenActivityModel::CreatedColumn).data().toInt(), 0);
    proxy.setKind(std::nullopt);
    proxy.setMinRisk(RiskLevel::Critical);
    QCOMPARE(timeline.tokenCount(), 2);
    proxy.setMinRisk(RiskLevel::None);
    proxy.setText(QStringLiteral("jenkins"));
    QCOMPARE(timeline.tokenCount(), 1);
    // Segments of the jenkins lane: used 2024-12-03 -> 2026-11-28, idle to today, nothing projected (mounted).
    QCOMPARE(timeline.index(0, TokenTimelineModel::UsedXColumn).data().toReal(), chartTime(d("2024-12-03")));
    QCOMPARE(timeline.index(1, TokenTimelineModel::UsedXColumn).data().toReal(), chartTime(d("2026-11-28")));
    QCOMPARE(timeline.index(1, TokenTimelineModel::IdleXColumn).data().toReal(), chartTime(d("2026-11-29")));
    QCOMPARE(timeline.index(0, TokenTimelineModel::FutureXColumn).data().toReal(),
             timeline.index(1, TokenTimelineModel::FutureXColumn).data().toReal());
    QVERIFY(!timeline.index(0, TokenTimelineModel::ProjectedDeletionXColumn).data().isValid());
    QCOMPARE(timeline.index(0, 0).data(TokenTimelineModel::SubjectRole).value<SubjectRef>().name,
             std::string("jenkins"));
    proxy.setText({});

    // Options recompute: with a 3-day window, T8 (used 4 days ago) turns stale; T1 (yesterday) stays active.
    TokenOptions o;
    o.activeDays = 3;
    model.setOptions(o);
    QVERIFY(settled(model));
    const auto& inv = model.inventory();
    QCOMPARE(find(inv, "payments", "payments-api-token")->state, TokenState::Stale);
    QCOMPARE(find(inv, "legacy-apps", "jenkins-token-4kq9z")->state, TokenState::Active);
    model.setPolicy(nullptr);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(timeline.tokenCount(), 0);
}

void TestTokens::inventoryOffTheGuiThread()
{
    TokenInventoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy changed(&model, &TokenInventoryModel::inventoryChanged);
    QSignalSpy computing(&model, &TokenInventoryModel::computingChanged);
    const auto demoPolicy = std::make_shared<const Policy>(demo());
    const auto small = std::make_shared<const Policy>(test::yaml(kSpellings));

    // setPolicy returns before the inventory exists; it arrives in one reset.
    model.setPolicy(demoPolicy);
    QVERIFY(model.isComputing());
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(computing.count(), 1);
    QCOMPARE(computing.at(0).at(0).toBool(), true);
    QVERIFY(settled(model));
    QCOMPARE(model.rowCount(), 48);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(computing.count(), 2);
    QCOMPARE(computing.at(1).at(0).toBool(), false);

    // The same policy again: nothing to recompute.
    model.setPolicy(demoPolicy);
    QVERIFY(!model.isComputing());
    QCOMPARE(changed.count(), 1);

    // Another policy: the old rows go at once, the newest request wins over one still running (even if the older
    // one finishes later), and options set meanwhile apply to it.
    changed.clear();
    model.setPolicy(small);
    QCOMPARE(model.rowCount(), 0); // no rows of the previous policy in the meantime
    model.setPolicy(demoPolicy);
    TokenOptions o;
    o.activeDays = 3;
    model.setOptions(o);
    model.setPolicy(small);
    QVERIFY(settled(model));
    backgroundPool()->waitForDone(); // every older computation has ended too...
    QCoreApplication::processEvents(); // ...and its result was delivered (and dropped)
    QVERIFY(!model.isComputing());
    QCOMPARE(model.rowCount(), 2); // the small snapshot's two tokens, not the demo's 48
    QCOMPARE(model.inventory().activeDays, 3);
    QVERIFY(find(model.inventory(), "ci", "as-labels"));
    QCOMPARE(changed.count(), 2); // the clearing, then the one result that counts

    // No policy: empty at once, nothing running.
    model.setPolicy(nullptr);
    QVERIFY(!model.isComputing());
    QCOMPARE(model.rowCount(), 0);
}

void TestTokens::destroyedWhileComputing()
{
    QPointer<TokenInventoryModel> model = new TokenInventoryModel;
    QSignalSpy changed(model.data(), &TokenInventoryModel::inventoryChanged);
    model->setPolicy(std::make_shared<const Policy>(demo()));
    QVERIFY(model->isComputing());
    delete model.data();
    QVERIFY(model.isNull());
    // The worker ends with the model gone: it holds the policy, not the model (ASan would see a use after free).
    backgroundPool()->waitForDone();
    QCoreApplication::processEvents();
    QCOMPARE(changed.count(), 0);
}

QTEST_GUILESS_MAIN(TestTokens)
#include "tst_tokens.moc"
