// SPDX-License-Identifier: Apache-2.0
#include "state/cgroup.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * mountinfo lines: "id parent major:minor root mountpoint opts [tags] - fstype src opts".
 * The fstype follows the lone "-" separator.
 */
static int parse_mountinfo_line(char *line, char **mountpoint, char **fstype)
{
	char *save = NULL, *tok;
	int field = 0;
	bool after_sep = false;

	*mountpoint = *fstype = NULL;
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (after_sep) {
			*fstype = tok;
			break;
		}
		if (field == 4)
			*mountpoint = tok;
		if (strcmp(tok, "-") == 0 && field >= 6)
			after_sep = true;
		field++;
	}
	return *mountpoint && *fstype ? 0 : -EINVAL;
}

int vg_cgroup2_mount(const char *mountinfo, char *out, size_t outlen)
{
	FILE *f = fopen(mountinfo, "r");
	char *line = NULL, *mp, *fstype;
	size_t cap = 0;
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		if (parse_mountinfo_line(line, &mp, &fstype) == 0 &&
		    strcmp(fstype, "cgroup2") == 0 && strlen(mp) < outlen) {
			strcpy(out, mp);
			ret = 0;
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

uint64_t vg_cgroup_id_of(const char *procfs_root, const char *cgroup2_mount, uint32_t pid)
{
	char path[4352], *line = NULL;
	size_t cap = 0;
	uint64_t id = 0;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u/cgroup", procfs_root, pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		/* the unified hierarchy is the "0::" line */
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, sizeof(path), "%s%s", cgroup2_mount, line + 3);
		if (stat(path, &st) == 0)
			id = st.st_ino;
		break;
	}
	free(line);
	fclose(f);
	return id;
}
