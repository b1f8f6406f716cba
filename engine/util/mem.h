/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How vigil's heap gives memory back (glibc malloc): vigil runs for months
 * and its large allocations are all made at start-up or on a reload, so what
 * those leave behind would stay resident for the life of the process.
 */
#ifndef VIGIL_UTIL_MEM_H
#define VIGIL_UTIL_MEM_H

/*
 * Fixes glibc's mmap threshold at its default (128 KiB), first thing in
 * main(). Left dynamic, the threshold rises to the size of the largest
 * mmap'd block freed (libbpf's 16 MiB verifier log, a 5 MiB kernel BTF), and
 * from then on blocks up to that size come from the heap, where freeing them
 * returns nothing to the kernel.
 */
void vg_mem_tune(void);

/* Returns the free pages of the heap to the kernel: after start-up, after a reload. */
void vg_mem_release(void);

/*
 * The same when at least a few MiB of the heap are free: for a periodic call
 * (the run loop's, every few seconds). A burst of short-lived processes
 * leaves their freed state scattered between live blocks, which glibc keeps
 * resident until a trim.
 */
void vg_mem_release_if_worth(void);

#endif
