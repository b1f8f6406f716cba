// SPDX-License-Identifier: Apache-2.0
/*
 * fd.*ip.name and its name table (engine/fields/dns_names.c): which
 * constants a compiled rule registers, lookups of IPv4, IPv6 and
 * IPv4-mapped addresses through the rules, a refresh replacing addresses
 * (and what a failure keeps), unknown addresses, the system resolver on
 * /etc/hosts and numeric names, the resolver thread's periodic refresh,
 * and freeing a table whose thread is stuck in a slow lookup.
 *
 * Lookup tests feed the table through an answer book (a resolver function
 * the test controls) so that an address can change between two passes;
 * test_system_resolver uses getaddrinfo itself.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fields/dns_names.h"
#include "helpers.h"
#include "rules/rules_internal.h"
#include "rules/format.h"
#include "state/fd_table.h"
#include "vigil/syscalls.h"

/* ---- an answer book: name -> addresses, changed by the test ---- */

#define BOOK_MAX 8

struct book {
	pthread_mutex_t mu;
	struct {
		const char *name;
		const char *addrs[4]; /* text, NULL-terminated */
		enum vg_dns_status st;
	} e[BOOK_MAX];
	size_t n;
	atomic_int calls;
	atomic_bool block, blocked, returned; /* for the slow-resolver test */
};

static struct book B;

static void book_reset(void)
{
	pthread_mutex_destroy(&B.mu);
	memset(&B, 0, sizeof(B));
	pthread_mutex_init(&B.mu, NULL);
}

static void book_set(const char *name, enum vg_dns_status st, const char *a0, const char *a1)
{
	size_t i;

	pthread_mutex_lock(&B.mu);
	for (i = 0; i < B.n && strcmp(B.e[i].name, name) != 0; i++)
		;
	assert_true(i < BOOK_MAX);
	if (i == B.n)
		B.n++;
	B.e[i].name = name;
	B.e[i].st = st;
	B.e[i].addrs[0] = a0;
	B.e[i].addrs[1] = a0 ? a1 : NULL;
	B.e[i].addrs[2] = NULL;
	pthread_mutex_unlock(&B.mu);
}

static enum vg_dns_status book_resolve(void *arg, const char *name, struct vg_dns_addr *out,
				       size_t max, size_t *n)
{
	struct book *b = arg;
	enum vg_dns_status st = VG_DNS_NONAME;
	struct timespec ms = {0, 1000000};

	atomic_fetch_add(&b->calls, 1);
	while (atomic_load(&b->block)) {
		atomic_store(&b->blocked, true);
		nanosleep(&ms, NULL);
	}
	*n = 0;
	pthread_mutex_lock(&b->mu);
	for (size_t i = 0; i < b->n; i++) {
		if (strcmp(b->e[i].name, name) != 0)
			continue;
		st = b->e[i].st;
		for (size_t k = 0; b->e[i].addrs[k] && *n < max; k++) {
			struct vg_dns_addr *a = &out[(*n)++];

			/* the book's addresses are the test's own constants: valid text */
			memset(a, 0, sizeof(*a));
			a->len = inet_pton(AF_INET, b->e[i].addrs[k], a->ip) == 1 ? 4 : 16;
			if (a->len == 16)
				inet_pton(AF_INET6, b->e[i].addrs[k], a->ip);
		}
	}
	pthread_mutex_unlock(&b->mu);
	atomic_store(&b->returned, true);
	return st;
}

static const struct vg_dns_opts book_opts = {.resolve = book_resolve, .resolve_arg = &B};

/* ---- events ---- */

static struct th_world W;
static struct vg_syscall_body SC;
static struct vg_fd FD;

/* A connect (or accept4) from local to remote, addresses as text, both of one family. */
static void sock_event(enum vg_syscall id, int family, const char *local, const char *remote)
{
	th_world_init(&W, VG_EV_SYSCALL);
	memset(&SC, 0, sizeof(SC));
	memset(&FD, 0, sizeof(FD));
	memset(W.ev.var, 0, sizeof(W.ev.var));
	SC.id = (uint16_t)id;
	W.ev.sc = &SC;
	FD.num = 3;
	FD.type = family == AF_INET ? VG_FDT_IPV4 : VG_FDT_IPV6;
	FD.has_sock = true;
	FD.sock.family = (uint16_t)family;
	FD.sock.type = SOCK_STREAM;
	FD.sock.state = 1;
	assert_int_equal(inet_pton(family, local, FD.sock.saddr), 1);
	assert_int_equal(inet_pton(family, remote, FD.sock.daddr), 1);
	FD.sock.sport = 40000;
	FD.sock.dport = 443;
	W.st.fd = &FD;
}

static const char *const *names_of(const struct vg_ruleset *rs, size_t *n)
{
	static const char *v[32];

	*n = vg_dns_names_count(rs->ev.env.dns);
	assert_true(*n <= 32);
	for (size_t i = 0; i < *n; i++)
		v[i] = vg_dns_names_name(rs->ev.env.dns, i);
	return v;
}

/* The rules under test: every way a constant can meet an fd.*ip.name field. */
static const char *const RULES =
	"- list: outbound\n"
	"  items: [a.example, \"b.example\", api.example.com]\n"
	"- macro: api\n"
	"  condition: fd.sip.name = api.example.com\n"
	"- rule: api\n  desc: d\n  condition: evt.type = connect and api\n"
	"  output: to %fd.sip.name from %fd.cip.name\n  priority: WARNING\n"
	"- rule: out\n  desc: d\n  condition: evt.type in (connect, accept4) and fd.cip.name in "
	"(outbound)\n"
	"  output: o\n  priority: WARNING\n"
	"- rule: shapes\n  desc: d\n  enabled: false\n"
	"  condition: >-\n"
	"    evt.type = connect and (fd.sip.name startswith host.example or\n"
	"    fd.rip.name != r.example or fd.lip.name endswith .svc.cluster.local or\n"
	"    fd.sip.name glob \"*.example\" or fd.sip.name regex \"x[.]example\" or\n"
	"    fd.name = not-a-name-field.example or fd.sip.name contains \"bad name\")\n"
	"  output: o\n  priority: WARNING\n";

static struct vg_ruleset *load_rules(void)
{
	struct vg_ruleset *rs = th_load(RULES);

	if (vg_ruleset_error_count(rs))
		th_dump(rs);
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_int_equal(vg_ruleset_rule_count(rs), 3);
	return rs;
}

static bool rule_matches(struct vg_ruleset *rs, size_t i)
{
	return vg_rule_eval(rs, vg_ruleset_rule(rs, i), &W.ctx);
}

/* ---- tests ---- */

static void test_name_syntax(void **state)
{
	static const char *const good[] = {"kubernetes.default.svc.cluster.local", "localhost",
					   "a-b_c.example.", "10.0.0.1"};
	static const char *const bad[] = {
		"", ".svc.cluster.local", "a..b", "*.example", "bad name", "::1", "x/y"};
	char long_label[80];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_true(vg_dns_name_valid(good[i], strlen(good[i])));
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_false(vg_dns_name_valid(bad[i], strlen(bad[i])));
	memset(long_label, 'a', 64);
	long_label[64] = '\0';
	assert_false(vg_dns_name_valid(long_label, 64));
	assert_true(vg_dns_name_valid(long_label, 63));
}

/* Host names compared with the fields are registered, once, in rule order; nothing else. */
static void test_registration(void **state)
{
	static const char *const want[] = {"api.example.com", "a.example", "b.example",
					   "host.example", "r.example"};
	struct vg_ruleset *rs = load_rules(), *none;
	const char *const *got;
	size_t n;

	(void)state;
	got = names_of(rs, &n);
	assert_int_equal(n, sizeof(want) / sizeof(*want));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(got[i], want[i]);
	vg_ruleset_free(rs);
	/* rules that never name these fields have no table, and nothing to start */
	none = th_rule(NULL, "evt.type = connect and fd.sip = 10.0.0.1");
	assert_null(none->ev.env.dns);
	vg_ruleset_start_background(none, 1000);
	vg_ruleset_free(none);
}

static void test_lookup_v4_v6(void **state)
{
	struct vg_ruleset *rs = load_rules();
	const char *nm[4];
	uint32_t len[4];
	uint8_t ip[16];
	char out[256];

	(void)state;
	book_reset();
	book_set("api.example.com", VG_DNS_OK, "10.0.0.1", "2001:db8::1");
	book_set("a.example", VG_DNS_OK, "10.0.0.1", NULL);
	book_set("b.example", VG_DNS_OK, "10.9.9.9", NULL);
	vg_dns_names_refresh(rs->ev.env.dns, &book_opts);

	/* both names of 10.0.0.1, in registration order */
	inet_pton(AF_INET, "10.0.0.1", ip);
	assert_int_equal(vg_dns_names_lookup(rs->ev.env.dns, ip, 4, nm, len, 4), 2);
	assert_string_equal(nm[0], "api.example.com");
	assert_string_equal(nm[1], "a.example");
	assert_int_equal(len[1], strlen("a.example"));

	/* IPv4: the server end is the remote one of a connect */
	sock_event(VG_SC_connect, AF_INET, "10.1.2.3", "10.0.0.1");
	assert_true(rule_matches(rs, 0));
	assert_false(rule_matches(rs, 1)); /* the client 10.1.2.3 has no name */
	vg_rule_render_output(rs, vg_ruleset_rule(rs, 0), &W.ctx, out, sizeof(out));
	assert_string_equal(out, "to api.example.com,a.example from <NA>");
	/* a ruleset that compares the field with no name has none to give */
	assert_false(th_match(&W, NULL, "fd.sip.name exists"));

	/* the client end of an accepted connection, and fd.lip.name/fd.rip.name */
	sock_event(VG_SC_accept4, AF_INET, "10.0.0.5", "10.9.9.9");
	assert_true(rule_matches(rs, 1));
	assert_false(rule_matches(rs, 0));

	/* IPv6 */
	sock_event(VG_SC_connect, AF_INET6, "2001:db8::7", "2001:db8::1");
	assert_true(rule_matches(rs, 0));
	vg_rule_render_output(rs, vg_ruleset_rule(rs, 0), &W.ctx, out, sizeof(out));
	assert_string_equal(out, "to api.example.com from <NA>");

	/* a dual-stack socket shows an IPv4 peer as ::ffff:a.b.c.d */
	sock_event(VG_SC_connect, AF_INET6, "::ffff:10.1.2.3", "::ffff:10.0.0.1");
	assert_true(rule_matches(rs, 0));

	/* an address no registered name resolves to: missing */
	sock_event(VG_SC_connect, AF_INET, "10.1.2.3", "10.0.0.2");
	assert_false(rule_matches(rs, 0));
	vg_rule_render_output(rs, vg_ruleset_rule(rs, 0), &W.ctx, out, sizeof(out));
	assert_string_equal(out, "to <NA> from <NA>");
	inet_pton(AF_INET6, "2001:db8::2", ip);
	assert_int_equal(vg_dns_names_lookup(rs->ev.env.dns, ip, 16, nm, len, 4), 0);
	vg_ruleset_free(rs);
}

static void test_refresh_replaces(void **state)
{
	struct vg_ruleset *rs = load_rules();

	(void)state;
	book_reset();
	book_set("api.example.com", VG_DNS_OK, "10.0.0.1", NULL);
	vg_dns_names_refresh(rs->ev.env.dns, &book_opts);
	sock_event(VG_SC_connect, AF_INET, "10.1.2.3", "10.0.0.1");
	assert_true(rule_matches(rs, 0));

	/* the name moves: the old address loses it, the new one has it */
	book_set("api.example.com", VG_DNS_OK, "10.0.0.2", "2001:db8::2");
	vg_dns_names_refresh(rs->ev.env.dns, &book_opts);
	assert_false(rule_matches(rs, 0));
	sock_event(VG_SC_connect, AF_INET, "10.1.2.3", "10.0.0.2");
	assert_true(rule_matches(rs, 0));

	/* a resolver that is down keeps what was known */
	book_set("api.example.com", VG_DNS_AGAIN, NULL, NULL);
	vg_dns_names_refresh(rs->ev.env.dns, &book_opts);
	assert_true(rule_matches(rs, 0));

	/* a name that no longer exists has no address */
	book_set("api.example.com", VG_DNS_NONAME, NULL, NULL);
	vg_dns_names_refresh(rs->ev.env.dns, &book_opts);
	assert_false(rule_matches(rs, 0));
	vg_ruleset_free(rs);
}

/* getaddrinfo itself: /etc/hosts' localhost and a numeric name. */
static void test_system_resolver(void **state)
{
	struct vg_dns_names *t = vg_dns_names_new();
	struct vg_dns_opts o = {0};
	const char *nm[4];
	uint32_t len[4];
	uint8_t ip[16];

	(void)state;
	assert_true(vg_dns_names_add(t, "localhost", 9));
	assert_true(vg_dns_names_add(t, "127.0.0.9", 9));
	assert_true(vg_dns_names_add(t, "localhost", 9)); /* once */
	assert_false(vg_dns_names_add(t, "*.example", 9));
	assert_int_equal(vg_dns_names_count(t), 2);
	vg_dns_names_refresh(t, &o);
	inet_pton(AF_INET, "127.0.0.1", ip);
	assert_int_equal(vg_dns_names_lookup(t, ip, 4, nm, len, 4), 1);
	assert_string_equal(nm[0], "localhost");
	inet_pton(AF_INET, "127.0.0.9", ip);
	assert_int_equal(vg_dns_names_lookup(t, ip, 4, nm, len, 4), 1);
	assert_string_equal(nm[0], "127.0.0.9");
	inet_pton(AF_INET, "127.0.0.10", ip);
	assert_int_equal(vg_dns_names_lookup(t, ip, 4, nm, len, 4), 0);
	vg_dns_names_free(t);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool has_name(struct vg_dns_names *t, const char *addr)
{
	const char *nm[2];
	uint32_t len[2];
	uint8_t ip[16];

	inet_pton(AF_INET, addr, ip);
	return vg_dns_names_lookup(t, ip, 4, nm, len, 2) == 1;
}

/* The thread: the first pass is in before start returns, later ones follow the answers. */
static void test_thread_refresh(void **state)
{
	struct vg_dns_names *t = vg_dns_names_new();
	struct vg_dns_opts o = book_opts;
	struct vg_dns_stats st;
	uint64_t t0;

	(void)state;
	book_reset();
	book_set("svc.example", VG_DNS_OK, "10.0.0.1", NULL);
	o.refresh_ms = 100;
	o.first_wait_ms = 10000;
	assert_true(vg_dns_names_add(t, "svc.example", 11));
	assert_int_equal(vg_dns_names_start(t, &o), 0);
	assert_false(vg_dns_names_add(t, "late.example", 12)); /* too late: started */
	assert_true(has_name(t, "10.0.0.1"));
	book_set("svc.example", VG_DNS_OK, "10.0.0.3", NULL);
	for (t0 = now_ms(); !has_name(t, "10.0.0.3") && now_ms() - t0 < 20000;)
		usleep(10000);
	assert_true(has_name(t, "10.0.0.3"));
	assert_false(has_name(t, "10.0.0.1"));
	vg_dns_names_stats(t, &st);
	assert_true(st.passes >= 2);
	assert_int_equal(st.addrs, 1);
	vg_dns_names_free(t);
}

/* A lookup that hangs does not hold up free; the thread frees the table when it is out. */
static void test_free_slow_resolver(void **state)
{
	struct vg_dns_names *t = vg_dns_names_new();
	struct vg_dns_opts o = book_opts;
	uint64_t t0;

	(void)state;
	book_reset();
	book_set("slow.example", VG_DNS_OK, "10.0.0.1", NULL);
	atomic_store(&B.block, true);
	o.first_wait_ms = 50;
	assert_true(vg_dns_names_add(t, "slow.example", 12));
	t0 = now_ms();
	assert_int_equal(vg_dns_names_start(t, &o), 0);
	while (!atomic_load(&B.blocked) && now_ms() - t0 < 20000)
		usleep(1000);
	assert_true(atomic_load(&B.blocked));
	assert_false(has_name(t, "10.0.0.1")); /* nothing resolved yet */
	t0 = now_ms();
	vg_dns_names_free(t);
	/* the thread is still blocked: free came back on its own (bound: 200 ms, and slack) */
	assert_true(now_ms() - t0 < 5000);
	assert_false(atomic_load(&B.returned));
	atomic_store(&B.block, false);
	for (t0 = now_ms(); !atomic_load(&B.returned) && now_ms() - t0 < 20000;)
		usleep(1000);
	assert_true(atomic_load(&B.returned));
	usleep(200000); /* let the thread finish freeing (ASan would see a use after free) */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_syntax),	   cmocka_unit_test(test_registration),
		cmocka_unit_test(test_lookup_v4_v6),	   cmocka_unit_test(test_refresh_replaces),
		cmocka_unit_test(test_system_resolver),	   cmocka_unit_test(test_thread_refresh),
		cmocka_unit_test(test_free_slow_resolver),
	};

	pthread_mutex_init(&B.mu, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
