#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Live kernel, as root: hostile names and argv, and secrets in the environment.

A binary named `evil\\xff` is run with argv holding bytes that are not UTF-8
(a lone 0xff, an overlong, a surrogate), a 0x01 control byte, a quote and a
backslash, and SECRET_TOKEN=hunter2-<nonce> in its environment, while these
run, one after the other: `vigil run` with a rule that matches it, `vigil
events` with the default, redacted and full environment, and `vigil
capture` by default and with --env=full (under umask 0, over an existing
0666 file). Then:
- every alert and events line is strict UTF-8 and JSON (Python's decoder,
  errors='strict'), the hostile strings read with U+FFFD, and vigil.raw /
  raw give their exact bytes back;
- hunter2 is nowhere in default events or captures, redacted events keep
  the names only, --env=full keeps the value;
- both capture files are 0600; the default capture replays to the same
  alert for the exec.
  test_live_hostile.py VIGIL
"""
import base64
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time

SKIP = 77
VIGIL = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("VIGIL_BIN", "")
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


def strict_lines(path):
    """Every line as JSON, decoded as UTF-8 with errors='strict'; raises on the first bad one."""
    out = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            text = raw.decode("utf-8", errors="strict")
            obj = json.loads(text)
            if not isinstance(obj, dict):
                raise ValueError(f"{path}:{n}: not an object")
            out.append(obj)
    return out


def all_strict(path, what):
    try:
        return check(True, f"{what}: {len(strict_lines(path))} lines, all strict UTF-8 JSON")
    except (UnicodeDecodeError, ValueError) as e:
        return check(False, f"{what}: {e}")


def b64(obj, key):
    v = (obj or {}).get(key)
    return base64.b64decode(v, validate=True) if isinstance(v, str) else None


def wait_ready(errpath, proc):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(errpath, errors="replace") as f:
            if "vigil: ready" in f.read():
                return True
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    with open(errpath, errors="replace") as f:
        print(f"vigil did not start:\n{f.read()[-2000:]}")
    return False


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root")
        return SKIP
    if not os.access(VIGIL, os.X_OK):
        print(f"SKIP: no vigil binary at {VIGIL!r}")
        return SKIP
    d = tempfile.mkdtemp(prefix="vigil-hostile-")
    ddir = d.encode()
    nonce = f"{os.getpid()}x{int(time.time())}"
    secret = f"hunter2-{nonce}"
    exe = ddir + b"/evil\xff"
    arg1 = b'a\x01"\\\xc0\xaf'  # control byte, quote, backslash, overlong '/'
    arg2 = b"\xed\xa0\x80" + nonce.encode()  # a UTF-16 surrogate
    with open("/bin/true", "rb") as src, open(exe, "wb") as dst:
        dst.write(src.read())
    os.chmod(exe, 0o755)
    rules = f"{d}/rules.yaml"
    with open(rules, "w") as f:
        f.write("- rule: hostile exec\n"
                "  desc: the test's binary\n"
                f"  condition: evt.type in (execve, execveat) and proc.exepath startswith {d}/\n"
                "  output: exe=%proc.exepath cmd=%proc.cmdline name=%proc.name\n"
                "  priority: WARNING\n")
    cap_default, cap_full = f"{d}/default.cap", f"{d}/full.cap"
    with open(cap_full, "w"):
        pass
    os.chmod(cap_full, 0o666)  # an existing world-readable file must end 0600
    runs = {
        "alerts": ["run", "-r", rules, "-o", "metrics.enabled=false"],
        "events": ["events"],
        "events_redacted": ["events", "--env=redacted"],
        "events_full": ["events", "--env=full"],
        "capture_default": ["capture", "-w", cap_default],
        "capture_full": ["capture", "-w", cap_full, "--env=full"],
    }
    env = {"PATH": "/usr/bin:/bin", "SECRET_TOKEN": secret, "PLAIN_VAR": f"visible-{nonce}"}
    # one vigil at a time: each one's writes are events for the others
    for name, args in runs.items():
        t0 = time.monotonic()
        old_umask = os.umask(0)  # the capture's mode must not depend on it
        try:
            p = subprocess.Popen(
                [VIGIL] + args, stdin=subprocess.DEVNULL,
                stdout=open(f"{d}/{name}.out", "wb"), stderr=open(f"{d}/{name}.err", "w"))
        finally:
            os.umask(old_umask)
        try:
            if not check(wait_ready(f"{d}/{name}.err", p), f"vigil {name} ready"):
                continue  # the checks of its output fail below
            print(f"  {name}: ready after {time.monotonic() - t0:.1f} s", flush=True)
            r = subprocess.run([exe, arg1, arg2], env=env)
            check(r.returncode == 0, f"{name}: the hostile binary ran")
            time.sleep(1)
        finally:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        print(f"  {name}: done after {time.monotonic() - t0:.1f} s", flush=True)

    # 1. alerts: strict JSON, the hostile strings repaired, their bytes under vigil.raw
    if all_strict(f"{d}/alerts.out", "vigil run alerts"):
        mine = [a for a in strict_lines(f"{d}/alerts.out") if a.get("rule") == "hostile exec"]
        check(len(mine) >= 1, f"an alert for the hostile exec ({len(mine)})")
        a = mine[0] if mine else {}
        raw = a.get("vigil", {}).get("raw", {})
        check(a.get("output_fields", {}).get("proc.exepath") == d + "/evil\ufffd",
              "proc.exepath reads evil\\ufffd")
        check(b64(raw, "proc.exepath") == exe, "vigil.raw[proc.exepath] is the exact path")
        check(b64(raw, "vigil.process.exe") == exe, "vigil.raw[vigil.process.exe] exact")
        args = a.get("vigil", {}).get("process", {}).get("args", [])
        check(args[1:2] == ['a\x01"\\\ufffd\ufffd'], f"argv[1] repaired: {args[1:2]!r}")
        check(b64(raw, "vigil.process.args[1]") == arg1, "vigil.raw argv[1] exact")
        check(b64(raw, "vigil.process.args[2]") == arg2, "vigil.raw argv[2] exact")
        check(b64(raw, "proc.name") == b"evil\xff", "vigil.raw[proc.name] is the comm")

    # 2. events: strict JSON with raw, and the environment by --env
    def my_exec(name):
        if not all_strict(f"{d}/{name}.out", f"vigil {name}"):
            return {}
        evs = [e for e in strict_lines(f"{d}/{name}.out")
               if e.get("type") == "exec" and b64(e.get("raw"), "exe") == exe]
        check(len(evs) == 1, f"{name}: the hostile exec, found by its raw exe bytes")
        return evs[0] if evs else {}

    e = my_exec("events")
    check(b64(e.get("raw"), "args[1]") == arg1 and b64(e.get("raw"), "args[2]") == arg2,
          "events raw argv exact")
    check("env" not in e, "events: no env by default")
    with open(f"{d}/events.out", "rb") as f:
        check(b"hunter2" not in f.read(), "events: hunter2 nowhere by default")
    e = my_exec("events_redacted")
    check("SECRET_TOKEN=<redacted>" in e.get("env", []), "redacted: the secret's name kept")
    check(f"PLAIN_VAR=visible-{nonce}" in e.get("env", []), "redacted: other values kept")
    with open(f"{d}/events_redacted.out", "rb") as f:
        check(b"hunter2" not in f.read(), "redacted: hunter2 nowhere")
    e = my_exec("events_full")
    check(f"SECRET_TOKEN={secret}" in e.get("env", []), "--env=full: the value is there")

    # 3. captures: 0600 whatever the umask or the old mode; the secret only with --env=full
    for path, want in ((cap_default, False), (cap_full, True)):
        if not check(os.path.exists(path), f"{os.path.basename(path)} written"):
            continue
        mode = stat.S_IMODE(os.stat(path).st_mode)
        check(mode == 0o600, f"{os.path.basename(path)} is 0600 ({oct(mode)})")
        with open(path, "rb") as f:
            data = f.read()
        check((secret.encode() in data) == want,
              f"{os.path.basename(path)} {'has' if want else 'has not'} the secret bytes")
        check(arg2 in data, f"{os.path.basename(path)} recorded the exec")

    # 4. the default capture replays to the same alert, exact bytes and all
    out = f"{d}/replayed.out"
    with open(out, "wb") as f:
        r = subprocess.run([VIGIL, "replay", "-r", rules, cap_default], stdout=f,
                           stderr=subprocess.DEVNULL)
    check(r.returncode == 0, "replay of the default capture")
    if all_strict(out, "replayed alerts"):
        mine = [a for a in strict_lines(out) if a.get("rule") == "hostile exec"]
        check(len(mine) >= 1 and b64(mine[0]["vigil"].get("raw"), "vigil.process.args[1]") == arg1,
              "the replayed alert carries argv[1]'s exact bytes")
    print(f"live_hostile: {passed} passed, {failed} failed", flush=True)
    if failed:
        print(f"kept {d} for a look")
    else:
        subprocess.run(["rm", "-rf", d])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
