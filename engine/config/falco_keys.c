// SPDX-License-Identifier: Apache-2.0
/*
 * Falco's keys: the sections vigil accepts from falco.yaml (webserver,
 * engine, capture, grpc, libs_logger, ...), the keys that have no effect in
 * vigil (checked, with one warning when not Falco's default, saying why),
 * the refused ones, plugins and config_files. Apart so that following a
 * Falco release is one file.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/stat.h>

#include "config/config_table.h"

static const char *const strategies[] = {"append", "override", "add-only", NULL};

static const char *const engine_kinds[] = {"modern_ebpf", "ebpf",     "kmod", "replay",
					   "gvisor",	  "nodriver", NULL};
const char *const vg_cfg_log_levels[] = {"emergency", "alert", "critical", "error", "warning",
					 "notice",    "info",  "debug",	   NULL};
static const char *const libs_levels[] = {"fatal", "critical", "error", "warning", "notice",
					  "info",  "debug",    "trace", NULL};
static const char *const capture_modes[] = {"rules", "all_rules", NULL};

static const char *check_healthz(const void *v)
{
	const char *s = *(const char *const *)v;

	if (s && (s[0] != '/' || strpbrk(s, " ?#\t") || strlen(s) > 127))
		return "must be a path starting with / (no spaces, ? or #; at most 127 bytes)";
	return NULL;
}

static const char *check_port0(const void *v)
{
	return *(const uint32_t *)v <= 65535 ? NULL : "must be a port from 0 to 65535";
}

/* Falco's webserver, served by vigil's metrics server (finish() maps it) */
const struct vg_cfg_field vg_cfg_webserver_fields[] = {
	{"enabled", F_BOOL, C(webserver_enabled), .doc = "run the web server"},
	NOEFF("threadiness", N_NUM, "0", "vigil's server runs two threads with a connection cap"),
	{"listen_port", F_U32, C(webserver_port), .check = check_port0, .doc = "port"},
	{"listen_address", F_STR, C(webserver_address), .doc = "IPv4 or IPv6 address"},
	{"k8s_healthz_endpoint", F_STR, C(healthz_path), .check = check_healthz,
	 .doc = "path of the health check"},
	{"prometheus_metrics_enabled", F_BOOL, C(prometheus_enabled),
	 .doc = "serve /metrics (with metrics.enabled)"},
	{"ssl_enabled", F_NO_GRPC, 0, 1, .doc = "TLS on the web server"},
	NOEFF("ssl_certificate", N_STR, "/etc/falco/falco.pem",
	      "only used with ssl_enabled, which vigil refuses"),
	{0},
};

static const struct vg_cfg_field kmod_fields[] = {
	{"buf_size_preset", F_PRESET, 0, 0, .doc = "ring buffer size (1 MB << (N-1))"},
	NOEFF("drop_failed_exit", N_BOOL, "false", WHY_PROBES),
	{0},
};

static const struct vg_cfg_field ebpf_fields[] = {
	NOEFF("probe", N_STR, "", WHY_PROBES),
	{"buf_size_preset", F_PRESET, 0, 1, .doc = "ring buffer size (1 MB << (N-1))"},
	NOEFF("drop_failed_exit", N_BOOL, "false", WHY_PROBES),
	{0},
};

static const struct vg_cfg_field modern_fields[] = {
	NOEFF("cpus_for_each_buffer", N_NUM, "2", "vigil has one ring buffer for every CPU"),
	{"buf_size_preset", F_PRESET, 0, 2, .doc = "ring buffer size (1 MB << (N-1))"},
	NOEFF("drop_failed_exit", N_BOOL, "false", WHY_PROBES),
	NOEFF("disable_iterators", N_BOOL, "false",
	      "vigil seeds its process table from /proc at start-up"),
	{0},
};

static const struct vg_cfg_field replay_fields[] = {
	NOEFF("capture_file", N_STR, "", "replay recorded events with `vigil replay FILE`"),
	{0},
};

static const struct vg_cfg_field gvisor_fields[] = {
	NOEFF("config", N_STR, "", WHY_PROBES),
	NOEFF("root", N_STR, "", WHY_PROBES),
	{0},
};

const struct vg_cfg_field vg_cfg_engine_fields[] = {
	NOEFF_ENUM("kind", engine_kinds, "modern_ebpf", WHY_PROBES),
	{"kmod", F_SECTION, 0, .sub = kmod_fields},
	{"ebpf", F_SECTION, 0, .sub = ebpf_fields},
	{"modern_ebpf", F_SECTION, 0, .sub = modern_fields},
	{"replay", F_SECTION, 0, .sub = replay_fields},
	{"gvisor", F_SECTION, 0, .sub = gvisor_fields},
	{0},
};

const struct vg_cfg_field vg_cfg_capture_fields[] = {
	NOEFF("enabled", N_BOOL, "false",
	      "vigil records events with `vigil capture FILE` (docs/capture.md)"),
	NOEFF("path_prefix", N_STR, "/tmp/falco", "see capture.enabled"),
	NOEFF_ENUM("mode", capture_modes, "rules", "see capture.enabled"),
	NOEFF("default_duration", N_NUM, "5000", "see capture.enabled"),
	NOEFF("max_file_size_mb", N_NUM, "0", "see capture.enabled"),
	{0},
};

const struct vg_cfg_field vg_cfg_grpc_fields[] = {
	{"enabled", F_NO_GRPC, 0, 0, .doc = "gRPC server"},
	NOEFF("bind_address", N_QUIET, NULL, "only with enabled"),
	NOEFF("threadiness", N_QUIET, NULL, "only with enabled"),
	NOEFF("private_key", N_QUIET, NULL, "only with enabled"),
	NOEFF("cert_chain", N_QUIET, NULL, "only with enabled"),
	NOEFF("root_certs", N_QUIET, NULL, "only with enabled"),
	{0},
};

const struct vg_cfg_field vg_cfg_grpc_output_fields[] = {
	{"enabled", F_NO_GRPC, 0, 0, .doc = "gRPC output"},
	{0},
};

const struct vg_cfg_field vg_cfg_libs_logger_fields[] = {
	NOEFF("enabled", N_BOOL, "true", WHY_LOG),
	NOEFF_ENUM("severity", libs_levels, "info", WHY_LOG),
	{0},
};

const struct vg_cfg_field vg_cfg_timeouts_fields[] = {
	NOEFF("max_consecutives", N_NUM, "1000",
	      "vigil reads a BPF ring buffer, which has no read timeouts to count"),
	{0},
};

const struct vg_cfg_field vg_cfg_base_syscalls_fields[] = {
	NOEFF("custom_set", N_LIST, NULL,
	      "vigil captures the syscalls its rules and its state need (vigil rules)"),
	NOEFF("repair", N_BOOL, "false", "vigil always captures what its state needs"),
	NOEFF("all", N_BOOL, "false", "vigil captures the syscalls its rules can match"),
	{0},
};

const struct vg_cfg_field vg_cfg_falco_libs_fields[] = {
	NOEFF("thread_table_size", N_NUM, "262144", "vigil's is process_table_size"),
	NOEFF("thread_table_auto_purging_interval_s", N_NUM, "300",
	      "vigil removes exited processes as they exit"),
	NOEFF("thread_table_auto_purging_thread_timeout_s", N_NUM, "300",
	      "vigil removes exited processes as they exit"),
	NOEFF("snaplen", N_NUM, "80", "vigil captures no I/O buffers"),
	{0},
};

const struct vg_cfg_field vg_cfg_old_outputs_fields[] = {
	NOEFF("rate", N_NUM, "0", "vigil's is rate_limit (per rule)"),
	NOEFF("max_burst", N_NUM, "1000", "vigil's is rate_limit (per rule)"),
	{0},
};

/* --- Falco's keys ------------------------------------------------------- */

bool vg_cfg_key_was_set(const struct vg_cfg_loader *ld)
{
	for (size_t i = 0; i < ld->n_set_keys; i++)
		if (!strcmp(ld->set_keys[i], ld->path))
			return true;
	return false;
}

void vg_cfg_mark_set(struct vg_cfg_loader *ld)
{
	char **k;

	if (vg_cfg_key_was_set(ld))
		return;
	k = realloc(ld->set_keys, (ld->n_set_keys + 1) * sizeof(*k));
	if (!k)
		return; /* add-only then loads this key again: no harm */
	ld->set_keys = k;
	if ((k[ld->n_set_keys] = strdup(ld->path)))
		ld->n_set_keys++;
}

static void drop_warning(struct vg_config *c, size_t i)
{
	free(c->warnings[i]);
	free(c->warning_keys[i]);
	c->n_warnings--;
	memmove(&c->warnings[i], &c->warnings[i + 1], (c->n_warnings - i) * sizeof(char *));
	memmove(&c->warning_keys[i], &c->warning_keys[i + 1], (c->n_warnings - i) * sizeof(char *));
}

/*
 * One warning per key without effect whose value is not Falco's default; a
 * later file or -o that sets the key again replaces it (or, back at the
 * default, removes it).
 */
static int note_noeffect(struct vg_cfg_loader *ld, const yaml_node_t *n, bool differs,
			 const char *shown, const char *why)
{
	struct vg_config *c = ld->cfg;
	char **w, **k, *text = NULL, *key = NULL;

	for (size_t i = 0; i < c->n_warnings; i++)
		if (!strcmp(c->warning_keys[i], ld->path))
			drop_warning(c, i--);
	if (!differs)
		return 0;
	w = realloc(c->warnings, (c->n_warnings + 1) * sizeof(*w));
	if (w)
		c->warnings = w;
	k = realloc(c->warning_keys, (c->n_warnings + 1) * sizeof(*k));
	if (k)
		c->warning_keys = k;
	if (!w || !k ||
	    asprintf(&text, "%s:%u:%u: %s: %s has no effect in vigil: %s", ld->file,
		     (unsigned)n->start_mark.line + ld->line_base,
		     (unsigned)n->start_mark.column + 1 +
			     (n->start_mark.line == 0 ? ld->col_base : 0),
		     ld->path, shown, why) < 0 ||
	    !(key = strdup(ld->path))) {
		free(text);
		return vg_cfg_fail_node(ld, n, "out of memory");
	}
	c->warnings[c->n_warnings] = text;
	c->warning_keys[c->n_warnings++] = key;
	return 0;
}

static bool empty_node(const yaml_node_t *n)
{
	if (vg_cfg_is_null(n))
		return true;
	if (n->type == YAML_SEQUENCE_NODE)
		return n->data.sequence.items.top == n->data.sequence.items.start;
	if (n->type == YAML_MAPPING_NODE)
		return n->data.mapping.pairs.top == n->data.mapping.pairs.start;
	return n->type == YAML_SCALAR_NODE && !*vg_cfg_scalar(n);
}

/* A key Falco has and vigil does without: its value is checked, then compared. */
int vg_cfg_apply_noeffect(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			  const struct vg_cfg_field *f)
{
	char shown[96];
	bool differs = false, b;
	double d;
	int iv;

	(void)doc;
	switch ((enum vg_cfg_nkind)f->aux) {
	case N_BOOL:
		if (vg_cfg_parse_bool(ld, n, &b))
			return -1;
		differs = b != !strcmp(f->dflt, "true");
		snprintf(shown, sizeof(shown), "%s", b ? "true" : "false");
		break;
	case N_NUM:
		if (vg_cfg_parse_double(ld, n, &d))
			return -1;
		differs = d != strtod(f->dflt, NULL);
		snprintf(shown, sizeof(shown), "%s", vg_cfg_scalar(n));
		break;
	case N_STR:
		if (!vg_cfg_is_null(n) && n->type != YAML_SCALAR_NODE)
			return vg_cfg_fail_node(ld, n, "expected a string, got %s",
						vg_cfg_node_kind(n));
		differs = strcmp(vg_cfg_is_null(n) ? "" : vg_cfg_scalar(n), f->dflt) != 0;
		snprintf(shown, sizeof(shown), "'%.80s'",
			 vg_cfg_is_null(n) ? "" : vg_cfg_scalar(n));
		break;
	case N_ENUM:
		if (vg_cfg_parse_name(ld, n, f->names, &iv))
			return -1;
		differs = strcasecmp(f->names[iv], f->dflt) != 0;
		snprintf(shown, sizeof(shown), "'%s'", f->names[iv]);
		break;
	case N_LIST:
		if (!vg_cfg_is_null(n) && n->type != YAML_SEQUENCE_NODE)
			return vg_cfg_fail_node(ld, n, "expected a list, got %s",
						vg_cfg_node_kind(n));
		differs = !empty_node(n);
		snprintf(shown, sizeof(shown), "a list that is not empty");
		break;
	case N_ANY:
		differs = !empty_node(n);
		snprintf(shown, sizeof(shown), "a value");
		break;
	case N_QUIET: return 0;
	}
	return note_noeffect(ld, n, differs, shown, f->doc);
}

/* grpc.enabled, grpc_output.enabled, webserver.ssl_enabled: false only */
int vg_cfg_apply_refused(struct vg_cfg_loader *ld, yaml_node_t *n, const struct vg_cfg_field *f)
{
	bool on;

	if (vg_cfg_parse_bool(ld, n, &on) || !on)
		return on ? -1 : 0;
	if (f->aux)
		return vg_cfg_fail_node(
			ld, n,
			"TLS on the web server is not supported by vigil: keep it on "
			"loopback or put a TLS proxy in front of it");
	return vg_cfg_fail_node(
		ld, n,
		"gRPC is not supported by vigil: use http_output (falcosidekick takes "
		"vigil's alerts as it takes Falco's) or program_output instead");
}

/* Appends a copy of s to a string list; -1 when out of memory. */
static int push_str(char ***list, size_t n, const char *s)
{
	char **l = realloc(*list, (n + 1) * sizeof(*l));

	if (!l)
		return -1;
	*list = l;
	return (l[n] = strdup(s)) ? 0 : -1;
}

/* load_plugins: the names of plugins: entries to load (engine/plugin/), in order */
int vg_cfg_apply_load_plugins(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n)
{
	struct vg_config *c = ld->cfg;

	vg_cfg_free_strlist(c->load_plugins, c->n_load_plugins); /* a later file replaces it */
	c->load_plugins = NULL;
	c->n_load_plugins = 0;
	if (vg_cfg_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return vg_cfg_fail_node(ld, n, "expected a list of plugin names, got %s",
					vg_cfg_node_kind(n));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = vg_cfg_item(doc, it);

		if (vg_cfg_want_scalar(ld, e, "a plugin name"))
			return -1;
		if (push_str(&c->load_plugins, c->n_load_plugins, vg_cfg_scalar(e)))
			return vg_cfg_fail_node(ld, e, "out of memory");
		c->n_load_plugins++;
	}
	return 0;
}

static const char *digits(const char *p)
{
	while (*p >= '0' && *p <= '9')
		p++;
	return p;
}

/*
 * v is a number as JSON writes one (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?
 * ([eE][+-]?[0-9]+)?). strtod takes more (0x10, nan, inf, +1, .5, 1., 010),
 * which a plugin's JSON parser would refuse: those are given as strings.
 */
static bool json_number(const char *v)
{
	const char *p = v + (*v == '-'), *q;

	if (*p == '0')
		q = p + 1;
	else if ((q = digits(p)) == p)
		return false;
	if (*q == '.') {
		p = q + 1;
		if ((q = digits(p)) == p)
			return false;
	}
	if (*q == 'e' || *q == 'E') {
		p = q + 1 + (q[1] == '+' || q[1] == '-');
		if ((q = digits(p)) == p)
			return false;
	}
	return *q == '\0';
}

static void json_scalar(FILE *f, const yaml_node_t *n)
{
	const char *v = vg_cfg_scalar(n);

	/* a plain number, boolean or null stays one; everything else is a JSON string */
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (!strcmp(v, "true") || !strcmp(v, "false") || !strcmp(v, "null") || json_number(v))) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Falco gives a plugin a mapping or sequence init_config as JSON text: so does vigil. */
static void yaml_to_json(FILE *f, yaml_document_t *doc, yaml_node_t *n, int depth)
{
	if (!n || depth > 64) {
		fputs("null", f);
		return;
	}
	if (n->type == YAML_SCALAR_NODE) {
		json_scalar(f, n);
	} else if (n->type == YAML_SEQUENCE_NODE) {
		fputc('[', f);
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			if (it != n->data.sequence.items.start)
				fputc(',', f);
			yaml_to_json(f, doc, yaml_document_get_node(doc, *it), depth + 1);
		}
		fputc(']', f);
	} else {
		fputc('{', f);
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);

			if (p != n->data.mapping.pairs.start)
				fputc(',', f);
			if (k && k->type == YAML_SCALAR_NODE) {
				yaml_node_t q = *k;

				q.data.scalar.style =
					YAML_DOUBLE_QUOTED_SCALAR_STYLE; /* keys: strings */
				json_scalar(f, &q);
			} else {
				fputs("\"\"", f);
			}
			fputc(':', f);
			yaml_to_json(f, doc, yaml_document_get_node(doc, p->value), depth + 1);
		}
		fputc('}', f);
	}
}

static int add_plugin(struct vg_cfg_loader *ld, yaml_node_t *e, const char *const val[3])
{
	struct vg_config *c = ld->cfg;

	if (!val[0] || !val[1] || !*val[0] || !*val[1])
		return vg_cfg_fail_node(ld, e, "a plugin needs a name and a library_path");
	for (size_t i = 0; i < c->n_plugins; i++)
		if (strcmp(c->plugin_names[i], val[0]) == 0)
			return vg_cfg_fail_node(ld, e, "plugin '%s' is defined twice", val[0]);
	if (push_str(&c->plugin_names, c->n_plugins, val[0]) ||
	    push_str(&c->plugin_paths, c->n_plugins, val[1]) ||
	    push_str(&c->plugin_configs, c->n_plugins, val[2]))
		return vg_cfg_fail_node(ld, e, "out of memory");
	c->n_plugins++;
	return 0;
}

/* One plugins: entry: its name, library_path and init_config (a string, or YAML as JSON) */
static int read_plugin(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *e)
{
	static const char *const keys[] = {"name", "library_path", "init_config", "open_params",
					   NULL};
	const char *val[3] = {NULL, NULL, ""};
	char *json = NULL;
	size_t jlen = 0;
	int ret;

	if (e->type != YAML_MAPPING_NODE)
		return vg_cfg_fail_node(ld, e,
					"expected a plugin (name, library_path, ...), got %s",
					vg_cfg_node_kind(e));
	for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		int iv;

		if (vg_cfg_parse_name(ld, k, keys, &iv))
			return -1;
		if (iv == 2 && v->type != YAML_SCALAR_NODE && !json) {
			FILE *f = open_memstream(&json, &jlen);

			if (!f)
				return vg_cfg_fail_node(ld, v, "out of memory");
			yaml_to_json(f, doc, v, 0);
			fclose(f);
			val[2] = json;
			continue;
		}
		if (iv <= 1 && vg_cfg_want_scalar(ld, v, "a string")) {
			free(json);
			return -1;
		}
		if (iv == 3 && v->type != YAML_SCALAR_NODE)
			return vg_cfg_fail_node(ld, v, "expected a string, got %s",
						vg_cfg_node_kind(v));
		if (iv <= 2)
			val[iv] = vg_cfg_scalar(v);
	}
	ret = add_plugin(ld, e, val);
	free(json);
	return ret;
}

/* plugins: Falco's list; what load_plugins names of it is loaded */
int vg_cfg_apply_plugins(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n)
{
	struct vg_config *c = ld->cfg;

	/* a later file replaces the list (the three lists keep one length) */
	vg_cfg_free_strlist(c->plugin_names, c->n_plugins);
	vg_cfg_free_strlist(c->plugin_paths, c->n_plugins);
	vg_cfg_free_strlist(c->plugin_configs, c->n_plugins);
	c->plugin_names = c->plugin_paths = c->plugin_configs = NULL;
	c->n_plugins = 0;
	if (vg_cfg_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return vg_cfg_fail_node(ld, n, "expected a list of plugins, got %s",
					vg_cfg_node_kind(n));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++)
		if (read_plugin(ld, doc, vg_cfg_item(doc, it)))
			return -1;
	return 0;
}

/* engine.<kind>.buf_size_preset: 1 MB << (N-1), Falco's table; finish() applies it */
int vg_cfg_apply_preset(struct vg_cfg_loader *ld, yaml_node_t *n, const struct vg_cfg_field *f)
{
	uint64_t v;

	if (vg_cfg_parse_number(ld, n, (struct vg_num_range){1, 10, false}, &v))
		return -1;
	ld->cfg->buf_size_preset[f->aux] = (uint32_t)v;
	return 0;
}

/* config_files: "path" or {path: P, strategy: append|override|add-only} */
int vg_cfg_apply_config_files(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			      const struct vg_cfg_field *f)
{
	char *base = (char *)ld->cfg;
	char ***list = (char ***)(base + f->off);
	size_t *cnt = (size_t *)(base + f->aux), total;

	if (ld->included || ld->col_base)
		return vg_cfg_fail_node(
			ld, n,
			"config_files is read from the main config file only (as in "
			"Falco: no nested includes)");
	if (vg_cfg_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return vg_cfg_fail_node(ld, n, "expected a list of files or directories, got %s",
					vg_cfg_node_kind(n));
	total = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	vg_cfg_free_strlist(*list, *cnt);
	*list = NULL;
	*cnt = 0;
	free(ld->cf_strats);
	ld->cf_strats = calloc(total + 1, sizeof(int));
	*list = calloc(total + 1, sizeof(char *));
	if (!ld->cf_strats || !*list)
		return vg_cfg_fail_node(ld, n, "out of memory");
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = vg_cfg_item(doc, it), *path = NULL;
		int strat = S_APPEND;

		if (e->type == YAML_MAPPING_NODE) {
			for (yaml_node_pair_t *p = e->data.mapping.pairs.start;
			     p < e->data.mapping.pairs.top; p++) {
				yaml_node_t *k = yaml_document_get_node(doc, p->key);
				yaml_node_t *v = yaml_document_get_node(doc, p->value);
				static const char *const keys[] = {"path", "strategy", NULL};
				int iv;

				if (vg_cfg_parse_name(ld, k, keys, &iv))
					return -1;
				if (iv == 0)
					path = v;
				else if (vg_cfg_parse_name(ld, v, strategies, &strat))
					return -1;
			}
			if (!path)
				return vg_cfg_fail_node(ld, e, "an entry needs a path");
		} else {
			path = e;
		}
		if (vg_cfg_want_scalar(ld, path, "a file or directory path") ||
		    vg_cfg_dup_str(ld, path, &(*list)[*cnt]))
			return -1;
		ld->cf_strats[(*cnt)++] = strat;
	}
	return 0;
}
