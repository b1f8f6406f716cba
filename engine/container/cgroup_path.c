// SPDX-License-Identifier: Apache-2.0
/*
 * The cgroup path of a process tells whether it runs in a container, which
 * runtime made that container (each one names its cgroups its own way, and
 * differently under the cgroupfs and systemd drivers) and, for Kubernetes,
 * the pod uid. Shapes handled (<id> = 64 hex digits):
 *
 *   Docker      /docker/<id>                  /system.slice/docker-<id>.scope
 *   containerd  /<namespace>/<id or name>     (ctr --cgroup: anything)
 *   CRI         /kubepods[/<qos>]/pod<uid>/<id>
 *               /kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid_>.slice/
 *                   cri-containerd-<id>.scope | crio-<id>.scope | docker-<id>.scope
 *   CRI-O       .../crio-<id>           conmon: crio-conmon-<id> (not a container)
 *   Podman      /libpod_parent/[<pod>/]libpod-<id>   /machine.slice/libpod-<id>.scope[/container]
 *               conmon: libpod-conmon-<id> (not a container)
 *   runc        whatever cgroupsPath says; commonly /<id>
 */
#include "container/cgroup_path.h"

#include <errno.h>
#include <string.h>

bool vg_is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

enum scope_suffix { SCOPE_OPTIONAL, SCOPE_REQUIRED };

/* component c (length len) is prefix + 64 hex [+ ".scope"]; *idp points at the id */
static bool shaped(const char *c, size_t len, const char *prefix, enum scope_suffix scope,
		   const char **idp)
{
	size_t pl = strlen(prefix), rest;

	if (len < pl + 64 || strncmp(c, prefix, pl) != 0 || !vg_is_hex(c + pl, 64))
		return false;
	rest = len - pl - 64;
	if ((rest == 0 && scope == SCOPE_OPTIONAL) ||
	    (rest == 6 && strncmp(c + pl + 64, ".scope", 6) == 0)) {
		*idp = c + pl;
		return true;
	}
	return false;
}

/* "pod" + uuid (cgroupfs) or "kubepods[-<qos>]-pod<uid with _>.slice" (systemd) */
static bool pod_component(const char *c, size_t len, char *uid)
{
	const char *u;
	size_t ul;

	if (len == 3 + 36 && strncmp(c, "pod", 3) == 0) {
		u = c + 3;
		ul = 36;
	} else if (len > 6 && strncmp(c, "kubepods", 8) == 0 &&
		   strncmp(c + len - 6, ".slice", 6) == 0) {
		const char *p = memmem(c, len, "-pod", 4);

		if (!p)
			return false;
		u = p + 4;
		ul = (size_t)(c + len - 6 - u);
		if (ul != 36)
			return false;
	} else {
		return false;
	}
	for (size_t i = 0; i < ul; i++) {
		char ch = u[i];

		if (ch == '_')
			ch = '-';
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || ch == '-'))
			return false;
		uid[i] = ch;
	}
	uid[ul] = '\0';
	return true;
}

static bool is_unit_name(const char *c, size_t len)
{
	static const char *const sfx[] = {".slice", ".service", ".scope", ".mount", ".socket"};

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		size_t sl = strlen(sfx[i]);

		if (len > sl && strncmp(c + len - sl, sfx[i], sl) == 0)
			return true;
	}
	return false;
}

/* runc and containerd ids: [A-Za-z0-9_+.-], not "." or ".." */
static bool valid_name_id(const char *c, size_t len)
{
	if (len == 0 || len > VG_CGROUP_ID_MAX || c[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = c[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' || ch == '-' || ch == '.'))
			return false;
	}
	return true;
}

static void copy_n(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int vg_cgroup_path_parse(const char *path, struct vg_cgroup_info *out)
{
	const char *comp[64];
	size_t clen[64], n = 0;
	const char *p = path;

	memset(out, 0, sizeof(*out));
	out->kind = VG_CGK_HOST;
	out->type = VG_CT_HOST;
	if (!path || path[0] != '/')
		return -EINVAL;

	while (*p && n < 64) {
		const char *s;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		s = p;
		while (*p && *p != '/' && *p != '\n')
			p++;
		comp[n] = s;
		clen[n] = (size_t)(p - s);
		n++;
		if (*p == '\n')
			break;
	}

	/*
	 * Two passes: a runtime-prefixed component first (a Podman pod's own
	 * cgroup is a bare 64-hex id above its containers' libpod-<id>), then a
	 * bare 64-hex id. Outermost first in each.
	 */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const char *c = comp[i], *id = NULL;
			size_t len = clen[i];
			enum vg_container_type t = VG_CT_UNKNOWN;
			enum vg_cgroup_kind kind = VG_CGK_CONTAINER;

			if (len >= 8 && strncmp(c, "kubepods", 8) == 0)
				out->kubepods = true;
			if (out->kubepods && !out->pod_uid[0] &&
			    pod_component(c, len, out->pod_uid))
				continue;

			if (pass == 1) {
				if (len != 64 || !vg_is_hex(c, 64))
					continue;
				id = c;
				/* /docker/<id>: Docker with the cgroupfs driver */
				if (i > 0 && clen[i - 1] == 6 &&
				    strncmp(comp[i - 1], "docker", 6) == 0)
					t = VG_CT_DOCKER;
				else if (i == 1 && !out->kubepods &&
					 valid_name_id(comp[0], clen[0]))
					copy_n(out->ns, sizeof(out->ns), comp[0], clen[0]);
			} else if (shaped(c, len, "docker-", SCOPE_REQUIRED, &id)) {
				t = VG_CT_DOCKER;
			} else if (shaped(c, len, "cri-containerd-", SCOPE_REQUIRED, &id)) {
				t = VG_CT_CRI_CONTAINERD;
			} else if (shaped(c, len, "crio-conmon-", SCOPE_OPTIONAL, &id)) {
				kind = VG_CGK_MONITOR;
			} else if (shaped(c, len, "crio-", SCOPE_OPTIONAL, &id)) {
				t = VG_CT_CRIO;
			} else if (shaped(c, len, "libpod-conmon-", SCOPE_OPTIONAL, &id)) {
				kind = VG_CGK_MONITOR;
			} else if (shaped(c, len, "libpod-", SCOPE_OPTIONAL, &id)) {
				t = VG_CT_PODMAN;
			}
			if (!id)
				continue;
			out->kind = kind;
			out->type = kind == VG_CGK_MONITOR ? VG_CT_HOST : t;
			copy_n(out->id, sizeof(out->id), id, 64);
			return 0;
		}
	}

	/*
	 * No id-shaped component: a runc container (cgroupsPath "/<id>") or a
	 * containerd one ("/<namespace>/<id>") named by its user. systemd units
	 * and slices are the host's.
	 */
	if (n == 0 || out->kubepods)
		return 0;
	if (is_unit_name(comp[n - 1], clen[n - 1]) || !valid_name_id(comp[n - 1], clen[n - 1]))
		return 0;
	out->kind = VG_CGK_CANDIDATE;
	out->type = VG_CT_UNKNOWN;
	copy_n(out->id, sizeof(out->id), comp[n - 1], clen[n - 1]);
	if (n == 2 && valid_name_id(comp[0], clen[0]))
		copy_n(out->ns, sizeof(out->ns), comp[0], clen[0]);
	return 0;
}
