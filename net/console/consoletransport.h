// The bytes of one console connection: the socket, the protocol detector's
// hand-off, the frame decoder, flow control and sending. It knows nothing of
// logins or commands: it reports what arrives (a decided protocol, frames,
// classic bytes) and what goes out, and the connection decides.
#pragma once

#include "net/wire/frame.h"
#include "net/wire/protocoldetector.h"

#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace Tincan {

class ConsoleTransport final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleTransport)

public:
    // Takes the socket (it becomes a child of the transport). Strangers get
    // little room (the pre-login limits) until setSessionLimits().
    explicit ConsoleTransport(QTcpSocket *socket, QObject *parent = nullptr);
    ~ConsoleTransport() override;

    QTcpSocket *socket() const { return m_socket; }
    WireProtocol protocol() const { return m_protocol; }
    // Disconnected, or closed by closeWhenFlushed(): nothing is sent any more.
    bool isGone() const { return m_gone; }
    qint64 bytesToWrite() const;
    // Whether commands' output should wait (unsent output above the high water).
    bool isOutputPaused() const { return m_outputPaused; }

    // Reads what has already arrived; called once the connection is set up.
    void start();
    // Logged in: the roomier limits of an established connection.
    void setSessionLimits();
    // Nothing more is handed on; what arrives is discarded.
    void stopReading();
    // Reads (at most maxSize bytes, or all) and reports them (classic input).
    QByteArray read(qint64 maxSize = -1);
    // Sends one frame (nothing once gone).
    void send(const QJsonObject &header, QByteArrayView payload = {});
    // An error message, with the request's id when there is one.
    void sendError(QLatin1StringView code, const QString &message, const QJsonValue &requestId = QJsonValue());
    // Flushes what is queued, then disconnects. True once the socket is gone;
    // false while data is still being written (disconnected() follows).
    bool closeWhenFlushed();
    void abort();

Q_SIGNALS:
    // The first bytes decided the protocol; `firstBytes` are what was looked at.
    // A framed connection goes on to decode them (and what follows) unless
    // stopReading() was called from here.
    void protocolDecided(Tincan::WireProtocol protocol, const QByteArray &firstBytes);
    void frameReceived(const Tincan::Frame &frame);
    void decodeFailed(const QString &message);
    // A classic connection has bytes to read (read() takes them).
    void classicReadable();
    // Anything arrived (before it is handed on): the client is there.
    void activity();
    void bytesReceived(const QByteArray &bytes);
    void bytesSent(const QByteArray &bytes);
    void outputPausedChanged(bool paused);
    // The socket wrote some of its queue (or a frame was queued): room may
    // have opened for more.
    void flushed();
    void disconnected();

private:
    void onReadyRead();
    void onDisconnected();
    void decide(WireProtocol protocol);
    void processFrames();
    void updateFlowControl();

    QTcpSocket *m_socket;
    WireProtocol m_protocol = WireProtocol::Undecided;
    QByteArray m_detectBuffer;
    FrameDecoder m_decoder;
    QTimer m_decisionTimer;
    bool m_stopped = false;
    bool m_gone = false;
    bool m_outputPaused = false;
    bool m_inputPaused = false; // the client sends faster than it reads
};

} // namespace Tincan
