// The console's message table (net/wire/messagetype.h) against docs/PROTOCOL.md:
// every message in the table is documented there, with the same sender, and
// every message documented there is in the table. Then the parsing of a
// frame's "type", good names and bad.
#include "net/wire/messagetype.h"

#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QTest>

using namespace Tincan;
using namespace Tincan::Console;

namespace {
QString senderName(MessageSender sender)
{
    switch (sender) {
    case MessageSender::Client:
        return QStringLiteral("client");
    case MessageSender::Server:
        return QStringLiteral("server");
    case MessageSender::Either:
        return QStringLiteral("either");
    }
    return {};
}

// The messages PROTOCOL.md documents, with who sends each: every row of a
// table whose first column is "type". The table's direction is its section
// ("### Client → server", "### Server → client") or its "from → to" column;
// a name in tables of both directions is sent by either end.
QMap<QString, QString> documentedMessages(QString *error)
{
    QFile file(QStringLiteral(TINCAN_PROTOCOL_DOC));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = file.errorString();
        return {};
    }
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
    static const QRegularExpression quoted(QStringLiteral("`([a-z_]+)`"));
    QMap<QString, QString> result;
    const auto add = [&result](const QString &name, const QString &sender) {
        const QString known = result.value(name);
        result.insert(name, known.isEmpty() || known == sender ? sender : QStringLiteral("either"));
    };
    QString sectionSender;
    bool inTypeTable = false;
    bool hasDirectionColumn = false;
    for (const QString &line : lines) {
        if (line.startsWith(u'#')) {
            sectionSender = line.contains(QStringLiteral("Client → server")) ? QStringLiteral("client")
                : line.contains(QStringLiteral("Server → client"))           ? QStringLiteral("server")
                                                                             : QString();
            continue;
        }
        if (!line.startsWith(u'|')) {
            inTypeTable = false;
            continue;
        }
        const QStringList cells = line.split(u'|');
        if (cells.size() < 3)
            continue;
        const QString first = cells.at(1).trimmed();
        if (first == u"type") {
            inTypeTable = true;
            hasDirectionColumn = cells.at(2).trimmed() == QStringLiteral("from → to");
            continue;
        }
        if (!inTypeTable || first.startsWith(u'-'))
            continue;
        QString sender = sectionSender;
        if (hasDirectionColumn) {
            const QString direction = cells.at(2).trimmed();
            sender = direction == QStringLiteral("client → server") ? QStringLiteral("client")
                : direction == QStringLiteral("server → client")    ? QStringLiteral("server")
                                                                    : QStringLiteral("either");
        }
        for (const QRegularExpressionMatch &match : quoted.globalMatch(first))
            add(match.captured(1), sender);
    }
    return result;
}
} // namespace

class TestMessageTable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tableMessageIsDocumented_data();
    void tableMessageIsDocumented();
    void documentedMessageIsInTable_data();
    void documentedMessageIsInTable();
    void tableHasEachTypeOnce();
    void parsesNames_data();
    void parsesNames();

private:
    QMap<QString, QString> m_documented;
};

void TestMessageTable::initTestCase()
{
    QString error;
    m_documented = documentedMessages(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // The three tables of §4 document well over a dozen messages: fewer means
    // the parsing above no longer matches how PROTOCOL.md is written.
    QVERIFY2(m_documented.size() >= 15, qPrintable(QStringList(m_documented.keys()).join(u',')));
}

void TestMessageTable::tableMessageIsDocumented_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("sender");
    for (const MessageDescription &message : Messages)
        QTest::newRow(message.name.data()) << QString(message.name) << senderName(message.sender);
}

void TestMessageTable::tableMessageIsDocumented()
{
    QFETCH(QString, name);
    QFETCH(QString, sender);
    QVERIFY2(m_documented.contains(name), qPrintable(name + u" is not in PROTOCOL.md's message tables"));
    QCOMPARE(m_documented.value(name), sender);
}

void TestMessageTable::documentedMessageIsInTable_data()
{
    QTest::addColumn<QString>("name");
    for (auto it = m_documented.cbegin(); it != m_documented.cend(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key();
}

void TestMessageTable::documentedMessageIsInTable()
{
    QFETCH(QString, name);
    const MessageType type = messageTypeFromName(name);
    QVERIFY2(type != MessageType::Unknown, qPrintable(name + u" is documented but not in the message table"));
    QCOMPARE(QString(messageName(type)), name);
}

void TestMessageTable::tableHasEachTypeOnce()
{
    QSet<int> types;
    QSet<QString> names;
    for (const MessageDescription &message : Messages) {
        QVERIFY(message.type != MessageType::Unknown);
        QVERIFY2(!types.contains(int(message.type)), message.name.data());
        QVERIFY2(!names.contains(QString(message.name)), message.name.data());
        types.insert(int(message.type));
        names.insert(QString(message.name));
    }
    // Every enum value but Unknown has its row (TransferCancel is the last).
    QCOMPARE(types.size(), int(MessageType::TransferCancel));
    QCOMPARE(messageName(MessageType::Unknown), QLatin1StringView());
}

void TestMessageTable::parsesNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<MessageType>("type");
    QTest::newRow("hello") << QStringLiteral("hello") << MessageType::Hello;
    QTest::newRow("auth_challenge") << QStringLiteral("auth_challenge") << MessageType::AuthChallenge;
    QTest::newRow("transfer_cancel") << QStringLiteral("transfer_cancel") << MessageType::TransferCancel;
    QTest::newRow("data") << QStringLiteral("data") << MessageType::Data;
    // Names are exact: no case folding, no trimming, no prefixes.
    QTest::newRow("empty") << QString() << MessageType::Unknown;
    QTest::newRow("upper case") << QStringLiteral("HELLO") << MessageType::Unknown;
    QTest::newRow("trailing space") << QStringLiteral("hello ") << MessageType::Unknown;
    QTest::newRow("prefix") << QStringLiteral("hel") << MessageType::Unknown;
    QTest::newRow("longer") << QStringLiteral("helloo") << MessageType::Unknown;
    QTest::newRow("embedded nul") << QString(QStringLiteral("exec") + QChar(0)) << MessageType::Unknown;
    QTest::newRow("dash for underscore") << QStringLiteral("transfer-ready") << MessageType::Unknown;
    QTest::newRow("non-latin") << QStringLiteral("héllo") << MessageType::Unknown;
    QTest::newRow("long") << QString(100000, u'a') << MessageType::Unknown;
}

void TestMessageTable::parsesNames()
{
    QFETCH(QString, name);
    QFETCH(MessageType, type);
    QCOMPARE(messageTypeFromName(name), type);
}

QTEST_GUILESS_MAIN(TestMessageTable)
#include "tst_messagetable.moc"
