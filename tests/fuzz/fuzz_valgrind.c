/* libFuzzer target for what valgrind writes for pmulab linux
 * (host/linux/vgparse.c): a callgrind profile with dumps by client request
 * and a cachegrind profile, the same bytes read as each. */
#include "host/linux/vgparse.h"
#include "tests/fuzz/fuzz.h"

static bool want(const char *fn, void *ctx)
{
	return fn[0] && fn[0] != 'x';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_region *regions = NULL;
	struct vg_costs c;
	char err[256];
	uint64_t v;
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (vg_callgrind_regions(f, &regions, err, sizeof(err)) >= 0)
		free(regions);
	fclose(f);
	f = fmemopen((void *)data, size, "r");
	memset(&c, 0, sizeof(c));
	if (vg_cachegrind_sum(f, want, NULL, &c, err, sizeof(err)) == 0)
		vg_cost(&c, "Ir", &v);
	fclose(f);
	return 0;
}
