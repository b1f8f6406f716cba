#!/usr/bin/env bash
# What vigil drops under the issue's storm (issue 20: opens of a path a
# rule alerts on pinned to CPU 0, fork+exec pinned to CPU 1, both cores
# busy), with priority_boost at its default (4) and at 0, alternated run by
# run: the kernel's sent/dropped counters, the stdout output's accepted and
# dropped alerts (queue full), vigil's CPU time (all threads) over the storm
# and the storm's rates. Needs root.
#   bench/storm-drops.sh [BUILD_DIR] [RUNS] [-- vigil run options]
#   (default build, 3 runs, -r rules/; STORM=10 seconds; BOOSTS="4 0")
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-3}
shift $(($# > 2 ? 2 : $#)) || true
[ "${1:-}" = "--" ] && shift
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-r "$here/rules")
storm_s=${STORM:-10}
vigil=$build/engine/vigil
storm=$build/bench/storm
for b in "$vigil" "$storm"; do
	[ -x "$b" ] || { echo "storm-drops: $b: not built (scripts/build.sh build)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "storm-drops: needs root (vigil loads BPF)" >&2; exit 1; }
work=$(mktemp -d /tmp/vigil-storm-drops.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }

echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; ${storm_s} s storms; vigil run ${args[*]}"
echo "| run | priority_boost | vigil CPU s | opens/s | execs/s | kernel sent | kernel dropped | alerts | alerts dropped |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for r in $(seq "$runs"); do
	for boost in ${BOOSTS:-4 0}; do
		"$vigil" run -o metrics.enabled=false -o priority_boost="$boost" "${args[@]}" \
			>"$work/out" 2>"$work/err" &
		pid=$!
		for _ in $(seq 600); do
			grep -q "vigil: ready" "$work/err" && break
			kill -0 "$pid" 2>/dev/null || { tail -5 "$work/err" >&2; exit 1; }
			sleep 0.05
		done
		sleep 1
		c0=$(ticks)
		taskset -c 0 "$storm" open "$storm_s" /etc/shadow >"$work/open.rate" &
		opener=$!
		taskset -c 1 "$storm" exec "$storm_s" >"$work/exec.rate"
		wait "$opener"
		c1=$(ticks)
		sleep 1
		kill -INT "$pid"
		wait "$pid" || true
		pid=
		read -r sent dropped < <(grep -o 'kernel: .*' "$work/err" |
			grep -o '[a-z]* sent=[0-9]* dropped=[0-9]*' |
			awk -F'[ =]' '{ s += $3; d += $5 } END { print s + 0, d + 0 }')
		read -r accepted adropped < <(grep -o 'output stdout: accepted=[0-9]* delivered=[0-9]* dropped=[0-9]*' "$work/err" |
			awk -F'[ =]' '{ print $4, $8 }')
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$r" "$boost" \
			"$(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }')" \
			"$(grep -o '[0-9]*/s' "$work/open.rate" | tr -d /s)" \
			"$(grep -o '[0-9]*/s' "$work/exec.rate" | tr -d /s)" \
			"$sent" "$dropped" "${accepted:-?}" "${adropped:-?}"
	done
done
