// SPDX-License-Identifier: Apache-2.0
#include "ratelimit/ratelimit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert/alert_builder.h"

#define DEFAULT_MAX_KEYS 16384
#define SUMMARY_RULE	 "vigil: alerts suppressed"

struct bucket {
	double tokens;
	uint64_t last_ns;
};

struct rule_ent {
	char *name;
	uint64_t hash;
	struct bucket b;
	uint64_t suppressed_window;
};

/* rule+process bucket; rule == 0 marks an empty slot (rule indexes start at 1) */
struct key_ent {
	uint32_t rule;
	uint32_t pid;
	struct bucket b;
};

struct vg_ratelimit {
	struct vg_ratelimit_config cfg;
	struct rule_ent *rules; /* [1..nrules] used; [0] unused */
	size_t nrules, rules_cap;
	uint32_t *rule_idx; /* open addressing: name hash -> index into rules */
	size_t idx_cap;	    /* power of two */
	struct key_ent *keys, *spare;
	size_t keys_cap; /* power of two, >= 2 * max_keys */
	size_t nkeys;
	uint64_t last_compact_ns;
	uint64_t window_start;
	bool window_started;
	uint64_t suppressed;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static uint64_t hash_key(uint32_t rule, uint32_t pid)
{
	uint64_t h = ((uint64_t)rule << 32 | pid) * 0x9e3779b97f4a7c15ull;

	return h ^ (h >> 29);
}

struct vg_ratelimit *vg_ratelimit_new(const struct vg_ratelimit_config *cfg)
{
	struct vg_ratelimit *rl;

	if (cfg->enabled && !(cfg->rate > 0)) {
		fprintf(stderr, "vigil: rate_limit.rate must be > 0\n");
		return NULL;
	}
	if (cfg->enabled && !(cfg->burst >= 1)) {
		fprintf(stderr, "vigil: rate_limit.burst must be >= 1\n");
		return NULL;
	}
	rl = calloc(1, sizeof(*rl));
	if (!rl)
		goto oom;
	rl->cfg = *cfg;
	if (!rl->cfg.max_keys)
		rl->cfg.max_keys = DEFAULT_MAX_KEYS;
	rl->idx_cap = 256;
	rl->rule_idx = calloc(rl->idx_cap, sizeof(*rl->rule_idx));
	rl->rules_cap = 64;
	rl->rules = calloc(rl->rules_cap, sizeof(*rl->rules));
	if (!rl->rule_idx || !rl->rules)
		goto oom;
	if (cfg->per_process) {
		rl->keys_cap = 16;
		while (rl->keys_cap < 2ull * rl->cfg.max_keys)
			rl->keys_cap *= 2;
		rl->keys = calloc(rl->keys_cap, sizeof(*rl->keys));
		rl->spare = calloc(rl->keys_cap, sizeof(*rl->spare));
		if (!rl->keys || !rl->spare)
			goto oom;
	}
	return rl;
oom:
	fprintf(stderr, "vigil: out of memory for the rate limiter\n");
	vg_ratelimit_free(rl);
	return NULL;
}

void vg_ratelimit_free(struct vg_ratelimit *rl)
{
	if (!rl)
		return;
	for (size_t i = 1; rl->rules && i <= rl->nrules; i++)
		free(rl->rules[i].name);
	free(rl->rules);
	free(rl->rule_idx);
	free(rl->keys);
	free(rl->spare);
	free(rl);
}

static int index_grow(struct vg_ratelimit *rl)
{
	size_t cap = rl->idx_cap * 2;
	uint32_t *idx = calloc(cap, sizeof(*idx));

	if (!idx)
		return -1;
	for (size_t i = 1; i <= rl->nrules; i++) {
		size_t s = rl->rules[i].hash & (cap - 1);

		while (idx[s])
			s = (s + 1) & (cap - 1);
		idx[s] = (uint32_t)i;
	}
	free(rl->rule_idx);
	rl->rule_idx = idx;
	rl->idx_cap = cap;
	return 0;
}

/* The rule's index (>= 1), added on first sight; 0 on OOM. */
static uint32_t rule_find(struct vg_ratelimit *rl, const char *name, uint64_t now_ns)
{
	uint64_t h = hash_str(name);
	size_t s = h & (rl->idx_cap - 1);
	struct rule_ent *r;

	for (; rl->rule_idx[s]; s = (s + 1) & (rl->idx_cap - 1)) {
		r = &rl->rules[rl->rule_idx[s]];
		if (r->hash == h && !strcmp(r->name, name))
			return rl->rule_idx[s];
	}
	if (rl->nrules + 2 > rl->rules_cap) {
		struct rule_ent *n = realloc(rl->rules, rl->rules_cap * 2 * sizeof(*n));

		if (!n)
			return 0;
		rl->rules = n;
		rl->rules_cap *= 2;
	}
	r = &rl->rules[rl->nrules + 1];
	memset(r, 0, sizeof(*r));
	r->name = strdup(name);
	if (!r->name)
		return 0;
	r->hash = h;
	r->b.tokens = rl->cfg.burst;
	r->b.last_ns = now_ns;
	rl->nrules++;
	rl->rule_idx[s] = (uint32_t)rl->nrules;
	/* keep the index at most half full */
	if (rl->nrules * 2 > rl->idx_cap && index_grow(rl) != 0) {
		/* still correct, only slower: the entry is in */
	}
	return (uint32_t)rl->nrules;
}

static bool take(const struct vg_ratelimit *rl, struct bucket *b, uint64_t now_ns)
{
	if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) * 1e-9 * rl->cfg.rate;
		if (b->tokens > rl->cfg.burst)
			b->tokens = rl->cfg.burst;
		b->last_ns = now_ns;
	}
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return true;
	}
	return false;
}

static struct key_ent *key_find(struct vg_ratelimit *rl, uint32_t rule, uint32_t pid,
				uint64_t now_ns)
{
	size_t s = hash_key(rule, pid) & (rl->keys_cap - 1);

	for (; rl->keys[s].rule; s = (s + 1) & (rl->keys_cap - 1))
		if (rl->keys[s].rule == rule && rl->keys[s].pid == pid)
			return &rl->keys[s];
	if (rl->nkeys >= rl->cfg.max_keys)
		return NULL;
	rl->keys[s] = (struct key_ent){.rule = rule, .pid = pid};
	rl->keys[s].b.tokens = rl->cfg.burst;
	rl->keys[s].b.last_ns = now_ns;
	rl->nkeys++;
	return &rl->keys[s];
}

/*
 * Drops rule+process buckets that have refilled completely: they hold no
 * state a fresh bucket would not. Rebuilt into the spare table (no
 * tombstones, no allocation).
 */
static void keys_compact(struct vg_ratelimit *rl, uint64_t now_ns)
{
	struct key_ent *t;

	memset(rl->spare, 0, rl->keys_cap * sizeof(*rl->spare));
	rl->nkeys = 0;
	for (size_t i = 0; i < rl->keys_cap; i++) {
		struct key_ent *k = &rl->keys[i];
		double full_after;
		size_t s;

		if (!k->rule)
			continue;
		full_after = (rl->cfg.burst - k->b.tokens) / rl->cfg.rate * 1e9;
		if (now_ns >= k->b.last_ns && (double)(now_ns - k->b.last_ns) >= full_after)
			continue;
		s = hash_key(k->rule, k->pid) & (rl->keys_cap - 1);
		while (rl->spare[s].rule)
			s = (s + 1) & (rl->keys_cap - 1);
		rl->spare[s] = *k;
		rl->nkeys++;
	}
	t = rl->keys;
	rl->keys = rl->spare;
	rl->spare = t;
}

bool vg_ratelimit_allow(struct vg_ratelimit *rl, const char *rule, uint32_t pid, uint64_t now_ns)
{
	uint32_t ri;
	struct bucket *b;

	if (!rl || !rl->cfg.enabled)
		return true;
	ri = rule_find(rl, rule ? rule : "", now_ns);
	if (!ri)
		return true; /* no memory to track it: never lose an alert for that */
	b = &rl->rules[ri].b;
	if (rl->cfg.per_process) {
		struct key_ent *k = key_find(rl, ri, pid, now_ns);

		/* compaction scans the table: at most once a second under a pid flood */
		if (!k && now_ns - rl->last_compact_ns >= 1000000000ull) {
			rl->last_compact_ns = now_ns;
			keys_compact(rl, now_ns);
			k = key_find(rl, ri, pid, now_ns);
		}
		if (k)
			b = &k->b;
	}
	if (take(rl, b, now_ns))
		return true;
	rl->rules[ri].suppressed_window++;
	rl->suppressed++;
	return false;
}

size_t vg_ratelimit_tick(struct vg_ratelimit *rl, uint64_t now_ns, vg_ratelimit_summary_fn fn,
			 void *arg)
{
	uint64_t interval_ns;
	size_t n = 0;

	if (!rl || !rl->cfg.enabled || !rl->cfg.summary_interval_s)
		return 0;
	if (!rl->window_started) {
		rl->window_started = true;
		rl->window_start = now_ns;
		return 0;
	}
	interval_ns = (uint64_t)rl->cfg.summary_interval_s * 1000000000ull;
	if (now_ns < rl->window_start + interval_ns)
		return 0;
	for (size_t i = 1; i <= rl->nrules; i++) {
		struct rule_ent *r = &rl->rules[i];
		struct vg_ratelimit_summary s = {
			.rule = r->name,
			.suppressed = r->suppressed_window,
			.interval_s = (double)(now_ns - rl->window_start) / 1e9,
		};

		if (!r->suppressed_window)
			continue;
		if (fn)
			fn(&s, arg);
		r->suppressed_window = 0;
		n++;
	}
	rl->window_start = now_ns;
	return n;
}

uint64_t vg_ratelimit_suppressed(const struct vg_ratelimit *rl)
{
	return rl ? rl->suppressed : 0;
}

/* output_fields: the rule, the count and the interval, in the order a SIEM has them */
static void summary_fields(struct vg_alert_builder *ab, const void *arg)
{
	const struct vg_ratelimit_summary *s = arg;

	VG_JB_KEY(&ab->jb, "vigil.suppressed.rule");
	vg_ab_cstr(ab, s->rule, "vigil.suppressed.rule", -1, NULL);
	VG_JB_KEY(&ab->jb, "vigil.suppressed.count");
	vg_jb_u64(&ab->jb, s->suppressed);
	VG_JB_KEY(&ab->jb, "vigil.suppressed.interval_s");
	vg_jb_u64(&ab->jb, (uint64_t)(s->interval_s + 0.5));
}

int vg_ratelimit_summary_alert(const struct vg_ratelimit_summary *s, const char *hostname,
			       uint64_t wall_ns, struct vg_alert_msg *out, char **json, char **text)
{
	unsigned long long secs = (unsigned long long)(s->interval_s + 0.5);
	struct vg_alert_builder ab;
	char *msg = NULL;
	int err = -1;

	*json = *text = NULL;
	if (asprintf(&msg, "%llu alerts of rule %s suppressed in the last %llu s",
		     (unsigned long long)s->suppressed, s->rule, secs) < 0)
		return -1;
	vg_ab_init(&ab);
	if (vg_alert_internal(&ab, hostname ? hostname : "", wall_ns,
			      &(struct vg_internal_alert){
				      .kind = VG_ALERT_RATE_LIMIT,
				      .rule = SUMMARY_RULE,
				      .priority = VG_PRIO_NOTICE,
				      .message = msg,
				      .tag = "rate_limit",
				      .event_type = "rate_limit",
				      .fields = summary_fields,
				      .fields_arg = s,
			      },
			      out, text) == 0 &&
	    (*json = strdup(ab.jb.s))) {
		out->json = *json; /* the caller's copy: the builder goes now */
		err = 0;
	} else {
		free(*text);
		*text = NULL;
	}
	vg_ab_fini(&ab);
	free(msg);
	return err;
}

struct report_ctx {
	struct vg_outputs *outs;
	const char *hostname;
};

static void report_one(const struct vg_ratelimit_summary *s, void *arg)
{
	struct report_ctx *c = arg;
	struct vg_alert_msg a;
	struct timespec now;
	char *json, *text;

	clock_gettime(CLOCK_REALTIME, &now);
	if (vg_ratelimit_summary_alert(s, c->hostname,
				       (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec,
				       &a, &json, &text) != 0) {
		fprintf(stderr, "vigil: out of memory for a rate-limit summary of '%s'\n", s->rule);
		return;
	}
	vg_outputs_submit(c->outs, &a);
	free(json);
	free(text);
}

size_t vg_ratelimit_report(struct vg_ratelimit *rl, uint64_t now_ns, struct vg_outputs *outs,
			   const char *hostname)
{
	struct report_ctx c = {outs, hostname};

	return vg_ratelimit_tick(rl, now_ns, outs ? report_one : NULL, &c);
}
