#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""ConfigMap volumes, as deploy/daemonset.yaml mounts them, reach a running
vigil: the kubelet writes a ConfigMap volume with its atomic writer (the
files in a "..<timestamp>" directory, a "..data" symlink to it swapped by
rename, each file a symlink through "..data"), never by writing the files
the pod sees. On the live kernel, `vigil run -c CONFIG/vigil.yaml` with
rules_files naming a rules directory written the same way:

1. rule A (the exec of a uniquely named program) alerts;
2. the rules ConfigMap is updated to rule B: vigil reloads by itself and B
   alerts, A no more;
3. the config ConfigMap is updated to add a second rules directory with
   rule C: vigil reloads and C alerts too;
4. a broken rules file is refused and B and C keep alerting.

Needs root; skips (77) otherwise. usage: test_configmap_reload.py DRIVER REPO_ROOT"""
import datetime
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import Checker, skip, tmpdir, wait_until  # noqa: E402

ROOT = sys.argv[2]
T = Checker("test_configmap_reload")
VIGIL = os.environ.get("VIGIL_BIN") or os.path.join(ROOT, "build", "engine", "vigil")
if os.geteuid() != 0:
    skip("needs root to load BPF programs")
if not os.access(VIGIL, os.X_OK):
    skip(f"no vigil binary at {VIGIL}")

D = tmpdir("vigil-cm-")
NAME = f"vgcm{os.getpid() % 100000}"  # a comm no other process has
PROG = os.path.join(D, NAME)
shutil.copy("/bin/true", PROG)
ALERTS = f"{D}/alerts.json"
CONFIG, RULES, RULES2 = f"{D}/config", f"{D}/rules.d", f"{D}/rules2.d"


def atomic_write(vol, files):
    """What the kubelet's AtomicWriter does for a ConfigMap volume."""
    os.makedirs(vol, exist_ok=True)
    stamp = datetime.datetime.utcnow().strftime("..%Y_%m_%d_%H_%M_%S.%f")
    ts = os.path.join(vol, stamp)
    os.mkdir(ts)
    for name, text in files.items():
        with open(os.path.join(ts, name), "w") as f:
            f.write(text)
    data = os.path.join(vol, "..data")
    old = os.readlink(data) if os.path.islink(data) else None
    os.symlink(stamp, os.path.join(vol, "..data_tmp"))
    os.rename(os.path.join(vol, "..data_tmp"), data)
    for name in files:
        link = os.path.join(vol, name)
        if not os.path.islink(link):
            os.symlink(os.path.join("..data", name), link)
    for name in os.listdir(vol):
        link = os.path.join(vol, name)
        if not name.startswith("..") and name not in files:
            os.unlink(link)
    if old:
        shutil.rmtree(os.path.join(vol, old))


def rule(name):
    return f"""- rule: {name}
  desc: the test's program ran
  condition: evt.type in (execve, execveat) and proc.name = {NAME}
  output: "{name} %proc.args"
  priority: NOTICE
"""


def config(rules_dirs):
    dirs = "".join(f"  - {d}\n" for d in rules_dirs)
    return f"""rules_files:
{dirs}rule_matching: all
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: {ALERTS}
metrics:
  enabled: false
"""


atomic_write(RULES, {"team.yaml": rule("CM rule A")})
atomic_write(RULES2, {"more.yaml": rule("CM rule C")})
atomic_write(CONFIG, {"vigil.yaml": config([RULES])})
err = open(f"{D}/vigil.err", "w+")
v = subprocess.Popen([VIGIL, "run", "-c", f"{CONFIG}/vigil.yaml"],
                     stdout=subprocess.DEVNULL, stderr=err)


def log():
    err.flush()
    with open(f"{D}/vigil.err") as f:
        return f.read()


def alerts_for(arg):
    """The rules that alerted on the run of PROG with this argument."""
    if not os.path.exists(ALERTS):
        return set()
    with open(ALERTS) as f:
        got = [json.loads(x) for x in f if x.endswith("\n")]
    return {a["rule"] for a in got if a["output_fields"].get("proc.args") == arg}


def run_until(arg, want):
    """Runs PROG ARG until the alerts for it are want (a reload lands between two runs)."""
    def once():
        subprocess.run([PROG, arg], check=True)
        return alerts_for(arg) >= want
    try:
        wait_until(once, f"alerts {sorted(want)} for {arg}", 60, 0.5)
    except AssertionError:
        pass
    return alerts_for(arg)


try:
    wait_until(lambda: "ready" in log() or v.poll() is not None, "vigil to be ready", 120)
    if not T.check(v.poll() is None, "vigil is running"):
        raise AssertionError(f"vigil exited with {v.returncode}: {log()}")
    T.eq(run_until("one", {"CM rule A"}), {"CM rule A"}, "rule A from the rules ConfigMap")

    n = log().count("vigil: reload (")
    atomic_write(RULES, {"team.yaml": rule("CM rule B")})
    wait_until(lambda: log().count("vigil: reload (") > n, "a reload after the ..data swap", 60)
    why = log().split("vigil: reload (")[-1].split(" changed)")[0]
    T.check(why.startswith(RULES + "/.."),
            f"the reload was set off by the kubelet's '..' entries: {why}")
    T.eq(run_until("two", {"CM rule B"}), {"CM rule B"}, "the updated ConfigMap: rule B, not A")

    n = log().count("vigil: reload (")
    atomic_write(CONFIG, {"vigil.yaml": config([RULES, RULES2])})
    wait_until(lambda: log().count("vigil: reload (") > n, "a reload after the config swap", 60)
    T.eq(run_until("three", {"CM rule B", "CM rule C"}), {"CM rule B", "CM rule C"},
         "the updated config ConfigMap adds a rules directory: rules B and C")

    atomic_write(RULES, {"team.yaml": rule("CM rule B") + "- rule: Broken\n  condition: (\n"})
    wait_until(lambda: "failed, the previous rules stay in force" in log(),
               "the broken ConfigMap refused", 60)
    T.check("team.yaml:" in log().split("failed, the previous rules stay")[-1].split("\n")[0]
            or "team.yaml:" in log(), "the refusal names the file")
    T.eq(run_until("four", {"CM rule B", "CM rule C"}), {"CM rule B", "CM rule C"},
         "after the refusal, rules B and C stay in force")
finally:
    if v.poll() is None:
        v.terminate()
        try:
            v.wait(timeout=60)
        except subprocess.TimeoutExpired:
            v.kill()
            v.wait()
    T.eq(v.returncode, 0, "vigil exits 0 on SIGTERM")
    err.close()
    shutil.rmtree(D, ignore_errors=True)
T.done()
