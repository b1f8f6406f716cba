// SPDX-License-Identifier: Apache-2.0
/* Field registry: consistency, lookup, argument binding, user database. */
#include <stdlib.h>
#include <string.h>

#include "fields/fields_util.h"
#include "fields/registry.h"
#include "helpers.h"

static void test_names_unique_and_described(void **state)
{
	const struct vg_field_class *const *cls;
	size_t ncls, total = 0;

	(void)state;
	cls = vg_field_classes(&ncls);
	assert_true(ncls >= 8);
	for (size_t a = 0; a < ncls; a++) {
		for (size_t i = 0; i < cls[a]->nfields; i++) {
			const struct vg_field_def *d = &cls[a]->fields[i];

			total++;
			assert_non_null(d->desc);
			assert_true(strlen(d->desc) > 3);
			assert_non_null(strchr(d->name, '.'));
			/* live means an extractor, and back */
			assert_int_equal(!!(d->flags & VG_FF_LIVE), d->extract != NULL);
			for (size_t b = 0; b < ncls; b++)
				for (size_t j = 0; j < cls[b]->nfields; j++)
					if ((a != b || i != j) &&
					    strcmp(d->name, cls[b]->fields[j].name) == 0)
						fail_msg("duplicate field %s", d->name);
		}
	}
	assert_true(total > 250);
}

static void test_lookup_and_dotted_args(void **state)
{
	const char *arg;
	const struct vg_field_def *d;

	(void)state;
	d = vg_field_lookup("proc.name", &arg);
	assert_non_null(d);
	assert_null(arg);
	assert_int_equal(d->type, VG_FT_STRING);
	d = vg_field_lookup("evt.arg.flags", &arg);
	assert_non_null(d);
	assert_string_equal(d->name, "evt.arg");
	assert_string_equal(arg, "flags");
	d = vg_field_lookup("proc.exe_ino.ctime", &arg);
	assert_non_null(d);
	assert_null(arg);
	assert_int_equal(d->type, VG_FT_ABSTIME);
	assert_null(vg_field_lookup("proc.nosuch", &arg));
	assert_null(vg_field_lookup("evt.arg.", &arg));
	assert_int_equal(vg_field_lookup("fd.sport", &arg)->type, VG_FT_PORT);
	assert_int_equal(vg_field_lookup("fd.snet", &arg)->type, VG_FT_IPNET);
	assert_int_equal(vg_field_lookup("proc.pid", &arg)->type, VG_FT_S64);
	assert_int_equal(vg_field_lookup("user.loginuid", &arg)->type, VG_FT_S64);
	assert_int_equal(vg_field_lookup("container.privileged", &arg)->type, VG_FT_BOOL);
}

static void test_bind(void **state)
{
	struct vg_field_ref ref;
	const char *arg;

	(void)state;
	assert_null(vg_field_bind(&ref, vg_field_lookup("proc.aname", &arg), "3"));
	assert_int_equal(ref.index, 3);
	assert_null(vg_field_bind(&ref, vg_field_lookup("proc.aname", &arg), NULL));
	assert_int_equal(ref.index, -1);
	assert_non_null(vg_field_bind(&ref, vg_field_lookup("proc.aname", &arg), "-1"));
	assert_non_null(vg_field_bind(&ref, vg_field_lookup("proc.name", &arg), "1"));
	assert_non_null(vg_field_bind(&ref, vg_field_lookup("container.mount.dest", &arg), NULL));
	assert_null(vg_field_bind(&ref, vg_field_lookup("container.mount.dest", &arg), "/etc"));
	assert_null(vg_field_bind(&ref, vg_field_lookup("evt.arg", &arg), "0"));
	assert_int_equal(ref.index, 0);
	assert_null(vg_field_bind(&ref, vg_field_lookup("evt.arg", &arg), "fd"));
	assert_int_equal(ref.index, -1);
}

static void test_userdb(void **state)
{
	struct vg_userdb *db = vg_userdb_load(TEST_DATA_DIR "/passwd", TEST_DATA_DIR "/group");

	(void)state;
	assert_non_null(db);
	assert_string_equal(vg_userdb_user(db, 0), "root");
	assert_string_equal(vg_userdb_user(db, 1000), "alice");
	assert_string_equal(vg_userdb_home(db, 1000), "/home/alice");
	assert_string_equal(vg_userdb_shell(db, 1000), "/bin/zsh");
	assert_null(vg_userdb_user(db, 4242));
	assert_string_equal(vg_userdb_group(db, 1000), "alice");
	vg_userdb_free(db);
	db = vg_userdb_load("/nonexistent", "/nonexistent");
	assert_non_null(db);
	assert_null(vg_userdb_user(db, 0));
	vg_userdb_free(db);
}

static void test_scratch(void **state)
{
	char mem[16];
	struct vg_scratch s = {mem, sizeof(mem), 0};

	(void)state;
	assert_non_null(vg_scratch_alloc(&s, 10));
	assert_null(vg_scratch_alloc(&s, 10));
	vg_scratch_reset(&s);
	assert_string_equal(vg_scratch_copy(&s, "abcdef", 3), "abc");
}

/*
 * An argv or environment made one line: every NUL a space, every other
 * byte as it was, at every length around the 16-byte steps and with NULs
 * and 0x20 / 0xa0 / 0x80 bytes (which must stay) at every place.
 */
static void test_copy_line(void **state)
{
	static const char fill[] = {'a', 0x20, (char)0xa0, (char)0x80, 0x01, (char)0xff};
	char src[70], dst[72], want[70];

	(void)state;
	for (size_t len = 0; len <= sizeof(src); len++)
		for (size_t f = 0; f < sizeof(fill); f++)
			for (size_t z = 0; z <= len; z++) {
				memset(src, fill[f], sizeof(src));
				for (size_t i = z; i < len; i += 7)
					src[i] = '\0'; /* NULs from z on, every 7th */
				for (size_t i = 0; i < len; i++)
					want[i] = src[i] ? src[i] : ' ';
				memset(dst, 'X', sizeof(dst));
				vg_fx_copy_line(dst, src, len);
				assert_memory_equal(dst, want, len);
				assert_int_equal(dst[len], 'X'); /* nothing written past n */
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_unique_and_described),
		cmocka_unit_test(test_lookup_and_dotted_args),
		cmocka_unit_test(test_bind),
		cmocka_unit_test(test_userdb),
		cmocka_unit_test(test_scratch),
		cmocka_unit_test(test_copy_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
