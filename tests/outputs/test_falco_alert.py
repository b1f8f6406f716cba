#!/usr/bin/env python3
"""Falco's alert shape, checked against `vigil replay` (no kernel needed).

1. Byte for byte (key order included) against the Falco alerts recorded in
   data/falco_alerts.jsonl, vigil's own key "vigil" set aside.
2. Each json_include_* switch on and off, and time_format_iso_8601.
3. append_output: extra_output and extra_fields for the rules that match
   by source, tag and rule name, and not for the others.

usage: test_falco_alert.py DRIVER REPO_ROOT (vigil from $VIGIL_BIN or REPO_ROOT/build)
"""
import json
import os
import pwd
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
EVENT = os.path.join(DATA, "schema_event.jsonl")
RULES = os.path.join(DATA, "falco_alert_rules.yaml")
FAILS = []


def vigil_bin():
    v = os.environ.get("VIGIL_BIN")
    if v and os.access(v, os.X_OK):
        return v
    root = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "..")
    for p in ("build/engine/vigil", "build/vigil"):
        if os.access(os.path.join(root, p), os.X_OK):
            return os.path.join(root, p)
    return None


def check(cond, what):
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        FAILS.append(what)


def replay(config, env=None, rules=RULES):
    """The alert lines of a replay of EVENT under config (YAML text), in rule order."""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write("rule_matching: all\n" + config)
        path = f.name
    try:
        e = dict(os.environ, TZ="UTC")
        e.update(env or {})
        r = subprocess.run([VIGIL, "replay", "-c", path, "-r", rules, EVENT],
                           capture_output=True, text=True, env=e, timeout=60)
    finally:
        os.unlink(path)
    if r.returncode != 0:
        print(r.stderr)
    return [l for l in r.stdout.splitlines() if l.startswith("{")], r


def falco_part(line):
    """The alert without vigil's key: the bytes Falco would write."""
    cut = line.rfind(',"vigil":')
    return line[:cut] + "}" if cut > 0 else line


def by_rule(lines):
    return {json.loads(l)["rule"]: l for l in lines}


def recorded():
    try:
        user = pwd.getpwuid(1000).pw_name
    except KeyError:
        user = "<NA>"
    cases = {}
    for line in open(os.path.join(DATA, "falco_alerts.jsonl")):
        if not line.strip() or line.startswith("#"):
            continue
        name, alert = line.rstrip("\n").split("\t", 1)
        alert = alert.replace("{hostname}", socket.gethostname()).replace("{user}", user)
        cases[name] = alert
    return cases


def test_recorded():
    cases = recorded()
    configs = {
        "default": "",
        "iso_suggested": "time_format_iso_8601: true\nappend_output:\n  - suggested_output: true\n",
    }
    for name, want in cases.items():
        lines, _ = replay(configs[name])
        rule = json.loads(want)["rule"]
        got = by_rule(lines).get(rule)
        check(got is not None, f"{name}: rule {rule!r} alerted")
        if not got:
            continue
        got_f = falco_part(got)
        g = json.loads(got_f, object_pairs_hook=list)
        w = json.loads(want, object_pairs_hook=list)
        check([k for k, _ in g] == [k for k, _ in w],
              f"{name}: top-level keys and order {[k for k, _ in g]}")
        for (k, gv), (_, wv) in zip(g, w):
            check(gv == wv, f"{name}: {k} = {json.dumps(gv)[:100]}")
        check(got_f == want, f"{name}: byte-identical to Falco's alert")
        extra = json.loads(got)
        check(set(extra) - {k for k, _ in w} == {"vigil"},
              f"{name}: vigil's extras only under 'vigil'")


def test_switches():
    base = json.loads(falco_part(by_rule(replay("")[0])["Run shell untrusted"]))
    check(list(base) == ["hostname", "output", "output_fields", "priority", "rule", "source",
                         "tags", "time"], "defaults: Falco's keys, no message")
    for key, prop, default in (("output", "json_include_output_property", True),
                               ("tags", "json_include_tags_property", True),
                               ("message", "json_include_message_property", False),
                               ("output_fields", "json_include_output_fields_property", True)):
        for on in (True, False):
            a = json.loads(by_rule(replay(f"{prop}: {str(on).lower()}\n")[0])["Run shell untrusted"])
            check((key in a) == on, f"{prop}: {on} -> '{key}' {'present' if on else 'absent'}")
    a = json.loads(by_rule(replay("json_include_message_property: true\n")[0])["Run shell untrusted"])
    check(a.get("message") == a["output"].split(": Error ", 1)[1] and
          list(a)[:3] == ["hostname", "message", "output"],
          "message: the output without time and priority, sorted before output")
    iso = json.loads(by_rule(replay("time_format_iso_8601: true\n")[0])["Run shell untrusted"])
    check(iso["output"].startswith("2026-11-22T08:00:00.123456789+0000: Error "),
          "time_format_iso_8601: true -> the output starts with the UTC date and time")
    check("evt.time.iso8601" in iso["output_fields"] and "evt.time" not in iso["output_fields"],
          "time_format_iso_8601: true -> output_fields has evt.time.iso8601")
    check(base["output"].startswith("08:00:00.123456789: Error ") and
          base["output_fields"]["evt.time"] == 1795334400123456789,
          "time_format_iso_8601: false -> local time of day, evt.time in ns")
    loc = json.loads(by_rule(replay("", {"TZ": "UTC-2"})[0])["Run shell untrusted"])
    check(loc["output"].startswith("10:00:00.123456789") and
          loc["time"] == "2026-11-22T08:00:00.123456789Z",
          "the output's time of day is local (TZ), 'time' stays UTC")


def test_append_output():
    cfg = """append_output:
  - match: {source: syscall}
    extra_output: "on uid %user.uid"
    extra_fields:
      - home_directory: "${FSHAPE_HOME}"
      - proc.pid
  - match: {source: k8s_audit}
    extra_output: "NOT-K8S"
  - match: {tags: [shell, process]}
    extra_output: "tagged"
  - match: {tags: [shell, nonexistent]}
    extra_output: "NOT-ALL-TAGS"
  - match: {rule: Terminal shell in container}
    extra_fields:
      - who: "%user.name/%proc.pname"
"""
    lines, r = replay(cfg, {"FSHAPE_HOME": "/home/falco"})
    rules = {k: json.loads(v) for k, v in by_rule(lines).items()}
    run = rules.get("Run shell untrusted", {})
    term = rules.get("Terminal shell in container", {})
    check(run.get("output", "").endswith("parent=sshd) on uid 1000 tagged"),
          "extra_output by source and by tags, in order, after one space")
    check("NOT-K8S" not in json.dumps(rules) and "NOT-ALL-TAGS" not in json.dumps(rules),
          "entries of another source, or missing a tag, do not apply")
    f = run.get("output_fields", {})
    check(f.get("home_directory") == "/home/falco" and f.get("proc.pid") == 4242,
          "extra_fields: a name of one's own (${ENV} expanded) and a typed field")
    check(list(f) == sorted(f), "output_fields keys sorted with the extra fields in place")
    check("home_directory" not in run.get("output", ""), "extra_fields stay out of the text")
    check("who" not in f and term.get("output_fields", {}).get("who") == f"{term['output_fields']['user.name']}/sshd",
          "match by rule name: only that rule gets its extra field")
    check(term.get("output", "").endswith("exe_flags=<NA> on uid 1000"),
          "a rule without the tags gets the source's entry only")
    bad, r = replay("append_output:\n  - match: {sauce: syscall}\n")
    check(r.returncode != 0 and ":3:" in r.stderr and "unknown key in match" in r.stderr,
          f"an unknown match key is an error at its line ({r.stderr.strip()[:120]})")


def test_unsupported_fields():
    """The config key unsupported_fields reaches the rules: error by default, warn on request."""
    fields = json.loads(subprocess.run([VIGIL, "fields", "--json"], capture_output=True,
                                       text=True, timeout=60).stdout)
    dead = [f["name"] for f in fields if not f["live"] and f["type"] in ("uint64", "int64")
            and not f["arg"]]
    check(bool(dead), f"a numeric field that is not live, for the test ({dead[:3]})")
    if not dead:
        return
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write("- rule: rss\n  desc: d\n  condition: evt.type = execve and "
                f"{dead[0]} > 0\n  output: o\n  priority: INFO\n")
        path = f.name
    try:
        _, r = replay("", rules=path)
        check(r.returncode != 0 and f"{path}:3:" in r.stderr and "E-NOT-EXTRACTED" in r.stderr
              and dead[0] in r.stderr,
              "a field vigil does not extract: a load error at file:line (default)")
        _, r = replay("unsupported_fields: warn\n", rules=path)
        check(r.returncode == 0 and "W-NOT-EXTRACTED" in r.stderr and "'rss'" in r.stderr,
              "unsupported_fields: warn loads it with a warning naming the rule")
    finally:
        os.unlink(path)


if __name__ == "__main__":
    VIGIL = vigil_bin()
    if not VIGIL:
        print("SKIP: no vigil binary")
        sys.exit(77)
    test_recorded()
    test_switches()
    test_append_output()
    test_unsupported_fields()
    print(f"{'FAILED' if FAILS else 'passed'}: {len(FAILS)} failure(s)")
    sys.exit(1 if FAILS else 0)
