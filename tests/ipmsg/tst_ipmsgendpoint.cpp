// The IP Messenger endpoint over loopback (unicast only, never broadcast) against a fake IP
// Messenger written here from the protocol description, byte by byte, without the codec: entries,
// messages in GBK and UTF-8, retries answered each time and shown once, the read notice, GETINFO,
// and garbage and oversized datagrams ignored while the real peer keeps being served.
#include "fakemessenger.h"
#include "net/ipmsg/ipmsgendpoint.h"

#include <QSignalSpy>
#include <QTest>
#include <QUdpSocket>

using namespace Tincan::IpMsg;
using namespace Tincan::IpMsg::Testing;
using namespace Qt::StringLiterals;

class TestIpMsgEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void reportsAPortInUsePlainly();
    void answersAnEntryAndListsThePeer_data();
    void answersAnEntryAndListsThePeer();
    void followsAbsenceAndExit();
    void iptuxIsNotAwayForItsAlwaysSetAbsenceFlag();
    void receivesAMessageOnceAndAnswersEveryRetry_data();
    void receivesAMessageOnceAndAnswersEveryRetry();
    void doesNotAnswerABroadcastMessage();
    void sendsAMessageUntilItIsConfirmed_data();
    void sendsAMessageUntilItIsConfirmed();
    void failsAMessageNobodyConfirms();
    void ignoresAForgedConfirmation();
    void sendsAndReceivesReadNotices();
    void answersGetInfoAndAbsenceInfo();
    void announcesItsEntryAbsenceAndExit();
    void ignoresBadDatagramsAndKeepsServing_data();
    void ignoresBadDatagramsAndKeepsServing();
    void keepsThePeerTableBoundedUnderAFlood();

private:
    Endpoint *m_endpoint = nullptr;
};

void TestIpMsgEndpoint::init()
{
    m_endpoint = new Endpoint;
    Endpoint::Identity identity;
    identity.user = u"tester"_s;
    identity.host = u"testhost"_s;
    identity.nickname = u"测试员"_s;
    identity.group = u"研发部"_s;
    m_endpoint->setIdentity(identity);
    QVERIFY2(m_endpoint->bind(QHostAddress::LocalHost, 0), qPrintable(m_endpoint->errorString()));
    QVERIFY(m_endpoint->isBound());
    QVERIFY(m_endpoint->localPort() != 0);
}

void TestIpMsgEndpoint::cleanup()
{
    delete m_endpoint;
    m_endpoint = nullptr;
}

void TestIpMsgEndpoint::reportsAPortInUsePlainly()
{
    Endpoint second;
    QSignalSpy errors(&second, &Endpoint::errorOccurred);
    QVERIFY(!second.bind(QHostAddress::LocalHost, m_endpoint->localPort()));
    QVERIFY(!second.isBound());
    QCOMPARE(second.errorString(),
             u"UDP port %1 on 127.0.0.1 is already in use (is another IP Messenger running?)."_s.arg(
                 m_endpoint->localPort()));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(second.sendMessage({QHostAddress(QHostAddress::LocalHost), 9}, u"x"_s), 0u);
    // The first one is untouched.
    FakeMessenger fake(m_endpoint->localPort());
    fake.send(fake.packet(FakeMessenger::GetInfo, ""));
    QVERIFY(fake.next().has_value());
}

void TestIpMsgEndpoint::answersAnEntryAndListsThePeer_data()
{
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<quint32>("command");
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<QString>("nickname");
    QTest::addColumn<QString>("group");
    QTest::addColumn<bool>("utf8");

    QTest::newRow("FeiQ, GBK") << QByteArray("1_lbt4_41#128#24F5AAD7C96A#0#0#0#311c#9") << 0x600001u
                               << (hex("b3c2d3e1d0c1") + '\0' + hex("d1d0b7a2b2bf")) << u"陈俞辛"_s << u"研发部"_s
                               << false;
    QTest::newRow("IP Messenger, GBK with a UTF-8 copy")
        << QByteArray("1") << (FakeMessenger::BrEntry | FakeMessenger::CapUtf8Opt)
        << (hex("c4e3bac3") + '\0' + "?" + '\0' + "\nUN:fake\nHN:fakehost\nNN:" + hex("e4bda0e5a5bd")
            + "\nGN:" + hex("e5bca0e4b889") + "\n")
        << u"你好"_s << u"张三"_s << true;
    QTest::newRow("iptux, UTF-8 without UTF8OPT")
        << QByteArray("1_iptux 0.8.3") << (FakeMessenger::BrEntry | FakeMessenger::AbsenceOpt)
        << (hex("e5bca0e4b889") + '\0' + "dev" + '\0' + "icon" + '\0' + "utf-8") << u"张三"_s << u"dev"_s << true;
}

void TestIpMsgEndpoint::answersAnEntryAndListsThePeer()
{
    QFETCH(QByteArray, version);
    QFETCH(quint32, command);
    QFETCH(QByteArray, extra);
    FakeMessenger fake(m_endpoint->localPort(), version);
    QSignalSpy entered(m_endpoint, &Endpoint::peerEntered);
    fake.send(fake.packet(command, extra));

    const auto answer = fake.next();
    QVERIFY(answer);
    QCOMPARE(answer->mode(), FakeMessenger::AnsEntry);
    QCOMPARE(answer->version, QByteArray(TincanVersionField));
    QCOMPARE(answer->user, QByteArray("tester"));
    QVERIFY(answer->command & FakeMessenger::CapUtf8Opt);
    QFETCH(bool, utf8);
    const QList<QByteArray> parts = answer->parts();
    if (utf8) {
        // One that reads UTF-8 is answered in UTF-8.
        QVERIFY(answer->command & FakeMessenger::Utf8Opt);
        QCOMPARE(parts.value(0), QString(u"测试员"_s).toUtf8());
        QCOMPARE(parts.value(1), QString(u"研发部"_s).toUtf8());
    } else {
        // Anyone else in GBK, with IP Messenger's UTF-8 copy after the group.
        QVERIFY(!(answer->command & FakeMessenger::Utf8Opt));
        QCOMPARE(parts.value(0), hex("b2e2cad4d4b1"));
        QCOMPARE(parts.value(1), hex("d1d0b7a2b2bf"));
        QCOMPARE(parts.value(2), QString(u"\nUN:tester\nHN:testhost\nNN:测试员\nGN:研发部\n"_s).toUtf8());
    }

    QTRY_COMPARE(entered.size(), 1);
    const auto peer = entered.at(0).at(0).value<Peer>();
    QFETCH(QString, nickname);
    QFETCH(QString, group);
    QCOMPARE(peer.nickname, nickname);
    QCOMPARE(peer.group, group);
    QCOMPARE(peer.host, u"fakehost"_s);
    QCOMPARE(peer.version, version);
    QCOMPARE(peer.readsUtf8, utf8);
    QCOMPARE(peer.address, fake.address());
    QCOMPARE(m_endpoint->peers().size(), 1);
    QVERIFY(m_endpoint->peer(fake.address()).has_value());

    // An ANSENTRY (the answer to our own entry) lists the peer too, and is not answered.
    QSignalSpy enteredAgain(m_endpoint, &Endpoint::peerEntered);
    fake.send(fake.packet((command & ~0xffu) | FakeMessenger::AnsEntry, extra));
    QTRY_COMPARE(enteredAgain.size(), 1);
    QVERIFY(fake.collect(200).isEmpty());
    QCOMPARE(m_endpoint->peers().size(), 1);
}

void TestIpMsgEndpoint::iptuxIsNotAwayForItsAlwaysSetAbsenceFlag()
{
    // iptux's entry and answer always carry ABSENCEOPT (command 257 and 259), away or not.
    FakeMessenger iptux(m_endpoint->localPort(), "1_iptux 0.8.3");
    FakeMessenger messenger(m_endpoint->localPort());
    QSignalSpy entered(m_endpoint, &Endpoint::peerEntered);
    iptux.send(iptux.packet(FakeMessenger::BrEntry | FakeMessenger::AbsenceOpt,
                            QByteArrayLiteral("tux\0\0icon-tux.png\0utf-8")));
    messenger.send(messenger.packet(FakeMessenger::BrEntry | FakeMessenger::AbsenceOpt, "Fake[away]"));
    QTRY_COMPARE(entered.size(), 2);
    QVERIFY(!m_endpoint->peer(iptux.address())->away);
    QVERIFY(m_endpoint->peer(messenger.address())->away); // IP Messenger sets it only when away
}

void TestIpMsgEndpoint::followsAbsenceAndExit()
{
    FakeMessenger fake(m_endpoint->localPort());
    QSignalSpy entered(m_endpoint, &Endpoint::peerEntered);
    QSignalSpy absence(m_endpoint, &Endpoint::peerAbsenceChanged);
    QSignalSpy exited(m_endpoint, &Endpoint::peerExited);
    fake.send(fake.packet(FakeMessenger::BrEntry, "Fake"));
    QTRY_COMPARE(entered.size(), 1);
    QVERIFY(!entered.at(0).at(0).value<Peer>().away);

    fake.send(fake.packet(FakeMessenger::BrAbsence | FakeMessenger::AbsenceOpt, "Fake[away]"));
    QTRY_COMPARE(absence.size(), 1);
    QVERIFY(absence.at(0).at(0).value<Peer>().away);
    QVERIFY(m_endpoint->peer(fake.address())->away);

    fake.send(fake.packet(FakeMessenger::BrExit, "Fake"));
    QTRY_COMPARE(exited.size(), 1);
    QCOMPARE(exited.at(0).at(0).value<Peer>().nickname, u"Fake[away]"_s);
    QVERIFY(m_endpoint->peers().isEmpty());
    // An exit from one never heard is ignored.
    fake.send(fake.packet(FakeMessenger::BrExit, "Fake"));
    QTest::qWait(100);
    QCOMPARE(exited.size(), 1);
}

void TestIpMsgEndpoint::receivesAMessageOnceAndAnswersEveryRetry_data()
{
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<quint32>("options");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");

    QTest::newRow("FeiQ, GBK") << QByteArray("1_lbt4_0#128#AABBCCDDEEFF#0#0#0#4001#9") << 0u
                               << (hex("c4e3bac3") + ": 12:30") << u"你好: 12:30"_s;
    QTest::newRow("IP Messenger, UTF-8") << QByteArray("1") << (FakeMessenger::Utf8Opt | FakeMessenger::CapUtf8Opt)
                                         << (hex("e4bda0e5a5bd") + " \xf0\x9f\x98\x80") << u"你好 😀"_s;
}

void TestIpMsgEndpoint::receivesAMessageOnceAndAnswersEveryRetry()
{
    QFETCH(QByteArray, version);
    QFETCH(quint32, options);
    QFETCH(QByteArray, text);
    FakeMessenger fake(m_endpoint->localPort(), version);
    QSignalSpy received(m_endpoint, &Endpoint::messageReceived);
    const QByteArray message = fake.packet(FakeMessenger::SendMsg | FakeMessenger::SendCheckOpt | options, text);
    const quint32 packetNo = fake.lastPacketNo();
    for (int attempt = 0; attempt < 3; ++attempt) {
        fake.send(message);
        const auto answer = fake.next();
        QVERIFY(answer);
        QCOMPARE(answer->mode(), FakeMessenger::RecvMsg);
        QCOMPARE(answer->parts().value(0), QByteArray::number(packetNo));
    }
    QTRY_COMPARE(received.size(), 1);
    QTest::qWait(100);
    QCOMPARE(received.size(), 1);
    const auto incoming = received.at(0).at(0).value<IncomingMessage>();
    QFETCH(QString, expected);
    QCOMPARE(incoming.text, expected);
    QCOMPARE(incoming.packetNo, packetNo);
    QCOMPARE(incoming.from, fake.address());
    QCOMPARE(incoming.user, u"fake"_s);
    QVERIFY(!incoming.sealed);

    // A new packet number is a new message.
    fake.send(fake.packet(FakeMessenger::SendMsg | options, text));
    QTRY_COMPARE(received.size(), 2);
    QVERIFY(fake.collect(100).isEmpty()); // no SENDCHECKOPT: no RECVMSG
}

void TestIpMsgEndpoint::doesNotAnswerABroadcastMessage()
{
    FakeMessenger fake(m_endpoint->localPort());
    QSignalSpy received(m_endpoint, &Endpoint::messageReceived);
    fake.send(fake.packet(FakeMessenger::SendMsg | FakeMessenger::SendCheckOpt | 0x400, "to all"));
    QTRY_COMPARE(received.size(), 1);
    QVERIFY(fake.collect(200).isEmpty());
}

void TestIpMsgEndpoint::sendsAMessageUntilItIsConfirmed_data()
{
    QTest::addColumn<bool>("announceUtf8");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<bool>("utf8Flag");

    QTest::newRow("to an unknown peer: GBK") << false << hex("c4e3bac3") << false;
    QTest::newRow("to one that said CAPUTF8OPT: UTF-8") << true << hex("e4bda0e5a5bd") << true;
}

void TestIpMsgEndpoint::sendsAMessageUntilItIsConfirmed()
{
    QFETCH(bool, announceUtf8);
    FakeMessenger fake(m_endpoint->localPort());
    if (announceUtf8) {
        QSignalSpy entered(m_endpoint, &Endpoint::peerEntered);
        fake.send(fake.packet(FakeMessenger::AnsEntry | FakeMessenger::CapUtf8Opt, "Fake"));
        QTRY_COMPARE(entered.size(), 1);
    }
    m_endpoint->setRetryInterval(std::chrono::milliseconds(200));
    QSignalSpy delivered(m_endpoint, &Endpoint::messageDelivered);
    QSignalSpy failed(m_endpoint, &Endpoint::messageFailed);
    const quint32 packetNo = m_endpoint->sendMessage(fake.address(), u"你好"_s);
    QVERIFY(packetNo != 0);
    QCOMPARE(m_endpoint->pendingMessageCount(), 1);

    const auto first = fake.next();
    QVERIFY(first);
    QCOMPARE(first->mode(), FakeMessenger::SendMsg);
    QVERIFY(first->command & FakeMessenger::SendCheckOpt);
    QCOMPARE(first->packetNo, packetNo);
    QFETCH(QByteArray, expected);
    QCOMPARE(first->parts().value(0), expected);
    QFETCH(bool, utf8Flag);
    QCOMPARE(bool(first->command & FakeMessenger::Utf8Opt), utf8Flag);

    // Unanswered, it comes again with the same number.
    const auto retry = fake.next();
    QVERIFY(retry);
    QCOMPARE(retry->packetNo, packetNo);
    QCOMPARE(retry->parts().value(0), expected);

    fake.send(fake.packet(FakeMessenger::RecvMsg, QByteArray::number(packetNo)));
    QTRY_COMPARE(delivered.size(), 1);
    QCOMPARE(delivered.at(0).at(1).toUInt(), packetNo);
    QCOMPARE(delivered.at(0).at(0).value<PeerAddress>(), fake.address());
    QCOMPARE(m_endpoint->pendingMessageCount(), 0);
    // Confirmed: no more tries, and a second RECVMSG changes nothing.
    fake.send(fake.packet(FakeMessenger::RecvMsg, QByteArray::number(packetNo)));
    QVERIFY(fake.collect(600).isEmpty());
    QCOMPARE(delivered.size(), 1);
    QCOMPARE(failed.size(), 0);
}

void TestIpMsgEndpoint::failsAMessageNobodyConfirms()
{
    FakeMessenger fake(m_endpoint->localPort());
    m_endpoint->setRetryInterval(std::chrono::milliseconds(50));
    QSignalSpy failed(m_endpoint, &Endpoint::messageFailed);
    const quint32 packetNo = m_endpoint->sendMessage(fake.address(), u"anyone?"_s);
    QVERIFY(packetNo != 0);
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(failed.at(0).at(1).toUInt(), packetNo);
    QCOMPARE(failed.at(0).at(2).toString(), u"127.0.0.1 did not confirm the message after 5 tries."_s);
    const QList<Reply> tries = fake.collect(200);
    QCOMPARE(tries.size(), Endpoint::MaxAttempts);
    for (const Reply &reply : tries)
        QCOMPARE(reply.packetNo, packetNo);
    QCOMPARE(m_endpoint->pendingMessageCount(), 0);
}

void TestIpMsgEndpoint::ignoresAForgedConfirmation()
{
    FakeMessenger fake(m_endpoint->localPort());
    m_endpoint->setRetryInterval(std::chrono::milliseconds(5000));
    QSignalSpy delivered(m_endpoint, &Endpoint::messageDelivered);
    const quint32 packetNo = m_endpoint->sendMessage(fake.address(), u"x"_s);
    QVERIFY(fake.next());
    fake.send(fake.packet(FakeMessenger::RecvMsg, QByteArray::number(packetNo + 1)));
    fake.send(fake.packet(FakeMessenger::RecvMsg, "not a number"));
    QTest::qWait(100);
    QCOMPARE(delivered.size(), 0);
    QCOMPARE(m_endpoint->pendingMessageCount(), 1);
}

void TestIpMsgEndpoint::sendsAndReceivesReadNotices()
{
    FakeMessenger fake(m_endpoint->localPort());
    QSignalSpy received(m_endpoint, &Endpoint::messageReceived);
    fake.send(fake.packet(FakeMessenger::SendMsg | FakeMessenger::SendCheckOpt | FakeMessenger::SecretOpt, "sealed"));
    const quint32 sealedNo = fake.lastPacketNo();
    QVERIFY(fake.next()); // RECVMSG
    QTRY_COMPARE(received.size(), 1);
    const auto incoming = received.at(0).at(0).value<IncomingMessage>();
    QVERIFY(incoming.sealed);

    QVERIFY(m_endpoint->sendReadNotice(incoming.from, incoming.packetNo));
    const auto notice = fake.next();
    QVERIFY(notice);
    QCOMPARE(notice->mode(), FakeMessenger::ReadMsg);
    QCOMPARE(notice->parts().value(0), QByteArray::number(sealedNo));

    // The peer's read notice for one of ours, asking to be confirmed.
    QSignalSpy read(m_endpoint, &Endpoint::messageRead);
    fake.send(fake.packet(FakeMessenger::ReadMsg | FakeMessenger::ReadCheckOpt, "123456"));
    const quint32 noticeNo = fake.lastPacketNo();
    QTRY_COMPARE(read.size(), 1);
    QCOMPARE(read.at(0).at(1).toUInt(), 123456u);
    const auto answer = fake.next();
    QVERIFY(answer);
    QCOMPARE(answer->mode(), FakeMessenger::AnsReadMsg);
    QCOMPARE(answer->parts().value(0), QByteArray::number(noticeNo));
}

void TestIpMsgEndpoint::answersGetInfoAndAbsenceInfo()
{
    FakeMessenger fake(m_endpoint->localPort());
    fake.send(fake.packet(FakeMessenger::GetInfo, ""));
    const auto info = fake.next();
    QVERIFY(info);
    QCOMPARE(info->mode(), FakeMessenger::SendInfo);
    QVERIFY(info->parts().value(0).startsWith("Tincan "));

    static constexpr quint32 GetAbsenceInfo = 0x50, SendAbsenceInfo = 0x51;
    fake.send(fake.packet(GetAbsenceInfo, ""));
    auto absence = fake.next();
    QVERIFY(absence);
    QCOMPARE(absence->mode(), SendAbsenceInfo);
    QCOMPARE(absence->parts().value(0), QByteArray("Not absence mode"));

    Endpoint::Identity identity = m_endpoint->identity();
    identity.absenceText = u"午饭"_s;
    m_endpoint->setIdentity(identity);
    m_endpoint->setAway(true);
    fake.send(fake.packet(GetAbsenceInfo, ""));
    absence = fake.next();
    QVERIFY(absence);
    QCOMPARE(absence->parts().value(0), hex("cee7b7b9")); // 午饭 in GBK: the peer never said UTF-8
}

void TestIpMsgEndpoint::announcesItsEntryAbsenceAndExit()
{
    FakeMessenger fake(m_endpoint->localPort());
    m_endpoint->announceEntry({fake.address()});
    auto entry = fake.next();
    QVERIFY(entry);
    QCOMPARE(entry->mode(), FakeMessenger::BrEntry);
    QVERIFY(entry->command & FakeMessenger::CapUtf8Opt);
    QVERIFY(!(entry->command & FakeMessenger::AbsenceOpt));
    QCOMPARE(entry->parts().value(0), hex("b2e2cad4d4b1")); // 测试员 in GBK

    m_endpoint->setAway(true);
    m_endpoint->announceAbsence({fake.address()});
    const auto absence = fake.next();
    QVERIFY(absence);
    QCOMPARE(absence->mode(), FakeMessenger::BrAbsence);
    QVERIFY(absence->command & FakeMessenger::AbsenceOpt);
    QVERIFY(absence->packetNo > entry->packetNo);

    m_endpoint->announceExit({fake.address(), fake.address()});
    for (int i = 0; i < 2; ++i) {
        const auto exit = fake.next();
        QVERIFY(exit);
        QCOMPARE(exit->mode(), FakeMessenger::BrExit);
    }
}

void TestIpMsgEndpoint::ignoresBadDatagramsAndKeepsServing_data()
{
    QTest::addColumn<QByteArray>("datagram");
    QTest::addColumn<bool>("rejected"); // reported through datagramRejected, or silently ignored

    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("bare text") << QByteArray("hello TOM") << true;
    QTest::newRow("a Tincan envelope") << QByteArray("\0\x01\xa0", 3) << true;
    QTest::newRow("non-numeric command") << QByteArray("1:1:u:h:SENDMSG:hi") << true;
    QTest::newRow("packet number past 2^32") << QByteArray("1:99999999999:u:h:288:hi") << true;
    QTest::newRow("invalid UTF-8 under UTF8OPT") << QByteArray("1:1:u:h:8388896:\xc3\x28") << true;
    QTest::newRow("oversized") << (QByteArray("1:1:u:h:288:") + QByteArray(40000, 'a')) << true;
    QTest::newRow("random bytes") << QByteArray::fromHex("ff00ff3a3a3a3a3a00fe") << true;
    QTest::newRow("unknown command (iptux's 0xFB)") << QByteArray("1_iptux:5:u:h:251:group text") << false;
    QTest::newRow("file request, not implemented") << QByteArray("1:5:u:h:96:1:0:0:") << false;
}

void TestIpMsgEndpoint::ignoresBadDatagramsAndKeepsServing()
{
    QFETCH(QByteArray, datagram);
    QFETCH(bool, rejected);
    QSignalSpy rejections(m_endpoint, &Endpoint::datagramRejected);
    QUdpSocket hostile;
    QVERIFY(hostile.bind(QHostAddress::LocalHost, 0));
    QCOMPARE(hostile.writeDatagram(datagram, QHostAddress::LocalHost, m_endpoint->localPort()),
             qint64(datagram.size()));
    // Twice, in a burst.
    QCOMPARE(hostile.writeDatagram(datagram, QHostAddress::LocalHost, m_endpoint->localPort()),
             qint64(datagram.size()));
    if (rejected)
        QTRY_COMPARE(rejections.size(), 2);
    QTest::qWait(50);
    QCOMPARE(rejections.size(), rejected ? 2 : 0);
    QVERIFY(!hostile.hasPendingDatagrams());
    QVERIFY(m_endpoint->peers().isEmpty());

    FakeMessenger fake(m_endpoint->localPort());
    QSignalSpy received(m_endpoint, &Endpoint::messageReceived);
    fake.send(fake.packet(FakeMessenger::SendMsg | FakeMessenger::SendCheckOpt, "still there?"));
    const auto answer = fake.next();
    QVERIFY(answer);
    QCOMPARE(answer->mode(), FakeMessenger::RecvMsg);
    QTRY_COMPARE(received.size(), 1);
    QCOMPARE(received.at(0).at(0).value<IncomingMessage>().text, u"still there?"_s);
    QVERIFY(!hostile.hasPendingDatagrams());
}

void TestIpMsgEndpoint::keepsThePeerTableBoundedUnderAFlood()
{
    // Entries from more loopback addresses than the table holds (all of 127/8 is loopback).
    const int forged = int(Endpoint::MaxPeers) + 200;
    QSignalSpy entered(m_endpoint, &Endpoint::peerEntered);
    for (int i = 0; i < forged; ++i) {
        QUdpSocket socket;
        const QHostAddress from(quint32((127u << 24) | (1u << 16) | quint32(i + 1)));
        QVERIFY2(socket.bind(from, 0), qPrintable(socket.errorString()));
        const QByteArray entry = "1:" + QByteArray::number(i + 1) + ":forged:f:1:n" + QByteArray::number(i) + '\0';
        QCOMPARE(socket.writeDatagram(entry, QHostAddress::LocalHost, m_endpoint->localPort()), qint64(entry.size()));
        if (i % 100 == 99)
            QTRY_COMPARE(entered.size(), i + 1); // in step, so that the socket's buffer never overflows
    }
    QTRY_COMPARE(entered.size(), forged);
    QCOMPARE(m_endpoint->peers().size(), Endpoint::MaxPeers);
    // The oldest went first; the newest are listed.
    QVERIFY(!m_endpoint->peer({QHostAddress(u"127.1.0.1"_s), 0}).has_value());

    // A real peer heard after the flood is listed and its messages confirmed. (Its ANSENTRY may
    // have been suppressed: the flood spent the entries' budget, tst_ipmsglimits.)
    FakeMessenger fake(m_endpoint->localPort());
    fake.send(fake.packet(FakeMessenger::BrEntry, "Real"));
    QTRY_VERIFY(m_endpoint->peer(fake.address()).has_value());
    QCOMPARE(m_endpoint->peers().size(), Endpoint::MaxPeers);
    QCOMPARE(m_endpoint->peer(fake.address())->nickname, u"Real"_s);
    fake.collect(0);
    fake.send(fake.packet(FakeMessenger::SendMsg | FakeMessenger::SendCheckOpt, "after the flood"));
    std::optional<Reply> receipt;
    while ((receipt = fake.next()) && receipt->mode() != FakeMessenger::RecvMsg) { }
    QVERIFY(receipt);
}

QTEST_GUILESS_MAIN(TestIpMsgEndpoint)
#include "tst_ipmsgendpoint.moc"
