// SPDX-License-Identifier: Apache-2.0
#include "cli/json_doc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int vg_cli_json_print(struct vg_jbuf *b, const char *cmd)
{
	int ret = 0;

	if (b->oom) {
		/* a truncated document would parse as something it is not: none at all */
		fprintf(stderr, "vigil %s: out of memory\n", cmd);
		ret = 1;
	} else if (fwrite(b->s, 1, b->len, stdout) != b->len || putchar('\n') == EOF ||
		   fflush(stdout) != 0) {
		fprintf(stderr, "vigil %s: writing the JSON document: %s\n", cmd, strerror(errno));
		ret = 1;
	}
	vg_jb_free(b);
	return ret;
}
