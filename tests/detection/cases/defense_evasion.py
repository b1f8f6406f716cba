# SPDX-License-Identifier: Apache-2.0
"""Defense evasion (rules/40_defense_evasion.yaml): history and log wiping,
audit and firewall teardown, timestomping, hidden files, masquerading,
self-deleting binaries, BPF program loads; and the admin work that looks alike."""
from detlib import Benign, Case

BOTH = ("host", "container")
T = "defense_evasion"

HIST = r'''printf 'ls\nid\n' > "$DET_DIR/.bash_history"; printf 'x\n' > "$DET_DIR/.zsh_history"'''
LOG = "/var/log/vigildet-rcred.log"
MKLOG = f"mkdir -p /var/log; printf 'Dec  7 sshd[1]: Accepted password for root\\n' > {LOG}"
RMLOG = f"rm -f {LOG} {LOG}.1"

# A minimal eBPF socket filter (r0 = 0; exit) loaded with bpf(BPF_PROG_LOAD).
BPF_LOAD = r'''python3 - <<'EOF'
import ctypes, struct
libc = ctypes.CDLL(None, use_errno=True)
insns = struct.pack("<BBhi", 0xb7, 0, 0, 0) + struct.pack("<BBhi", 0x95, 0, 0, 0)
buf = ctypes.create_string_buffer(insns)
lic = ctypes.create_string_buffer(b"GPL")
attr = struct.pack("<IIQQIIQI", 1, 2, ctypes.addressof(buf), ctypes.addressof(lic), 0, 0, 0, 0)
attr += b"\0" * (128 - len(attr))
a = ctypes.create_string_buffer(attr)
fd = libc.syscall(321, 5, a, 128)   # bpf(BPF_PROG_LOAD, ...)
print("bpf prog fd", fd, ctypes.get_errno())
EOF'''

CASES = [
    # ---- T1070.003 history
    Case(id=f"{T}.history.redirect_truncate", tactic=T, technique="T1070.003",
         rules=["Shell History Truncated"], where=BOTH, setup=HIST,
         trigger=r'''cat /dev/null > "$DET_DIR/.bash_history"'''),
    Case(id=f"{T}.history.truncate_cmd", tactic=T, technique="T1070.003",
         rules=["Shell History Truncated"], where=BOTH, setup=HIST,
         trigger=r'''truncate -s 0 "$DET_DIR/.zsh_history"'''),
    Case(id=f"{T}.history.rm", tactic=T, technique="T1070.003",
         rules=["Shell History Deleted or Redirected"], where=BOTH, setup=HIST,
         trigger=r'''rm -f "$DET_DIR/.bash_history"'''),
    Case(id=f"{T}.history.ln_devnull", tactic=T, technique="T1070.003",
         rules=["Shell History Deleted or Redirected"], where=BOTH, setup=HIST,
         trigger=r'''ln -sf /dev/null "$DET_DIR/.bash_history"'''),
    Case(id=f"{T}.history.shred", tactic=T, technique="T1070.003",
         rules=["Shell History Truncated", "Shell History Deleted or Redirected"], where=BOTH,
         setup=HIST, trigger=r'''shred -u "$DET_DIR/.bash_history"'''),
    Case(id=f"{T}.history.histfile_devnull_env", tactic=T, technique="T1070.003",
         rules=["Shell History Disabled"], where=BOTH,
         trigger=r'''export HISTFILE=/dev/null; id > /dev/null'''),
    Case(id=f"{T}.history.histsize_zero_env", tactic=T, technique="T1070.003",
         rules=["Shell History Disabled"], where=BOTH,
         trigger=r'''export HISTFILESIZE=0 HISTSIZE=0; uname -a > /dev/null'''),
    Case(id=f"{T}.history.clear_in_shell", tactic=T, technique="T1070.003",
         rules=["Shell History Disabled"], where=BOTH,
         trigger=r'''bash -c 'unset HISTFILE; history -c; set +o history; true' '''),

    # ---- T1070.002 logs
    Case(id=f"{T}.logs.redirect_truncate", tactic=T, technique="T1070.002",
         rules=["Log File Truncated"], where=BOTH, setup=MKLOG, cleanup=RMLOG,
         trigger=f"> {LOG}"),
    Case(id=f"{T}.logs.echo_truncate", tactic=T, technique="T1070.002",
         rules=["Log File Truncated"], where=BOTH, setup=MKLOG, cleanup=RMLOG,
         trigger=f"echo > {LOG}"),
    Case(id=f"{T}.logs.truncate_cmd", tactic=T, technique="T1070.002",
         rules=["Log File Truncated", "Log Tampering Tool"], where=BOTH, setup=MKLOG,
         cleanup=RMLOG, trigger=f"truncate -s0 {LOG}"),
    Case(id=f"{T}.logs.rm", tactic=T, technique="T1070.002",
         rules=["Log File Deleted or Renamed"], where=BOTH, setup=MKLOG, cleanup=RMLOG,
         trigger=f"rm -f {LOG}"),
    Case(id=f"{T}.logs.sed_delete_lines", tactic=T, technique="T1070.002",
         rules=["Log File Deleted or Renamed"], where=BOTH, setup=MKLOG, cleanup=RMLOG,
         trigger=f"sed -i '/Accepted/d' {LOG}"),
    Case(id=f"{T}.logs.python_truncate", tactic=T, technique="T1070.002",
         rules=["Log File Truncated"], where=BOTH, setup=MKLOG, cleanup=RMLOG,
         trigger=f"python3 -c 'open(\"{LOG}\", \"w\").close()'"),
    # The real wtmp, rewritten through utmpdump, only in the container (its own /var).
    Case(id=f"{T}.logs.utmpdump_wtmp", tactic=T, technique="T1070.002",
         rules=["Log File Truncated", "Log Tampering Tool"], where=("container",),
         needs=["utmpdump"],
         setup="mkdir -p /var/log; [ -e /var/log/wtmp ] || : > /var/log/wtmp",
         trigger=r'''utmpdump /var/log/wtmp > "$DET_DIR/w.txt" 2>/dev/null
                     grep -v vigildet "$DET_DIR/w.txt" | utmpdump -r > /var/log/wtmp 2>/dev/null'''),

    # ---- T1562 audit and firewall off
    Case(id=f"{T}.audit.auditctl_delete_rules", tactic=T, technique="T1562.012",
         rules=["Audit or Security Tool Disabled"], where=BOTH, needs=["auditctl"],
         trigger="auditctl -D -k vigildet-no-such-key > /dev/null 2>&1 || true"),
    Case(id=f"{T}.audit.auditctl_disable", tactic=T, technique="T1562.012",
         rules=["Audit or Security Tool Disabled"], where=BOTH, needs=["auditctl"],
         setup=r'''auditctl -s 2>/dev/null | awk '$1=="enabled"{print $2}' > "$DET_DIR/audit-enabled" || true''',
         trigger="auditctl -e 0 > /dev/null 2>&1 || true",
         cleanup=r'''e=$(cat "$DET_DIR/audit-enabled" 2>/dev/null || true)
                     if [ "$e" = 1 ]; then auditctl -e 1 > /dev/null 2>&1 || true; fi'''),
    Case(id=f"{T}.audit.systemctl_stop", tactic=T, technique="T1562.012",
         rules=["Audit or Security Tool Disabled"], where=BOTH,
         # signal 0: nothing is killed, whatever runs here
         trigger="systemctl stop auditd > /dev/null 2>&1 || true; pkill -0 -x auditd || true"),
    Case(id=f"{T}.audit.daemon_killed", tactic=T, technique="T1562.012",
         rules=["Audit or Log Daemon Terminated"], where=("host",),
         trigger=r'''cp /bin/sleep "$DET_DIR/auditd"; "$DET_DIR/auditd" 30 & sleep 0.3; kill -9 $!; wait || true'''),
    Case(id=f"{T}.audit.syslog_killed", tactic=T, technique="T1562.001",
         rules=["Audit or Log Daemon Terminated"], where=BOTH,
         trigger=r'''cp /bin/sleep "$DET_DIR/rsyslogd"; "$DET_DIR/rsyslogd" 30 & sleep 0.3; kill -9 $!; wait || true'''),
    Case(id=f"{T}.firewall.iptables_flush", tactic=T, technique="T1562.004",
         rules=["Audit or Security Tool Disabled"], where=("host",), needs=["iptables", "unshare"],
         # in a fresh network namespace: nothing real is flushed
         trigger="unshare -n iptables -F"),

    # ---- T1070.006 timestomp
    Case(id=f"{T}.timestomp.touch_reference", tactic=T, technique="T1070.006",
         rules=["Timestomp with touch"], where=BOTH,
         trigger=r'''cp /bin/true "$DET_DIR/sshd-helper"; touch -r /bin/ls "$DET_DIR/sshd-helper"'''),
    Case(id=f"{T}.timestomp.touch_date", tactic=T, technique="T1070.006",
         rules=["Timestomp with touch"], where=BOTH,
         trigger=r''': > "$DET_DIR/x"; touch -d "2019-03-01 10:00" "$DET_DIR/x"; touch -t 201901010000 "$DET_DIR/x"'''),

    # ---- T1564.001 hidden files
    Case(id=f"{T}.hidden.dir_dev_shm", tactic=T, technique="T1564.001",
         rules=["Hidden Directory Created in System or Temp Path"], where=BOTH,
         trigger="mkdir /dev/shm/.vigildet-rcred",
         cleanup="rmdir /dev/shm/.vigildet-rcred 2>/dev/null || true"),
    Case(id=f"{T}.hidden.dir_dots_var_tmp", tactic=T, technique="T1564.001",
         rules=["Hidden Directory Created in System or Temp Path"], where=BOTH,
         trigger="mkdir '/var/tmp/... vigildet'",
         cleanup="rmdir '/var/tmp/... vigildet' 2>/dev/null || true"),
    Case(id=f"{T}.hidden.dir_space_tmp", tactic=T, technique="T1564.001",
         rules=["Hidden Directory Created in System or Temp Path"], where=BOTH,
         trigger="mkdir '/tmp/ vigildet'",
         cleanup="rmdir '/tmp/ vigildet' 2>/dev/null || true"),
    Case(id=f"{T}.hidden.file_dev_shm", tactic=T, technique="T1564.001",
         rules=["Hidden File Created in Temp or Binary Directory"], where=BOTH,
         trigger="cp /bin/true /dev/shm/.vigildet-payload",
         cleanup="rm -f /dev/shm/.vigildet-payload"),
    Case(id=f"{T}.hidden.file_python_tmp", tactic=T, technique="T1564.001",
         rules=["Hidden File Created in Temp or Binary Directory"], where=BOTH,
         trigger="python3 -c 'open(\"/tmp/.vigildet-cache\", \"wb\").write(b\"\\x7fELF\")'",
         cleanup="rm -f /tmp/.vigildet-cache"),

    # ---- T1036 masquerading
    Case(id=f"{T}.masquerade.exec_a_kworker", tactic=T, technique="T1036.004",
         rules=["Process Masquerading as Kernel Thread"], where=BOTH,
         trigger=r'''bash -c 'exec -a "[kworker/0:1]" sleep 0.1' '''),
    Case(id=f"{T}.masquerade.file_named_kworker", tactic=T, technique="T1036.004",
         rules=["Process Masquerading as Kernel Thread"], where=BOTH,
         trigger=r'''cp /bin/sleep "$DET_DIR/kworker"; "$DET_DIR/kworker" 0.1'''),
    Case(id=f"{T}.masquerade.prctl_python", tactic=T, technique="T1036.004",
         rules=["Process Renamed After Exec"], where=BOTH,
         trigger=r'''python3 -c 'import ctypes; ctypes.CDLL(None).prctl(15, b"kworker/1:2", 0, 0, 0)' '''),
    Case(id=f"{T}.masquerade.perl_dollar0", tactic=T, technique="T1036.004",
         rules=["Process Renamed After Exec"], where=BOTH, needs=["perl"],
         trigger=r'''perl -e '$0 = "[kthreadd]"; select(undef, undef, undef, 0.1)' '''),
    Case(id=f"{T}.masquerade.exec_a_sshd", tactic=T, technique="T1036.005",
         rules=["Process Renamed After Exec"], where=BOTH,
         trigger=r'''cp /bin/sleep "$DET_DIR/upd"; bash -c "exec -a sshd '$DET_DIR/upd' 0.1"'''),
    Case(id=f"{T}.masquerade.daemon_name_in_tmp", tactic=T, technique="T1036.005",
         rules=["Process Renamed After Exec"], where=BOTH,
         trigger=r'''mkdir -p /dev/shm/.vigildet-m; cp /bin/sleep /dev/shm/.vigildet-m/sshd
                     /dev/shm/.vigildet-m/sshd 0.1''',
         cleanup="rm -rf /dev/shm/.vigildet-m"),
    Case(id=f"{T}.masquerade.symlinked_ncat", tactic=T, technique="T1036.003",
         rules=["Known Tool Run Under Another Name", "Process Renamed After Exec"], where=BOTH,
         needs=["ncat"],
         trigger=r'''ln -s "$(command -v ncat)" "$DET_DIR/httpd"; "$DET_DIR/httpd" --version > /dev/null 2>&1 || true'''),
    Case(id=f"{T}.masquerade.symlinked_socat", tactic=T, technique="T1036.003",
         rules=["Known Tool Run Under Another Name"], where=BOTH, needs=["socat"],
         trigger=r'''ln -s "$(command -v socat)" "$DET_DIR/dbus-launch"; "$DET_DIR/dbus-launch" -V > /dev/null 2>&1 || true'''),

    # ---- T1070.004 self-deleting binaries
    Case(id=f"{T}.selfdelete.python_unlinks_exe", tactic=T, technique="T1070.004",
         rules=["Executable Deleted by Its Own Process"], where=BOTH,
         trigger=r'''cp "$(readlink -f /usr/bin/python3)" "$DET_DIR/kupd"
                     "$DET_DIR/kupd" -c 'import os, sys; os.unlink(sys.executable)' '''),
    Case(id=f"{T}.selfdelete.binary_runs_rm_on_itself", tactic=T, technique="T1070.004",
         rules=["Executable Deleted by Its Own Process"], where=BOTH,
         trigger=r'''cp /bin/bash "$DET_DIR/.x"; "$DET_DIR/.x" -c "rm -f '$DET_DIR/.x'; true" '''),
    Case(id=f"{T}.selfdelete.script_rm_dollar0", tactic=T, technique="T1070.004",
         rules=["Executable Deleted by Its Own Process"], where=BOTH,
         trigger=r'''printf '#!/bin/sh\nrm -f -- "$0"\n' > "$DET_DIR/dropper.sh"; chmod +x "$DET_DIR/dropper.sh"
                     "$DET_DIR/dropper.sh"'''),

    # shred of a file: "Secure Deletion Tool Run" in 80_impact.yaml (h-rexec) and its cases.
    Case(id=f"{T}.file_deletion.executed_then_rm", tactic=T, technique="T1070.004",
         rules=["Executed File Deleted"], where=BOTH,
         trigger=r'''cp /bin/true /tmp/vigildet-dropper; /tmp/vigildet-dropper; rm -f /tmp/vigildet-dropper''',
         cleanup="rm -f /tmp/vigildet-dropper"),

    # ---- BPF
    Case(id=f"{T}.bpf.prog_load_python", tactic=T, technique="T1014",
         rules=["BPF Program Loaded by Unexpected Process"], where=BOTH, trigger=BPF_LOAD),
]

BENIGN = [
    # An interactive shell saving its history appends, and reads it back at start.
    Benign(id="benign.evasion.shell_history_save", where=BOTH,
           script=r'''printf 'ls\n' > "$DET_DIR/.bash_history"
                      HISTFILE="$DET_DIR/.bash_history" bash --norc -i <<< "echo hi" > /dev/null 2>&1
                      HISTFILE="$DET_DIR/.new_history" bash --norc -i <<< "echo hi" > /dev/null 2>&1'''),
    # logrotate rotating (copytruncate and create), savelog; journalctl and dmesg.
    Benign(id="benign.evasion.logrotate", where=BOTH, needs=["logrotate"],
           setup=MKLOG, cleanup=RMLOG + "; rm -f /var/log/vigildet-rcred2.log*",
           script=f'''cp {LOG} /var/log/vigildet-rcred2.log
cat > "$DET_DIR/lr.conf" <<EOF
{LOG} {{
    rotate 1
    copytruncate
    missingok
}}
/var/log/vigildet-rcred2.log {{
    rotate 1
    create
    missingok
}}
EOF
logrotate -f -s "$DET_DIR/lr.state" "$DET_DIR/lr.conf"
journalctl -n 5 --no-pager > /dev/null 2>&1 || true
dmesg > /dev/null 2>&1 || true
chmod 640 {LOG}; chown root:adm {LOG} 2>/dev/null || true'''),
    # logrotate's postrotate asks syslog to reopen its files with HUP.
    Benign(id="benign.evasion.syslog_reopen_signal", where=BOTH,
           script=r'''systemctl kill -s HUP rsyslog.service > /dev/null 2>&1 || true
                      pkill -HUP -x rsyslogd || true
                      invoke-rc.d rsyslog rotate > /dev/null 2>&1 || true'''),
    # Audit status queries and a service status; bpftool listing.
    Benign(id="benign.evasion.status_queries", where=("host",),
           script=r'''auditctl -s > /dev/null 2>&1 || true
                      auditctl -l > /dev/null 2>&1 || true
                      service auditd status > /dev/null 2>&1 || true
                      systemctl status auditd > /dev/null 2>&1 || true
                      bpftool prog list > /dev/null 2>&1 || true
                      bpftool map list > /dev/null 2>&1 || true
                      iptables -S > /dev/null 2>&1 || true'''),
    # Plain touch, touch -c, and a make rule using touch -r.
    Benign(id="benign.evasion.touch_and_make", where=BOTH, needs=["make"],
           script=r'''touch "$DET_DIR/stamp"; touch -c "$DET_DIR/missing"
                      printf 'all:\n\ttouch -r /bin/ls out\n' > "$DET_DIR/Makefile"
                      make -s -C "$DET_DIR"'''),
    # Build trees in /tmp have .deps and .git; an editor's swap file.
    Benign(id="benign.evasion.build_in_tmp", where=BOTH,
           script=r'''d=$(mktemp -d /tmp/vigildet-build.XXXXXX)
                      mkdir -p "$d/.deps" "$d/src/.libs"
                      git init -q "$d/repo" 2>/dev/null || true
                      printf 'int main(void){return 0;}\n' > "$d/t.c"
                      cc -o "$d/t" "$d/t.c"
                      rm -rf "$d"'''),
    # Distribution aliases of network tools; sshd's re-exec; a login shell's argv0.
    Benign(id="benign.evasion.tool_aliases", where=BOTH, needs=["nc"],
           script=r'''nc -h > /dev/null 2>&1 || true
                      netcat -h > /dev/null 2>&1 || true
                      bash -c 'exec -a -bash bash -c true'
                      python3 -c 'import threading; t = threading.Thread(target=lambda: None); t.start(); t.join()' '''),
    # Deleting a binary one built, from a script that is not that binary.
    Benign(id="benign.evasion.rm_own_build", where=BOTH,
           script=r'''cp /bin/true "$DET_DIR/t"; "$DET_DIR/t"; rm -f "$DET_DIR/t"
                      bash -c ': > "$DET_DIR/f"; rm -f "$DET_DIR/f"' '''),
]
