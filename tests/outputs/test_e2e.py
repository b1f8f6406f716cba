#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End to end, on the live kernel: `vigil run -c CONFIG` with a rule that
fires on a uniquely named program, a file output and an HTTP output (a real
http.server receiver), rate limiting (burst 3) and the metrics endpoint.
Checks that the alerts reach both outputs and validate against the schema,
that the suppressed ones are summarized, that /metrics and /healthz answer,
that SIGUSR1 reopens the alert file, and that SIGTERM flushes and exits 0.

Needs root and a vigil built with the outputs wired in (`run -c`); skips
(77) otherwise. usage: test_e2e.py OUTPUTS_DRIVER REPO_ROOT"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_receiver import Receiver  # noqa: E402
from vgtest import Checker, free_port, skip, tmpdir, wait_until  # noqa: E402

ROOT = sys.argv[2]
T = Checker("test_e2e")
VIGIL = os.environ.get("VIGIL_BIN") or os.path.join(ROOT, "build", "engine", "vigil")
if os.geteuid() != 0:
    skip("needs root to load BPF programs")
if not os.access(VIGIL, os.X_OK):
    skip(f"no vigil binary at {VIGIL}")
try:
    probe = subprocess.run([VIGIL, "run", "--help"], capture_output=True, text=True, timeout=30)
except subprocess.TimeoutExpired:
    skip(f"{VIGIL} run --help did not return")
if "--config" not in probe.stdout + probe.stderr:
    skip(f"{VIGIL} has no `run -c` yet (outputs not wired in)")

D = tmpdir("vigil-e2e-")
NAME = f"vge2e{os.getpid() % 100000}"  # a comm no other process has
PROG = os.path.join(D, NAME)
shutil.copy("/bin/true", PROG)
RULE = "E2E unique program ran"
with open(f"{D}/rules.yaml", "w") as f:
    f.write(f"""- rule: {RULE}
  desc: the test's own program was executed
  condition: evt.type in (execve, execveat) and proc.name = {NAME}
  output: "{NAME} ran (pid=%proc.pid parent=%proc.pname cmd=%proc.cmdline)"
  priority: NOTICE
  tags: [e2e]
""")
mport = free_port()
r = Receiver()
with open(f"{D}/vigil.yaml", "w") as f:
    f.write(f"""stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: {D}/alerts.json
http_output:
  enabled: true
  url: {r.url()}
  batch: array
rate_limit:
  enabled: true
  rate: 0.001
  burst: 3
  summary_interval: 1
metrics:
  enabled: true
  listen_address: 127.0.0.1:{mport}
""")
with open(os.path.join(ROOT, "schema", "alert.schema.json")) as f:
    schema = json.load(f)
try:
    import jsonschema
    validator = jsonschema.Draft202012Validator(schema)
except ImportError:
    validator = None

err = open(f"{D}/vigil.err", "w+")
v = subprocess.Popen([VIGIL, "run", "-c", f"{D}/vigil.yaml", "-r", f"{D}/rules.yaml"],
                     stdout=subprocess.DEVNULL, stderr=err)


def log():
    err.flush()
    with open(f"{D}/vigil.err") as f:
        return f.read()


def alerts(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(x) for x in f]


def get(path):
    with urllib.request.urlopen(f"http://127.0.0.1:{mport}{path}", timeout=10) as resp:
        return resp.status, resp.read().decode()


try:
    wait_until(lambda: "ready" in log() or v.poll() is not None, "vigil to be ready", 120)
    T.check(v.poll() is None, "vigil is running")
    for _ in range(8):
        subprocess.run([PROG], check=True)

    def suppressed(path):
        return sum(a["output_fields"]["vigil.suppressed.count"] for a in alerts(path)
                   if a["rule"] == "vigil: alerts suppressed")

    wait_until(lambda: suppressed(f"{D}/alerts.json") >= 5, "the suppression summary")
    got = alerts(f"{D}/alerts.json")
    T.eq(sum(a["rule"] == RULE for a in got), 3, "alerts of the rule in the file (the burst)")
    T.eq(suppressed(f"{D}/alerts.json"), 5, "suppressed, as the summaries count them")
    if validator:
        T.eq([e.message for a in got for e in validator.iter_errors(a)], [],
             "schema errors in the file's alerts")
    T.eq(get("/metrics")[0], 200, "/metrics")
    line = f'vigil_output_sent_total{{output="file"}} {len(got)}\n'
    wait_until(lambda: line in get("/metrics")[1], f"/metrics to say {line.strip()}")
    T.check(True, "file output's sent count on /metrics")
    T.eq(get("/healthz"), (200, "ok\n"), "/healthz")

    os.rename(f"{D}/alerts.json", f"{D}/alerts.json.1")
    v.send_signal(signal.SIGUSR1)
    wait_until(lambda: os.path.exists(f"{D}/alerts.json"), "the file reopened after SIGUSR1")
    subprocess.run([PROG], check=True)  # suppressed: counted in the next summary
    wait_until(lambda: suppressed(f"{D}/alerts.json") >= 1, "a summary in the new file")
    T.check(True, "alerts continue in the reopened file")

    v.send_signal(signal.SIGTERM)
    T.eq(v.wait(timeout=60), 0, "exit status after SIGTERM")
    T.check("output http: accepted=" in log(), "outputs' counters printed at exit")
    for line in log().splitlines():
        if line.startswith("vigil: output ") and " accepted=" in line:
            n = {k: int(x) for k, x in re.findall(r"(\w+)=(-?\d+)", line)}
            T.eq(n["accepted"], n["delivered"] + n["dropped"],
                 f"{line.split(':')[1].strip()}: accepted = delivered + dropped")
            T.check("UNACCOUNTED" not in line, "nothing unaccounted")
    T.eq(os.stat(f"{D}/alerts.json").st_mode & 0o7777, 0o600, "the alert file's mode")
    posted = [a for _, _, b in r.records for a in json.loads(b)]
    in_files = alerts(f"{D}/alerts.json.1") + alerts(f"{D}/alerts.json")
    T.eq(len(posted), len(in_files), "the HTTP receiver got what the file got")
    T.eq(sum(a["rule"] == RULE for a in posted), 3, "alerts of the rule over HTTP")
except AssertionError as e:
    T.check(False, f"{e}\n--- vigil's stderr ---\n{log()[-3000:]}")
finally:
    if v.poll() is None:
        v.kill()
        v.wait()
    r.stop()
    shutil.rmtree(D, ignore_errors=True)
T.done()
