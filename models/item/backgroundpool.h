// SPDX-License-Identifier: Apache-2.0
// The thread pool the views' analyses run in (token inventory, findings, heat map, diffs). Its threads run at a lower
// scheduling priority than the GUI thread: on a machine whose cores are busy (two analyses at once on two cores, or
// a compiler next door), the event loop still gets a core as soon as it has something to do.
#pragma once

class QThreadPool;

namespace rbx {

[[nodiscard]] QThreadPool* backgroundPool();
// Called first thing by a task of backgroundPool(): nice +10 on Linux, once per thread (it cannot be undone without
// privileges, which is why these threads are not the global pool's).
void lowerCurrentThreadPriority();

} // namespace rbx
