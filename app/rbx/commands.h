// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "app/rbx/cli.h"

#include <QStringList>

#include <string>

namespace rbx::cli {

[[nodiscard]] std::string mainHelp();
// `args[0]` is the program, the command name is removed already.
int run(const QString& command, const QStringList& args);

} // namespace rbx::cli
