#!/usr/bin/env bash
# Sequence and threshold rules over a recorded stream: `vigil replay` gives the
# alerts the live run gave (tests/live/sequences.sh recorded both: the events
# of its scenario are in sequences.jsonl.xz, its live alerts, normalized, in
# sequences.expected), steps, captures, counts and values included.
#   sequences.sh VIGIL
set -euo pipefail
vigil=$1
here=$(cd "$(dirname "$0")" && pwd)
got=$(xz -dc "$here/sequences.jsonl.xz" | "$vigil" replay -r "$here/sequences.yaml" - 2>/dev/null |
	python3 "$here/sequences-norm.py" | sort)
if diff -u "$here/sequences.expected" <(echo "$got"); then
	echo "1 passed, 0 failed"
else
	echo "replayed alerts differ from the live ones (see diff above)"
	echo "0 passed, 1 failed"
	exit 1
fi
