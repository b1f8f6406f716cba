// SPDX-License-Identifier: Apache-2.0
/*
 * Property: whatever bytes a watched process puts in a name, a path, argv,
 * its environment or its container's name, every alert line and every
 * `vigil events` line is valid UTF-8 and one JSON object; each string is the
 * original with every byte outside a well-formed UTF-8 sequence replaced by
 * U+FFFD; and the exact original bytes of each such string are in the
 * line's raw map (base64), nowhere else. Checked against the independent
 * definitions of utf8_ref.h, on every single byte, every byte pair,
 * truncated, overlong, surrogate and out-of-range sequences, control bytes,
 * quotes and backslashes, seeded random strings and a 1 MiB string: first
 * through the string writer in every JSON position (value, key, array,
 * nested), then through the whole alert and events writers in every string
 * field of an exec.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>

#include "hostile_world.h"

#define NSTR_MAX 4096

struct bytes {
	char *s;
	size_t len;
};

static struct bytes corpus[NSTR_MAX];
static size_t ncorpus;

static void add(const void *s, size_t len)
{
	if (ncorpus == NSTR_MAX)
		return;
	corpus[ncorpus].s = malloc(len + 1);
	assert_non_null(corpus[ncorpus].s);
	memcpy(corpus[ncorpus].s, s, len);
	corpus[ncorpus].s[len] = '\0';
	corpus[ncorpus++].len = len;
}

/* A small deterministic generator: the same strings on every run and machine. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

static int build_corpus(void **state)
{
	static const char *const fixed[] = {
		/* overlongs */
		"evil\xff",
		"\xc0\xaf",
		"\xc1\xbf",
		"\xe0\x80\x80",
		"\xe0\x9f\xbf",
		"\xf0\x80\x80\x80",
		"\xf0\x8f\xbf\xbf",
		/* surrogates, then beyond U+10FFFF */
		"\xed\xa0\x80",
		"\xed\xbf\xbf",
		"\xed\xa0\x80\xed\xb0\x80",
		"\xf4\x90\x80\x80",
		"\xf5\x80\x80\x80",
		"\xf7\xbf\xbf\xbf",
		"\xff\xfe",
		/* truncated sequences, then stray continuation bytes */
		"\xe2\x82",
		"\xe2\x82\x61",
		"\xf0\x9f\x98",
		"\xf0\x9f",
		"\xc3",
		"a\xc3",
		"\x80",
		"\xbf\x80",
		"\xe2\x82\xac\x80",
		/* valid, edges included */
		"caf\xc3\xa9",
		"\xe2\x82\xac",
		"\xf0\x9f\x98\x80",
		"\xef\xbf\xbd",
		"\xf4\x8f\xbf\xbf",
		"\xed\x9f\xbf",
		"\xee\x80\x80",
		/* what JSON escapes */
		"a\x01\"\\b",
		"\x1f\x7f",
		"\"\\\"\\",
		"/\b\f\n\r\t",
		"",
	};
	char s[2];
	(void)state;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		add(fixed[i], strlen(fixed[i]));
	add("\0", 1);
	add("a\0b", 3);
	for (int c = 0; c < 256; c++) {
		s[0] = (char)c;
		add(s, 1);
	}
	for (int i = 0; i < 2000; i++) {
		char r[96];
		size_t n = next() % sizeof(r);

		for (size_t k = 0; k < n; k++) {
			uint32_t x = next();

			/* mostly high bytes and near-valid sequences, some ASCII and controls */
			r[k] = (char)(x % 4 == 0   ? (x >> 8) % 0x40 + 0x80
				      : x % 4 == 1 ? (x >> 8) % 0x20 + 0xe0
				      : x % 4 == 2 ? (x >> 8) % 0x80
						   : x >> 8);
		}
		add(r, n);
	}
	return 0;
}

static int free_corpus(void **state)
{
	(void)state;
	for (size_t i = 0; i < ncorpus; i++)
		free(corpus[i].s);
	ncorpus = 0;
	return 0;
}

/* The JSON string value v holds exactly the repair of s. */
static void assert_repaired(json_object *v, const char *s, size_t len, const char *where)
{
	size_t n = 0;
	char *want = hw_repair(s, len, &n);

	if (!json_object_is_type(v, json_type_string) ||
	    (size_t)json_object_get_string_len(v) != n ||
	    memcmp(json_object_get_string(v), want, n) != 0)
		fail_msg("%s: not the repair of the %zu input bytes (first 0x%02x): %s", where, len,
			 len ? (unsigned char)s[0] : 0, json_object_to_json_string(v));
	free(want);
}

/* raw[key] decodes to exactly s when s is not UTF-8, and is absent when it is. */
static void assert_raw(json_object *raw, const char *key, const char *s, size_t len)
{
	json_object *v = NULL;
	size_t n = 0;
	char *got;

	if (raw)
		json_object_object_get_ex(raw, key, &v);
	if (hw_utf8_ok(s, len)) {
		if (v)
			fail_msg("raw %s present for a valid string", key);
		return;
	}
	if (!v || !(got = hw_unbase64(json_object_get_string(v), &n))) {
		fail_msg("raw %s missing or not base64", key);
		return;
	}
	if (n != len || memcmp(got, s, len) != 0)
		fail_msg("raw %s: %zu bytes back, %zu put in", key, n, len);
	free(got);
}

/* One string through the writer as a value, a key, in an array and nested. */
static void check_writer(struct vg_jbuf *b, const char *s, size_t len)
{
	json_object *o, *v, *arr, *inner;
	size_t n;
	char *back;

	vg_jb_reset(b);
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "v");
	vg_jb_str(b, s, len);
	assert_true(b->replaced == !hw_utf8_ok(s, len));
	VG_JB_KEY(b, "k");
	vg_jb_obj_begin(b);
	vg_jb_key_n(b, s, len);
	vg_jb_u64(b, 1);
	vg_jb_obj_end(b);
	VG_JB_KEY(b, "a");
	vg_jb_arr_begin(b);
	vg_jb_str(b, s, len);
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "n");
	vg_jb_str(b, s, len);
	vg_jb_obj_end(b);
	vg_jb_arr_end(b);
	VG_JB_KEY(b, "raw");
	vg_jb_base64(b, s, len);
	vg_jb_obj_end(b);
	assert_false(b->oom);
	if (!hw_utf8_ok(b->s, b->len))
		fail_msg("writer output is not UTF-8 for a %zu-byte input", len);
	if (!(o = hw_parse(b->s))) {
		fail_msg("writer output does not parse: %s", b->s);
		return;
	}
	assert_true(json_object_object_get_ex(o, "v", &v));
	assert_repaired(v, s, len, "value");
	assert_true(json_object_object_get_ex(o, "k", &v));
	json_object_object_foreach(v, key, one)
	{
		json_object *k = json_object_new_string(key);

		assert_int_equal(json_object_get_int(one), 1);
		assert_repaired(k, s, strnlen(s, len), "key"); /* json-c keys end at a NUL */
		json_object_put(k);
	}
	assert_true(json_object_object_get_ex(o, "a", &arr));
	assert_repaired(json_object_array_get_idx(arr, 0), s, len, "array item");
	inner = json_object_array_get_idx(arr, 1);
	assert_true(json_object_object_get_ex(inner, "n", &v));
	assert_repaired(v, s, len, "nested value");
	assert_true(json_object_object_get_ex(o, "raw", &v));
	back = hw_unbase64(json_object_get_string(v), &n);
	assert_non_null(back);
	assert_int_equal(n, len);
	assert_memory_equal(back, s, len);
	free(back);
	json_object_put(o);
}

static void test_writer_every_position(void **state)
{
	struct vg_jbuf b;

	(void)state;
	vg_jb_init(&b);
	for (size_t i = 0; i < ncorpus; i++)
		check_writer(&b, corpus[i].s, corpus[i].len);
	for (int c = 0; c < 65536; c++) { /* every byte pair, at the end of a word too */
		char s[9] = "abcdefg";

		s[7] = (char)(c >> 8);
		s[8] = (char)c;
		check_writer(&b, s, 9);
	}
	vg_jb_free(&b);
}

static void test_writer_huge_string(void **state)
{
	size_t len = 1 << 20;
	char *s = malloc(len);
	struct vg_jbuf b;

	(void)state;
	assert_non_null(s);
	for (size_t i = 0; i < len; i++)
		s[i] = (char)(i % 4096 == 4095 ? 0xff : next());
	vg_jb_init(&b);
	check_writer(&b, s, len);
	memset(s, 'x', len);
	check_writer(&b, s, len);
	vg_jb_free(&b);
	free(s);
}

/* A path-like string from s: no NUL, which neither a path nor one argv entry can hold. */
static size_t no_nul(char *dst, const struct bytes *s, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < s->len && n < cap; i++)
		if (s->s[i])
			dst[n++] = s->s[i];
	return n;
}

/* The hostile string s in every string field of an exec, through both writers. */
static void check_exec(struct hw_world *w, const struct bytes *s)
{
	static char str[256], argv[300];
	size_t n = no_nul(str, s, sizeof(str) - 1), alen, clen;
	struct hw_input in = {0};
	json_object *a, *e, *vig, *raw = NULL, *fields, *v, *proc;
	char comm[16] = {0}, cwd[257];
	size_t cwd_len;

	str[n] = '\0';
	if (!n)
		return; /* an empty path is no path: nothing to check */
	memcpy(argv, "prog\0", 5);
	memcpy(argv + 5, str, n);
	alen = 5 + n;
	memcpy(comm, str, n < 15 ? n : 15);
	clen = strlen(comm);
	in = (struct hw_input){
		.comm = str,
		.comm_len = n,
		.filename = str,
		.filename_len = n,
		.exe = str,
		.exe_len = n,
		.cwd = str,
		.cwd_len = n,
		.env_value = str,
		.env_value_len = n,
		.ctr_name = str,
		.ctr_name_len = n,
		.ctr_image = str,
		.ctr_image_len = n,
		.pexe = str,
		.pexe_len = n,
		.argv = argv,
		.argv_len = alen,
	};
	assert_int_equal(hw_run(w, &in), 0);
	assert_non_null(w->alert);
	/* the alert: one line, UTF-8, one JSON object */
	assert_int_equal(w->alert[strlen(w->alert) - 1], '\n');
	w->alert[strlen(w->alert) - 1] = '\0';
	if (!hw_utf8_ok(w->alert, strlen(w->alert)) || strchr(w->alert, '\n'))
		fail_msg("alert is not one UTF-8 line: %s", w->alert);
	if (!(a = hw_parse(w->alert))) {
		fail_msg("alert does not parse: %s", w->alert);
		return;
	}
	assert_true(json_object_object_get_ex(a, "vigil", &vig));
	json_object_object_get_ex(vig, "raw", &raw);
	assert_true(json_object_object_get_ex(vig, "process", &proc));
	assert_true(json_object_object_get_ex(proc, "exe", &v));
	assert_repaired(v, str, n, "vigil.process.exe");
	assert_raw(raw, "vigil.process.exe", str, n);
	assert_raw(raw, "vigil.process.comm", comm, clen);
	assert_raw(raw, "vigil.process.args[1]", str, n);
	assert_raw(raw, "vigil.container.name", str, n);
	assert_raw(raw, "vigil.container.image", str, n);
	assert_raw(raw, "vigil.ancestors[0].exe", str, n);
	assert_true(json_object_object_get_ex(a, "output_fields", &fields));
	assert_true(json_object_object_get_ex(fields, "proc.exepath", &v));
	assert_repaired(v, str, n, "proc.exepath");
	/* proc.cwd ends with a slash, as Falco's */
	cwd_len = n + (str[n - 1] != '/');
	memcpy(cwd, str, n);
	cwd[n] = '/';
	assert_raw(raw, "proc.cwd", cwd, cwd_len);
	assert_raw(raw, "proc.exepath", str, n);
	assert_raw(raw, "proc.env[SECRET]", str, n);
	assert_raw(raw, "container.name", str, n);
	assert_raw(raw, "proc.pexepath", str, n);
	assert_raw(raw, "proc.name", comm, clen);
	json_object_put(a);
	/* the events line: the same, raw at its top level */
	if (!hw_utf8_ok(w->events, strlen(w->events)) || !(e = hw_parse(w->events))) {
		fail_msg("events line is not UTF-8 JSON: %s", w->events);
		return;
	}
	raw = NULL;
	json_object_object_get_ex(e, "raw", &raw);
	assert_true(json_object_object_get_ex(e, "exe", &v));
	assert_repaired(v, str, n, "exe");
	assert_raw(raw, "exe", str, n);
	assert_raw(raw, "filename", str, n);
	assert_raw(raw, "cwd", str, n);
	assert_raw(raw, "comm", comm, clen);
	assert_raw(raw, "args[1]", str, n);
	assert_raw(raw, "container.name", str, n);
	assert_raw(raw, "parent.exe", str, n);
	assert_raw(raw, "ancestors[0].exe", str, n);
	json_object_put(e);
}

static void test_alert_and_events_every_field(void **state)
{
	struct hw_world w;

	(void)state;
	assert_int_equal(hw_init(&w), 0);
	for (size_t i = 0; i < ncorpus; i++)
		check_exec(&w, &corpus[i]);
	hw_fini(&w);
}

/* The environment's value keeps its exact bytes too: env[1] is SECRET=<s>. */
static void test_events_env_raw(void **state)
{
	struct hw_world w;
	json_object *e, *raw = NULL, *v;
	char want[64];
	size_t n;
	char *got;

	(void)state;
	assert_int_equal(hw_init(&w), 0);
	assert_int_equal(hw_run(&w, &(struct hw_input){.exe = "/bin/x",
						       .exe_len = 6,
						       .env_value = "hunter\xff\x01",
						       .env_value_len = 8}),
			 0);
	assert_non_null(e = hw_parse(w.events));
	assert_true(json_object_object_get_ex(e, "raw", &raw));
	assert_true(json_object_object_get_ex(raw, "env[1]", &v));
	got = hw_unbase64(json_object_get_string(v), &n);
	snprintf(want, sizeof(want), "SECRET=hunter\xff\x01");
	assert_int_equal(n, strlen(want));
	assert_memory_equal(got, want, n);
	free(got);
	json_object_put(e);
	hw_fini(&w);
}

/*
 * Clean strings: the container part reads exactly as json-c printed it
 * before, in the alert and in `vigil events` (one writer, event_json.c).
 */
static void test_clean_container_as_json_c(void **state)
{
	static const char want[] =
		"\"container\":{\"id\":\"0123456789ab\",\"full_id\":\"0123456789abcdef\","
		"\"type\":\"docker\",\"name\":\"web\",\"image\":\"nginx\","
		"\"image_repository\":null,\"image_tag\":\"1.25\",\"image_digest\":null,"
		"\"privileged\":false,\"incomplete\":true},"
		"\"k8s\":{\"pod_name\":\"web-1\",\"ns_name\":\"default\",\"pod_uid\":null}";
	struct hw_world w;

	(void)state;
	assert_int_equal(hw_init(&w), 0);
	w.c.pod_name = (char *)"web-1";
	w.c.pod_namespace = (char *)"default";
	w.c.image_tag = (char *)"1.25";
	w.c.incomplete = true;
	assert_int_equal(hw_run(&w, &(struct hw_input){.exe = "/bin/x",
						       .exe_len = 6,
						       .ctr_name = "web",
						       .ctr_image = "nginx"}),
			 0);
	assert_non_null(w.alert);
	assert_null(strstr(w.alert, "\"raw\""));
	if (!strstr(w.alert, want))
		fail_msg("alert %s lacks %s", w.alert, want);
	if (!strstr(w.events, want))
		fail_msg("events line %s lacks %s", w.events, want);
	hw_fini(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_every_position),
		cmocka_unit_test(test_writer_huge_string),
		cmocka_unit_test(test_alert_and_events_every_field),
		cmocka_unit_test(test_events_env_raw),
		cmocka_unit_test(test_clean_container_as_json_c),
	};

	return cmocka_run_group_tests(tests, build_corpus, free_corpus);
}
