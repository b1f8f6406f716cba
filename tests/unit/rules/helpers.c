// SPDX-License-Identifier: Apache-2.0
/* Test helpers: see helpers.h. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/diag.h"

struct vg_proc *vg_proc_get(struct vg_proc_table *t, uint32_t pid)
{
	for (int i = 0; t && i < t->n; i++)
		if (t->v[i]->pid == pid)
			return t->v[i];
	return NULL;
}

struct vg_proc *vg_proc_parent(struct vg_proc_table *t, const struct vg_proc *p)
{
	if (!p || !p->ppid || p->ppid == p->pid)
		return NULL;
	return vg_proc_get(t, p->ppid);
}

struct vg_proc *vg_proc_ancestor(struct vg_proc_table *t, const struct vg_proc *p, int n)
{
	const struct vg_proc *c = p;

	for (int i = 0; i < n && c; i++)
		c = vg_proc_parent(t, c);
	return (struct vg_proc *)c;
}

/* The hand-built table counts no bytes. */
void vg_proc_recount(struct vg_proc_table *t, struct vg_proc *p)
{
	(void)t;
	(void)p;
}

static void mkproc(struct th_world *w, int i, uint32_t pid, uint32_t ppid, const char *comm,
		   const char *exe, const char *args, size_t alen)
{
	struct vg_proc *p = &w->procs[i];

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = ppid;
	p->vpid = pid;
	p->loginuid = UINT32_MAX;
	p->sessionid = UINT32_MAX;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	p->exe = (char *)exe;
	p->args = (char *)args;
	p->args_len = (uint32_t)alen;
	p->cwd = (char *)"/";
	p->start_ns = 1000000000ULL * pid;
	w->table.v[w->table.n++] = p;
}

void th_set_args(struct th_world *w, const char *args, size_t len)
{
	w->procs[3].args = (char *)args;
	w->procs[3].args_len = (uint32_t)len;
}

void th_world_init(struct th_world *w, enum vg_event_type type)
{
	static const char a_init[] = "/sbin/init";
	static const char a_sshd[] = "sshd: root@pts/0";
	static const char a_bash[] = "-bash";
	static const char a_cat[] = "cat\0/etc/shadow\0-n";
	struct vg_proc *p;

	memset(w, 0, sizeof(*w));
	mkproc(w, 0, 1, 0, "systemd", "/usr/lib/systemd/systemd", a_init, sizeof(a_init));
	mkproc(w, 1, 100, 1, "sshd", "/usr/sbin/sshd", a_sshd, sizeof(a_sshd));
	mkproc(w, 2, 200, 100, "bash", "/usr/bin/bash", a_bash, sizeof(a_bash));
	mkproc(w, 3, 300, 200, "cat", "/usr/bin/cat", a_cat, sizeof(a_cat));
	p = &w->procs[3];
	p->cwd = (char *)"/root";
	p->uid = 0;
	p->gid = 0;
	p->loginuid = 1000;
	p->tty = 34816;
	p->exe_ino = 4242;
	p->filename = (char *)"/usr/bin/cat";
	w->hdr.type = (uint16_t)type;
	w->hdr.pid = 300;
	w->hdr.tid = 300;
	w->hdr.ppid = 200;
	w->hdr.vpid = 300;
	w->hdr.loginuid = 1000;
	w->hdr.ts_ns = 500ULL * 1000000000ULL;
	w->hdr.retval = 0;
	memcpy(w->hdr.comm, "cat", 4);
	w->ev.hdr = &w->hdr;
	w->ev.type = type;
	w->exec.start_ns = p->start_ns;
	w->ev.exec = &w->exec;
	w->ev.var[VG_VAR_FILENAME].ptr = "/usr/bin/cat";
	w->ev.var[VG_VAR_FILENAME].len = 12;
	w->ev.var[VG_VAR_CWD].ptr = "/root";
	w->ev.var[VG_VAR_CWD].len = 5;
	w->ev.wall_ns = 1700000000ULL * 1000000000ULL + 123;
	w->ctx.ev = &w->ev;
	w->ctx.st = &w->st;
	w->ctx.proc = p;
	w->ctx.procs = &w->table;
}

struct vg_ruleset *th_load(const char *yaml)
{
	struct vg_ruleset_opts o = {.passwd_path = TEST_DATA_DIR "/passwd",
				    .group_path = TEST_DATA_DIR "/group"};
	struct vg_ruleset *rs = vg_ruleset_new(&o);

	assert_non_null(rs);
	vg_ruleset_load_string(rs, "test.yaml", yaml, strlen(yaml));
	vg_ruleset_compile(rs);
	return rs;
}

struct vg_ruleset *th_rule(const char *prelude, const char *cond)
{
	char *y;
	struct vg_ruleset *rs;

	assert_true(asprintf(&y,
			     "%s\n- rule: r\n  desc: d\n  condition: |-\n    %s\n  output: o\n"
			     "  priority: WARNING\n  warn_evttypes: false\n",
			     prelude ? prelude : "", cond) > 0);
	rs = th_load(y);
	free(y);
	return rs;
}

bool th_match(struct th_world *w, const char *prelude, const char *cond)
{
	struct vg_ruleset *rs = th_rule(prelude, cond);
	bool m, indexed;

	if (vg_ruleset_error_count(rs) || vg_ruleset_rule_count(rs) != 1) {
		th_dump(rs);
		vg_ruleset_free(rs);
		fail_msg("condition did not compile: %s", cond);
	}
	m = vg_rule_eval(rs, vg_ruleset_rule(rs, 0), &w->ctx);
	/* the rule's program for the event's type (what vigil runs) must agree with its generic one
	 */
	indexed = vg_ruleset_eval(rs, &w->ctx, NULL, NULL) == 1;
	vg_ruleset_free(rs);
	if (indexed != m)
		fail_msg("%s: %s by its own program, %s by its event type's", cond,
			 m ? "matches" : "does not match", indexed ? "matches" : "does not match");
	return m;
}

const struct vg_diag *th_find_diag(const struct vg_ruleset *rs, const char *code)
{
	const struct vg_diag *d;
	size_t n;

	d = vg_ruleset_diags(rs, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i].code, code) == 0)
			return &d[i];
	return NULL;
}

void th_dump(const struct vg_ruleset *rs)
{
	const struct vg_diag *d;
	size_t n;

	d = vg_ruleset_diags(rs, &n);
	for (size_t i = 0; i < n; i++)
		vg_diag_print(stderr, &d[i]);
}
