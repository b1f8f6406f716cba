/* SPDX-License-Identifier: Apache-2.0 */
/* The nats plugin's parts: init_config (config.c) and the transport (nats.c). */
#ifndef VIGIL_PLUGIN_NATS_H
#define VIGIL_PLUGIN_NATS_H

#include <stddef.h>

#include "delivery/nats_settings.h"

/* text (init_config JSON) -> c, defaults as nats_output's; 0, or -1 with err. */
int vg_natsp_parse(struct vg_nats_settings *c, const char *text, char *err, size_t errlen);
void vg_natsp_settings_free(struct vg_nats_settings *c);

#endif
