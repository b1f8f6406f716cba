// SPDX-License-Identifier: Apache-2.0
/*
 * A durable output plugin for test_durable_output.py (plugin API minor 1):
 * init_config "OUT GATE SPOOLDIR". It asks vigil for the on-disk spool in
 * SPOOLDIR, and its output_alert() fails while the file GATE is missing (the
 * receiver is away); otherwise it appends one line per alert to OUT:
 * id TAB host TAB source TAB priority TAB priority_num TAB rule TAB the alert.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vigil/plugin.h>

struct state {
	FILE *out;
	char gate[4096];
};

static int p_init(const struct vg_plugin_host *host, const char *config, void **out, char *err,
		  size_t errlen)
{
	char path[4096], spool[4096];
	struct state *s = calloc(1, sizeof(*s));

	if (!s || sscanf(config, "%4095s %4095s %4095s", path, s->gate, spool) != 3) {
		snprintf(err, errlen, "init_config must be 'OUT GATE SPOOLDIR'");
		free(s);
		return -1;
	}
	if (host->api_minor < 1 || host->output_spool(host->ctx, spool, 0, 0) != 0) {
		snprintf(err, errlen, "vigil refused the spool");
		free(s);
		return -1;
	}
	s->out = fopen(path, "a");
	if (!s->out) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

static void p_destroy(void *st)
{
	struct state *s = st;

	fclose(s->out);
	free(s);
}

static int p_output_alert(void *st, const struct vg_plugin_alert *a, char *err, size_t errlen)
{
	struct state *s = st;

	if (access(s->gate, F_OK) != 0) {
		snprintf(err, errlen, "receiver away (no %s)\x01", s->gate);
		return -1;
	}
	fprintf(s->out, "%s\t%s\t%s\t%s\t%u\t%s\t%.*s\n", a->id, a->host, a->source, a->priority,
		a->priority_num, a->rule, (int)a->len, a->line);
	return fflush(s->out) == 0 ? 0 : -1;
}

int vigil_plugin_init(const struct vg_plugin_host *host, struct vg_plugin_info *out)
{
	(void)host;
	*out = (struct vg_plugin_info){
		.api_major = VG_PLUGIN_API_MAJOR,
		.api_minor = 1,
		.name = "durable",
		.version = "0.1.0",
		.description = "test: a durable output behind a gate file",
		.init = p_init,
		.destroy = p_destroy,
		.output_alert = p_output_alert,
	};
	return 0;
}
