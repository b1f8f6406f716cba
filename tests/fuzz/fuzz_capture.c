// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: arbitrary bytes as a capture file (docs/capture.md),
 * read by the real reader (vg_capture_replay) from an in-memory FILE into
 * the real pipeline (snapshot into the process table, then every record
 * through the decoder, tables, rules and event JSON). Any crash, leak or
 * sanitizer report is a finding. The reader's messages about damaged files
 * are expected: run it with -close_fd_mask=2 (libFuzzer still reports).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capture/capture.h"
#include "fuzz_pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_pipeline pl;
	FILE *f;

	if (!size || !(f = fmemopen((void *)data, size, "rb")))
		return 0;
	fzp_begin(&pl);
	if (pl.procs && vg_capture_is_capture(f))
		vg_capture_replay(f, "fuzz.cap", pl.procs, &pl.boot_to_wall_ns, vg_pipeline_handle,
				  &pl);
	fzp_end(&pl);
	fclose(f);
	return 0;
}
