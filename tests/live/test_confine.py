#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Self-confinement of the real vigil on the live kernel (root only).

1. Confined (the default): every thread of vigil has NoNewPrivs 1, Seccomp 2
   and exactly the documented capabilities (effective, permitted, bounding;
   no inheritable or ambient); the program output's command has none and
   NoNewPrivs 1; the metrics endpoint and the program output still work.
2. VIGIL_TEST_CONFINE_PROBE=1: execve() of a missing file, mount() on a
   missing directory, fork() and kill(1, 0), from the main thread and a new
   one, fail with EPERM (errno 1) when confined, and reach the kernel
   (ENOENT, ENOENT, success, success) with --no-confine and with
   -o confine=false, which also keep every capability and no filter.
3. A program output that never reads its input (blocked): once vigil exits,
   by SIGTERM or SIGKILL, no process of the command's process group is left.

usage: test_confine.py VIGIL RULES_DIR
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

SKIP = 77
# docs/operations.md, "Self-confinement": cap_dac_read_search, cap_kill, cap_sys_ptrace,
# cap_perfmon, cap_bpf
KEPT = (1 << 2) | (1 << 5) | (1 << 19) | (1 << 38) | (1 << 39)

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print(f"  ok   {what}", flush=True)
    else:
        failed += 1
        print(f"  FAIL {what}", flush=True)
    return cond


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(pid, tid=None):
    path = f"/proc/{pid}/task/{tid}/status" if tid else f"/proc/{pid}/status"
    out = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def wait_until(pred, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    return None


class Vigil:
    """vigil run with a config, collecting stderr in the background."""

    def __init__(self, exe, rules, cfg, extra=(), env=None):
        self.err = []
        self.proc = subprocess.Popen([exe, "run", "-r", rules, "-c", cfg, *extra],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True,
                                     env=dict(os.environ, **(env or {})))
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.err.append(line)

    def text(self):
        return "".join(self.err)

    def ready(self):
        if not wait_until(lambda: "vigil: ready" in self.text() or self.proc.poll() is not None,
                          120):
            return False
        return "vigil: ready" in self.text()

    def stop(self, sig=signal.SIGINT):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(5)


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            out.append(int(d))
    return out


def group_members(pgid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(d))
    return out


def command_pids(vigil_pid):
    """The program output's command: the spawner's children."""
    spawners = [c for c in children(vigil_pid) if status(c)["Name"] == "vigil-spawner"]
    return [k for s in spawners for k in children(s)]


def trigger_alerts(tmp, n=1):
    exe = os.path.join(tmp, "vg-confine-true")
    shutil.copy("/bin/true", exe)
    for _ in range(n):
        subprocess.run([exe])


def write_cfg(tmp, program, port=None):
    cfg = os.path.join(tmp, "vigil.yaml")
    with open(cfg, "w") as f:
        f.write("stdout_output:\n  enabled: false\n")
        f.write(f"program_output:\n  enabled: true\n  program: {program!r}\n")
        if port:
            f.write(f"metrics:\n  enabled: true\n  listen_address: 127.0.0.1:{port}\n")
    return cfg


def caps(st, key):
    return int(st[key], 16)


def test_confined(exe, rules, tmp):
    print("confined (default):", flush=True)
    out = os.path.join(tmp, "alerts.out")
    port = free_port()
    cfg = write_cfg(tmp, f"cat >> {out}", port)
    v = Vigil(exe, rules, cfg, env={"VIGIL_TEST_CONFINE_PROBE": "1"})
    try:
        if not check(v.ready(), "vigil run starts confined"):
            print(v.text())
            return
        pid = v.proc.pid
        tids = os.listdir(f"/proc/{pid}/task")
        check(len(tids) > 1, f"vigil runs {len(tids)} threads")
        for tid in tids:
            st = status(pid, tid)
            name = f"thread {tid} ({st['Name']})"
            check(st["NoNewPrivs"] == "1" and st["Seccomp"] == "2",
                  f"{name}: NoNewPrivs {st['NoNewPrivs']}, Seccomp {st['Seccomp']}")
            check(caps(st, "CapEff") == KEPT and caps(st, "CapPrm") == KEPT
                  and caps(st, "CapBnd") == KEPT,
                  f"{name}: CapEff {st['CapEff']} CapPrm {st['CapPrm']} CapBnd {st['CapBnd']}"
                  f" == {KEPT:016x}")
            check(caps(st, "CapInh") == 0 and caps(st, "CapAmb") == 0,
                  f"{name}: no inheritable or ambient capability")
        check(re.search(r"confined: capabilities kept cap_dac_read_search,cap_kill,cap_sys_ptrace,"
                        r"cap_perfmon,cap_bpf; NoNewPrivs; seccomp filter on", v.text()),
              "start-up says what it kept and that seccomp is on")
        for where in ("main thread", "new thread"):
            for call in ("execve", "mount", "fork", "kill"):
                check(f"confine probe ({where}): {call}: Operation not permitted (errno 1)"
                      in v.text(), f"{call} from the {where} is refused with EPERM")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
            check(r.status == 200, "the metrics endpoint answers while confined")
        trigger_alerts(tmp)
        got = wait_until(lambda: os.path.exists(out) and os.path.getsize(out) > 0)
        check(got, "the program output delivered an alert while confined")
        cmds = wait_until(lambda: command_pids(pid))
        if check(cmds, "the program output's command runs under the spawner"):
            for c in cmds:
                st = status(c)
                check(caps(st, "CapEff") == 0 and caps(st, "CapPrm") == 0
                      and caps(st, "CapBnd") == 0 and st["NoNewPrivs"] == "1",
                      f"command {c} ({st['Name']}): CapEff {st['CapEff']} CapBnd "
                      f"{st['CapBnd']} NoNewPrivs {st['NoNewPrivs']}")
    finally:
        v.stop()
    check(v.proc.returncode == 0, f"vigil exits 0 (got {v.proc.returncode})")


def test_unconfined(exe, rules, tmp, extra, label):
    print(f"unconfined ({label}):", flush=True)
    cfg = write_cfg(tmp, "cat > /dev/null")
    v = Vigil(exe, rules, cfg, extra, env={"VIGIL_TEST_CONFINE_PROBE": "1"})
    try:
        if not check(v.ready(), f"vigil run {label} starts"):
            print(v.text())
            return
        st = status(v.proc.pid)
        check(st["NoNewPrivs"] == "0" and st["Seccomp"] == "0",
              f"NoNewPrivs {st['NoNewPrivs']}, Seccomp {st['Seccomp']}")
        check(caps(st, "CapEff") & ~KEPT != 0, f"every capability kept: CapEff {st['CapEff']}")
        check("not confined" in v.text(), "start-up says it is not confined")
        for where in ("main thread", "new thread"):
            for call, res in (("execve", "No such file or directory (errno 2)"),
                              ("mount", "No such file or directory (errno 2)"),
                              ("fork", "Success (errno 0)"), ("kill", "Success (errno 0)")):
                check(f"confine probe ({where}): {call}: {res}" in v.text(),
                      f"{call} from the {where} reaches the kernel: {res}")
    finally:
        v.stop()


def by_marker(marker):
    """Processes whose command line holds marker (this test's own command)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    out.append(int(d))
        except OSError:
            pass
    return out


def test_blocked_group(exe, rules, tmp, sig):
    """A command that never reads: its process group must not outlive vigil."""
    name = signal.Signals(sig).name
    print(f"blocked program output, vigil ends by {name}:", flush=True)
    marker = f"vg-confine-blocked-{os.getpid()}-{name}"
    cfg = write_cfg(tmp, f"sleep 1000; : {marker}")
    v = Vigil(exe, rules, cfg)
    pgid = None
    try:
        if not check(v.ready(), "vigil run starts"):
            print(v.text())
            return
        # about 2 kB an alert: enough to fill the 64 kB pipe nobody reads
        trigger_alerts(tmp, 100)
        cmds = wait_until(lambda: by_marker(marker))
        if not check(cmds, "the command started"):
            return
        pgid = os.getpgid(cmds[0])
        check(len(group_members(pgid)) >= 2, f"its group {pgid} holds sh and sleep")
    finally:
        v.stop(sig)
    if pgid is None:
        return
    left = wait_until(lambda: not group_members(pgid), 10) is not None
    check(left, f"after vigil's exit no process of group {pgid} is left "
          f"(left: {group_members(pgid)})")
    for p in group_members(pgid):
        os.kill(p, signal.SIGKILL)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    if os.geteuid() != 0:
        print("SKIP: needs root")
        return SKIP
    exe, rules = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="vg-confine-", dir="/tmp")
    try:
        test_confined(exe, rules, tmp)
        test_unconfined(exe, rules, tmp, ["--no-confine"], "--no-confine")
        test_unconfined(exe, rules, tmp, ["-o", "confine=false"], "-o confine=false")
        test_blocked_group(exe, rules, tmp, signal.SIGTERM)
        test_blocked_group(exe, rules, tmp, signal.SIGKILL)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"confine: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
