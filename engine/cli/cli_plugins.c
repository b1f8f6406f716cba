// SPDX-License-Identifier: Apache-2.0
/* vigil.yaml's load_plugins:/plugins: -> engine/plugin/, before any rule compiles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config/config.h"
#include "plugin/plugin.h"

/* The plugins load_plugins names, in its order; -1 (and *out NULL) on failure. */
int vg_cli_load_plugins(const struct vg_config *cfg, struct vg_plugins **out)
{
	struct vg_plugin_spec *sp;
	size_t n = cfg->n_load_plugins;

	*out = NULL;
	if (!n)
		return 0;
	sp = calloc(n, sizeof(*sp));
	if (!sp)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		while (k < cfg->n_plugins && strcmp(cfg->plugin_names[k], cfg->load_plugins[i]))
			k++;
		if (k == cfg->n_plugins) {
			fprintf(stderr,
				"vigil: load_plugins names '%s', which plugins: does not define\n",
				cfg->load_plugins[i]);
			free(sp);
			return -1;
		}
		sp[i] = (struct vg_plugin_spec){.name = cfg->plugin_names[k],
						.library_path = cfg->plugin_paths[k],
						.init_config = cfg->plugin_configs[k]};
	}
	*out = vg_plugins_load(sp, n, 0);
	free(sp);
	return *out ? 0 : -1;
}

int vg_cli_plugins_from_file(const char *path, struct vg_plugins **out)
{
	struct vg_config cfg;
	struct vg_config_err err;
	int ret;

	*out = NULL;
	if (vg_config_load(&cfg, path, NULL, 0, &err) != 0) {
		fprintf(stderr, "vigil: %s\n", err.text);
		return -1;
	}
	ret = vg_cli_load_plugins(&cfg, out);
	vg_config_free(&cfg);
	return ret;
}
