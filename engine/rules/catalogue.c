// SPDX-License-Identifier: Apache-2.0
/*
 * The lists and macros a rule depends on (catalogue.h). The walk is over the
 * loader's items as written: a condition's words are matched against the
 * names of macros and lists (the last definition of a name wins, as when the
 * ruleset is compiled), and each macro found is walked in turn; list items
 * that name another list are followed too. A work queue, not recursion, so a
 * long chain of macros in a hostile file costs memory, not stack.
 */
#include "rules/catalogue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_internal.h"

struct walk {
	const struct vg_ruleset *rs;
	bool *seen;    /* nmacros flags, then nlists */
	size_t *queue; /* same numbering */
	size_t head, tail;
	vg_tunable_fn fn;
	void *arg;
};

static const char *rule_cond(const struct vg_ruleset *rs, const char *name)
{
	for (size_t i = rs->items.nritems; i-- > 0;)
		if (rs->items.ritems[i].name && !strcmp(rs->items.ritems[i].name, name))
			return rs->items.ritems[i].cond;
	return NULL;
}

static long find_macro(const struct vg_ruleset *rs, const char *w, size_t len)
{
	for (size_t i = rs->items.nmacros; i-- > 0;) {
		const char *n = rs->items.macros[i].name;
		if (n && strlen(n) == len && !memcmp(n, w, len))
			return (long)i;
	}
	return -1;
}

static long find_list(const struct vg_ruleset *rs, const char *w, size_t len)
{
	for (size_t i = rs->items.nlists; i-- > 0;) {
		const char *n = rs->items.lists[i].name;
		if (n && strlen(n) == len && !memcmp(n, w, len))
			return (long)i;
	}
	return -1;
}

/* Marks item k (macro index, or nmacros + list index) reached, once. */
static void reach(struct walk *w, size_t k)
{
	const struct vg_ruleset *rs = w->rs;

	if (w->seen[k])
		return;
	w->seen[k] = true;
	w->queue[w->tail++] = k;
	if (k < rs->items.nmacros)
		w->fn(rs->items.macros[k].name, false, w->arg);
	else
		w->fn(rs->items.lists[k - rs->items.nmacros].name, true, w->arg);
}

static void word(struct walk *w, const char *s, size_t len)
{
	long i = find_macro(w->rs, s, len);

	if (i >= 0)
		reach(w, (size_t)i);
	if ((i = find_list(w->rs, s, len)) >= 0)
		reach(w, w->rs->items.nmacros + (size_t)i);
}

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-' || c == '/' || c == ':';
}

/* The words of a condition outside quoted strings. */
static void scan(struct walk *w, const char *s)
{
	while (s && *s) {
		if (*s == '"' || *s == '\'') {
			char q = *s++;
			while (*s && *s != q)
				s += (*s == '\\' && s[1]) ? 2 : 1;
			if (*s)
				s++;
		} else if (word_char(*s)) {
			const char *b = s;
			while (word_char(*s))
				s++;
			word(w, b, (size_t)(s - b));
		} else {
			s++;
		}
	}
}

int vg_rule_tunables(const struct vg_ruleset *rs, const struct vg_rule *r, vg_tunable_fn fn,
		     void *arg)
{
	size_t n = rs->items.nmacros + rs->items.nlists;
	struct walk w = {.rs = rs, .fn = fn, .arg = arg};

	w.seen = calloc(n + 1, sizeof(*w.seen));
	w.queue = calloc(n + 1, sizeof(*w.queue));
	if (!w.seen || !w.queue) {
		free(w.seen);
		free(w.queue);
		return -ENOMEM;
	}
	scan(&w, rule_cond(rs, vg_rule_name(r)));
	while (w.head < w.tail) {
		size_t k = w.queue[w.head++];

		if (k < rs->items.nmacros) {
			scan(&w, rs->items.macros[k].cond);
			continue;
		}
		const struct vg_list_item *l = &rs->items.lists[k - rs->items.nmacros];
		for (size_t i = 0; i < l->n; i++) {
			long j = l->quoted && l->quoted[i]
					 ? -1
					 : find_list(rs, l->items[i], strlen(l->items[i]));
			if (j >= 0)
				reach(&w, rs->items.nmacros + (size_t)j);
		}
	}
	free(w.seen);
	free(w.queue);
	return 0;
}
