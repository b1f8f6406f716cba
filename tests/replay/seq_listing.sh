#!/usr/bin/env bash
# `vigil rules`, `vigil validate` and the catalogue list a sequence once, with
# its steps under it, never the compiler's hidden step rules ("rule/step"),
# and count the rules the user wrote.
#   seq_listing.sh VIGIL
set -uo pipefail
vigil=$1
here=$(cd "$(dirname "$0")" && pwd)
rules=$here/sequences.yaml
pass=0 fail=0
check() { # name, command...
	local n=$1
	shift
	if "$@"; then pass=$((pass + 1)); else echo "FAIL: $n"; fail=$((fail + 1)); fi
}
text=$("$vigil" rules -r "$rules" --condition 2>&1)
json=$("$vigil" rules -r "$rules" --json 2>&1)
val=$("$vigil" validate -r "$rules" 2>&1)
cat=$("$vigil" rules -r "$rules" --catalogue 2>&1)
check "text: no hidden step rule" bash -c '! grep -q "^Downloaded File Executed/" <<<"$1"' _ "$text"
check "text: 3 rules" grep -q "^3 rules;" <<<"$text"
check "text: sequence line" grep -q "sequence: 2 steps within 2m" <<<"$text"
check "text: step 1 with key" grep -q "1\. download  key: fd.name" <<<"$text"
check "text: step 2 with key" grep -q "2\. run  key: proc.exepath" <<<"$text"
check "text: step condition" grep -q "condition: .*evt.is_open_write" <<<"$text"
check "text: threshold line" grep -q "threshold: 20 distinct fd.rport within 2s by proc.pid" <<<"$text"
check "text: threshold condition" grep -q "condition: .*vgseq8991-scan" <<<"$text"
check "json" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
names = [r["name"] for r in d["rules"]]
assert names.count("Downloaded File Executed") == 1 and len(names) == 3, names
s = next(r for r in d["rules"] if r["name"] == "Downloaded File Executed")["sequence"]
assert s["window_ms"] == 120000 and [x["name"] for x in s["steps"]] == ["download", "run"], s
assert s["steps"][0]["key"] == "fd.name" and "open" in s["steps"][0]["evttypes"], s
t = next(r for r in d["rules"] if r["name"] == "Loopback Port Scan")["threshold"]
assert t["count"] == 20 and t["distinct"] == "fd.rport" and t["by"] == "proc.pid", t
' "$json"
check "validate: 3 rules loaded" grep -q "^3 rules loaded (3 enabled)" <<<"$val"
check "catalogue: 3 rules, no step" bash -c 'grep -q ": 3 rules\." <<<"$1" && ! grep -q "Executed/download" <<<"$1"' _ "$cat"
check "falco -L: no hidden step rule" bash -c '! "$1" -L -r "$2" 2>/dev/null | grep -q "Executed/download" && "$1" -L -r "$2" 2>/dev/null | grep -q "Downloaded File Executed"' _ "$vigil" "$rules"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
