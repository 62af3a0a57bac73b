/* The CPU's caches as CPUID describes them: Intel's deterministic cache
 * parameters (leaf 4, SDM Vol2A CPUID) and AMD's cache topology (leaf
 * 8000001DH, APM Vol3 Appendix E), which share one layout; AMD's older
 * 80000005H and 80000006H where 8000001DH is not enumerated. */
#ifndef PMULAB_CACHE_H
#define PMULAB_CACHE_H

#include "kernel-side/cpu/cpuinfo.h"

/* A CPU describes fewer caches than this (L1d, L1i, L2, L3 and maybe L4);
 * the enumeration stops here should a leaf never give the null type. */
#define CACHE_LEVELS_MAX 8

/* EAX[4:0], the cache type field. */
enum cache_type { CACHE_NULL, CACHE_DATA, CACHE_INSTRUCTION, CACHE_UNIFIED };

struct cache_level {
	u32 leaf, subleaf;
	struct cpuid_regs regs;		/* as CPUID gave them */
	enum cache_type type;
	u32 level;			/* EAX[7:5] */
	u32 ways;			/* EBX[31:22] + 1 */
	u32 partitions;			/* EBX[21:12] + 1 */
	u32 line;			/* EBX[11:0] + 1, bytes */
	u32 sets;			/* ECX + 1 */
	u64 size;			/* ways * partitions * line * sets, bytes */
};

struct cache_info {
	u32 leaf;			/* 4, 8000001DH, 80000005H (and 6), or 0 */
	unsigned n;
	struct cache_level levels[CACHE_LEVELS_MAX];
};

/* One subleaf's registers decoded into c; false for the null type, which
 * ends the list. */
bool cache_decode(const struct cpuid_regs *r, struct cache_level *c);
/* leaf 80000005H (L1: ECX data, EDX instruction) or 80000006H (ECX L2, EDX
 * L3): the cache in the high register (EDX) or the low one (ECX) into c;
 * false when it says there is none. */
bool cache_decode_amd_legacy(u32 leaf, const struct cpuid_regs *r, bool high,
			     struct cache_level *c);
/* The caches of the CPU ci describes: on AMD and Hygon leaf 8000001DH when
 * CPUID.80000001H:ECX[22] (TopologyExtensions) says it is there, else
 * 80000005H and 80000006H; on the others leaf 4 when the CPU has it. */
void cache_probe(const struct cpu_info *ci, struct cache_info *ch);
/* A cache record each (docs/record-format.md). */
void cache_report(const struct cache_info *ch);

#endif
