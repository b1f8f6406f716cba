// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: arbitrary bytes as vigil.yaml, then the same bytes,
 * line by line, as -o overrides. A load either succeeds (then every
 * consumer of the settings runs: the dump, the outputs part, the rule
 * selectors, the change report) or fails with a message that names a
 * place. Any crash, leak or sanitizer report is a finding, and so is an
 * error without a message: the fuzzer aborts on it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAX_OVERRIDES 8
#define FZ_MAX_LINE	 512

static FILE *devnull;

/* Every reader of a loaded configuration, as run and reload use it. */
static void use(const struct vg_config *cfg)
{
	static const char *const tags[] = {"container", "shell"};
	struct vg_outputs_config oc;
	struct vg_config defaults;
	char keys[256];

	vg_config_dump(cfg, devnull);
	vg_config_outputs(cfg, &oc);
	(void)vg_config_rule_enabled(cfg, "Terminal shell in container", 4, tags, 2, true);
	if (vg_config_defaults(&defaults) == 0)
		(void)vg_config_changed_keys(cfg, &defaults, keys, sizeof(keys));
	vg_config_free(&defaults);
}

static void check_err(const struct vg_config_err *err)
{
	if (!err->text[0] || !memchr(err->text, '\0', sizeof(err->text))) {
		fprintf(stderr, "config error without a message\n");
		abort();
	}
}

static void load(const char *path, char *const *ov, size_t n)
{
	struct vg_config cfg;
	struct vg_config_err err;

	memset(&err, 0, sizeof(err));
	if (vg_config_load(&cfg, path, ov, n, &err) == 0) {
		use(&cfg);
		vg_config_free(&cfg);
	} else {
		check_err(&err);
	}
}

/* The input as a file: a memfd, read back through /proc like any path. */
static void as_file(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("vigil.yaml", MFD_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		load(path, NULL, 0);
	}
	close(fd);
}

/* The input's first lines as -o key.path=value overrides. */
static void as_overrides(const uint8_t *data, size_t size)
{
	char *ov[FZ_MAX_OVERRIDES];
	size_t n = 0, i = 0;

	while (i < size && n < FZ_MAX_OVERRIDES) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t len = (nl ? (size_t)(nl - data) : size) - i;

		if (len > FZ_MAX_LINE)
			len = FZ_MAX_LINE;
		ov[n] = strndup((const char *)data + i, len); /* stops at a NUL, as argv would */
		if (!ov[n])
			break;
		n++;
		i = nl ? (size_t)(nl - data) + 1 : size;
	}
	if (n)
		load(NULL, ov, n);
	for (size_t k = 0; k < n; k++)
		free(ov[k]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (!devnull)
		return 0;
	as_file(data, size);
	as_overrides(data, size);
	return 0;
}
