# SPDX-License-Identifier: Apache-2.0
"""The detection suite's real containers: one runc bundle per case.

The rootfs is what an ordinary image of the host's distribution would be:
the host's /usr bind-mounted read-only (Debian is merged-usr, so /bin, /sbin
and /lib* are symlinks into it), a private writable /etc (an overlay on a
copy of the host's made once per run, so a case that edits /etc/passwd or
/etc/cron.d in the container changes only its own), and its own /tmp, /root, /var, /home, /run. The container has
its own pid, mount, ipc and uts namespaces but shares the host's network
namespace, so loopback listeners and the harness's "internet" namespace are
reachable from it. Capabilities are Docker's default set: what an intruder
gets in an ordinary, unprivileged container.

Each script part (setup, main, cleanup) is one foreground `runc run` of the
same bundle and container id, so files persist between the parts but no
process does (the pid namespace dies with the script)."""
import json
import os
import shutil
import signal
import subprocess
import time

DOCKER_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
               "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
               "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]
MERGED_USR = {"bin": "usr/bin", "sbin": "usr/sbin", "lib": "usr/lib", "lib32": "usr/lib32",
              "lib64": "usr/lib64", "libx32": "usr/libx32"}
VAR_DIRS = ["tmp", "lib", "log", "cache", "spool/cron/crontabs", "mail", "backups", "opt",
            "local"]
TIMEOUT = int(os.environ.get("DET_TIMEOUT", "60"))


def make_etc_template(base):
    """A copy of the host's /etc made once per run; each bundle copies it."""
    dst = f"{base}/etc-template"
    subprocess.run(["cp", "-a", "/etc", dst], check=True)
    return dst


def _bind(dst, src, ro=True):
    # setuid binaries keep working, as in an image (sudo, su, passwd)
    opts = ["rbind", "nodev"] + (["ro"] if ro else ["rw"])
    return {"destination": dst, "type": "bind", "source": src, "options": opts}


class Bundle:
    def __init__(self, env, work, name, lib, scripts, det_env):
        self.env = env
        self.dir = f"{work}/bundle"
        self.rootfs = f"{self.dir}/rootfs"
        self.name = name
        self.lib = lib
        self.scripts = scripts
        self.det_env = det_env
        self.logdir = work

    def create(self):
        r = self.rootfs
        os.makedirs(r)
        for d in ["usr", "proc", "dev", "sys", "tmp", "root", "home", "run", "mnt", "opt",
                  "srv", "media", "vigil-det", ".det"]:
            os.makedirs(f"{r}/{d}", exist_ok=True)
        os.chmod(f"{r}/tmp", 0o1777)
        os.chmod(f"{r}/root", 0o700)
        for link, target in MERGED_USR.items():
            if os.path.exists(f"/{target}"):
                os.symlink(target, f"{r}/{link}")
        for d in VAR_DIRS:
            os.makedirs(f"{r}/var/{d}", exist_ok=True)
        os.chmod(f"{r}/var/tmp", 0o1777)
        os.symlink("/run", f"{r}/var/run")
        os.symlink("/run/lock", f"{r}/var/lock")
        # /etc: an overlay on the run's copy, so that a case's changes are its
        # own and making a bundle costs a few mkdirs, not a copy of /etc
        os.makedirs(f"{r}/etc")
        os.makedirs(f"{self.dir}/etc-upper")
        os.makedirs(f"{self.dir}/etc-work")
        os.makedirs(f"{r}{self.det_env['DET_DIR']}", exist_ok=True)
        with open(f"{self.dir}/config.json", "w") as f:
            json.dump(self._config("main"), f, indent=1)

    def _config(self, part):
        e = self.det_env
        return {
            "ociVersion": "1.0.2",
            "process": {
                "terminal": False,
                "user": {"uid": 0, "gid": 0},
                "args": ["/bin/bash", f"/.det/{part}.sh"],
                "env": [f"{k}={v}" for k, v in e.items()],
                "cwd": e["DET_DIR"],
                "capabilities": {k: DOCKER_CAPS for k in
                                 ("bounding", "effective", "permitted")},
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
                "noNewPrivileges": False,
            },
            "root": {"path": "rootfs", "readonly": False},
            "hostname": "vigil-det",
            "mounts": [
                {"destination": "/proc", "type": "proc", "source": "proc"},
                {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
                 "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
                 "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
                {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
                 "options": ["nosuid", "nodev", "mode=1777", "size=65536k"]},
                {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
                 "options": ["nosuid", "noexec", "nodev"]},
                {"destination": "/sys", "type": "sysfs", "source": "sysfs",
                 "options": ["nosuid", "noexec", "nodev", "ro"]},
                {"destination": "/run", "type": "tmpfs", "source": "tmpfs",
                 "options": ["nosuid", "nodev", "mode=755"]},
                {"destination": "/etc", "type": "overlay", "source": "overlay",
                 "options": [f"lowerdir={self.env.rootfs_etc},upperdir={self.dir}/etc-upper,"
                             f"workdir={self.dir}/etc-work"]},
                _bind("/usr", "/usr"),
                _bind("/vigil-det", self.lib),
                _bind("/.det", self.scripts),
            ],
            "linux": {
                "namespaces": [{"type": t} for t in ("pid", "ipc", "uts", "mount")],
                "cgroupsPath": f"/{self.name}",
                "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
                "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                  "/proc/sysrq-trigger"],
            },
        }

    def run_part(self, part, cid):
        """One foreground `runc run` of a script part; returns its exit code."""
        with open(f"{self.dir}/config.json", "w") as f:
            json.dump(self._config(part), f, indent=1)
        logpath = f"{self.logdir}/{part}.log"
        with open(logpath, "w") as out:
            # runc gets a clean environment: none of the caller's variables
            # belongs in the recorded events
            p = subprocess.Popen(["runc", "run", "--bundle", self.dir, self.name],
                                 env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
                                 stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                 preexec_fn=os.setsid)
            try:
                rc = p.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                subprocess.run(["runc", "kill", self.name, "KILL"], capture_output=True)
                try:
                    rc = p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    rc = p.wait()
                print(f"[det] {cid}: container {part} timed out after {TIMEOUT} s", flush=True)
        self._delete()
        if rc != 0:
            with open(logpath) as f:
                print(f"[det] {cid}: container {part} exited {rc}:\n{f.read()[-1500:]}",
                      flush=True)
        return rc

    def _delete(self):
        subprocess.run(["runc", "delete", "--force", self.name], capture_output=True)
        deadline = time.monotonic() + 5
        while os.path.exists(f"/run/runc/{self.name}") and time.monotonic() < deadline:
            time.sleep(0.05)

    def destroy(self):
        self._delete()
        shutil.rmtree(self.dir, ignore_errors=True)
