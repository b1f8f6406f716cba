// SPDX-License-Identifier: Apache-2.0
/* container.* and k8s.* from a hand-built container in the eval context. */
#include <string.h>

#include "container/container.h"
#include "helpers.h"

static struct th_world W;
static struct vg_kv labels[] = {{(char *)"app", (char *)"web"}, {(char *)"tier", (char *)"front"}};
static struct vg_kv pod_labels[] = {{(char *)"team", (char *)"blue"}};
static struct vg_mount mounts[] = {
	{(char *)"/var/run/docker.sock", (char *)"/var/run/docker.sock", (char *)"", (char *)"",
	 true},
	{(char *)"/etc", (char *)"/host/etc", (char *)"ro", (char *)"rprivate", false},
};
static struct vg_container C;

static int setup(void **state)
{
	(void)state;
	th_world_init(&W, VG_EV_EXEC);
	memset(&C, 0, sizeof(C));
	strcpy(C.id, "0123456789ab");
	C.full_id = (char *)"0123456789abcdef";
	C.type = VG_CT_CRI_CONTAINERD;
	C.name = (char *)"web-1";
	C.image = (char *)"docker.io/library/nginx:1.25";
	C.image_repository = (char *)"docker.io/library/nginx";
	C.image_tag = (char *)"1.25";
	C.privileged = true;
	C.start_ts = W.ev.wall_ns - 5000;
	C.labels = labels;
	C.n_labels = 2;
	C.mounts = mounts;
	C.n_mounts = 2;
	C.metadata_found = true;
	C.pod_name = (char *)"web-7d9";
	C.pod_namespace = (char *)"prod";
	C.pod_uid = (char *)"u-1";
	C.pod_sandbox_id = (char *)"fedcba9876543210";
	C.pod_labels = pod_labels;
	C.n_pod_labels = 1;
	W.ctx.container = &C;
	return 0;
}

#define YES(c) assert_true(th_match(&W, NULL, c))
#define NO(c)  assert_false(th_match(&W, NULL, c))

static void test_container_fields(void **state)
{
	(void)state;
	YES("container.id = 0123456789ab and container.full_id = 0123456789abcdef");
	YES("container.name = web-1 and container.type = cri-containerd");
	YES("container.image.repository = docker.io/library/nginx and container.image.tag = 1.25");
	YES("container.privileged = true and container.duration = 5000");
	YES("container.label[app] = web and not container.label[nope] exists");
	YES("container.labels = \"app:web, tier:front\"");
	/* Falco's "container" macro */
	YES("(container.id != host)");
}

static void test_mounts(void **state)
{
	(void)state;
	YES("container.mount.dest[/var/run/docker.sock] = /var/run/docker.sock");
	YES("container.mount.dest[/e*] = /host/etc");
	YES("container.mount.source[/host/etc] = /etc and container.mount.mode[/etc] = ro");
	YES("container.mount.rdwr[/etc] = false and container.mount.propagation[1] = rprivate");
	YES("container.mount[0] = \"/var/run/docker.sock:/var/run/docker.sock::true:\"");
	NO("container.mount.dest[/proc*] exists");
	YES("container.mounts contains \"/etc:/host/etc:ro:false:rprivate\"");
}

static void test_k8s_fields(void **state)
{
	(void)state;
	YES("k8s.pod.name = web-7d9 and k8s.ns.name = prod and k8s.pod.uid = u-1");
	YES("k8s.pod.sandbox_id = fedcba987654 and k8s.pod.label[team] = blue");
	YES("k8s.pod.labels = team:blue");
}

static void test_host_and_unknown(void **state)
{
	static const struct vg_container host = {.id = "host",
						 .full_id = (char *)"host",
						 .name = (char *)"host",
						 .type = VG_CT_HOST,
						 .metadata_found = true};

	(void)state;
	W.ctx.container = &host;
	YES("container.id = host and container.name = host and container.type = host");
	NO("container.id != host");
	NO("container.privileged exists or k8s.pod.name exists");
	W.ctx.container = NULL;
	NO("container.id exists");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_container_fields, setup),
		cmocka_unit_test_setup(test_mounts, setup),
		cmocka_unit_test_setup(test_k8s_fields, setup),
		cmocka_unit_test_setup(test_host_and_unknown, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
