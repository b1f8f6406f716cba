// SPDX-License-Identifier: Apache-2.0
/*
 * user.* and group.* fields, and the user database behind the names.
 * /etc/passwd and /etc/group are read once when the ruleset is built; the
 * event path only looks ids up in sorted arrays. Processes in containers
 * have their own passwd file; until the container module supplies it, the
 * host's names are used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields/fields_util.h"
#include "util/util.h"

struct uent {
	uint32_t id;
	char *name, *home, *shell;
};

struct vg_userdb {
	struct uent *users, *groups;
	size_t nusers, ngroups;
};

static int cmp_uent(const void *a, const void *b)
{
	uint32_t x = ((const struct uent *)a)->id, y = ((const struct uent *)b)->id;

	return x < y ? -1 : x > y;
}

static void free_ents(struct uent *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].home);
		free(e[i].shell);
	}
	free(e);
}

/* Splits a passwd/group line on ':' keeping empty fields. */
static int split(char *line, char **fld, int max)
{
	int k = 0;

	fld[k++] = line;
	for (char *p = line; *p && k < max; p++) {
		if (*p == ':') {
			*p = '\0';
			fld[k++] = p + 1;
		}
	}
	return k;
}

/* Reads "name:x:id:..." lines; for passwd, fields 6 and 7 are home and shell. */
static bool load_file(const char *path, bool passwd, struct uent **out, size_t *n)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, *fld[7];
	size_t cap = 0, ecap = 0;
	ssize_t len;
	bool ok = true;

	*out = NULL;
	*n = 0;
	if (!f)
		return true; /* no file: no names, not an error */
	while ((len = getline(&line, &cap, f)) > 0) {
		struct uent e = {0};
		int k;

		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		k = split(line, fld, 7);
		if (k < 3)
			continue;
		e.id = (uint32_t)strtoul(fld[2], NULL, 10);
		e.name = strdup(fld[0]);
		e.home = passwd && k > 5 ? strdup(fld[5]) : NULL;
		e.shell = passwd && k > 6 ? strdup(fld[6]) : NULL;
		if (!e.name || (passwd && k > 6 && (!e.home || !e.shell)) ||
		    !vg_grow(out, &ecap, *n + 1, sizeof(**out))) {
			free(e.name);
			free(e.home);
			free(e.shell);
			ok = false;
			break;
		}
		(*out)[(*n)++] = e;
	}
	free(line);
	fclose(f);
	if (*n)
		qsort(*out, *n, sizeof(**out), cmp_uent);
	return ok;
}

struct vg_userdb *vg_userdb_load(const char *passwd_path, const char *group_path)
{
	struct vg_userdb *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	if (!load_file(passwd_path ? passwd_path : "/etc/passwd", true, &db->users, &db->nusers) ||
	    !load_file(group_path ? group_path : "/etc/group", false, &db->groups, &db->ngroups)) {
		vg_userdb_free(db);
		return NULL;
	}
	return db;
}

void vg_userdb_free(struct vg_userdb *db)
{
	if (!db)
		return;
	free_ents(db->users, db->nusers);
	free_ents(db->groups, db->ngroups);
	free(db);
}

static const struct uent *find(const struct uent *v, size_t n, uint32_t id)
{
	struct uent key = {.id = id};

	return v ? bsearch(&key, v, n, sizeof(*v), cmp_uent) : NULL;
}

const char *vg_userdb_user(const struct vg_userdb *db, uint32_t uid)
{
	const struct uent *e = db ? find(db->users, db->nusers, uid) : NULL;

	return e ? e->name : NULL;
}

const char *vg_userdb_home(const struct vg_userdb *db, uint32_t uid)
{
	const struct uent *e = db ? find(db->users, db->nusers, uid) : NULL;

	return e ? e->home : NULL;
}

const char *vg_userdb_shell(const struct vg_userdb *db, uint32_t uid)
{
	const struct uent *e = db ? find(db->users, db->nusers, uid) : NULL;

	return e ? e->shell : NULL;
}

const char *vg_userdb_group(const struct vg_userdb *db, uint32_t gid)
{
	const struct uent *e = db ? find(db->groups, db->ngroups, gid) : NULL;

	return e ? e->name : NULL;
}

/* Credentials of the event: the process table's, else the event header's. */
static bool creds(const struct vg_eval_ctx *ctx, uint32_t *uid, uint32_t *gid, uint32_t *luid)
{
	if (ctx->proc) {
		*uid = ctx->proc->uid;
		*gid = ctx->proc->gid;
		*luid = ctx->proc->loginuid;
		return true;
	}
	if (ctx->ev && ctx->ev->hdr) {
		*uid = ctx->ev->hdr->uid;
		*gid = ctx->ev->hdr->gid;
		*luid = ctx->ev->hdr->loginuid;
		return true;
	}
	return false;
}

#define X(fn)                                                                                      \
	static void fn(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,              \
		       struct vg_fenv *env, struct vg_xval *out)

X(x_uid)
{
	uint32_t u, g, l;

	(void)ref;
	(void)env;
	if (creds(ctx, &u, &g, &l))
		vg_xval_u64(out, u);
}

X(x_name)
{
	uint32_t u, g, l;

	(void)ref;
	if (creds(ctx, &u, &g, &l))
		vg_xval_cstr(out, vg_userdb_user(env->users, u));
}

X(x_home)
{
	uint32_t u, g, l;

	(void)ref;
	if (creds(ctx, &u, &g, &l))
		vg_xval_cstr(out, vg_userdb_home(env->users, u));
}

X(x_shell)
{
	uint32_t u, g, l;

	(void)ref;
	if (creds(ctx, &u, &g, &l))
		vg_xval_cstr(out, vg_userdb_shell(env->users, u));
}

X(x_loginuid)
{
	uint32_t u, g, l;

	(void)ref;
	(void)env;
	/* libsinsp reports an unset login uid ((u32)-1) as -1 */
	if (creds(ctx, &u, &g, &l))
		vg_xval_s64(out, l == UINT32_MAX ? -1 : (int64_t)l);
}

X(x_loginname)
{
	uint32_t u, g, l;

	(void)ref;
	if (creds(ctx, &u, &g, &l) && l != UINT32_MAX)
		vg_xval_cstr(out, vg_userdb_user(env->users, l));
}

X(x_gid)
{
	uint32_t u, g, l;

	(void)ref;
	(void)env;
	if (creds(ctx, &u, &g, &l))
		vg_xval_u64(out, g);
}

X(x_gname)
{
	uint32_t u, g, l;

	(void)ref;
	if (creds(ctx, &u, &g, &l))
		vg_xval_cstr(out, vg_userdb_group(env->users, g));
}

static const struct vg_field_def user_defs[] = {
	VG_FIELD("user.uid", U64, NONE, VG_FF_LIVE, "User id", x_uid),
	VG_FIELD("user.name", STRING, NONE, VG_FF_LIVE, "User name (from /etc/passwd)", x_name),
	VG_FIELD("user.homedir", STRING, NONE, VG_FF_LIVE, "Home directory of the user", x_home),
	VG_FIELD("user.shell", STRING, NONE, VG_FF_LIVE, "Login shell of the user", x_shell),
	VG_FIELD("user.loginuid", S64, NONE, VG_FF_LIVE,
		 "Audit login uid; -1 when the process has none", x_loginuid),
	VG_FIELD("user.loginname", STRING, NONE, VG_FF_LIVE, "Name of the audit login user",
		 x_loginname),
};

static const struct vg_field_def group_defs[] = {
	VG_FIELD("group.gid", U64, NONE, VG_FF_LIVE, "Group id", x_gid),
	VG_FIELD("group.name", STRING, NONE, VG_FF_LIVE, "Group name (from /etc/group)", x_gname),
};

const struct vg_field_class vg_fields_user = {
	"user",
	"User fields (user.*)",
	user_defs,
	VG_FIELDS_COUNT(user_defs),
};

const struct vg_field_class vg_fields_group = {
	"group",
	"Group fields (group.*)",
	group_defs,
	VG_FIELDS_COUNT(group_defs),
};
