# SPDX-License-Identifier: Apache-2.0
"""Privilege escalation (TA0004): setuid bits and file capabilities, sudo and
setuid shell escapes, exploit signatures, user namespaces, ptrace and
/proc/PID/mem injection, kernel usermode-helper hooks, raised credentials
(rules/30_privilege_escalation.yaml).

Triggers work on copies under $DET_DIR or /tmp with unique names; system
settings they change (core_pattern) are written back in cleanup."""
from detlib import Benign, Case

BOTH = ("host", "container")

# An unprivileged run of a command as the harness's throwaway user.
AS_USER = 'setpriv --reuid="$(det_user)" --regid="$(id -g "$(det_user)")" --clear-groups'

CASES = [
    # --- setuid / setgid bits
    Case(
        id="privilege_escalation.setuid.chmod_u_plus_s_shell_copy",
        tactic="privilege_escalation", technique="T1548.001",
        rules=["Setuid or Setgid Bit Set on File"],
        trigger=r'''
            cp /bin/bash /tmp/vigil-det-rootbash-$$
            chmod u+s /tmp/vigil-det-rootbash-$$
            rm -f /tmp/vigil-det-rootbash-$$
        ''',
        where=BOTH,
    ),
    Case(
        id="privilege_escalation.setuid.install_4755",
        tactic="privilege_escalation", technique="T1548.001",
        rules=["Setuid or Setgid Bit Set on File"],
        trigger=r'''
            install -m 4755 /bin/dash "$DET_DIR/.sys"
        ''',
        where=BOTH,
    ),
    Case(
        id="privilege_escalation.setuid.python_os_chmod",
        tactic="privilege_escalation", technique="T1548.001",
        rules=["Setuid or Setgid Bit Set on File"],
        trigger=r'''
            cp /usr/bin/find /dev/shm/vigil-det-find-$$
            /usr/bin/python3 -c 'import os,sys; os.chmod(sys.argv[1], 0o6755)' /dev/shm/vigil-det-find-$$
            rm -f /dev/shm/vigil-det-find-$$
        ''',
        where=BOTH,
    ),
    Case(
        id="privilege_escalation.setuid.passwd_world_writable",
        tactic="privilege_escalation", technique="T1222.002",
        rules=["Account or Sudoers File Made Writable"],
        setup=r'''stat -c %a /etc/passwd > "$DET_DIR/mode"''',
        trigger=r'''
            chmod o+w /etc/passwd
        ''',
        cleanup=r'''chmod "$(cat "$DET_DIR/mode")" /etc/passwd''',
        where=BOTH,
    ),
    # --- file capabilities
    Case(
        id="privilege_escalation.capabilities.setcap_python",
        tactic="privilege_escalation", technique="T1548",
        rules=["File Capabilities Set"],
        trigger=r'''
            cp /usr/bin/python3.11 "$DET_DIR/py"
            setcap cap_setuid+ep "$DET_DIR/py"
        ''',
        where=BOTH, needs=["setcap"],
    ),
    # --- raised credentials
    Case(
        id="privilege_escalation.creds.cap_setuid_python_setuid0",
        tactic="privilege_escalation", technique="T1548",
        rules=["Credentials Raised to Root by Interpreter or Dropped Binary"],
        setup=r'''
            mkdir -p /tmp/vigil-det-$$; echo /tmp/vigil-det-$$ > "$DET_DIR/d"
            cp /usr/bin/python3.11 /tmp/vigil-det-$$/python3
            chmod 755 /tmp/vigil-det-$$ /tmp/vigil-det-$$/python3
            setcap cap_setuid+ep /tmp/vigil-det-$$/python3
        ''',
        trigger=AS_USER + r''' "$(cat "$DET_DIR/d")/python3" -c 'import os; os.setuid(0); os.system("id -u")'
        ''',
        cleanup=r'''[ -s "$DET_DIR/d" ] && rm -rf "$(cat "$DET_DIR/d")"; true''',
        where=BOTH, needs=["setcap", "setpriv"],
    ),
    Case(
        id="privilege_escalation.creds.setuid_perl_copy",
        tactic="privilege_escalation", technique="T1548.001",
        rules=["Credentials Raised to Root by Interpreter or Dropped Binary"],
        setup=r'''
            mkdir -p /tmp/vigil-det-p$$; echo /tmp/vigil-det-p$$ > "$DET_DIR/d"
            cp /usr/bin/perl /tmp/vigil-det-p$$/perl
            chmod 755 /tmp/vigil-det-p$$; chmod 4755 /tmp/vigil-det-p$$/perl
        ''',
        trigger=AS_USER + r''' "$(cat "$DET_DIR/d")/perl" -e '$< = 0; $> = 0; print "$<\n"' ''',
        cleanup=r'''[ -s "$DET_DIR/d" ] && rm -rf "$(cat "$DET_DIR/d")"; true''',
        where=("host",), needs=["setpriv"],
    ),
    Case(
        id="privilege_escalation.creds.setuid_c_helper_outside_system_dirs",
        tactic="privilege_escalation", technique="T1548.001",
        rules=["Credentials Raised to Root by Interpreter or Dropped Binary"],
        setup=r'''
            printf '%s\n' '#include <unistd.h>' \
                'int main(void) { if (setresuid(0, 0, 0)) return 1; return execl("/usr/bin/id", "id", "-u", (char *)0); }' \
                > "$DET_DIR/h.c"
            gcc -o "$DET_DIR/.helper" "$DET_DIR/h.c"
            chmod 4755 "$DET_DIR/.helper"; chmod 755 "$DET_DIR"
        ''',
        trigger=AS_USER + r''' "$DET_DIR/.helper" ''',
        where=("host",), needs=["gcc", "setpriv"],
    ),
    # --- sudo / setuid shell escapes
    Case(
        id="privilege_escalation.sudo.find_exec_sh",
        tactic="privilege_escalation", technique="T1548.003",
        rules=["Shell Escape from Program Run with Sudo"],
        trigger=r'''
            sudo -n find . -maxdepth 0 -exec /bin/sh \; -quit < /dev/null
        ''',
        where=BOTH, needs=["sudo"],
    ),
    Case(
        id="privilege_escalation.sudo.awk_system",
        tactic="privilege_escalation", technique="T1548.003",
        rules=["Shell Escape from Program Run with Sudo"],
        trigger=r'''
            sudo -n awk 'BEGIN {system("/bin/sh")}' < /dev/null
        ''',
        where=BOTH, needs=["sudo"],
    ),
    Case(
        id="privilege_escalation.sudo.tar_checkpoint",
        tactic="privilege_escalation", technique="T1548.003",
        rules=["Shell Escape from Program Run with Sudo"],
        trigger=r'''
            sudo -n tar -cf /dev/null /dev/null --checkpoint=1 --checkpoint-action=exec=/bin/sh < /dev/null
        ''',
        where=BOTH, needs=["sudo"],
    ),
    Case(
        id="privilege_escalation.sudo.python_os_system",
        tactic="privilege_escalation", technique="T1548.003",
        rules=["Shell Escape from Program Run with Sudo"],
        trigger=r'''
            sudo -n /usr/bin/python3 -c 'import os; os.system("/bin/bash")' < /dev/null
        ''',
        where=BOTH, needs=["sudo"],
    ),
    Case(
        id="privilege_escalation.sudo.vim_shell_escape",
        tactic="privilege_escalation", technique="T1548.003",
        rules=["Shell Escape from Program Run with Sudo"],
        trigger=r'''
            sudo -n vim -N -u NONE -i NONE -n -es -c ':!/bin/sh' -c ':q!' < /dev/null || true
        ''',
        where=BOTH, needs=["sudo", "vim"],
    ),
    Case(
        id="privilege_escalation.setuid.find_sh_p",
        tactic="privilege_escalation", technique="T1548.001",
        rules=["Shell Started in Privileged Mode"],
        trigger=r'''
            find . -maxdepth 0 -exec /bin/sh -p -c 'id -u' \;
        ''',
        where=BOTH,
    ),
    # --- exploit signatures
    Case(
        id="privilege_escalation.exploit.sudoedit_baron_samedit",
        tactic="privilege_escalation", technique="T1068",
        rules=["Sudoedit Heap Overflow Exploit Attempt"],
        trigger=AS_USER + r''' sudoedit -s 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\' < /dev/null 2>/dev/null || true''',
        where=BOTH, needs=["sudoedit", "setpriv"],
    ),
    Case(
        id="privilege_escalation.exploit.sudoedit_vuln_check",
        tactic="privilege_escalation", technique="T1068",
        rules=["Sudoedit Heap Overflow Exploit Attempt"],
        trigger=AS_USER + r''' sudoedit -s / < /dev/null 2>/dev/null || true''',
        where=BOTH, needs=["sudoedit", "setpriv"],
    ),
    Case(
        id="privilege_escalation.exploit.looney_tunables",
        tactic="privilege_escalation", technique="T1068",
        rules=["Glibc Tunables Exploit Attempt"],
        trigger=AS_USER + r''' env -i "GLIBC_TUNABLES=glibc.malloc.mxfast=glibc.malloc.mxfast=AAAAAAAAAAAAAAAA" \
                /usr/bin/su --help > /dev/null 2>&1 || true''',
        where=BOTH, needs=["setpriv", "su"],
    ),
    Case(
        id="privilege_escalation.exploit.pwnkit_empty_argv",
        tactic="privilege_escalation", technique="T1068",
        rules=["Program Executed with Empty Argument List"],
        trigger=r'''
            cat > pk.c <<'EOF'
#include <unistd.h>
int main(int argc, char **argv)
{
    char *args[] = {NULL};
    char *env[] = {"pwnkit", "PATH=GCONV_PATH=.", "CHARSET=PWNKIT", "SHELL=pwnkit", NULL};
    (void)argc;
    execve(argv[1], args, env);
    return 1;
}
EOF
            gcc -o pk pk.c
            cp /bin/true ./pkexec
            ./pk "$PWD/pkexec" || true
        ''',
        where=BOTH, needs=["gcc"],
    ),
    # --- user namespaces
    Case(
        id="privilege_escalation.userns.unshare_r_as_user",
        tactic="privilege_escalation", technique="T1068",
        rules=["Unprivileged User Namespace Created"],
        trigger=AS_USER + r''' unshare -r id -u > /dev/null 2>&1 || true''',
        where=BOTH, needs=["setpriv", "unshare"],
    ),
    Case(
        id="privilege_escalation.userns.python_unshare_syscall",
        tactic="privilege_escalation", technique="T1068",
        rules=["Unprivileged User Namespace Created"],
        trigger=AS_USER + r''' /usr/bin/python3 -c 'import ctypes; ctypes.CDLL(None).unshare(0x10000000)' ''',
        where=BOTH, needs=["setpriv"],
    ),
    # --- ptrace / process memory
    Case(
        id="privilege_escalation.ptrace.gdb_attach_call",
        tactic="privilege_escalation", technique="T1055.008",
        rules=["Debugger Used to Inject Code into Running Process"],
        trigger=r'''
            sleep 30 & victim=$!
            gdb -q -nx -batch -p "$victim" -ex 'call (int)getpid()' -ex 'detach' > /dev/null 2>&1 || true
            kill "$victim" || true
        ''',
        where=BOTH, needs=["gdb"],
    ),
    Case(
        id="privilege_escalation.ptrace.python_poketext",
        tactic="privilege_escalation", technique="T1055.008",
        rules=["Ptrace Code Injection", "Ptrace Attached by Non-debugger"],
        trigger=r'''
            sleep 30 & victim=$!
            /usr/bin/python3 - "$victim" <<'EOF'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.restype = ctypes.c_long
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
pid = int(sys.argv[1])
PTRACE_PEEKTEXT, PTRACE_POKETEXT, PTRACE_ATTACH, PTRACE_DETACH = 1, 4, 16, 17
libc.ptrace(PTRACE_ATTACH, pid, None, None)
os.waitpid(pid, 0)
with open("/proc/%d/maps" % pid) as f:
    addr = int(f.readline().split("-")[0], 16)
word = libc.ptrace(PTRACE_PEEKTEXT, pid, ctypes.c_void_p(addr), None)
libc.ptrace(PTRACE_POKETEXT, pid, ctypes.c_void_p(addr), ctypes.c_void_p(word & 0xffffffffffffffff))
libc.ptrace(PTRACE_DETACH, pid, None, None)
EOF
            kill "$victim" || true
        ''',
        where=BOTH,
    ),
    Case(
        id="privilege_escalation.procmem.write_other_process",
        tactic="privilege_escalation", technique="T1055.009",
        rules=["Process Memory Opened for Writing"],
        trigger=r'''
            sleep 30 & victim=$!
            /usr/bin/python3 -c 'import sys; f = open("/proc/%s/mem" % sys.argv[1], "r+b"); f.close()' "$victim"
            kill "$victim" || true
        ''',
        where=BOTH,
    ),
    Case(
        id="privilege_escalation.procmem.dd_into_mem",
        tactic="privilege_escalation", technique="T1055.009",
        rules=["Process Memory Opened for Writing"],
        trigger=r'''
            sleep 30 & victim=$!
            dd if=/dev/null of=/proc/$victim/mem bs=1 count=0 conv=notrunc 2>/dev/null || true
            kill "$victim" || true
        ''',
        where=BOTH,
    ),
    # --- kernel usermode helpers
    Case(
        id="privilege_escalation.core_pattern.pipe_handler",
        tactic="privilege_escalation", technique="T1611",
        rules=["Kernel Usermode Helper Hook Modified", "Core Pattern Pipe Set with Sysctl"],
        setup=r'''cat /proc/sys/kernel/core_pattern > "$DET_DIR/core_pattern"''',
        trigger=r'''
            sysctl -q -w "kernel.core_pattern=|/tmp/vigil-det-core %p" 2>/dev/null || true
            cat "$DET_DIR/core_pattern" > /proc/sys/kernel/core_pattern 2>/dev/null || true
        ''',
        cleanup=r'''cat "$DET_DIR/core_pattern" > /proc/sys/kernel/core_pattern 2>/dev/null || true''',
        where=BOTH, needs=["sysctl"],
    ),
    Case(
        id="privilege_escalation.core_pattern.echo_redirect",
        tactic="privilege_escalation", technique="T1611",
        rules=["Kernel Usermode Helper Hook Modified"],
        setup=r'''cat /proc/sys/kernel/core_pattern > "$DET_DIR/core_pattern"''',
        trigger=r'''
            (cat "$DET_DIR/core_pattern" > /proc/sys/kernel/core_pattern) 2>/dev/null || true
        ''',
        cleanup=r'''cat "$DET_DIR/core_pattern" > /proc/sys/kernel/core_pattern 2>/dev/null || true''',
        where=BOTH,
    ),
]

BENIGN = [
    Benign(
        id="benign.privesc.chmod_logs",
        script=r'''
            mkdir -p "$DET_DIR/log"; : > "$DET_DIR/log/app.log"
            chmod 640 "$DET_DIR/log/app.log"; chown root:adm "$DET_DIR/log/app.log" 2>/dev/null || true
            chmod 2775 "$DET_DIR/log"; chmod -R g+w "$DET_DIR/log"
        ''',
        where=BOTH,
    ),
    Benign(
        id="benign.privesc.getcap_and_verify",
        script=r'''getcap /usr/bin/ping > /dev/null 2>&1 || true
                   cp /bin/true "$DET_DIR/t"; setcap -r "$DET_DIR/t" 2>/dev/null || true''',
        where=BOTH, needs=["getcap"],
    ),
    Benign(
        id="benign.privesc.sudo_u_and_runuser",
        script=r'''
            sudo -n -u "$(det_user)" id > /dev/null
            sudo -n sh -c 'echo hello > /dev/null'
            sudo -n -s true < /dev/null
            runuser -u "$(det_user)" -- id > /dev/null
            sudo -n find . -maxdepth 0 -exec ls -d {} \; > /dev/null
        ''',
        where=BOTH, needs=["sudo", "runuser"],
    ),
    Benign(
        id="benign.privesc.sudo_make_script",
        script=r'''
            printf 'all:\n\t@echo built > /dev/null\n' > Makefile
            sudo -n make -s
            sudo -n /usr/bin/python3 -c 'import subprocess; subprocess.run(["sh", "-c", "true"])'
        ''',
        where=BOTH, needs=["sudo", "make"],
    ),
    Benign(
        id="benign.privesc.shadow_utils_and_make",
        script=r'''chage -l root > /dev/null; passwd -S root > /dev/null
                   printf 'all:\n\t@true\n' > Makefile; make -s''',
        where=BOTH, needs=["make"],
    ),
    Benign(
        id="benign.privesc.strace_gdb_own_program",
        script=r'''
            strace -f -o /dev/null /bin/true
            gdb -q -nx -batch -ex run -ex quit --args /bin/true > /dev/null 2>&1
            sleep 30 & pid=$!
            gdb -q -nx -batch -p "$pid" -ex bt -ex detach > /dev/null 2>&1 || true
            timeout -s INT 1 strace -p "$pid" 2>/dev/null || true
            kill "$pid" || true
        ''',
        where=BOTH, needs=["strace", "gdb"],
    ),
    Benign(
        id="benign.privesc.glibc_tunables_tuning",
        script=r'''GLIBC_TUNABLES=glibc.malloc.arena_max=2 /bin/true''',
        where=BOTH,
    ),
    Benign(
        id="benign.privesc.root_unshare_and_proc_reads",
        script=r'''unshare -n true 2>/dev/null || true; cat /proc/self/status > /dev/null
                   cat /proc/sys/kernel/core_pattern > /dev/null; sysctl kernel.core_pattern > /dev/null''',
        where=BOTH,
    ),
    # sudo's own shells and in-place wrappers with a command (not a shell):
    # quiet for the single-event rules and for the sequence rules.
    Benign(
        id="benign.privesc.sudo_shell_and_wrappers",
        script=r'''sudo -n -s true < /dev/null; sudo -n env FOO=1 true; sudo -n nice -n 5 true
                   sudo -n /bin/sh -c 'true' < /dev/null''',
        where=BOTH, needs=["sudo"],
    ),
    Benign(
        id="benign.privesc.visudo_and_su_root",
        script=r'''visudo -c > /dev/null 2>&1 || true; su -s /bin/sh root -c true''',
        where=BOTH, needs=["visudo", "su"],
    ),
]

# Cases of the sequence rules (the end of rules/30_privilege_escalation.yaml).
SEQUENCE_CASES = [
    Case(
        id="privilege_escalation.seq.raise_after_user_exec",
        tactic="privilege_escalation", technique="T1548",
        rules=["Credentials Raised to Root After Unprivileged Exec"],
        setup=r'''
            mkdir -p /usr/local/libexec/vigil-det-seq
            printf '%s\n' '#include <unistd.h>' \
                'int main(void) { return setresuid(0, 0, 0) ? 1 : 0; }' > h.c
            gcc -o /usr/local/libexec/vigil-det-seq/helper h.c
            chmod 4755 /usr/local/libexec/vigil-det-seq/helper
        ''',
        trigger=AS_USER + ' /usr/local/libexec/vigil-det-seq/helper',
        cleanup=r'''rm -rf /usr/local/libexec/vigil-det-seq''',
        where=("host",), needs=["gcc", "setpriv"],
    ),
    Case(
        id="privilege_escalation.seq.setuid_copy_run",
        tactic="privilege_escalation", technique="T1548.001",
        rules=["Setuid Copy Made Then Executed"],
        trigger=r'''
            cp /bin/dash "$DET_DIR/.d"; chmod 4755 "$DET_DIR/.d"; "$DET_DIR/.d" -c true
        ''',
        where=BOTH,
    ),
]

SEQUENCE_CASES += [
    Case(
        id="privilege_escalation.seq.sudo_perl_exec_sh",
        tactic="privilege_escalation", technique="T1548.003",
        rules=["Shell Replacing a Program Run with Sudo"],
        trigger=r'''sudo -n perl -e 'exec "/bin/sh";' < /dev/null''',
        where=BOTH, needs=["sudo"],
    ),
    Case(
        id="privilege_escalation.seq.sudo_env_sh",
        tactic="privilege_escalation", technique="T1548.003",
        rules=["Shell Replacing a Program Run with Sudo"],
        trigger=r'''sudo -n env /bin/sh < /dev/null''',
        where=BOTH, needs=["sudo"],
    ),
]

CASES += SEQUENCE_CASES
