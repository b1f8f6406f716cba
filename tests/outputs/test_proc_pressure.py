#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Process-table pressure on the live kernel: `vigil run --max-procs N` with
N just above the processes the host has, then more sleepers than fit start
and stay alive. A full table must evict live processes visibly: the metric
vigil_proc_table_evictions_total{reason="live"} counts each one, and one
warning (rate-limited: at most one per 10 s) on stderr says the table is
full, its size and the option to raise. Before the sleepers nothing live
is evicted and nothing is said.

Needs root; skips (77) otherwise. usage: test_proc_pressure.py OUTPUTS_DRIVER REPO_ROOT"""
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import Checker, free_port, skip, tmpdir, wait_until  # noqa: E402

ROOT = sys.argv[2]
T = Checker("test_proc_pressure")
VIGIL = os.environ.get("VIGIL_BIN") or os.path.join(ROOT, "build", "engine", "vigil")
if os.geteuid() != 0:
    skip("needs root to load BPF programs")
if not os.access(VIGIL, os.X_OK):
    skip(f"no vigil binary at {VIGIL}")

SLEEPERS = 300
HEADROOM = 100  # room for the host's own churn before the sleepers
WARN = "the process table is full"
D = tmpdir("vigil-procpressure-")
mport = free_port()
with open(f"{D}/vigil.yaml", "w") as f:
    f.write(f"""stdout_output:
  enabled: false
metrics:
  enabled: true
  listen_address: 127.0.0.1:{mport}
""")
host_procs = sum(1 for d in os.listdir("/proc") if d.isdigit())
max_procs = host_procs + HEADROOM


def metrics():
    with urllib.request.urlopen(f"http://127.0.0.1:{mport}/metrics", timeout=10) as r:
        return r.read().decode()


def sample(text, name, labels=""):
    m = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


def live_evictions():
    t = metrics()
    return sample(t, "vigil_proc_table_evictions_total", '{reason="live",limit="entries"}')


err = open(f"{D}/vigil.err", "w+")
v = subprocess.Popen([VIGIL, "run", "-c", f"{D}/vigil.yaml", "-r", os.path.join(ROOT, "rules"),
                      "--max-procs", str(max_procs)], stdout=subprocess.DEVNULL, stderr=err)
sleepers = []


def log():
    err.flush()
    with open(f"{D}/vigil.err") as f:
        return f.read()


try:
    wait_until(lambda: "ready" in log() or v.poll() is not None, "vigil to be ready", 120)
    if not T.check(v.poll() is None, "vigil is running"):
        raise AssertionError(f"vigil exited with {v.returncode}")
    time.sleep(1.5)  # a gauge tick
    text = metrics()
    T.eq(sample(text, "vigil_process_table_max_entries"), float(max_procs),
         "vigil_process_table_max_entries is --max-procs")
    T.eq(live_evictions(), 0.0, f"no live eviction before the sleepers ({host_procs} processes, "
         f"table of {max_procs})")
    T.check(WARN not in log(), "no warning before the sleepers")
    t0 = time.monotonic()
    for _ in range(SLEEPERS):
        sleepers.append(subprocess.Popen(["sleep", "60"]))
    spawn_s = time.monotonic() - t0
    # the table holds max_procs; SLEEPERS live ones more than HEADROOM cannot all fit
    want = SLEEPERS - HEADROOM - 50
    got = wait_until(lambda: (live_evictions() or 0) >= want and live_evictions(),
                     f"at least {want} live evictions counted", 30)
    T.check(got >= want, f"vigil_proc_table_evictions_total{{reason=live}} {got} >= {want}")
    warnings = [x for x in log().splitlines() if WARN in x]
    T.check(len(warnings) >= 1, "a warning says the table is full")
    if warnings:
        T.check(f"({max_procs} entries)" in warnings[0], f"it names the size: {warnings[0]}")
        T.check("--max-procs" in warnings[0] and "process_table_size" in warnings[0],
                "it names the option and the config key to raise")
    # one warning per 10 s at most, however many were evicted
    allowed = 1 + int((time.monotonic() - t0) / 10)
    T.check(len(warnings) <= allowed,
            f"{len(warnings)} warning(s) for {got:.0f} live evictions in "
            f"{time.monotonic() - t0:.1f} s (spawning took {spawn_s:.1f} s): at most {allowed}")
    time.sleep(1.5)
    T.eq(sample(metrics(), "vigil_proc_table_warnings_total"), float(len(warnings)),
         "vigil_proc_table_warnings_total counts the warnings logged")
    v.send_signal(signal.SIGTERM)
    T.eq(v.wait(timeout=60), 0, "exit status after SIGTERM")
except AssertionError as e:
    T.check(False, f"{e}\n--- vigil's stderr ---\n{log()[-3000:]}")
finally:
    for s in sleepers:
        s.kill()
    for s in sleepers:
        s.wait()
    if v.poll() is None:
        v.kill()
        v.wait()
    import shutil
    shutil.rmtree(D, ignore_errors=True)
T.done()
