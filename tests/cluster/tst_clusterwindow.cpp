// SPDX-License-Identifier: Apache-2.0
// The desktop app on a live cluster: the Connect dialog (contexts of a merged KUBECONFIG, exec and insecure hints),
// a pull off the GUI thread with progress and cancel, partial access shown, Refresh with what changed, failures, and
// Save Snapshot As. Screenshots go to the build folder.
#include "models/io/snapshotexport.h"
#include "models/io/snapshotloader.h"
#include "ui/connectdialog.h"
#include "ui/crosscheckdialog.h"
#include "ui/mainwindow.h"

#include "testapiserver.h"
#include "testpki.h"
#include "testutils.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>

using namespace rbx;
using rbx::test::Pki;
using rbx::test::TestApiServer;

namespace {

constexpr const char* kToken = "gui-test-token-5f1e";

QJsonObject meta(const QString& name, const QString& ns = {})
{
    QJsonObject m {{QStringLiteral("name"), name}, {QStringLiteral("uid"), QString(QStringLiteral("uid-") + ns + name)}};
    if (!ns.isEmpty())
        m[QStringLiteral("namespace")] = ns;
    return m;
}

QJsonObject binding(const QString& name, const QString& ns, const QString& role, const QString& sa)
{
    return {{QStringLiteral("metadata"), meta(name, ns)},
            {QStringLiteral("roleRef"), QJsonObject {{QStringLiteral("apiGroup"), QStringLiteral("rbac.authorization.k8s.io")},
                                                     {QStringLiteral("kind"), QStringLiteral("ClusterRole")},
                                                     {QStringLiteral("name"), role}}},
            {QStringLiteral("subjects"), QJsonArray {QJsonObject {{QStringLiteral("kind"), QStringLiteral("ServiceAccount")},
                                                                  {QStringLiteral("name"), sa},
                                                                  {QStringLiteral("namespace"), ns}}}}};
}

// A small cluster: two namespaces, three ServiceAccounts, a ClusterRole bound in one namespace; pods forbidden.
void serve(TestApiServer& s, bool withSecondBinding = false)
{
    s.addObject(QStringLiteral("/version"), QJsonObject {{QStringLiteral("gitVersion"), QStringLiteral("v1.30.2")}});
    s.addObject(QStringLiteral("/api"), QJsonObject {{QStringLiteral("kind"), QStringLiteral("APIVersions")},
                                                     {QStringLiteral("versions"), QJsonArray {}}});
    s.addObject(QStringLiteral("/apis"), QJsonObject {{QStringLiteral("kind"), QStringLiteral("APIGroupList")},
                                                      {QStringLiteral("groups"), QJsonArray {}}});
    s.addList(QStringLiteral("/api/v1/namespaces"), QStringLiteral("NamespaceList"), QStringLiteral("v1"),
              {QJsonObject {{QStringLiteral("metadata"), meta(QStringLiteral("shop"))}},
               QJsonObject {{QStringLiteral("metadata"), meta(QStringLiteral("ops"))}}});
    s.addList(QStringLiteral("/api/v1/serviceaccounts"), QStringLiteral("ServiceAccountList"), QStringLiteral("v1"),
              {QJsonObject {{QStringLiteral("metadata"), meta(QStringLiteral("default"), QStringLiteral("shop"))}},
               QJsonObject {{QStringLiteral("metadata"), meta(QStringLiteral("cart"), QStringLiteral("shop"))}},
               QJsonObject {{QStringLiteral("metadata"), meta(QStringLiteral("deployer"), QStringLiteral("ops"))}}});
    s.addList(QStringLiteral("/apis/rbac.authorization.k8s.io/v1/clusterroles"), QStringLiteral("ClusterRoleList"),
              QStringLiteral("rbac.authorization.k8s.io/v1"),
              {QJsonObject {{QStringLiteral("metadata"), meta(QStringLiteral("editor"))},
                            {QStringLiteral("rules"),
                             QJsonArray {QJsonObject {{QStringLiteral("apiGroups"), QJsonArray {QString(), QStringLiteral("apps")}},
                                                      {QStringLiteral("resources"), QJsonArray {QStringLiteral("pods"), QStringLiteral("deployments")}},
                                                      {QStringLiteral("verbs"), QJsonArray {QStringLiteral("*")}}}}}}});
    QJsonArray bindings {binding(QStringLiteral("cart-edit"), QStringLiteral("shop"), QStringLiteral("editor"),
                                 QStringLiteral("cart"))};
    if (withSecondBinding)
        bindings.append(binding(QStringLiteral("deployer-edit"), QStringLiteral("ops"), QStringLiteral("editor"),
                                QStringLiteral("deployer")));
    s.addList(QStringLiteral("/apis/rbac.authorization.k8s.io/v1/rolebindings"), QStringLiteral("RoleBindingList"),
              QStringLiteral("rbac.authorization.k8s.io/v1"), bindings);
    for (const auto* path : {"/apis/rbac.authorization.k8s.io/v1/roles", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
                             "/api/v1/secrets", "/apis/apps/v1/deployments", "/apis/apps/v1/statefulsets",
                             "/apis/apps/v1/daemonsets", "/apis/apps/v1/replicasets", "/apis/batch/v1/jobs",
                             "/apis/batch/v1/cronjobs", "/api/v1/nodes", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"})
        s.addList(QLatin1String(path), QStringLiteral("List"), QStringLiteral("v1"), {});
    s.forbid(QStringLiteral("/api/v1/pods"));
    s.forbid(QStringLiteral("/api/v1/namespaces/shop/pods"));
    s.forbid(QStringLiteral("/api/v1/namespaces/ops/pods"));
}

} // namespace

class TestClusterWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void connectDialogListsMergedContexts();
    void connectPullsAndShowsPartialAccess();
    void refreshShowsWhatChanged();
    void staysResponsiveAndCancels();
    void failureIsReported();
    void saveSnapshotAs();
    void crossCheckDialog();
    void connectWhileAFileLoads();

private:
    QString kubeconfig(const QByteArray& token = kToken, bool insecureSecond = true);
    cluster::ConnectionConfig resolved(const QByteArray& token = kToken);
    void grab(QWidget* w, const QString& name);

    Pki m_pki;
    std::unique_ptr<TestApiServer> m_server;
    QTemporaryDir m_dir;
};

void TestClusterWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    m_pki = Pki::generate();
}

void TestClusterWindow::init()
{
    m_server = std::make_unique<TestApiServer>(m_pki);
    m_server->acceptBearer(kToken, QStringLiteral("reviewer"));
    serve(*m_server);
    QVERIFY(m_server->start() > 0);
}

void TestClusterWindow::cleanup()
{
    m_server.reset();
}

QString TestClusterWindow::kubeconfig(const QByteArray& token, bool insecureSecond)
{
    const QByteArray ca = m_pki.caCertPem.toBase64();
    QByteArray y = "apiVersion: v1\nkind: Config\ncurrent-context: lab\nclusters:\n"
                   "- name: lab\n  cluster:\n    server: "
        + m_server->url().toUtf8() + "\n    certificate-authority-data: " + ca + '\n';
    if (insecureSecond)
        y += "- name: legacy\n  cluster:\n    server: https://legacy.invalid:6443\n    insecure-skip-tls-verify: true\n";
    y += "users:\n- name: reviewer\n  user:\n    token: " + token + '\n';
    y += "- name: sso\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: sso-login\n"
         "      interactiveMode: Never\n";
    y += "contexts:\n- name: lab\n  context: {cluster: lab, user: reviewer, namespace: shop}\n";
    if (insecureSecond)
        y += "- name: legacy\n  context: {cluster: legacy, user: sso}\n";
    const auto path = m_dir.filePath(QStringLiteral("kubeconfig-%1").arg(QString::fromLatin1(token.left(4))));
    test::writeFile(path, y);
    return path;
}

cluster::ConnectionConfig TestClusterWindow::resolved(const QByteArray& token)
{
    cluster::KubeconfigSource source;
    source.explicitPath = kubeconfig(token).toStdString();
    std::string error;
    const auto config = cluster::loadKubeconfig(source, &error);
    if (!config)
        qFatal("%s", error.c_str());
    const auto c = cluster::resolveContext(*config, "lab", &error);
    if (!c)
        qFatal("%s", error.c_str());
    return *c;
}

void TestClusterWindow::grab(QWidget* w, const QString& name)
{
    const QString dir = QStringLiteral(RBX_BINARY_DIR) + QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    QVERIFY(w->grab().save(dir + u'/' + name));
}

void TestClusterWindow::connectDialogListsMergedContexts()
{
    ConnectDialog dialog;
    dialog.setKubeconfigPath(kubeconfig());
    QCOMPARE(dialog.contextCount(), 2);
    QCOMPARE(dialog.selectedContext(), QStringLiteral("lab")); // the current context is preselected
    dialog.selectContext(QStringLiteral("legacy"));
    const auto hint = dialog.findChildren<QLabel*>();
    QString text;
    for (const auto* l : hint)
        text += l->text();
    QVERIFY2(text.contains(QStringLiteral("NOT be verified")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("exec plugin <b>sso-login</b>")), qPrintable(text));
    QVERIFY(!text.contains(QLatin1String(kToken))); // never a credential
    dialog.show();
    dialog.resize(900, 420);
    grab(&dialog, QStringLiteral("connect-dialog.png"));
    dialog.selectContext(QStringLiteral("lab"));
    dialog.accept();
    QVERIFY(dialog.connection());
    QCOMPARE(dialog.connection()->server, m_server->url().toStdString());
    QCOMPARE(dialog.connection()->ns, std::string("shop"));

    ConnectDialog broken;
    const auto bad = m_dir.filePath(QStringLiteral("bad-kubeconfig"));
    test::writeFile(bad, "clusters: [unclosed\n");
    broken.setKubeconfigPath(bad);
    QCOMPARE(broken.contextCount(), 0);
    QVERIFY2(broken.message().contains(QStringLiteral("not valid YAML")), qPrintable(broken.message()));
}

void TestClusterWindow::connectPullsAndShowsPartialAccess()
{
    MainWindow w;
    w.setProperty("rbxNoDialogs", true);
    w.resize(1366, 768);
    w.show();
    QSignalSpy loaded(&w, &MainWindow::snapshotLoaded);
    w.connectToCluster(resolved());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QVERIFY(w.isLive());
    QVERIFY2(w.statusText().contains(QStringLiteral("Live, read-only: lab")), qPrintable(w.statusText()));
    QVERIFY2(w.statusText().contains(QStringLiteral("v1.30.2")), qPrintable(w.statusText()));
    QVERIFY2(w.reportButtonText().contains(QStringLiteral("incomplete: pods")), qPrintable(w.reportButtonText()));
    QVERIFY(w.windowTitle().contains(QStringLiteral("(live, read-only)")));
    QCOMPARE(w.snapshot()->serviceAccounts.size(), std::size_t(3));
    bool noted = false;
    for (const auto& n : w.snapshot()->report.notes)
        noted = noted || n.find("pods: forbidden") == 0;
    QVERIFY(noted);
    w.selectSubject({SubjectKind::ServiceAccount, "shop", "cart"});
    QTest::qWait(50);
    grab(&w, QStringLiteral("live-main-window.png"));
    for (const auto& q : m_server->requests())
        QCOMPARE(q.method, QByteArray("GET"));
    // Settings keep the window (and, from the Connect dialog, the last kubeconfig/context names), never a credential:
    // the file closing the window wrote holds no token.
    w.close();
    QSettings settings;
    settings.sync();
    QFile conf(settings.fileName());
    QVERIFY2(conf.open(QIODevice::ReadOnly), qPrintable(settings.fileName()));
    const QByteArray written = conf.readAll();
    QVERIFY(written.contains("geometry"));
    QVERIFY(!written.contains(kToken));
}

void TestClusterWindow::refreshShowsWhatChanged()
{
    MainWindow w;
    w.setProperty("rbxNoDialogs", true);
    QSignalSpy loaded(&w, &MainWindow::snapshotLoaded);
    QSignalSpy changes(&w, &MainWindow::changesShown);
    w.connectToCluster(resolved());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    // The cluster changes: a new RoleBinding gives ops/deployer the editor role.
    serve(*m_server, true);
    w.refreshFromCluster();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 20000);
    QCOMPARE(changes.count(), 1);
    const auto html = changes.at(0).at(0).toString();
    QVERIFY2(html.contains(QStringLiteral("deployer")), qPrintable(html.left(2000)));
    QVERIFY2(html.contains(QStringLiteral("deployer-edit")), qPrintable(html.left(2000)));
    // Nothing changed the second time.
    w.refreshFromCluster();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 3, 20000);
    QCOMPARE(changes.count(), 1);
    QVERIFY2(w.statusText().contains(QStringLiteral("no changes")), qPrintable(w.statusText()));
}

void TestClusterWindow::staysResponsiveAndCancels()
{
    m_server->setDelay(QStringLiteral("/apis/rbac.authorization.k8s.io/v1/rolebindings"), 4000);
    MainWindow w;
    w.setProperty("rbxNoDialogs", true);
    QSignalSpy loaded(&w, &MainWindow::snapshotLoaded);
    int ticks = 0;
    QTimer timer;
    connect(&timer, &QTimer::timeout, this, [&] { ++ticks; });
    timer.start(20);
    w.connectToCluster(resolved());
    QTest::qWait(600);
    QVERIFY2(ticks >= 10, "the GUI thread keeps running while the cluster is read");
    auto* cancel = w.findChild<QPushButton*>(QStringLiteral("CancelButton"));
    QVERIFY(cancel);
    QVERIFY(cancel->isVisible() || !w.isVisible());
    cancel->click();
    QTRY_VERIFY_WITH_TIMEOUT(w.statusText().contains(QStringLiteral("canceled")), 3000);
    QCOMPARE(loaded.count(), 0);
    QVERIFY(!w.policy());
}

void TestClusterWindow::failureIsReported()
{
    MainWindow w;
    w.setProperty("rbxNoDialogs", true);
    QSignalSpy failed(&w, &MainWindow::clusterFailed);
    w.connectToCluster(resolved("wrong-token-zzzz"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
    const auto message = failed.at(0).at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("401")), qPrintable(message));
    QVERIFY(!message.contains(QStringLiteral("wrong-token")));
    QVERIFY(!w.policy());
    QVERIFY(!w.isLive());
}

void TestClusterWindow::saveSnapshotAs()
{
    MainWindow w;
    w.setProperty("rbxNoDialogs", true);
    QSignalSpy loaded(&w, &MainWindow::snapshotLoaded);
    w.connectToCluster(resolved());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    const auto file = m_dir.filePath(QStringLiteral("saved.yaml"));
    QString error;
    QVERIFY2(w.saveSnapshotAs(file, &error), qPrintable(error));
    const auto reloaded = io::loadSnapshot({file.toStdString()});
    QCOMPARE(test::objectsOf(*reloaded), test::objectsOf(*w.snapshot()));
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(!f.readAll().contains(kToken));
}

void TestClusterWindow::crossCheckDialog()
{
    // The "server" allows what RBAC allows in shop (everything on pods and deployments for shop/cart) and, like a
    // webhook, get on nodes: exactly the nodes request disagrees.
    m_server->setAccessReviewHandler([](const QJsonObject& spec, QString* reason) {
        const auto ra = spec.value(QStringLiteral("resourceAttributes")).toObject();
        const auto res = ra.value(QStringLiteral("resource")).toString();
        const auto group = ra.value(QStringLiteral("group")).toString();
        if (res == QLatin1String("nodes") && ra.value(QStringLiteral("verb")).toString() == QLatin1String("get")
            && ra.value(QStringLiteral("subresource")).toString().isEmpty()) {
            *reason = QStringLiteral("allowed by webhook");
            return true;
        }
        const bool rbac = ra.value(QStringLiteral("namespace")).toString() == QLatin1String("shop")
            && ra.value(QStringLiteral("subresource")).toString().isEmpty()
            && ((res == QLatin1String("pods") && group.isEmpty()) || (res == QLatin1String("deployments") && group == QLatin1String("apps")));
        *reason = rbac ? QStringLiteral("RBAC: allowed") : QString();
        return rbac;
    });
    MainWindow w;
    w.setProperty("rbxNoDialogs", true);
    QSignalSpy loaded(&w, &MainWindow::snapshotLoaded);
    w.connectToCluster(resolved());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QVERIFY(!w.openCrossCheck()); // nothing selected yet
    w.selectSubject({SubjectKind::ServiceAccount, "shop", "cart"});
    auto* dialog = w.openCrossCheck();
    QVERIFY(dialog);
    QSignalSpy done(dialog, &CrossCheckDialog::finished);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
    QVERIFY2(dialog->summary().contains(QStringLiteral("<b>1 disagreement(s)</b>")), qPrintable(dialog->summary()));
    QCOMPARE(dialog->rowCount(), 1);
    grab(dialog, QStringLiteral("crosscheck-dialog.png"));
    int posts = 0;
    for (const auto& q : m_server->requests()) {
        QVERIFY(q.method == "GET" || q.path == QLatin1String("/apis/authorization.k8s.io/v1/subjectaccessreviews"));
        posts += q.method == "POST" ? 1 : 0;
    }
    QVERIFY(posts > 50);
}

void TestClusterWindow::connectWhileAFileLoads()
{
    // A pull started while a file load runs supersedes it: the pull's result is shown, not "Loading canceled".
    m_server->setDelay(QStringLiteral("/api/v1/serviceaccounts"), 300);
    MainWindow w;
    w.setProperty("rbxNoDialogs", true);
    QSignalSpy loaded(&w, &MainWindow::snapshotLoaded);
    w.openSnapshots({QStringLiteral(RBX_SOURCE_DIR "/resources/demo")});
    w.connectToCluster(resolved());
    auto* progress = w.findChild<QProgressBar*>();
    QVERIFY(progress);
    QTest::qWait(150); // the canceled file load has ended; the pull waits on its slow answer
    QVERIFY2(progress->isVisibleTo(&w), "the pull keeps its progress bar");
    QVERIFY2(!w.statusText().contains(QStringLiteral("canceled")), qPrintable(w.statusText()));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QTest::qWait(100);
    QCOMPARE(loaded.count(), 1);
    QVERIFY(w.isLive());
    QVERIFY2(w.statusText().contains(QStringLiteral("Live, read-only")), qPrintable(w.statusText()));
    QCOMPARE(w.snapshot()->serviceAccounts.size(), std::size_t(3));
    QVERIFY(!progress->isVisibleTo(&w));
}

QTEST_MAIN(TestClusterWindow)
#include "tst_clusterwindow.moc"
