// SPDX-License-Identifier: Apache-2.0
/*
 * The enforcement compiler: every kind of condition the kernel cannot
 * decide is refused with a message naming it, and what it accepts matches
 * (in the user-space model of the kernel's matcher) exactly what it should.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "enforce/policy.h"
#include "rules/compile.h"
#include "rules/loader.h"

struct built {
	struct vg_ruleset *rs;
	struct vg_enf_policy *p;
	char *err;
	int nerr;
};

static struct vg_enf_opts default_opts = {.mode = VG_ENF_MODE_ON};

/* Loads yaml as one rules file, compiles it, then its enforcement policy. */
static struct built build_opts(const char *yaml, const struct vg_enf_opts *o)
{
	struct built b = {0};
	size_t len = 0;
	FILE *f = open_memstream(&b.err, &len);

	b.rs = vg_ruleset_new(NULL);
	assert_non_null(b.rs);
	vg_ruleset_load_string(b.rs, "policy.yaml", yaml, strlen(yaml));
	assert_int_equal(vg_ruleset_error_count(b.rs), 0);
	assert_int_equal(vg_ruleset_compile(b.rs), 0);
	b.nerr = vg_enf_policy_build(b.rs, o, &b.p, f);
	fclose(f);
	return b;
}

static struct built build(const char *yaml)
{
	return build_opts(yaml, &default_opts);
}

static void done(struct built *b)
{
	vg_enf_policy_free(b->p);
	vg_ruleset_free(b->rs);
	free(b->err);
}

#define RULE(name, cond, action)                                                                   \
	"- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: WARNING\n"   \
	"  action: " action "\n"

/* The build fails with code, and the message contains each needle. */
static void expect_error(const char *yaml, const char *code, const char *needle)
{
	struct built b = build(yaml);

	assert_true(b.nerr > 0);
	assert_null(b.p);
	if (!strstr(b.err, code) || !strstr(b.err, needle))
		fail_msg("expected %s with '%s', got: %s", code, needle, b.err);
	/* every error carries the rule's file:line:col */
	assert_non_null(strstr(b.err, "policy.yaml:1:3: error"));
	done(&b);
}

static void test_refuses_user_space_fields(void **state)
{
	(void)state;
	expect_error(RULE("r", "evt.type = execve and proc.cmdline = \"sh -c x\"", "deny"),
		     "E-ENFORCE-FIELD", "'proc.cmdline' cannot be decided in the kernel");
	expect_error(RULE("r", "evt.type = execve and proc.exe = /bin/sh", "deny"),
		     "E-ENFORCE-FIELD", "'proc.exe'");
}

static void test_refuses_transformers_and_field_compares(void **state)
{
	(void)state;
	expect_error(RULE("r", "evt.type = execve and tolower(proc.name) = sh", "deny"),
		     "E-ENFORCE-FIELD", "transformers");
	expect_error(RULE("r", "evt.type = execve and proc.name = val(proc.pname)", "deny"),
		     "E-ENFORCE-OPERATOR", "compares two fields");
}

static void test_refuses_operators(void **state)
{
	(void)state;
	expect_error(RULE("r", "evt.type = execve and proc.exepath contains tmp", "deny"),
		     "E-ENFORCE-OPERATOR", "'proc.exepath contains ...'");
	expect_error(RULE("r", "evt.type = execve and proc.exepath endswith sh", "deny"),
		     "E-ENFORCE-OPERATOR", "=, !=, in, startswith and pmatch");
	/* the list is the operator table's kernel column, an "and" before the last */
	expect_error(RULE("r", "evt.type = execve and user.uid exists", "deny"),
		     "E-ENFORCE-OPERATOR", "compares numbers with =, !=, in, <, <=, > and >=");
	expect_error(RULE("r", "evt.type = execve and proc.exepath glob '/tmp/*'", "deny"),
		     "E-ENFORCE-OPERATOR", "glob");
	expect_error(RULE("r", "evt.type = execve and proc.exepath regex '^/tmp'", "deny"),
		     "E-ENFORCE-OPERATOR", "regex");
	expect_error(
		RULE("r", "evt.type = execve and proc.exepath startswith allof (/a, /b)", "deny"),
		"E-ENFORCE-OPERATOR", "allof");
}

static void test_refuses_missing_or_foreign_event_types(void **state)
{
	(void)state;
	expect_error(RULE("r", "proc.exepath = /tmp/x", "deny"), "E-ENFORCE-EVTTYPE",
		     "does not say which operation");
	expect_error(RULE("r", "evt.type in (execve, unlink) and proc.exepath = /tmp/x", "deny"),
		     "E-ENFORCE-EVTTYPE", "unlink cannot be enforced");
	expect_error(RULE("r", "evt.type != execve and proc.exepath = /tmp/x", "deny"),
		     "E-ENFORCE-EVTTYPE", "which operation");
}

static void test_refuses_fields_without_value_at_the_hook(void **state)
{
	(void)state;
	expect_error(RULE("r", "evt.type = execve and fd.name = /etc/shadow", "deny"),
		     "E-ENFORCE-FIELD", "'fd.name' has no value at exec");
	expect_error(RULE("r", "evt.type = openat and fd.sport = 22", "kill"), "E-ENFORCE-FIELD",
		     "'fd.sport' has no value at open");
}

static void test_refuses_values_the_kernel_cannot_hold(void **state)
{
	char yaml[2048], longpath[400];

	(void)state;
	expect_error(RULE("r", "evt.type = execve and container.id = my-box", "deny"),
		     "E-ENFORCE-VALUE", "'my-box' is neither 'host' nor a container id of 12");
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	snprintf(yaml, sizeof(yaml), RULE("r", "evt.type = execve and proc.exepath = %s", "deny"),
		 longpath);
	expect_error(yaml, "E-ENFORCE-VALUE", "longer than the 255 bytes");
}

static void test_refuses_too_broad_unless_forced(void **state)
{
	struct built b;

	(void)state;
	expect_error(RULE("r", "evt.type = execve", "deny"), "E-ENFORCE-BROAD",
		     "would deny every exec");
	expect_error(RULE("r", "evt.type = execve and not proc.name in (bash, sh)", "kill"),
		     "E-ENFORCE-BROAD", "'force: true'");
	b = build(RULE("r",
		       "evt.type = execve and container.id != host and not proc.name in "
		       "(nginx)",
		       "deny") "  force: true\n");
	assert_int_equal(b.nerr, 0);
	assert_non_null(b.p);
	done(&b);
}

static void test_refuses_denying_vigil_or_init(void **state)
{
	struct vg_enf_opts o = {.mode = VG_ENF_MODE_ON,
				.self_exe = "/usr/sbin/vigil",
				.init_exe = "/lib/systemd/systemd"};
	struct built b;

	(void)state;
	b = build_opts(RULE("r", "evt.type = execve and proc.exepath startswith /usr/", "deny"),
		       &o);
	assert_true(b.nerr > 0);
	assert_non_null(strstr(b.err, "E-ENFORCE-PROTECTED"));
	assert_non_null(strstr(b.err, "/usr/sbin/vigil (vigil itself)"));
	done(&b);
	b = build_opts(RULE("r", "evt.type = execve and proc.name = systemd", "kill"), &o);
	assert_non_null(strstr(b.err, "the host's init"));
	done(&b);
	/* denying a shell is fine */
	b = build_opts(RULE("r", "evt.type = execve and proc.exepath = /bin/sh", "deny"), &o);
	assert_int_equal(b.nerr, 0);
	done(&b);
}

static void test_refuses_conditions_that_never_match(void **state)
{
	(void)state;
	expect_error(RULE("r", "evt.type = execve and proc.name = a and proc.name != a", "deny"),
		     "E-ENFORCE-NEVER", "never match");
}

static void test_refuses_too_many_alternatives(void **state)
{
	char yaml[8192];
	size_t n = 0;

	(void)state;
	/* (a or b) and (c or d) ... eleven times: 2^11 alternatives */
	n += (size_t)snprintf(
		yaml + n, sizeof(yaml) - n,
		"- rule: r\n  desc: d\n  output: o\n  priority: ERROR\n  action: deny\n"
		"  condition: evt.type = execve");
	for (int i = 0; i < 11; i++)
		n += (size_t)snprintf(yaml + n, sizeof(yaml) - n,
				      " and (proc.name = a%d or user.uid = %d)", i, i);
	snprintf(yaml + n, sizeof(yaml) - n, "\n");
	expect_error(yaml, "E-ENFORCE-LIMIT", "more than 1024 alternatives");
}

static void subject_exec(struct vg_enf_subject *s, const char *exe, const char *comm, uint64_t uid)
{
	memset(s, 0, sizeof(*s));
	s->op = VG_ENF_OP_EXEC;
	s->str[VG_ENF_F_EXE] = exe;
	s->str[VG_ENF_F_COMM] = comm;
	s->has_num[VG_ENF_F_UID - VG_ENF_F__STR] = true;
	s->num[VG_ENF_F_UID - VG_ENF_F__STR] = uid;
	s->has_num[VG_ENF_F_CONTAINER - VG_ENF_F__STR] = true;
}

static const char *matched(const struct built *b, const struct vg_enf_subject *s)
{
	const struct vg_enf_conj *c = vg_enf_policy_match(b->p, s);

	return c ? vg_rule_name(b->p->rules[c->rule].rule) : NULL;
}

static void test_matches_exact_prefix_and_pmatch(void **state)
{
	struct built b = build(
		RULE("tmp", "evt.type in (execve, execveat) and proc.exepath startswith /tmp/",
		     "kill") RULE("nc",
				  "evt.type = execve and proc.name in (nc, ncat) and user.uid != 0",
				  "deny")
			RULE("opt", "evt.type = execve and proc.exepath pmatch (/opt/bad)",
			     "deny"));
	struct vg_enf_subject s;

	(void)state;
	assert_int_equal(b.nerr, 0);
	subject_exec(&s, "/tmp/x", "x", 0);
	assert_string_equal(matched(&b, &s), "tmp");
	subject_exec(&s, "/tmpx/y", "y", 0);
	assert_null(matched(&b, &s));
	subject_exec(&s, "/usr/bin/nc", "nc", 1000);
	assert_string_equal(matched(&b, &s), "nc");
	subject_exec(&s, "/usr/bin/nc", "nc", 0); /* root is excluded */
	assert_null(matched(&b, &s));
	subject_exec(&s, "/opt/bad", "bad", 0);
	assert_string_equal(matched(&b, &s), "opt");
	subject_exec(&s, "/opt/bad/sub/tool", "tool", 0);
	assert_string_equal(matched(&b, &s), "opt");
	subject_exec(&s, "/opt/badger", "badger", 0);
	assert_null(matched(&b, &s));
	/* an open is not an exec */
	subject_exec(&s, "/tmp/x", "x", 0);
	s.op = VG_ENF_OP_OPEN;
	assert_null(matched(&b, &s));
	done(&b);
}

/* A shorter prefix's bits travel with the longer one: one LPM lookup is enough. */
static void test_nested_prefixes_carry_their_ancestors(void **state)
{
	struct built b = build(
		RULE("etc",
		     "evt.type = openat and fd.name startswith /etc/ and evt.is_open_write = true",
		     "deny") RULE("ssh",
				  "evt.type = openat and fd.name startswith /etc/ssh/ and "
				  "proc.name = cat",
				  "kill"));
	struct vg_enf_subject s = {.op = VG_ENF_OP_OPEN};

	(void)state;
	assert_int_equal(b.nerr, 0);
	s.str[VG_ENF_F_PATH] = "/etc/ssh/sshd_config";
	s.str[VG_ENF_F_COMM] = "vi";
	s.has_num[VG_ENF_F_OPEN_WRITE - VG_ENF_F__STR] = true;
	s.num[VG_ENF_F_OPEN_WRITE - VG_ENF_F__STR] = 1;
	assert_string_equal(matched(&b, &s), "etc");
	/* the entry for /etc/ssh/ carries /etc/'s bit too */
	for (size_t i = 0; i < b.p->nstrs; i++) {
		if (b.p->strs[i].prefix && strcmp(b.p->strs[i].s, "/etc/ssh/") == 0) {
			int set = 0;

			for (int w = 0; w < VG_ENF_PRED_WORDS; w++)
				set += __builtin_popcountll(b.p->strs[i].mask.w[w]);
			assert_int_equal(set, 2);
		}
	}
	s.num[VG_ENF_F_OPEN_WRITE - VG_ENF_F__STR] = 0;
	s.str[VG_ENF_F_COMM] = "cat";
	assert_string_equal(matched(&b, &s), "ssh");
	done(&b);
}

static void test_matches_networks_and_ports(void **state)
{
	struct built b = build(RULE("net",
				    "evt.type = connect and fd.rnet in (10.0.0.0/8, "
				    "192.168.0.0/16) and fd.rport in (22, 2222)",
				    "kill"));
	struct vg_enf_subject s = {.op = VG_ENF_OP_CONNECT, .has_addr = true};

	(void)state;
	assert_int_equal(b.nerr, 0);
	s.addr[10] = s.addr[11] = 0xff;
	s.addr[12] = 10;
	s.addr[15] = 7;
	s.has_num[VG_ENF_F_DPORT - VG_ENF_F__STR] = true;
	s.num[VG_ENF_F_DPORT - VG_ENF_F__STR] = 2222;
	assert_string_equal(matched(&b, &s), "net");
	s.num[VG_ENF_F_DPORT - VG_ENF_F__STR] = 80;
	assert_null(matched(&b, &s));
	s.num[VG_ENF_F_DPORT - VG_ENF_F__STR] = 22;
	s.addr[12] = 11;
	assert_null(matched(&b, &s));
	done(&b);
}

static void test_audit_mode_and_order(void **state)
{
	struct vg_enf_opts audit = {.mode = VG_ENF_MODE_AUDIT};
	struct built b = build(
		RULE("a", "evt.type = execve and proc.name = x", "deny") "  enforce: audit\n" RULE(
			"b", "evt.type = execve and proc.name = x", "kill"));
	struct vg_enf_subject s;

	(void)state;
	assert_int_equal(b.nerr, 0);
	subject_exec(&s, "/x", "x", 0);
	/* the enforcing rule wins over an earlier auditing one */
	assert_string_equal(matched(&b, &s), "b");
	assert_int_equal(vg_enf_policy_match(b.p, &s)->mode, VG_ENF_MODE_ON);
	done(&b);
	/* the global mode caps every rule's */
	b = build_opts(RULE("b", "evt.type = execve and proc.name = x", "kill"), &audit);
	assert_int_equal(vg_enf_policy_match(b.p, &s)->mode, VG_ENF_MODE_AUDIT);
	done(&b);
}

/* Thousands of paths are one predicate: they cost map entries, not bits. */
static void test_thousands_of_paths(void **state)
{
	size_t cap = 200000, n = 0;
	char *yaml = malloc(cap), path[64];
	struct vg_enf_subject s;
	struct built b;

	(void)state;
	n += (size_t)snprintf(yaml + n, cap - n, "- list: denied\n  items: [");
	for (int i = 0; i < 5000; i++)
		n += (size_t)snprintf(yaml + n, cap - n, "%s/opt/app%d/bin/tool", i ? ", " : "", i);
	snprintf(yaml + n, cap - n,
		 "]\n" RULE("many", "evt.type = execve and proc.exepath in (denied)", "kill"));
	b = build(yaml);
	assert_int_equal(b.nerr, 0);
	assert_int_equal(b.p->npreds, 1);
	assert_int_equal(b.p->nstrs, 5000);
	snprintf(path, sizeof(path), "/opt/app%d/bin/tool", 4321);
	subject_exec(&s, path, "tool", 0);
	assert_string_equal(matched(&b, &s), "many");
	subject_exec(&s, "/opt/app5000/bin/tool", "tool", 0);
	assert_null(matched(&b, &s));
	done(&b);
	free(yaml);
}

#define CID   "0123456789ab"
#define FULL  CID "cdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define OTHER "ffffffffffff0123456789abcdef0123456789abcdef0123456789abcdef0123"

/* container.id is 12 hex digits, container.full_id 64, or host; nothing else. */
static void test_container_id_forms(void **state)
{
	static const char *const accepted[] = {
		"container.id = " CID,
		"container.id in (" CID ", abcdefabcdef)",
		"container.id in (host, " CID ")",
		"container.id != " CID " and proc.name = sh",
		"container.full_id = " FULL,
		"container.full_id in (" FULL ")",
	};
	struct built b;

	(void)state;
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		char yaml[1024];

		snprintf(yaml, sizeof(yaml),
			 "- rule: r\n  desc: d\n  condition: evt.type = execve and %s\n"
			 "  output: o\n  priority: WARNING\n  action: deny\n",
			 accepted[i]);
		b = build(yaml);
		if (b.nerr)
			fail_msg("refused '%s': %s", accepted[i], b.err);
		done(&b);
	}
	expect_error(RULE("r", "evt.type = execve and container.id startswith 0123", "deny"),
		     "E-ENFORCE-OPERATOR", "container ids whole, with =, != and in");
	expect_error(RULE("r", "evt.type = execve and container.id = 0123456789AB", "deny"),
		     "E-ENFORCE-VALUE", "lowercase hex");
	/* a full id is not a container.id, a short one not a container.full_id */
	expect_error(RULE("r", "evt.type = execve and container.id = " FULL, "deny"),
		     "E-ENFORCE-VALUE", "container.id '0123456789abcdef");
	expect_error(RULE("r", "evt.type = execve and container.full_id = " CID, "deny"),
		     "E-ENFORCE-VALUE", "container id of 64 lowercase hex digits");
	expect_error(RULE("r", "evt.type = execve and container.full_id contains abc", "deny"),
		     "E-ENFORCE-OPERATOR", "'container.full_id contains ...'");
}

static void subject_in(struct vg_enf_subject *s, const char *full_id)
{
	static char id[VG_ENF_CID_LEN + 1];

	subject_exec(s, "/usr/bin/curl", "curl", 0);
	s->num[VG_ENF_F_CONTAINER - VG_ENF_F__STR] = full_id != NULL;
	if (full_id) {
		memcpy(id, full_id, VG_ENF_CID_LEN);
		s->str[VG_ENF_F_CID] = id;
		s->str[VG_ENF_F_CFULLID] = full_id;
	}
}

static void test_matches_container_ids(void **state)
{
	const char *other = OTHER;
	struct built b =
		build(RULE("short", "evt.type = execve and container.id in (" CID ", 111111111111)",
			   "deny") RULE("full",
					"evt.type = execve and container.full_id = " OTHER
					" and proc.name = curl",
					"kill") RULE("host or one",
						     "evt.type = execve and proc.name = wget and "
						     "container.id in (host, 222222222222)",
						     "deny"));
	struct vg_enf_subject s;

	(void)state;
	assert_int_equal(b.nerr, 0);
	subject_in(&s, FULL);
	assert_string_equal(matched(&b, &s), "short");
	subject_in(&s, other);
	assert_string_equal(matched(&b, &s), "full");
	s.str[VG_ENF_F_COMM] = "bash";
	assert_null(matched(&b, &s));
	subject_in(&s, NULL); /* the host */
	assert_null(matched(&b, &s));
	s.str[VG_ENF_F_COMM] = "wget";
	assert_string_equal(matched(&b, &s), "host or one");
	subject_in(&s, "222222222222"
		       "cdef0123456789abcdef0123456789abcdef0123456789abcdef");
	s.str[VG_ENF_F_COMM] = "wget";
	assert_string_equal(matched(&b, &s), "host or one");
	subject_in(&s, other);
	s.str[VG_ENF_F_COMM] = "wget";
	assert_null(matched(&b, &s)); /* in a container, not that one */
	done(&b);
	/* != an id: everything but that container, host included */
	b = build(RULE("not", "evt.type = execve and proc.name = curl and container.id != " CID,
		       "deny"));
	subject_in(&s, FULL);
	assert_null(matched(&b, &s));
	subject_in(&s, other);
	assert_string_equal(matched(&b, &s), "not");
	subject_in(&s, NULL);
	assert_string_equal(matched(&b, &s), "not");
	done(&b);
}

static void test_bad_action_is_a_load_error(void **state)
{
	struct vg_ruleset *rs = vg_ruleset_new(NULL);
	const char *y = RULE("r", "evt.type = execve and proc.name = x", "block");

	(void)state;
	vg_ruleset_load_string(rs, "policy.yaml", y, strlen(y));
	assert_int_equal(vg_ruleset_error_count(rs), 1);
	vg_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_user_space_fields),
		cmocka_unit_test(test_refuses_transformers_and_field_compares),
		cmocka_unit_test(test_refuses_operators),
		cmocka_unit_test(test_refuses_missing_or_foreign_event_types),
		cmocka_unit_test(test_refuses_fields_without_value_at_the_hook),
		cmocka_unit_test(test_refuses_values_the_kernel_cannot_hold),
		cmocka_unit_test(test_refuses_too_broad_unless_forced),
		cmocka_unit_test(test_refuses_denying_vigil_or_init),
		cmocka_unit_test(test_refuses_conditions_that_never_match),
		cmocka_unit_test(test_refuses_too_many_alternatives),
		cmocka_unit_test(test_matches_exact_prefix_and_pmatch),
		cmocka_unit_test(test_nested_prefixes_carry_their_ancestors),
		cmocka_unit_test(test_matches_networks_and_ports),
		cmocka_unit_test(test_audit_mode_and_order),
		cmocka_unit_test(test_thousands_of_paths),
		cmocka_unit_test(test_container_id_forms),
		cmocka_unit_test(test_matches_container_ids),
		cmocka_unit_test(test_bad_action_is_a_load_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
