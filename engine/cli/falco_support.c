// SPDX-License-Identifier: Apache-2.0
/*
 * Falco's --support: what a bug report needs, as JSON: versions, uname, the
 * config's path and the rules files with a SHA-256 of each. Contents are
 * not printed (a config may hold an http_output's credentials): hashes let
 * a reader tell whether two installations load the same files.
 */
#include <dirent.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "cli/falco_flags.h"

struct sha256 {
	uint32_t h[8];
	uint8_t buf[64];
	size_t nbuf;
	uint64_t bits;
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(struct sha256 *s, const uint8_t *p)
{
	uint32_t w[64], v[8];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       w[i - 7] + (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10));
	memcpy(v, s->h, sizeof(v));
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = v[7] + (ROR(v[4], 6) ^ ROR(v[4], 11) ^ ROR(v[4], 25)) +
			      ((v[4] & v[5]) ^ (~v[4] & v[6])) + K[i] + w[i];
		uint32_t t2 = (ROR(v[0], 2) ^ ROR(v[0], 13) ^ ROR(v[0], 22)) +
			      ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));

		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		s->h[i] += v[i];
}

static void sha_update(struct sha256 *s, const uint8_t *p, size_t n)
{
	s->bits += (uint64_t)n * 8;
	while (n--) {
		s->buf[s->nbuf++] = *p++;
		if (s->nbuf == 64) {
			sha_block(s, s->buf);
			s->nbuf = 0;
		}
	}
}

static void sha_hex(struct sha256 *s, char out[65])
{
	uint64_t bits = s->bits;
	uint8_t pad = 0x80, zero = 0, len[8];

	sha_update(s, &pad, 1);
	while (s->nbuf != 56)
		sha_update(s, &zero, 1);
	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha_update(s, len, 8);
	for (int i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08x", s->h[i]);
}

/* The file's SHA-256 as hex, or NULL when it cannot be read. */
static struct json_object *file_hash(const char *path)
{
	struct sha256 s = {.h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f,
				 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}};
	uint8_t buf[65536];
	char hex[65];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sha_update(&s, buf, n);
	fclose(f);
	sha_hex(&s, hex);
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
