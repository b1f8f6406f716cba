// SPDX-License-Identifier: Apache-2.0
/*
 * The stdout and file outputs: one line per alert, written with a single
 * writev(2) of the line and its newline. The worker is the only writer, and
 * rotation happens between lines, so no line is ever split across files.
 */
#include "delivery/delivery_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

struct fd_out {
	int fd;
	bool own_fd;
	char *path;
	uint64_t max_bytes;
	uint32_t keep;
	mode_t mode;   /* of the files it creates, whatever the umask */
	uint64_t size; /* bytes in the current file */
};

static size_t write_lines(struct vg_output *o, struct fd_out *f, struct vg_msg *const *msgs,
			  size_t n, int (*before)(struct vg_output *, struct fd_out *, size_t))
{
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *line = vg_msg_line(o, msgs[i], &len);
		struct iovec iov[2] = {{(void *)line, len}, {"\n", 1}};
		int err;

		if (before && before(o, f, len + 1) != 0)
			return i;
		err = vg_write_all(f->fd, iov, 2);
		if (err) {
			vg_output_error(o, "write: %s", strerror(-err));
			return i;
		}
		f->size += len + 1;
	}
	return n;
}

/* --- stdout --------------------------------------------------------------- */

static int stdout_init(struct vg_output *o, const struct vg_output_config *c)
{
	struct fd_out *f = calloc(1, sizeof(*f));

	if (!f) {
		fprintf(stderr, "vigil: stdout output: out of memory\n");
		return -1;
	}
	f->fd = c->std.fd > 0 ? c->std.fd : STDOUT_FILENO;
	o->priv = f;
	return 0;
}

static size_t stdout_send(struct vg_output *o, struct vg_msg *const *msgs, size_t n,
			  size_t *refused)
{
	(void)refused;
	return write_lines(o, o->priv, msgs, n, NULL);
}

static void fd_fini(struct vg_output *o)
{
	struct fd_out *f = o->priv;

	if (!f)
		return;
	if (f->own_fd && f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
	o->priv = NULL;
}

const struct vg_output_ops vg_output_stdout_ops = {
	.init = stdout_init,
	.send = stdout_send,
	.fini = fd_fini,
};

/* --- file ----------------------------------------------------------------- */

static int file_open(struct vg_output *o, struct fd_out *f)
{
	struct stat st;

	f->fd = open(f->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, f->mode);
	if (f->fd < 0) {
		vg_output_error(o, "cannot open %s: %s", f->path, strerror(errno));
		return -1;
	}
	f->own_fd = true;
	if (fstat(f->fd, &st) != 0)
		st.st_size = 0;
	/*
	 * Alerts carry command lines and paths: the file has exactly the
	 * configured mode, whatever the umask made of it and whoever created it
	 * before (an old world-readable alerts.json is narrowed on open).
	 */
	else if ((st.st_mode & 07777) != f->mode && fchmod(f->fd, f->mode) != 0)
		vg_output_error(o, "cannot set mode %04o on %s: %s", (unsigned)f->mode, f->path,
				strerror(errno));
	f->size = (uint64_t)st.st_size;
	return 0;
}

/* path.keep is dropped, path.(k-1) becomes path.k, ..., path becomes path.1. */
static int file_rotate(struct vg_output *o, struct fd_out *f)
{
	char from[PATH_MAX], to[PATH_MAX];

	close(f->fd);
	f->fd = -1;
	if (!f->keep) {
		if (unlink(f->path) != 0 && errno != ENOENT) {
			vg_output_error(o, "rotate: cannot remove %s: %s", f->path,
					strerror(errno));
			return file_open(o, f);
		}
	} else {
		for (uint32_t k = f->keep; k > 1; k--) {
			snprintf(from, sizeof(from), "%s.%u", f->path, k - 1);
			snprintf(to, sizeof(to), "%s.%u", f->path, k);
			if (rename(from, to) != 0 && errno != ENOENT) {
				vg_output_error(o, "rotate: cannot rename %s: %s", from,
						strerror(errno));
				/* keep writing to the current file rather than lose lines */
				return file_open(o, f);
			}
		}
		snprintf(to, sizeof(to), "%s.1", f->path);
		if (rename(f->path, to) != 0 && errno != ENOENT) {
			vg_output_error(o, "rotate: cannot rename %s: %s", f->path,
					strerror(errno));
			return file_open(o, f);
		}
	}
	atomic_fetch_add(&o->rotations, 1);
	return file_open(o, f);
}

static int file_before_line(struct vg_output *o, struct fd_out *f, size_t len)
{
	if (f->fd < 0 && file_open(o, f) != 0)
		return -1;
	/* a line longer than max_bytes still goes out, alone in its file */
	if (f->max_bytes && f->size && f->size + len > f->max_bytes)
		return file_rotate(o, f);
	return 0;
}

static int file_init(struct vg_output *o, const struct vg_output_config *c)
{
	struct fd_out *f = calloc(1, sizeof(*f));
	bool oom = false;

	if (!f) {
		fprintf(stderr, "vigil: file output: out of memory\n");
		return -1;
	}
	o->priv = f;
	f->fd = -1;
	if (!c->file.path || !*c->file.path) {
		fprintf(stderr, "vigil: file output: no file name (file_output.filename)\n");
		return -1;
	}
	f->path = vg_out_strdup(c->file.path, &oom);
	if (oom) {
		fprintf(stderr, "vigil: file output: out of memory\n");
		return -1;
	}
	if (strlen(f->path) + 12 > PATH_MAX) {
		fprintf(stderr, "vigil: file output: %s: name too long\n", f->path);
		return -1;
	}
	f->max_bytes = c->file.max_bytes;
	f->keep = c->file.keep;
	f->mode = c->file.mode ? (mode_t)c->file.mode : 0600;
	/* a file that cannot be opened at start is a configuration error: say so now */
	if (file_open(o, f) != 0) {
		fprintf(stderr, "vigil: file output: %s\n", o->last_error);
		return -1;
	}
	return 0;
}

static size_t file_send(struct vg_output *o, struct vg_msg *const *msgs, size_t n, size_t *refused)
{
	(void)refused;
	return write_lines(o, o->priv, msgs, n, file_before_line);
}

static void file_reopen(struct vg_output *o)
{
	struct fd_out *f = o->priv;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	file_open(o, f);
}

const struct vg_output_ops vg_output_file_ops = {
	.init = file_init,
	.send = file_send,
	.reopen = file_reopen,
	.fini = fd_fini,
};
