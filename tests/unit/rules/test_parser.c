// SPDX-License-Identifier: Apache-2.0
/* Parser: libsinsp grammar, operators, arguments, transformers, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rules/parser.h"

/* Parses and prints canonically; NULL on a parse error. */
static char *canon(const char *cond)
{
	struct vg_parse_error err;
	struct vg_ast *a = vg_parse_condition(cond, strlen(cond), NULL, 0, &err);
	char *s;

	if (!a)
		return NULL;
	s = vg_ast_to_string(a);
	vg_ast_free(a);
	return s;
}

#define assert_canon(in, out)                                                                      \
	do {                                                                                       \
		char *s_ = canon(in);                                                              \
		assert_non_null(s_);                                                               \
		assert_string_equal(s_, out);                                                      \
		free(s_);                                                                          \
	} while (0)

static void assert_error(const char *cond, const char *code, uint32_t pos)
{
	struct vg_parse_error err;
	struct vg_ast *a = vg_parse_condition(cond, strlen(cond), NULL, 0, &err);

	if (a) {
		vg_ast_free(a);
		fail_msg("'%s' parsed but should not", cond);
	}
	assert_string_equal(err.code, code);
	assert_int_equal(err.pos, pos);
}

static void test_all_operators(void **state)
{
	(void)state;
	assert_canon("proc.name = a", "proc.name = \"a\"");
	assert_canon("proc.name == a", "proc.name = \"a\"");
	assert_canon("proc.name != a", "proc.name != \"a\"");
	assert_canon("proc.pid < 1", "proc.pid < 1");
	assert_canon("proc.pid <= 1", "proc.pid <= 1");
	assert_canon("proc.pid > 1", "proc.pid > 1");
	assert_canon("proc.pid >= 1", "proc.pid >= 1");
	assert_canon("proc.name contains a", "proc.name contains \"a\"");
	assert_canon("proc.name icontains a", "proc.name icontains \"a\"");
	assert_canon("proc.name bcontains 6162", "proc.name bcontains \"6162\"");
	assert_canon("proc.name startswith a", "proc.name startswith \"a\"");
	assert_canon("proc.name bstartswith 61", "proc.name bstartswith \"61\"");
	assert_canon("proc.name endswith a", "proc.name endswith \"a\"");
	assert_canon("proc.name glob 'a*'", "proc.name glob \"a*\"");
	assert_canon("proc.name iglob 'a*'", "proc.name iglob \"a*\"");
	assert_canon("proc.name regex '^a.*'", "proc.name regex \"^a.*\"");
	assert_canon("proc.name in (a, b)", "proc.name in (\"a\", \"b\")");
	assert_canon("proc.name intersects (a)", "proc.name intersects (\"a\")");
	assert_canon("fd.name pmatch (/etc)", "fd.name pmatch (\"/etc\")");
	assert_canon("proc.name exists", "proc.name exists");
}

static void test_operators_without_blanks(void **state)
{
	(void)state;
	assert_canon("evt.type=execve", "evt.type = \"execve\"");
	assert_canon("fd.num>=0", "fd.num >= 0");
	assert_canon("proc.name in(a,b)", "proc.name in (\"a\", \"b\")");
	/* word operators need a blank after them, as in libsinsp */
	assert_error("proc.name contains(x)", "E-PARSE", 10);
}

static void test_precedence_and_grouping(void **state)
{
	(void)state;
	assert_canon("a or b and c", "(a or (b and c))");
	assert_canon("(a or b) and c", "((a or b) and c)");
	assert_canon("not a and b", "(not a and b)");
	assert_canon("not not a", "a");
	/* found by fuzz_condition: a negated negation must print as one again */
	assert_canon("not(not notp)", "not (not notp)");
	assert_canon("not (not notp)", "not (not notp)");
	assert_canon("not (not (not a))", "not (not (not a))");
	assert_canon("not(a or b)", "not (a or b)");
	assert_canon("a and(b)", "(a and b)");
	assert_canon("a and not(b)", "(a and not b)");
	assert_canon("  a\n\tor\r\nb  ", "(a or b)");
}

static void test_field_arguments(void **state)
{
	(void)state;
	assert_canon("proc.aname[2] = x", "proc.aname[\"2\"] = \"x\"");
	assert_canon("evt.arg[0] = x", "evt.arg[\"0\"] = \"x\"");
	assert_canon("evt.arg.flags contains O_TRUNC", "evt.arg.flags contains \"O_TRUNC\"");
	assert_canon("container.mount.dest[/var/run/docker.sock] exists",
		     "container.mount.dest[\"/var/run/docker.sock\"] exists");
	assert_canon("proc.env[HOME] = /root", "proc.env[\"HOME\"] = \"/root\"");
	assert_canon("proc.env['MY VAR'] = x", "proc.env[\"MY VAR\"] = \"x\"");
	assert_error("proc.aname[2 = x", "E-PARSE", 12);
	assert_error("proc.aname[] = x", "E-PARSE", 11);
}

static void test_values_and_lists(void **state)
{
	(void)state;
	assert_canon("proc.name in (\"a b\", 'c', d)", "proc.name in (\"a b\", \"c\", \"d\")");
	assert_canon("proc.name in ()", "proc.name in ()");
	assert_canon("proc.name in shell_binaries", "proc.name in (\"shell_binaries\")");
	assert_canon("proc.pname in (runc:[0:PARENT], x)",
		     "proc.pname in (\"runc:[0:PARENT]\", \"x\")");
	assert_canon("proc.pid = 0x10", "proc.pid = \"0x10\"");
	assert_canon("evt.res startswith E", "evt.res startswith \"E\"");
	assert_error("proc.name in (a,)", "E-PARSE", 16);
	assert_error("proc.name in (a b)", "E-PARSE", 16);
	assert_error("proc.pid > abc", "E-PARSE", 11);
}

static void test_transformers(void **state)
{
	(void)state;
	assert_canon("tolower(proc.name) = bash", "tolower(proc.name) = \"bash\"");
	assert_canon("toupper( proc.name ) = B", "toupper(proc.name) = \"B\"");
	assert_canon("b64(proc.args) contains x", "b64(proc.args) contains \"x\"");
	assert_canon("basename(tolower(proc.exe)) = x", "basename(tolower(proc.exe)) = \"x\"");
	assert_canon("len(proc.args) > 3", "len(proc.args) > 3");
	assert_canon("concat(proc.name, \"-\", proc.pname) = a-b",
		     "concat(proc.name, \"-\", proc.pname) = \"a-b\"");
	assert_canon("join(\",\", proc.aname) contains sshd",
		     "join(\",\", proc.aname) contains \"sshd\"");
	assert_canon("getopt(\"-c\", proc.args) = x", "getopt(\"-c\", proc.args) = \"x\"");
	assert_canon("proc.name = val(proc.pname)", "proc.name = val(proc.pname)");
	assert_canon("proc.name = tolower(proc.pname)", "proc.name = tolower(proc.pname)");
	assert_canon("proc.pid > val(proc.ppid)", "proc.pid > val(proc.ppid)");
	assert_error("tolower(x) = a", "E-PARSE", 8);
	assert_error("proc.name = val(tolower(proc.pname))", "E-PARSE", 16);
	assert_error("tolower(proc.name = a", "E-PARSE", 18);
}

static void test_list_modifiers(void **state)
{
	(void)state;
	assert_canon("proc.name startswith anyof (ba, da)",
		     "proc.name startswith anyof (\"ba\", \"da\")");
	assert_canon("proc.name contains allof(a,b)", "proc.name contains allof (\"a\", \"b\")");
	assert_canon("proc.name = oneof (x)", "proc.name = oneof (\"x\")");
	assert_canon("proc.name glob anyof shells", "proc.name glob anyof (\"shells\")");
	/* not a modifier: a plain value */
	assert_canon("proc.name = oneof", "proc.name = \"oneof\"");
	assert_canon("proc.name = anyofx", "proc.name = \"anyofx\"");
	/* no modifiers on list or numeric operators */
	assert_error("proc.pid > anyof (1)", "E-PARSE", 11);
}

static void test_macro_identifiers(void **state)
{
	(void)state;
	assert_canon("spawned_process and not user_known_x",
		     "(spawned_process and not user_known_x)");
	assert_canon("notmacro", "notmacro");
	assert_canon("andy or orca", "(andy or orca)");
}

static void test_errors_with_positions(void **state)
{
	(void)state;
	assert_error("", "E-EMPTY", 0);
	assert_error("   ", "E-EMPTY", 0);
	assert_error("proc.name", "E-PARSE", 9);
	assert_error("proc.name = ", "E-PARSE", 12);
	assert_error("proc.name = a and", "E-PARSE", 14);
	assert_error("(a or b", "E-PARSE", 7);
	assert_error("a b", "E-PARSE", 2);
	assert_error("proc.name = \"abc", "E-PARSE", 12);
	assert_error("proc.name = \"a\\qb\"", "E-ESCAPE", 14);
	assert_error("proc.name ~ x", "E-PARSE", 10);
	assert_error(")", "E-PARSE", 0);
}

static void test_depth_limit(void **state)
{
	struct vg_parse_error err;
	char buf[4000];
	struct vg_ast *a;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 1500; i++)
		buf[n++] = '(';
	buf[n++] = 'a';
	for (int i = 0; i < 1500; i++)
		buf[n++] = ')';
	a = vg_parse_condition(buf, n, NULL, 0, &err);
	assert_null(a);
	assert_string_equal(err.code, "E-DEPTH");
	assert_non_null(strstr(err.msg, "nesting depth"));
	/* a small nesting is fine, and a small limit applies */
	a = vg_parse_condition("((a))", 5, NULL, 0, &err);
	assert_non_null(a);
	vg_ast_free(a);
	a = vg_parse_condition("((((a))))", 9, NULL, 8, &err);
	assert_null(a);
	assert_string_equal(err.code, "E-DEPTH");
}

static void test_nul_and_garbage(void **state)
{
	struct vg_parse_error err;
	static const char *const junk[] = {
		"\x01\x02",
		"((((",
		"))))",
		"a and and b",
		"not (",
		"not not (",
		"proc.name in (",
		"proc.name in ((a))",
		"evt.arg[",
		"x.y[a]]",
		"val(proc.name) = a",
		"'a' = b",
		"proc.name = a)",
		"proc.name=\"\\",
		"\xff\xfe",
	};

	(void)state;
	assert_null(vg_parse_condition("a\0b", 3, NULL, 0, &err));
	assert_string_equal(err.code, "E-PARSE");
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		struct vg_ast *a = vg_parse_condition(junk[i], strlen(junk[i]), NULL, 0, &err);

		if (a)
			fail_msg("'%s' should not parse", junk[i]);
		assert_non_null(err.code);
	}
}

static void test_clone_is_deep(void **state)
{
	struct vg_parse_error err;
	const char *c = "proc.name in (a, b) and not tolower(proc.pname) = val(proc.exe) or m";
	struct vg_ast *a = vg_parse_condition(c, strlen(c), NULL, 0, &err), *b;
	char *sa, *sb;

	(void)state;
	assert_non_null(a);
	b = vg_ast_clone(a);
	assert_non_null(b);
	sa = vg_ast_to_string(a);
	vg_ast_free(a);
	sb = vg_ast_to_string(b);
	assert_string_equal(sa, sb);
	free(sa);
	free(sb);
	vg_ast_free(b);
}

static void test_op_lookup(void **state)
{
	(void)state;
	assert_int_equal(vg_op_lookup("=="), VG_OP_EQ);
	assert_int_equal(vg_op_lookup("pmatch"), VG_OP_PMATCH);
	assert_int_equal(vg_op_lookup("nope"), -1);
	assert_true(vg_op_is_list(VG_OP_INTERSECTS));
	assert_false(vg_op_is_list(VG_OP_EQ));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_operators),
		cmocka_unit_test(test_operators_without_blanks),
		cmocka_unit_test(test_precedence_and_grouping),
		cmocka_unit_test(test_field_arguments),
		cmocka_unit_test(test_values_and_lists),
		cmocka_unit_test(test_transformers),
		cmocka_unit_test(test_list_modifiers),
		cmocka_unit_test(test_macro_identifiers),
		cmocka_unit_test(test_errors_with_positions),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_nul_and_garbage),
		cmocka_unit_test(test_clone_is_deep),
		cmocka_unit_test(test_op_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
