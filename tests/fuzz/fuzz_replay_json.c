// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: arbitrary text as a `vigil replay` JSON-lines file. Each
 * line goes the way cmd_replay.c sends it: parsed, encoded back into a probe
 * record (vg_json_to_record), its "parent" and "ancestors" seeded into the
 * process table, and the record through the real pipeline (decoder, tables,
 * rules, event JSON). Any crash, leak or sanitizer report is a finding, and
 * so is a record the encoder builds that the decoder refuses: the encoder
 * must only write what the probes would.
 */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "fuzz_pipeline.h"
#include "replay/json_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vg_record_buf fzr_rec;

static void one_line(struct vg_pipeline *pl, const char *line)
{
	char err[128];
	json_object *o = json_tokener_parse(line);
	struct vg_event ev;
	enum vg_decode_err de;

	if (o && json_object_is_type(o, json_type_object) &&
	    vg_json_to_record(o, &fzr_rec, err, sizeof(err)) == 0) {
		de = vg_decode(fzr_rec.data, fzr_rec.len, 0, &ev);
		if (de != VG_DECODE_OK) {
			fprintf(stderr, "the encoder wrote a record the decoder refuses: %s\n",
				vg_decode_strerror(de));
			abort();
		}
		vg_json_seed_ancestry(o, pl->procs);
		vg_pipeline_handle(pl, fzr_rec.data, fzr_rec.len);
	}
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_pipeline pl;
	char *text = malloc(size + 1);
	char *line, *save = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* getline stops at NUL too: what follows one is not JSON */
	fzp_begin(&pl);
	if (pl.procs)
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			one_line(&pl, line);
	fzp_end(&pl);
	free(text);
	return 0;
}
