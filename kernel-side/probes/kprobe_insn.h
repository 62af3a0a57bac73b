/* What the probe engine does with the instruction under a probe, and the
 * arithmetic of doing it: copy it to an out-of-line slot (RIP-relative
 * displacement fixed) and single-step it there, or emulate it in the #BP
 * handler. After Linux arch/x86/kernel/kprobes/core.c (prepare_emulation,
 * __copy_instruction, resume_singlestep) and uprobes.c (the fixups). Pure:
 * no hardware, so the unit tests run it on hand-built frames. */
#ifndef PMULAB_KPROBE_INSN_H
#define PMULAB_KPROBE_INSN_H

#include "lib/insn.h"
#include "kernel-side/owned/trap.h"

#define KP_SLOT_SIZE	16	/* >= INSN_MAX_LEN; the rest stays INT3 */

enum kp_action {
	KP_REFUSE,		/* cannot be probed (why: kp_prepare's result) */
	KP_STEP,		/* single-step in the slot; RIP slot- -> original-relative */
	KP_STEP_ABS,		/* jmp via register/memory: RIP is absolute, keep it */
	KP_STEP_ABS_CALL,	/* call via register/memory: fix the pushed return address */
	KP_EMU_JMP,		/* jmp rel8/rel32 */
	KP_EMU_JCC,		/* jcc rel8/rel32 */
	KP_EMU_LOOP,		/* loopne, loope, loop, jrcxz */
	KP_EMU_CALL,		/* call rel32: push, jump */
	KP_EMU_RET,		/* ret, ret imm16 */
};

/* Why an instruction is refused (0: it is not). */
enum kp_refusal {
	KP_OK,
	KP_R_FLOW,		/* int3, int n, iret, syscall, hlt, far transfers */
	KP_R_FLAGS,		/* pushf/popf/cli/sti: would see or lose TF/IF */
	KP_R_MOV_SS,		/* mov ss: delays the single-step #DB */
	KP_R_PREFIX,		/* 66/67 on a relative branch: vendors disagree */
	KP_R_DISP_RANGE,	/* the fixed disp32 does not reach from the slot */
};

/* Decides the action for in (decoded at addr) and, for a step, writes the
 * bytes to put in the slot at slot (KP_SLOT_SIZE: the instruction, its
 * RIP-relative disp32 fixed, then INT3s). */
enum kp_refusal kp_prepare(const struct insn *in, const u8 *code, u64 addr, u64 slot,
			   u8 *slot_bytes, enum kp_action *act);

/* Boosting (Linux's boostable kprobes): a stepped instruction's slot gets a
 * JMP rel32 back to addr + len after it, so it runs from the slot and
 * returns with no single step. False when the two do not fit the slot (or
 * the jump does not reach). */
bool kp_boost(const struct insn *in, u64 addr, u64 slot, u8 *slot_bytes);

/* A RIP-relative disp32 moved from addr to slot still naming the same byte
 * (the instruction's length is the same at both): false when it does not
 * fit in 32 bits. */
bool kp_fix_disp(s32 disp, u64 addr, u64 slot, s32 *out);

/* Jcc condition cc (the low nibble of 7x / 0f 8x, SDM Vol2 App. B.1.4.7)
 * under rflags. */
bool kp_cond(unsigned cc, u64 rflags);

/* Runs an emulated instruction on the frame: RIP, RSP, RCX and the stack
 * as the CPU would leave them. addr is where the instruction lives. */
void kp_emulate(const struct insn *in, enum kp_action act, u64 addr, struct trapframe *tf);

/* After the single step in slot: RIP (and a pushed return address) made
 * original-relative, so execution resumes as if it had run at addr. */
void kp_fixup_step(const struct insn *in, enum kp_action act, u64 addr, u64 slot,
		   struct trapframe *tf);

/* Slot bitmap over n <= 32 slots: the lowest free one, or -1. */
int kp_slot_alloc(u32 *map, unsigned n);
void kp_slot_free(u32 *map, unsigned i);

const char *kp_action_name(enum kp_action a);
const char *kp_refusal_name(enum kp_refusal r);

#endif
