// SPDX-License-Identifier: Apache-2.0
/*
 * The prefilter analysis: path sets (union, intersection, normal form),
 * the necessary path condition of compiled conditions, the per-syscall
 * result over a ruleset, and its soundness against the evaluator: no path
 * a rule matches is ever outside the set.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "kernel/evttypes.h"
#include "rules/prefilter_paths.h"
#include "state/fd_table.h"
#include "vigil/syscalls.h"

/*
 * "=exact ^prefix ~base $base-suffix" in the set's order, then ".." for
 * raw paths with "..", "ANY" or "NONE".
 */
static const char *str(const struct vg_pathset *s)
{
	static char buf[4096];
	size_t off = 0;

	if (s->kind != VG_PATHS_SOME)
		return s->kind == VG_PATHS_ANY ? "ANY" : "NONE";
	buf[0] = '\0';
	for (size_t i = 0; i < s->n && off < sizeof(buf); i++) {
		const struct vg_pathset_entry *e = &s->v[i];
		char tag = e->base ? (e->prefix ? '$' : '~') : (e->prefix ? '^' : '=');

		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%c%s", i ? " " : "", tag,
					e->s);
	}
	if (s->dotdot && off < sizeof(buf))
		snprintf(buf + off, sizeof(buf) - off, "%s..", s->n ? " " : "");
	return buf;
}

/* Parses "=a ^b ~c $d .." into a set. */
static void parse(struct vg_pathset *s, const char *text)
{
	char *copy = strdup(text), *save = NULL;

	vg_pathset_init(s, VG_PATHS_NONE);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (strcmp(t, "..") == 0)
			vg_pathset_add_dotdot(s);
		else if (t[0] == '~' || t[0] == '$')
			vg_pathset_add_base(s, t + 1, strlen(t + 1), t[0] == '$');
		else
			vg_pathset_add(s, t + 1, strlen(t + 1), t[0] == '^');
	}
	vg_pathset_normalize(s);
	free(copy);
}

static void test_normalize(void **state)
{
	struct vg_pathset s;

	(void)state;
	parse(&s, "=/etc/shadow ^/etc/ =/etc/shadow =/tmp/a =/tmp/a ^/etc/ssh/ =/etc");
	assert_string_equal(str(&s), "=/etc ^/etc/ =/tmp/a");
	vg_pathset_free(&s);
	/* a prefix covers the exact entry of the same string */
	parse(&s, "=/var/log ^/var/log");
	assert_string_equal(str(&s), "^/var/log");
	vg_pathset_free(&s);
	/* every absolute path: nothing left to filter */
	parse(&s, "=/etc/shadow ^/");
	assert_string_equal(str(&s), "ANY");
	vg_pathset_free(&s);
	parse(&s, "");
	assert_string_equal(str(&s), "NONE");
	vg_pathset_free(&s);
	/* a shorter base-name suffix covers what ends with it */
	parse(&s, "~auth.log $.log ~syslog $x.log =/x ~syslog");
	assert_string_equal(str(&s), "=/x $.log ~syslog");
	vg_pathset_free(&s);
	parse(&s, "=/x $");
	assert_string_equal(str(&s), "ANY");
	vg_pathset_free(&s);
	parse(&s, "..");
	assert_string_equal(str(&s), "..");
	vg_pathset_free(&s);
}

static void intersect(const char *a, const char *b, const char *want)
{
	struct vg_pathset x, y;

	parse(&x, a);
	parse(&y, b);
	vg_pathset_intersect(&x, &y);
	assert_string_equal(str(&x), want);
	vg_pathset_free(&x);
}

static void test_intersect(void **state)
{
	struct vg_pathset x, y;

	(void)state;
	intersect("^/etc/", "=/etc/shadow =/tmp/x =/etc", "=/etc/shadow");
	intersect("^/etc/", "^/etc/ssh/ ^/usr/", "^/etc/ssh/");
	intersect("^/etc/ssh/", "^/etc/", "^/etc/ssh/");
	intersect("=/etc/shadow", "=/etc/shadow", "=/etc/shadow");
	intersect("^/etc/", "^/tmp/", "NONE");
	intersect("^/etc", "=/etc", "=/etc");
	/* base names against base names and paths */
	intersect("~syslog $log", "~syslog ~cron", "~syslog");
	intersect("$.log", "~auth.log ~cron $x.log", "~auth.log $x.log");
	intersect("=/var/log/syslog =/tmp/cron ^/etc/", "~syslog", "^/etc/ =/var/log/syslog");
	/* a raw path with "..": kept where the other side keeps it */
	intersect("..", "^/etc/ ~shadow", "^/etc/ ~shadow");
	intersect(".. =/x", "..", "=/x ..");
	/* ANY is the identity, NONE absorbs */
	vg_pathset_init(&x, VG_PATHS_ANY);
	parse(&y, "^/root/");
	vg_pathset_intersect(&x, &y);
	assert_string_equal(str(&x), "^/root/");
	vg_pathset_init(&y, VG_PATHS_NONE);
	vg_pathset_intersect(&x, &y);
	assert_string_equal(str(&x), "NONE");
}

static void test_union_and_has(void **state)
{
	struct vg_pathset x, y;

	(void)state;
	parse(&x, "=/etc/shadow ^/root/.ssh/");
	parse(&y, "^/etc/ =/tmp/x");
	vg_pathset_union(&x, &y);
	assert_string_equal(str(&x), "^/etc/ ^/root/.ssh/ =/tmp/x");
	assert_true(vg_pathset_has(&x, "/etc/passwd", 11, NULL));
	assert_true(vg_pathset_has(&x, "/tmp/x", 6, NULL));
	assert_false(vg_pathset_has(&x, "/tmp/xy", 7, NULL));
	assert_false(vg_pathset_has(&x, "/etc", 4, NULL));
	assert_false(vg_pathset_has(&x, "/root/.ssh", 10, NULL));
	parse(&y, "~syslog $.pem ..");
	vg_pathset_union(&x, &y);
	assert_true(vg_pathset_has(&x, "/var/log/syslog", 15, NULL));
	assert_true(vg_pathset_has(&x, "/a/k.pem", 8, NULL));
	assert_false(vg_pathset_has(&x, "/a/syslog.1", 11, NULL));
	assert_false(vg_pathset_has(&x, "/a/b", 4, "/a/./b"));
	assert_true(vg_pathset_has(&x, "/a/b", 4, "/a/c/../b"));
	vg_pathset_init(&y, VG_PATHS_ANY);
	vg_pathset_union(&x, &y);
	assert_string_equal(str(&x), "ANY");
}

/* The analysis of the single rule of a ruleset for event type name. */
static const char *analyse(const char *prelude, const char *cond, const char *type,
			   enum vg_pf_mode mode)
{
	static char out[4096];
	struct vg_ruleset *rs = th_rule(prelude, cond);
	struct vg_pathset s;

	if (vg_ruleset_error_count(rs) || vg_ruleset_rule_count(rs) != 1) {
		th_dump(rs);
		vg_ruleset_free(rs);
		fail_msg("condition did not compile: %s", cond);
	}
	vg_prefilter_rule(vg_ruleset_rule(rs, 0), vg_evttype_code(type, strlen(type)), mode, &s);
	snprintf(out, sizeof(out), "%s", str(&s));
	vg_pathset_free(&s);
	vg_ruleset_free(rs);
	return out;
}

#define OPENAT(cond) analyse(NULL, cond, "openat", VG_PF_OPEN)

static void test_checks(void **state)
{
	(void)state;
	assert_string_equal(OPENAT("evt.type = openat and fd.name startswith /etc/"), "^/etc/");
	assert_string_equal(OPENAT("evt.type = openat and fd.name = /etc/shadow"), "=/etc/shadow");
	assert_string_equal(OPENAT("evt.type = openat and fd.name in (/etc/shadow, /etc/sudoers)"),
			    "=/etc/shadow =/etc/sudoers");
	assert_string_equal(
		OPENAT("evt.type = openat and fd.name startswith anyof (/etc/, /root/)"),
		"^/etc/ ^/root/");
	assert_string_equal(OPENAT("evt.type = openat and fd.name pmatch (/etc, /usr/lib/)"),
			    "=/etc ^/etc/ =/usr/lib ^/usr/lib/");
	assert_string_equal(OPENAT("evt.type = openat and fd.name glob '/etc/*.conf'"), "^/etc/");
	assert_string_equal(OPENAT("evt.type = openat and fd.name glob '/etc/hosts'"),
			    "=/etc/hosts");
	assert_string_equal(OPENAT("evt.type = openat and fd.directory in (/etc, /root/.ssh)"),
			    "=/etc ^/etc/ =/root/.ssh ^/root/.ssh/");
	assert_string_equal(OPENAT("evt.type = openat and fd.directory startswith /var/"),
			    "^/var/");
	assert_string_equal(OPENAT("evt.type = openat and fs.path.name startswith /opt/"),
			    "^/opt/");
	assert_string_equal(OPENAT("evt.type = openat and evt.abspath = /opt/x"), "=/opt/x");
	/* what says nothing about where the path is */
	assert_string_equal(OPENAT("evt.type = openat and fd.directory = /"), "ANY");
	assert_string_equal(OPENAT("evt.type = openat and fd.name contains id_rsa"), "ANY");
	assert_string_equal(OPENAT("evt.type = openat and fd.name endswith /x.pem"), "ANY");
	assert_string_equal(OPENAT("evt.type = openat and fd.directory endswith log"), "ANY");
	assert_string_equal(OPENAT("evt.type = openat and fd.filename startswith sh"), "ANY");
	assert_string_equal(OPENAT("evt.type = openat and fd.nameraw startswith /etc"), "ANY");
	assert_string_equal(OPENAT("evt.type = openat and fd.nameraw glob '*[..]*'"), "ANY");
	/* base names: is and ends with */
	assert_string_equal(OPENAT("evt.type = openat and fd.name endswith .pem"), "$.pem");
	assert_string_equal(OPENAT("evt.type = openat and fd.filename = shadow"), "~shadow");
	assert_string_equal(OPENAT("evt.type = openat and fd.filename in (syslog, a/b, cron)"),
			    "~cron ~syslog");
	assert_string_equal(OPENAT("evt.type = openat and fd.filename endswith .log"), "$.log");
	assert_string_equal(OPENAT("evt.type = openat and fd.filename = a/b"), "NONE");
	/* the caller's path: only "it has .." is known */
	assert_string_equal(OPENAT("evt.type = openat and fd.nameraw contains '../'"), "..");
	assert_string_equal(OPENAT("evt.type = openat and fd.nameraw glob '*../*../*'"), "..");
	assert_string_equal(OPENAT("evt.type = openat and tolower(fd.name) startswith /etc"),
			    "ANY");
	assert_string_equal(OPENAT("evt.type = openat and fd.name regex '/etc/.*'"), "ANY");
	assert_string_equal(OPENAT("evt.type = openat and fd.name = val(proc.cwd)"), "ANY");
	assert_string_equal(OPENAT("evt.type = openat and fd.name icontains /etc"), "ANY");
	/* an fd of an open is never a TCP socket */
	assert_string_equal(OPENAT("evt.type = openat and fd.type in (ipv4, ipv6)"), "NONE");
	assert_string_equal(OPENAT("evt.type = openat and fd.typechar = f"), "ANY");
}

static void test_connectives(void **state)
{
	(void)state;
	/* and: the tightest bound, here the intersection */
	assert_string_equal(OPENAT("evt.type = openat and fd.name startswith /etc and "
				   "fd.name in (/etc/shadow, /tmp/shadow) and proc.name = cat"),
			    "=/etc/shadow");
	/* or: every branch must be bounded */
	assert_string_equal(OPENAT("evt.type = openat and (fd.name startswith /etc/ or "
				   "fd.directory = /root/.ssh)"),
			    "^/etc/ =/root/.ssh ^/root/.ssh/");
	assert_string_equal(
		OPENAT("evt.type = openat and (fd.name startswith /etc/ or proc.name = cat)"),
		"ANY");
	/* not: unbounded, unless De Morgan brings a positive check back */
	assert_string_equal(OPENAT("evt.type = openat and not fd.name startswith /tmp/"), "ANY");
	assert_string_equal(OPENAT("evt.type = openat and not (proc.name = cat or "
				   "not fd.name startswith /etc/)"),
			    "^/etc/");
	/* branches for other event types cannot match an openat */
	assert_string_equal(OPENAT("(evt.type = openat and fd.name = /etc/shadow) or "
				   "(evt.type = execve and proc.name = cat)"),
			    "=/etc/shadow");
	assert_string_equal(OPENAT("evt.type != execve and fd.name startswith /x/"), "^/x/");
	assert_string_equal(OPENAT("not evt.type = openat or fd.name = /a"), "=/a");
	/* no event type at all: every event, any path */
	assert_string_equal(OPENAT("proc.name = cat"), "ANY");
	assert_string_equal(
		analyse(NULL, "evt.type = openat and fd.name = /a", "execve", VG_PF_OPEN), "NONE");
}

static void test_macros_lists_exceptions(void **state)
{
	static const char prelude[] =
		"- list: keys\n  items: [/etc/shadow, /etc/gshadow]\n"
		"- macro: open_read\n"
		"  condition: (evt.type in (open,openat,openat2) and evt.is_open_read=true and "
		"fd.typechar='f' and fd.num>=0)\n"
		"- macro: sensitive\n"
		"  condition: fd.name startswith /etc and (fd.name in (keys) or "
		"fd.directory in (/etc/sudoers.d, /etc/pam.d))\n";

	(void)state;
	assert_string_equal(analyse(prelude, "open_read and sensitive and not proc.name = sshd",
				    "openat", VG_PF_OPEN),
			    "=/etc/gshadow =/etc/pam.d ^/etc/pam.d/ =/etc/shadow "
			    "=/etc/sudoers.d ^/etc/sudoers.d/");
	assert_string_equal(analyse(prelude, "open_read and sensitive", "open", VG_PF_OPEN),
			    "=/etc/gshadow =/etc/pam.d ^/etc/pam.d/ =/etc/shadow "
			    "=/etc/sudoers.d ^/etc/sudoers.d/");
}

static void test_table_mode(void **state)
{
	(void)state;
	assert_string_equal(analyse(NULL, "evt.type = close and fd.name startswith /var/log/",
				    "close", VG_PF_TABLE),
			    "^/var/log/");
	/* on a close, fs.path.name is not the table's name: nothing known */
	assert_string_equal(analyse(NULL, "evt.type = close and fs.path.name startswith /v/",
				    "close", VG_PF_TABLE),
			    "ANY");
	assert_string_equal(analyse(NULL, "evt.type in (dup, dup2) and fd.type in (ipv4, ipv6)",
				    "dup2", VG_PF_TABLE),
			    "NONE");
}

static struct vg_ruleset *load(const char *yaml)
{
	struct vg_ruleset *rs = th_load(yaml);

	if (vg_ruleset_error_count(rs)) {
		th_dump(rs);
		fail_msg("rules did not compile");
	}
	return rs;
}

#define RULE(name, cond, out)                                                                      \
	"- rule: " name "\n  desc: d\n  condition: " cond "\n  output: " out                       \
	"\n  priority: WARNING\n"

static void test_ruleset(void **state)
{
	struct vg_prefilter pf;
	struct vg_ruleset *rs;

	(void)state;
	rs = load(RULE("etc", "evt.type in (open, openat) and fd.name startswith /etc/", "o")
			  RULE("exec", "evt.type = execve and proc.name = cat", "o %fd.name")
				  RULE("off", "evt.type = openat and proc.name = cat",
				       "o") "  enabled: false\n");
	vg_prefilter_build(rs, &pf);
	assert_string_equal(str(&pf.paths[VG_SC_openat]), "^/etc/");
	assert_string_equal(str(&pf.paths[VG_SC_open]), "^/etc/");
	/* no rule can match these: every open of them may be dropped */
	assert_string_equal(str(&pf.paths[VG_SC_openat2]), "NONE");
	assert_string_equal(str(&pf.paths[VG_SC_creat]), "NONE");
	/* syscalls without a kernel-side path test are never filtered */
	assert_string_equal(str(&pf.paths[VG_SC_unlinkat]), "ANY");
	assert_null(pf.why[VG_SC_unlinkat]);
	assert_true(vg_prefilter_syscall(VG_SC_creat));
	assert_false(vg_prefilter_syscall(VG_SC_unlinkat));
	vg_prefilter_free(&pf);
	/* enabling the unbounded rule makes openat unfiltered, and says why */
	vg_ruleset_enable(rs, "off", true);
	vg_prefilter_build(rs, &pf);
	assert_string_equal(str(&pf.paths[VG_SC_openat]), "ANY");
	assert_string_equal(pf.why[VG_SC_openat], "off");
	assert_string_equal(str(&pf.paths[VG_SC_open]), "^/etc/");
	vg_prefilter_free(&pf);
	vg_ruleset_free(rs);
}

static void test_ruleset_table_readers(void **state)
{
	struct vg_prefilter pf;
	struct vg_ruleset *rs;

	(void)state;
	/* a close rule naming files needs their opens delivered: the fd table names them */
	rs = load(RULE("etc", "evt.type = openat and fd.name startswith /etc/",
		       "o") RULE("logs", "evt.type = close and fd.name startswith /var/log/", "o")
			  RULE("quiet", "evt.type = close and proc.name = cat", "o %proc.name")
				  RULE("net", "evt.type = dup2 and fd.type = ipv4", "o %fd.name"));
	vg_prefilter_build(rs, &pf);
	assert_string_equal(str(&pf.paths[VG_SC_openat]), "^/etc/ ^/var/log/");
	assert_string_equal(str(&pf.paths[VG_SC_open]), "^/var/log/");
	vg_prefilter_free(&pf);
	vg_ruleset_free(rs);
	/* a close rule that prints any file's name needs every open */
	rs = load(RULE("etc", "evt.type = openat and fd.name startswith /etc/", "o")
			  RULE("closes", "evt.type = close and proc.name = cat", "o %fd.name"));
	vg_prefilter_build(rs, &pf);
	assert_string_equal(str(&pf.paths[VG_SC_openat]), "ANY");
	assert_string_equal(pf.why[VG_SC_openat], "closes");
	vg_prefilter_free(&pf);
	vg_ruleset_free(rs);
}

static void test_ruleset_write_only(void **state)
{
	struct vg_prefilter pf;
	struct vg_ruleset *rs;

	(void)state;
	/* open_write's test in every spelling: the rule needs a write, or a read */
	rs = load(RULE("w",
		       "evt.type = openat and evt.is_open_write = true and "
		       "fd.name startswith /tmp/",
		       "o") RULE("r", "evt.type = openat and fd.name = /etc/shadow",
				 "o") RULE("nw",
					   "evt.type = openat and not evt.is_open_write = true and "
					   "fd.name startswith /x/",
					   "o")
			  RULE("f",
			       "evt.type = openat and evt.is_open_write = false and fd.name = /y",
			       "o") RULE("ne",
					 "evt.type = openat and evt.is_open_write != true and "
					 "fd.name = /z",
					 "o") RULE("ro",
						   "evt.type = openat and evt.is_open_read = true "
						   "and fd.name = /r",
						   "o"));
	vg_prefilter_build(rs, &pf);
	assert_string_equal(str(&pf.paths[VG_SC_openat]), "=/etc/shadow =/r ^/tmp/ ^/x/ =/y =/z");
	assert_string_equal(str(&pf.reads[VG_SC_openat]), "=/etc/shadow =/r ^/x/ =/y =/z");
	assert_string_equal(str(&pf.reads[VG_SC_open]), "NONE");
	vg_prefilter_free(&pf);
	vg_ruleset_free(rs);
	/* a rule on every write open leaves the reads bounded */
	rs = load(RULE("r", "evt.type = openat and fd.name = /etc/shadow", "o")
			  RULE("anyw", "evt.type = openat and evt.is_open_write = true", "o"));
	vg_prefilter_build(rs, &pf);
	assert_string_equal(str(&pf.paths[VG_SC_openat]), "ANY");
	assert_string_equal(pf.why[VG_SC_openat], "anyw");
	assert_string_equal(str(&pf.reads[VG_SC_openat]), "=/etc/shadow");
	assert_null(pf.why_read[VG_SC_openat]);
	vg_prefilter_free(&pf);
	vg_ruleset_free(rs);
	/* one on every read open turns both off */
	rs = load(RULE("w",
		       "evt.type = openat and evt.is_open_write = true and "
		       "fd.name startswith /tmp/",
		       "o") RULE("anyr", "evt.type = openat and evt.is_open_write = false", "o"));
	vg_prefilter_build(rs, &pf);
	assert_string_equal(str(&pf.paths[VG_SC_openat]), "ANY");
	assert_string_equal(str(&pf.reads[VG_SC_openat]), "ANY");
	assert_string_equal(pf.why_read[VG_SC_openat], "anyr");
	vg_prefilter_free(&pf);
	vg_ruleset_free(rs);
}

/*
 * The reads set against the evaluator: for each condition, path and open
 * flags, if the rule matches an openat that does not write (as
 * evt.is_open_write says), the reads set holds the path; a write open's
 * match is in the set of every open.
 */
static void test_reads_sound_against_eval(void **state)
{
	static const char *const conds[] = {
		"evt.type = openat and evt.is_open_write = true and fd.name startswith /tmp/",
		"evt.type = openat and evt.is_open_write = false and fd.name startswith /tmp/",
		"evt.type = openat and evt.is_open_write != true and fd.name = /etc/shadow",
		"evt.type = openat and not evt.is_open_write = true and fd.name startswith /etc/",
		"evt.type = openat and (evt.is_open_write = true or fd.name = /etc/shadow) and "
		"fd.name startswith /",
		"evt.type = openat and not (evt.is_open_write = true and fd.name startswith /tmp/) "
		"and fd.name startswith /tmp/a",
		"evt.type = openat and (evt.is_open_write = true and fd.name startswith /tmp/ or "
		"fd.name = /etc/shadow)",
		"evt.type = openat and evt.is_open_read = true and fd.name startswith /tmp/",
	};
	static const char *const paths[] = {"/tmp/a", "/tmp/b", "/etc/shadow", "/etc/x", "/x"};
	static const uint64_t flags[] = {O_RDONLY, O_WRONLY,	       O_RDWR,
					 3,	   O_RDONLY | O_CREAT, O_WRONLY | O_TRUNC};
	struct th_world w;
	struct vg_syscall_body sc = {.id = VG_SC_openat};
	struct vg_fd fd = {.num = 3, .type = VG_FDT_FILE};
	uint16_t t = vg_evttype_code("openat", 6);
	int matched[2] = {0, 0}; /* read, write opens matched: the test is not vacuous */

	(void)state;
	for (size_t c = 0; c < sizeof(conds) / sizeof(conds[0]); c++) {
		struct vg_ruleset *rs = th_rule(NULL, conds[c]);
		struct vg_pathset all, rd;
		int reads = 0;

		assert_int_equal(vg_ruleset_error_count(rs), 0);
		vg_prefilter_rule(vg_ruleset_rule(rs, 0), t, VG_PF_OPEN, &all);
		vg_prefilter_rule_read(vg_ruleset_rule(rs, 0), t, &rd);
		for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
			for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
				const char *name = paths[p];
				bool writes = (flags[f] & O_ACCMODE) == O_WRONLY ||
					      (flags[f] & O_ACCMODE) == O_RDWR;
				const struct vg_pathset *s = writes ? &all : &rd;

				th_world_init(&w, VG_EV_SYSCALL);
				sc.args[2] = flags[f];
				w.ev.sc = &sc;
				w.hdr.retval = 3;
				memset(w.ev.var, 0, sizeof(w.ev.var));
				fd.name = (char *)name;
				fd.nameraw = (char *)name;
				w.st.fd = &fd;
				w.st.path_abs = name;
				if (!vg_rule_eval(rs, vg_ruleset_rule(rs, 0), &w.ctx))
					continue;
				reads += !writes;
				matched[writes]++;
				if (!vg_pathset_has(s, name, strlen(name), name))
					fail_msg("'%s' opened with %#llx matches %s but the set is "
						 "%s",
						 name, (unsigned long long)flags[f], conds[c],
						 str(s));
			}
		}
		/* the write-only conditions leave the reads set empty: it is worth having */
		if (!reads && c == 0)
			assert_string_equal(str(&rd), "NONE");
		vg_pathset_free(&all);
		vg_pathset_free(&rd);
		vg_ruleset_free(rs);
	}
	assert_true(matched[0] > 0 && matched[1] > 0);
}

/*
 * Soundness against the evaluator: for each condition and each path, if
 * the rule matches a successful openat of that path, the set holds it.
 */
static void test_sound_against_eval(void **state)
{
	static const char *const conds[] = {
		"evt.type = openat and fd.name startswith /etc/",
		"evt.type = openat and fd.directory in (/etc, /root/.ssh)",
		"evt.type = openat and fd.name pmatch (/usr/lib)",
		"evt.type = openat and (fd.name glob '/etc/*.conf' or fd.name = /tmp/a)",
		"evt.type = openat and not (proc.name = nope or not fd.name startswith /root)",
		"evt.type = openat and fd.name startswith /etc and fd.name in (/etc/shadow, /x)",
		"evt.type = openat and fd.directory startswith /var and fd.name endswith .log",
		"evt.type = openat and fd.filename in (syslog, auth.log, a/b)",
		"evt.type = openat and fd.name endswith release_agent",
		"evt.type = openat and (fd.directory in (/var/log) or fd.filename in (syslog, "
		"x.conf))",
		"evt.type = openat and fd.filename endswith .conf and fd.name startswith /etc/",
		"evt.type = openat and fd.nameraw contains '../' and fd.nameraw glob '*../*../*' "
		"and "
		"(fd.name startswith /etc or fd.name contains id_rsa)",
	};
	static const char *const paths[] = {
		"/etc/shadow",
		"/etc",
		"/etc/x.conf",
		"/etcx",
		"/root/.ssh",
		"/root/.ssh/k",
		"/root/.sshx",
		"/usr/lib",
		"/usr/lib/a",
		"/usr/libexec",
		"/tmp/a",
		"/tmp/ab",
		"/var/log/a.log",
		"/x",
		"/root",
		"/",
		"/var",
		"/etc/ssh/ssh.conf",
		"/usr/lib/a/b",
		"/var/log/syslog",
		"/tmp/syslog",
		"/tmp/syslogx",
		"/sys/fs/cgroup/release_agent",
		"/tmp/xrelease_agent",
		"/home/u/.ssh/id_rsa",
	};
	struct th_world w;
	struct vg_syscall_body sc = {.id = VG_SC_openat};
	struct vg_fd fd = {.num = 3, .type = VG_FDT_FILE};

	(void)state;
	for (size_t c = 0; c < sizeof(conds) / sizeof(conds[0]); c++) {
		struct vg_ruleset *rs = th_rule(NULL, conds[c]);
		struct vg_pathset s;
		int matched = 0;

		assert_int_equal(vg_ruleset_error_count(rs), 0);
		vg_prefilter_rule(vg_ruleset_rule(rs, 0), vg_evttype_code("openat", 6), VG_PF_OPEN,
				  &s);
		/* each path opened as itself, and by a raw path with ".." twice */
		for (size_t p = 0; p < 2 * sizeof(paths) / sizeof(paths[0]); p++) {
			const char *name = paths[p / 2];
			char raw[256];
			bool m;

			snprintf(raw, sizeof(raw), "%s%s", p % 2 ? "/a/../b/../" : "",
				 p % 2 ? name + 1 : name);
			th_world_init(&w, VG_EV_SYSCALL);
			w.ev.sc = &sc;
			w.hdr.retval = 3;
			memset(w.ev.var, 0, sizeof(w.ev.var));
			fd.name = (char *)name;
			fd.nameraw = raw;
			fd.type = strcmp(name, "/root/.ssh") == 0 ? VG_FDT_DIR : VG_FDT_FILE;
			w.st.fd = &fd;
			w.st.path_abs = name;
			m = vg_rule_eval(rs, vg_ruleset_rule(rs, 0), &w.ctx);
			matched += m;
			if (m && !vg_pathset_has(&s, name, strlen(name), raw))
				fail_msg("'%s' (as '%s') matches %s but the set is %s", name, raw,
					 conds[c], str(&s));
		}
		/* every condition matches some path: the test is not vacuous */
		assert_true(matched > 0);
		vg_pathset_free(&s);
		vg_ruleset_free(rs);
	}
}

/* Falco's stable "Read sensitive file untrusted" alone is bounded to a few files. */
static void test_falco_sensitive_files(void **state)
{
	const char *path = FALCO_RULES_DIR "/falco_rules.yaml";
	struct vg_ruleset_opts o = {.passwd_path = TEST_DATA_DIR "/passwd",
				    .group_path = TEST_DATA_DIR "/group"};
	struct vg_ruleset *rs;
	struct vg_prefilter pf;

	(void)state;
	if (access(path, R_OK) != 0)
		skip();
	rs = vg_ruleset_new(&o);
	assert_non_null(rs);
	assert_int_equal(vg_ruleset_load_path(rs, path), 0);
	vg_ruleset_compile(rs);
	vg_ruleset_select(rs, "*", false, false);
	assert_int_equal(vg_ruleset_select(rs, "Read sensitive file untrusted", false, true), 1);
	vg_prefilter_build(rs, &pf);
	assert_int_equal(pf.paths[VG_SC_openat].kind, VG_PATHS_SOME);
	assert_true(vg_pathset_has(&pf.paths[VG_SC_openat], "/etc/shadow", 11, NULL));
	assert_true(vg_pathset_has(&pf.paths[VG_SC_openat], "/etc/pam.d/sshd", 15, NULL));
	assert_false(vg_pathset_has(&pf.paths[VG_SC_openat], "/tmp/x", 6, NULL));
	assert_false(vg_pathset_has(&pf.paths[VG_SC_openat], "/etc/hostname", 13, NULL));
	assert_int_equal(pf.paths[VG_SC_creat].kind, VG_PATHS_NONE);
	vg_prefilter_free(&pf);
	vg_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_intersect),
		cmocka_unit_test(test_union_and_has),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_connectives),
		cmocka_unit_test(test_macros_lists_exceptions),
		cmocka_unit_test(test_table_mode),
		cmocka_unit_test(test_ruleset),
		cmocka_unit_test(test_ruleset_table_readers),
		cmocka_unit_test(test_ruleset_write_only),
		cmocka_unit_test(test_reads_sound_against_eval),
		cmocka_unit_test(test_sound_against_eval),
		cmocka_unit_test(test_falco_sensitive_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
