# Shared by bench/console.sh and bench/transfer.sh: timing helpers and a
# throwaway sshd on a spare loopback port with its own config, host key and
# client key in "$tmp" (the system's sshd and ~/.ssh are not touched).
# The caller sets tmp (a temporary directory) and pids (an array of processes
# to stop on exit) before sourcing it.

now() { date +%s.%N; }
# Arithmetic in awk: bc is not on every machine.
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
elapsed() { calc "$(now) - $1" 6; }
ratio() { calc "$1 / $2"; }
spare_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}

# Starts sshd on a spare loopback port; sets ssh_port and ssh_opts (for ssh;
# scp and sftp take -P instead of -p: see scp_opts).
start_throwaway_sshd() {
    if [ ! -x /usr/sbin/sshd ]; then
        echo "Installing openssh-server for the comparison" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null
    fi
    ssh_port=$(spare_port)
    ssh-keygen -q -t ed25519 -N '' -f "$tmp/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$tmp/client_key"
    cp "$tmp/client_key.pub" "$tmp/authorized_keys"
    cat >"$tmp/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $ssh_port
HostKey $tmp/host_key
AuthorizedKeysFile $tmp/authorized_keys
PidFile $tmp/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
MaxSessions 100
MaxStartups 100
# bash sources ~/.bashrc for ssh commands unless SHLVL is set; the console
# runs /bin/sh without it, so ssh should not pay for the user's shell setup.
SetEnv SHLVL=1
# scp (which speaks SFTP by default) and sftp need the SFTP subsystem.
Subsystem sftp internal-sftp
EOF
    mkdir -p /run/sshd # sshd's privilege separation directory
    /usr/sbin/sshd -D -e -f "$tmp/sshd_config" 2>"$tmp/sshd.log" &
    pids+=($!)
    ssh_opts=(-F /dev/null -i "$tmp/client_key" -p "$ssh_port" -o BatchMode=yes -o StrictHostKeyChecking=no
        -o UserKnownHostsFile="$tmp/known_hosts" -o LogLevel=ERROR)
    for _ in $(seq 50); do
        ssh "${ssh_opts[@]}" 127.0.0.1 true 2>/dev/null && break
        sleep 0.2
    done
    ssh "${ssh_opts[@]}" 127.0.0.1 true || { cat "$tmp/sshd.log" >&2; exit 1; }
    scp_opts=(-F /dev/null -i "$tmp/client_key" -P "$ssh_port" -o BatchMode=yes -o StrictHostKeyChecking=no
        -o UserKnownHostsFile="$tmp/known_hosts" -o LogLevel=ERROR)
}
