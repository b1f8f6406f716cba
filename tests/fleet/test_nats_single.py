#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The nats output against a real nats-server with JetStream (one node,
loopback): alerts of a live `vigil run` arrive in the stream vigil creates,
each exactly once, on the documented subject
<prefix>.<host>.<source>.<priority>.<rule> with every token sanitized (the
rule name and host hold '.', '*', '>' and spaces), with a unique
Nats-Msg-Id of the form host-instance-sequence and the Vigil-* headers;
the exit summary counts them as published; vigil's log never shows the
password of a seed URL.

usage: test_nats_single.py NATS_DUMP REPO_ROOT"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleetlib as F  # noqa: E402

DUMP, VIGIL = F.need(sys.argv)
T = F.Checker("test_nats_single")
D = F.tmpdir("vigil-nats1-")
NAME = f"vgnats1{os.getpid() % 100000}"
RULE = "Fleet test. *ran* > here"
N = 25
node = F.Node(D, "n1")
v = None
try:
    node.start()
    prog = F.Program(D, NAME)
    rules = F.rules(D, NAME, RULE)
    cfg = F.config(D, [f"nats://vigil:s3cr3t-pw@127.0.0.1:{node.port}"], "Evil.host *> x", """  token: ""
""")
    v = F.Vigil(VIGIL, D, cfg, rules, "a")
    v.start()
    for i in range(N):
        prog.run(f"mk{i:04d}")
    stream = F.Stream(DUMP, [node])
    F.wait_until(lambda: len(F.markers(stream.messages(), "mk")) >= N, f"{N} alerts in the stream")
    msgs = stream.messages()
    got = F.markers(msgs, "mk")
    T.eq(got, [f"mk{i:04d}" for i in range(N)], "every alert once, in order")
    subj = "vgtest.alerts.evil_host_x.syscall.warning.fleet_test_ran_here"
    T.eq(sorted({m["subject"] for m in msgs}), [subj], "the subject: sanitized tokens")
    T.eq(len(subj.split(".")), 6, "prefix (2 tokens) + host, source, priority, rule")
    ids = [m["headers"].get("Nats-Msg-Id", "") for m in msgs]
    T.eq(len(set(ids)), len(msgs), "a distinct Nats-Msg-Id per alert")
    T.check(all(re.fullmatch(r"evil_host_x-[0-9a-f]{16}-\d+", i) for i in ids),
            f"Nats-Msg-Id is host-instance-sequence ({ids[0]})")
    h = msgs[0]["headers"]
    T.eq((h.get("Vigil-Host"), h.get("Vigil-Source"), h.get("Vigil-Priority"),
          h.get("Vigil-Rule")), ("evil_host_x", "syscall", "warning", "fleet_test_ran_here"),
         "the Vigil-* headers")
    a = json.loads(msgs[0]["data"])
    T.eq((a["rule"], a["priority"], a["source"]), (RULE, "Warning", "syscall"),
         "the payload is the alert's JSON, the rule name unchanged")
    info = stream.info()
    T.eq(info and info["msgs"], N, "the stream holds exactly the alerts")

    T.eq(v.stop(), 0, "vigil exits 0 after SIGTERM")
    s = v.summary()
    T.check(s is not None and s["published"] == N and s["accepted"] == N
            and s["delivered"] == N and s["dropped"] == 0,
            f"exit summary: accepted = delivered = published = {N} ({s})")
    T.check("s3cr3t-pw" not in v.log(), "vigil's log never shows the password")
except AssertionError as e:
    T.check(False, f"{e}\n--- vigil ---\n{v.log()[-3000:] if v else ''}\n"
            f"--- nats-server ---\n{node.tail()}")
finally:
    if v:
        v.stop()
    node.stop()
    subprocess.run(["rm", "-rf", D])
T.done()
