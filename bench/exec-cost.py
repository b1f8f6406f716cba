#!/usr/bin/env python3
"""What one fork+exec+wait costs vigil's user space: vigil's CPU time (all
threads, from /proc/PID/task/*/schedstat, ns on CPU) over a loop of execs,
divided by the execs, and the events decoded per exec by type (the
vigil_events_total counter of /metrics). The loop is build/bench/storm's
fork+exec of /bin/true for a fixed count. Needs root.

  bench/exec-cost.py [-b BUILD_DIR] [-n EXECS] [-r ROUNDS] [-R RULES]... [LABEL=VIGIL ...]

Each -R is one ruleset (a file or a directory); each is measured with each
binary, alternated round by round; medians.
"""
import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_ns(pid):
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total


def events(port):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    out = {}
    for m in re.finditer(r'^vigil_events_total\{type="([^"]+)"\} (\d+)', text, re.M):
        out[m.group(1)] = int(m.group(2))
    return out


def start(binary, rules, port):
    p = subprocess.Popen([binary, "run", "-o", f"metrics.listen_address=127.0.0.1:{port}", "-r", rules],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in p.stderr:
        if "vigil: ready" in line:
            return p
    sys.exit(f"exec-cost: {binary} did not become ready (exit {p.wait()})")


def execs(n):
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            try:
                os.execv("/bin/true", ["true"])
            finally:
                os._exit(127)
        os.waitpid(pid, 0)


def one(binary, rules, n):
    port = free_port()
    p = start(binary, rules, port)
    try:
        time.sleep(1)
        cpu, ev, took = window(p.pid, port, lambda: execs(n))
        # the same time without the loop: the other processes' share
        cpu0, ev0, _ = window(p.pid, port, lambda: time.sleep(took))
    finally:
        p.send_signal(signal.SIGINT)
        p.wait()
    return (cpu - cpu0) / n, {k: (v - ev0.get(k, 0)) / n for k, v in ev.items()}


def window(pid, port, work):
    """vigil's CPU ns and events by type over work() and the drain after it."""
    ev0, c0, t0 = events(port), cpu_ns(pid), time.monotonic()
    work()
    took = time.monotonic() - t0
    time.sleep(0.1)  # the reader polls every 20 ms
    c1, ev1 = cpu_ns(pid), events(port)
    return c1 - c0, {k: v - ev0.get(k, 0) for k, v in ev1.items()}, took


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-b", "--build", default="build")
    ap.add_argument("-n", "--execs", type=int, default=3000)
    ap.add_argument("-r", "--rounds", type=int, default=3)
    ap.add_argument("-R", "--rules", action="append")
    ap.add_argument("binaries", nargs="*")
    a = ap.parse_args()
    rulesets = a.rules or ["rules"]
    bins = [b.split("=", 1) for b in a.binaries] or [["vigil", f"{a.build}/engine/vigil"]]
    res = {}
    for _ in range(a.rounds):
        for rules in rulesets:
            for label, binary in bins:
                res.setdefault((rules, label), []).append(one(binary, rules, a.execs))
    load = open("/proc/loadavg").read().split()[:3]
    print(f"vigil's CPU per fork+exec+wait of /bin/true ({a.execs} execs, median of "
          f"{a.rounds}; load {' '.join(load)}; less an idle window as long: other processes' share)")
    print("| rules | binary | vigil CPU per exec | events per exec, by type |")
    print("| --- | --- | --- | --- |")
    for (rules, label), runs in res.items():
        cpu = statistics.median(c for c, _ in runs)
        kinds = sorted({k for _, e in runs for k in e})
        med = {k: statistics.median(e.get(k, 0) for _, e in runs) for k in kinds}
        ev = ", ".join("%s %.2f" % (k, v) for k, v in med.items() if abs(v) >= 0.05)
        print(f"| {os.path.basename(rules.rstrip('/'))} | {label} | {cpu / 1000:.1f} us | {ev} |")


if __name__ == "__main__":
    main()
