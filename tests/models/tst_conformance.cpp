// SPDX-License-Identifier: Apache-2.0
// Every case of the conformance suite: the decision the Kubernetes API server's RBAC authorizer gives.
#include "models/analysis/policy.h"
#include "models/io/accessreview.h"
#include "models/io/snapshotloader.h"
#include "testutils.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <map>

using namespace rbx;

class TestConformance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cases_data();
    void cases();
    void allCasesPresent();

private:
    std::map<QString, std::shared_ptr<const Policy>> m_policies;
};

namespace {
QString snapshotOf(const QString& folder)
{
    for (const auto& name : {QStringLiteral("snapshot.yaml"), QStringLiteral("snapshot.json"), QStringLiteral("snapshot")})
        if (QFileInfo::exists(folder + u'/' + name))
            return folder + u'/' + name;
    return {};
}
} // namespace

void TestConformance::cases_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QByteArray>("review");
    QTest::addColumn<bool>("expected");
    QDir root(test::dataDir() + QStringLiteral("/conformance"));
    const auto folders = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const auto& f : folders) {
        QFile reviews(root.filePath(f) + QStringLiteral("/reviews.jsonl"));
        QVERIFY(reviews.open(QIODevice::ReadOnly));
        while (!reviews.atEnd()) {
            const auto line = reviews.readLine().trimmed();
            if (line.isEmpty())
                continue;
            const auto obj = QJsonDocument::fromJson(line).object();
            const QString id = obj.value(QStringLiteral("id")).toString() + u' '
                + obj.value(QStringLiteral("desc")).toString();
            QTest::newRow(qPrintable(id))
                << root.filePath(f)
                << QJsonDocument(obj.value(QStringLiteral("review")).toObject()).toJson(QJsonDocument::Compact)
                << obj.value(QStringLiteral("expected")).toBool();
        }
    }
}

void TestConformance::cases()
{
    QFETCH(QString, folder);
    QFETCH(QByteArray, review);
    QFETCH(bool, expected);
    auto& policy = m_policies[folder];
    if (!policy) {
        auto snapshot = io::loadSnapshot({snapshotOf(folder).toStdString()});
        QCOMPARE(snapshot->report.errorCount(), std::size_t(0));
        policy = std::make_shared<Policy>(snapshot);
    }
    const auto parsed = io::parseSubjectAccessReview(review.toStdString());
    QVERIFY2(parsed.request.has_value(), parsed.error.c_str());
    const auto decision = policy->authorize(*parsed.request);
    QCOMPARE(decision.allowed, expected);
    // An allow always names its provenance; a deny never claims a grant.
    QCOMPARE(decision.grant.has_value(), expected);
    if (expected)
        QVERIFY(QString::fromStdString(decision.reason).startsWith(QStringLiteral("RBAC: allowed by ")));
}

void TestConformance::allCasesPresent()
{
    int count = 0;
    QDir root(test::dataDir() + QStringLiteral("/conformance"));
    for (const auto& f : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile reviews(root.filePath(f) + QStringLiteral("/reviews.jsonl"));
        QVERIFY(reviews.open(QIODevice::ReadOnly));
        while (!reviews.atEnd())
            if (!reviews.readLine().trimmed().isEmpty())
                ++count;
    }
    QCOMPARE(count, 268);
}

QTEST_GUILESS_MAIN(TestConformance)
#include "tst_conformance.moc"
