#!/usr/bin/env bash
# The added cost of an exec and an open with enforcement rules loaded: a
# policy that does not match the operation (the common case: every exec and
# open on the host is checked and let through) and one that matches it (in
# audit mode, so the process lives: the decision, its record and its alert).
# A reference line runs vigil with a detection-only rule, to separate
# vigil's own cost from enforcement's. Needs root.
#   bench/enforce.sh [BUILD_DIR] [--enforce-tier signal|auto]
set -euo pipefail
build=${1:-build}
tier=${2:-auto}
vigil=$build/engine/vigil
bench=$build/bench/op_bench
dir=$(mktemp -d /tmp/vigil-enforce-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
target=/tmp/vigil-op-bench.txt # the file op_bench opens

rule() { # NAME CONDITION ACTION
	printf -- '- rule: %s\n  desc: bench\n  condition: %s\n  output: %s (proc.name=%%proc.name fd.name=%%fd.name)\n  priority: WARNING\n%s\n' \
		"$1" "$2" "$1" "${3:+  action: $3}"
}
{
	rule "Detect only" "evt.type = execve and proc.name = never-runs-x"
} >"$dir/reference.yaml"
{
	rule "No match exec" "evt.type = execve and proc.exepath startswith /opt/never/" kill
	rule "No match open" "evt.type in (open, openat, openat2) and fd.name startswith /opt/never/" kill
} >"$dir/nomatch.yaml"
{
	rule "Match exec" "evt.type = execve and proc.name = true" kill
	rule "Match open" "evt.type in (open, openat, openat2) and fd.name = $target" kill
} >"$dir/match.yaml"

echo "enforcement tier: $tier ($(uname -r), $(nproc) CPUs)"
for op in exec open; do
	n=20000
	[ $op = exec ] && n=2000
	echo "== $op: vigil with a detection-only rule (reference)"
	"$bench" -o $op -n $n -w "vigil: ready" -- "$vigil" run -r "$dir/reference.yaml" -o metrics.enabled=false
	echo "== $op: enforcement policy, no match"
	"$bench" -o $op -n $n -w "vigil: ready" -- "$vigil" run -r "$dir/nomatch.yaml" \
		--enforce on --enforce-tier "$tier" -o metrics.enabled=false
	echo "== $op: enforcement policy, match (audit: decided, recorded, alerted; not killed)"
	"$bench" -o $op -n $n -w "vigil: ready" -- "$vigil" run -r "$dir/match.yaml" \
		--enforce audit --enforce-tier "$tier" -o metrics.enabled=false
done
