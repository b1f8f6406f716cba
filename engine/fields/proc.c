// SPDX-License-Identifier: Apache-2.0
/*
 * proc.* fields, after libsinsp's sinsp_filter_check_thread: what vigil's
 * process table knows (exe, argv, cwd, ancestry, times, session and process
 * group, the executable's inode, the environment) is live; what it does not
 * keep (resource usage, fd counts, standard fd types) is registered with its
 * type and extracts missing.
 */
#include <string.h>

#include "fields/fields_util.h"

struct vg_proc *vg_fx_ancestor(const struct vg_eval_ctx *ctx, int64_t n)
{
	if (!ctx->proc || n < 0)
		return NULL;
	if (n == 0)
		return ctx->proc;
	if (!ctx->procs || n > 1000000)
		return NULL;
	return vg_proc_ancestor(ctx->procs, ctx->proc, (int)n);
}

const char *vg_fx_proc_name(const struct vg_proc *p, uint32_t *len)
{
	const char *slash;

	if (p->comm[0]) {
		*len = (uint32_t)strnlen(p->comm, sizeof(p->comm));
		/* comm is NUL-terminated by the table (16 bytes, TASK_COMM_LEN) */
		return p->comm;
	}
	if (!p->exe)
		return NULL;
	slash = strrchr(p->exe, '/');
	slash = slash ? slash + 1 : p->exe;
	*len = (uint32_t)strlen(slash);
	return slash;
}

const char *vg_fx_proc_exe(const struct vg_proc *p, struct vg_scratch *s, uint32_t *len)
{
	size_t n;

	if (p->args && p->args_len) {
		n = strnlen(p->args, p->args_len);
		*len = (uint32_t)n;
		/* argv[0] ends at a NUL inside args unless args is argv[0] alone */
		return n < p->args_len ? p->args : vg_scratch_copy(s, p->args, n);
	}
	if (p->filename) {
		*len = (uint32_t)strlen(p->filename);
		return p->filename;
	}
	if (p->exe) {
		*len = (uint32_t)strlen(p->exe);
		return p->exe;
	}
	return NULL;
}

/* Where argv[1..] starts in p's args and how long it is, its last NUL dropped; 0 when none. */
static size_t args_after_first(const struct vg_proc *p, size_t *start)
{
	size_t first, n;

	if (!p->args || !p->args_len)
		return 0;
	first = strnlen(p->args, p->args_len);
	if (first + 1 >= p->args_len)
		return 0;
	n = p->args_len - first - 1;
	while (n && p->args[first + 1 + n - 1] == '\0')
		n--;
	*start = first + 1;
	return n;
}

const char *vg_fx_proc_args(const struct vg_proc *p, struct vg_scratch *s, uint32_t *len)
{
	size_t start = 0, n = args_after_first(p, &start);
	char *out;

	*len = 0;
	if (!n)
		return "";
	out = vg_scratch_alloc(s, n);
	if (!out)
		return NULL;
	vg_fx_copy_line(out, p->args + start, n);
	*len = (uint32_t)n;
	return out;
}

const char *vg_fx_proc_cmdline(const struct vg_proc *p, struct vg_scratch *s, uint32_t *len)
{
	uint32_t nlen = 0;
	const char *name = vg_fx_proc_name(p, &nlen);
	size_t start = 0, alen = args_after_first(p, &start);
	char *out;

	if (!name)
		return NULL;
	out = vg_scratch_alloc(s, nlen + (alen ? 1 + alen : 0));
	if (!out)
		return NULL;
	memcpy(out, name, nlen);
	if (alen) {
		out[nlen] = ' ';
		vg_fx_copy_line(out + nlen + 1, p->args + start, alen);
	}
	*len = (uint32_t)(nlen + (alen ? 1 + alen : 0));
	return out;
}

int64_t vg_fx_boot_to_wall(const struct vg_eval_ctx *ctx)
{
	if (!ctx->ev || !ctx->ev->hdr || !ctx->ev->wall_ns)
		return 0;
	return (int64_t)(ctx->ev->wall_ns - ctx->ev->hdr->ts_ns);
}

/* The process a field is about: self, parent, or ref's ancestor. */
enum which { SELF, PARENT, ANCESTOR };

static struct vg_proc *who(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,
			   enum which w)
{
	switch (w) {
	case SELF: return ctx->proc;
	case PARENT: return vg_fx_ancestor(ctx, 1);
	case ANCESTOR: return vg_fx_ancestor(ctx, ref->index);
	}
	return NULL;
}

static void put_name(struct vg_proc *p, struct vg_xval *out)
{
	uint32_t len;
	const char *s;

	if (p && (s = vg_fx_proc_name(p, &len)))
		vg_xval_str(out, s, len);
}

static void put_exe(struct vg_proc *p, struct vg_fenv *env, struct vg_xval *out)
{
	uint32_t len;
	const char *s;

	if (p && (s = vg_fx_proc_exe(p, &env->scratch, &len)))
		vg_xval_str(out, s, len);
}

static void put_exepath(struct vg_proc *p, struct vg_xval *out)
{
	if (p && p->exe)
		vg_xval_cstr(out, p->exe);
}

static void put_cmdline(struct vg_proc *p, struct vg_fenv *env, struct vg_xval *out)
{
	uint32_t len;
	const char *s;

	if (p && (s = vg_fx_proc_cmdline(p, &env->scratch, &len)))
		vg_xval_str(out, s, len);
}

/*
 * proc.aname and friends: with an index, that ancestor (0 = the process);
 * without one, every ancestor, so "proc.aname = sshd" matches any of them.
 */
typedef void (*put_fn)(struct vg_proc *p, struct vg_fenv *env, struct vg_xval *out);

static void each_ancestor(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,
			  struct vg_fenv *env, struct vg_xval *out, put_fn put)
{
	struct vg_proc *p;

	if (ref->index >= 0) {
		put(vg_fx_ancestor(ctx, ref->index), env, out);
		return;
	}
	for (int i = 1; i <= VG_XVAL_MAX; i++) {
		p = vg_fx_ancestor(ctx, i);
		if (!p)
			break;
		put(p, env, out);
	}
}

static void put_name_e(struct vg_proc *p, struct vg_fenv *env, struct vg_xval *out)
{
	(void)env;
	put_name(p, out);
}

static void put_exepath_e(struct vg_proc *p, struct vg_fenv *env, struct vg_xval *out)
{
	(void)env;
	put_exepath(p, out);
}

static void put_pid_e(struct vg_proc *p, struct vg_fenv *env, struct vg_xval *out)
{
	(void)env;
	if (p)
		vg_xval_s64(out, p->pid);
}

#define X(fn)                                                                                      \
	static void fn(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,              \
		       struct vg_fenv *env, struct vg_xval *out)

X(x_name)
{
	(void)env;
	put_name(who(ref, ctx, SELF), out);
}
X(x_pname)
{
	(void)env;
	put_name(who(ref, ctx, PARENT), out);
}
X(x_aname)
{
	each_ancestor(ref, ctx, env, out, put_name_e);
}
X(x_exe)
{
	put_exe(who(ref, ctx, SELF), env, out);
}
X(x_pexe)
{
	put_exe(who(ref, ctx, PARENT), env, out);
}
X(x_aexe)
{
	each_ancestor(ref, ctx, env, out, put_exe);
}
X(x_exepath)
{
	(void)env;
	put_exepath(who(ref, ctx, SELF), out);
}
X(x_pexepath)
{
	(void)env;
	put_exepath(who(ref, ctx, PARENT), out);
}
X(x_aexepath)
{
	each_ancestor(ref, ctx, env, out, put_exepath_e);
}
X(x_cmdline)
{
	put_cmdline(who(ref, ctx, SELF), env, out);
}
X(x_pcmdline)
{
	put_cmdline(who(ref, ctx, PARENT), env, out);
}
X(x_acmdline)
{
	each_ancestor(ref, ctx, env, out, put_cmdline);
}
X(x_apid)
{
	each_ancestor(ref, ctx, env, out, put_pid_e);
}

X(x_args)
{
	struct vg_proc *p = who(ref, ctx, SELF);
	uint32_t len;
	const char *s;

	if (p && (s = vg_fx_proc_args(p, &env->scratch, &len)))
		vg_xval_str(out, s, len);
}

X(x_exeline)
{
	struct vg_proc *p = who(ref, ctx, SELF);
	uint32_t elen, alen;
	const char *e, *a;
	char *o;

	if (!p || !(e = vg_fx_proc_exe(p, &env->scratch, &elen)) ||
	    !(a = vg_fx_proc_args(p, &env->scratch, &alen)))
		return;
	o = vg_scratch_alloc(&env->scratch, elen + (alen ? alen + 1 : 0));
	if (!o)
		return;
	memcpy(o, e, elen);
	if (alen) {
		o[elen] = ' ';
		memcpy(o + elen + 1, a, alen);
	}
	vg_xval_str(out, o, elen + (alen ? alen + 1 : 0));
}

X(x_cmdnargs)
{
	struct vg_proc *p = who(ref, ctx, SELF);
	uint64_t n = 0;

	(void)env;
	if (!p)
		return;
	for (uint32_t i = 0; p->args && i < p->args_len; i++)
		if (p->args[i] == '\0')
			n++;
	if (p->args_len && p->args[p->args_len - 1] != '\0')
		n++;
	vg_xval_u64(out, n ? n - 1 : 0);
}

X(x_cmdlenargs)
{
	struct vg_proc *p = who(ref, ctx, SELF);
	uint64_t n = 0;
	size_t first;

	(void)env;
	if (!p)
		return;
	if (p->args && p->args_len) {
		first = strnlen(p->args, p->args_len);
		for (size_t i = first + 1; i < p->args_len; i++)
			n += p->args[i] != '\0';
	}
	vg_xval_u64(out, n);
}

X(x_cwd)
{
	struct vg_proc *p = who(ref, ctx, SELF);
	size_t n;
	char *o;

	if (!p || !p->cwd)
		return;
	n = strlen(p->cwd);
	/* libsinsp keeps the working directory with a trailing slash */
	if (n && p->cwd[n - 1] == '/') {
		vg_xval_str(out, p->cwd, n);
		return;
	}
	o = vg_scratch_alloc(&env->scratch, n + 1);
	if (!o)
		return;
	memcpy(o, p->cwd, n);
	o[n] = '/';
	vg_xval_str(out, o, n + 1);
}

X(x_pid)
{
	(void)env;
	(void)ref;
	if (ctx->proc)
		vg_xval_s64(out, ctx->proc->pid);
	else if (ctx->ev && ctx->ev->hdr)
		vg_xval_s64(out, ctx->ev->hdr->pid);
}

X(x_ppid)
{
	(void)env;
	(void)ref;
	if (ctx->proc)
		vg_xval_s64(out, ctx->proc->ppid);
	else if (ctx->ev && ctx->ev->hdr)
		vg_xval_s64(out, ctx->ev->hdr->ppid);
}

X(x_vpid)
{
	(void)env;
	(void)ref;
	if (ctx->proc)
		vg_xval_s64(out, ctx->proc->vpid);
	else if (ctx->ev && ctx->ev->hdr)
		vg_xval_s64(out, ctx->ev->hdr->vpid);
}

X(x_pvpid)
{
	struct vg_proc *p = who(ref, ctx, PARENT);

	(void)env;
	if (p)
		vg_xval_s64(out, p->vpid);
}

X(x_tty)
{
	(void)env;
	(void)ref;
	if (ctx->proc)
		vg_xval_u64(out, ctx->proc->tty);
}

static void put_duration(struct vg_proc *p, const struct vg_eval_ctx *ctx, struct vg_xval *out)
{
	uint64_t now;

	if (!p || !p->start_ns || !ctx->ev || !ctx->ev->hdr)
		return;
	now = ctx->ev->hdr->ts_ns;
	vg_xval_u64(out, now > p->start_ns ? now - p->start_ns : 0);
}

X(x_duration)
{
	(void)env;
	put_duration(who(ref, ctx, SELF), ctx, out);
}
X(x_pduration)
{
	(void)env;
	put_duration(who(ref, ctx, PARENT), ctx, out);
}

static void put_start(struct vg_proc *p, const struct vg_eval_ctx *ctx, struct vg_xval *out)
{
	if (p && p->start_ns)
		vg_xval_u64(out, p->start_ns + (uint64_t)vg_fx_boot_to_wall(ctx));
}

X(x_pid_ts)
{
	(void)env;
	put_start(who(ref, ctx, SELF), ctx, out);
}
X(x_ppid_ts)
{
	(void)env;
	put_start(who(ref, ctx, PARENT), ctx, out);
}

X(x_exe_ino)
{
	(void)env;
	if (ctx->proc && ctx->proc->exe_ino)
		vg_xval_u64(out, who(ref, ctx, SELF)->exe_ino);
}

/*
 * A memfd's path: "memfd:NAME" from the exec probe (as Falco names it), or
 * "/memfd:NAME (deleted)" from /proc for processes seeded at start-up.
 */
bool vg_fx_exe_from_memfd(const struct vg_proc *p)
{
	const char *e = p->exe;

	if (!e)
		return false;
	return strncmp(e[0] == '/' ? e + 1 : e, "memfd:", 6) == 0;
}

X(x_exe_memfd)
{
	struct vg_proc *p = who(ref, ctx, SELF);

	(void)env;
	if (p && p->exe)
		vg_xval_bool(out, vg_fx_exe_from_memfd(p));
}

/* From the exec probe's overlayfs check; a process seeded from /proc reads false. */
X(x_exe_upper)
{
	struct vg_proc *p = who(ref, ctx, SELF);

	(void)env;
	if (p)
		vg_xval_bool(out, p->exe_upper_layer);
}

/*
 * Session and process group leaders, as libsinsp finds them: the process
 * whose (namespace) pid is the id, else the eldest ancestor still in the
 * same session or group (the leader may have exited).
 */
enum group { SID, VPGID, PGID };

static uint32_t group_id(const struct vg_proc *p, enum group g)
{
	return g == SID ? p->sid : g == VPGID ? p->vpgid : p->pgid;
}

static uint32_t own_id(const struct vg_proc *p, enum group g)
{
	return g == PGID ? p->pid : p->vpid;
}

static struct vg_proc *leader(const struct vg_eval_ctx *ctx, enum group g)
{
	struct vg_proc *p = ctx->proc, *best = p, *a;
	uint32_t id;

	if (!p || !(id = group_id(p, g)))
		return NULL;
	for (int i = 1; i < 1024 && own_id(best, g) != id; i++) {
		a = vg_fx_ancestor(ctx, i);
		if (!a || group_id(a, g) != id)
			break;
		best = a;
	}
	return best;
}

static void put_group_id(const struct vg_eval_ctx *ctx, enum group g, struct vg_xval *out)
{
	if (ctx->proc && group_id(ctx->proc, g))
		vg_xval_s64(out, group_id(ctx->proc, g));
}

static void put_is_leader(const struct vg_eval_ctx *ctx, enum group g, struct vg_xval *out)
{
	if (ctx->proc && group_id(ctx->proc, g))
		vg_xval_bool(out, group_id(ctx->proc, g) == own_id(ctx->proc, g));
}

X(x_sid)
{
	(void)ref;
	(void)env;
	put_group_id(ctx, SID, out);
}
X(x_vpgid)
{
	(void)ref;
	(void)env;
	put_group_id(ctx, VPGID, out);
}
X(x_pgid)
{
	(void)ref;
	(void)env;
	put_group_id(ctx, PGID, out);
}
X(x_is_sid_leader)
{
	(void)ref;
	(void)env;
	put_is_leader(ctx, SID, out);
}
X(x_is_vpgid_leader)
{
	(void)ref;
	(void)env;
	put_is_leader(ctx, VPGID, out);
}
X(x_is_pgid_leader)
{
	(void)ref;
	(void)env;
	put_is_leader(ctx, PGID, out);
}

/* proc.sname, proc.vpgid.exe, ...: a field of the leader; which one from the name's tail. */
static void put_leader(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,
		       struct vg_fenv *env, struct vg_xval *out, enum group g)
{
	const char *n = ref->def->name;
	struct vg_proc *l = leader(ctx, g);
	size_t len = strlen(n);

	if (len > 8 && strcmp(n + len - 8, ".exepath") == 0)
		put_exepath(l, out);
	else if (len > 4 && strcmp(n + len - 4, ".exe") == 0)
		put_exe(l, env, out);
	else
		put_name(l, out);
}

X(x_sid_leader)
{
	put_leader(ref, ctx, env, out, SID);
}
X(x_vpgid_leader)
{
	put_leader(ref, ctx, env, out, VPGID);
}
X(x_pgid_leader)
{
	put_leader(ref, ctx, env, out, PGID);
}

/* NAME's value in a NUL-separated environment block, or NULL. */
static const char *env_get(const char *e, uint32_t n, const char *name, uint32_t *vlen)
{
	size_t k = strlen(name);

	for (uint32_t i = 0; i < n;) {
		uint32_t len = (uint32_t)strnlen(e + i, n - i);

		if (len > k && e[i + k] == '=' && memcmp(e + i, name, k) == 0) {
			*vlen = len - (uint32_t)k - 1;
			return e + i + k + 1;
		}
		i += len + 1;
	}
	return NULL;
}

/* The whole environment, "A=1 B=2" as libsinsp joins it. */
static void put_env_all(const char *e, uint32_t n, struct vg_fenv *env, struct vg_xval *out)
{
	char *o;

	while (n && e[n - 1] == '\0')
		n--;
	o = vg_scratch_alloc(&env->scratch, n);
	if (!o)
		return;
	vg_fx_copy_line(o, e, n);
	vg_xval_str(out, o, n);
}

/* With a name, its value in p's environment; true when found. */
static bool put_env(struct vg_proc_table *t, struct vg_proc *p, const struct vg_field_ref *ref,
		    struct vg_fenv *env, struct vg_xval *out)
{
	uint32_t n, vlen;
	const char *e, *v;
	bool tried;

	if (!p)
		return false;
	tried = p->env_tried;
	e = vg_fx_proc_env(p, &n);
	/* read from /proc just now: counted now, the budget held by the pipeline after the event */
	if (!tried && t) {
		vg_proc_recount(t, p);
		p->strings_changed = true;
	}
	if (!e)
		return false;
	if (!ref->arg) {
		put_env_all(e, n, env, out);
		return true;
	}
	v = env_get(e, n, ref->arg, &vlen);
	if (v && (v = vg_scratch_copy(&env->scratch, v, vlen)))
		vg_xval_str(out, v, vlen);
	return v != NULL;
}

X(x_env)
{
	put_env(ctx->procs, ctx->proc, ref, env, out);
}

/* proc.aenv[NAME]: the first of the process and its ancestors that has NAME. */
X(x_aenv)
{
	struct vg_proc *p;

	for (int i = 0; i < 1024 && (p = vg_fx_ancestor(ctx, i)); i++)
		if (put_env(ctx->procs, p, ref, env, out) || !ref->arg)
			return;
}

static uint64_t proc_start_wall(const struct vg_proc *p, const struct vg_eval_ctx *ctx)
{
	return p->start_ns + (uint64_t)vg_fx_boot_to_wall(ctx);
}

X(x_exe_ino_time)
{
	struct vg_proc *p = ctx->proc;
	bool mtime = strcmp(ref->def->name, "proc.exe_ino.mtime") == 0;

	(void)env;
	if (p && (mtime ? p->exe_mtime_ns : p->exe_ctime_ns))
		vg_xval_u64(out, mtime ? p->exe_mtime_ns : p->exe_ctime_ns);
}

/* Time from the executable's last change to the process start: a fresh drop runs soon. */
X(x_ctime_to_start)
{
	struct vg_proc *p = ctx->proc;
	uint64_t start;

	(void)ref;
	(void)env;
	if (!p || !p->exe_ctime_ns || !p->start_ns || !vg_fx_boot_to_wall(ctx))
		return;
	start = proc_start_wall(p, ctx);
	vg_xval_u64(out, start > p->exe_ctime_ns ? start - p->exe_ctime_ns : 0);
}

/* Time from the pid namespace's start to the executable's change, when it came later. */
X(x_ctime_after_pidns)
{
	struct vg_proc *p = ctx->proc;
	uint64_t ns_start;

	(void)ref;
	(void)env;
	if (!p || !p->exe_ctime_ns || !p->pidns_init_start_ns || !vg_fx_boot_to_wall(ctx))
		return;
	ns_start = p->pidns_init_start_ns + (uint64_t)vg_fx_boot_to_wall(ctx);
	vg_xval_u64(out, p->exe_ctime_ns > ns_start ? p->exe_ctime_ns - ns_start : 0);
}

X(x_pidns_start)
{
	struct vg_proc *p = ctx->proc;

	(void)ref;
	(void)env;
	if (p && p->pidns_init_start_ns && vg_fx_boot_to_wall(ctx))
		vg_xval_u64(out, p->pidns_init_start_ns + (uint64_t)vg_fx_boot_to_wall(ctx));
}

static const struct vg_field_def defs[] = {
	VG_FIELD("proc.exe", STRING, NONE, VG_FF_LIVE,
		 "The first command-line argument (argv[0]), usually the executable name", x_exe),
	VG_FIELD("proc.pexe", STRING, NONE, VG_FF_LIVE, "proc.exe of the parent", x_pexe),
	VG_FIELD("proc.aexe", STRING, OPT_INDEX, VG_FF_LIVE | VG_FF_ANY,
		 "proc.exe of the N-th ancestor (0 = the process); without N, any ancestor",
		 x_aexe),
	VG_FIELD("proc.exepath", STRING, NONE, VG_FF_LIVE,
		 "Full path of the executable, resolved by the kernel", x_exepath),
	VG_FIELD("proc.pexepath", STRING, NONE, VG_FF_LIVE, "proc.exepath of the parent",
		 x_pexepath),
	VG_FIELD("proc.aexepath", STRING, OPT_INDEX, VG_FF_LIVE | VG_FF_ANY,
		 "proc.exepath of the N-th ancestor; without N, any ancestor", x_aexepath),
	VG_FIELD("proc.name", STRING, NONE, VG_FF_LIVE,
		 "Process name (the task's comm, at most 15 characters)", x_name),
	VG_FIELD("proc.pname", STRING, NONE, VG_FF_LIVE, "proc.name of the parent", x_pname),
	VG_FIELD("proc.aname", STRING, OPT_INDEX, VG_FF_LIVE | VG_FF_ANY,
		 "proc.name of the N-th ancestor (0 = the process); without N, any ancestor",
		 x_aname),
	VG_FIELD("proc.args", STRING, NONE, VG_FF_LIVE | VG_FF_BUILT,
		 "Command-line arguments after argv[0], joined by spaces", x_args),
	VG_FIELD("proc.cmdline", STRING, NONE, VG_FF_LIVE | VG_FF_BUILT,
		 "proc.name followed by proc.args", x_cmdline),
	VG_FIELD("proc.pcmdline", STRING, NONE, VG_FF_LIVE | VG_FF_BUILT,
		 "proc.cmdline of the parent", x_pcmdline),
	VG_FIELD("proc.acmdline", STRING, OPT_INDEX, VG_FF_LIVE | VG_FF_BUILT | VG_FF_ANY,
		 "proc.cmdline of the N-th ancestor; without N, any ancestor", x_acmdline),
	VG_FIELD("proc.exeline", STRING, NONE, VG_FF_LIVE | VG_FF_BUILT,
		 "proc.exe followed by proc.args", x_exeline),
	VG_FIELD("proc.cmdnargs", U64, NONE, VG_FF_LIVE, "Number of command-line arguments",
		 x_cmdnargs),
	VG_FIELD("proc.cmdlenargs", U64, NONE, VG_FF_LIVE,
		 "Total length of the command-line arguments, excluding argv[0] and separators",
		 x_cmdlenargs),
	VG_FIELD("proc.env", STRING, OPT_KEY, VG_FF_LIVE | VG_FF_BUILT,
		 "Environment (read from /proc, best effort); with [NAME], that variable's value",
		 x_env),
	VG_FIELD("proc.aenv", STRING, OPT_KEY, VG_FF_LIVE | VG_FF_BUILT,
		 "With [NAME], its value in the process's or the nearest ancestor's environment",
		 x_aenv),
	VG_FIELD("proc.cwd", STRING, NONE, VG_FF_LIVE,
		 "Current working directory, with a trailing slash", x_cwd),
	VG_FIELD_NL("proc.loginshellid", S64, NONE,
		    "pid of the oldest shell among the process's ancestors"),
	VG_FIELD("proc.tty", U64, NONE, VG_FF_LIVE,
		 "Controlling terminal (kernel tty_nr encoding), 0 when none", x_tty),
	VG_FIELD("proc.pid", S64, NONE, VG_FF_LIVE, "Process id (tgid)", x_pid),
	VG_FIELD("proc.ppid", S64, NONE, VG_FF_LIVE, "Parent process id", x_ppid),
	VG_FIELD("proc.apid", S64, OPT_INDEX, VG_FF_LIVE | VG_FF_ANY,
		 "pid of the N-th ancestor; without N, any ancestor", x_apid),
	VG_FIELD("proc.vpid", S64, NONE, VG_FF_LIVE,
		 "Process id as seen from its own pid namespace", x_vpid),
	VG_FIELD("proc.pvpid", S64, NONE, VG_FF_LIVE,
		 "Parent's pid as seen from its own pid namespace", x_pvpid),
	VG_FIELD("proc.sid", S64, NONE, VG_FF_LIVE,
		 "Session id, in the process's pid namespace (0: leader outside it)", x_sid),
	VG_FIELD("proc.sname", STRING, NONE, VG_FF_LIVE, "Name of the session leader",
		 x_sid_leader),
	VG_FIELD("proc.sid.exe", STRING, NONE, VG_FF_LIVE, "proc.exe of the session leader",
		 x_sid_leader),
	VG_FIELD("proc.sid.exepath", STRING, NONE, VG_FF_LIVE, "proc.exepath of the session leader",
		 x_sid_leader),
	VG_FIELD("proc.vpgid", S64, NONE, VG_FF_LIVE, "Process group id in the pid namespace",
		 x_vpgid),
	VG_FIELD("proc.vpgid.name", STRING, NONE, VG_FF_LIVE, "Name of the process group leader",
		 x_vpgid_leader),
	VG_FIELD("proc.vpgid.exe", STRING, NONE, VG_FF_LIVE, "proc.exe of the process group leader",
		 x_vpgid_leader),
	VG_FIELD("proc.vpgid.exepath", STRING, NONE, VG_FF_LIVE,
		 "proc.exepath of the process group leader", x_vpgid_leader),
	VG_FIELD("proc.pgid", S64, NONE, VG_FF_LIVE, "Process group id (global)", x_pgid),
	VG_FIELD("proc.pgid.name", STRING, NONE, VG_FF_LIVE, "Name of the process group leader",
		 x_pgid_leader),
	VG_FIELD("proc.pgid.exe", STRING, NONE, VG_FF_LIVE, "proc.exe of the process group leader",
		 x_pgid_leader),
	VG_FIELD("proc.pgid.exepath", STRING, NONE, VG_FF_LIVE,
		 "proc.exepath of the process group leader", x_pgid_leader),
	VG_FIELD("proc.duration", RELTIME, NONE, VG_FF_LIVE,
		 "Nanoseconds since the process started", x_duration),
	VG_FIELD("proc.ppid.duration", RELTIME, NONE, VG_FF_LIVE,
		 "Nanoseconds since the parent started", x_pduration),
	VG_FIELD("proc.pid.ts", ABSTIME, NONE, VG_FF_LIVE, "Start time of the process (epoch ns)",
		 x_pid_ts),
	VG_FIELD("proc.ppid.ts", ABSTIME, NONE, VG_FF_LIVE, "Start time of the parent (epoch ns)",
		 x_ppid_ts),
	VG_FIELD_NL("proc.is_exe_writable", BOOL, NONE,
		    "The executable file is writable by the process's user"),
	VG_FIELD("proc.is_exe_upper_layer", BOOL, NONE, VG_FF_LIVE,
		 "The executable is in the upper layer of an overlayfs", x_exe_upper),
	VG_FIELD_NL("proc.is_exe_lower_layer", BOOL, NONE,
		    "The executable is in a lower layer of an overlayfs"),
	VG_FIELD("proc.is_exe_from_memfd", BOOL, NONE, VG_FF_LIVE,
		 "The executable is a memfd (fileless execution)", x_exe_memfd),
	VG_FIELD("proc.is_sid_leader", BOOL, NONE, VG_FF_LIVE, "The process leads its session",
		 x_is_sid_leader),
	VG_FIELD("proc.is_vpgid_leader", BOOL, NONE, VG_FF_LIVE,
		 "The process leads its process group (pid namespace view)", x_is_vpgid_leader),
	VG_FIELD("proc.is_pgid_leader", BOOL, NONE, VG_FF_LIVE,
		 "The process leads its process group", x_is_pgid_leader),
	VG_FIELD("proc.exe_ino", U64, NONE, VG_FF_LIVE, "Inode number of the executable",
		 x_exe_ino),
	VG_FIELD("proc.exe_ino.ctime", ABSTIME, NONE, VG_FF_LIVE, "ctime of the executable's inode",
		 x_exe_ino_time),
	VG_FIELD("proc.exe_ino.mtime", ABSTIME, NONE, VG_FF_LIVE, "mtime of the executable's inode",
		 x_exe_ino_time),
	VG_FIELD("proc.exe_ino.ctime_duration_proc_start", RELTIME, NONE, VG_FF_LIVE,
		 "Time between the executable's ctime and the process start", x_ctime_to_start),
	VG_FIELD("proc.exe_ino.ctime_duration_pidns_start", RELTIME, NONE, VG_FF_LIVE,
		 "Time from the pid namespace's start to the executable's ctime, when later",
		 x_ctime_after_pidns),
	VG_FIELD("proc.pidns_init_start_ts", U64, NONE, VG_FF_LIVE,
		 "Start time of the pid namespace's init (epoch ns)", x_pidns_start),
	VG_FIELD_NL("proc.nthreads", U64, NONE, "Number of threads"),
	VG_FIELD_NL("proc.nchilds", U64, NONE, "Number of child threads"),
	VG_FIELD_NL("proc.fdopencount", U64, NONE, "Number of open file descriptors"),
	VG_FIELD_NL("proc.fdlimit", S64, NONE, "Maximum number of file descriptors"),
	VG_FIELD_NL("proc.fdusage", DOUBLE, NONE, "Open descriptors as a share of the limit"),
	VG_FIELD_NL("proc.vmsize", U64, NONE, "Virtual memory size (KiB)"),
	VG_FIELD_NL("proc.vmrss", U64, NONE, "Resident set size (KiB)"),
	VG_FIELD_NL("proc.vmswap", U64, NONE, "Swapped memory (KiB)"),
	VG_FIELD_NL("proc.pfmajor", U64, NONE, "Major page faults"),
	VG_FIELD_NL("proc.pfminor", U64, NONE, "Minor page faults"),
	VG_FIELD_NL("proc.stdin.type", STRING, NONE, "Type of fd 0"),
	VG_FIELD_NL("proc.stdout.type", STRING, NONE, "Type of fd 1"),
	VG_FIELD_NL("proc.stderr.type", STRING, NONE, "Type of fd 2"),
	VG_FIELD_NL("proc.stdin.name", STRING, NONE, "Name of fd 0"),
	VG_FIELD_NL("proc.stdout.name", STRING, NONE, "Name of fd 1"),
	VG_FIELD_NL("proc.stderr.name", STRING, NONE, "Name of fd 2"),
	VG_FIELD_NL("proc.is_container_healthcheck", BOOL, NONE,
		    "The process is a container health check"),
	VG_FIELD_NL("proc.is_container_liveness_probe", BOOL, NONE,
		    "The process is a Kubernetes liveness probe"),
	VG_FIELD_NL("proc.is_container_readiness_probe", BOOL, NONE,
		    "The process is a Kubernetes readiness probe"),
};

const struct vg_field_class vg_fields_proc = {
	"process",
	"Process fields (proc.*), from vigil's process table",
	defs,
	VG_FIELDS_COUNT(defs),
};
