#include "net/console/consoletransport.h"

#include "net/wire/consoleprotocol.h"

#include <QJsonObject>
#include <QTcpSocket>

namespace Tincan {

using namespace Console;

namespace {
// Client-to-server messages are small; nothing they carry needs more.
constexpr qint64 MaxRequestPayload = 1024 * 1024;
// Bytes that settle the protocol (see ProtocolDetector).
constexpr qsizetype DetectionBytes = 5;
// What the socket may hold unread before TCP pushes back on the client.
constexpr qint64 SocketReadBufferSize = 256 * 1024;
// Before the login: enough for the largest message allowed then (a 4 KiB
// header) twice over, and little more.
constexpr qint64 PreAuthReadBufferSize = 16 * 1024;
static_assert(PreAuthReadBufferSize >= 2 * (FrameLimits::PrefixSize + Limits::PreAuthMaxHeaderSize));
} // namespace

ConsoleTransport::ConsoleTransport(QTcpSocket *socket, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_decoder(MaxRequestPayload)
{
    m_socket->setParent(this);
    // Strangers get little room until they have logged in.
    m_socket->setReadBufferSize(PreAuthReadBufferSize);
    m_decoder.setMaxHeaderSize(Limits::PreAuthMaxHeaderSize);
    m_decoder.setMaxPayloadSize(Limits::PreAuthMaxPayload);
    connect(m_socket, &QTcpSocket::readyRead, this, &ConsoleTransport::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &ConsoleTransport::onDisconnected);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &ConsoleTransport::updateFlowControl);

    m_decisionTimer.setSingleShot(true);
    m_decisionTimer.setInterval(ProtocolDetector::ClassicDecisionDelay);
    connect(&m_decisionTimer, &QTimer::timeout, this, [this] {
        if (m_protocol == WireProtocol::Undecided && !m_detectBuffer.isEmpty())
            decide(WireProtocol::Classic);
    });
}

ConsoleTransport::~ConsoleTransport() = default;

qint64 ConsoleTransport::bytesToWrite() const
{
    return m_socket->bytesToWrite();
}

void ConsoleTransport::start()
{
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

void ConsoleTransport::setSessionLimits()
{
    m_socket->setReadBufferSize(SocketReadBufferSize);
    m_decoder.setMaxHeaderSize(FrameLimits::MaxHeaderSize);
    m_decoder.setMaxPayloadSize(MaxRequestPayload);
}

void ConsoleTransport::stopReading()
{
    m_stopped = true;
    m_decisionTimer.stop();
}

void ConsoleTransport::onReadyRead()
{
    if (m_stopped) {
        m_socket->readAll(); // nothing more is served; discard
        return;
    }
    Q_EMIT activity();
    if (m_socket->bytesToWrite() > Limits::SendHighWater) {
        // A client that sends but does not read must not make us queue
        // replies without end: stop reading it until it has caught up. Its
        // bytes wait in the bounded socket buffer, then in TCP.
        m_inputPaused = true;
        return;
    }
    switch (m_protocol) {
    case WireProtocol::Undecided: {
        m_detectBuffer.append(read(DetectionBytes - m_detectBuffer.size()));
        const WireProtocol detected = ProtocolDetector::detect(m_detectBuffer);
        if (detected == WireProtocol::Undecided)
            m_decisionTimer.start();
        else
            decide(detected);
        break;
    }
    case WireProtocol::Framed:
        m_decoder.feed(read());
        processFrames();
        break;
    case WireProtocol::Classic:
        Q_EMIT classicReadable();
        break;
    }
}

void ConsoleTransport::decide(WireProtocol protocol)
{
    m_decisionTimer.stop();
    m_protocol = protocol;
    const QByteArray first = std::exchange(m_detectBuffer, QByteArray());
    Q_EMIT protocolDecided(protocol, first);
    if (protocol != WireProtocol::Framed || m_stopped)
        return;
    m_decoder.feed(first);
    m_decoder.feed(read());
    processFrames();
}

void ConsoleTransport::processFrames()
{
    for (;;) {
        switch (m_decoder.status()) {
        case FrameDecoder::Status::NeedMore:
            return;
        case FrameDecoder::Status::Error:
            Q_EMIT decodeFailed(m_decoder.errorString());
            return;
        case FrameDecoder::Status::FrameReady:
            Q_EMIT frameReceived(m_decoder.takeFrame());
            if (m_stopped)
                return;
            break;
        }
    }
}

QByteArray ConsoleTransport::read(qint64 maxSize)
{
    const QByteArray bytes = maxSize < 0 ? m_socket->readAll() : m_socket->read(maxSize);
    if (!bytes.isEmpty())
        Q_EMIT bytesReceived(bytes);
    return bytes;
}

void ConsoleTransport::send(const QJsonObject &header, QByteArrayView payload)
{
    if (m_gone)
        return;
    const QByteArray frame = encodeFrame(header, payload);
    m_socket->write(frame);
    Q_EMIT bytesSent(frame);
    updateFlowControl();
}

void ConsoleTransport::sendError(QLatin1StringView code, const QString &message, const QJsonValue &requestId)
{
    QJsonObject header{{Key::Type, Type::Error}, {Key::Code, code}, {Key::Message, message}};
    if (!requestId.isUndefined() && !requestId.isNull())
        header.insert(Key::Id, requestId);
    send(header);
}

void ConsoleTransport::updateFlowControl()
{
    // Output waits in the pipes, not in memory, while the client is slow.
    const qint64 pending = m_gone ? 0 : m_socket->bytesToWrite();
    bool paused = m_outputPaused;
    if (!m_outputPaused && pending > Limits::SendHighWater)
        paused = true;
    else if (m_outputPaused && pending <= Limits::SendLowWater)
        paused = false;
    if (paused != m_outputPaused) {
        m_outputPaused = paused;
        Q_EMIT outputPausedChanged(paused);
    }
    if (m_inputPaused && !paused && pending <= Limits::SendLowWater) {
        m_inputPaused = false;
        // What arrived meanwhile is already buffered: no readyRead will come for it.
        QMetaObject::invokeMethod(this, &ConsoleTransport::onReadyRead, Qt::QueuedConnection);
    }
    Q_EMIT flushed();
}

bool ConsoleTransport::closeWhenFlushed()
{
    if (m_gone)
        return true;
    // Flush what is queued (the final error or exit), then disconnect.
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        m_socket->disconnectFromHost();
        if (m_socket->state() != QAbstractSocket::UnconnectedState)
            return false; // disconnected() follows once the data is written
    }
    m_gone = true;
    return true;
}

void ConsoleTransport::abort()
{
    m_socket->abort(); // disconnected() follows
}

void ConsoleTransport::onDisconnected()
{
    m_gone = true;
    m_stopped = true;
    m_decisionTimer.stop();
    Q_EMIT disconnected();
}

} // namespace Tincan
