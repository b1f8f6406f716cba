// SPDX-License-Identifier: Apache-2.0
/*
 * Byte bounds on container metadata: a container's owner writes its labels,
 * annotations, names and image name, and the runtime stores them in the
 * state files vigil reads. Hostile config.json files (100k annotations, a
 * 3 MiB image name, a 100 MB file) must be cut to the documented bounds and
 * every cut counted by reason; the cache must stay within its byte bound,
 * evictions by bytes counted apart from those by entries.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "container/cache.h"
#include "container/container_internal.h"

static char dir[] = "/tmp/vg-ct-bounds-XXXXXX";

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A growing text buffer for the hostile documents. */
struct text {
	char *p;
	size_t len, cap;
};

static void add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->p = realloc(t->p, t->cap);
		assert_non_null(t->p);
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void adds(struct text *t, const char *s)
{
	add(t, s, strlen(s));
}

static void add_repeat(struct text *t, char ch, size_t n)
{
	char chunk[4096];

	memset(chunk, ch, sizeof(chunk));
	while (n) {
		size_t k = n < sizeof(chunk) ? n : sizeof(chunk);

		add(t, chunk, k);
		n -= k;
	}
}

/*
 * A bare OCI container (its annotations are its labels) with 100,000
 * annotations, one key of 10 KiB and one value of 1 MiB: under the 4 MiB
 * file bound, so the file is read; what is kept must be bounded.
 */
static void test_hostile_labels(void **state)
{
	struct text t = {0};
	char path[256], kv[64];
	struct vg_container *c = vg_ct_new();
	uint64_t labels0 = vg_ct_truncated(VG_CT_TRUNC_LABELS);
	uint64_t str0 = vg_ct_truncated(VG_CT_TRUNC_STRING);

	(void)state;
	assert_non_null(c);
	adds(&t, "{\"ociVersion\":\"1.0.2\",\"annotations\":{\"");
	add_repeat(&t, 'k', 10240);
	adds(&t, "\":\"");
	add_repeat(&t, 'v', 1 << 20);
	adds(&t, "\"");
	for (unsigned i = 0; i < 100000; i++) {
		/* keys that differ in their first bytes: a quadratic scan would be fast per step */
		snprintf(kv, sizeof(kv), ",\"%05x.l\":\"x\"", (i * 2654435761u) & 0xfffff);
		adds(&t, kv);
	}
	adds(&t, "}}");
	assert_true(t.len < VG_META_MAX_FILE);
	snprintf(path, sizeof(path), "%s/labels.json", dir);
	write_file(path, t.p, t.len);
	free(t.p);

	assert_int_equal(vg_meta_oci_file(path, c), 1);
	assert_int_equal(vg_ct_finish(c), 0);
	print_message("kept %zu labels, %zu bytes\n", c->n_labels, c->memory_bytes);
	assert_true(c->n_labels <= VG_META_MAX_LABELS);
	assert_true(c->n_labels > 0);
	for (size_t i = 0; i < c->n_labels; i++) {
		assert_true(strlen(c->labels[i].key) <= VG_META_MAX_STR);
		assert_true(strlen(c->labels[i].value) <= VG_META_MAX_STR);
	}
	assert_true(c->memory_bytes <= VG_META_MAX_CT_BYTES);
	/* every annotation past the bound was counted, and the long key and value were cut */
	assert_true(vg_ct_truncated(VG_CT_TRUNC_LABELS) - labels0 >=
		    100001 - VG_META_MAX_LABELS - 1);
	assert_true(vg_ct_truncated(VG_CT_TRUNC_STRING) - str0 >= 2);
	vg_ct_free(c);
}

/* containerd's CRI annotation names the image: 3 MiB of it is cut to the string bound. */
static void test_hostile_image(void **state)
{
	struct text t = {0};
	char path[256];
	struct vg_container *c = vg_ct_new();
	uint64_t str0 = vg_ct_truncated(VG_CT_TRUNC_STRING);

	(void)state;
	assert_non_null(c);
	adds(&t, "{\"ociVersion\":\"1.0.2\",\"annotations\":{"
		 "\"io.kubernetes.cri.container-type\":\"container\","
		 "\"io.kubernetes.cri.sandbox-id\":\"abc\","
		 "\"io.kubernetes.cri.container-name\":\"web\","
		 "\"io.kubernetes.cri.image-name\":\"docker.io/library/");
	/* a two-byte character across the cut (bytes 4095 and 4096): it must not be split */
	add_repeat(&t, 'a', VG_META_MAX_STR - 1 - strlen("docker.io/library/"));
	adds(&t, "\\u00e9");
	add_repeat(&t, 'a', 3 << 20);
	adds(&t, ":1\"}}");
	snprintf(path, sizeof(path), "%s/image.json", dir);
	write_file(path, t.p, t.len);
	free(t.p);

	assert_int_equal(vg_meta_oci_file(path, c), 1);
	assert_int_equal(vg_ct_finish(c), 0);
	assert_non_null(c->image);
	print_message("image kept: %zu bytes\n", strlen(c->image));
	assert_int_equal(strlen(c->image), VG_META_MAX_STR - 1);
	assert_true(vg_ct_truncated(VG_CT_TRUNC_STRING) > str0);
	assert_true(c->memory_bytes <= VG_META_MAX_CT_BYTES);
	vg_ct_free(c);
}

/* A 100 MB state file (sparse) is not read at all, and that is counted. */
static void test_hostile_file(void **state)
{
	char path[256];
	struct vg_container *c = vg_ct_new();
	uint64_t file0 = vg_ct_truncated(VG_CT_TRUNC_FILE);
	int fd;

	(void)state;
	assert_non_null(c);
	snprintf(path, sizeof(path), "%s/huge.json", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 100 << 20), 0);
	close(fd);
	assert_int_equal(vg_meta_oci_file(path, c), -EFBIG);
	assert_int_equal(vg_ct_truncated(VG_CT_TRUNC_FILE), file0 + 1);
	assert_int_equal(c->n_labels, 0);
	vg_ct_free(c);
	unlink(path);
}

/* Labels each at the string bound: the per-container byte budget drops some, counted. */
static void test_container_budget(void **state)
{
	struct vg_container *c = vg_ct_new();
	char *big = malloc(VG_META_MAX_STR + 1);
	char key[32];
	uint64_t bytes0 = vg_ct_truncated(VG_CT_TRUNC_BYTES);

	(void)state;
	assert_non_null(c);
	assert_non_null(big);
	memset(big, 'x', VG_META_MAX_STR);
	big[VG_META_MAX_STR] = '\0';
	for (unsigned i = 0; i < VG_META_MAX_LABELS; i++) {
		snprintf(key, sizeof(key), "k%u", i);
		assert_int_equal(vg_ct_kv_put(&c->labels, &c->n_labels, key, big), 0);
	}
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(vg_ct_add_mount(c, big, big, "", "", true), 0);
	assert_true(vg_ct_memory(c) > VG_META_MAX_CT_BYTES);
	assert_int_equal(vg_ct_finish(c), 0);
	print_message("kept %zu labels, %zu mounts, %zu bytes\n", c->n_labels, c->n_mounts,
		      c->memory_bytes);
	assert_true(c->memory_bytes <= VG_META_MAX_CT_BYTES);
	assert_true(c->n_labels > 0);
	assert_true(vg_ct_truncated(VG_CT_TRUNC_BYTES) > bytes0);
	free(big);
	vg_ct_free(c);
}

static struct vg_container *sized(size_t bytes)
{
	struct vg_container *c = vg_ct_new();
	char *v = malloc(VG_META_MAX_STR + 1);
	char key[32];

	assert_non_null(c);
	assert_non_null(v);
	memset(v, 'y', VG_META_MAX_STR);
	v[VG_META_MAX_STR] = '\0';
	for (unsigned i = 0; vg_ct_memory(c) < bytes; i++) {
		snprintf(key, sizeof(key), "k%u", i);
		assert_int_equal(vg_ct_kv_put(&c->labels, &c->n_labels, key, v), 0);
	}
	free(v);
	assert_int_equal(vg_ct_finish(c), 0);
	return c;
}

/* The cache by bytes: 20 containers of ~100 KiB under a 1 MiB bound. */
static void test_cache_bytes(void **state)
{
	struct vg_cache *cache = vg_cache_new(1000);
	const size_t bound = 1u << 20;
	size_t one;

	(void)state;
	assert_non_null(cache);
	vg_cache_set_max_bytes(cache, bound);
	for (uint64_t k = 1; k <= 20; k++) {
		struct vg_container *c = sized(100u << 10);

		one = c->memory_bytes;
		assert_non_null(vg_cache_put(cache, k, c));
		assert_true(vg_cache_memory(cache) <= bound + 64 * 1024);
	}
	print_message("%zu entries, %zu bytes, %zu evicted by bytes\n", vg_cache_count(cache),
		      vg_cache_memory(cache), vg_cache_evictions_bytes(cache));
	assert_true(vg_cache_count(cache) <= bound / one);
	assert_true(vg_cache_evictions_bytes(cache) >= 20 - bound / one);
	assert_int_equal(vg_cache_evictions(cache), vg_cache_evictions_bytes(cache));
	/* the most recent stay */
	assert_non_null(vg_cache_peek(cache, 20));
	assert_null(vg_cache_peek(cache, 1));
	vg_cache_free(cache);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_labels), cmocka_unit_test(test_hostile_image),
		cmocka_unit_test(test_hostile_file),   cmocka_unit_test(test_container_budget),
		cmocka_unit_test(test_cache_bytes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
