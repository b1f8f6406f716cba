// SPDX-License-Identifier: Apache-2.0
/* User-space path resolution: relative, dirfd/cwd bases, "." and "..", long paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "state/path.h"

static const char *resolve(const char *base, const char *path, bool *ok)
{
	static char out[4096];

	*ok = vg_path_resolve(base, path, out, sizeof(out));
	return out;
}

static void absolute_paths_are_normalized(void **state)
{
	bool ok;

	(void)state;
	assert_string_equal(resolve(NULL, "/etc/passwd", &ok), "/etc/passwd");
	assert_true(ok);
	assert_string_equal(resolve("/ignored", "//etc///./shadow", &ok), "/etc/shadow");
	assert_string_equal(resolve(NULL, "/etc/ssh/../shadow", &ok), "/etc/shadow");
	assert_string_equal(resolve(NULL, "/../../etc/./", &ok), "/etc");
	assert_string_equal(resolve(NULL, "/", &ok), "/");
	assert_string_equal(resolve(NULL, "/a/b/../../..", &ok), "/");
	assert_true(ok);
	/* the names that look like "." and ".." but are not, and the ones that are, at the end */
	assert_string_equal(resolve(NULL, "/a/.b/..c/...", &ok), "/a/.b/..c/...");
	assert_string_equal(resolve(NULL, "/etc/ssh/.", &ok), "/etc/ssh");
	assert_string_equal(resolve(NULL, "/etc/ssh/..", &ok), "/etc");
	assert_string_equal(resolve(NULL, "/etc/ssh/", &ok), "/etc/ssh");
	assert_true(ok);
}

static void relative_paths_join_the_base(void **state)
{
	bool ok;

	(void)state;
	assert_string_equal(resolve("/home/u", "notes.txt", &ok), "/home/u/notes.txt");
	assert_true(ok);
	assert_string_equal(resolve("/home/u/", "./a/../b", &ok), "/home/u/b");
	assert_string_equal(resolve("/var/www/html", "../../../etc/passwd", &ok), "/etc/passwd");
	assert_string_equal(resolve("/", "../../../../etc/shadow", &ok), "/etc/shadow");
	assert_string_equal(resolve("/tmp", ".", &ok), "/tmp");
	assert_true(ok);
}

static void unknown_base_keeps_a_relative_name(void **state)
{
	bool ok;

	(void)state;
	assert_string_equal(resolve(NULL, "a/./b/../c", &ok), "a/c");
	assert_false(ok);
	assert_string_equal(resolve(NULL, "../../x", &ok), "../../x");
	assert_false(ok);
	assert_string_equal(resolve(NULL, "./", &ok), ".");
	assert_false(ok);
}

static void too_long_is_reported(void **state)
{
	char longname[8000], out[64];

	(void)state;
	memset(longname, 'x', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	assert_false(vg_path_resolve(NULL, longname, out, sizeof(out)));
	assert_true(strlen(out) < sizeof(out));
	/* long but fitting: every component kept */
	char big[4096] = "";
	for (int i = 0; i < 200; i++)
		strcat(big, "/dir");
	assert_true(vg_path_resolve(NULL, big, out, sizeof(out)) == false);
	char out2[4096];
	assert_true(vg_path_resolve(NULL, big, out2, sizeof(out2)));
	assert_int_equal(strlen(out2), 800);
}

static void split_into_directory_and_file(void **state)
{
	char dir[256];
	const char *file;

	(void)state;
	vg_path_split("/etc/ssh/sshd_config", dir, sizeof(dir), &file);
	assert_string_equal(dir, "/etc/ssh");
	assert_string_equal(file, "sshd_config");
	vg_path_split("/vmlinuz", dir, sizeof(dir), &file);
	assert_string_equal(dir, "/");
	assert_string_equal(file, "vmlinuz");
	vg_path_split("relative", dir, sizeof(dir), &file);
	assert_string_equal(dir, "");
	assert_string_equal(file, "relative");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(absolute_paths_are_normalized),
		cmocka_unit_test(relative_paths_join_the_base),
		cmocka_unit_test(unknown_base_keeps_a_relative_name),
		cmocka_unit_test(too_long_is_reported),
		cmocka_unit_test(split_into_directory_and_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
