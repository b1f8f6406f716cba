// SPDX-License-Identifier: Apache-2.0
/* Lexer: token classes, libsinsp quoting and escapes, positions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rules/lexer.h"

static enum vg_lex_qres quoted(const char *in, char **out, size_t *len, size_t *pos)
{
	struct vg_lexer lx;
	size_t errpos = 0;
	enum vg_lex_qres r;

	vg_lex_init(&lx, in, strlen(in));
	r = vg_lex_quoted(&lx, out, len, &errpos);
	*pos = r == VG_LEX_QUOTED ? lx.pos : errpos;
	return r;
}

static void test_double_and_single_quotes(void **state)
{
	char *s;
	size_t len, pos;

	(void)state;
	assert_int_equal(quoted("\"a b\" rest", &s, &len, &pos), VG_LEX_QUOTED);
	assert_string_equal(s, "a b");
	assert_int_equal(pos, 5);
	free(s);
	assert_int_equal(quoted("'x,y'", &s, &len, &pos), VG_LEX_QUOTED);
	assert_string_equal(s, "x,y");
	free(s);
	assert_int_equal(quoted("bare", &s, &len, &pos), VG_LEX_NOT_QUOTED);
}

static void test_escapes(void **state)
{
	char *s;
	size_t len, pos;

	(void)state;
	assert_int_equal(quoted("\"\\b\\f\\n\\r\\t\\\\\\/\"", &s, &len, &pos), VG_LEX_QUOTED);
	assert_int_equal(len, 7);
	assert_memory_equal(s, "\b\f\n\r\t\\/", 7);
	free(s);
	/* the delimiting quote may be escaped */
	assert_int_equal(quoted("\"say \\\"hi\\\"\"", &s, &len, &pos), VG_LEX_QUOTED);
	assert_string_equal(s, "say \"hi\"");
	free(s);
	assert_int_equal(quoted("'it\\'s'", &s, &len, &pos), VG_LEX_QUOTED);
	assert_string_equal(s, "it's");
	free(s);
	/* libsinsp turns "\ " into a backslash */
	assert_int_equal(quoted("'a\\ b'", &s, &len, &pos), VG_LEX_QUOTED);
	assert_string_equal(s, "a\\b");
	free(s);
}

static void test_bad_escapes(void **state)
{
	char *s = NULL;
	size_t len, pos;

	(void)state;
	assert_int_equal(quoted("\"a\\qb\"", &s, &len, &pos), VG_LEX_BAD_ESCAPE);
	assert_int_equal(pos, 2);
	/* the other quote character may not be escaped */
	assert_int_equal(quoted("'a\\\"b'", &s, &len, &pos), VG_LEX_BAD_ESCAPE);
	assert_int_equal(quoted("\"a\\'b\"", &s, &len, &pos), VG_LEX_BAD_ESCAPE);
	assert_int_equal(quoted("\"abc", &s, &len, &pos), VG_LEX_UNTERMINATED);
	assert_int_equal(quoted("\"abc\\", &s, &len, &pos), VG_LEX_UNTERMINATED);
	assert_null(s);
}

static size_t lex_with(size_t (*fn)(struct vg_lexer *), const char *in)
{
	struct vg_lexer lx;

	vg_lex_init(&lx, in, strlen(in));
	return fn(&lx);
}

static void test_token_classes(void **state)
{
	(void)state;
	assert_int_equal(lex_with(vg_lex_identifier, "abc_1 x"), 5);
	assert_int_equal(lex_with(vg_lex_identifier, "1abc"), 0);
	assert_int_equal(lex_with(vg_lex_field_name, "proc.aname[2]"), 10);
	assert_int_equal(lex_with(vg_lex_field_name, "evt.arg.flags=x"), 13);
	assert_int_equal(lex_with(vg_lex_field_name, "macro_name"), 0);
	assert_int_equal(lex_with(vg_lex_field_name, "a.1b"), 0);
	assert_int_equal(lex_with(vg_lex_field_arg, "/etc/x]"), 6);
	assert_int_equal(lex_with(vg_lex_number, "-12.5e+3 "), 8);
	assert_int_equal(lex_with(vg_lex_number, "0x1F)"), 4);
	assert_int_equal(lex_with(vg_lex_number, "abc"), 0);
	assert_int_equal(lex_with(vg_lex_bare, "runc:[0:PARENT], x"), 15);
	assert_int_equal(lex_with(vg_lex_bare, "a=b"), 1);
	assert_int_equal(lex_with(vg_lex_bare, "(x"), 0);
}

static void test_blank_and_literals(void **state)
{
	struct vg_lexer lx;

	(void)state;
	vg_lex_init(&lx, " \t\r\n\bx", 6);
	assert_true(vg_lex_blank(&lx));
	assert_int_equal(lx.pos, 5);
	assert_false(vg_lex_blank(&lx));
	assert_true(vg_lex_lit(&lx, "x"));
	assert_true(vg_lex_eof(&lx));
	assert_false(vg_lex_lit(&lx, "y"));
}

static void test_linecol(void **state)
{
	const char *s = "ab\ncd\n\nx";
	int line, col;

	(void)state;
	vg_lex_linecol(s, strlen(s), 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	vg_lex_linecol(s, strlen(s), 4, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 2);
	vg_lex_linecol(s, strlen(s), 7, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_double_and_single_quotes),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_bad_escapes),
		cmocka_unit_test(test_token_classes),
		cmocka_unit_test(test_blank_and_literals),
		cmocka_unit_test(test_linecol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
