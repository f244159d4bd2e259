// SPDX-License-Identifier: Apache-2.0
// Every input a fuzzer ever crashed or hung on (tests/data/fuzz-regressions/<target>/*) loads without crashing, and
// the token/review decoders take each input too. A new crash file added there is a new regression test.
#include "models/analysis/policy.h"
#include "models/io/accessreview.h"
#include "models/io/snapshotloader.h"
#include "models/io/token.h"
#include "testutils.h"

#include <QDirIterator>
#include <QFile>
#include <QTest>

using namespace rbx;

class TestFuzzRegressions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void inputs_data();
    void inputs();
};

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
}

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzzregressions.moc"
