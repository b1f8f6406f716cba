#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Config overrides from the fleet's key-value bucket (a real nats-server on
loopback) to a running `vigil run`: `priority: error` pushed to config.host.H
silences a WARNING rule live, `priority: debug` brings it back; a key the
reload cannot apply live is refused by `vigil fleet push`, and a bad value or
such a key written without validation is refused by the host, which keeps the
previous override and reports the error in its heartbeat. The heartbeat also
carries the kernel features, hook tiers and drop counters.

usage: test_fleet_config.py NATS_DUMP REPO_ROOT"""
import collections
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleetlib as F  # noqa: E402

DUMP, VIGIL = F.need(sys.argv)
T = F.Checker("test_fleet_config")
D = F.tmpdir("vigil-fleet-config-")
TAG = f"vgfc{os.getpid() % 100000}"
HOST = f"{TAG}h"
node = F.Node(D, "n1")
warn, fence = F.Program(D, f"{TAG}w"), F.Program(D, f"{TAG}f")
v = None
ALERTS = os.path.join(D, "alerts.json")
CFGDIR = os.path.join(D, "fleet-config")


def write(name, text):
    path = os.path.join(D, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def setup():
    rules = write("rules.yaml", f"""- rule: Config test warning
  desc: silenced by an override of priority
  condition: evt.type in (execve, execveat) and proc.name = {warn.name}
  output: "warning (marker=%proc.args)"
  priority: WARNING
- rule: Config test fence
  desc: alerts at every priority the test sets
  condition: evt.type in (execve, execveat) and proc.name = {fence.name}
  output: "fence (marker=%proc.args)"
  priority: CRITICAL
""")
    return write("vigil.yaml", f"""rules_files: [{rules}]
config_files: [{CFGDIR}]
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: {ALERTS}
nats_output:
  enabled: true
  urls: [{node.url()}]
  host: {HOST}
  subject_prefix: vgtest.alerts
metrics:
  enabled: false
fleet:
  enabled: true
  name: {TAG}
  host: {HOST}
  rules_dir: {D}/fleet-rules
  config_dir: {CFGDIR}
  heartbeat_s: 1
""")


def alerts():
    try:
        with open(ALERTS) as f:
            return [json.loads(x) for x in f if x.strip()]
    except FileNotFoundError:
        return []


def has(rule, marker):
    return any(a["rule"] == rule and f"marker={marker}" in a["output"] for a in alerts())


def warns_now(n):
    """Whether the WARNING rule alerts now: a run of it, then a fence alert after it."""
    warn.run(f"w{n}")
    fence.run(f"f{n}")
    F.wait_until(lambda: has("Config test fence", f"f{n}"), f"the fence f{n}", 30)
    time.sleep(0.3)  # the warning's alert, if any, went through the same queue before it
    return has("Config test warning", f"w{n}")


count = 0


def until_warns(want, what):
    def done():
        global count
        count += 1
        return warns_now(count) == want
    F.wait_until(done, what, 60, 0.5)


def push(key, path, *flags):
    return subprocess.run([VIGIL, "fleet", "push", "-c", cfg, *flags, key, path],
                          capture_output=True, text=True, timeout=120)


def beat():
    r = subprocess.run([VIGIL, "fleet", "status", "-c", cfg, "--json"],
                       capture_output=True, text=True, timeout=60)
    for line in r.stdout.splitlines() if r.returncode == 0 else []:
        b = json.loads(line)
        if b.get("host") == HOST:
            return b
    return None


def beat_raw():
    """This host's last heartbeat as the status bucket holds it (bytes), or None."""
    r = subprocess.run([VIGIL, "fleet", "status", "-c", cfg, "--json"], capture_output=True,
                       timeout=60)
    for line in r.stdout.splitlines() if r.returncode == 0 else []:
        if f'"host":"{HOST}"'.encode() in line:
            return line
    return None


# the members of a heartbeat, in order (the golden output of the json-c writer)
BEAT_KEYS = ["host", "time", "heartbeat_s", "rules_revisions", "config_revisions",
             "config_errors", "rules_hash", "drops", "metrics", "features", "hooks", "outputs"]
# a refused value the heartbeat's error quotes: a control character, a tab, a quote, a
# backslash, a '/', and two-byte characters past the error's 512 bytes (cut anywhere)
HOSTILE = '/\x01\t"\\' + "\u00e9" * 300


def hostile_beat(key):
    """The refused hostile value is reported in a heartbeat that is UTF-8 JSON, as alerts are."""
    with open(os.path.join(D, "hostile.yaml"), "w") as f:
        f.write('priority: "/\\x01\\t\\"\\\\' + "\u00e9" * 300 + '"\n')
    r = push(key, os.path.join(D, "hostile.yaml"), "--no-validate")
    T.eq(r.returncode, 0, "a hostile value written without validation")
    raw = F.wait_until(lambda: (lambda x: x if x and b"priority: '" in x else None)(
        beat_raw()), "the heartbeat to report the hostile value", 30)
    try:
        b = json.loads(raw.decode("utf-8"), object_pairs_hook=collections.OrderedDict)
    except ValueError as e:  # UnicodeDecodeError too
        raise AssertionError(f"heartbeat: not UTF-8 JSON ({e}): {raw[:200]!r}...{raw[-200:]!r}")
    T.eq(list(b), BEAT_KEYS, "heartbeat: the golden members, in order")
    err = b["config_errors"][key]
    T.check(f"'{HOSTILE[:5]}\u00e9" in err and set(err.split("'")[1][5:]) <= {"\u00e9", "\ufffd"},
            f"heartbeat: the hostile value round-trips, a cut character as U+FFFD ({err[:60]!r})")
    T.check(b"\\/" not in raw and b"\\u0001\\t\\\"\\\\" in raw,
            f"heartbeat: escaped as alerts are (no '\\/'): {raw[:160]!r}")


try:
    node.start()
    cfg = setup()
    v = F.Vigil(VIGIL, D, cfg, None, "c")
    v.err = open(v.errpath, "w+")
    v.proc = subprocess.Popen([VIGIL, "run", "-c", cfg], stdout=subprocess.DEVNULL,
                              stderr=v.err)
    F.wait_until(lambda: "ready" in v.log() or v.proc.poll() is not None, "vigil ready", 120)
    if v.proc.poll() is not None:
        raise AssertionError(f"vigil exited: {v.log()[-2000:]}")
    T.check("are not taken" not in v.log(), "config_files names fleet.config_dir")
    until_warns(True, "the WARNING rule to alert before any override")
    T.check(True, "the WARNING rule alerts with the host's own config")

    key = f"config.host.{HOST}"
    r = push(key, write("error.yaml", "priority: error\n"))
    T.eq(r.returncode, 0, f"push {key} priority: error ({r.stderr.strip()[-300:]})")
    until_warns(False, "the override priority: error to silence the WARNING rule")
    T.check(True, "priority: error from the bucket silences the running host's WARNING rule")

    b = F.wait_until(lambda: (lambda x: x if x and x["config_revisions"].get(key, 0) > 0
                              else None)(beat()), "a heartbeat with the override's revision", 30)
    T.check(b["config_errors"] == {}, f"heartbeat: no config error ({b['config_errors']})")
    feats = json.loads(subprocess.run([VIGIL, "features", "--json"], capture_output=True,
                                      text=True, timeout=60).stdout)
    T.eq(b.get("features"), feats["features"], "heartbeat: the kernel features vigil features says")
    T.check(b.get("hooks") == feats["hooks"] and len(feats["hooks"]) > 0,
            f"heartbeat: the hook tiers vigil features says ({b.get('hooks', [])[:2]})")
    T.check(set(b.get("drops", {})) == {"kernel", "outputs"},
            f"heartbeat: drop counters ({b.get('drops')})")
    good_rev = b["config_revisions"][key]

    r = push(key, write("nonover.yaml", "file_output:\n  enabled: false\n"))
    T.check(r.returncode != 0 and "cannot be set from the fleet" in r.stderr,
            f"push refuses a key the reload cannot apply live ({r.stderr.strip()[-200:]})")
    r = push(key, write("bogus.yaml", "priority: bogus\n"))
    T.check(r.returncode != 0 and "nothing pushed" in r.stderr, "push refuses a bad value")

    r = push(key, os.path.join(D, "bogus.yaml"), "--no-validate")
    T.eq(r.returncode, 0, "a bad value written without validation")
    F.wait_until(lambda: f"{key} revision" in v.log() and "refused" in v.log(),
                 "the host to refuse it", 30)
    b = F.wait_until(lambda: (lambda x: x if x and key in x["config_errors"] else None)(beat()),
                     "the heartbeat to report the refused value", 30)
    err = b["config_errors"][key]
    T.check(f"{key}:1:11" in err and "bogus" in err,
            f"heartbeat: the error names key:line:column and the value ({err})")
    T.eq(b["config_revisions"][key], good_rev, "heartbeat: the previous override stays in force")
    T.check(not warns_now(1000), "the host keeps priority: error (no WARNING alert)")

    r = push(key, os.path.join(D, "nonover.yaml"), "--no-validate")
    b = F.wait_until(lambda: (lambda x: x if x and "file_output cannot be set"
                              in x["config_errors"].get(key, "") else None)(beat()),
                     "the heartbeat to report the refused key", 30)
    T.check(True, "a non-overridable key written directly is refused and reported")
    T.check(has("Config test fence", "f1000") and os.path.exists(ALERTS),
            "the file output stays enabled")

    hostile_beat(key)

    r = push(key, write("debug.yaml", "priority: debug\n"))
    T.eq(r.returncode, 0, "push priority: debug")
    until_warns(True, "priority: debug to bring the WARNING rule back")
    T.check(True, "a later good value applies and clears the error")
    b = F.wait_until(lambda: (lambda x: x if x and x["config_errors"] == {} and
                              x["config_revisions"][key] > good_rev else None)(beat()),
                     "the heartbeat without the error", 30)
    T.eq(v.stop(), 0, "vigil exits 0")
except AssertionError as e:
    T.check(False, f"{e}\n--- vigil ---\n{v.log()[-3000:] if v and v.proc else ''}\n"
            f"--- nats-server ---\n{node.tail()}")
finally:
    if v:
        v.stop()
    node.stop()
    subprocess.run(["rm", "-rf", D])
T.done()
