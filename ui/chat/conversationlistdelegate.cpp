#include "ui/chat/conversationlistdelegate.h"

#include "models/chat/conversationlistmodel.h"
#include "models/chat/conversationmodel.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace Tincan {

namespace {
constexpr int Padding = 8;       // around the row's content
constexpr int LineGap = 3;       // between the two lines of text
constexpr int ColumnGap = 8;     // between the avatar, the text and the right column
constexpr int BadgePaddingX = 6; // inside the unread badge
constexpr qreal SmallFontScale = 0.85;
constexpr int MinimumTextWidth = 120;
// Avatar colours, picked by the name so that a contact keeps its colour.
constexpr QRgb AvatarColors[] = {0x1c71d8, 0x26a269, 0xc64600, 0x9141ac, 0x0b7a75, 0xa51d2d, 0x865e3c, 0x3d5a99};
const QColor BadgeColor(0xe0, 0x1b, 0x24);
const QColor BadgeTextColor(Qt::white);
const QColor AvatarTextColor(Qt::white);

QFont smallFont(const QFont &font)
{
    QFont small = font;
    small.setPointSizeF(font.pointSizeF() * SmallFontScale);
    return small;
}

// A fixed hash (qHash is seeded per process): the same name, the same colour, every run.
QRgb avatarColor(const QString &name)
{
    quint32 hash = 0;
    for (QChar c : name)
        hash = hash * 31 + c.unicode();
    return AvatarColors[hash % std::size(AvatarColors)];
}

QString initialOf(const QString &title, bool named)
{
    if (!named || title.isEmpty())
        return QStringLiteral("?");
    // A whole character, even outside the BMP.
    const int length = title.at(0).isHighSurrogate() && title.size() > 1 ? 2 : 1;
    return title.left(length).toUpper();
}

// A circle of `color` with the initial in it.
void drawAvatar(QPainter *painter, const QRect &avatar, const QColor &color, const QFont &bold, const QString &initial)
{
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawEllipse(avatar);
    QFont avatarFont = bold;
    avatarFont.setPixelSize(avatar.height() * 4 / 10);
    painter->setFont(avatarFont);
    painter->setPen(AvatarTextColor);
    painter->drawText(avatar, Qt::AlignCenter, initial);
}

// The unread count in a pill whose right edge is `right`, centred on the line
// at `lineTop`; returns the pill's width.
int drawBadge(QPainter *painter, const QFont &small, const QString &count, int right, int lineTop, int lineHeight)
{
    QFont badgeFont = small;
    badgeFont.setBold(true);
    const QFontMetrics badgeMetrics(badgeFont);
    const int height = badgeMetrics.height() + 2;
    const int width = std::max(height, badgeMetrics.horizontalAdvance(count) + 2 * BadgePaddingX);
    const QRect badge(right + 1 - width, lineTop + (lineHeight - height) / 2, width, height);
    QPainterPath pill;
    pill.addRoundedRect(QRectF(badge), height / 2.0, height / 2.0);
    painter->fillPath(pill, BadgeColor);
    painter->setFont(badgeFont);
    painter->setPen(BadgeTextColor);
    painter->drawText(badge, Qt::AlignCenter, count);
    return width;
}

} // namespace

ConversationListDelegate::ConversationListDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

QString ConversationListDelegate::badgeText(qint64 count)
{
    return count > MaxBadgeCount ? QStringLiteral("%1+").arg(MaxBadgeCount) : QString::number(count);
}

QSize ConversationListDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    const int lineHeight = QFontMetrics(option.font).height();
    const int height = 2 * Padding + 2 * lineHeight + LineGap;
    return {height + ColumnGap + MinimumTextWidth, height};
}

void ConversationListDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                     const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    // The style draws the selection and hover background; the rest is ours.
    opt.text.clear();
    opt.icon = QIcon();
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, widget);

    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette::ColorGroup group = opt.state & QStyle::State_Active ? QPalette::Active : QPalette::Inactive;
    const QColor textColor = opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text);
    const QColor dimColor = selected ? textColor : opt.palette.color(group, QPalette::PlaceholderText);

    const QString title = index.data(ConversationListModel::TitleRole).toString();
    const QString address = index.data(ConversationListModel::AddressRole).toString();
    const bool contact = index.data(ConversationListModel::IsContactRole).toBool();
    const qint64 unread = index.data(ConversationListModel::UnreadRole).toLongLong();
    const QDateTime lastTime = index.data(ConversationListModel::LastTimeRole).toDateTime();
    QString lastText = index.data(ConversationListModel::LastTextRole).toString();
    if (index.data(ConversationListModel::LastOutgoingRole).toBool())
        lastText = tr("You: %1").arg(lastText);

    const QRect content = opt.rect.adjusted(Padding, Padding, -Padding, -Padding);
    const QFont font = opt.font;
    QFont bold = font;
    bold.setBold(true);
    const QFont small = smallFont(font);
    const QFontMetrics metrics(font);
    const QFontMetrics boldMetrics(bold);
    const QFontMetrics smallMetrics(small);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);

    // Avatar.
    const int diameter = content.height();
    const QRect avatar(content.left(), content.top(), diameter, diameter);
    // A conversation known only by its address has no name to take an initial from.
    const bool named = contact || title != address;
    drawAvatar(painter, avatar, named ? QColor(avatarColor(title)) : opt.palette.color(QPalette::Mid), bold,
               initialOf(title, named));

    const int textLeft = avatar.right() + 1 + ColumnGap;
    const int firstTop = content.top();
    const int secondTop = content.top() + metrics.height() + LineGap;

    // Right column: the time above, the badge below.
    int firstRight = content.right();
    if (lastTime.isValid()) {
        const QString time = ConversationModel::displayTime(lastTime, false);
        const int width = smallMetrics.horizontalAdvance(time);
        painter->setFont(small);
        painter->setPen(dimColor);
        painter->drawText(QRect(content.right() + 1 - width, firstTop, width, metrics.height()),
                          Qt::AlignRight | Qt::AlignVCenter, time);
        firstRight -= width + ColumnGap;
    }
    int secondRight = content.right();
    if (unread > 0)
        secondRight
            -= drawBadge(painter, small, badgeText(unread), content.right(), secondTop, metrics.height()) + ColumnGap;

    // First line: the name, then (for contacts) the address, dimmer.
    int x = textLeft;
    const int firstWidth = std::max(0, firstRight - textLeft);
    const QString name = boldMetrics.elidedText(title, Qt::ElideRight, firstWidth);
    painter->setFont(bold);
    painter->setPen(textColor);
    painter->drawText(QRect(x, firstTop, firstWidth, metrics.height()), Qt::AlignLeft | Qt::AlignVCenter, name);
    x += boldMetrics.horizontalAdvance(name) + ColumnGap;
    if (!address.isEmpty() && !title.contains(address) && x < firstRight) {
        const QString shown = smallMetrics.elidedText(address, Qt::ElideRight, firstRight - x);
        painter->setFont(small);
        painter->setPen(dimColor);
        painter->drawText(QRect(x, firstTop, firstRight - x, metrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                          shown);
    }

    // Second line: the last message, or why there is none.
    const int secondWidth = std::max(0, secondRight - textLeft);
    const QString second = lastTime.isValid() ? lastText : tr("No messages yet");
    painter->setFont(font);
    painter->setPen(lastTime.isValid() && unread > 0 ? textColor : dimColor);
    painter->drawText(QRect(textLeft, secondTop, secondWidth, metrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      metrics.elidedText(second, Qt::ElideRight, secondWidth));
    painter->restore();
}

} // namespace Tincan
