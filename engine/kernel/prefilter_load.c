// SPDX-License-Identifier: Apache-2.0
#include "kernel/prefilter_load.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/pf_trie.h"
#include "kernel/probes.h"
#include "kernel/syscall_table.h"
#include "rules/prefilter_paths.h"

static bool disabled_by_env(void)
{
	const char *v = getenv(VG_PREFILTER_ENV_OFF);

	return v && *v && strcmp(v, "0") != 0;
}

/* The bits the fill gave each syscall's sets (vg_pf_trie_write); -1: none. */
struct pf_rows {
	int bit[VG_SC__MAX];  /* every open's set, looked up for write opens */
	int rbit[VG_SC__MAX]; /* the set of opens that do not write */
};

/* The column of an open's flags (vg_sc_conf.pf_oflags): 7 for creat, which has none. */
static __u8 oflags_col(enum vg_syscall id)
{
	const struct vg_sc_arg *a = vg_syscall_arg(vg_syscall_def(id), VG_AK_OFLAGS);

	return a && a->col < 6 ? a->col : 7;
}

void vg_prefilter_row(struct vg_sc_conf *c, enum vg_syscall id, int bit, int rbit,
		      const struct vg_prefilter *pf)
{
	c->prefilter = bit >= 0 ? (__u8)(bit + 1) : 0;
	/* the same set needs no second look-up bit */
	c->pf_read = rbit >= 0 && rbit != bit ? (__u8)(rbit + 1) : 0;
	/* pf_read 0 reads prefilter's set: unbounded reads leave the row unfiltered */
	if (rbit < 0)
		c->prefilter = 0;
	c->pf_oflags = oflags_col(id);
	c->pf_dotdot =
		(c->prefilter && pf->paths[id].dotdot) || (c->pf_read && pf->reads[id].dotdot);
}

/* Sets the prefilter bytes of every captured open-family row (rows NULL: all off). */
static int set_rows(int conf_fd, const struct pf_rows *rows, const struct vg_prefilter *pf)
{
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		struct vg_sc_conf c;
		__u32 nr = (__u32)vg_syscall_nr(id);

		if (!vg_prefilter_syscall(id) || (int)nr < 0)
			continue;
		if (bpf_map_lookup_elem(conf_fd, &nr, &c) != 0)
			return -errno;
		if (rows && c.id)
			vg_prefilter_row(&c, id, rows->bit[id], rows->rbit[id], pf);
		else
			vg_prefilter_row(&c, id, -1, -1, pf);
		if (bpf_map_update_elem(conf_fd, &nr, &c, BPF_ANY) != 0)
			return -errno;
	}
	return 0;
}

/*
 * The close row: drop the close of an fd whose open was dropped, when some
 * open is filtered and no rule can match a close (pf NULL: off).
 */
static int set_close_row(int conf_fd, const struct vg_prefilter *pf, const struct pf_rows *rows)
{
	__u32 nr = (__u32)vg_syscall_nr(VG_SC_close);
	bool any = false;
	struct vg_sc_conf c;

	if ((int)nr < 0)
		return 0;
	for (int id = 0; pf && id < VG_SC__MAX; id++)
		any |= vg_prefilter_syscall(id) && (rows->bit[id] >= 0 || rows->rbit[id] >= 0);
	if (bpf_map_lookup_elem(conf_fd, &nr, &c) != 0)
		return -errno;
	c.pf_closes = any && !pf->closes_watched && c.id;
	if (bpf_map_update_elem(conf_fd, &nr, &c, BPF_ANY) != 0)
		return -errno;
	return 0;
}

/* The union of the two rulesets' sets, per syscall. */
static void build_sets(const struct vg_ruleset *also, const struct vg_ruleset *next,
		       struct vg_prefilter *pf)
{
	struct vg_prefilter more;

	vg_prefilter_build(next, pf);
	if (!also)
		return;
	vg_prefilter_build(also, &more);
	pf->closes_watched |= more.closes_watched;
	for (int id = 0; id < VG_SC__MAX; id++) {
		if (!pf->why[id])
			pf->why[id] = more.why[id];
		if (!pf->why_read[id])
			pf->why_read[id] = more.why_read[id];
		vg_pathset_union(&pf->paths[id], &more.paths[id]);
		vg_pathset_union(&pf->reads[id], &more.reads[id]);
	}
	vg_prefilter_free(&more);
}

/* The last fill's state, for the start-up summary; said on stderr only once announce is set. */
static char summary[256] = "path prefilter off";
static bool announce;

const char *vg_prefilter_summary(void)
{
	return summary;
}

void vg_prefilter_announce(bool on)
{
	announce = on;
}

/* The rules that defeat the prefilter, or its write side, are worth a line of their own. */
static void report_why(const struct vg_prefilter *pf, const struct pf_rows *rows)
{
	for (int id = 0; id < VG_SC__MAX; id++) {
		if (!vg_prefilter_syscall(id))
			continue;
		if (pf->why_read[id])
			fprintf(stderr,
				"vigil: no path prefilter on %s: rule '%s' can match any path\n",
				vg_syscall_name(id), pf->why_read[id]);
		else if (pf->why[id] && rows->rbit[id] >= 0)
			fprintf(stderr,
				"vigil: path prefilter on %s for opens that do not write only: "
				"rule '%s' can match a write open of any path\n",
				vg_syscall_name(id), pf->why[id]);
	}
}

static void report(const struct vg_prefilter *pf, const struct pf_rows *rows, int entries)
{
	size_t used = 0;
	bool split = false;

	for (int id = 0; id < VG_SC__MAX; id++) {
		if (!vg_prefilter_syscall(id) || (rows->bit[id] < 0 && rows->rbit[id] < 0))
			continue;
		split |= rows->rbit[id] != rows->bit[id];
		if (used < sizeof(summary))
			used += (size_t)snprintf(summary + used, sizeof(summary) - used, "%s%s",
						 used ? ", " : "path prefilter on ",
						 vg_syscall_name(id));
	}
	if (used && used < sizeof(summary))
		snprintf(summary + used, sizeof(summary) - used,
			 ": %d paths, prefixes and base names%s", entries,
			 split ? " (some for write opens only)" : "");
	if (!used)
		snprintf(summary, sizeof(summary),
			 "path prefilter not used (no captured open names a path)");
	if (announce)
		fprintf(stderr, "vigil: %s\n", summary);
	report_why(pf, rows);
}

static int fill(int conf_fd, int trie_fd, const struct vg_ruleset *also,
		const struct vg_ruleset *next)
{
	struct pf_rows rows;
	struct vg_prefilter pf;
	int entries, err;

	build_sets(also, next, &pf);
	entries = vg_pf_trie_write(trie_fd, &pf, rows.bit, rows.rbit);
	err = entries < 0 ? entries : set_rows(conf_fd, &rows, &pf);
	err = err ?: set_close_row(conf_fd, &pf, &rows);
	if (!err)
		report(&pf, &rows, entries);
	vg_prefilter_free(&pf);
	return err;
}

int vg_prefilter_fill(struct vg_probes *p, const struct vg_ruleset *also,
		      const struct vg_ruleset *next)
{
	int conf_fd = vg_probes_syscall_map_fd(p, "syscall_conf");
	int trie_fd = vg_probes_syscall_map_fd(p, "path_filter");
	int err;

	if (conf_fd < 0 || trie_fd < 0)
		return -ENOENT;
	/* off first: while the trie is rewritten every open is sent */
	err = set_rows(conf_fd, NULL, NULL);
	err = err ?: set_close_row(conf_fd, NULL, NULL);
	err = err ?: vg_pf_trie_clear(trie_fd);
	if (err || !next)
		goto out;
	if (disabled_by_env()) {
		snprintf(summary, sizeof(summary), "path prefilter off (%s is set)",
			 VG_PREFILTER_ENV_OFF);
		if (announce)
			fprintf(stderr, "vigil: %s\n", summary);
		return 0;
	}
	err = fill(conf_fd, trie_fd, also, next);
	if (err) {
		set_rows(conf_fd, NULL, NULL);
		set_close_row(conf_fd, NULL, NULL);
		vg_pf_trie_clear(trie_fd);
	}
out:
	if (err || !next)
		snprintf(summary, sizeof(summary), "path prefilter off");
	if (err)
		fprintf(stderr, "vigil: the path prefilter is off: filling it failed: %s\n",
			strerror(-err));
	return err;
}
