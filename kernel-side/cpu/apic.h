/* The local APIC (SDM Vol3A ch.11 "Advanced Programmable Interrupt Controller",
 * 11.5 "Handling local interrupts", 12.x "x2APIC"): discovery, and the LVT
 * entries, timer and EOI that sampling programs, in xAPIC (MMIO) or x2APIC
 * (MSR) mode, whichever the firmware enabled. */
#ifndef PMULAB_APIC_H
#define PMULAB_APIC_H

#include "kernel-side/cpu/cpuinfo.h"

/* xAPIC MMIO register offsets (SDM Vol3A Table 11-1), Linux apicdef.h names */
#define APIC_ID			0x020	/* ID in bits 31:24 */
#define APIC_LVR		0x030	/* version [7:0], max LVT entry [23:16] */
#define APIC_TASKPRI		0x080	/* TPR */
#define APIC_EOI		0x0b0	/* write-only */
#define APIC_SPIV		0x0f0	/* spurious-interrupt vector register */
#define  APIC_SPIV_VECTOR	0xffu
#define  APIC_SPIV_APIC_ENABLED	BIT(8)
#define APIC_ISR		0x100	/* 8 words, 0x10 apart: vector v is bit v%32 */
#define APIC_IRR		0x200	/* of word v/32 */
#define APIC_LVTCMCI		0x2f0	/* max_lvt >= 6 */
#define APIC_LVTT		0x320	/* LVT timer */
#define APIC_LVTTHMR		0x330	/* LVT thermal sensor, max_lvt >= 5 */
#define APIC_LVTPC		0x340	/* LVT performance-monitoring counters, max_lvt >= 4 */
#define APIC_LVT0		0x350	/* LINT0: the 8259's ExtINT on PCs */
#define APIC_LVT1		0x360	/* LINT1: NMI on PCs */
#define APIC_LVTERR		0x370
#define APIC_TMICT		0x380	/* timer initial count: writing starts it */
#define APIC_TMCCT		0x390	/* timer current count, read-only */
#define APIC_TDCR		0x3e0	/* timer divide configuration */
/* LVT entry bits (SDM Vol3A Figure 11-8) */
#define APIC_VECTOR_MASK	0xffu
#define APIC_DM_FIXED		0x00000u
#define APIC_DM_NMI		0x00400u
/* Bits the hardware owns in an LVT entry: delivery status (12) and remote
 * IRR (14) read back whatever the APIC is doing. */
#define APIC_LVT_RO_BITS	(BIT(12) | BIT(14))
#define APIC_LVT_MASKED		BIT(16)
#define APIC_LVT_TIMER_PERIODIC	BIT(17)	/* [18:17] 00 one-shot, 01 periodic */
/* TDCR [3,1:0] (SDM Vol3A Figure 11-10) */
#define APIC_TDR_DIV_2		0x0u
#define APIC_TDR_DIV_1		0xbu
/* x2APIC MSRs: 0x800 + (xAPIC offset >> 4) (SDM Vol3A Table 12-2) */
#define APIC_X2APIC_MSR(reg)	(0x800u + ((reg) >> 4))
#define MSR_IA32_X2APIC_APICID	0x00000802
#define MSR_IA32_X2APIC_VERSION	0x00000803

/* pmulab's vectors. The priority class is vector >> 4; the PMI sits above
 * the timer, the spurious vector has its low four bits set as P6-era APICs
 * require (SDM Vol3A 11.9). */
#define APIC_TIMER_VECTOR	0xec
#define APIC_PMI_VECTOR		0xee
#define APIC_SPURIOUS_VECTOR	0xff
/* TPR while pmulab owns the APIC: classes 0-0xd wait (SDM Vol3A 11.8.3.1) */
#define APIC_TPR_OWNED		0xd0

enum apic_mode { APIC_ABSENT, APIC_DISABLED, APIC_XAPIC, APIC_X2APIC };

struct apic_info {
	enum apic_mode mode;
	bool x2apic_cap;		/* CPUID.1:ECX[21] */
	int base_err;			/* reading IA32_APIC_BASE */
	u64 apic_base;			/* the MSR as read */
	u32 id;
	u32 version;			/* LVR[7:0]: 0x1x integrated APIC */
	u32 max_lvt;			/* LVR[23:16]: entries - 1; >= 4 has LVTPC */
};

/* Needs the owned world (reads IA32_APIC_BASE). */
void apic_probe(const struct cpu_info *ci, struct apic_info *ai);

/* Takes the APIC for the rest of the owned section: saves SPIV, TPR, every
 * LVT entry and the timer, masks every LVT entry (what the firmware armed
 * stays quiet), points SPIV at APIC_SPURIOUS_VECTOR and raises TPR to
 * APIC_TPR_OWNED, so only pmulab's vectors are delivered; registers
 * apic_release() to run on leaving the section (owned_on_leave) and the EOI
 * for stray interrupts (trap_set_eoi). 0, or HW_ERR_NOT_SUPPORTED when the
 * APIC is neither xAPIC nor x2APIC, or the error of owned_on_leave(). */
int apic_own(const struct apic_info *ai);
bool apic_owned(void);
/* On leaving the section (its leave hook): masks pmulab's sources, lets an
 * interrupt of theirs still pending be taken by pmulab's IDT, then writes
 * every saved register back (TMICT last: writing it restarts the timer).
 * Returns how many were restored; *mismatched how many did not read back. */
unsigned apic_release(unsigned *mismatched);

u32 apic_read(u32 reg);
void apic_write(u32 reg, u32 val);
void apic_eoi(void);
bool apic_irr_test(unsigned vector);
bool apic_isr_test(unsigned vector);
/* LVTPC on vector, fixed delivery, unmasked: also what a PMI handler writes
 * to unmask it, since "when the local APIC handles a performance-monitoring
 * counters interrupt, it automatically sets the mask flag" (SDM Vol3A 11.5.1). */
void apic_lvtpc_arm(unsigned vector);
/* Divide by tdcr (APIC_TDR_*), count in TMICT: one-shot or periodic. */
void apic_timer_start(unsigned vector, bool periodic, u32 tdcr, u32 count);
void apic_timer_stop(void);

#endif
