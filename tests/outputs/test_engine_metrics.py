#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The engine's own metrics, scraped by a real Prometheus (Debian's package)
from a live `vigil run`: a rule on a uniquely named program, which the test
runs N times; then the numbers Prometheus holds must be the ones the test
caused: vigil_alerts_total for the rule equals the alerts the file output
received (N), exec events and the kernel's sent counter cover the N runs,
the sampled rule-evaluation histogram is consistent, the table gauges are
plausible, and a SIGHUP shows as a successful reload.

Needs root; skips (77) otherwise. usage: test_engine_metrics.py OUTPUTS_DRIVER REPO_ROOT"""
import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import Checker, ensure, free_port, skip, tmpdir, wait_until  # noqa: E402

ROOT = sys.argv[2]
T = Checker("test_engine_metrics")
VIGIL = os.environ.get("VIGIL_BIN") or os.path.join(ROOT, "build", "engine", "vigil")
if os.geteuid() != 0:
    skip("needs root to load BPF programs")
if not os.access(VIGIL, os.X_OK):
    skip(f"no vigil binary at {VIGIL}")
ensure({"/usr/bin/prometheus": "prometheus"})

D = tmpdir("vigil-emetrics-")
NAME = f"vgem{os.getpid() % 100000}"
PROG = os.path.join(D, NAME)
shutil.copy("/bin/true", PROG)
RULE = "Engine metrics program ran"
N = 40
with open(f"{D}/rules.yaml", "w") as f:
    f.write(f"""- rule: {RULE}
  desc: the test's program ran
  condition: evt.type in (execve, execveat) and proc.name = {NAME}
  output: "{NAME} ran (%proc.cmdline)"
  priority: WARNING
- rule: Engine metrics disabled by the config
  desc: never alerts, the config disables it by tag
  condition: evt.type = execve and proc.name = {NAME}
  output: "never"
  priority: WARNING
  tags: [off_by_config]
""")
mport = free_port()
with open(f"{D}/vigil.yaml", "w") as f:
    f.write(f"""stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: {D}/alerts.json
rules:
  - disable: {{tag: off_by_config}}
rule_matching: all
metrics:
  enabled: true
  listen_address: 127.0.0.1:{mport}
""")


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


err = open(f"{D}/vigil.err", "w+")
v = subprocess.Popen([VIGIL, "run", "-c", f"{D}/vigil.yaml", "-r", f"{D}/rules.yaml"],
                     stdout=subprocess.DEVNULL, stderr=err)
prom = None


def log():
    err.flush()
    with open(f"{D}/vigil.err") as f:
        return f.read()


def alerts():
    if not os.path.exists(f"{D}/alerts.json"):
        return []
    with open(f"{D}/alerts.json") as f:
        return [json.loads(x) for x in f if x.endswith("\n")]


try:
    wait_until(lambda: "ready" in log() or v.poll() is not None, "vigil to be ready", 120)
    if not T.check(v.poll() is None, "vigil is running"):
        raise AssertionError(f"vigil exited with {v.returncode}")
    for i in range(N):
        subprocess.run([PROG, str(i)], check=True)
    wait_until(lambda: len(alerts()) >= N, f"{N} alerts in the file")
    T.eq(len(alerts()), N, "alerts received (the disabled rule adds none, rule_matching all)")
    v.send_signal(signal.SIGHUP)
    wait_until(lambda: "reload (SIGHUP)" in log(), "the SIGHUP reload")

    pport = free_port()
    with open(f"{D}/prometheus.yml", "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: vigil
    static_configs:
      - targets: ["127.0.0.1:{mport}"]
""")
    prom = subprocess.Popen(
        ["/usr/bin/prometheus", f"--config.file={D}/prometheus.yml",
         f"--storage.tsdb.path={D}/data", f"--web.listen-address=127.0.0.1:{pport}",
         "--log.level=warn"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    api = f"http://127.0.0.1:{pport}/api/v1"

    def target():
        if prom.poll() is not None:
            raise AssertionError(f"prometheus exited: {prom.stderr.read().decode()[-1000:]}")
        try:
            t = json.loads(get(f"{api}/targets"))["data"]["activeTargets"]
        except OSError:
            return None
        return t[0] if t and t[0]["health"] != "unknown" else None

    t = wait_until(target, "Prometheus to scrape vigil once")
    T.eq(t["health"], "up", "target health")
    T.eq(t["lastError"], "", "scrape error (the exposition text parsed)")

    def q(expr):
        r = json.loads(get(f"{api}/query?query=" + urllib.parse.quote(expr)))
        return r["data"]["result"]

    def value(expr):
        res = wait_until(lambda: q(expr), f"{expr} to be queryable")
        return float(res[0]["value"][1])

    T.eq(value(f'vigil_alerts_total{{rule="{RULE}",priority="Warning"}}'), float(N),
         "vigil_alerts_total of the rule == alerts received")
    T.eq(q('vigil_alerts_total{rule="Engine metrics disabled by the config"}'), [],
         "no series for the rule the config disabled")
    T.eq(value('vigil_rules{state="disabled"}'), 1.0, "vigil_rules{state=disabled}")
    T.eq(value('vigil_rules{state="enabled"}'), 1.0, "vigil_rules{state=enabled}")
    ev = value('vigil_events_total{type="exec"}')
    T.check(ev >= N, f"vigil_events_total{{type=exec}} {ev} >= {N}")
    ks = value('vigil_kernel_events_total{kind="exec"}')
    T.check(ks >= ev, f"kernel sent {ks} >= decoded {ev}")
    dropped = q('vigil_kernel_events_dropped_total')
    T.eq(sorted(r["metric"]["kind"] for r in dropped), ["creds", "exec", "exit", "fork", "syscall"],
         "kernel drops by kind")
    T.eq(value("vigil_events_malformed_total"), 0.0, "malformed records")
    cnt = value("vigil_rule_eval_seconds_count")
    inf = value('vigil_rule_eval_seconds_bucket{le="+Inf"}')
    total = value("sum(vigil_events_total)")
    T.check(0 < cnt == inf, f"eval histogram: count {cnt} == +Inf bucket {inf} > 0")
    T.check(cnt <= total / 64 + 1, f"eval histogram samples 1 in 64: {cnt} of {total}")
    T.check(value("vigil_rule_eval_seconds_sum") > 0, "eval histogram sum > 0")
    procs = value("vigil_process_table_entries")
    T.check(procs >= 10, f"vigil_process_table_entries {procs} (a live host has processes)")
    T.check(bool(q("vigil_fd_table_entries")), "vigil_fd_table_entries present")
    T.check(bool(q("vigil_container_cache_entries")), "vigil_container_cache_entries present")
    T.check(value("vigil_kernel_syscalls_captured") > 0, "vigil_kernel_syscalls_captured")
    T.eq(value('vigil_reloads_total{result="success"}'), 1.0, "reloads (success)")
    T.eq(value('vigil_reloads_total{result="failure"}'), 0.0, "reloads (failure)")
    T.eq(value("vigil_reload_last_success"), 1.0, "last reload succeeded")
    T.check(value("vigil_reload_last_duration_seconds") > 0, "last reload duration")
    T.check(value("vigil_reload_last_timestamp_seconds") > 1.6e9, "last reload time")
    v.send_signal(signal.SIGTERM)
    T.eq(v.wait(timeout=60), 0, "exit status after SIGTERM")
except AssertionError as e:
    T.check(False, f"{e}\n--- vigil's stderr ---\n{log()[-3000:]}")
finally:
    if prom:
        prom.send_signal(signal.SIGTERM)
        try:
            prom.wait(timeout=30)
        except subprocess.TimeoutExpired:
            prom.kill()
    if v.poll() is None:
        v.kill()
        v.wait()
    shutil.rmtree(D, ignore_errors=True)
T.done()
