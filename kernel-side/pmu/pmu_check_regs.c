/* suite=pmu-check's register checks (pmu_check_int.h): what a write leaves
 * in a counter -- through IA32_PMCx, IA32_A_PMCx, AMD's legacy aliases, or
 * while it counts -- and what RDPMC reads, or refuses to. */
#include "kernel-side/cpu/msr.h"
#include "kernel-side/pmu/pmu_check_int.h"
#include "lib/check.h"
#include "lib/record.h"

/* Bits set above 48 and in 47:32, bit 31 clear (so a sign extension from
 * bit 31 sets nothing): what each write width keeps is told apart. */
#define WIDE_PATTERN	0xffffff0123456789ull
/* A value of 48 bits with every byte different, for the alias check. */
#define ALIAS_PATTERN	0x8a7b6c5d4e3full
#define K7_COUNTERS	4	/* PERF_CTL0-3 / PERF_CTR0-3 */
/* An RDPMC index no CPU has: above every general counter (PMC_GP_MAX) and
 * AMD's northbridge and L2 ones, with ECX[30] (Intel's fixed) clear. */
#define RDPMC_MISSING	64

/* Writes val to msr and reads the counter back through rd. */
static int write_read(u32 msr, u32 rd, u64 val, u64 *got)
{
	int err = msr_write_safe(msr, val);

	return err ? err : msr_read_safe(rd, got);
}

/* Intel: IA32_PMCx takes 32 bits sign-extended to the width (SDM Vol3B
 * 20.2.6). AMD: the counter holds all 48 bits it is written. */
static void check_width(struct ctx *c)
{
	const char *name = "pmu.width";
	u64 mask = pmu_counter_mask(c->pc, 0), got, val;
	int err;

	if (!pmu_gp_count(c->pc))
		return check_skip(name, "no-gp-counters");
	c->ops->stop(c->pc, ~0ull);
	if (c->pc->vendor == VENDOR_INTEL) {
		err = write_read(MSR_IA32_PERFCTR0, MSR_IA32_PERFCTR0, 0xffffffffull, &got);
		val = mask;
	} else {
		err = c->ops->write(c->pc, 0, mask);
		if (!err)
			err = c->ops->read(c->pc, 0, &got);
		val = mask;
	}
	if (err)
		return pmu_check_error(name, err);
	check_counter(name, got, val, val, "gp0");
}

/* IA32_PMCx keeps bits 31:0 of what is written, sign-extended; the bits
 * above are dropped (SDM Vol3B 20.2.6): only IA32_A_PMCx sets them. */
static void check_width_truncate(struct ctx *c)
{
	const char *name = "pmu.width.truncate";
	u64 val = (u64)(s64)(s32)WIDE_PATTERN & pmu_counter_mask(c->pc, 0), got;
	int err;

	if (c->pc->vendor != VENDOR_INTEL)
		return check_skip(name, "not-intel");
	if (!pmu_gp_count(c->pc))
		return check_skip(name, "no-gp-counters");
	c->ops->stop(c->pc, ~0ull);
	err = write_read(MSR_IA32_PERFCTR0, MSR_IA32_PERFCTR0, WIDE_PATTERN, &got);
	if (err)
		return pmu_check_error(name, err);
	check_counter(name, got, val, val, "gp0");
}

static bool fw_write(const struct pmu_caps *pc)
{
	return !pc->perf_cap_err && (pc->perf_capabilities & PERF_CAP_FW_WRITE);
}

/* Whether IA32_A_PMC0 can be written; if not, name's skip says why. */
static bool fw_write_ready(struct ctx *c, const char *name)
{
	const char *why = NULL;

	if (c->pc->vendor != VENDOR_INTEL)
		why = "not-intel";
	else if (!pmu_gp_count(c->pc))
		why = "no-gp-counters";
	else if (!fw_write(c->pc))
		why = "no-full-width-writes";
	if (why)
		check_skip(name, why);
	return !why;
}

/* IA32_A_PMCx takes every bit below the width (SDM Vol3B 20.2.6). */
static void check_fw_write(struct ctx *c)
{
	const char *name = "pmu.fw-write";
	u64 mask = pmu_counter_mask(c->pc, 0), val = 0x123456789ull & mask, got;
	int err;

	if (!fw_write_ready(c, name))
		return;
	if (c->pc->gp_width <= 33)
		return check_skip(name, "counter-too-narrow");
	c->ops->stop(c->pc, ~0ull);
	err = write_read(MSR_IA32_PMC0, MSR_IA32_PERFCTR0, val, &got);
	if (err)
		return pmu_check_error(name, err);
	check_counter(name, got, val, val, "gp0");
}

/* IA32_A_PMCx: the bits from the counter's width up are reserved, and a
 * write that sets them raises #GP (SDM Vol3B 20.2.6). */
static void check_fw_reserved(struct ctx *c)
{
	const char *name = "pmu.fw-write.reserved";
	struct rec r;
	char buf[16];
	int err;

	if (!fw_write_ready(c, name))
		return;
	if (!(WIDE_PATTERN & ~pmu_counter_mask(c->pc, 0)))
		return check_skip(name, "no-reserved-bits");
	c->ops->stop(c->pc, ~0ull);
	err = msr_write_safe(MSR_IA32_PMC0, WIDE_PATTERN);
	check_begin(&r, name, err == (HW_ERR_FAULT | GP_VECTOR) ? CHECK_PASS : CHECK_FAIL);
	rec_str(&r, "value", hw_err_name(err, buf));
	rec_str(&r, "expect", "#GP");
	rec_hex(&r, "written", WIDE_PATTERN);
	rec_str(&r, "counter", "gp0");
	rec_end(&r);
}

/* Counter 0 on config, started; after N2 iterations it is written val and
 * counts N1 more. */
static int write_while_running(struct ctx *c, u64 config, u64 val, u64 *got)
{
	int err = c->ops->stop(c->pc, ~0ull);

	if (!err)
		err = c->ops->program(c->pc, 0, config, PMC_OS | PMC_USR);
	msr_narrate_hold(true);
	if (!err)
		err = c->ops->start(c->pc, BIT_ULL(0));
	c->fn(N2, c->arg);
	if (!err)
		err = c->ops->write(c->pc, 0, val);
	c->fn(N1, c->arg);
	if (!err)
		err = c->ops->stop(c->pc, BIT_ULL(0));
	msr_narrate_hold(false);
	if (!err)
		err = c->ops->read(c->pc, 0, got);
	c->ops->release(c->pc, 0);
	return err;
}

/* A counter written 0 while it counts holds what the N1 iterations after the
 * write counted (one that kept its count would add the N2 before), and one
 * written all ones wraps and sets its overflow status bit. */
static void check_running_write(struct ctx *c)
{
	const char *name = "pmu.running-write", *sname = "pmu.running-write.status";
	u64 config, v = 0, st = 0, lo = (u64)N1 * c->k->insns;
	int err;

	if (!pmu_gp_count(c->pc)) {
		check_skip(name, "no-gp-counters");
		return check_skip(sname, "no-gp-counters");
	}
	pmu_check_resolve(c, "instructions", &config);
	err = write_while_running(c, config, 0, &v);
	if (err)
		pmu_check_error(name, err);
	else
		check_counter(name, v, lo, lo + OVERHEAD_MAX, "gp0");

	err = c->ops->ovf_status(c->pc, &st);
	if (err == HW_ERR_NOT_SUPPORTED)
		return check_skip(sname, "no-global-status");
	if (!err)
		err = c->ops->ovf_clear(c->pc, BIT_ULL(0));
	if (!err)
		err = write_while_running(c, config, pmu_counter_mask(c->pc, 0), &v);
	if (!err)
		err = c->ops->ovf_status(c->pc, &st);
	if (err)
		return pmu_check_error(sname, err);
	check_counter(sname, !!(st & BIT_ULL(0)), 1, 1, "gp0");
}

/* With the core extension the legacy PERF_CTR0-3 are counters 0-3 of the
 * extended set (APM Vol2 13.2.1): what one is written the other reads. */
static void check_amd_legacy_alias(struct ctx *c)
{
	const char *name = "pmu.amd.legacy-alias";
	unsigned n = pmu_gp_count(c->pc) < K7_COUNTERS ? pmu_gp_count(c->pc) : K7_COUNTERS;
	unsigned good = 0, bad = K7_COUNTERS;
	u64 got[K7_COUNTERS];
	struct rec r;
	int err;

	if (c->ops != &pmu_amd_ops)
		return check_skip(name, "not-amd");
	if (!c->pc->perfctr_core)
		return check_skip(name, "no-core-extension");
	c->ops->stop(c->pc, ~0ull);
	for (unsigned i = 0; i < n; i++) {
		err = write_read(MSR_K7_PERFCTR0 + i, MSR_F15H_PERF_CTR + 2 * i,
				 ALIAS_PATTERN + i, &got[i]);
		if (err)
			return pmu_check_error(name, err);
		if (got[i] == ALIAS_PATTERN + i)
			good++;
		else if (bad == K7_COUNTERS)
			bad = i;
	}
	check_begin(&r, name, good == n ? CHECK_PASS : CHECK_FAIL);
	rec_u64(&r, "value", good);
	rec_u64(&r, "expect", n);
	if (bad != K7_COUNTERS) {
		rec_hex(&r, "msr", MSR_F15H_PERF_CTR + 2 * bad);
		rec_hex(&r, "got", got[bad]);
		rec_hex(&r, "written", ALIAS_PATTERN + bad);
	}
	rec_end(&r);
}

/* RDPMC must read what RDMSR reads, for the counter's RDPMC encoding. */
static void check_rdpmc_one(struct ctx *c, const char *name, unsigned idx, u64 config)
{
	struct prog p = { idx, config, PMC_OS | PMC_USR };
	u64 msr = 0, pmc = 0;
	char cn[16];
	int err;

	err = pmu_check_once(c, &p, 1, BIT_ULL(idx), N1, &msr);
	if (!err)
		err = rdpmc_safe(c->ops->rdpmc_index(idx), &pmc);
	if (err)
		return pmu_check_error(name, err);
	check_counter(name, pmc, msr, msr, pmu_counter_name(idx, cn, sizeof(cn)));
}

static void check_rdpmc(struct ctx *c)
{
	u64 config;

	pmu_check_resolve(c, "instructions", &config);
	if (pmu_gp_count(c->pc))
		check_rdpmc_one(c, "pmu.rdpmc.gp", 0, config);
	else
		check_skip("pmu.rdpmc.gp", "no-gp-counters");
	if (pmu_fixed_exists(c->pc, 0))
		check_rdpmc_one(c, "pmu.rdpmc.fixed", PMC_FIXED, 0);
	else
		check_skip("pmu.rdpmc.fixed", "no-fixed-counter-0");
}

/* RDPMC of an index no counter has raises #GP (SDM Vol2B and APM Vol3
 * RDPMC). QEMU TCG has no RDPMC at all and raises #UD for every index: when
 * index 0 faults the same way, the instruction is what is missing. */
void pmu_check_rdpmc_invalid(void)
{
	const char *name = "pmu.rdpmc.invalid";
	u64 v = 0, v0;
	int err = rdpmc_safe(RDPMC_MISSING, &v);
	struct rec r;
	char buf[16];

	if (err == (HW_ERR_FAULT | UD_VECTOR) && rdpmc_safe(0, &v0) == err)
		return check_skip(name, "rdpmc-raises-ud");
	check_begin(&r, name, err == (HW_ERR_FAULT | GP_VECTOR) ? CHECK_PASS : CHECK_FAIL);
	rec_str(&r, "value", hw_err_name(err, buf));
	rec_str(&r, "expect", "#GP");
	rec_hex(&r, "index", RDPMC_MISSING);
	if (!err)
		rec_hex(&r, "read", v);
	rec_end(&r);
}

void pmu_check_registers(struct ctx *c)
{
	check_width(c);
	check_width_truncate(c);
	check_fw_write(c);
	check_fw_reserved(c);
	check_running_write(c);
	check_amd_legacy_alias(c);
	check_rdpmc(c);
}
