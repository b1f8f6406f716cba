// SPDX-License-Identifier: Apache-2.0
/* Field registry: class list, name lookup, argument binding, helpers. */
#include "fields/registry.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields/dns_names.h"

/*
 * The classes: the built-in ones and the plugins' go through one function,
 * vg_field_register_class, so a plugin's fields are listed, looked up and
 * bound exactly as the built-in ones (the built-in ones register first, on
 * the first use of the registry). Registration happens at start-up, before
 * any rule compiles; the table is read-only afterwards.
 */
#define MAX_CLASSES 64
static const struct vg_field_class *classes[MAX_CLASSES];
static size_t nclasses;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static const struct vg_field_class *const builtin[] = {
	&vg_fields_evt,	      &vg_fields_proc, &vg_fields_thread, &vg_fields_user,
	&vg_fields_group,     &vg_fields_fd,   &vg_fields_fdlist, &vg_fields_fs,
	&vg_fields_container, &vg_fields_k8s,
};

static int add_class(const struct vg_field_class *cl, char *err, size_t errlen);

static void register_builtin(void)
{
	char err[256];

	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (add_class(builtin[i], err, sizeof(err)) != 0)
			abort(); /* a built-in table is broken: a bug, caught by any test */
}

static const struct vg_field_def *find_exact(const char *name)
{
	for (size_t c = 0; c < nclasses; c++)
		for (size_t i = 0; i < classes[c]->nfields; i++)
			if (strcmp(classes[c]->fields[i].name, name) == 0)
				return &classes[c]->fields[i];
	return NULL;
}

static int add_class(const struct vg_field_class *cl, char *err, size_t errlen)
{
	if (nclasses == MAX_CLASSES) {
		snprintf(err, errlen, "too many field classes (%d at most)", MAX_CLASSES);
		return -1;
	}
	for (size_t i = 0; i < cl->nfields; i++) {
		/* two classes defining one name: the second would never be found */
		if (find_exact(cl->fields[i].name)) {
			snprintf(err, errlen, "field '%s' is already defined", cl->fields[i].name);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(cl->fields[i].name, cl->fields[j].name) == 0) {
				snprintf(err, errlen, "field '%s' is declared twice",
					 cl->fields[i].name);
				return -1;
			}
	}
	classes[nclasses++] = cl;
	return 0;
}

int vg_field_register_class(const struct vg_field_class *cl, char *err, size_t errlen)
{
	pthread_once(&builtin_once, register_builtin);
	return add_class(cl, err, errlen);
}

const struct vg_field_class *const *vg_field_classes(size_t *n)
{
	pthread_once(&builtin_once, register_builtin);
	*n = nclasses;
	return classes;
}

/* Event sources: "syscall" is source 0; plugins add theirs. */
#define MAX_SOURCES 16
static const char *sources[MAX_SOURCES] = {"syscall"};
static size_t nsources = 1;

int vg_source_register(const char *name)
{
	if (vg_source_id(name) >= 0)
		return -1;
	if (nsources == MAX_SOURCES)
		return -1;
	sources[nsources] = name;
	return (int)nsources++;
}

int vg_source_id(const char *name)
{
	for (size_t i = 0; i < nsources; i++)
		if (strcmp(sources[i], name) == 0)
			return (int)i;
	return -1;
}

/* The loaded plugins' names and versions, for rule files' required_plugin_versions. */
#define MAX_PROVIDED 16
static const char *provided_name[MAX_PROVIDED], *provided_version[MAX_PROVIDED];
static size_t nprovided;

int vg_plugin_provide(const char *name, const char *version)
{
	if (vg_plugin_provided(name) || nprovided == MAX_PROVIDED)
		return -1;
	provided_name[nprovided] = name;
	provided_version[nprovided++] = version;
	return 0;
}

const char *vg_plugin_provided(const char *name)
{
	for (size_t i = 0; i < nprovided; i++)
		if (strcmp(provided_name[i], name) == 0)
			return provided_version[i];
	return NULL;
}

size_t vg_source_count(void)
{
	return nsources;
}

const char *vg_source_name(int id)
{
	return id >= 0 && (size_t)id < nsources ? sources[id] : NULL;
}

const struct vg_field_def *vg_field_lookup(const char *name, const char **dotarg)
{
	const struct vg_field_def *best = NULL;
	size_t best_len = 0;

	*dotarg = NULL;
	pthread_once(&builtin_once, register_builtin);
	for (size_t c = 0; c < nclasses; c++) {
		const struct vg_field_class *cl = classes[c];

		for (size_t i = 0; i < cl->nfields; i++) {
			const struct vg_field_def *d = &cl->fields[i];
			size_t n = strlen(d->name);

			if (strcmp(d->name, name) == 0)
				return d;
			/* "evt.arg.flags": the longest dotted-argument prefix wins */
			if ((d->flags & VG_FF_DOTARG) && strncmp(d->name, name, n) == 0 &&
			    name[n] == '.' && name[n + 1] && n > best_len) {
				best = d;
				best_len = n;
			}
		}
	}
	if (best)
		*dotarg = name + best_len + 1;
	return best;
}

const char *vg_ftype_name(enum vg_ftype t)
{
	static const char *const names[VG_FT__COUNT] = {
		[VG_FT_STRING] = "string",   [VG_FT_BYTES] = "bytes",	[VG_FT_U64] = "uint64",
		[VG_FT_S64] = "int64",	     [VG_FT_BOOL] = "bool",	[VG_FT_IPADDR] = "ipaddr",
		[VG_FT_IPNET] = "ipnet",     [VG_FT_PORT] = "port",	[VG_FT_RELTIME] = "reltime",
		[VG_FT_ABSTIME] = "abstime", [VG_FT_DOUBLE] = "double",
	};

	return (unsigned)t < VG_FT__COUNT ? names[t] : "?";
}

bool vg_ftype_is_numeric(enum vg_ftype t)
{
	return t == VG_FT_U64 || t == VG_FT_S64 || t == VG_FT_PORT || t == VG_FT_RELTIME ||
	       t == VG_FT_ABSTIME || t == VG_FT_DOUBLE;
}

static bool parse_index(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 0)
		return false;
	*out = v;
	return true;
}

const char *vg_field_bind(struct vg_field_ref *ref, const struct vg_field_def *def, const char *arg)
{
	ref->def = def;
	ref->arg = arg;
	ref->index = -1;
	switch (def->arg) {
	case VG_FARG_NONE: return arg ? "this field takes no argument" : NULL;
	case VG_FARG_INDEX:
		if (!arg)
			return "this field needs an index argument, e.g. [0]";
		return parse_index(arg, &ref->index) ? NULL : "the argument must be an index";
	case VG_FARG_OPT_INDEX:
		if (arg && !parse_index(arg, &ref->index))
			return "the argument must be an index";
		return NULL;
	case VG_FARG_KEY:
		return arg && *arg ? NULL : "this field needs a key argument, e.g. [name]";
	case VG_FARG_OPT_KEY: return NULL;
	case VG_FARG_IDX_OR_KEY:
		if (!arg || !*arg)
			return "this field needs an argument: an index or a name";
		if (!parse_index(arg, &ref->index))
			ref->index = -1;
		return NULL;
	}
	return "bad argument";
}

/* Fields that learn the constants conditions compare them with. */
static const struct vg_field_learner *const learners[] = {&vg_learner_ip_names};

bool vg_field_learn(struct vg_fenv *env, const struct vg_field_ref *ref, bool literal,
		    const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(learners) / sizeof(learners[0]); i++)
		if (learners[i]->wants(ref->def))
			return learners[i]->learn(env, ref, literal, s, len);
	return true;
}

/* VIGIL_DNS_REFRESH_MS: the resolver's refresh interval (tests shorten it). */
static uint32_t dns_refresh_ms(void)
{
	const char *v = getenv("VIGIL_DNS_REFRESH_MS");
	char *end;
	unsigned long ms;

	if (!v || !*v)
		return 0;
	errno = 0;
	ms = strtoul(v, &end, 10);
	if (errno || *end || ms < 100 || ms > 3600000) {
		fprintf(stderr,
			"vigil: VIGIL_DNS_REFRESH_MS=%s is not 100..3600000 ms; using 10 s\n", v);
		return 0;
	}
	return (uint32_t)ms;
}

void vg_fenv_start(struct vg_fenv *env, unsigned wait_ms)
{
	struct vg_dns_opts o = {.refresh_ms = dns_refresh_ms(), .first_wait_ms = wait_ms};
	struct vg_dns_stats st;
	size_t n = vg_dns_names_count(env->dns);

	if (!n)
		return;
	if (vg_dns_names_start(env->dns, &o) != 0) {
		fprintf(stderr,
			"vigil: cannot start the resolver of the rules' %zu domain name(s); "
			"fd.*ip.name stays missing\n",
			n);
		return;
	}
	vg_dns_names_stats(env->dns, &st);
	fprintf(stderr,
		"vigil: fd.*ip.name: %zu domain name(s) from the rules (first: %s), "
		"%zu address(es) so far, refreshed every %u ms\n",
		n, vg_dns_names_name(env->dns, 0), st.addrs, o.refresh_ms ? o.refresh_ms : 10000);
}

void vg_fenv_free_learned(struct vg_fenv *env)
{
	vg_dns_names_free(env->dns);
	env->dns = NULL;
}

void vg_field_extract(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,
		      struct vg_fenv *env, struct vg_xval *out)
{
	out->type = ref->def->type;
	out->n = 0;
	out->truncated = false;
	/* a source's event has no syscall record: the syscall fields are missing */
	if (ctx && !ctx->ev && !(ref->def->flags & VG_FF_SOURCE))
		return;
	if (ref->def->extract && ctx)
		ref->def->extract(ref, ctx, env, out);
}

char *vg_scratch_alloc(struct vg_scratch *s, size_t n)
{
	char *p;

	if (!s->buf || n + 1 > s->cap - s->used)
		return NULL;
	p = s->buf + s->used;
	s->used += n + 1;
	p[n] = '\0';
	return p;
}

const char *vg_scratch_copy(struct vg_scratch *s, const char *p, size_t n)
{
	char *d = vg_scratch_alloc(s, n);

	if (d && n)
		memcpy(d, p, n);
	return d;
}

static struct vg_value *next_value(struct vg_xval *x)
{
	if (x->n >= VG_XVAL_MAX) {
		x->truncated = true;
		return NULL;
	}
	return &x->v[x->n++];
}

void vg_xval_str(struct vg_xval *x, const char *s, size_t len)
{
	struct vg_value *v = next_value(x);

	if (v) {
		v->s = s;
		v->len = (uint32_t)len;
	}
}

void vg_xval_cstr(struct vg_xval *x, const char *s)
{
	if (s)
		vg_xval_str(x, s, strlen(s));
}

void vg_xval_u64(struct vg_xval *x, uint64_t u)
{
	struct vg_value *v = next_value(x);

	if (v) {
		v->s = NULL;
		v->len = 0;
		v->u = u;
	}
}

void vg_xval_s64(struct vg_xval *x, int64_t i)
{
	vg_xval_u64(x, (uint64_t)i);
}

void vg_xval_bool(struct vg_xval *x, bool b)
{
	vg_xval_u64(x, b ? 1 : 0);
}

void vg_xval_ip(struct vg_xval *x, const uint8_t *ip, uint32_t len)
{
	struct vg_value *v = next_value(x);

	if (v) {
		memset(v->ip, 0, sizeof(v->ip));
		memcpy(v->ip, ip, len <= 16 ? len : 16);
		v->s = NULL;
		v->len = len;
	}
}
