/* The probe engine's two faster paths, for kprobe.c: a CALL at a function
 * tracer site (kprobe_ftrace.c) and a JMP to a detour buffer
 * (kprobe_optimize.c). Both enter kprobe_frame.asm, which builds the frame
 * an INT3 would have and calls back into them. */
#ifndef PMULAB_KPROBE_PATH_H
#define PMULAB_KPROBE_PATH_H

#include "kernel-side/probes/kprobe.h"

/* addr is a function tracer site holding the NOP: a probe there can be the
 * CALL. */
bool kp_ftrace_site(u64 addr);
/* The window [addr, addr + len) holds a tracer site's byte. */
bool kp_ftrace_overlaps(u64 addr, unsigned len);
void kp_ftrace_arm(struct kprobe *p);
void kp_ftrace_disarm(struct kprobe *p);

/* After the INT3 is in: the JMP instead, or p->opt_refusal says why not.
 * The function is [start, end). */
void kp_optimize(struct kprobe *p, u64 start, u64 end);
/* Back to the INT3 (the JMP's tail bytes restored first). */
void kp_unoptimize(struct kprobe *p);

/* kprobe_frame.asm's entries, the CALL targets, and the C each calls, set
 * by its path before it writes the first CALL (a pointer, so the frame
 * code depends on no path): ret is the address the CALL pushed. */
extern const u8 kprobe_ftrace_caller[], kprobe_opt_caller[];
extern u8 kprobe_detours[];
typedef void (*kp_frame_fn)(u64 ret, struct trapframe *tf);
extern kp_frame_fn kprobe_ftrace_handler, kprobe_opt_handler;

#endif
