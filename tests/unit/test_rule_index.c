// SPDX-License-Identifier: Apache-2.0
/*
 * The rule index never changes which rules match. The evaluator runs, per
 * event, only the rules its keys (engine/rules/keys.c) leave as
 * candidates, each with its program specialised for the event's type; a
 * rule's generic program (vg_rule_eval) uses neither. For every event of a
 * generated stream, with and without a container, both must name exactly
 * the same rules.
 *
 * The stream is built from the rules' own literals: each string a rule
 * compares a process field with becomes a process name, executable,
 * working directory, argument and environment variable; each string a
 * rule compares a path with becomes paths that equal it, extend it, end
 * with it and contain it, opened for reading and writing, failed, and
 * unlinked. So every value, prefix, suffix and substring a key holds is
 * hit, and missed by one byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container/container.h"
#include "decode/decode.h"
#include "engine/pipeline.h"
#include "replay/json_record.h"
#include "rules/eval.h"
#include "rules/rules_internal.h"
#include "rules/keys.h"
#include "rules/loader.h"
#include "state/proc_table.h"

#define MAX_LITERALS 4000
#define NPROCS	     512 /* processes the generated opens and connects cycle through */

struct literals {
	struct vg_strset seen;
	char *v[MAX_LITERALS];
	size_t n;
};

struct run {
	struct vg_ruleset *rs;
	struct vg_pipeline pl;
	struct vg_container box; /* a container's identity, for the events that run in one */
	bool *got, *want, *ever;
	size_t events, matches;
	json_object *cur; /* the event being checked, for the failure message */
};

static void literal_add(struct literals *l, const char *s, size_t len)
{
	char buf[512];
	size_t o = 0;

	/* a glob's wildcards become ordinary characters that they match */
	for (size_t i = 0; i < len && o + 1 < sizeof(buf); i++) {
		if (s[i] == '*')
			buf[o++] = 'x';
		else if (s[i] == '?')
			buf[o++] = 'y';
		else if (s[i] != '[' && s[i] != ']' && s[i] != '\\')
			buf[o++] = s[i];
	}
	buf[o] = '\0';
	if (l->n >= MAX_LITERALS || vg_strset_has(&l->seen, buf, o))
		return;
	assert_true(vg_strset_add(&l->seen, buf, o));
	l->v[l->n] = strdup(buf);
	assert_non_null(l->v[l->n]);
	l->n++;
}

static bool field_is(const struct vg_cnode *n, const char *const *names)
{
	const char *f = n->lhs->kind == CX_FIELD ? n->lhs->ref.def->name : "";

	for (size_t i = 0; names[i]; i++)
		if (strcmp(f, names[i]) == 0)
			return true;
	return false;
}

/* Every string constant a check compares a path or a process field with. */
static void harvest(const struct vg_cnode *n, struct literals *paths, struct literals *procs)
{
	static const char *const path_fields[] = {
		"fd.name", "fd.directory", "fd.filename", "fd.nameraw",
		"evt.arg", "fs.path.name", "evt.abspath", NULL};
	static const char *const proc_fields[] = {
		"proc.name", "proc.pname",    "proc.aname", "proc.exe", "proc.exepath",
		"proc.pexe", "proc.cmdline",  "proc.args",  "proc.cwd", "proc.env",
		"user.name", "proc.pcmdline", NULL};
	struct literals *to;

	for (size_t i = 0; i < n->nkids; i++)
		harvest(n->kids[i], paths, procs);
	if (n->kind != CN_CHECK || !vg_is_stringish(n->ltype) || n->rhs)
		return;
	to = field_is(n, path_fields) ? paths : field_is(n, proc_fields) ? procs : NULL;
	if (!to)
		return;
	for (size_t e = 0; e < n->set.cap; e++)
		if (n->set.tab[e].s)
			literal_add(to, n->set.tab[e].s, n->set.tab[e].len);
	for (size_t i = 0; i < n->nvals; i++)
		if (n->vals[i].s)
			literal_add(to, n->vals[i].s, n->vals[i].len);
}

static bool collect(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	struct run *t = arg;

	(void)ctx;
	t->got[r->order] = true;
	return true;
}

/* One event, one container context: the index's rules against every rule's own answer. */
static void compare_one(struct run *t, const struct vg_eval_ctx *ctx)
{
	size_t n = t->rs->compiled.nrules;

	memset(t->got, 0, n * sizeof(*t->got));
	vg_ruleset_eval(t->rs, ctx, collect, t);
	for (size_t i = 0; i < n; i++) {
		const struct vg_rule *r = t->rs->compiled.rules[i];

		/*
		 * A sequence's steps and a threshold report through their state
		 * machine, not per event: whether they alert depends on the events
		 * before (rules_seq and live_sequences test them).
		 */
		if (r->seq)
			continue;
		t->want[i] = r->enabled && vg_rule_eval(t->rs, r, ctx);
		if (t->got[i] != t->want[i])
			fail_msg("rule \"%s\" %s by the index but %s by its own condition, %s a "
				 "container, on event %s",
				 r->name, t->got[i] ? "matched" : "not matched",
				 t->want[i] ? "matches" : "does not match",
				 ctx->container ? "in" : "not in",
				 json_object_to_json_string(t->cur));
		t->matches += t->want[i];
		t->ever[i] |= t->want[i];
	}
}

static void compare(void *arg, const struct vg_event *ev, const struct vg_event_state *st,
		    struct vg_proc *p)
{
	struct run *t = arg;
	struct vg_eval_ctx ctx = {.ev = ev, .st = st, .proc = p, .procs = t->pl.procs};

	compare_one(t, &ctx);
	ctx.container = &t->box;
	compare_one(t, &ctx);
	t->events++;
}

static void feed(struct run *t, json_object *o)
{
	struct vg_record_buf *rec = malloc(sizeof(*rec));
	char err[128];

	assert_non_null(rec);
	json_object_object_add(o, "time", json_object_new_string("2026-12-06T08:00:00.000000000Z"));
	if (vg_json_to_record(o, rec, err, sizeof(err)) != 0)
		fail_msg("generated event not replayable (%s): %s", err,
			 json_object_to_json_string(o));
	vg_json_seed_ancestry(o, t->pl.procs);
	t->cur = o;
	vg_pipeline_handle(&t->pl, rec->data, rec->len);
	json_object_put(o);
	free(rec);
}

static json_object *strings(const char *a, const char *b, const char *c)
{
	json_object *v = json_object_new_array();

	json_object_array_add(v, json_object_new_string(a));
	if (b)
		json_object_array_add(v, json_object_new_string(b));
	if (c)
		json_object_array_add(v, json_object_new_string(c));
	return v;
}

static json_object *event(const char *type, int pid, const char *comm)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "pid", json_object_new_int(pid));
	json_object_object_add(o, "ppid", json_object_new_int(1000 + pid % 7));
	json_object_object_add(o, "uid", json_object_new_int(pid % 3 ? 1000 : 0));
	json_object_object_add(o, "comm", json_object_new_string(comm));
	return o;
}

/* The part of s after its last "/" (all of s without one), at most 15 bytes as comm is. */
static void comm_of(const char *s, char *comm)
{
	const char *b = strrchr(s, '/');

	snprintf(comm, 16, "%s", b && b[1] ? b + 1 : s);
}

/* An exec of a process named, run from and given each process literal, under a parent named one. */
static void exec_events(struct run *t, const struct literals *procs)
{
	for (size_t i = 0; i < NPROCS || i < procs->n; i++) {
		const char *lit = procs->n ? procs->v[i % procs->n] : "cat";
		const char *prev = procs->n ? procs->v[(i * 7 + 3) % procs->n] : "bash";
		int pid = 10000 + (int)(i % NPROCS);
		char comm[16], pcomm[16], exe[600], env[600];
		json_object *o, *parent;

		comm_of(lit, comm);
		comm_of(prev, pcomm);
		snprintf(exe, sizeof(exe), "%s%s", lit[0] == '/' ? "" : "/usr/bin/", lit);
		snprintf(env, sizeof(env), "%s", i % 2 ? lit : "GLIBC_TUNABLES=glibc.malloc=1");
		o = event("exec", pid, comm);
		json_object_object_add(o, "vpid", json_object_new_int(i % 5 ? pid : 1));
		json_object_object_add(o, "filename", json_object_new_string(exe));
		json_object_object_add(o, "exe", json_object_new_string(i % 3 ? exe : lit));
		json_object_object_add(o, "cwd", json_object_new_string(i % 4 ? "/home/u" : lit));
		json_object_object_add(o, "args",
				       i % 2 ? strings(comm, "-c", lit) : strings(comm, prev, lit));
		json_object_object_add(o, "env", strings("PATH=/usr/bin", env, NULL));
		parent = json_object_new_object();
		json_object_object_add(parent, "pid", json_object_new_int(1000 + pid % 7));
		json_object_object_add(parent, "comm", json_object_new_string(pcomm));
		json_object_object_add(parent, "exe", json_object_new_string("/usr/bin/x"));
		json_object_object_add(parent, "args", strings(pcomm, prev, NULL));
		json_object_object_add(o, "parent", parent);
		feed(t, o);
	}
}

/* What an open of path by process pid looked like: for reading or writing, made or failed. */
static void open_event(struct run *t, int pid, const char *path, int variant)
{
	static const unsigned flags[] = {0, 577 /* O_WRONLY|O_CREAT|O_TRUNC */,
					 65536 /* O_DIRECTORY */,
					 1089 /* O_WRONLY|O_CREAT|O_APPEND */};
	unsigned fl = flags[variant % 4];
	bool failed = variant % 5 == 4;
	char comm[16];
	json_object *o, *a, *file;

	snprintf(comm, sizeof(comm), "p%d", pid);
	o = event("syscall", pid, comm);
	json_object_object_add(o, "syscall", json_object_new_string("openat"));
	json_object_object_add(o, "res", json_object_new_int(failed ? -2 : 3));
	a = json_object_new_array();
	json_object_array_add(a, json_object_new_int64(4294967196LL));
	json_object_array_add(a, json_object_new_int(0));
	json_object_array_add(a, json_object_new_int((int)fl));
	for (int k = 0; k < 3; k++)
		json_object_array_add(a, json_object_new_int(0));
	json_object_object_add(o, "sc_args", a);
	json_object_object_add(o, "path", json_object_new_string(path));
	if (!failed) {
		json_object_object_add(o, "fd_path", json_object_new_string(path));
		file = json_object_new_object();
		json_object_object_add(file, "fd", json_object_new_int(3));
		json_object_object_add(file, "mode",
				       json_object_new_int(fl & 65536 ? 16877 : 33188));
		json_object_object_add(file, "flags", json_object_new_int((int)fl));
		json_object_object_add(o, "file", file);
	}
	feed(t, o);
	/* the fd is closed again, so that the next open starts from the same table */
	o = event("syscall", pid, comm);
	json_object_object_add(o, "syscall", json_object_new_string("close"));
	json_object_object_add(o, "res", json_object_new_int(0));
	a = json_object_new_array();
	json_object_array_add(a, json_object_new_int(3));
	for (int k = 0; k < 5; k++)
		json_object_array_add(a, json_object_new_int(0));
	json_object_object_add(o, "sc_args", a);
	feed(t, o);
}

static void unlink_event(struct run *t, int pid, const char *path)
{
	json_object *o = event("syscall", pid, "rm"), *a = json_object_new_array();

	json_object_object_add(o, "syscall", json_object_new_string("unlinkat"));
	json_object_object_add(o, "res", json_object_new_int(0));
	json_object_array_add(a, json_object_new_int64(4294967196LL));
	for (int k = 0; k < 5; k++)
		json_object_array_add(a, json_object_new_int(0));
	json_object_object_add(o, "sc_args", a);
	json_object_object_add(o, "path", json_object_new_string(path));
	feed(t, o);
}

/* Each path literal as a path, a prefix, a base name's end and a substring, and one byte off. */
static void path_events(struct run *t, const struct literals *paths)
{
	for (size_t i = 0; i < paths->n; i++) {
		const char *lit = paths->v[i];
		size_t len = strlen(lit);
		char v[6][1100];

		snprintf(v[0], 600, "%s%s", lit[0] == '/' ? "" : "/home/u/", lit);
		snprintf(v[1], sizeof(v[1]), "%.600s/sub/file", v[0]);
		snprintf(v[2], sizeof(v[2]), "%.600sx", v[0]);
		snprintf(v[3], sizeof(v[3]), "/tmp/x%.600s", lit);
		snprintf(v[4], sizeof(v[4]), "/var/tmp/%.600s/f", lit);
		snprintf(v[5], sizeof(v[5]), "%.*s", (int)(len > 1 ? len - 1 : len), v[0]);
		for (int k = 0; k < 6; k++) {
			int pid = 10000 + (int)((i * 6 + (size_t)k) % NPROCS);

			open_event(t, pid, v[k], (int)(i + (size_t)k));
			if (k % 2 == 0)
				unlink_event(t, pid, v[k]);
		}
	}
}

static void connect_events(struct run *t)
{
	static const char *const addrs[] = {"10.0.0.1",	  "127.0.0.1",	     "169.254.169.254",
					    "8.8.8.8",	  "100.100.100.200", "192.168.1.7",
					    "172.17.0.1", "0.0.0.0"};
	static const int ports[] = {22, 80, 443, 53, 2222, 6443, 3333, 4444};

	for (size_t i = 0; i < 8 * 8 * 3; i++) {
		int pid = 10000 + (int)(i * 13 % NPROCS), proto = i % 3 == 2 ? 17 : 6;
		const char *dip = addrs[i % 8];
		json_object *o = event("syscall", pid, "c"), *a = json_object_new_array(), *sock;

		json_object_object_add(o, "syscall", json_object_new_string("connect"));
		json_object_object_add(o, "res", json_object_new_int(i % 11 == 5 ? -115 : 0));
		json_object_array_add(a, json_object_new_int(5));
		json_object_array_add(a, json_object_new_int(0));
		json_object_array_add(a, json_object_new_int(16));
		for (int k = 0; k < 3; k++)
			json_object_array_add(a, json_object_new_int(0));
		json_object_object_add(o, "sc_args", a);
		sock = json_object_new_object();
		json_object_object_add(sock, "fd", json_object_new_int(5));
		json_object_object_add(sock, "family", json_object_new_int(2));
		json_object_object_add(sock, "type", json_object_new_int(proto == 6 ? 1 : 2));
		json_object_object_add(sock, "protocol", json_object_new_int(proto));
		json_object_object_add(sock, "sip", json_object_new_string("10.0.0.2"));
		json_object_object_add(sock, "sport", json_object_new_int(40000));
		json_object_object_add(sock, "dip", json_object_new_string(dip));
		json_object_object_add(sock, "dport", json_object_new_int(ports[i / 8 % 8]));
		json_object_object_add(o, "sock", sock);
		feed(t, o);
	}
}

/* Loads, compiles and checks the rules in files (NULL-terminated) and yaml (or NULL). */
static void check_rules(const char *const *files, const char *yaml)
{
	struct vg_ruleset_opts opts = {.match_all = true};
	struct literals paths = {0}, procs = {0};
	struct run t = {0};
	size_t distinct = 0;

	t.rs = vg_ruleset_new(&opts);
	assert_non_null(t.rs);
	for (size_t i = 0; files && files[i]; i++)
		assert_int_equal(vg_ruleset_load_path(t.rs, files[i]), 0);
	if (yaml)
		assert_int_equal(vg_ruleset_load_string(t.rs, "index.yaml", yaml, strlen(yaml)), 0);
	assert_int_equal(vg_ruleset_compile(t.rs), 0);
	for (size_t i = 0; i < t.rs->compiled.nrules; i++)
		harvest(t.rs->compiled.rules[i]->root, &paths, &procs);
	t.got = calloc(t.rs->compiled.nrules, sizeof(bool));
	t.want = calloc(t.rs->compiled.nrules, sizeof(bool));
	t.ever = calloc(t.rs->compiled.nrules, sizeof(bool));
	t.pl.procs = vg_proc_table_new(65536, NULL);
	assert_true(t.got && t.want && t.ever && t.pl.procs);
	t.pl.sink = compare;
	t.pl.sink_ctx = &t;
	snprintf(t.box.id, sizeof(t.box.id), "0123456789ab");
	t.box.full_id = (char *)"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	t.box.type = VG_CT_DOCKER;
	t.box.name = (char *)"web";
	t.box.image = (char *)"docker.io/library/nginx:1.25";
	t.box.image_repository = (char *)"docker.io/library/nginx";
	t.box.image_tag = (char *)"1.25";
	t.box.privileged = true;

	exec_events(&t, &procs);
	path_events(&t, &paths);
	connect_events(&t);
	for (size_t i = 0; i < t.rs->compiled.nrules; i++)
		distinct += t.ever[i];
	printf("%zu rules, %zu process and %zu path literals: %zu events, each with and without "
	       "a container; %zu matches of %zu distinct rules, the index agreeing on each\n",
	       t.rs->compiled.nrules, procs.n, paths.n, t.events, t.matches, distinct);
	/* a stream no rule matches would prove nothing */
	assert_true(t.events > 500);
	assert_true(distinct * 3 >= t.rs->compiled.nrules);

	for (size_t i = 0; i < paths.n; i++)
		free(paths.v[i]);
	for (size_t i = 0; i < procs.n; i++)
		free(procs.v[i]);
	vg_strset_free(&paths.seen);
	vg_strset_free(&procs.seen);
	free(t.got);
	free(t.want);
	free(t.ever);
	vg_proc_table_free(t.pl.procs);
	vg_ruleset_free(t.rs);
}

static void test_falco_rules(void **state)
{
	const char *const files[] = {FALCO_RULES_DIR "/falco_rules.yaml",
				     FALCO_RULES_DIR "/falco-incubating_rules.yaml",
				     FALCO_RULES_DIR "/falco-sandbox_rules.yaml", NULL};

	(void)state;
	if (access(files[0], R_OK) != 0) {
		printf("SKIP: %s not found (../shared is absent)\n", files[0]);
		skip();
	}
	check_rules(files, NULL);
}

static void test_vigil_rules(void **state)
{
	const char *const files[] = {VIGIL_RULES_DIR, NULL};

	(void)state;
	check_rules(files, NULL);
}

/* Every kind of literal test, under and, or and not, on the fields keys are made of. */
static const char *const synthetic[][2] = {
	{"exact", "evt.type = openat and fd.name in (/etc/shadow, /etc/sudoers)"},
	{"exact or dir",
	 "evt.type = openat and (fd.name = /etc/hosts or fd.directory in (/etc/pam.d))"},
	{"start", "evt.type in (openat, unlinkat) and fd.name startswith /etc/"},
	{"start or end", "evt.type = openat and (fd.name startswith /root/.ssh or fd.name endswith "
			 "authorized_keys)"},
	{"end", "fd.filename endswith .conf and evt.type = openat"},
	{"contains",
	 "evt.type = openat and fd.name contains /.ssh/ and fd.name glob '/home/*/.ssh/*'"},
	{"glob start", "evt.type = openat and fd.name glob '/proc/*/environ'"},
	{"glob end", "evt.type = openat and fd.name glob '*/release_agent'"},
	{"pmatch", "evt.type = openat and fd.name pmatch (/var/log, /srv/data)"},
	{"pmatch root", "evt.type = openat and fd.name pmatch (/)"},
	{"not keyed", "evt.type = openat and not fd.name startswith /usr/"},
	{"empty set", "evt.type = openat and fd.name in ()"},
	{"one byte", "evt.type = openat and fd.name startswith /"},
	{"proc exact", "evt.type = execve and proc.name in (cat, tac, ls)"},
	{"proc start or parent",
	 "evt.type = execve and (proc.exe startswith /tmp/ or proc.pname = sshd)"},
	{"cmdline",
	 "evt.type = execve and (proc.cmdline contains stratum or proc.cmdline contains -c)"},
	{"args end", "evt.type = execve and proc.args endswith /etc/shadow"},
	{"ancestor", "evt.type = execve and proc.aname in (sshd, init)"},
	{"weak only", "evt.type = openat and fd.typechar = f and evt.is_open_write = true"},
	{"unlink",
	 "evt.type = unlinkat and (evt.arg.name endswith history or evt.arg.path startswith "
	 "/bin/)"},
	{"any type", "fd.name startswith /etc/ or proc.name = cat"},
	{"bcontains", "evt.type = execve and proc.cmdline bcontains 2d63"},
	{"mixed or",
	 "evt.type = openat and (fd.name startswith /etc/ or proc.name = cat or user.name = "
	 "root)"},
	{"number", "evt.type = execve and proc.vpid = 1"},
	{"numbers", "evt.type in (execve, openat) and user.uid in (0, 33) and proc.name = cat"},
	{"flag", "evt.type = execve and (proc.is_exe_from_memfd = true or proc.vpid = 1)"},
	{"flag false",
	 "evt.type = openat and evt.is_open_write = false and fd.name startswith /etc"},
	{"number or path", "evt.type = openat and (fd.num = 3 or fd.name endswith .log)"},
};

static void test_synthetic_rules(void **state)
{
	char yaml[8192];
	size_t len = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(synthetic) / sizeof(synthetic[0]); i++)
		len += (size_t)snprintf(yaml + len, sizeof(yaml) - len,
					"- rule: %s\n  desc: d\n  output: o\n  priority: INFO\n"
					"  condition: %s\n",
					synthetic[i][0], synthetic[i][1]);
	assert_true(len < sizeof(yaml));
	check_rules(NULL, yaml);
}

/* The index is in use: most of Falco's open and exec rules are found by key. */
static void test_falco_rules_keyed(void **state)
{
	const char *path = FALCO_RULES_DIR "/falco_rules.yaml";
	struct vg_ruleset *rs;
	uint16_t types[] = {vg_evttype_code("openat", 6), vg_evttype_code("execve", 6)};

	(void)state;
	if (access(path, R_OK) != 0) {
		printf("SKIP: %s not found (../shared is absent)\n", path);
		skip();
	}
	rs = vg_ruleset_new(NULL);
	assert_int_equal(vg_ruleset_load_path(rs, path), 0);
	assert_int_equal(vg_ruleset_compile(rs), 0);
	for (size_t i = 0; i < 2; i++) {
		const struct vg_type_keys *tk = rs->compiled.keys[types[i]];
		size_t unkeyed = 0, n = rs->compiled.nby_type[types[i]];

		assert_non_null(tk);
		for (size_t r = 0; r < n; r++)
			unkeyed += tk->unkeyed[r / 64] >> (r % 64) & 1;
		printf("%s: %zu rules, %zu of them found by %zu keys\n", vg_evttype_name(types[i]),
		       n, n - unkeyed, tk->nkeys);
		assert_true(unkeyed * 2 < n);
	}
	vg_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synthetic_rules),
		cmocka_unit_test(test_vigil_rules),
		cmocka_unit_test(test_falco_rules),
		cmocka_unit_test(test_falco_rules_keyed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
