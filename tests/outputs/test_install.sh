#!/usr/bin/env bash
# `cmake --install` puts in place a systemd unit whose ExecStart is the vigil
# it installed and whose -c is the config it installed; the config loads the
# installed rules and a rules.d/ for a team's own; a config an admin edited
# is kept on a second install. No root: a temporary prefix, and DESTDIR.
set -uo pipefail
build=${1:?usage: test_install.sh BUILD_DIR [CMAKE]}
cmake=${2:-cmake}
failures=0 passed=0
work=$(mktemp -d /tmp/vigil-install.XXXXXX)
trap 'rm -rf "$work"' EXIT

check() {
	if [ "$2" = yes ]; then
		echo "ok: $1"
		passed=$((passed + 1))
	else
		echo "FAIL: $1"
		failures=$((failures + 1))
	fi
}
yes_if() { "$@" >/dev/null 2>&1 && echo yes || echo no; }
no_if() { "$@" >/dev/null 2>&1 && echo no || echo yes; }
# the config's rules_files: are vigil's rules and rules.d/ of /usr
lists_rules() {
	[ "$(grep -A2 -x 'rules_files:' "$1")" = $'rules_files:\n  - /usr/share/vigil/rules\n  - /etc/vigil/rules.d' ]
}
install_to() { "$cmake" --install "$build" --prefix "$1" >"$work/install.log" 2>&1; }

echo "prefix $work/p:"
p=$work/p
check "cmake --install succeeds" "$(yes_if install_to "$p")"
unit=$p/lib/systemd/system/vigil.service
check "the unit is installed" "$(yes_if test -f "$unit")"
exe=$(sed -n 's/^ExecStart=\([^ ]*\) run -c \([^ ]*\)$/\1/p' "$unit")
cfg=$(sed -n 's/^ExecStart=\([^ ]*\) run -c \([^ ]*\)$/\2/p' "$unit")
check "ExecStart is the installed vigil ($exe)" "$(yes_if test "$exe" = "$p/sbin/vigil" -a -x "$exe")"
check "ExecStart's -c is the installed config ($cfg)" \
	"$(yes_if test "$cfg" = "$p/etc/vigil/vigil.yaml" -a -f "$cfg")"
check "no @VAR@ is left in the unit" "$(no_if grep -qE '@[A-Z_]+@' "$unit")"
check "rules.d/ is there" "$(yes_if test -d "$p/etc/vigil/rules.d")"
check "the rules are there, every file of rules/" \
	"$(yes_if diff -q <(cd "$(dirname "$0")/../../rules" && ls ./*.yaml) <(cd "$p/share/vigil/rules" && ls ./*.yaml))"
check "vigil validate accepts the installed rules" \
	"$(yes_if "$exe" validate -r "$p/share/vigil/rules" -r "$p/etc/vigil/rules.d")"
check "the installed config loads with the installed rules" \
	"$(yes_if "$exe" replay -c "$cfg" /dev/null)"
# a broken file in rules.d must break the load: the config does read rules.d/
printf -- '- rule: broken\n  condition: evt.type =\n' >"$p/etc/vigil/rules.d/team.yaml"
check "the installed config loads rules.d/ (a broken file there is refused)" \
	"$(no_if "$exe" replay -c "$cfg" /dev/null)"
rm "$p/etc/vigil/rules.d/team.yaml"
echo "# edited by the admin" >>"$cfg"
install_to "$p"
check "a second install keeps the admin's config" "$(yes_if grep -q "edited by the admin" "$cfg")"

echo "DESTDIR $work/root, prefix /usr:"
d=$work/root
check "cmake --install with DESTDIR succeeds" "$(DESTDIR=$d yes_if install_to /usr)"
check "ExecStart is /usr/sbin/vigil with -c /etc/vigil/vigil.yaml" \
	"$(yes_if grep -qx 'ExecStart=/usr/sbin/vigil run -c /etc/vigil/vigil.yaml' \
		"$d/usr/lib/systemd/system/vigil.service")"
check "/usr/sbin/vigil is installed" "$(yes_if test -x "$d/usr/sbin/vigil")"
check "/etc/vigil/vigil.yaml lists /usr/share/vigil/rules and /etc/vigil/rules.d" \
	"$(yes_if lists_rules "$d/etc/vigil/vigil.yaml")"
check "/etc/vigil/rules.d/ is there" "$(yes_if test -d "$d/etc/vigil/rules.d")"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
