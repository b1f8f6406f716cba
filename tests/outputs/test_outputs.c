// SPDX-License-Identifier: Apache-2.0
/*
 * The output framework with local receivers: files (rotation, reopen,
 * concurrent submitters), a pipe that nobody reads (a stalled output never
 * blocks submit nor the other outputs), and a program that dies.
 * Assertions are on counts, never on timings.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "delivery/outputs.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vigil-outputs-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A JSON line "{"t":T,"seq":S,"pad":"xxx..."}" of about 200 bytes. */
static void line_for(int t, int seq, char *buf, size_t cap)
{
	snprintf(buf, cap, "{\"t\":%d,\"seq\":%d,\"pad\":\"%0160d\"}", t, seq, 0);
}

static void submit_line(struct vg_outputs *outs, int t, int seq, int prio)
{
	char json[256], text[64];
	struct vg_alert_msg a = {.priority = prio, .rule = "r"};

	line_for(t, seq, json, sizeof(json));
	snprintf(text, sizeof(text), "TEXT t=%d seq=%d", t, seq);
	a.json = json;
	a.json_len = strlen(json);
	a.text = text;
	a.text_len = strlen(text);
	vg_outputs_submit(outs, &a);
}

struct stats_one {
	struct vg_output_stats st[8];
	int n;
};

static void grab(const struct vg_output_stats *st, void *arg)
{
	struct stats_one *s = arg;

	s->st[s->n++] = *st;
}

static struct stats_one stats(struct vg_outputs *outs)
{
	struct stats_one s = {0};

	vg_outputs_stats(outs, grab, &s);
	return s;
}

/* Reads a file's lines; checks each is a whole line of ours; records seqs. */
static int read_lines(const char *path, int *seen_t, int *seen_seq, int max, int *n, uint64_t *size)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	struct stat st;

	if (!f)
		return -1;
	if (size)
		*size = fstat(fileno(f), &st) == 0 ? (uint64_t)st.st_size : 0;
	while (fgets(buf, sizeof(buf), f)) {
		int t, seq;
		char expect[256];

		assert_true(strchr(buf, '\n') != NULL); /* never a split line */
		*strchr(buf, '\n') = '\0';
		assert_int_equal(sscanf(buf, "{\"t\":%d,\"seq\":%d", &t, &seq), 2);
		line_for(t, seq, expect, sizeof(expect));
		assert_string_equal(buf, expect);
		assert_true(*n < max);
		seen_t[*n] = t;
		seen_seq[*n] = seq;
		(*n)++;
	}
	fclose(f);
	return 0;
}

static struct vg_output_config file_cfg(const char *path, uint64_t max_bytes, uint32_t keep,
					uint32_t queue)
{
	struct vg_output_config c = {
		.kind = VG_OUTPUT_FILE,
		.enabled = true,
		.min_priority = 7,
		.queue_size = queue,
		.max_retries = 3,
		.retry_initial_ms = 10,
		.retry_max_ms = 50,
	};

	c.file.path = path;
	c.file.max_bytes = max_bytes;
	c.file.keep = keep;
	return c;
}

static void test_file_basic(void **state)
{
	char path[PATH_MAX];
	struct vg_output_config c;
	struct vg_outputs_config oc = {.outputs = &c, .n = 1};
	struct vg_outputs *outs;
	int ts[200], seqs[200], n = 0;
	struct stats_one s;

	(void)state;
	snprintf(path, sizeof(path), "%s/basic.json", tmpdir);
	c = file_cfg(path, 0, 0, 1000);
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	for (int i = 0; i < 100; i++)
		submit_line(outs, 0, i, 4);
	assert_int_equal(vg_outputs_flush(outs, 30000), 0);
	s = stats(outs);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.st[0].name, "file");
	assert_int_equal(s.st[0].queued, 100);
	assert_int_equal(s.st[0].sent, 100);
	assert_int_equal(s.st[0].depth, 0);
	assert_int_equal(s.st[0].dropped_full + s.st[0].dropped_failed, 0);
	vg_outputs_free(outs);
	assert_int_equal(read_lines(path, ts, seqs, 200, &n, NULL), 0);
	assert_int_equal(n, 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(seqs[i], i);
}

#define THREADS	   4
#define PER_THREAD 2500

struct submitter {
	struct vg_outputs *outs;
	int t;
	bool reopen; /* also ask for reopens while writing, as SIGUSR1 would */
};

static void *submit_thread(void *arg)
{
	struct submitter *s = arg;

	for (int i = 0; i < PER_THREAD; i++) {
		submit_line(s->outs, s->t, i, 4);
		if (s->reopen && i % 500 == 0)
			vg_outputs_reopen(s->outs);
	}
	return NULL;
}

/* Rotation under concurrent submitters: nothing lost, nothing split, order kept per thread. */
static void test_file_rotation_concurrent(void **state)
{
	enum { TOTAL = THREADS * PER_THREAD };
	const uint64_t max_bytes = 64 * 1024;
	char path[PATH_MAX], p[PATH_MAX + 16];
	struct vg_output_config c;
	struct vg_outputs_config oc = {.outputs = &c, .n = 1};
	struct vg_outputs *outs;
	struct submitter sub[THREADS];
	pthread_t th[THREADS];
	static int ts[TOTAL + 1], seqs[TOTAL + 1];
	int n = 0, next[THREADS] = {0};
	uint32_t files = 0;
	struct stats_one s;

	(void)state;
	snprintf(path, sizeof(path), "%s/rot.json", tmpdir);
	/* keep enough files that none is deleted: every line must be found */
	c = file_cfg(path, max_bytes, 100, TOTAL);
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	for (int i = 0; i < THREADS; i++) {
		sub[i] = (struct submitter){outs, i, i == 0};
		assert_int_equal(pthread_create(&th[i], NULL, submit_thread, &sub[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(vg_outputs_flush(outs, 60000), 0);
	s = stats(outs);
	assert_int_equal(s.st[0].queued, TOTAL);
	assert_int_equal(s.st[0].sent, TOTAL);
	assert_int_equal(s.st[0].dropped_full + s.st[0].dropped_failed, 0);
	vg_outputs_free(outs);

	/* oldest first: path.N .. path.1, then path */
	for (uint32_t k = 1;; k++) {
		snprintf(p, sizeof(p), "%s.%u", path, k);
		if (access(p, F_OK) != 0)
			break;
		files = k;
	}
	assert_true(files >= 2);
	assert_int_equal(s.st[0].rotations, files);
	for (uint32_t k = files + 1; k >= 1; k--) {
		uint64_t size;

		if (k == 1)
			snprintf(p, sizeof(p), "%s", path);
		else
			snprintf(p, sizeof(p), "%s.%u", path, k - 1);
		assert_int_equal(read_lines(p, ts, seqs, TOTAL + 1, &n, &size), 0);
		assert_true(size <= max_bytes);
	}
	assert_int_equal(n, TOTAL);
	for (int i = 0; i < n; i++) {
		assert_int_equal(seqs[i], next[ts[i]]);
		next[ts[i]]++;
	}
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(next[t], PER_THREAD);
}

/* keep = 3: exactly path, path.1..path.3 remain, holding the newest lines without a gap. */
static void test_file_rotation_keep(void **state)
{
	enum { N = 3000 };
	char path[PATH_MAX], p[PATH_MAX + 16];
	struct vg_output_config c;
	struct vg_outputs_config oc = {.outputs = &c, .n = 1};
	struct vg_outputs *outs;
	static int ts[N], seqs[N];
	int n = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/keep.json", tmpdir);
	c = file_cfg(path, 16 * 1024, 3, N);
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	for (int i = 0; i < N; i++)
		submit_line(outs, 0, i, 4);
	assert_int_equal(vg_outputs_flush(outs, 60000), 0);
	vg_outputs_free(outs);
	snprintf(p, sizeof(p), "%s.4", path);
	assert_int_not_equal(access(p, F_OK), 0);
	for (int k = 3; k >= 0; k--) {
		if (k)
			snprintf(p, sizeof(p), "%s.%d", path, k);
		else
			snprintf(p, sizeof(p), "%s", path);
		assert_int_equal(read_lines(p, ts, seqs, N, &n, NULL), 0);
	}
	assert_true(n > 0 && n < N);
	for (int i = 0; i < n; i++)
		assert_int_equal(seqs[i], N - n + i);
}

/* logrotate moved the file away; reopen starts a new one at the configured path. */
static void test_file_reopen(void **state)
{
	char path[PATH_MAX], moved[PATH_MAX + 8];
	struct vg_output_config c;
	struct vg_outputs_config oc = {.outputs = &c, .n = 1};
	struct vg_outputs *outs;
	int ts[64], seqs[64], n = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/reopen.json", tmpdir);
	snprintf(moved, sizeof(moved), "%s.old", path);
	c = file_cfg(path, 0, 0, 100);
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	for (int i = 0; i < 10; i++)
		submit_line(outs, 0, i, 4);
	assert_int_equal(vg_outputs_flush(outs, 30000), 0);
	assert_int_equal(rename(path, moved), 0);
	vg_outputs_reopen(outs);
	for (int i = 10; i < 20; i++)
		submit_line(outs, 0, i, 4);
	assert_int_equal(vg_outputs_flush(outs, 30000), 0);
	vg_outputs_free(outs);
	assert_int_equal(read_lines(moved, ts, seqs, 64, &n, NULL), 0);
	assert_int_equal(n, 10);
	n = 0;
	assert_int_equal(read_lines(path, ts, seqs, 64, &n, NULL), 0);
	assert_int_equal(n, 10);
	assert_int_equal(seqs[0], 10);
}

/* A file that cannot be opened at start is refused with a message, not retried forever. */
static void test_file_bad_path(void **state)
{
	struct vg_output_config c = file_cfg("/nonexistent-dir/x/alerts.json", 0, 0, 10);
	struct vg_outputs_config oc = {.outputs = &c, .n = 1};

	(void)state;
	assert_null(vg_outputs_new(&oc));
}

struct drain {
	int fd;
	char *buf;
	size_t len, cap;
};

static void *drain_thread(void *arg)
{
	struct drain *d = arg;
	ssize_t r;

	while ((r = read(d->fd, d->buf + d->len, d->cap - d->len)) > 0)
		d->len += (size_t)r;
	return NULL;
}

/*
 * stdout to a pipe that is full and nobody reads: submit returns every time,
 * the queue holds exactly its bound, the rest is counted as dropped_full,
 * and a file output next to it gets every alert. Then the reader comes:
 * everything queued arrives, in order.
 */
static void test_stalled_output_never_blocks(void **state)
{
	enum { N = 20000, CAP = 64 };
	char path[PATH_MAX];
	struct vg_output_config c[2];
	struct vg_outputs_config oc = {.outputs = c, .n = 2};
	struct vg_outputs *outs;
	int fds[2], junk = 0, n = 0;
	char filler[4096];
	struct stats_one s;
	struct drain d = {0};
	pthread_t th;
	static int ts[N], seqs[N];

	(void)state;
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	fcntl(fds[1], F_SETPIPE_SZ, 4096);
	/* fill the pipe so that the worker's first write blocks */
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	memset(filler, 'j', sizeof(filler));
	for (;;) {
		ssize_t w = write(fds[1], filler, sizeof(filler));

		if (w < 0) {
			assert_int_equal(errno, EAGAIN);
			break;
		}
		junk += (int)w;
	}
	fcntl(fds[1], F_SETFL, 0);

	memset(c, 0, sizeof(c));
	c[0].kind = VG_OUTPUT_STDOUT;
	c[0].enabled = true;
	c[0].min_priority = 7;
	c[0].queue_size = CAP;
	c[0].max_retries = 0;
	c[0].std.fd = fds[1];
	snprintf(path, sizeof(path), "%s/beside.json", tmpdir);
	c[1] = file_cfg(path, 0, 0, N);
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	for (int i = 0; i < N; i++)
		submit_line(outs, 0, i, 4);
	/* the file output is not held back by the stalled one */
	assert_int_equal(vg_outputs_flush(outs, 0) == 0, 0);
	s = stats(outs);
	assert_int_equal(s.st[0].sent, 0);
	assert_int_equal(s.st[0].queued, CAP);
	assert_int_equal(s.st[0].depth, CAP);
	assert_int_equal(s.st[0].dropped_full, N - CAP);
	assert_int_equal(vg_outputs_dropped(outs), N - CAP + s.st[1].dropped_full);

	/* the reader arrives */
	d.fd = fds[0];
	d.cap = (size_t)junk + CAP * 512 + 1;
	d.buf = calloc(1, d.cap);
	assert_non_null(d.buf);
	assert_int_equal(pthread_create(&th, NULL, drain_thread, &d), 0);
	assert_int_equal(vg_outputs_flush(outs, 60000), 0);
	s = stats(outs);
	assert_int_equal(s.st[0].sent, CAP);
	assert_int_equal(s.st[1].sent, N);
	assert_int_equal(s.st[1].dropped_full + s.st[1].dropped_failed, 0);
	vg_outputs_free(outs);
	close(fds[1]);
	pthread_join(th, NULL);
	close(fds[0]);
	assert_true(d.len > (size_t)junk);
	for (char *p = d.buf + junk, *nl; (nl = memchr(p, '\n', d.len - (size_t)(p - d.buf)));
	     p = nl + 1) {
		int t, seq;

		*nl = '\0';
		assert_int_equal(sscanf(p, "{\"t\":%d,\"seq\":%d", &t, &seq), 2);
		assert_int_equal(seq, n);
		n++;
	}
	assert_int_equal(n, CAP);
	free(d.buf);
	n = 0;
	assert_int_equal(read_lines(path, ts, seqs, N, &n, NULL), 0);
	assert_int_equal(n, N);
}

/* Text format and priority filtering, on a pipe. */
static void test_stdout_text_and_priority(void **state)
{
	struct vg_output_config c = {
		.kind = VG_OUTPUT_STDOUT,
		.enabled = true,
		.format = VG_FORMAT_TEXT,
		.min_priority = 3, /* error and more severe */
		.queue_size = 100,
	};
	struct vg_outputs_config oc = {.outputs = &c, .n = 1};
	struct vg_outputs *outs;
	int fds[2];
	char buf[4096];
	ssize_t r;
	struct stats_one s;

	(void)state;
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	c.std.fd = fds[1];
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	for (int i = 0; i < 8; i++)
		submit_line(outs, 0, i, i); /* priority i */
	assert_int_equal(vg_outputs_flush(outs, 30000), 0);
	s = stats(outs);
	assert_int_equal(s.st[0].sent, 4);
	vg_outputs_free(outs);
	close(fds[1]);
	r = read(fds[0], buf, sizeof(buf) - 1);
	assert_true(r > 0);
	buf[r] = '\0';
	assert_string_equal(buf, "TEXT t=0 seq=0\nTEXT t=0 seq=1\nTEXT t=0 seq=2\n"
				 "TEXT t=0 seq=3\n");
	close(fds[0]);
}

static int count_file_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(buf, sizeof(buf), f))
		n++;
	fclose(f);
	return n;
}

static void sleep_ms(int ms)
{
	nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

/*
 * A command that takes one line and exits: every alert after the first
 * needs a restart. Each alert is either in the file or counted as dropped
 * (written into the pipe of a command that was already leaving).
 */
static void test_program_restarts(void **state)
{
	enum { N = 6 };
	char out[PATH_MAX], cmd[PATH_MAX + 64];
	struct vg_output_config c = {
		.kind = VG_OUTPUT_PROGRAM,
		.enabled = true,
		.min_priority = 7,
		.queue_size = 100,
		.max_retries = 50,
		.retry_initial_ms = 5,
		.retry_max_ms = 20,
	};
	struct vg_outputs_config oc = {.outputs = &c, .n = 1};
	struct vg_outputs *outs;
	struct stats_one s;
	int ts[N + 1], seqs[N + 1], n = 0;

	(void)state;
	snprintf(out, sizeof(out), "%s/program.out", tmpdir);
	snprintf(cmd, sizeof(cmd), "read -r line && printf '%%s\\n' \"$line\" >> '%s'", out);
	c.program.command = cmd;
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	for (int i = 0; i < N; i++) {
		submit_line(outs, 0, i, 4);
		assert_int_equal(vg_outputs_flush(outs, 30000), 0);
		/*
		 * Wait (bounded) for the command to write the line, so that the
		 * next alert finds it gone. If it never shows, the line went into
		 * the pipe of a command that was already leaving: the next send
		 * notices and counts it.
		 */
		for (int k = 0; k < 200; k++) {
			s = stats(outs);
			if (count_file_lines(out) + (int)s.st[0].dropped_failed == i + 1)
				break;
			sleep_ms(10);
		}
	}
	assert_int_equal(vg_outputs_flush(outs, 30000), 0);
	s = stats(outs);
	vg_outputs_free(outs);
	assert_int_equal(read_lines(out, ts, seqs, N + 1, &n, NULL), 0);
	assert_true(n >= 1);
	assert_true(s.st[0].restarts >= 1);
	/* every alert is delivered or counted as dropped, none twice */
	assert_int_equal(s.st[0].sent + s.st[0].dropped_failed, N);
	/* the last one may sit in the pipe of a command that exits: not yet noticed */
	assert_true(n == (int)s.st[0].sent || n == (int)s.st[0].sent - 1);
	for (int i = 1; i < n; i++)
		assert_true(seqs[i] > seqs[i - 1]);
}

static int count_markers(const char *dir)
{
	char cmd[PATH_MAX];
	FILE *p;
	int n = -1;

	if (snprintf(cmd, sizeof(cmd), "ls '%s' | grep -c '^mark\\.'", dir) >= (int)sizeof(cmd))
		return -1;
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

/*
 * A command that closes its stdin at once, leaves a marker and exits: every
 * alert handed to it is lost, and must be counted so, and every alert
 * after the first needs a restart.
 */
static void test_program_dying_command_counted(void **state)
{
	enum { N = 5 };
	char dir[PATH_MAX], cmd[PATH_MAX + 64];
	struct vg_output_config c = {
		.kind = VG_OUTPUT_PROGRAM,
		.enabled = true,
		.min_priority = 7,
		.queue_size = 100,
		.max_retries = 20,
		.retry_initial_ms = 5,
		.retry_max_ms = 20,
	};
	struct vg_outputs_config oc = {.outputs = &c, .n = 1};
	struct vg_outputs *outs;
	struct stats_one s;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/markers", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(cmd, sizeof(cmd), "exec 0<&-; touch '%s'/mark.$$; exit 3", dir);
	c.program.command = cmd;
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	for (int i = 1; i <= N; i++) {
		submit_line(outs, 0, i, 4);
		assert_int_equal(vg_outputs_flush(outs, 30000), 0);
		/*
		 * Bounded wait until every instance started so far has closed its
		 * stdin (the markers say so). An instance may close before the
		 * write reaches it: that write fails (EPIPE) and is retried into
		 * another one, so there can be more instances than alerts.
		 */
		s = stats(outs);
		for (int k = 0; k < 1000 && count_markers(dir) < (int)s.st[0].restarts + 1; k++)
			sleep_ms(10);
		assert_int_equal(count_markers(dir), (int)s.st[0].restarts + 1);
	}
	s = stats(outs);
	assert_true(s.st[0].restarts >= N - 1);
	/* each alert was noticed lost, except the last: it may sit in the last one's pipe */
	assert_int_equal(s.st[0].sent + s.st[0].dropped_failed, N);
	assert_true(s.st[0].dropped_failed >= N - 1);
	assert_non_null(strstr(s.st[0].last_error, "exited with status 3"));
	/* the command's arguments (tokens, often) never reach messages: its first word only */
	assert_non_null(strstr(s.st[0].last_error, "'exec …'"));
	assert_null(strstr(s.st[0].last_error, dir));
	vg_outputs_free(outs);
}

/* An unreachable receiver: retried with back-off, then given up and counted. */
static void test_unreachable_gives_up(void **state)
{
	enum { N = 3 };
	struct vg_output_config c = {
		.kind = VG_OUTPUT_HTTP,
		.enabled = true,
		.min_priority = 7,
		.queue_size = 100,
		.max_retries = 2,
		.retry_initial_ms = 5,
		.retry_max_ms = 10,
	};
	struct vg_outputs_config oc = {.outputs = &c, .n = 1};
	struct vg_outputs *outs;
	struct stats_one s;

	(void)state;
	c.http.url = "http://127.0.0.1:1/"; /* nothing listens on port 1 */
	c.http.timeout_ms = 2000;
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	for (int i = 0; i < N; i++)
		submit_line(outs, 0, i, 4);
	assert_int_equal(vg_outputs_flush(outs, 60000), 0);
	s = stats(outs);
	assert_int_equal(s.st[0].sent, 0);
	assert_int_equal(s.st[0].dropped_failed, N);
	assert_int_equal(s.st[0].retries, N * 2);
	assert_true(s.st[0].failing);
	assert_non_null(strstr(s.st[0].last_error, "127.0.0.1:1"));
	vg_outputs_free(outs);
}

/* vg_url_redact: credentials and secret query values masked, the rest kept. */
static void test_url_redact(void **state)
{
	static const char *const cases[][2] = {
		{"http://alice:s3cr3t@127.0.0.1:8080/x?token=abc",
		 "http://alice:***@127.0.0.1:8080/x?token=***"},
		{"https://TOKEN123@hooks.example/a", "https://***@hooks.example/a"},
		{"http://u:p@ss:w@rd@h/", "http://u:***@h/"},
		{"http://h/p?region=eu&api_key=k1&X-Amz-Signature=zz;Password=p#access_token=t",
		 "http://h/"
		 "p?region=eu&api_key=***&X-Amz-Signature=***;Password=***#access_token=***"},
		{"http://h:1/plain?a=1&b", "http://h:1/plain?a=1&b"},
		{"http://h/p@q?secret=", "http://h/p@q?secret=***"},
		{"not a url ?Auth=x", "not a url ?Auth=***"},
		{"", ""},
	};
	char out[256], small[12];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(vg_url_redact(cases[i][0], out, sizeof(out)), cases[i][1]);
	/* cut to the buffer, always terminated, never the secret */
	vg_url_redact("http://alice:s3cr3t@h/", small, sizeof(small));
	assert_string_equal(small, "http://alic");
	vg_url_redact("http://a:s3cr3t@h/", small, sizeof(small));
	assert_null(strstr(small, "s3"));
	assert_string_equal(vg_url_redact(NULL, out, sizeof(out)), "");
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/*
 * Files the file output creates, rotated ones included, have the configured
 * mode (0600 by default) whatever the umask; an old world-readable file is
 * narrowed when it is opened.
 */
static void test_file_mode(void **state)
{
	char path[PATH_MAX], p1[PATH_MAX + 8];
	struct vg_output_config c;
	struct vg_outputs_config oc = {.outputs = &c, .n = 1};
	struct vg_outputs *outs;
	mode_t old = umask(0);
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/mode.json", tmpdir);
	snprintf(p1, sizeof(p1), "%s.1", path);
	c = file_cfg(path, 4096, 2, 1000);
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	for (int i = 0; i < 100; i++)
		submit_line(outs, 0, i, 4);
	assert_int_equal(vg_outputs_flush(outs, 30000), 0);
	vg_outputs_free(outs);
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(mode_of(p1), 0600);

	/* 0640 asked: exactly that, even under a umask that would remove more */
	umask(077);
	unlink(path);
	unlink(p1);
	c.file.mode = 0640;
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	for (int i = 0; i < 100; i++)
		submit_line(outs, 0, i, 4);
	assert_int_equal(vg_outputs_flush(outs, 30000), 0);
	vg_outputs_free(outs);
	assert_int_equal(mode_of(path), 0640);
	assert_int_equal(mode_of(p1), 0640);

	/* a file left world-readable by an older version is narrowed */
	umask(0);
	unlink(path);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	c.file.mode = 0;
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	vg_outputs_free(outs);
	assert_int_equal(mode_of(path), 0600);
	umask(old);
}

/* An alert of about size bytes of JSON. */
static void submit_big(struct vg_outputs *outs, size_t size)
{
	char *json = malloc(size + 1);
	struct vg_alert_msg a = {.priority = 4, .rule = "r"};

	assert_non_null(json);
	memset(json, 'x', size);
	json[size] = '\0';
	a.json = json;
	a.json_len = size;
	vg_outputs_submit(outs, &a);
	free(json);
}

/* An HTTP output whose receiver is down, retrying forever: what it takes stays queued. */
static struct vg_output_config down_cfg(uint64_t max_bytes)
{
	struct vg_output_config c = {
		.kind = VG_OUTPUT_HTTP,
		.enabled = true,
		.min_priority = 7,
		.queue_size = 1000,
		.queue_max_bytes = max_bytes,
		.max_retries = UINT32_MAX,
		.retry_initial_ms = 60000,
		.retry_max_ms = 60000,
	};

	c.http.url = "http://127.0.0.1:1/"; /* nothing listens on port 1 */
	c.http.timeout_ms = 2000;
	return c;
}

/*
 * The byte bounds: each output charges every alert it holds whole, refuses
 * (queue_full_bytes) past its bound, and all outputs together stay under
 * the global bound; an alert over max_alert_bytes is refused by all
 * (oversize). accepted = queued + dropped at every step.
 */
static void test_queue_bytes(void **state)
{
	enum { ALERT = 10000, N = 50 };
	struct vg_output_config c[2];
	struct vg_outputs_config oc = {
		.outputs = c, .n = 2, .max_alert_bytes = 20000, .total_max_bytes = 1 << 20};
	struct vg_outputs *outs;
	struct stats_one s;

	(void)state;
	c[0] = down_cfg(64 << 10);
	c[1] = down_cfg(1 << 20);
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	for (int i = 0; i < N; i++)
		submit_big(outs, ALERT);
	s = stats(outs);
	/* 64K holds 6 alerts of 10000 bytes and their headers, not 7 */
	assert_int_equal(s.st[0].queued, 6);
	assert_int_equal(s.st[0].dropped_bytes, N - 6);
	assert_int_equal(s.st[0].dropped_full, 0);
	assert_true(s.st[0].depth_bytes <= 64 << 10 && s.st[0].depth_bytes > 6 * ALERT);
	assert_int_equal(s.st[1].queued, N);
	assert_int_equal(s.st[1].accepted, N);
	/* an alert over max_alert_bytes: refused by both, counted */
	submit_big(outs, 20001);
	s = stats(outs);
	assert_int_equal(s.st[0].dropped_oversize, 1);
	assert_int_equal(s.st[1].dropped_oversize, 1);
	/* the global bound (1 MiB of live copies): the second output stops at it too */
	for (int i = 0; i < 100; i++)
		submit_big(outs, ALERT);
	s = stats(outs);
	assert_true(s.st[1].queued < N + 100);
	assert_true(s.st[1].depth_bytes <= 1 << 20);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(s.st[k].accepted, N + 101);
		assert_int_equal(s.st[k].accepted,
				 s.st[k].queued + vg_output_stats_dropped(&s.st[k]));
	}
	assert_int_equal(s.st[1].dropped_bytes, N + 100 - s.st[1].queued);
	vg_outputs_free(outs);
}

/*
 * Shutdown with a receiver that is down: the drain ends at its deadline,
 * and everything still queued is counted as dropped (shutdown), so that
 * accepted = sent + dropped with nothing left over.
 */
static void test_shutdown_counts_the_rest(void **state)
{
	struct vg_output_config c = down_cfg(0);
	struct vg_outputs_config oc = {.outputs = &c, .n = 1, .drain_ms = 100};
	struct vg_outputs *outs;
	struct stats_one s;

	(void)state;
	outs = vg_outputs_new(&oc);
	assert_non_null(outs);
	for (int i = 0; i < 10; i++)
		submit_line(outs, 0, i, 4);
	assert_int_equal(vg_outputs_shutdown(outs), -1);
	s = stats(outs);
	assert_int_equal(s.st[0].accepted, 10);
	assert_int_equal(s.st[0].sent, 0);
	assert_int_equal(s.st[0].dropped_shutdown, 10);
	assert_int_equal(s.st[0].dropped_failed, 0);
	assert_int_equal(s.st[0].depth, 0);
	/* after the end, a late alert is refused and counted, not queued */
	submit_line(outs, 0, 10, 4);
	s = stats(outs);
	assert_int_equal(s.st[0].dropped_shutdown, 11);
	assert_int_equal(s.st[0].accepted, s.st[0].sent + vg_output_stats_dropped(&s.st[0]));
	vg_outputs_free(outs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_basic),
		cmocka_unit_test(test_file_rotation_concurrent),
		cmocka_unit_test(test_file_rotation_keep),
		cmocka_unit_test(test_file_reopen),
		cmocka_unit_test(test_file_bad_path),
		cmocka_unit_test(test_stalled_output_never_blocks),
		cmocka_unit_test(test_stdout_text_and_priority),
		cmocka_unit_test(test_program_restarts),
		cmocka_unit_test(test_program_dying_command_counted),
		cmocka_unit_test(test_unreachable_gives_up),
		cmocka_unit_test(test_url_redact),
		cmocka_unit_test(test_file_mode),
		cmocka_unit_test(test_queue_bytes),
		cmocka_unit_test(test_shutdown_counts_the_rest),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
