// SPDX-License-Identifier: Apache-2.0
/*
 * Bare runc: <root>/<id>/state.json (root /run/runc unless --root) holds the
 * creation time and, in config.labels, "bundle=<dir>" plus the spec's
 * annotations as "key=value". The bundle's config.json is the OCI spec.
 * A runc container has no image: the caller built its rootfs.
 */
#include "container/container_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int runc_state(json_object *st, struct vg_container *c, char *bundle, size_t cap)
{
	json_object *labels;
	const char *id;
	int ret = 0;

	if (bundle && cap)
		bundle[0] = '\0';
	if (!json_object_is_type(st, json_type_object))
		return -EINVAL;
	id = vg_json_str(st, "id");
	if (id && vg_ct_set_once(&c->name, id))
		ret = -ENOMEM;
	c->start_ts = vg_parse_rfc3339(vg_json_str(st, "created"));
	labels = vg_json_arr(vg_json_obj(st, "config"), "labels");
	for (size_t i = 0; !ret && labels && i < json_object_array_length(labels); i++) {
		json_object *l = json_object_array_get_idx(labels, i);
		const char *s, *eq;
		char key[256];

		if (!json_object_is_type(l, json_type_string))
			continue;
		s = json_object_get_string(l);
		eq = strchr(s, '=');
		if (!eq || (size_t)(eq - s) >= sizeof(key))
			continue;
		snprintf(key, sizeof(key), "%.*s", (int)(eq - s), s);
		if (strcmp(key, "bundle") == 0) {
			if (bundle)
				snprintf(bundle, cap, "%s", eq + 1);
			continue;
		}
		if (vg_ct_kv_put(&c->labels, &c->n_labels, key, eq + 1))
			ret = -ENOMEM;
	}
	return ret ? ret : 1;
}

int vg_meta_runc_parse(const char *state_json, struct vg_container *c, char *bundle, size_t cap)
{
	json_object *st = vg_json_parse(state_json, state_json ? strlen(state_json) : 0);
	int ret;

	if (bundle && cap)
		bundle[0] = '\0';
	if (!st)
		return -EINVAL;
	ret = runc_state(st, c, bundle, cap);
	json_object_put(st);
	return ret;
}

int vg_meta_runc_files(const char *root, const char *host_root, const char *id,
		       struct vg_container *c)
{
	char path[4096], bundle[4096];
	json_object *st;
	int ret, oret;

	snprintf(path, sizeof(path), "%s/%s/state.json", root, id);
	st = vg_json_file(path);
	if (!st)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -(errno ? errno : EINVAL);
	ret = runc_state(st, c, bundle, sizeof(bundle));
	json_object_put(st);
	if (ret <= 0)
		return ret;
	if (vg_ct_set(&c->metadata_path, path))
		return -ENOMEM;
	c->type = VG_CT_RUNC;
	/* a relative bundle would be read from vigil's own cwd: not the runtime's */
	if (bundle[0] != '/')
		return 1;
	if (snprintf(path, sizeof(path), "%s%s/config.json", host_root ? host_root : "", bundle) >=
	    (int)sizeof(path))
		return 1;
	oret = vg_meta_oci_file(path, c);
	return oret < 0 ? oret : 1;
}
