#include "ui/server/chatpeerslabel.h"

#include "chat/chatcontroller.h"

namespace Tincan {

ChatPeersLabel::ChatPeersLabel(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("chat-peers"));
    setTextInteractionFlags(Qt::TextSelectableByMouse);
}

void ChatPeersLabel::setController(ChatController *controller)
{
    if (m_controller)
        m_controller->disconnect(this);
    m_controller = controller;
    if (m_controller)
        connect(m_controller, &ChatController::directoryChanged, this, &ChatPeersLabel::bindDirectory);
    bindDirectory();
}

void ChatPeersLabel::bindDirectory()
{
    if (m_directory)
        m_directory->disconnect(this);
    m_directory = m_controller ? m_controller->directory() : nullptr;
    if (m_directory)
        connect(m_directory, &Lan::PeerDirectory::peerChanged, this, &ChatPeersLabel::update);
    update();
}

void ChatPeersLabel::update()
{
    if (!m_directory) {
        setText(m_controller ? tr("Finding peers is off.") : QString());
        setToolTip(QString());
        return;
    }
    QStringList names;
    for (const Lan::LanPeer &peer : m_directory->peers()) {
        if (peer.state == Lan::PeerState::Offline)
            continue;
        const QString name = peer.name.isEmpty() ? peer.address.toString() : peer.name;
        names.append(peer.state == Lan::PeerState::Away ? tr("%1 (away)").arg(name) : name);
    }
    if (names.isEmpty()) {
        setText(tr("No peers heard"));
        setToolTip(QString());
        return;
    }
    QString shown = names.mid(0, MaxNamesShown).join(QStringLiteral(", "));
    if (names.size() > MaxNamesShown)
        shown = tr("%1, …").arg(shown);
    setText(tr("Peers heard (%1): %2").arg(names.size()).arg(shown));
    setToolTip(names.mid(0, MaxNamesInTooltip).join(QLatin1Char('\n')));
}

} // namespace Tincan
