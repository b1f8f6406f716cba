// SPDX-License-Identifier: Apache-2.0
/* Output formats: rendering, <NA>, truncation, typed output_fields. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "rules/format.h"

static struct th_world W;

static struct vg_ruleset *with_output(const char *out)
{
	char *y;
	struct vg_ruleset *rs;

	assert_true(asprintf(&y,
			     "- rule: r\n  desc: d\n  condition: evt.type = execve\n"
			     "  output: '%s'\n  priority: INFO\n",
			     out) > 0);
	rs = th_load(y);
	free(y);
	return rs;
}

static void assert_render(const char *fmt, const char *want)
{
	struct vg_ruleset *rs = with_output(fmt);
	char buf[512];

	if (vg_ruleset_rule_count(rs) != 1) {
		th_dump(rs);
		fail_msg("output '%s' did not compile", fmt);
	}
	vg_rule_render_output(rs, vg_ruleset_rule(rs, 0), &W.ctx, buf, sizeof(buf));
	assert_string_equal(buf, want);
	vg_ruleset_free(rs);
}

static void test_render(void **state)
{
	(void)state;
	th_world_init(&W, VG_EV_EXEC);
	assert_render("%proc.name ran %proc.cmdline (parent=%proc.pname pid=%proc.pid)",
		      "cat ran cat /etc/shadow -n (parent=bash pid=300)");
	assert_render("gp=%proc.aname[2] flags=%evt.arg.filename.", "gp=sshd flags=/usr/bin/cat.");
	assert_render("%tolower(proc.name)/%toupper(proc.pname)", "cat/BASH");
	assert_render("no fields at all", "no fields at all");
	assert_render("%user.name,%user.uid,%thread.ismain", "root,0,true");
	assert_render("%proc.aname", "bash,sshd,systemd");
	assert_render("100%% %proc.name", "100% cat");
}

static void test_missing_is_na(void **state)
{
	(void)state;
	th_world_init(&W, VG_EV_EXEC);
	assert_render("file=%fd.name container=%container.id", "file=<NA> container=<NA>");
	/* %container.info is deprecated and expands to nothing, as in Falco */
	assert_render("a %container.info b", "a  b");
}

static void test_truncation(void **state)
{
	struct vg_ruleset *rs;
	char buf[8];
	size_t n;

	(void)state;
	th_world_init(&W, VG_EV_EXEC);
	rs = with_output("%proc.cmdline");
	n = vg_rule_render_output(rs, vg_ruleset_rule(rs, 0), &W.ctx, buf, sizeof(buf));
	assert_int_equal(n, strlen("cat /etc/shadow -n"));
	assert_string_equal(buf, "cat /et");
	vg_ruleset_free(rs);
}

static void test_bad_output(void **state)
{
	struct vg_ruleset *rs;

	(void)state;
	rs = with_output("x %nosuch.field y");
	assert_int_equal(vg_ruleset_rule_count(rs), 0);
	assert_non_null(th_find_diag(rs, "E-UNKNOWN-FIELD"));
	assert_int_equal(th_find_diag(rs, "E-UNKNOWN-FIELD")->line, 4);
	assert_int_equal(th_find_diag(rs, "E-UNKNOWN-FIELD")->col, 14);
	vg_ruleset_free(rs);
	rs = with_output("%proc.aname[x]");
	assert_non_null(th_find_diag(rs, "E-FIELD-ARG"));
	vg_ruleset_free(rs);
	rs = with_output("trailing %");
	assert_int_equal(vg_ruleset_rule_count(rs), 0);
	vg_ruleset_free(rs);
}

/*
 * The test's oracle: output_fields as json-c values (numbers as numbers,
 * addresses as text, several values as an array), from the walk the alert
 * writer takes (vg_rule_output_each).
 */
static json_object *json_value(enum vg_ftype t, const struct vg_value *v)
{
	char tmp[64];
	size_t n;
	const char *s;

	switch (t) {
	case VG_FT_STRING:
	case VG_FT_BYTES: return json_object_new_string_len(v->s, (int)v->len);
	case VG_FT_BOOL: return json_object_new_boolean(v->u != 0);
	case VG_FT_S64: return json_object_new_int64(v->i);
	case VG_FT_DOUBLE: return json_object_new_double(v->d);
	case VG_FT_IPADDR:
	case VG_FT_IPNET:
		s = vg_output_value_text(t, v, tmp, sizeof(tmp), &n);
		return json_object_new_string_len(s, (int)n);
	default: return json_object_new_uint64(v->u);
	}
}

static int add_json_field(void *arg, const char *key, const struct vg_xval *x)
{
	json_object *val = NULL;

	if (x->n == 1) {
		val = json_value(x->type, &x->v[0]);
	} else if (x->n > 1) {
		val = json_object_new_array();
		for (uint32_t k = 0; k < x->n; k++)
			json_object_array_add(val, json_value(x->type, &x->v[k]));
	}
	return json_object_object_add(arg, key, val);
}

static int output_fields(struct vg_ruleset *rs, const struct vg_rule *r,
			 const struct vg_eval_ctx *ctx, json_object *obj)
{
	return vg_rule_output_each(rs, r, ctx, add_json_field, obj);
}

static void test_output_fields_json(void **state)
{
	struct vg_ruleset *rs;
	struct json_object *o = json_object_new_object(), *v;

	(void)state;
	th_world_init(&W, VG_EV_EXEC);
	rs = with_output("%proc.name %proc.pid %user.uid %fd.name %thread.ismain %evt.time "
			 "%proc.aname[2] %evt.arg.flags %proc.aname");
	assert_int_equal(vg_ruleset_rule_count(rs), 1);
	assert_int_equal(output_fields(rs, vg_ruleset_rule(rs, 0), &W.ctx, o), 0);
	assert_true(json_object_object_get_ex(o, "proc.name", &v));
	assert_true(json_object_is_type(v, json_type_string));
	assert_string_equal(json_object_get_string(v), "cat");
	assert_true(json_object_object_get_ex(o, "proc.pid", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int64(v), 300);
	assert_true(json_object_object_get_ex(o, "user.uid", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_true(json_object_object_get_ex(o, "fd.name", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(o, "thread.ismain", &v));
	assert_true(json_object_is_type(v, json_type_boolean));
	assert_true(json_object_object_get_ex(o, "evt.time", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_true(json_object_object_get_ex(o, "proc.aname[2]", &v));
	assert_string_equal(json_object_get_string(v), "sshd");
	assert_true(json_object_object_get_ex(o, "evt.arg.flags", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(o, "proc.aname", &v));
	assert_true(json_object_is_type(v, json_type_array));
	assert_int_equal(json_object_array_length(v), 3);
	json_object_put(o);
	vg_ruleset_free(rs);
}

/* Numbers and booleans as an output shows them: every digit, the sign, the extremes. */
static void test_value_text(void **state)
{
	char tmp[64];
	size_t n;
	const char *t;
	struct vg_value v = {0};

	(void)state;
	v.i = -42;
	t = vg_output_value_text(VG_FT_S64, &v, tmp, sizeof(tmp), &n);
	assert_int_equal(n, 3);
	assert_memory_equal(t, "-42", 3);
	v.i = INT64_MIN;
	t = vg_output_value_text(VG_FT_S64, &v, tmp, sizeof(tmp), &n);
	assert_int_equal(n, 20);
	assert_memory_equal(t, "-9223372036854775808", 20);
	v.u = 0;
	t = vg_output_value_text(VG_FT_U64, &v, tmp, sizeof(tmp), &n);
	assert_int_equal(n, 1);
	assert_memory_equal(t, "0", 1);
	v.u = UINT64_MAX;
	t = vg_output_value_text(VG_FT_U64, &v, tmp, sizeof(tmp), &n);
	assert_int_equal(n, 20);
	assert_memory_equal(t, "18446744073709551615", 20);
	v.u = 1;
	t = vg_output_value_text(VG_FT_BOOL, &v, tmp, sizeof(tmp), &n);
	assert_int_equal(n, 4);
	assert_memory_equal(t, "true", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_missing_is_na),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_bad_output),
		cmocka_unit_test(test_output_fields_json),
		cmocka_unit_test(test_value_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
