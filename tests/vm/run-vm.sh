#!/usr/bin/env bash
# run-vm.sh [--timeout SEC] [--mem MB] GUEST_SCRIPT [FILE | SRC:DEST]...
#
# Boot Debian's stock kernel under QEMU software emulation with an initramfs
# holding FILEs (at their host paths, plus the libraries they need) and run
# GUEST_SCRIPT inside as root. The guest console is streamed to stdout.
#
# Exit status: 0 the guest script exited 0; 1 it failed, the VM timed out or
# gave no verdict; 77 the harness cannot run here (not root, qemu or the
# kernel unobtainable) -- ctest treats 77 as skipped via SKIP_RETURN_CODE.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TIMEOUT=300
MEM=1024

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "run-vm: FAIL: $*"
	exit 1
}

usage() {
	echo "usage: $0 [--timeout SEC] [--mem MB] GUEST_SCRIPT [FILE | SRC:DEST]..." >&2
	exit 2
}

parse_args() {
	while [[ $# -gt 0 ]]; do
		case $1 in
		--timeout) [[ $# -ge 2 ]] || usage; TIMEOUT=$2; shift 2 ;;
		--mem) [[ $# -ge 2 ]] || usage; MEM=$2; shift 2 ;;
		--) shift; break ;;
		-*) usage ;;
		*) break ;;
		esac
	done
	[[ $TIMEOUT =~ ^[1-9][0-9]*$ && $MEM =~ ^[1-9][0-9]*$ ]] || usage
	[[ $# -ge 1 ]] || usage
	GUEST_SCRIPT=$1
	shift
	FILES=("$@")
}

# Kernel and host tools; any failure here is the environment, not the code
# under test, so it is a skip rather than a failure.
fetch_kernel() {
	[[ $EUID -eq 0 ]] || skip "run-vm.sh must run as root (it installs qemu and builds device nodes)"
	VMLINUZ=$("$HERE/fetch-kernel.sh") || skip "cannot set up qemu and the guest kernel (see fetch-kernel errors above)"
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not found after install"
	KVER=${VMLINUZ##*/vmlinuz-}
}

# The kernel's config goes in as /boot/config-<ver>: the Debian kernel has no
# /proc/config.gz, and libbpf (__kconfig externs) and bpftool read this file.
build_initramfs() {
	local config
	config="$(dirname "$VMLINUZ")/config-$KVER"
	[[ -f $config ]] && FILES+=("$config:/boot/config-$KVER")
	"$HERE/mkinitramfs.sh" "$WORK/initrd.gz" "$GUEST_SCRIPT" "${FILES[@]}" ||
		fail "could not build the initramfs"
}

# TCG, not KVM: on these machines KVM guests hang at boot. stdin is /dev/null
# so qemu never puts a terminal into raw mode or waits for input. No NIC: the
# guest needs none and it spares the iPXE option ROM. The console filter
# (sed -u streams) drops CRs and SeaBIOS's terminal escapes, which would
# otherwise clutter logs and turn off line wrap in the caller's terminal.
boot() {
	local rcs
	echo "run-vm: booting $KVER (timeout ${TIMEOUT}s, ${MEM} MB)"
	set +e
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max \
		-m "$MEM" -smp 1 -nographic -no-reboot -nic none \
		-kernel "$VMLINUZ" -initrd "$WORK/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1" </dev/null 2>&1 |
		sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' | tee "$WORK/console.log"
	rcs=("${PIPESTATUS[@]}")
	set -e
	QEMU_RC=${rcs[0]}
}

# The verdict is the last VIGIL-VM-RESULT the console shows; matched anywhere
# in a line because a kernel message can be printed into the middle of it.
verdict() {
	local result
	result=$(grep -ao 'VIGIL-VM-RESULT: \(PASS\|FAIL rc=[0-9]*\)' "$WORK/console.log" |
		tail -n 1) || true
	echo "run-vm: guest ran for $((SECONDS - START))s"
	case $result in
	*PASS)
		echo "run-vm: PASS"
		exit 0
		;;
	*FAIL*) fail "guest script failed (${result#*FAIL })" ;;
	esac
	[[ $QEMU_RC -eq 124 || $QEMU_RC -eq 137 ]] && fail "timed out after ${TIMEOUT}s; qemu killed"
	fail "no verdict on the console (qemu exit $QEMU_RC; guest crashed or init died)"
}

main() {
	parse_args "$@"
	[[ -f $GUEST_SCRIPT ]] || fail "guest script not found: $GUEST_SCRIPT"
	fetch_kernel
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/vigil-vm.XXXXXX")
	trap 'rm -rf "$WORK"' EXIT
	build_initramfs
	START=$SECONDS
	boot
	verdict
}

main "$@"
