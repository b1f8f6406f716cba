#!/usr/bin/env bash
# Bad replay input is named (file:line, or the capture's byte offset), what
# came before it is still replayed, and the exit status says it happened.
#   bad-input.sh VIGIL RULES FIXTURE.jsonl
set -uo pipefail
vigil=$1 rules=$2 fixture=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { # NAME CONDITION...
	local name=$1
	shift
	if "$@"; then passed=$((passed + 1)); else echo "FAIL: $name"; failed=$((failed + 1)); fi
}

{ head -n 3 "$fixture"; echo '{"broken'; echo '{"type":"teleport","pid":1,"time":"x"}'; tail -n +4 "$fixture"; } >"$work/mixed.jsonl"
"$vigil" replay -r "$rules" "$work/mixed.jsonl" >"$work/out" 2>"$work/err"
rc=$?
check "bad lines make the exit non-zero" [ "$rc" -ne 0 ]
check "a broken line is named by file:line" grep -q "mixed.jsonl:4: not a JSON object" "$work/err"
check "an unknown type is named by file:line" grep -q "mixed.jsonl:5: no known \"type\"" "$work/err"
check "good lines around them still alert" [ "$(grep -c '"rule"' "$work/out")" -eq 5 ]

# wrong JSON types where arrays belong (found by fuzz_replay_json: json-c asserts on them)
{
	head -n 3 "$fixture"
	echo '{"type":"syscall","pid":1,"time":"2026-11-22T08:00:00Z","syscall":"connect","sc_args":5,"fds":{"a":1}}'
	echo '{"type":"exec","pid":2,"time":"2026-11-22T08:00:00Z","flags":[null,7],"args":"sh"}'
	tail -n +4 "$fixture"
} >"$work/types.jsonl"
"$vigil" replay -r "$rules" "$work/types.jsonl" >"$work/out" 2>"$work/err"
rc=$?
check "wrong types do not kill replay (exit $rc)" [ "$rc" -lt 128 ]
# the exec whose args are no list (pid 2) has no argv, which is what PwnKit's
# exec looks like: the default rules say so; the good lines' five must be there
check "good lines around them still alert" \
	[ "$(grep '"rule"' "$work/out" | grep -vc '"rule":"Program Executed with Empty Argument List"')" -eq 5 ]

printf 'VIGILCAP\x01\x00\x00\x00' >"$work/short.bin"
"$vigil" replay -r "$rules" "$work/short.bin" >"$work/out" 2>"$work/err"
rc=$?
check "a truncated capture fails" [ "$rc" -ne 0 ]
check "and says it is not a capture of this version" grep -q "not a vigil capture" "$work/err"

"$vigil" replay -r "$rules" "$work/does-not-exist" >"$work/out" 2>"$work/err"
check "a missing file is named" grep -q "cannot open .*does-not-exist" "$work/err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
