// SPDX-License-Identifier: Apache-2.0
/*
 * alert_file: the smallest output plugin (include/vigil/plugin.h). vigil
 * hands it every alert, as the JSON line its outputs get, from the output's
 * worker thread; it appends them to the file init_config names. A write
 * that fails returns non-zero, and vigil retries it with back-off and counts
 * it, as for its own outputs. The example docs/plugins.md walks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <vigil/plugin.h>

struct state {
	int fd;
};

static int p_init(const struct vg_plugin_host *host, const char *config, void **out, char *err,
		  size_t errlen)
{
	struct state *s;

	(void)host;
	if (!config || !*config) {
		snprintf(err, errlen, "init_config must be the path of the file to append to");
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->fd = open(config, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (s->fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", config, strerror(errno));
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

static void p_destroy(void *st)
{
	struct state *s = st;

	close(s->fd);
	free(s);
}

/* One line per alert; a short write is an error (retried whole by vigil). */
static int p_output(void *st, const char *line, size_t len)
{
	struct state *s = st;
	struct iovec iov[2] = {{(void *)line, len}, {"\n", 1}};
	ssize_t n = writev(s->fd, iov, 2);

	return n == (ssize_t)(len + 1) ? 0 : -1;
}

int vigil_plugin_init(const struct vg_plugin_host *host, struct vg_plugin_info *out)
{
	(void)host;
	*out = (struct vg_plugin_info){
		.api_major = VG_PLUGIN_API_MAJOR,
		/* it uses nothing newer than minor 0 (output()): vigil's tests
		   prove through it that a minor-0 output plugin keeps working */
		.api_minor = 0,
		.name = "alert_file",
		.version = "0.1.0",
		.description = "appends every alert to a file",
		.init = p_init,
		.destroy = p_destroy,
		.output = p_output,
	};
	return 0;
}
