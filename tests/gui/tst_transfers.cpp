// File transfers in the desktop app: a file dropped on a console session is
// uploaded into the session's directory, Download fetches one, and the
// transfers model and panel show progress, state, the verified MD5 and
// Cancel; against a real ConsoleServer in this process, offscreen.
#include "fakeprompter.h"
#include "models/console/transferlistmodel.h"
#include "net/console/consoleserver.h"
#include "ui/console/consolesessionwidget.h"
#include "ui/console/transferspanel.h"
#include "ui/mainwindow.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDockWidget>
#include <QDropEvent>
#include <QFile>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

using namespace Tincan;
using State = TransferListModel::State;

namespace {
constexpr qint64 MiB = 1024 * 1024;
constexpr int TransferTimeoutMs = 30000;

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

QByteArray filler(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < bytes.size(); ++i)
        bytes[i] = char((i * 131 + i / 4099) & 0xff);
    return bytes;
}

// Drops `paths` (as file URLs) on `target`, as a file manager would.
bool drop(QWidget *target, const QStringList &paths)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString &path : paths)
        urls.append(QUrl::fromLocalFile(path));
    mime.setUrls(urls);
    const QPoint where = target->rect().center();
    QDragEnterEvent enter(where, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent dropped(QPointF(where), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &dropped);
    return dropped.isAccepted();
}
} // namespace

class TestTransfers final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_tree;
    std::unique_ptr<ConsoleServer> m_server;
    std::unique_ptr<TransferListModel> m_model;

    QString remote() const { return m_tree->filePath(QStringLiteral("remote")); }
    QString local() const { return m_tree->filePath(QStringLiteral("local")); }

    std::unique_ptr<ConsoleSessionWidget> connectedSession(ConsoleClient::Mode mode = ConsoleClient::Mode::Tincan)
    {
        auto session = std::make_unique<ConsoleSessionWidget>();
        session->setTransferModel(m_model.get());
        session->show();
        session->connectToServer(QStringLiteral("127.0.0.1"), m_server->serverPort(), mode);
        if (!QTest::qWaitFor([&] { return session->state() == ConsoleClient::State::Ready; }))
            return nullptr;
        return session;
    }

    bool waitEnded(int row)
    {
        return QTest::qWaitFor([&] { return row < m_model->rowCount() && !m_model->isActive(row); }, TransferTimeoutMs);
    }

    QString cell(int row, int column) const { return m_model->index(row, column).data().toString(); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Tincan"));
        QCoreApplication::setApplicationName(QStringLiteral("TincanTransfersTest"));
        QSettings().clear();
    }

    void init()
    {
        m_tree = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tree->isValid());
        QVERIFY(QDir().mkpath(remote()));
        QVERIFY(QDir().mkpath(local()));
        m_server = std::make_unique<ConsoleServer>();
        ConsoleServer::Options options;
        options.port = 0;
        options.startDirectory = remote();
        QVERIFY(m_server->listen(options));
        m_model = std::make_unique<TransferListModel>();
    }

    void cleanup()
    {
        m_model.reset();
        m_server.reset();
        m_tree.reset();
    }

    void dropUploadsIntoTheSessionDirectory()
    {
        const QByteArray first = filler(2 * MiB + 5);
        const QByteArray second = "a small one\n";
        QVERIFY(writeFile(local() + QStringLiteral("/first.bin"), first));
        QVERIFY(writeFile(local() + QStringLiteral("/second.txt"), second));
        QVERIFY(QDir().mkpath(remote() + QStringLiteral("/sub")));
        auto session = connectedSession();
        QVERIFY(session);
        // Into the session's directory, wherever the session went.
        QSignalSpy finished(session->client(), &ConsoleClient::commandFinished);
        session->client()->exec(QStringLiteral("cd sub"));
        QTRY_COMPARE(finished.count(), 1);
        QSignalSpy added(session.get(), &ConsoleSessionWidget::transferAdded);
        QVERIFY(drop(session.get(), {local() + QStringLiteral("/first.bin"), local() + QStringLiteral("/second.txt")}));
        QCOMPARE(added.count(), 2);
        QCOMPARE(m_model->rowCount(), 2);
        QCOMPARE(cell(0, TransferListModel::NameColumn), QStringLiteral("first.bin"));
        QCOMPARE(cell(0, TransferListModel::DirectionColumn), QStringLiteral("Upload"));
        QVERIFY(waitEnded(0));
        QVERIFY(waitEnded(1));
        QCOMPARE(m_model->stateAt(0), State::Done);
        QCOMPARE(m_model->stateAt(1), State::Done);
        QCOMPARE(readFile(remote() + QStringLiteral("/sub/first.bin")), first);
        QCOMPARE(readFile(remote() + QStringLiteral("/sub/second.txt")), second);
        // The verified MD5, and a full bar.
        const QString md5 = QString::fromLatin1(QCryptographicHash::hash(first, QCryptographicHash::Md5).toHex());
        QCOMPARE(m_model->md5At(0), md5);
        QCOMPARE(cell(0, TransferListModel::Md5Column), md5);
        QCOMPARE(cell(0, TransferListModel::StateColumn), QStringLiteral("Done"));
        QCOMPARE(m_model->index(0, TransferListModel::ProgressColumn).data(TransferListModel::FractionRole).toDouble(),
                 1.0);
        QVERIFY(cell(0, TransferListModel::ProgressColumn).startsWith(QStringLiteral("100%")));
        // The pane says how each ended, with the MD5 checked.
        session->flushOutput();
        const QString pane = session->terminal()->toPlainText();
        QVERIFY2(pane.contains(QStringLiteral("first.bin: MD5 %1 verified.").arg(md5)), qPrintable(pane));
        QVERIFY(pane.contains(QStringLiteral("Transferred %1/second.txt to second.txt").arg(local())));
    }

    void dropRefusesWhatCannotGo()
    {
        auto session = connectedSession();
        QVERIFY(session);
        // A directory is not a file.
        QVERIFY(!drop(session.get(), {local()}));
        // A classic session cannot transfer.
        auto classic = connectedSession(ConsoleClient::Mode::Classic);
        QVERIFY(classic);
        QVERIFY(writeFile(local() + QStringLiteral("/x.txt"), "x"));
        QVERIFY(!drop(classic.get(), {local() + QStringLiteral("/x.txt")}));
        QCOMPARE(m_model->rowCount(), 0);
    }

    void overwriteIsAsked_data()
    {
        QTest::addColumn<bool>("answer");
        QTest::newRow("replace") << true;
        QTest::newRow("keep") << false;
    }

    void overwriteIsAsked()
    {
        QFETCH(bool, answer);
        QVERIFY(writeFile(local() + QStringLiteral("/f.txt"), "new\n"));
        QVERIFY(writeFile(remote() + QStringLiteral("/f.txt"), "old\n"));
        auto session = connectedSession();
        QVERIFY(session);
        FakePrompter prompter;
        prompter.replaceAnswers = {answer};
        session->setPrompter(&prompter);
        QVERIFY(drop(session.get(), {local() + QStringLiteral("/f.txt")}));
        QVERIFY(waitEnded(0));
        QCOMPARE(m_model->stateAt(0), State::Failed);
        QVERIFY(m_model->messageAt(0).contains(QStringLiteral("exists")));
        QCOMPARE(prompter.replaceQuestions, QStringList{QStringLiteral("f.txt")});
        if (answer) {
            QTRY_COMPARE(m_model->rowCount(), 2);
            QVERIFY(waitEnded(1));
            QCOMPARE(m_model->stateAt(1), State::Done);
            QCOMPARE(readFile(remote() + QStringLiteral("/f.txt")), QByteArray("new\n"));
        } else {
            QTest::qWait(50); // nothing more may come
            QCOMPARE(m_model->rowCount(), 1);
            QCOMPARE(readFile(remote() + QStringLiteral("/f.txt")), QByteArray("old\n"));
        }
    }

    void downloadShowsProgressAndMd5()
    {
        const QByteArray content = filler(3 * MiB);
        QVERIFY(writeFile(remote() + QStringLiteral("/d.bin"), content));
        auto session = connectedSession();
        QVERIFY(session);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        session->startDownload(QStringLiteral("d.bin"), local() + QStringLiteral("/d.bin"), false);
        QCOMPARE(m_model->rowCount(), 1);
        QCOMPARE(cell(0, TransferListModel::DirectionColumn), QStringLiteral("Download"));
        QCOMPARE(m_model->stateAt(0), State::Waiting);
        QVERIFY(waitEnded(0));
        QCOMPARE(m_model->stateAt(0), State::Done);
        QVERIFY(changed.count() > 2); // started, progress, done
        QCOMPARE(readFile(local() + QStringLiteral("/d.bin")), content);
        QCOMPARE(m_model->md5At(0),
                 QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex()));
    }

    void failedDownloadSaysWhy()
    {
        auto session = connectedSession();
        QVERIFY(session);
        session->startDownload(QStringLiteral("../outside"), local() + QStringLiteral("/o"), false);
        QVERIFY(waitEnded(0));
        QCOMPARE(m_model->stateAt(0), State::Failed);
        QVERIFY2(cell(0, TransferListModel::StateColumn).contains(QStringLiteral("out of the session")),
                 qPrintable(cell(0, TransferListModel::StateColumn)));
        QCOMPARE(cell(0, TransferListModel::Md5Column), QString());
        session->flushOutput();
        const QString pane = session->terminal()->toPlainText();
        QVERIFY2(pane.contains(QStringLiteral("Transfer of ../outside to %1/o failed: ").arg(local())),
                 qPrintable(pane));
        QVERIFY(pane.contains(QStringLiteral("out of the session")));
    }

    void panelCancelsAndClears()
    {
        QVERIFY(writeFile(local() + QStringLiteral("/big.bin"), filler(64 * MiB)));
        auto session = connectedSession();
        QVERIFY(session);
        TransfersPanel panel(m_model.get());
        panel.resize(900, 300);
        panel.show();
        QVERIFY(!panel.cancelButton()->isEnabled());
        session->startUpload(local() + QStringLiteral("/big.bin"));
        panel.view()->setCurrentIndex(m_model->index(0, 0));
        QVERIFY(panel.cancelButton()->isEnabled());
        // The progress bar is painted by the delegate: render the view once data flows.
        QVERIFY(QTest::qWaitFor([&] { return m_model->stateAt(0) == State::Running; }, TransferTimeoutMs));
        QVERIFY(!panel.view()->viewport()->grab().isNull());
        QTest::mouseClick(panel.cancelButton(), Qt::LeftButton);
        QVERIFY(waitEnded(0));
        QCOMPARE(m_model->stateAt(0), State::Cancelled);
        QVERIFY(!panel.cancelButton()->isEnabled());
        QVERIFY(!QFile::exists(remote() + QStringLiteral("/big.bin")));
        panel.findChild<QPushButton *>(QStringLiteral("clearTransfersButton"))->click();
        QCOMPARE(m_model->rowCount(), 0);
    }

    void closedSessionEndsItsRows()
    {
        QVERIFY(writeFile(local() + QStringLiteral("/big.bin"), filler(64 * MiB)));
        auto session = connectedSession();
        QVERIFY(session);
        session->startUpload(local() + QStringLiteral("/big.bin"));
        QVERIFY(m_model->isActive(0));
        session.reset();
        QCOMPARE(m_model->stateAt(0), State::Failed);
    }

    void mainWindowShowsTheDock()
    {
        MainWindow window;
        window.show();
        QVERIFY(!window.transfersDock()->isVisible());
        ConsoleSessionWidget *session = window.openSession(QStringLiteral("127.0.0.1"), m_server->serverPort());
        QVERIFY(QTest::qWaitFor([&] { return session->state() == ConsoleClient::State::Ready; }));
        QVERIFY(writeFile(local() + QStringLiteral("/w.txt"), "window\n"));
        QVERIFY(drop(session, {local() + QStringLiteral("/w.txt")}));
        QVERIFY(window.transfersDock()->isVisible());
        QCOMPARE(window.transferModel()->rowCount(), 1);
        QTRY_COMPARE(window.transferModel()->stateAt(0), State::Done);
        QCOMPARE(readFile(remote() + QStringLiteral("/w.txt")), QByteArray("window\n"));
    }
};

QTEST_MAIN(TestTransfers)
#include "tst_transfers.moc"
