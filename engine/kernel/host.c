// SPDX-License-Identifier: Apache-2.0
#include "kernel/host.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

#define TRACEFS_MAGIC_	  0x74726163
#define SECURITYFS_MAGIC_ 0x73636673

static bool has_cap(const struct __user_cap_data_struct d[2], int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

int vg_host_check_privileges(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {0};

	if (syscall(SYS_capget, &hdr, data) != 0) {
		fprintf(stderr, "vigil: cannot read capabilities: %s\n", strerror(errno));
		return -1;
	}
	if (has_cap(data, CAP_SYS_ADMIN) || (has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON)))
		return 0;
	fprintf(stderr, "vigil: needs root, or CAP_BPF and CAP_PERFMON (this process has %s%s%s)\n",
		has_cap(data, CAP_BPF) ? "CAP_BPF" : "neither",
		has_cap(data, CAP_BPF) && !has_cap(data, CAP_PERFMON) ? " only" : "",
		!has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON) ? " CAP_PERFMON only" : "");
	return -1;
}

int vg_host_check_btf(void)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		return 0;
	fprintf(stderr,
		"vigil: no kernel BTF at /sys/kernel/btf/vmlinux (%s): vigil needs a kernel built "
		"with CONFIG_DEBUG_INFO_BTF=y\n",
		strerror(errno));
	return -1;
}

static bool is_mounted(const char *dir, long magic)
{
	struct statfs sf;

	return statfs(dir, &sf) == 0 && sf.f_type == magic;
}

static void mount_if_missing(const char *fstype, const char *dir, long magic, bool verbose)
{
	if (is_mounted(dir, magic))
		return;
	if (mount(fstype, dir, fstype, 0, NULL) == 0) {
		if (verbose)
			fprintf(stderr, "vigil: %s was not mounted; mounted it at %s\n", fstype,
				dir);
		return;
	}
	fprintf(stderr, "vigil: %s is not mounted at %s and mounting it failed: %s\n", fstype, dir,
		strerror(errno));
}

void vg_host_mount_pseudo_fs(bool verbose)
{
	mount_if_missing("tracefs", "/sys/kernel/tracing", TRACEFS_MAGIC_, verbose);
	mount_if_missing("securityfs", "/sys/kernel/security", SECURITYFS_MAGIC_, verbose);
}
