// SPDX-License-Identifier: Apache-2.0
/*
 * evt.arg.NAME and evt.arg[N] of syscall events: one table row per captured
 * syscall listing its arguments under the names of Falco's event table
 * (the exit event's, with the enter event's merged in, since vigil reports
 * each syscall once at its exit), and how each is rendered. Rendering
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
#include "vigil/syscalls.h"

enum kind {
	K_RES,	   /* the result: SUCCESS or errno name */
	K_FD,	   /* a descriptor number */
	K_DEC,	   /* a signed decimal */
	K_HEX,	   /* 0x... */
	K_PATH,	   /* first path argument */
	K_PATH2,   /* second path argument */
	K_OFLAGS,  /* O_* of an open */
	K_OMODE,   /* an open's mode, octal */
	K_MODE,	   /* S_* names (chmod family) */
	K_UID,	   /* a user name, else the number */
	K_GID,	   /* a group name, else the number */
	K_PTRACE,  /* PTRACE_* request */
	K_DOMAIN,  /* AF_* */
	K_UNLINK,  /* AT_REMOVEDIR */
	K_LINK,	   /* AT_SYMLINK_FOLLOW, AT_EMPTY_PATH */
	K_RENAME,  /* RENAME_* */
	K_MEMFD,   /* MFD_* */
	K_CLONE,   /* CLONE_NEW* of unshare/setns */
	K_DATA,	   /* the I/O buffer, first VG_SNAPLEN bytes */
	K_TUPLE,   /* the socket's tuple text, as fd.name */
	K_CAP_INH, /* capability sets after capset */
	K_CAP_PRM,
	K_CAP_EFF,
	K_DEV, /* the new fd's file device and inode */
	K_INO,
	K_FD1, /* pipe/socketpair: the two new descriptors */
	K_FD2,
};

#define RET   VG_ARG_RET
#define NARGS 8

struct arg {
	const char *name;
	unsigned char kind, col;
};

struct sc_args {
	struct arg a[NARGS];
};

#define A(n, k, c)                                                                                 \
	{                                                                                          \
		n, k, c                                                                            \
	}
#define RES   A("res", K_RES, RET)
#define NEWFD A("fd", K_FD, RET)

static const struct sc_args table[VG_SC__MAX] = {
	[VG_SC_open] = {{NEWFD, A("name", K_PATH, 0), A("flags", K_OFLAGS, 1),
			 A("mode", K_OMODE, 2), A("dev", K_DEV, RET), A("ino", K_INO, RET)}},
	[VG_SC_openat] = {{NEWFD, A("dirfd", K_FD, 0), A("name", K_PATH, 1),
			   A("flags", K_OFLAGS, 2), A("mode", K_OMODE, 3), A("dev", K_DEV, RET),
			   A("ino", K_INO, RET)}},
	[VG_SC_openat2] = {{NEWFD, A("dirfd", K_FD, 0), A("name", K_PATH, 1),
			    A("flags", K_OFLAGS, 2), A("mode", K_OMODE, 3), A("dev", K_DEV, RET),
			    A("ino", K_INO, RET)}},
	[VG_SC_creat] = {{NEWFD, A("name", K_PATH, 0), A("mode", K_OMODE, 1), A("dev", K_DEV, RET),
			  A("ino", K_INO, RET)}},
	[VG_SC_chmod] = {{RES, A("filename", K_PATH, 0), A("mode", K_MODE, 1)}},
	[VG_SC_fchmod] = {{RES, A("fd", K_FD, 0), A("mode", K_MODE, 1)}},
	[VG_SC_fchmodat] = {{RES, A("dirfd", K_FD, 0), A("filename", K_PATH, 1),
			     A("mode", K_MODE, 2)}},
	[VG_SC_mkdir] = {{RES, A("path", K_PATH, 0), A("mode", K_HEX, 1)}},
	[VG_SC_mkdirat] = {{RES, A("dirfd", K_FD, 0), A("path", K_PATH, 1), A("mode", K_HEX, 2)}},
	[VG_SC_rmdir] = {{RES, A("path", K_PATH, 0)}},
	[VG_SC_unlink] = {{RES, A("path", K_PATH, 0)}},
	[VG_SC_unlinkat] = {{RES, A("dirfd", K_FD, 0), A("name", K_PATH, 1),
			     A("flags", K_UNLINK, 2)}},
	[VG_SC_rename] = {{RES, A("oldpath", K_PATH, 0), A("newpath", K_PATH2, 1)}},
	[VG_SC_renameat] = {{RES, A("olddirfd", K_FD, 0), A("oldpath", K_PATH, 1),
			     A("newdirfd", K_FD, 2), A("newpath", K_PATH2, 3)}},
	[VG_SC_renameat2] = {{RES, A("olddirfd", K_FD, 0), A("oldpath", K_PATH, 1),
			      A("newdirfd", K_FD, 2), A("newpath", K_PATH2, 3),
			      A("flags", K_RENAME, 4)}},
	[VG_SC_link] = {{RES, A("oldpath", K_PATH, 0), A("newpath", K_PATH2, 1)}},
	[VG_SC_linkat] = {{RES, A("olddir", K_FD, 0), A("oldpath", K_PATH, 1), A("newdir", K_FD, 2),
			   A("newpath", K_PATH2, 3), A("flags", K_LINK, 4)}},
	[VG_SC_symlink] = {{RES, A("target", K_PATH, 0), A("linkpath", K_PATH2, 1)}},
	[VG_SC_symlinkat] = {{RES, A("target", K_PATH, 0), A("linkdirfd", K_FD, 1),
			      A("linkpath", K_PATH2, 2)}},
	[VG_SC_chdir] = {{RES, A("path", K_PATH, 0)}},
	[VG_SC_fchdir] = {{RES, A("fd", K_FD, 0)}},
	/* a successful execve is an exec event; these rows are for failed ones */
	[VG_SC_execve] = {{RES, A("filename", K_PATH, 0)}},
	[VG_SC_execveat] = {{RES, A("dirfd", K_FD, 0), A("pathname", K_PATH, 1),
			     A("flags", K_HEX, 4)}},
	[VG_SC_memfd_create] = {{NEWFD, A("name", K_PATH, 0), A("flags", K_MEMFD, 1)}},
	[VG_SC_mount] = {{RES, A("dev", K_PATH, 0), A("dir", K_PATH2, 1), A("flags", K_HEX, 3)}},
	[VG_SC_umount2] = {{RES, A("name", K_PATH, 0), A("flags", K_HEX, 1)}},
	[VG_SC_finit_module] = {{RES, A("fd", K_FD, 0), A("flags", K_HEX, 2)}},
	[VG_SC_init_module] = {{RES, A("length", K_DEC, 1)}},
	[VG_SC_setns] = {{RES, A("fd", K_FD, 0), A("nstype", K_CLONE, 1)}},
	[VG_SC_close] = {{RES, A("fd", K_FD, 0)}},
	[VG_SC_dup] = {{RES, A("oldfd", K_FD, 0)}},
	[VG_SC_dup2] = {{RES, A("oldfd", K_FD, 0), A("newfd", K_FD, 1)}},
	[VG_SC_dup3] = {{RES, A("oldfd", K_FD, 0), A("newfd", K_FD, 1), A("flags", K_HEX, 2)}},
	[VG_SC_fcntl] = {{RES, A("fd", K_FD, 0), A("cmd", K_DEC, 1)}},
	[VG_SC_pipe] = {{RES, A("fd1", K_FD1, 0), A("fd2", K_FD2, 0)}},
	[VG_SC_pipe2] = {{RES, A("fd1", K_FD1, 0), A("fd2", K_FD2, 0), A("flags", K_HEX, 1)}},
	[VG_SC_socket] = {{NEWFD, A("domain", K_DOMAIN, 0), A("type", K_DEC, 1),
			   A("proto", K_DEC, 2)}},
	[VG_SC_socketpair] = {{RES, A("fd1", K_FD1, 3), A("fd2", K_FD2, 3),
			       A("domain", K_DOMAIN, 0), A("type", K_DEC, 1),
			       A("proto", K_DEC, 2)}},
	[VG_SC_connect] = {{RES, A("tuple", K_TUPLE, 0), A("fd", K_FD, 0)}},
	[VG_SC_bind] = {{RES, A("fd", K_FD, 0)}},
	[VG_SC_listen] = {{RES, A("fd", K_FD, 0), A("backlog", K_DEC, 1)}},
	[VG_SC_accept] = {{NEWFD, A("tuple", K_TUPLE, RET)}},
	[VG_SC_accept4] = {{NEWFD, A("tuple", K_TUPLE, RET), A("flags", K_HEX, 3)}},
	[VG_SC_sendto] = {{RES, A("data", K_DATA, 1), A("fd", K_FD, 0), A("size", K_DEC, 2),
			   A("tuple", K_TUPLE, 0)}},
	[VG_SC_recvfrom] = {{RES, A("data", K_DATA, 1), A("tuple", K_TUPLE, 0), A("fd", K_FD, 0),
			     A("size", K_DEC, 2)}},
	[VG_SC_sendmsg] = {{RES, A("data", K_DATA, 1), A("fd", K_FD, 0), A("tuple", K_TUPLE, 0)}},
	[VG_SC_recvmsg] = {{RES, A("data", K_DATA, 1), A("tuple", K_TUPLE, 0), A("fd", K_FD, 0)}},
	[VG_SC_ptrace] = {{RES, A("request", K_PTRACE, 0), A("pid", K_DEC, 1), A("addr", K_HEX, 2),
			   A("data", K_HEX, 3)}},
	[VG_SC_unshare] = {{RES, A("flags", K_CLONE, 0)}},
	[VG_SC_setuid] = {{RES, A("uid", K_UID, 0)}},
	[VG_SC_setgid] = {{RES, A("gid", K_GID, 0)}},
	[VG_SC_setreuid] = {{RES, A("ruid", K_UID, 0), A("euid", K_UID, 1)}},
	[VG_SC_setregid] = {{RES, A("rgid", K_GID, 0), A("egid", K_GID, 1)}},
	[VG_SC_setresuid] = {{RES, A("ruid", K_UID, 0), A("euid", K_UID, 1), A("suid", K_UID, 2)}},
	[VG_SC_setresgid] = {{RES, A("rgid", K_GID, 0), A("egid", K_GID, 1), A("sgid", K_GID, 2)}},
	[VG_SC_capset] = {{RES, A("cap_inheritable", K_CAP_INH, RET),
			   A("cap_permitted", K_CAP_PRM, RET), A("cap_effective", K_CAP_EFF, RET)}},
	[VG_SC_prctl] = {{RES, A("option", K_DEC, 0), A("arg2_int", K_DEC, 1)}},
	/* Falco's bpf enter event carries cmd as a number (5 is BPF_PROG_LOAD) */
	[VG_SC_bpf] = {{NEWFD, A("cmd", K_DEC, 0)}},
	[VG_SC_userfaultfd] = {{NEWFD, A("flags", K_HEX, 0)}},
};

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
		     enum kind k)
{
	const struct vg_str *v = &ev->var[VG_VAR_CREDS];
	struct vg_creds c;

	if (v->len != sizeof(c))
		return;
	memcpy(&c, v->ptr, sizeof(c));
	vg_fx_caps_str(k == K_CAP_INH	? c.cap_inheritable
		       : k == K_CAP_PRM ? c.cap_permitted
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

static void render(const struct vg_event *ev, const struct arg *a, struct vg_fenv *env,
		   struct vg_xval *out);

static void render_flags(const struct vg_event *ev, const struct arg *a, struct vg_fenv *env,
			 struct vg_xval *out)
{
	uint64_t v = (uint64_t)col_val(ev, a->col);
	struct vg_file f;

	switch (a->kind) {
	case K_OFLAGS:
		put_open_flags(env, out, (uint32_t)v,
			       file_of(ev, &f) && (f.fmode & 0x100000u) /* FMODE_CREATED */);
		break;
	case K_MODE: put_mode(env, out, (uint32_t)v); break;
	case K_UNLINK: put_flags(env, out, v, unlink_flags, NFLAGS(unlink_flags)); break;
	case K_LINK: put_flags(env, out, v, link_flags, NFLAGS(link_flags)); break;
	case K_RENAME: put_flags(env, out, v, rename_flags, NFLAGS(rename_flags)); break;
	case K_MEMFD: put_flags(env, out, v, memfd_flags, NFLAGS(memfd_flags)); break;
	case K_CLONE: put_flags(env, out, v, clone_flags, NFLAGS(clone_flags)); break;
	default: break;
	}
}

static void render(const struct vg_event *ev, const struct arg *a, struct vg_fenv *env,
		   struct vg_xval *out)
{
	const struct vg_str *data = &ev->var[VG_VAR_DATA];
	int64_t v = col_val(ev, a->col);
	struct vg_file f;

	switch (a->kind) {
	case K_RES: break; /* evt.c renders results for every event kind */
	case K_FD:
	case K_DEC: put_fmt(env, out, "%lld", (long long)v); break;
	case K_HEX: put_fmt(env, out, "0x%llx", (long long)v); break;
	case K_OMODE: put_fmt(env, out, "0%llo", (long long)v); break;
	case K_PATH: put_path(ev, env, out, false); break;
	case K_PATH2: put_path(ev, env, out, true); break;
	case K_UID: put_id_name(env, out, (uint32_t)v, false); break;
	case K_GID: put_id_name(env, out, (uint32_t)v, true); break;
	case K_PTRACE: vg_xval_cstr(out, ptrace_request((uint64_t)v)); break;
	case K_DOMAIN: vg_xval_cstr(out, socket_domain((uint64_t)v)); break;
	case K_DATA:
		if (data->len)
			vg_xval_str(out, vg_scratch_copy(&env->scratch, data->ptr, data->len),
				    data->len);
		break;
	case K_TUPLE:
		if (ev->fd && ev->fd->has_sock && ev->fd->name)
			vg_xval_cstr(out, ev->fd->name);
		break;
	case K_CAP_INH:
	case K_CAP_PRM:
	case K_CAP_EFF: put_caps(ev, env, out, a->kind); break;
	case K_DEV:
		if (file_of(ev, &f))
			put_fmt(env, out, "0x%llx", (long long)f.dev);
		break;
	case K_INO:
		if (file_of(ev, &f))
			put_fmt(env, out, "%lld", (long long)f.ino);
		break;
	case K_FD1:
	case K_FD2: put_pair_fd(ev, env, out, a->kind == K_FD2); break;
	default: render_flags(ev, a, env, out); break;
	}
}

static const struct sc_args *args_of(const struct vg_event *ev)
{
	return vg_fx_sc_row(ev) ? &table[ev->sc->id] : NULL;
}

void vg_fx_sc_arg(const struct vg_eval_ctx *ctx, struct vg_fenv *env, struct vg_xval *out,
		  const char *key, int64_t index)
{
	const struct sc_args *t = args_of(ctx->ev);

	if (!t)
		return;
	for (size_t i = 0; i < NARGS && t->a[i].name; i++)
		if (key ? strcmp(key, t->a[i].name) == 0 : (int64_t)i == index) {
			render(ctx->ev, &t->a[i], env, out);
			return;
		}
}

const char *vg_fx_sc_arg_name(const struct vg_event *ev, size_t i)
{
	const struct sc_args *t = args_of(ev);

	return t && i < NARGS ? t->a[i].name : NULL;
}

bool vg_fx_sc_arg_known(const char *syscall, const char *key)
{
	static const char *const names[VG_SC__MAX] = {
#define VG_SC_NAME(n, ...) [VG_SC_##n] = #n,
		VG_SYSCALLS(VG_SC_NAME)
#undef VG_SC_NAME
	};

	for (size_t id = 1; id < VG_SC__MAX; id++) {
		if (!names[id] || strcmp(names[id], syscall) != 0)
			continue;
		for (size_t i = 0; i < NARGS && table[id].a[i].name; i++)
			if (strcmp(table[id].a[i].name, key) == 0)
				return true;
	}
	return false;
}
