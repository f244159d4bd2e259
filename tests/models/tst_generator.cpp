// SPDX-License-Identifier: Apache-2.0
// The benchmark's snapshot generator writes what the loader reads back, in YAML and JSON alike, and the parser floors
// walk the same files.
#include "models/io/generator.h"
#include "testutils.h"

#include <QTemporaryDir>
#include <QTest>

using namespace rbx;

class TestGenerator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
};

void TestGenerator::roundTrip_data()
{
    QTest::addColumn<bool>("json");
    QTest::addRow("yaml") << false;
    QTest::addRow("json") << true;
}

void TestGenerator::roundTrip()
{
    QFETCH(bool, json);
    QTemporaryDir dir;
    const auto path = dir.filePath(json ? QStringLiteral("s.json") : QStringLiteral("s.yaml")).toStdString();
    const auto counts = io::generateSnapshot(path, json, {0.02, 42});
    QCOMPARE(counts.namespaces, std::size_t(10));
    auto s = io::loadSnapshot({path});
    QVERIFY2(s->report.errorCount() == 0, s->report.toText().c_str());
    QCOMPARE(s->namespaces.size(), counts.namespaces);
    QCOMPARE(s->serviceAccounts.size(), counts.serviceAccounts);
    QCOMPARE(s->secrets.size(), counts.secrets);
    QCOMPARE(s->roles.size(), counts.roles);
    QCOMPARE(s->bindings.size(), counts.bindings);
    std::size_t pods = 0;
    for (const auto& w : s->workloads)
        pods += w.kind == "Pod";
    QCOMPARE(pods, counts.pods);
    // Token Secrets keep fingerprints only; pods keep their projected token and the legacy secret volume.
    std::size_t tokens = 0;
    for (const auto& sec : s->secrets)
        tokens += sec.token.has_value();
    QCOMPARE(tokens, counts.namespaces * 2);
    QCOMPARE(s->workloads.front().pod.projectedTokens.size(), std::size_t(1));
    // The floors walk the same file.
    QVERIFY((json ? io::jsonOnDemandPass(path) : io::yamlEventPass(path)) > static_cast<std::int64_t>(counts.objects));
    // Deterministic: the same seed writes the same bytes.
    const auto again = dir.filePath(QStringLiteral("again")).toStdString();
    io::generateSnapshot(again, json, {0.02, 42});
    QFile a(QString::fromStdString(path));
    QFile b(QString::fromStdString(again));
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QCOMPARE(a.readAll(), b.readAll());
}

QTEST_GUILESS_MAIN(TestGenerator)
#include "tst_generator.moc"
