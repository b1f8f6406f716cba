// SPDX-License-Identifier: Apache-2.0
/*
 * k8saudit's init_config: a JSON object (vigil.yaml's init_config mapping).
 * Unknown keys and wrong types are refused by name, so a typo never leaves
 * the webhook silently off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8saudit.h"

enum kind { K_STR, K_PORT, K_SIZE };

struct key {
	const char *name;
	enum kind kind;
	size_t off; /* into struct ka_config */
};

#define STR(n, f)                                                                                  \
	{                                                                                          \
		n, K_STR, offsetof(struct ka_config, f)                                            \
	}
static const struct key keys[] = {
	STR("listen_address", listen_addr),
	{"listen_port", K_PORT, offsetof(struct ka_config, listen_port)},
	STR("webhook_path", webhook_path),
	STR("tls_cert", tls_cert),
	STR("tls_key", tls_key),
	STR("tls_client_ca", tls_ca),
	{"max_request_size", K_SIZE, offsetof(struct ka_config, max_request)},
	/* Falco's k8saudit name of the same limit */
	{"webhookMaxBatchSize", K_SIZE, offsetof(struct ka_config, max_request)},
	STR("log_file", log_file),
	STR("cluster_name", cluster_name),
};

static int set_str(char **dst, json_object *v, const char *name, char *err, size_t errlen)
{
	if (!json_object_is_type(v, json_type_string)) {
		snprintf(err, errlen, "init_config: '%s' must be a string", name);
		return -1;
	}
	free(*dst);
	*dst = strdup(json_object_get_string(v));
	if (!*dst) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int set_num(void *dst, enum kind k, json_object *v, const char *name, char *err,
		   size_t errlen)
{
	int64_t n;

	if (!json_object_is_type(v, json_type_int)) {
		snprintf(err, errlen, "init_config: '%s' must be an integer", name);
		return -1;
	}
	n = json_object_get_int64(v);
	if (k == K_PORT) {
		if (n < 0 || n > 65535) {
			snprintf(err, errlen, "init_config: listen_port %lld is not 0..65535",
				 (long long)n);
			return -1;
		}
		*(uint16_t *)dst = (uint16_t)n;
		return 0;
	}
	if (n < 1024 || n > (int64_t)1 << 30) {
		snprintf(err, errlen, "init_config: '%s' %lld is not 1024..1073741824 bytes", name,
			 (long long)n);
		return -1;
	}
	*(size_t *)dst = (size_t)n;
	return 0;
}

static int set_key(struct ka_config *cfg, const char *name, json_object *v, char *err,
		   size_t errlen)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		void *dst = (char *)cfg + keys[i].off;

		if (strcmp(keys[i].name, name) != 0)
			continue;
		if (keys[i].kind == K_STR)
			return set_str(dst, v, name, err, errlen);
		return set_num(dst, keys[i].kind, v, name, err, errlen);
	}
	/* Falco's: one PEM file holding the certificate and its key */
	if (strcmp(name, "sslCertificate") == 0)
		return set_str(&cfg->tls_cert, v, name, err, errlen) ||
		       set_str(&cfg->tls_key, v, name, err, errlen);
	snprintf(err, errlen,
		 "init_config: unknown key '%.64s' (known: listen_address, listen_port, "
		 "webhook_path, tls_cert, tls_key, tls_client_ca, max_request_size, log_file, "
		 "cluster_name)",
		 name);
	return -1;
}

static int check(struct ka_config *cfg, char *err, size_t errlen)
{
	if (!cfg->listen_port && !(cfg->log_file && *cfg->log_file)) {
		snprintf(err, errlen, "init_config: set listen_port (the webhook) and/or log_file");
		return -1;
	}
	if (!cfg->tls_cert != !cfg->tls_key) {
		snprintf(err, errlen, "init_config: tls_cert and tls_key go together");
		return -1;
	}
	if (cfg->tls_ca && !cfg->tls_cert) {
		snprintf(err, errlen, "init_config: tls_client_ca needs tls_cert and tls_key");
		return -1;
	}
	if (cfg->webhook_path && cfg->webhook_path[0] != '/') {
		snprintf(err, errlen, "init_config: webhook_path '%.64s' must start with '/'",
			 cfg->webhook_path);
		return -1;
	}
	if ((!cfg->listen_addr && !(cfg->listen_addr = strdup("0.0.0.0"))) ||
	    (!cfg->webhook_path && !(cfg->webhook_path = strdup("/k8s-audit")))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int ka_config_parse(struct ka_config *cfg, const char *text, char *err, size_t errlen)
{
	json_object *root;
	int rc = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->max_request = KA_DEFAULT_MAX_REQUEST;
	root = ka_json_parse(text ? text : "", text ? strlen(text) : 0);
	if (!root || !json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen,
			 "init_config must be a mapping, e.g. {listen_port: 9765} or "
			 "{log_file: /var/log/kubernetes/audit.log}");
		json_object_put(root);
		return -1;
	}
	json_object_object_foreach(root, k, v)
	{
		if ((rc = set_key(cfg, k, v, err, errlen)) != 0)
			break;
	}
	json_object_put(root);
	return rc ? rc : check(cfg, err, errlen);
}

void ka_config_free(struct ka_config *cfg)
{
	free(cfg->listen_addr);
	free(cfg->webhook_path);
	free(cfg->tls_cert);
	free(cfg->tls_key);
	free(cfg->tls_ca);
	free(cfg->log_file);
	free(cfg->cluster_name);
	memset(cfg, 0, sizeof(*cfg));
}
