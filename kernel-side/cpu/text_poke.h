/* Writing the payload's own code while it runs, as Linux's text_poke_bp()
 * does (arch/x86/kernel/alternative.c): a 5-byte instruction is replaced in
 * three steps -- INT3 on its first byte, then bytes 1-4, then the first byte
 * -- serialising after each, so a CPU fetching the site mid-change sees
 * either the old instruction, the new one, or the INT3, never a torn mix.
 * The #BP handler sends a CPU that hits the INT3 past the site (to its
 * target for a JMP). Shared by
 * the function tracer and, later, the probe engine: one #BP path. */
#ifndef PMULAB_TEXT_POKE_H
#define PMULAB_TEXT_POKE_H

#include "kernel-side/owned/owned.h"
#include "kernel-side/owned/trap.h"

#define POKE_LEN	5
#define INT3_INSN	0xcc
#define JMP_REL32	0xe9	/* SDM Vol2A JMP: E9 cd, relative to the next instruction */

struct poke {
	u8 *addr;
	u8 insn[POKE_LEN];
};

/* Writes len bytes of code at addr, with CR0.WP clear for the write (the
 * firmware may map its images' code read-only: UEFI 2.8 memory attributes),
 * then serialises. Owned world: interrupts are off. Logged (below). */
void text_poke(void *addr, const void *bytes, size_t len);

/* The three-step protocol over n sites at once (the batch Linux does): all
 * INT3s, sync, all bodies, sync, all first bytes, sync. */
void text_poke_batch(const struct poke *p, unsigned n);

/* The first step alone and the rest, for a test that runs a site while its
 * INT3 is in place. A batch the log has no room for is refused whole: no
 * INT3 goes in, and its finish writes nothing. */
void text_poke_arm(const struct poke *p, unsigned n);
void text_poke_finish(const struct poke *p, unsigned n);

/*
 * The patch log. Inside a section every write above logs the bytes it
 * replaces, once per site (a write inside a logged site adds nothing), and
 * registers text_poke_leave() as an owned leave hook: leaving the section, by
 * its end or by an exception, puts every site that still differs back to its
 * logged bytes, newest first, with the three steps above; a site the section
 * unpatched itself costs a compare. Outside a section nothing is logged (a
 * runner's cleanup after an abort puts its own code back). A write the log
 * has no room for is refused, not made, and counted for owned.restore.
 */
#define POKE_LOG_MAX	1280	/* sites: ftrace's ENABLED_MAX (1024) at once, the
				   probes' INT3s and slots (KPROBE_MAX + KPROBE_SLOTS),
				   and room for more kinds of probe */
#define POKE_LOG_BYTES	(POKE_LOG_MAX * 8)	/* their bytes: 5 a site, 16 a slot */

/* The code as it is now is what leaving restores to: boot's NOPs
 * (ftrace_init) are the image's from then on. */
void text_poke_commit(void);
/* On, a normal leave keeps what is still patched for the next part of the
 * same run section (a lesson's probe between its steps; an abort still
 * restores it); off, every leave restores it. Set by the runner. */
void text_poke_hand_on(bool on);
/* The leave hook: CR0.WP back if a write was cut off with it clear, the sites
 * restored (st->aborted: all of them), st->code_* filled in. */
void text_poke_leave(struct owned_stats *st);
unsigned text_poke_logged(void);	/* sites in the log */

/* trap()'s #BP hook (TRAP_INT3_POKE), registered by text_poke_arm(): true
 * when this #BP is a site being poked (tf->rip now past it, as if the site
 * were a NOP, or at the target of a JMP rel32 being written). */
bool text_poke_int3(struct trapframe *tf);

/*
 * Explain mode (explain.c) sets this hook; NULL (the default) costs a load
 * and a branch per write. Called after each write of code: EARLY, a plain
 * text_poke() (before: the len bytes it replaced); INT3, step 1 of the
 * protocol at one site (before: the site's 5 bytes until then); BODY and
 * FIRST, steps 2 and 3 (before: NULL). after: what the site will hold.
 */
#define POKE_NARRATE_MAX 16	/* a plain write this long or shorter is narrated (a kprobe slot) */
enum poke_step { POKE_STEP_EARLY, POKE_STEP_INT3, POKE_STEP_BODY, POKE_STEP_FIRST };
typedef void (*text_poke_narrate_fn)(enum poke_step step, const u8 *addr, const u8 *before,
				     const u8 *after, size_t len);
extern text_poke_narrate_fn text_poke_narrate;
u64 text_poke_int3_hits(void);

#endif
