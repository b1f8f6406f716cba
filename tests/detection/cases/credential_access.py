# SPDX-License-Identifier: Apache-2.0
"""Credential access (rules/50_credential_access.yaml): real reads of password
hashes, keys, cloud and browser credential files, other processes' memory and
environment, done with several tools each; and the admin work that reads the
same files legitimately."""
from detlib import Benign, Case

BOTH = ("host", "container")

# A scratch home under /root (writable on the host and in the container) that
# holds fake credential files; removed by every cleanup.
FAKE_HOME = "/root/vigildet-rcred"
MKHOME = r'''
    H=/root/vigildet-rcred
    mkdir -p "$H/.aws" "$H/.kube" "$H/.docker" "$H/.config/gcloud" \
             "$H/.mozilla/firefox/abcd.default-release" "$H/.config/google-chrome/Default"
    printf '[default]\naws_access_key_id = AKIAVIGILDET\naws_secret_access_key = x\n' > "$H/.aws/credentials"
    printf 'apiVersion: v1\nkind: Config\n' > "$H/.kube/config"
    printf '{"auths":{"r.example":{"auth":"eDp5"}}}\n' > "$H/.docker/config.json"
    printf 'https://u:tok@git.example\n' > "$H/.git-credentials"
    printf 'machine x login u password p\n' > "$H/.netrc"
    printf '{}\n' > "$H/.config/gcloud/application_default_credentials.json"
    printf '{"logins":[]}\n' > "$H/.mozilla/firefox/abcd.default-release/logins.json"
    printf 'x' > "$H/.mozilla/firefox/abcd.default-release/key4.db"
    printf 'x' > "$H/.config/google-chrome/Default/Login Data"
'''
RMHOME = "rm -rf /root/vigildet-rcred"

# A private key with an id_ name under /root/.ssh, unique to the suite.
MKKEY = r'''
    mkdir -p /root/.ssh
    rm -f /root/.ssh/id_vigildet_rcred /root/.ssh/id_vigildet_rcred.pub
    ssh-keygen -q -t ed25519 -N '' -C vigildet -f /root/.ssh/id_vigildet_rcred
'''
RMKEY = "rm -f /root/.ssh/id_vigildet_rcred /root/.ssh/id_vigildet_rcred.pub"

SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
MKSA = r'''
    if [ ! -e /var/run/secrets/kubernetes.io ]; then
        mkdir -p /var/run/secrets/kubernetes.io/serviceaccount
        touch /var/run/secrets/kubernetes.io/.vigildet
        printf 'eyJhbGciOi.vigildet.token' > /var/run/secrets/kubernetes.io/serviceaccount/token
    fi
'''
RMSA = r'''
    if [ -e /var/run/secrets/kubernetes.io/.vigildet ]; then
        rm -rf /var/run/secrets/kubernetes.io
        rmdir /var/run/secrets 2>/dev/null || true
    fi
'''

CASES = [
    # ---- T1003.008 /etc/shadow and friends
    Case(id="credential_access.shadow.cat", tactic="credential_access", technique="T1003.008",
         rules=["Password Hash File Read"], where=BOTH,
         trigger="cat /etc/shadow > \"$DET_DIR/s\""),
    Case(id="credential_access.shadow.python_gshadow", tactic="credential_access",
         technique="T1003.008", rules=["Password Hash File Read"], where=BOTH,
         trigger="python3 -c 'print(len(open(\"/etc/gshadow\").read()))'"),
    Case(id="credential_access.shadow.dd", tactic="credential_access", technique="T1003.008",
         rules=["Password Hash File Read"], where=BOTH,
         trigger="dd if=/etc/shadow of=\"$DET_DIR/s\" status=none"),
    Case(id="credential_access.shadow.tar_named", tactic="credential_access",
         technique="T1003.008", rules=["Password Hash File Read"], where=BOTH,
         trigger="tar czf \"$DET_DIR/loot.tgz\" /etc/shadow /etc/passwd 2>/dev/null"),
    Case(id="credential_access.shadow.getent", tactic="credential_access",
         technique="T1003.008", rules=["Password Hash File Read"], where=BOTH,
         trigger="getent shadow root > /dev/null"),
    Case(id="credential_access.shadow.opasswd_less", tactic="credential_access",
         technique="T1003.008", rules=["Password Hash File Read"], where=BOTH,
         setup=r'''[ -e /etc/security/opasswd ] || { mkdir -p /etc/security
                       : > /etc/security/opasswd; touch "$DET_DIR/opasswd-made"; }''',
         trigger="less -F /etc/security/opasswd < /dev/null > /dev/null",
         cleanup=r'''[ ! -e "$DET_DIR/opasswd-made" ] || rm -f /etc/security/opasswd'''),

    # ---- T1552.004 private keys
    Case(id="credential_access.ssh_key.cp", tactic="credential_access", technique="T1552.004",
         rules=["SSH Private Key Read"], where=BOTH, needs=["ssh-keygen"],
         setup=MKKEY, cleanup=RMKEY,
         trigger="cp /root/.ssh/id_vigildet_rcred \"$DET_DIR/loot\""),
    Case(id="credential_access.ssh_key.python_walk", tactic="credential_access",
         technique="T1552.004", rules=["SSH Private Key Read"], where=BOTH,
         needs=["ssh-keygen"], setup=MKKEY, cleanup=RMKEY,
         trigger=r'''python3 - <<'EOF'
import glob
for p in glob.glob("/root/.ssh/id_*") + glob.glob("/home/*/.ssh/id_*"):
    if not p.endswith(".pub"):
        open(p, "rb").read()
EOF'''),
    Case(id="credential_access.ssh_host_key.cat", tactic="credential_access",
         technique="T1552.004", rules=["SSH Private Key Read"], where=BOTH,
         needs=["ssh-keygen"],
         setup=r'''mkdir -p /etc/ssh; rm -f /etc/ssh/ssh_host_vigildet_key*
                   ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_vigildet_key''',
         trigger="cat /etc/ssh/ssh_host_vigildet_key | base64 > /dev/null",
         cleanup="rm -f /etc/ssh/ssh_host_vigildet_key /etc/ssh/ssh_host_vigildet_key.pub"),

    # ---- T1552.001 cloud / kube / docker / git credentials
    Case(id="credential_access.cloud.aws_cat", tactic="credential_access",
         technique="T1552.001", rules=["Cloud or Tool Credential File Read"], where=BOTH,
         setup=MKHOME, cleanup=RMHOME,
         trigger=f"cat {FAKE_HOME}/.aws/credentials > /dev/null"),
    Case(id="credential_access.cloud.kube_docker_python", tactic="credential_access",
         technique="T1552.001", rules=["Cloud or Tool Credential File Read"], where=BOTH,
         setup=MKHOME, cleanup=RMHOME,
         trigger=r'''python3 -c '
import os
h = "/root/vigildet-rcred"
for f in (".kube/config", ".docker/config.json"):
    open(os.path.join(h, f)).read()' '''),
    Case(id="credential_access.cloud.git_netrc_grep", tactic="credential_access",
         technique="T1552.001", rules=["Cloud or Tool Credential File Read"], where=BOTH,
         setup=MKHOME, cleanup=RMHOME,
         trigger=f"grep -h password {FAKE_HOME}/.netrc {FAKE_HOME}/.git-credentials || true"),
    Case(id="credential_access.cloud.gcloud_tar", tactic="credential_access",
         technique="T1552.001", rules=["Cloud or Tool Credential File Read"], where=BOTH,
         setup=MKHOME, cleanup=RMHOME,
         trigger=f"tar czf \"$DET_DIR/g.tgz\" {FAKE_HOME}/.config/gcloud 2>/dev/null"),
    Case(id="credential_access.k8s_token.cat", tactic="credential_access", technique="T1528",
         rules=["Kubernetes Service Account Token Read by Shell Tool"], where=BOTH,
         cleanup=RMSA,   # made in the trigger: the container's /run is fresh per part
         trigger=MKSA + f"TOKEN=$(cat {SA_DIR}/token); echo \"${{#TOKEN}}\""),
    Case(id="credential_access.k8s_token.shell_redirect", tactic="credential_access",
         technique="T1528", rules=["Kubernetes Service Account Token Read by Shell Tool"],
         where=BOTH, cleanup=RMSA,
         trigger=MKSA + f"bash -c 'read -r T < {SA_DIR}/token; echo ${{#T}}'"),

    # ---- T1555.003 browser stores
    Case(id="credential_access.browser.firefox_cp", tactic="credential_access",
         technique="T1555.003", rules=["Browser Password Store Read"], where=BOTH,
         setup=MKHOME, cleanup=RMHOME,
         trigger=r'''cp /root/vigildet-rcred/.mozilla/firefox/*/logins.json /root/vigildet-rcred/.mozilla/firefox/*/key4.db "$DET_DIR/"'''),
    Case(id="credential_access.browser.chrome_python", tactic="credential_access",
         technique="T1555.003", rules=["Browser Password Store Read"], where=BOTH,
         setup=MKHOME, cleanup=RMHOME,
         trigger=r'''python3 -c 'open("/root/vigildet-rcred/.config/google-chrome/Default/Login Data","rb").read()' '''),

    # ---- T1552.007 / T1003.007 other processes' environment and memory
    Case(id="credential_access.proc_environ.cat", tactic="credential_access",
         technique="T1552.007", rules=["Other Process Environment Read"], where=BOTH,
         trigger=r'''SECRET_TOKEN=vigildet sleep 30 &
                     cat /proc/$!/environ | tr '\0' '\n' | grep -c SECRET_TOKEN'''),
    Case(id="credential_access.proc_environ.python_loop", tactic="credential_access",
         technique="T1552.007", rules=["Other Process Environment Read"], where=BOTH,
         trigger=r'''sleep 30 &
python3 - <<'EOF'
import os
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        open(f"/proc/{pid}/environ", "rb").read()
    except OSError:
        pass
EOF'''),
    # Paths that start like the process's own but name another one.
    Case(id="credential_access.proc_environ.relative_and_dotdot", tactic="credential_access",
         technique="T1552.007", rules=["Other Process Environment Read"], where=BOTH,
         trigger=r'''sleep 30 & pid=$!
                     (cd /proc/$pid && cat environ > /dev/null)
                     cat /proc/self/../$pid/environ > /dev/null'''),
    Case(id="credential_access.proc_mem.mimipenguin_style", tactic="credential_access",
         technique="T1003.007", rules=["Other Process Memory Read"], where=BOTH,
         trigger=r'''sleep 30 &
python3 - "$!" <<'EOF'
import re, sys
pid = sys.argv[1]
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb") as mem:
    for line in maps:
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) r", line)
        if m and "[heap]" in line or (m and "stack" in line):
            mem.seek(int(m.group(1), 16))
            mem.read(4096)
EOF'''),
    Case(id="credential_access.proc_mem.dd", tactic="credential_access",
         technique="T1003.007", rules=["Other Process Memory Read"], where=BOTH,
         trigger=r'''sleep 30 &
                     dd if=/proc/$!/mem of=/dev/null bs=1 count=1 2>/dev/null || true'''),
    Case(id="credential_access.memdump.gcore", tactic="credential_access",
         technique="T1003.007", rules=["Process Memory Dump Tool"], where=BOTH,
         needs=["gcore"],
         trigger=r'''sleep 30 &
                     timeout 30 gcore -o "$DET_DIR/core" $! > /dev/null 2>&1 || true'''),
    Case(id="credential_access.memdump.gdb_dump_memory", tactic="credential_access",
         technique="T1003.007", rules=["Process Memory Dump Tool"], where=BOTH,
         needs=["gdb"],
         trigger=r'''sleep 30 &
                     timeout 30 gdb -p $! -batch -ex "generate-core-file $DET_DIR/c" > /dev/null 2>&1 || true'''),

    # ---- T1552.003 history, T1552.004 TLS keys, T1555 password stores
    Case(id="credential_access.history.grep_passwords", tactic="credential_access",
         technique="T1552.003", rules=["Shell History Read by Another Program"], where=BOTH,
         setup=r'''printf 'mysql -uroot -pS3cret\nls\n' > "$DET_DIR/.bash_history"''',
         trigger=r'''grep -E -e '-p|pass' "$DET_DIR/.bash_history" > /dev/null || true'''),
    Case(id="credential_access.tls_key.cat", tactic="credential_access",
         technique="T1552.004", rules=["TLS Private Key Read by Shell Tool"], where=BOTH,
         setup=r'''mkdir -p /etc/ssl/private
                   printf -- '-----BEGIN PRIVATE KEY-----\nx\n' > /etc/ssl/private/vigildet-rcred.key''',
         trigger="cat /etc/ssl/private/vigildet-rcred.key | base64 > /dev/null",
         cleanup="rm -f /etc/ssl/private/vigildet-rcred.key"),
    Case(id="credential_access.password_store.keyring_cp", tactic="credential_access",
         technique="T1555", rules=["Password Manager Store Read"], where=BOTH,
         setup=MKHOME + r'''
    mkdir -p "$H/.local/share/keyrings"; printf 'GnomeKeyring' > "$H/.local/share/keyrings/login.keyring"
    printf 'x' > "$H/Passwords.kdbx"''', cleanup=RMHOME,
         trigger=r'''cp /root/vigildet-rcred/.local/share/keyrings/login.keyring "$DET_DIR/"
                     python3 -c 'open("/root/vigildet-rcred/Passwords.kdbx","rb").read()' '''),

    # ---- T1040 sniffing
    Case(id="credential_access.sniff.tcpdump", tactic="credential_access", technique="T1040",
         rules=["Network Traffic Captured"], where=BOTH, needs=["tcpdump"],
         trigger="timeout 2 tcpdump -i lo -c 1 -w /dev/null port 1 > /dev/null 2>&1 || true"),
    Case(id="credential_access.sniff.python_af_packet", tactic="credential_access",
         technique="T1040", rules=["Network Traffic Captured"], where=BOTH,
         trigger=r'''python3 -c '
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3))
s.bind(("lo", 0)); s.settimeout(0.2)
try:
    s.recv(2048)
except OSError:
    pass' '''),

    # ---- searching for secrets
    Case(id="credential_access.search.grep_password", tactic="credential_access",
         technique="T1552.001", rules=["Recursive Search for Credentials"], where=BOTH,
         trigger="grep -ri password /etc > /dev/null 2>&1 || true"),
    Case(id="credential_access.search.find_keys", tactic="credential_access",
         technique="T1552.004", rules=["Recursive Search for Credentials"], where=BOTH,
         trigger="find / -xdev -maxdepth 4 -name id_rsa 2>/dev/null || true"),
]

BENIGN = [
    # Shadow utilities and login programs read /etc/shadow to do their job.
    Benign(id="benign.cred.shadow_utilities", where=BOTH,
           script=r'''chage -l root > /dev/null
                      passwd -S root > /dev/null
                      pwck -r -q > /dev/null 2>&1 || true
                      su -s /bin/sh -c true "$(det_user)" || true'''),
    # A tar backup of /etc reads /etc/shadow as one file among many.
    Benign(id="benign.cred.tar_backup_etc", where=BOTH,
           script=r'''tar czf "$DET_DIR/etc-backup.tgz" /etc 2>/dev/null || true
                      tar tzf "$DET_DIR/etc-backup.tgz" > /dev/null'''),
    # A backup of a home directory holding keys, histories, known_hosts, cloud files.
    Benign(id="benign.cred.tar_backup_home", where=BOTH, needs=["ssh-keygen"],
           setup=MKHOME + r'''
    printf 'ls\n' > "$H/.bash_history"; mkdir -p "$H/.ssh"; printf 'h ssh-ed25519 AAAA\n' > "$H/.ssh/known_hosts"
    ssh-keygen -q -t ed25519 -N '' -f "$H/.ssh/id_ed25519"''',
           cleanup=RMHOME,
           script=r'''tar czf "$DET_DIR/home-backup.tgz" /root/vigildet-rcred 2>/dev/null
                      rsync -a /root/vigildet-rcred/ "$DET_DIR/rsync-copy/" 2>/dev/null || cp -a /root/vigildet-rcred "$DET_DIR/cp-copy"'''),
    # ssh-keygen for one's own keys, and reading public keys.
    Benign(id="benign.cred.ssh_keygen_own", where=BOTH, needs=["ssh-keygen"],
           setup=MKKEY, cleanup=RMKEY,
           script=r'''ssh-keygen -q -t ed25519 -N '' -f "$DET_DIR/id_ed25519"
                      ssh-keygen -y -f /root/.ssh/id_vigildet_rcred > /dev/null
                      ssh-keygen -l -f /root/.ssh/id_vigildet_rcred.pub > /dev/null
                      cat /root/.ssh/id_vigildet_rcred.pub > /dev/null'''),
    # The official clients read their own credential files.
    Benign(id="benign.cred.curl_netrc_git", where=BOTH, setup=MKHOME, cleanup=RMHOME,
           script=r'''curl -s --netrc-file /root/vigildet-rcred/.netrc -o /dev/null \
                          "http://127.0.0.1:$DET_PORT/" || true
                      HOME=/root/vigildet-rcred git config --global --list > /dev/null 2>&1 || true'''),
    # Own environment, process listings and monitoring.
    Benign(id="benign.cred.own_environ_and_ps", where=BOTH,
           script=r'''cat /proc/self/environ > /dev/null
                      python3 -c 'open("/proc/self/environ","rb").read()'
                      ps aux > /dev/null; ps -ef > /dev/null; top -bn1 > /dev/null
                      pgrep -a sleep > /dev/null || true'''),
    # gdb and strace of one's own program: running, backtraces, no dump.
    Benign(id="benign.cred.gdb_strace_own_program", where=("host",), needs=["gdb", "strace"],
           script=r'''gdb -q -batch -ex run --args /bin/true > /dev/null 2>&1
                      sleep 30 &
                      gdb -q -batch -p $! -ex bt -ex detach > /dev/null 2>&1
                      strace -f -o /dev/null /bin/true'''),
    # Grepping config for a setting that only contains the word.
    Benign(id="benign.cred.grep_config_keys", where=BOTH,
           script=r'''grep -r PasswordAuthentication /etc/ssh > /dev/null 2>&1 || true
                      grep -i password /etc/login.defs > /dev/null || true
                      find /etc -maxdepth 2 -name '*.conf' > /dev/null'''),
]
