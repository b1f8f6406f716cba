// SPDX-License-Identifier: Apache-2.0
#include "kernel/libbpf_log.h"

#include <bpf/libbpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_CAP (256 * 1024)

/*
 * Per thread: the probes load in a thread of their own while the main
 * thread loads the enforcer (cmd_run.c), and each explains its own failure.
 * Allocated at a thread's first message.
 */
static _Thread_local char *log_buf;
static _Thread_local size_t log_len;
static bool log_verbose;

static int capture(enum libbpf_print_level level, const char *fmt, va_list args)
{
	va_list copy;
	int n;

	if (log_verbose) {
		va_copy(copy, args);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	}
	if (level == LIBBPF_DEBUG || (!log_buf && !(log_buf = calloc(1, LOG_CAP))))
		return 0;
	/* keep the newest messages: when full, drop the oldest half */
	if (log_len > LOG_CAP / 2) {
		memmove(log_buf, log_buf + log_len - LOG_CAP / 4, LOG_CAP / 4);
		log_len = LOG_CAP / 4;
	}
	n = vsnprintf(log_buf + log_len, LOG_CAP - log_len, fmt, args);
	if (n > 0)
		log_len += (size_t)n < LOG_CAP - log_len ? (size_t)n : LOG_CAP - log_len - 1;
	return 0;
}

void vg_libbpf_log_init(bool verbose)
{
	log_verbose = verbose;
	libbpf_set_print(capture);
}

void vg_libbpf_log_reset(void)
{
	log_len = 0;
	if (log_buf)
		log_buf[0] = '\0';
}

void vg_libbpf_log_thread_done(void)
{
	free(log_buf);
	log_buf = NULL;
	log_len = 0;
}

bool vg_libbpf_log_contains(const char *needle)
{
	return log_buf && strstr(log_buf, needle) != NULL;
}

void vg_libbpf_log_print_tail(int max_lines)
{
	const char *end_mark;
	const char *end, *start;
	int lines = 0;

	if (!log_buf)
		return;
	end_mark = strstr(log_buf, "-- END PROG LOAD LOG --");
	end = end_mark ? end_mark : log_buf + log_len;
	start = end;

	while (start > log_buf && lines <= max_lines) {
		start--;
		if (*start == '\n')
			lines++;
	}
	if (start > log_buf)
		start++;
	fprintf(stderr, "vigil: last lines of the kernel's answer:\n%.*s", (int)(end - start),
		start);
	if (end > log_buf && end[-1] != '\n')
		fputc('\n', stderr);
}
