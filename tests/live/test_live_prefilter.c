// SPDX-License-Identifier: Apache-2.0
/*
 * Live kernel: the in-kernel path prefilter, both ways. With a rule that
 * watches opens under /etc/, opens under a scratch directory are dropped in
 * the kernel while opens under /etc/ still alert; with the prefilter off
 * (VIGIL_NO_PREFILTER=1) the same opens are sent.
 *
 * The observable is vigil's kernel counters (printed on SIGUSR1), read
 * before and after a burst of N successful and N failed opens in the
 * scratch directory (see burst), in the quietest of several bursts. Other
 * processes on the machine add to both counters, so the assertions are
 * one-sided: with the prefilter, at least 2N opens were filtered and fewer
 * than N syscall events were sent, where the burst alone sends 2N
 * unfiltered; without it, nothing is filtered and at least 2N events were
 * sent. No rule could tell
 * a dropped open from a delivered one: the analysis keeps every open a rule
 * (or an fd.* field a rule reads on close) can see; opens of the scratch
 * directory that rules on a base name, a base-name suffix and a raw path
 * with ".." watch still alert. Falco's stable rules, unmodified, get the
 * prefilter too and drop the burst.
 *
 * Needs root; exits 77 (skipped) otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vigil_proc.h"

#define N 20000

static char shm_dir[128]; /* test_walk_variant_names_paths_across_mounts's, removed in teardown */
static char dir[128], rules[256], close_rules[256], wrote_rules[256], watched[128], missing[128],
	named[160], suffixed[160], traversed[160], written[160], written2[160];

struct counts {
	long long sent, dropped, filtered;
};

static void write_rules(void)
{
	FILE *f;

	snprintf(rules, sizeof(rules), "%s/rules.yaml", dir);
	f = fopen(rules, "w");
	assert_non_null(f);
	/* "contains" bounds nothing; the and keeps the /etc/ bound of its other side */
	fprintf(f, "- rule: Prefilter test etc open\n"
		   "  desc: an open under /etc/ by the prefilter test\n"
		   "  condition: evt.type in (open, openat, openat2) and fd.name startswith /etc/"
		   " and fd.name contains vigil-pf-\n"
		   "  output: opened %%fd.name\n"
		   "  priority: WARNING\n");
	/* bounded by the base name, anywhere */
	fprintf(f,
		"- rule: Prefilter test base name\n"
		"  desc: a file of this name opened anywhere\n"
		"  condition: evt.type in (open, openat, openat2) and fd.filename in "
		"(vigil-pf-n%d)\n"
		"  output: opened %%fd.name\n"
		"  priority: WARNING\n"
		"- rule: Prefilter test suffix\n"
		"  desc: a name ending so opened anywhere\n"
		"  condition: evt.type in (open, openat, openat2) and fd.name endswith "
		".vigil-pf-s%d\n"
		"  output: opened %%fd.name\n"
		"  priority: WARNING\n"
		"- rule: Prefilter test traversal\n"
		"  desc: an open through ..\n"
		"  condition: evt.type in (open, openat, openat2) and fd.nameraw contains '../' "
		"and fd.name contains vigil-pf-t\n"
		"  output: opened %%fd.name\n"
		"  priority: WARNING\n"
		"- rule: Prefilter test dup\n"
		"  desc: a dup of the watched file\n"
		"  condition: evt.type in (dup, dup2, dup3) and fd.name = %s\n"
		"  output: dup of %%fd.name\n"
		"  priority: WARNING\n",
		getpid(), getpid(), watched);
	assert_int_equal(fclose(f), 0);
	/* a close of any fd by a process that never runs: closes matter */
	snprintf(close_rules, sizeof(close_rules), "%s/close-rules.yaml", dir);
	f = fopen(close_rules, "w");
	assert_non_null(f);
	fprintf(f, "- rule: Prefilter test any close\n"
		   "  desc: a close by a program that is never run\n"
		   "  condition: evt.type = close and proc.name = vigil-never-r\n"
		   "  output: closed by %%proc.name\n"
		   "  priority: WARNING\n");
	assert_int_equal(fclose(f), 0);
	/* a write open in the scratch directory (below /tmp/): reads of it need not be sent */
	snprintf(wrote_rules, sizeof(wrote_rules), "%s/write-rules.yaml", dir);
	f = fopen(wrote_rules, "w");
	assert_non_null(f);
	fprintf(f,
		"- rule: Prefilter test write\n"
		"  desc: a file written in the scratch directory\n"
		"  condition: evt.type in (open, openat, openat2) and evt.is_open_write = true"
		" and fd.name startswith %s/\n"
		"  output: written %%fd.name\n"
		"  priority: WARNING\n",
		dir);
	assert_int_equal(fclose(f), 0);
}

/* The last "syscall sent=.. dropped=.. filtered=.." vigil printed after a SIGUSR1. */
static struct counts read_counters(struct vigil_proc *v)
{
	const char *key = " syscall sent=";
	size_t before = v->errlen;
	struct counts c = {-1, -1, -1};
	const char *p, *last = NULL;

	kill(v->pid, SIGUSR1);
	for (int i = 0; i < 100 && !strstr(v->errtext + before, key); i++)
		vigil_wait_event(v, match_text, "\x01never\x01", 100);
	for (p = v->errtext + before; (p = strstr(p, key)); p++)
		last = p;
	if (!last || sscanf(last, " syscall sent=%lld dropped=%lld filtered=%lld", &c.sent,
			    &c.dropped, &c.filtered) != 3)
		fail_msg("no syscall counters after SIGUSR1 in: %s", v->errtext + before);
	return c;
}

/*
 * Children open a file in the scratch directory N times in all, and a
 * missing one N times, each up to CHUNK fds, then exit: the fds go with
 * them, without close calls, so the burst sends no syscall event at all
 * when its opens are filtered, and 2N when they are not. With closing,
 * each fd is closed at once: N closes more, which the kernel drops with
 * their opens unless a rule can match a close.
 */
#define CHUNK 1000

static void burst(bool closing)
{
	char file[160], absent[160];

	snprintf(file, sizeof(file), "%s/unwatched", dir);
	snprintf(absent, sizeof(absent), "%s/absent", dir);
	for (int done = 0; done < N; done += CHUNK) {
		int status = -1, fd;
		pid_t pid = fork();

		if (pid == 0) {
			for (int i = 0; i < CHUNK; i++) {
				if ((fd = open(file, O_RDONLY)) < 0 || open(absent, O_RDONLY) >= 0)
					_exit(3);
				if (closing && close(fd) != 0)
					_exit(4);
			}
			_exit(0);
		}
		assert_true(pid > 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_int_equal(status, 0);
	}
}

static bool match_alert(json_object *a, const void *arg)
{
	json_object *fields, *name;

	if (strncmp(jstr(a, "rule"), "Prefilter test ", 15) != 0)
		return false;
	fields = jget(a, "output_fields");
	return json_object_object_get_ex(fields, "fd.name", &name) &&
	       strcmp(json_object_get_string(name), (const char *)arg) == 0;
}

static void open_close(const char *path)
{
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	close(fd);
}

static void expect_alert(struct vigil_proc *v, const char *name, const char *what)
{
	if (!vigil_wait_event(v, match_alert, name, 10000))
		fail_msg("no alert for %s of %s", what, name);
}

/*
 * The watched side alerts either way: a successful and a failed open under
 * /etc/, and opens in the scratch directory of the watched base name, a
 * name with the watched suffix (failed), and a path through "..".
 */
static void expect_watched_alerts(struct vigil_proc *v)
{
	char raw[200];

	open_close(watched);
	assert_int_equal(open(missing, O_RDONLY), -1);
	open_close(named);
	assert_int_equal(open(suffixed, O_RDONLY), -1);
	snprintf(raw, sizeof(raw), "%s/sub/../%s", dir, strrchr(traversed, '/') + 1);
	open_close(raw);
	expect_alert(v, watched, "the open");
	expect_alert(v, missing, "the failed open");
	expect_alert(v, named, "the open");
	expect_alert(v, suffixed, "the failed open");
	expect_alert(v, traversed, "the open through ..");
}

/*
 * Runs the burst BURSTS times and keeps the quietest: other processes'
 * events only ever add to a delta, and a burst whose opens were all sent
 * has a delta of at least 2N however quiet the rest of the machine is.
 */
#define BURSTS 5

struct vcase {
	bool prefilter, closing;
	const char *rules, *more_rules; /* more_rules may be NULL */
};

static void run_case(const struct vcase *k, struct counts *delta, char *log, size_t loglen)
{
	const char *const args[] = {
		"-r",	       k->rules, "-o", "metrics.enabled=false", k->more_rules ? "-r" : NULL,
		k->more_rules, NULL};
	struct vigil_proc v;
	struct counts a, b;

	if (k->prefilter)
		unsetenv("VIGIL_NO_PREFILTER");
	else
		setenv("VIGIL_NO_PREFILTER", "1", 1);
	assert_int_equal(vigil_start_cmd(&v, "run", args), 0);
	*delta = (struct counts){-1, -1, -1};
	for (int i = 0; i < BURSTS; i++) {
		a = read_counters(&v);
		burst(k->closing);
		b = read_counters(&v);
		if (delta->sent < 0 ||
		    b.sent + b.dropped - a.sent - a.dropped < delta->sent + delta->dropped) {
			delta->sent = b.sent - a.sent;
			delta->dropped = b.dropped - a.dropped;
			delta->filtered = b.filtered - a.filtered;
		}
	}
	if (k->rules == rules)
		expect_watched_alerts(&v);
	assert_int_equal(WEXITSTATUS(vigil_stop(&v)), 0);
	assert_true(vigil_no_drops(&v));
	snprintf(log, loglen, "%s", v.errtext);
	vigil_free(&v);
	unsetenv("VIGIL_NO_PREFILTER");
}

static void test_prefilter_drops_unwatched_opens(void **state)
{
	static char log[65536];
	struct counts d;

	(void)state;
	run_case(&(struct vcase){.prefilter = true, .rules = rules}, &d, log, sizeof(log));
	print_message("prefilter on: %d+%d opens, sent %+lld, filtered %+lld\n", N, N, d.sent,
		      d.filtered);
	assert_non_null(strstr(log, "; path prefilter on open, openat, openat2"));
	assert_true(d.filtered >= 2 * N);
	/* other processes' events, but not the 2N opens */
	assert_true(d.sent + d.dropped < N);
}

static void test_without_prefilter_opens_are_sent(void **state)
{
	static char log[65536];
	struct counts d;

	(void)state;
	run_case(&(struct vcase){.rules = rules}, &d, log, sizeof(log));
	print_message("prefilter off: %d+%d opens, sent %+lld, filtered %+lld\n", N, N, d.sent,
		      d.filtered);
	assert_non_null(strstr(log, "; path prefilter off ("));
	assert_int_equal(d.filtered, 0);
	assert_true(d.sent >= 2 * N);
}

/* Falco's stable rules as they are: none can match an open of the burst's paths. */
static void test_falco_stable_rules_get_the_prefilter(void **state)
{
	static char log[65536];
	const char *falco = FALCO_RULES_DIR "/falco_rules.yaml";
	struct counts d;

	(void)state;
	if (access(falco, R_OK) != 0) {
		print_message("skipped: %s not found (../shared is absent)\n", falco);
		skip();
	}
	run_case(&(struct vcase){.prefilter = true, .closing = true, .rules = falco}, &d, log,
		 sizeof(log));
	print_message("Falco's stable rules: %d+%d opens, sent %+lld, filtered %+lld\n", N, N,
		      d.sent, d.filtered);
	assert_non_null(strstr(log, "; path prefilter on open, openat, openat2"));
	assert_null(strstr(log, "no path prefilter"));
	assert_true(d.filtered >= 3 * N);
	assert_true(d.sent + d.dropped < N);
}

/*
 * The project's default rules and a rule on writes in the scratch
 * directory: every rule reaching /tmp/ needs a write open, so the burst's
 * read opens there are dropped in the kernel, while a write there alerts.
 */
static void test_reads_of_written_paths_are_dropped(void **state)
{
	static char log[65536];
	struct counts d;
	struct vigil_proc v;
	const char *const args[] = {"-r", VIGIL_RULES_DIR,	   "-r", wrote_rules,
				    "-o", "metrics.enabled=false", NULL};
	int fd;

	(void)state;
	if (access(VIGIL_RULES_DIR, R_OK) != 0) {
		print_message("skipped: %s not found (a guest without the source tree)\n",
			      VIGIL_RULES_DIR);
		skip();
	}
	run_case(&(struct vcase){.prefilter = true,
				 .rules = VIGIL_RULES_DIR,
				 .more_rules = wrote_rules},
		 &d, log, sizeof(log));
	print_message("default rules, reads below /tmp/: %d+%d opens, sent %+lld, filtered %+lld\n",
		      N, N, d.sent, d.filtered);
	assert_non_null(strstr(log, "(some for write opens only)"));
	assert_true(d.filtered >= 2 * N);
	assert_true(d.sent + d.dropped < N);
	/* the write side: an open for writing there is sent and alerts */
	assert_int_equal(vigil_start_cmd(&v, "run", args), 0);
	fd = open(written, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	close(fd);
	expect_alert(&v, written, "the write open");
	/* openat2's flags are in its struct open_how, which the probe reads */
	fd = (int)syscall(SYS_openat2, AT_FDCWD, written2,
			  &(struct open_how){.flags = O_WRONLY | O_CREAT, .mode = 0644},
			  sizeof(struct open_how));
	assert_true(fd >= 0);
	close(fd);
	expect_alert(&v, written2, "the openat2 write open");
	assert_int_equal(WEXITSTATUS(vigil_stop(&v)), 0);
	vigil_free(&v);
}

/* The closes of dropped opens are dropped with them: no rule matches a close. */
static void test_closes_of_dropped_opens_are_dropped(void **state)
{
	static char log[65536];
	struct counts d;

	(void)state;
	run_case(&(struct vcase){.prefilter = true, .closing = true, .rules = rules}, &d, log,
		 sizeof(log));
	print_message("closing: %d+%d opens, %d closes, sent %+lld, filtered %+lld\n", N, N, N,
		      d.sent, d.filtered);
	assert_true(d.filtered >= 3 * N);
	assert_true(d.sent + d.dropped < N);
}

static bool is_dup_alert(json_object *a, const void *arg)
{
	(void)arg;
	return json_object_object_get_ex(a, "rule", NULL) &&
	       strcmp(jstr(a, "rule"), "Prefilter test dup") == 0;
}

/*
 * An fd whose open was dropped, replaced by dup2 with a watched file: its
 * close is that of a file user space knows and must be sent. Were it
 * dropped, the table would keep the watched name for the fd number, and a
 * dup of the unwatched file opened next under that number would alert.
 */
static void test_dup2_over_a_dropped_fd(void **state)
{
	const char *const args[] = {"-r", rules, "-o", "metrics.enabled=false", NULL};
	char file[160];
	struct vigil_proc v;
	int w, n, n2, m, alerts = 0;

	(void)state;
	snprintf(file, sizeof(file), "%s/unwatched", dir);
	assert_int_equal(vigil_start_cmd(&v, "run", args), 0);
	w = open(watched, O_RDONLY);
	n = open(file, O_RDONLY);
	assert_true(w >= 0 && n > w);
	assert_int_equal(dup2(w, n), n);
	assert_int_equal(close(n), 0);
	n2 = open(file, O_RDONLY);
	assert_int_equal(n2, n);
	m = dup(n2);
	assert_true(m >= 0);
	close(m);
	close(n2);
	close(w);
	/* a later event as a marker: everything before it has been judged */
	assert_int_equal(open(missing, O_RDONLY), -1);
	expect_alert(&v, missing, "the failed open");
	for (size_t i = 0; i < json_object_array_length(v.events); i++)
		alerts += is_dup_alert(json_object_array_get_idx(v.events, i), NULL);
	assert_int_equal(WEXITSTATUS(vigil_stop(&v)), 0);
	vigil_free(&v);
	/* the dup2 of the watched file, and nothing for the dup of the other */
	assert_int_equal(alerts, 1);
}

/* A rule that can match any close: every close is sent, the opens still dropped. */
static void test_close_rule_keeps_closes(void **state)
{
	static char log[65536];
	struct counts d;

	(void)state;
	run_case(&(struct vcase){.prefilter = true,
				 .closing = true,
				 .rules = rules,
				 .more_rules = close_rules},
		 &d, log, sizeof(log));
	print_message("closing, a close rule: %d+%d opens, %d closes, sent %+lld, filtered "
		      "%+lld\n",
		      N, N, N, d.sent, d.filtered);
	assert_true(d.filtered >= 2 * N);
	assert_true(d.filtered < 3 * N);
	assert_true(d.sent >= N);
}

static int make_file(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY, 0644);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/*
 * Whether this kernel has the bpf_rdonly_cast kfunc, from its BTF, not
 * from vigil: the open path must then use it (>= 6.2; not the 6.1 guest).
 */
static bool kernel_has_rdonly_cast(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool yes;

	if (libbpf_get_error(btf))
		return false;
	yes = btf__find_by_name_kind(btf, "bpf_rdonly_cast", BTF_KIND_FUNC) > 0;
	btf__free(btf);
	return yes;
}

/* The name of BPF program id (bpf(2), no bpftool: the 6.1 guest has none). */
static bool prog_name_of(unsigned int id, char *name, size_t len)
{
	union bpf_attr attr = {.prog_id = id};
	struct bpf_prog_info info = {0};
	int fd = (int)syscall(SYS_bpf, BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
	bool ok;

	if (fd < 0)
		return false;
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (unsigned long)&info;
	ok = syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) == 0;
	close(fd);
	snprintf(name, len, "%s", ok ? info.name : "");
	return ok;
}

/* Whether some BPF program loaded on the machine is named name. */
static bool any_prog_named(const char *name)
{
	union bpf_attr attr = {0};
	char got[BPF_OBJ_NAME_LEN];

	while (syscall(SYS_bpf, BPF_PROG_GET_NEXT_ID, &attr, sizeof(attr)) == 0) {
		if (prog_name_of(attr.next_id, got, sizeof(got)) && strcmp(got, name) == 0)
			return true;
		attr.start_id = attr.next_id;
	}
	return false;
}

/*
 * Whether process pid holds a BPF program named name (the prog_id of its
 * fds). Where vigil's self-protection (LSM tier) keeps its fds from being
 * read, any program on the machine: the VM guest runs nothing else.
 */
static bool holds_prog(pid_t pid, const char *name)
{
	char path[64], line[128], got[BPF_OBJ_NAME_LEN];
	unsigned int id;
	bool found = false;

	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", (int)pid);
	if (!(d = opendir(path)))
		return any_prog_named(name);
	closedir(d);
	for (int fd = 0; fd < 4096 && !found; fd++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
		if (!(f = fopen(path, "r")))
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "prog_id: %u", &id) == 1 &&
			    prog_name_of(id, got, sizeof(got)) && strcmp(got, name) == 0)
				found = true;
		fclose(f);
	}
	return found;
}

/*
 * The open path's walk comes in two builds: direct loads through
 * bpf_rdonly_cast where the kernel allows it (tp_file_cast), else a helper
 * read per pointer (tp_file; VIGIL_NO_RDONLY_CAST=1 forces it, the ctest
 * live_prefilter_nocast runs this file so). Either names a file across a
 * mount (/dev/shm, a tmpfs below /dev) exactly, and decides as the other.
 */
static void test_walk_variant_names_paths_across_mounts(void **state)
{
	const char *const args[] = {"-r", rules, "-o", "metrics.enabled=false", NULL};
	const char *no_cast = getenv("VIGIL_NO_RDONLY_CAST");
	bool cast = kernel_has_rdonly_cast() && !(no_cast && !strcmp(no_cast, "1"));
	char shm_named[192], shm_other[192];
	struct vigil_proc v;

	(void)state;
	snprintf(shm_dir, sizeof(shm_dir), "/dev/shm/vigil-pf-walk-%d", getpid());
	snprintf(shm_named, sizeof(shm_named), "%s/vigil-pf-n%d", shm_dir, getpid());
	snprintf(shm_other, sizeof(shm_other), "%s/other", shm_dir);
	assert_int_equal(mkdir(shm_dir, 0755), 0);
	assert_int_equal(make_file(shm_named), 0);
	assert_int_equal(make_file(shm_other), 0);
	assert_int_equal(vigil_start_cmd(&v, "run", args), 0);
	print_message("walk variant: %s\n", cast ? "tp_file_cast" : "tp_file");
	assert_true(holds_prog(v.pid, cast ? "tp_file_cast" : "tp_file"));
	assert_false(holds_prog(v.pid, cast ? "tp_file" : "tp_file_cast"));
	open_close(shm_other);
	open_close(shm_named);
	expect_alert(&v, shm_named, "the open across a mount");
	/* and the names of the root mount as before */
	expect_watched_alerts(&v);
	assert_int_equal(WEXITSTATUS(vigil_stop(&v)), 0);
	vigil_free(&v);
}

static int setup(void **state)
{
	char file[160];
	int fd;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vigil-live-prefilter-%d", getpid());
	snprintf(watched, sizeof(watched), "/etc/vigil-pf-%d", getpid());
	snprintf(missing, sizeof(missing), "/etc/vigil-pf-missing-%d", getpid());
	if (mkdir(dir, 0755) != 0)
		return -1;
	snprintf(file, sizeof(file), "%s/unwatched", dir);
	fd = open(file, O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	fd = open(watched, O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(named, sizeof(named), "%s/vigil-pf-n%d", dir, getpid());
	snprintf(suffixed, sizeof(suffixed), "%s/missing.vigil-pf-s%d", dir, getpid());
	snprintf(traversed, sizeof(traversed), "%s/vigil-pf-t", dir);
	snprintf(written, sizeof(written), "%s/vigil-pf-w", dir);
	snprintf(written2, sizeof(written2), "%s/vigil-pf-w2", dir);
	snprintf(file, sizeof(file), "%s/sub", dir);
	if (make_file(named) || make_file(traversed) || mkdir(file, 0755) != 0)
		return -1;
	write_rules();
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	unlink(watched);
	if (shm_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", shm_dir);
		if (system(cmd) != 0)
			return -1;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefilter_drops_unwatched_opens),
		cmocka_unit_test(test_without_prefilter_opens_are_sent),
		cmocka_unit_test(test_closes_of_dropped_opens_are_dropped),
		cmocka_unit_test(test_close_rule_keeps_closes),
		cmocka_unit_test(test_dup2_over_a_dropped_fd),
		cmocka_unit_test(test_falco_stable_rules_get_the_prefilter),
		cmocka_unit_test(test_reads_of_written_paths_are_dropped),
		cmocka_unit_test(test_walk_variant_names_paths_across_mounts),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "live prefilter test: needs root, skipped\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
