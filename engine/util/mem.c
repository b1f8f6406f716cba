// SPDX-License-Identifier: Apache-2.0
/* The heap's policy (mem.h). */
#include <malloc.h>

#include "util/mem.h"

#define MMAP_THRESHOLD (128 * 1024) /* glibc's default, made fixed by setting it */
#define RELEASE_MIN    (2u << 20)   /* less free than this: not worth the page faults again */

void vg_mem_tune(void)
{
	/* setting it also fixes the trim threshold: a freed heap top goes back at once */
	mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
}

void vg_mem_release(void)
{
	malloc_trim(0);
}

void vg_mem_release_if_worth(void)
{
	struct mallinfo2 mi = mallinfo2();

	if (mi.fordblks >= RELEASE_MIN)
		malloc_trim(0);
}
