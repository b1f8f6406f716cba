// SPDX-License-Identifier: Apache-2.0
/*
 * Changes its own credentials the ways vm_hooks checks, as root:
 *   creds_helper drop FILE    drop to nobody (uid/gid 65534; the kernel clears the
 *                             capabilities), then open FILE for reading
 *   creds_helper userns       enter a new user namespace (unshare), which changes
 *                             the credentials without any set*id or capset call
 * Prints "pid N" first, so the test can find its events.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* unshare */
#endif
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NOBODY 65534

static int drop(const char *file)
{
	int fd;

	if (setresgid(NOBODY, NOBODY, NOBODY) != 0 || setresuid(NOBODY, NOBODY, NOBODY) != 0) {
		perror("creds_helper: setres[ug]id");
		return 1;
	}
	fd = open(file, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "creds_helper: open %s as nobody: %m\n", file);
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	if (argc == 3 && strcmp(argv[1], "drop") == 0)
		return drop(argv[2]);
	if (argc == 2 && strcmp(argv[1], "userns") == 0) {
		if (unshare(CLONE_NEWUSER) != 0) {
			perror("creds_helper: unshare(CLONE_NEWUSER)");
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "usage: creds_helper drop FILE | creds_helper userns\n");
	return 2;
}
