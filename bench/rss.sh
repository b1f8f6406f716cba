#!/usr/bin/env bash
# vigil's resident memory, by region, idle and after a storm, for one or more
# ring buffer sizes (issue 20: at most 32 MB with the default rules).
#
#   bench/rss.sh [BUILD] [RULES...]        (RULES default: rules/)
#   RINGBUF="256K 1M 8M" STORM=5 bench/rss.sh build rules/ ../shared/anchors/falco-rules/falco_rules.yaml
#
# For each ring buffer size: start `vigil run -r RULES...`, wait for "ready"
# and 2 s more, read /proc/PID/status and smaps (idle); then open+close of a
# watched path on CPU 0 and fork+exec on CPU 1, as fast as each core goes,
# for STORM seconds (bench/storm, as bench/kernel-cost.sh does); read them
# again (after: exited processes still linger, 5 s) and once more 10 s
# later (settled: their state freed and given back), and the kernel's
# sent/dropped counters that vigil prints on exit. Regions: the ring buffer (its data pages are mapped twice, so RSS
# shows twice its size), the heap, other anonymous memory (thread stacks,
# mmap'd blocks), and file-backed pages (the binary and its libraries,
# shared with other processes but counted in every one's RSS).
set -euo pipefail
build=${1:-build}
shift || true
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- "$here/rules"
storm_s=${STORM:-5}
vigil=$build/engine/vigil
storm=$build/bench/storm
for b in "$vigil" "$storm"; do
	[ -x "$b" ] || { echo "rss: $b: not built (scripts/build.sh $build)" >&2; exit 1; }
done
rules=()
for r in "$@"; do rules+=(-r "$r"); done
work=$(mktemp -d /tmp/vigil-rss.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# "total ring heap anon file" in MB, from smaps
regions() {
	awk '/^[0-9a-f]+-[0-9a-f]+ /{ name = $6 } /^Rss:/ {
		if (name == "anon_inode:bpf-map") ring += $2
		else if (name == "[heap]") heap += $2
		else if (name == "" || name ~ /^\[/) anon += $2
		else file += $2
		tot += $2
	} END { printf "%.1f %.1f %.1f %.1f %.1f", tot/1024, ring/1024, heap/1024, anon/1024, file/1024 }' "/proc/$1/smaps"
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg); rules: $*"
printf '| ring buffer | idle RSS (ring, heap, other anon, files) MB | after the storm MB | 10 s later MB | storm: opens/s, execs/s | kernel sent, dropped |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
for rb in ${RINGBUF:-8M}; do
	"$vigil" run -o metrics.enabled=false --ringbuf-size "$rb" "${rules[@]}" >"$work/out" 2>&1 &
	pid=$!
	for _ in $(seq 600); do
		grep -q "vigil: ready" "$work/out" && break
		kill -0 "$pid" 2>/dev/null || { tail -5 "$work/out" >&2; exit 1; }
		sleep 0.05
	done
	sleep 2
	read -r t r h a f <<<"$(regions "$pid")"
	taskset -c 0 "$storm" open "$storm_s" /etc/shadow >"$work/open.rate" &
	taskset -c 1 "$storm" exec "$storm_s" >"$work/exec.rate"
	wait $!
	sleep 1
	read -r t2 r2 h2 a2 f2 <<<"$(regions "$pid")"
	sleep 10
	read -r t3 r3 h3 a3 f3 <<<"$(regions "$pid")"
	kill -INT "$pid"
	wait "$pid" || true
	pid=
	printf '| %s | %s (%s, %s, %s, %s) | %s (%s, %s, %s, %s) | %s (%s, %s, %s, %s) | %s, %s | %s |\n' \
		"$rb" "$t" "$r" "$h" "$a" "$f" "$t2" "$r2" "$h2" "$a2" "$f2" "$t3" "$r3" "$h3" "$a3" "$f3" \
		"$(grep -o '[0-9]*/s' "$work/open.rate")" "$(grep -o '[0-9]*/s' "$work/exec.rate")" \
		"$(grep -o 'kernel: .*' "$work/out" | grep -o '[a-z]* sent=[0-9]* dropped=[0-9]*' |
			awk -F'[ =]' '{ s += $3; d += $5 } END { printf "%d, %d", s, d }')"
done
