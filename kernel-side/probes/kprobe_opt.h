/* Whether a probe may become a jump (Linux's optprobes,
 * arch/x86/kernel/kprobes/opt.c: can_optimize, copy_optimized_instructions)
 * and the bytes of its detour buffer: CALL the frame builder, the
 * instructions the 5-byte JMP covers (RIP-relative displacements fixed),
 * JMP back. Pure: the unit tests give it hand-made functions. */
#ifndef PMULAB_KPROBE_OPT_H
#define PMULAB_KPROBE_OPT_H

#include "lib/types.h"

#define KP_JMP_LEN	5	/* e9 rel32 (and e8 rel32): what the site becomes */
/* CALL, the covered instructions (at most 4 + INSN_MAX_LEN bytes), JMP back. */
#define KP_DETOUR_SIZE	32
#define KP_DETOURS	8	/* optimized probes at once (kprobe_frame.asm) */

/* Why a probe stays an INT3 (0: it became a jump). Each is one of Linux's
 * rules, named in the `probe_opt` record. */
enum kp_opt_refusal {
	KP_OPT_OK,
	KP_OPT_R_INT3_ONLY,	/* registered with int3: not tried */
	KP_OPT_R_POST,		/* a post-handler: a detour runs none (Linux neither) */
	KP_OPT_R_ACTION,	/* the probed instruction is emulated, not copied */
	KP_OPT_R_SHORT,		/* fewer than 5 bytes from the probe to the function's end */
	KP_OPT_R_DECODE,	/* the decoder does not know an instruction of the function */
	KP_OPT_R_INT3,		/* an INT3 that is not end padding: a probe or a debugger's */
	KP_OPT_R_INDIRECT,	/* an indirect jump: a jump table may land in the window */
	KP_OPT_R_JUMP_INTO,	/* a jump or call lands inside the window, past its start */
	KP_OPT_R_BRANCH,	/* a branch in the window: it would need its rel fixed */
	KP_OPT_R_RANGE,		/* a rel32 or RIP-relative disp32 does not reach the detour */
	KP_OPT_R_FTRACE,	/* the window covers a function tracer site */
	KP_OPT_R_NO_DETOUR,	/* every detour buffer is taken */
};

/* The function's bytes fn[0, fn_len) live at fn_addr; the probe is at addr,
 * an instruction boundary, whose first byte reads `first` (the INT3 now in
 * place stood for it). Decodes the whole function and applies the rules; on
 * KP_OPT_OK, *window is how many bytes the JMP covers (whole instructions,
 * >= 5) and buf (KP_DETOUR_SIZE) the bytes of a detour buffer at detour
 * whose CALL goes to caller. */
enum kp_opt_refusal kp_opt_prepare(const u8 *fn, u64 fn_addr, u64 fn_len, u64 addr, u8 first,
				   u64 detour, u64 caller, u8 *buf, unsigned *window);

/* The 5 bytes of a rel32 jump or call (op e9 or e8) at from to to: false
 * when it does not reach. */
bool kp_rel32(u8 op, u64 from, u64 to, u8 *out);

const char *kp_opt_refusal_name(enum kp_opt_refusal r);

#endif
