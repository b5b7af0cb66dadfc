// tincan-cli: Tincan without a display. Dispatches to one subcommand.
#include "app/cli/chatcommand.h"
#include "app/cli/echocommand.h"
#include "app/cli/execcommand.h"
#include "app/cli/knownhostscommand.h"
#include "app/cli/passwdcommand.h"
#include "app/cli/peerscommand.h"
#include "app/cli/servecommand.h"
#include "app/cli/terminalio.h"
#include "app/cli/transfercommand.h"
#include "net/base/translations.h"

#include <QCoreApplication>

using namespace Tincan::Cli;

namespace {

QString usage()
{
    return CliText::tr("Usage: tincan-cli [--lang LANG] COMMAND [OPTIONS]\n"
                       "\n"
                       "Commands:\n"
                       "  serve   run servers (tincan-cli serve --console 8082 --echo-tcp 8080)\n"
                       "  exec    run a command on a console server (tincan-cli exec -- ls -l)\n"
                       "  upload  send a file to a console server (tincan-cli upload notes.txt docs/)\n"
                       "  download  fetch a file from a console server (tincan-cli download logs/app.log)\n"
                       "  known-hosts  list or forget pinned console servers (tincan-cli known-hosts --list)\n"
                       "  passwd  make a console password hash (tincan-cli passwd --output console.hash)\n"
                       "  chat    chat over UDP with classic and Tincan peers (tincan-cli chat)\n"
                       "  send    send one chat message (tincan-cli send 127.0.0.1:8081 hello)\n"
                       "  peers   list the Tincan and IP Messenger peers on the LAN (tincan-cli peers --wait 2)\n"
                       "  echo    talk to an upper-case echo server (tincan-cli echo 127.0.0.1:8080 hi)\n"
                       "\n"
                       "Options:\n"
                       "  --lang LANG   language of messages (en, zh_CN); default: the system's\n"
                       "  -h, --help    this help; COMMAND --help tells about one command\n"
                       "  -v, --version the version");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tincan-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("Tincan"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TINCAN_VERSION));

    QStringList args = QCoreApplication::arguments();
    const QString program = args.takeFirst();
    QString language;
    if (args.size() >= 2 && args.constFirst() == QStringLiteral("--lang")) {
        args.removeFirst();
        language = args.takeFirst();
    } else if (!args.isEmpty() && args.constFirst().startsWith(QStringLiteral("--lang="))) {
        language = args.takeFirst().mid(7);
    }
    Tincan::installTranslations(app, language);

    if (args.isEmpty()) {
        printError(usage());
        return 2;
    }
    const QString command = args.takeFirst();
    if (command == QStringLiteral("-h") || command == QStringLiteral("--help") || command == QStringLiteral("help")) {
        printLine(usage());
        return 0;
    }
    if (command == QStringLiteral("-v") || command == QStringLiteral("--version")) {
        printLine(QStringLiteral("tincan-cli %1").arg(QCoreApplication::applicationVersion()));
        return 0;
    }
    // QCommandLineParser expects the program name first.
    args.prepend(program + QLatin1Char(' ') + command);
    if (command == QStringLiteral("serve"))
        return runServe(args);
    if (command == QStringLiteral("exec"))
        return runExec(args);
    if (command == QStringLiteral("upload"))
        return runUpload(args);
    if (command == QStringLiteral("download"))
        return runDownload(args);
    if (command == QStringLiteral("known-hosts"))
        return runKnownHosts(args);
    if (command == QStringLiteral("passwd"))
        return runPasswd(args);
    if (command == QStringLiteral("chat"))
        return runChat(args);
    if (command == QStringLiteral("peers"))
        return runPeers(args);
    if (command == QStringLiteral("send"))
        return runSend(args);
    if (command == QStringLiteral("echo"))
        return runEcho(args);
    reportError(CliText::tr("unknown command \"%1\".").arg(command));
    printError(usage());
    return 2;
}
