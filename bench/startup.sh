#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Start-up to the first alert (issue 20: at most 0.5 s), stage by stage.
#
#   bench/startup.sh [BUILD_DIR] [RUNS] [-- vigil run options]   (root; default build, 7 runs,
#                                                                  -r rules/)
#
# Each run starts `vigil run` with VIGIL_TRACE_STARTUP=1 (one stderr line per
# stage: wall and CPU time, all threads, kernel time included: the verifier
# runs in the bpf() syscall), reads /etc/shadow every 10 ms (a default rule
# alerts on it) and takes the time from the start to the first alert line.
# It prints the median of each stage's wall and CPU time and of the time to
# the first alert, and the load average beside them: wall times on a shared
# machine are noisy, CPU times much less.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-7}
shift $(($# > 2 ? 2 : $#)) || true
[ "${1:-}" = "--" ] && shift
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-r "$here/rules")
vigil=$build/engine/vigil
[ -x "$vigil" ] || { echo "startup.sh: no $vigil (scripts/build.sh build)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "startup.sh: needs root (vigil loads BPF)" >&2; exit 1; }
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs of vigil run ${args[*]}"
for i in $(seq "$runs"); do
	t0=$(date +%s%N)
	VIGIL_TRACE_STARTUP=1 "$vigil" run -o metrics.enabled=false "${args[@]}" \
		>"$work/out" 2>"$work/err.$i" &
	pid=$!
	while ! grep -q '"output"' "$work/out"; do
		head -c1 /etc/shadow >/dev/null
		sleep 0.01
		if [ $(($(date +%s%N) - t0)) -gt 30000000000 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "startup.sh: no alert within 30 s (run $i):" >&2
			tail -5 "$work/err.$i" >&2
			exit 1
		fi
	done
	t1=$(date +%s%N)
	echo "first_alert $(((t1 - t0) / 1000)) " >>"$work/err.$i"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=
	sleep 0.3
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work" "$runs" <<'PY'
import re, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
stages, wall, cpu, first = [], {}, {}, []
pat = re.compile(r"vigil: startup: (.+?)\s+wall\s+\S+ ms \(\+\s*([\d.]+)\) cpu\s+\S+ ms \(\+\s*([\d.]+)\)")
for i in range(1, runs + 1):
    for line in open(f"{work}/err.{i}"):
        m = pat.match(line)
        if m:
            s = m.group(1)
            if s not in stages:
                stages.append(s)
            wall.setdefault(s, []).append(float(m.group(2)))
            cpu.setdefault(s, []).append(float(m.group(3)))
        elif line.startswith("first_alert "):
            first.append(int(line.split()[1]) / 1000)
med = statistics.median
print("| stage | wall ms (median) | CPU ms (median) |")
print("| --- | ---: | ---: |")
for s in stages:
    print(f"| {s} | {med(wall[s]):.1f} | {med(cpu[s]):.1f} |")
print(f"| **sum of stages** | {sum(med(wall[s]) for s in stages):.1f} | "
      f"{sum(med(cpu[s]) for s in stages):.1f} |")
print(f"time to the first alert: median {med(first):.0f} ms, min {min(first):.0f}, "
      f"max {max(first):.0f} ({len(first)} runs)")
PY
