/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Live-test harness: runs `vigil events` as a child and collects its JSON
 * lines, so a test can start a workload and wait for the events it causes.
 */
#ifndef VIGIL_TEST_VIGIL_PROC_H
#define VIGIL_TEST_VIGIL_PROC_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

struct vigil_proc {
	pid_t pid;
	int out_fd, err_fd;
	char *linebuf;
	size_t linelen, linecap;
	json_object *events; /* array of every event seen so far */
	char errtext[65536]; /* everything vigil wrote on stderr */
	size_t errlen;
};

typedef bool (*event_pred)(json_object *ev, const void *arg);

/* Path of the vigil binary: $VIGIL_BIN, else the one this build made. */
const char *vigil_bin(void);

/* Starts `vigil events [extra...]` and waits for its ready line; 0 or -1. */
int vigil_start(struct vigil_proc *v, const char *const *extra);
/* Starts `vigil COMMAND [extra...]` (e.g. "run" with -r RULES). */
int vigil_start_cmd(struct vigil_proc *v, const char *command, const char *const *extra);
/* Returns the first event matching pred, waiting up to timeout_ms; NULL on timeout. */
json_object *vigil_wait_event(struct vigil_proc *v, event_pred pred, const void *arg,
			      int timeout_ms);
/* SIGINT, wait; returns the exit status (as from waitpid) and keeps stderr in errtext. */
int vigil_stop(struct vigil_proc *v);
void vigil_free(struct vigil_proc *v);

/* Runs argv with stdin/stdout/stderr on /dev/null; returns its wait status. */
int run_quiet(const char *const argv[]);
/* A predicate for vigil_wait_event: the line contains the string arg. */
bool match_text(json_object *ev, const void *arg);
/* True when vigil's closing counters (after vigil_stop) show no kernel drops. */
bool vigil_no_drops(const struct vigil_proc *v);

/* JSON helpers that fail the test on a missing key. */
const char *jstr(json_object *o, const char *key);
long long jint(json_object *o, const char *key);
json_object *jget(json_object *o, const char *key);

#endif
