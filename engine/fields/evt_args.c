// SPDX-License-Identifier: Apache-2.0
/*
 * evt.arg.NAME and evt.arg[N] of syscall events: the arguments of the
 * syscall's row in vigil/syscalls.h, under the names of Falco's event table,
 * each rendered by its kind. Rendering
 * follows libsinsp's "resolved" form, which is what evt.arg compares: flag
 * sets as names joined by '|' (O_TRUNC|O_CREAT|O_WRONLY), modes as S_*
 * names, uids and gids as user and group names, paths as given.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <sys/mman.h>
#include <sys/socket.h>

#include "fields/fields_util.h"
#include "state/fd_table.h"
#include "kernel/syscall_table.h"

#define RET VG_ARG_RET

struct flag {
	uint64_t bit;
	const char *name;
};

#define NFLAGS(a) (sizeof(a) / sizeof((a)[0]))

/* Names of the set bits of v, joined by '|', in the table's order; "0" when none is set. */
static void put_flags(struct vg_fenv *env, struct vg_xval *out, uint64_t v, const struct flag *t,
		      size_t n)
{
	char *buf = vg_scratch_alloc(&env->scratch, 512);
	size_t len = 0;

	if (!buf)
		return;
	/* copied by hand: this runs for most opens, where snprintf was a tenth of the rules' time
	 */
	for (size_t i = 0; i < n; i++) {
		size_t nl;

		if (!t[i].bit || (v & t[i].bit) != t[i].bit)
			continue;
		nl = strlen(t[i].name);
		if (len + 1 + nl >= 512)
			break;
		if (len)
			buf[len++] = '|';
		memcpy(buf + len, t[i].name, nl);
		len += nl;
	}
	if (!len)
		buf[len++] = '0';
	buf[len] = '\0';
	vg_xval_str(out, buf, len);
}

static void put_fmt(struct vg_fenv *env, struct vg_xval *out, const char *fmt, long long v)
{
	char *buf = vg_scratch_alloc(&env->scratch, 24);

	if (buf)
		vg_xval_str(out, buf, (size_t)snprintf(buf, 24, fmt, v));
}

/*
 * O_* in libsinsp's order. The access mode (O_RDONLY is 0) and "the open
 * created the file" have no bit of their own in f: they get pseudo bits.
 */
#define OF_RDONLY  (1ULL << 32)
#define OF_WRONLY  (1ULL << 33)
#define OF_RDWR	   (1ULL << 34)
#define OF_CREATED (1ULL << 35)

static void put_open_flags(struct vg_fenv *env, struct vg_xval *out, uint32_t f, bool created)
{
	static const struct flag t[] = {
		{0100000, "O_LARGEFILE"},
		{O_DIRECTORY, "O_DIRECTORY"},
		{O_DIRECT, "O_DIRECT"},
		{O_TRUNC, "O_TRUNC"},
		{O_SYNC & ~O_DSYNC, "O_SYNC"},
		{O_NONBLOCK, "O_NONBLOCK"},
		{O_EXCL, "O_EXCL"},
		{O_DSYNC, "O_DSYNC"},
		{O_APPEND, "O_APPEND"},
		{O_CREAT, "O_CREAT"},
		{OF_RDWR, "O_RDWR"},
		{OF_WRONLY, "O_WRONLY"},
		{OF_RDONLY, "O_RDONLY"},
		{O_CLOEXEC, "O_CLOEXEC"},
		{O_TMPFILE & ~O_DIRECTORY, "O_TMPFILE"},
		{O_NOFOLLOW, "O_NOFOLLOW"},
		{O_PATH, "O_PATH"},
		{OF_CREATED, "O_F_CREATED"},
	};
	uint64_t v = f & ~(uint64_t)O_ACCMODE;

	/* O_TMPFILE includes O_DIRECTORY, O_SYNC includes O_DSYNC: name the larger one only;
	 * the table names them by their own bit */
	if ((f & O_TMPFILE) == O_TMPFILE)
		v &= ~(uint64_t)O_DIRECTORY;
	if ((f & O_SYNC) == O_SYNC)
		v &= ~(uint64_t)O_DSYNC;
	v |= (f & O_ACCMODE) == O_WRONLY ? OF_WRONLY
	     : (f & O_ACCMODE) == O_RDWR ? OF_RDWR
					 : OF_RDONLY;
	if (created)
		v |= OF_CREATED;
	put_flags(env, out, v, t, NFLAGS(t));
}

static void put_mode(struct vg_fenv *env, struct vg_xval *out, uint32_t m)
{
	static const struct flag t[] = {
		{0001, "S_IXOTH"}, {0002, "S_IWOTH"},  {0004, "S_IROTH"},  {0010, "S_IXGRP"},
		{0020, "S_IWGRP"}, {0040, "S_IRGRP"},  {0100, "S_IXUSR"},  {0200, "S_IWUSR"},
		{0400, "S_IRUSR"}, {01000, "S_ISVTX"}, {02000, "S_ISGID"}, {04000, "S_ISUID"},
	};

	put_flags(env, out, m, t, NFLAGS(t));
}

static const char *ptrace_request(uint64_t r)
{
	static const struct flag reqs[] = {
		{0, "PTRACE_TRACEME"},
		{1, "PTRACE_PEEKTEXT"},
		{2, "PTRACE_PEEKDATA"},
		{3, "PTRACE_PEEKUSR"},
		{4, "PTRACE_POKETEXT"},
		{5, "PTRACE_POKEDATA"},
		{6, "PTRACE_POKEUSR"},
		{7, "PTRACE_CONT"},
		{8, "PTRACE_KILL"},
		{9, "PTRACE_SINGLESTEP"},
		{12, "PTRACE_GETREGS"},
		{13, "PTRACE_SETREGS"},
		{14, "PTRACE_GETFPREGS"},
		{15, "PTRACE_SETFPREGS"},
		{16, "PTRACE_ATTACH"},
		{17, "PTRACE_DETACH"},
		{24, "PTRACE_SYSCALL"},
		{0x4200, "PTRACE_SETOPTIONS"},
		{0x4201, "PTRACE_GETEVENTMSG"},
		{0x4202, "PTRACE_GETSIGINFO"},
		{0x4203, "PTRACE_SETSIGINFO"},
		{0x4204, "PTRACE_GETREGSET"},
		{0x4205, "PTRACE_SETREGSET"},
		{0x4206, "PTRACE_SEIZE"},
		{0x4207, "PTRACE_INTERRUPT"},
		{0x4208, "PTRACE_LISTEN"},
	};

	for (size_t i = 0; i < NFLAGS(reqs); i++)
		if (reqs[i].bit == r)
			return reqs[i].name;
	return NULL;
}

static const char *socket_domain(uint64_t d)
{
	switch (d) {
	case AF_UNIX: return "AF_LOCAL";
	case AF_INET: return "AF_INET";
	case AF_INET6: return "AF_INET6";
	case AF_NETLINK: return "AF_NETLINK";
	case AF_PACKET: return "AF_PACKET";
	default: return NULL;
	}
}

/* Flag sets of the "at" calls, memfd_create and the namespace calls. */
static const struct flag unlink_flags[] = {{0x200, "AT_REMOVEDIR"}};
static const struct flag link_flags[] = {{0x400, "AT_SYMLINK_FOLLOW"}, {0x1000, "AT_EMPTY_PATH"}};
static const struct flag rename_flags[] = {
	{1, "RENAME_NOREPLACE"}, {2, "RENAME_EXCHANGE"}, {4, "RENAME_WHITEOUT"}};
static const struct flag memfd_flags[] = {{MFD_CLOEXEC, "MFD_CLOEXEC"},
					  {MFD_ALLOW_SEALING, "MFD_ALLOW_SEALING"},
					  {MFD_HUGETLB, "MFD_HUGETLB"}};
static const struct flag clone_flags[] = {
	{CLONE_FILES, "CLONE_FILES"},
	{CLONE_FS, "CLONE_FS"},
	{CLONE_NEWCGROUP, "CLONE_NEWCGROUP"},
	{CLONE_NEWIPC, "CLONE_NEWIPC"},
	{CLONE_NEWNET, "CLONE_NEWNET"},
	{CLONE_NEWNS, "CLONE_NEWNS"},
	{CLONE_NEWPID, "CLONE_NEWPID"},
	{CLONE_NEWUTS, "CLONE_NEWUTS"},
	{CLONE_NEWUSER, "CLONE_NEWUSER"},
	{CLONE_SYSVSEM, "CLONE_SYSVSEM"},
	{0x80, "CLONE_NEWTIME"},
};

static int64_t col_val(const struct vg_event *ev, unsigned col)
{
	return col == RET ? ev->hdr->retval : (int64_t)ev->sc->args[col < 6 ? col : 0];
}

/*
 * A path argument as the caller gave it, like Falco's evt.arg (absolute
 * forms are fd.name, evt.abspath and fs.path.*).
 */
static void put_path(const struct vg_event *ev, struct vg_fenv *env, struct vg_xval *out,
		     bool second)
{
	const struct vg_str *raw = &ev->var[second ? VG_VAR_PATH2 : VG_VAR_PATH];
	const char *s;

	if (!raw->len)
		return;
	s = vg_scratch_copy(&env->scratch, raw->ptr, raw->len);
	if (s)
		vg_xval_str(out, s, raw->len);
}

static void put_id_name(struct vg_fenv *env, struct vg_xval *out, uint32_t id, bool gid)
{
	const char *name = gid ? vg_userdb_group(env->users, id) : vg_userdb_user(env->users, id);

	if (name)
		vg_xval_cstr(out, name);
	else
		put_fmt(env, out, "%lld", id == UINT32_MAX ? -1 : (long long)id);
}

static bool file_of(const struct vg_event *ev, struct vg_file *f)
{
	const struct vg_str *v = &ev->var[VG_VAR_FILE];

	if (v->len != sizeof(*f))
		return false;
	memcpy(f, v->ptr, sizeof(*f));
	return true;
}

static void put_caps(const struct vg_event *ev, struct vg_fenv *env, struct vg_xval *out,
		     enum vg_arg_kind k)
{
	const struct vg_str *v = &ev->var[VG_VAR_CREDS];
	struct vg_creds c;

	if (v->len != sizeof(c))
		return;
	memcpy(&c, v->ptr, sizeof(c));
	vg_fx_caps_str(k == VG_AK_CAP_INH   ? c.cap_inheritable
		       : k == VG_AK_CAP_PRM ? c.cap_permitted
					    : c.cap_effective,
		       env, out);
}

/* pipe and socketpair: the int[2] the probe copied from user memory. */
static void put_pair_fd(const struct vg_event *ev, struct vg_fenv *env, struct vg_xval *out,
			bool second)
{
	const struct vg_str *v = &ev->var[VG_VAR_SOCKADDR];
	int32_t fds[2];

	if (v->len < sizeof(fds) || ev->hdr->retval < 0)
		return;
	memcpy(fds, v->ptr, sizeof(fds));
	put_fmt(env, out, "%lld", fds[second]);
}

static void render(const struct vg_eval_ctx *ctx, const struct vg_sc_arg *a, struct vg_fenv *env,
		   struct vg_xval *out);

static void render_flags(const struct vg_event *ev, const struct vg_sc_arg *a, struct vg_fenv *env,
			 struct vg_xval *out)
{
	uint64_t v = (uint64_t)col_val(ev, a->col);
	struct vg_file f;

	switch (a->kind) {
	case VG_AK_OFLAGS:
		put_open_flags(env, out, (uint32_t)v,
			       file_of(ev, &f) && (f.fmode & 0x100000u) /* FMODE_CREATED */);
		break;
	case VG_AK_MODE: put_mode(env, out, (uint32_t)v); break;
	case VG_AK_UNLINK: put_flags(env, out, v, unlink_flags, NFLAGS(unlink_flags)); break;
	case VG_AK_LINK: put_flags(env, out, v, link_flags, NFLAGS(link_flags)); break;
	case VG_AK_RENAME: put_flags(env, out, v, rename_flags, NFLAGS(rename_flags)); break;
	case VG_AK_MEMFD: put_flags(env, out, v, memfd_flags, NFLAGS(memfd_flags)); break;
	case VG_AK_CLONE: put_flags(env, out, v, clone_flags, NFLAGS(clone_flags)); break;
	default: break;
	}
}

static void render(const struct vg_eval_ctx *ctx, const struct vg_sc_arg *a, struct vg_fenv *env,
		   struct vg_xval *out)
{
	const struct vg_event *ev = ctx->ev;
	const struct vg_fd *fd = vg_ctx_state(ctx)->fd;
	const struct vg_str *data = &ev->var[VG_VAR_DATA];
	int64_t v = col_val(ev, a->col);
	struct vg_file f;

	switch (a->kind) {
	case VG_AK_RES: break; /* evt.c renders results for every event kind */
	case VG_AK_FD:
	case VG_AK_DIRFD:
	case VG_AK_DEC: put_fmt(env, out, "%lld", (long long)v); break;
	case VG_AK_HEX: put_fmt(env, out, "0x%llx", (long long)v); break;
	case VG_AK_OMODE: put_fmt(env, out, "0%llo", (long long)v); break;
	case VG_AK_PATH: put_path(ev, env, out, false); break;
	case VG_AK_PATH2: put_path(ev, env, out, true); break;
	case VG_AK_UID: put_id_name(env, out, (uint32_t)v, false); break;
	case VG_AK_GID: put_id_name(env, out, (uint32_t)v, true); break;
	case VG_AK_PTRACE: vg_xval_cstr(out, ptrace_request((uint64_t)v)); break;
	case VG_AK_DOMAIN: vg_xval_cstr(out, socket_domain((uint64_t)v)); break;
	case VG_AK_DATA:
		if (data->len)
			vg_xval_str(out, vg_scratch_copy(&env->scratch, data->ptr, data->len),
				    data->len);
		break;
	case VG_AK_TUPLE:
		if (fd && fd->has_sock && fd->name)
			vg_xval_cstr(out, fd->name);
		break;
	case VG_AK_CAP_INH:
	case VG_AK_CAP_PRM:
	case VG_AK_CAP_EFF: put_caps(ev, env, out, a->kind); break;
	case VG_AK_DEV:
		if (file_of(ev, &f))
			put_fmt(env, out, "0x%llx", (long long)f.dev);
		break;
	case VG_AK_INO:
		if (file_of(ev, &f))
			put_fmt(env, out, "%lld", (long long)f.ino);
		break;
	case VG_AK_FD1:
	case VG_AK_FD2: put_pair_fd(ev, env, out, a->kind == VG_AK_FD2); break;
	default: render_flags(ev, a, env, out); break;
	}
}

void vg_fx_sc_arg(const struct vg_eval_ctx *ctx, struct vg_fenv *env, struct vg_xval *out,
		  const char *key, int64_t index)
{
	const struct vg_sc_def *d = vg_fx_sc_row(ctx->ev);
	const struct vg_sc_arg *a = NULL;

	if (!d)
		return;
	if (key)
		a = vg_syscall_arg_named(d, key);
	else if (index >= 0 && index < VG_SC_NARGS)
		a = d->args[index].name ? &d->args[index] : NULL;
	if (a)
		render(ctx, a, env, out);
}

const char *vg_fx_sc_arg_name(const struct vg_event *ev, size_t i)
{
	const struct vg_sc_def *d = vg_fx_sc_row(ev);

	return d && i < VG_SC_NARGS ? d->args[i].name : NULL;
}

bool vg_fx_sc_arg_known(const char *syscall, const char *key)
{
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		const struct vg_sc_def *d = vg_syscall_def(id);

		if (strcmp(d->falco, syscall) == 0 && vg_syscall_arg_named(d, key))
			return true;
	}
	return false;
}
