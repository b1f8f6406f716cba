// SPDX-License-Identifier: Apache-2.0
/*
 * A rule's output as Falco builds it: append_output entries (matched by
 * source, rule and tags), the container plugin's suggested fields and -p
 * appended to the rule's text, then extra_fields and the output_fields
 * key order. Apart because it is about the alert's text and keys, not
 * the condition.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/compile_ctx.h"

/* The fields Falco's container plugin marks as suggested output, in its order. */
static const char *const suggested_fields[] = {
	"container.id",	       "container.name", "container.image.repository",
	"container.image.tag", "k8s.pod.name",	 "k8s.ns.name",
};

static bool rule_has_tag(const struct vg_rule *r, const char *tag)
{
	for (size_t i = 0; i < r->ntags; i++)
		if (strcmp(r->tags[i], tag) == 0)
			return true;
	return false;
}

/* Falco's append_output match: every condition given holds (none given: every rule). */
static bool append_matches(const struct vg_append_output *a, const struct vg_rule *r)
{
	if (a->source && strcmp(a->source, r->source) != 0)
		return false;
	if (a->rule && strcmp(a->rule, r->name) != 0)
		return false;
	for (size_t i = 0; i < a->ntags; i++)
		if (!rule_has_tag(r, a->tags[i]))
			return false;
	return true;
}

/* " container_id=%container.id ...": Falco's suggested output, field dots as underscores. */
static void put_suggested(struct vg_sb *b)
{
	for (size_t i = 0; i < sizeof(suggested_fields) / sizeof(suggested_fields[0]); i++) {
		vg_sb_putc(b, ' ');
		for (const char *p = suggested_fields[i]; *p; p++)
			vg_sb_putc(b, *p == '.' ? '_' : *p);
		vg_sb_printf(b, "=%%%s", suggested_fields[i]);
	}
}

/*
 * The output line as Falco builds it: the rule's own text (a folded YAML
 * output's trailing newline dropped), then each matching append_output
 * entry's extra_output, the suggested fields (once, for syscall rules), and
 * -p last, each after one space. *own is the length of the rule's own text,
 * so that an error past it can be blamed on what was appended.
 */
bool vg_rule_append_output(const struct vg_ruleset *rs, struct vg_rule *r, size_t *own)
{
	struct vg_sb b = {0};
	bool suggested = false, changed = false;
	size_t len = strlen(r->output);
	char *s;

	*own = len;
	for (size_t i = 0; i < rs->opts.nappends; i++) {
		const struct vg_append_output *a = &rs->opts.appends[i];

		if (append_matches(a, r) && (a->extra_output || a->suggested_output))
			changed = true;
	}
	if (!changed && (!rs->opts.append_output || !*rs->opts.append_output))
		return true;
	while (len > 0 && strchr(" \t\r\n", r->output[len - 1]))
		len--;
	*own = len;
	vg_sb_printf(&b, "%.*s", (int)len, r->output);
	for (size_t i = 0; i < rs->opts.nappends; i++) {
		const struct vg_append_output *a = &rs->opts.appends[i];

		if (!append_matches(a, r))
			continue;
		if (a->extra_output && *a->extra_output)
			vg_sb_printf(&b, " %s", a->extra_output);
		suggested |= a->suggested_output && strcmp(r->source, "syscall") == 0;
	}
	if (suggested)
		put_suggested(&b);
	if (rs->opts.append_output && *rs->opts.append_output)
		vg_sb_printf(&b, " %s", rs->opts.append_output);
	s = vg_sb_take(&b);
	if (!s)
		return false;
	free(r->output);
	r->output = s;
	return true;
}

/* One extra field of append_output compiled into r->xf; false with err set when it fails. */
static bool add_xfield(struct vg_ruleset *rs, struct vg_rule *r, const struct vg_append_field *f,
		       const char **code, char *err, size_t errlen)
{
	struct vg_xfield *x = realloc(r->xf, (r->nxf + 1) * sizeof(*x));
	char *fmt = NULL;
	size_t epos = 0;
	bool ok;

	if (!x)
		return false;
	r->xf = x;
	x = &r->xf[r->nxf];
	memset(x, 0, sizeof(*x));
	x->plain = f->format == NULL;
	if (x->plain && asprintf(&fmt, "%%%s", f->key) < 0)
		return false;
	x->key = strdup(f->key);
	rs->in_output = true;
	ok = x->key &&
	     vg_ofmt_compile(rs, x->plain ? fmt : f->format, &x->fmt, code, err, errlen, &epos);
	rs->in_output = false;
	free(fmt);
	if (ok && x->plain && (x->fmt.n != 1 || x->fmt.segs[0].lit)) {
		*code = "E-OUTPUT";
		snprintf(err, errlen, "'%s' is not one field: give it as 'name: format'", f->key);
		vg_ofmt_free(&x->fmt);
		ok = false;
	}
	if (!ok) {
		free(x->key);
		return false;
	}
	r->nxf++;
	return true;
}

static int okey_cmp(const void *pa, const void *pb)
{
	const struct vg_okey *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	if (c)
		return c;
	if (a->extra != b->extra)
		return a->extra ? 1 : -1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/*
 * output_fields in Falco's order: its JSON object keeps keys sorted, each
 * once; an extra field of append_output wins over the format's field of the
 * same name, as the one Falco sets last.
 */
static bool build_okeys(struct vg_rule *r)
{
	size_t n = 0, w = 0;

	r->okeys = calloc(r->ofmt.n + r->nxf + 1, sizeof(*r->okeys));
	if (!r->okeys)
		return false;
	for (size_t i = 0; i < r->ofmt.n; i++)
		if (!r->ofmt.segs[i].lit && !r->ofmt.segs[i].repeat)
			r->okeys[n++] =
				(struct vg_okey){r->ofmt.segs[i].ex->text, (uint32_t)i, false};
	for (size_t i = 0; i < r->nxf; i++)
		r->okeys[n++] = (struct vg_okey){r->xf[i].key, (uint32_t)i, true};
	qsort(r->okeys, n, sizeof(*r->okeys), okey_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && strcmp(r->okeys[i].key, r->okeys[i + 1].key) == 0)
			continue; /* the last of equal keys stays */
		r->okeys[w++] = r->okeys[i];
	}
	r->nokeys = w;
	return true;
}

/* append_output's extra_fields for r, then its output_fields order. */
bool vg_rule_compile_extras(struct vg_ruleset *rs, struct vg_rule *r, struct vg_rule_item *it)
{
	const char *code = "E-OUTPUT";
	char err[300] = "";

	for (size_t i = 0; i < rs->opts.nappends; i++) {
		const struct vg_append_output *a = &rs->opts.appends[i];

		if (!append_matches(a, r))
			continue;
		for (size_t k = 0; k < a->nfields; k++) {
			const char *file;
			int line, col;

			if (add_xfield(rs, r, &a->fields[k], &code, err, sizeof(err)))
				continue;
			vg_scalar_linecol(&it->output_loc, &file, &line, &col);
			vg_diag_add(&rs->diags, VG_DIAG_ERROR, code, file, line, col, NULL,
				    "append_output extra_fields '%s': %s", a->fields[k].key,
				    err[0] ? err : "out of memory");
			return false;
		}
	}
	return build_okeys(r);
}
