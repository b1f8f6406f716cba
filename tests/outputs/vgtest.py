# SPDX-License-Identifier: Apache-2.0
"""What the output tests with real receivers share: skipping, installing
Debian packages, free loopback ports, running outputs_driver, bounded waits."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77


def skip(msg):
    print(f"SKIP: {msg}", flush=True)
    sys.exit(SKIP)


def ensure(binaries):
    """binaries: {path or command: debian package}. Installs what is missing (root only)."""
    missing = {}
    for b, pkg in binaries.items():
        found = os.path.exists(b) if b.startswith("/") else shutil.which(b)
        if not found:
            missing[b] = pkg
    if not missing:
        return
    if os.geteuid() != 0:
        skip(f"not root, and {', '.join(sorted(set(missing.values())))} is not installed")
    pkgs = sorted(set(missing.values()))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-qq",
           "--no-install-recommends"] + pkgs
    if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            skip(f"cannot install {' '.join(pkgs)}: {r.stderr.strip()[-300:]}")
    for b in missing:
        found = os.path.exists(b) if b.startswith("/") else shutil.which(b)
        if not found:
            skip(f"{b} still missing after installing {missing[b]}")


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(pred, what, timeout=60.0, step=0.05):
    """A bounded wait: a deadline for readiness, never an assertion on speed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    raise AssertionError(f"gave up waiting ({timeout:.0f} s) for {what}")


class Checker:
    """Counts checks so the test ends with 'N passed, N failed'."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
            print(f"  ok   {what}", flush=True)
        else:
            self.failed += 1
            print(f"  FAIL {what}", flush=True)
        return cond

    def eq(self, got, want, what):
        def short(v):
            r = repr(v)
            return r if len(r) <= 120 else r[:100] + f"... ({len(r)} chars)"
        return self.check(got == want, f"{what}: got {short(got)}, want {short(want)}")

    def done(self):
        print(f"{self.name}: {self.passed} passed, {self.failed} failed", flush=True)
        sys.exit(1 if self.failed else 0)


class Driver:
    """outputs_driver: the real config loader and outputs, submitting N alerts."""

    def __init__(self, exe, args, stdin=False):
        self.proc = subprocess.Popen(
            [exe] + args,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines = []

    def read_until(self, prefix, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                raise AssertionError(
                    f"driver exited before '{prefix}': {''.join(self.lines)[-2000:]}")
            self.lines.append(line)
            if line.startswith(prefix):
                return line[len(prefix):].strip()
        raise AssertionError(f"no '{prefix}' from the driver")

    def send(self, text="go\n"):
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def stats(self, timeout=120):
        return json.loads(self.read_until("STATS ", timeout))

    def finish(self, timeout=60):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        self.lines.append(err)
        return self.proc.returncode, out


def output_stats(stats, name):
    for o in stats["outputs"]:
        if o["name"] == name:
            return o
    raise AssertionError(f"no output {name} in {stats}")


def tmpdir(prefix):
    return tempfile.mkdtemp(prefix=prefix)
