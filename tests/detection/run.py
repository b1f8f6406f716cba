#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The detection suite's harness (issue 13; the case format is in detlib.py
and tests/detection/README.md).

One `vigil run` with the rules under test plus a private marker rule, JSON
alerts to a file. Each case's trigger (and each benign script) runs between
two execs of the marker; an alert counts for the case when it lies between
the two marker alerts AND its process belongs to the case: in the case's own
cgroup (cgroup2 id), in the case's container, or below this harness in the
process tree. Other vigils and other test runs on the same machine therefore
never leak into a verdict.

Exit: 0 every selected case passed, 1 a case failed, 77 skipped (not root).
"""
import argparse
import ctypes
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from detlib import Benign, Case  # noqa: E402
import container  # noqa: E402
import record  # noqa: E402

SKIP = 77
NS_ADDR = "198.51.100.10"
NS_HOST_ADDR = "198.51.100.1"
DET_USER = "vigildet"
CG2_CANDIDATES = ("/sys/fs/cgroup/unified", "/sys/fs/cgroup")
SCRIPT_TIMEOUT = int(os.environ.get("DET_TIMEOUT", "60"))


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP (ctest's or timeout(1)'s): clean up as for ^C."""


def _interrupted(signum, frame):
    # once: timeout(1) signals the child and then its process group, and a
    # second exception in the middle of the clean-up would cut it short
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signal.Signals(signum).name)


LIBC = ctypes.CDLL(None, use_errno=True)


def die_with_parent():
    """preexec_fn: own process group, and SIGTERM when the harness dies,
    however it dies (a vigil left running would watch the machine forever)."""
    os.setpgrp()
    LIBC.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def log(msg):
    print(f"[det] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, check=True, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {r.returncode}: {r.stderr.strip()[-400:]}")
    return r


# ---------------------------------------------------------------- cases

def load_cases(paths):
    cases, seen = [], {}
    for path in paths:
        spec = importlib.util.spec_from_file_location(
            "detcases_" + os.path.basename(path)[:-3], path)
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
        except Exception as e:  # a broken cases file names itself, not a traceback
            raise SystemExit(f"{path}: cannot load: {type(e).__name__}: {e}")
        for item in list(getattr(mod, "CASES", [])) + list(getattr(mod, "BENIGN", [])):
            if not isinstance(item, (Case, Benign)):
                raise SystemExit(f"{path}: {item!r} is neither a Case nor a Benign")
            if item.id in seen:
                raise SystemExit(f"{path}: case id {item.id} also in {seen[item.id]}")
            for w in item.where:
                if w not in ("host", "container"):
                    raise SystemExit(f"{path}: {item.id}: where {w!r} is not host or container")
            if isinstance(item, Case) and not item.rules:
                raise SystemExit(f"{path}: {item.id}: no rules")
            seen[item.id] = path
            cases.append(item)
    return cases


def case_files(dirs):
    out = []
    for d in dirs:
        if os.path.isfile(d):
            out.append(d)
            continue
        out += sorted(os.path.join(d, f) for f in os.listdir(d)
                      if f.endswith(".py") and not f.startswith("_"))
    return out


# ---------------------------------------------------------------- alerts

class Alerts:
    """Reads the alert file as vigil appends to it."""

    def __init__(self, path):
        self.path = path
        self.off = 0
        self.buf = b""
        self.all = []

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.off)
                data = f.read()
        except FileNotFoundError:
            return
        self.off += len(data)
        self.buf += data
        *lines, self.buf = self.buf.split(b"\n")
        for line in lines:
            if line.strip():
                try:
                    self.all.append(json.loads(line))
                except ValueError:
                    log(f"unparsable alert line: {line[:200]!r}")


def alert_pid(a):
    return (a.get("vigil") or {}).get("process", {}).get("pid")


def alert_ancestor_pids(a):
    return [x.get("pid") for x in (a.get("vigil") or {}).get("ancestors", [])]


def alert_cgroup(a):
    return (a.get("vigil") or {}).get("process", {}).get("cgroup_id")


def alert_container(a):
    f = a.get("output_fields") or {}
    c = (a.get("vigil") or {}).get("container") or {}
    # full_id: container.id is cut to 12 characters, like Docker's short ids
    return c.get("full_id") or c.get("id") or f.get("container.id")


def alert_exe(a):
    return (a.get("vigil") or {}).get("process", {}).get("exe")


def belongs(pid, cgroup, container_id, ancestors, ids, helpers):
    """Whether a process is one of a case's: in its cgroup or container, or
    below the harness (and none of the harness's own helpers)."""
    if pid in helpers or any(p in helpers for p in ancestors):
        return False
    if cgroup in ids["cgroups"] or container_id in ids["containers"]:
        return True
    me = os.getpid() if ids.get("harness") is None else ids["harness"]
    return me in ancestors


# ---------------------------------------------------------------- the environment

class Env:
    """Everything the harness creates, and removes in close(): scratch dir,
    marker program and rule, cgroup, network namespace, user, vigil."""

    def __init__(self, args):
        self.args = args
        self.tag = f"{os.getpid()}"
        self.base = tempfile.mkdtemp(prefix="vigil-det.", dir="/var/tmp")
        os.chmod(self.base, 0o755)
        self.cleanups = []
        self.vigil = None
        self.cg_root = None
        self.ns = None
        self.ns_anyport = False
        self.ns_addr = NS_ADDR
        self.helper_pids = set()  # the harness's own helpers: never a case's
        self.capture = None
        self.last_token = None
        self.marker_dir = f"/usr/local/libexec/vigil-det.{self.tag}"
        self.marker = f"{self.marker_dir}/vigil-det-mark"
        self.marker_rule = f"vigil-det marker {self.tag}"
        self.alerts = Alerts(f"{self.base}/alerts.json")
        self.seq = 0

    # -- set-up
    def open(self, need_container):
        self._subreaper()
        self._marker()
        self._cgroup()
        self._user()
        self._netns()
        self.det_root = f"/var/lib/vigil-det.{self.tag}"
        os.makedirs(self.det_root, exist_ok=True)
        self.cleanups.append(lambda: shutil.rmtree(self.det_root, ignore_errors=True))
        if need_container:
            self.rootfs_etc = container.make_etc_template(self.base)
        self._vigil()

    def _subreaper(self):
        # Orphans of a case (double-forked daemons) are re-parented to the
        # harness, so they still have it among their ancestors.
        LIBC.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER

    def _marker(self):
        os.makedirs(self.marker_dir, exist_ok=True)
        self.cleanups.append(lambda: shutil.rmtree(self.marker_dir, ignore_errors=True))
        shutil.copy("/bin/true", self.marker)
        os.chmod(self.marker, 0o755)
        with open(f"{self.base}/marker.yaml", "w") as f:
            f.write(f"""- rule: {self.marker_rule}
  desc: the detection harness's own marker program (tests/detection/run.py)
  condition: evt.type in (execve, execveat) and proc.exepath = {self.marker}
  output: "vigil-det marker %proc.cmdline"
  priority: NOTICE
  tags: [vigil_det_marker]
""")

    def _cgroup(self):
        for c in CG2_CANDIDATES:
            if os.path.exists(f"{c}/cgroup.procs") and os.path.exists(f"{c}/cgroup.subtree_control") \
                    or os.path.exists(f"{c}/cgroup.procs") and c.endswith("unified"):
                root = f"{c}/vigil-det.{self.tag}"
                try:
                    os.mkdir(root)
                except OSError as e:
                    log(f"no cgroup under {c}: {e}")
                    continue
                self.cg_root = root
                self.cleanups.append(lambda: self._rm_cgroup(root))
                return
        log("no writable cgroup2: cases are attributed by process ancestry only")

    def _rm_cgroup(self, path):
        for d, _, _ in sorted(os.walk(path), key=lambda t: -len(t[0])):
            self._kill_cgroup(d)
            try:
                os.rmdir(d)
            except OSError:
                pass

    def _kill_cgroup(self, path):
        try:
            with open(f"{path}/cgroup.kill", "w") as f:
                f.write("1")
        except OSError:
            try:
                with open(f"{path}/cgroup.procs") as f:
                    for pid in f.read().split():
                        try:
                            os.kill(int(pid), signal.SIGKILL)
                        except OSError:
                            pass
            except OSError:
                return
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                with open(f"{path}/cgroup.procs") as f:
                    if not f.read().strip():
                        return
            except OSError:
                return
            time.sleep(0.02)

    def _user(self):
        if run(["id", DET_USER], check=False).returncode == 0:
            self.made_user = False  # another harness run owns it; share it
            return
        r = run(["useradd", "--system", "--no-create-home", "--shell", "/bin/bash",
                 "--home-dir", "/nonexistent", DET_USER], check=False)
        if r.returncode == 0:
            self.cleanups.append(lambda: run(["userdel", DET_USER], check=False))
        else:
            log(f"cannot create user {DET_USER}: {r.stderr.strip()}")

    def _netns(self):
        # A namespace holding the "internet" address, joined to the host by a
        # veth pair. Several detection runs may share the machine: the first
        # gets 198.51.100.10, the others the next free address (cases use
        # $DET_NS_ADDR). Adding the host route is the atomic claim.
        name = f"vigildet{self.tag}"
        hv, nv = f"vdh{self.tag}"[:15], f"vdn{self.tag}"[:15]
        try:
            run(["ip", "netns", "add", name])
            self.cleanups.append(lambda: run(["ip", "netns", "del", name], check=False))
            run(["ip", "link", "add", hv, "type", "veth", "peer", "name", nv])
            self.cleanups.append(lambda: run(["ip", "link", "del", hv], check=False))
            run(["ip", "link", "set", nv, "netns", name])
            run(["ip", "addr", "add", f"{NS_HOST_ADDR}/32", "dev", hv])
            run(["ip", "link", "set", hv, "up"])
            for last in range(10, 250):
                addr = f"198.51.100.{last}"
                if run(["ip", "route", "add", f"{addr}/32", "dev", hv, "src", NS_HOST_ADDR],
                       check=False).returncode == 0:
                    break
            else:
                raise RuntimeError("no free address in 198.51.100.0/24")
            nx = ["ip", "netns", "exec", name]
            run(nx + ["ip", "addr", "add", f"{addr}/32", "dev", nv])
            run(nx + ["ip", "link", "set", nv, "up"])
            run(nx + ["ip", "link", "set", "lo", "up"])
            run(nx + ["ip", "route", "add", f"{NS_HOST_ADDR}/32", "dev", nv])
            run(nx + ["ip", "route", "add", "default", "via", NS_HOST_ADDR, "dev", nv, "onlink"],
                check=False)
            self.ns, self.ns_addr = name, addr
            catch = 4444
            if run(nx + ["iptables", "-t", "nat", "-A", "PREROUTING", "-d", addr, "-p", "tcp",
                         "-j", "REDIRECT", "--to-ports", str(catch)], check=False).returncode == 0:
                p = subprocess.Popen(nx + ["/usr/bin/python3", f"{HERE}/listen.py", addr,
                                           str(catch)], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                self.cleanups.append(lambda: (p.kill(), p.wait()))
                self.helper_pids.add(p.pid)
                self.ns_anyport = True
            else:
                log("iptables REDIRECT unavailable in the namespace: det_ns_listen fails")
            if addr != NS_ADDR:
                log(f"{NS_ADDR} is another detection run's: this one uses {addr}")
        except RuntimeError as e:
            log(f"network namespace: {e}")

    def _vigil(self):
        cfg = f"{self.base}/vigil.yaml"
        with open(cfg, "w") as f:
            f.write(f"""json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: {self.alerts.path}
  max_size: 0
rate_limit:
  enabled: false
metrics:
  enabled: false
rule_matching: {self.args.rule_matching}
# A kernel without module support has no finit_module tracepoint: by default
# vigil does not watch such syscalls (the raw sys_exit would cost every
# syscall); the suite asks for the attempts so the module cases still prove
# their rule. On other kernels this changes nothing.
watch_unimplemented_syscalls: true
""")
        cmd = [self.args.vigil, "run", "-c", cfg]
        for r in self.args.rules:
            cmd += ["-r", r]
        cmd += ["-r", f"{self.base}/marker.yaml"] + self.args.vigil_arg
        self.vigil_log = open(f"{self.base}/vigil.log", "w+")
        log("starting " + " ".join(cmd))
        self.vigil = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.vigil_log,
                                      stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.vigil.poll() is not None:
                raise RuntimeError(f"vigil exited ({self.vigil.returncode}):\n{self.vigil_text()}")
            if "vigil: ready" in self.vigil_text():
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"vigil not ready after 120 s:\n{self.vigil_text()}")
        self.mark("hello")

    def vigil_text(self):
        self.vigil_log.flush()
        with open(f"{self.base}/vigil.log") as f:
            return f.read()

    # -- markers
    def mark(self, what):
        """Execs the marker and waits for its alert: every event before it
        has then been through the rules. Returns the alert's index."""
        self.seq += 1
        token = f"{what}:{self.seq}"
        self.last_token = token
        subprocess.run([self.marker, token], check=True)
        deadline = time.monotonic() + 30
        start = 0
        while time.monotonic() < deadline:
            self.alerts.poll()
            for i in range(start, len(self.alerts.all)):
                a = self.alerts.all[i]
                if a.get("rule") == self.marker_rule and token in str(
                        a.get("output_fields", {}).get("proc.cmdline", "")).split():
                    return i
            start = len(self.alerts.all)
            if self.vigil.poll() is not None:
                raise RuntimeError(f"vigil exited:\n{self.vigil_text()[-3000:]}")
            time.sleep(0.02)
        raise RuntimeError(f"marker {token} never alerted (vigil stalled?)")

    # -- tear-down
    def close(self):
        if self.vigil and self.vigil.poll() is None:
            self.vigil.send_signal(signal.SIGTERM)
            try:
                self.vigil.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.vigil.kill()
                self.vigil.wait()
        for c in reversed(self.cleanups):
            try:
                c()
            except Exception as e:  # keep cleaning up
                log(f"cleanup: {e}")
        if self.args.keep:
            log(f"kept {self.base} (alerts.json, vigil.log)")
        else:
            shutil.rmtree(self.base, ignore_errors=True)


# ---------------------------------------------------------------- running one case

class Result:
    def __init__(self, item, where):
        self.item = item
        self.where = where
        self.status = "FAIL"
        self.fired = []      # expected rules that fired
        self.others = {}     # other rule -> count
        self.note = ""
        self.secs = 0.0


def script_text(body):
    return ("set -euo pipefail\n"
            'source "$DET_LIB/lib.sh"\n'
            'cd "$DET_DIR"\n' + body + "\n")


class Runner:
    def __init__(self, env):
        self.env = env
        self.n = 0

    def run(self, item, where):
        t0 = time.monotonic()
        res = self._run(item, where)
        res.secs = time.monotonic() - t0
        return res

    def _run(self, item, where):
        self.n += 1
        res = Result(item, where)
        missing = [c for c in item.needs if not shutil.which(c)]
        if missing:
            res.note = "missing: " + " ".join(missing)
            return res
        if where == "container" and not shutil.which("runc"):
            res.status, res.note = "SKIP", "no runc"
            return res
        try:
            if where == "host":
                start, end, ids = self._host(item)
            else:
                start, end, ids = self._container(item)
        except Exception as e:
            res.note = f"harness error: {e}"
            return res
        self._judge(res, start, end, ids)
        res.ids = ids
        return res

    def _env(self, det_dir, lib, where):
        e = {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": "/root", "LANG": "C.UTF-8", "TERM": "dumb",
            "DET_DIR": det_dir, "DET_LIB": lib, "DET_WHERE": where,
            "DET_PORT": str(free_port()), "DET_PORT2": str(free_port()),
            "DET_USER": DET_USER,
            "DET_NS_ADDR": self.env.ns_addr if self.env.ns else "",
            "DET_NS_ANYPORT": "1" if self.env.ns_anyport else "0",
        }
        return e

    def _scripts(self, item, d):
        parts = {"setup": item.setup,
                 "main": item.trigger if isinstance(item, Case) else item.script,
                 "cleanup": item.cleanup}
        for k, body in parts.items():
            with open(f"{d}/{k}.sh", "w") as f:
                f.write(script_text(body or ":"))
        return parts

    # ---- host
    def _host(self, item):
        work = f"{self.env.base}/c{self.n}"
        os.makedirs(f"{work}/scripts")
        det_dir = f"{self.env.det_root}/c{self.n}"
        os.makedirs(det_dir)
        self._scripts(item, f"{work}/scripts")
        env = self._env(det_dir, HERE, "host")
        cg = None
        if self.env.cg_root:
            cg = f"{self.env.cg_root}/c{self.n}"
            os.mkdir(cg)
        ids = {"cgroups": {os.stat(cg).st_ino} if cg else set(), "containers": set()}
        try:
            if item.setup.strip():
                self._sh(f"{work}/scripts/setup.sh", env, cg, f"{work}/setup.log", item.id,
                         "setup")
            start = self.env.mark(f"start:{item.id}")
            ids["tokens"] = [self.env.last_token]
            rc = self._sh(f"{work}/scripts/main.sh", env, cg, f"{work}/main.log", item.id, "main")
            if cg:
                self.env._kill_cgroup(cg)
            time.sleep(0.2)  # late events (exits, sequences) land before the end marker
            end = self.env.mark(f"end:{item.id}")
            ids["tokens"].append(self.env.last_token)
        finally:
            if item.cleanup.strip():
                self._sh(f"{work}/scripts/cleanup.sh", env, cg, f"{work}/cleanup.log",
                         item.id, "cleanup")
            if cg:
                self.env._kill_cgroup(cg)
                try:
                    os.rmdir(cg)
                except OSError:
                    pass
            shutil.rmtree(det_dir, ignore_errors=True)
        ids["rc"] = rc
        return start, end, ids

    def _sh(self, script, env, cg, logpath, cid, part):
        def pre():
            os.setsid()
            if cg:
                with open(f"{cg}/cgroup.procs", "w") as f:
                    f.write("0")
        with open(logpath, "w") as out:
            p = subprocess.Popen(["/bin/bash", script], env=env, cwd=env["DET_DIR"],
                                 stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                 preexec_fn=pre)
            try:
                rc = p.wait(timeout=SCRIPT_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                rc = p.wait()
                log(f"{cid}: {part} timed out after {SCRIPT_TIMEOUT} s")
        if rc != 0:
            with open(logpath) as f:
                tail = f.read()[-1500:]
            log(f"{cid}: {part} exited {rc}:\n{tail}")
        return rc

    # ---- container
    def _container(self, item):
        work = f"{self.env.base}/c{self.n}"
        os.makedirs(f"{work}/scripts")
        self._scripts(item, f"{work}/scripts")
        name = f"vd{self.env.tag}-{self.n}"
        det_dir = "/var/lib/vigil-det/case"
        env = self._env(det_dir, "/vigil-det", "container")
        b = container.Bundle(self.env, work, name, HERE, f"{work}/scripts", env)
        ids = {"cgroups": set(), "containers": {name}}
        try:
            b.create()
            if item.setup.strip():
                b.run_part("setup", item.id)
            start = self.env.mark(f"start:{item.id}")
            ids["tokens"] = [self.env.last_token]
            rc = b.run_part("main", item.id)
            time.sleep(0.2)
            end = self.env.mark(f"end:{item.id}")
            ids["tokens"].append(self.env.last_token)
        finally:
            try:
                if item.cleanup.strip():
                    b.run_part("cleanup", item.id)
            finally:
                b.destroy()
        ids["rc"] = rc
        return start, end, ids

    # ---- verdict
    def _mine(self, a, ids):
        if a.get("rule") == self.env.marker_rule or alert_exe(a) == self.env.marker:
            return False
        return belongs(alert_pid(a), alert_cgroup(a), alert_container(a),
                       alert_ancestor_pids(a), ids, self.env.helper_pids)

    def _judge(self, res, start, end, ids):
        item = res.item
        want = set(item.rules) if isinstance(item, Case) else set()
        for a in self.env.alerts.all[start + 1:end]:
            if not self._mine(a, ids):
                continue
            r = a.get("rule")
            if r in want:
                if r not in res.fired:
                    res.fired.append(r)
            else:
                res.others[r] = res.others.get(r, 0) + 1
        res.alerts = [a for a in self.env.alerts.all[start + 1:end] if self._mine(a, ids)]
        if res.where == "container":
            # every alert of a container run must name the container: a rule
            # that says `container.id != host` depends on it
            hostish = sum(alert_container(a) not in ids["containers"] for a in res.alerts)
            if hostish:
                res.note = f"{hostish} alert(s) without the container's id"
        if isinstance(item, Case):
            res.status = "PASS" if res.fired else "FAIL"
            if ids.get("rc") and not res.fired:
                res.note = f"trigger exited {ids['rc']}"
        else:
            res.status = "FAIL" if res.others else "PASS"
            if ids.get("rc"):
                res.note = f"script exited {ids['rc']}"
                res.status = "FAIL"


# ---------------------------------------------------------------- report

def table(results):
    rows = [("result", "secs", "technique", "case", "where", "rule fired", "other alerts")]
    for r in results:
        tech = r.item.technique if isinstance(r.item, Case) else "benign"
        others = ", ".join(f"{k} x{v}" if v > 1 else k for k, v in sorted(r.others.items()))
        fired = ", ".join(r.fired) or ("-" if isinstance(r.item, Benign) else "NONE")
        if r.note:
            others = (others + "; " if others else "") + r.note
        rows.append((r.status, f"{r.secs:.1f}", tech, r.item.id, r.where, fired, others))
    w = [max(len(str(row[i])) for row in rows) for i in range(6)]
    out = []
    for row in rows:
        out.append("  ".join(str(row[i]).ljust(w[i]) for i in range(6)) + "  " + row[6])
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vigil", default=os.path.join(ROOT, "build/engine/vigil"))
    ap.add_argument("--rules", action="append", default=[],
                    help="rules file or directory (repeatable; default rules/)")
    ap.add_argument("--cases", action="append", default=[],
                    help="cases file or directory (repeatable; default cases/)")
    ap.add_argument("--only", action="append", default=[],
                    help="run only cases whose id starts with PREFIX (repeatable)")
    ap.add_argument("--exclude", action="append", default=[],
                    help="leave out cases whose id starts with PREFIX (repeatable)")
    ap.add_argument("--where", choices=("host", "container", "both"), default="both")
    ap.add_argument("--benign", choices=("yes", "no", "only"), default="yes",
                    help="run the benign scripts too, not at all, or only them")
    ap.add_argument("--pending", action="store_true",
                    help="also run the cases marked pending=True (rules not loadable yet; "
                    "add their rules with --rules)")
    ap.add_argument("--list", action="store_true", help="list the selected cases and exit")
    ap.add_argument("--keep", action="store_true", help="keep the scratch dir and alerts file")
    ap.add_argument("--json", help="write the results as JSON to this file")
    ap.add_argument("--rule-matching", choices=("all", "first"), default="all",
                    help="vigil's rule_matching: all (default here: every rule an event "
                    "matches alerts, so the table shows each) or first (vigil's default)")
    ap.add_argument("--record", metavar="DIR",
                    help="also capture the run and cut it into one replayable file per case")
    ap.add_argument("--replay", metavar="DIR",
                    help="no kernel: replay DIR's recorded cases against --rules")
    ap.add_argument("--vigil-arg", action="append", default=[],
                    help="extra argument for `vigil run` (repeatable)")
    args = ap.parse_args()
    args.rules = args.rules or [os.path.join(ROOT, "rules")]
    items = load_cases(case_files(args.cases or [os.path.join(HERE, "cases")]))
    if args.only:
        items = [c for c in items if any(c.id.startswith(p) for p in args.only)]
    if not args.pending:
        items = [c for c in items if not c.pending]
    if args.exclude:
        items = [c for c in items if not any(c.id.startswith(p) for p in args.exclude)]
    if args.benign == "no":
        items = [c for c in items if isinstance(c, Case)]
    elif args.benign == "only":
        items = [c for c in items if isinstance(c, Benign)]
    wheres = ("host", "container") if args.where == "both" else (args.where,)
    plan = [(c, w) for c in items for w in c.where if w in wheres]
    if args.replay:
        current = {c.id: c for c in load_cases(case_files(args.cases or
                                                           [os.path.join(HERE, "cases")]))}
        return record.replay(args.vigil, args.rules, args.replay, current)
    if args.list:
        try:
            for c, w in plan:
                kind = c.technique if isinstance(c, Case) else "benign"
                print(f"{c.id}\t{w}\t{kind}\t{', '.join(getattr(c, 'rules', []))}")
        except BrokenPipeError:  # | head
            sys.stderr.close()
        return 0
    if os.geteuid() != 0:
        print("SKIP: the detection suite needs root")
        return SKIP
    if not plan:
        print("no case selected")
        return 1
    if any(w == "container" for _, w in plan) and not shutil.which("runc"):
        print("SKIP: container cases selected and runc is not installed (scripts/deps.sh --test)")
        return SKIP
    if not os.access(args.vigil, os.X_OK):
        print(f"no vigil at {args.vigil}")
        return 1
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, _interrupted)
    env = Env(args)
    results = []
    t0 = time.monotonic()
    try:
        env.open(any(w == "container" for _, w in plan))
        rec = None
        if args.record:
            rec = record.Recorder(env, args.vigil, args.record, die_with_parent)
            env.cleanups.append(rec.stop)
            rec.start()
        runner = Runner(env)
        for c, w in plan:
            r = runner.run(c, w)
            log(f"{r.status} {c.id} [{w}] {', '.join(r.fired)} {r.note}")
            results.append(r)
        if rec:
            rec.split(results, lambda it: list(it.rules) if isinstance(it, Case) else None,
                      belongs)
    except KeyboardInterrupt as e:
        log(f"interrupted ({e or 'SIGINT'}): cleaning up")
    except RuntimeError as e:
        log(f"harness error: {e}")
    finally:
        env.close()
    print(table(results))
    npass = sum(r.status == "PASS" for r in results)
    nfail = sum(r.status == "FAIL" for r in results)
    nskip = sum(r.status == "SKIP" for r in results)
    cases = [r for r in results if isinstance(r.item, Case)]
    print(f"\n{len(cases)} attack runs: {sum(r.status == 'PASS' for r in cases)} detected; "
          f"{len(results) - len(cases)} benign runs: "
          f"{sum(r.status == 'PASS' for r in results if isinstance(r.item, Benign))} quiet; "
          f"{npass} passed, {nfail} failed, {nskip} skipped in {time.monotonic() - t0:.0f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump([{"id": r.item.id, "where": r.where, "status": r.status,
                        "technique": getattr(r.item, "technique", "benign"),
                        "fired": r.fired, "others": r.others, "note": r.note,
                        "secs": round(r.secs, 2)}
                       for r in results], f, indent=1)
    if len(results) < len(plan):
        return 1
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
