#!/usr/bin/env bash
# The added cost per operation of vigil running Falco's stable rules, next to
# libbpf-tools' opensnoop and execsnoop in the same run. Needs root.
#   bench/syscalls.sh [BUILD_DIR]
#
# The prefilter case opens a path no rule watches (/tmp/vigil-op-bench.txt)
# with vigil running Falco's stable rules as they are plus vigil's own rules,
# and compares in one run: no tracer, vigil with its in-kernel path
# prefilter, the same vigil with the prefilter off (VIGIL_NO_PREFILTER=1 in
# its environment), opensnoop.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
rules=$here/../shared/anchors/falco-rules/falco_rules.yaml
[ -f "$rules" ] || rules=$here/rules
vigil=$build/engine/vigil
bench=$build/bench/op_bench
command -v opensnoop >/dev/null || command -v /usr/sbin/opensnoop >/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libbpf-tools >/dev/null 2>&1 || true
export PATH=$PATH:/usr/sbin
echo "rules: $rules"
"$bench" -o open -w "vigil: ready" -- "$vigil" run -r "$rules"
"$bench" -o open -p /etc/passwd -w "vigil: ready" -- "$vigil" run -r "$rules"
# line-buffered: on a quiet machine the tools' header would sit in a pipe buffer
command -v opensnoop >/dev/null && "$bench" -o open -w PID -l opensnoop -- stdbuf -oL opensnoop
"$bench" -o exec -n 2000 -w "vigil: ready" -- "$vigil" run -r "$rules"
command -v execsnoop >/dev/null && "$bench" -o exec -n 2000 -w PID -l execsnoop -- stdbuf -oL execsnoop
"$bench" -o connect -w "vigil: ready" -- "$vigil" run -r "$rules"

if [ "$rules" != "$here/rules" ]; then
	bounded=(-r "$rules" -r "$here/rules")
	snoop=()
	command -v opensnoop >/dev/null && snoop=(-- stdbuf -oL opensnoop)
	"$bench" -o open -r 9 -w "vigil: ready" -w "vigil: ready" -w PID \
		-l "vigil, prefilter on" -l "vigil, prefilter off" -l opensnoop \
		-- "$vigil" run "${bounded[@]}" \
		-- env VIGIL_NO_PREFILTER=1 "$vigil" run "${bounded[@]}" \
		"${snoop[@]}"
fi
true
