# SPDX-License-Identifier: Apache-2.0
"""Container escapes (rules/90_container_escape.yaml), tried for real inside the
suite's runc container (Docker's default capabilities: most attempts are refused
by the kernel, and the attempt is what the rules report); the nsenter case also
on the host. Look-alikes: ordinary work inside a container."""
from detlib import Benign, Case

C = ("container",)
T = "privilege_escalation"

# A stand-in for the Docker API on the usual socket path inside the container:
# a unix listener that answers one HTTP request.
DOCKER_SOCK_LISTENER = r'''
mkdir -p /run
rm -f /run/docker.sock
python3 - <<'EOF' &
import os, socket
s = socket.socket(socket.AF_UNIX)
s.bind("/run/docker.sock"); s.listen(4)
while True:
    c, _ = s.accept()
    c.recv(4096)
    c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n[]")
    c.close()
EOF
for i in $(seq 50); do [ -S /run/docker.sock ] && break; sleep 0.1; done
'''

SETNS_PY = r'''python3 - <<'EOF' || true
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open("/proc/1/ns/mnt", os.O_RDONLY)
print("setns", libc.setns(fd, 0), ctypes.get_errno())
EOF'''

CASES = [
    Case(id="container_escape.block_device.mknod_and_read", tactic=T, technique="T1611",
         rules=["Host Block Device Opened in Container",
                "Device Node or Raw Filesystem Tool in Container"], where=C,
         trigger=r'''mknod /dev/sda b 8 0 2>/dev/null || true
                     head -c 512 /dev/sda > /dev/null 2>&1 || true'''),
    Case(id="container_escape.block_device.python_open", tactic=T, technique="T1611",
         rules=["Host Block Device Opened in Container"], where=C,
         trigger=r'''python3 -c '
import os
for d in ("/dev/nvme0n1", "/dev/vda", "/dev/dm-0"):
    try:
        os.open(d, os.O_RDONLY)
    except OSError:
        pass' '''),
    Case(id="container_escape.block_device.debugfs", tactic=T, technique="T1611",
         rules=["Device Node or Raw Filesystem Tool in Container",
                "Host Block Device Opened in Container"], where=C, needs=["debugfs"],
         trigger="debugfs -R 'ls -l /' /dev/sda1 > /dev/null 2>&1 || true"),
    Case(id="container_escape.mount.host_disk", tactic=T, technique="T1611",
         rules=["Mount Attempted in Container"], where=C,
         trigger="mkdir -p /mnt/host; mount /dev/sda1 /mnt/host 2>/dev/null || true"),
    Case(id="container_escape.mount.proc", tactic=T, technique="T1611",
         rules=["Mount Attempted in Container"], where=C,
         trigger="mkdir -p /mnt/p; mount -t proc proc /mnt/p 2>/dev/null || true"),
    Case(id="container_escape.cgroup.release_agent", tactic=T, technique="T1611",
         rules=["Cgroup Release Agent Written", "Mount Attempted in Container"], where=C,
         trigger=r'''d=/tmp/cgrp; mkdir -p $d
                     mount -t cgroup -o rdma cgroup $d 2>/dev/null || true
                     mkdir -p $d/x
                     echo 1 > $d/x/notify_on_release
                     echo "/var/lib/docker/overlay2/abc/diff/cmd" > $d/release_agent'''),
    Case(id="container_escape.nsenter.pid1_container", tactic=T, technique="T1611",
         rules=["Namespace Entered from Container"], where=C,
         trigger="nsenter -t 1 -m -u -i -n -p -- sh -c id > /dev/null 2>&1 || true"),
    Case(id="container_escape.nsenter.pid1_host", tactic=T, technique="T1611",
         rules=["Namespace Entered from Container"], where=("host",),
         trigger="nsenter --target 1 --mount --uts --ipc --net --pid -- true > /dev/null 2>&1 || true"),
    Case(id="container_escape.setns.python", tactic=T, technique="T1611",
         rules=["Namespace Entered from Container"], where=C, trigger=SETNS_PY),
    Case(id="container_escape.proc1_root", tactic=T, technique="T1611",
         rules=["Host Root Reached Through proc in Container"], where=C,
         trigger=r'''ls /proc/1/root/ > /dev/null 2>&1 || true
                     cat /proc/1/root/etc/hostname > /dev/null 2>&1 || true'''),
    Case(id="container_escape.chroot_host_mount", tactic=T, technique="T1611",
         rules=["Host Root Reached Through proc in Container"], where=C,
         trigger="chroot / /bin/true"),
    Case(id="container_escape.core_pattern", tactic=T, technique="T1611",
         rules=["Host Kernel Helper Path Written from Container"], where=C,
         trigger=r'''echo '|/var/lib/docker/overlay2/x/diff/payload' > /proc/sys/kernel/core_pattern 2>/dev/null || true'''),
    Case(id="container_escape.binfmt_uevent", tactic=T, technique="T1611",
         rules=["Host Kernel Helper Path Written from Container"], where=C,
         trigger=r'''echo /tmp/x > /sys/kernel/uevent_helper 2>/dev/null || true
                     echo ':x:M::\x7fELF::/tmp/x:' > /proc/sys/fs/binfmt_misc/register 2>/dev/null || true'''),
    Case(id="container_escape.docker_sock.curl", tactic="execution", technique="T1610",
         rules=["Container Runtime Socket Used from Container"], where=C, needs=["curl"],
         trigger=DOCKER_SOCK_LISTENER + r'''
curl -s --max-time 3 --unix-socket /run/docker.sock http://localhost/containers/json > /dev/null || true'''),
    Case(id="container_escape.docker_sock.python", tactic="execution", technique="T1610",
         rules=["Container Runtime Socket Used from Container"], where=C,
         trigger=DOCKER_SOCK_LISTENER + r'''
python3 -c '
import socket
s = socket.socket(socket.AF_UNIX); s.connect("/var/run/docker.sock")
s.sendall(b"GET /version HTTP/1.0\r\n\r\n"); s.recv(100)' 2>/dev/null || python3 -c '
import socket
s = socket.socket(socket.AF_UNIX); s.connect("/run/docker.sock")
s.sendall(b"GET /version HTTP/1.0\r\n\r\n"); s.recv(100)' '''),
]

BENIGN = [
    # Everyday work inside a container: read its own /proc, sockets of its own,
    # character devices, its own files.
    Benign(id="benign.container.ordinary_work", where=C,
           script=r'''cat /proc/1/status > /dev/null; cat /proc/self/mountinfo > /dev/null
                      cat /proc/sys/kernel/hostname > /dev/null
                      ls /dev > /dev/null; head -c 16 /dev/urandom > /dev/null
                      mkfifo "$DET_DIR/fifo"; rm -f "$DET_DIR/fifo"
                      python3 -c '
import socket, os
p = os.environ["DET_DIR"] + "/app.sock"
s = socket.socket(socket.AF_UNIX); s.bind(p); s.listen(1)
c = socket.socket(socket.AF_UNIX); c.connect(p)'
                      df -h > /dev/null; mount > /dev/null'''),
    # An admin debugging a process by its pid with nsenter on the host (not pid 1).
    Benign(id="benign.container.nsenter_other_pid", where=("host",),
           script=r'''sleep 30 &
                      nsenter -t $! -n ip -brief addr > /dev/null 2>&1 || true'''),
]
