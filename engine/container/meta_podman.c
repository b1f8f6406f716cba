// SPDX-License-Identifier: Apache-2.0
/*
 * Podman (libpod over containers/storage): <root>/overlay-containers/
 * containers.json lists every container with its names and a "metadata"
 * member that is itself a JSON document in a string, holding image-name
 * and created-at. The container's OCI spec is
 * <root>/overlay-containers/<id>/userdata/config.json (mounts, privileges).
 * Podman keeps labels in its own database (BoltDB or SQLite), which only its
 * API reads: labels stay unknown here.
 */
#include "container/container_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int from_metadata(const char *text, struct vg_container *c)
{
	json_object *md, *created;
	int err = 0;

	if (!text)
		return 0;
	md = vg_json_parse(text, strlen(text));
	if (!md)
		return -EINVAL;
	if (!json_object_is_type(md, json_type_object)) {
		json_object_put(md);
		return -EINVAL;
	}
	err |= vg_ct_set_once(&c->image, vg_json_str(md, "image-name"));
	err |= vg_ct_set_once(&c->image_id, vg_json_str(md, "image-id"));
	err |= vg_ct_set_once(&c->name, vg_json_str(md, "name"));
	if (!c->start_ts && json_object_object_get_ex(md, "created-at", &created) &&
	    json_object_is_type(created, json_type_int) && json_object_get_int64(created) > 0)
		c->start_ts = (uint64_t)json_object_get_int64(created) * 1000000000ull;
	json_object_put(md);
	return err ? -ENOMEM : 0;
}

static int podman_find(json_object *all, const char *id, struct vg_container *c)
{
	int ret = 0;

	if (!json_object_is_type(all, json_type_array))
		return -EINVAL;
	for (size_t i = 0; i < json_object_array_length(all); i++) {
		json_object *e = json_object_array_get_idx(all, i), *names;
		const char *eid = vg_json_str(e, "id");

		if (!eid || strcmp(eid, id) != 0)
			continue;
		names = vg_json_arr(e, "names");
		if (names && json_object_array_length(names) > 0) {
			json_object *n0 = json_object_array_get_idx(names, 0);

			if (json_object_is_type(n0, json_type_string) &&
			    vg_ct_set(&c->name, json_object_get_string(n0)))
				ret = -ENOMEM;
		}
		if (!ret)
			ret = from_metadata(vg_json_str(e, "metadata"), c);
		if (!ret && !c->image_id)
			ret = vg_ct_set(&c->image_id, vg_json_str(e, "image"));
		if (!ret && !c->start_ts)
			c->start_ts = vg_parse_rfc3339(vg_json_str(e, "created"));
		return ret ? ret : 1;
	}
	return 0;
}

int vg_meta_podman_parse(const char *containers_json, const char *id, struct vg_container *c)
{
	json_object *all =
		vg_json_parse(containers_json, containers_json ? strlen(containers_json) : 0);
	int ret;

	if (!all)
		return -EINVAL;
	ret = podman_find(all, id, c);
	json_object_put(all);
	return ret;
}

int vg_meta_podman_image_digest(json_object *images, struct vg_container *c)
{
	size_t n;

	if (!c->image_id || !json_object_is_type(images, json_type_array))
		return 0;
	n = json_object_array_length(images);
	for (size_t i = 0; i < n; i++) {
		json_object *img = json_object_array_get_idx(images, i);
		const char *iid = vg_json_str(img, "id"), *digest = vg_json_str(img, "digest");

		if (iid && digest && strcmp(iid, c->image_id) == 0)
			return vg_ct_set(&c->image_digest, digest);
	}
	return 0;
}

int vg_meta_podman_files(const char *root, const char *id, struct vg_container *c,
			 struct vg_json_cache *containers, struct vg_json_cache *images)
{
	char path[4096];
	json_object *doc;
	bool owned;
	int ret, oret;

	snprintf(path, sizeof(path), "%s/overlay-containers/containers.json", root);
	errno = 0;
	doc = vg_json_cached(path, containers, &owned);
	if (!doc)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -(errno ? errno : EINVAL);
	ret = podman_find(doc, id, c);
	if (owned)
		json_object_put(doc);
	if (ret <= 0)
		return ret;
	if (vg_ct_set(&c->metadata_path, path))
		return -ENOMEM;

	/* the image's digest, as podman inspect shows it; a missing file costs only that */
	snprintf(path, sizeof(path), "%s/overlay-images/images.json", root);
	doc = vg_json_cached(path, images, &owned);
	if (doc) {
		ret = vg_meta_podman_image_digest(doc, c);
		if (owned)
			json_object_put(doc);
		if (ret)
			return ret;
	}

	snprintf(path, sizeof(path), "%s/overlay-containers/%s/userdata/config.json", root, id);
	oret = vg_meta_oci_file(path, c);
	if (oret < 0)
		return oret;
	c->type = VG_CT_PODMAN;
	return 1;
}
