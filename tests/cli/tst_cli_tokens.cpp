// SPDX-License-Identifier: Apache-2.0
// rbx tokens, rbx token inspect and rbx token review end to end: the demo's inventory in every format, filters, the
// version option, a demo token mapped by fingerprint, TokenReviews of tokens signed here with OpenSSL keys, and that
// no token value ever reaches stdout or stderr.
#include "jwttestutils.h"
#include "testutils.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kDemo = QStringLiteral(RBX_SOURCE_DIR "/resources/demo");
constexpr qint64 kNow = 1795000000; // 2026-11-18T11:06:40Z
const QString kNowText = QStringLiteral("2026-11-18T11:06:40Z");
const QString kIssuer = QStringLiteral("https://oidc.demo.example");

QString demoToken(const char* secret)
{
    QFile f(kDemo + QStringLiteral("/40-tokens.yaml"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QRegularExpression re(QStringLiteral("name: ") + QString::fromLatin1(secret)
                                + QStringLiteral("\\n(?:.|\\n)*?\\n  token: (\\S+)"));
    const auto m = re.match(QString::fromUtf8(f.readAll()));
    return m.hasMatch() ? QString::fromUtf8(QByteArray::fromBase64(m.captured(1).toLatin1())) : QString();
}

} // namespace

class TestCliTokens : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void inventoryJson();
    void inventoryTable();
    void inventoryCsv();
    void filters_data();
    void filters();
    void options_data();
    void options();
    void inspectDemoToken();
    void inspectVerifies();
    void review_data();
    void review();
    void reviewFromTokenReviewJson();
    void usage_data();
    void usage();
    void hygiene_data();
    void hygiene();

private:
    struct Result
    {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };
    static Result rbx(const QStringList& args, const QByteArray& input = {});
    QTemporaryDir m_dir;
    QString m_jwks;
    rbx::test::Key m_key;
};

TestCliTokens::Result TestCliTokens::rbx(const QStringList& args, const QByteArray& input)
{
    QProcess p;
    p.start(QStringLiteral(RBX_CLI_PATH), args);
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000))
        return {};
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

void TestCliTokens::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_key = rbx::test::ecKey("P-256");
    m_jwks = m_dir.filePath(QStringLiteral("jwks.json"));
    QVERIFY(rbx::test::writeFile(m_jwks, rbx::test::jwks({rbx::test::jwkOf(m_key.get(), "k1")})));
}

void TestCliTokens::inventoryJson()
{
    const auto r = rbx({QStringLiteral("tokens"), QStringLiteral("--snapshot"), kDemo, QStringLiteral("-o"),
                        QStringLiteral("json")});
    QCOMPARE(r.code, 0);
    const auto o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("today")).toString(), QStringLiteral("2026-11-29"));
    QCOMPARE(o.value(QStringLiteral("trackingSince")).toString(), QStringLiteral("2025-01-15"));
    QCOMPARE(o.value(QStringLiteral("firstCleanerRun")).toString(), QStringLiteral("2026-01-16"));
    QCOMPARE(o.value(QStringLiteral("cleanupPeriodDays")).toInt(), 365);
    const auto cluster = o.value(QStringLiteral("cluster")).toObject();
    QVERIFY(cluster.value(QStringLiteral("assumed")).toBool());
    QVERIFY(cluster.value(QStringLiteral("version")).isNull());
    QCOMPARE(cluster.value(QStringLiteral("atLeast")).toString(), QStringLiteral("v1.28"));
    const auto counts = o.value(QStringLiteral("counts")).toObject();
    const auto byState = counts.value(QStringLiteral("byState")).toObject();
    QCOMPARE(byState.value(QStringLiteral("active")).toInt(), 3);
    QCOMPARE(byState.value(QStringLiteral("stale")).toInt(), 1);
    QCOMPARE(byState.value(QStringLiteral("never-used")).toInt(), 2);
    QCOMPARE(byState.value(QStringLiteral("invalidated")).toInt(), 3);
    QCOMPARE(byState.value(QStringLiteral("orphaned")).toInt(), 1);
    QCOMPARE(byState.value(QStringLiteral("projected")).toInt(), 38);
    QCOMPARE(counts.value(QStringLiteral("mountedLegacy")).toInt(), 1);
    QCOMPARE(counts.value(QStringLiteral("byNamespace")).toObject().value(QStringLiteral("legacy-apps")).toObject()
                 .value(QStringLiteral("invalidated")).toInt(),
             2);
    const auto tokens = o.value(QStringLiteral("tokens")).toArray();
    QCOMPARE(tokens.size(), 48);
    QJsonObject t5;
    for (const auto& t : tokens)
        if (t.toObject().value(QStringLiteral("name")).toString() == QLatin1String("deployer-token-5hdlm"))
            t5 = t.toObject();
    QCOMPARE(t5.value(QStringLiteral("kind")).toString(), QStringLiteral("auto"));
    QCOMPARE(t5.value(QStringLiteral("state")).toString(), QStringLiteral("never-used"));
    const auto cleaner = t5.value(QStringLiteral("cleaner")).toObject();
    QCOMPARE(cleaner.value(QStringLiteral("invalidSince")).toString(), QStringLiteral("2027-02-20"));
    QCOMPARE(cleaner.value(QStringLiteral("deletion")).toString(), QStringLiteral("2028-02-21"));
    QVERIFY(t5.value(QStringLiteral("fingerprint")).toString().startsWith(QStringLiteral("sha256:")));
    QVERIFY(t5.value(QStringLiteral("grants")).toObject().value(QStringLiteral("capabilities")).toArray()
                .contains(QStringLiteral("create pods in kube-system")));
}

void TestCliTokens::inventoryTable()
{
    const auto r = rbx({QStringLiteral("tokens"), QStringLiteral("--snapshot"), kDemo});
    QCOMPARE(r.code, 0);
    const auto text = QString::fromUtf8(r.out);
    QVERIFY(text.startsWith(QStringLiteral("NAMESPACE")));
    QVERIFY(text.contains(QStringLiteral("jenkins-token-4kq9z")));
    QVERIFY(text.contains(QStringLiteral("active,mounted")));
    QVERIFY(text.contains(QStringLiteral("invalid 2027-02-20, delete 2028-02-21")));
    QVERIFY(text.contains(QStringLiteral("critical (cluster-admin)")));
    QVERIFY(text.contains(QStringLiteral("Today: 2026-11-29")));
    QVERIFY(text.contains(QStringLiteral("Tracking since: 2025-01-15")));
    QVERIFY(text.contains(QStringLiteral("assuming a current release")));
}

void TestCliTokens::inventoryCsv()
{
    const auto r = rbx({QStringLiteral("tokens"), QStringLiteral("--snapshot"), kDemo, QStringLiteral("-o"),
                        QStringLiteral("csv"), QStringLiteral("--state"), QStringLiteral("legacy")});
    QCOMPARE(r.code, 0);
    const auto lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 11);
    QVERIFY(lines[0].startsWith(QStringLiteral("kind,namespace,serviceAccount,name,state,mounted,created,lastUsed")));
    for (const char* s : {"jenkins-token-4kq9z", "old-ci-token"})
        QVERIFY(!demoToken(s).isEmpty() && !r.out.contains(demoToken(s).left(50).toUtf8()));
}

void TestCliTokens::filters_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("count");
    QTest::addRow("namespace") << QStringList {QStringLiteral("-n"), QStringLiteral("legacy-apps"), QStringLiteral("--state"),
                                               QStringLiteral("legacy")}
                               << 4;
    QTest::addRow("invalidated") << QStringList {QStringLiteral("--state"), QStringLiteral("invalidated")} << 3;
    QTest::addRow("legacy-apps invalidated") << QStringList {QStringLiteral("-n"), QStringLiteral("legacy-apps"),
                                                             QStringLiteral("--state"), QStringLiteral("invalidated")}
                                             << 2;
    QTest::addRow("mounted") << QStringList {QStringLiteral("--state"), QStringLiteral("mounted")} << 1;
    QTest::addRow("orphaned") << QStringList {QStringLiteral("--state"), QStringLiteral("orphaned")} << 1;
    QTest::addRow("projected") << QStringList {QStringLiteral("--state"), QStringLiteral("projected")} << 38;
}

void TestCliTokens::filters()
{
    QFETCH(QStringList, args);
    QFETCH(int, count);
    const auto r = rbx(QStringList {QStringLiteral("tokens"), QStringLiteral("--snapshot"), kDemo, QStringLiteral("-o"),
                                    QStringLiteral("json")}
                       + args);
    QCOMPARE(r.code, 0);
    const auto o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("tokens")).toArray().size(), count);
    QCOMPARE(o.value(QStringLiteral("counts")).toObject().value(QStringLiteral("total")).toInt(), count);
}

void TestCliTokens::options_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    // 1.27 does not clean up: T5 is never cleaned.
    QTest::addRow("k8s 1.27") << QStringList {QStringLiteral("--k8s-version"), QStringLiteral("1.27")}
                              << QStringLiteral("deployer-token-5hdlm") << QStringLiteral("skipReason")
                              << QStringLiteral("the cluster's version does not run the legacy-token cleaner");
    // A 30-day period: T5 (created 2026-02-20, never used) is due since 2026-03-22 and marked at the next run.
    QTest::addRow("30-day period") << QStringList {QStringLiteral("--cleanup-period"), QStringLiteral("720h")}
                                   << QStringLiteral("deployer-token-5hdlm") << QStringLiteral("invalidSince")
                                   << QStringLiteral("2026-11-29");
    // Judged on 2026-06-01: T2 carries invalid-since 2026-01-16, so its deletion is still due 2027-01-17.
    QTest::addRow("now") << QStringList {QStringLiteral("--now"), QStringLiteral("2026-06-01")}
                         << QStringLiteral("default-token-8xw2m") << QStringLiteral("deletion")
                         << QStringLiteral("2027-01-17");
}

void TestCliTokens::options()
{
    QFETCH(QStringList, args);
    QFETCH(QString, secret);
    QFETCH(QString, field);
    QFETCH(QString, value);
    const auto r = rbx(QStringList {QStringLiteral("tokens"), QStringLiteral("--snapshot"), kDemo, QStringLiteral("-o"),
                                    QStringLiteral("json")}
                       + args);
    QCOMPARE(r.code, 0);
    for (const auto& t : QJsonDocument::fromJson(r.out).object().value(QStringLiteral("tokens")).toArray())
        if (t.toObject().value(QStringLiteral("name")).toString() == secret) {
            QCOMPARE(t.toObject().value(QStringLiteral("cleaner")).toObject().value(field).toString(), value);
            return;
        }
    QFAIL("token not found");
}

void TestCliTokens::inspectDemoToken()
{
    const auto token = demoToken("jenkins-token-4kq9z");
    const auto file = m_dir.filePath(QStringLiteral("t1.jwt"));
    QVERIFY(rbx::test::writeFile(file, token.toUtf8() + '\n'));
    auto r = rbx({QStringLiteral("token"), QStringLiteral("inspect"), file, QStringLiteral("--snapshot"), kDemo});
    QCOMPARE(r.code, 0);
    const auto text = QString::fromUtf8(r.out);
    QVERIFY(text.contains(QStringLiteral("legacy ServiceAccount token")));
    QVERIFY(text.contains(QStringLiteral("the Secret's data.token is this very token")));
    QVERIFY(text.contains(QStringLiteral("cluster-admin equivalent")));
    QVERIFY(!r.out.contains(token.left(40).toUtf8()) && !r.err.contains(token.left(40).toUtf8()));
    // From stdin, as JSON.
    r = rbx({QStringLiteral("token"), QStringLiteral("inspect"), QStringLiteral("-"), QStringLiteral("--snapshot"), kDemo,
             QStringLiteral("-o"), QStringLiteral("json")},
            token.toUtf8());
    QCOMPARE(r.code, 0);
    const auto o = QJsonDocument::fromJson(r.out).object();
    QVERIFY(o.value(QStringLiteral("legacy")).toBool());
    const auto snap = o.value(QStringLiteral("snapshot")).toObject();
    QCOMPARE(snap.value(QStringLiteral("secretByFingerprint")).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("jenkins-token-4kq9z"));
    QVERIFY(snap.value(QStringLiteral("grants")).toObject().value(QStringLiteral("clusterAdmin")).toBool());
    QVERIFY(!r.out.contains(token.section(u'.', 2).toUtf8()));
    // Not a JWT: exit 2.
    QCOMPARE(rbx({QStringLiteral("token"), QStringLiteral("inspect"), QStringLiteral("-")}, "hello").code, 2);
}

void TestCliTokens::inspectVerifies()
{
    const auto claims = rbx::test::boundClaims(kNow - 60, 3600, QStringLiteral("team-a"), QStringLiteral("ci-runner"),
                                               QStringLiteral("u"), QStringLiteral("p"), QStringLiteral("pu"), kIssuer,
                                               {QStringLiteral("api")});
    const auto good = QByteArray::fromStdString(rbx::test::signJwt(m_key.get(), "ES256", claims, "k1"));
    auto r = rbx({QStringLiteral("token"), QStringLiteral("inspect"), QStringLiteral("-"), QStringLiteral("--jwks"), m_jwks,
                  QStringLiteral("--now"), kNowText, QStringLiteral("--audience"), QStringLiteral("api")},
                 good);
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("Verification: valid"));
    QVERIFY(!r.out.contains(good.left(40)));
    r = rbx({QStringLiteral("token"), QStringLiteral("inspect"), QStringLiteral("-"), QStringLiteral("--jwks"), m_jwks,
             QStringLiteral("--now"), QStringLiteral("2027-01-01")},
            good);
    QCOMPARE(r.code, 1);
    QVERIFY(r.out.contains("Verification: expired"));
}

void TestCliTokens::review_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("error");
    QTest::addRow("valid") << QString() << QStringList() << 0 << QString();
    QTest::addRow("valid for a requested audience")
        << QString() << QStringList {QStringLiteral("--audience"), QStringLiteral("api")} << 0 << QString();
    QTest::addRow("wrong audience") << QString() << QStringList {QStringLiteral("--audience"), QStringLiteral("vault")} << 1
                                    << QStringLiteral("is invalid for the target audiences [\"vault\"]");
    QTest::addRow("expired") << QStringLiteral("expired") << QStringList() << 1
                             << QStringLiteral("service account token has expired");
    QTest::addRow("wrong kid") << QStringLiteral("kid") << QStringList() << 1 << QStringLiteral("no key has kid");
    QTest::addRow("tampered") << QStringLiteral("tampered") << QStringList() << 1
                              << QStringLiteral("error in cryptographic primitive");
    QTest::addRow("ServiceAccount not in the snapshot") << QString() << QStringList {QStringLiteral("--snapshot"), kDemo} << 1
                                               << QStringLiteral("serviceaccounts \"builder\" not found");
}

void TestCliTokens::review()
{
    QFETCH(QString, change);
    QFETCH(QStringList, extra);
    QFETCH(int, code);
    QFETCH(QString, error);
    auto claims = rbx::test::boundClaims(kNow - 60, 3600, QStringLiteral("payments"), QStringLiteral("builder"),
                                         QStringLiteral("u"), QStringLiteral("p"), QStringLiteral("pu"), kIssuer,
                                         {kIssuer, QStringLiteral("api")});
    if (change == QLatin1String("expired"))
        claims.insert(QStringLiteral("exp"), kNow - 3600);
    auto token = rbx::test::signJwt(m_key.get(), "ES256", claims, change == QLatin1String("kid") ? "k2" : "k1");
    if (change == QLatin1String("tampered")) {
        auto& c = token[token.rfind('.') + 10]; // a byte of r: the signature no longer verifies
        c = c == 'A' ? 'B' : 'A';
    }
    const auto r = rbx(QStringList {QStringLiteral("token"), QStringLiteral("review"), QStringLiteral("--jwks"), m_jwks,
                                    QStringLiteral("--issuer"), kIssuer, QStringLiteral("--now"), kNowText}
                           + extra,
                       QByteArray::fromStdString(token));
    QCOMPARE(r.code, code);
    const auto o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("kind")).toString(), QStringLiteral("TokenReview"));
    const auto status = o.value(QStringLiteral("status")).toObject();
    QCOMPARE(status.value(QStringLiteral("authenticated")).toBool(), code == 0);
    if (code == 0)
        QCOMPARE(status.value(QStringLiteral("user")).toObject().value(QStringLiteral("username")).toString(),
                 QStringLiteral("system:serviceaccount:payments:builder"));
    else
        QVERIFY2(status.value(QStringLiteral("error")).toString().contains(error),
                 qPrintable(status.value(QStringLiteral("error")).toString()));
    const auto raw = QByteArray::fromStdString(token);
    QVERIFY(!r.out.contains(raw.left(40)) && !r.err.contains(raw.left(40)));
    QVERIFY(!r.out.contains(raw.mid(raw.lastIndexOf('.') + 1)));
}

void TestCliTokens::reviewFromTokenReviewJson()
{
    const auto claims = rbx::test::boundClaims(kNow - 60, 3600, QStringLiteral("payments"), QStringLiteral("builder"),
                                               QStringLiteral("u"), QStringLiteral("p"), QStringLiteral("pu"), kIssuer,
                                               {QStringLiteral("vault")});
    const auto token = QString::fromStdString(rbx::test::signJwt(m_key.get(), "ES256", claims, "k1"));
    const QJsonObject request {{QStringLiteral("apiVersion"), QStringLiteral("authentication.k8s.io/v1")},
                               {QStringLiteral("kind"), QStringLiteral("TokenReview")},
                               {QStringLiteral("spec"), QJsonObject {{QStringLiteral("token"), token},
                                                                     {QStringLiteral("audiences"),
                                                                      QJsonArray {QStringLiteral("vault")}}}}};
    const auto r = rbx({QStringLiteral("token"), QStringLiteral("review"), QStringLiteral("--jwks"), m_jwks,
                        QStringLiteral("--issuer"), kIssuer, QStringLiteral("--now"), kNowText},
                       QJsonDocument(request).toJson());
    QCOMPARE(r.code, 0);
    const auto o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("spec")).toObject().value(QStringLiteral("audiences")).toArray(),
             QJsonArray {QStringLiteral("vault")});
    QVERIFY(!o.value(QStringLiteral("spec")).toObject().contains(QStringLiteral("token")));
    QCOMPARE(o.value(QStringLiteral("status")).toObject().value(QStringLiteral("audiences")).toArray(),
             QJsonArray {QStringLiteral("vault")});
    QVERIFY(!r.out.contains(token.left(40).toUtf8()));
}

void TestCliTokens::usage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addRow("bad state") << QStringList {QStringLiteral("tokens"), QStringLiteral("--snapshot"), kDemo,
                                               QStringLiteral("--state"), QStringLiteral("dormant")};
    QTest::addRow("bad format") << QStringList {QStringLiteral("tokens"), QStringLiteral("--snapshot"), kDemo,
                                                QStringLiteral("-o"), QStringLiteral("xml")};
    QTest::addRow("bad version") << QStringList {QStringLiteral("tokens"), QStringLiteral("--snapshot"), kDemo,
                                                 QStringLiteral("--k8s-version"), QStringLiteral("latest")};
    QTest::addRow("bad period") << QStringList {QStringLiteral("tokens"), QStringLiteral("--snapshot"), kDemo,
                                                QStringLiteral("--cleanup-period"), QStringLiteral("1y")};
    QTest::addRow("bad now") << QStringList {QStringLiteral("tokens"), QStringLiteral("--snapshot"), kDemo,
                                             QStringLiteral("--now"), QStringLiteral("tomorrow")};
    QTest::addRow("no snapshot") << QStringList {QStringLiteral("tokens")};
    QTest::addRow("token without subcommand") << QStringList {QStringLiteral("token")};
    QTest::addRow("unknown subcommand") << QStringList {QStringLiteral("token"), QStringLiteral("forge")};
    QTest::addRow("inspect without file") << QStringList {QStringLiteral("token"), QStringLiteral("inspect")};
    QTest::addRow("review without keys") << QStringList {QStringLiteral("token"), QStringLiteral("review")};
}

void TestCliTokens::usage()
{
    QFETCH(QStringList, args);
    const auto r = rbx(args);
    QCOMPARE(r.code, 2);
    QVERIFY(!r.err.isEmpty());
}

void TestCliTokens::hygiene_data()
{
    QTest::addColumn<QStringList>("args");
    for (const char* fmt : {"table", "json", "csv"})
        QTest::addRow("tokens %s", fmt) << QStringList {QStringLiteral("tokens"), QStringLiteral("-o"), QString::fromLatin1(fmt)};
}

void TestCliTokens::hygiene()
{
    // The planted values of tests/data/hygiene never appear in what rbx tokens prints.
    QFETCH(QStringList, args);
    QFile f(rbx::test::dataDir() + QStringLiteral("/hygiene/planted.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto planted = QJsonDocument::fromJson(f.readAll()).object();
    const auto r = rbx(args + QStringList {QStringLiteral("--snapshot"),
                                           rbx::test::dataDir() + QStringLiteral("/hygiene/snapshot.yaml")});
    QCOMPARE(r.code, 0);
    QVERIFY(!r.out.isEmpty());
    for (auto it = planted.begin(); it != planted.end(); ++it)
        QVERIFY2(!QByteArray(r.out + r.err).contains(it.value().toString().toUtf8()), qPrintable(it.key()));
}

QTEST_GUILESS_MAIN(TestCliTokens)
#include "tst_cli_tokens.moc"
