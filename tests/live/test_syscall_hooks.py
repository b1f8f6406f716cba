#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Issue 20: a syscall no rule needs has no program attached (root only).

The kernel is asked, not vigil: each BPF link vigil holds (its fds' link_id
in /proc/PID/fdinfo) is looked up by id and its tracepoint name read
(BPF_OBJ_GET_INFO_BY_FD; perf_event links name their tracepoint since 6.6).

1. With an exec-only rule: no link on the raw sys_exit tracepoint (every
   syscall of every process would pay for it), none on
   syscalls/sys_exit_getppid nor sys_exit_mkdirat, and none on the
   syscalls that only keep the fd table and cwd (close, dup*, fcntl,
   chdir, fchdir) nor on openat: no rule reads that state.
2. Reload adding a mkdirat rule: sys_exit_mkdirat gets a link, and a mkdir
   of ours alerts; reload back: the link is gone.
3. Reload to a rule reading fd.name on sendto/connect: the fd table's
   syscalls (close, dup*, fcntl) get links, and a connect of a unix socket
   made after the reload (through a dup2 copy of its fd) alerts with its name;
   reload back to exec-only: those links are gone again.
4. VIGIL_RAW_SYSCALLS=1 (the fallback tier): the raw sys_exit link, no
   per-syscall ones, and the mkdir still alerts.
5. An enforcing open rule on the signal tier: the enforcement probe sits on
   syscalls/sys_exit_openat (and the rest of the open family), not on the
   raw sys_exit; a reader of the denied file is killed. With
   VIGIL_RAW_SYSCALLS=1 both probes use the raw sys_exit, and it still is.
6. A finit_module rule: where the kernel has syscalls/sys_exit_finit_module
   it gets that link and no raw one; where it has none (modules compiled
   out), nothing watches it by default and the ready line says so; with
   watch_unimplemented_syscalls: true the raw sys_exit is attached and both
   `vigil features` (row syscall_tp_all, hook syscall.finit_module) and the
   ready line say so;
   a reload away detaches it, a reload back says so in its line.
   Start-up cost: the raw tier's programs (handle_*, sys_exit) are loaded only
   when a syscall needs them (none in 1.; in 6. sys_exit and handle_file only).
7. Tier 0, fexit on the syscall wrappers: `vigil features` (row
   syscall_fexit, hook syscall.exit) and the ready line agree on whether
   this kernel allows it and why not. Where it does not (no trampolines,
   this host), the mkdirat rule falls back to its tracepoint and still
   alerts; where it does, mkdirat gets a tracing link and no tracepoint.
   VIGIL_SYSCALL_TIER=tracepoint caps it (said in the ready line), a bad
   value is named and ignored.

usage: test_syscall_hooks.py VIGIL
"""
import ctypes
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77
SYS_BPF = 321  # x86-64
BPF_OBJ_GET_INFO_BY_FD, BPF_LINK_GET_FD_BY_ID = 15, 30
LINK_RAW_TP, LINK_TRACING, LINK_PERF_EVENT = 1, 2, 7
PERF_EVENT_TRACEPOINT = 5

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
passed = failed = 0


def check(cond, what):
    global passed, failed
    passed, failed = passed + bool(cond), failed + (not cond)
    print(f"  {'ok  ' if cond else 'FAIL'} {what}", flush=True)
    return cond


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    return libc.syscall(SYS_BPF, cmd, buf, 128)


def link_tp_name(link_id):
    """The tracepoint a link is on: ('raw', name), ('tp', name) or (None, None)."""
    fd = bpf(BPF_LINK_GET_FD_BY_ID, struct.pack("III", link_id, 0, 0))
    if fd < 0:
        return None, None
    try:
        info = ctypes.create_string_buffer(256)
        name = ctypes.create_string_buffer(128)
        # first the link's type alone; then its name, whose pointer sits at 16 for a
        # raw_tracepoint link and at 24 for a perf_event link's tracepoint
        if bpf(BPF_OBJ_GET_INFO_BY_FD, struct.pack("IIQ", fd, 256, ctypes.addressof(info))) < 0:
            return None, None
        ltype = struct.unpack_from("I", info, 0)[0]
        if ltype == LINK_TRACING:  # fexit (tier 0): its target is a BTF id, not a name
            return "tracing", ""
        if ltype not in (LINK_RAW_TP, LINK_PERF_EVENT):
            return None, None
        ctypes.memset(info, 0, 256)
        struct.pack_into("QI", info, 16 if ltype == LINK_RAW_TP else 24, ctypes.addressof(name), 128)
        if bpf(BPF_OBJ_GET_INFO_BY_FD, struct.pack("IIQ", fd, 256, ctypes.addressof(info))) < 0:
            return None, None
        if ltype == LINK_RAW_TP:
            return "raw", name.value.decode()
        if struct.unpack_from("I", info, 16)[0] != PERF_EVENT_TRACEPOINT:
            return None, None
        return "tp", name.value.decode()
    finally:
        os.close(fd)


def fdinfo_ids(pid, key):
    """The `key:` ids (link_id, prog_id) in the fdinfo of every fd process pid holds."""
    ids = []
    for fd in os.listdir(f"/proc/{pid}/fdinfo"):
        try:
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                text = f.read()
        except OSError:
            continue
        ids += [int(line.split()[1]) for line in text.splitlines()
                if line.startswith(f"{key}:")]
    return ids


def links_of(pid):
    """(kind, tracepoint) of every BPF link process pid holds."""
    return [link_tp_name(i) for i in fdinfo_ids(pid, "link_id")]


BPF_PROG_GET_FD_BY_ID = 13
# the raw tier's programs as the kernel names them (15 bytes: handle_file_cast's build too)
FILE_RAW = {"handle_file", "handle_file_cas"}
RAW_PROGS = FILE_RAW | {"handle_sock", "handle_plain", "sys_exit"}


def prog_name(prog_id):
    """A loaded program's name (bpf_prog_info.name, at 64), or None."""
    fd = bpf(BPF_PROG_GET_FD_BY_ID, struct.pack("III", prog_id, 0, 0))
    if fd < 0:
        return None
    try:
        info = ctypes.create_string_buffer(256)
        if bpf(BPF_OBJ_GET_INFO_BY_FD, struct.pack("IIQ", fd, 256, ctypes.addressof(info))) < 0:
            return None
        return info.raw[64:80].split(b"\0")[0].decode()
    finally:
        os.close(fd)


def progs_of(pid):
    """The names of the BPF programs process pid holds."""
    return {prog_name(i) for i in fdinfo_ids(pid, "prog_id")}


def wait_for(path, needle, pid, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        with open(path, errors="replace") as f:
            if needle in f.read():
                return True
        if os.waitpid(pid, os.WNOHANG)[0]:
            return False
        time.sleep(0.1)
    return False


def rule(name, cond, out="%fs.path.name"):
    return f"- rule: {name}\n  desc: d\n  condition: {cond}\n  output: \"{name} {out}\"\n  priority: NOTICE\n"


def mkdir_alerts(d, alerts, tag):
    target = f"{d}/{tag}"
    os.mkdir(target)
    end = time.time() + 10
    while time.time() < end:
        with open(alerts, errors="replace") as f:
            if target in f.read():
                return True
        time.sleep(0.1)
    return False


# what keeps the fd table and the cwd right; attached only while a rule reads them
STATE_SYSCALLS = ("close", "dup", "dup2", "dup3", "fcntl", "chdir", "fchdir")


def tp_links(pid):
    return {n for k, n in links_of(pid) if k == "tp"}


def wait_links(pid, cond, timeout=45):
    end = time.time() + timeout
    while time.time() < end and not cond(tp_links(pid)):
        time.sleep(0.2)
    return cond(tp_links(pid))


def fd_name_alerts(d, p, marker, exec_only):
    """Part 3: a rule reading fd.name brings the fd table's syscalls, and fires."""
    print("3. reload to a rule reading fd.name: the fd table's syscalls are attached")
    # vigil captures no read/write: sendto and connect are its I/O on an fd
    fd_rule = rule("FdName", f"evt.type in (sendto, connect) and fd.name contains {marker}",
                   "%fd.name")
    table = {"sys_exit_close", "sys_exit_dup2", "sys_exit_fcntl"}
    write_rules(d, exec_only + fd_rule)
    check(wait_links(p.pid, lambda t: table <= t), "close, dup2 and fcntl attached")
    io = {"sys_exit_sendto", "sys_exit_connect"}
    check(wait_links(p.pid, lambda t: io <= t),
          f"sendto and connect attached ({sorted(tp_links(p.pid))})")
    target = f"{d}/{marker}-sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(target)
    client = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    copy = os.dup2(client.fileno(), 200)  # the name must follow the copy, not the original
    client.close()
    moved = socket.socket(fileno=copy)
    moved.connect(target)
    moved.send(b"x")
    moved.close()
    server.close()
    end, seen = time.time() + 10, False
    while time.time() < end and not seen:
        with open(f"{d}/alerts.json", errors="replace") as f:
            seen = any("FdName" in line and target in line for line in f)
        time.sleep(0.1)
    check(seen, "the connect of a socket made after the reload alerts with its fd.name")
    write_rules(d, exec_only)
    state = {f"sys_exit_{n}" for n in STATE_SYSCALLS}
    check(wait_links(p.pid, lambda t: not (t & state)),
          "reload back: the fd table's links are gone")


def enforce_hooks(d, marker, exec_only):
    """Part 5: the signal tier's exits are per-syscall too."""
    print("5. an enforcing open rule (signal tier): per-syscall exits, no raw sys_exit")
    secret = f"{d}/{marker}-secret"
    with open(secret, "w") as f:
        f.write("s")
    kill = rule("KillReader", f"evt.type in (open, openat, openat2) and fd.name = {secret} "
                "and evt.is_open_read = true", "%fd.name") + "  action: kill\n"
    write_rules(d, exec_only + kill)
    for raw in (False, True):
        env = dict(os.environ, VIGIL_RAW_SYSCALLS="1") if raw else dict(os.environ)
        p, ok = start(d, env, ("--enforce", "on", "--enforce-tier", "signal"))
        if not check(ok, f"vigil ready (VIGIL_RAW_SYSCALLS={int(raw)})"):
            p.kill()
            return
        links = links_of(p.pid)
        if raw:  # tier 2: the raw sys_exit for both probes, no per-syscall link
            check(("raw", "sys_exit") in links and not any(k == "tp" for k, n in links),
                  "tier 2: the raw sys_exit, no per-syscall link")
        else:
            check(("raw", "sys_exit") not in links, "no link on the raw sys_exit tracepoint")
            check(("tp", "sys_exit_openat") in links, "a link on syscalls/sys_exit_openat")
            check(("tp", "sys_exit_getppid") not in links, "none on syscalls/sys_exit_getppid")
        r = subprocess.run([sys.executable, "-c", f"open({secret!r}).read()"])
        check(r.returncode == -9, f"the reader of the denied file is killed ({r.returncode})")
        stop(p)


def missing_tracepoint(d, marker, exec_only):
    """Part 6: a wanted syscall without a tracepoint is named wherever the raw one runs."""
    print("6. a finit_module rule: its tracepoint, else the raw sys_exit, said so")
    events = "/sys/kernel/tracing/events/syscalls"
    has_tp = os.path.exists(f"{events}/sys_exit_finit_module")
    feats = json.loads(subprocess.run([VIGIL, "features", "--json"], capture_output=True,
                                      text=True).stdout)
    gap = feats["features"]["syscall_tp_all"]
    hooks = {h["hook"]: h["tier"] for h in feats["hooks"]}
    if has_tp:
        check(gap["ok"] and "syscall.finit_module" not in hooks, "features: no gap")
    else:
        check(not gap["ok"] and "finit_module" in gap["detail"],
              f"features: syscall_tp_all names finit_module ({gap['detail']})")
        check(hooks.get("syscall.finit_module") == "raw_sys_exit",
              "features: hook syscall.finit_module on raw_sys_exit")
    write_rules(d, exec_only + rule("Module", "evt.type = finit_module", "%proc.name"))
    if not has_tp:
        # by default a syscall the kernel lacks is not watched: no raw link, said so
        p, ok = start(d, dict(os.environ))
        if check(ok, "vigil ready (default: unimplemented syscalls not watched)"):
            ready = [line for line in open(f"{d}/err") if "vigil: ready" in line][0]
            check(("raw", "sys_exit") not in links_of(p.pid), "no raw sys_exit link")
            check("not watched: finit_module" in ready, "the ready line names finit_module")
        stop(p)
    p, ok = start(d, dict(os.environ), ("-o", "watch_unimplemented_syscalls=true"))
    if not check(ok, "vigil ready (watch_unimplemented_syscalls: true)"):
        p.kill()
        return
    links = links_of(p.pid)
    ready = [line for line in open(f"{d}/err") if "vigil: ready" in line][0]
    if has_tp:
        check(("tp", "sys_exit_finit_module") in links and ("raw", "sys_exit") not in links,
              "sys_exit_finit_module, no raw sys_exit")
    else:
        check(("raw", "sys_exit") in links, "the raw sys_exit link")
        progs = progs_of(p.pid)
        # the open path's file handler in either build (names cut at 15 bytes)
        check("sys_exit" in progs and bool(FILE_RAW & progs) and "handle_sock" not in progs,
              f"the raw tier: sys_exit and finit_module's family only ({sorted(progs)})")
        check("raw sys_exit for finit_module" in ready, "the ready line names finit_module")
        write_rules(d, exec_only)
        check(wait_gone(p.pid, ("raw", "sys_exit")), "reload to exec-only: the raw link goes")
        write_rules(d, exec_only + rule("Module2", "evt.type = finit_module", "%proc.name"))
        check(wait_for(f"{d}/err", "syscalls and the raw sys_exit for finit_module",
                       p.pid, 20), "reload back: its line names finit_module")
    stop(p)


def wait_gone(pid, link, timeout=45):
    end = time.time() + timeout
    while time.time() < end and link in links_of(pid):
        time.sleep(0.2)
    return link not in links_of(pid)


def start(d, env, extra=()):
    err = open(f"{d}/err", "w")
    p = subprocess.Popen([VIGIL, "run", "-c", f"{d}/vigil.yaml", "-r", f"{d}/rules.yaml", *extra],
                         stdout=subprocess.DEVNULL, stderr=err, env=env)
    ok = wait_for(f"{d}/err", "vigil: ready", p.pid)
    return p, ok


def stop(p):
    p.terminate()
    p.wait(timeout=30)


def write_rules(d, text):
    with open(f"{d}/rules.tmp", "w") as f:
        f.write(text)
    os.rename(f"{d}/rules.tmp", f"{d}/rules.yaml")


def ready_fexit(d):
    """The ready line's (fexit count, why none or "", sys_exit tracepoint count)."""
    import re
    ready = [line for line in open(f"{d}/err") if "vigil: ready" in line][0]
    m = re.search(r"syscalls: (\d+) fexit(?: \[([^]]*)\])?, (\d+) sys_exit tracepoints", ready)
    return (int(m.group(1)), m.group(2) or "", int(m.group(3))) if m else (None, None, None)


def fexit_tier(d, marker, with_mkdir):
    """Part 7: tier 0 where the kernel allows trampolines, the fallback said where not."""
    print("7. fexit on the syscall wrappers: chosen by trying, said, capped on request")
    feats = json.loads(subprocess.run([VIGIL, "features", "--json"], capture_output=True,
                                      text=True).stdout)
    fx = feats["features"].get("syscall_fexit")
    hooks = {h["hook"]: h["tier"] for h in feats["hooks"]}
    if not check(fx is not None, "features: a syscall_fexit row"):
        return
    check(hooks.get("syscall.exit") == ("fexit" if fx["ok"] else "syscall_tp"),
          f"features: syscall.exit on {hooks.get('syscall.exit')} (syscall_fexit ok={fx['ok']})")
    write_rules(d, with_mkdir)
    p, ok = start(d, dict(os.environ))
    if not check(ok, "vigil ready"):
        p.kill()
        return
    nfx, why, ntp = ready_fexit(d)
    links = links_of(p.pid)
    if fx["ok"]:
        check(nfx and nfx > 0 and ntp == 0, f"ready: {nfx} fexit, {ntp} tracepoints")
        check(("tracing", "") in links and ("tp", "sys_exit_mkdirat") not in links,
              "mkdirat on a tracing link, not its tracepoint")
    else:
        check(nfx == 0 and why == fx["detail"],
              f"ready: 0 fexit, for the reason features gives ({why!r} / {fx['detail']!r})")
        check(("tp", "sys_exit_mkdirat") in links and ("tracing", "") not in links,
              "fallback: mkdirat on its tracepoint, no tracing link")
    check(mkdir_alerts(d, f"{d}/alerts.json", f"{marker}-fx"), "the mkdir alerts")
    stop(p)
    p, ok = start(d, dict(os.environ, VIGIL_SYSCALL_TIER="tracepoint"))
    check(ok, "vigil ready (VIGIL_SYSCALL_TIER=tracepoint)")
    nfx, why, ntp = ready_fexit(d)
    check(nfx == 0 and why == "VIGIL_SYSCALL_TIER caps it at tracepoint" and ntp > 0,
          f"ready: 0 fexit ({why}), {ntp} tracepoints")
    check(("tp", "sys_exit_mkdirat") in links_of(p.pid), "mkdirat on its tracepoint")
    stop(p)
    p, ok = start(d, dict(os.environ, VIGIL_SYSCALL_TIER="fast"))
    check(ok and "VIGIL_SYSCALL_TIER=fast is not auto" in open(f"{d}/err").read(),
          "VIGIL_SYSCALL_TIER=fast: named and ignored")
    stop(p)


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root")
        return SKIP
    d = tempfile.mkdtemp(prefix="vigil-schooks-")
    marker = f"vgsh{os.getpid()}"
    exec_only = rule("ExecOnly", f"evt.type = execve and proc.name = {marker}", "%proc.name")
    with_mkdir = exec_only + rule("Mkdir", f"evt.type in (mkdir, mkdirat) and fs.path.name contains {marker}")
    with open(f"{d}/vigil.yaml", "w") as f:
        f.write(f"stdout_output:\n  enabled: false\nfile_output:\n  enabled: true\n"
                f"  filename: {d}/alerts.json\nmetrics:\n  enabled: false\n")
    open(f"{d}/alerts.json", "w").close()

    print("1. exec-only rules: no raw sys_exit, no getppid/mkdirat program")
    write_rules(d, exec_only)
    p, ok = start(d, dict(os.environ))
    if not check(ok, "vigil ready"):
        print(open(f"{d}/err").read()[-2000:])
        p.kill()
        return 1
    links = links_of(p.pid)
    tps = {n for k, n in links if k == "tp"}
    check(("raw", "sys_exit") not in links, "no link on the raw sys_exit tracepoint")
    check("sys_exit_getppid" not in tps, "no link on syscalls/sys_exit_getppid")
    check("sys_exit_mkdirat" not in tps, "no link on syscalls/sys_exit_mkdirat")
    state = {f"sys_exit_{n}" for n in STATE_SYSCALLS}
    check(not (tps & state), f"no link for the fd table or cwd ({sorted(tps & state)})")
    check("sys_exit_openat" not in tps, "no link on syscalls/sys_exit_openat")
    # the verifier's time is most of start-up: a tier no syscall uses is not loaded
    progs = progs_of(p.pid)
    check(bool({"tp_file", "tp_file_cast"} & progs) and not (progs & RAW_PROGS),
          f"the raw tier's programs are not loaded ({sorted(progs & RAW_PROGS)})")

    print("2. reload adds a mkdirat rule: its tracepoint gets a program")
    write_rules(d, with_mkdir)
    wait_for(f"{d}/err", "reload", p.pid, 30)
    end = time.time() + 20
    while time.time() < end and "sys_exit_mkdirat" not in {n for k, n in links_of(p.pid)}:
        time.sleep(0.2)
    check("sys_exit_mkdirat" in {n for k, n in links_of(p.pid)}, "sys_exit_mkdirat attached")
    check(("raw", "sys_exit") not in links_of(p.pid), "still no raw sys_exit link")
    check(mkdir_alerts(d, f"{d}/alerts.json", f"{marker}-a"), "the mkdir alerts")
    write_rules(d, exec_only)
    end = time.time() + 20
    while time.time() < end and "sys_exit_mkdirat" in {n for k, n in links_of(p.pid)}:
        time.sleep(0.2)
    check("sys_exit_mkdirat" not in {n for k, n in links_of(p.pid)},
          "reload back: sys_exit_mkdirat detached")
    fd_name_alerts(d, p, marker, exec_only)
    stop(p)

    print("4. VIGIL_RAW_SYSCALLS=1: the fallback tier still reports")
    write_rules(d, with_mkdir)
    p, ok = start(d, dict(os.environ, VIGIL_RAW_SYSCALLS="1"))
    check(ok, "vigil ready")
    links = links_of(p.pid)
    check(("raw", "sys_exit") in links, "the raw sys_exit link")
    check(not any(k == "tp" and n.startswith("sys_exit_") for k, n in links),
          "no per-syscall links")
    check(mkdir_alerts(d, f"{d}/alerts.json", f"{marker}-b"), "the mkdir alerts")
    stop(p)
    enforce_hooks(d, marker, exec_only)
    missing_tracepoint(d, marker, exec_only)
    fexit_tier(d, marker, with_mkdir)
    if not failed:
        subprocess.run(["rm", "-rf", d])
    else:
        print(open(f"{d}/err").read()[-1500:])
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    VIGIL = sys.argv[1]
    sys.exit(main())
