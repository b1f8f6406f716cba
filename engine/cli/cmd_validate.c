// SPDX-License-Identifier: Apache-2.0
/*
 * vigil validate: loads and compiles rules files the way the engine does
 * at start-up and reports every diagnostic with its position, then a
 * summary. Exit status: 0 when there is no error, 1 otherwise, 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/json_doc.h"
#include "cli/rules_args.h"
#include "config/config.h"
#include "plugin/plugin.h"
#include "enforce/policy.h"
#include "rules/loader.h"
#include "rules/seq.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigil validate [-c CONFIG [-o key=value]...] -r FILE [-r FILE...] "
		"[--json] [--unsupported-fields=warn]\n"
		"  -r, --rules FILE  a rules file or a directory of them (repeatable)\n"
		"  -c, --config FILE check a config file (vigil.yaml or Falco's falco.yaml) and\n"
		"                    the files its config_files names; without -r, its\n"
		"                    rules_files are the rules checked\n"
		"  -o key=value      a config override, as for run\n"
		"      --json        print a JSON report\n"
		"      --unsupported-fields=warn\n"
		"                    a field vigil does not extract is a warning naming the\n"
		"                    rule, not an error (the config key unsupported_fields)\n");
}

static void diag_json(struct vg_jbuf *b, const struct vg_diag *d)
{
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "code");
	vg_jb_cstr(b, d->code);
	VG_JB_KEY(b, "file");
	vg_jb_cstr(b, d->file);
	VG_JB_KEY(b, "line");
	vg_jb_i64(b, d->line);
	VG_JB_KEY(b, "column");
	vg_jb_i64(b, d->col);
	VG_JB_KEY(b, "item_type");
	vg_jb_cstr(b, d->item_kind);
	VG_JB_KEY(b, "item_name");
	vg_jb_cstr(b, d->item);
	VG_JB_KEY(b, "message");
	vg_jb_cstr(b, d->msg ? d->msg : "");
	vg_jb_obj_end(b);
}

/* The errors, or else the warnings, in the order the loader found them. */
static void diags_json(struct vg_jbuf *b, const struct vg_ruleset *rs, bool errors)
{
	const struct vg_diag *d;
	size_t n;

	d = vg_ruleset_diags(rs, &n);
	vg_jb_arr_begin(b);
	for (size_t i = 0; i < n; i++)
		if ((d[i].level == VG_DIAG_ERROR) == errors)
			diag_json(b, &d[i]);
	vg_jb_arr_end(b);
}

static void skipped_json(struct vg_jbuf *b, const struct vg_ruleset *rs)
{
	const char *name, *reason;

	vg_jb_arr_begin(b);
	for (size_t i = 0; vg_ruleset_skipped_rule(rs, i, &name, &reason); i++) {
		vg_jb_obj_begin(b);
		VG_JB_KEY(b, "rule");
		vg_jb_cstr(b, name);
		VG_JB_KEY(b, "reason");
		vg_jb_cstr(b, reason);
		vg_jb_obj_end(b);
	}
	vg_jb_arr_end(b);
}

static void summary_json(struct vg_jbuf *b, const struct vg_ruleset *rs)
{
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "rules");
	vg_jb_u64(b, vg_ruleset_visible_count(rs));
	VG_JB_KEY(b, "enabled");
	vg_jb_u64(b, vg_cli_rules_enabled(rs));
	VG_JB_KEY(b, "skipped");
	vg_jb_u64(b, vg_ruleset_skipped(rs));
	VG_JB_KEY(b, "macros");
	vg_jb_u64(b, vg_ruleset_macro_count(rs));
	VG_JB_KEY(b, "lists");
	vg_jb_u64(b, vg_ruleset_list_count(rs));
	VG_JB_KEY(b, "errors");
	vg_jb_u64(b, vg_ruleset_error_count(rs));
	VG_JB_KEY(b, "warnings");
	vg_jb_u64(b, vg_ruleset_warning_count(rs));
	vg_jb_obj_end(b);
}

static int print_json(const struct vg_ruleset *rs, char **files, int nfiles)
{
	struct vg_jbuf b;

	vg_jb_init(&b);
	vg_jb_obj_begin(&b);
	VG_JB_KEY(&b, "files");
	vg_jb_arr_begin(&b);
	for (int i = 0; i < nfiles; i++)
		vg_jb_cstr(&b, files[i]);
	vg_jb_arr_end(&b);
	VG_JB_KEY(&b, "successful");
	vg_jb_bool(&b, vg_ruleset_error_count(rs) == 0);
	VG_JB_KEY(&b, "errors");
	diags_json(&b, rs, true);
	VG_JB_KEY(&b, "warnings");
	diags_json(&b, rs, false);
	VG_JB_KEY(&b, "skipped_rules");
	skipped_json(&b, rs);
	VG_JB_KEY(&b, "summary");
	summary_json(&b, rs);
	vg_jb_obj_end(&b);
	return vg_cli_json_print(&b, "validate");
}

/* How close the rules come to the expansion bounds (docs/rules.md, "Limits"). */
static void print_expansion(const struct vg_ruleset *rs)
{
	struct vg_expansion x;

	vg_ruleset_expansion(rs, &x);
	printf("expanded: largest condition %llu nodes (limit %u), all %llu (limit %u), "
	       "height %u (limit %d), macro nesting %u (limit %d), list items copied %llu "
	       "(limit %u)\n",
	       (unsigned long long)x.largest, VG_MAX_EXPANDED_NODES, (unsigned long long)x.total,
	       VG_MAX_RULESET_NODES, x.height, VG_MAX_EXPANDED_HEIGHT, x.nesting,
	       VG_MAX_MACRO_NESTING, (unsigned long long)x.list_items, VG_MAX_RULESET_ITEMS);
}

static void print_text(const struct vg_ruleset *rs)
{
	const struct vg_diag *d;
	const char *name, *reason;
	size_t n, enabled = 0;

	d = vg_ruleset_diags(rs, &n);
	for (size_t i = 0; i < n; i++)
		vg_diag_print(stderr, &d[i]);
	for (size_t i = 0; vg_ruleset_skipped_rule(rs, i, &name, &reason); i++)
		printf("skipped rule '%s': %s\n", name, reason);
	enabled = vg_cli_rules_enabled(rs);
	printf("%zu rules loaded (%zu enabled), %zu skipped; %zu macros, %zu lists; "
	       "%zu errors, %zu warnings\n",
	       vg_ruleset_visible_count(rs), enabled, vg_ruleset_skipped(rs),
	       vg_ruleset_macro_count(rs), vg_ruleset_list_count(rs), vg_ruleset_error_count(rs),
	       vg_ruleset_warning_count(rs));
	print_expansion(rs);
}

/* Rules with an action must also compile for the kernel, as `vigil run` will. */
static int validate_enforcement(const struct vg_ruleset *rs, bool json)
{
	struct vg_enf_policy *p = NULL;
	int nerr = vg_enf_policy_build_host(rs, VG_ENF_MODE_ON, false, &p, stderr);

	if (!json && p && p->nrules)
		printf("%zu enforcing rules compile for the kernel\n", p->nrules);
	vg_enf_policy_free(p);
	return nerr;
}

/* -c/--config and -o are taken out of argv here; the rest is the rules' command line. */
struct cfg_args {
	const char *path;
	char **overrides;
	size_t n;
	struct vg_config cfg;
	struct vg_plugins *plugins; /* load_plugins: their sources and fields, for the rules */
	bool loaded;
};

static int take_config_args(int *argc, char **argv, struct cfg_args *c)
{
	int k = 1;

	c->overrides = calloc((size_t)*argc + 1, sizeof(char *));
	if (!c->overrides)
		return -1;
	for (int i = 1; i < *argc; i++) {
		bool cfg = !strcmp(argv[i], "-c") || !strcmp(argv[i], "--config");

		if ((cfg || !strcmp(argv[i], "-o")) && i + 1 < *argc) {
			if (cfg)
				c->path = argv[++i];
			else
				c->overrides[c->n++] = argv[++i];
		} else if (!strncmp(argv[i], "--config=", 9)) {
			c->path = argv[i] + 9;
		} else {
			argv[k++] = argv[i];
		}
	}
	*argc = k;
	argv[k] = NULL;
	return 0;
}

/*
 * The config as run loads it: errors with file:line:column, a warning per
 * key without effect. Without -r, its rules_files become the rules checked.
 */
static int check_config(struct cfg_args *c, int *argc, char ***argv)
{
	struct vg_config_err err;
	char **av;

	if (vg_config_load(&c->cfg, c->path, c->overrides, c->n, &err) != 0) {
		fprintf(stderr, "vigil validate: %s\n", err.text);
		return 1;
	}
	c->loaded = true;
	vg_config_print_warnings(&c->cfg, stderr);
	/* as run loads them: rules of a plugin's source check against its fields */
	if (vg_cli_load_plugins(&c->cfg, &c->plugins) != 0)
		return 1;
	/* on stderr beside the warnings: --json keeps stdout for the report */
	fprintf(stderr, "vigil validate: config %s: loaded, %zu keys set without effect in vigil\n",
		c->path, c->cfg.n_warnings);
	for (int i = 1; i < *argc; i++)
		if (!strcmp((*argv)[i], "-r") || !strcmp((*argv)[i], "--rules") ||
		    (*argv)[i][0] != '-')
			return -1;
	av = calloc((size_t)*argc + 2 * c->cfg.n_rules_files + 1, sizeof(*av));
	if (!av)
		return 1;
	memcpy(av, *argv, (size_t)*argc * sizeof(*av));
	for (size_t i = 0; i < c->cfg.n_rules_files; i++) {
		av[(*argc)++] = "-r";
		av[(*argc)++] = c->cfg.rules_files[i];
	}
	*argv = av;
	return -1;
}

static int validate_rules(struct vg_rules_args *a);

int vg_cmd_validate(int argc, char **argv)
{
	struct vg_rules_args a;
	struct cfg_args c = {0};
	char **av = argv;
	int ret;

	if (take_config_args(&argc, argv, &c) != 0)
		return 1;
	if (c.path && (ret = check_config(&c, &argc, &av)) >= 0)
		goto out;
	ret = vg_rules_args_parse(&a, argc, av, false, usage);
	if (ret >= 0) {
		vg_rules_args_free(&a);
		goto out;
	}
	ret = validate_rules(&a);
out:
	if (av != argv)
		free(av);
	if (c.loaded)
		vg_config_free(&c.cfg);
	vg_plugins_free(c.plugins);
	free(c.overrides);
	return ret;
}

static int validate_rules(struct vg_rules_args *a)
{
	struct vg_ruleset *rs;
	int ret, out = 0;

	if (!(rs = vg_rules_args_compile(a))) {
		fprintf(stderr, "vigil validate: out of memory\n");
		vg_rules_args_free(a);
		return 1;
	}
	if (a->json)
		out = print_json(rs, a->files, a->nfiles);
	else
		print_text(rs);
	ret = out || vg_ruleset_error_count(rs) ? 1 : 0;
	if (!ret)
		ret = validate_enforcement(rs, a->json) ? 1 : 0;
	vg_ruleset_free(rs);
	vg_rules_args_free(a);
	return ret;
}
