#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Instructions vigil's user space spends per fork+exec+wait, by stage: record
# the fork, exec and exit events of N runs of a copy of /bin/true (vigil
# events), then replay them under callgrind with each ruleset and subtract a
# replay of no events (start-up, rule compile). Instruction counts do not
# swing with the load of a shared machine as CPU time does. The replay reads
# JSON; only the pipeline's share (decode, process table, rules) is printed.
# Needs root and valgrind.
#   bench/exec-ir.sh [BUILD_DIR] [RULES...]   (default: rules/ and Falco's stable rules)
set -euo pipefail
B=${1:-build}; shift || true
V=$(realpath "$B/engine/vigil")
RULESETS=("$@")
[ ${#RULESETS[@]} -gt 0 ] || RULESETS=(rules ../shared/anchors/falco-rules/falco_rules.yaml)
N=${N:-300}
# under the build tree, not /tmp: rules/ alerts on an exec from /tmp
T=$(mktemp -d "$(realpath "$B")/exec-ir.XXXXXX")
trap 'rm -rf "$T"' EXIT
cp /bin/true "$T/xirtrue"
# exec-only rules keep the recording small (events without rules sends every syscall)
printf -- '- rule: ir\n  desc: x\n  condition: evt.type = execve and proc.name = nothing-at-all\n  output: x\n  priority: INFO\n' >"$T/r.yaml"
"$V" events -o metrics.enabled=false -r "$T/r.yaml" >"$T/ev.json" 2>"$T/ev.err" &
VP=$!
for _ in $(seq 100); do grep -q "vigil: ready" "$T/ev.err" && break; sleep 0.2; done
for _ in $(seq "$N"); do "$T/xirtrue"; done
sleep 1
kill -INT "$VP"; wait "$VP" || true
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
evs = []
for line in open(f"{t}/ev.json"):
    try:
        evs.append((json.loads(line), line))
    except ValueError:
        pass
pids = {e["pid"] for e, _ in evs if e.get("type") == "exec" and e.get("comm") == "xirtrue"}
out = [l for e, l in evs if e.get("type") in ("fork", "exec", "exit") and e.get("pid") in pids]
open(f"{t}/execs.json", "w").writelines(out)
print(f"{len(pids)} execs recorded, {len(out)} events (fork, exec, exit)")
PY
: >"$T/none.json"
EXECS=$(grep -c '"type":"exec"' "$T/execs.json")
ir() { # FILE FUNCTION -> inclusive Ir of FUNCTION
	callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
		awk -v f=":$2 " 'index($0, f) && $1 ~ /^[0-9,]+$/ && !done {gsub(",", "", $1); print $1; done = 1}'
}
echo "| rules | alerts | per exec: pipeline | rules | sequences | process table | decode |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for R in "${RULESETS[@]}"; do
	valgrind --tool=callgrind --callgrind-out-file="$T/cg" "$V" replay -r "$R" "$T/execs.json" \
		>/dev/null 2>&1 || true # its status says whether rules matched
	# alerts are formatted inside the pipeline: say how many the replay raised
	alerts=$("$V" replay -r "$R" "$T/execs.json" 2>/dev/null | wc -l)
	row="| $(basename "$R") | $alerts |"
	for f in vg_pipeline_handle vg_ruleset_eval vg_seq_on_rule vg_proc_apply vg_decode; do
		v=$(ir "$T/cg" $f)
		row="$row $(( ${v:-0} / EXECS )) |"
	done
	echo "$row"
done
