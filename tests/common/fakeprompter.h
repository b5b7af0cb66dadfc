// A Prompter for tests: records every question and answers from a script,
// at once or (deferred) when the test calls answerLater's function.
#pragma once

#include "session/prompter.h"

#include <QList>
#include <QStringList>

#include <algorithm>
#include <optional>

namespace Tincan {

class FakePrompter final : public Prompter
{
public:
    // What to answer; one entry per question, in order; the last one repeats.
    // Empty: give up.
    QList<std::optional<QString>> passwords;
    QList<bool> trustAnswers;
    QList<bool> replaceAnswers;
    // Keep the answer instead of giving it (password and trust questions).
    bool deferAnswers = false;

    QList<PasswordQuestion> passwordQuestions;
    QList<TrustQuestion> trustQuestions;
    QStringList replaceQuestions;
    PasswordAnswer pendingPassword;
    Decision pendingTrust;

    void askPassword(const PasswordQuestion &question, PasswordAnswer answer) override
    {
        passwordQuestions.append(question);
        if (deferAnswers) {
            pendingPassword = std::move(answer);
            return;
        }
        answer(pick(passwords, passwordQuestions.size(), std::optional<QString>()));
    }

    void askTrust(const TrustQuestion &question, Decision answer) override
    {
        trustQuestions.append(question);
        if (deferAnswers) {
            pendingTrust = std::move(answer);
            return;
        }
        answer(pick(trustAnswers, trustQuestions.size(), false));
    }

    void askReplace(const QString &remotePath, Decision answer) override
    {
        replaceQuestions.append(remotePath);
        answer(pick(replaceAnswers, replaceQuestions.size(), false));
    }

private:
    template <typename T> static T pick(const QList<T> &answers, qsizetype asked, T fallback)
    {
        if (answers.isEmpty())
            return fallback;
        return answers.at(std::min(asked, answers.size()) - 1);
    }
};

} // namespace Tincan
