/* The real hardware backend (hw.h). RDMSR, WRMSR and RDPMC sit in the
 * exception table: a #GP (KVM, absent MSR) or #UD (TCG's RDPMC) resumes after
 * the instruction with trap_fixup_result set. They are only legal inside an
 * owned section, where pmulab's IDT is the one that takes the fault
 * (extable_live). */
#include "kernel-side/cpu/extable.h"
#include "kernel-side/cpu/hw.h"

void hw_cpuid(u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
	cpuid_count(leaf, subleaf, r);
}

int hw_rdmsr(u32 msr, u64 *val)
{
	u32 lo = 0, hi = 0;

	*val = 0;
	if (!extable_live())
		return HW_ERR_NOT_OWNED;
	trap_fixup_result = 0;
	asm volatile("1: rdmsr\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	if (trap_fixup_result)
		return trap_fixup_result;
	*val = (u64)hi << 32 | lo;
	return 0;
}

int hw_wrmsr(u32 msr, u64 val)
{
	if (!extable_live())
		return HW_ERR_NOT_OWNED;
	trap_fixup_result = 0;
	asm volatile("1: wrmsr\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
	return trap_fixup_result;
}

int hw_rdpmc(u32 index, u64 *val)
{
	u32 lo = 0, hi = 0;

	*val = 0;
	if (!extable_live())
		return HW_ERR_NOT_OWNED;
	trap_fixup_result = 0;
	asm volatile("1: rdpmc\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : "+a"(lo), "+d"(hi) : "c"(index) : "memory");
	if (trap_fixup_result)
		return trap_fixup_result;
	*val = (u64)hi << 32 | lo;
	return 0;
}

u32 hw_mmio_read32(u64 addr)
{
	return *(volatile const u32 *)(uintptr_t)addr;
}

void hw_mmio_write32(u64 addr, u32 val)
{
	*(volatile u32 *)(uintptr_t)addr = val;
}

void hw_irq_window(void)
{
	asm volatile("sti; nop; cli" : : : "memory");
}

u64 hw_read_dr(unsigned n)
{
	u64 v = 0;

	switch (n) {
	case 0: asm volatile("mov %%dr0, %0" : "=r"(v)); break;
	case 1: asm volatile("mov %%dr1, %0" : "=r"(v)); break;
	case 2: asm volatile("mov %%dr2, %0" : "=r"(v)); break;
	case 3: asm volatile("mov %%dr3, %0" : "=r"(v)); break;
	case 6: v = read_dr6(); break;
	case 7: v = read_dr7(); break;
	}
	return v;
}

void hw_write_dr(unsigned n, u64 v)
{
	switch (n) {
	case 0: asm volatile("mov %0, %%dr0" : : "r"(v)); break;
	case 1: asm volatile("mov %0, %%dr1" : : "r"(v)); break;
	case 2: asm volatile("mov %0, %%dr2" : : "r"(v)); break;
	case 3: asm volatile("mov %0, %%dr3" : : "r"(v)); break;
	case 6: asm volatile("mov %0, %%dr6" : : "r"(v)); break;
	case 7: asm volatile("mov %0, %%dr7" : : "r"(v)); break;
	}
}

u64 hw_rdtsc(void)
{
	return rdtsc();
}

u64 hw_read_cr0(void)
{
	return read_cr0();
}

void hw_write_cr0(u64 v)
{
	write_cr0(v);
}

u64 hw_read_cr3(void)
{
	return read_cr3();
}

u64 hw_read_cr4(void)
{
	return read_cr4();
}

void hw_write_cr4(u64 v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

int hw_read_dr4(u64 *val)
{
	u64 v = 0;

	*val = 0;
	if (!extable_live())
		return HW_ERR_NOT_OWNED;
	trap_fixup_result = 0;
	asm volatile("1: mov %%dr4, %0\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : "+r"(v) : : "memory");
	if (trap_fixup_result)
		return trap_fixup_result;
	*val = v;
	return 0;
}

u64 hw_phys_read64(u64 addr)
{
	return *(volatile const u64 *)(uintptr_t)addr;
}
