/* SPDX-License-Identifier: Apache-2.0 */
/* The string builder, hash set and array growth moved to the leaf util/util.h. */
#ifndef VIGIL_RULES_UTIL_H
#define VIGIL_RULES_UTIL_H

#include "util/util.h"

#endif
