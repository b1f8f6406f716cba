#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Hardening of the delivery side (issue 17, items 2, 7, 8) with real
receivers on loopback and the real config loader and outputs:

- queue bytes: the HTTP receiver is down (a closed loopback port) and 150
  alerts each carrying 1 MB of argv (2 MB with Falco's text) are submitted:
  the process stays under 100 MB of RSS (it grew to over 300 MB when queues
  were bounded only in alerts), and every alert is accounted by reason
  exactly: accepted = queued + queue_full_bytes, on /metrics and in the exit
  summary; with the default max_alert_bytes the same alerts are refused as
  oversize, counted;
- credentials: an unreachable http://alice:s3cr3t@.../x?token=abc never
  shows s3cr3t or abc on stderr, in the stats or on /metrics;
- shutdown: 2,000 alerts to a slow receiver, SIGTERM: the exit summary adds
  up (accepted = delivered + dropped by reason, the rest counted as
  shutdown), and the receiver got exactly what is reported as delivered.

usage: test_output_limits.py OUTPUTS_DRIVER REPO_ROOT"""
import os
import re
import signal
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_receiver import Receiver  # noqa: E402
from vgtest import Checker, Driver, free_port, output_stats  # noqa: E402

DRIVER = sys.argv[1]
# In the sanitizer tree, freed blocks wait in ASan's quarantine (256 MB by
# default) and would count as resident: the bound is about what vigil holds.
os.environ["ASAN_OPTIONS"] = ":".join(
    x for x in [os.environ.get("ASAN_OPTIONS", ""), "quarantine_size_mb=0"] if x)
T = Checker("test_output_limits")
MB = 1 << 20


def http_args(url, *extra):
    return ["-o", "stdout_output.enabled=false", "-o", "http_output.enabled=true",
            "-o", f"http_output.url={url}", "-o", "http_output.timeout_ms=2000"] + list(extra)


def metrics_text(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        return r.read().decode()


def metric(text, name, **labels):
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    m = re.search(rf"^{name}\{{{re.escape(want)}\}} (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


def summary_line(lines, name):
    for line in lines:
        if line.startswith(f"vigil: output {name}: accepted="):
            return line
    return ""


def summary_numbers(line):
    return {k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)", line)}


def big_alerts_bounded_in_bytes():
    print("150 alerts of 1 MB argv, receiver down: RSS bounded, drops counted by reason")
    url = f"http://127.0.0.1:{free_port()}/ingest"  # nothing listens there
    d = Driver(DRIVER, ["-n", "150", "--pad", str(MB), "--flush-ms", "0",
                        "--metrics", "127.0.0.1:0", "--serve"] +
               http_args(url, "-o", "outputs_queue.max_alert_bytes=4M",
                         "-o", "http_output.max_retries=-1",
                         "-o", "http_output.retry_initial_ms=60000",
                         "-o", "http_output.retry_max_ms=60000"), stdin=True)
    port = int(d.read_until("PORT "))
    rss, hwm = (int(x) for x in d.read_until("RSS ").split())
    st = d.stats()
    h = output_stats(st, "http")
    summary = d.read_until("vigil: output http: ")
    d.read_until("SUMMARY END")
    text = metrics_text(port)
    d.send()
    d.finish()
    print(f"  VmRSS {rss // 1024} MB, VmHWM {hwm // 1024} MB after submitting 150 x 2 MB")
    T.check(hwm < 100 * 1024, f"peak RSS {hwm // 1024} MB < 100 MB")
    T.eq(h["accepted"], 150, "accepted")
    T.check(0 < h["queued"] < 150, f"some queued ({h['queued']}), not all")
    T.check(h["depth_bytes"] <= h["capacity_bytes"] == 16 * MB,
            f"queue bytes {h['depth_bytes']} <= its bound {h['capacity_bytes']}")
    T.eq(h["queued"] + h["dropped_bytes"], 150, "queued + dropped(queue_full_bytes) = submitted")
    T.eq(h["dropped_full"] + h["dropped_oversize"] + h["dropped_failed"], 0,
         "no other drop reason")
    T.eq(metric(text, "vigil_output_dropped_total", output="http", reason="queue_full_bytes"),
         float(h["dropped_bytes"]), "/metrics queue_full_bytes")
    T.eq(metric(text, "vigil_output_dropped_total", output="http", reason="queue_full"), 0.0,
         "/metrics queue_full (alerts) stays 0")
    T.eq(metric(text, "vigil_output_accepted_total", output="http"), 150.0,
         "/metrics accepted")
    T.eq(metric(text, "vigil_output_queue_bytes", output="http"), float(h["depth_bytes"]),
         "/metrics queue bytes")
    n = summary_numbers("accepted=" + summary.split("accepted=", 1)[1])
    T.eq(n.get("queue_full_bytes"), h["dropped_bytes"], "exit summary queue_full_bytes")

    print("the same alerts with the default max_alert_bytes (1 MiB): refused as oversize")
    d = Driver(DRIVER, ["-n", "150", "--pad", str(MB), "--flush-ms", "0"] + http_args(url))
    rss, hwm = (int(x) for x in d.read_until("RSS ").split())
    h = output_stats(d.stats(), "http")
    d.finish()
    T.check(hwm < 100 * 1024, f"peak RSS {hwm // 1024} MB < 100 MB")
    T.eq((h["accepted"], h["dropped_oversize"], h["queued"]), (150, 150, 0),
         "accepted, oversize, queued")


def credentials_never_shown():
    print("an unreachable URL with credentials: s3cr3t and abc never shown")
    url = f"http://alice:s3cr3t@127.0.0.1:{free_port()}/x?token=abc&region=eu"
    d = Driver(DRIVER, ["-n", "3", "--metrics", "127.0.0.1:0", "--serve", "--flush-ms", "20000"] +
               http_args(url, "-o", "http_output.max_retries=1",
                         "-o", "http_output.retry_initial_ms=10"), stdin=True)
    port = int(d.read_until("PORT "))
    st = d.stats()
    h = output_stats(st, "http")
    d.read_until("SUMMARY END")
    text = metrics_text(port)
    d.send()
    d.finish()
    err = "".join(d.lines)
    T.eq(h["dropped_failed"], 3, "the alerts failed (the URL was tried)")
    T.check("alice:***@127.0.0.1" in h["last_error"] and "token=***" in h["last_error"]
            and "region=eu" in h["last_error"],
            f"last_error names the target, masked: {h['last_error']}")
    for secret in ("s3cr3t", "abc"):
        T.check(secret not in err, f"'{secret}' not on stderr")
        T.check(secret not in text, f"'{secret}' not on /metrics")


def shutdown_accounts_everything():
    print("2,000 alerts, a slow receiver, SIGTERM: the exit summary adds up")
    r = Receiver(delay=0.005)
    d = Driver(DRIVER, ["-n", "2000", "--sigterm"] +
               http_args(r.url("/"), "-o", "outputs_queue.shutdown_drain_ms=500"))
    d.read_until("SUBMITTED")
    time.sleep(0.3)
    d.proc.send_signal(signal.SIGTERM)
    h = output_stats(d.stats(), "http")
    d.read_until("SUMMARY END")
    rc, _ = d.finish()
    r.stop()
    line = summary_line(d.lines, "http")
    n = summary_numbers(line)
    print(f"  {line.strip()}")
    T.eq(rc, 0, "driver exit status")
    T.check(0 < h["sent"] < 2000, f"some delivered before the end ({h['sent']}), not all")
    T.eq(n.get("accepted"), 2000, "summary: accepted")
    T.eq(n.get("delivered"), h["sent"], "summary: delivered")
    T.eq(n.get("dropped"), 2000 - h["sent"], "summary: dropped")
    T.eq(n.get("shutdown"), 2000 - h["sent"], "summary: dropped by shutdown")
    T.eq(n.get("accepted"), n.get("delivered", 0) + n.get("dropped", 0),
         "accepted = delivered + dropped")
    T.check("UNACCOUNTED" not in line and "still_queued" not in line, "nothing unaccounted")
    T.eq(len(r.records), h["sent"], "the receiver got exactly what was delivered")


big_alerts_bounded_in_bytes()
credentials_never_shown()
shutdown_accounts_everything()
T.done()
