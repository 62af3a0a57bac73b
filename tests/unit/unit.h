/* Minimal unit-test harness: CHECK* macros print a FAIL line with the location
 * and keep going; unit_done() prints the summary and gives the exit status. */
#ifndef PMULAB_UNIT_H
#define PMULAB_UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static unsigned unit_checks, unit_failures;

#define CHECK(cond)                                                          \
	do {                                                                 \
		unit_checks++;                                               \
		if (!(cond)) {                                               \
			unit_failures++;                                     \
			printf("FAIL: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                            \
	} while (0)

#define CHECK_U64(a, b)                                                      \
	do {                                                                 \
		uint64_t a_ = (a), b_ = (b);                                 \
		unit_checks++;                                               \
		if (a_ != b_) {                                              \
			unit_failures++;                                     \
			printf("FAIL: %s:%d: %s == %" PRIu64 " (0x%" PRIx64  \
			       "), expected %" PRIu64 " (0x%" PRIx64 ")\n",  \
			       __FILE__, __LINE__, #a, a_, a_, b_, b_);      \
		}                                                            \
	} while (0)

#define CHECK_STR(a, b)                                                      \
	do {                                                                 \
		const char *a_ = (a), *b_ = (b);                             \
		unit_checks++;                                               \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                     \
			unit_failures++;                                     \
			printf("FAIL: %s:%d: %s == \"%s\", expected \"%s\"\n", \
			       __FILE__, __LINE__, #a, a_ ? a_ : "(null)",   \
			       b_ ? b_ : "(null)");                          \
		}                                                            \
	} while (0)

static inline int unit_done(const char *name)
{
	printf("%s: %s: %u checks, %u failures\n", unit_failures ? "FAIL" : "PASS",
	       name, unit_checks, unit_failures);
	return unit_failures ? 1 : 0;
}

#endif
