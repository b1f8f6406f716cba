/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the JSON writers are checked against, written apart from them: a
 * strict UTF-8 check from Unicode's table of well-formed byte sequences
 * (Unicode 15, table 3-7), the repair every string must get (U+FFFD for
 * each byte outside such a sequence), a base64 decoder and a strict parse.
 */
#ifndef VIGIL_TEST_UTF8_REF_H
#define VIGIL_TEST_UTF8_REF_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The length of the well-formed UTF-8 sequence at s (Unicode 15, table 3-7), or 0. */
static inline size_t hw_wellformed(const unsigned char *s, size_t len)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c <= 0x7f)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static inline bool hw_utf8_ok(const char *s, size_t len)
{
	for (size_t i = 0, n; i < len; i += n)
		if (!(n = hw_wellformed((const unsigned char *)s + i, len - i)))
			return false;
	return true;
}

/* What the writers must make of s: U+FFFD for each byte outside a well-formed sequence. */
static inline char *hw_repair(const char *s, size_t len, size_t *out_len)
{
	char *o = malloc(len * 3 + 1);
	size_t k = 0;

	if (!o)
		return NULL;
	for (size_t i = 0, n; i < len; i += n) {
		if ((n = hw_wellformed((const unsigned char *)s + i, len - i))) {
			memcpy(o + k, s + i, n);
			k += n;
		} else {
			memcpy(o + k, "\xef\xbf\xbd", 3);
			k += 3;
			n = 1;
		}
	}
	o[k] = '\0';
	*out_len = k;
	return o;
}

/* RFC 4648 base64 with padding; NULL when s is not that. */
static inline char *hw_unbase64(const char *s, size_t *out_len)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(s), k = 0;
	char *o;

	if (len % 4 || !(o = malloc(len / 4 * 3 + 1)))
		return NULL;
	for (size_t i = 0; i < len; i += 4) {
		unsigned v = 0, pad = 0;

		for (size_t j = 0; j < 4; j++) {
			const char *p = s[i + j] ? strchr(al, s[i + j]) : NULL;

			if (s[i + j] == '=' && i + 4 == len && j >= 2) {
				pad++;
				v <<= 6;
			} else if (p && !pad) {
				v = v << 6 | (unsigned)(p - al);
			} else {
				free(o);
				return NULL;
			}
		}
		o[k++] = (char)(v >> 16);
		if (pad < 2)
			o[k++] = (char)(v >> 8);
		if (pad < 1)
			o[k++] = (char)v;
	}
	*out_len = k;
	return o;
}

/* The line parsed strictly as one JSON object, or NULL. */
static inline json_object *hw_parse(const char *line)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o;

	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, line, (int)strlen(line));
	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
		  json_tokener_get_parse_end(tok) != strlen(line) ||
		  !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

#endif
