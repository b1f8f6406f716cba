#!/usr/bin/env bash
# The Debian package, installed on this machine: scripts/package.sh builds
# it; `dpkg -i` puts the binary in /usr/sbin, the config (a conffile) and
# rules.d/ in /etc/vigil, the rules in /usr/share/vigil/rules, the unit in
# /lib/systemd/system and the docs in /usr/share/doc/vigil; the unit's
# ExecStart names that binary and config. With no systemd here, the test
# runs the unit's ExecStart as systemd would (plus one -o moving the metrics
# port, as other vigils may run on this machine) and requires an alert of a
# default rule for a program it runs from /tmp; then `dpkg --purge` removes
# every file, the unit's enablement and /var/log/vigil.
#
#   test_package.sh SOURCE_DIR BUILD_DIR
#
# Root only; skips (77) when not root, or when vigil is already installed on
# this machine (package, /usr/sbin/vigil or /etc/vigil): it never touches an
# install it did not make.
set -uo pipefail
src=${1:?usage: test_package.sh SOURCE_DIR BUILD_DIR}
bdir=${2:?usage: test_package.sh SOURCE_DIR BUILD_DIR}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (dpkg -i)"; exit 77; }
if dpkg-query -W -f='${Status}' vigil 2>/dev/null | grep -q installed ||
	[ -e /usr/sbin/vigil ] || [ -e /etc/vigil ]; then
	echo "SKIP: vigil is installed on this machine already; not touching it"
	exit 77
fi
command -v dpkg-shlibdeps >/dev/null || { echo "SKIP: no dpkg-dev"; exit 77; }

failures=0 passed=0 installed=0 pid=
work=$(mktemp -d /tmp/vigil-pkg.XXXXXX)
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ "$installed" = 1 ] && dpkg --purge vigil >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
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

deb=$("$src/scripts/package.sh" "$bdir" 2>"$work/package.err" | tail -1)
check "scripts/package.sh builds a .deb ($deb)" "$(yes_if test -f "$deb")"
[ -f "$deb" ] || { cat "$work/package.err"; echo "$passed passed, $((failures)) failed"; exit 1; }
dpkg-deb -f "$deb" Depends >"$work/depends"
for lib in libbpf1 libyaml-0-2 libpcre2-8-0 libjson-c5 libseccomp2 libcurl4 libmicrohttpd12; do
	check "Depends names $lib (dpkg-shlibdeps)" "$(yes_if grep -q "$lib" "$work/depends")"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$work/conffiles" 2>/dev/null
check "/etc/vigil/vigil.yaml is a conffile" "$(yes_if grep -qx /etc/vigil/vigil.yaml "$work/conffiles")"

dpkg -i "$deb" >"$work/dpkg.log" 2>&1 && installed=1
check "dpkg -i installs it" "$(yes_if test "$installed" = 1)"
[ "$installed" = 1 ] || cat "$work/dpkg.log"
check "/usr/sbin/vigil" "$(yes_if test -x /usr/sbin/vigil)"
check "/etc/vigil/vigil.yaml" "$(yes_if test -f /etc/vigil/vigil.yaml)"
check "/etc/vigil/rules.d/" "$(yes_if test -d /etc/vigil/rules.d)"
check "/usr/share/vigil/rules/ has every file of rules/" \
	"$(yes_if diff -q <(cd "$(dirname "$0")/../../rules" && ls ./*.yaml) <(cd /usr/share/vigil/rules && ls ./*.yaml))"
check "/lib/systemd/system/vigil.service" "$(yes_if test -f /lib/systemd/system/vigil.service)"
check "/usr/share/doc/vigil/operations.md" "$(yes_if test -f /usr/share/doc/vigil/operations.md)"
check "/usr/share/doc/vigil/falco-migration.md" "$(yes_if test -f /usr/share/doc/vigil/falco-migration.md)"
check "/usr/share/doc/vigil/copyright" "$(yes_if test -f /usr/share/doc/vigil/copyright)"
check "/var/log/vigil made by postinst, not readable by others" \
	"$(yes_if test "$(stat -c %a /var/log/vigil 2>/dev/null)" = 750)"
check "the unit is enabled (deb-systemd-helper)" \
	"$(yes_if test -L /etc/systemd/system/multi-user.target.wants/vigil.service)"
check "every file of the package is the package's (dpkg -V)" "$(yes_if dpkg -V vigil)"

exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/vigil.service)
check "ExecStart is /usr/sbin/vigil run -c /etc/vigil/vigil.yaml ($exec_start)" \
	"$(yes_if test "$exec_start" = "/usr/sbin/vigil run -c /etc/vigil/vigil.yaml")"
check "the config lists the installed rules and rules.d/" \
	"$(yes_if grep -qxE '  - /etc/vigil/rules.d' /etc/vigil/vigil.yaml)"

# as systemd would start it (word splitting is ExecStart's)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086
$exec_start -o "metrics.listen_address=127.0.0.1:$port" >"$work/alerts" 2>"$work/err" &
pid=$!
for _ in $(seq 600); do
	grep -q "vigil: ready" "$work/err" && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
done
check "ExecStart's vigil starts (ready)" "$(yes_if grep -q "vigil: ready" "$work/err")"
mark=vgpkg$$
cp /bin/true "/dev/shm/$mark"
for _ in $(seq 100); do
	"/dev/shm/$mark" "$mark"
	grep -q "$mark" "$work/alerts" && break
	sleep 0.2
done
rm -f "/dev/shm/$mark"
check "an alert of the default rule 'Execution from Hidden or Shared-Memory Directory'" \
	"$(yes_if grep -q "\"rule\":\"Execution from Hidden or Shared-Memory Directory\".*$mark" "$work/alerts")"
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
check "SIGTERM: exit 0" "$(yes_if test "$rc" = 0)"
[ "$failures" = 0 ] || tail -5 "$work/err"

dpkg --purge vigil >"$work/purge.log" 2>&1 && installed=0
check "dpkg --purge removes it" "$(yes_if test "$installed" = 0)"
for f in /usr/sbin/vigil /etc/vigil /usr/share/vigil /lib/systemd/system/vigil.service \
	/usr/share/doc/vigil /var/log/vigil /etc/systemd/system/multi-user.target.wants/vigil.service \
	/var/lib/systemd/deb-systemd-helper-enabled/vigil.service \
	/var/lib/systemd/deb-systemd-helper-masked/vigil.service; do
	check "purged: $f" "$(no_if test -e "$f" -o -L "$f")"
done

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
