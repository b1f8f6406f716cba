// SPDX-License-Identifier: Apache-2.0
/*
 * What the fleet tests read a JetStream stream with (nats.c, the library
 * the output uses): one JSON line per stored message, in stream order,
 * {"seq", "subject", "headers": {name: value}, "data"}; or with --info the
 * stream's message count and cluster leader: {"msgs", "leader", "replicas"}.
 *
 * usage: nats_dump URL STREAM [--info]. Exit 2: the stream is not there
 * (or the cluster did not answer), 1: bad usage.
 */
#include <json-c/json.h>
#include <nats/nats.h>
#include <stdio.h>
#include <string.h>

static int info(jsStreamInfo *si)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "msgs", json_object_new_int64((int64_t)si->State.Msgs));
	json_object_object_add(o, "last_seq", json_object_new_int64((int64_t)si->State.LastSeq));
	json_object_object_add(o, "replicas", json_object_new_int64(si->Config->Replicas));
	json_object_object_add(o, "leader",
			       json_object_new_string(si->Cluster && si->Cluster->Leader
							      ? si->Cluster->Leader
							      : ""));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return 0;
}

static void dump_one(natsMsg *m, uint64_t seq)
{
	json_object *o = json_object_new_object(), *h = json_object_new_object();
	const char **keys = NULL;
	int n = 0;

	if (natsMsgHeader_Keys(m, &keys, &n) == NATS_OK) {
		for (int i = 0; i < n; i++) {
			const char *v = NULL;

			if (natsMsgHeader_Get(m, keys[i], &v) == NATS_OK)
				json_object_object_add(h, keys[i], json_object_new_string(v));
		}
		free((void *)keys);
	}
	json_object_object_add(o, "seq", json_object_new_int64((int64_t)seq));
	json_object_object_add(o, "subject", json_object_new_string(natsMsg_GetSubject(m)));
	json_object_object_add(o, "headers", h);
	json_object_object_add(
		o, "data",
		json_object_new_string_len(natsMsg_GetData(m), natsMsg_GetDataLength(m)));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

int main(int argc, char **argv)
{
	natsConnection *nc = NULL;
	jsCtx *js = NULL;
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	natsStatus s;
	int rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: nats_dump URL STREAM [--info]\n");
		return 1;
	}
	s = natsConnection_ConnectTo(&nc, argv[1]);
	if (s == NATS_OK)
		s = natsConnection_JetStream(&js, nc, NULL);
	if (s == NATS_OK)
		s = js_GetStreamInfo(&si, js, argv[2], NULL, &jerr);
	if (s != NATS_OK) {
		fprintf(stderr, "nats_dump: %s %s: %s (%d)\n", argv[1], argv[2],
			natsStatus_GetText(s), (int)jerr);
		rc = 2;
	} else if (argc > 3 && !strcmp(argv[3], "--info")) {
		rc = info(si);
	} else {
		for (uint64_t q = si->State.FirstSeq; q && q <= si->State.LastSeq; q++) {
			natsMsg *m = NULL;

			if (js_GetMsg(&m, js, argv[2], q, NULL, &jerr) != NATS_OK)
				continue; /* deleted */
			dump_one(m, q);
			natsMsg_Destroy(m);
		}
	}
	jsStreamInfo_Destroy(si);
	jsCtx_Destroy(js);
	natsConnection_Destroy(nc);
	nats_Close();
	return rc;
}
