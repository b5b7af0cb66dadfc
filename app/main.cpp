// tincan: the desktop application. Everything but start-up lives in tincan_ui.
#include "net/base/translations.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>
#include <memory>

namespace Tincan {
// The translation context of main()'s sentences.
class GuiMain
{
    Q_DECLARE_TR_FUNCTIONS(Tincan::GuiMain)
};
} // namespace Tincan

namespace {

const QString LanguageOption = QStringLiteral("lang");

// Without a display the platform plugin would abort with a message about
// "xcb"; a plain sentence and exit status 1 help more.
bool hasDisplay()
{
#if defined(Q_OS_LINUX)
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
#else
    return true;
#endif
}

// --lang is needed before the help text can be translated.
QString requestedLanguage(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addOption(QCommandLineOption(LanguageOption, QString(), QStringLiteral("LANG")));
    parser.parse(arguments); // other options are the full parser's business
    return parser.value(LanguageOption);
}

} // namespace

int main(int argc, char *argv[])
{
    const bool display = hasDisplay();
    // --help and --version work without a display, so only then is the GUI
    // application created.
    std::unique_ptr<QCoreApplication> app;
    if (display)
        app = std::make_unique<QApplication>(argc, argv);
    else
        app = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Tincan"));
    QCoreApplication::setApplicationName(QStringLiteral("Tincan"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TINCAN_VERSION));

    Tincan::installTranslations(*app, requestedLanguage(QCoreApplication::arguments()));

    QCommandLineParser parser;
    parser.setApplicationDescription(Tincan::GuiMain::tr("Tincan: chat, serve and run shell commands over sockets."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(QCommandLineOption(LanguageOption,
                                        Tincan::GuiMain::tr("Language of the interface, such as zh_CN or en "
                                                            "(default: the system's)."),
                                        Tincan::GuiMain::tr("LANG")));
    const QCommandLineOption serverOption(QStringLiteral("server"),
                                          Tincan::GuiMain::tr("Open the server window at start."));
    parser.addOption(serverOption);
    const QCommandLineOption noAnnounceOption(
        QStringLiteral("no-announce"),
        Tincan::GuiMain::tr("Broadcast nothing on the LAN this run: peers are only heard and answered directly."));
    const QCommandLineOption announceOnOption(
        QStringLiteral("announce-on"), Tincan::GuiMain::tr("Announce only on these network interfaces this run."),
        Tincan::GuiMain::tr("iface,..."));
    parser.addOption(noAnnounceOption);
    parser.addOption(announceOnOption);
    parser.process(*app);

    if (!display) {
        std::fputs(
            qPrintable(Tincan::GuiMain::tr("tincan: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). "
                                           "Start it inside a desktop session, or use tincan-cli for headless use.")
                       + QLatin1Char('\n')),
            stderr);
        return 1;
    }

    QGuiApplication::setApplicationDisplayName(Tincan::GuiMain::tr("Tincan"));
    QGuiApplication::setDesktopFileName(QStringLiteral("tincan"));
    QApplication::setWindowIcon(Tincan::MainWindow::applicationIcon());

    // The settings' choices, which these options override for this run only.
    Tincan::ChatController::Options chat = Tincan::ChatController::defaultOptions();
    if (parser.isSet(noAnnounceOption))
        chat.lan.interfaces = Tincan::Presence::InterfaceSelection::none();
    else if (parser.isSet(announceOnOption))
        chat.lan.interfaces = Tincan::Presence::InterfaceSelection::fromCommaList(parser.value(announceOnOption));
    Tincan::MainWindow window(chat);
    window.show();
    if (parser.isSet(serverOption))
        window.showServerWindow();
    return app->exec();
}
