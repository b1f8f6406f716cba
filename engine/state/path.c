// SPDX-License-Identifier: Apache-2.0
#include "state/path.h"

#include <string.h>

/* True when out (length len) ends with a ".." component it could not fold. */
static bool ends_with_dotdot(const char *out, size_t len)
{
	return len >= 2 && out[len - 1] == '.' && out[len - 2] == '.' &&
	       (len == 2 || out[len - 3] == '/');
}

static void pop_component(char *out, size_t *len)
{
	char *slash;

	out[*len] = '\0';
	slash = strrchr(out, '/');
	*len = slash ? (size_t)(slash - out) : 0;
	out[*len] = '\0';
}

/* Appends one component to out (length *len), folding "." and "..". */
static bool push_component(char *out, size_t *len, size_t cap, const char *c, size_t n, bool abs)
{
	bool dotdot = n == 2 && c[0] == '.' && c[1] == '.';

	if (n == 0 || (n == 1 && c[0] == '.'))
		return true;
	if (dotdot && *len > 0 && !ends_with_dotdot(out, *len)) {
		pop_component(out, len);
		return true;
	}
	if (dotdot && abs)
		return true; /* "/.." is "/" */
	/* a relative path keeps the leading ".." it cannot fold */
	if (*len + 1 + n + 1 > cap)
		return false;
	if (*len || abs)
		out[(*len)++] = '/';
	memcpy(out + *len, c, n);
	*len += n;
	out[*len] = '\0';
	return true;
}

static bool push_path(char *out, size_t *len, size_t cap, const char *p, bool abs)
{
	while (*p) {
		size_t n = strcspn(p, "/");

		if (!push_component(out, len, cap, p, n, abs))
			return false;
		p += n;
		while (*p == '/')
			p++;
	}
	return true;
}

/*
 * An absolute path with nothing to fold (no empty, "." or ".." component,
 * no trailing slash): most paths an open names. *len: its length.
 */
static bool already_canonical(const char *p, size_t *len)
{
	const char *s = p, *e;

	if (p[0] != '/')
		return false;
	for (; *s && p[1]; s = e) {
		const char *c = s + 1;
		size_t n;

		for (e = c; *e && *e != '/'; e++)
			;
		n = (size_t)(e - c);
		if (n == 0 || (c[0] == '.' && (n == 1 || (n == 2 && c[1] == '.'))))
			return false;
	}
	*len = p[1] ? (size_t)(s - p) : 1;
	return true;
}

bool vg_path_resolve(const char *base, const char *path, char *out, size_t cap)
{
	bool abs = path[0] == '/' || (base && base[0] == '/');
	bool fits = true;
	size_t len = 0;

	if (cap == 0)
		return false;
	if (already_canonical(path, &len) && len < cap) {
		memcpy(out, path, len + 1);
		return true;
	}
	len = 0;
	out[0] = '\0';
	if (path[0] != '/' && base && base[0] == '/')
		fits = push_path(out, &len, cap, base, true);
	fits = fits && push_path(out, &len, cap, path, abs);
	if (abs && len == 0 && cap >= 2)
		strcpy(out, "/");
	else if (!abs && len == 0 && cap >= 2)
		strcpy(out, ".");
	return fits && abs;
}

void vg_path_split(const char *path, char *dir, size_t dircap, const char **file)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash) {
		if (dircap)
			dir[0] = '\0';
		*file = path;
		return;
	}
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= dircap)
		n = dircap ? dircap - 1 : 0;
	if (dircap) {
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	*file = slash + 1;
}
