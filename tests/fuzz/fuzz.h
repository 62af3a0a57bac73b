/* What the libFuzzer targets share: the entry point, a sink for output and
 * the input as a NUL-terminated string (the text parsers take strings). */
#ifndef PMULAB_FUZZ_H
#define PMULAB_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline FILE *fuzz_null(void)
{
	static FILE *null;

	if (!null)
		null = fopen("/dev/null", "w");
	return null;
}

/* data[0..size) and a NUL; free() it. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The two inputs of a target that takes two texts: split at the first
 * "\n--\n", else the whole input twice. */
static inline void fuzz_split(const char *s, size_t size, size_t *alen, const char **b,
			      size_t *blen)
{
	const char *cut = memmem(s, size, "\n--\n", 4);

	*alen = cut ? (size_t)(cut - s) : size;
	*b = cut ? cut + 4 : s;
	*blen = cut ? size - (size_t)(cut + 4 - s) : size;
}

#endif
