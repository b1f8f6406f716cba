/* SPDX-License-Identifier: Apache-2.0 */
/* Builds ring-buffer records the way the probes write them, for unit tests. */
#ifndef VIGIL_TEST_RECORDS_H
#define VIGIL_TEST_RECORDS_H

#include <stdint.h>
#include <string.h>

#include "vigil/event.h"

struct test_record {
	_Alignas(8) char buf[VG_RECORD_MAX];
	uint32_t len;
};

static inline struct vg_event_hdr *rec_begin(struct test_record *r, uint16_t type, uint32_t pid,
					     uint32_t ppid, size_t body)
{
	struct vg_event_hdr *h = (void *)r->buf;

	memset(r->buf, 0, sizeof(r->buf));
	h->type = type;
	h->pid = h->tid = h->vpid = pid;
	h->ppid = ppid;
	h->loginuid = h->sessionid = UINT32_MAX;
	h->ts_ns = 1000;
	strcpy(h->comm, "test");
	r->len = sizeof(*h) + body;
	h->size = r->len;
	return h;
}

static inline void *rec_body(struct test_record *r)
{
	return r->buf + sizeof(struct vg_event_hdr);
}

static inline void rec_var(struct test_record *r, uint16_t id, const void *data, uint16_t len)
{
	struct vg_var v = {.id = id, .len = len};
	struct vg_event_hdr *h = (void *)r->buf;

	r->len = (r->len + 3) & ~3u;
	memcpy(r->buf + r->len, &v, sizeof(v));
	memcpy(r->buf + r->len + sizeof(v), data, len);
	r->len += sizeof(v) + len;
	h->size = r->len;
}

static inline void rec_str(struct test_record *r, uint16_t id, const char *s)
{
	rec_var(r, id, s, (uint16_t)strlen(s));
}

#endif
