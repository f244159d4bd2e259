// SPDX-License-Identifier: Apache-2.0
// Hostile input at full size: a 100 MB scalar, 10^6 tiny documents, a List of 10^5 items, a symlink loop, an
// unreadable file. Each loads to a result (with diagnostics where due) instead of crashing or hanging.
#include "models/io/snapshotbuilder.h"
#include "testutils.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace rbx;
using rbx::test::writeFile;

class TestHostile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hundredMegabyteScalar();
    void millionTinyDocuments();
    void listOfHundredThousandItems();
    void millionBrokenDocumentsKeepFewDiagnostics();
    void symlinkLoop();
    void unreadableFile();

private:
    QTemporaryDir m_dir;
};

void TestHostile::hundredMegabyteScalar()
{
    const auto path = m_dir.filePath(QStringLiteral("scalar.yaml"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: big\n  namespace: x\n  annotations:\n    a: '");
        const QByteArray chunk(1 << 20, 'x');
        for (int i = 0; i < 100; ++i)
            f.write(chunk);
        f.write("'\n");
    }
    auto s = io::loadSnapshot({path.toStdString()});
    QCOMPARE(s->report.errorCount(), std::size_t(0));
    QCOMPARE(s->serviceAccounts.size(), std::size_t(1));
    QCOMPARE(s->serviceAccounts.front().meta.annotations.at("a").size(), std::size_t(100) << 20);
}

void TestHostile::millionTinyDocuments()
{
    const auto path = m_dir.filePath(QStringLiteral("tiny.yaml"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray block;
        for (int i = 0; i < 1000; ++i)
            block += "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n";
        for (int i = 0; i < 1000; ++i)
            f.write(block);
    }
    auto s = io::loadSnapshot({path.toStdString()});
    QCOMPARE(s->report.documents, std::size_t(1000000));
    QCOMPARE(s->namespaces.size(), std::size_t(1)); // the same object a million times: the last one is kept
    QCOMPARE(s->report.duplicates.size(), std::size_t(999999));
    QCOMPARE(s->report.errorCount(), std::size_t(0));
}

void TestHostile::listOfHundredThousandItems()
{
    const auto path = m_dir.filePath(QStringLiteral("list.json"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"apiVersion":"v1","kind":"ServiceAccountList","items":[)");
        for (int i = 0; i < 100000; ++i)
            f.write(QStringLiteral(R"(%1{"metadata":{"name":"sa-%2","namespace":"ns-%3"}})")
                        .arg(i ? QStringLiteral(",") : QString())
                        .arg(i)
                        .arg(i % 100)
                        .toUtf8());
        f.write("]}");
    }
    auto s = io::loadSnapshot({path.toStdString()});
    QCOMPARE(s->report.errorCount(), std::size_t(0));
    QCOMPARE(s->serviceAccounts.size(), std::size_t(100000)); // typed list: kind/apiVersion from the list
}

void TestHostile::millionBrokenDocumentsKeepFewDiagnostics()
{
    const auto path = m_dir.filePath(QStringLiteral("broken.yaml"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray block;
        for (int i = 0; i < 1000; ++i)
            block += "---\na: 1\n"; // no kind: an error each
        for (int i = 0; i < 1000; ++i)
            f.write(block);
    }
    auto s = io::loadSnapshot({path.toStdString()});
    QCOMPARE(s->report.documents, std::size_t(1000000));
    QCOMPARE(s->report.diagnostics.size(), io::kMaxDiagnosticsPerFile + 1);
    QCOMPARE(s->report.diagnostics.back().message, std::string("999000 more diagnostic(s) in this file are not shown"));
}

void TestHostile::symlinkLoop()
{
    QTemporaryDir dir;
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("a/b"))));
    QVERIFY(QFile::link(dir.path(), dir.filePath(QStringLiteral("a/b/loop"))));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("a/sa.yaml")),
                      "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x, namespace: y}\n"));
    auto s = io::loadSnapshot({dir.path().toStdString()});
    QCOMPARE(s->serviceAccounts.size(), std::size_t(1)); // folder symlinks are not followed: no loop, no duplicate
    QCOMPARE(s->report.files, std::size_t(1));
}

void TestHostile::unreadableFile()
{
    if (geteuid() == 0)
        QSKIP("running as root: file permissions do not stop reading");
    QTemporaryDir dir;
    const auto path = dir.filePath(QStringLiteral("secret.yaml"));
    QVERIFY(writeFile(path, "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n"));
    QVERIFY(QFile::setPermissions(path, QFileDevice::Permissions()));
    auto s = io::loadSnapshot({path.toStdString()});
    QCOMPARE(s->report.errorCount(), std::size_t(1));
    QVERIFY(s->report.diagnostics.front().message.find("cannot open") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
