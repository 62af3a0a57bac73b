/* The exception table: instructions that may fault in the owned world, each
 * with where to resume. hw.c's accessors and the self-test list theirs in
 * inline asm; trap() takes the fixup. Below both, so neither needs the
 * other. */
#ifndef PMULAB_EXTABLE_H
#define PMULAB_EXTABLE_H

#include "lib/types.h"

/*
 * An exception-table entry says: if the instruction at `insn` faults, resume
 * at `fixup`. Both are stored relative to the entry's own fields (as Linux's
 * relative extable does), so the table needs no load-time relocation.
 */
struct extable_entry {
	s32 insn;
	s32 fixup;
};

#define _ASM_EXTABLE(insn, fixup)				\
	".pushsection .extable, \"a\"\n\t"			\
	".balign 4\n\t"						\
	".long (" #insn ") - .\n\t"				\
	".long (" #fixup ") - .\n\t"				\
	".popsection\n\t"

/* HW_ERR_FAULT | vector after a fixup was taken; callers zero it first. */
extern volatile int trap_fixup_result;

/* Fixups taken since boot (each is one fault caught and resumed). */
u64 trap_fixup_count(void);

/* For trap(): a fault of vector at *rip, which the table lists, resumes at
 * its fixup (*rip moved, trap_fixup_result set). False when not listed. */
bool extable_fixup(u64 *rip, unsigned vector);

/* Whether pmulab's IDT is loaded (owned.c sets it around a section): only
 * then does a listed fault reach its fixup, so the accessors refuse to run
 * without it (HW_ERR_NOT_OWNED). */
void extable_set_live(bool on);
bool extable_live(void);

#endif
