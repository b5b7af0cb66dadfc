// "LAN diagnostics…": why someone does or does not appear in the people list. The interfaces
// and addresses announced on, what was sent and heard on each, the protocols' counters, the
// problems and the last errors, and which UDP ports a firewall must let through. It reads the
// controller's directory again every RefreshInterval while it is open.
#pragma once

#include <QDialog>
#include <QTimer>

#include <chrono>

class QTextBrowser;

namespace Tincan {

class ChatController;

class LanDiagnosticsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LanDiagnosticsDialog)

public:
    static constexpr std::chrono::seconds RefreshInterval{1};

    explicit LanDiagnosticsDialog(ChatController *controller, QWidget *parent = nullptr);

    QTextBrowser *report() const { return m_report; }
    // The report as HTML, from the directory as it is now.
    QString reportHtml() const;

public Q_SLOTS:
    void refresh();

private:
    QString interfacesHtml() const;
    QString countersHtml() const;
    QString problemsHtml() const;
    QString adviceHtml() const;

    ChatController *m_controller;
    QTextBrowser *m_report = nullptr;
    QTimer m_timer;
};

} // namespace Tincan
