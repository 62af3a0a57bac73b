/* perf's generic event names mapped to raw encodings, per vendor and model,
 * as Linux maps them (arch/x86/events/intel/core.c intel_perfmon_event_map,
 * *_hw_cache_event_ids and *_extra_regs; arch/x86/events/amd/core.c
 * amd_*_perfmon_event_map and amd_hw_cache_event_ids*). The tables live in
 * events.c; this is data, not code. A name the CPU cannot count resolves to a
 * reason, never to a guess. */
#ifndef PMULAB_EVENTS_H
#define PMULAB_EVENTS_H

#include "lib/types.h"

/* The vendors the tables know (CPUID.0 vendor string). */
enum cpu_vendor { VENDOR_OTHER, VENDOR_INTEL, VENDOR_AMD, VENDOR_HYGON };

enum event_id {
	EV_CYCLES,
	EV_INSTRUCTIONS,
	EV_REF_CYCLES,
	EV_BRANCHES,
	EV_BRANCH_MISSES,
	EV_CACHE_REFERENCES,
	EV_CACHE_MISSES,
	EV_L1D_LOADS,
	EV_L1D_LOAD_MISSES,
	EV_LLC_LOADS,
	EV_LLC_LOAD_MISSES,
	EV_DTLB_LOAD_MISSES,
	EV_STALLED_FRONTEND,
	EV_STALLED_BACKEND,
	EV_NAMED,		/* the generic names end here */
	EV_RAW = EV_NAMED,	/* raw:0x... */
};

/* Selector bits an event encoding may carry (SDM Vol3B Figure 20-6; APM Vol2
 * Figure 13-7): event, umask, EDGE, INV, CMASK and AMD's event[11:8]. The
 * driver adds USR/OS/EN/INT itself. */
#define EVENT_CONFIG_MASK_INTEL	0xff84ffffull
#define EVENT_CONFIG_MASK_AMD	(EVENT_CONFIG_MASK_INTEL | 0xf00000000ull)

#define EVENT_NO_FIXED		0xff
#define EVENT_NO_ARCH_BIT	0xff
#define EVENT_NAME_MAX		32

/* An event resolved for this CPU. */
struct event {
	char name[EVENT_NAME_MAX];	/* as asked for */
	enum event_id id;
	const char *reason;		/* non-NULL: cannot be counted here, and why */
	const char *table;		/* which mapping gave the encoding */
	u64 config;			/* selector bits (EVENT_CONFIG_MASK_*) */
	u64 extra;			/* MSR_OFFCORE_RSP_x value for OFFCORE_RESPONSE */
	u8 fixed;			/* Intel fixed counter counting the same, or EVENT_NO_FIXED */
	bool fixed_only;		/* only that fixed counter will do (ref-cycles) */
	u8 arch_bit;			/* Intel architectural event: its CPUID.0AH.EBX bit,
					 * else EVENT_NO_ARCH_BIT */
};

/* perf's name for a generic event. */
const char *event_name(enum event_id id);

/* Syntax only, no CPU needed: a known name or raw:0xHEX within the selector
 * bits either vendor allows. Returns NULL when fine, else the reason. */
const char *event_check_name(const char *name, size_t len);

/* The encoding the tables give name on a CPU of this vendor, family and
 * model, before any PMU is asked whether a counter can take it (that is
 * event_resolve, kernel-side/pmu/pmu.h); ev->reason says when none can. */
void event_encode(enum cpu_vendor vendor, u32 family, u32 model, const char *name,
		  size_t len, struct event *ev);

/* perf's name for selector bits config (EVENT_CONFIG_MASK_*): Intel's
 * architectural events, or any AMD table's row; NULL when none says. For
 * explain mode, which sees only the value written. */
const char *event_describe(enum cpu_vendor vendor, u64 config);

#endif
