/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helpers for the rules engine: a hand-built process table (so the
 * tests do not depend on vigil_core's), hand-built events, and shortcuts
 * to load rules from a string.
 */
#ifndef VIGIL_TEST_RULES_HELPERS_H
#define VIGIL_TEST_RULES_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "decode/decode.h"
#include "rules/compile.h"
#include "rules/eval.h"
#include "rules/loader.h"
#include "state/proc_table.h"

/* A fake table: procs are found by pid, linked by ppid. */
struct vg_proc_table {
	struct vg_proc *v[32];
	int n;
};

struct th_world {
	struct vg_proc_table table;
	struct vg_proc procs[8];
	struct vg_event_hdr hdr;
	struct vg_exec_body exec;
	struct vg_event ev;
	struct vg_event_state st; /* what the state stage would derive for ev */
	struct vg_eval_ctx ctx;
};

/*
 * Builds: init(1) <- sshd(100) <- bash(200) <- the event's process (300),
 * which exec'd "/usr/bin/cat" with argv "cat /etc/shadow -n", cwd /root,
 * uid 0, loginuid 1000, tty 34816.
 */
void th_world_init(struct th_world *w, enum vg_event_type type);
/* Sets argv of the event's process from a NUL-separated buffer of len bytes. */
void th_set_args(struct th_world *w, const char *args, size_t len);

/* Loads text, compiles; asserts nothing. Caller frees. */
struct vg_ruleset *th_load(const char *yaml);
/* Loads a single rule with condition cond (plus optional extra YAML before it). */
struct vg_ruleset *th_rule(const char *prelude, const char *cond);
/*
 * True when cond (as a rule with any event type) matches w's event; fails
 * the test when the rule's generic program and its program for the event's
 * type disagree.
 */
bool th_match(struct th_world *w, const char *prelude, const char *cond);
/* The first diagnostic with code, or NULL. */
const struct vg_diag *th_find_diag(const struct vg_ruleset *rs, const char *code);
/* Prints all diagnostics (for failing tests). */
void th_dump(const struct vg_ruleset *rs);

#endif
