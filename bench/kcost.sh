#!/usr/bin/env bash
# Issue 20: what vigil costs syscalls, with its default rules and with Falco's
# stable rules, next to no tracer, alternating runs, medians. Optionally next
# to another vigil build (e.g. the previous one) to compare:
#   bench/kcost.sh [BUILD_DIR] [OTHER_VIGIL_BINARY OTHER_RULES_DIR]
# Workloads: getppid and a 1-byte read of /dev/zero (syscalls no rule
# watches: the target is within 2% of no vigil), open+close of a path no rule
# can match (/tmp, the prefilter drops it: <= 5%), open+close of a watched
# path (/etc/shadow, default rules; /var/log/dpkg.log, Falco's: <= 1.25x).
# VIGIL_RAW_SYSCALLS=1 in a tracer's environment runs the raw sys_exit tier.
set -euo pipefail
build=${1:-build}
other=${2:-}
other_rules=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
falco=$here/../shared/anchors/falco-rules/falco_rules.yaml
[ -f "$falco" ] || falco=/work/shared/anchors/falco-rules/falco_rules.yaml
vigil=$build/engine/vigil
bench=$build/bench/op_bench
runs=${RUNS:-7}
touch /var/log/dpkg.log

m=(-o metrics.enabled=false) # the default port may be taken by another vigil
tracers=(-- "$vigil" run "${m[@]}" -r "$here/rules" -- "$vigil" run "${m[@]}" -r "$falco")
labels=(-l "vigil default rules" -l "vigil Falco rules")
if [ -n "$other" ]; then
	tracers+=(-- "$other" run "${m[@]}" -r "$other_rules" -- "$other" run "${m[@]}" -r "$falco")
	labels+=(-l "other default rules" -l "other Falco rules")
fi
go() { "$bench" -r "$runs" -w "vigil: ready" "${labels[@]}" "$@" "${tracers[@]}"; }
go -o getppid -n 2000000
go -o read -n 1000000
go -o open -n 200000 -p /tmp/vigil-kcost-unwatched.txt
go -o open -n 100000 -p /etc/shadow
go -o open -n 100000 -p /var/log/dpkg.log
