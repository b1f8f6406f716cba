#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The corpus alone, no vigil: every case is an audit.k8s.io/v1 Event as the
API server writes it (required keys and their types, a v4 auditID, RFC 3339
microsecond stamps in order, the level Falco's audit policy gives it and only
the bodies that level keeps), cases/ and expectations.json are what
gen_corpus.py says, and every rule of Falco's k8s_audit_rules.yaml has a case
that must fire it and a benign counterpart that must not.

usage: check_corpus.py [FALCO_PLUGIN_RULES_DIR]   (exit 77 without ../shared)"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_corpus  # noqa: E402

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
VERBS = {"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}
STAGES = {"RequestReceived", "ResponseStarted", "ResponseComplete", "Panic"}
LEVELS = {"Metadata", "Request", "RequestResponse"}  # None is never written
# the cases written for a cluster whose policy also logs networking.k8s.io at Request
POLICY_EXTENDED = {"ingress-notls", "ingress-tls"}

errors = []


def err(case, msg):
    errors.append("%s: %s" % (case, msg))


def check_event(case, ev):
    want = {"kind": str, "apiVersion": str, "level": str, "auditID": str, "stage": str,
            "requestURI": str, "verb": str, "user": dict, "sourceIPs": list, "userAgent": str,
            "responseStatus": dict, "requestReceivedTimestamp": str, "stageTimestamp": str,
            "annotations": dict}
    for k, t in want.items():
        if not isinstance(ev.get(k), t):
            err(case, "%s missing or not a %s" % (k, t.__name__))
            return
    unknown = set(ev) - set(want) - {"objectRef", "requestObject", "responseObject",
                                     "impersonatedUser"}
    if unknown:
        err(case, "keys the Event schema lacks: %s" % sorted(unknown))
    if (ev["kind"], ev["apiVersion"]) != ("Event", "audit.k8s.io/v1"):
        err(case, "not an audit.k8s.io/v1 Event")
    if not UUID4.match(ev["auditID"]):
        err(case, "auditID %r is not a v4 UUID" % ev["auditID"])
    if ev["stage"] not in STAGES or ev["verb"] not in VERBS or ev["level"] not in LEVELS:
        err(case, "stage/verb/level %s/%s/%s" % (ev["stage"], ev["verb"], ev["level"]))
    if not isinstance(ev["user"].get("username"), str):
        err(case, "user.username")
    for k in ("requestReceivedTimestamp", "stageTimestamp"):
        if not STAMP.match(ev[k]):
            err(case, "%s %r is not RFC 3339 with microseconds" % (k, ev[k]))
    if ev["stageTimestamp"] < ev["requestReceivedTimestamp"]:
        err(case, "stageTimestamp before requestReceivedTimestamp")
    if not isinstance(ev["responseStatus"].get("code"), int):
        err(case, "responseStatus.code")
    ref = ev.get("objectRef")
    if ref is not None:
        if not isinstance(ref.get("resource"), str) or not ref.get("apiVersion"):
            err(case, "objectRef without resource/apiVersion")
        elif not ev["requestURI"].startswith("/api/" if not ref.get("apiGroup") else
                                             "/apis/" + ref["apiGroup"] + "/"):
            err(case, "requestURI %s does not match objectRef" % ev["requestURI"])
    level = "Request" if case in POLICY_EXTENDED else gen_corpus.policy_level(ev)
    if ev["level"] != level:
        err(case, "level %s, Falco's audit policy gives %s" % (ev["level"], level))
    if "requestObject" in ev and ev["level"] == "Metadata":
        err(case, "requestObject at Metadata level")
    if "responseObject" in ev and ev["level"] != "RequestResponse":
        err(case, "responseObject below RequestResponse level")
    if ev["responseStatus"]["code"] == 403 and "requestObject" in ev:
        err(case, "requestObject on a request authorization refused (never decoded)")
    ann = ev["annotations"]
    if ann.get("authorization.k8s.io/decision") not in ("allow", "forbid"):
        err(case, "no authorization.k8s.io/decision annotation")
    elif (ann["authorization.k8s.io/decision"] == "forbid") != (ev["responseStatus"]["code"]
                                                               == 403):
        err(case, "decision and response code disagree")


def falco_rules(d):
    text = open(os.path.join(d, "k8s_audit_rules.yaml")).read()
    return re.findall(r"^- rule: (.+?)\s*$", text, re.M)


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        HERE, "..", "..", "..", "shared", "anchors", "falco-plugin-rules")
    if generated_differ():
        err("corpus", "cases/ or expectations.json differ from gen_corpus.py")
    table = json.load(open(os.path.join(HERE, "expectations.json")))
    ids = {}
    for name in sorted(table):
        path = os.path.join(HERE, "cases", name + ".json")
        try:
            ev = json.load(open(path))
        except (OSError, ValueError) as e:
            err(name, "not valid JSON: %s" % e)
            continue
        check_event(name, ev)
        if ev.get("auditID") in ids:
            err(name, "auditID also %s's" % ids[ev["auditID"]])
        ids[ev.get("auditID")] = name
        for r in table[name]["quiet_for"]:
            if r in table[name]["fires_overridden"]:
                err(name, "quiet for %r, yet expected to fire it" % r)
    if not os.path.isfile(os.path.join(d, "k8s_audit_rules.yaml")):
        print("SKIP: Falco's k8s_audit_rules.yaml not found in %s (../shared absent)" % d)
        return 77 if not errors else report()
    rules = falco_rules(d)
    if len(rules) != 48:
        err("falco", "%d rules in k8s_audit_rules.yaml, 48 expected" % len(rules))
    known = set(rules)
    for name, t in table.items():
        for r in set(t["fires_overridden"]) | set(t["quiet_for"]):
            if r not in known:
                err(name, "names %r, not a rule of Falco's file" % r)
    for r in rules:
        fire = [n for n, t in table.items() if r in t["fires_overridden"]]
        quiet = [n for n, t in table.items() if r in t["quiet_for"]]
        if not fire or not quiet:
            err(r, "needs a case that fires it (%d) and a benign counterpart (%d)" %
                (len(fire), len(quiet)))
    return report(len(table), len(rules))


def generated_differ():
    import contextlib
    import io
    saved = sys.argv
    sys.argv = [saved[0], "--check"]
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            rc = gen_corpus.main()
    finally:
        sys.argv = saved
    if rc:
        print(out.getvalue(), end="")
    return rc


def report(ncases=0, nrules=0):
    for e in errors:
        print("FAIL:", e)
    if errors:
        return 1
    print("ok: %d cases are audit.k8s.io/v1 Events at their policy level; each of the %d "
          "rules has a fire case and a quiet one" % (ncases, nrules))
    return 0


if __name__ == "__main__":
    sys.exit(main())
