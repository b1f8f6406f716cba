/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every BPF unit test shares: the privilege check and one
 * BPF_PROG_TEST_RUN of a program without input context (the inputs are in
 * the object's globals).
 */
#ifndef VIGIL_TEST_BPFTEST_H
#define VIGIL_TEST_BPFTEST_H

#include <stdbool.h>

struct bpf_program;
struct bpf_map;

/* Exits 77 with a message naming test when not root: loading BPF needs CAP_BPF. */
void bpftest_need_root(const char *test);
/*
 * After a skeleton's load returned err: exits 77 when the kernel refused
 * for lack of privilege, fails with the cause otherwise.
 */
void bpftest_loaded(const char *test, int err);
/* Shrinks the probes' 8 MiB ring buffer the test programs never write to. */
void bpftest_small_ringbuf(struct bpf_map *events);
/* Runs prog once; returns its return value (fails the test if the run itself fails). */
int bpftest_run(const struct bpf_program *prog);

#endif
