// SPDX-License-Identifier: Apache-2.0
/* cgroup path -> runtime, id, pod uid, over paths seen from every runtime and driver. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "container/cgroup_path.h"

#define H1   "3f0c2b9e1d8a7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b"
#define H2   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID  "5e1a9c7b-2f3d-4e8a-9b6c-0d1e2f3a4b5c"
#define UIDU "5e1a9c7b_2f3d_4e8a_9b6c_0d1e2f3a4b5c"

struct row {
	const char *path;
	enum vg_cgroup_kind kind;
	enum vg_container_type type;
	const char *id;
	const char *ns;
	const char *pod_uid;
};

static const struct row rows[] = {
	/* host */
	{"/", VG_CGK_HOST, VG_CT_HOST, "", "", ""},
	{"/init.scope", VG_CGK_HOST, VG_CT_HOST, "", "", ""},
	{"/system.slice/containerd.service", VG_CGK_HOST, VG_CT_HOST, "", "", ""},
	{"/system.slice/docker.service", VG_CGK_HOST, VG_CT_HOST, "", "", ""},
	{"/user.slice/user-1000.slice/session-3.scope", VG_CGK_HOST, VG_CT_HOST, "", "", ""},
	{"/user.slice/user-1000.slice/user@1000.service/app.slice/dbus.service", VG_CGK_HOST,
	 VG_CT_HOST, "", "", ""},
	{"/kubepods", VG_CGK_HOST, VG_CT_HOST, "", "", ""},
	{"/kubepods/besteffort", VG_CGK_HOST, VG_CT_HOST, "", "", ""},
	{"/kubepods/besteffort/pod" UID, VG_CGK_HOST, VG_CT_HOST, "", "", UID},
	{"/kubepods.slice/kubepods-burstable.slice", VG_CGK_HOST, VG_CT_HOST, "", "", ""},
	/* Docker: cgroupfs and systemd drivers, v1 controller lines look the same */
	{"/docker/" H1, VG_CGK_CONTAINER, VG_CT_DOCKER, H1, "", ""},
	{"/system.slice/docker-" H1 ".scope", VG_CGK_CONTAINER, VG_CT_DOCKER, H1, "", ""},
	{"/docker/" H1 "/docker/" H2, VG_CGK_CONTAINER, VG_CT_DOCKER, H1, "", ""}, /* dind: outer */
	{"/system.slice/docker-" H1 ".scope/init.scope", VG_CGK_CONTAINER, VG_CT_DOCKER, H1, "",
	 ""},
	/* containerd: namespace/id, ctr names and hex ids */
	{"/default/ctr-demo", VG_CGK_CANDIDATE, VG_CT_UNKNOWN, "ctr-demo", "default", ""},
	{"/k8s.io/" H2, VG_CGK_CONTAINER, VG_CT_UNKNOWN, H2, "k8s.io", ""},
	{"/default/" H2, VG_CGK_CONTAINER, VG_CT_UNKNOWN, H2, "default", ""},
	/* runc: cgroupsPath "/<id>" */
	{"/runc-demo", VG_CGK_CANDIDATE, VG_CT_UNKNOWN, "runc-demo", "", ""},
	{"/my_app.v2+x", VG_CGK_CANDIDATE, VG_CT_UNKNOWN, "my_app.v2+x", "", ""},
	{"/a/b/c", VG_CGK_CANDIDATE, VG_CT_UNKNOWN, "c", "", ""},
	/* Kubernetes, cgroupfs driver: qos classes, guaranteed has none */
	{"/kubepods/besteffort/pod" UID "/" H1, VG_CGK_CONTAINER, VG_CT_UNKNOWN, H1, "", UID},
	{"/kubepods/burstable/pod" UID "/" H1, VG_CGK_CONTAINER, VG_CT_UNKNOWN, H1, "", UID},
	{"/kubepods/pod" UID "/" H1, VG_CGK_CONTAINER, VG_CT_UNKNOWN, H1, "", UID},
	{"/kubepods/burstable/pod" UID "/crio-" H1, VG_CGK_CONTAINER, VG_CT_CRIO, H1, "", UID},
	{"/kubepods/burstable/pod" UID "/crio-conmon-" H1, VG_CGK_MONITOR, VG_CT_HOST, H1, "", UID},
	/* Kubernetes, systemd driver: uid with '_' */
	{"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU
	 ".slice/cri-containerd-" H1 ".scope",
	 VG_CGK_CONTAINER, VG_CT_CRI_CONTAINERD, H1, "", UID},
	{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UIDU ".slice/crio-" H1
	 ".scope",
	 VG_CGK_CONTAINER, VG_CT_CRIO, H1, "", UID},
	{"/kubepods.slice/kubepods-pod" UIDU ".slice/crio-" H1 ".scope", VG_CGK_CONTAINER,
	 VG_CT_CRIO, H1, "", UID},
	{"/kubepods.slice/kubepods-pod" UIDU ".slice/crio-conmon-" H1 ".scope", VG_CGK_MONITOR,
	 VG_CT_HOST, H1, "", UID},
	{"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UIDU
	 ".slice/docker-" H1 ".scope",
	 VG_CGK_CONTAINER, VG_CT_DOCKER, H1, "", UID},
	/* CRI-O without Kubernetes cgroups */
	{"/machine.slice/crio-" H1 ".scope", VG_CGK_CONTAINER, VG_CT_CRIO, H1, "", ""},
	/* Podman: cgroupfs (with and without pod), systemd, rootless, systemd-in-container */
	{"/libpod_parent/libpod-" H1, VG_CGK_CONTAINER, VG_CT_PODMAN, H1, "", ""},
	{"/libpod_parent/" H2 "/libpod-" H1, VG_CGK_CONTAINER, VG_CT_PODMAN, H1, "", ""},
	{"/libpod_parent/libpod-conmon-" H1, VG_CGK_MONITOR, VG_CT_HOST, H1, "", ""},
	{"/machine.slice/libpod-" H1 ".scope", VG_CGK_CONTAINER, VG_CT_PODMAN, H1, "", ""},
	{"/machine.slice/libpod-" H1 ".scope/container", VG_CGK_CONTAINER, VG_CT_PODMAN, H1, "",
	 ""},
	{"/machine.slice/libpod-conmon-" H1 ".scope", VG_CGK_MONITOR, VG_CT_HOST, H1, "", ""},
	{"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" H1 ".scope",
	 VG_CGK_CONTAINER, VG_CT_PODMAN, H1, "", ""},
	/* ECS and other agents: a bare hex id deeper down */
	{"/ecs/task-1234/" H1, VG_CGK_CONTAINER, VG_CT_UNKNOWN, H1, "", ""},
	/* not ids: wrong length, upper case, bad suffix */
	{"/docker/" H1 "0", VG_CGK_CANDIDATE, VG_CT_UNKNOWN, H1 "0", "docker", ""},
	{"/system.slice/docker-ABCDEF.scope", VG_CGK_HOST, VG_CT_HOST, "", "", ""},
	{"/system.slice/docker-" H1 ".service", VG_CGK_HOST, VG_CT_HOST, "", "", ""},
	{"/weird/..", VG_CGK_HOST, VG_CT_HOST, "", "", ""},
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct vg_cgroup_info ci;

		print_message("%s\n", r->path);
		assert_int_equal(vg_cgroup_path_parse(r->path, &ci), 0);
		assert_int_equal(ci.kind, r->kind);
		assert_int_equal(ci.type, r->type);
		assert_string_equal(ci.id, r->id);
		assert_string_equal(ci.ns, r->ns);
		assert_string_equal(ci.pod_uid, r->pod_uid);
	}
}

static void test_bad_input(void **state)
{
	struct vg_cgroup_info ci;
	char longpath[8192];

	(void)state;
	assert_int_equal(vg_cgroup_path_parse(NULL, &ci), -EINVAL);
	assert_int_equal(vg_cgroup_path_parse("", &ci), -EINVAL);
	assert_int_equal(vg_cgroup_path_parse("docker/" H1, &ci), -EINVAL);
	assert_int_equal(ci.kind, VG_CGK_HOST);
	/* many components and a long name: no overflow, a name too long is no id */
	memset(longpath, 0, sizeof(longpath));
	for (size_t i = 0; i + 2 < sizeof(longpath) - 1; i += 2)
		memcpy(longpath + i, "/a", 2);
	assert_int_equal(vg_cgroup_path_parse(longpath, &ci), 0);
	longpath[0] = '/';
	memset(longpath + 1, 'x', sizeof(longpath) - 2);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(vg_cgroup_path_parse(longpath, &ci), 0);
	assert_int_equal(ci.kind, VG_CGK_HOST);
	/* a trailing newline, as a /proc line keeps it */
	assert_int_equal(vg_cgroup_path_parse("/docker/" H1 "\n", &ci), 0);
	assert_int_equal(ci.type, VG_CT_DOCKER);
	assert_string_equal(ci.id, H1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
