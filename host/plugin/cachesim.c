/* The cachegrind-equivalent models (cachesim.h). */
#include <stdlib.h>
#include <string.h>
#include "host/plugin/cachesim.h"
#include "lib/insn.h"

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

const char *cs_geom_check(const struct cs_geom *g)
{
	if (!g->size || !g->assoc || !g->line)
		return "size, assoc and line must be more than 0";
	if (!pow2(g->line) || g->line < 16)
		return "line size must be a power of two of at least 16 bytes";
	if (g->size % (g->line * g->assoc))
		return "size must be a multiple of line size x assoc";
	if (!pow2(g->size / g->line / g->assoc))
		return "the number of sets (size / line / assoc) must be a power of two";
	return NULL;
}

int cs_geom_parse(const char *s, struct cs_geom *g)
{
	uint64_t v[3];
	char *end;

	for (int i = 0; i < 3; i++) {
		if (*s < '0' || *s > '9')
			return -1;
		v[i] = strtoull(s, &end, 10);
		if (i < 2 && *end != ',' && *end != ':')
			return -1;
		s = end + (i < 2);
	}
	if (*end)
		return -1;
	*g = (struct cs_geom){ v[0], v[1], v[2] };
	return cs_geom_check(g) ? -1 : 0;
}

int cs_init(struct cs_cache *c, const struct cs_geom *g)
{
	if (cs_geom_check(g))
		return -1;
	c->g = *g;
	c->sets = g->size / g->line / g->assoc;
	c->line_bits = (unsigned)__builtin_ctzll(g->line);
	c->tags = calloc(c->sets * g->assoc, sizeof(*c->tags));
	return c->tags ? 0 : -1;
}

void cs_free(struct cs_cache *c)
{
	free(c->tags);
	c->tags = NULL;
}

/* cg_sim.c's cachesim_setref_is_miss: the block number is the tag; a hit
 * or a fill moves the block to the MRU way, the others shift down. */
static bool set_ref_is_miss(struct cs_cache *c, uint64_t block)
{
	uint64_t *set = &c->tags[(block & (c->sets - 1)) * c->g.assoc];
	uint64_t i;
	bool hit;

	if (set[0] == block)
		return false;
	for (i = 1; i < c->g.assoc && set[i] != block; i++)
		;
	hit = i < c->g.assoc;
	if (!hit)
		i = c->g.assoc - 1;	/* the LRU way goes */
	memmove(&set[1], &set[0], i * sizeof(*set));
	set[0] = block;
	return !hit;
}

/* cg_sim.c's cachesim_ref_is_miss: a straddling access updates both lines
 * and is one miss when the first line missed, else the second's verdict. */
bool cs_ref_is_miss(struct cs_cache *c, uint64_t a, unsigned size)
{
	uint64_t b1 = a >> c->line_bits, b2 = (a + size - 1) >> c->line_bits;
	bool miss1;

	if (b1 == b2)
		return set_ref_is_miss(c, b1);
	miss1 = set_ref_is_miss(c, b1);
	return set_ref_is_miss(c, b2) || miss1;
}

bool cs_cond_mispredict(struct cs_bpred *b, uint64_t pc, bool taken)
{
	uint64_t hist = b->history & ((1u << BP_HIST_BITS) - 1);
	uint64_t idx = hist << BP_IADD_BITS | (pc & ((1u << BP_IADD_BITS) - 1));
	uint8_t *ctr = &b->counters[idx];
	bool mispredict = (*ctr >= 2) != taken;

	b->history = b->history << 1 | taken;
	if (taken && *ctr < 3)
		(*ctr)++;
	else if (!taken && *ctr > 0)
		(*ctr)--;
	return mispredict;
}

bool cs_ind_mispredict(struct cs_bpred *b, uint64_t pc, uint64_t target)
{
	uint64_t *slot = &b->btac[pc & ((1u << BP_BTAC_BITS) - 1)];
	bool mispredict = *slot != target;

	*slot = target;
	return mispredict;
}

int cs_sim_init(struct cs_sim *s, const struct cs_geom *i1, const struct cs_geom *d1,
		const struct cs_geom *ll)
{
	memset(s, 0, sizeof(*s));
	if (cs_init(&s->i1, i1) < 0 || cs_init(&s->d1, d1) < 0 || cs_init(&s->ll, ll) < 0) {
		cs_sim_free(s);
		return -1;
	}
	return 0;
}

void cs_sim_free(struct cs_sim *s)
{
	cs_free(&s->i1);
	cs_free(&s->d1);
	cs_free(&s->ll);
}

void cs_sim_flush(struct cs_sim *s)
{
	struct cs_cache *c[] = { &s->i1, &s->d1, &s->ll };

	for (int i = 0; i < 3; i++)
		memset(c[i]->tags, 0, c[i]->sets * c[i]->g.assoc * sizeof(*c[i]->tags));
}

/* cg_sim.c's cachesim_{I1,D1}_doref: LL only on an L1 miss. */
static void doref(struct cs_sim *s, struct cs_cache *l1, uint64_t a, unsigned size,
		  enum cs_event access)
{
	s->ev[access]++;
	if (!cs_ref_is_miss(l1, a, size))
		return;
	s->ev[access + 1]++;
	if (cs_ref_is_miss(&s->ll, a, size))
		s->ev[access + 2]++;
}

void cs_fetch(struct cs_sim *s, uint64_t pc, unsigned len)
{
	doref(s, &s->i1, pc, len, CS_IR);
}

void cs_read(struct cs_sim *s, uint64_t a, unsigned size)
{
	doref(s, &s->d1, a, size, CS_DR);
}

void cs_write(struct cs_sim *s, uint64_t a, unsigned size)
{
	doref(s, &s->d1, a, size, CS_DW);
}

/* From the project's decoder (lib/insn.c): Jcc, LOOPcc and JrCXZ
 * are conditional; JMP/CALL rel direct; JMP/CALL r/m (FF /4, /2) indirect;
 * RET its own class. INT, IRET, SYSCALL and far JMP/CALL are none of these. */
enum cs_branch cs_classify(const uint8_t *p, size_t len)
{
	struct insn in;

	if (insn_decode(&in, p, len) < 0)
		return CS_NOT_BRANCH;
	switch (in.flow) {
	case FLOW_JCC_REL:
	case FLOW_LOOP_REL:
		return CS_COND;
	case FLOW_JMP_REL:
	case FLOW_CALL_REL:
		return CS_DIRECT;
	case FLOW_JMP_IND:
	case FLOW_CALL_IND:
		return CS_INDIRECT;
	case FLOW_RET:
		return CS_RET;
	default:
		return CS_NOT_BRANCH;
	}
}
