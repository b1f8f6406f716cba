# SPDX-License-Identifier: Apache-2.0
"""What the fleet tests share: real nats-server processes with JetStream
(one node or a cluster, loopback, free ports, a temporary store each), a live
`vigil run` with the nats output, a program whose every run is one alert
with a marker in it, and the stream read back with nats_dump (nats.c)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "outputs"))
from vgtest import Checker, free_port, skip, tmpdir, wait_until  # noqa: E402,F401

NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"


def need(argv):
    """usage: test.py NATS_DUMP REPO_ROOT; skips (77) without root, vigil or nats-server."""
    if len(argv) < 3:
        print(f"usage: {argv[0]} NATS_DUMP REPO_ROOT", file=sys.stderr)
        sys.exit(2)
    vigil = os.environ.get("VIGIL_BIN") or os.path.join(argv[2], "build", "engine", "vigil")
    if not os.access(NATS_SERVER, os.X_OK):
        skip("nats-server is not installed (Debian package nats-server; scripts/deps.sh --test)")
    if os.geteuid() != 0:
        skip("needs root to load BPF programs")
    if not os.access(vigil, os.X_OK):
        skip(f"no vigil binary at {vigil}")
    return argv[1], vigil


class Node:
    """One nats-server with JetStream; restartable on the same ports and store."""

    def __init__(self, d, name, cluster=None, conf=None):
        self.name = name
        self.conf = conf  # a config file's text (TLS, authorization), or None
        self.port = free_port()
        self.cport = free_port() if cluster is not None else None
        self.store = os.path.join(d, f"store-{name}")
        self.log = os.path.join(d, f"{name}.log")
        self.cluster = cluster  # the list of nodes, routes to every other
        self.proc = None

    def url(self):
        return f"nats://127.0.0.1:{self.port}"

    def start(self):
        args = [NATS_SERVER, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", self.store,
                "-n", self.name]
        if self.conf is not None:
            path = os.path.join(os.path.dirname(self.store), f"{self.name}.conf")
            with open(path, "w") as f:
                f.write(self.conf)
            args += ["-c", path]
        if self.cluster is not None:
            routes = ",".join(f"nats://127.0.0.1:{n.cport}" for n in self.cluster if n is not self)
            args += ["--cluster_name", "vgtest", "--cluster", f"nats://127.0.0.1:{self.cport}",
                     "--routes", routes]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                     stderr=open(self.log, "a"))
        wait_until(lambda: self._listening() or self.proc.poll() is not None,
                   f"nats-server {self.name} to listen", 30)
        if self.proc.poll() is not None:
            raise AssertionError(f"nats-server {self.name} exited: {self.tail()}")

    def _listening(self):
        import socket
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def tail(self):
        try:
            with open(self.log) as f:
                return f.read()[-1500:]
        except OSError:
            return ""


class Stream:
    """The stream read back through nats_dump (the same library as vigil)."""

    def __init__(self, dump, nodes, name="VIGIL_ALERTS"):
        self.dump = dump
        self.nodes = nodes
        self.name = name

    def _run(self, *extra):
        for n in self.nodes:
            if not n.alive():
                continue
            r = subprocess.run([self.dump, n.url(), self.name, *extra], capture_output=True,
                               text=True, timeout=60)
            if r.returncode == 0:
                return r.stdout
        return None

    def messages(self):
        out = self._run()
        return [json.loads(x) for x in out.splitlines()] if out else []

    def info(self):
        out = self._run("--info")
        return json.loads(out) if out else None


class Vigil:
    """`vigil run -c CONFIG -r RULES`, its stderr kept in a file."""

    def __init__(self, exe, d, config, rules, tag):
        self.exe, self.d, self.config, self.rules = exe, d, config, rules
        self.errpath = os.path.join(d, f"vigil-{tag}.err")
        self.proc = None

    def start(self):
        self.err = open(self.errpath, "w+")
        self.proc = subprocess.Popen([self.exe, "run", "-c", self.config, "-r", self.rules],
                                     stdout=subprocess.DEVNULL, stderr=self.err)
        wait_until(lambda: "ready" in self.log() or self.proc.poll() is not None,
                   "vigil to be ready", 120)
        if self.proc.poll() is not None:
            raise AssertionError(f"vigil exited: {self.log()[-2000:]}")

    def log(self):
        self.err.flush()
        with open(self.errpath) as f:
            return f.read()

    def stop(self):
        """SIGTERM; the exit status."""
        if not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def summary(self):
        """The nats output's exit line, as numbers."""
        import re
        for line in self.log().splitlines():
            if line.startswith("vigil: output nats:"):
                return {k: int(x) for k, x in re.findall(r"(\w+)=(-?\d+)", line)}
        return None


class Program:
    """A copy of /bin/true under a unique name: each run is one alert, its argv a marker."""

    def __init__(self, d, name):
        self.name = name
        self.path = os.path.join(d, name)
        shutil.copy("/bin/true", self.path)

    def run(self, marker):
        subprocess.run([self.path, marker], check=True)


def rules(d, name, rule):
    path = os.path.join(d, "rules.yaml")
    with open(path, "w") as f:
        f.write(f"""- rule: {json.dumps(rule)}
  desc: the fleet test's own program ran
  condition: evt.type in (execve, execveat) and proc.name = {name}
  output: "{name} ran (marker=%proc.args)"
  priority: WARNING
""")
    return path


def config(d, urls, host, extra=""):
    path = os.path.join(d, "vigil.yaml")
    with open(path, "w") as f:
        f.write(f"""stdout_output:
  enabled: false
nats_output:
  enabled: true
  urls: [{", ".join(urls)}]
  host: {json.dumps(host)}
  subject_prefix: vgtest.alerts
{extra}""")
        # the default metrics port is one for all: other vigils may hold it
        if "\nmetrics:" not in extra:
            f.write("metrics:\n  enabled: false\n")
    return path


def markers(msgs, prefix):
    """The markers of the stream's alerts of this test, in stream order."""
    out = []
    for m in msgs:
        a = json.loads(m["data"])
        for tok in a.get("output", "").split("marker=")[1:]:
            tok = tok.split(")")[0].strip()
            if tok.startswith(prefix):
                out.append(tok)
    return out
