#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Falco's k8s audit rules, one by one, in a real `vigil run`.

  run_rules.py rules VIGIL K8SAUDIT_SO JSON_SO RULES_DIR
      The k8saudit plugin follows an audit log; every case of cases/ is
      appended to it as the API server's log backend writes it (one Event per
      line). Pass 1 loads Falco's k8s_audit_rules.yaml unchanged
      (rule_matching: all), pass 2 the same under Falco's default
      (rule_matching: first: one alert, the first rule of the file), pass 3
      adds overrides.yaml. Each rule must fire exactly on the cases
      expectations.json says and on no other, each alert validates
      against schema/alert.schema.json, and the ka.* values an alert shows must
      be the ones its Event holds. Prints the table rule -> fired / quiet.
  run_rules.py e2e VIGIL K8SAUDIT_SO JSON_SO RULES_DIR
      The syscall source and the k8saudit webhook at once: the whole corpus
      POSTed over HTTPS as EventLists of 16 (openssl-made CA, server and client
      certificates, loopback, an ephemeral port) with curl; a client
      certificate is required, a request without one or with another CA's is
      refused; a syscall alert and the k8s alerts both arrive, each rule on
      exactly its cases again.
Exit 77 (skip) without root, ../shared, curl or openssl."""
import calendar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SKIP = 77
PRIO = {"EMERGENCY": "Emergency", "ALERT": "Alert", "CRITICAL": "Critical", "ERROR": "Error",
        "WARNING": "Warning", "NOTICE": "Notice", "INFO": "Informational",
        "INFORMATIONAL": "Informational", "DEBUG": "Debug"}
failures = []


def skip(msg):
    print("SKIP: " + msg, flush=True)
    sys.exit(SKIP)


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, flush=True)


def ok(msg):
    print("ok: " + msg, flush=True)


def validator():
    try:
        import jsonschema
    except ImportError:
        skip("python3-jsonschema is not installed (scripts/deps.sh --test installs it)")
    with open(os.path.join(ROOT, "schema", "alert.schema.json")) as f:
        return jsonschema.Draft202012Validator(json.load(f))


def falco_rules(rules_dir):
    """rule name -> priority, read from Falco's file (never copied)"""
    text = open(os.path.join(rules_dir, "k8s_audit_rules.yaml")).read()
    out = {}
    for m in re.finditer(r"^- rule: (.+?)\s*$(.*?)(?=^- |\Z)", text, re.M | re.S):
        p = re.search(r"^  priority: (\w+)", m.group(2), re.M)
        out[m.group(1)] = PRIO[p.group(1).upper()]
    return out


class Vigil:
    """`vigil run` in the background: alerts (stdout) and log in files of D."""

    def __init__(self, exe, d, config, rules):
        self.d = d
        self.alerts_path = os.path.join(d, "alerts.jsonl")
        self.err_path = os.path.join(d, "vigil.err")
        args = [exe, "run", "-c", config]
        for r in rules:
            args += ["-r", r]
        with open(self.alerts_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(args, stdout=out, stderr=err)
        if not self.wait(lambda: "vigil: ready" in self.log() or self.proc.poll() is not None,
                         120) or self.proc.poll() is not None:
            self.stop()  # never leave it running
            raise RuntimeError("vigil did not start: " + self.log()[-2000:])

    def log(self):
        with open(self.err_path) as f:
            return f.read()

    def alerts(self):
        with open(self.alerts_path) as f:
            return [json.loads(x) for x in f if x.strip()]

    @staticmethod
    def wait(pred, timeout=30.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if pred():
                return True
            time.sleep(0.05)
        return pred()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def write_config(d, k8s_so, json_so, k8s_init, matching="all"):
    path = os.path.join(d, "vigil.yaml")
    with open(path, "w") as f:
        f.write("json_output: true\n"
                # all: every rule that matches alerts, so each is judged on its
                # own; first (Falco's default) stops at the first of the file
                "rule_matching: %s\n"
                # no metrics or web server: their ports may be another vigil's here
                "metrics:\n  enabled: false\nwebserver:\n  enabled: false\n"
                "plugins:\n"
                "  - name: k8saudit\n    library_path: %s\n    init_config: %s\n"
                "  - name: json\n    library_path: %s\n"
                "load_plugins: [k8saudit, json]\n"
                # which Event an alert is of (its auditID), and more fields
                # to check against it, in output_fields only
                "append_output:\n  - match: {source: k8s_audit}\n"
                "    extra_fields: [ka.auditid, ka.stage, ka.impuser.name, ka.useragent,"
                " ka.sourceips, ka.target.pod.name]\n"
                % (matching, k8s_so, json.dumps(k8s_init), json_so))
    return path


def load_cases():
    table = json.load(open(os.path.join(HERE, "expectations.json")))
    events = {}
    for name in sorted(table):
        with open(os.path.join(HERE, "cases", name + ".json")) as f:
            events[name] = json.load(f)
    return table, events


# what an alert's field values must be, from the Event it is of (a list field
# with one value shows as that value; JSON-valued ones are compared parsed)
def one(values):
    return values[0] if isinstance(values, list) and len(values) == 1 else Ellipsis


def expected_fields(ev):
    ref = ev.get("objectRef") or {}
    req = ev.get("requestObject") or {}
    spec = req.get("spec") or {}
    query = urllib.parse.parse_qs(ev["requestURI"].partition("?")[2])
    want = {"ka.user.name": ev["user"]["username"], "ka.verb": ev["verb"],
            "ka.uri": ev["requestURI"], "ka.response.code": str(ev["responseStatus"]["code"]),
            "ka.response.reason": ev["responseStatus"].get("reason"),
            "ka.auth.decision": ev["annotations"].get("authorization.k8s.io/decision"),
            "ka.auth.reason": ev["annotations"].get("authorization.k8s.io/reason"),
            "ka.auditid": ev["auditID"], "evt.time": stamp_ns(ev["stageTimestamp"]),
            "ka.stage": ev["stage"], "ka.useragent": ev["userAgent"],
            "ka.sourceips": one(ev["sourceIPs"]),
            "ka.impuser.name": (ev.get("impersonatedUser") or {}).get("username"),
            "ka.target.pod.name": ref.get("name") if ref.get("resource") == "pods" else None,
            "ka.uri.param[command]": (query.get("command") or [None])[0],
            "ka.resp.name": ((ev.get("responseObject") or {}).get("metadata") or {}).get("name"),
            "ka.req.binding.role": (req.get("roleRef") or {}).get("name"),
            "ka.req.binding.subjects": one(req.get("subjects")),
            "ka.req.role.rules": one(req.get("rules")),
            "ka.req.service.type": spec.get("type"),  # as Falco: whatever the resource
            # one value, the whole array: Falco's plugin stops at the key (no flattening)
            "ka.req.service.ports": spec.get("ports"),
            "ka.req.configmap.name": ref.get("name")}  # Falco's: the target's name
    for g in ("containers", "initContainers", "ephemeralContainers"):
        if ref.get("resource") == "pods" and not ref.get("subresource"):
            want["ka.req.pod.%s.image" % g] = one([c["image"] for c in spec.get(g, [])]) \
                if spec.get(g) else None
    for k in ("resource", "namespace", "name", "subresource"):
        want["ka.target." + k] = ref.get(k)
    return {k: v for k, v in want.items() if v is not Ellipsis}


def pointer(doc, ptr):
    """RFC 6901, None where the Event has nothing"""
    for tok in ptr.split("/")[1:]:
        tok = tok.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, dict) and tok in doc:
            doc = doc[tok]
        elif isinstance(doc, list) and tok.isdigit() and int(tok) < len(doc):
            doc = doc[int(tok)]
        else:
            return None
    return doc


def stamp_ns(text):
    sec = calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))
    return sec * 10 ** 9 + int(text[20:-1].ljust(9, "0"))


def same(got, want):
    """a missing field shows as null; JSON-valued fields compare parsed"""
    if want is None or want == "":
        return got in (None, "", "<NA>")
    if isinstance(want, bool):
        return str(got).lower() == str(want).lower()
    if isinstance(want, (dict, list)):
        try:
            return json.loads(got) == want
        except (TypeError, ValueError):
            return False
    return str(got) == str(want)


def check_alerts(alerts, events, val, prio, tag):
    """schema, source, priority and the ka.* values of each alert; -> case -> rules"""
    by_id = {ev["auditID"]: n for n, ev in events.items()}
    fired, bad, checked = {}, 0, 0
    for a in alerts:
        errs = [e.message for e in val.iter_errors(a)]
        if errs:
            bad += 1
            fail("%s: alert of %r does not validate: %s" % (tag, a.get("rule"), errs[:3]))
            continue
        case = by_id.get(a["output_fields"].get("ka.auditid"))
        if case is None:
            fail("%s: an alert of no case: %s" % (tag, json.dumps(a)[:300]))
            continue
        if a["source"] != "k8s_audit" or a["priority"] != prio.get(a["rule"]):
            fail("%s: %s/%s: source %s priority %s (Falco's file: %s)" % (
                tag, case, a["rule"], a["source"], a["priority"], prio.get(a["rule"])))
        want = expected_fields(events[case])
        for k in a["output_fields"]:
            m = re.match(r"^(?:jevt|json)\.value\[(.*)\]$", k)
            if m:
                want[k] = pointer(events[case], m.group(1))
        for k, v in a["output_fields"].items():
            checked += k in want
            if k in want and not same(v, want[k]):
                fail("%s: %s/%s: %s = %r, the Event says %r" % (tag, case, a["rule"], k, v,
                                                               want[k]))
        rules = fired.setdefault(case, [])
        if a["rule"] in rules:
            fail("%s: %s fired %r twice" % (tag, case, a["rule"]))
        rules.append(a["rule"])
    ok("%s: %d alerts validate against the schema; %d field values in them are the Events'" % (
        tag, len(alerts) - bad, checked))
    return fired


def compare(table, fired, key, prio, tag):
    """each rule fires exactly on its cases; prints the table"""
    print("\n%s: rule -> cases it fired on | quiet counterparts" % tag)
    for rule in prio:
        want = sorted(n for n, t in table.items() if rule in t[key])
        got = sorted(n for n, r in fired.items() if rule in r)
        quiet = sorted(n for n, t in table.items() if rule in t["quiet_for"])
        loud = [n for n in quiet if n in got]
        mark = "ok  " if want == got else "FAIL"
        print("  %s %-50s fired %2d %-40s quiet %s%s" % (
            mark, rule, len(got), ",".join(got)[:40] if len(got) < 4 else "(%d cases)" % len(got),
            ",".join(quiet)[:60], (" LOUD: " + ",".join(loud)) if loud else ""))
        if want != got:
            fail("%s: %r fired on %s; expected %s (missing %s, extra %s)" % (
                tag, rule, got, want, sorted(set(want) - set(got)), sorted(set(got) - set(want))))
    print()


def feed(path, events, names):
    with open(path, "a") as f:
        for n in names:
            f.write(json.dumps(events[n], separators=(",", ":")) + "\n")
            f.flush()


def sentinel(events):
    """one more Event after the corpus: its alert means every case before it ran"""
    ev = json.loads(json.dumps(events["alice-list-pods"]))
    ev["auditID"] = "00000000-0000-4000-8000-%012d" % (os.getpid() % 10 ** 12)
    return ev


def run_pass(args, d, table, events, extra_rules, key, val, prio, tag, matching="all"):
    log = os.path.join(d, "audit-%s.log" % tag)
    open(log, "w").close()
    cfg = write_config(d, args["k8s"], args["json"], {"log_file": log}, matching)
    rules = [os.path.join(args["rules_dir"], "k8s_audit_rules.yaml")] + extra_rules
    v = Vigil(args["vigil"], d, cfg, rules)
    # every rule compiles and is enabled, the gated ones too (they only never match)
    m = re.search(r"vigil: ready: (\d+) rules loaded \((\d+) enabled\)", v.log())
    if not m or m.groups() != (str(len(prio)),) * 2:
        fail("%s: not all %d rules of Falco's file loaded and enabled: %s" % (
            tag, len(prio), m.group(0) if m else v.log()[-800:]))
    else:
        ok("%s: %s" % (tag, m.group(0)))
    try:
        evs = dict(events)
        s = sentinel(events)
        evs["~sentinel"] = s
        feed(log, evs, sorted(events) + ["~sentinel"])
        arrived = v.wait(lambda: s["auditID"] in open(v.alerts_path).read(), 60)
        if not arrived:
            fail("%s: the sentinel Event did not alert: %s" % (tag, v.log()[-1500:]))
        time.sleep(0.5)  # anything still in the output queue
    finally:
        rc = v.stop()
    if rc != 0:
        fail("%s: vigil exited %s: %s" % (tag, rc, v.log()[-1500:]))
    # every line became one event, none dropped, no extraction the engine had to refuse
    m = re.search(r"plugins: events pushed=(\d+) dropped \(queue_full=(\d+) oversize=(\d+)\); "
                  r"bad values=(\d+)", v.log())
    if not m or m.groups() != (str(len(evs)), "0", "0", "0"):
        fail("%s: plugin counters %s, want pushed=%d, no drop, no bad value" % (
            tag, m.group(0) if m else "missing", len(evs)))
    else:
        ok("%s: %s" % (tag, m.group(0)))
    alerts = [a for a in v.alerts() if a.get("output_fields", {}).get("ka.auditid")
              != s["auditID"]]
    fired = check_alerts(alerts, events, val, prio, tag)
    compare(table, fired, key, prio, tag)
    return v


def mode_rules(args):
    table, events = load_cases()
    val = validator()
    prio = falco_rules(args["rules_dir"])
    d = tempfile.mkdtemp(prefix="vigil-k8srules-")
    try:
        overrides = os.path.join(HERE, "overrides.yaml")
        run_pass(args, d, table, events, [], "fires", val, prio, "falco")
        # Falco's default: one alert per Event, of the first of its rules in the file
        order = list(prio)
        for t in table.values():
            t["fires_first"] = sorted(t["fires"], key=order.index)[:1]
        run_pass(args, d, table, events, [], "fires_first", val, prio, "first", "first")
        run_pass(args, d, table, events, [overrides], "fires_overridden", val, prio,
                 "overridden")
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---- e2e: syscalls and the HTTPS webhook at once ------------------------------

def openssl(*a, cwd):
    subprocess.run(["openssl"] + list(a), cwd=cwd, check=True, capture_output=True)


def make_certs(d):
    """a CA; the server's certificate for 127.0.0.1; a client's (the API
    server's); and a rogue client's, from a CA vigil does not trust"""
    for ca in ("ca", "rogue-ca"):
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca + ".key", "-out",
                ca + ".crt", "-days", "1", "-subj", "/CN=vigil-test-" + ca, cwd=d)
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth"),
                      ("client", "extendedKeyUsage=clientAuth"),
                      ("rogue", "extendedKeyUsage=clientAuth")):
        ca = "rogue-ca" if name == "rogue" else "ca"
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write(ext + "\n")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out",
                name + ".csr", "-subj", "/CN=" + ("127.0.0.1" if name == "server" else
                                                  "kube-apiserver"), cwd=d)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key",
                "-CAcreateserial", "-out", name + ".crt", "-days", "1", "-extfile",
                name + ".ext", cwd=d)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def curl(d, url, body, client_cert):
    """POST body; client_cert: None, "client" (the CA's) or "rogue" (another CA's)"""
    cmd = ["curl", "-sS", "-o", os.path.join(d, "curl.out"), "-w", "%{http_code}",
           "--max-time", "20", "--cacert", os.path.join(d, "ca.crt"), "-H",
           "Content-Type: application/json", "--data-binary", "@" + body, url]
    if client_cert:
        cmd[1:1] = ["--cert", os.path.join(d, client_cert + ".crt"), "--key",
                    os.path.join(d, client_cert + ".key")]
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, r.stdout.strip(), r.stderr.strip()


def mode_e2e(args):
    for tool in ("curl", "openssl"):
        if not shutil.which(tool):
            skip(tool + " is not installed")
    table, events = load_cases()
    val = validator()
    prio = falco_rules(args["rules_dir"])
    d = tempfile.mkdtemp(prefix="vigil-k8se2e-")
    v = None
    try:
        make_certs(d)
        marker = "vgk8s%d" % (os.getpid() % 100000)  # a comm no other process has
        prog = os.path.join(d, marker)
        shutil.copy("/bin/true", prog)
        with open(os.path.join(d, "syscall.yaml"), "w") as f:
            f.write("- rule: k8saudit e2e program ran\n"
                    "  desc: the test's own program was executed\n"
                    "  condition: evt.type in (execve, execveat) and proc.name = %s\n"
                    "  output: \"%s ran (pid=%%proc.pid cmd=%%proc.cmdline)\"\n"
                    "  priority: NOTICE\n" % (marker, marker))
        port = free_port()
        init = {"listen_address": "127.0.0.1", "listen_port": port, "webhook_path": "/k8s-audit",
                "tls_cert": os.path.join(d, "server.crt"),
                "tls_key": os.path.join(d, "server.key"),
                "tls_client_ca": os.path.join(d, "ca.crt")}
        rules = [os.path.join(args["rules_dir"], "k8s_audit_rules.yaml"),
                 os.path.join(d, "syscall.yaml")]
        for attempt in range(3):  # the free port may be taken before the plugin binds it
            cfg = write_config(d, args["k8s"], args["json"], init)
            try:
                v = Vigil(args["vigil"], d, cfg, rules)
                break
            except RuntimeError as e:
                if "in use" not in str(e) or attempt == 2:
                    raise
                port = init["listen_port"] = free_port()
        url = "https://127.0.0.1:%d/k8s-audit" % port
        # the API server's webhook sends EventLists (batches); the whole corpus, 16 a batch
        names = sorted(events)
        bodies = []
        for i in range(0, len(names), 16):
            bodies.append(os.path.join(d, "batch%d.json" % (i // 16)))
            with open(bodies[-1], "w") as f:
                json.dump({"kind": "EventList", "apiVersion": "audit.k8s.io/v1",
                           "metadata": {}, "items": [events[n] for n in names[i:i + 16]]}, f)
        for cert, what in ((None, "without a client certificate"),
                           ("rogue", "with a certificate of another CA")):
            rc, code, err = curl(d, url, bodies[0], client_cert=cert)
            if rc == 0 and code.startswith("2"):
                fail("a request %s was accepted (%s)" % (what, code))
            else:
                ok("%s: refused (curl rc %d, http %s %s)" % (what, rc, code or "-", err[:100]))
        codes = [curl(d, url, b, client_cert="client")[:2] for b in bodies]
        if any(c != (0, "200") for c in codes):
            fail("with the client certificate: (curl rc, http) %s" % codes)
        else:
            ok("with the client certificate: %d EventLists, HTTP 200 each" % len(codes))
        subprocess.run([prog], check=True)
        nwant = sum(len(table[n]["fires"]) for n in names)

        def arrived():
            a = v.alerts()
            return (sum(x.get("source") == "k8s_audit" for x in a) >= nwant and
                    any(marker in x.get("output", "") for x in a))
        v.wait(arrived, 60)
        time.sleep(0.5)  # an alert more than expected would still come
        rc = v.stop()
        if rc != 0:
            fail("vigil exited %s: %s" % (rc, v.log()[-1500:]))
        # the refused requests queued nothing: exactly the corpus was pushed
        m = re.search(r"plugins: events pushed=(\d+) dropped \(queue_full=0 oversize=0\)",
                      v.log())
        if not m or int(m.group(1)) != len(events):
            fail("plugin counters: %s, want pushed=%d" % (m.group(0) if m else "missing",
                                                         len(events)))
        else:
            ok("refused requests pushed nothing: %s" % m.group(0))
        # the webhook's own count of its answers: the batches 200, the two refusals 401
        m = re.search(r"webhook: (\d+) audit event\(s\) queued; answers (.*)$", v.log(), re.M)
        answers = dict(x.split("=") for x in m.group(2).split()) if m else {}
        answers = {k: int(n) for k, n in answers.items() if int(n)}
        if not m or int(m.group(1)) != len(events) or answers != {"200": len(bodies),
                                                                   "401": 2}:
            fail("webhook summary: %s" % (m.group(0) if m else v.log()[-800:]))
        else:
            ok(m.group(0))
        alerts = v.alerts()
        sys_alerts = [a for a in alerts if a["source"] == "syscall" and marker in a["output"]]
        k8s = [a for a in alerts if a["source"] == "k8s_audit"]
        for a in sys_alerts:
            errs = [e.message for e in val.iter_errors(a)]
            if errs:
                fail("syscall alert does not validate: %s" % errs[:3])
        if len(sys_alerts) != 1:
            fail("%d syscall alerts for %s, 1 expected" % (len(sys_alerts), marker))
        else:
            ok("the syscall alert arrived: %s" % sys_alerts[0]["output"][:100])
        fired = check_alerts(k8s, events, val, prio, "e2e")
        compare(table, fired, "fires", prio, "e2e (HTTPS)")
    finally:
        if v is not None:
            v.stop()
        shutil.rmtree(d, ignore_errors=True)


def main():
    if len(sys.argv) != 6 or sys.argv[1] not in ("rules", "e2e"):
        print(__doc__)
        return 2
    args = dict(zip(("mode", "vigil", "k8s", "json", "rules_dir"),
                    [sys.argv[1]] + [os.path.abspath(a) for a in sys.argv[2:]]))
    if not os.path.isfile(os.path.join(args["rules_dir"], "k8s_audit_rules.yaml")):
        skip("Falco's k8s_audit_rules.yaml not found in %s (../shared absent)" %
             args["rules_dir"])
    if os.geteuid() != 0:
        skip("vigil run needs root")
    for k in ("vigil", "k8s", "json"):
        if not os.path.exists(args[k]):
            skip("%s not built: %s" % (k, args[k]))
    try:
        (mode_rules if args["mode"] == "rules" else mode_e2e)(args)
    except RuntimeError as e:
        fail(str(e))
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
