// SPDX-License-Identifier: Apache-2.0
/*
 * evt.* fields, after libsinsp's sinsp_filter_check_event. vigil's events
 * are exit events (Falco's "<" direction); the type, times, return value
 * and, for exec events, the arguments Falco's execve exit carries are live.
 */
#include <stdio.h>
#include <string.h>

#include <fcntl.h>
#include <sys/socket.h>

#include "fields/fields_util.h"
#include "kernel/evttypes.h"
#include "state/fd_table.h"
#include "kernel/syscall_table.h"

/* ---- syscall rows and open flags ---- */

const struct vg_sc_def *vg_fx_sc_row(const struct vg_event *ev)
{
	if (!ev || ev->type != VG_EV_SYSCALL || !ev->sc)
		return NULL;
	return vg_syscall_def(ev->sc->id);
}

bool vg_fx_is_open(const struct vg_event *ev)
{
	const struct vg_sc_def *d = vg_fx_sc_row(ev);

	return d && d->fdfx == VG_FDFX_OPEN;
}

/*
 * The O_* flags of an open as the caller passed them (the kernel's f_flags
 * has lost O_CREAT, O_EXCL, O_NOCTTY and O_TRUNC by the time the fd exists).
 * openat2's come from its struct open_how, which the probe copies into args.
 * An open without a flags argument is creat's.
 */
static bool open_flags(const struct vg_event *ev, uint32_t *flags)
{
	const struct vg_sc_arg *a;

	if (!vg_fx_is_open(ev))
		return false;
	a = vg_syscall_arg(vg_fx_sc_row(ev), VG_AK_OFLAGS);
	*flags = a && a->col < 6 ? (uint32_t)ev->sc->args[a->col] : O_CREAT | O_WRONLY | O_TRUNC;
	return true;
}

/*
 * The open created the file: the kernel's FMODE_CREATED, as libsinsp's
 * O_F_CREATED. Records without the file's f_mode (a failed open, recordings
 * from before vigil carried it) fall back to the O_CREAT the caller asked for.
 */
#define VG_FMODE_CREATED 0x100000u
static bool open_created(const struct vg_event *ev, uint32_t flags)
{
	struct vg_file f;
	const struct vg_str *v = &ev->var[VG_VAR_FILE];

	if (v->len != sizeof(f))
		return ev->hdr->retval >= 0 && (flags & O_CREAT);
	memcpy(&f, v->ptr, sizeof(f));
	if (!f.fmode)
		return flags & O_CREAT;
	return f.fmode & VG_FMODE_CREATED;
}

static uint32_t open_mode(const struct vg_event *ev)
{
	const struct vg_sc_arg *a = vg_syscall_arg(vg_fx_sc_row(ev), VG_AK_OMODE);

	return a && a->col < 6 ? (uint32_t)ev->sc->args[a->col] : 0;
}

#define X(fn)                                                                                      \
	static void fn(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,              \
		       struct vg_fenv *env, struct vg_xval *out)

static bool have_hdr(const struct vg_eval_ctx *ctx)
{
	return ctx->ev && ctx->ev->hdr;
}

X(x_num)
{
	(void)ref;
	(void)ctx;
	vg_xval_u64(out, env->evt_num);
}

X(x_type)
{
	const char *n;

	(void)ref;
	(void)env;
	if (ctx->ev && (n = vg_evttype_name(vg_evttype_of(ctx->ev))))
		vg_xval_cstr(out, n);
}

X(x_syscall_type)
{
	/* procexit is not a syscall */
	if (ctx->ev && ctx->ev->type != VG_EV_EXIT)
		x_type(ref, ctx, env, out);
}

X(x_category)
{
	const struct vg_sc_def *row = vg_fx_sc_row(ctx->ev);

	(void)ref;
	(void)env;
	if (!ctx->ev)
		return;
	if (row && row->conf.family == VG_FAM_FILE)
		vg_xval_cstr(out, "file");
	else if (row && row->conf.family == VG_FAM_SOCK)
		vg_xval_cstr(out, "net");
	else
		vg_xval_cstr(out, "process");
}

X(x_dir)
{
	(void)ref;
	(void)env;
	if (ctx->ev)
		vg_xval_cstr(out, "<");
}

static uint64_t wall(const struct vg_eval_ctx *ctx)
{
	return ctx->ev->wall_ns ? ctx->ev->wall_ns : ctx->ev->hdr->ts_ns;
}

X(x_rawtime)
{
	(void)ref;
	(void)env;
	if (have_hdr(ctx))
		vg_xval_u64(out, wall(ctx));
}

X(x_rawtime_s)
{
	(void)ref;
	(void)env;
	if (have_hdr(ctx))
		vg_xval_u64(out, wall(ctx) / 1000000000ULL);
}

X(x_rawtime_ns)
{
	(void)ref;
	(void)env;
	if (have_hdr(ctx))
		vg_xval_u64(out, wall(ctx) % 1000000000ULL);
}

/* The event time as the one time formatter writes form (util/time_format.h). */
static void put_time(const struct vg_eval_ctx *ctx, struct vg_fenv *env, struct vg_xval *out,
		     enum vg_time_form form)
{
	char *buf;
	size_t n;

	if (!have_hdr(ctx) || !(buf = vg_scratch_alloc(&env->scratch, VG_TIME_MAX)))
		return;
	n = vg_time_format(&env->clock, wall(ctx), form, buf);
	if (n)
		vg_xval_str(out, buf, n);
}

X(x_time)
{
	(void)ref;
	put_time(ctx, env, out, VG_TIME_LOCAL);
}
X(x_time_s)
{
	(void)ref;
	put_time(ctx, env, out, VG_TIME_LOCAL_S);
}
X(x_time_iso)
{
	(void)ref;
	put_time(ctx, env, out, VG_TIME_UTC);
}
X(x_datetime)
{
	(void)ref;
	put_time(ctx, env, out, VG_TIME_DATETIME);
}
X(x_datetime_s)
{
	(void)ref;
	put_time(ctx, env, out, VG_TIME_DATETIME_S);
}

X(x_rawres)
{
	(void)ref;
	(void)env;
	if (have_hdr(ctx))
		vg_xval_s64(out, ctx->ev->hdr->retval);
}

/* "SUCCESS", or the errno name for a negative return as Falco prints it. */
static void put_res(const struct vg_eval_ctx *ctx, struct vg_fenv *env, struct vg_xval *out)
{
	int64_t r = ctx->ev->hdr->retval;
	const char *name;
	char *buf;

	if (r >= 0) {
		vg_xval_cstr(out, "SUCCESS");
		return;
	}
	name = r > -4096 ? strerrorname_np((int)-r) : NULL;
	if (name) {
		vg_xval_cstr(out, name);
		return;
	}
	buf = vg_scratch_alloc(&env->scratch, 24);
	if (buf)
		vg_xval_str(out, buf, (size_t)snprintf(buf, 24, "%lld", (long long)r));
}

X(x_res)
{
	(void)ref;
	if (have_hdr(ctx))
		put_res(ctx, env, out);
}

X(x_failed)
{
	(void)ref;
	(void)env;
	if (have_hdr(ctx))
		vg_xval_bool(out, ctx->ev->hdr->retval < 0);
}

X(x_hostname)
{
	(void)ref;
	(void)ctx;
	if (env->hostname[0])
		vg_xval_cstr(out, env->hostname);
}

X(x_source)
{
	(void)ref;
	(void)ctx;
	(void)env;
	vg_xval_cstr(out, "syscall");
}

X(x_false)
{
	(void)ref;
	(void)env;
	if (ctx->ev)
		vg_xval_bool(out, false);
}

/*
 * evt.is_open_*: true or false for opens, false for every other event. As
 * libsinsp: read/write from the access mode, create when the open created
 * the file, exec when it creates (O_CREAT or O_TMPFILE) with an execute bit.
 */
X(x_is_open)
{
	const char *what = ref->def->name + 12; /* after "evt.is_open_" */
	uint32_t f;
	bool v = false;

	(void)env;
	if (!ctx->ev)
		return;
	if (open_flags(ctx->ev, &f)) {
		if (strcmp(what, "read") == 0)
			v = (f & O_ACCMODE) == O_RDONLY || (f & O_ACCMODE) == O_RDWR;
		else if (strcmp(what, "write") == 0)
			v = (f & O_ACCMODE) == O_WRONLY || (f & O_ACCMODE) == O_RDWR;
		else if (strcmp(what, "create") == 0)
			v = open_created(ctx->ev, f);
		else
			v = ((f & O_CREAT) || (f & O_TMPFILE) == O_TMPFILE) &&
			    (open_mode(ctx->ev) & 0111);
	}
	vg_xval_bool(out, v);
}

static void put_var(const struct vg_eval_ctx *ctx, struct vg_fenv *env, struct vg_xval *out,
		    enum vg_var_id id)
{
	const struct vg_str *v = &ctx->ev->var[id];
	const char *s;

	if (!v->len)
		return;
	s = vg_scratch_copy(&env->scratch, v->ptr, v->len);
	if (s)
		vg_xval_str(out, s, v->len);
}

static void put_num_str(struct vg_fenv *env, struct vg_xval *out, long long v)
{
	char *buf = vg_scratch_alloc(&env->scratch, 24);

	if (buf)
		vg_xval_str(out, buf, (size_t)snprintf(buf, 24, "%lld", v));
}

/*
 * execve's exit "flags": of libsinsp's EXE_* flags, vigil knows
 * EXE_FROM_MEMFD; with none of them known to be set, the value is missing
 * rather than a "0" that would claim the others are clear.
 */
static void put_exe_flags(const struct vg_eval_ctx *ctx, struct vg_xval *out)
{
	if (ctx->proc && vg_fx_exe_from_memfd(ctx->proc))
		vg_xval_cstr(out, "EXE_FROM_MEMFD");
}

static void put_caps_of(const struct vg_eval_ctx *ctx, struct vg_fenv *env, struct vg_xval *out,
			const char *key)
{
	const struct vg_proc *p = ctx->proc;

	if (!p)
		return;
	if (strcmp(key, "cap_inheritable") == 0)
		vg_fx_caps_str(p->cap_inheritable, env, out);
	else if (strcmp(key, "cap_permitted") == 0)
		vg_fx_caps_str(p->cap_permitted, env, out);
	else
		vg_fx_caps_str(p->cap_effective, env, out);
}

/* The arguments of Falco's execve exit event, in its order, as far as vigil has them. */
static const char *const exec_args[] = {
	"res",
	"exe",
	"args",
	"tid",
	"pid",
	"ptid",
	"cwd",
	"comm",
	"tty",
	"vpgid",
	"loginuid",
	"flags",
	"cap_inheritable",
	"cap_permitted",
	"cap_effective",
	"exe_ino",
	"exe_ino_ctime",
	"exe_ino_mtime",
	"uid",
	"pgid",
	"gid",
	"filename",
};

#define NEXEC_ARGS (sizeof(exec_args) / sizeof(exec_args[0]))

static void exec_arg(const struct vg_eval_ctx *ctx, struct vg_fenv *env, struct vg_xval *out,
		     const char *key)
{
	const struct vg_event_hdr *h = ctx->ev->hdr;
	const struct vg_proc *p = ctx->proc;
	uint32_t len;
	const char *s;

	if (strcmp(key, "exe") == 0) {
		if (p && (s = vg_fx_proc_exe(p, &env->scratch, &len)))
			vg_xval_str(out, s, len);
	} else if (strcmp(key, "args") == 0) {
		if (p && (s = vg_fx_proc_args(p, &env->scratch, &len)))
			vg_xval_str(out, s, len);
	} else if (strcmp(key, "filename") == 0) {
		put_var(ctx, env, out, VG_VAR_FILENAME);
	} else if (strcmp(key, "cwd") == 0) {
		put_var(ctx, env, out, VG_VAR_CWD);
	} else if (strcmp(key, "tid") == 0) {
		put_num_str(env, out, h->tid);
	} else if (strcmp(key, "pid") == 0) {
		put_num_str(env, out, h->pid);
	} else if (strcmp(key, "ptid") == 0) {
		put_num_str(env, out, h->ppid);
	} else if (strcmp(key, "comm") == 0) {
		vg_xval_str(out, h->comm, strnlen(h->comm, sizeof(h->comm) - 1));
	} else if (strcmp(key, "loginuid") == 0) {
		put_num_str(env, out, (long long)(int32_t)h->loginuid);
	} else if (strcmp(key, "uid") == 0) {
		put_num_str(env, out, h->uid);
	} else if (strcmp(key, "gid") == 0) {
		put_num_str(env, out, h->gid);
	} else if (strcmp(key, "flags") == 0) {
		put_exe_flags(ctx, out);
	} else if (strncmp(key, "cap_", 4) == 0) {
		put_caps_of(ctx, env, out, key);
	} else if (!p) {
		return;
	} else if (strcmp(key, "tty") == 0) {
		put_num_str(env, out, p->tty);
	} else if (strcmp(key, "vpgid") == 0) {
		put_num_str(env, out, p->vpgid);
	} else if (strcmp(key, "pgid") == 0) {
		put_num_str(env, out, p->pgid);
	} else if (strcmp(key, "exe_ino") == 0) {
		put_num_str(env, out, p->exe_ino);
	} else if (strcmp(key, "exe_ino_ctime") == 0) {
		put_num_str(env, out, (long long)p->exe_ctime_ns);
	} else if (strcmp(key, "exe_ino_mtime") == 0) {
		put_num_str(env, out, (long long)p->exe_mtime_ns);
	}
}

/*
 * evt.arg.NAME / evt.arg[N], rendered as libsinsp does: the arguments of
 * Falco's execve exit event for exec events, the syscall's (evt_args.c)
 * for syscall events, the child pid for forks, the result for all.
 */
X(x_arg)
{
	const struct vg_event *ev = ctx->ev;
	const char *key = ref->arg;

	if (!have_hdr(ctx))
		return;
	if (ev->type == VG_EV_SYSCALL) {
		if (ref->index >= 0)
			key = vg_fx_sc_arg_name(ev, (size_t)ref->index);
		if (key && strcmp(key, "res") == 0)
			put_res(ctx, env, out);
		else if (key)
			vg_fx_sc_arg(ctx, env, out, key, -1);
		return;
	}
	if (ref->index >= 0 && ev->type == VG_EV_EXEC)
		key = (size_t)ref->index < NEXEC_ARGS ? exec_args[ref->index] : "";
	if (strcmp(key, "res") == 0)
		put_res(ctx, env, out);
	else if (ev->type == VG_EV_EXEC)
		exec_arg(ctx, env, out, key);
	else if (strcmp(key, "pid") == 0 && ev->type == VG_EV_FORK)
		put_num_str(env, out, ev->hdr->pid);
}

bool vg_fx_evt_arg_known(const char *syscall, const char *key)
{
	if (strcmp(syscall, "execve") == 0 || strcmp(syscall, "execveat") == 0)
		for (size_t i = 0; i < NEXEC_ARGS; i++)
			if (strcmp(exec_args[i], key) == 0)
				return true;
	return strcmp(key, "res") == 0 || vg_fx_sc_arg_known(syscall, key);
}

/* evt.abspath[.src|.dst]: the paths the state stage made absolute. */
X(x_abspath)
{
	const struct vg_event_state *st = vg_ctx_state(ctx);
	bool dst = strcmp(ref->def->name, "evt.abspath.dst") == 0;

	(void)env;
	if (!vg_fx_sc_row(ctx->ev))
		return;
	if (dst)
		vg_xval_cstr(out, st->path2_abs);
	else if (strcmp(ref->def->name, "evt.abspath.src") != 0 || st->path2_abs)
		vg_xval_cstr(out, st->path_abs);
}

/* Appends "name=value " for one argument, when it has a value. */
static size_t put_pair(struct vg_fenv *env, char *buf, size_t off, size_t cap, const char *name,
		       const struct vg_eval_ctx *ctx, vg_extract_fn fn, const char *key)
{
	struct vg_field_ref r = {.def = NULL, .arg = key, .index = -1};
	struct vg_xval x = {.n = 0};

	fn(&r, ctx, env, &x);
	if (!x.n || off >= cap)
		return off;
	off += (size_t)snprintf(buf + off, cap - off, "%s%s=%.*s", off ? " " : "", name,
				(int)x.v[0].len, x.v[0].s);
	return off < cap ? off : cap - 1;
}

/* evt.buffer: what the probe carried of a send or receive (VG_SNAPLEN bytes). */
X(x_buffer)
{
	const struct vg_str *d;

	(void)ref;
	(void)env;
	if (!vg_fx_sc_row(ctx->ev))
		return;
	d = &ctx->ev->var[VG_VAR_DATA];
	if (d->len)
		vg_xval_str(out, vg_scratch_copy(&env->scratch, d->ptr, d->len), d->len);
}

X(x_buflen)
{
	(void)ref;
	(void)env;
	if (vg_fx_sc_row(ctx->ev) && ctx->ev->var[VG_VAR_DATA].len)
		vg_xval_u64(out, ctx->ev->hdr->retval > 0 ? (uint64_t)ctx->ev->hdr->retval : 0);
}

/* evt.args: "name=value" for every argument evt.arg.* has a value for, in Falco's order. */
X(x_args)
{
	const size_t cap = 2048;
	const char *name;
	char *buf;
	size_t off = 0;

	(void)ref;
	if (!have_hdr(ctx) || !(buf = vg_scratch_alloc(&env->scratch, cap)))
		return;
	buf[0] = '\0';
	if (ctx->ev->type == VG_EV_EXEC) {
		/* the first seven, as Falco's evt.args begins; the rest are proc.* fields */
		for (size_t i = 0; i < 7; i++)
			off = put_pair(env, buf, off, cap, exec_args[i], ctx, x_arg, exec_args[i]);
	} else if (vg_fx_sc_row(ctx->ev)) {
		for (size_t i = 0; (name = vg_fx_sc_arg_name(ctx->ev, i)); i++)
			off = put_pair(env, buf, off, cap, name, ctx, x_arg, name);
	} else {
		off = put_pair(env, buf, off, cap, "res", ctx, x_arg, "res");
	}
	vg_xval_str(out, buf, off);
}

static const struct vg_field_def defs[] = {
	VG_FIELD("evt.num", U64, NONE, VG_FF_LIVE, "Event number, counted by the rule engine",
		 x_num),
	VG_FIELD("evt.time", STRING, NONE, VG_FF_LIVE | VG_FF_BUILT,
		 "Event time, HH:MM:SS.nnnnnnnnn (local)", x_time),
	VG_FIELD("evt.time.s", STRING, NONE, VG_FF_LIVE | VG_FF_BUILT,
		 "Event time, HH:MM:SS (local)", x_time_s),
	VG_FIELD("evt.time.iso8601", STRING, NONE, VG_FF_LIVE | VG_FF_BUILT,
		 "Event time, ISO 8601 in UTC", x_time_iso),
	VG_FIELD("evt.datetime", STRING, NONE, VG_FF_LIVE | VG_FF_BUILT,
		 "Event date and time, YYYY-MM-DD HH:MM:SS.nnnnnnnnn (local)", x_datetime),
	VG_FIELD("evt.datetime.s", STRING, NONE, VG_FF_LIVE | VG_FF_BUILT,
		 "Event date and time, YYYY-MM-DD HH:MM:SS (local)", x_datetime_s),
	VG_FIELD("evt.rawtime", ABSTIME, NONE, VG_FF_LIVE, "Event time, ns since the epoch",
		 x_rawtime),
	VG_FIELD("evt.rawtime.s", U64, NONE, VG_FF_LIVE, "Seconds part of evt.rawtime",
		 x_rawtime_s),
	VG_FIELD("evt.rawtime.ns", U64, NONE, VG_FF_LIVE, "Nanoseconds part of evt.rawtime",
		 x_rawtime_ns),
	VG_FIELD_NL("evt.reltime", RELTIME, NONE, "Time since the capture started"),
	VG_FIELD_NL("evt.reltime.s", U64, NONE, "Seconds part of evt.reltime"),
	VG_FIELD_NL("evt.reltime.ns", U64, NONE, "Nanoseconds part of evt.reltime"),
	VG_FIELD_NL("evt.pluginname", STRING, NONE, "Plugin that generated the event"),
	VG_FIELD_NL("evt.plugininfo", STRING, NONE, "Plugin's summary of the event"),
	VG_FIELD("evt.source", STRING, NONE, VG_FF_LIVE, "Event source: syscall", x_source),
	VG_FIELD_NL("evt.is_async", BOOL, NONE, "The event is asynchronous"),
	VG_FIELD_NL("evt.asynctype", STRING, NONE, "Type of an asynchronous event"),
	VG_FIELD("evt.hostname", STRING, NONE, VG_FF_LIVE, "Host name", x_hostname),
	VG_FIELD_NL("evt.latency", RELTIME, NONE, "Time between enter and exit (ns)"),
	VG_FIELD_NL("evt.latency.s", U64, NONE, "Seconds part of evt.latency"),
	VG_FIELD_NL("evt.latency.ns", U64, NONE, "Nanoseconds part of evt.latency"),
	VG_FIELD_NL("evt.latency.human", STRING, NONE, "evt.latency, human readable"),
	VG_FIELD_NL("evt.deltatime", RELTIME, NONE, "Time since the previous event"),
	VG_FIELD_NL("evt.deltatime.s", U64, NONE, "Seconds part of evt.deltatime"),
	VG_FIELD_NL("evt.deltatime.ns", U64, NONE, "Nanoseconds part of evt.deltatime"),
	VG_FIELD("evt.dir", STRING, NONE, VG_FF_LIVE, "Direction: always < (exit) in vigil", x_dir),
	VG_FIELD("evt.type", STRING, NONE, VG_FF_LIVE, "Event type, e.g. execve, procexit", x_type),
	VG_FIELD_NL("evt.type.is", U64, KEY, "1 when the event type is the argument"),
	VG_FIELD("syscall.type", STRING, NONE, VG_FF_LIVE,
		 "System call name; missing for non-syscall events", x_syscall_type),
	VG_FIELD("evt.category", STRING, NONE, VG_FF_LIVE, "Event category", x_category),
	VG_FIELD_NL("evt.cpu", S64, NONE, "CPU that generated the event"),
	VG_FIELD("evt.args", STRING, NONE, VG_FF_LIVE | VG_FF_BUILT,
		 "The event's arguments as name=value pairs, like Falco prints them", x_args),
	VG_FIELD("evt.arg", STRING, IDX_OR_KEY, VG_FF_LIVE | VG_FF_BUILT | VG_FF_DOTARG,
		 "An event argument by name (evt.arg.fd) or index (evt.arg[0])", x_arg),
	VG_FIELD_NL("evt.rawarg", STRING, IDX_OR_KEY, "An event argument, unformatted"),
	VG_FIELD_NL("evt.info", STRING, NONE, "Event arguments, or a description"),
	VG_FIELD("evt.buffer", BYTES, NONE, VG_FF_LIVE,
		 "Data of send/recv events: the first 80 bytes (Falco's default snaplen)",
		 x_buffer),
	VG_FIELD("evt.buflen", U64, NONE, VG_FF_LIVE,
		 "Bytes the send/recv event moved (its result)", x_buflen),
	VG_FIELD("evt.res", STRING, NONE, VG_FF_LIVE, "Result: SUCCESS or an errno name", x_res),
	VG_FIELD("evt.rawres", S64, NONE, VG_FF_LIVE, "Result as a number", x_rawres),
	VG_FIELD("evt.failed", BOOL, NONE, VG_FF_LIVE, "The event returned an error", x_failed),
	VG_FIELD("evt.is_io", BOOL, NONE, VG_FF_LIVE, "The event reads or writes data", x_false),
	VG_FIELD("evt.is_io_read", BOOL, NONE, VG_FF_LIVE, "The event reads data", x_false),
	VG_FIELD("evt.is_io_write", BOOL, NONE, VG_FF_LIVE, "The event writes data", x_false),
	VG_FIELD_NL("evt.io_dir", STRING, NONE, "r or w for I/O events"),
	VG_FIELD("evt.is_wait", BOOL, NONE, VG_FF_LIVE, "The event waits", x_false),
	VG_FIELD_NL("evt.wait_latency", RELTIME, NONE, "Time spent waiting"),
	VG_FIELD("evt.is_syslog", BOOL, NONE, VG_FF_LIVE, "The event writes to syslog", x_false),
	VG_FIELD_NL("evt.count", U64, NONE, "1 for every event (for aggregation)"),
	VG_FIELD_NL("evt.count.error", U64, NONE, "1 for events that failed"),
	VG_FIELD_NL("evt.count.error.file", U64, NONE, "1 for failed file events"),
	VG_FIELD_NL("evt.count.error.net", U64, NONE, "1 for failed network events"),
	VG_FIELD_NL("evt.count.error.memory", U64, NONE, "1 for failed memory events"),
	VG_FIELD_NL("evt.count.error.other", U64, NONE, "1 for other failed events"),
	VG_FIELD_NL("evt.count.exit", U64, NONE, "1 for exit events"),
	VG_FIELD_NL("evt.around", U64, INDEX, "Events around a time (trace files only)"),
	VG_FIELD("evt.abspath", STRING, OPT_KEY, VG_FF_LIVE,
		 "Absolute path of the event's (first) path argument", x_abspath),
	VG_FIELD("evt.abspath.src", STRING, NONE, VG_FF_LIVE,
		 "Absolute source path of a two-path event (rename, link)", x_abspath),
	VG_FIELD("evt.abspath.dst", STRING, NONE, VG_FF_LIVE,
		 "Absolute target path of a two-path event (rename, link)", x_abspath),
	VG_FIELD("evt.is_open_read", BOOL, NONE, VG_FF_LIVE, "An open for reading", x_is_open),
	VG_FIELD("evt.is_open_write", BOOL, NONE, VG_FF_LIVE, "An open for writing", x_is_open),
	VG_FIELD("evt.is_open_exec", BOOL, NONE, VG_FF_LIVE,
		 "An open that creates a file with an execute bit", x_is_open),
	VG_FIELD("evt.is_open_create", BOOL, NONE, VG_FF_LIVE, "An open that creates the file",
		 x_is_open),
};

const struct vg_field_class vg_fields_evt = {
	"evt",
	"Event fields (evt.*)",
	defs,
	VG_FIELDS_COUNT(defs),
};
