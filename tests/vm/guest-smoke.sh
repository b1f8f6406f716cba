#!/bin/sh
# guest-smoke.sh: runs inside the test VM (busybox sh) and checks that the
# guest kernel has what vigil's live tests need: the BPF LSM enabled, kernel
# BTF, and the sched_process_exec tracepoint. Exits non-zero if any is missing.

missing=0

check() { # DESCRIPTION TEST-ARGS...
	what=$1
	shift
	if "$@"; then
		echo "smoke: ok      $what"
	else
		echo "smoke: MISSING $what"
		missing=$((missing + 1))
	fi
}

lsm_has_bpf() {
	tr ',' '\n' </sys/kernel/security/lsm | grep -qx bpf
}

echo "smoke: kernel $(uname -r)"
echo "smoke: lsm list: $(cat /sys/kernel/security/lsm 2>/dev/null || echo '<unreadable>')"
echo "smoke: lockdown: $(cat /sys/kernel/security/lockdown 2>/dev/null || echo '<none>')"
check "bpf in /sys/kernel/security/lsm" lsm_has_bpf
check "/sys/kernel/btf/vmlinux" test -s /sys/kernel/btf/vmlinux
check "tracepoint sched/sched_process_exec" \
	test -d /sys/kernel/tracing/events/sched/sched_process_exec
check "bpffs at /sys/fs/bpf" grep -q ' /sys/fs/bpf bpf ' /proc/mounts
check "cgroup2 at /sys/fs/cgroup" test -f /sys/fs/cgroup/cgroup.controllers

echo "smoke: $missing missing"
[ "$missing" -eq 0 ]
