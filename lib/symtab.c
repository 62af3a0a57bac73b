/* Address to func+offset through the embedded table: a binary search for the
 * last function starting at or below the address. */
#include "lib/fmt.h"
#include "lib/libc.h"
#include "lib/symtab.h"

const char *symtab_name(u64 addr, u64 image_base, u64 *offset)
{
	u64 off = addr - image_base;
	u32 lo = 0, hi = symtab_count;

	if (addr < image_base || !symtab_count || off < symtab[0].addr ||
	    off >= symtab[symtab_count].addr)
		return NULL;
	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (symtab[mid].addr <= off)
			lo = mid;
		else
			hi = mid;
	}
	*offset = off - symtab[lo].addr;
	return symtab_names + symtab[lo].name;
}

/* A linear search: names are not sorted, and a lookup is made a few times
 * a check, never per sample. */
bool symtab_lookup(const char *name, u64 image_base, u64 *start, u64 *end)
{
	for (u32 i = 0; i < symtab_count; i++) {
		if (strcmp(symtab_names + symtab[i].name, name))
			continue;
		*start = image_base + symtab[i].addr;
		*end = image_base + symtab[i + 1].addr;
		return true;
	}
	return false;
}

bool symtab_format(u64 addr, u64 image_base, char *buf, size_t size)
{
	u64 off;
	const char *name = symtab_name(addr, image_base, &off);

	if (!name) {
		fmt_snprintf(buf, size, "?");
		return false;
	}
	fmt_snprintf(buf, size, "%s+0x%llx", name, (unsigned long long)off);
	return true;
}
