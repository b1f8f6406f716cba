// SPDX-License-Identifier: Apache-2.0
/* `vigil features [--json]`: what this kernel allows, and the tier each hook gets. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/json_doc.h"
#include "kernel/features.h"
#include "kernel/host.h"
#include "kernel/libbpf_log.h"

static void print_table(const struct vg_features *f, const struct vg_hook_tier *tiers, int n)
{
	printf("%-18s %-4s %s\n", "FEATURE", "OK", "DETAIL");
	for (int i = 0; i < VG_FEAT__MAX; i++)
		printf("%-18s %-4s %s\n", vg_feature_name(i), f->r[i].ok ? "yes" : "no",
		       f->r[i].detail);
	printf("\n%-18s %-8s %s\n", "HOOK", "ROLE", "TIER");
	for (int i = 0; i < n; i++)
		printf("%-18s %-8s %s\n", tiers[i].hook, tiers[i].role, tiers[i].tier);
}

/* {"<feature>": {"ok", "detail"}, ...}: keyed by name, in the probe's order */
static void features_json(struct vg_jbuf *b, const struct vg_features *f)
{
	vg_jb_obj_begin(b);
	for (int i = 0; i < VG_FEAT__MAX; i++) {
		vg_jb_key(b, vg_feature_name(i));
		vg_jb_obj_begin(b);
		VG_JB_KEY(b, "ok");
		vg_jb_bool(b, f->r[i].ok);
		VG_JB_KEY(b, "detail");
		vg_jb_cstr(b, f->r[i].detail);
		vg_jb_obj_end(b);
	}
	vg_jb_obj_end(b);
}

static void hook_json(struct vg_jbuf *b, const struct vg_hook_tier *t)
{
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "hook");
	vg_jb_cstr(b, t->hook);
	VG_JB_KEY(b, "role");
	vg_jb_cstr(b, t->role);
	VG_JB_KEY(b, "tier");
	vg_jb_cstr(b, t->tier);
	vg_jb_obj_end(b);
}

static int print_json(const struct vg_features *f, const struct vg_hook_tier *tiers, int n)
{
	struct vg_jbuf b;

	vg_jb_init(&b);
	vg_jb_obj_begin(&b);
	VG_JB_KEY(&b, "features");
	features_json(&b, f);
	VG_JB_KEY(&b, "hooks");
	vg_jb_arr_begin(&b);
	for (int i = 0; i < n; i++)
		hook_json(&b, &tiers[i]);
	vg_jb_arr_end(&b);
	vg_jb_obj_end(&b);
	return vg_cli_json_print(&b, "features");
}

int vg_cmd_features(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct vg_hook_tier tiers[16];
	struct vg_features f;
	bool json = false;
	int c, n;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (c == 'j') {
			json = true;
		} else {
			fprintf(c == 'h' ? stdout : stderr, "usage: vigil features [--json]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (vg_host_check_privileges() != 0)
		return 1;
	vg_host_mount_pseudo_fs(true);
	vg_libbpf_log_init(false);
	vg_features_probe(&f);
	n = vg_features_hook_tiers(&f, tiers, 16);
	if (json)
		return print_json(&f, tiers, n);
	print_table(&f, tiers, n);
	return 0;
}
