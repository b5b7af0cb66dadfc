#include "net/tls/tlspinning.h"

#include "net/tls/tlsidentity.h"

#include <QSslConfiguration>
#include <QSslSocket>

namespace Tincan {

bool TlsPinning::isPinnableError(QSslError::SslError error)
{
    return error == QSslError::SelfSignedCertificate || error == QSslError::HostNameMismatch;
}

TlsPinning::Verdict TlsPinning::verify(const QList<QSslError> &errors, const QSslCertificate &peer,
                                       const TlsFingerprint &expected)
{
    Verdict verdict;
    verdict.peerFingerprint = TlsFingerprint::of(peer);
    if (peer.isNull()) {
        verdict.outcome = Outcome::NoCertificate;
        verdict.errorString = tr("The server sent no certificate.");
        return verdict;
    }
    if (expected.isNull()) {
        verdict.outcome = Outcome::Unpinned;
        verdict.errorString = tr("The server is not known; its certificate's fingerprint is %1.")
                                  .arg(verdict.peerFingerprint.toString());
        return verdict;
    }
    if (verdict.peerFingerprint != expected) {
        verdict.outcome = Outcome::Mismatch;
        verdict.errorString = tr("The server's certificate has the fingerprint %1, but %2 was expected. Someone "
                                 "may be impersonating the server, or it has a new identity.")
                                  .arg(verdict.peerFingerprint.toString(), expected.toString());
        return verdict;
    }
    for (const QSslError &error : errors) {
        // An error about another certificate of the chain is not answered by
        // the pin, which vouches for the peer's certificate only.
        const bool aboutPeer = error.certificate().isNull() || error.certificate() == peer;
        if (!isPinnableError(error.error()) || !aboutPeer) {
            verdict.outcome = Outcome::CertificateRejected;
            verdict.errorsToIgnore.clear();
            verdict.errorString = tr("The server's certificate is the expected one, but it cannot be used: %1")
                                      .arg(error.errorString());
            return verdict;
        }
        verdict.errorsToIgnore.append(error);
    }
    verdict.outcome = Outcome::Accepted;
    return verdict;
}

QSslConfiguration TlsPinning::clientConfiguration()
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setProtocol(TlsIdentity::MinimumProtocol);
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    // Also turns off Qt's loading of the system's authorities on demand.
    configuration.setCaCertificates({});
    return configuration;
}

TlsPeerVerifier::TlsPeerVerifier(QSslSocket *socket, const TlsFingerprint &pin, UnknownServer unknownServer)
    : QObject(socket)
    , m_socket(socket)
    , m_pin(pin)
    , m_unknownServer(unknownServer)
{
    const QSslConfiguration pinned = TlsPinning::clientConfiguration();
    QSslConfiguration configuration = socket->sslConfiguration();
    configuration.setProtocol(pinned.protocol());
    configuration.setPeerVerifyMode(pinned.peerVerifyMode());
    configuration.setCaCertificates(pinned.caCertificates());
    socket->setSslConfiguration(configuration);

    // A socket may connect again: each handshake is judged afresh.
    connect(socket, &QAbstractSocket::connected, this, [this] {
        m_verdict = {};
        m_verified = false;
        m_rejected = false;
    });
    connect(socket, &QSslSocket::sslErrors, this, &TlsPeerVerifier::onSslErrors);
    connect(socket, &QSslSocket::encrypted, this, &TlsPeerVerifier::onEncrypted);
}

TlsFingerprint TlsPeerVerifier::expectedFor(const QSslCertificate &peer) const
{
    if (!m_pin.isNull())
        return m_pin;
    if (m_unknownServer == UnknownServer::TrustOnFirstUse)
        return TlsFingerprint::of(peer);
    return {};
}

void TlsPeerVerifier::onSslErrors(const QList<QSslError> &errors)
{
    const QSslCertificate peer = m_socket->peerCertificate();
    m_verdict = TlsPinning::verify(errors, peer, expectedFor(peer));
    if (m_verdict.isAccepted()) {
        // Only these errors, for this certificate: QSslSocket still fails the
        // handshake if it reports any other.
        m_socket->ignoreSslErrors(m_verdict.errorsToIgnore);
        return;
    }
    // Not ignoring the errors makes QSslSocket fail the handshake by itself
    // (with VerifyPeer; onEncrypted() aborts it otherwise).
    m_rejected = true;
    Q_EMIT peerRejected(m_verdict.errorString);
}

void TlsPeerVerifier::onEncrypted()
{
    // Checked again whatever happened before: a verify mode or configuration
    // changed after attaching may have reported no errors at all.
    if (m_rejected) {
        // Refused in onSslErrors(), but a verify mode other than VerifyPeer
        // let the handshake finish anyway.
        m_socket->abort();
        return;
    }
    const QSslCertificate peer = m_socket->peerCertificate();
    const TlsPinning::Verdict verdict = TlsPinning::verify({}, peer, expectedFor(peer));
    if (!verdict.isAccepted()) {
        m_verdict = verdict;
        m_rejected = true;
        m_socket->abort();
        Q_EMIT peerRejected(m_verdict.errorString);
        return;
    }
    m_verdict.outcome = TlsPinning::Outcome::Accepted;
    m_verdict.peerFingerprint = verdict.peerFingerprint;
    m_verified = true;
    Q_EMIT peerVerified(verdict.peerFingerprint, m_pin.isNull());
}

} // namespace Tincan
