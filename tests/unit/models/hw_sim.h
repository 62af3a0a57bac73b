/* A simulated CPU behind kernel-side/cpu/hw.h, so the drivers' probing and MSR
 * handling run unchanged in unit tests: CPUID leaves, MSRs that exist (or
 * fault, or behave like QEMU TCG's: read 0, drop writes), RDPMC, MMIO, DRs. */
#ifndef PMULAB_HW_SIM_H
#define PMULAB_HW_SIM_H

#include "lib/types.h"
#include "tests/unit/models/spec.h"

/* The backend interface the model implements, declared from its own side so
 * that no model includes a driver header; hw_iface.c, the one file that sees
 * both, fails to compile when they part. Results are 0 or SIM_ERR_FAULT |
 * vector, hw.h's HW_ERR_FAULT. */
#define SIM_ERR_FAULT	0x100
#define SIM_GP_FAULT	(SIM_ERR_FAULT | SPEC_GP_VECTOR)
struct cpuid_regs;
struct sim_cpuid_regs {
	u32 eax, ebx, ecx, edx;
};
void hw_cpuid(u32 leaf, u32 subleaf, struct cpuid_regs *r);
int hw_rdmsr(u32 msr, u64 *val);
int hw_wrmsr(u32 msr, u64 val);
int hw_rdpmc(u32 index, u64 *val);
u32 hw_mmio_read32(u64 addr);
void hw_mmio_write32(u64 addr, u32 val);
void hw_irq_window(void);
u64 hw_read_dr(unsigned n);
void hw_write_dr(unsigned n, u64 v);
u64 hw_read_cr0(void);
void hw_write_cr0(u64 v);

enum sim_msr_kind {
	SIM_MSR_RW,	/* holds what is written */
	SIM_MSR_RO,	/* reads its value, writes #GP */
	SIM_MSR_DROP,	/* reads 0, writes vanish (TCG's unknown MSRs) */
};

void sim_reset(void);
void sim_cpuid(u32 leaf, u32 subleaf, u32 eax, u32 ebx, u32 ecx, u32 edx);
/* Vendor string and max leaf (leaf 0), and max extended leaf. */
void sim_cpuid_vendor(const char *vendor, u32 max_leaf, u32 max_ext_leaf);
void sim_cpuid_brand(const char *brand);
/* An MSR that was not added raises #GP on any access, unless: */
void sim_msr(u32 msr, u64 val, enum sim_msr_kind kind);
/* TCG: every MSR not added reads 0 and drops writes instead of #GP. */
void sim_msr_default_drop(bool drop);
u64 sim_msr_value(u32 msr);
/* After the next write to msr, it reads back as val (a counter that moved). */
void sim_msr_drift(u32 msr, u64 val);
unsigned sim_msr_writes(void);
void sim_rdpmc(int err, u64 val);
void sim_mmio(u64 addr, u32 val);
void sim_dr(unsigned n, u64 val);
/* CR0: what hw_write_cr0() left (sim_reset: PG, WP, NE, ET, MP, PE set, as
 * UEFI runs), and how many writes. */
void sim_cr0(u64 val);
u64 sim_cr0_value(void);
unsigned sim_cr0_writes(void);

/* A device model that claims some MSRs and RDPMC (tests/unit/models/pmu_sim.c, the
 * x2APIC model in test_sample.c). Each hook (any may be NULL) returns
 * SIM_NOT_MINE for what it does not model, else 0 or an HW_ERR_* code.
 * The device attached last is asked first, so it can watch or shadow the
 * ones under it. */
#define SIM_NOT_MINE (-1)
#define SIM_DEVICES_MAX 4
struct sim_device {
	int (*rdmsr)(u32 msr, u64 *val);
	int (*wrmsr)(u32 msr, u64 val);
	int (*rdpmc)(u32 index, u64 *val);
};
void sim_attach(const struct sim_device *dev);	/* sim_reset() detaches all */
/* The device attached last, so a second model can sit in front of it and
 * pass on what it does not claim (tests/unit/models/lbr_sim.c over pmu_sim.c). */
const struct sim_device *sim_attached(void);

/* A device on the memory bus (the xAPIC model in test_sample.c): MMIO hooks
 * as above, and what hw_irq_window() lets in. One at a time; sim_reset()
 * detaches it. */
struct sim_bus_device {
	int (*mmio_read)(u64 addr, u32 *val);
	int (*mmio_write)(u64 addr, u32 val);
	void (*irq_window)(void);	/* deliver what is pending */
};
void sim_attach_bus(const struct sim_bus_device *dev);

#endif
