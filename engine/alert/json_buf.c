// SPDX-License-Identifier: Apache-2.0
#include "alert/json_buf.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"

void vg_jb_init(struct vg_jbuf *b)
{
	memset(b, 0, sizeof(*b));
	vg_jb_reset(b);
}

void vg_jb_free(struct vg_jbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void vg_jb_reset(struct vg_jbuf *b)
{
	b->len = 0;
	b->oom = false;
	b->depth = 0;
	b->first[0] = true;
	b->after_key = false;
	b->replaced = false;
	if (b->s)
		b->s[0] = '\0';
}

/* Grows the buffer to hold n more bytes and the NUL. */
static bool grow(struct vg_jbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 1024;
	char *s;

	if (b->oom)
		return false;
	while (cap < b->len + n + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s) {
		b->oom = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

/* Room for n more bytes and the NUL: almost always there once the buffer has grown. */
static inline bool reserve(struct vg_jbuf *b, size_t n)
{
	return (b->len + n + 1 <= b->cap && !b->oom) || grow(b, n);
}

static inline void raw(struct vg_jbuf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* One byte: most of what raw() writes is a quote, a comma or a bracket. */
static inline void raw_char(struct vg_jbuf *b, char c)
{
	if (!reserve(b, 1))
		return;
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

/* Before any value or key: the comma that separates it from the previous one. */
static void sep(struct vg_jbuf *b)
{
	if (b->after_key) {
		b->after_key = false;
		return;
	}
	if (!b->first[b->depth])
		raw_char(b, ',');
	b->first[b->depth] = false;
}

static void open_(struct vg_jbuf *b, char c)
{
	sep(b);
	raw_char(b, c);
	if (b->depth < VG_JB_DEPTH)
		b->depth++;
	b->first[b->depth] = true;
}

static void close_(struct vg_jbuf *b, char c)
{
	raw_char(b, c);
	if (b->depth)
		b->depth--;
}

void vg_jb_obj_begin(struct vg_jbuf *b)
{
	open_(b, '{');
}

void vg_jb_obj_end(struct vg_jbuf *b)
{
	close_(b, '}');
}

void vg_jb_arr_begin(struct vg_jbuf *b)
{
	open_(b, '[');
}

void vg_jb_arr_end(struct vg_jbuf *b)
{
	close_(b, ']');
}

/*
 * Whether all 8 bytes of w are printable ASCII that needs no escape: no byte
 * below 0x20, no '"', no '\\' and no byte of 0x80 or above (those start
 * UTF-8 sequences, checked one by one). Each test is the exact "some byte is
 * zero / less than n" trick: (x - 0x0101..*n) & ~x has a byte's high bit set
 * only if some byte of x is below n; w itself has it for the bytes >= 0x80.
 */
static inline bool plain_word(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');

	return !((w | ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & high);
}

/* The bytes plain runs stop at: control bytes, '"', '\\', and every non-ASCII byte. */
static const bool special[256] = {
	[0 ... 0x1f] = true, ['"'] = true, ['\\'] = true, [0x80 ... 0xff] = true};

/* How many bytes at the start of s need no escape: whole words while they are clean. */
static size_t plain_run(const char *s, size_t len)
{
	size_t i = 0;
	uint64_t w;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		if (!plain_word(w))
			break;
	}
	while (i < len && !special[(unsigned char)s[i]])
		i++;
	return i;
}

/*
 * json-c's escape of c: the short forms for \b \n \r \t \f " and \, \u00XX
 * (lower-case hex) for the other control bytes.
 */
static void escape_byte(struct vg_jbuf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6] = {'\\', 0, '0', '0', 0, 0};
	size_t n = 2;

	switch (c) {
	case '\b': esc[1] = 'b'; break;
	case '\n': esc[1] = 'n'; break;
	case '\r': esc[1] = 'r'; break;
	case '\t': esc[1] = 't'; break;
	case '\f': esc[1] = 'f'; break;
	case '"': esc[1] = '"'; break;
	case '\\': esc[1] = '\\'; break;
	default:
		esc[1] = 'u';
		esc[4] = hex[c >> 4];
		esc[5] = hex[c & 0xf];
		n = 6;
	}
	raw(b, esc, n);
}

size_t vg_utf8_seq(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0; /* a continuation byte, C0/C1 (overlong 2-byte) or F5..FF */
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong 3- and 4-byte forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp > 0x10ffff)
		return 0;
	return n;
}

bool vg_utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;
	uint64_t w;

	while (i < len) {
		if (i + 8 <= len) {
			memcpy(&w, s + i, 8);
			if (!(w & 0x8080808080808080ULL)) {
				i += 8; /* eight ASCII bytes at once */
				continue;
			}
		}
		if (!(n = vg_utf8_seq(s + i, len - i)))
			return false;
		i += n;
	}
	return true;
}

/* U+FFFD REPLACEMENT CHARACTER, in UTF-8. */
static const char replacement[3] = {(char)0xef, (char)0xbf, (char)0xbd};

void vg_utf8_repair(struct vg_jbuf *b, const char *s, size_t len)
{
	for (size_t i = 0, n; i < len; i += n) {
		if ((n = vg_utf8_seq(s + i, len - i))) {
			raw(b, s + i, n);
		} else {
			raw(b, replacement, sizeof(replacement));
			b->replaced = true;
			n = 1;
		}
	}
}

/*
 * Printable ASCII other than '"' and '\\', '/' included, is written as it
 * is: clean runs are found a word at a time and copied in one piece, which
 * is nearly every alert string. Control bytes get json-c's escapes; a valid
 * UTF-8 sequence is copied; each byte that is not part of one becomes
 * U+FFFD and marks b->replaced, so that the caller can keep the raw bytes.
 */
void vg_jb_escape(struct vg_jbuf *b, const char *s, size_t len)
{
	while (len) {
		size_t n = plain_run(s, len), k;

		raw(b, s, n);
		if (n == len)
			return;
		s += n;
		len -= n;
		if ((unsigned char)*s < 0x80) {
			escape_byte(b, (unsigned char)*s);
			k = 1;
		} else if ((k = vg_utf8_seq(s, len))) {
			raw(b, s, k);
		} else {
			raw(b, replacement, sizeof(replacement));
			b->replaced = true;
			k = 1;
		}
		s += k;
		len -= k;
	}
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void vg_base64_append(struct vg_jbuf *b, const void *data, size_t len)
{
	const unsigned char *s = data;
	char *d;

	if (!reserve(b, (len + 2) / 3 * 4))
		return;
	d = b->s + b->len;
	for (; len >= 3; s += 3, len -= 3) {
		*d++ = b64[s[0] >> 2];
		*d++ = b64[(s[0] & 3) << 4 | s[1] >> 4];
		*d++ = b64[(s[1] & 0xf) << 2 | s[2] >> 6];
		*d++ = b64[s[2] & 0x3f];
	}
	if (len) {
		*d++ = b64[s[0] >> 2];
		*d++ = b64[(s[0] & 3) << 4 | (len > 1 ? s[1] >> 4 : 0)];
		*d++ = len > 1 ? b64[(s[1] & 0xf) << 2] : '=';
		*d++ = '=';
	}
	b->len = (size_t)(d - b->s);
	b->s[b->len] = '\0';
}

void vg_jb_base64(struct vg_jbuf *b, const void *data, size_t len)
{
	sep(b);
	raw_char(b, '"');
	vg_base64_append(b, data, len);
	raw_char(b, '"');
}

void vg_jb_verbatim(struct vg_jbuf *b, const char *json, size_t len)
{
	sep(b);
	raw(b, json, len);
}

/* Keys are short field and member names: copied and checked in one pass. */
void vg_jb_key_n(struct vg_jbuf *b, const char *key, size_t len)
{
	size_t i = 0;
	char *d;

	sep(b);
	b->after_key = true;
	if (!reserve(b, len + 3))
		return;
	d = b->s + b->len;
	*d++ = '"';
	for (; i < len && !special[(unsigned char)key[i]]; i++)
		d[i] = key[i];
	b->len += i + 1;
	if (i < len)
		vg_jb_escape(b, key + i, len - i); /* something to escape: the general way */
	raw(b, "\":", 2);
}

void vg_jb_key_quoted(struct vg_jbuf *b, const char *quoted, size_t len)
{
	sep(b);
	b->after_key = true;
	raw(b, quoted, len);
}

void vg_jb_key(struct vg_jbuf *b, const char *key)
{
	vg_jb_key_n(b, key, strlen(key));
}

void vg_jb_str(struct vg_jbuf *b, const char *s, size_t len)
{
	sep(b);
	raw_char(b, '"');
	vg_jb_escape(b, s, len);
	raw_char(b, '"');
}

void vg_jb_cstr(struct vg_jbuf *b, const char *s)
{
	if (s)
		vg_jb_str(b, s, strlen(s));
	else
		vg_jb_null(b);
}

void vg_jb_u64(struct vg_jbuf *b, uint64_t v)
{
	char tmp[VG_DEC_MAX];

	sep(b);
	raw(b, tmp, vg_put_dec(tmp, v));
}

void vg_jb_i64(struct vg_jbuf *b, int64_t v)
{
	if (v >= 0) {
		vg_jb_u64(b, (uint64_t)v);
		return;
	}
	sep(b);
	raw(b, "-", 1);
	b->after_key = true; /* the digits follow the sign */
	vg_jb_u64(b, -(uint64_t)v);
}

void vg_jb_bool(struct vg_jbuf *b, bool v)
{
	sep(b);
	raw(b, v ? "true" : "false", v ? 4 : 5);
}

void vg_jb_null(struct vg_jbuf *b)
{
	sep(b);
	raw(b, "null", 4);
}

void vg_jb_double(struct vg_jbuf *b, double v)
{
	char tmp[64], *comma;
	int n;

	if (isnan(v))
		n = snprintf(tmp, sizeof(tmp), "NaN");
	else if (isinf(v))
		n = snprintf(tmp, sizeof(tmp), v > 0 ? "Infinity" : "-Infinity");
	else
		n = snprintf(tmp, sizeof(tmp), "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof(tmp) - 2) {
		vg_jb_null(b); /* never for "%.17g", which is at most 24 bytes */
		return;
	}
	comma = strchr(tmp, ','); /* a locale's decimal comma: JSON's is a point */
	if (comma)
		*comma = '.';
	/* json-c makes a whole number look like a float: a "." or an exponent */
	if (!isnan(v) && !isinf(v) && !strpbrk(tmp, ".e")) {
		memcpy(tmp + n, ".0", 3);
		n += 2;
	}
	sep(b);
	raw(b, tmp, (size_t)n);
}
