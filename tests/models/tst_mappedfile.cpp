// SPDX-License-Identifier: Apache-2.0
// Large files are mapped, not read: the bytes and the padding after them, small files left to a plain read, and a
// file that shrinks under its mapping (SIGBUS) turning into zeros and a "changed" flag instead of a crash.
#include "models/io/mappedfile.h"
#include "models/io/snapshotloader.h"
#include "models/domain/snapshot.h"
#include "testutils.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace rbx;

namespace {

QByteArray pattern(qsizetype size)
{
    QByteArray b(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        b[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
    return b;
}

bool writeFile(const QString& path, const QByteArray& content)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

} // namespace

class TestMappedFile : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // Qt Test's own SIGBUS handler would try to print a stack trace (and wait for a debugger) in the child below:
        // the default action stands before ours instead, as in rbx and rbac-explorer.
        signal(SIGBUS, SIG_DFL);
    }

    void bytesAndPadding_data()
    {
        QTest::addColumn<qsizetype>("size");
        const auto page = static_cast<qsizetype>(sysconf(_SC_PAGESIZE));
        QTest::addRow("page multiple") << qsizetype(io::MappedFile::kMinSize) + 64 * page; // padding: a page of its own
        QTest::addRow("ends mid-page") << qsizetype(io::MappedFile::kMinSize) + 1000;
        QTest::addRow("ends just before a page") << qsizetype(io::MappedFile::kMinSize) + page - 10;
    }
    void bytesAndPadding()
    {
        QFETCH(qsizetype, size);
        QTemporaryDir dir;
        const auto path = dir.filePath(QStringLiteral("big.json"));
        const auto content = pattern(size);
        QVERIFY(writeFile(path, content));
        std::string error;
        auto mapped = io::MappedFile::open(path.toStdString(), 64, error);
        QVERIFY(mapped);
        QVERIFY(error.empty());
        QCOMPARE(mapped->data().size(), std::size_t(size));
        QVERIFY(mapped->data() == std::string_view(content.constData(), std::size_t(content.size())));
        QVERIFY(mapped->readable() >= std::size_t(size) + 64);
        for (std::size_t i = std::size_t(size); i < mapped->readable(); ++i)
            QCOMPARE(mapped->data().data()[i], '\0');
        QVERIFY(!mapped->changed());
        // Moving keeps the one mapping.
        io::MappedFile moved = std::move(*mapped);
        QVERIFY(moved.data() == std::string_view(content.constData(), std::size_t(content.size())));
    }

    void smallAndMissingFiles()
    {
        QTemporaryDir dir;
        const auto small = dir.filePath(QStringLiteral("small.yaml"));
        QVERIFY(writeFile(small, "kind: List\n"));
        std::string error;
        QVERIFY(!io::MappedFile::open(small.toStdString(), 64, error));
        QVERIFY(error.empty()); // read, not mapped
        QVERIFY(!io::MappedFile::open(dir.filePath(QStringLiteral("none.yaml")).toStdString(), 64, error));
        QVERIFY2(error.find("cannot open") != std::string::npos, error.c_str());
        QVERIFY(!io::MappedFile::open(dir.path().toStdString(), 64, error)); // a folder
    }

    // Another program truncates the file while it is mapped: the pages past the new end read as zeros.
    void fileShrinksWhileMapped()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath(QStringLiteral("big.yaml"));
        const auto content = pattern(qsizetype(io::MappedFile::kMinSize) * 2);
        QVERIFY(writeFile(path, content));
        std::string error;
        auto mapped = io::MappedFile::open(path.toStdString(), 64, error);
        QVERIFY(mapped);
        QVERIFY(QFile::resize(path, 100));
        const auto data = mapped->data();
        std::size_t nonZero = 0;
        for (char c : data)
            nonZero += c != '\0';
        QVERIFY(mapped->changed());
        QVERIFY(nonZero >= 100); // the first page is the file's (its first 100 bytes, then zeros)
        QVERIFY(nonZero < std::size_t(sysconf(_SC_PAGESIZE)));
        QVERIFY(data.substr(0, 100) == std::string_view(content.constData(), 100));
        // A second mapping of another file is unaffected.
        const auto other = dir.filePath(QStringLiteral("other.yaml"));
        QVERIFY(writeFile(other, content));
        auto second = io::MappedFile::open(other.toStdString(), 64, error);
        QVERIFY(second);
        QVERIFY(!second->changed());
        QVERIFY(second->data() == std::string_view(content.constData(), std::size_t(content.size())));
    }

    // The loader reports the shrunken file and keeps what it read before the new end. The file is truncated
    // mid-read from the cancel check, which the YAML reader polls line by line.
    void loaderReportsShrunkenFile()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath(QStringLiteral("big.yaml"));
        QByteArray yaml;
        int written = 0;
        for (; yaml.size() < qsizetype(io::MappedFile::kMinSize) * 2; ++written)
            yaml += "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-" + QByteArray::number(written)
                + "\n  namespace: ns\n";
        QVERIFY(writeFile(path, yaml));
        const auto whole = io::loadSnapshot({path.toStdString()});
        QCOMPARE(whole->report.errorCount(), std::size_t(0));
        QCOMPARE(whole->serviceAccounts.size(), std::size_t(written));

        int polls = 0;
        io::LoadCallbacks callbacks;
        callbacks.canceled = [&] {
            if (++polls == 6000)
                QFile::resize(path, 300 * 1024); // mid-page: the rest of that page reads as zeros
            return false;
        };
        const auto shrunk = io::loadSnapshot({path.toStdString()}, {}, callbacks);
        QVERIFY(polls > 6000);
        QVERIFY(shrunk->report.errorCount() >= 1);
        bool named = false;
        for (const auto& d : shrunk->report.diagnostics)
            named = named || d.message.find("shrank while it was being read") != std::string::npos;
        QVERIFY(named);
        QVERIFY(shrunk->serviceAccounts.size() > 1000); // those before the new end
        QVERIFY(shrunk->serviceAccounts.size() < std::size_t(written));
    }

    // A SIGBUS that is not in one of our mappings still ends the process (the handler passes it on).
    void foreignSigbusStillFatal()
    {
        QTemporaryDir dir;
        const auto ours = dir.filePath(QStringLiteral("ours.yaml"));
        const auto theirs = dir.filePath(QStringLiteral("theirs.bin"));
        const auto content = pattern(qsizetype(io::MappedFile::kMinSize) * 2);
        QVERIFY(writeFile(ours, content));
        QVERIFY(writeFile(theirs, content));
        std::string error;
        auto mapped = io::MappedFile::open(ours.toStdString(), 64, error); // installs the handler
        QVERIFY(mapped);
        const pid_t pid = fork();
        if (pid == 0) {
            const int fd = open(theirs.toLocal8Bit().constData(), O_RDWR);
            auto* p = static_cast<volatile char*>(
                mmap(nullptr, std::size_t(content.size()), PROT_READ, MAP_SHARED, fd, 0));
            if (p == MAP_FAILED || ftruncate(fd, 0) != 0)
                _exit(3);
            volatile char c = p[content.size() - 1]; // SIGBUS: not ours
            (void)c;
            _exit(0);
        }
        QVERIFY(pid > 0);
        int status = 0;
        QCOMPARE(waitpid(pid, &status, 0), pid);
        QVERIFY2(!(WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3)),
                 "the child survived a SIGBUS outside our mappings");
        if (WIFSIGNALED(status))
            QCOMPARE(WTERMSIG(status), SIGBUS);
    }
};

QTEST_GUILESS_MAIN(TestMappedFile)
#include "tst_mappedfile.moc"
