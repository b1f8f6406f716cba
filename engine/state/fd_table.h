/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File descriptors of one process, for the fd.* fields: what each open fd
 * is (file, directory, socket, pipe, ...), its name and, for sockets, its
 * addresses. Kept through open/socket/accept/dup/fcntl/close, copied at
 * fork, and pruned of close-on-exec fds at exec. Bounded per process.
 */
#ifndef VIGIL_FD_TABLE_H
#define VIGIL_FD_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "vigil/event.h"

#define VG_FD_MAX_PER_PROC 4096

/* Falco's fd.typechar values. */
enum vg_fd_type {
	VG_FDT_UNKNOWN = '?',
	VG_FDT_FILE = 'f',
	VG_FDT_DIR = 'd',
	VG_FDT_IPV4 = '4',
	VG_FDT_IPV6 = '6',
	VG_FDT_UNIX = 'u',
	VG_FDT_PIPE = 'p',
	VG_FDT_EVENT = 'e',
	VG_FDT_SIGNALFD = 's',
	VG_FDT_EVENTPOLL = 'l',
	VG_FDT_INOTIFY = 'i',
	VG_FDT_TIMERFD = 't',
	VG_FDT_NETLINK = 'n',
	VG_FDT_FILE_V2 = 'F', /* memfd and other anonymous files */
	VG_FDT_OTHER = 'o',
};

struct vg_fd {
	int32_t num;
	char type; /* enum vg_fd_type */
	bool cloexec;
	bool name_unresolved; /* a relative name whose base was unknown */
	uint32_t open_flags;
	uint64_t ino, dev;
	char *name;	     /* absolute path, unix socket path, or the socket tuple text */
	char *nameraw;	     /* the name as the caller passed it, when different */
	struct vg_sock sock; /* when a socket */
	bool has_sock;
};

struct vg_fd_table;

struct vg_fd_table *vg_fd_table_new(void);
void vg_fd_table_free(struct vg_fd_table *t);
struct vg_fd_table *vg_fd_table_clone(const struct vg_fd_table *t);
/* exec: close-on-exec fds are gone */
void vg_fd_table_exec(struct vg_fd_table *t);

struct vg_fd *vg_fd_get(struct vg_fd_table *t, int32_t num);
/* Returns a blank entry for num (replacing one there), or NULL when the table is full. */
struct vg_fd *vg_fd_put(struct vg_fd_table *t, int32_t num);
void vg_fd_close(struct vg_fd_table *t, int32_t num);
/* dup/dup2/dup3/F_DUPFD: newfd becomes a copy of oldfd. */
struct vg_fd *vg_fd_dup(struct vg_fd_table *t, int32_t oldfd, int32_t newfd, bool cloexec);
uint32_t vg_fd_count(const struct vg_fd_table *t);
/* Bytes of its slots (the names they point to aside). */
size_t vg_fd_table_bytes(const struct vg_fd_table *t);
uint64_t vg_fd_refused(const struct vg_fd_table *t);

/* The fd.typechar of a file from its inode mode (S_IF*). */
char vg_fd_type_of_mode(uint32_t mode);
/* The fd.typechar of a socket from its family. */
char vg_fd_type_of_family(uint16_t family);
/* Fills e->name with Falco's socket tuple text ("1.2.3.4:5->6.7.8.9:10"). */
void vg_fd_set_sock(struct vg_fd *e, const struct vg_sock *s, const char *unix_path);

#endif
