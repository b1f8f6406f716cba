// SPDX-License-Identifier: Apache-2.0
/*
 * Whether a rules or config file can be changed by someone other than root
 * and vigil's own user. Whoever can write the rules decides what vigil
 * reports and enforces, so such a file is named on stderr at every load
 * (as sshd's StrictModes would refuse it; vigil warns rather than refuse,
 * because running with no rules at all would be worse).
 */
#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/file_trust.h"

static bool trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* Why st lets others write the object, or NULL when it does not. */
static const char *writable_by_others(const struct stat *st, char *why, size_t len)
{
	bool sticky_dir = S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX);

	if (!trusted_owner(st->st_uid)) {
		snprintf(why, len, "owned by uid %u", (unsigned)st->st_uid);
		return why;
	}
	if (sticky_dir) /* /tmp: others create, but cannot replace what root owns */
		return NULL;
	if (st->st_mode & S_IWOTH)
		return "writable by every user";
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0) {
		snprintf(why, len, "writable by group %u", (unsigned)st->st_gid);
		return why;
	}
	return NULL;
}

/* Warns about path itself, then each directory above it up to /. */
static int check_chain(const char *path)
{
	char cur[PATH_MAX], why[64];
	struct stat st;
	const char *w;

	if (!realpath(path, cur))
		return 0; /* the loader reports a missing file itself */
	for (bool self = true;; self = false) {
		if (stat(cur, &st) == 0 && (w = writable_by_others(&st, why, sizeof(why)))) {
			fprintf(stderr,
				"vigil: warning: %s%s%s%s is %s: whoever can write it decides what "
				"vigil detects\n",
				cur, self ? "" : " (holding ", self ? "" : path, self ? "" : ")",
				w);
			return 1;
		}
		char *slash = strrchr(cur, '/');

		if (!slash || slash == cur) {
			if (strcmp(cur, "/") == 0)
				return 0;
			strcpy(cur, "/");
			continue;
		}
		*slash = '\0';
	}
}

int vg_file_trust_warn(const char *path)
{
	struct stat st;
	int n = check_chain(path);
	DIR *d;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode) || n)
		return n;
	d = opendir(path);
	if (!d)
		return n;
	for (struct dirent *e; (e = readdir(d));) {
		char sub[PATH_MAX];
		char why[64];

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) >= (int)sizeof(sub) ||
		    stat(sub, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		const char *w = writable_by_others(&st, why, sizeof(why));

		if (w) {
			fprintf(stderr,
				"vigil: warning: %s is %s: whoever can write it decides what "
				"vigil detects\n",
				sub, w);
			n++;
		}
	}
	closedir(d);
	return n;
}
