// SPDX-License-Identifier: Apache-2.0
/*
 * Live kernel: fd.sip.name from the rules' own domain names. Test names go
 * into /etc/hosts for the test's duration (rewritten in place, as
 * tests/containers/run-runtimes.sh does: /etc/hosts may be a bind mount),
 * and `vigil run` gets rules `evt.type = connect and fd.sip.name = NAME`:
 *
 *  - a TCP connect on loopback to NAME's IPv4 address alerts, with the name
 *    in output_fields; one to another loopback address does not;
 *  - the same over IPv6 (::1);
 *  - NAME moved to another address in /etc/hosts: the resolver's refresh
 *    (VIGIL_DNS_REFRESH_MS=500 here) moves the alerts with it;
 *  - a reload to rules naming another name: the new rules' names are
 *    resolved before they take over, the old name no longer alerts.
 *
 * Benign connects run before a fence connect that alerts: when the fence's
 * alert is in, a benign one would be too. Needs root; exits 77 otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vigil_proc.h"

static struct vigil_proc V;
static char dir[128], rules[192], tag[64];
static char name4[96], name6[96], moved[96], renamed[96];

/* ---- /etc/hosts, in place ---- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, len = 0, n;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			cap = 2 * cap + 4096;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* Rewrites /etc/hosts without our lines, then adds `extra` (our lines, or ""). */
static void hosts_set(const char *extra)
{
	char *old = read_file("/etc/hosts"), *save = NULL;
	FILE *f;

	assert_non_null(old);
	f = fopen("/etc/hosts", "w"); /* truncate and write: the same inode */
	assert_non_null(f);
	for (char *l = strtok_r(old, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (!strstr(l, tag))
			fprintf(f, "%s\n", l);
	fputs(extra, f);
	assert_int_equal(fclose(f), 0);
	free(old);
}

static void hosts_restore(void)
{
	char *old = read_file("/etc/hosts");

	if (old && tag[0] && strstr(old, tag)) {
		FILE *f = fopen("/etc/hosts", "w");
		char *save = NULL;

		for (char *l = strtok_r(old, "\n", &save); f && l; l = strtok_r(NULL, "\n", &save))
			if (!strstr(l, tag))
				fprintf(f, "%s\n", l);
		if (f)
			fclose(f);
	}
	free(old);
}

/* Our names: name4 and moved at IPv4 loopback addresses, name6 at ::1, renamed at .83. */
static void hosts_ours(const char *moved_addr)
{
	char lines[1024];

	snprintf(lines, sizeof(lines), "127.0.0.79 %s %s\n::1 %s %s\n%s %s %s\n127.0.0.83 %s %s\n",
		 name4, tag, name6, tag, moved_addr, moved, tag, renamed, tag);
	hosts_set(lines);
}

/* ---- rules ---- */

static void write_rules(const char *const *names, const char *const *rule_names, size_t n)
{
	char tmp[256];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", rules);
	f = fopen(tmp, "w");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fprintf(f,
			"- rule: %s\n"
			"  desc: a connect to a test name\n"
			"  condition: evt.type = connect and fd.sip.name = %s\n"
			"  output: connect to %%fd.sip.name (%%fd.sip port %%fd.sport)\n"
			"  priority: WARNING\n",
			rule_names[i], names[i]);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, rules), 0);
}

/* ---- connections ---- */

struct listener {
	int fd, family;
	char addr[64];
	unsigned port;
};

static void listen_on(struct listener *l, int family, const char *addr)
{
	struct sockaddr_storage ss = {0};
	socklen_t sl = sizeof(ss);
	int one = 1;

	l->family = family;
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
	l->fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(l->fd >= 0);
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, addr, &s->sin_addr), 1);
		sl = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, addr, &s->sin6_addr), 1);
		sl = sizeof(*s);
	}
	assert_int_equal(bind(l->fd, (struct sockaddr *)&ss, sl), 0);
	assert_int_equal(listen(l->fd, 16), 0);
	sl = sizeof(ss);
	assert_int_equal(getsockname(l->fd, (struct sockaddr *)&ss, &sl), 0);
	l->port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					  : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* One TCP connection to l, accepted and closed. */
static void connect_to(const struct listener *l)
{
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	int c, a;

	if (l->family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		inet_pton(AF_INET, l->addr, &s->sin_addr);
		s->sin_port = htons((uint16_t)l->port);
		sl = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		inet_pton(AF_INET6, l->addr, &s->sin6_addr);
		s->sin6_port = htons((uint16_t)l->port);
		sl = sizeof(*s);
	}
	c = socket(l->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(c >= 0);
	assert_int_equal(connect(c, (struct sockaddr *)&ss, sl), 0);
	a = accept(l->fd, NULL, NULL);
	assert_true(a >= 0);
	close(a);
	close(c);
}

/* ---- alerts ---- */

struct want {
	const char *rule, *name, *addr;
	unsigned port;
};

static bool match_alert(json_object *a, const void *arg)
{
	const struct want *w = arg;
	json_object *f, *name, *sip, *sport;

	if (!json_object_object_get_ex(a, "rule", &name) ||
	    strcmp(json_object_get_string(name), w->rule) != 0)
		return false;
	f = jget(a, "output_fields");
	return json_object_object_get_ex(f, "fd.sip", &sip) &&
	       json_object_object_get_ex(f, "fd.sport", &sport) &&
	       strcmp(json_object_get_string(sip), w->addr) == 0 &&
	       (unsigned)json_object_get_int64(sport) == w->port;
}

static json_object *expect_alert(const char *rule, const char *name, const struct listener *l)
{
	struct want w = {rule, name, l->addr, l->port};
	json_object *a = vigil_wait_event(&V, match_alert, &w, 10000);

	if (!a)
		fail_msg("no '%s' alert for a connect to %s:%u within 10 s", rule, l->addr,
			 l->port);
	assert_string_equal(jstr(jget(a, "output_fields"), "fd.sip.name"), name);
	return a;
}

/* Any alert at all for a connect to l's address and port. */
static bool any_alert_for(const struct listener *l)
{
	const char *rulesv[] = {"DNS test v4", "DNS test v6", "DNS test moved", "DNS test renamed"};

	for (size_t i = 0; i < sizeof(rulesv) / sizeof(*rulesv); i++) {
		struct want w = {rulesv[i], NULL, l->addr, l->port};

		if (vigil_wait_event(&V, match_alert, &w, 0))
			return true;
	}
	return false;
}

/* ---- setup ---- */

static int group_setup(void **state)
{
	const char *names[] = {name4, name6, moved};
	const char *rnames[] = {"DNS test v4", "DNS test v6", "DNS test moved"};
	const char *const args[] = {"-r", rules, NULL};

	(void)state;
	snprintf(tag, sizeof(tag), "# vigil-live-dns-%d", getpid());
	snprintf(name4, sizeof(name4), "vigil-dns4-%d.test", getpid());
	snprintf(name6, sizeof(name6), "vigil-dns6-%d.test", getpid());
	snprintf(moved, sizeof(moved), "vigil-dnsmoved-%d.test", getpid());
	snprintf(renamed, sizeof(renamed), "vigil-dnsrenamed-%d.test", getpid());
	snprintf(dir, sizeof(dir), "/tmp/vigil-live-dns-%d", getpid());
	snprintf(rules, sizeof(rules), "%s/rules.yaml", dir);
	mkdir(dir, 0755);
	atexit(hosts_restore);
	hosts_ours("127.0.0.81");
	write_rules(names, rnames, 3);
	setenv("VIGIL_DNS_REFRESH_MS", "500", 1);
	return vigil_start_cmd(&V, "run", args);
}

static int group_teardown(void **state)
{
	char cmd[256];
	int status;

	(void)state;
	status = vigil_stop(&V);
	hosts_restore();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return -1;
	if (!vigil_no_drops(&V)) {
		fprintf(stderr, "vigil dropped events:\n%s\n", V.errtext);
		return -1;
	}
	vigil_free(&V);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* ---- tests ---- */

static void sip_name_ipv4(void **state)
{
	struct listener named, other;

	(void)state;
	/* vigil said at start what it resolves */
	assert_non_null(strstr(V.errtext, "fd.*ip.name: 3 domain name(s)"));
	listen_on(&named, AF_INET, "127.0.0.79");
	listen_on(&other, AF_INET, "127.0.0.80");
	connect_to(&other);
	connect_to(&named);
	expect_alert("DNS test v4", name4, &named);
	assert_false(any_alert_for(&other));
	close(named.fd);
	close(other.fd);
}

static void sip_name_ipv6(void **state)
{
	struct listener named;

	(void)state;
	listen_on(&named, AF_INET6, "::1");
	connect_to(&named);
	expect_alert("DNS test v6", name6, &named);
	close(named.fd);
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* /etc/hosts moves the name: the refresh follows, and the old address loses the name. */
static void refresh_follows_hosts(void **state)
{
	struct listener old, now;
	struct want w = {"DNS test moved", NULL, "127.0.0.82", 0};
	long long t0;
	bool seen = false;

	(void)state;
	listen_on(&old, AF_INET, "127.0.0.81");
	listen_on(&now, AF_INET, "127.0.0.82");
	connect_to(&old);
	expect_alert("DNS test moved", moved, &old);
	hosts_ours("127.0.0.82");
	w.port = now.port;
	/* the refresh comes within about 500 ms; a loaded machine gets 20 s */
	for (t0 = mono_ms(); !seen && mono_ms() - t0 < 20000;) {
		connect_to(&now);
		seen = vigil_wait_event(&V, match_alert, &w, 500) != NULL;
	}
	if (!seen)
		fail_msg("no alert for %s after it moved to 127.0.0.82 in /etc/hosts", moved);
	/* a new connection to the old address: no alert (fenced by one to the new) */
	close(old.fd);
	listen_on(&old, AF_INET, "127.0.0.81");
	connect_to(&old);
	close(now.fd);
	listen_on(&now, AF_INET, "127.0.0.82");
	connect_to(&now);
	expect_alert("DNS test moved", moved, &now);
	assert_false(any_alert_for(&old));
	close(old.fd);
	close(now.fd);
}

/* vigil's first "reload (" report after offset from, to the end; NULL until there is one. */
static const char *reload_line(size_t from)
{
	return strstr(V.errtext + from, "vigil: reload (");
}

static void reload_swaps_names(void **state)
{
	const char *names[] = {renamed};
	const char *rnames[] = {"DNS test renamed"};
	struct listener gone, fresh;
	size_t before = V.errlen;
	const char *line;
	long long t0;

	(void)state;
	write_rules(names, rnames, 1);
	kill(V.pid, SIGHUP);
	for (t0 = mono_ms(); !reload_line(before) && mono_ms() - t0 < 30000;)
		vigil_wait_event(&V, match_text, "\x01never\x01", 100);
	line = reload_line(before);
	assert_non_null(line);
	assert_null(strstr(line, "failed"));
	listen_on(&gone, AF_INET, "127.0.0.79");
	listen_on(&fresh, AF_INET, "127.0.0.83");
	connect_to(&gone);
	connect_to(&fresh);
	expect_alert("DNS test renamed", renamed, &fresh);
	assert_false(any_alert_for(&gone));
	close(gone.fd);
	close(fresh.fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sip_name_ipv4),
		cmocka_unit_test(sip_name_ipv6),
		cmocka_unit_test(refresh_follows_hosts),
		cmocka_unit_test(reload_swaps_names),
	};

	if (geteuid() != 0) {
		printf("SKIP: live kernel tests need root\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
