#!/usr/bin/env bash
# Replays a recorded event stream through rules and compares the alerts
# (pid and rule, one per line) with what is expected: no kernel needed.
#   run-replay.sh VIGIL RULES EVENTS.jsonl EXPECTED
set -euo pipefail
vigil=$1 rules=$2 events=$3 expected=$4
got=$("$vigil" replay -r "$rules" "$events" |
	sed -n 's/.*"proc\.pid":\([0-9]*\).*"rule":"\([^"]*\)".*/\1 \2/p' | sort)
if diff -u "$expected" <(echo "$got"); then
	echo "1 passed, 0 failed"
else
	echo "alerts differ from $expected (see diff above)"
	echo "0 passed, 1 failed"
	exit 1
fi
