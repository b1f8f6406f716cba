#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Falco's stock falco.yaml (0.44.1, ../shared/anchors/falco-config/) as a
config for vigil, and the Falco keys that do something in vigil.

1. The stock file, unchanged: `vigil --dry-run -c` and `vigil validate -c`
   load it with no error and no warning (exit 0).
2. A copy with keys that have no effect in vigil set off Falco's default: one
   warning each, naming the file, line and key; nothing else warns; an -o back
   to the default takes its warning away.
3. An unknown key (top level and in a section) is an error with
   file:line:column; a load_plugins plugin that plugins: lacks and grpc enabled are errors.
4. rules_file (Falco's older name), config_files (a directory in order, a
   file, add-only, relative to the main file) seen through `vigil -L` and
   the priority key; an error in an included file names it.
5. Live (root): `vigil run -c falco.yaml` starts with the ready line only;
   its webserver section drives the health server (/healthz answers, /metrics
   is 404 as prometheus_metrics_enabled is false; k8s_healthz_endpoint moves
   the check, and both metrics switches serve /metrics). A config_files
   file edited while vigil runs reloads (the reload line names it); with
   watch_config_files: false it does not, and SIGHUP still does.
6. http_output against a real HTTPS receiver that verifies client
   certificates (openssl CA, server and client certs; Python's ssl):
   mtls delivers with the certificate and is refused without it;
   ca_bundle verifies the server (another CA fails); compress_uploads
   sends gzip; echo prints the reply; keep_alive false opens a connection
   per alert, true one for all.

usage: test_falco_config.py OUTPUTS_DRIVER REPO_ROOT (VIGIL_BIN: the vigil binary)"""
import gzip
import http.server
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import (Checker, Driver, ensure, free_port, output_stats, skip, tmpdir,  # noqa: E402
                    wait_until)

DRIVER = sys.argv[1]
ROOT = os.path.abspath(sys.argv[2])
VIGIL = os.environ.get("VIGIL_BIN") or os.path.join(ROOT, "build", "engine", "vigil")
T = Checker("test_falco_config")


def find_stock():
    """../shared beside the repository (a worktree may sit one level deeper)."""
    for up in ("..", "../..", "../../.."):
        p = os.path.normpath(os.path.join(ROOT, up, "shared/anchors/falco-config/falco.yaml"))
        if os.path.exists(p):
            return p
    return None


STOCK = find_stock()
if not STOCK:
    skip("no ../shared/anchors/falco-config/falco.yaml beside the repository "
         "(Falco's stock config is test data kept outside it)")
if not os.access(VIGIL, os.X_OK):
    skip(f"no vigil binary at {VIGIL}")
D = tmpdir("vigil-falcocfg-")
RULES = os.path.join(ROOT, "rules")


def vigil(*args, timeout=120):
    return subprocess.run([VIGIL] + list(args), capture_output=True, text=True,
                          timeout=timeout)


def warnings(stderr):
    return [ln for ln in stderr.splitlines() if "warning" in ln.lower()]


def stock_loads():
    print("1. the stock falco.yaml loads unchanged")
    r = vigil("--dry-run", "-c", STOCK, "-r", RULES)
    T.eq(r.returncode, 0, f"--dry-run -c stock: exit status ({r.stderr.strip()[-300:]})")
    T.eq(warnings(r.stderr), [], "--dry-run -c stock: warnings")
    T.check("error" not in r.stderr.lower(), "--dry-run -c stock: no error")
    r = vigil("validate", "-c", STOCK, "-r", RULES)
    T.eq(r.returncode, 0, f"validate -c stock: exit status ({r.stderr.strip()[-300:]})")
    T.check("0 keys set without effect" in r.stderr, "validate -c stock: 0 keys without effect")
    T.eq(warnings(r.stderr), [], "validate -c stock: warnings")


# (the line as in the stock file, what it becomes, the key path, the section it is in)
EDITS = [
    ("  kind: modern_ebpf", "  kind: kmod", "engine.kind", None),
    ("    cpus_for_each_buffer: 2", "    cpus_for_each_buffer: 1",
     "engine.modern_ebpf.cpus_for_each_buffer", None),
    ("    disable_iterators: false", "    disable_iterators: true",
     "engine.modern_ebpf.disable_iterators", None),
    ("  enabled: false", "  enabled: true", "capture.enabled", "capture:"),
    ("plugins_hostinfo: true", "plugins_hostinfo: false", "plugins_hostinfo", None),
    ("buffer_format_base64: false", "buffer_format_base64: true", "buffer_format_base64", None),
    ("buffered_outputs: false", "buffered_outputs: true", "buffered_outputs", None),
    ("  max_consecutive_timeouts: 5", "  max_consecutive_timeouts: 9",
     "http_output.max_consecutive_timeouts", None),
    ("  threadiness: 0", "  threadiness: 4", "webserver.threadiness", "webserver:"),
    ("log_stderr: true", "log_stderr: false", "log_stderr", None),
    ("log_syslog: true", "log_syslog: false", "log_syslog", None),
    ("log_level: info", "log_level: debug", "log_level", None),
    ("  severity: info", "  severity: debug", "libs_logger.severity", None),
    ("output_timeout: 2000", "output_timeout: 100", "output_timeout", None),
    ("  max_consecutives: 1000", "  max_consecutives: 10",
     "syscall_event_timeouts.max_consecutives", None),
    ("  interval: 1h", "  interval: 15m", "metrics.interval", None),
    ("  custom_set: []", "  custom_set: [mprotect]", "base_syscalls.custom_set", None),
    ("  repair: false", "  repair: true", "base_syscalls.repair", None),
    ("  snaplen: 80", "  snaplen: 4096", "falco_libs.snaplen", None),
    ("  thread_table_size: 262144", "  thread_table_size: 1024",
     "falco_libs.thread_table_size", None),
]


def edited_copy(name, edits, extra=""):
    """The stock file with edits applied; returns (path, {key: line number})."""
    with open(STOCK) as f:
        lines = f.read().split("\n")
    where = {}
    for old, new, key, section in edits:
        start = lines.index(section) if section else 0
        i = lines.index(old, start)
        lines[i] = new
        where[key] = i + 1
    path = os.path.join(D, name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + extra)
    return path, where


def nondefault_warns():
    print("2. keys without effect set off Falco's default: one warning each")
    path, where = edited_copy("nondefault.yaml", EDITS)
    r = vigil("--dry-run", "-c", path, "-r", RULES)
    T.eq(r.returncode, 0, "--dry-run: exit status")
    w = warnings(r.stderr)
    T.eq(len(w), len(EDITS), "warnings: one per key set off its default")
    for key, line in where.items():
        mine = [x for x in w if f" {key}: " in x]
        T.check(len(mine) == 1 and f"{path}:{line}:" in mine[0] and "no effect" in mine[0],
                f"{key}: one warning at {os.path.basename(path)}:{line} ({mine[:1]})")
    r = vigil("--dry-run", "-c", path, "-r", RULES, "-o", "log_level=info")
    T.eq(len(warnings(r.stderr)), len(EDITS) - 1, "-o log_level=info (the default): its "
         "warning is gone")
    r = vigil("validate", "-c", path, "-r", RULES)
    T.eq(r.returncode, 0, "validate -c: exit status")
    T.eq(len(warnings(r.stderr)), len(EDITS), "validate -c: the same warnings")


def errors():
    print("3. unknown keys and refused features are errors with file:line:column")
    with open(STOCK) as f:
        n = f.read().count("\n")
    path, _ = edited_copy("unknown.yaml", [], extra="bogus_key: 1\n")
    r = vigil("--dry-run", "-c", path, "-r", RULES)
    T.check(r.returncode != 0, "unknown top-level key: exit status not 0")
    T.check(f"{path}:{n + 1}:1: bogus_key: unknown key" in r.stderr,
            f"unknown top-level key: file:line:column ({r.stderr.strip()[-200:]})")
    path, where = edited_copy("unknown2.yaml", [
        ("  threadiness: 0", "  threadiness: 0\n  bogus_sub: 1", "webserver.bogus_sub",
         "webserver:")])
    r = vigil("validate", "-c", path, "-r", RULES)
    T.check(r.returncode != 0, "unknown key in a section: exit status not 0")
    T.check(f"{path}:{where['webserver.bogus_sub'] + 1}:3: webserver.bogus_sub: unknown key"
            in r.stderr, f"unknown key in a section: file:line:column ({r.stderr.strip()})")
    path, where = edited_copy("plugins.yaml", [
        ("load_plugins: []", "load_plugins: [k8saudit, json]", "load_plugins", None)])
    r = vigil("--dry-run", "-c", path, "-r", RULES)
    # plugins load (issue 15): the stock plugins: defines only container, and a
    # plugin named in load_plugins is never ignored: the error names it
    T.check(r.returncode != 0 and
            "load_plugins names 'k8saudit', which plugins: does not define" in r.stderr,
            f"load_plugins [k8saudit]: a clear error ({r.stderr.strip()})")
    with open(f"{D}/grpc.yaml", "w") as f:
        f.write("grpc:\n  enabled: true\n  bind_address: unix:///run/falco/falco.sock\n"
                "grpc_output:\n  enabled: false\n")
    r = vigil("--dry-run", "-c", f"{D}/grpc.yaml", "-r", RULES)
    T.check(r.returncode != 0 and f"{D}/grpc.yaml:2:12: grpc.enabled: gRPC is not supported"
            in r.stderr and "http_output" in r.stderr, f"grpc enabled: error ({r.stderr.strip()})")


def rule(name, prio):
    return (f"- rule: {name}\n  desc: falco config test\n  condition: evt.type = execve and "
            f"proc.name = vgfc{os.getpid()}\n  output: \"{name} %proc.name\"\n"
            f"  priority: {prio}\n")


def listed(r):
    """The rules -L shows enabled (priority turns the others off)."""
    return sorted(re.findall(r"^Rule: (.*)\nEnabled: yes$", r.stdout, re.M))


def config_files():
    print("4. rules_file and config_files")
    rules = f"{D}/fc_rules.yaml"
    with open(rules, "w") as f:
        f.write(rule("FC Warn", "WARNING") + rule("FC Err", "ERROR"))
    with open(f"{D}/old.yaml", "w") as f:
        f.write(f"rules_file: {rules}\npriority: debug\n")
    r = vigil("-c", f"{D}/old.yaml", "-L")
    T.eq(listed(r), ["FC Err", "FC Warn"], f"rules_file (a string): -L ({r.stderr.strip()})")
    r = vigil("-c", f"{D}/old.yaml", "-L", "-o", "priority=error")
    T.eq(listed(r), ["FC Err"], "priority error: only the error rule is enabled")
    os.makedirs(f"{D}/main/conf.d")
    with open(f"{D}/main/vigil.yaml", "w") as f:
        f.write(f"rules_files: [{rules}]\npriority: debug\nconfig_files:\n  - conf.d\n"
                "  - path: addonly.yaml\n    strategy: add-only\n")
    with open(f"{D}/main/conf.d/10-warning.yaml", "w") as f:
        f.write("priority: warning\n")
    with open(f"{D}/main/conf.d/20-error.yaml", "w") as f:
        f.write("priority: error\n")
    with open(f"{D}/main/conf.d/README", "w") as f:
        f.write("not yaml: [\n")
    with open(f"{D}/main/addonly.yaml", "w") as f:
        f.write("priority: debug\n")
    r = vigil("-c", f"{D}/main/vigil.yaml", "-L")
    T.eq(listed(r), ["FC Err"], "config_files: conf.d in order, then add-only keeps priority "
         f"({r.stderr.strip()})")
    os.rename(f"{D}/main/conf.d/20-error.yaml", f"{D}/main/conf.d/05-error.yaml")
    r = vigil("-c", f"{D}/main/vigil.yaml", "-L")
    T.eq(listed(r), ["FC Err", "FC Warn"], "config_files: the later file (10-warning) wins")
    with open(f"{D}/main/conf.d/30-bad.yaml", "w") as f:
        f.write("priority: warning\nnosuch: 1\n")
    r = vigil("-c", f"{D}/main/vigil.yaml", "-L")
    T.check(r.returncode != 0 and f"{D}/main/conf.d/30-bad.yaml:2:1: nosuch: unknown key"
            in r.stderr, f"an error in an included file names it ({r.stderr.strip()})")
    os.unlink(f"{D}/main/conf.d/30-bad.yaml")
    with open(f"{D}/main/conf.d/40-nested.yaml", "w") as f:
        f.write("config_files: [x]\n")
    r = vigil("-c", f"{D}/main/vigil.yaml", "-L")
    T.check(r.returncode != 0 and "40-nested.yaml:1:15: config_files: config_files is read "
            "from the main config file only" in r.stderr, "no nested config_files")
    os.unlink(f"{D}/main/conf.d/40-nested.yaml")


def http_get(port, path):
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def live_stock():
    print("5. live: vigil run -c falco.yaml, and its webserver keys")
    if os.geteuid() != 0:
        print("  (skipped: needs root)")
        return
    for extra, want in (([], {"/healthz": 200, "/metrics": 404}),
                        (["-o", "metrics.enabled=true", "-o",
                          "webserver.prometheus_metrics_enabled=true", "-o",
                          "webserver.k8s_healthz_endpoint=/live"],
                         {"/live": 200, "/healthz": 404, "/metrics": 200})):
        port = free_port()
        errf = open(f"{D}/stock-run.err", "w+")
        # the port: several vigil instances run on this machine at once
        v = subprocess.Popen([VIGIL, "run", "-c", STOCK, "-r", RULES, "-o",
                              "webserver.listen_address=127.0.0.1", "-o",
                              f"webserver.listen_port={port}"] + extra,
                             stdout=subprocess.DEVNULL, stderr=errf)

        def log():
            errf.flush()
            with open(errf.name) as f:
                return f.read()

        try:
            wait_until(lambda: "vigil: ready:" in log() or v.poll() is not None, "ready", 120)
            start = log().split("vigil: ready:")[0]
            T.eq(start, "", f"run -c falco.yaml {' '.join(extra[1::2])}: nothing before the "
                 "ready line")
            got = {p: http_get(port, p) for p in want}
            T.eq(got, want, f"webserver {' '.join(extra[1::2]) or '(stock)'}: answers")
        except AssertionError as e:
            T.check(False, f"run -c falco.yaml: {e}: {log()[-500:]}")
        finally:
            v.send_signal(signal.SIGTERM)
            try:
                v.wait(60)
            except subprocess.TimeoutExpired:
                v.kill()
                v.wait()


def live_reload():
    print("5b. live: a config_files file edited while vigil runs reloads")
    if os.geteuid() != 0:
        print("  (skipped: needs root)")
        return
    rules = f"{D}/live_rules.yaml"
    with open(rules, "w") as f:
        f.write(rule("FC Live A", "WARNING") + rule("FC Live B", "WARNING"))
    os.makedirs(f"{D}/live/conf.d")
    sel = f"{D}/live/conf.d/sel.yaml"

    def write_sel(text):
        with open(sel + ".tmp", "w") as f:
            f.write(text)
        os.rename(sel + ".tmp", sel)

    with open(f"{D}/live/vigil.yaml", "w") as f:
        f.write(f"rules_files: [{rules}]\nconfig_files: [conf.d]\nstdout_output:\n"
                "  enabled: false\nmetrics:\n  enabled: false\n")
    for watch in (True, False):
        write_sel("rules:\n  - disable: {rule: FC Live B}\n")
        errf = open(f"{D}/live/err-{watch}", "w+")
        extra = [] if watch else ["-o", "watch_config_files=false"]
        v = subprocess.Popen([VIGIL, "run", "-c", f"{D}/live/vigil.yaml"] + extra,
                             stdout=subprocess.DEVNULL, stderr=errf)

        def log():
            errf.flush()
            with open(errf.name) as f:
                return f.read()

        try:
            wait_until(lambda: "vigil: ready:" in log() or v.poll() is not None, "ready", 120)
            T.check("2 rules loaded (1 enabled)" in log(),
                    f"watch={watch}: start: sel.yaml disables one rule ({log()[-300:]})")
            write_sel("rules: []\nlog_level: debug\n")
            if watch:
                # the reason names the first event: the editor's temporary file beside it
                wait_until(lambda: re.search(r"reload \(\S*/conf\.d/sel\.yaml\S* changed\): "
                                             r"2 rules \(2 enabled\)", log()),
                           "the reload after sel.yaml changed", 60)
                T.check(True, "watch_config_files: true: editing sel.yaml reloads, naming it")
                T.eq(len(re.findall(r"warning: \S*conf\.d/sel\.yaml:2:12: log_level: 'debug' "
                                    r"has no effect", log())), 1,
                     "the reload warns once about the key without effect it brought")
            else:
                time.sleep(3)  # the debounce is 0.3 s: a watched change would have loaded
                T.check("reload" not in log(), "watch_config_files: false: no reload on edit")
                v.send_signal(signal.SIGHUP)
                wait_until(lambda: "reload (SIGHUP): 2 rules (2 enabled)" in log(),
                           "the reload on SIGHUP", 60)
                T.check(True, "watch_config_files: false: SIGHUP reloads the edited file")
        except AssertionError as e:
            T.check(False, f"watch={watch}: {e}: {log()[-500:]}")
        finally:
            v.send_signal(signal.SIGTERM)
            try:
                v.wait(60)
            except subprocess.TimeoutExpired:
                v.kill()
                v.wait()


# --- HTTPS -------------------------------------------------------------------

class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keeps connections, as collectors do

    def setup(self):
        super().setup()
        with self.server.rx.lock:
            self.server.rx.connections += 1

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        rx = self.server.rx
        peer = None
        if hasattr(self.connection, "getpeercert"):
            cert = self.connection.getpeercert()
            if cert:
                peer = dict(x[0] for x in cert["subject"])["commonName"]
        with rx.lock:
            rx.records.append({"headers": {k.lower(): v for k, v in self.headers.items()},
                               "body": body, "peer": peer})
            n = len(rx.records)
        reply = json.dumps({"echo": f"vg-echo-{n}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, fmt, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a refused handshake is what some cases expect


class Receiver:
    """HTTPS on loopback; client certificates required when ca is given."""

    def __init__(self, cert, key, client_ca=None):
        self.lock = threading.Lock()
        self.records = []
        self.connections = 0
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.rx = self
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        if client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(client_ca)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def make_pki(d):
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    with open(f"{d}/srv.ext", "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    with open(f"{d}/cli.ext", "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    cmds = []
    for ca in ("ca", "other"):
        cmds.append(["req", "-x509"] + ec + ["-keyout", f"{ca}.key", "-out", f"{ca}.pem",
                                             "-days", "2", "-subj", f"/CN=vigil {ca} CA"])
    for who, cn in (("srv", "127.0.0.1"), ("cli", "vigil-client")):
        cmds.append(["req"] + ec + ["-keyout", f"{who}.key", "-out", f"{who}.csr",
                                    "-subj", f"/CN={cn}"])
        cmds.append(["x509", "-req", "-in", f"{who}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                     "-CAcreateserial", "-out", f"{who}.pem", "-days", "2", "-extfile",
                     f"{who}.ext"])
    for c in cmds:
        subprocess.run(["openssl"] + c, cwd=d, check=True, capture_output=True)


def drive(url, n, *extra):
    args = ["-n", str(n), "-o", "stdout_output.enabled=false", "-o", "http_output.enabled=true",
            "-o", f"http_output.url={url}", "-o", "http_output.retry_initial_ms=20",
            "-o", "http_output.retry_max_ms=200", "-o", "http_output.max_retries=1",
            "-o", f"http_output.ca_path={D}/nocas"] + list(extra)
    d = Driver(DRIVER, args)
    st = d.stats(120)
    rc, out = d.finish()
    T.eq(rc, 0, "driver exit status")
    return output_stats(st, "http"), out


def https():
    print("6. http_output: mtls, ca_bundle, compress_uploads, echo, keep_alive")
    ensure({"openssl": "openssl"})
    pki = f"{D}/pki"
    os.makedirs(pki)
    os.makedirs(f"{D}/nocas")  # an empty ca_path: only the CA the test names is trusted
    make_pki(pki)
    ca = ["-o", f"http_output.ca_bundle={pki}/ca.pem"]
    mtls = ["-o", "http_output.mtls=true", "-o", f"http_output.client_cert={pki}/cli.pem",
            "-o", f"http_output.client_key={pki}/cli.key"]
    r = subprocess.run([DRIVER, "-n", "1", "-o", "stdout_output.enabled=false", "-o",
                        "http_output.enabled=true", "-o", "http_output.url=https://127.0.0.1:1/",
                        "-o", "http_output.mtls=true", "-o",
                        f"http_output.client_cert={pki}/missing.pem"],
                       capture_output=True, text=True, timeout=60)
    T.check(r.returncode != 0 and f"http_output.client_cert {pki}/missing.pem: No such file"
            in r.stderr, f"mtls with a missing client_cert: said at start ({r.stderr.strip()})")
    strict = Receiver(f"{pki}/srv.pem", f"{pki}/srv.key", client_ca=f"{pki}/ca.pem")
    st, _ = drive(strict.url, 3, *(ca + mtls))
    T.eq(st["sent"], 3, "mtls with the client certificate: sent")
    T.eq(sorted({r["peer"] for r in strict.records}), ["vigil-client"],
         "the receiver saw the client certificate")
    st, _ = drive(strict.url, 2, *ca)
    T.eq((st["sent"], st["dropped_failed"]), (0, 2), "without mtls: refused by the receiver")
    T.eq(len(strict.records), 3, "the receiver got only the alerts sent with the certificate")
    st, _ = drive(strict.url, 2, "-o", f"http_output.ca_bundle={pki}/other.pem", *mtls)
    T.eq((st["sent"], st["dropped_failed"]), (0, 2), "ca_bundle of another CA: not sent")
    T.check("certificate" in st["last_error"].lower(), f"... because of the server's "
            f"certificate: {st['last_error']}")
    strict.stop()

    rx = Receiver(f"{pki}/srv.pem", f"{pki}/srv.key")
    st, _ = drive(rx.url, 2, *ca, "-o", "http_output.compress_uploads=true")
    T.eq(st["sent"], 2, "compress_uploads: sent")
    ok = len(rx.records) == 2
    for r in rx.records:
        ok = ok and r["headers"].get("content-encoding") == "gzip"
        try:
            ok = ok and "output_fields" in json.loads(gzip.decompress(r["body"]))
        except (OSError, ValueError):
            ok = False
    T.check(ok, "compress_uploads: Content-Encoding gzip, the body gunzips to the alert")
    rx.records.clear()

    st, out = drive(rx.url, 2, *ca, "-o", "http_output.echo=true")
    T.eq(st["sent"], 2, "echo: sent")
    T.eq(sorted(json.loads(ln)["echo"] for ln in out.splitlines() if ln.strip()),
         ["vg-echo-1", "vg-echo-2"], "echo: each reply body on stdout, a line each")
    rx.records.clear()
    st, out = drive(rx.url, 2, *ca)
    T.eq(out, "", "echo off (the default): nothing on stdout")

    for keep, want in (("false", 4), ("true", 1)):
        rx.connections = 0
        st, _ = drive(rx.url, 4, *ca, "-o", f"http_output.keep_alive={keep}")
        T.eq(st["sent"], 4, f"keep_alive {keep}: sent")
        T.eq(rx.connections, want, f"keep_alive {keep}: connections for 4 alerts")
    rx.stop()


for case in (stock_loads, nondefault_warns, errors, config_files, live_stock, live_reload,
             https):
    try:
        case()
    except AssertionError as e:
        T.check(False, f"{case.__name__}: {e}")
subprocess.run(["rm", "-rf", D])
T.done()
