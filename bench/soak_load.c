// SPDX-License-Identifier: Apache-2.0
/*
 * soak_load: the churn of a busy host, for bench/soak.sh. Spawns N short-lived
 * processes (posix_spawn of /bin/true) across J spawner processes, while one
 * process churns files (create, write, close, rename, unlink under a scratch
 * directory) and one churns TCP sockets on loopback (connect, accept, close).
 * Prints one line a second with the rates so far, and a summary at the end.
 *
 *   soak_load [-n PROCESSES] [-j SPAWNERS] [-r CHURN_RATE] [-d SCRATCH_DIR]
 *
 * The file and socket churn are paced at CHURN_RATE cycles a second each
 * (default 2000), so that spawning, the costliest event for vigil, keeps the
 * cores.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Shared counters, in an anonymous shared mapping so every child adds to them. */
struct counters {
	_Atomic uint64_t spawned, files, sockets;
	_Atomic int stop;
	double churn_rate;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleeps until `done` cycles are due at the churn rate since t0. */
static void pace(const struct counters *c, double t0, uint64_t done)
{
	double ahead = done / c->churn_rate - (now_s() - t0);

	if (ahead > 0) {
		struct timespec ts = {(time_t)ahead, (long)((ahead - (time_t)ahead) * 1e9)};

		nanosleep(&ts, NULL);
	}
}

static void spawner(struct counters *c, uint64_t quota)
{
	char *argv[] = {"true", NULL};

	for (uint64_t i = 0; i < quota; i++) {
		pid_t pid;

		if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) != 0)
			continue;
		waitpid(pid, NULL, 0);
		atomic_fetch_add(&c->spawned, 1);
	}
}

static void file_churn(struct counters *c, const char *dir)
{
	char a[512], b[512];

	snprintf(a, sizeof(a), "%s/soak-a", dir);
	snprintf(b, sizeof(b), "%s/soak-b", dir);
	double t0 = now_s();

	for (uint64_t n = 1; !atomic_load(&c->stop); n++) {
		int fd = open(a, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);

		if (fd < 0)
			break;
		if (write(fd, "soak\n", 5) < 0)
			perror("soak_load: write");
		close(fd);
		rename(a, b);
		unlink(b);
		atomic_fetch_add(&c->files, 1);
		if (n % 64 == 0)
			pace(c, t0, n);
	}
}

static int listener(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)addr, sizeof(*addr)) < 0 || listen(s, 64) < 0 ||
	    getsockname(s, (struct sockaddr *)addr, &len) < 0) {
		perror("soak_load: listener");
		exit(1);
	}
	return s;
}

static void socket_churn(struct counters *c)
{
	struct sockaddr_in addr;
	int ls = listener(&addr);
	double t0 = now_s();

	for (uint64_t n = 1; !atomic_load(&c->stop); n++) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
			perror("soak_load: connect");
			break;
		}
		int a = accept4(ls, NULL, NULL, SOCK_CLOEXEC);

		if (a >= 0)
			close(a);
		close(s);
		atomic_fetch_add(&c->sockets, 1);
		if (n % 64 == 0)
			pace(c, t0, n);
	}
}

static pid_t start(void (*fn)(struct counters *, const char *), struct counters *c, const char *arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		fn(c, arg);
		_exit(0);
	}
	return pid;
}

static void socket_entry(struct counters *c, const char *unused)
{
	(void)unused;
	socket_churn(c);
}

static void usage(void)
{
	fprintf(stderr, "usage: soak_load [-n PROCESSES] [-j SPAWNERS] [-r CHURN_RATE] [-d DIR]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t total = 1000000;
	int jobs = 2, opt;
	const char *dir = "/tmp";
	double churn_rate = 2000;

	while ((opt = getopt(argc, argv, "n:j:r:d:")) != -1) {
		char *end;

		switch (opt) {
		case 'n':
			total = strtoull(optarg, &end, 10);
			if (*end || total == 0)
				usage();
			break;
		case 'j':
			jobs = (int)strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 64)
				usage();
			break;
		case 'r':
			churn_rate = strtod(optarg, &end);
			if (*end || !(churn_rate >= 1 && churn_rate <= 1e7))
				usage();
			break;
		case 'd': dir = optarg; break;
		default: usage();
		}
	}
	struct counters *c =
		mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED) {
		perror("soak_load: mmap");
		return 1;
	}
	memset(c, 0, sizeof(*c));
	c->churn_rate = churn_rate;
	setvbuf(stdout, NULL, _IOLBF, 0);

	double t0 = now_s();
	pid_t files = start(file_churn, c, dir), socks = start(socket_entry, c, NULL);
	pid_t spawners[64];

	for (int i = 0; i < jobs; i++) {
		spawners[i] = fork();
		if (spawners[i] == 0) {
			spawner(c, total / jobs + (i < (int)(total % jobs)));
			_exit(0);
		}
	}
	int running = jobs;
	uint64_t last = 0;

	while (running > 0) {
		sleep(1);
		for (int i = 0; i < jobs; i++)
			if (spawners[i] > 0 && waitpid(spawners[i], NULL, WNOHANG) == spawners[i]) {
				spawners[i] = 0;
				running--;
			}
		uint64_t n = atomic_load(&c->spawned);

		printf("soak_load: t=%.0fs processes=%llu (%llu/s) files=%llu sockets=%llu\n",
		       now_s() - t0, (unsigned long long)n, (unsigned long long)(n - last),
		       (unsigned long long)atomic_load(&c->files),
		       (unsigned long long)atomic_load(&c->sockets));
		last = n;
	}
	atomic_store(&c->stop, 1);
	waitpid(files, NULL, 0);
	waitpid(socks, NULL, 0);
	double dt = now_s() - t0;

	printf("soak_load: done in %.1f s: %llu processes (%.0f/s), %llu file cycles (%.0f/s), "
	       "%llu TCP connections (%.0f/s)\n",
	       dt, (unsigned long long)c->spawned, c->spawned / dt, (unsigned long long)c->files,
	       c->files / dt, (unsigned long long)c->sockets, c->sockets / dt);
	return 0;
}
