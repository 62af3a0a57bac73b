/* The reference plugin's models (host/plugin/cachesim.c) on sequences
 * whose counts can be worked out by hand, with cachegrind's rules
 * (cg_sim.c, cg_branchpred.c): LRU, tags starting at 0, one miss for a
 * straddling access, LL looked up only on an L1 miss, gshare-like counters. */
#include <stdlib.h>
#include "host/plugin/cachesim.h"
#include "tests/unit/unit.h"

/* 1 KiB, 2-way, 64-byte lines: 8 sets, line n in set n % 8. */
static const struct cs_geom small = { 1024, 2, 64 };
#define BASE 0x100000ull	/* not block 0, which cachegrind's tags start as */

static uint64_t stride_misses(struct cs_cache *c, uint64_t ws, uint64_t stride, int passes)
{
	uint64_t misses = 0;

	for (int p = 0; p < passes; p++)
		for (uint64_t off = 0; off < ws; off += stride)
			misses += cs_ref_is_miss(c, BASE + off, 8);
	return misses;
}

static void test_geometry(void)
{
	struct cs_geom g;

	CHECK(!cs_geom_check(&(struct cs_geom){ 32768, 8, 64 }));
	CHECK(!cs_geom_check(&(struct cs_geom){ 786432, 12, 64 }));	/* 1024 sets */
	CHECK(cs_geom_check(&(struct cs_geom){ 1024, 2, 8 }));	/* line < 16 */
	CHECK(cs_geom_check(&(struct cs_geom){ 1536, 2, 64 }));	/* 12 sets */
	CHECK(cs_geom_check(&(struct cs_geom){ 1000, 2, 64 }));
	CHECK(cs_geom_check(&(struct cs_geom){ 0, 2, 64 }));
	CHECK(cs_geom_parse("32768,8,64", &g) == 0 && g.size == 32768 && g.assoc == 8 &&
	      g.line == 64);
	CHECK(cs_geom_parse("8388608:16:64", &g) == 0 && g.size == 8388608 && g.assoc == 16);
	CHECK(cs_geom_parse("32768,8", &g) < 0);
	CHECK(cs_geom_parse("32768,8,64,1", &g) < 0);
	CHECK(cs_geom_parse("32K,8,64", &g) < 0);
	CHECK(cs_geom_parse("-1,8,64", &g) < 0);
	CHECK(cs_geom_parse("", &g) < 0);
}

static void test_strides(void)
{
	struct cs_cache c;

	/* 16 lines fit: 16 cold misses, then none. */
	CHECK(cs_init(&c, &small) == 0);
	CHECK_U64(stride_misses(&c, 1024, 64, 1), 16);
	CHECK_U64(stride_misses(&c, 1024, 64, 3), 0);
	/* Every 8-byte word of the same 16 lines: still only the lines count. */
	CHECK_U64(stride_misses(&c, 1024, 8, 1), 0);
	cs_free(&c);

	/* 32 lines cycling through 2 ways of 8 sets: LRU evicts each line
	 * just before it comes back, so every access misses. */
	CHECK(cs_init(&c, &small) == 0);
	CHECK_U64(stride_misses(&c, 2048, 64, 2), 64);
	cs_free(&c);

	/* A stride of 512 bytes hits sets 0 and 0 again: 4 lines in 2 ways. */
	CHECK(cs_init(&c, &small) == 0);
	CHECK_U64(stride_misses(&c, 2048, 512, 5), 20);
	/* Two of them (1024 apart, also set 0) fit. */
	cs_free(&c);
	CHECK(cs_init(&c, &small) == 0);
	CHECK_U64(stride_misses(&c, 2048, 1024, 5), 2);
	cs_free(&c);
}

static void test_lru(void)
{
	struct cs_cache c;
	/* Lines A, B, C in set 0: 8 lines (512 bytes) apart. */
	uint64_t a = BASE, b = BASE + 512, cc = BASE + 1024;

	CHECK(cs_init(&c, &small) == 0);
	CHECK(cs_ref_is_miss(&c, a, 8));
	CHECK(cs_ref_is_miss(&c, b, 8));
	CHECK(!cs_ref_is_miss(&c, a, 8));	/* A becomes most recent */
	CHECK(cs_ref_is_miss(&c, cc, 8));	/* evicts B, the LRU (FIFO would evict A) */
	CHECK(!cs_ref_is_miss(&c, a, 8));
	CHECK(cs_ref_is_miss(&c, b, 8));
	cs_free(&c);

	/* Tags start at 0: block 0 is "cached" from the start, as in cachegrind. */
	CHECK(cs_init(&c, &small) == 0);
	CHECK(!cs_ref_is_miss(&c, 0, 8));
	CHECK(cs_ref_is_miss(&c, 64, 8));
	cs_free(&c);

	/* Direct-mapped: two lines of one set take turns. */
	CHECK(cs_init(&c, &(struct cs_geom){ 1024, 1, 64 }) == 0);
	CHECK_U64(stride_misses(&c, 2048, 1024, 3), 6);
	cs_free(&c);
}

static void test_straddle(void)
{
	struct cs_cache c;

	CHECK(cs_init(&c, &small) == 0);
	/* 8 bytes across lines 0 and 1, both cold: one miss, both filled. */
	CHECK(cs_ref_is_miss(&c, BASE + 60, 8));
	CHECK(!cs_ref_is_miss(&c, BASE, 8));
	CHECK(!cs_ref_is_miss(&c, BASE + 64, 8));
	/* First line cached, second not: a miss, once. */
	CHECK(cs_ref_is_miss(&c, BASE + 124, 8));
	CHECK(!cs_ref_is_miss(&c, BASE + 128, 8));
	/* Both cached: a hit. */
	CHECK(!cs_ref_is_miss(&c, BASE + 124, 8));
	cs_free(&c);
}

static void test_hierarchy(void)
{
	struct cs_sim s;

	/* D1 of 16 lines, LL of 64: a 32-line cycle misses D1 every time but
	 * LL only on the first pass. */
	CHECK(cs_sim_init(&s, &small, &small, &(struct cs_geom){ 4096, 4, 64 }) == 0);
	for (int p = 0; p < 3; p++)
		for (uint64_t off = 0; off < 2048; off += 64)
			cs_read(&s, BASE + off, 8);
	CHECK_U64(s.ev[CS_DR], 96);
	CHECK_U64(s.ev[CS_D1MR], 96);
	CHECK_U64(s.ev[CS_DLMR], 32);
	CHECK_U64(s.ev[CS_DW], 0);
	/* A write to a line the reads left in D1 hits; one beyond misses both. */
	cs_write(&s, BASE + 2048 - 64, 8);
	cs_write(&s, BASE + 65536, 8);
	CHECK_U64(s.ev[CS_DW], 2);
	CHECK_U64(s.ev[CS_D1MW], 1);
	CHECK_U64(s.ev[CS_DLMW], 1);
	/* Instruction fetches share LL: code in the data's lines hits there. */
	cs_fetch(&s, BASE + 2048 - 64 * 20, 4);
	CHECK_U64(s.ev[CS_IR], 1);
	CHECK_U64(s.ev[CS_I1MR], 1);
	CHECK_U64(s.ev[CS_ILMR], 0);
	/* Flushed, every line misses again; the counts go on. */
	cs_sim_flush(&s);
	cs_read(&s, BASE + 2048 - 64, 8);
	CHECK_U64(s.ev[CS_DR], 97);
	CHECK_U64(s.ev[CS_D1MR], 97);
	CHECK_U64(s.ev[CS_DLMR], 33);
	cs_fetch(&s, BASE + 2048 - 64 * 20, 4);
	CHECK_U64(s.ev[CS_ILMR], 1);
	cs_sim_free(&s);
}

static void test_branch_predictor(void)
{
	struct cs_bpred *b = calloc(1, sizeof(*b));
	uint64_t miss = 0;

	/* Always taken: the history is 0, 1, 3, ... 63 for the first 7 (fresh
	 * counters, predicted not taken), then stays 127, whose counter needs
	 * two more to reach "taken": 9 mispredicts, then none. */
	for (int i = 0; i < 1000; i++)
		miss += cs_cond_mispredict(b, 0x401000, true);
	CHECK_U64(miss, 9);
	free(b);

	/* Never taken: counters start at "strongly not taken". */
	b = calloc(1, sizeof(*b));
	miss = 0;
	for (int i = 0; i < 1000; i++)
		miss += cs_cond_mispredict(b, 0x401000, false);
	CHECK_U64(miss, 0);

	/* Indirect: the last target is the prediction (the table starts at 0). */
	CHECK(cs_ind_mispredict(b, 0x2000, 0x5000));
	CHECK(!cs_ind_mispredict(b, 0x2000, 0x5000));
	CHECK(cs_ind_mispredict(b, 0x2000, 0x6000));
	CHECK(cs_ind_mispredict(b, 0x2000 + 512, 0x5000));	/* aliases: 9 address bits */
	CHECK(cs_ind_mispredict(b, 0x2000, 0x6000));
	free(b);
}

static void test_classify(void)
{
	static const struct {
		uint8_t bytes[8];
		size_t len;
		enum cs_branch want;
	} t[] = {
		{ { 0x75, 0xfe }, 2, CS_COND },				/* jnz rel8 */
		{ { 0x0f, 0x85, 1, 0, 0, 0 }, 6, CS_COND },		/* jnz rel32 */
		{ { 0x66, 0x0f, 0x8c, 1, 0, 0, 0 }, 7, CS_COND },	/* prefixed jl */
		{ { 0xe3, 0x10 }, 2, CS_COND },				/* jrcxz */
		{ { 0xe2, 0x10 }, 2, CS_COND },				/* loop */
		{ { 0xeb, 0x00 }, 2, CS_DIRECT },			/* jmp rel8 */
		{ { 0xe9, 0, 0, 0, 0 }, 5, CS_DIRECT },			/* jmp rel32 */
		{ { 0xe8, 0, 0, 0, 0 }, 5, CS_DIRECT },			/* call rel32 */
		{ { 0xc3 }, 1, CS_RET },				/* ret */
		{ { 0xf3, 0xc3 }, 2, CS_RET },				/* rep ret */
		{ { 0xc2, 8, 0 }, 3, CS_RET },				/* ret imm16 */
		{ { 0xff, 0xd6 }, 2, CS_INDIRECT },			/* call rsi */
		{ { 0x41, 0xff, 0xe3 }, 3, CS_INDIRECT },		/* jmp r11 */
		{ { 0xff, 0x24, 0x25, 0, 0, 0, 0 }, 7, CS_INDIRECT },	/* jmp [abs] */
		{ { 0xff, 0xc0 }, 2, CS_NOT_BRANCH },			/* inc eax */
		{ { 0x48, 0xff, 0xcf }, 3, CS_NOT_BRANCH },		/* dec rdi */
		{ { 0x0f, 0x1f, 0x84, 0, 'P', 'M', 'U', '<' }, 8, CS_NOT_BRANCH },	/* marker */
		{ { 0x0f, 0x44, 0xca }, 3, CS_NOT_BRANCH },		/* cmove */
		{ { 0x90 }, 1, CS_NOT_BRANCH },
		{ { 0xcc }, 1, CS_NOT_BRANCH },				/* int3 */
		{ { 0x0f, 0x05 }, 2, CS_NOT_BRANCH },			/* syscall */
		{ { 0xff, 0x2c, 0x24 }, 3, CS_NOT_BRANCH },		/* jmp far [rsp] */
		{ { 0x75 }, 1, CS_NOT_BRANCH },				/* cut short */
		{ { 0x66 }, 1, CS_NOT_BRANCH },				/* a prefix alone */
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK_U64(cs_classify(t[i].bytes, t[i].len), t[i].want);
}

int main(void)
{
	test_geometry();
	test_strides();
	test_lru();
	test_straddle();
	test_hierarchy();
	test_branch_predictor();
	test_classify();
	return unit_done("cachesim");
}
