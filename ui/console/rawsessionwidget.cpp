#include "ui/console/rawsessionwidget.h"

#include "ui/console/commandlineedit.h"
#include "ui/terminal/terminalfindbar.h"
#include "ui/terminal/terminalview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTextCharFormat>
#include <QVBoxLayout>

namespace Tincan {

namespace {
const QColor SentColour(0x7f, 0x8c, 0x8d);
const QColor ReceivedColour(0xec, 0xf0, 0xf1);
const QColor ErrorColour(0xe7, 0x4c, 0x3c);
} // namespace

RawSessionWidget::RawSessionWidget(QWidget *parent)
    : QWidget(parent)
    , m_session(new RawSession(this))
    , m_pane(new TerminalView(this))
    , m_findBar(new TerminalFindBar(m_pane, this))
    , m_input(new CommandLineEdit(this))
    , m_viewBox(new QComboBox(this))
    , m_newlineBox(new QCheckBox(tr("Append newline"), this))
    , m_statusLabel(new QLabel(this))
    , m_reconnectButton(new QPushButton(tr("Reconnect"), this))
{
    // The console's pane: a flood of received bytes is painted about 60
    // times a second and trimmed to the scrollback, never slowing the window.
    m_pane->setObjectName(QStringLiteral("rawPane"));
    for (const QColor &colour : {SentColour, ReceivedColour, ErrorColour}) {
        QTextCharFormat format;
        format.setForeground(colour);
        m_pane->addStyle(format); // in TextKind's order
    }
    m_findBar->hide();
    connect(m_pane, &TerminalView::findRequested, m_findBar, &TerminalFindBar::openBar);
    connect(m_findBar, &TerminalFindBar::closed, this, [this] { m_input->setFocus(); });
    m_input->setObjectName(QStringLiteral("rawInput"));
    m_input->setPlaceholderText(tr("Type text and press Enter to send it"));
    m_viewBox->setObjectName(QStringLiteral("rawView"));
    m_viewBox->addItem(tr("Text"), int(View::Text));
    m_viewBox->addItem(tr("Hex"), int(View::Hex));
    m_viewBox->setToolTip(tr("How received bytes are shown"));
    m_newlineBox->setObjectName(QStringLiteral("rawNewline"));
    m_newlineBox->setToolTip(tr("Send a newline after each line, as netcat does. The tutorial's clients send none."));
    m_statusLabel->setObjectName(QStringLiteral("rawStatus"));
    m_reconnectButton->setObjectName(QStringLiteral("rawReconnect"));
    m_reconnectButton->hide();

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_statusLabel, 1);
    bar->addWidget(m_reconnectButton);
    bar->addWidget(new QLabel(tr("Show:"), this));
    bar->addWidget(m_viewBox);
    bar->addWidget(m_newlineBox);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pane, 1);
    layout->addWidget(m_findBar);
    layout->addLayout(bar);
    layout->addWidget(m_input);
    setFocusProxy(m_input);

    connect(m_input, &CommandLineEdit::commandSubmitted, this, &RawSessionWidget::send);
    connect(m_reconnectButton, &QPushButton::clicked, this, &RawSessionWidget::reconnect);
    connect(m_session, &RawSession::received, this, &RawSessionWidget::onReceived);
    connect(m_session, &RawSession::opened, this, [this] {
        m_connected = true;
        setStatus(tr("Connected to %1").arg(address()));
    });
    connect(m_session, &RawSession::errorOccurred, this, [this](const QString &message) {
        append(message + QLatin1Char('\n'), TextKind::Error);
        if (!m_session->isOpen())
            setStatus(message);
    });
    connect(m_session, &RawSession::closed, this, [this] {
        // After an error the status already says why; otherwise say it closed.
        if (std::exchange(m_connected, false))
            setStatus(tr("Disconnected from %1").arg(address()));
        m_reconnectButton->show();
    });
}

RawSessionWidget::~RawSessionWidget()
{
    // The session is a child: it would otherwise report closing to a widget
    // already half taken apart.
    m_session->disconnect(this);
}

QString RawSessionWidget::address() const
{
    return QStringLiteral("%1:%2 (%3)")
        .arg(m_session->host())
        .arg(m_session->port())
        .arg(m_session->transport() == RawSession::Transport::Tcp ? QStringLiteral("TCP") : QStringLiteral("UDP"));
}

void RawSessionWidget::open(const QString &host, quint16 port, RawSession::Transport transport)
{
    m_reconnectButton->hide();
    m_decoder.resetState();
    setStatus(tr("Connecting to %1:%2…").arg(host).arg(port));
    // UDP "connects" at once, inside open(): the status may change right here.
    m_session->open(host, port, transport);
}

void RawSessionWidget::reconnect()
{
    open(m_session->host(), m_session->port(), m_session->transport());
}

void RawSessionWidget::clear()
{
    m_pane->clearOutput();
    m_receivedBytes = 0;
}

void RawSessionWidget::setView(View view)
{
    m_viewBox->setCurrentIndex(m_viewBox->findData(int(view)));
}

RawSessionWidget::View RawSessionWidget::view() const
{
    return View(m_viewBox->currentData().toInt());
}

void RawSessionWidget::setAppendNewline(bool on)
{
    m_newlineBox->setChecked(on);
}

void RawSessionWidget::setStatus(const QString &status)
{
    m_status = status;
    m_statusLabel->setText(status);
    Q_EMIT statusChanged();
}

void RawSessionWidget::send(const QString &line)
{
    QByteArray bytes = line.toUtf8();
    if (m_newlineBox->isChecked())
        bytes.append('\n');
    if (!m_session->send(bytes)) {
        append(m_session->errorString() + QLatin1Char('\n'), TextKind::Error);
        return;
    }
    append(QStringLiteral("→ %1\n").arg(line), TextKind::Sent);
}

void RawSessionWidget::onReceived(const QByteArray &bytes)
{
    if (view() == View::Hex) {
        append(hexDump(bytes, m_receivedBytes), TextKind::Received);
    } else {
        // Stateful: a character split between two reads comes out whole.
        append(m_decoder.decode(bytes), TextKind::Received);
        if (m_session->transport() == RawSession::Transport::Udp)
            append(QStringLiteral("\n"), TextKind::Received); // one datagram, one line
    }
    m_receivedBytes += bytes.size();
}

void RawSessionWidget::append(const QString &text, TextKind kind)
{
    // What arrives need not end with a newline (the tutorial's echo sends
    // none): what is sent, and errors, start a line of their own.
    if (kind != TextKind::Received)
        m_pane->startNewLine();
    m_pane->write(int(kind), text);
}

QString RawSessionWidget::hexDump(const QByteArray &bytes, qint64 offset)
{
    QString dump;
    for (qsizetype i = 0; i < bytes.size(); i += HexBytesPerLine) {
        const QByteArray line = bytes.mid(i, HexBytesPerLine);
        QString hex;
        QString text;
        for (char c : line) {
            hex += QStringLiteral("%1 ").arg(quint8(c), 2, 16, QLatin1Char('0'));
            text += (c >= 0x20 && c < 0x7f) ? QLatin1Char(c) : QLatin1Char('.');
        }
        dump += QStringLiteral("%1  %2 %3\n")
                    .arg(offset + i, 8, 16, QLatin1Char('0'))
                    .arg(hex, -HexBytesPerLine * 3)
                    .arg(text);
    }
    return dump;
}

} // namespace Tincan
