// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

#include <string>

namespace rbx::cli {

inline constexpr int kExitOk = 0; // also: "yes" for can-i
inline constexpr int kExitNo = 1; // can-i: "no" (as kubectl)
inline constexpr int kExitUsage = 2; // bad arguments, unreadable input, --strict with diagnostics

[[nodiscard]] std::string mainHelp();
// `args[0]` is the program, the command name is removed already.
int run(const QString& command, const QStringList& args);

} // namespace rbx::cli
