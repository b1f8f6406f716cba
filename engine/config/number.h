/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One parser for every number an operator gives vigil: command-line
 * options and configuration keys. A number is plain decimal digits (sizes
 * may end in K, M or G, binary multiples, optionally followed by B or iB);
 * signs, spaces, exponents, hex and trailing text are refused, and so is
 * anything outside the caller's [min, max], overflow included. The message
 * says what was given and the range, for the caller to prefix with where:
 *   vigil: --max-procs: -5 is out of range [64, 4194304]
 *   vigil.yaml:3:21: process_table_size: -5 is out of range [64, 4194304]
 */
#ifndef VIGIL_CONFIG_NUMBER_H
#define VIGIL_CONFIG_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_num_range {
	uint64_t min, max;
	bool size; /* accepts K/M/G suffixes; the range is printed with them */
};

/* Parses s into *out; on error returns -1 with a message in err. */
int vg_num_parse(const char *s, const struct vg_num_range *r, uint64_t *out, char *err,
		 size_t errlen);

struct vg_num_drange {
	double min, max;
	bool min_open; /* min itself is out: (min, max] */
};

/* The same for a decimal fraction ("0.5", "10"; no inf, nan or hex). */
int vg_num_parse_double(const char *s, const struct vg_num_drange *r, double *out, char *err,
			size_t errlen);

#endif
