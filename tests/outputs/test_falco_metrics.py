#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Falco's metric names on vigil's /metrics, scraped by a real Prometheus
(Debian's package) from a live `vigil run`: a rule (priority WARNING, two
tags) on a uniquely named program that the test runs N times. Then, through
PromQL:
- sum by (rule_name) (falcosecurity_falco_rules_matches_total) gives N for
  the rule, with Falco's labels (priority as its number, rule_name, source,
  tag_<tag>="true"), and a rule that never matched has no series (as Falco);
- the drop ratio of Falco's documentation,
  rate(falcosecurity_scap_n_drops_total[5m]) / rate(falcosecurity_scap_n_evts_total[5m]),
  evaluates, and the two counters are vigil's kernel counters summed;
- the wrapper metrics (version, engine, kernel release, hostname, source,
  start and boot time, CPUs, uptime) and the resource use (vigil's CPU and
  memory, the host's) hold this host's values, and Prometheus'
  metadata gives each family Falco's type.

Needs root; skips (77) otherwise. usage: test_falco_metrics.py OUTPUTS_DRIVER REPO_ROOT"""
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import Checker, ensure, free_port, skip, tmpdir, wait_until  # noqa: E402

ROOT = sys.argv[2]
T = Checker("test_falco_metrics")
VIGIL = os.environ.get("VIGIL_BIN") or os.path.join(ROOT, "build", "engine", "vigil")
if os.geteuid() != 0:
    skip("needs root to load BPF programs")
if not os.access(VIGIL, os.X_OK):
    skip(f"no vigil binary at {VIGIL}")
ensure({"/usr/bin/prometheus": "prometheus"})

D = tmpdir("vigil-fmetrics-")
NAME = f"vgfm{os.getpid() % 100000}"
PROG = os.path.join(D, NAME)
shutil.copy("/bin/true", PROG)
RULE = f"Falco metrics {NAME} ran"
N = 30
with open(f"{D}/rules.yaml", "w") as f:
    f.write(f"""- rule: {RULE}
  desc: the test's program ran
  condition: evt.type in (execve, execveat) and proc.name = {NAME}
  output: "{NAME} ran (%proc.cmdline)"
  priority: WARNING
  tags: [vgtest, mitre_execution]
- rule: Falco metrics never matches {NAME}
  desc: enabled, never matches
  condition: evt.type = execve and proc.name = {NAME}-never
  output: "never"
  priority: ERROR
""")
mport = free_port()
with open(f"{D}/vigil.yaml", "w") as f:
    f.write(f"""stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: {D}/alerts.json
metrics:
  enabled: true
  listen_address: 127.0.0.1:{mport}
""")


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


start = time.time()
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
        return [x for x in f if x.endswith("\n")]


try:
    wait_until(lambda: "ready" in log() or v.poll() is not None, "vigil to be ready", 120)
    if not T.check(v.poll() is None, "vigil is running"):
        raise AssertionError(f"vigil exited with {v.returncode}")
    for i in range(N):
        subprocess.run([PROG, str(i)], check=True)
    wait_until(lambda: len(alerts()) >= N, f"{N} alerts in the file")

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

    # Falco's documented query for rule matches
    by_rule = wait_until(lambda: {r["metric"]["rule_name"]: float(r["value"][1]) for r in
                                  q("sum by (rule_name) (falcosecurity_falco_rules_matches_total)")
                                  if r["metric"]["rule_name"].endswith(NAME + " ran")},
                         "the rule's matches")
    T.eq(by_rule, {RULE: float(N)}, "sum by (rule_name) (falcosecurity_falco_rules_matches_total)")
    series = q(f'falcosecurity_falco_rules_matches_total{{rule_name="{RULE}"}}')
    labels = series[0]["metric"] if series else {}
    T.eq({k: v_ for k, v_ in labels.items() if k not in ("instance", "job")},
         {"__name__": "falcosecurity_falco_rules_matches_total", "priority": "4",
          "rule_name": RULE, "source": "syscall", "tag_mitre_execution": "true",
          "tag_vgtest": "true"}, "Falco's labels on the rule's series")
    T.eq(q(f'falcosecurity_falco_rules_matches_total{{rule_name="Falco metrics never matches {NAME}"}}'),
         [], "no series for a rule that never matched (as Falco)")

    # Falco's documented drop ratio; its parts are vigil's kernel counters.
    # vigil attaches only the syscalls its rules need (execs here), so events
    # must keep coming for rate() to have a denominator: execs of another name
    # (the rule does not count them) while Prometheus scrapes.
    busy = threading.Event()

    def execs():
        while not busy.is_set():
            subprocess.run(["/bin/true"], check=False)
            time.sleep(0.05)

    th = threading.Thread(target=execs, daemon=True)
    th.start()
    try:
        time.sleep(3)  # a few scrapes for rate()
        ratio = wait_until(lambda: q("rate(falcosecurity_scap_n_drops_total[5m]) / "
                                     "rate(falcosecurity_scap_n_evts_total[5m])"),
                           "the drop ratio")
    finally:
        busy.set()
        th.join()
    r = float(ratio[0]["value"][1])
    T.check(0.0 <= r <= 1.0, f"drop ratio {r} in [0, 1]")
    # the two are read one after the other in a scrape, on a host that does not stop
    ve = value("sum(vigil_kernel_events_total)")
    diff = value("sum(falcosecurity_scap_n_evts_total) - sum(vigil_kernel_events_total)")
    T.check(abs(diff) <= max(500.0, 0.02 * ve),
            f"falcosecurity_scap_n_evts_total == sum(vigil_kernel_events_total) ({diff:+} of {ve})")
    T.eq(value("sum(falcosecurity_scap_n_drops_total) - sum(vigil_kernel_events_dropped_total)"),
         0.0, "falcosecurity_scap_n_drops_total == sum(vigil_kernel_events_dropped_total)")
    T.check(value("falcosecurity_scap_n_evts_total") >= N, "n_evts covers the N execs")
    T.eq(value('sum(falcosecurity_scap_n_drops_buffer_total{dir="exit"}) - '
               'sum(falcosecurity_scap_n_drops_total)'), 0.0,
         "the per-kind drops add up to n_drops")
    T.eq(value('sum(falcosecurity_scap_n_drops_buffer_total{dir="exit",drop="execve"}) - '
               'sum(vigil_kernel_events_dropped_total{kind="exec"})'), 0.0,
         "execve drops are vigil's exec drops")
    T.eq(value("falcosecurity_falco_outputs_queue_num_drops_total"), 0.0,
         "outputs queue drops (the file output kept up)")

    # the wrapper metrics
    T.check(bool(q('falcosecurity_falco_version_info == 1')), "falcosecurity_falco_version_info")
    T.check(bool(q('falcosecurity_scap_engine_name_info{engine_name="modern_bpf"}')), "engine_name")
    T.check(bool(q(f'falcosecurity_falco_kernel_release_info{{kernel_release="{os.uname().release}"}}')),
            "kernel_release is uname -r")
    T.check(bool(q(f'falcosecurity_evt_hostname_info{{hostname="{socket.gethostname()}"}}')),
            "hostname")
    T.check(bool(q('falcosecurity_falco_evt_source_info{evt_source="syscall"}')), "evt_source")
    st = value("falcosecurity_falco_start_timestamp_nanoseconds") / 1e9
    T.check(start - 1 <= st <= time.time(), f"start timestamp {st} is when vigil started")
    with open("/proc/stat") as f:
        btime = next(int(l.split()[1]) for l in f if l.startswith("btime "))
    T.eq(value("falcosecurity_falco_host_boot_timestamp_nanoseconds"), btime * 1e9, "boot time")
    T.eq(value("falcosecurity_falco_host_num_cpus_total"), float(os.sysconf("SC_NPROCESSORS_ONLN")),
         "online CPUs")
    T.check(value("falcosecurity_falco_duration_seconds_total") >= 1, "uptime in seconds")
    T.eq(value("sum(falcosecurity_scap_n_fds_total) - sum(vigil_fd_table_entries)"), 0.0,
         "falcosecurity_scap_n_fds_total is the fd table's size")
    T.eq(value("sum(falcosecurity_scap_n_containers_total) - sum(vigil_container_cache_entries)"),
         0.0, "falcosecurity_scap_n_containers_total is the container cache's size")
    # which rules and config run: their SHA-256, as Falco serves them
    for fam, path in (("falcosecurity_falco_sha256_rules_files_info", f"{D}/rules.yaml"),
                      ("falcosecurity_falco_sha256_config_files_info", f"{D}/vigil.yaml")):
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        got = [{k: x["metric"][k] for k in ("file_name", "sha256")} for x in q(fam)]
        T.eq(got, [{"file_name": os.path.basename(path), "sha256": digest}], fam)
    # resource utilization, Falco's way: vigil's process and the host's
    rss = value("falcosecurity_falco_memory_rss_bytes")
    T.check(1 << 20 < rss <= value("falcosecurity_falco_memory_vsz_bytes"),
            f"memory_rss_bytes {rss}: more than 1 MiB, at most vsz")
    T.check(0 < value("falcosecurity_falco_memory_pss_bytes") <= rss * 1.01, "memory_pss_bytes")
    cpu = value("falcosecurity_falco_cpu_usage_ratio")
    T.check(0 <= cpu <= os.sysconf("SC_NPROCESSORS_ONLN"), f"cpu_usage_ratio {cpu}")
    T.check(0 <= value("falcosecurity_falco_host_cpu_usage_ratio") <= 1, "host_cpu_usage_ratio")
    with open("/proc/meminfo") as f:
        mem = {l.split(":")[0]: int(l.split()[1]) * 1024 for l in f}
    used = value("falcosecurity_falco_host_memory_used_bytes")
    T.check(0 < used < mem["MemTotal"], f"host_memory_used_bytes {used} below MemTotal")
    T.check(value("falcosecurity_falco_host_procs_running_total") >= 1, "host_procs_running_total")
    T.check(value("falcosecurity_falco_host_open_fds_total") > 0, "host_open_fds_total")
    want = {"falcosecurity_falco_rules_matches_total": "counter",
            "falcosecurity_scap_n_evts_total": "counter",
            "falcosecurity_scap_n_drops_total": "counter",
            "falcosecurity_scap_n_drops_buffer_total": "counter",
            "falcosecurity_falco_outputs_queue_num_drops_total": "counter",
            "falcosecurity_falco_duration_seconds_total": "counter",
            "falcosecurity_falco_version_info": "gauge",
            "falcosecurity_falco_start_timestamp_nanoseconds": "gauge",
            "falcosecurity_falco_host_boot_timestamp_nanoseconds": "gauge",
            "falcosecurity_falco_host_num_cpus_total": "gauge",
            "falcosecurity_falco_cpu_usage_ratio": "gauge",
            "falcosecurity_falco_memory_rss_bytes": "gauge",
            "falcosecurity_falco_host_open_fds_total": "gauge",
            "falcosecurity_falco_sha256_rules_files_info": "gauge"}
    wait_until(lambda: all(k in json.loads(get(f"{api}/metadata"))["data"] for k in want),
               "metadata of every family")
    meta = json.loads(get(f"{api}/metadata"))["data"]
    T.eq({k: meta[k][0]["type"] for k in want}, want, "each family's type is Falco's")
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
