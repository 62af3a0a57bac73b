/* x86-64 instruction wrappers: CPUID, MSRs, RDPMC, RDTSC, control and debug
 * registers, descriptor tables, port I/O. The raw forms fault like the
 * instructions do; code that may touch an absent MSR or counter goes through
 * msr_read_safe()/msr_write_safe()/rdpmc_safe() instead (msr.h). */
#ifndef PMULAB_CPU_H
#define PMULAB_CPU_H

#include "lib/types.h"

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

/* A descriptor-table register image for LIDT/SIDT (SDM Vol3A 2.4.1). */
struct desc_ptr {
	u16 limit;
	u64 base;
} __attribute__((packed));

#define X86_CR0_WP BIT(16)	/* supervisor writes honour read-only pages */
#define X86_CR4_DE BIT(3)	/* debug extensions: DR4/DR5 reserved, I/O breakpoints */
#define X86_EFLAGS_TF BIT(8)	/* trap flag: single-step */
#define X86_EFLAGS_IF BIT(9)	/* interrupt enable */
#define X86_EFLAGS_RF BIT(16)	/* resume flag: suppress instruction breakpoints */

static inline void cpuid_count(u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
	asm volatile("cpuid"
		     : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
		     : "a"(leaf), "c"(subleaf));
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return (u64)hi << 32 | lo;
}

static inline void wrmsr(u32 msr, u64 val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

/* Waits for every earlier instruction to complete locally before any later
 * one starts (SDM Vol2A LFENCE): fences a measured region. */
static inline void lfence(void)
{
	asm volatile("lfence" ::: "memory");
}

static inline u64 read_cr0(void)
{
	u64 v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(u64 v)
{
	asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

/* CPUID serializes (SDM Vol3A 8.3): after modifying code, the next
 * instruction fetch sees the new bytes (SDM Vol3A 8.1.3). */
static inline void sync_core(void)
{
	u32 a = 0, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
}

static inline u64 read_cr2(void)
{
	u64 v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr3(void)
{
	u64 v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr4(void)
{
	u64 v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline u64 read_dr6(void)
{
	u64 v;

	asm volatile("mov %%dr6, %0" : "=r"(v));
	return v;
}

#define DR6_INIT 0xffff0ff0ull	/* DR6 with no condition recorded (SDM Vol3B 18.2.3) */

static inline void write_dr6(u64 v)
{
	asm volatile("mov %0, %%dr6" : : "r"(v));
}

static inline u64 read_dr7(void)
{
	u64 v;

	asm volatile("mov %%dr7, %0" : "=r"(v));
	return v;
}

static inline u64 read_rflags(void)
{
	u64 v;

	asm volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void write_rflags(u64 v)
{
	asm volatile("pushq %0; popfq" : : "r"(v) : "memory", "cc");
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

static inline u16 read_cs(void)
{
	u16 v;

	asm volatile("mov %%cs, %0" : "=r"(v));
	return v;
}

static inline void sidt(struct desc_ptr *p)
{
	asm volatile("sidt %0" : "=m"(*p));
}

static inline void lidt(const struct desc_ptr *p)
{
	asm volatile("lidt %0" : : "m"(*p) : "memory");
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpu_relax(void)
{
	asm volatile("pause" : : : "memory");
}

#endif
