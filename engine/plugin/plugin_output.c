// SPDX-License-Identifier: Apache-2.0
/*
 * A plugin's output as one more output kind of delivery/: the same bounded
 * queue, worker thread, retries with back-off and counters as the built-in
 * ones (delivery/outputs.c), with the plugin's output() as the send.
 */
#include "plugin/plugin_internal.h"

#include "delivery/delivery_internal.h"

static int p_init(struct vg_output *o, const struct vg_output_config *cfg)
{
	o->priv = cfg->ext.arg;
	return o->priv ? 0 : -1;
}

/* In the output's worker: one call per alert; a failure is retried by the framework. */
static size_t p_send(struct vg_output *o, struct vg_msg *const *msgs, size_t n, size_t *refused)
{
	struct vg_plugin_loaded *pl = o->priv;

	*refused = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *line = vg_msg_line(o, msgs[i], &len);
		int r = vg_plugin_output(pl, line, len);

		if (r != 0) {
			vg_output_error(o, "plugin '%s': output() returned %d", vg_plugin_name(pl),
					r);
			return i;
		}
	}
	return n;
}

static void p_fini(struct vg_output *o)
{
	o->priv = NULL; /* the plugin's: destroyed with it, after the outputs stop */
}

const struct vg_output_ops vg_plugin_output_ops = {
	.init = p_init,
	.send = p_send,
	.fini = p_fini,
};
