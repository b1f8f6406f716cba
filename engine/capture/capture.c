// SPDX-License-Identifier: Apache-2.0
#include "capture/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decode/decode.h"
#include "alert/env_policy.h"
#include "state/proc_table.h"
#include "vigil/event.h"

static int put_blob(FILE *f, const void *data, uint32_t len)
{
	return fwrite(&len, sizeof(len), 1, f) == 1 && (!len || fwrite(data, len, 1, f) == 1) ? 0
											      : -1;
}

static int put_str(FILE *f, const char *s)
{
	return put_blob(f, s ? s : "", s ? (uint32_t)strlen(s) : 0);
}

struct snap_ctx {
	FILE *f;
	int err;
};

static void write_proc(struct vg_proc *p, void *arg)
{
	struct snap_ctx *c = arg;
	struct vg_cap_proc cp = {
		.pid = p->pid,
		.ppid = p->ppid,
		.vpid = p->vpid,
		.uid = p->uid,
		.gid = p->gid,
		.euid = p->euid,
		.egid = p->egid,
		.loginuid = p->loginuid,
		.sessionid = p->sessionid,
		.tty = p->tty,
		.pid_ns = p->pid_ns,
		.mnt_ns = p->mnt_ns,
		.cgroup_id = p->cgroup_id,
		.start_ns = p->start_ns,
		.exec_ns = p->exec_ns,
	};

	memcpy(cp.comm, p->comm, sizeof(cp.comm));
	if (fwrite(&cp, sizeof(cp), 1, c->f) != 1 || put_str(c->f, p->exe) ||
	    put_str(c->f, p->filename) || put_str(c->f, p->cwd) ||
	    put_blob(c->f, p->args ? p->args : "", p->args ? p->args_len : 0))
		c->err = -1;
}

static void count_proc(struct vg_proc *p, void *arg)
{
	(void)p;
	(*(uint32_t *)arg)++;
}

int vg_capture_begin(FILE *f, struct vg_proc_table *t, int64_t boot_to_wall_ns)
{
	struct vg_cap_header h = {.version = VG_CAP_VERSION, .header_size = sizeof(h)};
	struct snap_ctx c = {.f = f};
	struct timespec boot;
	uint32_t n = 0;

	memcpy(h.magic, VG_CAP_MAGIC, sizeof(h.magic));
	h.boot_to_wall_ns = boot_to_wall_ns;
	clock_gettime(CLOCK_BOOTTIME, &boot);
	h.start_ns = boot.tv_sec * 1000000000ull + boot.tv_nsec;
	gethostname(h.hostname, sizeof(h.hostname) - 1);
	vg_proc_foreach(t, count_proc, &n);
	if (fwrite(&h, sizeof(h), 1, f) != 1 || fwrite(&n, sizeof(n), 1, f) != 1)
		return -1;
	vg_proc_foreach(t, write_proc, &c);
	return c.err ? -1 : fflush(f);
}

int vg_capture_record(FILE *f, const void *record, uint32_t len)
{
	return put_blob(f, record, len);
}

static uint32_t align4(uint32_t n)
{
	return (n + 3) & ~3u;
}

/*
 * ev's record with its environment variable field removed (off) or its
 * values redacted, in out; 0 when the record is to be written as it is.
 * Variable fields start 4-byte aligned and the env field's header sits right
 * before its data, so cutting [header, aligned end) keeps the rest aligned.
 */
uint32_t vg_capture_filter_env(const struct vg_event *ev, const struct vg_env_policy *pol,
			       char out[VG_RECORD_MAX])
{
	struct vg_str env = ev->var[VG_VAR_ENV];
	const char *base = (const char *)ev->hdr;
	uint32_t size = ev->hdr->size, start, end, o;
	struct vg_event_hdr *h = (struct vg_event_hdr *)out;

	if (ev->type != VG_EV_EXEC || !env.ptr || (pol && pol->mode == VG_ENV_FULL) ||
	    size > VG_RECORD_MAX)
		return 0;
	start = (uint32_t)(env.ptr - base) - (uint32_t)sizeof(struct vg_var);
	end = align4((uint32_t)(env.ptr - base) + env.len);
	if (end > size)
		end = size;
	memcpy(out, base, start);
	o = start;
	if (pol && pol->mode == VG_ENV_REDACTED) {
		struct vg_var var = {.id = VG_VAR_ENV};
		/* room left for the field so that the record stays within VG_RECORD_MAX */
		size_t room = VG_RECORD_MAX - (size - (end - start)) - sizeof(var) - 3;
		bool cut;

		var.len = (uint16_t)vg_env_redact(pol, env.ptr, env.len, out + o + sizeof(var),
						  room < VG_ENV_MAX ? room : VG_ENV_MAX, &cut);
		memcpy(out + o, &var, sizeof(var));
		o += (uint32_t)sizeof(var) + var.len;
		if (end < size) {
			memset(out + o, 0, align4(o) - o);
			o = align4(o);
		}
		if (cut)
			h->flags |= VG_HF_ENV_TRUNC;
	}
	memcpy(out + o, base + end, size - end);
	o += size - end;
	h->size = o;
	return o;
}

void vg_sink_capture(void *ctx, const struct vg_event *ev, const struct vg_event_state *st,
		     struct vg_proc *p)
{
	struct vg_capture_sink *c = ctx;
	uint32_t len = vg_capture_filter_env(ev, c->env, c->scratch);
	int err = len ? vg_capture_record(c->f, c->scratch, len)
		      : vg_capture_record(c->f, ev->hdr, ev->hdr->size);

	(void)st;
	(void)p;
	if (err)
		fprintf(stderr, "vigil: writing the capture failed\n");
}

FILE *vg_capture_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0)
		return NULL;
	/* an existing file keeps its mode on open: captures hold secrets, make it 0600 */
	if (fchmod(fd, 0600) != 0 || !(f = fdopen(fd, "w"))) {
		int e = errno;

		close(fd);
		errno = e;
		return NULL;
	}
	return f;
}

bool vg_capture_is_capture(FILE *f)
{
	char magic[8];
	bool yes = fread(magic, sizeof(magic), 1, f) == 1 && !memcmp(magic, VG_CAP_MAGIC, 8);

	rewind(f);
	return yes;
}

/* Reads a u32-length blob into a fresh NUL-terminated buffer; *len gets its length. */
static char *get_blob(FILE *f, uint32_t max, uint32_t *len)
{
	char *buf;

	if (fread(len, sizeof(*len), 1, f) != 1 || *len > max || !(buf = malloc(*len + 1)))
		return NULL;
	if (*len && fread(buf, *len, 1, f) != 1) {
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

static char *nonempty(char *s, uint32_t len)
{
	if (len)
		return s;
	free(s);
	return NULL;
}

static int read_proc(FILE *f, struct vg_proc_table *t)
{
	struct vg_cap_proc cp;
	char *exe, *filename, *cwd, *args;
	uint32_t lexe, lfile, lcwd, largs;
	struct vg_proc *p;

	if (fread(&cp, sizeof(cp), 1, f) != 1)
		return -1;
	exe = get_blob(f, 65536, &lexe);
	filename = exe ? get_blob(f, 65536, &lfile) : NULL;
	cwd = filename ? get_blob(f, 65536, &lcwd) : NULL;
	args = cwd ? get_blob(f, 1 << 24, &largs) : NULL;
	if (!args || !(p = vg_proc_create(t, cp.pid))) {
		free(exe);
		free(filename);
		free(cwd);
		free(args);
		return -1;
	}
	p->ppid = cp.ppid, p->vpid = cp.vpid;
	p->uid = cp.uid, p->gid = cp.gid, p->euid = cp.euid, p->egid = cp.egid;
	p->loginuid = cp.loginuid, p->sessionid = cp.sessionid, p->tty = cp.tty;
	p->pid_ns = cp.pid_ns, p->mnt_ns = cp.mnt_ns;
	p->cgroup_id = cp.cgroup_id, p->start_ns = cp.start_ns, p->exec_ns = cp.exec_ns;
	memcpy(p->comm, cp.comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = '\0';
	p->exe = nonempty(exe, lexe);
	p->filename = nonempty(filename, lfile);
	p->cwd = nonempty(cwd, lcwd);
	p->args = args;
	p->args_len = largs;
	vg_proc_set_exec_id(t, p);
	vg_proc_account(t, p);
	return 0;
}

int vg_capture_replay(FILE *f, const char *name, struct vg_proc_table *procs,
		      int64_t *boot_to_wall_ns, vg_capture_feed_fn feed, void *arg)
{
	struct vg_cap_header h;
	uint32_t n, len;
	char *rec = malloc(VG_RECORD_MAX);

	if (!rec)
		return -1;
	if (fread(&h, sizeof(h), 1, f) != 1 || memcmp(h.magic, VG_CAP_MAGIC, 8) ||
	    h.version != VG_CAP_VERSION || h.header_size != sizeof(h)) {
		fprintf(stderr, "%s: not a vigil capture of version %d\n", name, VG_CAP_VERSION);
		free(rec);
		return -1;
	}
	*boot_to_wall_ns = h.boot_to_wall_ns;
	if (fread(&n, sizeof(n), 1, f) != 1)
		goto damaged;
	for (uint32_t i = 0; i < n; i++)
		if (read_proc(f, procs) != 0)
			goto damaged;
	while (fread(&len, sizeof(len), 1, f) == 1) {
		if (len > VG_RECORD_MAX || fread(rec, len, 1, f) != 1)
			goto damaged;
		feed(arg, rec, len);
	}
	free(rec);
	return ferror(f) ? -1 : 0;
damaged:
	fprintf(stderr, "%s: damaged capture at byte %ld; records before it were replayed\n", name,
		ftell(f));
	free(rec);
	return -1;
}
