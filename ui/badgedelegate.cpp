// SPDX-License-Identifier: Apache-2.0
#include "ui/badgedelegate.h"

#include "models/item/subjecttreemodel.h"

#include <QApplication>
#include <QPainter>

namespace rbx {

const std::vector<BadgeStyle>& badgeStyles()
{
    static const std::vector<BadgeStyle> styles {
        {SubjectTreeModel::ClusterAdminBadge, "admin", 0xc62828},
        {SubjectTreeModel::DanglingBadge, "missing", 0x6a1b9a},
        {SubjectTreeModel::LegacyTokenBadge, "token", 0xef6c00},
        {SubjectTreeModel::DefaultBadge, "default", 0x455a64},
        {SubjectTreeModel::AutomountBadge, "automount", 0x1565c0},
        {SubjectTreeModel::CloudIdentityBadge, "cloud", 0x00838f},
        {SubjectTreeModel::UnusedBadge, "unused", 0x9e9e9e},
    };
    return styles;
}

BadgeDelegate::BadgeDelegate(QObject* parent)
    : QStyledItemDelegate(parent)
{
}

void BadgeDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    const int badges = index.data(SubjectTreeModel::BadgesRole).toInt();
    QFont small = opt.font;
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.78));
    const QFontMetrics sfm(small);
    // The name first, whole if it fits; badges follow while there is room (the tooltip lists them all).
    const QFontMetrics fm(opt.font);
    const QRect textRect = opt.rect.adjusted(4, 0, -4, 0);
    const QString text = fm.elidedText(opt.text, Qt::ElideRight, std::max(20, textRect.width()));
    opt.text.clear();
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
    painter->save();
    painter->setPen(opt.palette.color(opt.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
    painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, text);
    int x = textRect.left() + fm.horizontalAdvance(text) + 6;
    painter->setFont(small);
    painter->setRenderHint(QPainter::Antialiasing);
    for (const auto& b : badgeStyles()) {
        if (!(badges & b.flag))
            continue;
        const QString label = QString::fromLatin1(b.text);
        const int w = sfm.horizontalAdvance(label) + 8;
        if (x + w > textRect.right())
            break;
        const QRect r(x, opt.rect.center().y() - sfm.height() / 2 - 1, w, sfm.height() + 2);
        painter->setPen(Qt::NoPen);
        painter->setBrush(QColor::fromRgb(b.rgb));
        painter->drawRoundedRect(r, 4, 4);
        painter->setPen(Qt::white);
        painter->drawText(r, Qt::AlignCenter, label);
        x += w + 2;
    }
    painter->restore();
}

QSize BadgeDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    const int badges = index.data(SubjectTreeModel::BadgesRole).toInt();
    QFont small = option.font;
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.78));
    const QFontMetrics sfm(small);
    for (const auto& b : badgeStyles())
        if (badges & b.flag)
            size.rwidth() += sfm.horizontalAdvance(QString::fromLatin1(b.text)) + 10;
    size.setHeight(std::max(size.height(), sfm.height() + 6));
    return size;
}

} // namespace rbx
