// Names and numbers of the console protocol (docs/PROTOCOL.md), shared by the
// server, the client and the tests so that no string is spelled twice.
#pragma once

#include <QLatin1StringView>
#include <QtGlobal>

#include <chrono>

namespace Tincan::Console {

inline constexpr int ProtocolVersion = 1;
inline constexpr quint16 DefaultPort = 8082;
// Exit status in the classic reply that refuses a connection (the shell's
// "cannot execute").
inline constexpr int ClassicRefusedExitCode = 126;

// Header keys.
namespace Key {
inline constexpr QLatin1StringView Type{"type"};
inline constexpr QLatin1StringView Version{"version"};
inline constexpr QLatin1StringView Software{"software"};
inline constexpr QLatin1StringView Id{"id"};
inline constexpr QLatin1StringView Command{"command"};
inline constexpr QLatin1StringView Stream{"stream"};
inline constexpr QLatin1StringView ExitCode{"exit_code"};
inline constexpr QLatin1StringView Signal{"signal"};
inline constexpr QLatin1StringView Pid{"pid"};
inline constexpr QLatin1StringView Encoding{"encoding"};
inline constexpr QLatin1StringView Code{"code"};
inline constexpr QLatin1StringView Message{"message"};
inline constexpr QLatin1StringView ElapsedMs{"elapsed_ms"};
inline constexpr QLatin1StringView Truncated{"truncated"};
inline constexpr QLatin1StringView FileName{"filename"};
inline constexpr QLatin1StringView Hash{"hash"};
// The session's working directory (welcome, exit).
inline constexpr QLatin1StringView Cwd{"cwd"};
// File transfers (§4.4).
inline constexpr QLatin1StringView Transfer{"transfer"};  // the transfer's id, chosen by the client
inline constexpr QLatin1StringView FileSize{"file_size"}; // the whole file (total_size is the frame's payload)
inline constexpr QLatin1StringView Md5{"md5"};            // 32 lower-case hex digits
inline constexpr QLatin1StringView Offset{"offset"};
inline constexpr QLatin1StringView Overwrite{"overwrite"};
// Authentication (auth_challenge, auth, welcome, error).
inline constexpr QLatin1StringView Mechanism{"mechanism"};
inline constexpr QLatin1StringView Nonce{"nonce"};
inline constexpr QLatin1StringView Salt{"salt"};
inline constexpr QLatin1StringView Iterations{"iterations"};
inline constexpr QLatin1StringView Proof{"proof"};
inline constexpr QLatin1StringView RetryAfter{"retry_after"};
// Classic reply: the server refused the connection; the payload says why.
inline constexpr QLatin1StringView Refused{"refused"};
} // namespace Key

// Message types ("type" of every framed header).
namespace Type {
inline constexpr QLatin1StringView Hello{"hello"};     // client -> server, first frame
inline constexpr QLatin1StringView Welcome{"welcome"}; // server -> client, answer to hello
inline constexpr QLatin1StringView Exec{"exec"};       // client -> server: run a command
inline constexpr QLatin1StringView Cancel{"cancel"};   // client -> server: kill a command
inline constexpr QLatin1StringView Started{"started"}; // server -> client: command is running
inline constexpr QLatin1StringView Output{"output"};   // server -> client: a chunk of stdout/stderr
inline constexpr QLatin1StringView Exit{"exit"};       // server -> client: command ended
inline constexpr QLatin1StringView Error{"error"};     // either way: something was refused
inline constexpr QLatin1StringView Ping{"ping"};       // either way: are you there?
inline constexpr QLatin1StringView Pong{"pong"};       // either way: answer to ping
// server -> client, answer to hello when a password is set: nonce, salt, iterations
inline constexpr QLatin1StringView AuthChallenge{"auth_challenge"};
// client -> server, answer to auth_challenge: its own nonce and the proof
inline constexpr QLatin1StringView Auth{"auth"};
// File transfers (§4.4).
inline constexpr QLatin1StringView Upload{"upload"};                  // client -> server: offer of a file
inline constexpr QLatin1StringView Download{"download"};              // client -> server: asks for a file
inline constexpr QLatin1StringView File{"file"};                      // server -> client: offer of a file
inline constexpr QLatin1StringView TransferReady{"transfer_ready"};   // receiver -> sender: send from offset
inline constexpr QLatin1StringView Data{"data"};                      // sender -> receiver: a chunk
inline constexpr QLatin1StringView TransferDone{"transfer_done"};     // receiver -> sender: verified and in place
inline constexpr QLatin1StringView TransferCancel{"transfer_cancel"}; // client -> server: give up
} // namespace Type

namespace StreamName {
inline constexpr QLatin1StringView Stdout{"stdout"};
inline constexpr QLatin1StringView Stderr{"stderr"};
} // namespace StreamName

// Error codes ("code" of an error message).
namespace ErrorCode {
inline constexpr QLatin1StringView Protocol{"protocol"}; // malformed frame; connection closes
inline constexpr QLatin1StringView UnsupportedVersion{"unsupported_version"};
inline constexpr QLatin1StringView BadRequest{"bad_request"}; // well-framed but unusable message
inline constexpr QLatin1StringView UnknownType{"unknown_type"};
inline constexpr QLatin1StringView DuplicateId{"duplicate_id"};
inline constexpr QLatin1StringView UnknownId{"unknown_id"};
inline constexpr QLatin1StringView TooManyCommands{"too_many_commands"};
inline constexpr QLatin1StringView SpawnFailed{"spawn_failed"};
inline constexpr QLatin1StringView ShuttingDown{"shutting_down"};
// Authentication and connection policy; the connection closes after each.
inline constexpr QLatin1StringView AuthRequired{"auth_required"}; // a request before authentication
inline constexpr QLatin1StringView AuthFailed{"auth_failed"};     // wrong password (or malformed answer)
inline constexpr QLatin1StringView AuthTimeout{"auth_timeout"};   // no answer within the login grace time
inline constexpr QLatin1StringView Penalized{"penalized"};        // this address failed recently; retry_after says when
inline constexpr QLatin1StringView IdleTimeout{"idle_timeout"};   // nothing happened for the idle timeout
inline constexpr QLatin1StringView TlsRequired{"tls_required"};   // plaintext from another machine; connect over TLS
// File transfers; the connection stays open, the transfer ends.
inline constexpr QLatin1StringView PathRefused{"path_refused"};           // absolute, escaping, or a link leading out
inline constexpr QLatin1StringView NotFound{"not_found"};                 // no such file, or its directory is missing
inline constexpr QLatin1StringView NotAFile{"not_a_file"};                // a directory or a special file
inline constexpr QLatin1StringView FileExists{"file_exists"};             // upload without overwrite onto a file
inline constexpr QLatin1StringView FileError{"file_error"};               // open, read, write or rename failed
inline constexpr QLatin1StringView ChecksumMismatch{"checksum_mismatch"}; // the bytes do not have the offered MD5
inline constexpr QLatin1StringView TooManyTransfers{"too_many_transfers"};
inline constexpr QLatin1StringView DuplicateTransfer{"duplicate_transfer"};
inline constexpr QLatin1StringView UnknownTransfer{"unknown_transfer"};
inline constexpr QLatin1StringView TransferBusy{"transfer_busy"}; // the same file is being written already
inline constexpr QLatin1StringView BadData{"bad_data"};           // a data message out of place, order or size
} // namespace ErrorCode

namespace Limits {
// Largest command a client may send (bytes of UTF-8).
inline constexpr qsizetype MaxCommandSize = 32 * 1024;
// A classic command is what one recv(1024) returns in the tutorial's server.
inline constexpr qsizetype ClassicCommandChunk = 1024;
// A classic reply must announce its size up front, so it is buffered up to
// this many bytes, then truncated with a notice.
inline constexpr qint64 DefaultClassicReplyCap = 64 * 1024 * 1024;
// Largest payload a client or server accepts in one framed message. Output is
// sent in chunks of at most OutputChunkSize, so this only bounds hostile peers.
inline constexpr qint64 MaxMessagePayload = 16 * 1024 * 1024;
// A classic reply can be as large as the cap plus its notice.
inline constexpr qint64 MaxClassicReplyPayload = DefaultClassicReplyCap + 4096;
// Output is read from a command's pipes and sent in pieces of this size.
inline constexpr qsizetype OutputChunkSize = 64 * 1024;
// Commands running at once on one connection.
inline constexpr int MaxConcurrentCommands = 64;
// A connection whose unsent output exceeds this stops reading its commands'
// pipes until the socket drains below the low-water mark: the commands wait,
// as they would at a slow terminal.
inline constexpr qint64 SendHighWater = 4 * 1024 * 1024;
inline constexpr qint64 SendLowWater = 1 * 1024 * 1024;
// The first frame must be hello, and the login (hello, and auth when the
// server has a password) must be over this soon: the default of
// ConsoleServer::Options::loginGraceTime.
inline constexpr std::chrono::seconds HelloTimeout{10};
// Before the welcome, a client has only hello and auth to say: no payload,
// small headers. A peer that has not authenticated gets no room to make the
// server buffer or parse much.
inline constexpr qsizetype PreAuthMaxHeaderSize = 4 * 1024;
inline constexpr qint64 PreAuthMaxPayload = 0;
// File transfers at once on one connection (both directions together).
inline constexpr int MaxConcurrentTransfers = 8;
// Payload of one data message: a sender cuts files into chunks this size.
inline constexpr qsizetype TransferChunkSize = 64 * 1024;
// A transfer's path, in bytes of UTF-8 (Linux's PATH_MAX).
inline constexpr qsizetype MaxTransferPathSize = 4096;
// A request id (an exec's "id", a transfer's "transfer") is the client's
// label, not data: a string of at most this many characters, or an integer.
inline constexpr qsizetype MaxRequestIdLength = 128;
} // namespace Limits

} // namespace Tincan::Console
