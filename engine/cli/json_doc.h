/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON documents commands print once, at exit (rules, validate, fields,
 * features --json): written with the alerts' writer, so that they read
 * byte for byte the way alerts do (compact, the same escapes, valid UTF-8).
 */
#ifndef VIGIL_CLI_JSON_DOC_H
#define VIGIL_CLI_JSON_DOC_H

#include "alert/json_buf.h"

/*
 * b's document and a newline on stdout; b is freed. 0, or 1 after naming
 * what failed ("vigil CMD: out of memory" or the write error) on stderr.
 */
int vg_cli_json_print(struct vg_jbuf *b, const char *cmd);

#endif
