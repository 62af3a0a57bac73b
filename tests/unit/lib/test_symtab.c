/* symtab.c lookups over a hand-made table in mksymtab.sh's layout. */
#include "lib/symtab.h"
#include "tests/unit/unit.h"

const u32 symtab_count = 3;
const struct symtab_entry symtab[] = {
	{ 0x1000, 0 }, { 0x1040, 7 }, { 0x10a0, 16 },
	{ 0x1100, 25 },		/* _etext */
};
const char symtab_names[] = "_start\0efi_main\0selftest\0";

int main(void)
{
	const u64 base = 0x7f000000;
	char buf[64];
	u64 lo = 0, hi = 0;

	CHECK(symtab_format(base + 0x1000, base, buf, sizeof(buf)));
	CHECK_STR(buf, "_start+0x0");
	CHECK(symtab_format(base + 0x103f, base, buf, sizeof(buf)));
	CHECK_STR(buf, "_start+0x3f");
	CHECK(symtab_format(base + 0x1040, base, buf, sizeof(buf)));
	CHECK_STR(buf, "efi_main+0x0");
	CHECK(symtab_format(base + 0x10a4, base, buf, sizeof(buf)));
	CHECK_STR(buf, "selftest+0x4");
	CHECK(symtab_format(base + 0x10ff, base, buf, sizeof(buf)));
	CHECK_STR(buf, "selftest+0x5f");
	/* Outside the code: before the first function, at _etext, below the base. */
	CHECK(!symtab_format(base + 0xfff, base, buf, sizeof(buf)));
	CHECK_STR(buf, "?");
	CHECK(!symtab_format(base + 0x1100, base, buf, sizeof(buf)));
	CHECK(!symtab_format(base - 1, base, buf, sizeof(buf)));
	CHECK(!symtab_format(0xfffffffffffff000ull, base, buf, sizeof(buf)));
	/* A short buffer is cut, never overrun. */
	CHECK(symtab_format(base + 0x1044, base, buf, 6));
	CHECK_STR(buf, "efi_m");
	/* By name: the function's bounds, the last one's ending at _etext. */
	CHECK(symtab_lookup("efi_main", base, &lo, &hi));
	CHECK_U64(lo, base + 0x1040);
	CHECK_U64(hi, base + 0x10a0);
	CHECK(symtab_lookup("selftest", base, &lo, &hi));
	CHECK_U64(hi, base + 0x1100);
	CHECK(!symtab_lookup("efi", base, &lo, &hi));
	CHECK(!symtab_lookup("", base, &lo, &hi));
	return unit_done("symtab");
}
