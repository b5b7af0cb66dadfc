// The Console tab's raw mode against the upper-case echo services.
#include "net/services/echoservices.h"
#include "ui/console/commandlineedit.h"
#include "ui/console/rawsessionwidget.h"
#include "ui/terminal/terminalview.h"

#include <QComboBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace Tincan;

class TestRawSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hexDump_data();
    void hexDump();
    void tcpEchoAsText();
    void tcpEchoAsHex();
    void udpEchoOneLinePerDatagram();
    void appendNewlineSendsIt();
    void refusedConnectionOffersReconnect();
    void floodKeepsTheScrollbackBounded_data();
    void floodKeepsTheScrollbackBounded();

private:
    static void typeLine(RawSessionWidget &widget, const QString &line)
    {
        widget.input()->setFocus();
        // keyClicks() types ASCII only; other text is put in as a paste would.
        widget.input()->insert(line);
        QTest::keyClick(widget.input(), Qt::Key_Return);
    }
};

void TestRawSession::hexDump_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<QString>("dump");
    QTest::newRow("empty") << QByteArray() << qint64(0) << QString();
    QTest::newRow("abc") << QByteArray("ABC") << qint64(0)
                         << QStringLiteral("00000000  41 42 43%1 ABC\n").arg(QString(40, QLatin1Char(' ')));
    QTest::newRow("unprintable") << QByteArray("\x00\x7f\n", 3) << qint64(16)
                                 << QStringLiteral("00000010  00 7f 0a%1 ...\n").arg(QString(40, QLatin1Char(' ')));
    QTest::newRow("two lines") << QByteArray(17, 'a') << qint64(0)
                               << QStringLiteral("00000000  %1 aaaaaaaaaaaaaaaa\n00000010  61 %2 a\n")
                                      .arg(QStringLiteral("61 ").repeated(16), QString(45, QLatin1Char(' ')));
}

void TestRawSession::hexDump()
{
    QFETCH(QByteArray, bytes);
    QFETCH(qint64, offset);
    QFETCH(QString, dump);
    QCOMPARE(RawSessionWidget::hexDump(bytes, offset), dump);
}

void TestRawSession::tcpEchoAsText()
{
    EchoTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    RawSessionWidget widget;
    widget.show();
    QSignalSpy opened(widget.session(), &RawSession::opened);
    widget.open(QStringLiteral("127.0.0.1"), server.serverPort(), RawSession::Transport::Tcp);
    QTRY_COMPARE(opened.count(), 1);
    QVERIFY(widget.statusText().contains(QStringLiteral("Connected")));

    typeLine(widget, QStringLiteral("hello, 世界"));
    QTRY_VERIFY(widget.pane()->toPlainText().contains(QStringLiteral("HELLO, 世界")));
    QVERIFY(widget.pane()->toPlainText().contains(QStringLiteral("→ hello, 世界")));
    // The echo sends no newline: the next line sent still starts a line.
    typeLine(widget, QStringLiteral("again"));
    QTRY_VERIFY(widget.pane()->toPlainText().endsWith(QStringLiteral("HELLO, 世界\n→ again\nAGAIN")));
}

void TestRawSession::tcpEchoAsHex()
{
    EchoTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    RawSessionWidget widget;
    widget.setView(RawSessionWidget::View::Hex);
    QSignalSpy opened(widget.session(), &RawSession::opened);
    widget.open(QStringLiteral("127.0.0.1"), server.serverPort(), RawSession::Transport::Tcp);
    QTRY_COMPARE(opened.count(), 1);
    typeLine(widget, QStringLiteral("abc"));
    QTRY_VERIFY(widget.pane()->toPlainText().contains(QStringLiteral("41 42 43")));
    QVERIFY(widget.pane()->toPlainText().contains(QStringLiteral("ABC")));
}

void TestRawSession::udpEchoOneLinePerDatagram()
{
    EchoUdpService service;
    QVERIFY(service.bind(QHostAddress::LocalHost, 0));
    RawSessionWidget widget;
    QSignalSpy opened(widget.session(), &RawSession::opened);
    widget.open(QStringLiteral("127.0.0.1"), service.localPort(), RawSession::Transport::Udp);
    QTRY_COMPARE(opened.count(), 1);
    typeLine(widget, QStringLiteral("one"));
    QTRY_VERIFY(widget.pane()->toPlainText().contains(QStringLiteral("ONE\n")));
    typeLine(widget, QStringLiteral("two"));
    QTRY_VERIFY(widget.pane()->toPlainText().contains(QStringLiteral("ONE\n→ two\nTWO\n")));
}

void TestRawSession::appendNewlineSendsIt()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    RawSessionWidget widget;
    widget.setAppendNewline(true);
    widget.open(QStringLiteral("127.0.0.1"), server.serverPort(), RawSession::Transport::Tcp);
    QTRY_VERIFY(server.hasPendingConnections());
    QTcpSocket *peer = server.nextPendingConnection();
    QTRY_VERIFY(widget.session()->isOpen());
    typeLine(widget, QStringLiteral("ls"));
    QTRY_COMPARE(peer->bytesAvailable(), qint64(3));
    QCOMPARE(peer->readAll(), QByteArray("ls\n"));

    widget.setAppendNewline(false);
    typeLine(widget, QStringLiteral("pwd"));
    QTRY_COMPARE(peer->bytesAvailable(), qint64(3));
    QCOMPARE(peer->readAll(), QByteArray("pwd"));
}

void TestRawSession::refusedConnectionOffersReconnect()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    RawSessionWidget widget;
    widget.show();
    QSignalSpy errors(widget.session(), &RawSession::errorOccurred);
    widget.open(QStringLiteral("127.0.0.1"), port, RawSession::Transport::Tcp);
    QVERIFY(errors.wait());
    QVERIFY2(widget.statusText().contains(QStringLiteral("refused")), qPrintable(widget.statusText()));
    auto *reconnect = widget.findChild<QPushButton *>(QStringLiteral("rawReconnect"));
    QVERIFY(reconnect);
    QTRY_VERIFY(reconnect->isVisible());

    // Now something listens there: Reconnect reaches it.
    EchoTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, port));
    QSignalSpy opened(widget.session(), &RawSession::opened);
    QTest::mouseClick(reconnect, Qt::LeftButton);
    QTRY_COMPARE(opened.count(), 1);
    typeLine(widget, QStringLiteral("again"));
    QTRY_VERIFY(widget.pane()->toPlainText().contains(QStringLiteral("AGAIN")));
}

void TestRawSession::floodKeepsTheScrollbackBounded_data()
{
    QTest::addColumn<int>("view");
    QTest::newRow("text") << int(RawSessionWidget::View::Text);
    QTest::newRow("hex") << int(RawSessionWidget::View::Hex);
}

void TestRawSession::floodKeepsTheScrollbackBounded()
{
    // A peer that sends far more than the scrollback at once: the pane keeps
    // its last lines only, and all of them arrive.
    QFETCH(int, view);
    constexpr int Lines = 60000;
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    RawSessionWidget widget;
    widget.setView(RawSessionWidget::View(view));
    widget.show();
    widget.open(QStringLiteral("127.0.0.1"), server.serverPort(), RawSession::Transport::Tcp);
    QTRY_VERIFY(server.hasPendingConnections());
    QTcpSocket *peer = server.nextPendingConnection();
    QTRY_VERIFY(widget.session()->isOpen());
    QByteArray flood;
    for (int i = 1; i <= Lines; ++i)
        flood += QByteArray::number(i).rightJustified(15, '.') + '\n'; // 16 bytes: one hex line each
    peer->write(flood);
    const QString last = view == int(RawSessionWidget::View::Text) ? QStringLiteral("..........60000\n")
                                                                   : QStringLiteral("..........60000.\n");
    QTRY_VERIFY_WITH_TIMEOUT(widget.pane()->toPlainText().contains(QStringLiteral("60000")), 20000);
    QVERIFY2(widget.pane()->toPlainText().endsWith(last), qPrintable(widget.pane()->toPlainText().right(200)));
    const int scrollback = widget.pane()->scrollbackLines();
    QVERIFY2(widget.pane()->document()->blockCount() <= scrollback + 1,
             qPrintable(QString::number(widget.pane()->document()->blockCount())));
    QVERIFY(!widget.pane()->toPlainText().contains(QStringLiteral("..............1")));
}

QTEST_MAIN(TestRawSession)
#include "tst_rawsession.moc"
