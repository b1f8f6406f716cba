// SPDX-License-Identifier: Apache-2.0
/* vigil fields: every field the rule language knows, with type and status. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "plugin/plugin.h"
#include "fields/registry.h"

static const char *arg_text(enum vg_farg a)
{
	switch (a) {
	case VG_FARG_INDEX: return "[index]";
	case VG_FARG_OPT_INDEX: return "[index] optional";
	case VG_FARG_KEY: return "[key]";
	case VG_FARG_OPT_KEY: return "[key] optional";
	case VG_FARG_IDX_OR_KEY: return "[index] or [name]";
	default: return "";
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vigil fields [--json|--markdown] [--live] [-c CONFIG]\n"
		   "  -c, --config FILE  also the fields of the plugins its load_plugins loads\n");
}

int vg_cmd_fields(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'}, {"markdown", no_argument, NULL, 'm'},
		{"live", no_argument, NULL, 'l'}, {"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const struct vg_field_class *const *cls;
	struct json_object *arr = NULL;
	struct vg_plugins *plugins = NULL;
	const char *config = NULL;
	int c, mode = 0;
	bool live_only = false;
	size_t ncls;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hc:", opts, NULL)) != -1) {
		switch (c) {
		case 'j': mode = 1; break;
		case 'm': mode = 2; break;
		case 'l': live_only = true; break;
		case 'c': config = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	/* the plugins register their fields with the built-in ones: one listing */
	if (config && vg_cli_plugins_from_file(config, &plugins) != 0)
		return 1;
	cls = vg_field_classes(&ncls);
	if (mode == 1 && !(arr = json_object_new_array())) {
		vg_plugins_free(plugins);
		return 1;
	}
	for (size_t k = 0; k < ncls; k++) {
		const struct vg_field_class *cl = cls[k];

		if (mode == 2)
			printf("## %s\n\n%s\n\n| Field | Type | Argument | Live | Description |\n"
			       "|---|---|---|---|---|\n",
			       cl->name, cl->desc);
		else if (mode == 0)
			printf("%s: %s\n", cl->name, cl->desc);
		for (size_t i = 0; i < cl->nfields; i++) {
			const struct vg_field_def *d = &cl->fields[i];
			bool live = d->flags & VG_FF_LIVE;

			if (live_only && !live)
				continue;
			if (mode == 1) {
				struct json_object *o = json_object_new_object();

				if (!o)
					break;
				json_object_object_add(o, "name", json_object_new_string(d->name));
				json_object_object_add(o, "class",
						       json_object_new_string(cl->name));
				json_object_object_add(
					o, "type", json_object_new_string(vg_ftype_name(d->type)));
				json_object_object_add(o, "arg",
						       json_object_new_string(arg_text(d->arg)));
				json_object_object_add(
					o, "list", json_object_new_boolean(d->flags & VG_FF_LIST));
				json_object_object_add(o, "live", json_object_new_boolean(live));
				json_object_object_add(o, "desc", json_object_new_string(d->desc));
				json_object_array_add(arr, o);
			} else if (mode == 2) {
				printf("| `%s` | %s | %s | %s | %s |\n", d->name,
				       vg_ftype_name(d->type), arg_text(d->arg),
				       live ? "yes" : "no", d->desc);
			} else {
				printf("  %-40s %-8s %-18s %-4s %s\n", d->name,
				       vg_ftype_name(d->type), arg_text(d->arg),
				       live ? "live" : "-", d->desc);
			}
		}
		if (mode != 1)
			printf("\n");
	}
	if (mode == 1) {
		puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(arr);
	}
	vg_plugins_free(plugins);
	return 0;
}
