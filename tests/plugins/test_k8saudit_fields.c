// SPDX-License-Identifier: Apache-2.0
/*
 * plugins/k8saudit's field extraction against audit Events written as the
 * API server writes them: the values, list-ness and defaults Falco's rules
 * depend on (eff_run_as_user falling back to the pod's, then 0; skipped
 * unset flags; image repositories; subjects; query parameters), and the
 * request parser's verdicts. No vigil needed: runs in both trees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/k8saudit/k8saudit.h"

static int fails;
static uint64_t evnum;
static char pushed[8][8192];
static size_t npushed;

static void h_log(void *ctx, enum vg_plugin_log_level l, const char *m)
{
	(void)ctx, (void)l, (void)m;
}

static int h_push(void *ctx, uint64_t ts, const void *d, size_t len)
{
	(void)ctx, (void)ts;
	if (npushed == 8 || len >= sizeof(pushed[0]))
		return -1;
	memcpy(pushed[npushed], d, len);
	pushed[npushed++][len] = '\0';
	return 0;
}

static const struct vg_plugin_host host = {.log = h_log, .push = h_push};
static struct ka_state st = {.host = &host};

static uint32_t field_id(const char *name)
{
	for (uint32_t i = 0; i < ka_nfields; i++)
		if (strcmp(ka_fields[i].name, name) == 0)
			return i;
	fprintf(stderr, "no field %s\n", name);
	exit(1);
}

/* field[arg] of event ev, its values joined by '|' ("<missing>" when none) */
static void expect(const char *ev, const char *field, const char *arg, const char *want)
{
	struct vg_plugin_event e = {.num = ++evnum, .data = ev, .len = (uint32_t)strlen(ev)};
	struct vg_plugin_value v[VG_PLUGIN_MAX_VALUES];
	char got[1024] = "";
	int n = ka_extract(&st, field_id(field), arg, &e, v, VG_PLUGIN_MAX_VALUES);

	if (n <= 0)
		snprintf(got, sizeof(got), "<missing>");
	for (int i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%.*s", i ? "|" : "",
			 (int)v[i].len, v[i].str);
	if (strcmp(got, want) != 0) {
		printf("FAIL: %s%s%s%s: got '%s', want '%s'\n", field, arg ? "[" : "",
		       arg ? arg : "", arg ? "]" : "", got, want);
		fails++;
	}
}

#define HEAD                                                                                       \
	"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"RequestResponse\","    \
	"\"auditID\":\"4b1c\",\"stage\":\"ResponseComplete\","                                     \
	"\"user\":{\"username\":\"bob\",\"groups\":[\"system:authenticated\",\"dev\"]},"           \
	"\"sourceIPs\":[\"10.0.0.7\",\"::1\"],\"userAgent\":\"kubectl/v1.29.0\","                  \
	"\"responseStatus\":{\"metadata\":{},\"code\":201},"                                       \
	"\"annotations\":{\"authorization.k8s.io/decision\":\"allow\","                            \
	"\"authorization.k8s.io/reason\":\"RBAC: allowed\"},"

static const char pod[] =
	HEAD "\"verb\":\"create\",\"requestURI\":\"/api/v1/namespaces/ns1/pods\","
	     "\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"ns1\",\"name\":\"web\"},"
	     "\"requestObject\":{\"kind\":\"Pod\",\"spec\":{\"hostNetwork\":true,"
	     "\"securityContext\":{\"runAsUser\":1000,\"fsGroup\":2000},"
	     "\"volumes\":[{\"name\":\"a\",\"hostPath\":{\"path\":\"/etc\"}},"
	     "{\"name\":\"b\",\"emptyDir\":{}}],"
	     "\"containers\":[{\"name\":\"c1\",\"image\":\"registry.io/team/app:1.2@sha256:ab\","
	     "\"securityContext\":{\"privileged\":true,\"capabilities\":{\"add\":[\"NET_ADMIN\"]}},"
	     "\"ports\":[{\"containerPort\":80},{\"containerPort\":443,\"hostPort\":8443}]},"
	     "{\"name\":\"c2\",\"image\":\"nginx\",\"securityContext\":{\"runAsUser\":0}}],"
	     "\"initContainers\":[{\"name\":\"i1\",\"image\":\"busybox:1\"}]}},"
	     "\"stageTimestamp\":\"2024-05-01T10:00:00.5+02:00\"}";

static const char binding[] =
	HEAD "\"verb\":\"create\",\"requestURI\":\"/apis/rbac.authorization.k8s.io/v1/"
	     "clusterrolebindings\",\"objectRef\":{\"resource\":\"clusterrolebindings\","
	     "\"name\":\"b1\"},\"requestObject\":{\"roleRef\":{\"kind\":\"ClusterRole\","
	     "\"name\":\"cluster-admin\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"eve\"},"
	     "{\"kind\":\"ServiceAccount\",\"name\":\"sa\",\"namespace\":\"kube-system\"},"
	     "{\"kind\":\"Group\",\"name\":\"ops\"}]}}";

static const char role[] =
	HEAD "\"verb\":\"create\",\"requestURI\":\"/apis/rbac.authorization.k8s.io/v1/roles\","
	     "\"objectRef\":{\"resource\":\"roles\",\"name\":\"r\"},\"requestObject\":{"
	     "\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/exec\"],"
	     "\"verbs\":[\"get\",\"create\"]},{\"resources\":[\"secrets\"],\"verbs\":[\"*\"]}]}}";

static const char exec_ev[] =
	HEAD "\"verb\":\"create\",\"requestURI\":\"/api/v1/namespaces/ns1/pods/web/exec?"
	     "command=sh&command=-c&command=id%3B+ls&container=c1&stdin=true\","
	     "\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"ns1\",\"name\":\"web\","
	     "\"subresource\":\"exec\"}}";

static void fields(void)
{
	expect(pod, "ka.auditid", NULL, "4b1c");
	expect(pod, "ka.user.groups", NULL, "system:authenticated|dev");
	expect(pod, "ka.auth.decision", NULL, "allow");
	expect(pod, "ka.response.code", NULL, "201");
	expect(pod, "ka.sourceips", NULL, "10.0.0.7|::1");
	expect(pod, "ka.sourceips", "1", "::1");
	expect(pod, "ka.target.pod.name", NULL, "web");
	expect(pod, "ka.req.pod.host_network", NULL, "true");
	expect(pod, "ka.req.pod.host_pid", NULL, "<missing>");
	/* unset flags skipped; the deprecated single one says whether any is */
	expect(pod, "ka.req.pod.containers.privileged", NULL, "true");
	expect(pod, "ka.req.container.privileged", NULL, "true");
	expect(pod, "ka.req.pod.containers.image.repository", NULL, "registry.io/team/app|nginx");
	expect(pod, "ka.req.pod.containers.image", "1", "nginx");
	expect(pod, "ka.req.pod.containers.image", "7", "<missing>");
	expect(pod, "ka.req.container.image", NULL, "registry.io/team/app:1.2@sha256:ab");
	/* the pod's runAsUser when the container has none, its own otherwise */
	expect(pod, "ka.req.pod.containers.eff_run_as_user", NULL, "1000|0");
	expect(pod, "ka.req.pod.containers.run_as_user", NULL, "0");
	expect(pod, "ka.req.pod.initContainers.eff_run_as_user", NULL, "1000");
	/* no runAsGroup anywhere: root */
	expect(pod, "ka.req.pod.containers.eff_run_as_group", NULL, "0|0");
	expect(pod, "ka.req.pod.containers.add_capabilities", NULL, "[\"NET_ADMIN\"]");
	expect(pod, "ka.req.pod.containers.host_port", NULL, "80|8443");
	expect(pod, "ka.req.pod.volumes.hostpath", NULL, "/etc");
	expect(pod, "ka.req.pod.volumes.volume_type", NULL, "hostPath|emptyDir");
	expect(pod, "ka.req.volume.hostpath", "/et*", "true");
	expect(pod, "ka.req.volume.hostpath", "/proc", "false");
	expect(pod, "ka.req.pod.initContainers.image", NULL, "busybox:1");
	expect(pod, "ka.req.pod.ephemeralContainers.image", NULL, "<missing>");
	expect(pod, "ka.req.pod.fs_group", NULL, "2000");
	expect(binding, "ka.req.binding.role", NULL, "cluster-admin");
	expect(binding, "ka.req.binding.subjects.user_names", NULL, "eve");
	expect(binding, "ka.req.binding.subjects.serviceaccount_ns_names", NULL, "kube-system:sa");
	expect(binding, "ka.req.binding.subjects.group_names", NULL, "ops");
	expect(binding, "ka.req.binding.subjects", NULL,
	       "{\"kind\":\"User\",\"name\":\"eve\"}|{\"kind\":\"ServiceAccount\",\"name\":\"sa\","
	       "\"namespace\":\"kube-system\"}|{\"kind\":\"Group\",\"name\":\"ops\"}");
	expect(binding, "ka.target.pod.name", NULL, "<missing>");
	expect(role, "ka.req.role.rules.resources", NULL, "pods|pods/exec|secrets");
	expect(role, "ka.req.role.rules.verbs", NULL, "get|create|*");
	expect(role, "ka.req.role.rules.verbs", "1", "*");
	/* JSON text as it was written: '/' is not escaped (json-c would by default) */
	expect(role, "ka.req.role.rules", NULL,
	       "{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/exec\"],\"verbs\":[\"get\","
	       "\"create\"]}|{\"resources\":[\"secrets\"],\"verbs\":[\"*\"]}");
	expect(exec_ev, "ka.uri.param", "command", "sh");
	expect(exec_ev, "ka.uri.param", "container", "c1");
	expect(exec_ev, "ka.uri.param", "tty", "<missing>");
	expect(exec_ev, "ka.target.subresource", NULL, "exec");
	/* not an audit Event: every ka.* field is missing */
	expect("{\"user\":{\"username\":\"x\"}}", "ka.user.name", NULL, "<missing>");
	expect("not json", "ka.verb", NULL, "<missing>");
}

static void parse(const char *body, enum ka_parse_result want, size_t want_queued)
{
	size_t queued = 99;
	const char *msg = "";
	enum ka_parse_result r;

	npushed = 0;
	r = ka_events_push(&host, body, strlen(body), &queued, &msg);
	if (r != want || queued != want_queued) {
		printf("FAIL: parse '%.60s': result %d queued %zu (%s), want %d %zu\n", body, r,
		       queued, msg, want, want_queued);
		fails++;
	}
}

static void parser(void)
{
	char list[16384];

	snprintf(list, sizeof(list), "{\"kind\":\"EventList\",\"items\":[%s,%s]}", binding, role);
	parse(list, KA_OK, 2);
	parse(pod, KA_OK, 1);
	if (!strstr(pushed[0], "\"requestURI\":\"/api/v1/namespaces/ns1/pods\"")) {
		printf("FAIL: the queued event escapes '/': %.120s\n", pushed[0]);
		fails++;
	}
	parse("{\"kind\":\"EventList\",\"items\":[]}", KA_OK, 0);
	parse("{\"kind\":\"EventList\",\"items\":[{\"auditID\":\"a\"},{\"x\":1}]}", KA_WRONG_KIND,
	      0);
	parse("{\"kind\":\"PodList\",\"items\":[]}", KA_WRONG_KIND, 0);
	parse("{\"kind\":\"EventList\"}", KA_WRONG_KIND, 0);
	parse("[1,2]", KA_WRONG_KIND, 0);
	parse("{\"auditID\":\"a\"} trailing", KA_BAD_JSON, 0);
	parse("{\"auditID\":", KA_BAD_JSON, 0);
	parse("", KA_BAD_JSON, 0);
	if (ka_parse_time("2024-05-01T10:00:00.5+02:00") != 1714550400500000000ull ||
	    ka_parse_time("2024-05-01T08:00:00.123456789Z") != 1714550400123456789ull ||
	    ka_parse_time("2024-05-01T08:00:00+1") != 0 || ka_parse_time("garbage") != 0) {
		printf("FAIL: ka_parse_time\n");
		fails++;
	}
}

int main(void)
{
	ka_fields_init();
	fields();
	parser();
	for (uint32_t i = 0; i < VG_PLUGIN_MAX_VALUES; i++)
		free(st.scratch[i]);
	json_object_put(st.parsed);
	if (fails) {
		printf("%d failure(s)\n", fails);
		return 1;
	}
	printf("all passed\n");
	return 0;
}
