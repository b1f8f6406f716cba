// SPDX-License-Identifier: Apache-2.0
/*
 * The commit_creds record (probes/kernel_hooks.bpf.c): decoded, applied to
 * the process table, and written as JSON by `vigil events`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "decode/decode.h"
#include "event_json_parse.h"
#include "records.h"
#include "state/proc_table.h"

#define ALL_CAPS    0x1ffffffffffull
#define NET_BIND    (1ull << 10)
#define NOBODY	    65534u
#define USERNS_INIT 4026531837u

static void creds_record(struct test_record *r, uint32_t pid, uint16_t hook)
{
	struct vg_event_hdr *h = rec_begin(r, VG_EV_CREDS, pid, 1, sizeof(struct vg_creds_body));
	struct vg_creds_body *b = rec_body(r);

	/* root drops to nobody, keeping only CAP_NET_BIND_SERVICE */
	b->old.caps = (struct vg_creds){ALL_CAPS, ALL_CAPS, ALL_CAPS};
	b->old.userns = b->new.userns = USERNS_INIT;
	b->new.uid = b->new.euid = b->new.suid = b->new.fsuid = NOBODY;
	b->new.gid = b->new.egid = b->new.sgid = b->new.fsgid = NOBODY;
	b->new.caps = (struct vg_creds){0, NET_BIND, NET_BIND};
	b->changed = VG_CRC_UID | VG_CRC_GID | VG_CRC_CAPS;
	b->hook = hook;
	h->uid = h->gid = h->euid = h->egid = NOBODY;
}

static struct vg_proc *apply(struct vg_proc_table *t, struct test_record *r, struct vg_event *ev)
{
	assert_int_equal(vg_decode(r->buf, r->len, 0, ev), VG_DECODE_OK);
	return vg_proc_apply(t, ev);
}

/* A root process as a fork record leaves it: every capability. */
static struct vg_proc *root_process(struct vg_proc_table *t, uint32_t pid)
{
	struct test_record r;
	struct vg_event ev;
	struct vg_fork_body *b;

	rec_begin(&r, VG_EV_FORK, pid, 1, sizeof(*b));
	b = rec_body(&r);
	b->parent_pid = b->parent_tid = 1;
	b->creds = (struct vg_creds){ALL_CAPS, ALL_CAPS, ALL_CAPS};
	return apply(t, &r, &ev);
}

static void decodes_with_its_body(void **state)
{
	struct test_record r;
	struct vg_event ev;

	(void)state;
	creds_record(&r, 42, VG_HOOK_FENTRY);
	assert_int_equal(vg_decode(r.buf, r.len, 0, &ev), VG_DECODE_OK);
	assert_int_equal(ev.type, VG_EV_CREDS);
	assert_string_equal(vg_event_type_name(ev.type), "creds");
	assert_int_equal(ev.creds->new.uid, NOBODY);
	assert_int_equal(ev.creds->old.caps.cap_effective, ALL_CAPS);
	assert_int_equal(ev.creds->hook, VG_HOOK_FENTRY);

	/* a record cut inside the body is refused, not read past its end */
	r.len -= 1;
	((struct vg_event_hdr *)r.buf)->size = r.len;
	assert_int_equal(vg_decode(r.buf, r.len, 0, &ev), VG_DECODE_SHORT);
}

static void hook_names(void **state)
{
	(void)state;
	assert_string_equal(vg_hook_flavour_name(VG_HOOK_FENTRY), "fentry");
	assert_string_equal(vg_hook_flavour_name(VG_HOOK_KPROBE), "kprobe");
	assert_string_equal(vg_hook_flavour_name(VG_HOOK_NONE), "tracepoint");
}

static void applies_new_credentials(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct test_record r;
	struct vg_event ev;
	struct vg_proc *p;

	(void)state;
	p = root_process(t, 42);
	assert_non_null(p);
	assert_int_equal(p->uid, 0);
	assert_int_equal(p->cap_effective, ALL_CAPS);

	creds_record(&r, 42, VG_HOOK_KPROBE);
	assert_ptr_equal(apply(t, &r, &ev), p);
	assert_int_equal(p->uid, NOBODY);
	assert_int_equal(p->euid, NOBODY);
	assert_int_equal(p->gid, NOBODY);
	assert_int_equal(p->egid, NOBODY);
	assert_int_equal(p->cap_effective, NET_BIND);
	assert_int_equal(p->cap_permitted, NET_BIND);
	assert_int_equal(p->cap_inheritable, 0);
	vg_proc_table_free(t);
}

/* A change of a process the table never saw makes no entry up from half the facts. */
static void unknown_process_is_left_alone(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct test_record r;
	struct vg_event ev;

	(void)state;
	creds_record(&r, 77, VG_HOOK_FENTRY);
	assert_null(apply(t, &r, &ev));
	assert_null(vg_proc_get(t, 77));
	assert_int_equal(vg_proc_count(t), 0);
	vg_proc_table_free(t);
}

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

static void json_has_both_sides(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct test_record r;
	struct vg_event ev;
	struct vg_proc *p;
	json_object *o, *changed;

	(void)state;
	root_process(t, 42);
	creds_record(&r, 42, VG_HOOK_KPROBE);
	p = apply(t, &r, &ev);
	o = ej_parse(&ev, NULL, t, p);
	assert_string_equal(json_object_get_string(member(o, "type")), "creds");
	assert_string_equal(json_object_get_string(member(o, "hook")), "kprobe");
	assert_int_equal(json_object_get_int64(member(o, "uid")), NOBODY);
	assert_int_equal(json_object_get_int64(member(member(o, "old"), "uid")), 0);
	assert_int_equal(json_object_get_int64(member(member(o, "new"), "fsuid")), NOBODY);
	assert_int_equal(json_object_get_uint64(member(member(o, "old"), "cap_effective")),
			 ALL_CAPS);
	assert_int_equal(json_object_get_uint64(member(member(o, "new"), "cap_permitted")),
			 NET_BIND);
	assert_int_equal(json_object_get_int64(member(member(o, "new"), "userns")), USERNS_INIT);
	changed = member(o, "changed");
	assert_int_equal(json_object_array_length(changed), 3);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(changed, 0)), "uid");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(changed, 2)), "caps");
	json_object_put(o);
	vg_proc_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_with_its_body),
		cmocka_unit_test(hook_names),
		cmocka_unit_test(applies_new_credentials),
		cmocka_unit_test(unknown_process_is_left_alone),
		cmocka_unit_test(json_has_both_sides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
