#!/usr/bin/env bash
# Before/after figures of two commits: speed (rules_bench, exec_bench,
# bench/syscalls.sh's op_bench cases; alternating runs, medians) and alerts
# and `vigil events` lines byte for byte (rules_bench -o, vigil replay and
# vigil replay --events of the recorded captures). Needs root for exec_bench
# and op_bench.
#   bench/compare-builds.sh [-n RUNS] [-e EVENTS] [-q] A B
#     A, B     commits (or existing checkouts with a build/ in them); each is checked out beside this repository as
#              ../vigil-cmp-HASH (the Falco rules path is relative to it) and
#              built there once with scripts/build.sh (removed at the end
#              unless KEEP=1)
#     -n RUNS  timed runs per build and case, alternating A B A B (default 5)
#     -e N     events per rules_bench run (default 1000000)
#     -q       alerts only, no timing
#     -t       timing only, no alerts
#     -x       no exec_bench (it starts vigil per run: slow on a loaded machine)
#     -s       also bench/syscalls.sh's cases (op_bench open, open of a watched
#              path, exec, connect under Falco's rules), A's and B's vigil as
#              two tracers of one op_bench, which alternates them per run
# Exit status 1 when alerts differ. Timings: rules_bench's CPU ns/event (one
# thread, so less sensitive to the load of other processes than wall time),
# exec_bench's added ns per fork+exec+wait with `vigil events` attached.
set -euo pipefail
runs=5 events=1000000 timing=1
alerts=1 execs=1 syscalls=0
while getopts n:e:qtxs o; do
	case $o in
	n) runs=$OPTARG ;;
	e) events=$OPTARG ;;
	q) timing=0 ;;
	t) alerts=0 ;;
	x) execs=0 ;;
	s) syscalls=1 ;;
	*) sed -n "7,20p" "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { sed -n "7,20p" "$0" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
falco=$here/../shared/anchors/falco-rules/falco_rules.yaml
out=$(mktemp -d /tmp/vigil-compare.XXXXXX)
trees=()

# checkout COMMIT|TREE: sets $tree to a tree holding a build of COMMIT (a
# directory is taken as an existing checkout)
checkout() {
	local hash
	if [ -d "$1" ]; then
		tree=$(cd "$1" && pwd)
		hash=$(git -C "$tree" rev-parse --short HEAD)
	else
		hash=$(git -C "$here" rev-parse --short "$1^{commit}")
		tree=$(cd "$here/.." && pwd)/vigil-cmp-$hash
	fi
	if [ ! -d "$tree" ]; then
		git -C "$here" worktree add --detach "$tree" "$hash" >/dev/null 2>&1
		trees+=("$tree")
	fi
	[ -x "$tree/build/engine/vigil" ] ||
		"$tree/scripts/build.sh" "$tree/build" >"$out/build-$hash.log" 2>&1 ||
		{ echo "build of $1 failed: $out/build-$hash.log" >&2; exit 1; }
}

cleanup() {
	[ "${KEEP:-0}" = 1 ] && return
	for t in "${trees[@]+"${trees[@]}"}"; do git -C "$here" worktree remove --force "$t"; done
}
trap cleanup EXIT

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# rules_bench's CPU ns/event of one run: the "median: ... N ns/event" line
rb_ns() { "$1/build/bench/rules_bench" -R 1 -n "$events" "${@:2}" 2>/dev/null |
	sed -n 's/^median: .*core, \([0-9]*\) ns\/event.*/\1/p'; }
# exec_bench's added ns per exec, one without/with pair per run
eb_ns() { "$1/build/bench/exec_bench" -r 1 -n 1000 "$1/build/engine/vigil" 2>/dev/null |
	sed -n 's/^ratio: .*(\([-+0-9]*\) ns\/exec).*/\1/p'; }

# time CASE CMD ARGS...: alternate A and B, RUNS each; prints medians
time_case() {
	local name=$1 r a=$out/times-a b=$out/times-b
	shift
	: >"$a"; : >"$b"
	for ((r = 0; r < runs; r++)); do
		"$1" "$A" "${@:2}" >>"$a"
		"$1" "$B" "${@:2}" >>"$b"
	done
	printf '| %-28s | %8s | %8s | %s/ %s|\n' "$name" "$(median <"$a")" "$(median <"$b")" \
		"$(sort -n "$a" | tr '\n' ' ')" "$(sort -n "$b" | tr '\n' ' ')"
}

# op_case LABEL OP_BENCH_ARGS...: A's and B's vigil (Falco's rules, or rules/)
# as the two tracers of one op_bench; prints the added ns/op of each
op_case() {
	local name=$1 r=$falco
	shift
	[ -f "$r" ] || r=$here/rules
	"$B/build/bench/op_bench" "$@" -r "$runs" -w "vigil: ready" -l A -l B \
		-- "$A/build/engine/vigil" run -r "$r" -- "$B/build/engine/vigil" run -r "$r" \
		2>&1 | awk -v name="$name" '
		{ for (i = 1; i < NF; i++) if ($i == "added") v[$2] = $(i + 1)
		  for (i = 1; i < NF; i++) if ($i == "without") base = $(i + 1) }
		END { printf "| %-28s | %8s | %8s | bare %s ns/op |\n", name, v["A"], v["B"], base }' ||
		echo "| $name | op_bench failed (a tracer not ready in time on a loaded machine?) |"
}

# same LABEL FILE_A FILE_B: byte-for-byte comparison of two alert streams
differ=0
same() {
	if cmp -s "$2" "$3"; then
		printf 'same      %-60s %6s lines\n' "$1" "$(wc -l <"$2")"
	else
		printf 'DIFFERENT %-60s %6s / %s lines\n' "$1" "$(wc -l <"$2")" "$(wc -l <"$3")"
		diff "$2" "$3" | head -6
		differ=1
	fi
}

# replay_both LABEL DECOMPRESS FILE RULES...: replay FILE on A and B
replay_both() {
	local label=$1 cat=$2 file=$3 x args=()
	shift 3
	for x in "$@"; do args+=(-r "$x"); done
	# a replay that fails must not pass as "same, 0 alerts": its status is
	# part of what is compared
	{ "$cat" "$file" | "$A/build/engine/vigil" replay "${args[@]}" - 2>"$out/ea" ||
		echo "exit status $?"; } >"$out/ra"
	{ "$cat" "$file" | "$B/build/engine/vigil" replay "${args[@]}" - 2>"$out/eb" ||
		echo "exit status $?"; } >"$out/rb"
	same "$label" "$out/ra" "$out/rb"
	grep -q '^exit status' "$out/ra" "$out/rb" && head -3 "$out/ea" "$out/eb" >&2
	true
}

checkout "$1"; A=$tree
checkout "$2"; B=$tree
echo "A = $1 ($(git -C "$A" log -1 --format='%h %s' | cut -c1-70))"
echo "B = $2 ($(git -C "$B" log -1 --format='%h %s' | cut -c1-70))"
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(uname -r)"

if [ "$timing" = 1 ]; then
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "| case (medians of $runs, alternating) | A | B | runs A / runs B |"
	echo "|---|---|---|---|"
	time_case "rules_bench ns/event" rb_ns
	time_case "rules_bench -F ns/event" rb_ns -F
	time_case "rules_bench -S ns/event" rb_ns -S
	[ "$execs" = 0 ] || time_case "exec_bench +ns/exec" eb_ns
	if [ "$syscalls" = 1 ]; then
		op_case "op_bench open +ns/op" -o open
		op_case "op_bench open watched +ns/op" -o open -p /etc/passwd
		op_case "op_bench exec +ns/op" -o exec -n 2000
		op_case "op_bench connect +ns/op" -o connect
	fi
	echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if [ "$alerts" = 0 ]; then rm -rf "$out"; exit 0; fi
echo "alerts, A vs B:"
for s in "" -S; do
	"$A/build/bench/rules_bench" -R 1 -n 200000 $s -o "$out/oa" >/dev/null 2>&1
	"$B/build/bench/rules_bench" -R 1 -n 200000 $s -o "$out/ob" >/dev/null 2>&1
	same "rules_bench -n 200000 $s -o" "$out/oa" "$out/ob"
done
for f in "$here"/tests/detection/captures/*.jsonl.gz; do
	replay_both "$(basename "$f") rules/" zcat "$f" "$here/rules"
	[ -f "$falco" ] && replay_both "$(basename "$f") falco" zcat "$f" "$falco"
done
replay_both "replay/default_rules.jsonl rules/" cat \
	"$here/tests/replay/default_rules.jsonl" "$here/rules"
[ -f "$falco" ] && replay_both "replay/default_rules.jsonl falco" cat \
	"$here/tests/replay/default_rules.jsonl" "$falco"
replay_both "replay/sequences.jsonl.xz rules/ + sequences.yaml" xzcat \
	"$here/tests/replay/sequences.jsonl.xz" "$here/rules" "$here/tests/replay/sequences.yaml"
# `vigil events`'s lines: the same replays, each event as JSON
events_both() {
	"$2" "$3" | "$A/build/engine/vigil" replay --events - >"$out/ra" 2>/dev/null
	"$2" "$3" | "$B/build/engine/vigil" replay --events - >"$out/rb" 2>/dev/null
	same "$1 --events" "$out/ra" "$out/rb"
}
for f in "$here"/tests/detection/captures/*.jsonl.gz; do
	events_both "$(basename "$f")" zcat "$f"
done
events_both "replay/default_rules.jsonl" cat "$here/tests/replay/default_rules.jsonl"
events_both "replay/sequences.jsonl.xz" xzcat "$here/tests/replay/sequences.jsonl.xz"
rm -rf "$out"
exit "$differ"
