# SPDX-License-Identifier: Apache-2.0
"""A real HTTP receiver on loopback (Python's http.server) that records every
POST: path, headers, body. It can answer with a fixed status, or fail the
first N requests, like a SIEM collector or falcosidekick that is restarting."""
import http.server
import socket
import ssl
import threading
import time


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as collectors do

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        srv = self.server.receiver
        if srv.delay:
            time.sleep(srv.delay)  # a slow collector
        with srv.lock:
            srv.requests += 1
            n = srv.requests
            status = srv.fail_status if n <= srv.fail_first else srv.status
            if 200 <= status < 300:
                srv.records.append((self.path, {k.lower(): v for k, v in self.headers.items()},
                                    body))
            else:
                srv.refused.append(body)
        reply = b'{"ok":true}' if status < 300 else b'{"error":"refused by test"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, fmt, *args):
        pass


class Receiver:
    def __init__(self, port=0, status=200, fail_first=0, fail_status=503, tls=None, delay=0.0):
        self.lock = threading.Lock()
        self.delay = delay
        self.records = []
        self.refused = []  # bodies answered with an error status
        self.requests = 0
        self.status = status
        self.fail_first = fail_first
        self.fail_status = fail_status
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.receiver = self
        self.scheme = "http"
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/"):
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Stalled:
    """Listens, never accepts: connections complete in the kernel's backlog and
    requests are never answered (a hung collector)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]

    def url(self):
        return f"http://127.0.0.1:{self.port}/"

    def stop(self):
        self.sock.close()
