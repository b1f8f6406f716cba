/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The spawner: a small process, forked while vigil starts (before any
 * thread and before confinement), that starts the program output's command
 * for it. Confined vigil cannot exec; the spawner can, and holds nothing
 * worth stealing: no capability (bounding set included), NoNewPrivs, no fd
 * but its control socket and stdio. Each command runs as `/bin/sh -c CMD`
 * in its own process group with stdin on a pipe end vigil passes (SCM_RIGHTS).
 * When vigil closes the socket, or dies (its end closes, and PDEATHSIG),
 * the spawner ends every command's process group (SIGTERM, SIGKILL after
 * a grace period) and reaps what it started before it exits: no command
 * outlives vigil.
 */
#ifndef VIGIL_SPAWNER_H
#define VIGIL_SPAWNER_H

#include <sys/types.h>

struct vg_spawner;

/* How long the commands get between SIGTERM and SIGKILL when the spawner ends. */
#define VG_SPAWNER_GRACE_MS 1000

/* Forks the spawner for `/bin/sh -c command`. NULL after a message on stderr. */
struct vg_spawner *vg_spawner_start(const char *command);

/* Starts the command with stdin on fd (vigil keeps its own copy). 0 and *pid, or -errno. */
int vg_spawner_spawn(struct vg_spawner *s, int fd, pid_t *pid);

/* 1 when pid has exited (*status as from waitpid), 0 while it runs, or -errno. */
int vg_spawner_wait(struct vg_spawner *s, pid_t pid, int *status, int block);

/* Sends sig to pid's process group. 0 or -errno. */
int vg_spawner_kill(struct vg_spawner *s, pid_t pid, int sig);

/* Closes the socket and waits for the spawner to end the commands and exit. NULL is fine. */
void vg_spawner_stop(struct vg_spawner *s);

#endif
