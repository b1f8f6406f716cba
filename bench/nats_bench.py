#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Figures of the nats output: starts a 1-node and a 3-node JetStream cluster
on loopback (temporary stores, free ports) and runs nats_bench against each:
alerts/s through the output, publish-to-ack latency p50/p99, spool drain rate;
then, on the 3-node cluster, fleet_sim: HOSTS simulated hosts (own identity,
own connection) publishing at once, and the time a rules push takes to reach
every one of them.

usage: bench/nats_bench.py BUILD_DIR [ALERTS] [HOSTS]"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fleet"))
import fleetlib as F  # noqa: E402

build = sys.argv[1] if len(sys.argv) > 1 else "build"
alerts = sys.argv[2] if len(sys.argv) > 2 else "20000"
hosts = sys.argv[3] if len(sys.argv) > 3 else "50"
exe = os.path.join(build, "bench", "nats_bench")
for size, replicas in ((1, 1), (3, 3)):
    d = tempfile.mkdtemp(prefix="vigil-nats-bench-")
    nodes = []
    nodes.extend(F.Node(d, f"b{i}", nodes if size > 1 else None) for i in range(size))
    try:
        for n in nodes:
            n.start()
        print(f"--- {size} node(s), stream replicas {replicas}", flush=True)
        urls = ",".join(n.url() for n in nodes)
        subprocess.run([exe, urls, str(replicas), alerts, os.path.join(d, "spool")], check=True,
                       timeout=1800)
        if size == 3:
            print(f"--- {hosts} simulated hosts, 3 nodes, R3", flush=True)
            subprocess.run([os.path.join(build, "bench", "fleet_sim"), urls, hosts,
                            str(max(1, int(alerts) // int(hosts))), d], check=True, timeout=1800)
    finally:
        for n in nodes:
            n.stop()
        subprocess.run(["rm", "-rf", d])
