/* SPDX-License-Identifier: Apache-2.0 */
/* struct vg_eval_ctx belongs to the fields it is read by: fields/eval_ctx.h. */
#ifndef VIGIL_RULES_EVAL_CTX_H
#define VIGIL_RULES_EVAL_CTX_H

#include "fields/eval_ctx.h"

#endif
