/* The C side of exception entry: a fault at an instruction listed in the
 * exception table resumes at its fixup; any other exception aborts the owned
 * section it happened in (owned.c), which reports it and exits cleanly. */
#include "exception.h"
#include "owned.h"
#include "text_poke.h"
#include "trap.h"

extern const struct extable_entry __start_extable[], __stop_extable[];

volatile int trap_fixup_result;
static u64 trap_fixups;

static u64 ex_addr(const s32 *field)
{
	return (u64)(uintptr_t)field + (s64)*field;
}

static const struct extable_entry *extable_find(u64 rip)
{
	for (const struct extable_entry *e = __start_extable; e < __stop_extable; e++)
		if (ex_addr(&e->insn) == rip)
			return e;
	return NULL;
}

u64 trap_fixup_count(void)
{
	return trap_fixups;
}

void trap(struct trapframe *tf)
{
	const struct extable_entry *e;

	if (tf->vector == BP_VECTOR && text_poke_int3(tf))
		return;
	/* Only faults resume through the table: a trap (#BP, #DB trap, #OF)
	 * reports the next instruction's address, never a listed one. */
	e = extable_find(tf->rip);
	if (e) {
		trap_fixup_result = HW_ERR_FAULT | (int)tf->vector;
		trap_fixups++;
		tf->rip = ex_addr(&e->fixup);
		return;
	}
	owned_fault(tf);
}
