// SPDX-License-Identifier: Apache-2.0
/*
 * Evaluation against hand-built events: every operator, transformers,
 * val(), live fields, exceptions, the event-type index and rule_matching.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "kernel/evttypes.h"

static struct th_world W;

static int setup(void **state)
{
	(void)state;
	th_world_init(&W, VG_EV_EXEC);
	return 0;
}

#define YES(c) assert_true(th_match(&W, NULL, c))
#define NO(c)  assert_false(th_match(&W, NULL, c))

static void test_equality(void **state)
{
	(void)state;
	YES("proc.name = cat");
	YES("proc.name == cat");
	NO("proc.name = ca");
	YES("proc.name != bash");
	NO("proc.name != cat");
	YES("proc.pid = 300");
	YES("proc.pid = 0x12c");
	NO("proc.pid != 300");
}

static void test_ordering(void **state)
{
	(void)state;
	YES("proc.pid > 299");
	NO("proc.pid > 300");
	YES("proc.pid >= 300");
	YES("proc.pid < 301");
	YES("proc.pid <= 300");
	NO("proc.pid < 300");
	/* int64 compares signed: loginuid of init is -1 */
	YES("user.loginuid > -5");
}

static void test_string_operators(void **state)
{
	(void)state;
	YES("proc.cmdline contains shadow");
	NO("proc.cmdline contains SHADOW");
	/* candidates start where the first byte repeats; the match may end the string */
	YES("proc.cmdline contains \"-n\" and proc.cmdline contains \"cat /etc/shadow -n\"");
	YES("proc.cmdline contains \"c\" and proc.cmdline contains \"\"");
	NO("proc.cmdline contains \"cat /etc/shadow -nn\" or proc.cmdline contains \"sha-\"");
	NO("proc.cmdline contains \"/etc/shadow -n \"");
	YES("proc.cmdline icontains SHADOW");
	YES("proc.exepath startswith /usr/");
	YES("proc.exepath endswith /cat");
	NO("proc.exepath endswith /ca");
	YES("proc.exepath bstartswith 2f757372");
	YES("proc.exepath bcontains 2F636174");
	NO("proc.exepath bcontains 00");
	YES("proc.exepath glob '/usr/*/cat'");
	YES("proc.exepath glob '/u?r/bin/[a-c]at'");
	NO("proc.exepath glob '/usr/*/CAT'");
	YES("proc.exepath iglob '/USR/*/CAT'");
	YES("proc.exepath regex '.*bin/c.t'");
	NO("proc.exepath regex 'bin/c.t'");
	NO("proc.exepath regex '^bin'");
}

static void test_list_operators(void **state)
{
	(void)state;
	YES("proc.name in (bash, cat)");
	NO("proc.name in (bash, dog)");
	NO("proc.name in ()");
	YES("proc.pid in (1, 300)");
	YES("proc.name intersects (cat)");
	YES("proc.exepath pmatch (/usr/bin)");
	YES("proc.exepath pmatch (/usr/bin/)");
	YES("proc.exepath pmatch (/usr/bin/cat)");
	NO("proc.exepath pmatch (/usr/bi)");
	YES("proc.exepath pmatch (/)");
	NO("proc.exepath pmatch (/etc, /var)");
	YES("proc.pname in (shells)" /* not a list: a plain value */ " or proc.name = cat");
}

static void test_list_modifiers(void **state)
{
	(void)state;
	YES("proc.exepath startswith anyof (/opt, /usr)");
	YES("proc.exepath startswith oneof (/opt, /usr)");
	NO("proc.exepath startswith anyof (/opt, /var)");
	YES("proc.cmdline contains allof (shadow, cat)");
	NO("proc.cmdline contains allof (shadow, dog)");
	YES("proc.exepath glob anyof ('/bin/*', '/usr/*/cat')");
	YES("proc.name = anyof (bash, cat)");
	YES("proc.name != allof (bash, dog)");
	YES("proc.pid = anyof (1, 300)");
	assert_true(th_match(&W, "- list: pfx\n  items: [/etc, /usr/bin]\n",
			     "proc.exepath startswith anyof (pfx)"));
}

static void test_lists_and_macros_evaluate(void **state)
{
	(void)state;
	assert_true(th_match(&W,
			     "- list: tools\n  items: [cat, less]\n"
			     "- macro: is_tool\n  condition: proc.name in (tools)\n",
			     "is_tool and not proc.pname in (tools)"));
}

static void test_exists(void **state)
{
	(void)state;
	YES("proc.name exists");
	YES("proc.pname exists");
	NO("fd.name exists");
	NO("container.id exists");
	/* a missing value makes every comparison false, even != */
	NO("fd.name != x");
	YES("not fd.name = x");
}

static void test_boolean_logic(void **state)
{
	(void)state;
	YES("proc.name = cat and proc.pid = 300");
	NO("proc.name = cat and proc.pid = 1");
	YES("proc.name = x or proc.pid = 300");
	YES("not proc.name = x");
	YES("not (proc.name = x or proc.pid = 1)");
	YES("(proc.name = x or (proc.pid = 300 and not proc.tty = 0))");
}

static void test_proc_fields(void **state)
{
	(void)state;
	YES("proc.exe = cat");
	YES("proc.args = \"/etc/shadow -n\"");
	YES("proc.cmdline = \"cat /etc/shadow -n\"");
	YES("proc.exeline = \"cat /etc/shadow -n\"");
	YES("proc.cwd = /root/");
	YES("proc.ppid = 200 and proc.vpid = 300");
	YES("proc.tty = 34816");
	YES("proc.pname = bash and proc.pexe = -bash and proc.pexepath = /usr/bin/bash");
	YES("proc.pcmdline = bash");
	YES("proc.aname[0] = cat and proc.aname[1] = bash and proc.aname[2] = sshd");
	YES("proc.aname[3] = systemd");
	NO("proc.aname[4] exists");
	YES("proc.aname = sshd");
	YES("proc.aname in (systemd)");
	NO("proc.aname = cat");
	YES("proc.aexepath[2] = /usr/sbin/sshd and proc.aexe[2] = \"sshd: root@pts/0\"");
	YES("proc.apid[2] = 100");
	YES("proc.acmdline[1] = bash");
	YES("proc.cmdnargs = 2 and proc.cmdlenargs = 13");
	YES("proc.duration = 200000000000");
	YES("proc.ppid.duration = 300000000000");
	YES("proc.exe_ino = 4242");
	YES("thread.tid = 300 and thread.ismain = true");
	NO("proc.sid exists");
	YES("proc.is_exe_from_memfd = false");
	W.procs[3].exe = (char *)"/memfd:payload (deleted)";
	YES("proc.is_exe_from_memfd = true");
}

static void test_user_fields(void **state)
{
	(void)state;
	YES("user.uid = 0 and user.name = root and user.homedir = /root");
	YES("user.shell = /bin/bash");
	YES("user.loginuid = 1000 and user.loginname = alice");
	YES("group.gid = 0 and group.name = root");
}

static void test_evt_fields(void **state)
{
	(void)state;
	YES("evt.type = execve and evt.dir = \"<\"");
	YES("evt.res = SUCCESS and evt.rawres = 0 and evt.failed = false");
	YES("evt.arg.res = SUCCESS and evt.arg[0] = SUCCESS");
	YES("evt.arg.filename = /usr/bin/cat and evt.arg.cwd = /root");
	YES("evt.arg.exe = cat and evt.arg.args = \"/etc/shadow -n\"");
	YES("evt.arg.pid = 300 and evt.arg.ptid = 200 and evt.arg.loginuid = 1000");
	NO("evt.arg.nosuch exists");
	YES("evt.rawtime = 1700000000000000123 and evt.rawtime.s = 1700000000");
	YES("evt.time.iso8601 = \"2023-11-14T22:13:20.000000123Z\"");
	/* the local forms, in a zone where the date differs from UTC's */
	setenv("TZ", "IST-5:30", 1);
	tzset();
	YES("evt.time = \"03:43:20.000000123\" and evt.time.s = \"03:43:20\"");
	YES("evt.datetime = \"2023-11-15 03:43:20.000000123\"");
	YES("evt.datetime.s = \"2023-11-15 03:43:20\"");
	unsetenv("TZ");
	tzset();
	YES("evt.source = syscall and evt.category = process");
	YES("evt.is_open_read = false");
	YES("evt.hostname exists");
	YES("syscall.type = execve");
	YES("evt.args = \"res=SUCCESS exe=cat args=/etc/shadow -n tid=300 pid=300 ptid=200 "
	    "cwd=/root\"");
}

static void test_failed_event(void **state)
{
	(void)state;
	W.hdr.retval = -2;
	YES("evt.res = ENOENT and evt.rawres = -2 and evt.failed = true");
	YES("evt.res startswith E");
	W.hdr.retval = 0;
}

static void test_transformers(void **state)
{
	static const char args[] = "BASH\0-c\0ls -l";
	static const char b64args[] = "sh\0-c\0Y2F0";
	static const char b64one[] = "cat\0aGVsbG8=";

	(void)state;
	YES("toupper(proc.name) = CAT");
	YES("tolower(toupper(proc.name)) = cat");
	YES("basename(proc.exepath) = cat");
	YES("len(proc.name) = 3");
	YES("len(proc.aname) = 3");
	YES("concat(proc.name, \"-\", proc.pname) = cat-bash");
	YES("join(\",\", proc.aname) = \"bash,sshd,systemd\"");
	th_set_args(&W, b64one, sizeof(b64one));
	YES("b64(proc.args) = hello");
	th_set_args(&W, b64args, sizeof(b64args));
	/* "-c Y2F0" is not base64 as a whole */
	NO("b64(proc.args) exists");
	YES("getopt(\"-c\", proc.args) = Y2F0");
	YES("b64(getopt(\"-c\", proc.args)) = cat");
	th_set_args(&W, args, sizeof(args));
	YES("tolower(proc.exe) = bash");
	YES("proc.exe = toupper(proc.pname)");
	th_world_init(&W, VG_EV_EXEC);
}

static void test_val(void **state)
{
	(void)state;
	YES("proc.pid > val(proc.ppid)");
	NO("proc.name = val(proc.pname)");
	YES("proc.name != val(proc.pname)");
	YES("proc.exepath endswith val(proc.name)");
	YES("proc.aname[1] = val(proc.pname)");
	NO("proc.name = val(fd.name)");
}

static void test_exceptions_apply(void **state)
{
	const char *ex = "  exceptions:\n  - name: by_parent\n    fields: [proc.pname, proc.name]\n"
			 "    values:\n    - [bash, cat]\n  - name: by_path\n"
			 "    fields: proc.exepath\n    comps: pmatch\n    values: [/opt]\n";
	char *y;
	struct vg_ruleset *rs;

	(void)state;
	assert_true(asprintf(&y,
			     "- rule: r\n  desc: d\n  condition: evt.type = execve\n"
			     "  output: o\n  priority: INFO\n%s",
			     ex) > 0);
	rs = th_load(y);
	free(y);
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_false(vg_rule_eval(rs, vg_ruleset_rule(rs, 0), &W.ctx));
	W.procs[2].comm[0] = 'z';
	assert_true(vg_rule_eval(rs, vg_ruleset_rule(rs, 0), &W.ctx));
	W.procs[3].exe = (char *)"/opt/x/cat";
	assert_false(vg_rule_eval(rs, vg_ruleset_rule(rs, 0), &W.ctx));
	vg_ruleset_free(rs);
	th_world_init(&W, VG_EV_EXEC);
}

static bool count_cb(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	(void)ctx;
	strcat(arg, vg_rule_name(r));
	return true;
}

static void test_index_and_matching_modes(void **state)
{
	const char *y = "- rule: a\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
			"  priority: INFO\n"
			"- rule: b\n  desc: d\n  condition: evt.type = procexit\n  output: o\n"
			"  priority: INFO\n"
			"- rule: c\n  desc: d\n  condition: evt.type in (execve, clone)\n"
			"  output: o\n  priority: INFO\n";
	struct vg_ruleset_opts o = {.match_all = true};
	struct vg_ruleset *rs;
	char names[16] = "";

	(void)state;
	rs = th_load(y);
	assert_int_equal(vg_ruleset_eval(rs, &W.ctx, count_cb, names), 1);
	assert_string_equal(names, "a");
	vg_ruleset_free(rs);
	rs = vg_ruleset_new(&o);
	vg_ruleset_load_string(rs, "t", y, strlen(y));
	vg_ruleset_compile(rs);
	names[0] = '\0';
	assert_int_equal(vg_ruleset_eval(rs, &W.ctx, count_cb, names), 2);
	assert_string_equal(names, "ac");
	W.hdr.type = VG_EV_EXIT;
	W.ev.type = VG_EV_EXIT;
	names[0] = '\0';
	assert_int_equal(vg_ruleset_eval(rs, &W.ctx, count_cb, names), 1);
	assert_string_equal(names, "b");
	W.ev.type = VG_EV_FORK;
	names[0] = '\0';
	assert_int_equal(vg_ruleset_eval(rs, &W.ctx, count_cb, names), 1);
	assert_string_equal(names, "c");
	/* disabled rules leave the index */
	vg_ruleset_enable(rs, "c", false);
	assert_int_equal(vg_ruleset_eval(rs, &W.ctx, NULL, NULL), 0);
	vg_ruleset_free(rs);
	th_world_init(&W, VG_EV_EXEC);
}

static void test_evttype_of(void **state)
{
	(void)state;
	assert_string_equal(vg_evttype_name(vg_evttype_of(&W.ev)), "execve");
	W.ev.type = VG_EV_FORK;
	assert_string_equal(vg_evttype_name(vg_evttype_of(&W.ev)), "clone");
	W.ev.type = VG_EV_EXIT;
	assert_string_equal(vg_evttype_name(vg_evttype_of(&W.ev)), "procexit");
	W.ev.type = VG_EV_NONE;
	assert_int_equal(vg_evttype_of(&W.ev), 0);
	assert_int_equal(vg_evttype_code("openat2", 7), vg_evttype_code("openat2xyz", 7));
	assert_int_equal(vg_evttype_code("nosuch", 6), 0);
	th_world_init(&W, VG_EV_EXEC);
}

static void test_missing_process(void **state)
{
	(void)state;
	W.ctx.proc = NULL;
	W.ctx.procs = NULL;
	NO("proc.name exists");
	YES("proc.pid = 300");
	YES("user.uid = 0");
	NO("proc.aname[1] exists");
	th_world_init(&W, VG_EV_EXEC);
}

static void test_long_cmdline_is_bounded(void **state)
{
	size_t n = 200000;
	char *big = malloc(n);
	struct vg_ruleset_opts o = {.scratch_bytes = 4096};
	struct vg_ruleset *rs;
	const char *y = "- rule: r\n  desc: d\n  condition: proc.cmdline contains zzz\n"
			"  output: o\n  priority: INFO\n  warn_evttypes: false\n";

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	big[0] = 'x';
	big[1] = '\0';
	big[n - 1] = '\0';
	th_set_args(&W, big, n);
	rs = vg_ruleset_new(&o);
	vg_ruleset_load_string(rs, "t", y, strlen(y));
	vg_ruleset_compile(rs);
	/* does not fit the arena: the value is missing, not overflowing */
	assert_false(vg_rule_eval(rs, vg_ruleset_rule(rs, 0), &W.ctx));
	vg_ruleset_free(rs);
	free(big);
	th_world_init(&W, VG_EV_EXEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_equality, setup),
		cmocka_unit_test_setup(test_ordering, setup),
		cmocka_unit_test_setup(test_string_operators, setup),
		cmocka_unit_test_setup(test_list_operators, setup),
		cmocka_unit_test_setup(test_list_modifiers, setup),
		cmocka_unit_test_setup(test_lists_and_macros_evaluate, setup),
		cmocka_unit_test_setup(test_exists, setup),
		cmocka_unit_test_setup(test_boolean_logic, setup),
		cmocka_unit_test_setup(test_proc_fields, setup),
		cmocka_unit_test_setup(test_user_fields, setup),
		cmocka_unit_test_setup(test_evt_fields, setup),
		cmocka_unit_test_setup(test_failed_event, setup),
		cmocka_unit_test_setup(test_transformers, setup),
		cmocka_unit_test_setup(test_val, setup),
		cmocka_unit_test_setup(test_exceptions_apply, setup),
		cmocka_unit_test_setup(test_index_and_matching_modes, setup),
		cmocka_unit_test_setup(test_evttype_of, setup),
		cmocka_unit_test_setup(test_missing_process, setup),
		cmocka_unit_test_setup(test_long_cmdline_is_bounded, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
