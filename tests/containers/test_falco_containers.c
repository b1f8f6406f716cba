// SPDX-License-Identifier: Apache-2.0
/*
 * Falco's stable container rules (falco_rules.yaml, loaded unmodified) fire
 * on real containers started by run-runtimes.sh (with VG_FALCO_SCENARIOS
 * set: a Docker container with CAP_SYS_ADMIN and CAP_SYS_MODULE, two
 * host-network CRI containers, one in kube-system, and the API server's
 * name in /etc/hosts), each with a benign counterpart that must not alert.
 * Every alert must name the container it came from.
 *
 *   test_falco_containers EXPECTATIONS
 *
 * A rule whose fields this vigil does not extract yet (`vigil fields`
 * says not live) is skipped with its reason; so is a scenario whose
 * container could not be started. Skips (77) without root or without the
 * Falco rule files beside the source tree (../shared).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vigil_proc.h"

#define FALCO_RULES VIGIL_FALCO_RULES_DIR "/falco_rules.yaml"
#define MAX_KEYS    40
#define WAIT_MS	    15000

struct block {
	char *key[MAX_KEYS];
	char *val[MAX_KEYS];
	int n;
};

static struct block *blocks;
static int nblocks;
static struct vigil_proc V;
static json_object *fields; /* `vigil fields --json` */

static const char *get(const struct block *b, const char *key)
{
	for (int i = 0; b && i < b->n; i++)
		if (strcmp(b->key[i], key) == 0)
			return b->val[i];
	return NULL;
}

static int read_blocks(const char *file)
{
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	bool open_block = false;

	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		char *eq;
		struct block *b;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0]) {
			open_block = false;
			continue;
		}
		if (!open_block) {
			blocks = realloc(blocks, (size_t)(nblocks + 1) * sizeof(*blocks));
			if (!blocks)
				return -1;
			memset(&blocks[nblocks++], 0, sizeof(*blocks));
			open_block = true;
		}
		b = &blocks[nblocks - 1];
		eq = strchr(line, '=');
		if (!eq || b->n == MAX_KEYS)
			continue;
		b->key[b->n] = strndup(line, (size_t)(eq - line));
		b->val[b->n] = strdup(eq + 1);
		b->n++;
	}
	free(line);
	fclose(f);
	return 0;
}

/* The container the harness started as this runtime, or a skip. */
static const struct block *need(const char *runtime)
{
	for (int i = 0; i < nblocks; i++)
		if (strcmp(get(&blocks[i], "runtime") ? get(&blocks[i], "runtime") : "", runtime) ==
		    0)
			return &blocks[i];
	print_message("no %s container here (could not start, or the runtime is missing)\n",
		      runtime);
	return NULL;
}

/* Skips when this vigil does not extract a field the rule's condition needs. */
static bool live(const char *field)
{
	size_t n = json_object_array_length(fields);

	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(fields, i), *name, *lv;

		if (json_object_object_get_ex(f, "name", &name) &&
		    strcmp(json_object_get_string(name), field) == 0)
			return json_object_object_get_ex(f, "live", &lv) &&
			       json_object_get_boolean(lv);
	}
	return false;
}

#define NEED_LIVE(field)                                                                           \
	do {                                                                                       \
		if (!live(field)) {                                                                \
			print_message("%s is not extracted by this vigil yet\n", field);           \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

#define NEED(var, runtime)                                                                         \
	do {                                                                                       \
		if (!((var) = need(runtime)))                                                      \
			skip();                                                                    \
	} while (0)

/* Runs a shell command line on the host; returns its exit code (-1 if it did not exit). */
static int host(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	const char *argv[] = {"/bin/sh", "-c", cmd, NULL};

	st = run_quiet(argv);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Runs a shell script inside the container through its runtime's exec. */
static int in(const struct block *b, const char *script)
{
	return host("%s /bin/sh -c '%s'", get(b, "exec"), script);
}

struct want {
	const char *rule;
	const char *needle; /* in the alert's output text */
};

static bool match_alert(json_object *a, const void *arg)
{
	const struct want *w = arg;
	json_object *rule, *out;

	return json_object_object_get_ex(a, "rule", &rule) &&
	       strcmp(json_object_get_string(rule), w->rule) == 0 &&
	       json_object_object_get_ex(a, "output", &out) &&
	       strstr(json_object_get_string(out), w->needle);
}

/* The alert, and that it names the container it came from. */
static json_object *expect(const char *rule, const char *needle, const struct block *from)
{
	struct want w = {rule, needle};
	json_object *a = vigil_wait_event(&V, match_alert, &w, WAIT_MS), *ctr;

	if (!a)
		fail_msg("no '%s' alert mentioning %s within %d s", rule, needle, WAIT_MS / 1000);
	ctr = jget(jget(a, "vigil"), "container");
	assert_string_equal(jstr(ctr, "full_id"), get(from, "full_id"));
	assert_string_equal(jstr(ctr, "name"), get(from, "name"));
	assert_string_equal(jstr(ctr, "image"), get(from, "image"));
	return a;
}

/* The benign action ran before the alerting one: its alert would be in by now. */
static void expect_none(const char *needle)
{
	json_object *a = vigil_wait_event(&V, match_text, needle, 0);

	if (a)
		fail_msg("unexpected alert: %s", json_object_to_json_string(a));
}

static void terminal_shell(void **state)
{
	const struct block *d;
	char cmd[512];

	(void)state;
	NEED(d, "docker");
	/* benign: the same shell without a terminal, and a terminal shell on the host */
	assert_int_equal(in(d, "/bin/sh -c : vgterm-notty"), 0);
	assert_int_equal(host("script -qec \"/bin/sh -c : vgterm-host\" /dev/null"), 0);
	/* `docker exec -it` (kubectl exec -it alike): script gives it a terminal */
	snprintf(cmd, sizeof(cmd), "script -qec \"%s /bin/sh -c : vgterm-bad\" /dev/null",
		 get(d, "exec_tty"));
	assert_int_equal(host("%s", cmd), 0);
	expect("Terminal shell in container", "vgterm-bad", d);
	expect_none("vgterm-notty");
	expect_none("vgterm-host");
}

static void netcat_remote_code_execution(void **state)
{
	const struct block *d;

	(void)state;
	NEED(d, "docker");
	/* benign: netcat talking to a listener, no program run */
	assert_int_equal(in(d, "/bin/nc -l -w 3 -p 4445 >/dev/null & sleep 0.5; "
			       "echo hi | /bin/nc -w 1 127.0.0.1 4445; wait"),
			 0);
	in(d, "/bin/nc -l -w 3 -p 4444 >/dev/null & sleep 0.5; "
	      "/bin/nc 127.0.0.1 4444 -e /bin/true; wait");
	expect("Netcat Remote Code Execution in Container", "127.0.0.1 4444 -e /bin/true", d);
	expect_none("4445");
}

static void redirect_stdio_to_network(void **state)
{
	const struct block *d;
	json_object *a;

	(void)state;
	NEED(d, "docker");
	/* benign: a shell pipeline dup2()s a pipe onto stdin and stdout */
	assert_int_equal(in(d, "echo vgredir-ok | /bin/cat >/dev/null"), 0);
	/* nc -e dup2()s the connected socket onto stdin and stdout before exec */
	in(d, "/bin/nc -l -w 3 -p 4446 >/dev/null & sleep 0.5; "
	      "/bin/nc 127.0.0.1 4446 -e /bin/true; wait");
	a = expect("Redirect STDOUT/STDIN to Network Connection in Container", "127.0.0.1:4446", d);
	assert_string_equal(jstr(jget(a, "output_fields"), "fd.type"), "ipv4");
	expect_none("vgredir-ok");
}

static void packet_socket(void **state)
{
	const struct block *d;

	(void)state;
	NEED(d, "docker");
	/* benign: the same packet socket on the host */
	host("busybox arping -c 1 -w 1 -I lo 127.0.0.2");
	/* arping opens an AF_PACKET socket first (lo then turns out not to ARP) */
	in(d, "/bin/arping -c 1 -w 1 -I lo 127.0.0.1");
	expect("Packet socket created in container", "arping -c 1 -w 1 -I lo 127.0.0.1", d);
	expect_none("127.0.0.2");
}

static void drop_and_execute(void **state)
{
	const struct block *d;
	json_object *a;

	(void)state;
	NEED(d, "docker");
	/* benign: a binary of the image (overlayfs lower layer) */
	assert_int_equal(in(d, "/bin/true vgdrop-ok"), 0);
	/* a binary written into the container (upper layer), then run */
	assert_int_equal(in(d, "cp /bin/busybox /tmp/true && /tmp/true vgdrop-bad"), 0);
	a = expect("Drop and execute new binary in container", "vgdrop-bad", d);
	assert_string_equal(jstr(jget(a, "output_fields"), "proc.exe"), "/tmp/true");
	expect_none("vgdrop-ok");
}

static bool kube_system_alert(json_object *a, const void *arg)
{
	json_object *vg, *k8s, *ns;

	(void)arg;
	return json_object_object_get_ex(a, "vigil", &vg) &&
	       json_object_object_get_ex(vg, "k8s", &k8s) &&
	       json_object_object_get_ex(k8s, "ns_name", &ns) && json_object_get_string(ns) &&
	       strcmp(json_object_get_string(ns), "kube-system") == 0;
}

static void contact_k8s_api_server(void **state)
{
	const struct block *pod, *sys, *api;
	char script[256], needle[64];
	const char *ip;
	json_object *a, *k8s;

	(void)state;
	NEED_LIVE("fd.sip.name");
	NEED(pod, "cri-hostnet");
	NEED(sys, "cri-kube-system");
	NEED(api, "k8s-api");
	ip = get(api, "ip");
	if (!ip || !ip[0])
		fail_msg("%s does not resolve", "kubernetes.default.svc.cluster.local");
	/* benign: kube-system's own pods (the rule's exception), and another address */
	snprintf(script, sizeof(script),
		 "/bin/nc -l -w 3 -p 443 >/dev/null & sleep 0.5; /bin/nc -w 1 %s 443 </dev/null; "
		 "wait",
		 ip);
	in(sys, script);
	in(pod, "/bin/nc -w 1 127.0.0.78 443 </dev/null");
	/* a pod of "prod" talks to the API server */
	in(pod, script);
	snprintf(needle, sizeof(needle), "%s:443", ip);
	a = expect("Contact K8S API Server From Container", needle, pod);
	k8s = jget(jget(a, "vigil"), "k8s");
	assert_string_equal(jstr(k8s, "ns_name"), "prod");
	assert_string_equal(jstr(k8s, "pod_name"), get(pod, "pod_name"));
	assert_string_equal(jstr(k8s, "pod_uid"), get(pod, "pod_uid"));
	expect_none("127.0.0.78");
	assert_null(vigil_wait_event(&V, kube_system_alert, NULL, 0));
}

static void release_agent_escape(void **state)
{
	const struct block *caps, *d;
	json_object *a;

	(void)state;
	NEED_LIVE("thread.cap_effective");
	NEED(caps, "docker-caps");
	NEED(d, "docker");
	/*
	 * benign: root without CAP_SYS_ADMIN writes a file of that name; the
	 * capable container opens another file of the cgroup hierarchy. The
	 * files are opened for append and left unchanged (this is the host's
	 * pids hierarchy).
	 */
	assert_int_equal(in(d, ": >>/tmp/release_agent"), 0);
	assert_int_equal(in(caps, "mkdir -p /tmp/cg && mount -t cgroup -o pids cgroup /tmp/cg && "
				  ": >>/tmp/cg/notify_on_release; umount /tmp/cg"),
			 0);
	/* the escape's first step: a cgroup v1 hierarchy mounted, its release_agent opened */
	assert_int_equal(in(caps, "mount -t cgroup -o pids cgroup /tmp/cg && "
				  ": >>/tmp/cg/release_agent; umount /tmp/cg"),
			 0);
	a = expect("Detect release_agent File Container Escapes", "file=/tmp/cg/release_agent",
		   caps);
	assert_non_null(
		strstr(jstr(jget(a, "output_fields"), "thread.cap_effective"), "CAP_SYS_ADMIN"));
	expect_none("notify_on_release");
	expect_none("/tmp/release_agent");
}

static void kernel_module_injection(void **state)
{
	const struct block *caps, *d;

	(void)state;
	NEED_LIVE("thread.cap_effective");
	NEED(caps, "docker-caps");
	NEED(d, "docker");
	/*
	 * The module is not one (the load fails, and this kernel may have no
	 * module support at all): the rule is about the attempt.
	 * benign: a container without CAP_SYS_MODULE tries the same.
	 */
	in(d, "echo x >/tmp/vgmod-ok.ko; /bin/insmod /tmp/vgmod-ok.ko");
	in(caps, "echo x >/tmp/vgmod-bad.ko; /bin/insmod /tmp/vgmod-bad.ko");
	expect("Linux Kernel Module Injection Detected", "vgmod-bad", caps);
	expect_none("vgmod-ok");
}

static json_object *vigil_fields(void)
{
	char cmd[4096];
	FILE *p;
	json_object *o;
	char *text = NULL;
	size_t len = 0;

	snprintf(cmd, sizeof(cmd), "%s fields --json", vigil_bin());
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	FILE *m = open_memstream(&text, &len);
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, m);
	fclose(m);
	pclose(p);
	o = json_tokener_parse(text);
	free(text);
	return o;
}

static int group_setup(void **state)
{
	/*
	 * Other vigils on this machine may hold the metrics port: this test needs
	 * none. Module injection: a kernel without module support has no
	 * init_module/finit_module tracepoint and vigil leaves them unwatched
	 * unless asked (docs/operations.md, Start-up); the rule's attempt is
	 * what this test proves.
	 */
	const char *const args[] = {"-r", FALCO_RULES,
				    "-o", "metrics.enabled=false",
				    "-o", "watch_unimplemented_syscalls=true",
				    NULL};

	(void)state;
	return vigil_start_cmd(&V, "run", args);
}

static int group_teardown(void **state)
{
	int status;

	(void)state;
	status = vigil_stop(&V);
	if (!vigil_no_drops(&V)) {
		fprintf(stderr, "vigil lost events:\n%s\n", V.errtext);
		return -1;
	}
	vigil_free(&V);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(terminal_shell),
		cmocka_unit_test(netcat_remote_code_execution),
		cmocka_unit_test(redirect_stdio_to_network),
		cmocka_unit_test(packet_socket),
		cmocka_unit_test(drop_and_execute),
		cmocka_unit_test(contact_k8s_api_server),
		cmocka_unit_test(release_agent_escape),
		cmocka_unit_test(kernel_module_injection),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s EXPECTATIONS\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0) {
		printf("SKIP: needs root\n");
		return 77;
	}
	if (access(FALCO_RULES, R_OK) != 0) {
		printf("SKIP: %s not found (Falco's rule files live in ../shared)\n", FALCO_RULES);
		return 77;
	}
	if (read_blocks(argv[1]) != 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fields = vigil_fields();
	if (!fields || !json_object_is_type(fields, json_type_array)) {
		fprintf(stderr, "`%s fields --json` did not give a JSON array\n", vigil_bin());
		return 1;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
