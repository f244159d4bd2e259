// SPDX-License-Identifier: Apache-2.0
#include "models/item/backgroundpool.h"

#include <QThread>
#include <QThreadPool>

#include <algorithm>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace rbx {

namespace {

struct Pool
{
    Pool()
    {
        pool.setObjectName(QStringLiteral("rbx-background"));
        pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
    }
    QThreadPool pool; // waits for its tasks when the process exits
};

Q_GLOBAL_STATIC(Pool, s_pool)

} // namespace

QThreadPool* backgroundPool()
{
    return &s_pool->pool;
}

void startInBackground(std::function<void()> f)
{
    backgroundPool()->start([f = std::move(f)] {
        lowerCurrentThreadPriority();
        f();
    });
}

void lowerCurrentThreadPriority()
{
    thread_local bool lowered = false;
    if (lowered)
        return;
    lowered = true;
#ifdef Q_OS_LINUX
    // Linux schedules threads, and nice applies to the thread whose id is given.
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, tid);
    if (errno == 0)
        setpriority(PRIO_PROCESS, tid, std::min(19, nice + 10));
#endif
}

} // namespace rbx
