/* CPU identification from CPUID (SDM Vol2A CPUID; AMD APM Vol3 Appendix E),
 * probed once into struct cpu_info; every later decision reads the struct. */
#ifndef PMULAB_CPUINFO_H
#define PMULAB_CPUINFO_H

#include "kernel-side/cpu/cpu.h"
#include "lib/events.h"	/* enum cpu_vendor */

/* CPUID.1:ECX / EDX and CPUID.80000001H:ECX feature bits pmulab reads. */
#define X86_FEATURE_PDCM	BIT(15)	/* 1:ECX: IA32_PERF_CAPABILITIES */
#define X86_FEATURE_X2APIC	BIT(21)	/* 1:ECX */
#define X86_FEATURE_HYPERVISOR	BIT(31)	/* 1:ECX */
#define X86_FEATURE_DE		BIT(2)	/* 1:EDX: debugging extensions, CR4.DE */
#define X86_FEATURE_MSR		BIT(5)	/* 1:EDX: RDMSR/WRMSR */
#define X86_FEATURE_APIC	BIT(9)	/* 1:EDX: on-chip APIC */
#define X86_FEATURE_CLFSH	BIT(19)	/* 1:EDX: CLFLUSH */
#define X86_FEATURE_RTM		BIT(11)	/* 7.0:EBX: XBEGIN, XEND, XABORT */
#define X86_FEATURE_RTM_ALWAYS_ABORT BIT(11) /* 7.0:EDX: and XBEGIN always aborts */
#define X86_FEATURE_ARCH_LBR	BIT(19)	/* 7.0:EDX */
#define X86_FEATURE_PERFCTR_CORE BIT(23) /* 80000001H:ECX: 6 core counters */
#define X86_FEATURE_BPEXT	BIT(26)	/* 80000001H:ECX: DR address masks */

struct cpu_info {
	char vendor[13];
	enum cpu_vendor vendor_id;
	u32 max_leaf, max_ext_leaf;
	u32 signature;			/* CPUID.1:EAX */
	u32 family, model, stepping;	/* display values, SDM Vol2A 3-240 */
	u32 leaf1_ecx, leaf1_edx;
	u32 leaf7_ebx, leaf7_ecx, leaf7_edx;
	u32 ext1_ecx, ext1_edx;		/* CPUID.80000001H */
	char brand[49];			/* "" when leaves 80000002H-4 are absent */
	bool hypervisor;		/* CPUID.1:ECX[31] */
	char hv_signature[13];		/* CPUID.40000000H EBX:ECX:EDX */
	u32 hv_max_leaf;
};

void cpu_probe(struct cpu_info *ci);
/* CPUID of a leaf the CPU enumerates; false (and zeros) when it does not. */
bool cpu_leaf(const struct cpu_info *ci, u32 leaf, u32 subleaf, struct cpuid_regs *r);
bool cpu_is_amd_like(const struct cpu_info *ci);
void cpu_report(const struct cpu_info *ci);

#endif
