#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""deploy/daemonset.yaml as shipped:

- kubectl takes it: `kubectl apply --dry-run=client` and `kubectl create
  --dry-run=client -o yaml` against a discovery server on loopback that
  knows the kinds a manifest like this may use (kubectl needs discovery to
  map apiVersion/kind to resources even for a client dry run, and has no
  cluster here). That proves every document decodes, names a kind and
  version that exist, and that kubectl's apply computes each object; it
  does not check fields (validation needs the server's OpenAPI, so it runs
  with --validate=false). The fields are checked by k8s_schema.py against
  the Kubernetes API's types (python3-kubernetes, generated from the
  OpenAPI spec): unknown fields, wrong types, missing required fields.
- the pod: hostPID, not privileged, every capability dropped first,
  liveness on /healthz, host mounts read-only (tracefs aside), no
  service-account token (vigil reads no Kubernetes API);
- the config and the team's rules are ConfigMaps mounted as directories
  (subPath mounts are never updated by the kubelet, so hot reload could not
  happen), the -c path is in the config's mount;
- every path the config names is there: rules_files in the image or in a
  mount, and container_engines' paths under host_root each in a hostPath
  mount of that same host path;
- the ConfigMap's vigil.yaml loads with the real config loader, and the
  team rules' example with `vigil validate` beside the default rules.

usage: test_deploy.py OUTPUTS_DRIVER REPO_ROOT"""
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import Checker, Driver, ensure, tmpdir  # noqa: E402

DRIVER, ROOT = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(ROOT, "deploy", "daemonset.yaml")
# where the image installs vigil's rules (the .deb's prefix, /usr)
IMAGE_PATHS = ("/usr/share/vigil/rules",)
T = Checker("test_deploy")
ensure({"/usr/lib/python3/dist-packages/yaml/__init__.py": "python3-yaml",
        "/usr/lib/python3/dist-packages/kubernetes/__init__.py": "python3-kubernetes",
        "kubectl": "kubernetes-client"})
import yaml  # noqa: E402

with open(MANIFEST) as f:
    docs = [d for d in yaml.safe_load_all(f) if d]
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
T.eq(sorted((k, n) for k in by_kind for n in by_kind[k]),
     [("ConfigMap", "vigil-config"), ("ConfigMap", "vigil-rules"), ("DaemonSet", "vigil"),
      ("Namespace", "vigil"), ("ServiceAccount", "vigil")], "manifest objects")
ds = by_kind["DaemonSet"]["vigil"]
spec = ds["spec"]["template"]["spec"]
c = spec["containers"][0]
volumes = {v["name"]: v for v in spec["volumes"]}
mounts = {m["name"]: m for m in c["volumeMounts"]}

# --- kubectl ----------------------------------------------------------------
# What discovery says for the kinds a DaemonSet manifest may use.
RESOURCES = {
    "v1": [("namespaces", "Namespace", False), ("serviceaccounts", "ServiceAccount", True),
           ("configmaps", "ConfigMap", True), ("services", "Service", True)],
    "apps/v1": [("daemonsets", "DaemonSet", True)],
    "rbac.authorization.k8s.io/v1": [("clusterroles", "ClusterRole", False),
                                     ("clusterrolebindings", "ClusterRoleBinding", False)],
}


class Discovery(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        p = self.path.split("?")[0].rstrip("/")
        groups = [gv for gv in RESOURCES if "/" in gv]
        if p == "/api":
            return self.send(200, {"kind": "APIVersions", "versions": ["v1"]})
        if p == "/apis":
            return self.send(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": gv.split("/")[0],
                 "versions": [{"groupVersion": gv, "version": gv.split("/")[1]}],
                 "preferredVersion": {"groupVersion": gv, "version": gv.split("/")[1]}}
                for gv in groups]})
        for gv, res in RESOURCES.items():
            if p == ("/api/" if gv == "v1" else "/apis/") + gv:
                return self.send(200, {"kind": "APIResourceList", "groupVersion": gv,
                                       "resources": [{"name": n, "singularName": k.lower(),
                                                      "namespaced": ns, "kind": k,
                                                      "verbs": ["create", "get", "patch"]}
                                                     for n, k, ns in res]})
        # any object: not in this "cluster" yet, so apply would create it
        return self.send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                               "reason": "NotFound", "code": 404,
                               "message": f"{p} not found"})


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Discovery)
threading.Thread(target=server.serve_forever, daemon=True).start()
work = tmpdir("vigil-deploy-")
kubeconfig = os.path.join(work, "kubeconfig")
with open(kubeconfig, "w") as f:
    f.write(f"""apiVersion: v1
kind: Config
clusters: [{{name: t, cluster: {{server: "http://127.0.0.1:{server.server_port}"}}}}]
contexts: [{{name: t, context: {{cluster: t, user: t}}}}]
users: [{{name: t, user: {{}}}}]
current-context: t
""")
kenv = dict(os.environ, KUBECONFIG=kubeconfig, HOME=work)


def kubectl(*args):
    return subprocess.run(["kubectl", *args], env=kenv, capture_output=True, text=True,
                          timeout=120)


want = sorted(f"{d['kind'].lower()}/{d['metadata']['name']}" for d in docs)
r = kubectl("apply", "--dry-run=client", "--validate=false", "-f", MANIFEST)
T.eq(r.returncode, 0, f"kubectl apply --dry-run=client exits 0 {r.stderr.strip()[-500:]}")
# "daemonset.apps/vigil created (dry run)": the resource's group goes
got = sorted(line.split()[0].split("/")[0].split(".")[0] + "/" + line.split()[0].split("/")[1]
             for line in r.stdout.splitlines() if "(dry run)" in line)
T.eq(got, want, "kubectl apply --dry-run=client: every object, created (dry run)")
r = kubectl("create", "--dry-run=client", "--validate=false", "-o", "yaml", "-f", MANIFEST)
T.eq(r.returncode, 0, f"kubectl create --dry-run=client -o yaml exits 0 {r.stderr[-500:]}")
if r.returncode == 0:
    out = [d for d in yaml.safe_load_all(r.stdout) if d]
    items = out[0].get("items", out) if len(out) == 1 and out[0].get("kind") == "List" else out
    T.eq(items, docs, "kubectl create -o yaml gives back every object as written")
server.shutdown()

r = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "k8s_schema.py"), MANIFEST],
                   capture_output=True, text=True, timeout=120)
T.check(r.returncode == 0, "every object matches the Kubernetes API's types:\n"
        + r.stdout.strip())

# --- the pod ----------------------------------------------------------------
T.eq(spec.get("hostPID"), True, "hostPID")
T.eq(c["securityContext"].get("privileged"), False, "not privileged")
T.eq(c["securityContext"]["capabilities"]["drop"], ["ALL"], "drops every capability first")
T.eq(c["livenessProbe"]["httpGet"]["path"], "/healthz", "liveness probe path")
T.check(all(m.get("readOnly") for n, m in mounts.items() if n not in ("tracefs", "tmp")),
        "host mounts read-only (tracefs aside)")
T.eq(spec.get("automountServiceAccountToken"), False, "no service-account token in the pod")
T.check("limits" in c["resources"] and "memory" in c["resources"]["limits"],
        "a memory limit")

# --- ConfigMaps as directories ----------------------------------------------
cm_mounts = {n: m for n, m in mounts.items() if "configMap" in volumes[n]}
T.eq(sorted(volumes[n]["configMap"]["name"] for n in cm_mounts), ["vigil-config", "vigil-rules"],
     "the config and the team's rules are ConfigMap volumes")
T.check(not any("subPath" in m or "subPathExpr" in m for m in cm_mounts.values()),
        "no ConfigMap is mounted with subPath (the kubelet never updates those)")
args = c.get("args", [])
cfg_path = args[args.index("-c") + 1] if "-c" in args else "/etc/vigil/vigil.yaml"
cfg_mount = next((m for n, m in cm_mounts.items()
                  if volumes[n]["configMap"]["name"] == "vigil-config"), None)
T.check(cfg_mount and cfg_path == cfg_mount["mountPath"] + "/vigil.yaml",
        f"-c {cfg_path} is vigil.yaml in the config's mount")


# --- every path the config names is mounted ---------------------------------
def merged(default, over):
    out = dict(default)
    for k, v in (over or {}).items():
        out[k] = merged(default[k], v) if isinstance(v, dict) and k in default else v
    return out


with open(os.path.join(ROOT, "config", "vigil.yaml")) as f:
    defaults = yaml.safe_load(f)
cfg = merged(defaults, yaml.safe_load(by_kind["ConfigMap"]["vigil-config"]["data"]["vigil.yaml"]))


def mount_of(path):
    """The mount holding path in the pod (longest mountPath), or None."""
    best = None
    for m in mounts.values():
        mp = m["mountPath"].rstrip("/")
        if (path == mp or path.startswith(mp + "/")) and (not best or len(mp) > len(best[0])):
            best = (mp, m)
    return best


rules_mount = next((m for n, m in cm_mounts.items()
                    if volumes[n]["configMap"]["name"] == "vigil-rules"), {})
T.check(rules_mount.get("mountPath") in cfg["rules_files"],
        f"rules_files loads the team's rules directory {rules_mount.get('mountPath')}")
T.check(cfg["rules_files"][0] in IMAGE_PATHS, "vigil's own rules load first")
for p in cfg["rules_files"]:
    T.check(p in IMAGE_PATHS or mount_of(p), f"rules_files: {p} is in the image or mounted")

ce = cfg["container_engines"]
hr = ce.get("host_root") or ""
T.check(hr != "", f"container_engines.host_root is set ({hr!r})")
for eng, keys in ce.items():
    if not isinstance(keys, dict):
        continue
    for key, host in keys.items():
        if not host:
            continue
        where = mount_of(hr + host)
        ok = where is not None and "hostPath" in volumes[where[1]["name"]]
        if ok:  # the mount's host path, plus the rest, is the host's own path
            hp = volumes[where[1]["name"]]["hostPath"]["path"].rstrip("/")
            ok = hp + (hr + host)[len(where[0]):] == host
        T.check(ok, f"container_engines.{eng}.{key}: {hr}{host} is the host's {host}")
for name in ("btf", "tracefs", "securityfs", "cgroup"):
    v = volumes.get(name, {}).get("hostPath", {}).get("path")
    T.eq(mounts.get(name, {}).get("mountPath"), v, f"{name}: the host's {v} at the same path")

# --- the config loads; the team rules' example validates ----------------------
path = os.path.join(work, "vigil.yaml")
with open(path, "w") as f:
    f.write(by_kind["ConfigMap"]["vigil-config"]["data"]["vigil.yaml"])
drv = Driver(DRIVER, ["-n", "0", "-c", path, "-o", "stdout_output.enabled=false"])
try:
    drv.stats(60)
    T.check(True, "the ConfigMap's vigil.yaml loads")
except AssertionError as e:
    T.check(False, f"the ConfigMap's vigil.yaml loads: {e}")
drv.finish()
VIGIL = os.environ.get("VIGIL_BIN")
if VIGIL:
    team = os.path.join(work, "rules.d")
    os.mkdir(team)
    for name, text in by_kind["ConfigMap"].get("vigil-rules", {}).get("data", {}).items():
        with open(os.path.join(team, name), "w") as f:
            f.write(text)
        # and its commented example, uncommented
        with open(os.path.join(team, "example-" + name), "w") as f:
            f.write("".join(line.replace("# ", "", 1) for line in text.splitlines(True)
                            if line.startswith("# ")))
    r = subprocess.run([VIGIL, "validate", "-r", os.path.join(ROOT, "rules"), "-r", team],
                       capture_output=True, text=True, timeout=120)
    T.check(r.returncode == 0 and " 0 errors" in r.stdout,
            f"the team rules and their example load beside vigil's: {r.stdout.strip()[:300]}"
            f"{r.stderr.strip()[:300]}")
shutil.rmtree(work)
T.done()
