/* The exception table (extable.h): the payload's linker script gathers the
 * entries between __start_extable and __stop_extable. */
#include "kernel-side/cpu/exception.h"
#include "kernel-side/cpu/extable.h"

/* Weak: a hosted unit test links no table, and reads it as empty. */
extern const struct extable_entry __start_extable[] __attribute__((weak));
extern const struct extable_entry __stop_extable[] __attribute__((weak));

volatile int trap_fixup_result;
static u64 trap_fixups;
static bool live;

static u64 ex_addr(const s32 *field)
{
	return (u64)(uintptr_t)field + (s64)*field;
}

u64 trap_fixup_count(void)
{
	return trap_fixups;
}

bool extable_fixup(u64 *rip, unsigned vector)
{
	for (const struct extable_entry *e = __start_extable; e < __stop_extable; e++) {
		if (ex_addr(&e->insn) != *rip)
			continue;
		trap_fixup_result = HW_ERR_FAULT | (int)vector;
		trap_fixups++;
		*rip = ex_addr(&e->fixup);
		return true;
	}
	return false;
}

void extable_set_live(bool on)
{
	live = on;
}

bool extable_live(void)
{
	return live;
}
