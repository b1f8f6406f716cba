// SPDX-License-Identifier: Apache-2.0
/* The heap's policy (mem.h). */
#include <malloc.h>

#include "util/mem.h"

#define MMAP_THRESHOLD (128 * 1024) /* glibc's default, made fixed by setting it */

void vg_mem_tune(void)
{
	/* setting it also fixes the trim threshold: a freed heap top goes back at once */
	mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
}

void vg_mem_release(void)
{
	malloc_trim(0);
}
