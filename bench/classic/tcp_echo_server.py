#!/usr/bin/env python3
"""The tutorial's TCP upper-case echo server, as the tutorial describes it:
one client at a time; the next one waits in the listen backlog until the
current one leaves. Used by bench/ only, to compare behaviour."""
import socket
import sys

port = int(sys.argv[1])
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen(5)
while True:
    conn, addr = server.accept()
    while True:
        try:
            data = conn.recv(1024)
        except ConnectionResetError:
            break
        if not data:
            break
        conn.send(data.upper())
    conn.close()
