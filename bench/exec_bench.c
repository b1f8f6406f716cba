// SPDX-License-Identifier: Apache-2.0
/*
 * exec_bench: cost of fork+exec+wait of /bin/true, without vigil and with
 * `vigil MODE` attached. Prints the median ns per exec over several runs and
 * the ratio. Needs root to start vigil.
 *
 *   exec_bench [-n EXECS] [-r RUNS] [-m MODE] [VIGIL_BINARY]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double ns_per_exec(int n)
{
	double t0 = now_ns();

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
	return (now_ns() - t0) / n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int runs)
{
	qsort(v, runs, sizeof(*v), cmp_double);
	return v[runs / 2];
}

static int vigil_stderr = -1;

/* Starts vigil MODE with stdout to /dev/null and waits for its ready line. */
static pid_t start_vigil(const char *bin, const char *mode)
{
	int err[2];
	char buf[4096];
	size_t len = 0;
	pid_t pid;

	if (pipe(err))
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(err[1], 2);
		close(err[0]);
		/* `run` needs rules: vigil's own, from the source tree */
		if (!strcmp(mode, "run"))
			execl(bin, bin, mode, "-r", VIGIL_RULES_DIR, (char *)NULL);
		execl(bin, bin, mode, (char *)NULL);
		_exit(127);
	}
	close(err[1]);
	while (len < sizeof(buf) - 1) {
		struct pollfd pfd = {err[0], POLLIN, 0};
		ssize_t r;

		if (poll(&pfd, 1, 30000) <= 0)
			break;
		r = read(err[0], buf + len, sizeof(buf) - 1 - len);
		if (r <= 0)
			break;
		len += r;
		buf[len] = '\0';
		if (strstr(buf, "vigil: ready")) {
			vigil_stderr = err[0];
			return pid;
		}
	}
	fprintf(stderr, "exec_bench: vigil did not start:\n%s\n", buf);
	kill(pid, SIGKILL);
	return -1;
}

/* Stops vigil and keeps its closing counters, which prove it saw the execs. */
static void stop_vigil(pid_t pid, char *counters, size_t len)
{
	size_t used = 0;
	ssize_t r;

	kill(pid, SIGINT);
	while (used < len - 1 && (r = read(vigil_stderr, counters + used, len - 1 - used)) > 0)
		used += r;
	counters[used] = '\0';
	close(vigil_stderr);
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	int n = 2000, runs = 7, c;
	const char *mode = "events", *bin = NULL;
	double base[64], with[64], b, w;
	char counters[4096] = "";
	struct utsname u;
	pid_t vigil;

	while ((c = getopt(argc, argv, "n:r:m:")) != -1) {
		switch (c) {
		case 'n': n = atoi(optarg); break;
		case 'r': runs = atoi(optarg); break;
		case 'm': mode = optarg; break;
		default:
			fprintf(stderr,
				"usage: exec_bench [-n EXECS] [-r RUNS] [-m MODE] [VIGIL]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > 64 || n < 1) {
		fprintf(stderr, "exec_bench: RUNS must be 1..64 and EXECS positive\n");
		return 2;
	}
	bin = optind < argc ? argv[optind] : VIGIL_BIN_PATH;
	uname(&u);
	printf("exec_bench: fork+exec+wait of /bin/true, %d execs x %d runs, alternating "
	       "without/with 'vigil %s', medians\n",
	       n, runs, mode);
	printf("machine: %s %s, %ld CPUs\n", u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN));
	ns_per_exec(n / 10 + 1); /* warm the page cache and the allocator */
	/* alternate, so drift in the machine's load hits both sides alike */
	for (int r = 0; r < runs; r++) {
		base[r] = ns_per_exec(n);
		vigil = start_vigil(bin, mode);
		if (vigil < 0)
			return 1;
		with[r] = ns_per_exec(n);
		stop_vigil(vigil, counters, sizeof(counters));
	}
	b = median(base, runs);
	w = median(with, runs);
	printf("without vigil:        %10.0f ns/exec\n", b);
	printf("with vigil %-10s %10.0f ns/exec\n", mode, w);
	printf("ratio:                %10.3f (%+.0f ns/exec)\n", w / b, w - b);
	printf("vigil's counters, last run:\n%s", counters);
	return 0;
}
