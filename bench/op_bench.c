// SPDX-License-Identifier: Apache-2.0
/*
 * op_bench: the cost of one operation, without and with a tracer attached,
 * alternating runs, medians. Operations: open+close of a file, fork+exec of
 * /bin/true, TCP connect (and accept) on loopback, getppid, a 1-byte read
 * of /dev/zero (the last two: syscalls no rule watches, whose added cost
 * should be nil).
 *
 *   op_bench -o open|exec|connect|getppid|read [-n OPS] [-r RUNS] [-p PATH] [-w READY]... [-l
 * LABEL]...
 *            -- CMD [ARGS...] [-- CMD [ARGS...]]...
 *
 * Each CMD is a tracer (e.g. `vigil run -r RULES`, `opensnoop`); every run
 * measures the bare operation, then each tracer in turn, so one run
 * compares them all. The bench waits until READY appears in the tracer's
 * stdout or stderr (default: any output); the i-th -w and -l go with the
 * i-th tracer, the last -w with those after it too. LABEL names the line.
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
#include <sys/syscall.h>
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

static void op_getppid(void)
{
	(void)syscall(SYS_getppid); /* no libc caching */
}

static int zero_fd = -1;

static void op_read(void)
{
	char c;

	if (read(zero_fd, &c, 1) != 1)
		perror("op_bench: read /dev/zero");
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

#define MAX_TRACERS 8

struct tracer {
	char **cmd; /* NULL-terminated, inside argv */
	const char *ready, *label;
	double ns[64];
};

/* Splits the arguments after the options at each "--" into tracer commands. */
static int split_tracers(int argc, char **argv, struct tracer *t, const char **ready, int nready,
			 const char **label, int nlabel)
{
	int n = 0;

	for (int i = 0; i < argc && n < MAX_TRACERS; i++) {
		t[n].cmd = argv + i;
		while (i < argc && strcmp(argv[i], "--") != 0)
			i++;
		if (i < argc)
			argv[i] = NULL; /* ends this command */
		if (!t[n].cmd[0])
			return -1;
		/* the last -w/-l given applies to the tracers after it */
		t[n].ready = nready ? ready[n < nready ? n : nready - 1] : NULL;
		t[n].label = n < nlabel ? label[n] : t[n].cmd[t[n].cmd[1] ? 1 : 0];
		n++;
	}
	return n;
}

/* One measured run with a tracer attached; negative when it did not start. */
static double run_traced(struct tracer *t, void (*op)(void), int n)
{
	double ns;
	pthread_t th;
	pid_t pid;
	int fd;

	pid = start_tracer(t->cmd, t->ready, &fd);
	if (pid < 0)
		return -1;
	pthread_create(&th, NULL, drain, (void *)(long)fd);
	ns = ns_per_op(op, n);
	kill(pid, SIGINT);
	waitpid(pid, NULL, 0);
	pthread_join(th, NULL);
	close(fd);
	return ns;
}

int main(int argc, char **argv)
{
	const char *opname = "open", *ready[MAX_TRACERS], *label[MAX_TRACERS];
	int n = 20000, runs = 7, c, nready = 0, nlabel = 0, ntracers;
	struct tracer tracers[MAX_TRACERS] = {0};
	void (*op)(void) = op_open;
	double base[64];
	struct utsname u;

	while ((c = getopt(argc, argv, "+o:n:r:p:w:l:")) != -1) {
		switch (c) {
		case 'o': opname = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'r': runs = atoi(optarg); break;
		case 'p': path = optarg; break;
		case 'w':
			if (nready < MAX_TRACERS)
				ready[nready++] = optarg;
			break;
		case 'l':
			if (nlabel < MAX_TRACERS)
				label[nlabel++] = optarg;
			break;
		default: goto usage;
		}
	}
	if (optind >= argc || runs < 1 || runs > 64 || n < 1)
		goto usage;
	ntracers =
		split_tracers(argc - optind, argv + optind, tracers, ready, nready, label, nlabel);
	if (ntracers < 1)
		goto usage;
	if (!strcmp(opname, "exec"))
		op = op_exec;
	else if (!strcmp(opname, "connect"))
		op = op_connect;
	else if (!strcmp(opname, "getppid"))
		op = op_getppid;
	else if (!strcmp(opname, "read"))
		op = op_read;
	else if (strcmp(opname, "open"))
		goto usage;
	if (op == op_read && (zero_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC)) < 0) {
		perror("op_bench: /dev/zero");
		return 1;
	}
	if (op == op_open)
		close(open(path, O_CREAT | O_WRONLY, 0644));
	if (op == op_connect)
		start_server();
	signal(SIGPIPE, SIG_IGN);
	uname(&u);
	ns_per_op(op, n / 10 + 1);
	/* each run measures the bare op, then each tracer in turn: drift hits all alike */
	for (int r = 0; r < runs; r++) {
		base[r] = ns_per_op(op, n);
		for (int t = 0; t < ntracers; t++)
			if ((tracers[t].ns[r] = run_traced(&tracers[t], op, n)) < 0)
				return 1;
	}
	qsort(base, runs, sizeof(double), cmp);
	for (int t = 0; t < ntracers; t++) {
		double with;

		qsort(tracers[t].ns, runs, sizeof(double), cmp);
		with = tracers[t].ns[runs / 2];
		printf("%-8s %-40.40s without %9.0f ns/op  with %9.0f ns/op  added %+8.0f ns/op "
		       "(%.2fx)  [%s, %d x %d, medians]\n",
		       opname, tracers[t].label, base[runs / 2], with, with - base[runs / 2],
		       with / base[runs / 2], u.release, runs, n);
	}
	return 0;
usage:
	fprintf(stderr,
		"usage: op_bench -o open|exec|connect|getppid|read [-n OPS] [-r RUNS] [-p PATH] "
		"[-w READY]... [-l LABEL]... -- CMD [ARGS...] [-- CMD [ARGS...]]...\n");
	return 2;
}
