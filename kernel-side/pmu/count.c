/* Counting API (count.h). */
#include "kernel-side/pmu/count.h"
#include "kernel-side/cpu/cpu.h"
#include "lib/libc.h"
#include "kernel-side/cpu/msr.h"

/* Counters of a group: bit i for GP counter i, PMC_FIXED + j for fixed j. */
static bool slot_fits(const struct count_set *s, struct count_slot *sl, unsigned g)
{
	const struct pmu_caps *pc = s->pc;
	u64 used = s->mask[g];
	bool rsp_used[2] = { false, false };

	for (unsigned i = 0; i < s->n; i++)
		if (s->slot[i].counted && s->slot[i].group == g && s->slot[i].extra >= 0)
			rsp_used[s->slot[i].extra] = true;

	sl->extra = -1;
	if (sl->ev.extra) {
		/* OFFCORE_RESPONSE_0 (0xb7) pairs with MSR_OFFCORE_RSP_0 and
		 * OFFCORE_RESPONSE_1 (0xbb) with RSP_1: a second one in a group
		 * moves to the other pair (Linux intel_fixup_er()). */
		sl->extra = !rsp_used[0] ? 0 : !rsp_used[1] ? 1 : -1;
		if (sl->extra < 0)
			return false;
	}
	if (sl->ev.fixed != EVENT_NO_FIXED && pmu_fixed_exists(pc, sl->ev.fixed) &&
	    !(used & BIT_ULL(PMC_FIXED + sl->ev.fixed))) {
		sl->idx = PMC_FIXED + sl->ev.fixed;
		return true;
	}
	if (sl->ev.fixed_only)
		return false;
	for (unsigned i = 0; i < pmu_gp_count(pc); i++) {
		if (!(used & BIT_ULL(i))) {
			sl->idx = i;
			return true;
		}
	}
	return false;
}

static void assign(struct count_set *s, struct count_slot *sl)
{
	for (unsigned g = 0; g <= s->ngroups && g < COUNT_EVENTS_MAX; g++) {
		if (g == s->ngroups)
			s->mask[s->ngroups++] = 0;
		if (slot_fits(s, sl, g)) {
			sl->group = g;
			sl->counted = true;
			s->mask[g] |= BIT_ULL(sl->idx);
			/* Event 0xbb is the one that reads MSR_OFFCORE_RSP_1. */
			if (sl->extra == 1)
				sl->ev.config = (sl->ev.config & ~0xffull) | 0xbb;
			return;
		}
		if (s->mask[g] == 0) {
			/* Not even an empty group takes it. */
			s->ngroups--;
			sl->ev.reason = "no-counter-for-event";
			return;
		}
	}
}

void count_init(struct count_set *s, const struct cpu_info *ci,
		const struct pmu_caps *pc, const char *list)
{
	const char *p = list;

	memset(s, 0, sizeof(*s));
	s->pc = pc;
	s->ops = pmu_ops(pc);
	while (*p) {
		const char *e = p;

		while (*e && *e != ',')
			e++;
		if (e > p && s->n == COUNT_EVENTS_MAX) {
			s->dropped++;
		} else if (e > p) {
			struct count_slot *sl = &s->slot[s->n++];

			event_resolve(ci, pc, p, e - p, &sl->ev);
			sl->extra = -1;
			if (!sl->ev.reason && s->ops)
				assign(s, sl);
		}
		p = *e ? e + 1 : e;
	}
}

int count_program(struct count_set *s, unsigned g)
{
	int err;

	if (!s->ops || g >= s->ngroups)
		return HW_ERR_NOT_SUPPORTED;
	err = s->ops->stop(s->pc, ~0ull);
	for (unsigned i = 0; i < s->n && !err; i++) {
		struct count_slot *sl = &s->slot[i];

		if (!sl->counted || sl->group != g)
			continue;
		if (sl->extra >= 0)
			err = s->ops->set_extra(s->pc, sl->extra, sl->ev.extra);
		if (!err)
			err = s->ops->program(s->pc, sl->idx, sl->ev.config, PMC_OS | PMC_USR);
	}
	return err;
}

int count_start(struct count_set *s, unsigned g)
{
	int err;

	/* Explain mode narrates this region's accesses after it, at
	 * count_read(): its own instructions must not be counted. Holds nest
	 * (msr.h), so each start holds once and is released once. */
	if (!s->held)
		msr_narrate_hold(true);
	s->held = true;
	lfence();
	err = s->ops->start(s->pc, s->mask[g]);
	lfence();
	return err;
}

int count_stop(struct count_set *s, unsigned g)
{
	int err;

	lfence();
	err = s->ops->stop(s->pc, s->mask[g]);
	lfence();
	return err;
}

static void count_unhold(struct count_set *s)
{
	if (s->held)
		msr_narrate_hold(false);
	s->held = false;
}

int count_read(struct count_set *s, unsigned g, u64 *val)
{
	count_unhold(s);
	for (unsigned i = 0; i < s->n; i++) {
		struct count_slot *sl = &s->slot[i];
		int err;

		if (!sl->counted || sl->group != g)
			continue;
		err = s->ops->read(s->pc, sl->idx, &val[i]);
		if (err)
			return err;
	}
	return 0;
}

void count_release(struct count_set *s)
{
	count_unhold(s);
	if (!s->ops)
		return;
	s->ops->stop(s->pc, ~0ull);
	for (unsigned i = 0; i < s->n; i++)
		if (s->slot[i].counted)
			s->ops->release(s->pc, s->slot[i].idx);
}
