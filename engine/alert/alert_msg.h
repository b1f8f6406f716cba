/* SPDX-License-Identifier: Apache-2.0 */
/* What the alert stage hands to delivery: one alert, formatted. */
#ifndef VIGIL_ALERT_MSG_H
#define VIGIL_ALERT_MSG_H

#include <stddef.h>

/* One alert as the alert writer formatted it. Strings need not outlive the call. */
struct vg_alert_msg {
	const char *json; /* one line, Falco's schema; no trailing newline */
	size_t json_len;
	const char *text; /* Falco's text shape "TIME: Priority message"; may be NULL */
	size_t text_len;
	int priority; /* 0=emergency .. 7=debug, Falco's (and syslog's) order */
	const char *rule;
};

#endif
