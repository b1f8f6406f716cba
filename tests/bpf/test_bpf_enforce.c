// SPDX-License-Identifier: Apache-2.0
/*
 * The enforcement matcher (probes/enforce_match.bpf.h), run with
 * BPF_PROG_TEST_RUN: each test compiles rules with the engine's policy
 * compiler, writes the policy into the test object's maps with the
 * engine's filler (kernel/enforce_maps.c), hands the matcher a subject and
 * checks the rule it picks, or none. Every answer is also checked against
 * the user-space model of the matcher (vg_enf_policy_match).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpftest.h"
#include "enforce/policy.h"
#include "kernel/enforce.h"
#include "rules/compile.h"
#include "rules/loader.h"

/* after vigil/enforce.h: its globals have the policy's types */
#include "bpftest_enforce.skel.h"

#define NUM(f) ((f)-VG_ENF_F__STR)

/* A policy compiled from YAML and loaded into a fresh test object. */
struct loaded {
	struct vg_ruleset *rs;
	struct vg_enf_policy *p;
	struct bpftest_enforce_bpf *skel;
};

static struct loaded load(const char *yaml)
{
	struct vg_enf_opts opts = {.mode = VG_ENF_MODE_ON};
	struct loaded l = {0};
	char *err = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&err, &len);
	int nerr;

	l.rs = vg_ruleset_new(NULL);
	assert_non_null(l.rs);
	vg_ruleset_load_string(l.rs, "policy.yaml", yaml, strlen(yaml));
	assert_int_equal(vg_ruleset_error_count(l.rs), 0);
	assert_int_equal(vg_ruleset_compile(l.rs), 0);
	nerr = vg_enf_policy_build(l.rs, &opts, &l.p, f);
	fclose(f);
	if (nerr)
		fail_msg("policy did not compile: %s", err);
	free(err);
	l.skel = bpftest_enforce_bpf__open();
	assert_non_null(l.skel);
	bpftest_small_ringbuf(l.skel->maps.events);
	vg_enf_maps_size(&(struct vg_enf_maps)VG_ENF_MAPS_OF(l.skel), l.p);
	bpftest_loaded("bpf_enforce", bpftest_enforce_bpf__load(l.skel));
	assert_int_equal(vg_enf_maps_fill(&(struct vg_enf_maps)VG_ENF_MAPS_OF(l.skel), l.p), 0);
	return l;
}

static void unload(struct loaded *l)
{
	bpftest_enforce_bpf__destroy(l->skel);
	vg_enf_policy_free(l->p);
	vg_ruleset_free(l->rs);
}

/* The subject into the object's globals, as the hooks fill the scratch subject. */
static void put_subject(struct bpftest_enforce_bpf *skel, const struct vg_enf_subject *s)
{
	struct bpftest_enforce_bpf__bss *g = skel->bss;

	memset(g, 0, sizeof(*g));
	g->op = s->op;
	for (int f = 0; f < VG_ENF_F__STR; f++) {
		size_t n = s->str[f] ? strlen(s->str[f]) : 0;

		assert_true(n < 512);
		/* the matcher compares at most VG_ENF_STR_MAX bytes but is told the whole length */
		memcpy(g->str[f], s->str[f] ? s->str[f] : "",
		       n < VG_ENF_STR_MAX ? n : VG_ENF_STR_MAX);
		g->str_len[f] = (unsigned)n;
	}
	for (int i = 0; i < VG_ENF_F__NUM - VG_ENF_F__STR; i++) {
		g->num[i] = s->num[i];
		g->has_num |= s->has_num[i] ? 1u << i : 0;
	}
	g->has_addr = s->has_addr;
	g->addr.prefixlen = 128;
	memcpy(g->addr.addr, s->addr, 16);
}

/* The name of the rule the kernel's matcher picks for s, or NULL; the model must agree. */
static const char *decide_or_null(struct loaded *l, const struct vg_enf_subject *s)
{
	const struct vg_enf_conj *model = vg_enf_policy_match(l->p, s);
	int hit;

	put_subject(l->skel, s);
	hit = bpftest_run(l->skel->progs.decide);
	assert_true(hit == 0 || hit == 1);
	if (!hit) {
		assert_null(model);
		return NULL;
	}
	assert_non_null(model);
	assert_int_equal(l->skel->bss->rule, model->rule);
	assert_int_equal(l->skel->bss->action, model->action);
	assert_int_equal(l->skel->bss->mode, model->mode);
	return vg_rule_name(l->p->rules[l->skel->bss->rule].rule);
}

/* The rule picked for s, or "(none)". */
static const char *decide(struct loaded *l, const struct vg_enf_subject *s)
{
	const char *name = decide_or_null(l, s);

	return name ? name : "(none)";
}

#define assert_none(name) assert_string_equal(name, "(none)")

#define RULE(name, cond, action)                                                                   \
	"- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: WARNING\n"   \
	"  action: " action "\n"

/* An exec of exe named comm by uid, in the host, child of bash (/usr/bin/bash). */
static struct vg_enf_subject exec_of(const char *exe, const char *comm, uint64_t uid)
{
	struct vg_enf_subject s = {.op = VG_ENF_OP_EXEC};

	s.str[VG_ENF_F_EXE] = exe;
	s.str[VG_ENF_F_COMM] = comm;
	s.str[VG_ENF_F_PEXE] = "/usr/bin/bash";
	s.str[VG_ENF_F_PCOMM] = "bash";
	s.has_num[NUM(VG_ENF_F_UID)] = true;
	s.num[NUM(VG_ENF_F_UID)] = uid;
	s.has_num[NUM(VG_ENF_F_CONTAINER)] = true;
	return s;
}

/* An open of path (its directory and base name split as the hook splits them). */
static struct vg_enf_subject open_of(const char *path, bool write)
{
	static char dir[256];
	struct vg_enf_subject s = exec_of("/usr/bin/cat", "cat", 1000);
	const char *slash = strrchr(path, '/');

	s.op = VG_ENF_OP_OPEN;
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	s.str[VG_ENF_F_PATH] = path;
	s.str[VG_ENF_F_DIR] = dir;
	s.str[VG_ENF_F_FILENAME] = slash + 1;
	s.has_num[NUM(VG_ENF_F_OPEN_READ)] = true;
	s.num[NUM(VG_ENF_F_OPEN_READ)] = !write;
	s.has_num[NUM(VG_ENF_F_OPEN_WRITE)] = true;
	s.num[NUM(VG_ENF_F_OPEN_WRITE)] = write;
	return s;
}

/* A connect to a.b.c.d:port (IPv4 mapped into IPv6, as the hook has it). */
static struct vg_enf_subject connect_to(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
	struct vg_enf_subject s = exec_of("/usr/bin/curl", "curl", 1000);

	s.op = VG_ENF_OP_CONNECT;
	s.has_addr = true;
	memset(s.addr, 0, sizeof(s.addr));
	s.addr[10] = s.addr[11] = 0xff;
	s.addr[12] = a;
	s.addr[13] = b;
	s.addr[14] = c;
	s.addr[15] = d;
	s.has_num[NUM(VG_ENF_F_DPORT)] = true;
	s.num[NUM(VG_ENF_F_DPORT)] = port;
	return s;
}

static void test_string_equal(void **state)
{
	struct loaded l =
		load(RULE("nc", "evt.type = execve and proc.exepath = /usr/bin/nc", "deny"));
	struct vg_enf_subject s = exec_of("/usr/bin/nc", "nc", 0);

	(void)state;
	assert_string_equal(decide(&l, &s), "nc");
	s = exec_of("/usr/bin/ncat", "ncat", 0);
	assert_none(decide(&l, &s));
	s = exec_of("/usr/bin/n", "n", 0);
	assert_none(decide(&l, &s));
	unload(&l);
}

static void test_string_not_equal(void **state)
{
	struct loaded l = load(
		RULE("sh", "evt.type = execve and proc.exepath = /bin/sh and proc.pname != sshd",
		     "deny"));
	struct vg_enf_subject s = exec_of("/bin/sh", "sh", 0);

	(void)state;
	assert_string_equal(decide(&l, &s), "sh");
	s.str[VG_ENF_F_PCOMM] = "sshd";
	assert_none(decide(&l, &s));
	unload(&l);
}

static void test_string_in_list(void **state)
{
	struct loaded l =
		load(RULE("tools", "evt.type = execve and proc.name in (nc, ncat, socat)", "deny"));
	struct vg_enf_subject s = exec_of("/usr/bin/socat", "socat", 0);

	(void)state;
	assert_string_equal(decide(&l, &s), "tools");
	s = exec_of("/usr/bin/ncat", "ncat", 0);
	assert_string_equal(decide(&l, &s), "tools");
	s = exec_of("/usr/bin/cat", "cat", 0);
	assert_none(decide(&l, &s));
	unload(&l);
}

static void test_string_startswith(void **state)
{
	static char deep[400] = "/tmp/";
	struct loaded l =
		load(RULE("tmp", "evt.type = execve and proc.exepath startswith /tmp/", "kill"));
	struct vg_enf_subject s = exec_of("/tmp/x", "x", 0);

	(void)state;
	assert_string_equal(decide(&l, &s), "tmp");
	s = exec_of("/tmpx/y", "y", 0);
	assert_none(decide(&l, &s));
	s = exec_of("/tm", "tm", 0);
	assert_none(decide(&l, &s));
	/* longer than the kernel compares: its first VG_ENF_STR_MAX bytes decide */
	memset(deep + 5, 'd', 390);
	s = exec_of(deep, "d", 0);
	assert_string_equal(decide(&l, &s), "tmp");
	unload(&l);
}

static void test_string_pmatch(void **state)
{
	struct loaded l =
		load(RULE("ssh", "evt.type = openat and fd.name pmatch (/etc/ssh, /root)", "deny"));
	struct vg_enf_subject s = open_of("/etc/ssh/sshd_config", false);

	(void)state;
	assert_string_equal(decide(&l, &s), "ssh");
	s = open_of("/root/.bashrc", false);
	assert_string_equal(decide(&l, &s), "ssh");
	s = open_of("/etc/sshx/y", false);
	assert_none(decide(&l, &s));
	s = open_of("/etc/passwd", false);
	assert_none(decide(&l, &s));
	unload(&l);
}

static void test_number_equal_and_in(void **state)
{
	struct loaded l = load(RULE(
		"su", "evt.type = execve and proc.name = su and user.uid in (33, 65534)", "deny"));
	struct vg_enf_subject s = exec_of("/bin/su", "su", 33);

	(void)state;
	assert_string_equal(decide(&l, &s), "su");
	s.num[NUM(VG_ENF_F_UID)] = 65534;
	assert_string_equal(decide(&l, &s), "su");
	s.num[NUM(VG_ENF_F_UID)] = 0;
	assert_none(decide(&l, &s));
	unload(&l);
}

/* user.uid OP 1000 matches exactly at the uids in yes[] among 999, 1000, 1001. */
static void check_order(const char *cond, const bool yes[3])
{
	char yaml[512];
	struct loaded l;

	snprintf(yaml, sizeof(yaml),
		 RULE("r", "evt.type = execve and proc.name = sh and %s", "deny"), cond);
	l = load(yaml);
	for (int i = 0; i < 3; i++) {
		struct vg_enf_subject s = exec_of("/bin/sh", "sh", 999 + (uint64_t)i);
		const char *hit = decide_or_null(&l, &s);

		if ((hit != NULL) != yes[i])
			fail_msg("%s at uid %d: %s", cond, 999 + i, hit ? "matched" : "no match");
	}
	unload(&l);
}

static void test_number_order(void **state)
{
	(void)state;
	check_order("user.uid < 1000", (const bool[]){true, false, false});
	check_order("user.uid <= 1000", (const bool[]){true, true, false});
	check_order("user.uid > 1000", (const bool[]){false, false, true});
	check_order("user.uid >= 1000", (const bool[]){false, true, true});
	check_order("user.uid != 1000", (const bool[]){true, false, true});
}

static void test_address_in_network_and_port(void **state)
{
	struct loaded l = load(RULE(
		"net", "evt.type = connect and fd.rnet in (10.0.0.0/8) and fd.rport = 22", "kill"));
	struct vg_enf_subject s = connect_to(10, 1, 2, 3, 22);

	(void)state;
	assert_string_equal(decide(&l, &s), "net");
	s = connect_to(11, 1, 2, 3, 22);
	assert_none(decide(&l, &s));
	s = connect_to(10, 1, 2, 3, 2222);
	assert_none(decide(&l, &s));
	unload(&l);
}

static void test_boolean_field(void **state)
{
	struct loaded l = load(
		RULE("w", "evt.type = openat and fd.directory = /etc and evt.is_open_write = true",
		     "deny"));
	struct vg_enf_subject s = open_of("/etc/passwd", true);

	(void)state;
	assert_string_equal(decide(&l, &s), "w");
	s = open_of("/etc/passwd", false);
	assert_none(decide(&l, &s));
	unload(&l);
}

static void test_container_id(void **state)
{
	struct loaded l = load(RULE("c", "evt.type = execve and container.id = 0123456789ab",
				    "deny") RULE("any",
						 "evt.type = execve and container.id != host and "
						 "proc.name = curl",
						 "deny"));
	struct vg_enf_subject s = exec_of("/usr/bin/sh", "sh", 0);

	(void)state;
	assert_none(decide(&l, &s));
	s.str[VG_ENF_F_CID] = "0123456789ab";
	s.num[NUM(VG_ENF_F_CONTAINER)] = 1;
	assert_string_equal(decide(&l, &s), "c");
	s = exec_of("/usr/bin/curl", "curl", 0);
	assert_none(decide(&l, &s));
	s.num[NUM(VG_ENF_F_CONTAINER)] = 1;
	assert_string_equal(decide(&l, &s), "any");
	unload(&l);
}

static void test_rule_with_several_conditions_needs_them_all(void **state)
{
	struct loaded l = load(RULE("all",
				    "evt.type = execve and proc.exepath startswith /tmp/ and "
				    "proc.name = x and user.uid = 0 and proc.pname = bash and "
				    "not proc.pexepath = /usr/sbin/sshd",
				    "deny"));
	struct vg_enf_subject s = exec_of("/tmp/x", "x", 0);

	(void)state;
	assert_string_equal(decide(&l, &s), "all");
	s.str[VG_ENF_F_EXE] = "/var/x";
	assert_none(decide(&l, &s));
	s = exec_of("/tmp/x", "y", 0);
	assert_none(decide(&l, &s));
	s = exec_of("/tmp/x", "x", 1);
	assert_none(decide(&l, &s));
	s = exec_of("/tmp/x", "x", 0);
	s.str[VG_ENF_F_PCOMM] = "zsh";
	assert_none(decide(&l, &s));
	s = exec_of("/tmp/x", "x", 0);
	s.str[VG_ENF_F_PEXE] = "/usr/sbin/sshd";
	assert_none(decide(&l, &s));
	unload(&l);
}

static void test_no_rule_matching_leaves_the_operation_alone(void **state)
{
	struct loaded l = load(RULE("nc", "evt.type = execve and proc.name = nc", "kill"));
	struct vg_enf_subject s = exec_of("/usr/bin/ls", "ls", 0);

	(void)state;
	/* the default: no conjunction holds, the hook lets the operation be */
	assert_none(decide(&l, &s));
	/* a rule applies to its operations only */
	s = open_of("/usr/bin/nc", false);
	s.str[VG_ENF_F_COMM] = "nc";
	assert_none(decide(&l, &s));
	unload(&l);
}

static void test_action_and_mode_come_from_the_matching_rule(void **state)
{
	struct loaded l = load(RULE(
		"audit", "evt.type = execve and proc.name = x",
		"kill") "  enforce: audit\n" RULE("deny", "evt.type = execve and proc.name = x",
						  "deny")
				       RULE("kill", "evt.type = execve and proc.name = y", "kill"));
	struct vg_enf_subject s = exec_of("/bin/x", "x", 0);

	(void)state;
	/* an enforcing rule wins over an earlier auditing one */
	assert_string_equal(decide(&l, &s), "deny");
	assert_int_equal(l.skel->bss->action, VG_ENF_ACT_DENY);
	assert_int_equal(l.skel->bss->mode, VG_ENF_MODE_ON);
	s = exec_of("/bin/y", "y", 0);
	assert_string_equal(decide(&l, &s), "kill");
	assert_int_equal(l.skel->bss->action, VG_ENF_ACT_KILL);
	unload(&l);
	l = load(RULE("audit", "evt.type = execve and proc.name = x", "kill") "  enforce: audit\n");
	s = exec_of("/bin/x", "x", 0);
	assert_string_equal(decide(&l, &s), "audit");
	assert_int_equal(l.skel->bss->mode, VG_ENF_MODE_AUDIT);
	unload(&l);
}

/* A policy of VG_ENF_PRED_MAX rules of one predicate each: the last bit of the last word counts. */
static void test_policy_of_the_most_predicates(void **state)
{
	size_t cap = 256 * VG_ENF_PRED_MAX, n = 0;
	char *yaml = malloc(cap), comm[16], name[16];
	struct vg_enf_subject s;
	struct loaded l;

	(void)state;
	assert_non_null(yaml);
	for (int i = 0; i < VG_ENF_PRED_MAX; i++)
		n += (size_t)snprintf(yaml + n, cap - n,
				      RULE("r%d", "evt.type = execve and proc.name = n%d", "deny"),
				      i, i);
	l = load(yaml);
	assert_int_equal(l.p->npreds, VG_ENF_PRED_MAX);
	assert_int_equal(l.p->nconj, VG_ENF_PRED_MAX);
	for (int i = 0; i < VG_ENF_PRED_MAX; i += 73) {
		snprintf(comm, sizeof(comm), "n%d", i);
		s = exec_of("/bin/n", comm, 0);
		snprintf(name, sizeof(name), "r%d", i);
		assert_string_equal(decide(&l, &s), name);
	}
	s = exec_of("/bin/n", "n511", 0);
	assert_string_equal(decide(&l, &s), "r511");
	s = exec_of("/bin/n", "n512", 0);
	assert_none(decide(&l, &s));
	unload(&l);
	free(yaml);
}

/* One rule of 300 conditions: its must-not bits span five mask words. */
static void test_rule_of_many_conditions(void **state)
{
	size_t cap = 16384, n = 0;
	char *yaml = malloc(cap);
	struct vg_enf_subject s;
	struct loaded l;

	(void)state;
	assert_non_null(yaml);
	n += (size_t)snprintf(
		yaml + n, cap - n,
		"- rule: many\n  desc: d\n  output: o\n  priority: WARNING\n"
		"  action: deny\n  condition: evt.type = execve and proc.exepath = /bin/m");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(yaml + n, cap - n, " and proc.name != m%d", i);
	snprintf(yaml + n, cap - n, "\n");
	l = load(yaml);
	assert_true(l.p->npreds > 256);
	s = exec_of("/bin/m", "other", 0);
	assert_string_equal(decide(&l, &s), "many");
	s = exec_of("/bin/m", "m0", 0);
	assert_none(decide(&l, &s));
	s = exec_of("/bin/m", "m299", 0);
	assert_none(decide(&l, &s));
	unload(&l);
	free(yaml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string_equal),
		cmocka_unit_test(test_string_not_equal),
		cmocka_unit_test(test_string_in_list),
		cmocka_unit_test(test_string_startswith),
		cmocka_unit_test(test_string_pmatch),
		cmocka_unit_test(test_number_equal_and_in),
		cmocka_unit_test(test_number_order),
		cmocka_unit_test(test_address_in_network_and_port),
		cmocka_unit_test(test_boolean_field),
		cmocka_unit_test(test_container_id),
		cmocka_unit_test(test_rule_with_several_conditions_needs_them_all),
		cmocka_unit_test(test_no_rule_matching_leaves_the_operation_alone),
		cmocka_unit_test(test_action_and_mode_come_from_the_matching_rule),
		cmocka_unit_test(test_policy_of_the_most_predicates),
		cmocka_unit_test(test_rule_of_many_conditions),
	};

	bpftest_need_root("bpf_enforce");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
