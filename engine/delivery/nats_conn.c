// SPDX-License-Identifier: Apache-2.0
/*
 * The NATS connection settings (nats_conn.h) every part of vigil that talks
 * to the cluster applies: the nats output, the fleet's rules follower and
 * `vigil fleet`. A static library of its own (vigil_nats_conn), so that one
 * copy serves all of them.
 */
#include "delivery/nats_conn.h"

#include <stdio.h>

/*
 * One subject token from hostile text: [a-z0-9_-] kept (letters lowered),
 * every run of anything else one '_', at most VG_NATS_TOKEN_MAX bytes, never empty.
 */
void vg_nats_subject_token(const char *in, char *out)
{
	size_t n = 0;

	for (; in && *in && n < VG_NATS_TOKEN_MAX; in++) {
		unsigned char c = (unsigned char)*in;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
			out[n++] = (char)c;
		else if (n && out[n - 1] != '_')
			out[n++] = '_';
	}
	while (n > 1 && out[n - 1] == '_')
		n--;
	if (!n)
		out[n++] = '_';
	out[n] = '\0';
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static int opt_fail(const char *what, const char *detail, natsStatus s)
{
	fprintf(stderr, "vigil: nats output: %s%s%s: %s\n", what, detail ? " " : "",
		detail ? detail : "", natsStatus_GetText(s));
	return -1;
}

static int set_auth(natsOptions *op, const struct vg_nats_settings *c)
{
	natsStatus s = NATS_OK;

	if (nonempty(c->user) && (s = natsOptions_SetUserInfo(op, c->user, c->password)) != NATS_OK)
		return opt_fail("nats_output.user", NULL, s);
	/* the token is a secret: never named in a message */
	if (nonempty(c->token) && (s = natsOptions_SetToken(op, c->token)) != NATS_OK)
		return opt_fail("nats_output.token", NULL, s);
	if (nonempty(c->creds_file) &&
	    (s = natsOptions_SetUserCredentialsFromFiles(op, c->creds_file, NULL)) != NATS_OK)
		return opt_fail("nats_output.creds_file", c->creds_file, s);
	if (nonempty(c->nkey_seed_file)) {
		if (!nonempty(c->nkey)) {
			fprintf(stderr, "vigil: nats output: nats_output.nkey_seed_file needs "
					"nats_output.nkey (its public key, U...)\n");
			return -1;
		}
		s = natsOptions_SetNKeyFromSeed(op, c->nkey, c->nkey_seed_file);
		if (s != NATS_OK)
			return opt_fail("nats_output.nkey_seed_file", c->nkey_seed_file, s);
	}
	return 0;
}

static int set_tls(natsOptions *op, const struct vg_nats_settings *c)
{
	natsStatus s;

	if (!c->tls)
		return 0;
	if ((s = natsOptions_SetSecure(op, true)) != NATS_OK)
		return opt_fail("nats_output.tls", NULL, s);
	if (nonempty(c->ca_file) &&
	    (s = natsOptions_LoadCATrustedCertificates(op, c->ca_file)) != NATS_OK)
		return opt_fail("nats_output.ca_file", c->ca_file, s);
	if (nonempty(c->cert_file) || nonempty(c->key_file)) {
		if (!nonempty(c->cert_file) || !nonempty(c->key_file)) {
			fprintf(stderr, "vigil: nats output: nats_output.cert_file and key_file "
					"go together\n");
			return -1;
		}
		s = natsOptions_LoadCertificatesChain(op, c->cert_file, c->key_file);
		if (s != NATS_OK)
			return opt_fail("nats_output.cert_file", c->cert_file, s);
	}
	return 0;
}

int vg_nats_options(natsOptions *op, const struct vg_nats_settings *c, const char *name)
{
	natsStatus s = natsOptions_SetServers(op, (const char **)c->urls, (int)c->n_urls);

	if (s != NATS_OK)
		return opt_fail("nats_output.urls", NULL, s);
	natsOptions_SetName(op, name);
	natsOptions_SetTimeout(op, c->connect_timeout_ms ? c->connect_timeout_ms : 2000);
	/* a dead server must be noticed in seconds, not the default minutes */
	natsOptions_SetPingInterval(op, 2000);
	natsOptions_SetMaxPingsOut(op, 2);
	return set_tls(op, c) != 0 || set_auth(op, c) != 0 ? -1 : 0;
}
