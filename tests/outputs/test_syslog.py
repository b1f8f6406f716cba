#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The syslog output against a real rsyslogd: a private instance (own config,
pid file, spool and socket under a temp dir, free loopback ports) receives
RFC 5424 over UDP, over TCP with octet-counting framing (RFC 6587), and over a
local datagram socket like /dev/log. rsyslog parses each message; the test
checks what it parsed: PRI, facility, severity, timestamp, hostname,
APP-NAME, PROCID, MSGID, structured data and the JSON alert in MSG.

usage: test_syslog.py OUTPUTS_DRIVER REPO_ROOT"""
import json
import os
import re
import signal
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgtest import (Checker, Driver, ensure, free_port, output_stats, tmpdir,  # noqa: E402
                    wait_until)

DRIVER = sys.argv[1]
T = Checker("test_syslog")
ensure({"/usr/sbin/rsyslogd": "rsyslog"})

D = tmpdir("vigil-rsyslog-")
UDP, TCP = free_port(socket.SOCK_DGRAM), free_port()
SOCK, OUT = f"{D}/log.sock", f"{D}/received.log"
FIELDS = ["input", "pri", "facility", "severity", "timestamp", "hostname", "app", "procid",
          "msgid", "sd", "msg"]
os.mkdir(f"{D}/spool")
with open(f"{D}/rsyslog.conf", "w") as f:
    f.write(f"""
global(workDirectory="{D}/spool" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
module(load="imuxsock" SysSock.Use="off")
input(type="imudp" address="127.0.0.1" port="{UDP}")
input(type="imtcp" address="127.0.0.1" port="{TCP}")
input(type="imuxsock" Socket="{SOCK}" UseSpecialParser="off" ParseHostname="on")
template(name="fields" type="string" string="%inputname%\\t%pri%\\t%syslogfacility-text%\\t\
%syslogseverity-text%\\t%timereported:::date-rfc3339%\\t%hostname%\\t%app-name%\\t%procid%\\t\
%msgid%\\t%structured-data%\\t%msg%\\n")
*.* action(type="omfile" file="{OUT}" template="fields")
""")


def start_rsyslogd():
    return subprocess.Popen(["/usr/sbin/rsyslogd", "-n", "-f", f"{D}/rsyslog.conf", "-i",
                             f"{D}/rsyslogd.pid"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


rs = start_rsyslogd()


def tcp_up():
    try:
        socket.create_connection(("127.0.0.1", TCP), timeout=1).close()
        return os.path.exists(SOCK)
    except OSError:
        return rs.poll() is not None and sys.exit(f"rsyslogd exited: {rs.stdout.read()}")


def received(inp):
    if not os.path.exists(OUT):
        return []
    with open(OUT) as f:
        rows = [dict(zip(FIELDS, line.rstrip("\n").split("\t", len(FIELDS) - 1)))
                for line in f]
    return [r for r in rows if r["input"] == inp]


def run(transport, address, inp, n, facility, prio, pri_name):
    print(f"{transport}: {n} alerts, facility {facility}, priority {pri_name}")
    args = ["-n", str(n), "--priority", str(prio), "-o", "stdout_output.enabled=false",
            "-o", "syslog_output.enabled=true", "-o", f"syslog_output.transport={transport}",
            "-o", f"syslog_output.address={address}", "-o", f"syslog_output.facility={facility}",
            "-o", "syslog_output.app_name=vigil-test"]
    d = Driver(DRIVER, args)
    pid = d.proc.pid
    st = output_stats(d.stats(), "syslog")
    rc, _ = d.finish()
    T.eq(rc, 0, "driver exit status")
    T.eq(st["sent"], n, "sent")
    T.eq(st["dropped_full"] + st["dropped_failed"], 0, "dropped")
    rows = wait_until(lambda: len(received(inp)) >= n and received(inp), f"{n} messages via {inp}")
    T.eq(len(rows), n, "messages rsyslog received")
    fac_code = {"local3": 19, "auth": 4, "daemon": 3}[facility]
    sev = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"][prio]
    T.eq({r["pri"] for r in rows}, {str(fac_code * 8 + prio)}, "PRI = facility*8 + severity")
    T.eq({r["facility"] for r in rows}, {facility}, "facility")
    T.eq({r["severity"] for r in rows}, {sev}, "severity")
    T.eq({r["hostname"] for r in rows}, {socket.gethostname()}, "HOSTNAME")
    T.eq({r["app"] for r in rows}, {"vigil-test"}, "APP-NAME")
    T.eq({r["procid"] for r in rows}, {str(pid)}, "PROCID")
    T.eq({r["msgid"] for r in rows}, {"alert"}, "MSGID")
    T.eq({r["sd"] for r in rows},
         {f'[vigil@32473 rule="Test shell rule" priority="{pri_name}"]'}, "STRUCTURED-DATA")
    T.check(all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|\+00:00)$", r["timestamp"])
                for r in rows), "TIMESTAMP RFC 3339 with microseconds, UTC")
    alerts = [json.loads(r["msg"].strip()) for r in rows]
    seqs = [a["output_fields"]["proc.pid"] for a in alerts]
    if transport == "udp":
        T.eq(sorted(seqs), list(range(1, n + 1)), "every alert once (MSG is the JSON alert)")
    else:
        T.eq(seqs, list(range(1, n + 1)), "every alert once, in order (MSG is the JSON alert)")
    T.eq({a["priority"] for a in alerts}, {pri_name}, "the alert's priority")


try:
    wait_until(tcp_up, "rsyslogd to listen")
    run("udp", f"127.0.0.1:{UDP}", "imudp", 50, "local3", 4, "Warning")
    run("tcp", f"127.0.0.1:{TCP}", "imtcp", 200, "auth", 2, "Critical")
    run("unix", SOCK, "imuxsock", 30, "daemon", 6, "Informational")
    print("tcp: the server restarts between alerts; vigil reconnects, nothing lost")
    base = len(received("imtcp"))
    d = Driver(DRIVER, ["-n", "10", "--wait", "--second", "10", "-o", "stdout_output.enabled=false",
                        "-o", "syslog_output.enabled=true", "-o", "syslog_output.transport=tcp",
                        "-o", f"syslog_output.address=127.0.0.1:{TCP}",
                        "-o", "syslog_output.retry_initial_ms=20", "-o",
                        "syslog_output.max_retries=-1"], stdin=True)
    d.read_until("SUBMITTED")
    wait_until(lambda: len(received("imtcp")) >= base + 10, "the first 10 via tcp")
    rs.send_signal(signal.SIGTERM)
    rs.wait(timeout=30)
    rs = start_rsyslogd()
    wait_until(tcp_up, "rsyslogd to listen again")
    d.send()
    st = output_stats(d.stats(), "syslog")
    d.finish()
    rows = wait_until(lambda: len(received("imtcp")) >= base + 20 and received("imtcp"),
                      "20 messages via tcp")
    seqs = [json.loads(r["msg"].strip())["output_fields"]["proc.pid"] for r in rows[base:]]
    T.eq(seqs, list(range(1, 21)), "all 20, in order, across the restart")
    T.eq(st["sent"], 20, "sent")
    T.eq(st["dropped_full"] + st["dropped_failed"], 0, "dropped")
    print("tcp to a port nobody listens on: retried, then given up and counted")
    d = Driver(DRIVER, ["-n", "3", "-o", "stdout_output.enabled=false",
                        "-o", "syslog_output.enabled=true", "-o", "syslog_output.transport=tcp",
                        "-o", f"syslog_output.address=127.0.0.1:{free_port()}",
                        "-o", "syslog_output.max_retries=2",
                        "-o", "syslog_output.retry_initial_ms=10"])
    st = output_stats(d.stats(), "syslog")
    d.finish()
    T.eq(st["dropped_failed"], 3, "dropped_failed")
    # the three were waiting together: they are retried (and given up) together
    T.eq(st["retries"], 2, "retries")
    T.check("Connection refused" in st["last_error"], f"last_error: {st['last_error']}")
except AssertionError as e:
    T.check(False, str(e))
finally:
    rs.send_signal(signal.SIGTERM)
    rs.wait(timeout=30)
    subprocess.run(["rm", "-rf", D])
T.done()
