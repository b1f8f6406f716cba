// SPDX-License-Identifier: Apache-2.0
/*
 * Falco's command-line flags (docs/operations.md, "Falco's command-line
 * flags"). The arguments are scanned once: Falco's own flags are taken out,
 * everything else (vigil's run options, which include Falco's -r, -c, -o
 * and -v) is passed on to `vigil run`. Falco's exit codes: 0 ok, 1 error.
 */
#include "cli/falco_flags.h"
#include "plugin/plugin.h"
#include <vigil/plugin.h>

#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/reload.h"
#include "config/config.h"
#include "rules/loader.h"
#include "rules/seq.h"

#ifndef VIGIL_VERSION_STRING
#define VIGIL_VERSION_STRING "0.1.0"
#endif
#ifndef VIGIL_DEFAULT_RULES
#define VIGIL_DEFAULT_RULES "/usr/local/share/vigil/rules"
#endif
#define MAX_ARGS 64

struct scan {
	char **pass; /* argv for `vigil run`, pass[0] = "run" */
	int npass;
	const char *validate[MAX_ARGS], *rules[MAX_ARGS], *config, *show_rule, *list_src;
	char *overrides[MAX_ARGS];
	int nvalidate, nrules, noverrides;
	bool help, version, list_rules, list_fields, list_plugins, unbuffered, support;
};

/* vigil run's options that take a value: their value is never read as a flag. */
static const char *const run_valued[] = {
	"-r",	       "-w",	    "-c",
	"-o",	       "--rules",   "--write",
	"--config",    "--option",  "--ringbuf-size",
	"--max-procs", "--enforce", "--enforce-tier",
	"--hook-tier", "--env",	    NULL,
};

static bool in(const char *a, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(a, *set))
			return true;
	return false;
}

static int add(const char **arr, int *n, const char *v, const char *flag)
{
	if (*n == MAX_ARGS) {
		fprintf(stderr, "vigil: at most %d %s options\n", MAX_ARGS, flag);
		return 1;
	}
	arr[(*n)++] = v;
	return 0;
}

static int add_sel(const char **arr, size_t *n, const char *v, const char *flag)
{
	if (*n == VG_FALCO_MAX_SEL) {
		fprintf(stderr, "vigil: at most %d %s options\n", VG_FALCO_MAX_SEL, flag);
		return 1;
	}
	arr[(*n)++] = v;
	return 0;
}

/*
 * Falco's flags that take a value, as -X VALUE, -XVALUE, --long VALUE or
 * --long=VALUE. Returns the value (advancing *i), or NULL when a is not flag.
 */
static const char *value_of(int argc, char **argv, int *i, const char *s, const char *l,
			    bool *missing)
{
	const char *a = argv[*i];
	size_t ll = l ? strlen(l) : 0;

	*missing = false;
	if ((s && !strcmp(a, s)) || (l && !strcmp(a, l))) {
		if (*i + 1 >= argc) {
			*missing = true;
			return NULL;
		}
		return argv[++*i];
	}
	if (s && !strncmp(a, s, 2) && a[2])
		return a + 2;
	if (l && !strncmp(a, l, ll) && a[ll] == '=')
		return a + ll + 1;
	return NULL;
}

/* Records what `vigil run` options say about rules and the config, for -L and -l. */
static void note_run_option(struct scan *s, const char *a, const char *v)
{
	if (!strcmp(a, "-r") || !strcmp(a, "--rules"))
		add(s->rules, &s->nrules, v, "-r");
	else if (!strcmp(a, "-c") || !strcmp(a, "--config"))
		s->config = v;
	else if ((!strcmp(a, "-o") || !strcmp(a, "--option")) && s->noverrides < MAX_ARGS)
		s->overrides[s->noverrides++] = (char *)v;
}

#define PC_FIELDS                                                                                  \
	"container_id=%container.id container_image=%container.image.repository "                  \
	"container_image_tag=%container.image.tag container_name=%container.name"

/* -p's value: Falco's shortcuts -pc and -pk for container and Kubernetes details. */
static const char *print_format(const char *v)
{
	if (!strcmp(v, "c") || !strcmp(v, "container"))
		return PC_FIELDS;
	if (!strcmp(v, "k") || !strcmp(v, "kubernetes"))
		return PC_FIELDS " k8s_ns=%k8s.ns.name k8s_pod_name=%k8s.pod.name";
	return v;
}

/* One of Falco's valued flags: 1 taken, 0 not this flag, -1 error (exit 1). */
static int take_valued(struct scan *s, int argc, char **argv, int *i)
{
	static const struct {
		const char *s, *l;
	} flags[] = {{"-V", "--validate"}, {"-l", NULL}, {"-M", NULL}, {"-T", NULL},
		     {"-t", NULL},	   {"-D", NULL}, {"-p", NULL}};
	struct vg_falco_run *f = &vg_falco;
	const char *v = NULL;
	bool missing = false;
	size_t k;

	for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
		if ((v = value_of(argc, argv, i, flags[k].s, flags[k].l, &missing)) || missing)
			break;
	if (missing) {
		fprintf(stderr, "vigil: %s needs a value\n", argv[*i]);
		return -1;
	}
	if (!v)
		return 0;
	switch (flags[k].s[1]) {
	case 'V': return add(s->validate, &s->nvalidate, v, "-V") ? -1 : 1;
	case 'l': s->show_rule = v; return 1;
	case 'M': {
		char *end;
		unsigned long n = strtoul(v, &end, 10);

		if (!*v || *end || *v == '-' || n > 31536000) {
			fprintf(stderr,
				"vigil: -M: '%s' is not a number of seconds (0 to 31536000)\n", v);
			return -1;
		}
		f->duration = (unsigned)n;
		return 1;
	}
	case 'T': return add_sel(f->disable_tag, &f->ndisable_tag, v, "-T") ? -1 : 1;
	case 't': return add_sel(f->enable_tag, &f->nenable_tag, v, "-t") ? -1 : 1;
	case 'D': return add_sel(f->disable_sub, &f->ndisable_sub, v, "-D") ? -1 : 1;
	default: f->append_output = print_format(v); return 1;
	}
}

/* Falco's flags without a value: true when a was one. */
static bool take_plain(struct scan *s, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (!strcmp(a, "-h") || !strcmp(a, "--help"))
		s->help = true;
	else if (!strcmp(a, "--version"))
		s->version = true;
	else if (!strcmp(a, "-L"))
		s->list_rules = true;
	else if (!strcmp(a, "--support"))
		s->support = true;
	else if (!strcmp(a, "--list-plugins"))
		s->list_plugins = true;
	else if (!strcmp(a, "--dry-run"))
		vg_falco.dry_run = true;
	else if (!strcmp(a, "-U") || !strcmp(a, "--unbuffered"))
		s->unbuffered = true;
	else if (!strcmp(a, "-A"))
		; /* vigil drops no event type by default: every event is already seen */
	else if (!strncmp(a, "--list=", 7)) {
		s->list_fields = true;
		s->list_src = a + 7;
	} else if (!strcmp(a, "--list")) {
		s->list_fields = true;
		if (*i + 1 < argc && argv[*i + 1][0] != '-')
			s->list_src = argv[++*i];
	} else
		return false;
	return true;
}

static int scan(struct scan *s, int argc, char **argv)
{
	s->pass[s->npass++] = "run";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r;

		if (!strcmp(a, "--")) {
			while (i < argc)
				s->pass[s->npass++] = argv[i++];
			break;
		}
		if (take_plain(s, argc, argv, &i))
			continue;
		if ((r = take_valued(s, argc, argv, &i)) < 0)
			return 1;
		if (r)
			continue;
		s->pass[s->npass++] = argv[i];
		if (in(a, run_valued) && i + 1 < argc) {
			note_run_option(s, a, argv[i + 1]);
			s->pass[s->npass++] = argv[++i];
		} else if (a[0] == '-' && a[1] && strchr("rco", a[1]) && a[2]) {
			char flag[3] = {'-', a[1], '\0'};

			note_run_option(s, flag, a + 2);
		} else if (!strncmp(a, "--rules=", 8) || !strncmp(a, "--config=", 9)) {
			note_run_option(s, !strncmp(a, "--rules=", 8) ? "-r" : "-c",
					strchr(a, '=') + 1);
		}
	}
	s->pass[s->npass] = NULL;
	return 0;
}

static void falco_help(FILE *f)
{
	fprintf(f,
		"\nFalco's flags (for unit files and scripts written for `falco`; exit 0 ok, 1 "
		"error):\n"
		"  --version             print vigil's version and its engine line\n"
		"  -h, --help            this help\n"
		"  -r FILE|DIR, -c FILE, -o KEY=VALUE, -v   as Falco (also vigil run's)\n"
		"  -V, --validate FILE   validate a rules file (repeatable), no root\n"
		"  -L                    list the loaded rules with their descriptions\n"
		"  -l RULE               show one loaded rule's name and description\n"
		"  --list [syscall]      list the fields rules can use (vigil fields)\n"
		"  --list-plugins        the plugins the config loads, with versions\n"
		"  --support             versions, uname, config and rules files' SHA-256 (JSON)\n"
		"  --dry-run             load config and rules, set up, exit without capturing\n"
		"  -M SECONDS            stop after SECONDS, as on SIGTERM\n"
		"  -D SUBSTRING          disable the rules whose name contains SUBSTRING\n"
		"  -T TAG                disable the rules with TAG (repeatable)\n"
		"  -t TAG                enable only the rules with TAG (repeatable)\n"
		"  -A                    accepted: vigil drops no event type by default, so every\n"
		"                        event a rule needs is already captured\n"
		"  -U, --unbuffered      write stdout unbuffered\n"
		"  -p FORMAT             append FORMAT to every rule's output (-pc: container,\n"
		"                        -pk: container and Kubernetes details)\n");
}

static int print_version(void)
{
	struct utsname u;

	if (uname(&u) != 0)
		strcpy(u.machine, "unknown");
	printf("vigil version %s (%s)\n"
	       "Engine:        vigil %s (Falco rules language)\n"
	       "Plugin API:    %d.%d (include/vigil/plugin.h; not Falco's)\n",
	       VIGIL_VERSION_STRING, u.machine, VIGIL_VERSION_STRING, VG_PLUGIN_API_MAJOR,
	       VG_PLUGIN_API_MINOR);
	return 0;
}

static int validate(const struct scan *s)
{
	char *av[2 * MAX_ARGS + 2];
	int n = 0;

	av[n++] = "validate";
	for (int i = 0; i < s->nvalidate; i++) {
		av[n++] = "-r";
		av[n++] = (char *)s->validate[i];
	}
	av[n] = NULL;
	/* vigil validate: 0 valid, 1 an error: Falco's codes */
	return vg_cmd_validate(n, av) ? 1 : 0;
}

static int list_fields(const struct scan *s)
{
	char *av[] = {"fields", NULL};

	if (s->list_src && *s->list_src && strcmp(s->list_src, "syscall") != 0) {
		fprintf(stderr, "vigil: --list: no event source '%s'; vigil has only syscall\n",
			s->list_src);
		return 1;
	}
	return vg_cmd_fields(1, av) ? 1 : 0;
}

/* Text without its trailing whitespace: YAML's folded text ends in a newline. */
static int trimmed(const char *s)
{
	int len = s ? (int)strlen(s) : 0;

	while (len > 0 && strchr(" \t\r\n", s[len - 1]))
		len--;
	return len;
}

static void print_rule(const struct vg_rule *r)
{
	const char *d = vg_rule_desc(r) ? vg_rule_desc(r) : "";
	const char *o = vg_rule_output_format(r) ? vg_rule_output_format(r) : "";

	printf("Rule: %s\nEnabled: %s\nDescription: %.*s\nOutput: %.*s\n\n", vg_rule_name(r),
	       vg_rule_enabled(r) ? "yes" : "no", trimmed(d), d, trimmed(o), o);
}

/* The config and the rules paths `vigil run` would use; 0, or 1 after a message. */
static int load_cfg_paths(const struct scan *s, struct vg_config *cfg, const char **paths, int *n)
{
	struct vg_config_err err;
	struct vg_reload_src src = {
		.cli_rules = s->rules,
		.ncli_rules = s->nrules,
		.fallback_rules = VIGIL_DEFAULT_RULES,
	};

	if (vg_config_load(cfg, s->config ? s->config : VG_CONFIG_DEFAULT_PATH,
			   (char *const *)s->overrides, (size_t)s->noverrides, &err) != 0) {
		fprintf(stderr, "vigil: %s\n", err.text);
		return 1;
	}
	if (!(*n = vg_reload_rule_paths(&src, cfg, paths))) {
		fprintf(stderr, "vigil: no rules: give -r FILE|DIR or rules_files\n");
		vg_config_free(cfg);
		return 1;
	}
	return 0;
}

/* --list-plugins: what the config's load_plugins loads, with versions */
static int list_plugins(const struct scan *s)
{
	const char *path = s->config ? s->config : VG_CONFIG_DEFAULT_PATH;
	struct vg_plugins *ps = NULL;

	if ((s->config || access(path, F_OK) == 0) && vg_cli_plugins_from_file(path, &ps) != 0)
		return 1;
	if (vg_plugins_count(ps))
		printf("%zu plugin(s) loaded (the syscall source is built in)\n",
		       vg_plugins_count(ps));
	else
		printf("no plugins loaded (the syscall source is built in)\n");
	vg_plugins_list(ps, stdout);
	vg_plugins_free(ps);
	return 0;
}

static int support(const struct scan *s)
{
	struct vg_config cfg;
	const char *paths[VG_RELOAD_MAX_PATHS];
	int n, ret;

	if (load_cfg_paths(s, &cfg, paths, &n))
		return 1;
	ret = vg_falco_support(VIGIL_VERSION_STRING, s->config ? s->config : VG_CONFIG_DEFAULT_PATH,
			       paths, n);
	vg_config_free(&cfg);
	return ret;
}

/* -L and -l: the rules `vigil run` would load, with the config and -D/-T/-t applied. */
static int list_rules(const struct scan *s)
{
	struct vg_config cfg;
	const char *paths[VG_RELOAD_MAX_PATHS];
	struct vg_ruleset *rs;
	struct vg_plugins *plugins = NULL;
	int n, ret = 0;
	bool found = false;

	if (load_cfg_paths(s, &cfg, paths, &n))
		return 1;
	/* as run loads them: a plugin source's rules compile against its fields */
	if (vg_cli_load_plugins(&cfg, &plugins) != 0 ||
	    !(rs = vg_cli_load_rules_cfg(paths, n, &cfg, NULL, 0))) {
		vg_plugins_free(plugins);
		vg_config_free(&cfg);
		return 1;
	}
	for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++) {
		const struct vg_rule *r = vg_ruleset_rule(rs, i);

		if (vg_rule_seq_hidden(r))
			continue; /* a sequence's step: listed with its sequence */
		if (!s->show_rule || !strcmp(s->show_rule, vg_rule_name(r))) {
			print_rule(r);
			found = true;
		}
	}
	if (s->show_rule && !found) {
		fprintf(stderr, "vigil: -l: no rule named '%s' is loaded\n", s->show_rule);
		ret = 1;
	}
	vg_ruleset_free(rs);
	vg_plugins_free(plugins);
	vg_config_free(&cfg);
	return ret;
}

static int dispatch(struct scan *s, void (*usage)(FILE *))
{
	if (s->help) {
		usage(stdout);
		falco_help(stdout);
		return 0;
	}
	if (vg_falco.ndisable_tag && vg_falco.nenable_tag) {
		fprintf(stderr, "vigil: -T and -t cannot be given together (as in Falco)\n");
		return 1;
	}
	if (s->unbuffered)
		setvbuf(stdout, NULL, _IONBF, 0);
	if (s->version)
		return print_version();
	if (s->support)
		return support(s);
	if (s->list_plugins)
		return list_plugins(s);
	if (s->nvalidate)
		return validate(s);
	if (s->list_fields)
		return list_fields(s);
	if (s->list_rules || s->show_rule)
		return list_rules(s);
	return vg_cmd_run(s->npass, s->pass);
}

int vg_falco_main(int argc, char **argv, void (*usage)(FILE *))
{
	struct scan s = {.pass = calloc((size_t)argc + 2, sizeof(char *))};
	int ret;

	if (!s.pass) {
		fprintf(stderr, "vigil: out of memory\n");
		return 1;
	}
	ret = scan(&s, argc, argv);
	if (!ret)
		ret = dispatch(&s, usage);
	free(s.pass);
	return ret;
}
