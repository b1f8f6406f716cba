#!/usr/bin/env bash
# `action: kill` on a sequence, on the live kernel: curl downloads a copy of
# sleep over loopback and it is executed -> vigil kills it when the sequence
# completes (SIGKILL from user space: exit status 137) and the alert says so
# under vigil.enforcement; a copy of sleep run but never downloaded lives on.
# `action: deny` on a sequence is refused at load.
# Only this test's own paths and pids count: other vigil instances may run.
#   seq_kill.sh VIGIL
set -uo pipefail
vigil=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v curl >/dev/null && command -v python3 >/dev/null || { echo "SKIP: needs curl and python3"; exit 77; }
work=$(mktemp -d /tmp/vigil-seqkill.XXXXXX)
chmod 755 "$work"
live_pid= http_pid= local_pid=
trap 'kill $live_pid $http_pid $local_pid 2>/dev/null; [ -n "${VG_KEEP:-}" ] || rm -rf "$work"' EXIT
mark=vgsk$$
failed=0 passed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

rule() { # ACTION
	cat <<RULES
- rule: Downloaded File Executed $mark
  desc: a file curl wrote is executed
  priority: WARNING
  sequence:
    within: 2m
    steps:
      - name: download
        condition: evt.type in (open, openat) and evt.is_open_write = true and proc.name = curl and fd.name contains "$mark"
        capture: [fd.name]
      - name: run
        condition: evt.type in (execve, execveat) and proc.exepath = val(download.fd.name)
    by_step: {download: fd.name, run: proc.exepath}
  output: Downloaded file executed (file=%download.fd.name pid=%proc.pid)
  action: $1
RULES
}
rule deny >"$work/deny.yaml"
if "$vigil" validate -r "$work/deny.yaml" >"$work/deny.out" 2>&1; then
	bad "action: deny on a sequence was accepted"
elif grep -q "E-ACTION.*'deny' is not supported on sequence.*action: kill" "$work/deny.out"; then
	ok
else
	bad "action: deny refused without the expected message:"; cat "$work/deny.out"
fi
rule kill >"$work/rules.yaml"
"$vigil" validate -r "$work/rules.yaml" >"$work/validate.out" 2>&1 && ok || { bad "action: kill refused"; cat "$work/validate.out"; }

"$vigil" run -o metrics.enabled=false -r "$work/rules.yaml" >"$work/live.json" 2>"$work/live.err" &
live_pid=$!
for _ in $(seq 300); do grep -q "vigil: ready" "$work/live.err" && break; sleep 0.1; done
grep -q "vigil: ready" "$work/live.err" || { echo "vigil did not start:"; cat "$work/live.err"; exit 1; }

mkdir -p "$work/srv" "$work/dl"
cp /bin/sleep "$work/srv/tool-$mark"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/srv" >/dev/null 2>&1 &
http_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
curl -s -o "$work/dl/tool-$mark" "http://127.0.0.1:$port/tool-$mark"
cp /bin/sleep "$work/dl/local-$mark"  # run, never downloaded
chmod +x "$work/dl/"*
kill $http_pid; http_pid=
"$work/dl/local-$mark" 20 &
local_pid=$!
start=$(date +%s)
"$work/dl/tool-$mark" 20 &
tool_pid=$!
wait $tool_pid
status=$?
took=$(( $(date +%s) - start ))
[ "$status" = 137 ] && [ "$took" -lt 15 ] && ok || bad "the downloaded sleep was not killed (status $status after ${took}s)"
kill -0 $local_pid 2>/dev/null && ok || bad "the sleep that was not downloaded died"
kill $local_pid 2>/dev/null; wait $local_pid 2>/dev/null; local_pid=
sleep 0.5
kill -INT $live_pid; wait $live_pid; live_pid=
python3 - "$work/live.json" "$work/dl/tool-$mark" "$tool_pid" "$mark" <<'PY' && ok || bad "alert: see above"
import json, sys
path, tool, pid, mark = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
alerts = [json.loads(l) for l in open(path) if mark in l]
mine = [a for a in alerts if "file=" + tool in a.get("output", "")]
assert len(mine) == 1, f"{len(mine)} alerts for {tool}: {alerts}"
e = mine[0]["vigil"].get("enforcement")
want = {"action": "kill", "mode": "on", "tier": "userspace", "result": "killed", "target_pid": pid}
assert e == want, f"vigil.enforcement {e}, want {want}"
assert not [a for a in alerts if "local-" + mark in a.get("output", "")], "alert for the local copy"
PY
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
