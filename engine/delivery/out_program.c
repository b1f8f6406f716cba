// SPDX-License-Identifier: Apache-2.0
/*
 * The program output: one long-lived `/bin/sh -c COMMAND` whose stdin gets
 * one alert line each (Falco's program_output with keep_alive). When the
 * command dies, the line that hit the broken pipe is retried with back-off
 * into a new instance, so nothing is lost to a restart that succeeds.
 *
 * The command is started by the spawner (engine/confine/spawner.h), a
 * process forked here at init, before vigil confines itself: confined vigil
 * cannot exec, and the spawner ends the command's process group when vigil
 * exits, however it exits.
 */
#include "delivery/delivery_internal.h"
#include "confine/spawner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Lengths of the last lines written, to tell how many a dead command left unread. */
#define RECENT 1024

struct program_out {
	char *command;
	char name[72]; /* what messages show: the first word only, since arguments may hold tokens
			*/
	struct vg_spawner *spawner;
	pid_t pid;
	int fd; /* the write end of the command's stdin */
	bool started;
	uint32_t recent[RECENT];
	uint32_t nrecent; /* total written since the command started */
};

/*
 * Lines the command never read: they sit in the pipe and die with it. They
 * cannot be resent (they left the queue), so they are counted as dropped;
 * a line it read only in part counts as lost too.
 */
static void count_unread(struct vg_output *o, struct program_out *p)
{
	int unread = 0;
	uint64_t lost = 0;

	if (p->fd < 0 || ioctl(p->fd, FIONREAD, &unread) != 0 || unread <= 0)
		return;
	for (uint32_t i = 0; i < p->nrecent && i < RECENT && unread > 0; i++) {
		unread -= (int)p->recent[(p->nrecent - 1 - i) % RECENT];
		lost++;
	}
	/* they were counted as sent when the pipe took them */
	atomic_fetch_sub(&o->sent, lost);
	atomic_fetch_add(&o->dropped_failed, lost);
	vg_output_error(o, "'%s' died leaving %llu alert(s) unread", p->name,
			(unsigned long long)lost);
}

/* Reaps the command if it is gone; true when it is. */
static bool reap(struct program_out *p, int *status)
{
	if (p->pid <= 0)
		return true;
	if (vg_spawner_wait(p->spawner, p->pid, status, 0) == 0)
		return false;
	/* an error: the spawner is gone, and the command with it */
	p->pid = 0;
	return true;
}

static void close_pipe(struct vg_output *o, struct program_out *p)
{
	count_unread(o, p);
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->nrecent = 0;
}

static int spawn(struct vg_output *o, struct program_out *p)
{
	int fds[2], err;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		vg_output_error(o, "pipe: %s", strerror(errno));
		return -1;
	}
	err = vg_spawner_spawn(p->spawner, fds[0], &p->pid);
	close(fds[0]);
	if (err) {
		close(fds[1]);
		p->pid = 0;
		vg_output_error(o, "cannot start '%s': %s", p->name, strerror(-err));
		return -1;
	}
	p->fd = fds[1];
	if (p->started)
		atomic_fetch_add(&o->restarts, 1);
	p->started = true;
	return 0;
}

/* A write to a dead reader raised SIGPIPE on this thread (blocked): consume it. */
static void eat_sigpipe(void)
{
	static const struct timespec zero = {0, 0};
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGPIPE);
	while (sigtimedwait(&s, NULL, &zero) == SIGPIPE)
		;
}

static void describe_exit(struct vg_output *o, struct program_out *p, int status, bool reaped)
{
	if (!reaped)
		vg_output_error(o, "'%s' closed its input", p->name);
	else if (WIFSIGNALED(status))
		vg_output_error(o, "'%s' was killed by signal %d", p->name, WTERMSIG(status));
	else if (WIFEXITED(status))
		vg_output_error(o, "'%s' exited with status %d", p->name, WEXITSTATUS(status));
	else
		vg_output_error(o, "'%s' is gone", p->name);
}

static size_t program_send(struct vg_output *o, struct vg_msg *const *msgs, size_t n,
			   size_t *refused)
{
	struct program_out *p = o->priv;
	int status = 0;

	(void)refused;
	if (p->fd >= 0 && reap(p, &status)) {
		close_pipe(o, p);
		describe_exit(o, p, status, true);
	}
	if (p->fd < 0 && spawn(o, p) != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *line = vg_msg_line(o, msgs[i], &len);
		struct iovec iov[2] = {{(void *)line, len}, {"\n", 1}};
		int err = vg_write_all(p->fd, iov, 2);

		if (!err) {
			p->recent[p->nrecent++ % RECENT] = (uint32_t)(len + 1);
			continue;
		}
		if (err == -EPIPE)
			eat_sigpipe();
		close_pipe(o, p);
		if (err == -EPIPE) {
			bool gone = false;

			/* give it a moment to finish dying so the reason can be told */
			for (int k = 0; k < 50 && !(gone = reap(p, &status)); k++)
				nanosleep(&(struct timespec){0, 2000000}, NULL);
			describe_exit(o, p, status, gone);
			if (!gone) {
				/* it closed stdin but lives on: it cannot take more alerts */
				vg_spawner_kill(p->spawner, p->pid, SIGTERM);
				vg_spawner_wait(p->spawner, p->pid, &status, 1);
				p->pid = 0;
			}
		} else {
			vg_output_error(o, "write to '%s': %s", p->name, strerror(-err));
		}
		return i;
	}
	return n;
}

/* "curl …" for "curl -H 'Authorization: Bearer …' …": enough to say which command. */
static void set_name(struct program_out *p)
{
	const char *c = p->command + strspn(p->command, " \t");
	size_t n = strcspn(c, " \t\n");

	if (n > 64)
		n = 64;
	memcpy(p->name, c, n);
	strcpy(p->name + n, c[n + strspn(c + n, " \t\n")] ? " …" : "");
}

static int program_init(struct vg_output *o, const struct vg_output_config *c)
{
	struct program_out *p = calloc(1, sizeof(*p));
	bool oom = false;

	if (!p) {
		fprintf(stderr, "vigil: program output: out of memory\n");
		return -1;
	}
	o->priv = p;
	p->fd = -1;
	if (!c->program.command || !*c->program.command) {
		fprintf(stderr, "vigil: program output: no command (program_output.program)\n");
		return -1;
	}
	p->command = vg_out_strdup(c->program.command, &oom);
	if (oom) {
		fprintf(stderr, "vigil: program output: out of memory\n");
		return -1;
	}
	set_name(p);
	/* now, while vigil may still fork (and exec) */
	p->spawner = vg_spawner_start(p->command);
	return p->spawner ? 0 : -1;
}

static void program_fini(struct vg_output *o)
{
	struct program_out *p = o->priv;
	int status;

	if (!p)
		return;
	/* EOF first: a command like `cat >> file` finishes its work and exits */
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	for (int k = 0; k < 100 && !reap(p, &status); k++)
		nanosleep(&(struct timespec){0, 20000000}, NULL);
	if (p->pid > 0) {
		vg_spawner_kill(p->spawner, p->pid, SIGKILL);
		vg_spawner_wait(p->spawner, p->pid, &status, 1);
	}
	/* and whatever the command left behind in its group */
	vg_spawner_stop(p->spawner);
	free(p->command);
	free(p);
	o->priv = NULL;
}

const struct vg_output_ops vg_output_program_ops = {
	.init = program_init,
	.send = program_send,
	.fini = program_fini,
};
