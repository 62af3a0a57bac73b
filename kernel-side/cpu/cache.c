/* The CPU's cache parameters from CPUID leaf 4 (SDM Vol2A "Deterministic
 * Cache Parameters Leaf") or 8000001DH (APM Vol3 "Cache Topology
 * Information"), on an AMD CPU without the latter from 80000005H and
 * 80000006H (APM Vol3 "L1 Cache and TLB Information", "L2 Cache and L3
 * Cache Information"), as Linux does: what a plot marks for the PMU's own
 * curves. */
#include "kernel-side/cpu/cache.h"
#include "kernel-side/cpu/hw.h"
#include "lib/libc.h"
#include "lib/record.h"

#define X86_FEATURE_TOPOEXT BIT(22)	/* 80000001H:ECX */

bool cache_decode(const struct cpuid_regs *r, struct cache_level *c)
{
	c->regs = *r;
	c->type = (enum cache_type)(r->eax & 0x1f);
	c->level = (r->eax >> 5) & 0x7;
	c->ways = (r->ebx >> 22) + 1;
	c->partitions = ((r->ebx >> 12) & 0x3ff) + 1;
	c->line = (r->ebx & 0xfff) + 1;
	c->sets = r->ecx + 1;
	c->size = (u64)c->ways * c->partitions * c->line * c->sets;
	return c->type != CACHE_NULL;
}

/* 80000006H's L2 and L3 associativity field: the ways, 0 for none or a
 * reserved code, ~0 for fully associative. */
static const u32 amd_ways[16] = { 0, 1, 2, 3, 4, 6, 8, 0, 16, 0, 32, 48, 64, 96, 128, ~0u };

bool cache_decode_amd_legacy(u32 leaf, const struct cpuid_regs *r, bool high,
			     struct cache_level *c)
{
	u32 reg = high ? r->edx : r->ecx;

	memset(c, 0, sizeof(*c));
	c->regs = *r;
	c->leaf = leaf;
	c->partitions = 1;
	c->line = reg & 0xff;
	if (leaf == 0x80000005u) {
		c->level = 1;
		c->type = high ? CACHE_INSTRUCTION : CACHE_DATA;
		c->size = (u64)(reg >> 24) << 10;
		c->ways = (reg >> 16) & 0xff;
		c->ways = c->ways == 0xff ? ~0u : c->ways;
	} else {
		c->level = high ? 3 : 2;
		c->type = CACHE_UNIFIED;
		c->size = high ? (u64)(reg >> 18) << 19 : (u64)(reg >> 16) << 10;
		c->ways = amd_ways[(reg >> 12) & 0xf];
	}
	if (c->ways == ~0u && c->line)
		c->ways = (u32)(c->size / c->line);
	if (!c->size || !c->ways || !c->line)
		return false;
	c->sets = (u32)(c->size / ((u64)c->ways * c->line));
	return true;
}

/* An AMD CPU's caches from 80000005H and 80000006H. */
static void probe_amd_legacy(const struct cpu_info *ci, struct cache_info *ch)
{
	struct cpuid_regs r;

	for (u32 leaf = 0x80000005u; leaf <= 0x80000006u; leaf++) {
		if (!cpu_leaf(ci, leaf, 0, &r))
			return;
		ch->leaf = 0x80000005u;
		for (int high = 0; high < 2; high++)
			ch->n += cache_decode_amd_legacy(leaf, &r, high, &ch->levels[ch->n]);
	}
}

void cache_probe(const struct cpu_info *ci, struct cache_info *ch)
{
	struct cpuid_regs r;

	memset(ch, 0, sizeof(*ch));
	if (cpu_is_amd_like(ci) && (ci->ext1_ecx & X86_FEATURE_TOPOEXT) &&
	    ci->max_ext_leaf >= 0x8000001du) {
		ch->leaf = 0x8000001du;
	} else if (cpu_is_amd_like(ci)) {
		probe_amd_legacy(ci, ch);
		return;
	} else if (ci->max_leaf >= 4) {
		ch->leaf = 4;
	} else {
		return;
	}
	for (u32 sub = 0; sub < CACHE_LEVELS_MAX; sub++) {
		struct cache_level *c = &ch->levels[ch->n];

		cpu_leaf(ci, ch->leaf, sub, &r);
		/* Types 4..31 are reserved: skipped, the list goes on. */
		if (!cache_decode(&r, c))
			break;
		c->leaf = ch->leaf;
		c->subleaf = sub;
		ch->n += c->type <= CACHE_UNIFIED;
	}
}

void cache_report(const struct cache_info *ch)
{
	static const char *const types[] = { "null", "data", "instruction", "unified" };
	struct rec r;

	for (unsigned i = 0; i < ch->n; i++) {
		const struct cache_level *c = &ch->levels[i];

		rec_begin(&r, "cache");
		rec_u64(&r, "level", c->level);
		rec_str(&r, "type", types[c->type]);
		rec_u64(&r, "size", c->size);
		rec_u64(&r, "ways", c->ways);
		rec_u64(&r, "line", c->line);
		rec_u64(&r, "sets", c->sets);
		rec_u64(&r, "partitions", c->partitions);
		rec_hex(&r, "leaf", c->leaf);
		rec_u64(&r, "subleaf", c->subleaf);
		rec_hex(&r, "eax", c->regs.eax);
		rec_hex(&r, "ebx", c->regs.ebx);
		rec_hex(&r, "ecx", c->regs.ecx);
		rec_hex(&r, "edx", c->regs.edx);
		rec_end(&r);
	}
}
