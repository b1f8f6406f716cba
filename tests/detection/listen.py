#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""det_listen_tcp's listener: accept every connection on ADDR:PORT and hold it
open (reading and discarding) until killed, like an attacker's `nc -l` that
never types. Stdlib only; runs as /usr/bin/python3 so it also works inside the
container, whose rootfs has only the host's /usr."""
import selectors
import socket
import sys

addr, port = sys.argv[1], int(sys.argv[2])
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((addr, port))
srv.listen(64)
sel = selectors.DefaultSelector()
sel.register(srv, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        if key.fileobj is srv:
            c, _ = srv.accept()
            sel.register(c, selectors.EVENT_READ)
        else:
            try:
                data = key.fileobj.recv(65536)
            except OSError:
                data = b""
            if not data:
                sel.unregister(key.fileobj)
                key.fileobj.close()
