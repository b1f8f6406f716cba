// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: arbitrary bytes as ring-buffer records. The input is fed
 * twice through the real pipeline (decoder, process and fd tables, rules,
 * `vigil events` JSON): first whole, as one record, then split as a
 * sequence of records, each a u16 little-endian length and that many bytes,
 * so that the tables see an exec, a fork, an open, a close and an exit of
 * the same processes in one input. Each record is copied to an 8-aligned
 * buffer, as the ring buffer hands them out. Any crash, leak or sanitizer
 * report is a finding.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static _Alignas(8) char fzd_rec[VG_RECORD_MAX];

static void feed(struct vg_pipeline *pl, const uint8_t *p, size_t n)
{
	if (n > sizeof(fzd_rec))
		n = sizeof(fzd_rec);
	memcpy(fzd_rec, p, n);
	vg_pipeline_handle(pl, fzd_rec, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_pipeline pl;
	size_t pos = 0;

	fzp_begin(&pl);
	if (!pl.procs)
		return 0;
	feed(&pl, data, size);
	while (size - pos >= 2) {
		size_t n = (size_t)data[pos] | (size_t)data[pos + 1] << 8;

		pos += 2;
		if (n > size - pos)
			n = size - pos;
		feed(&pl, data + pos, n);
		pos += n;
	}
	fzp_end(&pl);
	return 0;
}
