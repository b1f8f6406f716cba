// SPDX-License-Identifier: Apache-2.0
/*
 * Rules as the commands load them: the files, compiled, then the
 * configuration's say over them (rule_matching, priority, `rules:`
 * enable/disable selectors), the same way at start-up and on reload.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/falco_flags.h"
#include "cli/file_trust.h"
#include "config/config.h"
#include "alert/alert.h"
#include "rules/loader.h"
#include "rules/seq.h"

/* How long a load waits for the first answers of the domain-name resolver. */
#define FIRST_RESOLVE_WAIT_MS 2000

/* The first error as one line, for reload reports and metrics. */
static void first_error(const struct vg_ruleset *rs, char *err, size_t errlen)
{
	const struct vg_diag *d;
	size_t nd;
	FILE *f;

	if (!err || !errlen)
		return;
	err[0] = '\0';
	d = vg_ruleset_diags(rs, &nd);
	for (size_t i = 0; i < nd; i++) {
		if (d[i].level != VG_DIAG_ERROR)
			continue;
		f = fmemopen(err, errlen, "w");
		if (!f)
			return;
		vg_diag_print(f, &d[i]);
		fclose(f);
		err[strcspn(err, "\n")] = '\0';
		return;
	}
}

/*
 * Rules below the minimum priority are off whatever the selectors say (as
 * Falco does not load them); the selectors then apply in order over each
 * rule's own `enabled:`. Only the rules whose state changes are touched.
 */
static size_t apply_selection(struct vg_ruleset *rs, const struct vg_config *cfg)
{
	size_t changed = 0;

	for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++) {
		const struct vg_rule *r = vg_ruleset_rule(rs, i);
		size_t ntags = 0;
		const char *const *tags = vg_rule_tags(r, &ntags);
		bool want = vg_config_rule_enabled(cfg, vg_rule_name(r), (int)vg_rule_priority(r),
						   tags, ntags, vg_rule_enabled(r));

		/* Falco's -D/-T/-t after the config; the minimum priority still holds */
		want = vg_falco_rule_enabled(vg_rule_name(r), tags, ntags, want) &&
		       (int)vg_rule_priority(r) <= cfg->priority;

		if (want != vg_rule_enabled(r)) {
			vg_ruleset_enable(rs, vg_rule_name(r), want);
			changed++;
		}
	}
	return changed;
}

struct vg_ruleset *vg_cli_load_rules_cfg(const char *const *paths, int n,
					 const struct vg_config *cfg, char *err, size_t errlen)
{
	struct vg_ruleset_opts opts = {
		.match_all = cfg && cfg->rule_matching == VG_RULE_MATCHING_ALL,
		.append_output = vg_falco.append_output,
		/* borrowed while compiling only */
		.appends = cfg ? cfg->append_output : NULL,
		.nappends = cfg ? cfg->n_append_output : 0,
		.unsupported_fields = cfg ? (enum vg_unsupported_fields)cfg->unsupported_fields
					  : VG_UNSUPPORTED_ERROR,
		.seq_state_max_bytes = cfg ? cfg->sequence_state_max_bytes : 0,
	};
	struct vg_ruleset *rs = vg_ruleset_new(&opts);
	const struct vg_diag *d;
	size_t nd;

	if (err && errlen)
		err[0] = '\0';
	if (!rs) {
		fprintf(stderr, "vigil: out of memory for the rules\n");
		if (err)
			snprintf(err, errlen, "out of memory for the rules");
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		vg_file_trust_warn(paths[i]);
		vg_ruleset_load_path(rs, paths[i]);
	}
	if (vg_ruleset_error_count(rs) == 0)
		vg_ruleset_compile(rs);
	if (vg_ruleset_error_count(rs) == 0 && cfg)
		apply_selection(rs, cfg);
	d = vg_ruleset_diags(rs, &nd);
	for (size_t i = 0; i < nd; i++)
		vg_diag_print(stderr, &d[i]);
	if (vg_ruleset_error_count(rs)) {
		fprintf(stderr, "vigil: %zu error(s) in the rules\n", vg_ruleset_error_count(rs));
		first_error(rs, err, errlen);
		vg_ruleset_free(rs);
		return NULL;
	}
	/* run, reload and replay evaluate: the rules' domain names get resolved (fd.*ip.name) */
	vg_ruleset_start_background(rs, FIRST_RESOLVE_WAIT_MS);
	return rs;
}

struct vg_ruleset *vg_cli_load_rules(const char *const *paths, int n)
{
	return vg_cli_load_rules_cfg(paths, n, NULL, NULL, 0);
}

size_t vg_cli_rules_enabled(const struct vg_ruleset *rs)
{
	size_t n = 0;

	for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++)
		n += vg_rule_enabled(vg_ruleset_rule(rs, i)) &&
		     !vg_rule_seq_hidden(vg_ruleset_rule(rs, i)); /* counted with its sequence */
	return n;
}

void vg_cli_alert_format(const struct vg_config *cfg, struct vg_alert_format *f)
{
	f->include_output = cfg->json_include_output_property;
	f->include_tags = cfg->json_include_tags_property;
	f->include_message = cfg->json_include_message_property;
	f->include_output_fields = cfg->json_include_output_fields_property;
	f->time_iso8601 = cfg->time_format_iso_8601;
}
