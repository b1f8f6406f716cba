#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""ctest detection_catalogue: scripts/gen-catalogue.sh runs on the default
rules, and every rule in rules/ carries what the catalogue and the ATT&CK
matrix are built from: a mitre_<tactic> tag, a technique tag (T1059 or
T1059.004) and a maturity_<level> tag. (Comparing the committed
docs/rules-catalogue.md with a fresh one would fail whenever a rule changes
without a regeneration; regenerate with scripts/gen-catalogue.sh.)

usage: check_catalogue.py VIGIL REPO_ROOT"""
import json
import os
import re
import subprocess
import sys
import tempfile

vigil, root = sys.argv[1], sys.argv[2]
TECH = re.compile(r"^T\d{4}(\.\d{3})?$")
failed = 0

with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, "catalogue.md")
    r = subprocess.run([os.path.join(root, "scripts/gen-catalogue.sh"), vigil, out],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(f"FAIL scripts/gen-catalogue.sh exited {r.returncode}: {r.stderr.strip()}")
        sys.exit(1)
    text = open(out).read()

r = subprocess.run([vigil, "rules", "--json", "-r", os.path.join(root, "rules")],
                   capture_output=True, text=True)
if r.returncode != 0:
    print(f"FAIL vigil rules -r rules/ exited {r.returncode}: {r.stderr.strip()[-1000:]}")
    sys.exit(1)
rules = json.loads(r.stdout)["rules"]
for rule in rules:
    tags = rule["tags"]
    missing = []
    if not any(t.startswith("mitre_") for t in tags):
        missing.append("a mitre_<tactic> tag")
    if not any(TECH.match(t) for t in tags):
        missing.append("a technique tag (T1059, T1059.004)")
    if not any(t.startswith("maturity_") for t in tags):
        missing.append("a maturity_<level> tag")
    if missing:
        failed += 1
        print(f"FAIL rule '{rule['name']}' lacks {', '.join(missing)} (tags: {tags})")
    if f"| {rule['name'].replace('|', chr(92) + '|')} " not in text:
        failed += 1
        print(f"FAIL rule '{rule['name']}' is not in the generated catalogue")
print(f"catalogue: {len(rules)} rules, {failed} problems")
sys.exit(1 if failed or not rules else 0)
