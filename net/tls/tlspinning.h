// Certificate pinning for the console's TLS clients. The server's certificate
// is self-signed, so no certificate authority can vouch for it: instead the
// client compares its fingerprint with the one pinned for that server (a
// KnownHosts entry, or one the user typed), as ssh does with host keys.
//
// TlsPinning::verify() is the pure decision; TlsPeerVerifier applies it to a
// QSslSocket. See docs/SECURITY.md.
#pragma once

#include "net/tls/tlsfingerprint.h"

#include <QCoreApplication>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslError>
#include <QString>

class QSslConfiguration;
class QSslSocket;

namespace Tincan {

class TlsPinning final
{
    Q_DECLARE_TR_FUNCTIONS(TlsPinning)

public:
    enum class Outcome {
        Accepted,            // the certificate is the pinned one; errorsToIgnore are expected
        NoCertificate,       // the server sent none
        Unpinned,            // nothing is pinned for this server (expected is null)
        Mismatch,            // the certificate is not the pinned one
        CertificateRejected, // pinned, but verification found more than a self-signed certificate
    };

    struct Verdict
    {
        Outcome outcome = Outcome::NoCertificate;
        TlsFingerprint peerFingerprint; // null when the server sent no certificate
        // When accepted: exactly the errors to pass to QSslSocket::ignoreSslErrors().
        QList<QSslError> errorsToIgnore;
        // When refused: a sentence for the user.
        QString errorString;

        bool isAccepted() const { return outcome == Outcome::Accepted; }
    };

    // The verification errors a matching pin answers: the certificate is
    // self-signed (no authority vouches for it, the pin does) and names no host
    // (the pin identifies the server, not a name). Every other error - expired,
    // not yet valid, bad signature, wrong purpose, a problem with another
    // certificate of the chain - still refuses the connection.
    static bool isPinnableError(QSslError::SslError error);

    // Decides whether a handshake may go on. `errors` are those QSslSocket
    // reported (sslErrors()), `peer` its peerCertificate(), `expected` the pinned
    // fingerprint (null: nothing pinned). Accepted only if the peer's fingerprint
    // equals `expected` and every error is pinnable and about `peer` itself.
    static Verdict verify(const QList<QSslError> &errors, const QSslCertificate &peer, const TlsFingerprint &expected);

    // A client configuration for pinned servers: TLS 1.2 or later, the peer's
    // certificate verified (so that its errors are reported), and no trusted
    // authorities at all, so that a certificate issued by a public authority
    // cannot pass without its errors being seen by verify().
    static QSslConfiguration clientConfiguration();
};

// Attaches pinning to a client QSslSocket (it becomes the socket's child).
// Create it before connectToHostEncrypted(); it applies clientConfiguration()'s
// protocol, authorities and verify mode to the socket's configuration. It
// ignores exactly the pinnable errors of the pinned certificate, lets the
// handshake fail otherwise, and checks the fingerprint again once the
// connection is encrypted (aborting it on a mismatch), so that a configuration
// that reports no errors cannot bypass the pin.
//
// Start the protocol on peerVerified(), not on QSslSocket::encrypted().
class TlsPeerVerifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TlsPeerVerifier)

public:
    // What to do with a server when `pin` is null (nothing known about it).
    enum class UnknownServer {
        Refuse,          // refuse; peerFingerprint() tells the user what to check
        TrustOnFirstUse, // accept it (`--accept-new`); peerVerified(fp, true) asks to remember fp
    };

    TlsPeerVerifier(QSslSocket *socket, const TlsFingerprint &pin, UnknownServer unknownServer = UnknownServer::Refuse);

    // Takes effect at the next handshake.
    void setPin(const TlsFingerprint &pin) { m_pin = pin; }
    TlsFingerprint pin() const { return m_pin; }

    // The server's fingerprint, known from the first verification on (also
    // when it was refused), null before.
    TlsFingerprint peerFingerprint() const { return m_verdict.peerFingerprint; }
    // The last decision.
    TlsPinning::Verdict verdict() const { return m_verdict; }
    bool isVerified() const { return m_verified; }
    QString errorString() const { return m_verdict.errorString; }

Q_SIGNALS:
    // The connection is encrypted and the server is the pinned one; with
    // `firstUse`, it was accepted as unknown and the caller should pin it.
    void peerVerified(const Tincan::TlsFingerprint &fingerprint, bool firstUse);
    // The server was refused (emitted once per connection attempt); the
    // socket's handshake fails, or the socket is aborted.
    void peerRejected(const QString &reason);

private:
    TlsFingerprint expectedFor(const QSslCertificate &peer) const;
    void onSslErrors(const QList<QSslError> &errors);
    void onEncrypted();

    QSslSocket *m_socket;
    TlsFingerprint m_pin;
    UnknownServer m_unknownServer;
    TlsPinning::Verdict m_verdict;
    bool m_verified = false;
    bool m_rejected = false;
};

} // namespace Tincan
