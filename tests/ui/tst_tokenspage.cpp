// SPDX-License-Identifier: Apache-2.0
// The Tokens page and the JWT inspector, offscreen: the demo's inventory in the table and the charts, filters that
// drive both, zoom and pan, a click that opens the token's ServiceAccount, PNG/SVG/CSV export without token values,
// the inspector (mapping, verification, the token wiped on close, nothing in settings), and screenshots at 1366x768.
#include "jwttestutils.h"
#include "models/item/backgroundpool.h"
#include "models/item/tokenmodels.h"
#include "testutils.h"
#include "ui/charts/tokensummarycharts.h"
#include "ui/charts/tokentimelinechart.h"
#include "ui/jwtinspector.h"
#include "ui/mainwindow.h"
#include "ui/tokenspage.h"

#include <QAbstractItemModelTester>
#include <QAbstractScrollArea>
#include <QDir>
#include <QImage>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

using namespace rbx;

namespace {

QString demoToken(const char* secret)
{
    QFile f(QStringLiteral(RBX_SOURCE_DIR "/resources/demo/40-tokens.yaml"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QRegularExpression re(QStringLiteral("name: ") + QString::fromLatin1(secret)
                                + QStringLiteral("\\n(?:.|\\n)*?\\n  token: (\\S+)"));
    const auto m = re.match(QString::fromUtf8(f.readAll()));
    return m.hasMatch() ? QString::fromUtf8(QByteArray::fromBase64(m.captured(1).toLatin1())) : QString();
}

} // namespace

class TestTokensPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void showsInventory();
    void manyTokensAreCapped();
    void destroyedWhileComputing();
    void filtersDriveCharts();
    void zoomAndPan();
    void opensServiceAccount();
    void exports();
    void inspector();
    void mainWindowIntegration();
    void cleanupTestCase();

private:
    void shoot(QWidget* w, const QString& name);
    QString m_dir;
    std::shared_ptr<const Policy> m_policy;
    std::unique_ptr<TokensPage> m_page;
};

void TestTokensPage::manyTokensAreCapped()
{
    // 260 legacy tokens: the chart draws the first kMaxLanes and says so; the table keeps all of them.
    std::string yaml = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: bot, namespace: ci}\n";
    for (int i = 0; i < 260; ++i)
        yaml += "---\napiVersion: v1\nkind: Secret\ntype: kubernetes.io/service-account-token\nmetadata:\n  name: bot-token-"
            + std::to_string(i) + "\n  namespace: ci\n  creationTimestamp: \"2024-01-01T00:00:00Z\"\n  annotations:\n"
            + "    kubernetes.io/service-account.name: bot\n";
    TokensPage page;
    page.resize(1000, 760);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.setPolicy(std::make_shared<Policy>(test::yaml(yaml)));
    // No event has run since: the inventory is still being computed, and the page says so.
    QVERIFY(page.isComputing());
    QVERIFY2(page.contextText().contains(QStringLiteral("Computing the token inventory")), qPrintable(page.contextText()));
    QCOMPARE(page.view()->model()->rowCount(), 0);
    QVERIFY(page.grab().save(m_dir + QStringLiteral("/tokens-computing.png")));
    QTRY_VERIFY_WITH_TIMEOUT(!page.isComputing(), 20000);
    QCOMPARE(page.timelineModel()->tokenCount(), 260);
    QCOMPARE(page.timelineChart()->laneCount(), TokenTimelineChart::kMaxLanes);
    QVERIFY2(page.timelineChart()->axisTitle().contains(
                 QStringLiteral("the first %1 of 260 tokens").arg(TokenTimelineChart::kMaxLanes)),
             qPrintable(page.timelineChart()->axisTitle()));
    QCOMPARE(page.view()->model()->rowCount(), 260);
    shoot(&page, QStringLiteral("tokens-capped-lanes"));
}

void TestTokensPage::destroyedWhileComputing()
{
    QPointer<TokensPage> page = new TokensPage;
    page->show();
    page->setPolicy(std::make_shared<Policy>(io::loadSnapshot({std::string(RBX_SOURCE_DIR) + "/resources/demo"})));
    QVERIFY(page->isComputing());
    QSignalSpy computing(page.data(), &TokensPage::computingChanged);
    delete page.data();
    backgroundPool()->waitForDone(); // the worker ends with the page gone (ASan: no use after free)
    QCoreApplication::processEvents();
    QCOMPARE(computing.count(), 0);
}

void TestTokensPage::initTestCase()
{
    QCoreApplication::setOrganizationName(QStringLiteral("rbac-explorer-tests-tokens"));
    QSettings().clear();
    m_dir = qEnvironmentVariable("SCREENSHOT_DIR");
    if (m_dir.isEmpty())
        m_dir = QStringLiteral(RBX_BINARY_DIR "/screenshots");
    QDir().mkpath(m_dir);
    m_policy = std::make_shared<Policy>(io::loadSnapshot({std::string(RBX_SOURCE_DIR) + "/resources/demo"}));
    m_page = std::make_unique<TokensPage>();
    const auto mode = QAbstractItemModelTester::FailureReportingMode::QtTest;
    new QAbstractItemModelTester(m_page->model(), mode, m_page.get());
    new QAbstractItemModelTester(m_page->proxy(), mode, m_page.get());
    new QAbstractItemModelTester(m_page->timelineModel(), mode, m_page.get());
    new QAbstractItemModelTester(m_page->activityModel(), mode, m_page.get());
    new QAbstractItemModelTester(m_page->ttlModel(), mode, m_page.get());
    m_page->resize(1000, 760);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    m_page->setPolicy(m_policy);
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isComputing(), 20000);
}

void TestTokensPage::shoot(QWidget* w, const QString& name)
{
    QCoreApplication::processEvents();
    QVERIFY(w->grab().save(m_dir + u'/' + name + QStringLiteral(".png")));
}

void TestTokensPage::showsInventory()
{
    QCOMPARE(m_page->model()->rowCount(), 48);
    QCOMPARE(m_page->view()->model()->rowCount(), 10); // legacy tokens only, by default
    QCOMPARE(m_page->proxy()->filter().state, std::string("legacy"));
    QCOMPARE(m_page->timelineModel()->tokenCount(), 10);
    auto* chart = m_page->timelineChart();
    QCOMPARE(chart->laneCount(), 10);
    // Three series per lane, two per milestone, four marker series.
    QCOMPARE(chart->seriesCount(), 10 * 3 + 3 * 2 + 4);
    QCOMPARE(m_page->ttlChart()->total(), 38);
    QCOMPARE(m_page->activityChart()->categoryCount(), 24);
    const auto context = m_page->contextText();
    QVERIFY(context.contains(QStringLiteral("2026-11-29")));
    QVERIFY(context.contains(QStringLiteral("assuming a current release")));
    QVERIFY(context.contains(QStringLiteral("10 legacy tokens")));
    QVERIFY(context.contains(QStringLiteral("38 projected tokens")));
    // The lane tooltip says what happens next.
    bool found = false;
    for (int lane = 0; lane < chart->laneCount(); ++lane)
        found = found || chart->laneToolTip(lane).contains(QStringLiteral("Marked invalid on 2027-02-20"));
    QVERIFY(found);
    shoot(m_page.get(), QStringLiteral("tokens-page"));
}

void TestTokensPage::filtersDriveCharts()
{
    m_page->setNamespaceFilter(QStringLiteral("legacy-apps"));
    QCOMPARE(m_page->timelineChart()->laneCount(), 4);
    QCOMPARE(m_page->ttlChart()->total(), 2); // the pods of config-sync and inventory
    m_page->setStateFilter(QStringLiteral("invalidated"));
    QCOMPARE(m_page->view()->model()->rowCount(), 2);
    QCOMPARE(m_page->timelineChart()->laneCount(), 2);
    m_page->setNamespaceFilter({});
    m_page->setStateFilter({});
    m_page->setMountedFilter(1);
    QCOMPARE(m_page->timelineChart()->laneCount(), 1);
    m_page->setMountedFilter(2);
    QCOMPARE(m_page->timelineChart()->laneCount(), 9);
    m_page->setMountedFilter(0);
    m_page->setRiskFilter(static_cast<int>(RiskLevel::Critical));
    QCOMPARE(m_page->timelineChart()->laneCount(), 2);
    m_page->setRiskFilter(0);
    // Sorting by risk puts a cluster-admin token in the top lane.
    m_page->setSortKey(TokensPage::SortByRisk);
    const auto top = m_page->timelineModel()->index(0, 0).data(TokenTimelineModel::LabelRole).toString();
    QVERIFY2(top.endsWith(QLatin1String("jenkins-token-4kq9z")) || top.endsWith(QLatin1String("ci-runner-token")),
             qPrintable(top));
    m_page->setSortKey(TokensPage::SortByNamespace);
    QCOMPARE(m_page->timelineModel()->index(0, 0).data(TokenTimelineModel::LabelRole).toString(),
             QStringLiteral("kube-system/namespace-provisioner-token"));
    QCOMPARE(m_page->timelineChart()->laneCount(), 10);
}

void TestTokensPage::zoomAndPan()
{
    auto* chart = m_page->timelineChart();
    const auto [a0, b0] = chart->visibleRange();
    QCOMPARE(a0, m_page->timelineModel()->rangeStart());
    QCOMPARE(b0, m_page->timelineModel()->rangeEnd());
    chart->zoomIn();
    const auto [a1, b1] = chart->visibleRange();
    QVERIFY(b1 - a1 < (b0 - a0) * 0.7);
    chart->pan(0.5);
    const auto [a2, b2] = chart->visibleRange();
    QVERIFY(a2 > a1);
    QVERIFY(qAbs((b2 - a2) - (b1 - a1)) < 2);
    // The wheel zooms too.
    auto* view = qobject_cast<QAbstractScrollArea*>(chart->chartView());
    QVERIFY(view);
    const QPoint centre = view->viewport()->rect().center();
    QWheelEvent wheel(centre, view->viewport()->mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(view->viewport(), &wheel);
    const auto [a3, b3] = chart->visibleRange();
    QVERIFY(b3 - a3 < b2 - a2);
    chart->resetZoom();
    QCOMPARE(chart->visibleRange().first, a0);
    QCOMPARE(chart->visibleRange().second, b0);
}

void TestTokensPage::opensServiceAccount()
{
    QSignalSpy spy(m_page.get(), &TokensPage::subjectActivated);
    auto* timeline = m_page->timelineModel();
    int lane = -1;
    for (int i = 0; i < timeline->tokenCount(); ++i)
        if (timeline->index(timeline->rowOfToken(i), 0).data(TokenTimelineModel::LabelRole).toString()
            == QLatin1String("legacy-apps/jenkins-token-4kq9z"))
            lane = i;
    QVERIFY(lane >= 0);
    m_page->timelineChart()->activateLane(lane);
    QCOMPARE(spy.count(), 1);
    const auto ref = spy.first().first().value<SubjectRef>();
    QCOMPARE(ref.ns, std::string("legacy-apps"));
    QCOMPARE(ref.name, std::string("jenkins"));
    // Double-clicking a row of the table does the same.
    auto* view = m_page->view();
    const auto index = view->model()->index(0, TokenInventoryModel::NameColumn);
    Q_EMIT view->doubleClicked(index);
    QCOMPARE(spy.count(), 2);
}

void TestTokensPage::exports()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    m_page->showChart(TokensPage::TimelineChart);
    const auto png = dir.filePath(QStringLiteral("timeline.png"));
    const auto svg = dir.filePath(QStringLiteral("timeline.svg"));
    const auto csv = dir.filePath(QStringLiteral("tokens.csv"));
    QVERIFY(m_page->exportChart(png));
    QVERIFY(m_page->exportChart(svg));
    QVERIFY(m_page->exportChart(m_dir + QStringLiteral("/tokens-timeline.svg"))); // kept with the screenshots
    QVERIFY(m_page->exportCsv(csv));
    QImage image(png);
    QVERIFY(!image.isNull() && image.width() > 300);
    QFile s(svg);
    QVERIFY(s.open(QIODevice::ReadOnly));
    const auto svgText = s.readAll();
    QVERIFY(svgText.contains("<svg"));
    QVERIFY(svgText.contains("jenkins-token-4kq9z"));
    m_page->showChart(TokensPage::TtlChart);
    QVERIFY(m_page->exportChart(dir.filePath(QStringLiteral("ttl.svg"))));
    QVERIFY(m_page->exportChart(dir.filePath(QStringLiteral("ttl.png"))));
    m_page->showChart(TokensPage::TimelineChart);
    QFile c(csv);
    QVERIFY(c.open(QIODevice::ReadOnly));
    const auto csvText = c.readAll();
    QCOMPARE(csvText.count('\n'), 49);
    for (const char* secret : {"jenkins-token-4kq9z", "ci-runner-token", "old-ci-token"}) {
        const auto token = demoToken(secret).toUtf8();
        QVERIFY(!token.isEmpty());
        for (const auto& data : {svgText, csvText}) {
            QVERIFY(!data.contains(token.left(60)));
            QVERIFY(!data.contains(token.mid(token.lastIndexOf('.') + 1, 40)));
        }
    }
}

void TestTokensPage::inspector()
{
    JwtInspector dialog(m_policy);
    dialog.resize(900, 680);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QVERIFY(dialog.verdictText().contains(QStringLiteral("Paste")));
    const auto token = demoToken("jenkins-token-4kq9z");
    dialog.setToken(token);
    QVERIFY(dialog.inspection());
    QVERIFY(dialog.inspection()->secretByFingerprint);
    QVERIFY(dialog.resultText().contains(QStringLiteral("cluster-admin equivalent")));
    QVERIFY(dialog.verdictText().contains(QStringLiteral("not verified")));
    QVERIFY(!dialog.resultText().contains(token.left(30)));
    shoot(&dialog, QStringLiteral("jwt-inspector"));

    // Keys: a JWKS of an OpenSSL-generated key; a token it signed verifies, a tampered one does not.
    QTemporaryDir dir;
    auto key = test::rsaKey();
    const auto jwks = dir.filePath(QStringLiteral("jwks.json"));
    QVERIFY(test::writeFile(jwks, test::jwks({test::jwkOf(key.get(), "k1")})));
    QVERIFY(dialog.addKeyFile(jwks));
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto claims = test::boundClaims(now - 60, 3607, QStringLiteral("team-a"), QStringLiteral("ci-runner"),
                                          QStringLiteral("uid"), QStringLiteral("gone"), QStringLiteral("p"),
                                          QStringLiteral("https://kubernetes.default.svc"),
                                          {QStringLiteral("https://kubernetes.default.svc")});
    auto bound = QString::fromStdString(test::signJwt(key.get(), "RS256", claims, "k1"));
    dialog.setToken(bound);
    QVERIFY2(dialog.verdictText().startsWith(QStringLiteral("Valid")), qPrintable(dialog.verdictText()));
    QVERIFY(dialog.resultText().contains(QStringLiteral("bound ServiceAccount token (pod)")));
    shoot(&dialog, QStringLiteral("jwt-inspector-verified"));
    dialog.setToken(bound.left(bound.size() - 8) + QStringLiteral("AAAAAAAA"));
    QVERIFY2(dialog.verdictText().startsWith(QStringLiteral("BAD-SIGNATURE")), qPrintable(dialog.verdictText()));
    dialog.setAudience(QStringLiteral("vault"));
    dialog.setToken(bound);
    QVERIFY2(dialog.verdictText().startsWith(QStringLiteral("WRONG-AUDIENCE")), qPrintable(dialog.verdictText()));

    // Closing wipes the token; nothing of it is in the settings.
    dialog.close();
    QVERIFY(!dialog.inspection());
    QVERIFY(dialog.resultText().isEmpty());
    QSettings settings;
    for (const auto& k : settings.allKeys())
        QVERIFY(!settings.value(k).toString().contains(bound.left(30)));
}

void TestTokensPage::mainWindowIntegration()
{
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy loaded(&window, &MainWindow::snapshotLoaded);
    auto* page = window.tokensPage();
    QVERIFY(page);
    window.showPage(MainWindow::TokensTab);
    // When the window has the policy, the inventory is still being computed: the window is usable and says so.
    bool computingWhenLoaded = false;
    QImage whileComputing;
    connect(&window, &MainWindow::snapshotLoaded, this, [&] {
        computingWhenLoaded = page->isComputing();
        whileComputing = window.grab().toImage();
    });
    window.openSnapshots({QStringLiteral(RBX_SOURCE_DIR "/resources/demo")});
    QVERIFY(loaded.wait(30000));
    QVERIFY(computingWhenLoaded);
    QVERIFY(whileComputing.save(m_dir + QStringLiteral("/tokens-computing-1366x768.png")));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isComputing(), 20000);
    QCOMPARE(page->model()->rowCount(), 48);
    window.showPage(MainWindow::TokensTab);
    QCOMPARE(page->isVisible(), true);
    // "Open SA" goes through MainWindow::selectSubject.
    Q_EMIT page->subjectActivated({SubjectKind::ServiceAccount, "legacy-apps", "jenkins"});
    QVERIFY(window.detailsText().contains(QStringLiteral("name: jenkins")));
    window.showPage(MainWindow::TokensTab);
    shoot(&window, QStringLiteral("tokens-1366x768"));
    page->showChart(TokensPage::ActivityChart);
    shoot(&window, QStringLiteral("tokens-per-month-1366x768"));
    page->showChart(TokensPage::TtlChart);
    shoot(&window, QStringLiteral("tokens-lifetimes-1366x768"));
    page->showChart(TokensPage::TimelineChart);
    // Tools > JWT Inspector...
    QAction* action = nullptr;
    for (auto* menu : window.menuBar()->findChildren<QMenu*>())
        for (auto* a : menu->actions())
            if (a->text().contains(QStringLiteral("JWT Inspector")))
                action = a;
    QVERIFY(action);
    action->trigger();
    QVERIFY(window.jwtInspector());
    QVERIFY(window.jwtInspector()->isVisible());
    window.jwtInspector()->setToken(demoToken("ci-runner-token"));
    QVERIFY(window.jwtInspector()->resultText().contains(QStringLiteral("team-a/ci-runner-token")));
    window.jwtInspector()->close();
    QTRY_VERIFY(!window.jwtInspector()); // deleted on close
    window.close();
}

void TestTokensPage::cleanupTestCase()
{
    m_page.reset();
    QSettings().clear();
}

QTEST_MAIN(TestTokensPage)
#include "tst_tokenspage.moc"
