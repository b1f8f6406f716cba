#!/usr/bin/env bash
# Each way vigil cannot start gives one clear line and a non-zero exit:
# no privileges, no BTF, a ring buffer the kernel cannot allocate, bad options.
set -uo pipefail
vigil=${1:?usage: errors.sh VIGIL_BINARY}
failures=0 passed=0

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (runs vigil as another user and in a private mount namespace)"
	exit 77
fi

# expect NAME EXPECTED_TEXT COMMAND...: the command fails and says EXPECTED_TEXT.
expect() {
	local name=$1 want=$2 out rc
	shift 2
	out=$(timeout 60 "$@" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -qF -- "$want" <<<"$out"; then
		echo "ok: $name"
		passed=$((passed + 1))
	else
		echo "FAIL: $name: exit $rc, wanted '$want' in:"
		echo "$out" | sed 's/^/    /'
		failures=$((failures + 1))
	fi
}

expect "unprivileged user is refused" "needs root, or CAP_BPF and CAP_PERFMON" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$vigil" events

expect "missing kernel BTF is named" "no kernel BTF at /sys/kernel/btf/vmlinux" \
	unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf && exec "$0" events' "$vigil"

expect "ring buffer size must be a power of two" "is not a power of two" \
	"$vigil" events --ringbuf-size 3M
expect "ring buffer size must be a size" "expected a size (bytes, or with K, M or G), got 'lots'" \
	"$vigil" events --ringbuf-size lots

# expect_usage NAME EXPECTED_TEXT COMMAND...: exit 2 (a usage error) promptly, saying
# EXPECTED_TEXT. --max-procs -5 once spun forever at start-up and ignored SIGINT: the
# timeout kills it then, which fails the check.
expect_usage() {
	local name=$1 want=$2 out rc
	shift 2
	out=$(timeout -k 2 10 "$@" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qF -- "$want" <<<"$out"; then
		passed=$((passed + 1))
	else
		echo "FAIL: $name: exit $rc (wanted 2), wanted '$want' in:"
		echo "$out" | sed 's/^/    /'
		failures=$((failures + 1))
	fi
}

# Every numeric option of every command that has one (run, events, capture; validate,
# rules, fields, features and replay take none): negative, 2^63, an exponent,
# trailing text and zero are refused with the range.
for cmd in run events capture; do
	args=()
	[ "$cmd" = capture ] && args=(-w /dev/null)
	for opt in --max-procs --ringbuf-size; do
		if [ "$opt" = --max-procs ]; then
			range="[64, 4194304]" what="a whole number"
		else
			range="[4K, 2G]" what="a size (bytes, or with K, M or G)"
		fi
		for v in -5 9223372036854775808 18446744073709551616 0; do
			expect_usage "$cmd $opt $v" "vigil: $opt: $v is out of range $range" \
				"$vigil" "$cmd" "${args[@]}" "$opt" "$v"
		done
		for v in 1e3 12abc ""; do
			expect_usage "$cmd $opt '$v'" "vigil: $opt: expected $what, got '$v'" \
				"$vigil" "$cmd" "${args[@]}" "$opt" "$v"
		done
	done
	expect_usage "$cmd --max-procs 63" "63 is out of range [64, 4194304]" \
		"$vigil" "$cmd" "${args[@]}" --max-procs 63
	expect_usage "$cmd --max-procs 4194305" "4194305 is out of range [64, 4194304]" \
		"$vigil" "$cmd" "${args[@]}" --max-procs 4194305
	expect_usage "$cmd --ringbuf-size 4G" "4G is out of range [4K, 2G]" \
		"$vigil" "$cmd" "${args[@]}" --ringbuf-size 4G
done
echo "ok: numeric options of run, events and capture refused out of range with exit 2"

# The ends of the ranges still work: vigil starts, and SIGINT stops it with exit 0.
starts() {
	local name=$1 log
	shift
	log=$(mktemp)
	"$@" >/dev/null 2>"$log" &
	local pid=$! ok=0
	for _ in $(seq 1 300); do
		grep -q "ready" "$log" && { ok=1; break; }
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	local rc=$?
	if [ "$ok" = 1 ] && [ "$rc" -eq 0 ]; then
		echo "ok: $name"
		passed=$((passed + 1))
	else
		echo "FAIL: $name: ready=$ok exit $rc"
		sed 's/^/    /' "$log" | tail -5
		failures=$((failures + 1))
	fi
	rm -f "$log"
}
starts "events with --max-procs 64 --ringbuf-size 4K" "$vigil" events --max-procs 64 --ringbuf-size 4K
starts "events with --max-procs 4194304 --ringbuf-size 16MiB" "$vigil" events --max-procs 4194304 \
	--ringbuf-size 16MiB
expect "unknown command" "unknown command 'frobnicate'" "$vigil" frobnicate

# A memory cgroup too small for the ring buffer: the kernel charges BPF maps to it.
memcg=""
if [ -d /sys/fs/cgroup/memory ] && mkdir -p /sys/fs/cgroup/memory/vigil-errors-$$ 2>/dev/null; then
	memcg=/sys/fs/cgroup/memory/vigil-errors-$$
	echo $((64 << 20)) >"$memcg/memory.limit_in_bytes"
elif [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	memcg=/sys/fs/cgroup/vigil-errors-$$
	mkdir -p "$memcg" && echo $((64 << 20)) >"$memcg/memory.max"
fi
if [ -n "$memcg" ]; then
	expect "ring buffer allocation failure is named" "cannot allocate the 256 MiB ring buffer" \
		sh -c 'echo $$ > "$1/cgroup.procs" && exec "$0" events --ringbuf-size 256M' "$vigil" "$memcg"
	sleep 0.2
	rmdir "$memcg" 2>/dev/null
else
	echo "skip: ring buffer allocation failure (no memory cgroup to limit vigil with)"
fi

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
