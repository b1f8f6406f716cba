/* SPDX-License-Identifier: Apache-2.0 */
/* What plugin.c and plugin_output.c share. */
#ifndef VIGIL_PLUGIN_INTERNAL_H
#define VIGIL_PLUGIN_INTERNAL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "plugin/plugin.h"

struct vg_plugin_loaded;
struct vg_output_ops;

extern const struct vg_output_ops vg_plugin_output_ops;
const char *vg_plugin_name(const struct vg_plugin_loaded *pl);
struct vg_plugin_alert;

/* What a plugin's init() asked for with host->output_spool. */
struct vg_plugin_spool {
	char dir[PATH_MAX];
	uint64_t max_bytes;
	uint64_t max_age_s;
};

/* The plugin's output_alert(), else output(), of one alert: 0 delivered, else failed
   (err: the plugin's reason, or ""). */
int vg_plugin_output(struct vg_plugin_loaded *pl, const struct vg_plugin_alert *a, char *err,
		     size_t errlen);
/* Its spool request, or NULL. */
const struct vg_plugin_spool *vg_plugin_spool(const struct vg_plugin_loaded *pl);

#endif
