// SPDX-License-Identifier: Apache-2.0
/*
 * vg_url_redact: an output's target as messages, metrics and logs may show
 * it. Operators paste URLs with credentials in them (user:password@,
 * ?token=, ?sig=); vigil's stderr and /metrics end up in log pipelines and
 * dashboards that many more people read, so the secret parts are masked and
 * the rest (scheme, host, port, path) stays to tell which target failed.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "delivery/outputs.h"

#define MASK "***"

/* Parameter names that carry a secret, matched as substrings (case-insensitive). */
static const char *const secret_words[] = {
	"token", "key", "secret", "pass", "pwd", "auth", "sig", "credential", "session", "cookie",
};

struct out {
	char *p;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	size_t room = o->cap - 1 - o->len;

	if (n > room)
		n = room;
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static bool icontains(const char *s, size_t n, const char *word)
{
	size_t wl = strlen(word);

	for (size_t i = 0; i + wl <= n; i++) {
		size_t k = 0;

		while (k < wl && tolower((unsigned char)s[i + k]) == word[k])
			k++;
		if (k == wl)
			return true;
	}
	return false;
}

static bool secret_name(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(secret_words) / sizeof(secret_words[0]); i++)
		if (icontains(name, n, secret_words[i]))
			return true;
	return false;
}

/* The authority's user information: "user:password@" -> "user:***@", "token@" -> "***@". */
static const char *put_authority(struct out *o, const char *s)
{
	size_t n = strcspn(s, "/?#");
	const char *at = NULL;

	/* the last '@' ends the user information: a password may hold '@' */
	for (size_t i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;
	if (at) {
		const char *colon = memchr(s, ':', (size_t)(at - s));

		if (colon)
			put(o, s, (size_t)(colon - s) + 1);
		put(o, MASK, strlen(MASK));
		put(o, at, (size_t)(s + n - at));
	} else {
		put(o, s, n);
	}
	return s + n;
}

/* name=value pairs after '?' or '#', separated by '&' or ';': secret values masked. */
static void put_params(struct out *o, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "&;#");
		const char *eq = memchr(s, '=', n);

		if (eq && secret_name(s, (size_t)(eq - s))) {
			put(o, s, (size_t)(eq - s) + 1);
			put(o, MASK, strlen(MASK));
		} else {
			put(o, s, n);
		}
		s += n;
		if (*s)
			put(o, s++, 1);
	}
}

char *vg_url_redact(const char *url, char *out, size_t cap)
{
	struct out o = {out, 0, cap};
	const char *s = url, *scheme;

	if (!cap)
		return out;
	out[0] = '\0';
	if (!url)
		return out;
	scheme = strstr(s, "://");
	/* a scheme is letters, digits, + - . before "://", and nothing before it */
	if (scheme && strcspn(s, "/?#@") >= (size_t)(scheme - s)) {
		put(&o, s, (size_t)(scheme - s) + 3);
		s = put_authority(&o, scheme + 3);
	}
	/* the path as it is, then the query and fragment parameters */
	put(&o, s, strcspn(s, "?#"));
	s += strcspn(s, "?#");
	if (*s) {
		put(&o, s, 1);
		put_params(&o, s + 1);
	}
	return out;
}
