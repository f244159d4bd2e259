// SPDX-License-Identifier: Apache-2.0
// A horizontal header whose sections from `firstRotated` on are written bottom-up, so many narrow columns
// (verbs, resources) stay readable.
#pragma once

#include <QHeaderView>

namespace rbx {

class RotatedHeader final : public QHeaderView
{
    Q_OBJECT
public:
    RotatedHeader(int firstRotated, QWidget* parent);
    QSize sizeHint() const override;

protected:
    void paintSection(QPainter* painter, const QRect& rect, int logicalIndex) const override;
    QSize sectionSizeFromContents(int logicalIndex) const override;

private:
    int m_firstRotated;
};

} // namespace rbx
