# SPDX-License-Identifier: Apache-2.0
"""Recording the detection suite's triggers, and replaying them without a kernel.

--record DIR: a `vigil capture` runs beside `vigil run` for the whole suite.
At the end the capture is read back (`vigil replay --events`) and cut at the
marker execs into one file per case run: the events of the case's own
processes between its two markers, as `vigil events` JSON lines (each event
carries its parent and ancestors, which stand in for the process table),
gzipped, plus DIR/manifest.json with the live verdicts. Environments are not
recorded (the capture's default), so rules on `proc.env` do not match in a
replay.

--replay DIR: each file goes through `vigil replay -r RULES` and the verdict
(an expected rule fired / a benign run stayed quiet) must be the live one.

What this covers: the rule engine, the decoder's view of recorded events and
the process state rebuilt from them, for the event kinds and paths the
recording vigil asked the kernel for. What it does not: the probes, the
kernel's prefilters, container metadata (a replay reads no runtime state, so
`container.*` rules see the host), and anything a rule reads that was not in
a recorded event (a new syscall, a path the recording's prefilter dropped):
re-record after such a rule change."""
import gzip
import json
import os
import signal
import subprocess
import sys
import time


def log(msg):
    print(f"[det] {msg}", file=sys.stderr, flush=True)


def safe_name(case_id, where):
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in case_id) + f".{where}"


class Recorder:
    def __init__(self, env, vigil, outdir, die_with_parent):
        self.env = env
        self.vigil = vigil
        self.dir = os.path.abspath(outdir)
        os.makedirs(self.dir, exist_ok=True)
        self.cap = f"{env.base}/run.cap"
        self.logf = open(f"{env.base}/capture.log", "w+")
        self.proc = None
        self.preexec = die_with_parent

    def start(self):
        self.proc = subprocess.Popen(
            [self.vigil, "capture", "-w", self.cap],
            stdin=subprocess.DEVNULL, stdout=self.logf, stderr=subprocess.STDOUT,
            preexec_fn=self.preexec)
        self.env.helper_pids.add(self.proc.pid)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"vigil capture exited: {self._log()}")
            if "vigil: ready" in self._log():
                return
            time.sleep(0.1)
        raise RuntimeError(f"vigil capture not ready: {self._log()}")

    def _log(self):
        self.logf.flush()
        with open(self.logf.name) as f:
            return f.read()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def split(self, results, rules_of, belongs):
        """Cuts the capture into one gzipped JSON-lines file per case run."""
        self.stop()
        want = {}  # start token -> result
        for r in results:
            toks = (getattr(r, "ids", None) or {}).get("tokens")
            if toks and len(toks) == 2:
                want[toks[0]] = r
        p = subprocess.Popen([self.vigil, "replay", "--events", "-r",
                              f"{self.env.base}/marker.yaml", self.cap],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        cur, out, manifest = None, None, []
        for line in p.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if ev.get("type") == "exec" and ev.get("exe") == self.env.marker:
                tok = (ev.get("args") or [None, None])[1:2]
                tok = tok[0] if tok else None
                if cur is None and tok in want:
                    cur = want[tok]
                    name = safe_name(cur.item.id, cur.where) + ".jsonl.gz"
                    out = gzip.open(f"{self.dir}/{name}", "wt")
                    manifest.append(self._entry(cur, name, rules_of))
                elif cur is not None and tok == cur.ids["tokens"][1]:
                    out.close()
                    cur, out = None, None
                continue
            if cur is None:
                continue
            anc = [a.get("pid") for a in ev.get("ancestors") or []]
            ids = dict(cur.ids, harness=os.getpid())
            if belongs(ev.get("pid"), ev.get("cgroup_id"), None, anc, ids,
                       self.env.helper_pids):
                out.write(line)
        p.wait()
        if out:
            out.close()
        with open(f"{self.dir}/manifest.json", "w") as f:
            json.dump(manifest, f, indent=1)
            f.write("\n")
        total = sum(os.path.getsize(f"{self.dir}/{m['file']}") for m in manifest)
        log(f"recorded {len(manifest)} case runs in {self.dir} ({total // 1024} KiB)")

    @staticmethod
    def _entry(r, name, rules_of):
        return {"file": name, "id": r.item.id, "where": r.where,
                "kind": "case" if rules_of(r.item) is not None else "benign",
                "rules": rules_of(r.item) or [],
                "live": {"status": r.status, "fired": r.fired, "others": r.others}}


def replay(vigil, rules, indir, current):
    """Replays every recorded case run; returns the exit code."""
    with open(f"{indir}/manifest.json") as f:
        manifest = json.load(f)
    rows, failed = [], 0
    for m in manifest:
        item = current.get(m["id"])
        want = set(item.rules) if item is not None and hasattr(item, "rules") \
            else set(m["rules"])
        cmd = [vigil, "replay"]
        for r in rules:
            cmd += ["-r", r]
        with gzip.open(f"{indir}/{m['file']}", "rb") as f:
            data = f.read()
        r = subprocess.run(cmd + ["-"], input=data, capture_output=True)
        if r.returncode != 0:
            rows.append(("FAIL", m, [], {}, f"vigil replay exited {r.returncode}: "
                         + r.stderr.decode(errors="replace").strip()[-300:]))
            failed += 1
            continue
        fired, others = [], {}
        for line in r.stdout.decode(errors="replace").splitlines():
            try:
                a = json.loads(line)
            except ValueError:
                continue
            rule = a.get("rule")
            if rule in want:
                fired.append(rule) if rule not in fired else None
            else:
                others[rule] = others.get(rule, 0) + 1
        ok = bool(fired) if m["kind"] == "case" else not others
        live_ok = m["live"]["status"] == "PASS"
        note = "" if ok == live_ok else f"live said {m['live']['status']}"
        status = "PASS" if ok else "FAIL"
        failed += status == "FAIL"
        rows.append((status, m, fired, others, note))
    for status, m, fired, others, note in rows:
        o = ", ".join(sorted(others))
        print(f"{status:4}  {m['id']:45} {m['where']:9} "
              f"{', '.join(fired) or ('-' if m['kind'] == 'benign' else 'NONE'):30} "
              f"{o}{'; ' if o and note else ''}{note}")
    print(f"\n{len(rows)} recorded runs replayed: {len(rows) - failed} passed, {failed} failed")
    return 1 if failed or not rows else 0
