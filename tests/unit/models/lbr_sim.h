/* A software model of the last-branch-record hardware, in front of the PMU
 * model (pmu_sim.h) on the simulated CPU: Intel legacy LBR (a ring with TOS,
 * FROM/TO/INFO by format, LBR_SELECT suppress bits, call-stack mode), Intel
 * Arch LBR (entry 0 newest, IA32_LBR_CTL filters, IA32_LBR_DEPTH) and AMD
 * LbrExtV2 (FROM/TO pairs, entry 0 newest, TO.valid). Written from the SDM
 * and APM descriptions, not from the driver. Tests "execute" branches into
 * it and raise PMIs; the driver reaches it only through MSRs. */
#ifndef PMULAB_LBR_SIM_H
#define PMULAB_LBR_SIM_H

#include "tests/unit/models/pmu_sim.h"

enum lbr_sim_kind { LBR_SIM_LEGACY, LBR_SIM_ARCH, LBR_SIM_AMD };

struct lbr_sim_spec {
	enum lbr_sim_kind kind;
	u32 model;		/* legacy: the family 6 model (sets depth and MSRs) */
	u32 fmt;		/* legacy: IA32_PERF_CAPABILITIES[5:0] */
	unsigned depth;		/* entries: legacy as the model has, Arch 8..32, AMD 16 */
	unsigned perfmon;	/* Intel perfmon version: >= 4 freezes by LBR_FRZ */
	bool call_stack;	/* legacy LBR_SELECT[9] / CPUID.1CH:EBX[2] */
};

/* pmu_sim_install() of a matching PMU, the CPUID leaves that enumerate this
 * LBR (leaf 7 and 1CH, 80000022H), then the model in front of the PMU's. */
void lbr_sim_install(const struct lbr_sim_spec *s);

enum lbr_sim_br {
	LBR_SIM_JCC, LBR_SIM_REL_JMP, LBR_SIM_IND_JMP, LBR_SIM_REL_CALL,
	LBR_SIM_IND_CALL, LBR_SIM_RET, LBR_SIM_FAR,
};
/* The CPU retires a branch at privilege level cpl: recorded or not as the
 * enables, filters, freeze and call-stack mode say. */
void lbr_sim_branch(u64 from, u64 to, enum lbr_sim_br type, bool mispred,
		    u16 cycles, unsigned cpl);
/* Faults a test sets after lbr_sim_install() (which clears them), each
 * breaking one property, to see the check of that property fail. */
struct lbr_sim_fault {
	bool tos_stuck;		/* the newest-entry pointer does not move: legacy's
				 * TOS, Arch/AMD's shift; each branch overwrites */
	bool from_to_swapped;	/* each branch's FROM and TO stored the other way */
	bool freeze_ignored;	/* a PMI leaves the ring recording */
	bool select_ignored;	/* LBR_SELECT's / LBR_CTL's branch types ignored */
	unsigned entries;	/* not 0: ring MSRs there are, whatever the
				 * model number or CPUID says the depth is */
};
extern struct lbr_sim_fault lbr_sim_fault;
/* Called when an MSR write is about to stop the ring recording, while it
 * still records: a test replays there what the code it ran natively (up to
 * that write) retired. NULL: nothing. */
extern void (*lbr_sim_on_stop)(void);

/* A PMI: with DEBUGCTL.FREEZE_LBRS_ON_PMI the ring freezes -- before perfmon
 * v4 by clearing DEBUGCTL.LBR, from v4 (and Arch LBR, AMD) by setting
 * LBR_FRZ (global status bit 58) until the status is acknowledged. */
void lbr_sim_pmi(void);
bool lbr_sim_frozen(void);
/* Branches recorded since install (call-stack pops included). */
unsigned lbr_sim_recorded(void);

#endif
