// SPDX-License-Identifier: Apache-2.0
// Saving a Qt Charts view as PNG or SVG (by the file's suffix), after its pending layout so every label is there.
#pragma once

#include <QString>

QT_BEGIN_NAMESPACE
class QChartView;
QT_END_NAMESPACE

namespace rbx {

bool saveChartView(QChartView* view, const QString& path);

} // namespace rbx
