<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AnnouncementCodec</name>
    <message>
        <source>Malformed announcement: %1.</source>
        <translation>格式错误的通告：%1。</translation>
    </message>
    <message>
        <source>Malformed announcement: %1 bytes after the end.</source>
        <translation>格式错误的通告：结尾之后还有 %1 个字节。</translation>
    </message>
    <message>
        <source>Malformed announcement: not a map.</source>
        <translation>格式错误的通告：不是映射。</translation>
    </message>
    <message>
        <source>Malformed announcement: a key appears twice.</source>
        <translation>格式错误的通告：某个键出现了两次。</translation>
    </message>
    <message>
        <source>Malformed announcement: the capabilities are not a list.</source>
        <translation>格式错误的通告：能力不是列表。</translation>
    </message>
    <message>
        <source>Malformed announcement: more than %1 capabilities.</source>
        <translation>格式错误的通告：能力超过 %1 个。</translation>
    </message>
    <message>
        <source>Malformed announcement: a capability is not a short word.</source>
        <translation>格式错误的通告：某个能力不是简短的单词。</translation>
    </message>
    <message>
        <source>Malformed announcement: a capability appears twice.</source>
        <translation>格式错误的通告：某个能力出现了两次。</translation>
    </message>
    <message>
        <source>Malformed announcement: no name.</source>
        <translation>格式错误的通告：没有名称。</translation>
    </message>
    <message>
        <source>Malformed announcement: the name is longer than %1 bytes.</source>
        <translation>格式错误的通告：名称超过 %1 个字节。</translation>
    </message>
    <message>
        <source>Malformed announcement: a port is missing or not 0 to 65535.</source>
        <translation>格式错误的通告：缺少端口，或端口不在 0 到 65535 之间。</translation>
    </message>
    <message>
        <source>Malformed announcement: unknown state &quot;%1&quot;.</source>
        <translation>格式错误的通告：未知状态“%1”。</translation>
    </message>
    <message>
        <source>Malformed announcement: the hold time is missing or not %1 to %2 seconds.</source>
        <translation>格式错误的通告：缺少保留时间，或保留时间不在 %1 到 %2 秒之间。</translation>
    </message>
    <message>
        <source>An announcement needs an install id.</source>
        <translation>通告需要安装 ID。</translation>
    </message>
    <message>
        <source>At most %1 capabilities can be announced.</source>
        <translation>最多只能通告 %1 个能力。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a capability word.</source>
        <translation>“%1”不是能力单词。</translation>
    </message>
    <message>
        <source>The hold time must be %1 to %2 seconds.</source>
        <translation>保留时间必须在 %1 到 %2 秒之间。</translation>
    </message>
    <message>
        <source>Announcement of %1 bytes, more than %2.</source>
        <translation>通告有 %1 个字节，超过 %2。</translation>
    </message>
    <message>
        <source>Not a Tincan announcement.</source>
        <translation>不是 Tincan 通告。</translation>
    </message>
    <message>
        <source>Truncated announcement: no version byte.</source>
        <translation>截断的通告：没有版本字节。</translation>
    </message>
    <message>
        <source>Unsupported announcement version %1.</source>
        <translation>不支持的通告版本 %1。</translation>
    </message>
    <message>
        <source>Malformed announcement: unknown kind &quot;%1&quot;.</source>
        <translation>格式错误的通告：未知类型“%1”。</translation>
    </message>
    <message>
        <source>Malformed announcement: no valid install id.</source>
        <translation>格式错误的通告：没有有效的安装 ID。</translation>
    </message>
</context>
<context>
    <name>CliText</name>
    <message>
        <source>unknown command &quot;%1&quot;.</source>
        <translation>未知命令 &quot;%1&quot;。</translation>
    </message>
    <message>
        <source>chat: ignored a datagram from %1: %2</source>
        <translation>chat: 已忽略来自 %1 的数据报：%2</translation>
    </message>
    <message>
        <source>chat: a line longer than %1 bytes was dropped.</source>
        <translation>chat: 已丢弃一行超过 %1 字节的输入。</translation>
    </message>
    <message>
        <source>chat: &quot;%1&quot; is neither ip:port nor the name of someone heard from.</source>
        <translation>chat: &quot;%1&quot; 既不是 ip:port，也不是已收到过其消息的人的名称。</translation>
    </message>
    <message>
        <source>chat: a message to %1 was not acknowledged; it is resent when %1 is heard from.</source>
        <translation>chat: 发给 %1 的消息未得到确认；收到 %1 的消息时将重新发送。</translation>
    </message>
    <message>
        <source>Display name Tincan peers see (default: $USER).</source>
        <translation>Tincan 对端看到的显示名称（默认：$USER）。</translation>
    </message>
    <message>
        <source>name</source>
        <translation>name</translation>
    </message>
    <message>
        <source>Chats over UDP with classic and Tincan peers. Each incoming message is printed as &quot;[ip:port] NAME: text&quot; (NAME when known; newlines as \n). Each line read from standard input is sent to the last sender; &quot;@ip:port text&quot; or &quot;@NAME text&quot; sends to someone else. At the end of input, waits for outstanding acknowledgements and exits.</source>
        <translation>通过 UDP 与经典对端和 Tincan 对端聊天。每条收到的消息都打印为 &quot;[ip:port] NAME: text&quot;（已知时才显示 NAME；换行显示为 \n）。从标准输入读取的每一行都发送给最后一位发送者；&quot;@ip:port text&quot; 或 &quot;@NAME text&quot; 则发送给其他人。输入结束时，等待尚未收到的确认，然后退出。</translation>
    </message>
    <message>
        <source>Address to bind (default 0.0.0.0).</source>
        <translation>要绑定的地址（默认 0.0.0.0）。</translation>
    </message>
    <message>
        <source>address</source>
        <translation>address</translation>
    </message>
    <message>
        <source>UDP port (default %1).</source>
        <translation>UDP 端口（默认 %1）。</translation>
    </message>
    <message>
        <source>port</source>
        <translation>port</translation>
    </message>
    <message>
        <source>chat: invalid address or port.</source>
        <translation>chat: 地址或端口无效。</translation>
    </message>
    <message>
        <source>chat: listening on %1:%2 as %3</source>
        <translation>chat: 正在 %1:%2 上监听，名称为 %3</translation>
    </message>
    <message>
        <source>Send bare UTF-8 text, as the tutorial&apos;s chat programs do.</source>
        <translation>像教程中的聊天程序那样，只发送纯 UTF-8 文本。</translation>
    </message>
    <message>
        <source>Wait up to SECONDS for a reply and print it.</source>
        <translation>最多等待指定的秒数以接收回复，并将其打印出来。</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>seconds</translation>
    </message>
    <message>
        <source>The message.</source>
        <translation>消息内容。</translation>
    </message>
    <message>
        <source>send: expected HOST:PORT and TEXT. Try: tincan-cli send 127.0.0.1:8081 hello</source>
        <translation>send: 需要 HOST:PORT 和 TEXT。试试：tincan-cli send 127.0.0.1:8081 hello</translation>
    </message>
    <message>
        <source>send: &quot;%1&quot; is not HOST:PORT (an IP address or localhost, and a port).</source>
        <translation>send: &quot;%1&quot; 不是 HOST:PORT（IP 地址或 localhost，再加端口）。</translation>
    </message>
    <message>
        <source>send: invalid number of seconds &quot;%1&quot;.</source>
        <translation>send: 无效的秒数 &quot;%1&quot;。</translation>
    </message>
    <message>
        <source>send: no reply within %1 seconds.</source>
        <translation>send: %1 秒内没有收到回复。</translation>
    </message>
    <message>
        <source>send: %1 did not acknowledge the message; it was not delivered.</source>
        <translation>send: %1 未确认该消息；消息未送达。</translation>
    </message>
    <message>
        <source>Server to connect to (default %1).</source>
        <translation>要连接的服务器（默认 %1）。</translation>
    </message>
    <message>
        <source>host</source>
        <translation>host</translation>
    </message>
    <message>
        <source>Console port (default %1).</source>
        <translation>控制台端口（默认 %1）。</translation>
    </message>
    <message>
        <source>Talk to a classic server: send the bare command and read one framed reply.</source>
        <translation>与经典服务器通信：只发送命令本身，并读取一个分帧的回复。</translation>
    </message>
    <message>
        <source>The shell command to run.</source>
        <translation>要运行的 shell 命令。</translation>
    </message>
    <message>
        <source>exec: no command given. Try: tincan-cli exec -- ls -l</source>
        <translation>exec: 未指定命令。试试：tincan-cli exec -- ls -l</translation>
    </message>
    <message>
        <source>Runs Tincan&apos;s servers until interrupted (SIGINT or SIGTERM), then shuts down cleanly: running commands are terminated and every client is told. Prints one line per service once it listens: NAME: listening on ADDR:PORT</source>
        <translation>运行 Tincan 的服务器，直到被中断（SIGINT 或 SIGTERM），然后正常关闭：终止正在运行的命令，并通知每个客户端。每个服务开始监听后打印一行：NAME: listening on ADDR:PORT</translation>
    </message>
    <message>
        <source>Address to listen on (default 127.0.0.1).</source>
        <translation>监听地址（默认 127.0.0.1）。</translation>
    </message>
    <message>
        <source>Largest classic reply in bytes before it is truncated (default %1).</source>
        <translation>经典回复的最大字节数，超出部分将被截断（默认 %1）。</translation>
    </message>
    <message>
        <source>bytes</source>
        <translation>bytes</translation>
    </message>
    <message>
        <source>serve: unexpected argument &quot;%1&quot;.</source>
        <translation>serve: 意外的参数 &quot;%1&quot;。</translation>
    </message>
    <message>
        <source>serve: invalid address &quot;%1&quot;.</source>
        <translation>serve: 无效的地址 &quot;%1&quot;。</translation>
    </message>
    <message>
        <source>serve: invalid byte count &quot;%1&quot;.</source>
        <translation>serve: 无效的字节数 &quot;%1&quot;。</translation>
    </message>
    <message>
        <source>Sends TEXT to an upper-case echo server and prints the reply (TCP unless --udp). Exits 1 with a message when no complete reply comes within %1 seconds.</source>
        <translation>将 TEXT 发送到大写回显服务器并打印回复（除非指定 --udp，否则使用 TCP）。如果 %1 秒内没有收到完整回复，则显示一条消息，退出状态为 1。</translation>
    </message>
    <message>
        <source>Send one UDP datagram instead.</source>
        <translation>改为发送一个 UDP 数据报。</translation>
    </message>
    <message>
        <source>The server: HOST:PORT.</source>
        <translation>服务器：HOST:PORT。</translation>
    </message>
    <message>
        <source>What to send.</source>
        <translation>要发送的内容。</translation>
    </message>
    <message>
        <source>echo: expected HOST:PORT and TEXT. Try: tincan-cli echo 127.0.0.1:8080 hello</source>
        <translation>echo: 需要 HOST:PORT 和 TEXT。试试：tincan-cli echo 127.0.0.1:8080 hello</translation>
    </message>
    <message>
        <source>echo: &quot;%1&quot; is not HOST:PORT.</source>
        <translation>echo: &quot;%1&quot; 不是 HOST:PORT。</translation>
    </message>
    <message>
        <source>no complete reply from %1 within %2 seconds.</source>
        <translation>%2 秒内没有收到来自 %1 的完整回复。</translation>
    </message>
    <message>
        <source>echo: &quot;%1&quot; is not an IP address.</source>
        <translation>echo: &quot;%1&quot; 不是 IP 地址。</translation>
    </message>
    <message>
        <source>echo: could not send to %1: %2</source>
        <translation>echo: 无法发送到 %1：%2</translation>
    </message>
    <message>
        <source>connection to %1 was refused.</source>
        <translation>到 %1 的连接被拒绝。</translation>
    </message>
    <message>
        <source>connection to %1 failed: %2</source>
        <translation>到 %1 的连接失败：%2</translation>
    </message>
    <message>
        <source>Serve remote commands on TCP PORT (the tutorial uses 8082). Tincan and classic clients share the port.</source>
        <translation>在此 TCP 端口上提供远程命令服务（教程使用 8082）。Tincan 客户端和经典客户端共用该端口。</translation>
    </message>
    <message>
        <source>Upper-case echo over TCP on PORT (the tutorial uses 8080).</source>
        <translation>在此端口上提供 TCP 大写回显服务（教程使用 8080）。</translation>
    </message>
    <message>
        <source>Upper-case echo over UDP on PORT (the tutorial uses 9000).</source>
        <translation>在此端口上提供 UDP 大写回显服务（教程使用 9000）。</translation>
    </message>
    <message>
        <source>Run commands sent as UDP datagrams on PORT, answering with two datagrams: stderr, then stdout (the tutorial uses 9003).</source>
        <translation>在此端口上运行以 UDP 数据报发来的命令，并用两个数据报回复：先 stderr，后 stdout（教程使用 9003）。</translation>
    </message>
    <message>
        <source>serve: invalid port &quot;%1&quot; for --%2.</source>
        <translation>serve: --%2 的端口 &quot;%1&quot; 无效。</translation>
    </message>
    <message>
        <source>serve: no service chosen. Try: tincan-cli serve --console 8082 --echo-tcp 8080</source>
        <translation>serve: 未选择任何服务。试试：tincan-cli serve --console 8082 --echo-tcp 8080</translation>
    </message>
    <message>
        <source>@    WARNING: THE CONSOLE SERVER&apos;S IDENTITY HAS CHANGED!     @</source>
        <translation>@              警告：控制台服务器的身份已更改！              @</translation>
    </message>
    <message>
        <source>IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be intercepting the connection right now (a man-in-the-middle attack),
or the server&apos;s TLS identity was replaced (a new --tls-dir, a reinstall).</source>
        <translation>可能有人正在进行恶意操作！
有人可能正在拦截此连接（中间人攻击），
或者服务器的 TLS 身份已被替换（使用了新的 --tls-dir，或重新安装）。</translation>
    </message>
    <message>
        <source>The fingerprint pinned for %1 is
    %2
but the server presented
    %3</source>
        <translation>为 %1 固定的指纹是
    %2
但服务器出示的是
    %3</translation>
    </message>
    <message>
        <source>The pin is in %1, line %2.</source>
        <translation>该固定记录位于 %1 的第 %2 行。</translation>
    </message>
    <message>
        <source>Check the new fingerprint with the server&apos;s owner (tincan-cli serve prints it). Once it is checked, forget the old one with:
    tincan-cli known-hosts --known-hosts %1 --forget %2</source>
        <translation>请与服务器的所有者核对新指纹（tincan-cli serve 会打印它）。核对无误后，用以下命令删除旧指纹：
    tincan-cli known-hosts --known-hosts %1 --forget %2</translation>
    </message>
    <message>
        <source>The connection was refused; nothing was sent to the server.</source>
        <translation>已拒绝此连接；未向服务器发送任何内容。</translation>
    </message>
    <message>
        <source>The authenticity of server &apos;%1&apos; can&apos;t be established.
Its fingerprint is %2.</source>
        <translation>无法确认服务器 &apos;%1&apos; 的真实性。
其指纹为 %2。</translation>
    </message>
    <message>
        <source>Are you sure you want to continue connecting (yes/no)? </source>
        <translation>确定要继续连接吗（yes/no）？ </translation>
    </message>
    <message>
        <source>Please type &apos;yes&apos; or &apos;no&apos;: </source>
        <translation>请输入 &apos;yes&apos; 或 &apos;no&apos;： </translation>
    </message>
    <message>
        <source>Warning: permanently added &apos;%1&apos; (%2) to the known servers in %3.</source>
        <translation>警告：已将 &apos;%1&apos;（%2）永久添加到 %3 中的已知服务器。</translation>
    </message>
    <message>
        <source>Warning: could not remember &apos;%1&apos; (%2): %3</source>
        <translation>警告：无法记住 &apos;%1&apos;（%2）：%3</translation>
    </message>
    <message>
        <source>Runs COMMAND on a console server and shows its output. Exits with the command&apos;s exit status (128+N when it was killed by signal N), 253 when the server&apos;s TLS identity is refused (unknown and not accepted, or changed), 254 when the login fails, 255 when the connection fails, or 2 for a usage error.

A server with a password asks for it: it is read from --password-file, else from the environment variable %1, else asked for on the terminal (without echo) when standard input is one. The password itself is never sent.</source>
        <translation>在控制台服务器上运行 COMMAND 并显示其输出。退出状态为该命令的退出状态（命令被信号 N 终止时为 128+N）；服务器的 TLS 身份被拒绝（未知且未被接受，或已更改）时为 253；登录失败时为 254；连接失败时为 255；用法错误时为 2。

设有密码的服务器会要求提供密码：优先从 --password-file 读取，其次从环境变量 %1 读取，再次在标准输入为终端时于终端上询问（不回显）。密码本身绝不会被发送。</translation>
    </message>
    <message>
        <source>Read the server&apos;s password from the first line of FILE.</source>
        <translation>从 FILE 的第一行读取服务器密码。</translation>
    </message>
    <message>
        <source>file</source>
        <translation>file</translation>
    </message>
    <message>
        <source>TLS: auto (the default: on unless the host is 127.0.0.1, ::1 or localhost), on, or off. The server is known by the fingerprint pinned for it, as ssh knows hosts.</source>
        <translation>TLS：auto（默认：除非主机是 127.0.0.1、::1 或 localhost，否则启用）、on 或 off。服务器通过为其固定的指纹来识别，就像 ssh 识别主机那样。</translation>
    </message>
    <message>
        <source>Trust a server met for the first time and remember its fingerprint. A changed fingerprint is still refused.</source>
        <translation>信任首次连接的服务器并记住其指纹。指纹发生变化的服务器仍会被拒绝。</translation>
    </message>
    <message>
        <source>The file of pinned server fingerprints (default %1).</source>
        <translation>存放已固定服务器指纹的文件（默认 %1）。</translation>
    </message>
    <message>
        <source>The authenticity of server &apos;%1&apos; can&apos;t be established: its fingerprint %2 is not in %3. Check it with the server&apos;s owner (tincan-cli serve prints it), then connect once with --accept-new to remember it.</source>
        <translation>无法确认服务器 &apos;%1&apos; 的真实性：其指纹 %2 不在 %3 中。请与服务器的所有者核对该指纹（tincan-cli serve 会打印它），然后使用 --accept-new 连接一次以记住它。</translation>
    </message>
    <message>
        <source>Host key verification failed: &apos;%1&apos; is not trusted.</source>
        <translation>主机密钥验证失败：&apos;%1&apos; 不受信任。</translation>
    </message>
    <message>
        <source>exec: cannot remember &apos;%1&apos;: %2</source>
        <translation>exec: 无法记住 &apos;%1&apos;：%2</translation>
    </message>
    <message>
        <source>Password for %1:%2: </source>
        <translation>%1:%2 的密码： </translation>
    </message>
    <message>
        <source>%1 Give it with --password-file FILE or in the environment variable %2.</source>
        <translation>%1 请通过 --password-file FILE 或环境变量 %2 提供密码。</translation>
    </message>
    <message>
        <source>Lists or forgets the TLS fingerprints pinned for console servers (the known-hosts file tincan-cli exec uses). Exits with 0, 1 when the file cannot be read or written, 2 for a usage error, or 3 when --forget finds no entry.</source>
        <translation>列出或删除为控制台服务器固定的 TLS 指纹（即 tincan-cli exec 使用的 known-hosts 文件）。退出状态：成功时为 0；无法读取或写入该文件时为 1；用法错误时为 2；--forget 未找到条目时为 3。</translation>
    </message>
    <message>
        <source>Print every pinned server.</source>
        <translation>打印所有已固定的服务器。</translation>
    </message>
    <message>
        <source>Remove the pin of HOST:PORT ([ADDRESS]:PORT for IPv6), after its new fingerprint was checked.</source>
        <translation>在核对新指纹之后，删除 HOST:PORT（IPv6 为 [ADDRESS]:PORT）的固定记录。</translation>
    </message>
    <message>
        <source>known-hosts: give either --list or --forget HOST:PORT.</source>
        <translation>known-hosts: 请指定 --list 或 --forget HOST:PORT 之一。</translation>
    </message>
    <message>
        <source>known-hosts: &quot;%1&quot; is not HOST:PORT.</source>
        <translation>known-hosts: &quot;%1&quot; 不是 HOST:PORT。</translation>
    </message>
    <message>
        <source>known-hosts: no pin for %1 in %2.</source>
        <translation>known-hosts: %2 中没有 %1 的固定记录。</translation>
    </message>
    <message>
        <source>Forgot %1 in %2.</source>
        <translation>已从 %2 中删除 %1。</translation>
    </message>
    <message>
        <source>%1:%2: ignored: %3</source>
        <translation>%1:%2: 已忽略：%3</translation>
    </message>
    <message>
        <source>New console password: </source>
        <translation>新的控制台密码： </translation>
    </message>
    <message>
        <source>Once more: </source>
        <translation>再输入一次： </translation>
    </message>
    <message>
        <source>passwd: no password given.</source>
        <translation>passwd: 未提供密码。</translation>
    </message>
    <message>
        <source>passwd: the two passwords differ.</source>
        <translation>passwd: 两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>passwd: no password on standard input.</source>
        <translation>passwd: 标准输入中没有密码。</translation>
    </message>
    <message>
        <source>Makes the password hash a console server keeps: a salted PBKDF2-SHA256 key, one line of the form %1$ITERATIONS$SALT$KEY. The password is asked for twice on the terminal, or read from the first line of standard input. Give the result to `tincan-cli serve --password-hash-file FILE`. The hash is enough to log in to this server (not to learn the password): keep it as private as the password.</source>
        <translation>生成控制台服务器保存的密码哈希：一个加盐的 PBKDF2-SHA256 密钥，占一行，格式为 %1$ITERATIONS$SALT$KEY。密码会在终端上询问两次，或从标准输入的第一行读取。将结果交给 `tincan-cli serve --password-hash-file FILE` 使用。凭此哈希即可登录该服务器（但无法得知密码）：请像对待密码一样妥善保密。</translation>
    </message>
    <message>
        <source>Write the hash to FILE (created readable by its owner only) instead of standard output.</source>
        <translation>将哈希写入 FILE（创建为仅所有者可读），而不是输出到标准输出。</translation>
    </message>
    <message>
        <source>PBKDF2 iterations, %1 to %2 (default %3). Every login costs the client this much work.</source>
        <translation>PBKDF2 迭代次数，%1 到 %2（默认 %3）。每次登录时，客户端都要完成这么多次迭代计算。</translation>
    </message>
    <message>
        <source>count</source>
        <translation>count</translation>
    </message>
    <message>
        <source>passwd: unexpected argument &quot;%1&quot;.</source>
        <translation>passwd: 意外的参数 &quot;%1&quot;。</translation>
    </message>
    <message>
        <source>passwd: the iteration count must be a number from %1 to %2.</source>
        <translation>passwd: 迭代次数必须是 %1 到 %2 之间的数字。</translation>
    </message>
    <message>
        <source>passwd: %1</source>
        <translation>passwd: %1</translation>
    </message>
    <message>
        <source>passwd: cannot write %1: %2</source>
        <translation>passwd: 无法写入 %1：%2</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>the first line of %1 is longer than %2 bytes.</source>
        <translation>%1 的第一行超过 %2 字节。</translation>
    </message>
    <message>
        <source>the first line of %1 is empty.</source>
        <translation>%1 的第一行为空。</translation>
    </message>
    <message>
        <source>the password in %1 is longer than %2 bytes.</source>
        <translation>%1 中的密码超过 %2 字节。</translation>
    </message>
    <message>
        <source>serve: give --password-file or --password-hash-file, not both.</source>
        <translation>serve: 请指定 --password-file 或 --password-hash-file，不能同时指定两者。</translation>
    </message>
    <message>
        <source>serve: %1: %2</source>
        <translation>serve: %1：%2</translation>
    </message>
    <message>
        <source>WARNING: %1 is readable by other users; it lets them log in to this console. Make it private: chmod 600 %1</source>
        <translation>警告：其他用户可以读取 %1，这使他们能够登录此控制台。请将其设为私有：chmod 600 %1</translation>
    </message>
    <message>
        <source>Allow the UDP commands, and the console without a password, on a non-loopback address, and classic (unauthenticated) console clients from any address. Anyone who can reach those ports can run commands as this user.</source>
        <translation>允许在非环回地址上提供 UDP 命令服务和无密码的控制台，并允许来自任意地址的经典（未经身份验证的）控制台客户端。任何能访问这些端口的人都能以此用户的身份运行命令。</translation>
    </message>
    <message>
        <source>Require a password for the console: the first line of FILE. It is hashed in memory and never logged. The console may then listen on any address; classic clients, which cannot log in, are served from this machine only.</source>
        <translation>要求控制台使用密码：即 FILE 的第一行。密码仅在内存中进行哈希，绝不会写入日志。此后控制台可以在任意地址上监听；经典客户端无法登录，因此仅为来自本机的经典客户端提供服务。</translation>
    </message>
    <message>
        <source>Like --password-file, but FILE holds a hash made by `tincan-cli passwd`, not the password.</source>
        <translation>与 --password-file 类似，但 FILE 中存放的是由 `tincan-cli passwd` 生成的哈希，而不是密码本身。</translation>
    </message>
    <message>
        <source>Refuse classic console clients, even from this machine: they cannot log in, so on a machine shared with other users they would bypass the password.</source>
        <translation>拒绝经典控制台客户端，即使来自本机也拒绝：它们无法登录，因此在与其他用户共用的机器上，它们会绕过密码。</translation>
    </message>
    <message>
        <source>Console connections at once, in all (default %1).</source>
        <translation>同时允许的控制台连接总数（默认 %1）。</translation>
    </message>
    <message>
        <source>Console connections at once from one address (default %1).</source>
        <translation>同一地址同时允许的控制台连接数（默认 %1）。</translation>
    </message>
    <message>
        <source>Seconds a console client has to log in before it is cut (default %1).</source>
        <translation>控制台客户端必须在多少秒内完成登录，否则将被断开（默认 %1）。</translation>
    </message>
    <message>
        <source>Seconds an address waits after a failed console login before its next attempt is answered; each further failure doubles it (default %1).</source>
        <translation>控制台登录失败后，该地址需等待多少秒，其下一次尝试才会得到应答；此后每失败一次，等待时间加倍（默认 %1）。</translation>
    </message>
    <message>
        <source>The longest wait after failed console logins (default %1).</source>
        <translation>控制台登录失败后的最长等待时间（默认 %1）。</translation>
    </message>
    <message>
        <source>Close a console connection that runs nothing and sends nothing for this many seconds (default 0: never).</source>
        <translation>控制台连接在这么多秒内既未运行命令也未发送任何数据时，将其关闭（默认 0：从不关闭）。</translation>
    </message>
    <message>
        <source>TLS for the console: auto (the default: on when a password is set, off otherwise), on, or off. When on, TLS and plaintext clients share the port, and clients on other machines must use TLS; the fingerprint clients pin is printed after the listening line.</source>
        <translation>控制台的 TLS：auto（默认：设置了密码时启用，否则关闭）、on 或 off。启用时，TLS 客户端和明文客户端共用该端口，其他机器上的客户端必须使用 TLS；供客户端固定的指纹会在监听信息行之后打印。</translation>
    </message>
    <message>
        <source>Directory of the console&apos;s TLS key and certificate, made on first use (default %1).</source>
        <translation>存放控制台 TLS 密钥和证书的目录，首次使用时创建（默认 %1）。</translation>
    </message>
    <message>
        <source>dir</source>
        <translation>dir</translation>
    </message>
    <message>
        <source>Do not log connections and commands on standard error (refused connections and failed logins are still logged).</source>
        <translation>不在标准错误输出中记录连接和命令（被拒绝的连接和失败的登录仍会记录）。</translation>
    </message>
    <message>
        <source>serve: --%1 takes a number from %2 to %3, not &quot;%4&quot;.</source>
        <translation>serve: --%1 的取值为 %2 到 %3 之间的数字，而不是 &quot;%4&quot;。</translation>
    </message>
    <message>
        <source>serve: --login-penalty-max must be at least --login-penalty.</source>
        <translation>serve: --login-penalty-max 不得小于 --login-penalty。</translation>
    </message>
    <message>
        <source>serve: --tls takes auto, on or off, not &quot;%1&quot;.</source>
        <translation>serve: --tls 的取值为 auto、on 或 off，而不是 &quot;%1&quot;。</translation>
    </message>
    <message>
        <source>The encoding the console announces for command output (default: this locale&apos;s charset, %1 here). Set it when the commands print in another. Output is sent as it is; clients decode it.</source>
        <translation>控制台为命令输出声明的编码（默认：本机区域设置的字符集，此处为 %1）。命令以其他编码输出时设置它。输出原样发送，由客户端解码。</translation>
    </message>
    <message>
        <source>%1: invalid port &quot;%2&quot;.</source>
        <translation>%1: 无效的端口 &quot;%2&quot;。</translation>
    </message>
    <message>
        <source>%1: --tls takes auto, on or off, not &quot;%2&quot;.</source>
        <translation>%1: --tls 的取值为 auto、on 或 off，而不是 &quot;%2&quot;。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Let console file transfers name any path the server&apos;s user may use: absolute paths, .. out of the session&apos;s directory, links leading out of it. Without it they stay inside the session&apos;s working directory.</source>
        <translation>允许控制台文件传输使用服务器用户可访问的任何路径：绝对路径、跳出会话目录的 ..、指向会话目录之外的链接。不加此选项时，传输只能在会话的工作目录之内。</translation>
    </message>
    <message>
        <source>Resuming at %1 of %2.</source>
        <translation>从 %1（共 %2）处继续。</translation>
    </message>
    <message>
        <source>%1 %2 (%3), MD5 %4 verified.</source>
        <translation>%1 %2（%3），MD5 %4 已校验。</translation>
    </message>
    <message>
        <source>Uploaded to</source>
        <translation>已上传到</translation>
    </message>
    <message>
        <source>Downloaded to</source>
        <translation>已下载到</translation>
    </message>
    <message>
        <source>Interrupted; run the same command again to resume.</source>
        <translation>已中断；再次运行同一命令即可继续。</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/秒</translation>
    </message>
    <message>
        <source>Exits with 0 when the file is in place and its MD5 checked, 1 when the server refuses (a path outside the session&apos;s directory, a missing file, an existing file without --force), 3 when the MD5 does not match (nothing is kept), 4 when the local file cannot be read or written, 130 when interrupted, and as exec does for the connection: 253 (TLS identity refused), 254 (login failed), 255 (connection failed or cut), 2 (usage).</source>
        <translation>文件就位且 MD5 校验通过时退出码为 0；服务器拒绝时为 1（路径在会话目录之外、文件不存在、文件已存在而未加 --force）；MD5 不符时为 3（不保留任何内容）；本地文件无法读写时为 4；被中断时为 130；连接方面与 exec 相同：253（拒绝 TLS 身份）、254（登录失败）、255（连接失败或中断）、2（用法错误）。</translation>
    </message>
    <message>
        <source>Sends LOCAL to the console server, as REMOTE (default: LOCAL&apos;s file name) relative to the session&apos;s working directory (the server&apos;s start directory).</source>
        <translation>把 LOCAL 发送到控制台服务器，保存为 REMOTE（默认：LOCAL 的文件名），相对于会话的工作目录（即服务器的启动目录）。</translation>
    </message>
    <message>
        <source>Fetches REMOTE (relative to the session&apos;s working directory, the server&apos;s start directory) from the console server into LOCAL (default: REMOTE&apos;s file name, here).</source>
        <translation>从控制台服务器取回 REMOTE（相对于会话的工作目录，即服务器的启动目录），保存到 LOCAL（默认：当前目录下 REMOTE 的文件名）。</translation>
    </message>
    <message>
        <source>The receiver writes a temporary file and renames it into place once the size and MD5 check out. An interrupted transfer leaves the temporary file; the same command later resumes it. A progress bar is shown when standard error is a terminal.</source>
        <translation>接收方先写入临时文件，大小和 MD5 核对无误后再重命名到目标位置。中断的传输会留下临时文件，之后运行同一命令即可继续。标准错误输出是终端时显示进度条。</translation>
    </message>
    <message>
        <source>Replace the target file if it exists (without it, an existing file is refused).</source>
        <translation>目标文件已存在时替换它（不加此选项时，已存在的文件会被拒绝）。</translation>
    </message>
    <message>
        <source>The file to send.</source>
        <translation>要发送的文件。</translation>
    </message>
    <message>
        <source>Where to put it on the server; ending in / puts it there under LOCAL&apos;s name.</source>
        <translation>放在服务器上的位置；以 / 结尾则以 LOCAL 的文件名放入该目录。</translation>
    </message>
    <message>
        <source>The file to fetch.</source>
        <translation>要取回的文件。</translation>
    </message>
    <message>
        <source>Where to put it here.</source>
        <translation>在本机上的保存位置。</translation>
    </message>
    <message>
        <source>upload: give LOCAL and, optionally, REMOTE. Try: tincan-cli upload notes.txt docs/notes.txt</source>
        <translation>upload: 请给出 LOCAL，以及可选的 REMOTE。例如：tincan-cli upload notes.txt docs/notes.txt</translation>
    </message>
    <message>
        <source>download: give REMOTE and, optionally, LOCAL. Try: tincan-cli download logs/app.log</source>
        <translation>download: 请给出 REMOTE，以及可选的 LOCAL。例如：tincan-cli download logs/app.log</translation>
    </message>
    <message>
        <source>download: %1 names no file; give LOCAL.</source>
        <translation>download: %1 不是文件名；请给出 LOCAL。</translation>
    </message>
    <message>
        <source>serve: %1</source>
        <translation>serve：%1</translation>
    </message>
    <message>
        <source>Usage: tincan-cli [--lang LANG] COMMAND [OPTIONS]

Commands:
  serve   run servers (tincan-cli serve --console 8082 --echo-tcp 8080)
  exec    run a command on a console server (tincan-cli exec -- ls -l)
  upload  send a file to a console server (tincan-cli upload notes.txt docs/)
  download  fetch a file from a console server (tincan-cli download logs/app.log)
  known-hosts  list or forget pinned console servers (tincan-cli known-hosts --list)
  passwd  make a console password hash (tincan-cli passwd --output console.hash)
  chat    chat over UDP with classic and Tincan peers (tincan-cli chat)
  send    send one chat message (tincan-cli send 127.0.0.1:8081 hello)
  peers   list the Tincan and IP Messenger peers on the LAN (tincan-cli peers --wait 2)
  echo    talk to an upper-case echo server (tincan-cli echo 127.0.0.1:8080 hi)

Options:
  --lang LANG   language of messages (en, zh_CN); default: the system&apos;s
  -h, --help    this help; COMMAND --help tells about one command
  -v, --version the version</source>
        <translation>用法：tincan-cli [--lang LANG] COMMAND [OPTIONS]

命令：
  serve   运行服务器（tincan-cli serve --console 8082 --echo-tcp 8080）
  exec    在控制台服务器上运行命令（tincan-cli exec -- ls -l）
  upload  向控制台服务器发送文件（tincan-cli upload notes.txt docs/）
  download  从控制台服务器取回文件（tincan-cli download logs/app.log）
  known-hosts  列出或删除已固定的控制台服务器（tincan-cli known-hosts --list）
  passwd  生成控制台密码哈希（tincan-cli passwd --output console.hash）
  chat    通过 UDP 与经典对端和 Tincan 对端聊天（tincan-cli chat）
  send    发送一条聊天消息（tincan-cli send 127.0.0.1:8081 hello）
  peers   列出局域网上的 Tincan 和 IP Messenger 对端（tincan-cli peers --wait 2）
  echo    与大写回显服务器通信（tincan-cli echo 127.0.0.1:8080 hi）

选项：
  --lang LANG   消息语言（en、zh_CN）；默认：系统语言
  -h, --help    显示此帮助；COMMAND --help 显示某个命令的帮助
  -v, --version 显示版本</translation>
    </message>
    <message>
        <source>Asks the LAN who is there and prints one line per peer heard: ADDRESS PROTOCOL STATE NAME (PROTOCOL is tincan or ipmsg). Announces on every up interface unless --announce-on, %1 or --no-announce say otherwise. Exits 0 once the wait is over (even if no one answered), 1 when the discovery port cannot be used, 2 on a usage error.</source>
        <translation>询问局域网上有谁在，并为听到的每个对端打印一行：ADDRESS PROTOCOL STATE NAME（PROTOCOL 为 tincan 或 ipmsg）。除非 --announce-on、%1 或 --no-announce 另有指定，否则在每个已启用的接口上通告。等待结束后退出码为 0（即使无人应答），发现端口无法使用时为 1，用法错误时为 2。</translation>
    </message>
    <message>
        <source>Seconds to listen (default %1).</source>
        <translation>监听的秒数（默认 %1）。</translation>
    </message>
    <message>
        <source>iface,...</source>
        <translation>接口,...</translation>
    </message>
    <message>
        <source>IP Messenger&apos;s UDP port (default %1, 0: off).</source>
        <translation>IP Messenger 的 UDP 端口（默认 %1，0：关闭）。</translation>
    </message>
    <message>
        <source>Display name peers see (default: $USER).</source>
        <translation>对端看到的显示名称（默认：$USER）。</translation>
    </message>
    <message>
        <source>chat: a message to %1 was not confirmed: %2</source>
        <translation>chat：发给 %1 的消息未被确认：%2</translation>
    </message>
    <message>
        <source>chat: %1 offered files, which tincan-cli chat does not fetch.</source>
        <translation>chat：%1 发来了文件，tincan-cli chat 不接收文件。</translation>
    </message>
    <message>
        <source>chat: nobody to reply to yet; write &quot;@ip:port text&quot; or &quot;@NAME text&quot;.</source>
        <translation>chat：还没有可回复的人；请写“@ip:端口 文字”或“@名字 文字”。</translation>
    </message>
    <message>
        <source>IP Messenger is off (--ipmsg-port 0).</source>
        <translation>IP Messenger 已关闭（--ipmsg-port 0）。</translation>
    </message>
    <message>
        <source>Announce only on these interfaces (default: every up interface; also %1).</source>
        <translation>只在这些网络接口上通告（默认：所有已启用的接口；也可用 %1）。</translation>
    </message>
    <message>
        <source>Broadcast nothing: only hear others and answer them directly.</source>
        <translation>不广播任何内容：只收听他人并直接回答。</translation>
    </message>
    <message>
        <source>Also announce to these addresses (broadcasts or hosts of routed networks).</source>
        <translation>同时向这些地址通告（路由网络的广播地址或主机）。</translation>
    </message>
    <message>
        <source>address,...</source>
        <translation>地址,...</translation>
    </message>
    <message>
        <source>--ipmsg-port must be 0 to 65535.</source>
        <translation>--ipmsg-port 必须在 0 到 65535 之间。</translation>
    </message>
    <message>
        <source>--extra: &quot;%1&quot; is not an IP address.</source>
        <translation>--extra：“%1”不是 IP 地址。</translation>
    </message>
    <message>
        <source>* %1 (%2) is online</source>
        <translation>* %1（%2）上线了</translation>
    </message>
    <message>
        <source>* %1 (%2) is away</source>
        <translation>* %1（%2）离开了座位</translation>
    </message>
    <message>
        <source>* %1 (%2) left</source>
        <translation>* %1（%2）已下线</translation>
    </message>
    <message>
        <source>peers: expected --wait 0 to %1. Try: tincan-cli peers --wait 2</source>
        <translation>peers：--wait 应为 0 到 %1。试试：tincan-cli peers --wait 2</translation>
    </message>
    <message>
        <source>send: %1 did not confirm the message: %2</source>
        <translation>send：%1 没有确认这条消息：%2</translation>
    </message>
    <message>
        <source>Sends one chat message to HOST:PORT, or to a peer on the LAN by its NAME (a Tincan or an IP Messenger heard within --discover seconds). Exits 0 once the peer has acknowledged it (or, with --classic, once it is sent), 1 when it was not delivered or no such peer was heard, 3 when --wait-reply saw no reply.</source>
        <translation>发送一条聊天消息到 HOST:PORT，或按名字发给局域网上的对端（在 --discover 秒内听到的 Tincan 或 IP Messenger）。对端确认后（或使用 --classic 时发出后）以 0 退出；未送达或没有听到这样的对端时以 1 退出；--wait-reply 没有等到回复时以 3 退出。</translation>
    </message>
    <message>
        <source>Seconds to listen for a peer named NAME (default %1).</source>
        <translation>等待名为 NAME 的对端的秒数（默认 %1）。</translation>
    </message>
    <message>
        <source>Where to send: HOST:PORT, or a peer&apos;s NAME.</source>
        <translation>发往何处：HOST:PORT，或对端的名字。</translation>
    </message>
    <message>
        <source>send: --discover takes 0 to %1 seconds.</source>
        <translation>send：--discover 取 0 到 %1 秒。</translation>
    </message>
    <message>
        <source>send: &quot;%1&quot; is not HOST:PORT, and no peer of that name was heard within %2 seconds. Try: tincan-cli peers</source>
        <translation>send：“%1”不是 HOST:PORT，%2 秒内也没有听到叫这个名字的对端。试试：tincan-cli peers</translation>
    </message>
    <message>
        <source>send: %1 is an IP Messenger: --classic and --wait-reply do not apply.</source>
        <translation>send：%1 是 IP Messenger：--classic 和 --wait-reply 不适用。</translation>
    </message>
</context>
<context>
    <name>EnvelopeDecoder</name>
    <message>
        <source>Not a Tincan datagram.</source>
        <translation>不是 Tincan 数据报。</translation>
    </message>
    <message>
        <source>Truncated Tincan datagram: no version byte.</source>
        <translation>Tincan 数据报不完整：缺少版本字节。</translation>
    </message>
    <message>
        <source>Unsupported Tincan envelope version %1.</source>
        <translation>不支持的 Tincan 信封版本 %1。</translation>
    </message>
    <message>
        <source>Malformed envelope: %1.</source>
        <translation>信封格式错误：%1。</translation>
    </message>
    <message>
        <source>Malformed envelope: %1 bytes after the end.</source>
        <translation>信封格式错误：结尾之后还有 %1 字节。</translation>
    </message>
    <message>
        <source>Malformed envelope: not a map.</source>
        <translation>信封格式错误：不是映射（map）。</translation>
    </message>
    <message>
        <source>Malformed envelope: unknown type &quot;%1&quot;.</source>
        <translation>信封格式错误：未知类型 &quot;%1&quot;。</translation>
    </message>
    <message>
        <source>Malformed envelope: no valid sender id.</source>
        <translation>信封格式错误：没有有效的发送者 ID。</translation>
    </message>
    <message>
        <source>Malformed envelope: no valid message id.</source>
        <translation>信封格式错误：没有有效的消息 ID。</translation>
    </message>
    <message>
        <source>Malformed envelope: the name is not text.</source>
        <translation>信封格式错误：名称不是文本。</translation>
    </message>
    <message>
        <source>Malformed envelope: the name is longer than %1 bytes.</source>
        <translation>信封格式错误：名称超过 %1 字节。</translation>
    </message>
    <message>
        <source>Malformed envelope: a message without text.</source>
        <translation>信封格式错误：消息没有文本。</translation>
    </message>
    <message>
        <source>Malformed envelope: the text is longer than %1 bytes.</source>
        <translation>信封格式错误：文本超过 %1 字节。</translation>
    </message>
    <message>
        <source>Malformed envelope: a message without a timestamp.</source>
        <translation>信封格式错误：消息没有时间戳。</translation>
    </message>
    <message>
        <source>Malformed envelope: a key appears twice.</source>
        <translation>信封格式错误：某个键出现了两次。</translation>
    </message>
</context>
<context>
    <name>FrameDecoder</name>
    <message>
        <source>Invalid frame: the header length is %1; it must be positive.</source>
        <translation>无效的帧：头部长度为 %1；必须为正数。</translation>
    </message>
    <message>
        <source>Invalid frame: a header of %1 bytes is larger than the limit of %2 bytes.</source>
        <translation>无效的帧：%1 字节的头部超过了 %2 字节的上限。</translation>
    </message>
    <message>
        <source>Invalid frame: the header is not valid JSON (%1 at byte %2).</source>
        <translation>无效的帧：头部不是有效的 JSON（第 %2 字节处：%1）。</translation>
    </message>
    <message>
        <source>Invalid frame: the header must be a JSON object.</source>
        <translation>无效的帧：头部必须是 JSON 对象。</translation>
    </message>
    <message>
        <source>Invalid frame: the header has no &quot;total_size&quot;.</source>
        <translation>无效的帧：头部缺少 &quot;total_size&quot;。</translation>
    </message>
    <message>
        <source>Invalid frame: &quot;total_size&quot; must be a non-negative integer.</source>
        <translation>无效的帧：&quot;total_size&quot; 必须是非负整数。</translation>
    </message>
    <message>
        <source>Invalid frame: a payload of %1 bytes is larger than the limit of %2 bytes.</source>
        <translation>无效的帧：%1 字节的负载超过了 %2 字节的上限。</translation>
    </message>
</context>
<context>
    <name>HostEventFormatter</name>
    <message>
        <source>killed by signal %1</source>
        <translation>被信号 %1 终止</translation>
    </message>
    <message>
        <source>exit %1</source>
        <translation>退出状态 %1</translation>
    </message>
    <message>
        <source>client %1</source>
        <translation>客户端 %1</translation>
    </message>
    <message>
        <source>client %1 (%2)</source>
        <translation>客户端 %1（%2）</translation>
    </message>
    <message>
        <source>WARNING: --insecure: commands are served on %1 with NO authentication. Anyone who can reach this port can run any command as this user.</source>
        <translation>警告：--insecure：正在 %1 上提供命令服务，且没有任何身份验证。任何能访问此端口的人都能以此用户的身份运行任意命令。</translation>
    </message>
    <message>
        <source>WARNING: --insecure: classic console clients from any address run commands on %1 with NO password. Anyone who can reach this port can run any command as this user.</source>
        <translation>警告：--insecure：来自任意地址的经典控制台客户端无需任何密码即可在 %1 上运行命令。任何能访问此端口的人都能以此用户的身份运行任意命令。</translation>
    </message>
    <message>
        <source>WARNING: --insecure is given; on %1 only this machine can connect, so it changes nothing yet. Listening on another address would serve commands without a password.</source>
        <translation>警告：已指定 --insecure；但在 %1 上只有本机可以连接，因此目前它不起作用。若在其他地址上监听，将在无密码的情况下提供命令服务。</translation>
    </message>
    <message>
        <source>%1: %2 request %3 started pid %4: %5</source>
        <translation>%1：%2 请求 %3 已启动 pid %4：%5</translation>
    </message>
    <message>
        <source>%1: %2 request %3 finished: %4</source>
        <translation>%1：%2 请求 %3 已结束：%4</translation>
    </message>
    <message>
        <source>%1: started pid %2: %3</source>
        <translation>%1：已启动 pid %2：%3</translation>
    </message>
    <message>
        <source>%1: finished (%2): %3</source>
        <translation>%1：已结束（%2）：%3</translation>
    </message>
    <message>
        <source>%1: %2 started pid %3: %4</source>
        <translation>%1：%2 已启动 pid %3：%4</translation>
    </message>
    <message>
        <source>%1: %2 finished (%3): %4</source>
        <translation>%1：%2 已结束（%3）：%4</translation>
    </message>
    <message>
        <source>%1: listening on %2</source>
        <translation>%1：正在 %2 上监听</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1: TLS fingerprint %2</source>
        <translation>%1：TLS 指纹 %2</translation>
    </message>
    <message>
        <source>%1: clients must log in with the password (%2 PBKDF2 iterations)</source>
        <translation>%1：客户端必须用密码登录（PBKDF2 迭代 %2 次）</translation>
    </message>
    <message>
        <source>%1 could not start: %2</source>
        <translation>%1 无法启动：%2</translation>
    </message>
    <message>
        <source>%1: %2 connected</source>
        <translation>%1：%2 已连接</translation>
    </message>
    <message>
        <source>%1: %2 disconnected</source>
        <translation>%1：%2 已断开</translation>
    </message>
    <message>
        <source>%1: refused %2: %3</source>
        <translation>%1：已拒绝 %2：%3</translation>
    </message>
    <message>
        <source>%1: %2 refused: %3</source>
        <translation>%1：%2 被拒绝：%3</translation>
    </message>
    <message>
        <source>%1: %2 logged in</source>
        <translation>%1：%2 已登录</translation>
    </message>
    <message>
        <source>%1: %2 failed to log in: %3; that address waits %4 ms</source>
        <translation>%1：%2 登录失败：%3；该地址需等待 %4 毫秒</translation>
    </message>
    <message>
        <source>%1: %2 transfer %3 upload of %4 bytes to %5</source>
        <translation>%1：%2 传输 %3 上传 %4 字节到 %5</translation>
    </message>
    <message>
        <source>%1: %2 transfer %3 download of %4 bytes from %5</source>
        <translation>%1：%2 传输 %3 从 %5 下载 %4 字节</translation>
    </message>
    <message>
        <source>%1: %2 transfer %3 done</source>
        <translation>%1：%2 传输 %3 完成</translation>
    </message>
    <message>
        <source>%1: %2 transfer %3 ended: %4</source>
        <translation>%1：%2 传输 %3 已结束：%4</translation>
    </message>
    <message>
        <source>%1: protocol error from %2: %3</source>
        <translation>%1：来自 %2 的协议错误：%3</translation>
    </message>
    <message>
        <source>%1: %2 protocol error: %3</source>
        <translation>%1：%2 协议错误：%3</translation>
    </message>
    <message>
        <source>%1: stopping; running commands are terminated</source>
        <translation>%1：正在停止；正在运行的命令将被终止</translation>
    </message>
    <message>
        <source>%1: stopped</source>
        <translation>%1：已停止</translation>
    </message>
    <message>
        <source>shutting down (signal %1)</source>
        <translation>正在关闭（信号 %1）</translation>
    </message>
</context>
<context>
    <name>HostSettings</name>
    <message>
        <source>%1 must be from %2 to %3, not %4.</source>
        <translation>%1 必须在 %2 到 %3 之间，而不是 %4。</translation>
    </message>
    <message>
        <source>%1 must be from %2 to %3 seconds, not %4 ms.</source>
        <translation>%1 必须在 %2 到 %3 秒之间，而不是 %4 毫秒。</translation>
    </message>
    <message>
        <source>The chat is run by the main window, not by the service host.</source>
        <translation>聊天由主窗口运行，而不是由服务宿主运行。</translation>
    </message>
    <message>
        <source>%1: no address to listen on.</source>
        <translation>%1：没有可监听的地址。</translation>
    </message>
    <message>
        <source>The number of console connections</source>
        <translation>控制台连接数</translation>
    </message>
    <message>
        <source>The number of console connections from one address</source>
        <translation>来自同一地址的控制台连接数</translation>
    </message>
    <message>
        <source>The login grace time</source>
        <translation>登录宽限时间</translation>
    </message>
    <message>
        <source>The login penalty</source>
        <translation>登录惩罚等待</translation>
    </message>
    <message>
        <source>The longest login penalty</source>
        <translation>最长登录惩罚等待</translation>
    </message>
    <message>
        <source>The idle timeout</source>
        <translation>空闲超时</translation>
    </message>
    <message>
        <source>The longest login penalty (%1 s) must be at least the first one (%2 s).</source>
        <translation>最长登录惩罚等待（%1 秒）不能短于首次等待（%2 秒）。</translation>
    </message>
    <message>
        <source>The classic reply cap must be 0 bytes or more, not %1.</source>
        <translation>经典回复上限必须为 0 字节或更多，而不是 %1。</translation>
    </message>
    <message>
        <source>Unknown TLS policy %1.</source>
        <translation>未知的 TLS 策略 %1。</translation>
    </message>
</context>
<context>
    <name>IncomingFile</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>The temporary file %1 changed while it was checked.</source>
        <translation>临时文件 %1 在校验期间发生了变化。</translation>
    </message>
    <message>
        <source>The temporary file is not open.</source>
        <translation>临时文件未打开。</translation>
    </message>
    <message>
        <source>More bytes arrived than the %1 announced.</source>
        <translation>收到的字节数超过了声明的 %1。</translation>
    </message>
    <message>
        <source>The file is not complete.</source>
        <translation>文件不完整。</translation>
    </message>
    <message>
        <source>The received bytes have MD5 %1, not the offered %2; the file was not kept.</source>
        <translation>收到的数据 MD5 为 %1，而不是声明的 %2；文件未保留。</translation>
    </message>
    <message>
        <source>%1 appeared meanwhile and is not replaced; the received file is kept as %2.</source>
        <translation>%1 在传输期间出现，不会被替换；收到的文件保留为 %2。</translation>
    </message>
    <message>
        <source>Cannot rename %1 to %2: %3</source>
        <translation>无法将 %1 重命名为 %2：%3</translation>
    </message>
</context>
<context>
    <name>KnownHosts</name>
    <message>
        <source>%1 is not a regular file.</source>
        <translation>%1 不是普通文件。</translation>
    </message>
    <message>
        <source>%1 belongs to another user, who could change its pins.</source>
        <translation>%1 属于其他用户，该用户可以更改其中的固定记录。</translation>
    </message>
    <message>
        <source>%1 can be changed by other users (mode %2), so its pins cannot be trusted. Check its fingerprints, then run &quot;chmod 600 %1&quot;.</source>
        <translation>其他用户可以修改 %1（权限模式 %2），因此其中的固定记录不可信。请核对其中的指纹，然后运行 &quot;chmod 600 %1&quot;。</translation>
    </message>
    <message>
        <source>Could not read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is larger than %2 bytes, which is far more than a list of servers; it is not read.</source>
        <translation>%1 大于 %2 字节，远远超出服务器列表应有的大小；不会读取该文件。</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Could not create the directory %1.</source>
        <translation>无法创建目录 %1。</translation>
    </message>
    <message>
        <source>Could not lock %1: another program is changing it, or the lock file cannot be made.</source>
        <translation>无法锁定 %1：另一个程序正在修改它，或者无法创建锁文件。</translation>
    </message>
</context>
<context>
    <name>KnownHostsList</name>
    <message>
        <source>the line is longer than %1 bytes</source>
        <translation>该行超过 %1 字节</translation>
    </message>
    <message>
        <source>the line is not valid UTF-8</source>
        <translation>该行不是有效的 UTF-8</translation>
    </message>
    <message>
        <source>expected &quot;host:port fingerprint&quot;</source>
        <translation>应为 &quot;host:port fingerprint&quot;</translation>
    </message>
    <message>
        <source>expected &quot;[address]:port&quot;</source>
        <translation>应为 &quot;[address]:port&quot;</translation>
    </message>
    <message>
        <source>&quot;%1&quot; has no port</source>
        <translation>&quot;%1&quot; 缺少端口</translation>
    </message>
    <message>
        <source>an IPv6 address must be written in brackets: [address]:port</source>
        <translation>IPv6 地址必须写在方括号中：[address]:port</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a port number from 1 to 65535</source>
        <translation>&quot;%1&quot; 不是 1 到 65535 之间的端口号</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name or address</source>
        <translation>&quot;%1&quot; 不是主机名或地址</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a SHA-256 fingerprint</source>
        <translation>&quot;%1&quot; 不是 SHA-256 指纹</translation>
    </message>
    <message>
        <source>Port 0 cannot be pinned.</source>
        <translation>无法固定端口 0。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name or address.</source>
        <translation>&quot;%1&quot; 不是主机名或地址。</translation>
    </message>
    <message>
        <source>There is no fingerprint to pin.</source>
        <translation>没有可固定的指纹。</translation>
    </message>
    <message>
        <source>%1 is already pinned on line %2, which is the one used</source>
        <translation>%1 已在第 %2 行固定，实际使用的是该行</translation>
    </message>
</context>
<context>
    <name>PacketCodec</name>
    <message>
        <source>The datagram is %1 bytes long; an IP Messenger packet has at most %2.</source>
        <translation>数据报长 %1 字节；IP Messenger 数据包最多 %2 字节。</translation>
    </message>
    <message>
        <source>The datagram is empty.</source>
        <translation>数据报为空。</translation>
    </message>
    <message>
        <source>The packet is cut short: it has %1 of the 5 fields before Extra.</source>
        <translation>数据包被截断：Extra 之前的 5 个字段只有 %1 个。</translation>
    </message>
    <message>
        <source>A header field is %1 bytes long; at most %2 are accepted.</source>
        <translation>一个头部字段长 %1 字节；最多接受 %2 字节。</translation>
    </message>
    <message>
        <source>The packet has no version.</source>
        <translation>数据包没有版本。</translation>
    </message>
    <message>
        <source>The packet number is not a decimal number below 2^32.</source>
        <translation>包编号不是小于 2^32 的十进制数。</translation>
    </message>
    <message>
        <source>The command is not a decimal number below 2^32.</source>
        <translation>命令不是小于 2^32 的十进制数。</translation>
    </message>
    <message>
        <source>The packet has more than %1 parts after its text.</source>
        <translation>数据包在正文之后有超过 %1 个部分。</translation>
    </message>
    <message>
        <source>The packet&apos;s text is not valid UTF-8.</source>
        <translation>数据包的文本不是有效的 UTF-8。</translation>
    </message>
    <message>
        <source>The packet&apos;s text is not valid GB18030 (GBK).</source>
        <translation>数据包的文本不是有效的 GB18030（GBK）。</translation>
    </message>
    <message>
        <source>The text cannot be written in the packet&apos;s encoding.</source>
        <translation>该文本无法用数据包的编码写出。</translation>
    </message>
    <message>
        <source>A header field holds &apos;:&apos; or a NUL.</source>
        <translation>头部字段中含有 &apos;:&apos; 或 NUL。</translation>
    </message>
    <message>
        <source>A part of the packet holds a NUL.</source>
        <translation>数据包的某个部分含有 NUL。</translation>
    </message>
    <message>
        <source>The packet would be %1 bytes long; an IP Messenger packet has at most %2.</source>
        <translation>数据包将长 %1 字节；IP Messenger 数据包最多 %2 字节。</translation>
    </message>
</context>
<context>
    <name>PasswordHash</name>
    <message>
        <source>The password is empty.</source>
        <translation>密码为空。</translation>
    </message>
    <message>
        <source>The password is longer than %1 bytes.</source>
        <translation>密码超过 %1 字节。</translation>
    </message>
    <message>
        <source>The iteration count %1 is outside %2 to %3.</source>
        <translation>迭代次数 %1 不在 %2 到 %3 的范围内。</translation>
    </message>
    <message>
        <source>The password hash is empty.</source>
        <translation>密码哈希为空。</translation>
    </message>
    <message>
        <source>The password hash is longer than %1 characters.</source>
        <translation>密码哈希超过 %1 个字符。</translation>
    </message>
    <message>
        <source>The password hash must have the form %1$ITERATIONS$SALT$KEY.</source>
        <translation>密码哈希的格式必须为 %1$ITERATIONS$SALT$KEY。</translation>
    </message>
    <message>
        <source>The password hash does not start with &quot;%1$&quot;.</source>
        <translation>密码哈希不是以 &quot;%1$&quot; 开头。</translation>
    </message>
    <message>
        <source>The iteration count of the password hash must be a number from %1 to %2.</source>
        <translation>密码哈希的迭代次数必须是 %1 到 %2 之间的数字。</translation>
    </message>
    <message>
        <source>The salt of the password hash must be %1 to %2 bytes in base64.</source>
        <translation>密码哈希的盐必须为 %1 到 %2 字节，并以 base64 编码。</translation>
    </message>
    <message>
        <source>The key of the password hash must be %1 bytes in base64.</source>
        <translation>密码哈希的密钥必须为 %1 字节，并以 base64 编码。</translation>
    </message>
</context>
<context>
    <name>ServiceNames</name>
    <message>
        <source>Console</source>
        <translation>控制台</translation>
    </message>
    <message>
        <source>TCP echo</source>
        <translation>TCP 回显</translation>
    </message>
    <message>
        <source>UDP echo</source>
        <translation>UDP 回显</translation>
    </message>
    <message>
        <source>UDP commands</source>
        <translation>UDP 命令</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
</context>
<context>
    <name>Tincan::ChatController</name>
    <message>
        <source>The chat history is turned off: messages are not kept after Tincan closes.</source>
        <translation>聊天记录已关闭：Tincan 关闭后不会保留消息。</translation>
    </message>
    <message>
        <source>The chat history could not be opened, so messages are not kept after Tincan closes. %1</source>
        <translation>无法打开聊天记录，因此 Tincan 关闭后不会保留消息。%1</translation>
    </message>
    <message>
        <source>The chat cannot receive messages: %1</source>
        <translation>聊天无法接收消息：%1</translation>
    </message>
    <message>
        <source>UDP port %1 is already in use (by another Tincan or chat program), so the chat listens on port %2. Peers must send to port %2 to reach you.</source>
        <translation>UDP 端口 %1 已被占用（被另一个 Tincan 或聊天程序占用），因此聊天改为在端口 %2 上监听。对端必须发送到端口 %2 才能联系到你。</translation>
    </message>
    <message>
        <source>Chat: not listening</source>
        <translation>聊天：未监听</translation>
    </message>
    <message>
        <source>Chat: port %1 is in use; listening on %2</source>
        <translation>聊天：端口 %1 已被占用；正在端口 %2 上监听</translation>
    </message>
    <message>
        <source>Chat: UDP port %1</source>
        <translation>聊天：UDP 端口 %1</translation>
    </message>
    <message>
        <source>%1 · history off</source>
        <translation>%1 · 聊天记录已关闭</translation>
    </message>
    <message>
        <source>Chat history: %1</source>
        <translation>聊天记录：%1</translation>
    </message>
    <message>
        <source>There is no such contact.</source>
        <translation>没有这个联系人。</translation>
    </message>
    <message>
        <source>The chat is stopped, so no messages arrive. Start it in the server window (Server → Server Window).</source>
        <translation>聊天已停止，因此不会收到任何消息。请在服务器窗口中启动它（服务器 → 服务器窗口）。</translation>
    </message>
    <message>
        <source>Chat: stopped</source>
        <translation>聊天：已停止</translation>
    </message>
</context>
<context>
    <name>Tincan::ChatEndpoint</name>
    <message>
        <source>UDP port %1 is already in use.</source>
        <translation>UDP 端口 %1 已被占用。</translation>
    </message>
    <message>
        <source>Cannot bind UDP port %1 on %2: %3</source>
        <translation>无法在 %2 上绑定 UDP 端口 %1：%3</translation>
    </message>
    <message>
        <source>UDP port %1 is already in use; using port %2 instead.</source>
        <translation>UDP 端口 %1 已被占用；改用端口 %2。</translation>
    </message>
    <message>
        <source>The chat endpoint is not bound to a port.</source>
        <translation>聊天端点未绑定到端口。</translation>
    </message>
    <message>
        <source>The message is %1 bytes long; at most %2 bytes fit in one message.</source>
        <translation>该消息长 %1 字节；一条消息最多只能容纳 %2 字节。</translation>
    </message>
    <message>
        <source>Could not send to %1: %2</source>
        <translation>无法发送到 %1：%2</translation>
    </message>
    <message>
        <source>A message from %1 could not be saved to the history.</source>
        <translation>无法将来自 %1 的消息保存到聊天记录。</translation>
    </message>
    <message>
        <source>%1 is this chat&apos;s own address: a message sent there would come back to you.</source>
        <translation>%1 是本聊天自己的地址：发到那里的消息会回到你自己这里。</translation>
    </message>
    <message>
        <source>IP Messenger messages are not sent through the chat endpoint.</source>
        <translation>IP Messenger 消息不经由聊天端点发送。</translation>
    </message>
</context>
<context>
    <name>Tincan::ChatHistory</name>
    <message>
        <source>The chat history could not be updated.</source>
        <translation>无法更新聊天记录。</translation>
    </message>
    <message>
        <source>The SQLite driver for Qt is not installed (package libqt6sql6-sqlite).</source>
        <translation>未安装 Qt 的 SQLite 驱动（软件包 libqt6sql6-sqlite）。</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the chat history.</source>
        <translation>无法为聊天记录创建文件夹 %1。</translation>
    </message>
    <message>
        <source>Cannot open the chat history %1.</source>
        <translation>无法打开聊天记录 %1。</translation>
    </message>
    <message>
        <source>The chat history %1 is damaged or is not a database. Move it away to start a new one; nothing has been changed.</source>
        <translation>聊天记录 %1 已损坏或不是数据库。将其移走即可开始新的聊天记录；目前未做任何更改。</translation>
    </message>
    <message>
        <source>Cannot prepare the chat history %1.</source>
        <translation>无法准备聊天记录 %1。</translation>
    </message>
    <message>
        <source>Cannot read the chat history.</source>
        <translation>无法读取聊天记录。</translation>
    </message>
    <message>
        <source>The chat history was written by a newer Tincan (format %1); this one reads format %2.</source>
        <translation>该聊天记录由较新版本的 Tincan 写入（格式 %1）；当前版本只能读取格式 %2。</translation>
    </message>
    <message>
        <source>%1 is a database, but not a Tincan chat history.</source>
        <translation>%1 是数据库，但不是 Tincan 聊天记录。</translation>
    </message>
    <message>
        <source>Cannot write the chat history.</source>
        <translation>无法写入聊天记录。</translation>
    </message>
    <message>
        <source>Cannot create the chat history.</source>
        <translation>无法创建聊天记录。</translation>
    </message>
    <message>
        <source>The contact could not be saved.</source>
        <translation>无法保存联系人。</translation>
    </message>
    <message>
        <source>The contact could not be removed.</source>
        <translation>无法删除联系人。</translation>
    </message>
    <message>
        <source>A message could not be saved to the chat history.</source>
        <translation>无法将消息保存到聊天记录。</translation>
    </message>
    <message>
        <source>A message&apos;s delivery state could not be saved.</source>
        <translation>无法保存消息的送达状态。</translation>
    </message>
    <message>
        <source>The conversation could not be moved.</source>
        <translation>无法移动对话。</translation>
    </message>
    <message>
        <source>The chat history is not open; nothing can be saved.</source>
        <translation>聊天记录未打开；无法保存任何内容。</translation>
    </message>
    <message>
        <source>The chat history %1 could not be brought up to date; nothing has been changed.</source>
        <translation>聊天记录 %1 无法升级到新格式；没有做任何更改。</translation>
    </message>
</context>
<context>
    <name>Tincan::ChatPeersLabel</name>
    <message>
        <source>Finding peers is off.</source>
        <translation>查找对端已关闭。</translation>
    </message>
    <message>
        <source>%1 (away)</source>
        <translation>%1（离开）</translation>
    </message>
    <message>
        <source>No peers heard</source>
        <translation>没有听到对端</translation>
    </message>
    <message>
        <source>%1, …</source>
        <translation>%1, …</translation>
    </message>
    <message>
        <source>Peers heard (%1): %2</source>
        <translation>听到的对端（%1）：%2</translation>
    </message>
</context>
<context>
    <name>Tincan::ChatService</name>
    <message>
        <source>&quot;%1&quot; is not an IP address.</source>
        <translation>&quot;%1&quot; 不是 IP 地址。</translation>
    </message>
    <message>
        <source>This conversation has no address to save.</source>
        <translation>此对话没有可保存的地址。</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>There is no address to send this conversation&apos;s messages to.</source>
        <translation>此对话没有可发送消息的地址。</translation>
    </message>
</context>
<context>
    <name>Tincan::ChatSettingsDialog</name>
    <message>
        <source>Chat Settings</source>
        <translation>聊天设置</translation>
    </message>
    <message>
        <source>Shown to other Tincans with your messages. Classic chat programs see only your address.</source>
        <translation>随你的消息一起显示给其他 Tincan。经典聊天程序只能看到你的地址。</translation>
    </message>
    <message>
        <source>Other Tincans recognise you by this id, whatever your address.</source>
        <translation>无论你的地址是什么，其他 Tincan 都通过此 ID 识别你。</translation>
    </message>
    <message>
        <source>Display &amp;name:</source>
        <translation>显示名称(&amp;N)：</translation>
    </message>
    <message>
        <source>UDP &amp;port:</source>
        <translation>UDP 端口(&amp;P)：</translation>
    </message>
    <message>
        <source>Your &amp;id:</source>
        <translation>你的 ID(&amp;I)：</translation>
    </message>
    <message>
        <source>The chat moves to a new port as soon as you press OK.</source>
        <translation>按下“确定”后，聊天将立即改用新端口。</translation>
    </message>
    <message>
        <source>Listening on port %1 now. The chat moves to a new port as soon as you press OK.</source>
        <translation>当前正在端口 %1 上监听。按下“确定”后，聊天将立即改用新端口。</translation>
    </message>
    <message>
        <source>People on the LAN</source>
        <translation>局域网上的人</translation>
    </message>
    <message>
        <source>&amp;Find peers on the LAN (Tincan and IP Messenger)</source>
        <translation>在局域网上查找对端（Tincan 和 IP Messenger）(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Announce this computer, so that others find it</source>
        <translation>通告本机，让别人能找到(&amp;A)</translation>
    </message>
    <message>
        <source>every interface</source>
        <translation>所有接口</translation>
    </message>
    <message>
        <source>Interfaces here: %1</source>
        <translation>本机接口：%1</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Announce &amp;only on:</source>
        <translation>只在这些接口通告(&amp;O)：</translation>
    </message>
    <message>
        <source>Names, with commas; empty: every interface.</source>
        <translation>接口名，用逗号分隔；留空：所有接口。</translation>
    </message>
    <message>
        <source>E&amp;xtra addresses:</source>
        <translation>额外地址(&amp;X)：</translation>
    </message>
    <message>
        <source>Routed networks&apos; broadcast or host addresses.</source>
        <translation>路由网络的广播地址或主机地址。</translation>
    </message>
    <message>
        <source>&amp;IP Messenger port:</source>
        <translation>IP Messenger 端口(&amp;I)：</translation>
    </message>
    <message>
        <source>&amp;Group:</source>
        <translation>分组(&amp;G)：</translation>
    </message>
    <message>
        <source>The group IP Messenger lists you under.</source>
        <translation>IP Messenger 把你列在哪个分组下。</translation>
    </message>
    <message>
        <source>“%1” under Extra addresses is not an IP address.</source>
        <translation>额外地址中的“%1”不是 IP 地址。</translation>
    </message>
    <message>
        <source>This computer has no network interface called “%1”.</source>
        <translation>本机没有名为“%1”的网络接口。</translation>
    </message>
    <message>
        <source>Port Not Changed</source>
        <translation>端口未更改</translation>
    </message>
</context>
<context>
    <name>Tincan::ChatWidget</name>
    <message>
        <source>&amp;Add Contact…</source>
        <translation>添加联系人(&amp;A)…</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Add a contact: a name for an address to chat with</source>
        <translation>添加联系人：为要聊天的地址起一个名称</translation>
    </message>
    <message>
        <source>&amp;Edit Contact…</source>
        <translation>编辑联系人(&amp;E)…</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>&amp;Remove Contact…</source>
        <translation>删除联系人(&amp;R)…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>&amp;Save as Contact…</source>
        <translation>保存为联系人(&amp;S)…</translation>
    </message>
    <message>
        <source>Save as Contact</source>
        <translation>保存为联系人</translation>
    </message>
    <message>
        <source>Keep this address in your contacts, under a name</source>
        <translation>以一个名称将此地址保存到联系人中</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Hide this message</source>
        <translation>隐藏此消息</translation>
    </message>
    <message>
        <source>Choose a conversation on the left, or add a contact to start one.

Enter sends a message; Shift+Enter starts a new line.</source>
        <translation>在左侧选择一个对话，或添加联系人以开始新对话。

按 Enter 发送消息；按 Shift+Enter 换行。</translation>
    </message>
    <message>
        <source>Write a message. Enter sends; Shift+Enter starts a new line.</source>
        <translation>输入消息。按 Enter 发送；按 Shift+Enter 换行。</translation>
    </message>
    <message>
        <source>Send the message (Enter)</source>
        <translation>发送消息（Enter）</translation>
    </message>
    <message>
        <source>no address</source>
        <translation>无地址</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Not in your contacts</source>
        <translation>不在联系人中</translation>
    </message>
    <message>
        <source>%1 · not in your contacts</source>
        <translation>%1 · 不在联系人中</translation>
    </message>
    <message>
        <source>This message is %L1 bytes long; at most %L2 bytes fit in one message. Shorten it to send it.</source>
        <translation>此消息长 %L1 字节；一条消息最多只能容纳 %L2 字节。请缩短后再发送。</translation>
    </message>
    <message>
        <source>This message can no longer be sent again.</source>
        <translation>此消息已无法再次发送。</translation>
    </message>
    <message>
        <source>Contact Not Added</source>
        <translation>未添加联系人</translation>
    </message>
    <message>
        <source>Edit Contact</source>
        <translation>编辑联系人</translation>
    </message>
    <message>
        <source>Contact Not Saved</source>
        <translation>未保存联系人</translation>
    </message>
    <message>
        <source>Remove Contact</source>
        <translation>删除联系人</translation>
    </message>
    <message>
        <source>Remove “%1” from your contacts?</source>
        <translation>要从联系人中删除“%1”吗？</translation>
    </message>
    <message>
        <source>The messages are kept, under the address %1.</source>
        <translation>消息会保留在地址 %1 下。</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>删除(&amp;R)</translation>
    </message>
    <message>
        <source>Contact Not Removed</source>
        <translation>未删除联系人</translation>
    </message>
    <message>
        <source>&amp;Copy Text</source>
        <translation>复制文本(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>重试(&amp;R)</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>设置(&amp;T)…</translation>
    </message>
    <message>
        <source>S&amp;end</source>
        <translation>发送(&amp;E)</translation>
    </message>
    <message>
        <source>Cha&amp;ts</source>
        <translation>会话(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;People</source>
        <translation>联系人(&amp;P)</translation>
    </message>
</context>
<context>
    <name>Tincan::ClientLogin</name>
    <message>
        <source>The server at %1:%2 requires a password.</source>
        <translation>%1:%2 上的服务器需要密码。</translation>
    </message>
    <message>
        <source>%1:%2 sent a login challenge this client cannot answer (an unknown mechanism, a malformed nonce or salt, or an iteration count outside %3 to %4).</source>
        <translation>%1:%2 发送了此客户端无法应答的登录质询（未知的机制、格式错误的 nonce 或盐，或者迭代次数不在 %3 到 %4 的范围内）。</translation>
    </message>
    <message>
        <source>%1:%2 accepted the login without proving that it knows the password; it may not be the server you meant. Disconnected.</source>
        <translation>%1:%2 接受了登录，但没有证明它知道密码；它可能不是你要连接的服务器。已断开连接。</translation>
    </message>
    <message>
        <source>Wrong password for %1:%2. The server answers the next login from this address in %3 s.</source>
        <translation>%1:%2 的密码错误。服务器将在 %3 秒后应答来自此地址的下一次登录。</translation>
    </message>
    <message>
        <source>The server refused the login: %1</source>
        <translation>服务器拒绝了登录：%1</translation>
    </message>
    <message>
        <source>Too many failed logins from this address: %1:%2 will answer again in %3 s.</source>
        <translation>来自此地址的登录失败次数过多：%1:%2 将在 %3 秒后再次应答。</translation>
    </message>
    <message>
        <source>%1:%2 accepts clients on other machines only over TLS: connect with TLS on (--tls on). The server said: %3</source>
        <translation>%1:%2 只接受其他机器上的客户端通过 TLS 连接：请启用 TLS 进行连接（--tls on）。服务器消息：%3</translation>
    </message>
    <message>
        <source>The server refused the connection: %1</source>
        <translation>服务器拒绝了连接：%1</translation>
    </message>
</context>
<context>
    <name>Tincan::ClientTableModel</name>
    <message>
        <source>(disconnected)</source>
        <translation>（已断开）</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>连接时间</translation>
    </message>
    <message>
        <source>Bytes in</source>
        <translation>入站字节</translation>
    </message>
    <message>
        <source>Bytes out</source>
        <translation>出站字节</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>命令</translation>
    </message>
</context>
<context>
    <name>Tincan::ConnectDialog</name>
    <message>
        <source>New Console Session</source>
        <translation>新建控制台会话</translation>
    </message>
    <message>
        <source>Tincan</source>
        <translation>Tincan</translation>
    </message>
    <message>
        <source>Classic</source>
        <translation>经典</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>连接(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>主机(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <source>P&amp;rotocol:</source>
        <translation>协议(&amp;R)：</translation>
    </message>
    <message>
        <source>Enter the host name or IP address of the console server.</source>
        <translation>请输入控制台服务器的主机名或 IP 地址。</translation>
    </message>
    <message>
        <source>Enter the port in the Port field, not after the host.</source>
        <translation>请在“端口”字段中输入端口，不要写在主机后面。</translation>
    </message>
    <message>
        <source>“%1” is not a valid host name or IP address.</source>
        <translation>“%1”不是有效的主机名或 IP 地址。</translation>
    </message>
    <message>
        <source>The socket tutorial&apos;s protocol: one command at a time, and cancelling closes the connection.</source>
        <translation>套接字教程的协议：一次只能运行一条命令，取消命令会关闭连接。</translation>
    </message>
    <message>
        <source>Runs several commands at once, streams their output and can cancel them.</source>
        <translation>可同时运行多条命令，实时显示其输出，并可取消命令。</translation>
    </message>
    <message>
        <source>only if the server has one</source>
        <translation>仅当服务器设有密码时</translation>
    </message>
    <message>
        <source>Proved to the server by challenge-response; it never crosses the network and is not remembered.</source>
        <translation>通过质询-响应向服务器证明；密码绝不会在网络上传输，也不会被记住。</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>密码(&amp;W)：</translation>
    </message>
    <message>
        <source>Automatic: TLS except to this computer</source>
        <translation>自动：除本机外使用 TLS</translation>
    </message>
    <message>
        <source>Always TLS</source>
        <translation>始终使用 TLS</translation>
    </message>
    <message>
        <source>None (plaintext)</source>
        <translation>不加密（明文）</translation>
    </message>
    <message>
        <source>A server with a password requires TLS from other computers. The first TLS connection shows the server&apos;s fingerprint for you to check; later ones must match it.</source>
        <translation>设置了密码的服务器要求其他计算机使用 TLS。首次 TLS 连接会显示服务器的指纹供你核对；之后的连接必须与之相符。</translation>
    </message>
    <message>
        <source>&amp;Encryption:</source>
        <translation>加密(&amp;E)：</translation>
    </message>
</context>
<context>
    <name>Tincan::ConsoleClient</name>
    <message>
        <source>Could not connect to %1:%2 within %3 seconds.</source>
        <translation>无法在 %3 秒内连接到 %1:%2。</translation>
    </message>
    <message>
        <source>%1:%2 accepted the connection but did not answer as a Tincan console server. If it is a classic server, connect in classic mode.</source>
        <translation>%1:%2 接受了连接，但没有像 Tincan 控制台服务器那样应答。如果它是经典服务器，请以经典模式连接。</translation>
    </message>
    <message>
        <source>The connection was replaced before the command finished.</source>
        <translation>命令完成前连接已被替换。</translation>
    </message>
    <message>
        <source>A classic server reads at most %1 bytes per command.</source>
        <translation>经典服务器每条命令最多读取 %1 字节。</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message>
        <source>Cancelled before it was sent.</source>
        <translation>在发送前已取消。</translation>
    </message>
    <message>
        <source>The server sent something that is not a valid reply: %1</source>
        <translation>服务器发送的内容不是有效的回复：%1</translation>
    </message>
    <message>
        <source>The server sent a reply nobody asked for.</source>
        <translation>服务器发送了一个无对应请求的回复。</translation>
    </message>
    <message>
        <source>The server refused the connection: %1</source>
        <translation>服务器拒绝了连接：%1</translation>
    </message>
    <message>
        <source>The server answered with &quot;%1&quot; instead of a welcome.</source>
        <translation>服务器回复了 &quot;%1&quot;，而不是欢迎消息。</translation>
    </message>
    <message>
        <source>Server error: %1</source>
        <translation>服务器错误：%1</translation>
    </message>
    <message>
        <source>Connection to %1:%2 was refused. Is a console server running there?</source>
        <translation>到 %1:%2 的连接被拒绝。那里是否正在运行控制台服务器？</translation>
    </message>
    <message>
        <source>The server at %1:%2 closed the connection.</source>
        <translation>%1:%2 上的服务器关闭了连接。</translation>
    </message>
    <message>
        <source>The host %1 was not found.</source>
        <translation>找不到主机 %1。</translation>
    </message>
    <message>
        <source>The connection to %1:%2 timed out.</source>
        <translation>到 %1:%2 的连接超时。</translation>
    </message>
    <message>
        <source>The network connection to %1:%2 failed: %3</source>
        <translation>到 %1:%2 的网络连接失败：%3</translation>
    </message>
    <message>
        <source>Connection to %1:%2 failed: %3</source>
        <translation>到 %1:%2 的连接失败：%3</translation>
    </message>
    <message>
        <source>The connection was closed before the command finished.</source>
        <translation>命令完成前连接已关闭。</translation>
    </message>
    <message>
        <source>The connection was lost: %1</source>
        <translation>连接已断开：%1</translation>
    </message>
    <message>
        <source>The TLS handshake with %1:%2 did not finish within %3 seconds.</source>
        <translation>与 %1:%2 的 TLS 握手未能在 %3 秒内完成。</translation>
    </message>
    <message>
        <source>Cannot check the identity of %1:%2: %3</source>
        <translation>无法验证 %1:%2 的身份：%3</translation>
    </message>
    <message>
        <source>The authenticity of server %1:%2 can&apos;t be established: nothing is pinned for it. Its fingerprint is %3.</source>
        <translation>无法确认服务器 %1:%2 的真实性：尚未为其固定任何指纹。其指纹为 %3。</translation>
    </message>
    <message>
        <source>The identity of server %1:%2 has changed: %3 is pinned, but the server presented %4. Someone may be intercepting the connection, or the server&apos;s identity was replaced.</source>
        <translation>服务器 %1:%2 的身份已更改：固定的指纹为 %3，但服务器出示的是 %4。可能有人正在拦截连接，或者服务器的身份已被替换。</translation>
    </message>
    <message>
        <source>The TLS connection to %1:%2 was refused: %3</source>
        <translation>到 %1:%2 的 TLS 连接被拒绝：%3</translation>
    </message>
    <message>
        <source>The TLS handshake with %1:%2 failed: %3. Is it a Tincan console server with TLS on?</source>
        <translation>与 %1:%2 的 TLS 握手失败：%3。它是否为启用了 TLS 的 Tincan 控制台服务器？</translation>
    </message>
    <message>
        <source>The connection was replaced before the transfer ended.</source>
        <translation>传输结束前连接已被替换。</translation>
    </message>
    <message>
        <source>The connection was closed before the transfer ended.</source>
        <translation>传输结束前连接已关闭。</translation>
    </message>
    <message>
        <source>A classic server cannot transfer files; connect with the Tincan protocol.</source>
        <translation>经典服务器不能传输文件；请使用 Tincan 协议连接。</translation>
    </message>
</context>
<context>
    <name>Tincan::ConsoleConnection</name>
    <message>
        <source>A message has no &quot;type&quot;.</source>
        <translation>消息缺少 &quot;type&quot;。</translation>
    </message>
    <message>
        <source>Unknown message type &quot;%1&quot;.</source>
        <translation>未知的消息类型 &quot;%1&quot;。</translation>
    </message>
    <message>
        <source>The server is shutting down.</source>
        <translation>服务器正在关闭。</translation>
    </message>
    <message>
        <source>Idle for %1: the connection is closed.</source>
        <translation>已空闲 %1：连接已关闭。</translation>
    </message>
    <message>
        <source>An upload needs a &quot;filename&quot; string, a &quot;file_size&quot; of 0 to 2^53 bytes, an &quot;md5&quot; of 32 hex digits and, optionally, a boolean &quot;overwrite&quot;.</source>
        <translation>上传需要字符串 &quot;filename&quot;、0 到 2^53 字节的 &quot;file_size&quot;、32 位十六进制的 &quot;md5&quot;，以及可选的布尔值 &quot;overwrite&quot;。</translation>
    </message>
    <message>
        <source>%1 is being received already; one transfer at a time may write a file.</source>
        <translation>%1 已在接收中；同一时间只能有一个传输写入一个文件。</translation>
    </message>
    <message>
        <source>A download needs a &quot;filename&quot; string.</source>
        <translation>下载需要字符串 &quot;filename&quot;。</translation>
    </message>
    <message>
        <source>The connection closed before the transfer ended.</source>
        <translation>传输结束前连接已关闭。</translation>
    </message>
</context>
<context>
    <name>Tincan::ConsoleLogin</name>
    <message>
        <source>This server requires TLS from clients on other machines, and %1 connected in plaintext.</source>
        <translation>此服务器要求其他机器上的客户端使用 TLS，而 %1 以明文方式连接。</translation>
    </message>
    <message>
        <source>A TLS client connected, but TLS is off on this server.</source>
        <translation>有 TLS 客户端连接，但此服务器未启用 TLS。</translation>
    </message>
    <message>
        <source>The first message must be &quot;hello&quot;, not &quot;%1&quot;.</source>
        <translation>第一条消息必须是 &quot;hello&quot;，而不是 &quot;%1&quot;。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; before logging in: the server has a password, and the only message it accepts now is &quot;auth&quot;.</source>
        <translation>登录前收到 &quot;%1&quot;：服务器设有密码，目前只接受 &quot;auth&quot; 消息。</translation>
    </message>
    <message>
        <source>No hello message arrived within %1.</source>
        <translation>在 %1 内未收到 hello 消息。</translation>
    </message>
    <message>
        <source>The login did not finish within %1.</source>
        <translation>登录未能在 %1 内完成。</translation>
    </message>
    <message>
        <source>The hello message has no valid &quot;version&quot;.</source>
        <translation>hello 消息没有有效的 &quot;version&quot;。</translation>
    </message>
    <message>
        <source>Protocol version %1 is not supported; this server speaks version %2.</source>
        <translation>不支持协议版本 %1；此服务器使用版本 %2。</translation>
    </message>
    <message>
        <source>The auth message names an unknown mechanism; this server speaks &quot;%1&quot;.</source>
        <translation>auth 消息指定了未知的机制；此服务器使用 &quot;%1&quot;。</translation>
    </message>
    <message>
        <source>The auth message needs a &quot;nonce&quot; of %1 bytes and a &quot;proof&quot; of %2 bytes, in base64.</source>
        <translation>auth 消息需要 %1 字节的 &quot;nonce&quot; 和 %2 字节的 &quot;proof&quot;，均以 base64 编码。</translation>
    </message>
    <message>
        <source>Wrong password. The next login from %1 is answered in %2.</source>
        <translation>密码错误。来自 %1 的下一次登录将在 %2 后得到应答。</translation>
    </message>
    <message>
        <source>wrong password</source>
        <translation>密码错误</translation>
    </message>
    <message>
        <source>Too many failed logins from %1: try again in %2.</source>
        <translation>来自 %1 的登录失败次数过多：请在 %2 后重试。</translation>
    </message>
    <message>
        <source>A classic client from %1 was refused: classic clients cannot log in, so they are served only from this machine (or with --insecure).</source>
        <translation>已拒绝来自 %1 的经典客户端：经典客户端无法登录，因此只为来自本机的经典客户端提供服务（或使用 --insecure）。</translation>
    </message>
    <message>
        <source>A classic client from %1 was refused: classic clients are turned off.</source>
        <translation>已拒绝来自 %1 的经典客户端：经典客户端已被禁用。</translation>
    </message>
</context>
<context>
    <name>Tincan::ConsolePasswordDialog</name>
    <message>
        <source>Console Password</source>
        <translation>控制台密码</translation>
    </message>
    <message>
        <source>Clients must log in with this password before they run anything. With a password the console may listen on an address other machines can reach. Only a salted hash of it is kept.</source>
        <translation>客户端必须先使用此密码登录，才能运行任何命令。设置密码后，控制台可以在其他机器能访问的地址上监听。只会保存密码的加盐哈希。</translation>
    </message>
    <message>
        <source>&amp;New password:</source>
        <translation>新密码(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Confirm:</source>
        <translation>确认(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Remove Password</source>
        <translation>删除密码(&amp;R)</translation>
    </message>
    <message>
        <source>Type the password twice.</source>
        <translation>请输入密码两次。</translation>
    </message>
    <message>
        <source>The password is longer than %1 bytes.</source>
        <translation>密码超过 %1 字节。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>Hashing the password…</source>
        <translation>正在对密码进行哈希…</translation>
    </message>
    <message>
        <source>The password could not be hashed.</source>
        <translation>无法对密码进行哈希。</translation>
    </message>
    <message>
        <source>it can be read by other users (mode %1)</source>
        <translation>其他用户可以读取它（权限模式 %1）</translation>
    </message>
    <message>
        <source>%1 could not be removed.</source>
        <translation>无法删除 %1。</translation>
    </message>
</context>
<context>
    <name>Tincan::ConsoleServer</name>
    <message>
        <source>Cannot listen on %1 port %2: the port is already in use.</source>
        <translation>无法在 %1 的端口 %2 上监听：该端口已被占用。</translation>
    </message>
    <message>
        <source>Cannot listen on %1 port %2: %3</source>
        <translation>无法在 %1 的端口 %2 上监听：%3</translation>
    </message>
    <message>
        <source>Invalid console options: connection limits and the login grace time must be positive, and the longest penalty at least the first.</source>
        <translation>无效的控制台选项：连接数上限和登录宽限时间必须为正数，且最长等待时间不得小于首次等待时间。</translation>
    </message>
    <message>
        <source>Refusing to listen on %1: the console runs shell commands for anyone who connects. Set a password (--password-file), listen on 127.0.0.1, or pass --insecure to accept the risk on a network you trust.</source>
        <translation>拒绝在 %1 上监听：控制台会为任何连接者运行 shell 命令。请设置密码（--password-file）、改为在 127.0.0.1 上监听，或在你信任的网络中使用 --insecure 以接受此风险。</translation>
    </message>
    <message>
        <source>Cannot start TLS, which this server requires for clients on other machines: %1</source>
        <translation>无法启动 TLS（此服务器要求其他机器上的客户端使用 TLS）：%1</translation>
    </message>
    <message>
        <source>TLS is off: %1</source>
        <translation>TLS 已关闭：%1</translation>
    </message>
    <message>
        <source>Made a new TLS identity in %1.</source>
        <translation>已在 %1 中生成新的 TLS 身份。</translation>
    </message>
    <message>
        <source>the server is shutting down</source>
        <translation>服务器正在关闭</translation>
    </message>
    <message>
        <source>too many connections (at most %1 at once)</source>
        <translation>连接过多（同时最多 %1 个）</translation>
    </message>
    <message>
        <source>too many connections from %1 (at most %2 at once)</source>
        <translation>来自 %1 的连接过多（同时最多 %2 个）</translation>
    </message>
    <message>
        <source>The TLS handshake did not finish within %1.</source>
        <translation>TLS 握手未能在 %1 内完成。</translation>
    </message>
    <message>
        <source>The TLS handshake failed: %1</source>
        <translation>TLS 握手失败：%1</translation>
    </message>
    <message>
        <source>Unknown output encoding &quot;%1&quot;: give a name such as UTF-8, GBK, GB18030, Big5 or ISO-8859-1.</source>
        <translation>未知的输出编码“%1”：请给出 UTF-8、GBK、GB18030、Big5 或 ISO-8859-1 之类的名称。</translation>
    </message>
</context>
<context>
    <name>Tincan::ConsoleSessionWidget</name>
    <message>
        <source>&amp;Reconnect</source>
        <translation>重新连接(&amp;R)</translation>
    </message>
    <message>
        <source>Type a command and press Enter</source>
        <translation>输入命令并按 Enter</translation>
    </message>
    <message>
        <source>&amp;Encoding</source>
        <translation>编码(&amp;E)</translation>
    </message>
    <message>
        <source>Server’s (%1)</source>
        <translation>服务器编码（%1）</translation>
    </message>
    <message>
        <source>&amp;Download…</source>
        <translation>下载(&amp;D)…</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>File on the server (relative to %1):</source>
        <translation>服务器上的文件（相对于 %1）：</translation>
    </message>
    <message>
        <source>Save As</source>
        <translation>另存为</translation>
    </message>
</context>
<context>
    <name>Tincan::ConsoleSettingsDialog</name>
    <message>
        <source>Serve classic clients (they cannot log in: this machine only, unless insecure)</source>
        <translation>服务经典客户端（它们无法登录：仅限本机，除非设为不安全）</translation>
    </message>
    <message>
        <source>File transfers may name any path (absolute, .. out of the session&apos;s directory, links out of it)</source>
        <translation>文件传输可使用任意路径（绝对路径、跳出会话目录的 ..、指向目录外的链接）</translation>
    </message>
    <message>
        <source>Console Settings</source>
        <translation>控制台设置</translation>
    </message>
    <message>
        <source>Auto: on when a password is set</source>
        <translation>自动：设置了密码时开启</translation>
    </message>
    <message>
        <source>On: clients on other machines must use TLS</source>
        <translation>开启：其他机器上的客户端必须使用 TLS</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>TLS:</source>
        <translation>TLS：</translation>
    </message>
    <message>
        <source>Where the console&apos;s TLS key and certificate are kept, made on first use.</source>
        <translation>控制台 TLS 密钥和证书的存放位置，首次使用时生成。</translation>
    </message>
    <message>
        <source>TLS directory:</source>
        <translation>TLS 目录：</translation>
    </message>
    <message>
        <source> bytes</source>
        <translation> 字节</translation>
    </message>
    <message>
        <source>The largest classic reply; a longer one is truncated with a notice.</source>
        <translation>经典回复的最大长度；更长的会被截断并附上说明。</translation>
    </message>
    <message>
        <source>Classic reply cap:</source>
        <translation>经典回复上限：</translation>
    </message>
    <message>
        <source>Connections at once:</source>
        <translation>同时连接数：</translation>
    </message>
    <message>
        <source>Connections from one address:</source>
        <translation>同一地址的连接数：</translation>
    </message>
    <message>
        <source>Login grace time:</source>
        <translation>登录宽限时间：</translation>
    </message>
    <message>
        <source>Wait after a failed login:</source>
        <translation>登录失败后等待：</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Each further failure from the same address doubles it, up to the longest wait.</source>
        <translation>同一地址每再失败一次，等待时间加倍，直至最长等待。</translation>
    </message>
    <message>
        <source>Longest wait:</source>
        <translation>最长等待：</translation>
    </message>
    <message>
        <source>Idle timeout:</source>
        <translation>空闲超时：</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>This machine&apos;s (%1)</source>
        <translation>本机的（%1）</translation>
    </message>
    <message>
        <source>The encoding the console announces for command output. Output is sent as it is; clients decode it.</source>
        <translation>控制台为命令输出声明的编码。输出按原样发送，由客户端解码。</translation>
    </message>
    <message>
        <source>Output encoding:</source>
        <translation>输出编码：</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>“%1” is not an encoding this machine knows.</source>
        <translation>“%1”不是本机已知的编码。</translation>
    </message>
</context>
<context>
    <name>Tincan::ConsoleTranscript</name>
    <message>
        <source>Transferred %1: MD5 %2 verified.</source>
        <translation>已传输 %1：MD5 %2 已校验。</translation>
    </message>
    <message>
        <source>Transfer of %1 failed: %2</source>
        <translation>%1 的传输失败：%2</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接到 %1…</translation>
    </message>
    <message>
        <source>Connected to %1 (classic protocol)</source>
        <translation>已连接到 %1（经典协议）</translation>
    </message>
    <message>
        <source>Connected to %1 (%2)</source>
        <translation>已连接到 %1（%2）</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Disconnected: %1</source>
        <translation>已断开连接：%1</translation>
    </message>
    <message>
        <source>Disconnected from %1.</source>
        <translation>已与 %1 断开连接。</translation>
    </message>
    <message>
        <source>Disconnected from %1: %2</source>
        <translation>已与 %1 断开连接：%2</translation>
    </message>
    <message>
        <source>^C (cancelling “%1”)</source>
        <translation>^C（正在取消“%1”）</translation>
    </message>
    <message>
        <source>A classic server cannot cancel a command: the connection is closed and opened again.</source>
        <translation>经典服务器无法取消命令：将关闭连接并重新打开。</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>[killed by signal %1 · %2]</source>
        <translation>[被信号 %1 终止 · %2]</translation>
    </message>
    <message>
        <source>[killed by signal %1 (%2) · %3]</source>
        <translation>[被信号 %1（%2）终止 · %3]</translation>
    </message>
    <message>
        <source>[exit status unknown · classic server]</source>
        <translation>[退出状态未知 · 经典服务器]</translation>
    </message>
    <message>
        <source>[exit %1 · %2]</source>
        <translation>[退出状态 %1 · %2]</translation>
    </message>
    <message>
        <source>[cancelled · %1]</source>
        <translation>[已取消 · %1]</translation>
    </message>
    <message>
        <source>Uploading %1 to %2…</source>
        <translation>正在上传 %1 到 %2…</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 到 %2</translation>
    </message>
    <message>
        <source>Downloading %1 to %2…</source>
        <translation>正在下载 %1 到 %2…</translation>
    </message>
</context>
<context>
    <name>Tincan::ContactDialog</name>
    <message>
        <source>New Contact</source>
        <translation>新建联系人</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>主机(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <source>P&amp;rotocol:</source>
        <translation>协议(&amp;R)：</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Tincan</source>
        <translation>Tincan</translation>
    </message>
    <message>
        <source>Classic</source>
        <translation>经典</translation>
    </message>
    <message>
        <source>For another Tincan: each message is resent until the peer confirms it, and shows when it was delivered.</source>
        <translation>用于另一个 Tincan：每条消息都会重发，直到对端确认，并显示送达时间。</translation>
    </message>
    <message>
        <source>For the socket tutorial&apos;s chat programs: each message is one datagram of plain UTF-8 text, and nothing else is ever sent. Delivery cannot be confirmed.</source>
        <translation>用于套接字教程中的聊天程序：每条消息都是一个纯 UTF-8 文本数据报，不会发送任何其他内容。无法确认是否送达。</translation>
    </message>
    <message>
        <source>Enter a name for the contact.</source>
        <translation>请输入联系人的名称。</translation>
    </message>
    <message>
        <source>Enter the contact&apos;s IP address, such as 127.0.0.1 or 192.168.1.20.</source>
        <translation>请输入联系人的 IP 地址，例如 127.0.0.1 或 192.168.1.20。</translation>
    </message>
    <message>
        <source>“%1” is not an IP address; enter one such as 192.168.1.20, or localhost.</source>
        <translation>“%1”不是 IP 地址；请输入类似 192.168.1.20 的地址，或 localhost。</translation>
    </message>
    <message>
        <source>IP Messenger</source>
        <translation>IP Messenger</translation>
    </message>
    <message>
        <source>Plain text, as the classic chat programs expect, until the peer answers as a Tincan or as an IP Messenger; from then on that protocol&apos;s delivery.</source>
        <translation>先发纯文本（经典聊天程序所期望的格式），直到对端以 Tincan 或 IP Messenger 身份应答；此后使用该协议的投递方式。</translation>
    </message>
    <message>
        <source>For IP Messenger, FeiQ and iptux (UDP port 2425): each message is resent until the peer confirms it; needs IP Messenger on in the LAN settings.</source>
        <translation>用于 IP Messenger、飞秋和 iptux（UDP 端口 2425）：每条消息都会重发，直到对端确认；需要在局域网设置中打开 IP Messenger。</translation>
    </message>
</context>
<context>
    <name>Tincan::ConversationListDelegate</name>
    <message>
        <source>You: %1</source>
        <translation>你：%1</translation>
    </message>
    <message>
        <source>No messages yet</source>
        <translation>暂无消息</translation>
    </message>
</context>
<context>
    <name>Tincan::ConversationListModel</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
<context>
    <name>Tincan::ConversationModel</name>
    <message>
        <source>%1 %2</source>
        <comment>date and time</comment>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <source>Delivered ✓</source>
        <translation>已送达 ✓</translation>
    </message>
    <message>
        <source>Not delivered</source>
        <translation>未送达</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
</context>
<context>
    <name>Tincan::DialogPrompter</name>
    <message>
        <source>Console Password</source>
        <translation>控制台密码</translation>
    </message>
    <message>
        <source>The password for %1 was wrong. Try again:</source>
        <translation>%1 的密码错误。请重新输入：</translation>
    </message>
    <message>
        <source>%1 asks for its console password:</source>
        <translation>%1 要求输入其控制台密码：</translation>
    </message>
    <message>
        <source>Server Identity Changed</source>
        <translation>服务器身份已更改</translation>
    </message>
    <message>
        <source>Unknown Server</source>
        <translation>未知服务器</translation>
    </message>
    <message>
        <source>WARNING: the identity of %1 has changed!</source>
        <translation>警告：%1 的身份已更改！</translation>
    </message>
    <message>
        <source>Someone could be intercepting the connection (a machine-in-the-middle attack), or the server&apos;s key was replaced. The connection was refused.

Expected fingerprint:
%1

The server now presents:
%2

Check the new fingerprint with the server&apos;s owner (their server window shows it) before you trust it.</source>
        <translation>可能有人正在拦截此连接（中间人攻击），或者服务器的密钥已被替换。已拒绝此连接。

预期的指纹：
%1

服务器现在出示的指纹：
%2

信任新指纹之前，请先与服务器的所有者核对（对方的服务器窗口中会显示该指纹）。</translation>
    </message>
    <message>
        <source>Forget the Old Key and Trust the New One</source>
        <translation>删除旧密钥并信任新密钥</translation>
    </message>
    <message>
        <source>The authenticity of %1 cannot be established.</source>
        <translation>无法确认 %1 的真实性。</translation>
    </message>
    <message>
        <source>Its TLS fingerprint is:
%1

Compare it with the one the server&apos;s window or `tincan-cli serve` shows. Trust this server and remember it?</source>
        <translation>其 TLS 指纹为：
%1

请将其与服务器窗口或 `tincan-cli serve` 显示的指纹进行比较。要信任并记住此服务器吗？</translation>
    </message>
    <message>
        <source>Trust and Connect</source>
        <translation>信任并连接</translation>
    </message>
    <message>
        <source>Replace File?</source>
        <translation>替换文件？</translation>
    </message>
    <message>
        <source>%1 exists on the server. Replace it?</source>
        <translation>服务器上已有 %1。要替换它吗？</translation>
    </message>
    <message>
        <source>The server&apos;s fingerprint could not be remembered: %1</source>
        <translation>无法记住服务器的指纹：%1</translation>
    </message>
</context>
<context>
    <name>Tincan::DurationText</name>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
</context>
<context>
    <name>Tincan::EchoTcpServer</name>
    <message>
        <source>TCP port %1 on %2 is already in use.</source>
        <translation>%2 上的 TCP 端口 %1 已被占用。</translation>
    </message>
    <message>
        <source>Cannot listen on TCP port %1 on %2: %3</source>
        <translation>无法在 %2 的 TCP 端口 %1 上监听：%3</translation>
    </message>
</context>
<context>
    <name>Tincan::FileHasher</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Cannot read %1: it ended early (was it changed?).</source>
        <translation>无法读取 %1：文件提前结束（是否被修改过？）。</translation>
    </message>
</context>
<context>
    <name>Tincan::FindPeersDialog</name>
    <message>
        <source>Find Peers</source>
        <translation>查找对端</translation>
    </message>
    <message>
        <source>Asks every address from the first to the last (at most %L1) whether Tincan or IP Messenger runs there, a few at a time. For networks that announcements do not reach, behind a router.</source>
        <translation>逐个询问从起始到结束的每个地址（最多 %L1 个）上是否运行着 Tincan 或 IP Messenger，每次几个。用于通告到达不了的、路由器后面的网络。</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>从(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation>到(&amp;T)：</translation>
    </message>
    <message>
        <source>Finding peers is turned off in the chat&apos;s settings.</source>
        <translation>聊天设置中已关闭查找对端。</translation>
    </message>
    <message>
        <source>Enter two IPv4 addresses, such as 192.168.2.1 and 192.168.2.254.</source>
        <translation>请输入两个 IPv4 地址，例如 192.168.2.1 和 192.168.2.254。</translation>
    </message>
    <message>
        <source>Addresses asked: %L1. Whoever answers appears in the list.</source>
        <translation>已询问的地址：%L1。应答者会出现在列表中。</translation>
    </message>
    <message>
        <source>Addresses to ask: %L1…</source>
        <translation>要询问的地址：%L1…</translation>
    </message>
</context>
<context>
    <name>Tincan::FramedCommandRunner</name>
    <message>
        <source>An exec message needs an &quot;id&quot;: an integer or a string of 1 to %1 characters.</source>
        <translation>exec 消息需要一个 &quot;id&quot;：整数，或长度为 1 到 %1 个字符的字符串。</translation>
    </message>
    <message>
        <source>An exec message needs a non-empty &quot;command&quot; string.</source>
        <translation>exec 消息需要一个非空的 &quot;command&quot; 字符串。</translation>
    </message>
    <message>
        <source>The command is longer than the limit of %1 bytes.</source>
        <translation>命令长度超过了 %1 字节的上限。</translation>
    </message>
    <message>
        <source>A command with id %1 is already running.</source>
        <translation>ID 为 %1 的命令已在运行。</translation>
    </message>
    <message>
        <source>Too many commands at once: at most %1 may run on one connection.</source>
        <translation>同时运行的命令过多：每个连接最多可运行 %1 条命令。</translation>
    </message>
    <message>
        <source>tincan: the session&apos;s working directory %1 no longer exists or cannot be entered; the command was not run. Change directory with cd first.
</source>
        <translation>tincan: 会话的工作目录 %1 已不存在或无法进入；命令未运行。请先用 cd 切换目录。
</translation>
    </message>
    <message>
        <source>No command with id %1 is running.</source>
        <translation>没有正在运行的 ID 为 %1 的命令。</translation>
    </message>
</context>
<context>
    <name>Tincan::GuiMain</name>
    <message>
        <source>Language of the interface, such as zh_CN or en (default: the system&apos;s).</source>
        <translation>界面语言，例如 zh_CN 或 en（默认：系统语言）。</translation>
    </message>
    <message>
        <source>LANG</source>
        <translation>LANG</translation>
    </message>
    <message>
        <source>tincan: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). Start it inside a desktop session, or use tincan-cli for headless use.</source>
        <translation>tincan: 未找到图形显示（DISPLAY 和 WAYLAND_DISPLAY 均未设置）。请在桌面会话中启动它；在无图形界面的环境中请使用 tincan-cli。</translation>
    </message>
    <message>
        <source>Tincan</source>
        <translation>Tincan</translation>
    </message>
    <message>
        <source>Tincan: chat, serve and run shell commands over sockets.</source>
        <translation>Tincan：通过套接字聊天、提供服务和运行 shell 命令。</translation>
    </message>
    <message>
        <source>Open the server window at start.</source>
        <translation>启动时打开服务器窗口。</translation>
    </message>
    <message>
        <source>Broadcast nothing on the LAN this run: peers are only heard and answered directly.</source>
        <translation>本次运行不在局域网上广播：只收听对端并直接回答。</translation>
    </message>
    <message>
        <source>Announce only on these network interfaces this run.</source>
        <translation>本次运行只在这些网络接口上通告。</translation>
    </message>
    <message>
        <source>iface,...</source>
        <translation>接口,...</translation>
    </message>
</context>
<context>
    <name>Tincan::IpMsg::Endpoint</name>
    <message>
        <source>UDP port %1 on %2 is already in use (is another IP Messenger running?).</source>
        <translation>%2 上的 UDP 端口 %1 已被占用（是否有另一个 IP Messenger 在运行？）。</translation>
    </message>
    <message>
        <source>Cannot bind UDP port %1 on %2: %3</source>
        <translation>无法在 %2 上绑定 UDP 端口 %1：%3</translation>
    </message>
    <message>
        <source>The IP Messenger endpoint is not bound to a port.</source>
        <translation>IP Messenger 端点未绑定端口。</translation>
    </message>
    <message>
        <source>Could not send to %1: %2</source>
        <translation>无法发送到 %1：%2</translation>
    </message>
    <message>
        <source>Too many messages are waiting for an answer; try again later.</source>
        <translation>等待回复的消息过多，请稍后再试。</translation>
    </message>
    <message>
        <source>%1 did not confirm the message after %2 tries.</source>
        <translation>%1 在 %2 次尝试后仍未确认该消息。</translation>
    </message>
    <message>
        <source>The datagram is %1 bytes long; an IP Messenger packet has at most %2.</source>
        <translation>数据报长 %1 字节；IP Messenger 数据包最多 %2 字节。</translation>
    </message>
</context>
<context>
    <name>Tincan::IpMsgRoute</name>
    <message>
        <source>IP Messenger is off, or another program holds its port, so %1 cannot be reached. The message is kept and sent once IP Messenger runs and the peer is heard.</source>
        <translation>IP Messenger 已关闭，或者它的端口被其他程序占用，所以无法联系 %1。消息会保留，等 IP Messenger 运行并听到对端后再发送。</translation>
    </message>
</context>
<context>
    <name>Tincan::Lan::PeerDirectory</name>
    <message>
        <source>There is no usable network interface &quot;%1&quot;, so nothing is announced there.</source>
        <translation>没有可用的网络接口“%1”，所以不会在那里通告。</translation>
    </message>
    <message>
        <source>Tincan peers cannot be found: %1. Another program may hold UDP port %2.</source>
        <translation>无法查找 Tincan 对端：%1。可能有其他程序占用了 UDP 端口 %2。</translation>
    </message>
    <message>
        <source>IP Messenger&apos;s UDP port %1 is in use (%2), probably by another messenger on this computer, so IP Messenger, FeiQ and iptux users are not listed.</source>
        <translation>IP Messenger 的 UDP 端口 %1 已被占用（%2），可能是本机上的另一个即时通讯程序，所以不会列出 IP Messenger、飞秋和 iptux 用户。</translation>
    </message>
    <message>
        <source>A range to search must be given as two IPv4 addresses.</source>
        <translation>要搜索的范围必须用两个 IPv4 地址给出。</translation>
    </message>
    <message>
        <source>The range ends before it starts.</source>
        <translation>范围的结束地址在起始地址之前。</translation>
    </message>
    <message>
        <source>A search covers at most %1 addresses at a time.</source>
        <translation>一次搜索最多覆盖 %1 个地址。</translation>
    </message>
    <message>
        <source>Neither Tincan&apos;s presence nor IP Messenger is running, so no one can be asked.</source>
        <translation>Tincan 的在线通告和 IP Messenger 都没有运行，所以无法询问任何人。</translation>
    </message>
</context>
<context>
    <name>Tincan::LanDiagnosticsDialog</name>
    <message>
        <source>LAN Diagnostics</source>
        <translation>局域网诊断</translation>
    </message>
    <message>
        <source>Finding peers is turned off (Chat ▸ Settings…): nothing is announced or heard, and only saved contacts are listed.</source>
        <translation>查找对端已关闭（聊天 ▸ 设置…）：既不通告也不收听，只列出已保存的联系人。</translation>
    </message>
    <message>
        <source>Interfaces</source>
        <translation>接口</translation>
    </message>
    <message>
        <source>Announcing is off: this host is not announced anywhere, but it still hears announcements and answers them.</source>
        <translation>通告已关闭：本机不在任何地方通告，但仍收听通告并作答。</translation>
    </message>
    <message>
        <source>No interface is announced on.</source>
        <translation>没有在任何接口上通告。</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>接口</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Broadcast</source>
        <translation>广播</translation>
    </message>
    <message>
        <source>Announcements sent</source>
        <translation>已发送通告</translation>
    </message>
    <message>
        <source>Announcements heard</source>
        <translation>已收到通告</translation>
    </message>
    <message>
        <source>IP Messenger peers</source>
        <translation>IP Messenger 对端</translation>
    </message>
    <message>
        <source>Counters</source>
        <translation>计数</translation>
    </message>
    <message>
        <source>Tincan presence</source>
        <translation>Tincan 在线通告</translation>
    </message>
    <message>
        <source>UDP port %1</source>
        <translation>UDP 端口 %1</translation>
    </message>
    <message>
        <source>Sends that failed</source>
        <translation>发送失败</translation>
    </message>
    <message>
        <source>Datagrams refused</source>
        <translation>拒收的数据报</translation>
    </message>
    <message>
        <source>Answers sent</source>
        <translation>已发送应答</translation>
    </message>
    <message>
        <source>Answers held back</source>
        <translation>暂缓的应答</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>未运行</translation>
    </message>
    <message>
        <source>IP Messenger</source>
        <translation>IP Messenger</translation>
    </message>
    <message>
        <source>Peers heard</source>
        <translation>听到的对端</translation>
    </message>
    <message>
        <source>%1 (%2 here now)</source>
        <translation>%1（现在 %2 个在线）</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>None.</source>
        <translation>无。</translation>
    </message>
    <message>
        <source>Last errors, newest last:</source>
        <translation>最近的错误（最新的在最后）：</translation>
    </message>
    <message>
        <source>If someone does not appear</source>
        <translation>如果有人没有出现</translation>
    </message>
    <message>
        <source>A firewall on either machine must let these UDP ports through, in and out: %1 (Tincan presence), %2 (IP Messenger) and %3 (the chat&apos;s messages).</source>
        <translation>双方机器上的防火墙都必须放行这些 UDP 端口（进出两个方向）：%1（Tincan 在线通告）、%2（IP Messenger）和 %3（聊天消息）。</translation>
    </message>
    <message>
        <source>Announcements do not cross routers. For a peer on another network, add its network&apos;s broadcast address or its own address under Extra addresses in the chat&apos;s settings, or search its range with Find Peers….</source>
        <translation>通告不会穿过路由器。对于另一个网络上的对端，请在聊天设置的“额外地址”中加入它所在网络的广播地址或它自己的地址，或者用“查找对端…”搜索它的地址范围。</translation>
    </message>
</context>
<context>
    <name>Tincan::MainWindow</name>
    <message>
        <source>Tincan</source>
        <translation>Tincan</translation>
    </message>
    <message>
        <source>Console</source>
        <translation>控制台</translation>
    </message>
    <message>
        <source>No console sessions</source>
        <translation>没有控制台会话</translation>
    </message>
    <message>
        <source>Connect to a Tincan console server to run shell commands on it and watch their output as it arrives.</source>
        <translation>连接到 Tincan 控制台服务器，即可在其上运行 shell 命令，并实时查看输出。</translation>
    </message>
    <message>
        <source>New Console Session…</source>
        <translation>新建控制台会话…</translation>
    </message>
    <message>
        <source>&amp;New Console Session…</source>
        <translation>新建控制台会话(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Close Session</source>
        <translation>关闭会话(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Reconnect</source>
        <translation>重新连接(&amp;R)</translation>
    </message>
    <message>
        <source>C&amp;ancel Command</source>
        <translation>取消命令(&amp;A)</translation>
    </message>
    <message>
        <source>C&amp;opy</source>
        <translation>复制(&amp;O)</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>清除(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;About Tincan</source>
        <translation>关于 Tincan(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Session</source>
        <translation>会话(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>%1 (classic)</source>
        <translation>%1（经典）</translation>
    </message>
    <message>
        <source>%1 — Tincan</source>
        <translation>%1 — Tincan</translation>
    </message>
    <message>
        <source>%1 · 1 command running</source>
        <translation>%1 · 1 条命令正在运行</translation>
    </message>
    <message numerus="yes">
        <source>%1 · %n commands running</source>
        <translation>
            <numerusform>%1 · %n 条命令正在运行</numerusform>
        </translation>
    </message>
    <message>
        <source>No console session. Press %1 to open one.</source>
        <translation>没有控制台会话。按 %1 新建一个。</translation>
    </message>
    <message>
        <source>A command is still running in %1. Closing the session stops it.</source>
        <translation>%1 中仍有一条命令正在运行。关闭会话将停止该命令。</translation>
    </message>
    <message numerus="yes">
        <source>%n commands are still running in %1. Closing the session stops them.</source>
        <translation>
            <numerusform>%1 中仍有 %n 条命令正在运行。关闭会话将停止这些命令。</numerusform>
        </translation>
    </message>
    <message>
        <source>Close this session?</source>
        <translation>要关闭此会话吗？</translation>
    </message>
    <message>
        <source>Commands Still Running</source>
        <translation>命令仍在运行</translation>
    </message>
    <message>
        <source>A command is still running. Quitting stops it.</source>
        <translation>仍有一条命令正在运行。退出将停止该命令。</translation>
    </message>
    <message numerus="yes">
        <source>%n commands are still running. Quitting stops them.</source>
        <translation>
            <numerusform>仍有 %n 条命令正在运行。退出将停止这些命令。</numerusform>
        </translation>
    </message>
    <message>
        <source>Quit Tincan?</source>
        <translation>要退出 Tincan 吗？</translation>
    </message>
    <message>
        <source>About Tincan</source>
        <translation>关于 Tincan</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Tincan %1&lt;/h3&gt;&lt;p&gt;Chat, serve and run remote commands over sockets.&lt;/p&gt;&lt;p&gt;Built with Qt %2, running on Qt %3.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Tincan %1&lt;/h3&gt;&lt;p&gt;通过套接字聊天、提供服务和运行远程命令。&lt;/p&gt;&lt;p&gt;基于 Qt %2 构建，运行于 Qt %3。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>%1…</source>
        <translation>%1…</translation>
    </message>
    <message>
        <source>Message from %1</source>
        <translation>来自 %1 的消息</translation>
    </message>
    <message>
        <source>New message from %1: %2</source>
        <translation>来自 %1 的新消息：%2</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>聊天(&amp;C)</translation>
    </message>
    <message>
        <source>Chat (%1)</source>
        <translation>聊天（%1）</translation>
    </message>
    <message>
        <source>(%1) %2</source>
        <translation>(%1) %2</translation>
    </message>
    <message>
        <source>The chat history could not be opened: messages are not kept. The Chat tab says why.</source>
        <translation>无法打开聊天记录：消息不会被保留。原因请查看“聊天”标签页。</translation>
    </message>
    <message>
        <source>New &amp;Raw Session…</source>
        <translation>新建原始会话(&amp;R)…</translation>
    </message>
    <message>
        <source>A plain TCP or UDP session, like netcat, for echo servers and other unframed programs</source>
        <translation>普通的 TCP 或 UDP 会话（类似 netcat），用于回显服务器和其他不分帧的程序</translation>
    </message>
    <message>
        <source>Server &amp;Window</source>
        <translation>服务器窗口(&amp;W)</translation>
    </message>
    <message>
        <source>Run the console, echo and UDP command servers, and watch their clients</source>
        <translation>运行控制台、回显和 UDP 命令服务器，并查看其客户端</translation>
    </message>
    <message>
        <source>Se&amp;rver</source>
        <translation>服务器(&amp;R)</translation>
    </message>
    <message>
        <source>The chat history is turned off: messages are not kept.</source>
        <translation>聊天记录已关闭：消息不会被保留。</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>传输</translation>
    </message>
    <message>
        <source>&amp;Download File…</source>
        <translation>下载文件(&amp;D)…</translation>
    </message>
    <message>
        <source>Fetch a file from the server; drop files on a session to upload them</source>
        <translation>从服务器取回文件；把文件拖放到会话上即可上传</translation>
    </message>
</context>
<context>
    <name>Tincan::MessageDelegate</name>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
</context>
<context>
    <name>Tincan::PeerListDelegate</name>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
</context>
<context>
    <name>Tincan::PeerListModel</name>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>%1
%2
%3, %4</source>
        <translation>%1
%2
%3，%4</translation>
    </message>
    <message>
        <source>Tincan</source>
        <translation>Tincan</translation>
    </message>
    <message>
        <source>IP Messenger</source>
        <translation>IP Messenger</translation>
    </message>
    <message>
        <source>classic</source>
        <translation>经典</translation>
    </message>
    <message>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>away</source>
        <translation>离开</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>not heard</source>
        <translation>未听到</translation>
    </message>
</context>
<context>
    <name>Tincan::PeerListPane</name>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Ask everyone on the LAN again who is there</source>
        <translation>重新询问局域网上有谁在</translation>
    </message>
    <message>
        <source>&amp;Find Peers…</source>
        <translation>查找对端(&amp;F)…</translation>
    </message>
    <message>
        <source>Find…</source>
        <translation>查找…</translation>
    </message>
    <message>
        <source>Ask a range of addresses, for networks that announcements do not reach</source>
        <translation>询问一段地址范围，用于通告到达不了的网络</translation>
    </message>
    <message>
        <source>LAN &amp;Diagnostics…</source>
        <translation>局域网诊断(&amp;D)…</translation>
    </message>
    <message>
        <source>Diagnostics…</source>
        <translation>诊断…</translation>
    </message>
    <message>
        <source>What is announced and heard on each interface, and why someone may be missing</source>
        <translation>每个接口上通告和收听到的内容，以及为什么可能缺了某人</translation>
    </message>
    <message>
        <source>&amp;Away</source>
        <translation>离开(&amp;A)</translation>
    </message>
    <message numerus="yes">
        <source>Tell everyone you are away. Tincan says so by itself after %n minutes without use, and no longer once you are back.</source>
        <translation>
            <numerusform>告诉大家你离开了。%n 分钟没有操作后 Tincan 会自动这样说，你回来后就不再这样说。</numerusform>
        </translation>
    </message>
    <message>
        <source>Finding peers is off (Settings…).</source>
        <translation>查找对端已关闭（设置…）。</translation>
    </message>
    <message>
        <source>No one heard on the LAN yet.</source>
        <translation>局域网上还没有听到任何人。</translation>
    </message>
    <message numerus="yes">
        <source>%n here now</source>
        <translation>
            <numerusform>现在 %n 个在线</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 · you are away</source>
        <translation>%1 · 你处于离开状态</translation>
    </message>
</context>
<context>
    <name>Tincan::Presence::Announcer</name>
    <message>
        <source>Presence cannot use UDP port %1: %2</source>
        <translation>在线状态无法使用 UDP 端口 %1：%2</translation>
    </message>
</context>
<context>
    <name>Tincan::RawConnectDialog</name>
    <message>
        <source>New Raw Session</source>
        <translation>新建原始会话</translation>
    </message>
    <message>
        <source>TCP</source>
        <translation>TCP</translation>
    </message>
    <message>
        <source>UDP</source>
        <translation>UDP</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>主机(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Transport:</source>
        <translation>传输协议(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>连接(&amp;C)</translation>
    </message>
    <message>
        <source>“%1” is not a valid host name or IP address.</source>
        <translation>“%1”不是有效的主机名或 IP 地址。</translation>
    </message>
</context>
<context>
    <name>Tincan::RawSession</name>
    <message>
        <source>Not connected.</source>
        <translation>未连接。</translation>
    </message>
    <message>
        <source>A datagram holds at most %1 bytes.</source>
        <translation>一个数据报最多只能容纳 %1 字节。</translation>
    </message>
</context>
<context>
    <name>Tincan::RawSessionWidget</name>
    <message>
        <source>Append newline</source>
        <translation>追加换行符</translation>
    </message>
    <message>
        <source>Reconnect</source>
        <translation>重新连接</translation>
    </message>
    <message>
        <source>Type text and press Enter to send it</source>
        <translation>输入文本并按 Enter 发送</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Hex</source>
        <translation>十六进制</translation>
    </message>
    <message>
        <source>How received bytes are shown</source>
        <translation>收到的字节的显示方式</translation>
    </message>
    <message>
        <source>Send a newline after each line, as netcat does. The tutorial&apos;s clients send none.</source>
        <translation>像 netcat 那样在每行后发送一个换行符。教程中的客户端不发送换行符。</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>已连接到 %1</translation>
    </message>
    <message>
        <source>Disconnected from %1</source>
        <translation>已与 %1 断开连接</translation>
    </message>
    <message>
        <source>Connecting to %1:%2…</source>
        <translation>正在连接到 %1:%2…</translation>
    </message>
</context>
<context>
    <name>Tincan::ServerHub</name>
    <message>
        <source>“%1” is not an IP address.</source>
        <translation>“%1”不是 IP 地址。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation>正在 %1 上监听</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>%1: killing its running commands</source>
        <translation>%1：正在终止其正在运行的命令</translation>
    </message>
    <message>
        <source>%1: disconnecting</source>
        <translation>%1：正在断开连接</translation>
    </message>
    <message>
        <source>The chat is not available in this window.</source>
        <translation>此窗口中没有可用的聊天。</translation>
    </message>
    <message>
        <source>Listening on %1 with TLS</source>
        <translation>正在 %1 上监听（TLS）</translation>
    </message>
</context>
<context>
    <name>Tincan::ServerPins</name>
    <message>
        <source>There is no fingerprint to pin.</source>
        <translation>没有可固定的指纹。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name or address that can be pinned.</source>
        <translation>“%1”不是可以固定的主机名或地址。</translation>
    </message>
</context>
<context>
    <name>Tincan::ServerWindow</name>
    <message>
        <source>Tincan Server</source>
        <translation>Tincan 服务器</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>Bind address</source>
        <translation>绑定地址</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>The local IP address to listen on (0.0.0.0 or :: for every interface).</source>
        <translation>要监听的本地 IP 地址（0.0.0.0 或 :: 表示所有网络接口）。</translation>
    </message>
    <message>
        <source>any free port</source>
        <translation>任意空闲端口</translation>
    </message>
    <message>
        <source>Insecure</source>
        <translation>不安全</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>启动</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>终止</translation>
    </message>
    <message>
        <source>Terminate the selected console client&apos;s running commands.</source>
        <translation>终止所选控制台客户端正在运行的命令。</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>Close the selected TCP client&apos;s connection.</source>
        <translation>关闭所选 TCP 客户端的连接。</translation>
    </message>
    <message>
        <source>Traffic</source>
        <translation>流量</translation>
    </message>
    <message>
        <source>Event log</source>
        <translation>事件日志</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the selected lines.</source>
        <translation>复制所选的行。</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Save the lines shown to a text file.</source>
        <translation>将显示的行保存到文本文件。</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Kill running commands</source>
        <translation>终止正在运行的命令</translation>
    </message>
    <message>
        <source>Select a client to see its traffic.</source>
        <translation>选择一个客户端以查看其流量。</translation>
    </message>
    <message>
        <source>%1 client %2:%3 (%4)</source>
        <translation>%1 客户端 %2:%3（%4）</translation>
    </message>
    <message>
        <source>protocol not known yet</source>
        <translation>协议尚未确定</translation>
    </message>
    <message>
        <source>No bytes yet.</source>
        <translation>尚无数据。</translation>
    </message>
    <message>
        <source>Traffic is captured only while this window is open.</source>
        <translation>仅在此窗口打开时捕获流量。</translation>
    </message>
    <message>
        <source>Save the event log</source>
        <translation>保存事件日志</translation>
    </message>
    <message>
        <source>Text files (*.txt *.log);;All files (*)</source>
        <translation>文本文件 (*.txt *.log);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The log could not be saved to %1: %2</source>
        <translation>无法将日志保存到 %1：%2</translation>
    </message>
    <message>
        <source>Not available: the chat runs in the main window.</source>
        <translation>不可用：聊天在主窗口中运行。</translation>
    </message>
    <message>
        <source>Allow an address other machines can reach with no password: anyone who reaches the port can run any command as you.</source>
        <translation>允许在无密码的情况下使用其他机器可以访问的地址：任何能访问该端口的人都能以你的身份运行任意命令。</translation>
    </message>
    <message>
        <source>Password…</source>
        <translation>密码…</translation>
    </message>
    <message>
        <source>The console password in %1 is not used: %2</source>
        <translation>未使用 %1 中的控制台密码：%2</translation>
    </message>
    <message>
        <source>Console Password</source>
        <translation>控制台密码</translation>
    </message>
    <message>
        <source>The password could not be saved: %1</source>
        <translation>无法保存密码：%1</translation>
    </message>
    <message>
        <source>Console: password removed; it applies from the next start</source>
        <translation>控制台：已删除密码；下次启动时生效</translation>
    </message>
    <message>
        <source>Console: password set; it applies from the next start</source>
        <translation>控制台：已设置密码；下次启动时生效</translation>
    </message>
    <message>
        <source>Console TLS fingerprint: %1</source>
        <translation>控制台 TLS 指纹：%1</translation>
    </message>
    <message>
        <source>Password ✓</source>
        <translation>密码 ✓</translation>
    </message>
    <message>
        <source>Set a password: clients must then log in, and the console may listen on any address.</source>
        <translation>设置密码：设置后客户端必须登录，控制台也可以在任意地址上监听。</translation>
    </message>
    <message>
        <source>A password is set: Tincan clients must log in. Click to change or remove it.</source>
        <translation>已设置密码：Tincan 客户端必须登录。点击可更改或删除密码。</translation>
    </message>
    <message>
        <source>Advanced…</source>
        <translation>高级…</translation>
    </message>
    <message>
        <source>TLS, classic clients, transfer paths, connection caps, logins, idle timeout, output encoding</source>
        <translation>TLS、经典客户端、传输路径、连接上限、登录、空闲超时、输出编码</translation>
    </message>
    <message>
        <source>Console: settings changed; they apply from the next start</source>
        <translation>控制台：设置已更改，下次启动时生效</translation>
    </message>
</context>
<context>
    <name>Tincan::ServiceHost</name>
    <message>
        <source>No settings for this service.</source>
        <translation>此服务没有设置。</translation>
    </message>
    <message>
        <source>The service host does not run this service.</source>
        <translation>服务宿主不运行此服务。</translation>
    </message>
</context>
<context>
    <name>Tincan::ShellProcess</name>
    <message>
        <source>Cannot create pipes: %1</source>
        <translation>无法创建管道：%1</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>Cannot change to directory %1: %2</source>
        <translation>无法切换到目录 %1：%2</translation>
    </message>
</context>
<context>
    <name>Tincan::TerminalFindBar</name>
    <message>
        <source>Find:</source>
        <translation>查找：</translation>
    </message>
    <message>
        <source>Previous match, further up (Enter)</source>
        <translation>上一个匹配项，向上查找（Enter）</translation>
    </message>
    <message>
        <source>Previous match</source>
        <translation>上一个匹配项</translation>
    </message>
    <message>
        <source>Next match, further down (Shift+Enter)</source>
        <translation>下一个匹配项，向下查找（Shift+Enter）</translation>
    </message>
    <message>
        <source>Next match</source>
        <translation>下一个匹配项</translation>
    </message>
    <message>
        <source>Match &amp;case</source>
        <translation>区分大小写(&amp;C)</translation>
    </message>
    <message>
        <source>Close the find bar (Esc)</source>
        <translation>关闭查找栏（Esc）</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>No matches</source>
        <translation>无匹配项</translation>
    </message>
    <message>
        <source>%L1 of more than %L2</source>
        <translation>第 %L1 个，共超过 %L2 个</translation>
    </message>
    <message>
        <source>%L1 of %L2</source>
        <translation>第 %L1 个，共 %L2 个</translation>
    </message>
    <message>
        <source>More than %L1 matches</source>
        <translation>超过 %L1 个匹配项</translation>
    </message>
    <message numerus="yes">
        <source>%n match(es)</source>
        <translation>
            <numerusform>%n 个匹配项</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Tincan::TerminalView</name>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>查找(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Save Output…</source>
        <translation>保存输出(&amp;S)…</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>清除(&amp;L)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Reset Zoom</source>
        <translation>重置缩放(&amp;R)</translation>
    </message>
    <message>
        <source>Scroll&amp;back…</source>
        <translation>回滚缓冲区(&amp;B)…</translation>
    </message>
    <message>
        <source>Save Output</source>
        <translation>保存输出</translation>
    </message>
    <message>
        <source>console-output.txt</source>
        <translation>console-output.txt</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>文本文件 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The output could not be saved to %1: %2</source>
        <translation>无法将输出保存到 %1：%2</translation>
    </message>
    <message>
        <source>Scrollback</source>
        <translation>回滚缓冲区</translation>
    </message>
    <message>
        <source>Lines each console pane keeps (older lines are dropped):</source>
        <translation>每个控制台窗格保留的行数（更早的行将被丢弃）：</translation>
    </message>
</context>
<context>
    <name>Tincan::TransferEngine</name>
    <message>
        <source>A transfer needs a &quot;transfer&quot; id: an integer or a string of 1 to %1 characters.</source>
        <translation>传输需要一个 &quot;transfer&quot; 标识：整数，或 1 到 %1 个字符的字符串。</translation>
    </message>
    <message>
        <source>A transfer with id %1 is already going on.</source>
        <translation>标识为 %1 的传输已在进行中。</translation>
    </message>
    <message>
        <source>Too many transfers at once: at most %1 on one connection.</source>
        <translation>同时进行的传输过多：一个连接最多 %1 个。</translation>
    </message>
    <message>
        <source>No transfer with id %1 is going on.</source>
        <translation>没有标识为 %1 的传输在进行。</translation>
    </message>
    <message>
        <source>Data for transfer %1, which is not going on.</source>
        <translation>收到传输 %1 的数据，但该传输并未进行。</translation>
    </message>
    <message>
        <source>Data for transfer %1 arrived before &quot;transfer_ready&quot; or in the wrong direction.</source>
        <translation>传输 %1 的数据在 &quot;transfer_ready&quot; 之前到达，或方向不对。</translation>
    </message>
    <message>
        <source>Cancelled by the client.</source>
        <translation>已被客户端取消。</translation>
    </message>
    <message>
        <source>Cancelled by the client: %1</source>
        <translation>已被客户端取消：%1</translation>
    </message>
    <message>
        <source>The server refused the transfer: %1</source>
        <translation>服务器拒绝了传输：%1</translation>
    </message>
    <message>
        <source>The server sent &quot;%1&quot; out of place; the transfer was given up.</source>
        <translation>服务器在不恰当的时候发送了“%1”；已放弃该传输。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>it is a directory</source>
        <translation>它是一个目录</translation>
    </message>
    <message>
        <source>%1 is a directory.</source>
        <translation>%1 是一个目录。</translation>
    </message>
    <message>
        <source>%1 exists and is not replaced unless overwriting is asked for.</source>
        <translation>%1 已存在，除非要求覆盖，否则不会替换。</translation>
    </message>
    <message>
        <source>The server offered the file without a valid size or MD5.</source>
        <translation>服务器提供的文件没有有效的大小或 MD5。</translation>
    </message>
    <message>
        <source>&quot;transfer_ready&quot; was not expected for transfer %1.</source>
        <translation>传输 %1 不应收到 &quot;transfer_ready&quot;。</translation>
    </message>
    <message>
        <source>&quot;transfer_ready&quot; needs an &quot;offset&quot; from 0 to the file&apos;s %1 bytes.</source>
        <translation>&quot;transfer_ready&quot; 需要 0 到文件大小 %1 字节之间的 &quot;offset&quot;。</translation>
    </message>
    <message>
        <source>Cannot read %1: it ended early or could not be read (%2).</source>
        <translation>无法读取 %1：文件提前结束或无法读取（%2）。</translation>
    </message>
    <message>
        <source>&quot;transfer_done&quot; for transfer %1 before all of it was sent.</source>
        <translation>传输 %1 尚未发送完毕就收到了 &quot;transfer_done&quot;。</translation>
    </message>
    <message>
        <source>The server reports MD5 %1 for the file, not %2.</source>
        <translation>服务器报告该文件的 MD5 为 %1，而不是 %2。</translation>
    </message>
    <message>
        <source>A data message carries at most %1 bytes, not %2.</source>
        <translation>一条数据消息最多携带 %1 字节，而不是 %2。</translation>
    </message>
    <message>
        <source>The server sent a data message larger than %1 bytes.</source>
        <translation>服务器发送的数据消息超过了 %1 字节。</translation>
    </message>
    <message>
        <source>Data of transfer %1 out of order: byte %2 was expected.</source>
        <translation>传输 %1 的数据顺序错乱：应为第 %2 字节。</translation>
    </message>
    <message>
        <source>The server&apos;s data came out of order.</source>
        <translation>服务器的数据顺序错乱。</translation>
    </message>
    <message>
        <source>The first data message of transfer %1 must start at 0 or at %2.</source>
        <translation>传输 %1 的第一条数据消息必须从 0 或 %2 开始。</translation>
    </message>
    <message>
        <source>The server&apos;s data did not start at 0 or at %1.</source>
        <translation>服务器的数据没有从 0 或 %1 开始。</translation>
    </message>
</context>
<context>
    <name>Tincan::TransferListModel</name>
    <message>
        <source>The session was closed.</source>
        <translation>会话已关闭。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Upload</source>
        <translation>上传</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>%1% of %2</source>
        <translation>%2 的 %1%</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/秒</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Resumed</source>
        <translation>已继续</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Verified MD5</source>
        <translation>已校验的 MD5</translation>
    </message>
</context>
<context>
    <name>Tincan::TransfersPanel</name>
    <message>
        <source>&amp;Cancel Transfer</source>
        <translation>取消传输(&amp;C)</translation>
    </message>
    <message>
        <source>C&amp;lear Finished</source>
        <translation>清除已完成(&amp;L)</translation>
    </message>
</context>
<context>
    <name>Tincan::UdpCommandService</name>
    <message>
        <source>Refusing to serve UDP commands on %1: anyone who can send a datagram there could run commands. Use 127.0.0.1, or --insecure on a network you trust.</source>
        <translation>拒绝在 %1 上提供 UDP 命令服务：任何能向该地址发送数据报的人都可以运行命令。请使用 127.0.0.1，或在你信任的网络中使用 --insecure。</translation>
    </message>
    <message>
        <source>tincan: too many commands at once; try again later.
</source>
        <translation>tincan: 同时运行的命令过多；请稍后再试。
</translation>
    </message>
</context>
<context>
    <name>Tincan::UdpService</name>
    <message>
        <source>UDP port %1 on %2 is already in use.</source>
        <translation>%2 上的 UDP 端口 %1 已被占用。</translation>
    </message>
    <message>
        <source>Cannot bind UDP port %1 on %2: %3</source>
        <translation>无法在 %2 上绑定 UDP 端口 %1：%3</translation>
    </message>
</context>
<context>
    <name>TlsIdentity</name>
    <message>
        <source>No directory was given for the console&apos;s TLS identity.</source>
        <translation>未指定存放控制台 TLS 身份的目录。</translation>
    </message>
    <message>
        <source>%1 holds a private key but no certificate (%2). Delete the key to make a new identity; clients will then see a new fingerprint.</source>
        <translation>%1 中有私钥但没有证书（%2）。删除该私钥即可生成新的身份；之后客户端将看到新的指纹。</translation>
    </message>
    <message>
        <source>There is no TLS identity in %1.</source>
        <translation>%1 中没有 TLS 身份。</translation>
    </message>
    <message>
        <source>%1 had no private key; its certificate was replaced by a new identity.</source>
        <translation>%1 中没有私钥；其证书已被新的身份替换。</translation>
    </message>
    <message>
        <source>Could not create the directory %1 for the console&apos;s TLS identity.</source>
        <translation>无法为控制台的 TLS 身份创建目录 %1。</translation>
    </message>
    <message>
        <source>%1 is not a directory.</source>
        <translation>%1 不是目录。</translation>
    </message>
    <message>
        <source>%1 belongs to another user, who could replace the console&apos;s TLS identity.</source>
        <translation>%1 属于其他用户，该用户可以替换控制台的 TLS 身份。</translation>
    </message>
    <message>
        <source>%1 is open to other users (mode %2) and could not be made owner-only.</source>
        <translation>%1 对其他用户开放（权限模式 %2），且无法将其设为仅所有者可访问。</translation>
    </message>
    <message>
        <source>Made %1 owner-only (its mode was %2, now 0700).</source>
        <translation>已将 %1 设为仅所有者可访问（权限模式原为 %2，现为 0700）。</translation>
    </message>
    <message>
        <source>Could not generate a private key: %1</source>
        <translation>无法生成私钥：%1</translation>
    </message>
    <message>
        <source>Could not make a certificate: %1</source>
        <translation>无法生成证书：%1</translation>
    </message>
    <message>
        <source>Could not encode the TLS identity as PEM: %1</source>
        <translation>无法将 TLS 身份编码为 PEM：%1</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>%1 is not a regular file.</source>
        <translation>%1 不是普通文件。</translation>
    </message>
    <message>
        <source>%1 belongs to another user.</source>
        <translation>%1 属于其他用户。</translation>
    </message>
    <message>
        <source>The private key %1 is accessible by other users (mode %2), so it may have been copied. If you are sure it was not, run &quot;chmod 600 %1&quot;; otherwise delete it and %3 to make a new identity.</source>
        <translation>其他用户可以访问私钥 %1（权限模式 %2），因此它可能已被复制。如果你确定没有被复制，请运行 &quot;chmod 600 %1&quot;；否则请删除它和 %3，以生成新的身份。</translation>
    </message>
    <message>
        <source>Made %1 owner-only (its mode was %2, now 0600).</source>
        <translation>已将 %1 设为仅所有者可访问（权限模式原为 %2，现为 0600）。</translation>
    </message>
    <message>
        <source>Could not read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is larger than %2 bytes; it is not a PEM key or certificate.</source>
        <translation>%1 大于 %2 字节；它不是 PEM 密钥或证书。</translation>
    </message>
    <message>
        <source>The private key %1 is protected by a passphrase; the console needs one without.</source>
        <translation>私钥 %1 受密码短语保护；控制台需要不带密码短语的私钥。</translation>
    </message>
    <message>
        <source>%1 does not hold a PEM private key (%2).</source>
        <translation>%1 中没有 PEM 私钥（%2）。</translation>
    </message>
    <message>
        <source>%1 does not hold a PEM certificate (%2).</source>
        <translation>%1 中没有 PEM 证书（%2）。</translation>
    </message>
    <message>
        <source>The private key %1 is of a kind the console cannot use (%2); it uses EC or RSA keys.</source>
        <translation>私钥 %1 的类型是控制台无法使用的（%2）；控制台使用 EC 或 RSA 密钥。</translation>
    </message>
    <message>
        <source>The private key %1 does not belong to the certificate %2.</source>
        <translation>私钥 %1 与证书 %2 不匹配。</translation>
    </message>
    <message>
        <source>The certificate %1 is not validly self-signed; clients pin only self-signed certificates.</source>
        <translation>证书 %1 不是有效的自签名证书；客户端只固定自签名证书。</translation>
    </message>
    <message>
        <source>The certificate %1 has an unreadable expiry date.</source>
        <translation>无法读取证书 %1 的过期日期。</translation>
    </message>
    <message>
        <source>The certificate %1 expired on %2. Delete it and %3 to make a new identity; clients will then see a new fingerprint.</source>
        <translation>证书 %1 已于 %2 过期。删除它和 %3 即可生成新的身份；之后客户端将看到新的指纹。</translation>
    </message>
    <message>
        <source>Could not encode the TLS identity: %1</source>
        <translation>无法编码 TLS 身份：%1</translation>
    </message>
    <message>
        <source>Qt&apos;s TLS backend (%1) could not load the key %2.</source>
        <translation>Qt 的 TLS 后端（%1）无法加载密钥 %2。</translation>
    </message>
</context>
<context>
    <name>TlsPinning</name>
    <message>
        <source>The server sent no certificate.</source>
        <translation>服务器未发送证书。</translation>
    </message>
    <message>
        <source>The server is not known; its certificate&apos;s fingerprint is %1.</source>
        <translation>服务器未知；其证书的指纹为 %1。</translation>
    </message>
    <message>
        <source>The server&apos;s certificate has the fingerprint %1, but %2 was expected. Someone may be impersonating the server, or it has a new identity.</source>
        <translation>服务器证书的指纹为 %1，但预期为 %2。可能有人在冒充该服务器，或者服务器使用了新的身份。</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is the expected one, but it cannot be used: %1</source>
        <translation>服务器的证书与预期一致，但无法使用：%1</translation>
    </message>
</context>
<context>
    <name>TrafficCapture</name>
    <message>
        <source>the length prefix %1 is not a header length</source>
        <translation>长度前缀 %1 不是有效的头部长度</translation>
    </message>
    <message>
        <source>the header is not a JSON object with a &quot;total_size&quot;</source>
        <translation>头部不是包含 &quot;total_size&quot; 的 JSON 对象</translation>
    </message>
    <message>
        <source>→ in, from the client: %1 bytes</source>
        <translation>→ 入站，来自客户端：%1 字节</translation>
    </message>
    <message>
        <source>← out, to the client: %1 bytes</source>
        <translation>← 出站，发往客户端：%1 字节</translation>
    </message>
    <message>
        <source>(the first %1 bytes are no longer kept)</source>
        <translation>（最前面的 %1 字节已不再保留）</translation>
    </message>
    <message>
        <source>… %1 earlier bytes not shown</source>
        <translation>… 之前的 %1 字节未显示</translation>
    </message>
    <message>
        <source>bare command (classic)</source>
        <translation>原始命令（经典）</translation>
    </message>
    <message>
        <source>not a frame: %1</source>
        <translation>不是帧：%1</translation>
    </message>
    <message>
        <source>incomplete frame, waiting for more bytes</source>
        <translation>帧不完整，正在等待更多字节</translation>
    </message>
    <message>
        <source>frame: length %1 · header %2 · payload %3 bytes</source>
        <translation>帧：长度 %1 · 头部 %2 · 负载 %3 字节</translation>
    </message>
</context>
<context>
    <name>TransferPath</name>
    <message>
        <source>A file name must be 1 to %1 bytes without NUL characters.</source>
        <translation>文件名必须为 1 到 %1 字节，且不含 NUL 字符。</translation>
    </message>
    <message>
        <source>%1 is an absolute path; this server allows only paths inside the session&apos;s directory.</source>
        <translation>%1 是绝对路径；此服务器只允许会话目录之内的路径。</translation>
    </message>
    <message>
        <source>%1 leads out of the session&apos;s directory %2; this server does not allow that.</source>
        <translation>%1 跳出了会话目录 %2；此服务器不允许这样做。</translation>
    </message>
    <message>
        <source>%1 names a directory, not a file.</source>
        <translation>%1 是目录，不是文件。</translation>
    </message>
    <message>
        <source>The directory of %1 does not exist.</source>
        <translation>%1 所在的目录不存在。</translation>
    </message>
    <message>
        <source>%1 leads out of the session&apos;s directory through a symbolic link; this server does not allow that.</source>
        <translation>%1 通过符号链接跳出了会话目录；此服务器不允许这样做。</translation>
    </message>
    <message>
        <source>%1 is a symbolic link to %2, outside the session&apos;s directory; this server does not allow that.</source>
        <translation>%1 是指向会话目录之外 %2 的符号链接；此服务器不允许这样做。</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message>
        <source>%1 is not a regular file.</source>
        <translation>%1 不是普通文件。</translation>
    </message>
    <message>
        <source>%1 is a directory.</source>
        <translation>%1 是一个目录。</translation>
    </message>
    <message>
        <source>%1 exists and is not replaced unless overwriting is asked for.</source>
        <translation>%1 已存在，除非要求覆盖，否则不会替换。</translation>
    </message>
</context>
</TS>
