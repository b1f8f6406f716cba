// SPDX-License-Identifier: Apache-2.0
#include "util/startup_trace.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* -1 not yet read, 0 off, 1 on. Marks come from the main and the loader thread. */
static atomic_int enabled = -1;
static atomic_uint_fast64_t first_wall, first_cpu, last_wall, last_cpu;

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
	uint64_t wall, cpu, pw, pc;

	if (!trace_on())
		return;
	wall = now_ns(CLOCK_MONOTONIC);
	cpu = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	if (!atomic_load(&first_wall)) {
		atomic_store(&first_wall, wall);
		atomic_store(&first_cpu, cpu);
		atomic_store(&last_wall, wall);
		atomic_store(&last_cpu, cpu);
	}
	pw = atomic_exchange(&last_wall, wall);
	pc = atomic_exchange(&last_cpu, cpu);
	fprintf(stderr,
		"vigil: startup: %-24s wall %7.1f ms (+%6.1f) cpu %7.1f ms (+%6.1f)\n", stage,
		(double)(wall - atomic_load(&first_wall)) / 1e6, (double)(wall - pw) / 1e6,
		(double)(cpu - atomic_load(&first_cpu)) / 1e6, (double)(cpu - pc) / 1e6);
}
