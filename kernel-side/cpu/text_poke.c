/* Code patching (text_poke.h). One CPU runs here, with interrupts off: the
 * INT3 step matters for a site that the patching path itself, an exception
 * handler or a future NMI might execute, and it is tested by doing exactly
 * that (suite=ftrace, check ftrace.int3-redirect). */
#include "kernel-side/cpu/cpu.h"
#include "lib/libc.h"
#include "kernel-side/cpu/text_poke.h"

#define ARMED_MAX	4096
#define JMP_REL32	0xe9	/* SDM Vol2A JMP: E9 cd, relative to the next instruction */

static const struct poke *armed;	/* the batch whose INT3s are in */
static unsigned narmed;
static u64 int3_hits;

text_poke_narrate_fn text_poke_narrate;

static void poke(void *addr, const void *bytes, size_t len)
{
	u64 cr0 = read_cr0();
	volatile u8 *dst = addr;
	const u8 *src = bytes;

	write_cr0(cr0 & ~X86_CR0_WP);
	for (size_t i = 0; i < len; i++)
		dst[i] = src[i];
	write_cr0(cr0);
	sync_core();
}

void text_poke(void *addr, const void *bytes, size_t len)
{
	u8 before[POKE_NARRATE_MAX];

	if (text_poke_narrate && len <= POKE_NARRATE_MAX)
		memcpy(before, addr, len);
	poke(addr, bytes, len);
	if (text_poke_narrate && len <= POKE_NARRATE_MAX)
		text_poke_narrate(POKE_STEP_EARLY, addr, before, bytes, len);
}

void text_poke_arm(const struct poke *p, unsigned n)
{
	static const u8 int3 = INT3_INSN;

	trap_set_int3(TRAP_INT3_POKE, text_poke_int3);
	armed = p;
	narmed = n < ARMED_MAX ? n : ARMED_MAX;
	for (unsigned i = 0; i < n; i++) {
		u8 before[POKE_LEN];

		if (text_poke_narrate)
			memcpy(before, p[i].addr, POKE_LEN);
		poke(p[i].addr, &int3, 1);
		if (text_poke_narrate)
			text_poke_narrate(POKE_STEP_INT3, p[i].addr, before, p[i].insn, POKE_LEN);
	}
}

void text_poke_finish(const struct poke *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		poke(p[i].addr + 1, p[i].insn + 1, POKE_LEN - 1);
		if (text_poke_narrate)
			text_poke_narrate(POKE_STEP_BODY, p[i].addr, NULL, p[i].insn, POKE_LEN);
	}
	for (unsigned i = 0; i < n; i++) {
		poke(p[i].addr, p[i].insn, 1);
		if (text_poke_narrate)
			text_poke_narrate(POKE_STEP_FIRST, p[i].addr, NULL, p[i].insn, POKE_LEN);
	}
	armed = NULL;
	narmed = 0;
}

void text_poke_batch(const struct poke *p, unsigned n)
{
	text_poke_arm(p, n);
	text_poke_finish(p, n);
}

/* #BP is a trap: RIP is the byte after the INT3 (SDM Vol3A 6.5). A JMP
 * rel32 (a jump-optimized probe's) is emulated, as Linux's
 * poke_int3_handler does: the bytes it stands for may not be skipped. The
 * other instructions pmulab pokes are a NOP or a CALL to a tracer or probe
 * trampoline, so resuming after the site runs the function untraced for
 * this one call. Emulating the CALL, as Linux does, would need a gap below
 * the exception frame for the pushed return address (Linux's
 * int3_emulate_push); skipping costs at most one traced call. */
bool text_poke_int3(struct trapframe *tf)
{
	for (unsigned i = 0; i < narmed; i++) {
		u64 site = (u64)(uintptr_t)armed[i].addr;
		s32 rel;

		if (site + 1 != tf->rip)
			continue;
		tf->rip = site + POKE_LEN;
		if (armed[i].insn[0] == JMP_REL32) {
			memcpy(&rel, armed[i].insn + 1, sizeof(rel));
			tf->rip += (u64)(s64)rel;
		}
		int3_hits++;
		return true;
	}
	return false;
}

u64 text_poke_int3_hits(void)
{
	return int3_hits;
}
