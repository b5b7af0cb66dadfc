#include "models/chat/peerlistmodel.h"

#include "chat/chatcontroller.h"

#include <QSet>

#include <algorithm>

namespace Tincan {

namespace {
PeerListModel::State fromPeerState(Lan::PeerState state)
{
    switch (state) {
    case Lan::PeerState::Online:
        return PeerListModel::State::Online;
    case Lan::PeerState::Away:
        return PeerListModel::State::Away;
    case Lan::PeerState::Offline:
        return PeerListModel::State::Offline;
    }
    return PeerListModel::State::Unknown;
}

// Online first, then away, offline, never heard; then by name.
int stateRank(PeerListModel::State state)
{
    return int(state);
}
} // namespace

PeerListModel::PeerListModel(ChatController *controller, QObject *parent)
    : QAbstractListModel(parent)
    , m_controller(controller)
{
    connect(m_controller->service(), &ChatService::contactsChanged, this, &PeerListModel::rebuild);
    connect(m_controller, &ChatController::directoryChanged, this, &PeerListModel::bindDirectory);
    bindDirectory();
}

void PeerListModel::bindDirectory()
{
    if (m_directory)
        m_directory->disconnect(this);
    m_directory = m_controller->directory();
    m_peers.clear();
    if (m_directory) {
        for (const Lan::LanPeer &peer : m_directory->peers())
            m_peers.insert(peer.key, peer);
        connect(m_directory, &Lan::PeerDirectory::peerChanged, this,
                [this](const Lan::LanPeer &peer) { updatePeer(peer); });
    }
    trim();
    rebuild();
}

void PeerListModel::updatePeer(const Lan::LanPeer &peer)
{
    m_peers.insert(peer.key, peer);
    trim();
    rebuild();
}

void PeerListModel::trim()
{
    if (m_peers.size() <= MaxPeersListed)
        return;
    QList<Lan::LanPeer> byAge = m_peers.values();
    // Offline ones first, each kind the longest unheard first.
    std::sort(byAge.begin(), byAge.end(), [](const Lan::LanPeer &a, const Lan::LanPeer &b) {
        const bool aOff = a.state == Lan::PeerState::Offline;
        const bool bOff = b.state == Lan::PeerState::Offline;
        if (aOff != bOff)
            return aOff;
        return a.lastHeard < b.lastHeard;
    });
    for (qsizetype i = 0; m_peers.size() > MaxPeersListed; ++i)
        m_peers.remove(byAge.at(i).key);
}

const Lan::LanPeer *PeerListModel::peerForContact(const Contact &contact) const
{
    const auto host = ChatService::parseHost(contact.host);
    const Lan::LanPeer *found = nullptr;
    for (const Lan::LanPeer &peer : m_peers) {
        const bool sameId = !contact.peerId.isNull() && peer.installId == contact.peerId;
        const bool sameAddress
            = host && peer.address.isEqual(*host, QHostAddress::TolerantConversion) && peer.chatPort == contact.port;
        if (!sameId && !sameAddress)
            continue;
        // Several may answer there over a run; the one heard last tells the state.
        if (!found || peer.lastHeard > found->lastHeard)
            found = &peer;
    }
    return found;
}

PeerListModel::Row PeerListModel::peerRow(const Lan::LanPeer &peer)
{
    Row row;
    row.kind = RowKind::Peer;
    row.key = peer.key;
    row.peerKey = peer.key;
    row.name = peer.name.isEmpty() ? peer.address.toString() : peer.name;
    const QString where = QStringLiteral("%1:%2").arg(peer.address.toString()).arg(peer.chatPort);
    row.detail = peer.host.isEmpty() ? where : tr("%1 · %2").arg(peer.host, where);
    row.protocol = peer.protocol == Lan::PeerProtocol::Tincan ? Protocol::Tincan : Protocol::IpMessenger;
    // Tincan's presence has no groups: its peers are listed under the protocol's name, which says
    // where they were found, rather than under an empty heading. IP Messenger peers without a
    // group likewise.
    if (!peer.group.trimmed().isEmpty())
        row.group = peer.group.trimmed();
    else
        row.group = protocolText(row.protocol);
    row.state = fromPeerState(peer.state);
    return row;
}

QList<PeerListModel::Row> PeerListModel::buildRows() const
{
    QList<Row> rows;
    QSet<QString> shown;
    const QList<Contact> contacts = m_controller->service()->contacts();
    QList<Row> contactRows;
    for (const Contact &contact : contacts) {
        Row row;
        row.kind = RowKind::Contact;
        row.key = ChatService::contactKey(contact.id);
        row.contactId = contact.id;
        row.name = contact.name;
        row.detail = QStringLiteral("%1:%2").arg(contact.host).arg(contact.port);
        row.group = tr("Contacts");
        row.protocol = contact.protocol == ChatProtocol::Tincan ? Protocol::Tincan : Protocol::Classic;
        if (const Lan::LanPeer *peer = peerForContact(contact)) {
            row.peerKey = peer->key;
            row.state = fromPeerState(peer->state);
            if (contact.protocol != ChatProtocol::Classic)
                row.protocol = peerRow(*peer).protocol;
            shown.insert(peer->key);
        }
        contactRows.append(row);
    }
    QList<Row> peerRows;
    for (const Lan::LanPeer &peer : m_peers)
        if (!shown.contains(peer.key))
            peerRows.append(peerRow(peer));

    const auto byStateThenName = [](const Row &a, const Row &b) {
        if (a.state != b.state)
            return stateRank(a.state) < stateRank(b.state);
        return QString::compare(a.name, b.name, Qt::CaseInsensitive) < 0;
    };
    std::stable_sort(contactRows.begin(), contactRows.end(), byStateThenName);
    std::stable_sort(peerRows.begin(), peerRows.end(), [&](const Row &a, const Row &b) {
        if (const int group = QString::compare(a.group, b.group, Qt::CaseInsensitive); group != 0)
            return group < 0;
        return byStateThenName(a, b);
    });

    // Keys of their own, so that a group called "Contacts" is not the contacts' heading.
    const auto heading = [](const QString &group, bool forContacts = false) {
        Row row;
        row.kind = RowKind::Heading;
        row.key = forContacts ? QStringLiteral("heading:contacts") : QStringLiteral("heading/") + group.toCaseFolded();
        row.name = group;
        row.group = group;
        return row;
    };
    if (!contactRows.isEmpty()) {
        rows.append(heading(contactRows.first().group, true));
        rows.append(contactRows);
    }
    for (const Row &row : std::as_const(peerRows)) {
        if (rows.isEmpty() || rows.constLast().group.compare(row.group, Qt::CaseInsensitive) != 0
            || rows.constLast().kind == RowKind::Contact)
            rows.append(heading(row.group));
        rows.append(row);
    }
    return rows;
}

void PeerListModel::rebuild()
{
    QList<Row> rows = buildRows();
    const bool sameShape = rows.size() == m_rows.size()
        && std::equal(rows.cbegin(), rows.cend(), m_rows.cbegin(),
                      [](const Row &a, const Row &b) { return a.key == b.key; });
    if (!sameShape) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
    } else {
        for (qsizetype i = 0; i < rows.size(); ++i) {
            if (rows.at(i) == m_rows.at(i))
                continue;
            m_rows[i] = rows.at(i);
            Q_EMIT dataChanged(index(int(i)), index(int(i)));
        }
    }
    Q_EMIT peersChanged();
}

int PeerListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant PeerListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return row.name;
    case Qt::ToolTipRole:
        return row.kind == RowKind::Heading
            ? QVariant()
            : QVariant(
                tr("%1\n%2\n%3, %4").arg(row.name, row.detail, protocolText(row.protocol), stateText(row.state)));
    case KindRole:
        return QVariant::fromValue(row.kind);
    case KeyRole:
        return row.key;
    case DetailRole:
        return row.detail;
    case GroupRole:
        return row.group;
    case ProtocolRole:
        return QVariant::fromValue(row.protocol);
    case ProtocolTextRole:
        return row.kind == RowKind::Heading ? QString() : protocolText(row.protocol);
    case StateRole:
        return QVariant::fromValue(row.state);
    case StateTextRole:
        return row.kind == RowKind::Heading ? QString() : stateText(row.state);
    case ContactIdRole:
        return row.contactId;
    case PeerKeyRole:
        return row.peerKey;
    default:
        return QVariant();
    }
}

Qt::ItemFlags PeerListModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    if (m_rows.at(index.row()).kind == RowKind::Heading)
        return Qt::ItemIsEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

QHash<int, QByteArray> PeerListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(KindRole, "kind");
    names.insert(KeyRole, "key");
    names.insert(NameRole, "name");
    names.insert(DetailRole, "detail");
    names.insert(GroupRole, "group");
    names.insert(ProtocolRole, "protocol");
    names.insert(ProtocolTextRole, "protocolText");
    names.insert(StateRole, "state");
    names.insert(StateTextRole, "stateText");
    names.insert(ContactIdRole, "contactId");
    names.insert(PeerKeyRole, "peerKey");
    return names;
}

qsizetype PeerListModel::onlineCount() const
{
    return std::count_if(m_peers.cbegin(), m_peers.cend(),
                         [](const Lan::LanPeer &peer) { return peer.state != Lan::PeerState::Offline; });
}

QModelIndex PeerListModel::indexOf(const QString &key) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).key == key)
            return index(int(i));
    return QModelIndex();
}

std::optional<Lan::LanPeer> PeerListModel::peerAt(const QModelIndex &index) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return std::nullopt;
    const auto it = m_peers.constFind(m_rows.at(index.row()).peerKey);
    if (it == m_peers.cend())
        return std::nullopt;
    return *it;
}

QString PeerListModel::protocolText(Protocol protocol)
{
    switch (protocol) {
    case Protocol::Tincan:
        return tr("Tincan");
    case Protocol::IpMessenger:
        return tr("IP Messenger");
    case Protocol::Classic:
        return tr("classic");
    }
    return QString();
}

QString PeerListModel::stateText(State state)
{
    switch (state) {
    case State::Online:
        return tr("online");
    case State::Away:
        return tr("away");
    case State::Offline:
        return tr("offline");
    case State::Unknown:
        return tr("not heard");
    }
    return QString();
}

} // namespace Tincan
