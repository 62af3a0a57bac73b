/* The CPU's caches from CPUID (kernel-side/cpu/cache.c): leaf 4 and
 * 8000001DH decoded from hand-made registers (SDM Vol2A Table 3-8 "Deterministic
 * Cache Parameters Leaf"; APM Vol3 E.4.15), AMD's 80000005H and 80000006H
 * with their associativity codes, and the leaf each vendor is read from. */
#include "kernel-side/cpu/cache.h"
#include "tests/unit/models/hw_sim.h"
#include "tests/unit/unit.h"

/* EBX as leaf 4 lays it out: ways, partitions and line size, each less 1. */
static u32 ebx4(u32 ways, u32 partitions, u32 line)
{
	return (ways - 1) << 22 | (partitions - 1) << 12 | (line - 1);
}

static void test_leaf4_decode(void)
{
	struct cache_level c;
	struct cpuid_regs l1d = { .eax = 1 << 5 | 1, .ebx = ebx4(8, 1, 64), .ecx = 63 };
	struct cpuid_regs l2 = { .eax = 2 << 5 | 3, .ebx = ebx4(16, 2, 64), .ecx = 1023 };
	struct cpuid_regs none = { .eax = 3 << 5, .ebx = ebx4(8, 1, 64), .ecx = 63 };

	CHECK(cache_decode(&l1d, &c));
	CHECK_U64(c.type, CACHE_DATA);
	CHECK_U64(c.level, 1);
	CHECK_U64(c.ways, 8);
	CHECK_U64(c.partitions, 1);
	CHECK_U64(c.line, 64);
	CHECK_U64(c.sets, 64);
	CHECK_U64(c.size, 32 << 10);
	CHECK(cache_decode(&l2, &c));
	CHECK_U64(c.type, CACHE_UNIFIED);
	CHECK_U64(c.level, 2);
	CHECK_U64(c.size, 16ull * 2 * 64 * 1024);
	/* Type 0: no more caches, whatever the other fields hold. */
	CHECK(!cache_decode(&none, &c));
}

static void test_amd_legacy_decode(void)
{
	struct cache_level c;
	/* 80000005H: size in KiB [31:24], ways [23:16], lines per tag, line. */
	struct cpuid_regs l1 = { .ecx = 32u << 24 | 8 << 16 | 1 << 8 | 64,
				 .edx = 64u << 24 | 0xff << 16 | 1 << 8 | 64 };
	/* 80000006H: L2 KiB [31:16], L3 in 512 KiB [31:18], ways coded [15:12]. */
	struct cpuid_regs l23 = { .ecx = 512u << 16 | 6 << 12 | 1 << 8 | 64,
				  .edx = 16u << 18 | 8 << 12 | 64 };
	struct cpuid_regs reserved = { .ecx = 512u << 16 | 7 << 12 | 64, .edx = 0 };

	CHECK(cache_decode_amd_legacy(0x80000005u, &l1, false, &c));
	CHECK_U64(c.type, CACHE_DATA);
	CHECK_U64(c.size, 32 << 10);
	CHECK_U64(c.ways, 8);
	CHECK_U64(c.sets, 64);
	/* Ways 0xff: fully associative, one set. */
	CHECK(cache_decode_amd_legacy(0x80000005u, &l1, true, &c));
	CHECK_U64(c.type, CACHE_INSTRUCTION);
	CHECK_U64(c.ways, 1024);
	CHECK_U64(c.sets, 1);
	CHECK(cache_decode_amd_legacy(0x80000006u, &l23, false, &c));
	CHECK_U64(c.level, 2);
	CHECK_U64(c.size, 512 << 10);
	CHECK_U64(c.ways, 8);
	CHECK_U64(c.sets, 1024);
	CHECK(cache_decode_amd_legacy(0x80000006u, &l23, true, &c));
	CHECK_U64(c.level, 3);
	CHECK_U64(c.size, 8 << 20);
	CHECK_U64(c.ways, 16);
	CHECK_U64(c.sets, 8192);
	/* A reserved associativity code, and an absent L3. */
	CHECK(!cache_decode_amd_legacy(0x80000006u, &reserved, false, &c));
	CHECK(!cache_decode_amd_legacy(0x80000006u, &reserved, true, &c));
}

static void probe(const char *vendor, u32 max_leaf, u32 max_ext, u32 ext1_ecx,
		  struct cache_info *ch)
{
	struct cpu_info ci;

	sim_cpuid_vendor(vendor, max_leaf, max_ext);
	sim_cpuid(0x80000001u, 0, 0, 0, ext1_ecx, 0);
	cpu_probe(&ci);
	cache_probe(&ci, ch);
}

static void test_probe(void)
{
	struct cache_info ch;

	/* Intel: leaf 4's subleaves up to the null type. */
	sim_reset();
	sim_cpuid(4, 0, 1 << 5 | 1, ebx4(8, 1, 64), 63, 0);
	sim_cpuid(4, 1, 2 << 5 | 3, ebx4(16, 1, 64), 4095, 0);
	probe("GenuineIntel", 0xd, 0x80000008u, 0, &ch);
	CHECK_U64(ch.leaf, 4);
	CHECK_U64(ch.n, 2);
	CHECK_U64(ch.levels[1].size, 4 << 20);
	CHECK_U64(ch.levels[1].subleaf, 1);
	/* ... and none below leaf 4. */
	probe("GenuineIntel", 2, 0x80000008u, 0, &ch);
	CHECK_U64(ch.n, 0);

	/* AMD with TopologyExtensions: 8000001DH, leaf 4's layout. */
	sim_reset();
	sim_cpuid(0x8000001du, 0, 1 << 5 | 1, ebx4(8, 1, 64), 63, 0);
	sim_cpuid(4, 0, 1 << 5 | 1, ebx4(4, 1, 64), 63, 0);
	probe("AuthenticAMD", 0xd, 0x8000001eu, 1u << 22, &ch);
	CHECK_U64(ch.leaf, 0x8000001du);
	CHECK_U64(ch.n, 1);
	CHECK_U64(ch.levels[0].ways, 8);
	/* Without it: 80000005H and 80000006H, never leaf 4. */
	sim_cpuid(0x80000005u, 0, 0, 0, 32u << 24 | 8 << 16 | 1 << 8 | 64,
		  64u << 24 | 4 << 16 | 1 << 8 | 64);
	sim_cpuid(0x80000006u, 0, 0, 0, 512u << 16 | 6 << 12 | 1 << 8 | 64, 0);
	probe("AuthenticAMD", 0xd, 0x8000001eu, 0, &ch);
	CHECK_U64(ch.leaf, 0x80000005u);
	CHECK_U64(ch.n, 3);
	CHECK_U64(ch.levels[1].size, 64 << 10);
	CHECK_U64(ch.levels[2].level, 2);
	CHECK_U64(ch.levels[2].leaf, 0x80000006u);
}

int main(void)
{
	test_leaf4_decode();
	test_amd_legacy_decode();
	test_probe();
	return unit_done("cache");
}
