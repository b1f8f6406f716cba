// SPDX-License-Identifier: Apache-2.0
/*
 * Output formats. "%proc.name spawned %proc.cmdline (parent=%proc.pname)"
 * is compiled once into literal and field segments; rendering walks them.
 * A field token is the longest registered name at the '%' (so "%fd.name."
 * is fd.name followed by a dot), optionally with "[arg]"; transformers are
 * written as "%tolower(proc.name)".
 */
#include "rules/format.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "decode/decode.h"
#include "decimal.h"
#include "rules/rules_internal.h"
#include "rules/lexer.h"
#include "rules/parser.h"

void vg_ofmt_free(struct vg_ofmt *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->segs[i].lit);
		vg_cexpr_free(f->segs[i].ex);
	}
	free(f->segs);
	memset(f, 0, sizeof(*f));
}

static bool add_seg(struct vg_ofmt *f, char *lit, size_t litlen, struct vg_cexpr *ex)
{
	struct vg_oseg *s = realloc(f->segs, (f->n + 1) * sizeof(*s));

	if (!s)
		return false;
	f->segs = s;
	s[f->n] = (struct vg_oseg){lit, litlen, ex, false, false};
	if (ex) {
		/* what output_fields needs per field, decided once here rather than per alert */
		for (size_t k = 0; k < f->n; k++)
			s[f->n].repeat |= !s[k].lit && strcmp(s[k].ex->text, ex->text) == 0;
		s[f->n].epoch_ns = ex->kind == CX_FIELD && strncmp(ex->text, "evt.time", 8) == 0;
	}
	f->n++;
	return true;
}

static bool add_lit(struct vg_ofmt *f, const char *p, size_t n)
{
	char *s;

	if (!n)
		return true;
	s = vg_strndup0(p, n);
	if (!s || !add_seg(f, s, n, NULL)) {
		free(s);
		return false;
	}
	return true;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

/* Length of the longest registered field name at p (0 when none). */
static size_t field_token(const char *p, size_t max)
{
	char name[256];
	const char *dot;
	size_t n = 0;

	while (n < max && n < sizeof(name) - 1 && name_char(p[n]))
		n++;
	while (n > 0) {
		memcpy(name, p, n);
		name[n] = '\0';
		if (name[n - 1] != '.' && vg_field_lookup(name, &dot))
			return n;
		/* back off to the previous dot */
		while (n > 0 && p[n - 1] != '.')
			n--;
		if (n)
			n--;
	}
	return 0;
}

/* In a sequence's or threshold's output: "download.fd.name", "threshold.count" (seq.h). */
static size_t seq_token(const struct vg_ruleset *rs, const char *p, size_t max)
{
	static const char *const thr[] = {"threshold.count", "threshold.values"};
	const struct vg_seq *s = rs->seqc ? rs->seqc->seq : NULL;

	for (size_t i = 0; s && i < 2; i++) {
		size_t len = strlen(thr[i]);

		if (max >= len && strncmp(p, thr[i], len) == 0 &&
		    (max == len || !name_char(p[len])))
			return len;
	}
	for (size_t i = 0; s && i < s->nsteps; i++) {
		size_t len = strlen(s->steps[i].name), f;

		if (s->steps[i].negative || max <= len + 1 ||
		    strncmp(p, s->steps[i].name, len) != 0 || p[len] != '.')
			continue;
		if ((f = field_token(p + len + 1, max - len - 1)))
			return len + 1 + f;
	}
	return 0;
}

/* Parses the token after '%' as a condition operand; *used is its length. */
static struct vg_cexpr *parse_token(struct vg_ruleset *rs, const char *p, size_t max, size_t *used,
				    const char **code, char *err, size_t errlen)
{
	struct vg_parse_error perr;
	struct vg_ast *ast;
	struct vg_cexpr *ex = NULL;
	size_t n = seq_token(rs, p, max);
	char *text;
	unsigned depth = 0;

	if (n == 0)
		n = field_token(p, max);
	if (n == 0) {
		/* maybe a transformer: take up to the matching ')' */
		size_t depth_p = 0, i = 0;

		while (i < max && (name_char(p[i])))
			i++;
		if (i < max && p[i] == '(') {
			for (; i < max; i++) {
				if (p[i] == '(')
					depth_p++;
				if (p[i] == ')' && --depth_p == 0)
					break;
			}
			n = i < max ? i + 1 : 0;
		}
		if (!n) {
			*code = "E-UNKNOWN-FIELD";
			snprintf(err, errlen, "invalid field after '%%': '%.*s'",
				 (int)(max < 40 ? max : 40), p);
			return NULL;
		}
	} else if (n < max && p[n] == '[') {
		const char *close = memchr(p + n, ']', max - n);

		if (!close) {
			*code = "E-OUTPUT";
			snprintf(err, errlen, "unterminated field argument");
			return NULL;
		}
		n = (size_t)(close - p) + 1;
	}
	/* reuse the condition parser: "<token> exists" is a check on it */
	if (asprintf(&text, "%.*s exists", (int)n, p) < 0)
		return NULL;
	ast = vg_parse_condition(text, strlen(text), NULL, 32, &perr);
	free(text);
	if (!ast || ast->kind != VG_AST_CHECK) {
		*code = "E-OUTPUT";
		snprintf(err, errlen, "invalid output token '%.*s'", (int)n, p);
		vg_ast_free(ast);
		return NULL;
	}
	ex = vg_compile_opnd(rs, ast->lhs, code, err, errlen, &depth);
	vg_ast_free(ast);
	if (ex && depth + 1 > rs->compiled.npool / 2)
		rs->compiled.npool = 2 * (depth + 1);
	*used = n;
	return ex;
}

bool vg_ofmt_compile(struct vg_ruleset *rs, const char *fmt, struct vg_ofmt *out,
		     const char **errcode, char *err, size_t errlen, size_t *errpos)
{
	const char *p = fmt, *lit = fmt;
	size_t len = strlen(fmt);

	memset(out, 0, sizeof(*out));
	while ((p = memchr(p, '%', len - (size_t)(p - fmt)))) {
		size_t used = 0, max = len - (size_t)(p - fmt) - 1;
		struct vg_cexpr *ex;

		if (!add_lit(out, lit, (size_t)(p - lit)))
			goto nomem;
		if (max && p[1] == '%') {
			/* "%%" is a literal percent sign */
			if (!add_lit(out, "%", 1))
				goto nomem;
			p += 2;
			lit = p;
			continue;
		}
		ex = parse_token(rs, p + 1, max, &used, errcode, err, errlen);
		if (!ex) {
			*errpos = (size_t)(p - fmt);
			vg_ofmt_free(out);
			return false;
		}
		/* %container.info is deprecated and expands to nothing, as in Falco */
		if (ex->kind == CX_FIELD && strcmp(ex->ref.def->name, "container.info") == 0)
			vg_cexpr_free(ex);
		else if (!add_seg(out, NULL, 0, ex)) {
			vg_cexpr_free(ex);
			goto nomem;
		}
		p += 1 + used;
		lit = p;
	}
	if (!add_lit(out, lit, len - (size_t)(lit - fmt)))
		goto nomem;
	return true;
nomem:
	*errcode = "E-NOMEM";
	snprintf(err, errlen, "out of memory");
	vg_ofmt_free(out);
	return false;
}

/* Appends at most the room left; returns the length wanted. */
static void put(char *buf, size_t cap, size_t *off, const char *s, size_t n)
{
	if (*off < cap) {
		size_t room = cap - *off - 1;

		memcpy(buf + *off, s, n < room ? n : room);
	}
	*off += n;
}

/* v in decimal at tmp, after a '-' when neg. */
static const char *dec(char *tmp, uint64_t v, bool neg, size_t *n)
{
	if (neg)
		tmp[0] = '-';
	*n = neg + vg_put_dec(tmp + neg, v);
	return tmp;
}

const char *vg_output_value_text(enum vg_ftype t, const struct vg_value *v, char *tmp, size_t tlen,
				 size_t *n)
{
	switch (t) {
	case VG_FT_STRING:
	case VG_FT_BYTES: *n = v->len; return v->s;
	case VG_FT_BOOL: *n = v->u ? 4 : 5; return v->u ? "true" : "false";
	case VG_FT_S64: return dec(tmp, v->i < 0 ? -(uint64_t)v->i : (uint64_t)v->i, v->i < 0, n);
	case VG_FT_DOUBLE: *n = (size_t)snprintf(tmp, tlen, "%g", v->d); return tmp;
	case VG_FT_IPADDR:
	case VG_FT_IPNET:
		if (!inet_ntop(v->len == 16 ? AF_INET6 : AF_INET, v->ip, tmp, (socklen_t)tlen))
			tmp[0] = '\0';
		*n = strlen(tmp);
		return tmp;
	default: return dec(tmp, v->u, false, n);
	}
}

/* f rendered into buf as vg_rule_render_output says; the caller brackets the evaluation. */
static size_t render_fmt(struct vg_ruleset *rs, const struct vg_ofmt *f,
			 const struct vg_eval_ctx *ctx, char *buf, size_t cap)
{
	size_t off = 0;
	char tmp[64];

	for (size_t i = 0; i < f->n; i++) {
		const struct vg_oseg *s = &f->segs[i];
		const struct vg_xval *x;

		if (s->lit) {
			put(buf, cap, &off, s->lit, s->litlen);
			continue;
		}
		if (!rs->ev.pool) {
			put(buf, cap, &off, "<NA>", 4);
			continue;
		}
		vg_eval_check_start(rs);
		x = vg_cexpr_values(rs, s->ex, ctx, &rs->ev.pool[0], 0);
		if (!x->n) {
			put(buf, cap, &off, "<NA>", 4);
			continue;
		}
		for (uint32_t k = 0; k < x->n; k++) {
			size_t n;
			const char *t =
				vg_output_value_text(x->type, &x->v[k], tmp, sizeof(tmp), &n);

			if (k)
				put(buf, cap, &off, ",", 1);
			put(buf, cap, &off, t, n);
		}
	}
	if (cap)
		buf[off < cap ? off : cap - 1] = '\0';
	return off;
}

size_t vg_rule_render_output(struct vg_ruleset *rs, const struct vg_rule *r,
			     const struct vg_eval_ctx *ctx, char *buf, size_t cap)
{
	/* inside an alert callback this is the event just evaluated: its fields are cached */
	bool started = vg_eval_begin(rs, ctx);
	size_t off = render_fmt(rs, &r->ofmt, ctx, buf, cap);

	vg_eval_end(rs, started);
	return off;
}

/* One field's values for this event; Falco's JSON carries evt.time* as epoch nanoseconds. */
static const struct vg_xval *field_values(struct vg_ruleset *rs, const struct vg_cexpr *ex,
					  bool epoch_ns, const struct vg_eval_ctx *ctx)
{
	struct vg_xval *x = &rs->ev.pool[0];

	vg_eval_check_start(rs);
	if (epoch_ns && ctx && ctx->ev && ctx->ev->hdr) {
		x->n = 0;
		x->truncated = false;
		x->type = VG_FT_U64;
		vg_xval_u64(x, ctx->ev->wall_ns ? ctx->ev->wall_ns : ctx->ev->hdr->ts_ns);
		return x;
	}
	return vg_cexpr_values(rs, ex, ctx, x, 0);
}

/* An append_output field: a plain field typed as usual, one of one's own as its rendered text. */
static const struct vg_xval *extra_values(struct vg_ruleset *rs, const struct vg_xfield *xf,
					  const struct vg_eval_ctx *ctx)
{
	struct vg_xval *x = &rs->ev.pool[0];
	size_t n;

	if (xf->plain)
		return field_values(rs, xf->fmt.segs[0].ex, xf->fmt.segs[0].epoch_ns, ctx);
	n = render_fmt(rs, &xf->fmt, ctx, rs->ev.xtext, rs->ev.xtext_cap);
	x->n = 1;
	x->truncated = n >= rs->ev.xtext_cap;
	x->type = VG_FT_STRING;
	x->v[0].s = rs->ev.xtext;
	x->v[0].len = (uint32_t)(n < rs->ev.xtext_cap ? n : rs->ev.xtext_cap - 1);
	return x;
}

int vg_rule_output_each(struct vg_ruleset *rs, const struct vg_rule *r,
			const struct vg_eval_ctx *ctx, vg_ofield_fn fn, void *arg)
{
	static const struct vg_xval missing = {.n = 0};
	bool started = vg_eval_begin(rs, ctx);
	int rc = 0;

	/* okeys: Falco's order (sorted keys, each once), the extra fields in their places */
	for (size_t i = 0; i < r->nokeys && !rc; i++) {
		const struct vg_okey *k = &r->okeys[i];
		const struct vg_xval *x = &missing;

		if (rs->ev.pool && k->extra)
			x = extra_values(rs, &r->xf[k->idx], ctx);
		else if (rs->ev.pool)
			x = field_values(rs, r->ofmt.segs[k->idx].ex, r->ofmt.segs[k->idx].epoch_ns,
					 ctx);
		rc = fn(arg, k->key, x);
	}
	vg_eval_end(rs, started);
	return rc;
}
