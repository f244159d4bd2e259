// SPDX-License-Identifier: Apache-2.0
// The loader on real manifests (tests/data/fixtures, see its SOURCES.md): per file and kind, the objects it keeps
// must be the counts that tests/data/generate-fixture-counts.py computed independently with PyYAML
// (tests/data/fixture-counts.tsv), with no error diagnostics except for the files listed below.
#include "models/io/snapshotloader.h"
#include "testutils.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include <map>
#include <set>

using namespace rbx;
using namespace Qt::StringLiterals;

namespace {

using KindCounts = std::map<std::string, std::size_t>;

QString fixturesDir()
{
    return test::dataDir() + u"/fixtures"_s;
}

// file (relative to fixtures/, or "*" for the whole folder) -> kind -> count; files that keep nothing map to {}.
struct Expected
{
    std::map<QString, KindCounts> files;
    std::set<QString> unparsable; // PyYAML/json could not parse them
    QString error;
};

Expected readTsv()
{
    Expected e;
    QFile f(test::dataDir() + u"/fixture-counts.tsv"_s);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
        e.error = u"cannot open fixture-counts.tsv"_s;
        return e;
    }
    bool header = false;
    while (!f.atEnd()) {
        const auto line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const auto cols = line.split(u'\t');
        if (cols.size() != 3) {
            e.error = u"bad line: "_s + line;
            return e;
        }
        if (!header) {
            header = true;
            if (cols != QStringList {u"file"_s, u"kind"_s, u"count"_s}) {
                e.error = u"bad header: "_s + line;
                return e;
            }
            continue;
        }
        bool ok = false;
        const auto n = cols[2].toULongLong(&ok);
        if (!ok) {
            e.error = u"bad count: "_s + line;
            return e;
        }
        auto& counts = e.files[cols[0]];
        if (cols[1] == u"!unparsable"_s)
            e.unparsable.insert(cols[0]);
        else if (cols[1] != u"-"_s)
            counts[cols[1].toStdString()] = n;
    }
    if (!header)
        e.error = u"no header"_s;
    return e;
}

KindCounts keptOf(const LoadReport& r)
{
    KindCounts out;
    for (const auto& k : r.kept)
        out[k.kind] = k.count;
    return out;
}

QString show(const KindCounts& c)
{
    QStringList parts;
    for (const auto& [k, n] : c)
        parts.append(QString::fromStdString(k) + u'=' + QString::number(n));
    return parts.isEmpty() ? u"(nothing)"_s : parts.join(u", "_s);
}

QString show(const std::vector<Diagnostic>& diagnostics)
{
    QStringList parts;
    for (const auto& d : diagnostics)
        parts.append(QString::fromStdString(d.toString()));
    return parts.join(u'\n');
}

// Snapshot inputs whose load gives diagnostics, by design: they are not Kubernetes objects.
// falco-k8s-audit/attach_cluster_admin_role.json is an audit Event without apiVersion (kind: Event only).
// Its sibling create_service_account_token_secret.json has apiVersion audit.k8s.io/v1, so it is a well-formed object
// of a kind the snapshot does not keep: skipped, no diagnostic.
const std::map<QString, QString> kExpectedErrors {
    {u"falco-k8s-audit/attach_cluster_admin_role.json"_s, u"apiVersion: missing"_s},
};

// Inputs that are valid YAML/JSON but no cluster objects: skipped whole, as these kinds.
const std::map<QString, std::string> kSkippedOnly {
    {u"falco-k8s-audit/create_service_account_token_secret.json"_s, "audit.k8s.io/v1 Event"},
    {u"audit2rbac/demo-policy.yaml"_s, "audit.k8s.io/v1 Policy"},
    {u"kubeconfigs/azure-kubelogin/sample_kubeconfig.yaml"_s, "v1 Config"},
    {u"kubeconfigs/int128-kubelogin/kubeconfig.google.yaml"_s, "v1 Config"},
    {u"kubeconfigs/int128-kubelogin/kubeconfig_oidc.yaml"_s, "v1 Config"},
    {u"kubehound/kubeconfig-template.yaml"_s, "v1 Config"},
    {u"kubehound/cluster.yaml"_s, "kind.x-k8s.io/v1alpha4 Cluster"},
};

std::size_t objectsIn(const Snapshot& s)
{
    return s.namespaces.size() + s.serviceAccounts.size() + s.secrets.size() + s.roles.size() + s.bindings.size()
        + s.workloads.size() + s.nodes.size() + s.crds.size() + (s.tokenTracking ? 1 : 0);
}

std::size_t sum(const KindCounts& c)
{
    std::size_t n = 0;
    for (const auto& [k, v] : c)
        n += v;
    return n;
}

} // namespace

class TestFixtures : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void perFile_data();
    void perFile();
    void tsvCoversEveryInput();
    void notSnapshotInputs();
    void wholeFolder();

private:
    Expected m_expected;
};

void TestFixtures::initTestCase()
{
    m_expected = readTsv();
    QVERIFY2(m_expected.error.isEmpty(), qPrintable(m_expected.error));
    QVERIFY(m_expected.files.size() > 100);
    QVERIFY(m_expected.files.count(u"*"_s));
    for (const auto& [file, _] : kExpectedErrors)
        QVERIFY2(m_expected.files.count(file), qPrintable(file));
    for (const auto& [file, _] : kSkippedOnly)
        QVERIFY2(m_expected.files.count(file), qPrintable(file));
}

void TestFixtures::perFile_data()
{
    QTest::addColumn<QString>("file");
    for (const auto& [file, _] : readTsv().files)
        if (file != u"*"_s)
            QTest::newRow(qPrintable(file)) << file;
}

void TestFixtures::perFile()
{
    QFETCH(QString, file);
    const QString path = fixturesDir() + u'/' + file;
    QVERIFY(QFileInfo::exists(path));
    const auto snapshot = io::loadSnapshot({path.toStdString()}); // must not crash or throw
    QVERIFY(snapshot);
    const auto& r = snapshot->report;
    QCOMPARE(r.files, std::size_t(1));

    const auto& expected = m_expected.files.at(file);
    const auto actual = keptOf(r);
    QVERIFY2(actual == expected,
             qPrintable(u"loader: "_s + show(actual) + u"\npython: "_s + show(expected) + u"\ndiagnostics:\n"_s
                        + show(r.diagnostics)));
    QCOMPARE(objectsIn(*snapshot), sum(actual));

    const auto errors = kExpectedErrors.find(file);
    if (errors != kExpectedErrors.end()) {
        QCOMPARE(r.errorCount(), std::size_t(1));
        QVERIFY2(QString::fromStdString(r.diagnostics.front().message).contains(errors->second),
                 qPrintable(show(r.diagnostics)));
        QVERIFY(QString::fromStdString(r.diagnostics.front().file).endsWith(file));
        QVERIFY(r.diagnostics.front().line >= 1);
    } else if (!m_expected.unparsable.count(file)) {
        QVERIFY2(r.errorCount() == 0, qPrintable(show(r.diagnostics)));
    }

    const auto skipped = kSkippedOnly.find(file);
    if (skipped != kSkippedOnly.end()) {
        QVERIFY(actual.empty());
        QCOMPARE(r.skipped.size(), std::size_t(1));
        QCOMPARE(r.skipped.front().kind, skipped->second);
        QVERIFY2(r.diagnostics.empty(), qPrintable(show(r.diagnostics)));
    }
}

// The folder walk picks exactly the files the TSV has rows for: *.yaml, *.yml, *.json; not the audit log (*.log),
// the index (*.tsv) or SOURCES.md.
void TestFixtures::tsvCoversEveryInput()
{
    std::set<QString> walked;
    const auto base = QDir(fixturesDir());
    for (const auto& f : io::snapshotFilesIn(fixturesDir().toStdString()))
        walked.insert(QDir::cleanPath(base.relativeFilePath(QString::fromStdString(f))));
    std::set<QString> listed;
    for (const auto& [file, _] : m_expected.files)
        if (file != u"*"_s)
            listed.insert(file);
    QStringList onlyWalked, onlyListed;
    for (const auto& f : walked)
        if (!listed.count(f))
            onlyWalked.append(f);
    for (const auto& f : listed)
        if (!walked.count(f))
            onlyListed.append(f);
    QVERIFY2(onlyWalked.isEmpty() && onlyListed.isEmpty(),
             qPrintable(u"walked only: "_s + onlyWalked.join(u' ') + u"\nTSV only: "_s + onlyListed.join(u' ')));
    QCOMPARE(walked.size(), std::size_t(131));
}

void TestFixtures::notSnapshotInputs()
{
    const auto files = io::snapshotFilesIn(fixturesDir().toStdString());
    for (const auto& f : files) {
        const auto name = QString::fromStdString(f);
        QVERIFY2(!name.endsWith(u".log"_s) && !name.endsWith(u".tsv"_s) && !name.endsWith(u".md"_s), qPrintable(name));
    }
    QVERIFY(QFileInfo::exists(fixturesDir() + u"/audit2rbac/demo.log"_s));
    QVERIFY(QFileInfo::exists(fixturesDir() + u"/combined/cluster-snapshot.index.tsv"_s));
}

// All fixtures at once: duplicates across files (e.g. kubehound namespace-1 and namespace-2, combined/ and its
// sources, Argo CD's two installs in "default") count once; the only diagnostic is the audit event's.
void TestFixtures::wholeFolder()
{
    const auto snapshot = io::loadSnapshot({fixturesDir().toStdString()});
    QVERIFY(snapshot);
    const auto& r = snapshot->report;
    QCOMPARE(r.files, std::size_t(131));
    const auto actual = keptOf(r);
    const auto& expected = m_expected.files.at(u"*"_s);
    QVERIFY2(actual == expected, qPrintable(u"loader: "_s + show(actual) + u"\npython: "_s + show(expected)));
    QCOMPARE(objectsIn(*snapshot), sum(expected));
    QVERIFY(!r.duplicates.empty());
    QCOMPARE(r.errorCount(), kExpectedErrors.size());
    for (const auto& d : r.diagnostics) {
        bool known = false;
        for (const auto& [file, message] : kExpectedErrors)
            known = known
                || (QString::fromStdString(d.file).endsWith(file) && QString::fromStdString(d.message).contains(message));
        QVERIFY2(known, d.toString().c_str());
    }
}

QTEST_GUILESS_MAIN(TestFixtures)
#include "tst_fixtures.moc"
