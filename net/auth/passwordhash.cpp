#include "net/auth/passwordhash.h"

#include "net/base/canonicalbase64.h"

#include <QCryptographicHash>
#include <QList>
#include <QPasswordDigestor>
#include <QRandomGenerator>

namespace Tincan {

namespace {
constexpr QChar FieldSeparator = u'$';
constexpr qsizetype FieldCount = 4;
// Enough digits for MaxIterations, and no more: "0000001000" is refused.
constexpr qsizetype MaxIterationDigits = 7;
} // namespace

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false; // lengths are public (a proof is always 32 bytes)
    // volatile keeps the compiler from ending the loop at the first mismatch.
    volatile unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference = difference | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
    return difference == 0;
}

QByteArray PasswordHash::deriveKey(const QString &password, QByteArrayView salt, int iterations)
{
    const QByteArray secret = password.normalized(QString::NormalizationForm_C).toUtf8();
    return QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, secret, salt.toByteArray(), iterations,
                                              quint64(KeySize));
}

Expected<PasswordHash> PasswordHash::create(const QString &password, int iterations)
{
    if (password.isEmpty())
        return Failure{tr("The password is empty.")};
    if (password.toUtf8().size() > MaxPasswordSize)
        return Failure{tr("The password is longer than %1 bytes.").arg(MaxPasswordSize)};
    if (!iterationsInRange(iterations))
        return Failure{
            tr("The iteration count %1 is outside %2 to %3.").arg(iterations).arg(MinIterations).arg(MaxIterations)};
    PasswordHash hash;
    hash.m_iterations = iterations;
    hash.m_salt.resize(SaltSize);
    // The system generator draws from the kernel (getrandom), fit for secrets.
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(hash.m_salt.data()),
                                          qsizetype(SaltSize / qsizetype(sizeof(quint32))));
    hash.m_key = deriveKey(password, hash.m_salt, iterations);
    return hash;
}

Expected<PasswordHash> PasswordHash::fromString(QStringView text)
{
    text = text.trimmed();
    if (text.isEmpty())
        return Failure{tr("The password hash is empty.")};
    if (text.size() > MaxTextSize)
        return Failure{tr("The password hash is longer than %1 characters.").arg(MaxTextSize)};
    const QList<QStringView> fields = text.split(FieldSeparator);
    if (fields.size() != FieldCount)
        return Failure{tr("The password hash must have the form %1$ITERATIONS$SALT$KEY.").arg(Scheme)};
    if (fields.at(0) != Scheme)
        return Failure{tr("The password hash does not start with \"%1$\".").arg(Scheme)};

    const QStringView digits = fields.at(1);
    bool allDigits = !digits.isEmpty() && digits.size() <= MaxIterationDigits && digits.at(0) != u'0';
    for (QChar c : digits)
        allDigits = allDigits && c >= u'0' && c <= u'9';
    const qint64 iterations = allDigits ? digits.toLongLong() : -1;
    if (!allDigits || !iterationsInRange(iterations))
        return Failure{tr("The iteration count of the password hash must be a number from %1 to %2.")
                           .arg(MinIterations)
                           .arg(MaxIterations)};

    const std::optional<QByteArray> salt = decodeCanonicalBase64(fields.at(2), MaxSaltSize);
    if (!salt || !saltSizeInRange(salt->size()))
        return Failure{
            tr("The salt of the password hash must be %1 to %2 bytes in base64.").arg(MinSaltSize).arg(MaxSaltSize)};
    const std::optional<QByteArray> key = decodeCanonicalBase64(fields.at(3), KeySize);
    if (!key || key->size() != KeySize)
        return Failure{tr("The key of the password hash must be %1 bytes in base64.").arg(KeySize)};

    PasswordHash hash;
    hash.m_iterations = int(iterations);
    hash.m_salt = *salt;
    hash.m_key = *key;
    return hash;
}

QString PasswordHash::toString() const
{
    if (isNull())
        return QString();
    return QString(Scheme) + FieldSeparator + QString::number(m_iterations) + FieldSeparator
        + QString::fromLatin1(m_salt.toBase64()) + FieldSeparator + QString::fromLatin1(m_key.toBase64());
}

bool PasswordHash::verify(const QString &password) const
{
    if (isNull() || password.isEmpty() || password.toUtf8().size() > MaxPasswordSize)
        return false;
    return constantTimeEquals(deriveKey(password, m_salt, m_iterations), m_key);
}

} // namespace Tincan
