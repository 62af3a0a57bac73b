/* Address to func+offset through the embedded table: a binary search for the
 * last function starting at or below the address. */
#include "lib/fmt.h"
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
