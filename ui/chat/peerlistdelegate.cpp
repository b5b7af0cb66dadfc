#include "ui/chat/peerlistdelegate.h"

#include "models/chat/peerlistmodel.h"

#include <QApplication>
#include <QPainter>

namespace Tincan {

namespace {
constexpr int Padding = 6;   // around a row's content
constexpr int LineGap = 2;   // between the name and the address
constexpr int ColumnGap = 8; // between the dot, the text and the protocol
constexpr int DotSize = 10;
constexpr int HeadingTopGap = 8; // a heading stands apart from the group above
constexpr qreal SmallFontScale = 0.85;
const QColor OnlineColor(0x2e, 0xc2, 0x7e);
const QColor AwayColor(0xf5, 0xc2, 0x11);
const QColor OfflineColor(0x9a, 0x99, 0x96);

QFont scaled(const QFont &font, qreal scale)
{
    QFont small = font;
    small.setPointSizeF(font.pointSizeF() * scale);
    return small;
}

PeerListModel::RowKind kindOf(const QModelIndex &index)
{
    return index.data(PeerListModel::KindRole).value<PeerListModel::RowKind>();
}
} // namespace

QColor PeerListDelegate::stateColor(int state)
{
    switch (PeerListModel::State(state)) {
    case PeerListModel::State::Online:
        return OnlineColor;
    case PeerListModel::State::Away:
        return AwayColor;
    case PeerListModel::State::Offline:
    case PeerListModel::State::Unknown:
        break;
    }
    return OfflineColor;
}

QSize PeerListDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QFontMetrics normal(option.font);
    const QFontMetrics small(scaled(option.font, SmallFontScale));
    if (kindOf(index) == PeerListModel::RowKind::Heading)
        return {0, HeadingTopGap + small.height() + Padding};
    return {0, Padding + normal.height() + LineGap + small.height() + Padding};
}

void PeerListDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QFont smallFont = scaled(option.font, SmallFontScale);
    const QPalette &palette = option.palette;
    const QRect content = option.rect.adjusted(Padding, 0, -Padding, 0);

    if (kindOf(index) == PeerListModel::RowKind::Heading) {
        QFont heading = smallFont;
        heading.setBold(true);
        heading.setCapitalization(QFont::AllUppercase);
        painter->setFont(heading);
        painter->setPen(palette.color(QPalette::Disabled, QPalette::WindowText));
        const QRect text = content.adjusted(0, HeadingTopGap, 0, 0);
        painter->drawText(text, Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetrics(heading).elidedText(opt.text, Qt::ElideRight, text.width()));
        painter->restore();
        return;
    }

    // The selection and hover, as the style draws them.
    opt.text.clear();
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
    const bool selected = option.state & QStyle::State_Selected;
    const QColor text = palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    const QColor dim = selected ? text : palette.color(QPalette::PlaceholderText);

    const int state = int(index.data(PeerListModel::StateRole).value<PeerListModel::State>());
    const QFontMetrics normal(option.font);
    const QFontMetrics small(smallFont);
    const int nameTop = option.rect.top() + Padding;
    const QRect dot(content.left(), nameTop + (normal.height() - DotSize) / 2, DotSize, DotSize);
    if (PeerListModel::State(state) == PeerListModel::State::Unknown) {
        painter->setPen(QPen(stateColor(state), 1.5));
        painter->setBrush(Qt::NoBrush);
        painter->drawEllipse(QRectF(dot).adjusted(1, 1, -1, -1));
    } else {
        painter->setPen(Qt::NoPen);
        painter->setBrush(stateColor(state));
        painter->drawEllipse(dot);
    }

    const QString protocol = index.data(PeerListModel::ProtocolTextRole).toString();
    const int protocolWidth = small.horizontalAdvance(protocol);
    const int textLeft = dot.right() + ColumnGap;
    const int textRight = content.right() - protocolWidth - ColumnGap;
    const QRect nameRect(textLeft, nameTop, std::max(0, textRight - textLeft), normal.height());
    const QRect detailRect(textLeft, nameTop + normal.height() + LineGap, content.right() - textLeft, small.height());

    QFont nameFont = option.font;
    const bool offline = PeerListModel::State(state) == PeerListModel::State::Offline;
    nameFont.setBold(!offline);
    painter->setFont(nameFont);
    painter->setPen(offline && !selected ? dim : text);
    painter->drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(nameFont).elidedText(index.data(PeerListModel::NameRole).toString(), Qt::ElideRight,
                                                        nameRect.width()));
    painter->setFont(smallFont);
    painter->setPen(dim);
    const QString state_ = index.data(PeerListModel::StateTextRole).toString();
    const QString detail = tr("%1 · %2").arg(state_, index.data(PeerListModel::DetailRole).toString());
    painter->drawText(detailRect, Qt::AlignLeft | Qt::AlignVCenter,
                      small.elidedText(detail, Qt::ElideMiddle, detailRect.width()));
    painter->drawText(QRect(content.right() - protocolWidth, nameTop, protocolWidth, normal.height()),
                      Qt::AlignRight | Qt::AlignVCenter, protocol);
    painter->restore();
}

} // namespace Tincan
