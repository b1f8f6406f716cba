#!/usr/bin/env bash
# A hostile rules push (issue 17, item 3): the rules file of a running vigil is
# replaced by 24 macros each naming the previous one twice (about 2^24 checks
# once inlined; the old code grew past 19 GB). The reload must fail with
# E-EXPANSION naming the rule and the macro chain, the old rules stay in force,
# and vigil's peak RSS stays small. usage: reload-expansion.sh VIGIL_BINARY
set -uo pipefail
vigil=${1:?usage: reload-expansion.sh VIGIL_BINARY}

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root to load BPF programs"
	exit 77
fi

d=$(mktemp -d /tmp/vigil-rexp-XXXXXX)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$d"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	echo "--- vigil's stderr ---"
	tail -20 "$d/err"
	exit 1
}

name="vgrx$$"
cp /bin/true "$d/$name"
rule() {
	printf -- '- rule: %s\n  desc: d\n  condition: %s\n  output: "%s %%proc.name"\n  priority: NOTICE\n' "$@"
}
rule "Before" "evt.type in (execve, execveat) and proc.name = $name" "before" >"$d/rules.yaml"
printf 'stdout_output:\n  enabled: false\nfile_output:\n  enabled: true\n  filename: %s\nmetrics:\n  enabled: false\n' \
	"$d/alerts.json" >"$d/vigil.yaml"

"$vigil" run -c "$d/vigil.yaml" -r "$d/rules.yaml" >/dev/null 2>"$d/err" &
pid=$!
for _ in $(seq 1 1200); do
	grep -q "ready" "$d/err" && break
	kill -0 "$pid" 2>/dev/null || fail "vigil exited before it was ready"
	sleep 0.1
done
grep -q "ready" "$d/err" || fail "vigil was not ready in 120 s"
rss0=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")

# the push: written beside, renamed over, as config tools do
{
	printf -- '- macro: m1\n  condition: evt.type in (execve, execveat) and proc.name = %s\n' "$name"
	for i in $(seq 2 24); do
		printf -- '- macro: m%d\n  condition: m%d %s m%d\n' "$i" $((i - 1)) "$([ $((i % 2)) = 0 ] && echo and || echo or)" $((i - 1))
	done
	rule "After" "m24" "after"
} >"$d/rules.tmp"
mv "$d/rules.tmp" "$d/rules.yaml"

want="failed, the previous rules stay in force: $d/rules.yaml:51:14: error E-EXPANSION: rule 'After': condition expands past"
for _ in $(seq 1 300); do
	grep -qF "$want" "$d/err" && break
	kill -0 "$pid" 2>/dev/null || fail "vigil died during the reload"
	sleep 0.1
done
grep -qF "$want" "$d/err" || fail "no E-EXPANSION reload failure within 30 s"
grep -qF "through macro chain m24 -> m23" "$d/err" || fail "the macro chain is not named"
echo "ok: the reload is refused with E-EXPANSION and the macro chain"

rss1=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
echo "peak RSS: ${rss0} KiB when ready, ${rss1} KiB after the refused reload"
[ "$rss1" -lt $((rss0 + 200 * 1024)) ] || fail "peak RSS grew by more than 200 MiB"
echo "ok: peak RSS grew by less than 200 MiB"

"$d/$name"
for _ in $(seq 1 100); do
	grep -q '"rule":"Before"' "$d/alerts.json" 2>/dev/null && break
	sleep 0.1
done
grep -q '"rule":"Before"' "$d/alerts.json" || fail "the old rule did not alert after the refused reload"
echo "ok: the old rules stay in force"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=""
[ "$rc" -eq 0 ] || fail "exit status $rc after SIGTERM"
echo "ok: exit 0 after SIGTERM"
