# SPDX-License-Identifier: Apache-2.0
"""Discovery (rules/60_discovery.yaml; count-based forms in rules/60_discovery.yaml):
scanners, netcat port ranges, enumeration scripts, SUID hunts, /proc sweeps, cloud
metadata, discovery below a network service; and an admin's monitoring that
must stay quiet."""
from detlib import Benign, Case

BOTH = ("host", "container")
T = "discovery"

# A stand-in network service: a program named php-fpm (a copy of python3) that
# runs what a web shell would, through sh -c.
WEBSHELL = r'''
cp "$(readlink -f /usr/bin/python3)" "$DET_DIR/php-fpm"
"$DET_DIR/php-fpm" - "$@" <<'EOF'
import subprocess, sys
for cmd in sys.argv[1:]:
    subprocess.run(["/bin/sh", "-c", cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
EOF
'''


# The same service running helper programs directly (no shell), as services do.
SERVICE_HELPERS = r'''
cp "$(readlink -f /usr/bin/python3)" "$DET_DIR/php-fpm"
"$DET_DIR/php-fpm" - "$@" <<'EOF'
import shlex, subprocess, sys
for cmd in sys.argv[1:]:
    subprocess.run(shlex.split(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
EOF
'''


def webshell(*cmds):
    args = " ".join("'" + c + "'" for c in cmds)
    return "set -- " + args + "\n" + WEBSHELL


CASES = [
    Case(id=f"{T}.scanner.nmap_connect", tactic=T, technique="T1046",
         rules=["Network Scanner Executed"], where=BOTH, needs=["nmap"],
         trigger=r'''det_listen_tcp 127.0.0.1 "$DET_PORT"
                     nmap -sT -Pn -p "$DET_PORT,$DET_PORT2" 127.0.0.1 > /dev/null 2>&1 || true'''),
    Case(id=f"{T}.scanner.nmap_syn_ns", tactic=T, technique="T1046",
         rules=["Network Scanner Executed"], where=("host",), needs=["nmap"],
         trigger=r'''nmap -sS -Pn -n --max-retries 0 -p 20-25 "$DET_NS_ADDR" > /dev/null 2>&1 || true'''),
    Case(id=f"{T}.scanner.nc_port_range", tactic=T, technique="T1046",
         rules=["Netcat Port Range Scan"], where=BOTH, needs=["nc"],
         trigger=r'''nc -zv -w 1 127.0.0.1 "$DET_PORT-$((DET_PORT + 5))" > /dev/null 2>&1 || true'''),
    Case(id=f"{T}.scanner.ncat_port_list", tactic=T, technique="T1046",
         rules=["Netcat Port Range Scan"], where=BOTH, needs=["nc"],
         trigger=r'''nc -z -w 1 127.0.0.1 "$DET_PORT" "$DET_PORT2" 22 > /dev/null 2>&1 || true'''),
    Case(id=f"{T}.enum.linpeas_named_script", tactic=T, technique="T1082",
         rules=["Enumeration Script or Tool Executed"], where=BOTH,
         trigger=r'''printf 'id\nuname -a\n' > "$DET_DIR/linpeas.sh"
                     sh "$DET_DIR/linpeas.sh" > /dev/null'''),
    Case(id=f"{T}.enum.pspy_binary", tactic=T, technique="T1057",
         rules=["Enumeration Script or Tool Executed"], where=BOTH,
         trigger=r'''cp /bin/true "$DET_DIR/pspy64"; "$DET_DIR/pspy64" -pf -i 1000'''),
    Case(id=f"{T}.enum.find_suid", tactic=T, technique="T1083",
         rules=["SUID or Capability Search"], where=BOTH,
         trigger=r'''find / -xdev -perm -4000 -type f 2>/dev/null | head -n 3 > /dev/null || true'''),
    Case(id=f"{T}.enum.find_suid_symbolic", tactic=T, technique="T1083",
         rules=["SUID or Capability Search"], where=BOTH,
         trigger=r'''find /usr/bin -perm -u=s -type f 2>/dev/null > /dev/null || true'''),
    Case(id=f"{T}.enum.getcap_recursive", tactic=T, technique="T1083",
         rules=["SUID or Capability Search"], where=BOTH, needs=["getcap"],
         trigger=r'''getcap -r /usr/bin 2>/dev/null > /dev/null || true'''),
    Case(id=f"{T}.proc_sweep.cat_cmdline", tactic=T, technique="T1057",
         rules=["Process Command Lines Swept"], where=BOTH,
         trigger=r'''cat /proc/*/cmdline 2>/dev/null | tr '\0' ' ' > /dev/null || true'''),
    Case(id=f"{T}.webshell.id_uname", tactic=T, technique="T1082",
         rules=["Discovery Command from Service Daemon Shell"], where=BOTH,
         trigger=webshell("id", "uname -a", "cat /etc/passwd")),
    Case(id=f"{T}.webshell.network", tactic=T, technique="T1016",
         rules=["Discovery Command from Service Daemon Shell"], where=BOTH,
         trigger=webshell("ip neigh", "ip -brief addr", "ss -tlnp")),
    Case(id=f"{T}.webshell.container_recon", tactic=T, technique="T1613",
         rules=["Discovery Command from Service Daemon Shell"], where=BOTH,
         trigger=webshell("cat /proc/1/cgroup", "ls -la /var/run/secrets", "capsh --print", "mount")),
    Case(id=f"{T}.cloud_metadata.curl", tactic="credential_access", technique="T1552.005",
         rules=["Cloud Metadata Queried by Shell Tool"], where=("host",),
         needs=["curl", "unshare", "ip"],
         # in a private network namespace that owns 169.254.169.254: nothing leaves the host
         trigger=r'''unshare -n bash -c 'ip link set lo up; ip addr add 169.254.169.254/32 dev lo
             python3 -m http.server --bind 169.254.169.254 80 > /dev/null 2>&1 &
             for i in $(seq 30); do curl -s -m 1 -o /dev/null http://169.254.169.254/latest/meta-data/iam/security-credentials/ && break; sleep 0.1; done' '''),

    # single commands that admins seldom run and enumeration always does
    Case(id=f"{T}.rare.sudo_list", tactic=T, technique="T1069",
         rules=["Discovery Command Rare on Servers"], where=BOTH, needs=["sudo"],
         trigger="sudo -n -l > /dev/null 2>&1 || true"),
    Case(id=f"{T}.rare.container_checks", tactic=T, technique="T1613",
         rules=["Discovery Command Rare on Servers"], where=BOTH, needs=["capsh"],
         trigger=r'''cat /proc/1/cgroup > /dev/null; ls -la /.dockerenv > /dev/null 2>&1 || true
                     capsh --print > /dev/null'''),
    Case(id=f"{T}.rare.neighbours", tactic=T, technique="T1018",
         rules=["Discovery Command Rare on Servers"], where=BOTH,
         trigger="ip neigh show > /dev/null; cat /proc/net/arp > /dev/null"),
    Case(id=f"{T}.rare.accounts", tactic=T, technique="T1087.001",
         rules=["Discovery Command Rare on Servers"], where=BOTH,
         trigger="getent passwd > /dev/null; lastlog > /dev/null 2>&1 || true"),
    Case(id=f"{T}.rare.security_software", tactic=T, technique="T1518.001",
         rules=["Discovery Command Rare on Servers"], where=BOTH,
         trigger=r'''ps aux | grep -i -E "falco|auditd|osquery|wazuh|crowdstrike" > /dev/null || true'''),
    Case(id=f"{T}.known_hosts.cat", tactic=T, technique="T1018",
         rules=["SSH Known Hosts Read by Shell Tool"], where=BOTH,
         setup=r'''mkdir -p "$DET_DIR/.ssh"; printf '10.0.0.5 ssh-ed25519 AAAA\n' > "$DET_DIR/.ssh/known_hosts"''',
         trigger=r'''cut -d' ' -f1 "$DET_DIR/.ssh/known_hosts" > /dev/null; cat "$DET_DIR/.ssh/known_hosts" > /dev/null'''),

    # count-based (rules/60_discovery.yaml): run when the engine loads them
    Case(id=f"{T}.burst.recon_script", tactic=T, technique="T1082",
         rules=["Discovery Command Burst"], where=BOTH,
         trigger=r'''id; whoami; uname -a; hostname; cat /etc/os-release > /dev/null
                     cat /etc/passwd > /dev/null; ip -brief addr > /dev/null; env > /dev/null
                     cat /proc/1/cgroup > /dev/null; mount > /dev/null'''),
    Case(id=f"{T}.portscan.bash_devtcp_loop", tactic=T, technique="T1046",
         rules=["Outbound Port Scan"], where=BOTH,
         trigger=r'''det_listen_tcp 127.0.0.1 "$DET_PORT"
                     for p in $(seq $((DET_PORT - 10)) $((DET_PORT + 10))); do
                         (echo > /dev/tcp/127.0.0.1/$p) 2>/dev/null || true
                     done'''),
    Case(id=f"{T}.sweep.ping_loop", tactic=T, technique="T1018",
         rules=["Ping Sweep"], where=("host",), needs=["ping"],
         trigger=r'''for i in $(seq 1 12); do ping -c 1 -W 0.2 "127.0.0.$i" > /dev/null 2>&1 || true; done'''),
    Case(id=f"{T}.portscan.python_connect_ex", tactic=T, technique="T1046",
         rules=["Outbound Port Scan"], where=BOTH,
         trigger=r'''python3 - <<'EOF'
import socket
for p in range(20000, 20030):
    s = socket.socket(); s.settimeout(0.2); s.connect_ex(("127.0.0.1", p)); s.close()
EOF'''),
]

BENIGN = [
    # An admin watching a machine: monitoring and a short inventory, no service above.
    Benign(id="benign.discovery.admin_monitoring", where=BOTH,
           script=r'''ps aux > /dev/null; ps -ef > /dev/null; top -bn1 > /dev/null
                      ss -tlnp > /dev/null; df -h > /dev/null; free -m > /dev/null; uptime > /dev/null
                      hostname > /dev/null; uname -a > /dev/null; cat /etc/os-release > /dev/null
                      ip -brief addr > /dev/null; id > /dev/null; w > /dev/null || true'''),
    # Single-port health checks.
    Benign(id="benign.discovery.nc_single_port", where=BOTH, needs=["nc"],
           script=r'''det_listen_tcp 127.0.0.1 "$DET_PORT"
                      nc -z -w 1 127.0.0.1 "$DET_PORT"
                      nc -zv -w 1 127.0.0.1 "$DET_PORT" 2>/dev/null'''),
    # A service running its own helper (a python "php-fpm" running a non-discovery job).
    Benign(id="benign.discovery.service_runs_helpers", where=BOTH,
           script="set -- 'hostname' 'date' 'gzip -c /etc/hostname' 'uname -r'\n"
                  + SERVICE_HELPERS),
    # The rare commands on an admin's terminal (a pty from script(1)).
    Benign(id="benign.discovery.terminal_admin", where=("host",), needs=["script", "sudo"],
           script=r'''script -qec "sudo -n -l; ip neigh; cat /proc/1/cgroup; getent passwd" /dev/null > /dev/null 2>&1 || true
                      grep root /etc/passwd > /dev/null
                      ps aux | grep -c sshd > /dev/null || true'''),
    # find for configuration, not setuid files.
    Benign(id="benign.discovery.find_configs", where=BOTH,
           script=r'''find /etc -maxdepth 2 -name '*.conf' -newer /etc/hostname > /dev/null
                      find /usr/bin -maxdepth 1 -perm -755 -name 'ls' > /dev/null'''),
]
