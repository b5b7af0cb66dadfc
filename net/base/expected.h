// The result of a function that computes a value or fails with a sentence
// for the user: Tincan's one error convention for such functions
// (CONTRIBUTING.md, "Errors"). std::expected would do, but it is C++23 and
// GCC 12's C++20 does not have it; this is the small part of it we use, with
// its names (has_value, value_or), but error() is the sentence itself.
//
//   Expected<PasswordHash> hash = PasswordHash::fromString(text);
//   if (!hash)
//       return fail(hash.error());
//   use(*hash);
//
// A function that only succeeds or fails returns Expected<void>. Not
// [[nodiscard]]: like the bool it replaces, a result may be left unread where
// a failure is reported elsewhere or changes nothing.
#pragma once

#include <QString>

#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace Tincan {

// Why something failed, worded for the user (translated where it is shown).
struct Failure
{
    QString message;
};

template <typename T> class Expected
{
    static_assert(!std::is_same_v<std::remove_cv_t<T>, Failure>, "a Failure is not a value");

public:
    Expected(const T &value)
        : m_state(std::in_place_index<0>, value)
    {
    }
    Expected(T &&value)
        : m_state(std::in_place_index<0>, std::move(value))
    {
    }
    Expected(Failure failure)
        : m_state(std::in_place_index<1>, std::move(failure))
    {
    }

    bool has_value() const { return m_state.index() == 0; }
    explicit operator bool() const { return has_value(); }

    // The value; only when has_value().
    T &operator*() & { return std::get<0>(m_state); }
    const T &operator*() const & { return std::get<0>(m_state); }
    T &&operator*() && { return std::get<0>(std::move(m_state)); }
    T *operator->() { return &std::get<0>(m_state); }
    const T *operator->() const { return &std::get<0>(m_state); }

    // The value, or `fallback` after a failure.
    T value_or(T fallback) const & { return has_value() ? std::get<0>(m_state) : std::move(fallback); }

    // Why it failed; empty when it did not.
    QString error() const { return has_value() ? QString() : std::get<1>(m_state).message; }

private:
    std::variant<T, Failure> m_state;
};

template <> class Expected<void>
{
public:
    // Success.
    Expected() = default;
    Expected(Failure failure)
        : m_failure(std::move(failure))
    {
    }

    bool has_value() const { return !m_failure.has_value(); }
    explicit operator bool() const { return has_value(); }
    QString error() const { return m_failure ? m_failure->message : QString(); }

private:
    std::optional<Failure> m_failure;
};

} // namespace Tincan
