#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The k8saudit and json plugins against the real vigil binary (the per-rule
# corpus is tests/k8saudit/).
#   k8saudit.sh load VIGIL K8SAUDIT_SO JSON_SO RULES   Falco's rule file loads; config errors
#   k8saudit.sh run  VIGIL K8SAUDIT_SO JSON_SO RULES   log follower (with rotation), HTTPS webhook
set -u
mode=$1 VIGIL=$2 K8S=$3 JSONP=$4 RULES=$5
T=$(mktemp -d /tmp/vigil-k8saudit.XXXXXX)
VPID=
cleanup() {
	[ -n "$VPID" ] && kill -INT "$VPID" 2>/dev/null && wait "$VPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
[ -r "$RULES" ] || { echo "no $RULES (Falco's k8s audit rules): skipped"; exit 77; }
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# config INIT_CONFIG: vigil.yaml loading k8saudit (with INIT_CONFIG) and json
config() {
	cat >"$T/vigil.yaml" <<C
json_output: true
rule_matching: all
metrics:
  enabled: false
webserver:
  enabled: false
plugins:
  - name: k8saudit
    library_path: $K8S
    init_config: $1
  - name: json
    library_path: $JSONP
load_plugins: [k8saudit, json]
C
}

expect_refused() {
	if "$VIGIL" --dry-run -c "$T/vigil.yaml" -r "$RULES" >"$T/out" 2>"$T/err"; then
		fail "$1: vigil accepted it"
	elif ! grep -qF -- "$2" "$T/err"; then
		fail "$1: no message '$2' in: $(cat "$T/err")"
	else
		ok "$1: $(grep -F -- "$2" "$T/err" | head -1)"
	fi
}

load_tests() {
	config "{log_file: $T/audit.log}"
	if "$VIGIL" validate -c "$T/vigil.yaml" -r "$RULES" >"$T/out" 2>"$T/err" &&
		grep -q "^48 rules loaded (48 enabled), 0 skipped; .* 0 errors, 0 warnings" "$T/out"; then
		ok "Falco's k8s_audit_rules.yaml loads unchanged: $(grep "rules loaded" "$T/out")"
	else
		fail "Falco's rules: $(cat "$T/out" "$T/err")"
	fi
	# -L loads the config's plugins as run does, so a plugin source's rules list
	if "$VIGIL" -c "$T/vigil.yaml" -r "$RULES" -L >"$T/out" 2>"$T/err" &&
		grep -q "^Rule: Create Privileged Pod$" "$T/out"; then
		ok "-L lists the k8s_audit rules: $(grep -c . "$T/out") lines"
	else
		fail "-L with the plugins' rules: $(head -c 600 "$T/out" "$T/err")"
	fi
	"$VIGIL" --list-plugins -c "$T/vigil.yaml" >"$T/out" 2>"$T/err"
	grep -q "^k8saudit 0.18.0 (plugin API 1.1) source: k8s_audit, [0-9]* field(s)" "$T/out" &&
		grep -q "^json 0.7.0 " "$T/out" && ok "--list-plugins: $(tr '\n' ';' <"$T/out")" ||
		fail "--list-plugins: $(cat "$T/out" "$T/err")"
	"$VIGIL" fields -c "$T/vigil.yaml" --json >"$T/fields.json" 2>"$T/err"
	python3 - "$T/fields.json" <<'P' && ok "vigil fields: Falco's ka.* names, list fields" || fail "fields: $(cat "$T/err")"
import json, sys
f = {d["name"]: d for d in json.load(open(sys.argv[1]))}
for n in ["ka.auditid", "ka.req.pod.containers.privileged", "ka.req.pod.initContainers.eff_run_as_user",
          "ka.req.pod.ephemeralContainers.image", "ka.req.role.rules.verbs", "ka.sourceips",
          "ka.uri.param", "ka.cluster.name", "jevt.value", "jevt.obj", "jevt.rawtime", "json.obj"]:
    assert n in f and f[n]["type"] == "string", n
assert f["ka.uri.param"]["arg"] == "[key]", f["ka.uri.param"]
P
	config "{log_file: $T/audit.log, listen_prot: 9999}"
	expect_refused "an unknown init_config key" "plugin 'k8saudit': init failed: init_config: unknown key 'listen_prot'"
	config "{}"
	expect_refused "neither webhook nor log file" "set listen_port (the webhook) and/or log_file"
	config "{listen_port: 70000}"
	expect_refused "a bad port" "listen_port 70000 is not 0..65535"
	config "{listen_port: 9999, tls_cert: /x.pem}"
	expect_refused "a certificate without a key" "tls_cert and tls_key go together"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# certs: a CA, a server certificate for 127.0.0.1 and a client certificate, all from it
certs() {
	cd "$T" || return 1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
		-subj "/CN=vigil test CA" 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "/CN=127.0.0.1" 2>/dev/null &&
	printf "subjectAltName=IP:127.0.0.1\n" >srv.ext &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem \
		-days 2 -extfile srv.ext 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -keyout cli.key -out cli.csr -subj "/CN=kube-apiserver" 2>/dev/null &&
	openssl x509 -req -in cli.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out cli.pem -days 2 2>/dev/null &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout rogue.key -out rogue.pem -days 2 \
		-subj "/CN=rogue" 2>/dev/null
	rc=$?
	cd - >/dev/null
	return $rc
}

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

wait_alert() {
	for _ in $(seq 1 100); do
		grep -qF -- "$1" "$T/alerts" && return 0
		sleep 0.1
	done
	return 1
}

# event NAME PRIVILEGED: one audit Event (as the API server writes it) creating pod NAME
event() {
	printf '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"%s","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods","verb":"create","user":{"username":"alice","groups":["system:authenticated"]},"sourceIPs":["10.0.0.7"],"userAgent":"kubectl/v1.29.0","objectRef":{"resource":"pods","namespace":"default","name":"%s","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"%s"},"spec":{"containers":[{"name":"c","image":"nginx:1.25","securityContext":{"privileged":%s}}]}},"responseObject":{"kind":"Pod","metadata":{"name":"%s"}},"requestReceivedTimestamp":"2024-05-01T10:00:00.000000Z","stageTimestamp":"2024-05-01T10:00:00.250000Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}}' \
		"$1-id" "$1" "$1" "$2" "$1"
}

# event_images NAME IMAGE...: event NAME with one privileged container per IMAGE
event_images() {
	n=$1
	shift
	c=
	for img in "$@"; do
		c="$c${c:+,}{\"name\":\"c\",\"image\":\"$img\",\"securityContext\":{\"privileged\":true}}"
	done
	event "$n" true | sed "s|\"containers\":\[[^]]*\]|\"containers\":[$c]|"
}

# post URL BODY_FILE [curl args]: prints the HTTP status
post() {
	url=$1 body=$2
	shift 2
	curl -s -o "$T/resp" -w "%{http_code}" --max-time 10 -H "Content-Type: application/json" \
		--data-binary "@$body" "$@" "$url" 2>/dev/null
}

run_tests() {
	[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
	command -v curl >/dev/null && command -v openssl >/dev/null || { echo "needs curl, openssl"; exit 77; }
	m="pod-$$-$(date +%s%N)"
	cp "$RULES" "$T/rules.yaml"
	certs || { fail "openssl could not make the test certificates"; return; }
	port=$(free_port)
	config "{log_file: $T/audit.log, listen_address: 127.0.0.1, listen_port: $port, tls_cert: $T/srv.pem, tls_key: $T/srv.key, tls_client_ca: $T/ca.pem, max_request_size: 1048576}"
	start_vigil || return
	url="https://127.0.0.1:$port/k8s-audit"
	grep -qF "webhook listening on $url (client certificates required)" "$T/err" &&
		ok "the webhook says where it listens" || fail "no listening line: $(cat "$T/err")"

	# the log file: an Event appended, then the file rotated and a new one written
	{ event "$m-benign" false; echo; event "$m-file" true; echo; } >>"$T/audit.log"
	wait_alert "pod=$m-file " && ok "a followed log line fires Create Privileged Pod" ||
		fail "no alert from the log file: $(cat "$T/alerts") $(tail -3 "$T/err")"
	# a list field: "repository in (allowed images)" holds only when every container's is in
	{ event_images "$m-allowed" falcosecurity/falco:0.37 docker.io/calico/node:v3; echo
	  event_images "$m-mixed" falcosecurity/falco:0.37 nginx:1.25; echo
	  event "$m-mark" true; echo; } >>"$T/audit.log"
	if wait_alert "pod=$m-mark "; then
		grep -qF "pod=$m-mixed " "$T/alerts" && ! grep -qF "pod=$m-allowed " "$T/alerts" &&
			ok "list field: one unlisted image of two fires, only listed images do not" ||
			fail "list semantics: $(grep -F "$m-" "$T/alerts" | grep -o "pod=[^ ]*")"
	else
		fail "no alert for the marker after the list events"
	fi
	mv "$T/audit.log" "$T/audit.log.1"
	{ event "$m-rot" true; echo; } >>"$T/audit.log"
	wait_alert "pod=$m-rot " && ok "after rotation the new file is followed" ||
		fail "no alert after rotation: $(tail -3 "$T/err")"

	# the webhook: an EventList of two Events, with the client certificate
	{ printf '{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":['
	  event "$m-hook1" true; printf ','; event "$m-hook2" true; printf ']}'; } >"$T/list.json"
	code=$(post "$url" "$T/list.json" --cacert "$T/ca.pem" --cert "$T/cli.pem" --key "$T/cli.key")
	[ "$code" = 200 ] && grep -q "2 audit event(s) queued" "$T/resp" &&
		ok "HTTPS POST of an EventList with a client certificate: 200" ||
		fail "POST EventList: $code $(cat "$T/resp" 2>/dev/null) $(tail -3 "$T/err")"
	wait_alert "pod=$m-hook1 " && wait_alert "pod=$m-hook2 " &&
		ok "each Event of the batch is one event: both alert" || fail "webhook alerts: $(cat "$T/alerts")"
	event "$m-nocert" true >"$T/one.json"
	code=$(post "$url" "$T/one.json" --cacert "$T/ca.pem")
	[ "$code" = 401 ] || [ "$code" = 000 ] && ok "no client certificate: refused ($code)" ||
		fail "no client certificate: $code"
	code=$(post "$url" "$T/one.json" --cacert "$T/ca.pem" --cert "$T/rogue.pem" --key "$T/rogue.key")
	[ "$code" = 401 ] || [ "$code" = 000 ] && ok "a certificate of another CA: refused ($code)" ||
		fail "rogue client certificate: $code"
	C="--cacert $T/ca.pem --cert $T/cli.pem --key $T/cli.key"
	printf '{"kind":"EventList","items":[{"auditID":' >"$T/bad.json"
	# shellcheck disable=SC2086
	code=$(post "$url" "$T/bad.json" $C)
	[ "$code" = 400 ] && ok "broken JSON: 400 ($(cat "$T/resp"))" || fail "broken JSON: $code"
	printf '{"kind":"PodList","items":[]}' >"$T/kind.json"
	# shellcheck disable=SC2086
	code=$(post "$url" "$T/kind.json" $C)
	[ "$code" = 400 ] && ok "wrong kind: 400 ($(cat "$T/resp"))" || fail "wrong kind: $code"
	python3 -c 'print("[" * 2000000)' >"$T/deep.json"
	# shellcheck disable=SC2086
	code=$(post "$url" "$T/deep.json" $C)
	[ "$code" = 413 ] && ok "over max_request_size: 413" || fail "too large: $code"
	python3 -c 'print("[" * 1000 + "]" * 1000)' >"$T/nest.json"
	# shellcheck disable=SC2086
	code=$(post "$url" "$T/nest.json" $C)
	[ "$code" = 400 ] && ok "nested 1000 deep: 400" || fail "deep nesting: $code"
	# shellcheck disable=SC2086
	code=$(curl -s -o /dev/null -w "%{http_code}" $C "$url")
	[ "$code" = 405 ] && ok "GET: 405" || fail "GET: $code"
	# shellcheck disable=SC2086
	code=$(post "https://127.0.0.1:$port/other" "$T/one.json" $C)
	[ "$code" = 404 ] && ok "another path: 404" || fail "other path: $code"
	# a batch larger than vigil's event queue (4096): 503, so the API server retries it
	python3 -c 'import json; print(json.dumps({"kind": "EventList", "items": [{"auditID": "q%d" % i} for i in range(20000)]}))' >"$T/big.json"
	got503=
	for _ in 1 2 3 4 5; do
		# shellcheck disable=SC2086
		code=$(post "$url" "$T/big.json" $C -H "Expect:")
		[ "$code" = 503 ] && { got503=1; break; }
	done
	[ -n "$got503" ] && grep -q "queue is full" "$T/resp" && ok "a full queue: 503 ($(cat "$T/resp"))" ||
		fail "20000 Events at once: $code, never 503"
	sleep 0.3
	kill -0 "$VPID" 2>/dev/null && ok "vigil survived the hostile requests" || fail "vigil died: $(tail "$T/err")"
	python3 - "$T/alerts" "$m" <<'P' && ok "alerts: source, time from stageTimestamp, fields" || fail "alert schema: $(head -3 "$T/alerts")"
import json, sys
m = sys.argv[2]
al = [json.loads(l) for l in open(sys.argv[1]) if m in l]
priv = [a for a in al if a["rule"] == "Create Privileged Pod"]
names = sorted(a["output_fields"]["ka.resp.name"] for a in priv)
assert names == sorted([m + s for s in ("-file", "-hook1", "-hook2", "-mark", "-mixed", "-rot")]), names
for a in priv:
    assert a["source"] == "k8s_audit" and a["priority"] == "Warning", a
    assert a["time"] == "2024-05-01T10:00:00.250000000Z", a["time"]
    want = ["falcosecurity/falco:0.37", "nginx:1.25"] if a["output_fields"]["ka.resp.name"].endswith("-mixed") else "nginx:1.25"
    assert a["output_fields"]["ka.req.pod.containers.image"] == want, a
assert not any(m + "-nocert" in l for l in open(sys.argv[1])), "an Event without a client cert alerted"
P
	kill -INT "$VPID"
	wait "$VPID" || fail "vigil exited $?"
	VPID=
	# the exit summary counts the webhook's answers (the 503 loop may have run more than once)
	grep -qE "plugin 'k8saudit' info: webhook: [0-9]+ audit event\(s\) queued; answers 200=1 400=3 401=2 404/405=2 413=1 503=[1-5]$" "$T/err" &&
		ok "exit summary: $(grep -o "webhook: .*" "$T/err")" || fail "webhook summary: $(grep webhook "$T/err")"
}

case $mode in
load) load_tests ;;
run) run_tests ;;
*) echo "usage: $0 load|run VIGIL K8SAUDIT_SO JSON_SO RULES"; exit 2 ;;
esac
[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all passed"
