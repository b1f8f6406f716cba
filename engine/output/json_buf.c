// SPDX-License-Identifier: Apache-2.0
#include "output/json_buf.h"

#include <inttypes.h>
#include <json-c/json.h>
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
 * Whether none of the 8 bytes of w needs an escape: no byte below 0x20, no
 * '"' and no '\\'. Each test is the exact "some byte is zero / less than n"
 * trick: (x - 0x0101..*n) & ~x has a byte's high bit set only if some byte
 * of x is below n; bytes of 0x80 and above never count.
 */
static inline bool plain_word(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');

	return !((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & high);
}

/* The bytes escape_byte writes otherwise: control bytes, '"' and '\\'. */
static const bool special[256] = {[0 ... 0x1f] = true, ['"'] = true, ['\\'] = true};

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

/*
 * Everything but the bytes escape_byte handles, '/' and bytes above 0x7e
 * included, is written as it is. Alert strings rarely hold any of those,
 * so clean runs are found a word at a time and copied in one piece.
 */
void vg_jb_escape(struct vg_jbuf *b, const char *s, size_t len)
{
	while (len) {
		size_t n = plain_run(s, len);

		raw(b, s, n);
		if (n == len)
			return;
		escape_byte(b, (unsigned char)s[n]);
		s += n + 1;
		len -= n + 1;
	}
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

void vg_jb_json(struct vg_jbuf *b, struct json_object *o)
{
	const char *s;

	if (!o) {
		vg_jb_null(b);
		return;
	}
	s = json_object_to_json_string_ext(o,
					   JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	sep(b);
	raw(b, s, strlen(s));
}
