// The desktop app's answers to a console session's questions: dialogs over
// the session, opened window-modal without a nested event loop (the password
// and trust questions), answered when a button is clicked.
#pragma once

#include "session/prompter.h"

#include <QObject>
#include <QPointer>

class QWidget;

namespace Tincan {

class DialogPrompter final : public QObject, public Prompter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DialogPrompter)

public:
    // The dialogs are children of `parent`, and go with it.
    explicit DialogPrompter(QWidget *parent);

    void askPassword(const PasswordQuestion &question, PasswordAnswer answer) override;
    void askTrust(const TrustQuestion &question, Decision answer) override;
    void askReplace(const QString &remotePath, Decision answer) override;
    // The user trusted a server whose fingerprint could not be written down.
    void showNotRemembered(const QString &error);

private:
    QPointer<QWidget> m_parent;
};

} // namespace Tincan
