// SPDX-License-Identifier: Apache-2.0
/*
 * vigil's internal alerts, in Falco's schema like every other: a failed
 * reload (the rules the SIEM expects are not the ones in force), and
 * whatever else vigil reports about itself through cli/internal_alert.h.
 * The alert itself is the alert builder's (vg_alert_internal).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/internal_alert.h"
#include "cli/reload.h"
#include "delivery/outputs.h"

#define RELOAD_RULE "vigil rules reload failed"

void vg_internal_alert_submit(struct vg_outputs *outs, const char *hostname, uint64_t wall_ns,
			      const struct vg_internal_alert *a)
{
	struct vg_alert_builder ab;
	struct vg_alert_msg m;
	char *text;

	if (!outs)
		return;
	vg_ab_init(&ab);
	if (vg_alert_internal(&ab, hostname, wall_ns, a, &m, &text) == 0)
		vg_outputs_submit(outs, &m);
	else
		fprintf(stderr, "vigil: out of memory for the alert '%s'\n", a->rule);
	free(text);
	vg_ab_fini(&ab);
}

struct reload_fields {
	const char *reason, *error;
};

/* The reason (a signal, a file change) and the loader's message, which may quote any bytes. */
static void reload_fields(struct vg_alert_builder *ab, const void *arg)
{
	const struct reload_fields *f = arg;

	VG_JB_KEY(&ab->jb, "vigil.reload.reason");
	vg_ab_cstr(ab, f->reason, "vigil.reload.reason", -1, NULL);
	VG_JB_KEY(&ab->jb, "vigil.reload.error");
	vg_ab_cstr(ab, f->error, "vigil.reload.error", -1, NULL);
}

void vg_reload_failure_alert(struct vg_outputs *outs, const char *hostname, uint64_t wall_ns,
			     const char *reason, const char *error)
{
	struct reload_fields f = {reason, error};
	char *msg = NULL;

	if (asprintf(&msg, "rules reload failed (%s), the previous rules stay in force: %s", reason,
		     error) < 0)
		return;
	vg_internal_alert_submit(outs, hostname, wall_ns,
				 &(struct vg_internal_alert){
					 .kind = VG_ALERT_RELOAD,
					 .rule = RELOAD_RULE,
					 .priority = VG_PRIO_ERROR,
					 .message = msg,
					 .tag = "reload",
					 .event_type = "reload",
					 .fields = reload_fields,
					 .fields_arg = &f,
				 });
	free(msg);
}
