/* Owned-world self-checks. Each deliberate fault sits in the exception table,
 * so it must come back as exactly one fixup with the right vector. */
#include "kernel-side/cpu/exception.h"
#include "kernel-side/cpu/extable.h"
#include "kernel-side/cpu/msr.h"
#include "lib/check.h"
#include "lib/record.h"
#include "kernel-side/owned/selftest.h"

/* A non-canonical address: any access raises #GP(0) (SDM Vol3A 6.15). */
#define NONCANONICAL_ADDR 0x8000000000000000ull
/* Canonical but outside UEFI's identity map (which covers the low half). */
#define UNMAPPED_ADDR 0xffff800000000000ull

static int fault_ud(void)
{
	trap_fixup_result = 0;
	asm volatile("1: ud2\n\t2:\n\t" _ASM_EXTABLE(1b, 2b) : : : "memory");
	return trap_fixup_result;
}

static int fault_gp(void)
{
	u64 v = 0;

	trap_fixup_result = 0;
	asm volatile("1: movq (%1), %0\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
		     : "+r"(v) : "r"(NONCANONICAL_ADDR) : "memory");
	return trap_fixup_result;
}

static int fault_de(void)
{
	u32 lo = 1, hi = 0, zero = 0;

	trap_fixup_result = 0;
	asm volatile("1: divl %2\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
		     : "+a"(lo), "+d"(hi) : "r"(zero) : "memory");
	return trap_fixup_result;
}

void selftest_run(void *arg)
{
	struct selftest *st = arg;
	u64 before;

	before = trap_fixup_count();
	st->ud = fault_ud();
	st->fixups[0] = trap_fixup_count() - before;
	before = trap_fixup_count();
	st->gp = fault_gp();
	st->fixups[1] = trap_fixup_count() - before;
	before = trap_fixup_count();
	st->de = fault_de();
	st->fixups[2] = trap_fixup_count() - before;
	st->rdpmc_err = rdpmc_safe(0, &st->rdpmc_val);
}

/* Deliberately unexpected: none of these is in the exception table. Not
 * inlined, so the fault record names it wherever it is raised. */
static __attribute__((noinline)) void selftest_inject(enum inject_fault f)
{
	u64 v = 0;

	switch (f) {
	case INJECT_NONE:
		break;
	case INJECT_UD:
		asm volatile("ud2");
		break;
	case INJECT_GP:
		asm volatile("movq (%1), %0" : "=r"(v) : "r"(NONCANONICAL_ADDR) : "memory");
		break;
	case INJECT_DE:
		asm volatile("divl %2" : "+a"(v) : "d"(0), "r"(0) : "memory");
		break;
	case INJECT_PF:
		asm volatile("movq (%1), %0" : "=r"(v) : "r"(UNMAPPED_ADDR) : "memory");
		break;
	case INJECT_BP:
		asm volatile("int3");
		break;
	}
}

static enum inject_fault inject_kind;
static enum inject_at inject_where;

void selftest_inject_arm(enum inject_fault f, enum inject_at at)
{
	inject_kind = f;
	inject_where = at;
}

bool selftest_inject_here(enum inject_at at)
{
	return inject_kind != INJECT_NONE && inject_where == at;
}

void selftest_inject_point(enum inject_at at)
{
	if (!selftest_inject_here(at))
		return;
	rec_narrate("inject_fault: raising an exception no fixup covers, on purpose");
	selftest_inject(inject_kind);
}

static void report_fixup(const char *name, int got, u64 fixups, unsigned vector)
{
	struct rec r;
	char buf[16];
	bool ok = got == (HW_ERR_FAULT | (int)vector) && fixups == 1;

	check_begin(&r, name, ok ? CHECK_PASS : CHECK_FAIL);
	rec_str(&r, "value", hw_err_name(got, buf));
	rec_str(&r, "expected", hw_err_name(HW_ERR_FAULT | (int)vector, buf));
	rec_u64(&r, "fixups", fixups);
	rec_end(&r);
}

void selftest_report(const struct selftest *st, const struct pmu_caps *pc)
{
	struct rec r;
	char buf[16];
	/* With counters, RDPMC at CPL0 reads counter 0 (CR4.PCE only gates
	 * CPL>0); without them it faults: #UD under TCG, #GP under KVM. */
	bool expect_value = pc->present;
	bool got_value = st->rdpmc_err == 0;

	report_fixup("fixup.ud2", st->ud, st->fixups[0], UD_VECTOR);
	report_fixup("fixup.gp", st->gp, st->fixups[1], GP_VECTOR);
	report_fixup("fixup.de", st->de, st->fixups[2], DE_VECTOR);

	check_begin(&r, "rdpmc", expect_value == got_value ? CHECK_PASS : CHECK_FAIL);
	if (got_value)
		rec_hex(&r, "value", st->rdpmc_val);
	else
		rec_str(&r, "value", hw_err_name(st->rdpmc_err, buf));
	rec_str(&r, "expected", expect_value ? "counter-value" : "fault");
	rec_u64(&r, "handled", !got_value && HW_ERR_IS_FAULT(st->rdpmc_err));
	rec_end(&r);
	if (!got_value)
		rec_narrate("rdpmc: RDPMC(0) raised %s; the exception table resumed after it",
			    hw_err_name(st->rdpmc_err, buf));
}

void selftest_report_restore(const char *section, const struct owned_stats *os,
			     int fentry_changed)
{
	struct rec r;
	/* A site a lesson's step leaves patched for its next step is one of
	 * the kept, not one lost. */
	bool ok = os->idt_restored && os->if_restored && os->msrs_mismatched == 0 &&
		  os->lapic_mismatched == 0 && os->cr0_restored && os->code_refused == 0 &&
		  fentry_changed <= (int)os->code_kept;

	check_begin_each(&r, "owned.restore", section, ok ? CHECK_PASS : CHECK_FAIL);
	rec_u64(&r, "idt", os->idt_restored);
	rec_u64(&r, "if", os->if_restored);
	rec_u64(&r, "msrs_restored", os->msrs_restored);
	rec_u64(&r, "msrs_mismatched", os->msrs_mismatched);
	if (os->lapic_restored) {
		rec_u64(&r, "lapic_restored", os->lapic_restored);
		rec_u64(&r, "lapic_mismatched", os->lapic_mismatched);
	}
	rec_u64(&r, "cr0_wp", os->cr0_wp);
	rec_u64(&r, "cr0_restored", os->cr0_restored);
	rec_u64(&r, "code_restored", os->code_restored);
	if (os->code_kept)
		rec_u64(&r, "code_kept", os->code_kept);
	if (os->code_refused)
		rec_u64(&r, "code_refused", os->code_refused);
	if (fentry_changed >= 0)
		rec_u64(&r, "fentry_not_nop", (u64)fentry_changed);
	rec_end(&r);
}
