# SPDX-License-Identifier: Apache-2.0
"""NATS NKeys and JWTs for the auth tests, from the Python standard library
and the openssl command (Ed25519): Debian has no `nk` or `nsc`, and the
tests must not depend on a pip package.

An NKey is Ed25519: the public key is base32(prefix byte, 32 key bytes,
CRC-16/XMODEM little-endian), the seed base32(two prefix bytes, 32 seed
bytes, CRC) (github.com/nats-io/nkeys, strkey.go). A JWT is
base64url(header).base64url(claims).base64url(Ed25519 signature of the two),
header {"typ":"JWT","alg":"ed25519-nkey"} (github.com/nats-io/jwt v2)."""
import base64
import hashlib
import json
import os
import subprocess
import time

PREFIX = {"operator": 14 << 3, "account": 0, "user": 20 << 3}
SEED_BYTE = 18 << 3


def _crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _encode(raw):
    raw += _crc16(raw).to_bytes(2, "little")
    return base64.b32encode(raw).decode().rstrip("=")


def _b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


class NKey:
    """A fresh Ed25519 key pair of one kind, its PEM in directory d."""

    def __init__(self, d, kind, name):
        self.kind = kind
        self.pem = os.path.join(d, f"{name}.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", self.pem],
                       check=True, capture_output=True)
        # PKCS#8 and SubjectPublicKeyInfo DER of Ed25519 end with the 32 raw bytes
        priv = subprocess.run(["openssl", "pkey", "-in", self.pem, "-outform", "DER"],
                              check=True, capture_output=True).stdout[-32:]
        pub = subprocess.run(["openssl", "pkey", "-in", self.pem, "-pubout", "-outform", "DER"],
                             check=True, capture_output=True).stdout[-32:]
        p = PREFIX[kind]
        self.public = _encode(bytes([p]) + pub)
        self.seed = _encode(bytes([SEED_BYTE | (p >> 5), (p & 31) << 3]) + priv)

    def sign(self, data):
        # openssl 3.0 signs Ed25519 only from a file (it needs the whole input at once)
        path = self.pem + ".in"
        with open(path, "wb") as f:
            f.write(data)
        r = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", self.pem, "-rawin", "-in",
                            path], check=True, capture_output=True)
        os.unlink(path)
        return r.stdout


def jwt(issuer, subject, name, nats):
    """A JWT about subject (an NKey's public key) signed by issuer (an NKey)."""
    claims = {"iat": int(time.time()) - 60, "iss": issuer.public, "name": name,
              "sub": subject, "nats": dict(nats, version=2)}
    claims["jti"] = base64.b32encode(
        hashlib.sha256(json.dumps(claims, sort_keys=True).encode()).digest()).decode().rstrip("=")
    head = _b64url(json.dumps({"typ": "JWT", "alg": "ed25519-nkey"}).encode())
    body = _b64url(json.dumps(claims).encode())
    sig = issuer.sign(f"{head}.{body}".encode())
    return f"{head}.{body}.{_b64url(sig)}"


def operator_setup(d):
    """An operator, one account with JetStream, and a user of it: the server's
    config lines (operator mode, memory resolver) and the user's creds text."""
    op = NKey(d, "operator", "op")
    acc = NKey(d, "account", "acc")
    sys_acc = NKey(d, "account", "sys")  # JetStream needs a system account
    user = NKey(d, "user", "user")
    op_jwt = jwt(op, op.public, "vgtest-op", {"type": "operator"})
    unlimited = {k: -1 for k in ("subs", "data", "payload", "imports", "exports", "conn",
                                 "leaf", "mem_storage", "disk_storage", "streams",
                                 "consumer")}
    acc_jwt = jwt(op, acc.public, "vgtest-acc",
                  {"type": "account", "limits": dict(unlimited, wildcards=True)})
    sys_jwt = jwt(op, sys_acc.public, "SYS", {"type": "account"})
    user_jwt = jwt(acc, user.public, "vgtest-user",
                   {"type": "user", "pub": {}, "sub": {}, "subs": -1, "data": -1,
                    "payload": -1})
    op_path = os.path.join(d, "op.jwt")
    with open(op_path, "w") as f:
        f.write(op_jwt)
    conf = (f"operator: {json.dumps(op_path)}\nresolver: MEMORY\n"
            f"system_account: {sys_acc.public}\n"
            f"resolver_preload: {{ {acc.public}: {json.dumps(acc_jwt)},\n"
            f"  {sys_acc.public}: {json.dumps(sys_jwt)} }}\n")
    return conf, creds(user_jwt, user.seed), acc


def creds(user_jwt, seed):
    """A .creds file's text, as nsc writes it."""
    return (f"-----BEGIN NATS USER JWT-----\n{user_jwt}\n------END NATS USER JWT------\n\n"
            "************************* IMPORTANT *************************\n"
            "NKEY Seed printed below can be used to sign and prove identity.\n\n"
            f"-----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n")
