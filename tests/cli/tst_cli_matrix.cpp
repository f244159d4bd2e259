// SPDX-License-Identifier: Apache-2.0
// rbx matrix end to end on the demo snapshot: table, CSV and JSON (the shape of issue 3 point 7: one object per scope,
// a JSON array with -A), every cell checked against the core's own matrix; and the heat map (--all-sas).
#include "models/analysis/accessmatrix.h"
#include "models/analysis/heatmap.h"
#include "models/analysis/identity.h"
#include "models/io/matrixexport.h"
#include "testutils.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTest>

using namespace rbx;

class TestCliMatrix : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void table();
    void csv();
    void json_data();
    void json();
    void allNamespacesIsAnArray();
    void verbsOption();
    void heatMapFormats();

private:
    struct Result
    {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };
    static Result rbx(const QStringList& args);
    [[nodiscard]] AccessMatrix core(const std::string& sa, const std::string& ns,
                                    const std::vector<std::string>& verbs = defaultMatrixVerbs()) const;
    std::shared_ptr<const Policy> m_policy;
};

namespace {
const QString kDemo = QStringLiteral(RBX_SOURCE_DIR "/resources/demo");
const QString kSnapshot = QStringLiteral("--snapshot=") + kDemo;

} // namespace

TestCliMatrix::Result TestCliMatrix::rbx(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral(RBX_CLI_PATH), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000))
        return {};
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

void TestCliMatrix::initTestCase()
{
    m_policy = std::make_shared<Policy>(io::loadSnapshot({kDemo.toStdString()}));
}

AccessMatrix TestCliMatrix::core(const std::string& sa, const std::string& ns, const std::vector<std::string>& verbs) const
{
    const auto rows = matrixRows(*m_policy, ResourceCatalog(m_policy->snapshot()));
    return accessMatrix(*m_policy, impersonate(*serviceAccountShorthand(sa), {}), ns, verbs, rows);
}

void TestCliMatrix::table()
{
    const auto r = rbx({QStringLiteral("matrix"), QStringLiteral("--sa=payments:payments-operator"), kSnapshot});
    QCOMPARE(r.code, 0);
    const auto lines = QString::fromUtf8(r.out).split(u'\n');
    // Without -n: the ServiceAccount's own namespace.
    QCOMPARE(lines.value(0), QStringLiteral("Namespace payments - system:serviceaccount:payments:payments-operator"));
    const auto header = lines.value(1).split(u' ', Qt::SkipEmptyParts);
    QStringList verbs {QStringLiteral("NAME")};
    for (const auto& v : defaultMatrixVerbs())
        verbs << test::qs(v);
    QCOMPARE(header, verbs);
    // Every row with some access, and only those, with yes / some / - as the core says.
    const auto m = core("payments:payments-operator", "payments");
    QMap<QString, QStringList> printed;
    for (int i = 2; i < lines.size() && !lines[i].isEmpty(); ++i) {
        auto cells = lines[i].split(u' ', Qt::SkipEmptyParts);
        printed.insert(cells.takeFirst(), cells);
    }
    int expected = 0;
    for (std::size_t row = 0; row < m.rows.size(); ++row) {
        const auto& mr = m.rows[row];
        const auto slash = mr.resource.find('/');
        const auto name = test::qs(mr.group.empty() ? mr.resource
                                       : slash == std::string::npos
                                       ? mr.resource + '.' + mr.group
                                       : mr.resource.substr(0, slash) + '.' + mr.group + mr.resource.substr(slash));
        QStringList want;
        bool any = false;
        for (std::size_t v = 0; v < m.verbs.size(); ++v) {
            const auto a = m.cell(row, v).access;
            any = any || a != Access::No;
            want << (a == Access::Yes ? QStringLiteral("yes") : a == Access::Partial ? QStringLiteral("some") : QStringLiteral("-"));
        }
        if (!any) {
            QVERIFY2(!printed.contains(name), qPrintable(name));
            continue;
        }
        ++expected;
        QVERIFY2(printed.contains(name), qPrintable(name));
        QCOMPARE(printed.value(name), want);
    }
    QCOMPARE(printed.size(), expected);
    QVERIFY(printed.value(QStringLiteral("secrets")).startsWith(QStringLiteral("yes")));
    QVERIFY(r.out.contains("yes: allowed for any name; some: only the resourceNames"));
}

void TestCliMatrix::csv()
{
    const auto r = rbx({QStringLiteral("matrix"), QStringLiteral("--sa=payments:deployer"), QStringLiteral("-n"),
                        QStringLiteral("kube-system"), QStringLiteral("-o"), QStringLiteral("csv"), kSnapshot});
    QCOMPARE(r.code, 0);
    auto lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
    QStringList header {QStringLiteral("namespace"), QStringLiteral("group"), QStringLiteral("resource")};
    for (const auto& v : defaultMatrixVerbs())
        header << test::qs(v);
    QCOMPARE(lines.takeFirst().split(u','), header);
    // Every row of the matrix, with or without access, in the core's order.
    const auto m = core("payments:deployer", "kube-system");
    QCOMPARE(lines.size(), static_cast<qsizetype>(m.rows.size()));
    for (std::size_t row = 0; row < m.rows.size(); ++row) {
        const auto fields = lines[static_cast<qsizetype>(row)].split(u',');
        QCOMPARE(fields.size(), header.size());
        QCOMPARE(fields[0], QStringLiteral("kube-system"));
        QCOMPARE(fields[1], test::qs(m.rows[row].group));
        QCOMPARE(fields[2], test::qs(m.rows[row].resource));
        for (std::size_t v = 0; v < m.verbs.size(); ++v)
            QCOMPARE(fields[3 + static_cast<qsizetype>(v)], QString::fromLatin1(accessName(m.cell(row, v).access)));
    }
    QVERIFY(r.out.contains("kube-system,,pods,yes,yes,yes,yes,no,no,yes,"));
}

void TestCliMatrix::json_data()
{
    QTest::addColumn<QString>("sa");
    QTest::addColumn<QStringList>("scope"); // extra arguments
    QTest::addColumn<QString>("ns"); // the matrix's namespace, "" = cluster scope
    QTest::addRow("own namespace") << "payments:payments-operator" << QStringList {} << "payments";
    QTest::addRow("-n") << "payments:deployer" << QStringList {QStringLiteral("-n"), QStringLiteral("kube-system")}
                        << "kube-system";
    QTest::addRow("--cluster") << "team-a:ci-runner" << QStringList {QStringLiteral("--cluster")} << "";
}

void TestCliMatrix::json()
{
    QFETCH(QString, sa);
    QFETCH(QStringList, scope);
    QFETCH(QString, ns);
    const auto r = rbx(QStringList {QStringLiteral("matrix"), QStringLiteral("--sa=") + sa, QStringLiteral("-o"),
                                    QStringLiteral("json"), kSnapshot}
                       + scope);
    QCOMPARE(r.code, 0);
    QJsonParseError error;
    const auto doc = QJsonDocument::fromJson(r.out, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QVERIFY(doc.isObject()); // one scope: one object, not an array
    const auto o = doc.object();
    // {"subject": "...", "namespace": "NS" or "", "verbs": [...], "rows": [{"group", "resource", "cells": {...}}]}
    const auto topKeys = o.keys();
    QCOMPARE(QSet<QString>(topKeys.begin(), topKeys.end()),
             (QSet<QString> {QStringLiteral("subject"), QStringLiteral("namespace"), QStringLiteral("verbs"),
                             QStringLiteral("rows")}));
    QCOMPARE(o.value(QStringLiteral("subject")).toString(), QStringLiteral("system:serviceaccount:") + sa);
    QVERIFY(o.value(QStringLiteral("namespace")).isString());
    QCOMPARE(o.value(QStringLiteral("namespace")).toString(), ns);
    QStringList verbs;
    for (const auto& v : o.value(QStringLiteral("verbs")).toArray())
        verbs << v.toString();
    QStringList expectedVerbs;
    for (const auto& v : defaultMatrixVerbs())
        expectedVerbs << test::qs(v);
    QCOMPARE(verbs, expectedVerbs);
    const auto m = core(sa.toStdString(), ns.toStdString());
    const auto rows = o.value(QStringLiteral("rows")).toArray();
    QCOMPARE(rows.size(), static_cast<qsizetype>(m.rows.size()));
    const QSet<QString> required {QStringLiteral("group"), QStringLiteral("resource"), QStringLiteral("cells")};
    // Beyond the required keys, a row may carry the provenance: the partial cells' names and the grants.
    const QSet<QString> optional {QStringLiteral("resourceNames"), QStringLiteral("why")};
    int allowed = 0;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const auto row = rows[i].toObject();
        const auto rowKeys = row.keys();
        const QSet<QString> keys(rowKeys.begin(), rowKeys.end());
        QVERIFY(keys.contains(required));
        QVERIFY2((keys - required - optional).isEmpty(), qPrintable(QStringList(keys.values()).join(u',')));
        QVERIFY(row.value(QStringLiteral("group")).isString());
        QCOMPARE(row.value(QStringLiteral("group")).toString(), test::qs(m.rows[static_cast<std::size_t>(i)].group));
        QCOMPARE(row.value(QStringLiteral("resource")).toString(), test::qs(m.rows[static_cast<std::size_t>(i)].resource));
        const auto cells = row.value(QStringLiteral("cells")).toObject();
        QCOMPARE(cells.size(), verbs.size()); // every verb, once
        for (std::size_t v = 0; v < m.verbs.size(); ++v) {
            const auto value = cells.value(test::qs(m.verbs[v])).toString();
            QVERIFY2(value == QLatin1String("yes") || value == QLatin1String("no") || value == QLatin1String("partial"),
                     qPrintable(value));
            const auto a = m.cell(static_cast<std::size_t>(i), v).access;
            QCOMPARE(value, QString::fromLatin1(accessName(a)));
            allowed += a != Access::No;
            // An allowed cell says why; a denied one does not.
            QCOMPARE(row.value(QStringLiteral("why")).toObject().contains(test::qs(m.verbs[v])), a != Access::No);
        }
    }
    QVERIFY(allowed > 0);
}

void TestCliMatrix::allNamespacesIsAnArray()
{
    const auto r = rbx({QStringLiteral("matrix"), QStringLiteral("--sa=team-a:ci-runner"), QStringLiteral("-A"),
                        QStringLiteral("-o"), QStringLiteral("json"), kSnapshot});
    QCOMPARE(r.code, 0);
    const auto doc = QJsonDocument::fromJson(r.out);
    QVERIFY(doc.isArray());
    const auto all = doc.array();
    // Cluster scope first, then one object per namespace of the snapshot, each of the single-scope shape.
    const auto namespaces = m_policy->knownNamespaces();
    QCOMPARE(all.size(), static_cast<qsizetype>(namespaces.size() + 1));
    QCOMPARE(all.first().toObject().value(QStringLiteral("namespace")).toString(), QString());
    for (qsizetype i = 0; i < all.size(); ++i) {
        const auto o = all[i].toObject();
        QCOMPARE(o.keys().size(), 4);
        QCOMPARE(o.value(QStringLiteral("subject")).toString(), QStringLiteral("system:serviceaccount:team-a:ci-runner"));
        if (i > 0)
            QCOMPARE(o.value(QStringLiteral("namespace")).toString(), test::qs(namespaces[static_cast<std::size_t>(i - 1)]));
        QVERIFY(!o.value(QStringLiteral("rows")).toArray().isEmpty());
    }
    // The CSV of -A has the same scopes, one block of rows each.
    const auto csv = rbx({QStringLiteral("matrix"), QStringLiteral("--sa=team-a:ci-runner"), QStringLiteral("-A"),
                          QStringLiteral("-o"), QStringLiteral("csv"), kSnapshot});
    QCOMPARE(csv.code, 0);
    QSet<QString> scopes;
    const auto lines = QString::fromUtf8(csv.out).split(u'\n', Qt::SkipEmptyParts);
    for (qsizetype i = 1; i < lines.size(); ++i)
        scopes.insert(lines[i].section(u',', 0, 0));
    QCOMPARE(scopes.size(), all.size());
}

void TestCliMatrix::verbsOption()
{
    const auto r = rbx({QStringLiteral("matrix"), QStringLiteral("--sa=payments:deployer"), QStringLiteral("-n"),
                        QStringLiteral("kube-system"), QStringLiteral("--verbs=create,get"), QStringLiteral("-o"),
                        QStringLiteral("json"), kSnapshot});
    QCOMPARE(r.code, 0);
    const auto o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("verbs")).toArray(), (QJsonArray {QStringLiteral("create"), QStringLiteral("get")}));
    for (const auto& v : o.value(QStringLiteral("rows")).toArray()) {
        const auto row = v.toObject();
        QCOMPARE(row.value(QStringLiteral("cells")).toObject().keys(), (QStringList {QStringLiteral("create"), QStringLiteral("get")}));
        if (row.value(QStringLiteral("group")).toString().isEmpty() && row.value(QStringLiteral("resource")).toString() == QLatin1String("pods"))
            QCOMPARE(row.value(QStringLiteral("cells")).toObject().value(QStringLiteral("create")).toString(), QStringLiteral("yes"));
    }
    // Exclusive scopes are a usage error.
    QCOMPARE(rbx({QStringLiteral("matrix"), QStringLiteral("--sa=payments:deployer"), QStringLiteral("-n"),
                  QStringLiteral("x"), QStringLiteral("-A"), kSnapshot})
                 .code,
             2);
}

void TestCliMatrix::heatMapFormats()
{
    // --all-sas writes what the io library writes for the core's heat map: the GUI's export uses the same functions.
    const auto heat = heatMap(*m_policy, summarizeSubjects(*m_policy),
                              matrixRows(*m_policy, ResourceCatalog(m_policy->snapshot())), writeVerbs());
    const auto csv = rbx({QStringLiteral("matrix"), QStringLiteral("--all-sas"), QStringLiteral("-o"), QStringLiteral("csv"),
                          kSnapshot});
    QCOMPARE(csv.code, 0);
    QCOMPARE(csv.out, QByteArray::fromStdString(io::heatMapCsv(heat)));
    const auto json = rbx({QStringLiteral("matrix"), QStringLiteral("--all-sas"), QStringLiteral("--verb=any-write"),
                           QStringLiteral("-o"), QStringLiteral("json"), kSnapshot});
    QCOMPARE(json.code, 0);
    const auto o = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(o, io::heatMapJson(heat));
    const auto rows = o.value(QStringLiteral("rows")).toArray();
    QCOMPARE(rows.size(), static_cast<qsizetype>(heat.subjects.size()));
    for (qsizetype i = 1; i < rows.size(); ++i) // riskiest first
        QVERIFY(rows[i - 1].toObject().value(QStringLiteral("risk")).toInt()
                >= rows[i].toObject().value(QStringLiteral("risk")).toInt());
    QCOMPARE(rows.first().toObject().value(QStringLiteral("cells")).toArray().size(),
             o.value(QStringLiteral("columns")).toArray().size());
}

QTEST_GUILESS_MAIN(TestCliMatrix)
#include "tst_cli_matrix.moc"
