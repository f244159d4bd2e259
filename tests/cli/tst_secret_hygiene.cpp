// SPDX-License-Identifier: Apache-2.0
// Secret hygiene: plant token, Secret, env and last-applied values in a snapshot, run every command and export, and
// assert that none of the values appears anywhere (fingerprints and decoded claims may).
#include "models/analysis/policy.h"
#include "models/io/objectyaml.h"
#include "models/io/snapshotloader.h"
#include "testutils.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestSecretHygiene : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void commands_data();
    void commands();
    void modelHoldsNoValues();

private:
    QStringList m_planted;
    QString m_snapshot;
};

void TestSecretHygiene::initTestCase()
{
    QFile f(rbx::test::dataDir() + QStringLiteral("/hygiene/planted.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto o = QJsonDocument::fromJson(f.readAll()).object();
    for (auto it = o.begin(); it != o.end(); ++it)
        m_planted << it.value().toString();
    QCOMPARE(m_planted.size(), 7);
    m_snapshot = rbx::test::dataDir() + QStringLiteral("/hygiene/snapshot.yaml");
}

void TestSecretHygiene::commands_data()
{
    QTest::addColumn<QStringList>("args");
    const QString s = QStringLiteral("--snapshot=") + rbx::test::dataDir() + QStringLiteral("/hygiene/snapshot.yaml");
    auto row = [&](const char* name, QStringList args) { QTest::newRow(name) << (args << s); };
    row("load text", {QStringLiteral("load")});
    row("load json", {QStringLiteral("load"), QStringLiteral("-o"), QStringLiteral("json")});
    row("can-i why", {QStringLiteral("can-i"), QStringLiteral("get"), QStringLiteral("secrets"), QStringLiteral("-n"),
                      QStringLiteral("vault"), QStringLiteral("--sa"), QStringLiteral("vault:agent"), QStringLiteral("--why")});
    row("can-i list json", {QStringLiteral("can-i"), QStringLiteral("--list"), QStringLiteral("--sa"),
                            QStringLiteral("vault:agent"), QStringLiteral("-n"), QStringLiteral("vault"),
                            QStringLiteral("-o"), QStringLiteral("json")});
    row("who-can json", {QStringLiteral("who-can"), QStringLiteral("get"), QStringLiteral("secrets"), QStringLiteral("-A"),
                         QStringLiteral("-o"), QStringLiteral("json")});
    row("matrix json", {QStringLiteral("matrix"), QStringLiteral("--sa"), QStringLiteral("vault:agent"), QStringLiteral("-A"),
                        QStringLiteral("-o"), QStringLiteral("json")});
    row("matrix csv", {QStringLiteral("matrix"), QStringLiteral("--sa"), QStringLiteral("vault:agent"),
                       QStringLiteral("-o"), QStringLiteral("csv")});
    row("heat map json", {QStringLiteral("matrix"), QStringLiteral("--all-sas"), QStringLiteral("-o"), QStringLiteral("json")});
    for (const char* fmt : {"json", "yaml", "markdown", "html", "table"})
        QTest::newRow(qPrintable(QStringLiteral("diff snapshots ") + QString::fromLatin1(fmt)))
            << QStringList {QStringLiteral("diff"), s, QStringLiteral("--against=") + rbx::test::dataDir()
                                                            + QStringLiteral("/conformance/01-verbs/snapshot.yaml"),
                            QStringLiteral("-o"), QString::fromLatin1(fmt)};
}

void TestSecretHygiene::commands()
{
    QFETCH(QStringList, args);
    QProcess p;
    p.start(QStringLiteral(RBX_CLI_PATH), args);
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(60000));
    const QByteArray output = p.readAllStandardOutput() + p.readAllStandardError();
    QVERIFY2(!output.isEmpty(), "the command printed nothing");
    for (const auto& value : m_planted)
        QVERIFY2(!output.contains(value.toUtf8()), qPrintable(QStringLiteral("leaked: ") + value.left(24)));
}

void TestSecretHygiene::modelHoldsNoValues()
{
    auto policy = std::make_shared<rbx::Policy>(rbx::io::loadSnapshot({m_snapshot.toStdString()}));
    QCOMPARE(policy->snapshot().report.errorCount(), std::size_t(0));
    std::string everything;
    for (const auto& [kind, name] : {std::pair {"Secret", "agent-token"}, std::pair {"Secret", "db"},
                                     std::pair {"Deployment", "agent"}, std::pair {"ServiceAccount", "agent"}})
        everything += rbx::io::objectYaml(*policy, kind, "vault", name);
    for (const auto& s : policy->snapshot().secrets) {
        for (const auto& [k, v] : s.meta.annotations)
            everything += k + v;
        for (const auto& k : s.dataKeys)
            everything += k;
    }
    QVERIFY(everything.find("sha256") != std::string::npos); // the fingerprint is there
    QVERIFY(everything.find("password2") != std::string::npos); // key names are there
    for (const auto& value : m_planted)
        QVERIFY2(everything.find(value.toStdString()) == std::string::npos, qPrintable(value.left(24)));
}

QTEST_GUILESS_MAIN(TestSecretHygiene)
#include "tst_secret_hygiene.moc"
