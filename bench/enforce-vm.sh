#!/usr/bin/env bash
# bench/enforce.sh inside the QEMU guest (tests/vm: Debian's kernel with
# BPF LSM): the LSM tier, then the signal tier for comparison, with the
# same policies and the same medians as on the host. Needs root (the
# harness installs qemu and the guest kernel on first use).
#
#   bench/enforce-vm.sh [BUILD_DIR]
#
# The guest is emulated (TCG, one CPU): absolute figures are several times
# the host's; compare the lines of one run with each other. Environment:
# ENF_BENCH_RUNS (5), ENF_BENCH_EXEC_N (300), ENF_BENCH_OPEN_N (5000),
# VM_TIMEOUT (1500 s). A benchmark, not a test: ctest does not run it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:-build}" && pwd)
for f in "$build/engine/vigil" "$build/bench/op_bench"; do
	[[ -x $f ]] || {
		echo "bench/enforce-vm.sh: $f not found (build first)" >&2
		exit 1
	}
done
work=$(mktemp -d /tmp/vigil-enforce-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The guest runs /guest-test.sh with busybox sh and no arguments: the
# settings are written into it. /bin/true there is busybox's applet.
cat >"$work/guest.sh" <<EOF
#!/bin/sh
export ENF_BENCH_RUNS=${ENF_BENCH_RUNS:-5}
export ENF_BENCH_EXEC_N=${ENF_BENCH_EXEC_N:-300}
export ENF_BENCH_OPEN_N=${ENF_BENCH_OPEN_N:-5000}
echo "vm-bench: LSM tier"
sh $here/enforce.sh $build auto || exit 1
echo "vm-bench: signal tier"
sh $here/enforce.sh $build signal
EOF

rc=0
"$here/../tests/vm/run-vm.sh" --timeout "${VM_TIMEOUT:-1500}" "$work/guest.sh" \
	"$build/engine/vigil" "$build/bench/op_bench" "$here/enforce.sh" |
	tee "$work/console.log" || rc=$?
echo
echo "== summary (guest)"
grep -aE '^(enforcement tier:|exec |open )' "$work/console.log" || echo "(no figures)"
exit "$rc"
