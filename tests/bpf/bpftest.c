// SPDX-License-Identifier: Apache-2.0
#include "bpftest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void bpftest_need_root(const char *test)
{
	if (geteuid() != 0) {
		fprintf(stderr, "%s: skipped: loading BPF programs needs root (CAP_BPF)\n", test);
		exit(77);
	}
}

void bpftest_loaded(const char *test, int err)
{
	if (!err)
		return;
	/* EACCES is the verifier's refusal: a failure, not a skip */
	if (err == -EPERM) {
		fprintf(stderr, "%s: skipped: the kernel refused to load BPF (%s)\n", test,
			strerror(-err));
		exit(77);
	}
	fprintf(stderr, "%s: loading the test's BPF object failed: %s\n", test, strerror(-err));
	exit(1);
}

void bpftest_small_ringbuf(struct bpf_map *events)
{
	bpf_map__set_max_entries(events, (unsigned)sysconf(_SC_PAGESIZE));
}

int bpftest_run(const struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);

	if (err)
		fail_msg("BPF_PROG_TEST_RUN of %s: %s", bpf_program__name(prog), strerror(errno));
	return (int)opts.retval;
}
