#include "app/cli/chattext.h"

#include "app/cli/lanoptions.h"
#include "app/cli/terminalio.h"

namespace Tincan::Cli {

QString oneLine(QString text)
{
    text.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    text.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    text.replace(QLatin1Char('\r'), QStringLiteral("\\r"));
    return text;
}

QString formatIncoming(const ChatMessage &message)
{
    const QString who = message.classic || message.peerName.isEmpty()
        ? QStringLiteral("[%1]").arg(message.from.toString())
        : QStringLiteral("[%1] %2:").arg(message.from.toString(), message.peerName);
    return who + QLatin1Char(' ') + oneLine(message.text);
}

std::optional<ChatPeerAddress> parsePeer(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return std::nullopt;
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return std::nullopt;
    QHostAddress address;
    if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0)
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(host))
        return std::nullopt;
    return ChatPeerAddress{address, quint16(port)};
}

void addNameOption(QCommandLineParser &parser, QCommandLineOption &option)
{
    option = QCommandLineOption(QStringLiteral("name"), CliText::tr("Display name Tincan peers see (default: $USER)."),
                                CliText::tr("name"), cliUserName());
    parser.addOption(option);
}

} // namespace Tincan::Cli
