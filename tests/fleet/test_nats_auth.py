#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The nats output's TLS and credentials against real nats-servers
(loopback, free ports) configured for them, with certificates made here by
openssl and NKeys/JWTs made by nkeys.py (openssl Ed25519):

- TLS with the CA that signed the server's certificate: alerts published;
  with another CA: nothing published, and the error says why (certificate);
- user/password, token, NKey (public key + seed file) and a creds file
  (operator mode: operator, account and user JWTs): each accepted by a
  server configured for it (the alerts are acknowledged by its stream);
- a wrong password, token, NKey seed and a creds file of an unknown
  account: each refused, the error naming the authorization failure;
- a server that refused vigil's token is restarted accepting it: the
  alerts waiting in the queue arrive (a refused connection is retried);
- the same for the fleet's rules follower: refused, it says why; the server
  fixed, its heartbeat arrives (`vigil fleet status`);
- no secret (password, token, seeds) ever in vigil's log or --support.

usage: test_nats_auth.py NATS_DUMP REPO_ROOT"""
import json
import os
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleetlib as F  # noqa: E402
import nkeys  # noqa: E402

DUMP, VIGIL = F.need(sys.argv)
T = F.Checker("test_nats_auth")
D = F.tmpdir("vigil-nats-auth-")
NAME = f"vgnatsa{os.getpid() % 100000}"
N = 3
PASSWORD = "pw-XYZZY-auth1"
TOKEN = "tok-PLUGH-auth2"
nodes = []
runs = []


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=D)


def make_certs():
    """ca.pem signs server.pem (SAN IP 127.0.0.1); other-ca.pem signs nothing."""
    for ca in ("ca", "other-ca"):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", f"{ca}.key", "-out", f"{ca}.pem", "-days", "2",
                "-subj", f"/CN=vigil test {ca}")
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-copy_extensions", "copy")


def write(name, text):
    path = os.path.join(D, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def metric(port, name):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(name + "{") and 'output="nats"' in line:
                    return int(float(line.split()[-1]))
    except OSError:
        pass
    return None


def start(tag, url, extra, mport):
    """A vigil run publishing to url with metrics on mport, and N alerts for it."""
    cfg = F.config(D, [url], "authhost", f"""{extra}  ack_timeout_ms: 2000
  reconnect_wait_ms: 100
  reconnect_max_wait_ms: 300
metrics:
  enabled: true
  listen_address: 127.0.0.1:{mport}
""")
    v = F.Vigil(VIGIL, D, cfg, rules, tag)
    runs.append(v)
    v.start()
    for i in range(N):
        prog.run(f"{tag}{i}")
    return v


def finish(tag, v):
    """vigil stopped: its exit summary and last error."""
    T.eq(v.stop(), 0, f"{tag}: vigil exits 0")
    s = v.summary() or {}
    err = v.log().split("last error:")[-1] if "last error:" in v.log() else ""
    return s, err.strip()


def attempt(tag, url, extra):
    """A vigil run publishing N alerts to url: its exit summary, once every
    alert is acknowledged or the output has failed (and retried) twice."""
    mport = F.free_port()
    v = start(tag, url, extra, mport)
    F.wait_until(lambda: metric(mport, "vigil_output_published_total") == N
                 or (metric(mport, "vigil_output_retries_total") or 0) >= 2,
                 f"{tag}: the alerts acknowledged, or the output failing", 60)
    return finish(tag, v)


def recovers(node):
    """node refuses vigil's token, then restarts (same port) accepting it."""
    mport = F.free_port()
    node.conf = 'authorization { token: "tok-OTHER" }\n'
    node.start()
    v = start("recover", f"nats://127.0.0.1:{node.port}", f"  token: {TOKEN}\n", mport)
    F.wait_until(lambda: (metric(mport, "vigil_output_retries_total") or 0) >= 2,
                 "recover: the output failing", 60)
    T.eq(metric(mport, "vigil_output_published_total"), 0, "recover: refused at first")
    node.stop()
    node.conf = f'authorization {{ token: "{TOKEN}" }}\n'
    node.start()
    F.wait_until(lambda: metric(mport, "vigil_output_published_total") == N,
                 "recover: the queued alerts published once the server accepts", 60)
    s, _ = finish("recover", v)
    T.check(s.get("published") == N and s.get("delivered") == N,
            f"recover: {N} alerts delivered after the refusal ({s})")


def accepted(tag, url, extra):
    s, err = attempt(tag, url, extra)
    T.check(s.get("published") == N and s.get("delivered") == N,
            f"{tag}: {N} alerts published and acknowledged ({s}; {err})")


def refused(tag, url, extra, reason):
    s, err = attempt(tag, url, extra)
    T.check(s.get("published") == 0, f"{tag}: nothing published ({s})")
    T.check(reason.lower() in err.lower(), f"{tag}: the error says why: {reason!r} in {err!r}")


def fleet_recovers(node):
    """The fleet follower: refused by node, then node restarts accepting its token."""
    node.conf = 'authorization { token: "tok-OTHER" }\n'
    node.start()
    cfg = F.config(D, [f"nats://127.0.0.1:{node.port}"], "fleethost", f"""  token: {TOKEN}
fleet:
  enabled: true
  name: authfleet
  host: fleethost
  rules_dir: {D}/fleet-rules
  heartbeat_s: 1
""")
    v = F.Vigil(VIGIL, D, cfg, rules, "fleet")
    runs.append(v)
    v.start()
    F.wait_until(lambda: "fleet: bucket" in v.log(), "fleet: the refusal said", 60)
    line = next(x for x in v.log().splitlines() if "fleet: bucket" in x)
    T.check("authorization" in line.lower(), f"fleet: the refusal says why ({line})")
    node.stop()
    node.conf = f'authorization {{ token: "{TOKEN}" }}\n'
    node.start()

    def beat():
        r = subprocess.run([VIGIL, "fleet", "status", "-c", cfg, "--json"],
                           capture_output=True, text=True, timeout=60)
        return r.returncode == 0 and '"fleethost"' in r.stdout
    F.wait_until(beat, "fleet: the heartbeat once the server accepts the token", 60, 0.5)
    T.check(True, "fleet: the follower connects after the refusal (heartbeat seen)")
    T.eq(v.stop(), 0, "fleet: vigil exits 0")


try:
    make_certs()
    prog = F.Program(D, NAME)
    rules = F.rules(D, NAME, "Fleet auth test ran")
    user = nkeys.NKey(D, "user", "nk-user")
    stranger = nkeys.NKey(D, "user", "nk-stranger")
    write("nk-user.seed", user.seed + "\n")
    write("nk-stranger.seed", stranger.seed + "\n")
    tls = (f'tls {{ cert_file: "{D}/server.pem", key_file: "{D}/server.key", '
           f"timeout: 5 }}\n")
    # TLS, with users by password and by NKey
    a = F.Node(D, "tls", conf=tls + f"""authorization {{ users = [
  {{ user: vgu, password: "{PASSWORD}" }},
  {{ nkey: {user.public} }} ] }}
""")
    b = F.Node(D, "token", conf=f'authorization {{ token: "{TOKEN}" }}\n')
    op_conf, creds_text, _ = nkeys.operator_setup(D)
    c = F.Node(D, "creds", conf=op_conf)
    nodes += [a, b, c]
    for n in nodes:
        n.start()
    _, stranger_creds, _ = nkeys.operator_setup(tempdir := F.tmpdir("vg-nk-"))
    subprocess.run(["rm", "-rf", tempdir])
    creds = write("user.creds", creds_text)
    bad_creds = write("stranger.creds", stranger_creds)
    ca = os.path.join(D, "ca.pem")
    other = os.path.join(D, "other-ca.pem")
    tls_url = f"tls://127.0.0.1:{a.port}"
    good_tls = f"  tls: true\n  ca_file: {ca}\n"

    accepted("tlsuser", tls_url, good_tls + f"  user: vgu\n  password: {PASSWORD}\n")
    refused("wrongca", tls_url, f"  tls: true\n  ca_file: {other}\n"
            f"  user: vgu\n  password: {PASSWORD}\n", "certificate")
    refused("wrongpw", tls_url, good_tls + "  user: vgu\n  password: pw-WRONG\n",
            "authorization")
    accepted("nkey", tls_url, good_tls + f"  nkey: {user.public}\n"
             f"  nkey_seed_file: {D}/nk-user.seed\n")
    refused("wrongseed", tls_url, good_tls + f"  nkey: {user.public}\n"
            f"  nkey_seed_file: {D}/nk-stranger.seed\n", "authorization")
    accepted("token", f"nats://127.0.0.1:{b.port}", f"  token: {TOKEN}\n")
    refused("wrongtoken", f"nats://127.0.0.1:{b.port}", "  token: tok-WRONG\n",
            "authorization")
    accepted("creds", f"nats://127.0.0.1:{c.port}", f"  creds_file: {creds}\n")
    refused("wrongcreds", f"nats://127.0.0.1:{c.port}", f"  creds_file: {bad_creds}\n",
            "authorization")

    b.stop()
    recovers(b)

    b.stop()
    fleet_recovers(b)

    # the secrets: never in a log, nor in what --support prints of the config
    every = F.config(D, [f"nats://vgu:{PASSWORD}@127.0.0.1:{a.port}"], "authhost",
                     f"  password: {PASSWORD}\n  token: {TOKEN}\n")
    sup = subprocess.run([VIGIL, "--support", "-c", every, "-r", rules],
                         capture_output=True, text=True, timeout=60)
    shown = sup.stdout + sup.stderr + "".join(v.log() for v in runs)
    for what, secret in (("password", PASSWORD), ("token", TOKEN), ("NKey seed", user.seed),
                         ("creds seed", creds_text.split("SEED-----\n")[1][:58])):
        T.check(secret not in shown, f"the {what} is never shown")
    T.check("tok-WRONG" not in shown and "pw-WRONG" not in shown,
            "a wrong secret is not shown either")
except (AssertionError, subprocess.CalledProcessError, json.JSONDecodeError) as e:
    T.check(False, f"{e}\n" + "".join(f"--- vigil {v.errpath} ---\n{v.log()[-2000:]}\n"
                                      for v in runs[-2:]) +
            "".join(f"--- nats-server {n.name} ---\n{n.tail()}\n" for n in nodes))
finally:
    for v in runs:
        v.stop()
    for n in nodes:
        n.stop()
    subprocess.run(["rm", "-rf", D])
T.done()
