// SPDX-License-Identifier: Apache-2.0
/*
 * The audit log follower: the file the API server writes with
 * --audit-log-path (one JSON Event per line), read from its start, then
 * followed like tail -F: appended lines as they come; when the path names
 * a new file (rotation: rename and re-create) the old one is read to its
 * end first, then the new one from its start; a file truncated under us is
 * read again from its start. A line vigil's queue refuses is retried, so a
 * slow vigil slows the follower rather than losing events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "k8saudit.h"

#define MAX_LINE (VG_PLUGIN_MAX_EVENT + 4096)

static void nap(void)
{
	struct timespec ts = {0, 50 * 1000000L};

	nanosleep(&ts, NULL);
}

static void say(struct ka_state *s, enum vg_plugin_log_level lv, const char *what, const char *why)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "log_file %.300s: %s%s", s->cfg.log_file, what, why ? why : "");
	s->host->log(s->host->ctx, lv, msg);
}

/* One whole line: queued (retried while the queue is full), or skipped with a reason. */
static void line_done(struct ka_state *s, const char *line, size_t len, bool overlong)
{
	size_t queued;
	const char *msg = NULL;
	enum ka_parse_result r;

	if (overlong) {
		say(s, VG_PLUGIN_LOG_WARNING, "a line over the event limit skipped", NULL);
		return;
	}
	if (!len)
		return;
	while ((r = ka_events_push(s->host, line, len, &queued, &msg)) == KA_QUEUE_FULL &&
	       !atomic_load(&s->stop)) {
		if (queued) /* an EventList line, part queued: the rest is lost, said */
			break;
		nap();
	}
	if (r != KA_OK && r != KA_QUEUE_FULL)
		say(s, VG_PLUGIN_LOG_WARNING, "a line skipped: ", msg);
	else if (r == KA_QUEUE_FULL && queued)
		say(s, VG_PLUGIN_LOG_WARNING, "part of an EventList line refused: ", msg);
}

/* The path names another file than f (rotated), or f shrank below pos (truncated). */
static int changed(struct ka_state *s, FILE *f, long pos)
{
	struct stat a, b;

	if (stat(s->cfg.log_file, &a) != 0 || fstat(fileno(f), &b) != 0)
		return 0; /* gone for now: keep reading the old one until it comes back */
	if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		return 1;
	return b.st_size < pos ? 2 : 0;
}

struct reader {
	char *line;
	size_t len;
	bool overlong;
};

/* Reads what f holds now; returns at EOF. */
static void read_avail(struct ka_state *s, FILE *f, struct reader *r)
{
	int c;

	while (!atomic_load(&s->stop) && (c = getc(f)) != EOF) {
		if (c != '\n') {
			if (r->len < MAX_LINE)
				r->line[r->len++] = (char)c;
			else
				r->overlong = true;
			continue;
		}
		line_done(s, r->line, r->len, r->overlong);
		r->len = 0;
		r->overlong = false;
	}
	clearerr(f);
}

static void *follow(void *arg)
{
	struct ka_state *s = arg;
	struct reader r = {.line = malloc(MAX_LINE)};
	FILE *f = NULL;

	if (!r.line) {
		say(s, VG_PLUGIN_LOG_ERROR, "out of memory: not followed", NULL);
		return NULL;
	}
	while (!atomic_load(&s->stop)) {
		int ch;

		if (!f && !(f = fopen(s->cfg.log_file, "r"))) {
			nap();
			continue;
		}
		read_avail(s, f, &r);
		ch = changed(s, f, ftell(f));
		if (ch == 1) { /* rotated: the old file's last lines, then on to the new */
			read_avail(s, f, &r);
			fclose(f);
			f = NULL;
			r.len = 0; /* an unterminated last line of the old file is not an event */
			continue;
		}
		if (ch == 2) {
			rewind(f);
			r.len = 0;
		}
		nap();
	}
	if (f)
		fclose(f);
	free(r.line);
	return NULL;
}

int ka_follow_start(struct ka_state *s)
{
	if (pthread_create(&s->follower, NULL, follow, s) != 0)
		return -1;
	s->following = true;
	return 0;
}

void ka_follow_stop(struct ka_state *s)
{
	if (!s->following)
		return;
	atomic_store(&s->stop, true);
	pthread_join(s->follower, NULL);
	s->following = false;
}
