/* suite=pmu-check's counted run (pmu_check_int.h). Exact answers come from
 * differences: the kernel runs at N1 and N2 iterations on the same counter,
 * and everything outside the loop (start, stop, call, ret) cancels, so a loop
 * of (N2 - N1) * insns instructions must count exactly that. */
#include "kernel-side/cpu/msr.h"
#include "kernel-side/pmu/pmu_check_int.h"
#include "lib/check.h"
#include "lib/libc.h"

/* Cycles for a loop are at least instructions / widest retirement (8 a
 * cycle on any x86 core so far) and, with interrupts off and the reading
 * overhead subtracted, far below 100 a instruction. */
#define CYCLES_IPC_MAX	8
#define CYCLES_CPI_MAX	100
/* Reference cycles tick at the TSC's rate (SDM Vol3B 20.2.1.2), which a core
 * in turbo outruns by its turbo ratio: below this on any part so far. */
#define REF_RATIO_MAX	4

void pmu_check_error(const char *name, int err)
{
	char buf[16];

	check_fail(name, "error", hw_err_name(err, buf));
}

int pmu_check_once(struct ctx *c, const struct prog *p, unsigned n, u64 start,
		   u64 iters, u64 *val)
{
	int err = c->ops->stop(c->pc, ~0ull);

	for (unsigned i = 0; i < n && !err; i++)
		err = c->ops->program(c->pc, p[i].idx, p[i].config, p[i].flags);
	/* Explain mode narrates the counted region's accesses after it. */
	msr_narrate_hold(true);
	if (!err)
		err = c->ops->start(c->pc, start);
	c->fn(iters, c->arg);
	if (!err)
		err = c->ops->stop(c->pc, start);
	msr_narrate_hold(false);
	for (unsigned i = 0; i < n && !err; i++)
		err = c->ops->read(c->pc, p[i].idx, &val[i]);
	for (unsigned i = 0; i < n; i++)
		c->ops->release(c->pc, p[i].idx);
	return err;
}

int pmu_check_diff(struct ctx *c, const struct prog *p, unsigned n, u64 start, u64 *diff)
{
	u64 a[PROG_MAX] = { 0 }, b[PROG_MAX] = { 0 };
	int err = pmu_check_once(c, p, n, start, N1, a);

	if (!err)
		err = pmu_check_once(c, p, n, start, N2, b);
	for (unsigned i = 0; i < n; i++)
		diff[i] = b[i] - a[i];
	return err;
}

bool pmu_check_resolve(struct ctx *c, const char *name, u64 *config)
{
	struct event ev;

	event_resolve(&c->lab->cpu, c->pc, name, strlen(name), &ev);
	*config = ev.config;
	return !ev.reason;
}

void pmu_check_fixed_range(const struct ctx *c, unsigned j, u64 *lo, u64 *hi)
{
	*lo = *hi = c->insns;
	if (j == 1) {
		*lo = c->insns / CYCLES_IPC_MAX;
		*hi = c->insns * CYCLES_CPI_MAX;
	} else if (j == 2) {
		*lo = c->insns / (CYCLES_IPC_MAX * REF_RATIO_MAX);
		*hi = c->insns * CYCLES_CPI_MAX;
	}
}
