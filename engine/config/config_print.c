// SPDX-License-Identifier: Apache-2.0
/*
 * Printing the configuration back: every key with its value and doc
 * (vigil config), the keys that differ between two configurations (a
 * reload says what changed), and the warnings collected while loading.
 * Apart because it only reads a loaded configuration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_table.h"

void vg_config_print_warnings(const struct vg_config *cfg, FILE *f)
{
	for (size_t i = 0; i < cfg->n_warnings; i++)
		fprintf(f, "vigil: warning: %s\n", cfg->warnings[i]);
}

void vg_config_print_new_warnings(const struct vg_config *before, const struct vg_config *cfg,
				  FILE *f)
{
	for (size_t i = 0; i < cfg->n_warnings; i++) {
		bool seen = false;

		for (size_t j = 0; before && j < before->n_warnings && !seen; j++)
			seen = !strcmp(before->warnings[j], cfg->warnings[i]);
		if (!seen)
			fprintf(f, "vigil: warning: %s\n", cfg->warnings[i]);
	}
}

/* --- dump ----------------------------------------------------------------- */

static void put_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < ' ')
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* A URL with its user info (user:password@ or token@) masked as "***@". */
static void put_str_url(FILE *f, const char *s, bool mask)
{
	const char *scheme = s ? strstr(s, "://") : NULL;
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	char buf[1024];

	if (!mask || !at || strcspn(scheme + 3, "/") < (size_t)(at - scheme - 3)) {
		put_str(f, s);
		return;
	}
	snprintf(buf, sizeof(buf), "%.*s***%s", (int)(scheme + 3 - s), s, at);
	put_str(f, buf);
}

static void dump_fields(const struct vg_config *c, const struct vg_cfg_field *fields, int depth,
			FILE *f)
{
	const char *base = (const char *)c;

	for (const struct vg_cfg_field *fl = fields; fl->key; fl++) {
		const void *v = base + fl->off;

		/* Falco's keys without a stored value, and aliases, are not settings to print */
		if (fl->alias || fl->type == F_NOEFFECT || fl->type == F_PLUGINS ||
		    fl->type == F_LOAD_PLUGINS || fl->type == F_NO_GRPC || fl->type == F_PRESET)
			continue;
		/* a webserver section switches the server to Falco's rules: only when given */
		if (fl->sub == vg_cfg_webserver_fields && !c->webserver_seen)
			continue;
		fprintf(f, "%*s%s:", depth * 2, "", fl->key);
		switch (fl->type) {
		case F_BOOL: fprintf(f, " %s", *(const bool *)v ? "true" : "false"); break;
		case F_U32: fprintf(f, " %u", *(const uint32_t *)v); break;
		case F_PORT: fprintf(f, " %u", *(const uint16_t *)v); break;
		case F_MODE: fprintf(f, " 0%o", *(const uint32_t *)v); break;
		case F_RETRIES:
			if (*(const uint32_t *)v == UINT32_MAX)
				fputs(" -1", f);
			else
				fprintf(f, " %u", *(const uint32_t *)v);
			break;
		case F_SIZE: fprintf(f, " %llu", (unsigned long long)*(const uint64_t *)v); break;
		case F_DOUBLE: fprintf(f, " %.17g", *(const double *)v); break;
		case F_STR:
			fputc(' ', f);
			put_str(f, fl->secret && *(char *const *)v && **(char *const *)v
					   ? "***"
					   : *(char *const *)v);
			break;
		case F_STRLIST:
		case F_CONFIG_FILES: { /* the paths, as a list of strings */
			char *const *l = *(char **const *)v;
			size_t n = *(const size_t *)(base + fl->aux);

			fputs(" [", f);
			for (size_t i = 0; i < n; i++) {
				fputs(i ? ", " : "", f);
				put_str_url(f, l[i], fl->secret);
			}
			fputc(']', f);
			break;
		}
		case F_PRIORITY: fprintf(f, " %s", vg_cfg_priorities[*(const int *)v & 7]); break;
		case F_ENUM:
		case F_FORMAT: fprintf(f, " %s", fl->names[*(const int *)v]); break;
		case F_DROP_ACTIONS: {
			unsigned bits = *(const unsigned *)v;
			int k = 0;

			fputs(" [", f);
			for (int i = 0; i < 3; i++)
				if (bits & (1u << i))
					fprintf(f, "%s%s", k++ ? ", " : "", vg_cfg_drop_actions[i]);
			fputc(']', f);
			break;
		}
		case F_FACILITY: fprintf(f, " %s", vg_cfg_facilities[*(const int *)v % 24]); break;
		case F_NOEFFECT:
		case F_PLUGINS:
		case F_LOAD_PLUGINS:
		case F_NO_GRPC:
		case F_PRESET: break;
		case F_SECTION:
			fputc('\n', f);
			dump_fields(c, fl->sub, depth + 1, f);
			continue;
		case F_RULESEL: {
			const struct vg_rule_selector *s = *(struct vg_rule_selector *const *)v;
			size_t n = *(const size_t *)(base + fl->aux);

			fputs(n ? "\n" : " []", f);
			for (size_t i = 0; i < n; i++) {
				fprintf(f, "%*s- %s: {%s: ", depth * 2 + 2, "",
					s[i].enable ? "enable" : "disable",
					s[i].by_tag ? "tag" : "rule");
				put_str(f, s[i].pattern);
				fputs(i + 1 < n ? "}\n" : "}", f);
			}
			break;
		}
		case F_APPEND: {
			const struct vg_append_output *ap = *(struct vg_append_output *const *)v;
			size_t n = *(const size_t *)(base + fl->aux);

			fputs(n ? "\n" : " []", f);
			for (size_t i = 0; i < n; i++) {
				fprintf(f, "%*s- {match: {source: ", depth * 2 + 2, "");
				put_str(f, ap[i].source ? ap[i].source : "");
				fputs(", rule: ", f);
				put_str(f, ap[i].rule ? ap[i].rule : "");
				fputs(", tags: [", f);
				for (size_t k = 0; k < ap[i].ntags; k++) {
					fputs(k ? ", " : "", f);
					put_str(f, ap[i].tags[k]);
				}
				fputs("]}, extra_output: ", f);
				put_str(f, ap[i].extra_output ? ap[i].extra_output : "");
				fputs(", extra_fields: [", f);
				for (size_t k = 0; k < ap[i].nfields; k++) {
					fputs(k ? ", " : "", f);
					put_str(f, ap[i].fields[k].key);
					if (ap[i].fields[k].format) {
						fputs(": ", f);
						put_str(f, ap[i].fields[k].format);
					}
				}
				fprintf(f, "], suggested_output: %s}",
					ap[i].suggested_output ? "true" : "false");
				if (i + 1 < n)
					fputc('\n', f);
			}
			break;
		}
		case F_HEADERS: {
			const char *const *h = v;
			size_t n = *(const size_t *)(base + fl->aux);

			fputs(n ? "\n" : " {}", f);
			for (size_t i = 0; i < n; i++) {
				const char *colon = strchr(h[i], ':');

				fprintf(f, "%*s%.*s: ", depth * 2 + 2, "", (int)(colon - h[i]),
					h[i]);
				put_str(f, colon + 2);
				if (i + 1 < n)
					fputc('\n', f);
			}
			break;
		}
		}
		fputc('\n', f);
	}
}

void vg_config_dump(const struct vg_config *cfg, FILE *f)
{
	dump_fields(cfg, vg_cfg_top, 0, f);
}

/* One top-level key of cfg as the dump writes it (malloc'd), or NULL on OOM. */
static char *dump_one(const struct vg_config *cfg, const struct vg_cfg_field *fl)
{
	struct vg_cfg_field one[2] = {*fl, {0}};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	dump_fields(cfg, one, 0, f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

size_t vg_config_changed_keys(const struct vg_config *a, const struct vg_config *b, char *out,
			      size_t cap)
{
	size_t n = 0, len = 0;

	if (cap)
		out[0] = '\0';
	for (const struct vg_cfg_field *fl = vg_cfg_top; fl->key; fl++) {
		char *ta = dump_one(a, fl), *tb = dump_one(b, fl);
		bool differ = !ta || !tb || strcmp(ta, tb) != 0;

		free(ta);
		free(tb);
		if (!differ)
			continue;
		n++;
		if (cap > len) {
			int w = snprintf(out + len, cap - len, "%s%s", len ? ", " : "", fl->key);

			len += w > 0 ? (size_t)w : 0;
		}
	}
	return n;
}
