// SPDX-License-Identifier: Apache-2.0
/* vigil: dispatch to a subcommand; with none, run detection. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/falco_flags.h"
#include "util/mem.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{"run", vg_cmd_run, "watch the system and alert on rules (the default)"},
	{"events", vg_cmd_events, "print every kernel event as a JSON line"},
	{"features", vg_cmd_features, "show what this kernel allows and the tier of each hook"},
	{"capture", vg_cmd_capture, "record raw events (and the process table) to a file"},
	{"replay", vg_cmd_replay, "evaluate rules over recorded events (JSON lines), no kernel"},
	{"validate", vg_cmd_validate, "load and compile rules files, report errors and warnings"},
	{"rules", vg_cmd_rules, "list the compiled rules with their event types and tags"},
	{"fields", vg_cmd_fields, "list every field rules can use"},
	{"fleet", vg_cmd_fleet, "push rules to the fleet's key-value bucket (NATS JetStream)"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vigil [COMMAND] [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'vigil COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	vg_mem_tune(); /* before the first large allocation */
	/* no command: `vigil run`, with Falco's flags understood (cli/falco_flags.c) */
	if (argc < 2 || argv[1][0] == '-')
		return vg_falco_main(argc, argv, usage);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "vigil: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
