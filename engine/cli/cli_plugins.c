// SPDX-License-Identifier: Apache-2.0
/* vigil.yaml's load_plugins:/plugins: -> engine/plugin/, before any rule compiles. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert/json_buf.h"
#include "cli/cli.h"
#include "config/config.h"
#include "plugin/plugin.h"

#ifndef VIGIL_PLUGIN_DIR
#define VIGIL_PLUGIN_DIR "/usr/local/lib/vigil/plugins"
#endif
#ifndef VIGIL_PLUGIN_RELDIR
#define VIGIL_PLUGIN_RELDIR "lib/vigil/plugins"
#endif
#define NATS_SO "libnats.so"

/*
 * The bundled nats plugin: the installed one (VIGIL_PLUGIN_DIR), else one
 * beside the vigil binary (<bin>/../VIGIL_PLUGIN_RELDIR: an install moved
 * elsewhere, or unpacked under a DESTDIR), else the build tree's
 * (<build>/engine/vigil -> <build>/plugins). NULL, said on stderr naming
 * every path tried, when none is there.
 */
static const char *nats_plugin_path(char *buf, size_t cap)
{
	char exe[PATH_MAX], *slash, tried[3 * (PATH_MAX + 64)];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	snprintf(buf, cap, "%s/%s", VIGIL_PLUGIN_DIR, NATS_SO);
	if (access(buf, R_OK) == 0)
		return buf;
	snprintf(tried, sizeof(tried), "%s", buf);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		snprintf(buf, cap, "%s/../%s/%s", exe, VIGIL_PLUGIN_RELDIR, NATS_SO);
		if (access(buf, R_OK) == 0)
			return buf;
		snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), ", %s", buf);
		snprintf(buf, cap, "%s/../plugins/%s", exe, NATS_SO);
		if (access(buf, R_OK) == 0)
			return buf;
		snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), ", %s", buf);
	}
	fprintf(stderr,
		"vigil: nats_output needs the nats plugin, which is not installed (tried %s)\n",
		tried);
	return NULL;
}

/* A plugins: entry named nats gives the library (a build of one's own), else the bundled one. */
static const char *nats_library(const struct vg_config *cfg, char *buf, size_t cap)
{
	for (size_t i = 0; i < cfg->n_plugins; i++)
		if (strcmp(cfg->plugin_names[i], "nats") == 0)
			return cfg->plugin_paths[i];
	return nats_plugin_path(buf, cap);
}

/* nats_output: as the nats plugin's init_config (the same keys); NULL: out of memory. */
static char *nats_init_config(const struct vg_nats_settings *c)
{
	const char *const skeys[] = {"subject_prefix", "stream",   "host",	     "ca_file",
				     "cert_file",      "key_file", "user",	     "password",
				     "token",	       "nkey",	   "nkey_seed_file", "creds_file",
				     "spool_dir"};
	const char *const svals[] = {
		c->subject_prefix, c->stream,	  c->host,     c->ca_file, c->cert_file,
		c->key_file,	   c->user,	  c->password, c->token,   c->nkey,
		c->nkey_seed_file, c->creds_file, c->spool_dir};
	const char *const ikeys[] = {"replicas",	   "duplicate_window_s",
				     "connect_timeout_ms", "ack_timeout_ms",
				     "reconnect_wait_ms",  "reconnect_max_wait_ms",
				     "spool_max_bytes",	   "spool_max_age_s"};
	const uint64_t ivals[] = {c->replicas,		 c->duplicate_window_s,
				  c->connect_timeout_ms, c->ack_timeout_ms,
				  c->reconnect_wait_ms,	 c->reconnect_max_wait_ms,
				  c->spool_max_bytes,	 c->spool_max_age_s};
	struct vg_jbuf b;

	vg_jb_init(&b);
	vg_jb_obj_begin(&b);
	VG_JB_KEY(&b, "urls");
	vg_jb_arr_begin(&b);
	for (size_t i = 0; i < c->n_urls; i++)
		vg_jb_cstr(&b, c->urls[i]);
	vg_jb_arr_end(&b);
	for (size_t i = 0; i < sizeof(skeys) / sizeof(skeys[0]); i++)
		if (svals[i]) { /* an unset one is left to the plugin's default */
			vg_jb_key(&b, skeys[i]);
			vg_jb_cstr(&b, svals[i]);
		}
	VG_JB_KEY(&b, "create_stream");
	vg_jb_bool(&b, c->create_stream);
	VG_JB_KEY(&b, "tls");
	vg_jb_bool(&b, c->tls);
	for (size_t i = 0; i < sizeof(ikeys) / sizeof(ikeys[0]); i++) {
		vg_jb_key(&b, ikeys[i]);
		vg_jb_u64(&b, ivals[i]);
	}
	vg_jb_obj_end(&b);
	if (!b.oom)
		return b.s; /* the caller frees it */
	vg_jb_free(&b);
	return NULL;
}

/* load_plugins names nats (a plugins: entry of the user's own). */
static bool names_nats(const struct vg_config *cfg)
{
	for (size_t i = 0; i < cfg->n_load_plugins; i++)
		if (strcmp(cfg->load_plugins[i], "nats") == 0)
			return true;
	return false;
}

/*
 * The plugins load_plugins names, in its order, then the bundled nats plugin
 * when nats_output: is enabled (and load_plugins does not name nats itself);
 * -1 (and *out NULL) on failure.
 */
int vg_cli_load_plugins(const struct vg_config *cfg, struct vg_plugins **out)
{
	const struct vg_output_config *nats = &cfg->outputs[VG_OUTPUT_NATS];
	bool with_nats = nats->enabled && !names_nats(cfg);
	struct vg_plugin_spec *sp;
	size_t n = cfg->n_load_plugins;
	char path[PATH_MAX + 64], *nats_cfg = NULL;

	*out = NULL;
	if (!n && !with_nats)
		return 0;
	sp = calloc(n + 1, sizeof(*sp));
	if (!sp)
		return -1;
	if (with_nats) {
		sp[n] = (struct vg_plugin_spec){
			.name = "nats",
			.library_path = nats_library(cfg, path, sizeof(path)),
			.init_config = nats_cfg = nats_init_config(&nats->nats)};
		if (!sp[n].library_path || !nats_cfg) {
			if (!nats_cfg)
				fprintf(stderr, "vigil: nats_output: out of memory\n");
			free(nats_cfg);
			free(sp);
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		while (k < cfg->n_plugins && strcmp(cfg->plugin_names[k], cfg->load_plugins[i]))
			k++;
		if (k == cfg->n_plugins) {
			fprintf(stderr,
				"vigil: load_plugins names '%s', which plugins: does not define\n",
				cfg->load_plugins[i]);
			free(nats_cfg);
			free(sp);
			return -1;
		}
		sp[i] = (struct vg_plugin_spec){.name = cfg->plugin_names[k],
						.library_path = cfg->plugin_paths[k],
						.init_config = cfg->plugin_configs[k]};
	}
	*out = vg_plugins_load(sp, n + with_nats, 0);
	/* the settings hold secrets: not left in freed memory */
	if (nats_cfg)
		explicit_bzero(nats_cfg, strlen(nats_cfg));
	free(nats_cfg);
	free(sp);
	return *out ? 0 : -1;
}

int vg_cli_plugins_from_file(const char *path, struct vg_plugins **out)
{
	struct vg_config cfg;
	struct vg_config_err err;
	int ret;

	*out = NULL;
	if (vg_config_load(&cfg, path, NULL, 0, &err) != 0) {
		fprintf(stderr, "vigil: %s\n", err.text);
		return -1;
	}
	ret = vg_cli_load_plugins(&cfg, out);
	vg_config_free(&cfg);
	return ret;
}
