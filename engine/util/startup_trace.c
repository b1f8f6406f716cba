// SPDX-License-Identifier: Apache-2.0
#include "util/startup_trace.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* -1 not yet read, 0 off, 1 on. Marks come from the main and the probe loader thread. */
static atomic_int enabled = -1;
static atomic_uint_fast64_t first_wall, first_cpu;
/* per thread: stages of two threads overlap, each one's step is its own */
static _Thread_local uint64_t last_wall, last_cpu;

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool trace_on(void)
{
	int on = atomic_load(&enabled);

	if (on < 0) {
		const char *v = getenv("VIGIL_TRACE_STARTUP");

		on = v && strcmp(v, "1") == 0;
		atomic_store(&enabled, on);
	}
	return on;
}

void vg_startup_mark(const char *stage)
{
	uint64_t wall, cpu, tcpu, zero = 0;

	if (!trace_on())
		return;
	wall = now_ns(CLOCK_MONOTONIC);
	cpu = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	tcpu = now_ns(CLOCK_THREAD_CPUTIME_ID);
	if (atomic_compare_exchange_strong(&first_wall, &zero, wall))
		atomic_store(&first_cpu, cpu);
	if (!last_wall) {
		last_wall = wall;
		last_cpu = tcpu;
	}
	fprintf(stderr, "vigil: startup: %-24s wall %7.1f ms (+%6.1f) cpu %7.1f ms (+%6.1f)\n",
		stage, (double)(wall - atomic_load(&first_wall)) / 1e6,
		(double)(wall - last_wall) / 1e6, (double)(cpu - atomic_load(&first_cpu)) / 1e6,
		(double)(tcpu - last_cpu) / 1e6);
	last_wall = wall;
	last_cpu = tcpu;
}
