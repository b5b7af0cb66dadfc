#include "ui/chat/findpeersdialog.h"

#include "chat/chatcontroller.h"
#include "ui/dialogfields.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace Tincan {

namespace {
constexpr int MinimumWidthChars = 50;
const QColor ErrorColor(0xc0, 0x1c, 0x28);

std::optional<QHostAddress> ipv4(const QString &text)
{
    QHostAddress address;
    if (!address.setAddress(text.trimmed()) || address.protocol() != QAbstractSocket::IPv4Protocol)
        return std::nullopt;
    return address;
}
} // namespace

FindPeersDialog::FindPeersDialog(ChatController *controller, QWidget *parent)
    : QDialog(parent)
    , m_controller(controller)
{
    setWindowTitle(tr("Find Peers"));
    setObjectName(QStringLiteral("findPeersDialog"));
    m_first = new QLineEdit(this);
    m_first->setObjectName(QStringLiteral("firstAddress"));
    m_first->setPlaceholderText(QStringLiteral("192.168.2.1"));
    m_last = new QLineEdit(this);
    m_last->setObjectName(QStringLiteral("lastAddress"));
    m_last->setPlaceholderText(QStringLiteral("192.168.2.254"));
    auto *hint = DialogFields::hintLabel(
        this,
        tr("Asks every address from the first to the last (at most %L1) whether Tincan or IP Messenger "
           "runs there, a few at a time. For networks that announcements do not reach, behind a router.")
            .arg(Lan::PeerDirectory::MaxProbeAddresses));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("probeProgress"));
    m_progress->setVisible(false);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("findPeersMessage"));
    m_message->setWordWrap(true);
    m_message->setVisible(false);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_find = buttons->addButton(tr("&Find"), QDialogButtonBox::ActionRole);
    m_find->setObjectName(QStringLiteral("findButton"));
    m_find->setDefault(true);
    connect(m_find, &QPushButton::clicked, this, &FindPeersDialog::find);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("&From:"), m_first);
    form->addRow(tr("&To:"), m_last);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(hint);
    layout->addWidget(m_progress);
    layout->addWidget(m_message);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * MinimumWidthChars);
}

void FindPeersDialog::showMessage(const QString &text, bool error)
{
    QPalette palette = m_message->palette();
    palette.setColor(QPalette::WindowText, error ? ErrorColor : this->palette().color(QPalette::WindowText));
    m_message->setPalette(palette);
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

void FindPeersDialog::find()
{
    Lan::PeerDirectory *directory = m_controller->directory();
    if (!directory) {
        showMessage(tr("Finding peers is turned off in the chat's settings."), true);
        return;
    }
    const auto first = ipv4(m_first->text());
    const auto last = ipv4(m_last->text());
    if (!first || !last) {
        showMessage(tr("Enter two IPv4 addresses, such as 192.168.2.1 and 192.168.2.254."), true);
        return;
    }
    const Expected<qsizetype> asked = directory->probeRange(*first, *last);
    if (!asked) {
        showMessage(asked.error(), true);
        return;
    }
    if (m_probing != directory) {
        if (m_probing)
            m_probing->disconnect(this);
        m_probing = directory;
        connect(directory, &Lan::PeerDirectory::probeProgress, this, [this](qsizetype done, qsizetype total) {
            m_progress->setMaximum(int(total));
            m_progress->setValue(int(done));
            if (done >= total)
                showMessage(tr("Addresses asked: %L1. Whoever answers appears in the list.").arg(total), false);
        });
    }
    m_progress->setMaximum(int(*asked));
    m_progress->setValue(0);
    m_progress->setVisible(true);
    showMessage(tr("Addresses to ask: %L1…").arg(*asked), false);
}

} // namespace Tincan
