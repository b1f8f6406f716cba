// SPDX-License-Identifier: Apache-2.0
#include "cli/reload.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "rules/loader.h"
#include "util/mem.h"

/* Quiet time after the last file event before loading: an editor's save is several events. */
#define DEBOUNCE_NS (300ull * 1000000ull)
/* ...but a file that keeps changing is loaded at least this often. */
#define MAX_DELAY_NS (2000ull * 1000000ull)
#define WATCH_MASK                                                                                 \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)

/* One watched directory: all of it (a rules directory) or some names in it. */
struct watch {
	int wd;
	char *dir;
	bool whole;
	char **names;
	size_t nnames;
};

struct vg_reloader {
	const struct vg_reload_src *src;
	pthread_t thread;
	int efd; /* wakes the thread: a request, a retired result, or stop */
	int ifd; /* inotify */
	_Atomic int hup, stop;
	_Atomic(struct vg_reload_result *) ready; /* loaded, not yet taken */
	pthread_mutex_t lock;			  /* guards retired */
	struct vg_reload_result *retired;	  /* taken and given back: to free */
	struct watch *watches;
	size_t nwatches;
	char *watched_key; /* the paths the watches were made for */
};

/* Results given back are chained through this wrapper's first member. */
struct retired {
	struct vg_reload_result res;
	struct retired *next;
};

uint64_t vg_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void result_free(struct vg_reload_result *res)
{
	if (!res)
		return;
	vg_ruleset_free(res->rules);
	if (res->cfg_loaded)
		vg_config_free(&res->cfg);
	free(res);
	vg_mem_release(); /* the old rules, and the new ones' compile */
}

int vg_reload_rule_paths(const struct vg_reload_src *src, const struct vg_config *cfg,
			 const char **paths)
{
	int n = 0;

	for (int i = 0; i < src->ncli_rules && n < VG_RELOAD_MAX_PATHS; i++)
		paths[n++] = src->cli_rules[i];
	for (size_t i = 0;
	     !src->ncli_rules && cfg && i < cfg->n_rules_files && n < VG_RELOAD_MAX_PATHS; i++)
		paths[n++] = cfg->rules_files[i];
	if (!n && src->fallback_rules && access(src->fallback_rules, R_OK) == 0)
		paths[n++] = src->fallback_rules;
	return n;
}

/* --- watches ---------------------------------------------------------------- */

static void watches_clear(struct vg_reloader *r)
{
	for (size_t i = 0; i < r->nwatches; i++) {
		inotify_rm_watch(r->ifd, r->watches[i].wd);
		for (size_t j = 0; j < r->watches[i].nnames; j++)
			free(r->watches[i].names[j]);
		free(r->watches[i].names);
		free(r->watches[i].dir);
	}
	free(r->watches);
	r->watches = NULL;
	r->nwatches = 0;
}

static struct watch *watch_dir(struct vg_reloader *r, const char *dir)
{
	struct watch *w;
	int wd = inotify_add_watch(r->ifd, dir, WATCH_MASK);

	if (wd < 0) {
		fprintf(stderr,
			"vigil: reload: cannot watch %s for changes: %s (SIGHUP still works)\n",
			dir, strerror(errno));
		return NULL;
	}
	/* the same directory twice gives the same wd */
	for (size_t i = 0; i < r->nwatches; i++)
		if (r->watches[i].wd == wd)
			return &r->watches[i];
	w = realloc(r->watches, (r->nwatches + 1) * sizeof(*w));
	if (!w)
		return NULL;
	r->watches = w;
	w = &r->watches[r->nwatches++];
	*w = (struct watch){.wd = wd, .dir = strdup(dir)};
	return w;
}

static void watch_name(struct watch *w, const char *name)
{
	char **n = realloc(w->names, (w->nnames + 1) * sizeof(*n));

	if (!n)
		return;
	w->names = n;
	if ((n[w->nnames] = strdup(name)))
		w->nnames++;
}

/* A file: its directory, for that name (renames replace the inode a file watch would hold). */
static void watch_path(struct vg_reloader *r, const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;
	struct watch *w;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if ((w = watch_dir(r, path)))
			w->whole = true;
		return;
	}
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	/* config_files may name what does not exist (Falco's /etc/falco/config.d): not an error */
	if (access(dir, F_OK) != 0 && errno == ENOENT)
		return;
	if ((w = watch_dir(r, dir)))
		watch_name(w, slash ? slash + 1 : path);
}

/*
 * Re-made only when the set of paths changes, so no change slips between two
 * watches. The config files are the main one and what config_files names
 * (a directory whole, a file not there yet by its name); with
 * watch_config_files: false nothing is watched (SIGHUP still reloads).
 */
static void watches_update(struct vg_reloader *r, const char *const *paths, int n,
			   const char *config_path, const struct vg_config *cfg)
{
	size_t len = 2, nsrc = cfg ? cfg->n_config_sources : 0;
	bool watch = !cfg || cfg->watch_config_files;
	char *key;

	for (int i = 0; i < n; i++)
		len += strlen(paths[i]) + 1;
	for (size_t i = 0; i < nsrc; i++)
		len += strlen(cfg->config_sources[i]) + 1;
	len += config_path ? strlen(config_path) : 0;
	key = malloc(len);
	if (!key)
		return;
	strcpy(key, watch ? "w" : "-");
	for (int i = 0; i < n; i++)
		strcat(strcat(key, paths[i]), "\n");
	for (size_t i = 0; i < nsrc; i++)
		strcat(strcat(key, cfg->config_sources[i]), "\n");
	strcat(key, config_path ? config_path : "");
	if (r->watched_key && !strcmp(key, r->watched_key)) {
		free(key);
		return;
	}
	free(r->watched_key);
	r->watched_key = key;
	watches_clear(r);
	if (!watch)
		return;
	for (int i = 0; i < n; i++)
		watch_path(r, paths[i]);
	for (size_t i = 0; i < nsrc; i++)
		watch_path(r, cfg->config_sources[i]);
	if (!nsrc && config_path && access(config_path, F_OK) == 0)
		watch_path(r, config_path);
}

/*
 * Whether an event is about something loaded. Names starting with ".." count
 * everywhere: a Kubernetes ConfigMap volume updates by renaming its "..data"
 * symlink. Other dot files and "~" backups are editors' own (swap files).
 */
static bool relevant(const struct vg_reloader *r, const struct inotify_event *e, char *what,
		     size_t whatlen)
{
	const char *name = e->len ? e->name : "";
	bool dots = !strncmp(name, "..", 2);

	if (e->mask & IN_Q_OVERFLOW) {
		snprintf(what, whatlen, "file events overflowed");
		return true;
	}
	for (size_t i = 0; i < r->nwatches; i++) {
		const struct watch *w = &r->watches[i];
		size_t l = strlen(name);

		if (w->wd != e->wd)
			continue;
		if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
			snprintf(what, whatlen, "%s was moved or deleted", w->dir);
			return true;
		}
		if (w->whole && (dots || (name[0] != '.' && l && name[l - 1] != '~'))) {
			snprintf(what, whatlen, "%s/%s changed", w->dir, name);
			return true;
		}
		for (size_t j = 0; j < w->nnames; j++) {
			if (dots || !strcmp(w->names[j], name)) {
				snprintf(what, whatlen, "%s/%s changed", w->dir, w->names[j]);
				return true;
			}
		}
	}
	return false;
}

static bool is_watched(const struct vg_reloader *r, int wd)
{
	for (size_t i = 0; i < r->nwatches; i++)
		if (r->watches[i].wd == wd)
			return true;
	return false;
}

/* Reads what inotify has; true when something loaded changed (what says which). */
static bool read_events(struct vg_reloader *r, char *what, size_t whatlen)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool hit = false;
	ssize_t n;

	while ((n = read(r->ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			if (!hit && relevant(r, e, what, whatlen))
				hit = true;
			/* a watched directory that went away is watched anew at the next load */
			if (e->mask & IN_IGNORED && is_watched(r, e->wd)) {
				free(r->watched_key);
				r->watched_key = NULL;
			}
			p += sizeof(*e) + e->len;
		}
	}
	return hit;
}

/* --- loading -------------------------------------------------------------- */

/* Settings changed in the file that only a restart applies (rules ones reload). */
static void restart_keys(const struct vg_config *running, const struct vg_config *next, char *out,
			 size_t cap)
{
	static const char *const reloadable[] = {"rules_files",	 "priority",
						 "rules",	 "rule_matching",
						 "config_files", "watch_config_files"};
	char all[512], *save = NULL;
	size_t len = 0;

	out[0] = '\0';
	if (!running || !vg_config_changed_keys(running, next, all, sizeof(all)))
		return;
	for (char *k = strtok_r(all, ", ", &save); k; k = strtok_r(NULL, ", ", &save)) {
		bool skip = false;

		for (size_t i = 0; i < sizeof(reloadable) / sizeof(*reloadable); i++)
			skip = skip || !strcmp(k, reloadable[i]);
		if (!skip && len < cap) {
			int w = snprintf(out + len, cap - len, "%s%s", len ? ", " : "", k);

			len += w > 0 ? (size_t)w : 0;
		}
	}
}

static struct vg_reload_result *load(struct vg_reloader *r, const char *reason)
{
	const struct vg_reload_src *src = r->src;
	const char *cfg_path = src->config_path ? src->config_path : VG_CONFIG_DEFAULT_PATH;
	struct retired *box = calloc(1, sizeof(*box));
	struct vg_reload_result *res = box ? &box->res : NULL;
	const char *paths[VG_RELOAD_MAX_PATHS];
	struct vg_config_err err;
	int n;

	if (!res)
		return NULL;
	snprintf(res->reason, sizeof(res->reason), "%s", reason);
	/* the debounce wait is not the reload's: its time starts with the load */
	res->started_ns = vg_mono_ns();
	if (vg_config_load(&res->cfg, cfg_path, src->overrides, src->noverrides, &err) != 0) {
		snprintf(res->error, sizeof(res->error), "%s", err.text);
		goto out;
	}
	res->cfg_loaded = true;
	n = vg_reload_rule_paths(src, &res->cfg, paths);
	watches_update(r, paths, n, cfg_path, &res->cfg);
	if (!n) {
		snprintf(res->error, sizeof(res->error),
			 "no rules: rules_files is empty and no -r was given");
		goto out;
	}
	res->rules = vg_cli_load_rules_cfg(paths, n, &res->cfg, res->error, sizeof(res->error));
	if (!res->rules) {
		if (!res->error[0])
			snprintf(res->error, sizeof(res->error), "the rules did not load");
		goto out;
	}
	restart_keys(src->running, &res->cfg, res->restart_keys, sizeof(res->restart_keys));
	res->ok = true;
out:
	res->compile_ns = vg_mono_ns() - res->started_ns;
	return res;
}

static void publish(struct vg_reloader *r, struct vg_reload_result *res)
{
	/* a result the event thread has not taken yet is stale now */
	result_free(atomic_exchange(&r->ready, res));
}

static void free_retired(struct vg_reloader *r)
{
	struct retired *list;

	pthread_mutex_lock(&r->lock);
	list = (struct retired *)r->retired;
	r->retired = NULL;
	pthread_mutex_unlock(&r->lock);
	while (list) {
		struct retired *next = list->next;

		result_free(&list->res);
		list = next;
	}
}

static int timeout_ms(bool pending, uint64_t first, uint64_t last)
{
	uint64_t now = vg_mono_ns(), due = last + DEBOUNCE_NS;

	if (!pending)
		return -1;
	if (due > first + MAX_DELAY_NS)
		due = first + MAX_DELAY_NS;
	return due > now ? (int)((due - now + 999999) / 1000000) : 0;
}

static void *reload_main(void *arg)
{
	struct vg_reloader *r = arg;
	bool pending = false;
	uint64_t first = 0, last = 0;
	char what[PATH_MAX + 64] = "";
	sigset_t all;

	/* signals are the event thread's: its poll must see them */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	while (!atomic_load(&r->stop)) {
		struct pollfd pf[2] = {{.fd = r->efd, .events = POLLIN},
				       {.fd = r->ifd, .events = POLLIN}};
		int n = poll(pf, 2, timeout_ms(pending, first, last));
		uint64_t v;

		if (n < 0 && errno != EINTR)
			break;
		if (pf[0].revents & POLLIN && read(r->efd, &v, sizeof(v)) < 0)
			v = 0;
		free_retired(r);
		if (atomic_load(&r->stop))
			break;
		if (atomic_exchange(&r->hup, 0)) {
			pending = false;
			publish(r, load(r, "SIGHUP"));
			continue;
		}
		if (pf[1].revents & POLLIN && read_events(r, what, sizeof(what) - 1)) {
			last = vg_mono_ns();
			if (!pending)
				first = last;
			pending = true;
		}
		if (pending && timeout_ms(pending, first, last) == 0) {
			pending = false;
			publish(r, load(r, what));
		}
	}
	return NULL;
}

/* --- the event thread's side ------------------------------------------------ */

struct vg_reloader *vg_reloader_start(const struct vg_reload_src *src, const struct vg_config *cfg)
{
	struct vg_reloader *r = calloc(1, sizeof(*r));
	const char *paths[VG_RELOAD_MAX_PATHS];

	if (!r)
		return NULL;
	r->src = src;
	pthread_mutex_init(&r->lock, NULL);
	r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (r->efd < 0 || r->ifd < 0) {
		fprintf(stderr, "vigil: reload: %s: %s\n", r->efd < 0 ? "eventfd" : "inotify",
			strerror(errno));
		goto fail;
	}
	watches_update(r, paths, vg_reload_rule_paths(src, cfg, paths),
		       src->config_path ? src->config_path : VG_CONFIG_DEFAULT_PATH, cfg);
	if (pthread_create(&r->thread, NULL, reload_main, r) != 0) {
		fprintf(stderr, "vigil: reload: cannot start its thread\n");
		goto fail;
	}
	return r;
fail:
	watches_clear(r);
	if (r->efd >= 0)
		close(r->efd);
	if (r->ifd >= 0)
		close(r->ifd);
	pthread_mutex_destroy(&r->lock);
	free(r->watched_key);
	free(r);
	return NULL;
}

static void wake(struct vg_reloader *r)
{
	uint64_t one = 1;

	/* a full counter still wakes the reader: nothing to do on failure */
	if (write(r->efd, &one, sizeof(one)) < 0)
		return;
}

void vg_reloader_request(struct vg_reloader *r)
{
	if (!r)
		return;
	atomic_store(&r->hup, 1);
	wake(r);
}

struct vg_reload_result *vg_reloader_take(struct vg_reloader *r)
{
	if (!r || !atomic_load_explicit(&r->ready, memory_order_relaxed))
		return NULL;
	return atomic_exchange(&r->ready, NULL);
}

void vg_reloader_retire(struct vg_reloader *r, struct vg_reload_result *res)
{
	struct retired *box = (struct retired *)res;

	if (!res)
		return;
	pthread_mutex_lock(&r->lock);
	box->next = (struct retired *)r->retired;
	r->retired = res;
	pthread_mutex_unlock(&r->lock);
	wake(r);
}

void vg_reloader_stop(struct vg_reloader *r)
{
	if (!r)
		return;
	atomic_store(&r->stop, 1);
	wake(r);
	pthread_join(r->thread, NULL);
	free_retired(r);
	result_free(atomic_exchange(&r->ready, NULL));
	watches_clear(r);
	close(r->efd);
	close(r->ifd);
	pthread_mutex_destroy(&r->lock);
	free(r->watched_key);
	free(r);
}
