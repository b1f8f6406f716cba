#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The plugin ABI against the real vigil binary.
#   plugins.sh load VIGIL PLUGDIR JSONL_SO ALERT_FILE_SO JSON_SO   load-time checks (--dry-run)
#   plugins.sh run  VIGIL PLUGDIR JSONL_SO ALERT_FILE_SO JSON_SO   vigil run: events alert, outputs get them
# jsonl is a source only; the json plugin extracts json.* from its events.
set -u
mode=$1 VIGIL=$2 PLUGDIR=$3 JSONL=$4 ALERTFILE=$5 JSONP=$6
T=$(mktemp -d /tmp/vigil-plugins.XXXXXX)
VPID=
cleanup() {
	[ -n "$VPID" ] && kill -INT "$VPID" 2>/dev/null && wait "$VPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# config NAME:LIB[:INIT] ... -> $T/vigil.yaml loading them all, in order
# the ABI version this tree's plugins are built with (include/vigil/plugin.h)
HDR="$(dirname "$0")/../../include/vigil/plugin.h"
MAJ=$(sed -n 's/^#define VG_PLUGIN_API_MAJOR \([0-9]*\).*/\1/p' "$HDR")
MIN=$(sed -n 's/^#define VG_PLUGIN_API_MINOR \([0-9]*\).*/\1/p' "$HDR")

config() {
	{
		echo "json_output: true"
		# no metrics server unless MPORT names a free port: a fixed one may be
		# another vigil's on this machine
		if [ -n "${MPORT:-}" ]; then
			printf "metrics:\n  enabled: true\n  listen_address: 127.0.0.1:%s\n" "$MPORT"
		else
			printf "metrics:\n  enabled: false\nwebserver:\n  enabled: false\n"
		fi
		echo "plugins:"
		for p in "$@"; do
			name=${p%%:*} rest=${p#*:}
			lib=${rest%%:*} init=
			[ "$rest" != "$lib" ] && init=${rest#*:}
			echo "  - name: $name"
			echo "    library_path: $lib"
			[ -n "$init" ] && echo "    init_config: $init"
		done
		printf "load_plugins: ["
		sep=
		for p in "$@"; do printf "%s%s" "$sep" "${p%%:*}"; sep=", "; done
		echo "]"
	} >"$T/vigil.yaml"
}

rules_jsonl() {
	cat >"$T/rules.yaml" <<'R'
- rule: jsonl mallory deletes
  desc: a jsonl event of mallory deleting something
  condition: json.value[/user/name] = "mallory" and json.value[/verb] startswith "del"
  output: "user %json.value[/user/name] did %json.value[/verb] on %json.value[/obj]"
  priority: WARNING
  source: jsonl
R
}

# expect_refused WHAT PATTERN: vigil --dry-run fails and says PATTERN on stderr
expect_refused() {
	if "$VIGIL" --dry-run -c "$T/vigil.yaml" -r "$T/rules.yaml" >"$T/out" 2>"$T/err"; then
		fail "$1: vigil accepted it"
	elif ! grep -qF -- "$2" "$T/err"; then
		fail "$1: no message '$2' in: $(cat "$T/err")"
	else
		ok "$1: $(grep -F -- "$2" "$T/err" | head -1)"
	fi
}

load_tests() {
	rules_jsonl
	config "jsonl:$JSONL:$T/none.jsonl" "json:$JSONP"
	if "$VIGIL" --dry-run -c "$T/vigil.yaml" -r "$T/rules.yaml" >"$T/out" 2>"$T/err" &&
		! grep -q "unknown source" "$T/err"; then
		ok "jsonl_source loads; a rule of its source compiles"
	else
		fail "jsonl_source: $(cat "$T/err")"
	fi
	if "$VIGIL" validate -c "$T/vigil.yaml" -r "$T/rules.yaml" >"$T/out" 2>"$T/err" &&
		! grep -q "unknown source" "$T/out" "$T/err"; then
		ok "vigil validate -c loads the plugins: the rule of their source checks"
	else
		fail "validate -c: $(cat "$T/out" "$T/err")"
	fi
	# required_plugin_versions against the loaded plugins (semver: same major, not older)
	cp "$T/rules.yaml" "$T/rules.base"
	printf -- "- required_plugin_versions:\n  - name: jsonl\n    version: 0.1.0\n" >"$T/rules.yaml"
	cat "$T/rules.base" >>"$T/rules.yaml"
	"$VIGIL" --dry-run -c "$T/vigil.yaml" -r "$T/rules.yaml" >"$T/out" 2>"$T/err" &&
		ok "required_plugin_versions: jsonl 0.1.0 is loaded" ||
		fail "required_plugin_versions jsonl 0.1.0: $(cat "$T/err")"
	sed -i 's/version: 0.1.0/version: 0.2.0/' "$T/rules.yaml"
	expect_refused "required_plugin_versions: a newer jsonl" \
		"plugin 'jsonl' version 0.2.0 is required; the one loaded is 0.1.0"
	cp "$T/rules.base" "$T/rules.yaml"
	"$VIGIL" fields -c "$T/vigil.yaml" --json >"$T/fields.json" 2>"$T/err"
	python3 - "$T/fields.json" <<'P' && ok "vigil fields -c lists the plugin's fields" || fail "vigil fields -c: $(cat "$T/err")"
import json, sys
f = {d["name"]: d for d in json.load(open(sys.argv[1]))}
assert f["json.value"]["class"] == "json" and f["json.value"]["arg"] == "[key]", f.get("json.value")
assert f["jevt.value"]["class"] == "json" and f["jevt.rawtime"]["type"] == "string", f.get("jevt.value")
assert f["json.raw"]["type"] == "string" and f["json.raw"]["live"], f.get("json.raw")
assert "proc.name" in f  # the built-in ones, through the same registry
P
	"$VIGIL" --list-plugins -c "$T/vigil.yaml" >"$T/out" 2>"$T/err"
	grep -qx "jsonl 0.1.0 (plugin API $MAJ.$MIN) source: jsonl, 0 field(s)" "$T/out" &&
		grep -qx "json 0.7.0 (plugin API $MAJ.$MIN), 7 field(s)" "$T/out" &&
		ok "--list-plugins: $(tail -1 "$T/out")" || fail "--list-plugins: $(cat "$T/out" "$T/err")"
	config "garbage:$PLUGDIR/libtest_plugin_wrong_major.so"
	expect_refused "wrong major" \
		"plugin 'garbage': $PLUGDIR/libtest_plugin_wrong_major.so was built for plugin API $((MAJ + 1)).$MIN; this vigil has plugin API $MAJ.$MIN"
	config "garbage:$PLUGDIR/libtest_plugin_newer_minor.so"
	expect_refused "newer minor" "was built for plugin API $MAJ.$((MIN + 1)); this vigil has plugin API $MAJ.$MIN"
	# field_flags (plugin API 1.1): a list field takes only exists/in/intersects;
	# a plugin declaring 1.0 had no field_flags, so vigil does not read them
	printf -- '- rule: g\n  desc: g\n  condition: garbage.ok = "x"\n  output: g\n  priority: INFO\n  source: garbage\n' >"$T/rules.yaml"
	config "garbage:$PLUGDIR/libtest_plugin_list.so"
	expect_refused "a list field (1.1 field_flags)" \
		"list field 'garbage.ok' supports only exists, in and intersects"
	config "garbage:$PLUGDIR/libtest_plugin_older_minor.so"
	"$VIGIL" --dry-run -c "$T/vigil.yaml" -r "$T/rules.yaml" >"$T/out" 2>"$T/err" &&
		ok "a plugin API 1.0 plugin loads; its field_flags are not read" ||
		fail "older minor: $(cat "$T/err")"
	"$VIGIL" --list-plugins -c "$T/vigil.yaml" 2>&1 | grep -q "garbage 0.0.1 (plugin API 1.0)" ||
		fail "older minor: --list-plugins does not say 1.0"
	rules_jsonl
	config "garbage:$PLUGDIR/libtest_plugin_init_fail.so:abc"
	expect_refused "init fails" \
		"plugin 'garbage': init failed: init_config 'abc' is not what this plugin wants"
	sed -i 's/init_config: abc/init_config: {a: 1, b: "x y", c: [true]}/' "$T/vigil.yaml"
	expect_refused "a mapping init_config reaches the plugin as JSON" \
		"init_config '{\"a\":1,\"b\":\"x y\",\"c\":[true]}'"
	config "jsonl:$JSONL:$T/none.jsonl" "json:$JSONP" "garbage:$PLUGDIR/libtest_plugin_dup_field.so"
	expect_refused "two plugins define one field" \
		"plugin 'garbage': field 'json.value' is already defined"
	config "garbage:$PLUGDIR/libtest_plugin_no_symbol.so"
	expect_refused "no vigil_plugin_init" "exports no vigil_plugin_init(): not a vigil plugin"
	config "garbage:$T/absent.so"
	expect_refused "missing library" "plugin 'garbage': cannot load $T/absent.so"
	config "jsonl:$JSONL:$T/none.jsonl" "json:$JSONP"
	sed -i 's/load_plugins: \[jsonl, json\]/load_plugins: [jsonl, json, k8saudit]/' "$T/vigil.yaml"
	expect_refused "load_plugins names an undefined plugin" \
		"load_plugins names 'k8saudit', which plugins: does not define"
	config "jsonl:$JSONL:$T/none.jsonl" "json:$JSONP"
	printf "  action: kill\n" >>"$T/rules.yaml"
	expect_refused "action: on a plugin's source" \
		"rule 'jsonl mallory deletes': action: needs the syscall source, not 'jsonl'"
	rules_jsonl
	sed -i 's/json.value\[\/verb\]/json.nosuch/' "$T/rules.yaml"
	expect_refused "an unknown field of a plugin source's rule" "json.nosuch"
}

# start_vigil: vigil run in the background, alerts on $T/alerts; waits for "ready"
start_vigil() {
	"$VIGIL" run -c "$T/vigil.yaml" -r "$T/rules.yaml" >"$T/alerts" 2>"$T/err" &
	VPID=$!
	for _ in $(seq 1 300); do
		grep -q "vigil: ready" "$T/err" && return 0
		kill -0 "$VPID" 2>/dev/null || break
		sleep 0.1
	done
	fail "vigil did not start: $(cat "$T/err")"
	VPID=
	return 1
}

stop_vigil() {
	kill -INT "$VPID"
	wait "$VPID"
	rc=$?
	VPID=
	return $rc
}

# wait_alert PATTERN: up to 10 s for an alert line with PATTERN
wait_alert() {
	for _ in $(seq 1 100); do
		grep -qF -- "$1" "$T/alerts" && return 0
		sleep 0.1
	done
	return 1
}

run_tests() {
	[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
	marker="obj-$$-$(date +%s%N)"
	rules_jsonl
	# with an output plugin: the alert reaches it through delivery's queue and worker
	config "jsonl:$JSONL:$T/events.jsonl" "json:$JSONP" "alert_file:$ALERTFILE:$T/plugin-alerts"
	start_vigil || return
	{
		echo "{\"user\":{\"name\":\"alice\"},\"verb\":\"delete\",\"obj\":\"$marker-benign\"}"
		echo "not json {"
		echo "{\"user\":{\"name\":\"mallory\"},\"verb\":\"delete\",\"obj\":\"$marker\"}"
	} >>"$T/events.jsonl"
	if wait_alert "on $marker"; then
		python3 - "$T/alerts" "$marker" <<'P' && ok "jsonl event alerts: schema, source, fields" || fail "jsonl alert: $(cat "$T/alerts")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if sys.argv[2] in l]
assert len(lines) == 1, lines            # the benign and the garbage line do not match
a = lines[0]
assert a["rule"] == "jsonl mallory deletes" and a["source"] == "jsonl", a
assert a["priority"] == "Warning", a
of = a["output_fields"]
assert of["json.value[/user/name]"] == "mallory" and of["json.value[/obj]"] == sys.argv[2], of
assert a["output"].endswith("user mallory did delete on " + sys.argv[2]), a["output"]
assert isinstance(of["evt.time"], int) and a["time"].endswith("Z"), a
P
	else
		fail "no alert for the jsonl event: $(cat "$T/alerts") $(cat "$T/err")"
	fi
	stop_vigil || fail "vigil run with jsonl exited $rc"
	if [ "$(grep -c "on $marker" "$T/plugin-alerts" 2>/dev/null)" = 1 ] &&
		cmp -s "$T/plugin-alerts" "$T/alerts"; then
		ok "the output plugin received the alert, the same line as stdout"
	else
		fail "output plugin: $(cat "$T/plugin-alerts" 2>&1) vs $(cat "$T/alerts")"
	fi
	grep -qE "output alert_file: accepted=1 delivered=1 dropped=0" "$T/err" &&
		ok "the output plugin is counted like the built-in outputs" ||
		fail "output plugin counters: $(grep "output " "$T/err")"

	cat >"$T/rules.yaml" <<'R'
- rule: garbage marker
  desc: the garbage plugin's marker event
  condition: garbage.ok = "garbage-marker"
  output: "marker many=%garbage.many nullstr=%garbage.nullstr huge=%garbage.huge num=%garbage.num"
  priority: NOTICE
  source: garbage
- rule: garbage empty
  desc: the garbage plugin's empty event, through a field that claims 1000 values
  condition: garbage.many exists or garbage.huge exists or garbage.nullstr exists
  output: "should never fire"
  priority: NOTICE
  source: garbage
R
	config "garbage:$PLUGDIR/libtest_plugin_garbage.so"
	start_vigil || return
	if wait_alert "garbage-marker" || wait_alert "marker many"; then
		python3 - "$T/alerts" <<'P' && ok "garbage plugin contained: bad values missing, the rest alerts" || fail "garbage alert: $(cat "$T/alerts")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert [a["rule"] for a in lines] == ["garbage marker"], lines
of = lines[0]["output_fields"]
assert of["garbage.many"] is None and of["garbage.nullstr"] is None, of
assert of["garbage.huge"] is None and of["garbage.num"] == 14, of
P
	else
		fail "no alert from the garbage plugin: $(cat "$T/alerts") $(cat "$T/err")"
	fi
	grep -qF "plugin 'garbage' warning: oversized event refused" "$T/err" &&
		ok "an oversized event is refused" || fail "oversized event: $(cat "$T/err")"
	stop_vigil || fail "vigil run with garbage exited $rc"
	# 3 pushed: the oversized one refused; 2 queued; garbage.many, .nullstr and .huge
	# are bad on the marker event and on the empty one (the second rule reads them)
	grep -q "vigil: plugins: events pushed=2 dropped (queue_full=0 oversize=1); bad values=[1-9]" \
		"$T/err" && ok "the refused event and the bad values are counted" ||
		fail "plugin counters: $(grep "plugins:" "$T/err")"
	# a source faster than vigil: the queue stays bounded, what does not fit is counted
	# (and the same counters on /metrics, per plugin)
	MPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	config "garbage:$PLUGDIR/libtest_plugin_flood.so"
	MPORT=
	start_vigil || return
	for _ in $(seq 1 100); do
		grep -q "flood: .* events refused" "$T/err" && break
		sleep 0.1
	done
	sleep 0.5 # the loop drains what was queued
	curl -s "http://127.0.0.1:$(sed -n 's/.*listen_address: 127.0.0.1://p' "$T/vigil.yaml")/metrics" >"$T/metrics"
	stop_vigil || fail "vigil run with flood exited $rc"
	python3 - "$T/err" "$T/metrics" <<'P' && ok "a flood: $(grep -o "flood: .*refused" "$T/err"), counted, on /metrics too" || fail "flood: $(grep -E "flood|plugins:" "$T/err"; grep vigil_plugin "$T/metrics")"
import re, sys
t = open(sys.argv[1]).read()
refused = int(re.search(r"flood: (\d+) of 200000 events refused", t).group(1))
m = re.search(r"plugins: events pushed=(\d+) dropped \(queue_full=(\d+) oversize=0\)", t)
pushed, full = int(m.group(1)), int(m.group(2))
assert refused > 0 and full == refused and pushed + full == 200000, (refused, pushed, full)
mt = open(sys.argv[2]).read()
def metric(name, labels):
    v = re.search(r"^%s\{%s\} (\d+)$" % (re.escape(name), re.escape(labels)), mt, re.M)
    assert v, (name, labels, mt[-2000:])
    return int(v.group(1))
assert metric("vigil_plugin_events_total", 'plugin="garbage"') == pushed
assert metric("vigil_plugin_events_dropped_total", 'plugin="garbage",reason="queue_full"') == full
assert metric("vigil_plugin_events_dropped_total", 'plugin="garbage",reason="oversize"') == 0
assert re.search(r"^vigil_plugin_queue_capacity \d+$", mt, re.M), "queue capacity"
P

}

case $mode in
load) load_tests ;;
run) run_tests ;;
*) echo "usage: $0 load|run VIGIL PLUGDIR JSONL_SO ALERT_FILE_SO JSON_SO"; exit 2 ;;
esac
[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all passed"
