/* Last Branch Record capabilities (SDM Vol3B 19.4-19.15 and 20.x "Arch LBR";
 * AMD APM Vol2 13.1.1.3 / PPR "LbrExtV2"), probed once. */
#ifndef PMULAB_LBR_H
#define PMULAB_LBR_H

#include "kernel-side/pmu/pmu.h"

struct lbr_caps {
	bool present;
	const char *reason;		/* why not, when !present */

	/* Intel legacy LBR: the format comes from IA32_PERF_CAPABILITIES, the
	 * depth and MSR addresses only from the model (Linux intel/lbr.c). */
	bool legacy;
	u32 legacy_fmt;
	u32 legacy_depth;		/* 0: model not in the table */
	u32 legacy_from, legacy_to, legacy_info;

	/* Intel Arch LBR: CPUID.7.0:EDX[19], leaf 1CH */
	bool arch;
	struct cpuid_regs leaf_1c;
	u32 arch_depth_max;		/* 8 * (highest set bit of EAX[7:0] + 1) */

	/* AMD LbrExtV2: CPUID 80000022H EAX[1], depth EBX[9:4] */
	bool amd_v2;
	u32 amd_depth;
};

/* CPUID.1CH (SDM Vol3B ch.20, Arch LBR "Enumeration"): EBX the filters the
 * LBR_CTL has, ECX what each record holds. */
#define ARCH_LBR_EBX_CPL_FILTER		BIT(0)
#define ARCH_LBR_EBX_BR_FILTER		BIT(1)
#define ARCH_LBR_EBX_CALL_STACK		BIT(2)
#define ARCH_LBR_ECX_MISPRED		BIT(0)
#define ARCH_LBR_ECX_TIMED		BIT(1)
#define ARCH_LBR_ECX_BR_TYPE		BIT(2)
#define LBR_FMT_ARCH			0x3f	/* PERF_CAPABILITIES[5:0] on Arch LBR parts */

void lbr_probe(const struct cpu_info *ci, const struct pmu_caps *pc, struct lbr_caps *lc);
void lbr_report(const struct cpu_info *ci, const struct lbr_caps *lc);

/* Legacy formats, IA32_PERF_CAPABILITIES[5:0] (SDM Vol3B 19.4.8.1; Linux
 * intel/lbr.c): what FROM/TO hold besides the address. */
enum {
	LBR_FORMAT_32		= 0,	/* one MSR: FROM[31:0], TO[63:32] */
	LBR_FORMAT_LIP		= 1,	/* 64-bit linear addresses */
	LBR_FORMAT_EIP		= 2,	/* 64-bit effective addresses */
	LBR_FORMAT_EIP_FLAGS	= 3,	/* FROM[63] mispredicted */
	LBR_FORMAT_EIP_FLAGS2	= 4,	/* + FROM[62] in TSX, FROM[61] abort */
	LBR_FORMAT_INFO		= 5,	/* flags and cycles in LBR_INFO_x */
	LBR_FORMAT_TIME		= 6,	/* FROM[63] mispred, TO[63:48] cycles */
	LBR_FORMAT_INFO2	= 7,	/* LBR_INFO_x without TSX bits */
};

/* The driver (lbr.c). A filter says what to RECORD; its bits sit where
 * LBR_SELECT's suppress bits sit, so legacy and AMD invert them. */
#define LBR_F_KERNEL		BIT(0)	/* branches ending at CPL 0 */
#define LBR_F_USER		BIT(1)	/* branches ending at CPL > 0 */
#define LBR_F_JCC		BIT(2)
#define LBR_F_REL_CALL		BIT(3)
#define LBR_F_IND_CALL		BIT(4)
#define LBR_F_RET		BIT(5)
#define LBR_F_IND_JMP		BIT(6)
#define LBR_F_REL_JMP		BIT(7)
#define LBR_F_FAR		BIT(8)	/* far branches, interrupts, other */
#define LBR_F_CALL_STACK	BIT(9)	/* the ring holds the active calls only */
#define LBR_F_TYPES		(LBR_F_JCC | LBR_F_REL_CALL | LBR_F_IND_CALL | \
				 LBR_F_RET | LBR_F_IND_JMP | LBR_F_REL_JMP | LBR_F_FAR)
#define LBR_F_CALLS		(LBR_F_REL_CALL | LBR_F_IND_CALL | LBR_F_RET)
#define LBR_F_ANY		(LBR_F_KERNEL | LBR_F_USER | LBR_F_TYPES)

#define LBR_MAX_ENTRIES 64

enum lbr_br_type {
	LBR_BR_UNKNOWN, LBR_BR_CALL, LBR_BR_RET, LBR_BR_JCC, LBR_BR_JMP,
	LBR_BR_IND_CALL, LBR_BR_IND_JMP, LBR_BR_OTHER,
};

struct lbr_entry {
	u64 from, to;
	bool mispred;
	u16 cycles;	/* 0 where the format has none */
	u8 type;	/* enum lbr_br_type: from the format, else decoded */
};

/* Where the payload's code is: lbr_read decodes the instruction at a `from`
 * only inside [text, etext) (Linux checks kernel_text_address() likewise),
 * and lbr_report_entries names addresses through the embedded symbol table. */
void lbr_set_image(u64 image_base, u64 text, u64 etext);
u64 lbr_image_base(void);

/* Resets the ring and starts recording (filter: LBR_F_*). Call-stack mode
 * where the LBR has it (legacy format >= EIP_FLAGS2 with 16+ entries, Arch
 * LBR with CPUID.1CH:EBX[2]), else the calls and returns are recorded and
 * lbr_callchain() cancels the pairs. Returns 0 or an HW_ERR_* code:
 * HW_ERR_NOT_SUPPORTED when there is no LBR (QEMU TCG); nothing stays
 * changed after an error. */
int lbr_start(const struct lbr_caps *lc, u32 filter);
/* The entries the ring holds (at most LBR_MAX_ENTRIES). */
unsigned lbr_depth(const struct lbr_caps *lc);
/* Whether the running lbr_start() got call-stack mode. */
bool lbr_call_stack(void);
/* Stops recording; the ring keeps its contents for lbr_read(). */
void lbr_freeze(const struct lbr_caps *lc);
/* Records again after lbr_freeze() or a freeze on PMI, without a reset. On
 * Intel perfmon v4+ and AMD the PMI handler also clears the frozen bit
 * (GLOBAL_STATUS_LBRS_FROZEN) with the overflow bits it acknowledges. */
void lbr_resume(const struct lbr_caps *lc);
/* Whether a PMI froze the running ring, asked first thing in the PMI
 * handler with the global status it read: the status's LBR_FRZ bit
 * (GLOBAL_STATUS_LBRS_FROZEN), which the freeze sets from perfmon v4, on Arch
 * LBR and AMD, or legacy DEBUGCTL.LBR cleared, as the freeze does before v4. */
bool lbr_frozen(const struct lbr_caps *lc, u64 status);
/* The recorded branches, newest first; returns how many (<= max). */
unsigned lbr_read(const struct lbr_caps *lc, struct lbr_entry *e, unsigned max);
/* Stops recording and writes back every MSR lbr_start() changed. */
void lbr_stop(const struct lbr_caps *lc);

/* `lbr_branch run= sample= i= from= from_sym= to= to_sym= mispred= cycles= type=`
 * records, one per entry; sample is the sample's index or "end". */
void lbr_report_entries(const char *run, const char *sample,
			const struct lbr_entry *e, unsigned n);
const char *lbr_br_type_name(u8 type);

/* The type of the branch at `from` by decoding its bytes with insn_decode
 * (only inside the image's text), and the instruction's length in *len
 * (0 when unknown); len may be NULL. */
u8 lbr_decode_type(u64 from, u8 *len);

/* lbr_stack.c. Call chain (return addresses, innermost first) from the call/ret entries
 * (newest first), needing no frame pointers: walking back in time, a return
 * waits for its call, a call nobody returned from is an active frame. */
unsigned lbr_callchain(const struct lbr_entry *e, unsigned n, u64 *chain,
		       unsigned max);

#endif
