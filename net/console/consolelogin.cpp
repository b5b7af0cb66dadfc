#include "net/console/consolelogin.h"

#include "net/auth/consoleauth.h"
#include "net/console/consoleserver.h"
#include "net/wire/consoleprotocol.h"
#include "net/wire/frame.h"

namespace Tincan {

using namespace Console;

namespace {
// Wire text for the classic client, so not translated (like the truncation
// notice): the tutorial's client prints it as the command's output.
QByteArray classicRefusalText(const QHostAddress &peer, bool classicAllowed)
{
    if (!classicAllowed)
        return QByteArrayLiteral("tincan: refused: this server does not run classic (unauthenticated) commands. "
                                 "Connect with a Tincan client (tincan-cli exec --host HOST -- COMMAND).\n");
    return QStringLiteral("tincan: refused: this server runs classic (unauthenticated) commands only for clients "
                          "on its own machine, and %1 is not one. Connect with a Tincan client and the password "
                          "(tincan-cli exec --host HOST --password-file FILE -- COMMAND).\n")
        .arg(peer.toString())
        .toUtf8();
}

ConsoleLogin::Step errorStep(ConsoleLogin::Step::Kind kind, QLatin1StringView code, const QString &message)
{
    ConsoleLogin::Step step;
    step.kind = kind;
    step.frame = {{Key::Type, Type::Error}, {Key::Code, code}, {Key::Message, message}};
    return step;
}
} // namespace

ConsoleLogin::ConsoleLogin(Settings settings, SourcePenalties &penalties)
    : m_settings(std::move(settings))
    , m_penalties(penalties)
{
}

QString ConsoleLogin::describeDuration(std::chrono::milliseconds duration)
{
    if (duration.count() % 1000 == 0)
        return tr("%1 s").arg(duration.count() / 1000);
    return tr("%1 ms").arg(duration.count());
}

qint64 ConsoleLogin::secondsUp(std::chrono::milliseconds duration)
{
    return std::chrono::ceil<std::chrono::seconds>(duration).count();
}

ConsoleLogin::Step ConsoleLogin::protocolDecided(WireProtocol protocol, QByteArrayView firstBytes)
{
    if (m_stage != Stage::Undecided)
        return {};
    m_protocol = protocol;
    if (protocol == WireProtocol::Framed) {
        m_stage = Stage::Greeting;
        if (!m_settings.encrypted && m_settings.tlsRequired) {
            // Before any login: a password must not cross the network in the
            // clear, nor commands and their output.
            return refuse(tr("This server requires TLS from clients on other machines, and %1 connected in plaintext.")
                              .arg(m_settings.peer.toString()),
                          ErrorCode::TlsRequired);
        }
        return {};
    }
    if (firstBytes.size() >= 2 && quint8(firstBytes[0]) == ConsoleServer::TlsHandshakeRecord
        && quint8(firstBytes[1]) == 0x03) {
        // A TLS ClientHello that reached a connection served in plaintext
        // (TLS is off): never run as a command.
        return refuse(tr("A TLS client connected, but TLS is off on this server."), {});
    }
    if (!m_settings.classicAccepted)
        return refuseClassic();
    // A classic client cannot log in: being served from here is its login.
    m_stage = Stage::Established;
    Step step;
    step.kind = Step::Kind::Established;
    return step;
}

ConsoleLogin::Step ConsoleLogin::receive(MessageType type, const QString &typeName, const QJsonObject &header,
                                         Clock::time_point now)
{
    switch (m_stage) {
    case Stage::Greeting:
        if (type == MessageType::Hello)
            return hello(header, now);
        return protocolError(tr("The first message must be \"hello\", not \"%1\".").arg(typeName.left(64)));
    case Stage::Authenticating:
        if (type == MessageType::Auth)
            return auth(header, now);
        return refuse(tr("\"%1\" before logging in: the server has a password, and the only message it accepts now "
                         "is \"auth\".")
                          .arg(typeName.left(64)),
                      ErrorCode::AuthRequired);
    case Stage::Undecided:
    case Stage::Established:
    case Stage::Over:
        break;
    }
    return {};
}

ConsoleLogin::Step ConsoleLogin::graceExpired()
{
    const QString grace = describeDuration(m_settings.loginGraceTime);
    switch (m_stage) {
    case Stage::Greeting:
        return protocolError(tr("No hello message arrived within %1.").arg(grace));
    case Stage::Undecided:
    case Stage::Authenticating:
        return refuse(tr("The login did not finish within %1.").arg(grace), ErrorCode::AuthTimeout);
    case Stage::Established:
    case Stage::Over:
        break;
    }
    return {};
}

ConsoleLogin::Step ConsoleLogin::hello(const QJsonObject &header, Clock::time_point now)
{
    const std::optional<qint64> version = jsonInteger(header, Key::Version);
    if (!version || *version < 1)
        return protocolError(tr("The hello message has no valid \"version\"."));
    if (*version != ProtocolVersion) {
        m_stage = Stage::Over;
        return errorStep(Step::Kind::Close, ErrorCode::UnsupportedVersion,
                         tr("Protocol version %1 is not supported; this server speaks version %2.")
                             .arg(*version)
                             .arg(ProtocolVersion));
    }
    if (m_settings.password.isNull())
        return welcome({});
    const std::chrono::milliseconds wait = m_penalties.remaining(m_settings.peer, now);
    if (wait.count() > 0)
        return refusePenalized(wait);
    // A fresh nonce for every connection: a proof computed for another
    // connection's challenge does not fit this one.
    m_serverNonce = ConsoleAuth::randomNonce();
    m_stage = Stage::Authenticating;
    Step step;
    step.frame = {
        {Key::Type, Type::AuthChallenge},
        {Key::Mechanism, ConsoleAuth::Mechanism},
        {Key::Nonce, QString::fromLatin1(m_serverNonce.toBase64())},
        {Key::Salt, QString::fromLatin1(m_settings.password.salt().toBase64())},
        {Key::Iterations, m_settings.password.iterations()},
    };
    return step;
}

ConsoleLogin::Step ConsoleLogin::auth(const QJsonObject &header, Clock::time_point now)
{
    // Another connection from this address may have failed meanwhile: its
    // penalty holds for every attempt, so guesses cannot run in parallel.
    const std::chrono::milliseconds wait = m_penalties.remaining(m_settings.peer, now);
    if (wait.count() > 0)
        return refusePenalized(wait);
    if (header.value(Key::Mechanism).toString() != ConsoleAuth::Mechanism) {
        return refuse(
            tr("The auth message names an unknown mechanism; this server speaks \"%1\".").arg(ConsoleAuth::Mechanism),
            ErrorCode::AuthFailed);
    }
    const std::optional<QByteArray> clientNonce
        = ConsoleAuth::decodeBase64(header.value(Key::Nonce), ConsoleAuth::NonceSize, ConsoleAuth::NonceSize);
    const std::optional<QByteArray> proof
        = ConsoleAuth::decodeBase64(header.value(Key::Proof), ConsoleAuth::ProofSize, ConsoleAuth::ProofSize);
    if (!clientNonce || !proof) {
        // Malformed, so no password was tried: no penalty, but no second chance.
        return refuse(tr("The auth message needs a \"nonce\" of %1 bytes and a \"proof\" of %2 bytes, in base64.")
                          .arg(ConsoleAuth::NonceSize)
                          .arg(ConsoleAuth::ProofSize),
                      ErrorCode::AuthFailed);
    }
    const QByteArray key = m_settings.password.key();
    const QByteArray serverNonce = std::exchange(m_serverNonce, QByteArray()); // one answer per challenge
    if (!constantTimeEquals(*proof, ConsoleAuth::clientProof(key, serverNonce, *clientNonce))) {
        const std::chrono::milliseconds penalty = m_penalties.recordFailure(m_settings.peer, now);
        m_stage = Stage::Over;
        Step step = errorStep(Step::Kind::Close, ErrorCode::AuthFailed,
                              tr("Wrong password. The next login from %1 is answered in %2.")
                                  .arg(m_settings.peer.toString(), describeDuration(penalty)));
        step.frame.insert(Key::RetryAfter, secondsUp(penalty));
        step.reason = tr("wrong password");
        step.auth = Step::Auth::Failed;
        step.penalty = penalty;
        return step;
    }
    m_penalties.recordSuccess(m_settings.peer);
    Step step = welcome(ConsoleAuth::serverProof(key, serverNonce, *clientNonce));
    step.auth = Step::Auth::Succeeded;
    return step;
}

ConsoleLogin::Step ConsoleLogin::welcome(const QByteArray &serverProof)
{
    m_stage = Stage::Established;
    Step step;
    step.kind = Step::Kind::Established;
    step.frame = {
        {Key::Type, Type::Welcome},
        {Key::Version, ProtocolVersion},
        {Key::Software, QStringLiteral("Tincan %1").arg(QStringLiteral(TINCAN_VERSION))},
        {Key::Encoding, m_settings.outputEncoding},
        {Key::Cwd, m_settings.directory},
    };
    if (!serverProof.isEmpty())
        step.frame.insert(Key::Proof, QString::fromLatin1(serverProof.toBase64()));
    return step;
}

ConsoleLogin::Step ConsoleLogin::refuse(const QString &reason, QLatin1StringView code, const QJsonObject &extra)
{
    const bool framed = m_protocol == WireProtocol::Framed;
    m_stage = Stage::Over;
    Step step;
    step.kind = Step::Kind::Refuse;
    step.reason = reason;
    if (framed && !code.isEmpty()) {
        step.frame = extra;
        step.frame.insert(Key::Type, Type::Error);
        step.frame.insert(Key::Code, code);
        step.frame.insert(Key::Message, reason);
    }
    return step;
}

ConsoleLogin::Step ConsoleLogin::refusePenalized(std::chrono::milliseconds wait)
{
    return refuse(tr("Too many failed logins from %1: try again in %2.")
                      .arg(m_settings.peer.toString(), describeDuration(std::chrono::ceil<std::chrono::seconds>(wait))),
                  ErrorCode::Penalized, QJsonObject{{Key::RetryAfter, secondsUp(wait)}});
}

ConsoleLogin::Step ConsoleLogin::refuseClassic()
{
    const bool classicAllowed = m_settings.classicAllowed;
    const QString peer = m_settings.peer.toString();
    m_stage = Stage::Over;
    Step step;
    step.kind = Step::Kind::Refuse;
    step.reason = classicAllowed
        ? tr("A classic client from %1 was refused: classic clients cannot log in, so "
             "they are served only from this machine (or with --insecure).")
              .arg(peer)
        : tr("A classic client from %1 was refused: classic clients are turned off.").arg(peer);
    // One reply, as the classic client expects, then the connection closes.
    step.frame = {{Key::FileName, QJsonValue()},
                  {Key::Hash, QJsonValue()},
                  {Key::ExitCode, ClassicRefusedExitCode},
                  {Key::Refused, true}};
    step.payload = classicRefusalText(m_settings.peer, classicAllowed);
    return step;
}

ConsoleLogin::Step ConsoleLogin::protocolError(const QString &reason)
{
    m_stage = Stage::Over;
    Step step;
    step.kind = Step::Kind::ProtocolError;
    step.reason = reason;
    return step;
}

} // namespace Tincan
