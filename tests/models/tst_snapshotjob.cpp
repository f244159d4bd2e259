// SPDX-License-Identifier: Apache-2.0
// The off-thread loader facade: results arrive as signals, cancel works, superseded loads are dropped.
#include "models/loader/snapshotjob.h"
#include "testutils.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rbx;

class TestSnapshotJob : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loadsOffThread();
    void cancelStopsTheLoad();
    void newerLoadWins();

private:
    static void writeFiles(const QString& dir, int count);
};

void TestSnapshotJob::writeFiles(const QString& dir, int count)
{
    for (int i = 0; i < count; ++i) {
        QFile f(dir + QStringLiteral("/sa-%1.yaml").arg(i, 4, 10, QLatin1Char('0')));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa-%1, namespace: ns}\n")
                    .arg(i)
                    .toUtf8());
    }
}

void TestSnapshotJob::loadsOffThread()
{
    SnapshotJob job;
    QSignalSpy loaded(&job, &SnapshotJob::loaded);
    QSignalSpy progress(&job, &SnapshotJob::progressChanged);
    job.start({test::dataDir() + QStringLiteral("/conformance/21-format-directory/snapshot")});
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.count(), 1);
    auto policy = loaded.first().first().value<std::shared_ptr<const Policy>>();
    QVERIFY(policy);
    const auto* snapshot = &policy->snapshot();
    QCOMPARE(snapshot->report.files, std::size_t(3));
    QVERIFY(snapshot->roles.size() > 0);
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().first().toInt(), 1000);
    QVERIFY(!job.isRunning());
}

void TestSnapshotJob::cancelStopsTheLoad()
{
    QTemporaryDir dir;
    writeFiles(dir.path(), 400);
    SnapshotJob job;
    QSignalSpy loaded(&job, &SnapshotJob::loaded);
    QSignalSpy canceled(&job, &SnapshotJob::canceled);
    job.start({dir.path()});
    job.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(canceled.count(), 1, 10000);
    QCOMPARE(loaded.count(), 0);
}

void TestSnapshotJob::newerLoadWins()
{
    QTemporaryDir first;
    writeFiles(first.path(), 300);
    QTemporaryDir second;
    writeFiles(second.path(), 3);
    SnapshotJob job;
    QSignalSpy loaded(&job, &SnapshotJob::loaded);
    QSignalSpy canceled(&job, &SnapshotJob::canceled);
    job.start({first.path()});
    job.start({second.path()});
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
    QTest::qWait(100);
    QCOMPARE(loaded.count(), 1); // the superseded load never reports
    QCOMPARE(canceled.count(), 0);
    auto policy = loaded.first().first().value<std::shared_ptr<const Policy>>();
    QCOMPARE(policy->snapshot().serviceAccounts.size(), std::size_t(3));
}

QTEST_GUILESS_MAIN(TestSnapshotJob)
#include "tst_snapshotjob.moc"
