/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Field registry: every field a condition or an output may name, with its
 * type, the argument it takes and the extractor that reads it from an event.
 * Each class (proc, evt, user, fd, container, k8s, ...) is one table in its
 * own file; adding a field is adding a row and, if it is live, an extractor.
 *
 * Extraction writes into a caller-provided struct vg_xval. Strings point
 * into the event, the process table or the per-ruleset scratch arena, and
 * are always NUL-terminated. No allocation happens on this path.
 */
#ifndef VIGIL_FIELDS_REGISTRY_H
#define VIGIL_FIELDS_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fields/eval_ctx.h"
#include "util/time_format.h"

enum vg_ftype {
	VG_FT_STRING,
	VG_FT_BYTES, /* raw buffer, compared with bcontains/bstartswith */
	VG_FT_U64,
	VG_FT_S64,
	VG_FT_BOOL,
	VG_FT_IPADDR,
	VG_FT_IPNET,
	VG_FT_PORT,
	VG_FT_RELTIME, /* nanoseconds */
	VG_FT_ABSTIME, /* nanoseconds since the epoch */
	VG_FT_DOUBLE,
	VG_FT__COUNT,
};

enum vg_farg {
	VG_FARG_NONE,
	VG_FARG_INDEX,	   /* required integer: evt.arg[0] */
	VG_FARG_OPT_INDEX, /* optional integer: proc.aname, proc.aname[2] */
	VG_FARG_KEY,	   /* required key: container.mount.dest[/etc] */
	VG_FARG_OPT_KEY,   /* optional key: proc.env, proc.env[HOME] */
	VG_FARG_IDX_OR_KEY /* required, either: evt.arg[0], evt.arg.flags */
};

enum vg_fflags {
	VG_FF_LIVE = 1 << 0,   /* vigil extracts it today */
	VG_FF_LIST = 1 << 1,   /* a list: "in" means all values in the set, "intersects" any */
	VG_FF_ANY = 1 << 3,    /* several values without an index; a check holds if any does */
	VG_FF_DOTARG = 1 << 2, /* the key may also follow a dot: evt.arg.flags */
	/* reading it builds text (renders flags, joins arguments): costs more than a lookup */
	VG_FF_BUILT = 1 << 4,
	/* read from the event of a plugin's source (ctx->src), not from a syscall record */
	VG_FF_SOURCE = 1 << 5,
};

/* Up to this many values per extraction; more are dropped and counted. */
#define VG_XVAL_MAX 64

struct vg_value {
	const char *s; /* strings: NUL-terminated at s[len] */
	uint32_t len;
	union {
		uint64_t u;
		int64_t i;
		double d;
		uint8_t ip[16]; /* IPv4 in the first 4 bytes when len == 4 */
	};
};

struct vg_xval {
	enum vg_ftype type;
	uint32_t n; /* 0: missing */
	bool truncated;
	struct vg_value v[VG_XVAL_MAX];
};

/* A bump arena reset between checks: room for strings built per event. */
struct vg_scratch {
	char *buf;
	size_t cap, used;
};

struct vg_userdb;
struct vg_dns_names;

/* Per-ruleset state extractors may read (and the scratch they write). */
struct vg_fenv {
	struct vg_scratch scratch;
	struct vg_userdb *users;
	struct vg_dns_names *dns; /* the rules' domain names, for fd.*ip.name; NULL: none */
	char hostname[256];
	uint64_t evt_num;
	struct vg_time_clock clock; /* evt.time*'s last second, formatted once */
};

struct vg_field_def;

/* A field as a condition names it: definition plus parsed argument. */
struct vg_field_ref {
	const struct vg_field_def *def;
	const char *arg; /* NULL when none; owned by the compiled rule */
	int64_t index;	 /* arg as an integer, for index arguments; -1 when none */
};

typedef void (*vg_extract_fn)(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,
			      struct vg_fenv *env, struct vg_xval *out);

struct vg_field_def {
	const char *name;
	enum vg_ftype type;
	enum vg_farg arg;
	unsigned flags;
	const char *desc;
	vg_extract_fn extract; /* NULL: not live, always missing */
};

struct vg_field_class {
	const char *name; /* "process", "evt", ... */
	const char *desc;
	const struct vg_field_def *fields;
	size_t nfields;
};

/* All classes, in display order (the built-in ones, then the registered ones). */
const struct vg_field_class *const *vg_field_classes(size_t *n);

/*
 * Adds a class (kept, not copied: it must outlive every ruleset). The
 * built-in classes come through here too. -1 with a message in err when a
 * name is already defined or the table is full. Start-up only: not
 * thread-safe against lookups.
 */
int vg_field_register_class(const struct vg_field_class *cl, char *err, size_t errlen);

/*
 * Event sources, as rules name them in `source:`. "syscall" is id 0 and
 * always there; plugins register theirs (the name is kept, not copied).
 * vg_source_register returns the new id, or -1 when the name is taken or
 * the table is full; vg_source_id -1 when unknown.
 */
int vg_source_register(const char *name);
/*
 * The plugins loaded, by name and version ("x.y.z"; both kept, not copied),
 * which rule files' required_plugin_versions are checked against. provide: -1
 * when the name is there already or the table is full; provided: NULL when
 * no plugin of that name is loaded.
 */
int vg_plugin_provide(const char *name, const char *version);
const char *vg_plugin_provided(const char *name);
int vg_source_id(const char *name);
size_t vg_source_count(void);
const char *vg_source_name(int id);

/*
 * Resolves a field name as written in a condition ("evt.arg.flags" finds
 * evt.arg with key "flags"). *dotarg receives the dotted key, or NULL.
 */
const struct vg_field_def *vg_field_lookup(const char *name, const char **dotarg);

const char *vg_ftype_name(enum vg_ftype t);
bool vg_ftype_is_numeric(enum vg_ftype t);

/* Validates and binds an argument; returns NULL or a static error message. */
const char *vg_field_bind(struct vg_field_ref *ref, const struct vg_field_def *def,
			  const char *arg);

/*
 * Compile time: a condition compares ref with the constant s; literal when
 * the field may hold s as written (not when s is a pattern, hex bytes or a
 * directory: the rules' operator table says which). A field whose values
 * depend on the constants it is compared with learns them here
 * (fd.*ip.name registers the domain names to resolve); other fields
 * ignore it. False only when out of memory.
 */
bool vg_field_learn(struct vg_fenv *env, const struct vg_field_ref *ref, bool literal,
		    const char *s, size_t len);

/* A field that learns its constants: which definitions, and what it does with them. */
struct vg_field_learner {
	bool (*wants)(const struct vg_field_def *def);
	bool (*learn)(struct vg_fenv *env, const struct vg_field_ref *ref, bool literal,
		      const char *s, size_t len);
};

/*
 * Once the rules are compiled, for the commands that evaluate them: starts
 * what the learned constants need in the background (the resolver of the
 * domain names), waiting up to wait_ms for its first results.
 */
void vg_fenv_start(struct vg_fenv *env, unsigned wait_ms);
/* Frees what learning and vg_fenv_start made (not the scratch or users). */
void vg_fenv_free_learned(struct vg_fenv *env);

/* Runs the extractor (or yields "missing" for a field that is not live). */
void vg_field_extract(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,
		      struct vg_fenv *env, struct vg_xval *out);

/* ---- helpers for extractors ---- */
/* Inline: the evaluator resets the transformer scratch before every check. */
static inline void vg_scratch_reset(struct vg_scratch *s)
{
	s->used = 0;
}
/* n bytes plus a NUL; NULL when the arena is full. */
char *vg_scratch_alloc(struct vg_scratch *s, size_t n);
/* Copies n bytes into the arena, NUL-terminated. */
const char *vg_scratch_copy(struct vg_scratch *s, const char *p, size_t n);

void vg_xval_str(struct vg_xval *x, const char *s, size_t len);
void vg_xval_cstr(struct vg_xval *x, const char *s);
void vg_xval_u64(struct vg_xval *x, uint64_t v);
void vg_xval_s64(struct vg_xval *x, int64_t v);
void vg_xval_bool(struct vg_xval *x, bool v);
/* An address: len 4 (IPv4) or 16 (IPv6) bytes, network order. */
void vg_xval_ip(struct vg_xval *x, const uint8_t *ip, uint32_t len);

/* User database: /etc/passwd and /etc/group read once, looked up per event. */
struct vg_userdb *vg_userdb_load(const char *passwd_path, const char *group_path);
void vg_userdb_free(struct vg_userdb *db);
const char *vg_userdb_user(const struct vg_userdb *db, uint32_t uid);
const char *vg_userdb_home(const struct vg_userdb *db, uint32_t uid);
const char *vg_userdb_shell(const struct vg_userdb *db, uint32_t uid);
const char *vg_userdb_group(const struct vg_userdb *db, uint32_t gid);

/* The class tables, one per file under engine/fields/. */
extern const struct vg_field_class vg_fields_evt;
extern const struct vg_field_class vg_fields_proc;
extern const struct vg_field_class vg_fields_thread;
extern const struct vg_field_class vg_fields_user;
extern const struct vg_field_class vg_fields_group;
extern const struct vg_field_class vg_fields_fd;
extern const struct vg_field_class vg_fields_fdlist;
extern const struct vg_field_class vg_fields_fs;
extern const struct vg_field_class vg_fields_container;
extern const struct vg_field_class vg_fields_k8s;
extern const struct vg_field_learner vg_learner_ip_names; /* fd.c */

#endif
