#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The JetStream output is the bundled nats plugin (plugins/nats):
`vigil --list-plugins` shows it when nats_output: is enabled; a plugins:
entry named nats (load_plugins: [nats], init_config with nats_output's keys,
no nats_output: at all) publishes a live `vigil run`'s alerts to a real
nats-server on the documented subject with Nats-Msg-Id and Vigil-* headers,
the output named "nats" in the exit summary; a wrong init_config key stops
vigil naming the key; a vigil that cannot find the plugin says where it
looked; a spool the former built-in output left is published on its
subject. The seed URL's password never shows in vigil's output.

usage: test_nats_plugin.py NATS_DUMP REPO_ROOT"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleetlib as F  # noqa: E402

DUMP, VIGIL = F.need(sys.argv)
T = F.Checker("test_nats_plugin")
D = F.tmpdir("vigil-natsplug-")
NAME = f"vgnplug{os.getpid() % 100000}"
RULE = "Nats plugin ran"
N = 10
SO = os.path.join(os.path.dirname(VIGIL), "..", "plugins", "libnats.so")
node = F.Node(D, "n1")
v = None


def write(name, text):
    path = os.path.join(D, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def plugin_config(url, extra_key=""):
    init = {"urls": [url], "subject_prefix": "vgplug.alerts", "host": "Plug Host"}
    if extra_key:
        init[extra_key] = 1
    return write("plugin.yaml", f"""stdout_output:
  enabled: false
plugins:
  - name: nats
    library_path: {SO}
    init_config: {json.dumps(init)}
load_plugins: [nats]
metrics:
  enabled: false
""")


try:
    node.start()
    url = f"nats://vigil:s3cr3t-pw@127.0.0.1:{node.port}"
    prog = F.Program(D, NAME)
    rules = F.rules(D, NAME, RULE)

    # nats_output: loads the bundled plugin: --list-plugins names it
    cfg = F.config(D, [url], "h1")
    r = subprocess.run([VIGIL, "--list-plugins", "-c", cfg], capture_output=True, text=True,
                       timeout=60)
    T.check(r.returncode == 0 and re.search(r"^nats \d+\.\d+\.\d+ ", r.stdout, re.M),
            f"--list-plugins shows nats for nats_output: ({r.stdout!r} {r.stderr!r})")
    T.check("s3cr3t-pw" not in r.stdout + r.stderr, "--list-plugins never shows the password")

    # a plugins: entry named nats, without nats_output:
    v = F.Vigil(VIGIL, D, plugin_config(url), rules, "a")
    v.start()
    for i in range(N):
        prog.run(f"pm{i:04d}")
    stream = F.Stream(DUMP, [node])
    F.wait_until(lambda: len(F.markers(stream.messages(), "pm")) >= N, f"{N} alerts in the stream")
    msgs = stream.messages()
    T.eq(F.markers(msgs, "pm"), [f"pm{i:04d}" for i in range(N)], "every alert once, in order")
    T.eq(sorted({m["subject"] for m in msgs}), ["vgplug.alerts.plug_host.syscall.warning.nats_plugin_ran"],
         "the subject from init_config's prefix and host")
    ids = [m["headers"].get("Nats-Msg-Id", "") for m in msgs]
    T.check(len(set(ids)) == len(msgs) and all(re.fullmatch(r"plug_host-[0-9a-f]{16}-\d+", i)
                                               for i in ids),
            f"a distinct Nats-Msg-Id host-instance-sequence per alert ({ids[:2]})")
    T.eq(msgs[0]["headers"].get("Vigil-Rule"), "nats_plugin_ran", "the Vigil-* headers")
    T.eq(v.stop(), 0, "vigil exits 0 after SIGTERM")
    s = v.summary()
    T.check(s is not None and s["delivered"] == N and s["dropped"] == 0,
            f"exit summary of the output named nats: delivered = {N} ({s})")
    T.check("s3cr3t-pw" not in v.log(), "vigil's log never shows the password")

    # a typo in init_config stops vigil, naming the key
    r = subprocess.run([VIGIL, "run", "-c", plugin_config(url, "ack_timeout"), "-r", rules],
                       capture_output=True, text=True, timeout=120)
    T.check(r.returncode != 0 and "plugin 'nats'" in r.stderr
            and "unknown key 'ack_timeout'" in r.stderr,
            f"an unknown init_config key is refused by name ({r.stderr[-400:]!r})")

    # a vigil without its plugin: the error names where it looked
    lone = os.path.join(D, "bin", "vigil")
    os.makedirs(os.path.dirname(lone))
    shutil.copy(VIGIL, lone)
    r = subprocess.run([lone, "--list-plugins", "-c", cfg], capture_output=True, text=True,
                       timeout=60)
    if r.returncode == 0 and "nats" in r.stdout:
        print("  (skipped the missing-plugin check: a nats plugin is installed)")
    else:
        T.check(r.returncode != 0 and "needs the nats plugin" in r.stderr
                and os.path.join(D, "bin", "..", "plugins", "libnats.so") in r.stderr,
                f"a missing plugin is named with its paths ({r.stderr!r})")

    # a spool the former built-in nats output left (its route the subject) is
    # published by the plugin on that subject's tokens, with its id's sequence
    spool = os.path.join(D, "legacy-spool")
    put = os.path.join(os.path.dirname(DUMP), "spool_put")
    subprocess.run([put, spool, "vgtest.alerts.old_host.syscall.critical.old_rule",
                    "old_host-0123456789abcdef-7",
                    json.dumps({"rule": "old rule", "output": "x (marker=legacy01)"})],
                   check=True)
    cfg = F.config(D, [url], "h1", f"  stream: VGLEGACY\n  spool_dir: {spool}\n")
    v = F.Vigil(VIGIL, D, cfg, rules, "b")
    v.start()
    legacy = F.Stream(DUMP, [node], "VGLEGACY")
    F.wait_until(lambda: F.markers(legacy.messages(), "legacy"), "the spooled alert in the stream")
    m = legacy.messages()[0]
    T.eq((m["subject"], m["headers"].get("Nats-Msg-Id"), m["headers"].get("Vigil-Priority")),
         ("vgtest.alerts.h1.syscall.critical.old_rule", "h1-0123456789abcdef-7", "critical"),
         "an old spool's alert: its subject's tokens, its id's sequence")
    T.eq(v.stop(), 0, "vigil exits 0 after SIGTERM")
except AssertionError as e:
    T.check(False, f"{e}\n--- vigil ---\n{v.log()[-3000:] if v else ''}\n"
            f"--- nats-server ---\n{node.tail()}")
finally:
    if v:
        v.stop()
    node.stop()
    subprocess.run(["rm", "-rf", D])
T.done()
