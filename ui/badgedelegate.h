// SPDX-License-Identifier: Apache-2.0
// Paints a subject's name followed by small coloured badges (default SA, automount, legacy token, ...).
#pragma once

#include <QStyledItemDelegate>

namespace rbx {

struct BadgeStyle
{
    int flag;
    const char* text;
    unsigned rgb;
};

// Badge flags (SubjectTreeModel::Badge) in display order, with short labels and colours.
const std::vector<BadgeStyle>& badgeStyles();

class BadgeDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit BadgeDelegate(QObject* parent = nullptr);
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace rbx
