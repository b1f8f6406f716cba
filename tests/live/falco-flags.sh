#!/usr/bin/env bash
# Falco's command-line flags on vigil (docs/operations.md, "Falco's command-line
# flags"): each flag's output and Falco's exit code (0 ok, 1 error), with vigil's
# rules and, when ../shared is beside the checkout, Falco's own. The flags that
# need no kernel also run as nobody; -M needs root and is skipped without it.
set -uo pipefail
vigil=${1:?usage: falco-flags.sh VIGIL_BINARY RULES_FILE_OR_DIR [FALCO_RULES_DIR]}
rules=${2:?usage: falco-flags.sh VIGIL_BINARY RULES_FILE_OR_DIR [FALCO_RULES_DIR]}
falco_dir=${3:-}
vigil=$(realpath "$vigil") rules=$(realpath "$rules")
failures=0 passed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
# vigil's default rules are a directory (rules/, loaded in name order): test them as one file
if [ -d "$rules" ]; then
	mkdir -m 755 "$tmp/default"
	cat "$rules"/*.yaml >"$tmp/default/rules.yaml"
	chmod 644 "$tmp/default/rules.yaml"
	rules=$tmp/default/rules.yaml
fi
printf -- '- rule: broken\n  desc: x\n  condition: proc.name = \n  output: x\n  priority: WARNING\n' \
	>"$tmp/bad.yaml"
chmod 644 "$tmp/bad.yaml"
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# check NAME RC TEXT CMD...: CMD exits RC and its output has TEXT ("" for any);
# as root it runs again as nobody, since these flags need no privileges.
check() {
	local name=$1 want_rc=$2 want=$3
	shift 3
	check_as "$name" "$want_rc" "$want" "$@"
	[ "$(id -u)" -eq 0 ] && check_as "$name (as nobody)" "$want_rc" "$want" "${nobody[@]}" "$@"
}

check_as() {
	local name=$1 want_rc=$2 want=$3 out rc
	shift 3
	out=$(cd "$tmp" && timeout 60 "$@" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && { [ -z "$want" ] || grep -qF -- "$want" <<<"$out"; }; then
		echo "ok: $name"
		passed=$((passed + 1))
	else
		echo "FAIL: $name: exit $rc (wanted $want_rc), wanted '$want' in:"
		echo "$out" | head -20 | sed 's/^/    /'
		failures=$((failures + 1))
	fi
}

# state RULE FLAGS...: "yes" or "no", the rule's Enabled line in vigil -L FLAGS
state() {
	local rule=$1
	shift
	"$vigil" -L "$@" 2>/dev/null | grep -A1 -xF "Rule: $rule" | sed -n 's/^Enabled: //p'
}

expect_state() {
	local name=$1 want=$2 got
	shift 2
	got=$(state "$@")
	if [ "$got" = "$want" ]; then
		echo "ok: $name"
		passed=$((passed + 1))
	else
		echo "FAIL: $name: enabled '$got', wanted '$want'"
		failures=$((failures + 1))
	fi
}

check "--version" 0 "vigil version " "$vigil" --version
check "--version has an Engine line" 0 "Engine:" "$vigil" --version
check "--help lists vigil's commands" 0 "validate   load and compile" "$vigil" --help
check "--help lists Falco's flags" 0 "-V, --validate FILE" "$vigil" --help
check "-h" 0 "Falco's flags" "$vigil" -h
check "-V valid rules" 0 "0 errors" "$vigil" -V "$rules"
check "--validate valid rules" 0 "0 errors" "$vigil" --validate "$rules"
check "-V invalid rules exits 1" 1 "bad.yaml" "$vigil" -V "$tmp/bad.yaml"
check "-V repeated, one invalid, exits 1" 1 "" "$vigil" -V "$rules" -V "$tmp/bad.yaml"
check "-L lists rules" 0 "Rule: Netcat Reverse Shell Arguments" "$vigil" -L -r "$rules"
check "-L shows descriptions" 0 "Description: Netcat or socat run" "$vigil" -L -r "$rules"
check "-l shows one rule" 0 "Description: Netcat or socat run" \
	"$vigil" -r "$rules" -l "Netcat Reverse Shell Arguments"
check "-l unknown rule exits 1" 1 "no rule named 'No Such Rule'" \
	"$vigil" -r "$rules" -l "No Such Rule"
check "--list lists fields" 0 "proc.name" "$vigil" --list
check "--list syscall" 0 "proc.name" "$vigil" --list syscall
check "--list other source exits 1" 1 "no event source 'k8saudit'" "$vigil" --list k8saudit
check "--list-plugins" 0 "no plugins" "$vigil" --list-plugins
# metrics off (-o): the default port may be taken by a vigil running beside this test
check "--dry-run" 0 "dry run: configuration and rules loaded" "$vigil" --dry-run -o metrics.enabled=false -r "$rules"
# port 1 is privileged: as nobody, only a dry run that binds nothing can succeed
check "--dry-run binds no metrics port" 0 "dry run" \
	"$vigil" --dry-run -o metrics.listen_address=127.0.0.1:1 -r "$rules"
check "--dry-run with -A -U" 0 "dry run" "$vigil" -A -U --dry-run -o metrics.enabled=false -r "$rules"
check "--dry-run with bad rules exits 1" 1 "error" "$vigil" --dry-run -o metrics.enabled=false -r "$tmp/bad.yaml"
check "-T with -t exits 1" 1 "-T and -t cannot" "$vigil" -T a -t b -L -r "$rules"
check "-M without seconds exits 1" 1 "-M needs a value" "$vigil" -M
check "-M not a number exits 1" 1 "not a number of seconds" "$vigil" -M soon -r "$rules"
check "-p with an unknown field exits 1" 1 "output appended by append_output or -p: invalid field" \
	"$vigil" -p "x=%no.such" --dry-run -o metrics.enabled=false -r "$rules"
check "-pc appends container details" 0 "k8s_pod=%k8s.pod.name) container_id=%container.id" \
	"$vigil" -pc -r "$rules" -l "Netcat Reverse Shell Arguments"
check "-pk appends Kubernetes details" 0 "k8s_pod_name=%k8s.pod.name" \
	"$vigil" -pk -r "$rules" -l "Netcat Reverse Shell Arguments"
check "an unknown flag is a usage error" 2 "unrecognized option '--no-such-flag'" \
	"$vigil" --no-such-flag

check "--support is JSON with the rules file's SHA-256" 0 "$(sha256sum <"$rules" | cut -d' ' -f1)" \
	"$vigil" --support -r "$rules"
check "--support names the config" 0 '"name":"/etc/vigil/vigil.yaml"' "$vigil" --support -r "$rules"
if out=$("$vigil" --support -r "$(dirname "$rules")") && python3 -c 'import json,sys; json.load(sys.stdin)' <<<"$out"; then
	echo "ok: --support over a directory is valid JSON"
	passed=$((passed + 1))
else
	echo "FAIL: --support over a directory is not valid JSON:"
	echo "$out" | head -20 | sed 's/^/    /'
	failures=$((failures + 1))
fi

nc="Netcat Reverse Shell Arguments" tmpx="Execution from Temporary Directory"
expect_state "-L without selection: enabled" yes "$nc" -r "$rules"
expect_state "-D substring disables" no "$nc" -r "$rules" -D "Reverse Shell"
expect_state "-D leaves others" yes "$tmpx" -r "$rules" -D "Reverse Shell"
expect_state "-T tag disables" no "$nc" -r "$rules" -T T1059
expect_state "-T leaves others" yes "$tmpx" -r "$rules" -T T1059
expect_state "-t keeps the tagged" yes "$tmpx" -r "$rules" -t T1204
expect_state "-t disables the untagged" no "$nc" -r "$rules" -t T1204
expect_state "-t after -D re-enables (Falco's order)" yes "$tmpx" -r "$rules" -D Temporary -t T1204

if [ -n "$falco_dir" ] && [ -r "$falco_dir/falco_rules.yaml" ]; then
	fr=$falco_dir/falco_rules.yaml
	check "Falco's rules: -V" 0 "0 errors" "$vigil" -V "$fr"
	check "Falco's rules: -L" 0 "Rule: Terminal shell in container" "$vigil" -L -r "$fr"
	check "Falco's rules: --support hash" 0 "$(sha256sum <"$fr" | cut -d' ' -f1)" \
		"$vigil" --support -r "$fr"
	check "Falco's rules: --dry-run" 0 "dry run" "$vigil" --dry-run -o metrics.enabled=false -r "$fr"
	expect_state "Falco's rules: -T maturity_stable" no "Terminal shell in container" \
		-r "$fr" -T maturity_stable
else
	echo "SKIP: Falco's rules: ${falco_dir:-no directory given}/falco_rules.yaml is absent"
fi

if [ "$(id -u)" -eq 0 ]; then
	# -M 4 with -p: a program run from $tmp (under /tmp) alerts with the appended text
	# (started through timeout: the rule leaves out programs a person's shell runs)
	cp /bin/true "$tmp/vgff-true"
	start=$(date +%s)
	timeout 30 "$vigil" -M 4 -p "pflag=%proc.name" -o metrics.enabled=false -r "$rules" \
		>"$tmp/m.out" 2>"$tmp/m.err" </dev/null &
	pid=$!
	for _ in $(seq 100); do grep -q "ready:" "$tmp/m.err" && break; sleep 0.1; done
	timeout 5 "$tmp/vgff-true"
	wait "$pid"
	rc=$? took=$(($(date +%s) - start))
	if [ "$rc" -eq 0 ] && [ "$took" -le 10 ] && grep -qF "ready:" "$tmp/m.err"; then
		echo "ok: -M 4 stops after ${took}s, exit 0"
		passed=$((passed + 1))
	else
		echo "FAIL: -M 4: exit $rc after ${took}s"
		tail -5 "$tmp/m.err" | sed 's/^/    /'
		failures=$((failures + 1))
	fi
	if grep -q "Program executed from a temporary directory.* pflag=vgff-true" "$tmp/m.out"; then
		echo "ok: -p appends to the alert's output"
		passed=$((passed + 1))
	else
		echo "FAIL: -p: no alert with 'pflag=vgff-true' in:"
		head -5 "$tmp/m.out" | sed 's/^/    /'
		failures=$((failures + 1))
	fi
else
	echo "SKIP: -M needs root (it captures)"
fi

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
