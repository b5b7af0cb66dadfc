#include "ui/chat/landiagnosticsdialog.h"

#include "chat/chatcontroller.h"

#include <QDialogButtonBox>
#include <QScrollBar>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace Tincan {

namespace {
constexpr int WidthChars = 90;
constexpr int HeightLines = 32;

QString cell(const QString &text)
{
    return QStringLiteral("<td>%1</td>").arg(text.toHtmlEscaped());
}

QString heading(const QString &text)
{
    return QStringLiteral("<h3>%1</h3>").arg(text.toHtmlEscaped());
}

QString paragraph(const QString &text)
{
    return QStringLiteral("<p>%1</p>").arg(text.toHtmlEscaped());
}
} // namespace

LanDiagnosticsDialog::LanDiagnosticsDialog(ChatController *controller, QWidget *parent)
    : QDialog(parent)
    , m_controller(controller)
{
    setWindowTitle(tr("LAN Diagnostics"));
    setObjectName(QStringLiteral("lanDiagnosticsDialog"));
    m_report = new QTextBrowser(this);
    m_report->setObjectName(QStringLiteral("lanDiagnosticsReport"));
    m_report->setOpenLinks(false);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_report, 1);
    layout->addWidget(buttons);
    resize(fontMetrics().averageCharWidth() * WidthChars, fontMetrics().height() * HeightLines);

    m_timer.setInterval(RefreshInterval);
    connect(&m_timer, &QTimer::timeout, this, &LanDiagnosticsDialog::refresh);
    connect(m_controller, &ChatController::directoryChanged, this, &LanDiagnosticsDialog::refresh);
    m_timer.start();
    refresh();
}

void LanDiagnosticsDialog::refresh()
{
    const QString html = reportHtml();
    if (html == m_report->toHtml())
        return;
    // Keep the reader's place while the numbers change.
    const int scrolled = m_report->verticalScrollBar()->value();
    m_report->setHtml(html);
    m_report->verticalScrollBar()->setValue(scrolled);
}

QString LanDiagnosticsDialog::reportHtml() const
{
    const Lan::PeerDirectory *directory = m_controller->directory();
    QString html;
    if (!directory) {
        html += paragraph(tr("Finding peers is turned off (Chat ▸ Settings…): nothing is announced or heard, "
                             "and only saved contacts are listed."));
        return html + adviceHtml();
    }
    html += interfacesHtml();
    html += countersHtml();
    html += problemsHtml();
    return html + adviceHtml();
}

QString LanDiagnosticsDialog::interfacesHtml() const
{
    const Lan::PeerDirectory *directory = m_controller->directory();
    QString html = heading(tr("Interfaces"));
    if (directory->options().interfaces.isOff())
        html += paragraph(tr("Announcing is off: this host is not announced anywhere, but it still hears "
                             "announcements and answers them."));
    const QList<Lan::PeerDirectory::InterfaceReport> reports = directory->interfaceReports();
    if (reports.isEmpty())
        return html + paragraph(tr("No interface is announced on."));
    html += QStringLiteral("<table cellspacing=\"0\" cellpadding=\"3\" border=\"1\"><tr>");
    for (const QString &title : {tr("Interface"), tr("Addresses"), tr("Broadcast"), tr("Announcements sent"),
                                 tr("Announcements heard"), tr("IP Messenger peers")})
        html += QStringLiteral("<th>%1</th>").arg(title.toHtmlEscaped());
    html += QStringLiteral("</tr>");
    for (const Lan::PeerDirectory::InterfaceReport &report : reports) {
        html += QStringLiteral("<tr>") + cell(report.name) + cell(report.addresses.join(QStringLiteral(", ")))
            + cell(report.broadcasts.join(QStringLiteral(", "))) + cell(QString::number(report.presenceSent))
            + cell(QString::number(report.presenceHeard)) + cell(QString::number(report.ipmsgPeers))
            + QStringLiteral("</tr>");
    }
    return html + QStringLiteral("</table>");
}

QString LanDiagnosticsDialog::countersHtml() const
{
    const Lan::PeerDirectory *directory = m_controller->directory();
    QString html = heading(tr("Counters"));
    html += QStringLiteral("<table cellspacing=\"0\" cellpadding=\"3\">");
    const auto row = [&html](const QString &name, const QString &value) {
        html += QStringLiteral("<tr>") + cell(name) + cell(value) + QStringLiteral("</tr>");
    };
    if (const Presence::Announcer *announcer = directory->announcer()) {
        const Presence::Announcer::Counters &counters = announcer->counters();
        row(tr("Tincan presence"), tr("UDP port %1").arg(directory->options().presencePort));
        row(tr("Announcements sent"), QString::number(counters.sent));
        row(tr("Sends that failed"), QString::number(counters.sendFailures));
        row(tr("Announcements heard"), QString::number(counters.heard));
        row(tr("Datagrams refused"), QString::number(counters.rejected));
        row(tr("Answers sent"), QString::number(counters.answersSent));
        row(tr("Answers held back"), QString::number(counters.answersSuppressed));
    } else {
        row(tr("Tincan presence"), tr("not running"));
    }
    if (const IpMsg::Endpoint *ipmsg = directory->ipmsg()) {
        row(tr("IP Messenger"), tr("UDP port %1").arg(ipmsg->localPort()));
        row(tr("IP Messenger peers"), QString::number(ipmsg->peers().size()));
    } else {
        row(tr("IP Messenger"), tr("not running"));
    }
    const QList<Lan::LanPeer> peers = directory->peers();
    const auto online = std::count_if(peers.cbegin(), peers.cend(),
                                      [](const Lan::LanPeer &peer) { return peer.state != Lan::PeerState::Offline; });
    row(tr("Peers heard"), tr("%1 (%2 here now)").arg(peers.size()).arg(online));
    return html + QStringLiteral("</table>");
}

QString LanDiagnosticsDialog::problemsHtml() const
{
    const Lan::PeerDirectory *directory = m_controller->directory();
    QString html = heading(tr("Problems"));
    const QStringList problems = directory->problems();
    const QStringList errors = directory->recentErrors();
    if (problems.isEmpty() && errors.isEmpty())
        return html + paragraph(tr("None."));
    for (const QString &problem : problems)
        html += paragraph(problem);
    if (!errors.isEmpty()) {
        html += paragraph(tr("Last errors, newest last:"));
        html += QStringLiteral("<ul>");
        for (const QString &error : errors)
            html += QStringLiteral("<li>%1</li>").arg(error.toHtmlEscaped());
        html += QStringLiteral("</ul>");
    }
    return html;
}

QString LanDiagnosticsDialog::adviceHtml() const
{
    const quint16 chatPort
        = m_controller->isListening() ? m_controller->endpoint()->localPort() : m_controller->requestedPort();
    const Lan::PeerDirectory::Options &lan = m_controller->options().lan;
    QString html = heading(tr("If someone does not appear"));
    html += paragraph(tr("A firewall on either machine must let these UDP ports through, in and out: "
                         "%1 (Tincan presence), %2 (IP Messenger) and %3 (the chat's messages).")
                          .arg(lan.presencePort)
                          .arg(lan.ipmsgPort)
                          .arg(chatPort));
    html += paragraph(tr("Announcements do not cross routers. For a peer on another network, add its network's "
                         "broadcast address or its own address under Extra addresses in the chat's settings, "
                         "or search its range with Find Peers…."));
    return html;
}

} // namespace Tincan
