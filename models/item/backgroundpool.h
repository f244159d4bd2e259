// SPDX-License-Identifier: Apache-2.0
// The thread pool the views' analyses run in (token inventory, findings, heat map, diffs). Its threads run at a lower
// scheduling priority than the GUI thread: on a machine whose cores are busy (two analyses at once on two cores, or
// a compiler next door), the event loop still gets a core as soon as it has something to do.
#pragma once

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <utility>

namespace rbx {

[[nodiscard]] QThreadPool* backgroundPool();
// Called first thing by every task of backgroundPool() (runInBackground and startInBackground do it): nice +10 on
// Linux, once per thread (it cannot be undone without privileges, which is why these threads are not the global
// pool's).
void lowerCurrentThreadPriority();

// f() in backgroundPool(), at its lower priority; its result comes as a QFuture.
template<typename F>
[[nodiscard]] auto runInBackground(F&& f)
{
    return QtConcurrent::run(backgroundPool(), [f = std::forward<F>(f)]() mutable {
        lowerCurrentThreadPriority();
        return f();
    });
}

// The same without a result (e.g. freeing what the GUI thread no longer needs).
void startInBackground(std::function<void()> f);

} // namespace rbx
