/* pmu_sim.c: the PMU model, driven only through hw.h as a driver would see it.
 * Expected values come from the SDM Vol3B ch.20 / APM Vol2 13.2 rules, so the
 * selector bits below are spelled out here rather than taken from the model. */
#include "kernel-side/cpu/hw.h"
#include "tests/unit/models/pmu_sim.h"
#include "tests/unit/unit.h"

#define GP_FAULT	(HW_ERR_FAULT | GP_VECTOR)

/* EVTSEL / PERF_CTL bits (SDM 20.2.1.1, APM 13.2.1) */
#define USR		BIT_ULL(16)
#define OS		BIT_ULL(17)
#define EDGE		BIT_ULL(18)
#define INT		BIT_ULL(20)
#define EN		BIT_ULL(22)
#define INV		BIT_ULL(23)
#define ALL		(EN | OS | USR)
#define IN_TX		BIT_ULL(32)	/* SDM Vol3B 20.3.6.5 */
#define IN_TXCP		BIT_ULL(33)

/* Intel */
#define EVTSEL(i)	(0x186u + (i))
#define PMC(i)		(0xc1u + (i))
#define A_PMC(i)	(0x4c1u + (i))
#define FIXED(j)	(0x309u + (j))
#define FIXED_CTRL	0x38du
#define GSTATUS		0x38eu
#define GCTRL		0x38fu
#define OVF_CTRL	0x390u
#define PERF_CAPS	0x345u
#define RDPMC_FIXED	BIT(30)
/* AMD */
#define K7_CTL(i)	(0xc0010000u + (i))
#define K7_CTR(i)	(0xc0010004u + (i))
#define CTL(i)		(0xc0010200u + 2 * (i))
#define CTR(i)		(0xc0010201u + 2 * (i))
#define AMD_STATUS	0xc0000300u
#define AMD_CTL		0xc0000301u
#define AMD_CLR		0xc0000302u

#define M48		0xffffffffffffull
#define M40		0xffffffffffull

/* Macros, not functions, so a failure names the caller's line. */
#define WR(msr, v)	CHECK_U64(hw_wrmsr(msr, v), 0)
#define WR_GP(msr, v)	CHECK_U64(hw_wrmsr(msr, v), GP_FAULT)
#define RD(msr, want)                                                        \
	do {                                                                 \
		u64 v_ = 0xdeadull;                                          \
		CHECK_U64(hw_rdmsr(msr, &v_), 0);                            \
		CHECK_U64(v_, want);                                         \
	} while (0)
#define RD_GP(msr)                                                           \
	do {                                                                 \
		u64 v_ = 0xdeadull;                                          \
		CHECK_U64(hw_rdmsr(msr, &v_), GP_FAULT);                     \
		CHECK_U64(v_, 0);                                            \
	} while (0)
#define NO_MSR(msr)                                                          \
	do {                                                                 \
		RD_GP(msr);                                                  \
		WR_GP(msr, 0);                                               \
	} while (0)
#define RDPMC(ecx, want)                                                     \
	do {                                                                 \
		u64 v_ = 0xdeadull;                                          \
		CHECK_U64(hw_rdpmc(ecx, &v_), 0);                            \
		CHECK_U64(v_, want);                                         \
	} while (0)
#define RDPMC_GP(ecx)                                                        \
	do {                                                                 \
		u64 v_ = 0xdeadull;                                          \
		CHECK_U64(hw_rdpmc(ecx, &v_), GP_FAULT);                     \
		CHECK_U64(v_, 0);                                            \
	} while (0)
#define CPUID(leaf, a, b, c, d)                                              \
	do {                                                                 \
		struct cpuid_regs r_;                                        \
		hw_cpuid(leaf, 0, &r_);                                      \
		CHECK_U64(r_.eax, a);                                        \
		CHECK_U64(r_.ebx, b);                                        \
		CHECK_U64(r_.ecx, c);                                        \
		CHECK_U64(r_.edx, d);                                        \
	} while (0)

/* Leaf 0 vendor words in EBX, ECX, EDX order; leaf 1 EDX = DE TSC MSR APIC. */
#define INTEL_EBX 0x756e6547u	/* "Genu" */
#define INTEL_ECX 0x6c65746eu	/* "ntel" */
#define INTEL_EDX 0x49656e69u	/* "ineI" */
#define AMD_EBX	  0x68747541u	/* "Auth" */
#define AMD_ECX	  0x444d4163u	/* "cAMD" */
#define AMD_EDX	  0x69746e65u	/* "enti" */
#define LEAF1_EDX 0x80234u	/* DE, TSC, MSR, APIC, CLFSH */
#define PDCM	  0x8000u

/* Intel generic events on GP counters, umask<<8|event (SDM Table 20-1). */
static const u64 intel_code[] = {
	[PMU_SIM_INSTRUCTIONS] = 0x00c0, [PMU_SIM_CYCLES] = 0x003c,
	[PMU_SIM_REF_CYCLES] = 0x013c, [PMU_SIM_BRANCHES] = 0x00c4,
	[PMU_SIM_BRANCH_MISSES] = 0x00c5, [PMU_SIM_LLC_REFERENCES] = 0x4f2e,
	[PMU_SIM_LLC_MISSES] = 0x412e,
};
#define NR_EVENTS ARRAY_SIZE(intel_code)

/* ------------------------------------------------------ hw_sim hook ---- */

static u64 fake_reg;

static int fake_rdmsr(u32 msr, u64 *val)
{
	if (msr == 0x10)
		*val = fake_reg;
	else if (msr == 0x11)
		return GP_FAULT;
	else
		return SIM_NOT_MINE;
	return 0;
}

static int fake_wrmsr(u32 msr, u64 val)
{
	if (msr != 0x10)
		return msr == 0x11 ? GP_FAULT : SIM_NOT_MINE;
	fake_reg = val;
	return 0;
}

static int fake_rdpmc(u32 index, u64 *val)
{
	if (index)
		return SIM_NOT_MINE;
	*val = 77;
	return 0;
}

static void test_device_hook(void)
{
	static const struct sim_device fake = { fake_rdmsr, fake_wrmsr, fake_rdpmc };

	sim_reset();
	sim_msr(0x10, 1, SIM_MSR_RW);	/* shadowed by the device */
	sim_msr(0x20, 2, SIM_MSR_RW);	/* not the device's: the table answers */
	sim_rdpmc(0, 99);
	sim_attach(&fake);
	WR(0x10, 5);
	RD(0x10, 5);
	CHECK_U64(sim_msr_value(0x10), 1);
	RD_GP(0x11);
	WR_GP(0x11, 1);
	RD(0x20, 2);
	WR(0x20, 3);
	RD(0x20, 3);
	NO_MSR(0x30);
	/* Successful writes count, device or table; faulting ones do not. */
	CHECK_U64(sim_msr_writes(), 2);
	RDPMC(0, 77);
	RDPMC(1, 99);
	sim_reset();
	RD_GP(0x10);
	RDPMC_GP(0);
}

/* ------------------------------------------------------------ CPUID ---- */

static void test_intel_cpuid(void)
{
	struct pmu_sim_spec s = pmu_sim_intel_v4;

	pmu_sim_install(&pmu_sim_intel_v4);
	CPUID(0, 0xa, INTEL_EBX, INTEL_ECX, INTEL_EDX);
	CPUID(1, 0x000506e0, 0, PDCM, LEAF1_EDX);
	/* version 4, 4 GP, 48 bits, EBX length 8; 3 fixed of 48 bits */
	CPUID(0xa, 0x08300404, 0, 0, 0x603);
	CPUID(0x80000000u, 0x80000008u, 0, 0, 0);
	CPUID(0x80000001u, 0, 0, 0, 0);
	CPUID(7, 0, BIT(11), 0, 0);	/* RTM */
	RD(PERF_CAPS, BIT_ULL(13));
	WR_GP(PERF_CAPS, 0);

	pmu_sim_install(&pmu_sim_intel_v1);
	CPUID(1, 0x000006f0, 0, 0, LEAF1_EDX);	/* no PDCM */
	CPUID(0xa, 0x08280201, 0, 0, 0);
	NO_MSR(PERF_CAPS);

	pmu_sim_install(&pmu_sim_intel_v2);
	CPUID(1, 0x00010670, 0, PDCM, LEAF1_EDX);
	CPUID(0xa, 0x08280202, 0, 0, 0x503);
	RD(PERF_CAPS, 0);

	pmu_sim_install(&pmu_sim_intel_v5);
	CPUID(1, 0x00090670, 0, PDCM, LEAF1_EDX);
	CPUID(0xa, 0x08300805, 0, 0x7, 0x604);
	RD(PERF_CAPS, BIT_ULL(13));

	/* ECX is the fixed bitmap only from v5; EBX is passed through. */
	s.fixed_bitmap = 0x10;
	s.events_unavail = 0x42;
	pmu_sim_install(&s);
	CPUID(0xa, 0x08300404, 0x42, 0, 0x603);
}

static void test_amd_cpuid(void)
{
	struct pmu_sim_spec s = pmu_sim_amd_v2;

	pmu_sim_install(&pmu_sim_amd_legacy);
	CPUID(0, 0xd, AMD_EBX, AMD_ECX, AMD_EDX);
	CPUID(1, 0x00100f20, 0, 0, LEAF1_EDX);
	CPUID(0xa, 0, 0, 0, 0);
	CPUID(0x80000000u, 0x80000008u, 0, 0, 0);
	CPUID(0x80000001u, 0, 0, 0, 0);
	NO_MSR(PERF_CAPS);

	pmu_sim_install(&pmu_sim_amd_ext);
	CPUID(1, 0x00800f10, 0, 0, LEAF1_EDX);
	CPUID(0x80000001u, 0, 0, BIT(23), 0);
	CPUID(0x80000022u, 0, 0, 0, 0);

	pmu_sim_install(&pmu_sim_amd_v2);
	CPUID(1, 0x00a60f10, 0, 0, LEAF1_EDX);
	CPUID(0x80000000u, 0x80000022u, 0, 0, 0);
	CPUID(0x80000001u, 0, 0, BIT(23), 0);
	CPUID(0x80000022u, 1, 6, 0, 0);

	s.amd_counters = 4;
	pmu_sim_install(&s);
	CPUID(0x80000022u, 1, 4, 0, 0);
}

/* ------------------------------------------------------- Intel MSRs ---- */

static void test_intel_evtsel(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	RD(EVTSEL(0), 0);
	WR(EVTSEL(0), ALL | 0xc0);
	RD(EVTSEL(0), 0x4300c0);
	WR(EVTSEL(3), 0xffffffff);
	RD(EVTSEL(3), 0xffffffff);
	/* Bits 63:34 are reserved (33:32 too without RTM): #GP, the register
	 * keeps its value. */
	WR_GP(EVTSEL(0), BIT_ULL(34));
	WR_GP(EVTSEL(0), BIT_ULL(63) | ALL | 0xc0);
	RD(EVTSEL(0), 0x4300c0);
	NO_MSR(EVTSEL(4));
	CHECK_U64(sim_msr_writes(), 2);
	WR(EVTSEL(2), IN_TX | IN_TXCP | ALL | 0x3c);

	pmu_sim_install(&pmu_sim_intel_v1);
	WR_GP(EVTSEL(1), IN_TX | 0x4300c4);
	WR(EVTSEL(1), 0x4300c4);
	NO_MSR(EVTSEL(2));
}

static void test_intel_pmc_legacy(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	/* EAX sign-extended from bit 31 to the 48-bit width. */
	WR(PMC(0), 0x80000000);
	RD(PMC(0), 0xffff80000000ull);
	RD(A_PMC(0), 0xffff80000000ull);
	WR(PMC(0), 0x123456789ull);
	RD(PMC(0), 0x23456789);
	WR(PMC(1), 0xffffffff00000005ull);
	RD(PMC(1), 5);
	WR(PMC(3), 0x7fffffff);
	RD(PMC(3), 0x7fffffff);
	CHECK_U64(pmu_sim_counter(false, 3), 0x7fffffff);
	NO_MSR(PMC(4));

	pmu_sim_install(&pmu_sim_intel_v1);
	WR(PMC(1), 0xfffffffe);
	RD(PMC(1), 0xfffffffffeull);
	NO_MSR(PMC(2));
}

static void test_intel_full_width(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(A_PMC(0), 0x800000000000ull);
	RD(PMC(0), 0x800000000000ull);
	RD(A_PMC(0), 0x800000000000ull);
	WR(A_PMC(3), M48);
	RD(PMC(3), M48);
	WR_GP(A_PMC(0), BIT_ULL(48));
	WR_GP(A_PMC(0), BIT_ULL(63));
	RD(A_PMC(0), 0x800000000000ull);
	NO_MSR(A_PMC(4));

	pmu_sim_install(&pmu_sim_intel_v5);
	WR(A_PMC(7), 0x123456789abull);
	RD(PMC(7), 0x123456789abull);
	NO_MSR(A_PMC(8));

	/* Without FW_WRITE the aliases do not exist. */
	pmu_sim_install(&pmu_sim_intel_v2);
	NO_MSR(A_PMC(0));
	pmu_sim_install(&pmu_sim_intel_v1);
	NO_MSR(A_PMC(0));
}

static void test_intel_fixed_msrs(void)
{
	struct pmu_sim_spec s = pmu_sim_intel_v5;

	pmu_sim_install(&pmu_sim_intel_v4);
	for (unsigned j = 0; j < 3; j++) {
		RD(FIXED(j), 0);
		WR(FIXED(j), M48 - j);
		RD(FIXED(j), M48 - j);
		CHECK_U64(pmu_sim_counter(true, j), M48 - j);
	}
	WR_GP(FIXED(0), BIT_ULL(48));
	RD(FIXED(0), M48);
	NO_MSR(FIXED(3));

	pmu_sim_install(&pmu_sim_intel_v2);
	WR(FIXED(2), M40);
	WR_GP(FIXED(2), BIT_ULL(40));
	RD(FIXED(2), M40);

	pmu_sim_install(&pmu_sim_intel_v5);
	WR(FIXED(3), 3);
	RD(FIXED(3), 3);
	NO_MSR(FIXED(4));

	/* v5: EDX says 1, ECX adds counter 2; counter 1 is absent. */
	s.gp = 2;
	s.fixed = 1;
	s.fixed_bitmap = 0x5;
	pmu_sim_install(&s);
	WR(FIXED(0), 1);
	NO_MSR(FIXED(1));
	WR(FIXED(2), 2);
	RD(FIXED(2), 2);
	WR(FIXED_CTRL, 0xf0f);
	WR_GP(FIXED_CTRL, 0x0f0);
	RD(FIXED_CTRL, 0xf0f);
	WR(GCTRL, 0x500000003ull);
	WR_GP(GCTRL, 0x200000000ull);
	RD(GCTRL, 0x500000003ull);
	WR_GP(OVF_CTRL, 0x200000000ull);
	RDPMC(RDPMC_FIXED | 2, 2);
	RDPMC_GP(RDPMC_FIXED | 1);

	/* Before v5 the bitmap means nothing. */
	s = pmu_sim_intel_v4;
	s.fixed_bitmap = 0x8;
	pmu_sim_install(&s);
	NO_MSR(FIXED(3));
	WR_GP(FIXED_CTRL, 0xf000);
}

static void test_intel_v1_no_globals(void)
{
	pmu_sim_install(&pmu_sim_intel_v1);
	NO_MSR(FIXED(0));
	NO_MSR(FIXED_CTRL);
	NO_MSR(GSTATUS);
	NO_MSR(GCTRL);
	NO_MSR(OVF_CTRL);
	RDPMC_GP(RDPMC_FIXED);
}

static void test_intel_fixed_ctrl(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	RD(FIXED_CTRL, 0);
	WR(FIXED_CTRL, 0xfff);
	RD(FIXED_CTRL, 0xfff);
	WR_GP(FIXED_CTRL, 0x1000);	/* field of fixed counter 3 */
	WR_GP(FIXED_CTRL, BIT_ULL(63));
	RD(FIXED_CTRL, 0xfff);

	pmu_sim_install(&pmu_sim_intel_v5);
	WR(FIXED_CTRL, 0xffff);
	WR_GP(FIXED_CTRL, 0x10000);
}

static void test_intel_global_ctrl(void)
{
	/* Power-up: every GP counter enabled, no fixed one. */
	pmu_sim_install(&pmu_sim_intel_v2);
	RD(GCTRL, 0x3);
	pmu_sim_install(&pmu_sim_intel_v5);
	RD(GCTRL, 0xff);
	WR(GCTRL, 0xf000000ffull);
	WR_GP(GCTRL, 0x1f000000ffull);
	pmu_sim_install(&pmu_sim_intel_v4);
	RD(GCTRL, 0xf);
	WR(GCTRL, 0x70000000full);
	RD(GCTRL, 0x70000000full);
	WR_GP(GCTRL, 0x10);
	WR_GP(GCTRL, 0x800000000ull);
	WR_GP(GCTRL, BIT_ULL(63));
	RD(GCTRL, 0x70000000full);
}

static void test_intel_status(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	RD(GSTATUS, 0);
	WR_GP(GSTATUS, 0);
	WR_GP(GSTATUS, 1);
	WR(A_PMC(0), M48);
	WR(A_PMC(2), M48);
	WR(FIXED(0), M48);
	WR(EVTSEL(0), ALL | 0xc0);
	WR(EVTSEL(2), ALL | 0xc4);
	WR(FIXED_CTRL, 0x3);
	WR(GCTRL, 0x10000000full);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	RD(PMC(0), 0);
	RD(FIXED(0), 0);
	RD(GSTATUS, 0x100000001ull);
	pmu_sim_retire(PMU_SIM_BRANCHES, 1, 3);
	RD(GSTATUS, 0x100000005ull);
	CHECK_U64(pmu_sim_global_status(), 0x100000005ull);

	/* OVF_CTRL: write-1-to-clear, reads 0, nonexistent counters #GP. */
	RD(OVF_CTRL, 0);
	WR(OVF_CTRL, 0x1);
	RD(GSTATUS, 0x100000004ull);
	WR_GP(OVF_CTRL, 0x10);
	WR_GP(OVF_CTRL, BIT_ULL(35));
	WR_GP(OVF_CTRL, 0x100000004ull | BIT_ULL(4));
	RD(GSTATUS, 0x100000004ull);
	WR(OVF_CTRL, BIT_ULL(62) | BIT_ULL(63));	/* OvfBuf, CondChgd */
	RD(GSTATUS, 0x100000004ull);
	WR(OVF_CTRL, 0x100000004ull);
	RD(GSTATUS, 0);
	RD(OVF_CTRL, 0);
}

static void test_intel_not_mine(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	/* MSRs outside the PMU stay with the table... */
	sim_msr(0x1d9, 5, SIM_MSR_RW);
	RD(0x1d9, 5);
	WR(0x1d9, 1);
	RD(0x1d9, 1);
	NO_MSR(0x391);
	CHECK_U64(sim_msr_writes(), 1);
	/* ...and so do the PMU's absent ones, e.g. under TCG's dropping. */
	sim_msr_default_drop(true);
	RD(EVTSEL(4), 0);
	WR(EVTSEL(4), ALL | 0xc0);
	RD(EVTSEL(4), 0);

	pmu_sim_install(&pmu_sim_intel_v2);
	sim_msr(A_PMC(0), 0x1234, SIM_MSR_RO);
	RD(A_PMC(0), 0x1234);
	/* Installing again resets the table and the model. */
	pmu_sim_install(&pmu_sim_intel_v2);
	NO_MSR(A_PMC(0));
	CHECK_U64(sim_msr_writes(), 0);
}

/* --------------------------------------------------- Intel counting ---- */

static void test_intel_gp_count(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), ALL | 0xc0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 100, 0);
	RD(PMC(0), 100);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 5, 3);
	pmu_sim_retire(PMU_SIM_CYCLES, 7, 0);
	RD(PMC(0), 105);
	RD(FIXED(0), 0);		/* FIXED_CTR_CTRL is 0 */
	/* Counting adds to what was written. */
	WR(PMC(0), 1000);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 2);
	RD(PMC(0), 1001);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 0, 0);
	RD(PMC(0), 1001);
	/* INT and the pin-control/any bits do not change what counts. */
	WR(EVTSEL(1), ALL | INT | BIT_ULL(19) | BIT_ULL(21) | 0xc0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 4, 0);
	RD(PMC(1), 4);
	RD(GSTATUS, 0);
}

static void test_intel_privilege(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), EN | OS | 0xc0);
	WR(EVTSEL(1), EN | USR | 0xc0);
	WR(EVTSEL(2), EN | 0xc0);
	WR(EVTSEL(3), ALL | 0xc0);
	for (unsigned cpl = 0; cpl < 4; cpl++)
		pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 10u << cpl, cpl);
	RD(PMC(0), 10);
	RD(PMC(1), 20 + 40 + 80);
	RD(PMC(2), 0);
	RD(PMC(3), 150);
}

static void test_intel_enables(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), OS | USR | 0xc0);	/* EN clear */
	WR(EVTSEL(1), ALL | 0xc0);
	WR(GCTRL, 0x1);			/* PMC1 globally off */
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 9, 0);
	RD(PMC(0), 0);
	RD(PMC(1), 0);
	WR(GCTRL, 0x3);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 9, 3);
	RD(PMC(0), 0);
	RD(PMC(1), 9);
	WR(EVTSEL(1), OS | USR | 0xc0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 9, 3);
	RD(PMC(1), 9);

	/* v1 has no global control: EN alone counts. */
	pmu_sim_install(&pmu_sim_intel_v1);
	WR(EVTSEL(1), ALL | 0xc0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 6, 0);
	RD(PMC(1), 6);
}

/* EDGE and INV alone count nothing; with CMASK each retire call is a cycle,
 * counted when it retires at least CMASK events (with INV: fewer). */
static void test_intel_qualifiers(void)
{
	static const struct { u64 qual, count; } quals[] = {
		{ EDGE, 0 }, { INV, 0 }, { 1ull << 24, 2 }, { 5ull << 24, 2 },
		{ 6ull << 24, 0 }, { INV | 6ull << 24, 2 }, { INV | 5ull << 24, 0 },
	};

	pmu_sim_install(&pmu_sim_intel_v4);
	for (unsigned i = 0; i < ARRAY_SIZE(quals); i++) {
		WR(EVTSEL(0), 0);
		WR(PMC(0), 0);
		WR(EVTSEL(0), ALL | quals[i].qual | 0xc0);
		pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 5, 0);
		pmu_sim_retire_raw(0xc0, 5, 3);
		RD(PMC(0), quals[i].count);
	}
	pmu_sim_break(PMU_SIM_BREAK_CMASK_IGNORED);
	WR(EVTSEL(0), ALL | 2ull << 24 | 0xc0);
	WR(PMC(0), 0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 5, 0);
	RD(PMC(0), 5);
	pmu_sim_break(0);
}

static void test_intel_events(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	for (unsigned e = 0; e < NR_EVENTS; e++) {
		WR(EVTSEL(0), ALL | intel_code[e]);
		WR(PMC(0), 0);
		for (unsigned f = 0; f < NR_EVENTS; f++)
			pmu_sim_retire(f, 1u << f, f & 3);
		RD(PMC(0), 1u << e);
	}
	/* The umask is part of the event: 0x013c is not 0x003c. */
	WR(EVTSEL(0), ALL | 0x003c);
	WR(PMC(0), 0);
	pmu_sim_retire(PMU_SIM_REF_CYCLES, 3, 0);
	RD(PMC(0), 0);
	/* Fixed counters stayed off throughout. */
	RD(FIXED(0), 0);
	RD(FIXED(1), 0);
	RD(FIXED(2), 0);
}

static void test_intel_unavailable(void)
{
	struct pmu_sim_spec s = pmu_sim_intel_v4;

	s.events_unavail = BIT(1) | BIT(6);	/* instructions, branch misses */
	pmu_sim_install(&s);
	WR(EVTSEL(0), ALL | 0x00c0);
	WR(EVTSEL(1), ALL | 0x00c4);
	WR(EVTSEL(2), ALL | 0x00c5);
	WR(EVTSEL(3), ALL | 0x003c);
	WR(FIXED_CTRL, 0x3);
	WR(GCTRL, 0x10000000full);
	for (unsigned f = 0; f < NR_EVENTS; f++)
		pmu_sim_retire(f, 10, 0);
	pmu_sim_retire_raw(0x00c0, 10, 0);
	RD(PMC(0), 0);
	RD(PMC(1), 10);
	RD(PMC(2), 0);
	RD(PMC(3), 10);
	/* EBX describes GP encodings; fixed counter 0 is enumerated by EDX. */
	RD(FIXED(0), 10);
}

static void test_intel_fixed_count(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	/* fixed 0 OS|USR, fixed 1 OS, fixed 2 USR */
	WR(FIXED_CTRL, 0x213);
	WR(GCTRL, 0x700000000ull);
	WR(EVTSEL(0), ALL | 0xc0);	/* globally off */
	for (unsigned f = 0; f < NR_EVENTS; f++) {
		pmu_sim_retire(f, 10, 0);
		pmu_sim_retire(f, 20, 3);
	}
	RD(FIXED(0), 30);
	RD(FIXED(1), 10);
	RD(FIXED(2), 20);
	RD(PMC(0), 0);
	/* AnyThread and PMI alone do not select a privilege level. */
	WR(FIXED_CTRL, 0xccc);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 1);
	RD(FIXED(0), 30);
	/* Local enable without the global one does not count either. */
	WR(FIXED_CTRL, 0x333);
	WR(GCTRL, 0x600000000ull);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	pmu_sim_retire(PMU_SIM_CYCLES, 1, 0);
	RD(FIXED(0), 30);
	RD(FIXED(1), 11);
	RD(GSTATUS, 0);

	/* v5's fixed 3 exists but counts nothing here. */
	pmu_sim_install(&pmu_sim_intel_v5);
	WR(FIXED_CTRL, 0x3333);
	WR(GCTRL, 0xf00000000ull);
	for (unsigned f = 0; f < NR_EVENTS; f++)
		pmu_sim_retire(f, 10, 0);
	RD(FIXED(0), 10);
	RD(FIXED(1), 10);
	RD(FIXED(2), 10);
	RD(FIXED(3), 0);

	/* v2: 40-bit fixed counters wrap into status bit 32+j. */
	pmu_sim_install(&pmu_sim_intel_v2);
	WR(FIXED(1), M40 - 1);
	WR(FIXED_CTRL, 0x30);
	WR(GCTRL, 0x200000000ull);
	pmu_sim_retire(PMU_SIM_CYCLES, 3, 0);
	RD(FIXED(1), 1);
	RD(GSTATUS, BIT_ULL(33));
}

static void test_intel_raw(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), ALL | 0x01d1);
	WR(EVTSEL(1), EN | USR | 0x00c0);
	WR(FIXED_CTRL, 0x3);
	WR(GCTRL, 0x10000000full);
	pmu_sim_retire_raw(0x01d1, 9, 0);
	pmu_sim_retire_raw(0x00d1, 9, 0);
	pmu_sim_retire_raw(ALL | 0x01d1, 9, 0);
	RD(PMC(0), 9);
	/* Raw selectors drive GP counters only. */
	pmu_sim_retire_raw(0x00c0, 4, 3);
	RD(PMC(1), 4);
	RD(FIXED(0), 0);
}

static void test_intel_wrap(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), ALL | 0xc0);
	WR(A_PMC(0), M48 - 1);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	RD(PMC(0), M48);
	RD(GSTATUS, 0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	RD(PMC(0), 0);
	RD(GSTATUS, 1);
	/* A count of 2^48 or more wraps too, modulo the width. */
	WR(OVF_CTRL, 1);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, BIT_ULL(48), 0);
	RD(PMC(0), 0);
	RD(GSTATUS, 1);
	WR(OVF_CTRL, 1);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, BIT_ULL(49) + 5, 0);
	RD(PMC(0), 5);
	RD(GSTATUS, 1);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, ~0ull, 0);
	RD(PMC(0), 4);

	/* v1: 40 bits and no status. */
	pmu_sim_install(&pmu_sim_intel_v1);
	WR(EVTSEL(0), ALL | 0xc0);
	WR(PMC(0), 0xffffffff);		/* sign-extends to 2^40 - 1 */
	RD(PMC(0), M40);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 3, 0);
	RD(PMC(0), 2);
	CHECK_U64(pmu_sim_global_status(), 0);
}

static void test_intel_rdpmc(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	for (unsigned i = 0; i < 4; i++)
		WR(A_PMC(i), 0x100000000ull + i);
	for (unsigned j = 0; j < 3; j++)
		WR(FIXED(j), 0x200000000ull + j);
	for (unsigned i = 0; i < 4; i++)
		RDPMC(i, 0x100000000ull + i);
	for (unsigned j = 0; j < 3; j++)
		RDPMC(RDPMC_FIXED | j, 0x200000000ull + j);
	RDPMC_GP(4);
	RDPMC_GP(RDPMC_FIXED | 3);
	RDPMC_GP(BIT(31));
	RDPMC_GP(BIT(31) | RDPMC_FIXED);
	RDPMC_GP(BIT(29));

	pmu_sim_install(&pmu_sim_intel_v1);
	WR(PMC(1), 42);
	RDPMC(1, 42);
	RDPMC_GP(2);
}

/* ---------------------------------------------------------- AMD ---- */

static void test_amd_ctl_bits(void)
{
	static const unsigned bad[] = { 19, 21, 36, 37, 38, 39, 42, 47, 48, 63 };

	pmu_sim_install(&pmu_sim_amd_legacy);
	/* event[7:0] umask USR OS Edge INT EN INV CntMask event[11:8] Guest Host */
	WR(K7_CTL(0), 0x30fffd7ffffull);
	RD(K7_CTL(0), 0x30fffd7ffffull);
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++)
		WR_GP(K7_CTL(0), BIT_ULL(bad[i]));
	RD(K7_CTL(0), 0x30fffd7ffffull);

	pmu_sim_install(&pmu_sim_amd_ext);
	WR_GP(CTL(5), BIT_ULL(19));
	WR(CTL(5), ALL | 0x100000020ull);
	RD(CTL(5), ALL | 0x100000020ull);
}

static void test_amd_legacy(void)
{
	pmu_sim_install(&pmu_sim_amd_legacy);
	for (unsigned i = 0; i < 4; i++) {
		RD(K7_CTL(i), 0);
		RD(K7_CTR(i), 0);
		WR(K7_CTR(i), M48 - i);
		RD(K7_CTR(i), M48 - i);
	}
	/* 48-bit counters, written whole: no sign extension, no truncation. */
	WR(K7_CTR(0), 0x80000000);
	RD(K7_CTR(0), 0x80000000);
	WR_GP(K7_CTR(0), BIT_ULL(48));
	WR_GP(K7_CTR(0), BIT_ULL(63));
	RD(K7_CTR(0), 0x80000000);
	NO_MSR(CTL(0));
	NO_MSR(CTR(0));
	NO_MSR(AMD_STATUS);
	NO_MSR(AMD_CTL);
	NO_MSR(AMD_CLR);
	NO_MSR(EVTSEL(0));
	NO_MSR(PMC(0));
	NO_MSR(GCTRL);
	RDPMC(0, 0x80000000);
	RDPMC(3, M48 - 3);
	RDPMC_GP(4);
	RDPMC_GP(RDPMC_FIXED);
}

static void test_amd_count(void)
{
	static const u64 code[] = { 0xc0, 0x76, 0xc2, 0xc3 };
	static const unsigned ev[] = { PMU_SIM_INSTRUCTIONS, PMU_SIM_CYCLES,
				       PMU_SIM_BRANCHES, PMU_SIM_BRANCH_MISSES };

	pmu_sim_install(&pmu_sim_amd_legacy);
	for (unsigned i = 0; i < 4; i++)
		WR(K7_CTL(i), ALL | code[i]);
	for (unsigned f = 0; f < NR_EVENTS; f++)
		pmu_sim_retire(f, 1u << f, f & 3);
	for (unsigned i = 0; i < 4; i++)
		RD(K7_CTR(i), 1u << ev[i]);
	/* The Intel encodings mean nothing here. */
	WR(K7_CTL(0), ALL | 0x003c);
	WR(K7_CTR(0), 0);
	pmu_sim_retire(PMU_SIM_CYCLES, 5, 0);
	pmu_sim_retire(PMU_SIM_REF_CYCLES, 5, 0);
	RD(K7_CTR(0), 0);

	/* Privilege, EN and the qualifiers as on Intel. */
	WR(K7_CTL(0), EN | OS | 0xc0);
	WR(K7_CTL(1), EN | USR | 0xc0);
	WR(K7_CTL(2), EN | 0xc0);
	WR(K7_CTL(3), OS | USR | 0xc0);
	for (unsigned i = 0; i < 4; i++)
		WR(K7_CTR(i), 0);
	for (unsigned cpl = 0; cpl < 4; cpl++)
		pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 10u << cpl, cpl);
	RD(K7_CTR(0), 10);
	RD(K7_CTR(1), 140);
	RD(K7_CTR(2), 0);
	RD(K7_CTR(3), 0);
	WR(K7_CTL(0), ALL | EDGE | 0xc0);
	WR(K7_CTL(1), ALL | INV | 0xc0);
	WR(K7_CTL(2), ALL | (3ull << 24) | 0xc0);
	WR(K7_CTL(3), ALL | INT | BIT_ULL(40) | BIT_ULL(41) | 0xc0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	RD(K7_CTR(0), 10);
	RD(K7_CTR(1), 140);
	RD(K7_CTR(2), 0);
	RD(K7_CTR(3), 1);

	/* Wraps at 2^48; without PerfMonV2 nothing records it. */
	WR(K7_CTR(3), M48);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 2, 0);
	RD(K7_CTR(3), 1);
	CHECK_U64(pmu_sim_global_status(), 0);
}

static void test_amd_raw(void)
{
	pmu_sim_install(&pmu_sim_amd_v2);
	WR(CTL(0), ALL | 0x100000020ull);	/* PMCx120 */
	WR(CTL(1), ALL | 0x0964);
	WR(CTL(2), ALL | 0x20);
	pmu_sim_retire_raw(0x100000020ull, 5, 0);
	pmu_sim_retire_raw(0x0964, 7, 3);
	pmu_sim_retire_raw(0x0064, 7, 3);
	RD(CTR(0), 5);
	RD(CTR(1), 7);
	RD(CTR(2), 0);
}

static void test_amd_ext(void)
{
	pmu_sim_install(&pmu_sim_amd_ext);
	/* The K7 MSRs are counters 0-3 of the extended set. */
	WR(K7_CTR(0), 0x1234);
	RD(CTR(0), 0x1234);
	WR(CTL(3), EN | 0x76);
	RD(K7_CTL(3), EN | 0x76);
	WR(CTR(3), 0x5678);
	RD(K7_CTR(3), 0x5678);
	WR(CTL(5), ALL | 0xc2);
	RD(CTL(5), ALL | 0xc2);
	WR(CTR(5), M48);
	WR_GP(CTR(5), BIT_ULL(48));
	NO_MSR(CTL(6));
	NO_MSR(CTR(6));
	NO_MSR(AMD_CTL);
	/* No global enable: EN alone counts; no status on the wrap. */
	pmu_sim_retire(PMU_SIM_BRANCHES, 2, 3);
	RD(CTR(5), 1);
	CHECK_U64(pmu_sim_global_status(), 0);
	RDPMC(5, 1);
	RDPMC(0, 0x1234);
	RDPMC_GP(6);
}

static void test_amd_v2(void)
{
	struct pmu_sim_spec s = pmu_sim_amd_v2;

	pmu_sim_install(&pmu_sim_amd_v2);
	RD(AMD_CTL, 0x3f);
	WR_GP(AMD_CTL, 0x40);
	WR_GP(AMD_CTL, BIT_ULL(32));
	RD(AMD_CTL, 0x3f);
	WR(CTL(0), ALL | 0xc0);
	WR(CTR(0), M48);
	WR(AMD_CTL, 0x3e);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	RD(CTR(0), M48);
	WR(AMD_CTL, 0x3f);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	RD(CTR(0), 0);
	RD(AMD_STATUS, 1);
	WR(K7_CTL(2), ALL | 0xc3);
	WR(CTR(2), M48);
	pmu_sim_retire(PMU_SIM_BRANCH_MISSES, 1, 3);
	RD(AMD_STATUS, 5);
	CHECK_U64(pmu_sim_global_status(), 5);
	WR_GP(AMD_STATUS, 0);
	RD(AMD_CLR, 0);
	WR(AMD_CLR, 1);
	RD(AMD_STATUS, 4);
	WR(AMD_CLR, 4);
	RD(AMD_STATUS, 0);
	RDPMC(5, 0);
	RDPMC_GP(6);

	s.amd_counters = 4;
	pmu_sim_install(&s);
	RD(AMD_CTL, 0xf);
	WR_GP(AMD_CTL, 0x1f);
	NO_MSR(CTL(4));
	RDPMC_GP(4);
	WR(K7_CTL(3), ALL | 0x76);
	pmu_sim_retire(PMU_SIM_CYCLES, 3, 0);
	RD(CTR(3), 3);
}

/* ------------------------------------------------------- breakages ---- */

static void test_break_ignore_en(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), OS | USR | 0xc0);
	pmu_sim_break(PMU_SIM_BREAK_IGNORE_EN);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 3, 0);
	RD(PMC(0), 3);
	pmu_sim_break(0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 3, 0);
	RD(PMC(0), 3);

	pmu_sim_install(&pmu_sim_amd_legacy);
	WR(K7_CTL(1), OS | USR | 0xc0);
	pmu_sim_break(PMU_SIM_BREAK_IGNORE_EN);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 3, 3);
	RD(K7_CTR(1), 3);
}

static void test_break_ignore_global(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), ALL | 0xc0);
	WR(FIXED_CTRL, 0x3);
	WR(GCTRL, 0);
	pmu_sim_break(PMU_SIM_BREAK_IGNORE_GLOBAL);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 3, 0);
	RD(PMC(0), 3);
	RD(FIXED(0), 3);
	pmu_sim_break(0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 3, 0);
	RD(PMC(0), 3);
	RD(FIXED(0), 3);

	pmu_sim_install(&pmu_sim_amd_v2);
	WR(CTL(4), ALL | 0xc0);
	WR(AMD_CTL, 0);
	pmu_sim_break(PMU_SIM_BREAK_IGNORE_GLOBAL);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 3, 0);
	RD(CTR(4), 3);
}

static void test_break_sign_extend(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	pmu_sim_break(PMU_SIM_BREAK_NO_SIGN_EXTEND);
	WR(PMC(0), 0x80000000);
	RD(PMC(0), 0x80000000);
	WR(PMC(0), 0x123456789ull);
	RD(PMC(0), 0x23456789);
	/* Full-width writes are not affected. */
	WR(A_PMC(1), 0x123456789ull);
	RD(PMC(1), 0x123456789ull);
}

static void test_break_ovf_status(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	pmu_sim_break(PMU_SIM_BREAK_NO_OVF_STATUS);
	WR(EVTSEL(0), ALL | 0xc0);
	WR(A_PMC(0), M48);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	RD(PMC(0), 0);
	RD(GSTATUS, 0);

	pmu_sim_install(&pmu_sim_amd_v2);
	pmu_sim_break(PMU_SIM_BREAK_NO_OVF_STATUS);
	WR(CTL(0), ALL | 0xc0);
	WR(CTR(0), M48);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	RD(CTR(0), 0);
	RD(AMD_STATUS, 0);
}

static void test_break_ovf_sticky(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	pmu_sim_break(PMU_SIM_BREAK_OVF_STICKY);
	WR(EVTSEL(0), ALL | 0xc0);
	WR(A_PMC(0), M48);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	RD(GSTATUS, 1);
	WR(OVF_CTRL, 1);
	RD(GSTATUS, 1);
	WR_GP(OVF_CTRL, 0x10);	/* still checks reserved bits */

	pmu_sim_install(&pmu_sim_amd_v2);
	pmu_sim_break(PMU_SIM_BREAK_OVF_STICKY);
	WR(CTL(0), ALL | 0xc0);
	WR(CTR(0), M48);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	WR(AMD_CLR, 1);
	RD(AMD_STATUS, 1);
}

static void test_break_usr_at_ring0(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), EN | USR | 0xc0);
	WR(EVTSEL(1), EN | OS | 0xc0);
	WR(FIXED_CTRL, 0x2);
	WR(GCTRL, 0x100000003ull);
	pmu_sim_break(PMU_SIM_BREAK_USR_AT_RING0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 4, 0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 3);
	RD(PMC(0), 5);
	RD(PMC(1), 4);
	RD(FIXED(0), 5);

	pmu_sim_install(&pmu_sim_amd_ext);
	WR(CTL(4), EN | USR | 0x76);
	pmu_sim_break(PMU_SIM_BREAK_USR_AT_RING0);
	pmu_sim_retire(PMU_SIM_CYCLES, 4, 0);
	RD(CTR(4), 4);
}

static void test_break_rdpmc_stale(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(PMC(0), 100);
	WR(FIXED(1), 7);
	pmu_sim_break(PMU_SIM_BREAK_RDPMC_STALE);
	RDPMC(0, 99);
	RDPMC(RDPMC_FIXED | 1, 6);
	RDPMC(1, M48);			/* 0 - 1 within the width */
	RD(PMC(0), 100);		/* RDMSR is still exact */
	RDPMC_GP(4);

	pmu_sim_install(&pmu_sim_amd_v2);
	WR(CTR(5), 10);
	pmu_sim_break(PMU_SIM_BREAK_RDPMC_STALE);
	RDPMC(5, 9);
}

static void test_break_fw_truncates(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	pmu_sim_break(PMU_SIM_BREAK_FW_TRUNCATES);
	WR(A_PMC(0), 0x123456789ull);
	RD(PMC(0), 0x23456789);
	WR(A_PMC(0), 0x80000000);
	RD(PMC(0), 0xffff80000000ull);
	pmu_sim_break(0);
	WR(A_PMC(0), 0x80000000);
	RD(PMC(0), 0x80000000);
}

static void test_break_extra(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), ALL | 0xc0);
	WR(EVTSEL(1), EN | USR | 0xc0);
	WR(FIXED_CTRL, 0x3 | 0x20);	/* fixed 1 USR only */
	WR(GCTRL, 0x30000000full);
	pmu_sim_break(PMU_SIM_BREAK_FIXED_EXTRA);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 10, 0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 10, 0);
	pmu_sim_retire(PMU_SIM_CYCLES, 10, 0);	/* fixed 1 does not count */
	RD(FIXED(0), 22);
	RD(FIXED(1), 0);
	RD(PMC(0), 20);
	RD(PMC(1), 0);

	pmu_sim_break(PMU_SIM_BREAK_GP_EXTRA);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 10, 0);
	RD(FIXED(0), 32);
	RD(PMC(0), 31);
	RD(PMC(1), 0);
	pmu_sim_retire_raw(0xc0, 0, 3);		/* even an empty call */
	RD(PMC(0), 32);
	RD(PMC(1), 1);

	pmu_sim_install(&pmu_sim_amd_legacy);
	WR(K7_CTL(0), ALL | 0xc2);
	pmu_sim_break(PMU_SIM_BREAK_GP_EXTRA);
	pmu_sim_retire(PMU_SIM_BRANCHES, 10, 0);
	RD(K7_CTR(0), 11);
}

static void test_break_os_ignored(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), EN | OS | 0xc0);
	WR(EVTSEL(1), ALL | 0xc0);
	WR(FIXED_CTRL, 0x1);
	WR(GCTRL, 0x100000003ull);
	pmu_sim_break(PMU_SIM_BREAK_OS_IGNORED);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 4, 0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 3);
	RD(PMC(0), 0);
	RD(PMC(1), 1);
	RD(FIXED(0), 0);

	pmu_sim_install(&pmu_sim_amd_ext);
	WR(CTL(0), EN | OS | 0x76);
	pmu_sim_break(PMU_SIM_BREAK_OS_IGNORED);
	pmu_sim_retire(PMU_SIM_CYCLES, 4, 0);
	RD(CTR(0), 0);
}

static void test_break_width_32(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), ALL | 0xc0);
	WR(FIXED_CTRL, 0x3);
	WR(GCTRL, 0x100000001ull);
	WR(A_PMC(0), 0xffffffff);
	WR(FIXED(0), 0xffffffff);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	RD(PMC(0), 0x100000000ull);
	RD(GSTATUS, 0);
	pmu_sim_break(PMU_SIM_BREAK_WIDTH_32);
	WR(A_PMC(0), 0xffffffff);
	WR(FIXED(0), 0xffffffff);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	RD(PMC(0), 0);
	RD(FIXED(0), 0);
	RD(GSTATUS, 0x100000001ull);
	WR(PMC(1), 0x80000000);		/* sign extension stops at bit 31 */
	RD(PMC(1), 0x80000000);

	pmu_sim_install(&pmu_sim_amd_v2);
	pmu_sim_break(PMU_SIM_BREAK_WIDTH_32);
	WR(CTL(0), ALL | 0xc0);
	WR(CTR(0), 0xffffffff);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 2, 0);
	RD(CTR(0), 1);
	RD(AMD_STATUS, 1);
}

static void test_break_combined(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), OS | USR | 0xc0);
	pmu_sim_break(PMU_SIM_BREAK_IGNORE_EN | PMU_SIM_BREAK_GP_EXTRA);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 10, 0);
	RD(PMC(0), 11);
	/* Installing makes the PMU correct again. */
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), OS | USR | 0xc0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 10, 0);
	RD(PMC(0), 0);
}

/* IN_TX counts inside transactional regions only; IN_TXCP gives back on an
 * abort what the region counted; a counter without them counts throughout. */
static void test_intel_tx(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), ALL | 0x3c);
	WR(EVTSEL(1), IN_TX | ALL | 0x3c);
	WR(EVTSEL(2), IN_TX | IN_TXCP | ALL | 0x3c);
	pmu_sim_retire(PMU_SIM_CYCLES, 100, 0);
	pmu_sim_tx_begin();
	pmu_sim_retire(PMU_SIM_CYCLES, 10, 0);
	pmu_sim_tx_end(true);
	pmu_sim_tx_begin();
	pmu_sim_retire(PMU_SIM_CYCLES, 7, 0);
	pmu_sim_tx_end(false);
	RD(PMC(0), 117);
	RD(PMC(1), 17);
	RD(PMC(2), 10);

	pmu_sim_break(PMU_SIM_BREAK_NO_TX_COUNTS);
	pmu_sim_tx_begin();
	pmu_sim_retire(PMU_SIM_CYCLES, 5, 0);
	pmu_sim_tx_end(true);
	RD(PMC(0), 122);
	RD(PMC(1), 17);
	RD(PMC(2), 10);
	pmu_sim_break(0);
}

/* Each LLC fault loses its own event and no other. */
static void test_break_llc(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	WR(EVTSEL(0), ALL | 0x4f2e);
	WR(EVTSEL(1), ALL | 0x412e);
	pmu_sim_break(PMU_SIM_BREAK_NO_LLC_REFERENCES);
	pmu_sim_retire(PMU_SIM_LLC_REFERENCES, 3, 0);
	pmu_sim_retire(PMU_SIM_LLC_MISSES, 2, 0);
	RD(PMC(0), 0);
	RD(PMC(1), 2);
	pmu_sim_break(PMU_SIM_BREAK_NO_LLC_MISSES);
	pmu_sim_retire(PMU_SIM_LLC_REFERENCES, 3, 0);
	pmu_sim_retire(PMU_SIM_LLC_MISSES, 2, 0);
	RD(PMC(0), 3);
	RD(PMC(1), 2);
	pmu_sim_break(0);
}

int main(void)
{
	test_device_hook();
	test_intel_cpuid();
	test_amd_cpuid();
	test_intel_evtsel();
	test_intel_pmc_legacy();
	test_intel_full_width();
	test_intel_fixed_msrs();
	test_intel_v1_no_globals();
	test_intel_fixed_ctrl();
	test_intel_global_ctrl();
	test_intel_status();
	test_intel_not_mine();
	test_intel_gp_count();
	test_intel_privilege();
	test_intel_enables();
	test_intel_qualifiers();
	test_intel_events();
	test_intel_unavailable();
	test_intel_fixed_count();
	test_intel_raw();
	test_intel_wrap();
	test_intel_rdpmc();
	test_intel_tx();
	test_amd_ctl_bits();
	test_amd_legacy();
	test_amd_count();
	test_amd_raw();
	test_amd_ext();
	test_amd_v2();
	test_break_ignore_en();
	test_break_ignore_global();
	test_break_sign_extend();
	test_break_ovf_status();
	test_break_ovf_sticky();
	test_break_usr_at_ring0();
	test_break_rdpmc_stale();
	test_break_fw_truncates();
	test_break_extra();
	test_break_os_ignored();
	test_break_width_32();
	test_break_combined();
	test_break_llc();
	return unit_done("pmu_sim");
}
