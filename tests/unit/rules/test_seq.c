// SPDX-License-Identifier: Apache-2.0
/*
 * Sequence and threshold rules (engine/rules/seq*.c): every load error with
 * its line:column, and the state machine over hand-built events: windows on
 * event time, keys (process, lineage, fields), captures compared with val(),
 * negative steps, until_exit, pid reuse, eviction at the byte bound, expiry,
 * count and distinct thresholds, and the alert's view of the match.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/container.h"
#include "helpers.h"
#include "rules/format.h"
#include "rules/seq.h"
#include "util/util.h"
#include "vigil/enforce.h"

#define SEC 1000000000ull

/* ---- load errors ---- */

struct want_err {
	const char *code;
	int line, col;
	const char *text; /* in the message */
};

static void expect_error(const char *yaml, struct want_err w)
{
	struct vg_ruleset *rs = th_load(yaml);
	const struct vg_diag *d = th_find_diag(rs, w.code);

	if (!d || d->line != w.line || d->col != w.col || !strstr(d->msg, w.text)) {
		th_dump(rs);
		fail_msg("want %s at %d:%d with '%s'", w.code, w.line, w.col, w.text);
	}
	vg_ruleset_free(rs);
}

#define HEAD "- rule: s\n  desc: d\n  priority: WARNING\n  output: o\n"

static void test_err_window(void **state)
{
	(void)state;
	expect_error(HEAD
		     "  sequence:\n    steps:\n      - {name: a, condition: evt.type = execve}\n"
		     "      - {name: b, condition: evt.type = execve}\n",
		     (struct want_err){"E-WINDOW", 6, 5, "'within' is missing"});
	expect_error(HEAD "  condition: evt.type = execve\n  threshold: {within: 0s, count: 3}\n",
		     (struct want_err){"E-WINDOW", 6, 23, "is zero"});
	expect_error(HEAD "  condition: evt.type = execve\n  threshold: {within: 25h, count: 3}\n",
		     (struct want_err){"E-WINDOW", 6, 23, "longer than 24h"});
	expect_error(HEAD "  condition: evt.type = execve\n  threshold: {within: 5, count: 3}\n",
		     (struct want_err){"E-WINDOW", 6, 23, "with a unit"});
}

static void test_err_count(void **state)
{
	(void)state;
	expect_error(HEAD "  condition: evt.type = execve\n  threshold: {within: 5s, count: 0}\n",
		     (struct want_err){"E-THRESHOLD", 6, 34, "1 or more"});
	expect_error(HEAD "  condition: evt.type = execve\n  threshold: {within: 5s}\n",
		     (struct want_err){"E-THRESHOLD", 6, 14, "'count' is missing"});
}

#define SEQ2(extra, c1, c2)                                                                        \
	HEAD "  sequence:\n    within: 5s\n" extra                                                 \
	     "    steps:\n      - name: a\n        condition: " c1                                 \
	     "\n      - name: b\n        condition: " c2 "\n"

static void test_err_steps(void **state)
{
	(void)state;
	/* a step named like a field class */
	expect_error(HEAD "  sequence:\n    within: 5s\n    steps:\n      - name: fd\n"
			  "        condition: evt.type = execve\n      - name: b\n"
			  "        condition: evt.type = execve\n",
		     (struct want_err){"E-SEQ-STEP", 8, 15, "is a field class"});
	/* unknown step in a condition */
	expect_error(SEQ2("", "evt.type = execve", "proc.name = val(zz.proc.name)"),
		     (struct want_err){"E-SEQ-STEP", 11, 32, "no step is named 'zz'"});
	/* a capture of a step that has not happened yet */
	expect_error(SEQ2("", "proc.name = val(b.proc.name)", "evt.type = execve"),
		     (struct want_err){"E-SEQ-CAPTURE", 9, 32, "comes after"});
	/* a field the step does not capture */
	expect_error(SEQ2("", "evt.type = execve", "proc.name = val(a.proc.name)"),
		     (struct want_err){"E-SEQ-CAPTURE", 11, 32, "does not capture"});
	/* by_step naming no step */
	expect_error(
		SEQ2("    by_step: {c: proc.name}\n", "evt.type = execve", "evt.type = execve"),
		(struct want_err){"E-SEQ-STEP", 7, 15, "unknown step 'c'"});
	/* a key field that does not exist */
	expect_error(SEQ2("    by: fd.nope\n", "evt.type = execve", "evt.type = execve"),
		     (struct want_err){"E-UNKNOWN-FIELD", 7, 9, "fd.nope"});
	/* a key field no event of the step can have */
	expect_error(
		SEQ2("    by: fd.name\n", "evt.type = execve", "evt.type = execve"),
		(struct want_err){"E-SEQ-KEY", 7, 9, "cannot exist for the step's event types"});
	expect_error(HEAD "  condition: evt.type = execve\n"
			  "  threshold: {within: 5s, distinct: fd.rport, count: 3}\n",
		     (struct want_err){"E-THRESHOLD", 6, 37, "cannot exist"});
	/* condition and sequence together */
	expect_error(HEAD "  condition: evt.type = execve\n"
			  "  sequence:\n    within: 5s\n"
			  "    steps:\n      - {name: a, condition: evt.type = execve}\n"
			  "      - {name: b, condition: evt.type = execve}\n",
		     (struct want_err){"E-SEQ", 5, 14, "not both"});
	/* deny: the kernel decides before the syscall, when the sequence is not complete */
	expect_error(SEQ2("", "evt.type = execve", "evt.type = execve") "  action: deny\n",
		     (struct want_err){"E-ACTION", 1, 3, "not supported on sequence"});
	/* a negative step cannot start or end a sequence */
	expect_error(HEAD "  sequence:\n    within: 5s\n    steps:\n"
			  "      - {name: a, condition: evt.type = execve}\n"
			  "      - not: {condition: evt.type = execve}\n",
		     (struct want_err){"E-SEQ", 8, 7, "two positive steps"});
}

/* ---- the state machine ---- */

struct hits {
	int n;
	char out[512];
	struct vg_seq_report rep;
	bool has_rep;
	char cap0[VG_SEQ_CAP_BYTES]; /* the first step's first capture: the entry goes after the
					alert */
	struct vg_ruleset *rs;
};

static bool on_alert(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	struct hits *h = arg;

	h->n++;
	vg_rule_render_output(h->rs, r, ctx, h->out, sizeof(h->out));
	h->has_rep = vg_seq_report_get(h->rs, r, &h->rep);
	h->cap0[0] = '\0';
	if (h->has_rep && h->rep.nsteps && h->rep.steps[0].ncaps && h->rep.steps[0].caps[0].v.s)
		snprintf(h->cap0, sizeof(h->cap0), "%s", h->rep.steps[0].caps[0].v.s);
	return true;
}

struct tw {
	struct th_world w;
	struct vg_ruleset *rs;
	struct hits h;
};

static void tw_load(struct tw *t, const char *yaml, uint64_t max_bytes)
{
	struct vg_ruleset_opts o = {.seq_state_max_bytes = max_bytes};

	th_world_init(&t->w, VG_EV_EXEC);
	t->rs = vg_ruleset_new(&o);
	assert_non_null(t->rs);
	vg_ruleset_load_string(t->rs, "t.yaml", yaml, strlen(yaml));
	vg_ruleset_compile(t->rs);
	if (vg_ruleset_error_count(t->rs)) {
		th_dump(t->rs);
		fail_msg("rules did not compile");
	}
	memset(&t->h, 0, sizeof(t->h));
	t->h.rs = t->rs;
}

/* An exec by process idx (0 init .. 3 cat) named comm, at t seconds. Returns alerts raised. */
static int ev(struct tw *t, int idx, const char *comm, double at)
{
	struct vg_proc *p = &t->w.procs[idx];
	int before = t->h.n;

	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	t->w.ctx.proc = p;
	t->w.hdr.pid = t->w.hdr.tid = p->pid;
	t->w.hdr.ppid = p->ppid;
	t->w.hdr.ts_ns = (uint64_t)(at * (double)SEC) + 1000 * SEC;
	t->w.ev.type = VG_EV_EXEC;
	t->w.hdr.type = VG_EV_EXEC;
	vg_ruleset_eval(t->rs, &t->w.ctx, on_alert, &t->h);
	return t->h.n - before;
}

#define RULE_SEQ(by, extra, c1, caps, c2)                                                          \
	"- rule: S\n  desc: d\n  priority: WARNING\n  output: 'seq %proc.name'\n"                  \
	"  sequence:\n    within: 5s\n    by: " by "\n" extra "    steps:\n      - name: a\n"      \
	"        condition: evt.type = execve and proc.name = " c1 "\n" caps                       \
	"      - name: b\n        condition: evt.type = execve and " c2 "\n"

static void test_window_and_order(void **state)
{
	struct tw t;

	(void)state;
	tw_load(&t, RULE_SEQ("proc.pid", "", "first", "", "proc.name = second"), 0);
	assert_int_equal(ev(&t, 3, "second", 0), 0); /* b before a: nothing */
	assert_int_equal(ev(&t, 3, "first", 1), 0);
	assert_int_equal(ev(&t, 3, "second", 2), 1);
	assert_string_equal(t.h.out, "seq second");
	assert_true(t.h.has_rep);
	assert_int_equal(t.h.rep.nsteps, 2);
	assert_string_equal(t.h.rep.steps[0].name, "a");
	assert_string_equal(t.h.rep.steps[1].evt_type, "execve");
	assert_int_equal(ev(&t, 3, "second", 3), 0); /* completed matches end */
	/* past the window (event time): nothing */
	assert_int_equal(ev(&t, 3, "first", 10), 0);
	assert_int_equal(ev(&t, 3, "second", 15.5), 0);
	vg_ruleset_free(t.rs);
}

static void test_same_condition_twice(void **state)
{
	struct tw t;

	(void)state;
	/* "A then A": the second A completes the first's match, and starts the next */
	tw_load(&t, RULE_SEQ("proc.pid", "", "again", "", "proc.name = again"), 0);
	assert_int_equal(ev(&t, 3, "again", 0), 0);
	assert_int_equal(ev(&t, 3, "again", 1), 1);
	assert_int_equal(ev(&t, 3, "again", 2), 1);
	vg_ruleset_free(t.rs);
}

static void test_first_match_does_not_hide_steps(void **state)
{
	struct tw t;

	(void)state;
	/* rule_matching first: a plain rule before the sequence alerts on its first step's
	   event, and the sequence still sees that event */
	tw_load(&t,
		"- rule: P\n  desc: d\n  priority: WARNING\n  output: plain\n"
		"  condition: evt.type = execve and proc.name = first\n" RULE_SEQ(
			"proc.pid", "", "first", "", "proc.name = second"),
		0);
	assert_int_equal(ev(&t, 3, "first", 0), 1);
	assert_string_equal(t.h.out, "plain");
	assert_int_equal(ev(&t, 3, "second", 1), 1);
	assert_string_equal(t.h.out, "seq second");
	vg_ruleset_free(t.rs);
}

static void test_keys(void **state)
{
	struct tw t;

	(void)state;
	/* proc.pid: another process cannot complete it */
	tw_load(&t, RULE_SEQ("proc.pid", "", "first", "", "proc.name = second"), 0);
	ev(&t, 2, "first", 0);
	assert_int_equal(ev(&t, 3, "second", 1), 0);
	assert_int_equal(ev(&t, 2, "second", 1), 1);
	/* pid reuse: the same pid with another start time is another process */
	ev(&t, 3, "first", 2);
	t.w.procs[3].start_ns += 7;
	assert_int_equal(ev(&t, 3, "second", 3), 0);
	vg_ruleset_free(t.rs);

	/* proc.lineage: a descendant completes what an ancestor started */
	tw_load(&t, RULE_SEQ("proc.lineage", "", "first", "", "proc.name = second"), 0);
	ev(&t, 1, "first", 0);			     /* sshd (100) */
	assert_int_equal(ev(&t, 3, "second", 1), 1); /* cat (300), grandchild of sshd */
	ev(&t, 3, "first", 2);
	assert_int_equal(ev(&t, 2, "second", 3), 0); /* bash is cat's parent, not its child */
	vg_ruleset_free(t.rs);

	/* a field key: user.uid */
	tw_load(&t, RULE_SEQ("user.uid", "", "first", "", "proc.name = second"), 0);
	t.w.procs[2].uid = 1000;
	ev(&t, 3, "first", 0);
	assert_int_equal(ev(&t, 2, "second", 1), 0);
	t.w.procs[2].uid = 0;
	assert_int_equal(ev(&t, 2, "second", 1.5), 1);
	vg_ruleset_free(t.rs);
}

static void test_captures(void **state)
{
	struct tw t;

	(void)state;
	tw_load(&t,
		"- rule: S\n  desc: d\n  priority: WARNING\n"
		"  output: 'ran %a.proc.cwd then %b.proc.name'\n"
		"  sequence:\n    within: 5s\n    steps:\n      - name: a\n"
		"        condition: evt.type = execve and proc.name = dl\n"
		"        capture: [proc.cwd]\n"
		"      - name: b\n"
		"        condition: evt.type = execve and proc.name = run and proc.cwd = "
		"val(a.proc.cwd)\n",
		0);
	t.w.procs[3].cwd = (char *)"/tmp/x";
	ev(&t, 3, "dl", 0);
	t.w.procs[3].cwd = (char *)"/tmp/other";
	assert_int_equal(ev(&t, 3, "run", 1), 0);
	t.w.procs[3].cwd = (char *)"/tmp/x";
	assert_int_equal(ev(&t, 3, "run", 2), 1);
	assert_string_equal(t.h.out, "ran /tmp/x/ then run"); /* proc.cwd ends in /, as Falco's */
	assert_int_equal(t.h.rep.steps[0].ncaps, 1);
	assert_string_equal(t.h.rep.steps[0].caps[0].field, "proc.cwd");
	assert_string_equal(t.h.cap0, "/tmp/x/");
	vg_ruleset_free(t.rs);
}

static void test_capture_bounded(void **state)
{
	struct tw t;
	static char big[4096];

	(void)state;
	memset(big, 'A', sizeof(big) - 1);
	big[0] = '/';
	tw_load(&t,
		"- rule: S\n  desc: d\n  priority: WARNING\n  output: '%a.proc.cwd'\n"
		"  sequence:\n    within: 5s\n    steps:\n      - name: a\n"
		"        condition: proc.name = dl\n        capture: [proc.cwd]\n"
		"      - name: b\n        condition: proc.name = run\n",
		0);
	t.w.procs[3].cwd = big;
	ev(&t, 3, "dl", 0);
	assert_int_equal(ev(&t, 3, "run", 1), 1);
	assert_int_equal(strlen(t.h.out), VG_SEQ_CAP_BYTES - 1);
	vg_ruleset_free(t.rs);
}

static void test_negative_step(void **state)
{
	struct tw t;

	(void)state;
	tw_load(&t,
		"- rule: S\n  desc: d\n  priority: WARNING\n  output: o\n"
		"  sequence:\n    within: 5s\n    by: proc.pid\n    steps:\n"
		"      - {name: a, condition: proc.name = first}\n"
		"      - not: {condition: proc.name = cancel}\n"
		"      - {name: b, condition: proc.name = second}\n",
		0);
	ev(&t, 3, "first", 0);
	ev(&t, 3, "cancel", 1);
	assert_int_equal(ev(&t, 3, "second", 2), 0);
	ev(&t, 3, "first", 3);
	ev(&t, 2, "cancel", 3.5); /* another key: does not cancel this one */
	assert_int_equal(ev(&t, 3, "second", 4), 1);
	vg_ruleset_free(t.rs);
}

static void test_until_exit(void **state)
{
	struct tw t;

	(void)state;
	tw_load(&t,
		RULE_SEQ("user.uid", "    until_exit: true\n", "first", "", "proc.name = second"),
		0);
	ev(&t, 3, "first", 0);
	t.w.procs[3].exited = true; /* the process of step a is gone */
	assert_int_equal(ev(&t, 2, "second", 1), 0);
	t.w.procs[3].exited = false;
	ev(&t, 3, "first", 2);
	assert_int_equal(ev(&t, 2, "second", 3), 1);
	vg_ruleset_free(t.rs);

	/* proc.pid keys end with the process's exit event */
	tw_load(&t, RULE_SEQ("proc.pid", "", "first", "", "proc.name = second"), 0);
	ev(&t, 3, "first", 0);
	t.w.ev.type = VG_EV_EXIT;
	t.w.hdr.type = VG_EV_EXIT;
	vg_ruleset_eval(t.rs, &t.w.ctx, on_alert, &t.h);
	{
		struct vg_seq_stats st;

		assert_true(vg_seq_stats(t.rs, 0, &st));
		assert_int_equal(st.entries, 0);
		assert_int_equal(st.exits, 1); /* counted: vigil_sequence_exits_total */
	}
	vg_ruleset_free(t.rs);
}

static void test_container_gone(void **state)
{
	struct vg_container c1 = {.id = "aaaaaaaaaaaa"}, c2 = {.id = "bbbbbbbbbbbb"};
	struct vg_seq_stats st;
	struct tw t;

	(void)state;
	tw_load(&t, RULE_SEQ("container.id", "", "first", "", "proc.name = second"), 0);
	t.w.ctx.container = &c1;
	ev(&t, 3, "first", 0);
	t.w.ctx.container = &c2;
	ev(&t, 3, "first", 0.5);
	/* another container goes: c1's partial match stays */
	vg_seq_on_container_gone(t.rs, "cccccccccccc");
	assert_true(vg_seq_stats(t.rs, 0, &st));
	assert_int_equal(st.entries, 2);
	/* c1 goes: its partial match goes at once, counted; c2's stays */
	vg_seq_on_container_gone(t.rs, c1.id);
	assert_true(vg_seq_stats(t.rs, 0, &st));
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.containers_gone, 1);
	t.w.ctx.container = &c1;
	assert_int_equal(ev(&t, 3, "second", 1), 0);
	t.w.ctx.container = &c2;
	assert_int_equal(ev(&t, 3, "second", 1.5), 1);
	t.w.ctx.container = NULL;
	vg_ruleset_free(t.rs);

	/* a key without container.*: a container's going is no concern of it */
	tw_load(&t, RULE_SEQ("user.uid", "", "first", "", "proc.name = second"), 0);
	t.w.ctx.container = &c1;
	ev(&t, 3, "first", 0);
	vg_seq_on_container_gone(t.rs, c1.id);
	assert_int_equal(ev(&t, 3, "second", 1), 1);
	t.w.ctx.container = NULL;
	vg_ruleset_free(t.rs);
}

static struct vg_ruleset *rs_load(const char *yaml)
{
	struct vg_ruleset_opts o = {0};
	struct vg_ruleset *rs = vg_ruleset_new(&o);

	assert_non_null(rs);
	vg_ruleset_load_string(rs, "t.yaml", yaml, strlen(yaml));
	vg_ruleset_compile(rs);
	if (vg_ruleset_error_count(rs)) {
		th_dump(rs);
		fail_msg("rules did not compile");
	}
	return rs;
}

/* The swap a live reload does: next takes what carries over, prev goes. */
static void tw_reload(struct tw *t, const char *yaml)
{
	struct vg_ruleset *next = rs_load(yaml);

	vg_seq_state_carry(next, t->rs);
	vg_ruleset_free(t->rs);
	t->rs = t->h.rs = next;
}

#define PLAIN(name)                                                                                \
	"- rule: P\n  desc: d\n  priority: INFO\n  output: o\n"                                    \
	"  condition: evt.type = execve and proc.name = " name "\n"

static void test_reload_carries_state(void **state)
{
	struct tw t;

	(void)state;
	/* an unrelated rule changes: the partial match survives the reload */
	/* (a 16-key table into a 64 MiB one: entries are copied, not swapped) */
	tw_load(&t, RULE_SEQ("proc.pid", "", "first", "", "proc.name = second") PLAIN("zz1"), 1);
	ev(&t, 3, "first", 0);
	tw_reload(&t, RULE_SEQ("proc.pid", "", "first", "", "proc.name = second") PLAIN("zz2"));
	assert_int_equal(vg_seq_reload_carried(t.rs), 1);
	assert_int_equal(vg_seq_reload_dropped(t.rs), 0);
	assert_int_equal(ev(&t, 3, "second", 1), 1);
	/* a threshold's count too */
	vg_ruleset_free(t.rs);
	tw_load(&t,
		"- rule: T\n  desc: d\n  priority: WARNING\n  output: 'n=%threshold.count'\n"
		"  condition: evt.type = execve and proc.name startswith x\n"
		"  threshold: {by: proc.pid, within: 5s, count: 2}\n" PLAIN("zz1"),
		0);
	ev(&t, 3, "x1", 0);
	tw_reload(&t, "- rule: T\n  desc: d\n  priority: WARNING\n  output: 'n=%threshold.count'\n"
		      "  condition: evt.type = execve and proc.name startswith x\n"
		      "  threshold: {by: proc.pid, within: 5s, count: 2}\n" PLAIN("zz2"));
	assert_int_equal(ev(&t, 3, "x2", 1), 1);
	vg_ruleset_free(t.rs);
	/* the sequence itself changes: its partial matches are dropped, counted */
	tw_load(&t, RULE_SEQ("proc.pid", "", "first", "", "proc.name = second") PLAIN("zz1"), 0);
	ev(&t, 3, "first", 0);
	tw_reload(&t, RULE_SEQ("proc.pid", "", "first", "", "proc.name in (second, third)")
			      PLAIN("zz1"));
	assert_int_equal(vg_seq_reload_dropped(t.rs), 1);
	assert_int_equal(ev(&t, 3, "second", 1), 0);
	/* removed: dropped, counted on the new set */
	ev(&t, 3, "first", 2);
	tw_reload(&t, PLAIN("zz1"));
	assert_int_equal(vg_seq_reload_dropped(t.rs), 1);
	vg_ruleset_free(t.rs);
}

/* /proc/<pid>/stat's start of pid (CLOCK_BOOTTIME ns), as the process table has it. */
static uint64_t start_of(pid_t pid)
{
	char path[64], buf[1024], *end;
	unsigned long long ticks = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_non_null(end = strrchr(buf, ')'));
	assert_int_equal(sscanf(end + 1,
				" %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
				"%*d %*d %*d %*d %llu",
				&ticks),
			 1);
	return ticks * (1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK));
}

/* A child that sleeps; its status once it is reaped (SIGKILL: killed by the rule). */
static pid_t sleeper(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

static bool killed(pid_t pid)
{
	int st = 0;

	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return false;
}

static void test_action_kill(void **state)
{
	struct tw t;
	pid_t child;

	(void)state;
	/* replay and tests set no enforcement mode: the rule alerts, acts on nothing */
	tw_load(&t, RULE_SEQ("proc.pid", "", "first", "", "proc.name = second") "  action: kill\n",
		0);
	child = sleeper();
	t.w.procs[3].pid = (uint32_t)child;
	t.w.procs[3].start_ns = start_of(child);
	ev(&t, 3, "first", 0);
	assert_int_equal(ev(&t, 3, "second", 1), 1);
	assert_false(t.h.rep.enforced);
	/* audit: says what it would do */
	vg_seq_set_enforce_mode(t.rs, VG_ENF_MODE_AUDIT);
	ev(&t, 3, "first", 2);
	assert_int_equal(ev(&t, 3, "second", 3), 1);
	assert_true(t.h.rep.enforced);
	assert_int_equal(t.h.rep.result, VG_ENF_RES_AUDIT);
	assert_int_equal(kill(child, 0), 0);
	/* on, but the pid now names a process started at another time: no signal */
	vg_seq_set_enforce_mode(t.rs, VG_ENF_MODE_ON);
	t.w.procs[3].start_ns = start_of(child) + 5000000000ull;
	ev(&t, 3, "first", 4);
	assert_int_equal(ev(&t, 3, "second", 5), 1);
	assert_int_equal(t.h.rep.result, VG_ENF_RES_FAILED);
	assert_int_equal(kill(child, 0), 0);
	/* on, the same process: SIGKILL to it */
	t.w.procs[3].start_ns = start_of(child);
	ev(&t, 3, "first", 6);
	assert_int_equal(ev(&t, 3, "second", 7), 1);
	assert_true(t.h.rep.enforced);
	assert_int_equal(t.h.rep.result, VG_ENF_RES_KILLED);
	assert_int_equal(t.h.rep.target_pid, (uint32_t)child);
	assert_true(killed(child));
	vg_ruleset_free(t.rs);
}

static void test_eviction_and_expiry(void **state)
{
	struct tw t;
	struct vg_seq_stats st;
	uint32_t first_pid = 1000;

	(void)state;
	/* the smallest budget: VG_SEQ_MIN_ENTRIES keys */
	tw_load(&t, RULE_SEQ("proc.pid", "", "first", "", "proc.name = second"), 1);
	for (uint32_t i = 0; i < 100; i++) {
		t.w.procs[3].pid = first_pid + i;
		ev(&t, 3, "first", 0.001 * i);
	}
	assert_true(vg_seq_stats(t.rs, 0, &st));
	assert_int_equal(st.capacity, VG_SEQ_MIN_ENTRIES);
	assert_int_equal(st.entries, VG_SEQ_MIN_ENTRIES);
	assert_int_equal(st.evictions, 100 - VG_SEQ_MIN_ENTRIES);
	/* the oldest were evicted, the newest remain */
	t.w.procs[3].pid = first_pid;
	assert_int_equal(ev(&t, 3, "second", 1), 0);
	t.w.procs[3].pid = first_pid + 99;
	assert_int_equal(ev(&t, 3, "second", 1), 1);
	/* past the window, entries are freed as events pass */
	for (int i = 0; i < 32; i++)
		ev(&t, 3, "other", 20 + i);
	assert_true(vg_seq_stats(t.rs, 0, &st));
	assert_true(st.expired >= 8);
	assert_true(st.entries < VG_SEQ_MIN_ENTRIES - 1);
	vg_ruleset_free(t.rs);
}

/* Resident KiB of this process, from /proc/self/statm. */
static long rss_kib(void)
{
	long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld %ld", &size, &res), 2);
	fclose(f);
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static void test_state_resident_as_used(void **state)
{
	const uint64_t budget = 64ull << 20;
	struct vg_seq_stats st;
	long before = rss_kib(), grew;
	struct tw t;

	(void)state;
	tw_load(&t, RULE_SEQ("proc.pid", "", "first", "", "proc.name = second"), budget);
	grew = rss_kib() - before;
	assert_true(vg_seq_stats(t.rs, 0, &st));
	/* the bound is the budget's, as before */
	assert_true(st.capacity * st.entry_bytes > budget - st.entry_bytes);
	assert_true(st.capacity * st.entry_bytes <= budget);
	/* but nothing is touched before the first key: the load costs far less than it */
	assert_int_equal(st.bytes, 0);
	if (grew > 8 * 1024)
		fail_msg("loading a rule with a 64 MiB state budget made %ld KiB resident", grew);
	for (uint32_t i = 0; i < 100; i++) {
		t.w.procs[3].pid = 2000 + i;
		ev(&t, 3, "first", 0.001 * i);
	}
	assert_true(vg_seq_stats(t.rs, 0, &st));
	assert_int_equal(st.entries, 100);
	assert_int_equal(st.bytes, 100 * st.entry_bytes);
	/* completed keys free their entries, which the next keys reuse: no growth */
	for (uint32_t i = 0; i < 100; i++) {
		t.w.procs[3].pid = 2000 + i;
		assert_int_equal(ev(&t, 3, "second", 1), 1);
		t.w.procs[3].pid = 3000 + i;
		ev(&t, 3, "first", 1.5);
	}
	assert_true(vg_seq_stats(t.rs, 0, &st));
	assert_int_equal(st.entries, 100);
	assert_int_equal(st.bytes, 100 * st.entry_bytes);
	assert_true(rss_kib() - before < 8 * 1024);
	vg_ruleset_free(t.rs);
}

#define RULE_THR(thr)                                                                              \
	"- rule: T\n  desc: d\n  priority: WARNING\n"                                              \
	"  output: 'n=%threshold.count v=%threshold.values'\n"                                     \
	"  condition: evt.type = execve and proc.name startswith x\n  threshold: " thr "\n"

static void test_threshold_count(void **state)
{
	struct tw t;

	(void)state;
	tw_load(&t, RULE_THR("{by: proc.pid, within: 2s, count: 3}"), 0);
	assert_int_equal(ev(&t, 3, "x1", 0), 0);
	assert_int_equal(ev(&t, 3, "x1", 1.5), 0);
	assert_int_equal(ev(&t, 3, "x1", 3.0), 0); /* the first is out of the window */
	assert_int_equal(ev(&t, 3, "x1", 3.5), 1);
	assert_string_equal(t.h.out, "n=3 v=<NA>");
	assert_int_equal(t.h.rep.count, 3);
	assert_int_equal(t.h.rep.window_ms, 2000);
	assert_string_equal(t.h.rep.by, "proc.pid");
	assert_int_equal(ev(&t, 2, "x1", 3.6), 0); /* another key counts apart */
	/* events a little out of order (several CPUs) still count */
	assert_int_equal(ev(&t, 3, "x1", 5.0), 0);
	assert_int_equal(ev(&t, 3, "x1", 4.999), 0);
	assert_int_equal(ev(&t, 3, "x1", 5.1), 1);
	assert_int_equal(ev(&t, 3, "y", 3.7), 0); /* not matching: not counted */
	vg_ruleset_free(t.rs);
}

static void test_threshold_distinct(void **state)
{
	struct tw t;

	(void)state;
	tw_load(&t, RULE_THR("{by: proc.ppid, within: 5s, distinct: proc.name, count: 3}"), 0);
	assert_int_equal(ev(&t, 3, "xa", 0), 0);
	assert_int_equal(ev(&t, 3, "xa", 0.1), 0);
	assert_int_equal(ev(&t, 3, "xb", 0.2), 0);
	assert_int_equal(ev(&t, 3, "xb", 0.3), 0);
	assert_int_equal(ev(&t, 3, "xc", 0.4), 1);
	assert_string_equal(t.h.out, "n=3 v=xa,xb,xc");
	assert_true(t.h.rep.distinct);
	assert_int_equal(t.h.rep.nvalues, 3);
	/* values older than the window do not count */
	ev(&t, 3, "xa", 10);
	ev(&t, 3, "xb", 11);
	assert_int_equal(ev(&t, 3, "xc", 16), 0);
	vg_ruleset_free(t.rs);
}

/*
 * Two 15-byte names that collide under the hash with seed 0: vg_hash mixes
 * eight bytes a step, so whoever knows the code picks a second block that
 * cancels the first block's difference. Distinct values are held by their
 * hash alone, so an unseeded table would count the pair as one value.
 */
static uint64_t block_step(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 31);
}

static bool crafted_pair(char a[16], char b[16])
{
	const uint64_t h0 = 0x9e3779b97f4a7c15ULL ^ 15;
	uint64_t wa, wb, d, ta, tb;

	srand(7);
	for (int tries = 0; tries < 1000000; tries++) {
		char x[8] = "xa", y[8] = "xb";

		for (int i = 2; i < 8; i++)
			x[i] = (char)('a' + rand() % 26), y[i] = (char)('a' + rand() % 26);
		memcpy(&wa, x, 8);
		memcpy(&wb, y, 8);
		d = block_step(h0, wa) ^ block_step(h0, wb);
		if (d >> 56)
			continue;	    /* the 7-byte tail cannot reach the top byte */
		ta = 0x0061616161616161ULL; /* "aaaaaaa" */
		tb = ta ^ d;
		bool ok = true;
		for (int i = 0; i < 7; i++)
			ok &= ((tb >> (8 * i)) & 0xff) != 0;
		if (!ok)
			continue;
		memcpy(a, x, 8), memcpy(a + 8, &ta, 7), a[15] = '\0';
		memcpy(b, y, 8), memcpy(b + 8, &tb, 7), b[15] = '\0';
		return true;
	}
	return false;
}

static void test_threshold_distinct_resists_collisions(void **state)
{
	char a[16], b[16];
	struct tw t;

	(void)state;
	assert_true(crafted_pair(a, b));
	assert_int_equal(strlen(a), 15);
	assert_int_equal(strlen(b), 15);
	assert_true(vg_hash_seeded(0, a, 15) == vg_hash_seeded(0, b, 15)); /* a real collision */
	tw_load(&t, RULE_THR("{by: proc.ppid, within: 5s, distinct: proc.name, count: 2}"), 0);
	assert_int_equal(ev(&t, 3, a, 0), 0);
	assert_int_equal(ev(&t, 3, b, 0.1), 1); /* two values, whatever their unseeded hash */
	vg_ruleset_free(t.rs);
}

static void test_disabled_and_plain(void **state)
{
	struct tw t;

	(void)state;
	tw_load(&t,
		RULE_SEQ("proc.pid", "", "first", "",
			 "proc.name = second") "- rule: P\n  desc: d\n  priority: WARNING\n  "
					       "output: plain\n"
					       "  condition: evt.type = execve and proc.name = "
					       "second\n",
		0);
	ev(&t, 3, "first", 0);
	/* rule_matching first: the plain rule matches too, the sequence still completes */
	assert_int_equal(ev(&t, 3, "second", 1), 1);
	assert_string_equal(t.h.out, "seq second");
	assert_int_equal(vg_ruleset_enable(t.rs, "S", false), 1);
	ev(&t, 3, "first", 2);
	assert_int_equal(ev(&t, 3, "second", 3), 1);
	assert_string_equal(t.h.out, "plain");
	/* selectors by name: the steps follow the rule ("S/a" is not named, S is) */
	vg_ruleset_select(t.rs, "*", false, false);
	vg_ruleset_select(t.rs, "S", false, true);
	ev(&t, 3, "first", 4);
	assert_int_equal(ev(&t, 3, "second", 5), 1);
	assert_string_equal(t.h.out, "seq second");
	vg_ruleset_free(t.rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_window),
		cmocka_unit_test(test_err_count),
		cmocka_unit_test(test_err_steps),
		cmocka_unit_test(test_window_and_order),
		cmocka_unit_test(test_same_condition_twice),
		cmocka_unit_test(test_first_match_does_not_hide_steps),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_capture_bounded),
		cmocka_unit_test(test_negative_step),
		cmocka_unit_test(test_until_exit),
		cmocka_unit_test(test_container_gone),
		cmocka_unit_test(test_reload_carries_state),
		cmocka_unit_test(test_action_kill),
		cmocka_unit_test(test_eviction_and_expiry),
		cmocka_unit_test(test_state_resident_as_used),
		cmocka_unit_test(test_threshold_count),
		cmocka_unit_test(test_threshold_distinct),
		cmocka_unit_test(test_threshold_distinct_resists_collisions),
		cmocka_unit_test(test_disabled_and_plain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
