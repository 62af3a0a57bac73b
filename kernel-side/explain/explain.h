/* Explain mode: every MSR access the drivers make and every byte of code
 * patched, narrated decoded as it happens ("# wrmsr IA32_PERFEVTSEL0 (0x186)
 * <- 0x004300c0  event=0xc0 umask=0x00 USR OS EN  = instructions"). The one
 * decode table (explain_table.c) is built from the drivers' own constants
 * (msr.h, pmu.h, ftrace.h): there is no second copy of a bit layout.
 * Narration goes out as record-format narration lines, so it costs time:
 * explain mode is for learning, not for timing (docs/explain.md). */
#ifndef PMULAB_EXPLAIN_H
#define PMULAB_EXPLAIN_H

#include "kernel-side/cpu/msr.h"
#include "kernel-side/cpu/text_poke.h"

#define EXPLAIN_LINE_MAX 240	/* fits a narration line with its "# " */

/* Writes "func+0x1c" for a code address (the payload: symtab_format). */
typedef void (*explain_sym_fn)(u64 addr, char *buf, size_t size);

/* Sets the hooks in msr.c and text_poke.c (on) or clears them (off). */
void explain_enable(bool on);
bool explain_enabled(void);
void explain_set_symbolizer(explain_sym_fn fn);

/* The SDM name of an MSR ("IA32_PERFEVTSEL0"); NULL when the table lacks it. */
const char *explain_msr_name(u32 msr, char *buf, size_t size);
/* One access, decoded: "wrmsr NAME (0xN) <- 0xV  fields  = event". Returns
 * the length written. */
size_t explain_msr(char *buf, size_t size, enum msr_op op, u32 msr, u64 val, int err);
/* Just the fields of a value of msr ("event=0xc0 umask=0x00 USR OS EN  =
 * instructions"), for a lesson that shows what would be written. */
size_t explain_msr_fields(char *buf, size_t size, u32 msr, u64 val);

/* A debug-register write, decoded from debugreg.h's constants: "mov DR7 <-
 * 0x00000501  L0 RW0=exec LEN0=1 LE"; DR0-DR3 name the function an address
 * is in. And just the fields, for a value read ("B0 BS", "none"). */
size_t explain_dr(char *buf, size_t size, unsigned dr, u64 val);
size_t explain_dr_fields(char *buf, size_t size, unsigned dr, u64 val);

/* A site's change, "site tr_leaf+0x0: 0f 1f 44 00 00 -> e8 1b 2c 00 00
 * (5-byte nop -> call ftrace_caller)", and a step of the three-step
 * protocol with the bytes the site holds after it. */
size_t explain_poke_site(char *buf, size_t size, const u8 *addr, const u8 *before,
			 const u8 *after, size_t len);
size_t explain_poke_step(char *buf, size_t size, enum poke_step step, const u8 *addr);
/* What 5 bytes of code at addr are: "5-byte nop", "call ftrace_caller",
 * "jmp kprobe_detours" (a jump-optimized probe), "int3", "5 one-byte nops"
 * or "other". */
const char *explain_insn_kind(const u8 *bytes, const u8 *addr, char *buf, size_t size);

#endif
