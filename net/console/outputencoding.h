// The character encoding of what commands print, as a console server
// announces it in its welcome. Commands inherit the server's locale, so their
// output is in its charset: UTF-8 on most Unix systems today, GBK (code page
// 936) on a Chinese Windows or under LANG=zh_CN.GBK.
#pragma once

#include <QString>

#include <optional>

namespace Tincan {

// The charset of the process's locale (LC_CTYPE), by a name QStringDecoder
// knows. A 7-bit locale (C, POSIX) and an unknown charset give UTF-8: under
// them programs still pass UTF-8 bytes through (file names, most tools), and
// UTF-8 decodes ASCII unchanged.
QString localeOutputEncoding();

// `name` as announced if a QStringDecoder can decode it (ICU's names and
// aliases: "GBK", "cp936", "Big5", "ISO-8859-1", ...), nothing otherwise.
std::optional<QString> usableOutputEncoding(const QString &name);

} // namespace Tincan
