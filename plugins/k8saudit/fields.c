// SPDX-License-Identifier: Apache-2.0
/*
 * The ka.* fields: the names, types and list-ness of Falco's k8saudit
 * plugin 0.18, so its rule file runs unchanged. Every value is a string, as
 * there: a JSON string as its text, anything else (numbers, booleans,
 * objects, arrays) as compact JSON text ("true", "1000", "{...}"). A field
 * of an event that lacks the path is missing (not ""), as there.
 *
 * Semantics kept from Falco's extractor, because rules depend on them:
 * - list fields skip containers that lack the key (…privileged of a pod
 *   with one privileged and one unset container is ("true")), except
 *   image/image.repository, which are missing if any container lacks one;
 * - …eff_run_as_user/group fall back to the pod's securityContext value,
 *   then to "0" (root), per container;
 * - …image.repository cuts the image at the first ':' then at '@';
 * - host_port is a port's hostPort, else its containerPort;
 * - an index argument (ka.req.pod.containers.image[0]) picks one element.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8saudit.h"

enum kind {
	K_PATH,	      /* the value at path; a list field: the array's elements */
	K_CONT,	      /* per container of group: the value at path in it */
	K_IMAGE,      /* per container: image; missing if one lacks it */
	K_REPO,	      /* per container: the image's repository */
	K_EFF,	      /* per container: path, else the pod's, else "0" */
	K_HOSTPORT,   /* per container: every port's hostPort or containerPort */
	K_FIRST,      /* the first container's image (deprecated single) */
	K_FIRST_REPO, /* its repository */
	K_ANY_PRIV,   /* "true" if a container is privileged, else "false" */
	K_RULES,      /* every rule's array at path, flattened */
	K_EACH,	      /* the elements of the array at path, each the value at sub */
	K_VOLTYPE,    /* per volume: its keys but "name" */
	K_VOLPATH,    /* "true" if a hostPath volume is the argument (prefix with '*') */
	K_SUBJECTS,   /* the binding's subjects of kind sub: name (or ns:name) */
	K_URIPARAM,   /* the query parameter named by the argument */
	K_TRUE,	      /* always "true" (deprecated has_name) */
	K_PODNAME,    /* objectRef.name when the target is a pod */
	K_CLUSTER,    /* the cluster_name of init_config */
	K_PORTS,      /* the array at path as one JSON text; [i]: element i */
};

#define RO "requestObject|"
#define SC "securityContext|"

struct spec {
	enum kind kind;
	const char *path; /* '|'-separated keys (annotation keys hold '/') */
	const char *sub;
	const char *group; /* containers, initContainers, ephemeralContainers */
	bool list;	   /* Falco's IsList */
};

#define L    VG_PLUGIN_FIELD_LIST
#define NONE VG_PLUGIN_ARG_NONE
#define IDX  VG_PLUGIN_ARG_OPTIONAL
#define KEY  VG_PLUGIN_ARG_REQUIRED
#define F(n, a, d)                                                                                 \
	{                                                                                          \
		n, VG_PLUGIN_FT_STRING, a, d                                                       \
	}

/* The 15 fields of one container group, Falco's names with group spliced in. */
#define CONTAINER_FIELDS(g, what)                                                                  \
	F("ka.req.pod." g ".name", IDX, "the " what " names"),                                     \
		F("ka.req.pod." g ".image", IDX, "the " what " images"),                           \
		F("ka.req.pod." g ".image.repository", IDX,                                        \
		  "the " what " images' repository part (e.g. falcosecurity/falco)"),              \
		F("ka.req.pod." g ".command", IDX, "the " what " commands (JSON arrays)"),         \
		F("ka.req.pod." g ".args", IDX, "the " what " args (JSON arrays)"),                \
		F("ka.req.pod." g ".privileged", IDX, "the privileged flag of the " what),         \
		F("ka.req.pod." g ".allow_privilege_escalation", IDX,                              \
		  "the allowPrivilegeEscalation flag of the " what),                               \
		F("ka.req.pod." g ".read_only_fs", IDX,                                            \
		  "the readOnlyRootFilesystem flag of the " what),                                 \
		F("ka.req.pod." g ".run_as_user", IDX, "the runAsUser of the " what),              \
		F("ka.req.pod." g ".eff_run_as_user", IDX,                                         \
		  "the uid the " what " start with: theirs, else the pod's, else 0"),              \
		F("ka.req.pod." g ".run_as_group", IDX, "the runAsGroup of the " what),            \
		F("ka.req.pod." g ".eff_run_as_group", IDX,                                        \
		  "the gid the " what " start with: theirs, else the pod's, else 0"),              \
		F("ka.req.pod." g ".proc_mount", IDX, "the procMount of the " what),               \
		F("ka.req.pod." g ".add_capabilities", IDX,                                        \
		  "the capabilities added to the " what " (a JSON array each)"),                   \
		F("ka.req.pod." g ".host_port", IDX, "the hostPort values of the " what)
#define C(k, p, g)                                                                                 \
	{                                                                                          \
		k, p, NULL, g, true                                                                \
	}
#define CONTAINER_SPECS(g)                                                                         \
	C(K_CONT, "name", g), C(K_IMAGE, "image", g), C(K_REPO, "image", g),                       \
		C(K_CONT, "command", g), C(K_CONT, "args", g), C(K_CONT, SC "privileged", g),      \
		C(K_CONT, SC "allowPrivilegeEscalation", g),                                       \
		C(K_CONT, SC "readOnlyRootFilesystem", g), C(K_CONT, SC "runAsUser", g),           \
		C(K_EFF, SC "runAsUser", g), C(K_CONT, SC "runAsGroup", g),                        \
		C(K_EFF, SC "runAsGroup", g), C(K_CONT, SC "procMount", g),                        \
		C(K_CONT, SC "capabilities|add", g), C(K_HOSTPORT, "ports", g)

const struct vg_plugin_field ka_fields[] = {
	F("ka.auditid", NONE, "the unique id of the audit event"),
	F("ka.stage", NONE, "the stage of the request (RequestReceived, ResponseComplete, ...)"),
	F("ka.auth.decision", NONE, "the authorization decision"),
	F("ka.auth.reason", NONE, "the authorization reason"),
	F("ka.auth.openshift.decision", NONE, "OpenShift's authorization decision annotation"),
	F("ka.validations.admission.policy.failure", NONE,
	  "the failure reason of a ValidatingAdmissionPolicy"),
	F("ka.security.pod.violations", NONE, "the Pod Security admission audit violations"),
	F("ka.auth.openshift.username", NONE, "OpenShift's authenticated user name annotation"),
	F("ka.user.name", NONE, "the user name performing the request"),
	F("ka.user.groups", NONE, "the groups the user belongs to"),
	F("ka.impuser.name", NONE, "the impersonated user name"),
	F("ka.verb", NONE, "the action being performed"),
	F("ka.uri", NONE, "the request URI as sent from client to server"),
	F("ka.uri.param", KEY, "a query parameter of the URI: ka.uri.param[command]"),
	F("ka.target.name", NONE, "the target object name"),
	F("ka.target.namespace", NONE, "the target object namespace"),
	F("ka.target.resource", NONE, "the target object resource"),
	F("ka.target.subresource", NONE, "the target object subresource"),
	F("ka.target.pod.name", NONE, "the target pod name (when the target is a pod)"),
	F("ka.req.binding.subjects", NONE, "the subjects of a role binding (JSON objects)"),
	F("ka.req.binding.subjects.user_names", NONE, "the User subjects' names of a binding"),
	F("ka.req.binding.subjects.serviceaccount_names", NONE,
	  "the ServiceAccount subjects' names of a binding"),
	F("ka.req.binding.subjects.serviceaccount_ns_names", NONE,
	  "the ServiceAccount subjects of a binding as namespace:name"),
	F("ka.req.binding.subjects.group_names", NONE, "the Group subjects' names of a binding"),
	F("ka.req.binding.role", NONE, "the role a binding links"),
	F("ka.req.binding.subject.has_name", KEY, "deprecated: always \"true\""),
	F("ka.req.configmap.name", NONE, "the configmap name, when the target is one"),
	F("ka.req.configmap.obj", NONE, "the configmap's data (a JSON object)"),
	CONTAINER_FIELDS("containers", "containers"),
	F("ka.req.container.image", NONE, "deprecated: the first container's image"),
	F("ka.req.container.image.repository", NONE,
	  "deprecated: the first container's image repository"),
	F("ka.req.pod.host_ipc", NONE, "the pod's hostIPC flag"),
	F("ka.req.pod.host_network", NONE, "the pod's hostNetwork flag"),
	F("ka.req.container.host_network", NONE, "deprecated alias of ka.req.pod.host_network"),
	F("ka.req.pod.host_pid", NONE, "the pod's hostPID flag"),
	F("ka.req.container.privileged", NONE,
	  "deprecated: \"true\" if any container is privileged, else \"false\""),
	F("ka.req.pod.run_as_user", NONE, "the pod securityContext's runAsUser"),
	F("ka.req.pod.run_as_group", NONE, "the pod securityContext's runAsGroup"),
	F("ka.req.role.rules", NONE, "the rules of a role/cluster role (JSON objects)"),
	F("ka.req.role.rules.apiGroups", IDX, "the api groups of the role's rules"),
	F("ka.req.role.rules.nonResourceURLs", IDX, "the non-resource URLs of the role's rules"),
	F("ka.req.role.rules.verbs", IDX, "the verbs of the role's rules"),
	F("ka.req.role.rules.resources", IDX, "the resources of the role's rules"),
	F("ka.req.pod.fs_group", NONE, "the pod securityContext's fsGroup"),
	F("ka.req.pod.supplemental_groups", NONE, "the pod securityContext's supplementalGroups"),
	F("ka.req.service.type", NONE, "the service type"),
	F("ka.req.service.ports", IDX, "the service's ports: one JSON array; [i] one port"),
	F("ka.req.pod.volumes.hostpath", IDX, "the hostPath paths of the pod's volumes"),
	F("ka.req.volume.hostpath", KEY,
	  "deprecated: \"true\" if a hostPath volume is the path (a prefix with a trailing *)"),
	F("ka.req.pod.volumes.flexvolume_driver", IDX, "the flexVolume drivers of the volumes"),
	F("ka.req.pod.volumes.volume_type", IDX, "the volume types of the pod's volumes"),
	F("ka.resp.name", NONE, "the response object name"),
	F("ka.response.code", NONE, "the response code"),
	F("ka.response.reason", NONE, "the response reason (usually only for failures)"),
	F("ka.useragent", NONE, "the user agent of the client"),
	F("ka.sourceips", IDX, "the IP addresses of the client"),
	F("ka.cluster.name", NONE, "the cluster's name: init_config's cluster_name"),
	CONTAINER_FIELDS("initContainers", "init containers"),
	CONTAINER_FIELDS("ephemeralContainers", "ephemeral containers"),
};

static const struct spec specs[] = {
	{K_PATH, "auditID", NULL, NULL, false},
	{K_PATH, "stage", NULL, NULL, false},
	{K_PATH, "annotations|authorization.k8s.io/decision", NULL, NULL, false},
	{K_PATH, "annotations|authorization.k8s.io/reason", NULL, NULL, false},
	{K_PATH, "annotations|authorization.openshift.io/decision", NULL, NULL, false},
	{K_PATH, "annotations|validation.policy.admission.k8s.io/validation_failure", NULL, NULL,
	 false},
	{K_PATH, "annotations|pod-security.kubernetes.io/audit-violations", NULL, NULL, false},
	{K_PATH, "annotations|authentication.openshift.io/username", NULL, NULL, false},
	{K_PATH, "user|username", NULL, NULL, false},
	{K_PATH, "user|groups", NULL, NULL, true},
	{K_PATH, "impersonatedUser|username", NULL, NULL, false},
	{K_PATH, "verb", NULL, NULL, false},
	{K_PATH, "requestURI", NULL, NULL, false},
	{K_URIPARAM, "requestURI", NULL, NULL, false},
	{K_PATH, "objectRef|name", NULL, NULL, false},
	{K_PATH, "objectRef|namespace", NULL, NULL, false},
	{K_PATH, "objectRef|resource", NULL, NULL, false},
	{K_PATH, "objectRef|subresource", NULL, NULL, false},
	{K_PODNAME, "objectRef|name", NULL, NULL, false},
	{K_PATH, RO "subjects", NULL, NULL, true},
	{K_SUBJECTS, RO "subjects", "User", NULL, true},
	{K_SUBJECTS, RO "subjects", "ServiceAccount", NULL, true},
	{K_SUBJECTS, RO "subjects", "ServiceAccount:", NULL, true},
	{K_SUBJECTS, RO "subjects", "Group", NULL, true},
	{K_PATH, RO "roleRef|name", NULL, NULL, false},
	{K_TRUE, NULL, NULL, NULL, false},
	{K_PATH, "objectRef|name", NULL, NULL, false},
	{K_PATH, RO "data", NULL, NULL, false},
	CONTAINER_SPECS("containers"),
	{K_FIRST, "image", NULL, NULL, false},
	{K_FIRST_REPO, "image", NULL, NULL, false},
	{K_PATH, RO "spec|hostIPC", NULL, NULL, false},
	{K_PATH, RO "spec|hostNetwork", NULL, NULL, false},
	{K_PATH, RO "spec|hostNetwork", NULL, NULL, false},
	{K_PATH, RO "spec|hostPID", NULL, NULL, false},
	{K_ANY_PRIV, SC "privileged", NULL, NULL, false},
	{K_PATH, RO "spec|" SC "runAsUser", NULL, NULL, false},
	{K_PATH, RO "spec|" SC "runAsGroup", NULL, NULL, false},
	{K_PATH, RO "rules", NULL, NULL, true},
	{K_RULES, "apiGroups", NULL, NULL, true},
	{K_RULES, "nonResourceURLs", NULL, NULL, true},
	{K_RULES, "verbs", NULL, NULL, true},
	{K_RULES, "resources", NULL, NULL, true},
	{K_PATH, RO "spec|" SC "fsGroup", NULL, NULL, false},
	{K_PATH, RO "spec|" SC "supplementalGroups", NULL, NULL, true},
	{K_PATH, RO "spec|type", NULL, NULL, false},
	{K_PORTS, RO "spec|ports", NULL, NULL, true},
	{K_EACH, RO "spec|volumes", "hostPath|path", NULL, true},
	{K_VOLPATH, RO "spec|volumes", "hostPath|path", NULL, false},
	{K_EACH, RO "spec|volumes", "flexVolume|driver", NULL, true},
	{K_VOLTYPE, RO "spec|volumes", NULL, NULL, true},
	{K_PATH, "responseObject|metadata|name", NULL, NULL, false},
	{K_PATH, "responseStatus|code", NULL, NULL, false},
	{K_PATH, "responseStatus|reason", NULL, NULL, false},
	{K_PATH, "userAgent", NULL, NULL, false},
	{K_PATH, "sourceIPs", NULL, NULL, true},
	{K_CLUSTER, NULL, NULL, NULL, false},
	CONTAINER_SPECS("initContainers"),
	CONTAINER_SPECS("ephemeralContainers"),
};

uint32_t ka_field_flags[sizeof(specs) / sizeof(specs[0])];

const uint32_t ka_nfields = sizeof(ka_fields) / sizeof(ka_fields[0]);

_Static_assert(sizeof(ka_fields) / sizeof(ka_fields[0]) == sizeof(specs) / sizeof(specs[0]),
	       "one spec per field");

/* The values of one extract() call, and the strings built for them. */
struct out {
	struct ka_state *s;
	struct vg_plugin_value *v;
	uint32_t n, max, nkept;
};

static void put(struct out *o, const char *str)
{
	if (str && o->n < o->max) {
		o->v[o->n].str = str;
		o->v[o->n].len = (uint32_t)strlen(str);
		o->n++;
	}
}

/* A string built for this call: freed at the next call (the ABI's lifetime). */
static const char *keep(struct out *o, char *str)
{
	if (!str || o->nkept == VG_PLUGIN_MAX_VALUES) {
		free(str);
		return NULL;
	}
	return o->s->scratch[o->nkept++] = str;
}

/* The value at a '|'-separated key path; NULL when a key is absent or not an object. */
static json_object *at(json_object *o, const char *path)
{
	char key[128];

	while (o && path && *path) {
		const char *bar = strchr(path, '|');
		size_t n = bar ? (size_t)(bar - path) : strlen(path);

		if (n >= sizeof(key) || !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path = bar ? bar + 1 : NULL;
	}
	return o;
}

/* A JSON value as Falco gives it: a string's text, anything else compact JSON. */
static const char *text(json_object *v)
{
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* An index argument: -1 for none; -2 for one that is not a number (matches nothing). */
static long index_of(const char *arg)
{
	char *end;
	long i;

	if (!arg)
		return -1;
	i = strtol(arg, &end, 10);
	return (end == arg || *end || i < 0) ? -2 : i;
}

/* The array at path, or NULL. */
static json_object *array_at(json_object *root, const char *path)
{
	json_object *a = at(root, path);

	return a && json_object_is_type(a, json_type_array) ? a : NULL;
}

/* Elements [lo, hi) of array a that an index argument selects. */
static void range(json_object *a, long idx, size_t *lo, size_t *hi)
{
	size_t n = json_object_array_length(a);

	*lo = 0;
	*hi = n;
	if (idx == -2 || (idx >= 0 && (size_t)idx >= n))
		*hi = 0;
	else if (idx >= 0)
		*lo = (size_t)idx, *hi = (size_t)idx + 1;
}

static char *repository(const char *image)
{
	size_t n = strcspn(image, ":");
	char *r = strndup(image, n), *at_sign;

	if (r && (at_sign = strchr(r, '@')))
		*at_sign = '\0';
	return r;
}

static json_object *containers(json_object *root, const struct spec *sp)
{
	char path[96];

	snprintf(path, sizeof(path), RO "spec|%s", sp->group ? sp->group : "containers");
	return array_at(root, path);
}

/* Every selected container's image; false if one lacks it (Falco: the field is missing). */
static bool images(struct out *o, json_object *cs, long idx, bool repo)
{
	size_t lo, hi;

	range(cs, idx, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		json_object *img = at(json_object_array_get_idx(cs, i), "image");

		if (!img || !json_object_is_type(img, json_type_string))
			return false;
		put(o, repo ? keep(o, repository(json_object_get_string(img))) : text(img));
	}
	return true;
}

static void host_ports(struct out *o, json_object *c)
{
	json_object *ports = array_at(c, "ports");

	for (size_t i = 0; ports && i < json_object_array_length(ports); i++) {
		json_object *p = json_object_array_get_idx(ports, i), *v;

		if ((v = at(p, "hostPort")) || (v = at(p, "containerPort")))
			put(o, text(v));
	}
}

static int per_container(struct out *o, json_object *root, const struct spec *sp, long idx)
{
	json_object *cs = containers(root, sp);
	const char *pod_default = "0";
	size_t lo, hi;

	if (!cs)
		return 0;
	if (sp->kind == K_IMAGE || sp->kind == K_REPO)
		return images(o, cs, idx, sp->kind == K_REPO) ? (int)o->n : 0;
	if (sp->kind == K_EFF) {
		char path[96];
		json_object *pv;

		snprintf(path, sizeof(path), RO "spec|%s", sp->path);
		if ((pv = at(root, path)))
			pod_default = text(pv);
	}
	range(cs, idx, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		json_object *c = json_object_array_get_idx(cs, i), *v;

		if (sp->kind == K_HOSTPORT) {
			host_ports(o, c);
			continue;
		}
		v = at(c, sp->path);
		if (v)
			put(o, text(v));
		else if (sp->kind == K_EFF)
			put(o, pod_default);
	}
	return (int)o->n;
}

/* The first container's image (or its repository); missing without one. */
static int first_image(struct out *o, json_object *root, bool repo)
{
	json_object *cs = array_at(root, RO "spec|containers");

	if (!cs || !json_object_array_length(cs))
		return 0;
	return images(o, cs, 0, repo) ? (int)o->n : 0;
}

static int any_privileged(struct out *o, json_object *root)
{
	json_object *cs = array_at(root, RO "spec|containers");

	if (!cs)
		return 0;
	for (size_t i = 0; i < json_object_array_length(cs); i++) {
		json_object *v = at(json_object_array_get_idx(cs, i), SC "privileged");

		if (v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v)) {
			put(o, "true");
			return 1;
		}
	}
	put(o, "false");
	return 1;
}

/* The elements of an array at path (each the value at sub, when given). */
static int each(struct out *o, json_object *root, const char *path, const char *sub, long idx)
{
	json_object *a = array_at(root, path);
	size_t lo, hi;

	if (!a)
		return 0;
	range(a, idx, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		json_object *v = json_object_array_get_idx(a, i);

		if (sub)
			v = at(v, sub);
		if (v)
			put(o, text(v));
	}
	return (int)o->n;
}

/* Every role rule's array at key (verbs, resources, ...), flattened. */
static int rules(struct out *o, json_object *root, const char *key, long idx)
{
	json_object *rs = array_at(root, RO "rules");
	size_t lo, hi;

	if (!rs)
		return 0;
	range(rs, idx, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		json_object *a = array_at(json_object_array_get_idx(rs, i), key);

		for (size_t k = 0; a && k < json_object_array_length(a); k++)
			put(o, text(json_object_array_get_idx(a, k)));
	}
	return (int)o->n;
}

static int volume_types(struct out *o, json_object *root, long idx)
{
	json_object *vs = array_at(root, RO "spec|volumes");
	size_t lo, hi;

	if (!vs)
		return 0;
	range(vs, idx, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		json_object *v = json_object_array_get_idx(vs, i);

		if (!json_object_is_type(v, json_type_object))
			continue;
		json_object_object_foreach(v, key, val)
		{
			(void)val;
			if (strcmp(key, "name") != 0)
				put(o, key);
		}
	}
	return (int)o->n;
}

/* ka.req.volume.hostpath[/path] or [/prefix*]: "true"/"false". */
static int volume_has_path(struct out *o, json_object *root, const char *arg)
{
	json_object *vs = array_at(root, RO "spec|volumes");
	size_t alen = arg ? strlen(arg) : 0;
	bool prefix = alen && arg[alen - 1] == '*';

	if (!vs || !arg)
		return 0;
	for (size_t i = 0; i < json_object_array_length(vs); i++) {
		json_object *p = at(json_object_array_get_idx(vs, i), "hostPath|path");
		const char *t = p && json_object_is_type(p, json_type_string) ? text(p) : NULL;

		if (t && (prefix ? strncmp(t, arg, alen - 1) == 0 : strcmp(t, arg) == 0)) {
			put(o, "true");
			return 1;
		}
	}
	put(o, "false");
	return 1;
}

static const char *str_at(json_object *o, const char *path)
{
	json_object *v = at(o, path);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* A binding's subjects of one kind: names, or namespace:name (kind "ServiceAccount:"). */
static int subjects(struct out *o, json_object *root, const char *kind)
{
	json_object *ss = array_at(root, RO "subjects");
	size_t klen = strcspn(kind, ":");
	bool ns = kind[klen] == ':';

	if (!ss)
		return 0;
	for (size_t i = 0; i < json_object_array_length(ss); i++) {
		json_object *sj = json_object_array_get_idx(ss, i);
		const char *k = str_at(sj, "kind"), *name = str_at(sj, "name"), *nsn;
		char *both;

		if (!k || !name || strlen(k) != klen || strncmp(k, kind, klen) != 0)
			continue;
		if (!ns) {
			put(o, name);
			continue;
		}
		nsn = str_at(sj, "namespace");
		if (asprintf(&both, "%s:%s", nsn ? nsn : "", name) < 0)
			both = NULL;
		put(o, keep(o, both));
	}
	return (int)o->n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* s[0..n) URL-decoded ('+' is a space, %XX a byte; a bad escape stays as it is). */
static char *url_decode(const char *s, size_t n)
{
	char *d = malloc(n + 1), *p = d;

	for (size_t i = 0; d && i < n; i++) {
		if (s[i] == '+') {
			*p++ = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
			   hexval(s[i + 2]) >= 0) {
			*p++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			*p++ = s[i];
		}
	}
	if (d)
		*p = '\0';
	return d;
}

/* The first value of query parameter arg of the request URI (Falco: url.ParseQuery). */
static int uri_param(struct out *o, json_object *root, const char *arg)
{
	const char *uri = str_at(root, "requestURI"), *q;

	if (!uri || !arg || !(q = strchr(uri, '?')))
		return 0;
	for (q++; *q;) {
		size_t n = strcspn(q, "&;"), kn = strcspn(q, "=");
		char *key;
		bool hit;

		if (kn > n)
			kn = n;
		key = url_decode(q, kn);
		hit = key && strcmp(key, arg) == 0;
		free(key);
		if (hit) {
			put(o, keep(o, kn < n ? url_decode(q + kn + 1, n - kn - 1) : strdup("")));
			return (int)o->n;
		}
		q += n + (q[n] != '\0');
	}
	return 0;
}

static int path_value(struct out *o, json_object *root, const struct spec *sp, long idx)
{
	json_object *v = at(root, sp->path);
	size_t lo, hi;

	if (!v)
		return 0;
	if (!sp->list) {
		put(o, text(v));
		return 1;
	}
	if (!json_object_is_type(v, json_type_array))
		return 0; /* Falco: a list field of a non-array is a wrong type: missing */
	range(v, idx, &lo, &hi);
	for (size_t i = lo; i < hi; i++)
		put(o, text(json_object_array_get_idx(v, i)));
	return (int)o->n;
}

static int by_kind(struct out *o, json_object *root, const struct spec *sp, const char *arg)
{
	long idx = index_of(arg);
	const char *r;

	switch (sp->kind) {
	case K_PATH: return path_value(o, root, sp, idx);
	case K_CONT:
	case K_IMAGE:
	case K_REPO:
	case K_EFF:
	case K_HOSTPORT: return per_container(o, root, sp, idx);
	case K_FIRST: return first_image(o, root, false);
	case K_FIRST_REPO: return first_image(o, root, true);
	case K_ANY_PRIV: return any_privileged(o, root);
	case K_RULES: return rules(o, root, sp->path, idx);
	case K_EACH: return each(o, root, sp->path, sp->sub, idx);
	case K_PORTS:
		/* Falco gives the whole array as one value (its list walk ends on it) */
		if (idx == -1)
			return path_value(o, root,
					  &(struct spec){K_PATH, sp->path, NULL, NULL, false}, -1);
		return each(o, root, sp->path, NULL, idx);
	case K_VOLTYPE: return volume_types(o, root, idx);
	case K_VOLPATH: return volume_has_path(o, root, arg);
	case K_SUBJECTS: return subjects(o, root, sp->sub);
	case K_URIPARAM: return uri_param(o, root, arg);
	case K_TRUE: put(o, "true"); return 1;
	case K_PODNAME:
		r = str_at(root, "objectRef|resource");
		return r && strcmp(r, "pods") == 0 ? path_value(o, root, sp, -1) : 0;
	case K_CLUSTER:
		if (!o->s->cfg.cluster_name || !*o->s->cfg.cluster_name)
			return 0;
		put(o, o->s->cfg.cluster_name);
		return 1;
	}
	return 0;
}

/* The event parsed once, however many fields of it the rules read. */
static json_object *parsed(struct ka_state *s, const struct vg_plugin_event *ev)
{
	if (s->parsed_num != ev->num || !s->parsed_num) {
		json_object_put(s->parsed);
		s->parsed = ka_json_parse(ev->data, ev->len);
		s->parsed_num = ev->num;
	}
	return s->parsed;
}

int ka_extract(void *state, uint32_t field, const char *arg, const struct vg_plugin_event *ev,
	       struct vg_plugin_value *out, uint32_t max)
{
	struct ka_state *s = state;
	struct out o = {.s = s, .v = out, .max = max};
	json_object *root;

	for (uint32_t i = 0; i < VG_PLUGIN_MAX_VALUES; i++) {
		free(s->scratch[i]);
		s->scratch[i] = NULL;
	}
	if (field >= ka_nfields || !(root = parsed(s, ev)) ||
	    !json_object_is_type(root, json_type_object) || !at(root, "auditID"))
		return 0; /* not an audit event: every ka.* field is missing */
	return by_kind(&o, root, &specs[field], arg);
}

void ka_fields_init(void)
{
	for (uint32_t i = 0; i < ka_nfields; i++)
		ka_field_flags[i] = specs[i].list ? VG_PLUGIN_FIELD_LIST : 0;
}
