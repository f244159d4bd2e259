// SPDX-License-Identifier: Apache-2.0
#include "ui/rotatedheader.h"

#include <QPainter>

namespace rbx {

RotatedHeader::RotatedHeader(int firstRotated, QWidget* parent)
    : QHeaderView(Qt::Horizontal, parent)
    , m_firstRotated(firstRotated)
{
    setSectionsClickable(true);
    setHighlightSections(true);
}

QSize RotatedHeader::sizeHint() const
{
    QSize s = QHeaderView::sizeHint();
    int longest = 0;
    if (model())
        for (int i = m_firstRotated; i < count(); ++i)
            longest = std::max(longest, fontMetrics().horizontalAdvance(model()->headerData(i, Qt::Horizontal).toString()));
    s.setHeight(std::max(s.height(), std::min(220, longest + 16)));
    return s;
}

QSize RotatedHeader::sectionSizeFromContents(int logicalIndex) const
{
    if (logicalIndex < m_firstRotated)
        return QHeaderView::sectionSizeFromContents(logicalIndex);
    return {fontMetrics().height() + 8, sizeHint().height()};
}

void RotatedHeader::paintSection(QPainter* painter, const QRect& rect, int logicalIndex) const
{
    if (logicalIndex < m_firstRotated) {
        QHeaderView::paintSection(painter, rect, logicalIndex);
        return;
    }
    painter->save();
    QStyleOptionHeader opt;
    initStyleOption(&opt);
    opt.rect = rect;
    opt.section = logicalIndex;
    style()->drawControl(QStyle::CE_HeaderSection, &opt, painter, this);
    const auto text = model()->headerData(logicalIndex, Qt::Horizontal).toString();
    painter->translate(rect.left() + rect.width() / 2 + fontMetrics().ascent() / 2 - 1, rect.bottom() - 6);
    painter->rotate(-90);
    painter->setPen(palette().color(QPalette::ButtonText));
    painter->drawText(0, 0, fontMetrics().elidedText(text, Qt::ElideMiddle, rect.height() - 10));
    painter->restore();
}

} // namespace rbx
