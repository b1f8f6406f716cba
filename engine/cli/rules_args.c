// SPDX-License-Identifier: Apache-2.0
#include "cli/rules_args.h"

#include <getopt.h>
#include <stdlib.h>

#include "rules/loader.h"

int vg_rules_args_parse(struct vg_rules_args *a, int argc, char **argv, bool with_condition,
			void (*usage)(FILE *))
{
	struct option opts[] = {
		{"rules", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		/* from here on: `rules` only, cut where not taken */
		{"condition", no_argument, NULL, 'c'},
		{"catalogue", no_argument, NULL, 'C'},
		{"attack-matrix", no_argument, NULL, 'M'},
		{NULL, 0, NULL, 0},
	};
	int c;

	if (!with_condition)
		opts[3] = opts[6];

	*a = (struct vg_rules_args){.files = calloc((size_t)argc + 1, sizeof(*a->files))};
	if (!a->files)
		return 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': a->files[a->nfiles++] = optarg; break;
		case 'j': a->json = true; break;
		case 'c': a->condition = true; break;
		case 'C': a->catalogue = true; break;
		case 'M': a->matrix = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	while (optind < argc)
		a->files[a->nfiles++] = argv[optind++];
	if (a->catalogue && a->matrix) {
		fprintf(stderr, "vigil rules: --catalogue and --attack-matrix: choose one\n");
		return 2;
	}
	if (!a->nfiles) {
		usage(stderr);
		return 2;
	}
	return -1;
}

void vg_rules_args_free(struct vg_rules_args *a)
{
	free(a->files);
	a->files = NULL;
}

struct vg_ruleset *vg_rules_args_compile(const struct vg_rules_args *a)
{
	struct vg_ruleset *rs = vg_ruleset_new(NULL);

	if (!rs)
		return NULL;
	for (int i = 0; i < a->nfiles; i++)
		vg_ruleset_load_path(rs, a->files[i]);
	vg_ruleset_compile(rs);
	return rs;
}
