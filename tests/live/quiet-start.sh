#!/usr/bin/env bash
# A start-up where all is well says so in one line ("vigil: ready: ..."):
# no libbpf chatter, no dump of the kernel's answer, no warning about a
# default (self-protection) this kernel cannot give. Warnings only for what
# was asked for and cannot be had: enforcing rules that fall back from the
# LSM tier to signals, self_protect set explicitly. -v shows libbpf's lines.
set -uo pipefail
vigil=${1:?usage: quiet-start.sh VIGIL_BINARY RULES_FILE_OR_DIR}
rules=${2:?usage: quiet-start.sh VIGIL_BINARY RULES_FILE_OR_DIR}
failures=0 passed=0

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (loads the probes)"
	exit 77
fi
work=$(mktemp -d /tmp/vigil-quiet.XXXXXX)
trap 'rm -rf "$work"' EXIT
printf 'priority: debug\n' >"$work/default.yaml"
printf 'priority: debug\nself_protect: true\n' >"$work/protect.yaml"
cat >"$work/kill.yaml" <<'YAML'
- rule: Kill a process named vigil-quiet-miner
  desc: an enforcing rule that never fires in this test
  condition: evt.type in (execve, execveat) and proc.name = vigil-quiet-miner
  output: killed (proc.exepath=%proc.exepath)
  priority: CRITICAL
  action: kill
YAML

# startup CONFIG ARGS...: stderr of `vigil run` up to and including its ready line
startup() {
	local cfg=$1 out=$work/stderr
	shift
	timeout 60 "$vigil" run -c "$cfg" "$@" >/dev/null 2>"$out" &
	local pid=$!
	for _ in $(seq 300); do
		grep -q "vigil: ready" "$out" && break
		sleep 0.1
	done
	kill -INT $pid 2>/dev/null
	wait $pid
	sed '/^vigil: ready: /q' "$out"
}

check() {
	if [ "$2" = yes ]; then
		echo "ok: $1"
		passed=$((passed + 1))
	else
		echo "FAIL: $1"
		echo "--- start-up stderr:"
		cat "$work/got"
		echo "---"
		failures=$((failures + 1))
	fi
}
has() { grep -qE -- "$1" "$work/got" && echo yes || echo no; }
hasnt() { grep -qE -- "$1" "$work/got" && echo no || echo yes; }
lines() { [ "$(grep -c '' "$work/got")" -eq "$1" ] && echo yes || echo no; }

lsm_active=no
grep -qw bpf /sys/kernel/security/lsm 2>/dev/null && lsm_active=yes

echo "no enforcing rule, defaults:"
startup "$work/default.yaml" -r "$rules" >"$work/got"
check "the ready line says rules, probes, prefilter, enforcement and confinement" \
	"$(has '^vigil: ready: [0-9]+ rules loaded \([0-9]+ enabled\), capturing [0-9]+ syscalls; [0-9]+ probes attached \(credential changes[^)]*\); path prefilter .*; enforcing: off; confined: ')"
check "the ready line is the only line of start-up" "$(lines 1)"
check "no libbpf hint (try raising 'ulimit -l')" "$(hasnt 'try raising')"
check "no dump of the kernel's answer" "$(hasnt "last lines of the kernel's answer")"
check "no warning about the LSM tier or self-protection" "$(hasnt 'LSM|self.protect|warning')"

echo "an enforcing rule:"
startup "$work/default.yaml" -r "$rules" -r "$work/kill.yaml" >"$work/got"
check "the ready line says one rule is enforced" "$(has '; enforcing: 1 rule\(s\), tier (lsm|signal), mode on')"
if [ "$lsm_active" = yes ] && grep -q 'tier signal' "$work/got"; then
	check "one warning names the fallback from the LSM tier to signals" \
		"$(has '^vigil: warning: the BPF LSM enforcement hooks failed to load \(.*\): 1 enforcing rule\(s\) fall back to signals')"
	check "that warning and the ready line are all" "$(lines 2)"
else
	check "the ready line is the only line of start-up" "$(lines 1)"
fi
check "no dump of the kernel's answer" "$(hasnt "last lines of the kernel's answer|try raising")"

echo "self_protect: true in the config, no enforcing rule:"
startup "$work/protect.yaml" -r "$rules" >"$work/got"
if grep -q 'enforcing: off' "$work/got"; then
	check "one warning says self-protection is not there" \
		"$(has '^vigil: warning: self_protect is set but needs the BPF LSM tier')"
	check "that warning and the ready line are all" "$(lines 2)"
else
	check "self-protection is on" "$(has 'self-protection on')"
fi

echo "-v:"
startup "$work/default.yaml" -v -r "$rules" >"$work/got"
check "libbpf's own lines are shown" "$(has '^libbpf: ')"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
