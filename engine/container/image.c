// SPDX-License-Identifier: Apache-2.0
/*
 * Image reference -> repository, tag, digest, the way Falco's
 * sinsp_utils::split_container_image(split_repo=false) does it, so that
 * container.image.repository / .tag / .digest compare equal with Falco's:
 *   - the part before the first '/' is host[:port] and stays in the repository;
 *   - in the rest, '@' starts the digest, and the first ':' before it the tag.
 * "localhost:5000/team/app:1.2@sha256:ab" -> "localhost:5000/team/app", "1.2", "sha256:ab".
 * No tag gives "" (Falco adds no "latest").
 */
#include "container/container.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int vg_image_split(const char *image, char **repository, char **tag, char **digest)
{
	const char *slash = strchr(image, '/');
	const char *rem = slash ? slash + 1 : image;
	const char *at = strchr(rem, '@');
	const char *end = at ? at : rem + strlen(rem);
	const char *colon = memchr(rem, ':', (size_t)(end - rem));
	const char *name_end = colon ? colon : end;

	*repository = strndup(image, (size_t)(name_end - image));
	*tag = colon ? strndup(colon + 1, (size_t)(end - colon - 1)) : strdup("");
	*digest = strdup(at ? at + 1 : "");
	if (!*repository || !*tag || !*digest) {
		free(*repository);
		free(*tag);
		free(*digest);
		*repository = *tag = *digest = NULL;
		return -ENOMEM;
	}
	return 0;
}
