#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Hot reload on the live kernel: `vigil run` with rule A on the exec of a
uniquely named program while a shell loop runs it as fast as it can, each
run with its sequence number as argument.

1. The rules file is replaced by rename (as editors do) with rule B while
   the loop runs: every run alerts exactly once, under A or under B, none
   lost, and all A runs come before all B runs.
2. A broken rules file (by rename) is rejected with file:line:column, on the
   file change and again on SIGHUP; the old rules (B) keep alerting every run,
   and each failure is also an alert.
3. The file is rewritten in place with rule C on openat, a syscall no rule
   needed before: the kernel's syscall set follows and every open alerts.
4. SIGHUP with nothing changed reloads (and says why), SIGTERM exits 0.

Needs root; skips (77) otherwise. usage: test_reload.py OUTPUTS_DRIVER REPO_ROOT"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import Checker, skip, tmpdir, wait_until  # noqa: E402

ROOT = sys.argv[2]
T = Checker("test_reload")
VIGIL = os.environ.get("VIGIL_BIN") or os.path.join(ROOT, "build", "engine", "vigil")
if os.geteuid() != 0:
    skip("needs root to load BPF programs")
if not os.access(VIGIL, os.X_OK):
    skip(f"no vigil binary at {VIGIL}")

D = tmpdir("vigil-reload-")
NAME = f"vgrl{os.getpid() % 100000}"  # a comm no other process has
PROG = os.path.join(D, NAME)
shutil.copy("/bin/true", PROG)
RULES = f"{D}/rules.yaml"
ALERTS = f"{D}/alerts.json"
FAILED = "vigil rules reload failed"


def exec_rule(name, tag):
    return f"""- rule: {name}
  desc: the test's program ran
  condition: evt.type in (execve, execveat) and proc.name = {NAME}
  output: "{tag} run %proc.args"
  priority: NOTICE
  tags: [reload_test]
"""


def replace(text):
    """Write beside, then rename over: what editors and config tools do."""
    with open(f"{RULES}.tmp", "w") as f:
        f.write(text)
    os.rename(f"{RULES}.tmp", RULES)


replace(exec_rule("Reload A", "A"))
with open(f"{D}/vigil.yaml", "w") as f:
    f.write(f"""stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: {ALERTS}
metrics:
  enabled: false
""")

err = open(f"{D}/vigil.err", "w+")
v = subprocess.Popen([VIGIL, "run", "-c", f"{D}/vigil.yaml", "-r", RULES],
                     stdout=subprocess.DEVNULL, stderr=err)


def log():
    err.flush()
    with open(f"{D}/vigil.err") as f:
        return f.read()


def alerts():
    if not os.path.exists(ALERTS):
        return []
    with open(ALERTS) as f:
        return [json.loads(x) for x in f if x.endswith("\n")]


def of(rule, got=None):
    return [a for a in (alerts() if got is None else got) if a["rule"] == rule]


def seq(a):
    return int(a["output_fields"]["proc.args"])


def reload_lines(pattern):
    return re.findall(pattern, log())


loop = None


try:
    wait_until(lambda: "ready" in log() or v.poll() is not None, "vigil to be ready", 120)
    if not T.check(v.poll() is None, "vigil is running"):
        raise AssertionError(f"vigil exited with {v.returncode}")

    # 1. swap A -> B under load
    stop = f"{D}/stop"
    # bounded in count and time whatever happens to the test
    loop = subprocess.Popen(["bash", "-c", f'i=0; while [ ! -e {stop} ] && [ $i -lt 200000 ] '
                             f'&& [ $SECONDS -lt 300 ]; do i=$((i+1)); {PROG} $i; done; '
                             f'echo $i > {D}/count'])
    wait_until(lambda: len(of("Reload A")) >= 500, "500 alerts of rule A", 120)
    replace(exec_rule("Reload B", "B"))
    wait_until(lambda: reload_lines(r"reload \(\S*rules.yaml changed\): 1 rules"),
               "the reload after the rename", 60)
    wait_until(lambda: len(of("Reload B")) >= 500, "500 alerts of rule B", 120)
    open(stop, "w").close()
    loop.wait(timeout=120)
    with open(f"{D}/count") as f:
        n = int(f.read())
    T.check(n >= 1000, f"the loop ran {n} times")
    wait_until(lambda: len(alerts()) >= n, f"{n} alerts", 120)
    got = alerts()
    a, b = [seq(x) for x in of("Reload A", got)], [seq(x) for x in of("Reload B", got)]
    T.eq(len(got), n, "alerts: one per run")
    T.eq(sorted(a + b), list(range(1, n + 1)), "every run alerted exactly once, A or B")
    T.check(a and b and max(a) < min(b),
            f"A's runs ({len(a)}, up to {max(a)}) all came before B's ({len(b)}, "
            f"from {min(b)})")
    line = reload_lines(r"reload \(.*\): .*loaded in ([0-9.]+) ms, swapped in ([0-9.]+) ms")
    T.check(bool(line), f"the reload is logged with its durations: {line}")

    # 2. a broken file is rejected; B keeps alerting
    replace(exec_rule("Reload B", "B") + """- rule: Broken
  desc: no condition ends here
  condition: evt.type = execve and
  output: "never"
  priority: NOTICE
""")
    bad = r"reload \((\S*rules.yaml changed|SIGHUP)\) failed, the previous rules stay in " \
          r"force: \S*rules.yaml:(\d+):(\d+): error"
    wait_until(lambda: reload_lines(bad), "the broken file to be rejected", 60)
    v.send_signal(signal.SIGHUP)
    wait_until(lambda: len(reload_lines(bad)) >= 2, "SIGHUP to be rejected too", 60)
    fails = reload_lines(bad)
    T.eq([f[0] == "SIGHUP" for f in fails], [False, True],
         f"rejected on the file change, then on SIGHUP: {fails}")
    T.check(all(int(f[1]) >= 7 for f in fails),
            f"the error names the broken rule's line (7 or later): {fails}")
    before = len(alerts())
    subprocess.run(["bash", "-c", f"for i in $(seq 1 200); do {PROG} $i; done"], check=True)
    wait_until(lambda: len(alerts()) >= before + 200, "200 alerts after the failed reloads")
    after = alerts()[before:]
    T.eq(len(of("Reload B", after)), 200, "the old rules (B) alerted every run")
    T.eq(len(after), 200, "nothing else alerted")
    T.eq([f["output_fields"]["vigil.reload.reason"] == "SIGHUP" for f in of(FAILED)],
         [False, True], "each failed reload is an alert too")
    try:
        import jsonschema
        with open(os.path.join(ROOT, "schema", "alert.schema.json")) as f:
            validator = jsonschema.Draft202012Validator(json.load(f))
        T.eq([e.message for a in of(FAILED) for e in validator.iter_errors(a)], [],
             "the failure alerts follow the alert schema")
    except ImportError:
        print("  note: no python3-jsonschema; the failure alerts were not validated")

    # 3. in place, a rule on a syscall nobody captured: the kernel set follows
    with open(RULES, "w") as f:
        f.write(f"""- rule: Reload C
  desc: the test's files were opened
  condition: evt.type in (open, openat, openat2) and fd.name startswith {D}/c-
  output: "C open %fd.name"
  priority: NOTICE
""")
    ok = r"reload \(\S*rules.yaml changed\): 1 rules \(1 enabled\), capturing"
    wait_until(lambda: len(reload_lines(ok)) >= 2, "the in-place rewrite to reload", 60)
    caps = [int(x) for x in reload_lines(r"capturing (\d+) syscalls")]
    T.check(caps[-1] > caps[0], f"more syscalls captured for C: {caps}")
    before = len(alerts())
    subprocess.run(["bash", "-c", f"for i in $(seq 1 100); do : > {D}/c-$i; done"], check=True)
    wait_until(lambda: len(of("Reload C")) >= 100, "100 alerts of rule C", 60)
    T.eq(len(of("Reload C")), 100, "every open alerted under C")
    T.eq(len(of("Reload B", alerts()[before:])), 0, "B is gone")

    # 4. SIGHUP, nothing changed
    v.send_signal(signal.SIGHUP)
    wait_until(lambda: reload_lines(r"reload \(SIGHUP\): 1 rules"), "the SIGHUP reload", 60)
    T.check(True, "SIGHUP reloads")
    v.send_signal(signal.SIGTERM)
    T.eq(v.wait(timeout=60), 0, "exit status after SIGTERM")
except AssertionError as e:
    T.check(False, f"{e}\n--- vigil's stderr ---\n{log()[-3000:]}")
finally:
    if loop and loop.poll() is None:
        loop.kill()
        loop.wait()
    if v.poll() is None:
        v.kill()
        v.wait()
    shutil.rmtree(D, ignore_errors=True)
T.done()
