/* Reading callgrind's per-region dumps and cachegrind's per-function counts. */
#include <stdlib.h>
#include "tests/unit/unit.h"
#include "host/linux/vgparse.h"

static const char callgrind_out[] =
	"# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\n"
	"part: 1\ndesc: Trigger: Client Request: pmulab 0 0 20000\n"
	"events: Ir\nsummary: 20017\ntotals: 20017\n"
	"fl=(1) ???\nfn=(1) mb_loop\n0 20001\n"
	"part: 2\ndesc: Trigger: Client Request: pmulab 0 0 10000\n"
	"events: Ir\nsummary: 10017\ntotals: 10017\n"
	"part: 3\ndesc: Trigger: Client Request: something else\ntotals: 5\n"
	"part: 4\ndesc: Trigger: Program termination\ntotals: 0\n";

static void test_callgrind(void)
{
	FILE *f = fmemopen((void *)callgrind_out, sizeof(callgrind_out) - 1, "r");
	struct vg_region *rg = NULL;
	char err[128];
	long n = vg_callgrind_regions(f, &rg, err, sizeof(err));

	fclose(f);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_U64(rg[0].bench, 0);
		CHECK_U64(rg[0].n, 20000);
		CHECK_U64(rg[0].ir, 20017);
		CHECK_U64(rg[1].n, 10000);
		CHECK_U64(rg[0].ir - rg[1].ir, 10000);
	}
	free(rg);

	static const char bad[] = "part: 1\ndesc: Trigger: Client Request: pmulab x\n";
	f = fmemopen((void *)bad, sizeof(bad) - 1, "r");
	CHECK(vg_callgrind_regions(f, &rg, err, sizeof(err)) < 0);
	CHECK(strstr(err, "line 2: malformed") != NULL);
	fclose(f);
}

static bool want_loop(const char *fn, void *ctx)
{
	return !strcmp(fn, "mb_loop") || !strcmp(fn, "mb_loop.next");
}

static const char cachegrind_out[] =
	"desc: I1 cache: 32768 B, 64 B, 8-way associative\n"
	"cmd: pmulab linux\n"
	"events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw Bc Bcm Bi Bim\n"
	"fl=/x/main.c\nfn=main\n10 143 8 8 11 0 0 77 1 0 3 3 0 0\n"
	"fl=/x/loops.asm\nfn=mb_loop\n19 1 1 1\n"
	"fn=mb_loop.next\n20 10000 0 0 0 0 0 0 0 0 10000 9\n21 10000\n"
	"summary: 1 2 3\n";

static void test_cachegrind(void)
{
	FILE *f = fmemopen((void *)cachegrind_out, sizeof(cachegrind_out) - 1, "r");
	struct vg_costs c;
	char err[128];
	uint64_t v;

	CHECK(vg_cachegrind_sum(f, want_loop, NULL, &c, err, sizeof(err)) == 0);
	fclose(f);
	CHECK_U64(c.n, 13);
	CHECK_U64(c.fns, 2);
	CHECK(vg_cost(&c, "Ir", &v) && v == 20001);
	CHECK(vg_cost(&c, "Bc", &v) && v == 10000);
	CHECK(vg_cost(&c, "Bcm", &v) && v == 9);
	CHECK(vg_cost(&c, "I1mr", &v) && v == 1);
	CHECK(!vg_cost(&c, "cycles", &v));

	static const char bad[] = "events: Ir Bc\nfn=mb_loop\n1 2 3 4\n";
	f = fmemopen((void *)bad, sizeof(bad) - 1, "r");
	CHECK(vg_cachegrind_sum(f, want_loop, NULL, &c, err, sizeof(err)) < 0);
	CHECK(strstr(err, "line 3: malformed") != NULL);
	fclose(f);
	static const char none[] = "fn=mb_loop\n";
	f = fmemopen((void *)none, sizeof(none) - 1, "r");
	CHECK(vg_cachegrind_sum(f, want_loop, NULL, &c, err, sizeof(err)) < 0);
	fclose(f);
}

int main(void)
{
	test_callgrind();
	test_cachegrind();
	return unit_done("vg");
}
