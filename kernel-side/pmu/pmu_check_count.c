/* suite=pmu-check's counting checks (pmu_check_int.h): what counters count
 * over the known loop -- each event, each counter, all at once, and what
 * EN, the global control, OS/USR and CMASK hold back -- and the branch
 * misses of a branch that goes a random way. */
#include "kernel-side/cpu/msr.h"
#include "kernel-side/pmu/pmu_check_int.h"
#include "lib/check.h"
#include "lib/record.h"

/* A CMASK of 2 counts the cycles that retired at least two instructions:
 * fewer than the instructions (kvm-unit-tests x86/pmu.c's check_gp_counter_cmask). */
#define CMASK_INSNS	2
#define SEL_CMASK_SHIFT	24	/* ARCH_PERFMON_EVENTSEL_CMASK is bits 31:24 */

static void check_instructions_fixed(struct ctx *c)
{
	const char *name = "pmu.instructions.fixed";
	struct prog p = { PMC_FIXED + 0, 0, PMC_OS | PMC_USR };
	u64 d;
	int err;

	if (!pmu_fixed_exists(c->pc, 0))
		return check_skip(name, "no-fixed-counter-0");
	err = pmu_check_diff(c, &p, 1, BIT_ULL(p.idx), &d);
	if (err)
		return pmu_check_error(name, err);
	check_counter(name, d, c->insns, c->insns, "fixed0");
}

/* One general-purpose counter on a named event, exactly expect. */
static void check_gp_exact(struct ctx *c, const char *name, const char *event, u64 expect)
{
	struct prog p = { 0, 0, PMC_OS | PMC_USR };
	u64 d;
	int err;

	if (!pmu_gp_count(c->pc))
		return check_skip(name, "no-gp-counters");
	if (!pmu_check_resolve(c, event, &p.config))
		return check_skip(name, "event-not-available");
	err = pmu_check_diff(c, &p, 1, BIT_ULL(0), &d);
	if (err)
		return pmu_check_error(name, err);
	check_counter(name, d, expect, expect, "gp0");
}

static void check_cycles(struct ctx *c)
{
	const char *name = "pmu.cycles";
	struct prog p = { 0, 0, PMC_OS | PMC_USR };
	char cn[16];
	u64 d, lo, hi;
	int err;

	if (pmu_fixed_exists(c->pc, 1))
		p.idx = PMC_FIXED + 1;
	else if (!pmu_gp_count(c->pc))
		return check_skip(name, "no-counters");
	if (!pmu_check_resolve(c, "cycles", &p.config))
		return check_skip(name, "event-not-available");
	err = pmu_check_diff(c, &p, 1, BIT_ULL(p.idx), &d);
	if (err)
		return pmu_check_error(name, err);
	pmu_check_fixed_range(c, 1, &lo, &hi);
	check_counter(name, d, lo, hi, pmu_counter_name(p.idx, cn, sizeof(cn)));
}

/* EN clear: the counter must not count. With a global control it is in the
 * started set, so only its own EN bit holds it back. */
static void check_disabled_en(struct ctx *c)
{
	const char *name = "pmu.disabled.en";
	struct prog p = { 0, 0, PMC_OS | PMC_USR | PMC_NO_EN };
	u64 v;
	int err;

	if (!pmu_gp_count(c->pc))
		return check_skip(name, "no-gp-counters");
	pmu_check_resolve(c, "instructions", &p.config);
	err = pmu_check_once(c, &p, 1, pmu_has_global(c->pc) ? BIT_ULL(0) : 0, N2, &v);
	if (err)
		return pmu_check_error(name, err);
	check_counter(name, v, 0, 0, "gp0");
}

/* Both counters enabled, only gp0 in the global control. */
static void check_disabled_global(struct ctx *c)
{
	const char *name = "pmu.disabled.global";
	struct prog p[2] = { { 0, 0, PMC_OS | PMC_USR }, { 1, 0, PMC_OS | PMC_USR } };
	struct rec r;
	u64 v[2];
	int err;

	if (!pmu_has_global(c->pc))
		return check_skip(name, "no-global-control");
	if (pmu_gp_count(c->pc) < 2)
		return check_skip(name, "needs-2-gp-counters");
	pmu_check_resolve(c, "instructions", &p[0].config);
	p[1].config = p[0].config;
	err = pmu_check_once(c, p, 2, BIT_ULL(0), N2, v);
	if (err)
		return pmu_check_error(name, err);
	/* gp0 proves the loop was counted; gp1 must still be 0. */
	check_begin(&r, name, v[0] && !v[1] ? CHECK_PASS : CHECK_FAIL);
	rec_u64(&r, "value", v[1]);
	rec_u64(&r, "expect", 0);
	rec_str(&r, "counter", "gp1");
	rec_u64(&r, "gp0", v[0]);
	rec_end(&r);
}

/* In ring 0 an OS-only counter counts the loop, a USR-only one nothing. */
static void check_os_usr(struct ctx *c)
{
	struct prog os = { 0, 0, PMC_OS }, usr = { 0, 0, PMC_USR };
	u64 d, v;
	int err;

	if (!pmu_gp_count(c->pc))
		return check_skip("pmu.os", "no-gp-counters");
	pmu_check_resolve(c, "instructions", &os.config);
	usr.config = os.config;
	err = pmu_check_diff(c, &os, 1, BIT_ULL(0), &d);
	if (err)
		pmu_check_error("pmu.os", err);
	else
		check_counter("pmu.os", d, c->insns, c->insns, "gp0");
	err = pmu_check_once(c, &usr, 1, BIT_ULL(0), N2, &v);
	if (err)
		pmu_check_error("pmu.usr", err);
	else
		check_counter("pmu.usr", v, 0, 0, "gp0");
}

/* Fixed counter 2: reference cycles, at the TSC's rate. */
static void check_ref_cycles(struct ctx *c)
{
	const char *name = "pmu.ref-cycles";
	struct prog p = { PMC_FIXED + 2, 0, PMC_OS | PMC_USR };
	u64 d, lo, hi;
	int err;

	if (!pmu_fixed_exists(c->pc, 2))
		return check_skip(name, "no-fixed-counter-2");
	err = pmu_check_diff(c, &p, 1, BIT_ULL(p.idx), &d);
	if (err)
		return pmu_check_error(name, err);
	pmu_check_fixed_range(c, 2, &lo, &hi);
	check_counter(name, d, lo, hi, "fixed2");
}

/* A branch that goes a random way each iteration mispredicts about half the
 * time on any predictor: an eighth is far below that, and far above none. */
#define MISS_SHARE_MIN	8

/* Mispredicted branches counted over the random-branch kernel. */
static void check_branch_misses(struct ctx *c)
{
	const char *name = "pmu.branch-misses";
	struct prog p = { 0, 0, PMC_OS | PMC_USR };
	struct ctx m = *c;
	u64 d, iters = N2 - N1;
	int err;

	if (!pmu_gp_count(c->pc))
		return check_skip(name, "no-gp-counters");
	if (!pmu_check_resolve(c, "branch-misses", &p.config))
		return check_skip(name, "event-not-available");
	m.fn = c->work->miss.fn;
	m.arg = c->work->miss.arg;
	err = pmu_check_diff(&m, &p, 1, BIT_ULL(0), &d);
	if (err)
		return pmu_check_error(name, err);
	check_counter(name, d, iters / MISS_SHARE_MIN, iters * c->work->miss.k->branches, "gp0");
}

/* Every general counter on instructions and the first FIXED_CHECKED fixed
 * counters, started together: each must count as it does alone. */
static void check_all_counters(struct ctx *c)
{
	const char *name = "pmu.all-counters";
	struct prog p[PROG_MAX];
	u64 d[PROG_MAX], lo[PROG_MAX], hi[PROG_MAX], config, mask = 0;
	unsigned n = 0, good = 0, bad = PROG_MAX;
	struct rec r;
	char cn[16];
	int err;

	if (!pmu_check_resolve(c, "instructions", &config))
		return check_skip(name, "event-not-available");
	for (unsigned i = 0; i < pmu_gp_count(c->pc); i++, n++) {
		p[n] = (struct prog){ i, config, PMC_OS | PMC_USR };
		lo[n] = hi[n] = c->insns;
	}
	for (unsigned j = 0; j < FIXED_CHECKED; j++) {
		if (!pmu_fixed_exists(c->pc, j))
			continue;
		p[n] = (struct prog){ PMC_FIXED + j, 0, PMC_OS | PMC_USR };
		pmu_check_fixed_range(c, j, &lo[n], &hi[n]);
		n++;
	}
	if (n < 2)
		return check_skip(name, "needs-2-counters");
	for (unsigned i = 0; i < n; i++)
		mask |= BIT_ULL(p[i].idx);
	err = pmu_check_diff(c, p, n, mask, d);
	if (err)
		return pmu_check_error(name, err);
	for (unsigned i = 0; i < n; i++) {
		if (d[i] >= lo[i] && d[i] <= hi[i])
			good++;
		else if (bad == PROG_MAX)
			bad = i;
	}
	check_begin(&r, name, good == n ? CHECK_PASS : CHECK_FAIL);
	rec_u64(&r, "value", good);
	rec_u64(&r, "expect", n);
	if (bad != PROG_MAX) {
		rec_str(&r, "counter", pmu_counter_name(p[bad].idx, cn, sizeof(cn)));
		rec_u64(&r, "count", d[bad]);
		rec_u64(&r, "lo", lo[bad]);
		rec_u64(&r, "hi", hi[bad]);
	}
	rec_end(&r);
}

/* Instructions with CMASK set count cycles, not instructions: fewer. */
static void check_cmask(struct ctx *c)
{
	const char *name = "pmu.cmask";
	struct prog p = { 0, 0, PMC_OS | PMC_USR };
	u64 d;
	int err;

	if (!pmu_gp_count(c->pc))
		return check_skip(name, "no-gp-counters");
	if (!pmu_check_resolve(c, "instructions", &p.config))
		return check_skip(name, "event-not-available");
	p.config |= (u64)CMASK_INSNS << SEL_CMASK_SHIFT;
	err = pmu_check_diff(c, &p, 1, BIT_ULL(0), &d);
	if (err)
		return pmu_check_error(name, err);
	check_counter(name, d, 0, c->insns - 1, "gp0");
}

void pmu_check_counting(struct ctx *c)
{
	check_instructions_fixed(c);
	check_gp_exact(c, "pmu.instructions.gp", "instructions", c->insns);
	check_gp_exact(c, "pmu.branches", "branches", c->branches);
	check_cycles(c);
	check_ref_cycles(c);
	check_branch_misses(c);
	check_all_counters(c);
	check_cmask(c);
	check_disabled_en(c);
	check_disabled_global(c);
	check_os_usr(c);
}
