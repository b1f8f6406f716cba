// SPDX-License-Identifier: Apache-2.0
/*
 * Every field the conditions of Falco's rule files use (falco_rules.yaml,
 * falco-incubating_rules.yaml, falco-sandbox_rules.yaml) is one vigil
 * extracts: its registry entry is live, and for evt.arg.NAME, NAME is an
 * argument vigil renders for at least one of the rule's event types.
 *
 * The set is computed, not listed: each rule is compiled (macros inlined,
 * exceptions folded in), and every field its condition names is resolved
 * through the registry as the compiler does. container.* and k8s.* belong
 * to the container work, and so does proc.is_exe_upper_layer; they are
 * reported but not asserted here. A known gap would be listed in pending
 * below (empty now), and the test fails as soon as one of them becomes
 * live, so the list cannot go stale. Skips (77) without ../shared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fields/fields_util.h"
#include "fields/registry.h"
#include "rules/compile.h"
#include "kernel/evttypes.h"
#include "rules/loader.h"

static const char *const files[] = {
	"falco_rules.yaml",
	"falco-incubating_rules.yaml",
	"falco-sandbox_rules.yaml",
};

#define MAX_SEEN 512

struct seen {
	char *name[MAX_SEEN];
	size_t n;
	size_t not_live, other_owner, pending;
};

/*
 * Fields known not to be live yet, NULL-terminated: none today (fd.sip.name
 * and fd.cip.name became live with the rules' domain-name resolver).
 */
static const char *const pending[] = {NULL};

static bool is_pending(const char *field)
{
	for (size_t i = 0; pending[i]; i++)
		if (strcmp(field, pending[i]) == 0)
			return true;
	return false;
}

static bool other_owner(const char *field)
{
	return strncmp(field, "container.", 10) == 0 || strncmp(field, "k8s.", 4) == 0 ||
	       strcmp(field, "proc.is_exe_upper_layer") == 0;
}

static bool remember(struct seen *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->name[i], name) == 0)
			return false;
	assert_true(s->n < MAX_SEEN);
	s->name[s->n++] = strdup(name);
	return true;
}

/*
 * evt.arg.KEY: some event type of the rule has an argument KEY. Falco's
 * files also name arguments the rule's own event types lack (the drift
 * rules test evt.arg.filename on opens, where libsinsp has none either);
 * then some captured syscall must have it.
 */
static bool arg_known(const struct vg_rule *r, const char *key)
{
	const struct vg_evtset *types = vg_rule_evttypes(r);

	for (uint16_t c = 1; c < VG_EVT_COUNT; c++)
		if (vg_evtset_has(types, c) && vg_evttype_name(c) &&
		    vg_fx_evt_arg_known(vg_evttype_name(c), key))
			return true;
	for (uint16_t c = 1; c < VG_EVT_COUNT; c++)
		if (vg_evttype_name(c) && vg_fx_evt_arg_known(vg_evttype_name(c), key)) {
			printf("note: rule '%s' names evt.arg.%s, which its event types lack "
			       "(in Falco too)\n",
			       vg_rule_name(r), key);
			return true;
		}
	return false;
}

static void check_field(struct seen *s, const struct vg_rule *r, const char *name)
{
	const char *dotarg;
	const struct vg_field_def *d = vg_field_lookup(name, &dotarg);

	if (!d)
		fail_msg("rule '%s': '%s' is not a field", vg_rule_name(r), name);
	if (other_owner(d->name)) {
		s->other_owner += remember(s, name);
		return;
	}
	if (is_pending(d->name)) {
		if (d->flags & VG_FF_LIVE)
			fail_msg("%s is live now: take it off the pending list", d->name);
		s->pending += remember(s, name);
		return;
	}
	if (!(d->flags & VG_FF_LIVE) && remember(s, name)) {
		printf("NOT LIVE: %s (rule '%s')\n", name, vg_rule_name(r));
		s->not_live++;
		return;
	}
	if (dotarg && strcmp(d->name, "evt.arg") == 0 && !arg_known(r, dotarg)) {
		printf("NO ARGUMENT: %s for the event types of rule '%s'\n", name, vg_rule_name(r));
		s->not_live++;
	}
	remember(s, name);
}

/*
 * The compiled condition quotes every constant, so outside quotes a dotted
 * word is a field ("proc.aname[2]" keeps its argument in brackets).
 */
static void scan_condition(struct seen *s, const struct vg_rule *r, const char *c)
{
	char name[256];

	for (const char *p = c; *p;) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			p += *p == '"';
			continue;
		}
		if (!isalpha((unsigned char)*p)) {
			p++;
			continue;
		}
		size_t n = 0;
		bool dotted = false;

		while ((isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '.') && n < 200) {
			dotted |= p[n] == '.';
			n++;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		if (!dotted)
			continue;
		if (*p == '[') {
			const char *end = strchr(p, ']');

			if (end)
				p = end + 1; /* the argument is checked by the compiler already */
		}
		check_field(s, r, name);
	}
}

static void test_every_condition_field_is_live(void **state)
{
	struct vg_ruleset *rs = vg_ruleset_new(NULL);
	struct seen s = {.n = 0};
	char path[1024];

	(void)state;
	assert_non_null(rs);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", FALCO_RULES_DIR, files[i]);
		vg_ruleset_load_path(rs, path);
	}
	vg_ruleset_compile(rs);
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++) {
		const struct vg_rule *r = vg_ruleset_rule(rs, i);

		scan_condition(&s, r, vg_rule_condition(r));
	}
	printf("[ fields  ] %zu distinct condition fields in %zu rules; %zu are the container "
	       "work's; %zu pending; %zu not live\n",
	       s.n, vg_ruleset_rule_count(rs), s.other_owner, s.pending, s.not_live);
	/* the rule files use some 70 fields; far fewer means the scan went wrong */
	assert_true(s.n >= 60);
	assert_int_equal(s.not_live, 0);
	for (size_t i = 0; i < s.n; i++)
		free(s.name[i]);
	vg_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_condition_field_is_live),
	};
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", FALCO_RULES_DIR, files[0]);
	if (access(path, R_OK) != 0) {
		printf("SKIP: %s not found (Falco's rule files live in ../shared)\n", path);
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
