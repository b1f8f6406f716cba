/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capture files: the raw probe records of a live run, after a snapshot of
 * the process table at its start, so that a replay sees the same ancestry
 * and produces the same alerts as live. Format (docs/capture.md), all
 * integers little-endian as written by this host:
 *
 *   header   "VIGILCAP" u32 version u32 header_size i64 boot_to_wall_ns
 *            u64 start_ns char hostname[64]
 *   snapshot u32 nprocs, then per process: struct vg_cap_proc, then its
 *            strings (exe, filename, cwd, args) each as u32 length + bytes
 *   records  u32 length + the record exactly as the probe wrote it, to EOF
 */
#ifndef VIGIL_CAPTURE_H
#define VIGIL_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VG_CAP_MAGIC   "VIGILCAP"
#define VG_CAP_VERSION 1

#include "vigil/event.h"

struct vg_proc_table;
struct vg_event;
struct vg_event_state;
struct vg_proc;
struct vg_env_policy;

struct vg_cap_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	int64_t boot_to_wall_ns;
	uint64_t start_ns;
	char hostname[64];
};

/* The fixed part of one process in the snapshot. */
struct vg_cap_proc {
	uint32_t pid, ppid, vpid;
	uint32_t uid, gid, euid, egid;
	uint32_t loginuid, sessionid, tty;
	uint32_t pid_ns, mnt_ns;
	uint64_t cgroup_id, start_ns, exec_ns;
	char comm[16];
};

/* Writer: header and snapshot now, then one record per call. */
int vg_capture_begin(FILE *f, struct vg_proc_table *t, int64_t boot_to_wall_ns);
int vg_capture_record(FILE *f, const void *record, uint32_t len);

/*
 * Creates (or truncates) a capture file with mode 0600 whatever the umask,
 * also when it existed with another mode: captures hold what processes
 * ran with. NULL with errno set on failure.
 */
FILE *vg_capture_create(const char *path);

/* The capture sink of `vigil capture`: ctx is one of these. */
struct vg_capture_sink {
	FILE *f;
	const struct vg_env_policy *env; /* what of an exec's environment is kept; NULL: none */
	char scratch[VG_RECORD_MAX];
};
void vg_sink_capture(void *ctx, const struct vg_event *ev, const struct vg_event_state *st,
		     struct vg_proc *p);

/*
 * An exec record with its environment as the policy allows (off: the field
 * removed; redacted: secret values replaced), into out. Returns its length,
 * or 0 when the record is kept as the probe wrote it (full, or no env).
 */
uint32_t vg_capture_filter_env(const struct vg_event *ev, const struct vg_env_policy *pol,
			       char out[VG_RECORD_MAX]);

/* True when the file starts with the capture magic (the stream is rewound). */
bool vg_capture_is_capture(FILE *f);
/* Where a replayed record goes: vg_engine_feed, in practice. */
typedef int (*vg_capture_feed_fn)(void *arg, void *rec, size_t len);
/*
 * Reads a whole capture: restores the snapshot into procs and the capture's
 * clock offset into *boot_to_wall_ns, then feeds every record to feed(arg).
 * Returns 0, or -1 with a message on stderr naming the file and the byte
 * offset of the damage.
 */
int vg_capture_replay(FILE *f, const char *name, struct vg_proc_table *procs,
		      int64_t *boot_to_wall_ns, vg_capture_feed_fn feed, void *arg);

#endif
