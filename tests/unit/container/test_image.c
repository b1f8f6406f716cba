// SPDX-License-Identifier: Apache-2.0
/* Image reference splitting, compared with what Falco's split_container_image gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "container/container.h"

#define D "sha256:2cf5e4bf8a8f949c14f8c4ce58eb56671d8175310c1391aa212bc5a03757c01f"

static const struct {
	const char *image, *repo, *tag, *digest;
} rows[] = {
	{"nginx", "nginx", "", ""},
	{"nginx:1.25", "nginx", "1.25", ""},
	{"library/nginx:1.25-alpine", "library/nginx", "1.25-alpine", ""},
	{"docker.io/library/nginx:1.25", "docker.io/library/nginx", "1.25", ""},
	{"localhost/vigil-test/busybox:1.0", "localhost/vigil-test/busybox", "1.0", ""},
	/* a registry port is not a tag */
	{"localhost:5000/team/app:1.2", "localhost:5000/team/app", "1.2", ""},
	{"localhost:5000/app", "localhost:5000/app", "", ""},
	{"registry.example.com:443/a/b/c:v2", "registry.example.com:443/a/b/c", "v2", ""},
	/* digests, with and without a tag */
	{"quay.io/org/app@" D, "quay.io/org/app", "", D},
	{"registry:5000/org/app:v1@" D, "registry:5000/org/app", "v1", D},
	{"nginx@" D, "nginx", "", D},
	{"nginx:1.25@" D, "nginx", "1.25", D},
	/* Falco's quirks kept: the first '/' ends the host part, the first ':' after it the name */
	{"a/b:c/d", "a/b", "c/d", ""},
	{D, "sha256", &D[7], ""},
	{"", "", "", ""},
	{":", "", "", ""},
	{"@", "", "", ""},
	{"/", "/", "", ""},
};

static void test_split(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *repo, *tag, *digest;

		print_message("%s\n", rows[i].image);
		assert_int_equal(vg_image_split(rows[i].image, &repo, &tag, &digest), 0);
		assert_string_equal(repo, rows[i].repo);
		assert_string_equal(tag, rows[i].tag);
		assert_string_equal(digest, rows[i].digest);
		free(repo);
		free(tag);
		free(digest);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
