// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: arbitrary bytes as an audit webhook request body (or an
 * audit log line), through plugins/k8saudit's parser (events.c) the way the
 * webhook hands it over, then every Event it queued through every ka.*
 * field (fields.c) with the arguments rules give (none, an index, a key).
 * Any crash, leak or sanitizer report is a finding; so is a queued event
 * that is not one JSON object with an auditID, or a value the ABI forbids.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/k8saudit/k8saudit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_QUEUED 64

static struct {
	char *data[MAX_QUEUED];
	size_t len[MAX_QUEUED];
	uint64_t ts[MAX_QUEUED];
	size_t n;
	int refuse_after; /* the queue refuses from this event on: the 503 path */
} q;

static void h_log(void *ctx, enum vg_plugin_log_level level, const char *msg)
{
	(void)ctx, (void)level, (void)msg;
}

static int h_push(void *ctx, uint64_t ts, const void *data, size_t len)
{
	(void)ctx;
	if (q.n == MAX_QUEUED || (int)q.n == q.refuse_after)
		return -1;
	q.data[q.n] = malloc(len + 1);
	memcpy(q.data[q.n], data, len);
	q.data[q.n][len] = '\0';
	q.len[q.n] = len;
	q.ts[q.n++] = ts;
	return 0;
}

static const struct vg_plugin_host host = {.log = h_log, .push = h_push};

static void check_event(struct ka_state *s, size_t i, uint64_t num)
{
	static const char *const args[] = {NULL, "0", "1", "command", "/etc*", "x"};
	struct vg_plugin_event ev = {
		.num = num, .ts_ns = q.ts[i], .data = q.data[i], .len = (uint32_t)q.len[i]};
	struct vg_plugin_value out[VG_PLUGIN_MAX_VALUES];
	json_object *o = ka_json_parse(q.data[i], q.len[i]);

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "auditID", NULL)) {
		fprintf(stderr, "queued an event that is not an audit Event: %s\n", q.data[i]);
		abort();
	}
	json_object_put(o);
	for (uint32_t f = 0; f < ka_nfields; f++)
		for (size_t a = 0; a < sizeof(args) / sizeof(args[0]); a++) {
			int n = ka_extract(s, f, args[a], &ev, out, VG_PLUGIN_MAX_VALUES);

			if (n < 0 || n > VG_PLUGIN_MAX_VALUES)
				abort();
			for (int k = 0; k < n; k++)
				if (!out[k].str || strlen(out[k].str) != out[k].len)
					abort(); /* strings are NUL-free JSON texts here */
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ka_state s = {.host = &host};
	static uint64_t num;
	const char *msg = NULL;
	size_t queued = 0;

	if (!ka_nfields)
		return 0;
	ka_fields_init();
	q.n = 0;
	q.refuse_after = size ? data[0] % 8 : 8; /* sometimes the queue fills mid-batch */
	ka_events_push(&host, (const char *)data, size, &queued, &msg);
	if (queued != q.n)
		abort();
	for (size_t i = 0; i < q.n; i++) {
		check_event(&s, i, ++num);
		free(q.data[i]);
	}
	for (uint32_t i = 0; i < VG_PLUGIN_MAX_VALUES; i++) {
		free(s.scratch[i]);
		s.scratch[i] = NULL;
	}
	json_object_put(s.parsed);
	s.parsed = NULL;
	s.parsed_num = 0;
	return 0;
}
