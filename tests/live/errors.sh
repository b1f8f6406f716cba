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
expect "ring buffer size must be a size" "is not a size" "$vigil" events --ringbuf-size lots
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
