#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""schema/alert.schema.json (JSON Schema draft 2020-12), checked with Debian's
python3-jsonschema: the schema is valid; the alerts the outputs write (shaped
like engine/alert/alert.c's, through the real file output) and the
rate-limit summary alert validate; broken alerts are refused; and, when a
vigil binary with `replay` is at hand ($VIGIL_BIN or REPO_ROOT/build), a real
alert from the rule engine validates too.

usage: test_schema.py OUTPUTS_DRIVER REPO_ROOT"""
import base64
import copy
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import Checker, Driver, ensure, output_stats, tmpdir  # noqa: E402

DRIVER, ROOT = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
T = Checker("test_schema")
ensure({"/usr/lib/python3/dist-packages/jsonschema/__init__.py": "python3-jsonschema"})
import jsonschema  # noqa: E402

with open(os.path.join(ROOT, "schema", "alert.schema.json")) as f:
    SCHEMA = json.load(f)
V = jsonschema.Draft202012Validator(SCHEMA)


def valid(alert, what):
    errs = sorted(V.iter_errors(alert), key=lambda e: list(e.path))
    T.check(not errs, what + ("" if not errs else f": {errs[0].message} at "
                                                  f"{'/'.join(map(str, errs[0].path))}"))


def invalid(alert, what):
    T.check(not V.is_valid(alert), f"refused: {what}")


try:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    T.check(True, "the schema is a valid draft 2020-12 schema")
except jsonschema.exceptions.SchemaError as e:
    T.check(False, f"schema: {e.message}")

D = tmpdir("vigil-schema-")
d = Driver(DRIVER, ["-n", "20", "--summary", "-o", "stdout_output.enabled=false",
                    "-o", "file_output.enabled=true", "-o", f"file_output.filename={D}/a.json"])
st = output_stats(d.stats(), "file")
d.finish()
T.eq(st["sent"], 21, "alerts written (20 and a summary)")
with open(f"{D}/a.json") as f:
    alerts = [json.loads(line) for line in f]
bad = [i + 1 for i, a in enumerate(alerts[:-1]) if not V.is_valid(a)]
T.eq(bad, [], "alerts (as the outputs wrote them) that do not validate")
valid(alerts[0], "alert 1 as the outputs wrote it")
valid(alerts[-1], "the rate-limit summary alert")
T.eq(alerts[-1]["rule"], "vigil: alerts suppressed", "summary rule")

good = alerts[0]
for what, change in [
    ("no rule", lambda a: a.pop("rule")),
    ("no output_fields", lambda a: a.pop("output_fields")),
    ("priority not a Falco name", lambda a: a.update(priority="WARNING")),
    ("time without nanoseconds", lambda a: a.update(time="2026-01-01T00:00:00Z")),
    ("time not UTC", lambda a: a.update(time="2026-01-01T00:00:00.000000000+01:00")),
    ("tags not strings", lambda a: a.update(tags=[1])),
    ("an unknown top-level key", lambda a: a.update(extra=1)),
    ("an object in output_fields", lambda a: a["output_fields"].update(x={"a": 1})),
    ("vigil without event_type", lambda a: a["vigil"].pop("event_type")),
    ("process pid negative", lambda a: a["vigil"]["process"].update(pid=-1)),
    ("an ancestor with an unknown key", lambda a: a["vigil"]["ancestors"][0].update(x=1)),
    ("process args not strings", lambda a: a["vigil"]["process"].update(args=[1])),
    ("more than 16 ancestors", lambda a: a["vigil"].update(
        ancestors=[a["vigil"]["ancestors"][0]] * 17)),
]:
    bad = copy.deepcopy(good)
    change(bad)
    invalid(bad, what)
later = copy.deepcopy(good)
decision = {"action": "deny", "mode": "on", "tier": "lsm", "result": "denied",
            "operation": "exec", "target": "/tmp/x"}
later["vigil"].update(container={"id": "abc"}, k8s={"pod": "p"}, enforcement=decision)
valid(later, "container, k8s and enforcement keys are allowed under vigil")
with_raw = copy.deepcopy(good)
with_raw["vigil"]["raw"] = {"proc.exepath": "L3RtcC9ldmls/w==", "vigil.process.args[1]": "YQ=="}
valid(with_raw, "vigil.raw: exact bytes of strings that were not UTF-8")
for what, raw in [
    ("vigil.raw empty", {}),
    ("vigil.raw value not base64", {"proc.exepath": "/tmp/evil"}),
    ("vigil.raw value not a string", {"proc.exepath": 1}),
]:
    bad = copy.deepcopy(good)
    bad["vigil"]["raw"] = raw
    invalid(bad, what)
for what, change in [
    ("an enforcement without its result", lambda e: e.pop("result")),
    ("an enforcement with an unknown action", lambda e: e.update(action="block")),
    ("an enforcement with an unknown tier", lambda e: e.update(tier="kprobe")),
]:
    bad = copy.deepcopy(later)
    change(bad["vigil"]["enforcement"])
    invalid(bad, what)

# a real alert from the rule engine, when a vigil with `replay` is at hand
vigil = os.environ.get("VIGIL_BIN") or os.path.join(ROOT, "build", "engine", "vigil")
real = None
if os.access(vigil, os.X_OK):
    r = subprocess.run([vigil, "replay", "-r", os.path.join(HERE, "data", "schema_rule.yaml"),
                        os.path.join(HERE, "data", "schema_event.jsonl")],
                       capture_output=True, text=True, timeout=60)
    if r.returncode == 0 and r.stdout.strip():
        real = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    else:
        print(f"  note: {vigil} replay gave no alert ({r.stderr.strip()[:200]})")
    # argv with bytes that are not UTF-8: a strict line, and vigil.raw that validates
    r = subprocess.run([vigil, "replay", "-r", os.path.join(HERE, "data", "schema_rule.yaml"),
                        os.path.join(HERE, "data", "schema_event_hostile.jsonl")],
                       capture_output=True, timeout=60)
    hostile = [json.loads(x.decode("utf-8", errors="strict")) for x in r.stdout.splitlines()
               if x.startswith(b"{")]
    T.eq(len(hostile), 1, "an alert for the exec with argv that is not UTF-8")
    for a in hostile:
        valid(a, "the alert with vigil.raw")
        T.eq(base64.b64decode(a["vigil"].get("raw", {}).get("vigil.process.args[2]", "")),
             b"evil\xff\xc0\xaf", "vigil.raw gives argv[2]'s exact bytes")
if real:
    for a in real:
        valid(a, f"vigil replay alert of rule {a.get('rule')!r}")
    T.check("process" in real[0].get("vigil", {}), "the real alert carries vigil.process")
else:
    print("  note: no vigil binary with `replay` here; the real-alert check did not run")
subprocess.run(["rm", "-rf", D])
T.done()
