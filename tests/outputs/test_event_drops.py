#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Kernel drops while running (Falco's syscall_event_drops), on the live
kernel: `vigil run` with the smallest ring buffer (one page) and a rule
over openat under a test directory, while a storm of opens there runs and
vigil is stopped (SIGSTOP) for a second, so that the kernel must drop.

- default actions (log, alert; rate .03333, max_burst 1): within seconds a
  stderr line gives the counts by kind, and the alert "vigil internal:
  syscall event drop" arrives on stdout, valid against schema/alert.schema.json,
  with Falco's n_evts/n_drops/n_drops_buffer_* fields; one of each however
  many seconds drop (the bucket refills one per 30 s);
- rate 0.5, max_burst 2: more than one, never more than max_burst + rate * t;
- threshold 1 (a ratio never exceeds it): nothing;
- actions [ignore]: neither a line nor an alert, although the kernel dropped.

Needs root; skips (77) otherwise. usage: test_event_drops.py OUTPUTS_DRIVER REPO_ROOT"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import Checker, ensure, skip, tmpdir, wait_until  # noqa: E402

ROOT = sys.argv[2]
T = Checker("test_event_drops")
VIGIL = os.environ.get("VIGIL_BIN") or os.path.join(ROOT, "build", "engine", "vigil")
if os.geteuid() != 0:
    skip("needs root to load BPF programs")
if not os.access(VIGIL, os.X_OK):
    skip(f"no vigil binary at {VIGIL}")
ensure({"/usr/lib/python3/dist-packages/jsonschema/__init__.py": "python3-jsonschema"})
import jsonschema  # noqa: E402

with open(os.path.join(ROOT, "schema", "alert.schema.json")) as f:
    SCHEMA = jsonschema.Draft202012Validator(json.load(f))
RULE = "vigil internal: syscall event drop"
LOGLINE = "vigil: syscall event drop: the kernel dropped"
D = tmpdir("vigil-drops-")
STORM = os.path.join(D, "storm")
os.mkdir(STORM)
with open(f"{D}/rules.yaml", "w") as f:
    # the kernel sends the opens under STORM (the path prefilter); nothing alerts
    f.write(f"""- rule: Drop test open
  desc: opens under the storm directory by a program that never runs
  condition: evt.type in (open, openat) and fd.name startswith {STORM}/ and proc.name = vg-never
  output: "open %fd.name"
  priority: DEBUG
""")
STORM_PY = """
import os, sys, time
p = sys.argv[1]
open(p, "w").close()
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    for _ in range(1000):
        os.close(os.open(p, os.O_RDONLY))
"""


def dropped(errtext):
    """The kernel's drop total from the exit summary."""
    n = 0
    for line in errtext.splitlines():
        if line.startswith("vigil: kernel:"):
            for part in line.split():
                if part.startswith("dropped="):
                    n += int(part.split("=")[1].rstrip(";"))
    return n


def run(name, drops_yaml, storm_s=4.0):
    """vigil under a storm; returns (stderr, stdout alerts, seconds vigil ran)."""
    d = os.path.join(D, name)
    os.mkdir(d)
    with open(f"{d}/vigil.yaml", "w") as f:
        f.write("metrics:\n  enabled: false\n" + drops_yaml)
    err = open(f"{d}/err", "w+")
    out = open(f"{d}/out", "w+")
    t0 = time.monotonic()
    v = subprocess.Popen([VIGIL, "run", "-c", f"{d}/vigil.yaml", "-r", f"{D}/rules.yaml",
                          "--ringbuf-size", str(os.sysconf("SC_PAGE_SIZE")),
                          "--no-self-protect"], stdout=out, stderr=err)

    def log():
        err.flush()
        with open(f"{d}/err") as f:
            return f.read()
    try:
        wait_until(lambda: "ready" in log() or v.poll() is not None, "vigil to be ready", 120)
        if v.poll() is not None:
            raise AssertionError(f"vigil exited with {v.returncode}: {log()[-2000:]}")
        storm = subprocess.Popen([sys.executable, "-c", STORM_PY, f"{STORM}/f", str(storm_s)])
        time.sleep(0.5)
        v.send_signal(signal.SIGSTOP)  # the consumer stalls: the page fills at once
        time.sleep(1.0)
        v.send_signal(signal.SIGCONT)
        storm.wait(timeout=60)
        time.sleep(2.5)  # a check a second: the last one runs
        ran = time.monotonic() - t0
        v.send_signal(signal.SIGTERM)
        v.wait(timeout=60)
    finally:
        if v.poll() is None:
            v.send_signal(signal.SIGCONT)
            v.kill()
            v.wait()
    text = log()
    out.flush()
    with open(f"{d}/out") as f:
        alerts = [json.loads(x) for x in f if x.strip()]
    return text, [a for a in alerts if a.get("rule") == RULE], ran


try:
    # 1. Falco's defaults: log and alert, one per 30 s
    err, alerts, ran = run("default", "")
    n = dropped(err)
    lines = [x for x in err.splitlines() if x.startswith(LOGLINE)]
    T.check(n > 0, f"the kernel dropped {n} events (a one-page ring, vigil stopped 1 s)")
    T.eq(len(lines), 1, "one stderr line (max_burst 1, one more per 30 s)")
    if lines:
        T.check(all(f"{k}=" in lines[0] for k in ("exec", "fork", "exit", "syscall", "creds")),
                f"it gives the counts by kind: {lines[0]}")
    T.eq(len(alerts), 1, "one drop alert on stdout")
    if alerts:
        a = alerts[0]
        errors = [e.message for e in SCHEMA.iter_errors(a)]
        T.eq(errors, [], "the alert is valid against schema/alert.schema.json")
        T.eq((a["priority"], a["source"]), ("Debug", "internal"), "priority and source, as Falco")
        f = a["output_fields"]
        T.check(f["n_drops"] > 0 and f["n_evts"] >= f["n_drops"],
                f"n_drops {f['n_drops']} of n_evts {f['n_evts']}")
        T.check(f["n_drops"] == f["n_drops_buffer_total"] == sum(
            f[k] for k in ("n_drops_buffer_clone_fork_exit", "n_drops_buffer_execve_exit",
                           "n_drops_buffer_proc_exit", "n_drops_buffer_syscall_exit",
                           "n_drops_buffer_creds")), "n_drops is the sum of the kinds")
        T.check(f["n_drops"] / f["n_evts"] > 0.1, "over Falco's default threshold 0.1")
        T.check(" system calls dropped in last second." in a["output"], a["output"])
    # 2. a faster bucket: several, and never more than max_burst + rate * t
    err, alerts, ran = run("bucket", """syscall_event_drops:
  actions: [log, alert]
  rate: 0.5
  max_burst: 2
  threshold: 0
""", storm_s=6.0)
    lines = [x for x in err.splitlines() if x.startswith(LOGLINE)]
    bound = 2 + 0.5 * ran
    T.check(2 <= len(alerts) <= bound,
            f"{len(alerts)} alerts in {ran:.1f} s: at least 2, at most {bound:.1f}")
    T.eq(len(lines), len(alerts), "as many stderr lines as alerts")
    # 3. threshold 1: drops / events never exceeds it
    err, alerts, ran = run("threshold", "syscall_event_drops:\n  threshold: 1\n")
    T.check(dropped(err) > 0, "the kernel dropped events")
    T.eq(([x for x in err.splitlines() if x.startswith(LOGLINE)], alerts), ([], []),
         "neither a line nor an alert under threshold 1")
    # 4. ignore: neither
    err, alerts, ran = run("ignore", "syscall_event_drops:\n  actions: [ignore]\n")
    n = dropped(err)
    T.check(n > 0, f"the kernel dropped {n} events")
    T.eq([x for x in err.splitlines() if x.startswith(LOGLINE)], [], "no stderr line (ignore)")
    T.eq(alerts, [], "no alert (ignore)")
except AssertionError as e:
    T.check(False, str(e))
finally:
    shutil.rmtree(D, ignore_errors=True)
T.done()
