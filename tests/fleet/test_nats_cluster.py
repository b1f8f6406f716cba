#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The nats output into a real 3-node JetStream cluster on loopback, with a
stream of 3 replicas that vigil creates: while alerts flow, the stream's
leader is killed (SIGKILL), then a second node (no quorum left: the spool
takes the alerts); both come back. Every alert vigil accepted is in the
stream, once, in the order the program ran.

usage: test_nats_cluster.py NATS_DUMP REPO_ROOT"""
import os
import subprocess
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleetlib as F  # noqa: E402

DUMP, VIGIL = F.need(sys.argv)
T = F.Checker("test_nats_cluster")
D = F.tmpdir("vigil-nats-cluster-")
NAME = f"vgnatsc{os.getpid() % 100000}"
nodes = []
nodes.extend(F.Node(D, f"n{i}", nodes) for i in range(3))
v = None
want = []
stop = threading.Event()


def generate(prog):
    i = 0
    while not stop.is_set():
        prog.run(f"cl{i:05d}")
        want.append(f"cl{i:05d}")
        i += 1
        time.sleep(0.02)


def leader(stream):
    """The stream's leader node, once the cluster has elected one."""
    info = stream.info()
    name = info and info.get("leader")
    return next((n for n in nodes if n.name == name), None)


try:
    for n in nodes:
        n.start()
    prog = F.Program(D, NAME)
    rules = F.rules(D, NAME, "Fleet cluster test ran")
    cfg = F.config(D, [n.url() for n in nodes], "clusterhost", f"""  replicas: 3
  spool_dir: {os.path.join(D, "spool")}
  ack_timeout_ms: 2000
  reconnect_wait_ms: 100
  reconnect_max_wait_ms: 1000
""")
    stream = F.Stream(DUMP, nodes)
    v = F.Vigil(VIGIL, D, cfg, rules, "c")
    v.start()
    prog.run("cl-first")  # the stream exists once the first alert is in
    F.wait_until(lambda: leader(stream), "the R3 stream and its leader", 120)
    T.eq(stream.info()["replicas"], 3, "vigil created the stream with 3 replicas")

    gen = threading.Thread(target=generate, args=(prog,))
    gen.start()
    time.sleep(2)
    first = leader(stream)
    first.stop(signal.SIGKILL)
    print(f"  killed the leader {first.name} after {len(want)} alerts", flush=True)
    time.sleep(4)
    second = F.wait_until(lambda: leader(stream), "a new leader", 60)
    second.stop(signal.SIGKILL)
    print(f"  killed the new leader {second.name} after {len(want)} alerts", flush=True)
    time.sleep(4)
    first.start()
    second.start()
    print(f"  both back after {len(want)} alerts", flush=True)
    time.sleep(3)
    stop.set()
    gen.join()
    n = len(want)
    F.wait_until(lambda: len(F.markers(stream.messages(), "cl0")) >= n,
                 f"all {n} alerts in the stream", 180)
    got = F.markers(stream.messages(), "cl0")
    T.eq(len(got), n, f"{n} alerts in the stream")
    T.eq(len(set(got)), len(got), "none twice")
    T.eq(got, want, "in the order the program ran")
    T.eq(v.stop(), 0, "vigil exits 0")
    s = v.summary()
    T.check(s and s["accepted"] == n + 1 and s["dropped"] == 0 and s["spool_depth"] == 0,
            f"vigil accepted {n + 1}, dropped none, spool empty ({s})")
    print(f"  spooled during the outage: {s and s.get('spooled')}", flush=True)
except AssertionError as e:
    T.check(False, f"{e}\n--- vigil ---\n{v.log()[-3000:] if v else ''}\n" +
            "".join(f"--- {n.name} ---\n{n.tail()[-1000:]}\n" for n in nodes))
finally:
    stop.set()
    if v:
        v.stop()
    for n in nodes:
        n.stop()
    subprocess.run(["rm", "-rf", D])
T.done()
