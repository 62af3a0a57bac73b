/* The chain's retired branches for the LBR model (lbr_replay.h). */
#include "tests/unit/models/lbr_replay.h"
#include "lib/insn.h"
#include "microbench/lbr_chain.h"

#define ADDR(f)		((u64)(uintptr_t)(f))
/* How far a chain function's calls reach: they are a few dozen bytes. */
#define FN_SPAN		256

/* The instruction at a CPU decodes, when it is a call of the flow given
 * (to target, for a relative one); its length, else 0. */
static u8 call_at(u64 at, enum insn_flow flow, u64 target)
{
	struct insn in;

	if (insn_decode(&in, (const u8 *)(uintptr_t)at, INSN_MAX_LEN) < 0 || in.flow != flow)
		return 0;
	if (flow == FLOW_CALL_REL && insn_rel_target(&in, at) != target)
		return 0;
	return in.len;
}

/* The call that returns to ret: the run stored ret, the call ends there. */
static u64 call_before(u64 ret, enum insn_flow flow, u64 target)
{
	for (u64 len = 2; len <= INSN_MAX_LEN; len++)
		if (call_at(ret - len, flow, target) == len)
			return ret - len;
	return 0;
}

/* Walking fn's code as the CPU runs it: its first call of flow (to target). */
static u64 first_call(const void *fn, enum insn_flow flow, u64 target, u8 *len)
{
	const u8 *p = fn;
	struct insn in;

	for (unsigned off = 0; off < FN_SPAN; off += in.len) {
		if (insn_decode(&in, p + off, INSN_MAX_LEN) < 0 || in.flow == FLOW_RET)
			return 0;
		if ((*len = call_at(ADDR(p + off), flow, target)))
			return ADDR(p + off);
	}
	return 0;
}

static u64 first_ret(const void *fn)
{
	const u8 *p = fn;
	struct insn in;

	for (unsigned off = 0; off < FN_SPAN; off += in.len) {
		if (insn_decode(&in, p + off, INSN_MAX_LEN) < 0)
			return 0;
		if (in.flow == FLOW_RET)
			return ADDR(p + off);
	}
	return 0;
}

unsigned lbr_replay_chain(struct lbr_replay_br *b)
{
	static const void *const fn[] = {
		lbr_chain_a, lbr_chain_b, lbr_chain_c, lbr_chain_d, lbr_chain_leaf,
	};
	u64 noise_ret = first_ret(lbr_chain_noise), site[LBR_CHAIN_FRAMES], b_noise, d_noise;
	u8 b_len = 0, d_len = 0, hook_len = 0;
	u64 hook_site = first_call(lbr_chain_leaf, FLOW_CALL_IND, 0, &hook_len);
	unsigned n = 0;

	/* site[i]: the call of fn[4 - i] from its caller, the one before
	 * lbr_chain_ret[i] (i = 4: the caller's call of a). */
	for (unsigned i = 0; i < LBR_CHAIN_FRAMES; i++)
		if (!(site[i] = call_before(lbr_chain_ret[i], FLOW_CALL_REL,
					    ADDR(fn[LBR_CHAIN_FRAMES - 1 - i]))))
			return 0;
	b_noise = first_call(lbr_chain_b, FLOW_CALL_REL, ADDR(lbr_chain_noise), &b_len);
	d_noise = first_call(lbr_chain_d, FLOW_CALL_REL, ADDR(lbr_chain_noise), &d_len);
	if (!noise_ret || !b_noise || !d_noise || !hook_site)
		return 0;
	b[n++] = (struct lbr_replay_br){ site[4], ADDR(lbr_chain_a), LBR_SIM_REL_CALL };
	b[n++] = (struct lbr_replay_br){ site[3], ADDR(lbr_chain_b), LBR_SIM_REL_CALL };
	b[n++] = (struct lbr_replay_br){ b_noise, ADDR(lbr_chain_noise), LBR_SIM_REL_CALL };
	b[n++] = (struct lbr_replay_br){ noise_ret, b_noise + b_len, LBR_SIM_RET };
	b[n++] = (struct lbr_replay_br){ site[2], ADDR(lbr_chain_c), LBR_SIM_REL_CALL };
	b[n++] = (struct lbr_replay_br){ site[1], ADDR(lbr_chain_d), LBR_SIM_REL_CALL };
	b[n++] = (struct lbr_replay_br){ d_noise, ADDR(lbr_chain_noise), LBR_SIM_REL_CALL };
	b[n++] = (struct lbr_replay_br){ noise_ret, d_noise + d_len, LBR_SIM_RET };
	b[n++] = (struct lbr_replay_br){ site[0], ADDR(lbr_chain_leaf), LBR_SIM_REL_CALL };
	b[n++] = (struct lbr_replay_br){ hook_site, lbr_chain_hook_called, LBR_SIM_IND_CALL };
	return n;
}

void lbr_replay_run(void)
{
	struct lbr_replay_br b[LBR_REPLAY_MAX];
	unsigned n = lbr_replay_chain(b);

	for (unsigned i = 0; i < n; i++)
		lbr_sim_branch(b[i].from, b[i].to, b[i].type, false, 1, 0);
}
