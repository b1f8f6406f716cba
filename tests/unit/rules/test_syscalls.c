// SPDX-License-Identifier: Apache-2.0
/*
 * Syscall events: event types, fd.* from the fd the state stage resolved,
 * failed opens, sockets (client/server ends), evt.arg.* and fs.path.*.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "helpers.h"
#include "kernel/evttypes.h"
#include "state/fd_table.h"
#include "vigil/syscalls.h"

static struct th_world W;
static struct vg_syscall_body SC;
static struct vg_fd FD;

static void syscall_event(enum vg_syscall id, int64_t ret)
{
	th_world_init(&W, VG_EV_SYSCALL);
	memset(&SC, 0, sizeof(SC));
	memset(&FD, 0, sizeof(FD));
	SC.id = (uint16_t)id;
	W.ev.sc = &SC;
	W.hdr.retval = ret;
	memset(W.ev.var, 0, sizeof(W.ev.var));
}

static void set_path(enum vg_var_id id, const char *p)
{
	W.ev.var[id].ptr = p;
	W.ev.var[id].len = (uint32_t)strlen(p);
}

#define YES(c) assert_true(th_match(&W, NULL, c))
#define NO(c)  assert_false(th_match(&W, NULL, c))

static void test_event_types(void **state)
{
	(void)state;
	syscall_event(VG_SC_openat, 3);
	assert_string_equal(vg_evttype_name(vg_evttype_of(&W.ev)), "openat");
	YES("evt.type = openat and evt.category = file");
	syscall_event(VG_SC_connect, 0);
	YES("evt.type = connect and evt.category = net and syscall.type = connect");
	/* a failed execve arrives as a syscall event */
	syscall_event(VG_SC_execve, -13);
	YES("evt.type = execve and evt.res = EACCES");
}

static void test_open_success(void **state)
{
	(void)state;
	syscall_event(VG_SC_openat, 5);
	SC.args[2] = O_WRONLY | O_TRUNC | O_CLOEXEC;
	set_path(VG_VAR_PATH, "shadow");
	FD.num = 5;
	FD.type = VG_FDT_FILE;
	FD.open_flags = O_WRONLY | O_TRUNC | O_CLOEXEC;
	FD.name = (char *)"/etc/shadow";
	FD.nameraw = (char *)"shadow";
	FD.ino = 77;
	FD.dev = (8u << 20) | 1;
	W.st.fd = &FD;
	W.st.path_abs = "/etc/shadow";
	YES("fd.num = 5 and fd.typechar = f and fd.type = file");
	YES("fd.name = /etc/shadow and fd.nameraw = shadow");
	YES("fd.directory = /etc and fd.filename = shadow");
	YES("fd.ino = 77 and fd.dev.major = 8 and fd.dev.minor = 1");
	YES("evt.is_open_write = true and evt.is_open_read = false");
	YES("evt.is_open_create = false and evt.is_open_exec = false");
	YES("evt.arg.flags contains O_TRUNC and evt.arg.flags contains O_WRONLY");
	YES("evt.arg.name = shadow and evt.arg.fd = 5");
	/* openat's exit arguments in Falco's order (it has no res: fd is the result) */
	YES("evt.args = \"fd=5 dirfd=0 name=shadow flags=O_TRUNC|O_WRONLY|O_CLOEXEC mode=00\"");
	YES("fs.path.name = /etc/shadow and fs.path.nameraw = shadow");
	NO("fs.path.target exists");
	/* Falco's open_write macro */
	YES("(evt.type in (open,openat,openat2) and evt.is_open_write=true and "
	    "fd.typechar='f' and fd.num>=0)");
	NO("fd.sip exists or fd.l4proto exists");
}

static void test_open_failed(void **state)
{
	(void)state;
	syscall_event(VG_SC_open, -2);
	SC.args[1] = O_RDONLY;
	set_path(VG_VAR_PATH, "/root/.ssh/id_rsa");
	YES("fd.num = -1 and fd.typechar = f and fd.name = /root/.ssh/id_rsa");
	YES("evt.res startswith E and evt.is_open_read = true");
	/* Falco's open_file_failed macro */
	YES("(evt.type in (open,openat,openat2) and fd.typechar='f' and fd.num=-1 and "
	    "evt.res startswith E)");
}

static void test_create_exec(void **state)
{
	(void)state;
	syscall_event(VG_SC_open, 3);
	SC.args[1] = O_CREAT | O_WRONLY;
	SC.args[2] = 0755;
	YES("evt.is_open_create = true and evt.is_open_exec = true and evt.arg.mode = 0755");
	YES("evt.arg.flags = \"O_CREAT|O_WRONLY\"");
	/* an open with no flag bits set is a read-only open; a flag set with no names is "0" */
	SC.args[1] = O_RDONLY;
	YES("evt.arg.flags = O_RDONLY");
	syscall_event(VG_SC_unlinkat, 0);
	SC.args[2] = 0;
	YES("evt.arg.flags = 0");
}

static void test_socket_client(void **state)
{
	(void)state;
	syscall_event(VG_SC_connect, 0);
	FD.num = 3;
	FD.type = VG_FDT_IPV4;
	FD.has_sock = true;
	FD.sock.family = AF_INET;
	FD.sock.type = SOCK_STREAM;
	FD.sock.state = 1;
	inet_pton(AF_INET, "10.1.2.3", FD.sock.saddr);
	inet_pton(AF_INET, "93.184.216.34", FD.sock.daddr);
	FD.sock.sport = 40000;
	FD.sock.dport = 443;
	FD.name = (char *)"10.1.2.3:40000->93.184.216.34:443";
	W.st.fd = &FD;
	YES("fd.typechar = 4 and fd.type = ipv4 and fd.l4proto = tcp and fd.sockfamily = ip");
	YES("fd.sip = 93.184.216.34 and fd.sport = 443 and fd.cip = 10.1.2.3 and "
	    "fd.cport = 40000");
	YES("fd.lip = 10.1.2.3 and fd.rip = 93.184.216.34 and fd.rport = 443");
	YES("fd.ip = 10.1.2.3 and fd.ip = 93.184.216.34 and fd.port in (443)");
	YES("fd.snet in (\"93.184.0.0/16\") and not fd.snet in (\"10.0.0.0/8\")");
	YES("fd.cnet = 10.0.0.0/8 and fd.net in (\"10.0.0.0/8\")");
	YES("fd.connected = true and fd.is_server = false");
	YES("fd.sip in (1.1.1.1, 93.184.216.34)");
	NO("fd.sip = 1.1.1.1");
	YES("fd.name = \"10.1.2.3:40000->93.184.216.34:443\"");
	NO("fd.directory exists");
}

static void test_socket_server(void **state)
{
	(void)state;
	syscall_event(VG_SC_accept4, 4);
	FD.num = 4;
	FD.type = VG_FDT_IPV6;
	FD.has_sock = true;
	FD.sock.family = AF_INET6;
	FD.sock.type = SOCK_STREAM;
	inet_pton(AF_INET6, "::1", FD.sock.saddr);
	inet_pton(AF_INET6, "2001:db8::5", FD.sock.daddr);
	FD.sock.sport = 22;
	FD.sock.dport = 51000;
	W.st.fd = &FD;
	YES("fd.is_server = true and fd.sport = 22 and fd.sip = ::1 and fd.cip = 2001:db8::5");
	YES("fd.cnet in (\"2001:db8::/32\")");
}

static void test_setuid_ptrace_socket_args(void **state)
{
	(void)state;
	syscall_event(VG_SC_setuid, 0);
	SC.args[0] = 1000;
	YES("evt.arg.uid = alice");
	SC.args[0] = 4242;
	YES("evt.arg.uid = 4242");
	syscall_event(VG_SC_ptrace, 0);
	SC.args[0] = 16;
	YES("evt.arg.request contains PTRACE_ATTACH");
	syscall_event(VG_SC_socket, 3);
	SC.args[0] = AF_INET6;
	YES("evt.arg.domain = AF_INET6");
}

static void test_two_paths(void **state)
{
	(void)state;
	syscall_event(VG_SC_symlinkat, 0);
	set_path(VG_VAR_PATH, "/etc/shadow");
	set_path(VG_VAR_PATH2, "x");
	W.st.path2_abs = "/tmp/x";
	YES("evt.arg.target = /etc/shadow and evt.arg.linkpath = x");
	YES("fs.path.source = /etc/shadow and fs.path.target = /tmp/x");
	YES("fs.path.targetraw = x");
	W.st.path_abs = "/etc/shadow";
	YES("evt.abspath.src = /etc/shadow and evt.abspath.dst = /tmp/x");
	NO("fs.path.name exists");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_types),
		cmocka_unit_test(test_open_success),
		cmocka_unit_test(test_open_failed),
		cmocka_unit_test(test_create_exec),
		cmocka_unit_test(test_socket_client),
		cmocka_unit_test(test_socket_server),
		cmocka_unit_test(test_setuid_ptrace_socket_args),
		cmocka_unit_test(test_two_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
