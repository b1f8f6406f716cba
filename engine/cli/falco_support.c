// SPDX-License-Identifier: Apache-2.0
/*
 * Falco's --support: what a bug report needs, as JSON: versions, uname, the
 * config's path and the rules files with a SHA-256 of each. Contents are
 * not printed (a config may hold an http_output's credentials): hashes let
 * a reader tell whether two installations load the same files.
 */
#include <dirent.h>
#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "alert/json_buf.h"
#include "cli/falco_flags.h"

/* The file's SHA-256 as hex (nettle), or null when it cannot be read. */
static void file_hash(struct vg_jbuf *b, const char *path)
{
	unsigned char buf[65536], md[SHA256_DIGEST_SIZE];
	char hex[2 * SHA256_DIGEST_SIZE + 1];
	struct sha256_ctx ctx;
	FILE *f = fopen(path, "rb");
	size_t n;
	bool ok = f != NULL;

	sha256_init(&ctx);
	while (ok && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		sha256_update(&ctx, n, buf);
	ok = ok && !ferror(f);
	if (f)
		fclose(f);
	if (!ok) {
		vg_jb_null(b);
		return;
	}
	sha256_digest(&ctx, sizeof(md), md);
	for (unsigned int i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	vg_jb_str(b, hex, 2 * sizeof(md));
}

/* {"name": path, "sha256": hex or null} */
static void add_file(struct vg_jbuf *b, const char *path)
{
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "name");
	vg_jb_cstr(b, path);
	VG_JB_KEY(b, "sha256");
	file_hash(b, path);
	vg_jb_obj_end(b);
}

/* A directory's files in the order the loader reads them (alphabetical). */
static void add_path(struct vg_jbuf *b, const char *path)
{
	struct dirent **ents;
	struct stat st;
	int n;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		add_file(b, path);
		return;
	}
	if ((n = scandir(path, &ents, NULL, alphasort)) < 0)
		return;
	for (int i = 0; i < n; i++) {
		char full[4096];

		if (ents[i]->d_name[0] != '.' &&
		    (size_t)snprintf(full, sizeof(full), "%s/%s", path, ents[i]->d_name) <
			    sizeof(full) &&
		    stat(full, &st) == 0 && S_ISREG(st.st_mode))
			add_file(b, full);
		free(ents[i]);
	}
	free(ents);
}

static void newline(FILE *out, int depth)
{
	fputc('\n', out);
	for (int i = 0; i < depth; i++)
		fputs("  ", out);
}

/*
 * Compact JSON (json_buf's) printed for a person to read, as Falco's
 * --support is: each member and element on its own line, two spaces a level
 * (the layout json-c's JSON_C_TO_STRING_PRETTY gave). Strings are copied as
 * they are, so only bytes outside strings are looked at.
 */
static void print_pretty(FILE *out, const char *s, size_t len)
{
	int depth = 0;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			fputc(c, out);
			if (c == '\\' && i + 1 < len)
				fputc(s[++i], out);
			else if (c == '"')
				in_str = false;
		} else if ((c == '{' || c == '[') && i + 1 < len &&
			   s[i + 1] == (c == '{' ? '}' : ']')) {
			fputc(c, out); /* an empty one stays on its line */
			fputc(s[++i], out);
		} else if (c == '{' || c == '[') {
			fputc(c, out);
			newline(out, ++depth);
		} else if (c == '}' || c == ']') {
			newline(out, --depth);
			fputc(c, out);
		} else {
			fputc(c, out);
			if (c == ',')
				newline(out, depth);
			in_str = c == '"';
		}
	}
	fputc('\n', out);
}

static void sys_info(struct vg_jbuf *b, const struct utsname *u)
{
	VG_JB_KEY(b, "system_info");
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "sysname");
	vg_jb_cstr(b, u->sysname);
	VG_JB_KEY(b, "nodename");
	vg_jb_cstr(b, u->nodename);
	VG_JB_KEY(b, "release");
	vg_jb_cstr(b, u->release);
	VG_JB_KEY(b, "version");
	vg_jb_cstr(b, u->version);
	VG_JB_KEY(b, "machine");
	vg_jb_cstr(b, u->machine);
	vg_jb_obj_end(b);
}

int vg_falco_support(const char *version, const char *config_path, const char *const *rules,
		     int nrules)
{
	struct vg_jbuf b;
	struct utsname u;

	if (uname(&u) != 0) {
		fprintf(stderr, "vigil: --support: no uname\n");
		return 1;
	}
	vg_jb_init(&b);
	vg_jb_obj_begin(&b);
	VG_JB_KEY(&b, "version");
	vg_jb_cstr(&b, version);
	VG_JB_KEY(&b, "engine_info");
	vg_jb_cstr(&b, "vigil (Falco rules language)");
	sys_info(&b, &u);
	VG_JB_KEY(&b, "config");
	add_file(&b, config_path);
	VG_JB_KEY(&b, "rules_files");
	vg_jb_arr_begin(&b);
	for (int i = 0; i < nrules; i++)
		add_path(&b, rules[i]);
	vg_jb_arr_end(&b);
	vg_jb_obj_end(&b);
	if (b.oom) {
		fprintf(stderr, "vigil: --support: out of memory\n");
		vg_jb_free(&b);
		return 1;
	}
	print_pretty(stdout, b.s, b.len);
	vg_jb_free(&b);
	return 0;
}
