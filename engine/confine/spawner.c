// SPDX-License-Identifier: Apache-2.0
/*
 * The spawner (see spawner.h). vigil's side sends one request at a time on
 * a SOCK_SEQPACKET socketpair and reads one reply; the spawner side is a
 * loop over those requests. It is forked while vigil still has one thread
 * (the outputs start their workers after every output's init), and it
 * writes its few messages with writev(), not stdio, whose buffers it shares
 * with vigil.
 */
#include "confine/spawner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { OP_SPAWN = 1, OP_WAIT, OP_KILL };

struct req {
	int32_t op;
	int32_t pid;
	int32_t arg; /* OP_WAIT: block; OP_KILL: the signal */
};

struct rep {
	int32_t result; /* pid, 0/1, or -errno */
	int32_t status;
};

struct vg_spawner {
	pid_t pid;
	int sock;
};

/* The commands started and not yet reported gone: their exit, once reaped. */
#define MAX_KIDS 64
struct kid {
	pid_t pid;
	bool done;
	int status;
};

static volatile sig_atomic_t term_requested;

/* --- the spawner process ----------------------------------------------- */

static void say(const char *a, const char *b)
{
	struct iovec v[4] = {{"vigil: spawner: ", 16},
			     {(void *)a, strlen(a)},
			     {(void *)b, strlen(b)},
			     {"\n", 1}};

	(void)!writev(STDERR_FILENO, v, 4);
}

static void on_term(int sig)
{
	(void)sig;
	term_requested = 1;
}

/* No capability, none to regain by exec'ing a set-uid file or as uid 0. */
static void drop_everything(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {0};

	for (int c = 0; c <= 63; c++)
		prctl(PR_CAPBSET_DROP, c, 0, 0, 0); /* EINVAL past the last one */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capset, &h, d) != 0)
		say("capset: ", strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		say("PR_SET_NO_NEW_PRIVS: ", strerror(errno));
}

static void setup_signals(void)
{
	struct sigaction sa = {0};
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Ctrl-C, reload and counter signals are vigil's: they reach it by name or group */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_term; /* no SA_RESTART: poll() returns at once */
	sigaction(SIGTERM, &sa, NULL);
}

/* In the command's process, between fork and exec. */
static void exec_command(const char *command, int fd, int errfd)
{
	char *const argv[] = {"sh", "-c", (char *)command, NULL};
	struct sigaction dfl = {0};
	int e;

	setpgid(0, 0);
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL); /* ignored ones would stay ignored across exec */
	if (dup2(fd, STDIN_FILENO) < 0)
		e = errno;
	else {
		execve("/bin/sh", argv, environ);
		e = errno;
	}
	(void)!write(errfd, &e, sizeof(e));
	_exit(127);
}

static struct kid *kid_slot(struct kid *kids, pid_t pid)
{
	for (int i = 0; i < MAX_KIDS; i++)
		if (kids[i].pid == pid)
			return &kids[i];
	return NULL;
}

/* Reaps what has exited: the commands' exits are kept, adopted orphans go. */
static void reap_all(struct kid *kids)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		struct kid *k = kid_slot(kids, pid);

		if (k) {
			k->done = true;
			k->status = st;
		}
	}
}

static int32_t do_spawn(const char *command, int fd, struct kid *kids)
{
	struct kid *k = kid_slot(kids, 0);
	int ep[2], e = 0;
	pid_t pid;
	ssize_t n;

	if (!k)
		return -EAGAIN;
	if (pipe2(ep, O_CLOEXEC) != 0)
		return -errno;
	pid = fork();
	if (pid == 0)
		exec_command(command, fd, ep[1]);
	e = errno;
	close(ep[1]);
	if (pid < 0) {
		close(ep[0]);
		return -e;
	}
	setpgid(pid, pid); /* no race with the first kill: either call makes the group */
	/* the exec closes ep[1]: EOF means it ran; an errno means it did not */
	do
		n = read(ep[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(ep[0]);
	*k = (struct kid){.pid = pid};
	if (n == sizeof(e)) {
		waitpid(pid, NULL, 0);
		k->pid = 0;
		return -e;
	}
	return pid;
}

static struct rep do_wait(pid_t pid, bool block, struct kid *kids)
{
	struct kid *k = pid > 0 ? kid_slot(kids, pid) : NULL;
	struct rep r = {0, 0};
	pid_t got;

	if (!k)
		return (struct rep){-ECHILD, 0};
	if (!k->done) {
		do
			got = waitpid(pid, &k->status, block ? 0 : WNOHANG);
		while (got < 0 && errno == EINTR && !term_requested);
		if (got < 0)
			return (struct rep){-errno, 0};
		k->done = got == pid;
	}
	if (k->done) {
		r = (struct rep){1, k->status};
		k->pid = 0;
	}
	return r;
}

/* The pids of this process's children, from /proc (adopted orphans included). */
static int children(pid_t *out, int cap)
{
	char path[300], buf[512];
	pid_t self = getpid();
	struct dirent *e;
	int n = 0;
	DIR *d = opendir("/proc");

	while (d && n < cap && (e = readdir(d))) {
		int fd, ppid = 0;
		ssize_t len;
		char *p;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		/* "pid (comm) state ppid ...": comm may hold anything, even ") " */
		if ((p = strrchr(buf, ')')) && sscanf(p + 1, " %*c %d", &ppid) == 1 && ppid == self)
			out[n++] = (pid_t)atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return n;
}

/* Signals every child and its process group; how many children there were. */
static int signal_children(int sig)
{
	pid_t kids[256];
	int n = children(kids, 256);

	for (int i = 0; i < n; i++) {
		pid_t pg = getpgid(kids[i]);

		if (pg > 0 && pg != getpgrp())
			kill(-pg, sig);
		kill(kids[i], sig);
	}
	return n;
}

/* SIGTERM to every command's group, SIGKILL to what is left after the grace, reap all. */
static void end_all(struct kid *kids)
{
	struct timespec tick = {0, 10000000};

	reap_all(kids);
	if (signal_children(SIGTERM) == 0)
		return;
	for (int t = 0; t < VG_SPAWNER_GRACE_MS / 10; t++) {
		nanosleep(&tick, NULL);
		reap_all(kids);
		if (children(&(pid_t){0}, 1) == 0)
			return;
	}
	for (int t = 0; t < 500 && signal_children(SIGKILL) > 0; t++) {
		nanosleep(&tick, NULL);
		reap_all(kids);
	}
}

static int32_t take_fd(struct msghdr *m)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(m);
	int fd = -1;

	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* One request; false when the socket closed (vigil is done or gone). */
static bool serve_one(int sock, const char *command, struct kid *kids)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct req q;
	struct iovec v = {&q, sizeof(q)};
	struct msghdr m = {.msg_iov = &v,
			   .msg_iovlen = 1,
			   .msg_control = ctl.buf,
			   .msg_controllen = sizeof(ctl.buf)};
	struct rep r = {-EINVAL, 0};
	ssize_t n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	int fd = take_fd(&m);

	if (n <= 0)
		return n < 0 && errno == EINTR;
	if (n == sizeof(q) && q.op == OP_SPAWN && fd >= 0)
		r.result = do_spawn(command, fd, kids);
	else if (n == sizeof(q) && q.op == OP_WAIT)
		r = do_wait(q.pid, q.arg != 0, kids);
	else if (n == sizeof(q) && q.op == OP_KILL && kid_slot(kids, q.pid))
		r.result = kill(-q.pid, q.arg) == 0 ? 0 : -errno;
	if (fd >= 0)
		close(fd);
	return send(sock, &r, sizeof(r), MSG_NOSIGNAL) == sizeof(r);
}

static void serve(int sock, const char *command, pid_t parent)
{
	static struct kid kids[MAX_KIDS];
	struct pollfd p = {.fd = sock, .events = POLLIN};

	prctl(PR_SET_NAME, "vigil-spawner", 0, 0, 0);
	/* adopts what the commands leave behind, so that it can end it too */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	setup_signals();
	if (getppid() != parent) /* vigil died before PDEATHSIG was set */
		term_requested = 1;
	drop_everything();
	while (!term_requested) {
		int r = poll(&p, 1, 1000);

		reap_all(kids);
		if (r > 0 && !serve_one(sock, command, kids))
			break;
	}
	end_all(kids);
	_exit(0);
}

/* --- vigil's side ---------------------------------------------------- */

struct vg_spawner *vg_spawner_start(const char *command)
{
	struct vg_spawner *s = calloc(1, sizeof(*s));
	pid_t parent = getpid();
	int sv[2];

	if (!s || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		fprintf(stderr, "vigil: program output: cannot start the spawner: %s\n",
			strerror(errno));
		free(s);
		return NULL;
	}
	fflush(NULL); /* nothing buffered is written twice */
	s->pid = fork();
	if (s->pid == 0) {
		/* only the socket and stdio: vigil's BPF, files and sockets stay with vigil */
		if (sv[1] > 3)
			close_range(3, (unsigned)sv[1] - 1, 0);
		close_range((unsigned)sv[1] + 1, ~0u, 0);
		serve(sv[1], command, parent);
	}
	close(sv[1]);
	if (s->pid < 0) {
		fprintf(stderr, "vigil: program output: cannot fork the spawner: %s\n",
			strerror(errno));
		close(sv[0]);
		free(s);
		return NULL;
	}
	s->sock = sv[0];
	return s;
}

static int call(struct vg_spawner *s, const struct req *q, int fd, struct rep *r)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec v = {(void *)q, sizeof(*q)};
	struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(s->sock, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(*q))
		return n < 0 ? -errno : -EPIPE;
	do
		n = recv(s->sock, r, sizeof(*r), 0);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(*r))
		return n < 0 ? -errno : -EPIPE; /* 0: the spawner is gone */
	return 0;
}

int vg_spawner_spawn(struct vg_spawner *s, int fd, pid_t *pid)
{
	struct req q = {OP_SPAWN, 0, 0};
	struct rep r;
	int err = call(s, &q, fd, &r);

	if (err)
		return err;
	if (r.result < 0)
		return r.result;
	*pid = r.result;
	return 0;
}

int vg_spawner_wait(struct vg_spawner *s, pid_t pid, int *status, int block)
{
	struct req q = {OP_WAIT, pid, block};
	struct rep r;
	int err = call(s, &q, -1, &r);

	if (err)
		return err;
	if (r.result == 1)
		*status = r.status;
	return r.result;
}

int vg_spawner_kill(struct vg_spawner *s, pid_t pid, int sig)
{
	struct req q = {OP_KILL, pid, sig};
	struct rep r;
	int err = call(s, &q, -1, &r);

	return err ? err : r.result;
}

void vg_spawner_stop(struct vg_spawner *s)
{
	if (!s)
		return;
	close(s->sock);
	while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
		;
	free(s);
}
