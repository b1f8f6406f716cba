/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bounded on-disk FIFO of alerts (the nats output's spool): what the
 * cluster could not take yet waits here, survives a restart of vigil, and
 * leaves in the order it came.
 *
 * Layout: DIR/NNNNNNNNNNNNNNNN.seg segment files (16 hex digits, rising),
 * each a run of records, and DIR/cursor ("<segment> <offset>\n"): where the
 * next record to publish starts. A record is a fixed header (magic, sizes,
 * submit time, CRC-32 of the body) then subject, message id and the alert.
 * Writes append whole records with one writev(); a torn record at the end
 * (vigil killed mid-write) fails its CRC and is cut off at the next open.
 *
 * Bounds: max_bytes over all segments (the oldest segment goes when a new
 * record would cross it) and max_age (an older record is skipped when it
 * comes up). What they force out is counted by reason, never silent.
 * Not thread-safe: one thread (the output's worker) uses it.
 */
#ifndef VIGIL_DELIVERY_SPOOL_H
#define VIGIL_DELIVERY_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_spool;

struct vg_spool_rec {
	uint64_t wall_ns;
	const char *subject; /* NUL-terminated; valid until the next call */
	const char *msg_id;
	const char *data;
	size_t data_len;
};

struct vg_spool_counts {
	uint64_t depth;		  /* records waiting */
	uint64_t bytes;		  /* bytes of every segment on disk */
	uint64_t appended;	  /* records written (this run) */
	uint64_t consumed;	  /* records taken out after delivery (this run) */
	uint64_t dropped_bytes;	  /* forced out by max_bytes */
	uint64_t dropped_age;	  /* older than max_age when their turn came */
	uint64_t dropped_corrupt; /* unreadable records (torn write, bad CRC) */
};

/* Opens (creating) dir; counts what a previous run left. NULL with err set. */
struct vg_spool *vg_spool_open(const char *dir, uint64_t max_bytes, uint64_t max_age_ns, char *err,
			       size_t errlen);

/* Appends one record. 0, or -errno (disk full, I/O error). */
int vg_spool_append(struct vg_spool *s, uint64_t wall_ns, const char *subject, const char *msg_id,
		    const char *data, size_t len);

/*
 * The oldest waiting record, skipping (and counting) expired and corrupt
 * ones. 1 with *r set, 0 when empty, -errno on an I/O error.
 */
int vg_spool_peek(struct vg_spool *s, struct vg_spool_rec *r);

/* The record peek returned was delivered: moves the cursor past it. */
int vg_spool_consume(struct vg_spool *s);

void vg_spool_counts(const struct vg_spool *s, struct vg_spool_counts *c);

void vg_spool_close(struct vg_spool *s);

#endif
