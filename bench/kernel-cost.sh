#!/usr/bin/env bash
# Issue 20: what vigil costs the syscalls of the processes it watches, side
# by side with no tracer, an empty BPF program on the same hooks (the
# floor: what no change inside vigil's programs can remove), vigil with its
# default rules, vigil with Falco's stable rules, and Falco when installed.
# Alternating runs (each run measures the bare operation, then every tracer
# in turn, so drift hits all alike), medians. One table. Needs root.
#   bench/kernel-cost.sh [BUILD_DIR] [OTHER_VIGIL_BINARY]
# OTHER_VIGIL_BINARY (e.g. a build of main) adds a column with Falco's rules.
# RUNS (default 7) sets the rounds; SCALE (percent, default 100) scales the
# operations per run; STORM (default 10) the seconds of the drop storm.
set -euo pipefail
build=${1:-build}
other=${2:-}
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-7}
scale=${SCALE:-100}
storm_s=${STORM:-10}
vigil=$build/engine/vigil
bench=$build/bench/op_bench
kfloor=$build/bench/kfloor
storm=$build/bench/storm
falco_rules=$here/../shared/anchors/falco-rules/falco_rules.yaml
[ -f "$falco_rules" ] || falco_rules=/work/shared/anchors/falco-rules/falco_rules.yaml
for b in "$vigil" "$bench" "$kfloor" "$storm"; do
	[ -x "$b" ] || { echo "kernel-cost: $b: not built (scripts/build.sh $build)" >&2; exit 1; }
done
command -v bpftool >/dev/null || { echo "kernel-cost: bpftool is needed to list vigil's hooks" >&2; exit 1; }
work=$(mktemp -d /tmp/vigil-kernel-cost.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
unwatched=/tmp/vigil-kcost-unwatched.txt
watched=/var/log/dpkg.log # a path Falco's stable rules watch: each open is sent
touch "$unwatched" "$watched"

# Starts a tracer with its output in $work/$1.out; returns once READY ($2) shows.
start() {
	local name=$1 ready=$2
	shift 2
	"$@" >"$work/$name.out" 2>&1 &
	pids+=($!)
	for _ in $(seq 300); do
		grep -q "$ready" "$work/$name.out" && return 0
		kill -0 "${pids[-1]}" 2>/dev/null || break
		sleep 0.05
	done
	echo "kernel-cost: $* did not become ready:" >&2
	tail -5 "$work/$name.out" >&2
	exit 1
}
stop_last() {
	kill -INT "${pids[-1]}" 2>/dev/null || true
	wait "${pids[-1]}" 2>/dev/null || true
	unset 'pids[-1]'
}

# The hooks a vigil with these rules attaches, as kfloor arguments.
hooks_of() {
	start hooks "vigil: ready" "$vigil" run -o metrics.enabled=false "$@"
	bpftool perf show | awk -v p="${pids[-1]}" '$1 == "pid" && $2 == p { print $(NF - 1) ":" $NF }' |
		sort -u | tr '\n' ' '
	stop_last
}

labels=() readies=() tracers=()
add() { # LABEL READY CMD...
	labels+=(-l "$1")
	readies+=(-w "$2")
	shift 2
	tracers+=(-- "$@")
}
add "floor, default hooks" "kfloor: ready" "$kfloor" $(hooks_of -r "$here/rules")
add "vigil default rules" "vigil: ready" "$vigil" run -o metrics.enabled=false -r "$here/rules"
have_falco_rules=1
if [ -f "$falco_rules" ]; then
	add "floor, Falco-rules hooks" "kfloor: ready" "$kfloor" $(hooks_of -r "$falco_rules")
	add "vigil Falco rules" "vigil: ready" "$vigil" run -o metrics.enabled=false -r "$falco_rules"
	[ -n "$other" ] && add "other vigil, Falco rules" "vigil: ready" "$other" run -o metrics.enabled=false -r "$falco_rules"
else
	have_falco_rules=0
	echo "kernel-cost: Falco's stable rules are absent ($falco_rules): their columns are skipped"
fi
if command -v falco >/dev/null && [ "$have_falco_rules" = 1 ]; then
	add "Falco" "Starting" falco -o engine.kind=modern_ebpf -r "$falco_rules"
else
	echo "kernel-cost: falco: not installed"
fi

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; kernel $(uname -r); $runs rounds"
ops() { # NAME OP N [PATH]
	local name=$1 op=$2 n=$(($3 * scale / 100)) path=${4:-}
	local args=(-o "$op" -n "$n" -r "$runs")
	[ -n "$path" ] && args+=(-p "$path")
	"$bench" "${args[@]}" "${readies[@]}" "${labels[@]}" "${tracers[@]}" |
		sed -E "s|^\S+ +(.*\S) +without +([0-9]+) ns/op +with +([0-9]+) ns/op.*|$name\t\1\t\2\t\3|" \
			>>"$work/table"
}
ops "getppid loop" getppid 2000000
ops "read /dev/zero, 1 byte" read 1000000
ops "open+close, unwatched" open 200000 "$unwatched"
ops "open+close, watched" open 100000 "$watched"
ops "fork+exec+wait" exec 2000
ops "TCP connect+accept+close" connect 10000
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# The table: ns per operation, ratio to nothing, ratio to the floor of the same hooks.
python3 - "$work/table" <<'EOF'
import sys
rows, cols = {}, []
for line in open(sys.argv[1]):
    name, label, base, with_ = line.rstrip("\n").split("\t")
    rows.setdefault(name, {"nothing": float(base)})[label] = float(with_)
    if label not in cols:
        cols.append(label)
def floor_of(label):
    return "floor, default hooks" if "default" in label else "floor, Falco-rules hooks"
print("| workload | nothing | " + " | ".join(cols) + " |")
print("|" + " --- |" * (len(cols) + 2))
for name, r in rows.items():
    cells = []
    for c in cols:
        v = r.get(c)
        if v is None:
            cells.append("-")
            continue
        cell = "%.0f ns %.2fx" % (v, v / r["nothing"])
        f = r.get(floor_of(c))
        if not c.startswith("floor") and f:
            cell += " (%.2fx floor)" % (v / f)
        cells.append(cell)
    print("| %s | %.0f ns | %s |" % (name, r["nothing"], " | ".join(cells)))
EOF

# RSS idle and after a storm, drops under the storm: opens of a watched
# path on CPU 0, fork+exec on CPU 1, as fast as each core goes.
rss() { awk '/^VmRSS/ { printf "%.1f MB", $2 / 1024 }' "/proc/$1/status"; }
storm_row() { # LABEL RULES...
	local label=$1 t0 t1 idle after
	shift
	t0=$(date +%s%N)
	start storm "vigil: ready" "$vigil" run -o metrics.enabled=false "$@"
	# start-up to the first alert: a read of /etc/shadow every 10 ms until one shows
	while ! grep -q '"output"' "$work/storm.out"; do
		head -c1 /etc/shadow >/dev/null
		sleep 0.01
		[ $(($(date +%s%N) - t0)) -lt 30000000000 ] || break
	done
	t1=$(date +%s%N)
	sleep 2
	idle=$(rss "${pids[-1]}")
	taskset -c 0 "$storm" open "$storm_s" /etc/shadow >"$work/open.rate" &
	taskset -c 1 "$storm" exec "$storm_s" >"$work/exec.rate"
	wait $!
	after=$(rss "${pids[-1]}")
	stop_last
	printf '%s: first alert %.2f s after start; RSS idle %s, after the storm %s; %s; %s; %s\n' \
		"$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')" "$idle" "$after" \
		"$(cat "$work/open.rate")" "$(cat "$work/exec.rate")" \
		"$(grep -o 'kernel: .*' "$work/storm.out" | grep -o '[a-z]* sent=[0-9]* dropped=[0-9]*' |
			awk -F'[ =]' '{ s += $3; d += $5 } END { printf "kernel sent %d, dropped %d", s, d }')"
}
storm_row "vigil default rules" -r "$here/rules"
[ "$have_falco_rules" = 1 ] && storm_row "vigil default + Falco rules" -r "$here/rules" -r "$falco_rules"
true
