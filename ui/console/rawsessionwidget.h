// The Console tab's raw mode: a plain TCP or UDP session, like netcat. What
// arrives is shown as text or as a hex dump; what is typed is sent as it is
// (optionally with a newline), with no framing.
#pragma once

#include "net/services/rawsession.h"

#include <QStringDecoder>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;

namespace Tincan {

class CommandLineEdit;
class TerminalFindBar;
class TerminalView;

class RawSessionWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RawSessionWidget)

public:
    enum class View {
        Text,
        Hex,
    };

    // Bytes per hex dump line.
    static constexpr int HexBytesPerLine = 16;

    explicit RawSessionWidget(QWidget *parent = nullptr);
    ~RawSessionWidget() override;

    void open(const QString &host, quint16 port, RawSession::Transport transport);
    RawSession *session() const { return m_session; }
    QString address() const;
    QString statusText() const { return m_status; }
    void setView(View view);
    View view() const;
    void setAppendNewline(bool on);

    TerminalView *pane() const { return m_pane; }
    CommandLineEdit *input() const { return m_input; }

    // A hex dump of `bytes`, starting at `offset` (offset, hex, printable).
    static QString hexDump(const QByteArray &bytes, qint64 offset = 0);

public Q_SLOTS:
    void reconnect();
    void clear();

Q_SIGNALS:
    void statusChanged();

private:
    void send(const QString &line);
    void onReceived(const QByteArray &bytes);
    enum class TextKind { Sent, Received, Error };
    void append(const QString &text, TextKind kind);
    void setStatus(const QString &status);

    RawSession *m_session;
    TerminalView *m_pane;
    TerminalFindBar *m_findBar;
    CommandLineEdit *m_input;
    QComboBox *m_viewBox;
    QCheckBox *m_newlineBox;
    QLabel *m_statusLabel;
    QPushButton *m_reconnectButton;
    QStringDecoder m_decoder{QStringDecoder::Utf8};
    qint64 m_receivedBytes = 0;
    bool m_connected = false;
    QString m_status;
};

} // namespace Tincan
