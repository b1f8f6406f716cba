#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Rules rolled out from a JetStream key-value bucket (a real nats-server on
loopback) to two running `vigil run` instances (hosts h1 and h2):
`vigil fleet push` of a fleet-wide rule reaches both and they alert on it;
a second push replaces it (the old rule stops alerting); a broken push is
refused by validation and nothing reaches the bucket; a broken value
written without validation is rejected by every host, which keeps its rules
and says so; a host key reaches its host only.

usage: test_fleet_rules.py NATS_DUMP REPO_ROOT"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleetlib as F  # noqa: E402

DUMP, VIGIL = F.need(sys.argv)
T = F.Checker("test_fleet_rules")
D = F.tmpdir("vigil-fleet-rules-")
TAG = f"vgfr{os.getpid() % 100000}"
node = F.Node(D, "n1")
vs = []
progs = {k: F.Program(D, f"{TAG}{k}") for k in ("a", "b", "c", "base")}


def rule_file(name, key, rule):
    path = os.path.join(D, name)
    with open(path, "w") as f:
        f.write(f"""- rule: {rule}
  desc: fleet rollout test
  condition: evt.type in (execve, execveat) and proc.name = {progs[key].name}
  output: "{rule} (marker=%proc.args)"
  priority: WARNING
""")
    return path


def host_config(i):
    d = os.path.join(D, f"h{i}")
    os.makedirs(os.path.join(d, "fleet-rules"))  # as the package's install makes it
    base = os.path.join(d, "base.yaml")
    with open(base, "w") as f:
        f.write(f"""- rule: base rule h{i}
  desc: keeps the ruleset non-empty before the fleet's rules arrive
  condition: evt.type in (execve, execveat) and proc.name = {progs["base"].name}
  output: "base (marker=%proc.args)"
  priority: WARNING
""")
    cfg = os.path.join(d, "vigil.yaml")
    with open(cfg, "w") as f:
        f.write(f"""rules_files: [{base}, {d}/fleet-rules]
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: {d}/alerts.json
nats_output:
  enabled: true
  urls: [{node.url()}]
  host: h{i}
metrics:
  enabled: false
fleet:
  enabled: true
  name: prod
  group: web
  host: h{i}
  rules_dir: {d}/fleet-rules
  heartbeat_s: 1
""")
    return cfg, os.path.join(d, "alerts.json")


def alerts(path):
    try:
        with open(path) as f:
            return [json.loads(x) for x in f if x.strip()]
    except FileNotFoundError:
        return []


def has(path, rule, marker):
    return any(a["rule"] == rule and f"marker={marker}" in a["output"] for a in alerts(path))


def until_alert(key, rule, marker, hosts, what):
    """Runs the program until every host in hosts alerted on rule (a reload takes a moment)."""
    n = 0

    def done():
        nonlocal n
        n += 1
        progs[key].run(f"{marker}{n}")
        return all(any(a["rule"] == rule and f"marker={marker}" in a["output"]
                       for a in alerts(h)) for h in hosts)
    F.wait_until(done, what, 60, 0.3)


def fence(hosts, marker):
    """An alert of the base rule after everything before it was evaluated."""
    progs["base"].run(marker)
    F.wait_until(lambda: all(has(h, f"base rule h{i + 1}", marker) for i, h in enumerate(hosts)),
                 f"the fence {marker}", 30)


def push(*args):
    return subprocess.run([VIGIL, "fleet", "push", "-c", cfgs[0][0], *args],
                          capture_output=True, text=True, timeout=120)


def beats():
    """Every host's last heartbeat, by host (vigil fleet status --json)."""
    r = subprocess.run([VIGIL, "fleet", "status", "-c", cfgs[0][0], "--json"],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return {}
    return {b["host"]: b for b in (json.loads(x) for x in r.stdout.splitlines() if x)}


try:
    node.start()
    cfgs = [host_config(1), host_config(2)]
    files = [c[1] for c in cfgs]
    a = rule_file("a.yaml", "a", "Fleet rule A")
    r = push("fleet.prod", a)
    T.eq(r.returncode, 0, f"push fleet.prod (A) ({r.stderr.strip()[-300:]})")
    for i, (cfg, _) in enumerate(cfgs):
        v = F.Vigil(VIGIL, os.path.dirname(cfg), cfg, os.path.join(os.path.dirname(cfg), "base.yaml"),
                    f"h{i + 1}")
        vs.append(v)
    # -r would replace rules_files: run with the config's rules_files only
    for v in vs:
        v.rules = None
        v.err = open(v.errpath, "w+")
        v.proc = subprocess.Popen([VIGIL, "run", "-c", v.config], stdout=subprocess.DEVNULL,
                                  stderr=v.err)
    for v in vs:
        F.wait_until(lambda: "ready" in v.log() or v.proc.poll() is not None, "vigil ready", 120)
        if v.proc.poll() is not None:
            raise AssertionError(f"vigil exited: {v.log()[-2000:]}")
    until_alert("a", "Fleet rule A", "a-", files, "both hosts alert on the fleet's rule A")
    T.check(True, "the pushed rule reached both running hosts")

    b = rule_file("b.yaml", "b", "Fleet rule B")
    r = push("fleet.prod", b)
    T.eq(r.returncode, 0, "push fleet.prod (B)")
    until_alert("b", "Fleet rule B", "b-", files, "both hosts alert on rule B")
    progs["a"].run("a-after")
    fence(files, "fence1")
    T.check(not any(has(h, "Fleet rule A", "a-after") for h in files),
            "rule A is gone from both hosts after the second push")

    broken = os.path.join(D, "broken.yaml")
    with open(broken, "w") as f:
        f.write("- rule: Broken\n  desc: x\n  condition: proc.name = = x\n  output: o\n"
                "  priority: WARNING\n")
    seen = [v.log().count("fleet.prod revision") for v in vs]
    r = push("fleet.prod", broken)
    T.check(r.returncode != 0 and "nothing pushed" in r.stderr,
            f"a broken push is refused by validation (rc {r.returncode})")
    time.sleep(2)
    T.eq([v.log().count("fleet.prod revision") for v in vs], seen, "... and no host got it")

    r = push("--no-validate", "fleet.prod", broken)
    T.eq(r.returncode, 0, "a broken value written without validation")
    F.wait_until(lambda: all("the previous rules stay in force" in v.log() for v in vs),
                 "both hosts to reject it", 60)
    T.check(True, "every host rejects the broken value and says so")
    F.wait_until(lambda: all(b["metrics"].get("vigil_reload_last_success") == 0
                             for b in beats().values()) and len(beats()) == 2,
                 "both heartbeats to report the failed reload", 30)
    T.check(True, "... and reports it in its heartbeat (vigil_reload_last_success 0)")
    progs["b"].run("b-kept")
    fence(files, "fence2")
    T.check(all(has(h, "Fleet rule B", "b-kept") for h in files),
            "both hosts keep alerting on rule B (the old rules stay in force)")

    # the broken fleet value would fail every load: the fleet puts B back
    T.eq(push("fleet.prod", b).returncode, 0, "push fleet.prod (B) again")
    F.wait_until(lambda: all(v.log().count("fleet.prod revision") >= 4 for v in vs),
                 "both hosts to take B again", 60)
    c = rule_file("c.yaml", "c", "Host rule C")
    r = push("host.h1", c)
    T.eq(r.returncode, 0, "push host.h1 (C)")
    until_alert("c", "Host rule C", "c-", files[:1], "h1 alerts on its host rule C")
    progs["c"].run("c-h2")
    fence(files, "fence3")
    T.check(not has(files[1], "Host rule C", "c-h2"), "h2 does not take h1's host key")

    def current():
        b = beats()
        return b if set(b) == {"h1", "h2"} and \
            b["h1"]["rules_revisions"].get("host.h1", 0) > 0 else None

    b = F.wait_until(current, "both hosts' heartbeats with h1's host key", 30)
    T.check(all(b[h]["metrics"].get("vigil_reload_last_success") == 1 for h in b),
            "heartbeats: the last reload succeeded on both")
    T.check(all(b[h]["outputs"]["file"]["sent"] > 0 and b[h]["outputs"]["file"]["last_error"] == ""
                for h in b), "heartbeats: each output's sent count and last error")
    T.check(b["h1"]["rules_hash"] != b["h2"]["rules_hash"],
            "heartbeats: h1 runs other rules than h2 (its host key)")
    T.check(b["h1"]["rules_revisions"].get("host.h1", 0) > 0 and
            b["h2"]["rules_revisions"].get("fleet.prod", 0) > 0,
            f"heartbeats: the revisions of the keys applied ({b['h1']['rules_revisions']})")

    # follow: h2's alerts only; C alerts on h1 alone, then B on both
    fol = subprocess.Popen([VIGIL, "fleet", "follow", "-c", cfgs[0][0], "--host", "h2",
                            "--count", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    time.sleep(1.5)
    progs["c"].run("c-follow")
    progs["b"].run("b-follow")
    out, _ = fol.communicate(timeout=60)
    got = json.loads(out.strip().splitlines()[0]) if out.strip() else {}
    T.eq((got.get("rule"), "marker=b-follow" in got.get("output", "")),
         ("Fleet rule B", True), "follow --host h2: h2's alert, not h1's")

    T.eq(vs[1].stop(), 0, "vigil h2 exits 0")
    F.wait_until(lambda: "SILENT" in subprocess.run(
        [VIGIL, "fleet", "status", "-c", cfgs[0][0]], capture_output=True, text=True,
        timeout=60).stdout, "h2 to show as SILENT", 30)
    st = subprocess.run([VIGIL, "fleet", "status", "-c", cfgs[0][0]], capture_output=True,
                        text=True, timeout=60).stdout
    print(st, flush=True)
    lines = {ln.split()[0]: ln for ln in st.splitlines()[1:] if ln.strip()}
    T.check(" ok " in lines.get("h1", "") and "SILENT" in lines.get("h2", ""),
            "fleet status: h1 ok, h2 silent")
    for v in vs:
        T.eq(v.stop(), 0, "vigil exits 0")
except AssertionError as e:
    T.check(False, f"{e}\n" + "".join(f"--- vigil {i} ---\n{v.log()[-2500:]}\n"
                                      for i, v in enumerate(vs)) +
            f"--- nats-server ---\n{node.tail()}")
finally:
    for v in vs:
        v.stop()
    node.stop()
    subprocess.run(["rm", "-rf", D])
T.done()
