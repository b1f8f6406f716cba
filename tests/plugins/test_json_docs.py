#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The JSON documents vigil writes besides alerts, from the real binary, with
hostile strings in them (quotes, backslashes, control characters, '/', bytes
that are not UTF-8, long values). Each must be UTF-8, parse, hold the keys
in the order and with the values the golden outputs recorded before they
moved onto engine/alert/json_buf (issue 19) had, and be written the way
alerts are (no '\\/').
  init_config  what plugins are given: a plugins: entry's init_config as a
               mapping, a list and a string (config/falco_keys.c), and
               nats_output's settings as the nats plugin's init_config
               (cli/cli_plugins.c); read back by the ECHO_CONFIG test plugin
  support      `vigil --support` (cli/falco_support.c): files' SHA-256, and
               the layout json-c's pretty printer gave
usage: test_json_docs.py init_config|support VIGIL ECHO_PLUGIN_SO
(the fleet heartbeat is checked by tests/fleet/test_fleet_config.py)"""
import collections
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

MODE, VIGIL, ECHO = sys.argv[1:4]
D = tempfile.mkdtemp(prefix="vigil-json-docs-")
failures = 0

RULES = """- rule: json docs never
  desc: loads, never matches
  condition: evt.type = execve and proc.name = vgjsondocsnever
  output: "x %proc.name"
  priority: WARNING
"""
HEAD = "metrics:\n  enabled: false\nwebserver:\n  enabled: false\nstdout_output:\n  enabled: false\n"
LONG = "L" * 5000


def check(ok, what):
    global failures
    print(("ok: " if ok else "FAIL: ") + what)
    failures += not ok


def write(name, data):
    path = os.path.join(D, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def strict(raw, what):
    """raw as a JSON document: UTF-8, parsed with the keys' order kept; None if not."""
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=collections.OrderedDict)
    except (UnicodeDecodeError, ValueError) as e:
        check(False, f"{what} is UTF-8 JSON ({e}): {raw[:300]!r}")
        return None


def init_configs(config, name=None):
    """The init_config strings the echo plugin was given under `vigil --dry-run`."""
    out = os.path.join(D, "init.out")
    if os.path.exists(out):
        os.unlink(out)
    env = dict(os.environ, VG_TEST_INIT_CONFIG_OUT=out)
    if name:
        env["VG_TEST_PLUGIN_NAME"] = name
    r = subprocess.run([VIGIL, "--dry-run", "-c", write("vigil.yaml", HEAD + config), "-r",
                        write("rules.yaml", RULES)], env=env, capture_output=True, timeout=60)
    got, data = [], open(out, "rb").read() if os.path.exists(out) else b""
    while len(data) >= 8:
        n = int(data[:8], 16)
        got.append(data[8:8 + n])
        data = data[8 + n:]
    if not got:
        check(False, f"the plugin got an init_config ({r.stderr.decode(errors='replace')[-500:]})")
    return got


def plugin(init):
    return f"plugins:\n  - name: garbage\n    library_path: {ECHO}\n    init_config: {init}\n" \
           "load_plugins: [garbage]\n"


# YAML mapping/list/string init_configs (k8saudit, json, jsonl_source, alert_file take these)
HOSTILE_YAML = r'"q\"b\\s\x01\t\n/\u00e9\x7f"'
HOSTILE = 'q"b\\s\x01\t\n/\u00e9\x7f'
MAPPING = [
    (f'{{a: 1, b: {HOSTILE_YAML}, c: [true, null, 1.5, "x"], d: {{e: -2}}, "k\\"ey/": v, '
     f'long: {LONG}}}',
     {"a": 1, "b": HOSTILE, "c": [True, None, 1.5, "x"], "d": {"e": -2}, 'k"ey/': "v",
      "long": LONG}, "a mapping"),
    (f'[1, {HOSTILE_YAML}, {{x: "/"}}, []]', [1, HOSTILE, {"x": "/"}, []], "a list"),
    # plain scalars strtod reads but JSON has no number for: strings, not invalid JSON
    ("{a: 0x10, b: nan, c: +1, d: .5, e: 1., f: Infinity, g: 010, h: ' 1', i: -1.5e+3, "
     "j: -0, k: 0.25E2, l: -, m: 1e}",
     {"a": "0x10", "b": "nan", "c": "+1", "d": ".5", "e": "1.", "f": "Infinity", "g": "010",
      "h": " 1", "i": -1500.0, "j": 0, "k": 25.0, "l": "-", "m": "1e"}, "numbers"),
]


def init_config_tests():
    for init, want, what in MAPPING:
        got = init_configs(plugin(init))
        doc = strict(got[0], f"init_config from {what}") if got else None
        check(doc == want and (not isinstance(want, dict) or list(doc) == list(want)),
              f"init_config from {what}: the same values, keys in order ({str(doc)[:120]})")
    got = init_configs(plugin("'not json: \"as it is\"'"))
    check(got == [b'not json: "as it is"'], f"a string init_config is given as it is ({got})")
    nats_tests()


# nats_output's settings, as the nats plugin's init_config (golden: json-c's output)
NATS_GOLDEN = collections.OrderedDict([
    ("urls", ["nats://127.0.0.1:1", "nats://q\"b\\s\x01\x7f/\u00e9:2"]),
    ("subject_prefix", "vigil.alerts"), ("stream", "VIGIL_ALERTS"), ("user", "u/ser"),
    ("password", "p\"w\\d\r\x02" + LONG), ("token", "t\"o\\k\n\x1f"),
    ("spool_dir", "/tmp/vigil-json-docs/sp\u00e9ol"), ("create_stream", True), ("tls", False),
    ("replicas", 1), ("duplicate_window_s", 120), ("connect_timeout_ms", 2000),
    ("ack_timeout_ms", 5000), ("reconnect_wait_ms", 250), ("reconnect_max_wait_ms", 10000),
    ("spool_max_bytes", 268435456), ("spool_max_age_s", 604800)])


def nats_tests():
    cfg = (f"plugins:\n  - name: nats\n    library_path: {ECHO}\n"
           "nats_output:\n  enabled: true\n"
           '  urls: ["nats://127.0.0.1:1", "nats://q\\"b\\\\s\\x01\\x7f/\\u00e9:2"]\n'
           f'  user: "u/ser"\n  password: "p\\"w\\\\d\\r\\x02{LONG}"\n'
           '  token: "t\\"o\\\\k\\n\\x1f"\n  spool_dir: "/tmp/vigil-json-docs/sp\\u00e9ol"\n')
    got = init_configs(cfg, "nats")
    doc = strict(got[0], "nats_output's init_config") if got else None
    check(doc == NATS_GOLDEN and list(doc) == list(NATS_GOLDEN),
          f"nats_output's init_config: golden keys, order and values ({str(doc)[:120]})")
    check(bool(got) and b"\\/" not in got[0] and b"\n" not in got[0],
          f"nats_output's init_config: written as alerts are (no '\\/', no raw newline): "
          f"{got[0][:120] if got else b''!r}")


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def support_tests():
    cfg = write("vigil.yaml", HEAD)
    rd = os.path.join(D, "rd")
    os.mkdir(rd)
    for i, n in enumerate([b'q"b\\s', b"ctl\x01\tx\xffy", b"plain.yaml", LONG[:200].encode()]):
        with open(os.path.join(rd.encode(), n), "wb") as f:
            f.write(b"%d" % i)
    write("rd/.hidden", "h")
    rules = write("rules.yaml", RULES)
    r = subprocess.run([VIGIL, "--support", "-c", cfg, "-r", rd, "-r", rules, "-r",
                        "/nonexistent/vgjd.yaml"], capture_output=True, timeout=60)
    check(r.returncode == 0, f"--support exits 0 ({r.stderr[-300:]!r})")
    doc = strict(r.stdout, "--support")
    if doc is None:
        return
    check(list(doc) == ["version", "engine_info", "system_info", "config", "rules_files"],
          f"--support: the golden top-level keys in order ({list(doc)})")
    u = os.uname()
    check(doc["system_info"] == {"sysname": u.sysname, "nodename": u.nodename,
                                 "release": u.release, "version": u.version,
                                 "machine": u.machine} and
          list(doc["system_info"]) == ["sysname", "nodename", "release", "version", "machine"],
          "--support: system_info is uname's, in order")
    check(doc["engine_info"] == "vigil (Falco rules language)" and doc["version"],
          "--support: version and engine_info")
    check(doc["config"] == {"name": cfg, "sha256": sha(cfg)}, "--support: the config's SHA-256")
    files = sorted(n for n in os.listdir(rd.encode()) if not n.startswith(b"."))
    want = [{"name": os.path.join(rd, n.decode("utf-8", "replace")),
             "sha256": sha(os.path.join(rd.encode(), n))} for n in files]
    want += [{"name": rules, "sha256": sha(rules)}, {"name": "/nonexistent/vgjd.yaml",
                                                     "sha256": None}]
    check(doc["rules_files"] == want,
          "--support: each file in the directory's order, hostile names escaped, bytes that "
          f"are not UTF-8 as U+FFFD, null for an unreadable one "
          f"({str(doc['rules_files'][1:2])[:160]})")
    pretty = json.dumps(doc, indent=2, separators=(",", ":"), ensure_ascii=False) + "\n"
    check(r.stdout.decode() == pretty,
          "--support: one member per line, two spaces a level, no '\\/' (json-c's layout)")


try:
    {"init_config": init_config_tests, "support": support_tests}[MODE]()
finally:
    shutil.rmtree(D, ignore_errors=True)
print(f"{failures} failures")
sys.exit(1 if failures else 0)
