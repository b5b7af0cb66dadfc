// A presence host for the namespace tests: runs one Announcer on the interfaces given in
// TINCAN_ANNOUNCE_INTERFACES, prints its peer events, one a line, and obeys commands read from
// standard input (one a line):
//   away | online | name NAME | probe | leave | count | has NAME | stats
//   flood N ADDRESS   N forged probes with random ids to ADDRESS (the others' tables and limits)
//   garbage ADDRESS   malformed, truncated and oversized datagrams to ADDRESS
// Output: "ready", "event TYPE NAME ADDRESS", "count N", "has NAME yes|no",
// "stats heard rejected answersSent answersSuppressed".
#include "net/presence/announcer.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QUdpSocket>

#include <cstdio>
#include <unistd.h>

using namespace Tincan::Presence;
using namespace std::chrono_literals;

namespace {
void say(const QString &line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

QString eventName(const PeerEvent &event)
{
    switch (event.type) {
    case PeerEvent::Type::Online:
        return QStringLiteral("online");
    case PeerEvent::Type::Away:
        return QStringLiteral("away");
    case PeerEvent::Type::Changed:
        return QStringLiteral("changed");
    case PeerEvent::Type::Offline:
        return event.reason == PeerEvent::Reason::Left ? QStringLiteral("left") : QStringLiteral("aged");
    }
    return {};
}

void flood(int count, const QHostAddress &to)
{
    QUdpSocket socket;
    socket.bind(QHostAddress::AnyIPv4, 0);
    Announcement forged;
    forged.kind = Kind::Probe;
    forged.name = QStringLiteral("forged");
    forged.hold = MaxHold;
    int sent = 0;
    for (int i = 0; i < count; ++i) {
        forged.installId = QUuid::createUuid();
        if (socket.writeDatagram(*AnnouncementCodec::encode(forged), to, DefaultPort) > 0)
            ++sent;
        if (i % 16 == 15)
            usleep(4000); // lets the receiver's buffer drain: most of the flood arrives
    }
    say(QStringLiteral("flooded %1").arg(sent));
}

void garbage(const QHostAddress &to)
{
    QUdpSocket socket;
    socket.bind(QHostAddress::AnyIPv4, 0);
    Announcement real;
    real.installId = QUuid::createUuid();
    real.name = QStringLiteral("garbage");
    const QByteArray good = *AnnouncementCodec::encode(real);
    const QList<QByteArray> datagrams = {
        QByteArray(),
        QByteArray("TCNP"),
        good.left(good.size() / 2),
        good + "trailing",
        QByteArray("TCNP\x02") + good.mid(5),
        QByteArray("TCNP\x01") + QByteArray(60000, '\xff'),
        QByteArray(4000, 'x'),
        QByteArray("1:1:u:h:1:nick"),
    };
    for (int round = 0; round < 50; ++round) {
        for (const QByteArray &datagram : datagrams)
            socket.writeDatagram(datagram, to, DefaultPort);
        usleep(5000); // paced, so the receiver's buffer does not drop what this is to test
    }
    say(QStringLiteral("garbage sent"));
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    LocalPeer self;
    self.installId = QUuid::createUuid();
    self.name = args.value(1, QStringLiteral("agent"));
    self.chatPort = 8081;
    Announcer::Options options;
    options.interfaces = InterfaceSelection::fromCommaList(qEnvironmentVariable("TINCAN_ANNOUNCE_INTERFACES"));
    options.reannounceInterval = std::chrono::milliseconds(args.value(2, QStringLiteral("300")).toInt());
    options.reannounceJitter = 0ms;
    options.maxAnswerDelay = 200ms;
    Announcer announcer(self, options);
    QObject::connect(&announcer, &Announcer::peerEvent, [](const PeerEvent &event) {
        if (event.peer.name != QLatin1String("forged"))
            say(QStringLiteral("event %1 %2 %3").arg(eventName(event), event.peer.name, event.peer.address.toString()));
    });
    if (!announcer.start()) {
        say(QStringLiteral("error ") + announcer.errorString());
        return 1;
    }
    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    QByteArray pending;
    QObject::connect(&input, &QSocketNotifier::activated, [&] {
        char buffer[4096];
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n <= 0) {
            announcer.stop();
            QCoreApplication::quit();
            return;
        }
        pending.append(buffer, n);
        qsizetype end;
        while ((end = pending.indexOf('\n')) >= 0) {
            const QStringList words = QString::fromUtf8(pending.left(end)).split(QLatin1Char(' '));
            pending.remove(0, end + 1);
            const QString command = words.value(0);
            if (command == QLatin1String("away"))
                announcer.setState(State::Away);
            else if (command == QLatin1String("online"))
                announcer.setState(State::Online);
            else if (command == QLatin1String("name"))
                announcer.setName(words.value(1));
            else if (command == QLatin1String("probe"))
                announcer.probe();
            else if (command == QLatin1String("leave"))
                announcer.stop();
            else if (command == QLatin1String("count"))
                say(QStringLiteral("count %1").arg(announcer.table().size()));
            else if (command == QLatin1String("has")) {
                const QList<Peer> peers = announcer.peers();
                const bool found
                    = std::any_of(peers.begin(), peers.end(), [&](const Peer &p) { return p.name == words.value(1); });
                say(QStringLiteral("has %1 %2")
                        .arg(words.value(1), found ? QStringLiteral("yes") : QStringLiteral("no")));
            } else if (command == QLatin1String("stats")) {
                const auto &c = announcer.counters();
                say(QStringLiteral("stats %1 %2 %3 %4")
                        .arg(c.heard)
                        .arg(c.rejected)
                        .arg(c.answersSent)
                        .arg(c.answersSuppressed));
            } else if (command == QLatin1String("flood"))
                flood(words.value(1).toInt(), QHostAddress(words.value(2)));
            else if (command == QLatin1String("garbage"))
                garbage(QHostAddress(words.value(1)));
        }
    });
    say(QStringLiteral("ready"));
    return QCoreApplication::exec();
}
