// "Find peers…": asks every address of an IPv4 range in both protocols (for networks that
// broadcasts do not reach) and shows how far the probe got. A range the directory refuses is
// refused with its sentence.
#pragma once

#include <QDialog>
#include <QPointer>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace Tincan {

class ChatController;

namespace Lan {
class PeerDirectory;
}

class FindPeersDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindPeersDialog)

public:
    explicit FindPeersDialog(ChatController *controller, QWidget *parent = nullptr);

    QLineEdit *firstField() const { return m_first; }
    QLineEdit *lastField() const { return m_last; }
    QPushButton *findButton() const { return m_find; }
    QProgressBar *progressBar() const { return m_progress; }
    QLabel *messageLabel() const { return m_message; }

public Q_SLOTS:
    // Starts the probe of first–last; says why not when it cannot.
    void find();

private:
    void showMessage(const QString &text, bool error);

    ChatController *m_controller;
    QPointer<Lan::PeerDirectory> m_probing;
    QLineEdit *m_first = nullptr;
    QLineEdit *m_last = nullptr;
    QPushButton *m_find = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace Tincan
