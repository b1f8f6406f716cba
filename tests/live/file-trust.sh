#!/usr/bin/env bash
# Rules and config files that a user other than root can change are named on
# stderr at start-up and on reload: whoever writes them decides what vigil
# detects. Files only root can change raise no warning.
set -uo pipefail
vigil=${1:?usage: file-trust.sh VIGIL_BINARY RULES_FILE_OR_DIR}
rules=${2:?usage: file-trust.sh VIGIL_BINARY RULES_FILE_OR_DIR}
failures=0 passed=0

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (chowns files to another user)"
	exit 77
fi
work=$(mktemp -d /tmp/vigil-trust.XXXXXX)
trap 'rm -rf "$work"' EXIT
# a rules directory (vigil's default rules/) is tested as one file of its files in load order
if [ -d "$rules" ]; then cat "$rules"/*.yaml >"$work/r.yaml"; else cp "$rules" "$work/r.yaml"; fi
printf 'priority: debug\n' >"$work/vigil.yaml"
chmod 755 "$work"
chmod 644 "$work/r.yaml" "$work/vigil.yaml"

# start-up stderr of `vigil run` with these rules and config, stopped once ready
startup() {
	local out=$work/stderr
	timeout 60 "$vigil" run -c "$work/vigil.yaml" -r "$1" >/dev/null 2>"$out" &
	local pid=$!
	for _ in $(seq 300); do
		grep -q "vigil: ready" "$out" && break
		sleep 0.1
	done
	kill -INT $pid 2>/dev/null
	wait $pid
	cat "$out"
}

# check NAME WANT_REGEX|'' : the start-up stderr has (or, for '', has no) trust warning
check() {
	local name=$1 want=$2 path=$3 out
	out=$(startup "$path" | grep "whoever can write it")
	if { [ -z "$want" ] && [ -z "$out" ]; } || { [ -n "$want" ] && grep -qE -- "$want" <<<"$out"; }; then
		echo "ok: $name"
		passed=$((passed + 1))
	else
		echo "FAIL: $name: wanted '${want:-no warning}', got: ${out:-nothing}"
		failures=$((failures + 1))
	fi
}

check "root-owned 0644 files: no warning" "" "$work/r.yaml"
chmod 666 "$work/r.yaml"
check "world-writable rules file" "r.yaml is writable by every user" "$work/r.yaml"
check "world-writable file inside a rules directory" "r.yaml is writable by every user" "$work"
chmod 644 "$work/r.yaml"
chown 65534 "$work/r.yaml"
check "rules file owned by another user" "r.yaml is owned by uid 65534" "$work/r.yaml"
chown 0 "$work/r.yaml"
chown 65534 "$work"
check "rules directory owned by another user" "vigil-trust.* \(holding .*\) is owned by uid 65534" "$work/r.yaml"
chown 0 "$work"
chmod 664 "$work/vigil.yaml"
chgrp 65534 "$work/vigil.yaml"
check "config writable by a group" "vigil.yaml .*is writable by group 65534" "$work/r.yaml"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
