// The server window's chat row: the peers the chat hears on the LAN, a count and the first
// names (all of them in the tooltip), kept up to date from the chat's directory.
#pragma once

#include <QLabel>
#include <QPointer>

namespace Tincan {

class ChatController;

namespace Lan {
class PeerDirectory;
}

class ChatPeersLabel final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatPeersLabel)

public:
    // Names shown in the row; the tooltip lists up to MaxNamesInTooltip.
    static constexpr qsizetype MaxNamesShown = 3;
    static constexpr qsizetype MaxNamesInTooltip = 40;

    explicit ChatPeersLabel(QWidget *parent = nullptr);

    void setController(ChatController *controller);

private:
    void bindDirectory();
    void update();

    QPointer<ChatController> m_controller;
    QPointer<Lan::PeerDirectory> m_directory;
};

} // namespace Tincan
