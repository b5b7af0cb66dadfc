#include "ui/chat/messagedelegate.h"

#include "models/chat/conversationmodel.h"

#include <QAbstractItemView>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTextLayout>

#include <cmath>

namespace Tincan {

namespace {
constexpr int SideMargin = 12;  // between the view's edge and a bubble
constexpr int ItemSpacing = 10; // between two messages
constexpr int HeaderGap = 2;    // between the header and the bubble
constexpr int StatusGap = 2;    // between the bubble and the state
constexpr int BubblePaddingX = 10;
constexpr int BubblePaddingY = 6;
constexpr qreal BubbleRadius = 10;
constexpr int MinTextWidth = 40; // even in a very narrow view
constexpr int RetryPaddingX = 8; // inside the Retry button
constexpr int RetryGap = 8;      // between the Retry button and the state
constexpr qreal SmallFontScale = 0.85;
// How much of the highlight colour tints the user's own bubbles, and of the
// text colour the others'.
constexpr qreal OwnTint = 0.22;
constexpr qreal OtherTint = 0.07;
const QColor FailedColor(0xc0, 0x1c, 0x28);

QColor mix(const QColor &a, const QColor &b, qreal amount)
{
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * amount, a.greenF() + (b.greenF() - a.greenF()) * amount,
                            a.blueF() + (b.blueF() - a.blueF()) * amount);
}

// QTextLayout breaks lines at U+2028, not at "\n".
QString layoutText(const QString &text)
{
    QString result = text;
    result.replace(QLatin1Char('\n'), QChar::LineSeparator);
    return result;
}

// Lays `layout` out in lines at most `width` wide; returns the size it takes.
QSize wrap(QTextLayout &layout, int width)
{
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    qreal height = 0;
    qreal used = 0;
    layout.beginLayout();
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(width);
        line.setPosition(QPointF(0, height));
        height += line.height();
        used = std::max(used, line.naturalTextWidth());
    }
    layout.endLayout();
    return {int(std::ceil(used)), int(std::ceil(height))};
}

} // namespace

MessageDelegate::MessageDelegate(QAbstractItemView *view)
    : QStyledItemDelegate(view)
    , m_view(view)
{
}

QFont MessageDelegate::smallFont(const QFont &font) const
{
    QFont small = font;
    small.setPointSizeF(font.pointSizeF() * SmallFontScale);
    return small;
}

int MessageDelegate::viewportWidth(const QStyleOptionViewItem &option) const
{
    // sizeHint() is not given the item's width: bubbles wrap to the viewport.
    return m_view ? m_view->viewport()->width() : option.rect.width();
}

QString MessageDelegate::headerText(const QModelIndex &index) const
{
    return tr("%1 · %2").arg(
        index.data(ConversationModel::SenderRole).toString(),
        ConversationModel::displayTime(index.data(ConversationModel::TimeRole).toDateTime(), true));
}

MessageDelegate::Geometry MessageDelegate::geometry(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const bool own = index.data(ConversationModel::OutgoingRole).toBool();
    const QFont small = smallFont(option.font);
    const QFontMetrics smallMetrics(small);
    const int width = viewportWidth(option);
    const int left = option.rect.left() + SideMargin;
    const int right = option.rect.left() + width - SideMargin;

    Geometry g;
    int y = option.rect.top() + ItemSpacing / 2;

    const int headerWidth = smallMetrics.horizontalAdvance(headerText(index));
    g.header = own ? QRect(right - headerWidth, y, headerWidth, smallMetrics.height())
                   : QRect(left, y, headerWidth, smallMetrics.height());
    y += g.header.height() + HeaderGap;

    const int maxText = std::max(MinTextWidth, int(width * MaxBubbleWidthRatio) - 2 * BubblePaddingX);
    QTextLayout layout(layoutText(index.data(ConversationModel::TextRole).toString()), option.font);
    QSize text = wrap(layout, maxText);
    text.setHeight(std::max(text.height(), QFontMetrics(option.font).height()));
    const QSize bubble(text.width() + 2 * BubblePaddingX, text.height() + 2 * BubblePaddingY);
    g.bubble = own ? QRect(QPoint(right - bubble.width(), y), bubble) : QRect(QPoint(left, y), bubble);
    g.text = g.bubble.adjusted(BubblePaddingX, BubblePaddingY, -BubblePaddingX, -BubblePaddingY);
    y += bubble.height();

    if (own) {
        y += StatusGap;
        // One height whether or not the Retry button shows, so that a state
        // change never needs a new layout.
        const int lineHeight = smallMetrics.height() + 2 * StatusGap;
        const QString state = index.data(ConversationModel::StateTextRole).toString();
        const int stateWidth = smallMetrics.horizontalAdvance(state);
        g.status = QRect(right - stateWidth, y, stateWidth, lineHeight);
        if (index.data(ConversationModel::CanRetryRole).toBool()) {
            const int retryWidth = smallMetrics.horizontalAdvance(tr("Retry")) + 2 * RetryPaddingX;
            g.retry = QRect(g.status.left() - RetryGap - retryWidth, y, retryWidth, lineHeight);
        }
        y += lineHeight;
    }
    y += ItemSpacing / 2;
    g.height = y - option.rect.top();
    return g;
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.rect = QRect(0, 0, viewportWidth(option), 0);
    // Narrower than the viewport, so that no horizontal scroll bar appears.
    return {std::max(0, viewportWidth(option) - 1), geometry(opt, index).height};
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const Geometry g = geometry(opt, index);
    const bool own = index.data(ConversationModel::OutgoingRole).toBool();
    const QPalette &palette = opt.palette;
    const QFont small = smallFont(opt.font);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);

    painter->setFont(small);
    painter->setPen(palette.color(QPalette::PlaceholderText));
    painter->drawText(g.header, Qt::AlignLeft | Qt::AlignVCenter, headerText(index));

    const QColor base = palette.color(QPalette::Base);
    const QColor fill = own ? mix(base, palette.color(QPalette::Highlight), OwnTint)
                            : mix(base, palette.color(QPalette::Text), OtherTint);
    QPainterPath bubble;
    bubble.addRoundedRect(QRectF(g.bubble), BubbleRadius, BubbleRadius);
    painter->fillPath(bubble, fill);

    painter->setPen(palette.color(QPalette::Text));
    QTextLayout layout(layoutText(index.data(ConversationModel::TextRole).toString()), opt.font);
    wrap(layout, g.text.width());
    layout.draw(painter, g.text.topLeft());

    if (own) {
        const bool failed = index.data(ConversationModel::CanRetryRole).toBool();
        painter->setFont(small);
        painter->setPen(failed ? FailedColor : palette.color(QPalette::PlaceholderText));
        painter->drawText(g.status, Qt::AlignRight | Qt::AlignVCenter,
                          index.data(ConversationModel::StateTextRole).toString());
        if (!g.retry.isEmpty()) {
            QPainterPath button;
            button.addRoundedRect(QRectF(g.retry).adjusted(0.5, 0.5, -0.5, -0.5), g.retry.height() / 2.0,
                                  g.retry.height() / 2.0);
            painter->fillPath(button, palette.color(QPalette::Button));
            painter->setPen(palette.color(QPalette::Mid));
            painter->drawPath(button);
            painter->setPen(palette.color(QPalette::ButtonText));
            painter->drawText(g.retry, Qt::AlignCenter, tr("Retry"));
        }
    }
    painter->restore();
}

QRect MessageDelegate::retryButtonRect(const QModelIndex &index) const
{
    if (!m_view || !index.isValid())
        return QRect();
    QStyleOptionViewItem opt;
    opt.initFrom(m_view->viewport());
    opt.font = m_view->font();
    opt.rect = m_view->visualRect(index);
    initStyleOption(&opt, index);
    return geometry(opt, index).retry;
}

bool MessageDelegate::editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                                  const QModelIndex &index)
{
    if (event->type() == QEvent::MouseButtonPress || event->type() == QEvent::MouseButtonRelease) {
        auto *mouse = static_cast<QMouseEvent *>(event);
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QRect retry = geometry(opt, index).retry;
        if (mouse->button() == Qt::LeftButton && retry.contains(mouse->position().toPoint())) {
            if (event->type() == QEvent::MouseButtonRelease)
                Q_EMIT retryClicked(index);
            return true;
        }
    }
    return QStyledItemDelegate::editorEvent(event, model, option, index);
}

} // namespace Tincan
