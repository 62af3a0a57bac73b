/* suite=pmu-check's TSX check (pmu_check_int.h): with RTM, core cycles
 * qualified by IN_TX count inside transactions on every general counter,
 * and with IN_TXCP too (IA32_PERFEVTSEL2 only) those of the ones that
 * committed (SDM Vol3B 20.3.6.5), over mb_tx's transactions. */
#include "kernel-side/cpu/cpuinfo.h"
#include "kernel-side/pmu/pmu_check_int.h"
#include "lib/check.h"
#include "lib/record.h"

/* The counter IN_TXCP is defined on. */
#define TXCP_COUNTER	2

void pmu_check_tsx(struct ctx *c)
{
	const char *name = "pmu.tsx-cycles";
	struct prog p[PMC_GP_MAX];
	u64 v[PMC_GP_MAX], config, mask = 0;
	unsigned n = pmu_gp_count(c->pc), good = 0, bad = n;
	struct ctx t = *c;
	struct rec r;
	char cn[16];
	int err;

	/* Without RTM, XBEGIN is #UD: nothing here may run it. */
	if (!(c->lab->cpu.leaf7_ebx & X86_FEATURE_RTM))
		return check_skip(name, "no-rtm");
	/* Parts whose microcode retired TSX keep RTM in CPUID but abort every
	 * XBEGIN at once: no cycle would pass inside a transaction. */
	if (c->lab->cpu.leaf7_edx & X86_FEATURE_RTM_ALWAYS_ABORT)
		return check_skip(name, "rtm-always-aborts");
	if (!c->ops)
		return check_skip(name, c->pc->reason);
	if (!n)
		return check_skip(name, "no-gp-counters");
	if (!pmu_check_resolve(c, "cycles", &config))
		return check_skip(name, "event-not-available");
	for (unsigned i = 0; i < n; i++) {
		p[i] = (struct prog){ i, config, PMC_OS | PMC_USR | PMC_IN_TX };
		if (i == TXCP_COUNTER)
			p[i].flags |= PMC_IN_TXCP;
		mask |= BIT_ULL(i);
	}
	t.fn = c->work->tx;
	t.arg = NULL;
	err = pmu_check_once(&t, p, n, mask, N2, v);
	if (err)
		return pmu_check_error(name, err);
	for (unsigned i = 0; i < n; i++) {
		if (v[i])
			good++;
		else if (bad == n)
			bad = i;
	}
	check_begin(&r, name, good == n ? CHECK_PASS : CHECK_FAIL);
	rec_u64(&r, "value", good);
	rec_u64(&r, "expect", n);
	if (bad != n) {
		rec_str(&r, "counter", pmu_counter_name(bad, cn, sizeof(cn)));
		rec_u64(&r, "count", v[bad]);
	}
	rec_end(&r);
}
