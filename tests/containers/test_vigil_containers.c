// SPDX-License-Identifier: Apache-2.0
/*
 * The real vigil, on this kernel, against the containers run-runtimes.sh
 * started (its expectations file: one block per container, see
 * test_containers.c). A marker command, `/bin/true vgmark-...`, runs in
 * each container four ways:
 *   setns-cold  nsenter into the init's namespaces from the host's cgroup
 *               (the process enters the container without its cgroup),
 *               before vigil saw any process of the container
 *   exec        through the runtime (runc exec, ctr task exec, docker exec,
 *               podman exec): the runtime moves it into the container's cgroup
 *   init        started by the container's own init (SIGUSR1 to its trap)
 *   setns       nsenter again, now that vigil has seen the container
 * and each must carry the container's identity (id, full id, name, type,
 * image, and the pod for the CRI and CRI-O containers) both in `vigil
 * events` and in the alert of a one-rule `vigil run`. A process in CRI-O's conmon cgroup,
 * and one on the host, must be the host.
 *
 *   test_vigil_containers EXPECTATIONS
 *
 * VIGIL_BIN overrides the vigil binary. Prints "N passed, N failed"; exit 1
 * on any failure, 77 when not root.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vigil_proc.h"

#define MAX_KEYS  40
#define RULE_NAME "vigil test marker command"
#define WAIT_MS	  15000
#define N_ACTIONS 4

struct block {
	char *key[MAX_KEYS];
	char *val[MAX_KEYS];
	int n;
};

/*
 * In this order: setns-cold first, before any process of the container did
 * anything under this vigil (the container idle since vigil started), then
 * setns once the container's own processes were seen.
 */
enum action { SETNS_COLD, EXEC, INIT, SETNS };
static const char *const action_name[N_ACTIONS] = {"setns-cold", "exec", "init", "setns"};

static int passed, failed;
static char current[96] = "";

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL [%s] ", current);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const char *get(const struct block *b, const char *key)
{
	for (int i = 0; i < b->n; i++)
		if (strcmp(b->key[i], key) == 0)
			return b->val[i];
	return NULL;
}

static int read_blocks(const char *file, struct block **out)
{
	FILE *f = fopen(file, "r");
	struct block *bs = NULL;
	char *line = NULL;
	size_t cap = 0;
	int n = 0;
	bool open_block = false;

	if (!f) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		exit(1);
	}
	while (getline(&line, &cap, f) > 0) {
		char *eq;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0]) {
			open_block = false;
			continue;
		}
		if (!open_block) {
			bs = realloc(bs, (size_t)(n + 1) * sizeof(*bs));
			if (!bs)
				exit(1);
			memset(&bs[n++], 0, sizeof(*bs));
			open_block = true;
		}
		eq = strchr(line, '=');
		if (!eq || bs[n - 1].n == MAX_KEYS)
			continue;
		bs[n - 1].key[bs[n - 1].n] = strndup(line, (size_t)(eq - line));
		bs[n - 1].val[bs[n - 1].n] = strdup(eq + 1);
		bs[n - 1].n++;
	}
	free(line);
	fclose(f);
	*out = bs;
	return n;
}

/* The marker's second argument: vgmark-<block>-<action>; the init's is fixed by its trap. */
static void marker(char *buf, size_t cap, int block, int action)
{
	if (action == INIT)
		snprintf(buf, cap, "vgmark-init");
	else
		snprintf(buf, cap, "vgmark-%d-%s", block, action_name[action]);
}

static int sh(const char *cmd)
{
	const char *argv[] = {"/bin/sh", "-c", cmd, NULL};

	return run_quiet(argv);
}

/* Runs the marker of one action in the container of b; 0 when it ran. */
static int act(const struct block *b, int block, int action)
{
	const char *exec = get(b, "exec");
	long pid = strtol(get(b, "pid"), NULL, 10);
	char m[64], cmd[1024];
	int st;

	marker(m, sizeof(m), block, action);
	switch (action) {
	case EXEC:
		snprintf(cmd, sizeof(cmd), "%s /bin/true %s", exec, m);
		st = sh(cmd);
		return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
	case INIT: return kill((pid_t)pid, SIGUSR1);
	default:
		snprintf(cmd, sizeof(cmd), "nsenter -t %ld -m -u -i -n -p -- /bin/true %s", pid, m);
		st = sh(cmd);
		return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
	}
}

struct want {
	const char *marker;
	long ppid; /* the init action: the parent must be the container's init; else 0 */
};

static bool args_have(json_object *args, const char *m)
{
	size_t n = args ? json_object_array_length(args) : 0;

	for (size_t i = 0; i < n; i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(args, i)), m) == 0)
			return true;
	return false;
}

static bool match_exec(json_object *ev, const void *arg)
{
	const struct want *w = arg;
	json_object *t, *comm, *args, *ppid;

	/* the marker itself, not the runtime's client that was given it (docker exec ...) */
	if (!json_object_object_get_ex(ev, "type", &t) ||
	    strcmp(json_object_get_string(t), "exec") != 0 ||
	    !json_object_object_get_ex(ev, "comm", &comm) ||
	    strcmp(json_object_get_string(comm), "true") != 0 ||
	    !json_object_object_get_ex(ev, "args", &args) || !args_have(args, w->marker))
		return false;
	return !w->ppid || (json_object_object_get_ex(ev, "ppid", &ppid) &&
			    json_object_get_int64(ppid) == w->ppid);
}

static bool match_alert(json_object *a, const void *arg)
{
	const struct want *w = arg;
	json_object *rule, *f, *args, *ppid;

	if (!json_object_object_get_ex(a, "rule", &rule) ||
	    strcmp(json_object_get_string(rule), RULE_NAME) != 0 ||
	    !json_object_object_get_ex(a, "output_fields", &f) ||
	    !json_object_object_get_ex(f, "proc.args", &args) ||
	    strcmp(json_object_get_string(args), w->marker) != 0)
		return false;
	return !w->ppid || (json_object_object_get_ex(f, "proc.ppid", &ppid) &&
			    json_object_get_int64(ppid) == w->ppid);
}

/* o[key] is want; "" wants null (unknown). NULL want: not checked. */
static void check_key(json_object *o, const char *key, const char *want, const char *where)
{
	json_object *v = NULL;
	const char *got;

	if (!want)
		return;
	if (!o || !json_object_object_get_ex(o, key, &v)) {
		check(0, "%s: no %s", where, key);
		return;
	}
	got = json_object_get_string(v);
	if (!want[0])
		check(!v || !got[0], "%s: %s want unknown, got \"%s\"", where, key, got);
	else
		check(got && strcmp(got, want) == 0, "%s: %s want \"%s\", got \"%s\"", where, key,
		      want, got ? got : "null");
}

/*
 * The image of a container whose image only an API tells (async=1) may be
 * unknown in the container's first event, which then says incomplete.
 */
static const char *want_image(const struct block *b, json_object *ctr)
{
	json_object *inc, *img;

	if (get(b, "async") && json_object_object_get_ex(ctr, "incomplete", &inc) &&
	    json_object_get_boolean(inc) && json_object_object_get_ex(ctr, "image", &img) &&
	    !json_object_get_string(img))
		return NULL;
	return get(b, "image");
}

static void id12(const struct block *b, char *out)
{
	const char *full = get(b, "full_id");

	snprintf(out, 13, "%.12s", full ? full : "");
}

/* The container and k8s objects, as `vigil events` and the alert's "vigil" key carry them. */
static void check_objects(const struct block *b, json_object *ctr, json_object *k8s,
			  const char *where)
{
	char id[13];

	id12(b, id);
	check_key(ctr, "id", id, where);
	check_key(ctr, "full_id", get(b, "full_id"), where);
	check_key(ctr, "name", get(b, "name"), where);
	check_key(ctr, "type", get(b, "type"), where);
	check_key(ctr, "image", want_image(b, ctr), where);
	if (get(b, "pod_name")) {
		check_key(k8s, "pod_name", get(b, "pod_name"), where);
		check_key(k8s, "ns_name", get(b, "pod_namespace"), where);
		check_key(k8s, "pod_uid", get(b, "pod_uid"), where);
	} else {
		check(k8s == NULL, "%s: a k8s object for a container outside any pod", where);
	}
}

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static void check_event(const struct block *b, json_object *ev)
{
	char where[128];

	snprintf(where, sizeof(where), "vigil events %.100s", current);
	check_objects(b, member(ev, "container"), member(ev, "k8s"), where);
}

static void check_alert(const struct block *b, json_object *a)
{
	json_object *f = member(a, "output_fields"), *vg = member(a, "vigil");
	char where[128], id[13];

	snprintf(where, sizeof(where), "alert %.100s", current);
	id12(b, id);
	/* Falco's fields, as the rule's output names them */
	check_key(f, "container.id", id, where);
	check_key(f, "container.name", get(b, "name"), where);
	check_key(f, "container.type", get(b, "type"), where);
	check_key(f, "container.image", want_image(b, member(vg, "container")), where);
	check_key(f, "k8s.pod.name", get(b, "pod_name") ? get(b, "pod_name") : "", where);
	check_key(f, "k8s.ns.name", get(b, "pod_namespace") ? get(b, "pod_namespace") : "", where);
	check_key(f, "k8s.pod.uid", get(b, "pod_uid") ? get(b, "pod_uid") : "", where);
	/* and vigil's objects */
	check_objects(b, member(vg, "container"), member(vg, "k8s"), where);
}

static const char RULES[] =
	"- rule: " RULE_NAME "\n"
	"  desc: tests/containers runs /bin/true vgmark-... inside containers\n"
	"  condition: evt.type = execve and proc.name = true and proc.args startswith vgmark-\n"
	"  output: marker %proc.args (ppid=%proc.ppid container=%container.id\n"
	"    name=%container.name type=%container.type image=%container.image\n"
	"    pod=%k8s.pod.name ns=%k8s.ns.name uid=%k8s.pod.uid)\n"
	"  priority: NOTICE\n";

static int write_rules(char *dir, char *path, size_t cap)
{
	FILE *f;

	if (!mkdtemp(dir))
		return -1;
	snprintf(path, cap, "%s/marker.yaml", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(RULES, f);
	return fclose(f);
}

/* A block this test can use: vigil reads CRI-O's state only at its real runroot. */
static bool usable(const struct block *b, bool say)
{
	if (!get(b, "exec") || !get(b, "pid") || !get(b, "full_id"))
		return false;
	if (get(b, "crio_runroot") && strcmp(get(b, "type"), "host") != 0) {
		if (say)
			printf("skip %s: its CRI-O state is in the harness's own runroot, which "
			       "vigil "
			       "does not read\n",
			       get(b, "runtime"));
		return false;
	}
	return true;
}

static bool is_host_block(const struct block *b)
{
	return strcmp(get(b, "runtime"), "host") == 0;
}

static void run_actions(struct block *bs, int n, struct vigil_proc *ev)
{
	for (int i = 0; i < n; i++) {
		if (!usable(&bs[i], true))
			continue;
		for (int a = 0; a < N_ACTIONS; a++) {
			/* the host block is this harness's shell: nothing to enter or signal */
			if (a != EXEC && is_host_block(&bs[i]))
				continue;
			snprintf(current, sizeof(current), "%s %s", get(&bs[i], "runtime"),
				 action_name[a]);
			check(act(&bs[i], i, a) == 0, "the marker command did not run");
			/* keep vigil events' pipe drained while the workload runs */
			vigil_wait_event(ev, match_text, "\x01never", 0);
		}
	}
}

static void check_outcomes(struct block *bs, int n, struct vigil_proc *ev, struct vigil_proc *run)
{
	for (int i = 0; i < n; i++) {
		if (!usable(&bs[i], false))
			continue;
		for (int a = 0; a < N_ACTIONS; a++) {
			char m[64];
			struct want w = {m, a == INIT ? strtol(get(&bs[i], "pid"), NULL, 10) : 0};
			json_object *e, *al;

			if (a != EXEC && is_host_block(&bs[i]))
				continue;
			marker(m, sizeof(m), i, a);
			snprintf(current, sizeof(current), "%s %s", get(&bs[i], "runtime"),
				 action_name[a]);
			e = vigil_wait_event(ev, match_exec, &w, WAIT_MS);
			check(e != NULL, "vigil events: no exec event of %s", m);
			if (e)
				check_event(&bs[i], e);
			al = vigil_wait_event(run, match_alert, &w, WAIT_MS);
			check(al != NULL, "vigil run: no alert for %s", m);
			if (al)
				check_alert(&bs[i], al);
		}
	}
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/vigil-ctest-XXXXXX", rules[128], rm[160];
	/* other vigils on this machine may hold the metrics port: this test needs none */
	const char *run_args[] = {"-r", rules, "-o", "metrics.enabled=false", NULL};
	const char *ev_args[] = {"-o", "metrics.enabled=false", NULL};
	struct vigil_proc ev, run;
	struct block *bs;
	int n, st_ev, st_run;
	bool started;

	if (argc != 2) {
		fprintf(stderr, "usage: %s EXPECTATIONS\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0) {
		printf("SKIP: needs root\n");
		return 77;
	}
	n = read_blocks(argv[1], &bs);
	if (write_rules(dir, rules, sizeof(rules)) != 0) {
		fprintf(stderr, "cannot write the test rule under %s: %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(rm, sizeof(rm), "rm -rf %s", dir);
	started = vigil_start(&ev, ev_args) == 0;
	if (!started || vigil_start_cmd(&run, "run", run_args) != 0) {
		fprintf(stderr, "vigil did not start\n");
		vigil_free(&ev);
		if (started)
			vigil_free(&run);
		if (system(rm) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
		return 1;
	}
	run_actions(bs, n, &ev);
	check_outcomes(bs, n, &ev, &run);

	snprintf(current, sizeof(current), "vigil");
	st_ev = vigil_stop(&ev);
	st_run = vigil_stop(&run);
	check(WIFEXITED(st_ev) && WEXITSTATUS(st_ev) == 0, "vigil events did not exit 0");
	check(WIFEXITED(st_run) && WEXITSTATUS(st_run) == 0, "vigil run did not exit 0");
	check(vigil_no_drops(&ev), "vigil events lost events:\n%s", ev.errtext);
	check(vigil_no_drops(&run), "vigil run lost events:\n%s", run.errtext);
	vigil_free(&ev);
	vigil_free(&run);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
