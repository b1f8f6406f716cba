/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Falco's command-line flags on the vigil binary, so that unit files and
 * scripts written for `falco ...` work with `vigil ...`. Flags Falco and
 * vigil share (-r, -c, -o, -v) pass through to `vigil run` unchanged; the
 * others are handled here or set what `vigil run` reads from vg_falco.
 */
#ifndef VIGIL_CLI_FALCO_FLAGS_H
#define VIGIL_CLI_FALCO_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define VG_FALCO_MAX_SEL 64

/* What the Falco flags ask of `vigil run` and of every rules load. */
struct vg_falco_run {
	bool dry_run;				   /* --dry-run: load and set up, do not capture */
	unsigned duration;			   /* -M SECONDS: stop after this long (0: never) */
	const char *disable_sub[VG_FALCO_MAX_SEL]; /* -D: name contains */
	const char *disable_tag[VG_FALCO_MAX_SEL]; /* -T */
	const char *enable_tag[VG_FALCO_MAX_SEL];  /* -t: only these stay on */
	size_t ndisable_sub, ndisable_tag, nenable_tag;
	const char *append_output; /* -p: appended to every rule's output */
};

extern struct vg_falco_run vg_falco;

/*
 * The top-level entry when argv[1] is a flag: handles Falco's flags, then
 * runs `vigil run` with the rest. usage prints vigil's command list.
 */
int vg_falco_main(int argc, char **argv, void (*usage)(FILE *));

/* --support: versions, uname, the config and rules files with their SHA-256, as JSON. */
int vg_falco_support(const char *version, const char *config_path, const char *const *rules,
		     int nrules);

/* A rule's state after -D, -T and -t, in Falco's order, from the config's want. */
bool vg_falco_rule_enabled(const char *name, const char *const *tags, size_t ntags, bool want);

#endif
