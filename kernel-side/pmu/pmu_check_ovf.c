/* suite=pmu-check's overflow checks (pmu_check_int.h): every general counter,
 * and fixed counter 0, preset OVF_MARGIN below its top must wrap, set its
 * global status bit, and have the bit cleared by the overflow-clear MSR. One
 * record a property, naming the first counter that failed it. */
#include "kernel-side/cpu/msr.h"
#include "kernel-side/pmu/pmu_check_int.h"
#include "lib/check.h"
#include "lib/record.h"

enum ovf_prop { OVF_WRAP, OVF_STATUS, OVF_CLEAR, OVF_PROPS };

struct ovf {
	unsigned idx;
	u64 v, preset, hi;
	int err[OVF_PROPS];
	bool ok[OVF_PROPS];
};

u64 pmu_check_wrap_preset(const struct ctx *c, unsigned idx)
{
	return pmu_counter_mask(c->pc, idx) - OVF_MARGIN + 1;
}

int pmu_check_wrap(struct ctx *c, unsigned idx, u64 config, u32 flags, u64 *v)
{
	int err = c->ops->stop(c->pc, ~0ull);

	if (!err)
		err = c->ops->program(c->pc, idx, config, flags);
	if (!err)
		err = c->ops->write(c->pc, idx, pmu_check_wrap_preset(c, idx));
	msr_narrate_hold(true);
	if (!err)
		err = c->ops->start(c->pc, BIT_ULL(idx));
	c->fn(N2, c->arg);
	if (!err)
		err = c->ops->stop(c->pc, BIT_ULL(idx));
	msr_narrate_hold(false);
	if (!err)
		err = c->ops->read(c->pc, idx, v);
	c->ops->release(c->pc, idx);
	return err;
}

static void overflow_run(struct ctx *c, struct ovf *o, u64 config)
{
	u64 st = 0;
	int err;

	o->preset = pmu_check_wrap_preset(c, o->idx);
	/* Wrapped: the counter holds what it counted past its top, which is
	 * less than the whole run can count. */
	o->hi = (u64)N2 * c->k->insns + OVERHEAD_MAX;
	err = o->err[OVF_WRAP] = pmu_check_wrap(c, o->idx, config, PMC_OS | PMC_USR, &o->v);
	o->ok[OVF_WRAP] = !err && o->v < o->hi;
	if (!err)
		err = c->ops->ovf_status(c->pc, &st);
	o->ok[OVF_STATUS] = !err && (st & BIT_ULL(o->idx));
	o->err[OVF_STATUS] = err;
	if (!err)
		err = c->ops->ovf_clear(c->pc, BIT_ULL(o->idx));
	if (!err)
		err = c->ops->ovf_status(c->pc, &st);
	o->ok[OVF_CLEAR] = !err && !(st & BIT_ULL(o->idx));
	o->err[OVF_CLEAR] = err;
}

static void report(const char *name, enum ovf_prop prop, const struct ovf *o, unsigned n)
{
	unsigned i = 0;
	struct rec r;
	char cn[16];

	while (i < n - 1 && o[i].ok[prop])
		i++;
	if (o[i].err[prop] == HW_ERR_NOT_SUPPORTED && prop != OVF_WRAP)
		return check_skip(name, "no-global-status");
	if (o[i].err[prop])
		return pmu_check_error(name, o[i].err[prop]);
	check_begin(&r, name, o[i].ok[prop] ? CHECK_PASS : CHECK_FAIL);
	if (prop == OVF_WRAP) {
		rec_hex(&r, "value", o[i].v);
		rec_hex(&r, "hi", o[i].hi);
		rec_hex(&r, "preset", o[i].preset);
	} else {
		/* the counter's status bit, set after the wrap, clear after the clear */
		rec_u64(&r, "value", o[i].ok[prop] == (prop == OVF_STATUS));
		rec_u64(&r, "expect", prop == OVF_STATUS);
	}
	rec_str(&r, "counter", pmu_counter_name(o[i].idx, cn, sizeof(cn)));
	rec_u64(&r, "counters", n);
	rec_end(&r);
}

/* Counters first..first+n-1 on config, each in turn. */
static void check_set(struct ctx *c, const char *const names[OVF_PROPS], unsigned first,
		      unsigned n, u64 config)
{
	struct ovf o[PMC_GP_MAX];

	for (unsigned i = 0; i < n; i++) {
		o[i] = (struct ovf){ .idx = first + i };
		overflow_run(c, &o[i], config);
	}
	for (unsigned p = 0; p < OVF_PROPS; p++)
		report(names[p], p, o, n);
}

static void skip_set(const char *const names[OVF_PROPS], const char *reason)
{
	for (unsigned p = 0; p < OVF_PROPS; p++)
		check_skip(names[p], reason);
}

void pmu_check_overflow(struct ctx *c)
{
	static const char *const gp[OVF_PROPS] = {
		"pmu.overflow.wrap", "pmu.overflow.status", "pmu.overflow.clear",
	};
	static const char *const fixed[OVF_PROPS] = {
		"pmu.overflow.fixed.wrap", "pmu.overflow.fixed.status",
		"pmu.overflow.fixed.clear",
	};
	u64 config;

	if (!pmu_gp_count(c->pc)) {
		skip_set(gp, "no-gp-counters");
	} else {
		pmu_check_resolve(c, "instructions", &config);
		check_set(c, gp, 0, pmu_gp_count(c->pc), config);
	}
	if (!pmu_fixed_exists(c->pc, 0))
		return skip_set(fixed, "no-fixed-counter-0");
	check_set(c, fixed, PMC_FIXED, 1, 0);
}
