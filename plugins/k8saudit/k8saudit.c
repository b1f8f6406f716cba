// SPDX-License-Identifier: Apache-2.0
/*
 * k8saudit: vigil's Kubernetes audit plugin (include/vigil/plugin.h).
 *
 * Source "k8s_audit": audit.k8s.io/v1 Events from the API server's audit
 * webhook (webhook.c) and/or its audit log file (follow.c), one vigil event
 * per Event (events.c). Fields: the ka.* of Falco's k8saudit plugin
 * (fields.c). The jevt.* and json.* fields come from the json plugin
 * (plugins/json), as in Falco.
 *
 * The version states the Falco field set implemented: 0.18.x is the set of
 * Falco's k8saudit 0.18, so rule files with required_plugin_versions
 * k8saudit 0.18.0 (Falco's k8s_audit_rules.yaml) load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8saudit.h"

static int p_init(const struct vg_plugin_host *host, const char *config, void **out, char *err,
		  size_t errlen)
{
	struct ka_state *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->host = host;
	if (ka_config_parse(&s->cfg, config, err, errlen) != 0) {
		ka_config_free(&s->cfg);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

static void p_destroy(void *st)
{
	struct ka_state *s = st;

	for (uint32_t i = 0; i < VG_PLUGIN_MAX_VALUES; i++)
		free(s->scratch[i]);
	json_object_put(s->parsed);
	ka_config_free(&s->cfg);
	free(s);
}

static void p_stop(void *st)
{
	struct ka_state *s = st;

	ka_webhook_stop(s); /* no request is answered after: none pushes */
	ka_follow_stop(s);
}

static int p_start(void *st)
{
	struct ka_state *s = st;
	char err[512] = "";

	atomic_store(&s->stop, false);
	if (ka_webhook_start(s, err, sizeof(err)) != 0) {
		s->host->log(s->host->ctx, VG_PLUGIN_LOG_ERROR, err);
		return -1;
	}
	if (s->cfg.log_file && *s->cfg.log_file && ka_follow_start(s) != 0) {
		s->host->log(s->host->ctx, VG_PLUGIN_LOG_ERROR, "cannot start the log follower");
		p_stop(s);
		return -1;
	}
	return 0;
}

VG_PLUGIN_EXPORT int vigil_plugin_init(const struct vg_plugin_host *host,
				       struct vg_plugin_info *out)
{
	(void)host;
	ka_fields_init();
	*out = (struct vg_plugin_info){
		.api_major = VG_PLUGIN_API_MAJOR,
		.api_minor = VG_PLUGIN_API_MINOR,
		.name = "k8saudit",
		.version = "0.18.0",
		.description = "Kubernetes audit events (webhook over HTTP(S), audit log file); "
			       "Falco's ka.* fields",
		.source = "k8s_audit",
		.fields = ka_fields,
		.nfields = ka_nfields,
		.field_flags = ka_field_flags,
		.init = p_init,
		.destroy = p_destroy,
		.start = p_start,
		.stop = p_stop,
		.extract = ka_extract,
	};
	return 0;
}
