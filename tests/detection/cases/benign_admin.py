# SPDX-License-Identifier: Apache-2.0
"""The everyday work of an admin and of package managers, done for real: the
default rules must raise NO alert on any of it (issue 13).

Each task is its own Benign so that a rule that alerts on one shows which.
Many of them look like an attack on the surface (reading /etc/shadow, exec
below /tmp, ptrace, a new system user, a connection with nc, bpf()); the
ruleset decides each boundary and says why in the rule's desc. Everything
changed outside $DET_DIR is restored in cleanup."""
from detlib import Benign

BOTH = ("host", "container")

BENIGN = [
    # apt-get and dpkg installing and removing a package whose maintainer
    # scripts create a system user, as most daemons' packages do. The .deb is
    # built here: no network.
    Benign(
        id="benign.admin.apt_dpkg_install_remove",
        where=("host",),
        needs=["apt-get", "dpkg", "dpkg-deb", "adduser"],
        script=r'''
            pkg=vigildet-hello
            mkdir -p "pkg/DEBIAN" "pkg/usr/share/doc/$pkg" "pkg/usr/lib/$pkg"
            cat > pkg/DEBIAN/control <<EOF
Package: $pkg
Version: 1.0-1
Architecture: all
Maintainer: vigil tests <vigil@localhost>
Description: detection suite benign package
 Creates a system user in postinst, removes it on purge.
EOF
            cat > pkg/DEBIAN/postinst <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ] && ! getent passwd _vigildethello >/dev/null; then
    adduser --system --group --no-create-home --home /nonexistent _vigildethello
fi
EOF
            cat > pkg/DEBIAN/postrm <<'EOF'
#!/bin/sh
set -e
if [ "$1" = purge ] && getent passwd _vigildethello >/dev/null; then
    deluser --system _vigildethello >/dev/null || true
    delgroup --system _vigildethello >/dev/null 2>&1 || true
fi
EOF
            chmod 0755 pkg/DEBIAN/postinst pkg/DEBIAN/postrm
            echo "hello" > "pkg/usr/share/doc/$pkg/README"
            printf '#!/bin/sh\necho hello\n' > "pkg/usr/lib/$pkg/hello"
            chmod 0755 "pkg/usr/lib/$pkg/hello"
            dpkg-deb --root-owner-group --build pkg "$pkg.deb" >/dev/null
            export DEBIAN_FRONTEND=noninteractive
            lock=(-o DPkg::Lock::Timeout=300)
            apt-get "${lock[@]}" install -y -qq "$DET_DIR/$pkg.deb" >/dev/null
            dpkg -s "$pkg" | grep -q '^Status: install ok installed'
            getent passwd _vigildethello >/dev/null
            "/usr/lib/$pkg/hello"
            apt-get "${lock[@]}" remove -y -qq "$pkg" >/dev/null
            apt-get "${lock[@]}" purge -y -qq "$pkg" >/dev/null
            dpkg -l "$pkg" 2>/dev/null | grep -q "^ii" && exit 1
            ! getent passwd _vigildethello
        ''',
        cleanup=r'''
            if dpkg -s vigildet-hello >/dev/null 2>&1; then
                apt-get -o DPkg::Lock::Timeout=300 purge -y -qq vigildet-hello >/dev/null 2>&1 || true
            fi
            userdel _vigildethello 2>/dev/null || true
            groupdel _vigildethello 2>/dev/null || true
        ''',
    ),
    # Editing a service's configuration in /etc in place.
    Benign(
        id="benign.admin.sed_config_edit",
        where=BOTH,
        setup=r'''
            mkdir -p /etc/vigildet-app
            printf 'listen = 127.0.0.1:8080\nworkers = 2\n# log_level = info\n' \
                > /etc/vigildet-app/app.conf
        ''',
        script=r'''
            sed -i 's/^workers = .*/workers = 4/' /etc/vigildet-app/app.conf
            sed -i -e 's/^# *log_level = .*/log_level = debug/' -e '/^$/d' \
                /etc/vigildet-app/app.conf
            sed -i.bak 's/127\.0\.0\.1/0.0.0.0/' /etc/vigildet-app/app.conf
            grep -q 'workers = 4' /etc/vigildet-app/app.conf
            cp /etc/vigildet-app/app.conf "$DET_DIR/app.conf.saved"
        ''',
        cleanup="rm -rf /etc/vigildet-app",
    ),
    # logrotate forced on a private configuration: rename, create, compress,
    # copytruncate, postrotate script; the logs live in /var/log like any
    # service's.
    Benign(
        id="benign.admin.logrotate_forced",
        where=("host",),
        needs=["logrotate"],
        setup=r'''
            mkdir -p /var/log/vigildet-app
            for f in app access; do seq 1 2000 > "/var/log/vigildet-app/$f.log"; done
        ''',
        script=r'''
            cat > logrotate.conf <<'EOF'
/var/log/vigildet-app/app.log {
    rotate 3
    compress
    missingok
    create 0640 root adm
    postrotate
        /bin/true
    endscript
}
/var/log/vigildet-app/access.log {
    rotate 2
    copytruncate
    nocompress
}
EOF
            logrotate -f -s "$DET_DIR/logrotate.status" logrotate.conf
            test -f /var/log/vigildet-app/app.log.1.gz
            test -f /var/log/vigildet-app/access.log.1
        ''',
        cleanup="rm -rf /var/log/vigildet-app",
    ),
    # An admin making an SSH key for themselves.
    Benign(
        id="benign.admin.ssh_keygen_own_key",
        where=BOTH,
        needs=["ssh-keygen"],
        script=r'''
            export HOME="$DET_DIR/home"
            mkdir -p "$HOME/.ssh" && chmod 700 "$HOME/.ssh"
            ssh-keygen -q -t ed25519 -N '' -C "admin@$(hostname)" -f "$HOME/.ssh/id_ed25519"
            ssh-keygen -l -f "$HOME/.ssh/id_ed25519.pub"
            ssh-keygen -y -f "$HOME/.ssh/id_ed25519" > /dev/null
            if [ "$DET_WHERE" = container ]; then
                # a container's own root: the real ~/.ssh
                mkdir -p /root/.ssh && chmod 700 /root/.ssh
                ssh-keygen -q -t rsa -b 2048 -N '' -f /root/.ssh/id_rsa
            fi
        ''',
    ),
    Benign(
        id="benign.admin.crontab_list",
        where=("host",),
        needs=["crontab"],
        script=r'''
            crontab -l || true
            crontab -l -u "$(det_user)" || true
            ls /etc/cron.d /etc/cron.daily >/dev/null 2>&1 || true
        ''',
    ),
    Benign(
        id="benign.admin.systemctl_daemon_reload",
        where=("host",),
        script=r'''
            if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
                systemctl daemon-reload
                systemctl list-units --type=service --no-pager >/dev/null
            else
                echo "no systemd here: nothing to reload"
            fi
        ''',
    ),
    # Building and running one's own program, in a work dir and as a
    # configure test does, in a fresh directory below /tmp.
    Benign(
        id="benign.admin.compile_and_run",
        where=BOTH,
        needs=["gcc"],
        script=r'''
            cat > hello.c <<'EOF'
#include <stdio.h>
int main(void) { puts("hello from my program"); return 0; }
EOF
            gcc -O2 -Wall -o hello hello.c
            ./hello
            t=$(mktemp -d /tmp/conftest.XXXXXX)
            trap 'rm -rf "$t"' EXIT
            cat > "$t/conftest.c" <<'EOF'
#include <unistd.h>
int main(void) { return sysconf(_SC_PAGESIZE) > 0 ? 0 : 1; }
EOF
            (cd "$t" && gcc -o conftest conftest.c && ./conftest)
        ''',
    ),
    # A health check and a download that is only stored and checked, never run.
    Benign(
        id="benign.admin.curl_health_and_download",
        where=BOTH,
        needs=["curl"],
        script=r'''
            mkdir -p www
            echo ok > www/health
            mkdir -p src && echo 'data' > src/file.txt && tar -czf www/release.tar.gz -C src .
            printf '#!/bin/sh\necho installer\n' > www/install.sh
            /usr/bin/python3 -m http.server --bind 127.0.0.1 --directory www "$DET_PORT" \
                >/dev/null 2>&1 &
            det_wait_port 127.0.0.1 "$DET_PORT"
            curl -fsS "http://127.0.0.1:$DET_PORT/health"
            curl -fsSL -o "$DET_DIR/release.tar.gz" "http://127.0.0.1:$DET_PORT/release.tar.gz"
            curl -fsSL -o /tmp/vigildet-install.$$.sh "http://127.0.0.1:$DET_PORT/install.sh"
            sha256sum "$DET_DIR/release.tar.gz" /tmp/vigildet-install.$$.sh
            tar -tzf "$DET_DIR/release.tar.gz" >/dev/null
            less -F /tmp/vigildet-install.$$.sh </dev/null >/dev/null || true
            rm -f /tmp/vigildet-install.$$.sh
        ''',
    ),
    # A backup of /etc (shadow included: backups read everything).
    Benign(
        id="benign.admin.tar_backup_etc",
        where=BOTH,
        script=r'''
            tar -czf "$DET_DIR/etc-backup.tar.gz" -C / etc 2>/dev/null
            tar -tzf "$DET_DIR/etc-backup.tar.gz" > etc-backup.list
            grep -q '^etc/passwd$' etc-backup.list
        ''',
    ),
    Benign(
        id="benign.admin.shadow_utils_status",
        where=BOTH,
        needs=["chage", "passwd"],
        script=r'''
            chage -l root
            passwd -S root
            chage -l "$(det_user)"
            passwd -S "$(det_user)"
        ''',
    ),
    Benign(
        id="benign.admin.ldconfig",
        where=("host",),
        script=r'''
            ldconfig
            ldconfig -p > ldcache.txt
            grep -q libc.so ldcache.txt
        ''',
    ),
    Benign(
        id="benign.admin.sudo_runuser_as_other",
        where=BOTH,
        needs=["sudo", "runuser"],
        script=r'''
            sudo -u nobody id
            sudo -u "$(det_user)" whoami
            runuser -u nobody -- id -un
            runuser -u "$(det_user)" -- sh -c 'echo "$USER" in $(pwd)'
        ''',
    ),
    Benign(
        id="benign.admin.nc_single_port_check",
        where=BOTH,
        needs=["nc"],
        script=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            nc -z -w 2 127.0.0.1 "$DET_PORT"
            nc -zv -w 2 127.0.0.1 "$DET_PORT" 2>&1
        ''',
    ),
    # Debugging one's own program: started under strace and gdb, and gdb
    # attached to it while it runs.
    Benign(
        id="benign.admin.strace_gdb_own_program",
        where=("host",),
        needs=["gcc", "strace", "gdb"],
        script=r'''
            cat > prog.c <<'EOF'
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc > 1) { for (;;) pause(); }
    puts("my program");
    return 0;
}
EOF
            gcc -g -o prog prog.c
            strace -f -o strace.out ./prog
            grep -q write strace.out
            strace -c ./prog 2>/dev/null
            gdb -q -batch -ex 'break main' -ex run -ex bt -ex continue ./prog
            ./prog wait &
            pid=$!
            sleep 0.2
            gdb -q -batch -p "$pid" -ex bt ./prog >/dev/null 2>&1
            timeout -s INT 1 strace -p "$pid" 2>/dev/null || true
            kill "$pid"
        ''',
    ),
    Benign(
        id="benign.admin.bpftool_list",
        where=("host",),
        needs=["bpftool"],
        script=r'''
            # listing only: `bpftool feature probe` loads programs, which
            # is no longer a listing
            bpftool prog list >/dev/null
            bpftool map list >/dev/null
            bpftool link list >/dev/null 2>&1 || true
            bpftool prog show --json >/dev/null
        ''',
    ),
    Benign(
        id="benign.admin.visudo_check",
        where=BOTH,
        needs=["visudo"],
        script="visudo -c",
    ),
    Benign(
        id="benign.admin.monitoring",
        where=BOTH,
        needs=["ps", "top", "ss", "vmstat"],
        script=r'''
            ps aux >/dev/null
            ps -ef --forest >/dev/null
            top -bn1 > top.txt
            sed -n 1,5p top.txt
            ss -tlnp >/dev/null
            ss -s
            df -h
            free -m
            uptime
            vmstat 1 2
            w || true
            cat /proc/loadavg
        ''',
    ),
    Benign(
        id="benign.admin.journal_dmesg",
        where=("host",),
        script=r'''
            if command -v journalctl >/dev/null; then
                journalctl -n 20 --no-pager >/dev/null 2>&1 || true
            fi
            dmesg | tail -n 20 >/dev/null
            dmesg -T --level=err,warn >/dev/null 2>&1 || true
        ''',
    ),
    Benign(
        id="benign.admin.chmod_chown_logs",
        where=BOTH,
        setup=r'''
            mkdir -p /var/log/vigildet-app
            touch /var/log/vigildet-app/app.log /var/log/vigildet-app/error.log
        ''',
        script=r'''
            chown root:adm /var/log/vigildet-app/app.log
            chmod 0640 /var/log/vigildet-app/app.log
            chown -R "$(det_user)" /var/log/vigildet-app
            chmod -R g+r,o-rwx /var/log/vigildet-app
            ls -l /var/log/vigildet-app
        ''',
        cleanup="rm -rf /var/log/vigildet-app",
    ),
    Benign(
        id="benign.admin.update_alternatives_display",
        where=BOTH,
        needs=["update-alternatives"],
        script=r'''
            for n in editor awk pager nc; do
                update-alternatives --display "$n" || true
            done
            update-alternatives --get-selections > selections.txt
            sed -n 1,5p selections.txt
        ''',
    ),
    # `runc exec` (no tty) into a running container, as an admin inspects it.
    Benign(
        id="benign.admin.runc_exec_no_tty",
        where=("host",),
        needs=["runc"],
        script=r'''
            name="vigildet-app-$DET_PORT"
            mkdir -p bundle/rootfs/{usr,proc,dev,sys,tmp,etc}
            for l in bin sbin lib lib64; do ln -s "usr/$l" "bundle/rootfs/$l"; done
            cp /etc/passwd /etc/group bundle/rootfs/etc/
            (cd bundle && runc spec)
            /usr/bin/python3 - bundle/config.json "$name" <<'EOF'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/sleep", "60"]
c["root"]["readonly"] = True
c["mounts"].append({"destination": "/usr", "type": "bind", "source": "/usr",
                    "options": ["rbind", "ro"]})
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
c["linux"]["cgroupsPath"] = "/" + sys.argv[2]
json.dump(c, open(p, "w"))
EOF
            runc run -d --bundle bundle "$name" </dev/null >/dev/null 2>&1
            runc exec "$name" ps aux
            runc exec "$name" sh -c 'cat /proc/1/status | head -3; ls /'
            runc exec "$name" cat /etc/passwd >/dev/null
            runc kill "$name" KILL || true
            runc delete -f "$name"
        ''',
        cleanup=r'''
            runc delete -f "vigildet-app-$DET_PORT" >/dev/null 2>&1 || true
        ''',
    ),
]
