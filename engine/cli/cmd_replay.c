// SPDX-License-Identifier: Apache-2.0
/*
 * `vigil replay -r RULES... FILE...`: rules over recorded events, without a
 * kernel. FILE is a capture (`vigil capture -w`), or JSON lines ("-" for
 * stdin) of the `vigil events` shape; each it is turned back into a probe record and goes through
 * the same decoder, state and rule engine as a live one, and alerts are printed as live. This is
 * how rule authors test rules.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "cli/cli.h"
#include "config/config.h"
#include "engine/engine.h"
#include "replay/json_record.h"
#include "rules/loader.h"
#include "state/proc_table.h"

#define MAX_RULE_PATHS 64
#define MAX_OVERRIDES  64

struct replay {
	struct vg_engine eng;
	unsigned long bad_lines;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vigil replay -r RULES [-r RULES]... [--events] FILE|-...\n"
		   "  -r, --rules PATH  rules file or directory (repeatable)\n"
		   "  -c, --config FILE apply its rules_files, priority, rules: and "
		   "rule_matching\n"
		   "  -o KEY.PATH=VALUE override one configuration key (repeatable)\n"
		   "  --events          print each replayed event (as `vigil events`) instead of "
		   "alerts\n");
}

static void replay_line(struct replay *r, const char *file, unsigned long lineno, const char *line)
{
	struct vg_record_buf rec;
	char err[128];
	json_object *o;

	if (strspn(line, " \t\r\n") == strlen(line))
		return;
	o = json_tokener_parse(line);
	if (!o || !json_object_is_type(o, json_type_object)) {
		fprintf(stderr, "%s:%lu: not a JSON object; line skipped\n", file, lineno);
		r->bad_lines++;
		json_object_put(o);
		return;
	}
	if (vg_json_to_record(o, &rec, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s:%lu: %s; line skipped\n", file, lineno, err);
		r->bad_lines++;
	} else {
		vg_json_seed_ancestry(o, r->eng.pl.procs);
		vg_engine_feed(&r->eng, rec.data, rec.len);
	}
	json_object_put(o);
}

static int replay_file(struct replay *r, const char *file)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;

	if (!f) {
		fprintf(stderr, "vigil: cannot open %s: %s\n", file, strerror(errno));
		return -1;
	}
	if (f != stdin && vg_capture_is_capture(f)) {
		int err = vg_capture_replay(f, file, r->eng.pl.procs, &r->eng.pl.boot_to_wall_ns,
					    vg_engine_feed, &r->eng);

		fclose(f);
		return err;
	}
	while (getline(&line, &cap, f) > 0)
		replay_line(r, file, ++lineno, line);
	free(line);
	if (f != stdin)
		fclose(f);
	return 0;
}

int vg_cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{"rules", required_argument, NULL, 'r'},
		{"events", no_argument, NULL, 'e'},
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *paths[MAX_RULE_PATHS];
	int npaths = 0, c, ret = 0;
	bool events = false;
	struct vg_ruleset *rules = NULL;
	struct replay r = {0};
	/* offline: no /proc, and the events' own times */
	const struct vg_engine_opts eopts = {.max_procs = 65536};
	/* replay reads no config unless asked: offline results stay the same on any host */
	const char *cfg_path = NULL;
	char *overrides[MAX_OVERRIDES];
	size_t noverrides = 0;
	struct vg_config cfg;
	bool use_cfg = false;

	while ((c = getopt_long(argc, argv, "r:c:o:h", opts, NULL)) != -1) {
		if (c == 'r' && npaths < MAX_RULE_PATHS) {
			paths[npaths++] = optarg;
		} else if (c == 'c') {
			cfg_path = optarg;
		} else if (c == 'o' && noverrides < MAX_OVERRIDES) {
			overrides[noverrides++] = optarg;
		} else if (c == 'e') {
			events = true;
		} else {
			usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	use_cfg = cfg_path || noverrides;
	if (use_cfg) {
		struct vg_config_err err;

		if (vg_config_load(&cfg, cfg_path, overrides, noverrides, &err) != 0) {
			fprintf(stderr, "vigil: %s\n", err.text);
			return 2;
		}
		for (size_t i = 0; !npaths && i < cfg.n_rules_files && i < MAX_RULE_PATHS; i++)
			paths[i] = cfg.rules_files[i];
		if (!npaths)
			npaths = (int)(cfg.n_rules_files < MAX_RULE_PATHS ? cfg.n_rules_files
									  : MAX_RULE_PATHS);
	}
	if (optind == argc || (!events && npaths == 0)) {
		usage(stderr);
		if (use_cfg)
			vg_config_free(&cfg);
		return 2;
	}
	if (vg_engine_open(&r.eng, &eopts) != 0) {
		ret = 1;
		goto out;
	}
	if (events) {
		vg_engine_set_events(&r.eng, NULL);
	} else {
		rules = vg_cli_load_rules_cfg(paths, npaths, use_cfg ? &cfg : NULL, NULL, 0);
		if (!rules || vg_engine_set_rules(&r.eng, rules, stdout) != 0) {
			vg_ruleset_free(rules); /* NULL, or not taken by the engine */
			ret = 1;
			goto out;
		}
		if (use_cfg)
			vg_cli_alert_format(&cfg, &r.eng.alerter.fmt);
	}
	if (vg_engine_start(&r.eng) != 0) {
		ret = 1;
		goto out;
	}
	for (int i = optind; i < argc; i++)
		if (replay_file(&r, argv[i]) != 0)
			ret = 1;
	fprintf(stderr, "vigil: replayed %llu events, %lu lines skipped, %llu alerts\n",
		(unsigned long long)r.eng.pl.decoded, r.bad_lines,
		(unsigned long long)r.eng.alerter.alerts);
	if (r.bad_lines)
		ret = 1;
	vg_engine_stop(&r.eng);
out:
	vg_engine_close(&r.eng); /* and the rules it took */
	if (use_cfg)
		vg_config_free(&cfg);
	return ret;
}
