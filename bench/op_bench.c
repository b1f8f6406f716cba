// SPDX-License-Identifier: Apache-2.0
/*
 * op_bench: the cost of one operation, without and with a tracer attached,
 * alternating runs, medians. Operations: open+close of a file, fork+exec of
 * /bin/true, TCP connect (and accept) on loopback.
 *
 *   op_bench -o open|exec|connect [-n OPS] [-r RUNS] [-p PATH] [-w READY] -- CMD [ARGS...]
 *
 * CMD is the tracer (e.g. `vigil run -r RULES`, `opensnoop`); the bench
 * waits until READY appears in its stdout or stderr (default: any output).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *path = "/tmp/vigil-op-bench.txt";
static int listen_fd = -1;
static struct sockaddr_in server;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void op_open(void)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
}

static void op_exec(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

static void op_connect(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (connect(fd, (struct sockaddr *)&server, sizeof(server)) != 0)
		perror("op_bench: connect");
	close(fd);
}

static void *acceptor(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept(listen_fd, NULL, NULL);

		if (fd < 0)
			return NULL;
		close(fd);
	}
}

static void start_server(void)
{
	socklen_t len = sizeof(server);
	pthread_t th;
	int one = 1;

	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	server.sin_family = AF_INET;
	server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(listen_fd, (struct sockaddr *)&server, sizeof(server)) ||
	    listen(listen_fd, 4096) || getsockname(listen_fd, (struct sockaddr *)&server, &len)) {
		perror("op_bench: loopback server");
		exit(1);
	}
	pthread_create(&th, NULL, acceptor, NULL);
}

static double ns_per_op(void (*op)(void), int n)
{
	double t0 = now_ns();

	for (int i = 0; i < n; i++)
		op();
	return (now_ns() - t0) / n;
}

/* Starts the tracer with its output on a pipe; returns once ready appears. */
static pid_t start_tracer(char **cmd, const char *ready, int *out_fd)
{
	char buf[8192];
	size_t len = 0;
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(p[1]);
	while (len < sizeof(buf) - 1) {
		struct pollfd pfd = {p[0], POLLIN, 0};
		ssize_t r;

		if (poll(&pfd, 1, 60000) <= 0 ||
		    (r = read(p[0], buf + len, sizeof(buf) - 1 - len)) <= 0)
			break;
		len += r;
		buf[len] = '\0';
		if (!ready || strstr(buf, ready)) {
			*out_fd = p[0];
			return pid;
		}
	}
	fprintf(stderr, "op_bench: %s did not become ready:\n%.*s\n", cmd[0], (int)len, buf);
	kill(pid, SIGKILL);
	return -1;
}

/* The tracer's output must be drained or it blocks; a thread reads it away. */
static void *drain(void *arg)
{
	char buf[65536];
	int fd = (int)(long)arg;

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *opname = "open", *ready = NULL;
	int n = 20000, runs = 7, c;
	double base[64], with[64];
	void (*op)(void) = op_open;
	struct utsname u;

	while ((c = getopt(argc, argv, "+o:n:r:p:w:")) != -1) {
		switch (c) {
		case 'o': opname = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'r': runs = atoi(optarg); break;
		case 'p': path = optarg; break;
		case 'w': ready = optarg; break;
		default: goto usage;
		}
	}
	if (optind >= argc || runs < 1 || runs > 64 || n < 1)
		goto usage;
	if (!strcmp(opname, "exec"))
		op = op_exec;
	else if (!strcmp(opname, "connect"))
		op = op_connect;
	else if (strcmp(opname, "open"))
		goto usage;
	if (op == op_open)
		close(open(path, O_CREAT | O_WRONLY, 0644));
	if (op == op_connect)
		start_server();
	signal(SIGPIPE, SIG_IGN);
	uname(&u);
	ns_per_op(op, n / 10 + 1);
	for (int r = 0; r < runs; r++) {
		int fd;
		pthread_t th;
		pid_t tracer;

		base[r] = ns_per_op(op, n);
		tracer = start_tracer(argv + optind, ready, &fd);
		if (tracer < 0)
			return 1;
		pthread_create(&th, NULL, drain, (void *)(long)fd);
		with[r] = ns_per_op(op, n);
		kill(tracer, SIGINT);
		waitpid(tracer, NULL, 0);
		pthread_join(th, NULL);
		close(fd);
	}
	qsort(base, runs, sizeof(double), cmp);
	qsort(with, runs, sizeof(double), cmp);
	printf("%-8s %-40.40s without %9.0f ns/op  with %9.0f ns/op  added %+8.0f ns/op (%.2fx)  "
	       "[%s, %d x %d, medians]\n",
	       opname, argv[optind + (argc - optind > 1 ? 1 : 0)], base[runs / 2], with[runs / 2],
	       with[runs / 2] - base[runs / 2], with[runs / 2] / base[runs / 2], u.release, runs,
	       n);
	return 0;
usage:
	fprintf(stderr, "usage: op_bench -o open|exec|connect [-n OPS] [-r RUNS] [-p PATH] "
			"[-w READY] -- CMD [ARGS...]\n");
	return 2;
}
