#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A real Prometheus (Debian's package, temp config and storage, loopback)
scrapes the metrics endpoint: the target must be healthy ("up", no scrape
error, so the exposition text parsed), and a query must return the outputs'
numbers as vigil counted them. Also /healthz and /version.

usage: test_prometheus.py OUTPUTS_DRIVER REPO_ROOT"""
import json
import os
import signal
import subprocess
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import Checker, Driver, ensure, free_port, tmpdir, wait_until  # noqa: E402

DRIVER = sys.argv[1]
T = Checker("test_prometheus")
ensure({"/usr/bin/prometheus": "prometheus"})

D = tmpdir("vigil-prometheus-")
N = 25


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode()


drv = Driver(DRIVER, ["-n", str(N), "--metrics", "127.0.0.1:0", "--serve",
                      "-o", "stdout_output.enabled=false", "-o", "file_output.enabled=true",
                      "-o", f"file_output.filename={D}/alerts.json"], stdin=True)
prom = None
try:
    port = int(drv.read_until("PORT "))
    drv.read_until("SERVING")
    status, ctype, body = get(f"http://127.0.0.1:{port}/metrics")
    T.eq(status, 200, "/metrics status")
    T.eq(ctype, "text/plain; version=0.0.4; charset=utf-8", "/metrics Content-Type")
    T.check(f'vigil_output_sent_total{{output="file"}} {N}\n' in body, "sent counted in the text")
    T.eq(get(f"http://127.0.0.1:{port}/healthz")[2], "ok\n", "/healthz")
    T.eq(json.loads(get(f"http://127.0.0.1:{port}/version")[2]), {"version": "0.1.0-test"},
         "/version")

    pport = free_port()
    with open(f"{D}/prometheus.yml", "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: vigil
    static_configs:
      - targets: ["127.0.0.1:{port}"]
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
            t = json.loads(get(f"{api}/targets")[2])["data"]["activeTargets"]
        except OSError:
            return None
        return t[0] if t and t[0]["health"] != "unknown" else None

    t = wait_until(target, "Prometheus to scrape the endpoint once")
    T.eq(t["health"], "up", "target health")
    T.eq(t["lastError"], "", "scrape error")

    def query(q):
        r = json.loads(get(f"{api}/query?query=" + urllib.parse.quote(q))[2])
        return r["data"]["result"]

    res = wait_until(lambda: query('vigil_output_sent_total{output="file"}'),
                     "the sample to be queryable")
    T.eq(res[0]["value"][1], str(N), "vigil_output_sent_total{output=\"file\"} via PromQL")
    res = wait_until(lambda: query('vigil_output_dropped_total{output="file",reason="queue_full"}'),
                     "the drop series")
    T.eq(res[0]["value"][1], "0", "vigil_output_dropped_total{reason=\"queue_full\"}")
    res = wait_until(lambda: query('vigil_output_last_success_timestamp_seconds{output="file"}'),
                     "the last-success time")
    T.check(float(res[0]["value"][1]) > 1.6e9, f"last success at {res[0]['value'][1]}")
    res = wait_until(lambda: query("process_resident_memory_bytes"), "process RSS")
    T.check(float(res[0]["value"][1]) > 0, f"process_resident_memory_bytes {res[0]['value'][1]}")
    res = wait_until(lambda: query("vigil_build_info"), "build info")
    T.eq(res[0]["metric"].get("version"), "0.1.0-test", "vigil_build_info version label")
except AssertionError as e:
    T.check(False, str(e))
finally:
    if prom:
        prom.send_signal(signal.SIGTERM)
        try:
            prom.wait(timeout=30)
        except subprocess.TimeoutExpired:
            prom.kill()
    try:
        drv.send()
    except OSError:
        pass
    drv.finish()
    subprocess.run(["rm", "-rf", D])
T.done()
