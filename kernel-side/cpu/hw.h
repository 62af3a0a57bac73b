/* The hardware access backend under the drivers: CPUID, MSRs and RDPMC, with
 * exception fixups. kernel-side/cpu/hw.c drives the real CPU; the unit tests link
 * tests/unit/models/hw_sim.c instead, so the same drivers run against a model.
 * Results are 0 or an HW_ERR_* code (exception.h). */
#ifndef PMULAB_HW_H
#define PMULAB_HW_H

#include "kernel-side/cpu/cpu.h"
#include "kernel-side/cpu/exception.h"

void hw_cpuid(u32 leaf, u32 subleaf, struct cpuid_regs *r);
int hw_rdmsr(u32 msr, u64 *val);
int hw_wrmsr(u32 msr, u64 val);
int hw_rdpmc(u32 index, u64 *val);
u32 hw_mmio_read32(u64 addr);	/* UEFI maps memory and MMIO 1:1 */
void hw_mmio_write32(u64 addr, u32 val);
/* STI; NOP; CLI: one instruction with interrupts enabled, so an interrupt
 * the local APIC holds pending is taken now, by pmulab's IDT (STI delays
 * recognition by one instruction, SDM Vol2B STI). */
void hw_irq_window(void);
u64 hw_read_dr(unsigned n);	/* DR0-DR3, DR6, DR7 */
void hw_write_dr(unsigned n, u64 v);
u64 hw_rdtsc(void);
u64 hw_read_cr0(void);
void hw_write_cr0(u64 v);
u64 hw_read_cr3(void);
u64 hw_read_cr4(void);
void hw_write_cr4(u64 v);
/* MOV from DR4: DR6's value with CR4.DE=0, #UD with CR4.DE=1 (SDM Vol3B
 * 18.2.2); 0 or HW_ERR_FAULT | UD_VECTOR. Owned world only, as hw_rdmsr(). */
int hw_read_dr4(u64 *val);
u64 hw_phys_read64(u64 addr);	/* UEFI maps memory 1:1 */

#endif
