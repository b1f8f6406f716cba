// SPDX-License-Identifier: Apache-2.0
/*
 * Falco's --support: what a bug report needs, as JSON: versions, uname, the
 * config's path and the rules files with a SHA-256 of each. Contents are
 * not printed (a config may hold an http_output's credentials): hashes let
 * a reader tell whether two installations load the same files.
 */
#include <dirent.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "cli/falco_flags.h"

/* The file's SHA-256 as hex (OpenSSL's libcrypto), or NULL when it cannot be read. */
static struct json_object *file_hash(const char *path)
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	FILE *f = fopen(path, "rb");
	size_t n;
	bool ok = ctx && f && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;

	while (ok && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		ok = EVP_DigestUpdate(ctx, buf, n) == 1;
	ok = ok && !ferror(f) && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1;
	if (f)
		fclose(f);
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return NULL;
	for (unsigned int i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return json_object_new_string(hex);
}

static void add_file(struct json_object *arr, const char *path)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(path));
	json_object_object_add(o, "sha256", file_hash(path));
	json_object_array_add(arr, o);
}

/* A directory's files in the order the loader reads them (alphabetical). */
static void add_path(struct json_object *arr, const char *path)
{
	struct dirent **ents;
	struct stat st;
	int n;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		add_file(arr, path);
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
			add_file(arr, full);
		free(ents[i]);
	}
	free(ents);
}

int vg_falco_support(const char *version, const char *config_path, const char *const *rules,
		     int nrules)
{
	struct json_object *root = json_object_new_object(), *sys = json_object_new_object(),
			   *cfg = json_object_new_object(), *rf = json_object_new_array();
	struct utsname u;

	if (!root || !sys || !cfg || !rf || uname(&u) != 0) {
		fprintf(stderr, "vigil: --support: out of memory or no uname\n");
		return 1;
	}
	json_object_object_add(sys, "sysname", json_object_new_string(u.sysname));
	json_object_object_add(sys, "nodename", json_object_new_string(u.nodename));
	json_object_object_add(sys, "release", json_object_new_string(u.release));
	json_object_object_add(sys, "version", json_object_new_string(u.version));
	json_object_object_add(sys, "machine", json_object_new_string(u.machine));
	json_object_object_add(cfg, "name", json_object_new_string(config_path));
	json_object_object_add(cfg, "sha256", file_hash(config_path));
	for (int i = 0; i < nrules; i++)
		add_path(rf, rules[i]);
	json_object_object_add(root, "version", json_object_new_string(version));
	json_object_object_add(root, "engine_info",
			       json_object_new_string("vigil (Falco rules language)"));
	json_object_object_add(root, "system_info", sys);
	json_object_object_add(root, "config", cfg);
	json_object_object_add(root, "rules_files", rf);
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return 0;
}
