// SPDX-License-Identifier: Apache-2.0
/* `vigil features [--json]`: what this kernel allows, and the tier each hook gets. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
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

static void print_json(const struct vg_features *f, const struct vg_hook_tier *tiers, int n)
{
	json_object *root = json_object_new_object(), *feats = json_object_new_object();
	json_object *hooks = json_object_new_array();

	for (int i = 0; i < VG_FEAT__MAX; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "ok", json_object_new_boolean(f->r[i].ok));
		json_object_object_add(o, "detail", json_object_new_string(f->r[i].detail));
		json_object_object_add(feats, vg_feature_name(i), o);
	}
	for (int i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "hook", json_object_new_string(tiers[i].hook));
		json_object_object_add(o, "role", json_object_new_string(tiers[i].role));
		json_object_object_add(o, "tier", json_object_new_string(tiers[i].tier));
		json_object_array_add(hooks, o);
	}
	json_object_object_add(root, "features", feats);
	json_object_object_add(root, "hooks", hooks);
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
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
		print_json(&f, tiers, n);
	else
		print_table(&f, tiers, n);
	return 0;
}
