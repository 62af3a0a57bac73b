/* An event for this PMU (pmu.h): the tables' encoding (lib/events.c), then
 * whether a counter here can take it. Architectural events are enumerated in
 * CPUID.0AH.EBX, where a set bit means NOT available (SDM Vol3B 20.2.1.2);
 * pmu_caps.events_avail keeps the complement. */
#include "kernel-side/pmu/pmu.h"
#include "lib/libc.h"

void event_resolve(const struct cpu_info *ci, const struct pmu_caps *pc,
		   const char *name, size_t len, struct event *ev)
{
	const char *bad_name = event_check_name(name, len);
	struct event none = { .fixed = EVENT_NO_FIXED, .arch_bit = EVENT_NO_ARCH_BIT,
			      .table = "none" };

	event_encode(ci->vendor_id, ci->family, ci->model, name, len, ev);
	if (bad_name)
		return;
	if (!pc->present) {
		/* Nothing counts here: no encoding is chosen. */
		memcpy(none.name, ev->name, sizeof(none.name));
		none.id = ev->id;
		none.reason = pc->reason;
		*ev = none;
		return;
	}
	if (ev->arch_bit == EVENT_NO_ARCH_BIT)
		return;
	if (!(pc->events_avail & BIT(ev->arch_bit)))
		ev->reason = "not-in-cpuid-0a";
	else if (ev->fixed_only && !pmu_fixed_exists(pc, ev->fixed))
		ev->reason = "needs-fixed-counter-2";
	else if (!pc->gp_counters && !pmu_fixed_exists(pc, ev->fixed))
		ev->reason = "no-counter-for-event";
}
