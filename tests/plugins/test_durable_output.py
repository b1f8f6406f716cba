#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A durable output plugin (plugin API minor 1: output_alert and
host->output_spool) in a live `vigil run`, alerts coming from the jsonl
source plugin:

- while the plugin's receiver is away (its output_alert fails) the alerts
  go to the on-disk spool vigil keeps for it (/metrics: spooled, depth);
- vigil stops with them spooled, restarts, the receiver is back: the spooled
  alerts and the new ones arrive once each, in order, the spooled ones with
  the id they had in the first run (a unique host-instance-sequence id);
- each comes with its metadata: host, source, priority (name and number),
  rule; the line is the alert's JSON.

usage: test_durable_output.py VIGIL JSONL_SO DURABLE_SO JSON_SO"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "outputs"))
from vgtest import Checker, free_port, skip, tmpdir, wait_until  # noqa: E402

if len(sys.argv) < 5:
    print(__doc__, file=sys.stderr)
    sys.exit(2)
VIGIL, JSONL, DURABLE, JSONP = sys.argv[1:5]
if os.geteuid() != 0:
    skip("needs root (vigil run)")
T = Checker("test_durable_output")
D = tmpdir("vigil-durable-")
OUT, GATE, SPOOL = (os.path.join(D, n) for n in ("out", "gate", "spool"))
MARK = f"dur{os.getpid()}"
RULE = "durable test: mallory deletes"
mport = free_port()
procs = []

with open(os.path.join(D, "rules.yaml"), "w") as f:
    f.write(f"""- rule: {json.dumps(RULE)}
  desc: a jsonl event of the test
  condition: json.value[/obj] startswith "{MARK}"
  output: "deleted %json.value[/obj]"
  priority: WARNING
  source: jsonl
""")


def config(events):
    """vigil.yaml: jsonl follows events (one file per run: none is read twice)."""
    open(events, "w").close()
    with open(os.path.join(D, "vigil.yaml"), "w") as f:
        f.write(f"""stdout_output:
  enabled: false
metrics:
  enabled: true
  listen_address: 127.0.0.1:{mport}
plugins:
  - name: jsonl
    library_path: {JSONL}
    init_config: {events}
  - name: durable
    library_path: {DURABLE}
    init_config: "{OUT} {GATE} {SPOOL}"
  - name: json
    library_path: {JSONP}
load_plugins: [jsonl, json, durable]
""")


def metric(name):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{mport}/metrics", timeout=5) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(name + "{") and 'output="durable"' in line:
                    return int(float(line.split()[-1]))
    except OSError:
        pass
    return None


def start(tag):
    config(os.path.join(D, f"events-{tag}.jsonl"))
    err = open(os.path.join(D, f"vigil-{tag}.err"), "w+")
    p = subprocess.Popen([VIGIL, "run", "-c", os.path.join(D, "vigil.yaml"), "-r",
                          os.path.join(D, "rules.yaml")], stdout=subprocess.DEVNULL, stderr=err)
    procs.append((p, err))
    wait_until(lambda: "ready" in log(err) or p.poll() is not None, f"vigil {tag} ready", 120)
    if p.poll() is not None:
        raise AssertionError(f"vigil {tag} exited: {log(err)}")
    return p, err


def log(err):
    err.flush()
    with open(err.name) as f:
        return f.read()


def stop(p, err):
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=60)
    return p.returncode, log(err)


def events(tag, lo, hi):
    with open(os.path.join(D, f"events-{tag}.jsonl"), "a") as f:
        for i in range(lo, hi):
            f.write(json.dumps({"user": {"name": "mallory"}, "obj": f"{MARK}-{i:02d}"}) + "\n")


def delivered():
    if not os.path.exists(OUT):
        return []
    with open(OUT) as f:
        return [line.rstrip("\n").split("\t", 6) for line in f if MARK in line]


try:
    p, err = start("1")
    events("1", 0, 5)
    wait_until(lambda: metric("vigil_output_spool_depth") == 5, "5 alerts in the spool", 60)
    T.eq(metric("vigil_output_spooled_total"), 5, "/metrics: 5 spooled while the receiver is away")
    T.eq(delivered(), [], "nothing delivered yet")
    rc, text = stop(p, err)
    T.eq(rc, 0, "vigil (1) exits 0")
    T.check(re.search(r"output durable: accepted=5 delivered=5 dropped=0 .*spooled=5 "
                      r"spool_depth=5", text) is not None,
            "exit summary: 5 accepted, taken by the spool, 5 left in it")
    T.check(re.search(r"last error: plugin 'durable': receiver away \(no \S+gate\)_ "
                      r"\(output returned -1\)", text) is not None,
            "the plugin's reason is the output's last error (a control byte made '_')")

    open(GATE, "w").close()
    p, err = start("2")
    events("2", 5, 8)
    wait_until(lambda: len(delivered()) >= 8, "all 8 alerts delivered", 60)
    got = delivered()
    T.eq([json.loads(r[6])["output_fields"]["json.value[/obj]"] for r in got],
         [f"{MARK}-{i:02d}" for i in range(8)], "every alert once, in order, spooled ones first")
    ids = [r[0] for r in got]
    T.eq(len(set(ids)), 8, "a distinct id per alert")
    inst = [i.rsplit("-", 2)[1] for i in ids]
    T.check(len(set(inst[:5])) == 1 and len(set(inst[5:])) == 1 and inst[0] != inst[5],
            f"the spooled alerts keep the first run's ids, the new ones the second's ({ids})")
    host = socket.gethostname()
    T.check(all(re.fullmatch(r"[A-Za-z0-9._-]+-[0-9a-f]{16}-\d+", i) for i in ids),
            f"ids are host-instance-sequence ({ids[0]})")
    T.eq({tuple(r[1:6]) for r in got}, {(host, "jsonl", "warning", "4", RULE)},
         "metadata: host, source, priority name and number, rule")
    a = json.loads(got[0][6])
    T.eq((a["rule"], a["source"], a["hostname"]), (RULE, "jsonl", host),
         "the line is the alert's JSON")
    rc, text = stop(p, err)
    T.eq(rc, 0, "vigil (2) exits 0")
    T.check(re.search(r"output durable: accepted=3 delivered=3 dropped=0 .*spool_depth=0",
                      text) is not None, f"exit summary: spool empty ({text[-600:]})")
except AssertionError as e:
    T.check(False, f"{e}\n" + "".join(f"--- vigil ---\n{log(err)[-2000:]}\n" for _, err in procs))
finally:
    for p, _ in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    subprocess.run(["rm", "-rf", D])
T.done()
