// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: arbitrary bytes as the strings of an exec (comm,
 * filename, exe, argv, cwd, an env value, container name and image, the
 * parent's exe), each taken as a 2-byte little-endian length and that many
 * bytes, argv getting the rest. The exec goes through the decoder, the
 * process table, a rule that prints every string field, the alert writer
 * and the `vigil events` writer; the fuzzer aborts unless both lines are
 * valid UTF-8 (checked apart from the writers, tests/unit/utf8_ref.h) and
 * parse strictly with json-c as one object.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "hostile_world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next field of the input: its 2-byte length (capped by what is left), then its bytes. */
static const char *take(const uint8_t **data, size_t *size, size_t *len)
{
	const char *s;
	size_t n;

	if (*size < 2) {
		*len = 0;
		return NULL;
	}
	n = (size_t)((*data)[0] | (*data)[1] << 8);
	*data += 2;
	*size -= 2;
	if (n > *size)
		n = *size;
	s = (const char *)*data;
	*data += n;
	*size -= n;
	*len = n;
	return s;
}

static void check(const char *what, char *line)
{
	size_t len = line ? strlen(line) : 0;
	json_object *o;

	if (!line) {
		fprintf(stderr, "no %s line\n", what);
		abort();
	}
	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	if (!hw_utf8_ok(line, len) || memchr(line, '\n', len) || !(o = hw_parse(line))) {
		fprintf(stderr, "%s line is not one UTF-8 JSON object: %s\n", what, line);
		abort();
	}
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hw_world w;
	static bool ready;
	struct hw_input in = {0};
	/* the strings as C strings where the engine keeps them so (container metadata) */
	static char name[4096], image[4096];

	if (!ready) {
		if (hw_init(&w) != 0)
			abort();
		ready = true;
	}
	in.comm = take(&data, &size, &in.comm_len);
	in.filename = take(&data, &size, &in.filename_len);
	in.exe = take(&data, &size, &in.exe_len);
	in.cwd = take(&data, &size, &in.cwd_len);
	in.env_value = take(&data, &size, &in.env_value_len);
	in.pexe = take(&data, &size, &in.pexe_len);
	in.ctr_name = take(&data, &size, &in.ctr_name_len);
	in.ctr_image = take(&data, &size, &in.ctr_image_len);
	snprintf(name, sizeof(name), "%.*s", (int)in.ctr_name_len, in.ctr_name ? in.ctr_name : "");
	snprintf(image, sizeof(image), "%.*s", (int)in.ctr_image_len,
		 in.ctr_image ? in.ctr_image : "");
	in.ctr_name = name;
	in.ctr_image = image;
	in.argv = (const char *)data;
	in.argv_len = size;
	if (hw_run(&w, &in) != 0)
		return 0; /* a record the decoder refuses never reaches a writer */
	if (w.alert)
		check("alert", w.alert);
	check("events", w.events);
	return 0;
}
