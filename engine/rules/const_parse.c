// SPDX-License-Identifier: Apache-2.0
/*
 * Constants of a check, parsed once at compile time to the type of the
 * left-hand side: numbers, booleans, addresses and networks, hex byte
 * strings, lower-cased strings for icontains, regexes. Apart because it
 * only turns text into values and knows nothing of rules.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/compile_ctx.h"

/* Grows by doubling: a check's list may hold 200000 constants. */
bool vg_cnode_own(struct vg_cnode *n, char *s)
{
	if (!vg_grow(&n->owned, &n->cowned, n->nowned + 1, sizeof(*n->owned))) {
		free(s);
		return false;
	}
	n->owned[n->nowned++] = s;
	return true;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parses an address, or with allow_net an address/prefix. */
static bool parse_ip(const char *s, bool allow_net, struct vg_cval *v)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	char *end;
	long p;

	if (n >= sizeof(buf) || (slash && !allow_net))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, v->ip) == 1)
		v->iplen = 4;
	else if (inet_pton(AF_INET6, buf, v->ip) == 1)
		v->iplen = 16;
	else
		return false;
	v->prefix = (uint8_t)(v->iplen * 8);
	if (slash) {
		errno = 0;
		p = strtol(slash + 1, &end, 10);
		if (errno || *end || !slash[1] || p < 0 || p > v->iplen * 8)
			return false;
		v->prefix = (uint8_t)p;
	}
	return true;
}

/* One constant, parsed to the type the left-hand side yields. */
bool vg_parse_const(struct vg_cnode *n, const struct vg_ast_item *it, enum vg_ftype t,
		    struct vg_cval *v, const char **code, char *err, size_t errlen)
{
	char *end;

	memset(v, 0, sizeof(*v));
	v->s = it->s;
	v->len = (uint32_t)it->len;
	switch (t) {
	case VG_FT_STRING:
	case VG_FT_BYTES:
		if (vg_op_info(n->op)->consts == VG_OPC_HEX) {
			char *b;

			if (it->len % 2) {
				*code = "E-VALUE";
				snprintf(err, errlen, "'%s' is not a hex byte string", it->s);
				return false;
			}
			b = malloc(it->len / 2 + 1);
			if (!b || !vg_cnode_own(n, b))
				return false;
			for (size_t i = 0; i < it->len; i += 2) {
				int hi = hexval(it->s[i]), lo = hexval(it->s[i + 1]);

				if (hi < 0 || lo < 0) {
					*code = "E-VALUE";
					snprintf(err, errlen, "'%s' is not a hex byte string",
						 it->s);
					return false;
				}
				b[i / 2] = (char)(hi << 4 | lo);
			}
			b[it->len / 2] = '\0';
			v->s = b;
			v->len = (uint32_t)(it->len / 2);
		} else if (vg_op_info(n->op)->consts == VG_OPC_LOWER) {
			char *l = vg_strndup0(it->s, it->len);

			if (!l || !vg_cnode_own(n, l))
				return false;
			for (size_t i = 0; i < it->len; i++)
				l[i] = (char)tolower((unsigned char)l[i]);
			v->s = l;
		} else if (vg_op_info(n->op)->consts == VG_OPC_DIR) {
			/* "/usr/bin/" and "/usr/bin" name the same directory */
			while (v->len > 1 && v->s[v->len - 1] == '/')
				v->len--;
		}
		return true;
	case VG_FT_BOOL:
		if (strcmp(it->s, "true") == 0)
			v->u = 1;
		else if (strcmp(it->s, "false") != 0)
			goto bad;
		return true;
	case VG_FT_S64:
		errno = 0;
		v->u = (uint64_t)strtoll(it->s, &end, 0);
		if (errno || !*it->s || *end)
			goto bad;
		return true;
	case VG_FT_DOUBLE:
		errno = 0;
		v->d = strtod(it->s, &end);
		if (errno || !*it->s || *end)
			goto bad;
		return true;
	case VG_FT_IPADDR:
	case VG_FT_IPNET:
		if (!parse_ip(it->s, t == VG_FT_IPNET || vg_op_is_list(n->op), v))
			goto bad;
		return true;
	default: /* unsigned numbers, ports, times */
		errno = 0;
		if (it->s[0] == '-')
			goto bad;
		v->u = strtoull(it->s, &end, 0);
		if (errno || !*it->s || *end)
			goto bad;
		if (t == VG_FT_PORT && v->u > 65535)
			goto bad;
		return true;
	}
bad:
	*code = "E-VALUE";
	snprintf(err, errlen, "'%s' is not a valid %s value", it->s, vg_ftype_name(t));
	return false;
}

bool vg_compile_regex(struct vg_cnode *n, const char *pat, size_t len, char *err, size_t errlen)
{
	int ec;
	PCRE2_SIZE eo;

	/* libsinsp matches the whole value (RE2 ANCHOR_BOTH) */
	n->re = pcre2_compile((PCRE2_SPTR)pat, len, PCRE2_ANCHORED | PCRE2_ENDANCHORED, &ec, &eo,
			      NULL);
	if (!n->re) {
		PCRE2_UCHAR buf[160];

		pcre2_get_error_message(ec, buf, sizeof(buf));
		snprintf(err, errlen, "invalid regex at offset %zu: %s", (size_t)eo, (char *)buf);
		return false;
	}
	/* JIT failing (e.g. no executable memory) still leaves the interpreter */
	pcre2_jit_compile(n->re, PCRE2_JIT_COMPLETE);
	n->md = pcre2_match_data_create_from_pattern(n->re, NULL);
	if (!n->md) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}
