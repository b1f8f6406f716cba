/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A JSON writer into one growable buffer, reused across alerts: no object
 * tree and no allocation once the buffer has grown to the largest alert.
 * Its bytes are what json-c prints with JSON_C_TO_STRING_PLAIN |
 * JSON_C_TO_STRING_NOSLASHESCAPE (same escapes, same number forms), so that
 * an alert reads the same whichever way it was built.
 */
#ifndef VIGIL_JSON_BUF_H
#define VIGIL_JSON_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_JB_DEPTH 16 /* nesting the writer tracks commas for */

struct vg_jbuf {
	char *s; /* NUL-terminated while not oom */
	size_t len, cap;
	bool oom;		     /* an allocation failed: the text is incomplete */
	unsigned depth;		     /* open objects and arrays */
	bool first[VG_JB_DEPTH + 1]; /* nothing written yet at that level */
	bool after_key;		     /* the next value follows a key: no comma */
	/* a string had bytes that are not UTF-8, written as U+FFFD; the caller clears it */
	bool replaced;
};

void vg_jb_init(struct vg_jbuf *b);
void vg_jb_free(struct vg_jbuf *b);
/* Empties b for the next document, keeping its memory. */
void vg_jb_reset(struct vg_jbuf *b);

void vg_jb_obj_begin(struct vg_jbuf *b);
void vg_jb_obj_end(struct vg_jbuf *b);
void vg_jb_arr_begin(struct vg_jbuf *b);
void vg_jb_arr_end(struct vg_jbuf *b);
/* An object key; the next call writes its value. */
void vg_jb_key(struct vg_jbuf *b, const char *key);
void vg_jb_key_n(struct vg_jbuf *b, const char *key, size_t len);
/* A key already quoted and followed by its colon, with nothing to escape. */
void vg_jb_key_quoted(struct vg_jbuf *b, const char *quoted, size_t len);
/* A key written in the source, which must need no escape: quoted at compile time. */
#define VG_JB_KEY(b, lit) vg_jb_key_quoted(b, "\"" lit "\":", sizeof(lit) + 2)

void vg_jb_str(struct vg_jbuf *b, const char *s, size_t len);
/* A NUL-terminated string, or null for NULL. */
void vg_jb_cstr(struct vg_jbuf *b, const char *s);
void vg_jb_u64(struct vg_jbuf *b, uint64_t v);
void vg_jb_i64(struct vg_jbuf *b, int64_t v);
void vg_jb_bool(struct vg_jbuf *b, bool v);
void vg_jb_null(struct vg_jbuf *b);
/*
 * A double as json-c 0.16 prints one: "%.17g", ".0" added to a whole number,
 * and NaN, Infinity, -Infinity for what JSON has no number for.
 */
void vg_jb_double(struct vg_jbuf *b, double v);

/* len bytes as a JSON string of their base64 (RFC 4648, padded). */
void vg_jb_base64(struct vg_jbuf *b, const void *data, size_t len);
/* A value that is already JSON text (an object another vg_jbuf wrote), as it is. */
void vg_jb_verbatim(struct vg_jbuf *b, const char *json, size_t len);

/*
 * String s escaped as a JSON string body (no quotes) appended to b; for tests
 * and callers. Each byte that is not part of a valid UTF-8 sequence (stray
 * continuation bytes, truncated sequences, overlong forms, surrogates
 * U+D800..U+DFFF, code points above U+10FFFF) is written as U+FFFD and sets
 * b->replaced: the output is valid UTF-8 and valid JSON whatever s holds.
 */
void vg_jb_escape(struct vg_jbuf *b, const char *s, size_t len);

/* The length of the valid UTF-8 sequence at s (1 to 4, len > 0), or 0 if none starts there. */
size_t vg_utf8_seq(const char *s, size_t len);
bool vg_utf8_valid(const char *s, size_t len);
/* s appended to b with no JSON escapes, each invalid byte as U+FFFD (sets b->replaced). */
void vg_utf8_repair(struct vg_jbuf *b, const char *s, size_t len);
/* base64 of len bytes appended to b (no quotes). */
void vg_base64_append(struct vg_jbuf *b, const void *data, size_t len);

#endif
