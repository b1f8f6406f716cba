#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""deploy/: the DaemonSet's manifests parse, its ConfigMap's vigil.yaml loads
with the real config loader, the liveness probe points at /healthz on the
metrics port, and no container is privileged.

usage: test_deploy.py OUTPUTS_DRIVER REPO_ROOT"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import Checker, Driver, ensure, tmpdir  # noqa: E402

DRIVER, ROOT = sys.argv[1], sys.argv[2]
T = Checker("test_deploy")
ensure({"/usr/lib/python3/dist-packages/yaml/__init__.py": "python3-yaml"})
import yaml  # noqa: E402

with open(os.path.join(ROOT, "deploy", "daemonset.yaml")) as f:
    docs = {d["kind"]: d for d in yaml.safe_load_all(f)}
T.eq(sorted(docs), ["ClusterRole", "ClusterRoleBinding", "ConfigMap", "DaemonSet", "Namespace",
                    "ServiceAccount"], "manifest kinds")
spec = docs["DaemonSet"]["spec"]["template"]["spec"]
c = spec["containers"][0]
T.eq(spec.get("hostPID"), True, "hostPID")
T.eq(c["securityContext"].get("privileged"), False, "not privileged")
T.eq(c["securityContext"]["capabilities"]["drop"], ["ALL"], "drops every capability first")
T.eq(c["livenessProbe"]["httpGet"]["path"], "/healthz", "liveness probe path")
mounts = {m["name"]: m for m in c["volumeMounts"]}
T.check(all(m.get("readOnly") for n, m in mounts.items() if n not in ("tracefs", "tmp")),
        "host mounts read-only (tracefs aside)")

d = tmpdir("vigil-deploy-")
path = os.path.join(d, "vigil.yaml")
with open(path, "w") as f:
    f.write(docs["ConfigMap"]["data"]["vigil.yaml"])
drv = Driver(DRIVER, ["-n", "0", "-c", path, "-o", "stdout_output.enabled=false"])
try:
    drv.stats(60)
    T.check(True, "the ConfigMap's vigil.yaml loads")
except AssertionError as e:
    T.check(False, f"the ConfigMap's vigil.yaml loads: {e}")
drv.finish()
os.unlink(path)
os.rmdir(d)
T.done()
