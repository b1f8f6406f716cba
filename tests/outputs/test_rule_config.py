#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The configuration's say over the rules, through `vigil replay -c/-o` (the
same loading code as `vigil run` and its reloads): the minimum priority,
`rules:` enable/disable selectors by name glob and by tag (in order, over
the rules files' own `enabled:`), rule_matching first|all, rules_files, and
a bad value named with its place. No kernel needed.

usage: test_rule_config.py OUTPUTS_DRIVER REPO_ROOT (VIGIL_BIN: the binary)"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import Checker, skip, tmpdir  # noqa: E402

ROOT = sys.argv[2]
T = Checker("test_rule_config")
VIGIL = os.environ.get("VIGIL_BIN") or os.path.join(ROOT, "build", "engine", "vigil")
if not os.access(VIGIL, os.X_OK):
    skip(f"no vigil binary at {VIGIL}")

D = tmpdir("vigil-rulecfg-")
with open(f"{D}/rules.yaml", "w") as f:
    f.write("""- rule: Cfg shell warning
  desc: a shell ran
  condition: evt.type = execve and proc.name = sh
  output: "shell %proc.cmdline"
  priority: WARNING
  tags: [shell, t1]
- rule: Cfg shell debug
  desc: a shell ran, at debug
  condition: evt.type = execve and proc.name = sh
  output: "shell (debug) %proc.cmdline"
  priority: DEBUG
  tags: [shell]
- rule: Cfg other netcat
  desc: netcat ran; off in the file
  condition: evt.type = execve and proc.name = nc
  output: "nc %proc.cmdline"
  priority: ERROR
  tags: [misc]
  enabled: false
""")


def ev(pid, comm, exe):
    return json.dumps({
        "time": "2026-11-22T08:00:00.000000000Z", "ts_ns": 1000000000 + pid, "type": "exec",
        "pid": pid, "tid": pid, "ppid": 1, "uid": 0, "gid": 0, "comm": comm, "cgroup_id": 1,
        "filename": exe, "exe": exe, "cwd": "/", "args": [comm], "args_bytes": len(comm) + 1,
        "start_time_ns": 999000000})


with open(f"{D}/events.jsonl", "w") as f:
    f.write(ev(300, "sh", "/usr/bin/dash") + "\n" + ev(301, "nc", "/usr/bin/nc") + "\n")


def replay(*args, rules=True):
    cmd = [VIGIL, "replay"] + (["-r", f"{D}/rules.yaml"] if rules else []) + list(args)
    r = subprocess.run(cmd + [f"{D}/events.jsonl"], capture_output=True, text=True,
                       timeout=120)
    got = [json.loads(x)["rule"] for x in r.stdout.splitlines() if x.strip()]
    return r.returncode, got, r.stderr


try:
    T.eq(replay()[1], ["Cfg shell warning"], "no config: first match, nc off in the file")
    T.eq(replay("-o", "rule_matching=all")[1], ["Cfg shell warning", "Cfg shell debug"],
         "rule_matching=all: every matching rule")
    T.eq(replay("-o", "rule_matching=all", "-o", "priority=warning")[1],
         ["Cfg shell warning"], "priority=warning drops the debug rule")
    T.eq(replay("-o", "priority=error", "-o", "rules=[{enable: {tag: misc}}]")[1],
         ["Cfg other netcat"],
         "priority=error leaves error rules; a tag selector enables one off in its file")
    T.eq(replay("-o", "rule_matching=all",
                "-o", 'rules=[{disable: {tag: shell}}, {enable: {rule: "Cfg shell d*"}}]')[1],
         ["Cfg shell debug"], "selectors apply in order: tag off, then a name glob back on")
    T.eq(replay("-o", "rules=[{disable: {rule: '*'}}]")[1], [], "disable: rule '*'")
    with open(f"{D}/vigil.yaml", "w") as f:
        f.write(f"""rules_files: [{D}/rules.yaml]
rule_matching: all
priority: notice
""")
    T.eq(replay("-c", f"{D}/vigil.yaml", rules=False)[1], ["Cfg shell warning"],
         "-c FILE: its rules_files, rule_matching and priority")
    code, _, err = replay("-o", "rule_matching=some")
    T.eq(code, 2, "a bad rule_matching exits 2")
    T.check("rule_matching" in err and "-o" in err, f"and names the key and where: {err.strip()}")
    with open(f"{D}/bad.yaml", "w") as f:
        f.write("priority: warning\nrules:\n  - disable: {rule: 'x'}\n  - nothing: {}\n")
    code, _, err = replay("-c", f"{D}/bad.yaml")
    T.eq(code, 2, "a bad selector exits 2")
    T.check(f"{D}/bad.yaml:4:" in err, f"and names file:line:column: {err.strip()}")
finally:
    shutil.rmtree(D, ignore_errors=True)
T.done()
