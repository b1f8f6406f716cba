#!/usr/bin/env bash
# Soak: vigil under its default rules plus Falco's 93 (stable, incubating,
# sandbox) while soak_load spawns N short-lived processes (default 1,000,000)
# with file and TCP churn beside them. Samples vigil's RSS every 10 s and
# prints start, peak and end RSS, the rates reached and the kernel's drops.
# Needs root.
#   bench/soak.sh [BUILD_DIR] [PROCESSES]
set -euo pipefail
build=${1:-build}
total=${2:-1000000}
here=$(cd "$(dirname "$0")/.." && pwd)
vigil=$build/engine/vigil
load=$build/bench/soak_load
falco=$here/../shared/anchors/falco-rules
rules=(-r "$here/rules")
if [ -d "$falco" ]; then
	rules+=(-r "$falco/falco_rules.yaml" -r "$falco/falco-incubating_rules.yaml"
		-r "$falco/falco-sandbox_rules.yaml")
else
	echo "soak: ../shared is absent: vigil's default rules only"
fi
work=$(mktemp -d /tmp/vigil-soak.XXXXXX)
trap 'kill $vpid $spid 2>/dev/null || true; rm -rf "$work"' EXIT

"$vigil" run "${rules[@]}" >"$work/alerts" 2>"$work/stderr" &
vpid=$!
for _ in $(seq 100); do
	grep -q "vigil: ready" "$work/stderr" && break
	kill -0 $vpid 2>/dev/null || { cat "$work/stderr"; exit 1; }
	sleep 0.1
done
rss() { awk '/^VmRSS/ {print $2}' /proc/$vpid/status; }
echo "soak: $(grep -m1 'rules loaded' "$work/stderr")"
echo "soak: machine: $(nproc) CPUs, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
( t=0; while kill -0 $vpid 2>/dev/null; do
	echo "$t $(rss)" >>"$work/rss"; sleep 10; t=$((t + 10)); done ) &
spid=$!
"$load" -n "$total" -j 2 -d "$work" | awk 'NR % 10 == 0 || /done/'
sleep 2
echo "end $(rss)" >>"$work/rss"
kill -INT $vpid
wait $vpid || true
kill $spid 2>/dev/null || true

echo "soak: RSS every 10 s (KiB): $(awk '{printf "%s ", $2}' "$work/rss")"
awk 'NR == 1 {start = $2} {if ($2 > peak) peak = $2; last = $2}
	END {printf "soak: RSS start %.1f MiB, peak %.1f MiB, end %.1f MiB\n",
		start / 1024, peak / 1024, last / 1024}' "$work/rss"
echo "soak: alerts: $(wc -l <"$work/alerts")"
grep -E "vigil: (kernel|user space|output)" "$work/stderr" | sed 's/^/soak: /'
drops=$(grep "vigil: kernel:" "$work/stderr" | grep -o 'dropped=[0-9]*' |
	awk -F= '{n += $2} END {print n}')
echo "soak: kernel drops in all: ${drops:-unknown}"
