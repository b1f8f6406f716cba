// SPDX-License-Identifier: Apache-2.0
/*
 * jsonl_source: a vigil plugin (include/vigil/plugin.h) that follows a file
 * of JSON lines as an event source named "jsonl": a source and nothing else,
 * the example docs/plugins.md walks. Its events' fields (json.value[/ptr],
 * json.obj, ...) come from the field-only json plugin (plugins/json), which
 * reads the events of every source.
 *
 * init_config: the path of the file to follow. Lines written to it later are
 * read as they come (tail -F without the rename handling). A line longer
 * than 1 MiB is skipped whole.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vigil/plugin.h>

#define MAX_LINE (1u << 20)

struct state {
	const struct vg_plugin_host *host;
	char *path;
	pthread_t thread;
	atomic_bool stop;
	bool running;
};

static int p_init(const struct vg_plugin_host *host, const char *config, void **out, char *err,
		  size_t errlen)
{
	struct state *s;

	if (!config || !*config) {
		snprintf(err, errlen, "init_config must be the path of a JSON-lines file");
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(config))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->host = host;
	*out = s;
	return 0;
}

static void p_destroy(void *st)
{
	struct state *s = st;

	free(s->path);
	free(s);
}

static void nap(void)
{
	struct timespec ts = {0, 50 * 1000000L};

	nanosleep(&ts, NULL);
}

/* Pushes one line; an empty or overlong one is skipped (and said, for the latter). */
static void push_line(struct state *s, const char *line, size_t len, bool overlong)
{
	if (overlong) {
		s->host->log(s->host->ctx, VG_PLUGIN_LOG_WARNING, "a line over 1 MiB skipped");
		return;
	}
	if (len && s->host->push(s->host->ctx, 0, line, len) != 0)
		s->host->log(s->host->ctx, VG_PLUGIN_LOG_WARNING, "vigil's queue refused an event");
}

/* Follows the file: waits for it to appear, reads whole lines, polls at EOF. */
static void *follow(void *arg)
{
	struct state *s = arg;
	char *line = malloc(MAX_LINE);
	size_t len = 0;
	bool overlong = false;
	FILE *f = NULL;

	while (line && !atomic_load(&s->stop)) {
		int c;

		if (!f && !(f = fopen(s->path, "r"))) {
			nap();
			continue;
		}
		while ((c = getc(f)) != EOF && c != '\n') {
			if (len < MAX_LINE)
				line[len++] = (char)c;
			else
				overlong = true;
		}
		if (c == '\n') {
			push_line(s, line, len, overlong);
			len = 0;
			overlong = false;
			continue;
		}
		clearerr(f); /* EOF: what is written later is read on the next round */
		nap();
	}
	if (f)
		fclose(f);
	free(line);
	return NULL;
}

static int p_start(void *st)
{
	struct state *s = st;

	atomic_store(&s->stop, false);
	if (pthread_create(&s->thread, NULL, follow, s) != 0)
		return -1;
	s->running = true;
	return 0;
}

static void p_stop(void *st)
{
	struct state *s = st;

	if (!s->running)
		return;
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	s->running = false;
}

int vigil_plugin_init(const struct vg_plugin_host *host, struct vg_plugin_info *out)
{
	(void)host;
	*out = (struct vg_plugin_info){
		.api_major = VG_PLUGIN_API_MAJOR,
		.api_minor = VG_PLUGIN_API_MINOR,
		.name = "jsonl",
		.version = "0.1.0",
		.description = "JSON lines from a file as events (fields: the json plugin)",
		.source = "jsonl",
		.init = p_init,
		.destroy = p_destroy,
		.start = p_start,
		.stop = p_stop,
	};
	return 0;
}
