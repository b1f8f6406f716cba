/* SPDX-License-Identifier: Apache-2.0 */
/* What plugin.c and plugin_output.c share. */
#ifndef VIGIL_PLUGIN_INTERNAL_H
#define VIGIL_PLUGIN_INTERNAL_H

#include <stddef.h>

#include "plugin/plugin.h"

struct vg_plugin_loaded;
struct vg_output_ops;

extern const struct vg_output_ops vg_plugin_output_ops;
const char *vg_plugin_name(const struct vg_plugin_loaded *pl);
/* The plugin's output() of one alert line: 0 delivered, else failed. */
int vg_plugin_output(struct vg_plugin_loaded *pl, const char *line, size_t len);

#endif
