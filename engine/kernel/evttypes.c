// SPDX-License-Identifier: Apache-2.0
/*
 * Falco event-type names -> codes. The names are every syscall libseccomp
 * knows on the build arch (and on x86_64, whose names Falco's event table
 * uses, so that rules written for Falco load on any arch) and Falco's
 * events that are no syscall there. The syscall table's Falco names are
 * among them (tests/unit/test_syscall_table.c checks).
 * Built once, sorted: codes are indexes and lookups a binary search.
 */
#include "kernel/evttypes.h"

#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/syscall_table.h"

/* Falco's own events, which are no syscall. */
static const char *const falco_events[] = {
	"asyncevent",	 "container",	 "cpu_hotplug", "drop",	       "infra",	   "k8s",
	"mesos",	 "notification", "page_fault",	"pluginevent", "procexit", "procinfo",
	"signaldeliver", "switch",	 "sysdigevent", "tracer",
};

/*
 * Syscalls of Falco's event table that x86_64 lacks (i386's and older ones):
 * every name here was accepted before the list came from libseccomp.
 */
static const char *const falco_other_syscalls[] = {
	"nice",	     "oldfstat", "oldlstat",   "oldstat",  "recv",  "send",   "sgetmask",
	"sigaction", "signal",	 "socketcall", "ssetmask", "stime", "umount", "waitpid",
};

static const char *names[VG_EVT_COUNT]; /* names[0] is NULL: code 0 is "unknown" */
static uint16_t nnames = 1;		/* codes in use, 0 included */
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends what is not there yet (the list is sorted at the end). */
static void add_name(const char **all, size_t *n, size_t cap, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(all[i], name) == 0)
			return;
	if (*n < cap)
		all[(*n)++] = name;
	else
		fprintf(stderr, "vigil: more than %d event types: %s is not one\n",
			VG_EVT_COUNT - 1, name);
}

static void add_arch(const char **all, size_t *n, size_t cap, uint32_t arch)
{
	char *sc[VG_SC_NR_SCAN];
	size_t k = vg_syscall_arch_names(arch, sc, VG_SC_NR_SCAN);

	for (size_t i = 0; i < k; i++) {
		size_t before = *n;

		add_name(all, n, cap, sc[i]);
		if (*n == before)
			free(sc[i]);
	}
}

static void build_names(void)
{
	const char **all = names + 1;
	size_t n = 0, cap = VG_EVT_COUNT - 1;

	add_arch(all, &n, cap, SCMP_ARCH_NATIVE);
	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		add_arch(all, &n, cap, SCMP_ARCH_X86_64);
	for (size_t i = 0; i < sizeof(falco_events) / sizeof(falco_events[0]); i++)
		add_name(all, &n, cap, falco_events[i]);
	for (size_t i = 0; i < sizeof(falco_other_syscalls) / sizeof(falco_other_syscalls[0]); i++)
		add_name(all, &n, cap, falco_other_syscalls[i]);
	qsort(all, n, sizeof(*all), by_name);
	nnames = (uint16_t)(n + 1);
}

uint16_t vg_evttype_count(void)
{
	pthread_once(&names_once, build_names);
	return nnames;
}

uint16_t vg_evttype_code(const char *name, size_t len)
{
	int lo = 1, hi = vg_evttype_count() - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int c = strncmp(names[mid], name, len);

		if (c == 0 && names[mid][len] != '\0')
			c = 1;
		if (c == 0)
			return (uint16_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

const char *vg_evttype_name(uint16_t code)
{
	return code && code < vg_evttype_count() ? names[code] : NULL;
}

/* Codes of vigil's syscall ids and of the exec/fork/exit events, built once. */
static uint16_t sc_codes[VG_SC__MAX];
static uint16_t exec_code, fork_code, exit_code;
static pthread_once_t codes_once = PTHREAD_ONCE_INIT;

static void build_codes(void)
{
	for (int i = VG_SC_NONE + 1; i < VG_SC__MAX; i++) {
		const char *falco = vg_syscall_def(i)->falco;

		sc_codes[i] = vg_evttype_code(falco, strlen(falco));
	}
	exec_code = vg_evttype_code("execve", 6);
	fork_code = vg_evttype_code("clone", 5);
	exit_code = vg_evttype_code("procexit", 8);
}

uint16_t vg_evttype_of_kind(enum vg_event_type type, const struct vg_syscall_body *sc)
{
	/* once per event: a table lookup, not a search over the names */
	pthread_once(&codes_once, build_codes);
	switch (type) {
	case VG_EV_EXEC: return exec_code;
	case VG_EV_FORK: return fork_code;
	case VG_EV_EXIT: return exit_code;
	case VG_EV_SYSCALL:
		if (!sc || sc->id >= VG_SC__MAX)
			return 0;
		return sc_codes[sc->id];
	default: return 0;
	}
}

void vg_evtset_fill(struct vg_evtset *s)
{
	for (uint16_t c = 1; c < vg_evttype_count(); c++)
		vg_evtset_add(s, c);
}

void vg_evtset_clear(struct vg_evtset *s)
{
	memset(s, 0, sizeof(*s));
}

void vg_evtset_union(struct vg_evtset *d, const struct vg_evtset *s)
{
	for (int i = 0; i < VG_EVT_WORDS; i++)
		d->w[i] |= s->w[i];
}

void vg_evtset_intersect(struct vg_evtset *d, const struct vg_evtset *s)
{
	for (int i = 0; i < VG_EVT_WORDS; i++)
		d->w[i] &= s->w[i];
}

void vg_evtset_complement(struct vg_evtset *s)
{
	struct vg_evtset all = {0};

	vg_evtset_fill(&all);
	for (int i = 0; i < VG_EVT_WORDS; i++)
		s->w[i] = ~s->w[i] & all.w[i];
}

unsigned vg_evtset_count(const struct vg_evtset *s)
{
	unsigned n = 0;

	for (int i = 0; i < VG_EVT_WORDS; i++)
		n += (unsigned)__builtin_popcountll(s->w[i]);
	return n;
}

bool vg_evtset_is_full(const struct vg_evtset *s)
{
	return vg_evtset_count(s) == (unsigned)vg_evttype_count() - 1;
}
