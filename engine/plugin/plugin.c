// SPDX-License-Identifier: Apache-2.0
/* Plugins: dlopen, ABI check, registration of sources and fields, the event queue. */
#include "plugin/plugin_internal.h"

#include <dlfcn.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vigil/plugin.h>

#include "delivery/outputs.h"
#include "fields/registry.h"

#define DEFAULT_QUEUE	    4096
#define MAX_EXTRACT_SOURCES 8

struct vg_plugin_loaded;

struct vg_plugin_loaded {
	struct vg_plugins *ps;
	char *name;
	void *dl;
	struct vg_plugin_info info;
	struct vg_plugin_host host;
	void *state;
	bool inited, started;
	bool inited_pending; /* in init(): output_spool may be called */
	int source_id;	     /* its own source, or -1 */
	int out_kind;	     /* its output's kind in delivery/, or -1 */
	int ext_src[MAX_EXTRACT_SOURCES];
	size_t next_src;
	bool any_src;		   /* "*" in extract_sources: every plugin source */
	struct vg_field_def *defs; /* its fields, registered as one class */
	char **strs;		   /* names and descriptions, copied: 2 per field */
	struct vg_field_class cls;
	char *cls_desc;
	char *version; /* info.version, copied */
	char *source_name;
	struct vg_plugin_spool spool; /* what host->output_spool asked for; dir "" = none */
	struct vg_plugins_stats st;   /* its share of ps->st, under ps->mu */
};

struct qevent {
	int source;
	uint64_t ts_ns;
	uint32_t len;
	unsigned char data[];
};

struct vg_plugins {
	struct vg_plugin_loaded *pl;
	size_t n;
	pthread_mutex_t mu;
	struct qevent **q;
	size_t qcap, qhead, qlen;
	uint64_t evnum;
	struct vg_plugins_stats st;
};

static void perr(const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vigil: plugin '%s': ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Names a plugin declares: 1..VG_PLUGIN_MAX_NAME of [a-z0-9_.-], not starting with '.'. */
static bool good_name(const char *s)
{
	size_t n = 0;

	if (!s || !*s || *s == '.')
		return false;
	for (; s[n]; n++) {
		char c = s[n];

		if (n >= VG_PLUGIN_MAX_NAME ||
		    !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-' || (c >= 'A' && c <= 'Z')))
			return false;
	}
	return true;
}

static void host_log(void *ctx, enum vg_plugin_log_level level, const char *msg)
{
	static const char *const lv[] = {"error", "warning", "info"};
	struct vg_plugin_loaded *pl = ctx;

	fprintf(stderr, "vigil: plugin '%s' %s: %.*s\n", pl->name,
		(unsigned)level <= VG_PLUGIN_LOG_INFO ? lv[level] : "?", 1024, msg ? msg : "");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Only records the request: the output opens the spool when the outputs start. */
static int host_output_spool(void *ctx, const char *dir, uint64_t max_bytes, uint64_t max_age_s)
{
	struct vg_plugin_loaded *pl = ctx;
	size_t len = dir ? strlen(dir) : 0;

	if (!pl->inited_pending || !len || len >= sizeof(pl->spool.dir)) {
		perr(pl->name, "output_spool(): %s",
		     !pl->inited_pending ? "only from init()"
		     : !len		 ? "no directory"
					 : "directory name too long");
		return -1;
	}
	memcpy(pl->spool.dir, dir, len + 1);
	pl->spool.max_bytes = max_bytes;
	pl->spool.max_age_s = max_age_s;
	return 0;
}

/* From the plugin's thread: a copy into the bounded queue, or refused and counted. */
static int host_push(void *ctx, uint64_t ts_ns, const void *data, size_t len)
{
	struct vg_plugin_loaded *pl = ctx;
	struct vg_plugins *ps = pl->ps;
	struct qevent *e;

	if (pl->source_id < 0 || (!data && len))
		return -1;
	if (len > VG_PLUGIN_MAX_EVENT) {
		pthread_mutex_lock(&ps->mu);
		ps->st.dropped_oversize++;
		pl->st.dropped_oversize++;
		pthread_mutex_unlock(&ps->mu);
		return -1;
	}
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return -1;
	e->source = pl->source_id;
	e->ts_ns = ts_ns ? ts_ns : now_ns();
	e->len = (uint32_t)len;
	if (len)
		memcpy(e->data, data, len);
	e->data[len] = '\0'; /* extractors may treat it as text */
	pthread_mutex_lock(&ps->mu);
	if (ps->qlen == ps->qcap) {
		ps->st.dropped_full++;
		pl->st.dropped_full++;
		pthread_mutex_unlock(&ps->mu);
		free(e);
		return -1;
	}
	ps->q[(ps->qhead + ps->qlen++) % ps->qcap] = e;
	ps->st.pushed++;
	pl->st.pushed++;
	pthread_mutex_unlock(&ps->mu);
	return 0;
}

size_t vg_plugins_drain(struct vg_plugins *ps, vg_plugin_event_fn fn, void *arg)
{
	size_t n = 0;

	if (!ps)
		return 0;
	for (;;) {
		struct qevent *e = NULL;
		struct vg_src_event ev;

		pthread_mutex_lock(&ps->mu);
		if (ps->qlen) {
			e = ps->q[ps->qhead];
			ps->qhead = (ps->qhead + 1) % ps->qcap;
			ps->qlen--;
		}
		pthread_mutex_unlock(&ps->mu);
		if (!e)
			return n;
		ev = (struct vg_src_event){.source = e->source,
					   .num = ++ps->evnum,
					   .ts_ns = e->ts_ns,
					   .data = e->data,
					   .len = e->len};
		fn(arg, &ev);
		free(e);
		n++;
	}
}

/*
 * The loaded plugins, for the extractor to find which one a definition is
 * of (a pointer into its defs). Written at load, read-only while rules run.
 */
#define MAX_LOADED 16
static struct vg_plugin_loaded *all_loaded[MAX_LOADED];
static size_t nall_loaded;

static struct vg_plugin_loaded *owner_of(const struct vg_field_def *d, uint32_t *idx)
{
	for (size_t i = 0; i < nall_loaded; i++) {
		struct vg_plugin_loaded *pl = all_loaded[i];

		if (pl->defs && d >= pl->defs && d < pl->defs + pl->info.nfields) {
			*idx = (uint32_t)(d - pl->defs);
			return pl;
		}
	}
	return NULL;
}

static bool applies(const struct vg_plugin_loaded *pl, int source)
{
	if (pl->any_src)
		return true; /* ctx->src is set: an event of some plugin's source */
	for (size_t i = 0; i < pl->next_src; i++)
		if (pl->ext_src[i] == source)
			return true;
	return false;
}

static void bad_value(struct vg_plugin_loaded *pl)
{
	pthread_mutex_lock(&pl->ps->mu);
	pl->ps->st.bad_values++;
	pl->st.bad_values++;
	pthread_mutex_unlock(&pl->ps->mu);
}

/*
 * The registry's extractor for every plugin field: asks the plugin, then
 * checks what came back (count, type, length) and copies the strings into
 * the event's scratch, so nothing of the plugin's memory outlives the call.
 */
static void extract(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,
		    struct vg_fenv *env, struct vg_xval *out)
{
	uint32_t idx;
	struct vg_plugin_loaded *pl = owner_of(ref->def, &idx);
	struct vg_plugin_value vals[VG_PLUGIN_MAX_VALUES];
	struct vg_plugin_event pev;
	int n;

	if (!pl || !ctx->src || !applies(pl, ctx->src->source))
		return;
	pev = (struct vg_plugin_event){.num = ctx->src->num,
				       .ts_ns = ctx->src->ts_ns,
				       .data = ctx->src->data,
				       .len = ctx->src->len};
	memset(vals, 0, sizeof(vals));
	n = pl->info.extract(pl->state, idx, ref->arg, &pev, vals, VG_PLUGIN_MAX_VALUES);
	if (n < 0 || n > VG_PLUGIN_MAX_VALUES) {
		if (n > VG_PLUGIN_MAX_VALUES)
			bad_value(pl);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (ref->def->type == VG_FT_U64) {
			vg_xval_u64(out, vals[i].u64);
			continue;
		}
		if ((!vals[i].str && vals[i].len) || vals[i].len > VG_PLUGIN_MAX_STRING) {
			bad_value(pl);
			out->n = 0; /* a bad value spoils the extraction: missing */
			return;
		}
		{
			const char *s = vg_scratch_copy(
				&env->scratch, vals[i].str ? vals[i].str : "", vals[i].len);

			if (!s) {
				out->truncated = true;
				return;
			}
			vg_xval_str(out, s, vals[i].len);
		}
	}
}

static int check_version(const struct vg_plugin_loaded *pl, const char *path)
{
	const struct vg_plugin_info *in = &pl->info;

	if (in->api_major != VG_PLUGIN_API_MAJOR || in->api_minor > VG_PLUGIN_API_MINOR) {
		perr(pl->name,
		     "%s was built for plugin API %u.%u; this vigil has plugin API %u.%u "
		     "(the major must be the same and the minor not newer): refused",
		     path, in->api_major, in->api_minor, VG_PLUGIN_API_MAJOR, VG_PLUGIN_API_MINOR);
		return -1;
	}
	if (!in->name || strcmp(in->name, pl->name) != 0) {
		perr(pl->name, "%s calls itself '%.64s', not '%s'", path,
		     in->name && good_name(in->name) ? in->name : "?", pl->name);
		return -1;
	}
	if (!in->version || !in->init || !in->destroy) {
		perr(pl->name, "%s declares no version, init or destroy", path);
		return -1;
	}
	if ((in->nfields && (!in->fields || !in->extract)) || in->nfields > VG_PLUGIN_MAX_FIELDS) {
		perr(pl->name,
		     "%s declares %u fields without a field table or extract() "
		     "(or more than %d)",
		     path, in->nfields, VG_PLUGIN_MAX_FIELDS);
		return -1;
	}
	if (in->source && (!good_name(in->source) || !in->start || !in->stop)) {
		perr(pl->name, "its source needs a name of [A-Za-z0-9_.-] and start/stop");
		return -1;
	}
	return 0;
}

/* Its name and version, for rule files' required_plugin_versions. */
static int register_provided(struct vg_plugin_loaded *pl)
{
	if (!(pl->version = strndup(pl->info.version, 64)))
		return -1;
	if (vg_plugin_provide(pl->name, pl->version) != 0) {
		perr(pl->name, "a plugin of that name is loaded already (or too many plugins)");
		return -1;
	}
	return 0;
}

static int register_source(struct vg_plugin_loaded *pl)
{
	pl->source_id = -1;
	if (!pl->info.source)
		return 0;
	if (!(pl->source_name = strdup(pl->info.source)))
		return -1;
	pl->source_id = vg_source_register(pl->source_name);
	if (pl->source_id < 0) {
		perr(pl->name, "source '%s' is already defined (or too many sources)",
		     pl->source_name);
		return -1;
	}
	return 0;
}

/* Which sources the fields read: extract_sources, or the plugin's own. */
static int field_sources(struct vg_plugin_loaded *pl)
{
	const char *const *es = pl->info.extract_sources;

	if (!es) {
		if (pl->source_id >= 0)
			pl->ext_src[pl->next_src++] = pl->source_id;
		return 0;
	}
	for (size_t i = 0; es[i]; i++) {
		int id;

		if (strcmp(es[i], "*") == 0) {
			pl->any_src = true;
			continue;
		}
		id = vg_source_id(es[i]);
		if (id < 0 || pl->next_src == MAX_EXTRACT_SOURCES) {
			perr(pl->name,
			     "its fields read source '%.64s', which no plugin loaded "
			     "before it provides (or too many sources)",
			     es[i]);
			return -1;
		}
		pl->ext_src[pl->next_src++] = id;
	}
	return 0;
}

/* VG_FF_LIST for a field the plugin marks VG_PLUGIN_FIELD_LIST (plugin API 1.1). */
static unsigned field_list_flag(const struct vg_plugin_info *in, uint32_t i)
{
	if (in->api_minor < 1 || !in->field_flags)
		return 0; /* an older plugin's info ends before field_flags: vigil zeroed it */
	return (in->field_flags[i] & VG_PLUGIN_FIELD_LIST) ? VG_FF_LIST : 0;
}

static int register_fields(struct vg_plugin_loaded *pl)
{
	const struct vg_plugin_info *in = &pl->info;
	char err[256];

	if (!in->nfields)
		return 0;
	if (field_sources(pl) != 0)
		return -1;
	pl->defs = calloc(in->nfields, sizeof(*pl->defs));
	pl->strs = calloc(2 * (size_t)in->nfields, sizeof(*pl->strs));
	if (!pl->defs || !pl->strs)
		return -1;
	for (uint32_t i = 0; i < in->nfields; i++) {
		const struct vg_plugin_field *d = &in->fields[i];

		if (!good_name(d->name) || !strchr(d->name, '.') ||
		    (unsigned)d->type > VG_PLUGIN_FT_U64 ||
		    (unsigned)d->arg > VG_PLUGIN_ARG_OPTIONAL) {
			perr(pl->name, "field %u ('%.64s') has a bad name, type or argument kind",
			     i, d->name && good_name(d->name) ? d->name : "?");
			return -1;
		}
		/* copies: the plugin's strings are not trusted to stay */
		pl->strs[2 * i] = strdup(d->name);
		pl->strs[2 * i + 1] = strndup(d->desc ? d->desc : "", 1024);
		if (!pl->strs[2 * i] || !pl->strs[2 * i + 1])
			return -1;
		pl->defs[i] = (struct vg_field_def){
			.name = pl->strs[2 * i],
			.type = d->type == VG_PLUGIN_FT_U64 ? VG_FT_U64 : VG_FT_STRING,
			.arg = d->arg == VG_PLUGIN_ARG_NONE	  ? VG_FARG_NONE
			       : d->arg == VG_PLUGIN_ARG_REQUIRED ? VG_FARG_KEY
								  : VG_FARG_OPT_KEY,
			.flags = VG_FF_LIVE | VG_FF_SOURCE | field_list_flag(in, i),
			.desc = pl->strs[2 * i + 1],
			.extract = extract,
		};
	}
	if (asprintf(&pl->cls_desc, "fields of plugin %s %.32s", pl->name, in->version) < 0) {
		pl->cls_desc = NULL;
		return -1;
	}
	pl->cls = (struct vg_field_class){
		.name = pl->name, .desc = pl->cls_desc, .fields = pl->defs, .nfields = in->nfields};
	if (vg_field_register_class(&pl->cls, err, sizeof(err)) != 0) {
		perr(pl->name, "%s", err);
		return -1;
	}
	return 0;
}

/* dlopen, vigil_plugin_init, the checks, init, registration: one plugin. */
static int load_one(struct vg_plugin_loaded *pl, const struct vg_plugin_spec *sp)
{
	vg_plugin_init_fn fn;
	char err[512] = "";
	int rc;

	pl->source_id = -1;
	pl->dl = dlopen(sp->library_path, RTLD_NOW | RTLD_LOCAL);
	if (!pl->dl) {
		perr(pl->name, "cannot load %s: %s", sp->library_path, dlerror());
		return -1;
	}
	*(void **)&fn = dlsym(pl->dl, VG_PLUGIN_INIT_SYMBOL);
	if (!fn) {
		perr(pl->name, "%s exports no %s(): not a vigil plugin", sp->library_path,
		     VG_PLUGIN_INIT_SYMBOL);
		return -1;
	}
	pl->host = (struct vg_plugin_host){.api_major = VG_PLUGIN_API_MAJOR,
					   .api_minor = VG_PLUGIN_API_MINOR,
					   .ctx = pl,
					   .log = host_log,
					   .push = host_push,
					   .output_spool = host_output_spool};
	if (fn(&pl->host, &pl->info) != 0) {
		perr(pl->name, "%s: %s() failed", sp->library_path, VG_PLUGIN_INIT_SYMBOL);
		return -1;
	}
	if (check_version(pl, sp->library_path) != 0 || register_provided(pl) != 0 ||
	    register_source(pl) != 0 || register_fields(pl) != 0)
		return -1;
	pl->inited_pending = true;
	rc = pl->info.init(&pl->host, sp->init_config ? sp->init_config : "", &pl->state, err,
			   sizeof(err));
	pl->inited_pending = false;
	/* a minor-0 plugin's info ends at output: what follows is zero, never read */
	if (pl->info.api_minor < 1)
		pl->info.output_alert = NULL;
	if (rc != 0) {
		err[sizeof(err) - 1] = '\0';
		perr(pl->name, "init failed: %s", err[0] ? err : "(no message)");
		return -1;
	}
	pl->inited = true;
	if (pl->spool.dir[0] && !pl->info.output && !pl->info.output_alert) {
		perr(pl->name, "asked for an output spool (output_spool) but has no output");
		return -1;
	}
	pl->out_kind = -1;
	if ((pl->info.output || pl->info.output_alert) &&
	    (pl->out_kind = vg_output_register_kind(pl->name, &vg_plugin_output_ops)) < 0) {
		perr(pl->name, "its output cannot be registered (a name taken, or too many)");
		return -1;
	}
	return 0;
}

const char *vg_plugin_name(const struct vg_plugin_loaded *pl)
{
	return pl->name;
}

int vg_plugin_output(struct vg_plugin_loaded *pl, const struct vg_plugin_alert *a, char *err,
		     size_t errlen)
{
	int r;

	err[0] = '\0';
	if (!pl->info.output_alert)
		return pl->info.output(pl->state, a->line, a->len);
	r = pl->info.output_alert(pl->state, a, err, errlen);
	err[errlen - 1] = '\0'; /* the plugin's text: bounded whatever it did */
	return r;
}

const struct vg_plugin_spool *vg_plugin_spool(const struct vg_plugin_loaded *pl)
{
	return pl->spool.dir[0] ? &pl->spool : NULL;
}

size_t vg_plugins_outputs(struct vg_plugins *ps, struct vg_output_config *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; ps && i < ps->n && n < max; i++)
		if (ps->pl[i].out_kind >= 0)
			out[n++] = (struct vg_output_config){
				.kind = (enum vg_output_kind)ps->pl[i].out_kind,
				.enabled = true,
				.format = VG_FORMAT_JSON,
				.min_priority = 7,
				.ext.arg = &ps->pl[i],
			};
	return n;
}

void vg_plugins_stop(struct vg_plugins *ps)
{
	for (size_t i = 0; ps && i < ps->n; i++) {
		struct vg_plugin_loaded *pl = &ps->pl[i];

		if (pl->started && pl->info.stop)
			pl->info.stop(pl->state);
		pl->started = false;
	}
}

static void unload_one(struct vg_plugin_loaded *pl)
{
	if (pl->started && pl->info.stop)
		pl->info.stop(pl->state);
	if (pl->inited) /* after the outputs stopped: the caller's order (plugin.h) */
		pl->info.destroy(pl->state);
	/* the registry keeps the class and the source name: they stay until exit, and
	   so does the code of the extractor's plugin; dlclose would pull it away */
	pl->started = pl->inited = false;
}

struct vg_plugins *vg_plugins_load(const struct vg_plugin_spec *specs, size_t n, size_t queue_max)
{
	struct vg_plugins *ps = calloc(1, sizeof(*ps));

	if (!ps)
		return NULL;
	pthread_mutex_init(&ps->mu, NULL);
	ps->qcap = queue_max ? queue_max : DEFAULT_QUEUE;
	ps->q = calloc(ps->qcap, sizeof(*ps->q));
	ps->pl = calloc(n ? n : 1, sizeof(*ps->pl));
	if (!ps->q || !ps->pl)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct vg_plugin_loaded *pl = &ps->pl[i];

		pl->ps = ps;
		pl->name = strdup(specs[i].name);
		if (!pl->name || nall_loaded == MAX_LOADED) {
			fprintf(stderr, "vigil: plugin '%s': out of memory or too many plugins\n",
				specs[i].name);
			goto fail;
		}
		all_loaded[nall_loaded++] = pl;
		ps->n = i + 1;
		if (load_one(pl, &specs[i]) != 0)
			goto fail;
	}
	return ps;
fail:
	vg_plugins_free(ps);
	return NULL;
}

int vg_plugins_start(struct vg_plugins *ps)
{
	for (size_t i = 0; ps && i < ps->n; i++) {
		struct vg_plugin_loaded *pl = &ps->pl[i];

		if (!pl->info.source)
			continue;
		if (pl->info.start(pl->state) != 0) {
			perr(pl->name, "its source '%s' did not start", pl->info.source);
			return -1;
		}
		pl->started = true;
	}
	return 0;
}

void vg_plugins_free(struct vg_plugins *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		unload_one(&ps->pl[i]);
	while (ps->q && ps->qlen) {
		free(ps->q[ps->qhead]);
		ps->qhead = (ps->qhead + 1) % ps->qcap;
		ps->qlen--;
	}
	free(ps->q);
	/* ps->pl stays: the registry's classes point into it until exit (see unload_one) */
	pthread_mutex_destroy(&ps->mu);
	free(ps);
}

void vg_plugins_stats(const struct vg_plugins *ps, struct vg_plugins_stats *st)
{
	pthread_mutex_lock((pthread_mutex_t *)&ps->mu);
	*st = ps->st;
	pthread_mutex_unlock((pthread_mutex_t *)&ps->mu);
}

const char *vg_plugins_stats_of(const struct vg_plugins *ps, size_t i, struct vg_plugins_stats *st,
				size_t *queued, size_t *qcap)
{
	if (!ps || i >= ps->n)
		return NULL;
	pthread_mutex_lock((pthread_mutex_t *)&ps->mu);
	*st = ps->pl[i].st;
	*queued = ps->qlen;
	*qcap = ps->qcap;
	pthread_mutex_unlock((pthread_mutex_t *)&ps->mu);
	return ps->pl[i].name;
}

void vg_plugins_print_summary(const struct vg_plugins *ps, FILE *f)
{
	struct vg_plugins_stats st;

	if (!ps || !ps->n)
		return;
	vg_plugins_stats(ps, &st);
	fprintf(f,
		"vigil: plugins: events pushed=%" PRIu64 " dropped (queue_full=%" PRIu64
		" oversize=%" PRIu64 "); bad values=%" PRIu64 "\n",
		st.pushed, st.dropped_full, st.dropped_oversize, st.bad_values);
}

size_t vg_plugins_count(const struct vg_plugins *ps)
{
	return ps ? ps->n : 0;
}

void vg_plugins_list(const struct vg_plugins *ps, FILE *f)
{
	for (size_t i = 0; ps && i < ps->n; i++) {
		const struct vg_plugin_loaded *pl = &ps->pl[i];

		fprintf(f, "%s %s (plugin API %u.%u)%s%s, %u field(s)\n", pl->name,
			pl->info.version, pl->info.api_major, pl->info.api_minor,
			pl->info.source ? " source: " : "", pl->info.source ? pl->info.source : "",
			pl->info.nfields);
	}
}
