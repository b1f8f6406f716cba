// SPDX-License-Identifier: Apache-2.0
/*
 * The on-disk spool (spool.h). Invariant: segs[0] is the segment the
 * reader is in (every older one was consumed and deleted), the last one is
 * the segment appends go to, and depth counts the valid records from the
 * cursor to the end.
 */
#include "delivery/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define REC_MAGIC 0x56475350u /* "VGSP" */
#define MAX_SEGS  4096u

struct rec_hdr {
	uint32_t magic;
	uint32_t len; /* the whole record, header included */
	uint64_t wall_ns;
	uint16_t subj_len;
	uint16_t id_len;
	uint32_t data_len;
	uint32_t crc; /* CRC-32 of everything after the header */
	uint32_t pad;
};

struct seg {
	uint64_t idx;
	uint64_t size;
};

struct vg_spool {
	char *dir;
	uint64_t max_bytes;
	uint64_t max_age_ns;
	uint64_t seg_max;
	struct seg *segs;
	size_t nsegs;
	int rfd; /* segs[0] */
	int wfd; /* segs[nsegs - 1] */
	int cfd; /* the cursor file */
	uint64_t rd_off;
	uint32_t peeked_len; /* the record peek returned; 0 = none */
	char *buf;
	size_t buf_cap;
	struct vg_spool_counts c;
};

static void seg_path(const struct vg_spool *s, uint64_t idx, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%016" PRIx64 ".seg", s->dir, idx);
}

static int open_seg(const struct vg_spool *s, uint64_t idx, int flags)
{
	char p[4096];

	seg_path(s, idx, p, sizeof(p));
	return open(p, flags | O_CLOEXEC, 0600);
}

static int cmp_seg(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The segment files of the directory, sorted. */
static int list_segs(struct vg_spool *s)
{
	DIR *d = opendir(s->dir);
	struct dirent *e;

	if (!d)
		return -errno;
	s->segs = calloc(MAX_SEGS, sizeof(*s->segs));
	if (!s->segs) {
		closedir(d);
		return -ENOMEM;
	}
	while ((e = readdir(d)) && s->nsegs < MAX_SEGS) {
		char *end;
		unsigned long long idx;
		struct stat st;

		if (strlen(e->d_name) != 20 || strcmp(e->d_name + 16, ".seg"))
			continue;
		idx = strtoull(e->d_name, &end, 16);
		if (end != e->d_name + 16 || fstatat(dirfd(d), e->d_name, &st, 0) != 0)
			continue;
		s->segs[s->nsegs++] = (struct seg){idx, (uint64_t)st.st_size};
	}
	closedir(d);
	qsort(s->segs, s->nsegs, sizeof(*s->segs), cmp_seg);
	return 0;
}

static int grow_buf(struct vg_spool *s, size_t need)
{
	char *p;

	if (need <= s->buf_cap)
		return 0;
	p = realloc(s->buf, need);
	if (!p)
		return -ENOMEM;
	s->buf = p;
	s->buf_cap = need;
	return 0;
}

/*
 * Reads the record at off of fd (segment size size) into s->buf.
 * 1 valid, 0 end of segment, -1 invalid (torn or corrupt).
 */
static int read_rec(struct vg_spool *s, int fd, uint64_t off, uint64_t size, struct rec_hdr *h)
{
	if (off >= size)
		return 0;
	if (size - off < sizeof(*h) || pread(fd, h, sizeof(*h), (off_t)off) != (ssize_t)sizeof(*h))
		return -1;
	if (h->magic != REC_MAGIC ||
	    h->len != sizeof(*h) + (uint64_t)h->subj_len + h->id_len + h->data_len + 2 ||
	    h->len > size - off || grow_buf(s, h->len - sizeof(*h)) != 0)
		return -1;
	if (pread(fd, s->buf, h->len - sizeof(*h), (off_t)(off + sizeof(*h))) !=
	    (ssize_t)(h->len - sizeof(*h)))
		return -1;
	if ((uint32_t)crc32(0, (const Bytef *)s->buf, h->len - (uInt)sizeof(*h)) != h->crc)
		return -1;
	return 1;
}

/*
 * Counts the valid records of segment i from off; a torn or corrupt record
 * cuts the segment there (a record after it cannot be found reliably).
 */
static uint64_t scan_seg(struct vg_spool *s, size_t i, uint64_t off)
{
	int fd = open_seg(s, s->segs[i].idx, O_RDWR);
	uint64_t n = 0;
	struct rec_hdr h;
	int rc;

	if (fd < 0)
		return 0;
	while ((rc = read_rec(s, fd, off, s->segs[i].size, &h)) == 1) {
		off += h.len;
		n++;
	}
	if (rc < 0) {
		s->c.dropped_corrupt++;
		if (ftruncate(fd, (off_t)off) == 0)
			s->segs[i].size = off;
	}
	close(fd);
	return n;
}

static void write_cursor(struct vg_spool *s)
{
	char line[40];
	int n = snprintf(line, sizeof(line), "%016" PRIx64 " %016" PRIx64 "\n",
			 s->nsegs ? s->segs[0].idx : 0, s->rd_off);

	/* fixed width: one small pwrite replaces it whole; a failed one is redone next time */
	ssize_t w = pwrite(s->cfd, line, (size_t)n, 0);

	(void)w;
}

static void read_cursor(struct vg_spool *s, uint64_t *idx, uint64_t *off)
{
	char line[40] = "";
	unsigned long long a, b;

	*idx = 0;
	*off = 0;
	if (pread(s->cfd, line, sizeof(line) - 1, 0) > 0 &&
	    sscanf(line, "%llx %llx", &a, &b) == 2) {
		*idx = a;
		*off = b;
	}
}

static void delete_first(struct vg_spool *s)
{
	char p[4096];

	seg_path(s, s->segs[0].idx, p, sizeof(p));
	unlink(p);
	if (s->rfd >= 0 && s->rfd != s->wfd)
		close(s->rfd);
	s->rfd = -1;
	s->c.bytes -= s->segs[0].size;
	memmove(s->segs, s->segs + 1, (s->nsegs - 1) * sizeof(*s->segs));
	s->nsegs--;
	s->rd_off = 0;
	s->peeked_len = 0;
}

static int new_writer_seg(struct vg_spool *s)
{
	uint64_t idx = s->nsegs ? s->segs[s->nsegs - 1].idx + 1 : 0;
	int fd;

	if (s->nsegs == MAX_SEGS)
		return -ENOSPC;
	fd = open_seg(s, idx, O_RDWR | O_CREAT | O_APPEND);
	if (fd < 0)
		return -errno;
	if (s->wfd >= 0 && s->wfd != s->rfd)
		close(s->wfd);
	s->wfd = fd;
	s->segs[s->nsegs++] = (struct seg){idx, 0};
	return 0;
}

/* Puts the reader on segs[0] at the cursor, dropping consumed segments. */
static int place_reader(struct vg_spool *s)
{
	uint64_t idx, off;

	read_cursor(s, &idx, &off);
	while (s->nsegs > 1 && s->segs[0].idx < idx)
		delete_first(s);
	s->rd_off = s->nsegs && s->segs[0].idx == idx && off <= s->segs[0].size ? off : 0;
	for (size_t i = 0; i < s->nsegs; i++)
		s->c.depth += scan_seg(s, i, i == 0 ? s->rd_off : 0);
	s->c.bytes = 0;
	for (size_t i = 0; i < s->nsegs; i++)
		s->c.bytes += s->segs[i].size;
	return 0;
}

struct vg_spool *vg_spool_open(const char *dir, uint64_t max_bytes, uint64_t max_age_ns, char *err,
			       size_t errlen)
{
	struct vg_spool *s = calloc(1, sizeof(*s));
	char p[4096];
	int rc;

	if (!s || !(s->dir = strdup(dir))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->rfd = s->wfd = s->cfd = -1;
	s->max_bytes = max_bytes;
	s->max_age_ns = max_age_ns;
	/* eight segments or more: dropping the oldest frees at most an eighth */
	s->seg_max = max_bytes / 8 < 4096 ? 4096 : max_bytes / 8;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "spool directory %s: %s", dir, strerror(errno));
		goto fail;
	}
	snprintf(p, sizeof(p), "%s/cursor", dir);
	s->cfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->cfd < 0 || (rc = list_segs(s)) != 0) {
		snprintf(err, errlen, "spool directory %s: %s", dir, strerror(errno));
		goto fail;
	}
	place_reader(s);
	if (s->nsegs) {
		s->wfd = open_seg(s, s->segs[s->nsegs - 1].idx, O_RDWR | O_APPEND);
		rc = s->wfd < 0 ? -errno : 0;
	} else {
		rc = new_writer_seg(s);
	}
	if (rc != 0) {
		snprintf(err, errlen, "spool directory %s: %s", dir, strerror(-rc));
		goto fail;
	}
	return s;
fail:
	vg_spool_close(s);
	return NULL;
}

/* Counts and deletes the oldest segment: what max_bytes forces out. */
static void drop_oldest(struct vg_spool *s)
{
	int fd = open_seg(s, s->segs[0].idx, O_RDONLY);
	uint64_t off = s->rd_off, n = 0;
	struct rec_hdr h;

	while (fd >= 0 && read_rec(s, fd, off, s->segs[0].size, &h) == 1) {
		off += h.len;
		n++;
	}
	if (fd >= 0)
		close(fd);
	s->c.dropped_bytes += n;
	s->c.depth -= n < s->c.depth ? n : s->c.depth;
	delete_first(s);
	write_cursor(s);
}

int vg_spool_append(struct vg_spool *s, uint64_t wall_ns, const char *subject, const char *msg_id,
		    const char *data, size_t len)
{
	size_t sl = strlen(subject), il = strlen(msg_id);
	struct rec_hdr h = {.magic = REC_MAGIC, .wall_ns = wall_ns};
	struct iovec iov[4];
	uLong crc;
	ssize_t w;
	int rc;

	if (sl > UINT16_MAX || il > UINT16_MAX || len > UINT32_MAX / 2)
		return -EINVAL;
	h.subj_len = (uint16_t)sl;
	h.id_len = (uint16_t)il;
	h.data_len = (uint32_t)len;
	h.len = (uint32_t)(sizeof(h) + sl + il + len + 2);
	if (h.len > s->max_bytes) {
		s->c.dropped_bytes++;
		return 0;
	}
	iov[0] = (struct iovec){&h, sizeof(h)};
	iov[1] = (struct iovec){(void *)subject, sl + 1};
	iov[2] = (struct iovec){(void *)msg_id, il + 1};
	iov[3] = (struct iovec){(void *)data, len};
	crc = crc32(0, (const Bytef *)subject, (uInt)sl + 1);
	crc = crc32(crc, (const Bytef *)msg_id, (uInt)il + 1);
	h.crc = (uint32_t)crc32(crc, (const Bytef *)data, (uInt)len);
	if (s->segs[s->nsegs - 1].size + h.len > s->seg_max && s->segs[s->nsegs - 1].size &&
	    (rc = new_writer_seg(s)) != 0)
		return rc;
	while (s->c.bytes + h.len > s->max_bytes && s->nsegs > 1)
		drop_oldest(s);
	w = writev(s->wfd, iov, 4);
	if (w != (ssize_t)h.len) {
		rc = w < 0 ? -errno : -EIO;
		/* a short write leaves a torn record: cut it so the next one is found */
		if (ftruncate(s->wfd, (off_t)s->segs[s->nsegs - 1].size) != 0)
			rc = -EIO;
		return rc;
	}
	s->segs[s->nsegs - 1].size += h.len;
	s->c.bytes += h.len;
	s->c.depth++;
	s->c.appended++;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Skips the record at the cursor (consumed, expired or unreadable). */
static void advance(struct vg_spool *s, uint32_t len)
{
	s->rd_off += len;
	if (s->c.depth)
		s->c.depth--;
	s->peeked_len = 0;
	write_cursor(s);
}

int vg_spool_peek(struct vg_spool *s, struct vg_spool_rec *r)
{
	struct rec_hdr h;
	int rc;

	for (;;) {
		if (!s->nsegs)
			return 0;
		if (s->rfd < 0) {
			s->rfd = s->nsegs == 1 ? s->wfd : open_seg(s, s->segs[0].idx, O_RDONLY);
			if (s->rfd < 0)
				return -errno;
		}
		rc = read_rec(s, s->rfd, s->rd_off, s->segs[0].size, &h);
		if (rc == 0) {
			if (s->nsegs == 1)
				return 0; /* the writer's segment, read to its end */
			delete_first(s);
			write_cursor(s);
			continue;
		}
		if (rc < 0) {
			/* the rest of this segment cannot be trusted: skip to the next */
			s->c.dropped_corrupt++;
			if (s->nsegs == 1 && new_writer_seg(s) != 0)
				return -EIO;
			s->rd_off = s->segs[0].size;
			continue;
		}
		if (s->max_age_ns && h.wall_ns + s->max_age_ns < now_ns()) {
			s->c.dropped_age++;
			advance(s, h.len);
			continue;
		}
		s->peeked_len = h.len;
		r->wall_ns = h.wall_ns;
		r->subject = s->buf;
		r->msg_id = s->buf + h.subj_len + 1;
		r->data = s->buf + h.subj_len + 1 + h.id_len + 1;
		r->data_len = h.data_len;
		return 1;
	}
}

int vg_spool_consume(struct vg_spool *s)
{
	if (!s->peeked_len)
		return -EINVAL;
	s->c.consumed++;
	advance(s, s->peeked_len);
	return 0;
}

void vg_spool_counts(const struct vg_spool *s, struct vg_spool_counts *c)
{
	*c = s->c;
}

void vg_spool_close(struct vg_spool *s)
{
	if (!s)
		return;
	if (s->rfd >= 0 && s->rfd != s->wfd)
		close(s->rfd);
	if (s->wfd >= 0)
		close(s->wfd);
	if (s->cfd >= 0)
		close(s->cfd);
	free(s->segs);
	free(s->buf);
	free(s->dir);
	free(s);
}
