/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_util.h - what the libFuzzer targets share: CHECK (an invariant that
 * aborts with file:line, so the fuzzer keeps the input) and a reader that
 * turns the input bytes into numbers (0 once the bytes run out).
 */
#ifndef MERIDIAN_FUZZ_UTIL_H
#define MERIDIAN_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
			__LINE__, #c);					\
		abort();						\
	}								\
} while (0)

struct fz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t u8(struct fz_in *in)
{
	if (!in->n) {
		return 0;
	}
	in->n--;
	return *in->p++;
}

/* n bytes, big-endian, n <= 8 */
static inline uint64_t fz_bytes(struct fz_in *in, int n)
{
	uint64_t v = 0;

	while (n-- > 0) {
		v = v << 8 | u8(in);
	}
	return v;
}

static inline uint16_t u16(struct fz_in *in)
{
	return (uint16_t)fz_bytes(in, 2);
}

static inline uint64_t u48(struct fz_in *in)
{
	return fz_bytes(in, 6);
}

static inline uint64_t u64(struct fz_in *in)
{
	return fz_bytes(in, 8);
}

#endif
