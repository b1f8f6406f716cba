// SPDX-License-Identifier: Apache-2.0
/*
 * Text maps: a condition is glued from several YAML scalars (append,
 * exceptions), so an offset in the glued text maps back through its
 * segments to file:line:column, following block and quoted scalars the
 * way libyaml read them. Apart because the loader builds the maps and the
 * compiler reads them, and neither needs the other's code for it.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/lexer.h"
#include "rules/rules_internal.h"

/* ---- text maps: offsets in (glued) condition text -> file:line:col ---- */

bool vg_textmap_add(struct vg_textmap *m, size_t off, const struct vg_scalar_loc *loc)
{
	if (!vg_grow(&m->segs, &m->cap, m->n + 1, sizeof(*m->segs)))
		return false;
	m->segs[m->n].off = off;
	m->segs[m->n].loc = *loc;
	m->n++;
	return true;
}

void vg_textmap_free(struct vg_textmap *m)
{
	free(m->segs);
	memset(m, 0, sizeof(*m));
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void file_linecol(const struct vg_srcfile *f, size_t pos, int *line, int *col)
{
	vg_lex_linecol(f->text, f->len, pos, line, col);
}

void vg_scalar_linecol(const struct vg_scalar_loc *l, const char **file, int *line, int *col)
{
	*file = l->file ? l->file->path : NULL;
	*line = l->line;
	*col = l->col;
}

/*
 * YAML folds and indents scalars, so an offset in the value is mapped by
 * counting non-blank characters: the k-th non-blank character of the value
 * is the k-th non-blank character of the scalar's source text.
 */
void vg_textmap_loc(const struct vg_textmap *m, size_t off, const char *text, const char **file,
		    int *line, int *col)
{
	const struct vg_textseg *seg = NULL;
	const struct vg_srcfile *f;
	size_t k = 0, pos, end, last = SIZE_MAX;

	for (size_t i = 0; i < m->n; i++)
		if (m->segs[i].off <= off)
			seg = &m->segs[i];
	if (!seg) {
		*file = NULL;
		*line = *col = 0;
		return;
	}
	vg_scalar_linecol(&seg->loc, file, line, col);
	f = seg->loc.file;
	if (seg->loc.fixed || !f || !text)
		return;
	for (size_t i = seg->off; i < off && text[i]; i++)
		k += !blank(text[i]);
	pos = seg->loc.start;
	end = seg->loc.end < f->len ? seg->loc.end : f->len;
	if (seg->loc.block) {
		while (pos < end && f->text[pos] != '\n')
			pos++;
	} else if (seg->loc.quoted) {
		pos++;
	}
	for (; pos < end; pos++) {
		if (blank(f->text[pos]))
			continue;
		if (k == 0)
			break;
		k--;
		last = pos;
	}
	/* past the last character (e.g. "expected ')'"): just after it */
	if (pos >= end && last != SIZE_MAX)
		pos = last + 1;
	if (pos > f->len)
		pos = f->len;
	file_linecol(f, pos, line, col);
}
