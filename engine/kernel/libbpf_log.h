/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libbpf's messages, kept instead of printed: a failed load then shows the
 * verifier's last lines, which name the cause, not the whole log.
 */
#ifndef VIGIL_LIBBPF_LOG_H
#define VIGIL_LIBBPF_LOG_H

#include <stdbool.h>

/* Installs the capture; with verbose, libbpf's debug output goes to stderr too. */
void vg_libbpf_log_init(bool verbose);
/* Forgets what was captured so far (by the calling thread: each thread has its own). */
void vg_libbpf_log_reset(void);
/* Frees the calling thread's capture; for a thread that is about to end. */
void vg_libbpf_log_thread_done(void);
/* Prints the last max_lines of the verifier log (or of libbpf's messages) to stderr. */
void vg_libbpf_log_print_tail(int max_lines);
/* True when the captured messages contain needle. */
bool vg_libbpf_log_contains(const char *needle);

#endif
