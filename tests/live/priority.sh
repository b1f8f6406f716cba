#!/usr/bin/env bash
# priority_boost (as auditd's): every thread of vigil runs that many nice
# steps above the shell that started it (4 by default), and at the same
# nice with priority_boost: 0. A busy host then cannot starve the reader of
# the ring buffer into dropping events (docs/performance.md). Not timed.
set -uo pipefail
vigil=${1:?usage: priority.sh VIGIL_BINARY RULES_DIR}
rules=${2:?usage: priority.sh VIGIL_BINARY RULES_DIR}

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (loads the probes)"
	exit 77
fi
work=$(mktemp -d /tmp/vigil-priority.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
base=$(awk '{ print $19 }' /proc/self/stat)
fail=0

# the nice value of each of vigil's threads, one per line: "comm nice"
threads() { for t in /proc/"$pid"/task/*; do echo "$(cat "$t/comm") $(awk '{ print $19 }' "$t/stat")"; done; }

# Whether vigil ($pid) said "ready" in $work/err within 60 s.
wait_ready() {
	for _ in $(seq 600); do
		grep -q "vigil: ready" "$work/err" && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

check() { # WANT [vigil run options...]
	local want=$1 n=0 bad
	shift
	"$vigil" run -o metrics.listen_address=127.0.0.1:0 "$@" -r "$rules" >/dev/null 2>"$work/err" &
	pid=$!
	if ! wait_ready; then
		echo "FAIL: vigil did not start ($*):"
		tail -5 "$work/err"
		fail=1
		return
	fi
	threads >"$work/threads"
	n=$(wc -l <"$work/threads")
	bad=$(awk -v w="$want" '$NF != w' "$work/threads")
	if [ -n "$bad" ] || [ "$n" -lt 2 ]; then
		echo "FAIL: want every thread at nice $want ($*), $n threads:"
		cat "$work/threads"
		fail=1
	else
		echo "ok: $n threads at nice $want ($*)"
	fi
	grep "priority_boost" "$work/err" && { echo "FAIL: a warning above"; fail=1; }
	kill -INT "$pid"
	wait "$pid" 2>/dev/null
	pid=
}

check $((base - 4 < -20 ? -20 : base - 4))
check "$base" -o priority_boost=0
check $((base - 9 < -20 ? -20 : base - 9)) -o priority_boost=9
# without CAP_SYS_NICE: said once, and vigil runs on at its own priority
if command -v capsh >/dev/null; then
	capsh --drop=cap_sys_nice -- -c "exec $vigil run -o metrics.listen_address=127.0.0.1:0 -r $rules" \
		>/dev/null 2>"$work/err" &
	pid=$!
	if wait_ready &&
		grep -q "priority_boost 4: a thread keeps its priority: Permission denied" "$work/err"; then
		echo "ok: without CAP_SYS_NICE vigil says so and runs"
	else
		echo "FAIL: without CAP_SYS_NICE:"
		tail -5 "$work/err"
		fail=1
	fi
else
	echo "note: no capsh (libcap2-bin): the check without CAP_SYS_NICE is skipped"
fi
exit "$fail"
