// SPDX-License-Identifier: Apache-2.0
// Every input a fuzzer ever crashed or hung on (tests/data/fuzz-regressions/<target>/*) loads without crashing, and
// every other decoder takes each input too: token, review, and the live-cluster readers exactly as their fuzz targets
// run them (tests/fuzz/clusterharness.h: kubeconfig, ExecCredential, aggregated discovery and metadata-only Secrets).
// A new crash file added there is a new regression test.
#include "models/analysis/policy.h"
#include "models/io/accessreview.h"
#include "models/io/snapshotloader.h"
#include "models/io/token.h"

#include "fuzz/clusterharness.h"
#include "testutils.h"

#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace rbx;

class TestFuzzRegressions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void inputs_data();
    void inputs();

private:
    QTemporaryDir m_dir;
    std::string m_readable; // what the kubeconfig harness reads for every file an input names
};

void TestFuzzRegressions::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const auto path = m_dir.filePath(QStringLiteral("readable.pem"));
    QVERIFY(test::writeFile(path, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"));
    m_readable = path.toStdString();
}

void TestFuzzRegressions::inputs_data()
{
    QTest::addColumn<QString>("path");
    QDirIterator it(test::dataDir() + QStringLiteral("/fuzz-regressions"), QDir::Files, QDirIterator::Subdirectories);
    int n = 0;
    while (it.hasNext()) {
        const auto path = it.next();
        if (path.endsWith(QLatin1String("README.md")))
            continue;
        QTest::newRow(qPrintable(QFileInfo(path).dir().dirName() + u'/' + QFileInfo(path).fileName())) << path;
        ++n;
    }
    if (n == 0)
        QTest::newRow("seed: empty input") << QString();
    // The hand-written seeds of the fuzz targets hold every invariant too.
    QDirIterator seeds(QStringLiteral(RBX_SOURCE_DIR "/tests/fuzz/seeds"), QDir::Files, QDirIterator::Subdirectories);
    while (seeds.hasNext()) {
        const auto path = seeds.next();
        QTest::newRow(qPrintable(QStringLiteral("seed: ") + QFileInfo(path).dir().dirName() + u'/'
                                 + QFileInfo(path).fileName()))
            << path;
    }
}

void TestFuzzRegressions::inputs()
{
    QFETCH(QString, path);
    QByteArray data;
    if (!path.isEmpty()) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        data = f.readAll();
    }
    const std::string_view text(data.constData(), static_cast<std::size_t>(data.size()));
    for (auto format : {io::Format::Yaml, io::Format::Json}) {
        auto s = io::loadFromString(text, "regression", format);
        Policy policy(s);
        QVERIFY(s->report.files == 1);
    }
    (void)io::inspectToken(text);
    const Policy empty(io::loadFromString("", "empty.yaml"));
    const auto answer = io::answerSubjectAccessReview(empty, std::string(text));
    QVERIFY(answer.find("\"status\"") != std::string::npos);
    QVERIFY(fuzz::kubeconfig(text, m_readable));
    QVERIFY(fuzz::execCredential(text));
    QVERIFY(fuzz::clusterJson(text));
}

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzzregressions.moc"
