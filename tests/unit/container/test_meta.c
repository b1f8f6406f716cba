// SPDX-License-Identifier: Apache-2.0
/*
 * Metadata readers: good documents shaped like what each runtime writes
 * (taken from Docker 20.10, Podman 4.3, containerd 1.6 and runc 1.1 on the
 * test machine, trimmed), and bad ones: truncated at every byte, wrong
 * types, missing keys. Bad input must never crash nor leak (the ASan tree
 * runs these too), and must give an error or unknown fields, never garbage.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "container/container_internal.h"

#define ID    "75f9cfb80a7b3c9678818671547e748c07743048866e1b2eafa098cd8b4291f0"
#define SB    "3a8c613f61d1f43cdaecfd365429e0759954512e1579e95f42975c8c57da0cdf"
#define IMGID "2cf5e4bf8a8f949c14f8c4ce58eb56671d8175310c1391aa212bc5a03757c01f"

static const char docker_cfg[] =
	"{\"ID\":\"" ID "\",\"Name\":\"/web-1\","
	"\"Image\":\"sha256:2cf5e4bf8a8f949c14f8c4ce58eb56671d8175310c1391aa212bc5a03757c01f\","
	"\"Created\":\"2026-11-22T08:37:26.213035285Z\","
	"\"State\":{\"Running\":true,\"StartedAt\":\"2026-11-22T08:37:26.571720403Z\"},"
	"\"Config\":{\"Image\":\"localhost:5000/team/web:1.2\",\"User\":\"nobody\","
	"\"Labels\":{\"org.example.team\":\"red\",\"io.kubernetes.pod.name\":\"web-abc\","
	"\"io.kubernetes.pod.namespace\":\"prod\",\"io.kubernetes.pod.uid\":\"u-1\","
	"\"io.kubernetes.docker.type\":\"container\",\"io.kubernetes.sandbox.id\":\"" SB "\"}},"
	"\"MountPoints\":{\"/data\":{\"Source\":\"/srv/data\",\"Destination\":\"/"
	"data\",\"RW\":false,"
	"\"Type\":\"bind\",\"Relabel\":\"ro\",\"Propagation\":\"rprivate\"},"
	"\"/cache\":{\"Source\":\"/var/lib/docker/volumes/c/_data\",\"Destination\":\"/cache\","
	"\"RW\":true,\"Type\":\"volume\",\"Propagation\":\"\"}}}";
static const char docker_hc[] =
	"{\"Privileged\":true,\"NetworkMode\":\"host\",\"PidMode\":\"host\",\"IpcMode\":"
	"\"private\","
	"\"CpuShares\":512,\"CpuQuota\":50000,\"CpuPeriod\":0,\"Memory\":268435456,"
	"\"MemorySwap\":536870912,\"CpusetCpus\":\"0-1\"}";

static const char docker_inspect[] =
	"{\"Id\":\"" ID "\",\"Name\":\"/web-1\",\"Image\":\"sha256:2cf5\","
	"\"State\":{\"StartedAt\":\"2026-11-22T08:37:26.5Z\"},"
	"\"Config\":{\"Image\":\"nginx:1.25\",\"Labels\":{\"a\":\"b\"}},"
	"\"HostConfig\":{\"Privileged\":false,\"NetworkMode\":\"none\",\"IpcMode\":\"host\"},"
	"\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/srv\",\"Destination\":\"/"
	"srv\",\"Mode\":\"ro\","
	"\"RW\":false,\"Propagation\":\"rprivate\"}]}";

static const char podman_all[] =
	"[{\"id\":\"" SB "\",\"names\":[\"other\"],\"metadata\":\"{}\"},"
	"{\"id\":\"" ID "\",\"names\":[\"pm-1\",\"alias\"],"
	"\"image\":\"2cf5e4bf8a8f949c14f8c4ce58eb56671d8175310c1391aa212bc5a03757c01f\","
	"\"metadata\":\"{\\\"image-name\\\":\\\"localhost/vigil-test/busybox:1.0\\\","
	"\\\"image-id\\\":\\\"2cf5e4\\\",\\\"name\\\":\\\"pm-1\\\",\\\"created-at\\\":1795336647}"
	"\","
	"\"created\":\"2026-11-22T08:37:27.322716604Z\"}]";

/* OCI specs */
static const char oci_plain[] =
	"{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":1000,\"gid\":1000},"
	"\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]}},"
	"\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	"{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/data\","
	"\"options\":[\"rbind\",\"ro\",\"rslave\"]},"
	"{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":\"/run/x/" ID
	"/userdata/hosts\","
	"\"options\":[\"bind\"]},"
	"{\"destination\":\"/logs\",\"source\":\"/var/log/app\",\"options\":[\"bind\",\"rw\"]}],"
	"\"annotations\":{\"org.example.team\":\"blue\"},"
	"\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},"
	"{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}],"
	"\"resources\":{\"cpu\":{\"shares\":256,\"quota\":20000,\"period\":50000,"
	"\"cpus\":\"0,2\"},\"memory\":{\"limit\":1048576,\"swap\":2097152}},"
	"\"maskedPaths\":[\"/proc/kcore\"]}}";
static const char oci_privileged[] =
	"{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"]}},"
	"\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"ipc\"}]}}";
static const char oci_sysadmin_masked[] =
	"{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]}},"
	"\"linux\":{\"maskedPaths\":[\"/proc/kcore\"],\"namespaces\":[]}}";
static const char oci_sysadmin_alldev[] =
	"{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]}},"
	"\"linux\":{\"maskedPaths\":[\"/proc/kcore\"],\"resources\":{\"devices\":["
	"{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1},"
	"{\"allow\":true,\"access\":\"rwm\"}]}}}";
static const char oci_cri[] =
	"{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
	"\"io.kubernetes.cri.container-name\":\"web\","
	"\"io.kubernetes.cri.image-name\":\"registry:5000/web:2@sha256:abc\","
	"\"io.kubernetes.cri.sandbox-id\":\"" SB "\","
	"\"io.kubernetes.cri.sandbox-name\":\"web-7d8f9c-abcde\","
	"\"io.kubernetes.cri.sandbox-namespace\":\"prod\","
	"\"io.kubernetes.cri.sandbox-uid\":\"c583a286-a9b3-4b13-b5dd-467f3e23ccba\"},"
	"\"mounts\":[{\"destination\":\"/etc/hosts\",\"type\":\"bind\","
	"\"source\":\"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/" SB "/hosts\","
	"\"options\":[\"rbind\",\"rw\"]}]}";
static const char oci_cri_sandbox[] =
	"{\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\","
	"\"io.kubernetes.cri.sandbox-name\":\"web-7d8f9c-abcde\","
	"\"io.kubernetes.cri.sandbox-namespace\":\"prod\"}}";
static const char oci_crio[] =
	"{\"annotations\":{\"io.kubernetes.cri-o.ContainerType\":\"container\","
	"\"io.kubernetes.container.name\":\"api\",\"io.kubernetes.pod.name\":\"api-5f6\","
	"\"io.kubernetes.pod.namespace\":\"shop\",\"io.kubernetes.pod.uid\":\"u-2\","
	"\"io.kubernetes.cri-o.ImageName\":\"quay.io/shop/api:3\","
	"\"io.kubernetes.cri-o.SandboxID\":\"" SB "\","
	"\"io.kubernetes.cri-o.Created\":\"2026-01-02T03:04:05.5+01:00\","
	"\"io.kubernetes.cri-o.Labels\":\"{\\\"app\\\":\\\"api\\\",\\\"tier\\\":\\\"be\\\"}\"}}";
static const char oci_crio_sandbox[] =
	"{\"annotations\":{\"io.kubernetes.cri-o.ContainerType\":\"sandbox\","
	"\"io.kubernetes.pod.name\":\"api-5f6\","
	"\"io.kubernetes.cri-o.Labels\":\"{\\\"app\\\":\\\"api\\\",\\\"pod-template-hash\\\":"
	"\\\"5f6\\\"}\"}}";
static const char oci_podman[] =
	"{\"annotations\":{\"io.container.manager\":\"libpod\","
	"\"io.kubernetes.cri-o.Created\":\"2026-11-22T08:37:27.588929276Z\","
	"\"io.kubernetes.cri-o.ContainerType\":\"container\","
	"\"io.podman.annotations.privileged\":\"TRUE\"}}";

static const char runc_state[] =
	"{\"id\":\"runc-demo\",\"init_process_pid\":13924,"
	"\"created\":\"2026-11-22T08:37:24.065416014Z\","
	"\"config\":{\"labels\":[\"org.example.team=blue\",\"bundle=/srv/bundle\",\"noequals\","
	"7,\"x=y=z\"]}}";

static json_object *J(const char *s)
{
	json_object *o = vg_json_parse(s, strlen(s));

	assert_non_null(o);
	return o;
}

static void test_docker(void **state)
{
	struct vg_container *c = vg_ct_new();

	(void)state;
	assert_int_equal(vg_ct_set_id(c, ID), 0);
	assert_int_equal(vg_meta_docker_parse(docker_cfg, docker_hc, c), 1);
	assert_int_equal(vg_ct_finish(c), 0);
	assert_string_equal(c->name, "web-1");
	assert_string_equal(c->image, "localhost:5000/team/web:1.2");
	assert_string_equal(c->image_repository, "localhost:5000/team/web");
	assert_string_equal(c->image_tag, "1.2");
	assert_string_equal(c->image_digest, "");
	assert_string_equal(c->image_id,
			    "2cf5e4bf8a8f949c14f8c4ce58eb56671d8175310c1391aa212bc5a03757c01f");
	assert_string_equal(c->user, "nobody");
	assert_true(c->privileged);
	assert_true(c->host_network);
	assert_true(c->host_pid);
	assert_false(c->host_ipc);
	assert_int_equal(c->start_ts, 1795336646571720403ull);
	assert_int_equal(c->cpu_shares, 512);
	assert_int_equal(c->cpu_quota, 50000);
	assert_int_equal(c->cpu_period, 100000); /* 0 is unset: the default */
	assert_int_equal(c->memory_limit, 268435456);
	assert_int_equal(c->swap_limit, 536870912);
	assert_int_equal(c->cpuset_cpu_count, 2);
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "org.example.team"), "red");
	assert_string_equal(c->pod_name, "web-abc");
	assert_string_equal(c->pod_namespace, "prod");
	assert_string_equal(c->pod_uid, "u-1");
	assert_string_equal(c->pod_sandbox_id, SB);
	assert_false(c->is_pod_sandbox);
	assert_int_equal(c->n_mounts, 2);
	for (size_t i = 0; i < c->n_mounts; i++) {
		if (strcmp(c->mounts[i].dest, "/data") == 0) {
			assert_string_equal(c->mounts[i].source, "/srv/data");
			assert_string_equal(c->mounts[i].mode, "ro");
			assert_string_equal(c->mounts[i].propagation, "rprivate");
			assert_false(c->mounts[i].rw);
		} else {
			assert_string_equal(c->mounts[i].dest, "/cache");
			assert_true(c->mounts[i].rw);
		}
	}
	vg_ct_free(c);

	/* no hostconfig.json: the rest stands, privileges unknown (false) */
	c = vg_ct_new();
	assert_int_equal(vg_meta_docker_parse(docker_cfg, NULL, c), 1);
	assert_false(c->privileged);
	assert_string_equal(c->name, "web-1");
	vg_ct_free(c);

	/* "0001-01-01" StartedAt (not started yet): Created instead */
	c = vg_ct_new();
	assert_int_equal(vg_meta_docker_parse("{\"State\":{\"StartedAt\":\"0001-01-01T00:00:00Z\"},"
					      "\"Created\":\"2026-11-22T08:37:26Z\"}",
					      NULL, c),
			 1);
	assert_int_equal(c->start_ts, 1795336646000000000ull);
	vg_ct_free(c);
}

static void test_docker_inspect(void **state)
{
	struct vg_container *c = vg_ct_new();

	(void)state;
	assert_int_equal(vg_meta_docker_inspect(docker_inspect, strlen(docker_inspect), c), 1);
	assert_int_equal(vg_ct_finish(c), 0);
	assert_string_equal(c->name, "web-1");
	assert_string_equal(c->image, "nginx:1.25");
	assert_string_equal(c->image_repository, "nginx");
	assert_string_equal(c->image_tag, "1.25");
	assert_false(c->privileged);
	assert_false(c->host_network);
	assert_true(c->host_ipc);
	assert_int_equal(c->n_mounts, 1);
	assert_string_equal(c->mounts[0].mode, "ro");
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "a"), "b");
	assert_null(c->pod_name);
	vg_ct_free(c);
}

static void test_docker_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"{",
		"[]",
		"null",
		"\"str\"",
		"{\"Name\":5}",
		"{\"Name\":\"/x\",\"Config\":\"nope\"}",
		"{\"Config\":{\"Image\":7,\"Labels\":[1,2]}}",
		"{\"Config\":{\"Labels\":{\"k\":5,\"j\":null}}}",
		"{\"MountPoints\":3}",
		"{\"MountPoints\":{\"/a\":5,\"/b\":{\"Source\":1,\"RW\":\"yes\"}}}",
		"{\"State\":{\"StartedAt\":\"garbage\"}}",
		"{}",
		"{\"Name\":\"/x\"} trailing",
	};
	struct vg_container *c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r;

		c = vg_ct_new();
		r = vg_meta_docker_parse(bad[i], "{\"Privileged\":\"yes\"}", c);
		print_message("%s -> %d\n", bad[i], r);
		assert_true(r == 1 || r == -EINVAL);
		assert_false(c->privileged); /* a string is no boolean */
		assert_int_equal(vg_ct_finish(c), 0);
		if (c->name)
			assert_string_equal(c->name, "x");
		assert_null(c->image);
		vg_ct_free(c);
	}
	/* wrong types keep the right keys */
	c = vg_ct_new();
	assert_int_equal(vg_meta_docker_parse("{\"Config\":{\"Labels\":{\"k\":5,\"ok\":\"v\"}},"
					      "\"MountPoints\":{\"/a\":5,\"/b\":{\"Source\":1}}}",
					      "[]", c),
			 -EINVAL); /* hostconfig not an object */
	assert_int_equal(c->n_labels, 1);
	assert_string_equal(c->labels[0].value, "v");
	assert_int_equal(c->n_mounts, 1);
	assert_string_equal(c->mounts[0].source, "");
	assert_string_equal(c->mounts[0].dest, "");
	vg_ct_free(c);
	c = vg_ct_new();
	assert_int_equal(vg_meta_docker_parse(NULL, NULL, c), -EINVAL);
	assert_int_equal(vg_meta_docker_inspect("{\"Mounts\":{}}", 13, c), 1);
	assert_int_equal(vg_meta_docker_inspect("{\"Mounts\":[", 11, c), -EINVAL);
	vg_ct_free(c);
}

#define LBL "{\"Config\":{\"Labels\":{\"a\":1}}}"
static void test_podman(void **state)
{
	struct vg_container *c = vg_ct_new();

	(void)state;
	/* the API's answer gives labels only, and ignores what is not a string */
	assert_int_equal(vg_meta_podman_inspect_labels(docker_inspect, strlen(docker_inspect), c),
			 1);
	assert_int_equal(c->n_labels, 1);
	assert_null(c->name);
	assert_int_equal(vg_meta_podman_inspect_labels(LBL, strlen(LBL), c), 1);
	assert_int_equal(c->n_labels, 1);
	assert_int_equal(vg_meta_podman_inspect_labels("[]", 2, c), 1);
	vg_ct_free(c);
	c = vg_ct_new();

	assert_int_equal(vg_meta_podman_parse(podman_all, ID, c), 1);
	assert_int_equal(vg_ct_finish(c), 0);
	assert_string_equal(c->name, "pm-1");
	assert_string_equal(c->image, "localhost/vigil-test/busybox:1.0");
	assert_string_equal(c->image_repository, "localhost/vigil-test/busybox");
	assert_string_equal(c->image_tag, "1.0");
	assert_string_equal(c->image_id, "2cf5e4");
	assert_int_equal(c->start_ts, 1795336647000000000ull);
	vg_ct_free(c);

	c = vg_ct_new();
	assert_int_equal(vg_meta_podman_parse(podman_all, "ffff", c), 0);
	assert_null(c->name);
	assert_int_equal(vg_meta_podman_parse("{}", ID, c), -EINVAL);
	assert_int_equal(vg_meta_podman_parse("[1,\"x\",{\"id\":5},{\"names\":7}]", ID, c), 0);
	/* metadata that is no JSON: the name from "names" stays, the error shows */
	assert_int_equal(vg_meta_podman_parse("[{\"id\":\"" ID "\",\"names\":[\"n\"],"
					      "\"metadata\":\"{not json\"}]",
					      ID, c),
			 -EINVAL);
	assert_string_equal(c->name, "n");
	vg_ct_free(c);
	c = vg_ct_new();
	assert_int_equal(vg_meta_podman_parse(
				 "[{\"id\":\"" ID "\",\"names\":[5],\"metadata\":\"[]\"}]", ID, c),
			 -EINVAL);
	assert_null(c->name);
	vg_ct_free(c);
}

static void test_oci(void **state)
{
	struct vg_container *c = vg_ct_new();
	json_object *o;

	(void)state;
	assert_int_equal(vg_ct_set_id(c, ID), 0);
	o = J(oci_plain);
	assert_int_equal(vg_meta_oci_annotations(o, c), VG_CT_UNKNOWN);
	assert_int_equal(vg_meta_oci_parse(o, c), 0);
	json_object_put(o);
	assert_false(c->privileged);
	assert_false(c->host_pid);
	assert_true(c->host_ipc);      /* no ipc namespace of its own */
	assert_false(c->host_network); /* joined by path: someone's, not ours to tell */
	assert_string_equal(c->user, "1000");
	assert_int_equal(c->cpu_shares, 256);
	assert_int_equal(c->cpu_quota, 20000);
	assert_int_equal(c->cpu_period, 50000);
	assert_int_equal(c->memory_limit, 1048576);
	assert_int_equal(c->swap_limit, 2097152);
	assert_int_equal(c->cpuset_cpu_count, 2);
	/* bind mounts only, the runtime's own per-container files left out */
	assert_int_equal(c->n_mounts, 2);
	assert_string_equal(c->mounts[0].dest, "/data");
	assert_string_equal(c->mounts[0].source, "/srv/data");
	assert_false(c->mounts[0].rw);
	assert_string_equal(c->mounts[0].propagation, "rslave");
	assert_string_equal(c->mounts[1].dest, "/logs");
	assert_true(c->mounts[1].rw);
	vg_ct_free(c);

	c = vg_ct_new();
	o = J(oci_privileged);
	assert_int_equal(vg_meta_oci_parse(o, c), 0);
	json_object_put(o);
	assert_true(c->privileged);
	assert_true(c->host_pid);
	assert_true(c->host_network);
	assert_false(c->host_ipc);
	vg_ct_free(c);

	/* CAP_SYS_ADMIN with masked paths is not --privileged */
	c = vg_ct_new();
	o = J(oci_sysadmin_masked);
	assert_int_equal(vg_meta_oci_parse(o, c), 0);
	json_object_put(o);
	assert_false(c->privileged);
	vg_ct_free(c);

	/* ... unless every device is allowed too */
	c = vg_ct_new();
	o = J(oci_sysadmin_alldev);
	assert_int_equal(vg_meta_oci_parse(o, c), 0);
	json_object_put(o);
	assert_true(c->privileged);
	vg_ct_free(c);
}

static void test_oci_cri(void **state)
{
	struct vg_container *c = vg_ct_new();
	json_object *o;

	(void)state;
	assert_int_equal(vg_ct_set_id(c, ID), 0);
	o = J(oci_cri);
	assert_int_equal(vg_meta_oci_annotations(o, c), VG_CT_CRI_CONTAINERD);
	assert_int_equal(vg_meta_oci_parse(o, c), 0);
	json_object_put(o);
	assert_int_equal(vg_ct_finish(c), 0);
	assert_string_equal(c->name, "web");
	assert_string_equal(c->image, "registry:5000/web:2@sha256:abc");
	assert_string_equal(c->image_repository, "registry:5000/web");
	assert_string_equal(c->image_tag, "2");
	assert_string_equal(c->image_digest, "sha256:abc");
	assert_string_equal(c->pod_name, "web-7d8f9c-abcde");
	assert_string_equal(c->pod_namespace, "prod");
	assert_string_equal(c->pod_uid, "c583a286-a9b3-4b13-b5dd-467f3e23ccba");
	assert_string_equal(c->pod_sandbox_id, SB);
	assert_false(c->is_pod_sandbox);
	assert_int_equal(c->n_mounts, 0); /* the sandbox's hosts file is not a volume */
	assert_int_equal(c->n_labels, 0); /* CRI annotations are not labels */
	vg_ct_free(c);

	c = vg_ct_new();
	assert_int_equal(vg_ct_set_id(c, SB), 0);
	o = J(oci_cri_sandbox);
	assert_int_equal(vg_meta_oci_annotations(o, c), VG_CT_CRI_CONTAINERD);
	json_object_put(o);
	assert_true(c->is_pod_sandbox);
	assert_string_equal(c->name, "web-7d8f9c-abcde");
	assert_string_equal(c->pod_sandbox_id, SB);
	vg_ct_free(c);

	c = vg_ct_new();
	o = J(oci_crio);
	assert_int_equal(vg_meta_oci_annotations(o, c), VG_CT_CRIO);
	json_object_put(o);
	assert_string_equal(c->name, "api");
	assert_string_equal(c->image, "quay.io/shop/api:3");
	assert_string_equal(c->pod_name, "api-5f6");
	assert_string_equal(c->pod_namespace, "shop");
	assert_string_equal(c->pod_uid, "u-2");
	assert_string_equal(c->pod_sandbox_id, SB);
	assert_int_equal(c->start_ts, 1767319445500000000ull); /* 02:04:05.5 UTC */
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "app"), "api");
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "tier"), "be");
	vg_ct_free(c);

	/* Podman writes cri-o keys too, and says it is libpod */
	c = vg_ct_new();
	o = J(oci_podman);
	assert_int_equal(vg_meta_oci_annotations(o, c), VG_CT_PODMAN);
	json_object_put(o);
	assert_true(c->privileged);
	assert_null(c->pod_name);
	assert_int_equal(c->start_ts, 1795336647588929276ull);
	vg_ct_free(c);
}

static void test_oci_bad(void **state)
{
	static const char *const bad[] = {
		"{\"process\":5,\"linux\":[],\"mounts\":{}}",
		"{\"process\":{\"capabilities\":{\"bounding\":\"CAP_SYS_ADMIN\"},\"user\":{\"uid\":"
		"\"0\"}}}",
		"{\"mounts\":[5,{\"destination\":7,\"type\":\"bind\"},{\"type\":\"bind\","
		"\"options\":5},"
		"{\"destination\":\"/x\",\"options\":[\"bind\",5]}]}",
		"{\"linux\":{\"namespaces\":[5,{\"type\":5},{}],\"maskedPaths\":\"x\"}}",
		"{\"annotations\":{\"io.kubernetes.cri.container-type\":5}}",
		"{\"annotations\":{\"io.kubernetes.cri-o.ContainerType\":\"container\","
		"\"io.kubernetes.cri-o.Labels\":\"[1,2]\",\"io.kubernetes.cri-o.Created\":\"x\"}}",
		"{\"annotations\":{\"io.kubernetes.cri-o.ContainerType\":\"sandbox\","
		"\"io.kubernetes.cri-o.Labels\":\"{bad\"}}",
		"{\"annotations\":[]}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vg_container *c = vg_ct_new();
		json_object *o = J(bad[i]);

		print_message("%s\n", bad[i]);
		vg_meta_oci_annotations(o, c);
		assert_int_equal(vg_meta_oci_parse(o, c), 0);
		assert_false(c->privileged);
		assert_null(c->user);
		for (size_t k = 0; k < c->n_mounts; k++)
			assert_string_equal(c->mounts[k].dest, "/x");
		assert_int_equal(c->n_labels, 0);
		json_object_put(o);
		vg_ct_free(c);
	}
	assert_int_equal(vg_meta_oci_parse(NULL, NULL), -EINVAL);
}

static void test_runc(void **state)
{
	struct vg_container *c = vg_ct_new();
	char bundle[64];

	(void)state;
	assert_int_equal(vg_meta_runc_parse(runc_state, c, bundle, sizeof(bundle)), 1);
	assert_string_equal(bundle, "/srv/bundle");
	assert_string_equal(c->name, "runc-demo");
	assert_int_equal(c->start_ts, 1795336644065416014ull);
	assert_int_equal(c->n_labels, 2);
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "org.example.team"), "blue");
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "x"), "y=z");
	vg_ct_free(c);

	c = vg_ct_new();
	assert_int_equal(vg_meta_runc_parse("{\"config\":{\"labels\":{}}}", c, bundle, 4), 1);
	assert_string_equal(bundle, "");
	assert_int_equal(vg_meta_runc_parse("[]", c, bundle, 4), -EINVAL);
	assert_int_equal(vg_meta_runc_parse("{\"id\":", c, bundle, 4), -EINVAL);
	/* a bundle path longer than the buffer is cut, never overflows */
	assert_int_equal(
		vg_meta_runc_parse("{\"config\":{\"labels\":[\"bundle=/a/very/long/path\"]}}", c,
				   bundle, 8),
		1);
	assert_string_equal(bundle, "/a/very");
	vg_ct_free(c);
}

/* every prefix of a good document is handled: an error or a partial answer, no crash */
static void truncate_all(const char *doc, int (*fn)(const char *, struct vg_container *))
{
	size_t len = strlen(doc);
	char *buf = malloc(len + 1);

	assert_non_null(buf);
	for (size_t n = 0; n < len; n++) {
		struct vg_container *c = vg_ct_new();

		memcpy(buf, doc, n);
		buf[n] = '\0';
		assert_true(fn(buf, c) < 0);
		assert_int_equal(vg_ct_finish(c), 0);
		vg_ct_free(c);
	}
	free(buf);
}

static int docker_fn(const char *s, struct vg_container *c)
{
	return vg_meta_docker_parse(s, docker_hc, c);
}

static int docker_hc_fn(const char *s, struct vg_container *c)
{
	return vg_meta_docker_parse(docker_cfg, s, c);
}

static int inspect_fn(const char *s, struct vg_container *c)
{
	return vg_meta_docker_inspect(s, strlen(s), c);
}

static int podman_labels_fn(const char *s, struct vg_container *c)
{
	return vg_meta_podman_inspect_labels(s, strlen(s), c);
}

static int podman_fn(const char *s, struct vg_container *c)
{
	return vg_meta_podman_parse(s, ID, c);
}

static int runc_fn(const char *s, struct vg_container *c)
{
	char b[64];

	return vg_meta_runc_parse(s, c, b, sizeof(b));
}

static void test_truncated(void **state)
{
	(void)state;
	truncate_all(docker_cfg, docker_fn);
	truncate_all(docker_hc, docker_hc_fn);
	truncate_all(docker_inspect, inspect_fn);
	truncate_all(podman_all, podman_fn);
	truncate_all(docker_inspect, podman_labels_fn);
	truncate_all(runc_state, runc_fn);
}

/* the file readers, over a fixture tree like each runtime's */
static char root[64];

static void put(const char *rel, const char *content)
{
	char path[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void test_files(void **state)
{
	struct vg_container *c;
	char path[256], state_json[512];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/vg-meta-XXXXXX");
	assert_non_null(mkdtemp(root));

	put("docker/containers/" ID "/config.v2.json", docker_cfg);
	put("docker/containers/" ID "/hostconfig.json", docker_hc);
	put("podman/overlay-containers/containers.json", podman_all);
	put("podman/overlay-containers/" ID "/userdata/config.json", oci_podman);
	put("task/k8s.io/" ID "/config.json", oci_cri);
	put("task/k8s.io/" ID "/init.pid", "123");
	put("task/default/ctr1/config.json", oci_plain);
	put("crio/overlay-containers/" ID "/userdata/config.json", oci_crio);
	put("crio/overlay-containers/" SB "/userdata/config.json", oci_podman);
	put("bundle/config.json", oci_plain);
	snprintf(state_json, sizeof(state_json),
		 "{\"id\":\"r1\",\"created\":\"2026-11-22T08:37:24Z\","
		 "\"config\":{\"labels\":[\"bundle=%s/bundle\",\"a=b\"]}}",
		 root);
	put("runc/r1/state.json", state_json);
	put("runc/r2/state.json",
	    "{\"id\":\"r2\",\"config\":{\"labels\":[\"bundle=/nonexistent\"]}}");
	put("runc/bad/state.json", "{\"id\":");
	/* a pod's view: the bundle is a host path, the host is under root */
	put("runc/r3/state.json", "{\"id\":\"r3\",\"config\":{\"labels\":[\"bundle=/bundle\"]}}");
	put("docker/containers/" SB "/config.v2.json", "{\"Name\":");

#define P(s) (snprintf(path, sizeof(path), "%s/%s", root, s), path)
	c = vg_ct_new();
	assert_int_equal(vg_meta_docker_files(P("docker"), ID, c, NULL), 1);
	assert_string_equal(c->name, "web-1");
	assert_true(c->privileged);
	assert_non_null(strstr(c->metadata_path, "config.v2.json"));
	assert_null(c->image_digest); /* no repositories.json */
	assert_int_equal(vg_meta_docker_files(P("docker"), "nope", c, NULL), 0);
	assert_true(vg_meta_docker_files(P("docker"), SB, c, NULL) < 0);
	vg_ct_free(c);

	/* the repository digest of a pulled image, whatever the storage driver's directory */
	{
		static const char repos[] =
			"{\"Repositories\":{\"localhost:5000/team/web\":{"
			"\"localhost:5000/team/web:1.2\":\"sha256:" IMGID "\","
			"\"localhost:5000/team/web@sha256:0ther\":\"sha256:ffff\","
			"\"localhost:5000/team/web@sha256:abcd\":\"sha256:" IMGID "\"},"
			"\"nginx\":{\"nginx@sha256:1111\":\"sha256:" IMGID "\"}}}";
		struct vg_json_cache jc = {0};

		put("docker/image/vfs/repositories.json", repos);
		c = vg_ct_new();
		assert_int_equal(vg_meta_docker_files(P("docker"), ID, c, &jc), 1);
		assert_string_equal(c->image_digest, "sha256:abcd");
		assert_int_equal(vg_ct_finish(c), 0);
		assert_string_equal(c->image_digest, "sha256:abcd");
		vg_ct_free(c);
		vg_json_cache_free(&jc);
		/* not a document of that shape: no digest, no error */
		c = vg_ct_new();
		assert_int_equal(vg_ct_set(&c->image, "nginx"), 0);
		assert_int_equal(vg_ct_set(&c->image_id, IMGID), 0);
		{
			json_object *bad = J("{\"Repositories\":[1]}");

			assert_int_equal(vg_meta_docker_image_digest(bad, c), 0);
			json_object_put(bad);
			bad = J(repos);
			assert_int_equal(vg_meta_docker_image_digest(bad, c), 0);
			json_object_put(bad);
		}
		assert_string_equal(c->image_digest, "sha256:1111");
		vg_ct_free(c);
	}

	c = vg_ct_new();
	assert_int_equal(vg_ct_set_id(c, ID), 0);
	assert_int_equal(vg_meta_podman_files(P("podman"), ID, c, NULL, NULL), 1);
	assert_int_equal(c->type, VG_CT_PODMAN);
	assert_string_equal(c->name, "pm-1");
	assert_true(c->privileged);
	assert_null(c->image_digest); /* no images.json */
	assert_int_equal(vg_meta_podman_files(P("nope"), ID, c, NULL, NULL), 0);
	vg_ct_free(c);

	/* the parsed containers.json is reused until the file is replaced */
	{
		struct vg_json_cache ctrs = {0}, imgs = {0};
		json_object *first;

		put("podman/overlay-images/images.json",
		    "[5,{\"id\":\"x\"},{\"id\":\"2cf5e4\",\"digest\":\"sha256:feed\","
		    "\"names\":[\"localhost/vigil-test/busybox:1.0\"]}]");
		c = vg_ct_new();
		assert_int_equal(vg_meta_podman_files(P("podman"), ID, c, &ctrs, &imgs), 1);
		assert_string_equal(c->image_digest, "sha256:feed");
		first = ctrs.doc;
		assert_non_null(first);
		assert_int_equal(vg_meta_podman_files(P("podman"), SB, c, &ctrs, &imgs), 1);
		assert_ptr_equal(ctrs.doc, first);
		assert_string_equal(c->name, "other");
		vg_ct_free(c);
		/* podman writes a new file and renames it over the old one */
		put("podman/overlay-containers/containers.json.tmp",
		    "[{\"id\":\"" ID "\",\"names\":[\"renamed\"]}]");
		snprintf(state_json, sizeof(state_json),
			 "%s/podman/overlay-containers/containers.json", root);
		assert_int_equal(
			rename(P("podman/overlay-containers/containers.json.tmp"), state_json), 0);
		c = vg_ct_new();
		assert_int_equal(vg_meta_podman_files(P("podman"), ID, c, &ctrs, &imgs), 1);
		assert_string_equal(c->name, "renamed");
		vg_ct_free(c);
		vg_json_cache_free(&ctrs);
		vg_json_cache_free(&imgs);
	}

	c = vg_ct_new();
	assert_int_equal(vg_ct_set_id(c, ID), 0);
	assert_int_equal(vg_meta_containerd_files(P("task"), "k8s.io", ID, c), 1);
	assert_int_equal(c->type, VG_CT_CRI_CONTAINERD);
	assert_string_equal(c->name, "web");
	assert_true(c->start_ts > 0); /* init.pid's mtime */
	assert_int_equal(vg_meta_containerd_files(P("task"), "", ID, c), 0);
	assert_int_equal(vg_meta_containerd_files(P("task"), "default", ID, c), 0);
	vg_ct_free(c);

	c = vg_ct_new();
	assert_int_equal(vg_ct_set_id(c, "ctr1"), 0);
	assert_int_equal(vg_meta_containerd_files(P("task"), "default", "ctr1", c), 1);
	assert_int_equal(c->type, VG_CT_CONTAINERD);
	assert_string_equal(c->name, "ctr1");
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "org.example.team"), "blue");
	vg_ct_free(c);

	c = vg_ct_new();
	assert_int_equal(vg_meta_crio_files(P("crio"), ID, c), 1);
	assert_int_equal(c->type, VG_CT_CRIO);
	assert_string_equal(c->pod_name, "api-5f6");
	/* a Podman container's userdata is no CRI-O container */
	assert_int_equal(vg_meta_crio_files(P("crio"), SB, c), 0);
	vg_ct_free(c);

	/* the pod's labels come from its sandbox's annotations */
	put("crio2/overlay-containers/" ID "/userdata/config.json", oci_crio);
	put("crio2/overlay-containers/" SB "/userdata/config.json", oci_crio_sandbox);
	c = vg_ct_new();
	assert_int_equal(vg_meta_crio_files(P("crio2"), ID, c), 1);
	assert_int_equal(c->n_pod_labels, 2);
	assert_string_equal(vg_container_label(c->pod_labels, c->n_pod_labels, "app"), "api");
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "tier"), "be");
	vg_ct_free(c);
	c = vg_ct_new();
	assert_int_equal(vg_meta_crio_files(P("crio2"), SB, c), 1);
	assert_true(c->is_pod_sandbox);
	assert_string_equal(c->name, "api-5f6");
	assert_string_equal(vg_container_label(c->pod_labels, c->n_pod_labels, "pod-template-hash"),
			    "5f6");
	vg_ct_free(c);

	c = vg_ct_new();
	assert_int_equal(vg_ct_set_id(c, "r1"), 0);
	assert_int_equal(vg_meta_runc_files(P("runc"), "", "r1", c), 1);
	assert_int_equal(c->type, VG_CT_RUNC);
	assert_string_equal(c->name, "r1");
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "a"), "b");
	/* and the bundle's annotations */
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "org.example.team"), "blue");
	/* the hosts file is named by another id than "r1": it stays a mount here */
	assert_int_equal(c->n_mounts, 3);
	vg_ct_free(c);

	c = vg_ct_new();
	/* the bundle is gone: state.json alone still says runc */
	assert_int_equal(vg_meta_runc_files(P("runc"), "", "r2", c), 1);
	assert_int_equal(c->type, VG_CT_RUNC);
	assert_true(vg_meta_runc_files(P("runc"), "", "bad", c) < 0);
	assert_int_equal(vg_meta_runc_files(P("runc"), "", "absent", c), 0);
	vg_ct_free(c);

	/* the bundle is read under the host root, not from vigil's own / */
	c = vg_ct_new();
	assert_int_equal(vg_meta_runc_files(P("runc"), root, "r3", c), 1);
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "org.example.team"), "blue");
	vg_ct_free(c);
	c = vg_ct_new();
	assert_int_equal(vg_meta_runc_files(P("runc"), "", "r3", c), 1);
	assert_null(vg_container_label(c->labels, c->n_labels, "org.example.team"));
	vg_ct_free(c);
#undef P
	snprintf(path, sizeof(path), "rm -rf %s", root);
	assert_int_equal(system(path), 0);
}

/* protobuf bytes of containerd's GetContainerResponse, built by hand */
static size_t pb_str(uint8_t *out, unsigned field, const char *s)
{
	size_t n = strlen(s);

	out[0] = (uint8_t)(field << 3 | 2);
	out[1] = (uint8_t)n;
	memcpy(out + 2, s, n);
	return n + 2;
}

static size_t pb_label(uint8_t *out, const char *k, const char *v)
{
	uint8_t entry[128];
	size_t n = pb_str(entry, 1, k);

	n += pb_str(entry + n, 2, v);
	out[0] = 2 << 3 | 2;
	out[1] = (uint8_t)n;
	memcpy(out + 2, entry, n);
	return n + 2;
}

static size_t get_response(uint8_t *out)
{
	uint8_t ct[512];
	size_t n = 0;

	n += pb_str(ct + n, 1, "ctr-1");
	n += pb_label(ct + n, "app", "web");
	n += pb_label(ct + n, "io.kubernetes.pod.name", "web-1");
	n += pb_label(ct + n, "io.cri-containerd.kind", "sandbox");
	/* runtime (a message we skip), a fixed64 and a fixed32 field we do not know */
	ct[n++] = 4 << 3 | 2;
	ct[n++] = 4;
	n += pb_str(ct + n, 1, "rc");
	ct[n++] = 12 << 3 | 1;
	memset(ct + n, 0xee, 8);
	n += 8;
	ct[n++] = 13 << 3 | 5;
	memset(ct + n, 0xdd, 4);
	n += 4;
	n += pb_str(ct + n, 3, "docker.io/library/busybox:1.36");
	ct[n++] = 8 << 3 | 2; /* created_at { seconds = 1 (varint) } */
	ct[n++] = 3;
	ct[n++] = 1 << 3 | 0;
	ct[n++] = 0x96;
	ct[n++] = 0x01;
	out[0] = 1 << 3 | 2;
	out[1] = (uint8_t)(0x80 | (n & 0x7f));
	out[2] = (uint8_t)(n >> 7);
	memcpy(out + 3, ct, n);
	return n + 3;
}

static void test_containerd_proto(void **state)
{
	uint8_t msg[600];
	size_t len = get_response(msg);
	struct vg_container *c = vg_ct_new();

	(void)state;
	assert_int_equal(vg_containerd_decode_get(msg, len, c, false), 1);
	assert_string_equal(c->image, "docker.io/library/busybox:1.36");
	assert_int_equal(c->n_labels, 3);
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "app"), "web");
	assert_int_equal(c->n_pod_labels, 0);
	vg_ct_free(c);

	/* a sandbox's labels are the pod's, without the CRI plugin's own */
	c = vg_ct_new();
	assert_int_equal(vg_ct_set(&c->image, "mine:1"), 0);
	assert_int_equal(vg_containerd_decode_get(msg, len, c, true), 1);
	assert_string_equal(c->image, "mine:1");
	assert_int_equal(c->n_pod_labels, 1);
	assert_string_equal(c->pod_labels[0].key, "app");
	assert_int_equal(c->n_labels, 0);
	vg_ct_free(c);

	/* every prefix: an error, "not found", or a partial answer; never a crash */
	for (size_t n = 0; n < len; n++) {
		int r;

		c = vg_ct_new();
		r = vg_containerd_decode_get(msg, n, c, n & 1);
		assert_true(r == -EINVAL || r == 0 || r == 1);
		vg_ct_free(c);
	}

	/* an empty answer, an overlong varint, a group (wire type 3), a length past the end */
	{
		static const uint8_t overlong[] = {0x0a, 0xff, 0xff, 0xff, 0xff, 0xff,
						   0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
		static const uint8_t group[] = {0x0b, 0x00};
		static const uint8_t past[] = {0x0a, 0x05, 0x1a, 0x10, 'x'};
		static const uint8_t inner_group[] = {0x0a, 0x02, 0x1b, 0x00};

		c = vg_ct_new();
		assert_int_equal(vg_containerd_decode_get(msg, 0, c, false), 0);
		assert_int_equal(vg_containerd_decode_get(overlong, sizeof(overlong), c, false),
				 -EINVAL);
		assert_int_equal(vg_containerd_decode_get(group, sizeof(group), c, false), -EINVAL);
		assert_int_equal(vg_containerd_decode_get(past, sizeof(past), c, false), -EINVAL);
		assert_int_equal(
			vg_containerd_decode_get(inner_group, sizeof(inner_group), c, false),
			-EINVAL);
		assert_null(c->image);
		vg_ct_free(c);
	}
}

static void test_cpuset(void **state)
{
	struct vg_container *c = vg_ct_new();

	(void)state;
	assert_int_equal(vg_cpuset_count("0-3,5,7-8"), 7);
	assert_int_equal(vg_cpuset_count("0"), 1);
	assert_int_equal(vg_cpuset_count("0-3\n"), 4);
	assert_int_equal(vg_cpuset_count("0-3,"), 4);
	assert_int_equal(vg_cpuset_count(""), 0);
	assert_int_equal(vg_cpuset_count(NULL), 0);
	assert_int_equal(vg_cpuset_count("3-1"), 0);
	assert_int_equal(vg_cpuset_count("a"), 0);
	assert_int_equal(vg_cpuset_count("1-"), 0);
	assert_int_equal(vg_cpuset_count("0-70000"), 0);
	/* defaults as Falco's when nothing says otherwise */
	assert_int_equal(c->cpu_shares, 1024);
	assert_int_equal(c->cpu_period, 100000);
	assert_int_equal(c->cpu_quota, 0);
	assert_int_equal(c->memory_limit, 0);
	vg_ct_free(c);
}

static void test_containerd_image_proto(void **state)
{
	/* GetImageResponse { image { name, target { media_type, digest, size } } } */
	uint8_t desc[128], img[256], msg[300];
	size_t dn = 0, in = 0, mn = 0;
	struct vg_container *c;

	(void)state;
	dn += pb_str(desc + dn, 1, "application/vnd.oci.image.manifest.v1+json");
	dn += pb_str(desc + dn, 2, "sha256:9505");
	desc[dn++] = 3 << 3 | 0;
	desc[dn++] = 0x42;
	in += pb_str(img + in, 1, "localhost/x:1");
	img[in++] = 3 << 3 | 2;
	img[in++] = (uint8_t)dn;
	memcpy(img + in, desc, dn);
	in += dn;
	msg[mn++] = 1 << 3 | 2;
	msg[mn++] = (uint8_t)in;
	memcpy(msg + mn, img, in);
	mn += in;

	c = vg_ct_new();
	assert_int_equal(vg_containerd_decode_image(msg, mn, c), 1);
	assert_string_equal(c->image_digest, "sha256:9505");
	vg_ct_free(c);
	for (size_t n = 0; n < mn; n++) {
		int r;

		c = vg_ct_new();
		r = vg_containerd_decode_image(msg, n, c);
		assert_true(r == -EINVAL || r == 0 || r == 1);
		vg_ct_free(c);
	}
	/* an image without a target */
	c = vg_ct_new();
	msg[1] = (uint8_t)pb_str(msg + 2, 1, "x");
	assert_int_equal(vg_containerd_decode_image(msg, (size_t)msg[1] + 2, c), 0);
	assert_null(c->image_digest);
	vg_ct_free(c);
}

static void test_safe_id(void **state)
{
	char longid[200];

	(void)state;
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	assert_true(vg_is_safe_id(SB));
	assert_true(vg_is_safe_id("ctr-demo_1.x"));
	assert_false(vg_is_safe_id("../etc"));
	assert_false(vg_is_safe_id("a/b"));
	assert_false(vg_is_safe_id(".hidden"));
	assert_false(vg_is_safe_id(""));
	assert_false(vg_is_safe_id(NULL));
	assert_false(vg_is_safe_id(longid));
}

static void test_rfc3339(void **state)
{
	(void)state;
	assert_int_equal(vg_parse_rfc3339("1970-01-01T00:00:01Z"), 1000000000ull);
	assert_int_equal(vg_parse_rfc3339("1970-01-01T00:00:01.000000001Z"), 1000000001ull);
	assert_int_equal(vg_parse_rfc3339("1970-01-01T01:00:01+01:00"), 1000000000ull);
	assert_int_equal(vg_parse_rfc3339("1970-01-01T00:00:01.1234567891234Z"), 1123456789ull);
	assert_int_equal(vg_parse_rfc3339("0001-01-01T00:00:00Z"), 0);
	assert_int_equal(vg_parse_rfc3339("2026-11-22"), 0);
	assert_int_equal(vg_parse_rfc3339("2026-11-22T08:37:26"), 0);
	assert_int_equal(vg_parse_rfc3339(""), 0);
	assert_int_equal(vg_parse_rfc3339(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker),
		cmocka_unit_test(test_docker_inspect),
		cmocka_unit_test(test_docker_bad),
		cmocka_unit_test(test_podman),
		cmocka_unit_test(test_oci),
		cmocka_unit_test(test_oci_cri),
		cmocka_unit_test(test_oci_bad),
		cmocka_unit_test(test_runc),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_safe_id),
		cmocka_unit_test(test_containerd_image_proto),
		cmocka_unit_test(test_cpuset),
		cmocka_unit_test(test_containerd_proto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
