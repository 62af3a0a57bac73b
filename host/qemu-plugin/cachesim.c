/* The cachegrind-equivalent models (cachesim.h). */
#include <stdlib.h>
#include <string.h>
#include "cachesim.h"

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

static bool is_prefix(uint8_t b)
{
	switch (b) {
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
	case 0x2e: case 0x36: case 0x3e: case 0x26: case 0x64: case 0x65:
		return true;
	}
	return false;
}

/* Near branches only (SDM Vol. 2 opcode maps): Jcc rel8/rel32, LOOPcc,
 * JrCXZ are conditional; JMP/CALL rel direct; JMP/CALL r/m (FF /2, /4)
 * indirect; RET near its own class. Far transfers, INT and IRET are none of
 * these. */
enum cs_branch cs_classify(const uint8_t *p, size_t len)
{
	size_t i = 0;

	while (i < len && is_prefix(p[i]))
		i++;
	if (i < len && (p[i] & 0xf0) == 0x40)	/* REX */
		i++;
	if (i >= len)
		return CS_NOT_BRANCH;
	if ((p[i] >= 0x70 && p[i] <= 0x7f) || (p[i] >= 0xe0 && p[i] <= 0xe3))
		return CS_COND;
	if (p[i] == 0x0f)
		return i + 1 < len && (p[i + 1] & 0xf0) == 0x80 ? CS_COND : CS_NOT_BRANCH;
	if (p[i] == 0xe8 || p[i] == 0xe9 || p[i] == 0xeb)
		return CS_DIRECT;
	if (p[i] == 0xc3 || p[i] == 0xc2)
		return CS_RET;
	if (p[i] == 0xff && i + 1 < len) {
		unsigned reg = (p[i + 1] >> 3) & 7;
		return reg == 2 || reg == 4 ? CS_INDIRECT : CS_NOT_BRANCH;
	}
	return CS_NOT_BRANCH;
}
