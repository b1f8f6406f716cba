// SPDX-License-Identifier: Apache-2.0
/*
 * Reading values: errors at file:line:column, scalars, booleans, numbers
 * with their ranges, sizes, modes, priorities, and lists and maps (rules
 * selectors, headers, drop actions). Apart because every section uses
 * them and they know nothing of any one key.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_table.h"
#include "config/number.h"

/* --- errors --------------------------------------------------------------- */

static void verr(struct vg_cfg_loader *ld, unsigned line, unsigned col, const char *fmt, va_list ap)
{
	struct vg_config_err *e = ld->err;

	if (!e)
		return;
	snprintf(e->file, sizeof(e->file), "%s", ld->file);
	e->line = line;
	e->column = col;
	snprintf(e->key, sizeof(e->key), "%s", ld->path);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	if (line && e->key[0])
		snprintf(e->text, sizeof(e->text), "%s:%u:%u: %s: %s", e->file, line, col, e->key,
			 e->msg);
	else if (line)
		snprintf(e->text, sizeof(e->text), "%s:%u:%u: %s", e->file, line, col, e->msg);
	else if (e->key[0])
		snprintf(e->text, sizeof(e->text), "%s: %s: %s", e->file, e->key, e->msg);
	else
		snprintf(e->text, sizeof(e->text), "%s: %s", e->file, e->msg);
}

int vg_cfg_fail_at(struct vg_cfg_loader *ld, yaml_mark_t mark, const char *fmt, ...)
{
	va_list ap;
	unsigned line = (unsigned)mark.line + ld->line_base;
	unsigned col = (unsigned)mark.column + 1 + (mark.line == 0 ? ld->col_base : 0);

	if (ld->col_base && mark.index >= ld->value_len) {
		/* libyaml places "unexpected end" on a line after the value: say its end */
		line = 1;
		col = ld->col_base + (unsigned)ld->value_len + 1;
	}
	va_start(ap, fmt);
	verr(ld, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int vg_cfg_fail_node(struct vg_cfg_loader *ld, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	unsigned line = (unsigned)n->start_mark.line + ld->line_base;
	unsigned col =
		(unsigned)n->start_mark.column + 1 + (n->start_mark.line == 0 ? ld->col_base : 0);

	va_start(ap, fmt);
	verr(ld, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int vg_cfg_fail_plain(struct vg_cfg_loader *ld, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(ld, 0, 0, fmt, ap);
	va_end(ap);
	return -1;
}

/* --- scalars -------------------------------------------------------------- */

const char *vg_cfg_scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

bool vg_cfg_is_null(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = vg_cfg_scalar(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

const char *vg_cfg_node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE: return "a mapping";
	case YAML_SEQUENCE_NODE: return "a list";
	default: return vg_cfg_is_null(n) ? "nothing (null)" : "a scalar";
	}
}

int vg_cfg_want_scalar(struct vg_cfg_loader *ld, const yaml_node_t *n, const char *what)
{
	if (n->type == YAML_SCALAR_NODE && !vg_cfg_is_null(n))
		return 0;
	return vg_cfg_fail_node(ld, n, "expected %s, got %s", what, vg_cfg_node_kind(n));
}

int vg_cfg_parse_bool(struct vg_cfg_loader *ld, const yaml_node_t *n, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", NULL};
	static const char *const no[] = {"false", "no", "off", NULL};
	const char *s;

	if (vg_cfg_want_scalar(ld, n, "true or false"))
		return -1;
	s = vg_cfg_scalar(n);
	for (int i = 0; yes[i]; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return vg_cfg_fail_node(ld, n, "expected true or false, got '%s'", s);
}

/* --- numbers ------------------------------------------------------------- */

/*
 * The bounds of every numeric key, by key path (fnmatch), in one place
 * (docs/operations.md has the same table). A key not listed gets its
 * type's range. Every number goes through vg_num_parse (config/number.h):
 * no sign, exponent, hex or trailing text; out of range says the range.
 */
struct key_range {
	const char *path;
	struct vg_num_range r;
	struct vg_num_drange d;
};

#define NUM(p, lo, hi)                                                                             \
	{                                                                                          \
		p, .r = { lo, hi, false }                                                          \
	}
#define SIZE(p, lo, hi)                                                                            \
	{                                                                                          \
		p, .r = { lo, hi, true }                                                           \
	}
#define FRAC(p, lo, hi, open)                                                                      \
	{                                                                                          \
		p, .d = { lo, hi, open }                                                           \
	}

static const struct key_range ranges[] = {
	SIZE("ring_buffer_size", 4096, 1ull << 30),
	NUM("process_table_size", 0, 4194304),
	NUM("outputs_queue.capacity", 0, 10000000),
	NUM("webserver.listen_port", 0, 65535),
	NUM("engine.*.buf_size_preset", 1, 10),
	NUM("*_output.queue_size", 0, 10000000),
	NUM("*_output.retry_initial_ms", 1, 3600000),
	NUM("*_output.retry_max_ms", 1, 86400000),
	NUM("*_output.max_retries", 0, 1000000),
	NUM("*_output.timeout_ms", 1, 3600000),
	SIZE("file_output.max_size", 0, 1ull << 40),
	NUM("file_output.keep", 0, 1000),
	NUM("syslog_output.port", 1, 65535),
	NUM("http_output.batch_max", 1, 10000),
	NUM("rate_limit.summary_interval", 0, 86400),
	NUM("rate_limit.max_keys", 1, 10000000),
	SIZE("*_output.queue_max_bytes", 0, 16ull << 30),
	FRAC("rate_limit.rate", 0, 1e9, true),
	FRAC("rate_limit.burst", 1, 1e9, false),
};

static const struct key_range *range_of(const struct vg_cfg_loader *ld)
{
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (!fnmatch(ranges[i].path, ld->path, 0))
			return &ranges[i];
	return NULL;
}

/* A whole number (or a size) within the key's range, or its type's range. */
int vg_cfg_parse_number(struct vg_cfg_loader *ld, const yaml_node_t *n, struct vg_num_range dflt,
			uint64_t *out)
{
	const struct key_range *kr = range_of(ld);
	char err[160];

	if (vg_cfg_want_scalar(ld, n, dflt.size ? "a size" : "a number"))
		return -1;
	if (vg_num_parse(vg_cfg_scalar(n), kr ? &kr->r : &dflt, out, err, sizeof(err)))
		return vg_cfg_fail_node(ld, n, "%s", err);
	return 0;
}

/* "0600": a leading 0 and three octal digits, nothing else. */
int vg_cfg_parse_mode(struct vg_cfg_loader *ld, const yaml_node_t *n, uint32_t *out)
{
	const char *s;

	if (vg_cfg_want_scalar(ld, n, "an octal mode"))
		return -1;
	s = vg_cfg_scalar(n);
	if (strlen(s) != 4 || s[0] != '0' || strspn(s + 1, "01234567") != 3)
		return vg_cfg_fail_node(
			ld, n,
			"expected an octal mode with a leading 0 (0600, 0640, 0620 or "
			"0660), got '%s'",
			s);
	*out = (uint32_t)strtoul(s, NULL, 8);
	return 0;
}

int vg_cfg_parse_u64(struct vg_cfg_loader *ld, const yaml_node_t *n, uint64_t max, uint64_t *out)
{
	return vg_cfg_parse_number(ld, n, (struct vg_num_range){0, max, false}, out);
}

/* 8388608, "8M", "8MiB", "512k", "1G" (binary multiples). */
int vg_cfg_parse_size(struct vg_cfg_loader *ld, const yaml_node_t *n, uint64_t *out)
{
	return vg_cfg_parse_number(ld, n, (struct vg_num_range){0, 1ull << 62, true}, out);
}

int vg_cfg_parse_double(struct vg_cfg_loader *ld, const yaml_node_t *n, double *out)
{
	static const struct vg_num_drange any = {-1e15, 1e15, false};
	const struct key_range *kr = range_of(ld);
	char err[160];

	if (vg_cfg_want_scalar(ld, n, "a number"))
		return -1;
	if (vg_num_parse_double(vg_cfg_scalar(n), kr ? &kr->d : &any, out, err, sizeof(err)))
		return vg_cfg_fail_node(ld, n, "%s", err);
	return 0;
}

int vg_cfg_parse_name(struct vg_cfg_loader *ld, const yaml_node_t *n, const char *const *names,
		      int *out)
{
	char list[256] = "";
	const char *s;

	if (vg_cfg_want_scalar(ld, n, "a name"))
		return -1;
	s = vg_cfg_scalar(n);
	for (int i = 0; names[i]; i++) {
		if (!strcasecmp(s, names[i])) {
			*out = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 names[i]);
	}
	return vg_cfg_fail_node(ld, n, "'%s' is not one of: %s", s, list);
}

int vg_config_priority_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcasecmp(s, "info"))
		return 6;
	for (int i = 0; i < 8; i++)
		if (!strcasecmp(s, vg_cfg_priorities[i]))
			return i;
	return -1;
}

int vg_cfg_parse_priority(struct vg_cfg_loader *ld, const yaml_node_t *n, int *out)
{
	int p;

	if (vg_cfg_want_scalar(ld, n, "a priority"))
		return -1;
	p = vg_config_priority_parse(vg_cfg_scalar(n));
	if (p < 0)
		return vg_cfg_fail_node(
			ld, n,
			"'%s' is not a priority: emergency, alert, critical, error, "
			"warning, notice, informational (info), debug",
			vg_cfg_scalar(n));
	*out = p;
	return 0;
}

/* --- lists and maps ------------------------------------------------------- */

yaml_node_t *vg_cfg_item(yaml_document_t *doc, yaml_node_item_t *it)
{
	return yaml_document_get_node(doc, *it);
}

/* in the order of the VG_DROP_* bits; "ignore" adds none (Falco's list may be empty) */
const char *const vg_cfg_drop_actions[] = {"log", "alert", "exit", "ignore", NULL};

/* syscall_event_drops.actions: a list of names, as Falco writes it. */
int vg_cfg_parse_drop_actions(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			      unsigned *out)
{
	unsigned bits = 0;
	int i;

	if (vg_cfg_is_null(n)) {
		*out = 0;
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return vg_cfg_fail_node(
			ld, n, "expected a list of actions (log, alert, exit, ignore), got %s",
			vg_cfg_node_kind(n));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		if (vg_cfg_parse_name(ld, vg_cfg_item(doc, it), vg_cfg_drop_actions, &i))
			return -1;
		if (vg_cfg_drop_actions[i] != vg_cfg_drop_actions[3])
			bits |= 1u << i;
	}
	*out = bits;
	return 0;
}

int vg_cfg_dup_str(struct vg_cfg_loader *ld, const yaml_node_t *n, char **out)
{
	char *s = strdup(vg_cfg_scalar(n));

	if (!s)
		return vg_cfg_fail_node(ld, n, "out of memory");
	*out = s;
	return 0;
}

void vg_cfg_free_strlist(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/* A string or a list of strings. */
int vg_cfg_parse_strlist(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			 char ***out, size_t *count)
{
	char **l;
	size_t k = 0, total;

	if (vg_cfg_is_null(n)) {
		*out = NULL;
		*count = 0;
		return 0;
	}
	if (n->type == YAML_SCALAR_NODE) {
		l = calloc(1, sizeof(*l));
		if (!l || vg_cfg_dup_str(ld, n, &l[0])) {
			free(l);
			return vg_cfg_fail_node(ld, n, "out of memory");
		}
		*out = l;
		*count = 1;
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return vg_cfg_fail_node(ld, n, "expected a string or a list of strings, got %s",
					vg_cfg_node_kind(n));
	total = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	l = calloc(total ? total : 1, sizeof(*l));
	if (!l)
		return vg_cfg_fail_node(ld, n, "out of memory");
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = vg_cfg_item(doc, it);

		if (vg_cfg_want_scalar(ld, e, "a string") || vg_cfg_dup_str(ld, e, &l[k])) {
			vg_cfg_free_strlist(l, k);
			return -1;
		}
		k++;
	}
	*out = l;
	*count = k;
	return 0;
}

static int add_selectors(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			 bool enable, bool by_tag, struct vg_rule_selector **sel, size_t *count)
{
	char **pats;
	size_t np;
	struct vg_rule_selector *s;

	if (vg_cfg_parse_strlist(ld, doc, n, &pats, &np))
		return -1;
	s = realloc(*sel, (*count + np + 1) * sizeof(*s));
	if (!s) {
		vg_cfg_free_strlist(pats, np);
		return vg_cfg_fail_node(ld, n, "out of memory");
	}
	*sel = s;
	for (size_t i = 0; i < np; i++)
		s[(*count)++] = (struct vg_rule_selector){enable, by_tag, pats[i]};
	free(pats);
	return 0;
}

void vg_cfg_free_selectors(struct vg_rule_selector *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].pattern);
	free(s);
}

/*
 * Falco's selection list:
 *   rules:
 *     - disable: {rule: "*"}
 *     - enable: {tag: network}
 *     - enable: {rule: [Netcat*, "Terminal shell in container"]}
 */
int vg_cfg_parse_rulesel(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			 struct vg_rule_selector **out, size_t *count)
{
	struct vg_rule_selector *sel = NULL;
	size_t ns = 0;

	if (vg_cfg_is_null(n))
		goto done;
	if (n->type != YAML_SEQUENCE_NODE)
		return vg_cfg_fail_node(ld, n,
					"expected a list of '- enable:' / '- disable:' entries, "
					"got %s",
					vg_cfg_node_kind(n));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = vg_cfg_item(doc, it), *k, *v;
		bool enable;

		if (e->type != YAML_MAPPING_NODE ||
		    e->data.mapping.pairs.top - e->data.mapping.pairs.start != 1) {
			vg_cfg_fail_node(ld, e,
					 "each entry is one 'enable:' or 'disable:' mapping");
			goto fail;
		}
		k = yaml_document_get_node(doc, e->data.mapping.pairs.start->key);
		v = yaml_document_get_node(doc, e->data.mapping.pairs.start->value);
		if (k->type != YAML_SCALAR_NODE ||
		    (strcmp(vg_cfg_scalar(k), "enable") && strcmp(vg_cfg_scalar(k), "disable"))) {
			vg_cfg_fail_node(ld, k, "expected 'enable' or 'disable'");
			goto fail;
		}
		enable = !strcmp(vg_cfg_scalar(k), "enable");
		if (v->type != YAML_MAPPING_NODE) {
			vg_cfg_fail_node(ld, v,
					 "expected a mapping with 'rule' and/or 'tag', got %s",
					 vg_cfg_node_kind(v));
			goto fail;
		}
		for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
		     p < v->data.mapping.pairs.top; p++) {
			yaml_node_t *pk = yaml_document_get_node(doc, p->key);
			yaml_node_t *pv = yaml_document_get_node(doc, p->value);
			bool tag;

			if (pk->type != YAML_SCALAR_NODE || (strcmp(vg_cfg_scalar(pk), "rule") &&
							     strcmp(vg_cfg_scalar(pk), "tag"))) {
				vg_cfg_fail_node(ld, pk,
						 "unknown key: expected 'rule' (name globs) or "
						 "'tag' (tag names)");
				goto fail;
			}
			tag = !strcmp(vg_cfg_scalar(pk), "tag");
			if (add_selectors(ld, doc, pv, enable, tag, &sel, &ns))
				goto fail;
		}
	}
done:
	vg_cfg_free_selectors(*out, *count);
	*out = sel;
	*count = ns;
	return 0;
fail:
	vg_cfg_free_selectors(sel, ns);
	return -1;
}

void vg_cfg_free_headers(const char **h, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((char *)h[i]);
	*n = 0;
}

int vg_cfg_parse_headers(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			 const char **hdr, size_t *count)
{
	const char *tmp[VG_OUTPUT_MAX_HEADERS];
	size_t k = 0;

	if (vg_cfg_is_null(n)) {
		vg_cfg_free_headers(hdr, count);
		return 0;
	}
	if (n->type != YAML_MAPPING_NODE)
		return vg_cfg_fail_node(ld, n,
					"expected a mapping of header names to values, got %s",
					vg_cfg_node_kind(n));
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *hk = yaml_document_get_node(doc, p->key);
		yaml_node_t *hv = yaml_document_get_node(doc, p->value);
		char *line;

		if (k == VG_OUTPUT_MAX_HEADERS) {
			vg_cfg_fail_node(ld, hk, "at most %d headers", VG_OUTPUT_MAX_HEADERS);
			goto fail;
		}
		if (vg_cfg_want_scalar(ld, hk, "a header name") ||
		    vg_cfg_want_scalar(ld, hv, "a header value"))
			goto fail;
		for (const char *c = vg_cfg_scalar(hk); *c; c++)
			if (*c <= ' ' || *c == ':' || *c > '~') {
				vg_cfg_fail_node(ld, hk, "'%s' is not a header name",
						 vg_cfg_scalar(hk));
				goto fail;
			}
		if (strpbrk(vg_cfg_scalar(hv), "\r\n")) {
			vg_cfg_fail_node(ld, hv, "a header value cannot hold a line break");
			goto fail;
		}
		if (asprintf(&line, "%s: %s", vg_cfg_scalar(hk), vg_cfg_scalar(hv)) < 0) {
			vg_cfg_fail_node(ld, hv, "out of memory");
			goto fail;
		}
		tmp[k++] = line;
	}
	vg_cfg_free_headers(hdr, count);
	memcpy(hdr, tmp, k * sizeof(*tmp));
	*count = k;
	return 0;
fail:
	vg_cfg_free_headers(tmp, &k);
	return -1;
}
