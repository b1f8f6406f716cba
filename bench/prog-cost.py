#!/usr/bin/env python3
"""What each of vigil's BPF programs costs per run, from the kernel's own
count (sysctl kernel.bpf_stats_enabled=1; bpftool prog show's run_time_ns
and run_cnt), under one workload at a time: opens of a path no rule can
match (the prefilter drops them), opens of a watched path (each is sent),
fork+exec. Wall-clock ratios swing with the load of a shared machine; the
time spent inside the programs much less, so this is the figure that tells
two builds apart. Alternates the binaries given, medians over the rounds.
Needs root and bpftool.

  bench/prog-cost.py [-b BUILD_DIR] [-r ROUNDS] [-s SECONDS] [-R RULES]
                     [LABEL=VIGIL_BINARY ...]

Without binaries, BUILD_DIR's vigil alone. RULES defaults to Falco's
stable rules (../shared/anchors/falco-rules/falco_rules.yaml).
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKLOADS = [
    ("open, unwatched", ["open", "/tmp/vigil-kcost-unwatched.txt"]),
    ("open, watched", ["open", "/var/log/dpkg.log"]),
    ("fork+exec", ["exec"]),
]


def prog_ids(pid):
    ids = set()
    fd_dir = f"/proc/{pid}/fdinfo"
    for fd in os.listdir(fd_dir):
        try:
            with open(os.path.join(fd_dir, fd)) as f:
                for line in f:
                    if line.startswith("prog_id:"):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass
    return ids


def snapshot(ids):
    out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True, check=True)
    return {p["name"]: (p.get("run_cnt", 0), p.get("run_time_ns", 0))
            for p in json.loads(out.stdout) if p["id"] in ids}


def start_vigil(binary, rules):
    # metrics off: the default port may be taken by another vigil
    p = subprocess.Popen([binary, "run", "-o", "metrics.enabled=false", "-r", rules],
                         stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    for line in p.stderr:
        if "vigil: ready" in line:
            return p
    sys.exit(f"prog-cost: {binary} did not become ready (exit {p.wait()})")


def one_round(binary, rules, storm, seconds, results):
    p = start_vigil(binary, rules)
    try:
        ids = prog_ids(p.pid)
        for name, args in WORKLOADS:
            before = snapshot(ids)
            subprocess.run([storm, args[0], str(seconds)] + args[1:], check=True,
                           stdout=subprocess.DEVNULL)
            after = snapshot(ids)
            for prog, (cnt, ns) in after.items():
                runs = cnt - before.get(prog, (0, 0))[0]
                if runs > 0:
                    results.setdefault((name, prog), []).append(
                        ((ns - before[prog][1]) / runs, runs))
    finally:
        p.send_signal(signal.SIGINT)
        p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-b", "--build", default="build")
    ap.add_argument("-r", "--rounds", type=int, default=5)
    ap.add_argument("-s", "--seconds", type=float, default=3)
    ap.add_argument("-R", "--rules",
                    default=os.path.join(HERE, "../shared/anchors/falco-rules/falco_rules.yaml"))
    ap.add_argument("binaries", nargs="*")
    a = ap.parse_args()
    if not os.path.exists(a.rules):
        sys.exit(f"prog-cost: {a.rules}: absent (give -R RULES)")
    bins = [b.split("=", 1) for b in a.binaries] or [["vigil", f"{a.build}/engine/vigil"]]
    storm = f"{a.build}/bench/storm"
    for _, path in WORKLOADS[:2]:
        open(path[1], "a").close()
    with open("/proc/sys/kernel/bpf_stats_enabled") as f:
        was = f.read().strip()
    subprocess.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=1"], check=True)
    results = {label: {} for label, _ in bins}
    try:
        for _ in range(a.rounds):
            for label, binary in bins:
                one_round(binary, a.rules, storm, a.seconds, results[label])
    finally:
        subprocess.run(["sysctl", "-qw", f"kernel.bpf_stats_enabled={was}"])
    load = open("/proc/loadavg").read().split()[:3]
    print(f"ns per program run (median of {a.rounds} rounds; load {' '.join(load)}; "
          f"the machine's other processes run the same hooks too)")
    keys = sorted({k for r in results.values() for k in r},
                  key=lambda k: ([w for w, _ in WORKLOADS].index(k[0]), k[1]))
    labels = [label for label, _ in bins]
    print("| workload | program | " + " | ".join(labels) + " |")
    print("|" + " --- |" * (len(labels) + 2))
    for k in keys:
        cells = []
        for label in labels:
            v = results[label].get(k)
            cells.append("%.0f ns (%d runs)" % (statistics.median(x for x, _ in v),
                                                 statistics.median(n for _, n in v))
                         if v else "-")
        if any(c != "-" for c in cells):
            print(f"| {k[0]} | {k[1]} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
