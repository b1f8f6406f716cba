#!/usr/bin/env bash
# A live scenario recorded by `vigil events` (JSON lines) and by `vigil
# capture` (binary, with a process snapshot), each replayed offline, gives the
# same alerts as `vigil run` gave live, for the same rules.
#   replay-matches-live.sh VIGIL RULES
set -uo pipefail
vigil=$1 rules=$2
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
work=$(mktemp -d /tmp/vigil-replay-live.XXXXXX)
trap 'kill $live_pid $rec_pid $cap_pid 2>/dev/null; rm -rf "$work" /var/lib/vigil-replay-$$ /dev/shm/vigil-dropped-$$' EXIT

wait_ready() { # FILE: vigil's stderr
	for _ in $(seq 300); do grep -q "vigil: ready" "$1" && return 0; sleep 0.1; done
	echo "vigil did not start:"; cat "$1"; exit 1
}

"$vigil" run -r "$rules" >"$work/live.json" 2>"$work/live.err" &
live_pid=$!
"$vigil" events >"$work/events.json" 2>"$work/events.err" &
rec_pid=$!
"$vigil" capture -w "$work/capture.bin" 2>"$work/capture.err" &
cap_pid=$!
wait_ready "$work/live.err"
wait_ready "$work/events.err"
wait_ready "$work/capture.err"

# the scenario: each default rule once, and benign look-alikes
mkdir -p "$work/bin" /var/lib/vigil-replay-$$
cp /bin/true /dev/shm/vigil-dropped-$$
cp /bin/true /var/lib/vigil-replay-$$/xmrig
ln -s /bin/sh "$work/bin/nginx"
/dev/shm/vigil-dropped-$$ scenario-$$
/var/lib/vigil-replay-$$/xmrig scenario-$$
cat /etc/shadow >/dev/null
cat /etc/hostname >/dev/null
"$work/bin/nginx" -c "/bin/sh -c 'exit 0' scenario-$$; exit 0"
sleep 1

kill -INT $live_pid $rec_pid $cap_pid
wait $live_pid $rec_pid $cap_pid
"$vigil" replay -r "$rules" "$work/events.json" >"$work/replayed.json" 2>"$work/replay.err"
"$vigil" replay -r "$rules" "$work/capture.bin" >"$work/captured.json" 2>"$work/capreplay.err"

# alerts as "rule|pid", for the processes of this scenario only
alerts() {
	sed -n 's/.*"proc\.pid":\([0-9]*\).*"rule":"\([^"]*\)".*/\2|\1/p' "$1" | sort
}
alerts "$work/live.json" >"$work/live.txt"
alerts "$work/replayed.json" >"$work/replayed.txt"
alerts "$work/captured.json" >"$work/captured.txt"
n=$(wc -l <"$work/live.txt")
if [ "$n" -lt 4 ]; then
	echo "the live run gave only $n alerts; expected the scenario's 4 at least:"
	cat "$work/live.txt" "$work/live.err"
	echo "0 passed, 1 failed"
	exit 1
fi
# each replay must hold every live alert (it may hold more: its recorder
# started before 'run' was ready)
failed=0
for replayed in replayed captured; do
	missing=$(comm -23 "$work/live.txt" "$work/$replayed.txt")
	if [ -n "$missing" ]; then
		echo "alerts seen live but not in the $replayed replay:"
		echo "$missing"
		cat "$work/capreplay.err"
		failed=$((failed + 1))
	fi
done
echo "live alerts: $n; JSON replay $(wc -l <"$work/replayed.txt"), capture replay $(wc -l <"$work/captured.txt")"
echo "$((2 - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
