// SPDX-License-Identifier: Apache-2.0
#include "vigil_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *vigil_bin(void)
{
	const char *env = getenv("VIGIL_BIN");

	return env && *env ? env : VIGIL_BIN_PATH;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000;
}

static void read_stderr(struct vigil_proc *v)
{
	ssize_t n;

	while (v->errlen < sizeof(v->errtext) - 1 &&
	       (n = read(v->err_fd, v->errtext + v->errlen, sizeof(v->errtext) - 1 - v->errlen)) >
		       0)
		v->errlen += n;
	v->errtext[v->errlen] = '\0';
}

/* Parses every complete line buffered so far into v->events. */
static void take_lines(struct vigil_proc *v)
{
	char *start = v->linebuf, *nl;

	while ((nl = memchr(start, '\n', v->linelen - (start - v->linebuf)))) {
		*nl = '\0';
		json_object *o = json_tokener_parse(start);

		if (o)
			json_object_array_add(v->events, o);
		else
			fprintf(stderr, "live test: vigil printed a line that is not JSON: %s\n",
				start);
		start = nl + 1;
	}
	v->linelen -= start - v->linebuf;
	memmove(v->linebuf, start, v->linelen);
}

static void read_stdout(struct vigil_proc *v)
{
	ssize_t n;

	for (;;) {
		if (v->linecap - v->linelen < 65536) {
			v->linecap = v->linecap * 2 + 65536;
			v->linebuf = realloc(v->linebuf, v->linecap);
		}
		n = read(v->out_fd, v->linebuf + v->linelen, v->linecap - v->linelen);
		if (n <= 0)
			break;
		v->linelen += n;
	}
	take_lines(v);
}

/* Waits up to ms for output on either pipe and reads it. */
static void pump(struct vigil_proc *v, int ms)
{
	struct pollfd fds[2] = {{v->out_fd, POLLIN, 0}, {v->err_fd, POLLIN, 0}};

	if (poll(fds, 2, ms) > 0) {
		read_stdout(v);
		read_stderr(v);
	}
}

int vigil_start(struct vigil_proc *v, const char *const *extra)
{
	return vigil_start_cmd(v, "events", extra);
}

int vigil_start_cmd(struct vigil_proc *v, const char *command, const char *const *extra)
{
	int out[2], err[2];
	const char *argv[16] = {vigil_bin(), command};
	int argc = 2;
	long long deadline;

	memset(v, 0, sizeof(*v));
	v->events = json_object_new_array();
	for (; extra && *extra && argc < 15; extra++)
		argv[argc++] = *extra;
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		return -1;
	v->pid = fork();
	if (v->pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	v->out_fd = out[0];
	v->err_fd = err[0];
	fcntl(v->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(v->err_fd, F_SETFL, O_NONBLOCK);
	deadline = now_ms() + 60000;
	while (now_ms() < deadline) {
		pump(v, 100);
		if (strstr(v->errtext, "vigil: ready"))
			return 0;
		if (waitpid(v->pid, NULL, WNOHANG) == v->pid) {
			v->pid = 0;
			break;
		}
	}
	fprintf(stderr, "live test: vigil did not become ready; it said:\n%s\n", v->errtext);
	return -1;
}

json_object *vigil_wait_event(struct vigil_proc *v, event_pred pred, const void *arg,
			      int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	size_t checked = 0;

	do {
		size_t n = json_object_array_length(v->events);

		for (; checked < n; checked++) {
			json_object *ev = json_object_array_get_idx(v->events, checked);

			if (pred(ev, arg))
				return ev;
		}
		pump(v, 50);
	} while (now_ms() < deadline);
	return NULL;
}

int vigil_stop(struct vigil_proc *v)
{
	int status = -1;
	long long deadline = now_ms() + 30000;

	if (v->pid <= 0)
		return -1;
	kill(v->pid, SIGINT);
	while (now_ms() < deadline) {
		pump(v, 50);
		if (waitpid(v->pid, &status, WNOHANG) == v->pid) {
			v->pid = 0;
			read_stdout(v);
			read_stderr(v);
			return status;
		}
	}
	kill(v->pid, SIGKILL);
	waitpid(v->pid, &status, 0);
	v->pid = 0;
	return -1;
}

void vigil_free(struct vigil_proc *v)
{
	if (v->pid > 0) {
		kill(v->pid, SIGKILL);
		waitpid(v->pid, NULL, 0);
	}
	close(v->out_fd);
	close(v->err_fd);
	free(v->linebuf);
	json_object_put(v->events);
}

int run_quiet(const char *const argv[])
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	return status;
}

bool match_text(json_object *ev, const void *arg)
{
	return strstr(json_object_to_json_string(ev), (const char *)arg) != NULL;
}

bool vigil_no_drops(const struct vigil_proc *v)
{
	bool seen = false;

	for (const char *p = v->errtext; (p = strstr(p, "dropped=")); p += 8) {
		seen = true;
		if (atoi(p + 8) != 0)
			return false;
	}
	return seen;
}

json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v)) {
		fprintf(stderr, "live test: key '%s' missing in %s\n", key,
			json_object_to_json_string(o));
		abort();
	}
	return v;
}

const char *jstr(json_object *o, const char *key)
{
	const char *s = json_object_get_string(jget(o, key));

	return s ? s : "(null)";
}

long long jint(json_object *o, const char *key)
{
	return json_object_get_int64(jget(o, key));
}
