// SPDX-License-Identifier: Apache-2.0
// rbx bench: generated snapshots at several sizes; our load against the parser floors (libyaml events, simdjson
// On-Demand), peak RSS, objects/s, and evaluation speed (decisions/s, matrix, heat map, who-can). Printed and recorded
// as ratios; --compare says which ratio regressed by more than 30 %. A benchmark, never a timed test.
#include "app/rbx/cli.h"

#include "models/analysis/accessmatrix.h"
#include "models/analysis/heatmap.h"
#include "models/analysis/identity.h"
#include "models/analysis/queries.h"
#include "models/io/generator.h"
#include "models/io/snapshotloader.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <tuple>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rbx::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since)
{
    return std::chrono::duration<double>(Clock::now() - since).count();
}

struct Measure
{
    double seconds = 0;
    long peakKb = 0;
    bool ok = false;
};

// Runs `rbx bench --step STEP FILE` in a child process, nothing shared with us: its peak RSS, and the time it
// reports for the step itself (from opening the file to the result), so that process start-up and tear-down, the
// same for every step, are left out of the ratios.
Measure measureStep(const QString& step, const QString& file)
{
    Measure m;
    const auto program = QCoreApplication::applicationFilePath().toStdString();
    const auto stepArg = step.toStdString();
    const auto fileArg = file.toStdString();
    int fds[2];
    if (pipe(fds) != 0)
        return m;
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[1]);
        execl(program.c_str(), program.c_str(), "bench", "--step", stepArg.c_str(), fileArg.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return m;
    }
    std::string reported;
    char buf[256];
    for (ssize_t got; (got = read(fds[0], buf, sizeof buf)) > 0;)
        reported.append(buf, static_cast<std::size_t>(got));
    close(fds[0]);
    int status = 0;
    struct rusage usage {};
    if (wait4(pid, &status, 0, &usage) < 0)
        return m;
    m.peakKb = usage.ru_maxrss;
    char* end = nullptr;
    m.seconds = std::strtod(reported.c_str(), &end);
    m.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && end != reported.c_str() && m.seconds > 0;
    return m;
}

// One measured step: prints its own duration in seconds. After a load the process ends without tearing the model
// down (the parent only wants the figure and the peak RSS).
int runStep(const QString& step, const QString& file)
{
    const auto path = file.toStdString();
    const auto start = Clock::now();
    bool ok = false;
    std::shared_ptr<const Snapshot> loaded;
    if (step == QLatin1String("yaml-floor")) {
        ok = io::yamlEventPass(path) > 0;
    } else if (step == QLatin1String("json-floor")) {
        ok = io::jsonOnDemandPass(path) > 0;
    } else if (step == QLatin1String("load")) {
        loaded = io::loadSnapshot({path});
        ok = loaded->report.errorCount() == 0;
    } else {
        return 2;
    }
    std::printf("%.6f\n", seconds(start));
    std::fflush(stdout);
    if (loaded)
        std::_Exit(ok ? 0 : 1);
    return ok ? 0 : 1;
}

// The run with the median time (peak RSS from that run); not ok if any run failed.
Measure median(std::vector<Measure> runs)
{
    const bool ok = std::all_of(runs.begin(), runs.end(), [](const Measure& m) { return m.ok; });
    std::sort(runs.begin(), runs.end(), [](const Measure& a, const Measure& b) { return a.seconds < b.seconds; });
    Measure m = runs[runs.size() / 2];
    m.ok = ok;
    return m;
}

struct Row
{
    std::string name;
    double value; // the figure
    std::string unit;
    double ratio; // what is recorded and compared (lower is better for *-vs-floor, higher for *-vs-target)
    std::string ratioMeaning;
};

} // namespace

int cmdBench(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Benchmark on generated snapshots (1.0 = 500 namespaces, 20k pods, 2.5k ServiceAccounts, 5k Secrets, ~75 MB "
        "YAML): load time against the parser floors (libyaml event pass, simdjson On-Demand walk), peak RSS, "
        "objects/s, SubjectAccessReview decisions/s, the matrix of one SA over all namespaces, the all-SA heat map, "
        "who-can. Ratios are recorded (--record FILE) and compared (--compare FILE: exit 1 if one regressed by more "
        "than 30 %).\n\nUsage: rbx bench [--scale S]... [--dir DIR] [--record FILE] [--compare FILE]\n"
        "       rbx bench --generate FILE.yaml|FILE.json [--scale S]"));
    p.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    p.addHelpOption();
    QCommandLineOption scale(QStringLiteral("scale"), QStringLiteral("Size factor (repeatable; default 0.1, 1 and 4)."),
                             QStringLiteral("S"));
    QCommandLineOption dir(QStringLiteral("dir"), QStringLiteral("Where to write the generated files (default: a "
                                                                 "temporary folder, removed afterwards)."),
                           QStringLiteral("DIR"));
    QCommandLineOption record(QStringLiteral("record"), QStringLiteral("Write the ratios as JSON."), QStringLiteral("FILE"));
    QCommandLineOption compare(QStringLiteral("compare"), QStringLiteral("Compare with recorded ratios."),
                               QStringLiteral("FILE"));
    QCommandLineOption generate(QStringLiteral("generate"), QStringLiteral("Only write a generated snapshot."),
                                QStringLiteral("FILE"));
    QCommandLineOption step(QStringLiteral("step"), QStringLiteral("(internal) one measured step."),
                            QStringLiteral("STEP"));
    p.addOptions({scale, dir, record, compare, generate, step});
    int code = 0;
    if (!parse(p, QStringLiteral("bench"), args, code))
        return code;
    if (p.isSet(step))
        return runStep(p.value(step), p.positionalArguments().value(0));
    std::vector<double> scales;
    for (const auto& s : p.values(scale))
        scales.push_back(s.toDouble());
    if (p.isSet(generate)) {
        const auto file = p.value(generate);
        const auto counts = io::generateSnapshot(file.toStdString(), file.endsWith(QLatin1String(".json")),
                                                 {scales.empty() ? 1.0 : scales.front(), 42});
        out("wrote " + file.toStdString() + ": " + std::to_string(counts.objects) + " objects\n");
        return counts.objects ? kExitOk : kExitUsage;
    }
    if (scales.empty())
        scales = {0.1, 1.0, 4.0};
    QTemporaryDir tmp;
    const QString folder = p.isSet(dir) ? p.value(dir) : tmp.path();
    QDir().mkpath(folder);

    std::vector<Row> rows;
    // The scale curve: load cost per object at each size, compared with x1 afterwards (linear growth: ratio ~1).
    std::vector<std::tuple<double, std::string, double>> perObject; // (scale, format, s/object)
    for (double s : scales) {
        const auto tag = QString::number(s);
        const QString yamlFile = folder + QStringLiteral("/bench-") + tag + QStringLiteral(".yaml");
        const QString jsonFile = folder + QStringLiteral("/bench-") + tag + QStringLiteral(".json");
        const auto counts = io::generateSnapshot(yamlFile.toStdString(), false, {s, 42});
        io::generateSnapshot(jsonFile.toStdString(), true, {s, 42});
        const double yamlMb = static_cast<double>(QFileInfo(yamlFile).size()) / 1e6;
        const double jsonMb = static_cast<double>(QFileInfo(jsonFile).size()) / 1e6;
        const auto name = "x" + tag.toStdString() + ' ';
        err("bench x" + tag.toStdString() + ": " + std::to_string(counts.objects) + " objects, "
            + std::to_string(static_cast<int>(yamlMb)) + " MB YAML, " + std::to_string(static_cast<int>(jsonMb))
            + " MB JSON");
        for (const auto& [file, floorStep, format] :
             {std::tuple {yamlFile, QStringLiteral("yaml-floor"), std::string("yaml")},
              std::tuple {jsonFile, QStringLiteral("json-floor"), std::string("json")}}) {
            // Each step runs several times, alternating, and the median counts: single runs of a 0.1 s step vary by
            // half on this kind of machine.
            const int runs = s <= 1.0 ? 5 : 3;
            std::vector<Measure> floors;
            std::vector<Measure> loads;
            for (int run = 0; run < runs; ++run) {
                floors.push_back(measureStep(floorStep, file));
                loads.push_back(measureStep(QStringLiteral("load"), file));
            }
            const auto floor = median(floors);
            const auto load = median(loads);
            if (!floor.ok || !load.ok) {
                err("rbx bench: a " + format + " step failed");
                return kExitUsage;
            }
            rows.push_back({name + format + " floor", floor.seconds, "s", 0, ""});
            rows.push_back({name + format + " load", load.seconds, "s", load.seconds / floor.seconds,
                            "load / floor (target <= 1.5)"});
            const double peakMb = static_cast<double>(load.peakKb) / 1024.0;
            if (s == 1.0)
                rows.push_back({name + format + " peak RSS", peakMb, "MB", peakMb / 300.0, "peak RSS / 300 MB (target <= 1)"});
            else
                rows.push_back({name + format + " peak RSS", peakMb, "MB", 0, ""});
            const double objects = static_cast<double>(counts.objects);
            rows.push_back({name + format + " objects/s", objects / load.seconds, "/s", 0, ""});
            rows.push_back({name + format + " load per object", load.seconds / objects * 1e6, "us", 0, ""});
            rows.push_back({name + format + " peak RSS per object", static_cast<double>(load.peakKb) / objects, "KB", 0, ""});
            perObject.emplace_back(s, format, load.seconds / objects);
        }
        // Evaluation against the loaded snapshot.
        auto snapshot = io::loadSnapshot({jsonFile.toStdString()});
        const Policy policy(snapshot);
        const auto namespaces = policy.knownNamespaces();
        std::mt19937 rng(7);
        std::vector<Request> requests;
        const char* verbs[] = {"get", "list", "create", "delete", "patch"};
        const char* resources[] = {"pods", "secrets", "configmaps", "deployments", "services"};
        for (int i = 0; i < 4096; ++i) {
            const auto& ns = namespaces[rng() % namespaces.size()];
            Request r;
            r.user = impersonate("system:serviceaccount:" + ns + ":app-" + std::to_string(rng() % 4), {});
            const char* res = resources[rng() % 5];
            r.resource = {ns, verbs[rng() % 5], std::string(res) == "deployments" ? "apps" : "", "", res, "", ""};
            requests.push_back(std::move(r));
        }
        std::size_t decisions = 0;
        std::size_t allowed = 0;
        const auto evalStart = Clock::now();
        while (seconds(evalStart) < 1.0)
            for (const auto& r : requests) {
                allowed += policy.authorize(r).allowed;
                ++decisions;
            }
        const double perSecond = static_cast<double>(decisions) / seconds(evalStart);
        rows.push_back({name + "decisions/s", perSecond, "/s", perSecond / 2e6, "decisions/s / 2M (target >= 1)"});
        const MatrixRows rowsAll(matrixRows(policy, ResourceCatalog(*snapshot)));
        const auto user = impersonate("system:serviceaccount:ns-0:app-3", {});
        auto t = Clock::now();
        for (const auto& ns : namespaces)
            (void)accessMatrix(policy, user, ns, defaultMatrixVerbs(), rowsAll);
        const double matrixMs = seconds(t) * 1000;
        rows.push_back({name + "matrix, one SA, all namespaces", matrixMs, "ms", matrixMs / 20, "ms / 20 (target <= 1)"});
        t = Clock::now();
        const auto heat = heatMap(policy, summarizeSubjects(policy), rowsAll, std::vector<std::string> {"create"});
        const double heatS = seconds(t);
        rows.push_back({name + "heat map, all SAs, one verb", heatS, "s", heatS / 1.0, "s / 1 (target <= 1)"});
        double worstWhoCan = 0;
        for (const char* res : resources) {
            Request r;
            r.resource = {namespaces.front(), "get", "", "", res, "", ""};
            t = Clock::now();
            (void)whoCan(policy, r, true);
            worstWhoCan = std::max(worstWhoCan, seconds(t) * 1000);
        }
        rows.push_back({name + "who-can, worst of 5 (-A)", worstWhoCan, "ms", worstWhoCan / 10, "ms / 10 (target <= 1)"});
        (void)allowed;
        (void)heat;
    }
    for (const auto& [s, format, cost] : perObject) {
        if (s == 1.0)
            continue;
        for (const auto& [s1, format1, cost1] : perObject)
            if (s1 == 1.0 && format1 == format)
                rows.push_back({"x" + QString::number(s).toStdString() + ' ' + format + " load per object vs x1",
                                cost / cost1, "x", cost / cost1, "cost per object / x1's (linear: ~1)"});
    }
    std::vector<std::vector<std::string>> t {{"MEASURE", "VALUE", "RATIO", "RATIO MEANS"}};
    QJsonObject ratios;
    for (const auto& r : rows) {
        char value[64];
        std::snprintf(value, sizeof value, r.value >= 1000 ? "%.0f %s" : "%.3g %s", r.value, r.unit.c_str());
        char ratio[32] = "";
        if (!r.ratioMeaning.empty()) {
            std::snprintf(ratio, sizeof ratio, "%.2f", r.ratio);
            ratios.insert(qs(r.name), r.ratio);
        }
        t.push_back({r.name, value, ratio, r.ratioMeaning});
    }
    out(table(t));
    if (p.isSet(record)) {
        QFile f(p.value(record));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            err("rbx: cannot write " + p.value(record).toStdString());
            return kExitUsage;
        }
        f.write(QJsonDocument(ratios).toJson(QJsonDocument::Indented));
    }
    int result = kExitOk;
    if (p.isSet(compare)) {
        QFile f(p.value(compare));
        if (!f.open(QIODevice::ReadOnly)) {
            err("rbx: cannot read " + p.value(compare).toStdString());
            return kExitUsage;
        }
        const auto before = QJsonDocument::fromJson(f.readAll()).object();
        for (auto it = ratios.begin(); it != ratios.end(); ++it) {
            if (!before.contains(it.key()))
                continue;
            const double was = before.value(it.key()).toDouble();
            const double now = it.value().toDouble();
            // decisions/s grows when better; everything else shrinks when better.
            const bool higherIsBetter = it.key().contains(QLatin1String("decisions/s"));
            const double change = higherIsBetter ? (was - now) / was : (now - was) / was;
            if (was > 0 && change > 0.30) {
                out("REGRESSED " + it.key().toStdString() + ": " + std::to_string(was) + " -> " + std::to_string(now)
                    + '\n');
                result = kExitNo;
            }
        }
        if (result == kExitOk)
            out("no ratio regressed by more than 30 %\n");
    }
    return result;
}

namespace {
const RegisterCommand registration {"bench", "Benchmark load and evaluation on generated snapshots (ratios)",
                                    &cmdBench};
}

} // namespace rbx::cli
