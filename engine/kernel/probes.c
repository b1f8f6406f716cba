// SPDX-License-Identifier: Apache-2.0
#include "kernel/probes.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/features.h"
#include "kernel/hooks.h"
#include "kernel/libbpf_log.h"
#include "kernel/syscall_fexit.h"
#include "kernel/syscall_table.h"
#include "util/startup_trace.h"
#include "process.skel.h"
#include "syscall.skel.h"

struct vg_probes {
	struct process_bpf *process;
	/*
	 * The syscall object's maps, made by an instance that loads no program
	 * (open_maps_owner): tier 1 (syscall) and tier 2 (raw[]) load over them,
	 * at start-up in two threads at once.
	 */
	struct syscall_bpf *maps_owner;
	struct syscall_bpf *syscall;
	struct vg_hooks *hooks; /* NULL where no fentry/kprobe flavour attaches */
	int attached;
	/* tier 1: each wanted syscall's sys_exit_<name> tracepoint, by enum vg_syscall */
	struct bpf_link *sc_link[VG_SC__MAX];
	bool sc_missing[VG_SC__MAX]; /* no such tracepoint: this kernel lacks the syscall */
	bool raw_only; /* no per-syscall tracepoints (or VIGIL_RAW_SYSCALLS=1): tier 2 for all */
	bool watch_unimplemented;  /* tier 2 for wanted syscalls without a tracepoint */
	bool file_cast;		   /* the open path's bpf_rdonly_cast build (file_prog) */
	struct bpf_link *raw_link; /* tier 2: the raw sys_exit tracepoint, when needed */
	/*
	 * Tier 2's programs, loaded the first time a syscall needs them, in
	 * instances of the syscall object over the maps owner's: at most one
	 * per program (load_raw_parts).
	 */
	struct syscall_bpf *raw[VG_FAM__MAX + 1];
	unsigned raw_loaded;	      /* bit i: raw_prog(i) is loaded (load_raw_parts) */
	struct bpf_program *raw_exit; /* the loaded sys_exit, once raw_loaded has it */
	struct vg_sc_fexit *fx;	      /* tier 0: fexit on the syscall wrappers; NULL: none */
	char fx_why[160];	      /* why there is no tier 0, when there is none */
	bool want[VG_SC__MAX];	      /* the last vg_probes_set_syscalls()'s set */
};

bool vg_ringbuf_size_valid(uint64_t bytes)
{
	long page = sysconf(_SC_PAGESIZE);

	if (bytes < (uint64_t)page || (bytes & (bytes - 1)) || bytes > (1ull << 31)) {
		fprintf(stderr,
			"vigil: ring buffer size %llu is not a power of two between one page (%ld) "
			"and 2 GiB\n",
			(unsigned long long)bytes, page);
		return false;
	}
	return true;
}

/* Turns a failed load into the one-line cause an operator can act on. */
static void explain_load_failure(const char *probe, int err, uint32_t ringbuf_bytes)
{
	if (vg_libbpf_log_contains("map 'events': failed to create")) {
		fprintf(stderr, "vigil: cannot allocate the %u MiB ring buffer: %s\n",
			ringbuf_bytes >> 20, strerror(-err));
		return;
	}
	if (vg_libbpf_log_contains("BEGIN PROG LOAD LOG")) {
		fprintf(stderr, "vigil: the kernel's verifier rejected the %s probe: %s\n", probe,
			strerror(-err));
		vg_libbpf_log_print_tail(12);
		return;
	}
	fprintf(stderr, "vigil: loading the %s probe failed: %s\n", probe, strerror(-err));
	vg_libbpf_log_print_tail(6);
}

static int start_process(struct vg_probes *p, const struct vg_probes_opts *opts)
{
	struct process_bpf *skel = process_bpf__open();
	int err, ncpus = libbpf_num_possible_cpus();

	if (!skel) {
		fprintf(stderr, "vigil: cannot open the process probe: %s\n", strerror(errno));
		return -errno;
	}
	p->process = skel;
	skel->rodata->self_tgid = opts->self_tgid;
	skel->rodata->wakeup_bytes = opts->wakeup_bytes;
	bpf_map__set_max_entries(skel->maps.events, opts->ringbuf_bytes);
	bpf_map__set_max_entries(skel->maps.record_scratch, ncpus > 0 ? ncpus : 1);

	vg_libbpf_log_reset();
	err = process_bpf__load(skel);
	if (err) {
		explain_load_failure("process", err, opts->ringbuf_bytes);
		return err;
	}
	vg_startup_mark("process probe load");
	err = process_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "vigil: attaching the process probe failed: %s\n", strerror(-err));
		vg_libbpf_log_print_tail(4);
		return err;
	}
	p->attached += 3;
	vg_startup_mark("process probe attach");
	return 0;
}

/* The syscall probe writes into the process probe's ring buffer, counters and scratch. */
static int share_maps(struct syscall_bpf *skel, const struct process_bpf *owner)
{
	int err = bpf_map__reuse_fd(skel->maps.events, bpf_map__fd(owner->maps.events));

	err = err ?: bpf_map__reuse_fd(skel->maps.counters, bpf_map__fd(owner->maps.counters));
	err = err
		      ?: bpf_map__reuse_fd(skel->maps.record_scratch,
					   bpf_map__fd(owner->maps.record_scratch));
	err = err
		      ?: bpf_map__reuse_fd(skel->maps.path_scratch,
					   bpf_map__fd(owner->maps.path_scratch));
	return err;
}

/*
 * The open path's programs come in two builds (probes/vigil.bpf.h): with
 * bpf_rdonly_cast's direct loads where the kernel allows it (file_cast),
 * else with a helper read per pointer. Only the chosen one is loaded.
 */
static struct bpf_program *file_prog(struct syscall_bpf *skel, bool cast)
{
	return cast ? skel->progs.tp_file_cast : skel->progs.tp_file;
}

/* Every map of obj is the maps owner's (its .rodata too: the same constants). */
static int reuse_owner_maps(struct bpf_object *obj, const struct vg_probes *p)
{
	struct bpf_map *m;
	int err = 0;

	bpf_object__for_each_map(m, obj)
	{
		const struct bpf_map *own =
			bpf_object__find_map_by_name(p->maps_owner->obj, bpf_map__name(m));

		err = err ?: own ? bpf_map__reuse_fd(m, bpf_map__fd(own)) : -ENOENT;
	}
	return err;
}

/* Tier 2's programs: the family handlers, then the raw sys_exit that tail-calls them. */
static const char *raw_prog(unsigned i, bool cast)
{
	static const char *const names[VG_FAM__MAX + 1] = {
		[VG_FAM_PLAIN] = "handle_plain",
		[VG_FAM_FILE] = "handle_file",
		[VG_FAM_SOCK] = "handle_sock",
		[VG_FAM__MAX] = "sys_exit",
	};

	return i == VG_FAM_FILE && cast ? "handle_file_cast" : names[i];
}

/*
 * The program's index among raw_prog(i, cast); past VG_FAM__MAX for tier 1's,
 * the other file build's and any other.
 */
static unsigned raw_index(const struct bpf_program *prog, bool cast)
{
	unsigned i = 0;

	while (i <= VG_FAM__MAX && strcmp(bpf_program__name(prog), raw_prog(i, cast)) != 0)
		i++;
	return i;
}

/*
 * Tier 2's programs in `need` (bit i: raw_prog(i)) that are not loaded yet,
 * in one new instance of the syscall object over the maps owner's.
 * Verifying programs is most of vigil's start-up and tier 2 is seldom needed
 * (a syscall without its tracepoint, VIGIL_RAW_SYSCALLS=1), so it is loaded
 * then, once per program; one instance per call, as each parses the
 * kernel's BTF again.
 */
static int load_raw_parts(struct vg_probes *p, unsigned need)
{
	struct syscall_bpf *skel;
	struct bpf_program *prog;
	int err, slot = 0, map = bpf_map__fd(p->maps_owner->maps.family_handlers);

	if (!need) /* first: the loader's empty set reads nothing the main thread writes */
		return 0;
	need &= ~p->raw_loaded;
	if (!need)
		return 0;
	while (slot <= VG_FAM__MAX && p->raw[slot])
		slot++;
	if (slot > VG_FAM__MAX || !(skel = syscall_bpf__open()))
		return slot > VG_FAM__MAX ? -ENOSPC : -errno;
	p->raw[slot] = skel; /* destroyed with the probes, loaded or not */
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, need & (1u << raw_index(prog, p->file_cast)));
	err = reuse_owner_maps(skel->obj, p);
	vg_libbpf_log_reset();
	err = err ?: syscall_bpf__load(skel);
	if (err) {
		fprintf(stderr, "vigil: loading the raw sys_exit tier failed: %s\n",
			strerror(-err));
		vg_libbpf_log_print_tail(6);
		return err;
	}
	/* each family's handler in the tail-call table before a row sends it work */
	for (__u32 fam = 0; fam < VG_FAM__MAX; fam++) {
		int fd = bpf_program__fd(
			bpf_object__find_program_by_name(skel->obj, raw_prog(fam, p->file_cast)));

		if ((need & (1u << fam)) && bpf_map_update_elem(map, &fam, &fd, BPF_ANY) != 0)
			return -errno;
	}
	if (need & (1u << VG_FAM__MAX))
		p->raw_exit = skel->progs.sys_exit;
	p->raw_loaded |= need;
	return 0;
}

/* libbpf's choice (1.1): debugfs's tracing directory where it exists, else tracefs. */
static const char *tracing_root(void)
{
	return access("/sys/kernel/debug/tracing", F_OK) == 0 ? "/sys/kernel/debug/tracing"
							      : "/sys/kernel/tracing";
}

static bool exit_tp_exists(const char *root, enum vg_syscall id)
{
	char path[160];

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events/syscalls/sys_exit_%s%s", root,
			 i ? "new" : "", vg_syscall_tp_name(id));
		if (access(path, F_OK) == 0)
			return true;
	}
	return false;
}

/*
 * Tier 1 needs the syscalls/ tracepoints (CONFIG_FTRACE_SYSCALLS, tracefs).
 * Asked of tracefs, not by attaching one: a detach waits for an RCU grace
 * period, 70-85 ms of start-up on this VM. A kernel that lists them but
 * attaches none falls back in vg_probes_set_syscalls.
 */
static bool exit_tps_exist(void)
{
	char dir[96];

	snprintf(dir, sizeof(dir), "%s/events/syscalls", tracing_root());
	return access(dir, F_OK) == 0;
}

static bool raw_forced(void)
{
	const char *v = getenv("VIGIL_RAW_SYSCALLS");

	return v && !strcmp(v, "1");
}

/* The maps owner: the syscall object with no program, over the process probe's maps. */
static int open_maps_owner(struct vg_probes *p, const struct vg_probes_opts *opts)
{
	struct syscall_bpf *skel = syscall_bpf__open();
	struct bpf_program *prog;
	int err;

	if (!skel) {
		fprintf(stderr, "vigil: cannot open the syscall probe: %s\n", strerror(errno));
		return -errno;
	}
	p->maps_owner = skel;
	skel->rodata->self_tgid = opts->self_tgid;
	skel->rodata->wakeup_bytes = opts->wakeup_bytes;
	err = share_maps(skel, p->process);
	if (err) {
		fprintf(stderr, "vigil: cannot share maps with the syscall probe: %s\n",
			strerror(-err));
		return err;
	}
	bpf_object__for_each_program(prog, skel->obj)
	{
		bpf_program__set_autoload(prog, false);
	}
	vg_libbpf_log_reset();
	err = syscall_bpf__load(skel);
	if (err)
		explain_load_failure("syscall", err, opts->ringbuf_bytes);
	return err;
}

/* Opens, configures and loads the syscall probe; with fexit programs when p->fx. */
static int load_syscall(struct vg_probes *p, const struct vg_probes_opts *opts)
{
	struct syscall_bpf *skel = syscall_bpf__open();
	struct bpf_program *fx_progs[VG_SC_FX_SETS][VG_FAM__MAX];
	struct bpf_program *prog;
	int err;

	if (!skel) {
		fprintf(stderr, "vigil: cannot open the syscall probe: %s\n", strerror(errno));
		return -errno;
	}
	p->syscall = skel;
	skel->rodata->self_tgid = opts->self_tgid;
	skel->rodata->wakeup_bytes = opts->wakeup_bytes;
	fx_progs[0][VG_FAM_PLAIN] = skel->progs.fx_plain;
	fx_progs[0][VG_FAM_FILE] = skel->progs.fx_file;
	fx_progs[0][VG_FAM_SOCK] = skel->progs.fx_sock;
	fx_progs[1][VG_FAM_PLAIN] = skel->progs.fx2_plain;
	fx_progs[1][VG_FAM_FILE] = skel->progs.fx2_file;
	fx_progs[1][VG_FAM_SOCK] = skel->progs.fx2_sock;
	vg_sc_fexit_setup(p->fx, (struct bpf_program *const(*)[VG_FAM__MAX])fx_progs);
	err = reuse_owner_maps(skel->obj, p);
	if (err) {
		fprintf(stderr, "vigil: cannot share maps with the syscall probe: %s\n",
			strerror(-err));
		return err;
	}
	/* tier 2 loads apart, when a syscall needs it (load_raw_parts); one file build */
	bpf_object__for_each_program(prog, skel->obj)
	{
		if (raw_index(prog, false) <= VG_FAM__MAX || raw_index(prog, true) <= VG_FAM__MAX)
			bpf_program__set_autoload(prog, false);
	}
	bpf_program__set_autoload(file_prog(skel, !p->file_cast), false);
	vg_libbpf_log_reset();
	return syscall_bpf__load(skel);
}

/*
 * Tier 0 is tried first where allowed: its programs load with the probe.
 * A kernel that refuses them (no BTF-typed tracing) gets the probe again
 * without them, the tracepoint tiers alone.
 */
static int load_syscall_tiers(struct vg_probes *p, const struct vg_probes_opts *opts)
{
	enum vg_sc_tier cap = vg_sc_tier_cap();
	int err;

	p->raw_only = cap == VG_SC_TIER_RAW;
	snprintf(p->fx_why, sizeof(p->fx_why), "VIGIL_SYSCALL_TIER caps it at %s",
		 vg_sc_tier_name(cap));
	if (cap == VG_SC_TIER_FEXIT)
		p->fx = vg_sc_fexit_open(p->fx_why, sizeof(p->fx_why));
	err = load_syscall(p, opts);
	if (err && p->fx && p->syscall) {
		snprintf(p->fx_why, sizeof(p->fx_why), "the fexit programs do not load: %s",
			 strerror(-err));
		vg_sc_fexit_free(p->fx);
		p->fx = NULL;
		syscall_bpf__destroy(p->syscall);
		p->syscall = NULL;
		err = load_syscall(p, opts);
	}
	if (err && p->syscall)
		explain_load_failure("syscall", err, opts->ringbuf_bytes);
	return err;
}

static int start_syscall(struct vg_probes *p, const struct vg_probes_opts *opts)
{
	int err = load_syscall_tiers(p, opts);

	if (err)
		return err;
	vg_startup_mark("syscall probe load");
	/* nothing auto-attaches: vg_probes_set_syscalls() attaches by the wanted set */
	err = vg_sc_fexit_loaded(p->fx, (const int[VG_SC_FX_SETS]){
						bpf_map__fd(p->syscall->maps.fx_handlers),
						bpf_map__fd(p->syscall->maps.fx2_handlers),
					});
	p->raw_only = p->raw_only || !exit_tps_exist();
	err = err ?: vg_probes_set_syscalls(p, opts->syscalls);
	if (err) {
		fprintf(stderr, "vigil: configuring the syscall probe failed: %s\n",
			strerror(-err));
		return err;
	}
	p->attached += 1;
	vg_startup_mark("syscall probe attach");
	return 0;
}

static struct bpf_program *family_prog(const struct vg_probes *p, int family)
{
	switch (family) {
	case VG_FAM_FILE: return file_prog(p->syscall, p->file_cast);
	case VG_FAM_SOCK: return p->syscall->progs.tp_sock;
	default: return p->syscall->progs.tp_plain;
	}
}

/* Attaches the family's program to syscalls/sys_exit_<name> (vg_syscall_tp_name). */
static struct bpf_link *attach_exit_tp(const struct vg_probes *p, enum vg_syscall id)
{
	struct bpf_program *prog = family_prog(p, vg_syscall_conf(id).family);
	const char *name = vg_syscall_tp_name(id);
	struct bpf_link *link = NULL;
	char tp[96];

	for (int i = 0; i < 2 && !link; i++) {
		snprintf(tp, sizeof(tp), "sys_exit_%s%s", i ? "new" : "", name);
		link = bpf_program__attach_tracepoint(prog, "syscalls", tp);
	}
	vg_libbpf_log_reset(); /* a missing name is expected: the caller decides */
	return link;
}

/*
 * Tiers 0 and 1 follow the wanted set: each syscall that became wanted gets
 * an fexit program where the kernel allows it, else its tracepoint; what
 * is no longer wanted is detached.
 */
static void sync_exit_links(struct vg_probes *p, const bool *want)
{
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		if (!want[id])
			vg_sc_fexit_detach(p->fx, id);
		else if (vg_sc_fexit_attach(p->fx, id) == 0)
			continue;
		if (!want[id] || p->raw_only) {
			bpf_link__destroy(p->sc_link[id]);
			p->sc_link[id] = NULL;
			continue;
		}
		if (p->sc_link[id] || p->sc_missing[id])
			continue;
		p->sc_link[id] = attach_exit_tp(p, id);
		p->sc_missing[id] = !p->sc_link[id];
	}
}

/*
 * Whether tracefs lists the tracepoint of a wanted syscall, yet not one
 * wanted syscall got an fexit program or a tracepoint.
 */
static bool no_exit_link(const struct vg_probes *p, const bool *want)
{
	const char *root = tracing_root();
	bool listed = false;

	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		if (p->sc_link[id] || vg_sc_fexit_attached(p->fx, id))
			return false;
		listed = listed || (want[id] && exit_tp_exists(root, id));
	}
	return listed;
}

/* Tier 2 runs only where the kernel has no per-syscall tracepoints. */
static int sync_raw_link(struct vg_probes *p, bool needed)
{
	if (!needed) {
		bpf_link__destroy(p->raw_link);
		p->raw_link = NULL;
		return 0;
	}
	if (p->raw_link)
		return 0;
	p->raw_link = bpf_program__attach(p->raw_exit);
	if (!p->raw_link) {
		int err = -errno;

		fprintf(stderr, "vigil: attaching the raw sys_exit probe failed: %s\n",
			strerror(-err));
		vg_libbpf_log_print_tail(4);
		return err;
	}
	return 0;
}

/*
 * Tier 2 reports a wanted syscall that has no fexit program: all of them on a
 * kernel without per-syscall tracepoints, else one without its tracepoint
 * (unimplemented here) when watch_unimplemented asks for it.
 */
static bool on_raw(const struct vg_probes *p, int id)
{
	return !vg_sc_fexit_attached(p->fx, id) &&
	       (p->raw_only || (p->sc_missing[id] && p->watch_unimplemented));
}

int vg_probes_set_syscalls(struct vg_probes *p, const bool *wanted)
{
	int map = bpf_map__fd(p->syscall->maps.syscall_conf);
	bool want[VG_SC__MAX] = {false}, raw = false;
	unsigned need = 0;
	int err;

	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++)
		want[id] = (int)vg_syscall_nr(id) >= 0 && (!wanted || wanted[id]);
	/*
	 * Where the syscalls/ tracepoints exist, one missing is a syscall this
	 * kernel does not implement (every SYSCALL_DEFINE has its event; e.g.
	 * init_module without CONFIG_MODULES). It can only fail with ENOSYS,
	 * so by default nothing watches it: the raw tracepoint that alone could
	 * would run on every syscall of every process. watch_unimplemented asks
	 * for the attempts anyway (a rootkit's finit_module), at that cost.
	 */
	sync_exit_links(p, want);
	if (!p->raw_only && no_exit_link(p, want)) {
		p->raw_only = true; /* listed in tracefs, yet none attaches: tier 2 for all */
		sync_exit_links(p, want);
	}
	memcpy(p->want, want, sizeof(p->want));
	/* a row sends tier 2 work only once its family's handler is in place */
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++)
		if (want[id] && on_raw(p, id))
			need |= 1u << vg_syscall_conf(id).family | 1u << VG_FAM__MAX;
	if ((err = load_raw_parts(p, need)) != 0)
		return err;
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		struct vg_sc_conf conf = {0};
		__u32 nr = vg_syscall_nr(id);

		if ((int)nr < 0)
			continue;
		if (want[id]) {
			bool by_raw = on_raw(p, id);

			conf = vg_syscall_conf(id);
			if (by_raw)
				conf.flags |= VG_SCF_RAW;
			raw = raw || by_raw;
		}
		if (bpf_map_update_elem(map, &nr, &conf, BPF_ANY) != 0)
			return -errno;
	}
	return sync_raw_link(p, raw);
}

int vg_probes_syscall_hooks(const struct vg_probes *p, int *per_syscall, bool *raw)
{
	int n = 0;

	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++)
		n += p->sc_link[id] != NULL;
	*per_syscall = n;
	n += vg_probes_syscall_fexits(p, NULL, 0);
	*raw = p->raw_link != NULL;
	return n;
}

size_t vg_probes_raw_syscalls(const struct vg_probes *p, char *buf, size_t len)
{
	size_t n = 0, used = 0;

	buf[0] = '\0';
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX && !p->raw_only; id++) {
		if (!p->want[id] || !p->sc_missing[id] || vg_sc_fexit_attached(p->fx, id))
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 n++ ? ", " : "", vg_syscall_name(id));
		if (used >= len)
			used = len - 1;
	}
	return n;
}

int vg_probes_syscall_fexits(const struct vg_probes *p, char *why, size_t len)
{
	int n = 0;

	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++)
		n += vg_sc_fexit_attached(p->fx, id);
	if (why && !p->fx)
		snprintf(why, len, "%s", p->fx_why);
	else if (why && vg_sc_fexit_usable(p->fx, why, len))
		why[0] = '\0';
	return n;
}

size_t vg_probes_tp_syscalls(const struct vg_probes *p, char *buf, size_t len)
{
	size_t n = 0, used = 0;

	buf[0] = '\0';
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX && vg_sc_fexit_usable(p->fx, NULL, 0); id++) {
		if (!p->sc_link[id])
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 n++ ? ", " : "", vg_syscall_name(id));
		if (used >= len)
			used = len - 1;
	}
	if (n && vg_sc_fexit_last_refusal(p->fx)[0])
		snprintf(buf + used, len - used, "; last refused: %s",
			 vg_sc_fexit_last_refusal(p->fx));
	return n;
}

/* Optional: a kernel without fentry and kprobes keeps the tracepoints alone. */
static int start_hooks(struct vg_probes *p, const struct vg_probes_opts *opts)
{
	struct vg_shared_maps maps;
	struct vg_hooks_opts o = {
		.self_tgid = opts->self_tgid,
		.wakeup_bytes = opts->wakeup_bytes,
		.maps = &maps,
		.mode = (enum vg_hooks_mode)opts->hooks_mode,
	};
	int err;

	vg_probes_shared_maps(p, &maps);
	/* p->attached is not touched: this may run beside vg_probes_load_syscalls */
	err = vg_hooks_start(&o, &p->hooks);
	vg_startup_mark("kernel-function hooks");
	return err;
}

int vg_probes_open(const struct vg_probes_opts *opts, struct vg_probes **out)
{
	struct vg_probes *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return -ENOMEM;
	p->watch_unimplemented = opts->watch_unimplemented;
	p->file_cast = vg_feature_rdonly_cast();
	err = start_process(p, opts);
	err = err ?: open_maps_owner(p, opts);
	if (err) {
		vg_probes_stop(p);
		return err;
	}
	vg_startup_mark("syscall maps");
	*out = p;
	return 0;
}

int vg_probes_prefetch_raw(struct vg_probes *p, const bool *wanted)
{
	const char *root = tracing_root();
	bool all = raw_forced() || !exit_tps_exist();
	unsigned need = 0;

	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++)
		if (vg_syscall_nr(id) >= 0 && wanted[id] &&
		    (all || (p->watch_unimplemented && !exit_tp_exists(root, id))))
			need |= 1u << vg_syscall_conf(id).family | 1u << VG_FAM__MAX;
	return load_raw_parts(p, need);
}

int vg_probes_load_syscalls(struct vg_probes *p, const struct vg_probes_opts *opts)
{
	return start_syscall(p, opts);
}

int vg_probes_start_hooks(struct vg_probes *p, const struct vg_probes_opts *opts)
{
	return start_hooks(p, opts);
}

int vg_probes_start(const struct vg_probes_opts *opts, struct vg_probes **out)
{
	struct vg_probes *p = NULL;
	int err = vg_probes_open(opts, &p);

	err = err ?: start_syscall(p, opts);
	err = err ?: start_hooks(p, opts);
	if (err) {
		vg_probes_stop(p);
		return err;
	}
	*out = p;
	return 0;
}

void vg_probes_stop(struct vg_probes *p)
{
	if (!p)
		return;
	vg_hooks_stop(p->hooks);
	vg_sc_fexit_free(p->fx);
	for (int id = 0; id < VG_SC__MAX; id++)
		bpf_link__destroy(p->sc_link[id]);
	bpf_link__destroy(p->raw_link);
	for (int i = 0; i <= VG_FAM__MAX; i++)
		syscall_bpf__destroy(p->raw[i]);
	syscall_bpf__destroy(p->syscall);
	syscall_bpf__destroy(p->maps_owner);
	process_bpf__destroy(p->process);
	free(p);
}

int vg_probes_syscall_map_fd(const struct vg_probes *p, const char *name)
{
	const struct bpf_map *m = bpf_object__find_map_by_name(p->syscall->obj, name);

	return m ? bpf_map__fd(m) : -1;
}

void vg_probes_shared_maps(const struct vg_probes *p, struct vg_shared_maps *out)
{
	out->events = bpf_map__fd(p->process->maps.events);
	out->counters = bpf_map__fd(p->process->maps.counters);
	out->record_scratch = bpf_map__fd(p->process->maps.record_scratch);
	out->path_scratch = bpf_map__fd(p->process->maps.path_scratch);
}

int vg_probes_ringbuf_fd(const struct vg_probes *p)
{
	return bpf_map__fd(p->process->maps.events);
}

int vg_probes_attached(const struct vg_probes *p)
{
	return p->attached + (p->hooks != NULL);
}

int vg_probes_counters(const struct vg_probes *p, struct vg_kcounters *out)
{
	int ncpus = libbpf_num_possible_cpus(), fd = bpf_map__fd(p->process->maps.counters);
	struct vg_kcounters *percpu;

	if (ncpus <= 0)
		return -EINVAL;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (uint32_t type = 0; type < VG_EV__MAX; type++) {
		out[type] = (struct vg_kcounters){0};
		if (bpf_map_lookup_elem(fd, &type, percpu) != 0)
			continue;
		for (int cpu = 0; cpu < ncpus; cpu++) {
			out[type].sent += percpu[cpu].sent;
			out[type].dropped += percpu[cpu].dropped;
			out[type].filtered += percpu[cpu].filtered;
		}
	}
	free(percpu);
	return 0;
}
