#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The nats output's on-disk spool, against a real nats-server (loopback):
alerts flow; the server stops; alerts keep coming and go to the spool; vigil
is restarted with alerts still spooled (and starts while the server is still
down); more alerts; the server comes back with its store: every alert
arrives, in the order the program ran, none twice. The exit summaries say
what was spooled; the spool is empty at the end.

usage: test_nats_spool.py NATS_DUMP REPO_ROOT"""
import os
import subprocess
import urllib.request
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleetlib as F  # noqa: E402

DUMP, VIGIL = F.need(sys.argv)
T = F.Checker("test_nats_spool")
D = F.tmpdir("vigil-nats-spool-")
NAME = f"vgnatss{os.getpid() % 100000}"
node = F.Node(D, "n1")
spool = os.path.join(D, "spool")
vs = []


def metric(name):
    with urllib.request.urlopen(f"http://127.0.0.1:{mport}/metrics", timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + "{") and 'output="nats"' in line:
                return int(float(line.split()[-1]))
    return None


mport = F.free_port()
try:
    node.start()
    prog = F.Program(D, NAME)
    rules = F.rules(D, NAME, "Fleet spool test ran")
    cfg = F.config(D, [node.url()], "spoolhost", f"""  spool_dir: {spool}
  ack_timeout_ms: 1000
  reconnect_wait_ms: 100
  reconnect_max_wait_ms: 500
metrics:
  enabled: true
  listen_address: 127.0.0.1:{mport}
""")
    stream = F.Stream(DUMP, [node])
    want = []

    def burst(lo, hi):
        for i in range(lo, hi):
            prog.run(f"sp{i:04d}")
            want.append(f"sp{i:04d}")

    v1 = F.Vigil(VIGIL, D, cfg, rules, "1")
    vs.append(v1)
    v1.start()
    burst(0, 10)
    F.wait_until(lambda: len(F.markers(stream.messages(), "sp")) >= 10, "the first 10 alerts")
    T.check(True, "alerts flow while the server is up")

    node.stop()
    burst(10, 30)
    F.wait_until(lambda: metric("vigil_output_spool_depth") == 20, "/metrics: spool depth 20", 30)
    T.eq(metric("vigil_output_spooled_total"), 20, "/metrics: 20 spooled")
    T.eq(metric("vigil_output_published_total"), 10, "/metrics: 10 published")
    T.eq(v1.stop(), 0, "vigil (1) exits 0 with the server down")
    s1 = v1.summary()
    T.check(s1 and s1["accepted"] == 30 and s1["dropped"] == 0 and s1["spool_depth"] == 20,
            f"vigil (1): 30 accepted, none dropped, 20 left in the spool ({s1})")
    T.check(any(f.endswith(".seg") for f in os.listdir(spool)), "the spool is on disk")

    v2 = F.Vigil(VIGIL, D, cfg, rules, "2")
    vs.append(v2)
    v2.start()  # the server is still down: starting must not wait for it
    T.check(True, "vigil (2) starts while the cluster is down")
    burst(30, 45)
    # every alert of this run is behind the spooled ones: it goes to the spool too
    node.start()
    F.wait_until(lambda: len(F.markers(stream.messages(), "sp")) >= 45,
                 "all 45 alerts in the stream after the server came back", 120)
    got = F.markers(stream.messages(), "sp")
    T.eq(got, want, "every alert once, in the order the program ran")
    T.eq(len(set(m["headers"]["Nats-Msg-Id"] for m in stream.messages())), 45,
         "45 distinct message ids")
    T.eq(v2.stop(), 0, "vigil (2) exits 0")
    s2 = v2.summary()
    T.check(s2 and s2["accepted"] == 15 and s2["published"] == 35 and s2["spool_depth"] == 0,
            f"vigil (2): published its 15 and the 20 left by (1); spool empty ({s2})")
    T.eq(stream.info()["msgs"], 45, "the stream holds 45 messages")
except AssertionError as e:
    T.check(False, f"{e}\n" + "".join(f"--- vigil {i} ---\n{v.log()[-2500:]}\n"
                                      for i, v in enumerate(vs)) +
            f"--- nats-server ---\n{node.tail()}")
finally:
    for v in vs:
        v.stop()
    node.stop()
    subprocess.run(["rm", "-rf", D])
T.done()
