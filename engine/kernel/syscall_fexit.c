// SPDX-License-Identifier: Apache-2.0
#include "kernel/syscall_fexit.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/syscall_table.h"

/*
 * One set of family programs per BTF prototype of the wrappers (the
 * kernel's tail calls stay within one): loaded for its anchor wrapper.
 */
struct fx_set {
	int proto; /* the FUNC_PROTO type id, 0: set unused */
	char anchor[96];
	int anchor_id;
	struct bpf_program *family[VG_FAM__MAX];
	int handlers; /* its prog array, -1 until loaded */
};

struct vg_sc_fexit {
	int btf_id[VG_SC__MAX];	     /* the wrapper's FUNC in vmlinux BTF, 0: none */
	signed char set[VG_SC__MAX]; /* its prototype's set, -1: a third prototype */
	int prog_fd[VG_SC__MAX];     /* the stub loaded for that wrapper, -1: none */
	int link_fd[VG_SC__MAX];
	struct fx_set sets[VG_SC_FX_SETS];
	bool off;      /* the kernel refused: the tracepoint tiers take over */
	bool worked;   /* one stub attached: later refusals are that syscall's own */
	char why[200]; /* why off, or the last syscall refused */
	char log[512]; /* the verifier's words on a refused stub */
};

const char *vg_sc_wrapper_prefix(void)
{
#if defined(__x86_64__)
	return "__x64_sys_";
#elif defined(__aarch64__)
	return "__arm64_sys_";
#else
	return NULL;
#endif
}

enum vg_sc_tier vg_sc_tier_cap(void)
{
	static const char *const names[] = {"fexit", "tracepoint", "raw"};
	const char *v = getenv("VIGIL_SYSCALL_TIER"), *raw = getenv("VIGIL_RAW_SYSCALLS");

	if (raw && strcmp(raw, "1") == 0)
		return VG_SC_TIER_RAW; /* the older switch, kept */
	if (!v || !*v || strcmp(v, "auto") == 0)
		return VG_SC_TIER_FEXIT;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i]) == 0)
			return (enum vg_sc_tier)i;
	fprintf(stderr,
		"vigil: VIGIL_SYSCALL_TIER=%.40s is not auto, fexit, tracepoint or raw; "
		"using auto\n",
		v);
	return VG_SC_TIER_FEXIT;
}

const char *vg_sc_tier_name(enum vg_sc_tier t)
{
	switch (t) {
	case VG_SC_TIER_FEXIT: return "fexit";
	case VG_SC_TIER_TP: return "tracepoint";
	default: return "raw";
	}
}

/* The table row whose wrapper is called sys (after the prefix): the SYSCALL_DEFINE name, or x86's
 * "new" one (newstat). */
static enum vg_syscall row_of(const char *sys)
{
	const char *plain = strncmp(sys, "new", 3) == 0 ? sys + 3 : NULL;

	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		const char *tp = vg_syscall_tp_name(id);

		if (strcmp(sys, tp) == 0 || (plain && strcmp(plain, tp) == 0))
			return (enum vg_syscall)id;
	}
	return VG_SC_NONE;
}

/* The set of the wrapper's prototype, opened with it as anchor if new; -1: no room. */
static int set_of(struct vg_sc_fexit *fx, int proto, const char *name, int func)
{
	for (int k = 0; k < VG_SC_FX_SETS; k++) {
		struct fx_set *st = &fx->sets[k];

		if (st->proto == proto)
			return k;
		if (st->proto == 0) {
			st->proto = proto;
			st->anchor_id = func;
			snprintf(st->anchor, sizeof(st->anchor), "%s", name);
			return k;
		}
	}
	return -1;
}

/*
 * Fills the wrappers' BTF ids and sets; how many the table has here. One
 * walk over vmlinux BTF's types: libbpf's lookup by name walks them all
 * each time (130 ms for the table's 200 names).
 */
static int resolve_wrappers(struct vg_sc_fexit *fx, const struct btf *btf, const char *prefix)
{
	size_t plen = strlen(prefix);
	int found = 0;

	for (int k = 0; k < VG_SC_FX_SETS; k++)
		fx->sets[k].handlers = -1;
	for (int id = 0; id < VG_SC__MAX; id++) {
		fx->prog_fd[id] = fx->link_fd[id] = -1;
		fx->set[id] = -1;
	}
	for (__u32 t = 1; t < btf__type_cnt(btf); t++) {
		const struct btf_type *ty = btf__type_by_id(btf, t);
		const char *name = btf__name_by_offset(btf, ty->name_off);
		enum vg_syscall id;

		if (!btf_is_func(ty) || !name || strncmp(name, prefix, plen) != 0)
			continue;
		id = row_of(name + plen);
		/* the plain name wins over "new" where both exist (the tracepoint's order) */
		if (id == VG_SC_NONE || vg_syscall_nr(id) < 0 ||
		    (fx->btf_id[id] && strncmp(name + plen, "new", 3) == 0))
			continue;
		found += !fx->btf_id[id];
		fx->btf_id[id] = (int)t;
		fx->set[id] = (signed char)set_of(fx, (int)ty->type, name, (int)t);
	}
	return found;
}

/*
 * Whether this kernel loads and attaches an fexit program on a syscall
 * wrapper at all, asked with an empty one (two instructions) before the
 * probe's bodies are verified for it: 0 or -errno, where is "load"/"attach".
 */
static int try_empty(int btf_id, const char **where)
{
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FEXIT,
		    .attach_btf_id = (__u32)btf_id);
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "vg_fx_probe", "GPL", insns, 2, &o), link;
	int err;

	*where = "load";
	if (fd < 0)
		return -errno;
	*where = "attach";
	link = bpf_raw_tracepoint_open(NULL, fd);
	err = link < 0 ? -errno : 0;
	if (link >= 0)
		close(link);
	close(fd);
	return err;
}

struct vg_sc_fexit *vg_sc_fexit_open(char *why, size_t len)
{
	const char *prefix = vg_sc_wrapper_prefix();
	struct vg_sc_fexit *fx;
	const char *where;
	struct btf *btf;
	int err;

	if (!prefix) {
		snprintf(why, len, "no syscall wrapper prefix known for this architecture");
		return NULL;
	}
	btf = btf__load_vmlinux_btf();
	err = libbpf_get_error(btf);
	if (err) {
		snprintf(why, len, "no vmlinux BTF: %s", strerror(-err));
		return NULL;
	}
	fx = calloc(1, sizeof(*fx));
	if (fx && resolve_wrappers(fx, btf, prefix) == 0) {
		snprintf(why, len, "no %s* function in vmlinux BTF", prefix);
		free(fx);
		fx = NULL;
	}
	btf__free(btf);
	if (fx && (err = try_empty(fx->sets[0].anchor_id, &where))) {
		snprintf(why, len, "%s on %s: %s", where, fx->sets[0].anchor, strerror(-err));
		free(fx);
		fx = NULL;
	}
	return fx;
}

void vg_sc_fexit_setup(struct vg_sc_fexit *fx,
		       struct bpf_program *const (*family_progs)[VG_FAM__MAX])
{
	for (int k = 0; k < VG_SC_FX_SETS; k++) {
		struct fx_set *st = fx ? &fx->sets[k] : NULL;

		for (int fam = 0; fam < VG_FAM__MAX; fam++) {
			/* a set no wrapper needs is not loaded: verifying it is start-up time */
			bpf_program__set_autoload(family_progs[k][fam], st && st->proto);
			if (!st || !st->proto)
				continue;
			bpf_program__set_attach_target(family_progs[k][fam], 0, st->anchor);
			st->family[fam] = family_progs[k][fam];
		}
	}
}

int vg_sc_fexit_loaded(struct vg_sc_fexit *fx, const int *handlers_maps)
{
	for (int k = 0; fx && k < VG_SC_FX_SETS; k++) {
		struct fx_set *st = &fx->sets[k];

		if (!st->proto)
			continue;
		st->handlers = handlers_maps[k];
		for (__u32 fam = 0; fam < VG_FAM__MAX; fam++) {
			int fd = bpf_program__fd(st->family[fam]);

			if (fd < 0 || bpf_map_update_elem(st->handlers, &fam, &fd, BPF_ANY) != 0)
				return fd < 0 ? -ENOENT : -errno;
		}
	}
	return 0;
}

/*
 * The stub for id's wrapper: tail-calls its family's program with the
 * context it got (r1). Five instructions: verifying it costs next to
 * nothing, where a copy of the family body per syscall would take the
 * verifier's whole walk each time.
 */
static int load_stub(struct vg_sc_fexit *fx, enum vg_syscall id)
{
	const struct bpf_insn insns[] = {
		{.code = BPF_LD | BPF_DW | BPF_IMM,
		 .dst_reg = BPF_REG_2,
		 .src_reg = BPF_PSEUDO_MAP_FD,
		 .imm = fx->sets[fx->set[id]].handlers},
		{0},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K,
		 .dst_reg = BPF_REG_3,
		 .imm = vg_syscall_conf(id).family},
		{.code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_tail_call},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FEXIT,
		    .attach_btf_id = (__u32)fx->btf_id[id]);
	size_t n = sizeof(insns) / sizeof(insns[0]);
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "vg_fx_stub", "GPL", insns, n, &o), err;

	fx->log[0] = '\0';
	if (fd >= 0)
		return fd;
	/* again with the verifier's log, for the refusal to name its cause */
	err = -errno;
	o.log_buf = fx->log;
	o.log_size = sizeof(fx->log);
	o.log_level = 1;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "vg_fx_stub", "GPL", insns, n, &o);
	if (fd >= 0)
		close(fd);
	return err;
}

/*
 * The verifier's cause: its last line that is not the closing statistics
 * ("processed N insns ...", "verification time ...").
 */
static const char *log_cause(char *log)
{
	char *line = NULL, *save = NULL;

	for (char *l = strtok_r(log, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (strncmp(l, "processed ", 10) && strncmp(l, "verification time", 17) &&
		    strncmp(l, "stack depth", 11))
			line = l;
	return line ? line : "";
}

int vg_sc_fexit_attach(struct vg_sc_fexit *fx, enum vg_syscall id)
{
	int fd, link;

	if (!fx || fx->off || id <= VG_SC_NONE || id >= VG_SC__MAX || !fx->btf_id[id])
		return -EOPNOTSUPP;
	if (fx->link_fd[id] >= 0)
		return 0;
	if (fx->set[id] < 0 || fx->sets[fx->set[id]].handlers < 0)
		return -EBADF;
	fd = load_stub(fx, id);
	link = fd < 0 ? fd : bpf_raw_tracepoint_open(NULL, fd);
	if (link < 0) {
		int err = fd < 0 ? fd : -errno;

		if (fd >= 0)
			close(fd);
		snprintf(fx->why, sizeof(fx->why), "%s %s: %s%s%.100s", fd < 0 ? "load" : "attach",
			 vg_syscall_name(id), strerror(-err), fd < 0 && fx->log[0] ? ": " : "",
			 fd < 0 ? log_cause(fx->log) : "");
		/* the first refusal is the kernel's answer for all (no trampolines: EPERM) */
		fx->off = !fx->worked;
		return err;
	}
	fx->worked = true;
	fx->prog_fd[id] = fd;
	fx->link_fd[id] = link;
	return 0;
}

void vg_sc_fexit_detach(struct vg_sc_fexit *fx, enum vg_syscall id)
{
	if (!fx || id <= VG_SC_NONE || id >= VG_SC__MAX || fx->link_fd[id] < 0)
		return;
	close(fx->link_fd[id]);
	close(fx->prog_fd[id]);
	fx->link_fd[id] = fx->prog_fd[id] = -1;
}

bool vg_sc_fexit_attached(const struct vg_sc_fexit *fx, enum vg_syscall id)
{
	return fx && id > VG_SC_NONE && id < VG_SC__MAX && fx->link_fd[id] >= 0;
}

const char *vg_sc_fexit_last_refusal(const struct vg_sc_fexit *fx)
{
	return fx ? fx->why : "";
}

bool vg_sc_fexit_usable(const struct vg_sc_fexit *fx, char *why, size_t len)
{
	if (fx && fx->off && why)
		snprintf(why, len, "%s", fx->why);
	return fx && !fx->off;
}

void vg_sc_fexit_free(struct vg_sc_fexit *fx)
{
	if (!fx)
		return;
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++)
		vg_sc_fexit_detach(fx, id);
	free(fx);
}
