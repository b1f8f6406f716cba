// SPDX-License-Identifier: Apache-2.0
/* vigil fields: every field the rule language knows, with type and status. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/json_doc.h"
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

static void field_json(struct vg_jbuf *b, const struct vg_field_class *cl,
		       const struct vg_field_def *d)
{
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "name");
	vg_jb_cstr(b, d->name);
	VG_JB_KEY(b, "class");
	vg_jb_cstr(b, cl->name);
	VG_JB_KEY(b, "type");
	vg_jb_cstr(b, vg_ftype_name(d->type));
	VG_JB_KEY(b, "arg");
	vg_jb_cstr(b, arg_text(d->arg));
	VG_JB_KEY(b, "list");
	vg_jb_bool(b, d->flags & VG_FF_LIST);
	VG_JB_KEY(b, "live");
	vg_jb_bool(b, d->flags & VG_FF_LIVE);
	VG_JB_KEY(b, "desc");
	vg_jb_cstr(b, d->desc);
	vg_jb_obj_end(b);
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
	struct vg_jbuf b;
	struct vg_plugins *plugins = NULL;
	const char *config = NULL;
	int c, mode = 0, ret = 0;
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
	vg_jb_init(&b);
	if (mode == 1)
		vg_jb_arr_begin(&b);
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
				field_json(&b, cl, d);
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
		vg_jb_arr_end(&b);
		ret = vg_cli_json_print(&b, "fields");
	}
	vg_jb_free(&b);
	vg_plugins_free(plugins);
	return ret;
}
