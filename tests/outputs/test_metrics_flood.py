#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The metrics server under a connection flood: anything that can reach the
port (any pod, when it is on the pod network) must not be able to starve the
kubelet's /healthz probe and get vigil restarted.

The real config loader and server (outputs_driver --metrics) with the
default limits; the test holds 300 idle connections (connect, send nothing;
reopened as the server closes them), 100 slow-loris clients (a header byte
every second, never finishing the request) and 4 clients that pipeline
/metrics requests and never read a byte. Meanwhile /healthz is fetched 10
times and /metrics 3 times: each must answer 200 within 1 s. A second run
caps connections per address (metrics.per_ip_connection_limit) and floods
from another loopback address: the cap holds, and /healthz still answers.
Out-of-range values of the three keys are refused.

usage: test_metrics_flood.py OUTPUTS_DRIVER REPO_ROOT"""
import http.client
import os
import resource
import selectors
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import Checker, Driver, tmpdir  # noqa: E402

DRIVER = sys.argv[1]
T = Checker("test_metrics_flood")
D = tmpdir("vigil-mflood-")
IDLE, SLOW, DEAF = 300, 100, 4
DEADLINE = 1.0  # seconds per probe: the kubelet's own timeout is of this order

# every attacker socket is a descriptor of this process
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = 4096 if hard == resource.RLIM_INFINITY else min(hard, 4096)
if soft < want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


class Flood(threading.Thread):
    """Keeps `idle` silent and `slow` slow-loris connections open from src,
    reopening what the server closes, and `deaf` that never read."""

    def __init__(self, port, src, idle, slow, deaf):
        super().__init__(daemon=True)
        self.port, self.src = port, src
        self.want = {"idle": idle, "slow": slow, "deaf": deaf}
        self.socks = {k: [] for k in self.want}
        self.stop = threading.Event()
        self.opened = 0

    def connect(self, kind):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.bind((self.src, 0))
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", self.port))
            s.setblocking(False)
            if kind == "slow":
                s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            elif kind == "deaf":
                s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 64)
        except OSError:
            s.close()
            return
        self.opened += 1
        self.socks[kind].append(s)

    def alive(self, s):
        try:
            return s.recv(1, socket.MSG_PEEK) != b""
        except BlockingIOError:
            return True
        except OSError:
            return False

    def top_up(self):
        for kind, socks in self.socks.items():
            keep = []
            for s in socks:
                # a deaf client's unread response is data, not a close: never peek it
                if kind == "deaf" or self.alive(s):
                    keep.append(s)
                else:
                    s.close()
            self.socks[kind] = keep
            while len(self.socks[kind]) < self.want[kind]:
                n = len(self.socks[kind])
                self.connect(kind)
                if len(self.socks[kind]) == n:
                    break

    def drip(self):
        for s in self.socks["slow"]:
            try:
                s.send(b"X")  # one byte of a header line that never ends
            except OSError:
                pass

    def open_count(self):
        return sum(len(v) for v in self.socks.values())

    def run(self):
        while not self.stop.is_set():
            self.top_up()
            self.drip()
            self.stop.wait(1.0)

    def close(self):
        self.stop.set()
        self.join(10)
        for socks in self.socks.values():
            for s in socks:
                s.close()


def probe(port, path):
    """(status, seconds), status None when it did not answer within DEADLINE."""
    t0 = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    try:
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        status = r.status
    except OSError:
        status = None
    finally:
        c.close()
    return status, time.monotonic() - t0


def probes(port, what):
    for i in range(10):
        status, dt = probe(port, "/healthz")
        T.check(status == 200 and dt < DEADLINE,
                f"{what}: /healthz {i + 1} answered {status} in {dt:.3f} s")
        if i % 4 == 0:
            status, dt = probe(port, "/metrics")
            T.check(status == 200 and dt < DEADLINE,
                    f"{what}: /metrics answered {status} in {dt:.3f} s")
        time.sleep(0.5)


def established_from(port, src):
    """Server-side view: connections from src the kernel shows established."""
    n = 0
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            loc, rem, st = line.split()[1:4]
            lip, lport = loc.split(":")
            rip = rem.split(":")[0]
            ip = socket.inet_ntoa(bytes.fromhex(rip)[::-1])
            if int(lport, 16) == port and st == "01" and ip == src:
                n += 1
    return n


def run(extra, src, idle, slow, deaf, what):
    drv = Driver(DRIVER, ["-n", "1", "--metrics", "127.0.0.1:0", "--serve",
                          "-o", "stdout_output.enabled=false", "-o", "file_output.enabled=true",
                          "-o", f"file_output.filename={D}/alerts.json"] + extra, stdin=True)
    flood = None
    try:
        port = int(drv.read_until("PORT "))
        drv.read_until("SERVING")
        flood = Flood(port, src, idle, slow, deaf)
        flood.top_up()
        T.check(flood.opened >= idle + slow + deaf,
                f"{what}: {flood.opened} flood connections opened")
        flood.start()
        time.sleep(1.5)  # the drip is under way and the server has accepted everything
        probes(port, what)
        return flood, port
    finally:
        if flood:
            flood.close()
        drv.send()
        drv.finish()


try:
    run([], "127.0.0.1", IDLE, SLOW, DEAF, "default limits, flood from the probe's address")

    # the per-address cap: a flood from 127.0.0.2 keeps at most CAP connections
    CAP = 40
    drv = Driver(DRIVER, ["-n", "1", "--metrics", "127.0.0.1:0", "--serve",
                          "-o", "stdout_output.enabled=false",
                          "-o", f"metrics.per_ip_connection_limit={CAP}"], stdin=True)
    flood = None
    try:
        port = int(drv.read_until("PORT "))
        drv.read_until("SERVING")
        flood = Flood(port, "127.0.0.2", 200, 0, 0)
        flood.start()
        time.sleep(2.5)
        probes(port, f"per-address cap {CAP}")
        n = established_from(port, "127.0.0.2")
        T.check(0 < n <= CAP, f"the server holds {n} connections from 127.0.0.2 (cap {CAP})")
    finally:
        if flood:
            flood.close()
        drv.send()
        drv.finish()

    # the keys are range-checked with a message naming the key
    for key, bad in (("connection_limit", "8"), ("connection_timeout", "0"),
                     ("connection_timeout", "61"), ("per_ip_connection_limit", "70000")):
        drv = Driver(DRIVER, ["-n", "0", "-o", f"metrics.{key}={bad}"])
        code, _ = drv.finish()
        msg = "".join(drv.lines)
        T.check(code == 2 and key in msg and "must be" in msg,
                f"metrics.{key}={bad} refused: {msg.strip()[:160]}")
finally:
    T.done()
