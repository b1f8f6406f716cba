#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The k8s audit corpus: one audit.k8s.io/v1 Event per case, as the API server
writes it under Falco's recommended audit policy (../shared/anchors/
falco-plugin-rules/audit-policy.yaml), and what each case must fire among the
48 rules of Falco's k8s_audit_rules.yaml.

This file is the source of truth; it writes cases/*.json, expectations.json and
the rule -> cases table that ends README.md.
  gen_corpus.py          rewrite them
  gen_corpus.py --check  fail when they differ from what this file says

Per case: `fires` = the exact set of Falco's rules that fire on it with the
file unchanged; `quiet_for` = the rules it is the benign counterpart of;
`fires_overridden` = the exact set once overrides.yaml (the user's overrides
Falco's comments ask for: gated rules enabled, node allow-list) is loaded too.
"""
import hashlib
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
T0 = 1796623200  # 2026-12-07T06:00:00Z: every case is one second after the last

KUBECTL = "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819"
APISERVER_UA = "kube-apiserver/v1.29.2 (linux/amd64) kubernetes/4b8e819"
KCM_UA = ("kube-controller-manager/v1.29.2 (linux/amd64) kubernetes/4b8e819/"
          "system:serviceaccount:kube-system:namespace-controller")
ADMIN = {"username": "kubernetes-admin",
         "groups": ["kubeadm:cluster-admins", "system:authenticated"]}
ADMIN_REASON = ('RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole '
                '"cluster-admin" to Group "kubeadm:cluster-admins"')
ALICE = {"username": "alice", "groups": ["developers", "system:authenticated"]}
ANON = {"username": "system:anonymous", "groups": ["system:unauthenticated"]}


def sa_user(ns, name):
    uid = uuid4_of("sa:" + ns + ":" + name)
    return {"username": "system:serviceaccount:%s:%s" % (ns, name), "uid": uid,
            "groups": ["system:serviceaccounts", "system:serviceaccounts:" + ns,
                       "system:authenticated"]}


def node_user(name):
    return {"username": "system:node:" + name, "groups": ["system:nodes", "system:authenticated"]}


def uuid4_of(seed):
    """a fixed, version-4-shaped UUID per seed (the API server's are random v4)"""
    h = bytearray(hashlib.sha256(seed.encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x40
    h[8] = (h[8] & 0x3F) | 0x80
    x = h.hex()
    return "%s-%s-%s-%s-%s" % (x[:8], x[8:12], x[12:16], x[16:20], x[20:])


def stamp(sec, micros):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec)) + ".%06dZ" % micros


def policy_level(ev):
    """The level Falco's audit-policy.yaml gives this request: its rules in
    order, the first that matches wins (see the file beside the rules)."""
    ref = ev.get("objectRef")
    user = ev["user"]["username"]
    groups = ev["user"].get("groups", [])
    if ref is None:  # a non-resource URL (/healthz, /version, /api)
        path = ev["requestURI"].split("?")[0]
        if "system:authenticated" in groups and (path.startswith("/api") or path == "/version"):
            return "None"
        return "Metadata"
    group, res = ref.get("apiGroup", ""), ref["resource"]
    sub = ref.get("subresource")
    full = res + "/" + sub if sub else res
    if group == "" and full in ("pods", "deployments"):
        return "RequestResponse"
    if group == "rbac.authorization.k8s.io" and full in ("clusterroles", "clusterrolebindings"):
        return "RequestResponse"
    if group == "" and full in ("pods/log", "pods/status"):
        return "Metadata"
    if group == "" and full == "configmaps" and ref.get("name") == "controller-leader":
        return "None"
    if (user == "system:kube-proxy" and ev["verb"] == "watch" and group == ""
            and full in ("endpoints", "services")):
        return "None"
    if group == "" and full == "configmaps":
        return "Request" if ref.get("namespace") == "kube-system" else "RequestResponse"
    if group == "" and full == "secrets":
        return "Metadata"
    if group in ("", "extensions"):
        return "Request"
    return "Metadata"


def uri_of(ref, verb, query):
    group, ver = ref.get("apiGroup", ""), ref.get("apiVersion", "v1")
    path = "/api/" + ver if group == "" else "/apis/%s/%s" % (group, ver)
    if ref.get("namespace"):
        path += "/namespaces/" + ref["namespace"]
    if ref["resource"] != "namespaces" or verb != "create":
        path += "/" + ref["resource"]
    else:
        path += "/namespaces"
    if verb not in ("create", "list") or ref.get("subresource"):
        path += "/" + ref["name"]
    if ref.get("subresource"):
        path += "/" + ref["subresource"]
    return path + ("?" + query if query else "")


def failure(code, reason, name, resource, group, message):
    details = {"name": name, "kind": resource} if name else {"kind": resource}
    if group:
        details["group"] = group
    return {"metadata": {}, "status": "Failure", "message": message, "reason": reason,
            "details": details, "code": code}


def forbidden(user, verb, resource, group, name, ns):
    """RBAC's refusal; a create names no object (its body is never read)"""
    scope = 'in the namespace "%s"' % ns if ns else "at the cluster scope"
    res = resource + ("." + group if group else "")
    name = None if verb == "create" else name
    what = '%s "%s"' % (res, name) if name else res
    msg = '%s is forbidden: User "%s" cannot %s resource "%s" in API group "%s" %s' % (
        what, user["username"], verb, resource, group, scope)
    return failure(403, "Forbidden", name, resource, group, msg)


def not_found(resource, group, name):
    res = resource + ("." + group if group else "")
    return failure(404, "NotFound", name, resource, group, '%s "%s" not found' % (res, name))


def conflict(resource, group, name):
    res = resource + ("." + group if group else "")
    return failure(409, "AlreadyExists", name, resource, group,
                   '%s "%s" already exists' % (res, name))


SEQ = [0]


def event(name, verb, ref, user=ADMIN, status=None, req=None, resp=None, stage="ResponseComplete",
          query=None, uri=None, reason=ADMIN_REASON, ua=KUBECTL, ips=("172.18.0.1",),
          level=None, annotations=None):
    """One audit Event; requestObject/responseObject only where the level keeps them."""
    SEQ[0] += 1
    sec = T0 + SEQ[0]
    if status is None:
        status = {"metadata": {}, "code": 201 if verb == "create" else 200}
    if query is None and not ua.startswith("kubectl/"):
        query = ""  # the query strings below are kubectl's
    if query is None:
        query = {"create": "fieldManager=kubectl-create&fieldValidation=Strict",
                 "update": "fieldManager=kubectl-edit&fieldValidation=Strict",
                 "patch": "fieldManager=kubectl-patch"}.get(verb, "")
    ev = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
          "auditID": uuid4_of(name), "stage": stage,
          "requestURI": uri or uri_of(ref, verb, query), "verb": verb, "user": user,
          "sourceIPs": list(ips), "userAgent": ua}
    if ref is not None:
        ev["objectRef"] = {k: v for k, v in ref.items() if v not in (None, "")}
    ev["responseStatus"] = status
    if status["code"] == 403:
        # refused by authorization, before the handler decodes the body: the
        # Event has no requestObject, and a create's objectRef no name
        req = None
        if verb == "create":
            ev["objectRef"].pop("name", None)
    ev["level"] = level or policy_level(ev)
    if ev["level"] in ("Request", "RequestResponse") and req is not None:
        ev["requestObject"] = req
    if ev["level"] == "RequestResponse" and resp is not None:
        ev["responseObject"] = resp
    ev["requestReceivedTimestamp"] = stamp(sec, 104233)
    ev["stageTimestamp"] = stamp(sec, 131877 if stage == "ResponseComplete" else 112002)
    ann = {"authorization.k8s.io/decision": "allow" if status["code"] != 403 else "forbid",
           "authorization.k8s.io/reason": reason if status["code"] != 403 else ""}
    ann.update(annotations or {})
    ev["annotations"] = ann
    return ev


def ref(resource, name, ns=None, group="", version="v1", sub=None):
    return {"resource": resource, "namespace": ns, "name": name, "apiGroup": group,
            "apiVersion": version, "subresource": sub}


# ---- objects, as kubectl sends them and the API server returns them ----------

def meta_out(name, ns, kind_seed, extra=None):
    m = {"name": name, "uid": uuid4_of("uid:" + kind_seed + name), "resourceVersion": str(
        41000 + SEQ[0] * 7), "creationTimestamp": stamp(T0 + SEQ[0] + 1, 0)[:19] + "Z"}
    if ns:
        m["namespace"] = ns
    m.update(extra or {})
    return m


def container(name, image, privileged=None, mounts=None):
    c = {"name": name, "image": image, "resources": {}, "terminationMessagePath":
         "/dev/termination-log", "terminationMessagePolicy": "File",
         "imagePullPolicy": "IfNotPresent"}
    if privileged is not None:
        c["securityContext"] = {"privileged": privileged}
    if mounts:
        c["volumeMounts"] = mounts
    return c


def pod_obj(name, ns, containers, init=None, volumes=None, out=False, **spec):
    s = {"containers": containers, "restartPolicy": "Always", "dnsPolicy": "ClusterFirst"}
    if init:
        s["initContainers"] = init
    if volumes:
        s["volumes"] = volumes
    s.update(spec)
    p = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": name, "namespace": ns,
         "labels": {"run": name}}, "spec": s, "status": {}}
    if out:
        p["metadata"] = meta_out(name, ns, "pod", {"labels": {"run": name}})
        s = dict(s, serviceAccountName="default", serviceAccount="default",
                 terminationGracePeriodSeconds=30, schedulerName="default-scheduler",
                 enableServiceLinks=True, preemptionPolicy="PreemptLowerPriority",
                 priority=0)
        p["spec"] = s
        p["status"] = {"phase": "Pending", "qosClass": "BestEffort"}
    return p


PSA = {"pod-security.kubernetes.io/enforce-policy": "privileged:latest"}


def pod_create(case, name, ns, containers, user=ADMIN, **kw):
    r = ref("pods", name, ns)
    return event(case, "create", r, user=user, req=pod_obj(name, ns, containers, **kw),
                 resp=pod_obj(name, ns, containers, out=True, **kw), annotations=PSA)


def subresource(case, verb, pod, ns, sub, stage, query, code, user=ADMIN):
    r = ref("pods", pod, ns, sub=sub)
    return event(case, verb, r, user=user, stage=stage, query=query,
                 status={"metadata": {}, "code": code})


def simple_obj(kind, api, name, ns=None, out=False, **body):
    o = {"kind": kind, "apiVersion": api,
         "metadata": meta_out(name, ns, kind) if out else dict({"name": name},
                                                               **({"namespace": ns} if ns else {}))}
    o.update(body)
    return o


def create(case, resource, kind, name, ns=None, group="", version="v1", user=ADMIN, status=None,
           client=None, **body):
    """client: event()'s ua/ips for a request not made with kubectl"""
    api = version if not group else group + "/" + version
    r = ref(resource, name, ns, group, version)
    resp = simple_obj(kind, api, name, ns, out=True, **body) if status is None else dict(
        {"kind": "Status", "apiVersion": "v1"}, **status)
    return event(case, "create", r, user=user, status=status,
                 req=simple_obj(kind, api, name, ns, **body), resp=resp, **(client or {}))


def delete(case, resource, name, ns=None, group="", version="v1", user=ADMIN, status=None,
           client=None):
    r = ref(resource, name, ns, group, version)
    opts = {"kind": "DeleteOptions", "apiVersion": group + "/" + version if group else version,
            "propagationPolicy": "Background"}
    resp = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
            "details": {"name": name, "kind": resource, "uid": uuid4_of("uid:" + name)}}
    return event(case, "delete", r, user=user, status=status, req=opts,
                 resp=resp if status is None else None, **(client or {}))


def rules_obj(*rules):
    return [{"apiGroups": [g], "resources": list(rs), "verbs": list(vs)} for g, rs, vs in rules]


def binding(case, resource, name, role, subjects, ns=None, user=ADMIN, status=None):
    kind = "ClusterRoleBinding" if resource == "clusterrolebindings" else "RoleBinding"
    return create(case, resource, kind, name, ns, "rbac.authorization.k8s.io", user=user,
                  status=status, roleRef={"apiGroup": "rbac.authorization.k8s.io",
                                          "kind": "ClusterRole", "name": role},
                  subjects=subjects)


def role(case, resource, name, rules, ns=None, user=ADMIN, status=None):
    kind = "ClusterRole" if resource == "clusterroles" else "Role"
    return create(case, resource, kind, name, ns, "rbac.authorization.k8s.io", user=user,
                  status=status, rules=rules)


def configmap(case, verb, name, ns, data, user=ADMIN, status=None):
    body = {"data": data}
    if verb == "create":
        return create(case, "configmaps", "ConfigMap", name, ns, user=user, status=status,
                      **body)
    r = ref("configmaps", name, ns)
    obj = simple_obj("ConfigMap", "v1", name, ns, out=True, **body)
    return event(case, verb, r, user=user, status=status, req=obj, resp=obj)


def service(case, name, ns, typ, status=None, ports=None):
    ports = ports or [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}]
    spec = {"type": typ, "selector": {"app": name}, "ports": ports}
    return create(case, "services", "Service", name, ns, status=status, spec=spec)


def ingress(case, name, ns, tls, level=None):
    spec = {"ingressClassName": "nginx", "rules": [{"host": name + ".example.com", "http": {
        "paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {
            "name": name, "port": {"number": 80}}}}]}}]}
    if tls:
        spec["tls"] = [{"hosts": [name + ".example.com"], "secretName": name + "-tls"}]
    api = "networking.k8s.io/v1"
    r = ref("ingresses", name, ns, "networking.k8s.io", "v1")
    return event(case, "create", r, req=simple_obj("Ingress", api, name, ns, spec=spec),
                 level=level)


def node(case, name, user, status=None):
    labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
              "kubernetes.io/arch": "amd64"}
    obj = {"kind": "Node", "apiVersion": "v1", "metadata": {"name": name, "labels": labels},
           "spec": {"podCIDR": "10.244.2.0/24"}, "status": {"daemonEndpoints": {
               "kubeletEndpoint": {"Port": 10250}}}}
    r = ref("nodes", name)
    return event(case, "create", r, user=user, status=status, req=obj,
                 ua="kubelet/v1.29.2 (linux/amd64) kubernetes/4b8e819", reason="",
                 ips=("172.18.0.5",))


# ---- the cases: (name, event, fires, quiet_for) -------------------------------
# Rule names as Falco's file spells them.
PRIV = "Create Privileged Pod"
MOUNT = "Create Sensitive Mount Pod"
HOSTNET = "Create HostNetwork Pod"
HOSTPID = "Create HostPid Pod"
HOSTIPC = "Create HostIPC Pod"
KUBENS_POD = "Pod Created in Kube Namespace"
EXEC = "Attach/Exec Pod"
PF = "port-forward"
EPH = "EphemeralContainers Created"
CM_CRED = "Create/Modify Configmap With Private Credentials"
NODEPORT = "Create NodePort Service"
ANON_RULE = "Anonymous Request Allowed"
USER_RULE = "Disallowed K8s User"
NS_BAD = "Create Disallowed Namespace"
SA_KUBE = "Service Account Created in Kube Namespace"
SYS_CR = "System ClusterRole Modified/Deleted"
CADMIN = "Attach to cluster-admin Role"
WILD = "ClusterRole With Wildcard Created"
WRITE = "ClusterRole With Write Privileges Created"
PEXEC = "ClusterRole With Pod Exec Created"
INGRESS = "Ingress Object without TLS Certificate Created"
SECRET_GET = "K8s Secret Get Successfully"
SECRET_GET_FAIL = "K8s Secret Get Unsuccessfully Tried"
# disabled or gated in Falco's file: fire only with overrides.yaml
DIS_POD = "Create Disallowed Pod"
ALL = "All K8s Audit Events"
FULL_ADMIN = "Full K8s Administrative Access"
NODE_OK = "Untrusted Node Successfully Joined the Cluster"
NODE_FAIL = "Untrusted Node Unsuccessfully Tried to Join the Cluster"
GATED = (DIS_POD, ALL, FULL_ADMIN, NODE_OK, NODE_FAIL)


def K(what, verb):  # the activity rules: "K8s Deployment Created" ...
    return "K8s %s %s" % (what, {"create": "Created", "delete": "Deleted"}[verb])


NGINX = "nginx:1.25.3"
SOCK = [{"name": "docker-sock", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}}]
SOCK_MNT = [{"name": "docker-sock", "mountPath": "/var/run/docker.sock"}]
LOGS = [{"name": "varlog", "hostPath": {"path": "/var/log", "type": "Directory"}}]
LOGS_MNT = [{"name": "varlog", "mountPath": "/var/log", "readOnly": True}]
POD_SA = sa_user("default", "default")
# a pod's projected (bound) token: the API server adds the pod and node it is bound to
POD_SA["extra"] = {
    "authentication.kubernetes.io/node-name": ["kind-worker"],
    "authentication.kubernetes.io/node-uid": [uuid4_of("node:kind-worker")],
    "authentication.kubernetes.io/pod-name": ["web-7d4b9c8f6d-x2k9q"],
    "authentication.kubernetes.io/pod-uid": [uuid4_of("pod:web-7d4b9c8f6d-x2k9q")]}
NSCTL = sa_user("kube-system", "namespace-controller")
RO_RULES = rules_obj(("", ["pods", "services"], ["get", "list", "watch"]))
CRB_SUBJ = [{"kind": "ServiceAccount", "name": "default", "namespace": "default"}]
RB_SUBJ = [{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "alice"}]
EXEC_Q = "command=sh&container={c}&stdin=true&stdout=true&tty=true"


def build():
    c = []

    def add(name, ev, fires=(), quiet_for=(), note=None):
        c.append({"name": name, "event": ev, "fires": sorted(fires),
                  "quiet_for": sorted(quiet_for), "note": note})

    # pods: privileged, sensitive hostPath, host namespaces, kube namespaces
    add("pod-privileged", pod_create("pod-privileged", "debug-root", "default", [
        container("shell", "busybox:1.36", privileged=True)]), [PRIV])
    add("pod-privileged-init", pod_create("pod-privileged-init", "sysctl-tuner", "default", [
        container("app", NGINX)], init=[container("sysctl", "busybox:1.36", privileged=True)]),
        [PRIV])
    add("pod-privileged-sidecar", pod_create("pod-privileged-sidecar", "web-debug", "default", [
        container("web", NGINX), container("debug", "busybox:1.36", privileged=True)]), [PRIV],
        note="only the second container is privileged: intersects takes any value")
    add("pod-unprivileged", pod_create("pod-unprivileged", "web", "default", [
        container("web", NGINX, privileged=False)]), [],
        [PRIV, MOUNT, HOSTNET, HOSTPID, HOSTIPC, DIS_POD])
    add("pod-privileged-falco", pod_create("pod-privileged-falco", "falco-x7k2p", "falco", [
        container("falco", "docker.io/falcosecurity/falco:0.39.2", privileged=True)]), [],
        [PRIV], "privileged, but an image of k8s_audit_privileged_images")
    add("pod-hostpath-docker-sock", pod_create("pod-hostpath-docker-sock", "builder",
        "default", [container("docker", "docker:25.0-cli", mounts=SOCK_MNT)], volumes=SOCK),
        [MOUNT])
    add("pod-hostpath-varlog", pod_create("pod-hostpath-varlog", "log-shipper", "default", [
        container("fluent-bit", "fluent/fluent-bit:2.2.2", mounts=LOGS_MNT)], volumes=LOGS),
        [], [MOUNT], "hostPath /var/log: not a sensitive directory")
    add("pod-hostnetwork", pod_create("pod-hostnetwork", "netshoot", "default", [
        container("netshoot", "nicolaka/netshoot:v0.12")], hostNetwork=True), [HOSTNET])
    add("pod-hostnetwork-false", pod_create("pod-hostnetwork-false", "netshoot2", "default", [
        container("netshoot", "nicolaka/netshoot:v0.12")], hostNetwork=False, hostPID=False,
        hostIPC=False), [], [HOSTNET, HOSTPID, HOSTIPC], "hostNetwork/hostPID/hostIPC: false")
    add("pod-hostpid", pod_create("pod-hostpid", "nsenter", "default", [
        container("nsenter", "alpine:3.19")], hostPID=True), [HOSTPID])
    add("pod-hostipc", pod_create("pod-hostipc", "shm-reader", "default", [
        container("reader", "alpine:3.19")], hostIPC=True), [HOSTIPC])
    add("pod-kube-system", pod_create("pod-kube-system", "kube-helper", "kube-system", [
        container("helper", "docker.io/library/alpine:3.19")]), [KUBENS_POD])
    add("pod-kube-system-allowed", pod_create("pod-kube-system-allowed",
        "kube-apiserver-kind-control-plane", "kube-system", [
            container("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.29.2")]), [],
        [KUBENS_POD], "an image of allowed_kube_namespace_image_list")
    add("pod-kube-system-digest", pod_create("pod-kube-system-digest", "kube-apiserver-pinned",
        "kube-system", [container("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.29.2@"
                                  "sha256:" + hashlib.sha256(b"kube-apiserver").hexdigest())]),
        [], [KUBENS_POD], "an allowed image pinned by tag and digest: the repository is cut")
    add("pod-kube-system-sidecar", pod_create("pod-kube-system-sidecar", "kube-apiserver-dbg",
        "kube-system", [container("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.29.2"),
                        container("shell", "busybox:1.36")]), [KUBENS_POD],
        note="one allowed image, one not: in on a list field holds only when all are in")

    # exec / attach / port-forward / debug: long-running, ResponseStarted then ResponseComplete
    add("exec-started", subresource("exec-started", "create", "web", "default", "exec",
        "ResponseStarted", EXEC_Q.format(c="web"), 101), [EXEC], [ALL],
        "ResponseStarted: kevt (and so every rule but two) wants ResponseComplete")
    add("attach-started", subresource("attach-started", "create", "web", "default", "attach",
        "ResponseStarted", "container=web&stdin=true&stdout=true&tty=true", 101), [EXEC])
    add("exec-complete", subresource("exec-complete", "create", "web", "default", "exec",
        "ResponseComplete", EXEC_Q.format(c="web"), 101), [], [EXEC],
        "the same exec's ResponseComplete: the rule wants ResponseStarted")
    add("log-follow-started", subresource("log-follow-started", "get", "web", "default", "log",
        "ResponseStarted", "container=web&follow=true", 200), [], [EXEC])
    add("portforward-started", subresource("portforward-started", "create", "web", "default",
        "portforward", "ResponseStarted", "", 101), [PF])
    add("portforward-complete", subresource("portforward-complete", "create", "web", "default",
        "portforward", "ResponseComplete", "", 101), [PF],
        note="port-forward has no stage condition: it fires on both stages")
    add("proxy-get", subresource("proxy-get", "get", "web:8080", "default", "proxy",
        "ResponseComplete", "", 200), [], [PF])
    eph = subresource("ephemeral-debug", "patch", "web", "default", "ephemeralcontainers",
                      "ResponseComplete", "", 200)
    eph["requestURI"] = "/api/v1/namespaces/default/pods/web/ephemeralcontainers"
    eph["requestObject"] = {"spec": {"ephemeralContainers": [{"name": "debugger-7xqvz",
        "image": "busybox:1.36", "stdin": True, "tty": True, "targetContainerName": "web",
        "resources": {}, "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}]}}
    add("ephemeral-debug", eph, [EPH])
    st = subresource("pod-status-update", "patch", "web", "default", "status",
                     "ResponseComplete", "", 200, user=node_user("kind-worker"))
    st["userAgent"] = "kubelet/v1.29.2 (linux/amd64) kubernetes/4b8e819"
    st["annotations"]["authorization.k8s.io/reason"] = ""
    add("pod-status-update", st, [], [EPH], "a kubelet's patch of pods/status")

    # configmaps: RequestResponse outside kube-system, Request inside
    add("configmap-password", configmap("configmap-password", "create", "db-config", "default",
        {"db.properties": "url=jdbc:postgresql://db:5432/app\nuser=app\npassword=hunter2\n"}),
        [CM_CRED, K("ConfigMap", "create")])
    add("configmap-aws-update", configmap("configmap-aws-update", "update", "backup-env",
        "kube-system", {"AWS_REGION": "eu-west-1",
                        "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE"}), [CM_CRED])
    add("configmap-benign", configmap("configmap-benign", "create", "app-config", "default",
        {"log_level": "info", "feature.flags": "search,export"}), [K("ConfigMap", "create")],
        [CM_CRED])
    add("configmap-get-password", event("configmap-get-password", "get",
        ref("configmaps", "db-config", "default"), resp=simple_obj("ConfigMap", "v1",
        "db-config", "default", out=True, data={"db.properties": "password=hunter2"})), [],
        [CM_CRED], "a get: the credentials are in the response, not a request")
    add("configmap-create-conflict", configmap("configmap-create-conflict", "create",
        "app-config", "default", {"log_level": "debug"},
        status=conflict("configmaps", "", "app-config")), [], [K("ConfigMap", "create")])
    add("configmap-delete", delete("configmap-delete", "configmaps", "app-config", "default"),
        [K("ConfigMap", "delete")])
    add("configmap-delete-notfound", delete("configmap-delete-notfound", "configmaps",
        "nosuch-config", "default", status=not_found("configmaps", "", "nosuch-config")), [],
        [K("ConfigMap", "delete")])

    # secrets: Metadata level (never their data)
    def secret(case, verb, name, ns, user=ADMIN, status=None, **client):
        return event(case, verb, ref("secrets", name, ns), user=user, status=status, **client)
    add("secret-create", secret("secret-create", "create", "db-password", "default"),
        [K("Secret", "create")])
    add("secret-create-kube-system", secret("secret-create-kube-system", "create",
        "bootstrap-token-abcdef", "kube-system"), [], [K("Secret", "create")])
    add("secret-create-by-sa", secret("secret-create-by-sa", "create", "web-tls", "default",
        user=sa_user("cert-manager", "cert-manager"), ips=("10.244.1.17",),
        ua="cert-manager-controller/v1.14.4 (linux/amd64) cert-manager/f8d5a3a"), [],
        [K("Secret", "create"), K("Secret", "delete")], "a system user (a service account)")
    add("secret-delete", secret("secret-delete", "delete", "db-password", "default"),
        [K("Secret", "delete")])
    add("secret-delete-kube-system", secret("secret-delete-kube-system", "delete",
        "bootstrap-token-abcdef", "kube-system"), [], [K("Secret", "delete")])
    add("secret-get", secret("secret-get", "get", "db-password", "default"), [SECRET_GET],
        [SECRET_GET_FAIL])
    add("secret-get-forbidden", secret("secret-get-forbidden", "get", "db-password", "default",
        user=POD_SA, status=forbidden(POD_SA, "get", "secrets", "", "db-password", "default")),
        [SECRET_GET_FAIL], [SECRET_GET])
    add("secret-list", event("secret-list", "list", ref("secrets", None, "default")), [],
        [SECRET_GET, SECRET_GET_FAIL], "a list, not a get")

    # RBAC: bindings, roles, cluster roles
    rbac = "rbac.authorization.k8s.io"
    add("crb-cluster-admin", binding("crb-cluster-admin", "clusterrolebindings", "default-admin",
        "cluster-admin", CRB_SUBJ), [CADMIN, K("ClusterRoleBinding", "create")])
    add("crb-view", binding("crb-view", "clusterrolebindings", "default-view", "view",
        CRB_SUBJ), [K("ClusterRoleBinding", "create")], [CADMIN])
    add("crb-cluster-admin-forbidden", binding("crb-cluster-admin-forbidden",
        "clusterrolebindings", "escalate", "cluster-admin", CRB_SUBJ, user=POD_SA,
        status=forbidden(POD_SA, "create", "clusterrolebindings", rbac, "escalate", None)),
        [], [CADMIN, K("ClusterRoleBinding", "create")],
        "refused by RBAC: the Event has no body, so the rule cannot see the role")
    add("crb-cluster-admin-conflict", binding("crb-cluster-admin-conflict",
        "clusterrolebindings", "default-admin", "cluster-admin", CRB_SUBJ,
        status=conflict("clusterrolebindings", rbac, "default-admin")), [CADMIN],
        [K("ClusterRoleBinding", "create")],
        "it already exists, and the cluster-admin rule fires all the same (no response "
        "condition)")
    add("crb-delete", delete("crb-delete", "clusterrolebindings", "default-view", None, rbac),
        [K("ClusterRoleBinding", "delete")])
    add("crb-delete-notfound", delete("crb-delete-notfound", "clusterrolebindings", "nosuch",
        None, rbac, status=not_found("clusterrolebindings", rbac, "nosuch")), [],
        [K("ClusterRoleBinding", "delete")])
    add("rb-create", binding("rb-create", "rolebindings", "alice-edit", "edit", RB_SUBJ,
        "default"), [K("RoleBinding", "create")])
    add("rb-create-conflict", binding("rb-create-conflict", "rolebindings", "alice-edit", "edit",
        RB_SUBJ, "default", status=conflict("rolebindings", rbac, "alice-edit")), [],
        [K("RoleBinding", "create")])
    add("rb-delete", delete("rb-delete", "rolebindings", "alice-edit", "default", rbac),
        [K("RoleBinding", "delete")])
    add("rb-delete-notfound", delete("rb-delete-notfound", "rolebindings", "nosuch", "default",
        rbac, status=not_found("rolebindings", rbac, "nosuch")), [], [K("RoleBinding", "delete")])
    add("cr-wildcard", role("cr-wildcard", "clusterroles", "god-mode",
        rules_obj(("*", ["*"], ["*"]))), [WILD, K("ClusterRole", "create")])
    add("cr-readonly", role("cr-readonly", "clusterroles", "pod-reader", RO_RULES),
        [K("ClusterRole", "create")], [WILD, WRITE, PEXEC])
    add("cr-write", role("cr-write", "clusterroles", "deployer", rules_obj(
        ("apps", ["deployments"], ["get", "list", "create", "update", "patch", "delete"]))),
        [WRITE, K("ClusterRole", "create")])
    add("cr-pod-exec", role("cr-pod-exec", "clusterroles", "pod-shell", rules_obj(
        ("", ["pods"], ["get", "list"]), ("", ["pods/exec"], ["create"]))),
        [PEXEC, WRITE, K("ClusterRole", "create")])
    add("cr-pod-log", role("cr-pod-log", "clusterroles", "log-reader", rules_obj(
        ("", ["pods", "pods/log"], ["get", "list"]))), [K("ClusterRole", "create")], [PEXEC])
    add("cr-create-conflict", role("cr-create-conflict", "clusterroles", "pod-reader", RO_RULES,
        status=conflict("clusterroles", rbac, "pod-reader")), [], [K("ClusterRole", "create")])
    add("cr-delete", delete("cr-delete", "clusterroles", "pod-reader", None, rbac),
        [K("ClusterRole", "delete")])
    add("cr-delete-forbidden", delete("cr-delete-forbidden", "clusterroles", "pod-reader", None,
        rbac, user=ALICE, status=forbidden(ALICE, "delete", "clusterroles", rbac, "pod-reader",
                                           None)), [USER_RULE], [K("ClusterRole", "delete")])
    sysp = {"rules": rules_obj(("", ["nodes", "pods", "secrets"], ["*"]))}
    add("cr-system-patch", event("cr-system-patch", "patch", ref("clusterroles", "system:node",
        None, rbac), req=sysp, resp=simple_obj("ClusterRole", rbac + "/v1", "system:node",
        out=True, **sysp)), [SYS_CR])
    add("cr-system-coredns-patch", event("cr-system-coredns-patch", "patch", ref(
        "clusterroles", "system:coredns", None, rbac), req=sysp, resp=simple_obj(
        "ClusterRole", rbac + "/v1", "system:coredns", out=True, **sysp)), [], [SYS_CR],
        "system:coredns is excluded by name")
    add("cr-system-delete", delete("cr-system-delete", "clusterroles", "system:aggregate-to-edit",
        None, rbac), [SYS_CR, K("ClusterRole", "delete")])
    add("role-create", role("role-create", "roles", "pod-admin", rules_obj(("*", ["*"], ["*"])),
        "default"), [K("Role", "create")], [WILD],
        "Falco's audit policy logs roles at Metadata: the wildcard rules are not visible")
    add("role-create-forbidden", role("role-create-forbidden", "roles", "pod-admin", [],
        "default", user=POD_SA, status=forbidden(POD_SA, "create", "roles", rbac, "pod-admin",
                                                 "default")), [], [K("Role", "create")])
    add("role-delete", delete("role-delete", "roles", "pod-admin", "default", rbac),
        [K("Role", "delete")])
    add("role-delete-notfound", delete("role-delete-notfound", "roles", "nosuch", "default",
        rbac, status=not_found("roles", rbac, "nosuch")), [], [K("Role", "delete")])

    # service accounts (Request level)
    add("sa-create-kube-system", create("sa-create-kube-system", "serviceaccounts",
        "ServiceAccount", "backdoor", "kube-system"),
        [SA_KUBE, K("Serviceaccount", "create")])
    add("sa-create-kube-system-coredns", create("sa-create-kube-system-coredns",
        "serviceaccounts", "ServiceAccount", "coredns", "kube-system"),
        [K("Serviceaccount", "create")], [SA_KUBE], "coredns is in known_sa_list")
    add("sa-create-conflict", create("sa-create-conflict", "serviceaccounts", "ServiceAccount",
        "builder", "default", status=conflict("serviceaccounts", "", "builder")), [],
        [K("Serviceaccount", "create")])
    add("sa-delete", delete("sa-delete", "serviceaccounts", "builder", "default"),
        [K("Serviceaccount", "delete")])
    add("sa-delete-notfound", delete("sa-delete-notfound", "serviceaccounts", "nosuch",
        "default", status=not_found("serviceaccounts", "", "nosuch")), [],
        [K("Serviceaccount", "delete")])

    # services
    add("svc-nodeport", service("svc-nodeport", "web-np", "default", "NodePort", ports=[
        {"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080, "nodePort": 30080}]),
        [NODEPORT, K("Service", "create")])
    add("svc-clusterip", service("svc-clusterip", "web", "default", "ClusterIP"),
        [K("Service", "create")], [NODEPORT])
    add("svc-create-conflict", service("svc-create-conflict", "web", "default", "ClusterIP",
        status=conflict("services", "", "web")), [], [K("Service", "create")])
    add("svc-delete", delete("svc-delete", "services", "web", "default"), [K("Service", "delete")])
    add("svc-delete-notfound", delete("svc-delete-notfound", "services", "nosuch", "default",
        status=not_found("services", "", "nosuch")), [], [K("Service", "delete")])

    # deployments (apps: Metadata under Falco's policy)
    dspec = {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}}
    add("deploy-create", create("deploy-create", "deployments", "Deployment", "web", "default",
        "apps", spec=dspec), [K("Deployment", "create")])
    add("deploy-create-conflict", create("deploy-create-conflict", "deployments", "Deployment",
        "web", "default", "apps", status=conflict("deployments", "apps", "web"), spec=dspec),
        [], [K("Deployment", "create")])
    add("deploy-delete", delete("deploy-delete", "deployments", "web", "default", "apps"),
        [K("Deployment", "delete")])
    add("deploy-delete-notfound", delete("deploy-delete-notfound", "deployments", "nosuch",
        "default", "apps", status=not_found("deployments", "apps", "nosuch")), [],
        [K("Deployment", "delete")])

    # namespaces (Request level)
    add("ns-create", create("ns-create", "namespaces", "Namespace", "crypto-miner"),
        [NS_BAD, K("Namespace", "create")])
    apisrv = {"username": "system:apiserver", "uid": uuid4_of("apiserver"),
              "groups": ["system:masters"]}
    add("ns-create-kube-public", create("ns-create-kube-public", "namespaces", "Namespace",
        "kube-public", user=apisrv, client={"ips": ("::1",), "ua": APISERVER_UA}),
        [K("Namespace", "create")], [NS_BAD],
        "the API server creating kube-public at bootstrap")
    add("ns-create-conflict", create("ns-create-conflict", "namespaces", "Namespace", "staging",
        status=conflict("namespaces", "", "staging")), [NS_BAD], [K("Namespace", "create")],
        "refused, and Create Disallowed Namespace fires all the same")
    add("ns-delete", delete("ns-delete", "namespaces", "staging"), [K("Namespace", "delete")])
    add("ns-delete-by-controller", delete("ns-delete-by-controller", "namespaces", "staging",
        user=NSCTL, client={"ips": ("172.18.0.3",), "ua": KCM_UA}), [],
        [K("Namespace", "delete")], "a system user")

    # users: not allowed, anonymous
    plist = {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "41873"},
             "items": []}
    add("alice-list-pods", event("alice-list-pods", "list", ref("pods", None, "default"),
        user=ALICE, resp=plist, reason='RBAC: allowed by RoleBinding "alice-edit/default" of '
        'ClusterRole "edit" to User "alice"'), [USER_RULE], [FULL_ADMIN])
    add("admin-list-pods", event("admin-list-pods", "list", ref("pods", None, "default"),
        resp=plist), [], [USER_RULE])
    imp = event("impersonated-list-pods", "list", ref("pods", None, "default"), resp=plist,
                ua="kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819")
    imp["impersonatedUser"] = {"username": "alice", "groups": ["developers",
                                                                "system:authenticated"]}
    imp = {k: imp[k] for k in list(imp)[:8] + ["impersonatedUser"] + list(imp)[8:-1]}
    add("impersonated-list-pods", imp, [], [USER_RULE],
        "kubectl --as=alice by the admin: ka.user.name is the admin, alice is ka.impuser.name")
    anon_reason = ('RBAC: allowed by ClusterRoleBinding "anonymous-view" of ClusterRole "view" '
                   'to User "system:anonymous"')
    add("anonymous-list-pods", event("anonymous-list-pods", "list", ref("pods", None, "default"),
        user=ANON, resp=plist, reason=anon_reason, ua="curl/8.5.0", ips=("203.0.113.7",)),
        [ANON_RULE])
    add("anonymous-healthz", event("anonymous-healthz", "get", None, user=ANON,
        uri="/healthz", ua="kube-probe/1.29", ips=("172.18.0.2",),
        reason='RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole '
        '"system:public-info-viewer" to Group "system:unauthenticated"'), [], [ANON_RULE])
    add("anonymous-forbidden", event("anonymous-forbidden", "list", ref("secrets", None,
        "kube-system"), user=ANON, ua="curl/8.5.0", ips=("203.0.113.7",), status=failure(
        403, "Forbidden", "", "secrets", "", 'secrets is forbidden: User "system:anonymous" '
        'cannot list resource "secrets" in API group "" in the namespace "kube-system"')),
        [], [ANON_RULE], "refused")

    # ingress: networking.k8s.io is Metadata under Falco's policy (no body: never TLS)
    add("ingress-metadata", ingress("ingress-metadata", "shop", "default", True), [INGRESS],
        note="Falco's policy logs it at Metadata: no spec, so the rule fires even with TLS")
    add("ingress-notls", ingress("ingress-notls", "shop", "default", False, level="Request"),
        [INGRESS], note="policy extended: networking.k8s.io at Request")
    add("ingress-tls", ingress("ingress-tls", "shop", "default", True, level="Request"), [],
        [INGRESS], "policy extended: networking.k8s.io at Request")

    # nodes: the node rules are disabled (allow_all_k8s_nodes); overrides.yaml enables them
    add("node-join-rogue", node("node-join-rogue", "rogue-node", node_user("rogue-node")))
    add("node-join-allowed", node("node-join-allowed", "kind-worker2", node_user("kind-worker2")),
        [], [NODE_OK, NODE_FAIL], "in allowed_k8s_nodes (overrides.yaml)")
    boot = {"username": "system:bootstrap:abcdef", "groups": [
        "system:bootstrappers", "system:bootstrappers:kubeadm:default-node-token",
        "system:authenticated"]}
    add("node-join-forbidden", node("node-join-forbidden", "rogue-node", boot,
        status=forbidden(boot, "create", "nodes", "", "rogue-node", None)))
    return c


# ---- what overrides.yaml changes ---------------------------------------------
OVERRIDE_IMAGES = {"nginx", "docker.io/library/nginx", "registry.k8s.io/kube-apiserver"}
FULL_ADMIN_USERS = {"admin", "kubernetes-admin", "kubernetes-admin@kubernetes",
                    "kubernetes-admin@cluster.local", "minikube-user"}


def repository(image):
    """as Falco's k8saudit plugin: cut at the first ':', then at '@' (so a
    registry with a port, host:5000/app, is "host")"""
    return image.split(":")[0].split("@")[0]


def overridden(case):
    """The gated rules once overrides.yaml holds; each line is that file's override."""
    ev = case["event"]
    fires = set(case["fires"])
    done = ev["stage"] == "ResponseComplete"
    ok = str(ev["responseStatus"]["code"]).startswith("2")
    ref_ = ev.get("objectRef") or {}
    res, sub = ref_.get("resource"), ref_.get("subresource")
    if done:
        fires.add(ALL)  # consider_all_events: always true
        if ev["user"]["username"] in FULL_ADMIN_USERS:
            fires.add(FULL_ADMIN)  # allowed_full_admin_users: never true
    if done and res == "pods" and not sub and ev["verb"] == "create":
        images = [c["image"] for c in ev["requestObject"]["spec"]["containers"]]
        if not all(repository(i) in OVERRIDE_IMAGES for i in images):
            fires.add(DIS_POD)  # allowed_k8s_containers: the images listed
    if done and res == "nodes" and ev["verb"] == "create" and ref_.get("name") != "kind-worker2":
        fires.add(NODE_OK if ok else NODE_FAIL)  # allow_all_k8s_nodes: never true
    return sorted(fires)


def outputs():
    cases = build()
    files = {}
    table = {}
    for c in cases:
        files[c["name"] + ".json"] = json.dumps(c["event"], indent=2) + "\n"
        table[c["name"]] = {"fires": c["fires"], "fires_overridden": overridden(c),
                            "quiet_for": c["quiet_for"]}
        if c["note"]:
            table[c["name"]]["note"] = c["note"]
    return files, json.dumps(table, indent=1, sort_keys=True) + "\n"


FALCO_RULES = os.path.join(HERE, "..", "..", "..", "shared", "anchors", "falco-plugin-rules",
                           "k8s_audit_rules.yaml")
TABLE_HEAD = "## Rule -> cases\n"


def readme(table):
    """README.md with its last section, the rule -> cases table, from table
    (rules in the order of Falco's file); None without ../shared"""
    if not os.path.isfile(FALCO_RULES):
        return None
    rules = re.findall(r"^- rule: (.+?)\s*$", open(FALCO_RULES).read(), re.M)
    lines = ["| rule | fires on | quiet on (benign counterpart) |",
             "|------|----------|-------------------------------|"]
    for r in rules:
        key = "fires_overridden" if r in GATED else "fires"
        f = sorted(n for n, x in table.items() if r in x[key])
        q = sorted(n for n, x in table.items() if r in x["quiet_for"])
        fs = ", ".join(f) if len(f) <= 4 else "%d cases (e.g. %s)" % (len(f), ", ".join(f[:2]))
        lines.append("| %s%s | %s | %s |" % (r, " (overrides.yaml)" if r in GATED else "", fs,
                                             ", ".join(q)))
    text = open(os.path.join(HERE, "README.md")).read()
    return text[:text.index(TABLE_HEAD) + len(TABLE_HEAD)] + "\n" + "\n".join(lines) + "\n"


def main():
    files, table = outputs()
    want = dict(("cases/" + k, v) for k, v in files.items())
    want["expectations.json"] = table
    text = readme(json.loads(table))
    if text is not None:
        want["README.md"] = text
    if sys.argv[1:] == ["--check"]:
        bad = [p for p, v in want.items()
               if not os.path.exists(os.path.join(HERE, p))
               or open(os.path.join(HERE, p)).read() != v]
        extra = set("cases/" + f for f in os.listdir(CASES)) - set(want) \
            if os.path.isdir(CASES) else set()
        for p in sorted(bad) + sorted(extra):
            print("gen_corpus: %s differs from gen_corpus.py (run it)" % p)
        return 1 if bad or extra else 0
    os.makedirs(CASES, exist_ok=True)
    for p, v in want.items():
        with open(os.path.join(HERE, p), "w") as f:
            f.write(v)
    print("gen_corpus: %d cases" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
