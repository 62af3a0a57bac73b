/* The models of the TCG reference plugin, written to behave exactly as
 * valgrind's cachegrind does (3.19: cachegrind/cg_sim.c, cg_branchpred.c),
 * so the plugin's counts and cachegrind's can be compared event for event:
 *   caches   set-associative, true LRU, write-allocate, no prefetch; tags
 *            start at 0 (block 0 counts as cached); an access that
 *            straddles two lines looks both up and is ONE access and at most
 *            ONE miss; I1 and D1 miss into one unified LL (inclusive of
 *            nothing: LL is looked up only on an L1 miss).
 *   branches a conditional's direction from 2^14 2-bit counters indexed by
 *            7 bits of global history above 7 bits of the branch address;
 *            an indirect jump's or call's target from a 512-entry table
 *            of last targets indexed by address; returns are not
 *            predicted, nor counted as indirect (cg_main.c: "we assume the
 *            return stack predictor never mispredicts").
 * Plain C, no QEMU: unit-tested in tests/unit/host/test_cachesim.c. */
#ifndef PMULAB_CACHESIM_H
#define PMULAB_CACHESIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cs_geom {
	uint64_t size, assoc, line;	/* bytes, ways, bytes: cachegrind's --D1=size,assoc,line */
};

struct cs_cache {
	struct cs_geom g;
	unsigned line_bits;
	uint64_t sets;
	uint64_t *tags;		/* sets * assoc, each set MRU first */
};

/* NULL when g is one cachegrind would refuse (it says why in err): the line
 * a power of two of at least 16 bytes, the sets a power of two. */
const char *cs_geom_check(const struct cs_geom *g);
/* Parses "size,assoc,line" or "size:assoc:line"; -1 on anything else. */
int cs_geom_parse(const char *s, struct cs_geom *g);
int cs_init(struct cs_cache *c, const struct cs_geom *g);
void cs_free(struct cs_cache *c);
/* One access of size bytes at a; true on a miss. */
bool cs_ref_is_miss(struct cs_cache *c, uint64_t a, unsigned size);

#define BP_HIST_BITS	7
#define BP_IADD_BITS	7
#define BP_BTAC_BITS	9

struct cs_bpred {
	uint64_t history;
	uint8_t counters[1 << (BP_HIST_BITS + BP_IADD_BITS)];
	uint64_t btac[1 << BP_BTAC_BITS];
};

/* True when the conditional branch at pc, which went `taken`, was mispredicted. */
bool cs_cond_mispredict(struct cs_bpred *b, uint64_t pc, bool taken);
/* True when the indirect branch at pc, which went to target, was mispredicted. */
bool cs_ind_mispredict(struct cs_bpred *b, uint64_t pc, uint64_t target);

/* The three caches and what cachegrind counts with them. */
enum cs_event {
	CS_IR, CS_I1MR, CS_ILMR, CS_DR, CS_D1MR, CS_DLMR, CS_DW, CS_D1MW, CS_DLMW,
	CS_EVENTS
};

struct cs_sim {
	struct cs_cache i1, d1, ll;
	uint64_t ev[CS_EVENTS];
};

int cs_sim_init(struct cs_sim *s, const struct cs_geom *i1, const struct cs_geom *d1,
		const struct cs_geom *ll);
void cs_sim_free(struct cs_sim *s);
/* Every cache empty again (all tags 0, as at the start); counts kept. */
void cs_sim_flush(struct cs_sim *s);
void cs_fetch(struct cs_sim *s, uint64_t pc, unsigned len);	/* one instruction */
void cs_read(struct cs_sim *s, uint64_t a, unsigned size);	/* a load (or a modify) */
void cs_write(struct cs_sim *s, uint64_t a, unsigned size);

/* x86 control flow, from an instruction's bytes. */
enum cs_branch { CS_NOT_BRANCH, CS_COND, CS_DIRECT, CS_INDIRECT, CS_RET };
enum cs_branch cs_classify(const uint8_t *insn, size_t len);

#endif
