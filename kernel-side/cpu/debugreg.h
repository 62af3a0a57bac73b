/* Debug-register facts (SDM Vol3B 18.2 "Debug Registers"; AMD APM Vol2 13.1). */
#ifndef PMULAB_DEBUGREG_H
#define PMULAB_DEBUGREG_H

#include "kernel-side/cpu/apic.h"
#include "kernel-side/owned/trap.h"

#define NR_BREAKPOINTS 4	/* DR0-DR3: architectural in 64-bit mode */

struct debug_caps {
	bool de;		/* CPUID.1:EDX[2]: CR4.DE, I/O breakpoints */
	bool bpext;		/* CPUID.80000001H:ECX[26]: AMD address masks */
	u64 dr6, dr7;		/* as the firmware left them */
	int debugctl_err;
	u64 debugctl;		/* IA32_DEBUGCTL */
};

/* DR7 (SDM Vol3B 18.2.4, Figure 18-1): enable bits L0/G0..L3/G3, then
 * for each breakpoint n a 2-bit R/W and a 2-bit LEN field. */
#define DR7_L(n)	BIT_ULL(2 * (n))
#define DR7_G(n)	BIT_ULL(2 * (n) + 1)
#define DR7_LE		BIT_ULL(8)	/* exact data breakpoints (P6 and later ignore) */
#define DR7_GE		BIT_ULL(9)
#define DR7_FIXED_1	BIT_ULL(10)	/* reads as 1 */
#define DR7_GD		BIT_ULL(13)	/* #DB on MOV to/from a debug register */
#define DR7_RW_SHIFT(n)	(16 + 4 * (n))
#define DR7_LEN_SHIFT(n) (18 + 4 * (n))
#define DR7_FIELD_MASK	3ull

/* R/W field values (SDM Vol3B 18.2.4). */
enum dr_type {
	DR_RW_EXECUTE = 0,	/* instruction fetch: a fault, resumed with RF */
	DR_RW_WRITE = 1,	/* data write: a trap */
	DR_RW_IO = 2,		/* I/O (CR4.DE): not used by pmulab */
	DR_RW_READ_WRITE = 3,	/* data read or write (not fetch): a trap */
};

/* LEN field values: note 8 bytes is 10b, 4 bytes 11b. */
#define DR_LEN_1	0
#define DR_LEN_2	1
#define DR_LEN_8	2
#define DR_LEN_4	3

/* DR6 (SDM Vol3B 18.2.3): what caused the #DB. Sticky: software clears it. */
#define DR6_B(n)	BIT_ULL(n)	/* breakpoint n's condition met */
#define DR6_B_MASK	0xfull
#define DR6_BD		BIT_ULL(13)	/* debug-register access with GD */
#define DR6_BS		BIT_ULL(14)	/* single step (RFLAGS.TF) */
#define DR6_BT		BIT_ULL(15)	/* task switch */
#define DR6_RTM		BIT_ULL(16)	/* active low: 0 = inside RTM */

/* A breakpoint in DR0-DR3: execute (len 1), write or read/write (1, 2, 4
 * or 8 bytes, addr aligned to len). */
struct hw_breakpoint {
	u64 addr;
	enum dr_type type;
	unsigned len;
	/* Runs in the #DB handler; tf->rip is the instruction (execute) or the
	 * one after the access (data). May be NULL. */
	void (*handler)(struct hw_breakpoint *bp, struct trapframe *tf);
	void *data;
	u64 hits;
	u64 last_rip;		/* tf->rip of the last hit */
	u64 last_dr6;		/* DR6 as the last hit found it */
	int slot;		/* DR0-DR3 in use, -1 when not installed */
};

/* The debug registers as found, to give back on leaving. */
struct dr_state {
	u64 dr[NR_BREAKPOINTS], dr6, dr7;
};

/* NULL when addr/type/len is a breakpoint DR7 can express, else why not
 * ("bad-len", "unaligned", "exec-len-not-1", "io-unsupported"). */
const char *dr_check(u64 addr, enum dr_type type, unsigned len);
/* LEN encoding of 1, 2, 4 or 8 bytes. */
unsigned dr_len_code(unsigned len);
/* dr7 with breakpoint n enabled locally as type/len (fields replaced). */
u64 dr7_set(u64 dr7, unsigned n, enum dr_type type, unsigned len);
/* dr7 with breakpoint n disabled and its fields cleared. */
u64 dr7_clear(u64 dr7, unsigned n);
const char *dr_type_name(enum dr_type t);
/* The conditions DR6 reports, as "B0|B2|BS|BD|BT" ("none" if none). */
const char *dr6_decode(u64 dr6, char *buf, size_t size);

/* Explain mode (explain.c) sets this hook: called after each debug-register
 * write this file makes. The #DB handler's DR6 reset (trap.c) is not
 * narrated: it runs inside the exception, at every hit. NULL costs a load
 * and a branch. */
typedef void (*dr_narrate_fn)(unsigned n, u64 val);
extern dr_narrate_fn dr_narrate;

void dr_save(struct dr_state *s);
void dr_restore(const struct dr_state *s);
/* Programs a free DR0-DR3: 0, or -1 with *why set (dr_check's reasons,
 * "no-free-register"). */
int dr_install(struct hw_breakpoint *bp, const char **why);
void dr_uninstall(struct hw_breakpoint *bp);
/* trap()'s #DB hook (TRAP_DEBUG_BREAKPOINT), registered by dr_install(),
 * with DR6 as read: true when one of the installed breakpoints matched
 * (each counted, its handler run, RF set for an execute breakpoint). */
bool dr_exception(struct trapframe *tf, u64 dr6);

/* Needs the owned world (reads IA32_DEBUGCTL). */
void debug_probe(const struct cpu_info *ci, struct debug_caps *dc);
void debug_report(const struct debug_caps *dc, const struct apic_info *ai);

#endif
