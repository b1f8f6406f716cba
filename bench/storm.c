// SPDX-License-Identifier: Apache-2.0
/*
 * storm: one kind of operation as fast as one core allows, for a while,
 * then its count and rate. bench/kernel-cost.sh runs an open storm pinned
 * to one core and an exec storm pinned to the other under vigil and reads
 * vigil's drop counters after.
 *
 *   storm open|exec SECONDS [PATH]
 *
 * open: open+close of PATH (default /etc/shadow, a path rules watch, so
 * every open is sent); exec: fork, exec of /bin/true, wait.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void op_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
}

static void op_exec(const char *path)
{
	pid_t pid = fork();

	(void)path;
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	void (*op)(const char *);
	const char *path = argc > 3 ? argv[3] : "/etc/shadow";
	double secs, t0, t;
	unsigned long n = 0;

	if (argc < 3 || (secs = atof(argv[2])) <= 0) {
		fprintf(stderr, "usage: storm open|exec SECONDS [PATH]\n");
		return 2;
	}
	if (!strcmp(argv[1], "open"))
		op = op_open;
	else if (!strcmp(argv[1], "exec"))
		op = op_exec;
	else {
		fprintf(stderr, "storm: %s: want open or exec\n", argv[1]);
		return 2;
	}
	t0 = now_s();
	do {
		/* the clock is read every 64 operations: its cost stays out of the rate */
		for (int i = 0; i < 64; i++)
			op(path);
		n += 64;
	} while ((t = now_s()) - t0 < secs);
	printf("storm %s: %lu in %.2f s: %.0f/s\n", argv[1], n, t - t0, n / (t - t0));
	return 0;
}
