#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Start-up to the first alert (issue 20: at most 0.5 s), stage by stage.
#
#   bench/startup.sh [BUILD_DIR] [RUNS] [-- vigil run options]   (root; default build, 7 runs,
#                                                                  -r rules/)
#   OTHER=/path/to/other/vigil bench/startup.sh ...   (alternates the two, run by run)
#
# Each run starts `vigil run` with VIGIL_TRACE_STARTUP=1 (one stderr line per
# stage: wall and CPU time, all threads, kernel time included: the verifier
# runs in the bpf() syscall), reads /etc/shadow every 10 ms (a default rule
# alerts on it) and takes the time from the start to the first alert line.
# It prints the median of each stage's wall and CPU time, of the time to
# the first alert, of vigil's CPU time (all threads, from /proc/PID/stat)
# until that alert, and the load average beside them: wall times on a
# shared machine are noisy, CPU times much less. The stage lines need a
# vigil with the trace; the first alert and its CPU time work with any.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-7}
shift $(($# > 2 ? 2 : $#)) || true
[ "${1:-}" = "--" ] && shift
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-r "$here/rules")
vigils=("$build/engine/vigil")
[ -n "${OTHER:-}" ] && vigils+=("$OTHER")
for v in "${vigils[@]}"; do
	[ -x "$v" ] || { echo "startup.sh: no $v (scripts/build.sh build)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "startup.sh: needs root (vigil loads BPF)" >&2; exit 1; }
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

one_run() { # VIGIL TAG RUN
	local t0 t1
	: >"$work/out" # before the start: the loop below must not see the last run's alert
	t0=$(date +%s%N)
	VIGIL_TRACE_STARTUP=1 "$1" run -o metrics.enabled=false "${args[@]}" \
		>>"$work/out" 2>"$work/err.$2.$3" &
	pid=$!
	while ! grep -q '"output"' "$work/out"; do
		head -c1 /etc/shadow >/dev/null
		sleep 0.01
		if [ $(($(date +%s%N) - t0)) -gt 30000000000 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "startup.sh: no alert within 30 s ($1, run $3):" >&2
			tail -5 "$work/err.$2.$3" >&2
			exit 1
		fi
	done
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >>"$work/first.$2"
	# user + system CPU of all its threads until then (clock ticks), old builds too
	awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) * 1000 / hz }' \
		"/proc/$pid/stat" >>"$work/cpu.$2"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=
	sleep 0.3
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs of vigil run ${args[*]}"
for i in $(seq "$runs"); do
	for t in "${!vigils[@]}"; do
		one_run "${vigils[$t]}" "$t" "$i"
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

for t in "${!vigils[@]}"; do
	echo "== ${vigils[$t]}"
	python3 - "$work" "$runs" "$t" <<'PY'
import re, statistics, sys
work, runs, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
stages, at, step, cpu_at, cpu_step = [], {}, {}, {}, {}
num = r"\s+([\d.]+) ms \(\+\s*([\d.]+)\)"
pat = re.compile(r"vigil: startup: (.+?)\s+wall" + num + r" cpu" + num)
for i in range(1, runs + 1):
    for line in open(f"{work}/err.{tag}.{i}"):
        m = pat.match(line)
        if not m:
            continue
        s = m.group(1)
        if s not in stages:
            stages.append(s)
        for d, g in ((at, 2), (step, 3), (cpu_at, 4), (cpu_step, 5)):
            d.setdefault(s, []).append(float(m.group(g)))
med = statistics.median
first = [int(x) for x in open(f"{work}/first.{tag}")]
cpu = [float(x) for x in open(f"{work}/cpu.{tag}")]
if stages:
    # "at": since the first mark; "step": the marking thread's own since its
    # previous mark (the probe loader's stages overlap the main thread's)
    print("| stage | at, wall ms | step, wall ms | at, CPU ms | step, CPU ms (its thread) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for s in stages:
        print(f"| {s} | {med(at[s]):.1f} | {med(step[s]):.1f} | {med(cpu_at[s]):.1f} | "
              f"{med(cpu_step[s]):.1f} |")
else:
    print("(no VIGIL_TRACE_STARTUP lines: a vigil from before the trace)")
print(f"time to the first alert: median {med(first):.0f} ms, min {min(first):.0f}, "
      f"max {max(first):.0f} ({len(first)} runs); vigil's CPU time until then: median "
      f"{med(cpu):.0f} ms, min {min(cpu):.0f}, max {max(cpu):.0f}")
PY
done
