/* Local APIC discovery (SDM Vol3A 11.4 "Local APIC", 12.x "x2APIC"). */
#ifndef PMULAB_APIC_H
#define PMULAB_APIC_H

#include "cpuinfo.h"

/* xAPIC MMIO register offsets (SDM Vol3A Table 11-1) */
#define APIC_ID			0x020	/* ID in bits 31:24 */
#define APIC_LVR		0x030	/* version [7:0], max LVT entry [23:16] */
/* x2APIC MSRs: 0x800 + (xAPIC offset >> 4) (SDM Vol3A Table 12-2) */
#define MSR_IA32_X2APIC_APICID	0x00000802
#define MSR_IA32_X2APIC_VERSION	0x00000803

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
const char *apic_mode_name(enum apic_mode mode);

#endif
