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

struct json_object;

struct vg_jbuf {
	char *s; /* NUL-terminated while not oom */
	size_t len, cap;
	bool oom;		     /* an allocation failed: the text is incomplete */
	unsigned depth;		     /* open objects and arrays */
	bool first[VG_JB_DEPTH + 1]; /* nothing written yet at that level */
	bool after_key;		     /* the next value follows a key: no comma */
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
/* A json-c value as json-c prints it (rare values: doubles, nested records). */
void vg_jb_json(struct vg_jbuf *b, struct json_object *o);

/* String s escaped as a JSON string body (no quotes) appended to b; for tests and callers. */
void vg_jb_escape(struct vg_jbuf *b, const char *s, size_t len);

#endif
