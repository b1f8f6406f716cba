// SPDX-License-Identifier: Apache-2.0
/*
 * spool_put DIR ROUTE ID DATA: appends one record to the spool in DIR, as
 * an output would (delivery/spool.h). fleet_nats_plugin uses it to write a
 * spool as vigil's former built-in nats output left it (its route the
 * NATS subject), which the nats plugin must publish after an upgrade.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "delivery/spool.h"

int main(int argc, char **argv)
{
	struct vg_spool *s;
	struct timespec ts;
	char err[256];
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: %s DIR ROUTE ID DATA\n", argv[0]);
		return 2;
	}
	s = vg_spool_open(argv[1], 1u << 20, 0, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "spool_put: %s\n", err);
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	rc = vg_spool_append(s, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec, argv[2],
			     argv[3], argv[4], strlen(argv[4]));
	vg_spool_close(s);
	if (rc != 0)
		fprintf(stderr, "spool_put: append: %s\n", strerror(-rc));
	return rc != 0;
}
