// SPDX-License-Identifier: Apache-2.0
/*
 * The YAML configuration: libyaml builds a document (every node keeps its
 * line and column), and one table (vg_cfg_top, config_keys.c) says, for
 * every key, its type, where it goes in struct vg_config, and its checks.
 * This file applies that table to the file, its includes and the -o
 * overrides, checks the keys against each other once all are read, and
 * owns the defaults and freeing. The table, the output sections, Falco's
 * keys, the value parsers and the printing are in their own files
 * (config_table.h lists them).
 */
#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/stat.h>
#include <yaml.h>

#include "state/proc_table.h" /* the process table's bounds (constants only) */
#include "config/config_table.h"
#include "config/number.h"

/* the rules installed with vigil (the build passes the same path as the binary's) */
#ifndef VIGIL_DEFAULT_RULES
#define VIGIL_DEFAULT_RULES "/usr/local/share/vigil/rules"
#endif

static int apply_map(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
		     const struct vg_cfg_field *fields);

static void path_push(struct vg_cfg_loader *ld, const char *key, size_t *saved)
{
	size_t len = strlen(ld->path);

	*saved = len;
	snprintf(ld->path + len, sizeof(ld->path) - len, "%s%s", len ? "." : "", key);
}

static int apply_field(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
		       const struct vg_cfg_field *f)
{
	char *base = (char *)ld->cfg;
	void *dst = base + f->off;
	const char *why;
	uint64_t u;
	int iv;

	switch (f->type) {
	case F_BOOL:
		if (vg_cfg_parse_bool(ld, n, dst))
			return -1;
		/* asked for, not a default: a warning at start if it cannot be had */
		if (dst == &ld->cfg->self_protect)
			ld->cfg->self_protect_set = true;
		if (f->aux) {
			/* an output's "enabled": remembered to place later errors */
			ld->enabled_seen[f->aux - 1] = true;
			ld->enabled_mark[f->aux - 1] = n->start_mark;
			snprintf(ld->enabled_file[f->aux - 1], sizeof(ld->enabled_file[0]), "%s",
				 ld->file);
		}
		break;
	case F_U32:
		if (vg_cfg_parse_u64(ld, n, UINT32_MAX, &u))
			return -1;
		*(uint32_t *)dst = (uint32_t)u;
		break;
	case F_MODE:
		if (vg_cfg_parse_mode(ld, n, (uint32_t *)dst))
			return -1;
		break;
	case F_PORT:
		if (vg_cfg_parse_number(ld, n, (struct vg_num_range){1, 65535, false}, &u))
			return -1;
		*(uint16_t *)dst = (uint16_t)u;
		break;
	case F_RETRIES:
		if (n->type == YAML_SCALAR_NODE && !strcmp(vg_cfg_scalar(n), "-1")) {
			*(uint32_t *)dst = UINT32_MAX;
			break;
		}
		if (vg_cfg_parse_u64(ld, n, UINT32_MAX - 1, &u))
			return -1;
		*(uint32_t *)dst = (uint32_t)u;
		break;
	case F_SIZE:
		if (vg_cfg_parse_size(ld, n, dst))
			return -1;
		if (dst == &ld->cfg->ring_buffer_size)
			ld->cfg->ring_buffer_size_set = true;
		break;
	case F_DOUBLE:
		if (vg_cfg_parse_double(ld, n, dst))
			return -1;
		break;
	case F_STR: {
		char **s = dst, *v = NULL;

		/* null and "" both mean "not set" */
		if (!vg_cfg_is_null(n)) {
			if (n->type != YAML_SCALAR_NODE)
				return vg_cfg_fail_node(ld, n, "expected a string, got %s",
							vg_cfg_node_kind(n));
			if (*vg_cfg_scalar(n) && vg_cfg_dup_str(ld, n, &v))
				return -1;
		}
		free(*s);
		*s = v;
		if (s == &ld->cfg->metrics_listen_address)
			ld->cfg->metrics_listen_set = true;
		break;
	}
	case F_STRLIST: {
		char ***l = dst, **nl;
		size_t *cnt = (size_t *)(base + f->aux), nn;

		if (vg_cfg_parse_strlist(ld, doc, n, &nl, &nn))
			return -1;
		if (ld->included && ld->strat == S_APPEND && nn) {
			/* config_files' append: a list adds to what is there */
			char **all = realloc(*l, (*cnt + nn) * sizeof(*all));

			if (!all) {
				vg_cfg_free_strlist(nl, nn);
				return vg_cfg_fail_node(ld, n, "out of memory");
			}
			memcpy(all + *cnt, nl, nn * sizeof(*nl));
			free(nl);
			*l = all;
			*cnt += nn;
			break;
		}
		vg_cfg_free_strlist(*l, *cnt);
		*l = nl;
		*cnt = nn;
		break;
	}
	case F_PRIORITY:
		if (vg_cfg_parse_priority(ld, n, dst))
			return -1;
		break;
	case F_ENUM:
		if (vg_cfg_parse_name(ld, n, f->names, &iv))
			return -1;
		*(int *)dst = iv;
		break;
	case F_FORMAT:
		if (vg_cfg_parse_name(ld, n, f->names, &iv))
			return -1;
		*(int *)dst = iv;
		*(int *)(base + f->aux) = 1;
		break;
	case F_FACILITY:
		if (vg_cfg_parse_name(ld, n, vg_cfg_facilities, &iv))
			return -1;
		if (iv == 0)
			return vg_cfg_fail_node(ld, n,
						"'kern' is the kernel's facility; use user, "
						"daemon, auth, local0..local7, ...");
		*(int *)dst = iv;
		break;
	case F_DROP_ACTIONS:
		if (vg_cfg_parse_drop_actions(ld, doc, n, dst))
			return -1;
		break;
	case F_SECTION: return apply_map(ld, doc, n, f->sub);
	case F_RULESEL:
		if (ld->included && ld->strat == S_APPEND)
			return vg_cfg_append_rulesel(ld, doc, n, dst, (size_t *)(base + f->aux));
		return vg_cfg_parse_rulesel(ld, doc, n, dst, (size_t *)(base + f->aux));
	case F_NOEFFECT: return vg_cfg_apply_noeffect(ld, doc, n, f);
	case F_CONFIG_FILES: return vg_cfg_apply_config_files(ld, doc, n, f);
	case F_PLUGINS: return vg_cfg_apply_plugins(ld, doc, n);
	case F_LOAD_PLUGINS: return vg_cfg_apply_load_plugins(ld, doc, n);
	case F_NO_GRPC: return vg_cfg_apply_refused(ld, n, f);
	case F_PRESET: return vg_cfg_apply_preset(ld, n, f);
	case F_HEADERS: return vg_cfg_parse_headers(ld, doc, n, dst, (size_t *)(base + f->aux));
	case F_APPEND: return vg_cfg_parse_append(ld, doc, n, dst, (size_t *)(base + f->aux));
	}
	if (f->check && (why = f->check(dst)))
		return vg_cfg_fail_node(ld, n, "%s", why);
	return 0;
}

static const struct vg_cfg_field *find_field(const struct vg_cfg_field *fields, const char *key)
{
	for (const struct vg_cfg_field *f = fields; f->key; f++)
		if (f->pattern ? !fnmatch(f->key, key, 0) : !strcmp(f->key, key))
			return f;
	return NULL;
}

static void known_keys(const struct vg_cfg_field *fields, char *buf, size_t cap)
{
	buf[0] = '\0';
	for (const struct vg_cfg_field *f = fields; f->key; f++)
		snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", f == fields ? "" : ", ",
			 f->key);
}

static int apply_map(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
		     const struct vg_cfg_field *fields)
{
	bool seen[128] = {false};

	if (fields == vg_cfg_webserver_fields)
		ld->cfg->webserver_seen = true; /* Falco's rules for the server apply */
	if (vg_cfg_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return vg_cfg_fail_node(ld, n, "expected a mapping, got %s", vg_cfg_node_kind(n));
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		const struct vg_cfg_field *f;
		size_t saved;
		int err;

		if (!k || !v)
			return vg_cfg_fail_node(ld, n, "malformed mapping");
		if (k->type != YAML_SCALAR_NODE)
			return vg_cfg_fail_node(ld, k, "a key must be a plain name, got %s",
						vg_cfg_node_kind(k));
		f = find_field(fields, vg_cfg_scalar(k));
		path_push(ld, vg_cfg_scalar(k), &saved);
		if (!f) {
			char keys[512];

			known_keys(fields, keys, sizeof(keys));
			if (fields == vg_cfg_top)
				return vg_cfg_fail_node(
					ld, k,
					"unknown key (vigil's keys and Falco's are in "
					"docs/operations.md)");
			return vg_cfg_fail_node(ld, k, "unknown key (known here: %s)", keys);
		}
		if (!f->pattern && seen[(f - fields) % 128])
			return vg_cfg_fail_node(ld, k, "duplicate key");
		seen[(f - fields) % 128] = true;
		if (f->type == F_SECTION) {
			err = apply_field(ld, doc, v, f);
		} else if (ld->included && ld->strat == S_ADD_ONLY && vg_cfg_key_was_set(ld)) {
			err = 0; /* config_files' add-only: a key already set stays */
		} else {
			err = apply_field(ld, doc, v, f);
			vg_cfg_mark_set(ld);
		}
		ld->path[saved] = '\0';
		if (err)
			return -1;
	}
	return 0;
}

/* --- loading -------------------------------------------------------------- */

static int parse_doc(struct vg_cfg_loader *ld, yaml_parser_t *p, yaml_document_t *doc)
{
	if (yaml_parser_load(p, doc))
		return 0;
	if (p->error == YAML_MEMORY_ERROR)
		return vg_cfg_fail_plain(ld, "out of memory");
	if (p->context)
		return vg_cfg_fail_at(ld, p->problem_mark, "%s %s",
				      p->problem ? p->problem : "error", p->context);
	return vg_cfg_fail_at(ld, p->problem_mark, "%s",
			      p->problem ? p->problem : "malformed YAML");
}

/*
 * Falco's environment expansion in scalar values (its yaml_helper): ${NAME}
 * is the variable's value, or nothing when it is unset; $${ is a literal ${;
 * ${} is nothing. Applied to every scalar before the keys read them.
 */
static char *expand_env_str(const char *v)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	while (*v) {
		const char *end = strchr(v + 2, '}');

		if (!strncmp(v, "$${", 3)) {
			fputs("${", f);
			v += 3;
		} else if (!strncmp(v, "${", 2) && end) {
			char name[256];
			const char *val;

			snprintf(name, sizeof(name), "%.*s", (int)(end - v - 2), v + 2);
			val = name[0] ? getenv(name) : NULL;
			fputs(val ? val : "", f);
			v = end + 1;
		} else {
			fputc(*v++, f);
		}
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static int expand_env(struct vg_cfg_loader *ld, yaml_document_t *doc)
{
	for (yaml_node_t *n = doc->nodes.start; n && n < doc->nodes.top; n++) {
		char *v;

		if (n->type != YAML_SCALAR_NODE || !strstr(vg_cfg_scalar(n), "${"))
			continue;
		if (!(v = expand_env_str(vg_cfg_scalar(n))))
			return vg_cfg_fail_node(ld, n, "out of memory");
		free(n->data.scalar.value); /* libyaml's yaml_free is free() */
		n->data.scalar.value = (yaml_char_t *)v;
		n->data.scalar.length = strlen(v);
	}
	return 0;
}

static int load_file(struct vg_cfg_loader *ld, const char *path, bool missing_ok)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	struct stat st;
	FILE *f = fopen(path, "re");
	int err = 0;

	ld->file = path;
	ld->line_base = 1;
	ld->col_base = 0;
	if (!f) {
		if (errno == ENOENT && missing_ok)
			return 0;
		return vg_cfg_fail_plain(ld, "cannot open: %s", strerror(errno));
	}
	if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
		fclose(f);
		return vg_cfg_fail_plain(ld, "not a regular file");
	}
	if (!yaml_parser_initialize(&p)) {
		fclose(f);
		return vg_cfg_fail_plain(ld, "out of memory");
	}
	yaml_parser_set_input_file(&p, f);
	if (parse_doc(ld, &p, &doc)) {
		yaml_parser_delete(&p);
		fclose(f);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (root)
		err = expand_env(ld, &doc) ? -1 : apply_map(ld, &doc, root, vg_cfg_top);
	/* a second document would be silently ignored: refuse it */
	if (!err && root) {
		yaml_document_delete(&doc);
		if (parse_doc(ld, &p, &doc) == 0) {
			if (yaml_document_get_root_node(&doc))
				err = vg_cfg_fail_node(ld, yaml_document_get_root_node(&doc),
						       "a second YAML document is not allowed");
		} else {
			err = -1;
			memset(&doc, 0, sizeof(doc));
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	fclose(f);
	if (!err && !ld->included) {
		free(ld->cfg->loaded_from);
		ld->cfg->loaded_from = strdup(path);
	}
	return err;
}

static int add_source(struct vg_cfg_loader *ld, const char *path)
{
	struct vg_config *c = ld->cfg;
	char **l = realloc(c->config_sources, (c->n_config_sources + 1) * sizeof(*l));

	if (!l)
		return vg_cfg_fail_plain(ld, "out of memory");
	c->config_sources = l;
	if (!(l[c->n_config_sources] = strdup(path)))
		return vg_cfg_fail_plain(ld, "out of memory");
	c->n_config_sources++;
	return 0;
}

static int yaml_name(const struct dirent *d)
{
	size_t l = strlen(d->d_name);

	/* dot files are editors' and ConfigMaps' (..data); Falco's rules take .yaml/.yml */
	return d->d_name[0] != '.' && ((l > 5 && !strcmp(d->d_name + l - 5, ".yaml")) ||
				       (l > 4 && !strcmp(d->d_name + l - 4, ".yml")));
}

/* One config_files entry: a file, or a directory's YAML files in alphabetical order. */
static int load_include(struct vg_cfg_loader *ld, const char *path)
{
	struct dirent **names;
	struct stat st;
	int n, err = 0;

	/* a path that does not exist (yet) is skipped, as Falco does; it is still watched */
	if (add_source(ld, path))
		return -1;
	if (stat(path, &st) != 0)
		return 0;
	if (S_ISREG(st.st_mode))
		return load_file(ld, path, false);
	if (!S_ISDIR(st.st_mode)) {
		/* a FIFO would block the open: refuse it before */
		ld->file = path;
		return vg_cfg_fail_plain(ld, "not a regular file or a directory");
	}
	n = scandir(path, &names, yaml_name, alphasort);
	if (n < 0) {
		ld->file = path;
		return vg_cfg_fail_plain(ld, "cannot read the directory: %s", strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		char *file = NULL;

		if (!err && asprintf(&file, "%s/%s", path, names[i]->d_name) < 0) {
			ld->file = path;
			err = vg_cfg_fail_plain(ld, "out of memory");
		}
		if (!err && !(stat(file, &st) == 0 && S_ISREG(st.st_mode)))
			; /* a directory named x.yaml: not a config file */
		else if (!err)
			err = load_file(ld, file, false);
		free(file);
		free(names[i]);
	}
	free(names);
	return err;
}

/* config_files, after the main file: relative paths from the main file's directory */
static int load_includes(struct vg_cfg_loader *ld, const char *main_path)
{
	struct vg_config *c = ld->cfg;
	const char *slash = strrchr(main_path, '/');
	int dirlen = slash ? (int)(slash - main_path) : 1;
	const char *dir = slash ? main_path : ".";
	int err = 0;

	if (add_source(ld, main_path))
		return -1;
	ld->included = true;
	for (size_t i = 0; !err && i < c->n_config_files; i++) {
		char *p = NULL;

		ld->strat = (enum vg_cfg_strategy)ld->cf_strats[i];
		if (c->config_files[i][0] == '/')
			p = strdup(c->config_files[i]);
		else if (asprintf(&p, "%.*s/%s", slash == main_path ? 0 : dirlen, dir,
				  c->config_files[i]) < 0)
			p = NULL;
		if (!p) {
			ld->file = main_path;
			return vg_cfg_fail_plain(ld, "out of memory");
		}
		/* the error names the file; the list keeps the resolved path for the watch */
		free(c->config_files[i]);
		c->config_files[i] = p;
		err = load_include(ld, p);
	}
	ld->included = false;
	return err;
}

static int apply_override(struct vg_cfg_loader *ld, const char *arg, size_t idx)
{
	const char *eq = strchr(arg, '=');
	const struct vg_cfg_field *fields = vg_cfg_top, *f = NULL;
	char file[32], key[128];
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	int err;

	snprintf(file, sizeof(file), "-o #%zu", idx + 1);
	ld->file = file;
	ld->line_base = 1;
	ld->path[0] = '\0';
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(key))
		return vg_cfg_fail_plain(ld, "'%s' is not key.path=value", arg);
	memcpy(key, arg, (size_t)(eq - arg));
	key[eq - arg] = '\0';
	ld->col_base = (unsigned)(eq - arg) + 1;
	ld->value_len = strlen(eq + 1);
	for (char *seg = key, *next; seg; seg = next) {
		size_t saved;

		next = strchr(seg, '.');
		if (next)
			*next++ = '\0';
		if (!fields)
			return vg_cfg_fail_plain(ld, "%s is not a section", ld->path);
		f = find_field(fields, seg);
		path_push(ld, seg, &saved);
		if (!f) {
			char keys[512];

			known_keys(fields, keys, sizeof(keys));
			if (fields == vg_cfg_top)
				return vg_cfg_fail_plain(
					ld, "unknown key (vigil's keys and Falco's are "
					    "in docs/operations.md)");
			return vg_cfg_fail_plain(ld, "unknown key (known here: %s)", keys);
		}
		fields = f->type == F_SECTION ? f->sub : NULL;
	}
	if (!yaml_parser_initialize(&p))
		return vg_cfg_fail_plain(ld, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)eq + 1, strlen(eq + 1));
	if (parse_doc(ld, &p, &doc)) {
		yaml_parser_delete(&p);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		/* "-o key=" : an empty value, as YAML would read "key:" */
		yaml_document_delete(&doc);
		yaml_document_initialize(&doc, NULL, NULL, NULL, 1, 1);
		yaml_document_add_scalar(&doc, NULL, (yaml_char_t *)"", 0, YAML_PLAIN_SCALAR_STYLE);
		root = yaml_document_get_root_node(&doc);
	}
	if (!root)
		err = vg_cfg_fail_plain(ld, "out of memory");
	else
		err = expand_env(ld, &doc) ? -1 : apply_field(ld, &doc, root, f);
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return err;
}

/*
 * Falco's keys that map onto vigil's settings:
 * - outputs_queue.capacity 0 is Falco's "unbounded": vigil stays bounded (4096);
 * - engine.<kind>.buf_size_preset sizes the ring buffer unless ring_buffer_size is given;
 * - with a webserver section, Falco's rules for the server: webserver.enabled runs it,
 *   /metrics answers when metrics.enabled and webserver.prometheus_metrics_enabled,
 *   and it listens on listen_address:listen_port (metrics.listen_address wins if given).
 *   Without one, vigil's: metrics.enabled runs it, with /metrics.
 */
static int finish_falco(struct vg_cfg_loader *ld)
{
	struct vg_config *c = ld->cfg;
	/* engine.kind's index in engine_kinds is not kept: the preset of modern_ebpf, ebpf, kmod */
	static const int order[] = {2, 1, 0};

	if (!c->outputs_queue_size)
		c->outputs_queue_size = 4096;
	for (int i = 0; i < 3 && !c->ring_buffer_size_set; i++) {
		if (c->buf_size_preset[order[i]]) {
			c->ring_buffer_size = (1ull << 20) << (c->buf_size_preset[order[i]] - 1);
			break;
		}
	}
	c->metrics_serve = c->metrics_enabled;
	c->metrics_prometheus = true;
	if (!c->webserver_seen)
		return 0;
	c->metrics_serve = c->webserver_enabled;
	c->metrics_prometheus = c->metrics_enabled && c->prometheus_enabled;
	if (!c->metrics_listen_set) {
		const char *a = c->webserver_address ? c->webserver_address : "0.0.0.0";
		char *addr = NULL;

		if (asprintf(&addr, strchr(a, ':') ? "[%s]:%u" : "%s:%u", a, c->webserver_port) <
		    0) {
			ld->file = c->loaded_from ? c->loaded_from : "config";
			return vg_cfg_fail_plain(ld, "out of memory");
		}
		free(c->metrics_listen_address);
		c->metrics_listen_address = addr;
	}
	return 0;
}

/* Settings that depend on others, and what an enabled output cannot do without. */
static int finish(struct vg_cfg_loader *ld)
{
	struct vg_config *c = ld->cfg;
	static const char *const need[VG_OUTPUT__KINDS] = {
		[VG_OUTPUT_FILE] = "filename",
		[VG_OUTPUT_HTTP] = "url",
		[VG_OUTPUT_PROGRAM] = "program",
		[VG_OUTPUT_NATS] = "urls",
	};
	static const char *const section[VG_OUTPUT__KINDS] = {"stdout_output",	"file_output",
							      "syslog_output",	"http_output",
							      "program_output", "nats_output"};

	if (finish_falco(ld) != 0)
		return -1;
	for (int k = 0; k < VG_OUTPUT__KINDS; k++) {
		struct vg_output_config *o = &c->outputs[k];
		const char *v = NULL;

		if (!c->output_format_set[k])
			o->format = c->json_output ? VG_FORMAT_JSON : VG_FORMAT_TEXT;
		if (!o->queue_size)
			o->queue_size = c->outputs_queue_size;
		if (!o->queue_max_bytes)
			o->queue_max_bytes = c->outputs_queue_bytes;
		if (o->enabled && o->queue_max_bytes < c->outputs_max_alert_bytes) {
			snprintf(ld->path, sizeof(ld->path), "%s.queue_max_bytes", section[k]);
			ld->file = c->loaded_from ? c->loaded_from : "config";
			return vg_cfg_fail_plain(
				ld,
				"%s's queue (%llu bytes) must hold at least one alert of "
				"outputs_queue.max_alert_bytes (%llu)",
				section[k], (unsigned long long)o->queue_max_bytes,
				(unsigned long long)c->outputs_max_alert_bytes);
		}
		if (!o->enabled || !need[k])
			continue;
		switch (k) {
		case VG_OUTPUT_FILE: v = o->file.path; break;
		case VG_OUTPUT_HTTP: v = o->http.url; break;
		case VG_OUTPUT_PROGRAM: v = o->program.command; break;
		case VG_OUTPUT_NATS: v = o->nats.n_urls ? o->nats.urls[0] : NULL; break;
		}
		if (v && *v)
			continue;
		snprintf(ld->path, sizeof(ld->path), "%s.%s", section[k], need[k]);
		if (ld->enabled_seen[k]) {
			ld->file = ld->enabled_file[k];
			ld->line_base = 1;
			ld->col_base = 0;
			return vg_cfg_fail_at(ld, ld->enabled_mark[k],
					      "%s is enabled but has no %s", section[k], need[k]);
		}
		ld->file = c->loaded_from ? c->loaded_from : "config";
		return vg_cfg_fail_plain(ld, "%s is enabled but has no %s", section[k], need[k]);
	}
	return 0;
}

static int set_str(char **dst, const char *v)
{
	*dst = strdup(v);
	return *dst ? 0 : -1;
}

/* The names that usually hold secrets, for `--env=redacted`. */
static int set_env_patterns(struct vg_config *c)
{
	static const char *const pats[] = {"*TOKEN*",	"*SECRET*",	"*PASSWORD*", "*PASSWD*",
					   "*KEY*",	"*CREDENTIAL*", "*AUTH*",     "*COOKIE*",
					   "*SESSION*", "AWS_*"};
	size_t n = sizeof(pats) / sizeof(pats[0]);
	int err = 0;

	c->env_redact_patterns = calloc(n, sizeof(*c->env_redact_patterns));
	if (!c->env_redact_patterns)
		return -1;
	c->n_env_redact_patterns = n;
	for (size_t i = 0; i < n; i++)
		err |= set_str(&c->env_redact_patterns[i], pats[i]);
	return err;
}

/* container_engines: a host install's paths; HOST_ROOT as Falco's images set it */
static int ce_defaults(struct vg_container_engines *e)
{
	const char *hr = getenv("HOST_ROOT");
	int err = 0;

	if (hr && hr[0])
		err |= set_str(&e->host_root, hr);
	err |= set_str(&e->docker_root, "/var/lib/docker");
	err |= set_str(&e->docker_socket, "/run/docker.sock");
	err |= set_str(&e->containerd_state_dir, "/run/containerd/io.containerd.runtime.v2.task");
	err |= set_str(&e->containerd_socket, "/run/containerd/containerd.sock");
	err |= set_str(&e->crio_runroot, "/run/containers/storage");
	err |= set_str(&e->podman_root, "/var/lib/containers/storage");
	err |= set_str(&e->podman_socket, "/run/podman/podman.sock");
	err |= set_str(&e->runc_root, "/run/runc");
	return err;
}

static void ce_free(struct vg_container_engines *e)
{
	char **all[] = {&e->host_root,	       &e->docker_root,
			&e->docker_socket,     &e->containerd_state_dir,
			&e->containerd_socket, &e->crio_runroot,
			&e->podman_root,       &e->podman_socket,
			&e->runc_root};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		free(*all[i]);
}

int vg_config_defaults(struct vg_config *c)
{
	int err = 0;

	memset(c, 0, sizeof(*c));
	c->rules_files = calloc(1, sizeof(*c->rules_files));
	if (!c->rules_files)
		return -1;
	err |= set_str(&c->rules_files[0], VIGIL_DEFAULT_RULES);
	c->n_rules_files = 1;
	c->priority = 7;
	c->rule_matching = VG_RULE_MATCHING_FIRST;
	c->enforce = 2; /* on: a rule's action is what its author asked for */
	c->self_protect = true;
	c->confine = true;
	/* as auditd: a busy host cannot starve the reader into dropping events */
	c->priority_boost = 4;
	/* mapped twice: RSS counts 8 MiB; docs/performance.md, "Memory" */
	c->ring_buffer_size = 4u << 20;
	c->process_table_size = 0; /* from the host's pid_max */
	c->process_table_max_bytes = VG_PROC_BYTES_DEFAULT;
	c->sequence_state_max_bytes = 64ull << 20; /* VG_SEQ_DEFAULT_BYTES (rules/seq.h) */
	/* Falco's defaults */
	c->drops.threshold = 0.1;
	c->drops.actions = VG_DROP_LOG | VG_DROP_ALERT;
	c->drops.rate = 0.03333;
	c->drops.max_burst = 1;
	c->json_output = true;
	c->json_include_output_property = true;
	c->json_include_tags_property = true;
	c->json_include_output_fields_property = true;
	c->append_output = NULL;
	c->outputs_queue_size = 4096;
	c->outputs_queue_bytes = VG_OUTPUT_DEFAULT_QUEUE_BYTES;
	c->outputs_total_bytes = VG_OUTPUT_DEFAULT_TOTAL_BYTES;
	c->outputs_max_alert_bytes = VG_OUTPUT_DEFAULT_MAX_ALERT;
	c->outputs_drain_ms = VG_OUTPUT_DEFAULT_DRAIN_MS;
	for (int k = 0; k < VG_OUTPUT__KINDS; k++) {
		struct vg_output_config *o = &c->outputs[k];

		o->kind = (enum vg_output_kind)k;
		o->min_priority = 7;
		o->retry_initial_ms = 250;
		o->retry_max_ms = 30000;
		o->max_retries = 10;
	}
	c->outputs[VG_OUTPUT_STDOUT].enabled = true;
	c->outputs[VG_OUTPUT_STDOUT].std.fd = 1;
	err |= set_str((char **)&c->outputs[VG_OUTPUT_FILE].file.path,
		       "/var/log/vigil/alerts.json");
	c->outputs[VG_OUTPUT_FILE].file.max_bytes = 100ull << 20;
	c->outputs[VG_OUTPUT_FILE].file.keep = 5;
	c->outputs[VG_OUTPUT_FILE].file.mode = 0600;
	c->outputs[VG_OUTPUT_SYSLOG].syslog.transport = VG_SYSLOG_UNIX;
	/* address: none, so that each transport gets its own default (/dev/log, 127.0.0.1) */
	c->outputs[VG_OUTPUT_SYSLOG].syslog.port = 514;
	c->outputs[VG_OUTPUT_SYSLOG].syslog.facility = 16;
	err |= set_str((char **)&c->outputs[VG_OUTPUT_SYSLOG].syslog.app_name, "vigil");
	c->outputs[VG_OUTPUT_SYSLOG].syslog.timeout_ms = 5000;
	c->outputs[VG_OUTPUT_HTTP].http.batch = VG_HTTP_BATCH_NONE;
	c->outputs[VG_OUTPUT_HTTP].http.batch_max = 100;
	c->outputs[VG_OUTPUT_HTTP].http.timeout_ms = 10000;
	c->rate_limit.enabled = false;
	c->rate_limit.rate = 1.0;
	c->rate_limit.burst = 10;
	c->rate_limit.summary_interval_s = 60;
	c->rate_limit.max_keys = 16384;
	c->metrics_enabled = true;
	c->metrics_connection_limit = 1024;
	c->metrics_per_ip_connection_limit = 0;
	c->metrics_connection_timeout = 3;
	c->file_keep_alive = true;
	c->program_keep_alive = true;
	c->watch_config_files = true;
	c->webserver_enabled = true;
	c->webserver_port = 8765;
	err |= set_str(&c->webserver_address, "0.0.0.0");
	err |= set_str(&c->healthz_path, "/healthz");
	/* Falco's defaults; vigil keeps the connection (keep_alive) unless told not to */
	c->outputs[VG_OUTPUT_HTTP].http.keep_alive = true;
	err |= set_str((char **)&c->outputs[VG_OUTPUT_HTTP].http.client_cert,
		       "/etc/ssl/certs/client.crt");
	err |= set_str((char **)&c->outputs[VG_OUTPUT_HTTP].http.client_key,
		       "/etc/ssl/certs/client.key");
	err |= set_str(&c->metrics_listen_address, "127.0.0.1:8765");
	err |= set_env_patterns(c);
	err |= vg_cfg_nats_defaults(c);
	err |= ce_defaults(&c->container_engines);
	return err ? -1 : 0;
}

void vg_config_free(struct vg_config *c)
{
	struct vg_output_config *o = c->outputs;

	vg_cfg_free_strlist(c->rules_files, c->n_rules_files);
	vg_cfg_free_strlist(c->env_redact_patterns, c->n_env_redact_patterns);
	vg_cfg_free_selectors(c->rule_selectors, c->n_rule_selectors);
	vg_cfg_free_appends(c->append_output, c->n_append_output);
	free((char *)o[VG_OUTPUT_FILE].file.path);
	free((char *)o[VG_OUTPUT_SYSLOG].syslog.address);
	free((char *)o[VG_OUTPUT_SYSLOG].syslog.app_name);
	free((char *)o[VG_OUTPUT_HTTP].http.url);
	free((char *)o[VG_OUTPUT_HTTP].http.user_agent);
	vg_cfg_free_headers(o[VG_OUTPUT_HTTP].http.headers, &o[VG_OUTPUT_HTTP].http.n_headers);
	free((char *)o[VG_OUTPUT_HTTP].http.bearer_token);
	free((char *)o[VG_OUTPUT_HTTP].http.basic_auth);
	free((char *)o[VG_OUTPUT_HTTP].http.ca_file);
	free((char *)o[VG_OUTPUT_HTTP].http.ca_path);
	free((char *)o[VG_OUTPUT_HTTP].http.ca_bundle);
	free((char *)o[VG_OUTPUT_HTTP].http.client_cert);
	free((char *)o[VG_OUTPUT_HTTP].http.client_key);
	free(c->webserver_address);
	free(c->healthz_path);
	vg_cfg_free_strlist(c->config_files, c->n_config_files);
	vg_cfg_free_strlist(c->plugin_names, c->n_plugins);
	vg_cfg_free_strlist(c->plugin_paths, c->n_plugins);
	vg_cfg_free_strlist(c->plugin_configs, c->n_plugins);
	vg_cfg_free_strlist(c->load_plugins, c->n_load_plugins);
	vg_cfg_free_strlist(c->config_sources, c->n_config_sources);
	vg_cfg_free_strlist(c->warnings, c->n_warnings);
	vg_cfg_free_strlist(c->warning_keys, c->n_warnings);
	free((char *)o[VG_OUTPUT_PROGRAM].program.command);
	free(c->metrics_listen_address);
	vg_cfg_nats_free(c);
	ce_free(&c->container_engines);
	free(c->loaded_from);
	memset(c, 0, sizeof(*c));
}

static void loader_free(struct vg_cfg_loader *ld)
{
	vg_cfg_free_strlist(ld->set_keys, ld->n_set_keys);
	free(ld->cf_strats);
}

int vg_config_load(struct vg_config *cfg, const char *path, char *const *overrides, size_t n,
		   struct vg_config_err *err)
{
	struct vg_cfg_loader ld = {.cfg = cfg, .err = err};

	if (err)
		memset(err, 0, sizeof(*err));
	if (vg_config_defaults(cfg) != 0) {
		ld.file = path ? path : "config";
		vg_cfg_fail_plain(&ld, "out of memory");
		goto fail;
	}
	if (path && load_file(&ld, path, !strcmp(path, VG_CONFIG_DEFAULT_PATH)) != 0)
		goto fail;
	if (path && cfg->loaded_from && load_includes(&ld, path) != 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (apply_override(&ld, overrides[i], i) != 0)
			goto fail;
	if (finish(&ld) != 0)
		goto fail;
	loader_free(&ld);
	return 0;
fail:
	loader_free(&ld);
	vg_config_free(cfg);
	return -1;
}

void vg_config_outputs(const struct vg_config *cfg, struct vg_outputs_config *out)
{
	out->outputs = cfg->outputs;
	out->n = VG_OUTPUT__KINDS;
	out->max_alert_bytes = cfg->outputs_max_alert_bytes;
	out->total_max_bytes = cfg->outputs_total_bytes;
	out->drain_ms = cfg->outputs_drain_ms;
}

bool vg_config_rule_enabled(const struct vg_config *cfg, const char *name, int priority,
			    const char *const *tags, size_t ntags, bool enabled_in_file)
{
	bool on = enabled_in_file;

	for (size_t i = 0; i < cfg->n_rule_selectors; i++) {
		const struct vg_rule_selector *s = &cfg->rule_selectors[i];
		bool match = false;

		if (s->by_tag) {
			for (size_t t = 0; t < ntags && !match; t++)
				match = tags[t] && !strcmp(tags[t], s->pattern);
		} else {
			match = fnmatch(s->pattern, name, 0) == 0;
		}
		if (match)
			on = s->enable;
	}
	return on && priority <= cfg->priority;
}
