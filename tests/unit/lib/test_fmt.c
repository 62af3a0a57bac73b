/* fmt.c against the C library's snprintf for every conversion it supports. */
#include <stdio.h>
#include "lib/fmt.h"
#include "tests/unit/unit.h"

#define SAME(...)                                                            \
	do {                                                                 \
		char ours[128], libc[128];                                   \
		size_t n = fmt_snprintf(ours, sizeof(ours), __VA_ARGS__);    \
		snprintf(libc, sizeof(libc), __VA_ARGS__);                   \
		CHECK_STR(ours, libc);                                       \
		CHECK_U64(n, strlen(libc));                                  \
	} while (0)

int main(void)
{
	char small[8];

	SAME("plain text");
	SAME("%d %d %d", 0, -1, 2147483647);
	SAME("%d", -2147483647 - 1);
	SAME("%i|%5d|%-5d|%05d|%05d", 42, 42, 42, 42, -42);
	SAME("%u %x %X", 4000000000u, 0xdeadbeefu, 0xdeadbeefu);
	SAME("%08x|%8x|%-8x|", 0xabcu, 0xabcu, 0xabcu);
	SAME("%lu %ld %lx", 18446744073709551615ul, -9223372036854775807l - 1, 0xfffful);
	SAME("%llu %lld %llx %016llx", 18446744073709551615ull, -5ll, 0x123456789abull, 1ull);
	SAME("%zu", (size_t)12345);
	SAME("%s|%10s|%-10s|", "abc", "abc", "abc");
	SAME("%c%c%%", 'x', 'y');
	SAME("%p", (void *)0x1234);

	/* Truncation: always terminated, returns what was stored. */
	CHECK_U64(fmt_snprintf(small, sizeof(small), "0123456789"), 7);
	CHECK_STR(small, "0123456");
	CHECK_U64(fmt_snprintf(small, 1, "abc"), 0);
	CHECK_STR(small, "");
	/* Unlike C, a NULL string is printed, not undefined. */
	const char *volatile null = NULL;
	CHECK_U64(fmt_snprintf(small, sizeof(small), "%s", null), 6);
	CHECK_STR(small, "(null)");
	/* An unknown conversion is shown, not guessed at. */
	const char *unknown = "%q";
	CHECK_U64(fmt_snprintf(small, sizeof(small), unknown), 2);
	CHECK_STR(small, "%q");
	return unit_done("fmt");
}
