#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The HTTP output against a real http.server receiver on loopback:
falcosidekick's intake (one Falco JSON per POST /), batching as a JSON array
and as NDJSON, headers and auth, refusal (4xx, dropped and counted), a
receiver that fails then recovers, a receiver that is down and comes back
(every queued alert arrives, the overflow is counted exactly), and a hung
receiver that never blocks submit.

usage: test_http.py OUTPUTS_DRIVER REPO_ROOT"""
import base64
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_receiver import Receiver, Stalled  # noqa: E402
from vgtest import Checker, Driver, ensure, free_port, output_stats, tmpdir  # noqa: E402

DRIVER = sys.argv[1]
T = Checker("test_http")

FALCO_KEYS = {"time", "rule", "priority", "source", "tags", "hostname", "output",
              "output_fields"}


def http_args(url, *extra):
    return ["-o", "stdout_output.enabled=false", "-o", "http_output.enabled=true",
            "-o", f"http_output.url={url}", "-o", "http_output.retry_initial_ms=20",
            "-o", "http_output.retry_max_ms=200"] + list(extra)


def run(args, n, timeout=120):
    d = Driver(DRIVER, ["-n", str(n)] + args)
    st = d.stats(timeout)
    rc, _ = d.finish()
    T.eq(rc, 0, "driver exit status")
    return output_stats(st, "http"), st


def seqs_of(alerts):
    return [a["output_fields"]["proc.pid"] for a in alerts]


def sidekick_intake():
    print("falcosidekick intake: one alert per POST /, bearer token, custom header")
    r = Receiver()
    st, _ = run(http_args(r.url("/"), "-o", "http_output.bearer_token=s3cret",
                          "-o", "http_output.headers={X-Vigil-Test: yes, X-Env: ci}"), 20)
    r.stop()
    T.eq(st["sent"], 20, "sent")
    T.eq(st["dropped_full"] + st["dropped_failed"], 0, "dropped")
    T.eq(len(r.records), 20, "POSTs received")
    alerts = [json.loads(body) for _, _, body in r.records]
    paths = {p for p, _, _ in r.records}
    T.eq(paths, {"/"}, "every POST to /")
    hdr = r.records[0][1]
    T.eq(hdr.get("content-type"), "application/json", "Content-Type")
    T.eq(hdr.get("authorization"), "Bearer s3cret", "Authorization")
    T.eq(hdr.get("x-vigil-test"), "yes", "custom header")
    T.eq(hdr.get("x-env"), "ci", "second custom header")
    T.check(hdr.get("user-agent", "").startswith("vigil/"), "User-Agent vigil/VERSION")
    T.check(all(FALCO_KEYS <= set(a) for a in alerts), "every body has Falco's keys")
    T.eq(seqs_of(alerts), list(range(1, 21)), "alerts in order, none missing")
    T.eq(alerts[0]["priority"], "Warning", "priority name")


def batch_array():
    print("batch: array of up to batch_max alerts")
    r = Receiver()
    st, _ = run(http_args(r.url("/ingest"), "-o", "http_output.batch=array",
                          "-o", "http_output.batch_max=100"), 250)
    r.stop()
    T.eq(st["sent"], 250, "sent")
    bodies = [json.loads(b) for _, _, b in r.records]
    T.check(all(isinstance(b, list) and 1 <= len(b) <= 100 for b in bodies),
            f"{len(bodies)} bodies, each a JSON array of 1..100")
    flat = [a for b in bodies for a in b]
    T.eq(seqs_of(flat), list(range(1, 251)), "all 250 in order")


def batch_ndjson():
    print("batch: NDJSON")
    r = Receiver()
    st, _ = run(http_args(r.url("/bulk"), "-o", "http_output.batch=ndjson",
                          "-o", "http_output.batch_max=64"), 130)
    r.stop()
    T.eq(st["sent"], 130, "sent")
    T.eq({h.get("content-type") for _, h, _ in r.records}, {"application/x-ndjson"},
         "Content-Type application/x-ndjson")
    T.check(all(b.decode().endswith("\n") for _, _, b in r.records),
            "every body ends with a newline")
    lines = [json.loads(x) for _, _, b in r.records for x in b.decode().splitlines()]
    T.check(all(len(b.decode().splitlines()) <= 64 for _, _, b in r.records),
            "at most batch_max lines per POST")
    T.eq(seqs_of(lines), list(range(1, 131)), "all 130 in order")


def basic_auth():
    print("basic auth")
    r = Receiver()
    run(http_args(r.url(), "-o", "http_output.basic_auth=alice:pa:ss"), 1)
    r.stop()
    want = "Basic " + base64.b64encode(b"alice:pa:ss").decode()
    T.eq(r.records[0][1].get("authorization") if r.records else None, want, "Authorization")


def refused():
    print("a receiver that refuses (400): dropped at once, counted, not retried")
    r = Receiver(status=400)
    st, _ = run(http_args(r.url()), 7)
    r.stop()
    T.eq(st["sent"], 0, "sent")
    T.eq(st["dropped_failed"], 7, "dropped_failed")
    T.eq(st["retries"], 0, "retries")
    T.check("HTTP 400" in st["last_error"], f"last_error names the status: {st['last_error']}")
    print("a receiver that refuses a batch: the whole request is dropped, counted")
    r = Receiver(status=422)
    st, _ = run(http_args(r.url(), "-o", "http_output.batch=array",
                          "-o", "http_output.batch_max=100"), 250)
    r.stop()
    T.eq(st["dropped_failed"], 250, "dropped_failed")
    seqs = sorted(a["output_fields"]["proc.pid"] for b in r.refused for a in json.loads(b))
    T.eq(seqs, list(range(1, 251)), "each alert was in exactly one refused request (no retry)")


def recovers():
    print("a receiver that fails 3 times (503), then takes everything")
    r = Receiver(fail_first=3, fail_status=503)
    st, _ = run(http_args(r.url(), "-o", "http_output.max_retries=10"), 10)
    r.stop()
    T.eq(st["sent"], 10, "sent")
    T.eq(st["retries"], 3, "retries")
    T.eq(st["dropped_full"] + st["dropped_failed"], 0, "dropped")
    T.eq(seqs_of([json.loads(b) for _, _, b in r.records]), list(range(1, 11)),
         "all 10 in order")


def down_then_up():
    print("down, then up: every queued alert arrives; the overflow is counted exactly")
    cap, n = 100, 350
    port = free_port()
    d = Driver(DRIVER, ["-n", str(n), "--wait", "--flush-ms", "60000"] + http_args(
        f"http://127.0.0.1:{port}/", "-o", f"http_output.queue_size={cap}",
        "-o", "http_output.max_retries=-1"), stdin=True)
    d.read_until("SUBMITTED")
    r = Receiver(port=port)
    d.send()
    st = output_stats(d.stats(), "http")
    rc, _ = d.finish()
    r.stop()
    T.eq(rc, 0, "driver exit status")
    T.eq(st["queued"], cap, "queued (the bound)")
    T.eq(st["dropped_full"], n - cap, "dropped_full (the overflow)")
    T.eq(st["sent"], cap, "sent")
    T.eq(st["dropped_failed"], 0, "dropped_failed")
    T.check(st["retries"] >= 1, f"retried while down ({st['retries']})")
    T.eq(seqs_of([json.loads(b) for _, _, b in r.records]), list(range(1, cap + 1)),
         "the receiver got exactly the first queue-full, in order")


def hung():
    print("a hung receiver (accepts, never answers): submit never blocks, counts exact")
    cap, n = 50, 5000
    s = Stalled()
    d = Driver(DRIVER, ["-n", str(n), "--flush-ms", "0"] + http_args(
        s.url(), "-o", f"http_output.queue_size={cap}", "-o", "http_output.timeout_ms=600000"))
    stats = d.stats()
    st = output_stats(stats, "http")
    rc, _ = d.finish(timeout=60)
    s.stop()
    T.eq(rc, 0, "driver exit status (shutdown aborts the hung request)")
    T.eq(stats["flush"], -1, "flush reports what it could not deliver")
    T.eq(st["sent"], 0, "sent")
    T.eq(st["queued"], cap, "queued (the bound)")
    T.eq(st["depth"], cap, "depth")
    T.eq(st["dropped_full"], n - cap, "dropped_full")
    print(f"  info: slowest submit {stats['max_submit_ns'] / 1000:.0f} us "
          f"(not asserted: counts prove it never waited for the receiver)")


def tls():
    print("https: a private CA (ca_cert), no CA (refused, counted), insecure")
    ensure({"openssl": "openssl"})
    d = tmpdir("vigil-tls-")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    with open(f"{d}/san.ext", "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    for cmd in (["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                                         "-subj", "/CN=vigil test CA"],
                ["req"] + ec + ["-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=127.0.0.1"],
                ["x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "san.ext"]):
        subprocess.run(["openssl"] + cmd, cwd=d, check=True, capture_output=True)
    r = Receiver(tls=(f"{d}/srv.pem", f"{d}/srv.key"))
    st, _ = run(http_args(r.url(), "-o", f"http_output.ca_cert={d}/ca.pem"), 3)
    T.eq(st["sent"], 3, "with ca_cert: sent")
    st, _ = run(http_args(r.url(), "-o", "http_output.max_retries=1"), 2)
    T.eq(st["sent"], 0, "without the CA: sent")
    T.eq(st["dropped_failed"], 2, "without the CA: dropped_failed")
    T.check("certificate" in st["last_error"].lower(), f"last_error: {st['last_error']}")
    st, _ = run(http_args(r.url(), "-o", "http_output.insecure=true"), 4)
    T.eq(st["sent"], 4, "insecure: sent")
    r.stop()
    T.eq(len(r.records), 7, "alerts the TLS receiver got")
    subprocess.run(["rm", "-rf", d])


for case in (sidekick_intake, tls, batch_array, batch_ndjson, basic_auth, refused, recovers,
             down_then_up, hung):
    try:
        case()
    except AssertionError as e:
        T.check(False, f"{case.__name__}: {e}")
T.done()
