/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where start-up time goes: with VIGIL_TRACE_STARTUP=1 in the environment,
 * each vg_startup_mark() writes one stderr line with the wall and CPU time
 * (all threads) since the first mark and since the previous one. Off, a mark
 * is one branch. The totals are the process's (CPU: all threads, kernel
 * time included: the verifier runs in bpf()); each step in "(+...)" is the
 * marking thread's own since its previous mark, as the probe loader's
 * stages overlap the main thread's. bench/startup.sh reads these lines. A
 * leaf.
 */
#ifndef VIGIL_STARTUP_TRACE_H
#define VIGIL_STARTUP_TRACE_H

/* Marks the end of the stage named stage (a literal: it is not copied). */
void vg_startup_mark(const char *stage);

#endif
