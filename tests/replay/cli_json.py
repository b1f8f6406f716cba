#!/usr/bin/env python3
"""The JSON documents of `vigil rules`, `validate`, `fields` and `features`.

  cli_json.py VIGIL REPO_RULES_DIR [K8SAUDIT_PLUGIN]            check
  cli_json.py --record DIR VIGIL REPO_RULES_DIR [K8SAUDIT_PLUGIN]   write goldens

Each document must parse, say what the golden recorded with the json-c
writers said (cli_json/*.golden, recorded before the move to json_buf), be
valid UTF-8 whatever bytes its inputs had (an invalid byte is U+FFFD, as in
alerts), and be written the way json_buf writes an alert: compact, one line,
only the escapes JSON needs. The rules files and the directory they sit in
carry quotes, backslashes, control characters, invalid UTF-8 and a 6000
character name. Documents with a second, independent printer (the text and
Markdown forms, printf) are checked against it too.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "cli_json")
# a directory name a rules path echoes: every byte class a writer must handle
HOSTILE_DIR = b'dir "q" \\b\\ /s \x01\x1f\t\n \xff\xfe \xc3 \xe2\x9c\x93'
LONG = "L" * 6000
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def lenient(raw):
    """A document's text with each byte that is not UTF-8 as U+FFFD (json_buf's rule)."""
    text = raw.decode("utf-8", "surrogateescape")
    return re.sub("[\udc80-\udcff]", "\ufffd", text)


def parse(raw, what):
    try:
        return json.loads(lenient(raw))
    except ValueError as e:
        check(False, f"{what}: not JSON: {e}: {raw[:200]!r}")
        return None


def run(vigil, *args, env=None):
    r = subprocess.run([vigil, *args], capture_output=True, env=env, timeout=120)
    return r.returncode, r.stdout, r.stderr


def setup(work):
    """The hostile rules files in a hostile directory; paths relative to work."""
    d = os.path.join(work.encode(), HOSTILE_DIR)
    os.makedirs(d)
    for name in ("hostile.yaml", "bad.yaml"):
        with open(os.path.join(DATA, name), encoding="utf-8") as f:
            text = f.read().replace("LONG_NAME", LONG)
        with open(os.path.join(d, name.encode()), "w", encoding="utf-8") as f:
            f.write(text)
    return HOSTILE_DIR


def plugin_config(work, plugin):
    path, log = os.path.join(work, "vigil.yaml"), os.path.join(work, "audit.log")
    open(log, "w").close()
    with open(path, "w") as f:
        f.write("metrics:\n  enabled: false\nwebserver:\n  enabled: false\n"
                f"plugins:\n  - name: k8saudit\n    library_path: {plugin}\n"
                f"    init_config: {{log_file: {log}}}\n"
                "load_plugins: [k8saudit]\n")
    return path


def documents(vigil, rules_dir, plugin, work):
    """name -> (expected exit status, argv) of every document the test reads."""
    hd = setup(work)
    docs = {
        "rules_hostile": (0, ["rules", "--json", "-r", hd + b"/hostile.yaml"]),
        "validate_good": (0, ["validate", "--json", "-r", hd + b"/hostile.yaml"]),
        "validate_bad": (1, ["validate", "--json", "-r", hd + b"/bad.yaml"]),
        "validate_dir": (1, ["validate", "--json", "-r", hd]),
        "fields": (0, ["fields", "--json"]),
        "fields_live": (0, ["fields", "--json", "--live"]),
        "features": (0, ["features", "--json"]),
    }
    if plugin:
        docs["fields_plugin"] = (0, ["fields", "--json", "-c", plugin_config(work, plugin)])
    return docs


def canonical(doc):
    """The bytes json_buf writes for doc: compact, '/' and non-ASCII as they are."""
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def check_bytes(name, raw, doc):
    try:
        raw.decode("utf-8")
        ok = True
    except UnicodeDecodeError as e:
        ok = False
        check(False, f"{name}: not valid UTF-8: {e}")
    if ok:
        check(raw == canonical(doc), f"{name}: not json_buf's compact form: {raw[:300]!r}")


def strip_desc(fields):
    return [{k: v for k, v in f.items() if k != "desc"} for f in fields]


def first_difference(a, b, path):
    """Where a and b first differ, as path: now != golden; None if equal."""
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} != {list(b)}"
        pairs = [(a[k], b[k], f"{path}.{k}") for k in a]
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        pairs = [(x, y, f"{path}[{i}]") for i, (x, y) in enumerate(zip(a, b))]
    else:
        return None if a == b and type(a) is type(b) else f"{path}: {a!r:.200} != {b!r:.200}"
    for x, y, p in pairs:
        d = first_difference(x, y, p)
        if d:
            return d
    return None


def compare_golden(name, doc, gold):
    if name.startswith("fields"):
        # new fields may come; each recorded one keeps its place and values
        # (descriptions are checked against the Markdown listing instead)
        names = [f["name"] for f in doc]
        pos = {n: i for i, n in enumerate(names)}
        old = [f["name"] for f in gold]
        check(all(n in pos for n in old), f"{name}: recorded fields missing: "
              f"{[n for n in old if n not in pos][:10]}")
        idx = [pos[n] for n in old if n in pos]
        check(idx == sorted(idx), f"{name}: recorded fields out of order")
        now = {f["name"]: f for f in strip_desc(doc)}
        for f in strip_desc(gold):
            check(now.get(f["name"]) == f, f"{name}: {f['name']}: {now.get(f['name'])} != {f}")
        return
    if name == "features":
        # the kernel decides the values; the shape is the recorded one
        check(list(doc) == list(gold), f"features: keys {list(doc)}")
        check(list(doc["features"]) == list(gold["features"]),
              f"features: feature names {list(doc['features'])}")
        for k, v in doc["features"].items():
            check(list(v) == ["ok", "detail"] and isinstance(v["ok"], bool)
                  and isinstance(v["detail"], str), f"features: {k}: {v}")
        check([list(h) for h in doc["hooks"]] == [list(h) for h in gold["hooks"]],
              "features: hook objects")
        return
    where = first_difference(doc, gold, name)
    check(where is None, f"{name}: differs from the golden at {where}")


def check_hostile(docs):
    """What the hostile inputs must read as, stated here, not only recorded."""
    rules = {r["name"]: r for r in docs["rules_hostile"]["rules"]}
    q = 'Quote " backslash \\ slash / ctl \x01\x1f\x7f tab\t nl\n cr\r bell\x07 é ✓ 𝄞'
    check(q in rules, f"rules: hostile name: {list(rules)}")
    if q in rules:
        r = rules[q]
        check(r["tags"] == ['t"ag', "back\\slash", "ctl\x02", "uni é ✓"], f"tags {r['tags']}")
        check(r["output"] == 'out %proc.name " \\ / \x07 \x1b[31m', f"output {r['output']!r}")
        check('"a\\"b\\\\c/d"' in r["condition"], f"condition {r['condition']!r}")
    check(LONG in rules and rules[LONG]["enabled"] is False, "rules: the long name")
    s = rules.get('Seq "step" \\ rule', {}).get("sequence", {})
    check(s.get("window_ms") == 90000 and [x["name"] for x in s.get("steps", [])] ==
          ["down_load", "run"], f"rules: sequence {s}")
    t = rules.get('Thresh " \\', {}).get("threshold", {})
    check(t == {"window_ms": 1500, "by": "proc.pid", "count": 3, "distinct": "fd.rport"},
          f"rules: threshold {t}")
    hd = lenient(HOSTILE_DIR)
    check("\ufffd\ufffd" in hd, "the hostile directory has invalid bytes")
    bad = docs["validate_bad"]
    check(bad["files"] == [hd + "/bad.yaml"] and bad["successful"] is False,
          f"validate: files {bad['files']}")
    e = {x["item_name"]: x for x in bad["errors"]}
    f = e.get('Bad " field \\ \x01 é', {})
    check(f.get("code") == "E-UNKNOWN-FIELD" and (f.get("line"), f.get("column")) == (4, 36)
          and f.get("file") == hd + "/bad.yaml", f"validate: unknown field {f}")
    p = e.get('Odd " priority', {})
    check(p.get("message", "").startswith("invalid priority 'Loud\"\\'"), f"validate: {p}")
    check(bad["summary"]["errors"] == len(bad["errors"]) == 5 and
          bad["summary"]["warnings"] == len(bad["warnings"]) == 3, "validate: counts")
    check({"rule": "Plugin \" source", "reason": "unknown source"} in bad["skipped_rules"],
          "validate: skipped rule")
    good = docs["validate_good"]
    check(good["successful"] is True and good["errors"] == [] and good["warnings"] == []
          and good["summary"]["rules"] == 4, f"validate: the good file {good['summary']}")


def markdown_fields(text):
    """`vigil fields --markdown` as (name, class, type, arg, live, desc) rows."""
    rows, cls = [], None
    for line in text.splitlines():
        if line.startswith("## "):
            cls = line[3:]
        elif line.startswith("| `"):
            name, typ, arg, live, desc = line[2:-2].split(" | ", 4)
            rows.append((name.strip("`"), cls, typ, arg, live == "yes", desc))
    return rows


def cross_check(vigil, docs, rules_dir):
    """The JSON against the text forms, which printf writes."""
    rc, md, _ = run(vigil, "fields", "--markdown")
    rows = [(f["name"], f["class"], f["type"], f["arg"], f["live"], f["desc"])
            for f in docs["fields"]]
    check(rc == 0 and rows == markdown_fields(md.decode()), "fields: JSON != Markdown")
    rc, text, _ = run(vigil, "features")
    lines = text.decode().splitlines()
    cut = lines.index("")
    feats = {}
    for line in lines[1:cut]:
        k, ok, *detail = line.split(None, 2)
        feats[k] = {"ok": ok == "yes", "detail": detail[0] if detail else ""}
    check(feats == docs["features"]["features"], "features: JSON != table")
    hooks = [dict(zip(("hook", "role", "tier"), ln.split(None, 2))) for ln in lines[cut + 2:]]
    check(hooks == docs["features"]["hooks"], "features: hooks JSON != table")
    # the project's rules: a big document, names and event types as the text says
    rc, raw, _ = run(vigil, "rules", "--json", "-r", rules_dir)
    doc = parse(raw, "rules_repo")
    check_bytes("rules_repo", raw, doc)
    rc, text, _ = run(vigil, "rules", "-r", rules_dir)
    text = text.decode()
    names = [ln for ln in text.split("\n\n")[0].splitlines() if ln and not ln.startswith(" ")]
    check([r["name"] for r in doc["rules"]] == names, "rules: JSON names != text")
    m = re.search(r"event types of enabled rules \((\d+)\)", text)
    check(m and int(m.group(1)) == len(doc["evttypes"]), "rules: event type count")


def main():
    args = sys.argv[1:]
    record = None
    if args and args[0] == "--record":
        record, args = os.path.abspath(args[1]), args[2:]
    vigil, rules_dir = os.path.abspath(args[0]), os.path.abspath(args[1])
    plugin = os.path.abspath(args[2]) if len(args) > 2 and os.path.exists(args[2]) else None
    with tempfile.TemporaryDirectory(prefix="vg-cli-json.") as work:
        os.chdir(work)
        parsed = {}
        for name, (want, argv) in documents(vigil, rules_dir, plugin, work).items():
            rc, raw, err = run(vigil, *argv)
            check(rc == want, f"{name}: exit {rc}, not {want}: {err[-300:]!r}")
            if record:
                with open(os.path.join(record, name + ".golden"), "wb") as f:
                    f.write(raw)
                continue
            doc = parse(raw, name)
            if doc is None:
                continue
            parsed[name] = doc
            check_bytes(name, raw, doc)
            with open(os.path.join(DATA, name + ".golden"), "rb") as f:
                compare_golden(name, doc, parse(f.read(), name + ".golden"))
        if not record and not failures:
            # on documents that parsed and match the goldens: what they must say
            check_hostile(parsed)
            cross_check(vigil, parsed, rules_dir)
        os.chdir("/")
    print(f"{len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
