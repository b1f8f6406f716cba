#!/usr/bin/env bash
# vigil's resident memory with the default rules stays far below what it was
# (issue 20: at most 32 MB; 114 MB when the sequence state was touched at
# load and start-up's transients stayed on the heap): VmRSS after "ready",
# and again after a burst of execs once their exited processes have gone
# (5 s linger), under a bound with a clear margin. Not timed: a bound on
# memory, read from /proc/PID/status. bench/rss.sh has the breakdown.
set -uo pipefail
vigil=${1:?usage: rss.sh VIGIL_BINARY RULES_DIR}
rules=${2:?usage: rss.sh VIGIL_BINARY RULES_DIR}
bound_kb=${RSS_BOUND_KB:-40960}

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (loads the probes)"
	exit 77
fi
work=$(mktemp -d /tmp/vigil-rss.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }

"$vigil" run -o metrics.enabled=false -r "$rules" >/dev/null 2>"$work/err" &
pid=$!
for _ in $(seq 600); do
	grep -q "vigil: ready" "$work/err" && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if ! grep -q "vigil: ready" "$work/err"; then
	echo "FAIL: vigil did not start:"
	tail -5 "$work/err"
	exit 1
fi
sleep 2
# the process measured is vigil itself, not a wrapper
[ "$(cat "/proc/$pid/comm")" = vigil ] || { echo "FAIL: pid $pid is not vigil"; exit 1; }
idle=$(rss_kb)
echo "RSS idle: $idle kB (bound $bound_kb kB)"
# 3000 short-lived processes: each one is state (process table, fd table,
# environment) until 5 s after its exit
for _ in $(seq 30); do
	(
		for _ in $(seq 100); do /bin/true & done
		wait # in a subshell: vigil is not its child
	)
done
sleep 8
/bin/true # an event: the process table expires its exited entries as events pass
sleep 1
after=$(rss_kb)
echo "RSS after 3000 execs and their linger: $after kB (bound $bound_kb kB)"
fail=0
[ "$idle" -le "$bound_kb" ] || { echo "FAIL: idle RSS $idle kB over $bound_kb kB"; fail=1; }
[ "$after" -le "$bound_kb" ] || { echo "FAIL: RSS after the execs $after kB over $bound_kb kB"; fail=1; }
[ "$fail" = 0 ] && echo "ok: RSS within $bound_kb kB"
exit "$fail"
