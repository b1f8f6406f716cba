// SPDX-License-Identifier: Apache-2.0
/*
 * The alert writer prints what json-c prints (PLAIN | NOSLASHESCAPE) for the
 * same string once bytes that are not UTF-8 are replaced by U+FFFD (which
 * json-c does not do: it would pass them through): every byte value escaped
 * the same, the same number forms, the same nesting, no limit on length.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert/json_buf.h"
#include "utf8_ref.h"

static const char *jc(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* json-c's string of s after the repair the writer must make (utf8_ref.h). */
static json_object *jc_repaired(const char *s, size_t len)
{
	size_t n = 0;
	char *r = hw_repair(s, len, &n);
	json_object *o = json_object_new_string_len(r, (int)n);

	free(r);
	return o;
}

static void test_every_byte_escapes_as_json_c(void **state)
{
	struct vg_jbuf b;
	char all[256];

	(void)state;
	vg_jb_init(&b);
	for (int c = 0; c < 256; c++) {
		char s[3] = {'a', (char)c, 'z'};
		json_object *o = jc_repaired(s, 3);

		vg_jb_reset(&b);
		vg_jb_str(&b, s, 3);
		if (strcmp(b.s, jc(o)) != 0)
			fail_msg("byte 0x%02x: writer %s, json-c %s", c, b.s, jc(o));
		json_object_put(o);
		all[c] = (char)c;
	}
	json_object *o = jc_repaired(all, 256);

	vg_jb_reset(&b);
	vg_jb_str(&b, all, 256);
	assert_string_equal(b.s, jc(o));
	json_object_put(o);
	vg_jb_free(&b);
}

/*
 * The writer scans 8 bytes at a time: every byte, at every place of a
 * word and of the tail, next to plain bytes below and above it (a borrow
 * from one byte must not hide or fake another).
 */
static void test_every_byte_at_every_place(void **state)
{
	static const char fill[] = {'a', 0x7f, (char)0x80, (char)0xff, 0x20, 0x21, 0x23, 0x5d};
	struct vg_jbuf b;

	(void)state;
	vg_jb_init(&b);
	for (int c = 0; c < 256; c++)
		for (size_t f = 0; f < sizeof(fill); f++)
			for (size_t at = 0; at < 19; at++) {
				char s[19];
				json_object *o;

				memset(s, fill[f], sizeof(s));
				s[at] = (char)c;
				o = jc_repaired(s, sizeof(s));
				vg_jb_reset(&b);
				vg_jb_str(&b, s, sizeof(s));
				if (strcmp(b.s, jc(o)) != 0)
					fail_msg("byte 0x%02x at %zu among 0x%02x: writer %s, "
						 "json-c %s",
						 c, at, (unsigned char)fill[f], b.s, jc(o));
				json_object_put(o);
			}
	vg_jb_free(&b);
}

static void test_document_as_json_c(void **state)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	json_object *inner = json_object_new_object();
	struct vg_jbuf b;

	(void)state;
	json_object_object_add(o, "k\"ey/\n", json_object_new_string("v"));
	json_object_object_add(o, "u", json_object_new_uint64(UINT64_MAX));
	json_object_object_add(o, "i", json_object_new_int64(INT64_MIN));
	json_object_object_add(o, "neg", json_object_new_int64(-1));
	json_object_object_add(o, "zero", json_object_new_uint64(0));
	json_object_object_add(o, "t", json_object_new_boolean(1));
	json_object_object_add(o, "f", json_object_new_boolean(0));
	json_object_object_add(o, "n", NULL);
	json_object_object_add(o, "a long key with\ta tab late", json_object_new_string("x"));
	json_object_object_add(o, "empty", json_object_new_array());
	json_object_object_add(o, "eo", json_object_new_object());
	json_object_array_add(arr, json_object_new_string(""));
	json_object_array_add(arr, json_object_new_int64(7));
	json_object_object_add(inner, "d", json_object_new_double(0.5));
	json_object_array_add(arr, inner);
	json_object_object_add(o, "arr", arr);

	vg_jb_init(&b);
	vg_jb_obj_begin(&b);
	vg_jb_key(&b, "k\"ey/\n");
	vg_jb_cstr(&b, "v");
	vg_jb_key(&b, "u");
	vg_jb_u64(&b, UINT64_MAX);
	vg_jb_key(&b, "i");
	vg_jb_i64(&b, INT64_MIN);
	VG_JB_KEY(&b, "neg");
	vg_jb_i64(&b, -1);
	vg_jb_key(&b, "zero");
	vg_jb_u64(&b, 0);
	vg_jb_key(&b, "t");
	vg_jb_bool(&b, true);
	vg_jb_key(&b, "f");
	vg_jb_bool(&b, false);
	vg_jb_key(&b, "n");
	vg_jb_cstr(&b, NULL);
	vg_jb_key(&b, "a long key with\ta tab late");
	vg_jb_cstr(&b, "x");
	VG_JB_KEY(&b, "empty");
	vg_jb_arr_begin(&b);
	vg_jb_arr_end(&b);
	vg_jb_key(&b, "eo");
	vg_jb_obj_begin(&b);
	vg_jb_obj_end(&b);
	vg_jb_key(&b, "arr");
	vg_jb_arr_begin(&b);
	vg_jb_str(&b, "", 0);
	vg_jb_i64(&b, 7);
	vg_jb_obj_begin(&b);
	VG_JB_KEY(&b, "d");
	{
		json_object *d = json_object_new_double(0.5);

		vg_jb_verbatim(&b, jc(d), strlen(jc(d))); /* json-c's own text, as it is */
		json_object_put(d);
	}
	vg_jb_obj_end(&b);
	vg_jb_arr_end(&b);
	vg_jb_obj_end(&b);
	assert_false(b.oom);
	assert_string_equal(b.s, jc(o));
	assert_int_equal(b.len, strlen(jc(o)));
	json_object_put(o);
	vg_jb_free(&b);
}

static void test_long_values_grow_the_buffer(void **state)
{
	size_t n = 1 << 20;
	char *big = malloc(n);
	struct vg_jbuf b;
	json_object *o;

	(void)state;
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)(i % 7 ? 'x' : '\n');
	o = json_object_new_string_len(big, (int)n);
	vg_jb_init(&b);
	vg_jb_arr_begin(&b);
	vg_jb_str(&b, big, n);
	vg_jb_arr_end(&b);
	assert_false(b.oom);
	assert_int_equal(b.len, strlen(jc(o)) + 2);
	assert_memory_equal(b.s + 1, jc(o), b.len - 2);
	json_object_put(o);
	vg_jb_free(&b);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte_escapes_as_json_c),
		cmocka_unit_test(test_every_byte_at_every_place),
		cmocka_unit_test(test_document_as_json_c),
		cmocka_unit_test(test_long_values_grow_the_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
