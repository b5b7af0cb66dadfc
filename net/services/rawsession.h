// A plain TCP or UDP session, like netcat: bytes out as typed, bytes in as
// they arrive, no framing. For the tutorial's echo servers and its unframed
// command server, used from the Console tab's raw mode.
#pragma once

#include <QAbstractSocket>
#include <QObject>

namespace Tincan {

class RawSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RawSession)

public:
    enum class Transport {
        Tcp,
        Udp,
    };
    Q_ENUM(Transport)

    // Largest datagram a UDP session sends or takes.
    static constexpr qsizetype MaxDatagramSize = 65507;
    // What a TCP session may hold unread before TCP pushes back.
    static constexpr qint64 ReadBufferSize = 1024 * 1024;

    explicit RawSession(QObject *parent = nullptr);
    ~RawSession() override;

    void open(const QString &host, quint16 port, Transport transport);
    void close();
    bool isOpen() const;
    // TCP: queued on the stream. UDP: one datagram (refused when too large).
    bool send(const QByteArray &bytes);

    Transport transport() const { return m_transport; }
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    QString errorString() const { return m_error; }

Q_SIGNALS:
    void opened();
    void received(const QByteArray &bytes);
    void errorOccurred(const QString &message);
    void closed();

private:
    void onReadyRead();
    void onError(QAbstractSocket::SocketError error);

    QAbstractSocket *m_socket = nullptr;
    Transport m_transport = Transport::Tcp;
    QString m_host;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace Tincan
