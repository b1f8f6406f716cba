#!/bin/sh
# The added cost of an exec and an open with enforcement rules loaded: a
# policy that does not match the operation (the common case: every exec and
# open on the host is checked and let through) and one that matches it (in
# audit mode, so the process lives: the decision, its record and its alert).
# A reference line runs vigil with a detection-only rule, to separate
# vigil's own cost from enforcement's. One op_bench run per operation
# measures the bare operation and the three set-ups in turn, RUNS times,
# and prints medians. Needs root.
#
#   bench/enforce.sh [BUILD_DIR] [auto|signal]   (vigil's --enforce-tier)
#
# POSIX sh: bench/enforce-vm.sh runs it in the QEMU guest (busybox sh).
# Environment: ENF_BENCH_RUNS (7), ENF_BENCH_EXEC_N (2000 execs a run),
# ENF_BENCH_OPEN_N (20000 opens a run).
set -eu
build=${1:-build}
tier=${2:-auto}
runs=${ENF_BENCH_RUNS:-7}
vigil=$build/engine/vigil
bench=$build/bench/op_bench
for f in "$vigil" "$bench"; do
	[ -x "$f" ] || {
		echo "bench/enforce.sh: $f not found or not executable (build first)" >&2
		exit 1
	}
done
case $tier in
auto | signal) ;;
*)
	echo "bench/enforce.sh: tier must be auto or signal (vigil's --enforce-tier), not '$tier'" >&2
	exit 2
	;;
esac
# the tier auto picks, as vigil decides it: LSM where "bpf" is an active LSM
name=$tier
if [ "$tier" = auto ]; then
	name=signal
	grep -qw bpf /sys/kernel/security/lsm 2>/dev/null && name=lsm
fi
dir=$(mktemp -d /tmp/vigil-enforce-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
target=/tmp/vigil-op-bench.txt # the file op_bench opens

rule() { # NAME CONDITION ACTION
	printf -- '- rule: %s\n  desc: bench\n  condition: %s\n  output: %s (proc.name=%%proc.name fd.name=%%fd.name)\n  priority: WARNING\n%s\n' \
		"$1" "$2" "$1" "${3:+  action: $3}"
}
rule "Detect only" "evt.type = execve and proc.name = never-runs-x" >"$dir/reference.yaml"
{
	rule "No match exec" "evt.type = execve and proc.exepath startswith /opt/never/" kill
	rule "No match open" "evt.type in (open, openat, openat2) and fd.name startswith /opt/never/" kill
} >"$dir/nomatch.yaml"
{
	rule "Match exec" "evt.type = execve and proc.name = true" kill
	rule "Match open" "evt.type in (open, openat, openat2) and fd.name = $target" kill
} >"$dir/match.yaml"

echo "enforcement tier: $name ($(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
for op in exec open; do
	if [ "$op" = exec ]; then n=${ENF_BENCH_EXEC_N:-2000}; else n=${ENF_BENCH_OPEN_N:-20000}; fi
	"$bench" -o "$op" -n "$n" -r "$runs" -w "vigil: ready" \
		-l "detection-only rule (reference)" \
		-l "enforce on, $name tier, no match" \
		-l "enforce audit, $name tier, match" \
		-- "$vigil" run -r "$dir/reference.yaml" -o metrics.enabled=false \
		-- "$vigil" run -r "$dir/nomatch.yaml" --enforce on --enforce-tier "$tier" \
		-o metrics.enabled=false \
		-- "$vigil" run -r "$dir/match.yaml" --enforce audit --enforce-tier "$tier" \
		-o metrics.enabled=false
done
