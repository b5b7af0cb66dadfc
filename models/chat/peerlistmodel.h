// The Chat tab's people list: the saved contacts first, each with the presence of the peer that
// answers at its address, then everyone the LAN directory heard (Tincan presence and IP
// Messenger), under a heading per group. Live: it follows the directory's peerChanged, and the
// controller's directoryChanged (a new directory is read afresh; none empties the peers).
#pragma once

#include "chat/chathistory.h"
#include "net/lan/peerdirectory.h"

#include <QAbstractListModel>
#include <QHash>
#include <QPointer>

#include <optional>

namespace Tincan {

class ChatController;

class PeerListModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeerListModel)

public:
    enum class RowKind {
        Heading, // a group's title; not selectable
        Contact, // a saved contact, with the presence of the peer at its address if any
        Peer,    // a discovered peer that is no contact
    };
    Q_ENUM(RowKind)
    // How its messages travel, as the list shows it.
    enum class Protocol {
        Tincan,
        IpMessenger,
        Classic,
    };
    Q_ENUM(Protocol)
    enum class State {
        Online,
        Away,
        Offline, // heard this run, then left
        Unknown, // a contact no peer answered for
    };
    Q_ENUM(State)
    enum Role {
        KindRole = Qt::UserRole + 1, // RowKind
        KeyRole,                     // QString: the peer's directory key, or the contact's conversation key
        NameRole,                    // QString
        DetailRole,                  // QString: "host · 192.168.1.7:2425" or the contact's address
        GroupRole,                   // QString: the heading it is listed under
        ProtocolRole,                // Protocol
        ProtocolTextRole,            // QString: "Tincan", "IP Messenger", "classic"
        StateRole,                   // State
        StateTextRole,               // QString
        ContactIdRole,               // qint64; 0 when no contact
        PeerKeyRole,                 // QString: the directory's key of the peer behind it; empty if none
    };
    Q_ENUM(Role)

    // Discovered peers kept at most (besides the contacts): beyond it the longest gone go first,
    // so a flood of fake announcements cannot grow the list without end.
    static constexpr qsizetype MaxPeersListed = 512;

    explicit PeerListModel(ChatController *controller, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Peers known (contacts' peers included), not rows.
    qsizetype peerCount() const { return m_peers.size(); }
    qsizetype onlineCount() const;
    QModelIndex indexOf(const QString &key) const;
    // The discovered peer behind a row (a contact's when one answered at its address).
    std::optional<Lan::LanPeer> peerAt(const QModelIndex &index) const;
    static QString protocolText(Protocol protocol);
    static QString stateText(State state);

    // What the directory's peerChanged feeds in; public so the list can be tested without one.
    void updatePeer(const Lan::LanPeer &peer);

Q_SIGNALS:
    // A peer came, went or changed state: the counts may differ.
    void peersChanged();

private:
    struct Row
    {
        RowKind kind = RowKind::Heading;
        QString key;
        QString name;
        QString detail;
        QString group;
        Protocol protocol = Protocol::Tincan;
        State state = State::Unknown;
        qint64 contactId = 0;
        QString peerKey;
        friend bool operator==(const Row &, const Row &) = default;
    };

    void bindDirectory();
    void trim();
    void rebuild();
    QList<Row> buildRows() const;
    const Lan::LanPeer *peerForContact(const Contact &contact) const;
    static Row peerRow(const Lan::LanPeer &peer);

    ChatController *m_controller;
    QPointer<Lan::PeerDirectory> m_directory;
    QHash<QString, Lan::LanPeer> m_peers;
    QList<Row> m_rows;
};

} // namespace Tincan
